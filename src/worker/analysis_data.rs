//! Builds the page's view of an analysis ([`AnalysisData`]) from the engine's
//! [`Analysis`]: the twins of the protocol, with node references kept as IR indices of the main
//! graph and the unit reasons written out once each. Runs in the worker; knows nothing about the
//! page.

use std::collections::HashMap;

use opscope_engine::analysis::fusion::{FusionCheck, FusionKind};
use opscope_engine::analysis::rules::{
    group_gain_us, near_miss_gain_us, round, Evidence, Finding, RULES,
};
use opscope_engine::analysis::units::UnitSource;
use opscope_engine::analysis::{Analysis, UnitCheck};
use opscope_engine::ir::Model;
use opscope_engine::knowledge::ExecUnit;

use super::protocol::{
    AnalysisData, EvidenceValue, ExecUnitId, FindingRow, FusionCheckSummary, FusionDifferenceRow,
    FusionGroupRow, FusionKindId, NearMissRow, NodeAnalysis, TargetKey, UnitCheckSummary,
    UnitDisagreementRow, UnitSourceId, UnitTotal,
};

pub fn exec_unit_id(unit: ExecUnit) -> ExecUnitId {
    match unit {
        ExecUnit::Cube => ExecUnitId::Cube,
        ExecUnit::Vector => ExecUnitId::Vector,
        ExecUnit::Mix => ExecUnitId::Mix,
        ExecUnit::Scalar => ExecUnitId::Scalar,
        ExecUnit::AiCpu => ExecUnitId::AiCpu,
        ExecUnit::Dvpp => ExecUnitId::Dvpp,
        ExecUnit::Communication => ExecUnitId::Communication,
        ExecUnit::Dsa => ExecUnitId::Dsa,
        ExecUnit::None => ExecUnitId::None,
    }
}

fn unit_source_id(source: UnitSource) -> UnitSourceId {
    match source {
        UnitSource::Predicted => UnitSourceId::Predicted,
        UnitSource::Graph => UnitSourceId::Graph,
        UnitSource::Measured => UnitSourceId::Measured,
    }
}

fn fusion_kind_id(kind: FusionKind) -> FusionKindId {
    match kind {
        FusionKind::Ub => FusionKindId::Ub,
        FusionKind::L2 => FusionKindId::L2,
        FusionKind::L1 => FusionKindId::L1,
    }
}

/// Everything the page shows about `analysis` of `model` for `target`.
pub fn analysis_data(model: &Model, analysis: &Analysis, target: TargetKey) -> AnalysisData {
    let measured_us = analysis.measured.as_ref().map(|m| m.node_us.as_slice());
    let mut reasons: Vec<String> = Vec::new();
    let mut reason_index: HashMap<String, usize> = HashMap::new();
    let nodes: Vec<NodeAnalysis> = analysis
        .units
        .iter()
        .enumerate()
        .map(|(node_idx, unit)| {
            let text = unit.reason.describe(unit.unit);
            let reason = match reason_index.get(&text) {
                Some(&idx) => idx,
                None => {
                    reasons.push(text.clone());
                    reason_index.insert(text, reasons.len() - 1);
                    reasons.len() - 1
                }
            };
            NodeAnalysis {
                unit: exec_unit_id(unit.unit),
                source: unit_source_id(unit.source),
                reason,
                predicted: exec_unit_id(unit.predicted),
                group: analysis.fusion.group_of.get(node_idx).copied().flatten(),
                estimated_us: analysis
                    .cost
                    .per_node
                    .get(node_idx)
                    .map_or(0.0, |c| c.estimated_us),
                measured_us: measured_us.and_then(|m| m.get(node_idx).copied().flatten()),
            }
        })
        .collect();
    let estimated = analysis.is_estimate();
    let units = unit_totals(&nodes, estimated);
    let mut notes = analysis.target.notes.clone();
    notes.extend(analysis.rules.notes.iter().cloned());
    let data = AnalysisData {
        target,
        target_name: analysis.target.spec.name.to_string(),
        cann: analysis.cann.to_string(),
        estimated,
        nodes,
        reasons,
        groups: analysis
            .fusion
            .groups
            .iter()
            .map(|group| FusionGroupRow {
                kind: fusion_kind_id(group.kind),
                pattern: group.pattern.to_string(),
                nodes: group.nodes.clone(),
                ddr_bytes_saved: group.ddr_bytes_saved,
                // Rounded as the report writes it, so a reopened report shows the same figures.
                gain_us: round(group_gain_us(&analysis.target, group), 3),
            })
            .collect(),
        near_misses: analysis
            .fusion
            .near_misses
            .iter()
            .map(|miss| NearMissRow {
                pattern: miss.pattern.to_string(),
                nodes: miss.nodes.clone(),
                blocker: miss.blocker,
                reason: miss.detail.clone(),
                fix: miss.fix.clone(),
                ddr_bytes_saved: miss.ddr_bytes_saved,
                gain_us: round(near_miss_gain_us(&analysis.target, &analysis.cost, miss), 3),
            })
            .collect(),
        findings: analysis.rules.findings.iter().map(finding_row).collect(),
        skipped_checks: analysis
            .rules
            .skipped
            .iter()
            .map(|s| (s.rule.to_string(), s.reason.clone()))
            .collect(),
        notes,
        units,
        estimated_total_us: analysis.cost.total_us,
        unit_check: analysis
            .measured
            .as_ref()
            .map(|m| unit_check_summary(&m.unit_check)),
        fusion_check: analysis.fusion_check.as_ref().map(fusion_check_summary),
    };
    within_graph(data, model.graph.nodes.len())
}

/// Drops node references past the main graph's `n_nodes` (and group references past the
/// groups), so a stage that returned a row too many never makes the page index out of range.
pub(super) fn within_graph(mut data: AnalysisData, n_nodes: usize) -> AnalysisData {
    data.nodes.truncate(n_nodes);
    for group in &mut data.groups {
        group.nodes.retain(|&n| n < n_nodes);
    }
    for miss in &mut data.near_misses {
        miss.nodes.retain(|&n| n < n_nodes);
        miss.blocker = miss.blocker.filter(|&n| n < n_nodes);
    }
    let n_groups = data.groups.len();
    for node in &mut data.nodes {
        node.group = node.group.filter(|&g| g < n_groups);
    }
    data
}

/// Nodes and time per unit: the measured time when the analysis has a profile (nodes without a
/// measurement count nothing), else the estimate.
pub(super) fn unit_totals(nodes: &[NodeAnalysis], estimated: bool) -> Vec<UnitTotal> {
    let mut totals: Vec<UnitTotal> = ExecUnitId::ALL
        .iter()
        .map(|&unit| UnitTotal {
            unit,
            nodes: 0,
            time_us: 0.0,
        })
        .collect();
    for node in nodes {
        if let Some(total) = totals.iter_mut().find(|t| t.unit == node.unit) {
            total.nodes += 1;
            total.time_us += if estimated {
                node.estimated_us
            } else {
                node.measured_us.unwrap_or(0.0)
            };
        }
    }
    totals.retain(|t| t.nodes > 0);
    totals
}

pub fn unit_check_summary(check: &UnitCheck) -> UnitCheckSummary {
    UnitCheckSummary {
        agree_share: check.agree_share,
        agree_ops: check.agree_ops,
        total_ops: check.total_ops,
        disagreements: check
            .disagreements
            .iter()
            .map(|d| UnitDisagreementRow {
                op_type: d.op_type.clone(),
                predicted: d.predicted.clone(),
                measured: d.measured.clone(),
                total_us: d.total_us,
            })
            .collect(),
    }
}

fn fusion_check_summary(check: &FusionCheck) -> FusionCheckSummary {
    FusionCheckSummary {
        source: check.source.clone(),
        real_groups: check.real_groups,
        simulated_groups: check.simulated_groups,
        matched: check.matched,
        agreement: check.agreement,
        differences: check
            .differences
            .iter()
            .map(|d| FusionDifferenceRow {
                kind: d.kind.to_string(),
                fused_op: d.fused_op.clone(),
                real: d.real.clone(),
                simulated: d.simulated.clone(),
            })
            .collect(),
    }
}

/// A finding for the page, with the severity the engine graded it with.
pub fn finding_row(finding: &Finding) -> FindingRow {
    FindingRow {
        rule: finding.rule.to_string(),
        title: rule_title(finding.rule),
        severity: finding.severity.id().to_string(),
        nodes: finding.nodes.clone(),
        message: finding.message.clone(),
        fix: finding.fix.clone(),
        evidence: finding
            .evidence
            .iter()
            .map(|(key, value)| {
                let value = match value {
                    Evidence::Int(v) => EvidenceValue::Int(*v),
                    Evidence::Num(v) => EvidenceValue::Num(*v),
                    Evidence::Text(v) => EvidenceValue::Text(v.clone()),
                    Evidence::List(v) => EvidenceValue::List(v.clone()),
                };
                (key.to_string(), value)
            })
            .collect(),
        gain_us: finding.gain_us,
    }
}

/// The rule's title from the rule table; a rule the table lacks shows its id.
pub(super) fn rule_title(rule: &str) -> String {
    RULES
        .iter()
        .find(|r| r.id == rule)
        .map_or_else(|| rule.to_string(), |r| r.title.to_string())
}

#[cfg(test)]
mod tests {
    use opscope_engine::analysis::{analyze, AnalyzeOptions, CannVersion};
    use opscope_engine::{open_model, InputFile};

    use super::*;

    fn resnet() -> Model {
        let (_, bytes) = opscope_engine::samples::bundled().remove(0);
        open_model(&InputFile::new("resnet50.onnx", bytes)).expect("sample")
    }

    fn analysed(target: TargetKey) -> (Model, AnalysisData) {
        let model = resnet();
        let options = AnalyzeOptions {
            target: target.engine_id(),
            cann: CannVersion::DEFAULT,
        };
        let analysis = analyze(&model, None, &options);
        let data = analysis_data(&model, &analysis, target);
        (model, data)
    }

    #[test]
    fn every_node_of_the_main_graph_gets_a_unit_and_a_reason() {
        let (model, data) = analysed(TargetKey::Ascend310);
        assert_eq!(data.nodes.len(), model.graph.nodes.len());
        assert!(data.estimated);
        assert_eq!(data.target_name, "Ascend 310");
        assert_eq!(data.cann, "8.0.RC1");
        // The first node of the sample is its first convolution: a Cube op by the table.
        let first = &data.nodes[0];
        assert_eq!(model.graph.nodes[0].op_type, "Conv");
        assert_eq!(first.unit, ExecUnitId::Cube);
        assert_eq!(first.source, UnitSourceId::Predicted);
        assert!(
            data.reason(first).contains("Conv2D"),
            "{}",
            data.reason(first)
        );
        // Reasons are shared, not repeated per node.
        assert!(
            data.reasons.len() < data.nodes.len() / 4,
            "{:?}",
            data.reasons
        );
        let counted: usize = data.units.iter().map(|u| u.nodes).sum();
        assert_eq!(counted, data.nodes.len());
        assert!(data.units.iter().any(|u| u.unit == ExecUnitId::Cube));
        assert!(data.unit_check.is_none(), "no profile, no unit check");
    }

    #[test]
    fn the_target_is_the_one_asked_for() {
        let (_, data) = analysed(TargetKey::Ascend910B);
        assert_eq!(data.target, TargetKey::Ascend910B);
        assert_eq!(data.target_name, TargetKey::Ascend910B.name());
    }

    #[test]
    fn unit_totals_count_nodes_and_time_per_unit() {
        let node = |unit, estimated_us, measured_us| NodeAnalysis {
            unit,
            source: UnitSourceId::Predicted,
            reason: 0,
            predicted: unit,
            group: None,
            estimated_us,
            measured_us,
        };
        let nodes = [
            node(ExecUnitId::Cube, 10.0, Some(12.0)),
            node(ExecUnitId::Cube, 5.0, None),
            node(ExecUnitId::AiCpu, 30.0, Some(40.0)),
        ];
        let estimated = unit_totals(&nodes, true);
        assert_eq!(
            estimated
                .iter()
                .map(|t| (t.unit, t.nodes, t.time_us))
                .collect::<Vec<_>>(),
            vec![(ExecUnitId::Cube, 2, 15.0), (ExecUnitId::AiCpu, 1, 30.0)]
        );
        let measured = unit_totals(&nodes, false);
        assert_eq!(measured[0].time_us, 12.0);
        assert_eq!(measured[1].time_us, 40.0);
    }
}
