//! `aicpu-replaceable`: ops on the AI CPU that have an AI Core replacement.
//!
//! ## What it flags
//! Every node whose unit is the AI CPU (predicted by the knowledge base, stated by a compiled
//! graph, or measured by a profile) and whose knowledge row names an AI Core replacement
//! (`OpSpec::replacement`) whose condition holds on the node:
//! - `Pow` with a constant integer exponent n ≥ 1 (read from the constant input): a chain of
//!   Muls by repeated squaring (x² = x·x: 1 Mul; x³ = x·x·x: 2; x⁴ = (x·x)²: 2). A non-integer,
//!   zero or negative exponent (2.5, 0, -1) is not rewritten that way and gets no finding here: a
//!   rewrite through Exp and Log holds only for positive inputs and changes the numerics, which
//!   a model-level rule cannot check (a measured AI CPU Pow still shows in `aicpu-op`). Integer
//!   exponents above [`MAX_EXPONENT`] are left alone too.
//! - `Cast` when an input or output has a dtype its AI Core kernel does not take (the row's
//!   dtypes; its replacement: float64 → float32). A Cast on the AI CPU for another reason is left
//!   to `aicpu-op` (measured) rather than given a replacement that does not apply.
//! - every other op with a replacement as its row states it (the msprof-analyze advisor's
//!   examples), with the dtypes its AI Core kernel does not take.
//!
//! ## Why it is slow on Ascend
//! The AI CPU is a few ARM cores next to the AI Cores; an op there computes element by element
//! and costs a hand-over between units (ascend.md 4.4). The tuning guide's example: `tf.Pow`
//! runs on the AI CPU of the Ascend 310, and replacing it by `tf.mul` moves it to the AI Core
//! and is much faster.
//!
//! ## What to do
//! Apply the rewrite the finding names (the Mul chain, a float32 cast, ...), then convert the
//! model again.
//!
//! ## Evidence
//! `op_type`, `unit_reason`, `replacement`, `node_us` and `time_source` (estimated or measured),
//! `replacement_us` (the AI Core kernels at the target's Vector rate and bandwidth,
//! `gain::aicpu_replacement_gain`); for Pow `exponent` and `muls`; `unsupported_dtypes` when the
//! AI Core kernel does not take the node's dtypes. `gain_us` = node time − replacement time.

use super::gain::{self, NodeTime};
use super::{fmt_us, Evidence, Finding, ModelCtx, Needs, RuleCtx, RuleOutput, RuleSpec, Severity};
use crate::analysis::cost;
use crate::analysis::units::UnitReason;
use crate::ir::{AttrValue, ConstValue, DType, Graph, NodeId, TensorId};
use crate::knowledge::{ExecUnit, OpSpec, Replacement};

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "aicpu-replaceable",
    title: "AI CPU op with an AI Core replacement",
    severity: Severity::High,
    needs: Needs::Model,
    threshold: "any AI CPU node whose knowledge row names a replacement whose condition holds (knowledge base; tuning guide: tf.Pow → tf.mul)",
    check,
};

/// Largest integer exponent rewritten as a Mul chain (ours: beyond it the chain is long and
/// its rounding drifts from `pow`'s).
pub const MAX_EXPONENT: i64 = 64;

/// A replacement's condition checked on a node, per canonical op; ops not listed take their
/// row's replacement as it stands.
type Condition = fn(&ModelCtx, NodeId, &OpSpec) -> Option<Rewrite>;
const CONDITIONS: &[(&str, Condition)] = &[("Pow", pow_rewrite), ("Cast", dtype_rewrite)];

/// The concrete rewrite of one node.
struct Rewrite {
    /// What replaces the node, with the numbers (`x^2 = x * x: 1 Mul`).
    summary: String,
    /// The fix sentence.
    fix: String,
    /// Element-wise AI Core kernels the replacement runs.
    kernels: u64,
    evidence: Vec<(&'static str, Evidence)>,
}

/// The data of one finding.
struct Replaceable {
    node: NodeId,
    op_type: String,
    reason: String,
    replacement: Replacement,
    rewrite: Rewrite,
    unsupported: Vec<String>,
    /// The unit's reason already names the dtype.
    reason_is_dtype: bool,
    time: NodeTime,
    replacement_us: f64,
    gain_us: f64,
}

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.model else {
        return;
    };
    let graph = &ctx.model.graph;
    let costing = cost::Costing::new(graph, ctx.units, ctx.target);
    let mut found = Vec::new();
    for (id, unit) in ctx.units.iter().enumerate() {
        if unit.unit != ExecUnit::AiCpu {
            continue;
        }
        let (Some(spec), Some(node)) = (unit.spec, graph.nodes.get(id)) else {
            continue;
        };
        let Some(replacement) = spec.replacement else {
            continue;
        };
        let rewrite = match CONDITIONS.iter().find(|(c, _)| *c == spec.canonical) {
            Some((_, condition)) => match condition(ctx, id, spec) {
                Some(rewrite) => rewrite,
                None => continue,
            },
            None => generic_rewrite(&replacement),
        };
        let time = gain::node_time(ctx, id);
        let (gain_us, replacement_us) =
            gain::aicpu_replacement_gain(&costing, id, time, rewrite.kernels);
        found.push(Replaceable {
            node: id,
            op_type: node.op_type.clone(),
            reason: unit.reason.describe(unit.unit),
            reason_is_dtype: matches!(unit.reason, UnitReason::DtypeNotSupported { .. }),
            replacement,
            unsupported: unsupported_dtypes(graph, spec, id),
            rewrite,
            time,
            replacement_us,
            gain_us,
        });
    }
    found.sort_by(|a, b| b.gain_us.total_cmp(&a.gain_us).then(a.node.cmp(&b.node)));
    let findings = found.into_iter().map(|r| finding(ctx, r)).collect();
    out.extend_capped(RULE.id, findings);
}

fn finding(ctx: &ModelCtx, r: Replaceable) -> Finding {
    let names = ctx.names(&[r.node]);
    let name = names.first().cloned().unwrap_or_default();
    let mut message = format!(
        "`{name}` ({}) runs on the AI CPU of the {}: {}; {}",
        r.op_type, ctx.target.spec.name, r.reason, r.rewrite.summary
    );
    if !r.unsupported.is_empty() && !r.reason_is_dtype {
        message.push_str(&format!(
            "; its AI Core kernel does not take {}",
            r.unsupported.join(", ")
        ));
    }
    if r.time.us > 0.0 {
        message.push_str(&format!(
            "; {} {} on the AI CPU against {} on the AI Core",
            fmt_us(r.time.us),
            r.time.source(),
            fmt_us(r.replacement_us)
        ));
    }
    let mut evidence = std::collections::BTreeMap::new();
    evidence.insert("op_type", Evidence::from(r.op_type.clone()));
    evidence.insert("unit_reason", Evidence::from(r.reason.clone()));
    evidence.insert("replacement", Evidence::from(r.replacement.with));
    evidence.insert("node_us", Evidence::from(r.time.us));
    evidence.insert("time_source", Evidence::from(r.time.source()));
    evidence.insert("replacement_us", Evidence::from(r.replacement_us));
    if !r.unsupported.is_empty() {
        evidence.insert("unsupported_dtypes", Evidence::from(r.unsupported.clone()));
    }
    for (key, value) in r.rewrite.evidence {
        evidence.insert(key, value);
    }
    Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes: names,
        message,
        fix: r.rewrite.fix,
        evidence,
        gain_us: Some(super::round(r.gain_us, 3)),
    }
}

/// The row's replacement as it stands, for ops without a condition of their own.
fn generic_rewrite(replacement: &Replacement) -> Rewrite {
    Rewrite {
        summary: format!(
            "the knowledge base replaces it by {} when {}",
            replacement.with, replacement.when
        ),
        fix: format!(
            "Use {}: {} (applies when {}).",
            replacement.with, replacement.how, replacement.when
        ),
        kernels: 1,
        evidence: Vec::new(),
    }
}

/// The row's replacement when the node has a dtype its AI Core kernel does not take (Cast:
/// "the input or output is float64 or uint64").
fn dtype_rewrite(ctx: &ModelCtx, node: NodeId, spec: &OpSpec) -> Option<Rewrite> {
    let replacement = spec.replacement?;
    (!unsupported_dtypes(&ctx.model.graph, spec, node).is_empty())
        .then(|| generic_rewrite(&replacement))
}

/// Pow with a constant integer exponent n in 1..=[`MAX_EXPONENT`]: a Mul chain.
fn pow_rewrite(ctx: &ModelCtx, node: NodeId, _spec: &OpSpec) -> Option<Rewrite> {
    let graph = &ctx.model.graph;
    let exponent_input = graph.nodes.get(node)?.inputs.get(1).copied().flatten()?;
    let values = constant_values(graph, exponent_input)?;
    let first = *values.first()?;
    if values.iter().any(|&v| v != first) || first.fract() != 0.0 {
        return None;
    }
    if !(1.0..=MAX_EXPONENT as f64).contains(&first) {
        return None;
    }
    let n = first as u64;
    let muls = u64::from(n.ilog2() + n.count_ones() - 1);
    let plural = if muls == 1 { "" } else { "s" };
    let (summary, fix) = match n {
        1 => (
            "x^1 = x: the Pow computes nothing".to_string(),
            "Drop the Pow: x^1 = x.".to_string(),
        ),
        _ => {
            let (math, code) = match n {
                2 => ("x^2 = x * x".to_string(), "y = x * x"),
                3 => ("x^3 = x * x * x".to_string(), "y = x * x * x"),
                4 => (
                    "x^4 = t * t with t = x * x".to_string(),
                    "t = x * x; y = t * t",
                ),
                _ => (format!("x^{n} by repeated squaring"), "square and multiply"),
            };
            (
                format!("{math}: {muls} Mul{plural} on the AI Core"),
                format!(
                    "Replace the Pow by a Mul chain: {code} ({muls} Mul{plural} on the AI Core); tuning guide: tf.pow(x, 2) → x * x, since tf.Pow runs on the AI CPU and tf.mul on the AI Core."
                ),
            )
        }
    };
    Some(Rewrite {
        summary: format!("its exponent is the constant {n}, so {summary}"),
        fix,
        kernels: muls,
        evidence: vec![
            ("exponent", Evidence::from(n)),
            ("muls", Evidence::from(muls)),
        ],
    })
}

/// The values of a constant tensor: its own (small constants keep them) or its producer's
/// `value` attribute (a `Const` / `Constant` node).
fn constant_values(graph: &Graph, tensor: TensorId) -> Option<Vec<f64>> {
    let tensor = graph.tensors.get(tensor)?;
    let value = tensor.value.clone().or_else(|| {
        let producer = graph.nodes.get(tensor.producer?)?;
        match producer.attr("value")? {
            AttrValue::Tensor(meta) => meta.value.clone(),
            _ => None,
        }
    })?;
    Some(match value {
        ConstValue::Floats(values) => values,
        ConstValue::Ints(values) => values.into_iter().map(|v| v as f64).collect(),
    })
}

/// The dtypes of a node's inputs and outputs that its row's AI Core kernel does not take.
fn unsupported_dtypes(graph: &Graph, spec: &OpSpec, node: NodeId) -> Vec<String> {
    let Some(node) = graph.nodes.get(node) else {
        return Vec::new();
    };
    let mut dtypes: Vec<DType> = Vec::new();
    let tensors = node.inputs.iter().flatten().chain(&node.outputs);
    for tensor in tensors.filter_map(|&t| graph.tensors.get(t)) {
        if tensor.is_weight() && tensor.value.is_some() {
            continue;
        }
        if !spec.dtypes.allows(tensor.dtype) && !dtypes.contains(&tensor.dtype) {
            dtypes.push(tensor.dtype);
        }
    }
    dtypes.into_iter().map(|d| d.name().to_string()).collect()
}
