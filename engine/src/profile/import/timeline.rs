//! Chrome trace JSON: msprof `msprof_*.json`, torch_npu `trace_view.json` and the older
//! `task_time_*.json` (ascend.md 1.6, 1.7). Device tasks are the `X` events of the process named
//! `Ascend Hardware` (older files: `Task Scheduler`); process names come from `M` events, which
//! may follow the tasks, so task events are collected with their pid and filtered at the end.
//!
//! The array is streamed with a serde visitor: events are not collected into a `Vec<Value>`, and
//! strings without escapes are borrowed from the input. Every field is read leniently (`ts` is a
//! string in msprof files, a number elsewhere), so only a JSON syntax error stops the reading,
//! and then the events before it are kept.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Batch;
use crate::profile::error::{IssueSink, ProfileError};
use crate::profile::join::op_type_from_name;
use crate::profile::model::{OpState, Strings, Sym, Task, Unit};

/// Reads the trace; returns the device-task batch and the number of events read.
pub(crate) fn read(
    file: &str,
    text: &[u8],
    strings: &mut Strings,
    sink: &mut IssueSink,
) -> Result<(Batch, usize), ProfileError> {
    let mut collect = Collect {
        strings,
        sink,
        events: 0,
        candidates: Vec::new(),
        hardware: HashSet::new(),
        scheduler: HashSet::new(),
        bad_events: 0,
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    let result = Top(&mut collect)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if let Err(err) = result {
        if collect.events == 0 {
            return Err(ProfileError::Json {
                file: file.to_string(),
                format: "trace",
                line: err.line() as u64,
                column: err.column() as u64,
                detail: err.to_string(),
            });
        }
        collect.sink.row(
            err.line() as u64,
            None,
            format!(
                "JSON stops being valid here ({err}); the {} events before it were kept",
                collect.events
            ),
        );
    }
    let events = collect.events;
    Ok((collect.finish(), events))
}

/// A process id: a number or, in some exporters, a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Pid {
    Num(i64),
    Text(String),
    None,
}

struct Candidate {
    pid: Pid,
    task: Task,
}

struct Collect<'s, 'f> {
    strings: &'s mut Strings,
    sink: &'s mut IssueSink<'f>,
    events: usize,
    candidates: Vec<Candidate>,
    hardware: HashSet<Pid>,
    scheduler: HashSet<Pid>,
    bad_events: usize,
}

impl Collect<'_, '_> {
    fn event(&mut self, event: RawEvent) {
        self.events += 1;
        let index = self.events as u64;
        let ph = event.ph.as_deref().unwrap_or("");
        let pid = match &event.pid {
            Some(Loose::Num(n)) if n.fract() == 0.0 => Pid::Num(*n as i64),
            Some(Loose::Str(s)) => Pid::Text(s.to_string()),
            _ => Pid::None,
        };
        if ph == "M" && event.name.as_deref() == Some("process_name") {
            match event.args.process_name.as_deref().map(str::trim) {
                Some("Ascend Hardware") => {
                    self.hardware.insert(pid);
                }
                Some("Task Scheduler") => {
                    self.scheduler.insert(pid);
                }
                _ => {}
            }
            return;
        }
        if ph != "X" {
            return;
        }
        let Some(task_type) = event.args.text("task_type") else {
            return;
        };
        let name = event.name.as_deref().unwrap_or("");
        let duration = event.dur.as_ref().and_then(Loose::number);
        let Some(duration) = duration.filter(|d| *d >= 0.0) else {
            self.bad_events += 1;
            if self.bad_events <= 3 {
                self.sink.row(
                    index,
                    None,
                    format!("event {index} (`{name}`): `dur` is missing or not a non-negative number; event skipped (the line is the event's number in the array)"),
                );
            }
            return;
        };
        let start_us = event.ts.as_ref().and_then(Loose::number);
        let mut op_type = event.args.sym(self.strings, "op_type");
        if op_type.is_empty() {
            if let Some(implied) = op_type_from_name(name) {
                op_type = self.strings.intern(implied);
            }
        }
        let task_type = self.strings.intern(task_type.trim());
        let op_state = match event.args.text("op_state") {
            Some(s) if s.eq_ignore_ascii_case("static") => OpState::Static,
            Some(s) if s.eq_ignore_ascii_case("dynamic") => OpState::Dynamic,
            _ => OpState::Unknown,
        };
        let task = Task {
            name: self.strings.intern(name),
            op_type,
            task_type,
            unit: Unit::from_task_type(self.strings.get(task_type)),
            op_state,
            start_us,
            duration_us: duration,
            wait_us: None,
            block_dim: event.args.id("block"),
            mix_block_dim: None,
            stream_id: event.args.id("stream"),
            task_id: event.args.id("task_id"),
            input_shapes: event.args.sym(self.strings, "input_shapes"),
            input_dtypes: event.args.sym(self.strings, "input_dtypes"),
            input_formats: event.args.sym(self.strings, "input_formats"),
            output_shapes: event.args.sym(self.strings, "output_shapes"),
            output_dtypes: event.args.sym(self.strings, "output_dtypes"),
            output_formats: event.args.sym(self.strings, "output_formats"),
            pmu: None,
            source: 0,
            line: u32::try_from(index).unwrap_or(u32::MAX),
        };
        self.candidates.push(Candidate { pid, task });
    }

    fn finish(self) -> Batch {
        let (keep, from): (&HashSet<Pid>, &str) = if !self.hardware.is_empty() {
            (&self.hardware, "")
        } else if !self.scheduler.is_empty() {
            (&self.scheduler, "")
        } else {
            (&self.hardware, "all")
        };
        if from == "all" && !self.candidates.is_empty() {
            self.sink.file_note(
                "no `Ascend Hardware` process in the trace; every event with a `Task Type` argument is taken as a device task",
            );
        }
        if self.bad_events > 3 {
            self.sink.file_note(format!(
                "{} events without a usable `dur` skipped in all",
                self.bad_events
            ));
        }
        let mut batch = Batch::default();
        let mut sync = 0usize;
        for candidate in self.candidates {
            if from != "all" && !keep.contains(&candidate.pid) {
                continue;
            }
            if is_sync_task(self.strings.get(candidate.task.task_type)) {
                sync += 1;
                continue;
            }
            batch.tasks.push(candidate.task);
        }
        if sync > 0 {
            self.sink.file_note(format!(
                "{sync} synchronisation tasks (Notify Wait, Write Value, EVENT_*, PLACE_HOLDER_SQE) skipped: they measure waiting, not work"
            ));
        }
        if batch.tasks.is_empty() {
            self.sink.file_note("no device tasks in this trace");
        }
        batch
    }
}

/// Runtime bookkeeping tasks of the `Ascend Hardware` process that measure waiting, not work.
fn is_sync_task(task_type: &str) -> bool {
    let upper = task_type.to_ascii_uppercase();
    [
        "NOTIFY",
        "EVENT",
        "WRITE VALUE",
        "WRITE_VALUE",
        "PLACE_HOLDER",
        "PLACEHOLDER",
        "BARRIER",
    ]
    .iter()
    .any(|word| upper.contains(word))
}

/// Any JSON value, kept only when it is a string or a number.
#[derive(Debug)]
pub(super) enum Loose<'a> {
    Str(Cow<'a, str>),
    Num(f64),
    Other,
}

impl Loose<'_> {
    pub(super) fn number(&self) -> Option<f64> {
        match self {
            Loose::Num(n) => Some(*n),
            Loose::Str(s) => s.trim().parse::<f64>().ok(),
            Loose::Other => None,
        }
        .filter(|n| n.is_finite())
    }

    pub(super) fn text(&self) -> Option<&str> {
        match self {
            Loose::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'de> de::Deserialize<'de> for Loose<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Loose<'de>, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Loose<'de>, E> {
        Ok(Loose::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Loose<'de>, E> {
        Ok(Loose::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Loose<'de>, E> {
        Ok(Loose::Str(Cow::Owned(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Loose<'de>, E> {
        Ok(Loose::Num(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Loose<'de>, E> {
        Ok(Loose::Num(v as f64))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Loose<'de>, E> {
        Ok(Loose::Num(v as f64))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Loose<'de>, E> {
        Ok(Loose::Other)
    }
    fn visit_unit<E>(self) -> Result<Loose<'de>, E> {
        Ok(Loose::Other)
    }
    fn visit_none<E>(self) -> Result<Loose<'de>, E> {
        Ok(Loose::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Other)
    }
}

/// The `args` of an event: only the keys opscope uses.
#[derive(Debug, Default)]
struct Args<'a> {
    values: Vec<(&'static str, Loose<'a>)>,
    process_name: Option<Cow<'a, str>>,
}

/// `args` keys read, with the field they fill (msprof `ascend_hardware_assembler.cpp`; torch_npu
/// compute events may also carry op_summary fields).
const ARG_KEYS: &[(&str, &str)] = &[
    ("Task Type", "task_type"),
    ("Task Id", "task_id"),
    ("Task ID", "task_id"),
    ("Physic Stream Id", "stream"),
    ("Stream Id", "stream"),
    ("Stream ID", "stream"),
    ("Block Dim", "block"),
    ("Block Num", "block"),
    ("OP Type", "op_type"),
    ("Op Type", "op_type"),
    ("OP State", "op_state"),
    ("Input Shapes", "input_shapes"),
    ("Input Data Types", "input_dtypes"),
    ("Input Formats", "input_formats"),
    ("Output Shapes", "output_shapes"),
    ("Output Data Types", "output_dtypes"),
    ("Output Formats", "output_formats"),
];

impl Args<'_> {
    fn get(&self, field: &str) -> Option<&Loose<'_>> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v)
    }

    fn text(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Loose::text)
    }

    fn id(&self, field: &str) -> Option<u32> {
        self.get(field)
            .and_then(Loose::number)
            .filter(|v| *v >= 0.0 && *v <= f64::from(u32::MAX) && v.fract() == 0.0)
            .map(|v| v as u32)
    }

    fn sym(&self, strings: &mut Strings, field: &str) -> Sym {
        match self.text(field).map(|s| s.trim().trim_matches('"')) {
            Some(text) if !text.is_empty() && text != "N/A" => strings.intern(text),
            _ => Sym::EMPTY,
        }
    }
}

struct ArgsVisitor;

impl<'de> Visitor<'de> for ArgsVisitor {
    type Value = Args<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an args object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Args<'de>, A::Error> {
        let mut args = Args::default();
        while let Some(key) = map.next_key::<Loose<'de>>()? {
            let key = key.text().unwrap_or("").to_string();
            if key == "name" {
                if let Loose::Str(name) = map.next_value::<Loose<'de>>()? {
                    args.process_name = Some(name);
                }
                continue;
            }
            match ARG_KEYS.iter().find(|(k, _)| *k == key) {
                Some((_, field)) => {
                    let value = map.next_value::<Loose<'de>>()?;
                    args.values.push((field, value));
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(args)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Args<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Args::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<Args<'de>, E> {
        Ok(Args::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Args<'de>, E> {
        Ok(Args::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Args<'de>, E> {
        Ok(Args::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Args<'de>, E> {
        Ok(Args::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Args<'de>, E> {
        Ok(Args::default())
    }
    fn visit_unit<E>(self) -> Result<Args<'de>, E> {
        Ok(Args::default())
    }
}

impl<'de> de::Deserialize<'de> for Args<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Args<'de>, D::Error> {
        d.deserialize_any(ArgsVisitor)
    }
}

#[derive(Debug, Default)]
struct RawEvent<'a> {
    ph: Option<Cow<'a, str>>,
    name: Option<Cow<'a, str>>,
    pid: Option<Loose<'a>>,
    ts: Option<Loose<'a>>,
    dur: Option<Loose<'a>>,
    args: Args<'a>,
}

/// One array element: an event object, or anything else (skipped).
struct EventSeed<'c, 's, 'f>(&'c mut Collect<'s, 'f>);

impl<'de> DeserializeSeed<'de> for EventSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if let Some(event) = d.deserialize_any(EventVisitor)? {
            self.0.event(event);
        }
        Ok(())
    }
}

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = Option<RawEvent<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a trace event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut event = RawEvent::default();
        while let Some(key) = map.next_key::<Loose<'de>>()? {
            match key.text().unwrap_or("") {
                "ph" => event.ph = map.next_value::<Loose<'de>>()?.into_text(),
                "name" => event.name = map.next_value::<Loose<'de>>()?.into_text(),
                "pid" => event.pid = Some(map.next_value()?),
                "ts" => event.ts = Some(map.next_value()?),
                "dur" => event.dur = Some(map.next_value()?),
                "args" => event.args = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(event))
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

impl<'a> Loose<'a> {
    pub(super) fn into_text(self) -> Option<Cow<'a, str>> {
        match self {
            Loose::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// The document: an array of events, or an object with a `traceEvents` array.
struct Top<'c, 's, 'f>(&'c mut Collect<'s, 'f>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a trace event array or an object with `traceEvents`")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(EventSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Loose<'de>>()? {
            if key.text() == Some("traceEvents") {
                map.next_value_seed(Top(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}
