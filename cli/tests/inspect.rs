//! `opscope inspect` as users' scripts call it: exit codes, the one `error:` line, and the JSON
//! keys that are a public interface.

mod common;

use std::path::PathBuf;

use common::{opscope, sample, temp_file};

#[test]
fn json_has_the_documented_keys_and_values() {
    let (code, stdout, stderr) = opscope(&["inspect", &sample("resnet50.onnx"), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["format"], "onnx");
    assert_eq!(json["name"], "resnet50");
    assert_eq!(json["nodes"], 122);
    assert_eq!(json["subgraph_nodes"], 0);
    assert_eq!(json["edges"], 137);
    assert_eq!(json["op_types"]["Conv"], 53);
    assert_eq!(json["inputs"][0]["name"], "input");
    assert_eq!(json["inputs"][0]["dtype"], "f32");
    assert_eq!(
        json["inputs"][0]["shape"],
        serde_json::json!([1, 3, 224, 224])
    );
    assert_eq!(json["outputs"][0]["shape"], serde_json::json!([1, 1000]));
    assert!(json.get("tensors").is_none(), "tensors only with --shapes");
}

#[test]
fn shapes_flag_lists_every_tensor() {
    let (code, stdout, _) = opscope(&[
        "inspect",
        &sample("mobilenet_v2.onnx"),
        "--json",
        "--shapes",
    ]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let tensors = json["tensors"].as_array().expect("tensors array");
    assert!(tensors.len() > 200);
    assert!(
        tensors.iter().all(|t| t["shape"].is_array()),
        "every tensor has a shape"
    );
    let (code, text, _) = opscope(&["inspect", &sample("mobilenet_v2.onnx"), "--shapes"]);
    assert_eq!(code, 0);
    assert!(text.contains("tensors:"), "{text}");
}

#[test]
fn bad_input_exits_2_with_one_error_line() {
    let cases: Vec<(PathBuf, &str)> = vec![
        (temp_file("empty.onnx", b""), "the file is empty"),
        (
            temp_file("random.bin", &[0x9f, 0x13, 0x77, 0x00, 0xff, 0x42]),
            "not an ONNX model",
        ),
        (
            temp_file(
                "cut.onnx",
                &std::fs::read(sample("resnet50.onnx")).expect("sample")[..3000],
            ),
            "byte ",
        ),
        (
            PathBuf::from("/nonexistent/model.onnx"),
            "cannot read the file",
        ),
    ];
    for (path, expected) in cases {
        let (code, stdout, stderr) = opscope(&["inspect", path.to_str().unwrap_or_default()]);
        assert_eq!(code, 2, "{}: {stderr}", path.display());
        assert!(stdout.is_empty(), "{stdout}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(lines[0].starts_with("error: "), "{stderr}");
        assert!(lines[0].contains(expected), "{stderr}");
        assert!(
            lines[0].contains(&*path.to_string_lossy()),
            "names the file: {stderr}"
        );
    }
}

#[test]
fn caffe_net_with_weights_flag() {
    let prototxt = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/models/caffe/ResNet-50-deploy.prototxt");
    if !prototxt.exists() {
        return;
    }
    let (code, stdout, stderr) =
        opscope(&["inspect", prototxt.to_str().unwrap_or_default(), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["format"], "caffe");
    assert_eq!(json["nodes"], 228);
    assert_eq!(json["outputs"][0]["shape"], serde_json::json!([1, 1000]));
}

#[test]
fn a_saved_model_inspects_as_tensorflow() {
    use opscope_engine::samples::{tf_mobilenet_v2, TfWeights};
    let graph = tf_mobilenet_v2(TfWeights::Splat, false);
    let path = temp_file("saved_model.pb", &graph.saved_model(true));
    let (code, stdout, stderr) =
        opscope(&["inspect", path.to_str().expect("utf-8 path"), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["format"], "tensorflow");
    assert_eq!(json["nodes"], graph.node_count());
    assert_eq!(json["outputs"][0]["shape"], serde_json::json!([1, 1000]));
    // The other meta graph is named on stderr, not dropped silently.
    assert!(stderr.contains("tagged [train]"), "{stderr}");
    // No functions in this graph: the main graph is the only one.
    assert_eq!(
        json["graphs"],
        serde_json::json!([{"label": "main (saved_model)", "kind": "main", "depth": 0, "nodes": graph.node_count()}])
    );
}

#[test]
fn graphs_lists_the_library_functions() {
    use opscope_engine::samples::{TfWeights, TfWriter};
    let mut writer = TfWriter::new(TfWeights::Splat);
    let a = writer.placeholder("a", &[2]);
    writer.unary("MyAdd", &a);
    writer.function("MyAdd", "AddV2", &["x", "y"]);
    let path = temp_file("with_function.pb", &writer.finish().binary());
    let path = path.to_str().expect("utf-8 path");
    let (code, stdout, stderr) = opscope(&["inspect", path, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["graphs"][1]["label"], "MyAdd");
    assert_eq!(json["graphs"][1]["kind"], "function");
    assert_eq!(json["graphs"][1]["nodes"], 2);
    let (_, text, _) = opscope(&["inspect", path]);
    assert!(
        text.contains("graphs:\n  main (with_function)  (2 nodes)\n  MyAdd  (2 nodes)"),
        "{text}"
    );
}

#[test]
fn limit_flag_lowers_and_raises_a_bound_and_refuses_unknown_ones() {
    let model = sample("resnet50.onnx");
    let (code, stdout, stderr) = opscope(&["inspect", &model, "--limit", "nodes=10"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(
        lines[0].contains("over the limit of 10 (limit `nodes`"),
        "{stderr}"
    );

    let (code, stdout, stderr) =
        opscope(&["inspect", &model, "--limit", "nodes=1_000_000", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"format\""), "{stdout}");

    let (code, _, stderr) = opscope(&["inspect", &model, "--limit", "vertices=5"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no limit named `vertices`"), "{stderr}");
}
