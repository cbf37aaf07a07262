//! Every gain formula of the model rules, in one place, in terms of a node's time (the cost
//! model's estimate, or the measurement when a profile was joined) and the target's figures
//! (`bytes_per_us`, `vector_ops_per_us`). When the cost model changes, the gains follow; no rule
//! computes a time of its own.
//!
//! Invariants: every gain is ≥ 0 and finite (0 when a figure is missing or zero), in µs, and an
//! upper bound of what the fix saves.

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

/// Time of one element-wise kernel on the AI Core's Vector: the roofline of `elements`
/// operations at the Vector rate and `bytes` moved at the memory bandwidth.
pub fn vector_kernel_us(target: &Target, elements: u64, bytes: u64) -> f64 {
    let compute = ratio(elements as f64, target.vector_ops_per_us());
    let memory = ratio(bytes as f64, target.bytes_per_us());
    compute.max(memory)
}

/// `aicpu-replaceable`: the op's AI CPU time minus `kernels` element-wise kernels on the AI
/// Core, each reading and writing `elements` elements of `element_bytes` bytes.
pub fn aicpu_replacement_gain(
    target: &Target,
    time: NodeTime,
    kernels: u64,
    elements: u64,
    element_bytes: u64,
) -> (f64, f64) {
    let bytes = elements.saturating_mul(element_bytes).saturating_mul(2);
    let replacement_us = kernels as f64 * vector_kernel_us(target, elements, bytes);
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

/// `transdata-avoidable`: a format conversion reads and writes its tensor once through DDR;
/// the time of conversions of `bytes` (each tensor counted once) at the target's bandwidth.
pub fn conversion_us(target: &Target, bytes: u64) -> f64 {
    ratio(2.0 * bytes as f64, target.bytes_per_us())
}

/// `dynamic-shape`: DDR traffic a static-shape fusion would save, at the target's bandwidth.
pub fn ddr_us(target: &Target, bytes: u64) -> f64 {
    ratio(bytes as f64, target.bytes_per_us())
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 && denominator.is_finite() {
        nonneg(numerator / denominator)
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
    fn aicpu_gain_is_the_cpu_time_minus_the_vector_kernels() {
        let target = Target::new(TargetId::Ascend310);
        let elements = 1_000_000;
        let one = vector_kernel_us(&target, elements, elements * 4 * 2);
        // 8 MB at 68 GB/s (68 000 B/us) is memory-bound: about 117.6 us.
        assert!((one - 8_000_000.0 / 68_000.0).abs() < 1e-6, "{one}");
        let (gain, replacement) = aicpu_replacement_gain(&target, time(500.0), 2, elements, 4);
        assert!((replacement - 2.0 * one).abs() < 1e-9);
        assert!((gain - (500.0 - 2.0 * one)).abs() < 1e-9);
        // A replacement slower than the op gains nothing, never a negative number.
        assert_eq!(
            aicpu_replacement_gain(&target, time(1.0), 2, elements, 4).0,
            0.0
        );
    }

    #[test]
    fn shares_and_ratios() {
        assert!((padding_gain(time(100.0), 0.4375) - 43.75).abs() < 1e-9);
        assert_eq!(padding_gain(time(100.0), 2.0), 100.0);
        assert!((combined_share(&[0.5, 0.5]) - 0.75).abs() < 1e-12);
        assert!((ratio_gain(time(20_000.0), 20.0, 1.6) - 18_400.0).abs() < 1e-6);
        assert_eq!(ratio_gain(time(10.0), 0.0, 1.0), 0.0);
        let target = Target::new(TargetId::Ascend310);
        assert!((conversion_us(&target, 68_000) - 2.0).abs() < 1e-9);
        assert!((ddr_us(&target, 68_000) - 1.0).abs() < 1e-9);
    }
}
