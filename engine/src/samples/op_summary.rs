//! A large msprof `op_summary` in the column layout of a real Atlas A2 (910B) run (the header of
//! `msprof-a2-op_summary-l0bw-metrics.csv` in the shared samples), written row by row so a table
//! of a gigabyte never sits in memory: the input of the large-profile benchmark and e2e test.

use std::io::{self, Write};

use super::XorShift;

/// The header of the real A2 sample, 32 columns.
pub const A2_OP_SUMMARY_HEADER: &str = "Step Id,Model ID,Task ID,Stream ID,Op Name,OP Type,Task Type,Start Time(us),Task Duration(us),Task Wait Time(us),Block Dim,Mix Block Dim,HF32 Eligible,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,Context ID,aicore_time(us),aic_total_cycles,aic_l0a_read_bw(GB/s),aic_l0a_write_bw(GB/s),aic_l0b_read_bw(GB/s),aic_l0b_write_bw(GB/s),aic_l0c_read_bw_cube(GB/s),aic_l0c_write_bw_cube(GB/s),aiv_time(us),aiv_total_cycles,aiv_l0c_read_bw(GB/s),aiv_l0c_write_bw(GB/s)";

/// The ops of one transformer layer: name, op type, task type, mean duration (us), input shape.
const LAYER_OPS: &[(&str, &str, &str, f64, &str)] = &[
    (
        "input_layernorm",
        "LayerNorm",
        "AI_VECTOR_CORE",
        18.0,
        "4,2048,4096",
    ),
    ("attn/q_proj", "MatMulV2", "AI_CORE", 95.0, "8192,4096"),
    ("attn/k_proj", "MatMulV2", "AI_CORE", 95.0, "8192,4096"),
    ("attn/v_proj", "MatMulV2", "AI_CORE", 95.0, "8192,4096"),
    (
        "attn/transpose_q",
        "Transpose",
        "AI_VECTOR_CORE",
        12.0,
        "4,2048,32,128",
    ),
    (
        "attn/scores",
        "BatchMatMulV2",
        "AI_CORE",
        60.0,
        "128,2048,128",
    ),
    (
        "attn/softmax",
        "SoftmaxV2",
        "AI_VECTOR_CORE",
        40.0,
        "128,2048,2048",
    ),
    (
        "attn/context",
        "BatchMatMulV2",
        "AI_CORE",
        60.0,
        "128,2048,2048",
    ),
    ("attn/o_proj", "MatMulV2", "AI_CORE", 95.0, "8192,4096"),
    ("attn/residual", "Add", "AI_VECTOR_CORE", 9.0, "4,2048,4096"),
    (
        "post_layernorm",
        "LayerNorm",
        "AI_VECTOR_CORE",
        18.0,
        "4,2048,4096",
    ),
    ("mlp/up_proj", "MatMulV2", "AI_CORE", 250.0, "8192,4096"),
    (
        "mlp/gelu",
        "FastGelu",
        "AI_VECTOR_CORE",
        30.0,
        "4,2048,11008",
    ),
    ("mlp/down_proj", "MatMulV2", "AI_CORE", 250.0, "8192,11008"),
    ("mlp/residual", "Add", "AI_VECTOR_CORE", 9.0, "4,2048,4096"),
    ("mlp/cast", "Cast", "AI_VECTOR_CORE", 6.0, "4,2048,4096"),
    ("rope/index", "GatherV2", "AI_CPU", 35.0, "2048"),
];

/// Layers of the model the rows come from.
const LAYERS: usize = 32;

/// Writes an op_summary of at least `bytes` bytes (steps of a 32-layer model, durations jittered
/// by a fixed seed), returning the rows written.
pub fn write_a2_op_summary(out: &mut dyn Write, bytes: u64) -> io::Result<u64> {
    let mut out = io::BufWriter::with_capacity(1 << 20, out);
    writeln!(out, "{A2_OP_SUMMARY_HEADER}")?;
    let mut written = A2_OP_SUMMARY_HEADER.len() as u64 + 1;
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut start_us = 1_695_115_378_713_661.0_f64;
    let mut rows = 0u64;
    let mut task_id = 0u64;
    let mut step = 1;
    let mut line = String::with_capacity(512);
    while written < bytes {
        for layer in 0..LAYERS {
            for (name, op_type, task_type, mean_us, shape) in LAYER_OPS {
                let jitter = 0.8 + rng.below(400) as f64 / 1000.0;
                let duration = mean_us * jitter;
                let wait = rng.below(2000) as f64 / 1000.0;
                let cube = *task_type == "AI_CORE";
                let core_time = duration * 1.9;
                let cycles = (duration * 1_850.0) as u64;
                line.clear();
                use std::fmt::Write as _;
                let _ = write!(
                    line,
                    "{step},4294967295,{},16,layers.{layer}/{name},{op_type},{task_type},{start_us:.1},{duration:.4},{wait:.4},{},0,NO,\"\"\"{shape}\"\"\",FLOAT16,FORMAT_ND,\"\"\"{shape}\"\"\",FLOAT16,FORMAT_ND,N/A,{},{},{},{},{},{},{},{},{:.2},{},0,0",
                    task_id % 65_536,
                    if *task_type == "AI_CPU" { 1 } else { 48 },
                    if cube { format!("{core_time:.2}") } else { "0".to_string() },
                    if cube { cycles } else { 0 },
                    rng.below(900),
                    rng.below(300),
                    rng.below(900),
                    rng.below(300),
                    rng.below(500),
                    rng.below(500),
                    if cube { 0.0 } else { core_time },
                    if cube { 0 } else { cycles },
                );
                writeln!(out, "{line}")?;
                written += line.len() as u64 + 1;
                rows += 1;
                task_id += 1;
                start_us += duration + wait;
            }
        }
        step += 1;
    }
    out.flush()?;
    Ok(rows)
}
