//! The model half of `dynamic-shape` on models built by the sample writers: a symbolic batch in
//! ONNX, a `-1` batch in TensorFlow and GE, their static twins, and the gain from the fusion
//! simulation's dynamic-shape near misses. The profile half is tested in `profile_findings.rs`.

mod rules_support;

use expect_test::expect;
use opscope_engine::analysis::fusion::{Fusion, NearMiss, NearMissReason};
use opscope_engine::ir::{DType, Model};
use opscope_engine::samples::{
    FixtureAttr, GeDesc, GeGraphWriter, OnnxWriter, TfWeights, TfWriter, WeightStorage,
};
use opscope_engine::target::{Target, TargetId};
use rules_support::{check_with, findings, node, num, of_rule, open, render, Setup};

const RULE: &str = "dynamic-shape";

fn onnx_net(symbolic_batch: bool) -> Model {
    let mut w = OnnxWriter::new("net", WeightStorage::Inline);
    if symbolic_batch {
        w = w.symbolic_batch("N");
    }
    let x = w.input("x", &[1, 16, 32, 32]);
    let y = w.conv(&x, 16, 3, 1, 1, 1);
    let y = w.relu(&y);
    let y = w.conv(&y, 32, 3, 2, 1, 1);
    let y = w.relu(&y);
    w.output(&y);
    open("net.onnx", w.finish())
}

#[test]
fn onnx_symbolic_batch_fires_once_for_the_model() {
    expect![[r#"
        dynamic-shape ["/Conv_1"]
          Dynamic shapes enter at input x: [N,16,32,32]; 4 of 4 kernel nodes have shapes that are not static, so GE compiles dynamic-shape kernels that pick their tiling at run time and leaves them out of static-shape UB fusion; the fusion simulation stopped 2 groups for dynamic shape
          fix: Fix the input shapes when converting: `atc --input_shape="x:1,16,32,32"` (your real sizes in place of the unknown dims); if the model must take several sizes, convert with gears instead (`--dynamic_batch_size="1,2,4,8"` for the batch, `--dynamic_dims` for other dims): one static model per gear.
          evidence: {"data_dependent_ops":[],"dynamic_inputs":["x: [N,16,32,32]"],"dynamic_nodes":4,"fusion_blocked":2,"fusion_ddr_bytes":196608,"kernel_nodes":4}
          gain: Some(2.891)
    "#]]
    .assert_eq(&render(&findings(&onnx_net(true), RULE)));
    assert!(findings(&onnx_net(false), RULE).is_empty());
}

#[test]
fn tensorflow_and_ge_unknown_batch() {
    let tf = |batch: i64| {
        let mut w = TfWriter::new(TfWeights::Splat);
        let x = w.placeholder("x", &[batch, 32, 32, 16]);
        let y = w.conv2d(&x, 16, 3, 1, "SAME");
        w.relu(&y);
        open("net.pb", w.finish().binary())
    };
    let fired = findings(&tf(-1), RULE);
    assert_eq!(fired.len(), 1, "{}", render(&fired));
    // The entry point is the node that feeds the input.
    assert_eq!(fired[0].nodes, ["x"]);
    assert!(
        fired[0].fix.contains("--input_shape=\"x:1,32,32,16\""),
        "{}",
        fired[0].fix
    );
    assert_eq!(num(&fired[0], "dynamic_nodes"), 2.0);
    assert!(findings(&tf(1), RULE).is_empty());

    let ge = |batch: i64| {
        let mut g = GeGraphWriter::new("net");
        let x = g.data("x", GeDesc::new(DType::F16, &[batch, 16, 8, 8], "NCHW"));
        let y = g.op(
            "relu",
            "Relu",
            &[&x],
            &[GeDesc::new(DType::F16, &[batch, 16, 8, 8], "NCHW")],
            &[("T", FixtureAttr::Type(DType::F16))],
        );
        open(
            "ge_proto_00000_Build.txt",
            g.finish(&[&y[0]]).to_text().into_bytes(),
        )
    };
    let fired = findings(&ge(-1), RULE);
    assert_eq!(fired.len(), 1, "{}", render(&fired));
    assert_eq!(fired[0].nodes, ["x"]);
    assert!(findings(&ge(1), RULE).is_empty());
}

/// With the fusion simulation's near misses for dynamic shape, the gain is the DDR traffic
/// those fusions would save at the target's bandwidth.
#[test]
fn gain_from_fusions_blocked_by_dynamic_shape() {
    let model = onnx_net(true);
    let conv = node(&model, "/Conv_1");
    let relu = node(&model, "/Relu_2");
    let fusion = Fusion {
        groups: Vec::new(),
        near_misses: vec![NearMiss {
            pattern: "TbeConvElemwiseFusionPass",
            nodes: vec![conv, relu],
            blocker: Some(conv),
            reason: NearMissReason::DynamicShape,
            detail: "dynamic shape".to_string(),
            fix: "fix the shape".to_string(),
            ddr_bytes_saved: 680_000,
            limit: None,
            found: None,
            outside: Vec::new(),
            kernels_merged: 1,
            source: "a near miss made by the test",
        }],
        group_of: vec![None; model.graph.nodes.len()],
    };
    let out = check_with(
        &model,
        Setup {
            fusion: Some(fusion),
            ..Setup::default()
        },
    );
    let fired = of_rule(&out, RULE);
    assert_eq!(fired.len(), 1);
    let expected = 680_000.0 / Target::new(TargetId::Ascend310).bytes_per_us();
    assert!((fired[0].gain_us.unwrap_or_default() - expected).abs() < 1e-3);
    assert_eq!(num(fired[0], "fusion_blocked"), 1.0);
    assert!(
        fired[0]
            .message
            .contains("stopped 1 group for dynamic shape"),
        "{}",
        fired[0].message
    );
}
