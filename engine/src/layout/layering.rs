//! Layer assignment: every DAG edge goes from a lower to a strictly higher layer, layers are
//! numbered from 0 without empty layers, and edges are kept short so that long edges (and the
//! virtual nodes they cost) are rare and side inputs sit right above their consumer.
//!
//! Longest path from the sources is the baseline. Then side inputs (constants and the small trees
//! that feed only one consumer) are pulled down to just above it, and a few rounds of local
//! tightening move any node whose in-degree and out-degree differ towards the side with more
//! edges, which strictly shortens the total edge length each time.

use super::adjacency::Adjacency;

/// Upper bound on tightening rounds; each round is linear and most graphs settle in two or three.
const MAX_TIGHTEN_ROUNDS: usize = 8;

/// Layer of every node (`0` = top) for an acyclic `dag_edges` over `n_nodes` nodes.
pub(super) fn assign_layers(n_nodes: usize, dag_edges: &[(usize, usize)]) -> Vec<u32> {
    let successors = Adjacency::from_pairs(n_nodes, dag_edges.iter().copied());
    let predecessors =
        Adjacency::from_pairs(n_nodes, dag_edges.iter().map(|&(from, to)| (to, from)));
    let topo_order = topological_order(n_nodes, &successors, &predecessors);

    let mut layer = vec![0usize; n_nodes];
    for &node_idx in &topo_order {
        for &pred_idx in predecessors.neighbours(node_idx) {
            layer[node_idx] = layer[node_idx].max(layer[pred_idx] + 1);
        }
    }
    pull_down_side_inputs(&topo_order, &successors, &predecessors, &mut layer);
    tighten(&topo_order, &successors, &predecessors, &mut layer);
    compact(&layer)
}

/// Kahn's algorithm with a FIFO queue seeded in index order. Nodes left over (only possible if
/// the input was not acyclic after all) are appended in index order so nothing is lost.
fn topological_order(
    n_nodes: usize,
    successors: &Adjacency,
    predecessors: &Adjacency,
) -> Vec<usize> {
    let mut remaining_in: Vec<usize> = (0..n_nodes)
        .map(|node_idx| predecessors.degree(node_idx))
        .collect();
    let mut order: Vec<usize> = (0..n_nodes)
        .filter(|&node_idx| remaining_in[node_idx] == 0)
        .collect();
    let mut head = 0;
    while head < order.len() {
        let node_idx = order[head];
        head += 1;
        for &succ_idx in successors.neighbours(node_idx) {
            remaining_in[succ_idx] -= 1;
            if remaining_in[succ_idx] == 0 {
                order.push(succ_idx);
            }
        }
    }
    if order.len() < n_nodes {
        let mut placed = vec![false; n_nodes];
        for &node_idx in &order {
            placed[node_idx] = true;
        }
        order.extend((0..n_nodes).filter(|&node_idx| !placed[node_idx]));
    }
    order
}

/// Moves nodes down to just above their highest successor when they have more outgoing edges than
/// incoming edges that would resist. A "follower" (one successor, and only followers as
/// predecessors, e.g. a constant or a constant feeding a cast) moves along with its consumer, so
/// its edge does not resist. Visiting in reverse topological order lets whole side trees follow.
fn pull_down_side_inputs(
    topo_order: &[usize],
    successors: &Adjacency,
    predecessors: &Adjacency,
    layer: &mut [usize],
) {
    let mut is_follower = vec![false; layer.len()];
    for &node_idx in topo_order {
        is_follower[node_idx] = successors.degree(node_idx) == 1
            && predecessors
                .neighbours(node_idx)
                .iter()
                .all(|&pred_idx| is_follower[pred_idx]);
    }
    for &node_idx in topo_order.iter().rev() {
        let Some(highest_below) = min_layer(successors.neighbours(node_idx), layer) else {
            continue;
        };
        let target = highest_below.saturating_sub(1);
        if target <= layer[node_idx] {
            continue;
        }
        let resisting_in = predecessors
            .neighbours(node_idx)
            .iter()
            .filter(|&&pred_idx| !is_follower[pred_idx])
            .count();
        if resisting_in < successors.degree(node_idx) {
            layer[node_idx] = target;
        }
    }
}

/// Local moves that strictly shorten the total edge length: a node with more incoming than
/// outgoing edges goes up to just below its lowest predecessor, one with more outgoing edges goes
/// down to just above its highest successor. Ties stay, so results do not flip-flop.
fn tighten(
    topo_order: &[usize],
    successors: &Adjacency,
    predecessors: &Adjacency,
    layer: &mut [usize],
) {
    for round in 0..MAX_TIGHTEN_ROUNDS {
        let mut moved = false;
        let mut visit = |node_idx: usize, layer: &mut [usize]| {
            let n_in = predecessors.degree(node_idx);
            let n_out = successors.degree(node_idx);
            if n_in > n_out {
                if let Some(lowest_above) = max_layer(predecessors.neighbours(node_idx), layer) {
                    let target = lowest_above + 1;
                    if target < layer[node_idx] {
                        layer[node_idx] = target;
                        moved = true;
                    }
                }
            } else if n_out > n_in {
                if let Some(highest_below) = min_layer(successors.neighbours(node_idx), layer) {
                    let target = highest_below.saturating_sub(1);
                    if target > layer[node_idx] {
                        layer[node_idx] = target;
                        moved = true;
                    }
                }
            }
        };
        if round % 2 == 0 {
            topo_order
                .iter()
                .rev()
                .for_each(|&node_idx| visit(node_idx, layer));
        } else {
            topo_order
                .iter()
                .for_each(|&node_idx| visit(node_idx, layer));
        }
        if !moved {
            break;
        }
    }
}

fn min_layer(nodes: &[usize], layer: &[usize]) -> Option<usize> {
    nodes.iter().map(|&node_idx| layer[node_idx]).min()
}

fn max_layer(nodes: &[usize], layer: &[usize]) -> Option<usize> {
    nodes.iter().map(|&node_idx| layer[node_idx]).max()
}

/// Renumbers layers `0..n` keeping their order and dropping empty ones (moves can empty a layer).
fn compact(layer: &[usize]) -> Vec<u32> {
    let n_slots = layer
        .iter()
        .copied()
        .max()
        .map_or(0, |max_layer| max_layer + 1);
    let mut used = vec![false; n_slots];
    for &layer_idx in layer {
        used[layer_idx] = true;
    }
    let mut new_index = vec![0u32; n_slots];
    let mut next = 0u32;
    for (layer_idx, &is_used) in used.iter().enumerate() {
        new_index[layer_idx] = next;
        if is_used {
            next = next.saturating_add(1);
        }
    }
    layer
        .iter()
        .map(|&layer_idx| new_index[layer_idx])
        .collect()
}
