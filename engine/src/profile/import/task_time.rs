//! `task_time_*.csv` (CANN 8.0+): `Device_id, kernel_name, kernel_type, stream_id, task_id,
//! task_time(us), task_start(us), task_stop(us)` (ascend.md 1.6). A `kernel_name` of `N/A` marks a
//! non-compute task (synchronisation, bookkeeping); those rows are skipped and counted. The older
//! `task_time_*.json` is a Chrome trace and goes through the timeline importer.

use super::header::{self, names as n};
use super::op_summary::{intern_cell, time_unit, TimeUnit};
use super::text;
use super::{Batch, CsvInput};
use crate::profile::error::{IssueSink, ProfileError};
use crate::profile::join::op_type_from_name;
use crate::profile::model::{OpState, Strings, Sym, Task, Unit};

pub(crate) fn read_csv(
    mut input: CsvInput,
    strings: &mut Strings,
    sink: &mut IssueSink,
) -> Result<Batch, ProfileError> {
    let header = input.header.clone();
    let name = header
        .find(n::KERNEL_NAME)
        .ok_or_else(|| ProfileError::MissingColumn {
            file: input.file.to_string(),
            line: 1,
            format: "task_time",
            column: "kernel name",
            expected: header::expected(&["kernel_name"]),
        })?;
    let time = header
        .find(n::TASK_TIME)
        .ok_or_else(|| ProfileError::MissingColumn {
            file: input.file.to_string(),
            line: 1,
            format: "task_time",
            column: "task time",
            expected: header::expected(n::TASK_TIME_SHOWN),
        })?;
    let time_scale = if time_unit(header.norm(time)) == TimeUnit::Ns {
        1e-3
    } else {
        1.0
    };
    let kind = header.find(n::KERNEL_TYPE);
    let start = header.find(n::TASK_START);
    let stream = header.find(n::STREAM_ID);
    let task_id = header.find(n::TASK_ID);
    let mut batch = Batch::default();
    let mut record = csv::ByteRecord::new();
    let mut bad_utf8 = false;
    let mut non_compute = 0usize;
    while input.next(&mut record, sink) {
        let line = input.line(&record);
        let name_cell = text::trim_cell(record.get(name).unwrap_or(b""));
        if text::is_missing(name_cell) {
            non_compute += 1;
            continue;
        }
        let duration = match text::parse_f64(record.get(time).unwrap_or(b"")) {
            Ok(Some(value)) if value >= 0.0 => value * time_scale,
            Ok(_) => {
                sink.row(
                    line,
                    Some(header.name(time)),
                    "no task time (or a negative one); row skipped",
                );
                continue;
            }
            Err(err) => {
                sink.row(
                    line,
                    Some(header.name(time)),
                    format!("expected a number, found `{}`; row skipped", err.0),
                );
                continue;
            }
        };
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
        let start_us = number(start, sink);
        let id = |value: Option<f64>| {
            value
                .filter(|v| *v >= 0.0 && *v <= f64::from(u32::MAX))
                .map(|v| v as u32)
        };
        let stream_id = id(number(stream, sink));
        let task = id(number(task_id, sink));
        let name_sym = intern_cell(strings, name_cell, line, sink, &mut bad_utf8);
        let kind_sym = match kind {
            Some(idx) => intern_cell(
                strings,
                text::trim_cell(record.get(idx).unwrap_or(b"")),
                line,
                sink,
                &mut bad_utf8,
            ),
            None => Sym::EMPTY,
        };
        batch.tasks.push(Task {
            name: name_sym,
            op_type: op_type_from_name(strings.get(name_sym))
                .map(str::to_string)
                .map(|t| strings.intern(&t))
                .unwrap_or(Sym::EMPTY),
            task_type: kind_sym,
            unit: Unit::from_task_type(strings.get(kind_sym)),
            op_state: OpState::Unknown,
            start_us,
            duration_us: duration,
            wait_us: None,
            block_dim: None,
            mix_block_dim: None,
            stream_id,
            task_id: task,
            input_shapes: Sym::EMPTY,
            input_dtypes: Sym::EMPTY,
            input_formats: Sym::EMPTY,
            output_shapes: Sym::EMPTY,
            output_dtypes: Sym::EMPTY,
            output_formats: Sym::EMPTY,
            pmu: None,
            source: 0,
            line: u32::try_from(line).unwrap_or(u32::MAX),
        });
    }
    if non_compute > 0 {
        sink.file_note(format!(
            "{non_compute} non-compute tasks (kernel_name `N/A`) skipped"
        ));
    }
    if batch.tasks.is_empty() {
        sink.file_note("no compute tasks in this task_time file");
    }
    Ok(batch)
}
