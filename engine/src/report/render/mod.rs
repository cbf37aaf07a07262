//! Renderings of the analysis report: Markdown, a self-contained HTML page, and the plain text
//! the CLI prints. Pure functions of the report (and, for pictures, of the laid-out graph), so
//! the CLI and the web app write the same bytes for the same analysis.
//!
//! Invariants: every string that came from a file (node names, op types, attribute text) is
//! escaped for the output format, and control and bidi-override characters are shown as
//! `\u{..}` escapes instead of being passed through.

mod compare;
mod html;
mod markdown;
pub mod outline_titles;
mod picture;
mod svg;
mod text;

pub use compare::{fusion_savings_chart, unit_comparison_chart};
pub use html::{html, html_with};
pub use markdown::markdown;
pub use picture::{graph_picture, op_type_chart, ReportOverlay, MAX_PICTURE_NODES};
pub use svg::{
    graph_svg, unit_colour, SvgLegendEntry, SvgNodeStyle, SvgOutline, SvgOutlineKind, SvgPalette,
    SvgStyle, SvgSwatch,
};
pub use text::text;

use super::analysis::AnalysisReport;

/// Characters that change how surrounding text is displayed (bidi embeddings, overrides and
/// isolates) or are invisible controls: shown escaped, never passed through. The noncharacters
/// U+FFFE and U+FFFF too: XML forbids them, and a standalone SVG file holding one is not read.
fn is_hidden(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `text` with hidden characters replaced by visible `\u{..}` escapes: how every page and file
/// opscope writes shows text that came from a file. Idempotent (an escape holds no hidden
/// character), so text shown once can go through it again.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hidden(c) {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// [`visible`] in place; whether `text` changed (most text has nothing hidden and is not copied).
pub fn make_visible(text: &mut String) -> bool {
    if !text.chars().any(is_hidden) {
        return false;
    }
    *text = visible(text);
    true
}

/// `12.3 us`, `1.23 ms`, `2.1 s`.
pub(crate) fn fmt_us(us: f64) -> String {
    if !us.is_finite() {
        "–".to_string()
    } else if us >= 1e6 {
        format!("{:.2} s", us / 1e6)
    } else if us >= 1e3 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{us:.1} us")
    }
}

/// `text` cut to `max` characters, the cut shown with `…` (chart labels; the full text is in
/// the tooltip).
pub(crate) fn fit_label(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

pub(crate) fn fmt_bytes(bytes: u64) -> String {
    let value = bytes as f64;
    if value >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} GiB", value / (1024.0 * 1024.0 * 1024.0))
    } else if value >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", value / (1024.0 * 1024.0))
    } else if value >= 1024.0 {
        format!("{:.1} KiB", value / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

pub(crate) fn fmt_pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// "measured" or "estimated (cost model, Ascend 310)": the label every time figure carries.
pub(crate) fn time_label(report: &AnalysisReport) -> String {
    if report.estimated {
        format!("estimated (cost model, {})", report.target.spec.name)
    } else {
        "measured".to_string()
    }
}

/// "4 findings (1 high, 2 medium, 1 low), estimated gain up to 1.23 ms": the one-line summary of
/// every rendering.
pub(crate) fn findings_summary(report: &AnalysisReport) -> String {
    let count = |severity: &str| {
        report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let gain: f64 = report.findings.iter().filter_map(|f| f.gain_us).sum();
    format!(
        "{} findings ({} high, {} medium, {} low), estimated gain up to {}",
        report.findings.len(),
        count("high"),
        count("medium"),
        count("low"),
        fmt_us(gain)
    )
}

/// Findings grouped by rule: groups ordered by their total gain, findings within by gain.
pub(crate) fn findings_by_rule(
    report: &AnalysisReport,
) -> Vec<(
    &'static str,
    &'static str,
    Vec<&super::analysis::FindingReport>,
)> {
    let mut groups: Vec<(
        &'static str,
        &'static str,
        Vec<&super::analysis::FindingReport>,
    )> = Vec::new();
    for finding in &report.findings {
        match groups.iter_mut().find(|(rule, _, _)| *rule == finding.rule) {
            Some((_, _, list)) => list.push(finding),
            None => groups.push((finding.rule, finding.title, vec![finding])),
        }
    }
    let gain = |list: &[&super::analysis::FindingReport]| -> f64 {
        list.iter().filter_map(|f| f.gain_us).sum()
    };
    groups.sort_by(|a, b| gain(&b.2).total_cmp(&gain(&a.2)).then(a.0.cmp(b.0)));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_become_visible() {
        assert_eq!(visible("a\u{202E}b"), "a\\u{202e}b");
        assert_eq!(visible("x\u{0007}"), "x\\u{0007}");
        assert_eq!(visible("line\nnext"), "line\nnext");
    }

    #[test]
    fn times_pick_a_readable_unit() {
        assert_eq!(fmt_us(12.34), "12.3 us");
        assert_eq!(fmt_us(1234.0), "1.23 ms");
        assert_eq!(fmt_us(2.5e6), "2.50 s");
        assert_eq!(fmt_bytes(2048), "2.0 KiB");
    }
}
