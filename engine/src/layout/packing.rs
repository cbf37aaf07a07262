//! Packing: a graph of many small disconnected parts, laid out side by side, makes one very wide
//! row (a GE dump of variables and their assignments is about 30 parts of two or three boxes,
//! 40 times as wide as tall, opened at a zoom where no name can be read). When the side-by-side
//! drawing is over [`TOO_WIDE`] times as wide as it is tall and has at least [`MIN_PARTS`] parts,
//! the parts are put in rows ("shelves") in the order they were read left to right, each shelf
//! no wider than the widest part or the width that gives the drawing about [`ASPECT`]; each
//! shelf is laid out as one graph (its parts side by side, sharing layers) and the shelves are
//! stacked `layer_gap` apart, their layers numbered on from the shelf above.
//!
//! Invariants: the layout's own (boxes of a layer share their centre and keep the gap, layers
//! are stacked in order, everything is inside the bounding box from 0); a graph that is not too
//! wide, or whose parts fit one shelf, is returned as laid out. Linear: each node is laid out
//! once more at most.

use super::{sane_length, Layout, LayoutConfig, LayoutInput, Placed, Point, Rect};

/// Width over height past which a drawing of several parts is packed.
pub(super) const TOO_WIDE: f64 = 4.0;

/// Width (layout units, the viewer's CSS pixels at zoom 1) under which a drawing is left as it
/// is, however flat: it fits a wide screen at full size.
pub(super) const MIN_WIDTH: f64 = 1600.0;

/// Fewer parts are left side by side (a model and a stray constant).
pub(super) const MIN_PARTS: usize = 3;

/// Width over height the shelves aim at (a wide screen).
pub(super) const ASPECT: f64 = 1.6;

/// `placed` (the side-by-side layout of `input`), packed in shelves when it is too wide.
pub(super) fn pack_if_too_wide(
    input: &LayoutInput,
    config: &LayoutConfig,
    placed: Placed,
) -> Layout {
    match shelves_of(input, config, &placed) {
        Some(shelves) => stack_shelves(input, config, &shelves).into_layout(input),
        None => placed.into_layout(input),
    }
}

/// The nodes of each shelf, parts in reading order; `None` when the drawing stays as it is.
fn shelves_of(
    input: &LayoutInput,
    config: &LayoutConfig,
    placed: &Placed,
) -> Option<Vec<Vec<usize>>> {
    if placed.width <= MIN_WIDTH || placed.width <= TOO_WIDE * placed.height.max(1.0) {
        return None;
    }
    let parts = parts_of(input);
    if parts.len() < MIN_PARTS {
        return None;
    }
    let node_gap = sane_length(config.node_gap);
    let layer_gap = sane_length(config.layer_gap);
    // Each part's extent in the side-by-side drawing, and its left edge (reading order).
    let mut extents: Vec<(f64, f64, f64, usize)> = parts
        .iter()
        .enumerate()
        .map(|(part_idx, nodes)| {
            let rect = |&node_idx: &usize| placed.nodes[node_idx];
            let left = nodes
                .iter()
                .map(|n| rect(n).x)
                .fold(f64::INFINITY, f64::min);
            let right = nodes
                .iter()
                .map(|n| rect(n).x + rect(n).width)
                .fold(f64::NEG_INFINITY, f64::max);
            let top = nodes
                .iter()
                .map(|n| rect(n).y)
                .fold(f64::INFINITY, f64::min);
            let bottom = nodes
                .iter()
                .map(|n| rect(n).y + rect(n).height)
                .fold(f64::NEG_INFINITY, f64::max);
            (left, right - left, bottom - top, part_idx)
        })
        .collect();
    extents.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.3.cmp(&b.3)));
    let area: f64 = extents
        .iter()
        .map(|&(_, width, height, _)| (width + node_gap) * (height + layer_gap))
        .sum();
    let widest = extents.iter().map(|e| e.1).fold(0.0, f64::max);
    let shelf_width = widest.max((area * ASPECT).sqrt());
    let mut shelves: Vec<Vec<usize>> = Vec::new();
    let mut used = f64::INFINITY;
    for &(_, width, _, part_idx) in &extents {
        if used + node_gap + width > shelf_width {
            shelves.push(Vec::new());
            used = width;
        } else {
            used += node_gap + width;
        }
        if let Some(shelf) = shelves.last_mut() {
            shelf.extend_from_slice(&parts[part_idx]);
        }
    }
    if shelves.len() < 2 {
        return None;
    }
    for shelf in &mut shelves {
        shelf.sort_unstable();
    }
    Some(shelves)
}

/// Connected parts (edges taken as undirected; edges naming a missing node ignored), each its
/// nodes in index order, parts in order of their smallest node.
fn parts_of(input: &LayoutInput) -> Vec<Vec<usize>> {
    let n_nodes = input.nodes.len();
    let mut parent: Vec<usize> = (0..n_nodes).collect();
    fn root(parent: &mut [usize], mut node_idx: usize) -> usize {
        while parent[node_idx] != node_idx {
            parent[node_idx] = parent[parent[node_idx]];
            node_idx = parent[node_idx];
        }
        node_idx
    }
    for &(from, to) in &input.edges {
        if from < n_nodes && to < n_nodes {
            let (a, b) = (root(&mut parent, from), root(&mut parent, to));
            // The smaller index becomes the root, so a part is numbered by its smallest node.
            let (keep, join) = if a < b { (a, b) } else { (b, a) };
            parent[join] = keep;
        }
    }
    let mut part_of_root = vec![usize::MAX; n_nodes];
    let mut parts: Vec<Vec<usize>> = Vec::new();
    for node_idx in 0..n_nodes {
        let r = root(&mut parent, node_idx);
        if part_of_root[r] == usize::MAX {
            part_of_root[r] = parts.len();
            parts.push(Vec::new());
        }
        parts[part_of_root[r]].push(node_idx);
    }
    parts
}

/// Lays out each shelf as one graph and stacks them.
fn stack_shelves(input: &LayoutInput, config: &LayoutConfig, shelves: &[Vec<usize>]) -> Placed {
    let n_nodes = input.nodes.len();
    let layer_gap = sane_length(config.layer_gap);
    let mut packed = Placed {
        nodes: vec![
            Rect {
                x: 0.0,
                y: 0.0,
                width: 0.0,
                height: 0.0,
            };
            n_nodes
        ],
        routes: vec![None; input.edges.len()],
        width: 0.0,
        height: 0.0,
        layers: vec![0; n_nodes],
    };
    let mut local_of = vec![usize::MAX; n_nodes];
    let (mut top, mut first_layer) = (0.0, 0u32);
    for shelf in shelves {
        for (local_idx, &node_idx) in shelf.iter().enumerate() {
            local_of[node_idx] = local_idx;
        }
        let in_shelf = |node_idx: usize| node_idx < n_nodes && local_of[node_idx] != usize::MAX;
        let edge_ids: Vec<usize> = (0..input.edges.len())
            .filter(|&edge_idx| {
                let (from, to) = input.edges[edge_idx];
                in_shelf(from) && in_shelf(to)
            })
            .collect();
        let sub = LayoutInput {
            nodes: shelf
                .iter()
                .map(|&node_idx| input.nodes[node_idx])
                .collect(),
            edges: edge_ids
                .iter()
                .map(|&edge_idx| {
                    let (from, to) = input.edges[edge_idx];
                    (local_of[from], local_of[to])
                })
                .collect(),
        };
        let placed = super::layout_side_by_side(&sub, config);
        for (local_idx, &node_idx) in shelf.iter().enumerate() {
            let mut rect = placed.nodes[local_idx];
            rect.y += top;
            packed.nodes[node_idx] = rect;
            packed.layers[node_idx] = first_layer + placed.layers[local_idx];
        }
        for (&edge_idx, route) in edge_ids.iter().zip(placed.routes) {
            packed.routes[edge_idx] = route.map(|points| {
                points
                    .into_iter()
                    .map(|p| Point {
                        x: p.x,
                        y: p.y + top,
                    })
                    .collect()
            });
        }
        packed.width = packed.width.max(placed.width);
        let shelf_layers = placed.layers.iter().max().map_or(0, |&max| max + 1);
        first_layer += shelf_layers;
        packed.height = top + placed.height;
        top = packed.height + layer_gap;
        for &node_idx in shelf {
            local_of[node_idx] = usize::MAX;
        }
    }
    packed
}
