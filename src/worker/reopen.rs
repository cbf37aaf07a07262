//! A dropped analysis report (the JSON `opscope analyze` and the app's Export write) turned back
//! into what the page shows for an analysis: [`AnalysisData`] (units, fusion groups, near misses,
//! findings) and a [`ProfileData`] of its hotspots and charts. Node references become indices
//! into the report's `per_node`, which lists the main graph's nodes in IR order, so the same
//! data fits the model when the model is dropped too ([`fits_model`]).

use std::collections::{BTreeMap, HashMap};

use opscope_engine::ir::Model;
use opscope_engine::knowledge::ExecUnit;
use opscope_engine::report::saved::{SavedEvidence, SavedReport};
use opscope_engine::target::TargetId;

use super::analysis_data::{exec_unit_id, rule_title, unit_totals, within_graph};
use super::profile_data::hotspot_row;
use super::protocol::{
    AnalysisData, EvidenceValue, ExecUnitId, FindingRow, FusionGroupRow, FusionKindId, HotspotRow,
    JoinSummary, NearMissRow, NodeAnalysis, NodeStat, OpStatRow, ProfileData, SourceRow, TargetKey,
    TypeTime, UnitId, UnitSourceId,
};

/// Whether `report` is of `model`: the same main-graph nodes, in the same order, by name.
pub fn fits_model(report: &SavedReport, model: &Model) -> bool {
    report.per_node.len() == model.graph.nodes.len()
        && report
            .per_node
            .iter()
            .zip(&model.graph.nodes)
            .all(|(saved, node)| saved.name == node.display_name())
}

fn exec_unit_of(id: &str) -> ExecUnitId {
    exec_unit_id(ExecUnit::parse(id).unwrap_or(ExecUnit::None))
}

fn source_of(id: &str) -> UnitSourceId {
    match id {
        "measured" => UnitSourceId::Measured,
        "graph" => UnitSourceId::Graph,
        _ => UnitSourceId::Predicted,
    }
}

fn fusion_kind_of(id: &str) -> FusionKindId {
    match id {
        "l2" => FusionKindId::L2,
        "l1" => FusionKindId::L1,
        _ => FusionKindId::Ub,
    }
}

/// Node indices of `names`: each name to the first node of that name not taken yet by the same
/// list (unnamed ONNX nodes share their op type as a name).
fn indices_of(names: &[String], by_name: &HashMap<&str, Vec<usize>>) -> Vec<usize> {
    let mut taken: HashMap<&str, usize> = HashMap::new();
    names
        .iter()
        .filter_map(|name| {
            let candidates = by_name.get(name.as_str())?;
            let next = taken.entry(name.as_str()).or_default();
            let idx = candidates.get(*next).or_else(|| candidates.last()).copied();
            *next += 1;
            idx
        })
        .collect()
}

fn evidence_of(value: SavedEvidence) -> EvidenceValue {
    match value {
        SavedEvidence::Int(v) => EvidenceValue::Int(v),
        SavedEvidence::Num(v) => EvidenceValue::Num(v),
        SavedEvidence::Text(v) => EvidenceValue::Text(v),
        SavedEvidence::List(v) => EvidenceValue::List(v),
    }
}

/// The task unit a node's execution unit runs as in a profile (Cube and Vector are AI Core).
fn task_unit_of(unit: &str) -> UnitId {
    match unit {
        "cube" | "vector" | "mix" | "scalar" => UnitId::AiCore,
        "ai_cpu" => UnitId::AiCpu,
        "communication" => UnitId::Communication,
        _ => UnitId::Other,
    }
}

/// The findings of the report as the page lists them.
pub fn finding_rows(report: &SavedReport) -> Vec<FindingRow> {
    report
        .findings
        .iter()
        .map(|f| FindingRow {
            rule: f.rule.clone(),
            title: if f.title.is_empty() {
                rule_title(&f.rule)
            } else {
                f.title.clone()
            },
            severity: f.severity.clone(),
            nodes: f.nodes.clone(),
            message: f.message.clone(),
            fix: f.fix.clone(),
            evidence: f
                .evidence_items()
                .into_iter()
                .map(|(k, v)| (k, evidence_of(v)))
                .collect(),
            gain_us: f.gain_us,
        })
        .collect()
}

/// The analysis of the report; `source` (the report's file name) goes into the notes.
pub fn analysis_of_report(report: &SavedReport, source: &str) -> AnalysisData {
    let target = TargetId::parse(&report.target.id)
        .map(TargetKey::of)
        .unwrap_or_default();
    let mut reasons: Vec<String> = Vec::new();
    let mut reason_index: HashMap<&str, usize> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut nodes = Vec::with_capacity(report.per_node.len());
    for (idx, node) in report.per_node.iter().enumerate() {
        by_name.entry(node.name.as_str()).or_default().push(idx);
        let reason = *reason_index
            .entry(node.unit_reason.as_str())
            .or_insert_with(|| {
                reasons.push(node.unit_reason.clone());
                reasons.len() - 1
            });
        nodes.push(NodeAnalysis {
            unit: exec_unit_of(&node.unit),
            source: source_of(&node.unit_source),
            reason,
            predicted: exec_unit_of(if node.predicted_unit.is_empty() {
                &node.unit
            } else {
                &node.predicted_unit
            }),
            group: node.fusion_group,
            estimated_us: node.estimated_us,
            measured_us: node.measured_us,
        });
    }
    let groups = report
        .fusion_groups
        .iter()
        .enumerate()
        .map(|(g, group)| FusionGroupRow {
            kind: fusion_kind_of(&group.kind),
            pattern: group.pattern.clone(),
            // A UB group's members say so themselves; names only for the candidate groups.
            nodes: if group.kind == "ub" {
                (0..nodes.len())
                    .filter(|&i| nodes[i].group == Some(g))
                    .collect()
            } else {
                indices_of(&group.nodes, &by_name)
            },
            ddr_bytes_saved: group.ddr_bytes_saved,
            gain_us: group.gain_us,
        })
        .collect();
    let near_misses = report
        .near_misses
        .iter()
        .map(|miss| NearMissRow {
            pattern: miss.pattern.clone(),
            nodes: indices_of(&miss.nodes, &by_name),
            blocker: miss
                .blocker
                .as_ref()
                .and_then(|b| by_name.get(b.as_str()))
                .and_then(|list| list.first().copied()),
            reason: miss.reason.clone(),
            fix: miss.fix.clone(),
            ddr_bytes_saved: miss.ddr_bytes_saved,
            gain_us: miss.gain_us,
        })
        .collect();
    let units = unit_totals(&nodes, report.estimated);
    let mut notes = vec![format!(
        "Reopened from the report {source} ({} model `{}`, {} nodes, {}, CANN {}); the analysis is as the report wrote it.",
        report.model.format, report.model.name, report.model.nodes, report.target.name, report.cann
    )];
    notes.extend(report.notes.iter().cloned());
    let n_nodes = nodes.len();
    let data = AnalysisData {
        target,
        target_name: report.target.name.clone(),
        cann: report.cann.clone(),
        estimated: report.estimated,
        nodes,
        reasons,
        groups,
        near_misses,
        findings: finding_rows(report),
        skipped_checks: report
            .skipped_checks
            .iter()
            .map(|s| (s.rule.clone(), s.reason.clone()))
            .collect(),
        notes,
        units,
        estimated_total_us: report.per_node.iter().map(|n| n.estimated_us).sum::<f64>(),
        unit_check: None,
        fusion_check: None,
    };
    within_graph(data, n_nodes)
}

/// The hotspots, time by unit and by op type, and per-node times of the report, as the page's
/// profile (labelled an estimate when the report was).
pub fn profile_of_report(report: &SavedReport, source: &str) -> ProfileData {
    let hotspots: Vec<HotspotRow> = report
        .hotspots
        .iter()
        .map(|h| hotspot_row(&h.to_hotspot()))
        .collect();
    // Time by unit and by op type: an estimated report times every node, so its per-node rows
    // are the whole run; a measured one's hotspots are (its per-node rows leave out the ops the
    // profile could not match). The hotspots alone are only the top rows of an estimate.
    let timed: Vec<(&str, UnitId, f64, u64)> = if report.estimated && !report.per_node.is_empty() {
        report
            .per_node
            .iter()
            .map(|n| (n.op_type.as_str(), task_unit_of(&n.unit), n.estimated_us, 1))
            .collect()
    } else {
        hotspots
            .iter()
            .map(|h| (h.op_type.as_str(), h.unit, h.total_us, h.count))
            .collect()
    };
    let mut units: BTreeMap<UnitId, f64> = BTreeMap::new();
    let mut types: BTreeMap<&str, (f64, BTreeMap<UnitId, f64>, u64)> = BTreeMap::new();
    for &(op_type, unit, us, count) in &timed {
        *units.entry(unit).or_default() += us;
        let entry = types.entry(op_type).or_default();
        entry.0 += us;
        *entry.1.entry(unit).or_default() += us;
        entry.2 += count;
    }
    let main_unit = |by_unit: &BTreeMap<UnitId, f64>| {
        by_unit
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(UnitId::Other, |(u, _)| *u)
    };
    let mut op_types: Vec<TypeTime> = types
        .iter()
        .map(|(op_type, (us, by_unit, _))| TypeTime {
            op_type: op_type.to_string(),
            total_us: *us,
            unit: main_unit(by_unit),
        })
        .collect();
    op_types.sort_by(|a, b| b.total_us.total_cmp(&a.total_us));
    let total_us = report.total_us;
    let op_statistics = types
        .iter()
        .map(|(op_type, (us, by_unit, count))| OpStatRow {
            op: op_type.to_string(),
            op_type: op_type.to_string(),
            core_type: main_unit(by_unit).label().to_string(),
            unit: main_unit(by_unit),
            count: *count,
            total_us: Some(*us),
            avg_us: (*count > 0).then(|| us / *count as f64),
            min_us: None,
            max_us: None,
            ratio_pct: (total_us > 0.0).then(|| us / total_us * 100.0),
        })
        .collect();
    let node_stats: Vec<NodeStat> = report
        .per_node
        .iter()
        .filter_map(|n| {
            let us = if report.estimated {
                n.estimated_us
            } else {
                n.measured_us?
            };
            (us > 0.0).then(|| NodeStat {
                node: n.name.clone(),
                total_us: us,
                count: 1,
                unit: task_unit_of(&n.unit),
                share: if total_us > 0.0 { us / total_us } else { 0.0 },
                ops: vec![n.name.clone()],
            })
        })
        .collect();
    let matched_us: f64 = node_stats.iter().map(|s| s.total_us).sum();
    let saved_profile = report.profile.as_ref();
    ProfileData {
        files: saved_profile.map(|p| p.files.clone()).unwrap_or_default(),
        estimated: report.estimated,
        sources: vec![SourceRow {
            file: source.to_string(),
            kind: "opscope analysis report".to_string(),
            rows: report.hotspots.len(),
            used: true,
            note: format!("schema {}", report.schema_version),
        }],
        chip: saved_profile.and_then(|p| p.chip.clone()),
        // The report's analysis names its own target; the page shows it as it was.
        ran_on: None,
        ai_core_num: None,
        ai_core_num_source: String::new(),
        rows: saved_profile.map_or(0, |p| p.rows),
        total_us,
        hotspots_by_type: false,
        hotspots_total: hotspots.len(),
        hotspots,
        units: UnitId::ALL
            .into_iter()
            .filter_map(|u| units.get(&u).map(|us| (u, *us)))
            .collect(),
        op_types,
        op_statistics,
        op_statistics_computed: true,
        // The report's findings are the analysis's list.
        findings: Vec::new(),
        skipped_checks: Vec::new(),
        notes: Vec::new(),
        warnings: Vec::new(),
        join: Some(JoinSummary {
            matched_share: saved_profile.map_or(1.0, |p| p.matched_share),
            matched_us,
            inserted_us: 0.0,
            unmatched: Vec::new(),
            inserted: Vec::new(),
            node_stats,
        }),
        unit_check: None,
    }
}
