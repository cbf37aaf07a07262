//! `dynamic-shape`: no op ran with a static shape.
//!
//! ## What it flags
//! A run where the `OP State` column is present and no task is `static`. As msprof-analyze
//! advisor's Operator Dynamic Shape check (ascend.md 6: `dynamic_shape_checker.py`: "if no op has
//! OP State `static`"). Without an `OP State` column the check is skipped.
//!
//! ## Why it is slow on Ascend
//! Dynamic-shape kernels are compiled for a range of shapes and pick their tiling at run time:
//! each launch pays for tiling on the host, the kernels are less specialised than static ones,
//! and graph-level fusion and memory planning are limited.
//!
//! ## What to do
//! torch_npu: `torch_npu.npu.set_compile_mode(jit_compile=False)` and
//! `torch_npu.npu.config.allow_internal_format = False` (the advisor's advice). Offline models:
//! convert with fixed input shapes (ATC `--input_shape` without -1 dims).
//!
//! ## Evidence
//! `dynamic_ops` (distinct op names), `dynamic_tasks`, `total_us`, `share`. The nodes are the
//! ten ops with the most time. No gain: static kernels' speed is not in the profile.

use super::{
    fmt_pct, fmt_us, group_tasks, Evidence, Finding, Needs, RuleCtx, RuleOutput, RuleSpec, Severity,
};
use crate::profile::model::{OpState, Unit};

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "dynamic-shape",
    title: "No op ran with a static shape",
    severity: Severity::High,
    needs: Needs::Profile,
    threshold:
        "OP State present and no task `static` (msprof-analyze advisor dynamic_shape_checker)",
    check,
};

const LISTED_OPS: usize = 10;

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.profile else {
        return;
    };
    let profile = ctx.profile;
    if profile.tasks.is_empty() {
        return;
    }
    let with_state = profile
        .tasks
        .iter()
        .filter(|t| t.op_state != OpState::Unknown)
        .count();
    if with_state == 0 {
        out.skip(
            RULE.id,
            "no OP State column in the profile (op_summary of CANN 8.0+ or kernel_details has it)",
        );
        return;
    }
    if profile.tasks.iter().any(|t| t.op_state == OpState::Static) {
        return;
    }
    let groups = group_tasks(profile, |t| {
        t.op_state == OpState::Dynamic && (t.unit.is_ai_core() || t.unit == Unit::AiCpu)
    });
    let total: f64 = groups.iter().map(|g| g.total_us).sum();
    let tasks: u64 = groups.iter().map(|g| g.count).sum();
    let share = ctx.share(total);
    let mut nodes = Vec::new();
    for group in groups.iter().take(LISTED_OPS) {
        for node in ctx.nodes_of(group.name) {
            if !nodes.contains(&node) {
                nodes.push(node);
            }
        }
    }
    let mut evidence = std::collections::BTreeMap::new();
    evidence.insert("dynamic_ops", Evidence::from(groups.len()));
    evidence.insert("dynamic_tasks", Evidence::from(tasks));
    evidence.insert("total_us", Evidence::from(total));
    evidence.insert("share", Evidence::from(share));
    out.findings.push(Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes,
        message: format!(
            "No op ran with a static shape: all {} ops ({} tasks, {}, {} of compute time) are `dynamic`, so every kernel picks its tiling at run time",
            groups.len(),
            tasks,
            fmt_us(total),
            fmt_pct(share)
        ),
        fix: "torch_npu: call torch_npu.npu.set_compile_mode(jit_compile=False) and set torch_npu.npu.config.allow_internal_format = False; offline models: convert with fixed input shapes (ATC --input_shape without -1).".to_string(),
        evidence,
        gain_us: None,
    });
}
