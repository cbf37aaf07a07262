//! `memory-bound`: kernels limited by moving data from global memory.
//!
//! ## What it flags
//! Tasks of at least 20 us with `memory_bound > 1`, where `memory_bound = mte2_ratio /
//! max(mac_ratio, vec_ratio)` (msprof `runtime_report.py`, ascend.md 1.4: "> 1 means
//! memory-transfer bound"), or the file's own `memory_bound` column. The 20 us floor is ours,
//! borrowed from the advisor's no-bound check, so that tiny kernels do not flood the list.
//!
//! ## Why it is slow on Ascend
//! MTE2 moves data from global memory (HBM/DDR) into the core's buffers. When it is busier than
//! the cube and vector units, those units wait for data and extra compute speed is wasted.
//!
//! ## What to do
//! Move less data: fuse the op with its producer or consumer so intermediates stay in the Unified
//! Buffer (UB fusion), remove format conversions around it, use a narrower dtype (fp16/bf16), and
//! tile for data reuse.
//!
//! ## Evidence
//! `count`, `total_us`, and the longest task's `memory_bound`, `mte2_ratio`, `mac_ratio`,
//! `vec_ratio` (highest over the core sides). No gain: the data volume that can be avoided is not
//! in the profile.

use super::{
    fmt_us, group_tasks, Evidence, Finding, Needs, ProfileCtx, RuleCtx, RuleOutput, RuleSpec,
    Severity,
};
use crate::profile::model::Pipe;

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "memory-bound",
    title: "Kernel bound by global-memory transfers",
    severity: Severity::Medium,
    needs: Needs::Profile,
    threshold:
        "memory_bound = mte2/max(mac, vec) > 1 (msprof runtime_report.py) and task >= 20 us (ours)",
    check,
};

pub const MIN_TASK_US: f64 = 20.0;
pub const BOUND: f64 = 1.0;

struct MemoryBound {
    op: String,
    count: u64,
    total_us: f64,
    memory_bound: f64,
    mte2: Option<f64>,
    mac: Option<f64>,
    vec: Option<f64>,
}

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.profile else {
        return;
    };
    let profile = ctx.profile;
    if profile.tasks.is_empty() {
        return;
    }
    let bound_of = |t: &crate::profile::Task| profile.task_pmu(t).and_then(|p| p.memory_bound());
    if !profile.tasks.iter().any(|t| bound_of(t).is_some()) {
        out.skip(RULE.id, "no mte2/mac/vec ratios or memory_bound column in the profile; collect with --aic-metrics=PipeUtilization");
        return;
    }
    let groups = group_tasks(profile, |t| {
        t.duration_us >= MIN_TASK_US && bound_of(t).is_some_and(|b| b > BOUND)
    });
    let findings = groups
        .iter()
        .filter_map(|group| {
            let pmu = profile.task_pmu(group.longest)?;
            Some(finding(
                ctx,
                MemoryBound {
                    op: group.name.to_string(),
                    count: group.count,
                    total_us: group.total_us,
                    memory_bound: pmu.memory_bound()?,
                    mte2: pmu.ratio(Pipe::Mte2),
                    mac: pmu.ratio(Pipe::Mac),
                    vec: pmu.ratio(Pipe::Vec),
                },
            ))
        })
        .collect();
    out.extend_capped(RULE.id, findings);
}

fn finding(ctx: &ProfileCtx, issue: MemoryBound) -> Finding {
    let ratio = |r: Option<f64>| {
        r.map(|v| format!("{v:.2}"))
            .unwrap_or_else(|| "n/a".to_string())
    };
    let message = format!(
        "`{}` is memory-bound: memory_bound {:.2} (mte2 {}, mac {}, vec {}) on its longest task; {} tasks ≥ 20 us, {}",
        issue.op,
        issue.memory_bound,
        ratio(issue.mte2),
        ratio(issue.mac),
        ratio(issue.vec),
        issue.count,
        fmt_us(issue.total_us)
    );
    let fix = "Move less data from global memory: fuse the op with its producer or consumer so intermediates stay in the Unified Buffer, remove format conversions around it, use fp16/bf16, and tile for reuse.".to_string();
    let mut evidence = std::collections::BTreeMap::new();
    evidence.insert("count", Evidence::from(issue.count));
    evidence.insert("total_us", Evidence::from(issue.total_us));
    evidence.insert("memory_bound", Evidence::from(issue.memory_bound));
    for (key, value) in [
        ("mte2_ratio", issue.mte2),
        ("mac_ratio", issue.mac),
        ("vec_ratio", issue.vec),
    ] {
        if let Some(value) = value {
            evidence.insert(key, Evidence::from(value));
        }
    }
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
