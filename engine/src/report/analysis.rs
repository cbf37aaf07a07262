//! The analysis report: what `opscope analyze` prints and the web app exports, as plain,
//! deterministic, serialisable data (documented key by key in `docs/analyze-json.md`). The JSON
//! keys are a public interface: add keys freely, never rename or drop one. Bump
//! [`SCHEMA_VERSION`] only for a change a reader must know about (never for added keys).

use std::collections::BTreeMap;

use serde::Serialize;

use super::inspect::{inspect, InspectOptions, InspectReport};
use super::profile::{self as profile_report, Hotspot};
use crate::analysis::cost::Calibration;
use crate::analysis::fusion::FusionCheck;
use crate::analysis::rules::{group_gain_us, near_miss_gain_us, round, Evidence, SkippedCheck};
use crate::analysis::units::UnitSource;
use crate::analysis::{Analysis, UnitCheck};
use crate::ir::Model;
use crate::knowledge::ExecUnit;
use crate::profile::{self, ProfileImport};
use crate::target::Target;

/// Version of the report's layout; readers check it before relying on a key's meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// Hotspot rows kept in the report.
pub const TOP_HOTSPOTS: usize = 30;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisReport {
    pub schema_version: u32,
    /// The inspect summary of the model (`opscope inspect --json`).
    pub model: InspectReport,
    pub target: Target,
    /// The CANN release whose fusion rules were simulated (`8.0.RC1`).
    pub cann: String,
    /// True when no profile was given: every time is the cost model's estimate.
    pub estimated: bool,
    /// Unit id → nodes and time (measured where a profile measured it, else estimated).
    pub units: BTreeMap<&'static str, UnitTotals>,
    /// One entry per main-graph node, in graph order.
    pub per_node: Vec<NodeReport>,
    pub fusion_groups: Vec<FusionGroupReport>,
    pub near_misses: Vec<NearMissReport>,
    /// Every finding, largest gain first.
    pub findings: Vec<FindingReport>,
    pub skipped_checks: Vec<SkippedCheck>,
    pub notes: Vec<String>,
    /// The hotspots of the measured profile, or of the estimate; each names its nodes.
    pub hotspots: Vec<Hotspot>,
    /// Total time of the run: measured, or estimated.
    pub total_us: f64,
    pub cost: CostReport,
    /// With a profile: the knowledge base's units against the measured task types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_check: Option<UnitCheck>,
    /// With a profile, a GE dump or an `.om`: the simulated fusion groups against the real ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fusion_check: Option<FusionCheck>,
    /// With a profile: what was read and how much of it matched the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileSummary>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct UnitTotals {
    pub nodes: usize,
    pub time_us: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeReport {
    /// The node's name in the model file (its op type when unnamed).
    pub name: String,
    pub op_type: String,
    /// The knowledge base's canonical op, when known.
    pub canonical: Option<&'static str>,
    /// Unit id (`cube`, `vector`, `mix`, `scalar`, `ai_cpu`, `dvpp`, `communication`, `dsa`,
    /// `none`).
    pub unit: &'static str,
    pub unit_reason: String,
    /// `predicted`, `graph` (the compiled graph says so) or `measured`.
    pub unit_source: &'static str,
    /// The knowledge base's prediction, kept when a measurement overrides it.
    pub predicted_unit: &'static str,
    /// Index into `fusion_groups` of the node's UB group.
    pub fusion_group: Option<usize>,
    pub estimated_us: f64,
    pub measured_us: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FusionGroupReport {
    /// `ub`, `l2` or `l1`.
    pub kind: &'static str,
    pub pattern: &'static str,
    /// Node names, head first.
    pub nodes: Vec<String>,
    pub ddr_bytes_saved: u64,
    /// What the group gains over its members run apart, µs (cost model: traffic saved plus the
    /// launches merged).
    pub gain_us: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearMissReport {
    pub pattern: &'static str,
    pub nodes: Vec<String>,
    /// The reason in words, with the numbers.
    pub reason: String,
    /// Stable reason id (`too_many_elementwise`, `outside_consumer`, ...).
    pub reason_id: &'static str,
    pub blocker: Option<String>,
    pub fix: String,
    pub ddr_bytes_saved: u64,
    /// What fusing the chain would gain, µs (the `missed-fusion` finding's `gain_us`).
    pub gain_us: f64,
}

/// A finding of the analysis; the same keys as `opscope profile`'s findings, and `gain_us`
/// always present (`null` when no honest bound exists).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingReport {
    pub rule: &'static str,
    pub title: &'static str,
    pub severity: &'static str,
    pub nodes: Vec<String>,
    pub message: String,
    pub fix: String,
    pub gain_us: Option<f64>,
    pub evidence: BTreeMap<&'static str, Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostReport {
    /// The cost model's total for the run on the target, µs.
    pub estimated_total_us: f64,
    /// With a profile: one factor per unit, predicted vs measured, and the rank correlation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileSummary {
    pub files: Vec<String>,
    pub chip: Option<String>,
    pub rows: usize,
    pub total_us: f64,
    /// Share of profiled time matched to graph nodes, 0 to 1.
    pub matched_share: f64,
    /// Profiled ops that matched no node.
    pub unmatched_ops: usize,
    pub warnings: Vec<String>,
}

/// Builds the report of an analysis of `model`; `profile` is the import the analysis was
/// calibrated with, if any.
pub fn build(
    model: &Model,
    analysis: &Analysis,
    profile: Option<&ProfileImport>,
) -> AnalysisReport {
    let graph = &model.graph;
    let measured_us = analysis.measured.as_ref().map(|m| &m.node_us);
    let mut per_node = Vec::with_capacity(graph.nodes.len());
    let mut units: BTreeMap<&'static str, UnitTotals> = BTreeMap::new();
    for (idx, node) in graph.nodes.iter().enumerate() {
        let unit = analysis.units.get(idx);
        let unit_id = unit.map(|u| u.unit).unwrap_or(ExecUnit::None);
        let estimated_us = analysis
            .cost
            .per_node
            .get(idx)
            .map(|c| c.estimated_us)
            .unwrap_or(0.0);
        let measured = measured_us.and_then(|m| m.get(idx).copied().flatten());
        let totals = units.entry(unit_id.id()).or_default();
        totals.nodes += 1;
        totals.time_us += measured.unwrap_or(if measured_us.is_some() {
            0.0
        } else {
            estimated_us
        });
        per_node.push(NodeReport {
            name: node.display_name().to_string(),
            op_type: node.op_type.clone(),
            canonical: unit.and_then(|u| u.spec).map(|s| s.canonical),
            unit: unit_id.id(),
            unit_reason: unit.map(|u| u.reason.describe(u.unit)).unwrap_or_default(),
            unit_source: unit.map(|u| source_id(u.source)).unwrap_or("predicted"),
            predicted_unit: unit.map(|u| u.predicted.id()).unwrap_or("none"),
            fusion_group: analysis.fusion.group_of.get(idx).copied().flatten(),
            estimated_us: round(estimated_us, 3),
            measured_us: measured.map(|us| round(us, 3)),
        });
    }
    for totals in units.values_mut() {
        totals.time_us = round(totals.time_us, 3);
    }
    let names = |ids: &[usize]| -> Vec<String> {
        ids.iter()
            .filter_map(|&id| graph.nodes.get(id))
            .map(|n| n.display_name().to_string())
            .collect()
    };
    let fusion_groups = analysis
        .fusion
        .groups
        .iter()
        .map(|g| FusionGroupReport {
            kind: g.kind.id(),
            pattern: g.pattern,
            nodes: names(&g.nodes),
            ddr_bytes_saved: g.ddr_bytes_saved,
            gain_us: round(group_gain_us(&analysis.target, g), 3),
        })
        .collect();
    let near_misses = analysis
        .fusion
        .near_misses
        .iter()
        .map(|m| NearMissReport {
            pattern: m.pattern,
            nodes: names(&m.nodes),
            reason: m.detail.clone(),
            reason_id: m.reason.id(),
            blocker: m
                .blocker
                .and_then(|b| graph.nodes.get(b))
                .map(|n| n.display_name().to_string()),
            fix: m.fix.clone(),
            ddr_bytes_saved: m.ddr_bytes_saved,
            gain_us: round(near_miss_gain_us(&analysis.target, &analysis.cost, m), 3),
        })
        .collect();
    let mut findings: Vec<FindingReport> = analysis
        .rules
        .findings
        .iter()
        .map(|f| FindingReport {
            rule: f.rule,
            title: crate::analysis::rules::rule(f.rule)
                .map(|r| r.title)
                .unwrap_or(""),
            severity: f.severity.id(),
            nodes: f.nodes.clone(),
            message: f.message.clone(),
            fix: f.fix.clone(),
            gain_us: f.gain_us.map(|g| round(g, 3)),
            evidence: f.evidence.clone(),
        })
        .collect();
    // Largest gain first; findings without a gain after, in rule order (stable sort).
    findings.sort_by(|a, b| {
        b.gain_us
            .unwrap_or(-1.0)
            .total_cmp(&a.gain_us.unwrap_or(-1.0))
    });

    // Hotspots: the measured profile's, else the estimate's, joined to the model either way.
    let estimate = match profile {
        Some(_) => None,
        None => analysis.estimated_profile(model),
    };
    let shown_profile = profile.map(|p| &p.profile).or(estimate.as_ref());
    let hotspots = match shown_profile {
        Some(shown) => {
            let join = match &analysis.measured {
                Some(measured) => measured.join.clone(),
                None => profile::join(shown, model),
            };
            profile_report::hotspots(shown, &shown.ops(), Some(&join), TOP_HOTSPOTS)
        }
        None => Vec::new(),
    };
    let total_us = match &analysis.measured {
        Some(measured) => measured.join.total_us,
        None => analysis.cost.total_us,
    };
    AnalysisReport {
        schema_version: SCHEMA_VERSION,
        model: inspect(
            model,
            InspectOptions {
                with_tensors: false,
            },
        ),
        target: analysis.target.clone(),
        cann: analysis.cann.to_string(),
        estimated: analysis.is_estimate(),
        units,
        per_node,
        fusion_groups,
        near_misses,
        findings,
        skipped_checks: analysis.rules.skipped.clone(),
        notes: analysis.rules.notes.clone(),
        hotspots,
        total_us: round(total_us, 3),
        cost: CostReport {
            estimated_total_us: round(analysis.cost.total_us, 3),
            calibration: analysis.measured.as_ref().map(|m| m.calibration.clone()),
        },
        unit_check: analysis.measured.as_ref().map(|m| m.unit_check.clone()),
        fusion_check: analysis.fusion_check.clone(),
        profile: match (profile, &analysis.measured) {
            (Some(import), Some(measured)) => Some(ProfileSummary {
                files: in_name_order(
                    import
                        .profile
                        .sources
                        .iter()
                        .map(|s| (s.file.as_str(), s.file.clone())),
                ),
                chip: import.profile.device.chip.map(str::to_string),
                rows: import.profile.tasks.len(),
                total_us: round(import.profile.total_us(), 3),
                matched_share: round(measured.join.matched_share(), 6),
                unmatched_ops: measured.join.unmatched.len(),
                warnings: in_name_order(
                    import
                        .issues
                        .iter()
                        .map(|issue| (issue.file.as_str(), issue.to_string()))
                        .chain(
                            import
                                .errors
                                .iter()
                                .map(|err| (err.file(), err.to_string())),
                        ),
                ),
            }),
            _ => None,
        },
    }
}

/// Lines about files, ordered by file name (stable within a file), so the report is the same
/// bytes whatever order the files were named or dropped in.
fn in_name_order<'f>(lines: impl Iterator<Item = (&'f str, String)>) -> Vec<String> {
    let mut lines: Vec<(&str, String)> = lines.collect();
    lines.sort_by(|a, b| a.0.cmp(b.0));
    lines.into_iter().map(|(_, line)| line).collect()
}

fn source_id(source: UnitSource) -> &'static str {
    match source {
        UnitSource::Predicted => "predicted",
        UnitSource::Graph => "graph",
        UnitSource::Measured => "measured",
    }
}
