//! Profiling importers: each file is recognised by its content (CSV header or JSON keys), read
//! into a per-file batch, and the batches are combined into one [`Profile`] by source priority.
//!
//! Invariants:
//! - Columns are found by name ([`header`]), never by position.
//! - A bad row or value is an issue with its line number; the good rows are kept. Only a file
//!   that cannot be read at all is a [`ProfileError`].
//! - No panic on any input, and no copy of the file's text except when converting UTF-16.

mod csv_input;
mod fusion_op;
mod header;
mod info_json;
mod mindstudio;
mod mindstudio_json;
mod op_statistic;
mod op_summary;
mod task_time;
pub(crate) mod text;
mod timeline;

use std::collections::HashSet;

use std::io::Read;

use crate::formats::InputFile;
use crate::ir::fx_hash::FxBuild;
use crate::limits::{LimitId, Limits, OverLimit};
use crate::profile::error::{IssueSink, ProfileError, ProfileIssue};
use crate::profile::model::{OpStatistic, Pmu, Profile, Source, SourceKind, Task, Unit};
use crate::profile::StreamedFile;

use csv_input::TrackedText;
use header::Header;

pub(crate) use csv_input::CsvInput;

/// The per-task rows read from one file, before the sources are combined.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub tasks: Vec<Task>,
    pub pmu: Vec<Pmu>,
}

/// State shared while the files of one run are read.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    pub profile: Profile,
    batches: Vec<(usize, Batch)>,
    pub issues: Vec<ProfileIssue>,
    pub errors: Vec<ProfileError>,
    /// MindStudio Op Statistic rows, whose unit is decided once every file is read.
    mindstudio_ops: Vec<OpStatistic>,
    /// Task ids listed in MindStudio AI Core Metrics tables (`None` until one is read).
    mindstudio_ai_core_tasks: Option<HashSet<u32>>,
    /// The MindStudio 2.x JSON tables, combined once every file is read.
    ms: mindstudio_json::Collected,
}

impl Builder {
    pub fn add_file(&mut self, file: &InputFile) {
        let mut sink = IssueSink::new(&file.name);
        let result = read_file(file, self, &mut sink);
        let issues = sink.finish();
        self.issues.extend(issues);
        if let Err(err) = result {
            self.errors.push(err);
        }
    }

    /// Reads a file by pieces: a CSV table is streamed, never held whole; anything else (JSON,
    /// UTF-16 text, not text at all) is read whole first and then as [`Builder::add_file`]
    /// reads it, so the outcome is the same as for the file in memory.
    pub fn add_stream(&mut self, file: StreamedFile) {
        let StreamedFile {
            name,
            limits,
            size,
            reader,
        } = file;
        let mut head = Vec::new();
        if let Err(err) = (&mut *reader)
            .take(crate::profile::STREAM_HEAD_BYTES as u64)
            .read_to_end(&mut head)
        {
            self.errors.push(ProfileError::Read {
                file: name,
                detail: err.to_string(),
            });
            return;
        }
        let Some(skip) = streamable_csv(&head) else {
            if let Err(err) = reader.read_to_end(&mut head) {
                self.errors.push(ProfileError::Read {
                    file: name,
                    detail: err.to_string(),
                });
                return;
            }
            self.add_file(&InputFile::new(name, head).with_limits(limits));
            return;
        };
        let mut sink = IssueSink::new(&name);
        let mut text = std::io::Cursor::new(&head[skip..]).chain(reader);
        let tracked = TrackedText::stream(&mut text, size.saturating_sub(skip as u64));
        let result = read_csv(&name, &limits, tracked, self, &mut sink);
        self.issues.extend(sink.finish());
        if let Err(err) = result {
            self.errors.push(err);
        }
    }

    fn add_source(&mut self, file: &str, kind: SourceKind, rows: usize, note: String) -> usize {
        self.profile.sources.push(Source {
            file: file.to_string(),
            kind,
            rows,
            used: true,
            note,
        });
        self.profile.sources.len() - 1
    }

    /// Combines the batches: the richest task source present supplies the rows, the same task
    /// seen in two files of that rank counts once, and the other sources are marked unused.
    pub fn finish(mut self) -> (Profile, Vec<ProfileIssue>, Vec<ProfileError>) {
        let best = self
            .batches
            .iter()
            .map(|(source, _)| self.profile.sources[*source].kind.task_rank())
            .max()
            .unwrap_or(0);
        let best_kind = self
            .batches
            .iter()
            .map(|(source, _)| self.profile.sources[*source].kind)
            .find(|kind| kind.task_rank() == best);
        let adopted_count = self
            .batches
            .iter()
            .filter(|(source, _)| self.profile.sources[*source].kind.task_rank() == best)
            .count();
        let mut seen: HashSet<(u32, u32, u64, u32), FxBuild> = HashSet::default();
        for (source_idx, batch) in std::mem::take(&mut self.batches) {
            let kind = self.profile.sources[source_idx].kind;
            if kind.task_rank() < best {
                let source = &mut self.profile.sources[source_idx];
                source.used = false;
                source.note = format!(
                    "not counted: the {} rows are richer and hold the same tasks",
                    best_kind.map(SourceKind::id).unwrap_or("other")
                );
                continue;
            }
            if adopted_count == 1 && self.profile.tasks.is_empty() && self.profile.pmu.is_empty() {
                // The common case, one file: move the rows, no copy.
                self.profile.tasks = batch.tasks;
                self.profile.pmu = batch.pmu;
                continue;
            }
            let pmu_offset = self.profile.pmu.len();
            self.profile.pmu.extend(batch.pmu);
            let mut dropped = 0usize;
            for mut task in batch.tasks {
                if adopted_count > 1 {
                    if let (Some(stream), Some(task_id), Some(start)) =
                        (task.stream_id, task.task_id, task.start_us)
                    {
                        // The same device task seen in two files (an op_summary and a
                        // kernel_details of one run, or a file given twice) counts once.
                        if !seen.insert((
                            stream,
                            task_id,
                            start.to_bits(),
                            task.name.index() as u32,
                        )) {
                            dropped += 1;
                            continue;
                        }
                    }
                }
                task.pmu = task
                    .pmu
                    .and_then(|idx| u32::try_from(idx as usize + pmu_offset).ok());
                self.profile.tasks.push(task);
            }
            if dropped > 0 {
                let source = &mut self.profile.sources[source_idx];
                self.issues.push(ProfileIssue::file(
                    &source.file,
                    format!("{dropped} rows describe tasks already read from another file (same stream, task id, start and name); counted once"),
                ));
                source.note = format!("{dropped} duplicate rows not counted again");
            }
        }
        mindstudio_json::resolve(&mut self);
        self.resolve_mindstudio_units();
        (self.profile, self.issues, self.errors)
    }

    /// The tuning guide's rule: an op whose Task IDs appear in AI Core Metrics ran on the AI
    /// Core, otherwise on the AI CPU.
    fn resolve_mindstudio_units(&mut self) {
        let ops = std::mem::take(&mut self.mindstudio_ops);
        if ops.is_empty() {
            return;
        }
        if self.mindstudio_ai_core_tasks.is_none() {
            let file = self
                .profile
                .sources
                .iter()
                .find(|s| s.kind == SourceKind::MindStudioOpStatistic)
                .map(|s| s.file.clone())
                .unwrap_or_default();
            self.issues.push(ProfileIssue::file(
                &file,
                "no AI Core Metrics table was given, so the unit of each op is unknown (give the summary's AI Core Metrics CSV too)",
            ));
        }
        for mut op in ops {
            if let Some(ai_core) = &self.mindstudio_ai_core_tasks {
                let on_core = op.task_ids.iter().any(|id| ai_core.contains(id));
                op.unit = if on_core { Unit::AiCore } else { Unit::AiCpu };
                op.core_type = if on_core {
                    "AI_CORE (task ids in AI Core Metrics)".to_string()
                } else {
                    "AI_CPU (task ids not in AI Core Metrics)".to_string()
                };
            }
            self.profile.op_statistics.push(op);
        }
    }
}

/// Reads one file into the builder.
fn read_file(file: &InputFile, b: &mut Builder, sink: &mut IssueSink) -> Result<(), ProfileError> {
    if file.data.is_empty() {
        return Err(ProfileError::Empty {
            file: file.name.clone(),
        });
    }
    let text = text::decode(&file.name, &file.data, sink)?;
    let first = text.iter().position(|c| !c.is_ascii_whitespace());
    let Some(first) = first else {
        return Err(ProfileError::Empty {
            file: file.name.clone(),
        });
    };
    if text::looks_binary(&text) {
        return Err(ProfileError::UnknownFormat {
            file: file.name.clone(),
            detail: format!(
                "binary data, not an Ascend profiling CSV or JSON file (it starts with the bytes {})",
                hex_head(&file.data)
            ),
        });
    }
    match text[first] {
        b'[' | b'{' => read_json(file, &text, b, sink),
        _ => read_csv(&file.name, &file.limits, TrackedText::whole(&text), b, sink),
    }
}

/// Whether a file starting with `head` is a profiling CSV table that [`Builder::add_stream`]
/// streams (UTF-8 text, not JSON, whose first row is the header of a table opscope reads); a
/// caller with a large file reads its start and asks, instead of reading it whole.
pub(crate) fn is_streamed_table(file_name: &str, head: &[u8]) -> bool {
    let Some(skip) = streamable_csv(head) else {
        return false;
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&head[skip..]);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        // A header cut by the end of the head is no header.
        Ok(true) if reader.position().byte() < (head.len() - skip) as u64 => {
            classify_csv(&Header::new(record.iter()), file_name).is_some()
        }
        _ => false,
    }
}

/// `Some(bytes of BOM to skip)` when a file starting with `head` can be streamed as a CSV table:
/// UTF-8 text (with or without a BOM) that is not JSON and does not look binary. UTF-16 and
/// UTF-32 are converted whole by [`text::decode`], JSON is parsed whole.
fn streamable_csv(head: &[u8]) -> Option<usize> {
    let skip = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let body = &head[skip..];
    let first = body.iter().position(|c| !c.is_ascii_whitespace())?;
    let utf16_or_32 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    let text = !utf16_or_32 && !text::looks_binary(body) && !body.starts_with(&[0, 0]);
    let decoded_as_is = matches!(
        text::decode("", body, &mut IssueSink::new("")),
        Ok(std::borrow::Cow::Borrowed(_))
    );
    (text && decoded_as_is && !matches!(body[first], b'[' | b'{')).then_some(skip)
}

fn hex_head(data: &[u8]) -> String {
    data.iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads one CSV table, whole or streamed (`text`), into the builder.
fn read_csv<'a>(
    file_name: &'a str,
    limits: &Limits,
    text: TrackedText<'a>,
    b: &mut Builder,
    sink: &mut IssueSink,
) -> Result<(), ProfileError> {
    let mut reader = csv::ReaderBuilder::new()
        .buffer_capacity(64 * 1024)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut record = csv::ByteRecord::new();
    let header = match reader.read_byte_record(&mut record) {
        Ok(true) => Header::new(record.iter()),
        Ok(false) => {
            return Err(ProfileError::Empty {
                file: file_name.to_string(),
            })
        }
        Err(err) => {
            return Err(ProfileError::Csv {
                file: file_name.to_string(),
                format: "profiling",
                line: 1,
                detail: err.to_string(),
            })
        }
    };
    let columns = record.len() as u64;
    if columns > limits.get(LimitId::CsvColumns) {
        return Err(ProfileError::Csv {
            file: file_name.to_string(),
            format: "profiling",
            line: 1,
            detail: OverLimit {
                id: LimitId::CsvColumns,
                found: columns,
                limit: limits.get(LimitId::CsvColumns),
            }
            .to_string(),
        });
    }
    let Some(kind) = classify_csv(&header, file_name) else {
        return Err(ProfileError::UnknownFormat {
            file: file_name.to_string(),
            detail: format!(
                "a CSV whose header ({}) matches no Ascend profiling table: op_summary and kernel_details need `Op Name`/`Name` and `Task Duration(us)`/`Duration(us)`; op_statistic needs `OP Type`, `Count` and `Total Time(us)`",
                header.describe()
            ),
        });
    };
    let input = CsvInput::new(file_name, reader, header, limits.get(LimitId::CsvRows));
    match kind {
        SourceKind::OpSummary | SourceKind::KernelDetails => {
            let batch = op_summary::read(input, kind, &mut b.profile.strings, sink)?;
            let rows = batch.tasks.len();
            let source = b.add_source(file_name, kind, rows, String::new());
            b.batches.push((source, stamp(batch, source)));
        }
        SourceKind::TaskTimeCsv => {
            let batch = task_time::read_csv(input, &mut b.profile.strings, sink)?;
            let source = b.add_source(file_name, kind, batch.tasks.len(), String::new());
            b.batches.push((source, stamp(batch, source)));
        }
        SourceKind::OpStatistic => {
            let stats = op_statistic::read(input, sink)?;
            b.add_source(
                file_name,
                kind,
                stats.len(),
                "per op type; hotspots use it only when no per-task file is given".to_string(),
            );
            b.profile.op_statistics.extend(stats);
        }
        SourceKind::FusionOp => {
            let fusions = fusion_op::read(input, sink)?;
            b.add_source(file_name, kind, fusions.len(), String::new());
            b.profile.fusions.extend(fusions);
        }
        SourceKind::MindStudioOpStatistic => {
            let ops = mindstudio::read_op_statistic(input, sink)?;
            b.add_source(file_name, kind, ops.len(), String::new());
            b.mindstudio_ops.extend(ops);
        }
        SourceKind::MindStudioAiCoreMetrics => {
            let ids = mindstudio::read_ai_core_metrics(input, sink)?;
            b.add_source(file_name, kind, ids.len(), String::new());
            b.mindstudio_ai_core_tasks
                .get_or_insert_with(HashSet::new)
                .extend(ids);
        }
        SourceKind::L2Cache => {
            let source = b.add_source(file_name, kind, 0, "recognised; not used".to_string());
            b.profile.sources[source].used = false;
            sink.file_note("an l2_cache table: recognised, not used by opscope");
        }
        SourceKind::Timeline
        | SourceKind::TaskTimeJson
        | SourceKind::Info
        | SourceKind::ProfilerInfo
        | SourceKind::Estimate
        | SourceKind::MindStudioTimelineTs
        | SourceKind::MindStudioSummaryTs
        | SourceKind::MindStudioOpTimeStatistic
        | SourceKind::MindStudioAiCoreSample
        | SourceKind::MindStudioDevices
        | SourceKind::MindStudioMetadata => {}
    }
    Ok(())
}

/// Sets the source index of every task of a batch.
fn stamp(mut batch: Batch, source: usize) -> Batch {
    let source = u16::try_from(source).unwrap_or(u16::MAX);
    for task in &mut batch.tasks {
        task.source = source;
    }
    batch
}

/// Which table a CSV header belongs to.
fn classify_csv(header: &Header, file_name: &str) -> Option<SourceKind> {
    use header::names as n;
    if header.has(n::FUSION_OP) && header.has(n::ORIGINAL_OPS) {
        return Some(SourceKind::FusionOp);
    }
    if header.has(n::TASK_IDS) {
        return Some(SourceKind::MindStudioOpStatistic);
    }
    if header.has(n::KERNEL_NAME) && header.has(n::TASK_TIME) {
        return Some(SourceKind::TaskTimeCsv);
    }
    if header.has(n::HIT_RATE) && header.has(n::VICTIM_RATE) {
        return Some(SourceKind::L2Cache);
    }
    let has_duration = header.has(n::DURATION);
    if header.has(n::OP_TYPE) && header.has(n::COUNT) && header.has(n::TOTAL_TIME) && !has_duration
    {
        return Some(SourceKind::OpStatistic);
    }
    if let Some(name_idx) = header.find(n::OP_NAME) {
        let summary_like = has_duration
            || header.has(n::OP_TYPE)
            || header.has(n::TASK_TYPE)
            || header.has(n::START);
        if summary_like {
            let torch_names = header.norm(name_idx) == "name" || header.has(&["acceleratorcore"]);
            let lower = file_name.to_ascii_lowercase();
            return Some(if torch_names || lower.contains("kernel_details") {
                SourceKind::KernelDetails
            } else {
                SourceKind::OpSummary
            });
        }
    }
    let metrics = (0..header.len()).any(|idx| header::is_metric_column(header.norm(idx)));
    if header.has(n::TASK_ID) && metrics && !has_duration {
        return Some(SourceKind::MindStudioAiCoreMetrics);
    }
    None
}

/// Up to this much of a JSON object is searched for `"traceEvents"` before parsing it whole.
const JSON_SNIFF_BYTES: usize = 64 * 1024;

fn read_json(
    file: &InputFile,
    text: &[u8],
    b: &mut Builder,
    sink: &mut IssueSink,
) -> Result<(), ProfileError> {
    let first = text
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(0);
    let head = &text[..text.len().min(JSON_SNIFF_BYTES)];
    let is_trace = text.get(first) == Some(&b'[') || contains(head, b"\"traceEvents\"");
    if is_trace {
        let kind = if file.name.to_ascii_lowercase().contains("task_time") {
            SourceKind::TaskTimeJson
        } else {
            SourceKind::Timeline
        };
        let (batch, events) = timeline::read(&file.name, text, &mut b.profile.strings, sink)?;
        let source = b.add_source(
            &file.name,
            kind,
            batch.tasks.len(),
            format!("{events} events read; device tasks from the `Ascend Hardware` process"),
        );
        b.batches.push((source, stamp(batch, source)));
        return Ok(());
    }
    if let Some(table) = mindstudio_json::read(&file.name, text, &mut b.profile.strings, sink)? {
        mindstudio_json::add(b, &file.name, table);
        return Ok(());
    }
    let value: serde_json::Value =
        serde_json::from_slice(text).map_err(|err| ProfileError::Json {
            file: file.name.clone(),
            format: "profiling",
            line: err.line() as u64,
            column: err.column() as u64,
            detail: err.to_string(),
        })?;
    match info_json::classify(&value) {
        Some(SourceKind::Info) => {
            if b.profile.device.file.is_some() {
                sink.file_note("a second info.json: the first one given is used");
                let source =
                    b.add_source(&file.name, SourceKind::Info, 0, "ignored: second info.json".into());
                b.profile.sources[source].used = false;
                return Ok(());
            }
            let device = info_json::read(&file.name, &value, sink);
            b.profile.device = device;
            b.add_source(&file.name, SourceKind::Info, 1, String::new());
            Ok(())
        }
        Some(SourceKind::ProfilerInfo) => {
            sink.file_note("a torch_npu profiler_info file (collection settings): recognised, nothing to import");
            let source = b.add_source(
                &file.name,
                SourceKind::ProfilerInfo,
                0,
                "recognised; not used".into(),
            );
            b.profile.sources[source].used = false;
            Ok(())
        }
        _ => Err(ProfileError::UnknownFormat {
            file: file.name.clone(),
            detail: format!(
                "a JSON object with keys {} is not an Ascend profiling file (expected a trace event array (msprof_*.json, trace_view.json, task_time_*.json), an info.json with `platform_version` and `DeviceInfo`, or a MindStudio export `{{\"status\", \"info\", \"data\"}}`)",
                info_json::describe_keys(&value)
            ),
        }),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
