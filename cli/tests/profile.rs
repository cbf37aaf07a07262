//! `opscope profile` on folders and mixed drops: directories are read recursively, files that
//! hold no profiling data are skipped with the reason (stderr and the `skipped` key), and only a
//! run with nothing readable exits 2.

mod common;

use std::path::{Path, PathBuf};

use common::{opscope, sample, temp_dir, temp_file};

const OP_SUMMARY: &str = "Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Block Num,Input Data Types,Input Shapes,Output Data Types,Output Shapes\n\
/Conv_1,Conv2D,static,AI_CORE,0,120.5,2,FLOAT16,\"1,3,224,224\",FLOAT16,\"1,64,112,112\"\n\
/Relu_2,Relu,static,AI_CPU,130,45.0,1,FLOAT16,\"1,64,112,112\",FLOAT16,\"1,64,112,112\"\n";

/// A msprof-like device folder: a table in `summary/`, collection metadata and a log beside it.
fn device_folder(name: &str) -> PathBuf {
    let root = temp_dir().join(name);
    let summary = root.join("device_0").join("summary");
    std::fs::create_dir_all(&summary).expect("folders");
    std::fs::write(summary.join("op_summary_0_1.csv"), OP_SUMMARY).expect("table");
    std::fs::write(
        root.join("device_0").join("start_info.0"),
        "{\"collectionDateTime\": \"2023\"}",
    )
    .expect("metadata");
    std::fs::write(
        root.join("device_0").join("msprof.log"),
        "[INFO] collection started\n",
    )
    .expect("log");
    std::fs::write(root.join(".hidden"), "not read").expect("hidden file");
    root
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, stdout, stderr) = opscope(args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

#[test]
fn a_folder_is_read_recursively_and_what_is_not_profiling_data_is_skipped() {
    let root = device_folder("prof-folder");
    let (code, stdout, stderr) = opscope(&["profile", path(&root)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("/Conv_1"), "{stdout}");
    // Both non-tables named on stderr with a reason; the hidden file not at all.
    let skipped: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("skipped: "))
        .collect();
    assert_eq!(skipped.len(), 2, "{stderr}");
    assert!(
        skipped.iter().any(|l| l.contains("start_info.0")),
        "{stderr}"
    );
    assert!(skipped.iter().any(|l| l.contains("msprof.log")), "{stderr}");
    assert!(!stderr.contains(".hidden"), "{stderr}");
    let report = json(&["profile", "--json", path(&root)]);
    let skipped = report["skipped"].as_array().expect("skipped");
    assert_eq!(skipped.len(), 2);
    for entry in skipped {
        assert!(entry["file"].as_str().is_some_and(|f| !f.is_empty()));
        assert!(entry["reason"].as_str().is_some_and(|r| !r.is_empty()));
    }
    assert_eq!(report["rows"], 2);
}

#[test]
fn a_mix_of_files_and_folders_reads_the_tables_of_both() {
    let root = device_folder("prof-mix");
    let extra = temp_file("kernel_notes.txt", b"notes about the run\n");
    let model = sample("resnet50.onnx");
    let report = json(&[
        "profile",
        "--json",
        "--model",
        &model,
        path(&root),
        path(&extra),
    ]);
    assert_eq!(report["skipped"].as_array().map(Vec::len), Some(3));
    assert_eq!(report["rows"], 2);
    // The tables read join the model as when named alone.
    assert!(
        report["matched_share"].as_f64().is_some_and(|s| s > 0.0),
        "{}",
        report["matched_share"]
    );
}

#[test]
fn nothing_readable_exits_2_with_every_reason() {
    let root = temp_dir().join("prof-empty-run");
    std::fs::create_dir_all(&root).expect("folder");
    std::fs::write(root.join("start_info.0"), "{\"a\": 1}").expect("metadata");
    std::fs::write(root.join("end_info.0"), "{\"b\": 2}").expect("metadata");
    let (code, _, stderr) = opscope(&["profile", path(&root)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("no profiling data in the 2 files"),
        "{stderr}"
    );
    assert!(
        stderr.contains("start_info.0") && stderr.contains("end_info.0"),
        "{stderr}"
    );
    let empty = temp_dir().join("prof-no-files");
    std::fs::create_dir_all(&empty).expect("folder");
    let (code, _, stderr) = opscope(&["profile", path(&empty)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no files in the folders given"), "{stderr}");
}

/// The real msprof device folder of an Ascend 910A run (`../shared/samples`): its timeline JSONs
/// are read, `start_info.0` and `end_info.0` are skipped.
#[test]
fn the_real_910a_device_folder_reads_with_its_metadata_skipped() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/profiling/msprof-910a-alexnet/device_0");
    if !dir.is_dir() {
        eprintln!("{} is absent: skipped", dir.display());
        return;
    }
    let report = json(&["profile", "--json", path(&dir)]);
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .filter_map(|s| s["file"].as_str())
        .collect();
    assert!(
        skipped.iter().any(|f| f.ends_with("start_info.0")),
        "{skipped:?}"
    );
    assert!(
        skipped.iter().any(|f| f.ends_with("end_info.0")),
        "{skipped:?}"
    );
    assert!(
        report["rows"].as_u64().is_some_and(|r| r > 0),
        "{}",
        report["rows"]
    );
}
