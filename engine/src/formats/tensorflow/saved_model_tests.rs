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

// ---- the lazy binary reading gives what the whole one gives ----

/// The lazy reading of `bytes` (asserting it did not give up when `lazy_expected`) and the whole
/// one give the same model, or the same error; returns whether the lazy reading answered.
fn assert_lazy_is_whole(name: &str, bytes: Vec<u8>, lazy_expected: bool) -> bool {
    let file = InputFile::new(name, bytes);
    let lazy = import_lazily(&file, "binary", Vec::new()).is_some();
    assert!(lazy || !lazy_expected, "{name}: the lazy reader gave up");
    let read = import_encoded(&file, true);
    let whole = import_whole(&file, true);
    match (&read, &whole) {
        (Ok(read), Ok(whole)) => assert_eq!(read, whole, "{name}"),
        (Err(read), Err(whole)) => assert_eq!(read.to_string(), whole.to_string(), "{name}"),
        _ => panic!("{name}: lazy {read:?}, whole {whole:?}"),
    }
    lazy
}

fn put_len(out: &mut Vec<u8>, field: u32, payload: &[u8]) {
    prost::encoding::encode_key(field, prost::encoding::WireType::LengthDelimited, out);
    prost::encoding::encode_varint(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

/// A MetaGraphDef tagged `tags` whose GraphDef is given in the fields `graphs` (none, one, or
/// pieces that protobuf merges), with a signature and an undeclared `saver_def`.
fn meta_of(tags: &[&str], graphs: &[&[u8]]) -> Vec<u8> {
    use prost::Message;
    let info = pb::meta_graph_def::MetaInfoDef {
        tags: tags.iter().map(|t| t.to_string()).collect(),
        tensorflow_version: "2.16.1".to_string(),
        ..Default::default()
    };
    let mut meta = Vec::new();
    put_len(&mut meta, 1, &info.encode_to_vec());
    for graph in graphs {
        put_len(&mut meta, 2, graph);
    }
    put_len(&mut meta, 3, b"\x0a\x04save");
    let signature = pb::SignatureDef {
        method_name: tags.join("/"),
        ..Default::default()
    };
    let mut entry = Vec::new();
    put_len(&mut entry, 1, b"sig");
    put_len(&mut entry, 2, &signature.encode_to_vec());
    put_len(&mut meta, 5, &entry);
    meta
}

/// A SavedModel of the meta graphs `metas`, with an undeclared top-level field at the end.
fn saved_of(metas: &[Vec<u8>]) -> Vec<u8> {
    let mut out = vec![0x08, 0x01];
    for meta in metas {
        put_len(&mut out, 2, meta);
    }
    out.extend_from_slice(&[0x18, 0x07]);
    out
}

/// A graph with a function library and a few ops: small enough to mutate many times.
fn small_graph() -> crate::samples::TfGraph {
    let mut w = crate::samples::TfWriter::new(TfWeights::Content);
    let x = w.placeholder("x", &[1, 4]);
    let y = w.relu(&x);
    let z = w.add(&x, &y);
    w.softmax(&z);
    w.function("MyAdd", "AddV2", &["a", "b"]);
    w.finish()
}

/// An AttrValue holding a function whose attribute holds a function, `depth` times.
fn nested_attr(depth: usize) -> pb::AttrValue {
    use pb::attr_value::Value;
    let mut inner = pb::AttrValue {
        value: Some(Value::I(1)),
    };
    for _ in 0..depth {
        inner = pb::AttrValue {
            value: Some(Value::Func(pb::NameAttrList {
                name: "f".to_string(),
                attr: [("a".to_string(), inner)].into_iter().collect(),
            })),
        };
    }
    inner
}

#[test]
fn lazy_reading_gives_the_whole_model() {
    use prost::Message;
    let small = small_graph().binary();
    let mobilenet = tf_mobilenet_v2(TfWeights::Splat, false).binary();
    let with_library = pb::GraphDef::decode(&small[..]).expect("small graph");
    assert!(
        with_library.library.is_some(),
        "the small graph has a function library"
    );
    let files = [
        (
            "resnet/saved_model.pb",
            tf_resnet50(TfWeights::Content, true).saved_model(false),
        ),
        // `train` first, then `serve`.
        (
            "mobilenet/saved_model.pb",
            tf_mobilenet_v2(TfWeights::Splat, false).saved_model(true),
        ),
        ("small/saved_model.pb", small_graph().saved_model(true)),
        // `serve` in the middle, then first: the others are named in the whole reader's order.
        (
            "middle.pb",
            saved_of(&[
                meta_of(&["train"], &[&small]),
                meta_of(&["serve", "gpu"], &[&mobilenet]),
                meta_of(&["eval"], &[&small]),
            ]),
        ),
        (
            "first.pb",
            saved_of(&[
                meta_of(&["serve"], &[&small]),
                meta_of(&["train"], &[&mobilenet]),
                meta_of(&["eval"], &[]),
            ]),
        ),
        // No `serve` tag: the first.
        (
            "untagged.pb",
            saved_of(&[meta_of(&[], &[&mobilenet]), meta_of(&["eval"], &[&small])]),
        ),
        // A meta graph without a GraphDef, or with an empty one.
        ("no_graph.pb", saved_of(&[meta_of(&["serve"], &[])])),
        ("empty_graph.pb", saved_of(&[meta_of(&["serve"], &[b""])])),
    ];
    for (name, bytes) in files {
        assert_lazy_is_whole(name, bytes, true);
    }
    let model = open(
        "middle.pb",
        saved_of(&[
            meta_of(&["train"], &[&small]),
            meta_of(&["serve", "gpu"], &[&mobilenet]),
            meta_of(&["eval"], &[&small]),
        ]),
    )
    .expect("three meta graphs");
    expect![[r#"
        [
            "middle.pb: the SavedModel also holds a meta graph tagged [train] with 4 nodes; showing the one tagged [serve, gpu]",
            "middle.pb: the SavedModel also holds a meta graph tagged [eval] with 4 nodes; showing the one tagged [serve, gpu]",
        ]
    "#]]
    .assert_debug_eq(&model.warnings);

    // What the lazy reading leaves to the whole one, with the same answer.
    // A GraphDef in two pieces, which protobuf merges into one graph.
    let split = saved_of(&[meta_of(&["serve"], &[&small, &mobilenet])]);
    assert!(!assert_lazy_is_whole("split.pb", split.clone(), false));
    let merged = open("split.pb", split).expect("merged graph");
    assert_eq!(merged.graph.nodes.len(), 4 + 419);
    // No meta graph: the whole reader's error.
    assert!(!assert_lazy_is_whole("none.pb", saved_of(&[]), false));
    // A broken node in a meta graph that is not shown is still the whole reader's error.
    let broken_node = [0x0a, 0x05, 0x0a, 0x01, b'a', 0x10, 0x05];
    let broken = saved_of(&[
        meta_of(&["train"], &[&broken_node]),
        meta_of(&["serve"], &[&small]),
    ]);
    assert!(!assert_lazy_is_whole("broken.pb", broken.clone(), false));
    expect!["broken.pb: invalid TensorFlow SavedModel file at byte 29, in SavedModel.meta_graphs > MetaGraphDef.graph_def > GraphDef.node > NodeDef.op: a field encoded as the schema says (invalid wire type: Varint (expected LengthDelimited))"]
        .assert_eq(&open("broken.pb", broken).unwrap_err().to_string());
    // Attributes nested deeply, in the shown graph and in another: near prost's recursion limit
    // only the whole reading knows (inside a SavedModel, 31 nestings are read, 32 are refused;
    // a node decoded on its own would take a few more), so it answers.
    let mut outcomes = Vec::new();
    for depth in [21, 31, 32, 40] {
        let deep = pb::GraphDef {
            node: vec![pb::NodeDef {
                name: "deep".to_string(),
                op: "Op".to_string(),
                attr: [("f".to_string(), nested_attr(depth))]
                    .into_iter()
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }
        .encode_to_vec();
        let shown = saved_of(&[meta_of(&["serve"], &[&deep])]);
        let hidden = saved_of(&[meta_of(&["serve"], &[&small]), meta_of(&["x"], &[&deep])]);
        for bytes in [shown, hidden] {
            assert!(!assert_lazy_is_whole("deep.pb", bytes.clone(), false));
            outcomes.push((depth, open("deep.pb", bytes).is_ok()));
        }
    }
    assert_eq!(
        outcomes,
        [21, 31, 32, 40]
            .iter()
            .flat_map(|&depth| [(depth, depth <= 31); 2])
            .collect::<Vec<_>>()
    );
    assert!(open("deep.pb", saved_of(&[meta_of(&["serve"], &[&small])])).is_ok());
}

#[test]
fn lazy_reading_of_broken_saved_models_gives_the_whole_answer() {
    let bytes = small_graph().saved_model(true);
    let mut n_lazy = 0;
    for len in 0..bytes.len() {
        n_lazy += usize::from(assert_lazy_is_whole("cut.pb", bytes[..len].to_vec(), false));
    }
    let mut rng = XorShift(0x1a2b_3c4d);
    for _ in 0..1500 {
        let mut mutated = bytes.clone();
        for _ in 0..1 + rng.next() % 4 {
            let at = rng.below(mutated.len() as u64) as usize;
            match rng.next() % 3 {
                0 => mutated[at] = rng.next() as u8,
                1 => mutated[at] ^= 1 << (rng.next() % 8),
                _ => mutated.insert(at, rng.next() as u8),
            }
        }
        n_lazy += usize::from(assert_lazy_is_whole("mutated.pb", mutated, false));
    }
    assert!(n_lazy > 100, "only {n_lazy} broken files were read lazily");
}

// ---- the text form, encoded a group at a time, gives what the whole text reader gives ----

/// As [`assert_lazy_is_whole`] for the text form.
fn assert_text_lazy_is_whole(name: &str, text: String, lazy_expected: bool) -> bool {
    let file = InputFile::new(name, text.into_bytes());
    let lazy = import_text_lazily(&file).is_some();
    assert!(
        lazy || !lazy_expected,
        "{name}: the lazy text reader gave up"
    );
    let read = import_encoded(&file, false);
    let whole = import_whole(&file, false);
    match (&read, &whole) {
        (Ok(read), Ok(whole)) => assert_eq!(read, whole, "{name}"),
        (Err(read), Err(whole)) => assert_eq!(read.to_string(), whole.to_string(), "{name}"),
        _ => panic!("{name}: lazy {read:?}, whole {whole:?}"),
    }
    lazy
}

#[test]
fn the_text_form_read_a_group_at_a_time_gives_the_whole_model() {
    let resnet = tf_resnet50(TfWeights::Splat, true).saved_model_text();
    assert!(resnet.len() > 4 * 64 * 1024, "large enough to be split");
    assert_text_lazy_is_whole("resnet/saved_model.pbtxt", resnet.clone(), true);
    assert_text_lazy_is_whole(
        "mobilenet/saved_model.pbtxt",
        tf_mobilenet_v2(TfWeights::Splat, false).saved_model_text(),
        true,
    );
    // Unknown fields (a newer TensorFlow's) are warned about and skipped, as read whole.
    let unknown = resnet.replacen("node {", "node {\n  experimental_future_field: 7", 3);
    assert_text_lazy_is_whole("unknown/saved_model.pbtxt", unknown, true);
    // A singular field set twice is refused by one parse: the group reading gives up and the
    // whole reader's error is the answer.
    let twice = resnet.replacen(
        "saved_model_schema_version: 1",
        "saved_model_schema_version: 1\nsaved_model_schema_version: 2",
        1,
    );
    assert!(!assert_text_lazy_is_whole(
        "twice/saved_model.pbtxt",
        twice,
        false
    ));
}

#[test]
fn broken_text_saved_models_give_the_whole_answer() {
    let text = tf_mobilenet_v2(TfWeights::Splat, false).saved_model_text();
    let mut n_lazy = 0;
    for len in (0..text.len()).step_by(997) {
        if let Some(cut) = text.get(..len) {
            n_lazy += usize::from(assert_text_lazy_is_whole(
                "cut.pbtxt",
                cut.to_string(),
                false,
            ));
        }
    }
    let mut rng = XorShift(0x7e57_7e57);
    let bytes = text.as_bytes();
    let mut n_mutated = 0;
    while n_mutated < 200 {
        let mut mutated = bytes.to_vec();
        for _ in 0..1 + rng.next() % 3 {
            let at = rng.below(mutated.len() as u64) as usize;
            mutated[at] = b"{}<>[]:;,\"# \nx0"[(rng.next() % 15) as usize];
        }
        if let Ok(mutated) = String::from_utf8(mutated) {
            n_mutated += 1;
            n_lazy += usize::from(assert_text_lazy_is_whole("mutated.pbtxt", mutated, false));
        }
    }
    assert!(
        n_lazy > 20,
        "only {n_lazy} broken texts were read a group at a time"
    );
}
