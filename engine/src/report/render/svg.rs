//! Inline SVG pictures for the HTML report: the time-by-unit bar and the graph coloured by unit
//! with fusion groups outlined. No scripts, no external references.

use std::fmt::Write as _;

use super::{fmt_us, visible};
use crate::knowledge::ExecUnit;
use crate::report::analysis::AnalysisReport;
use crate::report::{GraphView, ViewNodeKind};

/// Graphs with more nodes than this are not drawn in the report (the file would grow by
/// megabytes); the report says so.
pub const MAX_PICTURE_NODES: usize = 4000;

/// The colour of a unit, shared by every rendering (fill colours readable under black text).
pub fn unit_colour(unit: ExecUnit) -> &'static str {
    match unit {
        ExecUnit::Cube => "#f4a259",
        ExecUnit::Vector => "#7fb7e6",
        ExecUnit::Mix => "#c39bd3",
        ExecUnit::Scalar => "#a3d9a5",
        ExecUnit::AiCpu => "#e5534b",
        ExecUnit::Dvpp => "#f2d16b",
        ExecUnit::Communication => "#9aa5b1",
        ExecUnit::Dsa => "#b8c480",
        ExecUnit::None => "#e6e6e6",
    }
}

fn unit_colour_of(id: &str) -> &'static str {
    ExecUnit::parse(id).map(unit_colour).unwrap_or("#e6e6e6")
}

/// Text escaped for SVG/HTML content and attributes.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A horizontal stacked bar of time by unit, with a legend.
pub fn unit_bar(report: &AnalysisReport) -> String {
    let total: f64 = report.units.values().map(|u| u.time_us).sum();
    let mut out = String::new();
    let width = 720.0;
    let _ = write!(
        out,
        r#"<svg class="bar" viewBox="0 0 {width} 64" width="100%" role="img" aria-label="time by unit">"#
    );
    let mut x = 0.0;
    let mut legend_x = 0.0;
    for (unit, totals) in &report.units {
        let share = if total > 0.0 {
            totals.time_us / total
        } else {
            0.0
        };
        let w = share * width;
        if w > 0.0 {
            let _ = write!(
                out,
                r#"<rect x="{x:.2}" y="0" width="{w:.2}" height="28" fill="{}"><title>{} {} ({:.1}%)</title></rect>"#,
                unit_colour_of(unit),
                esc(unit),
                esc(&fmt_us(totals.time_us)),
                share * 100.0
            );
        }
        x += w;
        let _ = write!(
            out,
            r#"<rect x="{legend_x:.0}" y="40" width="12" height="12" fill="{}"/><text x="{:.0}" y="51" font-size="12">{} {:.1}%</text>"#,
            unit_colour_of(unit),
            legend_x + 16.0,
            esc(unit),
            share * 100.0
        );
        legend_x += 120.0;
    }
    out.push_str("</svg>");
    out
}

/// The laid-out graph, op boxes filled by unit, UB groups outlined solid and L2/L1 candidates
/// dashed. `None` when the graph is too big to embed.
pub fn graph_picture(report: &AnalysisReport, view: &GraphView) -> Option<String> {
    if view.nodes.len() > MAX_PICTURE_NODES {
        return None;
    }
    let mut out = String::new();
    let (w, h) = (view.width.max(1.0), view.height.max(1.0));
    let _ = write!(
        out,
        r#"<svg class="graph" viewBox="-10 -10 {:.0} {:.0}" width="{:.0}" role="img" aria-label="graph coloured by unit">"#,
        w + 20.0,
        h + 20.0,
        w.min(1400.0)
    );
    out.push_str(r##"<g fill="none" stroke="#8a8f98" stroke-width="1">"##);
    for edge in &view.edges {
        let mut points = edge.points.iter();
        if let Some(first) = points.next() {
            let _ = write!(out, r#"<path d="M{:.1} {:.1}"#, first.x, first.y);
            for p in points {
                let _ = write!(out, " L{:.1} {:.1}", p.x, p.y);
            }
            out.push_str(r#""/>"#);
        }
    }
    out.push_str("</g>");
    // Fusion groups under the boxes: the bounding box of the members, padded.
    for (idx, group) in report.fusion_groups.iter().enumerate() {
        let members: Vec<_> = view
            .nodes
            .iter()
            .filter(|n| {
                n.graph_node
                    .and_then(|g| report.per_node.get(g))
                    .is_some_and(|node| {
                        if group.kind == "ub" {
                            node.fusion_group == Some(idx)
                        } else {
                            group.nodes.contains(&node.name)
                        }
                    })
            })
            .collect();
        let Some(first) = members.first() else {
            continue;
        };
        let (mut x0, mut y0) = (first.rect.x, first.rect.y);
        let (mut x1, mut y1) = (x0 + first.rect.width, y0 + first.rect.height);
        for node in &members {
            x0 = x0.min(node.rect.x);
            y0 = y0.min(node.rect.y);
            x1 = x1.max(node.rect.x + node.rect.width);
            y1 = y1.max(node.rect.y + node.rect.height);
        }
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
    for node in &view.nodes {
        let r = &node.rect;
        let (fill, label) = match node.kind {
            ViewNodeKind::Op => {
                let unit = node
                    .graph_node
                    .and_then(|g| report.per_node.get(g))
                    .map(|n| n.unit)
                    .unwrap_or("none");
                (unit_colour_of(unit), node.title.as_str())
            }
            ViewNodeKind::Input => ("#ffffff", "input"),
            ViewNodeKind::Output => ("#ffffff", "output"),
        };
        let _ = write!(
            out,
            r##"<g><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="{fill}" stroke="#444" stroke-width="0.8"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text><title>{}</title></g>"##,
            r.x,
            r.y,
            r.width,
            r.height,
            r.x + r.width / 2.0,
            r.y + 15.0,
            esc(label),
            esc(&node.name)
        );
    }
    out.push_str("</svg>");
    Some(out)
}

/// A legend of unit colours.
pub fn unit_legend() -> String {
    let mut out = String::from(r#"<div class="legend">"#);
    for unit in ExecUnit::ALL {
        let _ = write!(
            out,
            r#"<span><i style="background:{}"></i>{}</span>"#,
            unit_colour(unit),
            esc(unit.label())
        );
    }
    out.push_str("</div>");
    out
}
