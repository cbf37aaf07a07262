//! Importers on CSV/JSON fixtures in the real column layouts of each generation (ascend.md 1.3–1.8),
//! written here as strings, rendered to stable text and compared with `expect!`.

use expect_test::{expect, Expect};
use opscope_engine::profile::{import_profile, Pipe, ProfileImport, Unit};
use opscope_engine::InputFile;

fn files(list: &[(&str, &str)]) -> Vec<InputFile> {
    list.iter()
        .map(|(name, text)| InputFile::new(*name, text.as_bytes().to_vec()))
        .collect()
}

fn opt<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

fn ratio(value: Option<f64>) -> String {
    value
        .map(|v| format!("{v:.3}"))
        .unwrap_or_else(|| "-".into())
}

/// Sources, device, every task (name, type, task type → unit, start, duration, wait, block dims,
/// stream/task ids, shapes, PMU), op statistics, fusions, issues and errors.
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
    if device.file.is_some() {
        out.push_str(&format!(
            "device chip={} platform={} ai_core_num={} aiv_num={} freq={}\n",
            opt(device.chip),
            opt(device.platform_version.as_deref()),
            opt(device.ai_core_num),
            opt(device.aiv_num),
            opt(device.aic_frequency_mhz)
        ));
    }
    for task in &profile.tasks {
        let s = |sym| profile.str(sym);
        out.push_str(&format!(
            "task L{} {} [{}] {}→{} start={} dur={} wait={} block={}/{} stream={} task={} in={}|{}|{} out={}|{}|{}",
            task.line,
            s(task.name),
            s(task.op_type),
            s(task.task_type),
            task.unit.id(),
            opt(task.start_us),
            task.duration_us,
            opt(task.wait_us),
            opt(task.block_dim),
            opt(task.mix_block_dim),
            opt(task.stream_id),
            opt(task.task_id),
            s(task.input_shapes),
            s(task.input_dtypes),
            s(task.input_formats),
            s(task.output_shapes),
            s(task.output_dtypes),
            s(task.output_formats),
        ));
        if let Some(pmu) = profile.task_pmu(task) {
            out.push_str(&format!(
                " pmu mac={} vec={} mte2={} bound={} cube%={}",
                ratio(pmu.ratio(Pipe::Mac)),
                ratio(pmu.ratio(Pipe::Vec)),
                ratio(pmu.ratio(Pipe::Mte2)),
                ratio(pmu.memory_bound()),
                ratio(profile.cube_utilization_pct(task)),
            ));
        }
        out.push_str(&format!(" state={:?}\n", task.op_state));
    }
    for stat in &profile.op_statistics {
        out.push_str(&format!(
            "stat {} [{}] {}→{} count={} total={} avg={} ratio={} ids={:?}\n",
            stat.op,
            stat.op_type,
            stat.core_type,
            stat.unit.id(),
            stat.count,
            opt(stat.total_us),
            opt(stat.avg_us),
            opt(stat.ratio_pct),
            stat.task_ids
        ));
    }
    for fusion in &profile.fusions {
        out.push_str(&format!(
            "fusion {} <- {:?}\n",
            fusion.fused, fusion.originals
        ));
    }
    if !profile.tasks.is_empty() || !profile.op_statistics.is_empty() {
        let units: Vec<String> = profile
            .unit_totals()
            .iter()
            .map(|(unit, us)| format!("{}={us}", unit.id()))
            .collect();
        out.push_str(&format!(
            "total={} units {}\n",
            profile.total_us(),
            units.join(" ")
        ));
    }
    for issue in &import.issues {
        out.push_str(&format!("issue {issue}\n"));
    }
    for error in &import.errors {
        out.push_str(&format!("error {error}\n"));
    }
    out
}

fn check(list: &[(&str, &str)], expect: Expect) {
    let import = import_profile(&files(list));
    expect.assert_eq(&render(&import));
}

#[test]
fn op_summary_current_msprof_block_num_units_prefixed_metrics() {
    // msprof 2026 column order (op_summary_assembler.cpp), `Block Num`, A2 `aic_`/`aiv_` PMU
    // columns, quoted `;`-separated shapes with an empty scalar input, trailing TAB on the start.
    check(
        &[(
            "op_summary_20260101000000.csv",
            "Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Num,Mix Block Num,HF32 Eligible,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID,aicore_time(us),aic_total_cycles,aic_mac_ratio,aic_mte2_ratio,aiv_time(us),aiv_total_cycles,aiv_vec_ratio,aiv_mte2_ratio,cube_utilization(%)\n\
0,4294967295,11,2,MatMul_1,MatMulV2,static,AI_CORE,\"1736408883704643.212\t\",120.5,0,20,0,NO,\"\"\"128,256;256,64\"\"\",FLOAT16;FLOAT16,ND;ND,\"\"\"128,64\"\"\",FLOAT16,ND,N/A,118.2,4000000,0.81,0.35,0,0,0,0,77.1\n\
0,4294967295,12,2,Add_2,Add,static,AI_VECTOR_CORE,\"1736408883704800.000\t\",30,36.288,40,0,NO,\"\"\"128,64; ;128,64\"\"\",FLOAT16;FLOAT16;FLOAT16,ND;ND;ND,\"\"\"128,64\"\"\",FLOAT16,ND,N/A,0,0,0,0,29.5,900,0.2,0.6,N/A\n\
0,4294967295,N/A,N/A,hcom_allReduce__1_0,hcom_allReduce_,N/A,COMMUNICATION,1736408883705000,500,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n",
        )],
        expect![[r#"
            source op_summary_20260101000000.csv op_summary rows=3 used=true
            task L2 MatMul_1 [MatMulV2] AI_CORE→ai_core start=1736408883704643.3 dur=120.5 wait=0 block=20/0 stream=2 task=11 in=128,256;256,64|FLOAT16;FLOAT16|ND;ND out=128,64|FLOAT16|ND pmu mac=0.810 vec=0.000 mte2=0.350 bound=0.432 cube%=77.100 state=Static
            task L3 Add_2 [Add] AI_VECTOR_CORE→ai_vector start=1736408883704800 dur=30 wait=36.288 block=40/0 stream=2 task=12 in=128,64; ;128,64|FLOAT16;FLOAT16;FLOAT16|ND;ND;ND out=128,64|FLOAT16|ND pmu mac=0.000 vec=0.200 mte2=0.600 bound=3.000 cube%=- state=Static
            task L4 hcom_allReduce__1_0 [hcom_allReduce_] COMMUNICATION→communication start=1736408883705000 dur=500 wait=0 block=0/- stream=- task=- in=|| out=|| state=Unknown
            total=650.5 units ai_core=120.5 ai_vector=30 communication=500
        "#]],
    );
}

#[test]
fn op_summary_older_block_dim_with_model_name_and_infer_id() {
    // Graph-mode msprof before the 2026 rename: `Block Dim` / `Mix Block Dim`, `Model Name` and
    // `Infer ID` present, no `OP State`.
    check(
        &[(
            "op_summary_0_1_1.csv",
            "Device_id,Model Name,Model ID,Task ID,Stream ID,Infer ID,Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Dim,Mix Block Dim,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID,aicore_time(us),aic_total_cycles,aic_mac_ratio,aic_mte2_ratio,aiv_vec_ratio,aiv_mte2_ratio\n\
0,resnet50,1,3,5,1,conv1conv1_relu,Conv2D,AI_CORE,1000.5,250.25,0,32,0,\"\"\"1,3,224,224;64,3,7,7\"\"\",FLOAT16;FLOAT16,NC1HWC0;FRACTAL_Z,\"\"\"1,64,112,112\"\"\",FLOAT16,NC1HWC0,N/A,240,11520000,0.9,0.4,0,0\n\
0,resnet50,1,4,5,1,trans_TransData_0,TransData,AI_CORE,900,12.5,0,2,0,\"\"\"1,3,224,224\"\"\",FLOAT16,NCHW,\"\"\"1,1,224,224,16\"\"\",FLOAT16,NC1HWC0,N/A,10,100,0,0.1,0.05,0.6\n",
        )],
        expect![[r#"
            source op_summary_0_1_1.csv op_summary rows=2 used=true
            task L2 conv1conv1_relu [Conv2D] AI_CORE→ai_core start=1000.5 dur=250.25 wait=0 block=32/0 stream=5 task=3 in=1,3,224,224;64,3,7,7|FLOAT16;FLOAT16|NC1HWC0;FRACTAL_Z out=1,64,112,112|FLOAT16|NC1HWC0 pmu mac=0.900 vec=0.000 mte2=0.400 bound=0.444 cube%=- state=Unknown
            task L3 trans_TransData_0 [TransData] AI_CORE→ai_core start=900 dur=12.5 wait=0 block=2/0 stream=5 task=4 in=1,3,224,224|FLOAT16|NCHW out=1,1,224,224,16|FLOAT16|NC1HWC0 pmu mac=0.000 vec=0.050 mte2=0.600 bound=12.000 cube%=- state=Unknown
            total=262.75 units ai_core=262.75
        "#]],
    );
}

#[test]
fn op_summary_cann5_unitless_headers_in_ns_and_in_us() {
    // CANN 5.x–6.0 headers without units. 6.0.1 documents `Task Start Time` in ns: the values
    // (≥ 1e17) are read as ns and converted; the same layout with us values stays as it is.
    let header = "Model ID,Task ID,Stream ID,Op Name,OP Type,Task Type,Task Start Time,Task Duration,Task Wait Time,Block Dim,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,aicore_time,total_cycles,mac_ratio,vec_ratio,mte2_ratio\n";
    let ns = format!(
        "{header}1,7,0,Relu_1,Relu,AI_CORE,1695115378713661000,15.5,0,2,\"1,64,56,56\",FLOAT16,NC1HWC0,\"1,64,56,56\",FLOAT16,NC1HWC0,14,30000,0,0.3,0.5\n\
1,8,0,Pow_2,Pow,AI_CPU,1695115378713700000,40,23.5,1,\"1,64\",FLOAT,ND,\"1,64\",FLOAT,ND,N/A,N/A,N/A,N/A,N/A\n"
    );
    let us = format!(
        "{header}1,7,0,Relu_1,Relu,AI_CORE,1695115378713.661,15.5,0,2,\"1,64,56,56\",FLOAT16,NC1HWC0,\"1,64,56,56\",FLOAT16,NC1HWC0,14,30000,0,0.3,0.5\n\
1,8,0,Pow_2,Pow,AI_CPU,1695115378713.700,40,23.5,1,\"1,64\",FLOAT,ND,\"1,64\",FLOAT,ND,N/A,N/A,N/A,N/A,N/A\n"
    );
    check(
        &[("op_summary_0_1.csv", &ns)],
        expect![[r#"
            source op_summary_0_1.csv op_summary rows=2 used=true
            task L2 Relu_1 [Relu] AI_CORE→ai_core start=1695115378713661 dur=15.5 wait=0 block=2/- stream=0 task=7 in=1,64,56,56|FLOAT16|NC1HWC0 out=1,64,56,56|FLOAT16|NC1HWC0 pmu mac=0.000 vec=0.300 mte2=0.500 bound=1.667 cube%=- state=Unknown
            task L3 Pow_2 [Pow] AI_CPU→ai_cpu start=1695115378713700.3 dur=40 wait=23.5 block=1/- stream=0 task=8 in=1,64|FLOAT|ND out=1,64|FLOAT|ND state=Unknown
            total=55.5 units ai_core=15.5 ai_cpu=40
            issue op_summary_0_1.csv: column `Task Start Time` has no unit and its values look like nanoseconds (CANN 6.0.1 wrote ns there); read as ns
        "#]],
    );
    check(
        &[("op_summary_0_1.csv", &us)],
        expect![[r#"
            source op_summary_0_1.csv op_summary rows=2 used=true
            task L2 Relu_1 [Relu] AI_CORE→ai_core start=1695115378713.661 dur=15.5 wait=0 block=2/- stream=0 task=7 in=1,64,56,56|FLOAT16|NC1HWC0 out=1,64,56,56|FLOAT16|NC1HWC0 pmu mac=0.000 vec=0.300 mte2=0.500 bound=1.667 cube%=- state=Unknown
            task L3 Pow_2 [Pow] AI_CPU→ai_cpu start=1695115378713.7 dur=40 wait=23.5 block=1/- stream=0 task=8 in=1,64|FLOAT|ND out=1,64|FLOAT|ND state=Unknown
            total=55.5 units ai_core=15.5 ai_cpu=40
        "#]],
    );
}

#[test]
fn op_summary_mskpp_310p_style_with_memory_bound_column() {
    // The mskpp fixture header quoted in ascend.md 1.3: unit only on some names, unprefixed
    // PipeUtilization columns, and msprof's own `memory_bound` column (which wins).
    check(
        &[(
            "op_summary_310p.csv",
            "Model ID,Task ID,Stream ID,Op Name,OP Type,Task Type,Task Start Time,Task Duration(us),Task Wait Time(us),Block Dim,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,aicore_time(us),total_cycles,vec_time(us),vec_ratio,mac_time(us),mac_ratio,scalar_time(us),scalar_ratio,mte1_time(us),mte1_ratio,mte2_time(us),mte2_ratio,mte3_time(us),mte3_ratio,icache_miss_rate,memory_bound\n\
4294967295,20,1,Conv2D_3,Conv2D,AI_CORE,3466000.25,88.1,0,8,\"1,16,64,64\",FLOAT16,NC1HWC0,\"1,32,64,64\",FLOAT16,NC1HWC0,85.2,1000000,1.1,0.013,60.3,0.708,5.5,0.065,10.1,0.119,30.2,0.355,4.4,0.052,0.01,0.501\n",
        )],
        expect![[r#"
            source op_summary_310p.csv op_summary rows=1 used=true
            task L2 Conv2D_3 [Conv2D] AI_CORE→ai_core start=3466000.25 dur=88.1 wait=0 block=8/- stream=1 task=20 in=1,16,64,64|FLOAT16|NC1HWC0 out=1,32,64,64|FLOAT16|NC1HWC0 pmu mac=0.708 vec=0.013 mte2=0.355 bound=0.501 cube%=- state=Unknown
            total=88.1 units ai_core=88.1
        "#]],
    );
}

const ASCEND310_SUMMARY: &str = "Device_id,Model Name,Model ID,Task ID,Stream ID,Infer ID,Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Dim,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,aicore_time(us),total_cycles,vec_ratio,mac_ratio,scalar_ratio,mte1_ratio,mte2_ratio,mte3_ratio,icache_miss_rate\n\
0,yolo,1,5,3,1,conv0,Conv2D,AI_CORE,500,100,0,2,\"1,16,320,320\",FLOAT16,NC1HWC0,\"1,32,320,320\",FLOAT16,NC1HWC0,98,98000,0.1,0.7,0.05,0.2,0.3,0.1,0.0\n\
0,yolo,1,6,3,1,interp1,ResizeBilinearV2,AI_CPU,610,2000,10,1,\"1,18,175,175\",FLOAT,NCHW,\"1,18,350,350\",FLOAT,NCHW,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n";

#[test]
fn ascend310_masked_columns_with_info_json() {
    // Ascend 310 (platform_version 0) masks Context ID, Mix Block Dim and aiv_* columns. Cube
    // utilisation is computed from total_cycles, aic_frequency and ai_core_num: 98000 cycles /
    // (1000 MHz × 2 cores × 100 us) = 49%.
    check(
        &[
            ("op_summary_0_1_1.csv", ASCEND310_SUMMARY),
            (
                "info.json.0",
                r#"{"jobInfo": "NA", "DeviceInfo": [{"id": 0, "ai_core_num": 2, "aiv_num": 0, "aic_frequency": "1000", "hwts_frequency": "38.4"}], "platform_version": "0"}"#,
            ),
        ],
        expect![[r#"
            source op_summary_0_1_1.csv op_summary rows=2 used=true
            source info.json.0 info_json rows=1 used=true
            device chip=Ascend310 platform=0 ai_core_num=2 aiv_num=0 freq=1000
            task L2 conv0 [Conv2D] AI_CORE→ai_core start=500 dur=100 wait=0 block=2/- stream=3 task=5 in=1,16,320,320|FLOAT16|NC1HWC0 out=1,32,320,320|FLOAT16|NC1HWC0 pmu mac=0.700 vec=0.100 mte2=0.300 bound=0.429 cube%=49.000 state=Unknown
            task L3 interp1 [ResizeBilinearV2] AI_CPU→ai_cpu start=610 dur=2000 wait=10 block=1/- stream=3 task=6 in=1,18,175,175|FLOAT|NCHW out=1,18,350,350|FLOAT|NCHW state=Unknown
            total=2100 units ai_core=100 ai_cpu=2000
        "#]],
    );
}

#[test]
fn kernel_details_crlf_tabs_and_sliced_op_summaries() {
    // torch_npu names (`Name`, `Type`, `Accelerator Core`, `Start Time(us)`), CRLF line ends, a
    // quoted start with a TAB; and two op_summary slices of one run read as one table.
    check(
        &[(
            "kernel_details.csv",
            "Step Id,Device_id,Model ID,Task ID,Stream ID,Name,Type,OP State,Accelerator Core,Start Time(us),Duration(us),Wait Time(us),Block Dim,Mix Block Dim,HF32 Eligible,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID\r\n\
13,0,4294967295,34486,2,aclnnEmbedding_GatherV2AiCore_GatherV2,GatherV2,dynamic,AI_VECTOR_CORE,1764246877077343.740\t,48.680,1881.080000,40,0,NO,\"\"\"151936,1024;1,4096;1\"\"\",DT_BF16;INT64;INT64,ND;ND;ND,\"\"\"1,4096,1024\"\"\",DT_BF16,ND,N/A\r\n",
        )],
        expect![[r#"
            source kernel_details.csv kernel_details rows=1 used=true
            task L2 aclnnEmbedding_GatherV2AiCore_GatherV2 [GatherV2] AI_VECTOR_CORE→ai_vector start=1764246877077343.8 dur=48.68 wait=1881.08 block=40/0 stream=2 task=34486 in=151936,1024;1,4096;1|DT_BF16;INT64;INT64|ND;ND;ND out=1,4096,1024|DT_BF16|ND state=Dynamic
            total=48.68 units ai_vector=48.68
        "#]],
    );
    let header = "Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Num\n";
    check(
        &[
            ("op_summary_slice_0_20250101.csv", &format!("{header}0,1,1,2,a,Relu,static,AI_CORE,10,5,0,8\n0,1,2,2,b,Relu,static,AI_CORE,20,5,5,8\n")),
            ("op_summary_slice_1_20250101.csv", &format!("{header}0,1,3,2,c,Relu,static,AI_CORE,30,7,5,8\n")),
        ],
        expect![[r#"
            source op_summary_slice_0_20250101.csv op_summary rows=2 used=true
            source op_summary_slice_1_20250101.csv op_summary rows=1 used=true
            task L2 a [Relu] AI_CORE→ai_core start=10 dur=5 wait=0 block=8/- stream=2 task=1 in=|| out=|| state=Static
            task L3 b [Relu] AI_CORE→ai_core start=20 dur=5 wait=5 block=8/- stream=2 task=2 in=|| out=|| state=Static
            task L2 c [Relu] AI_CORE→ai_core start=30 dur=7 wait=5 block=8/- stream=2 task=3 in=|| out=|| state=Static
            total=17 units ai_core=17
        "#]],
    );
}

#[test]
fn op_statistic_task_time_and_fusion_op() {
    check(
        &[
            (
                "op_statistic_0_1.csv",
                "Device_id,Model Name,OP Type,Core Type,Count,Total Time(us),Min Time(us),Avg Time(us),Max Time(us),Ratio(%)\n\
0,resnet,Conv2D,AI_CORE,53,1200.5,10,22.651,80,60.0\n\
0,resnet,Pow,AI_CPU,1,800.3,800.3,800.3,800.3,40.0\n",
            ),
            (
                "fusion_op_0_1.csv",
                "Device_id,Model Name,Model ID,Fusion Op,Original Ops,Memory Input(KB),Memory Output(KB),Memory Weight(KB),Memory Workspace(KB),Memory Total(KB)\n\
0,resnet,1,conv1conv1_relu,scale_conv1;conv1;bn_conv1;conv1_relu,1,2,3,0,6\n",
            ),
        ],
        expect![[r#"
            source op_statistic_0_1.csv op_statistic rows=2 used=true (per op type; hotspots use it only when no per-task file is given)
            source fusion_op_0_1.csv fusion_op rows=1 used=true
            stat Conv2D [Conv2D] AI_CORE→ai_core count=53 total=1200.5 avg=22.651 ratio=60 ids=[]
            stat Pow [Pow] AI_CPU→ai_cpu count=1 total=800.3 avg=800.3 ratio=40 ids=[]
            fusion conv1conv1_relu <- ["scale_conv1", "conv1", "bn_conv1", "conv1_relu"]
            total=2000.8 units ai_core=1200.5 ai_cpu=800.3
        "#]],
    );
    // task_time CSV (CANN 8.0+): kernel_name `N/A` rows are non-compute tasks.
    check(
        &[(
            "task_time_20250101.csv",
            "Device_id,kernel_name,kernel_type,stream_id,task_id,task_time(us),task_start(us),task_stop(us)\n\
0,Conv2D_1,KERNEL_AICORE,2,10,55.5,100.0,155.5\n\
0,N/A,EVENT_RECORD,2,11,0.5,156,156.5\n\
0,trans_Cast_3,KERNEL_AICPU,2,12,20,160,180\n",
        )],
        expect![[r#"
            source task_time_20250101.csv task_time_csv rows=2 used=true
            task L2 Conv2D_1 [] KERNEL_AICORE→ai_core start=100 dur=55.5 wait=- block=-/- stream=2 task=10 in=|| out=|| state=Unknown
            task L4 trans_Cast_3 [Cast] KERNEL_AICPU→ai_cpu start=160 dur=20 wait=- block=-/- stream=2 task=12 in=|| out=|| state=Unknown
            total=75.5 units ai_core=55.5 ai_cpu=20
            issue task_time_20250101.csv: 1 non-compute tasks (kernel_name `N/A`) skipped
        "#]],
    );
}

#[test]
fn timelines_msprof_json_and_older_task_time_json() {
    // msprof_*.json: `ts` as a string, process names in `M` events after the tasks, sync tasks
    // skipped, host (CANN) events ignored.
    check(
        &[(
            "msprof_20250101.json",
            r#"[
{"name": "Conv2D_1", "pid": 100, "tid": 2, "ts": "1000.500", "dur": 30.25, "ph": "X", "args": {"Model Id": 4294967295, "Task Type": "AI_CORE", "Physic Stream Id": 2, "Task Id": 10, "Batch Id": 0, "Subtask Id": 4294967295, "connection_id": 1}},
{"name": "aclnnMatmul_MatMulV3Common_MatMulV3", "pid": 100, "tid": 2, "ts": "1040.000", "dur": 12, "ph": "X", "args": {"Task Type": "MIX_AIC", "Physic Stream Id": 2, "Task Id": 11}},
{"name": "Notify_Wait", "pid": 100, "tid": 2, "ts": "1060", "dur": 500, "ph": "X", "args": {"Task Type": "Notify Wait", "Physic Stream Id": 2, "Task Id": 12}},
{"name": "MEMCPY_ASYNC", "pid": 100, "tid": 3, "ts": "1070", "dur": 8, "ph": "X", "args": {"Task Type": "SDMA", "Physic Stream Id": 3, "Task Id": 13, "size(B)": 4096}},
{"name": "aclnnMatmul", "pid": 200, "tid": 7, "ts": "990", "dur": 60, "ph": "X", "args": {"Task Type": "AI_CORE"}},
{"name": "process_name", "pid": 100, "tid": 0, "ph": "M", "args": {"name": "Ascend Hardware"}},
{"name": "process_name", "pid": 200, "tid": 0, "ph": "M", "args": {"name": "CANN"}},
{"name": "HBM", "pid": 300, "ts": "1000", "ph": "C", "args": {"read": 5}}
]"#,
        )],
        expect![[r#"
            source msprof_20250101.json timeline rows=3 used=true (8 events read; device tasks from the `Ascend Hardware` process)
            task L1 Conv2D_1 [] AI_CORE→ai_core start=1000.5 dur=30.25 wait=- block=-/- stream=2 task=10 in=|| out=|| state=Unknown
            task L2 aclnnMatmul_MatMulV3Common_MatMulV3 [MatMulV3] MIX_AIC→mix start=1040 dur=12 wait=- block=-/- stream=2 task=11 in=|| out=|| state=Unknown
            task L4 MEMCPY_ASYNC [] SDMA→dma start=1070 dur=8 wait=- block=-/- stream=3 task=13 in=|| out=|| state=Unknown
            total=50.25 units ai_core=30.25 mix=12 dma=8
            issue msprof_20250101.json: 1 synchronisation tasks (Notify Wait, Write Value, EVENT_*, PLACE_HOLDER_SQE) skipped: they measure waiting, not work
        "#]],
    );
    // task_time_*.json before CANN 8.0: an object with `traceEvents`, numeric `ts`, `Stream Id`,
    // and no `Ascend Hardware` process name.
    check(
        &[(
            "task_time_0_1_1.json",
            r#"{"traceEvents": [{"name": "MatMul", "ph": "X", "pid": 0, "tid": 0, "ts": 10.5, "dur": 4.5, "args": {"Task Type": "AI_CORE", "Stream Id": 1, "Task Id": 3, "Aicore Time(ms)": 0.004, "Total Cycle": 5000}},
{"name": "GatherV2", "ph": "X", "pid": 0, "tid": 0, "ts": 20, "dur": 30, "args": {"Task Type": "AI_CPU", "Stream Id": 1, "Task Id": 4, "Task Time(us)": 30}}], "displayTimeUnit": "ns"}"#,
        )],
        expect![[r#"
            source task_time_0_1_1.json task_time_json rows=2 used=true (2 events read; device tasks from the `Ascend Hardware` process)
            task L1 MatMul [] AI_CORE→ai_core start=10.5 dur=4.5 wait=- block=-/- stream=1 task=3 in=|| out=|| state=Unknown
            task L2 GatherV2 [] AI_CPU→ai_cpu start=20 dur=30 wait=- block=-/- stream=1 task=4 in=|| out=|| state=Unknown
            total=34.5 units ai_core=4.5 ai_cpu=30
            issue task_time_0_1_1.json: no `Ascend Hardware` process in the trace; every event with a `Task Type` argument is taken as a device task
        "#]],
    );
}

#[test]
fn mindstudio_summary_task_ids_decide_the_unit() {
    // The tuning guide's method: an op whose Task IDs appear in AI Core Metrics ran on the AI
    // Core, otherwise on the AI CPU.
    let ops = "Op Name,Op Type,Task IDs,Count,Total Time(us)\n\
conv1,Conv2D,\"3 7\",2,120\n\
pow1,Pow,\"4, 8\",2,900\n";
    let metrics = "Task ID,Stream ID,aicore_time,total_cycles,mac_ratio,vec_ratio\n3,1,50,10000,0.7,0.1\n7,1,51,10100,0.7,0.1\n";
    check(
        &[("op_statistic.csv", ops), ("ai_core_metrics.csv", metrics)],
        expect![[r#"
            source op_statistic.csv mindstudio_op_statistic rows=2 used=true
            source ai_core_metrics.csv mindstudio_ai_core_metrics rows=2 used=true
            stat conv1 [Conv2D] AI_CORE (task ids in AI Core Metrics)→ai_core count=2 total=120 avg=- ratio=- ids=[3, 7]
            stat pow1 [Pow] AI_CPU (task ids not in AI Core Metrics)→ai_cpu count=2 total=900 avg=- ratio=- ids=[4, 8]
            total=1020 units ai_core=120 ai_cpu=900
        "#]],
    );
    check(
        &[("op_statistic.csv", ops)],
        expect![[r#"
            source op_statistic.csv mindstudio_op_statistic rows=2 used=true
            stat conv1 [Conv2D] unknown→other count=2 total=120 avg=- ratio=- ids=[3, 7]
            stat pow1 [Pow] unknown→other count=2 total=900 avg=- ratio=- ids=[4, 8]
            total=1020 units other=1020
            issue op_statistic.csv: no AI Core Metrics table was given, so the unit of each op is unknown (give the summary's AI Core Metrics CSV too)
        "#]],
    );
}

#[test]
fn one_run_from_several_files_counts_each_task_once() {
    // kernel_details + trace_view + op_statistic + info.json of one run: the task rows come from
    // kernel_details; the timeline holds the same tasks and is not counted again; op_statistic
    // is kept for its own table; info.json gives the device.
    let kernel_details = "Step Id,Model ID,Task ID,Stream ID,Name,Type,OP State,Accelerator Core,Start Time(us),Duration(us),Wait Time(us),Block Dim,Mix Block Dim\n\
1,4294967295,10,2,Conv2D1,Conv2D,static,AI_CORE,1000.5\t,30.25,0,24,0\n\
1,4294967295,11,2,trans_Cast_0,Cast,static,AI_CPU,1040\t,12,9.25,1,0\n";
    let trace = r#"[{"name": "Conv2D1", "pid": 1, "tid": 2, "ts": "1000.5", "dur": 30.25, "ph": "X", "args": {"Task Type": "AI_CORE", "Physic Stream Id": 2, "Task Id": 10}},
{"name": "process_name", "pid": 1, "ph": "M", "args": {"name": "Ascend Hardware"}}]"#;
    let statistic = "OP Type,Core Type,Count,Total Time(us),Min Time(us),Avg Time(us),Max Time(us),Ratio(%)\nConv2D,AI_CORE,1,30.25,30.25,30.25,30.25,71.6\nCast,AI_CPU,1,12,12,12,12,28.4\n";
    let info = r#"{"DeviceInfo": [{"id": 0, "ai_core_num": 24, "aiv_num": 48, "aic_frequency": "1850"}], "platform_version": "5"}"#;
    let list = [
        ("trace_view.json", trace),
        ("kernel_details.csv", kernel_details),
        ("op_statistic.csv", statistic),
        ("info.json", info),
    ];
    check(
        &list,
        expect![[r#"
            source trace_view.json timeline rows=1 used=false (not counted: the kernel_details rows are richer and hold the same tasks)
            source kernel_details.csv kernel_details rows=2 used=true
            source op_statistic.csv op_statistic rows=2 used=true (per op type; hotspots use it only when no per-task file is given)
            source info.json info_json rows=1 used=true
            device chip=Ascend910B platform=5 ai_core_num=24 aiv_num=48 freq=1850
            task L2 Conv2D1 [Conv2D] AI_CORE→ai_core start=1000.5 dur=30.25 wait=0 block=24/0 stream=2 task=10 in=|| out=|| state=Static
            task L3 trans_Cast_0 [Cast] AI_CPU→ai_cpu start=1040 dur=12 wait=9.25 block=1/0 stream=2 task=11 in=|| out=|| state=Static
            stat Conv2D [Conv2D] AI_CORE→ai_core count=1 total=30.25 avg=30.25 ratio=71.6 ids=[]
            stat Cast [Cast] AI_CPU→ai_cpu count=1 total=12 avg=12 ratio=28.4 ids=[]
            total=42.25 units ai_core=30.25 ai_cpu=12
        "#]],
    );
    // An op_summary and a kernel_details export of the same tasks: each task counts once.
    let op_summary = "Op Name,OP Type,Task ID,Stream ID,Task Type,Task Start Time(us),Task Duration(us)\nConv2D1,Conv2D,10,2,AI_CORE,1000.5,30.25\ntrans_Cast_0,Cast,11,2,AI_CPU,1040,12\n";
    let import = import_profile(&files(&[
        ("kernel_details.csv", kernel_details),
        ("op_summary_1.csv", op_summary),
    ]));
    assert_eq!(import.profile.tasks.len(), 2);
    assert_eq!(import.profile.total_us(), 42.25);
    assert_eq!(
        import.issues.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
        ["op_summary_1.csv: 2 rows describe tasks already read from another file (same stream, task id, start and name); counted once"]
    );
    assert_eq!(
        import.profile.unit_totals(),
        [(Unit::AiCore, 30.25), (Unit::AiCpu, 12.0)]
    );
}
