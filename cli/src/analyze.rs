//! `opscope analyze MODEL [--weights F] [--profile FILE]... [--fused COMPILED] [--target T]
//! [--cann VERSION] [--format text|json|md|html] [-o FILE] [--fail-on RULE,...]`.
//!
//! Runs the Ascend analysis (units, fusion, rules, cost model; calibrated by the profile when
//! one is given) and writes the report. `--fail-on` makes CI fail (exit 1, not 2) when one of the
//! listed rules fires. The JSON keys are documented in docs/analyze-json.md.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use opscope_engine::analysis::{self, fusion, rules, AnalyzeOptions, CannVersion};
use opscope_engine::report::render::ReportOverlay;
use opscope_engine::report::{self, analysis as analysis_report, ReportFormat};
use opscope_engine::target::TargetId;

use crate::{load_model, print_output, read_profile, UserError};

#[derive(Args)]
pub struct AnalyzeArgs {
    /// Model file (format detected by content): ONNX, TensorFlow .pb/.pbtxt, Caffe .prototxt,
    /// Ascend GE dump, its JSON, or an .om offline model.
    model: PathBuf,
    /// Weights of the model when they are a separate file (a Caffe `.caffemodel`).
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Profiling files of one run of the model (repeat the flag for several files): measured
    /// units and times replace the estimates, and the cost model is calibrated.
    #[arg(long = "profile", value_name = "FILE")]
    profiles: Vec<PathBuf>,
    /// The chip to analyse for: ascend310, ascend310p or ascend910b. Default: the chip the
    /// profile shows it ran on (its info.json, or the vector-core task types and cube/vector PMU
    /// columns only A2 chips have; the profile report's `ran_on`), else ascend310. A profile's
    /// info.json overrides the core count and clock.
    #[arg(long, value_parser = parse_target)]
    target: Option<TargetId>,
    /// The compiled model of the same network (a GE dump, om JSON or .om made by ATC from
    /// MODEL): its fused ops are compared with the simulated fusion groups (`fusion_check`).
    #[arg(long, value_name = "COMPILED_MODEL")]
    fused: Option<PathBuf>,
    /// CANN release whose fusion rules are simulated (e.g. 8.0.RC1, 7.0.0).
    #[arg(long, value_parser = parse_cann)]
    cann: Option<CannVersion>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// What the HTML report's graph picture colours: unit (default), fusion, heat or none, as
    /// the app's overlays do (the app's Export → Report (HTML) passes its overlay).
    #[arg(long, default_value = "unit", value_parser = parse_overlay)]
    overlay: ReportOverlay,
    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with code 1 when one of these rules fires (comma-separated rule ids), for CI.
    #[arg(long = "fail-on", value_name = "RULE,...", value_delimiter = ',')]
    fail_on: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Md,
    Html,
}

fn parse_target(text: &str) -> Result<TargetId, String> {
    TargetId::parse(text).ok_or_else(|| {
        let ids: Vec<&str> = TargetId::ALL.iter().map(|t| t.id()).collect();
        format!(
            "unknown target `{text}`; expected one of {}",
            ids.join(", ")
        )
    })
}

fn parse_overlay(text: &str) -> Result<ReportOverlay, String> {
    ReportOverlay::parse(text).ok_or_else(|| {
        let ids: Vec<&str> = ReportOverlay::ALL.iter().map(|o| o.id()).collect();
        format!(
            "unknown overlay `{text}`; expected one of {}",
            ids.join(", ")
        )
    })
}

fn parse_cann(text: &str) -> Result<CannVersion, String> {
    CannVersion::parse(text)
        .ok_or_else(|| format!("`{text}` is not a CANN version (expected e.g. 8.0.RC1 or 7.0.0)"))
}

pub fn run(args: &AnalyzeArgs) -> Result<ExitCode, UserError> {
    for id in &args.fail_on {
        if rules::rule(id).is_none() {
            let ids: Vec<&str> = rules::RULES.iter().map(|r| r.id).collect();
            return Err(UserError(format!(
                "--fail-on: unknown rule `{id}`; rules are {}",
                ids.join(", ")
            )));
        }
    }
    let model = load_model(&args.model, args.weights.as_deref())?;
    let import = if args.profiles.is_empty() {
        None
    } else {
        let import = read_profile(&args.profiles)?;
        for issue in &import.issues {
            eprintln!("warning: {issue}");
        }
        Some(import)
    };
    let ran_on = import
        .as_ref()
        .and_then(|import| report::profile::ran_on(&import.profile));
    let options = AnalyzeOptions {
        target: args.target.or(ran_on).unwrap_or_default(),
        cann: args.cann.unwrap_or(CannVersion::DEFAULT),
    };
    let mut analysis = analysis::analyze(&model, import.as_ref().map(|i| &i.profile), &options);
    if let Some(path) = &args.fused {
        let compiled = load_model(path, None)?;
        if fusion::real_groups(&compiled).is_empty() {
            return Err(UserError(format!(
                "{}: no fused op in this model names its original ops (`_datadump_original_op_names`); --fused takes a GE dump, om JSON or .om made by ATC",
                path.display()
            )));
        }
        let source = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        analysis.fusion_check = Some(fusion::compare_with_compiled(
            &model,
            &analysis.fusion,
            &compiled,
            &source,
        ));
    }
    let report = analysis_report::build(&model, &analysis, import.as_ref());
    let format = match args.format {
        Format::Text => ReportFormat::Text,
        Format::Json => ReportFormat::Json,
        Format::Md => ReportFormat::Markdown,
        Format::Html => ReportFormat::Html,
    };
    let text = report::render_report(&model, &report, format, args.overlay)
        .map_err(|err| UserError(format!("cannot write JSON: {err}")))?;
    match &args.output {
        Some(path) => std::fs::write(path, text.as_bytes()).map_err(|err| {
            UserError(format!(
                "{}: cannot write the report: {err}",
                path.display()
            ))
        })?,
        None => print_output(text.trim_end_matches('\n'))?,
    }
    let fired = analysis.rules.fired_any(&args.fail_on);
    if fired.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for rule in &fired {
            let count = analysis.rules.of_rule(rule).count();
            eprintln!("opscope: --fail-on: rule `{rule}` fired ({count} findings)");
        }
        Ok(ExitCode::from(1))
    }
}
