//! Layered (Sugiyama-style) layout of a directed graph, top to bottom.
//!
//! Invariants:
//! - Knows nothing about ops, tensors or formats: boxes and edges in, coordinates out.
//! - Deterministic: the same input gives the same output, bit for bit (no hash-order iteration,
//!   no randomness, no time).
//! - Independent of node numbering: nodes are renumbered by first appearance in the edge list
//!   before any stage runs, so renaming the nodes (edges in the same order) renames the drawing
//!   and changes nothing else. Only nodes without edges keep their index order.
//! - Never panics on any input: cycles, self-loops, duplicate edges, isolated nodes and edges
//!   that name missing nodes are all accepted (missing-node edges are ignored).
//! - Every accepted edge points down in `layers`, except edges reversed to break a cycle, whose
//!   routes are still given from `from` to `to`.
//! - Boxes in a row do not overlap: neighbours are at least `node_gap` apart; rows are
//!   `layer_gap` apart and every box is centred vertically in its row.
//! - Time and memory stay near-linear (no recursion, no quadratic step): in graphs so dense with
//!   long edges that routing them all would not be linear, the longest are drawn straight.
//!
//! Stages, one file each: `acyclic` (clean edges, break cycles), `layering` (layer per node),
//! `virtual_nodes` (split long edges), `ordering` (crossing reduction), `coordinates` (x per
//! node, y per row), `routing` (polylines); then `packing` (many small disconnected parts in
//! rows rather than one very wide row).

mod acyclic;
mod adjacency;
mod coordinates;
mod layering;
mod ordering;
mod packing;
mod routing;
mod virtual_nodes;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

/// Size of one node box, in layout units (the viewer uses CSS pixels at zoom 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoxSize {
    pub width: f64,
    pub height: f64,
}

/// What to lay out: node boxes and directed edges `(from, to)` by node index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LayoutInput {
    pub nodes: Vec<BoxSize>,
    pub edges: Vec<(usize, usize)>,
}

/// Spacing knobs; there is no `Default` on purpose, callers say what they want (see
/// [`LayoutConfig::viewer`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LayoutConfig {
    /// Minimum horizontal gap between neighbouring boxes in a layer.
    pub node_gap: f64,
    /// Vertical gap between the bottom of one layer and the top of the next.
    pub layer_gap: f64,
}

impl LayoutConfig {
    /// The spacing the web viewer and SVG export use.
    pub fn viewer() -> LayoutConfig {
        LayoutConfig {
            node_gap: 24.0,
            layer_gap: 36.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Placed box: `x`, `y` is the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Route of one input edge: a polyline from the bottom of the source box to the top of the target
/// box, through the positions of the virtual nodes of long edges. The viewer draws it as a
/// smooth curve through these points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeRoute {
    pub from: usize,
    pub to: usize,
    pub points: Vec<Point>,
}

/// The result: one rect per input node (same order), one route per accepted input edge (same
/// order as the input, skipping self-loops and edges naming missing nodes), and the bounding box.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub nodes: Vec<Rect>,
    pub edges: Vec<EdgeRoute>,
    pub width: f64,
    pub height: f64,
    /// Layer index of every node (0 = top), for level-of-detail and tests.
    pub layers: Vec<u32>,
}

/// Lays out `input` top to bottom. A graph of many small disconnected parts that would make
/// one very wide row is drawn again with its parts packed in rows ([`packing`]).
pub fn layout(input: &LayoutInput, config: &LayoutConfig) -> Layout {
    let placed = layout_side_by_side(input, config);
    packing::pack_if_too_wide(input, config, placed)
}

/// The layered layout, disconnected parts side by side; routes per input edge (`None` for a
/// self-loop or an edge naming a missing node).
pub(crate) fn layout_side_by_side(input: &LayoutInput, config: &LayoutConfig) -> Placed {
    let n_nodes = input.nodes.len();
    // Every stage breaks ties by node index; numbering the nodes by their first appearance in
    // the edge list first makes the drawing independent of how the caller numbered them.
    let (node_of_rank, rank_of_node) = canonical_numbering(n_nodes, &input.edges);
    let widths: Vec<f64> = node_of_rank
        .iter()
        .map(|&node_idx| sane_length(input.nodes[node_idx].width))
        .collect();
    let heights: Vec<f64> = node_of_rank
        .iter()
        .map(|&node_idx| sane_length(input.nodes[node_idx].height))
        .collect();
    let ranked_edges: Vec<(usize, usize)> = input
        .edges
        .iter()
        .map(|&(from, to)| {
            let rank = |node_idx: usize| rank_of_node.get(node_idx).copied().unwrap_or(usize::MAX);
            (rank(from), rank(to))
        })
        .collect();
    let node_gap = sane_length(config.node_gap);
    let layer_gap = sane_length(config.layer_gap);

    let acyclic_edges = acyclic::make_acyclic(n_nodes, &ranked_edges);
    let layers = layering::assign_layers(n_nodes, &acyclic_edges.dag_edges);
    let graph = virtual_nodes::build(&layers, &widths, &acyclic_edges.dag_edges);
    let ordering = ordering::order_nodes(&graph);
    let mut centre_x = coordinates::assign_x(&graph, &ordering, node_gap);
    let rows = coordinates::assign_rows(graph.n_layers, &layers, &heights, layer_gap);

    // Shift so the leftmost box edge or long-edge line is at x = 0.
    let left = (0..graph.n_nodes())
        .map(|node_idx| centre_x[node_idx] - graph.width[node_idx] / 2.0)
        .fold(f64::INFINITY, f64::min);
    if left.is_finite() {
        centre_x.iter_mut().for_each(|x| *x -= left);
    }
    let width = (0..graph.n_nodes())
        .map(|node_idx| centre_x[node_idx] + graph.width[node_idx] / 2.0)
        .fold(0.0, f64::max);

    let ranked_rects: Vec<Rect> = (0..n_nodes)
        .map(|rank| {
            let layer_idx = layers[rank] as usize;
            Rect {
                // Rounding in the shift can leave -1e-14; the drawing starts at 0 exactly.
                x: (centre_x[rank] - widths[rank] / 2.0).max(0.0),
                y: rows.top[layer_idx] + (rows.height[layer_idx] - heights[rank]) / 2.0,
                width: widths[rank],
                height: heights[rank],
            }
        })
        .collect();

    let dag_routes = routing::route_dag_edges(&graph, &ordering, &centre_x, &ranked_rects, &rows);
    let routes = acyclic_edges
        .input_to_dag
        .iter()
        .map(|mapping| {
            let &(dag_edge_idx, reversed) = mapping.as_ref()?;
            let mut points = dag_routes.get(dag_edge_idx)?.clone();
            if reversed {
                points.reverse();
            }
            Some(points)
        })
        .collect();

    Placed {
        nodes: rank_of_node
            .iter()
            .map(|&rank| ranked_rects[rank])
            .collect(),
        routes,
        width,
        height: rows.total_height(),
        layers: rank_of_node.iter().map(|&rank| layers[rank]).collect(),
    }
}

/// A layout before its routes are named by their edges: one route slot per input edge.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Placed {
    pub nodes: Vec<Rect>,
    pub routes: Vec<Option<Vec<Point>>>,
    pub width: f64,
    pub height: f64,
    pub layers: Vec<u32>,
}

impl Placed {
    /// The [`Layout`] of `input`: routes of the accepted edges, in input order.
    fn into_layout(self, input: &LayoutInput) -> Layout {
        let edges = input
            .edges
            .iter()
            .zip(self.routes)
            .filter_map(|(&(from, to), points)| {
                Some(EdgeRoute {
                    from,
                    to,
                    points: points?,
                })
            })
            .collect();
        Layout {
            nodes: self.nodes,
            edges,
            width: self.width,
            height: self.height,
            layers: self.layers,
        }
    }
}

/// Nodes in order of first appearance in `edges` (source before target), then the nodes without
/// edges in index order: `(node of every rank, rank of every node)`.
fn canonical_numbering(n_nodes: usize, edges: &[(usize, usize)]) -> (Vec<usize>, Vec<usize>) {
    let mut rank_of_node = vec![usize::MAX; n_nodes];
    let mut node_of_rank = Vec::with_capacity(n_nodes);
    let ends = edges
        .iter()
        .filter(|&&(from, to)| from < n_nodes && to < n_nodes)
        .flat_map(|&(from, to)| [from, to]);
    for node_idx in ends.chain(0..n_nodes) {
        if rank_of_node[node_idx] == usize::MAX {
            rank_of_node[node_idx] = node_of_rank.len();
            node_of_rank.push(node_idx);
        }
    }
    (node_of_rank, rank_of_node)
}

/// Largest length accepted from the input; beyond it sums of lengths could overflow to infinity.
const MAX_LENGTH: f64 = 1e9;

/// Lengths from the input: NaN, infinite and negative become 0, huge ones are capped, so no
/// arithmetic below can produce NaN.
fn sane_length(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 {
        value.min(MAX_LENGTH)
    } else {
        0.0
    }
}
