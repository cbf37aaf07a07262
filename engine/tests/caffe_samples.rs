//! The real Caffe nets under `../shared/samples/models/caffe` (when present): layer counts from
//! their SOURCES.md; edge counts, outputs and in-place layer counts computed independently by a
//! one-off Python script over the text (distinct (tensor, consuming layer) pairs whose tensor a
//! layer produces, with every top a new tensor).

use std::path::PathBuf;

use opscope_engine::formats::detect;
use opscope_engine::report::{graph_view, inspect, InspectOptions};
use opscope_engine::{import_model, InputFile};

struct Sample {
    file: &'static str,
    name: &'static str,
    layers: usize,
    edges: usize,
    output: &'static str,
    /// The output's shape and the first layer's weight shape after shape inference.
    output_shape: &'static str,
    first_weight: &'static str,
    /// Parameter blobs the layer types imply (Convolution 1 + bias, BatchNorm 3, Scale 1 + bias,
    /// InnerProduct 1 + bias), counted by the same script.
    weights: usize,
    /// (op type, count) of every type in the file.
    op_types: &'static [(&'static str, usize)],
}

const SAMPLES: &[Sample] = &[
    Sample {
        file: "ResNet-50-deploy.prototxt",
        name: "ResNet-50",
        layers: 228,
        edges: 243,
        output: "prob",
        output_shape: "[1,1000]",
        first_weight: "[64,3,7,7]",
        weights: 321,
        op_types: &[
            ("BatchNorm", 53),
            ("Convolution", 53),
            ("Eltwise", 16),
            ("InnerProduct", 1),
            ("Pooling", 2),
            ("ReLU", 49),
            ("Scale", 53),
            ("Softmax", 1),
        ],
    },
    Sample {
        file: "mobilenet_v1_deploy.prototxt",
        name: "MOBILENET",
        layers: 111,
        edges: 110,
        output: "prob",
        output_shape: "[1,1000,1,1]",
        first_weight: "[32,3,3,3]",
        weights: 164,
        op_types: &[
            ("BatchNorm", 27),
            ("Convolution", 28),
            ("Pooling", 1),
            ("ReLU", 27),
            ("Scale", 27),
            ("Softmax", 1),
        ],
    },
    Sample {
        file: "mobilenet_v2_deploy.prototxt",
        name: "MOBILENET_V2",
        layers: 208,
        edges: 217,
        output: "prob",
        output_shape: "[1,1000,1,1]",
        first_weight: "[32,3,3,3]",
        weights: 320,
        op_types: &[
            ("BatchNorm", 53),
            ("Convolution", 54),
            ("Eltwise", 10),
            ("Pooling", 1),
            ("ReLU", 36),
            ("Scale", 53),
            ("Softmax", 1),
        ],
    },
];

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/models/caffe")
}

#[test]
fn real_caffe_nets_import_with_documented_counts() {
    let dir = samples_dir();
    if !dir.is_dir() {
        eprintln!("{} is absent: real-model checks skipped", dir.display());
        return;
    }
    for sample in SAMPLES {
        let file = sample.file;
        let path = dir.join(file);
        let data = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let input = InputFile::new(file, data);
        assert_eq!(detect(&input).map(|spec| spec.id), Some("caffe"), "{file}");
        let model = import_model(&input).unwrap_or_else(|err| panic!("{err}"));
        assert!(model.warnings.is_empty(), "{file}: {:?}", model.warnings);
        let report = inspect(
            &model,
            InspectOptions {
                with_tensors: false,
            },
        );
        assert_eq!(report.format, "caffe", "{file}");
        assert_eq!(report.name, sample.name, "{file}");
        assert_eq!(report.nodes, sample.layers, "{file} nodes");
        assert_eq!(report.edges, sample.edges, "{file} edges");
        let op_types: Vec<(&str, usize)> = report
            .op_types
            .iter()
            .map(|(op, count)| (op.as_str(), *count))
            .collect();
        assert_eq!(op_types, sample.op_types, "{file} op types");
        assert_eq!(report.inputs.len(), 1, "{file}");
        assert_eq!(report.inputs[0].name, "data", "{file}");
        let input_shape = report.inputs[0].shape.as_ref().map(|s| s.to_string());
        assert_eq!(input_shape.as_deref(), Some("[1,3,224,224]"), "{file}");
        assert_eq!(report.outputs.len(), 1, "{file}");
        assert_eq!(report.outputs[0].name, sample.output, "{file}");
        // Without a caffemodel the weights exist but have no shape and no size.
        assert_eq!(report.weights.count, sample.weights, "{file}");
        assert_eq!(report.weights.bytes, 0, "{file}");

        // No cycles: every input of a node is produced by an earlier node (in-place layers get
        // tensors of their own).
        let graph = &model.graph;
        for (node_id, node) in graph.nodes.iter().enumerate() {
            for &tensor in node.inputs.iter().flatten() {
                if let Some(producer) = graph.tensors[tensor].producer {
                    assert!(
                        producer < node_id,
                        "{file}: {} reads a later value",
                        node.name
                    );
                }
            }
        }

        let view = graph_view(&model);
        assert_eq!(view.node_count, sample.layers, "{file}");
        assert!(
            view.edges.iter().all(|e| e.points.len() >= 2),
            "{file}: unrouted edge"
        );
    }
}

/// Shape inference (a later stage) relies on the importer's conventions: with them every tensor
/// of these static CNNs gets a shape, weights included.
#[test]
fn real_caffe_nets_get_every_shape_from_inference() {
    let dir = samples_dir();
    if !dir.is_dir() {
        return;
    }
    for sample in SAMPLES {
        let data = std::fs::read(dir.join(sample.file)).unwrap_or_default();
        let mut model = import_model(&InputFile::new(sample.file, data)).unwrap();
        opscope_engine::shape::infer_shapes(&mut model);
        let graph = &model.graph;
        let unshaped: Vec<&str> = graph
            .tensors
            .iter()
            .filter(|t| t.shape.is_none())
            .map(|t| t.name.as_str())
            .collect();
        assert!(unshaped.is_empty(), "{}: {unshaped:?}", sample.file);
        let prob = &graph.tensors[graph.outputs[0]];
        let prob_shape = prob.shape.as_ref().map(|s| s.to_string());
        assert_eq!(
            prob_shape.as_deref(),
            Some(sample.output_shape),
            "{}",
            sample.file
        );
        // The implied weights got their sizes from the layers' inputs: conv1's 7×7 kernels.
        let first_weight = graph.nodes[0].inputs[1].map(|id| &graph.tensors[id]);
        let first_weight = first_weight
            .and_then(|t| t.shape.as_ref())
            .map(|s| s.to_string());
        assert_eq!(
            first_weight.as_deref(),
            Some(sample.first_weight),
            "{}",
            sample.file
        );
    }
}
