//! Tests of the layout invariants: hand-made graphs for exact expectations, generated model-like
//! graphs (residual chains, 4-way fan-out/fan-in, constants, long skips) for the general ones.

use super::ordering::CrossingCounter;
use super::{layout, BoxSize, Layout, LayoutConfig, LayoutInput, Point, Rect};

/// Tolerance for coordinates that are computed through sums of box widths.
const EPSILON: f64 = 1e-6;

/// Tiny deterministic generator (64-bit LCG) so tests need no `rand`.
struct Lcg(u64);

impl Lcg {
    fn next_below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

/// Boxes of varying size, like op boxes in the viewer.
fn varied_boxes(n_nodes: usize) -> Vec<BoxSize> {
    let mut rng = Lcg(11);
    (0..n_nodes)
        .map(|_| BoxSize {
            width: 80.0 + rng.next_below(161) as f64,
            height: 28.0 + rng.next_below(33) as f64,
        })
        .collect()
}

fn graph(n_nodes: usize, edges: &[(usize, usize)]) -> LayoutInput {
    LayoutInput {
        nodes: varied_boxes(n_nodes),
        edges: edges.to_vec(),
    }
}

fn chain_edges(n_nodes: usize) -> Vec<(usize, usize)> {
    (1..n_nodes)
        .map(|node_idx| (node_idx - 1, node_idx))
        .collect()
}

/// Chain with residual blocks, 4-way fan-out/fan-in blocks, constants and long skips.
fn model_like(n_blocks: usize) -> LayoutInput {
    let mut rng = Lcg(5);
    let mut n_nodes = 1usize;
    let mut edges = Vec::new();
    let mut current = 0usize;
    let mut add_op = |inputs: &[usize], rng: &mut Lcg, edges: &mut Vec<(usize, usize)>| {
        let node_idx = n_nodes;
        n_nodes += 1;
        edges.extend(inputs.iter().map(|&input_idx| (input_idx, node_idx)));
        if rng.next_below(8) == 0 {
            edges.push((n_nodes, node_idx));
            n_nodes += 1;
        }
        node_idx
    };
    let mut block_ends = vec![current];
    for block_idx in 0..n_blocks {
        let start = current;
        current = match rng.next_below(10) {
            0..=5 => {
                let mut branch = start;
                for _ in 0..2 + rng.next_below(2) {
                    branch = add_op(&[branch], &mut rng, &mut edges);
                }
                add_op(&[branch, start], &mut rng, &mut edges)
            }
            6 | 7 => {
                let mut ends = Vec::new();
                for _ in 0..4 {
                    let mut branch = start;
                    for _ in 0..1 + rng.next_below(3) {
                        branch = add_op(&[branch], &mut rng, &mut edges);
                    }
                    ends.push(branch);
                }
                add_op(&ends, &mut rng, &mut edges)
            }
            _ => add_op(&[start], &mut rng, &mut edges),
        };
        if block_idx % 17 == 16 {
            let from = block_ends[block_ends.len().saturating_sub(9)];
            current = add_op(&[current, from], &mut rng, &mut edges);
        }
        block_ends.push(current);
    }
    LayoutInput {
        nodes: varied_boxes(n_nodes),
        edges,
    }
}

fn centre_x(rect: &Rect) -> f64 {
    rect.x + rect.width / 2.0
}

/// Proper crossings between the polylines of different routes (touching at ends does not count).
fn count_route_crossings(result: &Layout) -> usize {
    fn orientation(a: Point, b: Point, c: Point) -> f64 {
        (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    }
    fn cross(a: Point, b: Point, c: Point, d: Point) -> bool {
        let o1 = orientation(a, b, c);
        let o2 = orientation(a, b, d);
        let o3 = orientation(c, d, a);
        let o4 = orientation(c, d, b);
        let tol = 1e-9;
        ((o1 > tol && o2 < -tol) || (o1 < -tol && o2 > tol))
            && ((o3 > tol && o4 < -tol) || (o3 < -tol && o4 > tol))
    }
    let mut crossings = 0;
    for (first_idx, first) in result.edges.iter().enumerate() {
        for second in &result.edges[first_idx + 1..] {
            for first_segment in first.points.windows(2) {
                for second_segment in second.points.windows(2) {
                    if cross(
                        first_segment[0],
                        first_segment[1],
                        second_segment[0],
                        second_segment[1],
                    ) {
                        crossings += 1;
                    }
                }
            }
        }
    }
    crossings
}

/// Checks the geometric invariants every layout must satisfy.
fn assert_well_formed(input: &LayoutInput, result: &Layout, config: &LayoutConfig) {
    assert_eq!(result.nodes.len(), input.nodes.len());
    assert_eq!(result.layers.len(), input.nodes.len());
    let n_layers = result
        .layers
        .iter()
        .max()
        .map_or(0, |&max| max as usize + 1);
    // Boxes of a layer, left to right, keep the gap.
    let mut by_layer: Vec<Vec<Rect>> = vec![Vec::new(); n_layers];
    for (rect, &layer_idx) in result.nodes.iter().zip(&result.layers) {
        by_layer[layer_idx as usize].push(*rect);
    }
    for layer in &mut by_layer {
        assert!(!layer.is_empty(), "layers are numbered without gaps");
        layer.sort_by(|a, b| a.x.total_cmp(&b.x));
        for pair in layer.windows(2) {
            assert!(
                pair[1].x - (pair[0].x + pair[0].width) >= config.node_gap - EPSILON,
                "boxes too close: {:?} {:?}",
                pair[0],
                pair[1]
            );
        }
    }
    // Rows: boxes of a layer share their vertical centre, and rows are layer_gap apart.
    let mut row_bottom_prev = f64::NEG_INFINITY;
    for layer in &by_layer {
        let top = layer
            .iter()
            .map(|rect| rect.y)
            .fold(f64::INFINITY, f64::min);
        let bottom = layer
            .iter()
            .map(|rect| rect.y + rect.height)
            .fold(f64::NEG_INFINITY, f64::max);
        let centre = layer[0].y + layer[0].height / 2.0;
        for rect in layer {
            assert!((rect.y + rect.height / 2.0 - centre).abs() < EPSILON);
        }
        assert!(top - row_bottom_prev >= config.layer_gap - EPSILON);
        row_bottom_prev = bottom;
    }
    // Everything inside the bounding box, which starts at 0.
    for rect in &result.nodes {
        assert!(rect.x >= -EPSILON && rect.y >= -EPSILON);
        assert!(rect.x + rect.width <= result.width + EPSILON);
        assert!(rect.y + rect.height <= result.height + EPSILON);
    }
    for route in &result.edges {
        assert!(route.points.len() >= 2);
        for point in &route.points {
            assert!(point.x.is_finite() && point.y.is_finite());
            assert!(point.x >= -EPSILON && point.x <= result.width + EPSILON);
            assert!(point.y >= -EPSILON && point.y <= result.height + EPSILON);
        }
    }
}

/// Whether `x` is on `rect`'s side away from its corners (the range edge ends may take).
fn on_side(rect: &Rect, x: f64) -> bool {
    let inset = super::routing::END_INSET.min(rect.width / 2.0);
    x >= rect.x + inset - EPSILON && x <= rect.x + rect.width - inset + EPSILON
}

/// Routes of non-reversed edges go from the bottom side of `from` to the top side of `to` (away
/// from the corners), downward.
fn assert_routes_attach_to_boxes(result: &Layout) {
    for route in &result.edges {
        let from = result.nodes[route.from];
        let to = result.nodes[route.to];
        let (first, last) = (route.points[0], route.points[route.points.len() - 1]);
        if result.layers[route.from] < result.layers[route.to] {
            assert!(
                on_side(&from, first.x),
                "{first:?} is off the bottom of {from:?}"
            );
            assert!((first.y - (from.y + from.height)).abs() < EPSILON);
            assert!(on_side(&to, last.x), "{last:?} is off the top of {to:?}");
            assert!((last.y - to.y).abs() < EPSILON);
            for segment in route.points.windows(2) {
                assert!(segment[1].y >= segment[0].y - EPSILON, "route goes up");
            }
        } else {
            // Reversed to break a cycle: starts at the top of `from`, ends at the bottom of `to`.
            assert!((first.y - from.y).abs() < EPSILON);
            assert!((last.y - (to.y + to.height)).abs() < EPSILON);
        }
    }
}

#[test]
fn empty_input_gives_empty_layout() {
    let result = layout(&LayoutInput::default(), &LayoutConfig::viewer());
    assert_eq!(result, Layout::default());
    let only_bad_edges = LayoutInput {
        nodes: Vec::new(),
        edges: vec![(0, 1), (3, 3)],
    };
    assert!(layout(&only_bad_edges, &LayoutConfig::viewer())
        .edges
        .is_empty());
}

#[test]
fn single_node_sits_at_the_origin() {
    let input = graph(1, &[]);
    let result = layout(&input, &LayoutConfig::viewer());
    assert_eq!(result.layers, vec![0]);
    assert_eq!(result.nodes[0].x, 0.0);
    assert_eq!(result.nodes[0].y, 0.0);
    assert_eq!(result.width, input.nodes[0].width);
    assert_eq!(result.height, input.nodes[0].height);
}

#[test]
fn self_loops_and_missing_node_edges_are_skipped_and_order_kept() {
    let input = graph(
        3,
        &[(0, 1), (1, 1), (2, 7), (9, 0), (1, 2), (usize::MAX, 0)],
    );
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    let kept: Vec<(usize, usize)> = result
        .edges
        .iter()
        .map(|route| (route.from, route.to))
        .collect();
    assert_eq!(kept, vec![(0, 1), (1, 2)]);
    assert_eq!(result.layers, vec![0, 1, 2]);
    assert_well_formed(&input, &result, &config);
}

#[test]
fn duplicate_edges_each_get_the_same_route() {
    let input = graph(3, &[(0, 1), (0, 2), (0, 1), (1, 2), (0, 1)]);
    let result = layout(&input, &LayoutConfig::viewer());
    assert_eq!(result.edges.len(), 5);
    assert_eq!(result.edges[0], result.edges[2]);
    assert_eq!(result.edges[0], result.edges[4]);
    assert_routes_attach_to_boxes(&result);
}

#[test]
fn every_edge_points_down_in_a_model_like_graph() {
    let input = model_like(300);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    assert_eq!(result.edges.len(), input.edges.len());
    for &(from, to) in &input.edges {
        assert!(
            result.layers[from] < result.layers[to],
            "edge {from}->{to} does not point down"
        );
    }
    assert_well_formed(&input, &result, &config);
    assert_routes_attach_to_boxes(&result);
}

#[test]
fn long_edges_run_between_boxes_not_through_them() {
    let input = model_like(300);
    let result = layout(&input, &LayoutConfig::viewer());
    let mut n_virtual_points = 0;
    for route in &result.edges {
        for point in &route.points[1..route.points.len() - 1] {
            n_virtual_points += 1;
            for rect in &result.nodes {
                let inside = point.x > rect.x + EPSILON
                    && point.x < rect.x + rect.width - EPSILON
                    && point.y >= rect.y - EPSILON
                    && point.y <= rect.y + rect.height + EPSILON;
                assert!(!inside, "route point {point:?} inside box {rect:?}");
            }
        }
    }
    assert!(n_virtual_points > 0, "the graph has long edges");
}

#[test]
fn layout_is_deterministic_bit_for_bit() {
    let input = model_like(200);
    let config = LayoutConfig::viewer();
    let first = layout(&input, &config);
    let second = layout(&input, &config);
    assert_eq!(first, second);
    let bits = |result: &Layout| -> Vec<u64> {
        let mut bits: Vec<u64> = result
            .nodes
            .iter()
            .flat_map(|rect| [rect.x, rect.y, rect.width, rect.height])
            .map(f64::to_bits)
            .collect();
        bits.extend(
            result
                .edges
                .iter()
                .flat_map(|route| route.points.iter().flat_map(|point| [point.x, point.y]))
                .map(f64::to_bits),
        );
        bits
    };
    assert_eq!(bits(&first), bits(&second));
}

#[test]
fn chain_is_perfectly_vertical() {
    let input = graph(50, &chain_edges(50));
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    let expected_x = centre_x(&result.nodes[0]);
    for (node_idx, rect) in result.nodes.iter().enumerate() {
        assert_eq!(
            centre_x(rect),
            expected_x,
            "node {node_idx} is off the line"
        );
        assert_eq!(result.layers[node_idx], node_idx as u32);
    }
    assert_well_formed(&input, &result, &config);
    assert_routes_attach_to_boxes(&result);
}

#[test]
fn diamond_has_no_crossings_and_centred_ends() {
    let input = graph(4, &[(0, 1), (0, 2), (1, 3), (2, 3)]);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    assert_eq!(result.layers, vec![0, 1, 1, 2]);
    assert_eq!(count_route_crossings(&result), 0);
    let middle = (centre_x(&result.nodes[1]) + centre_x(&result.nodes[2])) / 2.0;
    assert!(
        (centre_x(&result.nodes[0]) - middle).abs() < EPSILON,
        "parent not centred"
    );
    assert!(
        (centre_x(&result.nodes[3]) - middle).abs() < EPSILON,
        "join not centred"
    );
    assert_well_formed(&input, &result, &config);
}

#[test]
fn residual_chain_is_straight_with_straight_skips_and_no_crossings() {
    // Blocks of: start -> a -> b -> add, start -> add.
    let mut edges = Vec::new();
    let mut start = 0;
    for block_idx in 0..10 {
        let first = 3 * block_idx + 1;
        edges.extend([
            (start, first),
            (first, first + 1),
            (first + 1, first + 2),
            (start, first + 2),
        ]);
        start = first + 2;
    }
    let input = graph(31, &edges);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    assert_eq!(count_route_crossings(&result), 0);
    let line_x = centre_x(&result.nodes[0]);
    for rect in &result.nodes {
        assert!(
            (centre_x(rect) - line_x).abs() < EPSILON,
            "main chain is not straight: {:?}",
            result.nodes.iter().map(centre_x).collect::<Vec<_>>()
        );
    }
    for route in result.edges.iter().filter(|route| route.points.len() > 2) {
        let inner = &route.points[1..route.points.len() - 1];
        assert!(
            inner.iter().all(|point| point.x == inner[0].x),
            "skip edge is not straight"
        );
        assert!(inner[0].x > line_x, "skip edge runs over the chain");
    }
    assert_well_formed(&input, &result, &config);
    assert_routes_attach_to_boxes(&result);
}

#[test]
fn four_way_fan_out_and_fan_in_has_no_crossings() {
    // 0 fans out to four branches of lengths 1..=4 that join in 11.
    let edges = [
        (0, 1),
        (1, 11),
        (0, 2),
        (2, 3),
        (3, 11),
        (0, 4),
        (4, 5),
        (5, 6),
        (6, 11),
        (0, 7),
        (7, 8),
        (8, 9),
        (9, 10),
        (10, 11),
    ];
    let input = graph(12, &edges);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    assert_eq!(count_route_crossings(&result), 0);
    assert_eq!(result.layers[11], 5);
    assert_well_formed(&input, &result, &config);
}

#[test]
fn constants_sit_right_above_their_consumer() {
    // A 20-node chain; constant 20 feeds node 15; constant 21 feeds a cast 22 that feeds node 18.
    let mut edges = chain_edges(20);
    edges.extend([(20, 15), (21, 22), (22, 18)]);
    let input = graph(23, &edges);
    let result = layout(&input, &LayoutConfig::viewer());
    assert_eq!(result.layers[20] + 1, result.layers[15]);
    assert_eq!(result.layers[22] + 1, result.layers[18]);
    assert_eq!(result.layers[21] + 1, result.layers[22]);
    // A side input used by several deep nodes sits above its first consumer.
    let mut edges = chain_edges(20);
    edges.extend([(20, 10), (20, 14), (20, 19)]);
    let result = layout(&graph(21, &edges), &LayoutConfig::viewer());
    assert_eq!(result.layers[20] + 1, result.layers[10]);
}

#[test]
fn cycles_are_broken_and_routes_keep_the_input_direction() {
    // 0 -> 1 -> 2 -> 3 -> 1 (loop back), plus 3 -> 0 closing the outer cycle, and a 2-cycle 4 <-> 5.
    let input = graph(6, &[(0, 1), (1, 2), (2, 3), (3, 1), (3, 0), (4, 5), (5, 4)]);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    assert_eq!(result.edges.len(), 7);
    let n_upward = input
        .edges
        .iter()
        .filter(|&&(from, to)| result.layers[from] > result.layers[to])
        .count();
    assert_eq!(n_upward, 3, "exactly the three closing edges are reversed");
    for route in &result.edges {
        assert_ne!(result.layers[route.from], result.layers[route.to]);
    }
    // The reversed edge 5 -> 4 runs exactly backwards along 4 -> 5.
    let mut backwards = result.edges[5].points.clone();
    backwards.reverse();
    assert_eq!(result.edges[6].points, backwards);
    assert_well_formed(&input, &result, &config);
    assert_routes_attach_to_boxes(&result);
}

#[test]
fn isolated_nodes_share_the_top_layer_without_overlap() {
    let input = graph(5, &[]);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    assert_eq!(result.layers, vec![0; 5]);
    assert_well_formed(&input, &result, &config);
}

/// `n_parts` copies of a GE dump's variable update (`Variable` and `Const` into `Assign`), then
/// `n_isolated` nodes without edges.
fn variable_updates(n_parts: usize, n_isolated: usize) -> LayoutInput {
    let edges = (0..n_parts)
        .flat_map(|part| [(3 * part, 3 * part + 2), (3 * part + 1, 3 * part + 2)])
        .collect::<Vec<_>>();
    graph(3 * n_parts + n_isolated, &edges)
}

#[test]
fn many_small_parts_are_packed_in_rows_not_one_wide_row() {
    let config = LayoutConfig::viewer();
    let input = variable_updates(30, 12);
    let side_by_side = super::layout_side_by_side(&input, &config);
    assert!(
        side_by_side.width > 20.0 * side_by_side.height,
        "the fixture is one very wide row: {} x {}",
        side_by_side.width,
        side_by_side.height
    );
    let result = layout(&input, &config);
    assert_well_formed(&input, &result, &config);
    assert_routes_attach_to_boxes(&result);
    let aspect = result.width / result.height;
    assert!(
        (0.8..=3.0).contains(&aspect),
        "packed {} x {} (aspect {aspect})",
        result.width,
        result.height
    );
    // Every edge is drawn, each part stays whole (its three boxes in one shelf, the Assign
    // below its inputs), and the first part read is still top left.
    assert_eq!(result.edges.len(), 60);
    for part in 0..30 {
        let (var, constant, assign) = (3 * part, 3 * part + 1, 3 * part + 2);
        assert_eq!(result.layers[var], result.layers[constant]);
        assert_eq!(result.layers[assign], result.layers[var] + 1);
    }
    assert_eq!(result.layers[0], 0);
    assert!(result.nodes[0].x < result.width / 4.0);
    // Deterministic.
    assert_eq!(layout(&input, &config), result);
}

#[test]
fn packed_parts_of_any_shape_keep_every_invariant() {
    // Parts of random size and shape (chains, fans, cycles, self-loops, duplicate edges), lone
    // nodes and edges naming missing nodes, many enough to be packed.
    let config = LayoutConfig::viewer();
    let mut packed = 0;
    for seed in 0..12u64 {
        let mut rng = Lcg(seed + 100);
        let mut edges = Vec::new();
        let mut n_nodes = 0usize;
        for _ in 0..(20 + rng.next_below(40)) {
            let size = 1 + rng.next_below(6) as usize;
            let first = n_nodes;
            n_nodes += size;
            for node in first + 1..n_nodes {
                let from = first + rng.next_below((node - first) as u64) as usize;
                edges.push((from, node));
            }
            match rng.next_below(5) {
                0 => edges.push((n_nodes - 1, first)),
                1 => edges.push((first, first)),
                2 if size > 1 => edges.push((first, first + 1)),
                _ => {}
            }
        }
        edges.push((0, n_nodes + 7));
        let input = graph(n_nodes, &edges);
        let result = layout(&input, &config);
        assert_well_formed(&input, &result, &config);
        assert_routes_attach_to_boxes(&result);
        assert_eq!(
            layout(&input, &config),
            result,
            "seed {seed}: not deterministic"
        );
        let side_by_side = super::layout_side_by_side(&input, &config).into_layout(&input);
        assert_eq!(result.edges.len(), side_by_side.edges.len(), "seed {seed}");
        assert!(
            result.width <= side_by_side.width + EPSILON,
            "seed {seed}: packing made it wider"
        );
        if result.width < side_by_side.width / 2.0 {
            packed += 1;
        }
    }
    assert!(packed >= 10, "only {packed} of 12 graphs were packed");
}

#[test]
fn a_graph_with_a_few_stray_parts_or_a_screen_wide_row_is_not_packed() {
    let config = LayoutConfig::viewer();
    // A model and two constants nobody reads: side by side, as before.
    let mut model = model_like(20);
    let first_stray = model.nodes.len();
    model.nodes.extend(varied_boxes(2));
    let result = layout(&model, &config);
    assert_eq!(
        result,
        super::layout_side_by_side(&model, &config).into_layout(&model)
    );
    assert_eq!(result.layers[first_stray], 0);
    // Eight parts in a row under a wide screen's width: left as it is.
    let small = variable_updates(3, 0);
    let result = layout(&small, &config);
    assert!(result.width < super::packing::MIN_WIDTH);
    assert_eq!(result.layers.iter().max(), Some(&1));
}

#[test]
fn degenerate_sizes_and_spacing_do_not_panic() {
    let nodes = vec![
        BoxSize {
            width: 0.0,
            height: 0.0,
        },
        BoxSize {
            width: f64::NAN,
            height: f64::INFINITY,
        },
        BoxSize {
            width: -5.0,
            height: 1e300,
        },
        BoxSize {
            width: 100.0,
            height: 40.0,
        },
    ];
    let input = LayoutInput {
        nodes,
        edges: vec![(0, 1), (1, 2), (0, 2), (2, 3), (3, 0)],
    };
    for config in [
        LayoutConfig::viewer(),
        LayoutConfig {
            node_gap: f64::NAN,
            layer_gap: -1.0,
        },
        LayoutConfig {
            node_gap: 0.0,
            layer_gap: f64::INFINITY,
        },
    ] {
        let result = layout(&input, &config);
        assert_eq!(result.nodes.len(), 4);
        assert!(result.width.is_finite() && result.height.is_finite());
        for rect in &result.nodes {
            assert!(rect.x.is_finite() && rect.y.is_finite());
            assert!(rect.width >= 0.0 && rect.height >= 0.0);
        }
        for route in &result.edges {
            assert!(route
                .points
                .iter()
                .all(|point| point.x.is_finite() && point.y.is_finite()));
        }
    }
    // All boxes of size 0 with no gaps collapse onto points without NaN.
    let zero = LayoutInput {
        nodes: vec![
            BoxSize {
                width: 0.0,
                height: 0.0
            };
            6
        ],
        edges: vec![(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (0, 5)],
    };
    let config = LayoutConfig {
        node_gap: 0.0,
        layer_gap: 0.0,
    };
    let result = layout(&zero, &config);
    assert_well_formed(&zero, &result, &config);
}

#[test]
fn long_chain_does_not_overflow_the_stack() {
    // Depth-first search, topological order and sweeps all walk the full 100k depth.
    let n_nodes = 100_000;
    let input = LayoutInput {
        nodes: vec![
            BoxSize {
                width: 100.0,
                height: 30.0
            };
            n_nodes
        ],
        edges: chain_edges(n_nodes),
    };
    let result = layout(&input, &LayoutConfig::viewer());
    assert_eq!(result.layers[n_nodes - 1], (n_nodes - 1) as u32);
    assert_eq!(result.edges.len(), n_nodes - 1);
    let line_x = centre_x(&result.nodes[0]);
    assert!(result.nodes.iter().all(|rect| centre_x(rect) == line_x));
}

#[test]
fn cycle_through_a_long_chain_is_broken_once() {
    // The closing edge becomes one long edge beside the whole chain.
    let n_nodes = 20_000;
    let mut edges = chain_edges(n_nodes);
    edges.push((n_nodes - 1, 0));
    let input = graph(n_nodes, &edges);
    let result = layout(&input, &LayoutConfig::viewer());
    assert_eq!(result.layers[n_nodes - 1], (n_nodes - 1) as u32);
    let closing = &result.edges[n_nodes - 1];
    assert_eq!((closing.from, closing.to), (n_nodes - 1, 0));
    // Reversed: starts at the top of the last box, ends at the bottom of the first.
    assert_eq!(closing.points[0].y, result.nodes[n_nodes - 1].y);
    let first = result.nodes[0];
    assert_eq!(
        closing.points[closing.points.len() - 1].y,
        first.y + first.height
    );
    let inner = &closing.points[1..closing.points.len() - 1];
    assert!(
        inner.iter().all(|point| point.x == inner[0].x),
        "long edge is not straight"
    );
}

#[test]
fn hub_feeding_every_layer_stays_within_the_virtual_node_budget() {
    // Node 0 feeds every node of a 3000-node chain: about 4.5 million virtual nodes if every
    // edge were routed; the longest ones become straight segments instead.
    let n_chain = 3000;
    let mut edges: Vec<(usize, usize)> = (2..=n_chain)
        .map(|node_idx| (node_idx - 1, node_idx))
        .collect();
    edges.extend((1..=n_chain).map(|node_idx| (0, node_idx)));
    let input = graph(n_chain + 1, &edges);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    let n_points: usize = result.edges.iter().map(|route| route.points.len()).sum();
    assert!(n_points < 2_000_000, "{n_points} route points");
    assert!(result
        .edges
        .iter()
        .any(|route| route.points.len() == 2 && route.to > 2000));
    assert_well_formed(&input, &result, &config);
    assert_routes_attach_to_boxes(&result);
}

#[test]
fn crossing_counter_matches_brute_force() {
    use super::ordering::Ordering;
    use super::virtual_nodes;
    // Two layers of 5 nodes with edges in a scrambled order.
    let layers = [0u32, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    let edges = [
        (0, 9),
        (0, 5),
        (1, 7),
        (2, 5),
        (2, 8),
        (3, 6),
        (4, 5),
        (4, 9),
        (3, 9),
    ];
    let graph = virtual_nodes::build(&layers, &[10.0; 10], &edges);
    let ordering = Ordering {
        layer_start: vec![0, 5, 10],
        order: (0..10).collect(),
        pos: vec![0, 1, 2, 3, 4, 0, 1, 2, 3, 4],
    };
    let mut brute_force = 0;
    for (first_idx, &(upper_a, lower_a)) in edges.iter().enumerate() {
        for &(upper_b, lower_b) in &edges[first_idx + 1..] {
            let upper = ordering.pos[upper_a].cmp(&ordering.pos[upper_b]);
            let lower = ordering.pos[lower_a].cmp(&ordering.pos[lower_b]);
            if upper != std::cmp::Ordering::Equal
                && lower != std::cmp::Ordering::Equal
                && upper != lower
            {
                brute_force += 1;
            }
        }
    }
    assert_eq!(
        CrossingCounter::default().total(&graph, &ordering),
        brute_force
    );
}

#[test]
fn model_like_graph_has_few_crossings() {
    let input = model_like(150);
    let result = layout(&input, &LayoutConfig::viewer());
    let crossings = count_route_crossings(&result);
    assert!(crossings <= input.edges.len() / 20, "{crossings} crossings");
}

#[test]
fn isotonic_fit_pools_violators_and_places_weightless_values_between() {
    use super::coordinates::fit_non_decreasing;
    let mut fitted = Vec::new();
    let mut blocks = Vec::new();
    // 3 then 1 with equal weights pool to 2; the weighted pair 5 (w 3), 1 (w 1) pools to 4.
    fit_non_decreasing(
        &[3.0, 1.0, 5.0, 1.0, 9.0],
        &[1.0, 1.0, 3.0, 1.0, 1.0],
        &mut fitted,
        &mut blocks,
    );
    assert_eq!(fitted, vec![2.0, 2.0, 4.0, 4.0, 9.0]);
    // Weightless values take their wish when it fits, else the nearest fitted neighbour.
    fit_non_decreasing(
        &[0.0, 7.0, 2.0, -4.0, 5.0],
        &[1.0, 0.0, 1.0, 0.0, 1.0],
        &mut fitted,
        &mut blocks,
    );
    assert_eq!(fitted, vec![0.0, 2.0, 2.0, 2.0, 5.0]);
    // All weightless: an ordinary unweighted fit.
    fit_non_decreasing(&[1.0, 0.0], &[0.0, 0.0], &mut fitted, &mut blocks);
    assert_eq!(fitted, vec![0.5, 0.5]);
}

#[test]
fn constants_of_a_model_like_graph_sit_right_above_their_consumer_and_edges_stay_short() {
    let input = model_like(300);
    let result = layout(&input, &LayoutConfig::viewer());
    let mut in_degree = vec![0usize; input.nodes.len()];
    let mut out_degree = vec![0usize; input.nodes.len()];
    for &(from, to) in &input.edges {
        out_degree[from] += 1;
        in_degree[to] += 1;
    }
    let mut n_constants = 0;
    for &(from, to) in &input.edges {
        if in_degree[from] == 0 && out_degree[from] == 1 {
            n_constants += 1;
            assert_eq!(
                result.layers[from] + 1,
                result.layers[to],
                "constant {from} is far from {to}"
            );
        }
    }
    assert!(n_constants > 10);
    // Long edges are only the residual skips (span 3–4), fan-in of short branches and the
    // occasional long skip, so the mean span stays small.
    let total_span: u32 = input
        .edges
        .iter()
        .map(|&(from, to)| result.layers[to] - result.layers[from])
        .sum();
    assert!(
        total_span < 2 * input.edges.len() as u32,
        "total span {total_span}"
    );
}

#[test]
fn constants_do_not_pull_their_consumer_off_the_main_line() {
    // Chain 0..10; constant 10 feeds node 5.
    let mut edges = chain_edges(10);
    edges.push((10, 5));
    let input = graph(11, &edges);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    let line_x = centre_x(&result.nodes[0]);
    for rect in &result.nodes[..10] {
        assert_eq!(centre_x(rect), line_x);
    }
    assert_eq!(count_route_crossings(&result), 0);
    assert_well_formed(&input, &result, &config);
}

#[test]
fn a_side_branch_with_more_exits_than_entries_moves_down_as_a_whole() {
    // Chain 0..=10; node 1 feeds a fork 11 whose two short branches end in 9 and 10. No single
    // node can move down without lengthening an edge, the branch as a whole can.
    let mut edges = chain_edges(11);
    edges.extend([(1, 11), (11, 12), (11, 13), (12, 9), (13, 10)]);
    let input = graph(14, &edges);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    let layers = &result.layers;
    assert_eq!(layers[12] + 1, layers[9], "{layers:?}");
    assert_eq!(layers[11] + 1, layers[12], "{layers:?}");
    assert_eq!(layers[11] + 1, layers[13], "{layers:?}");
    let total_span: u32 = edges
        .iter()
        .map(|&(from, to)| layers[to] - layers[from])
        .sum();
    assert_eq!(total_span, 10 + 6 + 1 + 1 + 1 + 2);
    assert_well_formed(&input, &result, &config);
    assert_routes_attach_to_boxes(&result);
}

/// Random DAG of `n_nodes` nodes from `seed`: every node after the first reads one to three
/// earlier nodes, mostly recent ones (chains, forks, joins), sometimes far back (long edges);
/// with `back_edges`, a few edges point backwards and make cycles. Every node has an edge.
fn random_graph(seed: u64, n_nodes: usize, back_edges: bool) -> LayoutInput {
    let mut rng = Lcg(seed);
    let mut edges = Vec::new();
    for node_idx in 1..n_nodes {
        let n_inputs = 1 + rng.next_below(3) as usize;
        for input_rank in 0..n_inputs {
            let reach = if input_rank > 0 && rng.next_below(4) == 0 {
                node_idx
            } else {
                node_idx.min(4)
            };
            let from = node_idx - 1 - rng.next_below(reach as u64) as usize;
            edges.push((from, node_idx));
        }
        if back_edges && rng.next_below(10) == 0 {
            let to = rng.next_below(node_idx as u64) as usize;
            edges.push((node_idx, to));
        }
    }
    LayoutInput {
        nodes: (0..n_nodes)
            .map(|_| BoxSize {
                width: 20.0 + rng.next_below(220) as f64,
                height: 20.0 + rng.next_below(60) as f64,
            })
            .collect(),
        edges,
    }
}

/// The same graph with node `i` renamed `new_index[i]`; edges keep their order.
fn renumbered(input: &LayoutInput, new_index: &[usize]) -> LayoutInput {
    let mut nodes = input.nodes.clone();
    for (node_idx, &renamed_idx) in new_index.iter().enumerate() {
        nodes[renamed_idx] = input.nodes[node_idx];
    }
    LayoutInput {
        nodes,
        edges: input
            .edges
            .iter()
            .map(|&(from, to)| (new_index[from], new_index[to]))
            .collect(),
    }
}

/// Fisher–Yates shuffle of `0..n` from `seed`.
fn shuffled(seed: u64, n: usize) -> Vec<usize> {
    let mut rng = Lcg(seed);
    let mut order: Vec<usize> = (0..n).collect();
    for idx in (1..n).rev() {
        order.swap(idx, rng.next_below(idx as u64 + 1) as usize);
    }
    order
}

#[test]
fn random_dags_keep_every_invariant() {
    let config = LayoutConfig::viewer();
    for seed in 0..40u64 {
        for n_nodes in [2, 7, 30, 150] {
            let input = random_graph(seed, n_nodes, false);
            let result = layout(&input, &config);
            assert_eq!(result.edges.len(), input.edges.len());
            for &(from, to) in &input.edges {
                assert!(
                    result.layers[from] < result.layers[to],
                    "seed {seed}, {n_nodes} nodes: edge {from}->{to} does not point down"
                );
            }
            assert_well_formed(&input, &result, &config);
            assert_routes_attach_to_boxes(&result);
        }
    }
}

#[test]
fn random_graphs_with_cycles_keep_every_invariant() {
    let config = LayoutConfig::viewer();
    for seed in 0..40u64 {
        let input = random_graph(seed, 60, true);
        let result = layout(&input, &config);
        assert_eq!(result.edges.len(), input.edges.len());
        for route in &result.edges {
            assert_ne!(result.layers[route.from], result.layers[route.to]);
        }
        assert_well_formed(&input, &result, &config);
        assert_routes_attach_to_boxes(&result);
    }
}

#[test]
fn renumbering_the_nodes_renumbers_the_drawing() {
    let config = LayoutConfig::viewer();
    for seed in 0..30u64 {
        for (n_nodes, back_edges) in [(12, false), (80, false), (80, true)] {
            let input = random_graph(seed, n_nodes, back_edges);
            let new_index = shuffled(seed + 1000, n_nodes);
            let result = layout(&input, &config);
            let renamed = layout(&renumbered(&input, &new_index), &config);
            for (node_idx, &renamed_idx) in new_index.iter().enumerate() {
                assert_eq!(
                    result.nodes[node_idx], renamed.nodes[renamed_idx],
                    "seed {seed}, {n_nodes} nodes: node {node_idx} moved"
                );
                assert_eq!(result.layers[node_idx], renamed.layers[renamed_idx]);
            }
            let points = |layout: &Layout| -> Vec<Vec<Point>> {
                layout
                    .edges
                    .iter()
                    .map(|route| route.points.clone())
                    .collect()
            };
            assert_eq!(points(&result), points(&renamed), "seed {seed}");
            assert_eq!(
                (result.width, result.height),
                (renamed.width, renamed.height)
            );
        }
    }
}

#[test]
fn repeated_asymmetric_blocks_go_straight_down_not_in_a_staircase() {
    // Every block: input s feeds branches of 1, 2 and 3 ops; the first two join, that joins the
    // third, and a residual add joins it with s. Each block ends right of where it started if
    // joins follow their branches; the next block starts at its end, and so on.
    let mut edges = Vec::new();
    let mut block_inputs = vec![0usize];
    let mut n_nodes = 1;
    let mut new_node = || {
        n_nodes += 1;
        n_nodes - 1
    };
    for _ in 0..12 {
        let start = *block_inputs.last().unwrap_or(&0);
        let a = new_node();
        let b1 = new_node();
        let b2 = new_node();
        let c1 = new_node();
        let c2 = new_node();
        let c3 = new_node();
        let join_ab = new_node();
        let join_abc = new_node();
        let add = new_node();
        edges.extend([
            (start, a),
            (start, b1),
            (b1, b2),
            (start, c1),
            (c1, c2),
            (c2, c3),
            (a, join_ab),
            (b2, join_ab),
            (join_ab, join_abc),
            (c3, join_abc),
            (join_abc, add),
            (start, add),
        ]);
        block_inputs.push(add);
    }
    let input = graph(n_nodes, &edges);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    let xs: Vec<f64> = block_inputs
        .iter()
        .map(|&node_idx| centre_x(&result.nodes[node_idx]))
        .collect();
    let drift = xs.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b))
        - xs.iter().fold(f64::INFINITY, |a, &b| a.min(b));
    assert!(
        drift < config.node_gap,
        "block inputs drift sideways: {xs:?}"
    );
    assert!(result.width < 1500.0, "{}", result.width);
    assert_well_formed(&input, &result, &config);
}

#[test]
fn long_edges_from_one_node_share_one_route() {
    // Chain 0..20; node 20 (read from node 0) feeds eight nodes down the chain, like an
    // attention mask read by every block: one line with branches, not parallel lines.
    let mut edges = chain_edges(20);
    let targets = [5, 7, 9, 11, 13, 15, 17, 19];
    edges.push((0, 20));
    edges.extend(targets.iter().map(|&target| (20, target)));
    let input = graph(21, &edges);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    let route_to = |target: usize| -> &[Point] {
        result
            .edges
            .iter()
            .find(|route| route.from == 20 && route.to == target)
            .map(|route| route.points.as_slice())
            .unwrap_or_default()
    };
    for pair in targets.windows(2) {
        let (near, far) = (route_to(pair[0]), route_to(pair[1]));
        let shared = near.len() - 1;
        assert!(far.len() > near.len());
        // An edge to the next row leaves where its target is; the long ones share one start.
        if near.len() == 2 {
            continue;
        }
        assert_eq!(
            near[..shared],
            far[..shared],
            "routes to {pair:?} part early"
        );
    }
    assert_eq!(count_route_crossings(&result), 0);
    assert_well_formed(&input, &result, &config);
    assert_routes_attach_to_boxes(&result);
}

#[test]
fn crossings_of_a_shared_route_count_once_per_edge_in_it() {
    use super::ordering::Ordering;
    use super::virtual_nodes;
    // Node 0 feeds six nodes at layers 2..=7 through one shared chain (layers 1..=6), beside a
    // chain 1 -> 2 -> ... at layers 0..=7 whose first edge goes from the right of the shared
    // route to its left: it crosses the chain's first segment, which carries all six edges.
    let layers = [0u32, 0, 1, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7];
    let mut edges = vec![(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8)];
    edges.extend((9..15).map(|target| (0, target)));
    let graph = virtual_nodes::build(&layers, &[10.0; 15], &edges);
    let chain: Vec<usize> = (15..graph.n_nodes()).collect();
    assert_eq!(chain.len(), 6, "one shared chain over layers 1..=6");
    let through: Vec<u32> = chain.iter().map(|&idx| graph.through[idx]).collect();
    assert_eq!(through, vec![6, 5, 4, 3, 2, 1]);
    // Layer by layer, left to right: row 0 = [0, 1]; row 1 = [2, v15] puts node 2 left of the
    // chain, so the segments 1 -> 2 and 0 -> v15 cross; every later row keeps chain node left.
    let mut layer_nodes: Vec<Vec<usize>> = vec![Vec::new(); graph.n_layers];
    layer_nodes[0] = vec![0, 1];
    layer_nodes[1] = vec![2, 15];
    for (layer_idx, nodes) in layer_nodes.iter_mut().enumerate().skip(2) {
        nodes.extend((0..graph.n_nodes()).filter(|&idx| graph.layer_of[idx] == layer_idx));
    }
    let mut layer_start = vec![0];
    let mut order = Vec::new();
    let mut pos = vec![0; graph.n_nodes()];
    for nodes in &layer_nodes {
        for (slot, &idx) in nodes.iter().enumerate() {
            pos[idx] = slot;
        }
        order.extend(nodes.iter().copied());
        layer_start.push(order.len());
    }
    let ordering = Ordering {
        layer_start,
        order,
        pos,
    };
    // Brute force over segment pairs between adjacent layers, weighted by their lower ends.
    let mut segments = Vec::new();
    for upper in 0..graph.n_nodes() {
        for &lower in graph.down.neighbours(upper) {
            segments.push((upper, lower, u64::from(graph.through[lower])));
        }
    }
    let mut brute_force = 0;
    for (first, &(upper_a, lower_a, weight_a)) in segments.iter().enumerate() {
        for &(upper_b, lower_b, weight_b) in &segments[first + 1..] {
            if graph.layer_of[upper_a] != graph.layer_of[upper_b] {
                continue;
            }
            let upper = ordering.pos[upper_a].cmp(&ordering.pos[upper_b]);
            let lower = ordering.pos[lower_a].cmp(&ordering.pos[lower_b]);
            if upper != std::cmp::Ordering::Equal
                && lower != std::cmp::Ordering::Equal
                && upper != lower
            {
                brute_force += weight_a * weight_b;
            }
        }
    }
    let counted = CrossingCounter::default().total(&graph, &ordering);
    assert_eq!(counted, brute_force);
    assert!(
        counted >= 6,
        "the crossing of the shared segment counts 6, got {counted}"
    );
}

#[test]
fn an_attention_mask_route_crosses_each_block_at_most_once() {
    use crate::report::layout_input_of;
    use crate::samples::bert_like;
    use crate::{open_model, InputFile};
    // The mask feeds all 24 blocks through one shared route; the drawing counts a crossing per
    // edge in the route, so it must cross where it carries few edges (or not at all). Before
    // crossings were weighted it crossed three lines near the top: 72 segment pairs.
    let n_blocks = 24;
    let model = open_model(&InputFile::new("bert.onnx", bert_like(n_blocks)))
        .expect("the generated model opens");
    let input = layout_input_of(&model, &model.graph);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    let crossings = count_route_crossings(&result);
    assert!(crossings <= n_blocks, "{crossings} crossing segment pairs");
    assert_well_formed(&input, &result, &config);
}

/// Whether the segment `a`-`b` passes through the inside of `rect` (touching its border is not).
fn segment_cuts_box(a: Point, b: Point, rect: &Rect) -> bool {
    // Liang–Barsky clipping against the box shrunk by EPSILON.
    let (x0, x1) = (rect.x + EPSILON, rect.x + rect.width - EPSILON);
    let (y0, y1) = (rect.y + EPSILON, rect.y + rect.height - EPSILON);
    if x0 >= x1 || y0 >= y1 {
        return false;
    }
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.x - x0),
        (dx, x1 - a.x),
        (-dy, a.y - y0),
        (dy, y1 - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 < t1
}

#[test]
fn long_edges_turn_into_their_lane_inside_a_row_without_cutting_a_box() {
    let input = model_like(300);
    let config = LayoutConfig::viewer();
    let result = layout(&input, &config);
    // Row tops and bottoms: where a lane turned before its corners were cut.
    let mut row_edges: Vec<f64> = Vec::new();
    for &layer_idx in &result.layers {
        let same_row = result
            .nodes
            .iter()
            .zip(&result.layers)
            .filter(|&(_, &other)| other == layer_idx)
            .map(|(other, _)| *other);
        let top = same_row.clone().map(|r| r.y).fold(f64::INFINITY, f64::min);
        let bottom = same_row.map(|r| r.y + r.height).fold(0.0, f64::max);
        row_edges.extend([top, bottom]);
    }
    let mut n_cut_corners = 0;
    // Long edges only, and boxes of the rows they cross: a segment into a box may clip a taller
    // box beside its end (direct edges too), as before.
    for route in result.edges.iter().filter(|route| route.points.len() > 2) {
        let last = route.points.len() - 1;
        for (idx, pair) in route.points.windows(2).enumerate() {
            for (node_idx, rect) in result.nodes.iter().enumerate() {
                let layer_idx = result.layers[node_idx];
                let is_own_end = (idx == 0 && node_idx == route.from)
                    || (idx + 1 == last && node_idx == route.to)
                    || layer_idx == result.layers[route.from]
                    || layer_idx == result.layers[route.to];
                assert!(
                    is_own_end || !segment_cuts_box(pair[0], pair[1], rect),
                    "route {}->{} cuts box {node_idx} {rect:?}: {:?}",
                    route.from,
                    route.to,
                    route.points
                );
            }
        }
        let turn = route.points[1].y;
        if !row_edges.iter().any(|&edge| (edge - turn).abs() < EPSILON) {
            n_cut_corners += 1;
        }
    }
    assert!(
        n_cut_corners > 0,
        "some long edge turns inside its first row"
    );
    assert_well_formed(&input, &result, &config);
    assert_routes_attach_to_boxes(&result);
}
