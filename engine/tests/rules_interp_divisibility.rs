//! `interp-divisibility` on models built by the sample writers: the tuning guide's Caffe Interp
//! 175 → 350 (fires, suggests 176 → 351) and 176 → 351 (does not), TensorFlow
//! `ResizeBilinear(align_corners=True)`, ONNX `Resize(align_corners)`, a GE resize in 5HD, and
//! the gain from the guide's measured ratio with an estimate the test sets.

mod rules_support;

use expect_test::expect;
use opscope_engine::ir::{DType, Model};
use opscope_engine::samples::{
    CaffeInput, CaffeWriter, FixtureAttr, GeDesc, GeGraphWriter, OnnxWriter, TfWeights, TfWriter,
    WeightStorage,
};
use rules_support::{check_with, findings, num, of_rule, open, render, Setup};

const RULE: &str = "interp-divisibility";

/// The guide's Caffe Interp: `[1, 18, src, src]` → `[1, 18, dst, dst]` (`interp_param`
/// height and width).
fn caffe_interp(src: (i64, i64), dst: (i64, i64)) -> Model {
    let mut w = CaffeWriter::new("interp");
    let x = w.input("data", &[1, 18, src.0, src.1], CaffeInput::Shape);
    w.interp("interp", &x, dst.0, dst.1);
    open("interp.prototxt", w.prototxt().into_bytes())
}

fn tf_resize(src: i64, dst: i64, align_corners: bool) -> Model {
    let mut w = TfWriter::new(TfWeights::Splat);
    let x = w.placeholder("x", &[1, src, src, 18]);
    let size = w.int32_constant("size", &[dst as i32, dst as i32]);
    w.op(
        "ResizeBilinear",
        "resize",
        &[&x, &size],
        &[
            ("T", FixtureAttr::Type(DType::F32)),
            ("align_corners", FixtureAttr::Bool(align_corners)),
        ],
        &[vec![1, dst, dst, 18]],
    );
    open("resize.pb", w.finish().binary())
}

fn onnx_resize(src: i64, dst: i64, mode: &str) -> Model {
    let mut w = OnnxWriter::new("resize", WeightStorage::Inline);
    let x = w.input("x", &[1, 18, src, src]);
    let sizes = w.int64_constant("sizes", &[1, 18, dst, dst]);
    let y = w.op(
        "Resize",
        &[&x, "", "", &sizes],
        vec![1, 18, dst, dst],
        &[
            ("coordinate_transformation_mode", FixtureAttr::str(mode)),
            ("mode", FixtureAttr::str("linear")),
        ],
    );
    w.output(&y);
    open("resize.onnx", w.finish())
}

/// The tuning guide's case: input `[1,18,175,175]` → output `[1,18,350,350]` took 20 ms;
/// `[1,18,176,176]` → `[1,18,351,351]` took 1.6 ms.
#[test]
fn guide_interp_175_to_350_becomes_176_to_351() {
    expect![[r#"
        interp-divisibility ["interp"]
          `interp` (Interp) aligns corners and resizes 175×175 → 350×350: (350 − 1) / (175 − 1) = 2.006 is not whole; input 176×176 → output 351×351 makes it 2
          fix: Resize 176×176 → 351×351 instead: pad the input to 176×176 and crop the output back to 350×350 (or change the network's sizes so (dst − 1) / (src − 1) is whole); tuning guide: a Caffe Interp of [1,18,175,175] → [1,18,350,350] took 20 ms, of [1,18,176,176] → [1,18,351,351] 1.6 ms.
          evidence: {"dst_h":350,"dst_w":350,"gain_basis":"the tuning guide's measured 20 ms → 1.6 ms applied to the node's time","guide_after_ms":1.6,"guide_before_ms":20.0,"layout":"NCHW","new_dst_h":351,"new_dst_w":351,"new_src_h":176,"new_src_w":176,"node_us":152.0176,"ratio_h":2.0057,"ratio_w":2.0057,"src_h":175,"src_w":175,"time_source":"estimated"}
          gain: Some(139.856)
    "#]]
    .assert_eq(&render(&findings(&caffe_interp((175, 175), (350, 350)), RULE)));
    assert!(findings(&caffe_interp((176, 176), (351, 351)), RULE).is_empty());

    // The gain applies the guide's 20 ms → 1.6 ms to the node's time: the guide's own 20 ms
    // comes back as 18.4 ms.
    let model = caffe_interp((175, 175), (350, 350));
    let out = check_with(
        &model,
        Setup {
            estimates: &[("interp", 20_000.0)],
            ..Setup::default()
        },
    );
    let fired = of_rule(&out, RULE);
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].gain_us, Some(18_400.0));
    assert_eq!(fired[0].severity.id(), "high");
}

#[test]
fn each_axis_gets_its_own_sizes() {
    // Height 175 → 350 is fractional, width 100 → 199 is 2 already.
    let fired = findings(&caffe_interp((175, 100), (350, 199)), RULE);
    assert_eq!(fired.len(), 1);
    let f = &fired[0];
    assert_eq!((num(f, "new_src_h"), num(f, "new_dst_h")), (176.0, 351.0));
    assert_eq!((num(f, "new_src_w"), num(f, "new_dst_w")), (100.0, 199.0));
    assert!(
        f.message.contains("input 176×100 → output 351×199"),
        "{}",
        f.message
    );
    // Shrinking is not checked.
    assert!(findings(&caffe_interp((350, 350), (175, 175)), RULE).is_empty());
}

#[test]
fn tensorflow_resize_bilinear_with_align_corners() {
    let fired = findings(&tf_resize(175, 350, true), RULE);
    assert_eq!(fired.len(), 1, "{}", render(&fired));
    assert_eq!(fired[0].nodes, ["resize"]);
    // NHWC: the spatial axes are 1 and 2, not the 18 channels.
    assert_eq!(fired[0].evidence["layout"], "NHWC".into());
    assert_eq!(
        (num(&fired[0], "src_h"), num(&fired[0], "dst_w")),
        (175.0, 350.0)
    );
    assert_eq!(
        (num(&fired[0], "new_src_h"), num(&fired[0], "new_dst_h")),
        (176.0, 351.0)
    );
    // Without align_corners the condition does not apply; with whole ratios nothing to do.
    assert!(findings(&tf_resize(175, 350, false), RULE).is_empty());
    assert!(findings(&tf_resize(176, 351, true), RULE).is_empty());
}

#[test]
fn onnx_resize_with_align_corners() {
    let fired = findings(&onnx_resize(175, 350, "align_corners"), RULE);
    assert_eq!(fired.len(), 1, "{}", render(&fired));
    assert_eq!(fired[0].nodes, ["/Resize_1"]);
    assert_eq!(
        (num(&fired[0], "new_src_w"), num(&fired[0], "new_dst_w")),
        (176.0, 351.0)
    );
    assert!(findings(&onnx_resize(175, 350, "half_pixel"), RULE).is_empty());
    assert!(findings(&onnx_resize(176, 351, "align_corners"), RULE).is_empty());
}

/// A compiled GE graph resizes in 5HD (`[N, C1, H, W, C0]`).
#[test]
fn ge_resize_in_5hd() {
    let build = |src: i64, dst: i64| {
        let mut g = GeGraphWriter::new("resize");
        let x = g.data(
            "x",
            GeDesc::new(DType::F16, &[1, 2, src, src, 16], "NC1HWC0"),
        );
        let y = g.op(
            "resize",
            "ResizeBilinearV2D",
            &[&x],
            &[GeDesc::new(DType::F16, &[1, 2, dst, dst, 16], "NC1HWC0")],
            &[
                ("size", FixtureAttr::Ints(vec![dst, dst])),
                ("align_corners", FixtureAttr::Bool(true)),
                ("half_pixel_centers", FixtureAttr::Bool(false)),
            ],
        );
        open(
            "ge_proto_00000_Build.txt",
            g.finish(&[&y[0]]).to_text().into_bytes(),
        )
    };
    let fired = findings(&build(175, 350), RULE);
    assert_eq!(fired.len(), 1, "{}", render(&fired));
    assert_eq!(fired[0].evidence["layout"], "NC1HWC0".into());
    assert_eq!(
        (num(&fired[0], "new_src_h"), num(&fired[0], "new_dst_h")),
        (176.0, 351.0)
    );
    assert!(findings(&build(176, 351), RULE).is_empty());
}
