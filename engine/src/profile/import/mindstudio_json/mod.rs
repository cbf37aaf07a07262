//! MindStudio 2.x exports (Ascend 310, CANN 20.x; SOURCES.md "Older generations"): one JSON file
//! per table, each `{"status": 0, "info": "", "data": ...}`. Which table a file holds is decided
//! by the shape of `data` (its keys, or the keys of its `table` rows), never by the file name,
//! except to guess the table of a file that failed to export or has no rows.
//!
//! | file (name only a hint) | `data` | read into |
//! |---|---|---|
//! | `timeline_ts_N.json` | `{"stream task": {"streamN": {"AI Core task": [..], "AI CPU task": [..], "Other task": [..]}}}`, entries `task, status, start, end` (seconds), `task_type`, `opname`, `kernel_function`, `streamid` | one [`Task`] per `running` entry of a kernel (unit from the list it is in); `waiting` entries and the bookkeeping tasks of `Other task` are counted, not kept |
//! | `summary_ts_N.json` | `table` rows `Time(%), Time(ns), Count, Avg/Min/Max(ns), Waiting/Running/Pending(ns), Type, API, Task, Stream, NPU` | per-task [`OpStatistic`] rows (kernel types only), named from the timeline or the AI Core metrics |
//! | `summary_aicore_N.json` | `table` rows `Task, Stream, Op Name, total_time(ms), total_cycles, *_ratio, icache_miss_rate, memory_bound`, first row `Task: "total"` | PMU ratios joined by stream and task id to the timeline's tasks; the tuning guide's join (a task in this table ran on the AI Core); the clock `total_cycles / total_time` for cycle counts |
//! | `op_time_statistic_N.json` | `table` rows `Op Name, Core Type, Count, Total Cycles, Min/Avg/Max Cycle, Ratio` | per-op [`OpStatistic`] rows, cycles turned into time with that clock |
//! | `summary_aicore_sample_N.json` | `table` rows `AI Core Metrics` (metric name), `Core0`, `Core1`, ..., `Average` | [`CoreSample`]s; the AI Core count |
//! | `devices.json` | `["0", ...]` | the device count |
//! | `summary_runtime_N`, `timeline_ge_N`, `timeline_acl_N`, `timeline_runtime_N`, `ai_core_utilization_N`, `summary_collection`, `summary_view`, `timeline_maxtime` | host-side APIs, time series, collection facts | recognised and skipped with the reason |
//!
//! A file whose `status` is not 0 (`{"status": 1, "info": "Parse op statistic data failed!"}`)
//! is an export MindStudio itself could not make: it is listed as skipped with MindStudio's reason
//! and the other files are read.
//!
//! The document is streamed (a long run's `timeline_ts` has millions of entries): entries are not
//! collected into `serde_json::Value`s; only the `table` rows of the summaries (one per task or
//! op) are. A bad entry or row is an issue located by its path in the document (`data.table[3]`),
//! and a JSON error keeps the entries before it.

use std::collections::HashSet;

use serde::de::DeserializeSeed;

use super::{stamp, Batch, Builder};
use crate::profile::error::{IssueSink, ProfileError};
use crate::profile::model::{CoreSample, Pmu, SourceKind, Strings, Unit};

mod combine;
mod stream;
mod tables;

pub(crate) use combine::resolve;
use stream::{Data, DataObject, Pass, TopSeed, TsState};

/// A task of one stream: `(stream id, task id)`. Task ids repeat on other streams.
type Key = (Option<u32>, u32);

/// How tables name a task that has no op name: `stream 2 task 35`.
fn task_label(stream: Option<u32>, task: u32) -> String {
    match stream {
        Some(stream) => format!("stream {stream} task {task}"),
        None => format!("task {task}"),
    }
}

/// One row of `summary_ts_N.json`.
#[derive(Debug, Clone)]
pub(crate) struct TsRow {
    stream: Option<u32>,
    task: u32,
    task_type: String,
    count: u64,
    total_ns: f64,
    avg_ns: Option<f64>,
    min_ns: Option<f64>,
    max_ns: Option<f64>,
    pct: Option<f64>,
}

/// One task row of `summary_aicore_N.json`.
#[derive(Debug, Clone)]
pub(crate) struct AicRow {
    stream: Option<u32>,
    task: u32,
    op: String,
    total_ms: Option<f64>,
    cycles: Option<f64>,
    pmu: Pmu,
}

/// `summary_aicore_N.json`: its task rows and its `total` row.
#[derive(Debug, Clone, Default)]
pub(crate) struct AicTable {
    rows: Vec<AicRow>,
    total_ms: Option<f64>,
    total_cycles: Option<f64>,
}

/// The cycles-to-time factor a `summary_aicore` table implies, in cycles per microsecond.
#[derive(Debug, Clone, Copy)]
struct Clock {
    per_us: f64,
    /// Whether it came from the `total` row (else from the sum of the task rows).
    from_total: bool,
    /// Lowest and highest ratio over the task rows with both values.
    spread: Option<(f64, f64)>,
}

impl AicTable {
    fn clock(&self) -> Option<Clock> {
        let ratio = |cycles: f64, ms: f64| (ms > 0.0 && cycles > 0.0).then(|| cycles / (ms * 1e3));
        let rows: Vec<f64> = self
            .rows
            .iter()
            .filter_map(|r| ratio(r.cycles?, r.total_ms?))
            .collect();
        let spread = rows.iter().fold(None, |acc: Option<(f64, f64)>, &r| {
            Some(acc.map_or((r, r), |(lo, hi)| (lo.min(r), hi.max(r))))
        });
        if let Some(per_us) = ratio(
            self.total_cycles.unwrap_or(0.0),
            self.total_ms.unwrap_or(0.0),
        ) {
            return Some(Clock {
                per_us,
                from_total: true,
                spread,
            });
        }
        let (cycles, ms) = self
            .rows
            .iter()
            .filter_map(|r| Some((r.cycles?, r.total_ms?)))
            .fold((0.0, 0.0), |(c, m), (rc, rm)| (c + rc, m + rm));
        ratio(cycles, ms).map(|per_us| Clock {
            per_us,
            from_total: false,
            spread,
        })
    }
}

/// One row of `op_time_statistic_N.json`.
#[derive(Debug, Clone)]
pub(crate) struct OpTimeRow {
    op: String,
    core_type: String,
    count: u64,
    total_cycles: Option<f64>,
    min_cycles: Option<f64>,
    avg_cycles: Option<f64>,
    max_cycles: Option<f64>,
    ratio_pct: Option<f64>,
}

/// The MindStudio tables read so far, combined when every file is in ([`resolve`]).
#[derive(Debug, Default)]
pub(crate) struct Collected {
    summary_ts: Vec<(usize, Vec<TsRow>)>,
    aicore: Vec<(usize, AicTable)>,
    op_time: Vec<(usize, Vec<OpTimeRow>)>,
}

impl Collected {
    fn is_empty(&self) -> bool {
        self.summary_ts.is_empty() && self.aicore.is_empty() && self.op_time.is_empty()
    }
}

/// What one MindStudio file holds.
pub(crate) enum Table {
    TimelineTs {
        batch: Batch,
        note: String,
    },
    SummaryTs(Vec<TsRow>, usize),
    AiCoreMetrics(AicTable, usize),
    OpTimeStatistic(Vec<OpTimeRow>, usize),
    AiCoreSample(Vec<CoreSample>, usize),
    Devices(Vec<String>),
    /// Recognised, not used: what it is and why it is skipped.
    Metadata {
        entries: usize,
        note: String,
    },
    /// MindStudio could not export the table, or it has no rows.
    Skipped {
        kind: SourceKind,
        note: String,
    },
}

/// Reads a JSON object that may be a MindStudio export. `Ok(None)` when it is not one (no
/// `status` with `data` or `info` at the top): the caller tries the other JSON formats, and
/// nothing this pass saw is kept.
pub(crate) fn read(
    file: &str,
    text: &[u8],
    strings: &mut Strings,
    sink: &mut IssueSink,
) -> Result<Option<Table>, ProfileError> {
    let mut pass = Pass {
        strings,
        sink: IssueSink::new(file),
        top_keys: Vec::new(),
        status: None,
        info: None,
        data: Data::Absent,
        ts: TsState::default(),
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    let result = TopSeed(&mut pass)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    let has = |key: &str| pass.top_keys.iter().any(|k| k == key);
    let mindstudio = has("status") && (has("data") || has("info"));
    if !mindstudio {
        return Ok(None);
    }
    if let Err(err) = result {
        let kept = pass.read_so_far();
        if kept == 0 {
            return Err(ProfileError::Json {
                file: file.to_string(),
                format: "MindStudio",
                line: err.line() as u64,
                column: err.column() as u64,
                detail: err.to_string(),
            });
        }
        pass.sink.file_note(format!(
            "the JSON stops being valid at line {}, column {} ({err}); the {kept} entries before it were kept",
            err.line(),
            err.column()
        ));
    }
    let table = classify(file, &mut pass);
    sink.issues.extend(pass.sink.finish());
    Ok(Some(table))
}

/// The table a file holds, from its `status` and the shape of its `data`.
fn classify(file: &str, pass: &mut Pass) -> Table {
    let status_ok = match pass.status.as_deref() {
        None => true,
        Some(s) => s.parse::<f64>().map(|v| v == 0.0).unwrap_or(false),
    };
    let info = pass.info.clone().unwrap_or_default();
    if !status_ok {
        let kind = guess_kind(file, &info);
        let note = format!(
            "MindStudio could not export this table (status {}{}); skipped, nothing to read",
            pass.status.as_deref().unwrap_or("?"),
            if info.is_empty() {
                String::new()
            } else {
                format!(": \"{info}\"")
            }
        );
        pass.sink.file_note(note.clone());
        return Table::Skipped { kind, note };
    }
    match std::mem::take(&mut pass.data) {
        Data::Absent | Data::Scalar => {
            let note = "a MindStudio export without a `data` object; nothing to read".to_string();
            pass.sink.file_note(note.clone());
            Table::Skipped {
                kind: guess_kind(file, &info),
                note,
            }
        }
        Data::List(ids) => Table::Devices(ids),
        Data::Object(object) if object.stream_task => {
            let ts = std::mem::take(&mut pass.ts);
            let note = timeline_note(&ts);
            if ts.batch.tasks.is_empty() {
                pass.sink
                    .file_note("no kernel task runs in this MindStudio task timeline");
            }
            Table::TimelineTs {
                batch: ts.batch,
                note,
            }
        }
        Data::Object(DataObject {
            table: Some(rows), ..
        }) => tables::read_table(file, rows, &mut pass.sink),
        Data::Object(object) => metadata(object, &mut pass.sink),
    }
}

fn timeline_note(ts: &TsState) -> String {
    let mut by_unit: Vec<(Unit, usize)> = Vec::new();
    for task in &ts.batch.tasks {
        match by_unit.iter_mut().find(|(u, _)| *u == task.unit) {
            Some((_, n)) => *n += 1,
            None => by_unit.push((task.unit, 1)),
        }
    }
    let runs = if by_unit.is_empty() {
        "no kernel task runs".to_string()
    } else {
        format!(
            "{} task runs ({})",
            ts.batch.tasks.len(),
            by_unit
                .iter()
                .map(|(u, n)| format!("{} {n}", u.label()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut left = Vec::new();
    if ts.waiting > 0 {
        left.push(format!(
            "{} waiting entries (queue time, not run time)",
            ts.waiting
        ));
    }
    if !ts.bookkeeping.is_empty() {
        let total: usize = ts.bookkeeping.iter().map(|(_, n)| n).sum();
        let mut types = ts.bookkeeping.clone();
        types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let shown: Vec<String> = types
            .iter()
            .take(4)
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        left.push(format!(
            "{total} runs of bookkeeping tasks ({}{}; a model execute task spans the kernels it runs)",
            shown.join(", "),
            if types.len() > 4 { ", ..." } else { "" }
        ));
    }
    if left.is_empty() {
        runs
    } else {
        format!("{runs}; not counted: {}", left.join("; "))
    }
}

/// The table a file probably held, for a failed or empty export: from MindStudio's message, then
/// the file name.
fn guess_kind(file: &str, info: &str) -> SourceKind {
    let info = info.to_ascii_lowercase();
    let name = file.to_ascii_lowercase();
    let name = name.rsplit(['/', '\\']).next().unwrap_or(&name);
    if info.contains("op statistic") || name.contains("op_time_statistic") {
        SourceKind::MindStudioOpTimeStatistic
    } else if name.contains("summary_aicore_sample") {
        SourceKind::MindStudioAiCoreSample
    } else if name.contains("summary_aicore") || info.contains("ai core") {
        SourceKind::MindStudioAiCoreMetrics
    } else if name.contains("summary_ts") {
        SourceKind::MindStudioSummaryTs
    } else if name.contains("timeline_ts") {
        SourceKind::MindStudioTimelineTs
    } else if name.contains("devices") {
        SourceKind::MindStudioDevices
    } else {
        SourceKind::MindStudioMetadata
    }
}

/// A `data` object without `table` or `stream task`: the other MindStudio files.
fn metadata(object: DataObject, sink: &mut IssueSink) -> Table {
    let has = |key: &str| object.keys.iter().any(|k| k == key);
    let scalar = |key: &str| {
        object
            .scalars
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let what = if has("GE") {
        "the GE timeline (model input / infer / output spans on the host)".to_string()
    } else if has("Acl") {
        "the ACL API timeline (host calls such as aclmdlExecute)".to_string()
    } else if has("Runtime") {
        "the runtime API timeline (host threads)".to_string()
    } else if has("usage") {
        "the AI Core utilisation time series (percent busy per core and sampling interval)"
            .to_string()
    } else if has("Elapsed Time") || has("Collection start time") {
        format!(
            "the collection summary (elapsed {})",
            scalar("Elapsed Time").unwrap_or("?")
        )
    } else if has("Profiling Duration") || has("utilization") {
        format!(
            "the summary view of the run (application `{}`, {})",
            scalar("Profiling Application").unwrap_or("?"),
            scalar("Profiling Duration").unwrap_or("?")
        )
    } else if has("maxTime") && has("duration") {
        format!(
            "the time range of the timelines ({} s)",
            scalar("duration").unwrap_or("?")
        )
    } else {
        let keys: Vec<String> = object
            .keys
            .iter()
            .take(6)
            .map(|k| format!("`{k}`"))
            .collect();
        format!(
            "a MindStudio table opscope does not know (data keys {})",
            if keys.is_empty() {
                "(none)".to_string()
            } else {
                keys.join(", ")
            }
        )
    };
    let note =
        format!("MindStudio: {what}; recognised, not used by opscope (no device task times)");
    sink.file_note(note.clone());
    // Entries of its arrays, or for an object of facts the facts.
    let entries = if object.entries > 0 {
        object.entries
    } else {
        object.scalars.len()
    };
    Table::Metadata { entries, note }
}

/// Adds one MindStudio file to the builder.
pub(crate) fn add(b: &mut Builder, file: &str, table: Table) {
    match table {
        Table::TimelineTs { batch, note } => {
            let rows = batch.tasks.len();
            let source = b.add_source(file, SourceKind::MindStudioTimelineTs, rows, note);
            b.batches.push((source, stamp(batch, source)));
        }
        Table::SummaryTs(rows, read) => {
            let source = b.add_source(file, SourceKind::MindStudioSummaryTs, read, String::new());
            b.ms.summary_ts.push((source, rows));
        }
        Table::AiCoreMetrics(table, read) => {
            let source = b.add_source(
                file,
                SourceKind::MindStudioAiCoreMetrics,
                read,
                String::new(),
            );
            b.mindstudio_ai_core_tasks
                .get_or_insert_with(HashSet::new)
                .extend(table.rows.iter().map(|r| r.task));
            b.ms.aicore.push((source, table));
        }
        Table::OpTimeStatistic(rows, read) => {
            let source = b.add_source(
                file,
                SourceKind::MindStudioOpTimeStatistic,
                read,
                String::new(),
            );
            b.ms.op_time.push((source, rows));
        }
        Table::AiCoreSample(cores, read) => {
            let count = cores.iter().filter(|c| c.is_core()).count();
            let names: Vec<&str> = cores.iter().map(|c| c.core.as_str()).collect();
            let mut note = format!(
                "sample-mode AI Core metrics of {count} cores ({})",
                names.join(", ")
            );
            let device = &mut b.profile.device;
            if count > 0 && device.ai_core_num.is_none() {
                device.ai_core_num = u32::try_from(count).ok();
                device.ai_core_num_from = Some(format!("per-core columns of {file}"));
                device.file.get_or_insert_with(|| file.to_string());
                note.push_str("; gives the AI Core count");
            }
            b.add_source(file, SourceKind::MindStudioAiCoreSample, read, note);
            b.profile.core_samples.extend(cores);
        }
        Table::Devices(ids) => {
            let count = ids.len();
            let note = format!(
                "{count} device{} profiled (ids {})",
                if count == 1 { "" } else { "s" },
                ids.join(", ")
            );
            let device = &mut b.profile.device;
            device.device_count = Some(
                device
                    .device_count
                    .unwrap_or(0)
                    .max(u32::try_from(count).unwrap_or(u32::MAX)),
            );
            b.add_source(file, SourceKind::MindStudioDevices, count, note);
        }
        Table::Metadata { entries, note } => {
            let source = b.add_source(file, SourceKind::MindStudioMetadata, entries, note);
            b.profile.sources[source].used = false;
        }
        Table::Skipped { kind, note } => {
            let source = b.add_source(file, kind, 0, note);
            b.profile.sources[source].used = false;
        }
    }
}

fn append_note(note: &mut String, text: &str) {
    if !note.is_empty() {
        note.push_str("; ");
    }
    note.push_str(text);
}
