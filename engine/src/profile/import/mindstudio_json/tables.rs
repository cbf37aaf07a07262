//! The `data.table` rows of the MindStudio summaries: which table they are (by their keys) and
//! their cells, read leniently (numbers may be strings such as `"1.43%"`; a bad cell is an issue
//! located by the row's path).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::super::header::{normalise, ratio_column};
use super::super::text;
use super::{guess_kind, AicRow, AicTable, OpTimeRow, Table, TsRow};
use crate::profile::error::IssueSink;
use crate::profile::model::{CoreSample, Pmu};

/// A JSON value's kind for messages.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("`{}`", text::shorten(s)),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

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
            if text::is_missing(trimmed.as_bytes()) {
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
pub(super) fn read_table(
    file: &str,
    rows: Vec<(usize, Map<String, Value>)>,
    sink: &mut IssueSink,
) -> Table {
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
