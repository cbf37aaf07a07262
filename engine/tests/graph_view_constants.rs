//! Constant folding in the graph view on the bundled samples and on the real models of
//! `../shared/samples/models` (skipped quietly when the folder is absent): every folded node is a
//! constant of the knowledge base that reads nothing computed, it is drawn in each of its
//! readers' boxes and nowhere else, no edge leaves it, and with `fold_constants: false` the view
//! is the one with every node a box. The number folded per real file is pinned.

use std::path::PathBuf;

use opscope_engine::ir::{Model, OpCategory, TensorKind};
use opscope_engine::knowledge;
use opscope_engine::report::{
    graph_view_with, GraphView, GraphViewOptions, ScopeFolding, ViewNodeKind,
};
use opscope_engine::samples::{bundled, ge_resnet50, tf_resnet50, JsonStyle, TfWeights};
use opscope_engine::{open_model, InputFile};

/// `shared/` next to the repository (a clone), or next to the folder of worktrees.
fn models_dir() -> Option<PathBuf> {
    let engine = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        "../../shared/samples/models",
        "../../../shared/samples/models",
    ]
    .into_iter()
    .map(|relative| engine.join(relative))
    .find(|dir| dir.is_dir())
}

/// Checks the folded and the unfolded view of `model` against each other; returns the number of
/// constants folded.
fn check(name: &str, model: &Model) -> usize {
    // Every scope open, so large real models are compared node for node.
    let open = GraphViewOptions {
        scopes: ScopeFolding::Folded(Vec::new()),
        ..GraphViewOptions::default()
    };
    let folded = graph_view_with(model, &model.graph, &open);
    let unfolded = graph_view_with(
        model,
        &model.graph,
        &GraphViewOptions {
            fold_constants: false,
            ..open.clone()
        },
    );
    let graph = &model.graph;
    assert_eq!(unfolded.folded_constants, 0, "{name}");
    assert_eq!(folded.folded_constants, folded.folded.len(), "{name}");
    assert_eq!(folded.node_count, graph.nodes.len(), "{name}");
    assert_eq!(
        folded.nodes.len() + folded.folded_constants,
        unfolded.nodes.len(),
        "{name}: a box other than a folded constant went missing"
    );
    let boxed = |view: &GraphView| -> Vec<usize> {
        view.nodes.iter().filter_map(|n| n.graph_node).collect()
    };
    let mut all = boxed(&folded);
    for constant in &folded.folded {
        let node = &graph.nodes[constant.graph_node];
        assert_eq!(
            OpCategory::of(&node.op_type),
            OpCategory::Constant,
            "{name}: {} folded",
            node.op_type
        );
        assert!(
            !knowledge::is_feed(model.format, &node.op_type),
            "{name}: the feed {} folded",
            node.display_name()
        );
        for &input in node.inputs.iter().flatten() {
            let tensor = &graph.tensors[input];
            assert!(
                tensor.producer.is_none() && tensor.kind == TensorKind::Weight,
                "{name}: {} reads a computed tensor",
                node.display_name()
            );
        }
        // Drawn in each reader's box, as a line of it.
        let readers: Vec<usize> = node
            .outputs
            .iter()
            .flat_map(|&t| graph.tensors[t].consumers.iter().copied())
            .collect();
        let into: Vec<usize> = constant
            .into
            .iter()
            .filter_map(|&v| folded.nodes[v].graph_node)
            .collect();
        assert!(!into.is_empty(), "{name}");
        for reader in &readers {
            assert!(into.contains(reader), "{name}: a reader lost it");
        }
        for &v in &constant.into {
            assert_eq!(folded.nodes[v].kind, ViewNodeKind::Op, "{name}");
            assert!(!folded.nodes[v].lines.is_empty(), "{name}: no line for it");
        }
        all.push(constant.graph_node);
    }
    all.sort_unstable();
    assert_eq!(
        all,
        boxed(&unfolded),
        "{name}: boxes and folded nodes are the IR nodes"
    );
    // Edges: the unfolded view's, minus those leaving a folded constant.
    let folded_nodes: Vec<usize> = folded.folded.iter().map(|f| f.graph_node).collect();
    let from_constants = unfolded
        .edges
        .iter()
        .filter(|e| {
            unfolded.nodes[e.from]
                .graph_node
                .is_some_and(|g| folded_nodes.contains(&g))
        })
        .count();
    assert_eq!(
        folded.edges.len() + from_constants,
        unfolded.edges.len(),
        "{name}: edges"
    );
    assert!(
        folded.edges.iter().all(|e| e.points.len() >= 2),
        "{name}: unrouted edge"
    );
    folded.folded_constants
}

#[test]
fn bundled_and_generated_models_fold_their_constants() {
    for (file, bytes) in bundled() {
        let model = open_model(&InputFile::new(file, bytes)).unwrap_or_else(|e| panic!("{e}"));
        let n = check(file, &model);
        eprintln!("{file}: {n} constants folded");
    }
    let tf = tf_resnet50(TfWeights::Splat, false);
    let model =
        open_model(&InputFile::new("resnet50.pb", tf.binary())).unwrap_or_else(|e| panic!("{e}"));
    let consts = model
        .graph
        .nodes
        .iter()
        .filter(|n| n.op_type == "Const")
        .count();
    // Every Const of the frozen graph has a reader.
    assert_eq!(check("tf resnet50", &model), consts);
    let ge = ge_resnet50();
    let model = open_model(&InputFile::new("model.json", ge.to_json(JsonStyle::ATC)))
        .unwrap_or_else(|e| panic!("{e}"));
    let consts = model
        .graph
        .nodes
        .iter()
        .filter(|n| n.op_type == "Const")
        .count();
    assert!(consts > 0);
    assert_eq!(check("ge resnet50", &model), consts);
}

#[test]
fn real_models_fold_their_constants_when_present() {
    let Some(dir) = models_dir() else {
        eprintln!("shared/samples/models is absent: real-model checks skipped");
        return;
    };
    let mut seen = 0;
    for family in ["onnx", "tensorflow", "caffe", "ge"] {
        let Ok(entries) = std::fs::read_dir(dir.join(family)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            // Files the importers do not read (the ONNX text dump of GE) are other tests' job.
            let Ok(model) = open_model(&InputFile::new(file.clone(), bytes)) else {
                eprintln!("{file}: not readable, skipped");
                continue;
            };
            let n = check(&file, &model);
            eprintln!("{file}: {n} of {} nodes folded", model.graph.nodes.len());
            if let Some(&(_, expected)) = FOLDED.iter().find(|(f, _)| *f == file) {
                assert_eq!(n, expected, "{file}: constants folded");
                seen += 1;
            }
        }
    }
    eprintln!("{seen} of {} pinned files checked", FOLDED.len());
}

/// Constants folded per real file: the ONNX zoo's "light" models keep their weights as
/// `ConstantOfShape` nodes of an initializer shape (one per initializer), the GE dump of a
/// TensorFlow variable-initialisation graph has 19 `Constant` and 27 `Variable` ops, the NMS
/// `.om` (and its JSON) 4 `Const` (the Transpose perms and slice bounds); Caffe nets have none.
const FOLDED: &[(&str, usize)] = &[
    ("light_bvlc_alexnet.onnx", 16),
    ("light_densenet121.onnx", 836),
    ("light_inception_v1.onnx", 93),
    ("light_inception_v2.onnx", 407),
    ("light_resnet50.onnx", 239),
    ("light_shufflenet.onnx", 243),
    ("light_squeezenet.onnx", 39),
    ("light_vgg19.onnx", 36),
    ("light_zfnet512.onnx", 16),
    ("ResNet-50-deploy.prototxt", 0),
    ("mobilenet_v1_deploy.prototxt", 0),
    ("mobilenet_v2_deploy.prototxt", 0),
    ("ait-compare-model.onnx", 0),
    ("ait-compare-model.om", 4),
    ("ait-compare-model.om.json", 4),
    ("ge_proto_00000_Build.txt", 46),
];
