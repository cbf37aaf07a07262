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

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::header::{normalise, ratio_column};
use super::timeline::Loose;
use super::{stamp, Batch, Builder};
use crate::profile::error::{IssueSink, ProfileError, ProfileIssue};
use crate::profile::join::op_type_from_name;
use crate::profile::model::{
    CoreSample, OpState, OpStatistic, Pmu, SourceKind, Strings, Sym, Task, Unit,
};

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

// ---------------------------------------------------------------------------------------------
// Streaming pass

/// What the pass saw of `data`.
#[derive(Debug, Default)]
enum Data {
    #[default]
    Absent,
    Object(DataObject),
    List(Vec<String>),
    Scalar,
}

#[derive(Debug, Default)]
struct DataObject {
    keys: Vec<String>,
    stream_task: bool,
    table: Option<Vec<(usize, Map<String, Value>)>>,
    /// Scalar values of `data`'s keys, for notes (`Elapsed Time`, `duration`, ...).
    scalars: Vec<(String, String)>,
    /// Array elements under the other keys (entries of GE / ACL / runtime timelines, samples).
    entries: usize,
}

#[derive(Debug, Default)]
struct TsState {
    batch: Batch,
    /// Entries seen in all lists, for line numbers.
    entries: usize,
    waiting: usize,
    /// Bookkeeping tasks of the `Other task` lists by task type, in first-seen order.
    bookkeeping: Vec<(String, usize)>,
    skipped: usize,
}

struct Pass<'s, 'f> {
    strings: &'s mut Strings,
    sink: IssueSink<'f>,
    top_keys: Vec<String>,
    status: Option<String>,
    info: Option<String>,
    data: Data,
    ts: TsState,
}

impl Pass<'_, '_> {
    /// Rows or entries read so far (what a JSON error would lose).
    fn read_so_far(&self) -> usize {
        match &self.data {
            Data::Object(object) => {
                self.ts.entries + object.table.as_ref().map(Vec::len).unwrap_or(0) + object.entries
            }
            Data::List(list) => list.len(),
            _ => self.ts.entries,
        }
    }

    fn object(&mut self) -> &mut DataObject {
        if !matches!(self.data, Data::Object(_)) {
            self.data = Data::Object(DataObject::default());
        }
        match &mut self.data {
            Data::Object(object) => object,
            _ => unreachable!("set just above"),
        }
    }

    /// One entry of a `stream task` list.
    fn ts_entry(&mut self, stream: &str, list: &str, index: usize, entry: Option<RawEntry>) {
        self.ts.entries += 1;
        let line = u32::try_from(self.ts.entries).unwrap_or(u32::MAX);
        let path = || format!("data[\"stream task\"][\"{stream}\"][\"{list}\"][{index}]");
        let Some(entry) = entry else {
            self.ts.skipped += 1;
            self.sink.entry(&path(), "not an object; entry skipped");
            return;
        };
        let status = entry.status.as_deref().map(str::trim).unwrap_or("running");
        if !status.eq_ignore_ascii_case("running") {
            // `waiting` (queue time; its start is often long before the run) or `pending`.
            self.ts.waiting += 1;
            return;
        }
        let task_type = entry
            .task_type
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(list);
        let unit = list_unit(list).unwrap_or_else(|| Unit::from_task_type(task_type));
        if unit == Unit::Other {
            match self.ts.bookkeeping.iter_mut().find(|(t, _)| t == task_type) {
                Some((_, n)) => *n += 1,
                None => self.ts.bookkeeping.push((task_type.to_string(), 1)),
            }
            return;
        }
        let Some(task_id) = entry.task.as_ref().and_then(whole) else {
            self.ts.skipped += 1;
            self.sink
                .entry(&path(), "`task` is missing or not a task id; entry skipped");
            return;
        };
        let (Some(start), Some(end)) = (
            entry.start.and_then(raw_number),
            entry.end.and_then(raw_number),
        ) else {
            self.ts.skipped += 1;
            self.sink.entry(
                &path(),
                "`start` or `end` is missing or not a number (seconds); entry skipped",
            );
            return;
        };
        if end < start {
            self.ts.skipped += 1;
            self.sink.entry(
                &path(),
                format!("ends ({end}) before it starts ({start}); entry skipped"),
            );
            return;
        }
        let stream_id = entry
            .streamid
            .as_ref()
            .and_then(whole)
            .or_else(|| stream_number(stream));
        let name = [entry.opname.as_deref(), entry.kernel_function.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|n| !n.is_empty() && *n != "N/A")
            .map(|n| self.strings.intern(n))
            .unwrap_or(Sym::EMPTY);
        let op_type = op_type_from_name(self.strings.get(name))
            .map(str::to_string)
            .map(|t| self.strings.intern(&t))
            .unwrap_or(Sym::EMPTY);
        let task_type = self.strings.intern(task_type);
        self.ts.batch.tasks.push(Task {
            name,
            op_type,
            task_type,
            unit,
            op_state: OpState::Unknown,
            start_us: Some(start * 1e6),
            duration_us: (end - start) * 1e6,
            wait_us: None,
            block_dim: None,
            mix_block_dim: None,
            stream_id,
            task_id: Some(task_id),
            input_shapes: Sym::EMPTY,
            input_dtypes: Sym::EMPTY,
            input_formats: Sym::EMPTY,
            output_shapes: Sym::EMPTY,
            output_dtypes: Sym::EMPTY,
            output_formats: Sym::EMPTY,
            pmu: None,
            source: 0,
            line,
        });
    }
}

/// The unit of a `stream task` list by its name (`AI Core task`, `AI CPU task`); `None` for the
/// `Other task` list, whose entries say their type.
fn list_unit(list: &str) -> Option<Unit> {
    let norm = normalise(list);
    if norm.contains("aicore") {
        Some(Unit::AiCore)
    } else if norm.contains("aicpu") {
        Some(Unit::AiCpu)
    } else {
        None
    }
}

/// `stream2` → 2.
fn stream_number(stream: &str) -> Option<u32> {
    let digits: String = stream.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A number from its JSON text (a number, or a string holding one), parsed with the correctly
/// rounded `str::parse`: times in seconds since the epoch have 17 significant digits, where
/// serde_json's faster parsing can be an ulp (0.24 µs) off.
fn raw_number(raw: &RawValue) -> Option<f64> {
    let text = raw.get().trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
        .trim();
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A whole, non-negative number that fits a `u32`.
fn whole(value: &Loose) -> Option<u32> {
    value
        .number()
        .filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= f64::from(u32::MAX))
        .map(|v| v as u32)
}

#[derive(Debug, Default)]
struct RawEntry<'a> {
    task: Option<Loose<'a>>,
    status: Option<std::borrow::Cow<'a, str>>,
    start: Option<&'a RawValue>,
    end: Option<&'a RawValue>,
    task_type: Option<std::borrow::Cow<'a, str>>,
    opname: Option<std::borrow::Cow<'a, str>>,
    kernel_function: Option<std::borrow::Cow<'a, str>>,
    streamid: Option<Loose<'a>>,
}

/// One entry of a `stream task` list: an object, or anything else (`None`, skipped).
struct EntrySeed;

impl<'de> DeserializeSeed<'de> for EntrySeed {
    type Value = Option<RawEntry<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed {
    type Value = Option<RawEntry<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a task entry object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entry = RawEntry::default();
        while let Some(key) = map.next_key::<Loose<'de>>()? {
            match key.text().unwrap_or("") {
                "task" => entry.task = Some(map.next_value()?),
                "status" => entry.status = map.next_value::<Loose<'de>>()?.into_text(),
                "start" => entry.start = Some(map.next_value::<&'de RawValue>()?),
                "end" => entry.end = Some(map.next_value::<&'de RawValue>()?),
                "task_type" => entry.task_type = map.next_value::<Loose<'de>>()?.into_text(),
                "opname" => entry.opname = map.next_value::<Loose<'de>>()?.into_text(),
                "kernel_function" => {
                    entry.kernel_function = map.next_value::<Loose<'de>>()?.into_text()
                }
                "streamid" => entry.streamid = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(entry))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// `data["stream task"]["streamN"]["<list>"]`: an array of entries.
struct ListSeed<'p, 's, 'f> {
    pass: &'p mut Pass<'s, 'f>,
    stream: &'p str,
    list: &'p str,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "an array of task entries at data[\"stream task\"][\"{}\"][\"{}\"]",
            self.stream, self.list
        )
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        while let Some(entry) = seq.next_element_seed(EntrySeed)? {
            self.pass.ts_entry(self.stream, self.list, index, entry);
            index += 1;
        }
        Ok(())
    }
}

/// `data["stream task"]["streamN"]`: the lists of one stream.
struct StreamSeed<'p, 's, 'f> {
    pass: &'p mut Pass<'s, 'f>,
    stream: &'p str,
}

impl<'de> DeserializeSeed<'de> for StreamSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StreamSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "an object of task lists (`AI Core task`, `AI CPU task`, `Other task`) at data[\"stream task\"][\"{}\"]",
            self.stream
        )
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(list) = map.next_key::<String>()? {
            map.next_value_seed(ListSeed {
                pass: &mut *self.pass,
                stream: self.stream,
                list: &list,
            })?;
        }
        Ok(())
    }
}

/// `data["stream task"]`: the streams.
struct StreamTaskSeed<'p, 's, 'f>(&'p mut Pass<'s, 'f>);

impl<'de> DeserializeSeed<'de> for StreamTaskSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StreamTaskSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of streams (`stream0`, `stream1`, ...) at data[\"stream task\"]")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(stream) = map.next_key::<String>()? {
            map.next_value_seed(StreamSeed {
                pass: &mut *self.0,
                stream: &stream,
            })?;
        }
        Ok(())
    }
}

/// `data.table`: an array of row objects, collected (one per task or op).
struct TableSeed<'p, 's, 'f>(&'p mut Pass<'s, 'f>);

impl<'de> DeserializeSeed<'de> for TableSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TableSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of row objects at data.table")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.object().table.get_or_insert_with(Vec::new);
        let mut index = 0usize;
        while let Some(row) = seq.next_element::<Value>()? {
            match row {
                Value::Object(map) => {
                    if let Some(table) = self.0.object().table.as_mut() {
                        table.push((index, map));
                    }
                }
                other => self.0.sink.entry(
                    &format!("data.table[{index}]"),
                    format!("{} instead of a row object; row skipped", describe(&other)),
                ),
            }
            index += 1;
        }
        Ok(())
    }
}

/// Any other value under `data`: a scalar's text, or how many array elements it holds.
struct SummarySeed;

impl<'de> DeserializeSeed<'de> for SummarySeed {
    type Value = (Option<String>, usize);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SummarySeed {
    type Value = (Option<String>, usize);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok((Some(v.to_string()), 0))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok((Some(v.to_string()), 0))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok((Some(v.to_string()), 0))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok((Some(v.to_string()), 0))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok((Some(v.to_string()), 0))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok((None, 0))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut count = 0usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            count += 1;
        }
        Ok((None, count))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut count = 0usize;
        while map.next_key::<IgnoredAny>()?.is_some() {
            count += map.next_value_seed(SummarySeed)?.1;
        }
        Ok((None, count))
    }
}

/// `data`: an object (tables, timelines, facts), an array (`devices.json`) or a scalar.
struct DataSeed<'p, 's, 'f>(&'p mut Pass<'s, 'f>);

impl<'de> DeserializeSeed<'de> for DataSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DataSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a MindStudio `data` value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.object();
        while let Some(key) = map.next_key::<String>()? {
            self.0.object().keys.push(key.clone());
            match key.as_str() {
                "stream task" => {
                    self.0.object().stream_task = true;
                    map.next_value_seed(StreamTaskSeed(&mut *self.0))?;
                }
                "table" => map.next_value_seed(TableSeed(&mut *self.0))?,
                _ => {
                    let (scalar, entries) = map.next_value_seed(SummarySeed)?;
                    let object = self.0.object();
                    object.entries += entries;
                    if let Some(text) = scalar {
                        object.scalars.push((key, text));
                    }
                }
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.data = Data::List(Vec::new());
        while let Some(item) = seq.next_element::<Loose<'de>>()? {
            let text = match &item {
                Loose::Str(s) => s.trim().to_string(),
                Loose::Num(n) => n.to_string(),
                Loose::Other => String::new(),
            };
            if let Data::List(list) = &mut self.0.data {
                list.push(text);
            }
        }
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.0.data = Data::Scalar;
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.0.data = Data::Scalar;
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.0.data = Data::Scalar;
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.0.data = Data::Scalar;
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.0.data = Data::Scalar;
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.data = Data::Scalar;
        Ok(())
    }
}

/// The document: an object with `status`, `info` and `data`.
struct TopSeed<'p, 's, 'f>(&'p mut Pass<'s, 'f>);

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with `status`, `info` and `data`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            self.0.top_keys.push(key.clone());
            match key.as_str() {
                "status" => {
                    let value = map.next_value::<Loose<'de>>()?;
                    self.0.status = Some(match &value {
                        Loose::Str(s) => s.trim().to_string(),
                        Loose::Num(n) => n.to_string(),
                        Loose::Other => "?".to_string(),
                    });
                }
                "info" => {
                    self.0.info = map
                        .next_value::<Loose<'de>>()?
                        .into_text()
                        .map(|s| s.trim().to_string());
                }
                "data" => map.next_value_seed(DataSeed(&mut *self.0))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A JSON value's kind for messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("`{}`", super::text::shorten(s)),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
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
        }) => read_table(file, rows, &mut pass.sink),
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

// ---------------------------------------------------------------------------------------------
// Tables

/// A row with its keys normalised, for lookups by name.
struct Row<'r> {
    path: String,
    cells: Vec<(String, &'r str, &'r Value)>,
}

impl<'r> Row<'r> {
    fn new(index: usize, map: &'r Map<String, Value>) -> Row<'r> {
        Row {
            path: format!("data.table[{index}]"),
            cells: map
                .iter()
                .map(|(k, v)| (normalise(k), k.as_str(), v))
                .collect(),
        }
    }

    fn get(&self, aliases: &[&str]) -> Option<(&'r str, &'r Value)> {
        aliases.iter().find_map(|alias| {
            self.cells
                .iter()
                .find(|(norm, _, _)| norm == alias)
                .map(|(_, key, value)| (*key, *value))
        })
    }

    fn text(&self, aliases: &[&str]) -> Option<String> {
        match self.get(aliases)?.1 {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A number cell: JSON numbers, or strings such as `"12"`, `"1.43%"`; `N/A` and empty are
    /// missing. A bad value is an issue and reads as missing.
    fn number(&self, aliases: &[&str], sink: &mut IssueSink) -> Option<f64> {
        let (key, value) = self.get(aliases)?;
        match cell_number(value) {
            Ok(value) => value,
            Err(found) => {
                sink.entry(
                    &self.path,
                    format!("`{key}`: expected a number, found {found}; read as N/A"),
                );
                None
            }
        }
    }

    /// A task id cell (`Task`): a whole number. `Err` carries what was found.
    fn id(&self, aliases: &[&str]) -> Result<Option<u32>, String> {
        let Some((_, value)) = self.get(aliases) else {
            return Ok(None);
        };
        match cell_number(value)? {
            None => Ok(None),
            Some(v) if v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) => {
                Ok(Some(v as u32))
            }
            Some(v) => Err(format!("the number {v}")),
        }
    }
}

fn cell_number(value: &Value) -> Result<Option<f64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_f64()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or_else(|| format!("the number {n}")),
        Value::String(s) => {
            let trimmed = s.trim();
            let trimmed = trimmed.strip_suffix('%').unwrap_or(trimmed).trim();
            if super::text::is_missing(trimmed.as_bytes()) {
                return Ok(None);
            }
            trimmed
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or_else(|| describe(value))
        }
        other => Err(describe(other)),
    }
}

mod keys {
    pub const TASK: &[&str] = &["task", "taskid"];
    pub const STREAM: &[&str] = &["stream", "streamid"];
    pub const TYPE: &[&str] = &["type", "tasktype"];
    pub const COUNT: &[&str] = &["count", "calls"];
    pub const TIME_NS: &[&str] = &["time(ns)"];
    pub const AVG_NS: &[&str] = &["avg(ns)"];
    pub const MIN_NS: &[&str] = &["min(ns)"];
    pub const MAX_NS: &[&str] = &["max(ns)"];
    pub const TIME_PCT: &[&str] = &["time(%)"];
    pub const OP_NAME: &[&str] = &["opname", "opnames"];
    pub const TOTAL_MS: &[&str] = &["totaltime(ms)"];
    pub const TOTAL_CYCLES: &[&str] = &["totalcycles", "totalcycle"];
    pub const MEMORY_BOUND: &[&str] = &["memorybound"];
    pub const CORE_TYPE: &[&str] = &["coretype"];
    pub const MIN_CYCLE: &[&str] = &["mincycle", "mincycles"];
    pub const AVG_CYCLE: &[&str] = &["avgcycle", "avgcycles"];
    pub const MAX_CYCLE: &[&str] = &["maxcycle", "maxcycles"];
    pub const RATIO: &[&str] = &["ratio", "ratio(%)"];
    pub const METRIC: &[&str] = &["aicoremetrics"];
    pub const NAME: &[&str] = &["name"];
}

/// Which table the rows are, from the keys of the first rows.
fn read_table(file: &str, rows: Vec<(usize, Map<String, Value>)>, sink: &mut IssueSink) -> Table {
    let mut keys: HashSet<String> = HashSet::new();
    for (_, row) in rows.iter().take(8) {
        keys.extend(row.keys().map(|k| normalise(k)));
    }
    let has = |aliases: &[&str]| aliases.iter().any(|a| keys.contains(*a));
    let count = rows.len();
    if rows.is_empty() {
        let kind = guess_kind(file, "");
        let note = "an empty MindStudio table (no rows)".to_string();
        sink.file_note("no rows in this MindStudio table");
        return Table::Skipped { kind, note };
    }
    if has(keys::METRIC) {
        return Table::AiCoreSample(read_sample(&rows, sink), count);
    }
    if has(keys::CORE_TYPE) && (has(keys::TOTAL_CYCLES) || has(keys::AVG_CYCLE)) {
        return Table::OpTimeStatistic(read_op_time(&rows, sink), count);
    }
    if has(keys::TASK) && has(keys::OP_NAME) && (has(keys::TOTAL_MS) || has(keys::TOTAL_CYCLES)) {
        return Table::AiCoreMetrics(read_aicore(&rows, sink), count);
    }
    if has(keys::TASK) && has(keys::TYPE) && has(keys::TIME_NS) {
        return Table::SummaryTs(read_summary_ts(&rows, sink), count);
    }
    let note = if has(keys::NAME) && has(keys::COUNT) {
        "MindStudio: the runtime API summary (host calls per API); recognised, not used by opscope (no device task times)".to_string()
    } else {
        let mut names: Vec<&String> = rows[0].1.keys().take(8).collect();
        names.sort();
        format!(
            "MindStudio: a table opscope does not know (columns {}); recognised, not used",
            names
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    sink.file_note(note.clone());
    Table::Metadata {
        entries: count,
        note,
    }
}

fn read_summary_ts(rows: &[(usize, Map<String, Value>)], sink: &mut IssueSink) -> Vec<TsRow> {
    let mut out = Vec::with_capacity(rows.len());
    for (index, map) in rows {
        let row = Row::new(*index, map);
        let task = match row.id(keys::TASK) {
            Ok(Some(task)) => task,
            Ok(None) => {
                sink.entry(&row.path, "no `Task` id; row skipped");
                continue;
            }
            Err(found) => {
                sink.entry(
                    &row.path,
                    format!("`Task`: expected a task id, found {found}; row skipped"),
                );
                continue;
            }
        };
        let Some(total_ns) = row.number(keys::TIME_NS, sink) else {
            sink.entry(&row.path, "no `Time(ns)`; row skipped");
            continue;
        };
        if total_ns < 0.0 {
            sink.entry(
                &row.path,
                format!("negative `Time(ns)` {total_ns}; row skipped"),
            );
            continue;
        }
        out.push(TsRow {
            stream: row.id(keys::STREAM).ok().flatten(),
            task,
            task_type: row.text(keys::TYPE).unwrap_or_default(),
            count: row
                .number(keys::COUNT, sink)
                .filter(|c| *c >= 0.0)
                .map(|c| c.round() as u64)
                .unwrap_or(0),
            total_ns,
            avg_ns: row.number(keys::AVG_NS, sink),
            min_ns: row.number(keys::MIN_NS, sink),
            max_ns: row.number(keys::MAX_NS, sink),
            pct: row.number(keys::TIME_PCT, sink),
        });
    }
    out
}

fn read_aicore(rows: &[(usize, Map<String, Value>)], sink: &mut IssueSink) -> AicTable {
    let mut table = AicTable::default();
    for (index, map) in rows {
        let row = Row::new(*index, map);
        let total_ms = row.number(keys::TOTAL_MS, sink);
        let cycles = row.number(keys::TOTAL_CYCLES, sink);
        let is_total = row
            .text(keys::TASK)
            .is_some_and(|t| t.eq_ignore_ascii_case("total"));
        if is_total {
            table.total_ms = total_ms;
            table.total_cycles = cycles;
            continue;
        }
        let task = match row.id(keys::TASK) {
            Ok(Some(task)) => task,
            Ok(None) => {
                sink.entry(&row.path, "no `Task` id; row skipped");
                continue;
            }
            Err(found) => {
                sink.entry(
                    &row.path,
                    format!("`Task`: expected a task id or \"total\", found {found}; row skipped"),
                );
                continue;
            }
        };
        let mut pmu = Pmu::default();
        for (norm, key, value) in &row.cells {
            if let Some((side, pipe)) = ratio_column(norm) {
                match cell_number(value) {
                    Ok(Some(v)) => pmu.set_ratio(side, pipe, v),
                    Ok(None) => {}
                    Err(found) => sink.entry(
                        &row.path,
                        format!("`{key}`: expected a number, found {found}; read as N/A"),
                    ),
                }
            }
        }
        if let Some(bound) = row.number(keys::MEMORY_BOUND, sink) {
            pmu.set_memory_bound(bound);
        }
        table.rows.push(AicRow {
            stream: row.id(keys::STREAM).ok().flatten(),
            task,
            op: row.text(keys::OP_NAME).unwrap_or_default(),
            total_ms,
            cycles,
            pmu,
        });
    }
    table
}

fn read_op_time(rows: &[(usize, Map<String, Value>)], sink: &mut IssueSink) -> Vec<OpTimeRow> {
    let mut out = Vec::with_capacity(rows.len());
    for (index, map) in rows {
        let row = Row::new(*index, map);
        let Some(op) = row.text(keys::OP_NAME).filter(|op| !op.is_empty()) else {
            sink.entry(&row.path, "no `Op Name`; row skipped");
            continue;
        };
        out.push(OpTimeRow {
            op,
            core_type: row.text(keys::CORE_TYPE).unwrap_or_default(),
            count: row
                .number(keys::COUNT, sink)
                .filter(|c| *c >= 0.0)
                .map(|c| c.round() as u64)
                .unwrap_or(0),
            total_cycles: row.number(keys::TOTAL_CYCLES, sink),
            min_cycles: row.number(keys::MIN_CYCLE, sink),
            avg_cycles: row.number(keys::AVG_CYCLE, sink),
            max_cycles: row.number(keys::MAX_CYCLE, sink),
            ratio_pct: row.number(keys::RATIO, sink),
        });
    }
    out
}

/// The sample table is transposed: a row per metric, a column per core (and `Average`).
fn read_sample(rows: &[(usize, Map<String, Value>)], sink: &mut IssueSink) -> Vec<CoreSample> {
    let mut cores: Vec<CoreSample> = Vec::new();
    for (index, map) in rows {
        let row = Row::new(*index, map);
        let Some(metric) = row.text(keys::METRIC).filter(|m| !m.is_empty()) else {
            sink.entry(&row.path, "no `AI Core Metrics` name; row skipped");
            continue;
        };
        for (norm, key, value) in &row.cells {
            if keys::METRIC.contains(&norm.as_str()) {
                continue;
            }
            let value = match cell_number(value) {
                Ok(Some(v)) => v,
                Ok(None) => continue,
                Err(found) => {
                    sink.entry(
                        &row.path,
                        format!("`{key}` ({metric}): expected a number, found {found}; skipped"),
                    );
                    continue;
                }
            };
            let at = match cores.iter().position(|c| c.core == *key) {
                Some(at) => at,
                None => {
                    cores.push(CoreSample {
                        core: key.to_string(),
                        metrics: Vec::new(),
                    });
                    cores.len() - 1
                }
            };
            cores[at].metrics.push((metric.clone(), value));
        }
    }
    // The row objects come with their keys sorted; show the cores in number order, then the rest
    // (`Average`).
    let number = |c: &CoreSample| {
        let digits: String = c.core.chars().filter(char::is_ascii_digit).collect();
        digits.parse::<u64>().unwrap_or(u64::MAX)
    };
    cores.sort_by_key(|c| (!c.is_core(), number(c)));
    cores
}

// ---------------------------------------------------------------------------------------------
// Into the builder

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

/// Combines the MindStudio tables once every file is read and the task rows are chosen: names
/// and PMU ratios joined to the timeline's tasks by stream and task id, the tuning guide's rule
/// (a task in the AI Core metrics ran on the AI Core), and per-op statistics from the richest
/// table present, so no task is counted twice.
pub(crate) fn resolve(b: &mut Builder) {
    let ms = std::mem::take(&mut b.ms);
    let profile = &mut b.profile;
    let issues = &mut b.issues;
    let ts_source: Vec<bool> = profile
        .sources
        .iter()
        .map(|s| s.kind == SourceKind::MindStudioTimelineTs && s.used)
        .collect();
    let is_ts = |task: &Task| ts_source.get(task.source as usize).copied() == Some(true);

    // Names and runs by task, from the timeline; then names from the AI Core metrics.
    let mut names: HashMap<Key, Sym> = HashMap::new();
    let mut runs: HashMap<Key, u64> = HashMap::new();
    let mut clashes: HashSet<Key> = HashSet::new();
    for task in profile.tasks.iter().filter(|t| is_ts(t)) {
        let Some(id) = task.task_id else { continue };
        let key = (task.stream_id, id);
        *runs.entry(key).or_default() += 1;
        if !task.name.is_empty() {
            let first = *names.entry(key).or_insert(task.name);
            if first != task.name {
                clashes.insert(key);
            }
        }
    }
    if let Some(file) = ts_source
        .iter()
        .position(|used| *used)
        .map(|i| profile.sources[i].file.clone())
    {
        if !clashes.is_empty() {
            issues.push(ProfileIssue::file(
                &file,
                format!(
                    "{} tasks (stream and task id) run under more than one op name; per-task tables are named after the first",
                    clashes.len()
                ),
            ));
        }
    }
    let mut ai_core: HashSet<Key> = HashSet::new();
    let mut ai_core_names: HashSet<String> = HashSet::new();
    for (_, table) in &ms.aicore {
        for row in &table.rows {
            let key = (row.stream, row.task);
            ai_core.insert(key);
            if !row.op.is_empty() {
                ai_core_names.insert(row.op.clone());
                names
                    .entry(key)
                    .or_insert_with(|| profile.strings.intern(&row.op));
            }
        }
    }

    // Timeline tasks without an op name take the AI Core metrics' name, else a label.
    let mut labelled = 0usize;
    for task in profile.tasks.iter_mut() {
        if !is_ts(task) || !task.name.is_empty() {
            continue;
        }
        let Some(id) = task.task_id else { continue };
        task.name = match names.get(&(task.stream_id, id)) {
            Some(&name) => name,
            None => {
                labelled += 1;
                profile.strings.intern(&task_label(task.stream_id, id))
            }
        };
        if task.op_type.is_empty() {
            if let Some(op_type) = op_type_from_name(profile.strings.get(task.name)) {
                let op_type = op_type.to_string();
                task.op_type = profile.strings.intern(&op_type);
            }
        }
    }
    if labelled > 0 {
        if let Some(i) = ts_source.iter().position(|used| *used) {
            append_note(
                &mut profile.sources[i].note,
                &format!("{labelled} runs without an op name are named `stream S task T`"),
            );
        }
    }

    // PMU ratios of the AI Core metrics on the timeline's runs of the same task.
    for (source, table) in &ms.aicore {
        let mut pmu_of: HashMap<Key, u32> = HashMap::new();
        for row in &table.rows {
            let key = (row.stream, row.task);
            if runs.contains_key(&key) && !pmu_of.contains_key(&key) {
                if let Ok(idx) = u32::try_from(profile.pmu.len()) {
                    profile.pmu.push(row.pmu.clone());
                    pmu_of.insert(key, idx);
                }
            }
        }
        let mut joined = 0usize;
        let mut on_cpu = 0usize;
        for task in profile.tasks.iter_mut() {
            if !is_ts(task) {
                continue;
            }
            let Some(id) = task.task_id else { continue };
            let key = (task.stream_id, id);
            if let Some(&idx) = pmu_of.get(&key) {
                if task.pmu.is_none() {
                    task.pmu = Some(idx);
                    joined += 1;
                }
                if task.unit == Unit::AiCpu {
                    on_cpu += 1;
                }
            }
        }
        let file = profile.sources[*source].file.clone();
        let note = &mut profile.sources[*source].note;
        append_note(
            note,
            &format!(
                "{} tasks; marks them as AI Core tasks (the tuning guide's Task ID rule)",
                table.rows.len()
            ),
        );
        if !runs.is_empty() {
            append_note(
                note,
                &format!(
                    "PMU ratios joined by stream and task id to {joined} timeline runs of {} tasks",
                    pmu_of.len()
                ),
            );
        }
        if on_cpu > 0 {
            issues.push(ProfileIssue::file(
                &file,
                format!("{on_cpu} timeline runs listed as AI CPU tasks have AI Core metrics here; their unit is left as the timeline says"),
            ));
        }
        match table.clock() {
            Some(clock) => {
                let spread = match clock.spread {
                    Some((lo, hi)) if hi > lo * 1.05 => {
                        format!(", {lo:.0}–{hi:.0} over the task rows")
                    }
                    _ => String::new(),
                };
                append_note(
                    note,
                    &format!(
                        "implies {:.1} cycles per µs (total_cycles / total_time of its {}{spread})",
                        clock.per_us,
                        if clock.from_total {
                            "`total` row"
                        } else {
                            "task rows"
                        }
                    ),
                );
            }
            None => append_note(note, "no total_cycles / total_time pair: no clock implied"),
        }
    }

    // Per-op statistics from one table, so no task counts twice.
    let mut stats: Vec<OpStatistic> = Vec::new();
    let name_of = |profile: &crate::profile::Profile, key: Key| -> (String, bool) {
        match names.get(&key) {
            Some(&sym) => (profile.strings.get(sym).to_string(), true),
            None => (task_label(key.0, key.1), false),
        }
    };
    let stats_from = if ms.summary_ts.iter().any(|(_, rows)| !rows.is_empty()) {
        SourceKind::MindStudioSummaryTs
    } else if ms.op_time.iter().any(|(_, rows)| !rows.is_empty()) {
        SourceKind::MindStudioOpTimeStatistic
    } else if ms.aicore.iter().any(|(_, t)| !t.rows.is_empty()) {
        SourceKind::MindStudioAiCoreMetrics
    } else {
        SourceKind::MindStudioMetadata
    };
    for (source, rows) in &ms.summary_ts {
        let mut kept = 0usize;
        let mut named = 0usize;
        let mut skipped: Vec<(String, usize)> = Vec::new();
        let mut count_mismatch = 0usize;
        for row in rows {
            let key = (row.stream, row.task);
            let mut unit = Unit::from_task_type(&row.task_type);
            if unit == Unit::Other && ai_core.contains(&key) {
                unit = Unit::AiCore;
            }
            if unit == Unit::Other {
                match skipped.iter_mut().find(|(t, _)| *t == row.task_type) {
                    Some((_, n)) => *n += 1,
                    None => skipped.push((row.task_type.clone(), 1)),
                }
                continue;
            }
            kept += 1;
            if let Some(&seen) = runs.get(&key) {
                if seen != row.count {
                    count_mismatch += 1;
                }
            }
            let (op, was_named) = name_of(profile, key);
            named += usize::from(was_named);
            let us = |ns: Option<f64>| ns.map(|v| v / 1e3);
            stats.push(OpStatistic {
                op_type: op_type_from_name(&op).unwrap_or_default().to_string(),
                op,
                core_type: row.task_type.clone(),
                unit,
                count: row.count,
                total_us: Some(row.total_ns / 1e3),
                min_us: us(row.min_ns),
                avg_us: us(row.avg_ns),
                max_us: us(row.max_ns),
                ratio_pct: row.pct,
                task_ids: vec![row.task],
                by_name: true,
            });
        }
        let file = profile.sources[*source].file.clone();
        let note = &mut profile.sources[*source].note;
        append_note(
            note,
            &format!("{kept} kernel tasks as per-task statistics, {named} named from the timeline or AI Core metrics"),
        );
        if !skipped.is_empty() {
            let total: usize = skipped.iter().map(|(_, n)| n).sum();
            skipped.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let shown: Vec<String> = skipped
                .iter()
                .take(4)
                .map(|(t, n)| format!("{} {n}", if t.is_empty() { "(no type)" } else { t }))
                .collect();
            append_note(
                note,
                &format!(
                    "{total} bookkeeping tasks not counted ({}{})",
                    shown.join(", "),
                    if skipped.len() > 4 { ", ..." } else { "" }
                ),
            );
        }
        if count_mismatch > 0 {
            issues.push(ProfileIssue::file(
                &file,
                format!("{count_mismatch} tasks have another run count here than in the timeline"),
            ));
        }
    }
    let clock = ms.aicore.iter().find_map(|(source, table)| {
        table
            .clock()
            .map(|clock| (profile.sources[*source].file.clone(), clock))
    });
    for (source, rows) in &ms.op_time {
        let file = profile.sources[*source].file.clone();
        if stats_from != SourceKind::MindStudioOpTimeStatistic {
            if stats_from == SourceKind::MindStudioSummaryTs {
                append_note(
                    &mut profile.sources[*source].note,
                    "not counted: summary_ts holds the same ops per task, in ns",
                );
            }
            continue;
        }
        let per_us = clock.as_ref().map(|(_, c)| c.per_us);
        let mut ai_cpu = 0usize;
        for row in rows {
            let mut unit = Unit::from_task_type(&row.core_type);
            if unit == Unit::Other && ai_core_names.contains(&row.op) {
                unit = Unit::AiCore;
            }
            if unit == Unit::AiCpu {
                ai_cpu += 1;
            }
            let time = |cycles: Option<f64>| Some(cycles? / per_us?);
            stats.push(OpStatistic {
                op_type: op_type_from_name(&row.op).unwrap_or_default().to_string(),
                op: row.op.clone(),
                core_type: row.core_type.clone(),
                unit,
                count: row.count,
                total_us: time(row.total_cycles),
                min_us: time(row.min_cycles),
                avg_us: time(row.avg_cycles),
                max_us: time(row.max_cycles),
                ratio_pct: row.ratio_pct,
                task_ids: Vec::new(),
                by_name: true,
            });
        }
        let note = &mut profile.sources[*source].note;
        match &clock {
            Some((from, clock)) => {
                append_note(
                    note,
                    &format!(
                        "cycles turned into µs at {:.1} cycles per µs, the clock {from} implies (total_cycles / total_time)",
                        clock.per_us
                    ),
                );
                if ai_cpu > 0 {
                    issues.push(ProfileIssue::file(
                        &file,
                        format!("{ai_cpu} AI CPU ops: their cycles are turned into time at the AI Core clock of {from}; the export gives no AI CPU clock, so their times are approximate"),
                    ));
                }
            }
            None => {
                append_note(note, "cycles only: no clock to turn them into time");
                issues.push(ProfileIssue::file(
                    &file,
                    "op times unknown: the table counts cycles and no summary_aicore_N.json (total_cycles / total_time) gives the clock; give it too",
                ));
            }
        }
    }
    for (source, table) in &ms.aicore {
        if stats_from != SourceKind::MindStudioAiCoreMetrics {
            continue;
        }
        for row in &table.rows {
            let key = (row.stream, row.task);
            let (op, _) = name_of(profile, key);
            let count = runs.get(&key).copied().unwrap_or(0);
            let total_us = row.total_ms.map(|ms| ms * 1e3);
            stats.push(OpStatistic {
                op_type: op_type_from_name(&op).unwrap_or_default().to_string(),
                op,
                core_type: "AI Core (task in AI Core Metrics)".to_string(),
                unit: Unit::AiCore,
                count,
                total_us,
                min_us: None,
                avg_us: total_us.filter(|_| count > 0).map(|t| t / count as f64),
                max_us: None,
                ratio_pct: None,
                task_ids: vec![row.task],
                by_name: true,
            });
        }
        append_note(
            &mut profile.sources[*source].note,
            "its task times are the per-op statistics (run counts unknown without the timeline)",
        );
    }
    profile.op_statistics.extend(stats);
}
