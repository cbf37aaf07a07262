//! The graph view's constant folding and attribute lines, on models written by code (TensorFlow
//! and ONNX through their writers and importers) and on IR graphs built by hand for the odd
//! cases (a constant with an input, a control-flow consumer, a constant nobody reads).

use super::*;
use crate::formats::import_model;
use crate::ir::{Attr, DType, GraphBuilder, Shape};
use crate::samples::{float, ints, OnnxWriter, TfWeights, TfWriter, WeightStorage};
use crate::InputFile;

fn import(name: &str, bytes: Vec<u8>) -> Model {
    import_model(&InputFile::new(name, bytes)).unwrap_or_else(|e| panic!("{e}"))
}

fn unfolded() -> GraphViewOptions {
    GraphViewOptions {
        fold_constants: false,
        ..GraphViewOptions::default()
    }
}

fn op_titles(view: &GraphView) -> Vec<&str> {
    view.nodes
        .iter()
        .filter(|n| n.kind == ViewNodeKind::Op)
        .map(|n| n.title.as_str())
        .collect()
}

/// The op box of this type (the first).
fn op<'a>(view: &'a GraphView, title: &str) -> &'a ViewNode {
    view.nodes
        .iter()
        .find(|n| n.kind == ViewNodeKind::Op && n.title == title)
        .unwrap_or_else(|| panic!("no {title} box in {:?}", op_titles(view)))
}

fn view_index(view: &GraphView, title: &str) -> usize {
    view.nodes
        .iter()
        .position(|n| n.kind == ViewNodeKind::Op && n.title == title)
        .unwrap_or_else(|| panic!("no {title} box"))
}

/// Edges into the box `to`, as the titles of their sources.
fn sources_of(view: &GraphView, to: usize) -> Vec<&str> {
    view.edges
        .iter()
        .filter(|e| e.to == to)
        .map(|e| view.nodes[e.from].title.as_str())
        .collect()
}

/// Every edge joins two boxes of the view, and every box index a folded constant names exists.
fn assert_consistent(view: &GraphView) {
    for edge in &view.edges {
        assert!(edge.from < view.nodes.len() && edge.to < view.nodes.len());
    }
    assert_eq!(view.folded_constants, view.folded.len());
    for folded in &view.folded {
        assert!(!folded.into.is_empty(), "{} is drawn nowhere", folded.name);
        assert!(folded.into.iter().all(|&v| v < view.nodes.len()));
        assert!(view
            .nodes
            .iter()
            .all(|n| n.graph_node != Some(folded.graph_node)));
    }
}

fn tf_conv_net() -> Model {
    let mut w = TfWriter::new(TfWeights::Splat);
    let x = w.placeholder("input", &[1, 8, 8, 3]);
    let y = w.conv2d(&x, 4, 3, 2, "SAME");
    let y = w.relu(&y);
    let _ = w.max_pool(&y, 3, 2, "SAME");
    import("net.pb", w.finish().binary())
}

#[test]
fn a_tensorflow_const_folds_into_its_conv2d() {
    let model = tf_conv_net();
    let const_id = model
        .graph
        .nodes
        .iter()
        .position(|n| n.op_type == "Const")
        .expect("the filter is a Const node");

    let folded = graph_view(&model);
    let unfolded = graph_view_with(&model, &model.graph, &unfolded());
    assert_consistent(&folded);
    assert_consistent(&unfolded);
    // The status bar still counts every node of the graph; only the boxes go.
    assert_eq!(folded.node_count, model.graph.nodes.len());
    assert_eq!(folded.nodes.len() + 1, unfolded.nodes.len());
    assert!(!op_titles(&folded).contains(&"Const"));
    assert_eq!(folded.folded_constants, 1);
    assert_eq!(folded.folded[0].graph_node, const_id);
    assert_eq!(folded.folded[0].op_type, "Const");
    assert_eq!(folded.folded[0].into, vec![view_index(&folded, "Conv2D")]);

    // The filter is a line of the Conv2D box, after its attributes; no edge comes from it, and
    // its port names the node.
    let conv = op(&folded, "Conv2D");
    assert_eq!(conv.lines, vec!["/2", "filter ⟨3×3×3×4⟩"]);
    let filter_node = &model.graph.nodes[const_id];
    assert_eq!(
        conv.inputs[1].folded_from,
        Some(format!("Const {}", filter_node.name))
    );
    assert_eq!(conv.inputs[0].folded_from, None);
    assert_eq!(op(&unfolded, "Conv2D").inputs[1].folded_from, None);
    assert!(!sources_of(&folded, view_index(&folded, "Conv2D")).contains(&"Const"));
    assert_eq!(folded.edges.len() + 1, unfolded.edges.len());

    // Unfolded, the Const is a box with an edge to the Conv2D, which lists no filter.
    assert!(op_titles(&unfolded).contains(&"Const"));
    assert_eq!(unfolded.folded_constants, 0);
    assert!(sources_of(&unfolded, view_index(&unfolded, "Conv2D")).contains(&"Const"));
    assert_eq!(op(&unfolded, "Conv2D").lines, vec!["/2"]);
    // The TF pool shows the spatial part of its NHWC window and strides.
    assert_eq!(op(&folded, "MaxPool").lines, vec!["3×3 /2"]);
    // The Placeholder feeds the graph: never folded, and drawn once, as the graph's input.
    let inputs: Vec<&str> = folded
        .nodes
        .iter()
        .filter(|n| n.kind == ViewNodeKind::Input)
        .map(|n| n.title.as_str())
        .collect();
    assert_eq!(inputs, ["Placeholder"]);
    let placeholder = folded
        .nodes
        .iter()
        .find(|n| n.title == "Placeholder")
        .expect("the Placeholder");
    assert!(
        placeholder.graph_node.is_some(),
        "it stays the model's node"
    );
}

#[test]
fn the_box_grows_by_one_line_per_line() {
    let model = tf_conv_net();
    let folded = graph_view(&model);
    let unfolded = graph_view_with(&model, &model.graph, &unfolded());
    let (a, b) = (op(&folded, "Conv2D"), op(&unfolded, "Conv2D"));
    assert_eq!(a.lines.len(), b.lines.len() + 1);
    assert_eq!(a.rect.height, b.rect.height + LINE_HEIGHT);
    let text_lines = a.lines.len() + usize::from(!a.name.is_empty());
    assert_eq!(
        a.rect.height,
        TITLE_HEIGHT + LINE_HEIGHT * text_lines as f64 + 4.0
    );
}

#[test]
fn an_onnx_constant_folds_into_add_with_its_value() {
    let mut w = OnnxWriter::new("add", WeightStorage::Inline);
    let x = w.input("x", &[1, 4]);
    let c = w
        .node("Constant", &[], &[vec![]], vec![float("value_float", 0.5)])
        .remove(0);
    let y = w.add(&x, &c);
    w.output(&y);
    let model = import("add.onnx", w.finish());

    let folded = graph_view(&model);
    let unfolded = graph_view_with(&model, &model.graph, &unfolded());
    assert_consistent(&folded);
    assert_eq!(op_titles(&folded), vec!["Add"]);
    assert_eq!(op_titles(&unfolded), vec!["Constant", "Add"]);
    assert_eq!(folded.nodes.len() + 1, unfolded.nodes.len());
    assert_eq!(op(&folded, "Add").lines, vec!["B = 0.5"]);
    assert!(op(&unfolded, "Add").lines.is_empty());
    let add = view_index(&folded, "Add");
    assert_eq!(sources_of(&folded, add), vec!["input"]);
    assert_eq!(
        sources_of(&unfolded, view_index(&unfolded, "Add")),
        // The inputs' edges come first (the layout breaks ties by edge order).
        vec!["input", "Constant"]
    );
    assert_eq!(folded.folded[0].name, model.graph.nodes[0].name);
}

#[test]
fn a_constant_read_by_several_nodes_is_a_line_in_each() {
    let mut w = OnnxWriter::new("shared", WeightStorage::Inline);
    let x = w.input("x", &[1, 4]);
    let c = w
        .node("Constant", &[], &[vec![]], vec![float("value_float", 2.0)])
        .remove(0);
    let y = w.node("Mul", &[&x, &c], &[vec![1, 4]], vec![]).remove(0);
    let z = w.node("Add", &[&y, &c], &[vec![1, 4]], vec![]).remove(0);
    w.output(&z);
    let model = import("shared.onnx", w.finish());

    let view = graph_view(&model);
    assert_consistent(&view);
    assert_eq!(op_titles(&view), vec!["Mul", "Add"]);
    assert_eq!(op(&view, "Mul").lines, vec!["B = 2"]);
    assert_eq!(op(&view, "Add").lines, vec!["B = 2"]);
    assert_eq!(
        view.folded[0].into,
        vec![view_index(&view, "Mul"), view_index(&view, "Add")]
    );
    // Mul → Add is the only edge between ops.
    assert_eq!(sources_of(&view, view_index(&view, "Add")), vec!["Mul"]);
}

#[test]
fn attribute_lines_of_onnx_conv_transpose_and_concat() {
    let mut w = OnnxWriter::new("attrs", WeightStorage::Inline);
    let x = w.input("x", &[1, 8, 16, 16]);
    let a = w.conv(&x, 8, 3, 2, 1, 4);
    let b = w.conv(&x, 8, 1, 1, 0, 1);
    let b = w.max_pool(&b, 2, 2, 0);
    let y = w.concat(&[&a, &b], 1);
    let t = w
        .node(
            "Transpose",
            &[&y],
            &[vec![1, 8, 8, 16]],
            vec![ints("perm", &[0, 2, 3, 1])],
        )
        .remove(0);
    w.output(&t);
    let model = import("attrs.onnx", w.finish());
    let view = graph_view(&model);
    let convs: Vec<&ViewNode> = view.nodes.iter().filter(|n| n.title == "Conv").collect();
    assert_eq!(convs[0].lines, vec!["3×3 /2 g4", "W ⟨8×2×3×3⟩", "B ⟨8⟩"]);
    assert_eq!(convs[1].lines, vec!["1×1", "W ⟨8×8×1×1⟩", "B ⟨8⟩"]);
    assert_eq!(op(&view, "MaxPool").lines, vec!["2×2 /2"]);
    assert_eq!(op(&view, "Concat").lines, vec!["axis 1"]);
    assert_eq!(op(&view, "Transpose").lines, vec!["perm 0,2,3,1"]);
}

fn node_with(op_type: &str, attrs: Vec<(&str, AttrValue)>) -> Node {
    Node {
        name: op_type.to_lowercase(),
        op_type: op_type.to_string(),
        attrs: attrs
            .into_iter()
            .map(|(name, value)| Attr {
                name: name.to_string(),
                value,
            })
            .collect(),
        ..Node::default()
    }
}

#[test]
fn attribute_lines_in_every_framework_spelling() {
    use AttrValue::{Int, Ints, String as Str};
    let cases = [
        // TensorFlow: full-rank NHWC lists, or NCHW when `data_format` says so.
        (
            ModelFormat::Tensorflow,
            node_with(
                "Conv2D",
                vec![
                    ("strides", Ints(vec![1, 2, 2, 1])),
                    ("dilations", Ints(vec![1, 2, 2, 1])),
                    ("data_format", Str("NHWC".into())),
                ],
            ),
            Some("/2 d2"),
        ),
        (
            ModelFormat::Tensorflow,
            node_with(
                "AvgPool",
                vec![
                    ("ksize", Ints(vec![1, 1, 3, 3])),
                    ("strides", Ints(vec![1, 1, 1, 2])),
                    ("data_format", Str("NCHW".into())),
                ],
            ),
            Some("3×3 /1×2"),
        ),
        (
            ModelFormat::Tensorflow,
            node_with("ConcatV2", vec![("N", Int(2))]),
            None,
        ),
        // Caffe: one value for both spatial dims, or kernel_h / kernel_w.
        (
            ModelFormat::Caffe,
            node_with(
                "Convolution",
                vec![
                    ("num_output", Int(32)),
                    ("kernel_size", Ints(vec![3])),
                    ("stride", Ints(vec![2])),
                    ("group", Int(32)),
                ],
            ),
            Some("3×3 /2 g32"),
        ),
        (
            ModelFormat::Caffe,
            node_with(
                "Convolution",
                vec![
                    ("stride", Ints(vec![1, 2])),
                    ("kernel_h", Int(3)),
                    ("kernel_w", Int(1)),
                    ("dilation", Ints(vec![2])),
                ],
            ),
            Some("3×1 /1×2 d2"),
        ),
        (
            ModelFormat::Caffe,
            node_with("Pooling", vec![("kernel_size", Int(3)), ("stride", Int(2))]),
            Some("3×3 /2"),
        ),
        (
            ModelFormat::Caffe,
            node_with("Concat", vec![("axis", Int(1))]),
            Some("axis 1"),
        ),
        // GE: NCHW full-rank lists, `groups`, `concat_dim`.
        (
            ModelFormat::Ge,
            node_with(
                "Conv2D",
                vec![
                    ("strides", Ints(vec![1, 1, 2, 2])),
                    ("dilations", Ints(vec![1, 1, 1, 1])),
                    ("groups", Int(1)),
                    ("data_format", Str("NCHW".into())),
                ],
            ),
            Some("/2"),
        ),
        (
            ModelFormat::Ge,
            node_with(
                "MaxPoolV3",
                vec![
                    ("ksize", Ints(vec![1, 1, 3, 3])),
                    ("strides", Ints(vec![1, 1, 2, 2])),
                    ("data_format", Str("NCHW".into())),
                ],
            ),
            Some("3×3 /2"),
        ),
        (
            ModelFormat::Ge,
            node_with("ConcatD", vec![("concat_dim", Int(1)), ("N", Int(2))]),
            Some("axis 1"),
        ),
        (
            ModelFormat::Ge,
            node_with("TransposeD", vec![("perm", Ints(vec![0, 3, 1, 2]))]),
            Some("perm 0,3,1,2"),
        ),
        // An attribute of another type than the table expects is skipped, not guessed at.
        (
            ModelFormat::Onnx,
            node_with("Softmax", vec![("axis", Str("last".into()))]),
            None,
        ),
    ];
    for (format, node, expected) in cases {
        assert_eq!(
            key_attrs(format, &node).as_deref(),
            expected,
            "{format:?} {}",
            node.op_type
        );
    }
}

/// A graph built by hand: `x → Relu → r`; `c = Const()`, `k = Const(r)` (a constant with a data
/// input), `If(c)` (a control-flow consumer), `Add(r, k)`, an unread `Const`, a `Const` that is
/// a graph output, and a `Data` feed.
fn odd_graph() -> Model {
    let mut b = GraphBuilder::new("odd");
    let x = b.tensor("x");
    b.tensor_mut(x).kind = TensorKind::Input;
    b.graph_mut().inputs.push(x);
    let r = b.tensor("r");
    let c = b.tensor("c");
    let k = b.tensor("k");
    let unread = b.tensor("unread");
    let shown = b.tensor("shown");
    let fed = b.tensor("fed");
    let branch = b.tensor("branch");
    let sum = b.tensor("sum");
    for &(id, value) in &[(c, 1i64), (unread, 2), (shown, 3)] {
        let tensor = b.tensor_mut(id);
        tensor.kind = TensorKind::Weight;
        tensor.dtype = DType::I64;
        tensor.shape = Some(Shape::from_known(&[]));
        tensor.value = Some(ConstValue::Ints(vec![value]));
    }
    b.tensor_mut(fed).kind = TensorKind::Input;
    fn add(b: &mut GraphBuilder, op: &str, name: &str, inputs: &[TensorId], out: TensorId) {
        b.add_node(Node {
            name: name.to_string(),
            op_type: op.to_string(),
            inputs: inputs.iter().map(|&t| Some(t)).collect(),
            outputs: vec![out],
            ..Node::default()
        });
    }
    add(&mut b, "Relu", "relu", &[x], r);
    add(&mut b, "Const", "c", &[], c);
    add(&mut b, "Const", "k", &[r], k);
    add(&mut b, "If", "if", &[c], branch);
    add(&mut b, "Add", "add", &[r, k], sum);
    add(&mut b, "Const", "unread", &[], unread);
    add(&mut b, "Const", "shown", &[], shown);
    add(&mut b, "Data", "data", &[], fed);
    b.graph_mut().outputs.extend([sum, branch, shown]);
    let graph = b.finish();
    Model {
        format: ModelFormat::Ge,
        name: "odd".into(),
        metadata: Vec::new(),
        opsets: Vec::new(),
        graph,
        functions: Vec::new(),
        warnings: Vec::new(),
    }
}

#[test]
fn odd_constants_fold_only_when_safe() {
    let model = odd_graph();
    let view = graph_view(&model);
    assert_consistent(&view);
    // Only `c` folds: `k` reads a computed tensor, `unread` has no reader, `shown` is a graph
    // output and `data` feeds the graph.
    let names: Vec<&str> = view.folded.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["c"]);
    assert_eq!(op(&view, "If").lines, vec!["0 = 1"]);
    let titles = op_titles(&view);
    assert_eq!(titles.iter().filter(|&&t| t == "Const").count(), 3);
    assert!(titles.contains(&"Data"));
    // `k` keeps its box and its edges: Relu → k → Add.
    let k = view
        .nodes
        .iter()
        .position(|n| n.name == "k")
        .expect("k is drawn");
    assert_eq!(sources_of(&view, k), vec!["Relu"]);
    assert!(view.edges.iter().any(|e| e.from == k));

    let unfolded = graph_view_with(&model, &model.graph, &unfolded());
    assert_consistent(&unfolded);
    assert_eq!(unfolded.nodes.len(), view.nodes.len() + 1);
}

#[test]
fn feeds_are_never_folded() {
    // A Caffe training net: its Data layer reads nothing and outputs an activation, like a
    // constant, but it feeds the graph.
    let net = r#"
name: "LeNet"
layer { name: "mnist" type: "Data" top: "data" top: "label" include { phase: TEST }
  data_param { source: "test_lmdb" batch_size: 100 backend: LMDB } }
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" inner_product_param { num_output: 10 } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
"#;
    let model = import("net.prototxt", net.as_bytes().to_vec());
    let view = graph_view(&model);
    assert_consistent(&view);
    assert_eq!(view.folded_constants, 0);
    assert!(op_titles(&view).contains(&"Data"));
    assert!(knowledge::is_feed(ModelFormat::Caffe, "Data"));
    assert!(knowledge::is_feed(ModelFormat::Tensorflow, "Placeholder"));
    assert!(!knowledge::is_feed(ModelFormat::Tensorflow, "Const"));
    assert!(!knowledge::is_feed(ModelFormat::Onnx, "Constant"));
}

#[test]
fn dangling_ids_do_not_panic() {
    let mut model = odd_graph();
    // A consumer list naming a node that does not exist, and an input naming no tensor.
    model.graph.tensors[2].consumers.push(99);
    model.graph.nodes[3].inputs.push(Some(1234));
    for options in [GraphViewOptions::default(), unfolded()] {
        let view = graph_view_with(&model, &model.graph, &options);
        assert_consistent(&view);
    }
}

#[test]
fn the_serde_shape_only_grew() {
    let model = tf_conv_net();
    let view = graph_view(&model);
    let mut json = serde_json::to_value(&view).unwrap_or_default();
    assert_eq!(json["folded_constants"], 1);
    assert_eq!(json["folded"][0]["op_type"], "Const");
    // A view written before folding existed still reads.
    if let Some(object) = json.as_object_mut() {
        object.remove("folded_constants");
        object.remove("folded");
    }
    let old: GraphView = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(old.folded_constants, 0);
    assert!(old.folded.is_empty());
    assert_eq!(old.nodes, view.nodes);
}
