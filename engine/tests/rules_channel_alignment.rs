//! `channel-alignment` on models built by the sample writers: 16-, 18- and 32-channel
//! convolutions in ONNX, TensorFlow, Caffe and GE (18 fires, 16 and 32 do not), int8 (C0 = 32),
//! a 3-channel first layer (the C04 advice), depthwise and MatMul, and the gain with estimates
//! the test sets.

mod rules_support;

use expect_test::expect;
use opscope_engine::ir::{DType, Model};
use opscope_engine::samples::{
    ge_resnet50, CaffeInput, CaffeWriter, ConvSpec, FixtureAttr, GeDesc, GeGraphWriter, OmOptions,
    OnnxWriter, TfWeights, TfWriter, WeightStorage,
};
use rules_support::{check_with, findings, num, of_rule, open, render, Setup};

const RULE: &str = "channel-alignment";

/// 3×3 convolutions of `widths` output channels in a row, from a `[1, cin, 32, 32]` input.
fn onnx_convs(cin: i64, widths: &[i64]) -> Model {
    let mut w = OnnxWriter::new("convs", WeightStorage::Inline);
    let mut x = w.input("x", &[1, cin, 32, 32]);
    for &width in widths {
        x = w.conv(&x, width, 3, 1, 1, 1);
    }
    w.output(&x);
    open("convs.onnx", w.finish())
}

fn tf_convs(cin: i64, widths: &[i64]) -> Model {
    let mut w = TfWriter::new(TfWeights::Splat);
    let mut x = w.placeholder("x", &[1, 32, 32, cin]);
    for &width in widths {
        x = w.conv2d(&x, width, 3, 1, "SAME");
    }
    open("convs.pb", w.finish().binary())
}

fn caffe_convs(cin: i64, widths: &[i64]) -> Model {
    let mut w = CaffeWriter::new("convs");
    let mut x = w.input("data", &[1, cin, 32, 32], CaffeInput::Shape);
    for &width in widths {
        x = w.conv(&format!("conv{width}"), &x, ConvSpec::new(width, 3).pad(1));
    }
    open("convs.prototxt", w.prototxt().into_bytes())
}

/// A GE graph before ATC's format passes: every tensor NCHW, weights OIHW, in `dtype`.
fn ge_convs(dtype: DType, cin: i64, widths: &[i64]) -> Model {
    let mut g = GeGraphWriter::new("convs");
    let mut x = g.data("x", GeDesc::new(dtype, &[1, cin, 32, 32], "NCHW"));
    let mut channels = cin;
    for (idx, &width) in widths.iter().enumerate() {
        let name = format!("conv{idx}_{width}");
        let weight = g.constant(
            &format!("{name}/weight"),
            GeDesc::new(dtype, &[width, channels, 3, 3], "NCHW"),
            &[],
        );
        x = g
            .op(
                &name,
                "Conv2D",
                &[&x, &weight],
                &[GeDesc::new(dtype, &[1, width, 32, 32], "NCHW")],
                &[
                    ("data_format", FixtureAttr::str("NCHW")),
                    ("strides", FixtureAttr::Ints(vec![1, 1, 1, 1])),
                    ("pads", FixtureAttr::Ints(vec![1, 1, 1, 1])),
                ],
            )
            .remove(0);
        channels = width;
    }
    open(
        "ge_proto_00000_Build.txt",
        g.finish(&[&x]).to_text().into_bytes(),
    )
}

#[test]
fn onnx_18_channels_fire_16_and_32_do_not() {
    expect![[r#"
        channel-alignment ["/Conv_3"]
          `/Conv_3` (Conv) has 18 input channels, not a multiple of C0 = 16 for f32: the Cube pads them to 32, so 43.8% of its Cube work is padding
          fix: Make the counts multiples of 16: input channels 18 → 16 (less Cube work) or 32 (the padding becomes real channels at no extra Cube time); retrain or prune the layer (tuning guide: convolution channel counts that are multiples of 16 run about 20% faster).
          evidence: {"c0":16,"dtype":"f32","gain_basis":"node time × wasted share of the padded Cube work","guide":"tuning guide: convolution channel counts that are multiples of 16 run about 20% faster","input_channels":18,"node_us":10.2593,"output_channels":32,"padded_input_channels":32,"padded_output_channels":32,"time_source":"estimated","wasted_share":0.4375}
          gain: Some(4.488)
        channel-alignment ["/Conv_2"]
          `/Conv_2` (Conv) has 18 output channels, not a multiple of C0 = 16 for f32: the Cube pads them to 32, so 43.8% of its Cube work is padding
          fix: Make the counts multiples of 16: output channels 18 → 16 (less Cube work) or 32 (the padding becomes real channels at no extra Cube time); retrain or prune the layer (tuning guide: convolution channel counts that are multiples of 16 run about 20% faster).
          evidence: {"c0":16,"dtype":"f32","gain_basis":"node time × wasted share of the padded Cube work","guide":"tuning guide: convolution channel counts that are multiples of 16 run about 20% faster","input_channels":16,"node_us":9.4817,"output_channels":18,"padded_input_channels":16,"padded_output_channels":32,"time_source":"estimated","wasted_share":0.4375}
          gain: Some(4.148)
    "#]]
    .assert_eq(&render(&findings(&onnx_convs(16, &[16, 18, 32]), RULE)));
    assert!(findings(&onnx_convs(16, &[16, 32, 32]), RULE).is_empty());
}

#[test]
fn tensorflow_nhwc_channels_are_read_from_the_last_axis() {
    let fired = findings(&tf_convs(16, &[16, 18, 32]), RULE);
    // Findings come largest gain first; compare them in node order.
    let mut summary: Vec<(String, f64, f64)> = fired
        .iter()
        .map(|f| {
            let (key, padded) = if f.message.contains("18 output") {
                ("output_channels", "padded_output_channels")
            } else {
                ("input_channels", "padded_input_channels")
            };
            (f.nodes[0].clone(), num(f, key), num(f, padded))
        })
        .collect();
    summary.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        summary,
        [
            ("Conv2D_1".to_string(), 18.0, 32.0),
            ("Conv2D_2".to_string(), 18.0, 32.0)
        ]
    );
    assert!(findings(&tf_convs(16, &[16, 32, 32]), RULE).is_empty());
    // A 32×32 image with 18 channels in NHWC: had the rule read NCHW it would see 32 channels.
    assert_eq!(findings(&tf_convs(18, &[32]), RULE).len(), 1);

    // `data_format = NCHW` moves the channels to axis 1.
    let nchw = |channels: i64| {
        let mut w = TfWriter::new(TfWeights::Splat);
        let x = w.placeholder("x", &[1, channels, 32, 32]);
        let filter = w.weight("filter", &[3, 3, channels, 32]);
        w.op(
            "Conv2D",
            "conv",
            &[&x, &filter],
            &[
                ("T", FixtureAttr::Type(DType::F32)),
                ("data_format", FixtureAttr::str("NCHW")),
                ("padding", FixtureAttr::str("SAME")),
                ("strides", FixtureAttr::Ints(vec![1, 1, 1, 1])),
            ],
            &[vec![1, 32, 32, 32]],
        );
        open("nchw.pb", w.finish().binary())
    };
    let fired = findings(&nchw(18), RULE);
    assert_eq!(fired.len(), 1, "{}", render(&fired));
    assert_eq!(
        (
            num(&fired[0], "input_channels"),
            num(&fired[0], "output_channels")
        ),
        (18.0, 32.0)
    );
    assert!(findings(&nchw(16), RULE).is_empty());
}

#[test]
fn caffe_18_channels_fire_16_and_32_do_not() {
    expect![[r#"
        channel-alignment ["conv32"]
          `conv32` (Convolution) has 18 input channels, not a multiple of C0 = 16 for f32: the Cube pads them to 32, so 43.8% of its Cube work is padding
          fix: Make the counts multiples of 16: input channels 18 → 16 (less Cube work) or 32 (the padding becomes real channels at no extra Cube time); retrain or prune the layer (tuning guide: convolution channel counts that are multiples of 16 run about 20% faster).
          evidence: {"c0":16,"dtype":"f32","gain_basis":"node time × wasted share of the padded Cube work","guide":"tuning guide: convolution channel counts that are multiples of 16 run about 20% faster","input_channels":18,"node_us":10.2593,"output_channels":32,"padded_input_channels":32,"padded_output_channels":32,"time_source":"estimated","wasted_share":0.4375}
          gain: Some(4.488)
        channel-alignment ["conv18"]
          `conv18` (Convolution) has 18 output channels, not a multiple of C0 = 16 for f32: the Cube pads them to 32, so 43.8% of its Cube work is padding
          fix: Make the counts multiples of 16: output channels 18 → 16 (less Cube work) or 32 (the padding becomes real channels at no extra Cube time); retrain or prune the layer (tuning guide: convolution channel counts that are multiples of 16 run about 20% faster).
          evidence: {"c0":16,"dtype":"f32","gain_basis":"node time × wasted share of the padded Cube work","guide":"tuning guide: convolution channel counts that are multiples of 16 run about 20% faster","input_channels":16,"node_us":9.4817,"output_channels":18,"padded_input_channels":16,"padded_output_channels":32,"time_source":"estimated","wasted_share":0.4375}
          gain: Some(4.148)
    "#]]
    .assert_eq(&render(&findings(&caffe_convs(16, &[16, 18, 32]), RULE)));
    assert!(findings(&caffe_convs(16, &[16, 32, 32]), RULE).is_empty());
}

#[test]
fn ge_18_channels_fire_16_and_32_do_not() {
    let fired = findings(&ge_convs(DType::F16, 16, &[16, 18, 32]), RULE);
    let mut nodes: Vec<&str> = fired.iter().map(|f| f.nodes[0].as_str()).collect();
    nodes.sort_unstable();
    assert_eq!(nodes, ["conv1_18", "conv2_32"]);
    assert!(fired
        .iter()
        .all(|f| num(f, "c0") == 16.0 && num(f, "wasted_share") == 0.4375));
    assert!(findings(&ge_convs(DType::F16, 16, &[16, 32, 32]), RULE).is_empty());
}

/// After ATC: activations in NC1HWC0 (channels padded to C1 × C0), weights in FRACTAL_Z. The
/// real counts come from the NCHW tensor before the TransData and from the bias.
#[test]
fn ge_compiled_graph_reads_channels_through_transdata_and_the_bias() {
    let compiled = |width: i64| {
        let mut g = GeGraphWriter::new("compiled");
        let x = g.data("x", GeDesc::new(DType::F16, &[1, 16, 32, 32], "NCHW"));
        let x = g.op(
            "trans_TransData_0",
            "TransData",
            &[&x],
            &[GeDesc::new(DType::F16, &[1, 1, 32, 32, 16], "NC1HWC0")],
            &[
                ("src_format", FixtureAttr::str("NCHW")),
                ("dst_format", FixtureAttr::str("NC1HWC0")),
            ],
        );
        let mut x = x[0].clone();
        for (idx, (cout, cin)) in [(width, 16), (32, width)].into_iter().enumerate() {
            let c1 = (cout + 15) / 16;
            let name = format!("conv{idx}");
            let weight = g.constant(
                &format!("{name}/weight"),
                GeDesc::new(DType::F16, &[(cin + 15) / 16 * 9, c1, 16, 16], "FRACTAL_Z"),
                &[],
            );
            let bias = g.constant(
                &format!("{name}/bias"),
                GeDesc::new(DType::F16, &[cout], "ND"),
                &[],
            );
            x = g
                .op(
                    &name,
                    "Conv2D",
                    &[&x, &weight, &bias],
                    &[GeDesc::new(DType::F16, &[1, c1, 32, 32, 16], "NC1HWC0")],
                    &[("data_format", FixtureAttr::str("NCHW"))],
                )
                .remove(0);
            x = g
                .op(
                    &format!("{name}/relu"),
                    "Relu",
                    &[&x],
                    &[GeDesc::new(DType::F16, &[1, c1, 32, 32, 16], "NC1HWC0")],
                    &[],
                )
                .remove(0);
        }
        open(
            "ge_proto_00000_Build.txt",
            g.finish(&[&x]).to_text().into_bytes(),
        )
    };
    let fired = findings(&compiled(18), RULE);
    let mut summary: Vec<String> = fired
        .iter()
        .map(|f| {
            format!(
                "{} in {} out {}",
                f.nodes[0],
                num(f, "input_channels"),
                num(f, "output_channels")
            )
        })
        .collect();
    summary.sort();
    assert_eq!(summary, ["conv0 in 16 out 18", "conv1 in 18 out 32"]);
    assert!(findings(&compiled(16), RULE).is_empty());
}

/// int8 packs 32 channels per C0 block: 16 int8 channels pad to 32.
#[test]
fn int8_needs_multiples_of_32() {
    expect![[r#"
        channel-alignment ["conv0_16"]
          `conv0_16` (Conv2D) has 16 input channels and 16 output channels, not multiples of C0 = 32 for i8: the Cube pads them to 32 and 32, so 75.0% of its Cube work is padding
          fix: Make the counts multiples of 32: input channels 16 → 32 and output channels 16 → 32; retrain or prune the layer (tuning guide: convolution channel counts that are multiples of 16 run about 20% faster).
          evidence: {"c0":32,"dtype":"i8","gain_basis":"node time × wasted share of the padded Cube work","guide":"tuning guide: convolution channel counts that are multiples of 16 run about 20% faster","input_channels":16,"node_us":8.9315,"output_channels":16,"padded_input_channels":32,"padded_output_channels":32,"time_source":"estimated","wasted_share":0.75}
          gain: Some(6.699)
    "#]]
    .assert_eq(&render(&findings(&ge_convs(DType::I8, 16, &[16]), RULE)));
    assert!(findings(&ge_convs(DType::F16, 16, &[16]), RULE).is_empty());
    assert!(findings(&ge_convs(DType::I8, 32, &[32, 64]), RULE).is_empty());
}

#[test]
fn a_3_channel_first_layer_gets_the_small_channel_advice() {
    let mut w = OnnxWriter::new("stem", WeightStorage::Inline);
    let x = w.input("image", &[1, 3, 224, 224]);
    let y = w.conv(&x, 64, 7, 2, 3, 1);
    w.output(&y);
    expect![[r#"
        channel-alignment ["/Conv_1"]
          `/Conv_1` (Conv) is a first layer with 3 input channels: 5HD pads them to C0 = 16, and the NC1HWC0_C04 format (C0 = 4) would save 73.5% of its Cube work
          fix: Convert with `atc --enable_small_channel=1` so the first convolution reads its 3 input channels in the NC1HWC0_C04 format instead of padding them to 16 (ascend.md 4.1); keep the input's channel count.
          evidence: {"c0":16,"c04_share":0.7347,"dtype":"f32","gain_basis":"node time × Cube work saved by C04 and by alignment","guide":"tuning guide: convolution channel counts that are multiples of 16 run about 20% faster","input_channels":3,"kernel_area":49,"node_us":165.2519,"output_channels":64,"padded_output_channels":64,"time_source":"estimated","wasted_share":0.0}
          gain: Some(121.41)
    "#]]
    .assert_eq(&render(&findings(&open("stem.onnx", w.finish()), RULE)));

    // The same in TensorFlow and Caffe.
    for model in [tf_convs(3, &[32]), caffe_convs(3, &[32])] {
        let fired = findings(&model, RULE);
        assert_eq!(fired.len(), 1);
        assert!(
            fired[0].fix.contains("--enable_small_channel"),
            "{}",
            fired[0].fix
        );
        assert!((num(&fired[0], "c04_share") - (1.0 - 48.0 / 144.0)).abs() < 1e-4);
    }

    // After ATC (the bundled ResNet-50 .om): the 3 channels are read before the Cast and the
    // TransData to 5HD, the 7×7 kernel from the FRACTAL_Z weight's rows (C1 · kh · kw).
    let fired = findings(
        &open("resnet50.om", ge_resnet50().to_om(&OmOptions::atc())),
        RULE,
    );
    assert_eq!(fired.len(), 1, "{}", render(&fired));
    assert_eq!(fired[0].nodes, ["conv1/Conv_1"]);
    assert_eq!(
        (
            num(&fired[0], "input_channels"),
            num(&fired[0], "kernel_area")
        ),
        (3.0, 49.0)
    );

    // 3 channels deeper in the network are not an image: the plain padding advice.
    let fired = findings(&onnx_convs(16, &[3, 16]), RULE);
    assert_eq!(fired.len(), 2, "{}", render(&fired));
    assert!(fired
        .iter()
        .all(|f| !f.fix.contains("enable_small_channel")));

    // A 1×1 first layer: C04 saves nothing (4 channels still fill one 16-wide block).
    let mut w = OnnxWriter::new("stem", WeightStorage::Inline);
    let x = w.input("image", &[1, 3, 64, 64]);
    let y = w.conv(&x, 16, 1, 1, 0, 1);
    w.output(&y);
    assert!(findings(&open("stem.onnx", w.finish()), RULE).is_empty());
}

#[test]
fn conv_transpose_counts() {
    let deconv = |cin: i64, cout: i64| {
        let mut w = OnnxWriter::new("deconv", WeightStorage::Inline);
        let x = w.input("x", &[1, cin, 16, 16]);
        let weight = w.weight("deconv.weight", &[cin, cout, 2, 2]);
        let y = w.op(
            "ConvTranspose",
            &[&x, &weight],
            vec![1, cout, 32, 32],
            &[
                ("kernel_shape", FixtureAttr::Ints(vec![2, 2])),
                ("strides", FixtureAttr::Ints(vec![2, 2])),
            ],
        );
        w.output(&y);
        open("deconv.onnx", w.finish())
    };
    let fired = findings(&deconv(32, 18), RULE);
    assert_eq!(fired.len(), 1, "{}", render(&fired));
    assert_eq!(
        (
            num(&fired[0], "output_channels"),
            num(&fired[0], "padded_output_channels")
        ),
        (18.0, 32.0)
    );
    assert!(findings(&deconv(32, 16), RULE).is_empty());
}

#[test]
fn depthwise_and_matmul_counts() {
    // Depthwise (groups = channels): one count, the channels.
    let depthwise = |channels: i64| {
        let mut w = OnnxWriter::new("dw", WeightStorage::Inline);
        let x = w.input("x", &[1, channels, 16, 16]);
        let y = w.conv(&x, channels, 3, 1, 1, channels);
        w.output(&y);
        open("dw.onnx", w.finish())
    };
    let fired = findings(&depthwise(24), RULE);
    assert_eq!(fired.len(), 1);
    assert_eq!(
        (
            num(&fired[0], "channels"),
            num(&fired[0], "padded_channels")
        ),
        (24.0, 32.0)
    );
    assert!(findings(&depthwise(32), RULE).is_empty());

    // A fully connected layer: K = 18 fires; N = 1000 pads to 1008, under the 5% floor.
    let gemm = |features: i64, out: i64| {
        let mut w = OnnxWriter::new("fc", WeightStorage::Inline);
        let x = w.input("x", &[1, features]);
        let y = w.gemm(&x, out);
        w.output(&y);
        open("fc.onnx", w.finish())
    };
    let fired = findings(&gemm(18, 16), RULE);
    assert_eq!(fired.len(), 1);
    assert_eq!(
        (num(&fired[0], "k"), num(&fired[0], "padded_k")),
        (18.0, 32.0)
    );
    assert!(findings(&gemm(2048, 1000), RULE).is_empty());
}

/// The tuning guide's figure: convolution channel counts that are multiples of 16 run about 20%
/// faster. An 18-channel output pads to 32, so 14/32 of the Cube work is zeros; the gain is the
/// conv's time times that share (here with an estimate the test sets), and the finding quotes
/// the guide's 20%.
#[test]
fn guide_channels_multiple_of_16() {
    let model = onnx_convs(16, &[16, 18, 32]);
    let out = check_with(
        &model,
        Setup {
            estimates: &[("/Conv_1", 100.0), ("/Conv_2", 100.0), ("/Conv_3", 100.0)],
            ..Setup::default()
        },
    );
    let fired = of_rule(&out, RULE);
    assert_eq!(fired.len(), 2);
    for finding in &fired {
        assert_eq!(num(finding, "wasted_share"), 0.4375);
        assert_eq!(finding.gain_us, Some(43.75));
        assert!(finding.evidence["guide"] == "tuning guide: convolution channel counts that are multiples of 16 run about 20% faster".into());
        // 43.75 us of a 300 us run: high.
        assert_eq!(finding.severity.id(), "high");
    }
    assert!(
        fired.iter().all(|f| f.nodes != ["/Conv_1"]),
        "16 channels are aligned"
    );
}
