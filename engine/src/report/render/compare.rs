//! The report's two comparison charts as inline SVG: the cost model's estimate against the
//! measured time per execution unit, and the time fusion saves or would save per pattern.
//! Grouped horizontal bars, two per row, each labelled with what it is and its value, so the
//! chart reads without colour; every bar carries a `<title>` tooltip.

use std::fmt::Write as _;

use super::fmt_us;
use super::svg::{esc, unit_colour_of};
use crate::knowledge::ExecUnit;
use crate::report::analysis::AnalysisReport;
use crate::report::charts::{report_fusion_savings, report_unit_comparison};

const WIDTH: f64 = 720.0;
const LABEL_W: f64 = 190.0;
const VALUE_W: f64 = 230.0;
const BAR_H: f64 = 13.0;
/// Two bars and the gap below them.
const ROW_H: f64 = 2.0 * BAR_H + 10.0;
const LEGEND_H: f64 = 22.0;
/// Formed fusion groups; missed ones take the near-miss outline's orange of the graph picture.
const FORMED_FILL: &str = "#2f9e44";
const MISSED_FILL: &str = "#e8590c";

/// A bar's length for `us` when the longest bar is `longest` µs.
fn length(us: f64, longest: f64) -> f64 {
    if longest > 0.0 && us.is_finite() {
        (us / longest).clamp(0.0, 1.0) * (WIDTH - LABEL_W - VALUE_W)
    } else {
        0.0
    }
}

/// One bar with its tooltip and its value text; `hollow` draws it as an outline with a pale
/// fill (the estimate), so the two bars of a row differ without colour.
struct Bar<'a> {
    y: f64,
    us: f64,
    fill: &'a str,
    hollow: bool,
    text: String,
    title: String,
}

fn write_bar(out: &mut String, bar: &Bar, longest: f64) {
    let w = length(bar.us, longest).max(1.0);
    let style = if bar.hollow {
        format!(
            r##"fill="{}" fill-opacity="0.35" stroke="{}" stroke-width="1.2" stroke-dasharray="4 2""##,
            bar.fill, bar.fill
        )
    } else {
        format!(r##"fill="{}" stroke="#555" stroke-width="0.5""##, bar.fill)
    };
    let _ = write!(
        out,
        r#"<g><title>{}</title><rect x="{LABEL_W:.0}" y="{:.1}" width="{w:.2}" height="{BAR_H:.0}" {style}/><text x="{:.1}" y="{:.1}" font-size="11">{}</text></g>"#,
        esc(&bar.title),
        bar.y,
        LABEL_W + w + 6.0,
        bar.y + BAR_H - 2.5,
        esc(&bar.text)
    );
}

fn write_legend(out: &mut String, entries: &[(&str, bool, &str)]) {
    let mut x = LABEL_W;
    for (fill, hollow, text) in entries {
        let style = if *hollow {
            format!(r##"fill="{fill}" fill-opacity="0.35" stroke="{fill}" stroke-dasharray="4 2""##)
        } else {
            format!(r##"fill="{fill}" stroke="#555" stroke-width="0.5""##)
        };
        let _ = write!(
            out,
            r#"<rect x="{x:.0}" y="3" width="22" height="11" {style}/><text x="{:.0}" y="13" font-size="11">{}</text>"#,
            x + 28.0,
            esc(text)
        );
        x += 40.0 + 6.5 * text.chars().count() as f64;
    }
}

/// Per unit, a dashed bar of the cost model's estimate and a solid bar of the measured time
/// (only the estimate without a profile). `None` when no unit has time.
pub fn unit_comparison_chart(report: &AnalysisReport) -> Option<String> {
    let units = report_unit_comparison(report);
    if units.is_empty() {
        return None;
    }
    let longest = units.iter().map(|u| u.longest_us()).fold(0.0, f64::max);
    let height = LEGEND_H + units.len() as f64 * ROW_H;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="bar" viewBox="0 0 {WIDTH} {height:.0}" width="100%" role="img" aria-label="estimated and measured time per execution unit">"#
    );
    let estimate_text = if report.estimated {
        format!("estimated (cost model, {})", report.target.spec.name)
    } else {
        format!(
            "estimated (cost model, {}), the measured nodes",
            report.target.spec.name
        )
    };
    let mut legend = vec![("#8a94a3", true, estimate_text.as_str())];
    if !report.estimated {
        legend.push(("#8a94a3", false, "measured (profile)"));
    }
    write_legend(&mut out, &legend);
    for (idx, unit) in units.iter().enumerate() {
        let y = LEGEND_H + idx as f64 * ROW_H;
        let label = ExecUnit::parse(unit.unit).map_or(unit.unit, |u| u.label());
        let fill = unit_colour_of(unit.unit);
        let _ = write!(
            out,
            r#"<text x="{:.0}" y="{:.1}" font-size="12" text-anchor="end">{}</text>"#,
            LABEL_W - 6.0,
            y + BAR_H + 3.0,
            esc(label)
        );
        let ratio = unit
            .ratio()
            .map(|r| format!("; measured is {r:.2}× the estimate"))
            .unwrap_or_default();
        write_bar(
            &mut out,
            &Bar {
                y,
                us: unit.estimated_us,
                fill,
                hollow: true,
                text: format!("estimated {}", fmt_us(unit.estimated_us)),
                title: format!(
                    "{label}: estimated {} over {} nodes{ratio}",
                    fmt_us(unit.estimated_us),
                    unit.nodes
                ),
            },
            longest,
        );
        if let Some(measured) = unit.measured_us {
            write_bar(
                &mut out,
                &Bar {
                    y: y + BAR_H + 1.0,
                    us: measured,
                    fill,
                    hollow: false,
                    text: format!("measured {}", fmt_us(measured)),
                    title: format!("{label}: measured {}{ratio}", fmt_us(measured)),
                },
                longest,
            );
        }
    }
    out.push_str("</svg>");
    Some(out)
}

/// Per fusion pattern, a bar of what its formed groups save and one of what its near misses
/// would save. `None` when the simulation formed no group and found no near miss.
pub fn fusion_savings_chart(report: &AnalysisReport) -> Option<String> {
    let rows = report_fusion_savings(report);
    if rows.is_empty() {
        return None;
    }
    let longest = rows.iter().map(|r| r.longest_us()).fold(0.0, f64::max);
    let height = LEGEND_H + rows.len() as f64 * ROW_H;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="bar" viewBox="0 0 {WIDTH} {height:.0}" width="100%" role="img" aria-label="time saved by fusion groups formed and that near misses would save, per pattern">"#
    );
    write_legend(
        &mut out,
        &[
            (FORMED_FILL, false, "saved by the groups formed"),
            (MISSED_FILL, true, "near misses: would save if fused"),
        ],
    );
    for (idx, row) in rows.iter().enumerate() {
        let y = LEGEND_H + idx as f64 * ROW_H;
        let _ = write!(
            out,
            r#"<text x="{:.0}" y="{:.1}" font-size="12" text-anchor="end"><title>{}</title>{}</text>"#,
            LABEL_W - 6.0,
            y + BAR_H + 3.0,
            esc(&row.pattern),
            esc(&super::fit_label(&row.pattern, 28))
        );
        // A pattern that only formed groups, or only missed, gets one bar.
        let mut slot = 0.0;
        if row.formed > 0 {
            write_bar(
                &mut out,
                &Bar {
                    y,
                    us: row.formed_us,
                    fill: FORMED_FILL,
                    hollow: false,
                    text: format!("{} formed: {}", row.formed, fmt_us(row.formed_us)),
                    title: format!(
                        "{}: {} groups formed save {}",
                        row.pattern,
                        row.formed,
                        fmt_us(row.formed_us)
                    ),
                },
                longest,
            );
            slot = BAR_H + 1.0;
        }
        if row.missed > 0 {
            write_bar(
                &mut out,
                &Bar {
                    y: y + slot,
                    us: row.missed_us,
                    fill: MISSED_FILL,
                    hollow: true,
                    text: format!("{} missed: up to {}", row.missed, fmt_us(row.missed_us)),
                    title: format!(
                        "{}: {} near misses would save up to {}",
                        row.pattern,
                        row.missed,
                        fmt_us(row.missed_us)
                    ),
                },
                longest,
            );
        }
    }
    out.push_str("</svg>");
    Some(out)
}
