//! The data of the report's comparison charts (estimate against measurement per unit, fusion
//! savings per pattern) on the bundled ResNet-50 and the profile of the embedding example, and
//! the charts in the HTML and Markdown reports.

use opscope_engine::analysis::{analyze, AnalyzeOptions, CannVersion};
use opscope_engine::ir::Model;
use opscope_engine::profile::import_profile;
use opscope_engine::report::analysis::{build, AnalysisReport};
use opscope_engine::report::charts::{report_fusion_savings, report_unit_comparison};
use opscope_engine::report::render::ReportOverlay;
use opscope_engine::report::{render_report, ReportFormat};
use opscope_engine::target::TargetId;
use opscope_engine::{open_model, InputFile};

const PROFILE: &str = include_str!("../../www/embed/resnet50_op_summary_0.csv");

fn resnet() -> Model {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../www/samples/resnet50.onnx"
    ))
    .expect("bundled sample");
    open_model(&InputFile::new("resnet50.onnx", bytes)).expect("sample opens")
}

fn report(model: &Model, with_profile: bool) -> AnalysisReport {
    let profile = import_profile(&[InputFile::new(
        "op_summary_0.csv",
        PROFILE.as_bytes().to_vec(),
    )]);
    let import = with_profile.then_some(&profile);
    let options = AnalyzeOptions {
        target: TargetId::Ascend310,
        cann: CannVersion::DEFAULT,
    };
    let analysis = analyze(model, import.map(|p| &p.profile), &options);
    build(model, &analysis, import)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn per_unit_estimate_and_measurement_sum_the_nodes_of_each_unit() {
    let model = resnet();
    for with_profile in [false, true] {
        let report = report(&model, with_profile);
        let units = report_unit_comparison(&report);
        assert!(!units.is_empty());
        for unit in &units {
            let nodes: Vec<_> = report
                .per_node
                .iter()
                // With a profile, the nodes it measured: both bars are of the same nodes.
                .filter(|n| n.unit == unit.unit && (!with_profile || n.measured_us.is_some()))
                .collect();
            assert_eq!(unit.nodes, nodes.len(), "{}", unit.unit);
            let estimated: f64 = nodes.iter().map(|n| n.estimated_us).sum();
            assert!(close(unit.estimated_us, estimated), "{}", unit.unit);
            match unit.measured_us {
                Some(measured) => {
                    assert!(with_profile, "a measurement without a profile");
                    let sum: f64 = nodes.iter().filter_map(|n| n.measured_us).sum();
                    assert!(close(measured, sum), "{}: {measured} vs {sum}", unit.unit);
                }
                None => assert!(!with_profile, "no measurement with a profile"),
            }
        }
        // Longest bar first.
        for pair in units.windows(2) {
            assert!(pair[0].longest_us() >= pair[1].longest_us());
        }
        // Every node with time is charted (with a profile, every measured node).
        let charted: f64 = units.iter().map(|u| u.estimated_us).sum();
        let all: f64 = report
            .per_node
            .iter()
            .filter(|n| !with_profile || n.measured_us.is_some())
            .map(|n| n.estimated_us)
            .sum();
        assert!(close(charted, all), "{charted} vs {all}");
        let measured: usize = units.iter().map(|u| u.nodes).sum();
        if with_profile {
            let profiled = report
                .per_node
                .iter()
                .filter(|n| n.measured_us.is_some())
                .count();
            assert!(
                profiled > 0 && measured == profiled,
                "{measured} of {profiled}"
            );
        }
        if with_profile {
            // The profile times convolutions: the Cube has a measurement and a ratio.
            let cube = units.iter().find(|u| u.unit == "cube").expect("cube");
            assert!(cube.measured_us.is_some_and(|m| m > 0.0));
            assert!(cube.ratio().is_some());
        }
    }
}

#[test]
fn fusion_savings_count_every_group_and_near_miss_once() {
    let model = resnet();
    let report = report(&model, false);
    assert!(!report.fusion_groups.is_empty(), "ResNet-50 forms groups");
    let rows = report_fusion_savings(&report);
    let formed: usize = rows.iter().map(|r| r.formed).sum();
    let missed: usize = rows.iter().map(|r| r.missed).sum();
    assert_eq!(formed, report.fusion_groups.len());
    assert_eq!(missed, report.near_misses.len());
    let formed_us: f64 = rows.iter().map(|r| r.formed_us).sum();
    let groups_us: f64 = report.fusion_groups.iter().map(|g| g.gain_us).sum();
    assert!(
        close(formed_us, groups_us) && formed_us > 0.0,
        "{formed_us}"
    );
    // A UB group of several ops saves its traffic and launches: a positive gain.
    for group in &report.fusion_groups {
        if group.kind == "ub" && group.nodes.len() > 1 {
            assert!(group.gain_us > 0.0, "{:?}", group.nodes);
        }
    }
    // A near miss's gain is its finding's.
    for miss in &report.near_misses {
        if let Some(finding) = report
            .findings
            .iter()
            .find(|f| f.rule == "missed-fusion" && f.nodes == miss.nodes)
        {
            assert_eq!(finding.gain_us, Some(miss.gain_us), "{:?}", miss.nodes);
        }
    }
    let total = |r: &opscope_engine::report::charts::FusionSaving| r.formed_us + r.missed_us;
    for pair in rows.windows(2) {
        if !pair[1].pattern.starts_with("other (") {
            assert!(total(&pair[0]) >= total(&pair[1]));
        }
    }
}

#[test]
fn the_reports_draw_both_charts() {
    let model = resnet();
    for with_profile in [false, true] {
        let report = report(&model, with_profile);
        let html =
            render_report(&model, &report, ReportFormat::Html, ReportOverlay::Unit).expect("html");
        let heading = if with_profile {
            "Predicted vs measured time per unit"
        } else {
            "Estimated time per unit (no profile: nothing measured)"
        };
        assert!(html.contains(heading), "{heading}");
        assert!(html.contains("Fusion savings per pattern"));
        let units = report_unit_comparison(&report);
        let start = html.find(heading).expect("heading");
        let chart = &html[start..start + html[start..].find("</svg>").expect("svg end")];
        // One estimate bar per unit, a measured bar per unit only with a profile.
        assert_eq!(chart.matches(": estimated ").count(), units.len());
        let measured_bars = chart.matches(": measured ").count();
        assert_eq!(measured_bars, if with_profile { units.len() } else { 0 });
        let first = &report.fusion_groups[0];
        assert!(html.contains(&format!("<title>{}: ", first.pattern)));
        let markdown = render_report(&model, &report, ReportFormat::Markdown, ReportOverlay::Unit)
            .expect("md");
        assert!(markdown.contains(&format!("## {heading}")));
        assert!(markdown.contains("| pattern | groups formed | saved | near misses | would save |"));
    }
}
