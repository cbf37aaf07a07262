//! The graph as the viewer draws it: laid-out boxes with their labels and properties, and routed
//! edges with their tensor shapes. Plain data, so it crosses the Web Worker boundary as is.

use serde::{Deserialize, Serialize};

use crate::ir::{Graph, Model, Node, OpCategory, Tensor, TensorId, TensorKind};
use crate::layout::{self, BoxSize, LayoutConfig, LayoutInput, Point, Rect};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphView {
    pub title: String,
    /// `onnx`, `tensorflow`, `caffe` or `ge`.
    pub format: String,
    /// Operator nodes of the main graph (what the status bar counts; inputs and outputs are
    /// drawn but not counted).
    pub node_count: usize,
    pub nodes: Vec<ViewNode>,
    pub edges: Vec<ViewEdge>,
    pub width: f64,
    pub height: f64,
    pub metadata: Vec<(String, String)>,
    /// What the importer and shape inference noticed but read past (skipped fields, stated
    /// shapes that disagree with inferred ones), so the page can show what the CLI prints.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewNodeKind {
    Op,
    Input,
    Output,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewNode {
    pub kind: ViewNodeKind,
    /// Index of the IR node (for ops), so selections map back to the model.
    pub graph_node: Option<usize>,
    /// Bold first line: the op type, or `input` / `output`.
    pub title: String,
    /// Node or tensor name (may be empty for unnamed ONNX nodes).
    pub name: String,
    pub category: OpCategory,
    /// Extra lines drawn in the box: weights with their shapes, small constant values.
    pub lines: Vec<String>,
    pub rect: Rect,
    pub domain: String,
    /// Name scope path joined with `/`.
    pub scope: String,
    pub attrs: Vec<(String, String)>,
    pub inputs: Vec<ViewPort>,
    pub outputs: Vec<ViewPort>,
}

/// One input or output of a node as the properties panel lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewPort {
    /// Slot label (`X`, `W`, `B` for known ops, else the slot number).
    pub slot: String,
    pub name: String,
    pub dtype: String,
    pub shape: String,
    pub layout: Option<String>,
    pub weight: bool,
    pub byte_size: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewEdge {
    pub from: usize,
    pub to: usize,
    pub tensor: String,
    /// Shape and dtype of the tensor, shown on hover (`f32 [1,64,56,56]`).
    pub label: String,
    pub points: Vec<Point>,
}

/// Average glyph widths of the viewer's fonts (12px bold title, 11px name), in CSS pixels. The
/// canvas clips text to the box, so an estimate is enough and keeps layout browser-free.
const TITLE_CHAR_WIDTH: f64 = 7.4;
const TEXT_CHAR_WIDTH: f64 = 6.2;
const MIN_WIDTH: f64 = 72.0;
const MAX_WIDTH: f64 = 240.0;
const PADDING_X: f64 = 16.0;
const TITLE_HEIGHT: f64 = 22.0;
const LINE_HEIGHT: f64 = 15.0;
const MAX_LINES: usize = 4;

/// Builds the drawable view of the model's main graph.
pub fn graph_view(model: &Model) -> GraphView {
    graph_view_of(model, &model.graph)
}

/// Builds the drawable view of one graph of the model (the main graph, a body, a function; see
/// [`super::graph_list`]); the model supplies the title, format, metadata and warnings.
pub fn graph_view_of(model: &Model, graph: &Graph) -> GraphView {
    let (mut nodes, mut edges) = unplaced_view(graph);
    let input = layout_input(&nodes, &edges);
    let placed = layout::layout(&input, &LayoutConfig::viewer());
    for (node, rect) in nodes.iter_mut().zip(&placed.nodes) {
        node.rect = *rect;
    }
    // Routes come back in input order, minus self-loops and dangling edges; match them up.
    let mut routes = placed.edges.into_iter().peekable();
    for edge in &mut edges {
        if let Some(route) = routes.next_if(|r| r.from == edge.from && r.to == edge.to) {
            edge.points = route.points;
        }
    }

    GraphView {
        title: model.name.clone(),
        format: model.format.name().to_string(),
        node_count: graph.nodes.len(),
        nodes,
        edges,
        width: placed.width,
        height: placed.height,
        metadata: model.metadata.clone(),
        warnings: model.warnings.clone(),
    }
}

/// What [`graph_view_of`] hands to [`layout::layout`] for `graph`: the viewer's box sizes (inputs,
/// then ops, then outputs) and its edges, so benchmarks lay out exactly what the viewer draws.
pub fn layout_input_of(graph: &Graph) -> LayoutInput {
    let (nodes, edges) = unplaced_view(graph);
    layout_input(&nodes, &edges)
}

fn layout_input(nodes: &[ViewNode], edges: &[ViewEdge]) -> LayoutInput {
    LayoutInput {
        nodes: nodes
            .iter()
            .map(|n| BoxSize {
                width: n.rect.width,
                height: n.rect.height,
            })
            .collect(),
        edges: edges.iter().map(|e| (e.from, e.to)).collect(),
    }
}

/// View nodes with their sizes but no position yet (inputs, then ops, then outputs) and view
/// edges without routes.
fn unplaced_view(graph: &Graph) -> (Vec<ViewNode>, Vec<ViewEdge>) {
    let mut nodes =
        Vec::with_capacity(graph.nodes.len() + graph.inputs.len() + graph.outputs.len());
    let mut view_of_node = vec![usize::MAX; graph.nodes.len()];
    let mut view_of_input = std::collections::HashMap::new();

    for &tensor_id in &graph.inputs {
        let Some(tensor) = graph.tensors.get(tensor_id) else {
            continue;
        };
        view_of_input.insert(tensor_id, nodes.len());
        nodes.push(io_node(ViewNodeKind::Input, tensor));
    }
    for (node_id, node) in graph.nodes.iter().enumerate() {
        view_of_node[node_id] = nodes.len();
        nodes.push(op_node(graph, node_id, node));
    }
    // Inputs' edges first: the layout breaks ties by first appearance in the edge list, and the
    // graph reads from its inputs.
    let mut edges = Vec::new();
    for (&tensor_id, &view_idx) in sorted(&view_of_input) {
        for &consumer in &graph.tensors[tensor_id].consumers {
            edges.push(edge(graph, view_idx, view_of_node[consumer], tensor_id));
        }
    }
    for (producer, consumer, tensor_id) in graph.data_edges() {
        edges.push(edge(
            graph,
            view_of_node[producer],
            view_of_node[consumer],
            tensor_id,
        ));
    }
    for &tensor_id in &graph.outputs {
        let Some(tensor) = graph.tensors.get(tensor_id) else {
            continue;
        };
        let view_idx = nodes.len();
        nodes.push(io_node(ViewNodeKind::Output, tensor));
        let source = match tensor.producer {
            Some(producer) => Some(view_of_node[producer]),
            None => view_of_input.get(&tensor_id).copied(),
        };
        if let Some(source) = source {
            edges.push(edge(graph, source, view_idx, tensor_id));
        }
    }
    (nodes, edges)
}

fn sorted<K: Ord, V>(map: &std::collections::HashMap<K, V>) -> Vec<(&K, &V)> {
    let mut items: Vec<_> = map.iter().collect();
    items.sort_by(|a, b| a.0.cmp(b.0));
    items
}

fn box_size(title: &str, name: &str, lines: &[String]) -> Rect {
    let text_width = lines
        .iter()
        .map(|l| l.chars().count() as f64 * TEXT_CHAR_WIDTH)
        .fold(
            (title.chars().count() as f64 * TITLE_CHAR_WIDTH)
                .max(name.chars().count() as f64 * TEXT_CHAR_WIDTH),
            f64::max,
        );
    let n_text_lines = lines.len() + usize::from(!name.is_empty());
    Rect {
        x: 0.0,
        y: 0.0,
        width: (text_width + PADDING_X).clamp(MIN_WIDTH, MAX_WIDTH),
        height: TITLE_HEIGHT + LINE_HEIGHT * n_text_lines as f64 + 4.0,
    }
}

fn io_node(kind: ViewNodeKind, tensor: &Tensor) -> ViewNode {
    let title = match kind {
        ViewNodeKind::Input => "input",
        _ => "output",
    };
    let lines = vec![type_label(tensor)];
    ViewNode {
        kind,
        graph_node: None,
        title: title.to_string(),
        name: tensor.name.clone(),
        category: OpCategory::Constant,
        rect: box_size(title, &tensor.name, &lines),
        lines,
        domain: String::new(),
        scope: String::new(),
        attrs: Vec::new(),
        inputs: Vec::new(),
        outputs: vec![port(tensor, String::new())],
    }
}

fn op_node(graph: &Graph, node_id: usize, node: &Node) -> ViewNode {
    let slots = slot_names(&node.op_type);
    let inputs: Vec<ViewPort> = node
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(slot, id)| {
            let tensor = graph.tensors.get((*id)?)?;
            Some(port(tensor, slot_label(slots, slot)))
        })
        .collect();
    let outputs = node
        .outputs
        .iter()
        .enumerate()
        .filter_map(|(slot, &id)| Some(port(graph.tensors.get(id)?, slot.to_string())))
        .collect();
    // Weights and constant inputs are drawn inside the box (as Netron does) rather than as
    // separate nodes: they have no producer, so no edge leads to them.
    let mut lines: Vec<String> = node
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(slot, id)| {
            let tensor = graph.tensors.get((*id)?)?;
            if tensor.producer.is_some() || tensor.kind != TensorKind::Weight {
                return None;
            }
            let shape = tensor
                .shape
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default();
            Some(match &tensor.value {
                Some(value)
                    if tensor
                        .shape
                        .as_ref()
                        .is_some_and(|s| s.element_count().unwrap_or(99) <= 4) =>
                {
                    format!("{} = {}", slot_label(slots, slot), value.display())
                }
                _ => format!(
                    "{} ⟨{}⟩",
                    slot_label(slots, slot),
                    shape.trim_matches(['[', ']']).replace(',', "×")
                ),
            })
        })
        .collect();
    if lines.len() > MAX_LINES {
        let hidden = lines.len() - (MAX_LINES - 1);
        lines.truncate(MAX_LINES - 1);
        lines.push(format!("+{hidden} more"));
    }
    let _ = node_id;
    ViewNode {
        kind: ViewNodeKind::Op,
        graph_node: Some(node_id),
        rect: box_size(&node.op_type, &node.name, &lines),
        title: node.op_type.clone(),
        name: node.name.clone(),
        category: OpCategory::of(&node.op_type),
        lines,
        domain: node.domain.clone(),
        scope: node.scope.join("/"),
        attrs: node
            .attrs
            .iter()
            .map(|a| (a.name.clone(), a.value.display()))
            .collect(),
        inputs,
        outputs,
    }
}

fn port(tensor: &Tensor, slot: String) -> ViewPort {
    ViewPort {
        slot,
        name: tensor.name.clone(),
        dtype: tensor.dtype.to_string(),
        shape: tensor
            .shape
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "?".to_string()),
        layout: tensor.layout.clone(),
        weight: tensor.kind == TensorKind::Weight,
        byte_size: tensor.byte_size,
    }
}

fn type_label(tensor: &Tensor) -> String {
    match &tensor.shape {
        Some(shape) => format!("{} {shape}", tensor.dtype),
        None => tensor.dtype.to_string(),
    }
}

fn edge(graph: &Graph, from: usize, to: usize, tensor_id: TensorId) -> ViewEdge {
    let tensor = &graph.tensors[tensor_id];
    ViewEdge {
        from,
        to,
        tensor: tensor.name.clone(),
        label: type_label(tensor),
        points: Vec::new(),
    }
}

/// Input slot names of common ops (ONNX schema names), so weights read `W ⟨64×3×7×7⟩` rather
/// than `1 ⟨...⟩`.
fn slot_names(op_type: &str) -> &'static [&'static str] {
    const SLOTS: &[(&str, &[&str])] = &[
        ("Conv", &["X", "W", "B"]),
        ("ConvTranspose", &["X", "W", "B"]),
        ("Gemm", &["A", "B", "C"]),
        ("MatMul", &["A", "B"]),
        ("BatchNormalization", &["X", "scale", "B", "mean", "var"]),
        ("InstanceNormalization", &["input", "scale", "B"]),
        ("LayerNormalization", &["X", "scale", "B"]),
        ("Clip", &["input", "min", "max"]),
        ("Reshape", &["data", "shape"]),
        ("Resize", &["X", "roi", "scales", "sizes"]),
        ("Pad", &["data", "pads", "value"]),
        ("Slice", &["data", "starts", "ends", "axes", "steps"]),
        ("Gather", &["data", "indices"]),
        ("PRelu", &["X", "slope"]),
        ("Add", &["A", "B"]),
        ("Mul", &["A", "B"]),
        ("Sub", &["A", "B"]),
        ("Div", &["A", "B"]),
        ("Pow", &["X", "Y"]),
    ];
    SLOTS
        .iter()
        .find(|(name, _)| *name == op_type)
        .map(|(_, slots)| *slots)
        .unwrap_or(&[])
}

fn slot_label(slots: &[&str], slot: usize) -> String {
    slots
        .get(slot)
        .map(|s| s.to_string())
        .unwrap_or_else(|| slot.to_string())
}
