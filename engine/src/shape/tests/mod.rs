//! Shape inference tests. Each test writes a small graph in a line-based text form, runs
//! [`infer_shapes`] and compares every tensor (`name: dtype shape`, plus known contents) with an
//! inline golden; `check` is the one place that calls the API.
//!
//! The graph text, one item per line (`//` starts a comment):
//! - `opset 11` sets the ONNX default-domain opset;
//! - `input x: f32[1,3,N,?]` a graph input (`f32?` for an unknown rank, `@NC1HWC0` suffix for a
//!   layout);
//! - `weight w: f32[64,3,7,7]` a stored weight; `weight w: f32?` one without dims;
//! - `const s: i64[2] = [0,-1]` a weight with small contents (`[0.5,2.0]` for floats);
//! - `stated y: f32[1,64,112,112]` a shape the file states for a tensor;
//! - `y, z = Op(a, _, b) attr=value ...` a node (`_` is an omitted input); values are `3`,
//!   `1.5`, `"SAME"`, `true`, `[1,2]`, `[1.0,2.0]`, `["a"]`, `lists[[0,0],[1,1]]`,
//!   `dtype(f32)`, `shape[1,?,N]`, `shapes[[1,2],[3]]`, `tensor(i64[2]=[1,2])`, `graph(name)` (a subgraph declared
//!   with `subgraph name { ... }` lines).

mod caffe;
mod driver;
mod ge;
mod nets;
mod onnx;
mod tf;

use std::fmt::Write as _;

use expect_test::Expect;

use super::infer_shapes;
use crate::ir::{
    Attr, AttrValue, ConstValue, DType, Dim, Graph, GraphBuilder, Model, ModelFormat, Node, Shape,
    Subgraph, TensorKind, TensorMeta,
};

/// Builds the graph, infers, and compares the rendering with `expected`.
pub(super) fn check(format: ModelFormat, text: &str, expected: Expect) {
    let mut model = model(format, text);
    let report = infer_shapes(&mut model);
    let mut out = render_graph(&model.graph, "");
    for (idx, subgraph) in model.graph.subgraphs.iter().enumerate() {
        let _ = writeln!(out, "subgraph #{idx} {}:", subgraph.attr);
        out.push_str(&render_graph(&subgraph.graph, "  "));
    }
    if !report.unknown_by_op.is_empty() {
        let ops: Vec<String> = report
            .unknown_by_op
            .iter()
            .map(|(op, n)| format!("{op}×{n}"))
            .collect();
        let _ = writeln!(out, "unknown: {}", ops.join(", "));
    }
    for mismatch in &report.mismatches {
        let _ = writeln!(
            out,
            "mismatch: {} ({}) {}: stated {}, inferred {}",
            mismatch.node, mismatch.op_type, mismatch.tensor, mismatch.stated, mismatch.inferred
        );
    }
    expected.assert_eq(&out);
}

pub(super) fn render_graph(graph: &Graph, indent: &str) -> String {
    let mut out = String::new();
    for tensor in &graph.tensors {
        let shape = match &tensor.shape {
            Some(shape) => shape.to_string(),
            None => "?".to_string(),
        };
        let _ = write!(out, "{indent}{}: {}{shape}", tensor.name, tensor.dtype);
        if let Some(value) = &tensor.value {
            let _ = write!(out, " = {}", value.display());
        }
        out.push('\n');
    }
    out
}

/// The model a graph text describes.
pub(super) fn model(format: ModelFormat, text: &str) -> Model {
    let mut opsets = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if let Some(version) = line.strip_prefix("opset ") {
            opsets.push((String::new(), version.trim().parse().expect("opset")));
        } else if !line.is_empty() {
            lines.push(line);
        }
    }
    let mut lines = lines.into_iter();
    let graph = graph("main", &mut lines);
    Model {
        format,
        name: "test".to_string(),
        metadata: Vec::new(),
        opsets,
        graph,
        functions: Vec::new(),
        warnings: Vec::new(),
    }
}

fn graph<'a>(name: &str, lines: &mut impl Iterator<Item = &'a str>) -> Graph {
    let mut builder = GraphBuilder::new(name);
    let mut inputs = Vec::new();
    let mut subgraphs: Vec<(String, Graph)> = Vec::new();
    let mut pending: Vec<Subgraph> = Vec::new();
    while let Some(line) = lines.next() {
        if line == "}" {
            break;
        }
        if let Some(rest) = line.strip_prefix("subgraph ") {
            let name = rest.trim_end_matches('{').trim().to_string();
            let body = graph(&name, lines);
            subgraphs.push((name, body));
        } else if let Some(rest) = line.strip_prefix("input ") {
            let id = declare(&mut builder, rest);
            builder.tensor_mut(id).kind = TensorKind::Input;
            inputs.push(id);
        } else if let Some(rest) = line.strip_prefix("weight ") {
            let id = declare(&mut builder, rest);
            builder.tensor_mut(id).kind = TensorKind::Weight;
        } else if let Some(rest) = line.strip_prefix("const ") {
            let (decl, values) = rest.split_once('=').expect("const needs `= [..]`");
            let id = declare(&mut builder, decl);
            let tensor = builder.tensor_mut(id);
            tensor.kind = TensorKind::Weight;
            tensor.value = Some(const_value(values.trim()));
        } else if let Some(rest) = line.strip_prefix("stated ") {
            declare(&mut builder, rest);
        } else if let Some(name) = line.strip_prefix("output ") {
            let id = builder.tensor(name.trim());
            builder.graph_mut().outputs.push(id);
        } else {
            let node_id = builder.node_count();
            let node = node(&mut builder, line, node_id, &subgraphs, &mut pending);
            builder.add_node(node);
        }
    }
    let graph = builder.graph_mut();
    graph.inputs = inputs;
    graph.subgraphs = pending;
    builder.finish()
}

/// `name: dtype[dims] @LAYOUT`; returns the tensor id.
fn declare(builder: &mut GraphBuilder, text: &str) -> usize {
    let (name, rest) = text
        .split_once(':')
        .expect("declaration needs `name: type`");
    let (ty, layout) = match rest.split_once('@') {
        Some((ty, layout)) => (ty.trim(), Some(layout.trim().to_string())),
        None => (rest.trim(), None),
    };
    let (dtype, shape) = tensor_type(ty);
    let id = builder.tensor(name.trim());
    let tensor = builder.tensor_mut(id);
    tensor.dtype = dtype;
    tensor.shape = shape;
    tensor.layout = layout;
    id
}

/// `f32[1,N,?]`, `i64[]`, `f32?`.
fn tensor_type(text: &str) -> (DType, Option<Shape>) {
    match text.split_once('[') {
        Some((dtype, dims)) => (dtype_of(dtype), Some(shape_of(dims.trim_end_matches(']')))),
        None => (dtype_of(text.trim_end_matches('?')), None),
    }
}

fn dtype_of(name: &str) -> DType {
    let all = [
        DType::F32,
        DType::F16,
        DType::BF16,
        DType::F64,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::Bool,
        DType::Unknown,
    ];
    all.into_iter()
        .find(|d| d.name() == name.trim())
        .unwrap_or_else(|| panic!("unknown dtype {name:?}"))
}

fn shape_of(dims: &str) -> Shape {
    Shape(
        dims.split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| match d {
                "?" => Dim::Unknown,
                d => match d.parse() {
                    Ok(v) => Dim::Known(v),
                    Err(_) => Dim::Symbolic(d.to_string()),
                },
            })
            .collect(),
    )
}

fn const_value(text: &str) -> ConstValue {
    let items: Vec<&str> = text
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.iter().any(|s| s.contains('.')) {
        ConstValue::Floats(items.iter().map(|s| s.parse().expect("float")).collect())
    } else {
        ConstValue::Ints(items.iter().map(|s| s.parse().expect("int")).collect())
    }
}

fn node(
    builder: &mut GraphBuilder,
    line: &str,
    node_id: usize,
    subgraphs: &[(String, Graph)],
    pending: &mut Vec<Subgraph>,
) -> Node {
    let (outputs, call) = match line.split_once('=') {
        Some((outs, call)) if !outs.contains('(') => (outs.trim(), call.trim()),
        _ => ("", line),
    };
    let open = call.find('(').expect("node needs `Op(inputs)`");
    let close = call.find(')').expect("node needs `)`");
    let op_type = call[..open].trim().to_string();
    let inputs = call[open + 1..close]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| (name != "_").then(|| builder.tensor(name)))
        .collect();
    let outputs: Vec<usize> = outputs
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| builder.tensor(name))
        .collect();
    let mut attrs = Vec::new();
    for token in tokens(&call[close + 1..]) {
        let (name, value) = token.split_once('=').expect("attribute needs `name=value`");
        let value = attr_value(value, node_id, name, subgraphs, pending);
        attrs.push(Attr {
            name: name.to_string(),
            value,
        });
    }
    let name = outputs
        .first()
        .map(|&id| builder.graph_mut().tensors[id].name.clone())
        .unwrap_or_else(|| op_type.clone());
    Node {
        name,
        op_type,
        attrs,
        inputs,
        outputs,
        ..Node::default()
    }
}

/// Splits on spaces outside brackets, parentheses and quotes.
fn tokens(text: &str) -> Vec<String> {
    let mut res = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' | '(' if !quoted => depth += 1,
            ']' | ')' if !quoted => depth -= 1,
            c if c.is_whitespace() && depth == 0 && !quoted => {
                if !current.is_empty() {
                    res.push(std::mem::take(&mut current));
                }
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.is_empty() {
        res.push(current);
    }
    res
}

fn attr_value(
    text: &str,
    node_id: usize,
    attr: &str,
    subgraphs: &[(String, Graph)],
    pending: &mut Vec<Subgraph>,
) -> AttrValue {
    if let Some(name) = text
        .strip_prefix("graph(")
        .and_then(|t| t.strip_suffix(')'))
    {
        let (_, body) = subgraphs
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no subgraph {name}"));
        pending.push(Subgraph {
            owner: Some(node_id),
            attr: attr.to_string(),
            graph: body.clone(),
        });
        return AttrValue::Graph(pending.len() - 1);
    }
    if let Some(name) = text
        .strip_prefix("dtype(")
        .and_then(|t| t.strip_suffix(')'))
    {
        return AttrValue::DType(dtype_of(name));
    }
    if let Some(dims) = text
        .strip_prefix("shape[")
        .and_then(|t| t.strip_suffix(']'))
    {
        return AttrValue::Shape(shape_of(dims));
    }
    if let Some(inner) = text
        .strip_prefix("tensor(")
        .and_then(|t| t.strip_suffix(')'))
    {
        let (ty, values) = match inner.split_once('=') {
            Some((ty, values)) => (ty, Some(const_value(values))),
            None => (inner, None),
        };
        let (dtype, shape) = tensor_type(ty);
        return AttrValue::Tensor(TensorMeta {
            dtype,
            shape: shape.unwrap_or_default(),
            byte_size: None,
            value: values,
        });
    }
    if let Some(shapes) = text
        .strip_prefix("shapes[")
        .and_then(|t| t.strip_suffix(']'))
    {
        let shapes = shapes
            .split(']')
            .map(|l| l.trim_start_matches(',').trim_start_matches('['))
            .filter(|l| !l.is_empty())
            .map(shape_of)
            .collect();
        return AttrValue::Shapes(shapes);
    }
    if let Some(lists) = text
        .strip_prefix("lists[")
        .and_then(|t| t.strip_suffix(']'))
    {
        let lists = lists
            .split(']')
            .map(|l| l.trim_start_matches(',').trim_start_matches('['))
            .filter(|l| !l.is_empty())
            .map(|l| {
                l.split(',')
                    .map(|v| v.trim().parse().expect("int"))
                    .collect()
            })
            .collect();
        return AttrValue::IntLists(lists);
    }
    if text.starts_with('[') {
        let inner = text.trim_start_matches('[').trim_end_matches(']');
        if inner.contains('"') {
            return AttrValue::Strings(
                inner
                    .split(',')
                    .map(|s| s.trim().trim_matches('"').to_string())
                    .collect(),
            );
        }
        return match const_value(text) {
            ConstValue::Ints(values) => AttrValue::Ints(values),
            ConstValue::Floats(values) => AttrValue::Floats(values),
        };
    }
    if text.starts_with('"') {
        return AttrValue::String(text.trim_matches('"').to_string());
    }
    match text {
        "true" => AttrValue::Bool(true),
        "false" => AttrValue::Bool(false),
        _ if text.contains('.') || text.contains('e') => {
            AttrValue::Float(text.parse().expect("float attribute"))
        }
        _ => AttrValue::Int(text.parse().expect("int attribute")),
    }
}
