//! Every graph of a model that the viewer can show: the main graph, the bodies of its
//! control-flow nodes (ONNX If/Loop/Scan), the library functions (TensorFlow function library,
//! ONNX local functions, the further graphs of a GE model) and their bodies, depth first.
//!
//! Invariants:
//! - Entry 0 is always the main graph, so index 0 means "the model as it opens".
//! - A [`GraphPath`] addresses a graph by indices only, so it stays valid while the model does.

use serde::{Deserialize, Serialize};

use crate::ir::{Graph, Model};

/// Where a graph sits in the model: in the main graph (`function: None`) or a library function,
/// then down through `bodies` (indices into each graph's `subgraphs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphPath {
    pub function: Option<usize>,
    pub bodies: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphKind {
    Main,
    /// A body held by a node attribute (`loop_1.body`).
    Body,
    Function,
}

/// One graph as the graph picker lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphEntry {
    pub path: GraphPath,
    pub kind: GraphKind,
    /// `main`, the function's name, or `owner.attr` for a body.
    pub label: String,
    /// Nesting below the main graph or its function (0 for both), for indenting the list.
    pub depth: usize,
    pub n_nodes: usize,
}

/// The graphs of `model`, main graph first.
pub fn graph_list(model: &Model) -> Vec<GraphEntry> {
    let mut entries = Vec::new();
    let main_label = if model.graph.name.is_empty() {
        "main".to_string()
    } else {
        format!("main ({})", model.graph.name)
    };
    push_with_bodies(
        &mut entries,
        &model.graph,
        GraphPath::default(),
        GraphKind::Main,
        main_label,
    );
    for (idx, function) in model.functions.iter().enumerate() {
        let path = GraphPath {
            function: Some(idx),
            bodies: Vec::new(),
        };
        let label = if function.name.is_empty() {
            format!("function {}", idx + 1)
        } else {
            function.name.clone()
        };
        push_with_bodies(&mut entries, function, path, GraphKind::Function, label);
    }
    entries
}

/// The graph at `path`, if the model has it.
pub fn graph_at<'m>(model: &'m Model, path: &GraphPath) -> Option<&'m Graph> {
    let mut graph = match path.function {
        None => &model.graph,
        Some(idx) => model.functions.get(idx)?,
    };
    for &body in &path.bodies {
        graph = &graph.subgraphs.get(body)?.graph;
    }
    Some(graph)
}

fn push_with_bodies(
    entries: &mut Vec<GraphEntry>,
    graph: &Graph,
    path: GraphPath,
    kind: GraphKind,
    label: String,
) {
    entries.push(GraphEntry {
        path: path.clone(),
        kind,
        label,
        depth: path.bodies.len(),
        n_nodes: graph.nodes.len(),
    });
    for (idx, body) in graph.subgraphs.iter().enumerate() {
        let owner = body
            .owner
            .and_then(|node| graph.nodes.get(node))
            .map_or("", |node| node.display_name());
        let label = match (owner.is_empty(), body.attr.is_empty()) {
            (false, false) => format!("{owner}.{}", body.attr),
            (false, true) => owner.to_string(),
            (true, false) => body.attr.clone(),
            (true, true) => format!("body {}", idx + 1),
        };
        let mut child = path.clone();
        child.bodies.push(idx);
        push_with_bodies(entries, &body.graph, child, GraphKind::Body, label);
    }
}
