//! The analysis report as Markdown (GitHub-flavoured tables), for tickets and reviews.

use std::fmt::Write as _;

use super::{findings_by_rule, findings_summary, fmt_bytes, fmt_pct, fmt_us, time_label, visible};
use crate::report::analysis::AnalysisReport;
use crate::report::charts::{report_fusion_savings, report_unit_comparison};

/// Rows of the per-node time table kept in Markdown (the JSON has every node).
const TOP_NODES: usize = 30;

/// Text from a file, safe inside Markdown prose and table cells: Markdown and HTML specials are
/// backslash-escaped, line breaks become spaces, hidden characters visible escapes.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn names(list: &[String], max: usize) -> String {
    let mut text: Vec<String> = list.iter().take(max).map(|n| md(n)).collect();
    if list.len() > max {
        text.push(format!("… ({} more)", list.len() - max));
    }
    text.join(", ")
}

/// The two comparison charts as tables: estimate against measurement per unit, and fusion
/// savings per pattern (the HTML report draws them).
fn write_comparisons(out: &mut String, report: &AnalysisReport) {
    let units = report_unit_comparison(report);
    if !units.is_empty() {
        if report.estimated {
            let _ = writeln!(
                out,
                "\n## Estimated time per unit (no profile: nothing measured)\n"
            );
            let _ = writeln!(out, "| unit | nodes | estimated |");
            let _ = writeln!(out, "| --- | ---: | ---: |");
        } else {
            let _ = writeln!(out, "\n## Predicted vs measured time per unit\n");
            let _ = writeln!(
                out,
                "| unit | nodes | estimated | measured | measured / estimated |"
            );
            let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: |");
        }
        for unit in &units {
            let _ = write!(
                out,
                "| {} | {} | {}",
                unit.unit,
                unit.nodes,
                fmt_us(unit.estimated_us)
            );
            if let Some(measured) = unit.measured_us {
                let ratio = unit.ratio().map(|r| format!("{r:.2}×")).unwrap_or_default();
                let _ = write!(out, " | {} | {ratio}", fmt_us(measured));
            }
            out.push_str(" |\n");
        }
    }
    let savings = report_fusion_savings(report);
    if !savings.is_empty() {
        let _ = writeln!(
            out,
            "\n## Fusion savings per pattern (estimated, cost model)\n"
        );
        let _ = writeln!(
            out,
            "| pattern | groups formed | saved | near misses | would save |"
        );
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: |");
        for row in &savings {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(&row.pattern),
                row.formed,
                fmt_us(row.formed_us),
                row.missed,
                fmt_us(row.missed_us)
            );
        }
    }
}

/// Renders the report as one Markdown document.
pub fn markdown(report: &AnalysisReport) -> String {
    let mut out = String::new();
    let model = &report.model;
    let label = time_label(report);
    let _ = writeln!(out, "# opscope analysis: {}\n", md(&model.name));
    let _ = writeln!(
        out,
        "- Model: {} ({}), {} nodes, {} edges",
        md(&model.name),
        model.format,
        model.nodes,
        model.edges
    );
    let _ = writeln!(
        out,
        "- Target: {} (`{}`), CANN {}",
        report.target.spec.name,
        report.target.spec.id.id(),
        md(&report.cann)
    );
    let _ = writeln!(out, "- Times: {label}; total {}", fmt_us(report.total_us));
    let _ = writeln!(out, "- Findings: {}", findings_summary(report));
    if report.estimated {
        let _ = writeln!(
            out,
            "\n> No profile was given: every time below is an **estimate** of the cost model, not a measurement."
        );
    }

    let _ = writeln!(out, "\n## Findings\n");
    if report.findings.is_empty() {
        let _ = writeln!(out, "No rule fired.");
    }
    for (rule, title, list) in findings_by_rule(report) {
        let gain: f64 = list.iter().filter_map(|f| f.gain_us).sum();
        let _ = writeln!(
            out,
            "### `{rule}`: {} ({} finding{}, gain up to {})\n",
            md(title),
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            fmt_us(gain)
        );
        for finding in list {
            let gain = finding
                .gain_us
                .map(|g| format!(", gain up to {}", fmt_us(g)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- **{}**{gain}: {}  \n  Nodes: {}  \n  Fix: {}",
                finding.severity,
                md(&finding.message),
                names(&finding.nodes, 8),
                md(&finding.fix)
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Time by unit ({label})\n");
    let _ = writeln!(out, "| unit | nodes | time | share |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: |");
    let total: f64 = report.units.values().map(|u| u.time_us).sum();
    for (unit, totals) in &report.units {
        let share = if total > 0.0 {
            totals.time_us / total
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "| {unit} | {} | {} | {} |",
            totals.nodes,
            fmt_us(totals.time_us),
            fmt_pct(share)
        );
    }

    write_comparisons(&mut out, report);

    let _ = writeln!(out, "\n## Hotspots ({label})\n");
    let _ = writeln!(out, "| op | type | unit | count | total | share | nodes |");
    let _ = writeln!(out, "| --- | --- | --- | ---: | ---: | ---: | --- |");
    for spot in &report.hotspots {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&spot.op),
            md(&spot.op_type),
            spot.unit,
            spot.count,
            fmt_us(spot.total_us),
            fmt_pct(spot.share),
            names(spot.nodes.as_deref().unwrap_or(&[]), 4)
        );
    }

    let mut slow: Vec<&crate::report::analysis::NodeReport> = report.per_node.iter().collect();
    let time = |n: &crate::report::analysis::NodeReport| n.measured_us.unwrap_or(n.estimated_us);
    slow.sort_by(|a, b| time(b).total_cmp(&time(a)));
    let _ = writeln!(out, "\n## Slowest nodes\n");
    let _ = writeln!(
        out,
        "| node | type | unit | why this unit | fusion group | estimated | measured |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | ---: | ---: | ---: |");
    for node in slow.iter().take(TOP_NODES) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            md(&node.name),
            md(&node.op_type),
            node.unit,
            md(&node.unit_reason),
            node.fusion_group.map(|g| g.to_string()).unwrap_or_default(),
            fmt_us(node.estimated_us),
            node.measured_us.map(fmt_us).unwrap_or_default()
        );
    }

    let _ = writeln!(out, "\n## Fusion groups\n");
    if report.fusion_groups.is_empty() {
        let _ = writeln!(out, "None simulated.");
    } else {
        let _ = writeln!(out, "| # | kind | pattern | nodes | DDR traffic saved |");
        let _ = writeln!(out, "| ---: | --- | --- | --- | ---: |");
        for (idx, group) in report.fusion_groups.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {idx} | {} | {} | {} | {} |",
                group.kind,
                md(group.pattern),
                names(&group.nodes, 8),
                fmt_bytes(group.ddr_bytes_saved)
            );
        }
    }
    if !report.near_misses.is_empty() {
        let _ = writeln!(out, "\n### Near misses\n");
        for miss in &report.near_misses {
            let _ = writeln!(
                out,
                "- {} ({}): {}  \n  Fix: {}",
                md(miss.pattern),
                names(&miss.nodes, 8),
                md(&miss.reason),
                md(&miss.fix)
            );
        }
    }

    if let Some(check) = &report.unit_check {
        let _ = writeln!(
            out,
            "\n## Unit check (knowledge base against the profile)\n"
        );
        let _ = writeln!(
            out,
            "{} of {} op types predicted right; {} of the profiled time.",
            check.agree_ops,
            check.total_ops,
            fmt_pct(check.agree_share)
        );
        for miss in &check.disagreements {
            let _ = writeln!(
                out,
                "- {}: predicted {}, measured {} ({})",
                md(&miss.op_type),
                miss.predicted,
                md(&miss.measured),
                fmt_us(miss.total_us)
            );
        }
    }
    if let Some(check) = &report.fusion_check {
        let _ = writeln!(
            out,
            "\n## Fusion check (simulation against the real fused ops)\n"
        );
        let _ = writeln!(
            out,
            "{} of {} real groups found exactly ({}); {} simulated groups; real groups from {}.",
            check.matched,
            check.real_groups,
            fmt_pct(check.agreement),
            check.simulated_groups,
            md(&check.source)
        );
        for diff in &check.differences {
            let _ = writeln!(
                out,
                "- {} {}: real [{}], simulated [{}]",
                diff.kind,
                md(diff.fused_op.as_deref().unwrap_or("")),
                names(&diff.real, 8),
                names(&diff.simulated, 8)
            );
        }
    }
    if let Some(calibration) = &report.cost.calibration {
        let _ = writeln!(out, "\n## Cost model against the measurement\n");
        if let Some(rho) = calibration.rank_correlation {
            let _ = writeln!(
                out,
                "Rank correlation of per-node times: {rho:.3} over {} nodes.\n",
                calibration.nodes_compared
            );
        }
        let _ = writeln!(out, "| unit | predicted | measured | factor | nodes |");
        let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: |");
        for unit in &calibration.factors {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.3} | {} |",
                unit.unit,
                fmt_us(unit.predicted_us),
                fmt_us(unit.measured_us),
                unit.factor,
                unit.nodes
            );
        }
    }

    let _ = writeln!(out, "\n## Target figures\n");
    let _ = writeln!(out, "| figure | value | confidence | source |");
    let _ = writeln!(out, "| --- | ---: | --- | --- |");
    for (name, figure) in target_figures(report) {
        let _ = writeln!(
            out,
            "| {name} | {} {} | {:?} | {} |",
            figure.value,
            figure.unit,
            figure.confidence,
            md(figure.source)
        );
    }
    for note in report.target.notes.iter().chain(&report.notes) {
        let _ = writeln!(out, "\n- {}", md(note));
    }
    for skipped in &report.skipped_checks {
        let _ = writeln!(out, "- `{}` skipped: {}", skipped.rule, md(&skipped.reason));
    }
    out
}

/// The target's figures by field name, in table order.
pub(crate) fn target_figures(
    report: &AnalysisReport,
) -> Vec<(&'static str, crate::target::Figure)> {
    let s = &report.target.spec;
    vec![
        ("AI Cores", s.ai_cores),
        ("vector cores", s.vector_cores),
        ("Cube M", s.cube_m),
        ("Cube K", s.cube_k),
        ("Cube N", s.cube_n),
        ("C0 (16/32-bit)", s.c0_fp16),
        ("C0 (8-bit)", s.c0_int8),
        ("UB", s.ub_bytes),
        ("L1", s.l1_bytes),
        ("L0A", s.l0a_bytes),
        ("L0B", s.l0b_bytes),
        ("L0C", s.l0c_bytes),
        ("L2", s.l2_bytes),
        ("Cube fp16", s.cube_fp16_tflops),
        ("Cube int8", s.cube_int8_tops),
        ("Vector fp16", s.vector_fp16_tflops),
        ("memory bandwidth", s.memory_gbs),
        ("AI CPU cores", s.ai_cpu_cores),
        ("clock", s.clock_mhz),
    ]
}
