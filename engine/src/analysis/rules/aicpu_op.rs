//! `aicpu-op`: ops that ran on the AI CPU.
//!
//! ## What it flags
//! Every op with tasks of type `AI_CPU`, worst total time first, when the longest AI CPU task is
//! at least 20 us. The threshold is msprof-analyze advisor's AICPU check (ascend.md 4.4, 6:
//! `aicpu_checker.py` lists AI_CPU tasks when the longest is ≥ 20 us).
//!
//! ## Why it is slow on Ascend
//! The AI CPU is a few general-purpose ARM cores; the AI Core's cube and vector units are orders
//! of magnitude faster, and a fallback also costs scheduling and data movement between units
//! (tuning guide: "heavier scalar work goes to the AI CPU"; ascend.md 4.4: an unsupported dtype is
//! the main documented reason, the others are op types or attributes without a TBE kernel).
//!
//! ## What to do
//! Give the op a dtype and shape its AI Core kernel supports (float64 → float32 above all), or
//! replace it by ops with AI Core kernels: the knowledge base's replacement for the op type where
//! it has one (`OpSpec::replacement`: the tuning guide's `tf.Pow` → `tf.mul`, the msprof-analyze
//! advisor's rewrite samples for IndexPut, Index, NonZero, ArgMin, Equal, Mul).
//!
//! ## Evidence
//! `count`, `total_us`, `max_us`, `share`, and the first task's `input_dtypes` and
//! `input_shapes`. `gain_us` is the op's AI CPU time: an upper bound of what moving it saves.

use super::{
    fmt_pct, fmt_us, group_tasks, Evidence, Finding, Needs, ProfileCtx, RuleCtx, RuleOutput,
    RuleSpec, Severity,
};
use crate::knowledge;
use crate::profile::model::Unit;

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "aicpu-op",
    title: "Op ran on the AI CPU",
    severity: Severity::High,
    needs: Needs::Profile,
    threshold: "longest AI CPU task >= 20 us (msprof-analyze advisor aicpu_checker)",
    check,
};

/// Minimum longest AI CPU task for the rule to report (advisor).
pub const MIN_LONGEST_US: f64 = 20.0;

struct AiCpuOp {
    op: String,
    op_type: String,
    count: u64,
    total_us: f64,
    max_us: f64,
    dtypes: String,
    shapes: String,
}

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.profile else {
        return;
    };
    let profile = ctx.profile;
    if profile.tasks.is_empty() {
        let on_cpu: Vec<_> = profile
            .op_statistics
            .iter()
            .filter(|s| s.unit == Unit::AiCpu)
            .collect();
        if on_cpu.is_empty() {
            return;
        }
        let mut findings = Vec::new();
        for stat in on_cpu {
            let total = stat.total_us.unwrap_or(0.0);
            findings.push(finding(
                ctx,
                AiCpuOp {
                    op: stat.op.clone(),
                    op_type: stat.op_type.clone(),
                    count: stat.count,
                    total_us: total,
                    max_us: stat.max_us.unwrap_or(0.0),
                    dtypes: String::new(),
                    shapes: String::new(),
                },
            ));
        }
        findings.sort_by(|a, b| {
            b.gain_us
                .unwrap_or(0.0)
                .total_cmp(&a.gain_us.unwrap_or(0.0))
        });
        out.extend_capped(RULE.id, findings);
        return;
    }
    let groups = group_tasks(profile, |t| t.unit == Unit::AiCpu);
    let longest = groups
        .iter()
        .map(|g| g.longest.duration_us)
        .fold(0.0, f64::max);
    if groups.is_empty() || longest < MIN_LONGEST_US {
        return;
    }
    let findings = groups
        .iter()
        .map(|group| {
            finding(
                ctx,
                AiCpuOp {
                    op: group.name.to_string(),
                    op_type: profile.str(group.longest.op_type).to_string(),
                    count: group.count,
                    total_us: group.total_us,
                    max_us: group.longest.duration_us,
                    dtypes: profile.str(group.longest.input_dtypes).to_string(),
                    shapes: profile.str(group.longest.input_shapes).to_string(),
                },
            )
        })
        .collect();
    out.extend_capped(RULE.id, findings);
}

fn finding(ctx: &ProfileCtx, op: AiCpuOp) -> Finding {
    let share = ctx.share(op.total_us);
    let type_text = if op.op_type.is_empty() {
        String::new()
    } else {
        format!(" ({})", op.op_type)
    };
    let mut message = format!(
        "`{}`{type_text} ran on the AI CPU: {} tasks, {} ({} of compute time), longest {}",
        op.op,
        op.count,
        fmt_us(op.total_us),
        fmt_pct(share),
        fmt_us(op.max_us)
    );
    if !op.dtypes.is_empty() {
        message.push_str(&format!("; inputs {}", op.dtypes));
        if !op.shapes.is_empty() {
            message.push_str(&format!(" of shape {}", op.shapes));
        }
    }
    let upper = op.dtypes.to_ascii_uppercase();
    let replacement = knowledge::lookup_any(&op.op_type).and_then(|spec| spec.replacement);
    let fix = if upper.contains("DOUBLE") || upper.contains("FLOAT64") {
        "Convert the float64 (double) inputs to float32: AI Core kernels do not take double, so the op falls back to the AI CPU (msprof-analyze advisor's double→float rule).".to_string()
    } else if upper.contains("COMPLEX") || upper.contains("STRING") {
        "Avoid complex or string tensors in this op: AI Core kernels take float, float16, bf16, bool and integer types only.".to_string()
    } else if let Some(replacement) = replacement {
        format!(
            "{} has an AI Core replacement, {}, when {}: {}.",
            op.op_type, replacement.with, replacement.when, replacement.how
        )
    } else {
        "Make the op run on the AI Core: use a dtype and shape its AI Core kernel supports, or replace it by ops that have AI Core kernels (tuning guide: tf.Pow() → tf.mul()).".to_string()
    };
    let mut evidence = std::collections::BTreeMap::new();
    evidence.insert("count", Evidence::from(op.count));
    evidence.insert("total_us", Evidence::from(op.total_us));
    evidence.insert("max_us", Evidence::from(op.max_us));
    evidence.insert("share", Evidence::from(share));
    if !op.dtypes.is_empty() {
        evidence.insert("input_dtypes", Evidence::from(op.dtypes.clone()));
    }
    if !op.shapes.is_empty() {
        evidence.insert("input_shapes", Evidence::from(op.shapes.clone()));
    }
    Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes: ctx.nodes_of(&op.op),
        message,
        fix,
        evidence,
        gain_us: Some(super::round(op.total_us, 3)),
    }
}
