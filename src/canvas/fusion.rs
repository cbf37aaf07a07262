//! Fusion groups drawn as outlines: the bounding box of each group's members, computed once per
//! graph and analysis and culled like the nodes. UB groups are drawn solid, L2 and L1 candidate
//! groups dashed and a little further out, so a UB group inside one stays visible. Near misses
//! (chains a pattern almost fused) get outlines of their own, which the fusion overlay draws
//! dashed, with their reason on the hovered member's tooltip. Pure: tested natively.

use opscope_engine::report::{GraphView, ViewNodeKind};

use crate::state::Bounds;
use crate::worker::protocol::{AnalysisData, FusionKindId};

/// Space between a group's members and its outline, in world units, per kind.
fn padding(kind: FusionKindId) -> f64 {
    match kind {
        FusionKindId::Ub => 8.0,
        FusionKindId::L2 => 14.0,
        FusionKindId::L1 => 20.0,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupOutline {
    /// Index into the analysis's groups.
    pub group: usize,
    pub kind: FusionKindId,
    pub pattern: String,
    pub bounds: Bounds,
    /// Boxes drawing its members in this view (a folded box counts once).
    pub members: usize,
}

/// A chain a pattern almost fused.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMissOutline {
    pub pattern: String,
    /// Why the pattern stopped, with the numbers.
    pub reason: String,
    pub bounds: Bounds,
}

/// Space between a near miss's members and its outline: outside a UB group's, inside an L2's.
const NEAR_MISS_PADDING: f64 = 11.0;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FusionOutlines {
    pub outlines: Vec<GroupOutline>,
    pub near_misses: Vec<NearMissOutline>,
    /// Per view node: whether it is in a UB group (the fusion overlay dims the others).
    pub in_ub_group: Vec<bool>,
    /// Per view node: the near miss it belongs to (index in `near_misses`), first one wins.
    pub near_miss_of: Vec<Option<usize>>,
}

/// The bounding box of `rects` grown by `pad`; `None` without rects or for non-finite boxes.
fn padded_bounds(rects: &[opscope_engine::layout::Rect], pad: f64) -> Option<Bounds> {
    let first = rects.first()?;
    let (mut x0, mut y0) = (first.x, first.y);
    let (mut x1, mut y1) = (first.x + first.width, first.y + first.height);
    for r in rects {
        x0 = x0.min(r.x);
        y0 = y0.min(r.y);
        x1 = x1.max(r.x + r.width);
        y1 = y1.max(r.y + r.height);
    }
    let bounds = Bounds {
        x: x0 - pad,
        y: y0 - pad,
        width: x1 - x0 + 2.0 * pad,
        height: y1 - y0 + 2.0 * pad,
    };
    [bounds.x, bounds.y, bounds.width, bounds.height]
        .iter()
        .all(|v| v.is_finite())
        .then_some(bounds)
}

impl FusionOutlines {
    /// The outlines of the groups of `analysis` in `view`, which must draw the main graph. A
    /// group with no member in the view is left out.
    pub fn new(view: &GraphView, analysis: &AnalysisData) -> FusionOutlines {
        let n_graph_nodes = analysis.nodes.len();
        let mut view_of = vec![None; n_graph_nodes];
        for (view_idx, node) in view.nodes.iter().enumerate() {
            if let Some(slot) = node.graph_node.and_then(|g| view_of.get_mut(g)) {
                *slot = Some(view_idx);
            }
        }
        // Members of a folded scope or group are drawn by its box.
        for fold in &view.folds {
            for &member in &fold.members {
                if let Some(slot) = view_of.get_mut(member) {
                    *slot = Some(fold.view);
                }
            }
        }
        // The boxes drawing a group, each once; none when one folded box holds it all (the
        // outline would only circle that box, and stack on the others it holds).
        let rects_of = |nodes: &[usize]| -> Vec<opscope_engine::layout::Rect> {
            let mut boxes: Vec<usize> = nodes
                .iter()
                .filter_map(|&g| view_of.get(g).copied().flatten())
                .collect();
            boxes.sort_unstable();
            boxes.dedup();
            let inside_one_fold = boxes.len() == 1
                && view
                    .nodes
                    .get(boxes[0])
                    .is_some_and(|n| n.kind == ViewNodeKind::Folded);
            if inside_one_fold {
                return Vec::new();
            }
            boxes
                .into_iter()
                .filter_map(|v| view.nodes.get(v).map(|n| n.rect))
                .collect()
        };
        let mut in_ub_group = vec![false; view.nodes.len()];
        let outlines = analysis
            .groups
            .iter()
            .enumerate()
            .filter_map(|(group_idx, group)| {
                let rects = rects_of(&group.nodes);
                if group.kind == FusionKindId::Ub {
                    for v in group
                        .nodes
                        .iter()
                        .filter_map(|&g| view_of.get(g).copied().flatten())
                    {
                        if let Some(flag) = in_ub_group.get_mut(v) {
                            *flag = true;
                        }
                    }
                }
                let bounds = padded_bounds(&rects, padding(group.kind))?;
                Some(GroupOutline {
                    group: group_idx,
                    kind: group.kind,
                    pattern: group.pattern.clone(),
                    bounds,
                    members: rects.len(),
                })
            })
            .collect();
        let mut near_miss_of = vec![None; view.nodes.len()];
        let mut near_misses = Vec::new();
        for miss in &analysis.near_misses {
            let rects = rects_of(&miss.nodes);
            let Some(bounds) = padded_bounds(&rects, NEAR_MISS_PADDING) else {
                continue;
            };
            let idx = near_misses.len();
            for v in miss
                .nodes
                .iter()
                .filter_map(|&g| view_of.get(g).copied().flatten())
            {
                if let Some(slot @ None) = near_miss_of.get_mut(v) {
                    *slot = Some(idx);
                }
            }
            near_misses.push(NearMissOutline {
                pattern: miss.pattern.clone(),
                reason: miss.reason.clone(),
                bounds,
            });
        }
        FusionOutlines {
            outlines,
            near_misses,
            in_ub_group,
            near_miss_of,
        }
    }

    /// The near miss `view_node` belongs to, if any.
    pub fn near_miss(&self, view_node: usize) -> Option<&NearMissOutline> {
        self.near_misses
            .get(self.near_miss_of.get(view_node).copied().flatten()?)
    }

    pub fn near_misses_in<'a>(
        &'a self,
        area: &'a Bounds,
    ) -> impl Iterator<Item = &'a NearMissOutline> + 'a {
        self.near_misses
            .iter()
            .filter(move |o| o.bounds.intersects(area))
    }

    pub fn in_area<'a>(&'a self, area: &'a Bounds) -> impl Iterator<Item = &'a GroupOutline> + 'a {
        self.outlines
            .iter()
            .filter(move |o| o.bounds.intersects(area))
    }

    pub fn is_empty(&self) -> bool {
        self.outlines.is_empty() && self.near_misses.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::units::tests::analysis_of;
    use crate::state::fixtures::column_view;
    use crate::worker::protocol::{ExecUnitId, FusionGroupRow, NearMissRow};

    #[test]
    fn a_group_inside_one_folded_box_has_no_outline_but_keeps_its_colour() {
        // Box 3 stands for IR nodes 3, 4 and 5 (a folded scope).
        let mut view = column_view(4);
        view.nodes[3].kind = ViewNodeKind::Folded;
        view.nodes[3].graph_node = None;
        view.folds = vec![opscope_engine::report::FoldedBox {
            view: 3,
            kind: opscope_engine::report::FoldKind::Scope,
            key: "block".into(),
            members: vec![3, 4, 5],
            names: vec!["a".into(), "b".into(), "c".into()],
            op_types: vec!["Relu".into(); 3],
        }];
        let mut analysis = analysis_of(&[ExecUnitId::Vector; 6]);
        let ub = |nodes: Vec<usize>| FusionGroupRow {
            kind: FusionKindId::Ub,
            pattern: "TbeMultiOutputFusionPass".into(),
            nodes,
            ddr_bytes_saved: 0,
            gain_us: 0.0,
        };
        // Inside the box; across its border.
        analysis.groups = vec![ub(vec![4, 5]), ub(vec![2, 3])];
        let outlines = FusionOutlines::new(&view, &analysis);
        assert_eq!(outlines.outlines.len(), 1);
        assert_eq!(outlines.outlines[0].group, 1);
        assert_eq!(outlines.outlines[0].members, 2);
        // The fusion overlay does not dim the box holding a group.
        assert_eq!(outlines.in_ub_group, vec![false, false, true, true]);
    }

    #[test]
    fn an_outline_surrounds_the_members_of_its_group() {
        let view = column_view(4);
        let mut analysis = analysis_of(&[ExecUnitId::Cube; 4]);
        analysis.groups = vec![
            FusionGroupRow {
                kind: FusionKindId::Ub,
                pattern: "TbeConvElemwiseFusionPass".into(),
                nodes: vec![1, 2],
                ddr_bytes_saved: 4096,
                gain_us: 0.0,
            },
            FusionGroupRow {
                kind: FusionKindId::L2,
                pattern: "L2Fusion".into(),
                nodes: vec![0, 3, 99],
                ddr_bytes_saved: 0,
                gain_us: 0.0,
            },
            FusionGroupRow {
                kind: FusionKindId::Ub,
                pattern: "nowhere".into(),
                nodes: vec![42],
                ddr_bytes_saved: 0,
                gain_us: 0.0,
            },
        ];
        let outlines = FusionOutlines::new(&view, &analysis);
        assert_eq!(
            outlines.outlines.len(),
            2,
            "a group without members in view is skipped"
        );
        let ub = &outlines.outlines[0];
        // Nodes 1 and 2: y 60..100 and 120..160, x 0..100; padded by 8.
        assert_eq!(
            ub.bounds,
            Bounds {
                x: -8.0,
                y: 52.0,
                width: 116.0,
                height: 116.0
            }
        );
        assert_eq!(
            (ub.members, ub.pattern.as_str()),
            (2, "TbeConvElemwiseFusionPass")
        );
        let l2 = &outlines.outlines[1];
        assert_eq!(
            (l2.kind, l2.members, l2.bounds.y),
            (FusionKindId::L2, 2, -14.0)
        );
        let area = Bounds {
            x: 0.0,
            y: 200.0,
            width: 10.0,
            height: 10.0,
        };
        let visible: Vec<usize> = outlines.in_area(&area).map(|o| o.group).collect();
        assert_eq!(visible, vec![1]);
    }

    #[test]
    fn near_misses_get_outlines_and_mark_their_members() {
        let view = column_view(4);
        let mut analysis = analysis_of(&[ExecUnitId::Cube; 4]);
        analysis.groups = vec![FusionGroupRow {
            kind: FusionKindId::Ub,
            pattern: "TbeConvElemwiseFusionPass".into(),
            nodes: vec![0, 1],
            ddr_bytes_saved: 0,
            gain_us: 0.0,
        }];
        analysis.near_misses = vec![NearMissRow {
            pattern: "TbeConvElemwiseFusionPass".into(),
            nodes: vec![0, 1, 2, 77],
            blocker: Some(2),
            reason: "4 element-wise ops follow the convolution; the pattern takes at most 3".into(),
            fix: String::new(),
            ddr_bytes_saved: 0,
            gain_us: 0.0,
        }];
        let outlines = FusionOutlines::new(&view, &analysis);
        assert_eq!(outlines.in_ub_group, vec![true, true, false, false]);
        assert_eq!(outlines.near_misses.len(), 1);
        let miss = outlines.near_miss(2).expect("node 2 is in the near miss");
        assert!(miss.reason.starts_with("4 element-wise"));
        assert!(outlines.near_miss(3).is_none());
        // Nodes 0..=2: y 0..160, padded by 11.
        assert_eq!(miss.bounds.y, -11.0);
        assert_eq!(miss.bounds.height, 182.0);
    }
}
