//! `opscope profile FILE... [--model MODEL] [--top N] [--json] [--ai-core-num N]`.
//!
//! Reads the profiling files of one Ascend run, prints the hotspot table, the time by unit and
//! the findings; with `--model`, also the share of profiled time matched to graph nodes. The JSON
//! keys are documented in docs/profile-json.md.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use opscope_engine::profile;
use opscope_engine::report::profile::{self as report, ProfileOptions, ProfileReport};

use crate::{load_model, print_report, read_profile, UserError};

#[derive(Args)]
pub struct ProfileArgs {
    /// Profiling files of one run, or folders of them (read recursively: a PROF_* or device_N
    /// folder, a torch_npu *_ascend_pt folder, a MindStudio export): op_summary / kernel_details /
    /// op_statistic / task_time CSV, msprof_*.json / trace_view.json timelines, fusion_op CSV,
    /// info.json, MindStudio 2.x JSON exports (timeline_ts, summary_ts, summary_aicore, ...)
    /// (detected by content). Files that hold no profiling data are skipped with the reason.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Model whose nodes the profiled ops are matched to.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Weights of the model when they are a separate file (a Caffe `.caffemodel`).
    #[arg(long, requires = "model")]
    weights: Option<PathBuf>,
    /// Hotspot rows to show.
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Print the report as JSON (stable keys, see docs/profile-json.md).
    #[arg(long)]
    json: bool,
    /// AI Core count for the block-dim check when no info.json is given.
    #[arg(long)]
    ai_core_num: Option<u32>,
}

pub fn run(args: &ProfileArgs) -> Result<(), UserError> {
    let import = read_profile(&args.files)?;
    let join = match &args.model {
        Some(path) => {
            let model = load_model(path, args.weights.as_deref())?;
            Some(profile::join(&import.profile, &model))
        }
        None => None,
    };
    let options = ProfileOptions {
        top: args.top,
        ai_core_num: args.ai_core_num,
    };
    let report = report::build(&import, join.as_ref(), &options);
    // Unreadable files were listed as skipped when read.
    let skipped: Vec<String> = import.errors.iter().map(ToString::to_string).collect();
    for warning in report.warnings.iter().filter(|w| !skipped.contains(w)) {
        eprintln!("warning: {warning}");
    }
    print_report(&report, args.json, render_text)
}

fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn unit_label(id: &str) -> &'static str {
    profile::Unit::ALL
        .into_iter()
        .find(|u| u.id() == id)
        .map(profile::Unit::label)
        .unwrap_or("other")
}

/// Cuts long op names so the table stays readable.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let head: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

pub fn render_text(report: &ProfileReport) -> String {
    let mut out = String::new();
    let used: Vec<String> = report
        .sources
        .iter()
        .filter(|s| s.used && s.rows > 0)
        .map(|s| s.kind.to_string())
        .collect();
    let _ = writeln!(
        out,
        "profile: {} task rows, {} ops, total {:.3} us; files: {}",
        report.rows,
        report.ops,
        report.total_us,
        if used.is_empty() {
            "no usable file".to_string()
        } else {
            used.join(", ")
        }
    );
    let chip = match (&report.chip, report.ran_on) {
        (Some(chip), _) => chip.clone(),
        (None, Some(id)) => match opscope_engine::target::TargetId::parse(id) {
            Some(target) => format!(
                "chip unknown ({}-class by its task types and PMU columns)",
                opscope_engine::target::spec_of(target).name
            ),
            None => "chip unknown".to_string(),
        },
        (None, None) => "chip unknown".to_string(),
    };
    let cores = match report.ai_core_num {
        Some(n) => format!("{n} AI Cores ({})", report.ai_core_num_source),
        None => "AI Core count unknown".to_string(),
    };
    let _ = writeln!(out, "device: {chip}, {cores}");
    let key = if report.hotspots_by == "type" {
        "op type"
    } else {
        "op"
    };
    let _ = writeln!(
        out,
        "\nhotspots (top {} of {}, by {key}):",
        report.hotspots.len(),
        report.ops
    );
    let _ = writeln!(
        out,
        "  {:>12}  {:>6}  {:>6}  {:>10}  {:<13}  {:<18}  {key}",
        "total us", "share", "count", "avg us", "unit", "type"
    );
    for spot in &report.hotspots {
        let mut name = cut(&spot.op, 60);
        if let Some(nodes) = &spot.nodes {
            if nodes.is_empty() {
                name.push_str("  (no node)");
            } else if nodes.len() == 1 && nodes[0] == spot.op {
                name.push_str("  (node)");
            } else {
                name.push_str(&format!("  → {}", cut(&nodes.join(", "), 60)));
            }
        }
        let _ = writeln!(
            out,
            "  {:>12.3}  {:>6}  {:>6}  {:>10.3}  {:<13}  {:<18}  {}",
            spot.total_us,
            pct(spot.share),
            spot.count,
            spot.avg_us,
            unit_label(spot.unit),
            cut(&spot.op_type, 18),
            name
        );
    }
    let _ = writeln!(out, "\ntime by unit:");
    for (unit, us) in &report.units.0 {
        let share = if report.total_us > 0.0 {
            us / report.total_us
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "  {:<14} {:>14.3} us  {:>6}",
            unit.label(),
            us,
            pct(share)
        );
    }
    if let Some(share) = report.matched_share {
        let _ = writeln!(
            out,
            "\ngraph: {} of profiled time matched to nodes ({:.3} us); {:.3} us in ops GE inserted",
            pct(share),
            report.matched_us.unwrap_or(0.0),
            report.inserted_us.unwrap_or(0.0)
        );
        if let Some(inserted) = &report.inserted {
            for op in inserted.iter().take(10) {
                let place = match &op.between {
                    Some([a, b]) => format!("between {a} and {b}"),
                    None => format!("unplaced: {}", op.note),
                };
                let _ = writeln!(out, "  inserted {} ({:.3} us): {place}", op.op, op.total_us);
            }
        }
        if let Some(unmatched) = &report.unmatched {
            for op in unmatched.iter().take(10) {
                let _ = writeln!(
                    out,
                    "  unmatched {} ({:.3} us): {}",
                    cut(&op.op, 60),
                    op.total_us,
                    op.reason
                );
            }
            if unmatched.len() > 10 {
                let _ = writeln!(out, "  … {} more unmatched ops", unmatched.len() - 10);
            }
        }
    }
    let _ = writeln!(out, "\nfindings ({}):", report.findings.len());
    if report.findings.is_empty() {
        let _ = writeln!(out, "  none");
    }
    let joined = report.matched_share.is_some();
    let mut rules: Vec<&str> = Vec::new();
    for finding in &report.findings {
        if !rules.contains(&finding.rule) {
            rules.push(finding.rule);
        }
    }
    for rule in rules {
        let group: Vec<_> = report.findings.iter().filter(|f| f.rule == rule).collect();
        let same_fix = group.windows(2).all(|w| w[0].fix == w[1].fix);
        let _ = writeln!(out, "  {rule} ({}):", group.len());
        if same_fix {
            if let Some(first) = group.first() {
                let _ = writeln!(out, "    fix: {}", first.fix);
            }
        }
        for finding in group {
            let _ = writeln!(out, "    - {}", finding.message);
            if !same_fix {
                let _ = writeln!(out, "      fix: {}", finding.fix);
            }
            if joined {
                let nodes = cut(&finding.nodes.join(", "), 100);
                if !nodes.is_empty() {
                    let _ = writeln!(out, "      nodes: {nodes}");
                }
            }
            if let Some(gain) = finding.gain_us {
                let _ = writeln!(out, "      gain: up to {gain:.3} us");
            }
        }
    }
    for note in &report.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    if !report.skipped_checks.is_empty() {
        let _ = writeln!(out, "\nskipped checks:");
        for skipped in &report.skipped_checks {
            let _ = writeln!(out, "  {}: {}", skipped.rule, skipped.reason);
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use opscope_engine::InputFile;

    fn report_of(csv: &str) -> ProfileReport {
        let import =
            profile::import_profile(&[InputFile::new("op_summary_0.csv", csv.as_bytes().to_vec())]);
        assert!(import.errors.is_empty(), "{:?}", import.errors);
        report::build(
            &import,
            None,
            &ProfileOptions {
                top: 5,
                ai_core_num: Some(8),
            },
        )
    }

    const CSV: &str =
        "Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Block Num\n\
conv1,Conv2D,static,AI_CORE,100,30,6\n\
conv1,Conv2D,static,AI_CORE,200,30,6\n\
pow,Pow,static,AI_CPU,300,25,1\n";

    #[test]
    fn text_has_table_units_and_findings() {
        let text = render_text(&report_of(CSV));
        let expected = "\
profile: 3 task rows, 2 ops, total 85.000 us; files: op_summary
device: chip unknown, 8 AI Cores (given)

hotspots (top 2 of 2, by op):
      total us   share   count      avg us  unit           type                op
        60.000   70.6%       2      30.000  AI Core        Conv2D              conv1
        25.000   29.4%       1      25.000  AI CPU         Pow                 pow

time by unit:
  AI Core                60.000 us   70.6%
  AI CPU                 25.000 us   29.4%

findings (2):
  aicpu-op (1):
    fix: Pow has an AI Core replacement, Mul chain, when the exponent is a constant integer: tf.pow(x, 2) → x * x; x³ → x * x * x.
    - `pow` (Pow) ran on the AI CPU: 1 tasks, 25.0 us (29.4% of compute time), longest 25.0 us
      gain: up to 25.000 us
  block-dim (1):
    fix: Tile the op (or pick its input shape) so the block count is a multiple of 8 (e.g. 8 instead of 6), so that no core idles in the last wave.
    - `conv1` ran with Block Dim 6 on 8 AI Cores: 1 wave(s), 2 core slots idle in the last wave (75.0% core use); 2 tasks, 60.0 us

skipped checks:
  no-bound: no PipeUtilization ratios (vec/mac/scalar/mte*_ratio) in the profile; collect with --aic-metrics=PipeUtilization
  memory-bound: no mte2/mac/vec ratios or memory_bound column in the profile; collect with --aic-metrics=PipeUtilization";
        assert_eq!(text, expected);
    }

    #[test]
    fn json_has_the_documented_keys() {
        let value = serde_json::to_value(report_of(CSV)).unwrap_or_default();
        for key in [
            "hotspots", "units", "findings", "total_us", "rows", "sources", "warnings",
        ] {
            assert!(value.get(key).is_some(), "missing {key}");
        }
        assert_eq!(value["hotspots"][0]["op"], "conv1");
        assert_eq!(value["hotspots"][0]["type"], "Conv2D");
        assert_eq!(value["hotspots"][0]["unit"], "ai_core");
        assert_eq!(value["units"]["ai_cpu"], 25.0);
        assert_eq!(value["findings"][0]["rule"], "aicpu-op");
        assert!(value.get("matched_share").is_none());
    }
}
