//! `opscope analyze` as CI pipelines call it: formats, the documented JSON keys (a public
//! interface), exit codes (`--fail-on` exits 1, bad input 2), and deterministic output.

mod common;

use std::path::PathBuf;

use common::{opscope, sample, temp_dir, temp_file};

/// An op_summary in the real column layout: the model's first convolution on the AI Core and a
/// ReLU that fell back to the AI CPU (the `aicpu-op` profile rule fires on it).
fn profile_csv() -> PathBuf {
    let csv = "Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Block Num,Input Data Types,Input Shapes,Output Data Types,Output Shapes\n\
/Conv_1,Conv2D,static,AI_CORE,0,120.5,2,FLOAT16,\"1,3,224,224\",FLOAT16,\"1,64,112,112\"\n\
/Relu_2,Relu,static,AI_CPU,130,45.0,1,FLOAT16,\"1,64,112,112\",FLOAT16,\"1,64,112,112\"\n";
    temp_file("op_summary_0.csv", csv.as_bytes())
}

#[test]
fn json_has_the_documented_keys() {
    let (code, stdout, stderr) =
        opscope(&["analyze", &sample("resnet50.onnx"), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    for key in [
        "schema_version",
        "model",
        "target",
        "estimated",
        "units",
        "per_node",
        "fusion_groups",
        "near_misses",
        "findings",
        "hotspots",
    ] {
        assert!(json.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["estimated"], true);
    assert_eq!(json["model"]["nodes"], 122);
    assert_eq!(json["target"]["id"], "ascend310");
    let nodes = json["per_node"].as_array().expect("per_node array");
    assert_eq!(nodes.len(), 122);
    for key in [
        "name",
        "op_type",
        "unit",
        "unit_reason",
        "fusion_group",
        "estimated_us",
        "measured_us",
    ] {
        assert!(nodes[0].get(key).is_some(), "per_node misses {key}");
    }
    assert_eq!(nodes[0]["name"], "/Conv_1");
    assert_eq!(nodes[0]["unit"], "cube");
    assert!(
        json.get("unit_check").is_none(),
        "unit_check only with a profile"
    );
}

#[test]
fn a_profile_measures_and_checks_units() {
    let csv = profile_csv();
    let (code, stdout, stderr) = opscope(&[
        "analyze",
        &sample("resnet50.onnx"),
        "--profile",
        csv.to_str().unwrap_or_default(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["estimated"], false);
    assert!(
        json["unit_check"]["total_ops"].is_number(),
        "{}",
        json["unit_check"]
    );
    assert!(json["profile"]["matched_share"].as_f64().unwrap_or(0.0) > 0.99);
    let relu = &json["per_node"][1];
    assert_eq!(relu["name"], "/Relu_2");
    assert_eq!(relu["measured_us"], 45.0);
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"aicpu-op"), "{rules:?}");
}

#[test]
fn without_target_a_profile_from_an_a2_chip_is_analysed_for_it() {
    // The same rows on the vector core (AI_VECTOR_CORE), which only A2 chips have.
    let csv =
        "Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Block Num\n\
/Conv_1,Conv2D,static,AI_CORE,0,120.5,2\n\
/Relu_2,Relu,static,AI_VECTOR_CORE,130,4.0,1\n";
    let a2 = temp_file("op_summary_a2_0.csv", csv.as_bytes());
    let a2 = a2.to_str().unwrap_or_default();
    let model = sample("resnet50.onnx");
    let target_of = |extra: &[&str]| {
        let mut args = vec!["analyze", model.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = opscope(&args);
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
        json["target"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(target_of(&["--profile", a2]), "ascend910b");
    assert_eq!(
        target_of(&["--profile", a2, "--target", "ascend310"]),
        "ascend310",
        "a chosen target wins"
    );
    let plain = profile_csv();
    assert_eq!(
        target_of(&["--profile", plain.to_str().unwrap_or_default()]),
        "ascend310",
        "nothing in an AI Core / AI CPU profile tells the chip"
    );
    // `opscope profile` says it too.
    let (code, stdout, stderr) = opscope(&["profile", a2, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["ran_on"], "ascend910b");
    let (_, text, _) = opscope(&["profile", a2]);
    assert!(text.contains("chip unknown (Ascend 910B-class"), "{text}");
}

#[test]
fn fail_on_exits_1_only_when_a_listed_rule_fires() {
    let csv = profile_csv();
    let csv = csv.to_str().unwrap_or_default();
    let model = sample("resnet50.onnx");
    let (code, _, stderr) =
        opscope(&["analyze", &model, "--profile", csv, "--fail-on", "aicpu-op"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("aicpu-op"), "{stderr}");
    let (code, _, stderr) = opscope(&[
        "analyze",
        &model,
        "--profile",
        csv,
        "--fail-on",
        "block-dim,no-bound",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = opscope(&["analyze", &model, "--fail-on", "no-such-rule"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: --fail-on: unknown rule"),
        "{stderr}"
    );
}

#[test]
fn every_format_writes_a_file_and_html_is_self_contained_and_stable() {
    let model = sample("mobilenet_v2.onnx");
    let dir = temp_dir();
    let mut outputs = Vec::new();
    for format in ["text", "json", "md", "html"] {
        let path = dir.join(format!("report.{format}"));
        let (code, stdout, stderr) = opscope(&[
            "analyze",
            &model,
            "--target",
            "ascend910b",
            "--cann",
            "8.0.0",
            "--format",
            format,
            "-o",
            path.to_str().unwrap_or_default(),
        ]);
        assert_eq!(code, 0, "{format}: {stderr}");
        assert!(stdout.is_empty(), "-o writes the file, not stdout");
        outputs.push(std::fs::read_to_string(&path).expect("report written"));
    }
    assert!(outputs[0].contains("Ascend 910B"), "{}", outputs[0]);
    assert!(outputs[1].contains("\"cann\": \"8.0.0\""));
    assert!(outputs[2].starts_with("# opscope analysis: mobilenet\\_v2"));
    let html = &outputs[3];
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"), "the graph picture is inline");
    for external in [
        "src=", "href=", "http://", "https://", "<script", "@import", "url(",
    ] {
        assert!(!html.contains(external), "external reference {external}");
    }
    let (_, again, _) = opscope(&[
        "analyze",
        &model,
        "--target",
        "ascend910b",
        "--cann",
        "8.0.0",
        "--format",
        "html",
    ]);
    assert_eq!(
        again.trim_end(),
        html.trim_end(),
        "the same analysis writes the same bytes"
    );
}

#[test]
fn bad_flags_and_files_exit_2() {
    let model = sample("resnet50.onnx");
    let (code, _, _) = opscope(&["analyze", &model, "--target", "ascend999"]);
    assert_eq!(code, 2);
    let (code, _, _) = opscope(&["analyze", &model, "--cann", "eight"]);
    assert_eq!(code, 2);
    let bad = temp_file("bad_profile.csv", b"not,a,profile\n1,2,3\n");
    let (code, stdout, stderr) = opscope(&[
        "analyze",
        &model,
        "--profile",
        bad.to_str().unwrap_or_default(),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.starts_with("error: ") && stderr.contains("bad_profile.csv"),
        "{stderr}"
    );
}

#[test]
fn fused_compares_the_simulation_with_a_compiled_model() {
    let model = sample("resnet50.onnx");
    // The bundled .om is ResNet-50 compiled by ATC: its fused nodes name their original ops.
    let (code, stdout, stderr) = opscope(&[
        "analyze",
        &model,
        "--fused",
        &sample("resnet50_atc.om"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let check = &json["fusion_check"];
    assert_eq!(check["source"], "resnet50_atc.om");
    assert_eq!(check["real_groups"], 69);
    assert!(
        check["simulated_groups"].as_u64().unwrap_or(0) > 40,
        "{check}"
    );
    // A model without fused ops cannot be the compiled one.
    let (code, _, stderr) = opscope(&["analyze", &model, "--fused", &model]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--fused takes a GE dump"), "{stderr}");
}

/// The same files in any order give the same bytes, in every format: a run's profiling files
/// are combined by content, never by the order they were named in.
#[test]
fn profile_files_in_another_order_give_byte_identical_reports() {
    let model = sample("resnet50.onnx");
    let summary = profile_csv();
    let statistic = temp_file(
        "op_statistic_0.csv",
        b"Model Name,OP Type,Core Type,Count,Total Time(us),Min Time(us),Avg Time(us),Max Time(us),Ratio(%)\n\
resnet50,Conv2D,AI_CORE,1,120.5,120.5,120.5,120.5,72.8\n\
resnet50,Relu,AI_CPU,1,45.0,45.0,45.0,45.0,27.2\n",
    );
    let (summary, statistic) = (
        summary.to_str().unwrap_or_default().to_string(),
        statistic.to_str().unwrap_or_default().to_string(),
    );
    // The real 910B torch_npu run too, when the public samples are on this machine.
    let real =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/profiling");
    let real_files: Vec<String> = [
        "torchnpu-a2-convnet-kernel_details.csv",
        "torchnpu-a2-convnet-op_statistic.csv",
        "torchnpu-a2-convnet-trace_view.json",
    ]
    .iter()
    .map(|name| real.join(name))
    .filter(|path| path.is_file())
    .map(|path| path.to_string_lossy().into_owned())
    .collect();
    let mut runs: Vec<Vec<String>> = vec![vec![summary.clone(), statistic.clone()]];
    if real_files.len() == 3 {
        runs.push(real_files);
    }
    for files in runs {
        for format in ["json", "md", "html"] {
            let report = |order: &[String]| {
                let mut args = vec!["analyze", model.as_str(), "--format", format];
                for file in order {
                    args.push("--profile");
                    args.push(file);
                }
                let (code, stdout, stderr) = opscope(&args);
                assert_eq!(code, 0, "{format} {order:?}: {stderr}");
                stdout
            };
            let forward = report(&files);
            let mut reversed = files.clone();
            reversed.reverse();
            assert!(forward.len() > 1000, "{format}: a real report");
            assert!(
                forward == report(&reversed),
                "{format}: {files:?} in reverse order gives other bytes"
            );
        }
    }
}
