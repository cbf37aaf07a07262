//! How long work takes on a target: the rates and fixed costs of the cost model, each a µs
//! function other stages call for the gains of their findings.
//!
//! Every figure comes from [`Target`] (the table of `ascend.md` section 5, overridden by a
//! profile's `info.json`) or is a constant below with its source. Where no source gives a number
//! the constant says "assumed" and why; the calibration against a profile
//! ([`super::calibrate`]) is the remedy for all of them.

use crate::target::Target;

/// Fixed cost of one AI CPU task (scheduling it from the task queue, its kernel launch, the
/// synchronisation with the AI Core stream), µs. Measured: the smallest `AI_CPU` task of the
/// samples, a Cast of a scalar int32 on an A2, took 74 µs (seven such tasks: 74–198 µs,
/// `torchnpu-a2-kernel_details-arith-metrics.csv`). Assumed the same on every target: no 310
/// sample has AI CPU tasks. The msprof-analyze advisor flags AI CPU tasks from 20 µs
/// (`ascend.md` 6), so this is the right order.
pub const AICPU_TASK_US: f64 = 74.0;

/// Element operations one AI CPU core does per µs. Assumed: AI CPU kernels are mostly scalar
/// loops on Cortex-A55-class cores (`ascend.md` 5: the 310's AI CPU is part of 8 A55s), about one
/// element operation per cycle at about 1 GHz. Crude: NEON kernels can do several times more.
pub const AICPU_OPS_PER_US_PER_CORE: f64 = 1000.0;

/// How many times an AI CPU op's operands cross DDR compared with an AI Core op's. Assumed: the
/// AI Core writes the operands back to DDR for the AI CPU and reads its results back, on top of
/// the AI CPU's own read and write, so every byte moves twice.
pub const AICPU_COPY_FACTOR: f64 = 2.0;

/// Element width (bits) the Vector rate of the target table is quoted for (fp16, 128 lanes of the
/// 256-byte vector unit: `ascend.md` 5, the EVB1910 stub's "vector 256 B").
pub const VECTOR_RATE_BITS: u64 = 16;

/// Operations the Scalar unit issues per cycle and AI Core. Assumed: an in-order scalar pipeline,
/// about one operation per cycle; no source gives a figure.
pub const SCALAR_OPS_PER_CYCLE: f64 = 1.0;

/// A rate that is not positive or not finite becomes infinite time rather than a division by
/// zero, so one bad figure shows instead of hiding.
fn per(amount: f64, rate: f64) -> f64 {
    if amount <= 0.0 {
        0.0
    } else if rate > 0.0 && rate.is_finite() {
        amount / rate
    } else {
        f64::INFINITY
    }
}

/// Time for `macs` multiply-accumulates (already padded to the Cube's tiles) on the Cube of the
/// whole chip at its peak rate (`Target::cube_macs_per_us`: fp16, or int8 when `int8`). Assumes
/// the work spreads over every AI Core; see [`cube_us_on_cores`] for ops too small to.
pub fn cube_us(target: &Target, macs: u64, int8: bool) -> f64 {
    per(macs as f64, target.cube_macs_per_us(int8))
}

/// [`cube_us`] when only `cores` AI Cores get work (an op with fewer output tiles than cores).
pub fn cube_us_on_cores(target: &Target, macs: u64, int8: bool, cores: u64) -> f64 {
    let all = target.spec.ai_cores.value.max(1.0);
    let share = (cores as f64).clamp(1.0, all) / all;
    per(macs as f64, target.cube_macs_per_us(int8) * share)
}

/// Time for `ops` element operations on 16-bit elements on the Vector units of the whole chip
/// (`Target::vector_ops_per_us`).
pub fn vector_us(target: &Target, ops: u64) -> f64 {
    vector_us_bits(target, ops, VECTOR_RATE_BITS)
}

/// [`vector_us`] for elements of `bits` bits: the vector unit is 256 bytes wide, so 32-bit
/// elements go at half the fp16 rate. Narrower elements are assumed no faster than fp16 (most
/// 8-bit vector work widens first).
pub fn vector_us_bits(target: &Target, ops: u64, bits: u64) -> f64 {
    let slowdown = (bits.max(VECTOR_RATE_BITS) as f64) / VECTOR_RATE_BITS as f64;
    per(ops as f64 * slowdown, target.vector_ops_per_us())
}

/// Time for `ops` operations on the Scalar units of every AI Core ([`SCALAR_OPS_PER_CYCLE`] at the
/// AI Core clock).
pub fn scalar_us(target: &Target, ops: u64) -> f64 {
    let rate = SCALAR_OPS_PER_CYCLE * target.spec.clock_mhz.value * target.spec.ai_cores.value;
    per(ops as f64, rate)
}

/// Time to move `bytes` to or from off-chip memory at the target's bandwidth
/// (`Target::bytes_per_us`). Crude on the 910B, whose 192 MB L2 keeps many activations on chip.
pub fn memory_us(target: &Target, bytes: u64) -> f64 {
    per(bytes as f64, target.bytes_per_us())
}

/// The fixed cost of one AI Core kernel on `target`: the target table's figure, read off the
/// smallest tasks of real profiles (`TargetSpec::kernel_overhead_us`).
pub fn kernel_overhead_us(target: &Target) -> f64 {
    target.spec.kernel_overhead_us.value.max(0.0)
}

/// Time of one AI CPU task doing `elements` element operations on `bytes` of operands and
/// results: the task's fixed cost ([`AICPU_TASK_US`]), its compute on every AI CPU core
/// ([`AICPU_OPS_PER_US_PER_CORE`] × `target.spec.ai_cpu_cores`) and the copy of its data to and
/// from the AI CPU ([`AICPU_COPY_FACTOR`] × [`memory_us`]). The three add up: the copy happens
/// before and after the compute, and the task cannot start before its operands are in DDR.
pub fn aicpu_us(target: &Target, elements: u64, bytes: u64) -> f64 {
    AICPU_TASK_US + aicpu_compute_us(target, elements) + aicpu_copy_us(target, bytes)
}

/// The compute part of [`aicpu_us`].
pub fn aicpu_compute_us(target: &Target, elements: u64) -> f64 {
    let cores = target.spec.ai_cpu_cores.value.max(1.0);
    per(elements as f64, AICPU_OPS_PER_US_PER_CORE * cores)
}

/// The data-copy part of [`aicpu_us`].
pub fn aicpu_copy_us(target: &Target, bytes: u64) -> f64 {
    AICPU_COPY_FACTOR * memory_us(target, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::TargetId;

    #[test]
    fn rates_follow_the_target_table() {
        let target = Target::new(TargetId::Ascend310);
        // 8 TFLOPS fp16 = 4e6 MAC/µs: 4e9 MACs take 1000 µs; int8 runs twice as fast.
        assert!((cube_us(&target, 4_000_000_000, false) - 1000.0).abs() < 1e-6);
        assert!((cube_us(&target, 4_000_000_000, true) - 500.0).abs() < 1e-6);
        // One of two cores: twice the time.
        let one_core = cube_us_on_cores(&target, 4_000_000_000, false, 1);
        assert!((one_core - 2000.0).abs() < 1e-6, "{one_core}");
        // 0.25 TFLOPS vector: 250,000 ops/µs; 32-bit elements at half rate.
        assert!((vector_us(&target, 250_000) - 1.0).abs() < 1e-9);
        assert!((vector_us_bits(&target, 250_000, 32) - 2.0).abs() < 1e-9);
        // 68 GB/s = 68,000 bytes/µs.
        assert!((memory_us(&target, 68_000) - 1.0).abs() < 1e-9);
        // The smallest AI Core task of the real Ascend 310 export.
        assert!((kernel_overhead_us(&target) - 7.9).abs() < 1e-9);
        assert_eq!(cube_us(&target, 0, false), 0.0);
    }

    #[test]
    fn the_ai_cpu_is_much_slower_than_the_vector() {
        let target = Target::new(TargetId::Ascend310);
        let elements = 1_000_000;
        let bytes = 4_000_000;
        let on_cpu = aicpu_us(&target, elements, bytes);
        let on_core = vector_us(&target, elements).max(memory_us(&target, bytes))
            + kernel_overhead_us(&target);
        assert!(on_cpu > 5.0 * on_core, "{on_cpu} vs {on_core}");
        assert!(aicpu_us(&target, 0, 0) >= AICPU_TASK_US);
    }

    #[test]
    fn a_zero_rate_is_infinite_time_not_a_panic() {
        let mut target = Target::new(TargetId::Ascend310);
        target.spec.memory_gbs.value = 0.0;
        assert_eq!(memory_us(&target, 10), f64::INFINITY);
        assert_eq!(memory_us(&target, 0), 0.0);
    }
}
