//! TensorFlow importer tests: graphs written by code (binary and text), rendered with
//! `dump_model` and compared with inline goldens; then the bad-input suites for both encodings.

use crate::samples::XorShift;
use bytes::Bytes;
use expect_test::{expect, Expect};
use prost::Message;

use super::*;
use crate::formats::{detect, import_model};
use crate::ir::{dump_model, AttrValue, ConstValue, DType, Dim, Shape, TensorKind};
use crate::report::{graph_view, inspect, InspectOptions};
use crate::samples::{tf_mobilenet_v2, tf_resnet50, TfGraph, TfWeights, TfWriter};

fn import_named(name: &str, bytes: Vec<u8>) -> Result<Model, ImportError> {
    import_model(&InputFile::new(name, bytes))
}

/// Imports a binary GraphDef and compares its dump and warnings with `expected`.
fn check(bytes: Vec<u8>, expected: Expect) {
    check_file("test.pb", bytes, expected);
}

/// Imports a text GraphDef and compares its dump and warnings with `expected`.
fn check_text(text: &str, expected: Expect) {
    check_file("test.pbtxt", text.as_bytes().to_vec(), expected);
}

fn check_file(name: &str, bytes: Vec<u8>, expected: Expect) {
    let model = import_named(name, bytes).unwrap();
    let mut out = dump_model(&model);
    for warning in &model.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    expected.assert_eq(&out);
}

fn summary(model: &Model) -> crate::report::InspectReport {
    inspect(
        model,
        InspectOptions {
            with_tensors: false,
        },
    )
}

fn node(name: &str, op: &str, inputs: &[&str], attrs: Vec<(&str, pb::AttrValue)>) -> pb::NodeDef {
    pb::NodeDef {
        name: name.to_string(),
        op: op.to_string(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        attr: attrs
            .into_iter()
            .map(|(key, value)| (key.to_string(), value))
            .collect(),
        ..Default::default()
    }
}

fn graph_of(nodes: Vec<pb::NodeDef>) -> Vec<u8> {
    pb::GraphDef {
        node: nodes,
        ..Default::default()
    }
    .encode_to_vec()
}

fn value(value: pb::attr_value::Value) -> pb::AttrValue {
    pb::AttrValue { value: Some(value) }
}

fn type_attr(dtype: pb::DataType) -> pb::AttrValue {
    value(pb::attr_value::Value::Type(dtype as i32))
}

fn shape_proto(dims: &[i64]) -> pb::TensorShapeProto {
    pb::TensorShapeProto {
        dim: dims
            .iter()
            .map(|&size| pb::tensor_shape_proto::Dim {
                size,
                name: String::new(),
            })
            .collect(),
        unknown_rank: false,
    }
}

fn tensor_attr(tensor: pb::TensorProto) -> pb::AttrValue {
    value(pb::attr_value::Value::Tensor(tensor))
}

fn placeholder(name: &str, dims: &[i64]) -> pb::NodeDef {
    node(
        name,
        "Placeholder",
        &[],
        vec![
            ("dtype", type_attr(pb::DataType::DtFloat)),
            (
                "shape",
                value(pb::attr_value::Value::Shape(shape_proto(dims))),
            ),
        ],
    )
}

fn constant(name: &str, tensor: pb::TensorProto) -> pb::NodeDef {
    let dtype = pb::DataType::try_from(tensor.dtype).unwrap_or(pb::DataType::DtInvalid);
    node(
        name,
        "Const",
        &[],
        vec![("dtype", type_attr(dtype)), ("value", tensor_attr(tensor))],
    )
}

/// A small conv net: conv (SAME) + bias + relu, VALID max pool, flatten by Reshape, dense,
/// softmax.
fn small_net(weights: TfWeights, output_shapes: bool) -> TfGraph {
    let mut w = TfWriter::new(weights);
    if output_shapes {
        w = w.with_output_shapes();
    }
    let x = w.placeholder("input", &[1, 8, 8, 3]);
    w.push_scope("conv");
    let y = w.conv2d(&x, 4, 3, 1, "SAME");
    let y = w.bias_add(&y);
    let y = w.relu(&y);
    w.pop_scope();
    let y = w.max_pool(&y, 2, 2, "VALID");
    w.push_scope("fc");
    let y = w.reshape(&y, &[-1, 64]);
    let y = w.matmul(&y, 10);
    w.pop_scope();
    let _ = w.softmax(&y);
    w.finish()
}

#[test]
fn small_net_binary_and_text_agree() {
    let graph = small_net(TfWeights::Content, false);
    check(
        graph.binary(),
        expect![[r#"
            tensorflow test
            inputs: input:f32[1,8,8,3]
            0 Placeholder "input" () -> input:f32[1,8,8,3]
            1 Const "conv/weights" () -> conv/weights=f32[3,3,3,4]
            2 Conv2D "conv/Conv2D" (input:f32[1,8,8,3], conv/weights=f32[3,3,3,4]) -> conv/Conv2D:f32?
            3 Const "conv/biases" () -> conv/biases=f32[4]
            4 BiasAdd "conv/BiasAdd" (conv/Conv2D:f32?, conv/biases=f32[4]) -> conv/BiasAdd:f32?
            5 Relu "conv/Relu" (conv/BiasAdd:f32?) -> conv/Relu:f32?
            6 MaxPool "MaxPool" (conv/Relu:f32?) -> MaxPool:f32?
            7 Const "fc/shape" () -> fc/shape=i32[2]
            8 Reshape "fc/Reshape" (MaxPool:f32?, fc/shape=i32[2]) -> fc/Reshape:f32?
            9 Const "fc/weights" () -> fc/weights=f32[64,10]
            10 MatMul "fc/MatMul" (fc/Reshape:f32?, fc/weights=f32[64,10]) -> fc/MatMul:f32?
            11 Softmax "Softmax" (fc/MatMul:f32?) -> Softmax:f32?
            outputs: Softmax:f32?
        "#]],
    );
    let binary = import_named("net.pb", graph.binary()).unwrap();
    let text = import_named("net.pbtxt", graph.text().into_bytes()).unwrap();
    assert_eq!(dump_model(&binary), dump_model(&text));
    assert_eq!(binary.graph, text.graph);
    assert!(text.warnings.is_empty(), "{:?}", text.warnings);
    assert_eq!(
        binary.metadata,
        vec![
            ("encoding".to_string(), "binary".to_string()),
            ("producer".to_string(), "1205".to_string()),
        ]
    );
    assert_eq!(
        text.metadata[0],
        ("encoding".to_string(), "text".to_string())
    );
    // The names come from the file name; binary and text import the same graph.
    assert_eq!((binary.name.as_str(), text.name.as_str()), ("net", "net"));
    let report = summary(&binary);
    assert_eq!(
        (report.format, report.nodes, report.edges),
        ("tensorflow", 12, 11)
    );
    // Weights: 3×3×3×4 + 4 + 64×10 floats and two int32 shape values.
    assert_eq!(report.weights.count, 4);
    assert_eq!(report.weights.bytes, (108 + 4 + 640) * 4 + 8);
}

#[test]
fn attributes_keep_tensorflow_names_and_types() {
    let model = import_named("net.pb", small_net(TfWeights::Content, false).binary()).unwrap();
    let conv = &model.graph.nodes[2];
    assert_eq!(conv.op_type, "Conv2D");
    assert_eq!(conv.scope, vec!["conv".to_string()]);
    let rendered: Vec<String> = conv
        .attrs
        .iter()
        .map(|a| format!("{}={}", a.name, a.value.display()))
        .collect();
    expect![[r#"
        [
            "T=f32",
            "data_format=\"NHWC\"",
            "dilations=[1, 1, 1, 1]",
            "explicit_paddings=[]",
            "padding=\"SAME\"",
            "strides=[1, 1, 1, 1]",
            "use_cudnn_on_gpu=true",
        ]
    "#]]
    .assert_debug_eq(&rendered);
    assert_eq!(
        conv.attr("padding"),
        Some(&AttrValue::String("SAME".into()))
    );
    assert_eq!(conv.attr("T"), Some(&AttrValue::DType(DType::F32)));
    assert_eq!(
        conv.attr("strides"),
        Some(&AttrValue::Ints(vec![1, 1, 1, 1]))
    );
    // The Reshape target keeps its values for shape inference.
    let target = &model.graph.tensors[model.graph.tensor_by_name("fc/shape").unwrap()];
    assert_eq!(target.kind, TensorKind::Weight);
    assert_eq!(target.value, Some(ConstValue::Ints(vec![-1, 64])));
    assert_eq!(target.byte_size, Some(8));
}

#[test]
fn output_shapes_become_tensor_shapes() {
    let graph = small_net(TfWeights::Splat, true);
    check(
        graph.binary(),
        expect![[r#"
            tensorflow test
            inputs: input:f32[1,8,8,3]
            0 Placeholder "input" () -> input:f32[1,8,8,3]
            1 Const "conv/weights" () -> conv/weights=f32[3,3,3,4]
            2 Conv2D "conv/Conv2D" (input:f32[1,8,8,3], conv/weights=f32[3,3,3,4]) -> conv/Conv2D:f32[1,8,8,4]
            3 Const "conv/biases" () -> conv/biases=f32[4]
            4 BiasAdd "conv/BiasAdd" (conv/Conv2D:f32[1,8,8,4], conv/biases=f32[4]) -> conv/BiasAdd:f32[1,8,8,4]
            5 Relu "conv/Relu" (conv/BiasAdd:f32[1,8,8,4]) -> conv/Relu:f32[1,8,8,4]
            6 MaxPool "MaxPool" (conv/Relu:f32[1,8,8,4]) -> MaxPool:f32[1,4,4,4]
            7 Const "fc/shape" () -> fc/shape=i32[2]
            8 Reshape "fc/Reshape" (MaxPool:f32[1,4,4,4], fc/shape=i32[2]) -> fc/Reshape:f32[1,64]
            9 Const "fc/weights" () -> fc/weights=f32[64,10]
            10 MatMul "fc/MatMul" (fc/Reshape:f32[1,64], fc/weights=f32[64,10]) -> fc/MatMul:f32[1,10]
            11 Softmax "Softmax" (fc/MatMul:f32[1,10]) -> Softmax:f32[1,10]
            outputs: Softmax:f32[1,10]
        "#]],
    );
    let model = import_named("net.pb", graph.binary()).unwrap();
    let conv = &model.graph.nodes[2];
    assert_eq!(
        conv.attr("_output_shapes"),
        Some(&AttrValue::Shapes(vec![Shape::from_known(&[1, 8, 8, 4])]))
    );
    // A FusedBatchNormV3 states six outputs: all exist, the unused ones read by nobody.
    let mut w = TfWriter::new(TfWeights::Splat).with_output_shapes();
    let x = w.placeholder("x", &[1, 4, 4, 8]);
    let y = w.batch_norm(&x);
    let _ = w.relu(&y);
    let model = import_named("bn.pb", w.finish().binary()).unwrap();
    let bn = model
        .graph
        .nodes
        .iter()
        .find(|n| n.op_type == "FusedBatchNormV3")
        .unwrap();
    let shapes: Vec<String> = bn
        .outputs
        .iter()
        .map(|&id| {
            let t = &model.graph.tensors[id];
            format!("{}:{}{}", t.name, t.dtype, t.shape.as_ref().unwrap())
        })
        .collect();
    expect![[r#"
        [
            "FusedBatchNormV3:f32[1,4,4,8]",
            "FusedBatchNormV3:1:f32[8]",
            "FusedBatchNormV3:2:f32[8]",
            "FusedBatchNormV3:3:f32[8]",
            "FusedBatchNormV3:4:f32[8]",
            "FusedBatchNormV3:5:f32[]",
        ]
    "#]]
    .assert_debug_eq(&shapes);
    assert_eq!(
        model.graph.outputs.len(),
        1,
        "only the Relu is a graph output"
    );
}

#[test]
fn control_inputs_output_indices_and_forward_references() {
    let int_scalar = pb::TensorProto {
        dtype: pb::DataType::DtInt32 as i32,
        tensor_shape: Some(shape_proto(&[])),
        int_val: vec![1],
        ..Default::default()
    };
    let nodes = vec![
        node("init", "NoOp", &[], vec![]),
        placeholder("x", &[2, 6]),
        constant("split/axis", int_scalar),
        // Reads the second output of a node that comes later in the file.
        node(
            "relu",
            "Relu",
            &["split:1", "^init"],
            vec![("T", type_attr(pb::DataType::DtFloat))],
        ),
        node(
            "split",
            "Split",
            &["split/axis", "x:0"],
            vec![
                ("T", type_attr(pb::DataType::DtFloat)),
                ("num_split", value(pb::attr_value::Value::I(3))),
            ],
        ),
        node(
            "sum",
            "AddN",
            &["split", "split:2", "relu"],
            vec![
                ("N", value(pb::attr_value::Value::I(3))),
                ("T", type_attr(pb::DataType::DtFloat)),
            ],
        ),
        node(
            "late",
            "Identity",
            &["sum:0", "^relu", "^init"],
            vec![("T", type_attr(pb::DataType::DtFloat))],
        ),
    ];
    check(
        graph_of(nodes.clone()),
        expect![[r#"
            tensorflow test
            inputs: x:f32[2,6]
            0 NoOp "init" () -> 
            1 Placeholder "x" () -> x:f32[2,6]
            2 Const "split/axis" () -> split/axis=i32[]
            3 Relu "relu" (split:1:f32?) -> relu:f32? after [0]
            4 Split "split" (split/axis=i32[], x:f32[2,6]) -> split:f32?, split:1:f32?, split:2:f32?
            5 AddN "sum" (split:f32?, split:2:f32?, relu:f32?) -> sum:f32?
            6 Identity "late" (sum:f32?) -> late:f32? after [3, 0]
            outputs: late:f32?
        "#]],
    );
    let model = import_named("g.pb", graph_of(nodes)).unwrap();
    let graph = &model.graph;
    // axis → split, x → split, split:1 → relu, split and split:2 → sum (two tensors),
    // relu → sum, sum → late.
    assert_eq!(graph.edge_count(), 7);
    assert_eq!(graph.nodes[3].control_inputs, vec![0]);
    assert_eq!(graph.nodes[6].control_inputs, vec![3, 0]);
    assert_eq!(graph.nodes[4].outputs.len(), 3);
    // Control edges are not data edges: `init` has no output tensor at all.
    assert!(graph.nodes[0].outputs.is_empty());
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
}

#[test]
fn function_library_becomes_functions() {
    let mut w = TfWriter::new(TfWeights::Splat);
    let a = w.placeholder("a", &[2]);
    let b = w.placeholder("b", &[2]);
    w.node("MyAdd", "call", &[&a, &b], vec![], &[]);
    w.function("MyAdd", "AddV2", &["x", "y"]);
    let graph = w.finish();
    check(
        graph.binary(),
        expect![[r#"
            tensorflow test
            inputs: a:f32[2], b:f32[2]
            0 Placeholder "a" () -> a:f32[2]
            1 Placeholder "b" () -> b:f32[2]
            2 MyAdd "call" (a:f32[2], b:f32[2]) -> call:unknown?
            outputs: call:unknown?
            function MyAdd
              inputs: x:f32?, y:f32?
              0 AddV2 "body" (x:f32?, y:f32?) -> body:z:0:f32?
              1 Relu "scaled" (body:z:0:f32?) -> scaled:activations:0:f32? after [0]
              outputs: scaled:activations:0:f32?
        "#]],
    );
    let text = import_named("f.pbtxt", graph.text().into_bytes()).unwrap();
    let binary = import_named("f.pb", graph.binary()).unwrap();
    assert_eq!(text.functions, binary.functions);
    let report = summary(&binary);
    // Function bodies are not main-graph nodes.
    assert_eq!((report.nodes, report.function_nodes), (3, 2));
    let function = &binary.functions[0];
    assert_eq!(function.nodes[1].control_inputs, vec![0]);
    assert_eq!(function.edge_count(), 1);
    // The viewer offers the function after the main graph and draws its body.
    let entries = crate::report::graph_list(&binary);
    let listed: Vec<(String, crate::report::GraphKind, usize)> = entries
        .iter()
        .map(|g| (g.label.clone(), g.kind, g.n_nodes))
        .collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0].1, crate::report::GraphKind::Main);
    assert_eq!(
        (listed[1].0.as_str(), listed[1].1, listed[1].2),
        (
            function.name.as_str(),
            crate::report::GraphKind::Function,
            2
        )
    );
    let body = crate::report::graph_at(&binary, &entries[1].path).unwrap();
    assert_eq!(crate::report::graph_view_of(&binary, body).node_count, 2);
}

#[test]
fn attribute_values_of_every_kind_convert() {
    use pb::attr_value::{ListValue, Value};
    let unknown_rank = pb::TensorShapeProto {
        unknown_rank: true,
        ..Default::default()
    };
    let mut named = shape_proto(&[-1, 3]);
    named.dim[0].name = "batch".to_string();
    let attrs = vec![
        ("s", value(Value::S(Bytes::from_static(b"VALID")))),
        ("i", value(Value::I(-3))),
        ("f", value(Value::F(0.5))),
        ("b", value(Value::B(true))),
        ("type", type_attr(pb::DataType::DtHalf)),
        ("ref_type", value(Value::Type(101))),
        ("shape", value(Value::Shape(named))),
        ("unknown_rank", value(Value::Shape(unknown_rank.clone()))),
        (
            "tensor",
            tensor_attr(pb::TensorProto {
                dtype: pb::DataType::DtInt64 as i32,
                tensor_shape: Some(shape_proto(&[2])),
                int64_val: vec![7, 8],
                ..Default::default()
            }),
        ),
        (
            "list_s",
            value(Value::List(ListValue {
                s: vec![
                    Bytes::from_static(b"loc:@conv"),
                    Bytes::from_static(&[0xff]),
                ],
                ..Default::default()
            })),
        ),
        (
            "list_f",
            value(Value::List(ListValue {
                f: vec![0.25, 1.0],
                ..Default::default()
            })),
        ),
        (
            "list_b",
            value(Value::List(ListValue {
                b: vec![true, false],
                ..Default::default()
            })),
        ),
        (
            "list_type",
            value(Value::List(ListValue {
                r#type: vec![1, 3, 9],
                ..Default::default()
            })),
        ),
        (
            "list_shape",
            value(Value::List(ListValue {
                shape: vec![shape_proto(&[1, 2]), unknown_rank],
                ..Default::default()
            })),
        ),
        (
            "list_func",
            value(Value::List(ListValue {
                func: vec![pb::NameAttrList {
                    name: "body".to_string(),
                    ..Default::default()
                }],
                ..Default::default()
            })),
        ),
        ("empty_list", value(Value::List(ListValue::default()))),
        (
            "func",
            value(Value::Func(pb::NameAttrList {
                name: "cond_fn".to_string(),
                ..Default::default()
            })),
        ),
        ("placeholder", value(Value::Placeholder("T".to_string()))),
        ("unset", pb::AttrValue { value: None }),
        ("unknown_dtype", value(Value::Type(77))),
    ];
    let mut custom = node("c", "Custom", &[], attrs);
    custom.device = "/device:CPU:0".to_string();
    let model = import_named("a.pb", graph_of(vec![custom])).unwrap();
    let rendered: Vec<String> = model.graph.nodes[0]
        .attrs
        .iter()
        .map(|a| format!("{}={}", a.name, a.value.display()))
        .collect();
    expect![[r#"
        [
            "b=true",
            "empty_list=[]",
            "f=0.5",
            "func=\"cond_fn\"",
            "i=-3",
            "list_b=[true, false]",
            "list_f=[0.25, 1]",
            "list_func=[\"body\"]",
            "list_s=[\"loc:@conv\", \"�\"]",
            "list_shape=[[1,2], unknown rank]",
            "list_type=[f32, i32, i64]",
            "placeholder=bound at instantiation from `T`",
            "ref_type=f32",
            "s=\"VALID\"",
            "shape=[batch,3]",
            "tensor=i64 [2] = [7, 8]",
            "type=f16",
            "unknown_dtype=other",
            "unknown_rank=unknown rank",
            "unset=unset",
            "device=\"/device:CPU:0\"",
        ]
    "#]]
    .assert_debug_eq(&rendered);
}

#[test]
fn constants_keep_dtype_shape_size_and_small_values() {
    let tensor = |dtype: pb::DataType, dims: &[i64]| pb::TensorProto {
        dtype: dtype as i32,
        tensor_shape: Some(shape_proto(dims)),
        ..Default::default()
    };
    let nodes = vec![
        // int32 values in tensor_content (little-endian), as TF writes shape parameters.
        constant(
            "content_i32",
            pb::TensorProto {
                tensor_content: Bytes::from(
                    [1i32, -1]
                        .iter()
                        .flat_map(|v| v.to_le_bytes())
                        .collect::<Vec<u8>>(),
                ),
                ..tensor(pb::DataType::DtInt32, &[2])
            },
        ),
        // A splat: one value fills the shape.
        constant(
            "splat_f32",
            pb::TensorProto {
                float_val: vec![0.5],
                ..tensor(pb::DataType::DtFloat, &[2, 3])
            },
        ),
        constant(
            "int64_list",
            pb::TensorProto {
                int64_val: vec![4, 5, 6],
                ..tensor(pb::DataType::DtInt64, &[3])
            },
        ),
        // No values at all: zeros.
        constant("zeros_i32", tensor(pb::DataType::DtInt32, &[2])),
        // More values than the shape holds: the values are not trusted.
        constant(
            "too_many",
            pb::TensorProto {
                int_val: vec![1, 2, 3],
                ..tensor(pb::DataType::DtInt32, &[2])
            },
        ),
        // Content whose length does not fit the shape: size as stored, no values.
        constant(
            "short_content",
            pb::TensorProto {
                tensor_content: Bytes::from_static(&[0, 0, 0]),
                ..tensor(pb::DataType::DtInt32, &[2])
            },
        ),
        // A big weight: size from the content, values not kept.
        constant(
            "big",
            pb::TensorProto {
                tensor_content: Bytes::from(vec![0u8; 100 * 100 * 4]),
                ..tensor(pb::DataType::DtFloat, &[100, 100])
            },
        ),
        // A big splat: the size is what the tensor holds at run time.
        constant(
            "big_splat",
            pb::TensorProto {
                float_val: vec![0.0],
                ..tensor(pb::DataType::DtHalf, &[64, 64])
            },
        ),
        constant(
            "text",
            pb::TensorProto {
                string_val: vec![Bytes::from_static(b"hello"), Bytes::from_static(b"!")],
                ..tensor(pb::DataType::DtString, &[2])
            },
        ),
        constant(
            "scalar_f64",
            pb::TensorProto {
                double_val: vec![2.5],
                ..tensor(pb::DataType::DtDouble, &[])
            },
        ),
    ];
    let model = import_named("c.pb", graph_of(nodes)).unwrap();
    let rendered: Vec<String> = model
        .graph
        .tensors
        .iter()
        .map(|t| {
            format!(
                "{} {:?} {}{} bytes={:?} value={:?}",
                t.name,
                t.kind,
                t.dtype,
                t.shape.as_ref().unwrap(),
                t.byte_size,
                t.value.as_ref().map(ConstValue::display)
            )
        })
        .collect();
    expect![[r#"
        [
            "content_i32 Weight i32[2] bytes=Some(8) value=Some(\"[1, -1]\")",
            "splat_f32 Weight f32[2,3] bytes=Some(24) value=Some(\"[0.5, 0.5, 0.5, 0.5, 0.5, 0.5]\")",
            "int64_list Weight i64[3] bytes=Some(24) value=Some(\"[4, 5, 6]\")",
            "zeros_i32 Weight i32[2] bytes=Some(8) value=Some(\"[0, 0]\")",
            "too_many Weight i32[2] bytes=Some(8) value=None",
            "short_content Weight i32[2] bytes=Some(3) value=None",
            "big Weight f32[100,100] bytes=Some(40000) value=None",
            "big_splat Weight f16[64,64] bytes=Some(8192) value=None",
            "text Weight string[2] bytes=Some(6) value=None",
            "scalar_f64 Weight f64[] bytes=Some(8) value=Some(\"[2.5]\")",
        ]
    "#]]
    .assert_debug_eq(&rendered);
    // Constants are nodes; their outputs are weights, never graph outputs.
    assert_eq!(model.graph.nodes.len(), 10);
    assert!(model.graph.outputs.is_empty());
}

#[test]
fn placeholder_shapes_keep_unknown_dims_and_ranks() {
    let unknown_rank = pb::TensorShapeProto {
        unknown_rank: true,
        ..Default::default()
    };
    let mut named = shape_proto(&[-1, 224, 224, 3]);
    named.dim[0].name = "batch".to_string();
    let nodes = vec![
        placeholder("dynamic", &[-1, 224, 224, 3]),
        placeholder("scalar", &[]),
        node(
            "any",
            "Placeholder",
            &[],
            vec![
                ("dtype", type_attr(pb::DataType::DtInt64)),
                ("shape", value(pb::attr_value::Value::Shape(unknown_rank))),
            ],
        ),
        node(
            "named",
            "Placeholder",
            &[],
            vec![
                ("dtype", type_attr(pb::DataType::DtUint8)),
                ("shape", value(pb::attr_value::Value::Shape(named))),
            ],
        ),
        node("untyped", "Placeholder", &[], vec![]),
    ];
    let model = import_named("p.pb", graph_of(nodes)).unwrap();
    let graph = &model.graph;
    assert_eq!(graph.inputs.len(), 5);
    let input = |idx: usize| &graph.tensors[graph.inputs[idx]];
    assert_eq!(
        input(0).shape,
        Some(Shape(vec![
            Dim::Unknown,
            Dim::Known(224),
            Dim::Known(224),
            Dim::Known(3)
        ]))
    );
    assert_eq!(input(1).shape, Some(Shape::default()));
    assert_eq!(
        (input(2).shape.as_ref(), input(2).dtype),
        (None, DType::I64)
    );
    assert_eq!(
        input(3).shape.as_ref().map(|s| s.to_string()).as_deref(),
        Some("[batch,224,224,3]")
    );
    assert_eq!(
        (input(4).shape.as_ref(), input(4).dtype),
        (None, DType::Unknown)
    );
    assert!(graph
        .inputs
        .iter()
        .all(|&id| graph.tensors[id].kind == TensorKind::Input));
    // Unread placeholders are inputs, not outputs.
    assert!(graph.outputs.is_empty());
}

#[test]
fn odd_names_and_references_are_warnings() {
    let nodes = vec![
        placeholder("x", &[1]),
        node(
            "a",
            "Relu",
            &["x", "missing:0", "^nowhere", "x:99999999999999999999"],
            vec![],
        ),
        node("a", "Neg", &["a"], vec![]),
        node("b", "Abs", &["a", ""], vec![]),
    ];
    check(
        graph_of(nodes),
        expect![[r#"
            tensorflow test
            inputs: x:f32[1]
            0 Placeholder "x" () -> x:f32[1]
            1 Relu "a" (x:f32[1], missing:unknown?, x:99999999999999999999:unknown?) -> a:unknown?
            2 Neg "a" (a:unknown?) -> a:unknown?
            3 Abs "b" (a:unknown?, ∅) -> b:unknown?
            outputs: a:unknown?, b:unknown?
            warning: test.pb: node `a`: input `missing:0` names no node output of the graph
            warning: test.pb: node `a`: control input `^nowhere` names no node of the graph
            warning: test.pb: node `a`: input `x:99999999999999999999` names no node output of the graph
            warning: test.pb: node `a`: another node has the same name; this one (#2) is kept apart, and inputs naming `a` read the first
            warning: test.pb: node `b`: an input is empty
        "#]],
    );
    let model = import_named("w.pb", graph_of(vec![node("a", "Relu", &["x:12"], vec![])])).unwrap();
    expect![[r#"
        [
            "w.pb: node `a`: input `x:12` names no node output of the graph",
        ]
    "#]]
    .assert_debug_eq(&model.warnings);
}

#[test]
fn sample_graphs_have_their_documented_structure() {
    let resnet = import_named("resnet.pb", tf_resnet50(TfWeights::Splat, false).binary()).unwrap();
    let report = summary(&resnet);
    assert_eq!(report.nodes, 447);
    expect![[r#"
        {
            "AddV2": 16,
            "BiasAdd": 1,
            "Const": 269,
            "Conv2D": 53,
            "FusedBatchNormV3": 53,
            "MatMul": 1,
            "MaxPool": 1,
            "Mean": 1,
            "Placeholder": 1,
            "Relu": 49,
            "Reshape": 1,
            "Softmax": 1,
        }
    "#]]
    .assert_debug_eq(&report.op_types);
    // 53 convolutions with 4 BN constants each, the dense layer's weights and bias, and the two
    // int32 parameters (Mean axes, Reshape target).
    assert_eq!(report.weights.count, 53 * 5 + 2 + 2);
    // torchvision's ResNet-50 has 25,557,032 parameters; TF adds each BatchNorm's moving mean
    // and variance (2 × 26,560 channels) as constants.
    assert_eq!(report.weights.bytes, (25_557_032 + 53_120) * 4 + 16);
    // Every input is produced by a node (Consts and the Placeholder are nodes): stem 2 + 5 + 1 +
    // 1; 52 conv + BN pairs of 7; per unit two Relus, AddV2 and Relu (5); head 2 + 2 + 2 + 2 + 1.
    assert_eq!(report.edges, 9 + 52 * 7 + 16 * 5 + 9);
    assert_eq!(report.inputs[0].name, "resnet_v1_50/input");
    assert_eq!(
        report.inputs[0]
            .shape
            .as_ref()
            .map(|s| s.to_string())
            .as_deref(),
        Some("[1,224,224,3]")
    );
    let outputs: Vec<&str> = report.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(outputs, vec!["resnet_v1_50/predictions/Softmax"]);
    let conv = resnet
        .graph
        .nodes
        .iter()
        .find(|n| n.name == "resnet_v1_50/block1/unit_1/bottleneck_v1/conv1/Conv2D")
        .unwrap();
    assert_eq!(
        conv.scope,
        vec!["resnet_v1_50", "block1", "unit_1", "bottleneck_v1", "conv1"]
    );

    let mobilenet = import_named(
        "mobilenet.pb",
        tf_mobilenet_v2(TfWeights::Splat, false).binary(),
    )
    .unwrap();
    let report = summary(&mobilenet);
    expect![[r#"
        (
            419,
            428,
            {
                "AddV2": 10,
                "BiasAdd": 1,
                "Const": 264,
                "Conv2D": 35,
                "DepthwiseConv2dNative": 17,
                "FusedBatchNormV3": 52,
                "MatMul": 1,
                "Mean": 1,
                "Placeholder": 1,
                "Relu6": 35,
                "Reshape": 1,
                "Softmax": 1,
            },
        )
    "#]]
    .assert_debug_eq(&(report.nodes, report.edges, &report.op_types));
    // torchvision's MobileNet v2 has 3,504,872 parameters; TF adds moving mean and variance
    // (2 × 17,056 channels).
    assert_eq!(report.weights.bytes, (3_504_872 + 34_112) * 4 + 16);
    let outputs: Vec<&str> = report.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(outputs, vec!["MobilenetV2/predictions/Softmax"]);
}

#[test]
fn sample_graphs_import_the_same_from_binary_and_text() {
    for (name, graph) in [
        ("resnet", tf_resnet50(TfWeights::Splat, true)),
        ("mobilenet", tf_mobilenet_v2(TfWeights::Splat, false)),
    ] {
        let binary = import_named(&format!("{name}.pb"), graph.binary()).unwrap();
        let text = import_named(&format!("{name}.pbtxt"), graph.text().into_bytes()).unwrap();
        assert_eq!(binary.graph, text.graph, "{name}");
        assert!(text.warnings.is_empty(), "{name}: {:?}", text.warnings);
        // The viewer can lay out what was imported.
        let view = graph_view(&binary);
        assert_eq!(view.node_count, binary.graph.nodes.len());
    }
    // With `_output_shapes`, every tensor of the ResNet has a stated shape.
    let resnet = import_named("r.pb", tf_resnet50(TfWeights::Splat, true).binary()).unwrap();
    assert!(resnet.graph.tensors.iter().all(|t| t.shape.is_some()));
}

#[test]
fn writer_output_is_deterministic() {
    let a = tf_mobilenet_v2(TfWeights::Splat, true);
    let b = tf_mobilenet_v2(TfWeights::Splat, true);
    assert_eq!(a.binary(), b.binary());
    assert_eq!(a.text(), b.text());
    // The hand-sorted binary decodes to the graph the writer built.
    let decoded = pb::GraphDef::decode(&a.binary()[..]).unwrap();
    assert_eq!(decoded.node.len(), a.node_count());
}

// ---- detection ----

#[test]
fn graph_defs_and_onnx_models_are_told_apart() {
    let tf_binary = small_net(TfWeights::Content, false).binary();
    let tf_text = small_net(TfWeights::Splat, false).text();
    let onnx_samples = crate::samples::bundled()
        .into_iter()
        .filter(|(n, _)| n.ends_with(".onnx"));
    for (name, bytes) in onnx_samples {
        let file = InputFile::new(name, bytes.clone());
        assert_eq!(detect(&file).map(|s| s.id), Some("onnx"), "{name}");
        assert_eq!(sniff(&bytes), 0, "{name} taken for a GraphDef");
    }
    assert_eq!((super::super::onnx::FORMAT.sniff)(&tf_binary), 0);
    for name in ["g.pb", "g.onnx", "g"] {
        let file = InputFile::new(name, tf_binary.clone());
        assert_eq!(detect(&file).map(|s| s.id), Some("tensorflow"), "{name}");
        let file = InputFile::new(name, tf_text.clone().into_bytes());
        assert_eq!(detect(&file).map(|s| s.id), Some("tensorflow"), "{name}");
    }
    // Text formats that start differently are not GraphDefs.
    for text in [
        "name: \"ResNet-50\"\nlayer {\n  name: \"data\"\n  type: \"Input\"\n}\n",
        "layers { name: \"conv1\" type: CONVOLUTION }",
        "graph {\n  name: \"g\"\n  op { name: \"a\" type: \"Conv2D\" }\n}\n",
        "ir_version: 8\ngraph { node { op_type: \"Relu\" } }",
        "node { input: \"x\" output: \"y\" op_type: \"Relu\" }",
        "hello world",
    ] {
        assert_eq!(sniff(text.as_bytes()), 0, "{text}");
    }
    // Comments and blank lines before the first node are fine.
    let commented = format!("# exported by hand\n\n  # second comment\n{tf_text}");
    assert_eq!(sniff(commented.as_bytes()), 90);
    assert_eq!(sniff(b"library {\n  function {}\n}\n"), 60);
}

// ---- text specifics ----

#[test]
fn text_syntax_variants_parse() {
    check_text(
        r#"# A graph written by hand, in every syntax the text format allows.
node <
  name: 'x' op: "Placeholder"
  attr: { key: "dtype" value: { type: DT_FLOAT } }
  attr { key: "shape" value { shape { dim { size: -1 } dim: { size: 4 } } } }
>
node { name: "w" op: "Const"
  attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 4 } dim { size: 2 } }
    tensor_content: "\000\000\000\000\000\000\000\000" "\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000" } } }
  attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "mm" op: "MatMul" input: ["x", "w"]; attr { key: "T" value { type: DT_FLOAT } }
  attr { key: "transpose_a" value { b: false } } attr { key: "ks" value { list { i: [1, 2] } } } }
versions { producer: 27 }
"#,
        expect![[r#"
            tensorflow test
            inputs: x:f32[?,4]
            0 Placeholder "x" () -> x:f32[?,4]
            1 Const "w" () -> w=f32[4,2]
            2 MatMul "mm" (x:f32[?,4], w=f32[4,2]) -> mm:f32?
            outputs: mm:f32?
        "#]],
    );
}

#[test]
fn unknown_text_fields_are_skipped_with_line_and_column() {
    check_text(
        r#"node {
  name: "x"
  op: "Placeholder"
  experimental_type { type_id: TFT_PRODUCT args { type_id: TFT_TENSOR } }
  attr { key: "dtype" value { type: DT_FLOAT } }
}
node {
  name: "y"
  op: "Relu"
  input: "x"
  colocation: "x"
}
debug_info { files: "model.py" }
"#,
        expect![[r#"
            tensorflow test
            inputs: x:f32?
            0 Placeholder "x" () -> x:f32?
            1 Relu "y" (x:f32?) -> y:unknown?
            outputs: y:unknown?
            warning: test.pbtxt: line 4, column 3: field `experimental_type` is not part of tensorflow.NodeDef and was skipped
            warning: test.pbtxt: line 11, column 3: field `colocation` is not part of tensorflow.NodeDef and was skipped
            warning: test.pbtxt: line 13, column 1: field `debug_info` is not part of tensorflow.GraphDef and was skipped
        "#]],
    );
}

#[test]
fn many_unknown_fields_are_summed_up() {
    let mut text = String::new();
    for idx in 0..30 {
        text.push_str(&format!(
            "node {{ name: \"n{idx}\" op: \"NoOp\" future_field: 1 }}\n"
        ));
    }
    let model = import_named("many.pbtxt", text.into_bytes()).unwrap();
    assert_eq!(model.graph.nodes.len(), 30);
    assert_eq!(model.warnings.len(), MAX_WARNINGS + 1);
    expect!["many.pbtxt: 10 more fields that are not part of the schema were skipped"]
        .assert_eq(model.warnings.last().unwrap());
    // The converter's warnings are capped the same way.
    let nodes = (0..30)
        .map(|idx| node(&format!("n{idx}"), "Relu", &["nowhere"], vec![]))
        .collect();
    let model = import_named("dangling.pb", graph_of(nodes)).unwrap();
    assert_eq!(model.warnings.len(), MAX_WARNINGS + 1);
    expect!["dangling.pb: 10 more problems like these were found"]
        .assert_eq(model.warnings.last().unwrap());
}

// ---- bad input: every case is an error that names the file and the place, never a panic ----

fn error_of(name: &str, bytes: &[u8]) -> String {
    match import_model(&InputFile::new(name, bytes.to_vec())) {
        Ok(model) => panic!(
            "expected an error, got a model with {} nodes",
            model.graph.nodes.len()
        ),
        Err(err) => err.to_string(),
    }
}

#[test]
fn length_prefix_past_the_end() {
    // node { name: "abc" } then a node claiming 100 bytes but holding 3.
    let bytes = [
        0x0a, 0x05, 0x0a, 0x03, b'a', b'b', b'c', 0x0a, 100, 0x0a, 0x01, b'x',
    ];
    expect!["bad.pb: invalid TensorFlow file at byte 9, in GraphDef.node: more bytes: the data ends inside a field, or a length prefix points past its end (truncated download?)"]
    .assert_eq(&error_of("bad.pb", &bytes));
}

#[test]
fn wrong_wire_type_names_the_field() {
    // node { name: "a", op sent as a varint }.
    let bytes = [0x0a, 0x05, 0x0a, 0x01, b'a', 0x10, 0x05];
    expect!["bad.pb: invalid TensorFlow file at byte 6, in GraphDef.node > NodeDef.op: a field encoded as the schema says (invalid wire type: Varint (expected LengthDelimited))"]
    .assert_eq(&error_of("bad.pb", &bytes));
}

#[test]
fn deeply_nested_attribute_values_are_refused() {
    use pb::attr_value::Value;
    let mut inner = value(Value::I(1));
    for _ in 0..200 {
        inner = value(Value::Func(pb::NameAttrList {
            name: "f".to_string(),
            attr: [("a".to_string(), inner)].into_iter().collect(),
        }));
    }
    let bytes = graph_of(vec![node("deep", "Op", &[], vec![("f", inner)])]);
    expect!["deep.pb: invalid TensorFlow file at byte 509, in GraphDef.node > NodeDef.attr > AttrValue.value > NameAttrList.attr > … 60 more … > AttrValue.value > NameAttrList.attr > AttrValue.value > NameAttrList.attr: at most 100 levels of nested messages (graphs or values nested too deeply)"]
    .assert_eq(&error_of("deep.pb", &bytes));
    // The same in text form is refused before the parser recurses.
    let mut deep_text =
        String::from("node { name: \"deep\" op: \"Op\" attr { key: \"f\" value {\n");
    for _ in 0..60 {
        deep_text.push_str("func { name: \"f\" attr { key: \"a\" value {\n");
    }
    let text = error_of("deep.pbtxt", deep_text.as_bytes());
    expect!["deep.pbtxt: invalid TensorFlow file at line 34, column 6: at most 100 levels of nested messages"]
    .assert_eq(&text);
}

#[test]
fn truncated_at_many_offsets() {
    let bytes = small_net(TfWeights::Splat, true).binary();
    let mut n_errors = 0;
    let mut loaded = Vec::new();
    // Every offset: a truncated download must never panic.
    for len in 1..bytes.len() {
        match import_model(&InputFile::new("cut.pb", bytes[..len].to_vec())) {
            Ok(model) => loaded.push(model.graph.nodes.len()),
            Err(err) => {
                n_errors += 1;
                let text = err.to_string();
                assert!(text.starts_with("cut.pb: "), "{text}");
                if matches!(err, ImportError::Malformed { .. }) {
                    assert!(text.contains(" at byte "), "{text}");
                }
            }
        }
    }
    // Only cuts between two nodes read as a (shorter) graph: one per node.
    assert_eq!(loaded, (1..=12).collect::<Vec<_>>());
    assert_eq!(n_errors, bytes.len() - 1 - 12);
    // A cut inside the first node still reads as a truncated GraphDef, not an unknown file.
    let text = error_of("cut.pb", &bytes[..20]);
    assert!(
        text.starts_with("cut.pb: invalid TensorFlow file at byte "),
        "{text}"
    );
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for len in [1usize, 2, 3, 7, 16, 100, 1000, 10_000] {
        for _ in 0..50 {
            let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = import_model(&InputFile::new("random.pb", bytes.clone()));
            // The same behind a valid node header, so the GraphDef reader sees it.
            bytes.splice(0..0, [0x0a, 0x03, 0x0a, 0x01, b'n']);
            let _ = import_model(&InputFile::new("random.pb", bytes));
        }
    }
}

#[test]
fn mutated_binary_graphs_never_panic() {
    let original = small_net(TfWeights::Splat, true).binary();
    let mut rng = XorShift(42);
    let mut n_ok = 0;
    for _ in 0..3000 {
        let bytes = mutate(&original, &mut rng);
        if let Ok(model) = import_model(&InputFile::new("m.pb", bytes)) {
            n_ok += 1;
            // Whatever loads must be a consistent graph the viewer can lay out.
            let _ = graph_view(&model);
        }
    }
    assert!(
        n_ok > 100,
        "only {n_ok} mutations loaded: too harsh to test the converter"
    );
}

#[test]
fn text_errors_name_line_and_column() {
    let cases = [
        // Unterminated string.
        "node {\n  name: \"conv\n  op: \"Conv2D\"\n}\n",
        // A node that never closes.
        "node {\n  name: \"a\"\n  op: \"Relu\"\n",
        // One `}` too many.
        "node {\n  name: \"a\"\n  op: \"Relu\"\n}\n}\n",
        // Wrong nesting: a message where a value belongs, a block without a field name.
        "node { name: \"a\" op: \"Relu\"\n  attr { key: \"T\" value: DT_FLOAT }\n}\n",
        "node { name: \"a\"\n  { op: \"Relu\" }\n}\n",
        // Values of the wrong type.
        "node {\n  name: 5\n}\n",
        "node { name: \"p\" op: \"Placeholder\"\n  attr { key: \"dtype\" value { type: DT_BOGUS } }\n}\n",
        "node { name: \"p\" op: \"Placeholder\"\n  attr { key: \"shape\" value { shape { dim { size: \"x\" } } } }\n}\n",
        "node { name: \"p\" op: \"P\" attr { key: \"a\" value { i: 1 f: 2.0 } } }\n",
        "node { name: \"a\" name: \"b\" op: \"Relu\" }\n",
        "node {\n  name: \"a\"\n  op: \"Relu\"\n  input: \"x\" \"y\n}\n",
    ];
    let rendered: Vec<String> = cases
        .iter()
        .map(|text| error_of("bad.pbtxt", text.as_bytes()))
        .collect();
    expect![[r#"
        [
            "bad.pbtxt: invalid TensorFlow file at line 2, column 14: invalid string character",
            "bad.pbtxt: invalid TensorFlow file at line 4, column 1: expected '}' or a field name, but reached end of input",
            "bad.pbtxt: invalid TensorFlow file at line 5, column 1: expected a field name, but found '}'",
            "bad.pbtxt: invalid TensorFlow file at line 2, column 26: expected '{' or '<', but found 'DT_FLOAT'",
            "bad.pbtxt: invalid TensorFlow file at line 2, column 3: expected '}' or a field name, but found '{'",
            "bad.pbtxt: invalid TensorFlow file at line 2, column 9: expected a string, but found '5'",
            "bad.pbtxt: invalid TensorFlow file at line 2, column 37: value 'DT_BOGUS' was not found for enum 'tensorflow.DataType'",
            "bad.pbtxt: invalid TensorFlow file at line 2, column 51: expected an integer, but found '\"x\"'",
            "bad.pbtxt: invalid TensorFlow file at line 1, column 58: a value is already set for oneof 'value'",
            "bad.pbtxt: invalid TensorFlow file at line 1, column 24: 'name' is already set",
            "bad.pbtxt: invalid TensorFlow file at line 4, column 16: invalid string character",
        ]
    "#]]
    .assert_debug_eq(&rendered);
}

#[test]
fn mutated_text_graphs_never_panic() {
    let original = small_net(TfWeights::Splat, true).text().into_bytes();
    let mut rng = XorShift(7);
    let mut n_ok = 0;
    for _ in 0..2000 {
        let bytes = mutate(&original, &mut rng);
        match import_model(&InputFile::new("m.pbtxt", bytes)) {
            Ok(model) => {
                n_ok += 1;
                let _ = graph_view(&model);
            }
            Err(ImportError::Malformed { location, .. }) => {
                assert!(location.line_col.is_some() || location.byte.is_some());
            }
            Err(_) => {}
        }
    }
    assert!(n_ok > 50, "only {n_ok} mutations loaded");
}

/// One to four random byte changes: overwrite, bit flip, or insertion.
fn mutate(original: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for _ in 0..1 + rng.next() % 4 {
        let pos = (rng.next() as usize) % bytes.len();
        match rng.next() % 3 {
            0 => bytes[pos] = rng.next() as u8,
            1 => bytes[pos] ^= 1 << (rng.next() % 8),
            _ => bytes.insert(pos, rng.next() as u8),
        }
    }
    bytes
}

// ---- the lazy binary reader gives what the eager one gives ----

/// The lazy reading of `bytes` (asserting it did not fall back when `lazy_expected`) and the
/// eager one give the same model, or the same error.
fn assert_lazy_is_eager(name: &str, bytes: Vec<u8>, lazy_expected: bool) -> bool {
    let binary = !name.ends_with(".pbtxt");
    let file = InputFile::new(name, bytes);
    let lazy = if binary {
        lazy::import(&file).is_some()
    } else {
        lazy::import_text(&file).is_some()
    };
    assert!(lazy || !lazy_expected, "{name}: the lazy reader gave up");
    let read = import_encoded(&file, binary);
    let eager = import_eagerly(&file, binary);
    match (&read, &eager) {
        (Ok(read), Ok(eager)) => assert_eq!(read, eager, "{name}"),
        (Err(read), Err(eager)) => assert_eq!(read.to_string(), eager.to_string(), "{name}"),
        _ => panic!("{name}: lazy {read:?}, eager {eager:?}"),
    }
    lazy
}

#[test]
fn lazy_binary_reading_gives_the_eager_model() {
    let mut w = TfWriter::new(TfWeights::Content);
    let a = w.placeholder("a", &[2]);
    let b = w.placeholder("b", &[2]);
    w.node("MyAdd", "call", &[&a, &b], vec![], &[]);
    w.function("MyAdd", "AddV2", &["x", "y"]);
    let with_library = w.finish();
    // Forward references, control inputs, duplicate names, dangling and empty inputs.
    let odd = graph_of(vec![
        node("relu", "Relu", &["split:1", "^init", "missing:3"], vec![]),
        node("init", "NoOp", &[], vec![]),
        node("split", "Split", &["x:0", "", "^nowhere"], vec![]),
        node(
            "split",
            "Neg",
            &["split:2", "x:99999999999999999999"],
            vec![],
        ),
        placeholder("x", &[1]),
    ]);
    let graphs = [
        ("resnet.pb", tf_resnet50(TfWeights::Content, true).binary()),
        (
            "mobilenet.pb",
            tf_mobilenet_v2(TfWeights::Splat, false).binary(),
        ),
        ("small.pb", small_net(TfWeights::Content, true).binary()),
        ("library.pb", with_library.binary()),
        ("odd.pb", odd),
    ];
    for (name, bytes) in &graphs {
        assert_lazy_is_eager(name, bytes.clone(), true);
    }
    // The text forms, big enough to be parsed in several groups of nodes, and with an unknown
    // field (a warning).
    let mut texts = vec![
        ("resnet.pbtxt", tf_resnet50(TfWeights::Splat, true).text()),
        (
            "mobilenet.pbtxt",
            tf_mobilenet_v2(TfWeights::Splat, false).text(),
        ),
        ("library.pbtxt", with_library.text()),
    ];
    let mut odd = small_net(TfWeights::Splat, true).text();
    odd.push_str("node { name: \"late\" op: \"Neg\" input: \"input:0\" weird: 1 }\n");
    texts.push(("odd.pbtxt", odd));
    assert!(
        texts[0].1.len() > 4 * 64 * 1024,
        "{} bytes",
        texts[0].1.len()
    );
    for (name, text) in &texts {
        assert_lazy_is_eager(name, text.clone().into_bytes(), true);
    }
    let original = small_net(TfWeights::Splat, true).text().into_bytes();
    let mut rng = XorShift(3);
    for _ in 0..300 {
        assert_lazy_is_eager("m.pbtxt", mutate(&original, &mut rng), false);
    }
    // Broken and odd files: the same model or the same error (the first in file order), whether
    // the lazy reader converts them or gives up.
    let original = small_net(TfWeights::Splat, true).binary();
    let mut rng = XorShift(7);
    let mut n_lazy = 0;
    for _ in 0..2000 {
        n_lazy += usize::from(assert_lazy_is_eager(
            "m.pb",
            mutate(&original, &mut rng),
            false,
        ));
    }
    assert!(n_lazy > 100, "only {n_lazy} mutations were read lazily");
    // A node whose name is not UTF-8 comes after a node whose op is broken: the eager reader's
    // error (the op's, first in the file) is the answer.
    let bytes = [
        0x0a, 0x05, 0x0a, 0x01, b'a', 0x10, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff,
    ];
    assert!(!assert_lazy_is_eager("bad.pb", bytes.to_vec(), false));
    expect!["bad.pb: invalid TensorFlow file at byte 6, in GraphDef.node > NodeDef.op: a field encoded as the schema says (invalid wire type: Varint (expected LengthDelimited))"]
    .assert_eq(&error_of("bad.pb", &bytes));
}
