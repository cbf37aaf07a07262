//! The analysis report as one self-contained HTML page: inline CSS and SVG, no script, no
//! external resource, so it opens offline and prints on A4.

use std::fmt::Write as _;

use super::compare::{fusion_savings_chart, unit_comparison_chart};
use super::markdown::target_figures;
use super::picture::{graph_picture, op_type_chart, ReportOverlay};
use super::svg::{esc, unit_bar, unit_colour};
use super::{findings_by_rule, findings_summary, fmt_bytes, fmt_pct, fmt_us, time_label};
use crate::knowledge::ExecUnit;
use crate::report::analysis::{AnalysisReport, NodeReport};
use crate::report::GraphView;

/// Rows of the node table (slowest first); the JSON has every node.
const TOP_NODES: usize = 200;

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6472; --line: #d9dde3; --accent: #5b4fc7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta { color: var(--muted); margin: 0 0 12px; }
.estimate { background: #fff6d6; border: 1px solid #e8cf6a; padding: 8px 12px; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f4f7; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.finding { border-left: 4px solid var(--line); padding: 4px 10px; margin: 8px 0; page-break-inside: avoid; }
.finding.high { border-color: #d1453b; } .finding.medium { border-color: #e09b2d; } .finding.low { border-color: #8a94a3; }
.sev { font-size: 11px; text-transform: uppercase; font-weight: 700; color: var(--muted); margin-right: 6px; }
.fix { color: #1f6f43; } .nodes { color: var(--muted); font-size: 12px; }
.legend span { display: inline-block; margin: 0 12px 4px 0; font-size: 12px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; border: 1px solid #888; }
.picture { overflow: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px; max-height: 900px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 32px; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } .picture { max-height: none; overflow: visible; } h2 { page-break-after: avoid; } tr { page-break-inside: avoid; } }
"#;

/// A message or fix: escaped, with its `backticked` names as `<code>` (messages quote node names
/// and commands that way).
fn rich(text: &str) -> String {
    let escaped = esc(text);
    let mut out = String::with_capacity(escaped.len() + 16);
    let mut parts = escaped.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let rest: Vec<&str> = parts.collect();
    // An odd count of backticks leaves the last one as it is.
    let pairs = rest.len() / 2 * 2;
    for (idx, part) in rest.iter().enumerate() {
        if idx >= pairs {
            out.push('`');
            out.push_str(part);
        } else if idx % 2 == 0 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Renders the report as an HTML page; `view` (the laid-out main graph) adds a picture of the
/// graph coloured by unit with the fusion groups outlined.
pub fn html(report: &AnalysisReport, view: Option<&GraphView>) -> String {
    html_with(report, view, ReportOverlay::Unit)
}

/// A legend of unit colours.
fn unit_legend() -> String {
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

/// What the picture's colours mean for `overlay`.
fn overlay_legend(overlay: ReportOverlay, label: &str) -> String {
    match overlay {
        ReportOverlay::Unit => unit_legend(),
        ReportOverlay::Fusion => r#"<div class="legend"><span><i style="background:#d7d2f5"></i>member of a UB fusion group (outlined solid; L2/L1 candidates dashed)</span><span><i style="background:#fff;border:2px dashed #e8590c"></i>near miss (its reason on hover)</span></div>"#.to_string(),
        ReportOverlay::Heat => format!(
            r#"<div class="legend"><span><i style="background:#fff7d6"></i>no time</span><span><i style="background:#e88d5d"></i>half the slowest node's time</span><span><i style="background:#d02824"></i>the slowest node</span><span>times {}</span></div>"#,
            esc(label)
        ),
        ReportOverlay::None => String::new(),
    }
}

/// [`html`] with the graph picture coloured as `overlay` says (the app exports its overlay;
/// `opscope analyze --overlay` picks one).
pub fn html_with(
    report: &AnalysisReport,
    view: Option<&GraphView>,
    overlay: ReportOverlay,
) -> String {
    let mut out = String::new();
    let model = &report.model;
    let label = time_label(report);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>opscope analysis: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&model.name)
    );
    let _ = writeln!(out, "<h1>opscope analysis: {}</h1>", esc(&model.name));
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} model, {} nodes, {} edges · target {} (<code>{}</code>) · CANN {} · times {} · total {}</p>",
        esc(model.format),
        model.nodes,
        model.edges,
        esc(report.target.spec.name),
        esc(report.target.spec.id.id()),
        esc(&report.cann),
        esc(&label),
        esc(&fmt_us(report.total_us))
    );
    if report.estimated {
        let _ = writeln!(
            out,
            "<p class=\"estimate\">No profile was given: every time in this report is an <b>estimate</b> of the cost model for the {}, not a measurement.</p>",
            esc(report.target.spec.name)
        );
    }

    // Summary.
    let _ = writeln!(
        out,
        "<h2>Summary</h2><p>{}. {} fusion groups, {} near misses.</p>",
        esc(&findings_summary(report)),
        report.fusion_groups.len(),
        report.near_misses.len()
    );
    let _ = writeln!(
        out,
        "<h3>Time by unit ({})</h3>{}",
        esc(&label),
        unit_bar(report)
    );
    let _ = writeln!(
        out,
        "<h3>Time by op type ({})</h3>{}",
        esc(&label),
        op_type_chart(report)
    );
    if let Some(chart) = unit_comparison_chart(report) {
        let heading = if report.estimated {
            "Estimated time per unit (no profile: nothing measured)"
        } else {
            "Predicted vs measured time per unit"
        };
        let _ = writeln!(out, "<h3>{heading}</h3>{chart}");
    }
    if let Some(chart) = fusion_savings_chart(report) {
        let _ = writeln!(
            out,
            "<h3>Fusion savings per pattern (estimated, cost model)</h3>{chart}"
        );
    }

    // Findings.
    let _ = writeln!(out, "<h2>Findings</h2>");
    if report.findings.is_empty() {
        let _ = writeln!(out, "<p>No rule fired.</p>");
    }
    for (rule, title, list) in findings_by_rule(report) {
        let gain: f64 = list.iter().filter_map(|f| f.gain_us).sum();
        let _ = writeln!(
            out,
            "<h3><code>{}</code> {} <span class=\"nodes\">{} · gain up to {}</span></h3>",
            esc(rule),
            esc(title),
            list.len(),
            esc(&fmt_us(gain))
        );
        for finding in list {
            let gain = finding
                .gain_us
                .map(|g| format!(" · gain up to {}", fmt_us(g)))
                .unwrap_or_default();
            let nodes: Vec<String> = finding.nodes.iter().take(12).map(|n| esc(n)).collect();
            let more = finding.nodes.len().saturating_sub(12);
            let _ = writeln!(
                out,
                "<div class=\"finding {}\"><span class=\"sev\">{}</span>{}{}<div class=\"fix\">Fix: {}</div><div class=\"nodes\">Nodes: {}{}</div></div>",
                esc(finding.severity),
                esc(finding.severity),
                rich(&finding.message),
                esc(&gain),
                rich(&finding.fix),
                nodes.join(", "),
                if more > 0 { format!(" … ({more} more)") } else { String::new() }
            );
        }
    }

    // Graph picture.
    if let Some(view) = view {
        let _ = writeln!(
            out,
            "<h2>{}</h2>{}",
            esc(overlay.heading()),
            overlay_legend(overlay, &label)
        );
        match graph_picture(report, view, overlay) {
            Some((svg, caption)) => {
                if let Some(caption) = caption {
                    let _ = writeln!(out, "<p class=\"meta\">{}</p>", esc(&caption));
                }
                let _ = writeln!(out, "<div class=\"picture\">{svg}</div>");
            }
            None => {
                let _ = writeln!(out, "<p>The graph has no box to draw.</p>");
            }
        }
    }

    // Hotspots.
    let _ = writeln!(
        out,
        "<h2>Hotspots ({})</h2><table><tr><th>op</th><th>type</th><th>unit</th><th class=\"num\">count</th><th class=\"num\">total</th><th class=\"num\">share</th><th>nodes</th></tr>",
        esc(&label)
    );
    for spot in &report.hotspots {
        let nodes = spot.nodes.as_deref().unwrap_or(&[]);
        let shown: Vec<String> = nodes.iter().take(4).map(|n| esc(n)).collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&spot.op),
            esc(&spot.op_type),
            esc(spot.unit),
            spot.count,
            esc(&fmt_us(spot.total_us)),
            esc(&fmt_pct(spot.share)),
            shown.join(", ")
        );
    }
    out.push_str("</table>\n");

    // Fusion.
    let _ = writeln!(out, "<h2>Fusion groups</h2>");
    if report.fusion_groups.is_empty() {
        let _ = writeln!(out, "<p>None simulated.</p>");
    } else {
        let _ = writeln!(
            out,
            "<table><tr><th class=\"num\">#</th><th>kind</th><th>pattern</th><th>nodes</th><th class=\"num\">DDR traffic saved</th></tr>"
        );
        for (idx, group) in report.fusion_groups.iter().enumerate() {
            let nodes: Vec<String> = group.nodes.iter().map(|n| esc(n)).collect();
            let _ = writeln!(
                out,
                "<tr><td class=\"num\">{idx}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(group.kind),
                esc(group.pattern),
                nodes.join(" → "),
                esc(&fmt_bytes(group.ddr_bytes_saved))
            );
        }
        out.push_str("</table>\n");
    }
    if !report.near_misses.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Near misses</h3><table><tr><th>pattern</th><th>nodes</th><th>why it stopped</th><th>fix</th></tr>"
        );
        for miss in &report.near_misses {
            let nodes: Vec<String> = miss.nodes.iter().map(|n| esc(n)).collect();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(miss.pattern),
                nodes.join(" → "),
                rich(&miss.reason),
                rich(&miss.fix)
            );
        }
        out.push_str("</table>\n");
    }

    // Checks against measurement.
    if let Some(check) = &report.unit_check {
        let _ = writeln!(
            out,
            "<h2>Unit check</h2><p>The knowledge base predicted the unit of {} of {} profiled op types, {} of the profiled time.</p>",
            check.agree_ops,
            check.total_ops,
            esc(&fmt_pct(check.agree_share))
        );
        if !check.disagreements.is_empty() {
            out.push_str("<table><tr><th>op type</th><th>predicted</th><th>measured</th><th class=\"num\">time</th></tr>");
            for miss in &check.disagreements {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                    esc(&miss.op_type),
                    esc(&miss.predicted),
                    esc(&miss.measured),
                    esc(&fmt_us(miss.total_us))
                );
            }
            out.push_str("</table>\n");
        }
    }
    if let Some(check) = &report.fusion_check {
        let _ = writeln!(
            out,
            "<h2>Fusion check</h2><p>{} of {} real fused groups found exactly ({}); {} simulated groups; real groups from {}.</p>",
            check.matched,
            check.real_groups,
            esc(&fmt_pct(check.agreement)),
            check.simulated_groups,
            esc(&check.source)
        );
    }
    if let Some(calibration) = &report.cost.calibration {
        let _ = writeln!(out, "<h2>Cost model against the measurement</h2>");
        if let Some(rho) = calibration.rank_correlation {
            let _ = writeln!(
                out,
                "<p>Rank correlation of per-node times: {rho:.3} over {} nodes.</p>",
                calibration.nodes_compared
            );
        }
        out.push_str("<table><tr><th>unit</th><th class=\"num\">predicted</th><th class=\"num\">measured</th><th class=\"num\">factor</th><th class=\"num\">nodes</th></tr>");
        for unit in &calibration.factors {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3}</td><td class=\"num\">{}</td></tr>",
                esc(unit.unit),
                esc(&fmt_us(unit.predicted_us)),
                esc(&fmt_us(unit.measured_us)),
                unit.factor,
                unit.nodes
            );
        }
        out.push_str("</table>\n");
    }

    write_model_summary(&mut out, report);

    // Nodes.
    let mut slow: Vec<&NodeReport> = report.per_node.iter().collect();
    let time = |n: &NodeReport| n.measured_us.unwrap_or(n.estimated_us);
    slow.sort_by(|a, b| time(b).total_cmp(&time(a)));
    let _ = writeln!(
        out,
        "<h2>Nodes</h2><p class=\"meta\">The {} slowest of {} nodes; the JSON report lists every node.</p><table><tr><th>node</th><th>type</th><th>unit</th><th>why this unit</th><th class=\"num\">group</th><th class=\"num\">estimated</th><th class=\"num\">measured</th></tr>",
        TOP_NODES.min(slow.len()),
        slow.len()
    );
    for node in slow.iter().take(TOP_NODES) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&node.name),
            esc(&node.op_type),
            esc(node.unit),
            esc(&node.unit_reason),
            node.fusion_group.map(|g| g.to_string()).unwrap_or_default(),
            esc(&fmt_us(node.estimated_us)),
            node.measured_us.map(|us| esc(&fmt_us(us))).unwrap_or_default()
        );
    }
    out.push_str("</table>\n");

    // Target.
    let _ = writeln!(
        out,
        "<h2>Target: {}</h2><table><tr><th>figure</th><th class=\"num\">value</th><th>confidence</th><th>source</th></tr>",
        esc(report.target.spec.name)
    );
    for (name, figure) in target_figures(report) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{} {}</td><td>{:?}</td><td>{}</td></tr>",
            esc(name),
            figure.value,
            esc(figure.unit),
            figure.confidence,
            esc(figure.source)
        );
    }
    out.push_str("</table>\n");
    let notes: Vec<&String> = report.target.notes.iter().chain(&report.notes).collect();
    if !notes.is_empty() || !report.skipped_checks.is_empty() {
        out.push_str("<h2>Notes</h2><ul>");
        for note in notes {
            let _ = write!(out, "<li>{}</li>", esc(note));
        }
        for skipped in &report.skipped_checks {
            let _ = write!(
                out,
                "<li><code>{}</code> skipped: {}</li>",
                esc(skipped.rule),
                esc(&skipped.reason)
            );
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<footer>Written by opscope (report schema {}). Times are {}.</footer>\n</body></html>",
        report.schema_version,
        esc(&label)
    );
    out
}

/// The model: format, counts, inputs and outputs, weights, op types.
fn write_model_summary(out: &mut String, report: &AnalysisReport) {
    let model = &report.model;
    let _ = writeln!(
        out,
        "<h2>Model: {}</h2><table><tr><th>format</th><td>{}</td></tr><tr><th>nodes</th><td>{} in the main graph, {} in control-flow bodies, {} in functions</td></tr><tr><th>edges</th><td>{}</td></tr><tr><th>weights</th><td>{} tensors, {}</td></tr>",
        esc(&model.name),
        esc(model.format),
        model.nodes,
        model.subgraph_nodes,
        model.function_nodes,
        model.edges,
        model.weights.count,
        esc(&fmt_bytes(model.weights.bytes))
    );
    let tensors = |list: &[crate::report::TensorSummary]| -> String {
        let shown: Vec<String> = list
            .iter()
            .take(16)
            .map(|t| {
                let shape = t
                    .shape
                    .as_ref()
                    .map_or_else(|| "?".to_string(), ToString::to_string);
                format!(
                    "<code>{}</code> {} {}",
                    esc(&t.name),
                    esc(&t.dtype.to_string()),
                    esc(&shape)
                )
            })
            .collect();
        let more = list.len().saturating_sub(16);
        let tail = if more > 0 {
            format!(" … ({more} more)")
        } else {
            String::new()
        };
        format!("{}{tail}", shown.join("<br>"))
    };
    let _ = writeln!(
        out,
        "<tr><th>inputs</th><td>{}</td></tr><tr><th>outputs</th><td>{}</td></tr>",
        tensors(&model.inputs),
        tensors(&model.outputs)
    );
    let mut types: Vec<(&String, &usize)> = model.op_types.iter().collect();
    types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let listed: Vec<String> = types
        .iter()
        .map(|(op, n)| format!("{} ×{n}", esc(op)))
        .collect();
    let _ = writeln!(
        out,
        "<tr><th>op types</th><td>{}</td></tr></table>",
        listed.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::rich;

    #[test]
    fn backticks_become_code_and_markup_stays_text() {
        assert_eq!(
            rich("`a<b>` then `c`"),
            "<code>a&lt;b&gt;</code> then <code>c</code>"
        );
        assert_eq!(rich("odd ` tick"), "odd ` tick");
        assert_eq!(rich("`x` and `y"), "<code>x</code> and `y");
    }
}
