//! `op_statistic_*.csv` / torch_npu `op_statistic.csv`: per op type and core type, count and
//! times (ascend.md 1.5). `Device_id` and `Model Name` may be absent; `Total Time` may have no
//! unit (older docs).

use super::header::{self, names as n};
use super::text;
use super::CsvInput;
use crate::profile::error::{IssueSink, ProfileError};
use crate::profile::model::{OpStatistic, Unit};

pub(crate) fn read(
    mut input: CsvInput,
    sink: &mut IssueSink,
) -> Result<Vec<OpStatistic>, ProfileError> {
    let header = &input.header;
    let op_type = header
        .find(n::OP_TYPE)
        .ok_or_else(|| ProfileError::MissingColumn {
            file: input.file.to_string(),
            line: 1,
            format: "op_statistic",
            column: "op type",
            expected: header::expected(&["OP Type"]),
        })?;
    let total = header
        .find(n::TOTAL_TIME)
        .ok_or_else(|| ProfileError::MissingColumn {
            file: input.file.to_string(),
            line: 1,
            format: "op_statistic",
            column: "total time",
            expected: header::expected(n::TOTAL_TIME_SHOWN),
        })?;
    let core = header.find(n::TASK_TYPE);
    let count = header.find(n::COUNT);
    let min = header.find(n::MIN_TIME);
    let avg = header.find(n::AVG_TIME);
    let max = header.find(n::MAX_TIME);
    let ratio = header.find(n::RATIO);
    let header = header.clone();
    let mut stats = Vec::new();
    let mut record = csv::ByteRecord::new();
    while input.next(&mut record, sink) {
        let line = input.line(&record);
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
        let Some(total_us) = number(Some(total), sink) else {
            sink.row(line, Some(header.name(total)), "no total time; row skipped");
            continue;
        };
        let name = String::from_utf8_lossy(text::trim_cell(record.get(op_type).unwrap_or(b"")))
            .into_owned();
        let core_type = core
            .map(|idx| {
                String::from_utf8_lossy(text::trim_cell(record.get(idx).unwrap_or(b"")))
                    .into_owned()
            })
            .unwrap_or_default();
        let count = number(count, sink)
            .filter(|c| *c >= 0.0)
            .map(|c| c.round() as u64)
            .unwrap_or(0);
        stats.push(OpStatistic {
            op: name.clone(),
            op_type: name,
            unit: Unit::from_task_type(&core_type),
            core_type,
            count,
            total_us: Some(total_us),
            min_us: number(min, sink),
            avg_us: number(avg, sink),
            max_us: number(max, sink),
            ratio_pct: number(ratio, sink),
            task_ids: Vec::new(),
            by_name: false,
        });
    }
    if stats.is_empty() {
        sink.file_note("no data rows in this op_statistic file");
    }
    Ok(stats)
}
