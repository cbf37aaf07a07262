//! The driver: visits nodes in dependency order (Kahn), runs each node's rule, and merges what
//! the rule says with what the file stated.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

use super::ctx::Ctx;
use super::{blobs, rules};
use crate::ir::{
    AttrValue, ConstValue, DType, Dim, Graph, Model, ModelFormat, NodeId, Shape, ShapeSource,
    Tensor, TensorId, TensorKind,
};

/// What [`infer_shapes`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShapeReport {
    /// Tensors of the main graph.
    pub tensors: usize,
    /// Tensors of the main graph with a shape (at least a rank) before inference: stated ones.
    pub shaped_before: usize,
    /// The same after inference.
    pub shaped_after: usize,
    /// Op type → nodes of the main graph with at least one output whose shape is still unknown
    /// (no rule for the op, inputs without shapes, or a cycle in a malformed file).
    pub unknown_by_op: BTreeMap<String, usize>,
    /// Stated shapes that contradict the inferred ones, in every graph; the stated shape is kept.
    pub mismatches: Vec<ShapeMismatch>,
}

/// A stated shape that inference contradicts (unknown or symbolic dims never contradict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShapeMismatch {
    /// Name of the graph (the main graph, a subgraph or a function) holding the node.
    pub graph: String,
    pub node: String,
    pub op_type: String,
    pub tensor: String,
    pub stated: Shape,
    pub inferred: Shape,
}

impl ShapeMismatch {
    /// The sentence that goes to `Model::warnings`.
    pub fn message(&self) -> String {
        format!(
            "shape inference: graph {:?}, node {:?} ({}): tensor {:?} is stated as {} but inferred as {}; kept the stated shape",
            self.graph, self.node, self.op_type, self.tensor, self.stated, self.inferred
        )
    }
}

/// Fills the shapes and dtypes the file left out, in the main graph, its subgraphs and the
/// library functions. Stated shapes are kept; contradictions are reported and also appended to
/// `model.warnings`. Never fails: what cannot be inferred stays unknown.
pub fn infer_shapes(model: &mut Model) -> ShapeReport {
    let env = Env {
        format: model.format,
        opset: default_opset(&model.opsets),
    };
    let mut report = ShapeReport {
        tensors: model.graph.tensors.len(),
        shaped_before: count_shaped(&model.graph),
        ..ShapeReport::default()
    };
    infer_graph(&env, &mut model.graph, &[], &mut report.mismatches);
    for function in &mut model.functions {
        infer_graph(&env, function, &[], &mut report.mismatches);
    }
    report.shaped_after = count_shaped(&model.graph);
    let graph = &model.graph;
    for node in &graph.nodes {
        let unknown = node
            .outputs
            .iter()
            .any(|&id| graph.tensors.get(id).is_some_and(|t| t.shape.is_none()));
        if unknown {
            *report
                .unknown_by_op
                .entry(node.op_type.clone())
                .or_default() += 1;
        }
    }
    model
        .warnings
        .extend(report.mismatches.iter().map(ShapeMismatch::message));
    report
}

struct Env {
    format: ModelFormat,
    opset: i64,
}

/// An enclosing graph whose tensors a subgraph may capture by name.
struct Scope<'a> {
    graph: &'a Graph,
    names: &'a HashMap<String, TensorId>,
}

fn default_opset(opsets: &[(String, i64)]) -> i64 {
    opsets
        .iter()
        .find(|(domain, _)| domain.is_empty() || domain == "ai.onnx")
        .map(|&(_, version)| version)
        .unwrap_or(i64::MAX)
}

fn count_shaped(graph: &Graph) -> usize {
    graph.tensors.iter().filter(|t| t.shape.is_some()).count()
}

/// Layouts whose dims mean what the rules assume; GE's fractal and 5-D layouts (NC1HWC0,
/// FRACTAL_Z, ...) are not, so nodes touching them keep only what GE stated.
const PLAIN_LAYOUTS: &[&str] = &[
    "", "ND", "NCHW", "NHWC", "HWCN", "CHWN", "NCDHW", "NDHWC", "DHWCN", "NC", "NCL",
];

fn infer_graph(
    env: &Env,
    graph: &mut Graph,
    scopes: &[Scope],
    mismatches: &mut Vec<ShapeMismatch>,
) {
    mark_stated(env, graph);
    if !scopes.is_empty() {
        resolve_captures(graph, scopes);
    }
    let n_tensors = graph.tensors.len();
    let n_nodes = graph.nodes.len();

    // Producers and consumers from the nodes themselves (not trusting `relink` was called).
    let mut producer = vec![usize::MAX; n_tensors];
    for (node_id, node) in graph.nodes.iter().enumerate() {
        for &id in &node.outputs {
            if id < n_tensors && producer[id] == usize::MAX {
                producer[id] = node_id;
            }
        }
    }
    // Per tensor, the nodes that read it (each once): a compressed adjacency list.
    let mut stamp = vec![usize::MAX; n_tensors];
    let mut in_degree = vec![0usize; n_nodes];
    let mut n_reads = vec![0usize; n_tensors + 1];
    for (node_id, node) in graph.nodes.iter().enumerate() {
        for &id in node.inputs.iter().flatten() {
            if id < n_tensors && producer[id] != usize::MAX && stamp[id] != node_id {
                stamp[id] = node_id;
                in_degree[node_id] += 1;
                n_reads[id + 1] += 1;
            }
        }
    }
    for idx in 0..n_tensors {
        n_reads[idx + 1] += n_reads[idx];
    }
    let offsets = n_reads;
    let mut fill = offsets.clone();
    let mut readers = vec![0usize; offsets[n_tensors]];
    stamp.fill(usize::MAX);
    for (node_id, node) in graph.nodes.iter().enumerate() {
        for &id in node.inputs.iter().flatten() {
            if id < n_tensors && producer[id] != usize::MAX && stamp[id] != node_id {
                stamp[id] = node_id;
                readers[fill[id]] = node_id;
                fill[id] += 1;
            }
        }
    }

    let mut owned: HashMap<NodeId, Vec<usize>> = HashMap::new();
    for (idx, subgraph) in graph.subgraphs.iter().enumerate() {
        if let Some(owner) = subgraph.owner.filter(|&o| o < n_nodes) {
            owned.entry(owner).or_default().push(idx);
        }
    }
    let names: HashMap<String, TensorId> = if graph.subgraphs.is_empty() {
        HashMap::new()
    } else {
        graph
            .tensors
            .iter()
            .enumerate()
            .map(|(id, t)| (t.name.clone(), id))
            .collect()
    };

    let mut values: Vec<Option<Vec<Dim>>> = vec![None; n_tensors];
    let mut released = vec![false; n_tensors];
    let mut queue: VecDeque<NodeId> = (0..n_nodes).filter(|&n| in_degree[n] == 0).collect();
    let mut visited = vec![false; graph.subgraphs.len()];
    while let Some(node_id) = queue.pop_front() {
        // A node's bodies first: its rule (If) reads their outputs.
        if let Some(subgraph_ids) = owned.get(&node_id) {
            for &idx in subgraph_ids {
                infer_subgraph(env, graph, idx, &names, scopes, mismatches);
                visited[idx] = true;
            }
        }
        infer_node(env, graph, node_id, &producer, &mut values, mismatches);
        let node = &graph.nodes[node_id];
        for &id in &node.outputs {
            if id >= n_tensors || producer[id] != node_id || released[id] {
                continue;
            }
            released[id] = true;
            for &reader in &readers[offsets[id]..offsets[id + 1]] {
                in_degree[reader] -= 1;
                if in_degree[reader] == 0 {
                    queue.push_back(reader);
                }
            }
        }
    }
    // Bodies without an owner (or whose owner sits in a cycle) still get their own inference.
    for (idx, done) in visited.into_iter().enumerate() {
        if !done {
            infer_subgraph(env, graph, idx, &names, scopes, mismatches);
        }
    }
}

/// Shapes present before inference come from the file. TF `_output_shapes` count as stated
/// too when the importer left them on the node only.
/// Infers `graph.subgraphs[idx]` with `graph` (then the enclosing scopes) visible by name.
fn infer_subgraph(
    env: &Env,
    graph: &mut Graph,
    idx: usize,
    names: &HashMap<String, TensorId>,
    scopes: &[Scope],
    mismatches: &mut Vec<ShapeMismatch>,
) {
    let mut body = std::mem::take(&mut graph.subgraphs[idx].graph);
    {
        let mut inner: Vec<Scope> = Vec::with_capacity(scopes.len() + 1);
        inner.push(Scope { graph, names });
        inner.extend(scopes.iter().map(|s| Scope {
            graph: s.graph,
            names: s.names,
        }));
        infer_graph(env, &mut body, &inner, mismatches);
    }
    graph.subgraphs[idx].graph = body;
}

fn mark_stated(env: &Env, graph: &mut Graph) {
    if env.format == ModelFormat::Tensorflow {
        let Graph { nodes, tensors, .. } = graph;
        for node in nodes.iter() {
            let Some(AttrValue::Shapes(shapes)) = node.attr("_output_shapes") else {
                continue;
            };
            for (&id, shape) in node.outputs.iter().zip(shapes) {
                if let Some(tensor) = tensors.get_mut(id).filter(|t| t.shape.is_none()) {
                    tensor.shape = Some(shape.clone());
                }
            }
        }
    }
    for tensor in &mut graph.tensors {
        if tensor.shape.is_some() && tensor.shape_source == ShapeSource::Unknown {
            tensor.shape_source = ShapeSource::Stated;
        }
    }
}

/// A subgraph reads outer values by name; give those tensors what the enclosing graphs know.
fn resolve_captures(graph: &mut Graph, scopes: &[Scope]) {
    let mut produced = vec![false; graph.tensors.len()];
    for node in &graph.nodes {
        for &id in &node.outputs {
            if let Some(flag) = produced.get_mut(id) {
                *flag = true;
            }
        }
    }
    for (id, tensor) in graph.tensors.iter_mut().enumerate() {
        if produced[id] || tensor.shape.is_some() || tensor.kind != TensorKind::Activation {
            continue;
        }
        let outer = scopes.iter().find_map(|scope| {
            let &outer_id = scope.names.get(&tensor.name)?;
            scope.graph.tensors.get(outer_id)
        });
        if let Some(outer) = outer.filter(|o| o.shape.is_some()) {
            tensor.shape = outer.shape.clone();
            tensor.shape_source = outer.shape_source;
            if tensor.dtype == DType::Unknown {
                tensor.dtype = outer.dtype;
            }
            if tensor.value.is_none() {
                tensor.value = outer.value.clone();
            }
        }
    }
}

fn infer_node(
    env: &Env,
    graph: &mut Graph,
    node_id: NodeId,
    producer: &[usize],
    values: &mut [Option<Vec<Dim>>],
    mismatches: &mut Vec<ShapeMismatch>,
) {
    let (facts, blob_shapes) = {
        let node = &graph.nodes[node_id];
        if env.format == ModelFormat::Ge && !plain_layouts(graph, node_id) {
            return;
        }
        let ctx = Ctx {
            format: env.format,
            opset: env.opset,
            node,
            graph,
            values,
            confused: std::cell::Cell::new(false),
        };
        let mut blob_shapes = if env.format == ModelFormat::Caffe {
            blobs::shapes(&ctx)
        } else {
            Vec::new()
        };
        let mut facts = match rules::rule_for(env.format, &node.domain, &node.op_type) {
            Some(rule) => rule(&ctx),
            None => Vec::new(),
        };
        if ctx.confused.get() {
            // An attribute of an unexpected type: whatever the rule assumed may be wrong.
            for fact in &mut facts {
                fact.shape = None;
                fact.value = None;
            }
            blob_shapes.clear();
        }
        (facts, blob_shapes)
    };

    // Blob shapes only fill weights the importer created without dims; the rule above did not
    // need them (Caffe rules read `num_output`, not the blobs).
    for (slot, shape) in blob_shapes {
        let Some(Some(id)) = graph.nodes[node_id].inputs.get(slot).copied() else {
            continue;
        };
        if let Some(tensor) = graph.tensors.get_mut(id) {
            if tensor.is_weight() && tensor.shape.is_none() {
                if tensor.dtype == DType::Unknown {
                    tensor.dtype = DType::F32;
                }
                // The size the weights will take once trained; what `inspect` sums.
                if tensor.byte_size.is_none() {
                    tensor.byte_size = Tensor::computed_byte_size(tensor.dtype, &shape);
                }
                tensor.shape = Some(shape);
                tensor.shape_source = ShapeSource::Inferred;
            }
        }
    }

    for (slot, fact) in facts.into_iter().enumerate() {
        let Some(&id) = graph.nodes[node_id].outputs.get(slot) else {
            break;
        };
        if producer.get(id) != Some(&node_id) {
            continue;
        }
        let tensor = &mut graph.tensors[id];
        if tensor.dtype == DType::Unknown {
            tensor.dtype = fact.dtype;
        }
        let Some(inferred) = fact.shape else {
            continue;
        };
        let keep_value = match (&tensor.shape, tensor.shape_source) {
            (None, _) | (Some(_), ShapeSource::Inferred) => {
                tensor.shape = Some(inferred);
                tensor.shape_source = ShapeSource::Inferred;
                true
            }
            (Some(stated), _) => match merge(stated, &inferred) {
                Some(merged) => {
                    tensor.shape = Some(merged);
                    true
                }
                None => {
                    let node = &graph.nodes[node_id];
                    mismatches.push(ShapeMismatch {
                        graph: graph.name.clone(),
                        node: node.display_name().to_string(),
                        op_type: node.op_type.clone(),
                        tensor: tensor.name.clone(),
                        stated: stated.clone(),
                        inferred,
                    });
                    false
                }
            },
        };
        if !keep_value {
            continue;
        }
        if let Some(value) = fact.value.filter(|v| v.len() <= ConstValue::MAX_ELEMENTS) {
            if tensor.value.is_none() {
                if let Some(ints) = value.iter().map(Dim::known).collect::<Option<Vec<_>>>() {
                    tensor.value = Some(ConstValue::Ints(ints));
                }
            }
            values[id] = Some(value);
        }
    }
}

fn plain_layouts(graph: &Graph, node_id: NodeId) -> bool {
    let node = &graph.nodes[node_id];
    node.inputs
        .iter()
        .flatten()
        .chain(&node.outputs)
        .filter_map(|&id| graph.tensors.get(id))
        .all(|t| {
            t.layout
                .as_deref()
                .is_none_or(|layout| PLAIN_LAYOUTS.contains(&layout))
        })
}

/// The stated shape with its unknown dims filled from the inferred one, or `None` when the two
/// contradict (different rank, or two different known sizes).
fn merge(stated: &Shape, inferred: &Shape) -> Option<Shape> {
    if stated.rank() != inferred.rank() {
        return None;
    }
    stated
        .0
        .iter()
        .zip(&inferred.0)
        .map(|(s, i)| match (s, i) {
            (Dim::Known(a), Dim::Known(b)) if a != b => None,
            (Dim::Unknown, other) => Some(other.clone()),
            (stated, _) => Some(stated.clone()),
        })
        .collect::<Option<Vec<_>>>()
        .map(Shape)
}
