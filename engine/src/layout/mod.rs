//! Layered (Sugiyama-style) layout of a directed graph, top to bottom.
//!
//! Invariants:
//! - Knows nothing about ops, tensors or formats: boxes and edges in, coordinates out.
//! - Deterministic: the same input gives the same output, bit for bit (no hash-order iteration,
//!   no randomness, no time).
//! - Never panics on any input: cycles, self-loops, duplicate edges, isolated nodes and edges
//!   that name missing nodes are all accepted (missing-node edges are ignored).

use serde::{Deserialize, Serialize};

/// Size of one node box, in layout units (the viewer uses CSS pixels at zoom 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoxSize {
    pub width: f64,
    pub height: f64,
}

/// What to lay out: node boxes and directed edges `(from, to)` by node index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LayoutInput {
    pub nodes: Vec<BoxSize>,
    pub edges: Vec<(usize, usize)>,
}

/// Spacing knobs; there is no `Default` on purpose, callers say what they want (see
/// [`LayoutConfig::viewer`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LayoutConfig {
    /// Minimum horizontal gap between neighbouring boxes in a layer.
    pub node_gap: f64,
    /// Vertical gap between the bottom of one layer and the top of the next.
    pub layer_gap: f64,
}

impl LayoutConfig {
    /// The spacing the web viewer and SVG export use.
    pub fn viewer() -> LayoutConfig {
        LayoutConfig {
            node_gap: 24.0,
            layer_gap: 36.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Placed box: `x`, `y` is the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Route of one input edge: a polyline from the bottom of the source box to the top of the target
/// box, through the positions of the virtual nodes of long edges. The viewer draws it as a
/// smooth curve through these points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeRoute {
    pub from: usize,
    pub to: usize,
    pub points: Vec<Point>,
}

/// The result: one rect per input node (same order), one route per accepted input edge (same
/// order as the input, skipping self-loops and edges naming missing nodes), and the bounding box.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub nodes: Vec<Rect>,
    pub edges: Vec<EdgeRoute>,
    pub width: f64,
    pub height: f64,
    /// Layer index of every node (0 = top), for level-of-detail and tests.
    pub layers: Vec<u32>,
}

/// Lays out `input` top to bottom.
pub fn layout(input: &LayoutInput, config: &LayoutConfig) -> Layout {
    let _ = (input, config);
    todo!("layered layout: being written")
}
