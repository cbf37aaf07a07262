//! `missed-fusion`: a fusion pattern that almost matched.
//!
//! ## What it flags
//! Every near miss of the fusion simulation (`analysis::fusion`): a chain of ops that a UB
//! fusion pattern of GE would compile into one kernel but for one obstacle: too many
//! element-wise ops for the pattern's limit, a multi-input op in the middle, a Caffe Reduction,
//! a dynamic shape, a reader outside the chain, a format conversion or an AI CPU op in between.
//! Also the tuning guide's MirrorPad → Mul case: an element-wise op behind an op without 5HD
//! support that has nothing to fuse into.
//!
//! ## Why it is slow on Ascend
//! Ops that do not fuse each run as a kernel of their own: every intermediate tensor is written
//! to DDR and read back, and every kernel costs a launch. UB fusion keeps the intermediates in
//! the Unified Buffer (tuning guide; `ascend.md` 4.2). Around an ND-only op such as MirrorPad,
//! GE also inserts two TransData format moves.
//!
//! ## What to do
//! The finding's fix names the change: fold constant scales into the convolution, move a
//! multi-input op to the head of a chain, replace a Caffe Reduction, give the model static
//! shapes, let only the chain read an intermediate, keep neighbours in one format, move an op off
//! the AI CPU; for MirrorPad → Mul, the guide's trick: an identity 1×1 convolution after
//! MirrorPad, so the Mul fuses into a Conv group and the TransData moves disappear.
//!
//! ## Evidence
//! `pattern`, `reason`, `limit` and `found` (too many element-wise ops), `ddr_bytes`,
//! `kernels_merged`, `launch_us_per_kernel`, `bandwidth_gbs`, `cann`, `target`, `source` (where
//! the pattern's facts come from, with what is uncertain), `blocker`. `gain_us` =
//! [`gain_us`]: the DDR traffic saved at the target's bandwidth plus one launch per merged
//! kernel, capped by the members' estimated time when the cost model has one.

use std::collections::BTreeMap;

use super::{Evidence, Finding, ModelCtx, Needs, RuleCtx, RuleOutput, RuleSpec, Severity};
use crate::analysis::cost::{self, CostModel};
use crate::analysis::fusion::{FusionGroup, FusionKind, NearMiss, NearMissReason};
use crate::target::Target;

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "missed-fusion",
    title: "A fusion pattern almost matched",
    severity: Severity::Medium,
    needs: Needs::Model,
    threshold: "every near miss of the fusion simulation: pattern limits of the tuning guide and CANN (ascend.md 4.3)",
    check,
};

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(model) = &ctx.model else {
        return;
    };
    let mut findings: Vec<Finding> = model
        .fusion
        .near_misses
        .iter()
        .map(|near| finding(model, near))
        .collect();
    findings.sort_by(|a, b| {
        b.gain_us
            .unwrap_or(0.0)
            .total_cmp(&a.gain_us.unwrap_or(0.0))
    });
    out.extend_capped(RULE.id, findings);
}

/// The gain of a fusion in µs, from the cost model: `ddr_bytes` of traffic at the target's
/// bandwidth plus the fixed cost of each merged kernel (`cost::kernel_overhead_us`), capped by
/// `members_us` (the estimated time of the ops involved) when that is known (> 0).
pub fn gain_us(target: &Target, ddr_bytes: u64, kernels_merged: u32, members_us: f64) -> f64 {
    let raw = cost::memory_us(target, ddr_bytes)
        + f64::from(kernels_merged) * cost::kernel_overhead_us(target);
    if members_us > 0.0 {
        raw.min(members_us)
    } else {
        raw
    }
}

/// The estimated time of a near miss's ops, the cap of its gain; 0 (no cap) when the rewrite
/// removes format moves, which saves time outside the listed ops.
fn members_us(cost: &CostModel, near: &NearMiss) -> f64 {
    if near.reason == NearMissReason::NoFusionHead {
        return 0.0;
    }
    near.nodes
        .iter()
        .filter_map(|&n| cost.per_node.get(n))
        .map(|c| c.estimated_us)
        .filter(|us| us.is_finite())
        .sum()
}

/// What fusing a near miss would gain, µs: the finding's `gain_us`, also for the near misses
/// past the finding cap (the fusion-savings chart counts them all).
pub fn near_miss_gain_us(target: &Target, cost: &CostModel, near: &NearMiss) -> f64 {
    gain_us(
        target,
        near.ddr_bytes_saved,
        near.kernels_merged,
        members_us(cost, near),
    )
}

/// What a formed fusion group gains over running its members apart, µs: its DDR traffic saved
/// and, for a UB group (one kernel), a launch per member after the first. Not capped: the cost
/// model times the fused kernel, not the members apart.
pub fn group_gain_us(target: &Target, group: &FusionGroup) -> f64 {
    let merged = match group.kind {
        FusionKind::Ub => u32::try_from(group.nodes.len().saturating_sub(1)).unwrap_or(u32::MAX),
        FusionKind::L2 | FusionKind::L1 => 0,
    };
    gain_us(target, group.ddr_bytes_saved, merged, 0.0)
}

fn finding(ctx: &ModelCtx, near: &NearMiss) -> Finding {
    let names = ctx.names(&near.nodes);
    let members_us = members_us(ctx.cost, near);
    let gain = near_miss_gain_us(ctx.target, ctx.cost, near);
    let message = format!(
        "{} could fuse into one kernel ({}) but: {}; fusing saves {} of DDR traffic and {} kernel launch{}",
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
        near.pattern,
        near.detail,
        bytes_text(near.ddr_bytes_saved),
        near.kernels_merged,
        if near.kernels_merged == 1 { "" } else { "es" }
    );
    let mut evidence = BTreeMap::new();
    evidence.insert("pattern", Evidence::from(near.pattern));
    evidence.insert("reason", Evidence::from(near.reason.id()));
    if let Some(limit) = near.limit {
        evidence.insert("limit", Evidence::from(limit));
    }
    if let Some(found) = near.found {
        evidence.insert("found", Evidence::from(found));
    }
    evidence.insert("ddr_bytes", Evidence::from(near.ddr_bytes_saved));
    evidence.insert("kernels_merged", Evidence::from(near.kernels_merged));
    evidence.insert(
        "launch_us_per_kernel",
        Evidence::from(cost::kernel_overhead_us(ctx.target)),
    );
    evidence.insert(
        "bandwidth_gbs",
        Evidence::from(ctx.target.spec.memory_gbs.value),
    );
    evidence.insert("cann", Evidence::from(ctx.cann.to_string()));
    evidence.insert("target", Evidence::from(ctx.target.id().id()));
    evidence.insert("source", Evidence::from(near.source));
    if let Some(blocker) = near.blocker {
        if let Some(name) = ctx.names(&[blocker]).pop() {
            evidence.insert("blocker", Evidence::from(name));
        }
    }
    if !near.outside.is_empty() {
        evidence.insert("outside", Evidence::from(ctx.names(&near.outside)));
    }
    if members_us > 0.0 {
        evidence.insert("members_us", Evidence::from(members_us));
    }
    Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes: names,
        message,
        fix: near.fix.clone(),
        evidence,
        gain_us: Some(super::round(gain, 3)),
    }
}

fn bytes_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.2} MiB", bytes as f64 / f64::from(1u32 << 20))
    } else if bytes >= 1 << 10 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gain_is_traffic_plus_launches_capped_by_the_members_time() {
        let target = Target::new(crate::target::TargetId::Ascend310);
        // The 310's 68 GB/s = 68 000 bytes per µs: 680 000 bytes take 10 µs; one merged kernel
        // adds the target's kernel overhead.
        let launch = target.spec.kernel_overhead_us.value;
        let bandwidth = target.bytes_per_us();
        assert!((bandwidth - 68_000.0).abs() < 1e-9, "{bandwidth}");
        assert!((gain_us(&target, 680_000, 1, 0.0) - (10.0 + launch)).abs() < 1e-9);
        // A cost model that says the ops take 12 µs caps the gain.
        assert!((gain_us(&target, 680_000, 1, 12.0) - 12.0).abs() < 1e-9);
        // No traffic: only launches count.
        assert!((gain_us(&target, 0, 2, 0.0) - 2.0 * launch).abs() < 1e-9);
        assert_eq!(bytes_text(2048), "2.0 KiB");
        assert_eq!(bytes_text(3 << 20), "3.00 MiB");
    }
}
