//! Caffe importer tests: nets written by code (prototxt text, V1 `layers`, caffemodels), rendered
//! with `dump_model` and compared with inline goldens; the pairing rules of multi-file import;
//! then the bad-input suite (text errors with line and column, binary errors with byte offset
//! and field path, fuzzing).

use crate::samples::XorShift;
use expect_test::{expect, Expect};
use prost::Message;

use super::*;
use crate::formats::{detect, import_model, import_models};
use crate::ir::{dump_model, AttrValue, TensorKind};
use crate::report::{inspect, InspectOptions, InspectReport};
use crate::samples::{
    caffe_alexnet, caffe_mobilenet_v1, caffe_residual_chain, caffe_resnet50, BlobData, CaffeInput,
    CaffeWriter, ConvSpec, PoolMethod,
};

fn import_text(text: &str) -> Result<Model, ImportError> {
    import_model(&InputFile::new("net.prototxt", text.as_bytes().to_vec()))
}

fn check(text: &str, expected: Expect) {
    let model = import_text(text).unwrap_or_else(|err| panic!("{err}"));
    let mut dump = dump_model(&model);
    for warning in &model.warnings {
        dump.push_str(&format!("warning: {warning}\n"));
    }
    expected.assert_eq(&dump);
}

fn report(model: &Model) -> InspectReport {
    inspect(
        model,
        InspectOptions {
            with_tensors: false,
        },
    )
}

/// A residual block small enough to read: in-place BatchNorm/Scale/ReLU, a shortcut, Eltwise.
fn tiny_block() -> CaffeWriter {
    let mut w = CaffeWriter::new("tiny");
    let x = w.input("data", &[1, 3, 8, 8], CaffeInput::Dims);
    let x = w.conv("conv1", &x, ConvSpec::new(4, 3).pad(1).no_bias());
    w.batch_norm("conv1/bn", &x, true);
    w.scale("conv1/scale", &x, true);
    w.relu("conv1/relu", &x, true);
    let y = w.conv("conv2", &x, ConvSpec::new(4, 3).pad(1));
    let sum = w.eltwise_sum("sum", &x, &y);
    let pool = w.pool("pool", &sum, PoolMethod::Max, 2, 2);
    w.softmax("prob", &pool);
    w
}

#[test]
fn writer_emits_caffe_style_text() {
    expect![[r#"
        name: "tiny"
        input: "data"
        input_dim: 1
        input_dim: 3
        input_dim: 8
        input_dim: 8
        layer {
          name: "conv1"
          type: "Convolution"
          bottom: "data"
          top: "conv1"
          convolution_param {
            num_output: 4
            bias_term: false
            pad: 1
            kernel_size: 3
          }
        }
        layer {
          name: "conv1/bn"
          type: "BatchNorm"
          bottom: "conv1"
          top: "conv1"
          batch_norm_param {
            use_global_stats: true
          }
        }
        layer {
          name: "conv1/scale"
    "#]]
    .assert_eq(
        &tiny_block()
            .prototxt()
            .lines()
            .take(29)
            .fold(String::new(), |acc, l| acc + l + "\n"),
    );
}

#[test]
fn in_place_layers_get_tensors_of_their_own() {
    check(
        &tiny_block().prototxt(),
        expect![[r#"
            caffe tiny
            inputs: data:f32[1,3,8,8]
            0 Convolution "conv1" (data:f32[1,3,8,8], conv1/0=f32?) -> conv1:f32?
            1 BatchNorm "conv1/bn" (conv1:f32?, conv1/bn/0=f32?, conv1/bn/1=f32?, conv1/bn/2=f32?) -> conv1:f32?
            2 Scale "conv1/scale" (conv1:f32?, conv1/scale/0=f32?, conv1/scale/1=f32?) -> conv1:f32?
            3 ReLU "conv1/relu" (conv1:f32?) -> conv1:f32?
            4 Convolution "conv2" (conv1:f32?, conv2/0=f32?, conv2/1=f32?) -> conv2:f32?
            5 Eltwise "sum" (conv1:f32?, conv2:f32?) -> sum:f32?
            6 Pooling "pool" (sum:f32?) -> pool:f32?
            7 Softmax "prob" (pool:f32?) -> prob:f32?
            outputs: prob:f32?
        "#]],
    );
    let model = import_text(&tiny_block().prototxt()).unwrap();
    let graph = &model.graph;
    // Four values named `conv1`, one per writer, each read by the next layer only.
    let conv1: Vec<_> = (0..graph.tensors.len())
        .filter(|&id| graph.tensors[id].name == "conv1")
        .collect();
    assert_eq!(conv1.len(), 4);
    let producers: Vec<_> = conv1.iter().map(|&id| graph.tensors[id].producer).collect();
    assert_eq!(producers, vec![Some(0), Some(1), Some(2), Some(3)]);
    // The ReLU's output feeds conv2 and the Eltwise.
    assert_eq!(graph.tensors[conv1[3]].consumers, vec![4, 5]);
    assert_eq!(graph.edge_count(), 8);
    assert_eq!(graph.nodes[1].scope, vec!["conv1".to_string()]);
}

#[test]
fn caffemodel_blob_shapes_become_weights() {
    let w = tiny_block();
    let model = import_model(&InputFile::new(
        "tiny.caffemodel",
        w.caffemodel(BlobData::ShapesOnly),
    ))
    .unwrap();
    expect![[r#"
        caffe tiny
        inputs: data:f32[1,3,8,8]
        0 Convolution "conv1" (data:f32[1,3,8,8], conv1/0=f32[4,3,3,3]) -> conv1:f32?
        1 BatchNorm "conv1/bn" (conv1:f32?, conv1/bn/0=f32[4], conv1/bn/1=f32[4], conv1/bn/2=f32[1]) -> conv1:f32?
        2 Scale "conv1/scale" (conv1:f32?, conv1/scale/0=f32[4], conv1/scale/1=f32[4]) -> conv1:f32?
        3 ReLU "conv1/relu" (conv1:f32?) -> conv1:f32?
        4 Convolution "conv2" (conv1:f32?, conv2/0=f32[4,4,3,3], conv2/1=f32[4]) -> conv2:f32?
        5 Eltwise "sum" (conv1:f32?, conv2:f32?) -> sum:f32?
        6 Pooling "pool" (sum:f32?) -> pool:f32?
        7 Softmax "prob" (pool:f32?) -> prob:f32?
        outputs: prob:f32?
    "#]]
    .assert_eq(&dump_model(&model));
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
    let weights = report(&model).weights;
    // 108 (conv1, no bias) + 4 + 4 + 1 (BatchNorm) + 4 + 4 (Scale) + 144 + 4 (conv2) floats.
    assert_eq!((weights.count, weights.bytes), (8, 273 * 4));
    // A caffemodel holds the layer parameters too.
    assert_eq!(
        model.graph.nodes[0].attr("num_output"),
        Some(&AttrValue::Int(4))
    );
}

#[test]
fn resnet50_prototxt_and_caffemodel() {
    let w = caffe_resnet50();
    assert_eq!(w.layer_count(), 228);
    let text_model = import_text(&w.prototxt()).unwrap();
    let text_report = report(&text_model);
    assert_eq!(
        (
            text_report.nodes,
            text_report.edges,
            text_report.weights.count
        ),
        (228, 243, 321)
    );
    assert_eq!(text_report.outputs[0].name, "prob");
    assert!(text_model.warnings.is_empty(), "{:?}", text_model.warnings);
    expect![[r#"
        {
            "BatchNorm": 53,
            "Convolution": 53,
            "Eltwise": 16,
            "InnerProduct": 1,
            "Pooling": 2,
            "ReLU": 49,
            "Scale": 53,
            "Softmax": 1,
        }
    "#]]
    .assert_debug_eq(&text_report.op_types);

    let binary = w.caffemodel(BlobData::ShapesOnly);
    let binary_model = import_model(&InputFile::new("ResNet-50.caffemodel", binary)).unwrap();
    let binary_report = report(&binary_model);
    assert_eq!((binary_report.nodes, binary_report.edges), (228, 243));
    // torchvision-style count: 25,557,032 parameters (conv1 here has a bias: +64), plus the
    // BatchNorm running statistics Caffe stores as blobs (mean, variance: 2 × 26,560; one scale
    // factor per BatchNorm: 53).
    assert_eq!(binary_report.weights.count, 321);
    assert_eq!(
        binary_report.weights.bytes / 4,
        25_557_032 + 64 + 2 * 26_560 + 53
    );
    let fc = binary_model.graph.tensor_by_name("fc1000/0").unwrap();
    assert_eq!(
        binary_model.graph.tensors[fc]
            .shape
            .as_ref()
            .map(|s| s.to_string()),
        Some("[1000,2048]".to_string())
    );
}

/// Shape inference (a later stage) over a prototxt alone gives every blob the shape the writer
/// computed, and every implied weight the shape the caffemodel states.
#[test]
fn inferred_shapes_agree_with_the_writer_and_the_caffemodel() {
    for w in [caffe_resnet50(), caffe_mobilenet_v1(), caffe_alexnet()] {
        let mut model = import_text(&w.prototxt()).unwrap();
        crate::shape::infer_shapes(&mut model);
        let stated = import_model(&InputFile::new(
            "net.caffemodel",
            w.caffemodel(BlobData::ShapesOnly),
        ))
        .unwrap();
        let graph = &model.graph;
        for tensor in &graph.tensors {
            let inferred = tensor.shape.as_ref().and_then(|s| s.known_dims());
            let expected = match tensor.kind {
                TensorKind::Weight => stated
                    .graph
                    .tensor_by_name(&tensor.name)
                    .and_then(|id| stated.graph.tensors[id].shape.as_ref())
                    .and_then(|s| s.known_dims()),
                _ => Some(w.shape(&tensor.name)),
            };
            assert_eq!(inferred, expected, "{} {}", model.name, tensor.name);
        }
    }
}

#[test]
fn mobilenet_with_an_input_layer() {
    let w = caffe_mobilenet_v1();
    let model = import_text(&w.prototxt()).unwrap();
    let graph = &model.graph;
    let summary = report(&model);
    // The Input layer is a node, and its top is the graph input.
    assert_eq!((summary.nodes, summary.edges), (112, 111));
    assert_eq!(graph.nodes[0].op_type, "Input");
    assert_eq!(summary.inputs.len(), 1);
    assert_eq!(
        summary.inputs[0].shape.as_ref().map(|s| s.to_string()),
        Some("[1,3,224,224]".to_string())
    );
    assert_eq!(graph.tensors[graph.inputs[0]].producer, Some(0));
    assert_eq!(graph.tensors[graph.inputs[0]].kind, TensorKind::Input);
    assert_eq!(
        graph.nodes[0].attr("shape"),
        Some(&AttrValue::IntLists(vec![vec![1, 3, 224, 224]]))
    );
    let depthwise = &graph.nodes[5];
    assert_eq!(depthwise.name, "conv2_1/dw");
    assert_eq!(depthwise.scope, vec!["conv2_1".to_string()]);
    let rendered: Vec<String> = depthwise
        .attrs
        .iter()
        .map(|a| format!("{}={}", a.name, a.value.display()))
        .collect();
    expect![[r#"
        [
            "num_output=32",
            "bias_term=false",
            "pad=[1]",
            "kernel_size=[3]",
            "group=32",
        ]
    "#]]
    .assert_debug_eq(&rendered);
}

#[test]
fn v1_layers_map_to_v2_types() {
    let w = caffe_alexnet();
    let text = w.prototxt_v1();
    assert!(
        text.contains("layers {\n  name: \"conv1\"\n  type: CONVOLUTION\n"),
        "{text}"
    );
    let model = import_text(&text).unwrap();
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
    let summary = report(&model);
    expect![[r#"
        {
            "Convolution": 5,
            "Dropout": 2,
            "InnerProduct": 3,
            "LRN": 2,
            "Pooling": 3,
            "ReLU": 7,
            "Softmax": 1,
        }
    "#]]
    .assert_debug_eq(&summary.op_types);
    assert_eq!((summary.nodes, summary.edges), (23, 22));
    assert_eq!(
        model.metadata[0],
        ("layer format".to_string(), "layers (V1)".to_string())
    );
    let lrn = &model.graph.nodes[2];
    assert_eq!(lrn.attr("local_size"), Some(&AttrValue::Int(5)));
    assert_eq!(lrn.attr("alpha"), Some(&AttrValue::Float(0.0001)));

    // An old caffemodel: V1 layers whose blobs carry the legacy 4D num/channels/height/width.
    let model = import_model(&InputFile::new("alexnet.caffemodel", w.caffemodel_v1())).unwrap();
    let graph = &model.graph;
    let shape_of = |name: &str| {
        graph
            .tensor_by_name(name)
            .and_then(|id| graph.tensors[id].shape.as_ref())
            .map(|s| s.to_string())
    };
    assert_eq!(shape_of("conv2/0").as_deref(), Some("[256,48,5,5]"));
    assert_eq!(shape_of("fc6/0").as_deref(), Some("[1,1,4096,9216]"));
    assert_eq!(shape_of("fc6/1").as_deref(), Some("[1,1,1,4096]"));
    assert_eq!(report(&model).weights.count, 16);
}

#[test]
fn attributes_keep_schema_names_and_types() {
    let text = r#"
name: "attrs"
input: "data"
input_shape { dim: 1 dim: 16 dim: 19 dim: 19 }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
  convolution_param { num_output: 8 kernel_h: 3 kernel_w: 1 pad_h: 1 stride: 1 stride: 2 dilation: 2
    weight_filler { type: "xavier" } engine: CAFFE } }
layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool"
  pooling_param { pool: AVE kernel_size: 3 stride: 2 round_mode: FLOOR global_pooling: false } }
layer { name: "interp" type: "Interp" bottom: "pool" top: "interp"
  interp_param { zoom_factor: 2 pad_beg: 0 } }
layer { name: "up" type: "Upsample" bottom: "interp" top: "up" upsample_param { scale: 2 } }
layer { name: "perm" type: "Permute" bottom: "up" top: "perm" permute_param { order: 0 order: 2 order: 3 order: 1 } }
layer { name: "flat" type: "Flatten" bottom: "perm" top: "flat" flatten_param { axis: 1 } }
layer { name: "shape" type: "Reshape" bottom: "flat" top: "shape"
  reshape_param { shape { dim: 0 dim: -1 dim: 4 } } }
layer { name: "prior" type: "PriorBox" bottom: "conv" bottom: "data" top: "prior"
  prior_box_param { min_size: 30.0 max_size: 60.0 aspect_ratio: 2 flip: true clip: false
    variance: 0.1 variance: 0.1 variance: 0.2 variance: 0.2 step: 8 offset: 0.5 } }
layer { name: "det" type: "DetectionOutput" bottom: "shape" bottom: "prior" top: "det"
  detection_output_param { num_classes: 21 share_location: true background_label_id: 0
    nms_param { nms_threshold: 0.45 top_k: 400 } code_type: CENTER_SIZE keep_top_k: 200
    confidence_threshold: 0.01 } }
layer { name: "sum" type: "Eltwise" bottom: "det" bottom: "det" top: "sum"
  eltwise_param { operation: PROD coeff: 1 coeff: -1 } }
layer { name: "slice" type: "Slice" bottom: "sum" top: "a" top: "b" slice_param { axis: 1 slice_point: 2 } }
layer { name: "yolo" type: "YoloV3DetectionOutput" bottom: "a" top: "boxes"
  yolov3_detection_output_param { classes: 80 biases_high: 10 biases_high: 13 } }
layer { name: "drop" type: "Dropout" bottom: "b" top: "b" dropout_param { dropout_ratio: 0.1 } }
"#;
    let model = import_text(text).unwrap();
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
    let rendered: Vec<String> = model
        .graph
        .nodes
        .iter()
        .map(|node| {
            let attrs: Vec<String> = node
                .attrs
                .iter()
                .map(|a| format!("{}={:?}", a.name, a.value))
                .collect();
            format!("{}: {}", node.op_type, attrs.join(" "))
        })
        .collect();
    expect![[r#"
        [
            "Convolution: num_output=Int(8) stride=Ints([1, 2]) pad_h=Int(1) kernel_h=Int(3) kernel_w=Int(1) engine=String(\"CAFFE\") dilation=Ints([2])",
            "Pooling: pool=String(\"AVE\") kernel_size=Int(3) stride=Int(2) global_pooling=Bool(false) round_mode=String(\"FLOOR\")",
            "Interp: zoom_factor=Int(2) pad_beg=Int(0)",
            "Upsample: scale=Float(2.0)",
            "Permute: order=Ints([0, 2, 3, 1])",
            "Flatten: axis=Int(1)",
            "Reshape: shape=Ints([0, -1, 4])",
            "PriorBox: min_size=Floats([30.0]) max_size=Floats([60.0]) aspect_ratio=Floats([2.0]) flip=Bool(true) clip=Bool(false) variance=Floats([0.1, 0.1, 0.2, 0.2]) step=Float(8.0) offset=Float(0.5)",
            "DetectionOutput: num_classes=Int(21) share_location=Bool(true) background_label_id=Int(0) code_type=String(\"CENTER_SIZE\") keep_top_k=Int(200) confidence_threshold=Float(0.01)",
            "Eltwise: operation=String(\"PROD\") coeff=Floats([1.0, -1.0])",
            "Slice: slice_point=Ints([2]) axis=Int(1)",
            "YoloV3DetectionOutput: classes=Int(80) biases_high=Floats([10.0, 13.0])",
            "Dropout: dropout_ratio=Float(0.1)",
        ]
    "#]]
    .assert_debug_eq(&rendered);
    // `input_shape` shapes the declared input; a two-top layer gives two tensors.
    let graph = &model.graph;
    assert_eq!(
        graph.tensors[graph.inputs[0]]
            .shape
            .as_ref()
            .map(|s| s.to_string()),
        Some("[1,16,19,19]".to_string())
    );
    assert_eq!(graph.nodes[10].outputs.len(), 2);
    // Outputs: the boxes, and the in-place Dropout's value of `b`.
    let outputs: Vec<&str> = graph
        .outputs
        .iter()
        .map(|&id| graph.tensors[id].name.as_str())
        .collect();
    assert_eq!(outputs, vec!["boxes", "b"]);
}

#[test]
fn train_val_nets_keep_the_test_phase() {
    check(
        r#"
name: "LeNet"
layer { name: "mnist" type: "Data" top: "data" top: "label" include { phase: TRAIN }
  transform_param { scale: 0.00390625 } data_param { source: "train_lmdb" batch_size: 64 backend: LMDB } }
layer { name: "mnist" type: "Data" top: "data" top: "label" include { phase: TEST }
  transform_param { scale: 0.00390625 } data_param { source: "test_lmdb" batch_size: 100 backend: LMDB } }
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" param { lr_mult: 1 } param { lr_mult: 2 }
  inner_product_param { num_output: 10 weight_filler { type: "xavier" } bias_filler { type: "constant" } } }
layer { name: "accuracy" type: "Accuracy" bottom: "ip" bottom: "label" top: "accuracy" include { phase: TEST } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
layer { name: "staged" type: "ReLU" bottom: "ip" top: "staged" include { stage: "deploy" } }
layer { name: "not_test" type: "ReLU" bottom: "ip" top: "not_test" exclude { phase: TEST } }
"#,
        expect![[r#"
            caffe LeNet
            inputs: 
            0 Data "mnist" () -> data:f32?, label:f32?
            1 InnerProduct "ip" (data:f32?, ip/0=f32?, ip/1=f32?) -> ip:f32?
            2 Accuracy "accuracy" (ip:f32?, label:f32?) -> accuracy:f32?
            3 SoftmaxWithLoss "loss" (ip:f32?, label:f32?) -> loss:f32?
            outputs: accuracy:f32?, loss:f32?
            warning: net.prototxt: 3 layers are not part of the TEST-phase (deploy) net and were left out by their include/exclude rules: `mnist`, `staged`, `not_test`
        "#]],
    );
    let model = import_text(
        "name: 'staged' state { stage: 'deploy' level: 2 }\n\
         layer { name: 'a' type: 'Input' top: 'x' input_param { shape { dim: 2 } } }\n\
         layer { name: 'b' type: 'ReLU' bottom: 'x' top: 'y' include { stage: 'deploy' min_level: 1 } }\n\
         layer { name: 'c' type: 'ReLU' bottom: 'x' top: 'z' include { max_level: 1 } }\n",
    )
    .unwrap();
    let names: Vec<&str> = model.graph.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, vec!["a", "b"]);
}

#[test]
fn odd_wiring_is_kept_with_warnings() {
    check(
        r#"
input: "data"
input_dim: 1 input_dim: 2
layer { name: "a" type: "ReLU" bottom: "ghost" top: "a" }
layer { name: "b" type: "ReLU" bottom: "a" top: "data" }
layer { type: "" bottom: "data" top: "c" }
"#,
        expect![[r#"
            caffe net
            inputs: data:f32?
            0 ReLU "a" (ghost:f32?) -> a:f32?
            1 ReLU "b" (a:f32?) -> data:f32?
            2  "" (data:f32?) -> c:f32?
            outputs: c:f32?
            warning: net.prototxt: 2 `input_dim`s for 1 inputs (Caffe wants 4 each); dims were given to inputs in order
            warning: net.prototxt: input `data` has no `input_shape` or `input_dim`; its shape is unknown
            warning: net.prototxt: layer `a` reads blob `ghost`, which no earlier layer writes and no input declares
            warning: net.prototxt: layer `b` writes blob `data`, which an earlier layer or input already wrote; later layers read the new value
            warning: net.prototxt: layer `#2` has no type
        "#]],
    );
}

#[test]
fn text_format_variants_parse() {
    // Single quotes, `<>` blocks, `;` and `,` separators, list syntax, comments, a BOM, CRLF.
    let text = "\u{feff}# a comment\r\nname: 'v' ; input: \"x\"\r\ninput_shape < dim: [1, 3] >\r\nlayer < name: 'r', type: \"ReLU\" bottom: 'x' top: 'x' >\r\n";
    let model = import_text(text).unwrap();
    assert_eq!(model.name, "v");
    assert_eq!(model.graph.nodes.len(), 1);
    assert_eq!(
        model.graph.tensors[model.graph.inputs[0]]
            .shape
            .as_ref()
            .map(|s| s.to_string()),
        Some("[1,3]".to_string())
    );
}

// ---- multi-file import ----

fn files_of(models: &[crate::formats::ImportedModel]) -> Vec<String> {
    models
        .iter()
        .map(|m| {
            let how = m
                .pairing
                .map(|p| format!(" ({})", p.describe()))
                .unwrap_or_default();
            let outcome = match &m.result {
                Ok(model) => format!(
                    "{} nodes, {} weights",
                    model.graph.nodes.len(),
                    report(model).weights.bytes
                ),
                Err(err) => format!("error: {err}"),
            };
            format!("{}{how}: {outcome}", m.files.join(" + "))
        })
        .collect()
}

fn caffemodel_named(net_name: &str) -> Vec<u8> {
    let mut net =
        pb::NetParameter::decode(tiny_block().caffemodel(BlobData::ShapesOnly).as_slice()).unwrap();
    net.name = Some(net_name.to_string());
    net.encode_to_vec()
}

fn prototxt_named(net_name: &str) -> Vec<u8> {
    tiny_block()
        .prototxt()
        .replacen("name: \"tiny\"", &format!("name: \"{net_name}\""), 1)
        .into_bytes()
}

#[test]
fn caffemodels_pair_by_name_then_stem_then_as_the_only_pair() {
    let onnx = crate::samples::residual_chain(
        8,
        crate::samples::WeightStorage::External {
            location: "w".to_string(),
        },
    );
    let files = vec![
        InputFile::new("deploy.prototxt", prototxt_named("alpha")),
        InputFile::new("model.onnx", onnx),
        InputFile::new("beta.prototxt", prototxt_named("beta")),
        InputFile::new("snapshot_iter_100.caffemodel", caffemodel_named("alpha")),
        InputFile::new("beta.caffemodel", caffemodel_named("other")),
        InputFile::new("gamma.prototxt", prototxt_named("gamma")),
        InputFile::new("delta.caffemodel", caffemodel_named("delta")),
    ];
    expect![[r#"
        [
            "deploy.prototxt + snapshot_iter_100.caffemodel (same net name): 8 nodes, 1092 weights",
            "model.onnx: 9 nodes, 590848 weights",
            "beta.prototxt + beta.caffemodel (same file name): 8 nodes, 1092 weights",
            "gamma.prototxt + delta.caffemodel (the only prototxt and caffemodel): 8 nodes, 1092 weights",
        ]
    "#]]
    .assert_debug_eq(&files_of(&import_models(&files)));
    let paired = import_models(&files).remove(0).result.unwrap();
    assert_eq!(
        paired.metadata[1],
        (
            "weights".to_string(),
            "snapshot_iter_100.caffemodel".to_string()
        )
    );
}

#[test]
fn leftovers_and_bad_files_do_not_lose_the_others() {
    let files = vec![
        InputFile::new("a.caffemodel", caffemodel_named("a")),
        InputFile::new("broken.prototxt", b"name: \"a\"\nlayer {\n".to_vec()),
        InputFile::new("b.caffemodel", caffemodel_named("b")),
        InputFile::new("c.prototxt", prototxt_named("c")),
        InputFile::new("d.prototxt", prototxt_named("d")),
        InputFile::new("empty.caffemodel", Vec::new()),
    ];
    expect![[r#"
        [
            "a.caffemodel: 8 nodes, 1092 weights",
            "broken.prototxt: error: broken.prototxt: invalid Caffe file at line 3, column 1: expected '}' or a field name, but reached end of input",
            "b.caffemodel: 8 nodes, 1092 weights",
            "c.prototxt: 8 nodes, 0 weights",
            "d.prototxt: 8 nodes, 0 weights",
            "empty.caffemodel: error: empty.caffemodel: the file is empty",
        ]
    "#]]
    .assert_debug_eq(&files_of(&import_models(&files)));

    // Two snapshots of one net and one prototxt: the first pairs, the second stands alone.
    let files = vec![
        InputFile::new("net.prototxt", prototxt_named("n")),
        InputFile::new("n_iter_1.caffemodel", caffemodel_named("n")),
        InputFile::new("n_iter_2.caffemodel", caffemodel_named("n")),
    ];
    expect![[r#"
        [
            "net.prototxt + n_iter_1.caffemodel (same net name): 8 nodes, 1092 weights",
            "n_iter_2.caffemodel: 8 nodes, 1092 weights",
        ]
    "#]]
    .assert_debug_eq(&files_of(&import_models(&files)));
}

#[test]
fn explicit_pairs_match_layers_by_name() {
    // The caffemodel of a train net: extra layers with weights, one deploy layer missing.
    let mut train = tiny_block();
    train.inner_product("extra_fc", "prob", 3);
    let mut net =
        pb::NetParameter::decode(train.caffemodel(BlobData::ShapesOnly).as_slice()).unwrap();
    net.layer.retain(|l| l.name() != "conv2");
    let model = import_pair(
        &InputFile::new("deploy.prototxt", tiny_block().prototxt()),
        &InputFile::new("train.caffemodel", net.encode_to_vec()),
    )
    .unwrap();
    let graph = &model.graph;
    let conv1 = graph.tensor_by_name("conv1/0").unwrap();
    assert_eq!(graph.tensors[conv1].byte_size, Some(108 * 4));
    // conv2 has no weights in the caffemodel: its blobs stay unknown.
    let conv2 = graph.tensor_by_name("conv2/0").unwrap();
    assert_eq!(graph.tensors[conv2].shape, None);
    expect![[r#"
        [
            "train.caffemodel: 1 layers with weights have no layer of that name in deploy.prototxt and were ignored: `extra_fc`",
        ]
    "#]]
    .assert_debug_eq(&model.warnings);

    // A broken caffemodel: the net still loads, the warning carries the error.
    let model = import_pair(
        &InputFile::new("deploy.prototxt", tiny_block().prototxt()),
        &InputFile::new("cut.caffemodel", vec![0x0a, 0x05, b't']),
    )
    .unwrap();
    expect![[r#"
        [
            "cut.caffemodel: invalid Caffe file at byte 2, in NetParameter.name: more bytes: the data ends inside a field, or a length prefix points past its end (truncated download?); the net was read without its weights",
        ]
    "#]]
    .assert_debug_eq(&model.warnings);
}

// ---- detection ----

#[test]
fn every_format_detects_as_itself() {
    let external = crate::samples::WeightStorage::External {
        location: "w".to_string(),
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("resnet.onnx", crate::samples::resnet50(), "onnx"),
        (
            "chain.onnx",
            crate::samples::residual_chain(10, external),
            "onnx",
        ),
        (
            "resnet.prototxt",
            caffe_resnet50().prototxt().into_bytes(),
            "caffe",
        ),
        (
            "alexnet.prototxt",
            caffe_alexnet().prototxt_v1().into_bytes(),
            "caffe",
        ),
        (
            "resnet.caffemodel",
            caffe_resnet50().caffemodel(BlobData::ShapesOnly),
            "caffe",
        ),
        (
            "alexnet.caffemodel",
            caffe_alexnet().caffemodel_v1(),
            "caffe",
        ),
        // The name is only a hint: content decides.
        (
            "weights.bin",
            caffe_mobilenet_v1().caffemodel(BlobData::Zeros),
            "caffe",
        ),
        ("model.caffemodel", crate::samples::mobilenet_v2(), "onnx"),
    ];
    // The other formats' samples stay theirs (and theirs alone).
    let tf = crate::samples::tf_resnet50(crate::samples::TfWeights::Splat, false);
    let ge = crate::samples::ge_small();
    let others: Vec<(&str, Vec<u8>, &str)> = vec![
        ("resnet.pb", tf.binary(), "tensorflow"),
        ("resnet.pbtxt", tf.text().into_bytes(), "tensorflow"),
        ("ge_proto_small.txt", ge.to_text().into_bytes(), "ge_dump"),
        (
            "small.json",
            ge.to_json(crate::samples::JsonStyle::ATC).into_bytes(),
            "ge_json",
        ),
        (
            "small.om",
            ge.to_om(&crate::samples::OmOptions::atc()),
            "om",
        ),
    ];
    for (name, bytes, format) in cases.into_iter().chain(others) {
        let file = InputFile::new(name, bytes);
        assert_eq!(detect(&file).map(|spec| spec.id), Some(format), "{name}");
    }
    // Not Caffe: a solver, a TensorFlow text graph, a GE dump, an empty net.
    for text in [
        "net: \"train_val.prototxt\"\nbase_lr: 0.01\n",
        "node {\n  name: \"x\"\n  op: \"Placeholder\"\n}\n",
        "name: \"ge\"\ngraph {\n  name: \"g\"\n}\n",
        "name: \"only a name\"\n",
        "name: \"no layers\"\ninput: \"data\"\ninput_dim: 1\n",
    ] {
        assert_eq!(sniff::sniff(text.as_bytes()), 0, "{text}");
    }
    // Many inputs before the first layer, and a fork's top-level field: still a net.
    let mut many_inputs = String::from("name: \"multi\"\n");
    for idx in 0..20 {
        many_inputs.push_str(&format!("input: \"in{idx}\"\n"));
        many_inputs.push_str(&"input_dim: 1\n".repeat(4));
    }
    many_inputs.push_str(
        "layer { name: \"c\" type: \"Concat\" bottom: \"in0\" bottom: \"in1\" top: \"c\" }\n",
    );
    assert_eq!(sniff::sniff(many_inputs.as_bytes()), 80);
    assert_eq!(sniff::sniff(b"fork_option: 3\nlayer { name: \"a\" }\n"), 50);
}

// ---- bad input: every case is an error that names the file and the place, never a panic ----

fn text_error(text: &str) -> String {
    match import_text(text) {
        Ok(model) => panic!("expected an error, got {} nodes", model.graph.nodes.len()),
        Err(err) => err.to_string(),
    }
}

#[test]
fn text_errors_name_line_and_column() {
    expect!["net.prototxt: invalid Caffe file at line 3, column 15: invalid string character"]
        .assert_eq(&text_error(
            "name: \"n\"\nlayer {\n  name: \"conv1\n  type: \"ReLU\"\n}\n",
        ));
    // Wrong nesting: a closer too many, a block never closed, a block where a value belongs.
    expect!["net.prototxt: invalid Caffe file at line 2, column 34: expected a field name, but found '}'"]
        .assert_eq(&text_error("name: \"n\"\nlayer { name: \"a\" type: \"ReLU\" } }\n"));
    expect!["net.prototxt: invalid Caffe file at line 4, column 1: expected '}' or a field name, but reached end of input"]
        .assert_eq(&text_error("name: \"n\"\nlayer { name: \"a\"\n  convolution_param { num_output: 3 }\n"));
    expect![
        "net.prototxt: invalid Caffe file at line 1, column 15: expected a string, but found '{'"
    ]
    .assert_eq(&text_error("layer { name: { type: \"x\" } }"));
    // Wrong value types.
    expect![[r#"net.prototxt: invalid Caffe file at line 1, column 71: expected an integer, but found '"three"'"#]]
        .assert_eq(&text_error("layer { name: \"c\" type: \"Convolution\" convolution_param { num_output: \"three\" } }"));
    expect!["net.prototxt: invalid Caffe file at line 1, column 57: value 'MAXIMUM' was not found for enum 'caffe.PoolingParameter.PoolMethod'"]
        .assert_eq(&text_error("layer { name: \"p\" type: \"Pooling\" pooling_param { pool: MAXIMUM } }"));
    // V1 types are enum names, not strings.
    expect![[r#"net.prototxt: invalid Caffe file at line 1, column 27: expected an enum value, but found '"CONVOLUTION"'"#]].assert_eq(&text_error("layers { name: \"v1\" type: \"CONVOLUTION\" }"));
    expect!["net.prototxt: invalid Caffe file at line 3, column 1, in byte 18: UTF-8 text (the file holds bytes that are not UTF-8; is it binary?)"]
        .assert_eq(&{
            let mut bytes = b"name: \"n\"\nlayer {\n".to_vec();
            bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
            import_model(&InputFile::new("net.prototxt", bytes)).unwrap_err().to_string()
        });
}

#[test]
fn unknown_fields_are_skipped_with_line_and_column() {
    check(
        "name: \"custom\"\ninput: \"x\"\ninput_dim: 1\ninput_dim: 2\ninput_dim: 3\ninput_dim: 4\nlayer {\n  name: \"a\"\n  type: \"MyLayer\"\n  bottom: \"x\"\n  top: \"y\"\n  my_layer_param { gain: 2 nested { deep: [1, 2] } }\n  convolution_param { num_output: 2 fancy: true }\n}\nfuture_field: 3\n",
        expect![[r#"
            caffe custom
            inputs: x:f32[1,2,3,4]
            0 MyLayer "a" (x:f32[1,2,3,4]) -> y:f32?
            outputs: y:f32?
            warning: net.prototxt: line 12, column 3: field `my_layer_param` is not part of caffe.LayerParameter and was skipped
            warning: net.prototxt: line 13, column 37: field `fancy` is not part of caffe.ConvolutionParameter and was skipped
            warning: net.prototxt: line 15, column 1: field `future_field` is not part of caffe.NetParameter and was skipped
        "#]],
    );
}

#[test]
fn the_graph_view_carries_the_warnings_for_the_page() {
    let text = "name: \"w\"\ninput: \"x\"\ninput_dim: 1\ninput_dim: 2\ninput_dim: 3\ninput_dim: 4\nlayer { name: \"r\" type: \"ReLU\" bottom: \"x\" top: \"y\" relu_param { slope: 0 } }\nfuture_field: 3\n";
    let model = crate::open_model(&InputFile::new("net.prototxt", text.as_bytes().to_vec()))
        .expect("a net with an unknown field still opens");
    let view = crate::report::graph_view(&model);
    expect![[r#"
        [
            "net.prototxt: line 7, column 66: field `slope` is not part of caffe.ReLUParameter and was skipped",
            "net.prototxt: line 8, column 1: field `future_field` is not part of caffe.NetParameter and was skipped",
        ]
    "#]]
    .assert_debug_eq(&view.warnings);
}

fn binary_error(bytes: &[u8]) -> String {
    match import_model(&InputFile::new("bad.caffemodel", bytes.to_vec())) {
        Ok(model) => panic!("expected an error, got {} nodes", model.graph.nodes.len()),
        Err(err) => err.to_string(),
    }
}

#[test]
fn binary_errors_name_byte_and_field() {
    // name "t", then a layer claiming 100 bytes but holding 4.
    let bytes = [0x0a, 0x01, b't', 0xa2, 0x06, 100, 0x0a, 0x02, b'c', b'1'];
    expect!["bad.caffemodel: invalid Caffe file at byte 6, in NetParameter.layer[0]: more bytes: the data ends inside a field, or a length prefix points past its end (truncated download?)"]
        .assert_eq(&binary_error(&bytes));
    // The last layer cut short: its length prefix points past the end.
    let mut w = CaffeWriter::new("cut");
    let x = w.input("data", &[1, 2, 4, 4], CaffeInput::Shape);
    let x = w.conv("a", &x, ConvSpec::new(2, 1));
    w.conv("b", &x, ConvSpec::new(77, 1));
    let full = w.caffemodel(BlobData::ShapesOnly);
    expect!["bad.caffemodel: invalid Caffe file at byte 74, in NetParameter.layer[1]: more bytes: the data ends inside a field, or a length prefix points past its end (truncated download?)"].assert_eq(&binary_error(&full[..full.len() - 3]));
    // An invalid wire type deep inside: the first blob of layer `b` (dims 77, 2, 1, 1).
    let mut broken = full.clone();
    let at = broken
        .windows(4)
        .position(|w| w == [0x0a, 0x04, 77, 2])
        .unwrap();
    broken[at] = 0x0e;
    expect!["bad.caffemodel: invalid Caffe file at byte 108, in NetParameter.layer[1] > LayerParameter.blobs[0] > BlobProto.shape > BlobShape.dim[0]: a field encoded as the schema says (invalid wire type value: 6)"].assert_eq(&binary_error(&broken));
}

#[test]
fn fork_parameters_with_other_numbers_keep_the_structure() {
    // A layer whose field 106 (our convolution_param) holds a varint, as a fork might.
    let mut layer = crate::samples::caffe_layer("a", "Weird", &["x"], &["y"]).encode_to_vec();
    layer.extend_from_slice(&[0xd0, 0x06, 7]);
    let mut bytes = vec![0x0a, 0x04, b'f', b'o', b'r', b'k', 0xa2, 0x06];
    prost::encoding::encode_varint(layer.len() as u64, &mut bytes);
    bytes.extend_from_slice(&layer);
    let model = import_model(&InputFile::new("fork.caffemodel", bytes)).unwrap();
    assert_eq!(model.graph.nodes.len(), 1);
    expect![[r#"
        [
            "fork.caffemodel: invalid Caffe file at byte 27, in NetParameter.layer[0] > LayerParameter.convolution_param: a field encoded as the schema says (invalid wire type: Varint (expected LengthDelimited)); the layer parameters were skipped (a Caffe fork with other field numbers?) and the net read without them",
            "fork.caffemodel: layer `a` reads blob `x`, which no earlier layer writes and no input declares",
        ]
    "#]]
    .assert_debug_eq(&model.warnings);
}

#[test]
fn truncated_caffemodels_never_panic() {
    let bytes = caffe_mobilenet_v1().caffemodel(BlobData::ShapesOnly);
    let mut n_errors = 0;
    for len in (1..bytes.len()).step_by(7) {
        match import_model(&InputFile::new("cut.caffemodel", bytes[..len].to_vec())) {
            Ok(_) => {}
            Err(err) => {
                n_errors += 1;
                let text = err.to_string();
                assert!(text.starts_with("cut.caffemodel: "), "{text}");
            }
        }
    }
    assert!(
        n_errors > bytes.len() / 8,
        "only {n_errors} truncations were reported"
    );
}

#[test]
fn random_bytes_and_deep_nesting_never_panic() {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    for len in [1usize, 2, 3, 7, 16, 100, 1000, 10_000] {
        for _ in 0..50 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = import_model(&InputFile::new("random.caffemodel", bytes));
        }
    }
    // 10,000 nested groups inside a layer (field 50, unknown): refused, not a stack overflow.
    let mut layer = vec![0x0a, 0x01, b'a'];
    layer.extend(std::iter::repeat_n([0x93, 0x03], 10_000).flatten());
    let mut bytes = vec![0xa2, 0x06];
    prost::encoding::encode_varint(layer.len() as u64, &mut bytes);
    bytes.extend_from_slice(&layer);
    let text = binary_error(&bytes);
    assert!(
        text.starts_with("bad.caffemodel: invalid Caffe file at byte"),
        "{text}"
    );
    // Deeply nested text blocks of an unknown field: skipped, no recursion.
    let deep = format!(
        "name: \"d\"\nweird {}{}\nlayer {{ name: \"a\" type: \"ReLU\" }}\n",
        "{ a ".repeat(5000),
        "}".repeat(5000)
    );
    let model = import_text(&deep).unwrap();
    assert_eq!(model.graph.nodes.len(), 1);
    assert_eq!(model.warnings.len(), 1);
}

#[test]
fn mutated_files_never_panic() {
    let text = tiny_block().prototxt().into_bytes();
    let binary = caffe_alexnet().caffemodel_v1();
    let mut rng = XorShift(7);
    let mut n_ok = 0;
    for round in 0..4000 {
        let original = if round % 2 == 0 { &text } else { &binary };
        let mut bytes = original.clone();
        for _ in 0..1 + rng.next() % 4 {
            let pos = (rng.next() as usize) % bytes.len();
            match rng.next() % 4 {
                0 => bytes[pos] = rng.next() as u8,
                1 => bytes[pos] ^= 1 << (rng.next() % 8),
                2 => bytes.insert(pos, b"{}\"#:\n "[(rng.next() % 7) as usize]),
                _ => {
                    bytes.remove(pos);
                }
            }
        }
        let name = if round % 2 == 0 {
            "m.prototxt"
        } else {
            "m.caffemodel"
        };
        if let Ok(model) = import_model(&InputFile::new(name, bytes)) {
            n_ok += 1;
            // Whatever loads must be a consistent, acyclic graph the viewer can lay out.
            for (node_id, node) in model.graph.nodes.iter().enumerate() {
                for &id in node.inputs.iter().flatten() {
                    assert!(model.graph.tensors[id].producer.is_none_or(|p| p < node_id));
                }
            }
            let _ = crate::report::graph_view(&model);
        }
    }
    assert!(
        n_ok > 100,
        "only {n_ok} mutations survived: the mutator is too harsh"
    );
}

#[test]
fn a_fork_field_on_every_layer_is_skipped_in_linear_time() {
    let mut text = String::from(
        "name: \"fork\"\ninput: \"x\"\ninput_dim: 1\ninput_dim: 2\ninput_dim: 3\ninput_dim: 4\n",
    );
    for idx in 0..20_000 {
        text.push_str(&format!(
            "layer {{\n  name: \"r{idx}\"\n  type: \"ReLU\"\n  bottom: \"x\"\n  top: \"x\"\n  quantization_param {{ bw_layer_in: 8 }}\n}}\n"
        ));
    }
    let model = import_text(&text).unwrap();
    assert_eq!(model.graph.nodes.len(), 20_000);
    assert_eq!(model.warnings.len(), 20_000);
    assert_eq!(
        model.warnings[19_999],
        "net.prototxt: line 140005, column 3: field `quantization_param` is not part of caffe.LayerParameter and was skipped"
    );
}

// ---- the caffemodel read a few layers at a time gives the whole-file reading's model ----

/// The caffemodel `bytes` read in groups (asserting it did not give way to the whole-file
/// reading when `lazy_expected`) and read whole give the same model, or the same error.
fn assert_lazy_is_whole(name: &str, bytes: Vec<u8>, lazy_expected: bool) -> bool {
    let file = InputFile::new(name, bytes);
    let lazy = lazy::read_net(&file, "caffe.NetParameter").is_some();
    assert!(lazy || !lazy_expected, "{name}: the lazy reader gave way");
    let read = import_caffemodel(&file);
    let whole = import_caffemodel_whole(&file);
    match (&read, &whole) {
        (Ok(read), Ok(whole)) => assert_eq!(read, whole, "{name}"),
        (Err(read), Err(whole)) => assert_eq!(read.to_string(), whole.to_string(), "{name}"),
        _ => panic!("{name}: lazy {read:?}, whole {whole:?}"),
    }
    // The weights of a pair are read the same way.
    let read = read_weights(&file).map(|w| format!("{:?}", w.by_layer));
    let whole = decode(&file, "caffe.NetCore")
        .map(|message| format!("{:?}", net::read_net(&message).layers));
    assert_eq!(read.is_ok(), whole.is_ok(), "{name}");
    lazy
}

#[test]
fn caffemodels_read_in_groups_give_the_whole_file_model() {
    let chain = caffe_residual_chain(1_000).caffemodel(BlobData::ShapesOnly);
    assert!(chain.len() > 4 * lazy::CHUNK_BYTES, "{} bytes", chain.len());
    let mut files = vec![
        (
            "resnet.caffemodel".to_string(),
            caffe_resnet50().caffemodel(BlobData::ShapesOnly),
        ),
        ("chain.caffemodel".to_string(), chain.clone()),
        (
            "mobilenet.caffemodel".to_string(),
            caffe_mobilenet_v1().caffemodel(BlobData::ShapesOnly),
        ),
        (
            "alexnet_v1.caffemodel".to_string(),
            caffe_alexnet().caffemodel_v1(),
        ),
    ];
    // The real nets of the shared samples (`OPSCOPE_SAMPLES`, else `../shared/samples` next to
    // the repository; absent in CI clones), written as caffemodels (layer parameters, no blobs).
    let base = std::env::var_os("OPSCOPE_SAMPLES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples")
        });
    let dir = base.join("models/caffe");
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let Ok(text) = std::fs::read(&path) else {
            continue;
        };
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let parsed = text::parse_text::<pb::NetParameter>(
            &InputFile::new(name.clone(), text),
            TITLE,
            "caffe.NetParameter",
        )
        .unwrap_or_else(|err| panic!("{err}"));
        files.push((format!("{name}.caffemodel"), parsed.message.encode_to_vec()));
    }
    for (name, bytes) in &files {
        assert_lazy_is_whole(name, bytes.clone(), true);
    }
    // Broken files: the same model or the same error, whether read in groups or not.
    let mut rng = XorShift(11);
    let mut n_lazy = 0;
    for _ in 0..150 {
        let mut bytes = chain.clone();
        for _ in 0..1 + rng.next() % 3 {
            let pos = (rng.next() as usize) % bytes.len();
            match rng.next() % 3 {
                0 => bytes[pos] = rng.next() as u8,
                1 => bytes[pos] ^= 1 << (rng.next() % 8),
                _ => bytes.insert(pos, rng.next() as u8),
            }
        }
        n_lazy += usize::from(assert_lazy_is_whole("m.caffemodel", bytes, false));
    }
    assert!(n_lazy > 20, "only {n_lazy} mutations were read in groups");
    // A second `state` would merge with the first when read whole: that file is read whole.
    let mut bytes = chain;
    let state = pb::NetState {
        level: Some(1),
        stage: vec!["deploy".to_string()],
        ..Default::default()
    };
    for stage in ["a", "b"] {
        let mut state = state.clone();
        state.stage = vec![stage.to_string()];
        prost::encoding::message::encode(6, &state, &mut bytes);
    }
    assert!(!assert_lazy_is_whole("states.caffemodel", bytes, false));
}
