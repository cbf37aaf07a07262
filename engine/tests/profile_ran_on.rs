//! The target a profile shows it ran on (`report::profile::ran_on`), which the app and `opscope
//! analyze` use when no target was chosen: from `info.json`'s chip, else A2-only evidence (vector
//! core or mixed task types, PMU columns split into `aic_` / `aiv_` sides), else nothing. On
//! tables written here in the real column layouts, and on the real samples when present.

mod shared_samples;

use std::path::PathBuf;

use opscope_engine::profile::import_profile;
use opscope_engine::report::profile::ran_on;
use opscope_engine::target::TargetId;
use opscope_engine::InputFile;

fn ran_on_files(files: &[(&str, &str)]) -> Option<TargetId> {
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(name, text)| InputFile::new(*name, text.as_bytes().to_vec()))
        .collect();
    let import = import_profile(&inputs);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert!(!import.profile.tasks.is_empty());
    ran_on(&import.profile)
}

const SUMMARY_HEAD: &str = "Model ID,Task ID,Stream ID,Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Dim";

fn summary(task_type: &str, pmu_header: &str, pmu_row: &str) -> String {
    format!("{SUMMARY_HEAD}{pmu_header}\n1,3,2,conv1,Conv2D,{task_type},100.0,12.5,0,8{pmu_row}\n")
}

#[test]
fn cube_and_vector_pmu_columns_tell_an_a2_chip_even_with_ai_core_tasks_only() {
    let split = summary(
        "AI_CORE",
        ",aic_mac_ratio,aic_mte2_ratio,aiv_vec_ratio",
        ",0.8,0.1,0.0",
    );
    assert_eq!(
        ran_on_files(&[("op_summary_0_1.csv", &split)]),
        Some(TargetId::Ascend910B)
    );
}

#[test]
fn ai_core_tasks_with_whole_core_pmu_tell_nothing() {
    let whole = summary("AI_CORE", ",mac_ratio,mte2_ratio", ",0.8,0.1");
    assert_eq!(ran_on_files(&[("op_summary_0_1.csv", &whole)]), None);
    let bare = summary("AI_CORE", "", "");
    assert_eq!(ran_on_files(&[("op_summary_0_1.csv", &bare)]), None);
}

#[test]
fn vector_core_tasks_tell_an_a2_chip() {
    let vector = summary("AI_VECTOR_CORE", "", "");
    assert_eq!(
        ran_on_files(&[("op_summary_0_1.csv", &vector)]),
        Some(TargetId::Ascend910B)
    );
}

#[test]
fn the_chip_of_info_json_wins() {
    // A 310P run: vector core tasks would say A2, the chip says otherwise.
    let vector = summary("AI_VECTOR_CORE", "", "");
    let info = r#"{"DeviceInfo":[{"id":0,"ai_core_num":8}],"platform_version":"4"}"#;
    assert_eq!(
        ran_on_files(&[("op_summary_0_1.csv", &vector), ("info.json.0", info)]),
        Some(TargetId::Ascend310P)
    );
}

fn samples_dir() -> Option<PathBuf> {
    shared_samples::samples_dir("profiling")
}

#[test]
fn every_a2_sample_is_told_to_be_from_an_a2_chip() {
    let Some(dir) = samples_dir() else {
        return;
    };
    for name in [
        "msprof-a2-op_summary-l0bw-metrics.csv",
        "torchnpu-a2-matmul-kernel_details-small.csv",
        "torchnpu-a2-kernel_details-arith-metrics.csv",
        "torchnpu-a2-convnet-kernel_details.csv",
        "torchnpu-a2-llm-kernel_details-pipeutil.csv",
        "torchnpu-a2-llm-op_statistic.csv",
    ] {
        let data = std::fs::read(dir.join(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
        let import = import_profile(&[InputFile::new(name, data)]);
        assert_eq!(
            ran_on(&import.profile),
            Some(TargetId::Ascend910B),
            "{name}"
        );
    }
}
