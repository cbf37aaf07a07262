//! What the canvas needs from a graph view, computed once per loaded graph: node boxes, edge
//! curves with their bounds, the edges of every node; plus hit testing and level of detail.
//! Pure: tested natively.

use std::cell::OnceCell;

use opscope_engine::layout::Point;
use opscope_engine::report::{GraphView, ViewNodeKind};

use super::geometry::{
    bounds_of, distance_to_polyline, edge_shape, EdgeShape, ARROW_HALF_WIDTH, ARROW_LENGTH,
};
use crate::state::Bounds;

pub struct Scene {
    pub nodes: Vec<Bounds>,
    /// `None` for edges without a usable route (they are not drawn).
    pub edges: EdgeShapes,
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
        for (edge_idx, edge) in view.edges.iter().enumerate() {
            for end in [edge.from, edge.to] {
                if let Some(list) = node_edges.get_mut(end) {
                    list.push(edge_idx);
                }
            }
        }
        let edges = EdgeShapes::new(view);
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
        for edge_idx in 0..self.edges.len() {
            let near =
                self.edges.reach[edge_idx].is_some_and(|b| b.inflate(tolerance).contains(x, y));
            let Some(Some(shape)) = near.then(|| self.edges.get(edge_idx)).flatten() else {
                continue;
            };
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
        (0..self.edges.len()).filter(move |&idx| {
            self.edges.reach[idx].is_some_and(|b| b.intersects(area))
                && self
                    .edges
                    .get(idx)
                    .is_some_and(|s| s.as_ref().is_some_and(|s| s.bounds.intersects(area)))
        })
    }
}

/// The edges' curves, each built the first time it is asked for: the first draw of a
/// 100,000-node graph needs only the few in view. Until then an edge is known by where it can
/// reach (its route's box grown by an arrowhead), which holds its curve.
pub struct EdgeShapes {
    /// Every edge's route, one after the other; edge `i`'s is `points[starts[i]..starts[i + 1]]`.
    points: Vec<Point>,
    starts: Vec<usize>,
    /// `None` for a route that makes no curve (fewer than two points, or not finite).
    reach: Vec<Option<Bounds>>,
    shapes: Vec<OnceCell<Option<EdgeShape>>>,
}

impl EdgeShapes {
    fn new(view: &GraphView) -> EdgeShapes {
        let n_points = view.edges.iter().map(|e| e.points.len()).sum();
        let mut points = Vec::with_capacity(n_points);
        let mut starts = Vec::with_capacity(view.edges.len() + 1);
        let mut reach = Vec::with_capacity(view.edges.len());
        starts.push(0);
        // The curve stays in its route's box, but for the arrowhead, which can stick out by its
        // length or half its width.
        let margin = ARROW_LENGTH.max(ARROW_HALF_WIDTH);
        for edge in &view.edges {
            points.extend_from_slice(&edge.points);
            starts.push(points.len());
            let curves = edge.points.len() >= 2
                && edge
                    .points
                    .iter()
                    .all(|p| p.x.is_finite() && p.y.is_finite());
            reach.push(curves.then(|| bounds_of(edge.points.iter().copied()).inflate(margin)));
        }
        EdgeShapes {
            points,
            starts,
            reach,
            shapes: (0..view.edges.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// The curve of edge `idx` (`Some(None)`: the edge has no usable route).
    pub fn get(&self, idx: usize) -> Option<&Option<EdgeShape>> {
        let cell = self.shapes.get(idx)?;
        Some(cell.get_or_init(|| {
            self.reach[idx]?;
            edge_shape(&self.points[self.starts[idx]..self.starts[idx + 1]])
        }))
    }
}

impl std::ops::Index<usize> for EdgeShapes {
    type Output = Option<EdgeShape>;

    fn index(&self, idx: usize) -> &Option<EdgeShape> {
        self.get(idx).expect("an edge of the scene")
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
    fn curves_are_built_when_asked_for_and_match_the_eager_ones() {
        let mut view = column_view(6);
        let route = |pairs: &[(f64, f64)]| pairs.iter().map(|&(x, y)| Point { x, y }).collect();
        for (from, to, points) in [
            (0, 1, route(&[(50.0, 40.0), (50.0, 60.0)])),
            (
                1,
                4,
                route(&[(50.0, 100.0), (180.0, 140.0), (180.0, 200.0), (60.0, 240.0)]),
            ),
            // A flat last piece: the arrow points sideways, past the route's box.
            (2, 3, route(&[(50.0, 160.0), (52.0, 160.0)])),
        ] {
            view.edges.push(ViewEdge {
                from,
                to,
                tensor: "t".into(),
                label: String::new(),
                points,
            });
        }
        let scene = Scene::new(&view);
        for (idx, edge) in view.edges.iter().enumerate() {
            let eager = edge_shape(&edge.points).expect("a curve");
            let lazy = scene.edges[idx].as_ref().expect("a curve");
            assert_eq!(lazy.flat, eager.flat);
            assert_eq!(lazy.arrow, eager.arrow);
            let reach = scene.edges.reach[idx].expect("a reach");
            let b = eager.bounds;
            assert!(
                reach.contains(b.x, b.y) && reach.contains(b.x + b.width, b.y + b.height),
                "edge {idx}: {reach:?} holds {b:?}"
            );
        }
        // What a view sees is what the eager curves say.
        for area in [
            Bounds {
                x: 170.0,
                y: 150.0,
                width: 20.0,
                height: 20.0,
            },
            Bounds {
                x: 0.0,
                y: 0.0,
                width: 60.0,
                height: 50.0,
            },
            Bounds {
                x: 53.0,
                y: 150.0,
                width: 3.0,
                height: 20.0,
            },
            Bounds {
                x: 400.0,
                y: 0.0,
                width: 10.0,
                height: 10.0,
            },
        ] {
            let eager: Vec<usize> = (0..view.edges.len())
                .filter(|&idx| {
                    edge_shape(&view.edges[idx].points).is_some_and(|s| s.bounds.intersects(&area))
                })
                .collect();
            assert_eq!(scene.edges_in(&area).collect::<Vec<_>>(), eager, "{area:?}");
        }
    }

    #[test]
    fn edges_with_bad_routes_are_skipped() {
        let mut view = two_nodes_with_edge();
        view.edges[0].points.clear();
        view.edges[0].to = 7;
        let scene = Scene::new(&view);
        assert!(scene.edges[0].is_none());
        assert_eq!(scene.edges.len(), 1);
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
