//! SavedModel tests: containers written by code around the same graphs the GraphDef tests use,
//! opened through the detect-by-content entry point.

use expect_test::expect;

use super::*;
use crate::formats::{detect, import_model};
use crate::samples::{tf_mobilenet_v2, tf_resnet50, TfWeights, XorShift};

fn open(name: &str, bytes: Vec<u8>) -> Result<Model, ImportError> {
    import_model(&InputFile::new(name, bytes))
}

/// The same nodes and tensors (names of the graphs differ with the file names).
fn same_graph(a: &Model, b: &Model) {
    assert!(
        a.graph.nodes == b.graph.nodes && a.graph.tensors == b.graph.tensors,
        "the graphs differ"
    );
    assert_eq!(a.graph.nodes.len(), b.graph.nodes.len());
}

#[test]
fn a_saved_model_opens_as_its_serving_graph() {
    let graph = tf_resnet50(TfWeights::Splat, false);
    let frozen = open("resnet.pb", graph.binary()).expect("frozen graph");
    let saved = open("saved_model.pb", graph.saved_model(false)).expect("SavedModel");
    assert_eq!(saved.format.name(), "tensorflow");
    same_graph(&saved, &frozen);
    assert!(saved.warnings.is_empty(), "{:?}", saved.warnings);
    let metadata: Vec<String> = saved
        .metadata
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    expect![[r#"
        [
            "container: SavedModel",
            "tags: serve",
            "tensorflow_version: 2.15.0",
            "signature serving_default: input: resnet_v1_50/input:0 f32 → output: resnet_v1_50/predictions/Softmax:0 f32",
            "encoding: binary",
            "producer: 1205",
        ]
    "#]]
    .assert_debug_eq(&metadata);
}

#[test]
fn the_text_form_gives_the_same_model() {
    let graph = tf_mobilenet_v2(TfWeights::Splat, false);
    let binary = open("saved_model.pb", graph.saved_model(false)).expect("binary");
    let text = open("saved_model.pbtxt", graph.saved_model_text().into_bytes()).expect("text");
    same_graph(&binary, &text);
    assert!(text.warnings.is_empty(), "{:?}", text.warnings);
    assert!(text
        .metadata
        .iter()
        .any(|(k, v)| k == "encoding" && v == "text"));
    // Detected by content: the name says nothing.
    let renamed = InputFile::new("model.bin", graph.saved_model_text().into_bytes());
    assert_eq!(detect(&renamed).map(|s| s.title), Some(TITLE));
}

#[test]
fn the_serve_meta_graph_is_shown_and_the_others_are_named() {
    let graph = tf_mobilenet_v2(TfWeights::Splat, false);
    let model = open("saved_model.pb", graph.saved_model(true)).expect("SavedModel");
    expect![[r#"
        [
            "saved_model.pb: the SavedModel also holds a meta graph tagged [train] with 419 nodes; showing the one tagged [serve]",
        ]
    "#]]
    .assert_debug_eq(&model.warnings);
    assert!(model
        .metadata
        .iter()
        .any(|(k, v)| k == "meta_graphs" && v == "2"));
}

#[test]
fn onnx_does_not_take_a_saved_model() {
    // SavedModel and ONNX both start with a varint 1 and a LEN 2; the meta graph decides.
    let bytes = tf_mobilenet_v2(TfWeights::Splat, false).saved_model(false);
    let file = InputFile::new("model.onnx", bytes.clone());
    assert_eq!(detect(&file).map(|s| s.title), Some(TITLE));
    // A download cut inside the graph is still reported as a SavedModel, with the place.
    let cut = open("saved_model.pb", bytes[..bytes.len() / 2].to_vec()).unwrap_err();
    let text = cut.to_string();
    assert!(
        text.starts_with("saved_model.pb: invalid TensorFlow SavedModel file at byte "),
        "{text}"
    );
}

#[test]
fn a_saved_model_without_meta_graphs_is_an_error() {
    let text = b"saved_model_schema_version: 1\n".to_vec();
    expect!["saved_model.pbtxt: invalid TensorFlow SavedModel file at start of file: at least one meta graph in `meta_graphs` (the SavedModel holds none)"]
        .assert_eq(&open("saved_model.pbtxt", text).unwrap_err().to_string());
}

#[test]
fn truncated_and_mutated_saved_models_never_panic() {
    let bytes = tf_mobilenet_v2(TfWeights::Splat, false).saved_model(true);
    for len in (1..bytes.len()).step_by(97) {
        if let Err(err) = open("cut.pb", bytes[..len].to_vec()) {
            assert!(err.to_string().starts_with("cut.pb: "), "{err}");
        }
    }
    let mut rng = XorShift(0x5a7e_d0de);
    for _ in 0..300 {
        let mut mutated = bytes.clone();
        for _ in 0..4 {
            let at = rng.below(mutated.len() as u64) as usize;
            mutated[at] = rng.next() as u8;
        }
        let _ = open("mutated.pb", mutated);
    }
}
