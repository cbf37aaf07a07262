//! msprof `op_summary_*.csv` and torch_npu `kernel_details.csv`, of every CANN generation in
//! ascend.md 1.3: with or without units in the names, `Block Num` or `Block Dim`, with or without
//! `Model Name` / `Infer ID` / `OP State` / `Device_id` / `Step Id`, `aic_` / `aiv_` prefixed
//! PMU columns or unprefixed ones (Ascend 310 and other non-STARS chips), `N/A` cells, start times
//! with a trailing TAB, quoted `;`-separated shapes.

use super::header::{self, names as n, Header};
use super::text::{self, NotANumber};
use super::{Batch, CsvInput};
use crate::profile::error::{IssueSink, ProfileError};
use crate::profile::model::{CoreSide, OpState, Pipe, Pmu, SourceKind, Strings, Sym, Task, Unit};

/// The time unit a column's name states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeUnit {
    Us,
    Ns,
    Ms,
    /// No unit in the name (CANN 5.x–6.0 headers).
    Unstated,
}

pub(crate) fn time_unit(norm: &str) -> TimeUnit {
    if norm.ends_with("(us)") {
        TimeUnit::Us
    } else if norm.ends_with("(ns)") {
        TimeUnit::Ns
    } else if norm.ends_with("(ms)") {
        TimeUnit::Ms
    } else {
        TimeUnit::Unstated
    }
}

fn scale(unit: TimeUnit) -> f64 {
    match unit {
        TimeUnit::Us | TimeUnit::Unstated => 1.0,
        TimeUnit::Ns => 1e-3,
        TimeUnit::Ms => 1e3,
    }
}

/// Column indexes of one file.
struct Columns {
    name: usize,
    duration: usize,
    duration_scale: f64,
    op_type: Option<usize>,
    task_type: Option<usize>,
    op_state: Option<usize>,
    start: Option<usize>,
    start_unit: TimeUnit,
    wait: Option<usize>,
    wait_scale: f64,
    block: Option<usize>,
    mix_block: Option<usize>,
    stream: Option<usize>,
    task_id: Option<usize>,
    shapes: [Option<usize>; 6],
    ratios: Vec<(usize, CoreSide, Pipe)>,
    cube_utilization: Option<usize>,
    memory_bound: Option<usize>,
    total_cycles: Option<usize>,
}

impl Columns {
    fn new(file: &str, header: &Header, kind: SourceKind) -> Result<Columns, ProfileError> {
        let format = kind.id();
        let name = header
            .find(n::OP_NAME)
            .ok_or_else(|| ProfileError::MissingColumn {
                file: file.to_string(),
                line: 1,
                format,
                column: "op name",
                expected: header::expected(n::OP_NAME_SHOWN),
            })?;
        let duration = header
            .find(n::DURATION)
            .ok_or_else(|| ProfileError::MissingColumn {
                file: file.to_string(),
                line: 1,
                format,
                column: "duration",
                expected: header::expected(n::DURATION_SHOWN),
            })?;
        let start = header.find(n::START);
        let wait = header.find(n::WAIT);
        let ratios = (0..header.len())
            .filter_map(|idx| {
                header::ratio_column(header.norm(idx)).map(|(side, pipe)| (idx, side, pipe))
            })
            .collect();
        Ok(Columns {
            name,
            duration,
            duration_scale: scale(time_unit(header.norm(duration))),
            op_type: header.find(n::OP_TYPE),
            task_type: header.find(n::TASK_TYPE),
            op_state: header.find(n::OP_STATE),
            start,
            start_unit: start
                .map(|idx| time_unit(header.norm(idx)))
                .unwrap_or(TimeUnit::Us),
            wait,
            wait_scale: wait
                .map(|idx| scale(time_unit(header.norm(idx))))
                .unwrap_or(1.0),
            block: header.find(n::BLOCK),
            mix_block: header.find(n::MIX_BLOCK),
            stream: header.find(n::STREAM_ID),
            task_id: header.find(n::TASK_ID),
            shapes: [
                header.find(n::INPUT_SHAPES),
                header.find(n::INPUT_DTYPES),
                header.find(n::INPUT_FORMATS),
                header.find(n::OUTPUT_SHAPES),
                header.find(n::OUTPUT_DTYPES),
                header.find(n::OUTPUT_FORMATS),
            ],
            ratios,
            cube_utilization: header.find(n::CUBE_UTILIZATION),
            memory_bound: header.find(n::MEMORY_BOUND),
            total_cycles: header.find(n::TOTAL_CYCLES),
        })
    }

    fn has_pmu(&self) -> bool {
        !self.ratios.is_empty()
            || self.cube_utilization.is_some()
            || self.memory_bound.is_some()
            || self.total_cycles.is_some()
    }
}

/// Cell readers for one row, reporting bad values as issues with line and column.
struct Row<'r, 's, 'f> {
    record: &'r csv::ByteRecord,
    header: &'r Header,
    line: u64,
    sink: &'s mut IssueSink<'f>,
    bad_utf8: &'s mut bool,
}

impl<'r> Row<'r, '_, '_> {
    fn cell(&self, idx: usize) -> &'r [u8] {
        self.record.get(idx).unwrap_or(b"")
    }

    fn bad_number(&mut self, idx: usize, err: NotANumber, what: &str) {
        let column = self.header.name(idx).to_string();
        self.sink.row(
            self.line,
            Some(&column),
            format!("expected {what}, found `{}`; read as N/A", err.0),
        );
    }

    fn f64(&mut self, idx: Option<usize>) -> Option<f64> {
        let idx = idx?;
        match text::parse_f64(self.cell(idx)) {
            Ok(value) => value,
            Err(err) => {
                self.bad_number(idx, err, "a number");
                None
            }
        }
    }

    fn u32(&mut self, idx: Option<usize>) -> Option<u32> {
        let idx = idx?;
        match text::parse_u32(self.cell(idx)) {
            Ok(value) => value,
            Err(err) => {
                self.bad_number(idx, err, "a whole number");
                None
            }
        }
    }

    /// Interned cell text; `N/A` and empty cells are [`Sym::EMPTY`] unless `keep_na`. A cell
    /// equal to the column's previous one reuses its handle without hashing (task types,
    /// dtypes and formats repeat row after row).
    fn sym(
        &mut self,
        strings: &mut Strings,
        cache: &mut SymCache,
        idx: Option<usize>,
        keep_na: bool,
    ) -> Sym {
        let Some(idx) = idx else {
            return Sym::EMPTY;
        };
        let cell = text::trim_cell(self.cell(idx));
        if !keep_na && text::is_missing(cell) {
            return Sym::EMPTY;
        }
        if cache.valid && cache.last == cell {
            return cache.sym;
        }
        let sym = intern_cell(strings, cell, self.line, self.sink, self.bad_utf8);
        cache.last.clear();
        cache.last.extend_from_slice(cell);
        cache.sym = sym;
        cache.valid = true;
        sym
    }
}

/// The previous cell of a text column and its handle.
#[derive(Default)]
struct SymCache {
    last: Vec<u8>,
    sym: Sym,
    valid: bool,
}

/// Interns a cell; bytes that are not UTF-8 (a Latin-1 export) are replaced, with one issue per
/// file naming the first line.
pub(crate) fn intern_cell(
    strings: &mut Strings,
    cell: &[u8],
    line: u64,
    sink: &mut IssueSink,
    warned: &mut bool,
) -> Sym {
    match std::str::from_utf8(cell) {
        Ok(text) => strings.intern(text),
        Err(_) => {
            if !*warned {
                *warned = true;
                sink.row(
                    line,
                    None,
                    "text is not UTF-8 (Latin-1 or another legacy encoding?); invalid bytes replaced by U+FFFD (later lines not reported)",
                );
            }
            strings.intern(&String::from_utf8_lossy(cell))
        }
    }
}

/// Rows read before the vectors are sized for the whole file from their average length.
const SIZING_ROWS: u64 = 4096;

pub(crate) fn read(
    mut input: CsvInput,
    kind: SourceKind,
    strings: &mut Strings,
    sink: &mut IssueSink,
) -> Result<Batch, ProfileError> {
    let cols = Columns::new(input.file, &input.header, kind)?;
    let mut batch = Batch::default();
    let mut record = csv::ByteRecord::new();
    let mut bad_utf8 = false;
    let header_len = input.header.len();
    let mut caches: [SymCache; 9] = Default::default();
    let mut last_unit = (Sym::EMPTY, Unit::from_task_type(""));
    let data_start = input.reader.position().byte();
    let mut rows_seen = 0u64;
    while input.next(&mut record, sink) {
        let line = input.line(&record);
        rows_seen += 1;
        if rows_seen == 1 || rows_seen == SIZING_ROWS {
            // Reserve for the whole file, so a large file's rows are not copied again and again
            // while the vectors grow (in wasm a doubling holds both copies at once, and what is
            // reserved is memory taken): a little from the first row, then, from the average
            // of the first rows, what the file needs plus 3%. Rows are taken as at least 100
            // bytes, so odd short rows cannot reserve far more than the file holds.
            let read = input.reader.position().byte().saturating_sub(data_start);
            let row_bytes = (read / rows_seen).max(100);
            let rows = input.len().saturating_sub(data_start) / row_bytes;
            let estimate = if rows_seen == 1 {
                rows.min(SIZING_ROWS)
            } else {
                rows + rows / 32
            };
            let estimate = usize::try_from(estimate).unwrap_or(usize::MAX);
            batch
                .tasks
                .reserve_exact(estimate.saturating_sub(batch.tasks.len()));
            if cols.has_pmu() {
                batch
                    .pmu
                    .reserve_exact(estimate.saturating_sub(batch.pmu.len()));
            }
        }
        if record.len() != header_len {
            let extra_filled = record
                .iter()
                .skip(header_len)
                .any(|c| !c.trim_ascii().is_empty());
            if record.len() < header_len || extra_filled {
                // A missing or extra cell in the middle shifts every later cell, so the row's
                // values cannot be tied to columns; keeping it would report wrong numbers.
                sink.row(
                    line,
                    None,
                    format!(
                        "row has {} fields, the header has {header_len}, so its cells cannot be matched to columns; row skipped",
                        record.len()
                    ),
                );
                continue;
            }
        }
        let duration = match text::parse_f64(record.get(cols.duration).unwrap_or(b"")) {
            Ok(Some(value)) if value >= 0.0 => value * cols.duration_scale,
            Ok(Some(value)) => {
                let column = input.header.name(cols.duration).to_string();
                sink.row(
                    line,
                    Some(&column),
                    format!("negative duration {value}; row skipped"),
                );
                continue;
            }
            Ok(None) => {
                let column = input.header.name(cols.duration).to_string();
                sink.row(
                    line,
                    Some(&column),
                    "no duration (`N/A` or empty); row skipped",
                );
                continue;
            }
            Err(err) => {
                let column = input.header.name(cols.duration).to_string();
                sink.row(
                    line,
                    Some(&column),
                    format!("expected a number, found `{}`; row skipped", err.0),
                );
                continue;
            }
        };
        let mut row = Row {
            record: &record,
            header: &input.header,
            line,
            sink,
            bad_utf8: &mut bad_utf8,
        };
        let [c_name, c_type, c_task, c_a, c_b, c_c, c_d, c_e, c_f] = &mut caches;
        let name = row.sym(strings, c_name, Some(cols.name), true);
        let op_type = row.sym(strings, c_type, cols.op_type, false);
        let task_type = row.sym(strings, c_task, cols.task_type, true);
        let unit = if task_type == last_unit.0 {
            last_unit.1
        } else {
            let unit = Unit::from_task_type(strings.get(task_type));
            last_unit = (task_type, unit);
            unit
        };
        let op_state = match cols.op_state.map(|idx| text::trim_cell(row.cell(idx))) {
            Some(cell) if cell.eq_ignore_ascii_case(b"static") => OpState::Static,
            Some(cell) if cell.eq_ignore_ascii_case(b"dynamic") => OpState::Dynamic,
            _ => OpState::Unknown,
        };
        let start_us = row.f64(cols.start);
        let wait_us = row.f64(cols.wait).map(|w| w * cols.wait_scale);
        let block_dim = row.u32(cols.block);
        let mix_block_dim = row.u32(cols.mix_block);
        let stream_id = row.u32(cols.stream);
        let task_id = row.u32(cols.task_id);
        let [a, b, c, d, e, f] = cols.shapes;
        let shapes = [
            row.sym(strings, c_a, a, false),
            row.sym(strings, c_b, b, false),
            row.sym(strings, c_c, c, false),
            row.sym(strings, c_d, d, false),
            row.sym(strings, c_e, e, false),
            row.sym(strings, c_f, f, false),
        ];
        let pmu = if cols.has_pmu() {
            read_pmu(&mut row, &cols).map(|pmu| {
                batch.pmu.push(pmu);
                (batch.pmu.len() - 1) as u32
            })
        } else {
            None
        };
        batch.tasks.push(Task {
            name,
            op_type,
            task_type,
            unit,
            op_state,
            start_us,
            duration_us: duration,
            wait_us,
            block_dim,
            mix_block_dim,
            stream_id,
            task_id,
            input_shapes: shapes[0],
            input_dtypes: shapes[1],
            input_formats: shapes[2],
            output_shapes: shapes[3],
            output_dtypes: shapes[4],
            output_formats: shapes[5],
            pmu,
            source: 0,
            line: u32::try_from(line).unwrap_or(u32::MAX),
        });
    }
    if batch.tasks.is_empty() {
        sink.file_note(format!("no data rows in this {} file", kind.id()));
    }
    let start_unit = match cols.start_unit {
        TimeUnit::Unstated => guess_start_unit(&batch.tasks),
        unit => unit,
    };
    if cols.start_unit == TimeUnit::Unstated && start_unit == TimeUnit::Ns {
        let column = cols.start.map(|idx| input.header.name(idx)).unwrap_or("?");
        sink.file_note(format!(
            "column `{column}` has no unit and its values look like nanoseconds (CANN 6.0.1 wrote ns there); read as ns"
        ));
    }
    let factor = scale(start_unit);
    if factor != 1.0 {
        for task in &mut batch.tasks {
            task.start_us = task.start_us.map(|s| s * factor);
        }
    }
    Ok(batch)
}

fn read_pmu(row: &mut Row, cols: &Columns) -> Option<Pmu> {
    let mut pmu = Pmu::default();
    let mut any = false;
    for &(idx, side, pipe) in &cols.ratios {
        if let Some(value) = row.f64(Some(idx)) {
            pmu.set_ratio(side, pipe, value);
            any = true;
        }
    }
    if let Some(value) = row.f64(cols.cube_utilization) {
        pmu.set_cube_utilization_pct(value);
        any = true;
    }
    if let Some(value) = row.f64(cols.memory_bound) {
        pmu.set_memory_bound(value);
        any = true;
    }
    if let Some(value) = row.f64(cols.total_cycles) {
        pmu.set_total_cycles(value);
        any = true;
    }
    any.then_some(pmu)
}

/// Unit of a `Task Start Time` column without a unit in its name. ascend.md 1.3: CANN 6.0.1
/// documents ns there, 6.0.RC1 us. Heuristic, in order:
/// 1. a value ≥ 1e17 is ns (a Unix-epoch time in us is about 1.7e15; in ns about 1.7e18);
/// 2. with at least two rows, when the starts span more than 300× the sum of the durations, the
///    starts are ns (in us the span of a run is within a small factor of its busy time; read as
///    ns it is about 1000× too long);
/// 3. otherwise us.
pub(crate) fn guess_start_unit(tasks: &[Task]) -> TimeUnit {
    let starts = || tasks.iter().filter_map(|t| t.start_us);
    let Some(max) = starts().reduce(f64::max) else {
        return TimeUnit::Us;
    };
    if max >= 1e17 {
        return TimeUnit::Ns;
    }
    let min = starts().reduce(f64::min).unwrap_or(max);
    let busy: f64 = tasks.iter().map(|t| t.duration_us).sum();
    if tasks.len() >= 2 && busy > 0.0 && (max - min) > 300.0 * busy {
        TimeUnit::Ns
    } else {
        TimeUnit::Us
    }
}
