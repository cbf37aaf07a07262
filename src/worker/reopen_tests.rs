//! Report export and reopen through the worker's session, natively: the exported bytes are the
//! CLI's engine function's, and a dropped report JSON restores the analysis, alone or with its
//! model.

use opscope_engine::analysis::{AnalyzeOptions, CannVersion};
use opscope_engine::profile::import_profile;
use opscope_engine::report::render::ReportOverlay;
use opscope_engine::report::{analysis_report_file, GraphViewOptions, ReportFormat};
use opscope_engine::{open_model, InputFile};

use super::protocol::{FilePayload, LoadResult, ReportKind, TargetKey};
use super::session::Session;

fn resnet_bytes() -> Vec<u8> {
    opscope_engine::samples::bundled().remove(0).1
}

fn profile_csv() -> String {
    let model = open_model(&InputFile::new("r.onnx", resnet_bytes())).expect("sample");
    let nodes = &model.graph.nodes;
    format!(
        "Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n\
         {},Conv2D,AI_CORE,0,300\n{},Relu,AI_CPU,400,20\n",
        nodes[0].name, nodes[1].name
    )
}

fn load(session: &mut Session, files: Vec<FilePayload>, target: TargetKey) -> LoadResult {
    let mut job = session.open(files, target, GraphViewOptions::default());
    while session.step(&mut job).is_some() {}
    session.finish(job)
}

fn model_and_profile() -> Vec<FilePayload> {
    vec![
        FilePayload::of_bytes("resnet50.onnx", resnet_bytes()),
        FilePayload::of_bytes("op_summary_0.csv", profile_csv().into_bytes()),
    ]
}

#[test]
fn the_exported_report_is_the_bytes_of_the_clis_engine_function() {
    let mut session = Session::default();
    assert!(session
        .report(ReportKind::Html, "unit", TargetKey::Ascend310)
        .is_err_and(|e| e.contains("needs the model")));
    load(&mut session, model_and_profile(), TargetKey::Ascend910B);
    let model = open_model(&InputFile::new("resnet50.onnx", resnet_bytes())).expect("model");
    let profile = import_profile(&[InputFile::new(
        "op_summary_0.csv",
        profile_csv().into_bytes(),
    )]);
    let options = AnalyzeOptions {
        target: TargetKey::Ascend910B.engine_id(),
        cann: CannVersion::DEFAULT,
    };
    for (kind, format) in [
        (ReportKind::Html, ReportFormat::Html),
        (ReportKind::Markdown, ReportFormat::Markdown),
        (ReportKind::Json, ReportFormat::Json),
    ] {
        let file = session
            .report(kind, "heat", TargetKey::Ascend910B)
            .expect("a report");
        let expected = analysis_report_file(
            &model,
            Some(&profile),
            &options,
            format,
            ReportOverlay::Heat,
        )
        .expect("engine");
        assert_eq!(file.text, expected, "{kind:?}");
        assert_eq!(file.name, format!("resnet50-report.{}", format.extension()));
    }
    // An unknown overlay id draws the default (unit) picture.
    let unit = session
        .report(ReportKind::Html, "whatever", TargetKey::Ascend910B)
        .expect("a report");
    assert!(unit.text.contains("<h2>Graph by execution unit</h2>"));
}

#[test]
fn a_dropped_report_restores_the_analysis_alone_or_joined_to_its_model() {
    let mut first = Session::default();
    let original = load(&mut first, model_and_profile(), TargetKey::Ascend310P);
    let original = original.analysis.expect("analysed");
    let json = first
        .report(ReportKind::Json, "unit", TargetKey::Ascend310P)
        .expect("report")
        .text;
    let report = || FilePayload::of_bytes("resnet50-report.json", json.clone().into_bytes());
    // The report lists findings by gain, the analysis by rule: compared as sets.
    let key = |a: &super::protocol::AnalysisData| -> Vec<(String, Vec<String>, String, String)> {
        let mut rows: Vec<_> = a
            .findings
            .iter()
            .map(|f| {
                let gain = f.gain_us.map(|g| format!("{g:.3}")).unwrap_or_default();
                (f.rule.clone(), f.nodes.clone(), f.message.clone(), gain)
            })
            .collect();
        rows.sort();
        rows
    };

    // The report alone: findings, units, groups and hotspots, no graph, and a note saying why.
    let mut alone = Session::default();
    let result = load(&mut alone, vec![report()], TargetKey::Ascend310);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    assert!(result.model.is_none());
    let reopened = result.analysis.expect("the report's analysis");
    assert_eq!(key(&reopened), key(&original));
    assert!(!reopened.findings.is_empty());
    assert_eq!(reopened.target, TargetKey::Ascend310P, "the report's chip");
    assert!(!reopened.estimated);
    assert_eq!(reopened.units, original.units);
    assert_eq!(reopened.groups, original.groups);
    assert_eq!(reopened.nodes.len(), original.nodes.len());
    assert!(
        reopened.notes[0].contains("graph needs the model"),
        "{:?}",
        reopened.notes
    );
    let profile = result.profile.expect("hotspots");
    assert!(!profile.hotspots.is_empty());
    assert!(!profile.estimated);

    // With its model: the graph, and the report's analysis on it.
    let mut joined = Session::default();
    let result = load(
        &mut joined,
        vec![
            report(),
            FilePayload::of_bytes("resnet50.onnx", resnet_bytes()),
        ],
        TargetKey::Ascend310,
    );
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let analysis = result.analysis.expect("analysis");
    assert_eq!(key(&analysis), key(&original));
    assert_eq!(analysis.groups, original.groups);
    assert!(!analysis
        .notes
        .iter()
        .any(|n| n.contains("graph needs the model")));

    // With another model: said, and the model's own analysis shown.
    let mut other = Session::default();
    let (_, mobilenet) = opscope_engine::samples::bundled()
        .into_iter()
        .find(|(name, _)| name.contains("mobilenet_v2.onnx"))
        .expect("mobilenet sample");
    let result = load(
        &mut other,
        vec![
            report(),
            FilePayload::of_bytes("mobilenet_v2.onnx", mobilenet),
        ],
        TargetKey::Ascend310,
    );
    assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
    assert!(result.errors[0].starts_with("resnet50-report.json: this report is of"));
    assert!(result.analysis.expect("own analysis").estimated);
}

/// An estimated report times every node: reopened, its time by unit and by op type add up to
/// the whole run, not to the top rows of its hotspot table.
#[test]
fn a_reopened_estimate_charts_every_node_not_only_the_hotspots() {
    let mut first = Session::default();
    let original = load(
        &mut first,
        vec![FilePayload::of_bytes("resnet50.onnx", resnet_bytes())],
        TargetKey::Ascend310,
    );
    assert!(original.analysis.expect("analysed").estimated);
    let json = first
        .report(ReportKind::Json, "unit", TargetKey::Ascend310)
        .expect("report")
        .text;
    let mut reopened = Session::default();
    let result = load(
        &mut reopened,
        vec![FilePayload::of_bytes(
            "resnet50-report.json",
            json.into_bytes(),
        )],
        TargetKey::Ascend310,
    );
    let profile = result.profile.expect("the report's times");
    assert!(profile.estimated);
    let by_unit: f64 = profile.units.iter().map(|(_, us)| us).sum();
    let by_type: f64 = profile.op_types.iter().map(|t| t.total_us).sum();
    let hotspots: f64 = profile.hotspots.iter().map(|h| h.total_us).sum();
    assert!(profile.total_us > 0.0);
    for (what, sum) in [("unit", by_unit), ("op type", by_type)] {
        assert!(
            (sum - profile.total_us).abs() <= profile.total_us * 1e-3,
            "time by {what} {sum} against the run's {}",
            profile.total_us
        );
    }
    assert!(
        hotspots < by_unit,
        "the hotspot table holds the top rows only ({hotspots} us)"
    );
}
