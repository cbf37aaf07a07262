//! `transdata-avoidable` on models built by the sample writers: an op without 5HD support
//! between convolutions (ONNX Pad, the tuning guide's TensorFlow MirrorPad → Mul) and its twin
//! with a 5HD op instead, and a compiled GE graph with the actual TransData pair.

mod rules_support;

use expect_test::expect;
use opscope_engine::ir::{DType, Model};
use opscope_engine::samples::{
    FixtureAttr, GeDesc, GeGraphWriter, OnnxWriter, TfWeights, TfWriter, WeightStorage,
};
use opscope_engine::target::{Target, TargetId};
use rules_support::{findings, num, open, render};

const RULE: &str = "transdata-avoidable";

/// Conv → `middle` → Conv; `middle` is `Pad` (reflect, one pixel each side) or `Relu`.
fn onnx_between_convs(middle: &str) -> Model {
    let mut w = OnnxWriter::new("between", WeightStorage::Inline);
    let x = w.input("x", &[1, 16, 32, 32]);
    let y = w.conv(&x, 16, 3, 1, 1, 1);
    let y = if middle == "Pad" {
        let pads = w.int64_constant("pads", &[0, 0, 1, 1, 0, 0, 1, 1]);
        w.op(
            "Pad",
            &[&y, &pads],
            vec![1, 16, 34, 34],
            &[("mode", FixtureAttr::str("reflect"))],
        )
    } else {
        w.relu(&y)
    };
    let y = w.conv(&y, 16, 3, 1, 0, 1);
    w.output(&y);
    open("between.onnx", w.finish())
}

/// The tuning guide's case: Conv2D → MirrorPad → Mul → Conv2D; the twin has a Relu instead of
/// the MirrorPad.
fn tf_mirror_pad(with_mirror_pad: bool) -> Model {
    let mut w = TfWriter::new(TfWeights::Splat);
    let x = w.placeholder("x", &[1, 32, 32, 16]);
    let y = w.conv2d(&x, 16, 3, 1, "SAME");
    let (y, size) = if with_mirror_pad {
        let paddings = w.typed_constant(
            "paddings",
            DType::I32,
            &[4, 2],
            &[0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0],
        );
        let y = w.op(
            "MirrorPad",
            "MirrorPad",
            &[&y, &paddings],
            &[
                ("T", FixtureAttr::Type(DType::F32)),
                ("Tpaddings", FixtureAttr::Type(DType::I32)),
                ("mode", FixtureAttr::str("REFLECT")),
            ],
            &[vec![1, 34, 34, 16]],
        );
        (y, 34)
    } else {
        (w.relu(&y), 32)
    };
    let scale = w.typed_constant("scale", DType::F32, &[], &[0.5]);
    let y = w.op(
        "Mul",
        "mul",
        &[&y, &scale],
        &[("T", FixtureAttr::Type(DType::F32))],
        &[vec![1, size, size, 16]],
    );
    w.conv2d(&y, 16, 3, 1, "VALID");
    open("mirror_pad.pb", w.finish().binary())
}

#[test]
fn onnx_pad_between_convs_forces_two_conversions() {
    let fired = findings(&onnx_between_convs("Pad"), RULE);
    expect![[r#"
        transdata-avoidable ["/Conv_1", "/Pad_2", "/Conv_3"]
          `/Pad_2` (Pad) has no 5HD kernel but sits between the 5HD ops `/Conv_1` and `/Conv_3`: GE converts to ND before it and back to 5HD after it (two TransData kernels, 279.0 KB of DDR traffic, 19.9 us on the Ascend 310)
          fix: Replace `/Pad_2` by an op with a 5HD kernel, or move it out of the 5HD segment (before `/Conv_1` or after `/Conv_3`) so the Cube ops stay in NC1HWC0.
          evidence: {"after":"/Conv_3","bandwidth_confidence":"uncertain","bandwidth_gbs":68.0,"before":"/Conv_1","conversion_bytes":139520,"conversion_us":19.9035,"kernel_overhead_us":7.9,"mode":"predicted","op_type":"Pad"}
          gain: Some(19.904)
    "#]]
    .assert_eq(&render(&fired));
    // The two conversions move the Pad's input (16·32·32 f32) and output (16·34·34 f32) through
    // DDR, each read and written once, at the 310's bandwidth, and are two kernels.
    let bytes = (16 * 32 * 32 + 16 * 34 * 34) * 4;
    assert_eq!(num(&fired[0], "conversion_bytes"), bytes as f64);
    let target = Target::new(TargetId::Ascend310);
    let expected =
        2.0 * bytes as f64 / target.bytes_per_us() + 2.0 * target.spec.kernel_overhead_us.value;
    assert!((fired[0].gain_us.unwrap_or_default() - expected).abs() < 1e-3);
    assert!(findings(&onnx_between_convs("Relu"), RULE).is_empty());
}

#[test]
fn guide_mirror_pad_before_mul_gets_the_identity_conv_trick() {
    let fired = findings(&tf_mirror_pad(true), RULE);
    expect![[r#"
        transdata-avoidable ["Conv2D", "MirrorPad", "Conv2D_1"]
          `MirrorPad` (MirrorPad) has no 5HD kernel but sits between the 5HD ops `Conv2D` and `Conv2D_1`: GE converts to ND before it and back to 5HD after it (two TransData kernels, 279.0 KB of DDR traffic, 19.9 us on the Ascend 310)
          fix: Replace `MirrorPad` by an op with a 5HD kernel, or move it out of the 5HD segment (before `Conv2D` or after `Conv2D_1`) so the Cube ops stay in NC1HWC0. Tuning guide's trick: add an identity 1×1 convolution after `MirrorPad`, so that `mul` fuses into a Conv + element-wise group and both TransData disappear (`missed-fusion` reports the fusion side).
          evidence: {"after":"Conv2D_1","bandwidth_confidence":"uncertain","bandwidth_gbs":68.0,"before":"Conv2D","conversion_bytes":139520,"conversion_us":19.9035,"kernel_overhead_us":7.9,"mode":"predicted","op_type":"MirrorPad"}
          gain: Some(19.904)
    "#]]
    .assert_eq(&render(&fired));
    assert!(findings(&tf_mirror_pad(false), RULE).is_empty());
}

/// After ATC: the conversions are real nodes, out of NC1HWC0 before the MirrorPad and back after.
fn ge_compiled(with_mirror_pad: bool) -> Model {
    let five_hd = |h: i64| GeDesc::new(DType::F16, &[1, 1, h, h, 16], "NC1HWC0");
    let nchw = |h: i64| GeDesc::new(DType::F16, &[1, 16, h, h], "NCHW");
    let mut g = GeGraphWriter::new("compiled");
    let x = g.data("x", nchw(32));
    let x = g
        .op("trans_TransData_0", "TransData", &[&x], &[five_hd(32)], &[])
        .remove(0);
    let conv = |g: &mut GeGraphWriter, name: &str, x: &str, h: i64| {
        let weight = g.constant(
            &format!("{name}/weight"),
            GeDesc::new(DType::F16, &[9, 1, 16, 16], "FRACTAL_Z"),
            &[],
        );
        g.op(name, "Conv2D", &[x, &weight], &[five_hd(h)], &[])
            .remove(0)
    };
    let y = conv(&mut g, "conv0", &x, 32);
    let y = if with_mirror_pad {
        let y = g
            .op("trans_TransData_1", "TransData", &[&y], &[nchw(32)], &[])
            .remove(0);
        let paddings = g.constant(
            "paddings",
            GeDesc::new(DType::I32, &[4, 2], "ND"),
            &[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0],
        );
        let y = g
            .op(
                "mirror_pad",
                "MirrorPad",
                &[&y, &paddings],
                &[nchw(34)],
                &[("mode", FixtureAttr::str("REFLECT"))],
            )
            .remove(0);
        g.op("trans_TransData_2", "TransData", &[&y], &[five_hd(34)], &[])
            .remove(0)
    } else {
        g.op("relu", "Relu", &[&y], &[five_hd(32)], &[]).remove(0)
    };
    let y = conv(&mut g, "conv1", &y, 32);
    open(
        "ge_proto_00000_Build.txt",
        g.finish(&[&y]).to_text().into_bytes(),
    )
}

#[test]
fn ge_compiled_graph_with_transdata_around_mirror_pad() {
    let fired = findings(&ge_compiled(true), RULE);
    assert_eq!(fired.len(), 1, "{}", render(&fired));
    assert_eq!(
        fired[0].nodes,
        ["trans_TransData_1", "mirror_pad", "trans_TransData_2"]
    );
    assert_eq!(fired[0].evidence["mode"], "compiled graph".into());
    // fp16: the NCHW tensor out of the first TransData and into the second one.
    assert_eq!(
        num(&fired[0], "conversion_bytes"),
        ((16 * 32 * 32 + 16 * 34 * 34) * 2) as f64
    );
    // The input's TransData (NCHW → 5HD at the graph's start) is not a round trip.
    assert!(findings(&ge_compiled(false), RULE).is_empty());
}
