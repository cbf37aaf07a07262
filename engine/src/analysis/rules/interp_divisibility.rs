//! `interp-divisibility`: align-corners resizes whose (dst − 1) / (src − 1) is not whole.
//!
//! ## What it flags
//! Resize nodes whose knowledge row carries `Constraint::AlignCornersDivisible` and that align
//! corners: Caffe `Interp` by definition ([`ALWAYS_ALIGNED`]), ONNX `Resize` with
//! `coordinate_transformation_mode = align_corners`, TensorFlow and GE resizes with
//! `align_corners = true`. For each spatial axis that grows (dst > src > 1, read per layout) where
//! (dst − 1) / (src − 1) is not whole, it gives the nearest sizes that make it whole: the input
//! may only grow (pad it) and the output may only grow (crop it back), and the smallest total
//! change wins, the smaller input on ties. The tuning guide's case: 175 → 350 becomes 176 → 351.
//! Shrinking axes are not checked (the guide states the condition for enlarging).
//!
//! ## Why it is slow on Ascend
//! With aligned corners, output pixel i samples input position i · (src − 1) / (dst − 1). When
//! (dst − 1) / (src − 1) is whole, the positions repeat with a short period and the kernel
//! interpolates with fixed weights; otherwise every output pixel needs its own weights. The
//! tuning guide measured a Caffe Interp of [1,18,175,175] → [1,18,350,350] at 20 ms and of
//! [1,18,176,176] → [1,18,351,351] at 1.6 ms.
//!
//! ## What to do
//! Resize between the suggested sizes (pad the input, crop the output), or change the network's
//! sizes so the condition holds.
//!
//! ## Evidence
//! Per axis `src_h`, `dst_h`, `ratio_h` (and `_w`), the suggested `new_src_h`, `new_dst_h`, ...;
//! `layout`, `guide_before_ms` (20), `guide_after_ms` (1.6), `node_us`, `time_source`,
//! `gain_basis`. `gain_us` applies the guide's measured ratio to the node's time
//! (`gain::ratio_gain`): node time × (1 − 1.6 / 20).

use std::collections::BTreeMap;

use super::gain::{self, NodeTime};
use super::layout::{node_layout, tensor_layout, Layout};
use super::{Evidence, Finding, ModelCtx, Needs, RuleCtx, RuleOutput, RuleSpec, Severity};
use crate::ir::{AttrValue, ModelFormat, Node, NodeId};
use crate::knowledge::Constraint;

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "interp-divisibility",
    title: "Align-corners resize with a fractional scale",
    severity: Severity::High,
    needs: Needs::Model,
    threshold: "align corners and (dst-1)/(src-1) not whole on a growing axis (tuning guide: 175→350 took 20 ms, 176→351 1.6 ms)",
    check,
};

/// Canonical ops that align corners by definition in a framework (Caffe's Interp, PSPNet's
/// `interp_layer.cpp`, has no switch).
pub const ALWAYS_ALIGNED: &[(ModelFormat, &str)] = &[(ModelFormat::Caffe, "Interp")];

/// Boolean attributes that switch corner alignment on (TensorFlow, GE).
const ALIGN_ATTRS: &[&str] = &["align_corners"];
/// ONNX Resize's coordinate mode attribute and its aligning value.
const COORDINATE_MODE: (&str, &str) = ("coordinate_transformation_mode", "align_corners");

/// The tuning guide's measurement (ms): before and after the sizes were changed.
pub const GUIDE_BEFORE_MS: f64 = 20.0;
pub const GUIDE_AFTER_MS: f64 = 1.6;

/// Input sizes tried above the current one when looking for whole ratios.
const MAX_SEARCH: i64 = 4096;

/// One axis of a resize.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Axis {
    name: &'static str,
    src: i64,
    dst: i64,
    /// The nearest whole-ratio sizes, when this axis is not whole.
    fix: Option<(i64, i64)>,
}

struct Fractional {
    node: NodeId,
    op_type: String,
    layout: Layout,
    axes: [Axis; 2],
    time: NodeTime,
    gain_us: f64,
}

/// The nearest `(src', dst')` with `src' >= src`, `dst' >= dst` and `(dst' - 1) / (src' - 1)`
/// whole: smallest total change, then the smaller input. `None` when nothing within the search
/// range works (never for `src >= 2`).
pub fn nearest_whole(src: i64, dst: i64) -> Option<(i64, i64)> {
    let mut best: Option<(i64, i64, i64)> = None;
    for new_src in src.max(2)..=src.max(2).saturating_add(MAX_SEARCH) {
        let shift = new_src - src;
        if best.is_some_and(|(cost, _, _)| shift >= cost) {
            break;
        }
        let step = new_src - 1;
        let new_dst = (dst - 1)
            .max(step)
            .checked_add(step - 1)
            .and_then(|n| (n / step * step).checked_add(1))?;
        let cost = shift.saturating_add(new_dst - dst);
        if best.is_none_or(|(best_cost, _, _)| cost < best_cost) {
            best = Some((cost, new_src, new_dst));
        }
    }
    best.map(|(_, s, d)| (s, d))
}

fn whole(src: i64, dst: i64) -> bool {
    src <= 1 || dst <= src || (dst - 1) % (src - 1) == 0
}

fn aligns_corners(ctx: &ModelCtx, node: &Node, canonical: &str) -> bool {
    let by_attr = ALIGN_ATTRS.iter().find_map(|attr| match node.attr(attr)? {
        AttrValue::Bool(b) => Some(*b),
        AttrValue::Int(i) => Some(*i != 0),
        AttrValue::String(s) => Some(s.eq_ignore_ascii_case("true")),
        _ => None,
    });
    let by_mode = node
        .attr(COORDINATE_MODE.0)
        .and_then(AttrValue::as_str)
        .map(|mode| mode == COORDINATE_MODE.1);
    by_attr.or(by_mode).unwrap_or_else(|| {
        ALWAYS_ALIGNED
            .iter()
            .any(|&(format, op)| format == ctx.model.format && op == canonical)
    })
}

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.model else {
        return;
    };
    let mut found: Vec<Fractional> = (0..ctx.model.graph.nodes.len())
        .filter_map(|id| inspect(ctx, id))
        .collect();
    found.sort_by(|a, b| b.gain_us.total_cmp(&a.gain_us).then(a.node.cmp(&b.node)));
    let findings = found.into_iter().map(|f| finding(ctx, f)).collect();
    out.extend_capped(RULE.id, findings);
}

fn inspect(ctx: &ModelCtx, id: NodeId) -> Option<Fractional> {
    let spec = ctx.units.get(id)?.spec?;
    if !spec.has(|c| matches!(c, Constraint::AlignCornersDivisible)) {
        return None;
    }
    let graph = &ctx.model.graph;
    let node = graph.nodes.get(id)?;
    if !aligns_corners(ctx, node, spec.canonical) {
        return None;
    }
    let input = graph.tensors.get(node.inputs.first().copied().flatten()?)?;
    let output = graph.tensors.get(*node.outputs.first()?)?;
    let layout = tensor_layout(input, node_layout(ctx.model, node));
    let (src_h, src_w) = layout.spatial(input.shape.as_ref()?)?;
    let (dst_h, dst_w) = layout.spatial(output.shape.as_ref()?)?;
    let axis = |name, src, dst| Axis {
        name,
        src,
        dst,
        fix: if whole(src, dst) {
            None
        } else {
            nearest_whole(src, dst)
        },
    };
    let axes = [axis("h", src_h, dst_h), axis("w", src_w, dst_w)];
    if axes.iter().all(|a| a.fix.is_none()) {
        return None;
    }
    let time = gain::node_time(ctx, id);
    Some(Fractional {
        node: id,
        op_type: node.op_type.clone(),
        layout,
        axes,
        time,
        gain_us: gain::ratio_gain(time, GUIDE_BEFORE_MS, GUIDE_AFTER_MS),
    })
}

fn ratio(src: i64, dst: i64) -> f64 {
    if src > 1 {
        (dst - 1) as f64 / (src - 1) as f64
    } else {
        0.0
    }
}

fn finding(ctx: &ModelCtx, f: Fractional) -> Finding {
    let names = ctx.names(&[f.node]);
    let name = names.first().cloned().unwrap_or_default();
    let [h, w] = f.axes;
    let new = |a: Axis| a.fix.unwrap_or((a.src, a.dst));
    let (new_h, new_w) = (new(h), new(w));
    let fraction = |a: &Axis| {
        format!(
            "({} − 1) / ({} − 1) = {:.3}",
            a.dst,
            a.src,
            ratio(a.src, a.dst)
        )
    };
    let not_whole = if h.src == w.src && h.dst == w.dst {
        format!("{} is not whole", fraction(&h))
    } else {
        let axes: Vec<String> = f
            .axes
            .iter()
            .filter(|a| a.fix.is_some())
            .map(|a| {
                let word = if a.name == "h" { "height" } else { "width" };
                format!("{word} {}", fraction(a))
            })
            .collect();
        let verb = if axes.len() == 1 { "is" } else { "are" };
        format!("{} {verb} not whole", axes.join(" and "))
    };
    let message = format!(
        "`{name}` ({}) aligns corners and resizes {}×{} → {}×{}: {}; input {}×{} → output {}×{} makes it {}",
        f.op_type,
        h.src,
        w.src,
        h.dst,
        w.dst,
        not_whole,
        new_h.0,
        new_w.0,
        new_h.1,
        new_w.1,
        if (ratio(new_h.0, new_h.1) - ratio(new_w.0, new_w.1)).abs() < 1e-9 {
            format!("{}", ratio(new_h.0, new_h.1))
        } else {
            format!("{} and {}", ratio(new_h.0, new_h.1), ratio(new_w.0, new_w.1))
        }
    );
    let fix = format!(
        "Resize {}×{} → {}×{} instead: pad the input to {}×{} and crop the output back to {}×{} (or change the network's sizes so (dst − 1) / (src − 1) is whole); tuning guide: a Caffe Interp of [1,18,175,175] → [1,18,350,350] took 20 ms, of [1,18,176,176] → [1,18,351,351] 1.6 ms.",
        new_h.0, new_w.0, new_h.1, new_w.1, new_h.0, new_w.0, h.dst, w.dst
    );
    let mut evidence = BTreeMap::new();
    for axis in f.axes {
        let (new_src, new_dst) = new(axis);
        let key = |h: &'static str, w: &'static str| if axis.name == "h" { h } else { w };
        evidence.insert(key("src_h", "src_w"), Evidence::from(axis.src));
        evidence.insert(key("dst_h", "dst_w"), Evidence::from(axis.dst));
        evidence.insert(
            key("ratio_h", "ratio_w"),
            Evidence::from(ratio(axis.src, axis.dst)),
        );
        evidence.insert(key("new_src_h", "new_src_w"), Evidence::from(new_src));
        evidence.insert(key("new_dst_h", "new_dst_w"), Evidence::from(new_dst));
    }
    evidence.insert("layout", Evidence::from(f.layout.name()));
    evidence.insert("guide_before_ms", Evidence::from(GUIDE_BEFORE_MS));
    evidence.insert("guide_after_ms", Evidence::from(GUIDE_AFTER_MS));
    evidence.insert("node_us", Evidence::from(f.time.us));
    evidence.insert("time_source", Evidence::from(f.time.source()));
    evidence.insert(
        "gain_basis",
        Evidence::from("the tuning guide's measured 20 ms → 1.6 ms applied to the node's time"),
    );
    Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes: names,
        message,
        fix,
        evidence,
        gain_us: Some(super::round(f.gain_us, 3)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_whole_sizes() {
        // The tuning guide's case.
        assert_eq!(nearest_whole(175, 350), Some((176, 351)));
        assert!(whole(176, 351) && !whole(175, 350));
        // Already whole, or shrinking, or degenerate: nothing to change.
        assert!(whole(100, 199) && whole(200, 100) && whole(1, 50));
        // 10 → 25: 24/9 is not whole; 10 → 28 (27/9 = 3) costs 3, 11 → 31 costs 7, 13 → 25
        // (24/12 = 2) costs 3 too: the smaller input wins the tie.
        assert_eq!(nearest_whole(10, 25), Some((10, 28)));
        for (src, dst) in [(7, 20), (33, 65), (175, 350), (2, 3), (640, 1281)] {
            let (s, d) = nearest_whole(src, dst).unwrap_or((0, 0));
            assert!(
                s >= src && d >= dst && (d - 1) % (s - 1) == 0,
                "{src}->{dst}: {s}->{d}"
            );
        }
        // Sizes near the integer limit give no suggestion instead of overflowing.
        assert_eq!(nearest_whole(i64::MAX - 10, i64::MAX - 1), None);
    }
}
