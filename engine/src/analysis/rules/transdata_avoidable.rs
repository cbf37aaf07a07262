//! `transdata-avoidable`: format conversions forced by an op without 5HD support between 5HD
//! ops.
//!
//! ## What it flags
//! On a source model (no tensor in a 5HD layout yet: ONNX, TensorFlow, Caffe, a GE graph before
//! ATC's format passes): an AI Core node whose knowledge row lacks `Constraint::Supports5hd`, with
//! a 5HD Cube op (a Cube head that supports 5HD) upstream and another downstream, reached through
//! at most [`MAX_HOPS`] AI Core ops that support 5HD. GE would run the Cube ops in NC1HWC0 and
//! insert a TransData to ND before the node and one back to 5HD after it.
//!
//! On a compiled GE graph (a tensor in a 5HD layout): the actual `TransData` nodes (rows with
//! `Constraint::FormatConversion`) that leave 5HD before a node and return to 5HD after it.
//!
//! The fusion side of the tuning guide's MirrorPad → Mul example (the Mul that cannot fuse) is
//! `missed-fusion`'s; this rule reports the conversions.
//!
//! ## Why it is slow on Ascend
//! Cube ops read and write the 5HD format (NC1HWC0, C0 channels per block); an op without a 5HD
//! kernel needs ND, so GE converts before and after it (ascend.md 4.1). Each conversion reads and
//! writes the whole tensor through DDR and computes nothing; the tuning guide removed two such
//! TransData copies around a Mul after a MirrorPad.
//!
//! ## What to do
//! Replace the op by one with a 5HD kernel, or move it out of the 5HD segment (before the first
//! or after the last Cube op). Where an element-wise op follows it, the guide's trick applies:
//! an identity 1×1 convolution after the op lets the element-wise op fuse into a Conv group and
//! removes both conversions.
//!
//! ## Evidence
//! `op_type`, `before` and `after` (the 5HD ops, or the TransData nodes), `conversion_bytes`
//! (the tensor sizes converted, once each), `conversion_us`, `bandwidth_gbs` with its
//! `bandwidth_confidence` (the Ascend 310's is uncertain, ascend.md 5), `mode` (`predicted` or
//! `compiled graph`), `kernel_overhead_us` (the target's fixed cost per kernel). `gain_us` = the
//! two conversions' DDR traffic (read + write) at the target's bandwidth plus their two kernels'
//! fixed cost (`gain::conversion_us`, from the cost model).

use std::collections::{BTreeMap, HashSet, VecDeque};

use super::gain;
use super::layout::is_five_hd;
use super::{fmt_us, Evidence, Finding, ModelCtx, Needs, RuleCtx, RuleOutput, RuleSpec, Severity};
use crate::ir::{Graph, NodeId, TensorId};
use crate::knowledge::{Constraint, FusionClass, OpSpec};
use crate::target::Confidence;

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "transdata-avoidable",
    title: "Format conversions around an op without 5HD support",
    severity: Severity::Medium,
    needs: Needs::Model,
    threshold: "an AI Core op without 5HD support between 5HD Cube ops (knowledge base), or TransData out of and back into 5HD around an op (compiled GE graph)",
    check,
};

/// 5HD-capable ops walked through to find the Cube ops around a node (ours: a bound on the
/// walk, well past the three element-wise ops a Conv group takes).
pub const MAX_HOPS: usize = 6;

/// Bytes per element when a tensor's dtype is unknown: GE runs fp16 by default.
const DEFAULT_ELEMENT_BYTES: u64 = 2;

/// The data of one finding.
struct Conversions {
    /// The op that forces them.
    node: NodeId,
    /// The 5HD op (or TransData) before and after it.
    before: NodeId,
    after: NodeId,
    compiled: bool,
    /// Whether the guide's identity-conv trick applies (an element-wise op follows).
    elementwise_next: Option<NodeId>,
    bytes: u64,
    gain_us: f64,
}

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.model else {
        return;
    };
    let graph = &ctx.model.graph;
    let compiled = graph
        .tensors
        .iter()
        .any(|t| t.layout.as_deref().is_some_and(is_five_hd));
    let mut found = if compiled {
        compiled_conversions(ctx)
    } else {
        predicted_conversions(ctx)
    };
    found.sort_by(|a, b| b.gain_us.total_cmp(&a.gain_us).then(a.node.cmp(&b.node)));
    let findings = found.into_iter().map(|c| finding(ctx, c)).collect();
    out.extend_capped(RULE.id, findings);
}

fn spec(ctx: &ModelCtx, node: NodeId) -> Option<&'static OpSpec> {
    ctx.units.get(node).and_then(|u| u.spec)
}

fn supports_5hd(spec: &OpSpec) -> bool {
    spec.has(|c| matches!(c, Constraint::Supports5hd))
}

fn is_conversion(spec: &OpSpec) -> bool {
    spec.has(|c| matches!(c, Constraint::FormatConversion))
}

/// A Cube op that runs in 5HD: where a 5HD segment is anchored.
fn is_5hd_anchor(ctx: &ModelCtx, node: NodeId) -> bool {
    spec(ctx, node).is_some_and(|s| s.fusion == FusionClass::CubeHead && supports_5hd(s))
}

/// An AI Core op that takes 5HD and so passes it on (element-wise, BatchNorm, ...).
fn passes_5hd(ctx: &ModelCtx, node: NodeId) -> bool {
    let on_core = ctx.units.get(node).is_some_and(|u| u.unit.is_ai_core());
    on_core && spec(ctx, node).is_some_and(supports_5hd)
}

/// Data inputs of a node (weights and constants left out).
fn data_inputs(graph: &Graph, node: NodeId) -> Vec<TensorId> {
    graph
        .nodes
        .get(node)
        .map(|n| {
            n.inputs
                .iter()
                .flatten()
                .copied()
                .filter(|&t| graph.tensors.get(t).is_some_and(|t| !t.is_weight()))
                .collect()
        })
        .unwrap_or_default()
}

/// Nodes next to `node` upstream (producers of its data inputs) or downstream (consumers).
fn neighbours(graph: &Graph, node: NodeId, upstream: bool) -> Vec<NodeId> {
    if upstream {
        data_inputs(graph, node)
            .into_iter()
            .filter_map(|t| graph.tensors.get(t)?.producer)
            .collect()
    } else {
        graph
            .nodes
            .get(node)
            .map(|n| {
                n.outputs
                    .iter()
                    .filter_map(|&t| graph.tensors.get(t))
                    .flat_map(|t| t.consumers.iter().copied())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The nearest 5HD Cube op upstream or downstream of `start`, through 5HD-capable AI Core ops.
fn nearest_anchor(ctx: &ModelCtx, start: NodeId, upstream: bool) -> Option<NodeId> {
    let graph = &ctx.model.graph;
    let mut seen = HashSet::from([start]);
    let mut queue: VecDeque<(NodeId, usize)> = neighbours(graph, start, upstream)
        .into_iter()
        .map(|n| (n, 1))
        .collect();
    while let Some((node, hops)) = queue.pop_front() {
        if !seen.insert(node) {
            continue;
        }
        if is_5hd_anchor(ctx, node) {
            return Some(node);
        }
        if hops < MAX_HOPS && passes_5hd(ctx, node) {
            queue.extend(
                neighbours(graph, node, upstream)
                    .into_iter()
                    .map(|n| (n, hops + 1)),
            );
        }
    }
    None
}

fn tensor_bytes(graph: &Graph, tensor: TensorId) -> u64 {
    let Some(tensor) = graph.tensors.get(tensor) else {
        return 0;
    };
    let elements = tensor
        .shape
        .as_ref()
        .and_then(|s| s.element_count())
        .unwrap_or(0);
    let element_bytes = tensor
        .dtype
        .bits()
        .map(|b| b.div_ceil(8).max(1))
        .unwrap_or(DEFAULT_ELEMENT_BYTES);
    elements.saturating_mul(element_bytes)
}

/// The single consumer of `node` when it is element-wise (the guide's trick then applies).
fn elementwise_consumer(ctx: &ModelCtx, node: NodeId) -> Option<NodeId> {
    match neighbours(&ctx.model.graph, node, false).as_slice() {
        [only] => spec(ctx, *only)
            .is_some_and(|s| matches!(s.fusion, FusionClass::Elementwise | FusionClass::Broadcast))
            .then_some(*only),
        _ => None,
    }
}

/// Source models: ops without 5HD support between 5HD Cube ops.
fn predicted_conversions(ctx: &ModelCtx) -> Vec<Conversions> {
    let graph = &ctx.model.graph;
    let mut found = Vec::new();
    for (id, unit) in ctx.units.iter().enumerate() {
        let Some(spec) = unit.spec else {
            continue;
        };
        let forces = unit.unit.is_ai_core()
            && !supports_5hd(spec)
            && !is_conversion(spec)
            && spec.fusion != FusionClass::NoKernel
            && !is_5hd_anchor(ctx, id);
        if !forces {
            continue;
        }
        let (Some(before), Some(after)) = (
            nearest_anchor(ctx, id, true),
            nearest_anchor(ctx, id, false),
        ) else {
            continue;
        };
        let input_bytes: u64 = data_inputs(graph, id)
            .into_iter()
            .map(|t| tensor_bytes(graph, t))
            .fold(0, u64::saturating_add);
        let output_bytes = graph
            .nodes
            .get(id)
            .and_then(|n| n.outputs.first())
            .map_or(0, |&t| tensor_bytes(graph, t));
        let bytes = input_bytes.saturating_add(output_bytes);
        found.push(Conversions {
            node: id,
            before,
            after,
            compiled: false,
            elementwise_next: elementwise_consumer(ctx, id),
            bytes,
            gain_us: gain::conversion_us(ctx.target, bytes, 2),
        });
    }
    found
}

/// Compiled GE graphs: TransData out of 5HD, a node, TransData back into 5HD.
fn compiled_conversions(ctx: &ModelCtx) -> Vec<Conversions> {
    let graph = &ctx.model.graph;
    let layout_is_5hd = |t: TensorId| {
        graph
            .tensors
            .get(t)
            .and_then(|t| t.layout.as_deref())
            .is_some_and(is_five_hd)
    };
    let conversion = |node: NodeId| spec(ctx, node).is_some_and(is_conversion);
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    for (first, node) in graph.nodes.iter().enumerate() {
        if !conversion(first) {
            continue;
        }
        let leaves_5hd = node
            .inputs
            .first()
            .copied()
            .flatten()
            .is_some_and(layout_is_5hd)
            && !node.outputs.first().copied().is_some_and(layout_is_5hd);
        if !leaves_5hd {
            continue;
        }
        for middle in neighbours(graph, first, false) {
            if conversion(middle) || !seen.insert(middle) {
                continue;
            }
            let back = neighbours(graph, middle, false).into_iter().find(|&n| {
                conversion(n)
                    && graph
                        .nodes
                        .get(n)
                        .and_then(|n| n.outputs.first().copied())
                        .is_some_and(layout_is_5hd)
            });
            let Some(back) = back else {
                continue;
            };
            let out_of = graph
                .nodes
                .get(first)
                .and_then(|n| n.outputs.first())
                .map_or(0, |&t| tensor_bytes(graph, t));
            let into = data_inputs(graph, back)
                .into_iter()
                .map(|t| tensor_bytes(graph, t))
                .fold(0u64, u64::saturating_add);
            let bytes = out_of.saturating_add(into);
            found.push(Conversions {
                node: middle,
                before: first,
                after: back,
                compiled: true,
                elementwise_next: elementwise_consumer(ctx, back),
                bytes,
                gain_us: gain::conversion_us(ctx.target, bytes, 2),
            });
        }
    }
    found
}

fn finding(ctx: &ModelCtx, c: Conversions) -> Finding {
    let graph = &ctx.model.graph;
    let name = |id: NodeId| ctx.names(&[id]).into_iter().next().unwrap_or_default();
    let op_type = graph
        .nodes
        .get(c.node)
        .map(|n| n.op_type.clone())
        .unwrap_or_default();
    let (node, before, after) = (name(c.node), name(c.before), name(c.after));
    let message = if c.compiled {
        format!(
            "`{node}` ({op_type}) sits between two format conversions: `{before}` leaves 5HD before it and `{after}` returns to 5HD after it; {} of DDR traffic and two kernels, {} on the {}",
            fmt_bytes(c.bytes.saturating_mul(2)),
            fmt_us(c.gain_us),
            ctx.target.spec.name
        )
    } else {
        format!(
            "`{node}` ({op_type}) has no 5HD kernel but sits between the 5HD ops `{before}` and `{after}`: GE converts to ND before it and back to 5HD after it (two TransData kernels, {} of DDR traffic, {} on the {})",
            fmt_bytes(c.bytes.saturating_mul(2)),
            fmt_us(c.gain_us),
            ctx.target.spec.name
        )
    };
    let mut fix = format!(
        "Replace `{node}` by an op with a 5HD kernel, or move it out of the 5HD segment (before `{before}` or after `{after}`) so the Cube ops stay in NC1HWC0."
    );
    if let Some(next) = c.elementwise_next {
        fix.push_str(&format!(
            " Tuning guide's trick: add an identity 1×1 convolution after `{node}`, so that `{}` fuses into a Conv + element-wise group and both TransData disappear (`missed-fusion` reports the fusion side).",
            name(next)
        ));
    }
    let mut evidence = BTreeMap::new();
    evidence.insert("op_type", Evidence::from(op_type));
    evidence.insert("before", Evidence::from(before.clone()));
    evidence.insert("after", Evidence::from(after.clone()));
    evidence.insert("conversion_bytes", Evidence::from(c.bytes));
    evidence.insert("conversion_us", Evidence::from(c.gain_us));
    let bandwidth = ctx.target.spec.memory_gbs;
    evidence.insert("bandwidth_gbs", Evidence::from(bandwidth.value));
    evidence.insert(
        "kernel_overhead_us",
        Evidence::from(ctx.target.spec.kernel_overhead_us.value),
    );
    evidence.insert(
        "bandwidth_confidence",
        Evidence::from(match bandwidth.confidence {
            Confidence::Documented => "documented",
            Confidence::Derived => "derived",
            Confidence::Uncertain => "uncertain",
            Confidence::Measured => "measured",
        }),
    );
    evidence.insert(
        "mode",
        Evidence::from(if c.compiled {
            "compiled graph"
        } else {
            "predicted"
        }),
    );
    Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes: vec![before, node, after],
        message,
        fix,
        evidence,
        gain_us: Some(super::round(c.gain_us, 3)),
    }
}

/// `1.2 MB`, `350 KB` for messages.
fn fmt_bytes(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} KB", bytes as f64 / 1e3)
    }
}
