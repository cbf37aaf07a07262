//! The estimated profile (the cost model in the shape of a measured one) and the calibration
//! against a measurement: the estimate imports into hotspots and unit totals, joins back to the
//! model it came from, is labelled as an estimate, and a synthetic measurement gives back its
//! factors and a rank correlation of 1.

use opscope_engine::analysis::cost::{self, CostModel};
use opscope_engine::analysis::fusion::{Fusion, FusionGroup, FusionKind};
use opscope_engine::analysis::units::{self, NodeUnit};
use opscope_engine::analysis::{self, AnalyzeOptions, CannVersion};
use opscope_engine::ir::Model;
use opscope_engine::knowledge::ExecUnit;
use opscope_engine::profile::{join, OpState, SourceKind, Unit};
use opscope_engine::samples::{mobilenet_v2, resnet50};
use opscope_engine::target::{Target, TargetId};
use opscope_engine::{open_model, InputFile};

fn open(name: &str, bytes: Vec<u8>) -> Model {
    open_model(&InputFile::new(name, bytes)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn no_fusion(model: &Model) -> Fusion {
    Fusion {
        group_of: vec![None; model.graph.nodes.len()],
        ..Fusion::default()
    }
}

/// One UB group per convolution whose only reader is an activation, as the Conv + element-wise
/// pattern fuses them.
fn conv_activation_groups(model: &Model) -> Fusion {
    let graph = &model.graph;
    let mut fusion = no_fusion(model);
    for (conv, node) in graph.nodes.iter().enumerate() {
        if node.op_type != "Conv" {
            continue;
        }
        let readers = node
            .outputs
            .first()
            .and_then(|&t| graph.tensors.get(t))
            .map(|t| t.consumers.clone())
            .unwrap_or_default();
        if let [activation] = readers[..] {
            if matches!(graph.nodes[activation].op_type.as_str(), "Relu" | "Clip") {
                fusion.group_of[conv] = Some(fusion.groups.len());
                fusion.group_of[activation] = Some(fusion.groups.len());
                fusion.groups.push(FusionGroup::new(
                    FusionKind::Ub,
                    "TbeConvElemwiseFusionPass",
                    vec![conv, activation],
                    0,
                ));
            }
        }
    }
    fusion
}

fn estimate(model: &Model, target: TargetId, fusion: &Fusion) -> (Vec<NodeUnit>, CostModel) {
    let target = Target::new(target);
    let units = units::assign(model, &target);
    let cost = cost::estimate(&model.graph, &units, fusion, &target);
    (units, cost)
}

#[test]
fn the_estimated_profile_imports_like_a_measured_one() {
    let model = open("resnet50.onnx", resnet50());
    for target in TargetId::ALL {
        let (units, cost) = estimate(&model, target, &no_fusion(&model));
        let profile = cost::estimated_profile(&model, &units, &cost);
        // Labelled as an estimate, by exactly one source.
        assert!(profile.is_estimate());
        assert_eq!(profile.sources.len(), 1);
        let source = &profile.sources[0];
        assert_eq!(source.kind, SourceKind::Estimate);
        assert!(source.used);
        assert!(
            source.file.starts_with("estimate (cost model, Ascend"),
            "{}",
            source.file
        );
        assert!(source.note.contains("not a measurement"));
        // One task per kernel, the estimate's durations.
        assert_eq!(profile.tasks.len(), cost.kernels.len());
        assert_eq!(source.rows, profile.tasks.len());
        assert!((profile.total_us() - cost.total_us).abs() < 1e-6 * cost.total_us);
        // Hotspots under node names; on the 310 the stem convolution (3 channels padded to 16,
        // compute-bound on 8 TFLOPS) leads, elsewhere a weight-heavy layer4 convolution.
        let ops = profile.ops();
        assert_eq!(ops.len(), profile.tasks.len());
        assert_eq!(ops[0].op_type, "Conv");
        if target == TargetId::Ascend310 {
            assert_eq!(ops[0].op, model.graph.nodes[0].name);
        }
        assert!(ops.iter().all(|op| op.count == 1));
        // Units: AI_CORE only on chips without vector cores; vector ops on AI_VECTOR_CORE on
        // the 910B.
        let totals = profile.unit_totals();
        let units_seen: Vec<Unit> = totals.iter().map(|(u, _)| *u).collect();
        match target {
            TargetId::Ascend910B => assert_eq!(units_seen, vec![Unit::AiCore, Unit::AiVector]),
            _ => assert_eq!(units_seen, vec![Unit::AiCore]),
        }
        // Shapes and dtypes as the estimate counted them (float32 runs as float16).
        let first = &profile.tasks[0];
        assert_eq!(profile.str(first.input_shapes), "1,3,224,224;64,3,7,7;64");
        assert_eq!(profile.str(first.input_dtypes), "FLOAT16;FLOAT16;FLOAT16");
        assert_eq!(profile.str(first.output_shapes), "1,64,112,112");
        assert_eq!(first.op_state, OpState::Static);
        // The join ties every task back to the node it was made from.
        let joined = join(&profile, &model);
        assert!(joined.matched_share() >= 0.99, "{}", joined.matched_share());
        assert!(joined.unmatched.is_empty(), "{:?}", joined.unmatched);
    }
}

#[test]
fn a_fused_group_is_one_task_named_after_its_head() {
    let model = open("mobilenet_v2.onnx", mobilenet_v2());
    let fusion = conv_activation_groups(&model);
    assert!(fusion.groups.len() > 30, "{} groups", fusion.groups.len());
    let (units, unfused) = estimate(&model, TargetId::Ascend310, &no_fusion(&model));
    let (_, fused) = estimate(&model, TargetId::Ascend310, &fusion);
    assert_eq!(
        fused.kernels.len(),
        unfused.kernels.len() - fusion.groups.len()
    );
    assert!(fused.total_us < unfused.total_us);
    let profile = cost::estimated_profile(&model, &units, &fused);
    assert_eq!(profile.tasks.len(), fused.kernels.len());
    // Each group is a task named after its convolution, and a fusion_op row lists its nodes.
    assert_eq!(profile.fusions.len(), fusion.groups.len());
    for (row, group) in profile.fusions.iter().zip(&fusion.groups) {
        let names: Vec<&str> = group
            .nodes
            .iter()
            .map(|&id| model.graph.nodes[id].name.as_str())
            .collect();
        assert_eq!(row.fused, names[0]);
        assert_eq!(row.originals, names);
        assert!(profile.find_sym(&row.fused).is_some());
    }
    let joined = join(&profile, &model);
    assert!(joined.matched_share() >= 0.99, "{}", joined.matched_share());
    // The fused task's output is the activation's, not the convolution's.
    let group = &fusion.groups[0];
    let task = profile
        .tasks
        .iter()
        .find(|t| profile.str(t.name) == model.graph.nodes[group.nodes[0]].name)
        .expect("the group's task");
    let relu_out = model.graph.nodes[group.nodes[1]].outputs[0];
    let shape = model.graph.tensors[relu_out]
        .shape
        .as_ref()
        .and_then(|s| s.known_dims())
        .unwrap_or_default();
    let text: Vec<String> = shape.iter().map(i64::to_string).collect();
    assert_eq!(profile.str(task.output_shapes), text.join(","));
}

#[test]
fn calibration_recovers_known_factors_per_unit() {
    let model = open("resnet50.onnx", resnet50());
    let (units, cost) = estimate(&model, TargetId::Ascend310, &no_fusion(&model));
    // Synthetic measurement: the Cube 1.5× slower, the Vector 0.8×, every other node unmeasured.
    let factor_of = |unit: ExecUnit| match unit {
        ExecUnit::Cube => Some(1.5),
        ExecUnit::Vector => Some(0.8),
        _ => None,
    };
    let measured: Vec<Option<f64>> = cost
        .per_node
        .iter()
        .zip(&units)
        .enumerate()
        .map(|(idx, (c, u))| {
            // Leave every fifth node out: unmeasured nodes do not count.
            if idx % 5 == 4 {
                None
            } else {
                factor_of(u.unit).map(|f| c.estimated_us * f)
            }
        })
        .collect();
    let calibration = cost::calibrate(&cost, &units, &measured);
    let compared = measured.iter().filter(|m| m.is_some()).count();
    assert_eq!(calibration.nodes_compared, compared);
    let factors: Vec<(&str, f64)> = calibration
        .factors
        .iter()
        .map(|f| (f.unit, f.factor))
        .collect();
    assert_eq!(factors.len(), 2, "{factors:?}");
    assert_eq!(factors[0].0, "cube");
    assert!((factors[0].1 - 1.5).abs() < 1e-9);
    assert_eq!(factors[1].0, "vector");
    assert!((factors[1].1 - 0.8).abs() < 1e-9);
    for unit in &calibration.factors {
        assert!((unit.measured_us - unit.factor * unit.predicted_us).abs() < 1e-6);
        assert_eq!(unit.rank_correlation, Some(1.0));
    }
    assert!((calibration.factor(ExecUnit::Cube) - 1.5).abs() < 1e-9);
    assert_eq!(calibration.factor(ExecUnit::AiCpu), 1.0);

    // A monotone (non-linear) measurement ranks the same: correlation 1.
    let monotone: Vec<Option<f64>> = cost
        .per_node
        .iter()
        .map(|c| Some(3.0 + c.estimated_us.powf(1.5)))
        .collect();
    let calibration = cost::calibrate(&cost, &units, &monotone);
    let rho = calibration.rank_correlation.expect("enough nodes");
    assert!((rho - 1.0).abs() < 1e-12, "{rho}");
    // Reversed order: -1.
    let reversed: Vec<Option<f64>> = cost
        .per_node
        .iter()
        .map(|c| Some(1e6 - c.estimated_us))
        .collect();
    let rho = cost::calibrate(&cost, &units, &reversed)
        .rank_correlation
        .expect("enough nodes");
    assert!((rho + 1.0).abs() < 1e-12, "{rho}");
    // Nothing measured: nothing fitted.
    let nothing = cost::calibrate(&cost, &units, &vec![None; cost.per_node.len()]);
    assert_eq!(nothing.nodes_compared, 0);
    assert!(nothing.factors.is_empty());
    assert_eq!(nothing.rank_correlation, None);
}

#[test]
fn calibration_compares_a_fused_kernel_as_one_item() {
    let model = open("mobilenet_v2.onnx", mobilenet_v2());
    let fusion = conv_activation_groups(&model);
    let (units, cost) = estimate(&model, TargetId::Ascend310, &fusion);
    // The profile measures a fused kernel once; here the join gave all of it to the head.
    let mut measured: Vec<Option<f64>> = cost.per_node.iter().map(|_| None).collect();
    for kernel in &cost.kernels {
        measured[kernel.head] = Some(2.0 * kernel.estimated_us);
        for &member in &cost.kernel_nodes(kernel)[1..] {
            measured[member] = Some(0.0);
        }
    }
    let calibration = cost::calibrate(&cost, &units, &measured);
    assert_eq!(calibration.rank_correlation, Some(1.0));
    let cube = calibration
        .factors
        .iter()
        .find(|f| f.unit == "cube")
        .expect("cube factor");
    assert!((cube.factor - 2.0).abs() < 1e-9);
    assert!(calibration
        .notes
        .iter()
        .any(|n| n.contains("fused kernels")));
}

#[test]
fn analyze_without_a_profile_gives_the_estimated_profile() {
    let model = open("resnet50.onnx", resnet50());
    let options = AnalyzeOptions {
        target: TargetId::Ascend310,
        cann: CannVersion::DEFAULT,
    };
    let analysis = analysis::analyze(&model, None, &options);
    assert!(analysis.is_estimate());
    assert_eq!(analysis.cost.per_node.len(), model.graph.nodes.len());
    assert!(analysis.cost.total_us > 0.0);
    let profile = analysis
        .estimated_profile(&model)
        .expect("an estimated profile");
    assert!(profile.is_estimate());
    assert!((profile.total_us() - analysis.cost.total_us).abs() < 1e-6 * analysis.cost.total_us);
    let units = analysis.cost.unit_totals(&analysis.units);
    let node_count: usize = units.iter().map(|(_, nodes, _)| nodes).sum();
    assert_eq!(node_count, model.graph.nodes.len());
    let time: f64 = units.iter().map(|(_, _, us)| us).sum();
    assert!((time - analysis.cost.total_us).abs() < 1e-6 * time);
}

#[test]
fn unnamed_nodes_get_distinct_task_names() {
    let mut model = open("resnet50.onnx", resnet50());
    for node in &mut model.graph.nodes {
        node.name.clear();
    }
    let (units, cost) = estimate(&model, TargetId::Ascend310, &no_fusion(&model));
    let profile = cost::estimated_profile(&model, &units, &cost);
    let ops = profile.ops();
    assert_eq!(ops.len(), profile.tasks.len());
    assert_eq!(ops.iter().filter(|op| op.op == "Conv_0").count(), 1);
}
