//! Profile import throughput: a generated 500,000-row op_summary (current msprof layout with A2
//! PipeUtilization columns) and, when the shared samples are present, the real 2 MB trace_view.json.
//! Reported as bytes per second (`Throughput::Bytes`); the target is above 100 MB/s natively.

use std::path::PathBuf;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use opscope_engine::profile::import_profile;
use opscope_engine::InputFile;

const HEADER: &str = "Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Num,Mix Block Num,HF32 Eligible,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID,aicore_time(us),aic_total_cycles,aic_mac_time(us),aic_mac_ratio,aic_scalar_time(us),aic_scalar_ratio,aic_mte1_time(us),aic_mte1_ratio,aic_mte2_time(us),aic_mte2_ratio,aic_fixpipe_time(us),aic_fixpipe_ratio,aic_icache_miss_rate,aiv_time(us),aiv_total_cycles,aiv_vec_time(us),aiv_vec_ratio,aiv_scalar_time(us),aiv_scalar_ratio,aiv_mte2_time(us),aiv_mte2_ratio,aiv_mte3_time(us),aiv_mte3_ratio,aiv_icache_miss_rate,cube_utilization(%)\n";

const TYPES: &[(&str, &str, &str)] = &[
    ("Conv2D", "AI_CORE", "\"\"\"32,64,56,56;64,64,3,3\"\"\",FLOAT16;FLOAT16,NC1HWC0;FRACTAL_Z,\"\"\"32,64,56,56\"\"\",FLOAT16,NC1HWC0"),
    ("MatMulV3", "AI_CORE", "\"\"\"4096,1024;1024,4096\"\"\",DT_BF16;DT_BF16,ND;ND,\"\"\"4096,4096\"\"\",DT_BF16,ND"),
    ("Add", "AI_VECTOR_CORE", "\"\"\"32,64,56,56;32,64,56,56\"\"\",FLOAT16;FLOAT16,NC1HWC0;NC1HWC0,\"\"\"32,64,56,56\"\"\",FLOAT16,NC1HWC0"),
    ("TransData", "AI_VECTOR_CORE", "\"\"\"32,3,224,224\"\"\",FLOAT,NCHW,\"\"\"32,1,224,224,8\"\"\",FLOAT,NC1HWC0"),
    ("FlashAttentionScore", "MIX_AIC", "\"\"\"8192,2,640;8192,2,640; ;1,1,8192,8192\"\"\",DT_BF16;DT_BF16;FLOAT;DT_BF16,ND;ND;ND;ND,\"\"\"655360\"\"\",FLOAT,ND"),
    ("Pow", "AI_CPU", "\"\"\"1,64\"\"\",FLOAT,ND,\"\"\"1,64\"\"\",FLOAT,ND"),
];

/// A deterministic op_summary of `rows` rows with 5,000 distinct op names.
fn op_summary(rows: usize) -> Vec<u8> {
    let mut out = String::with_capacity(rows * 420);
    out.push_str(HEADER);
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut start = 1_736_408_883_704_643.0f64;
    for idx in 0..rows {
        let r = next();
        let (op_type, task_type, tensors) = TYPES[(r % TYPES.len() as u64) as usize];
        let duration = 1.0 + (r >> 8) as f64 % 500_000.0 / 1000.0;
        let ratio = |shift: u32| ((r >> shift) % 1000) as f64 / 1000.0;
        let ids = format!("0,4294967295,{},2", idx % 65536);
        let name = format!("layer{}/{op_type}_{}", idx % 100, idx % 50);
        let head = format!(
            "{ids},{name},{op_type},dynamic,{task_type},\"{start:.3}\t\",{duration:.3},0.5,{},0,NO,{tensors},N/A",
            8 + r % 40
        );
        let aic = format!(
            "{:.3},{},{:.3},{:.3},1.2,{:.3},0.5,{:.3},{:.3},{:.3},0.1,0.01,0.002",
            duration * 0.95,
            (duration * 1850.0) as u64,
            duration * 0.6,
            ratio(10),
            ratio(20),
            ratio(30),
            duration * 0.4,
            ratio(40),
        );
        let aiv = format!("0,0,0,{:.3},0,0,0,{:.3},0,0,0", ratio(50), ratio(15));
        out.push_str(&format!("{head},{aic},{aiv},{:.3}\n", ratio(5) * 100.0));
        start += duration + 0.5;
    }
    out.into_bytes()
}

fn trace_view() -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples/profiling/torchnpu-a2-convnet-trace_view.json");
    std::fs::read(path).ok()
}

fn bench(c: &mut Criterion) {
    let csv = Bytes::from(op_summary(500_000));
    let mut group = c.benchmark_group("profile");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function("op_summary_500k_rows", |b| {
        b.iter(|| {
            let import = import_profile(&[InputFile::new("op_summary_0.csv", csv.clone())]);
            assert_eq!(
                import.profile.tasks.len(),
                500_000,
                "{:?}",
                import.issues.first()
            );
            import
        })
    });
    if let Some(trace) = trace_view() {
        let trace = Bytes::from(trace);
        group.sample_size(30);
        group.throughput(Throughput::Bytes(trace.len() as u64));
        group.bench_function("trace_view_json", |b| {
            b.iter(|| {
                let import = import_profile(&[InputFile::new("trace_view.json", trace.clone())]);
                assert_eq!(import.profile.tasks.len(), 283, "{:?}", import.errors);
                import
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
