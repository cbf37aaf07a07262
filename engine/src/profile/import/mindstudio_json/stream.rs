//! The streaming pass over a MindStudio JSON document: the envelope, `data`, and the entries of
//! `data["stream task"]` straight into task rows.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::super::header::normalise;
use super::super::timeline::Loose;
use super::super::Batch;
use super::tables::describe;
use crate::profile::error::IssueSink;
use crate::profile::join::op_type_from_name;
use crate::profile::model::{OpState, Strings, Sym, Task, Unit};

/// What the pass saw of `data`.
#[derive(Debug, Default)]
pub(super) enum Data {
    #[default]
    Absent,
    Object(DataObject),
    List(Vec<String>),
    Scalar,
}

#[derive(Debug, Default)]
pub(super) struct DataObject {
    pub(super) keys: Vec<String>,
    pub(super) stream_task: bool,
    pub(super) table: Option<Vec<(usize, Map<String, Value>)>>,
    /// Scalar values of `data`'s keys, for notes (`Elapsed Time`, `duration`, ...).
    pub(super) scalars: Vec<(String, String)>,
    /// Array elements under the other keys (entries of GE / ACL / runtime timelines, samples).
    pub(super) entries: usize,
}

#[derive(Debug, Default)]
pub(super) struct TsState {
    pub(super) batch: Batch,
    /// Entries seen in all lists, for line numbers.
    pub(super) entries: usize,
    pub(super) waiting: usize,
    /// Bookkeeping tasks of the `Other task` lists by task type, in first-seen order.
    pub(super) bookkeeping: Vec<(String, usize)>,
    pub(super) skipped: usize,
}

pub(super) struct Pass<'s, 'f> {
    pub(super) strings: &'s mut Strings,
    pub(super) sink: IssueSink<'f>,
    pub(super) top_keys: Vec<String>,
    pub(super) status: Option<String>,
    pub(super) info: Option<String>,
    pub(super) data: Data,
    pub(super) ts: TsState,
}

impl Pass<'_, '_> {
    /// Rows or entries read so far (what a JSON error would lose).
    pub(super) fn read_so_far(&self) -> usize {
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
    status: Option<Cow<'a, str>>,
    start: Option<&'a RawValue>,
    end: Option<&'a RawValue>,
    task_type: Option<Cow<'a, str>>,
    opname: Option<Cow<'a, str>>,
    kernel_function: Option<Cow<'a, str>>,
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
pub(super) struct TopSeed<'p, 's, 'f>(pub(super) &'p mut Pass<'s, 'f>);

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
