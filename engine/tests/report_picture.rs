//! The HTML report's graph picture stays bounded on a big graph: it draws the top of the graph
//! down to `MAX_PICTURE_NODES` boxes and says how many of how many it shows.

use opscope_engine::analysis::{analyze, AnalyzeOptions, CannVersion};
use opscope_engine::report::analysis::build;
use opscope_engine::report::render::{graph_picture, ReportOverlay, MAX_PICTURE_NODES};
use opscope_engine::report::{graph_view_with, GraphViewOptions, ScopeFolding};
use opscope_engine::samples::{residual_chain, WeightStorage};
use opscope_engine::target::TargetId;
use opscope_engine::{open_model, InputFile};

#[test]
fn a_big_graph_is_pictured_from_its_top_down_to_the_cap() {
    let bytes = residual_chain(6000, WeightStorage::Inline);
    let model = open_model(&InputFile::new("chain.onnx", bytes)).expect("chain");
    let options = GraphViewOptions {
        scopes: ScopeFolding::Folded(Vec::new()),
        ..GraphViewOptions::default()
    };
    let view = graph_view_with(&model, &model.graph, &options);
    assert!(
        view.nodes.len() > MAX_PICTURE_NODES,
        "{} boxes",
        view.nodes.len()
    );
    let analysis = analyze(
        &model,
        None,
        &AnalyzeOptions {
            target: TargetId::Ascend310,
            cann: CannVersion::DEFAULT,
        },
    );
    let report = build(&model, &analysis, None);
    let (svg, caption) = graph_picture(&report, &view, ReportOverlay::Unit).expect("a picture");
    let boxes = svg.matches("<g><rect").count();
    assert!(
        boxes <= MAX_PICTURE_NODES && boxes > MAX_PICTURE_NODES / 2,
        "{boxes} boxes drawn"
    );
    let caption = caption.expect("says it is cut");
    assert!(
        caption.contains(&format!("first {boxes} of {}", view.nodes.len())),
        "{caption}"
    );
    // The first nodes in reading order are the ones drawn.
    let first = &view
        .nodes
        .iter()
        .min_by(|a, b| a.rect.y.total_cmp(&b.rect.y))
        .expect("node")
        .name;
    assert!(
        svg.contains(&format!("<title>{first}")),
        "the top node {first} is not drawn"
    );
    // A small graph is drawn whole, with no caption.
    let small = open_model(&InputFile::new(
        "r.onnx",
        opscope_engine::samples::bundled().remove(0).1,
    ))
    .expect("sample");
    let small_view = opscope_engine::report::graph_view(&small);
    let small_report = build(
        &small,
        &analyze(
            &small,
            None,
            &AnalyzeOptions {
                target: TargetId::Ascend310,
                cann: CannVersion::DEFAULT,
            },
        ),
        None,
    );
    let (svg, caption) =
        graph_picture(&small_report, &small_view, ReportOverlay::Heat).expect("picture");
    assert!(caption.is_none());
    assert_eq!(svg.matches("<g><rect").count(), small_view.nodes.len());
}
