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
