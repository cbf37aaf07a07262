//! The unit check (knowledge base against measured task types) on the real profiling samples in
//! ../shared/samples/profiling, and on hand-made profiles that must show a disagreement.
//!
//! The samples come from A2 (910B-class) runs and one 910A run (SOURCES.md there); each is
//! checked against the target it was recorded on: the 910B column for the A2 files (they carry
//! no `info.json`), and for the 910A files the chip named by their `info.json` when it is given.
//! Every sample must agree on at least 95 % of its compared time. Skipped quietly when the
//! samples folder is absent.

mod shared_samples;

use std::path::PathBuf;

use opscope_engine::analysis::unit_check::{check, UnitCheck};
use opscope_engine::profile::import_profile;
use opscope_engine::target::{Target, TargetId};
use opscope_engine::InputFile;

fn samples_dir() -> Option<PathBuf> {
    shared_samples::samples_dir("profiling")
}

/// Imports the named sample files as one profile and checks it for `target`.
fn check_samples(names: &[&str], target: TargetId) -> Option<UnitCheck> {
    let dir = samples_dir()?;
    let files: Vec<InputFile> = names
        .iter()
        .map(|name| {
            let data = std::fs::read(dir.join(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
            let file_name = name.rsplit('/').next().unwrap_or(name);
            InputFile::new(file_name, data)
        })
        .collect();
    let import = import_profile(&files);
    assert!(import.errors.is_empty(), "{names:?}: {:?}", import.errors);
    Some(check(&import.profile, &Target::new(target)))
}

/// Asserts the sample agrees on at least 95 % of its compared time and compared something.
fn assert_agrees(names: &[&str], target: TargetId, column: &str, vector_cores: bool) {
    let Some(result) = check_samples(names, target) else {
        return;
    };
    println!(
        "{names:?}: agree_share {:.4}, {}/{} op types, checked {:.1} us, unchecked {:.1} us, disagreements {:?}",
        result.agree_share,
        result.agree_ops,
        result.total_ops,
        result.checked_us,
        result.unchecked_us,
        result.disagreements
    );
    assert!(
        result.total_ops > 0 && result.checked_us > 0.0,
        "{names:?}: nothing compared"
    );
    assert!(
        result.agree_share >= 0.95,
        "{names:?}: agree_share {} < 0.95; disagreements {:?}",
        result.agree_share,
        result.disagreements
    );
    assert_eq!(result.column, column, "{names:?}");
    assert_eq!(result.separate_vector_cores, vector_cores, "{names:?}");
}

const A2: TargetId = TargetId::Ascend910B;

#[test]
fn a2_op_summary_with_communication_and_dsa() {
    assert_agrees(
        &["msprof-a2-op_summary-l0bw-metrics.csv"],
        A2,
        "ascend910b",
        true,
    );
}

#[test]
fn a2_convnet_kernel_details() {
    assert_agrees(
        &["torchnpu-a2-convnet-kernel_details.csv"],
        A2,
        "ascend910b",
        true,
    );
}

#[test]
fn a2_convnet_op_statistic() {
    assert_agrees(
        &["torchnpu-a2-convnet-op_statistic.csv"],
        A2,
        "ascend910b",
        true,
    );
}

#[test]
fn a2_convnet_trace_view() {
    assert_agrees(
        &["torchnpu-a2-convnet-trace_view.json"],
        A2,
        "ascend910b",
        true,
    );
}

#[test]
fn a2_kernel_details_with_ai_cpu_casts() {
    assert_agrees(
        &["torchnpu-a2-kernel_details-arith-metrics.csv"],
        A2,
        "ascend910b",
        true,
    );
    let Some(result) = check_samples(&["torchnpu-a2-kernel_details-arith-metrics.csv"], A2) else {
        return;
    };
    // The seven Cast INT32→UINT64 rows run on the AI CPU; the dtypes predict them, so Cast is
    // not a disagreement although most Casts run on the vector core.
    assert!(
        result.disagreements.iter().all(|d| d.op_type != "Cast"),
        "{:?}",
        result.disagreements
    );
}

#[test]
fn a2_llm_kernel_details() {
    assert_agrees(
        &["torchnpu-a2-llm-kernel_details-pipeutil.csv"],
        A2,
        "ascend910b",
        true,
    );
}

#[test]
fn a2_llm_op_statistic() {
    assert_agrees(
        &["torchnpu-a2-llm-op_statistic.csv"],
        A2,
        "ascend910b",
        true,
    );
}

#[test]
fn a2_matmul_kernel_details() {
    assert_agrees(
        &["torchnpu-a2-matmul-kernel_details-small.csv"],
        A2,
        "ascend910b",
        true,
    );
}

const ALEXNET: &str = "msprof-910a-alexnet/device_0";

#[test]
fn alexnet_910a_timelines_alone() {
    for file in ["msprof_0_2_1.json", "task_time_0_2_1.json"] {
        let name = format!("{ALEXNET}/timeline/{file}");
        // Without info.json the chip is unknown: the caller's target (here the 910B) gives the
        // column and the reading of task types; AI_CORE agrees with Cube and Vector there too.
        assert_agrees(&[&name], A2, "ascend910b", true);
    }
}

#[test]
fn alexnet_910a_timelines_with_info_json() {
    for file in ["msprof_0_2_1.json", "task_time_0_2_1.json"] {
        let name = format!("{ALEXNET}/timeline/{file}");
        let info = format!("{ALEXNET}/info.json.0");
        // The chip (Ascend910A) decides: the 910B column, one core type; the default target
        // (Ascend 310) does not matter.
        assert_agrees(&[&name, &info], TargetId::Ascend310, "ascend910b", false);
    }
}

// ── Hand-made profiles: a disagreement must be caught ──

/// op_summary header of msprof (A2 layout, as in `msprof-a2-op_summary-l0bw-metrics.csv`).
const OP_SUMMARY_HEADER: &str = "Step Id,Model ID,Task ID,Stream ID,Op Name,OP Type,Task Type,Start Time(us),Task Duration(us),Task Wait Time(us),Block Dim,Mix Block Dim,HF32 Eligible,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID";

/// One op_summary row: name, op type, task type, start, duration, input and output dtypes.
fn op_summary_row(
    name: &str,
    op_type: &str,
    task_type: &str,
    start: u32,
    us: f64,
    dtypes: (&str, &str),
) -> String {
    format!(
        "2,1,{start},16,{name},{op_type},{task_type},{start},{us},0,8,0,NO,\"1,16\",{},ND,\"1,16\",{},ND,N/A",
        dtypes.0, dtypes.1
    )
}

fn import_text(files: &[(&str, String)]) -> opscope_engine::profile::Profile {
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(name, text)| InputFile::new(*name, text.clone().into_bytes()))
        .collect();
    let import = import_profile(&inputs);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    import.profile
}

fn mixed_run() -> String {
    let rows = [
        op_summary_row(
            "conv1",
            "Conv2D",
            "AI_CORE",
            1,
            100.0,
            ("FLOAT16;FLOAT16", "FLOAT16"),
        ),
        op_summary_row("pow1", "Pow", "AI_CPU", 2, 50.0, ("FLOAT;FLOAT", "FLOAT")),
        op_summary_row(
            "cast1",
            "Cast",
            "AI_VECTOR_CORE",
            3,
            10.0,
            ("INT32", "FLOAT"),
        ),
        op_summary_row(
            "trans_Cast_5",
            "Cast",
            "AI_CPU",
            4,
            5.0,
            ("INT32", "UINT64"),
        ),
        op_summary_row("cast3", "Cast", "AI_CPU", 5, 5.0, ("FLOAT16", "FLOAT")),
        op_summary_row("relu1", "Relu", "MIX_AIC", 6, 20.0, ("FLOAT16", "FLOAT16")),
        op_summary_row(
            "custom1",
            "MyCustomOp",
            "AI_CORE",
            7,
            15.0,
            ("FLOAT16", "FLOAT16"),
        ),
        op_summary_row("copy", "MemcpyAsync", "SDMA", 8, 40.0, ("N/A", "N/A")),
    ];
    format!("{OP_SUMMARY_HEADER}\n{}\n", rows.join("\n"))
}

#[test]
fn disagreements_are_caught_per_task_and_weighted_by_time() {
    let profile = import_text(&[("op_summary_0_1.csv", mixed_run())]);
    let result = check(&profile, &Target::new(TargetId::Ascend910B));
    assert_eq!(result.column, "ascend910b");
    assert!(result.separate_vector_cores);
    // Compared: everything but the SDMA copy. Agreed: the conv, the vector Cast and the Cast to
    // uint64 (its dtype predicts the AI CPU).
    assert!((result.checked_us - 205.0).abs() < 1e-9, "{result:?}");
    assert!((result.unchecked_us - 40.0).abs() < 1e-9, "{result:?}");
    assert!(
        (result.agree_share - 115.0 / 205.0).abs() < 1e-9,
        "{result:?}"
    );
    assert_eq!((result.agree_ops, result.total_ops), (1, 5));
    let found: Vec<(&str, &str, &str, f64)> = result
        .disagreements
        .iter()
        .map(|d| {
            (
                d.op_type.as_str(),
                d.predicted.as_str(),
                d.measured.as_str(),
                d.total_us,
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("Pow", "vector", "AI_CPU", 50.0),
            ("Relu", "vector", "MIX_AIC", 20.0),
            ("MyCustomOp", "unknown", "AI_CORE", 15.0),
            ("Cast", "vector", "AI_CPU", 5.0),
        ]
    );
}

#[test]
fn the_profile_chip_picks_the_column() {
    // The same run recorded on an Ascend 310 (info.json platform_version 0): Pow belongs on the
    // AI CPU there, and AI_CORE is the only AI Core task type, whatever target the caller has.
    let rows = [
        op_summary_row(
            "conv1",
            "Conv2D",
            "AI_CORE",
            1,
            100.0,
            ("FLOAT16;FLOAT16", "FLOAT16"),
        ),
        op_summary_row(
            "pow1",
            "Pow",
            "AI_CPU",
            2,
            50.0,
            ("FLOAT16;FLOAT16", "FLOAT16"),
        ),
        op_summary_row("relu1", "Relu", "AI_CORE", 3, 20.0, ("FLOAT16", "FLOAT16")),
        op_summary_row("Cast_1206", "Cast", "AI_CPU", 4, 8.0, ("FLOAT16", "INT64")),
    ];
    let csv = format!("{OP_SUMMARY_HEADER}\n{}\n", rows.join("\n"));
    let info = r#"{"platform_version":"0","DeviceInfo":[{"id":0,"ai_core_num":2,"aic_frequency":"680","aiv_num":0}]}"#;
    let profile = import_text(&[
        ("op_summary_0_1.csv", csv.clone()),
        ("info.json.0", info.to_string()),
    ]);
    let on_310 = check(&profile, &Target::new(TargetId::Ascend910B));
    assert_eq!(on_310.column, "ascend310");
    assert!(!on_310.separate_vector_cores);
    assert_eq!((on_310.agree_ops, on_310.total_ops), (4, 4), "{on_310:?}");
    assert!((on_310.agree_share - 1.0).abs() < 1e-9);
    // Without info.json and analysed for the 910B, the same rows disagree twice: Pow has an AI
    // Core kernel there, and Cast to int64 too.
    let profile = import_text(&[("op_summary_0_1.csv", csv)]);
    let on_910b = check(&profile, &Target::new(TargetId::Ascend910B));
    let wrong: Vec<&str> = on_910b
        .disagreements
        .iter()
        .map(|d| d.op_type.as_str())
        .collect();
    assert_eq!(wrong, vec!["Pow", "Cast"]);
    assert!(
        (on_910b.agree_share - 120.0 / 178.0).abs() < 1e-9,
        "{on_910b:?}"
    );
}

#[test]
fn op_statistic_alone_is_checked_by_core_type() {
    let csv =
        "OP Type,Core Type,Count,Total Time(us),Min Time(us),Avg Time(us),Max Time(us),Ratio(%)\n\
               MatMulV2,AI_CORE,8,900.0,100.0,112.5,130.0,90.0\n\
               NonZero,AI_CPU,1,100.0,100.0,100.0,100.0,10.0\n";
    let profile = import_text(&[("op_statistic_0_1.csv", csv.to_string())]);
    let result = check(&profile, &Target::new(TargetId::Ascend910B));
    assert!((result.agree_share - 0.9).abs() < 1e-9, "{result:?}");
    assert_eq!(result.disagreements.len(), 1);
    assert_eq!(result.disagreements[0].op_type, "NonZero");
    assert_eq!(result.disagreements[0].predicted, "vector");
    // On the 310 NonZero has no AI Core kernel: the same statistic agrees.
    let result = check(&profile, &Target::new(TargetId::Ascend310));
    assert!((result.agree_share - 1.0).abs() < 1e-9, "{result:?}");
}
