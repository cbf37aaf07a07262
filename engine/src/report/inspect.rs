//! Summary of an imported model: what `opscope inspect` prints. The JSON keys are a public
//! interface (users' scripts read them): add keys freely, never rename or drop one.

use std::collections::BTreeMap;

use serde::Serialize;

use super::graph_list::{graph_list, GraphKind};
use crate::ir::{DType, Graph, Model, Shape, TensorKind};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectReport {
    /// `onnx`, `tensorflow`, `caffe` or `ge`.
    pub format: &'static str,
    pub name: String,
    /// Nodes of the main graph.
    pub nodes: usize,
    /// Nodes inside control-flow bodies (If/Loop/Scan), recursively.
    pub subgraph_nodes: usize,
    /// Nodes inside library functions (ONNX local functions, TF function library).
    pub function_nodes: usize,
    /// Producer→consumer tensor links of the main graph.
    pub edges: usize,
    /// Op type → number of nodes of that type in the main graph (sorted by op type).
    pub op_types: BTreeMap<String, usize>,
    pub inputs: Vec<TensorSummary>,
    pub outputs: Vec<TensorSummary>,
    /// Number of stored tensors (initializers, constants with payload) and their total bytes.
    pub weights: WeightSummary,
    pub opsets: BTreeMap<String, i64>,
    pub metadata: Vec<(String, String)>,
    /// What the importer skipped or guessed (the model still loaded).
    pub warnings: Vec<String>,
    /// Every graph the viewer can draw, main graph first: control-flow bodies under their
    /// owner, library functions with their bodies.
    pub graphs: Vec<GraphSummary>,
    /// Every tensor of the main graph with its shape; filled only when asked (`--shapes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tensors: Option<Vec<TensorSummary>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TensorSummary {
    pub name: String,
    pub dtype: DType,
    /// `null` when even the rank is unknown; dims are numbers, symbol names, or `"?"`.
    pub shape: Option<Shape>,
}

/// One graph of the model: `label` is `main`, a function name, or `owner.attr` for a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphSummary {
    pub label: String,
    pub kind: GraphKind,
    /// Nesting below the main graph or its function (0 for both).
    pub depth: usize,
    pub nodes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeightSummary {
    pub count: usize,
    pub bytes: u64,
}

/// Options of [`inspect`]; no `Default`, say what you want.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InspectOptions {
    pub with_tensors: bool,
}

pub fn inspect(model: &Model, options: InspectOptions) -> InspectReport {
    let graph = &model.graph;
    let mut op_types = BTreeMap::new();
    for node in &graph.nodes {
        *op_types.entry(node.op_type.clone()).or_insert(0) += 1;
    }
    let weights = graph
        .tensors
        .iter()
        .filter(|t| t.kind == TensorKind::Weight);
    let weights = WeightSummary {
        count: weights.clone().count(),
        // Sizes come from the file (or saturate when its dims are huge): the total saturates too.
        bytes: weights
            .filter_map(|t| t.byte_size)
            .fold(0u64, u64::saturating_add),
    };
    InspectReport {
        format: model.format.name(),
        name: model.name.clone(),
        nodes: graph.nodes.len(),
        subgraph_nodes: graph.subgraph_node_count(),
        function_nodes: model
            .functions
            .iter()
            .map(|f| f.nodes.len() + f.subgraph_node_count())
            .sum(),
        edges: graph.edge_count(),
        op_types,
        inputs: summaries(graph, &graph.inputs),
        outputs: summaries(graph, &graph.outputs),
        weights,
        opsets: model
            .opsets
            .iter()
            .map(|(domain, version)| {
                let domain = if domain.is_empty() { "ai.onnx" } else { domain };
                (domain.to_string(), *version)
            })
            .collect(),
        metadata: model.metadata.clone(),
        warnings: model.warnings.clone(),
        graphs: graph_list(model)
            .into_iter()
            .map(|entry| GraphSummary {
                label: entry.label,
                kind: entry.kind,
                depth: entry.depth,
                nodes: entry.n_nodes,
            })
            .collect(),
        tensors: options
            .with_tensors
            .then(|| summaries(graph, &(0..graph.tensors.len()).collect::<Vec<_>>())),
    }
}

fn summaries(graph: &Graph, ids: &[usize]) -> Vec<TensorSummary> {
    ids.iter()
        .filter_map(|&id| graph.tensors.get(id))
        .map(|t| TensorSummary {
            name: t.name.clone(),
            dtype: t.dtype,
            shape: t.shape.clone(),
        })
        .collect()
}
