//! The analysis report as plain text for a terminal (`opscope analyze`, the default format).

use std::fmt::Write as _;

use super::{findings_by_rule, fmt_pct, fmt_us, time_label, visible};
use crate::report::analysis::AnalysisReport;

/// Hotspot rows and fusion groups shown in text; the JSON has them all.
const TOP_ROWS: usize = 15;

fn cut(text: &str, max: usize) -> String {
    let text = visible(text);
    if text.chars().count() <= max {
        text
    } else {
        let head: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

pub fn text(report: &AnalysisReport) -> String {
    let mut out = String::new();
    let model = &report.model;
    let label = time_label(report);
    let _ = writeln!(
        out,
        "model: {} ({}), {} nodes; target: {} (CANN {}); times {}; total {}",
        cut(&model.name, 60),
        model.format,
        model.nodes,
        report.target.spec.name,
        report.cann,
        label,
        fmt_us(report.total_us)
    );
    let total: f64 = report.units.values().map(|u| u.time_us).sum();
    let units: Vec<String> = report
        .units
        .iter()
        .map(|(unit, t)| {
            let share = if total > 0.0 { t.time_us / total } else { 0.0 };
            format!("{unit} {} nodes {}", t.nodes, fmt_pct(share))
        })
        .collect();
    let _ = writeln!(out, "units: {}", units.join(", "));
    let _ = writeln!(
        out,
        "fusion: {} groups, {} near misses",
        report.fusion_groups.len(),
        report.near_misses.len()
    );
    if let Some(check) = &report.unit_check {
        let _ = writeln!(
            out,
            "unit check: {} of profiled time predicted right ({} of {} op types)",
            fmt_pct(check.agree_share),
            check.agree_ops,
            check.total_ops
        );
    }
    if let Some(check) = &report.fusion_check {
        let _ = writeln!(
            out,
            "fusion check: {} of {} real groups found ({})",
            check.matched,
            check.real_groups,
            fmt_pct(check.agreement)
        );
    }
    let _ = writeln!(out, "\nfindings ({}):", report.findings.len());
    for (rule, title, list) in findings_by_rule(report) {
        let _ = writeln!(out, "  {rule}: {title} ({})", list.len());
        for finding in list {
            let gain = finding
                .gain_us
                .map(|g| format!(" [gain ≤ {}]", fmt_us(g)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {:<6} {}{gain}\n           fix: {}",
                finding.severity,
                cut(&finding.message, 200),
                cut(&finding.fix, 200)
            );
        }
    }
    let _ = writeln!(out, "\nhotspots ({label}):");
    for spot in report.hotspots.iter().take(TOP_ROWS) {
        let _ = writeln!(
            out,
            "  {:>10}  {:>6}  {:<13}  {:<16}  {}",
            fmt_us(spot.total_us),
            fmt_pct(spot.share),
            spot.unit,
            cut(&spot.op_type, 16),
            cut(&spot.op, 60)
        );
    }
    if !report.fusion_groups.is_empty() {
        let _ = writeln!(out, "\nfusion groups (first {TOP_ROWS}):");
        for group in report.fusion_groups.iter().take(TOP_ROWS) {
            let _ = writeln!(
                out,
                "  {:<3} {:<36} {}",
                group.kind,
                group.pattern,
                cut(&group.nodes.join(" → "), 100)
            );
        }
    }
    for note in report.target.notes.iter().chain(&report.notes) {
        let _ = writeln!(out, "note: {}", cut(note, 200));
    }
    out
}
