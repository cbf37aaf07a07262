//! The fusion patterns and their near misses on models built by code, in each framework where
//! the case applies (ONNX, TensorFlow, Caffe; GE graphs come compiled, see the last tests):
//! Conv + 3 and + 4 element-wise ops, element-wise chains of 5/6/7 under CANN 8.0.RC1 and
//! 8.0.0, a Caffe Reduction and framework reduces, an outside consumer, a multi-input op in the
//! middle, a dynamic batch, an AI CPU op and a format conversion in between, AIPP, and the
//! `missed-fusion` rule with the guide's MirrorPad → Mul trick.

mod fusion_common;

use fusion_common::{cann, names, open, simulate, simulate_on};
use opscope_engine::analysis::cost;
use opscope_engine::analysis::fusion::{self, Fusion, FusionKind, FusionOptions, NearMissReason};
use opscope_engine::analysis::{analyze, AnalyzeOptions};
use opscope_engine::ir::Model;
use opscope_engine::samples::{
    caffe_layer, ge_chain, ge_small, CaffeInput, CaffeWriter, ConvSpec, JsonStyle, OnnxWriter,
    TfWeights, TfWriter, WeightStorage,
};
use opscope_engine::target::TargetId;

const SHAPE: [i64; 4] = [1, 16, 8, 8];
/// Single-input element-wise ops every framework's reader maps to the knowledge base.
const ONNX_OPS: [&str; 7] = ["Relu", "Sigmoid", "Tanh", "Abs", "Neg", "Exp", "Sqrt"];
const TF_OPS: [&str; 7] = ["Relu", "Sigmoid", "Tanh", "Abs", "Neg", "Exp", "Sqrt"];
const CAFFE_OPS: [&str; 4] = ["ReLU", "Sigmoid", "TanH", "ELU"];

fn onnx_unary(w: &mut OnnxWriter, op: &str, x: &str) -> String {
    w.node(op, &[x], &[SHAPE.to_vec()], vec![]).remove(0)
}

/// ONNX: input → Conv 3×3 → `ops`.
fn onnx_conv_then(ops: &[&str]) -> Model {
    let mut w = OnnxWriter::new("conv_chain", WeightStorage::Inline);
    let x = w.input("x", &SHAPE);
    let mut y = w.conv(&x, 16, 3, 1, 1, 1);
    for op in ops {
        y = onnx_unary(&mut w, op, &y);
    }
    w.output(&y);
    open("conv_chain.onnx", w.finish())
}

/// TensorFlow: placeholder → Conv2D → `ops` (NHWC).
fn tf_conv_then(ops: &[&str]) -> Model {
    let mut w = TfWriter::new(TfWeights::Splat).with_output_shapes();
    let x = w.placeholder("x", &[1, 8, 8, 16]);
    let mut y = w.conv2d(&x, 16, 3, 1, "SAME");
    for op in ops {
        y = w.unary(op, &y);
    }
    open("conv_chain.pbtxt", w.finish().text().into_bytes())
}

/// Caffe: input → Convolution → `ops`, each layer with its own top.
fn caffe_conv_then(ops: &[&str]) -> Model {
    let mut w = CaffeWriter::new("conv_chain");
    let x = w.input("data", &SHAPE, CaffeInput::Shape);
    let mut y = w.conv("conv", &x, ConvSpec::new(16, 3).pad(1));
    for (idx, op) in ops.iter().enumerate() {
        let name = format!("act{idx}");
        y = w.layer(caffe_layer(&name, op, &[&y], &[&name]), SHAPE.to_vec());
    }
    open("conv_chain.prototxt", w.prototxt().into_bytes())
}

fn ub_groups(fusion: &Fusion) -> Vec<&fusion::FusionGroup> {
    fusion
        .groups
        .iter()
        .filter(|g| g.kind == FusionKind::Ub)
        .collect()
}

/// The UB groups as node names.
fn group_names(model: &Model, fusion: &Fusion) -> Vec<Vec<String>> {
    ub_groups(fusion)
        .iter()
        .map(|g| names(model, &g.nodes))
        .collect()
}

fn node_name(model: &Model, op_type: &str, nth: usize) -> String {
    model
        .graph
        .nodes
        .iter()
        .filter(|n| n.op_type == op_type)
        .nth(nth)
        .map(|n| n.display_name().to_string())
        .unwrap_or_else(|| panic!("no {op_type} #{nth}"))
}

#[test]
fn a_conv_with_three_element_wise_ops_is_one_group_in_every_framework() {
    let models = [
        onnx_conv_then(&ONNX_OPS[..3]),
        tf_conv_then(&TF_OPS[..3]),
        caffe_conv_then(&CAFFE_OPS[..3]),
    ];
    for model in &models {
        let fusion = simulate(model, cann("8.0.RC1"));
        let groups = ub_groups(&fusion);
        assert_eq!(groups.len(), 1, "{:?}", group_names(model, &fusion));
        assert_eq!(groups[0].pattern, "TbeConvElemwiseFusionPass");
        assert_eq!(groups[0].nodes.len(), 4);
        let head = &model.graph.nodes[groups[0].nodes[0]];
        assert!(matches!(
            head.op_type.as_str(),
            "Conv" | "Conv2D" | "Convolution"
        ));
        assert!(groups[0].ddr_bytes_saved > 0);
        assert!(fusion.near_misses.is_empty(), "{:?}", fusion.near_misses);
    }
}

#[test]
fn a_conv_with_four_element_wise_ops_keeps_three_and_reports_the_fourth() {
    let models = [
        onnx_conv_then(&ONNX_OPS[..4]),
        tf_conv_then(&TF_OPS[..4]),
        caffe_conv_then(&CAFFE_OPS[..4]),
    ];
    for model in &models {
        let fusion = simulate(model, cann("8.0.RC1"));
        let groups = ub_groups(&fusion);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].nodes.len(), 4, "head + 3");
        let near = &fusion.near_misses[0];
        assert_eq!(fusion.near_misses.len(), 1);
        assert_eq!(near.reason, NearMissReason::TooManyElementwise);
        assert_eq!((near.limit, near.found), (Some(3), Some(4)));
        assert!(
            near.detail.contains("too many element-wise ops: 4 follow"),
            "{}",
            near.detail
        );
        assert!(near.detail.contains("takes at most 3"), "{}", near.detail);
        let fourth = model.graph.nodes.len() - 1;
        assert_eq!(near.blocker, Some(fourth));
        assert_eq!(near.nodes.len(), 5);
        // The saving is the one intermediate the fourth op would keep in the buffer.
        assert!(near.ddr_bytes_saved > 0 && near.ddr_bytes_saved < groups[0].ddr_bytes_saved);
        assert_eq!(near.kernels_merged, 1);
    }
}

/// ONNX: input → `n` element-wise ops.
fn onnx_elementwise_chain(n: usize) -> Model {
    let mut w = OnnxWriter::new("chain", WeightStorage::Inline);
    let mut y = w.input("x", &SHAPE);
    for idx in 0..n {
        y = onnx_unary(&mut w, ONNX_OPS[idx % ONNX_OPS.len()], &y);
    }
    w.output(&y);
    open("chain.onnx", w.finish())
}

fn tf_elementwise_chain(n: usize) -> Model {
    let mut w = TfWriter::new(TfWeights::Splat).with_output_shapes();
    let mut y = w.placeholder("x", &[1, 8, 8, 16]);
    for idx in 0..n {
        y = w.unary(TF_OPS[idx % TF_OPS.len()], &y);
    }
    open("chain.pbtxt", w.finish().text().into_bytes())
}

#[test]
fn element_wise_chains_of_5_6_7_follow_the_cann_release() {
    // (chain length, release, group sizes, near miss (found, limit)).
    type Case = (usize, &'static str, &'static [usize], Option<(u32, u32)>);
    let cases: [Case; 6] = [
        (5, "8.0.RC1", &[5], None),
        (6, "8.0.RC1", &[5], Some((6, 5))),
        (7, "8.0.RC1", &[5, 2], Some((7, 5))),
        (5, "8.0.0", &[5], None),
        (6, "8.0.0", &[6], None),
        (7, "8.0.0", &[6], Some((7, 6))),
    ];
    for (n, release, sizes, near) in cases {
        for model in [onnx_elementwise_chain(n), tf_elementwise_chain(n)] {
            let fusion = simulate(&model, cann(release));
            let got: Vec<usize> = ub_groups(&fusion).iter().map(|g| g.nodes.len()).collect();
            assert_eq!(got, sizes, "{n} ops under {release}");
            assert!(ub_groups(&fusion)
                .iter()
                .all(|g| g.pattern == "TbeEltwiseFusionPass"));
            let misses: Vec<(u32, u32)> = fusion
                .near_misses
                .iter()
                .filter(|m| m.reason == NearMissReason::TooManyElementwise)
                .filter_map(|m| Some((m.found?, m.limit?)))
                .collect();
            assert_eq!(
                misses,
                near.into_iter().collect::<Vec<_>>(),
                "{n} under {release}"
            );
            if let Some(miss) = fusion.near_misses.first() {
                let text = format!("{} in a row", near.map_or(0, |n| n.0));
                assert!(miss.detail.contains(&text), "{}", miss.detail);
                // Under 8.0.RC1 the fix points at the release that takes 6.
                assert_eq!(
                    miss.fix.contains("CANN 8.0.0 or later"),
                    release == "8.0.RC1",
                    "{}",
                    miss.fix
                );
            }
        }
    }
}

#[test]
fn a_caffe_reduction_cannot_fuse_but_onnx_and_tf_reduces_do() {
    let mut w = CaffeWriter::new("reduce");
    let x = w.input("data", &SHAPE, CaffeInput::Shape);
    let r = w.layer(caffe_layer("sum", "Reduction", &[&x], &["sum"]), vec![1]);
    let y = w.layer(caffe_layer("act", "ReLU", &[&r], &["act"]), vec![1]);
    w.layer(caffe_layer("act2", "Sigmoid", &[&y], &["act2"]), vec![1]);
    let caffe = open("reduce.prototxt", w.prototxt().into_bytes());
    let fusion = simulate(&caffe, cann("8.0.RC1"));
    assert!(ub_groups(&fusion)
        .iter()
        .all(|g| g.pattern != "TbeReduceElemwiseFusionPass"));
    let near = &fusion.near_misses[0];
    assert_eq!(near.reason, NearMissReason::CaffeReduce);
    assert_eq!(near.pattern, "TbeReduceElemwiseFusionPass");
    assert_eq!(names(&caffe, &near.nodes), ["sum", "act", "act2"]);
    assert_eq!(near.blocker, Some(0));
    assert!(near.detail.contains("Caffe"), "{}", near.detail);
    // The two ReLU/Sigmoid after it still fuse with each other.
    assert_eq!(group_names(&caffe, &fusion), [["act", "act2"]]);

    // ONNX ReduceSum (axes as an initializer) + element-wise: one group.
    let mut w = OnnxWriter::new("reduce", WeightStorage::Inline);
    let x = w.input("x", &SHAPE);
    let axes = w.int64_constant("axes", &[2, 3]);
    let r = w
        .node("ReduceSum", &[&x, &axes], &[vec![1, 16, 1, 1]], vec![])
        .remove(0);
    let y = w
        .node("Relu", &[&r], &[vec![1, 16, 1, 1]], vec![])
        .remove(0);
    w.output(&y);
    let onnx = open("reduce.onnx", w.finish());
    let fusion = simulate(&onnx, cann("8.0.RC1"));
    let groups = ub_groups(&fusion);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].pattern, "TbeReduceElemwiseFusionPass");
    assert_eq!(groups[0].nodes.len(), 2);
    assert!(fusion.near_misses.is_empty());

    // TensorFlow Mean (a reduce over H and W) + Relu: one group.
    let mut w = TfWriter::new(TfWeights::Splat).with_output_shapes();
    let x = w.placeholder("x", &[1, 8, 8, 16]);
    let m = w.global_mean(&x);
    w.relu(&m);
    let tf = open("reduce.pbtxt", w.finish().text().into_bytes());
    let fusion = simulate(&tf, cann("8.0.RC1"));
    let groups = group_names(&tf, &fusion);
    assert_eq!(groups, [["Mean", "Relu"]]);
}

#[test]
fn a_tensor_read_outside_the_chain_ends_it() {
    // ONNX: Conv → Relu → Sigmoid, and the Relu's output also feeds a MaxPool.
    let mut w = OnnxWriter::new("outside", WeightStorage::Inline);
    let x = w.input("x", &SHAPE);
    let c = w.conv(&x, 16, 3, 1, 1, 1);
    let r = w.relu(&c);
    let s = onnx_unary(&mut w, "Sigmoid", &r);
    let p = w.max_pool(&r, 2, 2, 0);
    w.output(&s);
    w.output(&p);
    let onnx = open("outside.onnx", w.finish());

    // TensorFlow: the same.
    let mut w = TfWriter::new(TfWeights::Splat).with_output_shapes();
    let x = w.placeholder("x", &[1, 8, 8, 16]);
    let c = w.conv2d(&x, 16, 3, 1, "SAME");
    let r = w.relu(&c);
    w.unary("Sigmoid", &r);
    w.max_pool(&r, 2, 2, "VALID");
    let tf = open("outside.pbtxt", w.finish().text().into_bytes());

    for model in [onnx, tf] {
        let fusion = simulate(&model, cann("8.0.RC1"));
        let groups = ub_groups(&fusion);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].nodes.len(), 2, "conv + relu");
        let near = &fusion.near_misses[0];
        assert_eq!(near.reason, NearMissReason::OutsideConsumer);
        let pool = node_name(&model, "MaxPool", 0);
        assert_eq!(names(&model, &near.outside), std::slice::from_ref(&pool));
        assert_eq!(names(&model, &near.nodes).len(), 3);
        assert!(near.detail.contains(&pool), "{}", near.detail);
        assert_eq!(
            near.blocker.map(|b| model.graph.nodes[b].op_type.as_str()),
            Some("Sigmoid")
        );
    }
}

#[test]
fn a_multi_input_op_in_the_middle_stops_the_chain() {
    // ONNX: Conv → Relu → Add(·, x) → Tanh.
    let mut w = OnnxWriter::new("multi", WeightStorage::Inline);
    let x = w.input("x", &SHAPE);
    let c = w.conv(&x, 16, 3, 1, 1, 1);
    let r = w.relu(&c);
    let a = w.add(&r, &x);
    let t = onnx_unary(&mut w, "Tanh", &a);
    w.output(&t);
    let onnx = open("multi.onnx", w.finish());

    // Caffe: Convolution → ReLU → Eltwise(·, data) → TanH.
    let mut w = CaffeWriter::new("multi");
    let x = w.input("data", &SHAPE, CaffeInput::Shape);
    let c = w.conv("conv", &x, ConvSpec::new(16, 3).pad(1));
    let r = w.relu("relu", &c, false);
    let a = w.eltwise_sum("sum", &r, &x);
    w.layer(
        caffe_layer("tanh", "TanH", &[&a], &["tanh"]),
        SHAPE.to_vec(),
    );
    let caffe = open("multi.prototxt", w.prototxt().into_bytes());

    for model in [onnx, caffe] {
        let fusion = simulate(&model, cann("8.0.RC1"));
        let groups = ub_groups(&fusion);
        assert_eq!(groups.len(), 2, "{:?}", group_names(&model, &fusion));
        assert_eq!(groups[0].pattern, "TbeConvElemwiseFusionPass");
        assert_eq!(groups[0].nodes.len(), 2);
        // The Add heads its own element-wise group (a head may have several inputs).
        assert_eq!(groups[1].pattern, "TbeEltwiseFusionPass");
        let near = &fusion.near_misses[0];
        assert_eq!(near.reason, NearMissReason::MultiInputInMiddle);
        let add = &model.graph.nodes[near.blocker.unwrap_or(usize::MAX)];
        assert!(matches!(add.op_type.as_str(), "Add" | "Eltwise"));
        assert!(near.detail.contains("has 2 data inputs"), "{}", near.detail);
    }
}

#[test]
fn a_symbolic_batch_blocks_every_pattern() {
    let mut w = OnnxWriter::new("dynamic", WeightStorage::Inline).symbolic_batch("N");
    let x = w.input("x", &SHAPE);
    let c = w.conv(&x, 16, 3, 1, 1, 1);
    let r = w.relu(&c);
    let s = onnx_unary(&mut w, "Sigmoid", &r);
    w.output(&s);
    let model = open("dynamic.onnx", w.finish());
    let fusion = simulate(&model, cann("8.0.RC1"));
    assert!(ub_groups(&fusion).is_empty());
    let near = &fusion.near_misses[0];
    assert_eq!(near.reason, NearMissReason::DynamicShape);
    assert_eq!(near.pattern, "TbeConvElemwiseFusionPass");
    assert_eq!(near.nodes.len(), 3);
    assert_eq!(near.blocker, Some(near.nodes[0]));
    assert!(near.detail.contains('N'), "{}", near.detail);
    assert!(near.fix.contains("static shapes"), "{}", near.fix);
}

/// ONNX: Conv → Pow(·, 2) → Relu.
fn onnx_conv_pow_relu() -> Model {
    let mut w = OnnxWriter::new("pow", WeightStorage::Inline);
    let x = w.input("x", &SHAPE);
    let c = w.conv(&x, 16, 3, 1, 1, 1);
    let two = w.float_scalar("two", 2.0);
    let p = w
        .node("Pow", &[&c, &two], &[SHAPE.to_vec()], vec![])
        .remove(0);
    let r = w.relu(&p);
    w.output(&r);
    open("pow.onnx", w.finish())
}

#[test]
fn an_ai_cpu_op_in_between_stops_the_chain_on_the_310_only() {
    let model = onnx_conv_pow_relu();
    let fusion = simulate(&model, cann("8.0.RC1"));
    assert!(
        ub_groups(&fusion).is_empty(),
        "{:?}",
        group_names(&model, &fusion)
    );
    let near = &fusion.near_misses[0];
    assert_eq!(near.reason, NearMissReason::AiCpuInBetween);
    assert_eq!(near.nodes.len(), 3);
    assert_eq!(model.graph.nodes[near.blocker.unwrap_or(0)].op_type, "Pow");
    assert_eq!(near.kernels_merged, 2);
    // The same Pow is reported once, not again as the head of an element-wise chain.
    assert_eq!(fusion.near_misses.len(), 1, "{:?}", fusion.near_misses);

    // The 910B runs Pow on the Vector unit: all three fuse.
    let fusion = simulate_on(
        &model,
        TargetId::Ascend910B,
        cann("8.0.RC1"),
        FusionOptions::default(),
    );
    assert_eq!(ub_groups(&fusion)[0].nodes.len(), 3);
    assert!(fusion.near_misses.is_empty());
}

#[test]
fn a_format_conversion_in_between_stops_the_chain() {
    let mut w = OnnxWriter::new("transdata", WeightStorage::Inline);
    let x = w.input("x", &SHAPE);
    let c = w.conv(&x, 16, 3, 1, 1, 1);
    let t = onnx_unary(&mut w, "TransData", &c);
    let r = w.relu(&t);
    w.output(&r);
    let model = open("transdata.onnx", w.finish());
    let fusion = simulate(&model, cann("8.0.RC1"));
    assert!(ub_groups(&fusion).is_empty());
    let near = &fusion.near_misses[0];
    assert_eq!(near.reason, NearMissReason::FormatConversion);
    assert_eq!(near.nodes, vec![0, 1, 2]);
    assert_eq!(near.blocker, Some(1));
    assert!(near.fix.contains("same format"), "{}", near.fix);
}

#[test]
fn aipp_lets_the_first_conv_take_relu_and_max_pooling() {
    let mut w = OnnxWriter::new("aipp", WeightStorage::Inline);
    let x = w.input("image", &[1, 3, 224, 224]);
    let c = w.conv(&x, 64, 7, 2, 3, 1);
    let r = w.relu(&c);
    let p = w.max_pool(&r, 3, 2, 1);
    w.output(&p);
    let model = open("aipp.onnx", w.finish());
    let plain = simulate(&model, cann("8.0.RC1"));
    assert_eq!(ub_groups(&plain)[0].pattern, "TbeConvElemwiseFusionPass");
    assert_eq!(ub_groups(&plain)[0].nodes.len(), 2);
    let aipp = simulate_on(
        &model,
        TargetId::Ascend310,
        cann("8.0.RC1"),
        FusionOptions { aipp: true },
    );
    assert_eq!(
        ub_groups(&aipp)[0].pattern,
        "TbeAippConvReluMaxpoolingFusion"
    );
    assert_eq!(ub_groups(&aipp)[0].nodes, vec![0, 1, 2]);
}

fn analyze_310(model: &Model) -> opscope_engine::analysis::Analysis {
    analyze(
        model,
        None,
        &AnalyzeOptions {
            target: TargetId::Ascend310,
            cann: cann("8.0.RC1"),
        },
    )
}

#[test]
fn the_missed_fusion_rule_reports_each_near_miss_with_its_numbers() {
    let model = onnx_conv_then(&ONNX_OPS[..4]);
    let analysis = analyze_310(&model);
    let findings: Vec<_> = analysis.rules.of_rule("missed-fusion").collect();
    assert_eq!(findings.len(), 1);
    let finding = findings[0];
    assert_eq!(
        finding.nodes,
        names(&model, &analysis.fusion.near_misses[0].nodes)
    );
    assert!(finding.message.contains("4 follow"), "{}", finding.message);
    assert!(finding.fix.contains("at most 3"), "{}", finding.fix);
    let evidence = serde_json::to_value(&finding.evidence).unwrap_or_default();
    assert_eq!(evidence["limit"], 3);
    assert_eq!(evidence["found"], 4);
    assert_eq!(evidence["reason"], "too_many_elementwise");
    assert_eq!(evidence["pattern"], "TbeConvElemwiseFusionPass");
    // 16·8·8 f32 values = 4096 bytes, written and read: 8192 bytes, plus one launch.
    assert_eq!(evidence["ddr_bytes"], 8192);
    // The cost model's traffic and launch figures, capped by the members' estimated time.
    let gain = finding.gain_us.unwrap_or(0.0);
    let members: f64 = analysis.fusion.near_misses[0]
        .nodes
        .iter()
        .map(|&n| analysis.cost.per_node[n].estimated_us)
        .sum();
    let uncapped =
        cost::memory_us(&analysis.target, 8192) + cost::kernel_overhead_us(&analysis.target);
    let expected = uncapped.min(members);
    assert!(members > 0.0, "the cost model estimates the members");
    assert!((gain - expected).abs() < 1e-3, "{gain} vs {expected}");

    // The twin with three element-wise ops: nothing to report.
    let analysis = analyze_310(&onnx_conv_then(&ONNX_OPS[..3]));
    assert_eq!(analysis.rules.of_rule("missed-fusion").count(), 0);
}

/// ONNX: Conv → MirrorPad → (identity 1×1 Conv →) Mul(·, scale) → Conv.
fn onnx_mirror_pad_mul(identity_conv: bool) -> Model {
    let mut w = OnnxWriter::new("mirror_pad", WeightStorage::Inline);
    let x = w.input("x", &SHAPE);
    let c = w.conv(&x, 16, 3, 1, 1, 1);
    let padded_shape = vec![1, 16, 10, 10];
    let pads = w.int64_constant("pads", &[0, 0, 1, 1, 0, 0, 1, 1]);
    let mut y = w
        .node(
            "MirrorPad",
            &[&c, &pads],
            std::slice::from_ref(&padded_shape),
            vec![],
        )
        .remove(0);
    if identity_conv {
        y = w.conv(&y, 16, 1, 1, 0, 1);
    }
    let scale = w.float_scalar("scale", 0.5);
    let m = w
        .node("Mul", &[&y, &scale], &[padded_shape], vec![])
        .remove(0);
    let out = w.conv(&m, 16, 3, 1, 0, 1);
    w.output(&out);
    open("mirror_pad.onnx", w.finish())
}

#[test]
fn mirror_pad_then_mul_fires_and_the_identity_conv_silences_it() {
    let model = onnx_mirror_pad_mul(false);
    let analysis = analyze_310(&model);
    let findings: Vec<_> = analysis.rules.of_rule("missed-fusion").collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = findings[0];
    assert_eq!(finding.nodes.len(), 2);
    assert_eq!(
        model
            .graph
            .nodes
            .iter()
            .find(|n| n.name == finding.nodes[0])
            .map(|n| n.op_type.as_str()),
        Some("MirrorPad")
    );
    assert!(
        finding.fix.contains("identity 1×1 convolution"),
        "{}",
        finding.fix
    );
    assert!(finding.fix.contains("TransData"), "{}", finding.fix);
    let evidence = serde_json::to_value(&finding.evidence).unwrap_or_default();
    assert_eq!(evidence["reason"], "no_fusion_head");
    assert_eq!(evidence["kernels_merged"], 2);
    // Two TransData moves of the padded 16·10·10 f32 tensor, each read and written.
    assert_eq!(evidence["ddr_bytes"], 2 * 2 * 16 * 10 * 10 * 4);

    let fixed = onnx_mirror_pad_mul(true);
    let analysis = analyze_310(&fixed);
    assert_eq!(analysis.rules.of_rule("missed-fusion").count(), 0);
    // The Mul now fuses into the identity convolution's group.
    let groups = group_names(&fixed, &analysis.fusion);
    let mul = node_name(&fixed, "Mul", 0);
    assert!(
        groups.iter().any(|g| g.len() == 2 && g[1] == mul),
        "{groups:?}"
    );
}

#[test]
fn compiled_ge_graphs_are_not_fused_again_and_agree_with_themselves() {
    for model in [ge_small(), ge_chain(60)] {
        let model = open("model.json", model.to_json(JsonStyle::ATC).into_bytes());
        let fusion = simulate(&model, cann("8.0.RC1"));
        // Every compute op is a compiled kernel (it lists its original ops): nothing to add.
        assert!(
            ub_groups(&fusion).is_empty(),
            "{:?}",
            group_names(&model, &fusion)
        );
        assert!(fusion.near_misses.is_empty(), "{:?}", fusion.near_misses);
        // Alone, a compiled graph is not compared with itself (every group would match).
        assert!(fusion::compare(&model, None, &fusion).is_none());
        // Asked explicitly, it agrees with itself: the simulation keeps ATC's kernels as they
        // are.
        let check = fusion::compare_with_compiled(&model, &fusion, &model, "itself");
        assert_eq!(check.source, "itself");
        assert!(check.real_groups > 0);
        assert_eq!(check.matched, check.real_groups);
        assert_eq!(check.agreement, 1.0);
    }
}
