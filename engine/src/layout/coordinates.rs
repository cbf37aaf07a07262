//! Coordinate assignment: horizontal centres for every node of the proper graph, and one row per
//! layer vertically.
//!
//! Horizontal: nodes are grouped into blocks, maximal chains joined one-to-one (a run of ops with
//! a single input and a single consumer, or the virtual nodes of a long edge), and a block wants
//! one x for all its members: the weighted median of the centres of its outside neighbours. That
//! keeps chains and long edges vertical and centres a parent over its children. Alternate sweeps
//! down and up then give every layer the positions closest to those wishes, in weighted least
//! squares, that keep the order and the minimum gaps: isotonic regression by
//! pool-adjacent-violators, linear per layer. Virtual nodes only make way in the sweeps; after
//! every pair of sweeps each block is put back on one vertical line where its free slots allow.
//!
//! Invariants of the result: order inside a layer is kept and neighbours are at least their half
//! widths plus the gap apart (`node_gap`, half of it between two virtual nodes).

use super::adjacency::Adjacency;
use super::ordering::Ordering;
use super::virtual_nodes::ProperGraph;

/// Sweeps (down and up count separately); each is linear in the proper graph.
const COORDINATE_SWEEPS: usize = 12;
/// Weight of a virtual node in the least-squares fit: none, so long edges make way for boxes and
/// never push them, and a chain beside a long edge stays exactly straight.
const VIRTUAL_NODE_WEIGHT: f64 = 0.0;
/// Pull of a virtual neighbour in a median: below a real neighbour, so a chain stays straight
/// rather than leaning towards the long edges leaving it.
const LONG_EDGE_END_WEIGHT: f64 = 0.5;
/// Weight of a block with one outside neighbour, such as a constant feeding one op.
const DANGLING_BLOCK_WEIGHT: f64 = 0.25;
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
    for sweep_idx in 0..COORDINATE_SWEEPS {
        // Wishes are cached per sweep: a block is asked once, by its first member visited.
        scratch.sweep_stamp = sweep_idx + 1;
        if sweep_idx % 2 == 0 {
            for layer_idx in 0..graph.n_layers {
                place_layer(&spacing, &blocks, ordering, layer_idx, &mut centre_x, &mut scratch);
            }
        } else {
            for layer_idx in (0..graph.n_layers).rev() {
                place_layer(&spacing, &blocks, ordering, layer_idx, &mut centre_x, &mut scratch);
            }
            straighten_blocks(&spacing, &blocks, ordering, &mut centre_x, &mut scratch.neighbours);
        }
    }
    straighten_blocks(&spacing, &blocks, ordering, &mut centre_x, &mut scratch.neighbours);
    centre_x
}

/// Minimum centre-to-centre distances between neighbours in a layer.
struct Spacing<'a> {
    graph: &'a ProperGraph,
    node_gap: f64,
}

impl Spacing<'_> {
    fn separation(&self, left_idx: usize, right_idx: usize) -> f64 {
        let both_virtual = self.graph.is_virtual(left_idx) && self.graph.is_virtual(right_idx);
        let gap = if both_virtual {
            self.node_gap * VIRTUAL_GAP_FACTOR
        } else {
            self.node_gap
        };
        (self.graph.width[left_idx] + self.graph.width[right_idx]) / 2.0 + gap
    }
}

/// Maximal chains of one-to-one links (`upper` has one child, `lower` one parent).
struct Blocks<'a> {
    graph: &'a ProperGraph,
    /// Block of every node.
    block_of: Vec<usize>,
    /// Top and bottom member of every block.
    ends: Vec<(usize, usize)>,
}

impl<'a> Blocks<'a> {
    fn new(graph: &'a ProperGraph) -> Blocks<'a> {
        let n_nodes = graph.n_nodes();
        let mut block_of = vec![usize::MAX; n_nodes];
        let mut ends = Vec::new();
        for top_idx in 0..n_nodes {
            if single_link_above(graph, top_idx).is_some() {
                continue;
            }
            let block_idx = ends.len();
            let mut bottom_idx = top_idx;
            block_of[top_idx] = block_idx;
            while let Some(next_idx) = single_link_below(graph, bottom_idx) {
                bottom_idx = next_idx;
                block_of[bottom_idx] = block_idx;
            }
            ends.push((top_idx, bottom_idx));
        }
        Blocks {
            graph,
            block_of,
            ends,
        }
    }

    /// Members of `block_idx`, top to bottom.
    fn members(&self, block_idx: usize) -> impl Iterator<Item = usize> + '_ {
        let (top_idx, bottom_idx) = self.ends[block_idx];
        std::iter::successors(Some(top_idx), move |&member_idx| {
            if member_idx == bottom_idx {
                None
            } else {
                single_link_below(self.graph, member_idx)
            }
        })
    }

    /// Median centre of the block's members: the line most of it already follows.
    fn median_member_x(&self, block_idx: usize, centre_x: &[f64], member_x: &mut Vec<f64>) -> f64 {
        member_x.clear();
        member_x.extend(self.members(block_idx).map(|member_idx| centre_x[member_idx]));
        if member_x.is_empty() {
            return 0.0;
        }
        let middle = member_x.len() / 2;
        let (_, median, _) = member_x.select_nth_unstable_by(middle, f64::total_cmp);
        *median
    }

    /// Where the block wants its vertical line and how strongly: the weighted median of the
    /// centres of the neighbours above its top and below its bottom; with none, its top's place.
    fn wish(&self, block_idx: usize, centre_x: &[f64], neighbours: &mut Vec<(f64, f64)>) -> (f64, f64) {
        let graph = self.graph;
        let (top_idx, bottom_idx) = self.ends[block_idx];
        neighbours.clear();
        let outside = graph
            .up
            .neighbours(top_idx)
            .iter()
            .chain(graph.down.neighbours(bottom_idx));
        neighbours.extend(outside.map(|&other_idx| {
            let weight = if graph.is_virtual(other_idx) {
                LONG_EDGE_END_WEIGHT
            } else {
                1.0
            };
            (centre_x[other_idx], weight)
        }));
        weighted_median(neighbours).unwrap_or((centre_x[top_idx], ISOLATED_NODE_WEIGHT))
    }
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

#[derive(Debug, Default)]
struct LayerScratch {
    wanted: Vec<f64>,
    weight: Vec<f64>,
    offset: Vec<f64>,
    fitted: Vec<f64>,
    neighbours: Vec<(f64, f64)>,
    blocks: Vec<PoolBlock>,
    /// Per block: (sweep stamp, wished x, weight).
    wish_cache: Vec<(usize, f64, f64)>,
    /// Per block: (sweep stamp, median x of its members).
    line_cache: Vec<(usize, f64)>,
    member_x: Vec<f64>,
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
                let (wanted, block_weight) = blocks.wish(block_idx, centre_x, &mut scratch.neighbours);
                scratch.wish_cache[block_idx] = (scratch.sweep_stamp, wanted, block_weight);
                (wanted, block_weight)
            };
            // A block hanging off one neighbour (a constant, a side input) gives way to the
            // chains it sits beside instead of pushing them.
            let weight = if block_weight <= 1.0 {
                DANGLING_BLOCK_WEIGHT.min(block_weight)
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

/// Weighted median of `(value, weight)` pairs and the total weight; when the weight splits exactly
/// in half between two values, their midpoint (so a parent of two children sits between them).
fn weighted_median(values: &mut [(f64, f64)]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let total: f64 = values.iter().map(|&(_, weight)| weight).sum();
    let mut cumulative = 0.0;
    for (rank, &(value, weight)) in values.iter().enumerate() {
        cumulative += weight;
        if 2.0 * cumulative > total {
            return Some((value, total));
        }
        if 2.0 * cumulative == total {
            let next = values.get(rank + 1).map_or(value, |&(next_value, _)| next_value);
            return Some(((value + next) / 2.0, total));
        }
    }
    values.last().map(|&(value, _)| (value, total))
}

/// A run of pooled values in the isotonic regression.
#[derive(Debug, Clone, Copy)]
struct PoolBlock {
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
    let is_free = |index: usize| effective_weight(weight[index]) <= 0.0;
    let mut next = f64::INFINITY;
    for index in (0..wanted.len()).rev() {
        if is_free(index) {
            fitted[index] = wanted[index].min(next);
        }
        next = fitted[index];
    }
    let mut previous = f64::NEG_INFINITY;
    for index in 0..wanted.len() {
        if is_free(index) {
            fitted[index] = fitted[index].max(previous);
        }
        previous = fitted[index];
    }
}

/// Puts every block of two or more members on one vertical line: its wish if every member's slot
/// allows it, else the allowed line closest to it; where no single line fits, each member goes as
/// close to the wish as its own slot allows. Never breaks the gaps.
fn straighten_blocks(
    spacing: &Spacing<'_>,
    blocks: &Blocks<'_>,
    ordering: &Ordering,
    centre_x: &mut [f64],
    neighbours: &mut Vec<(f64, f64)>,
) {
    for block_idx in 0..blocks.ends.len() {
        let (top_idx, bottom_idx) = blocks.ends[block_idx];
        if top_idx == bottom_idx {
            continue;
        }
        let (wish, _) = blocks.wish(block_idx, centre_x, neighbours);
        let mut common_low = f64::NEG_INFINITY;
        let mut common_high = f64::INFINITY;
        for member_idx in blocks.members(block_idx) {
            let (low, high) = free_slot(spacing, ordering, member_idx, centre_x);
            common_low = common_low.max(low);
            common_high = common_high.min(high);
        }
        let target = if common_low <= common_high {
            wish.max(common_low).min(common_high)
        } else {
            wish
        };
        for member_idx in blocks.members(block_idx) {
            let (low, high) = free_slot(spacing, ordering, member_idx, centre_x);
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
    let low = match slot.checked_sub(1).and_then(|left_slot| layer.get(left_slot)) {
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
