//! What the fuzz targets share: running a reader on fuzzed bytes, and the stages that follow an
//! import (shape inference, analysis, views with their layout, reports), as the CLI and the web
//! app's worker run them. A target panics only when the engine does.

use opscope_engine::analysis::{self, fusion, AnalyzeOptions, CannVersion};
use opscope_engine::formats::fuzzing::{self, Reader};
use opscope_engine::ir::Model;
use opscope_engine::profile::{self, ProfileImport};
use opscope_engine::report::{
    self, graph_at, graph_list, graph_view_with, GraphViewOptions, InspectOptions, NodeGroup,
    ScopeFolding,
};
use opscope_engine::target::TargetId;
use opscope_engine::{shape, InputFile};

/// Views drawn per model at most (the main graph, then bodies and functions).
const MAX_VIEWS: usize = 4;

/// Splits a fuzz input into several files at each [`FILE_BREAK`], for the targets that read a
/// drop of several files together.
pub const FILE_BREAK: &[u8] = b"\n--opscope-file--\n";

/// A file name for `data` from `names`, chosen by the input's length: sniffing uses the name only
/// to break ties, and the profile importers to tell op_summary from kernel_details.
pub fn named(names: &[&str], data: &[u8]) -> InputFile {
    InputFile::new(names[data.len() % names.len()], data.to_vec())
}

/// The parts of `data` between [`FILE_BREAK`]s, at most `max` (the last holds the rest).
pub fn split_files(data: &[u8], max: usize) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() + 1 < max {
        let Some(at) = rest
            .windows(FILE_BREAK.len())
            .position(|window| window == FILE_BREAK)
        else {
            break;
        };
        parts.push(&rest[..at]);
        rest = &rest[at + FILE_BREAK.len()..];
    }
    parts.push(rest);
    parts
}

/// What the targets set up once before the first input (libFuzzer's init hook), so that no
/// input's time includes it: the schema descriptors and the model profiles are joined to.
pub fn warm_up() {
    let _ = fuzzing::descriptor_pool();
    let _ = profile_model();
}

/// Reads `data` with one reader and infers shapes, as opening a file does.
pub fn read_with(reader: Reader, name: &str, data: &[u8]) {
    let file = InputFile::new(name, data.to_vec());
    if let Ok(mut model) = fuzzing::read(reader, &file) {
        shape::infer_shapes(&mut model);
    }
}

/// Every stage after the import on `model` (shapes already inferred): the analysis for one
/// target, its report and renderings, the estimated profile, the inspect summary, and the views
/// of the main graph (plain, fusion groups folded, overview) and of a few bodies and functions.
pub fn exercise_model(model: &Model, seed: u8) {
    let target = TargetId::ALL[usize::from(seed) % TargetId::ALL.len()];
    let options = AnalyzeOptions {
        target,
        cann: CannVersion::DEFAULT,
    };
    let analysis = analysis::analyze(model, None, &options);
    let analysis_report = report::analysis::build(model, &analysis, None);
    let _ = report::render::text(&analysis_report);
    let _ = report::render::markdown(&analysis_report);
    if let Some(estimate) = analysis.estimated_profile(model) {
        let ops = estimate.ops();
        let _ = report::profile::hotspots(&estimate, &ops, None, 10);
    }
    let _ = report::inspect(model, InspectOptions { with_tensors: true });
    if !fusion::real_groups(model).is_empty() {
        let _ = fusion::compare_with_compiled(model, &analysis.fusion, model, "self");
    }

    let main = graph_view_with(model, &model.graph, &GraphViewOptions::default());
    if seed & 0x80 != 0 {
        let _ = report::render::html(&analysis_report, Some(&main));
    }
    let groups = analysis
        .fusion
        .groups
        .iter()
        .take(8)
        .enumerate()
        .map(|(idx, group)| NodeGroup {
            label: format!("group {idx}"),
            nodes: group.nodes.clone(),
        })
        .collect();
    let grouped = GraphViewOptions {
        fold_constants: seed & 1 == 0,
        scopes: if seed & 2 == 0 {
            ScopeFolding::Overview
        } else {
            ScopeFolding::Folded(
                model
                    .graph
                    .nodes
                    .iter()
                    .take(4)
                    .map(|n| n.scope.join("/"))
                    .collect(),
            )
        },
        groups,
    };
    let _ = graph_view_with(model, &model.graph, &grouped);
    for entry in graph_list(model).iter().skip(1).take(MAX_VIEWS - 1) {
        if let Some(graph) = graph_at(model, &entry.path) {
            let _ = graph_view_with(model, graph, &GraphViewOptions::default());
        }
    }
}

/// Every stage after a profile import: the report alone, then joined to `model` with the
/// analysis calibrated by it.
pub fn exercise_profile(import: &ProfileImport, model: &Model) {
    let options = report::profile::ProfileOptions {
        top: 20,
        ai_core_num: None,
    };
    let _ = report::profile::build(import, None, &options);
    let _ = report::profile::skipped_files(import);
    let join = profile::join(&import.profile, model);
    let _ = report::profile::build(import, Some(&join), &options);
    let analyze_options = AnalyzeOptions {
        target: report::profile::target_of(&import.profile).spec.id,
        cann: CannVersion::DEFAULT,
    };
    let analysis = analysis::analyze(model, Some(&import.profile), &analyze_options);
    let analysis_report = report::analysis::build(model, &analysis, Some(import));
    let _ = report::render::text(&analysis_report);
}

/// Header rows of the profiling CSV tables the importers read, one per layout the tests cover
/// (msprof op_summary of several CANN releases, torch_npu kernel_details, task_time,
/// op_statistic, fusion_op, MindStudio 2.x exports, l2_cache). `profile_csv` puts one of them
/// above fuzzed rows, so the rows reach their reader whatever the mutation does.
pub const CSV_HEADERS: &[(&str, &str)] = &[
    ("op_summary_0_1.csv", "Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Num,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,aic_mac_ratio,aic_mte2_ratio"),
    ("op_summary_0_1.csv", "Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Block Num,Input Data Types,Input Shapes,Input Formats,Output Formats,Output Data Types,aic_mac_ratio,aic_scalar_ratio,aic_mte2_ratio,aiv_vec_ratio,aiv_mte2_ratio,aiv_mte3_ratio"),
    ("op_summary_0_1.csv", "Op Name,OP Type,Task Type,Task Duration(us)"),
    ("op_summary_0_1.csv", "Step Id,Model ID,Task ID,Stream ID,Op Name,OP Type,Task Type,Start Time(us),Task Duration(us),Task Wait Time(us),Block Dim,Mix Block Dim,HF32 Eligible,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID"),
    ("op_summary_0_1.csv", "Model ID,Task ID,Stream ID,Op Name,OP Type,Task Type,Task Start Time,Task Duration,Task Wait Time,Block Dim,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,aicore_time,total_cycles,mac_ratio,vec_ratio,mte2_ratio"),
    ("op_summary_0_1.csv", "Device_id,Model Name,Model ID,Task ID,Stream ID,Infer ID,Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Dim,Mix Block Dim,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats"),
    ("kernel_details.csv", "Step Id,Model ID,Task ID,Stream ID,Name,Type,OP State,Accelerator Core,Start Time(us),Duration(us),Wait Time(us),Block Dim,Mix Block Dim"),
    ("kernel_details.csv", "Step Id,Model ID,Task ID,Stream ID,Name,Type,OP State,Accelerator Core,Start Time(us),Duration(us),Wait Time(us),Block Dim,Mix Block Dim,HF32 Eligible,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID,aicore_time(us),aic_total_cycles,aic_mac_time(us),aic_mac_ratio,aic_scalar_time(us),aic_scalar_ratio,aic_mte1_time(us),aic_mte1_ratio,aic_mte2_time(us),aic_mte2_ratio,aic_fixpipe_time(us),aic_fixpipe_ratio,aic_icache_miss_rate,aiv_time(us),aiv_total_cycles,aiv_vec_time(us),aiv_vec_ratio,aiv_scalar_time(us),aiv_scalar_ratio,aiv_mte2_time(us),aiv_mte2_ratio,aiv_mte3_time(us),aiv_mte3_ratio,aiv_icache_miss_rate,cube_utilization(%)"),
    ("kernel_details.csv", "Name,Type,Accelerator Core,Duration(us),aic_mac_fp16_ratio"),
    ("op_statistic_0_1.csv", "Device_id,OP Type,Core Type,Count,Total Time(us),Min Time(us),Avg Time(us),Max Time(us),Ratio(%)"),
    ("op_statistic_0_1.csv", "OP Type,Core Type,Count,Total Time(us)"),
    ("fusion_op_0_1.csv", "Device_id,Model Name,Model ID,Fusion Op,Original Ops,Memory Input(KB),Memory Output(KB),Memory Weight(KB),Memory Workspace(KB),Memory Total(KB)"),
    ("task_time_0.csv", "Device_id,kernel_name,kernel_type,stream_id,task_id,task_time(us),task_start(us),task_stop(us)"),
    ("ai_core_metrics.csv", "Task ID,Stream ID,aicore_time,total_cycles,mac_ratio,vec_ratio"),
    ("summary_op_statistic.csv", "Op Name,Op Type,Task IDs,Count,Total Time(us)"),
    ("l2_cache.csv", "Stream Id,Task Id,Hit Rate,Victim Rate,Op Name"),
];

/// Names of the profiling JSON files: the MindStudio 2.x exports are told apart by name, and a
/// trace named `task_time` is read as one. `profile_json` gives its input one of them.
pub const JSON_NAMES: &[&str] = &[
    "msprof_0.json",
    "task_time_0.json",
    "info.json",
    "profiler_info_0.json",
    "timeline_ts_0.json",
    "summary_ts_0.json",
    "summary_aicore_0.json",
    "summary_aicore_sample_0.json",
    "op_time_statistic_0.json",
    "devices.json",
    "summary_collection.json",
    "summary_runtime_0.json",
];

/// File names a drop of profiling files gets, by position (`profile_any`).
pub const PROFILE_NAMES: &[&str] = &[
    "op_summary_0_1.csv",
    "info.json",
    "fusion_op_0_1.csv",
    "kernel_details.csv",
    "task_time_0.json",
    "summary_ts_0.json",
];

/// The small model profiles are joined to (the GE sample, whose names GE profiles use).
pub fn profile_model() -> &'static Model {
    static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        let om =
            opscope_engine::samples::ge_small().to_om(&opscope_engine::samples::OmOptions::atc());
        opscope_engine::open_model(&InputFile::new("small.om", om)).expect("the GE sample opens")
    })
}
