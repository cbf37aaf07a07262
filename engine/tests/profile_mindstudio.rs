//! MindStudio 2.x exports (Ascend 310, CANN 20.x): every JSON table of the export read by content
//! into the one profile model. Fixtures are written here in the real structure (single-line JSON
//! `{"status", "info", "data"}` as MindStudio writes them, under names that say nothing, since
//! files are recognised by content); the real export under `shared/samples/profiling/
//! mindstudio-310-derain` is checked when present, against numbers computed once with Python's
//! `json` module and written here as literals.

use std::path::PathBuf;

use expect_test::{expect, Expect};
use opscope_engine::ir::{DType, Dim, GraphBuilder, Model, ModelFormat, Node, Shape};
use opscope_engine::profile::{
    import_profile, join, CoreCount, Pipe, ProfileImport, SourceKind, Unit,
};
use opscope_engine::report::profile::{self as report, ProfileOptions};
use opscope_engine::InputFile;

/// `timeline_ts_0.json`: stream 2 runs conv_cafe (task 4) and trans_Cast_3 (task 5) twice each on
/// the AI Core and pow_1 (task 6) once on the AI CPU; a waiting entry (whose start lies long
/// before the run, as in the real export), a model execute task spanning the kernels and a
/// maintenance task on stream 0 are bookkeeping.
const TIMELINE_TS: &str = r#"{"status": 0, "info": "", "data": {"stream task": {"stream2": {"AI Core task": [{"task": 4, "status": "running", "start": 100.0001, "end": 100.0002, "task_type": "kernel AI core task", "opname": "conv_cafe", "kernel_function": "-1_0_1_conv_cafe", "streamid": 2}, {"task": 4, "status": "waiting", "start": 90.5, "end": 101.0001, "task_type": "kernel AI core task", "streamid": 2}, {"task": 5, "status": "running", "start": 100.0002, "end": 100.00025, "task_type": "kernel AI core task", "opname": "trans_Cast_3", "kernel_function": "-1_0_1_trans_Cast_3", "streamid": 2}, {"task": 4, "status": "running", "start": 101.0001, "end": 101.00022, "task_type": "kernel AI core task", "opname": "conv_cafe", "kernel_function": "-1_0_1_conv_cafe", "streamid": 2}, {"task": 5, "status": "running", "start": 101.00022, "end": 101.00027, "task_type": "kernel AI core task", "opname": "trans_Cast_3", "kernel_function": "-1_0_1_trans_Cast_3", "streamid": 2}], "AI CPU task": [{"task": 6, "status": "running", "start": 100.0003, "end": 100.0009, "task_type": "kernel AI cpu task", "opname": "pow_1", "kernel_function": "pow_1", "streamid": 2}], "Other task": [{"task": 0, "status": "running", "start": 100.0, "end": 100.001, "task_type": "model execute task", "streamid": 2}]}, "stream0": {"AI Core task": [], "AI CPU task": [], "Other task": [{"task": 2, "status": "waiting", "start": 99.99999, "end": 100.0, "task_type": "maintenance task", "streamid": 0}, {"task": 2, "status": "running", "start": 100.0, "end": 100.000002, "task_type": "maintenance task", "streamid": 0}]}}}}"#;

/// `summary_ts_0.json`: the same tasks per task id, plus bookkeeping rows.
const SUMMARY_TS: &str = r#"{"status": 0, "info": "", "data": {"table": [{"Time(%)": 31.2175, "Time(ns)": 600000, "Count": 1, "Avg(ns)": 600000, "Min(ns)": 600000, "Max(ns)": 600000, "Waiting(ns)": 0, "Running(ns)": 600000, "Pending(ns)": 0, "Type": "kernel AI cpu task", "API": "KernelLaunch", "Task": 6, "Stream": 2, "NPU": "0"}, {"Time(%)": 11.4464, "Time(ns)": 220000, "Count": 2, "Avg(ns)": 110000, "Min(ns)": 100000, "Max(ns)": 120000, "Waiting(ns)": 0, "Running(ns)": 220000, "Pending(ns)": 0, "Type": "kernel AI core task", "API": "KernelLaunch", "Task": 4, "Stream": 2, "NPU": "0"}, {"Time(%)": 5.2029, "Time(ns)": 100000, "Count": 2, "Avg(ns)": 50000, "Min(ns)": 50000, "Max(ns)": 50000, "Waiting(ns)": 0, "Running(ns)": 100000, "Pending(ns)": 0, "Type": "kernel AI core task", "API": "KernelLaunch", "Task": 5, "Stream": 2, "NPU": "0"}, {"Time(%)": 52.0291, "Time(ns)": 1000000, "Count": 1, "Avg(ns)": 1000000, "Min(ns)": 1000000, "Max(ns)": 1000000, "Waiting(ns)": 0, "Running(ns)": 1000000, "Pending(ns)": 0, "Type": "model execute task", "API": "ModelExecute", "Task": 0, "Stream": 2, "NPU": "0"}, {"Time(%)": 0.1041, "Time(ns)": 2000, "Count": 1, "Avg(ns)": 2000, "Min(ns)": 2000, "Max(ns)": 2000, "Waiting(ns)": 10000, "Running(ns)": 2000, "Pending(ns)": 0, "Type": "maintenance task", "API": "", "Task": 2, "Stream": 0, "NPU": "0"}], "total_count": 5}}"#;

/// `summary_aicore_0.json` (documented, not shipped with the sample): a `total` row first, then
/// one row per AI Core task; 680 cycles per µs.
const SUMMARY_AICORE: &str = r#"{"status": 0, "info": "", "data": {"table": [{"Task": "total", "Stream": "N/A", "Op Name": "N/A", "total_time(ms)": 0.32, "total_cycles": 217600, "vec_ratio": 0.2, "mac_ratio": 0.25, "scalar_ratio": 0.06, "mte1_ratio": 0.08, "mte2_ratio": 0.5, "mte3_ratio": 0.22, "icache_miss_rate": 0.012, "memory_bound": 2.0}, {"Task": 4, "Stream": 2, "Op Name": "conv_cafe", "total_time(ms)": 0.22, "total_cycles": 149600, "vec_ratio": 0.1, "mac_ratio": 0.3, "scalar_ratio": 0.05, "mte1_ratio": 0.1, "mte2_ratio": 0.6, "mte3_ratio": 0.2, "icache_miss_rate": 0.01, "memory_bound": 2.0}, {"Task": 5, "Stream": 2, "Op Name": "trans_Cast_3", "total_time(ms)": 0.1, "total_cycles": 68000, "vec_ratio": 0.5, "mac_ratio": 0, "scalar_ratio": 0.1, "mte1_ratio": 0, "mte2_ratio": 0.3, "mte3_ratio": 0.3, "icache_miss_rate": 0.02, "memory_bound": 0.6}], "total_count": [[2]]}}"#;

/// `op_time_statistic_0.json` (documented, not shipped: the sample's copy is an error stub).
const OP_TIME_STATISTIC: &str = r#"{"status": 0, "info": "", "data": {"table": [{"Op Name": "conv_cafe", "Core Type": "AICore", "Count": 2, "Total Cycles": 149600, "Min Cycle": 68000, "Avg Cycle": 74800, "Max Cycle": 81600, "Ratio": "23.91%"}, {"Op Name": "trans_Cast_3", "Core Type": "AICore", "Count": 2, "Total Cycles": 68000, "Min Cycle": 34000, "Avg Cycle": 34000, "Max Cycle": 34000, "Ratio": "10.87%"}, {"Op Name": "pow_1", "Core Type": "AICPU", "Count": 1, "Total Cycles": 408000, "Min Cycle": 408000, "Avg Cycle": 408000, "Max Cycle": 408000, "Ratio": "65.22%"}]}}"#;

/// The real sample's `op_time_statistic_0.json`, byte for byte.
const ERROR_STUB: &str = r#"{"status":1,"info":"Parse op statistic data failed!"}"#;

const SAMPLE: &str = r#"{"status": 0, "info": "", "data": {"table": [{"AI Core Metrics": "total_time(ms)", "Core0": 3.5, "Core1": 2.5, "Average": 3.0}, {"AI Core Metrics": "vec_ratio", "Core0": 0.3, "Core1": 0.2, "Average": 0.25}, {"AI Core Metrics": "mac_ratio", "Core0": 0.4, "Core1": 0.2, "Average": 0.3}, {"AI Core Metrics": "mte2_ratio", "Core0": 0.6, "Core1": 0.5, "Average": 0.55}], "total_count": [[92]]}}"#;

const DEVICES: &str = r#"{"status": 0, "data": ["0"]}"#;

const GE: &str = r#"{"status": 0, "info": "", "data": {"GE": [{"Model Name": "model3", "Model ID": 1, "Data Index": 0, "Request ID": 0, "Duration Type": "input", "Start": 100.0, "End": 100.00001}, {"Model Name": "model3", "Model ID": 1, "Data Index": 0, "Request ID": 0, "Duration Type": "infer", "Start": 100.00001, "End": 100.001}]}}"#;

const COLLECTION: &str = r#"{"status": 0, "info": "", "data": {"Elapsed Time": "1.500 s", "Result Size": "0.1 MB", "Collection start time": "2020-10-05 06:46:20.425488", "Collection end time": "2020-10-05 06:46:21.925488"}}"#;

const RUNTIME_SUMMARY: &str = r#"{"status": 0, "info": "", "data": {"table": [{"Name": "KernelLaunch", "Stream ID": 2, "Time(%)": 50.0, "Time(ns)": 1000, "Calls": 3, "Avg(ns)": 333, "Min(ns)": 300, "Max(ns)": 400}], "total_count": [[1]]}}"#;

fn files(list: &[(&str, &str)]) -> Vec<InputFile> {
    list.iter()
        .map(|(name, text)| InputFile::new(*name, text.as_bytes().to_vec()))
        .collect()
}

fn read(list: &[(&str, &str)]) -> ProfileImport {
    import_profile(&files(list))
}

fn opt<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

fn num(value: Option<f64>) -> String {
    value
        .map(|v| format!("{v:.3}"))
        .unwrap_or_else(|| "-".into())
}

/// Sources, device, tasks (with PMU), statistics, core samples, totals, issues and errors.
fn render(import: &ProfileImport) -> String {
    let profile = &import.profile;
    let mut out = String::new();
    for source in &profile.sources {
        out.push_str(&format!(
            "source {} {} rows={} used={}{}\n",
            source.file,
            source.kind.id(),
            source.rows,
            source.used,
            if source.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", source.note)
            }
        ));
    }
    let device = &profile.device;
    if device.file.is_some() || device.device_count.is_some() {
        out.push_str(&format!(
            "device cores={} ({}) devices={}\n",
            opt(device.ai_core_num),
            profile.ai_core_count().source(),
            opt(device.device_count)
        ));
    }
    for task in &profile.tasks {
        let s = |sym| profile.str(sym);
        out.push_str(&format!(
            "task L{} {} [{}] {}→{} start={} dur={} stream={} task={}",
            task.line,
            s(task.name),
            s(task.op_type),
            s(task.task_type),
            task.unit.id(),
            num(task.start_us),
            num(Some(task.duration_us)),
            opt(task.stream_id),
            opt(task.task_id),
        ));
        if let Some(pmu) = profile.task_pmu(task) {
            out.push_str(&format!(
                " pmu mac={} vec={} mte2={} bound={}",
                num(pmu.ratio(Pipe::Mac)),
                num(pmu.ratio(Pipe::Vec)),
                num(pmu.ratio(Pipe::Mte2)),
                num(pmu.memory_bound()),
            ));
        }
        out.push('\n');
    }
    for stat in &profile.op_statistics {
        out.push_str(&format!(
            "stat {} [{}] {}→{} count={} total={} min={} avg={} max={} ratio={} ids={:?}\n",
            stat.op,
            stat.op_type,
            stat.core_type,
            stat.unit.id(),
            stat.count,
            num(stat.total_us),
            num(stat.min_us),
            num(stat.avg_us),
            num(stat.max_us),
            opt(stat.ratio_pct),
            stat.task_ids,
        ));
    }
    for core in &profile.core_samples {
        let metrics: Vec<String> = core
            .metrics
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        out.push_str(&format!("core {} {}\n", core.core, metrics.join(" ")));
    }
    let units: Vec<String> = profile
        .unit_totals()
        .iter()
        .map(|(unit, us)| format!("{}={us:.3}", unit.id()))
        .collect();
    out.push_str(&format!(
        "total={:.3} units {} by={}\n",
        profile.total_us(),
        units.join(" "),
        if profile.ops_are_types() {
            "type"
        } else {
            "op"
        }
    ));
    for issue in &import.issues {
        out.push_str(&format!("issue {issue}\n"));
    }
    for error in &import.errors {
        out.push_str(&format!("error {error}\n"));
    }
    out
}

fn check(list: &[(&str, &str)], expected: Expect) {
    expected.assert_eq(&render(&read(list)));
}

#[test]
fn timeline_ts_gives_one_task_per_kernel_run() {
    check(
        &[("a.json", TIMELINE_TS)],
        expect![[r#"
            source a.json mindstudio_timeline_ts rows=5 used=true (5 task runs (AI Core 4, AI CPU 1); not counted: 2 waiting entries (queue time, not run time); 2 runs of bookkeeping tasks (maintenance task 1, model execute task 1; a model execute task spans the kernels it runs))
            task L1 conv_cafe [] kernel AI core task→ai_core start=100000100.000 dur=100.000 stream=2 task=4
            task L3 trans_Cast_3 [Cast] kernel AI core task→ai_core start=100000200.000 dur=50.000 stream=2 task=5
            task L4 conv_cafe [] kernel AI core task→ai_core start=101000100.000 dur=120.000 stream=2 task=4
            task L5 trans_Cast_3 [Cast] kernel AI core task→ai_core start=101000220.000 dur=50.000 stream=2 task=5
            task L6 pow_1 [] kernel AI cpu task→ai_cpu start=100000300.000 dur=600.000 stream=2 task=6
            total=920.000 units ai_core=320.000 ai_cpu=600.000 by=op
        "#]],
    );
}

#[test]
fn summary_ts_alone_gives_per_task_statistics_named_by_id() {
    check(
        &[("b.json", SUMMARY_TS)],
        expect![[r#"
            source b.json mindstudio_summary_ts rows=5 used=true (3 kernel tasks as per-task statistics, 0 named from the timeline or AI Core metrics; 2 bookkeeping tasks not counted (maintenance task 1, model execute task 1))
            stat stream 2 task 6 [] kernel AI cpu task→ai_cpu count=1 total=600.000 min=600.000 avg=600.000 max=600.000 ratio=31.2175 ids=[6]
            stat stream 2 task 4 [] kernel AI core task→ai_core count=2 total=220.000 min=100.000 avg=110.000 max=120.000 ratio=11.4464 ids=[4]
            stat stream 2 task 5 [] kernel AI core task→ai_core count=2 total=100.000 min=50.000 avg=50.000 max=50.000 ratio=5.2029 ids=[5]
            total=920.000 units ai_core=320.000 ai_cpu=600.000 by=op
        "#]],
    );
}

#[test]
fn the_whole_export_joins_by_stream_and_task_id() {
    // Timeline tasks carry the AI Core metrics' PMU ratios; summary_ts rows take the timeline's
    // names; op_time_statistic is not counted again; the sample gives the core count and the
    // failed export is skipped with MindStudio's reason.
    check(
        &[
            ("1.json", TIMELINE_TS),
            ("2.json", SUMMARY_TS),
            ("3.json", SUMMARY_AICORE),
            ("4.json", OP_TIME_STATISTIC),
            ("5.json", SAMPLE),
            ("6.json", DEVICES),
            ("7.json", ERROR_STUB),
        ],
        expect![[r#"
            source 1.json mindstudio_timeline_ts rows=5 used=true (5 task runs (AI Core 4, AI CPU 1); not counted: 2 waiting entries (queue time, not run time); 2 runs of bookkeeping tasks (maintenance task 1, model execute task 1; a model execute task spans the kernels it runs))
            source 2.json mindstudio_summary_ts rows=5 used=true (3 kernel tasks as per-task statistics, 3 named from the timeline or AI Core metrics; 2 bookkeeping tasks not counted (maintenance task 1, model execute task 1))
            source 3.json mindstudio_ai_core_metrics rows=3 used=true (2 tasks; marks them as AI Core tasks (the tuning guide's Task ID rule); PMU ratios joined by stream and task id to 4 timeline runs of 2 tasks; implies 680.0 cycles per µs (total_cycles / total_time of its `total` row))
            source 4.json mindstudio_op_time_statistic rows=3 used=true (not counted: summary_ts holds the same ops per task, in ns)
            source 5.json mindstudio_ai_core_sample rows=4 used=true (sample-mode AI Core metrics of 2 cores (Core0, Core1, Average); gives the AI Core count)
            source 6.json mindstudio_devices rows=1 used=true (1 device profiled (ids 0))
            source 7.json mindstudio_op_time_statistic rows=0 used=false (MindStudio could not export this table (status 1: "Parse op statistic data failed!"); skipped, nothing to read)
            device cores=2 (per-core columns of 5.json) devices=1
            task L1 conv_cafe [] kernel AI core task→ai_core start=100000100.000 dur=100.000 stream=2 task=4 pmu mac=0.300 vec=0.100 mte2=0.600 bound=2.000
            task L3 trans_Cast_3 [Cast] kernel AI core task→ai_core start=100000200.000 dur=50.000 stream=2 task=5 pmu mac=0.000 vec=0.500 mte2=0.300 bound=0.600
            task L4 conv_cafe [] kernel AI core task→ai_core start=101000100.000 dur=120.000 stream=2 task=4 pmu mac=0.300 vec=0.100 mte2=0.600 bound=2.000
            task L5 trans_Cast_3 [Cast] kernel AI core task→ai_core start=101000220.000 dur=50.000 stream=2 task=5 pmu mac=0.000 vec=0.500 mte2=0.300 bound=0.600
            task L6 pow_1 [] kernel AI cpu task→ai_cpu start=100000300.000 dur=600.000 stream=2 task=6
            stat pow_1 [] kernel AI cpu task→ai_cpu count=1 total=600.000 min=600.000 avg=600.000 max=600.000 ratio=31.2175 ids=[6]
            stat conv_cafe [] kernel AI core task→ai_core count=2 total=220.000 min=100.000 avg=110.000 max=120.000 ratio=11.4464 ids=[4]
            stat trans_Cast_3 [Cast] kernel AI core task→ai_core count=2 total=100.000 min=50.000 avg=50.000 max=50.000 ratio=5.2029 ids=[5]
            core Core0 total_time(ms)=3.5 vec_ratio=0.3 mac_ratio=0.4 mte2_ratio=0.6
            core Core1 total_time(ms)=2.5 vec_ratio=0.2 mac_ratio=0.2 mte2_ratio=0.5
            core Average total_time(ms)=3 vec_ratio=0.25 mac_ratio=0.3 mte2_ratio=0.55
            total=920.000 units ai_core=320.000 ai_cpu=600.000 by=op
            issue 7.json: MindStudio could not export this table (status 1: "Parse op statistic data failed!"); skipped, nothing to read
        "#]],
    );
}

#[test]
fn op_time_statistic_turns_cycles_into_time_with_the_implied_clock() {
    // Without the timeline and summary_ts, op_time_statistic gives the per-op statistics; its
    // cycles become µs at the clock summary_aicore implies (217600 cycles / 320 µs = 680).
    check(
        &[("x.json", OP_TIME_STATISTIC), ("y.json", SUMMARY_AICORE)],
        expect![[r#"
            source x.json mindstudio_op_time_statistic rows=3 used=true (cycles turned into µs at 680.0 cycles per µs, the clock y.json implies (total_cycles / total_time))
            source y.json mindstudio_ai_core_metrics rows=3 used=true (2 tasks; marks them as AI Core tasks (the tuning guide's Task ID rule); implies 680.0 cycles per µs (total_cycles / total_time of its `total` row))
            stat conv_cafe [] AICore→ai_core count=2 total=220.000 min=100.000 avg=110.000 max=120.000 ratio=23.91 ids=[]
            stat trans_Cast_3 [Cast] AICore→ai_core count=2 total=100.000 min=50.000 avg=50.000 max=50.000 ratio=10.87 ids=[]
            stat pow_1 [] AICPU→ai_cpu count=1 total=600.000 min=600.000 avg=600.000 max=600.000 ratio=65.22 ids=[]
            total=920.000 units ai_core=320.000 ai_cpu=600.000 by=op
            issue x.json: 1 AI CPU ops: their cycles are turned into time at the AI Core clock of y.json; the export gives no AI CPU clock, so their times are approximate
        "#]],
    );
    // Alone it has no clock: counts and ratios only, with a warning.
    check(
        &[("x.json", OP_TIME_STATISTIC)],
        expect![[r#"
            source x.json mindstudio_op_time_statistic rows=3 used=true (cycles only: no clock to turn them into time)
            stat conv_cafe [] AICore→ai_core count=2 total=- min=- avg=- max=- ratio=23.91 ids=[]
            stat trans_Cast_3 [Cast] AICore→ai_core count=2 total=- min=- avg=- max=- ratio=10.87 ids=[]
            stat pow_1 [] AICPU→ai_cpu count=1 total=- min=- avg=- max=- ratio=65.22 ids=[]
            total=0.000 units  by=op
            issue x.json: op times unknown: the table counts cycles and no summary_aicore_N.json (total_cycles / total_time) gives the clock; give it too
        "#]],
    );
}

#[test]
fn summary_aicore_alone_gives_ai_core_statistics() {
    check(
        &[("m.json", SUMMARY_AICORE)],
        expect![[r#"
            source m.json mindstudio_ai_core_metrics rows=3 used=true (2 tasks; marks them as AI Core tasks (the tuning guide's Task ID rule); implies 680.0 cycles per µs (total_cycles / total_time of its `total` row); its task times are the per-op statistics (run counts unknown without the timeline))
            stat conv_cafe [] AI Core (task in AI Core Metrics)→ai_core count=0 total=220.000 min=- avg=- max=- ratio=- ids=[4]
            stat trans_Cast_3 [Cast] AI Core (task in AI Core Metrics)→ai_core count=0 total=100.000 min=- avg=- max=- ratio=- ids=[5]
            total=320.000 units ai_core=320.000 by=op
        "#]],
    );
}

#[test]
fn ai_core_metrics_task_ids_decide_units_of_untyped_tasks() {
    // The tuning guide's rule on summary_ts rows whose type names no unit: a task listed in the
    // AI Core metrics ran on the AI Core.
    let summary = SUMMARY_TS.replace(
        r#""Type": "kernel AI core task", "API": "KernelLaunch", "Task": 5"#,
        r#""Type": "", "API": "KernelLaunch", "Task": 5"#,
    );
    let import = read(&[("s.json", summary.as_str()), ("m.json", SUMMARY_AICORE)]);
    let stat = import
        .profile
        .op_statistics
        .iter()
        .find(|s| s.task_ids == [5])
        .map(|s| (s.op.as_str(), s.unit));
    assert_eq!(stat, Some(("trans_Cast_3", Unit::AiCore)));
    // The CSV Op Statistic of the guide takes its units from the JSON AI Core metrics too.
    let ops = "Op Name,Op Type,Task IDs,Count,Total Time(us)\nconv_cafe,Conv2D,4,2,220\npow_1,Pow,6,1,600\n";
    let import = import_profile(&[
        InputFile::new("op_statistic.csv", ops.as_bytes().to_vec()),
        InputFile::new("m.json", SUMMARY_AICORE.as_bytes().to_vec()),
    ]);
    let units: Vec<(&str, Unit)> = import
        .profile
        .op_statistics
        .iter()
        .filter(|s| s.op_type == "Conv2D" || s.op_type == "Pow")
        .map(|s| (s.op.as_str(), s.unit))
        .collect();
    assert_eq!(units, [("conv_cafe", Unit::AiCore), ("pow_1", Unit::AiCpu)]);
}

#[test]
fn ai_core_metrics_without_stream_ids_match_task_ids_on_any_stream() {
    let metrics = SUMMARY_AICORE
        .replace(r#""Stream": 2, "#, "")
        .replace(r#""Stream": "N/A", "#, "");
    assert!(!metrics.contains("Stream"));
    let import = read(&[("t.json", TIMELINE_TS), ("m.json", metrics.as_str())]);
    let profile = &import.profile;
    let joined: Vec<(&str, Option<f64>)> = profile
        .tasks
        .iter()
        .map(|t| {
            let bound = profile.task_pmu(t).and_then(|p| p.memory_bound());
            (profile.str(t.name), bound)
        })
        .collect();
    assert_eq!(
        joined,
        [
            ("conv_cafe", Some(2.0)),
            ("trans_Cast_3", Some(0.6)),
            ("conv_cafe", Some(2.0)),
            ("trans_Cast_3", Some(0.6)),
            ("pow_1", None),
        ]
    );
}

#[test]
fn metadata_files_are_recognised_and_skipped_with_a_reason() {
    check(
        &[
            ("g.json", GE),
            ("c.json", COLLECTION),
            ("r.json", RUNTIME_SUMMARY),
            ("d.json", DEVICES),
        ],
        expect![[r#"
            source g.json mindstudio_metadata rows=2 used=false (MindStudio: the GE timeline (model input / infer / output spans on the host); recognised, not used by opscope (no device task times))
            source c.json mindstudio_metadata rows=4 used=false (MindStudio: the collection summary (elapsed 1.500 s); recognised, not used by opscope (no device task times))
            source r.json mindstudio_metadata rows=1 used=false (MindStudio: the runtime API summary (host calls per API); recognised, not used by opscope (no device task times))
            source d.json mindstudio_devices rows=1 used=true (1 device profiled (ids 0))
            device cores=- (unknown) devices=1
            total=0.000 units  by=op
            issue g.json: MindStudio: the GE timeline (model input / infer / output spans on the host); recognised, not used by opscope (no device task times)
            issue c.json: MindStudio: the collection summary (elapsed 1.500 s); recognised, not used by opscope (no device task times)
            issue r.json: MindStudio: the runtime API summary (host calls per API); recognised, not used by opscope (no device task times)
        "#]],
    );
    // The error stub alone: skipped with MindStudio's reason, not an error.
    check(
        &[("op_time_statistic_0.json", ERROR_STUB)],
        expect![[r#"
            source op_time_statistic_0.json mindstudio_op_time_statistic rows=0 used=false (MindStudio could not export this table (status 1: "Parse op statistic data failed!"); skipped, nothing to read)
            total=0.000 units  by=op
            issue op_time_statistic_0.json: MindStudio could not export this table (status 1: "Parse op statistic data failed!"); skipped, nothing to read
        "#]],
    );
    // An empty table: its kind guessed from the name, skipped.
    check(
        &[(
            "summary_ts_1.json",
            r#"{"status": 0, "info": "", "data": {"table": [], "total_count": 0}}"#,
        )],
        expect![[r#"
            source summary_ts_1.json mindstudio_summary_ts rows=0 used=false (an empty MindStudio table (no rows))
            total=0.000 units  by=op
            issue summary_ts_1.json: no rows in this MindStudio table
        "#]],
    );
}

/// x [1,3,8,8] → conv_cafe (Conv) → y [1,8,8,8] fp16 → pow_1 (Pow) → z [1,8,8,8] fp32: a Cast
/// between them is where GE would insert trans_Cast_3.
fn model() -> Model {
    let mut b = GraphBuilder::new("net");
    let ids: Vec<usize> = ["x", "y", "z"].iter().map(|n| b.tensor(n)).collect();
    let dims = |d: &[i64]| Shape(d.iter().map(|v| Dim::Known(*v)).collect());
    for (id, (shape, dtype)) in ids.iter().zip([
        (dims(&[1, 3, 8, 8]), DType::F16),
        (dims(&[1, 8, 8, 8]), DType::F16),
        (dims(&[1, 8, 8, 8]), DType::F32),
    ]) {
        let tensor = b.tensor_mut(*id);
        tensor.shape = Some(shape);
        tensor.dtype = dtype;
    }
    let node = |name: &str, op: &str, input: usize, output: usize| Node {
        name: name.into(),
        op_type: op.into(),
        inputs: vec![Some(input)],
        outputs: vec![output],
        ..Node::default()
    };
    b.add_node(node("conv_cafe", "Conv", ids[0], ids[1]));
    b.add_node(node("pow_1", "Pow", ids[1], ids[2]));
    let mut graph = b.finish();
    graph.inputs = vec![ids[0]];
    graph.outputs = vec![ids[2]];
    Model {
        format: ModelFormat::Onnx,
        name: "net".into(),
        metadata: Vec::new(),
        opsets: Vec::new(),
        graph,
        functions: Vec::new(),
        warnings: Vec::new(),
    }
}

#[test]
fn hotspots_units_findings_and_the_join_work_as_on_msprof_files() {
    let import = read(&[
        ("1.json", TIMELINE_TS),
        ("2.json", SUMMARY_TS),
        ("3.json", SUMMARY_AICORE),
        ("5.json", SAMPLE),
    ]);
    let model = model();
    let joined = join(&import.profile, &model);
    let options = ProfileOptions {
        top: 10,
        ai_core_num: None,
    };
    let report = report::build(&import, Some(&joined), &options);
    assert_eq!(report.hotspots_by, "op");
    let spots: Vec<(&str, &str, u64, f64)> = report
        .hotspots
        .iter()
        .map(|h| (h.op.as_str(), h.unit, h.count, h.total_us))
        .collect();
    assert_eq!(
        spots,
        [
            ("pow_1", "ai_cpu", 1, 600.0),
            ("conv_cafe", "ai_core", 2, 220.0),
            ("trans_Cast_3", "ai_core", 2, 100.0),
        ]
    );
    // memory_bound from the joined PMU ratios (the file's column: 2.0 for conv_cafe).
    assert_eq!(report.hotspots[1].memory_bound, Some(2.0));
    let units = serde_json::to_value(&report.units).unwrap_or_default();
    assert_eq!(
        units,
        serde_json::json!({"ai_core": 320.0, "ai_cpu": 600.0})
    );
    assert_eq!(report.ai_core_num, Some(2));
    assert_eq!(report.ai_core_num_source, "per-core columns of 5.json");
    assert_eq!(report.core_samples.len(), 3);
    // The AI CPU op and the memory-bound conv are findings, as with an op_summary.
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"aicpu-op"), "{rules:?}");
    assert!(rules.contains(&"memory-bound"), "{rules:?}");
    // The join: conv_cafe and pow_1 are nodes, trans_Cast_3 is an inserted Cast.
    assert_eq!(
        joined.nodes_of("conv_cafe"),
        Some(&["conv_cafe".to_string()][..])
    );
    assert_eq!(joined.nodes_of("pow_1"), Some(&["pow_1".to_string()][..]));
    assert_eq!(joined.inserted.len(), 1);
    assert_eq!(joined.inserted[0].op, "trans_Cast_3");
    assert!(
        (joined.matched_us - 820.0).abs() < 1e-6,
        "{}",
        joined.matched_us
    );
    // Statistics alone (no timeline) are per op name too, so the join still runs on names.
    let stats_only = import_profile(&files(&[
        ("2.json", SUMMARY_TS),
        ("3.json", SUMMARY_AICORE),
    ]));
    assert!(!stats_only.profile.ops_are_types());
    let joined = join(&stats_only.profile, &model);
    assert_eq!(
        joined.nodes_of("conv_cafe"),
        Some(&["conv_cafe".to_string()][..])
    );
    let json = serde_json::to_value(report::build(&stats_only, Some(&joined), &options))
        .unwrap_or_default();
    assert_eq!(json["hotspots_by"], "op");
    assert_eq!(json["hotspots"][0]["op"], "stream 2 task 6");
}

#[test]
fn bad_input_gives_located_errors_and_keeps_what_came_before() {
    let errors = |import: &ProfileImport| -> Vec<String> {
        import.errors.iter().map(ToString::to_string).collect()
    };
    let issues = |import: &ProfileImport| -> Vec<String> {
        import.issues.iter().map(ToString::to_string).collect()
    };
    // Cut inside the fourth entry: the three before it stay (two runs and a waiting entry).
    let cut = TIMELINE_TS
        .match_indices("{\"task\"")
        .nth(3)
        .map(|(at, _)| at + 20)
        .unwrap_or(0);
    let import = import_profile(&[InputFile::new(
        "timeline_ts_0.json",
        TIMELINE_TS.as_bytes()[..cut].to_vec(),
    )]);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert_eq!(import.profile.tasks.len(), 2);
    assert_eq!(
        issues(&import),
        ["timeline_ts_0.json: the JSON stops being valid at line 1, column 590 (EOF while parsing an object at line 1 column 590); the 3 entries before it were kept"]
    );
    // Cut before any entry: an error naming the file, line and column.
    let import = import_profile(&[InputFile::new(
        "timeline_ts_0.json",
        TIMELINE_TS.as_bytes()[..60].to_vec(),
    )]);
    assert_eq!(
        errors(&import),
        ["timeline_ts_0.json: invalid MindStudio JSON at line 1, column 60: EOF while parsing an object at line 1 column 60"]
    );
    // Wrong types where the structure is fixed: located errors.
    let import = import_profile(&[InputFile::new(
        "t.json",
        br#"{"status": 0, "info": "", "data": {"stream task": [1, 2]}}"#.to_vec(),
    )]);
    assert_eq!(
        errors(&import),
        ["t.json: invalid MindStudio JSON at line 1, column 50: invalid type: sequence, expected an object of streams (`stream0`, `stream1`, ...) at data[\"stream task\"] at line 1 column 50"]
    );
    let import = import_profile(&[InputFile::new(
        "s.json",
        br#"{"status": 0, "info": "", "data": {"table": {"Task": 1}}}"#.to_vec(),
    )]);
    assert_eq!(
        errors(&import),
        ["s.json: invalid MindStudio JSON at line 1, column 44: invalid type: map, expected an array of row objects at data.table at line 1 column 44"]
    );
    // Wrong types in entries and cells: the entry or row is skipped with its path, the rest kept.
    let bad = TIMELINE_TS
        .replacen(r#""end": 100.0002"#, r#""end": "soon""#, 1)
        .replacen(r#""task": 6"#, r#""task": true"#, 1);
    let import = read(&[("t.json", bad.as_str())]);
    assert_eq!(import.profile.tasks.len(), 3);
    assert_eq!(
        issues(&import),
        [
            "t.json: data[\"stream task\"][\"stream2\"][\"AI Core task\"][0]: `start` or `end` is missing or not a number (seconds); entry skipped",
            "t.json: data[\"stream task\"][\"stream2\"][\"AI CPU task\"][0]: `task` is missing or not a task id; entry skipped",
        ]
    );
    let bad = SUMMARY_TS
        .replacen(r#""Time(ns)": 220000"#, r#""Time(ns)": "lots""#, 1)
        .replacen(r#""Count": 2"#, r#""Count": [2]"#, 1)
        .replacen(r#""Task": 6"#, r#""Task": -6"#, 1);
    let import = read(&[("s.json", bad.as_str())]);
    assert_eq!(
        import
            .profile
            .op_statistics
            .iter()
            .map(|s| (s.task_ids[0], s.count))
            .collect::<Vec<_>>(),
        [(5, 2)]
    );
    assert_eq!(
        issues(&import),
        [
            "s.json: data.table[0]: `Task`: expected a task id, found the number -6; row skipped",
            "s.json: data.table[1]: `Time(ns)`: expected a number, found `lots`; read as N/A",
            "s.json: data.table[1]: no `Time(ns)`; row skipped",
        ]
    );
    let bad = OP_TIME_STATISTIC.replacen(r#""Ratio": "23.91%""#, r#""Ratio": {"x": 1}"#, 1);
    let import = read(&[("o.json", bad.as_str()), ("m.json", SUMMARY_AICORE)]);
    assert_eq!(import.profile.op_statistics.len(), 3);
    assert_eq!(import.profile.op_statistics[0].ratio_pct, None);
    assert!(issues(&import)[0].starts_with(
        "o.json: data.table[0]: `Ratio`: expected a number, found an object; read as N/A"
    ));
    // A row that is not an object.
    let import = read(&[(
        "m.json",
        &SUMMARY_AICORE.replacen(r#"{"Task": 4,"#, r#""oops", {"Task": 4,"#, 1),
    )]);
    assert_eq!(
        issues(&import)[0],
        "m.json: data.table[1]: `oops` instead of a row object; row skipped"
    );
}

/// Deterministic pseudo-random bytes (xorshift64*).
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

const ALL: &[(&str, &str)] = &[
    ("timeline_ts_0.json", TIMELINE_TS),
    ("summary_ts_0.json", SUMMARY_TS),
    ("summary_aicore_0.json", SUMMARY_AICORE),
    ("op_time_statistic_0.json", OP_TIME_STATISTIC),
    ("op_time_statistic_1.json", ERROR_STUB),
    ("summary_aicore_sample_0.json", SAMPLE),
    ("devices.json", DEVICES),
    ("timeline_ge_0.json", GE),
    ("summary_collection.json", COLLECTION),
    ("summary_runtime_0.json", RUNTIME_SUMMARY),
];

#[test]
fn every_cut_and_corruption_is_handled_without_panic() {
    for (name, text) in ALL {
        let full = read(&[(name, text)]);
        assert!(full.errors.is_empty(), "{name}: {:?}", full.errors);
        assert_eq!(full.profile.sources.len(), 1, "{name}");
        let size = |i: &ProfileImport| i.profile.tasks.len() + i.profile.op_statistics.len();
        for cut in 0..text.len() {
            let part = import_profile(&[InputFile::new(*name, text.as_bytes()[..cut].to_vec())]);
            assert!(size(&part) <= size(&full), "{name} cut at {cut}");
            for error in &part.errors {
                assert!(error.to_string().starts_with(name), "{error}");
            }
        }
        // Random bytes after the first 40 characters, and bytes flipped in place.
        for seed in 0..40u64 {
            let mut data = text.as_bytes()[..40.min(text.len())].to_vec();
            data.extend(random_bytes(seed, 300));
            let part = import_profile(&[InputFile::new(*name, data)]);
            for error in &part.errors {
                assert!(error.to_string().starts_with(name), "{error}");
            }
            let mut data = text.as_bytes().to_vec();
            for (i, byte) in random_bytes(seed, 8).into_iter().enumerate() {
                let at = (usize::from(byte) * 131 + i * 977 + seed as usize * 31) % data.len();
                data[at] = byte;
            }
            let _ = import_profile(&[InputFile::new(*name, data)]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The real export

/// `shared/` next to the repository (a clone), or next to the folder of worktrees.
fn sample_dir() -> Option<PathBuf> {
    let engine = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        "../../shared/samples/profiling/mindstudio-310-derain",
        "../../../shared/samples/profiling/mindstudio-310-derain",
    ]
    .into_iter()
    .map(|relative| engine.join(relative))
    .find(|dir| dir.is_dir())
}

const SAMPLE_FILES: &[&str] = &[
    "ai_core_utilization_0.json",
    "devices.json",
    "op_time_statistic_0.json",
    "summary_aicore_sample_0.json",
    "summary_collection.json",
    "summary_runtime_0.json",
    "summary_ts_0.json",
    "summary_view.json",
    "timeline_acl_0.json",
    "timeline_ge_0.json",
    "timeline_maxtime.json",
    "timeline_runtime_0.json",
    "timeline_ts_0.json",
];

fn read_sample(dir: &std::path::Path, name: &str) -> InputFile {
    let data = std::fs::read(dir.join(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
    InputFile::new(name, data)
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-6 * expected.abs().max(1.0)
}

#[test]
fn the_real_derain_export_reads_whole() {
    let Some(dir) = sample_dir() else {
        return;
    };
    let files: Vec<InputFile> = SAMPLE_FILES.iter().map(|n| read_sample(&dir, n)).collect();
    let import = import_profile(&files);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    let profile = &import.profile;
    // What each file gives: (kind, rows, used).
    let sources: Vec<(&str, &str, usize, bool)> = profile
        .sources
        .iter()
        .map(|s| (s.file.as_str(), s.kind.id(), s.rows, s.used))
        .collect();
    assert_eq!(
        sources,
        [
            (
                "ai_core_utilization_0.json",
                "mindstudio_metadata",
                4050,
                false
            ),
            ("devices.json", "mindstudio_devices", 1, true),
            (
                "op_time_statistic_0.json",
                "mindstudio_op_time_statistic",
                0,
                false
            ),
            (
                "summary_aicore_sample_0.json",
                "mindstudio_ai_core_sample",
                8,
                true
            ),
            ("summary_collection.json", "mindstudio_metadata", 4, false),
            ("summary_runtime_0.json", "mindstudio_metadata", 16, false),
            ("summary_ts_0.json", "mindstudio_summary_ts", 350, true),
            ("summary_view.json", "mindstudio_metadata", 1, false),
            ("timeline_acl_0.json", "mindstudio_metadata", 250, false),
            ("timeline_ge_0.json", "mindstudio_metadata", 360, false),
            ("timeline_maxtime.json", "mindstudio_metadata", 3, false),
            ("timeline_runtime_0.json", "mindstudio_metadata", 927, false),
            ("timeline_ts_0.json", "mindstudio_timeline_ts", 6266, true),
        ]
    );
    // The stub is skipped with MindStudio's own reason; the other issues are the metadata notes.
    let issues: Vec<String> = import.issues.iter().map(ToString::to_string).collect();
    assert!(issues.contains(&"op_time_statistic_0.json: MindStudio could not export this table (status 1: \"Parse op statistic data failed!\"); skipped, nothing to read".to_string()), "{issues:?}");
    assert_eq!(issues.len(), 9, "{issues:?}");
    // Tasks: the 6266 running AI Core entries of stream 2 (Python: sum of (end - start) of the
    // `running` entries, 4809603.214263916 µs); 69 ops, each a task id.
    assert_eq!(profile.tasks.len(), 6266);
    assert!(
        close(profile.total_us(), 4_809_603.214_263_916),
        "{}",
        profile.total_us()
    );
    assert_eq!(profile.unit_totals().len(), 1);
    assert_eq!(profile.unit_totals()[0].0, Unit::AiCore);
    let ops = profile.ops();
    assert_eq!(ops.len(), 69);
    assert_eq!(
        (ops[0].op.as_str(), ops[0].count),
        ("block17_up/conv2d_transpose/conv2d_transpose", 91)
    );
    assert!(
        close(ops[0].total_us, 175_839.185_714_721_68),
        "{}",
        ops[0].total_us
    );
    assert!(close(
        ops[0].share,
        175_839.185_714_721_68 / 4_809_603.214_263_916
    ));
    assert_eq!(ops[1].op, "block17_up/concat");
    let shortest = profile
        .tasks
        .iter()
        .map(|t| t.duration_us)
        .fold(f64::INFINITY, f64::min);
    assert!(close(shortest, 7.867_813_110_351_562_5), "{shortest}");
    // GE-inserted conversions get their type from the name.
    let cast = profile
        .tasks
        .iter()
        .find(|t| profile.str(t.name) == "trans_Cast_25")
        .map(|t| profile.str(t.op_type));
    assert_eq!(cast, Some("Cast"));
    // summary_ts: 69 kernel rows (Time(ns) summed: 4809603826 ns), named from the timeline; the
    // counts agree with the timeline's runs (no issue about them).
    assert_eq!(profile.op_statistics.len(), 69);
    let stat_total: f64 = profile
        .op_statistics
        .iter()
        .filter_map(|s| s.total_us)
        .sum();
    assert!(close(stat_total, 4_809_603.826), "{stat_total}");
    let top = &profile.op_statistics[0];
    assert_eq!(
        (
            top.op.as_str(),
            top.count,
            top.total_us,
            top.task_ids.as_slice()
        ),
        (
            "block17_up/conv2d_transpose/conv2d_transpose",
            91,
            Some(175_838.84),
            &[35][..]
        )
    );
    assert!(profile.op_statistics.iter().all(|s| s.unit == Unit::AiCore));
    assert!(
        !issues.iter().any(|i| i.contains("run count")),
        "{issues:?}"
    );
    // The sample: 2 AI Cores (Core0, Core1) and the average.
    assert_eq!(
        profile.ai_core_count(),
        CoreCount::Counted(2, "per-core columns of summary_aicore_sample_0.json".into())
    );
    let cores: Vec<(&str, f64, Option<f64>)> = profile
        .core_samples
        .iter()
        .map(|c| {
            (
                c.core.as_str(),
                c.total_us().unwrap_or(0.0),
                c.ratio(Pipe::Mte2),
            )
        })
        .collect();
    let want = [
        ("Core0", 3_355_698.778, Some(0.580708)),
        ("Core1", 3_209_003.156, Some(0.582725)),
        ("Average", 3_282_350.967, Some(0.581716)),
    ];
    assert_eq!(cores.len(), want.len());
    for (got, want) in cores.iter().zip(want) {
        assert_eq!((got.0, got.2), (want.0, want.2));
        assert!(close(got.1, want.1), "{got:?}");
    }
    assert_eq!(profile.device.device_count, Some(1));
    // The report: hotspots and units as with msprof files.
    let report = report::build(
        &import,
        None,
        &ProfileOptions {
            top: 5,
            ai_core_num: None,
        },
    );
    assert_eq!(report.rows, 6266);
    assert_eq!(report.ops, 69);
    assert_eq!(report.hotspots_by, "op");
    assert_eq!(report.hotspots[0].total_us, 175_839.186);
    assert_eq!(report.ai_core_num, Some(2));
    assert_eq!(report.device_count, Some(1));
    assert_eq!(report.core_samples.len(), 3);
}

#[test]
fn every_real_file_reads_alone_by_content() {
    let Some(dir) = sample_dir() else {
        return;
    };
    for name in SAMPLE_FILES {
        // Named `x.json`: the content decides.
        let mut file = read_sample(&dir, name);
        file.name = "x.json".into();
        let import = import_profile(&[file]);
        assert!(import.errors.is_empty(), "{name}: {:?}", import.errors);
        assert_eq!(import.profile.sources.len(), 1, "{name}");
        let kind = import.profile.sources[0].kind;
        let expected = match *name {
            "devices.json" => SourceKind::MindStudioDevices,
            "summary_aicore_sample_0.json" => SourceKind::MindStudioAiCoreSample,
            "summary_ts_0.json" => SourceKind::MindStudioSummaryTs,
            "timeline_ts_0.json" => SourceKind::MindStudioTimelineTs,
            // The stub's kind comes from MindStudio's message ("Parse op statistic data").
            "op_time_statistic_0.json" => SourceKind::MindStudioOpTimeStatistic,
            _ => SourceKind::MindStudioMetadata,
        };
        assert_eq!(kind, expected, "{name}");
    }
    // summary_ts alone names its rows by task id; the top is task 35 of stream 2.
    let import = import_profile(&[read_sample(&dir, "summary_ts_0.json")]);
    let ops = import.profile.ops();
    assert_eq!(ops.len(), 69);
    assert_eq!(ops[0].op, "stream 2 task 35");
    assert!(close(ops[0].total_us, 175_838.84));
}
