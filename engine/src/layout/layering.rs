//! Layer assignment: every DAG edge goes from a lower to a strictly higher layer, layers are
//! numbered from 0 without empty layers, and edges are kept short so that long edges (and the
//! virtual nodes they cost) are rare and side inputs sit right above their consumer.
//!
//! Longest path from the sources is the baseline. Then side inputs (constants and the small trees
//! that feed only one consumer) are pulled down to just above it, and a few rounds of local
//! tightening move any node whose in-degree and out-degree differ towards the side with more
//! edges, which strictly shortens the total edge length each time. Last, whole regions (a node
//! and everything it dominates) move down when more edges leave them than enter them: the moves
//! of network simplex that no single node can make, found in linear time from the dominator
//! tree. On the model samples this gives the same total edge span as dagre's network simplex.

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
    let is_follower = followers(&topo_order, &successors, &predecessors);
    pull_down_side_inputs(
        &topo_order,
        &successors,
        &predecessors,
        &is_follower,
        &mut layer,
    );
    tighten(&topo_order, &successors, &predecessors, &mut layer);
    let graph = Dag {
        topo_order: &topo_order,
        successors: &successors,
        predecessors: &predecessors,
        is_follower: &is_follower,
    };
    if move_regions_down(&graph, &mut layer) {
        pull_down_side_inputs(
            &topo_order,
            &successors,
            &predecessors,
            &is_follower,
            &mut layer,
        );
        tighten(&topo_order, &successors, &predecessors, &mut layer);
    }
    compact(&layer)
}

/// The DAG as the region moves see it.
struct Dag<'a> {
    topo_order: &'a [usize],
    successors: &'a Adjacency,
    predecessors: &'a Adjacency,
    is_follower: &'a [bool],
}

/// Marks "no node": the virtual root above all sources in the dominator tree.
const NO_NODE: usize = usize::MAX;
/// Steps allowed when walking up the dominator tree to intersect two paths; a longer walk gives
/// up (the virtual root), which only makes regions smaller.
const MAX_DOMINATOR_STEPS: usize = 256;
/// Largest region considered for a move.
const MAX_REGION_NODES: usize = 4096;
/// Region nodes visited per node of the graph, at most, over all region moves.
const REGION_WORK_PER_NODE: usize = 8;

/// A "follower" has one successor and only followers as predecessors (a constant, or a constant
/// feeding a cast): it moves along with its consumer.
fn followers(topo_order: &[usize], successors: &Adjacency, predecessors: &Adjacency) -> Vec<bool> {
    let mut is_follower = vec![false; topo_order.len()];
    for &node_idx in topo_order {
        is_follower[node_idx] = successors.degree(node_idx) == 1
            && predecessors
                .neighbours(node_idx)
                .iter()
                .all(|&pred_idx| is_follower[pred_idx]);
    }
    is_follower
}

/// Moves whole regions down where that shortens edges, which no single-node move can do: a
/// region is a node and every node it dominates (every path from a source to them passes through
/// it), so every edge into the region ends at its head; when more edges leave the region than
/// enter it, moving it down by the smallest slack of the leaving edges shortens the total. A
/// side branch that starts right below its producer and ends in two consumers far below moves
/// down next to them (what network simplex would do with the cut of that tree edge). Followers
/// are left out of the dominator tree and follow afterwards. Inner regions move first; the
/// dominator walks and the work are capped, so the pass stays linear. Returns whether any moved.
fn move_regions_down(graph: &Dag<'_>, layer: &mut [usize]) -> bool {
    let n_nodes = layer.len();
    let mut rank = vec![0usize; n_nodes];
    for (position, &node_idx) in graph.topo_order.iter().enumerate() {
        rank[node_idx] = position;
    }
    let is_main = |node_idx: usize| !graph.is_follower[node_idx];
    let mut idom = vec![NO_NODE; n_nodes];
    let mut n_main_in = vec![0usize; n_nodes];
    for &node_idx in graph.topo_order {
        if !is_main(node_idx) {
            continue;
        }
        let mut dominator = None;
        for &pred_idx in graph.predecessors.neighbours(node_idx) {
            if !is_main(pred_idx) {
                continue;
            }
            n_main_in[node_idx] += 1;
            dominator = Some(match dominator {
                None => pred_idx,
                Some(so_far) => intersect(&idom, &rank, so_far, pred_idx),
            });
        }
        idom[node_idx] = dominator.unwrap_or(NO_NODE);
    }

    // Edges leaving every region, counted with a difference over the dominator tree: an edge
    // (a, b) leaves the regions of a and of its dominators up to, not including, idom(b).
    let mut n_leaving: Vec<isize> = vec![0; n_nodes];
    let mut size = vec![1usize; n_nodes];
    for &node_idx in graph.topo_order {
        if !is_main(node_idx) {
            continue;
        }
        for &succ_idx in graph.successors.neighbours(node_idx) {
            n_leaving[node_idx] += 1;
            if let Some(dominator) = Some(idom[succ_idx]).filter(|&d| d != NO_NODE) {
                n_leaving[dominator] -= 1;
            }
        }
    }
    for &node_idx in graph.topo_order.iter().rev() {
        let dominator = idom[node_idx];
        if is_main(node_idx) && dominator != NO_NODE {
            n_leaving[dominator] += n_leaving[node_idx];
            size[dominator] += size[node_idx];
        }
    }
    let dominated = Adjacency::from_pairs(
        n_nodes,
        graph
            .topo_order
            .iter()
            .filter(|&&node_idx| is_main(node_idx) && idom[node_idx] != NO_NODE)
            .map(|&node_idx| (idom[node_idx], node_idx)),
    );

    let mut work_left = REGION_WORK_PER_NODE.saturating_mul(n_nodes);
    let mut in_region = vec![NO_NODE; n_nodes];
    let mut region = Vec::new();
    let mut moved = false;
    for &head_idx in graph.topo_order.iter().rev() {
        if !is_main(head_idx)
            || n_leaving[head_idx] <= n_main_in[head_idx] as isize
            || size[head_idx] > MAX_REGION_NODES
        {
            continue;
        }
        if work_left < size[head_idx] {
            break;
        }
        work_left -= size[head_idx];
        region.clear();
        region.push(head_idx);
        in_region[head_idx] = head_idx;
        let mut next = 0;
        while next < region.len() {
            let member_idx = region[next];
            next += 1;
            for &inner_idx in dominated.neighbours(member_idx) {
                in_region[inner_idx] = head_idx;
                region.push(inner_idx);
            }
        }
        // Exact counts (the dominator walks may have given up), and the room to move.
        let mut n_in = 0usize;
        let mut n_out = 0usize;
        let mut room = usize::MAX;
        for &member_idx in &region {
            for &pred_idx in graph.predecessors.neighbours(member_idx) {
                if is_main(pred_idx) && in_region[pred_idx] != head_idx {
                    n_in += 1;
                }
            }
            for &succ_idx in graph.successors.neighbours(member_idx) {
                if in_region[succ_idx] != head_idx {
                    n_out += 1;
                    room = room.min(layer[succ_idx].saturating_sub(layer[member_idx] + 1));
                }
            }
        }
        if n_out > n_in && room > 0 && room != usize::MAX {
            for &member_idx in &region {
                layer[member_idx] += room;
            }
            moved = true;
        }
    }
    moved
}

/// Nearest common dominator of `a` and `b` (or [`NO_NODE`]), walking up from the later one in
/// topological order.
fn intersect(idom: &[usize], rank: &[usize], mut a: usize, mut b: usize) -> usize {
    for _ in 0..MAX_DOMINATOR_STEPS {
        if a == b || a == NO_NODE || b == NO_NODE {
            return if a == b { a } else { NO_NODE };
        }
        if rank[a] > rank[b] {
            a = idom[a];
        } else {
            b = idom[b];
        }
    }
    NO_NODE
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
    is_follower: &[bool],
    layer: &mut [usize],
) {
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
