//! The graph as the viewer draws it: laid-out boxes with their labels and properties, and routed
//! edges with their tensor shapes. Plain data, so it crosses the Web Worker boundary as is.

use serde::{Deserialize, Serialize};

use crate::ir::{
    AttrValue, ConstValue, DType, Graph, Model, ModelFormat, Node, OpCategory, Tensor, TensorId,
    TensorKind,
};
use crate::knowledge;
use crate::report::render::visible;
use crate::layout::{self, BoxSize, LayoutConfig, LayoutInput, Point, Rect};

mod folding;
mod shown;

pub use folding::{FoldKind, FoldedBox, NodeGroup, ScopeFolding, AUTO_FOLD_BOXES, AUTO_FOLD_NODES};

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
    /// Constant nodes drawn inside their consumers' boxes instead of as boxes of their own
    /// ([`GraphViewOptions::fold_constants`]): `folded.len()`.
    #[serde(default)]
    pub folded_constants: usize,
    /// The folded constant nodes, in node order, each with the boxes that draw it, so a search,
    /// a finding or a link naming one selects its consumer.
    #[serde(default)]
    pub folded: Vec<FoldedConstant>,
    /// The boxes that stand for several nodes (folded name scopes, folded groups), in view
    /// order, each with the IR nodes it draws.
    #[serde(default)]
    pub folds: Vec<FoldedBox>,
    /// The scope paths drawn folded, sorted ([`ScopeFolding::Auto`] resolved), so the page can
    /// fold or open one more and ask for exactly that drawing.
    #[serde(default)]
    pub folded_scopes: Vec<String>,
    /// Whether the graph has name scopes worth folding (one holding two or more boxes).
    #[serde(default)]
    pub has_scopes: bool,
}

/// How [`graph_view_with`] draws a graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GraphViewOptions {
    /// Draw constant nodes (ONNX `Constant`, TensorFlow and GE `Const`, anything the knowledge
    /// base files as a constant) that read no computed tensor inside their consumers' boxes, as
    /// weights are, instead of as boxes of their own with an edge to each consumer.
    pub fold_constants: bool,
    /// Which name scopes are drawn as one box each.
    pub scopes: ScopeFolding,
    /// Node groups (fusion groups) drawn as one box each, outside folded scopes.
    pub groups: Vec<NodeGroup>,
}

impl Default for GraphViewOptions {
    fn default() -> GraphViewOptions {
        GraphViewOptions {
            fold_constants: true,
            scopes: ScopeFolding::Auto,
            groups: Vec::new(),
        }
    }
}

/// A constant node that is not drawn: its value is a line in each consumer's box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldedConstant {
    /// Index of the IR node.
    pub graph_node: usize,
    pub name: String,
    pub op_type: String,
    /// View indexes of its consumers, in node order (never empty: a constant nobody reads is
    /// drawn).
    pub into: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewNodeKind {
    Op,
    Input,
    Output,
    /// A folded name scope or group standing for several nodes ([`GraphView::folds`]).
    Folded,
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
    /// For an input made by a folded constant: that node, as `Const conv1/weights` (it has no
    /// box to link to).
    #[serde(default)]
    pub folded_from: Option<String>,
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
/// Room the unit overlay's glyph takes left of a title (and the title leaves right of it), as
/// the canvas and the SVG draw it.
const GLYPH_ROOM: f64 = 18.0;

/// Builds the drawable view of the model's main graph, constants folded.
pub fn graph_view(model: &Model) -> GraphView {
    graph_view_with(model, &model.graph, &GraphViewOptions::default())
}

/// Builds the drawable view of one graph of the model (the main graph, a body, a function; see
/// [`super::graph_list`]), constants folded; the model supplies the title, format, metadata and
/// warnings.
pub fn graph_view_of(model: &Model, graph: &Graph) -> GraphView {
    graph_view_with(model, graph, &GraphViewOptions::default())
}

/// Builds the drawable view of one graph of the model, drawn as `options` say.
pub fn graph_view_with(model: &Model, graph: &Graph, options: &GraphViewOptions) -> GraphView {
    let Unplaced {
        mut nodes,
        mut edges,
        mut folded,
        mut folds,
        folded_scopes,
        has_scopes,
    } = unplaced_view(model, graph, options);
    shown::show_as_text(&mut nodes, &mut edges, &mut folded, &mut folds);
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
        title: visible(&model.name),
        format: model.format.name().to_string(),
        node_count: graph.nodes.len(),
        nodes,
        edges,
        width: placed.width,
        height: placed.height,
        metadata: model
            .metadata
            .iter()
            .map(|(key, value)| (visible(key), visible(value)))
            .collect(),
        warnings: model.warnings.iter().map(|w| visible(w)).collect(),
        folded_constants: folded.len(),
        folded,
        folds,
        folded_scopes,
        has_scopes,
    }
}

/// Per node, whether it is a constant the view folds into its consumers: the knowledge base
/// files its op as a constant ([`OpCategory::Constant`]) and not as a feed
/// ([`knowledge::is_feed`]: `Placeholder`, GE `Data`, Caffe data layers feed the graph), it reads
/// nothing computed (no data input, or only stored weights, as the ONNX zoo's `ConstantOfShape`
/// of an initializer shape), it produces no graph input or output, and something reads it (a
/// constant nobody reads stays a box, or it would vanish).
fn foldable_constants(format: ModelFormat, graph: &Graph) -> Vec<bool> {
    // Graph inputs and outputs by tensor, so the check stays linear on large graphs.
    let mut boundary = vec![false; graph.tensors.len()];
    for &id in graph.inputs.iter().chain(&graph.outputs) {
        if let Some(slot) = boundary.get_mut(id) {
            *slot = true;
        }
    }
    let stored = |id: &TensorId| {
        graph
            .tensors
            .get(*id)
            .is_some_and(|t| t.producer.is_none() && t.is_weight())
    };
    let foldable_output = |id: &TensorId| {
        graph
            .tensors
            .get(*id)
            .is_some_and(|t| t.kind != TensorKind::Input && !boundary[*id])
    };
    let read = |id: &TensorId| {
        graph
            .tensors
            .get(*id)
            .is_some_and(|t| !t.consumers.is_empty())
    };
    graph
        .nodes
        .iter()
        .map(|node| {
            !node.outputs.is_empty()
                && node.outputs.iter().all(foldable_output)
                && node.outputs.iter().any(read)
                && node.inputs.iter().flatten().all(stored)
                && OpCategory::of(&node.op_type) == OpCategory::Constant
                && !knowledge::is_feed(format, &node.op_type)
        })
        .collect()
}

fn sorted<K: Ord, V>(map: &std::collections::HashMap<K, V>) -> Vec<(&K, &V)> {
    let mut items: Vec<_> = map.iter().collect();
    items.sort_by(|a, b| a.0.cmp(b.0));
    items
}

fn box_size(title: &str, name: &str, lines: &[String]) -> Rect {
    // The title is centred between the unit overlay's glyph and as much room on the right.
    let title_width =
        title.chars().count() as f64 * TITLE_CHAR_WIDTH + 2.0 * GLYPH_ROOM - PADDING_X;
    let text_width = lines
        .iter()
        .map(|l| l.chars().count() as f64 * TEXT_CHAR_WIDTH)
        .fold(
            title_width.max(name.chars().count() as f64 * TEXT_CHAR_WIDTH),
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

fn op_node(
    format: ModelFormat,
    graph: &Graph,
    node_id: usize,
    node: &Node,
    folds: &[bool],
) -> ViewNode {
    let slots = slot_names(&node.op_type);
    let inputs: Vec<ViewPort> = node
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(slot, id)| {
            let tensor = graph.tensors.get((*id)?)?;
            let mut port = port(tensor, slot_label(slots, slot));
            port.folded_from = tensor
                .producer
                .filter(|&p| folds.get(p).copied().unwrap_or(false))
                .and_then(|p| graph.nodes.get(p))
                .map(|n| format!("{} {}", n.op_type, n.display_name()));
            Some(port)
        })
        .collect();
    let outputs = node
        .outputs
        .iter()
        .enumerate()
        .filter_map(|(slot, &id)| Some(port(graph.tensors.get(id)?, slot.to_string())))
        .collect();
    // Weights and constant inputs are drawn inside the box (as Netron does) rather than as
    // separate nodes: weights have no producer, and folded constants no box, so no edge leads
    // to them.
    let mut lines: Vec<String> = node
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(slot, id)| {
            let tensor = graph.tensors.get((*id)?)?;
            let drawn_here = match tensor.producer {
                Some(producer) => folds.get(producer).copied().unwrap_or(false),
                None => tensor.kind == TensorKind::Weight,
            };
            if !drawn_here {
                return None;
            }
            Some(stored_line(&slot_label(slots, slot), tensor))
        })
        .collect();
    if lines.len() > MAX_LINES {
        let hidden = lines.len() - (MAX_LINES - 1);
        lines.truncate(MAX_LINES - 1);
        lines.push(format!("+{hidden} more"));
    }
    if let Some(attrs) = key_attrs(format, node) {
        lines.insert(0, attrs);
    }
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

/// The line a stored input (a weight, a folded constant) gets in its consumer's box: `B = 0.5`
/// or `shape = 1,-1` for a small known value, `W ⟨64×3×7×7⟩` otherwise (`⟨scalar⟩`, `⟨?⟩` when
/// the rank is unknown).
fn stored_line(slot: &str, tensor: &Tensor) -> String {
    let small = tensor
        .shape
        .as_ref()
        .is_some_and(|s| s.element_count().is_some_and(|n| n <= 4));
    match tensor.value.as_ref().filter(|_| small) {
        Some(ConstValue::Ints(values)) => format!("{slot} = {}", join(values, ",")),
        Some(ConstValue::Floats(values)) => {
            // Values read from f32 payloads print as the f32 they were (0.1, not
            // 0.10000000149011612).
            let text: Vec<String> = values
                .iter()
                .map(|&v| match tensor.dtype {
                    DType::F64 => v.to_string(),
                    _ => (v as f32).to_string(),
                })
                .collect();
            format!("{slot} = {}", text.join(","))
        }
        None => match &tensor.shape {
            Some(shape) if shape.rank() == 0 => format!("{slot} ⟨scalar⟩"),
            Some(shape) => {
                let dims = shape.to_string();
                format!(
                    "{slot} ⟨{}⟩",
                    dims.trim_matches(['[', ']']).replace(',', "×")
                )
            }
            None => format!("{slot} ⟨?⟩"),
        },
    }
}

/// What a key attribute is, so it reads the same in every framework's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyAttr {
    /// Window of a convolution or a pool: `3×3`.
    Kernel,
    /// `/2`; hidden when every stride is 1.
    Stride,
    /// `d2`; hidden when every dilation is 1.
    Dilation,
    /// `g32`; hidden when 1.
    Group,
    /// `axis 1`.
    Axis,
    /// `perm 0,2,3,1`.
    Perm,
}

/// The attributes the box shows under its title, in every framework's spelling: ONNX
/// (`kernel_shape`, `strides`, `dilations`, `group`, `axis`, `perm`), TensorFlow (`ksize`,
/// `strides`, `dilations` as full-rank lists), Caffe (`kernel_size`, `kernel_h`/`kernel_w`,
/// `stride`, `stride_h`/`stride_w`, `dilation`, `group`, `axis`) and GE (`ksize`, `window`,
/// `strides`, `stride`, `dilations`, `groups`, `axis`, `concat_dim`, `perm`). A row whose names
/// are all present gives the values of its kind (several names are joined in order, as
/// `kernel_h` and `kernel_w`); the first such row of a kind wins, and the kinds are shown in
/// [`KeyAttr`] order.
const KEY_ATTRS: &[(KeyAttr, &[&str])] = &[
    (KeyAttr::Kernel, &["kernel_shape"]),
    (KeyAttr::Kernel, &["ksize"]),
    (KeyAttr::Kernel, &["kernel_size"]),
    (KeyAttr::Kernel, &["kernel_h", "kernel_w"]),
    (KeyAttr::Kernel, &["window"]),
    (KeyAttr::Stride, &["strides"]),
    (KeyAttr::Stride, &["stride"]),
    (KeyAttr::Stride, &["stride_h", "stride_w"]),
    (KeyAttr::Dilation, &["dilations"]),
    (KeyAttr::Dilation, &["dilation"]),
    (KeyAttr::Group, &["group"]),
    (KeyAttr::Group, &["groups"]),
    (KeyAttr::Axis, &["axis"]),
    (KeyAttr::Axis, &["concat_dim"]),
    (KeyAttr::Perm, &["perm"]),
];

/// The key attributes of a node on one line (`3×3 /2 g32`, `axis 1`, `perm 0,2,3,1`), or
/// `None` when it has none worth showing.
fn key_attrs(format: ModelFormat, node: &Node) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut done: Vec<KeyAttr> = Vec::new();
    for &(kind, names) in KEY_ATTRS {
        if done.contains(&kind) {
            continue;
        }
        let Some(values) = names
            .iter()
            .map(|name| node.attr(name).and_then(ints_of))
            .collect::<Option<Vec<Vec<i64>>>>()
            .map(|lists| lists.concat())
        else {
            continue;
        };
        done.push(kind);
        let spatial = || spatial_part(format, node, &values);
        let part = match kind {
            KeyAttr::Kernel => {
                let dims = spatial();
                (!dims.is_empty()).then(|| join(&dims, "×"))
            }
            KeyAttr::Stride => not_ones(spatial()).map(|s| format!("/{}", same_or_all(&s))),
            KeyAttr::Dilation => not_ones(spatial()).map(|d| format!("d{}", same_or_all(&d))),
            KeyAttr::Group => values.first().filter(|&&g| g > 1).map(|g| format!("g{g}")),
            KeyAttr::Axis => values.first().map(|a| format!("axis {a}")),
            KeyAttr::Perm => (!values.is_empty()).then(|| format!("perm {}", join(&values, ","))),
        };
        parts.extend(part);
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Integer values of an attribute: one int or a list.
fn ints_of(value: &AttrValue) -> Option<Vec<i64>> {
    match value {
        AttrValue::Int(v) => Some(vec![*v]),
        AttrValue::Ints(vs) => Some(vs.clone()),
        _ => None,
    }
}

/// The spatial part of a window, stride or dilation list. TensorFlow and GE state them for every
/// dimension (`[1,2,2,1]` in NHWC, `[1,1,2,2]` in NCHW, per `data_format`); ONNX and Caffe for the
/// spatial dimensions only, and Caffe's one value stands for both of a 2-D window.
fn spatial_part(format: ModelFormat, node: &Node, values: &[i64]) -> Vec<i64> {
    match format {
        ModelFormat::Tensorflow | ModelFormat::Ge if values.len() >= 4 => {
            let channels_first = node
                .attr("data_format")
                .and_then(AttrValue::as_str)
                .is_some_and(|f| f.to_ascii_uppercase().starts_with("NC"));
            if channels_first {
                values[2..].to_vec()
            } else {
                values[1..values.len() - 1].to_vec()
            }
        }
        ModelFormat::Caffe if values.len() == 1 => vec![values[0]; 2],
        _ => values.to_vec(),
    }
}

/// `None` when every value is 1 (or there are none).
fn not_ones(values: Vec<i64>) -> Option<Vec<i64>> {
    values.iter().any(|&v| v != 1).then_some(values)
}

/// `2` for `[2, 2]`, `1×2` for `[1, 2]`.
fn same_or_all(values: &[i64]) -> String {
    match values.split_first() {
        Some((first, rest)) if rest.iter().all(|v| v == first) => first.to_string(),
        _ => join(values, "×"),
    }
}

fn join(values: &[i64], separator: &str) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(separator)
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
        folded_from: None,
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

/// Input slot names of common ops (ONNX schema names; TensorFlow and GE ones where the op type
/// is theirs), so weights read `W ⟨64×3×7×7⟩` rather than `1 ⟨...⟩`.
fn slot_names(op_type: &str) -> &'static [&'static str] {
    const SLOTS: &[(&str, &[&str])] = &[
        ("Conv", &["X", "W", "B"]),
        ("Conv2D", &["x", "filter", "bias"]),
        ("DepthwiseConv2dNative", &["x", "filter"]),
        ("DepthwiseConv2D", &["x", "filter", "bias"]),
        ("BiasAdd", &["x", "bias"]),
        (
            "FusedBatchNormV3",
            &["x", "scale", "offset", "mean", "variance"],
        ),
        ("Transpose", &["x", "perm"]),
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

#[cfg(test)]
mod tests;

/// What [`graph_view_with`] hands to [`layout::layout`] for `graph` with every scope open: the
/// viewer's box sizes and its edges (constants folded), so benchmarks lay out what the viewer
/// draws, node for node even where a large graph would open folded.
pub fn layout_input_of(model: &Model, graph: &Graph) -> LayoutInput {
    let options = GraphViewOptions {
        scopes: ScopeFolding::Folded(Vec::new()),
        ..GraphViewOptions::default()
    };
    let unplaced = unplaced_view(model, graph, &options);
    layout_input(&unplaced.nodes, &unplaced.edges)
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

/// View nodes with their sizes but no position yet, view edges without routes, the folded
/// constants and the folded boxes.
struct Unplaced {
    nodes: Vec<ViewNode>,
    edges: Vec<ViewEdge>,
    folded: Vec<FoldedConstant>,
    folds: Vec<FoldedBox>,
    folded_scopes: Vec<String>,
    has_scopes: bool,
}

fn unplaced_view(model: &Model, graph: &Graph, options: &GraphViewOptions) -> Unplaced {
    let folds = if options.fold_constants {
        foldable_constants(model.format, graph)
    } else {
        vec![false; graph.nodes.len()]
    };
    let drawn: Vec<bool> = folds.iter().map(|&f| !f).collect();
    let folding = folding::resolve(
        graph,
        &drawn,
        &options.scopes,
        &options.groups,
        graph.inputs.len() + graph.outputs.len(),
    );
    let mut nodes =
        Vec::with_capacity(graph.nodes.len() + graph.inputs.len() + graph.outputs.len());
    let mut view_of_node: Vec<Option<usize>> = vec![None; graph.nodes.len()];
    let mut view_of_input = std::collections::HashMap::new();
    let mut view_of_box: Vec<Option<usize>> = vec![None; folding.boxes.len()];

    // A graph input that a node produces (TensorFlow `Placeholder`, GE `Data`) is drawn once, as
    // that node in the input's shape; the others (ONNX, Caffe inputs) get a box of their own.
    let mut feeds = vec![false; graph.nodes.len()];
    for &tensor_id in &graph.inputs {
        let Some(tensor) = graph.tensors.get(tensor_id) else {
            continue;
        };
        match tensor
            .producer
            .filter(|&p| p < graph.nodes.len() && !folds[p])
        {
            Some(producer) => feeds[producer] = true,
            None => {
                view_of_input.insert(tensor_id, nodes.len());
                nodes.push(io_node(ViewNodeKind::Input, tensor));
            }
        }
    }
    for (node_id, node) in graph.nodes.iter().enumerate() {
        if folds[node_id] {
            continue;
        }
        // A folded box takes the place of its first member in node order.
        if let Some(fold) = folding.box_of[node_id] {
            let view_idx = match view_of_box[fold] {
                Some(view_idx) => view_idx,
                None => {
                    let view_idx = nodes.len();
                    nodes.push(folded_node(graph, &folding, fold));
                    view_of_box[fold] = Some(view_idx);
                    view_idx
                }
            };
            view_of_node[node_id] = Some(view_idx);
            continue;
        }
        view_of_node[node_id] = Some(nodes.len());
        let mut view_node = op_node(model.format, graph, node_id, node, &folds);
        if feeds[node_id] {
            view_node.kind = ViewNodeKind::Input;
        }
        nodes.push(view_node);
    }
    // The box of an IR node; `None` for a folded constant.
    let view_of = |node_id: usize| view_of_node.get(node_id).copied().flatten();
    let folded: Vec<FoldedConstant> = folds
        .iter()
        .enumerate()
        .filter(|(_, &fold)| fold)
        .filter_map(|(node_id, _)| {
            let node = graph.nodes.get(node_id)?;
            let mut into: Vec<usize> = node
                .outputs
                .iter()
                .filter_map(|&id| graph.tensors.get(id))
                .flat_map(|t| t.consumers.iter().filter_map(|&c| view_of(c)))
                .collect();
            into.sort_unstable();
            into.dedup();
            Some(FoldedConstant {
                graph_node: node_id,
                name: node.name.clone(),
                op_type: node.op_type.clone(),
                into,
            })
        })
        .collect();
    // Edges into, out of and between folded boxes: one per pair of boxes (the first tensor's),
    // none inside a box.
    let is_fold: Vec<bool> = nodes
        .iter()
        .map(|n| n.kind == ViewNodeKind::Folded)
        .collect();
    let mut joined = std::collections::HashSet::new();
    let mut keep = |from: usize, to: usize| {
        if !(is_fold[from] || is_fold.get(to).copied().unwrap_or(false)) {
            return true;
        }
        from != to && joined.insert((from, to))
    };
    // Inputs' edges first: the layout breaks ties by first appearance in the edge list, and the
    // graph reads from its inputs.
    let mut edges = Vec::new();
    for (&tensor_id, &view_idx) in sorted(&view_of_input) {
        for &consumer in &graph.tensors[tensor_id].consumers {
            if let Some(to) = view_of(consumer).filter(|&to| keep(view_idx, to)) {
                edges.push(edge(graph, view_idx, to, tensor_id));
            }
        }
    }
    for (producer, consumer, tensor_id) in graph.data_edges() {
        // Folded constants have no box, so no edge either: their consumers draw them.
        if let (Some(from), Some(to)) = (view_of(producer), view_of(consumer)) {
            if keep(from, to) {
                edges.push(edge(graph, from, to, tensor_id));
            }
        }
    }
    for &tensor_id in &graph.outputs {
        let Some(tensor) = graph.tensors.get(tensor_id) else {
            continue;
        };
        let view_idx = nodes.len();
        nodes.push(io_node(ViewNodeKind::Output, tensor));
        let source = match tensor.producer {
            Some(producer) => view_of(producer),
            None => view_of_input.get(&tensor_id).copied(),
        };
        if let Some(source) = source {
            edges.push(edge(graph, source, view_idx, tensor_id));
        }
    }
    let folds = folding
        .boxes
        .into_iter()
        .zip(view_of_box)
        .filter_map(|(spec, view)| {
            let nodes = spec.members.iter().filter_map(|&m| graph.nodes.get(m));
            Some(FoldedBox {
                view: view?,
                kind: spec.kind,
                key: spec.key,
                names: nodes.clone().map(|n| n.name.clone()).collect(),
                op_types: nodes.map(|n| n.op_type.clone()).collect(),
                members: spec.members,
            })
        })
        .collect();
    Unplaced {
        nodes,
        edges,
        folded,
        folds,
        folded_scopes: folding.folded_scopes,
        has_scopes: folding.has_scopes,
    }
}

/// The box of a folded scope or group: its last scope segment (or `fused`) as the title, the
/// whole path (or the group's label) as the name, the node count and top op types as lines, and the tensors
/// crossing its border as ports.
fn folded_node(graph: &Graph, folding: &folding::Folding, fold: usize) -> ViewNode {
    /// Ports listed per side; a scope of a thousand nodes may read hundreds of tensors.
    const MAX_PORTS: usize = 32;
    let spec = &folding.boxes[fold];
    let inside = |node: Option<usize>| node.is_some_and(|n| folding.box_of[n] == Some(fold));
    let mut inputs: Vec<ViewPort> = Vec::new();
    let mut outputs: Vec<ViewPort> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let is_output: std::collections::HashSet<TensorId> = graph.outputs.iter().copied().collect();
    for &member in &spec.members {
        let Some(node) = graph.nodes.get(member) else {
            continue;
        };
        for &id in node.inputs.iter().flatten() {
            let Some(tensor) = graph.tensors.get(id) else {
                continue;
            };
            if tensor.is_weight() || inside(tensor.producer) || !seen.insert(id) {
                continue;
            }
            if inputs.len() < MAX_PORTS {
                inputs.push(port(tensor, inputs.len().to_string()));
            }
        }
        for &id in &node.outputs {
            let Some(tensor) = graph.tensors.get(id) else {
                continue;
            };
            let read_outside = tensor.consumers.iter().any(|&c| !inside(Some(c)));
            if (read_outside || is_output.contains(&id)) && outputs.len() < MAX_PORTS {
                outputs.push(port(tensor, outputs.len().to_string()));
            }
        }
    }
    let (title, scope) = match spec.kind {
        FoldKind::Scope => match spec.key.rsplit_once('/') {
            Some((parent, last)) => (last.to_string(), parent.to_string()),
            None => (spec.key.clone(), String::new()),
        },
        FoldKind::Group => ("fused".to_string(), String::new()),
    };
    let lines = folding::summary_lines(graph, &spec.members);
    let name = spec.key.clone();
    ViewNode {
        kind: ViewNodeKind::Folded,
        graph_node: None,
        rect: box_size(&title, &name, &lines),
        title,
        name,
        category: folding::dominant_category(graph, &spec.members),
        attrs: vec![("nodes".to_string(), spec.members.len().to_string())],
        lines,
        domain: String::new(),
        scope,
        inputs,
        outputs,
    }
}
