//! Compressed neighbour lists (CSR): one flat array per direction, so a 100k-node graph costs a
//! handful of allocations. Every node's list keeps the order in which its pairs were given.

/// Neighbour lists of `n_nodes` nodes stored back to back.
#[derive(Debug, Clone, Default)]
pub(super) struct Adjacency {
    starts: Vec<usize>,
    neighbours: Vec<usize>,
}

impl Adjacency {
    /// Builds the lists from `(node, neighbour)` pairs; every `node` must be below `n_nodes`.
    pub(super) fn from_pairs<I>(n_nodes: usize, pairs: I) -> Adjacency
    where
        I: Iterator<Item = (usize, usize)> + Clone,
    {
        let mut starts = vec![0usize; n_nodes + 1];
        for (node_idx, _) in pairs.clone() {
            starts[node_idx + 1] += 1;
        }
        for node_idx in 0..n_nodes {
            starts[node_idx + 1] += starts[node_idx];
        }
        let mut next_free = starts[..n_nodes].to_vec();
        let mut neighbours = vec![0usize; starts[n_nodes]];
        for (node_idx, neighbour_idx) in pairs {
            neighbours[next_free[node_idx]] = neighbour_idx;
            next_free[node_idx] += 1;
        }
        Adjacency { starts, neighbours }
    }

    pub(super) fn neighbours(&self, node_idx: usize) -> &[usize] {
        &self.neighbours[self.starts[node_idx]..self.starts[node_idx + 1]]
    }

    pub(super) fn degree(&self, node_idx: usize) -> usize {
        self.starts[node_idx + 1] - self.starts[node_idx]
    }
}
