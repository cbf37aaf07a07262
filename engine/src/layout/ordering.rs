//! Crossing reduction: orders the nodes inside every layer of the proper graph.
//!
//! Start from a depth-first order (trees and chains come out crossing-free, components side by
//! side), then alternate barycenter sweeps down and up, each followed by adjacent transpositions,
//! and keep the best order seen by exact crossing count (a crossing weighs the product of the
//! edges its two segments carry, so a shared route is crossed where it carries few); the best order gets a last round of
//! transpositions. Small graphs also start from the mirrored order and keep the better result.
//! Last, constants are spread to both sides of their consumer's main input where that cannot
//! change the crossings.
//! Crossings are counted with the Barth–Jünger–Mutzel accumulator tree, O(E log V) per count,
//! and sweeps and passes are capped, so the whole stage is near-linear. Every sort breaks ties
//! by current position, so the result is deterministic.

use super::adjacency::Adjacency;
use super::virtual_nodes::ProperGraph;

/// Upper bound on sweeps (each down or up sweep counts as one).
const MAX_SWEEPS: usize = 24;
/// Proper graphs up to this size also try a second, mirrored start.
const MAX_NODES_FOR_SECOND_START: usize = 4_096;
/// Proper graphs larger than this (only dense webs of long edges get there) sweep a third as
/// often and transpose only once at the end, to stay within seconds.
const LARGE_GRAPH_NODES: usize = 300_000;
/// Stop after this many sweeps without a new best crossing count.
const SWEEP_PATIENCE: usize = 4;
/// Upper bound on transposition passes after a sweep.
const MAX_TRANSPOSE_PASSES: usize = 4;
/// Pairs whose neighbour lists would cost more comparisons than this are not transposed, to keep
/// hub nodes (one tensor feeding hundreds of ops) from making the stage quadratic.
const MAX_TRANSPOSE_PAIR_WORK: usize = 256;

/// Node order inside every layer.
#[derive(Debug, Clone)]
pub(super) struct Ordering {
    /// Layer `l` is `order[layer_start[l]..layer_start[l + 1]]`.
    pub(super) layer_start: Vec<usize>,
    /// Node indices, layer by layer, left to right.
    pub(super) order: Vec<usize>,
    /// Position of every node inside its layer (0 = leftmost).
    pub(super) pos: Vec<usize>,
}

impl Ordering {
    pub(super) fn layer(&self, layer_idx: usize) -> &[usize] {
        &self.order[self.layer_start[layer_idx]..self.layer_start[layer_idx + 1]]
    }

    fn refresh_positions(&mut self) {
        for layer_idx in 0..self.layer_start.len().saturating_sub(1) {
            let start = self.layer_start[layer_idx];
            for slot in start..self.layer_start[layer_idx + 1] {
                self.pos[self.order[slot]] = slot - start;
            }
        }
    }
}

/// Orders every layer of `graph` to make few edge crossings.
pub(super) fn order_nodes(graph: &ProperGraph) -> Ordering {
    let mut ordering = initial_order(graph, false);
    if graph.n_layers < 2 {
        return ordering;
    }
    let mut counter = CrossingCounter::default();
    let mut crossings = reduce_crossings(graph, &mut ordering, &mut counter);
    // A second start from the mirrored depth-first order often ends in a different local
    // optimum; small graphs can afford it.
    if crossings > 0 && graph.n_nodes() <= MAX_NODES_FOR_SECOND_START {
        let mut mirrored = initial_order(graph, true);
        let mirrored_crossings = reduce_crossings(graph, &mut mirrored, &mut counter);
        if mirrored_crossings < crossings {
            ordering = mirrored;
            crossings = mirrored_crossings;
        }
    }
    debug_assert_eq!(crossings, counter.total(graph, &ordering));
    balance_side_inputs(graph, &mut ordering);
    ordering
}

/// Barycenter sweeps with transpositions from `ordering`, which ends as the best order seen;
/// returns its crossing count.
fn reduce_crossings(
    graph: &ProperGraph,
    ordering: &mut Ordering,
    counter: &mut CrossingCounter,
) -> u64 {
    let mut best_crossings = counter.total(graph, ordering);
    let mut best_order = ordering.order.clone();
    let mut sweeps_since_best = 0;
    let mut bary_scratch = Vec::new();
    let is_large = graph.n_nodes() > LARGE_GRAPH_NODES;
    let max_sweeps = if is_large { MAX_SWEEPS / 3 } else { MAX_SWEEPS };
    for sweep_idx in 0..max_sweeps {
        if best_crossings == 0 || sweeps_since_best >= SWEEP_PATIENCE {
            break;
        }
        if sweep_idx % 2 == 0 {
            for layer_idx in 1..graph.n_layers {
                sort_by_barycenter(&graph.up, ordering, layer_idx, &mut bary_scratch);
            }
        } else {
            for layer_idx in (0..graph.n_layers - 1).rev() {
                sort_by_barycenter(&graph.down, ordering, layer_idx, &mut bary_scratch);
            }
        }
        if !is_large {
            transpose(graph, ordering);
        }
        let crossings = counter.total(graph, ordering);
        if crossings < best_crossings {
            best_crossings = crossings;
            best_order.copy_from_slice(&ordering.order);
            sweeps_since_best = 0;
        } else {
            sweeps_since_best += 1;
        }
    }
    ordering.order = best_order;
    ordering.refresh_positions();
    // Transposition never adds crossings, so the polished best order is still the best.
    transpose(graph, ordering);
    counter.total(graph, ordering)
}

/// A constant: a real node without parents whose only child is `child_idx`.
fn is_leaf_input_of(graph: &ProperGraph, node_idx: usize, child_idx: usize) -> bool {
    !graph.is_virtual(node_idx)
        && graph.up.degree(node_idx) == 0
        && graph.down.neighbours(node_idx) == [child_idx]
}

/// Spreads the constants of a node to both sides of its main input: a run `P c1 c2 c3` (the `c`
/// constants feeding the child `X` of `P`, next to `P` in the layer) becomes `c2 P c1 c3`, so no
/// constant is more than half the run away from the line `P`-`X`. Only where it cannot change
/// the crossings: the constants' edges all end in `X` and cross no edge of `P` on either side
/// when `P` has as many other children left of `X` as right of it.
fn balance_side_inputs(graph: &ProperGraph, ordering: &mut Ordering) {
    let mut run: Vec<usize> = Vec::new();
    for layer_idx in 0..graph.n_layers.saturating_sub(1) {
        let start = ordering.layer_start[layer_idx];
        let end = ordering.layer_start[layer_idx + 1];
        let mut slot = start;
        while slot < end {
            let main_idx = ordering.order[slot];
            let next_slot = slot + 1;
            let Some(child_idx) = (next_slot < end)
                .then(|| ordering.order[next_slot])
                .and_then(|right_idx| match graph.down.neighbours(right_idx) {
                    [only_idx] => Some(*only_idx),
                    _ => None,
                })
                .filter(|&child_idx| {
                    is_leaf_input_of(graph, ordering.order[next_slot], child_idx)
                        && !is_leaf_input_of(graph, main_idx, child_idx)
                        && graph.down.neighbours(main_idx).contains(&child_idx)
                })
            else {
                slot += 1;
                continue;
            };
            let mut first = slot;
            while first > start && is_leaf_input_of(graph, ordering.order[first - 1], child_idx) {
                first -= 1;
            }
            let mut last = next_slot;
            while last + 1 < end && is_leaf_input_of(graph, ordering.order[last + 1], child_idx) {
                last += 1;
            }
            let child_pos = ordering.pos[child_idx];
            let (n_left, n_right) = graph.down.neighbours(main_idx).iter().fold(
                (0usize, 0usize),
                |(n_left, n_right), &other_idx| {
                    let other_pos = ordering.pos[other_idx];
                    (
                        n_left + usize::from(other_pos < child_pos),
                        n_right + usize::from(other_pos > child_pos),
                    )
                },
            );
            if n_left == n_right {
                run.clear();
                run.extend(
                    ordering.order[first..=last]
                        .iter()
                        .copied()
                        .filter(|&node_idx| node_idx != main_idx),
                );
                let n_before = run.len() / 2;
                // Odd ranks go left, nearest first; even ranks go right, nearest first.
                let mut write = first;
                for rank in (0..run.len()).filter(|rank| rank % 2 == 1).rev() {
                    ordering.order[write] = run[rank];
                    write += 1;
                }
                debug_assert_eq!(write, first + n_before);
                ordering.order[write] = main_idx;
                write += 1;
                for rank in (0..run.len()).step_by(2) {
                    ordering.order[write] = run[rank];
                    write += 1;
                }
                for fill_slot in first..=last {
                    ordering.pos[ordering.order[fill_slot]] = fill_slot - start;
                }
            }
            slot = last + 1;
        }
    }
}

/// Depth-first order from the sources (grouped by component, in index order), children in edge
/// order; `mirrored` reverses both. Every node is appended to its layer when first reached, so a
/// tree or a chain with side branches starts out without crossings and connected parts stay
/// together.
fn initial_order(graph: &ProperGraph, mirrored: bool) -> Ordering {
    let n_nodes = graph.n_nodes();
    let mut layer_start = vec![0usize; graph.n_layers + 1];
    for &layer_idx in &graph.layer_of {
        layer_start[layer_idx + 1] += 1;
    }
    for layer_idx in 0..graph.n_layers {
        layer_start[layer_idx + 1] += layer_start[layer_idx];
    }
    let mut next_slot = layer_start[..graph.n_layers].to_vec();
    let mut order = vec![0usize; n_nodes];
    let mut pos = vec![0usize; n_nodes];
    let mut placed = vec![false; n_nodes];
    let mut place = |node_idx: usize, order: &mut [usize], pos: &mut [usize]| {
        let layer_idx = graph.layer_of[node_idx];
        let slot = next_slot[layer_idx];
        order[slot] = node_idx;
        pos[node_idx] = slot - layer_start[layer_idx];
        next_slot[layer_idx] += 1;
    };

    // Roots grouped by connected component (components in order of their first node), so every
    // component starts out contiguous in every layer; sweeps and swaps then never interleave
    // two components, which could only add crossings.
    let component = component_of(graph);
    let mut roots: Vec<usize> = (0..n_nodes)
        .filter(|&node_idx| graph.up.degree(node_idx) == 0)
        .collect();
    roots.sort_by_key(|&root_idx| (component[root_idx], root_idx));
    if mirrored {
        roots.reverse();
    }
    let mut stack = Vec::new();
    for root_idx in roots {
        if placed[root_idx] {
            continue;
        }
        stack.push(root_idx);
        while let Some(node_idx) = stack.pop() {
            if placed[node_idx] {
                continue;
            }
            placed[node_idx] = true;
            place(node_idx, &mut order, &mut pos);
            let children = graph.down.neighbours(node_idx);
            let mut push = |child_idx: usize| {
                if !placed[child_idx] {
                    stack.push(child_idx);
                }
            };
            if mirrored {
                children.iter().copied().for_each(&mut push);
            } else {
                children.iter().rev().copied().for_each(&mut push);
            }
        }
    }
    // Every node of a proper DAG is reachable from a source; this only guards the invariant.
    let unplaced: Vec<usize> = (0..n_nodes).filter(|&node_idx| !placed[node_idx]).collect();
    for node_idx in unplaced {
        place(node_idx, &mut order, &mut pos);
    }
    Ordering {
        layer_start,
        order,
        pos,
    }
}

/// Connected component of every node, numbered by its smallest node index (union–find with path
/// halving; union by smaller root index keeps every root the smallest index of its set).
fn component_of(graph: &ProperGraph) -> Vec<usize> {
    let n_nodes = graph.n_nodes();
    let mut parent: Vec<usize> = (0..n_nodes).collect();
    let find = |parent: &mut Vec<usize>, mut node_idx: usize| {
        while parent[node_idx] != node_idx {
            parent[node_idx] = parent[parent[node_idx]];
            node_idx = parent[node_idx];
        }
        node_idx
    };
    for node_idx in 0..n_nodes {
        for &child_idx in graph.down.neighbours(node_idx) {
            let (a, b) = (find(&mut parent, node_idx), find(&mut parent, child_idx));
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            parent[high] = low;
        }
    }
    (0..n_nodes)
        .map(|node_idx| find(&mut parent, node_idx))
        .collect()
}

/// Reorders one layer by the mean position of each node's neighbours in the adjacent layer given
/// by `fixed_side`; nodes without such neighbours keep their slot. Ties keep the current order.
fn sort_by_barycenter(
    fixed_side: &Adjacency,
    ordering: &mut Ordering,
    layer_idx: usize,
    scratch: &mut Vec<(f64, usize, usize)>,
) {
    let start = ordering.layer_start[layer_idx];
    let end = ordering.layer_start[layer_idx + 1];
    if end - start < 2 {
        return;
    }
    scratch.clear();
    for slot in start..end {
        let node_idx = ordering.order[slot];
        let neighbours = fixed_side.neighbours(node_idx);
        if neighbours.is_empty() {
            continue;
        }
        let position_sum: f64 = neighbours
            .iter()
            .map(|&neighbour_idx| ordering.pos[neighbour_idx] as f64)
            .sum();
        scratch.push((position_sum / neighbours.len() as f64, slot, node_idx));
    }
    scratch.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut sorted = scratch.iter();
    for slot in start..end {
        if fixed_side.degree(ordering.order[slot]) == 0 {
            continue;
        }
        if let Some(&(_, _, node_idx)) = sorted.next() {
            ordering.order[slot] = node_idx;
        }
    }
    for slot in start..end {
        ordering.pos[ordering.order[slot]] = slot - start;
    }
}

/// Swaps neighbours in a layer while that strictly lowers the crossings with both adjacent
/// layers. Each swap lowers the total, so this terminates; passes are capped anyway.
fn transpose(graph: &ProperGraph, ordering: &mut Ordering) {
    for _ in 0..MAX_TRANSPOSE_PASSES {
        let mut improved = false;
        for layer_idx in 0..graph.n_layers {
            let start = ordering.layer_start[layer_idx];
            let end = ordering.layer_start[layer_idx + 1];
            for slot in start..end.saturating_sub(1) {
                let left_idx = ordering.order[slot];
                let right_idx = ordering.order[slot + 1];
                let (as_is, swapped) = pair_crossings(graph, &ordering.pos, left_idx, right_idx);
                if swapped < as_is {
                    ordering.order.swap(slot, slot + 1);
                    ordering.pos[left_idx] += 1;
                    ordering.pos[right_idx] -= 1;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings between the edges of `left_idx` and `right_idx` in their current order and if they
/// were swapped, over both adjacent layers, each weighted by the edges its two segments carry.
/// Too-expensive pairs report a tie (never swapped).
fn pair_crossings(
    graph: &ProperGraph,
    pos: &[usize],
    left_idx: usize,
    right_idx: usize,
) -> (u64, u64) {
    let mut as_is = 0u64;
    let mut swapped = 0u64;
    for (adjacency, is_up) in [(&graph.up, true), (&graph.down, false)] {
        let left_neighbours = adjacency.neighbours(left_idx);
        let right_neighbours = adjacency.neighbours(right_idx);
        if left_neighbours.len() * right_neighbours.len() > MAX_TRANSPOSE_PAIR_WORK {
            return (0, 0);
        }
        // The segment between a node and its neighbour is weighted by its lower end.
        let weight = |node_idx: usize, neighbour_idx: usize| {
            graph.segment_weight(if is_up { node_idx } else { neighbour_idx })
        };
        for &left_neighbour in left_neighbours {
            for &right_neighbour in right_neighbours {
                let left_pos = pos[left_neighbour];
                let right_pos = pos[right_neighbour];
                let pair_weight =
                    weight(left_idx, left_neighbour) * weight(right_idx, right_neighbour);
                if left_pos > right_pos {
                    as_is += pair_weight;
                } else if left_pos < right_pos {
                    swapped += pair_weight;
                }
            }
        }
    }
    (as_is, swapped)
}

/// Reusable buffers for counting crossings.
#[derive(Debug, Default)]
pub(super) struct CrossingCounter {
    /// (lower end position, weight) of every segment between two layers.
    lower_ends: Vec<(usize, u64)>,
    tree: Vec<u64>,
}

impl CrossingCounter {
    /// Crossings of the whole proper graph in the current order, each pair of segments counted
    /// as the product of the edges they carry (a shared route crossing a line is a crossing per
    /// edge in it, as drawn).
    pub(super) fn total(&mut self, graph: &ProperGraph, ordering: &Ordering) -> u64 {
        (0..graph.n_layers.saturating_sub(1))
            .map(|upper_layer| self.between(graph, ordering, upper_layer))
            .sum()
    }

    /// Crossings between `upper_layer` and the next one (Barth, Jünger, Mutzel 2004): list the
    /// lower end positions of the edges sorted by (upper, lower) position and count inversions with
    /// an accumulator tree over the lower positions.
    fn between(&mut self, graph: &ProperGraph, ordering: &Ordering, upper_layer: usize) -> u64 {
        self.lower_ends.clear();
        for &node_idx in ordering.layer(upper_layer) {
            let mark = self.lower_ends.len();
            self.lower_ends.extend(
                graph
                    .down
                    .neighbours(node_idx)
                    .iter()
                    .map(|&child_idx| (ordering.pos[child_idx], graph.segment_weight(child_idx))),
            );
            self.lower_ends[mark..].sort_unstable();
        }
        let n_lower = ordering.layer(upper_layer + 1).len();
        let mut first_leaf = 1usize;
        while first_leaf < n_lower {
            first_leaf *= 2;
        }
        let tree_size = 2 * first_leaf - 1;
        first_leaf -= 1;
        self.tree.clear();
        self.tree.resize(tree_size, 0);
        let mut crossings = 0u64;
        for &(lower_pos, weight) in &self.lower_ends {
            let mut index = lower_pos + first_leaf;
            self.tree[index] += weight;
            while index > 0 {
                if index % 2 == 1 {
                    crossings += weight * self.tree[index + 1];
                }
                index = (index - 1) / 2;
                self.tree[index] += weight;
            }
        }
        crossings
    }
}
