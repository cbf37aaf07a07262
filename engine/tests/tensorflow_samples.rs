//! TensorFlow through the public API: the generated frozen graphs (binary and text) as the CLI
//! and the viewer see them, detection against every other format's samples, and the real
//! GraphDefs under `../shared/samples/models/tensorflow` when present.

use std::path::PathBuf;

use opscope_engine::ir::ModelFormat;
use opscope_engine::report::{graph_view, inspect, InspectOptions};
use opscope_engine::samples::{
    caffe_resnet50, ge_resnet50, tf_mobilenet_v2, tf_resnet50, BlobData, JsonStyle, OmOptions,
    TfWeights,
};
use opscope_engine::{import_model, open_model, InputFile};

fn with_shapes() -> InspectOptions {
    InspectOptions { with_tensors: true }
}

#[test]
fn generated_graphs_inspect_the_same_from_binary_and_text() {
    for (stem, graph, nodes, edges) in [
        ("resnet50", tf_resnet50(TfWeights::Splat, false), 447, 462),
        (
            "mobilenet_v2",
            tf_mobilenet_v2(TfWeights::Splat, true),
            419,
            428,
        ),
    ] {
        let binary = import_model(&InputFile::new(format!("{stem}.pb"), graph.binary())).unwrap();
        let text = import_model(&InputFile::new(
            format!("{stem}.pbtxt"),
            graph.text().into_bytes(),
        ))
        .unwrap();
        let binary_report = inspect(&binary, with_shapes());
        let text_report = inspect(&text, with_shapes());
        assert_eq!(binary_report.format, "tensorflow", "{stem}");
        assert_eq!(
            (binary_report.nodes, binary_report.edges),
            (nodes, edges),
            "{stem}"
        );
        assert_eq!(binary_report.name, stem);
        assert_eq!(binary_report.function_nodes, 0);
        // Everything but the encoding line of the metadata is the same for both encodings.
        assert_eq!(binary_report.tensors, text_report.tensors, "{stem}");
        assert_eq!(binary_report.op_types, text_report.op_types, "{stem}");
        assert_eq!(binary_report.outputs, text_report.outputs, "{stem}");

        // `--shapes` lists every tensor of the main graph.
        let tensors = binary_report.tensors.as_ref().unwrap();
        assert_eq!(tensors.len(), binary.graph.tensors.len());
        let json = serde_json::to_value(&binary_report).unwrap();
        assert_eq!(json["format"], "tensorflow");
        assert_eq!(
            json["inputs"][0]["shape"],
            serde_json::json!([1, 224, 224, 3])
        );
        assert_eq!(json["inputs"][0]["dtype"], "f32");

        let view = graph_view(&binary);
        assert_eq!(view.node_count, nodes, "{stem}");
        assert!(
            view.edges.iter().all(|e| e.points.len() >= 2),
            "{stem}: unrouted edge"
        );
    }
}

/// Shape inference on the graphs without `_output_shapes` finds exactly the shapes the writer
/// states when asked to: every tensor of a static-shape CNN gets its shape, none disagrees, and
/// inference agrees with every stated shape (no mismatch warning).
#[test]
fn inferred_shapes_match_the_stated_ones() {
    for (stem, plain, stated) in [
        (
            "resnet50",
            tf_resnet50(TfWeights::Splat, false),
            tf_resnet50(TfWeights::Splat, true),
        ),
        (
            "mobilenet_v2",
            tf_mobilenet_v2(TfWeights::Splat, false),
            tf_mobilenet_v2(TfWeights::Splat, true),
        ),
    ] {
        let inferred = open_model(&InputFile::new(
            format!("{stem}.pbtxt"),
            plain.text().into_bytes(),
        ))
        .unwrap();
        let stated = open_model(&InputFile::new(format!("{stem}.pb"), stated.binary())).unwrap();
        assert!(stated.warnings.is_empty(), "{stem}: {:?}", stated.warnings);
        let shape_of = |model: &opscope_engine::ir::Model, name: &str| {
            let graph = &model.graph;
            graph
                .tensor_by_name(name)
                .and_then(|id| graph.tensors[id].shape.clone())
        };
        // The stated graph has more tensors (FusedBatchNormV3's unread statistics): compare the
        // ones both have, which is every tensor of the graph without `_output_shapes`.
        for tensor in &inferred.graph.tensors {
            assert!(
                tensor.shape.is_some(),
                "{stem}: {} has no shape",
                tensor.name
            );
            assert_eq!(
                tensor.shape,
                shape_of(&stated, &tensor.name),
                "{stem}: {}",
                tensor.name
            );
        }
        assert!(
            inferred.warnings.is_empty(),
            "{stem}: {:?}",
            inferred.warnings
        );
    }
}

/// Each format's samples are detected as that format, and as no other.
#[test]
fn every_sample_is_detected_as_its_own_format() {
    let tf = tf_mobilenet_v2(TfWeights::Splat, false);
    let caffe = caffe_resnet50();
    let ge = ge_resnet50();
    let mut files: Vec<(String, Vec<u8>, ModelFormat)> = vec![
        (
            "mobilenet_v2.pb".into(),
            tf.binary(),
            ModelFormat::Tensorflow,
        ),
        (
            "mobilenet_v2.pbtxt".into(),
            tf.text().into_bytes(),
            ModelFormat::Tensorflow,
        ),
        (
            "resnet50.prototxt".into(),
            caffe.prototxt().into_bytes(),
            ModelFormat::Caffe,
        ),
        (
            "resnet50.caffemodel".into(),
            caffe.caffemodel(BlobData::ShapesOnly),
            ModelFormat::Caffe,
        ),
        (
            "ge_proto_resnet50.txt".into(),
            ge.to_text().into_bytes(),
            ModelFormat::Ge,
        ),
        (
            "resnet50.json".into(),
            ge.to_json(JsonStyle::ATC).into_bytes(),
            ModelFormat::Ge,
        ),
        (
            "resnet50.om".into(),
            ge.to_om(&OmOptions::atc()),
            ModelFormat::Ge,
        ),
    ];
    for (name, bytes) in opscope_engine::samples::bundled() {
        let format = match name.rsplit('.').next() {
            Some("onnx") => ModelFormat::Onnx,
            Some("pbtxt") => ModelFormat::Tensorflow,
            Some("prototxt") => ModelFormat::Caffe,
            _ => ModelFormat::Ge,
        };
        files.push((name.to_string(), bytes, format));
    }
    for (name, bytes, format) in files {
        // The name is only a hint: a neutral name gives the same answer.
        for file_name in [name.as_str(), "model.bin"] {
            let model = import_model(&InputFile::new(file_name, bytes.clone()))
                .unwrap_or_else(|err| panic!("{name} as {file_name}: {err}"));
            assert_eq!(model.format, format, "{name} as {file_name}");
        }
    }
}

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/models/tensorflow")
}

#[test]
fn real_graph_defs_import_when_present() {
    let dir = samples_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("{} is absent: real-model checks skipped", dir.display());
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let name = path.to_string_lossy();
            name.ends_with(".pb") || name.ends_with(".pbtxt") || name.ends_with(".pb.txt")
        })
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let data = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let model =
            import_model(&InputFile::new(name.clone(), data)).unwrap_or_else(|err| panic!("{err}"));
        let report = inspect(&model, with_shapes());
        assert_eq!(report.format, "tensorflow", "{name}");
        assert!(report.nodes > 0, "{name}");
        assert!(!report.outputs.is_empty(), "{name}: no graph output");
        let view = graph_view(&model);
        assert_eq!(view.node_count, report.nodes, "{name}");
    }
}
