//! Golden fusion groups of the ResNet-50 and MobileNet v2 samples in every framework, for the
//! Ascend 310 and CANN 8.0.RC1 (the defaults). One line per UB group (passes, member names), a
//! count of L2/L1 candidates, one line per near miss; for compiled GE graphs also the real fused
//! groups their nodes name. The goldens live in `fusion_goldens/`; `UPDATE_EXPECT=1` rewrites
//! them (review the diff).
//!
//! What a reviewer should see, checked by hand when the goldens were written:
//! - ResNet-50: every convolution heads a group. Conv(+BatchNorm+Scale folded by
//!   `ConvBatchnormFusionPass` in TF and Caffe)+ReLU by `TbeConvElemwiseFusionPass` for the
//!   first two convolutions of each bottleneck; the third takes the residual Add and the ReLU
//!   after it by `TbeConvDoubleInFusionPass`; the projection shortcuts stay Conv(+BN) alone.
//! - MobileNet v2: Conv+ReLU6 (ONNX `Clip`), depthwise + ReLU6 (`TbeDepthwiseConvElemwiseFusionPass`
//!   where the graph has a depthwise op), project Conv + residual Add by `TBEConvAddFusion`.
//! - GE graphs are compiled (each op lists the ops it was fused from): no new groups; the real
//!   groups are listed.

mod fusion_common;

use std::fmt::Write as _;

use expect_test::{expect_file, ExpectFile};
use fusion_common::{cann, open, render, samples_dir, simulate};
use opscope_engine::analysis::fusion;
use opscope_engine::ir::Model;
use opscope_engine::samples::{
    caffe_resnet50, ge_mobilenet_v2, ge_resnet50, mobilenet_v2, resnet50, tf_mobilenet_v2,
    tf_resnet50, TfWeights,
};

fn check(model: &Model, golden: ExpectFile) {
    let fusion = simulate(model, cann("8.0.RC1"));
    let mut text = render(model, &fusion);
    for (fused, originals) in fusion::real_groups(model) {
        if originals.len() > 1 {
            let _ = writeln!(text, "real {fused}: {}", originals.join(" "));
        }
    }
    golden.assert_eq(&text);
}

#[test]
fn onnx_resnet50() {
    check(
        &open("resnet50.onnx", resnet50()),
        expect_file!["fusion_goldens/onnx_resnet50.txt"],
    );
}

#[test]
fn onnx_mobilenet_v2() {
    check(
        &open("mobilenet_v2.onnx", mobilenet_v2()),
        expect_file!["fusion_goldens/onnx_mobilenet_v2.txt"],
    );
}

#[test]
fn tensorflow_resnet50() {
    let graph = tf_resnet50(TfWeights::Splat, true);
    check(
        &open("resnet50.pbtxt", graph.text().into_bytes()),
        expect_file!["fusion_goldens/tf_resnet50.txt"],
    );
}

#[test]
fn tensorflow_mobilenet_v2() {
    let graph = tf_mobilenet_v2(TfWeights::Splat, true);
    check(
        &open("mobilenet_v2.pbtxt", graph.text().into_bytes()),
        expect_file!["fusion_goldens/tf_mobilenet_v2.txt"],
    );
}

#[test]
fn caffe_resnet50_sample() {
    check(
        &open(
            "resnet50.prototxt",
            caffe_resnet50().prototxt().into_bytes(),
        ),
        expect_file!["fusion_goldens/caffe_resnet50.txt"],
    );
}

#[test]
fn caffe_mobilenet_v2_real_file() {
    let Some(dir) = samples_dir("models/caffe") else {
        eprintln!("samples absent: the real Caffe MobileNet v2 golden is skipped");
        return;
    };
    let Ok(bytes) = std::fs::read(dir.join("mobilenet_v2_deploy.prototxt")) else {
        eprintln!("mobilenet_v2_deploy.prototxt absent: skipped");
        return;
    };
    check(
        &open("mobilenet_v2_deploy.prototxt", bytes),
        expect_file!["fusion_goldens/caffe_mobilenet_v2.txt"],
    );
}

#[test]
fn ge_resnet50_sample() {
    check(
        &open(
            "ge_proto_00042_Build.txt",
            ge_resnet50().to_text().into_bytes(),
        ),
        expect_file!["fusion_goldens/ge_resnet50.txt"],
    );
}

#[test]
fn ge_mobilenet_v2_sample() {
    check(
        &open(
            "ge_proto_00042_Build.txt",
            ge_mobilenet_v2().to_text().into_bytes(),
        ),
        expect_file!["fusion_goldens/ge_mobilenet_v2.txt"],
    );
}
