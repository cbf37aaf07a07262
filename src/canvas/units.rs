//! The colour-by-unit overlay: each op node of the main graph coloured by the execution unit the
//! analysis gives it (predicted, from the compiled graph, or measured), and the node count per
//! unit for the legend. Pure: tested natively.

use opscope_engine::report::{GraphView, ViewNodeKind};

use crate::worker::protocol::{AnalysisData, ExecUnitId};

#[derive(Debug, Clone, PartialEq)]
pub struct UnitMap {
    /// Per view node: its unit, `None` for inputs, outputs and nodes the analysis lacks.
    pub units: Vec<Option<ExecUnitId>>,
    /// Nodes per unit, in [`ExecUnitId::ALL`] order (every unit, zero included).
    pub counts: Vec<(ExecUnitId, usize)>,
    /// Nodes whose unit a profile measured.
    pub n_measured: usize,
}

/// The unit most of `members` run on (ties to the first in [`ExecUnitId::ALL`] order).
fn dominant_unit<'a>(
    members: impl Iterator<Item = &'a usize>,
    analysis: &AnalysisData,
) -> Option<ExecUnitId> {
    let mut counts = [0usize; ExecUnitId::ALL.len()];
    for &member in members {
        if let Some(node) = analysis.node(member) {
            if let Some(slot) = ExecUnitId::ALL.iter().position(|&u| u == node.unit) {
                counts[slot] += 1;
            }
        }
    }
    let (slot, &count) = counts
        .iter()
        .enumerate()
        .rev()
        .max_by_key(|(_, &count)| count)?;
    (count > 0).then(|| ExecUnitId::ALL[slot])
}

impl UnitMap {
    /// The overlay of `view`, which must draw the main graph the analysis is of.
    pub fn new(view: &GraphView, analysis: &AnalysisData) -> UnitMap {
        let mut counts: Vec<(ExecUnitId, usize)> =
            ExecUnitId::ALL.iter().map(|&unit| (unit, 0)).collect();
        let mut n_measured = 0;
        let folds: std::collections::HashMap<usize, &opscope_engine::report::FoldedBox> =
            view.folds.iter().map(|f| (f.view, f)).collect();
        let units = view
            .nodes
            .iter()
            .enumerate()
            .map(|(idx, node)| {
                if node.kind == ViewNodeKind::Folded {
                    // A folded box: the unit most of its members run on (not counted in the
                    // legend, whose counts are of nodes).
                    return dominant_unit(folds.get(&idx)?.members.iter(), analysis);
                }
                if node.kind != ViewNodeKind::Op {
                    return None;
                }
                let analysed = analysis.node(node.graph_node?)?;
                if let Some((_, count)) = counts.iter_mut().find(|(u, _)| *u == analysed.unit) {
                    *count += 1;
                }
                if analysed.source == crate::worker::protocol::UnitSourceId::Measured {
                    n_measured += 1;
                }
                Some(analysed.unit)
            })
            .collect();
        UnitMap {
            units,
            counts,
            n_measured,
        }
    }

    pub fn count(&self, unit: ExecUnitId) -> usize {
        self.counts
            .iter()
            .find(|(u, _)| *u == unit)
            .map_or(0, |(_, n)| *n)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::state::fixtures::column_view;
    use crate::worker::protocol::{NodeAnalysis, TargetKey, UnitSourceId};

    /// An analysis of [`column_view`]`(n)` with the given units, each node its own reason.
    pub(crate) fn analysis_of(units: &[ExecUnitId]) -> AnalysisData {
        AnalysisData {
            target: TargetKey::Ascend310,
            target_name: "Ascend 310".into(),
            cann: "8.0.RC1".into(),
            estimated: true,
            nodes: units
                .iter()
                .enumerate()
                .map(|(idx, &unit)| NodeAnalysis {
                    unit,
                    source: UnitSourceId::Predicted,
                    reason: idx,
                    predicted: unit,
                    group: None,
                    estimated_us: 10.0 * (idx + 1) as f64,
                    measured_us: None,
                })
                .collect(),
            reasons: (0..units.len())
                .map(|idx| format!("reason {idx}"))
                .collect(),
            groups: Vec::new(),
            near_misses: Vec::new(),
            findings: Vec::new(),
            skipped_checks: Vec::new(),
            notes: Vec::new(),
            units: Vec::new(),
            estimated_total_us: 0.0,
            unit_check: None,
            fusion_check: None,
        }
    }

    #[test]
    fn a_folded_box_takes_the_unit_most_of_its_members_run_on() {
        let mut view = column_view(2);
        view.nodes[1].kind = ViewNodeKind::Folded;
        view.nodes[1].graph_node = None;
        view.folds = vec![opscope_engine::report::FoldedBox {
            view: 1,
            kind: opscope_engine::report::FoldKind::Scope,
            key: "block".into(),
            members: vec![1, 2, 3],
            names: vec!["a".into(), "b".into(), "c".into()],
            op_types: vec!["Relu".into(); 3],
        }];
        let analysis = analysis_of(&[
            ExecUnitId::Cube,
            ExecUnitId::AiCpu,
            ExecUnitId::Cube,
            ExecUnitId::AiCpu,
        ]);
        let map = UnitMap::new(&view, &analysis);
        assert_eq!(
            map.units,
            vec![Some(ExecUnitId::Cube), Some(ExecUnitId::AiCpu)]
        );
        // The legend counts nodes drawn on their own.
        assert_eq!(map.count(ExecUnitId::Cube), 1);
    }

    #[test]
    fn op_nodes_take_their_analysed_unit() {
        let mut view = column_view(4);
        view.nodes[3].kind = ViewNodeKind::Output;
        let analysis = analysis_of(&[ExecUnitId::Cube, ExecUnitId::AiCpu, ExecUnitId::Cube]);
        let map = UnitMap::new(&view, &analysis);
        assert_eq!(
            map.units,
            vec![
                Some(ExecUnitId::Cube),
                Some(ExecUnitId::AiCpu),
                Some(ExecUnitId::Cube),
                None
            ]
        );
        assert_eq!(map.count(ExecUnitId::Cube), 2);
        assert_eq!(map.count(ExecUnitId::Vector), 0);
        assert_eq!(map.counts.len(), ExecUnitId::ALL.len());
        // A view node past the analysis (a stale or odd view) is left uncoloured.
        let short = analysis_of(&[ExecUnitId::Vector]);
        assert_eq!(UnitMap::new(&view, &short).units[1], None);
    }
}
