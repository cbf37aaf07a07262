//! Joining profiled ops to graph nodes: exact names, fused ops (fusion_op rows and the
//! `_datadump_original_op_names` attribute), scope prefixes, GE-inserted conversions placed on
//! edges, and unmatched ops listed with their reason (a type never claims a node).

use expect_test::{expect, Expect};
use opscope_engine::ir::{
    Attr, AttrValue, DType, Dim, GraphBuilder, Model, ModelFormat, Node, Shape,
};
use opscope_engine::profile::{import_profile, join, Join};
use opscope_engine::report::profile::{self as report, ProfileOptions};
use opscope_engine::InputFile;

/// x [N,3,224,224] → conv1 → bn1 → relu1 → backbone/layer1/conv2 → fc (Gemm) → y, with a side
/// Cast consuming relu1's output too.
fn model() -> Model {
    let mut b = GraphBuilder::new("net");
    let names = ["x", "c1", "b1", "r1", "c2", "y", "k"];
    let ids: Vec<usize> = names.iter().map(|n| b.tensor(n)).collect();
    let shape = |dims: &[&str]| {
        Shape(
            dims.iter()
                .map(|d| {
                    d.parse()
                        .map(Dim::Known)
                        .unwrap_or_else(|_| Dim::Symbolic(d.to_string()))
                })
                .collect(),
        )
    };
    let shapes = [
        shape(&["N", "3", "224", "224"]),
        shape(&["N", "64", "112", "112"]),
        shape(&["N", "64", "112", "112"]),
        shape(&["N", "64", "112", "112"]),
        shape(&["N", "64", "56", "56"]),
        shape(&["N", "1000"]),
        shape(&["N", "64", "112", "112"]),
    ];
    for (id, shape) in ids.iter().zip(shapes) {
        let tensor = b.tensor_mut(*id);
        tensor.shape = Some(shape);
        tensor.dtype = DType::F32;
    }
    let node = |name: &str, op: &str, input: usize, output: usize| Node {
        name: name.into(),
        op_type: op.into(),
        inputs: vec![Some(input)],
        outputs: vec![output],
        ..Node::default()
    };
    b.add_node(node("conv1", "Conv", ids[0], ids[1]));
    b.add_node(node("bn1", "BatchNormalization", ids[1], ids[2]));
    b.add_node(node("relu1", "Relu", ids[2], ids[3]));
    b.add_node(node("backbone/layer1/conv2", "Conv", ids[3], ids[4]));
    b.add_node(node("fc", "Gemm", ids[4], ids[5]));
    b.add_node(node("cast_side", "Cast", ids[3], ids[6]));
    let mut graph = b.finish();
    graph.inputs = vec![ids[0]];
    graph.outputs = vec![ids[5]];
    Model {
        format: ModelFormat::Onnx,
        name: "net".into(),
        metadata: Vec::new(),
        opsets: Vec::new(),
        graph,
        functions: Vec::new(),
        warnings: Vec::new(),
    }
}

const OP_SUMMARY: &str = "Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats\n\
trans_TransData_0,TransData,static,AI_CORE,0,10,\"32,3,224,224\",FLOAT,NCHW,\"32,1,224,224,16\",FLOAT,NC1HWC0\n\
conv1conv1_relu,Conv2D,static,AI_CORE,10,100,\"32,3,224,224\",FLOAT16,NC1HWC0,\"32,64,112,112\",FLOAT16,NC1HWC0\n\
conv2,Conv2D,static,AI_CORE,110,50,,,,,,\n\
trans_Cast_1,Cast,static,AI_CORE,160,5,\"32,64,112,112\",FLOAT,NCHW,\"32,64,112,112\",FLOAT16,NCHW\n\
trans_TransData_2,TransData,static,AI_CORE,165,5,\"7,7\",FLOAT,NCHW,\"1,1,16,16\",FLOAT,FRACTAL_Z\n\
fc,MatMulV2,static,AI_CORE,170,20,,,,,,\n\
aclnnMatmul_MatMulV3Common_MatMulV3,MatMulV3,static,AI_CORE,190,7,,,,,,\n\
Gemm_9,Gemm,static,AI_CORE,197,3,,,,,,\n";

const FUSION_OP: &str = "Device_id,Model Name,Model ID,Fusion Op,Original Ops,Memory Input(KB),Memory Output(KB),Memory Weight(KB),Memory Workspace(KB),Memory Total(KB)\n\
0,net,1,conv1conv1_relu,scale_conv1;conv1;bn1;relu1,1,2,3,0,6\n";

fn render(join: &Join) -> String {
    let mut out = format!(
        "matched {:.3} of {:.3} us (share {:.4}); inserted {:.3} us\n",
        join.matched_us,
        join.total_us,
        join.matched_share(),
        join.inserted_us
    );
    for m in &join.matched {
        out.push_str(&format!(
            "match {} -> {:?} ({}) originals={:?} {} us\n",
            m.op,
            m.nodes,
            m.kind.id(),
            m.originals,
            m.total_us
        ));
    }
    for i in &join.inserted {
        out.push_str(&format!(
            "inserted {} [{}] {} us between={:?} tensor={:?}: {}\n",
            i.op, i.op_type, i.total_us, i.between, i.tensor, i.note
        ));
    }
    for u in &join.unmatched {
        out.push_str(&format!(
            "unmatched {} [{}] {} us: {}\n",
            u.op, u.op_type, u.total_us, u.reason
        ));
    }
    for (node, us) in &join.node_time {
        out.push_str(&format!("node {node} {us:.3}\n"));
    }
    out
}

fn check(files: &[(&str, &str)], model: &Model, expect: Expect) -> Join {
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(name, text)| InputFile::new(*name, text.as_bytes().to_vec()))
        .collect();
    let import = import_profile(&inputs);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    let joined = join(&import.profile, model);
    expect.assert_eq(&render(&joined));
    joined
}

#[test]
fn fused_scoped_inserted_and_unmatched_ops() {
    let joined = check(
        &[
            ("op_summary_1.csv", OP_SUMMARY),
            ("fusion_op_1.csv", FUSION_OP),
        ],
        &model(),
        expect![[r#"
            matched 170.000 of 200.000 us (share 0.8500); inserted 20.000 us
            match conv1conv1_relu -> ["conv1", "bn1", "relu1"] (fused) originals=["scale_conv1", "conv1", "bn1", "relu1"] 100 us
            match conv2 -> ["backbone/layer1/conv2"] (scope_stripped) originals=[] 50 us
            match fc -> ["fc"] (exact) originals=[] 20 us
            inserted trans_TransData_0 [TransData] 10 us between=Some(("input x", "conv1")) tensor=Some("x"): the only edge with shape [32,3,224,224]
            inserted trans_Cast_1 [Cast] 5 us between=None tensor=None: 3 edges have shape [32,64,112,112]; not placed
            inserted trans_TransData_2 [TransData] 5 us between=None tensor=None: no edge with shape [7,7]; not placed
            unmatched aclnnMatmul_MatMulV3Common_MatMulV3 [MatMulV3] 7 us: a torch_npu kernel name: only the op type `MatMulV3` is known (0 nodes of that type in the model); a type never claims a node
            unmatched Gemm_9 [Gemm] 3 us: no node named `Gemm_9`; 1 nodes have its type `Gemm` but a type never claims a node
            node backbone/layer1/conv2 50.000
            node bn1 33.333
            node conv1 33.333
            node relu1 33.333
            node fc 20.000
        "#]],
    );
    assert_eq!(
        joined.nodes_of("conv1conv1_relu"),
        Some(&["conv1".to_string(), "bn1".into(), "relu1".into()][..])
    );
}

#[test]
fn ge_graph_node_with_original_names_attribute() {
    // A GE graph after fusion: the profiled name is a node, which lists its original ops.
    let mut model = model();
    model.graph.nodes[0].name = "conv1conv1_relu".into();
    model.graph.nodes[0].attrs.push(Attr {
        name: "_datadump_original_op_names".into(),
        value: AttrValue::Strings(vec![
            "scale_conv1".into(),
            "conv1".into(),
            "bn1".into(),
            "relu1".into(),
        ]),
    });
    check(
        &[("op_summary_1.csv", "Op Name,OP Type,Task Type,Task Duration(us)\nconv1conv1_relu,Conv2D,AI_CORE,100\nnot_there,Relu,AI_CORE,25\n")],
        &model,
        expect![[r#"
            matched 100.000 of 125.000 us (share 0.8000); inserted 0.000 us
            match conv1conv1_relu -> ["conv1conv1_relu"] (exact) originals=["scale_conv1", "conv1", "bn1", "relu1"] 100 us
            unmatched not_there [Relu] 25 us: no node named `not_there`; 1 nodes have its type `Relu` but a type never claims a node
            node conv1conv1_relu 100.000
        "#]],
    );
}

#[test]
fn per_type_statistics_match_no_node() {
    check(
        &[(
            "op_statistic.csv",
            "OP Type,Core Type,Count,Total Time(us)\nConv2D,AI_CORE,2,150\n",
        )],
        &model(),
        expect![[r#"
            matched 0.000 of 150.000 us (share 0.0000); inserted 0.000 us
            unmatched Conv2D [Conv2D] 150 us: only per-type statistics (op_statistic) were given; give op_summary or kernel_details to match nodes
        "#]],
    );
}

#[test]
fn report_with_model_has_matched_share_and_node_names() {
    let import = import_profile(&[
        InputFile::new("op_summary_1.csv", OP_SUMMARY.as_bytes().to_vec()),
        InputFile::new("fusion_op_1.csv", FUSION_OP.as_bytes().to_vec()),
    ]);
    let joined = join(&import.profile, &model());
    let report = report::build(
        &import,
        Some(&joined),
        &ProfileOptions {
            top: 3,
            ai_core_num: None,
        },
    );
    let value = serde_json::to_value(&report).unwrap_or_default();
    assert_eq!(value["matched_share"], 0.85);
    assert_eq!(value["hotspots"][0]["op"], "conv1conv1_relu");
    assert_eq!(
        value["hotspots"][0]["nodes"],
        serde_json::json!(["conv1", "bn1", "relu1"])
    );
    assert_eq!(value["unmatched"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        value["inserted"][0]["between"],
        serde_json::json!(["input x", "conv1"])
    );
    // The conversions (20 us of 200 us compute) are reported at the edge they sit on.
    let transdata: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "transdata-overhead")
        .collect();
    assert_eq!(transdata.len(), 3);
    assert_eq!(transdata[0].nodes, ["input x", "conv1"]);
    assert_eq!(
        transdata[0].message,
        "TransData NCHW → NC1HWC0: 1 kernels, 10.0 us (5.0% of compute time); placed on 1 edges"
    );
}

#[test]
fn resnet50_sample_model_from_onnx_bytes() {
    // The bundled ResNet-50 (ONNX bytes written by code): the first conv's and the head's names,
    // plus the input TransData, which lands on the only [1,3,224,224] edge.
    let model = opscope_engine::import_model(&InputFile::new(
        "resnet50.onnx",
        opscope_engine::samples::resnet50(),
    ))
    .unwrap_or_else(|err| panic!("{err}"));
    let convs: Vec<&str> = model
        .graph
        .nodes
        .iter()
        .filter(|n| n.op_type == "Conv")
        .map(|n| n.name.as_str())
        .collect();
    let gemm = model
        .graph
        .nodes
        .iter()
        .find(|n| n.op_type == "Gemm")
        .map(|n| n.name.clone())
        .unwrap_or_default();
    assert!(convs.len() > 50 && !gemm.is_empty());
    let csv = format!(
        "Op Name,OP Type,Task Type,Task Duration(us),Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats\n\
trans_TransData_0,TransData,AI_CORE,6,\"1,3,224,224\",FLOAT,NCHW,\"1,1,224,224,16\",FLOAT16,NC1HWC0\n\
{},Conv2D,AI_CORE,40,,,,,,\n{gemm},MatMulV2,AI_CORE,14,,,,,,\n",
        convs[0]
    );
    let import = import_profile(&[InputFile::new("op_summary_0.csv", csv.into_bytes())]);
    let joined = join(&import.profile, &model);
    assert_eq!(joined.matched_us, 54.0);
    assert_eq!(joined.matched_share(), 0.9);
    let first_conv_input = model
        .graph
        .nodes
        .iter()
        .find(|n| n.name == convs[0])
        .and_then(|n| n.inputs[0]);
    let input_name = first_conv_input
        .map(|t| model.graph.tensors[t].name.clone())
        .unwrap_or_default();
    assert_eq!(
        joined.inserted[0].between,
        Some((format!("input {input_name}"), convs[0].to_string()))
    );
}

#[test]
fn every_matched_op_is_found_by_name() {
    // One row per node of the bundled ResNet-50, in node order: the lookup must find each one
    // whatever the order the join keeps its matches in.
    let model = opscope_engine::open_model(&InputFile::new(
        "resnet50.onnx",
        opscope_engine::samples::resnet50(),
    ))
    .expect("sample imports");
    let mut csv = String::from("Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n");
    for (idx, node) in model.graph.nodes.iter().enumerate() {
        csv.push_str(&format!(
            "{},T,AI_CORE,{},{}\n",
            node.name,
            idx * 10,
            1 + idx % 7
        ));
    }
    csv.push_str("ghost,Cast,AI_CPU,5000,25\n");
    let import = opscope_engine::profile::import_profile(&[InputFile::new(
        "op_summary_1.csv",
        csv.into_bytes(),
    )]);
    let joined = opscope_engine::profile::join(&import.profile, &model);
    assert_eq!(joined.matched.len(), model.graph.nodes.len());
    for node in &model.graph.nodes {
        assert_eq!(
            joined.nodes_of(&node.name),
            Some(&[node.name.clone()][..]),
            "{}",
            node.name
        );
    }
    assert_eq!(joined.nodes_of("ghost"), None);
}
