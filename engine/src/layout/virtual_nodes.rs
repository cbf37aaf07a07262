//! Virtual nodes: splits every DAG edge that spans several layers into a chain of zero-width
//! virtual nodes, one per crossed layer, so that afterwards every edge joins adjacent layers (a
//! "proper" layered graph). Real nodes keep their indices `0..n_real`; virtual nodes follow.
//!
//! A node with many long edges (a mask or position tensor read by every block) gets one shared
//! chain, as deep as its deepest edge, and each edge leaves it above its lower end: one line with
//! branches instead of a band of parallel lines.
//!
//! The number of virtual nodes is at most the total edge span, which is quadratic in the worst
//! case (many nodes each feeding the last one). Past a budget linear in the graph size, the
//! longest edges get no virtual nodes and are drawn as straight segments, so memory stays linear.

use super::adjacency::Adjacency;

/// Virtual nodes allowed per real node and edge, on top of [`VIRTUAL_NODE_BUDGET_BASE`].
const VIRTUAL_NODE_BUDGET_PER_ITEM: usize = 4;
/// Long edges a node needs before they share one chain of virtual nodes: a tensor read by many
/// later ops (an attention mask read by every block) is one line with branches rather than a band
/// of parallel lines; two or three long edges keep their own lines, which cross less.
const MIN_SHARED_LONG_EDGES: usize = 6;
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
    /// Per node, how many DAG edges the segment entering it from above carries: 1 for a real
    /// node, the number of edges still in the chain for a virtual node of a shared chain. The
    /// drawing shows a crossing of that segment once per edge in it, so ordering weighs it so.
    pub(super) through: Vec<u32>,
}

impl ProperGraph {
    pub(super) fn n_nodes(&self) -> usize {
        self.layer_of.len()
    }

    pub(super) fn is_virtual(&self, node_idx: usize) -> bool {
        node_idx >= self.n_real
    }

    /// Weight of the segment entering `lower_idx` from above (see [`ProperGraph::through`]).
    pub(super) fn segment_weight(&self, lower_idx: usize) -> u64 {
        u64::from(self.through[lower_idx])
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

    // Long edges leaving the same node share their virtual nodes: one chain per upper node, one
    // node per crossed layer, as deep as its deepest routed edge needs; every edge leaves the
    // chain in the layer above its lower end. A tensor read by many later ops is one line with
    // branches, not a band of parallel lines.
    let n_crossed = |&(upper, lower): &(usize, usize)| -> usize {
        span(&(upper, lower)).map_or(0, |edge_span| edge_span - 1)
    };
    let mut chain_len = vec![0usize; n_real];
    let mut n_long = vec![0usize; n_real];
    for (edge_idx, edge) in dag_edges.iter().enumerate() {
        if routed[edge_idx] && n_crossed(edge) > 0 {
            chain_len[edge.0] = chain_len[edge.0].max(n_crossed(edge));
            n_long[edge.0] += 1;
        }
    }
    let shares = |upper: usize| n_long[upper] >= MIN_SHARED_LONG_EDGES;
    // Nodes whose long edges do not share get one chain per edge, as long as that edge.
    for (edge_idx, edge) in dag_edges.iter().enumerate() {
        if routed[edge_idx] && !shares(edge.0) {
            chain_len[edge.0] = 0;
        }
    }
    let n_unshared: usize = dag_edges
        .iter()
        .enumerate()
        .filter(|&(edge_idx, edge)| routed[edge_idx] && !shares(edge.0))
        .map(|(_, edge)| n_crossed(edge))
        .sum();
    let n_shared: usize = chain_len.iter().sum::<usize>() + n_unshared;
    let mut chain_first = vec![usize::MAX; n_real];

    let mut layer_of: Vec<usize> = layers.iter().map(|&layer_idx| layer_idx as usize).collect();
    layer_of.reserve(n_shared);
    let mut width = widths.to_vec();
    width.resize(n_real + n_shared, 0.0);
    let mut chains = Vec::with_capacity(dag_edges.len());
    // Real nodes: 1; virtual nodes count the edges through them as they are added.
    let mut through = vec![1u32; n_real];
    through.resize(n_real + n_shared, 0);
    let mut chain_extents: Vec<(usize, usize)> = Vec::new();
    // (upper, lower) node pairs of the proper graph, in edge order so neighbour lists follow it.
    let mut segments: Vec<(usize, usize)> = Vec::with_capacity(dag_edges.len() + n_shared);
    for (edge_idx, &(upper, lower)) in dag_edges.iter().enumerate() {
        if !routed[edge_idx] {
            chains.push(EdgeChain::Straight);
            continue;
        }
        let count = n_crossed(&(upper, lower));
        if count == 0 {
            segments.push((upper, lower));
            chains.push(EdgeChain::Routed { first: 0, count: 0 });
            continue;
        }
        if !shares(upper) || chain_first[upper] == usize::MAX {
            let first = layer_of.len();
            chain_first[upper] = first;
            let mut previous = upper;
            let n_virtual = if shares(upper) {
                chain_len[upper]
            } else {
                count
            };
            chain_extents.push((first, n_virtual));
            for crossed in 0..n_virtual {
                let virtual_idx = layer_of.len();
                layer_of.push(layer_of[upper] + 1 + crossed);
                segments.push((previous, virtual_idx));
                previous = virtual_idx;
            }
        }
        let first = chain_first[upper];
        // Marked at the edge's last virtual node; summed up each chain below.
        through[first + count - 1] = through[first + count - 1].saturating_add(1);
        segments.push((first + count - 1, lower));
        chains.push(EdgeChain::Routed { first, count });
    }
    debug_assert_eq!(layer_of.len(), n_real + n_shared);
    // An edge goes through every virtual node of its chain above its mark: sums from the bottom.
    for (first, len) in chain_extents {
        for virtual_idx in (first..first + len).rev().skip(1) {
            through[virtual_idx] = through[virtual_idx].saturating_add(through[virtual_idx + 1]);
        }
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
        through,
    }
}
