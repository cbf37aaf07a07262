//! The real ONNX models under `../shared/samples/models/onnx` (when present): node counts from
//! their SOURCES.md, edge counts computed independently with the `onnx` Python package
//! (distinct (tensor, consumer) pairs whose tensor a node produces).

use std::path::PathBuf;

use opscope_engine::report::{graph_view, inspect, InspectOptions};
use opscope_engine::{import_model, InputFile};

const SAMPLES: &[(&str, usize, usize, &str)] = &[
    ("light_bvlc_alexnet.onnx", 40, 39, "prob_1"),
    ("light_densenet121.onnx", 1746, 1803, "fc6_1"),
    ("light_inception_v1.onnx", 237, 263, "prob_1"),
    ("light_inception_v2.onnx", 916, 943, "prob_1"),
    ("light_resnet50.onnx", 415, 430, "gpu_0/softmax_1"),
    ("light_shufflenet.onnx", 446, 461, "gpu_0/softmax_1"),
    ("light_squeezenet.onnx", 105, 112, "softmaxout_1"),
    ("light_vgg19.onnx", 82, 81, "prob_1"),
    ("light_zfnet512.onnx", 38, 37, "gpu_0/softmax_1"),
];

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/models/onnx")
}

#[test]
fn real_onnx_models_import_with_documented_counts() {
    let dir = samples_dir();
    if !dir.is_dir() {
        eprintln!("{} is absent: real-model checks skipped", dir.display());
        return;
    }
    for &(file, nodes, edges, output) in SAMPLES {
        let path = dir.join(file);
        let data = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let model = import_model(&InputFile::new(file, data)).unwrap_or_else(|err| panic!("{err}"));
        let report = inspect(
            &model,
            InspectOptions {
                with_tensors: false,
            },
        );
        assert_eq!(report.format, "onnx", "{file}");
        assert_eq!(report.nodes, nodes, "{file} nodes");
        assert_eq!(report.edges, edges, "{file} edges");
        assert_eq!(report.subgraph_nodes, 0, "{file}");
        assert_eq!(report.outputs.len(), 1, "{file}");
        assert_eq!(report.outputs[0].name, output, "{file}");
        let input_shape = report.inputs[0].shape.as_ref().map(|s| s.to_string());
        assert_eq!(input_shape.as_deref(), Some("[1,3,224,224]"), "{file}");
        assert_eq!(report.opsets.get("ai.onnx"), Some(&9), "{file}");

        let view = graph_view(&model);
        assert_eq!(view.node_count, nodes, "{file}");
        // Every edge got a route and every box a place inside the drawing.
        assert!(
            view.edges.iter().all(|e| e.points.len() >= 2),
            "{file}: unrouted edge"
        );
        assert!(
            view.nodes.iter().all(|n| n.rect.x >= 0.0
                && n.rect.y >= 0.0
                && n.rect.x + n.rect.width <= view.width + 1e-6
                && n.rect.y + n.rect.height <= view.height + 1e-6),
            "{file}: box outside the drawing"
        );
    }
}
