//! The messages between the page and the Web Worker: the one serde surface of the app.
//!
//! Every message carries the generation of the load it belongs to. The page bumps the generation
//! for every new drop, so a result that arrives after a newer request is recognised and dropped.
//!
//! The engine's profile report derives `Serialize` only, uses `&'static str` ids and skips empty
//! keys (all fine for the CLI's JSON, none of it readable back through the worker's bincode), so
//! the profile crosses the boundary as the twins below, built in [`super::profile_data`]. They
//! never skip a field and hold no untagged enum: bincode needs every field, in order. The
//! analysis crosses the same way ([`AnalysisData`], built in [`super::analysis_data`]).

use opscope_engine::report::{GraphView, GraphViewOptions, ReportFormat};
use opscope_engine::target::{spec_of, TargetId};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

pub use super::codec::Attachment;

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Files dropped or chosen together (a sample is one file): the worker sorts them into models
    /// and profiling files by content, imports both, lays out the first model and joins the
    /// profile to it.
    Open {
        generation: u64,
        files: Vec<FilePayload>,
        /// The chip to analyse the shown model for.
        target: TargetKey,
        /// How to draw the shown graph (constants folded or as nodes).
        view: GraphViewOptions,
    },
    /// Honour the test-only files that make the worker panic or hang (the page's
    /// `?test_faults=1`; see `session::entries::TEST_PANIC`).
    TestFaults,
    /// Show a model of the last drop that had models (`index` into its [`ModelChoice`] list),
    /// re-joining the loaded profile to it when it is another model; `graph` indexes the
    /// model's [`GraphChoice`] list (0 = the main graph). The shown graph again with other
    /// `view` options is a new layout of it (the toolbar's "Constants as nodes").
    ShowModel {
        generation: u64,
        index: usize,
        graph: usize,
        target: TargetKey,
        view: GraphViewOptions,
    },
    /// Analyse the shown model again for another chip, with the loaded profile if any; no
    /// parsing, no layout.
    Analyse { generation: u64, target: TargetKey },
    /// Drop any unfinished work of generations up to this one.
    Cancel { generation: u64 },
    /// Forget the files with these ids (the files panel's remove button): a profile loses them
    /// and is read again from its other files, a model goes (the next is shown), and the shown
    /// model is analysed again. See [`super::files`].
    Remove {
        generation: u64,
        ids: Vec<u64>,
        target: TargetKey,
        view: GraphViewOptions,
    },
    /// Make the profile entry `group` the one joined to the shown model, and analyse again; no
    /// parsing.
    SelectProfile {
        generation: u64,
        group: u64,
        target: TargetKey,
    },
    /// A new worker (after a cancel, a crash or a hang) gets the files the old one held, in one
    /// load: the models of the last model drop and every profile entry (`FilePayload::group`),
    /// the shown model and graph, and the active profile, so it is in step with the page again.
    Restore {
        generation: u64,
        files: Vec<FilePayload>,
        show: Option<(usize, usize)>,
        active_profile: Option<u64>,
        target: TargetKey,
        view: GraphViewOptions,
    },
    /// Write the analysis report of the shown model (with the loaded profile, for `target`) as
    /// `opscope analyze --format` does, the HTML's graph coloured by `overlay` (`unit`, `fusion`,
    /// `heat`, `none`). Answered by [`FromWorker::Report`]; it cancels no load.
    Report {
        generation: u64,
        kind: ReportKind,
        overlay: String,
        target: TargetKey,
    },
}

/// The report files the Export menu offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportKind {
    Html,
    Markdown,
    Json,
}

impl ReportKind {
    pub fn format(self) -> ReportFormat {
        match self {
            ReportKind::Html => ReportFormat::Html,
            ReportKind::Markdown => ReportFormat::Markdown,
            ReportKind::Json => ReportFormat::Json,
        }
    }
}

/// One file of a drop: its bytes, or the browser's `File` for the worker to read, so that a
/// large model is never copied into the page's memory nor through a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilePayload {
    pub name: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    /// The browser's `File` (a reference, not its content); the worker reads it into `bytes`
    /// when the message arrives. Empty when `bytes` holds the file (samples, tests).
    pub file: Attachment,
    /// The page's id of the file (its row in the files panel), reported back per file.
    #[serde(default)]
    pub id: u64,
    /// The drop it came with: the profiling files of one group are one profile entry (a run).
    #[serde(default)]
    pub group: u64,
    /// Set by the worker for a large profiling table it streams instead of reading: `bytes`
    /// then holds only the file's start. Never crosses a message.
    #[serde(skip)]
    pub stream: Option<super::session::StreamSource>,
}

impl FilePayload {
    /// A file whose bytes are already read.
    pub fn of_bytes(name: impl Into<String>, bytes: Vec<u8>) -> FilePayload {
        FilePayload {
            name: name.into(),
            bytes,
            file: Attachment::default(),
            id: 0,
            group: 0,
            stream: None,
        }
    }

    /// A browser `File` for the worker to read (the page never holds its bytes).
    pub fn of_file(name: impl Into<String>, file: wasm_bindgen::JsValue) -> FilePayload {
        FilePayload {
            file: Attachment(Some(file)),
            ..FilePayload::of_bytes(name, Vec::new())
        }
    }

    /// The same file tagged with the page's file id and drop group.
    pub fn tagged(mut self, id: u64, group: u64) -> FilePayload {
        self.id = id;
        self.group = group;
        self
    }
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// A stage of the load has started.
    Progress { generation: u64, stage: Stage },
    /// The load is finished: what changed, and the files that could not be read.
    Loaded {
        generation: u64,
        result: Box<LoadResult>,
    },
    /// Nothing could be done; `message` is the engine's user-ready text.
    Failed { generation: u64, message: String },
    /// The engine panicked. The worker closes itself after sending this; the page starts a new
    /// one for the next file.
    Crashed { generation: u64, message: String },
    /// The report asked for ([`ToWorker::Report`]): a file to save, or why there is none.
    Report {
        generation: u64,
        outcome: Result<ReportFile, String>,
    },
}

/// A report file written by the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportFile {
    /// `resnet50-report.html`.
    pub name: String,
    /// `text/html;charset=utf-8`.
    pub mime: String,
    pub text: String,
}

impl FromWorker {
    pub fn generation(&self) -> u64 {
        match self {
            FromWorker::Progress { generation, .. }
            | FromWorker::Loaded { generation, .. }
            | FromWorker::Failed { generation, .. }
            | FromWorker::Crashed { generation, .. }
            | FromWorker::Report { generation, .. } => *generation,
        }
    }
}

/// What the worker is doing, for the status bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Stage {
    /// Importing the model files of the drop (`file_name` names the first, `n_files` counts
    /// them).
    Parsing {
        file_name: String,
        n_files: usize,
        n_bytes: u64,
    },
    /// Reading the profiling files of the drop; `done_bytes` of `n_bytes` are read (reported
    /// again while a large table is streamed; 0 at the start).
    ReadingProfile {
        n_files: usize,
        n_bytes: u64,
        done_bytes: u64,
    },
    Layout {
        n_nodes: usize,
    },
    /// Analysing the shown model for a chip (units, fusion, cost, rules), joined to the profile
    /// when there is one; or, without a model, building the profile's report.
    Analysing {
        /// Nodes of the main graph analysed (0 without a model).
        n_nodes: usize,
        n_tasks: usize,
        /// The chip's name (`Ascend 310`).
        target: String,
    },
}

/// The outcome of one load. Each `None` means "unchanged": the page keeps what it shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadResult {
    /// The model to show.
    pub model: Option<ModelLoad>,
    /// The models of this drop, for the picker, when the drop had readable models.
    pub models: Option<Vec<ModelChoice>>,
    /// The profile as it now stands: new profiling files, or the loaded profile joined to a new
    /// model.
    pub profile: Option<ProfileData>,
    /// The analysis of the shown model, when it was run (a new model, a new profile, another
    /// target).
    pub analysis: Option<AnalysisData>,
    /// One line per file that could not be read, each naming the file (the engine's message).
    pub errors: Vec<String>,
    /// Files of dropped folders that hold neither a model nor profiling data (collection
    /// metadata, logs), with why: listed, not errors, when the rest of the drop was read.
    pub skipped: Vec<(String, String)>,
    pub timings: Timings,
    /// The analysis (and the profile joined to the model) follows in a second `Loaded` of the
    /// same generation: the graph is sent as soon as it is laid out, so the page draws it while
    /// the worker analyses it (see `Session::take_shown`).
    #[serde(default)]
    pub analysis_follows: bool,
    /// What became of each file the load was given (by the page's id): its kind as read and
    /// its error, for the files panel.
    #[serde(default)]
    pub files: Vec<FileOutcome>,
    /// The profile entries as they now stand, when they changed (a run dropped or removed, the
    /// active one switched).
    #[serde(default)]
    pub profiles: Option<ProfileList>,
    /// The shown model was removed and none is left: the page clears its graph.
    #[serde(default)]
    pub model_cleared: bool,
    /// The last measured profile was removed: the page drops it (an estimate may follow).
    #[serde(default)]
    pub profile_cleared: bool,
}

/// What one file of a load turned out to be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileOutcome {
    pub id: u64,
    pub kind: FileKindId,
    /// The model format (`onnx`) or the profiling table (`op_summary`); empty when unknown.
    pub detail: String,
    /// Why it could not be read (the engine's message, naming the file), or why it was skipped.
    pub error: Option<String>,
    /// A file of a dropped folder that holds neither a model nor profiling data, or a model's
    /// external weights: listed, not an error.
    pub skipped: bool,
}

/// The kind of a file as detected by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKindId {
    Model,
    Profile,
    Report,
    /// An ONNX model's external data file, listed and never read.
    Weights,
    Unreadable,
}

impl FileKindId {
    pub fn label(self) -> &'static str {
        match self {
            FileKindId::Model => "model",
            FileKindId::Profile => "profiling",
            FileKindId::Report => "report",
            FileKindId::Weights => "weights",
            FileKindId::Unreadable => "unreadable",
        }
    }
}

/// The profile entries the worker holds (one per run dropped) and the one joined to the model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileList {
    pub entries: Vec<ProfileChoice>,
    /// The `group` of the active entry.
    pub active: Option<u64>,
}

/// One profile entry: the profiling files of one drop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileChoice {
    /// The drop's group id (the page's).
    pub group: u64,
    /// The run's folder (`PROF_000001`) or its first file.
    pub label: String,
    pub files: Vec<String>,
    /// Task rows read.
    pub rows: usize,
}

/// A model laid out for the viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelLoad {
    /// Index in the drop's [`ModelChoice`] list.
    pub index: usize,
    /// Shared with the worker's cache of layouts: sending it copies nothing (serde's `rc`
    /// serialises the view itself; the page gets its own).
    pub view: Rc<GraphView>,
    /// The files it came from, the main file first (a prototxt, then its caffemodel).
    pub files: Vec<String>,
    /// How a companion file was paired with the main one (`same net name`), if there was one.
    pub pairing: Option<String>,
    /// Which of `graphs` the view draws.
    pub graph: usize,
    /// How the view is drawn (constants folded or as nodes).
    pub options: GraphViewOptions,
    /// Every graph of the model the viewer can show, main graph first.
    pub graphs: Vec<GraphChoice>,
}

/// One graph of a model as the graph picker lists it (the engine's `GraphEntry` without its
/// path, which stays in the worker).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphChoice {
    pub label: String,
    /// `main`, `body` or `function`.
    pub kind: String,
    /// Nesting below the main graph or its function, for indenting.
    pub depth: usize,
    pub n_nodes: usize,
}

/// One readable model of a drop, as the model picker lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelChoice {
    pub files: Vec<String>,
    pub pairing: Option<String>,
    pub format: String,
    pub n_nodes: usize,
}

impl ModelChoice {
    /// `net.prototxt + net.caffemodel (same net name)`, or the file name.
    pub fn describe(&self) -> String {
        let files = self.files.join(" + ");
        match &self.pairing {
            Some(rule) => format!("{files} (paired: {rule})"),
            None => files,
        }
    }
}

/// Wall time of the worker's stages, in milliseconds (zero for a stage that did not run).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    pub parse_ms: f64,
    pub layout_ms: f64,
    pub profile_ms: f64,
    pub analysis_ms: f64,
}

/// The unit a task ran on (the engine's `profile::Unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum UnitId {
    AiCore,
    AiVector,
    Mix,
    AiCpu,
    Communication,
    Dma,
    Other,
}

impl UnitId {
    pub const ALL: [UnitId; 7] = [
        UnitId::AiCore,
        UnitId::AiVector,
        UnitId::Mix,
        UnitId::AiCpu,
        UnitId::Communication,
        UnitId::Dma,
        UnitId::Other,
    ];

    /// The stable id of the JSON report (`ai_core`).
    pub fn id(self) -> &'static str {
        match self {
            UnitId::AiCore => "ai_core",
            UnitId::AiVector => "ai_vector",
            UnitId::Mix => "mix",
            UnitId::AiCpu => "ai_cpu",
            UnitId::Communication => "communication",
            UnitId::Dma => "dma",
            UnitId::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UnitId::AiCore => "AI Core",
            UnitId::AiVector => "AI Vector",
            UnitId::Mix => "Mix",
            UnitId::AiCpu => "AI CPU",
            UnitId::Communication => "Communication",
            UnitId::Dma => "DMA",
            UnitId::Other => "Other",
        }
    }
}

/// Everything the page shows about a profile: the engine's report (hotspots capped, see
/// `hotspots_total`), per-type totals, and the measured time of every matched graph node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileData {
    /// The profiling files of the run (none for an estimate).
    pub files: Vec<String>,
    /// `true`: the cost model's estimate of a run, not a measurement; every view labels it so.
    pub estimated: bool,
    pub sources: Vec<SourceRow>,
    pub chip: Option<String>,
    /// The chip the run shows it ran on (the profile report's `ran_on`): the page analyses for
    /// it until a target is picked.
    pub ran_on: Option<TargetKey>,
    pub ai_core_num: Option<u32>,
    pub ai_core_num_source: String,
    /// Task rows in the profile.
    pub rows: usize,
    pub total_us: f64,
    /// `true`: hotspots are per op type (only op_statistic was given).
    pub hotspots_by_type: bool,
    /// Largest first; at most [`super::profile_data::MAX_ROWS`].
    pub hotspots: Vec<HotspotRow>,
    /// Distinct ops in the profile (the hotspot list may hold fewer).
    pub hotspots_total: usize,
    /// Time per unit, in [`UnitId::ALL`] order, units without time left out.
    pub units: Vec<(UnitId, f64)>,
    /// Time per op type, largest first (every op, not only the hotspots sent).
    pub op_types: Vec<TypeTime>,
    /// The op_statistic rows, or rows computed per op type from the tasks when the run had no
    /// op_statistic file (`op_statistics_computed`).
    pub op_statistics: Vec<OpStatRow>,
    pub op_statistics_computed: bool,
    pub findings: Vec<FindingRow>,
    pub skipped_checks: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
    /// Set when the profile is joined to the shown model.
    pub join: Option<JoinSummary>,
    /// The knowledge base's units against the profile's task types (none for an estimate, or
    /// when nothing could be checked).
    pub unit_check: Option<UnitCheckSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    pub file: String,
    pub kind: String,
    pub rows: usize,
    pub used: bool,
    pub note: String,
}

/// One hotspot: an op name (or op type), its time, and the graph nodes it matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HotspotRow {
    pub op: String,
    pub op_type: String,
    pub unit: UnitId,
    pub count: u64,
    pub total_us: f64,
    pub avg_us: f64,
    pub min_us: f64,
    pub max_us: f64,
    /// Of the total profiled time, 0 to 1.
    pub share: f64,
    pub memory_bound: Option<f64>,
    pub cube_utilization_pct: Option<f64>,
    /// Matched graph nodes (empty when unmatched or when no model is joined).
    pub nodes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeTime {
    pub op_type: String,
    pub total_us: f64,
    /// The unit that ran most of the type's time.
    pub unit: UnitId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpStatRow {
    /// Op name (MindStudio summary); equal to `op_type` for op_statistic rows.
    pub op: String,
    pub op_type: String,
    /// The raw core type (`AI_CORE`), or the unit's label for computed rows.
    pub core_type: String,
    pub unit: UnitId,
    pub count: u64,
    pub total_us: Option<f64>,
    pub avg_us: Option<f64>,
    pub min_us: Option<f64>,
    pub max_us: Option<f64>,
    pub ratio_pct: Option<f64>,
}

/// One finding of the rules (model rules and profile rules alike).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    pub rule: String,
    pub title: String,
    /// `high`, `medium`, `low` or `info` (see `analysis_data::severity_of`).
    pub severity: String,
    pub nodes: Vec<String>,
    pub message: String,
    pub fix: String,
    pub evidence: Vec<(String, EvidenceValue)>,
    pub gain_us: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EvidenceValue {
    Int(i64),
    Num(f64),
    Text(String),
    List(Vec<String>),
}

/// The profile joined to the shown model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinSummary {
    pub matched_share: f64,
    pub matched_us: f64,
    pub inserted_us: f64,
    /// Ops that matched no node, largest first.
    pub unmatched: Vec<UnmatchedRow>,
    pub inserted: Vec<InsertedRow>,
    /// Measured time of every matched node, largest first.
    pub node_stats: Vec<NodeStat>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnmatchedRow {
    pub op: String,
    pub op_type: String,
    pub total_us: f64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsertedRow {
    pub op: String,
    pub op_type: String,
    pub total_us: f64,
    pub count: u64,
    pub between: Option<(String, String)>,
    pub note: String,
}

/// The measured time of one graph node (a fused op's time split evenly over its nodes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeStat {
    pub node: String,
    pub total_us: f64,
    /// Tasks of the ops matched to the node.
    pub count: u64,
    pub unit: UnitId,
    /// Of the total profiled time, 0 to 1.
    pub share: f64,
    /// The profiled ops matched to the node (its own name, or a fused op's name).
    pub ops: Vec<String>,
}

/// The chips the analysis can target (the engine's `TargetId`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TargetKey {
    #[default]
    Ascend310,
    Ascend310P,
    Ascend910B,
}

impl TargetKey {
    pub const ALL: [TargetKey; 3] = [
        TargetKey::Ascend310,
        TargetKey::Ascend310P,
        TargetKey::Ascend910B,
    ];

    pub fn engine_id(self) -> TargetId {
        match self {
            TargetKey::Ascend310 => TargetId::Ascend310,
            TargetKey::Ascend310P => TargetId::Ascend310P,
            TargetKey::Ascend910B => TargetId::Ascend910B,
        }
    }

    pub fn of(id: TargetId) -> TargetKey {
        match id {
            TargetId::Ascend310 => TargetKey::Ascend310,
            TargetId::Ascend310P => TargetKey::Ascend310P,
            TargetId::Ascend910B => TargetKey::Ascend910B,
        }
    }

    /// The CLI's and the JSON's id (`ascend310`).
    pub fn id(self) -> &'static str {
        self.engine_id().id()
    }

    /// The chip's name from the engine's target table (`Ascend 310`).
    pub fn name(self) -> &'static str {
        spec_of(self.engine_id()).name
    }
}

/// The execution unit of a node (the engine's `knowledge::ExecUnit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ExecUnitId {
    Cube,
    Vector,
    Mix,
    Scalar,
    AiCpu,
    Dvpp,
    Communication,
    Dsa,
    /// No kernel: GE folds the op away or runs it on the host.
    None,
}

impl ExecUnitId {
    /// Legend order: the AI Core's units, the slow fallback, the others, no kernel last.
    pub const ALL: [ExecUnitId; 9] = [
        ExecUnitId::Cube,
        ExecUnitId::Vector,
        ExecUnitId::Mix,
        ExecUnitId::Scalar,
        ExecUnitId::AiCpu,
        ExecUnitId::Dvpp,
        ExecUnitId::Communication,
        ExecUnitId::Dsa,
        ExecUnitId::None,
    ];

    /// The engine's JSON id (`cube`, `ai_cpu`).
    pub fn id(self) -> &'static str {
        match self {
            ExecUnitId::Cube => "cube",
            ExecUnitId::Vector => "vector",
            ExecUnitId::Mix => "mix",
            ExecUnitId::Scalar => "scalar",
            ExecUnitId::AiCpu => "ai_cpu",
            ExecUnitId::Dvpp => "dvpp",
            ExecUnitId::Communication => "communication",
            ExecUnitId::Dsa => "dsa",
            ExecUnitId::None => "none",
        }
    }

    /// Short name for the legend and the node panel.
    pub fn label(self) -> &'static str {
        match self {
            ExecUnitId::Cube => "Cube",
            ExecUnitId::Vector => "Vector",
            ExecUnitId::Mix => "Cube+Vector",
            ExecUnitId::Scalar => "Scalar",
            ExecUnitId::AiCpu => "AI CPU",
            ExecUnitId::Dvpp => "DVPP",
            ExecUnitId::Communication => "Communication",
            ExecUnitId::Dsa => "DSA",
            ExecUnitId::None => "No kernel",
        }
    }
}

/// Where a node's unit came from (the engine's `analysis::units::UnitSource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnitSourceId {
    /// The knowledge base's prediction.
    Predicted,
    /// The compiled graph records it (`_ge_attr_op_kernel_lib_name`).
    Graph,
    /// A profile measured it.
    Measured,
}

impl UnitSourceId {
    pub fn label(self) -> &'static str {
        match self {
            UnitSourceId::Predicted => "predicted",
            UnitSourceId::Graph => "from the compiled graph",
            UnitSourceId::Measured => "measured",
        }
    }
}

/// Which buffer keeps a fusion group's intermediate data (the engine's `FusionKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FusionKindId {
    /// One kernel, intermediates in the Unified Buffer.
    Ub,
    /// Separate kernels exchanging data through L2 (a candidate group).
    L2,
    /// A sub-graph keeping intermediates in L1 (a candidate group).
    L1,
}

impl FusionKindId {
    pub fn label(self) -> &'static str {
        match self {
            FusionKindId::Ub => "UB fusion",
            FusionKindId::L2 => "L2 fusion candidate",
            FusionKindId::L1 => "L1 fusion candidate",
        }
    }
}

/// The analysis of the shown model for one chip: per node of the main graph its unit and why, its
/// fusion group and its times; the fusion groups and near misses; the findings; and, with a
/// profile, how the knowledge base and the fusion simulation compare with the measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisData {
    pub target: TargetKey,
    /// `Ascend 310`.
    pub target_name: String,
    /// The CANN release assumed (`8.0.RC1`).
    pub cann: String,
    /// `true` without a profile: times are the cost model's estimate.
    pub estimated: bool,
    /// Per node of the main graph, by IR node index (`ViewNode::graph_node` of the main view).
    pub nodes: Vec<NodeAnalysis>,
    /// Distinct unit reasons; [`NodeAnalysis::reason`] indexes it (50,000 nodes share a few
    /// dozen texts).
    pub reasons: Vec<String>,
    /// UB groups first, then L2 and L1 candidate groups.
    pub groups: Vec<FusionGroupRow>,
    pub near_misses: Vec<NearMissRow>,
    pub findings: Vec<FindingRow>,
    /// Rules that could not run, and why: `(rule, reason)`.
    pub skipped_checks: Vec<(String, String)>,
    /// Remarks of the rules and of the target (a profile from another chip).
    pub notes: Vec<String>,
    /// Per unit, in [`ExecUnitId::ALL`] order, units without nodes left out.
    pub units: Vec<UnitTotal>,
    /// The cost model's total for the graph, us.
    pub estimated_total_us: f64,
    /// With a profile: the knowledge base's units against the measured task types.
    pub unit_check: Option<UnitCheckSummary>,
    /// With real fused op names (GE dump, `.om`, `fusion_op`): simulated against real groups.
    pub fusion_check: Option<FusionCheckSummary>,
}

impl AnalysisData {
    pub fn node(&self, graph_node: usize) -> Option<&NodeAnalysis> {
        self.nodes.get(graph_node)
    }

    pub fn reason(&self, node: &NodeAnalysis) -> &str {
        self.reasons.get(node.reason).map_or("", String::as_str)
    }
}

/// One node's analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeAnalysis {
    pub unit: ExecUnitId,
    pub source: UnitSourceId,
    /// Index into [`AnalysisData::reasons`].
    pub reason: usize,
    /// The unit the knowledge base predicted (differs from `unit` when measured otherwise).
    pub predicted: ExecUnitId,
    /// Index into [`AnalysisData::groups`] of its UB group.
    pub group: Option<usize>,
    pub estimated_us: f64,
    pub measured_us: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FusionGroupRow {
    pub kind: FusionKindId,
    /// The pattern as CANN names it where known (`TbeConvElemwiseFusionPass`).
    pub pattern: String,
    /// Member nodes (IR indices of the main graph), head first.
    pub nodes: Vec<usize>,
    pub ddr_bytes_saved: u64,
    /// What the group saves over its members run apart, µs (the report's `gain_us`).
    #[serde(default)]
    pub gain_us: f64,
}

/// A chain a fusion pattern almost matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearMissRow {
    pub pattern: String,
    /// IR indices of the main graph, head first, including the node that stopped it.
    pub nodes: Vec<usize>,
    pub blocker: Option<usize>,
    /// Why the pattern stopped, with the numbers.
    pub reason: String,
    pub fix: String,
    pub ddr_bytes_saved: u64,
    /// What fusing the chain would save, µs (the `missed-fusion` finding's gain).
    #[serde(default)]
    pub gain_us: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UnitTotal {
    pub unit: ExecUnitId,
    pub nodes: usize,
    /// Measured time when the analysis has a profile, else the estimate, us.
    pub time_us: f64,
}

/// `unit_check`: the share of profiled time whose op type the knowledge base put on the
/// measured unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitCheckSummary {
    pub agree_share: f64,
    pub agree_ops: usize,
    pub total_ops: usize,
    pub disagreements: Vec<UnitDisagreementRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDisagreementRow {
    pub op_type: String,
    pub predicted: String,
    pub measured: String,
    pub total_us: f64,
}

/// `fusion_check`: the simulated fusion groups against the real ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FusionCheckSummary {
    pub source: String,
    pub real_groups: usize,
    pub simulated_groups: usize,
    pub matched: usize,
    pub agreement: f64,
    pub differences: Vec<FusionDifferenceRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FusionDifferenceRow {
    /// `missed`, `extra` or `partial`.
    pub kind: String,
    pub fused_op: Option<String>,
    pub real: Vec<String>,
    pub simulated: Vec<String>,
}
