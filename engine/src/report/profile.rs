//! The profile report: plain, serialisable data that the CLI prints (`opscope profile --json`,
//! documented in docs/profile-json.md) and the web app shows. Key names are a public interface.

use std::collections::HashMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::analysis::rules::{self, round, Finding, SkippedCheck};
use crate::analysis::unit_check::{self, UnitCheck};
use crate::profile::join::Join;
use crate::profile::model::{CoreCount, CoreSide, Pipe, Profile, Sym, Unit};
use crate::profile::ProfileImport;
use crate::target::{Target, TargetId};

/// A file of the run that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    pub file: String,
    pub reason: String,
}

/// The files no importer could read, in the order given, each with its error without the file
/// name the error starts with.
pub fn skipped_files(import: &ProfileImport) -> Vec<SkippedFile> {
    import
        .errors
        .iter()
        .map(|error| {
            let file = error.file().to_string();
            let message = error.to_string();
            let reason = message
                .strip_prefix(&format!("{file}: "))
                .unwrap_or(&message)
                .to_string();
            SkippedFile { file, reason }
        })
        .collect()
}

/// What the report should contain. No `Default`: callers state the top count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileOptions {
    /// Hotspot rows to keep (largest first).
    pub top: usize,
    /// AI Core count to use when info.json and the chip do not give one.
    pub ai_core_num: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileReport {
    pub sources: Vec<SourceReport>,
    /// Files given that hold no profiling data the importers read (collection metadata, logs,
    /// broken tables), with why; the rest was read.
    pub skipped: Vec<SkippedFile>,
    pub chip: Option<String>,
    pub platform_version: Option<String>,
    pub ai_core_num: Option<u32>,
    /// Where `ai_core_num` came from (`info.json`, chip table, given) or `unknown`.
    pub ai_core_num_source: String,
    pub aiv_num: Option<u32>,
    pub aic_frequency_mhz: Option<f64>,
    /// Devices the run profiled (MindStudio `devices.json`); absent when not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_count: Option<u32>,
    /// Sample-mode AI Core metrics per core and their average (MindStudio
    /// `summary_aicore_sample_N.json`); absent when not given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub core_samples: Vec<CoreSampleReport>,
    /// Task rows in the profile.
    pub rows: usize,
    /// Total profiled time (sum of task durations), us.
    pub total_us: f64,
    /// Distinct ops (names, or types when only op_statistic was given).
    pub ops: usize,
    /// `op` (hotspots per op name) or `type` (per op type: only op_statistic was given).
    pub hotspots_by: &'static str,
    pub hotspots: Vec<Hotspot>,
    pub units: Units,
    pub findings: Vec<Finding>,
    pub skipped_checks: Vec<SkippedCheck>,
    pub notes: Vec<String>,
    pub op_statistics: Vec<OpStatisticReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_share: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inserted_us: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmatched: Option<Vec<UnmatchedReport>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inserted: Option<Vec<InsertedReport>>,
    pub warnings: Vec<String>,
    /// The target the profile shows it ran on (`ascend910b`; see [`ran_on`]), which `analyze`
    /// uses when no `--target` is given; absent when nothing in the profile tells.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ran_on: Option<&'static str>,
    /// The knowledge base's units against the measured task types (`unit_check`), for the
    /// profile's chip (see [`target_of`]); absent when the profile has no typed ops to check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_check: Option<UnitCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceReport {
    pub file: String,
    pub kind: &'static str,
    pub rows: usize,
    pub used: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One column of a sample-mode AI Core metrics table: a core (`Core0`) or `Average`, and its
/// metrics by the file's names (`total_time(ms)`, `vec_ratio`, ...), in file order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoreSampleReport {
    pub core: String,
    pub metrics: Metrics,
}

/// Named values, serialised as a JSON object in their order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metrics(pub Vec<(String, f64)>);

impl Serialize for Metrics {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hotspot {
    pub op: String,
    #[serde(rename = "type")]
    pub op_type: String,
    /// Unit id (`ai_core`, `ai_vector`, `mix`, `ai_cpu`, `communication`, `dma`, `other`).
    pub unit: &'static str,
    pub count: u64,
    pub total_us: f64,
    pub avg_us: f64,
    pub min_us: f64,
    pub max_us: f64,
    /// Share of total profiled time, 0 to 1.
    pub share: f64,
    /// Time-weighted mean of `memory_bound = mte2 / max(mac, vec)` over the op's tasks that have
    /// the PMU ratios (> 1: memory-transfer bound).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_bound: Option<f64>,
    /// Time-weighted mean cube utilisation in percent: the file's `cube_utilization(%)`, or
    /// computed from total cycles when info.json gives the frequency and core count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cube_utilization_pct: Option<f64>,
    /// Graph nodes, with `--model` only (empty when unmatched).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<String>>,
}

/// Time-weighted means of the derived PMU metrics per op name.
fn derived_metrics(profile: &Profile) -> HashMap<Sym, (Option<f64>, Option<f64>)> {
    #[derive(Default)]
    struct Acc {
        bound: (f64, f64),
        cube: (f64, f64),
    }
    let mut acc: HashMap<Sym, Acc> = HashMap::new();
    for task in &profile.tasks {
        if task.pmu.is_none() {
            continue;
        }
        let weight = task.duration_us.max(1e-9);
        let entry = acc.entry(task.name).or_default();
        if let Some(bound) = profile.task_pmu(task).and_then(|p| p.memory_bound()) {
            entry.bound.0 += bound * weight;
            entry.bound.1 += weight;
        }
        if let Some(cube) = profile.cube_utilization_pct(task) {
            entry.cube.0 += cube * weight;
            entry.cube.1 += weight;
        }
    }
    let mean = |(sum, weight): (f64, f64)| (weight > 0.0).then(|| round(sum / weight, 4));
    acc.into_iter()
        .map(|(name, a)| (name, (mean(a.bound), mean(a.cube))))
        .collect()
}

/// Time per unit, serialised as a JSON object in [`Unit::ALL`] order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Units(pub Vec<(Unit, f64)>);

impl Serialize for Units {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (unit, us) in &self.0 {
            map.serialize_entry(unit.id(), &round(*us, 3))?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpStatisticReport {
    pub op: String,
    #[serde(rename = "type")]
    pub op_type: String,
    pub core_type: String,
    pub unit: &'static str,
    pub count: u64,
    pub total_us: Option<f64>,
    pub avg_us: Option<f64>,
    pub ratio_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedReport {
    pub op: String,
    #[serde(rename = "type")]
    pub op_type: String,
    pub total_us: f64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InsertedReport {
    pub op: String,
    #[serde(rename = "type")]
    pub op_type: String,
    pub total_us: f64,
    pub count: u64,
    /// `[producer, consumers]` when placed.
    pub between: Option<[String; 2]>,
    pub tensor: Option<String>,
    pub note: String,
}

/// The first `top` rows of the hotspot table of `ops` (from [`Profile::ops`]), with the derived
/// PMU metrics and, when joined, the graph nodes of each op.
pub fn hotspots(
    profile: &Profile,
    ops: &[crate::profile::OpAggregate],
    join: Option<&Join>,
    top: usize,
) -> Vec<Hotspot> {
    let derived = derived_metrics(profile);
    ops.iter()
        .take(top)
        .map(|op| {
            let (memory_bound, cube_utilization_pct) = profile
                .find_sym(&op.op)
                .and_then(|sym| derived.get(&sym).copied())
                .unwrap_or((None, None));
            Hotspot {
                op: op.op.clone(),
                op_type: op.op_type.clone(),
                unit: op.unit.id(),
                count: op.count,
                total_us: round(op.total_us, 3),
                avg_us: round(op.avg_us, 3),
                min_us: round(op.min_us, 3),
                max_us: round(op.max_us, 3),
                share: round(op.share, 6),
                memory_bound,
                cube_utilization_pct,
                nodes: join.map(|j| {
                    j.nodes_of(&op.op)
                        .map(<[String]>::to_vec)
                        .unwrap_or_default()
                }),
            }
        })
        .collect()
}

/// Builds the report of an import, joined to a model when `join` is given.
pub fn build(
    import: &ProfileImport,
    join: Option<&Join>,
    options: &ProfileOptions,
) -> ProfileReport {
    let profile = &import.profile;
    let cores = match (profile.ai_core_count(), options.ai_core_num) {
        (CoreCount::Unknown, Some(n)) if n > 0 => CoreCount::Given(n),
        (found, _) => found,
    };
    let rules = rules::check_profile(profile, join, cores.clone());
    let ops = profile.ops();
    let hotspots = hotspots(profile, &ops, join, options.top);
    let core_source = cores.source();
    let mut warnings: Vec<String> = import.issues.iter().map(ToString::to_string).collect();
    warnings.extend(import.errors.iter().map(ToString::to_string));
    ProfileReport {
        skipped: skipped_files(import),
        sources: profile
            .sources
            .iter()
            .map(|s| SourceReport {
                file: s.file.clone(),
                kind: s.kind.id(),
                rows: s.rows,
                used: s.used,
                note: s.note.clone(),
            })
            .collect(),
        chip: profile.device.chip.map(str::to_string),
        platform_version: profile.device.platform_version.clone(),
        ai_core_num: cores.value(),
        ai_core_num_source: core_source,
        aiv_num: profile.device.aiv_num,
        aic_frequency_mhz: profile.device.aic_frequency_mhz,
        device_count: profile.device.device_count,
        core_samples: profile
            .core_samples
            .iter()
            .map(|c| CoreSampleReport {
                core: c.core.clone(),
                metrics: Metrics(c.metrics.clone()),
            })
            .collect(),
        rows: profile.tasks.len(),
        total_us: round(profile.total_us(), 3),
        ops: ops.len(),
        hotspots_by: if profile.ops_are_types() {
            "type"
        } else {
            "op"
        },
        hotspots,
        units: Units(profile.unit_totals()),
        findings: rules.findings,
        skipped_checks: rules.skipped,
        notes: rules.notes,
        op_statistics: profile
            .op_statistics
            .iter()
            .map(|s| OpStatisticReport {
                op: s.op.clone(),
                op_type: s.op_type.clone(),
                core_type: s.core_type.clone(),
                unit: s.unit.id(),
                count: s.count,
                total_us: s.total_us.map(|v| round(v, 3)),
                avg_us: s.avg_us.map(|v| round(v, 3)),
                ratio_pct: s.ratio_pct,
            })
            .collect(),
        matched_share: join.map(|j| round(j.matched_share(), 6)),
        matched_us: join.map(|j| round(j.matched_us, 3)),
        inserted_us: join.map(|j| round(j.inserted_us, 3)),
        unmatched: join.map(|j| {
            j.unmatched
                .iter()
                .map(|u| UnmatchedReport {
                    op: u.op.clone(),
                    op_type: u.op_type.clone(),
                    total_us: round(u.total_us, 3),
                    reason: u.reason.clone(),
                })
                .collect()
        }),
        inserted: join.map(|j| {
            j.inserted
                .iter()
                .map(|i| InsertedReport {
                    op: i.op.clone(),
                    op_type: i.op_type.clone(),
                    total_us: round(i.total_us, 3),
                    count: i.count,
                    between: i.between.clone().map(|(a, b)| [a, b]),
                    tensor: i.tensor.clone(),
                    note: i.note.clone(),
                })
                .collect()
        }),
        warnings,
        ran_on: ran_on(profile).map(TargetId::id),
        unit_check: Some(unit_check::check(profile, &target_of(profile)))
            .filter(|check| check.total_ops > 0),
    }
}

/// The target a profile ran on: its chip when the table has it; else an A2-class chip (the
/// 910B row) when its task types show separate vector cores or mixed kernels, or its PMU
/// columns are split into cube (`aic_`) and vector (`aiv_`) sides, which only A2/A3 chips have
/// (`ascend.md` 1.2, 1.3); else the default target.
pub fn target_of(profile: &Profile) -> Target {
    let id = ran_on(profile).unwrap_or_default();
    Target::new(id).with_device(&profile.device)
}

/// The target the profile shows it ran on (see [`target_of`]); `None` when nothing in it tells
/// (no chip of the target table, no A2-only task type or PMU column). The app and the command
/// line analyse for it unless a target was chosen.
pub fn ran_on(profile: &Profile) -> Option<TargetId> {
    if let Some(id) = profile.device.chip.and_then(TargetId::of_chip) {
        return Some(id);
    }
    let vector_cores = profile
        .tasks
        .iter()
        .map(|t| t.unit)
        .chain(profile.op_statistics.iter().map(|s| s.unit))
        .any(|unit| matches!(unit, Unit::AiVector | Unit::Mix));
    let split_pmu = || {
        profile.pmu.iter().any(|pmu| {
            Pipe::ALL.into_iter().any(|pipe| {
                pmu.ratio_on(CoreSide::Cube, pipe).is_some()
                    || pmu.ratio_on(CoreSide::Vector, pipe).is_some()
            })
        })
    };
    (vector_cores || split_pmu()).then_some(TargetId::Ascend910B)
}
