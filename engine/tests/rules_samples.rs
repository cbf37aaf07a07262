//! The model rules on whole networks: the bundled samples of every format (a golden of which
//! rule flags which nodes), the real model files in ../shared/samples/models when this checkout
//! has them (skipped quietly otherwise), and odd graphs that must not panic.

mod rules_support;

use expect_test::expect;
use opscope_engine::analysis::rules::{Finding, MAX_FINDINGS_PER_RULE};
use opscope_engine::ir::{DType, Graph, Model, ModelFormat, Node, Shape, Tensor, TensorKind};
use opscope_engine::samples::{
    caffe_mobilenet_v1, ge_resnet50, mobilenet_v2, resnet50, tf_mobilenet_v2, OmOptions, TfWeights,
};
use opscope_engine::target::TargetId;
use rules_support::{analyze_on, open, real_models_dir};

/// The rules this test covers (the model half; `dynamic-shape` also has a profile half).
const MODEL_RULES: &[&str] = &[
    "aicpu-replaceable",
    "channel-alignment",
    "interp-divisibility",
    "transdata-avoidable",
    "dynamic-shape",
];

fn model_findings(model: &Model) -> Vec<Finding> {
    analyze_on(model, TargetId::Ascend310)
        .rules
        .findings
        .into_iter()
        .filter(|f| MODEL_RULES.contains(&f.rule))
        .collect()
}

/// What every finding must satisfy, whatever the model.
fn check_invariants(label: &str, model: &Model, findings: &[Finding]) {
    let names: std::collections::HashSet<&str> =
        model.graph.nodes.iter().map(|n| n.display_name()).collect();
    for f in findings {
        assert!(!f.nodes.is_empty(), "{label}: {} without nodes", f.rule);
        for node in &f.nodes {
            assert!(
                names.contains(node.as_str()),
                "{label}: {} names {node}",
                f.rule
            );
        }
        assert!(
            !f.message.is_empty() && !f.fix.is_empty(),
            "{label}: {}",
            f.rule
        );
        assert!(
            !f.evidence.is_empty(),
            "{label}: {} without evidence",
            f.rule
        );
        if let Some(gain) = f.gain_us {
            assert!(
                gain.is_finite() && gain >= 0.0,
                "{label}: {} gain {gain}",
                f.rule
            );
        }
    }
    for rule in MODEL_RULES {
        let count = findings.iter().filter(|f| f.rule == *rule).count();
        assert!(count <= MAX_FINDINGS_PER_RULE, "{label}: {rule} {count}");
    }
}

/// `rule: node, node, ...` per finding, in report order.
fn summary(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{}: {}\n", f.rule, f.nodes.join(", ")))
        .collect()
}

/// The bundled samples as the app opens them. The golden follows the knowledge base: when a row
/// gains `Supports5hd` (pooling has it on Ascend), its `transdata-avoidable` lines go away.
#[test]
fn bundled_samples() {
    let samples = [
        ("resnet50.onnx", resnet50()),
        ("mobilenet_v2.onnx", mobilenet_v2()),
        (
            "mobilenet_v2_tf.pbtxt",
            tf_mobilenet_v2(TfWeights::Splat, true).text().into_bytes(),
        ),
        (
            "mobilenet_v1.prototxt",
            caffe_mobilenet_v1().prototxt().into_bytes(),
        ),
        ("resnet50_atc.om", ge_resnet50().to_om(&OmOptions::atc())),
    ];
    let mut text = String::new();
    for (name, bytes) in samples {
        let model = open(name, bytes);
        let findings = model_findings(&model);
        check_invariants(name, &model, &findings);
        text.push_str(&format!("== {name}\n{}", summary(&findings)));
    }
    expect![[r#"
        == resnet50.onnx
        channel-alignment: /Conv_1
        == mobilenet_v2.onnx
        channel-alignment: /features.0/Conv_1
        channel-alignment: /features.3/Conv_15
        channel-alignment: /features.2/Conv_10
        channel-alignment: /features.3/Conv_11
        channel-alignment: /features.4/Conv_17
        == mobilenet_v2_tf.pbtxt
        channel-alignment: MobilenetV2/Conv/Conv2D
        channel-alignment: MobilenetV2/expanded_conv_2/project/Conv2D
        channel-alignment: MobilenetV2/expanded_conv_1/project/Conv2D
        channel-alignment: MobilenetV2/expanded_conv_2/expand/Conv2D
        channel-alignment: MobilenetV2/expanded_conv_3/expand/Conv2D
        == mobilenet_v1.prototxt
        channel-alignment: conv1
        == resnet50_atc.om
        channel-alignment: conv1/Conv_1
    "#]]
    .assert_eq(&text);
}

/// The real models: invariants everywhere, and what their architectures make certain.
#[test]
fn real_models() {
    let Some(dir) = real_models_dir() else {
        return;
    };
    let mut opened = 0;
    for sub in ["onnx", "caffe", "ge"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(model) =
                opscope_engine::open_model(&opscope_engine::InputFile::new(&name, bytes))
            else {
                continue;
            };
            opened += 1;
            let findings = model_findings(&model);
            check_invariants(&name, &model, &findings);
            let flagged = |rule: &str, node: &str| {
                findings
                    .iter()
                    .any(|f| f.rule == rule && f.nodes.iter().any(|n| n == node))
            };
            match name.as_str() {
                // MobileNet v2's 24-channel bottlenecks pad to 32; its stem reads 3 channels.
                "mobilenet_v2_deploy.prototxt" => {
                    for node in [
                        "conv2_2/linear",
                        "conv3_1/expand",
                        "conv3_1/linear",
                        "conv3_2/expand",
                    ] {
                        assert!(flagged("channel-alignment", node), "{name}: {node}");
                    }
                    assert!(findings
                        .iter()
                        .any(|f| f.nodes == ["conv1"] && f.fix.contains("enable_small_channel")));
                }
                "ResNet-50-deploy.prototxt" | "mobilenet_v1_deploy.prototxt" => {
                    assert!(findings.iter().any(|f| f.nodes == ["conv1"] && f.fix.contains("enable_small_channel")), "{name}");
                    // Every other convolution has channels in multiples of 16.
                    let others = findings
                        .iter()
                        .filter(|f| f.rule == "channel-alignment" && f.nodes != ["conv1"])
                        .count();
                    assert_eq!(others, 0, "{name}");
                }
                // Static shapes, no resize, no Pow: nothing for these rules.
                "light_resnet50.onnx" | "light_vgg19.onnx" => {
                    for rule in ["aicpu-replaceable", "interp-divisibility", "dynamic-shape"] {
                        assert!(findings.iter().all(|f| f.rule != rule), "{name}: {rule}");
                    }
                }
                // ATC put a float16 → int64 Cast on the AI CPU of a real 310; its row lists
                // both dtypes as AI Core ones, so the float64 replacement does not apply.
                "ait-compare-model.om" => {
                    assert!(!flagged("aicpu-replaceable", "Cast_1206"), "{name}");
                }
                _ => {}
            }
        }
    }
    assert!(opened >= 10, "only {opened} real models opened");
}

/// Graphs the importers would never make, but the rules must survive: dangling tensor ids, a
/// cycle through an op without 5HD support, shapes of the wrong rank, an empty graph.
#[test]
fn odd_graphs_do_not_panic() {
    let tensor = |name: &str, dims: Option<&[i64]>| Tensor {
        name: name.to_string(),
        dtype: DType::F32,
        shape: dims.map(Shape::from_known),
        ..Tensor::default()
    };
    let node = |name: &str, op: &str, inputs: Vec<Option<usize>>, outputs: Vec<usize>| Node {
        name: name.to_string(),
        op_type: op.to_string(),
        inputs,
        outputs,
        ..Node::default()
    };
    let mut graph = Graph {
        name: "odd".to_string(),
        nodes: vec![
            node("conv", "Conv", vec![Some(2), Some(99)], vec![0]),
            node("pad", "MirrorPad", vec![Some(0)], vec![1]),
            node("conv2", "Conv", vec![Some(1), None], vec![2]),
            node("pow", "Pow", vec![Some(0), Some(42)], vec![3]),
            node("interp", "Interp", vec![Some(3)], vec![4]),
            node("gemm", "Gemm", vec![Some(4)], vec![]),
            // Sizes at the integer limit: saturate, never overflow.
            node("huge_conv", "Conv", vec![Some(5), Some(6)], vec![7]),
            node("huge_fc", "Gemm", vec![Some(5), Some(6)], vec![8]),
            node("huge_interp", "Interp", vec![Some(5)], vec![9]),
        ],
        tensors: vec![
            tensor("a", Some(&[1, 18])),
            tensor("b", None),
            tensor("c", Some(&[1, 18, 7, 7, 3, 2])),
            tensor("d", Some(&[])),
            tensor("e", Some(&[1, 1, 1, 1])),
            tensor("huge_in", Some(&[1, 3, i64::MAX, i64::MAX])),
            tensor("huge_w", Some(&[i64::MAX, 3, i64::MAX, i64::MAX])),
            tensor("huge_out", Some(&[1, i64::MAX - 1, i64::MAX, 1])),
            tensor("huge_fc_out", Some(&[1, i64::MAX - 1])),
            tensor("huge_resized", Some(&[1, 3, i64::MAX, i64::MAX - 7])),
        ],
        inputs: vec![5, 70],
        outputs: vec![4, 100],
        subgraphs: Vec::new(),
    };
    graph.tensors[1].kind = TensorKind::Input;
    graph.tensors[5].kind = TensorKind::Input;
    graph.tensors[6].kind = TensorKind::Weight;
    graph.relink();
    for format in [
        ModelFormat::Onnx,
        ModelFormat::Tensorflow,
        ModelFormat::Caffe,
        ModelFormat::Ge,
    ] {
        let model = Model {
            format,
            name: "odd".to_string(),
            metadata: Vec::new(),
            opsets: Vec::new(),
            graph: graph.clone(),
            functions: Vec::new(),
            warnings: Vec::new(),
        };
        let findings = model_findings(&model);
        check_invariants("odd", &model, &findings);
        let empty = Model {
            graph: Graph::default(),
            ..model
        };
        assert!(model_findings(&empty).is_empty());
    }
}
