//! Test fixtures shared by the state, canvas and search tests.

use opscope_engine::ir::OpCategory;
use opscope_engine::layout::Rect;
use opscope_engine::report::{GraphView, ViewNode, ViewNodeKind};

/// A view with `n` op nodes in one column, 100×40 each, 60 apart.
pub(crate) fn column_view(n: usize) -> GraphView {
    let nodes = (0..n)
        .map(|idx| ViewNode {
            kind: ViewNodeKind::Op,
            graph_node: Some(idx),
            title: "Relu".into(),
            name: format!("relu_{idx}"),
            category: OpCategory::Activation,
            lines: Vec::new(),
            rect: Rect {
                x: 0.0,
                y: idx as f64 * 60.0,
                width: 100.0,
                height: 40.0,
            },
            domain: String::new(),
            scope: String::new(),
            attrs: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
        })
        .collect();
    GraphView {
        title: "column".into(),
        format: "onnx".into(),
        node_count: n,
        nodes,
        edges: Vec::new(),
        width: 100.0,
        height: n as f64 * 60.0 - 20.0,
        metadata: Vec::new(),
        warnings: Vec::new(),
        folded_constants: 0,
        folded: Vec::new(),
        folds: Vec::new(),
        folded_scopes: Vec::new(),
        has_scopes: false,
    }
}

/// The bundled ResNet-50 analysed for the Ascend 310, with the embedding example's profile
/// (`www/embed/resnet50_op_summary_0.csv`) when `with_profile`: the app's chart tests chart it.
pub(crate) fn resnet_analysis(with_profile: bool) -> crate::worker::protocol::AnalysisData {
    use opscope_engine::analysis::{analyze, AnalyzeOptions, CannVersion};
    use opscope_engine::{open_model, InputFile};

    use crate::worker::protocol::TargetKey;

    let (_, bytes) = opscope_engine::samples::bundled().remove(0);
    let model = open_model(&InputFile::new("resnet50.onnx", bytes)).expect("sample");
    let profile = opscope_engine::profile::import_profile(&[InputFile::new(
        "op_summary_0.csv",
        include_bytes!("../../www/embed/resnet50_op_summary_0.csv").to_vec(),
    )]);
    let options = AnalyzeOptions {
        target: TargetKey::Ascend310.engine_id(),
        cann: CannVersion::DEFAULT,
    };
    let analysis = analyze(&model, with_profile.then_some(&profile.profile), &options);
    crate::worker::analysis_data::analysis_data(&model, &analysis, TargetKey::Ascend310)
}
