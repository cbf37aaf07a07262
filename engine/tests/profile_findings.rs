//! One fixture per rule: what it flags, what it leaves alone, and when it says it was skipped.

use expect_test::{expect, Expect};
use opscope_engine::analysis::rules as findings;
use opscope_engine::profile::{import_profile, CoreCount, ProfileImport};
use opscope_engine::InputFile;

const HEADER: &str = "Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Block Num,Input Data Types,Input Shapes,Input Formats,Output Formats,Output Data Types,aic_mac_ratio,aic_scalar_ratio,aic_mte2_ratio,aiv_vec_ratio,aiv_mte2_ratio,aiv_mte3_ratio";

fn import(rows: &str, info: Option<&str>) -> ProfileImport {
    let mut files = vec![InputFile::new(
        "op_summary_0.csv",
        format!("{HEADER}\n{rows}").into_bytes(),
    )];
    if let Some(info) = info {
        files.push(InputFile::new("info.json", info.as_bytes().to_vec()));
    }
    let import = import_profile(&files);
    assert!(
        import.errors.is_empty() && import.issues.is_empty(),
        "{:?} {:?}",
        import.errors,
        import.issues
    );
    import
}

/// Findings of one rule, and the rule's skipped-check reason if any.
fn check_rule(rule: &str, rows: &str, info: Option<&str>, expect: Expect) {
    let import = import(rows, info);
    let out = findings::check_profile(&import.profile, None, import.profile.ai_core_count());
    let mut text = String::new();
    for finding in out.findings.iter().filter(|f| f.rule == rule) {
        text.push_str(&format!(
            "{} {:?}\n  {}\n  fix: {}\n  evidence: {}\n  gain: {:?}\n",
            finding.rule,
            finding.nodes,
            finding.message,
            finding.fix,
            serde_json::to_string(&finding.evidence).unwrap_or_default(),
            finding.gain_us
        ));
    }
    for skipped in out.skipped.iter().filter(|s| s.rule == rule) {
        text.push_str(&format!("skipped {}: {}\n", skipped.rule, skipped.reason));
    }
    for note in out.notes.iter().filter(|n| n.starts_with(rule)) {
        text.push_str(&format!("note {note}\n"));
    }
    expect.assert_eq(&text);
}

const INFO: &str = r#"{"DeviceInfo": [{"ai_core_num": 8, "aiv_num": 16, "aic_frequency": "1000"}], "platform_version": "5"}"#;

#[test]
fn aicpu_op() {
    check_rule(
        "aicpu-op",
        "pow,Pow,static,AI_CPU,0,25,1,DOUBLE;DOUBLE,\"8,8;1\",ND;ND,ND,DOUBLE,,,,,,\n\
pow,Pow,static,AI_CPU,30,15,1,DOUBLE;DOUBLE,\"8,8;1\",ND;ND,ND,DOUBLE,,,,,,\n\
nz,NonZero,static,AI_CPU,50,5,1,INT64,\"64\",ND,ND,INT64,,,,,,\n\
conv,Conv2D,static,AI_CORE,60,55,8,FLOAT16,\"1,3,8,8\",NC1HWC0,NC1HWC0,FLOAT16,0.9,0.1,0.2,0,0,0\n",
        Some(INFO),
        expect![[r#"
            aicpu-op ["pow"]
              `pow` (Pow) ran on the AI CPU: 2 tasks, 40.0 us (40.0% of compute time), longest 25.0 us; inputs DOUBLE;DOUBLE of shape 8,8;1
              fix: Convert the float64 (double) inputs to float32: AI Core kernels do not take double, so the op falls back to the AI CPU (msprof-analyze advisor's double→float rule).
              evidence: {"count":2,"input_dtypes":"DOUBLE;DOUBLE","input_shapes":"8,8;1","max_us":25.0,"share":0.4,"total_us":40.0}
              gain: Some(40.0)
            aicpu-op ["nz"]
              `nz` (NonZero) ran on the AI CPU: 1 tasks, 5.0 us (5.0% of compute time), longest 5.0 us; inputs INT64 of shape 64
              fix: NonZero has an AI Core replacement, a multiply by the mask, when NonZero only feeds indexing or a masked reduction: tensor[mask.nonzero()].sum() → (tensor * mask).sum(); keep the mask and use torch.where / masked_fill instead of nonzero() + indexing (msprof-analyze advisor: Samples of AI CPU Operator Replacement, nonzero).
              evidence: {"count":1,"input_dtypes":"INT64","input_shapes":"64","max_us":5.0,"share":0.05,"total_us":5.0}
              gain: Some(5.0)
        "#]],
    );
    // The longest AI CPU task is under 20 us: nothing to report (the advisor's floor).
    check_rule(
        "aicpu-op",
        "nz,NonZero,static,AI_CPU,50,19.9,1,INT64,64,ND,ND,INT64,,,,,,\n",
        Some(INFO),
        expect![[r#""#]],
    );
}

#[test]
fn block_dim() {
    let rows = "conv,Conv2D,static,AI_CORE,0,50,6,FLOAT16,,,,,0.9,0.1,0.2,,,\n\
relu,Relu,static,AI_VECTOR_CORE,50,10,16,FLOAT16,,,,,,,,0.9,0.2,0.1\n\
add,Add,static,AI_VECTOR_CORE,60,30,20,FLOAT16,,,,,,,,0.9,0.2,0.1\n\
mm,MatMulV3,static,MIX_AIC,90,40,16,FLOAT16,,,,,0.9,0.1,0.2,,,\n\
hcom,hcom_allReduce_,static,COMMUNICATION,130,100,0,,,,,,,,,,,\n";
    check_rule(
        "block-dim",
        rows,
        Some(INFO),
        expect![[r#"
        block-dim ["conv"]
          `conv` ran with Block Dim 6 on 8 AI Cores: 1 wave(s), 2 core slots idle in the last wave (75.0% core use); 1 tasks, 50.0 us
          fix: Tile the op (or pick its input shape) so the block count is a multiple of 8 (e.g. 8 instead of 6), so that no core idles in the last wave.
          evidence: {"block_dim":6,"core_source":"info.json ai_core_num","core_use":0.75,"cores":8,"count":1,"total_us":50.0,"waves":1}
          gain: None
        block-dim ["add"]
          `add` ran with Block Dim 20 on 16 vector cores: 2 wave(s), 12 core slots idle in the last wave (62.5% core use); 1 tasks, 30.0 us
          fix: Tile the op (or pick its input shape) so the block count is a multiple of 16 (e.g. 32 instead of 20), so that no core idles in the last wave.
          evidence: {"block_dim":20,"core_source":"info.json aiv_num","core_use":0.625,"cores":16,"count":1,"total_us":30.0,"waves":2}
          gain: None
    "#]],
    );
    // No info.json and no chip: the check says it was skipped instead of guessing.
    check_rule(
        "block-dim",
        rows,
        None,
        expect![[r#"
        skipped block-dim: AI Core count unknown: give the run's info.json (DeviceInfo ai_core_num) or --ai-core-num
    "#]],
    );
    // Ascend 310 (platform_version 0) has 2 AI Cores even without ai_core_num.
    check_rule(
        "block-dim",
        "conv,Conv2D,static,AI_CORE,0,50,3,FLOAT16,,,,,0.9,0.1,0.2,,,\n",
        Some(r#"{"DeviceInfo": [{"aic_frequency": "1000"}], "platform_version": "0"}"#),
        expect![[r#"
            block-dim ["conv"]
              `conv` ran with Block Dim 3 on 2 AI Cores: 2 wave(s), 1 core slots idle in the last wave (75.0% core use); 1 tasks, 50.0 us
              fix: Tile the op (or pick its input shape) so the block count is a multiple of 2 (e.g. 4 instead of 3), so that no core idles in the last wave.
              evidence: {"block_dim":3,"core_source":"chip Ascend310","core_use":0.75,"cores":2,"count":1,"total_us":50.0,"waves":2}
              gain: None
        "#]],
    );
    // Dynamic-shape runs pick block counts at run time: skipped, as the advisor does.
    check_rule(
        "block-dim",
        "conv,Conv2D,dynamic,AI_CORE,0,50,6,FLOAT16,,,,,0.9,0.1,0.2,,,\n",
        Some(INFO),
        expect![[r#"
            skipped block-dim: every op is dynamic-shape, so block counts are chosen per shape at run time (as msprof-analyze advisor, the check is skipped; see dynamic-shape)
        "#]],
    );
}

#[test]
fn no_bound() {
    check_rule(
        "no-bound",
        "slow,Conv2D,static,AI_CORE,0,30,8,FLOAT16,,,,,0.5,0.6,0.4,,,\n\
slow,Conv2D,static,AI_CORE,30,45,8,FLOAT16,,,,,0.5,0.7,0.4,,,\n\
busy,Conv2D,static,AI_CORE,80,30,8,FLOAT16,,,,,0.9,0.1,0.2,,,\n\
short,Relu,static,AI_VECTOR_CORE,110,19,16,FLOAT16,,,,,,,,0.1,0.1,0.1\n\
edge,Relu,static,AI_VECTOR_CORE,130,20,16,FLOAT16,,,,,,,,0.8,0.1,0.1\n",
        Some(INFO),
        expect![[r#"
            no-bound ["slow"]
              `slow`: 2 tasks of at least 20 us (75.0 us in all) keep no pipe above 0.8; the longest (45.0 us) is busiest on scalar at 0.70
              fix: Look at the op's tiling: use more blocks (every core), larger tiles per core and fewer synchronisation points, or fuse it with its neighbours so each launch does more work.
              evidence: {"block_dim":8,"busiest_pipe":"scalar","busiest_ratio":0.7,"count":2,"duration_us":45.0,"total_us":75.0}
              gain: None
            no-bound ["edge"]
              `edge`: 1 tasks of at least 20 us (20.0 us in all) keep no pipe above 0.8; the longest (20.0 us) is busiest on vec at 0.80
              fix: Look at the op's tiling: use more blocks (every core), larger tiles per core and fewer synchronisation points, or fuse it with its neighbours so each launch does more work.
              evidence: {"block_dim":16,"busiest_pipe":"vec","busiest_ratio":0.8,"count":1,"duration_us":20.0,"total_us":20.0}
              gain: None
        "#]],
    );
    // ArithmeticUtilization-style rows (no pipe ratios) cannot be judged.
    let import = import_profile(&[InputFile::new(
        "kernel_details.csv",
        b"Name,Type,Accelerator Core,Duration(us),aic_mac_fp16_ratio\nmm,MatMul,AI_CORE,50,0.1\n"
            .to_vec(),
    )]);
    let out = findings::check_profile(&import.profile, None, CoreCount::Unknown);
    assert_eq!(
        out.skipped.iter().find(|s| s.rule == "no-bound").map(|s| s.reason.as_str()),
        Some("no PipeUtilization ratios (vec/mac/scalar/mte*_ratio) in the profile; collect with --aic-metrics=PipeUtilization")
    );
}

#[test]
fn memory_bound() {
    check_rule(
        "memory-bound",
        "copy,Add,static,AI_VECTOR_CORE,0,40,16,FLOAT16,,,,,,,,0.2,0.6,0.3\n\
tiny,Add,static,AI_VECTOR_CORE,40,5,16,FLOAT16,,,,,,,,0.2,0.6,0.3\n\
conv,Conv2D,static,AI_CORE,50,60,8,FLOAT16,,,,,0.8,0.1,0.5,,,\n",
        Some(INFO),
        expect![[r#"
            memory-bound ["copy"]
              `copy` is memory-bound: memory_bound 3.00 (mte2 0.60, mac n/a, vec 0.20) on its longest task; 1 tasks ≥ 20 us, 40.0 us
              fix: Move less data from global memory: fuse the op with its producer or consumer so intermediates stay in the Unified Buffer, remove format conversions around it, use fp16/bf16, and tile for reuse.
              evidence: {"count":1,"memory_bound":3.0,"mte2_ratio":0.6,"total_us":40.0,"vec_ratio":0.2}
              gain: None
        "#]],
    );
}

#[test]
fn dynamic_shape() {
    let rows = "a,Conv2D,dynamic,AI_CORE,0,40,8,,,,,,,,,,,\nb,Relu,dynamic,AI_VECTOR_CORE,40,10,16,,,,,,,,,,,\nhcom,hcom_allReduce_,N/A,COMMUNICATION,50,500,0,,,,,,,,,,,\n";
    check_rule(
        "dynamic-shape",
        rows,
        None,
        expect![[r#"
        dynamic-shape ["a", "b"]
          No op ran with a static shape: all 2 ops (2 tasks, 50.0 us, 100.0% of compute time) are `dynamic`, so every kernel picks its tiling at run time
          fix: torch_npu: call torch_npu.npu.set_compile_mode(jit_compile=False) and set torch_npu.npu.config.allow_internal_format = False; offline models: convert with fixed input shapes (ATC --input_shape without -1).
          evidence: {"dynamic_ops":2,"dynamic_tasks":2,"share":1.0,"total_us":50.0}
          gain: None
    "#]],
    );
    // One static op is enough to stay quiet.
    check_rule(
        "dynamic-shape",
        "a,Conv2D,dynamic,AI_CORE,0,40,8,,,,,,,,,,,\nb,Relu,static,AI_VECTOR_CORE,40,10,16,,,,,,,,,,,\n",
        None,
        expect![[r#""#]],
    );
    let import = import_profile(&[InputFile::new(
        "op_summary_1.csv",
        b"Op Name,Task Type,Task Duration(us)\na,AI_CORE,5\n".to_vec(),
    )]);
    let out = findings::check_profile(&import.profile, None, CoreCount::Unknown);
    assert!(out
        .skipped
        .iter()
        .any(|s| s.rule == "dynamic-shape" && s.reason.starts_with("no OP State column")));
}

#[test]
fn transdata_overhead() {
    check_rule(
        "transdata-overhead",
        "trans_TransData_0,TransData,static,AI_VECTOR_CORE,0,6,16,FLOAT,,NCHW,NC1HWC0,FLOAT,,,,,,\n\
trans_TransData_1,TransData,static,AI_VECTOR_CORE,6,4,16,FLOAT,,NCHW,NC1HWC0,FLOAT,,,,,,\n\
trans_Cast_2,Cast,static,AI_VECTOR_CORE,10,3,16,FLOAT,,ND,ND,FLOAT16,,,,,,\n\
conv,Conv2D,static,AI_CORE,13,87,8,FLOAT16,,,,,,,,,,\n",
        Some(INFO),
        expect![[r#"
            transdata-overhead ["trans_TransData_0", "trans_TransData_1"]
              TransData NCHW → NC1HWC0: 2 kernels, 10.0 us (10.0% of compute time)
              fix: Keep tensors in one layout so GE need not convert formats: make neighbouring ops agree on the format, or fuse the op that forces the round trip (tuning guide: an identity conv after MirrorPad removed two TransData).
              evidence: {"count":2,"from":"NCHW","ops":["trans_TransData_0","trans_TransData_1"],"share":0.1,"to":"NC1HWC0","total_us":10.0}
              gain: Some(10.0)
            transdata-overhead ["trans_Cast_2"]
              Cast FLOAT → FLOAT16: 1 kernels, 3.0 us (3.0% of compute time)
              fix: Run the segment in one dtype so GE need not insert casts: export the model in the precision the device uses, or keep the ops around the cast in the same dtype.
              evidence: {"count":1,"from":"FLOAT","ops":["trans_Cast_2"],"share":0.03,"to":"FLOAT16","total_us":3.0}
              gain: Some(3.0)
        "#]],
    );
    // Under 5% of compute time: quiet.
    check_rule(
        "transdata-overhead",
        "trans_TransData_0,TransData,static,AI_VECTOR_CORE,0,4,16,FLOAT,,NCHW,NC1HWC0,FLOAT,,,,,,\nconv,Conv2D,static,AI_CORE,13,96,8,FLOAT16,,,,,,,,,,\n",
        Some(INFO),
        expect![[r#""#]],
    );
}

#[test]
fn findings_are_capped_per_rule_with_a_note() {
    let mut rows = String::new();
    for idx in 0..25 {
        rows.push_str(&format!(
            "cpu{idx},Pow,static,AI_CPU,{},{},1,FLOAT,,,,,,,,,,\n",
            idx * 100,
            30 + idx
        ));
    }
    let import = import(&rows, None);
    let out = findings::check_profile(&import.profile, None, CoreCount::Unknown);
    let aicpu: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.rule == "aicpu-op")
        .collect();
    assert_eq!(aicpu.len(), findings::MAX_FINDINGS_PER_RULE);
    assert_eq!(aicpu[0].nodes, ["cpu24"]);
    assert_eq!(out.notes, ["aicpu-op: 5 more ops flagged, not listed"]);
}
