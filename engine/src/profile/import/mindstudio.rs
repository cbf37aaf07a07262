//! The older MindStudio profiling summary that the tuning guide describes (seed guide, "查找低性能
//! 算子"): the Op Statistic table lists each op with its `Task IDs`; an op whose task ids appear in
//! the AI Core Metrics table (keyed by `Task ID`) ran on the AI Core, otherwise on the AI CPU.
//!
//! The real MindStudio 2.x export writes these tables as JSON (`summary_aicore_N.json` for AI
//! Core Metrics, keyed by `Task`; see [`super::mindstudio_json`], which also adds its task ids to
//! the rule here). This CSV reader stays for tables copied out of the tool's views; it reads them
//! by the names the guide uses: Op Statistic = a CSV with an op name (`Op Name` / `Op Names`) or `Op Type`
//! and a `Task IDs` column (ids separated by spaces, commas, semicolons or `|`), optionally
//! `Count` and `Total Time` / `Avg Time` / `Min Time` / `Max Time`; AI Core Metrics = a CSV with a
//! `Task ID` column and PMU metric columns (`aicore_time`, `total_cycles`, `*_ratio`, ...). The
//! unit of each op is decided once all files are read.

use super::header::{self, names as n};
use super::text;
use super::CsvInput;
use crate::profile::error::{IssueSink, ProfileError};
use crate::profile::model::{OpStatistic, Unit};

pub(crate) fn read_op_statistic(
    mut input: CsvInput,
    sink: &mut IssueSink,
) -> Result<Vec<OpStatistic>, ProfileError> {
    let header = input.header.clone();
    let name = header
        .find(n::OP_NAME)
        .or_else(|| header.find(n::OP_TYPE))
        .ok_or_else(|| ProfileError::MissingColumn {
            file: input.file.to_string(),
            line: 1,
            format: "MindStudio Op Statistic",
            column: "op name",
            expected: header::expected(&["Op Name", "Op Names", "Op Type"]),
        })?;
    let op_type = header.find(n::OP_TYPE);
    // `Op Name` / `Op Names` name ops; a table with only `Op Type` is per type.
    let by_name = header.find(n::OP_NAME).is_some();
    let ids = header.find(n::TASK_IDS).unwrap_or(usize::MAX);
    let count = header.find(n::COUNT);
    let total = header.find(n::TOTAL_TIME);
    let avg = header.find(n::AVG_TIME);
    let min = header.find(n::MIN_TIME);
    let max = header.find(n::MAX_TIME);
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while input.next(&mut record, sink) {
        let line = input.line(&record);
        let cell = |idx: usize| {
            String::from_utf8_lossy(text::trim_cell(record.get(idx).unwrap_or(b""))).into_owned()
        };
        let op = cell(name);
        if op.is_empty() {
            sink.row(line, Some(header.name(name)), "no op name; row skipped");
            continue;
        }
        let mut task_ids = Vec::new();
        for part in cell(ids)
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
        {
            match part.parse::<u32>() {
                Ok(id) => task_ids.push(id),
                Err(_) => sink.row(
                    line,
                    Some(header.name(ids)),
                    format!("task id `{}` is out of range; ignored", text::shorten(part)),
                ),
            }
        }
        let number = |idx: Option<usize>, sink: &mut IssueSink| -> Option<f64> {
            let idx = idx?;
            match text::parse_f64(record.get(idx).unwrap_or(b"")) {
                Ok(value) => value,
                Err(err) => {
                    sink.row(
                        line,
                        Some(header.name(idx)),
                        format!("expected a number, found `{}`; read as N/A", err.0),
                    );
                    None
                }
            }
        };
        let count_value = number(count, sink)
            .filter(|c| *c >= 0.0)
            .map(|c| c.round() as u64)
            .unwrap_or(task_ids.len() as u64);
        let total_us = number(total, sink);
        let avg_us = number(avg, sink);
        let min_us = number(min, sink);
        let max_us = number(max, sink);
        let total_us = total_us.or_else(|| avg_us.map(|a| a * count_value as f64));
        out.push(OpStatistic {
            op_type: op_type.map(cell).unwrap_or_default(),
            op,
            core_type: "unknown".to_string(),
            unit: Unit::Other,
            count: count_value,
            total_us,
            min_us,
            avg_us,
            max_us,
            ratio_pct: None,
            task_ids,
            by_name,
        });
    }
    if out.is_empty() {
        sink.file_note("no data rows in this Op Statistic file");
    }
    Ok(out)
}

/// The task ids listed in an AI Core Metrics table.
pub(crate) fn read_ai_core_metrics(
    mut input: CsvInput,
    sink: &mut IssueSink,
) -> Result<Vec<u32>, ProfileError> {
    let header = input.header.clone();
    let task = header
        .find(n::TASK_ID)
        .ok_or_else(|| ProfileError::MissingColumn {
            file: input.file.to_string(),
            line: 1,
            format: "MindStudio AI Core Metrics",
            column: "task id",
            expected: header::expected(&["Task ID"]),
        })?;
    let mut ids = Vec::new();
    let mut record = csv::ByteRecord::new();
    while input.next(&mut record, sink) {
        let line = input.line(&record);
        match text::parse_u32(record.get(task).unwrap_or(b"")) {
            Ok(Some(id)) => ids.push(id),
            Ok(None) => sink.row(line, Some(header.name(task)), "no task id; row skipped"),
            Err(err) => sink.row(
                line,
                Some(header.name(task)),
                format!("expected a task id, found `{}`; row skipped", err.0),
            ),
        }
    }
    if ids.is_empty() {
        sink.file_note("no data rows in this AI Core Metrics file");
    }
    Ok(ids)
}
