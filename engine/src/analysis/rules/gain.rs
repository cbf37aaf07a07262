//! Every gain formula of the model rules, in one place, in terms of a node's time (the cost
//! model's estimate, or the measurement when a profile was joined) and the cost model's own
//! helpers (`analysis::cost`: memory time, kernel overhead, a node re-costed on the AI Core).
//! When the cost model changes, the gains follow; no rule computes a time of its own.
//!
//! Invariants: every gain is ≥ 0 and finite (0 when a figure is missing or zero), in µs, and an
//! upper bound of what the fix saves.

use crate::analysis::cost;
use crate::ir::NodeId;
use crate::target::Target;

use super::ModelCtx;

/// A node's time and where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeTime {
    pub us: f64,
    /// True when a profile measured it; else the cost model's estimate.
    pub measured: bool,
}

impl NodeTime {
    /// `measured` or `estimated`, for evidence.
    pub fn source(self) -> &'static str {
        if self.measured {
            "measured"
        } else {
            "estimated"
        }
    }
}

/// The node's measured time when a profile was joined to it, else the cost model's estimate.
pub fn node_time(ctx: &ModelCtx, node: NodeId) -> NodeTime {
    let measured = ctx
        .measured
        .and_then(|m| m.node_us.get(node).copied().flatten())
        .filter(|us| us.is_finite() && *us >= 0.0);
    match measured {
        Some(us) => NodeTime { us, measured: true },
        None => NodeTime {
            us: ctx
                .cost
                .per_node
                .get(node)
                .map(|c| c.estimated_us)
                .filter(|us| us.is_finite() && *us >= 0.0)
                .unwrap_or(0.0),
            measured: false,
        },
    }
}

/// `aicpu-replaceable`: the op's AI CPU time minus `kernels` kernels of the same shape on the
/// AI Core (the cost model's estimate of this node re-costed on its AI Core unit, each kernel
/// with its fixed cost). Returns the gain and the replacement's time.
pub fn aicpu_replacement_gain(
    costing: &cost::Costing,
    node: NodeId,
    time: NodeTime,
    kernels: u64,
) -> (f64, f64) {
    let one = costing.on_ai_core(node);
    let replacement_us = kernels as f64 * finite(one.estimated_us);
    (nonneg(time.us - replacement_us), replacement_us)
}

/// `channel-alignment`: the share of the node's time spent on zero padding.
pub fn padding_gain(time: NodeTime, wasted_share: f64) -> f64 {
    nonneg(time.us * wasted_share.clamp(0.0, 1.0))
}

/// Shares saved by independent changes, combined: `1 - Π(1 - share)`.
pub fn combined_share(shares: &[f64]) -> f64 {
    1.0 - shares
        .iter()
        .map(|s| 1.0 - s.clamp(0.0, 1.0))
        .product::<f64>()
}

/// `interp-divisibility`: a measured before/after pair (the tuning guide's 20 ms → 1.6 ms)
/// applied to the node's time.
pub fn ratio_gain(time: NodeTime, before: f64, after: f64) -> f64 {
    if before <= 0.0 {
        return 0.0;
    }
    nonneg(time.us * (1.0 - after / before))
}

/// `transdata-avoidable`: `conversions` format-conversion kernels over tensors of `bytes` in all
/// (each read and written once through DDR), each with the kernel's fixed cost.
pub fn conversion_us(target: &Target, bytes: u64, conversions: u64) -> f64 {
    finite(cost::memory_us(target, bytes.saturating_mul(2)))
        + conversions as f64 * finite(cost::kernel_overhead_us(target))
}

/// `dynamic-shape`: DDR traffic a static-shape fusion would save, at the target's bandwidth.
pub fn ddr_us(target: &Target, bytes: u64) -> f64 {
    finite(cost::memory_us(target, bytes))
}

fn finite(value: f64) -> f64 {
    if value.is_finite() {
        nonneg(value)
    } else {
        0.0
    }
}

fn nonneg(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 {
        value
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::TargetId;

    fn time(us: f64) -> NodeTime {
        NodeTime {
            us,
            measured: false,
        }
    }

    #[test]
    fn shares_and_ratios() {
        assert!((padding_gain(time(100.0), 0.4375) - 43.75).abs() < 1e-9);
        assert_eq!(padding_gain(time(100.0), 2.0), 100.0);
        assert!((combined_share(&[0.5, 0.5]) - 0.75).abs() < 1e-12);
        assert!((ratio_gain(time(20_000.0), 20.0, 1.6) - 18_400.0).abs() < 1e-6);
        assert_eq!(ratio_gain(time(10.0), 0.0, 1.0), 0.0);
        let target = Target::new(TargetId::Ascend310);
        // Two conversions of 68 000 bytes in all: read and written (2 µs at 68 GB/s) plus two
        // kernels' fixed cost.
        let expected = 2.0 + 2.0 * target.spec.kernel_overhead_us.value;
        assert!((conversion_us(&target, 68_000, 2) - expected).abs() < 1e-9);
        assert!((ddr_us(&target, 68_000) - 1.0).abs() < 1e-9);
    }
}
