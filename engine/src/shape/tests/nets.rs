//! Whole networks: the static-shape CNN guarantee (every tensor gets a shape) on the ResNet-50
//! and MobileNet samples of every framework, checked against the shapes the writers state.

use std::collections::HashMap;

use prost::Message;

use crate::formats::onnx::pb;
use crate::formats::{import_model, InputFile};
use crate::ir::{Dim, Graph, Model, Shape, ShapeSource, TensorKind};
use crate::samples::{self, OnnxWriter, TfWeights, WeightStorage};
use crate::shape::{infer_shapes, ShapeReport};

fn import(name: &str, bytes: Vec<u8>) -> Model {
    import_model(&InputFile::new(name, bytes)).unwrap_or_else(|err| panic!("{err}"))
}

/// Every tensor of `graph` with a shape, or the names of those without.
fn unshaped(graph: &Graph) -> Vec<&str> {
    graph
        .tensors
        .iter()
        .filter(|t| t.shape.is_none())
        .map(|t| t.name.as_str())
        .collect()
}

/// Decodes an ONNX model written by our writer, removes every `value_info`, and returns the
/// stripped bytes with the removed shapes by value name.
fn strip_value_info(bytes: &[u8]) -> (Vec<u8>, HashMap<String, Shape>) {
    let mut proto = pb::ModelProto::decode(bytes).expect("our own model decodes");
    let graph = proto.graph.as_mut().expect("a graph");
    let stated = graph
        .value_info
        .drain(..)
        .map(|info| (info.name().to_string(), stated_shape(&info)))
        .collect();
    (proto.encode_to_vec(), stated)
}

fn stated_shape(info: &pb::ValueInfoProto) -> Shape {
    use pb::tensor_shape_proto::dimension::Value;
    use pb::type_proto::Value as Type;
    let Some(Type::TensorType(tensor)) = info.r#type.as_ref().and_then(|t| t.value.as_ref()) else {
        panic!("{}: not a tensor", info.name());
    };
    let dims = tensor
        .shape
        .as_ref()
        .map(|s| s.dim.as_slice())
        .unwrap_or_default();
    Shape(
        dims.iter()
            .map(|d| match &d.value {
                Some(Value::DimValue(v)) => Dim::Known(*v),
                Some(Value::DimParam(p)) => Dim::Symbolic(p.clone()),
                None => Dim::Unknown,
            })
            .collect(),
    )
}

fn check_onnx_round_trip(name: &str, bytes: Vec<u8>, n_value_info: usize) {
    let (stripped, stated) = strip_value_info(&bytes);
    assert_eq!(stated.len(), n_value_info, "{name}: value_info entries");
    let mut model = import(name, stripped);
    let report = infer_shapes(&mut model);
    assert_eq!(unshaped(&model.graph), Vec::<&str>::new(), "{name}");
    assert!(
        report.mismatches.is_empty(),
        "{name}: {:?}",
        report.mismatches
    );
    assert!(
        report.unknown_by_op.is_empty(),
        "{name}: {:?}",
        report.unknown_by_op
    );
    assert_eq!(report.shaped_after, report.tensors, "{name}");
    for (value, shape) in &stated {
        let id = model
            .graph
            .tensor_by_name(value)
            .expect("value is in the graph");
        let tensor = &model.graph.tensors[id];
        assert_eq!(tensor.shape.as_ref(), Some(shape), "{name}: {value}");
        assert_eq!(
            tensor.shape_source,
            ShapeSource::Inferred,
            "{name}: {value}"
        );
        assert_eq!(tensor.dtype, crate::ir::DType::F32, "{name}: {value}");
    }
}

#[test]
fn onnx_resnet50_gets_every_value_info_back() {
    check_onnx_round_trip("resnet50.onnx", samples::resnet50(), 121);
}

#[test]
fn onnx_mobilenet_v2_gets_every_value_info_back() {
    check_onnx_round_trip("mobilenet_v2.onnx", samples::mobilenet_v2(), 99);
}

#[test]
fn onnx_symbolic_batch_flows_through_a_cnn() {
    let mut w = OnnxWriter::new("dyn", WeightStorage::Inline).symbolic_batch("N");
    let x = w.input("x", &[1, 3, 32, 32]);
    let x = w.conv(&x, 8, 3, 2, 1, 1);
    let x = w.batch_norm(&x);
    let x = w.relu6(&x);
    let y = w.conv(&x, 8, 3, 1, 1, 8);
    let x = w.add(&y, &x);
    let x = w.max_pool(&x, 2, 2, 0);
    let a = w.conv(&x, 4, 1, 1, 0, 1);
    let b = w.conv(&x, 4, 3, 1, 1, 1);
    let x = w.concat(&[&a, &b], 1);
    let x = w.global_average_pool(&x);
    let x = w.flatten(&x);
    let x = w.gemm(&x, 10);
    let x = w.softmax(&x);
    w.output(&x);
    check_onnx_round_trip("dyn.onnx", w.finish(), 12);
}

/// The TF sample without `_output_shapes`, inferred, against the same graph with them.
fn check_tf(name: &str, stated: &Model, mut bare: Model) -> ShapeReport {
    let report = infer_shapes(&mut bare);
    assert_eq!(unshaped(&bare.graph), Vec::<&str>::new(), "{name}");
    assert!(
        report.mismatches.is_empty(),
        "{name}: {:?}",
        report.mismatches
    );
    let mut n_compared = 0;
    for tensor in &bare.graph.tensors {
        let id = stated
            .graph
            .tensor_by_name(&tensor.name)
            .expect("same names");
        let expected = &stated.graph.tensors[id];
        if expected.shape.is_some() {
            assert_eq!(tensor.shape, expected.shape, "{name}: {}", tensor.name);
            n_compared += 1;
        }
        assert_eq!(tensor.dtype, expected.dtype, "{name}: {}", tensor.name);
    }
    assert_eq!(
        n_compared,
        bare.graph.tensors.len(),
        "{name}: every tensor compared"
    );
    report
}

#[test]
fn tf_resnet50_and_mobilenet_v2_match_their_output_shapes() {
    for (name, with, without) in [
        (
            "resnet50.pb",
            samples::tf_resnet50(TfWeights::Splat, true),
            samples::tf_resnet50(TfWeights::Splat, false),
        ),
        (
            "mobilenet_v2.pbtxt",
            samples::tf_mobilenet_v2(TfWeights::Splat, true),
            samples::tf_mobilenet_v2(TfWeights::Splat, false),
        ),
    ] {
        let stated = import(name, with.binary());
        let bare = if name.ends_with(".pbtxt") {
            import(name, without.text().into_bytes())
        } else {
            import(name, without.binary())
        };
        let report = check_tf(name, &stated, bare);
        assert!(report.shaped_after > report.shaped_before, "{name}");
        // With `_output_shapes` every shape is stated and inference agrees with all of them.
        let mut stated = stated;
        let report = infer_shapes(&mut stated);
        assert!(
            report.mismatches.is_empty(),
            "{name}: {:?}",
            report.mismatches
        );
        assert_eq!(report.shaped_before, report.tensors, "{name}");
    }
}

#[test]
fn caffe_resnet50_and_mobilenet_v1_prototxts_get_every_shape() {
    for (name, writer, classes_blob, classes) in [
        (
            "resnet50.prototxt",
            samples::caffe_resnet50(),
            "fc1000",
            Shape::from_known(&[1, 1000]),
        ),
        (
            "mobilenet_v1.prototxt",
            samples::caffe_mobilenet_v1(),
            "fc7",
            Shape::from_known(&[1, 1000, 1, 1]),
        ),
    ] {
        let mut model = import(name, writer.prototxt().into_bytes());
        let report = infer_shapes(&mut model);
        assert_eq!(unshaped(&model.graph), Vec::<&str>::new(), "{name}");
        assert!(
            report.mismatches.is_empty(),
            "{name}: {:?}",
            report.mismatches
        );
        for tensor in &model.graph.tensors {
            if tensor.kind == TensorKind::Weight {
                continue;
            }
            let expected = Shape::from_known(&writer.shape(&tensor.name));
            assert_eq!(
                tensor.shape.as_ref(),
                Some(&expected),
                "{name}: {}",
                tensor.name
            );
        }
        let last = model
            .graph
            .tensors
            .iter()
            .rev()
            .find(|t| t.name == classes_blob)
            .expect("classifier blob");
        assert_eq!(last.shape.as_ref(), Some(&classes), "{name}");
    }
}

#[test]
fn caffe_blob_shapes_match_the_caffemodel() {
    let writer = samples::caffe_resnet50();
    let mut bare = import("resnet50.prototxt", writer.prototxt().into_bytes());
    infer_shapes(&mut bare);
    let stated = import(
        "resnet50.caffemodel",
        writer.caffemodel(samples::BlobData::ShapesOnly),
    );
    let mut n_weights = 0;
    for tensor in bare.graph.tensors.iter().filter(|t| t.is_weight()) {
        let id = stated
            .graph
            .tensor_by_name(&tensor.name)
            .expect("same blob names");
        assert_eq!(
            tensor.shape, stated.graph.tensors[id].shape,
            "{}",
            tensor.name
        );
        assert_eq!(
            tensor.shape_source,
            ShapeSource::Inferred,
            "{}",
            tensor.name
        );
        n_weights += 1;
    }
    // conv1 weight + bias, 52 bias-free convolutions, 53 × (BatchNorm 3 + Scale 2), fc 2.
    assert_eq!(n_weights, 2 + 52 + 53 * 5 + 2);
}

#[test]
fn ge_samples_agree_with_their_descs() {
    for (name, model) in [
        ("resnet50.txt", samples::ge_resnet50()),
        ("mobilenet_v2.txt", samples::ge_mobilenet_v2()),
        ("small.txt", samples::ge_small()),
    ] {
        let mut imported = import(&format!("ge_proto_{name}"), model.to_text().into_bytes());
        let before = crate::ir::dump_model(&imported);
        let report = infer_shapes(&mut imported);
        assert!(
            report.mismatches.is_empty(),
            "{name}: {:?}",
            report.mismatches
        );
        // GE states every desc; inference has nothing to add and must not disturb them.
        assert_eq!(report.shaped_after, report.shaped_before, "{name}");
        assert_eq!(crate::ir::dump_model(&imported), before, "{name}");
    }
}
