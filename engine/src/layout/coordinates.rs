//! Coordinate assignment: horizontal centres for every node of the proper graph, and one row per
//! layer vertically.
//!
//! Horizontal: nodes are grouped into blocks, maximal chains joined one-to-one (a run of ops with
//! a single input and a single consumer, or the virtual nodes of a long edge), and a block wants
//! one x for all its members: the weighted median of the centres of its outside neighbours.
//! Medians keep chains and long edges vertical and centre a parent over its children; when the
//! median is a whole interval between a parent and a child, the block follows the parent, so
//! lines are decided top down and do not creep. A first sweep down places every block under its parents; then
//! sweeps alternate up and down, each layer taking the positions closest to its wishes, in
//! weighted least squares, that keep the order and the minimum gaps (isotonic regression by
//! pool-adjacent-violators, linear per layer). Virtual nodes and constants have no weight there:
//! they take the free spot nearest their wish and never push boxes. After every pair of sweeps
//! each block is put back on one vertical line wherever its free slots allow.
//!
//! Repeated blocks must not drift sideways (a staircase): a join also aims at its fork (its
//! immediate dominator, ignoring side inputs) with more weight than any branch, so a block whose
//! branches end off its line comes back under the node it started from; and constants only pull
//! a block that has no other neighbour.
//!
//! Invariants of the result: order inside a layer is kept and neighbours are at least their half
//! widths plus the gap apart (`node_gap`, half of it between two virtual nodes). Every step is
//! linear in the proper graph (up to sorting neighbour lists), with a fixed number of sweeps.

use super::adjacency::Adjacency;
use super::ordering::Ordering;
use super::virtual_nodes::ProperGraph;

/// Sweeps (down and up count separately); each is linear in the proper graph.
const COORDINATE_SWEEPS: usize = 12;
/// Proper graphs larger than this (dense webs of long edges) get half the sweeps.
const LARGE_GRAPH_NODES: usize = 300_000;
/// Weight of a virtual node in the least-squares fit: none, so long edges make way for boxes and
/// never push them, and a chain beside a long edge stays exactly straight.
const VIRTUAL_NODE_WEIGHT: f64 = 0.0;
/// Pull of a virtual neighbour in a median: below a real neighbour, so a chain stays straight
/// rather than leaning towards the long edges leaving it. Weights are binary fractions, so weight
/// sums are exact and exact half splits are recognised.
const LONG_EDGE_END_WEIGHT: f64 = 0.5;
/// Pull of a join's fork on the join's median: above a real neighbour, so a block whose branches
/// end off its line (a residual branch beside its skip edge, an attention head's last matmul
/// under the values) comes back under the fork instead of starting a staircase.
const FORK_WEIGHT: f64 = 2.0;
/// Straightening passes after the sweeps.
const FINAL_STRAIGHTEN_PASSES: usize = 3;
/// Longest chain feeding a single op that still counts as a side input (constant, cast, reshape).
const MAX_SIDE_INPUT_MEMBERS: usize = 3;
/// Weight of a side input in the least-squares fit: none, like virtual nodes, so it takes the free
/// spot nearest its consumer and never pushes a chain.
const SIDE_INPUT_WEIGHT: f64 = 0.0;
/// Pull of a side input on its consumer's median: small, so constants do not drag the op they
/// feed off the main line.
const SIDE_INPUT_NEIGHBOUR_WEIGHT: f64 = 0.25;
/// Weight of a block without outside neighbours: it keeps its place unless pushed.
const ISOLATED_NODE_WEIGHT: f64 = 0.0625;
/// Gap between two virtual nodes, as a fraction of `node_gap`: parallel long edges may run closer.
const VIRTUAL_GAP_FACTOR: f64 = 0.5;

/// Horizontal centre of every node of `graph` (real and virtual); not yet shifted to start at 0.
pub(super) fn assign_x(graph: &ProperGraph, ordering: &Ordering, node_gap: f64) -> Vec<f64> {
    let mut centre_x = vec![0.0f64; graph.n_nodes()];
    let spacing = Spacing { graph, node_gap };
    for layer_idx in 0..graph.n_layers {
        let nodes = ordering.layer(layer_idx);
        let mut next_x = 0.0;
        for (slot, &node_idx) in nodes.iter().enumerate() {
            if slot > 0 {
                next_x += spacing.separation(nodes[slot - 1], node_idx);
            }
            centre_x[node_idx] = next_x;
        }
        // Centre every layer on 0 so the first sweep starts symmetric.
        for &node_idx in nodes {
            centre_x[node_idx] -= next_x / 2.0;
        }
    }

    let blocks = Blocks::new(graph);
    let mut scratch = LayerScratch::default();
    let n_sweeps = if graph.n_nodes() > LARGE_GRAPH_NODES {
        COORDINATE_SWEEPS / 2
    } else {
        COORDINATE_SWEEPS
    };
    for sweep_idx in 0..n_sweeps {
        // Wishes are cached per sweep: a block is asked once, by its first member visited.
        // Stamp 1, the first sweep down, places every block under its parents only: the initial
        // packing says nothing about where the layers below belong.
        scratch.sweep_stamp = sweep_idx + 1;
        if sweep_idx % 2 == 0 {
            for layer_idx in 0..graph.n_layers {
                place_layer(
                    &spacing,
                    &blocks,
                    ordering,
                    layer_idx,
                    &mut centre_x,
                    &mut scratch,
                );
            }
        } else {
            for layer_idx in (0..graph.n_layers).rev() {
                place_layer(
                    &spacing,
                    &blocks,
                    ordering,
                    layer_idx,
                    &mut centre_x,
                    &mut scratch,
                );
            }
            straighten_blocks(&spacing, &blocks, ordering, &mut centre_x, &mut scratch);
        }
    }
    // Each pass can free room for the next: a bundle of parallel long edges straightens from
    // the outside in.
    for _ in 0..FINAL_STRAIGHTEN_PASSES {
        straighten_blocks(&spacing, &blocks, ordering, &mut centre_x, &mut scratch);
    }
    centre_x
}

/// Minimum centre-to-centre distances between neighbours in a layer.
struct Spacing<'a> {
    graph: &'a ProperGraph,
    node_gap: f64,
}

impl Spacing<'_> {
    fn separation(&self, left_idx: usize, right_idx: usize) -> f64 {
        // Each side brings half a gap: a box half the node gap, a long edge's virtual node
        // half the (narrower) gap between edges, so a lane runs nearer a box than two boxes
        // stand (dagre's rule too), which keeps the edges that leave for it short.
        let half_gap = |idx: usize| {
            if self.graph.is_virtual(idx) {
                self.node_gap * VIRTUAL_GAP_FACTOR / 2.0
            } else {
                self.node_gap / 2.0
            }
        };
        let gap = half_gap(left_idx) + half_gap(right_idx);
        (self.graph.width[left_idx] + self.graph.width[right_idx]) / 2.0 + gap
    }
}

/// Maximal chains of one-to-one links (`upper` has one child, `lower` one parent).
struct Blocks<'a> {
    graph: &'a ProperGraph,
    /// Block of every node.
    block_of: Vec<usize>,
    /// Next member down of every node's block, `usize::MAX` at the bottom.
    next_member: Vec<usize>,
    /// Top and bottom member of every block.
    ends: Vec<(usize, usize)>,
    /// Per block: a constant, or a short chain such as a constant and its cast, feeding one op
    /// (one outside neighbour, few members). A longer such chain is the start of the main line.
    is_side_input: Vec<bool>,
    /// Per node: for a join (two or more parents that are not side inputs), the fork all its
    /// paths from the top come through (its immediate dominator), else `usize::MAX`.
    fork_of: Vec<usize>,
}

impl<'a> Blocks<'a> {
    fn new(graph: &'a ProperGraph) -> Blocks<'a> {
        let n_nodes = graph.n_nodes();
        let mut block_of = vec![usize::MAX; n_nodes];
        let mut next_member = vec![usize::MAX; n_nodes];
        let mut ends = Vec::new();
        let mut is_side_input = Vec::new();
        for top_idx in 0..n_nodes {
            if single_link_above(graph, top_idx).is_some() {
                continue;
            }
            let block_idx = ends.len();
            let mut bottom_idx = top_idx;
            let mut n_members = 1;
            block_of[top_idx] = block_idx;
            while let Some(next_idx) = single_link_below(graph, bottom_idx) {
                next_member[bottom_idx] = next_idx;
                bottom_idx = next_idx;
                block_of[bottom_idx] = block_idx;
                n_members += 1;
            }
            ends.push((top_idx, bottom_idx));
            let n_outside = graph.up.degree(top_idx) + graph.down.degree(bottom_idx);
            is_side_input.push(n_outside == 1 && n_members <= MAX_SIDE_INPUT_MEMBERS);
        }
        let fork_of = forks_of_joins(graph, &block_of, &is_side_input);
        Blocks {
            graph,
            block_of,
            next_member,
            ends,
            is_side_input,
            fork_of,
        }
    }

    /// Members of `block_idx`, top to bottom.
    fn members(&self, block_idx: usize) -> impl Iterator<Item = usize> + '_ {
        let (top_idx, _) = self.ends[block_idx];
        std::iter::successors(Some(top_idx), move |&member_idx| {
            self.next_member
                .get(member_idx)
                .copied()
                .filter(|&next_idx| next_idx != usize::MAX)
        })
    }

    /// Median centre of the block's members: the line most of it already follows.
    fn median_member_x(&self, block_idx: usize, centre_x: &[f64], member_x: &mut Vec<f64>) -> f64 {
        member_x.clear();
        member_x.extend(
            self.members(block_idx)
                .map(|member_idx| centre_x[member_idx]),
        );
        if member_x.is_empty() {
            return 0.0;
        }
        let middle = member_x.len() / 2;
        let (_, median, _) = member_x.select_nth_unstable_by(middle, f64::total_cmp);
        *median
    }

    /// Where the block wants its vertical line and how strongly: the weighted median of the
    /// centres of the neighbours above its top and below its bottom; with none, where it is.
    /// `above_only` ignores the neighbours below when there are any above (first placement).
    fn wish(
        &self,
        block_idx: usize,
        centre_x: &[f64],
        above_only: bool,
        neighbours: &mut Vec<Neighbour>,
    ) -> (f64, f64) {
        let graph = self.graph;
        let (top_idx, bottom_idx) = self.ends[block_idx];
        let neighbour = |other_idx: usize, is_above: bool| Neighbour {
            x: centre_x[other_idx],
            weight: if graph.is_virtual(other_idx) {
                LONG_EDGE_END_WEIGHT
            } else if self.is_side_input[self.block_of[other_idx]] {
                SIDE_INPUT_NEIGHBOUR_WEIGHT
            } else {
                1.0
            },
            is_above,
        };
        neighbours.clear();
        neighbours.extend(
            graph
                .up
                .neighbours(top_idx)
                .iter()
                .map(|&other_idx| neighbour(other_idx, true)),
        );
        let fork_idx = self.fork_of[top_idx];
        if fork_idx != NO_NODE {
            neighbours.push(Neighbour {
                x: centre_x[fork_idx],
                weight: FORK_WEIGHT,
                is_above: true,
            });
        }
        if !above_only || neighbours.is_empty() {
            neighbours.extend(
                graph
                    .down
                    .neighbours(bottom_idx)
                    .iter()
                    .map(|&other_idx| neighbour(other_idx, false)),
            );
        }
        // Side inputs only say where to go when nothing else does: between a parent and a child
        // on different lines any point is as short for the main line, and letting the constants
        // decide shifts every block a little towards them, a staircase over many blocks.
        if neighbours
            .iter()
            .any(|neighbour| neighbour.weight > SIDE_INPUT_NEIGHBOUR_WEIGHT)
        {
            neighbours.retain(|neighbour| neighbour.weight > SIDE_INPUT_NEIGHBOUR_WEIGHT);
        }
        weighted_median(neighbours).unwrap_or((centre_x[top_idx], ISOLATED_NODE_WEIGHT))
    }
}

/// Marks "no node" in [`Blocks::fork_of`] and while computing dominators (the virtual root above
/// all sources).
const NO_NODE: usize = usize::MAX;

/// The fork of every join: its immediate dominator over the edges that are not side inputs, with
/// a virtual root above all sources (Cooper, Harvey, Kennedy: in topological order, intersect
/// the dominators of the parents). A join whose paths start at different sources has none. Walks
/// up the dominator tree are capped, so the pass stays linear even under a hub that feeds every
/// layer; a capped walk means no fork.
fn forks_of_joins(graph: &ProperGraph, block_of: &[usize], is_side_input: &[bool]) -> Vec<usize> {
    let n_nodes = graph.n_nodes();
    // Layers are a topological order; `rank` is the position in it.
    let mut layer_start = vec![0usize; graph.n_layers + 1];
    for &layer_idx in &graph.layer_of {
        layer_start[layer_idx + 1] += 1;
    }
    for layer_idx in 0..graph.n_layers {
        layer_start[layer_idx + 1] += layer_start[layer_idx];
    }
    let mut topo_order = vec![0usize; n_nodes];
    let mut rank = vec![0usize; n_nodes];
    for node_idx in 0..n_nodes {
        let slot = &mut layer_start[graph.layer_of[node_idx]];
        topo_order[*slot] = node_idx;
        rank[node_idx] = *slot;
        *slot += 1;
    }
    let is_main = |node_idx: usize| !is_side_input[block_of[node_idx]];
    let mut idom = vec![NO_NODE; n_nodes];
    let mut fork_of = vec![NO_NODE; n_nodes];
    for &node_idx in &topo_order {
        let parents = graph.up.neighbours(node_idx);
        let n_main = parents.iter().filter(|&&parent| is_main(parent)).count();
        let mut main_parents = parents
            .iter()
            .copied()
            .filter(|&parent| n_main == 0 || is_main(parent));
        let Some(first) = main_parents.next() else {
            continue;
        };
        let mut dominator = first;
        for parent in main_parents {
            dominator = intersect(&idom, &rank, dominator, parent);
        }
        idom[node_idx] = dominator;
        if n_main >= 2 && !graph.is_virtual(node_idx) {
            fork_of[node_idx] = dominator;
        }
    }
    fork_of
}

/// Steps allowed when walking up the dominator tree to intersect two paths.
const MAX_DOMINATOR_STEPS: usize = 256;

/// Nearest common dominator of `a` and `b`, or [`NO_NODE`] (the virtual root, or too far up).
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

/// Centre of a block's outside neighbour, as seen by the weighted median.
#[derive(Debug, Clone, Copy)]
struct Neighbour {
    x: f64,
    weight: f64,
    is_above: bool,
}

/// Weighted median of the neighbours' centres and their total weight. When the weight splits
/// exactly in half between two centres, any point between them is as good: between two children
/// (or two parents) the weighted mean of all children (parents), so a parent centres over its
/// children the way the least-squares fit centres children under a parent, and a line through a
/// fan-out and fan-in does not shift; between a parent and a child the parent, so lines are
/// decided top down and chains end up exactly straight instead of creeping.
fn weighted_median(neighbours: &mut [Neighbour]) -> Option<(f64, f64)> {
    neighbours.sort_unstable_by(|a, b| {
        a.x.total_cmp(&b.x)
            .then(a.weight.total_cmp(&b.weight))
            .then(a.is_above.cmp(&b.is_above))
    });
    let total: f64 = neighbours.iter().map(|neighbour| neighbour.weight).sum();
    let mut cumulative = 0.0;
    for (rank, low) in neighbours.iter().enumerate() {
        cumulative += low.weight;
        if 2.0 * cumulative > total {
            return Some((low.x, total));
        }
        if 2.0 * cumulative == total {
            let Some(high) = neighbours.get(rank + 1) else {
                return Some((low.x, total));
            };
            let median = if low.is_above == high.is_above {
                weighted_mean_of_side(neighbours, low.is_above)
            } else if low.is_above {
                low.x
            } else {
                high.x
            };
            return Some((median, total));
        }
    }
    neighbours.last().map(|neighbour| (neighbour.x, total))
}

/// The parent of `node_idx` if it is its only parent and `node_idx` is that parent's only child.
fn single_link_above(graph: &ProperGraph, node_idx: usize) -> Option<usize> {
    single(&graph.up, node_idx).filter(|&upper_idx| graph.down.degree(upper_idx) == 1)
}

/// The child of `node_idx` if it is its only child and `node_idx` is that child's only parent.
fn single_link_below(graph: &ProperGraph, node_idx: usize) -> Option<usize> {
    single(&graph.down, node_idx).filter(|&lower_idx| graph.up.degree(lower_idx) == 1)
}

fn single(adjacency: &Adjacency, node_idx: usize) -> Option<usize> {
    match adjacency.neighbours(node_idx) {
        [only_idx] => Some(*only_idx),
        _ => None,
    }
}

/// Buffers reused across layers, sweeps and straightening passes, so the stage allocates O(1)
/// times instead of once per layer.
#[derive(Debug, Default)]
struct LayerScratch {
    wanted: Vec<f64>,
    weight: Vec<f64>,
    offset: Vec<f64>,
    fitted: Vec<f64>,
    neighbours: Vec<Neighbour>,
    blocks: Vec<PoolBlock>,
    /// Per block: (sweep stamp, wished x, weight).
    wish_cache: Vec<(usize, f64, f64)>,
    /// Per block: (sweep stamp, median x of its members).
    line_cache: Vec<(usize, f64)>,
    member_x: Vec<f64>,
    /// Free slot `(low, high)` of every member of the block being straightened.
    slots: Vec<(usize, (f64, f64))>,
    sweep_stamp: usize,
}

/// Moves one layer as close as the gaps allow to where its nodes' blocks want to be.
fn place_layer(
    spacing: &Spacing<'_>,
    blocks: &Blocks<'_>,
    ordering: &Ordering,
    layer_idx: usize,
    centre_x: &mut [f64],
    scratch: &mut LayerScratch,
) {
    let graph = spacing.graph;
    let nodes = ordering.layer(layer_idx);
    if scratch.wish_cache.len() != blocks.ends.len() {
        scratch.wish_cache = vec![(0, 0.0, 0.0); blocks.ends.len()];
        scratch.line_cache = vec![(0, 0.0); blocks.ends.len()];
    }
    scratch.wanted.clear();
    scratch.weight.clear();
    scratch.offset.clear();
    let mut offset = 0.0;
    for (slot, &node_idx) in nodes.iter().enumerate() {
        if slot > 0 {
            offset += spacing.separation(nodes[slot - 1], node_idx);
        }
        let (wanted, weight) = if graph.is_virtual(node_idx) {
            // A long edge does not pull towards its ends here (straightening does that), it only
            // asks its members to line up where most of them already are.
            let block_idx = blocks.block_of[node_idx];
            let cached = scratch.line_cache[block_idx];
            let line = if cached.0 == scratch.sweep_stamp {
                cached.1
            } else {
                let line = blocks.median_member_x(block_idx, centre_x, &mut scratch.member_x);
                scratch.line_cache[block_idx] = (scratch.sweep_stamp, line);
                line
            };
            (line, VIRTUAL_NODE_WEIGHT)
        } else {
            let block_idx = blocks.block_of[node_idx];
            let cached = scratch.wish_cache[block_idx];
            let (wanted, block_weight) = if cached.0 == scratch.sweep_stamp {
                (cached.1, cached.2)
            } else {
                let (wanted, block_weight) = blocks.wish(
                    block_idx,
                    centre_x,
                    scratch.sweep_stamp == 1,
                    &mut scratch.neighbours,
                );
                scratch.wish_cache[block_idx] = (scratch.sweep_stamp, wanted, block_weight);
                (wanted, block_weight)
            };
            // A side input gives way to the chains it sits beside instead of pushing them.
            let weight = if blocks.is_side_input[block_idx] {
                SIDE_INPUT_WEIGHT
            } else {
                block_weight
            };
            (wanted, weight)
        };
        // Substituting x = y + offset turns the gap constraints into y non-decreasing.
        scratch.wanted.push(wanted - offset);
        scratch.weight.push(weight);
        scratch.offset.push(offset);
    }
    fit_non_decreasing(
        &scratch.wanted,
        &scratch.weight,
        &mut scratch.fitted,
        &mut scratch.blocks,
    );
    for (slot, &node_idx) in nodes.iter().enumerate() {
        centre_x[node_idx] = scratch.fitted[slot] + scratch.offset[slot];
    }
}

/// Weighted mean centre of the neighbours above (or below).
fn weighted_mean_of_side(neighbours: &[Neighbour], is_above: bool) -> f64 {
    let (weight_sum, weighted_x_sum) = neighbours
        .iter()
        .filter(|neighbour| neighbour.is_above == is_above)
        .fold((0.0, 0.0), |(weight_sum, weighted_x_sum), neighbour| {
            (
                weight_sum + neighbour.weight,
                weighted_x_sum + neighbour.weight * neighbour.x,
            )
        });
    // The caller only asks for a side that has neighbours, so the weight is positive.
    if weight_sum > 0.0 {
        weighted_x_sum / weight_sum
    } else {
        0.0
    }
}

/// A run of pooled values in the isotonic regression.
#[derive(Debug, Clone, Copy)]
pub(super) struct PoolBlock {
    weight: f64,
    weighted_sum: f64,
    /// Number of positive-weight values in the run.
    len: usize,
}

impl PoolBlock {
    fn mean(&self) -> f64 {
        self.weighted_sum / self.weight
    }
}

/// Weighted isotonic regression (pool adjacent violators): the non-decreasing sequence closest to
/// `wanted` in weighted least squares, linear time. Values of weight 0 have no say in the fit:
/// they take the point closest to their wish between their fitted neighbours (if every weight
/// is 0, all count equally). Weights must not be negative.
pub(super) fn fit_non_decreasing(
    wanted: &[f64],
    weight: &[f64],
    fitted: &mut Vec<f64>,
    blocks: &mut Vec<PoolBlock>,
) {
    let all_zero = weight.iter().all(|&value_weight| value_weight <= 0.0);
    let effective_weight = |value_weight: f64| if all_zero { 1.0 } else { value_weight };
    blocks.clear();
    for (&value, &value_weight) in wanted.iter().zip(weight) {
        let value_weight = effective_weight(value_weight);
        if value_weight <= 0.0 {
            continue;
        }
        let mut block = PoolBlock {
            weight: value_weight,
            weighted_sum: value_weight * value,
            len: 1,
        };
        while let Some(previous) = blocks.last() {
            if previous.mean() <= block.mean() {
                break;
            }
            block.weight += previous.weight;
            block.weighted_sum += previous.weighted_sum;
            block.len += previous.len;
            blocks.pop();
        }
        blocks.push(block);
    }

    // Fitted values of the positive-weight entries; zero-weight entries are filled below.
    fitted.clear();
    let mut block_iter = blocks.iter();
    let mut current: Option<(f64, usize)> = None;
    for &value_weight in weight {
        if effective_weight(value_weight) <= 0.0 {
            fitted.push(0.0);
            continue;
        }
        if current.is_none_or(|(_, left)| left == 0) {
            current = block_iter.next().map(|block| (block.mean(), block.len));
        }
        match current.as_mut() {
            Some((mean, left)) => {
                fitted.push(*mean);
                *left -= 1;
            }
            None => fitted.push(0.0),
        }
    }
    // Zero-weight entries: near their wish, within the fitted values around them. Right to left
    // caps each by what follows, left to right lifts it to what precedes.
    let mut next = f64::INFINITY;
    for ((value, &wish), &value_weight) in fitted.iter_mut().zip(wanted).zip(weight).rev() {
        if effective_weight(value_weight) <= 0.0 {
            *value = wish.min(next);
        }
        next = *value;
    }
    let mut previous = f64::NEG_INFINITY;
    for (value, &value_weight) in fitted.iter_mut().zip(weight) {
        if effective_weight(value_weight) <= 0.0 {
            *value = value.max(previous);
        }
        previous = *value;
    }
}

/// Puts every block of two or more members on one vertical line: its wish if every member's slot
/// allows it, else the allowed line closest to it; where no single line fits, each member goes as
/// close to the line most members follow as its own slot allows. Never breaks the gaps.
fn straighten_blocks(
    spacing: &Spacing<'_>,
    blocks: &Blocks<'_>,
    ordering: &Ordering,
    centre_x: &mut [f64],
    scratch: &mut LayerScratch,
) {
    for block_idx in 0..blocks.ends.len() {
        let (top_idx, bottom_idx) = blocks.ends[block_idx];
        if top_idx == bottom_idx {
            continue;
        }
        let (wish, _) = blocks.wish(block_idx, centre_x, false, &mut scratch.neighbours);
        // Members sit in different layers, so moving one never changes another's slot.
        scratch.slots.clear();
        scratch
            .slots
            .extend(blocks.members(block_idx).map(|member_idx| {
                (
                    member_idx,
                    free_slot(spacing, ordering, member_idx, centre_x),
                )
            }));
        let common_low = scratch
            .slots
            .iter()
            .map(|&(_, (low, _))| low)
            .fold(f64::NEG_INFINITY, f64::max);
        let common_high = scratch
            .slots
            .iter()
            .map(|&(_, (_, high))| high)
            .fold(f64::INFINITY, f64::min);
        let target = if common_low <= common_high {
            wish.max(common_low).min(common_high)
        } else {
            blocks.median_member_x(block_idx, centre_x, &mut scratch.member_x)
        };
        for &(member_idx, (low, high)) in &scratch.slots {
            if low <= high {
                centre_x[member_idx] = target.max(low).min(high);
            }
        }
    }
}

/// Range of centres a node can take without getting too close to its layer neighbours.
fn free_slot(
    spacing: &Spacing<'_>,
    ordering: &Ordering,
    node_idx: usize,
    centre_x: &[f64],
) -> (f64, f64) {
    let graph = spacing.graph;
    let layer = ordering.layer(graph.layer_of[node_idx]);
    let slot = ordering.pos[node_idx];
    let low = match slot
        .checked_sub(1)
        .and_then(|left_slot| layer.get(left_slot))
    {
        Some(&left_idx) => centre_x[left_idx] + spacing.separation(left_idx, node_idx),
        None => f64::NEG_INFINITY,
    };
    let high = match layer.get(slot + 1) {
        Some(&right_idx) => centre_x[right_idx] - spacing.separation(node_idx, right_idx),
        None => f64::INFINITY,
    };
    (low, high)
}

/// Vertical placement: row `l` spans `top[l]..top[l] + height[l]`.
#[derive(Debug, Clone, Default)]
pub(super) struct Rows {
    pub(super) top: Vec<f64>,
    pub(super) height: Vec<f64>,
}

impl Rows {
    /// Bottom of the last row (0 with no rows).
    pub(super) fn total_height(&self) -> f64 {
        match (self.top.last(), self.height.last()) {
            (Some(&top), Some(&height)) => top + height,
            _ => 0.0,
        }
    }
}

/// One row per layer, as tall as its tallest box, rows `layer_gap` apart.
pub(super) fn assign_rows(
    n_layers: usize,
    layers: &[u32],
    heights: &[f64],
    layer_gap: f64,
) -> Rows {
    let mut height = vec![0.0f64; n_layers];
    for (&layer_idx, &box_height) in layers.iter().zip(heights) {
        let row = &mut height[layer_idx as usize];
        *row = row.max(box_height);
    }
    let mut top = Vec::with_capacity(n_layers);
    let mut next_top = 0.0;
    for &row_height in &height {
        top.push(next_top);
        next_top += row_height + layer_gap;
    }
    Rows { top, height }
}
