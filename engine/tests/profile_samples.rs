//! The real profiling files in ../shared/samples/profiling (all from A2 / 910B-class devices; see
//! SOURCES.md there). Skipped when the folder is absent; when present, the expected numbers were
//! computed once, independently of opscope, with Python's `csv` / `json` modules (rows whose field
//! count differs from the header's left out, durations summed per name and per task type), and
//! are written here as literals.

mod shared_samples;

use std::path::PathBuf;

use opscope_engine::analysis::rules as findings;
use opscope_engine::profile::{import_profile, CoreCount, ProfileImport, SourceKind, Unit};
use opscope_engine::report::profile::{self as report, ProfileOptions};
use opscope_engine::InputFile;

fn samples_dir() -> Option<PathBuf> {
    shared_samples::samples_dir("profiling")
}

/// Reads the named samples; `None` (test passes without checking) when the folder is absent.
fn import(names: &[&str]) -> Option<ProfileImport> {
    let dir = samples_dir()?;
    let files: Vec<InputFile> = names
        .iter()
        .map(|name| {
            let data = std::fs::read(dir.join(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
            InputFile::new(*name, data)
        })
        .collect();
    Some(import_profile(&files))
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-6 * expected.abs().max(1.0)
}

/// Asserts rows, total (= sum of durations), distinct ops, the top op and the time per unit.
fn check_tasks(
    import: &ProfileImport,
    rows: usize,
    total_us: f64,
    ops: usize,
    top: (&str, f64, u64),
    units: &[(Unit, f64)],
) {
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    let profile = &import.profile;
    assert_eq!(profile.tasks.len(), rows);
    let sum: f64 = profile.tasks.iter().map(|t| t.duration_us).sum();
    assert!(close(profile.total_us(), sum));
    assert!(close(sum, total_us), "total {sum} != {total_us}");
    let aggregates = profile.ops();
    assert_eq!(aggregates.len(), ops);
    let first = &aggregates[0];
    assert_eq!((first.op.as_str(), first.count), (top.0, top.2));
    assert!(
        close(first.total_us, top.1),
        "top {} != {}",
        first.total_us,
        top.1
    );
    let share_sum: f64 = aggregates.iter().map(|a| a.share).sum();
    assert!(close(share_sum, 1.0), "shares sum to {share_sum}");
    let actual = profile.unit_totals();
    assert_eq!(actual.len(), units.len(), "{actual:?}");
    for ((unit, us), (want_unit, want_us)) in actual.iter().zip(units) {
        assert_eq!(unit, want_unit);
        assert!(close(*us, *want_us), "{unit:?}: {us} != {want_us}");
    }
}

#[test]
fn convnet_kernel_details() {
    let Some(import) = import(&["torchnpu-a2-convnet-kernel_details.csv"]) else {
        return;
    };
    check_tasks(
        &import,
        191,
        114865.613,
        82,
        ("hcom_allReduce__586_0_1", 79089.520, 1),
        &[
            (Unit::AiCore, 2805.855),
            (Unit::AiVector, 5823.400),
            (Unit::Mix, 238.962),
            (Unit::Communication, 105991.876),
            (Unit::Other, 5.520),
        ],
    );
    assert!(import.issues.is_empty(), "{:?}", import.issues);
    // The first row: TransData NCHW → NC1HWC0, start with its trailing TAB trimmed.
    let profile = &import.profile;
    let first = &profile.tasks[0];
    assert_eq!(profile.str(first.name), "trans_TransData_0");
    assert_eq!(profile.str(first.input_formats), "NCHW");
    assert_eq!(profile.str(first.output_shapes), "32,1,224,224,8");
    // The file's `1736408883704643.212` (the nearest f64 is ...643.25).
    assert_eq!(first.start_us, "1736408883704643.212".parse().ok());
    assert_eq!(first.block_dim, Some(32));
}

#[test]
fn arithmetic_metrics_kernel_details_with_ai_cpu_rows() {
    let Some(import) = import(&["torchnpu-a2-kernel_details-arith-metrics.csv"]) else {
        return;
    };
    check_tasks(
        &import,
        591,
        396807.040,
        201,
        ("hcom_broadcast__445_0", 308926.680, 1),
        &[
            (Unit::AiCore, 14252.720),
            (Unit::AiVector, 33091.800),
            (Unit::Mix, 102.020),
            (Unit::AiCpu, 785.180),
            (Unit::Communication, 346398.740),
            (Unit::Other, 2176.580),
        ],
    );
    // The 7 AI_CPU rows are two GE casts of INT32 inputs; worst first.
    let out = findings::check_profile(&import.profile, None, CoreCount::Unknown);
    let aicpu: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.rule == "aicpu-op")
        .collect();
    assert_eq!(aicpu.len(), 2);
    assert_eq!(aicpu[0].nodes, ["trans_Cast_5"]);
    assert_eq!(aicpu[0].gain_us, Some(579.6));
    assert_eq!(aicpu[0].evidence["count"], findings::Evidence::Int(5));
    assert_eq!(aicpu[0].evidence["max_us"], findings::Evidence::Num(197.54));
    assert_eq!(
        aicpu[0].evidence["input_dtypes"],
        findings::Evidence::Text("INT32".into())
    );
    assert_eq!(aicpu[1].nodes, ["trans_Cast_18"]);
    assert_eq!(aicpu[1].gain_us, Some(205.58));
    // ArithmeticUtilization metrics have no pipe ratios: the pipe rules say they were skipped.
    let skipped: Vec<&str> = out.skipped.iter().map(|s| s.rule).collect();
    assert!(
        skipped.contains(&"no-bound") && skipped.contains(&"memory-bound"),
        "{skipped:?}"
    );
}

#[test]
fn llm_kernel_details_pipe_utilisation() {
    let Some(import) = import(&["torchnpu-a2-llm-kernel_details-pipeutil.csv"]) else {
        return;
    };
    check_tasks(
        &import,
        2463,
        651464.360,
        59,
        ("hcom_batchSendRecv__128_4_1", 158553.280, 1),
        &[
            (Unit::AiCore, 58022.860),
            (Unit::AiVector, 68795.300),
            (Unit::Mix, 104471.940),
            (Unit::Communication, 420174.260),
        ],
    );
    assert!(import.issues.is_empty(), "{:?}", import.issues);
}

#[test]
fn matmul_kernel_details_small() {
    let Some(import) = import(&["torchnpu-a2-matmul-kernel_details-small.csv"]) else {
        return;
    };
    check_tasks(
        &import,
        29,
        10061.159,
        7,
        (
            "aclnnFlashAttentionScoreGrad_FlashAttentionScoreGrad_FlashAttentionScoreGrad",
            3038.440,
            4,
        ),
        &[
            (Unit::AiCore, 4872.937),
            (Unit::AiVector, 116.002),
            (Unit::Mix, 5072.220),
        ],
    );
    // The first MatMulV2 row: PMU ratios and the file's own cube utilisation.
    let profile = &import.profile;
    let task = &profile.tasks[0];
    assert_eq!(profile.str(task.name), "aclnnMatmul_MatMulCommon_MatMulV2");
    assert_eq!(profile.cube_utilization_pct(task), Some(79.295));
    let bound = profile
        .task_pmu(task)
        .and_then(|p| p.memory_bound())
        .unwrap_or_default();
    // Derived metrics per op in the report, time-weighted over its 4 tasks (computed with
    // Python: mte2 0.945 / mac 0.714 on every task; cube_utilization(%) 95.765).
    let report = report::build(
        &import,
        None,
        &ProfileOptions {
            top: 7,
            ai_core_num: None,
        },
    );
    let v5 = report
        .hotspots
        .iter()
        .find(|h| h.op == "aclnnMatmul_MatMulV3Common_MatMulV5");
    assert_eq!(v5.and_then(|h| h.memory_bound), Some(1.3235));
    assert_eq!(v5.and_then(|h| h.cube_utilization_pct), Some(95.765));
    // mte2 0.964 / max(mac 0.824, vec 0).
    assert!((bound - 0.964 / 0.824).abs() < 1e-9, "{bound}");
}

#[test]
fn msprof_op_summary_with_a_ragged_row() {
    let Some(import) = import(&["msprof-a2-op_summary-l0bw-metrics.csv"]) else {
        return;
    };
    // Line 17 has 31 fields for a 32-column header (its duration cell is missing): skipped with
    // a warning naming the line; the other 20 rows are kept.
    check_tasks(
        &import,
        20,
        37369.124,
        13,
        ("FlashAttentionScore", 21112.851, 3),
        &[
            (Unit::AiCore, 506.3683),
            (Unit::AiVector, 2.6393),
            (Unit::Mix, 21132.3457),
            (Unit::AiCpu, 145.0223),
            (Unit::Communication, 10238.538),
            (Unit::Other, 5344.2105),
        ],
    );
    let issues: Vec<String> = import.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        issues,
        ["msprof-a2-op_summary-l0bw-metrics.csv: line 17: row has 31 fields, the header has 32, so its cells cannot be matched to columns; row skipped"]
    );
    assert_eq!(import.profile.sources[0].kind, SourceKind::OpSummary);
}

#[test]
fn op_statistics_alone_give_per_type_hotspots() {
    let Some(import) = import(&["torchnpu-a2-convnet-op_statistic.csv"]) else {
        return;
    };
    let profile = &import.profile;
    assert_eq!(profile.op_statistics.len(), 33);
    assert!(profile.ops_are_types());
    assert!(close(profile.total_us(), 8873.751));
    let ops = profile.ops();
    assert_eq!((ops[0].op.as_str(), ops[0].count), ("ForeachAddList", 3));
    assert!(close(ops[0].total_us, 1959.079));
    let Some(llm) = self::import(&["torchnpu-a2-llm-op_statistic.csv"]) else {
        return;
    };
    assert_eq!(llm.profile.op_statistics.len(), 35);
    assert!(close(llm.profile.total_us(), 231290.100));
    assert_eq!(llm.profile.ops()[0].op, "FlashAttentionScoreGrad");
}

#[test]
fn convnet_trace_view_timeline() {
    let Some(import) = import(&["torchnpu-a2-convnet-trace_view.json"]) else {
        return;
    };
    // 283 device tasks of the `Ascend Hardware` process out of 10112 events, without the 252
    // synchronisation tasks.
    check_tasks(
        &import,
        283,
        37214.124,
        80,
        ("SDMA", 27461.50875, 72),
        &[
            (Unit::AiCore, 8629.2723125),
            (Unit::Mix, 238.96471875),
            (Unit::Dma, 28340.3664375),
            (Unit::Other, 5.5200625),
        ],
    );
    assert_eq!(
        import.profile.sources[0].note,
        "10112 events read; device tasks from the `Ascend Hardware` process"
    );
}

#[test]
fn convnet_run_from_all_its_files() {
    let Some(import) = import(&[
        "torchnpu-a2-convnet-trace_view.json",
        "torchnpu-a2-convnet-kernel_details.csv",
        "torchnpu-a2-convnet-op_statistic.csv",
        "torchnpu-a2-convnet-l2_cache.csv",
        "torchnpu-a2-convnet-profiler_info.json",
    ]) else {
        return;
    };
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    let profile = &import.profile;
    // Task rows from kernel_details only; the timeline holds the same tasks and is not counted.
    assert_eq!(profile.tasks.len(), 191);
    assert!(close(profile.total_us(), 114865.613));
    let used: Vec<(&str, bool)> = profile
        .sources
        .iter()
        .map(|s| (s.kind.id(), s.used))
        .collect();
    assert_eq!(
        used,
        [
            ("timeline", false),
            ("kernel_details", true),
            ("op_statistic", true),
            ("l2_cache", false),
            ("profiler_info", false)
        ]
    );
    // Two sources agree: op_statistic's total is kernel_details' time without communication
    // (8873.737 us from the rows; op_statistic rounds per type).
    let without_comm: f64 = profile
        .tasks
        .iter()
        .filter(|t| t.unit != Unit::Communication)
        .map(|t| t.duration_us)
        .sum();
    let statistic: f64 = profile
        .op_statistics
        .iter()
        .filter_map(|s| s.total_us)
        .sum();
    assert!((without_comm - 8873.737).abs() < 1e-6 && (statistic - without_comm).abs() < 0.05);
    // The report: format conversions are 16.1% of compute time (1428.982 us of 8868.217 us).
    let report = report::build(
        &import,
        None,
        &ProfileOptions {
            top: 5,
            ai_core_num: None,
        },
    );
    assert_eq!(report.hotspots.len(), 5);
    assert_eq!(report.hotspots[0].op, "hcom_allReduce__586_0_1");
    let conversions: f64 = report
        .findings
        .iter()
        .filter(|f| f.rule == "transdata-overhead")
        .filter_map(|f| f.gain_us)
        .sum();
    assert!((conversions - 1428.982).abs() < 0.01, "{conversions}");
    assert!((1428.982 / profile.compute_us() - 0.1611).abs() < 1e-4);
    assert!(report.findings.iter().any(|f| f.rule == "dynamic-shape"));
    assert_eq!(report.skipped_checks[0].rule, "block-dim");
}
