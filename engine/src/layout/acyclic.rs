//! Input edges to DAG edges: drops self-loops and edges naming missing nodes, merges duplicates,
//! and reverses the back edges of a deterministic depth-first search so that what remains is
//! acyclic. The search is iterative (explicit stack) because model graphs are 100k-node chains.

use super::adjacency::Adjacency;

/// The DAG to lay out and how every input edge maps onto it.
#[derive(Debug, Clone, Default)]
pub(super) struct AcyclicEdges {
    /// Distinct edges `(upper, lower)` of the DAG, in order of first appearance in the input.
    pub(super) dag_edges: Vec<(usize, usize)>,
    /// Per input edge: `(dag edge index, reversed)`, or `None` for a skipped edge. `reversed`
    /// means the input edge points from the DAG edge's lower node to its upper node.
    pub(super) input_to_dag: Vec<Option<(usize, bool)>>,
}

/// Builds the DAG from raw input edges over `n_nodes` nodes.
pub(super) fn make_acyclic(n_nodes: usize, input_edges: &[(usize, usize)]) -> AcyclicEdges {
    let mut accepted_input_idx = Vec::new();
    let mut accepted_pairs = Vec::new();
    for (input_idx, &(from, to)) in input_edges.iter().enumerate() {
        if from < n_nodes && to < n_nodes && from != to {
            accepted_input_idx.push(input_idx);
            accepted_pairs.push((from, to));
        }
    }

    let (directed_edges, directed_of_accepted) = dedup_in_first_seen_order(&accepted_pairs);
    let is_back = find_back_edges(n_nodes, &directed_edges);
    // A reversed edge can coincide with an edge that already pointed the other way.
    let oriented: Vec<(usize, usize)> = directed_edges
        .iter()
        .zip(&is_back)
        .map(|(&(from, to), &back)| if back { (to, from) } else { (from, to) })
        .collect();
    let (dag_edges, dag_of_directed) = dedup_in_first_seen_order(&oriented);

    let mut input_to_dag = vec![None; input_edges.len()];
    for (accepted_idx, &input_idx) in accepted_input_idx.iter().enumerate() {
        let directed_idx = directed_of_accepted[accepted_idx];
        input_to_dag[input_idx] = Some((dag_of_directed[directed_idx], is_back[directed_idx]));
    }
    AcyclicEdges {
        dag_edges,
        input_to_dag,
    }
}

/// Distinct pairs in order of first appearance, and for every input pair the index of its
/// distinct pair. Sort-based rather than hashed, so it is deterministic and allocation-light.
fn dedup_in_first_seen_order(pairs: &[(usize, usize)]) -> (Vec<(usize, usize)>, Vec<usize>) {
    let mut sorted_idx: Vec<usize> = (0..pairs.len()).collect();
    sorted_idx.sort_unstable_by_key(|&pair_idx| (pairs[pair_idx], pair_idx));
    // First occurrence of every pair, for every pair.
    let mut first_of = vec![0usize; pairs.len()];
    let mut group_first = 0usize;
    for (rank, &pair_idx) in sorted_idx.iter().enumerate() {
        if rank == 0 || pairs[sorted_idx[rank - 1]] != pairs[pair_idx] {
            group_first = pair_idx;
        }
        first_of[pair_idx] = group_first;
    }
    let mut distinct_idx_of_first = vec![usize::MAX; pairs.len()];
    let mut distinct = Vec::new();
    let mut distinct_of_pair = vec![0usize; pairs.len()];
    for pair_idx in 0..pairs.len() {
        let first = first_of[pair_idx];
        if first == pair_idx {
            distinct_idx_of_first[pair_idx] = distinct.len();
            distinct.push(pairs[pair_idx]);
        }
        distinct_of_pair[pair_idx] = distinct_idx_of_first[first];
    }
    (distinct, distinct_of_pair)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VisitState {
    Unseen,
    OnStack,
    Done,
}

/// Marks the edges that close a cycle in a depth-first search started from the sources (in index
/// order) and then from any node not yet reached. Reversing the marked edges leaves a DAG.
fn find_back_edges(n_nodes: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let out_edges = Adjacency::from_pairs(
        n_nodes,
        edges
            .iter()
            .enumerate()
            .map(|(edge_idx, &(from, _))| (from, edge_idx)),
    );
    let mut in_degree = vec![0usize; n_nodes];
    for &(_, to) in edges {
        in_degree[to] += 1;
    }

    let mut state = vec![VisitState::Unseen; n_nodes];
    let mut is_back = vec![false; edges.len()];
    // (node, index of its next out-edge to look at)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let sources = (0..n_nodes).filter(|&node_idx| in_degree[node_idx] == 0);
    for root_idx in sources.chain(0..n_nodes) {
        if state[root_idx] != VisitState::Unseen {
            continue;
        }
        state[root_idx] = VisitState::OnStack;
        stack.push((root_idx, 0));
        while let Some(top) = stack.last_mut() {
            let (node_idx, cursor) = *top;
            let node_out_edges = out_edges.neighbours(node_idx);
            if cursor < node_out_edges.len() {
                top.1 += 1;
                let edge_idx = node_out_edges[cursor];
                let target_idx = edges[edge_idx].1;
                match state[target_idx] {
                    VisitState::OnStack => is_back[edge_idx] = true,
                    VisitState::Unseen => {
                        state[target_idx] = VisitState::OnStack;
                        stack.push((target_idx, 0));
                    }
                    VisitState::Done => {}
                }
            } else {
                state[node_idx] = VisitState::Done;
                stack.pop();
            }
        }
    }
    is_back
}
