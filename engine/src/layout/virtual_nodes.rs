//! Virtual nodes: splits every DAG edge that spans several layers into a chain of zero-width
//! virtual nodes, one per crossed layer, so that afterwards every edge joins adjacent layers (a
//! "proper" layered graph). Real nodes keep their indices `0..n_real`; virtual nodes follow.
//!
//! The number of virtual nodes is the total edge span, which is quadratic in the worst case (one
//! node feeding every layer of a deep chain). Past a budget linear in the graph size, the longest
//! edges get no virtual nodes and are drawn as straight segments, so memory stays linear.

use super::adjacency::Adjacency;

/// Virtual nodes allowed per real node and edge, on top of [`VIRTUAL_NODE_BUDGET_BASE`].
const VIRTUAL_NODE_BUDGET_PER_ITEM: usize = 4;
/// Virtual nodes always allowed, so small graphs never lose routing.
const VIRTUAL_NODE_BUDGET_BASE: usize = 100_000;

/// How a DAG edge is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EdgeChain {
    /// Through virtual nodes `first..first + count`, top to bottom (`count` is 0 for short edges).
    Routed { first: usize, count: usize },
    /// Over the virtual node budget (or not pointing down): a straight segment, not part of the
    /// proper graph, so it neither affects ordering nor reserves space.
    Straight,
}

/// Layered graph in which every edge joins adjacent layers.
#[derive(Debug, Clone)]
pub(super) struct ProperGraph {
    pub(super) n_real: usize,
    pub(super) n_layers: usize,
    /// Layer of every node, real and virtual.
    pub(super) layer_of: Vec<usize>,
    /// Box width of real nodes; 0 for virtual nodes.
    pub(super) width: Vec<f64>,
    /// Neighbours in the layer above, per node.
    pub(super) up: Adjacency,
    /// Neighbours in the layer below, per node.
    pub(super) down: Adjacency,
    /// `(upper, lower)` real endpoints of every DAG edge.
    pub(super) edge_ends: Vec<(usize, usize)>,
    /// Layout of every DAG edge, same order as `edge_ends`.
    pub(super) chains: Vec<EdgeChain>,
}

impl ProperGraph {
    pub(super) fn n_nodes(&self) -> usize {
        self.layer_of.len()
    }

    pub(super) fn is_virtual(&self, node_idx: usize) -> bool {
        node_idx >= self.n_real
    }
}

/// Builds the proper graph from per-node `layers` and `widths` and the DAG edges.
pub(super) fn build(layers: &[u32], widths: &[f64], dag_edges: &[(usize, usize)]) -> ProperGraph {
    let n_real = layers.len();
    let n_layers = layers
        .iter()
        .max()
        .map_or(0, |&max_layer| max_layer as usize + 1);
    let span = |&(upper, lower): &(usize, usize)| -> Option<usize> {
        let upper_layer = layers[upper] as usize;
        let lower_layer = layers[lower] as usize;
        (lower_layer > upper_layer).then(|| lower_layer - upper_layer)
    };

    let mut routed: Vec<bool> = dag_edges.iter().map(|edge| span(edge).is_some()).collect();
    let mut n_virtual: usize = dag_edges
        .iter()
        .filter_map(span)
        .map(|edge_span| edge_span - 1)
        .sum();
    let budget = VIRTUAL_NODE_BUDGET_PER_ITEM
        .saturating_mul(n_real.saturating_add(dag_edges.len()))
        .saturating_add(VIRTUAL_NODE_BUDGET_BASE);
    if n_virtual > budget {
        let mut longest_first: Vec<usize> = (0..dag_edges.len())
            .filter(|&edge_idx| routed[edge_idx])
            .collect();
        longest_first.sort_unstable_by_key(|&edge_idx| {
            (
                std::cmp::Reverse(span(&dag_edges[edge_idx]).unwrap_or(0)),
                edge_idx,
            )
        });
        for edge_idx in longest_first {
            if n_virtual <= budget {
                break;
            }
            routed[edge_idx] = false;
            n_virtual -= span(&dag_edges[edge_idx]).unwrap_or(1) - 1;
        }
    }

    let mut layer_of: Vec<usize> = layers.iter().map(|&layer_idx| layer_idx as usize).collect();
    layer_of.reserve(n_virtual);
    let mut width = widths.to_vec();
    width.resize(n_real + n_virtual, 0.0);
    let mut chains = Vec::with_capacity(dag_edges.len());
    // (upper, lower) node pairs of the proper graph, in edge order so neighbour lists follow it.
    let mut segments: Vec<(usize, usize)> = Vec::with_capacity(dag_edges.len() + n_virtual);
    for (edge_idx, &(upper, lower)) in dag_edges.iter().enumerate() {
        if !routed[edge_idx] {
            chains.push(EdgeChain::Straight);
            continue;
        }
        let first = layer_of.len();
        let mut previous = upper;
        for crossed_layer in layer_of[upper] + 1..layer_of[lower] {
            let virtual_idx = layer_of.len();
            layer_of.push(crossed_layer);
            segments.push((previous, virtual_idx));
            previous = virtual_idx;
        }
        segments.push((previous, lower));
        chains.push(EdgeChain::Routed {
            first,
            count: layer_of.len() - first,
        });
    }

    let n_nodes = layer_of.len();
    let down = Adjacency::from_pairs(n_nodes, segments.iter().copied());
    let up = Adjacency::from_pairs(
        n_nodes,
        segments.iter().map(|&(upper, lower)| (lower, upper)),
    );
    ProperGraph {
        n_real,
        n_layers,
        layer_of,
        width,
        up,
        down,
        edge_ends: dag_edges.to_vec(),
        chains,
    }
}
