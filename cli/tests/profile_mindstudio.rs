//! `opscope profile` on a MindStudio 2.x export (Ascend 310): every file of the export, named on
//! the command line one by one or all together, is read (a failed or metadata table is a
//! warning, not an error), and the report has the per-task hotspots.

// Not every helper of `common` is needed here.
#[allow(dead_code)]
mod common;

use std::path::PathBuf;

use common::{opscope, temp_file};

/// The real export under `shared/` next to the repository, or next to the folder of worktrees.
fn sample_dir() -> Option<PathBuf> {
    let cli = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        "../../shared/samples/profiling/mindstudio-310-derain",
        "../../../shared/samples/profiling/mindstudio-310-derain",
    ]
    .into_iter()
    .map(|relative| cli.join(relative))
    .find(|dir| dir.is_dir())
}

fn json_files(dir: &PathBuf) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .map(|p| p.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn every_file_of_the_real_export_reads_alone_and_together() {
    let Some(dir) = sample_dir() else {
        return;
    };
    let files = json_files(&dir);
    assert_eq!(files.len(), 13, "{files:?}");
    for file in &files {
        let (code, stdout, stderr) = opscope(&["profile", file, "--json"]);
        assert_eq!(code, 0, "{file}: {stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
        let kind = json["sources"][0]["kind"].as_str().unwrap_or_default();
        assert!(kind.starts_with("mindstudio_"), "{file}: {kind}");
    }
    let mut args = vec!["profile", "--json", "--top", "3"];
    args.extend(files.iter().map(String::as_str));
    let (code, stdout, stderr) = opscope(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("op_time_statistic_0.json: MindStudio could not export this table (status 1: \"Parse op statistic data failed!\"); skipped"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["rows"], 6266);
    assert_eq!(json["ops"], 69);
    assert_eq!(json["hotspots_by"], "op");
    assert_eq!(
        json["hotspots"][0]["op"],
        "block17_up/conv2d_transpose/conv2d_transpose"
    );
    assert_eq!(json["hotspots"][0]["count"], 91);
    assert_eq!(json["units"]["ai_core"], 4809603.214);
    assert_eq!(json["ai_core_num"], 2);
    assert_eq!(json["device_count"], 1);
    assert_eq!(json["core_samples"][0]["core"], "Core0");
    assert_eq!(json["op_statistics"].as_array().map(Vec::len), Some(69));
    // The text report names the MindStudio tables it used.
    let mut args = vec!["profile", "--top", "3"];
    args.extend(files.iter().map(String::as_str));
    let (code, stdout, _) = opscope(&args);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("profile: 6266 task rows, 69 ops, total 4809603.214 us; files: "),
        "{stdout}"
    );
    assert!(stdout.contains("mindstudio_timeline_ts"), "{stdout}");
}

#[test]
fn a_timeline_and_its_summary_under_any_names() {
    let timeline = r#"{"status": 0, "info": "", "data": {"stream task": {"stream2": {"AI Core task": [{"task": 4, "status": "running", "start": 100.0001, "end": 100.0002, "task_type": "kernel AI core task", "opname": "conv1", "kernel_function": "-1_0_1_conv1", "streamid": 2}], "AI CPU task": [{"task": 6, "status": "running", "start": 100.0003, "end": 100.0009, "task_type": "kernel AI cpu task", "opname": "pow_1", "kernel_function": "pow_1", "streamid": 2}], "Other task": []}}}}"#;
    let stub = r#"{"status":1,"info":"Parse op statistic data failed!"}"#;
    let a = temp_file("ms_a.json", timeline.as_bytes());
    let b = temp_file("ms_b.json", stub.as_bytes());
    let (code, stdout, stderr) = opscope(&[
        "profile",
        &a.display().to_string(),
        &b.display().to_string(),
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("ms_b.json: MindStudio could not export this table"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["rows"], 2);
    assert_eq!(json["hotspots"][0]["op"], "pow_1");
    assert_eq!(json["hotspots"][0]["unit"], "ai_cpu");
    assert_eq!(json["sources"][1]["kind"], "mindstudio_op_time_statistic");
    assert_eq!(json["sources"][1]["used"], false);
    // A truncated export is an error naming the file, line and column (exit 2).
    let cut = temp_file("ms_cut.json", &timeline.as_bytes()[..60]);
    let (code, _, stderr) = opscope(&["profile", &cut.display().to_string()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("ms_cut.json: invalid MindStudio JSON at line 1, column 60"),
        "{stderr}"
    );
}
