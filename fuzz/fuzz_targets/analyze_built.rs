//! Graphs built directly from the fuzz input (no importer in the way): op types from the
//! knowledge base, any wiring (cycles, self-loops, several producers of one tensor, dangling
//! control inputs), stated shapes with any dims, constant values and attributes, a body graph;
//! then shape inference, analysis, reports and views with their layout. What no file format
//! forbids, the later stages must take without a panic or an endless loop.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use opscope_engine::ir::{
    Attr, AttrValue, ConstValue, DType, Dim, Graph, GraphBuilder, Model, ModelFormat, Node, Shape,
    Subgraph, TensorKind, TensorMeta,
};
use opscope_engine::knowledge::OPS;
use opscope_engine::shape;

const FORMATS: [ModelFormat; 4] = [
    ModelFormat::Onnx,
    ModelFormat::Tensorflow,
    ModelFormat::Caffe,
    ModelFormat::Ge,
];

const DTYPES: [DType; 8] = [
    DType::F32,
    DType::F16,
    DType::BF16,
    DType::I32,
    DType::I64,
    DType::I8,
    DType::Bool,
    DType::Unknown,
];

/// Attribute names shape inference and the rules read, across the formats.
#[rustfmt::skip]
const ATTR_NAMES: &[&str] = &[
    "kernel_shape", "strides", "pads", "dilations", "group", "axis", "axes", "perm", "shape",
    "keepdims", "transA", "transB", "transpose_a", "transpose_b", "adj_x", "adj_y", "num_output",
    "kernel_size", "kernel_h", "kernel_w", "stride", "stride_h", "pad", "pad_h", "pool",
    "global_pooling", "ksize", "padding", "data_format", "T", "dtype", "to", "dst_type", "N",
    "split", "num_split", "size_splits", "begin", "end", "begin_mask", "end_mask",
    "shrink_axis_mask", "new_axis_mask", "ellipsis_mask", "height", "width", "zoom_factor",
    "scales", "sizes", "mode", "value", "epsilon", "auto_pad", "ceil_mode", "output_padding",
    "output_shape", "bias_term", "top_k", "k", "largest", "blocksize", "direction",
    "hidden_size", "_datadump_original_op_names", "_output_shapes", "block_shape", "tiles",
];

/// Dims worth trying: degenerate, small, C0-aligned and not, big, negative (a file may say so).
const DIMS: [i64; 12] = [0, 1, 2, 3, 7, 15, 16, 64, 224, 1 << 20, -1, i64::MAX];

fn pick<'a, T>(u: &mut Unstructured<'_>, items: &'a [T]) -> Result<&'a T> {
    u.choose(items)
}

fn dim(u: &mut Unstructured<'_>) -> Result<Dim> {
    Ok(match u.int_in_range(0..=9u8)? {
        0 => Dim::Symbolic("N".to_string()),
        1 => Dim::Unknown,
        2 => Dim::Known(u.arbitrary()?),
        _ => Dim::Known(*pick(u, &DIMS)?),
    })
}

fn shape(u: &mut Unstructured<'_>) -> Result<Shape> {
    let rank = u.int_in_range(0..=6u8)?;
    (0..rank)
        .map(|_| dim(u))
        .collect::<Result<Vec<_>>>()
        .map(Shape)
}

fn small_int(u: &mut Unstructured<'_>) -> Result<i64> {
    Ok(match u.int_in_range(0..=7u8)? {
        0 => u.arbitrary()?,
        1 => -1,
        _ => i64::from(u.int_in_range(0..=8u8)?),
    })
}

fn ints(u: &mut Unstructured<'_>) -> Result<Vec<i64>> {
    let n = u.int_in_range(0..=6u8)?;
    (0..n).map(|_| small_int(u)).collect()
}

fn const_value(u: &mut Unstructured<'_>) -> Result<ConstValue> {
    Ok(if u.arbitrary()? {
        ConstValue::Ints(ints(u)?)
    } else {
        let n = u.int_in_range(0..=6u8)?;
        ConstValue::Floats((0..n).map(|_| u.arbitrary()).collect::<Result<_>>()?)
    })
}

fn attr_value(u: &mut Unstructured<'_>, n_subgraphs: usize) -> Result<AttrValue> {
    Ok(match u.int_in_range(0..=11u8)? {
        0 => AttrValue::Int(small_int(u)?),
        1 => AttrValue::Ints(ints(u)?),
        2 => AttrValue::Float(u.arbitrary()?),
        3 => AttrValue::Bool(u.arbitrary()?),
        4 => AttrValue::String(
            pick(u, &["NCHW", "NHWC", "SAME", "VALID", "nearest", "a,b"])?.to_string(),
        ),
        5 => AttrValue::DType(*pick(u, &DTYPES)?),
        6 => AttrValue::Shape(shape(u)?),
        7 => AttrValue::Tensor(TensorMeta {
            dtype: *pick(u, &DTYPES)?,
            shape: shape(u)?,
            byte_size: u.arbitrary()?,
            value: if u.arbitrary()? {
                Some(const_value(u)?)
            } else {
                None
            },
        }),
        8 => AttrValue::Strings(vec!["x".to_string(), String::new()]),
        9 => AttrValue::IntLists(vec![ints(u)?, ints(u)?]),
        10 if n_subgraphs > 0 => AttrValue::Graph(u.choose_index(n_subgraphs)?),
        _ => AttrValue::Shapes(vec![shape(u)?]),
    })
}

fn op_type(u: &mut Unstructured<'_>) -> Result<String> {
    let spec = pick(u, OPS)?;
    let name = if spec.names.is_empty() || u.arbitrary()? {
        spec.canonical
    } else {
        let name = pick(u, spec.names)?;
        name.split_once(':').map_or(*name, |(_, bare)| bare)
    };
    Ok(match u.int_in_range(0..=15u8)? {
        0 => "Custom".to_string(),
        1 => format!("ge:{name}"),
        _ => name.to_string(),
    })
}

/// A graph of up to `max_nodes` nodes over a pool of tensor names.
fn graph(
    u: &mut Unstructured<'_>,
    name: &str,
    max_nodes: usize,
    n_subgraphs: usize,
) -> Result<Graph> {
    let mut builder = GraphBuilder::new(name);
    let n_names = u.int_in_range(1..=24usize)?;
    let tensor_name = |idx: usize| format!("t{idx}");
    let n_inputs = u.int_in_range(0..=3usize)?;
    let mut inputs = Vec::new();
    for _ in 0..n_inputs {
        let id = builder.tensor(&tensor_name(u.choose_index(n_names)?));
        let tensor = builder.tensor_mut(id);
        tensor.kind = TensorKind::Input;
        tensor.dtype = *pick(u, &DTYPES)?;
        tensor.shape = Some(shape(u)?);
        inputs.push(id);
    }
    let n_weights = u.int_in_range(0..=4usize)?;
    for _ in 0..n_weights {
        let id = builder.tensor(&tensor_name(u.choose_index(n_names)?));
        let tensor = builder.tensor_mut(id);
        tensor.kind = TensorKind::Weight;
        tensor.dtype = *pick(u, &DTYPES)?;
        tensor.shape = Some(shape(u)?);
        tensor.byte_size = u.arbitrary()?;
        if u.arbitrary()? {
            tensor.value = Some(const_value(u)?);
        }
    }
    let n_nodes = u.int_in_range(0..=max_nodes)?;
    for node_idx in 0..n_nodes {
        let op_type = op_type(u)?;
        let scope: Vec<String> = (0..u.int_in_range(0..=3u8)?)
            .map(|depth| format!("s{}", depth + u.int_in_range(0..=2u8).unwrap_or(0)))
            .collect();
        let n_in = u.int_in_range(0..=4usize)?;
        let mut node_inputs = Vec::new();
        for _ in 0..n_in {
            node_inputs.push(if u.ratio(1, 10)? {
                None
            } else {
                Some(builder.tensor(&tensor_name(u.choose_index(n_names)?)))
            });
        }
        let n_out = u.int_in_range(0..=3usize)?;
        let mut outputs = Vec::new();
        for _ in 0..n_out {
            let id = builder.tensor(&tensor_name(u.choose_index(n_names)?));
            if u.ratio(1, 3)? {
                let tensor = builder.tensor_mut(id);
                tensor.dtype = *pick(u, &DTYPES)?;
                tensor.shape = Some(shape(u)?);
            }
            outputs.push(id);
        }
        let n_attrs = u.int_in_range(0..=4usize)?;
        let mut attrs = Vec::new();
        for _ in 0..n_attrs {
            attrs.push(Attr {
                name: pick(u, ATTR_NAMES)?.to_string(),
                value: attr_value(u, n_subgraphs)?,
            });
        }
        let n_controls = u.int_in_range(0..=2usize)?;
        let control_inputs = (0..n_controls)
            .map(|_| u.choose_index(n_nodes))
            .collect::<Result<Vec<_>>>()?;
        let mut full_name = scope.join("/");
        if !full_name.is_empty() {
            full_name.push('/');
        }
        full_name.push_str(&format!("n{node_idx}"));
        let unnamed = u.ratio(1, 8)?;
        builder.add_node(Node {
            name: if unnamed { String::new() } else { full_name },
            op_type,
            domain: String::new(),
            attrs,
            inputs: node_inputs,
            outputs,
            control_inputs,
            scope: if unnamed { Vec::new() } else { scope },
        });
    }
    let n_outputs = u.int_in_range(0..=3usize)?;
    let outputs = (0..n_outputs)
        .map(|_| {
            u.choose_index(n_names)
                .map(|idx| builder.tensor(&tensor_name(idx)))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut graph = builder.finish();
    graph.inputs = inputs;
    graph.outputs = outputs;
    Ok(graph)
}

fn model(u: &mut Unstructured<'_>) -> Result<Model> {
    let format = *pick(u, &FORMATS)?;
    let with_body = u.ratio(1, 4)?;
    let body = if with_body {
        Some(graph(u, "body", 6, 0)?)
    } else {
        None
    };
    let mut main = graph(u, "main", 48, usize::from(with_body))?;
    if let Some(body) = body {
        let owner = main.nodes.iter().position(|node| {
            node.attrs
                .iter()
                .any(|attr| matches!(attr.value, AttrValue::Graph(_)))
        });
        // Importers give every node body its owner; a body nothing refers to is left out.
        if owner.is_some() {
            main.subgraphs.push(Subgraph {
                owner,
                attr: "body".to_string(),
                graph: body,
            });
        }
    }
    Ok(Model {
        format,
        name: "built".to_string(),
        metadata: Vec::new(),
        opsets: vec![(String::new(), i64::from(u.int_in_range(1..=21u8)?))],
        graph: main,
        functions: Vec::new(),
        warnings: Vec::new(),
    })
}

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(mut model) = model(&mut u) else {
        return;
    };
    shape::infer_shapes(&mut model);
    opscope_fuzz::exercise_model(&model, data.first().copied().unwrap_or(0));
});
