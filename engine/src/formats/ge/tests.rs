//! GE importer tests: models written by code in the three forms (dump text, JSON, `.om`),
//! rendered with `dump_model` and compared with inline goldens; graphs built directly from prost
//! messages for the odd cases; then the bad-input suite of each form.

use crate::samples::XorShift;
use std::collections::HashMap;
use std::fmt::Write as _;

use bytes::Bytes;
use expect_test::{expect, Expect};

use super::*;
use crate::error::ImportError;
use crate::formats::{detect, import_model, InputFile};
use crate::ir::{dump_model, AttrValue, ConstValue, DType, Model, ModelFormat, TensorKind};
use crate::report::{inspect, InspectOptions};
use crate::samples::{self, GeModel, JsonStyle, OmHeader, OmOptions};

fn import(name: &str, bytes: impl Into<Bytes>) -> Result<Model, ImportError> {
    import_model(&InputFile::new(name, bytes.into()))
}

fn import_ok(name: &str, bytes: impl Into<Bytes>) -> Model {
    match import(name, bytes) {
        Ok(model) => model,
        Err(err) => panic!("{err}"),
    }
}

fn check(model: &Model, expected: Expect) {
    expected.assert_eq(&dump_model(model));
}

/// What `dump_model` leaves out and GE files are about: the layout of every tensor and, per node,
/// its engine, stream, and the ops it was fused from.
fn ge_facts(model: &Model) -> String {
    let graph = &model.graph;
    let mut out = String::new();
    for node in &graph.nodes {
        let engine = node
            .attr("_ge_attr_op_kernel_lib_name")
            .and_then(AttrValue::as_str)
            .unwrap_or("-");
        let stream = node
            .attr("stream_id")
            .and_then(AttrValue::as_int)
            .unwrap_or(0);
        let _ = write!(out, "{} [{engine}, stream {stream}]", node.name);
        if let Some(AttrValue::Strings(names)) = node.attr("_datadump_original_op_names") {
            let _ = write!(out, " fused from {names:?}");
        }
        for &tensor in &node.outputs {
            let tensor = &graph.tensors[tensor];
            let _ = write!(out, " -> {}", tensor.layout.as_deref().unwrap_or("?"));
        }
        out.push('\n');
    }
    out
}

fn all_forms(model: &GeModel) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("ge_proto_00001_Build.txt", model.to_text().into_bytes()),
        ("model.json", model.to_json(JsonStyle::ATC).into_bytes()),
        ("proto3.json", model.to_json(JsonStyle::PROTO3).into_bytes()),
        ("plain.om", model.to_om(&OmOptions::plain())),
        (
            "wide.om",
            model.to_om(&OmOptions {
                wide_table: true,
                compress_attrs: false,
                task_info: false,
                align: 64,
                ..OmOptions::atc()
            }),
        ),
        (
            "compressed.om",
            model.to_om(&OmOptions {
                task_info: false,
                ..OmOptions::atc()
            }),
        ),
    ]
}

// ---- Goldens of the small fused network ----

#[test]
fn small_net_dump() {
    let model = import_ok(
        "ge_proto_00012_Build.txt",
        samples::ge_small().to_text().into_bytes(),
    );
    assert_eq!(model.format, ModelFormat::Ge);
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
    check(
        &model,
        expect![[r#"
            ge small
            inputs: input:0:f32[1,3,8,8]
            0 Data "input" () -> input:0:f32[1,3,8,8]
            1 Cast "trans_Cast_0" (input:0:f32[1,3,8,8]) -> trans_Cast_0:0:f16[1,3,8,8]
            2 TransData "trans_TransData_1" (trans_Cast_0:0:f16[1,3,8,8]) -> trans_TransData_1:0:f16[1,1,8,8,16]
            3 Const "block/Conv_1/weight" () -> block/Conv_1/weight:0=f16[9,1,16,16]
            4 Const "block/Conv_1/bias" () -> block/Conv_1/bias:0=f16[16]
            5 Conv2D "block/Conv_1" (trans_TransData_1:0:f16[1,1,8,8,16], block/Conv_1/weight:0=f16[9,1,16,16], block/Conv_1/bias:0=f16[16]) -> block/Conv_1:0:f16[1,1,8,8,16]
            6 Const "block/Conv_2/weight" () -> block/Conv_2/weight:0=f16[9,1,16,16]
            7 Const "block/Conv_2/bias" () -> block/Conv_2/bias:0=f16[16]
            8 Conv2D "block/Conv_2" (block/Conv_1:0:f16[1,1,8,8,16], block/Conv_2/weight:0=f16[9,1,16,16], block/Conv_2/bias:0=f16[16]) -> block/Conv_2:0:f16[1,1,8,8,16]
            9 Add "block/Add" (block/Conv_2:0:f16[1,1,8,8,16], block/Conv_1:0:f16[1,1,8,8,16]) -> block/Add:0:f16[1,1,8,8,16]
            10 TransData "trans_TransData_2" (block/Add:0:f16[1,1,8,8,16]) -> trans_TransData_2:0:f16[1,16,8,8]
            11 Cast "trans_Cast_3" (trans_TransData_2:0:f16[1,16,8,8]) -> trans_Cast_3:0:f32[1,16,8,8]
            12 NetOutput "NetOutput" (trans_Cast_3:0:f32[1,16,8,8]) -> 
            outputs: trans_Cast_3:0:f32[1,16,8,8]
        "#]],
    );
    expect![[r#"
        input [DNN_VM_GE_LOCAL_OP_STORE, stream -1] -> NCHW
        trans_Cast_0 [AIcoreEngine, stream 0] -> NCHW
        trans_TransData_1 [AIcoreEngine, stream 0] -> NC1HWC0
        block/Conv_1/weight [DNN_VM_GE_LOCAL_OP_STORE, stream -1] -> FRACTAL_Z
        block/Conv_1/bias [DNN_VM_GE_LOCAL_OP_STORE, stream -1] -> ND
        block/Conv_1 [AIcoreEngine, stream 0] fused from ["block/Conv_1", "block/BatchNormalization_1", "block/Relu_5"] -> NC1HWC0
        block/Conv_2/weight [DNN_VM_GE_LOCAL_OP_STORE, stream -1] -> FRACTAL_Z
        block/Conv_2/bias [DNN_VM_GE_LOCAL_OP_STORE, stream -1] -> ND
        block/Conv_2 [AIcoreEngine, stream 0] fused from ["block/Conv_2", "block/BatchNormalization_2"] -> NC1HWC0
        block/Add [AIcoreEngine, stream 0] fused from ["block/Add", "block/Relu"] -> NC1HWC0
        trans_TransData_2 [AIcoreEngine, stream 0] -> NCHW
        trans_Cast_3 [AIcoreEngine, stream 0] -> NCHW
        NetOutput [DNN_VM_GE_LOCAL_OP_STORE, stream -1]
    "#]]
    .assert_eq(&ge_facts(&model));
    let graph = &model.graph;
    // Data→Cast→TransData→Conv1, weights (Const outputs) into both convs, Conv1→Conv2, Conv1 and
    // Conv2→Add, Add→TransData→Cast→NetOutput.
    assert_eq!(graph.edge_count(), 13);
    assert_eq!(graph.nodes[5].scope, vec!["block".to_string()]);
    let weight = &graph.tensors[graph.tensor_by_name("block/Conv_1/weight:0").unwrap()];
    assert_eq!(weight.kind, TensorKind::Weight);
    assert_eq!(weight.byte_size, Some(9 * 16 * 16 * 2));
    let input = &graph.tensors[graph.inputs[0]];
    assert_eq!((input.kind, input.producer), (TensorKind::Input, Some(0)));
    let conv = &graph.nodes[5];
    assert_eq!(
        conv.attr("strides"),
        Some(&AttrValue::Ints(vec![1, 1, 1, 1]))
    );
    assert_eq!(conv.attr("groups"), Some(&AttrValue::Int(1)));
    assert_eq!(
        conv.attr("data_format"),
        Some(&AttrValue::String("NCHW".into()))
    );
    assert_eq!(conv.attr("id"), Some(&AttrValue::Int(5)));
}

#[test]
fn the_three_forms_import_to_the_same_ir() {
    for model in [
        samples::ge_small(),
        samples::ge_resnet50(),
        samples::ge_mobilenet_v2(),
    ] {
        let forms = all_forms(&model);
        let reference = import_ok(forms[0].0, forms[0].1.clone());
        for (name, bytes) in &forms[1..] {
            let imported = import_ok(name, bytes.clone());
            assert_eq!(imported.name, reference.name, "{name}");
            assert!(
                imported.graph == reference.graph,
                "{name}: the graph differs from the dump's"
            );
            assert_eq!(imported.functions, reference.functions, "{name}");
            assert!(
                imported.warnings.is_empty(),
                "{name}: {:?}",
                imported.warnings
            );
        }
    }
}

#[test]
fn compressed_attributes_read_like_uncompressed_ones() {
    let model = samples::ge_resnet50();
    let plain = model.to_om(&OmOptions {
        compress_attrs: false,
        ..OmOptions::atc()
    });
    let compressed = model.to_om(&OmOptions::atc());
    // The compressed file really holds no attribute names in its ops.
    let find = |haystack: &[u8], needle: &[u8]| {
        haystack
            .windows(needle.len())
            .filter(|w| *w == needle)
            .count()
    };
    assert!(find(&plain, b"_datadump_original_op_names") > 50);
    assert_eq!(find(&compressed, b"_datadump_original_op_names"), 1);
    assert!(compressed.len() < plain.len());
    let plain = import_ok("plain.om", plain);
    let compressed = import_ok("compressed.om", compressed);
    assert!(plain.graph == compressed.graph);
    let summary = compressed
        .metadata
        .iter()
        .find(|(k, _)| k == "attribute_compression")
        .map(|(_, v)| v.as_str());
    expect!["24 names, 259 values, 1006 keys restored"].assert_eq(summary.unwrap_or_default());
    // The dictionary itself is not metadata.
    assert!(!compressed
        .metadata
        .iter()
        .any(|(k, _)| k == "attr_name_enum"));
}

#[test]
fn om_metadata_and_task_kernels() {
    let model = import_ok(
        "resnet50.om",
        samples::ge_resnet50().to_om(&OmOptions::atc()),
    );
    let metadata: String = model
        .metadata
        .iter()
        .map(|(k, v)| format!("{k} = {}\n", if v.len() > 100 { &v[..100] } else { v }))
        .collect();
    expect![[r#"
        ir_version = 1
        om_header_version = 2.0
        om_name = resnet50
        om_platform_version = 7.0.0
        om_ir_version = 1
        om_model_type = standard
        om_partition_table = 32-bit
        om_partitions = MODEL_DEF 45155 B, WEIGHTS_DATA 65536 B, TBE_KERNELS 2428 B, TASK_INFO 3345 B
        om_tasks = 77 tasks on 2 streams
        attribute_compression = 24 names, 259 values, 1006 keys restored
        atc_cmdline = atc --model=resnet50.onnx --framework=5 --output=resnet50 --soc_version=Ascend310
        om_info_list = [65536, 2428, 0, 3345, 0]
        soc_version = Ascend310
    "#]]
    .assert_eq(&metadata);
    let graph = &model.graph;
    let by_name = |name: &str| graph.nodes.iter().find(|n| n.name == name).unwrap();
    let conv = by_name("conv1/Conv_1");
    assert_eq!(
        conv.attr("task_kernel_type"),
        Some(&AttrValue::String("TE".into()))
    );
    assert_eq!(conv.attr("task_block_dim"), Some(&AttrValue::Int(2)));
    let arg_max = by_name("argmax/ArgMaxV2");
    assert_eq!(
        arg_max.attr("task_kernel_type"),
        Some(&AttrValue::String("AI_CPU".into()))
    );
    assert_eq!(
        arg_max.attr("_ge_attr_op_kernel_lib_name"),
        Some(&AttrValue::String("aicpu_ascend_kernel".into()))
    );
    assert_eq!(arg_max.attr("dtype"), Some(&AttrValue::DType(DType::I32)));
    assert_eq!(arg_max.attr("stream_id"), Some(&AttrValue::Int(1)));
    // Consts run no kernel.
    assert_eq!(
        by_name("conv1/Conv_1/weight").attr("task_kernel_type"),
        None
    );
}

#[test]
fn resnet50_and_mobilenet_counts() {
    let report = |model: &GeModel| {
        let imported = import_ok("m.txt", model.to_text().into_bytes());
        inspect(
            &imported,
            InspectOptions {
                with_tensors: false,
            },
        )
    };
    let resnet = report(&samples::ge_resnet50());
    assert_eq!(resnet.format, "ge");
    assert_eq!(resnet.nodes, 188);
    assert_eq!(resnet.op_types.get("Conv2D"), Some(&53));
    assert_eq!(resnet.op_types.get("Const"), Some(&109));
    assert_eq!(resnet.op_types.get("Add"), Some(&16));
    assert_eq!(resnet.op_types.get("TransData"), Some(&2));
    assert_eq!(resnet.weights.count, 109);
    // Every op input that a node produces: 3 per conv and FC, 2 per Add and ArgMax, 1 for the
    // rest, minus the Data input.
    assert_eq!(
        resnet.edges,
        53 * 3 + 3 + 16 * 2 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + 2
    );
    let expected_outputs = ["trans_Cast_3:0", "argmax/ArgMaxV2:0"];
    let outputs: Vec<&str> = resnet.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(outputs, expected_outputs);
    let mobilenet = report(&samples::ge_mobilenet_v2());
    assert_eq!(mobilenet.op_types.get("DepthwiseConv2D"), Some(&17));
    assert_eq!(mobilenet.op_types.get("Conv2D"), Some(&35));
    assert_eq!(mobilenet.op_types.get("Add"), Some(&10));
    assert_eq!(mobilenet.nodes, samples::ge_mobilenet_v2().op_count());
}

#[test]
fn shapes_on_every_activation() {
    let model = import_ok("m.om", samples::ge_mobilenet_v2().to_om(&OmOptions::atc()));
    let graph = &model.graph;
    let unknown: Vec<&str> = graph
        .tensors
        .iter()
        .filter(|t| t.shape.is_none() || t.dtype == DType::Unknown || t.layout.is_none())
        .map(|t| t.name.as_str())
        .collect();
    assert!(unknown.is_empty(), "{unknown:?}");
    let depthwise = graph
        .nodes
        .iter()
        .find(|n| n.op_type == "DepthwiseConv2D")
        .unwrap();
    let filter = &graph.tensors[depthwise.inputs[1].unwrap()];
    assert_eq!(filter.layout.as_deref(), Some("C1HWNCoC0"));
    assert_eq!(
        filter.shape.as_ref().unwrap().to_string(),
        "[2,3,3,1,16,16]"
    );
    let last_conv = graph
        .nodes
        .iter()
        .rev()
        .find(|n| n.op_type == "Conv2D")
        .unwrap();
    let out = &graph.tensors[last_conv.outputs[0]];
    assert_eq!(out.shape.as_ref().unwrap().to_string(), "[1,80,7,7,16]");
    let report = inspect(&model, InspectOptions { with_tensors: true });
    assert_eq!(report.tensors.map(|t| t.len()), Some(graph.tensors.len()));
}

// ---- Odd graphs, built from prost messages ----

fn op(name: &str, op_type: &str, inputs: &[&str]) -> pb::OpDef {
    pb::OpDef {
        name: name.to_string(),
        r#type: op_type.to_string(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn desc(dtype: pb::DataType, dims: &[i64], layout: &str) -> pb::TensorDescriptor {
    pb::TensorDescriptor {
        dtype: dtype as i32,
        shape: Some(pb::ShapeDef { dim: dims.to_vec() }),
        layout: layout.to_string(),
        ..Default::default()
    }
}

fn graph(name: &str, ops: Vec<pb::OpDef>) -> pb::GraphDef {
    pb::GraphDef {
        name: name.to_string(),
        op: ops,
        ..Default::default()
    }
}

fn model_of(graphs: Vec<pb::GraphDef>) -> GeModel {
    GeModel::from_def(pb::ModelDef {
        graph: graphs,
        ..Default::default()
    })
}

/// Imports the model from its text and JSON forms and checks they agree.
fn import_def(model: &GeModel) -> Model {
    let text = import_ok("ge_proto_00001_test.txt", model.to_text().into_bytes());
    let json = import_ok("test.json", model.to_json(JsonStyle::ATC).into_bytes());
    assert!(text.graph == json.graph, "text and JSON forms differ");
    assert_eq!(text.warnings.len(), json.warnings.len());
    text
}

#[test]
fn control_edges_empty_slots_and_dangling_names() {
    let mut relu = op(
        "relu",
        "Relu",
        &["x:0", "", "ghost:0", "conv:-1", "nobody:-1"],
    );
    relu.input_desc = vec![desc(pb::DataType::DtFloat16, &[1, 2], "ND")];
    let model = model_of(vec![graph(
        "g",
        vec![
            op("x", "Data", &[]),
            op("conv", "Conv2D", &["x:0"]),
            relu,
            op("conv", "Conv2D", &["x:0"]),
            op("out", "NetOutput", &["relu:0", "conv:3"]),
        ],
    )]);
    let model = import_def(&model);
    check(
        &model,
        expect![[r#"
            ge g
            inputs: x:0:f16[1,2]
            0 Data "x" () -> x:0:f16[1,2]
            1 Conv2D "conv" (x:0:f16[1,2]) -> conv:0:unknown?, conv:1:unknown?, conv:2:unknown?, conv:3:unknown?
            2 Relu "relu" (x:0:f16[1,2], ∅, ghost:0:unknown?) -> relu:0:unknown? after [1]
            3 Conv2D "conv" (x:0:f16[1,2]) -> 
            4 NetOutput "out" (relu:0:unknown?, conv:3:unknown?) -> 
            outputs: relu:0:unknown?, conv:3:unknown?
        "#]],
    );
    expect![[r#"
        [
            "ge_proto_00001_test.txt: graph `g`: op name `conv` is used twice; inputs naming it read the first",
            "ge_proto_00001_test.txt: graph `g`: input `ghost:0` of op `relu` names no output of an op of the graph",
            "ge_proto_00001_test.txt: graph `g`: control input `nobody:-1` of op `relu` names no op of the graph",
        ]
    "#]]
    .assert_debug_eq(&model.warnings);
    // The consumer's input desc stated the shape of x:0, which its producer left open.
    assert_eq!(model.graph.tensors[0].layout.as_deref(), Some("ND"));
    // x:0 into both convs and the Relu, relu:0 and conv:3 into the output.
    assert_eq!(model.graph.edge_count(), 5);
}

#[test]
fn outputs_implied_by_references_are_bounded() {
    // 200 ops without descs, each read at output 4000 by one consumer: creating every implied
    // output would make 800,000 tensors out of a few kilobytes.
    let mut ops: Vec<pb::OpDef> = (0..200)
        .map(|i| op(&format!("s{i}"), "Split", &[]))
        .collect();
    let refs: Vec<String> = (0..200).map(|i| format!("s{i}:4000")).collect();
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    ops.push(op("concat", "ConcatD", &refs));
    let model = import_def(&model_of(vec![graph("g", ops)]));
    let graph = &model.graph;
    assert!(
        graph.tensors.len() < 10_000,
        "{} tensors",
        graph.tensors.len()
    );
    // The first reference fits the budget; the others dangle, with a warning each.
    assert_eq!(graph.nodes[0].outputs.len(), 4001);
    assert_eq!(graph.edge_count(), 1);
    assert!(model.warnings.len() > 40, "{}", model.warnings.len());
}

#[test]
fn producer_descs_win_over_consumer_descs() {
    let mut data = op("x", "Data", &[]);
    data.output_desc = vec![desc(pb::DataType::DtFloat, &[1, 3, 4, 4], "NCHW")];
    let mut relu = op("y", "Relu", &["x:0"]);
    relu.input_desc = vec![desc(pb::DataType::DtFloat16, &[1, 1, 4, 4, 16], "NC1HWC0")];
    // A Format enum number instead of a name, an unknown dim and an unknown rank.
    relu.output_desc = vec![pb::TensorDescriptor {
        dtype: pb::DataType::DtInt8 as i32,
        shape: Some(pb::ShapeDef { dim: vec![-1, 3] }),
        layout: "4".to_string(),
        ..Default::default()
    }];
    let mut relu2 = op("z", "Relu", &["y:0"]);
    relu2.output_desc = vec![pb::TensorDescriptor {
        dtype: pb::DataType::DtBf16 as i32,
        shape: Some(pb::ShapeDef { dim: vec![-2] }),
        ..Default::default()
    }];
    let model = import_def(&model_of(vec![graph("g", vec![data, relu, relu2])]));
    let graph = &model.graph;
    let x = &graph.tensors[graph.tensor_by_name("x:0").unwrap()];
    assert_eq!(x.shape.as_ref().unwrap().to_string(), "[1,3,4,4]");
    assert_eq!((x.dtype, x.layout.as_deref()), (DType::F32, Some("NCHW")));
    let y = &graph.tensors[graph.tensor_by_name("y:0").unwrap()];
    assert_eq!(y.shape.as_ref().unwrap().to_string(), "[?,3]");
    assert_eq!(
        (y.dtype, y.layout.as_deref()),
        (DType::I8, Some("FRACTAL_Z"))
    );
    let z = &graph.tensors[graph.tensor_by_name("z:0").unwrap()];
    assert_eq!((z.dtype, z.shape.clone()), (DType::BF16, None));
}

fn tensor_attr(dtype: pb::DataType, dims: &[i64], data: &[u8], weight_size: i64) -> pb::AttrDef {
    let mut value_desc = desc(dtype, dims, "ND");
    value_desc.weight_size = weight_size;
    pb::AttrDef {
        value: Some(pb::attr_def::Value::T(pb::TensorDef {
            desc: Some(value_desc),
            data: Bytes::copy_from_slice(data),
        })),
    }
}

#[test]
fn consts_and_variables_are_weights_without_copies() {
    let mut axes = op("axes", "Const", &[]);
    let values: Vec<u8> = [2i32, -1].iter().flat_map(|v| v.to_le_bytes()).collect();
    axes.attr.insert(
        "value".into(),
        tensor_attr(pb::DataType::DtInt32, &[2], &values, 0),
    );
    let mut big = op("big", "Const", &[]);
    big.attr.insert(
        "value".into(),
        tensor_attr(pb::DataType::DtFloat16, &[64, 64], &[], 8192),
    );
    let mut var = op("var", "Variable", &[]);
    var.output_desc = vec![pb::TensorDescriptor {
        weight_size: 0,
        size: 4096,
        ..desc(pb::DataType::DtFloat, &[32, 32], "ND")
    }];
    let reshape = op("reshape", "Reshape", &["big:0", "axes:0"]);
    let add = op("add", "Add", &["reshape:0", "var:0"]);
    let model = import_def(&model_of(vec![graph(
        "g",
        vec![axes, big, var, reshape, add],
    )]));
    let graph = &model.graph;
    let tensor = |name: &str| &graph.tensors[graph.tensor_by_name(name).unwrap()];
    assert_eq!(tensor("axes:0").value, Some(ConstValue::Ints(vec![2, -1])));
    assert_eq!(tensor("axes:0").byte_size, Some(8));
    assert_eq!(tensor("big:0").byte_size, Some(8192));
    assert_eq!(tensor("big:0").value, None);
    assert_eq!(tensor("var:0").kind, TensorKind::Weight);
    assert_eq!(tensor("var:0").byte_size, Some(4096));
    let report = inspect(
        &model,
        InspectOptions {
            with_tensors: false,
        },
    );
    assert_eq!(
        (report.weights.count, report.weights.bytes),
        (3, 8 + 8192 + 4096)
    );
    match graph.nodes[0].attr("value") {
        Some(AttrValue::Tensor(meta)) => {
            assert_eq!(meta.value, Some(ConstValue::Ints(vec![2, -1])))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn subgraphs_are_owned_by_the_op_that_names_them() {
    let mut if_op = op("if", "If", &["cond:0", "x:0"]);
    if_op.subgraph_name = vec!["then".into(), "else".into()];
    let mut while_op = op("loop", "While", &["x:0"]);
    while_op.subgraph_name = vec!["body".into(), "missing".into()];
    let mut nested = op("inner_if", "If", &["b_in:0"]);
    nested.subgraph_name = vec!["inner".into()];
    let model = import_def(&model_of(vec![
        graph(
            "main",
            vec![
                op("cond", "Data", &[]),
                op("x", "Data", &[]),
                if_op,
                while_op,
            ],
        ),
        graph(
            "then",
            vec![op("t_in", "Data", &[]), op("t", "Relu", &["t_in:0"])],
        ),
        graph(
            "else",
            vec![op("e_in", "Data", &[]), op("e", "Neg", &["e_in:0"])],
        ),
        graph("body", vec![op("b_in", "Data", &[]), nested]),
        graph("inner", vec![op("i", "Abs", &[])]),
        graph("orphan", vec![op("o", "Abs", &[])]),
    ]));
    let graph = &model.graph;
    assert_eq!(graph.nodes.len(), 4);
    assert_eq!(graph.subgraphs.len(), 3);
    assert_eq!(graph.subgraphs[0].owner, Some(2));
    assert_eq!(graph.subgraphs[0].graph.name, "then");
    assert_eq!(graph.subgraphs[2].graph.subgraphs[0].graph.name, "inner");
    // then 2 + else 2 + body 2 + inner 1.
    assert_eq!(graph.subgraph_node_count(), 7);
    assert_eq!(model.functions.len(), 1);
    assert_eq!(model.functions[0].name, "orphan");
    assert_eq!(
        graph.nodes[2].attr("subgraph_name"),
        Some(&AttrValue::Strings(vec!["then".into(), "else".into()]))
    );
    expect![[r#"
        [
            "ge_proto_00001_test.txt: graph `main`: subgraph `missing` of op `loop` is not a graph of the model, or is already the body of another op",
        ]
    "#]]
    .assert_debug_eq(&model.warnings);
}

#[test]
fn attributes_of_every_kind_convert() {
    use pb::attr_def::{list_value::ListValueType as VT, ListListInt, ListValue, Value};
    let list = |list: ListValue| pb::AttrDef {
        value: Some(Value::List(list)),
    };
    let value = |value: Value| pb::AttrDef { value: Some(value) };
    let mut node = op("n", "Custom", &[]);
    let attrs = [
        ("a_s", value(Value::S(Bytes::from_static(b"SAME")))),
        ("b_i", value(Value::I(-3))),
        ("c_f", value(Value::F(0.1))),
        ("d_b", value(Value::B(true))),
        ("e_dt", value(Value::Dt(1))),
        (
            "f_ints",
            list(ListValue {
                i: vec![1, 2],
                val_type: VT::VtListInt as i32,
                ..Default::default()
            }),
        ),
        (
            "g_floats",
            list(ListValue {
                f: vec![0.5, 1e-5],
                val_type: VT::VtListFloat as i32,
                ..Default::default()
            }),
        ),
        (
            "h_bools_untyped",
            list(ListValue {
                b: vec![true, false],
                ..Default::default()
            }),
        ),
        (
            "i_dtypes",
            list(ListValue {
                dt: vec![0, 9],
                val_type: VT::VtListDataType as i32,
                ..Default::default()
            }),
        ),
        (
            "j_empty_strings",
            list(ListValue {
                val_type: VT::VtListString as i32,
                ..Default::default()
            }),
        ),
        (
            "k_list_list",
            value(Value::ListListInt(ListListInt {
                list_list_i: vec![pb::attr_def::list_list_int::ListInt { list_i: vec![1, 2] }],
            })),
        ),
        (
            "l_td",
            value(Value::Td(desc(
                pb::DataType::DtFloat16,
                &[1, 1, 4, 4, 16],
                "NC1HWC0",
            ))),
        ),
        (
            "m_escaped",
            value(Value::S(Bytes::from_static(b"a\"b\\c\n\x01\xff"))),
        ),
        ("_datadump_original_op_names", list(ListValue::default())),
        (
            "original_op_names",
            value(Value::S(Bytes::from_static(b"single"))),
        ),
    ];
    for (key, value) in attrs {
        node.attr.insert(key.to_string(), value);
    }
    let model = import_def(&model_of(vec![graph("g", vec![node])]));
    let rendered: Vec<String> = model.graph.nodes[0]
        .attrs
        .iter()
        .map(|a| format!("{}={}", a.name, a.value.display()))
        .collect();
    expect![[r#"
        [
            "_datadump_original_op_names=[]",
            "a_s=\"SAME\"",
            "b_i=-3",
            "c_f=0.10000000149011612",
            "d_b=true",
            "e_dt=f16",
            "f_ints=[1, 2]",
            "g_floats=[0.5, 0.000009999999747378752]",
            "h_bools_untyped=[true, false]",
            "i_dtypes=[f32, i64]",
            "j_empty_strings=[]",
            "k_list_list=[[1, 2]]",
            "l_td=f16 [1,1,4,4,16] NC1HWC0",
            "m_escaped=\"a\"b\\c\n\u{1}�\"",
            "original_op_names=[\"single\"]",
            "id=0",
            "stream_id=0",
        ]
    "#]]
    .assert_debug_eq(&rendered);
    assert_eq!(
        model.graph.nodes[0].attr("_datadump_original_op_names"),
        Some(&AttrValue::Strings(Vec::new()))
    );
}

#[test]
fn multi_model_om_files_keep_every_model() {
    // A dynamic-shape root model whose PartitionedCall names a graph held by the second model.
    let mut call = op("call", "PartitionedCall", &["x:0"]);
    call.subgraph_name = vec!["partition_0".into()];
    let root = model_of(vec![graph("root", vec![op("x", "Data", &[]), call])]);
    let part = model_of(vec![graph(
        "partition_0",
        vec![op("p_in", "Data", &[]), op("p", "Relu", &["p_in:0"])],
    )]);
    let other = model_of(vec![graph("helper", vec![op("h", "Abs", &[])])]);
    for wide_table in [false, true] {
        let bytes = root.to_om(&OmOptions {
            wide_table,
            extra_models: vec![part.clone(), other.clone()],
            ..OmOptions::atc()
        });
        let model = import_ok("dynamic.om", bytes);
        assert_eq!(model.graph.nodes.len(), 2);
        assert_eq!(model.graph.subgraphs.len(), 1);
        assert_eq!(model.graph.subgraphs[0].graph.name, "partition_0");
        assert_eq!(model.functions.len(), 1);
        assert_eq!(model.functions[0].name, "helper");
        let meta: HashMap<&str, &str> = model
            .metadata
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(meta.get("om_models"), Some(&"3"));
        assert_eq!(meta.get("om_dynamic_shape"), Some(&"true"));
        assert_eq!(
            meta.get("om_submodels"),
            Some(&"model 2 of 3: (unnamed); model 3 of 3: (unnamed)")
        );
        assert!(model.warnings.is_empty(), "{:?}", model.warnings);
    }
}

#[test]
fn om_header_and_table_variants() {
    let model = samples::ge_small();
    let reference = import_ok("ref.txt", model.to_text().into_bytes());
    for header in [OmHeader::V1, OmHeader::V2] {
        for wide_table in [false, true] {
            for align in [0, 32] {
                let options = OmOptions {
                    header,
                    wide_table,
                    align,
                    ..OmOptions::atc()
                };
                let imported = import_ok("small.om", model.to_om(&options));
                assert_eq!(imported.graph.nodes.len(), reference.graph.nodes.len());
                assert!(
                    imported.warnings.is_empty(),
                    "{options:?}: {:?}",
                    imported.warnings
                );
                let table = imported
                    .metadata
                    .iter()
                    .find(|(k, _)| k == "om_partition_table")
                    .map(|(_, v)| v.clone());
                assert_eq!(
                    table.as_deref(),
                    Some(if wide_table { "64-bit" } else { "32-bit" })
                );
            }
        }
    }
}

#[test]
fn json_variants_read_alike() {
    let model = samples::ge_small();
    let reference = import_ok("ref.txt", model.to_text().into_bytes());
    let styles = [
        JsonStyle::ATC,
        JsonStyle::PROTO3,
        JsonStyle {
            enums_as_names: true,
            int64_as_strings: false,
            attrs_as_object: false,
        },
    ];
    for style in styles {
        let imported = import_ok("m.json", model.to_json(style).into_bytes());
        assert!(imported.graph == reference.graph, "{style:?}");
    }
    // Hand-written: nulls, a bare GraphDef, floats in strings, numbers in strings, a numeric
    // layout and a BOM.
    let text = "\u{feff}{\"name\": \"bare\", \"op\": [\n {\"name\": \"x\", \"type\": \"Data\", \"attr\": null, \"output_desc\": [{\"dtype\": \"DT_FLOAT16\", \"shape\": {\"dim\": [\"1\", 16]}, \"layout\": 3}]},\n {\"name\": \"y\", \"type\": \"LeakyRelu\", \"input\": [\"x:0\"], \"attr\": {\"negative_slope\": {\"f\": \"0.1\"}, \"names\": {\"list\": {\"s\": [\"a\"], \"val_type\": \"VT_LIST_STRING\"}}}, \"id\": \"7\", \"stream_id\": null}\n]}";
    let imported = import_ok("bare.json", text.as_bytes().to_vec());
    check(
        &imported,
        expect![[r#"
            ge bare
            inputs: x:0:f16[1,16]
            0 Data "x" () -> x:0:f16[1,16]
            1 LeakyRelu "y" (x:0:f16[1,16]) -> 
            outputs: 
        "#]],
    );
    let y = &imported.graph.nodes[1];
    assert_eq!(
        y.attr("negative_slope"),
        Some(&AttrValue::Float(f64::from(0.1f32)))
    );
    assert_eq!(y.attr("id"), Some(&AttrValue::Int(7)));
    assert_eq!(imported.graph.tensors[0].layout.as_deref(), Some("NC1HWC0"));
}

#[test]
fn formats_are_told_apart_by_content() {
    let id = |name: &str, bytes: Vec<u8>| detect(&InputFile::new(name, bytes)).map(|s| s.id);
    let model = samples::ge_small();
    assert_eq!(id("x.txt", model.to_text().into_bytes()), Some("ge_dump"));
    assert_eq!(id("x", model.to_text().into_bytes()), Some("ge_dump"));
    assert_eq!(
        id("x.json", model.to_json(JsonStyle::ATC).into_bytes()),
        Some("ge_json")
    );
    assert_eq!(id("x.bin", model.to_om(&OmOptions::atc())), Some("om"));
    // Other text formats are not GE dumps.
    assert_eq!(
        dump::sniff(b"node {\n  name: \"x\"\n  op: \"Placeholder\"\n}\n"),
        0
    );
    assert_eq!(
        dump::sniff(b"name: \"net\"\nlayer {\n  name: \"data\"\n}\n"),
        0
    );
    assert_eq!(
        dump::sniff(b"ir_version: 7\ngraph {\n  node { op_type: \"Relu\" }\n}\n"),
        0
    );
    assert_eq!(
        dump::sniff(b"graph {\n  node { op_type: \"Relu\" }\n}\n"),
        0
    );
    assert_eq!(dump::sniff(b"name: \"m\"\ngraph {\n  op { name: \"a\" attr { key: \"f\" value { f: 1e-05 } } }\n}\n"), 85);
    assert_eq!(json::sniff(b"[1, 2]"), 0);
    assert_eq!(json::sniff(b"{\"traceEvents\": []}"), 0);
}

// ---- Bad input: every case is an error that names the file and the place, never a panic ----

fn error_of(name: &str, bytes: impl Into<Bytes>) -> String {
    match import(name, bytes) {
        Ok(model) => panic!("expected an error, got {} nodes", model.graph.nodes.len()),
        Err(err) => err.to_string(),
    }
}

#[test]
fn text_dump_errors_name_line_and_column() {
    let good = "graph {\n  name: \"g\"\n  op {\n    name: \"x\"\n    type: \"Data\"\n  }\n}\n";
    assert!(import("ge_proto_1.txt", good.as_bytes().to_vec()).is_ok());
    expect![
        "ge_proto_1.txt: invalid GE graph dump file at line 4, column 13: invalid string character"
    ]
    .assert_eq(&error_of(
        "ge_proto_1.txt",
        good.replace("\"x\"", "\"x").into_bytes(),
    ));
    // A missing closing brace: the file ends inside the graph.
    expect!["ge_proto_1.txt: invalid GE graph dump file at line 7, column 1: expected '}' or a field name, but reached end of input"]
        .assert_eq(&error_of("ge_proto_1.txt", good.replacen("  }\n", "", 1).into_bytes()));
    // Wrong nesting: one closing brace too many, and a message where a string belongs.
    expect!["ge_proto_1.txt: invalid GE graph dump file at line 8, column 1: expected a field name, but found '}'"].assert_eq(&error_of("ge_proto_1.txt", format!("{good}}}\n").into_bytes()));
    expect!["ge_proto_1.txt: invalid GE graph dump file at line 4, column 10: expected a string, but found '{'"].assert_eq(&error_of(
        "ge_proto_1.txt",
        good.replace("name: \"x\"", "name { x: 1 }").into_bytes(),
    ));
    // A value of the wrong type.
    expect![[r#"ge_proto_1.txt: invalid GE graph dump file at line 1, column 10: expected an integer, but found '"one"'"#]]
        .assert_eq(&error_of("ge_proto_1.txt", format!("version: \"one\"\n{good}").into_bytes()));
    // Unknown fields are skipped with a warning that names the place.
    let model = import_ok(
        "ge_proto_1.txt",
        good.replace(
            "    type: \"Data\"\n",
            "    type: \"Data\"\n    future_field { a: 1 }\n",
        )
        .into_bytes(),
    );
    expect![[r#"
        [
            "ge_proto_1.txt: line 6, column 5: field `future_field` is not part of ge.proto.OpDef and was skipped",
        ]
    "#]]
    .assert_debug_eq(&model.warnings);
}

#[test]
fn json_errors_name_line_and_column() {
    let good =
        "{\"graph\": [{\"name\": \"g\", \"op\": [\n  {\"name\": \"x\", \"type\": \"Data\"}\n]}]}";
    assert!(import("m.json", good.as_bytes().to_vec()).is_ok());
    expect!["m.json: invalid GE JSON file at line 2, column 32: JSON syntax (expected `,` or `}`)"]
        .assert_eq(&error_of(
            "m.json",
            good.replace("\"Data\"}", "\"Data\" \"x\"}").into_bytes(),
        ));
    expect![[r#"m.json: invalid GE JSON file at line 3, column 3: more JSON: the file ends early (EOF while parsing an object)"#]]
        .assert_eq(&error_of("m.json", good.trim_end_matches('}').as_bytes().to_vec()));
    expect!["m.json: invalid GE JSON file at line 1, column 32: a GE ModelDef in JSON form (invalid type: integer `5`, expected a sequence)"]
        .assert_eq(&error_of("m.json", good.replace("\"op\": [\n  {\"name\": \"x\", \"type\": \"Data\"}\n]", "\"op\": 5").into_bytes()));
    expect![[r#"m.json: invalid GE JSON file at line 2, column 41: a GE ModelDef in JSON form (invalid value: string "x", expected an integer (a number or a string of digits))"#]]
        .assert_eq(&error_of("m.json", good.replace("\"Data\"}", "\"Data\", \"id\": \"x\"}").into_bytes()));
    expect![[r#"m.json: invalid GE JSON file at line 2, column 1: JSON syntax (control character (\u0000-\u001F) found while parsing a string)"#]]
        .assert_eq(&error_of("m.json", good.replace("\"name\": \"g\"", "\"name\": \"g\n").into_bytes()));
}

fn small_om() -> Vec<u8> {
    samples::ge_small().to_om(&OmOptions {
        task_info: true,
        ..OmOptions::plain()
    })
}

fn put_u32(bytes: &mut [u8], pos: usize, value: u32) {
    bytes[pos..pos + 4].copy_from_slice(&value.to_le_bytes());
}

#[test]
fn om_container_errors_name_byte_and_structure() {
    let good = small_om();
    assert!(import("m.om", good.clone()).is_ok());
    // Truncated inside the header.
    expect!["m.om: invalid Ascend OM file at byte 100, in header: a 256-byte model header; the file ends after 100 bytes of it (truncated?)"]
        .assert_eq(&error_of("m.om", good[..100].to_vec()));
    // Truncated payload.
    let cut = good.len() - 10;
    expect!["m.om: invalid Ascend OM file at byte 76, in header.length: a payload that fits in the file: the header says 13440 bytes follow it, but only 13430 do (truncated download?)"]
        .assert_eq(&error_of("m.om", good[..cut].to_vec()));
    // A header that claims 4 GB.
    let mut huge = good.clone();
    put_u32(&mut huge, 76, u32::MAX);
    expect!["m.om: invalid Ascend OM file at byte 76, in header.length: a payload that fits in the file: the header says 4294967295 bytes follow it, but only 13440 do (truncated download?)"]
        .assert_eq(&error_of("m.om", huge));
    // A partition that runs past the end of the file.
    let mut past = good.clone();
    put_u32(&mut past, 256 + 4 + 12 + 8, 1 << 30);
    expect!["m.om: invalid Ascend OM file at byte 272, in partition table entry 1: a WEIGHTS_DATA partition inside the file: offset 3612 + size 1073741824 after the table (byte 308) runs past its end (byte 13696)"]
        .assert_eq(&error_of("m.om", past));
    // Overlapping partitions.
    let mut overlap = good.clone();
    put_u32(&mut overlap, 256 + 4 + 12 + 4, 100);
    expect!["m.om: invalid Ascend OM file at byte 272, in partition table entry 1: partitions that do not overlap; WEIGHTS_DATA (bytes 408..9688) overlaps entry 0 MODEL_DEF (bytes 308..3920)"]
        .assert_eq(&error_of("m.om", overlap));
    // A table with more entries than the file holds.
    let mut entries = good.clone();
    put_u32(&mut entries, 256, 100_000_000);
    expect![[r#"m.om: invalid Ascend OM file at byte 256, in partition table: 1 to 4096 partitions; the 32-bit table says 100000000"#]]
        .assert_eq(&error_of("m.om", entries));
    // Two MODEL_DEFs.
    let mut twice = good.clone();
    put_u32(&mut twice, 256 + 4 + 12, 0);
    expect![[r#"m.om: invalid Ascend OM file at byte 272, in partition table entry 1: each partition type once; MODEL_DEF is also entry 0"#]]
        .assert_eq(&error_of("m.om", twice));
    // No MODEL_DEF at all.
    let mut none = good.clone();
    put_u32(&mut none, 256 + 4, 9);
    expect![[r#"m.om: invalid Ascend OM file at byte 256, in partition table: a MODEL_DEF partition (type 0) holding the graph; the table lists STATIC_TASK_DESC, WEIGHTS_DATA, TBE_KERNELS, TASK_INFO"#]]
        .assert_eq(&error_of("m.om", none));
    // A broken ModelDef: the byte offset points into the partition.
    let mut short = good.clone();
    put_u32(&mut short, 256 + 4 + 8, 40);
    expect!["m.om: invalid Ascend OM file at byte 320, in MODEL_DEF partition (entry 0) > ModelDef.graph: more bytes: the data ends inside a field, or a length prefix points past its end (truncated download?)"].assert_eq(&error_of("m.om", short));
    let mut broken = good.clone();
    broken[256 + 4 + 4 * 12 + 2] = 0xff;
    expect!["m.om: invalid Ascend OM file at byte 315, in MODEL_DEF partition (entry 0) > ModelDef.name: UTF-8 text (invalid string value: data is not UTF-8 encoded)"]
        .assert_eq(&error_of("m.om", broken));
    // Encrypted models, SVP and OM2 files say what they are.
    let mut encrypted = good.clone();
    encrypted[80] = 1;
    expect!["m.om: invalid Ascend OM file at byte 80, in header.is_encrypt: an unencrypted model: the header marks this model as encrypted, so its graph cannot be read; open the unencrypted model or its GE dump"]
        .assert_eq(&error_of("m.om", encrypted));
    let mut pico = vec![0u8; 300];
    pico[..4].copy_from_slice(b"PICO");
    put_u32(&mut pico, 8, 300);
    expect!["m.om: invalid Ascend OM file at byte 0, in header: an IMOD offline model; this is a DaVinci SVP model (`PICO` magic, header total size 300 bytes), a HiSilicon deployment format that opscope does not read"]
        .assert_eq(&error_of("m.om", pico));
    let mut zip = b"PK\x03\x04\x14\x00\x00\x00manifest.json{\"om2_version\": \"0\"}".to_vec();
    zip.resize(200, 0);
    expect!["m.om: invalid Ascend OM file at byte 0, in header: an IMOD offline model; this is an OM2 package (a zip with manifest.json), which opscope does not read yet: open the GE dump or `atc --mode=1` JSON of the model instead"]
        .assert_eq(&error_of("m.om", zip));
}

#[test]
fn bad_magic_is_reported_by_the_om_reader() {
    let mut bytes = small_om();
    bytes[..4].copy_from_slice(b"IMOX");
    let err = om::import(&InputFile::new("m.om", bytes.clone()))
        .err()
        .unwrap();
    expect!["m.om: invalid Ascend OM file at byte 0, in header.magic: the magic `IMOD` (49 4d 4f 44); the file starts with 49 4d 4f 58"]
        .assert_eq(&err.to_string());
    // Through the entry point, nothing claims it.
    assert!(matches!(
        import("m.om", bytes),
        Err(ImportError::UnknownFormat { .. })
    ));
}

#[test]
fn truncated_files_never_panic() {
    let forms = [
        ("m.om", small_om()),
        ("ge_proto_1.txt", samples::ge_small().to_text().into_bytes()),
        (
            "m.json",
            samples::ge_small().to_json(JsonStyle::ATC).into_bytes(),
        ),
    ];
    for (name, bytes) in forms {
        let mut n_errors = 0;
        let offsets = (1..600).chain((600..bytes.len()).step_by(37));
        for len in offsets {
            if let Err(err) = import(name, bytes[..len].to_vec()) {
                n_errors += 1;
                let text = err.to_string();
                assert!(text.starts_with(&format!("{name}: ")), "{text}");
            }
        }
        assert!(
            n_errors > 500,
            "{name}: only {n_errors} truncations were reported"
        );
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    for len in [4usize, 16, 255, 256, 300, 1000, 10_000] {
        for _ in 0..40 {
            let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = om::import(&InputFile::new("r.om", bytes.clone()));
            if len >= 4 {
                bytes[..4].copy_from_slice(b"IMOD");
                let _ = import("r.om", bytes);
            }
        }
    }
}

#[test]
fn mutated_files_never_panic() {
    let om = samples::ge_small().to_om(&OmOptions {
        extra_models: vec![samples::ge_small()],
        wide_table: true,
        ..OmOptions::atc()
    });
    let text = samples::ge_small().to_text().into_bytes();
    let json = samples::ge_small().to_json(JsonStyle::ATC).into_bytes();
    let mut rng = XorShift(7);
    for (name, original) in [("m.om", om), ("ge_proto_1.txt", text), ("m.json", json)] {
        let mut n_ok = 0;
        for _ in 0..1500 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.next() % 4 {
                let pos = (rng.next() as usize) % bytes.len();
                match rng.next() % 3 {
                    0 => bytes[pos] = rng.next() as u8,
                    1 => bytes[pos] ^= 1 << (rng.next() % 8),
                    _ => bytes.insert(pos, rng.next() as u8),
                }
            }
            if let Ok(model) = import(name, bytes) {
                n_ok += 1;
                // Whatever loads must be a graph the viewer can lay out.
                let _ = crate::report::graph_view(&model);
            }
        }
        assert!(n_ok > 0, "{name}: no mutation survived");
    }
}

#[test]
fn task_info_decoding_is_checked_too() {
    // A garbage TASK_INFO partition costs the kernel types, not the model.
    let mut bytes = small_om();
    let table = 256 + 4;
    let entry = (0..4)
        .map(|i| table + 12 * i)
        .find(|&pos| u32::from_le_bytes(bytes[pos..pos + 4].try_into().unwrap()) == 2)
        .unwrap();
    let offset = u32::from_le_bytes(bytes[entry + 4..entry + 8].try_into().unwrap()) as usize;
    let start = table + 4 * 12 + offset;
    bytes[start] = 0xff;
    bytes[start + 1] = 0xff;
    let model = import_ok("m.om", bytes);
    assert_eq!(model.warnings.len(), 1, "{:?}", model.warnings);
    assert!(
        model.warnings[0].contains("TASK_INFO"),
        "{:?}",
        model.warnings
    );
}

#[test]
fn deeply_nested_graphs_are_refused() {
    // Graphs inside attributes inside ops inside graphs, 3000 levels deep: an error, not a stack
    // overflow, in every form.
    let mut text = String::from("graph { ");
    for _ in 0..3000 {
        text.push_str("op { attr { key: \"a\" value { g { ");
    }
    for _ in 0..3000 {
        text.push_str("} } } } ");
    }
    text.push('}');
    expect!["ge_proto_deep.txt: invalid GE graph dump file at line 1, column 828: at most 100 levels of nested messages"]
        .assert_eq(&error_of("ge_proto_deep.txt", text.into_bytes()));
    let mut json = String::from("{\"graph\": [");
    for _ in 0..3000 {
        json.push_str("{\"op\": [{\"attr\": [{\"key\": \"a\", \"value\": {\"g\": ");
    }
    expect!["deep.json: invalid GE JSON file at line 1, column 972: JSON syntax (recursion limit exceeded)"].assert_eq(&error_of("deep.json", json.into_bytes()));
    let mut graph = pb::GraphDef::default();
    for _ in 0..200 {
        let mut op = op("n", "If", &[]);
        op.attr.insert(
            "a".into(),
            pb::AttrDef {
                value: Some(pb::attr_def::Value::G(graph)),
            },
        );
        graph = pb::GraphDef {
            op: vec![op],
            ..Default::default()
        };
    }
    let om = GeModel::from_def(pb::ModelDef {
        graph: vec![graph],
        ..Default::default()
    })
    .to_om(&OmOptions::plain());
    expect!["deep.om: invalid Ascend OM file at byte 847, in MODEL_DEF partition (entry 0) > ModelDef.graph > GraphDef.op > OpDef.attr > AttrDef.value > … 68 more … > AttrDef.value > GraphDef.op > OpDef.attr > AttrDef.value: at most 100 levels of nested messages (graphs or values nested too deeply)"].assert_eq(&error_of("deep.om", om));
}

/// A flow model (`modeltype` 3): the root graph, then each submodel as a whole `.om` inside a
/// FLOW_SUBMODEL partition; every submodel's graph is a further graph of the model.
fn flow_model() -> Vec<u8> {
    let root = model_of(vec![graph(
        "flow_root",
        vec![
            op("x", "Data", &[]),
            op("call", "PartitionedCall", &["x:0"]),
        ],
    )]);
    let sub = |name: &str, op_type: &str| {
        model_of(vec![graph(
            name,
            vec![op("in", "Data", &[]), op("body", op_type, &["in:0"])],
        )])
    };
    root.to_om(&OmOptions {
        flow_submodels: vec![
            ("encoder".to_string(), sub("encoder_graph", "Relu")),
            ("decoder".to_string(), sub("decoder_graph", "Abs")),
        ],
        ..OmOptions::atc()
    })
}

#[test]
fn flow_models_read_one_graph_per_submodel() {
    let model = import_ok("flow.om", flow_model());
    assert_eq!(model.graph.nodes.len(), 2);
    let functions: Vec<&str> = model.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(functions, ["encoder_graph", "decoder_graph"]);
    assert_eq!(model.functions[1].nodes[1].op_type, "Abs");
    let meta: HashMap<&str, &str> = model
        .metadata
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(meta.get("om_model_type"), Some(&"flow model"));
    assert_eq!(meta.get("om_submodel encoder"), Some(&"npu"));
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
}

#[test]
fn a_flow_submodel_without_om_data_is_a_located_error() {
    let mut bytes = flow_model();
    // Spoil the magic of the second submodel's nested OM (the third IMOD of the file).
    let starts: Vec<usize> = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"IMOD")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(starts.len(), 3);
    bytes[starts[2]] = b'X';
    let message = import_model(&InputFile::new("flow.om", bytes))
        .expect_err("a submodel without OM data")
        .to_string();
    assert!(
        message.contains("FLOW_SUBMODEL partition (entry 3) `decoder`"),
        "{message}"
    );
    assert!(message.contains("OM data"), "{message}");
}

// ---- `.om` ops read one at a time give the whole ModelDef's model ----

/// The `.om` file `bytes` read lazily (asserting it did not give way to the whole reading when
/// `lazy_expected`) and read whole give the same model, or the same failure.
fn assert_lazy_om_is_whole(name: &str, bytes: Vec<u8>, lazy_expected: bool) -> bool {
    let file = InputFile::new(name, bytes);
    let lazy = om::read_lazily(&file).is_some();
    assert!(lazy || !lazy_expected, "{name}: the lazy reader gave way");
    let read = om::read(&file);
    let whole = om::read_whole(&file);
    match (&read, &whole) {
        (Ok(read), Ok(whole)) => assert_eq!(read, whole, "{name}"),
        (Err(read), Err(whole)) => assert_eq!(read, whole, "{name}"),
        _ => panic!("{name}: lazy {:?}, whole {:?}", read.is_ok(), whole.is_ok()),
    }
    lazy
}

#[test]
fn om_ops_read_one_at_a_time_give_the_whole_model() {
    // Consumers before their producer: the first consumer's input desc fills the tensor.
    let mut early = op("early", "Relu", &["late:0"]);
    early.input_desc = vec![desc(pb::DataType::DtFloat16, &[1, 8], "ND")];
    let mut second = op(
        "second",
        "Neg",
        &["late:0", "late:3", "nowhere:0", "late:-1"],
    );
    second.input_desc = vec![desc(pb::DataType::DtFloat, &[2, 8], "NCHW")];
    let mut sub = op("call", "PartitionedCall", &["late:0"]);
    sub.subgraph_name = vec!["body".into()];
    let forward = model_of(vec![
        graph(
            "g",
            vec![
                early,
                second,
                op("late", "Abs", &[]),
                op("late", "Relu", &[]),
                sub,
            ],
        ),
        graph(
            "body",
            vec![op("b", "Data", &[]), op("r", "Relu", &["b:0"])],
        ),
        graph("orphan", vec![op("o", "Abs", &[])]),
    ]);
    let bytes = forward.to_om(&OmOptions::atc());
    let model = import_ok("forward.om", bytes.clone());
    let late = &model.graph.tensors[model.graph.tensor_by_name("late:0").unwrap()];
    assert_eq!(late.shape.as_ref().unwrap().to_string(), "[1,8]");
    assert_eq!(late.dtype, DType::F16);
    let mut files = vec![("forward.om".to_string(), bytes)];
    for (name, model) in [
        ("resnet50", samples::ge_resnet50()),
        ("mobilenet_v2", samples::ge_mobilenet_v2()),
        ("chain", samples::ge_chain(500)),
    ] {
        for (form, bytes) in all_forms(&model) {
            if form.ends_with(".om") {
                files.push((format!("{name}_{form}"), bytes));
            }
        }
        files.push((format!("{name}_atc.om"), model.to_om(&OmOptions::atc())));
    }
    let multi = samples::ge_small().to_om(&OmOptions {
        extra_models: vec![samples::ge_small()],
        wide_table: true,
        ..OmOptions::atc()
    });
    files.push(("multi.om".to_string(), multi.clone()));
    // The real ATC model of the shared samples (`OPSCOPE_SAMPLES`, else `../shared/samples`
    // next to the repository; absent in CI clones).
    let base = std::env::var_os("OPSCOPE_SAMPLES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples")
        });
    if let Ok(bytes) = std::fs::read(base.join("models/ge/ait-compare-model.om")) {
        files.push(("ait-compare-model.om".to_string(), bytes));
    }
    for (name, bytes) in files {
        assert_lazy_om_is_whole(&name, bytes, true);
    }
    // Broken files: the same model or the same failure, whether read lazily or not.
    let mut rng = XorShift(5);
    let mut n_lazy = 0;
    for _ in 0..1500 {
        let mut bytes = multi.clone();
        for _ in 0..1 + rng.next() % 4 {
            let pos = (rng.next() as usize) % bytes.len();
            match rng.next() % 3 {
                0 => bytes[pos] = rng.next() as u8,
                1 => bytes[pos] ^= 1 << (rng.next() % 8),
                _ => bytes.insert(pos, rng.next() as u8),
            }
        }
        n_lazy += usize::from(assert_lazy_om_is_whole("m.om", bytes, false));
    }
    assert!(n_lazy > 100, "only {n_lazy} mutations were read lazily");
}

/// The GE dump `text` parsed in groups of ops (asserting it did not give way to the whole
/// parse when `lazy_expected`) and parsed whole give the same model, or the same error.
fn assert_lazy_dump_is_whole(name: &str, text: Vec<u8>, lazy_expected: bool) -> bool {
    let file = InputFile::new(name, text);
    let lazy = dump::read_lazily(&file).is_some();
    assert!(lazy || !lazy_expected, "{name}: the lazy reader gave way");
    let read = dump::import(&file);
    let whole = dump::import_whole(&file);
    match (&read, &whole) {
        (Ok(read), Ok(whole)) => assert_eq!(read, whole, "{name}"),
        (Err(read), Err(whole)) => assert_eq!(read.to_string(), whole.to_string(), "{name}"),
        _ => panic!("{name}: lazy {read:?}, whole {whole:?}"),
    }
    lazy
}

#[test]
fn dumps_parsed_in_groups_of_ops_give_the_whole_model() {
    let mut call = op("call", "PartitionedCall", &["x:0", "late:0"]);
    call.subgraph_name = vec!["body".into()];
    let mut early = op("early", "Relu", &["late:0"]);
    early.input_desc = vec![desc(pb::DataType::DtFloat16, &[1, 8], "ND")];
    let with_subgraph = model_of(vec![
        graph(
            "main",
            vec![op("x", "Data", &[]), early, call, op("late", "Abs", &[])],
        ),
        graph(
            "body",
            vec![op("b", "Data", &[]), op("r", "Relu", &["b:0"])],
        ),
    ]);
    let chain = samples::ge_chain(2_000).to_text();
    assert!(chain.len() > 8 * 64 * 1024, "{} bytes", chain.len());
    let mut files = vec![
        ("ge_proto_chain.txt".to_string(), chain.clone()),
        (
            "ge_proto_resnet.txt".to_string(),
            samples::ge_resnet50().to_text(),
        ),
        ("ge_proto_sub.txt".to_string(), with_subgraph.to_text()),
    ];
    // Unknown fields inside and outside the graph: warnings, blanked out before parsing.
    let mut odd = samples::ge_small().to_text();
    odd = odd.replacen("op {", "weird_field: 3\n  op {", 1);
    odd.push_str("\nunknown_top { a: 1 }\n");
    files.push(("ge_proto_odd.txt".to_string(), odd));
    let base = std::env::var_os("OPSCOPE_SAMPLES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples")
        });
    if let Ok(bytes) = std::fs::read(base.join("models/ge/ge_proto_00000_Build.txt")) {
        files.push((
            "ge_proto_00000_Build.txt".to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    for (name, text) in &files {
        assert_lazy_dump_is_whole(name, text.clone().into_bytes(), true);
    }
    let model = dump::import(&InputFile::new(
        "ge_proto_odd.txt",
        files[3].1.clone().into_bytes(),
    ))
    .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(model.warnings.len(), 2, "{:?}", model.warnings);
    // A graph naming itself twice: one parse refuses it, so the groups are not used.
    let twice = chain.replacen("op {", "name: \"again\"\n  op {", 1);
    assert!(!assert_lazy_dump_is_whole(
        "ge_proto_twice.txt",
        twice.into_bytes(),
        false
    ));
    // Broken dumps: the same model or the same error either way.
    let original = samples::ge_small().to_text().into_bytes();
    let mut rng = XorShift(9);
    let mut n_lazy = 0;
    for _ in 0..600 {
        let mut bytes = original.clone();
        for _ in 0..1 + rng.next() % 3 {
            let pos = (rng.next() as usize) % bytes.len();
            match rng.next() % 3 {
                0 => bytes[pos] = b"{}\":# \nop"[(rng.next() % 9) as usize],
                1 => bytes[pos] ^= 1 << (rng.next() % 7),
                _ => bytes.insert(pos, b"{}\" \n"[(rng.next() % 5) as usize]),
            }
        }
        n_lazy += usize::from(assert_lazy_dump_is_whole("ge_proto_m.txt", bytes, false));
    }
    assert!(n_lazy > 50, "only {n_lazy} mutations were read in groups");
}
