//! The profile model: per-task rows kept compactly, plus what the run's other files add.
//!
//! Strings that repeat across rows (op names, op types, task types, shapes, dtypes, formats) are
//! interned once in [`Strings`]; a task row holds [`Sym`] handles, so a 500,000-row file costs
//! about a hundred bytes per row plus its distinct strings.

use crate::ir::fx_hash::FxBuild;
use std::collections::HashMap;
use std::sync::Arc;

/// Handle of an interned string; `Sym::EMPTY` is the empty string (a missing or `N/A` cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Sym(u32);

impl Sym {
    pub const EMPTY: Sym = Sym(0);

    pub fn is_empty(self) -> bool {
        self == Sym::EMPTY
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// String interner shared by every task row of a [`Profile`].
#[derive(Debug, Clone)]
pub struct Strings {
    list: Vec<Arc<str>>,
    index: HashMap<Arc<str>, Sym, FxBuild>,
}

impl Default for Strings {
    fn default() -> Strings {
        let empty: Arc<str> = Arc::from("");
        let mut index = HashMap::default();
        index.insert(empty.clone(), Sym::EMPTY);
        Strings {
            list: vec![empty],
            index,
        }
    }
}

impl Strings {
    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(&sym) = self.index.get(text) {
            return sym;
        }
        // More than four billion distinct strings cannot come from a file that fits in memory;
        // saturate rather than wrap if it ever happens.
        let sym = Sym(u32::try_from(self.list.len()).unwrap_or(u32::MAX));
        let shared: Arc<str> = Arc::from(text);
        self.list.push(shared.clone());
        self.index.insert(shared, sym);
        sym
    }

    /// The string of `sym`; the empty string for a handle of another interner.
    pub fn get(&self, sym: Sym) -> &str {
        self.list.get(sym.index()).map(|s| &**s).unwrap_or("")
    }

    /// Handle of `text` when it was interned.
    pub fn find(&self, text: &str) -> Option<Sym> {
        self.index.get(text).copied()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.len() <= 1
    }
}

/// The unit a task ran on, normalised from the many task-type spellings for display. The raw
/// string stays in [`Task::task_type`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// `AI_CORE`: the cube core on A2/A3 chips; the whole AI Core (cube and vector) on chips
    /// without separate vector cores (Ascend 310, 910A, 310P).
    AiCore,
    /// `AI_VECTOR_CORE`: a vector core (A2/A3).
    AiVector,
    /// `MIX_AIC` / `MIX_AIV` / `FFTS_PLUS`: one kernel on cube and vector cores together.
    Mix,
    /// `AI_CPU`: the op fell back to the AI CPU.
    AiCpu,
    /// `HCCL` / `COMMUNICATION` and other collective-communication tasks.
    Communication,
    /// Memory copies (`SDMA`, `PCIE_DMA_SQE`, memcpy tasks).
    Dma,
    /// Anything else (`DSA_SQE`, unknown or `N/A` task types).
    Other,
}

impl Unit {
    pub const ALL: [Unit; 7] = [
        Unit::AiCore,
        Unit::AiVector,
        Unit::Mix,
        Unit::AiCpu,
        Unit::Communication,
        Unit::Dma,
        Unit::Other,
    ];

    /// Stable id used in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Unit::AiCore => "ai_core",
            Unit::AiVector => "ai_vector",
            Unit::Mix => "mix",
            Unit::AiCpu => "ai_cpu",
            Unit::Communication => "communication",
            Unit::Dma => "dma",
            Unit::Other => "other",
        }
    }

    /// Human label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Unit::AiCore => "AI Core",
            Unit::AiVector => "AI Vector",
            Unit::Mix => "Mix",
            Unit::AiCpu => "AI CPU",
            Unit::Communication => "communication",
            Unit::Dma => "DMA",
            Unit::Other => "other",
        }
    }

    /// Maps a task type of op_summary (`Task Type`), kernel_details (`Accelerator Core`),
    /// op_statistic (`Core Type`), task_time (`kernel_type`), the timeline (`Task Type` arg) or a
    /// MindStudio export (`kernel AI core task`, `kernel AI cpu task`, `AICore`, `AICPU`).
    pub fn from_task_type(raw: &str) -> Unit {
        let upper = raw.trim().to_ascii_uppercase();
        let upper = upper
            .strip_prefix("KERNEL_")
            .or_else(|| upper.strip_prefix("KERNEL "))
            .unwrap_or(&upper);
        let upper = upper.strip_suffix(" TASK").unwrap_or(upper).trim();
        match upper {
            "AI_CORE" | "AICORE" | "AI CORE" | "TBE" => Unit::AiCore,
            "AI_VECTOR_CORE" | "AIVEC" | "AIV" | "AI_VECTOR" | "VECTOR_CORE" => Unit::AiVector,
            "MIX_AIC" | "MIX_AIV" | "MIX_AICORE" | "MIX_AIVEC" | "FFTS_PLUS" | "FFTS+" => Unit::Mix,
            "AI_CPU" | "AICPU" | "AI CPU" => Unit::AiCpu,
            "HCCL" | "COMMUNICATION" | "HCCL_AI_CPU" | "HCCL_AICPU" => Unit::Communication,
            _ if upper.contains("SDMA")
                || upper.contains("DMA_SQE")
                || upper.contains("MEMCPY")
                || upper == "PCIE_DMA" =>
            {
                Unit::Dma
            }
            _ => Unit::Other,
        }
    }

    /// Whether tasks of this unit are computations (used by rules about kernels).
    pub fn is_ai_core(self) -> bool {
        matches!(self, Unit::AiCore | Unit::AiVector | Unit::Mix)
    }
}

/// `OP State` of op_summary / kernel_details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OpState {
    #[default]
    Unknown,
    Static,
    Dynamic,
}

/// One device task (one row of op_summary / kernel_details / task_time, or one `Ascend Hardware`
/// event of a timeline).
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: Sym,
    pub op_type: Sym,
    /// Raw task type (`AI_CORE`, `KERNEL_AICPU`, `MIX_AIC`, ...).
    pub task_type: Sym,
    pub unit: Unit,
    pub op_state: OpState,
    /// Start in microseconds (the clock of the file; only differences are meaningful).
    pub start_us: Option<f64>,
    pub duration_us: f64,
    pub wait_us: Option<f64>,
    pub block_dim: Option<u32>,
    pub mix_block_dim: Option<u32>,
    pub stream_id: Option<u32>,
    pub task_id: Option<u32>,
    pub input_shapes: Sym,
    pub input_dtypes: Sym,
    pub input_formats: Sym,
    pub output_shapes: Sym,
    pub output_dtypes: Sym,
    pub output_formats: Sym,
    /// Index into [`Profile::pmu`] when the row had PMU metrics.
    pub pmu: Option<u32>,
    /// Index into [`Profile::sources`].
    pub source: u16,
    /// Line (CSV) or event index (JSON) in the source file, 1-based.
    pub line: u32,
}

/// A pipe of the AI Core whose busy ratio the PMU reports (`*_ratio` columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pipe {
    Mac,
    Vec,
    Scalar,
    Mte1,
    Mte2,
    Mte3,
    Fixpipe,
}

impl Pipe {
    pub const ALL: [Pipe; 7] = [
        Pipe::Mac,
        Pipe::Vec,
        Pipe::Scalar,
        Pipe::Mte1,
        Pipe::Mte2,
        Pipe::Mte3,
        Pipe::Fixpipe,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pipe::Mac => "mac",
            Pipe::Vec => "vec",
            Pipe::Scalar => "scalar",
            Pipe::Mte1 => "mte1",
            Pipe::Mte2 => "mte2",
            Pipe::Mte3 => "mte3",
            Pipe::Fixpipe => "fixpipe",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// Which core a PMU column describes: unprefixed columns (Ascend 310, 910A, 310P: one core type)
/// or the `aic_` / `aiv_` prefixed columns of A2/A3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoreSide {
    Whole,
    Cube,
    Vector,
}

impl CoreSide {
    fn slot(self) -> usize {
        self as usize
    }
}

/// PMU metrics of one task. Missing values are NaN internally; the accessors return `Option`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pmu {
    ratios: [[f32; 7]; 3],
    /// `cube_utilization(%)` column, in percent (f64: values up to 100 need more than f32's
    /// seven digits to keep the file's three decimals).
    cube_utilization_pct: f64,
    /// `memory_bound` column (mskpp / older summaries), when the file had it.
    memory_bound_col: f64,
    /// `aic_total_cycles` or `total_cycles`.
    total_cycles: f64,
}

impl Default for Pmu {
    fn default() -> Pmu {
        Pmu {
            ratios: [[f32::NAN; 7]; 3],
            cube_utilization_pct: f64::NAN,
            memory_bound_col: f64::NAN,
            total_cycles: f64::NAN,
        }
    }
}

fn opt64(value: f64) -> Option<f64> {
    (!value.is_nan()).then_some(value)
}

/// A stored ratio (0 to 1, kept as `f32`) back as `f64`, rounded to 6 decimals so that a file's
/// `0.8` compares equal to `0.8` (files give ratios with at most 4 decimals; `0.8f32 as f64` is
/// 0.800000011920929).
fn opt32(value: f32) -> Option<f64> {
    (!value.is_nan()).then(|| (f64::from(value) * 1e6).round() / 1e6)
}

impl Pmu {
    pub fn set_ratio(&mut self, side: CoreSide, pipe: Pipe, value: f64) {
        self.ratios[side.slot()][pipe.slot()] = value as f32;
    }

    pub fn set_cube_utilization_pct(&mut self, value: f64) {
        self.cube_utilization_pct = value;
    }

    pub fn set_memory_bound(&mut self, value: f64) {
        self.memory_bound_col = value;
    }

    pub fn set_total_cycles(&mut self, value: f64) {
        self.total_cycles = value;
    }

    pub fn ratio_on(&self, side: CoreSide, pipe: Pipe) -> Option<f64> {
        opt32(self.ratios[side.slot()][pipe.slot()])
    }

    /// The highest ratio of `pipe` over the core sides the file reported.
    pub fn ratio(&self, pipe: Pipe) -> Option<f64> {
        [CoreSide::Whole, CoreSide::Cube, CoreSide::Vector]
            .into_iter()
            .filter_map(|side| self.ratio_on(side, pipe))
            .reduce(f64::max)
    }

    pub fn has_pipe_ratios(&self) -> bool {
        [Pipe::Mac, Pipe::Vec, Pipe::Mte2]
            .into_iter()
            .any(|pipe| self.ratio(pipe).is_some())
    }

    /// `memory_bound = mte2_ratio / max(mac_ratio, vec_ratio)` (msprof `runtime_report.py`);
    /// the file's own `memory_bound` column wins when present. `None` without the ratios or when
    /// both mac and vec are zero.
    pub fn memory_bound(&self) -> Option<f64> {
        if let Some(value) = opt64(self.memory_bound_col) {
            return Some(value);
        }
        let mte2 = self.ratio(Pipe::Mte2)?;
        let busiest = match (self.ratio(Pipe::Mac), self.ratio(Pipe::Vec)) {
            (Some(mac), Some(vec)) => mac.max(vec),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => return None,
        };
        (busiest > 0.0).then(|| mte2 / busiest)
    }

    pub fn cube_utilization_pct(&self) -> Option<f64> {
        opt64(self.cube_utilization_pct)
    }

    pub fn total_cycles(&self) -> Option<f64> {
        opt64(self.total_cycles)
    }
}

/// What kind of profiling file a source was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// msprof `op_summary_*.csv`.
    OpSummary,
    /// torch_npu / MindSpore `kernel_details.csv` (op_summary with renamed columns).
    KernelDetails,
    OpStatistic,
    TaskTimeCsv,
    /// `task_time_*.json` (Chrome trace, before CANN 8.0).
    TaskTimeJson,
    /// `msprof_*.json` / `trace_view.json`.
    Timeline,
    FusionOp,
    /// msprof `info.json` (device info).
    Info,
    /// torch_npu `profiler_info*.json` (collection config): recognised, nothing to import.
    ProfilerInfo,
    /// `l2_cache*.csv`: recognised, not used.
    L2Cache,
    /// MindStudio summary "Op Statistic" with a `Task IDs` column.
    MindStudioOpStatistic,
    /// MindStudio summary "AI Core Metrics" keyed by `Task ID` (a CSV), or the MindStudio 2.x
    /// export `summary_aicore_N.json` (rows `Task, Stream, Op Name, total_time(ms), total_cycles,
    /// *_ratio, memory_bound`).
    MindStudioAiCoreMetrics,
    /// MindStudio 2.x `timeline_ts_N.json`: every run of every task (`data["stream task"]`).
    MindStudioTimelineTs,
    /// MindStudio 2.x `summary_ts_N.json`: per task id, its type, count and times (ns).
    MindStudioSummaryTs,
    /// MindStudio 2.x `op_time_statistic_N.json`: per op name, core type, count and cycles.
    MindStudioOpTimeStatistic,
    /// MindStudio 2.x `summary_aicore_sample_N.json`: sample-mode AI Core metrics per core.
    MindStudioAiCoreSample,
    /// MindStudio 2.x `devices.json`: the ids of the profiled devices.
    MindStudioDevices,
    /// A MindStudio 2.x table opscope recognises but does not use (runtime API summary, GE / ACL /
    /// runtime timelines, AI Core utilisation series, collection summary, view summary, time
    /// range).
    MindStudioMetadata,
    /// Not a file: the cost model's estimate of a run (`analysis::cost::estimated_profile`).
    Estimate,
}

impl SourceKind {
    pub fn id(self) -> &'static str {
        match self {
            SourceKind::OpSummary => "op_summary",
            SourceKind::KernelDetails => "kernel_details",
            SourceKind::OpStatistic => "op_statistic",
            SourceKind::TaskTimeCsv => "task_time_csv",
            SourceKind::TaskTimeJson => "task_time_json",
            SourceKind::Timeline => "timeline",
            SourceKind::FusionOp => "fusion_op",
            SourceKind::Info => "info_json",
            SourceKind::ProfilerInfo => "profiler_info",
            SourceKind::L2Cache => "l2_cache",
            SourceKind::MindStudioOpStatistic => "mindstudio_op_statistic",
            SourceKind::MindStudioAiCoreMetrics => "mindstudio_ai_core_metrics",
            SourceKind::MindStudioTimelineTs => "mindstudio_timeline_ts",
            SourceKind::MindStudioSummaryTs => "mindstudio_summary_ts",
            SourceKind::MindStudioOpTimeStatistic => "mindstudio_op_time_statistic",
            SourceKind::MindStudioAiCoreSample => "mindstudio_ai_core_sample",
            SourceKind::MindStudioDevices => "mindstudio_devices",
            SourceKind::MindStudioMetadata => "mindstudio_metadata",
            SourceKind::Estimate => "estimate",
        }
    }

    /// How rich the per-task rows of this kind are; the richest kind present supplies the task
    /// rows and the others are not counted again. 0 = no task rows.
    pub fn task_rank(self) -> u8 {
        match self {
            SourceKind::OpSummary | SourceKind::KernelDetails | SourceKind::Estimate => 3,
            SourceKind::TaskTimeCsv => 2,
            SourceKind::Timeline | SourceKind::TaskTimeJson | SourceKind::MindStudioTimelineTs => 1,
            _ => 0,
        }
    }
}

/// One input file and what was taken from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub file: String,
    pub kind: SourceKind,
    /// Rows (or events, or entries) read from the file.
    pub rows: usize,
    /// Whether the file's rows are part of the profile (false when a richer file superseded it).
    pub used: bool,
    /// Why it was not used, or what it contributed.
    pub note: String,
}

/// One row of `op_statistic` (per op type) or of a MindStudio table (per op name, or per task).
#[derive(Debug, Clone, PartialEq)]
pub struct OpStatistic {
    /// Op type (op_statistic) or op name (MindStudio tables).
    pub op: String,
    pub op_type: String,
    /// Raw `Core Type`, or the unit decided from AI Core Metrics.
    pub core_type: String,
    pub unit: Unit,
    pub count: u64,
    pub total_us: Option<f64>,
    pub min_us: Option<f64>,
    pub avg_us: Option<f64>,
    pub max_us: Option<f64>,
    pub ratio_pct: Option<f64>,
    /// MindStudio summary only: the op's task ids.
    pub task_ids: Vec<u32>,
    /// Whether `op` is an op name (MindStudio tables) rather than an op type (op_statistic).
    pub by_name: bool,
}

/// A fused op and the original graph ops it replaced (`fusion_op_*.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FusionOp {
    pub fused: String,
    pub originals: Vec<String>,
    pub model_name: String,
}

/// Device facts from `info.json`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeviceInfo {
    pub platform_version: Option<String>,
    /// Chip name from `platform_version` (ascend.md 1.2), when known.
    pub chip: Option<&'static str>,
    pub ai_core_num: Option<u32>,
    pub aiv_num: Option<u32>,
    pub aic_frequency_mhz: Option<f64>,
    /// The file the facts came from.
    pub file: Option<String>,
    /// Devices the run profiled (MindStudio `devices.json`).
    pub device_count: Option<u32>,
    /// Where `ai_core_num` came from when not from info.json (e.g. the per-core columns of a
    /// MindStudio `summary_aicore_sample_N.json`); `None` for info.json.
    pub ai_core_num_from: Option<String>,
}

/// Chip name for an msprof `platform_version` (ascend.md 1.2, msprof `db_constant.h`).
pub fn chip_name(platform_version: &str) -> Option<&'static str> {
    Some(match platform_version.trim() {
        "0" => "Ascend310",
        "1" => "Ascend910A",
        "2" => "MDC (CHIP_V3_1_0)",
        "3" => "lhisi (CHIP_V3_2_0)",
        "4" => "Ascend310P",
        "5" => "Ascend910B",
        "7" | "8" | "11" => "Ascend310B",
        "9" => "CHIP_V5_1_0",
        "15" | "16" => "Ascend950",
        _ => return None,
    })
}

/// AI Core count by chip, only where one figure holds for the whole chip family (ascend.md 5:
/// Ascend 310 has 2 AI Cores). The 910B family comes in 20- and 24-core parts, so it is absent.
pub fn ai_cores_of_chip(chip: &str) -> Option<u32> {
    match chip {
        "Ascend310" => Some(2),
        _ => None,
    }
}

/// Where the AI Core count used by the rules came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreCount {
    /// From `info.json` (`ai_core_num`).
    Info(u32),
    /// From the chip table (`platform_version` known, count fixed for the chip).
    Chip(u32, &'static str),
    /// Given by the caller (e.g. a CLI flag).
    Given(u32),
    Unknown,
    /// Counted in a profiling table (the text says which: e.g. the per-core columns of a
    /// MindStudio `summary_aicore_sample_N.json`).
    Counted(u32, String),
}

impl CoreCount {
    pub fn value(&self) -> Option<u32> {
        match self {
            CoreCount::Info(n)
            | CoreCount::Chip(n, _)
            | CoreCount::Given(n)
            | CoreCount::Counted(n, _) => Some(*n),
            CoreCount::Unknown => None,
        }
    }

    /// Where the count came from, without the number.
    pub fn source(&self) -> String {
        match self {
            CoreCount::Info(_) => "info.json ai_core_num".to_string(),
            CoreCount::Chip(_, chip) => format!("chip {chip}"),
            CoreCount::Given(_) => "given".to_string(),
            CoreCount::Unknown => "unknown".to_string(),
            CoreCount::Counted(_, from) => from.clone(),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            CoreCount::Info(n) => format!("{n} (info.json ai_core_num)"),
            CoreCount::Chip(n, chip) => format!("{n} ({chip})"),
            CoreCount::Given(n) => format!("{n} (given)"),
            CoreCount::Unknown => "unknown".to_string(),
            CoreCount::Counted(n, from) => format!("{n} ({from})"),
        }
    }
}

/// One column of a sample-mode AI Core metrics table (MindStudio `summary_aicore_sample_N.json`):
/// one AI Core (`Core0`, `Core1`, ...) or the `Average`, with its metrics as the file names them
/// (`total_time(ms)`, `vec_ratio`, `mac_ratio`, `scalar_ratio`, `mte1_ratio`, `mte2_ratio`,
/// `mte3_ratio`, `icache_miss_rate`, ...), in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct CoreSample {
    pub core: String,
    pub metrics: Vec<(String, f64)>,
}

impl CoreSample {
    /// A metric by name (compared without case, spaces or underscores).
    pub fn metric(&self, name: &str) -> Option<f64> {
        let want = normalise_name(name);
        self.metrics
            .iter()
            .find(|(n, _)| normalise_name(n) == want)
            .map(|(_, v)| *v)
    }

    /// Whether this column is one AI Core (`Core0`, `core 1`), not the average.
    pub fn is_core(&self) -> bool {
        let norm = normalise_name(&self.core);
        norm.strip_prefix("core")
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    }

    /// `total_time(ms)` in microseconds: the time the core was busy over the collection.
    pub fn total_us(&self) -> Option<f64> {
        self.metric("total_time(ms)").map(|ms| ms * 1000.0)
    }

    /// The `<pipe>_ratio` metric.
    pub fn ratio(&self, pipe: Pipe) -> Option<f64> {
        self.metric(&format!("{}_ratio", pipe.name()))
    }
}

fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '(' | ')' | '%'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Everything imported from one profiling run.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub strings: Strings,
    /// Device tasks from the richest source present, in file order.
    pub tasks: Vec<Task>,
    pub pmu: Vec<Pmu>,
    /// op_statistic rows (always kept; used for hotspots only when there are no task rows).
    pub op_statistics: Vec<OpStatistic>,
    pub fusions: Vec<FusionOp>,
    pub device: DeviceInfo,
    pub sources: Vec<Source>,
    /// Sample-mode AI Core metrics per core (MindStudio `summary_aicore_sample_N.json`).
    pub core_samples: Vec<CoreSample>,
}

/// Per-op aggregate: one row of the hotspot table.
#[derive(Debug, Clone, PartialEq)]
pub struct OpAggregate {
    /// Op name (task rows) or op type (when only op_statistic was given).
    pub op: String,
    pub op_type: String,
    /// The unit that ran most of the op's time.
    pub unit: Unit,
    pub count: u64,
    pub total_us: f64,
    pub avg_us: f64,
    pub min_us: f64,
    pub max_us: f64,
    /// Share of the total profiled time, 0 to 1.
    pub share: f64,
}

impl Profile {
    pub fn str(&self, sym: Sym) -> &str {
        self.strings.get(sym)
    }

    pub fn task_pmu(&self, task: &Task) -> Option<&Pmu> {
        task.pmu.and_then(|idx| self.pmu.get(idx as usize))
    }

    /// Total profiled time: the sum of task durations, or of op_statistic totals without tasks.
    pub fn total_us(&self) -> f64 {
        let sum: f64 = if self.tasks.is_empty() {
            self.op_statistics.iter().filter_map(|s| s.total_us).sum()
        } else {
            self.tasks.iter().map(|t| t.duration_us).sum()
        };
        // An empty f64 sum is -0.0, which would print as `-0.000`.
        sum + 0.0
    }

    /// Time the device spent computing: tasks (or op_statistic rows) on the AI Core, vector, mix
    /// and AI CPU units, without communication, DMA and other tasks. Rules compare against it.
    pub fn compute_us(&self) -> f64 {
        self.unit_totals()
            .into_iter()
            .filter(|(unit, _)| unit.is_ai_core() || *unit == Unit::AiCpu)
            .map(|(_, us)| us)
            .sum()
    }

    /// Whether the hotspots are per op type (only op_statistic was given) rather than per name.
    /// MindStudio statistics are per op name, so hotspots from them are by name.
    pub fn ops_are_types(&self) -> bool {
        self.tasks.is_empty()
            && !self.op_statistics.is_empty()
            && self.op_statistics.iter().any(|s| !s.by_name)
    }

    /// Per-op aggregates sorted by total time (largest first, then by name).
    pub fn ops(&self) -> Vec<OpAggregate> {
        let total = self.total_us();
        let share = |value: f64| if total > 0.0 { value / total } else { 0.0 };
        let mut ops = if self.tasks.is_empty() {
            self.ops_from_statistics()
        } else {
            self.ops_from_tasks()
        };
        for op in &mut ops {
            op.share = share(op.total_us);
        }
        ops.sort_by(|a, b| b.total_us.total_cmp(&a.total_us).then(a.op.cmp(&b.op)));
        ops
    }

    fn ops_from_tasks(&self) -> Vec<OpAggregate> {
        struct Acc {
            op_type: Sym,
            count: u64,
            total: f64,
            min: f64,
            max: f64,
            by_unit: [f64; 7],
        }
        let mut by_name: HashMap<Sym, Acc, FxBuild> = HashMap::default();
        let mut order = Vec::new();
        for task in &self.tasks {
            let acc = by_name.entry(task.name).or_insert_with(|| {
                order.push(task.name);
                Acc {
                    op_type: task.op_type,
                    count: 0,
                    total: 0.0,
                    min: f64::INFINITY,
                    max: 0.0,
                    by_unit: [0.0; 7],
                }
            });
            if acc.op_type.is_empty() {
                acc.op_type = task.op_type;
            }
            acc.count += 1;
            acc.total += task.duration_us;
            acc.min = acc.min.min(task.duration_us);
            acc.max = acc.max.max(task.duration_us);
            acc.by_unit[task.unit as usize] += task.duration_us;
        }
        order
            .into_iter()
            .filter_map(|name| {
                let acc = by_name.get(&name)?;
                let unit_idx = (0..7)
                    .max_by(|&a, &b| acc.by_unit[a].total_cmp(&acc.by_unit[b]).then(b.cmp(&a)))
                    .unwrap_or(6);
                Some(OpAggregate {
                    op: self.str(name).to_string(),
                    op_type: self.str(acc.op_type).to_string(),
                    unit: Unit::ALL[unit_idx],
                    count: acc.count,
                    total_us: acc.total,
                    avg_us: acc.total / acc.count.max(1) as f64,
                    min_us: if acc.min.is_finite() { acc.min } else { 0.0 },
                    max_us: acc.max,
                    share: 0.0,
                })
            })
            .collect()
    }

    fn ops_from_statistics(&self) -> Vec<OpAggregate> {
        self.op_statistics
            .iter()
            .map(|stat| {
                let total = stat.total_us.unwrap_or(0.0);
                let avg = stat.avg_us.unwrap_or(if stat.count > 0 {
                    total / stat.count as f64
                } else {
                    0.0
                });
                OpAggregate {
                    op: stat.op.clone(),
                    op_type: stat.op_type.clone(),
                    unit: stat.unit,
                    count: stat.count,
                    total_us: total,
                    avg_us: avg,
                    min_us: stat.min_us.unwrap_or(avg),
                    max_us: stat.max_us.unwrap_or(avg),
                    share: 0.0,
                }
            })
            .collect()
    }

    /// Time by unit, in [`Unit::ALL`] order, units without time left out.
    pub fn unit_totals(&self) -> Vec<(Unit, f64)> {
        let mut totals = [0.0f64; 7];
        if self.tasks.is_empty() {
            for stat in &self.op_statistics {
                totals[stat.unit as usize] += stat.total_us.unwrap_or(0.0);
            }
        } else {
            for task in &self.tasks {
                totals[task.unit as usize] += task.duration_us;
            }
        }
        Unit::ALL
            .into_iter()
            .zip(totals)
            .filter(|(_, us)| *us > 0.0)
            .collect()
    }

    /// Whether this is the cost model's estimate rather than a measured run.
    pub fn is_estimate(&self) -> bool {
        self.sources.iter().any(|s| s.kind == SourceKind::Estimate)
    }

    /// The AI Core count for the rules: info.json (or a table that counts the cores) first, then
    /// the chip table, else unknown.
    pub fn ai_core_count(&self) -> CoreCount {
        if let Some(n) = self.device.ai_core_num.filter(|n| *n > 0) {
            return match &self.device.ai_core_num_from {
                Some(from) => CoreCount::Counted(n, from.clone()),
                None => CoreCount::Info(n),
            };
        }
        if let Some(chip) = self.device.chip {
            if let Some(n) = ai_cores_of_chip(chip) {
                return CoreCount::Chip(n, chip);
            }
        }
        CoreCount::Unknown
    }

    /// Cube utilisation of a task in percent: the file's `cube_utilization(%)` column, else
    /// `total_cycles / (aic_frequency_MHz × ai_core_num × duration_us) × 100` when the frequency
    /// and core count are known (msprof `runtime_report.py`).
    pub fn cube_utilization_pct(&self, task: &Task) -> Option<f64> {
        let pmu = self.task_pmu(task)?;
        if let Some(pct) = pmu.cube_utilization_pct() {
            return Some(pct);
        }
        let cycles = pmu.total_cycles()?;
        let freq = self.device.aic_frequency_mhz.filter(|f| *f > 0.0)?;
        let cores = f64::from(self.ai_core_count().value().filter(|n| *n > 0)?);
        (task.duration_us > 0.0).then(|| cycles / (freq * cores * task.duration_us) * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_round_trips_and_reserves_empty() {
        let mut strings = Strings::default();
        assert_eq!(strings.intern(""), Sym::EMPTY);
        let conv = strings.intern("Conv2D");
        assert_eq!(strings.intern("Conv2D"), conv);
        assert_ne!(strings.intern("Relu"), conv);
        assert_eq!(strings.get(conv), "Conv2D");
        assert_eq!(strings.len(), 3);
        assert_eq!(strings.get(Sym(99)), "");
    }

    #[test]
    fn task_types_map_to_units() {
        let cases = [
            ("AI_CORE", Unit::AiCore),
            ("KERNEL_AICORE", Unit::AiCore),
            ("AI_VECTOR_CORE", Unit::AiVector),
            ("KERNEL_AIVEC", Unit::AiVector),
            ("MIX_AIC", Unit::Mix),
            ("KERNEL_MIX_AIV", Unit::Mix),
            ("AI_CPU", Unit::AiCpu),
            ("KERNEL_AICPU", Unit::AiCpu),
            ("HCCL", Unit::Communication),
            ("COMMUNICATION", Unit::Communication),
            ("SDMA", Unit::Dma),
            ("PCIE_DMA_SQE", Unit::Dma),
            ("DSA_SQE", Unit::Other),
            ("N/A", Unit::Other),
            ("kernel AI core task", Unit::AiCore),
            ("kernel AI cpu task", Unit::AiCpu),
            ("AICore", Unit::AiCore),
            ("AICPU", Unit::AiCpu),
            ("memcpy async task", Unit::Dma),
            ("model execute task", Unit::Other),
            ("event record task", Unit::Other),
        ];
        for (raw, unit) in cases {
            assert_eq!(Unit::from_task_type(raw), unit, "{raw}");
        }
    }

    #[test]
    fn memory_bound_uses_busiest_compute_pipe() {
        let mut pmu = Pmu::default();
        assert_eq!(pmu.memory_bound(), None);
        pmu.set_ratio(CoreSide::Vector, Pipe::Mte2, 0.6);
        pmu.set_ratio(CoreSide::Vector, Pipe::Vec, 0.2);
        pmu.set_ratio(CoreSide::Cube, Pipe::Mac, 0.0);
        let bound = pmu.memory_bound().unwrap_or_default();
        assert!((bound - 3.0).abs() < 1e-6, "{bound}");
        pmu.set_memory_bound(0.5);
        assert_eq!(pmu.memory_bound(), Some(0.5));
    }
}
