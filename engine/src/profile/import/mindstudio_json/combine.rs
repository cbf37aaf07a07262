//! Combining the MindStudio tables once every file is read and the task rows are chosen.
//!
//! - The timeline's runs are named, and carry the PMU ratios of the AI Core metrics, by stream
//!   and task id (a table without stream ids matches the task id on any stream).
//! - The tuning guide's rule: a task listed in the AI Core metrics ran on the AI Core; it decides
//!   the unit of rows whose own type names none, and a run the timeline lists as an AI CPU task
//!   but the metrics list is reported.
//! - Per-op statistics come from one table, the richest present (summary_ts, then
//!   op_time_statistic, then the AI Core metrics), so no task is counted twice.

use std::collections::{HashMap, HashSet};

use super::super::Builder;
use super::{append_note, task_label, AicTable, Clock, Collected, Key, OpTimeRow, TsRow};
use crate::profile::error::ProfileIssue;
use crate::profile::join::op_type_from_name;
use crate::profile::model::{OpStatistic, Profile, SourceKind, Sym, Task, Unit};

/// Values by task, looked up by stream and task id; an entry without a stream id matches the
/// task id on any stream.
struct ByTask<T>(HashMap<Key, T>);

impl<T> Default for ByTask<T> {
    fn default() -> ByTask<T> {
        ByTask(HashMap::new())
    }
}

impl<T> ByTask<T> {
    fn get(&self, key: Key) -> Option<&T> {
        self.0.get(&key).or_else(|| self.0.get(&(None, key.1)))
    }
}

/// What the timeline and the AI Core metrics say about each task.
#[derive(Default)]
struct Tasks {
    /// Op names: the timeline's, then the AI Core metrics'.
    names: ByTask<Sym>,
    /// Runs per task in the timeline.
    runs: HashMap<Key, u64>,
    /// Tasks listed in the AI Core metrics.
    ai_core: ByTask<()>,
    /// Op names listed in the AI Core metrics.
    ai_core_names: HashSet<String>,
}

impl Tasks {
    fn name(&self, profile: &Profile, key: Key) -> Option<String> {
        self.names
            .get(key)
            .map(|sym| profile.strings.get(*sym).to_string())
    }
}

/// Whether each source is a used MindStudio timeline.
fn timeline_sources(profile: &Profile) -> Vec<bool> {
    profile
        .sources
        .iter()
        .map(|s| s.kind == SourceKind::MindStudioTimelineTs && s.used)
        .collect()
}

fn is_timeline(sources: &[bool], task: &Task) -> bool {
    sources.get(usize::from(task.source)).copied() == Some(true)
}

pub(crate) fn resolve(b: &mut Builder) {
    let ms = std::mem::take(&mut b.ms);
    let profile = &mut b.profile;
    let issues = &mut b.issues;
    let timeline = timeline_sources(profile);
    if ms.is_empty() && !timeline.contains(&true) {
        return;
    }
    let tasks = index_tasks(profile, &timeline, &ms, issues);
    name_timeline_runs(profile, &timeline, &tasks);
    for (source, table) in &ms.aicore {
        join_ai_core_metrics(profile, &timeline, &tasks, *source, table, issues);
    }
    let stats_from = if ms.summary_ts.iter().any(|(_, rows)| !rows.is_empty()) {
        SourceKind::MindStudioSummaryTs
    } else if ms.op_time.iter().any(|(_, rows)| !rows.is_empty()) {
        SourceKind::MindStudioOpTimeStatistic
    } else {
        SourceKind::MindStudioAiCoreMetrics
    };
    let mut stats = Vec::new();
    for (source, rows) in &ms.summary_ts {
        stats.extend(summary_ts_statistics(
            profile, &tasks, *source, rows, issues,
        ));
    }
    let clock = ms.aicore.iter().find_map(|(source, table)| {
        table
            .clock()
            .map(|clock| (profile.sources[*source].file.clone(), clock))
    });
    for (source, rows) in &ms.op_time {
        if stats_from == SourceKind::MindStudioOpTimeStatistic {
            stats.extend(op_time_statistics(
                profile,
                &tasks,
                *source,
                rows,
                clock.as_ref(),
                issues,
            ));
        } else {
            append_note(
                &mut profile.sources[*source].note,
                "not counted: summary_ts holds the same ops per task, in ns",
            );
        }
    }
    if stats_from == SourceKind::MindStudioAiCoreMetrics {
        for (source, table) in &ms.aicore {
            stats.extend(ai_core_statistics(profile, &tasks, *source, table));
        }
    }
    profile.op_statistics.extend(stats);
}

/// Names and runs by task from the timeline, then names and the AI Core set from the metrics.
fn index_tasks(
    profile: &mut Profile,
    timeline: &[bool],
    ms: &Collected,
    issues: &mut Vec<ProfileIssue>,
) -> Tasks {
    let mut tasks = Tasks::default();
    let mut clashes: HashSet<Key> = HashSet::new();
    for task in profile.tasks.iter().filter(|t| is_timeline(timeline, t)) {
        let Some(id) = task.task_id else { continue };
        let key = (task.stream_id, id);
        *tasks.runs.entry(key).or_default() += 1;
        if !task.name.is_empty() {
            let first = *tasks.names.0.entry(key).or_insert(task.name);
            if first != task.name {
                clashes.insert(key);
            }
        }
    }
    if !clashes.is_empty() {
        if let Some(i) = timeline.iter().position(|used| *used) {
            issues.push(ProfileIssue::file(
                &profile.sources[i].file,
                format!(
                    "{} tasks (stream and task id) run under more than one op name; per-task tables are named after the first",
                    clashes.len()
                ),
            ));
        }
    }
    for (_, table) in &ms.aicore {
        for row in &table.rows {
            let key = (row.stream, row.task);
            tasks.ai_core.0.insert(key, ());
            if !row.op.is_empty() && row.op != "N/A" {
                tasks.ai_core_names.insert(row.op.clone());
                if tasks.names.get(key).is_none() {
                    let sym = profile.strings.intern(&row.op);
                    tasks.names.0.insert(key, sym);
                }
            }
        }
    }
    tasks
}

/// Timeline runs without an op name take the AI Core metrics' name, else `stream S task T`.
fn name_timeline_runs(profile: &mut Profile, timeline: &[bool], tasks: &Tasks) {
    let mut labelled = 0usize;
    for task in profile.tasks.iter_mut() {
        if !is_timeline(timeline, task) || !task.name.is_empty() {
            continue;
        }
        let Some(id) = task.task_id else { continue };
        task.name = match tasks.names.get((task.stream_id, id)) {
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
        if let Some(i) = timeline.iter().position(|used| *used) {
            append_note(
                &mut profile.sources[i].note,
                &format!("{labelled} runs without an op name are named `stream S task T`"),
            );
        }
    }
}

/// The PMU ratios of one AI Core metrics table on the timeline's runs of its tasks, and its note.
fn join_ai_core_metrics(
    profile: &mut Profile,
    timeline: &[bool],
    tasks: &Tasks,
    source: usize,
    table: &AicTable,
    issues: &mut Vec<ProfileIssue>,
) {
    let mut pmu_of: ByTask<u32> = ByTask::default();
    if !tasks.runs.is_empty() {
        for row in &table.rows {
            let key = (row.stream, row.task);
            if pmu_of.0.contains_key(&key) {
                continue;
            }
            if let Ok(idx) = u32::try_from(profile.pmu.len()) {
                profile.pmu.push(row.pmu.clone());
                pmu_of.0.insert(key, idx);
            }
        }
    }
    let mut joined = 0usize;
    let mut joined_tasks: HashSet<Key> = HashSet::new();
    let mut on_cpu = 0usize;
    for task in profile.tasks.iter_mut() {
        if !is_timeline(timeline, task) {
            continue;
        }
        let Some(id) = task.task_id else { continue };
        let key = (task.stream_id, id);
        let Some(&idx) = pmu_of.get(key) else {
            continue;
        };
        if task.pmu.is_none() {
            task.pmu = Some(idx);
            joined += 1;
            joined_tasks.insert(key);
        }
        if task.unit == Unit::AiCpu {
            on_cpu += 1;
        }
    }
    let file = profile.sources[source].file.clone();
    let note = &mut profile.sources[source].note;
    append_note(
        note,
        &format!(
            "{} tasks; marks them as AI Core tasks (the tuning guide's Task ID rule)",
            table.rows.len()
        ),
    );
    if !tasks.runs.is_empty() {
        append_note(
            note,
            &format!(
                "PMU ratios joined by stream and task id to {joined} timeline runs of {} tasks",
                joined_tasks.len()
            ),
        );
    }
    match table.clock() {
        Some(clock) => append_note(note, &clock_note(&clock)),
        None => append_note(note, "no total_cycles / total_time pair: no clock implied"),
    }
    if on_cpu > 0 {
        issues.push(ProfileIssue::file(
            &file,
            format!("{on_cpu} timeline runs listed as AI CPU tasks have AI Core metrics here; their unit is left as the timeline says"),
        ));
    }
}

fn clock_note(clock: &Clock) -> String {
    let spread = match clock.spread {
        Some((lo, hi)) if hi > lo * 1.05 => format!(", {lo:.0}–{hi:.0} over the task rows"),
        _ => String::new(),
    };
    format!(
        "implies {:.1} cycles per µs (total_cycles / total_time of its {}{spread})",
        clock.per_us,
        if clock.from_total {
            "`total` row"
        } else {
            "task rows"
        }
    )
}

/// Counts by name, largest first, for notes: `model execute task 90, event record task 90`.
fn tally(counts: &mut [(String, usize)]) -> String {
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let shown: Vec<String> = counts
        .iter()
        .take(4)
        .map(|(t, n)| format!("{} {n}", if t.is_empty() { "(no type)" } else { t }))
        .collect();
    format!(
        "{}{}",
        shown.join(", "),
        if counts.len() > 4 { ", ..." } else { "" }
    )
}

/// summary_ts: one statistic per kernel task, named from the timeline or the AI Core metrics.
fn summary_ts_statistics(
    profile: &mut Profile,
    tasks: &Tasks,
    source: usize,
    rows: &[TsRow],
    issues: &mut Vec<ProfileIssue>,
) -> Vec<OpStatistic> {
    let mut stats = Vec::new();
    let mut named = 0usize;
    let mut skipped: Vec<(String, usize)> = Vec::new();
    let mut count_mismatch = 0usize;
    for row in rows {
        let key = (row.stream, row.task);
        let mut unit = Unit::from_task_type(&row.task_type);
        if unit == Unit::Other && tasks.ai_core.get(key).is_some() {
            unit = Unit::AiCore;
        }
        if unit == Unit::Other {
            match skipped.iter_mut().find(|(t, _)| *t == row.task_type) {
                Some((_, n)) => *n += 1,
                None => skipped.push((row.task_type.clone(), 1)),
            }
            continue;
        }
        if tasks.runs.get(&key).is_some_and(|&seen| seen != row.count) {
            count_mismatch += 1;
        }
        let op = match tasks.name(profile, key) {
            Some(name) => {
                named += 1;
                name
            }
            None => task_label(row.stream, row.task),
        };
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
    let file = profile.sources[source].file.clone();
    let note = &mut profile.sources[source].note;
    append_note(
        note,
        &format!(
            "{} kernel tasks as per-task statistics, {named} named from the timeline or AI Core metrics",
            stats.len()
        ),
    );
    if !skipped.is_empty() {
        let total: usize = skipped.iter().map(|(_, n)| n).sum();
        append_note(
            note,
            &format!(
                "{total} bookkeeping tasks not counted ({})",
                tally(&mut skipped)
            ),
        );
    }
    if count_mismatch > 0 {
        issues.push(ProfileIssue::file(
            &file,
            format!("{count_mismatch} tasks have another run count here than in the timeline"),
        ));
    }
    stats
}

/// op_time_statistic: one statistic per op, its cycles turned into time with the clock the AI
/// Core metrics imply.
fn op_time_statistics(
    profile: &mut Profile,
    tasks: &Tasks,
    source: usize,
    rows: &[OpTimeRow],
    clock: Option<&(String, Clock)>,
    issues: &mut Vec<ProfileIssue>,
) -> Vec<OpStatistic> {
    let per_us = clock.map(|(_, c)| c.per_us);
    let time = |cycles: Option<f64>| Some(cycles? / per_us?);
    let mut ai_cpu = 0usize;
    let mut stats = Vec::with_capacity(rows.len());
    for row in rows {
        let mut unit = Unit::from_task_type(&row.core_type);
        if unit == Unit::Other && tasks.ai_core_names.contains(&row.op) {
            unit = Unit::AiCore;
        }
        if unit == Unit::AiCpu {
            ai_cpu += 1;
        }
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
    let file = profile.sources[source].file.clone();
    let note = &mut profile.sources[source].note;
    match clock {
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
    stats
}

/// The AI Core metrics alone: one statistic per AI Core task, its total time.
fn ai_core_statistics(
    profile: &mut Profile,
    tasks: &Tasks,
    source: usize,
    table: &AicTable,
) -> Vec<OpStatistic> {
    let mut stats = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let key = (row.stream, row.task);
        let op = tasks
            .name(profile, key)
            .unwrap_or_else(|| task_label(row.stream, row.task));
        let count = tasks.runs.get(&key).copied().unwrap_or(0);
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
        &mut profile.sources[source].note,
        if tasks.runs.is_empty() {
            "its task times are the per-op statistics (run counts unknown without the timeline)"
        } else {
            "its task times are the per-op statistics"
        },
    );
    stats
}
