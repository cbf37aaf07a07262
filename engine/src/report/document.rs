//! The analysis report as a file, the one function the CLI (`opscope analyze --format`) and the
//! web app's worker (Export → Report) both call, so the same model, profile, target and overlay
//! give the same bytes.

use crate::analysis::{analyze, AnalyzeOptions};
use crate::ir::Model;
use crate::profile::ProfileImport;

use super::analysis::{build, AnalysisReport};
use super::render::{self, ReportOverlay};

/// The renderings of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
    Html,
}

impl ReportFormat {
    /// The file name's extension (`html`).
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Text => "txt",
            ReportFormat::Json => "json",
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ReportFormat::Text => "text/plain;charset=utf-8",
            ReportFormat::Json => "application/json",
            ReportFormat::Markdown => "text/markdown;charset=utf-8",
            ReportFormat::Html => "text/html;charset=utf-8",
        }
    }
}

/// Renders a built report of `model`; the HTML draws the model's main graph (laid out as
/// `report::graph_view` does) with `overlay`.
pub fn render_report(
    model: &Model,
    report: &AnalysisReport,
    format: ReportFormat,
    overlay: ReportOverlay,
) -> Result<String, serde_json::Error> {
    Ok(match format {
        ReportFormat::Text => render::text(report),
        ReportFormat::Json => serde_json::to_string_pretty(report)?,
        ReportFormat::Markdown => render::markdown(report),
        ReportFormat::Html => render::html_with(report, Some(&super::graph_view(model)), overlay),
    })
}

/// Analyses `model` (with the profile of a run, if any) and renders the report: what the app
/// exports. The CLI runs the same two steps with its extra `--fused` comparison in between.
pub fn analysis_report_file(
    model: &Model,
    profile: Option<&ProfileImport>,
    options: &AnalyzeOptions,
    format: ReportFormat,
    overlay: ReportOverlay,
) -> Result<String, serde_json::Error> {
    let analysis = analyze(model, profile.map(|p| &p.profile), options);
    let report = build(model, &analysis, profile);
    render_report(model, &report, format, overlay)
}
