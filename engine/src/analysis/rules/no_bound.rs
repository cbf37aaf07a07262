//! `no-bound`: long kernels where no pipe is saturated.
//!
//! ## What it flags
//! Tasks of at least 20 us whose PMU ratios (vec, mac, scalar, mte1, mte2, mte3; any core side)
//! are all at most 0.8. Threshold and pipe list as msprof-analyze advisor's Operator No Bound check
//! (ascend.md 6: `operator_bound_checker.py`, `operator_bound_ratio = 0.8` in `config.ini`, tasks ≥
//! 20 us). Tasks without PipeUtilization columns cannot be judged and are left out.
//!
//! ## Why it is slow on Ascend
//! A kernel that keeps no unit busy is waiting: on too few cores, on small tiles with per-tile
//! overhead, on scalar control code, or on synchronisation between pipes. Its time is latency,
//! not throughput, and faster units would not help.
//!
//! ## What to do
//! Check the tiling: more blocks (use every core), larger tiles per core, fewer synchronisation
//! points; fuse small kernels with their neighbours so each launch does more work.
//!
//! ## Evidence
//! `count` (flagged tasks), `total_us`, and the longest task's `duration_us`, `busiest_pipe`,
//! `busiest_ratio` and `block_dim`. No gain: the attainable speed is not known from the profile.

use super::{
    fmt_us, group_tasks, Evidence, Finding, Needs, ProfileCtx, RuleCtx, RuleOutput, RuleSpec,
    Severity,
};
use crate::profile::model::{Pipe, Pmu};

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "no-bound",
    title: "No pipe saturated in a long kernel",
    severity: Severity::Low,
    needs: Needs::Profile,
    threshold: "task >= 20 us and every vec/mac/scalar/mte1/mte2/mte3 ratio <= 0.8 (msprof-analyze advisor operator_bound_checker, config.ini operator_bound_ratio)",
    check,
};

pub const MIN_TASK_US: f64 = 20.0;
pub const BOUND_RATIO: f64 = 0.8;

const PIPES: [Pipe; 6] = [
    Pipe::Vec,
    Pipe::Mac,
    Pipe::Scalar,
    Pipe::Mte1,
    Pipe::Mte2,
    Pipe::Mte3,
];

/// The busiest of the advisor's pipes, when the task has any of their ratios.
fn busiest(pmu: &Pmu) -> Option<(Pipe, f64)> {
    PIPES
        .iter()
        .filter_map(|&pipe| pmu.ratio(pipe).map(|r| (pipe, r)))
        .reduce(|a, b| if b.1 > a.1 { b } else { a })
}

struct NoBound {
    op: String,
    count: u64,
    total_us: f64,
    longest_us: f64,
    pipe: Pipe,
    ratio: f64,
    block_dim: Option<u32>,
}

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.profile else {
        return;
    };
    let profile = ctx.profile;
    if profile.tasks.is_empty() {
        return;
    }
    if !profile
        .tasks
        .iter()
        .any(|t| profile.task_pmu(t).is_some_and(|p| busiest(p).is_some()))
    {
        out.skip(RULE.id, "no PipeUtilization ratios (vec/mac/scalar/mte*_ratio) in the profile; collect with --aic-metrics=PipeUtilization");
        return;
    }
    let groups = group_tasks(profile, |t| {
        t.duration_us >= MIN_TASK_US
            && profile
                .task_pmu(t)
                .and_then(busiest)
                .is_some_and(|(_, ratio)| ratio <= BOUND_RATIO)
    });
    let findings = groups
        .iter()
        .filter_map(|group| {
            let (pipe, ratio) = profile.task_pmu(group.longest).and_then(busiest)?;
            Some(finding(
                ctx,
                NoBound {
                    op: group.name.to_string(),
                    count: group.count,
                    total_us: group.total_us,
                    longest_us: group.longest.duration_us,
                    pipe,
                    ratio,
                    block_dim: group.longest.block_dim,
                },
            ))
        })
        .collect();
    out.extend_capped(RULE.id, findings);
}

fn finding(ctx: &ProfileCtx, issue: NoBound) -> Finding {
    let message = format!(
        "`{}`: {} tasks of at least 20 us ({} in all) keep no pipe above {BOUND_RATIO}; the longest ({}) is busiest on {} at {:.2}",
        issue.op,
        issue.count,
        fmt_us(issue.total_us),
        fmt_us(issue.longest_us),
        issue.pipe.name(),
        issue.ratio
    );
    let fix = "Look at the op's tiling: use more blocks (every core), larger tiles per core and fewer synchronisation points, or fuse it with its neighbours so each launch does more work.".to_string();
    let mut evidence = std::collections::BTreeMap::new();
    evidence.insert("count", Evidence::from(issue.count));
    evidence.insert("total_us", Evidence::from(issue.total_us));
    evidence.insert("duration_us", Evidence::from(issue.longest_us));
    evidence.insert("busiest_pipe", Evidence::from(issue.pipe.name()));
    evidence.insert("busiest_ratio", Evidence::from(issue.ratio));
    if let Some(block) = issue.block_dim {
        evidence.insert("block_dim", Evidence::from(block));
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
