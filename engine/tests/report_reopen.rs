//! A report written as JSON reads back through the one content-detection entry point as a
//! report, with the same findings, nodes, groups and hotspots it was written with.

use opscope_engine::analysis::{analyze, AnalyzeOptions, CannVersion};
use opscope_engine::profile::import_profile;
use opscope_engine::report::analysis::build;
use opscope_engine::report::render::ReportOverlay;
use opscope_engine::report::saved::{read_saved_report, SavedReportError};
use opscope_engine::report::{render_report, ReportFormat};
use opscope_engine::target::TargetId;
use opscope_engine::{classify_file, open_model, FileKind, InputFile};

const PROFILE: &str = "Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n\
/Conv_1,Conv2D,AI_CORE,0,120.5\n/Relu_2,Relu,AI_CPU,130,45.0\n";

#[test]
fn report_to_json_to_reopen_keeps_the_findings() {
    let (_, bytes) = opscope_engine::samples::bundled().remove(0);
    let model_file = InputFile::new("resnet50.onnx", bytes);
    let model = open_model(&model_file).expect("sample");
    let profile_file = InputFile::new("op_summary_0.csv", PROFILE.as_bytes().to_vec());
    let profile = import_profile(std::slice::from_ref(&profile_file));
    for with_profile in [false, true] {
        let import = with_profile.then_some(&profile);
        let options = AnalyzeOptions {
            target: TargetId::Ascend310P,
            cann: CannVersion::DEFAULT,
        };
        let analysis = analyze(&model, import.map(|p| &p.profile), &options);
        let report = build(&model, &analysis, import);
        assert!(!report.findings.is_empty());
        let json =
            render_report(&model, &report, ReportFormat::Json, ReportOverlay::Unit).expect("json");
        let file = InputFile::new("resnet50-report.json", json.into_bytes());
        assert_eq!(classify_file(&file), FileKind::Report);
        let saved = read_saved_report(&file).expect("reads back");
        assert_eq!(saved.estimated, !with_profile);
        assert_eq!(saved.target.id, "ascend310p");
        assert_eq!(saved.model.name, report.model.name);
        let written: Vec<_> = report
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule.to_string(),
                    f.severity.to_string(),
                    f.nodes.clone(),
                    f.message.clone(),
                    f.fix.clone(),
                    f.gain_us,
                    f.evidence.len(),
                )
            })
            .collect();
        let read: Vec<_> = saved
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule.clone(),
                    f.severity.clone(),
                    f.nodes.clone(),
                    f.message.clone(),
                    f.fix.clone(),
                    f.gain_us,
                    f.evidence_items().len(),
                )
            })
            .collect();
        assert_eq!(written, read);
        assert_eq!(saved.per_node.len(), model.graph.nodes.len());
        for (a, b) in report.per_node.iter().zip(&saved.per_node) {
            assert_eq!(
                (a.name.as_str(), a.unit),
                (b.name.as_str(), b.unit.as_str())
            );
            assert_eq!(a.fusion_group, b.fusion_group);
            assert_eq!(a.measured_us, b.measured_us);
        }
        assert_eq!(saved.fusion_groups.len(), report.fusion_groups.len());
        assert_eq!(saved.hotspots.len(), report.hotspots.len());
        assert_eq!(saved.hotspots[0].op, report.hotspots[0].op);
        assert_eq!(saved.profile.is_some(), with_profile);
    }
    // The model and the profile are still what they were.
    assert_eq!(classify_file(&model_file), FileKind::Model);
    assert_eq!(classify_file(&profile_file), FileKind::Profile);
}

#[test]
fn a_broken_or_newer_report_is_named() {
    let broken = InputFile::new(
        "r.json",
        b"{\"schema_version\": 1, \"per_node\": [], \"findings\": [], \"hotspots\": [".to_vec(),
    );
    assert_eq!(classify_file(&broken), FileKind::Report);
    let err = read_saved_report(&broken).expect_err("truncated");
    assert!(
        err.to_string()
            .starts_with("r.json: not an opscope analysis report"),
        "{err}"
    );
    let (_, bytes) = opscope_engine::samples::bundled().remove(0);
    let model = open_model(&InputFile::new("m.onnx", bytes)).expect("sample");
    let analysis = analyze(
        &model,
        None,
        &AnalyzeOptions {
            target: TargetId::Ascend310,
            cann: CannVersion::DEFAULT,
        },
    );
    let json = render_report(
        &model,
        &build(&model, &analysis, None),
        ReportFormat::Json,
        ReportOverlay::Unit,
    )
    .expect("json")
    .replacen("\"schema_version\": 1", "\"schema_version\": 99", 1);
    let newer = InputFile::new("new.json", json.into_bytes());
    assert!(matches!(
        read_saved_report(&newer),
        Err(SavedReportError::Schema { found: 99, .. })
    ));
}
