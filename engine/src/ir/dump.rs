//! Stable text rendering of a graph, for golden tests and debugging: one line per node with its
//! inputs and outputs, dtypes and shapes; subgraphs indented under their owner.

use std::fmt::Write as _;

use super::{Graph, Model, Tensor, TensorKind};

/// Renders the model's main graph and its subgraphs.
pub fn dump_model(model: &Model) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", model.format.name(), model.name);
    dump_graph(&mut out, &model.graph, 0);
    for function in &model.functions {
        let _ = writeln!(out, "function {}", function.name);
        dump_graph(&mut out, function, 1);
    }
    out
}

pub fn dump_graph(out: &mut String, graph: &Graph, depth: usize) {
    let indent = "  ".repeat(depth);
    let names = |ids: &[usize]| {
        ids.iter()
            .filter_map(|&id| graph.tensors.get(id))
            .map(tensor_text)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "{indent}inputs: {}", names(&graph.inputs));
    for (node_id, node) in graph.nodes.iter().enumerate() {
        let inputs: Vec<String> = node
            .inputs
            .iter()
            .map(|id| match id.and_then(|id| graph.tensors.get(id)) {
                Some(tensor) => tensor_text(tensor),
                None => "∅".to_string(),
            })
            .collect();
        let mut line = format!(
            "{indent}{node_id} {} {:?} ({}) -> {}",
            node.op_type,
            node.name,
            inputs.join(", "),
            names(&node.outputs)
        );
        if !node.control_inputs.is_empty() {
            let _ = write!(line, " after {:?}", node.control_inputs);
        }
        let _ = writeln!(out, "{line}");
        for (idx, subgraph) in graph.subgraphs.iter().enumerate() {
            if subgraph.owner == Some(node_id) {
                let _ = writeln!(out, "{indent}  #{idx} {}:", subgraph.attr);
                dump_graph(out, &subgraph.graph, depth + 2);
            }
        }
    }
    let _ = writeln!(out, "{indent}outputs: {}", names(&graph.outputs));
}

fn tensor_text(tensor: &Tensor) -> String {
    let shape = tensor
        .shape
        .as_ref()
        .map(|s| s.to_string())
        .unwrap_or_else(|| "?".to_string());
    let marker = match tensor.kind {
        TensorKind::Weight => "=",
        _ => ":",
    };
    format!("{}{marker}{}{shape}", tensor.name, tensor.dtype)
}
