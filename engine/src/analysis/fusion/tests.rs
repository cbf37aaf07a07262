//! Unit tests of the simulation on graphs built by hand: the odd graphs the writers cannot make
//! (cycles, self-loops, dangling ids, empty graphs) and the chain rules in isolation. The
//! framework fixtures and goldens are in `engine/tests/fusion_*.rs`.

use crate::analysis::units;
use crate::analysis::CannVersion;
use crate::ir::{Dim, Graph, GraphBuilder, Model, ModelFormat, Node, Shape, TensorKind};
use crate::target::{Target, TargetId};

use super::*;

fn model(graph: Graph) -> Model {
    Model {
        format: ModelFormat::Onnx,
        name: "hand".into(),
        metadata: Vec::new(),
        opsets: Vec::new(),
        graph,
        functions: Vec::new(),
        warnings: Vec::new(),
    }
}

fn run(model: &Model) -> Fusion {
    let target = Target::new(TargetId::Ascend310);
    let units = units::assign(model, &target);
    simulate(
        &model.graph,
        model.format,
        &units,
        &target,
        CannVersion::DEFAULT,
    )
}

/// A chain `x → op₁ → op₂ → …` of single-input nodes with static [1, 16, 8, 8] tensors.
fn chain(ops: &[&str]) -> Graph {
    let mut builder = GraphBuilder::new("chain");
    let x = builder.tensor("x");
    builder.tensor_mut(x).kind = TensorKind::Input;
    builder.graph_mut().inputs.push(x);
    let mut previous = x;
    for (idx, op) in ops.iter().enumerate() {
        let out = builder.tensor(&format!("t{idx}"));
        builder.add_node(Node {
            name: format!("n{idx}"),
            op_type: op.to_string(),
            inputs: vec![Some(previous)],
            outputs: vec![out],
            ..Node::default()
        });
        previous = out;
    }
    builder.graph_mut().outputs.push(previous);
    let mut graph = builder.finish();
    for tensor in &mut graph.tensors {
        tensor.shape = Some(Shape::from_known(&[1, 16, 8, 8]));
        tensor.dtype = crate::ir::DType::F16;
    }
    graph
}

fn check_invariants(graph: &Graph, fusion: &Fusion) {
    assert_eq!(fusion.group_of.len(), graph.nodes.len());
    for (idx, group) in fusion.groups.iter().enumerate() {
        if group.kind != FusionKind::Ub {
            continue;
        }
        for &node in &group.nodes {
            assert_eq!(fusion.group_of[node], Some(idx), "node {node}");
        }
    }
}

#[test]
fn empty_graphs_have_no_groups() {
    let fusion = run(&model(Graph::default()));
    assert!(fusion.groups.is_empty() && fusion.near_misses.is_empty());
    assert!(fusion.group_of.is_empty());
}

#[test]
fn a_chain_of_three_element_wise_ops_fuses_and_saves_its_intermediates() {
    let graph = chain(&["Relu", "Sigmoid", "Tanh"]);
    let fusion = run(&model(graph.clone()));
    check_invariants(&graph, &fusion);
    let group = &fusion.groups[0];
    assert_eq!(group.pattern, "TbeEltwiseFusionPass");
    assert_eq!(group.nodes, vec![0, 1, 2]);
    // Two intermediates of 16·8·8 fp16 values (2048 bytes), each written and read once.
    assert_eq!(group.ddr_bytes_saved, 2 * 2 * 2048);
}

#[test]
fn cycles_self_loops_and_dangling_ids_do_not_panic() {
    // A cycle: n0 → n1 → n0, plus a self-loop on n2 and inputs that point nowhere.
    let mut graph = chain(&["Relu", "Relu", "Relu", "Relu"]);
    graph.nodes[0].inputs = vec![Some(2)];
    graph.nodes[2].inputs.push(Some(3));
    graph.nodes[2].outputs.push(3);
    graph.nodes[3].inputs = vec![Some(99), None, Some(usize::MAX)];
    graph.nodes[3].outputs.push(1000);
    graph.outputs.push(12345);
    graph.relink();
    let model = model(graph.clone());
    let fusion = run(&model);
    check_invariants(&graph, &fusion);
    // Units shorter than the graph (a caller's bug) are tolerated too.
    let target = Target::new(TargetId::Ascend310);
    let fusion = simulate(&graph, model.format, &[], &target, CannVersion::DEFAULT);
    assert_eq!(fusion.group_of.len(), graph.nodes.len());
}

#[test]
fn unknown_and_symbolic_dims_are_dynamic() {
    let mut graph = chain(&["Relu", "Sigmoid"]);
    graph.tensors[1].shape = Some(Shape(vec![
        Dim::Symbolic("N".into()),
        Dim::Known(16),
        Dim::Known(8),
        Dim::Known(8),
    ]));
    let fusion = run(&model(graph));
    assert!(fusion.groups.iter().all(|g| g.kind != FusionKind::Ub));
    let near = &fusion.near_misses[0];
    assert_eq!(near.reason, NearMissReason::DynamicShape);
    assert_eq!(near.nodes, vec![0, 1]);
    assert!(near.detail.contains("[N,16,8,8]"), "{}", near.detail);
}

#[test]
fn a_long_element_wise_chain_splits_into_limited_groups_in_linear_time() {
    let ops: Vec<&str> = std::iter::repeat_n("Relu", 5_000).collect();
    let graph = chain(&ops);
    let fusion = run(&model(graph.clone()));
    check_invariants(&graph, &fusion);
    let ub: Vec<_> = fusion
        .groups
        .iter()
        .filter(|g| g.kind == FusionKind::Ub)
        .collect();
    assert_eq!(ub.len(), 1_000);
    assert!(ub.iter().all(|g| g.nodes.len() == 5));
    // Every group but the last stops with "too many"; the count is capped, never unbounded.
    assert_eq!(fusion.near_misses.len(), 999);
    let first = &fusion.near_misses[0];
    assert_eq!(first.limit, Some(5));
    assert!(first
        .found
        .is_some_and(|f| f > 5 && f <= 5 + simulate::SHADOW_CAP + 1));
}

#[test]
fn near_miss_reasons_have_stable_ids() {
    let ids: Vec<&str> = [
        NearMissReason::TooManyElementwise,
        NearMissReason::MultiInputInMiddle,
        NearMissReason::CaffeReduce,
        NearMissReason::DynamicShape,
        NearMissReason::OutsideConsumer,
        NearMissReason::FormatConversion,
        NearMissReason::AiCpuInBetween,
        NearMissReason::TooManyReduces,
        NearMissReason::NoFusionHead,
        NearMissReason::Other,
    ]
    .iter()
    .map(|r| r.id())
    .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len());
    let json = serde_json::to_value(NearMissReason::NoFusionHead).unwrap_or_default();
    assert_eq!(json, "no_fusion_head");
}

/// The TensorFlow cases that need ops the public writer API has no method for (its `node` is
/// crate-visible): `Sum`, `MirrorPad`.
mod tensorflow {
    use crate::analysis::{analyze, AnalyzeOptions, CannVersion};
    use crate::samples::{TfWeights, TfWriter};
    use crate::target::TargetId;
    use crate::{open_model, InputFile};

    use super::super::{FusionKind, NearMissReason};

    fn open(w: TfWriter) -> crate::ir::Model {
        let text = w.finish().text();
        open_model(&InputFile::new("model.pbtxt", text.into_bytes())).expect("model opens")
    }

    fn analyze_310(model: &crate::ir::Model) -> crate::analysis::Analysis {
        analyze(
            model,
            None,
            &AnalyzeOptions {
                target: TargetId::Ascend310,
                cann: CannVersion::DEFAULT,
            },
        )
    }

    #[test]
    fn a_tensorflow_sum_fuses_with_the_element_wise_ops_after_it() {
        let mut w = TfWriter::new(TfWeights::Splat).with_output_shapes();
        let x = w.placeholder("x", &[1, 8, 8, 16]);
        let axes = w.int32_constant("axes", &[1, 2]);
        let sum = w.node("Sum", "Sum", &[&x, &axes], vec![], &[vec![1, 16]]);
        let relu = w.relu(&sum);
        w.unary("Sigmoid", &relu);
        let model = open(w);
        let analysis = analyze_310(&model);
        let groups: Vec<_> = analysis
            .fusion
            .groups
            .iter()
            .filter(|g| g.kind == FusionKind::Ub)
            .collect();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].pattern, "TbeReduceElemwiseFusionPass");
        let names: Vec<&str> = groups[0]
            .nodes
            .iter()
            .map(|&n| model.graph.nodes[n].name.as_str())
            .collect();
        assert_eq!(names, ["Sum", "Relu", "Sigmoid"]);
        assert_eq!(analysis.rules.of_rule("missed-fusion").count(), 0);
    }

    fn mirror_pad_mul(identity_conv: bool) -> crate::ir::Model {
        let mut w = TfWriter::new(TfWeights::Splat).with_output_shapes();
        let x = w.placeholder("x", &[1, 8, 8, 16]);
        let c = w.conv2d(&x, 16, 3, 1, "SAME");
        let paddings = w.int32_constant("paddings", &[0, 0, 1, 1, 1, 1, 0, 0]);
        let padded = vec![1, 10, 10, 16];
        let mut y = w.node(
            "MirrorPad",
            "MirrorPad",
            &[&c, &paddings],
            vec![],
            std::slice::from_ref(&padded),
        );
        if identity_conv {
            y = w.conv2d(&y, 16, 1, 1, "SAME");
        }
        let scale = w.weight("scale", &[]);
        let m = w.node("Mul", "Mul", &[&y, &scale], vec![], &[padded]);
        w.conv2d(&m, 16, 3, 1, "VALID");
        open(w)
    }

    #[test]
    fn tensorflow_mirror_pad_then_mul_takes_the_identity_conv_trick() {
        let model = mirror_pad_mul(false);
        let analysis = analyze_310(&model);
        let near = &analysis.fusion.near_misses[0];
        assert_eq!(near.reason, NearMissReason::NoFusionHead);
        let findings: Vec<_> = analysis.rules.of_rule("missed-fusion").collect();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].nodes, ["MirrorPad", "Mul"]);
        let fix = &findings[0].fix;
        assert!(fix.contains("identity 1×1 convolution"), "{fix}");
        assert!(fix.contains("after `MirrorPad`: `Mul` then fuses"), "{fix}");

        let model = mirror_pad_mul(true);
        let analysis = analyze_310(&model);
        assert_eq!(analysis.rules.of_rule("missed-fusion").count(), 0);
        assert!(analysis.fusion.groups.iter().any(|g| {
            g.kind == FusionKind::Ub
                && g.nodes
                    .iter()
                    .any(|&n| model.graph.nodes[n].op_type == "Mul")
        }));
    }
}
