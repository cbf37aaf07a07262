//! `block-dim`: kernels whose Block Dim is not a multiple of the core count.
//!
//! ## What it flags
//! AI Core, AI Vector and Mix tasks whose `Block Dim` / `Block Num` is not a multiple of the
//! number of cores of their kind (AI Core count for `AI_CORE` and `MIX_AIC`, vector-core count
//! `aiv_num` for `AI_VECTOR_CORE` and `MIX_AIV`). As msprof-analyze advisor's Block Dim check
//! (ascend.md 6, `block_dim_checker.py`), which also skips dynamic-shape runs: their tiling, and
//! so their block count, is chosen per shape at run time.
//!
//! The core count comes from info.json (`ai_core_num`, `aiv_num`), else from the chip when one
//! figure holds for it (Ascend 310: 2), else the caller's; without one the check is skipped and
//! says so, never guessed.
//!
//! ## Why it is slow on Ascend
//! A kernel's blocks are spread over the cores in waves. With 20 blocks on 24 cores, 4 cores idle
//! for the whole kernel; with 30 blocks on 24 cores the second wave runs 6 blocks while 18 cores
//! idle. The kernel time is set by the slowest wave.
//!
//! ## What to do
//! Choose a tiling or an input shape whose block count is a multiple of the core count (or at
//! least fills the last wave), e.g. split the largest axis into as many parts as there are cores.
//!
//! ## Evidence
//! `block_dim`, `cores`, `core_source`, `waves`, `core_use` (blocks / (waves × cores)), `count`,
//! `total_us`. No gain is given: how much time an even split saves depends on the kernel.

use super::{
    fmt_pct, fmt_us, group_tasks, Evidence, Finding, Needs, ProfileCtx, RuleCtx, RuleOutput,
    RuleSpec, Severity,
};
use crate::profile::model::{OpState, Task, Unit};

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "block-dim",
    title: "Block Dim not a multiple of the core count",
    severity: Severity::Medium,
    needs: Needs::Profile,
    threshold: "Block Dim % cores != 0; skipped for dynamic-shape runs (msprof-analyze advisor block_dim_checker)",
    check,
};

struct BlockDimIssue {
    op: String,
    block_dim: u32,
    cores: u32,
    core_kind: &'static str,
    core_source: String,
    count: u64,
    total_us: f64,
}

/// The cores a task's blocks are spread over, and which kind they are.
fn cores_for(ctx: &ProfileCtx, task: &Task) -> Option<(u32, &'static str, String)> {
    let task_type = ctx.profile.str(task.task_type).to_ascii_uppercase();
    let vector = task.unit == Unit::AiVector || task_type.contains("MIX_AIV");
    if vector {
        let n = ctx.profile.device.aiv_num.filter(|n| *n > 0)?;
        Some((n, "vector cores", "info.json aiv_num".to_string()))
    } else {
        let n = ctx.ai_cores.value().filter(|n| *n > 0)?;
        Some((n, "AI Cores", ctx.ai_cores.source()))
    }
}

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.profile else {
        return;
    };
    let profile = ctx.profile;
    let kernels = || {
        profile
            .tasks
            .iter()
            .filter(|t| t.unit.is_ai_core() && t.block_dim.is_some_and(|b| b > 0))
    };
    if kernels().next().is_none() {
        if !profile.tasks.is_empty() {
            out.skip(RULE.id, "no AI Core task has a Block Dim");
        }
        return;
    }
    let states: Vec<OpState> = profile
        .tasks
        .iter()
        .map(|t| t.op_state)
        .filter(|s| *s != OpState::Unknown)
        .collect();
    if !states.is_empty() && !states.contains(&OpState::Static) {
        out.skip(RULE.id, "every op is dynamic-shape, so block counts are chosen per shape at run time (as msprof-analyze advisor, the check is skipped; see dynamic-shape)");
        return;
    }
    if ctx.ai_cores.value().is_none() {
        out.skip(RULE.id, "AI Core count unknown: give the run's info.json (DeviceInfo ai_core_num) or --ai-core-num");
        return;
    }
    let vector_unknown = kernels().any(|t| cores_for(ctx, t).is_none());
    if vector_unknown {
        out.notes.push(
            "block-dim: vector-core tasks not checked (aiv_num unknown: give the run's info.json)"
                .to_string(),
        );
    }
    let groups = group_tasks(profile, |t| {
        let Some(block) = t.block_dim.filter(|b| *b > 0) else {
            return false;
        };
        t.unit.is_ai_core() && cores_for(ctx, t).is_some_and(|(cores, _, _)| block % cores != 0)
    });
    let findings = groups
        .iter()
        .filter_map(|group| {
            let (cores, core_kind, core_source) = cores_for(ctx, group.longest)?;
            Some(finding(
                ctx,
                BlockDimIssue {
                    op: group.name.to_string(),
                    block_dim: group.longest.block_dim?,
                    cores,
                    core_kind,
                    core_source,
                    count: group.count,
                    total_us: group.total_us,
                },
            ))
        })
        .collect();
    out.extend_capped(RULE.id, findings);
}

fn finding(ctx: &ProfileCtx, issue: BlockDimIssue) -> Finding {
    let waves = issue.block_dim.div_ceil(issue.cores);
    let core_use = f64::from(issue.block_dim) / f64::from(waves * issue.cores);
    let idle = waves * issue.cores - issue.block_dim;
    let message = format!(
        "`{}` ran with Block Dim {} on {} {}: {} wave(s), {} core slots idle in the last wave ({} core use); {} tasks, {}",
        issue.op,
        issue.block_dim,
        issue.cores,
        issue.core_kind,
        waves,
        idle,
        fmt_pct(core_use),
        issue.count,
        fmt_us(issue.total_us)
    );
    let target = waves * issue.cores;
    let fix = format!(
        "Tile the op (or pick its input shape) so the block count is a multiple of {} (e.g. {} instead of {}), so that no core idles in the last wave.",
        issue.cores, target, issue.block_dim
    );
    let mut evidence = std::collections::BTreeMap::new();
    evidence.insert("block_dim", Evidence::from(issue.block_dim));
    evidence.insert("cores", Evidence::from(issue.cores));
    evidence.insert("core_source", Evidence::from(issue.core_source));
    evidence.insert("waves", Evidence::from(waves));
    evidence.insert("core_use", Evidence::from(core_use));
    evidence.insert("count", Evidence::from(issue.count));
    evidence.insert("total_us", Evidence::from(issue.total_us));
    Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes: ctx.nodes_of(&issue.op),
        message,
        fix,
        evidence,
        gain_us: None,
    }
}
