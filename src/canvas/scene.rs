//! What the canvas needs from a graph view, computed once per loaded graph: node boxes, edge
//! curves with their bounds, the edges of every node; plus hit testing and level of detail.
//! Pure: tested natively.

use opscope_engine::report::{GraphView, ViewNodeKind};

use super::geometry::{distance_to_polyline, edge_shape, EdgeShape};
use crate::state::Bounds;

pub struct Scene {
    pub nodes: Vec<Bounds>,
    /// `None` for edges without a usable route (they are not drawn).
    pub edges: Vec<Option<EdgeShape>>,
    /// Edges entering and leaving each node, by edge index.
    pub node_edges: Vec<Vec<usize>>,
}

/// What to draw at a zoom level, so that huge graphs stay fast when zoomed out and text is only
/// drawn where it can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    /// Boxes are plain filled rectangles (no header band, no border).
    pub plain_boxes: bool,
    /// Edges as straight polylines instead of curves, without arrowheads.
    pub plain_edges: bool,
    /// Op type titles.
    pub titles: bool,
    /// Names and weight lines below the title.
    pub body_text: bool,
}

impl Detail {
    pub fn at(scale: f64) -> Detail {
        Detail {
            plain_boxes: scale < 0.12,
            plain_edges: scale < 0.2,
            titles: scale >= 0.45,
            body_text: scale >= 0.6,
        }
    }
}

impl Scene {
    pub fn new(view: &GraphView) -> Scene {
        let nodes: Vec<Bounds> = view
            .nodes
            .iter()
            .map(|n| Bounds::of_rect(&n.rect))
            .collect();
        let mut node_edges = vec![Vec::new(); nodes.len()];
        let edges = view
            .edges
            .iter()
            .enumerate()
            .map(|(edge_idx, edge)| {
                for end in [edge.from, edge.to] {
                    if let Some(list) = node_edges.get_mut(end) {
                        list.push(edge_idx);
                    }
                }
                edge_shape(&edge.points)
            })
            .collect();
        Scene {
            nodes,
            edges,
            node_edges,
        }
    }

    /// The node under the world point, if any (the last drawn wins where boxes overlap).
    pub fn node_at(&self, x: f64, y: f64) -> Option<usize> {
        self.nodes.iter().rposition(|b| b.contains(x, y))
    }

    /// The edge closest to the world point within `tolerance` world units.
    pub fn edge_at(&self, x: f64, y: f64, tolerance: f64) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (edge_idx, shape) in self.edges.iter().enumerate() {
            let Some(shape) = shape else { continue };
            if !shape.bounds.inflate(tolerance).contains(x, y) {
                continue;
            }
            let distance = distance_to_polyline(x, y, &shape.flat);
            if distance <= tolerance && best.is_none_or(|(_, d)| distance < d) {
                best = Some((edge_idx, distance));
            }
        }
        best.map(|(edge_idx, _)| edge_idx)
    }

    pub fn nodes_in<'a>(&'a self, area: &'a Bounds) -> impl Iterator<Item = usize> + 'a {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, b)| b.intersects(area))
            .map(|(idx, _)| idx)
    }

    pub fn edges_in<'a>(&'a self, area: &'a Bounds) -> impl Iterator<Item = usize> + 'a {
        self.edges
            .iter()
            .enumerate()
            .filter(move |(_, shape)| shape.as_ref().is_some_and(|s| s.bounds.intersects(area)))
            .map(|(idx, _)| idx)
    }
}

/// Names of the op nodes, in view order (what `window.opscope.nodeNames()` returns).
pub fn op_node_names(view: &GraphView) -> Vec<&str> {
    view.nodes
        .iter()
        .filter(|n| n.kind == ViewNodeKind::Op && !n.name.is_empty())
        .map(|n| n.name.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use opscope_engine::layout::Point;
    use opscope_engine::report::ViewEdge;

    use super::*;
    use crate::state::fixtures::column_view;

    fn two_nodes_with_edge() -> GraphView {
        let mut view = column_view(2);
        view.edges.push(ViewEdge {
            from: 0,
            to: 1,
            tensor: "t".into(),
            label: "f32 [1,3]".into(),
            points: vec![Point { x: 50.0, y: 40.0 }, Point { x: 50.0, y: 60.0 }],
        });
        view
    }

    #[test]
    fn nodes_are_hit_inside_their_box_only() {
        let scene = Scene::new(&two_nodes_with_edge());
        assert_eq!(scene.node_at(50.0, 20.0), Some(0));
        assert_eq!(scene.node_at(50.0, 70.0), Some(1));
        assert_eq!(scene.node_at(50.0, 50.0), None);
        assert_eq!(scene.node_at(150.0, 20.0), None);
    }

    #[test]
    fn edges_are_hit_near_their_curve() {
        let scene = Scene::new(&two_nodes_with_edge());
        assert_eq!(scene.edge_at(52.0, 50.0, 4.0), Some(0));
        assert_eq!(scene.edge_at(60.0, 50.0, 4.0), None);
        assert_eq!(scene.node_edges, vec![vec![0], vec![0]]);
    }

    #[test]
    fn culling_keeps_what_touches_the_area() {
        let scene = Scene::new(&column_view(10));
        let area = Bounds {
            x: 0.0,
            y: 100.0,
            width: 10.0,
            height: 100.0,
        };
        // Boxes at y = 60..100, 120..160, 180..220.
        assert_eq!(scene.nodes_in(&area).collect::<Vec<_>>(), vec![1, 2, 3]);
    }

    #[test]
    fn edges_with_bad_routes_are_skipped() {
        let mut view = two_nodes_with_edge();
        view.edges[0].points.clear();
        view.edges[0].to = 7;
        let scene = Scene::new(&view);
        assert!(scene.edges[0].is_none());
        assert_eq!(scene.edge_at(50.0, 50.0, 4.0), None);
        let everything = Bounds {
            x: -1e9,
            y: -1e9,
            width: 2e9,
            height: 2e9,
        };
        assert_eq!(scene.edges_in(&everything).count(), 0);
    }

    #[test]
    fn detail_drops_text_then_shapes_when_zooming_out() {
        assert_eq!(
            Detail::at(1.0),
            Detail {
                plain_boxes: false,
                plain_edges: false,
                titles: true,
                body_text: true
            }
        );
        assert!(Detail::at(0.5).titles && !Detail::at(0.5).body_text);
        assert!(!Detail::at(0.3).titles && !Detail::at(0.3).plain_edges);
        assert!(Detail::at(0.05).plain_boxes && Detail::at(0.05).plain_edges);
    }

    #[test]
    fn op_names_skip_io_and_unnamed_nodes() {
        let mut view = column_view(3);
        view.nodes[0].kind = ViewNodeKind::Input;
        view.nodes[2].name.clear();
        assert_eq!(op_node_names(&view), vec!["relu_1"]);
    }
}
