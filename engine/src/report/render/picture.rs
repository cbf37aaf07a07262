//! The HTML report's pictures besides the unit bar: the laid-out graph with the overlay the
//! reader chose (unit colours, fusion groups, heat map, or plain), bounded in size, and the
//! time-by-op-type chart. Inline SVG only: no script, no external reference.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::fmt_us;
use super::svg::{esc, unit_colour_of};
use crate::report::analysis::{AnalysisReport, NodeReport};
use crate::report::{GraphView, ViewNode, ViewNodeKind};

/// Boxes drawn at most: a bigger graph is drawn from its top down to this many boxes (about
/// 1 MB of SVG), and the report says how many of how many it shows.
pub const MAX_PICTURE_NODES: usize = 4000;

/// Op types the chart shows; the rest are summed into one "other" bar.
const TOP_OP_TYPES: usize = 12;

/// What the report's graph picture colours, as the viewer's overlays do (`--overlay`, the
/// app's overlay when it exports).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ReportOverlay {
    /// Boxes filled by execution unit, fusion groups outlined.
    #[default]
    Unit,
    /// Members of fusion groups filled, groups outlined, near misses dashed.
    Fusion,
    /// Boxes filled by their time (measured, or estimated), pale to red.
    Heat,
    /// Plain boxes.
    None,
}

impl ReportOverlay {
    pub const ALL: [ReportOverlay; 4] = [
        ReportOverlay::Unit,
        ReportOverlay::Fusion,
        ReportOverlay::Heat,
        ReportOverlay::None,
    ];

    /// The id of the CLI flag and of the app's `?overlay=` (`unit`).
    pub fn id(self) -> &'static str {
        match self {
            ReportOverlay::Unit => "unit",
            ReportOverlay::Fusion => "fusion",
            ReportOverlay::Heat => "heat",
            ReportOverlay::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<ReportOverlay> {
        ReportOverlay::ALL
            .into_iter()
            .find(|o| o.id().eq_ignore_ascii_case(text.trim()))
    }

    /// The heading of the picture's section.
    pub fn heading(self) -> &'static str {
        match self {
            ReportOverlay::Unit => "Graph by execution unit",
            ReportOverlay::Fusion => "Graph with fusion groups",
            ReportOverlay::Heat => "Graph by time (heat map)",
            ReportOverlay::None => "Graph",
        }
    }
}

/// The time the report gives a node: measured with a profile (0 when not profiled), else the
/// estimate, as the report's unit totals count it.
pub(crate) fn node_time(report: &AnalysisReport, node: &NodeReport) -> f64 {
    if report.estimated {
        node.estimated_us
    } else {
        node.measured_us.unwrap_or(0.0)
    }
}

/// Pale yellow (no time) to red (the slowest node), for a share of the slowest node's time.
fn heat_colour(share: f64) -> String {
    let t = share.clamp(0.0, 1.0).sqrt();
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        lerp(255.0, 208.0),
        lerp(247.0, 40.0),
        lerp(214.0, 36.0)
    )
}

/// The view nodes drawn: all of them, or those above the row where the
/// [`MAX_PICTURE_NODES`]-th box starts (the top of the graph, in reading order).
fn drawn_part(view: &GraphView) -> (Vec<&ViewNode>, Option<f64>) {
    if view.nodes.len() <= MAX_PICTURE_NODES {
        return (view.nodes.iter().collect(), None);
    }
    let mut tops: Vec<f64> = view.nodes.iter().map(|n| n.rect.y).collect();
    tops.sort_by(f64::total_cmp);
    let cut = tops[MAX_PICTURE_NODES];
    let nodes = view.nodes.iter().filter(|n| n.rect.y < cut).collect();
    (nodes, Some(cut))
}

/// The laid-out graph with `overlay`, and a caption when only its top is drawn. `None` when the
/// view has no box to draw.
pub fn graph_picture(
    report: &AnalysisReport,
    view: &GraphView,
    overlay: ReportOverlay,
) -> Option<(String, Option<String>)> {
    let (nodes, cut) = drawn_part(view);
    if nodes.is_empty() {
        return None;
    }
    let per_node = |node: &ViewNode| node.graph_node.and_then(|g| report.per_node.get(g));
    let w = view.width.max(1.0);
    let h = cut.map_or(view.height, |c| c - 8.0).max(1.0);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="graph" viewBox="-10 -10 {:.0} {:.0}" width="{:.0}" role="img" aria-label="{}">"#,
        w + 20.0,
        h + 20.0,
        w.min(1400.0),
        esc(overlay.heading())
    );
    out.push_str(r##"<g fill="none" stroke="#8a8f98" stroke-width="1">"##);
    for edge in &view.edges {
        let mut points = edge.points.iter();
        let Some(first) = points.next() else {
            continue;
        };
        if cut.is_some_and(|c| first.y >= c) {
            continue;
        }
        let _ = write!(out, r#"<path d="M{:.1} {:.1}"#, first.x, first.y);
        for p in points {
            let _ = write!(out, " L{:.1} {:.1}", p.x, p.y);
        }
        out.push_str(r#""/>"#);
    }
    out.push_str("</g>");
    if matches!(overlay, ReportOverlay::Unit | ReportOverlay::Fusion) {
        write_group_outlines(&mut out, report, &nodes);
    }
    if overlay == ReportOverlay::Fusion {
        write_near_misses(&mut out, report, &nodes);
    }
    let slowest = report
        .per_node
        .iter()
        .map(|n| node_time(report, n))
        .fold(0.0, f64::max);
    for node in &nodes {
        let r = &node.rect;
        let (fill, label) = match node.kind {
            ViewNodeKind::Op => {
                let fill = match (overlay, per_node(node)) {
                    (ReportOverlay::Unit, Some(n)) => unit_colour_of(n.unit).to_string(),
                    (ReportOverlay::Fusion, Some(n)) if n.fusion_group.is_some() => {
                        "#d7d2f5".to_string()
                    }
                    (ReportOverlay::Heat, Some(n)) if slowest > 0.0 => {
                        heat_colour(node_time(report, n) / slowest)
                    }
                    (ReportOverlay::Unit, None) => unit_colour_of("none").to_string(),
                    _ => "#f1f2f4".to_string(),
                };
                (fill, node.title.as_str())
            }
            ViewNodeKind::Input => ("#ffffff".to_string(), "input"),
            ViewNodeKind::Output => ("#ffffff".to_string(), "output"),
            ViewNodeKind::Folded => ("#e4e2f3".to_string(), node.title.as_str()),
        };
        let time = per_node(node)
            .filter(|_| overlay == ReportOverlay::Heat)
            .map(|n| format!(" · {}", fmt_us(node_time(report, n))))
            .unwrap_or_default();
        let _ = write!(
            out,
            r##"<g><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="{fill}" stroke="#444" stroke-width="0.8"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text><title>{}{}</title></g>"##,
            r.x,
            r.y,
            r.width,
            r.height,
            r.x + r.width / 2.0,
            r.y + 15.0,
            esc(label),
            esc(&node.name),
            esc(&time)
        );
    }
    out.push_str("</svg>");
    let caption = cut.map(|_| {
        format!(
            "The top of the graph: the first {} of {} boxes; open the model in opscope to see the rest.",
            nodes.len(),
            view.nodes.len()
        )
    });
    Some((out, caption))
}

/// The padded bounding box of the drawn view nodes whose report node passes `member`.
fn bounds_of(
    report: &AnalysisReport,
    nodes: &[&ViewNode],
    member: impl Fn(&NodeReport) -> bool,
) -> Option<(f64, f64, f64, f64)> {
    let mut bounds: Option<(f64, f64, f64, f64)> = None;
    for node in nodes {
        let Some(n) = node.graph_node.and_then(|g| report.per_node.get(g)) else {
            continue;
        };
        if !member(n) {
            continue;
        }
        let r = &node.rect;
        let (x0, y0, x1, y1) = bounds.unwrap_or((r.x, r.y, r.x + r.width, r.y + r.height));
        bounds = Some((
            x0.min(r.x),
            y0.min(r.y),
            x1.max(r.x + r.width),
            y1.max(r.y + r.height),
        ));
    }
    bounds
}

/// Fusion groups under the boxes: UB groups solid, L2/L1 candidates dashed.
fn write_group_outlines(out: &mut String, report: &AnalysisReport, nodes: &[&ViewNode]) {
    for (idx, group) in report.fusion_groups.iter().enumerate() {
        let is_member = |n: &NodeReport| {
            if group.kind == "ub" {
                n.fusion_group == Some(idx)
            } else {
                group.nodes.contains(&n.name)
            }
        };
        let Some((x0, y0, x1, y1)) = bounds_of(report, nodes, is_member) else {
            continue;
        };
        let dash = if group.kind == "ub" {
            ""
        } else {
            r#" stroke-dasharray="6 4""#
        };
        let _ = write!(
            out,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="8" fill="none" stroke="#5b4fc7" stroke-width="2"{dash}><title>{} {}</title></rect>"##,
            x0 - 6.0,
            y0 - 6.0,
            x1 - x0 + 12.0,
            y1 - y0 + 12.0,
            esc(group.kind),
            esc(group.pattern)
        );
    }
}

/// Near misses as dashed orange outlines, their reason on hover.
fn write_near_misses(out: &mut String, report: &AnalysisReport, nodes: &[&ViewNode]) {
    for miss in &report.near_misses {
        let Some((x0, y0, x1, y1)) = bounds_of(report, nodes, |n| miss.nodes.contains(&n.name))
        else {
            continue;
        };
        let _ = write!(
            out,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="8" fill="none" stroke="#e8590c" stroke-width="2" stroke-dasharray="3 3"><title>near miss {}: {}</title></rect>"##,
            x0 - 10.0,
            y0 - 10.0,
            x1 - x0 + 20.0,
            y1 - y0 + 20.0,
            esc(miss.pattern),
            esc(&miss.reason)
        );
    }
}

/// Time per op type over the main graph's nodes, largest first, ties by name.
pub(crate) fn op_type_times(report: &AnalysisReport) -> Vec<(String, f64, usize)> {
    let mut totals: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
    for node in &report.per_node {
        let entry = totals.entry(node.op_type.as_str()).or_default();
        entry.0 += node_time(report, node);
        entry.1 += 1;
    }
    let mut rows: Vec<(String, f64, usize)> = totals
        .into_iter()
        .map(|(op, (us, n))| (op.to_string(), us, n))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// A horizontal bar chart of time by op type (the [`TOP_OP_TYPES`] largest, the rest as one
/// bar), each bar in the colour of the unit most of the type's nodes run on.
pub fn op_type_chart(report: &AnalysisReport) -> String {
    let rows = op_type_times(report);
    let total: f64 = rows.iter().map(|r| r.1).sum();
    let mut unit_of: HashMap<&str, BTreeMap<&str, usize>> = HashMap::new();
    for node in &report.per_node {
        *unit_of
            .entry(node.op_type.as_str())
            .or_default()
            .entry(node.unit)
            .or_default() += 1;
    }
    let main_unit = |op: &str| -> &str {
        unit_of
            .get(op)
            .and_then(|units| units.iter().max_by_key(|(_, n)| **n).map(|(u, _)| *u))
            .unwrap_or("none")
    };
    let mut bars: Vec<(String, f64, usize, &str)> = rows
        .iter()
        .take(TOP_OP_TYPES)
        .map(|(op, us, n)| (op.clone(), *us, *n, main_unit(op)))
        .collect();
    if rows.len() > TOP_OP_TYPES {
        let rest = &rows[TOP_OP_TYPES..];
        bars.push((
            format!("{} other types", rest.len()),
            rest.iter().map(|r| r.1).sum(),
            rest.iter().map(|r| r.2).sum(),
            "none",
        ));
    }
    let longest = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let (width, label_w, value_w, row_h) = (720.0, 190.0, 150.0, 22.0);
    let bar_space = width - label_w - value_w;
    let height = bars.len() as f64 * row_h + 4.0;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="bar" viewBox="0 0 {width} {height:.0}" width="100%" role="img" aria-label="time by op type">"#
    );
    for (idx, (op, us, count, unit)) in bars.iter().enumerate() {
        let y = idx as f64 * row_h + 2.0;
        let w = if longest > 0.0 {
            us / longest * bar_space
        } else {
            0.0
        };
        let share = if total > 0.0 { us / total * 100.0 } else { 0.0 };
        let _ = write!(
            out,
            r##"<g><title>{} · {} nodes · {} ({share:.1}%)</title><text x="{:.0}" y="{:.1}" font-size="12" text-anchor="end">{}</text><rect x="{label_w:.0}" y="{y:.1}" width="{w:.2}" height="16" fill="{}" stroke="#666" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" font-size="12">{} · {share:.1}%</text></g>"##,
            esc(op),
            count,
            esc(&fmt_us(*us)),
            label_w - 6.0,
            y + 12.5,
            esc(&super::fit_label(op, 28)),
            unit_colour_of(unit),
            label_w + w + 6.0,
            y + 12.5,
            esc(&fmt_us(*us))
        );
    }
    out.push_str("</svg>");
    out
}
