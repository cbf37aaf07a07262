//! Join profiled ops to graph nodes (ascend.md 1.9).
//!
//! Order of attempts per profiled op name, first hit wins:
//! 1. exact node name (main graph and subgraphs); a node carrying `_datadump_original_op_names`
//!    also reports those original names;
//! 2. a fused op listed in `fusion_op` → every original op that is a node;
//! 3. the name with a scope prefix stripped (`a/b/conv1` ↔ `conv1`), only when that leaf name is
//!    unique in the graph;
//! 4. ops GE inserted (`trans_<OpType>_<n>`: `trans_TransData_3`, `trans_Cast_12`): placed on the
//!    graph edge whose tensor has the op's logical shape (and dtype for a dtype conversion) when
//!    exactly one edge fits, else unplaced;
//! 5. anything else is unmatched and listed with the reason. torch_npu / aclnn kernel names
//!    (`aclnnMatmul_MatMulV3Common_MatMulV3`) name only an op type: a type never claims a node,
//!    so they stay unmatched.
//!
//! The join knows the IR only through node names, that one attribute, and tensor shapes and
//! dtypes, so it works for every importer (ONNX today; TF, Caffe, GE later). What an op type is
//! (an op at all, a dtype conversion) comes from the knowledge base, never from a list here.

use std::collections::HashMap;

use crate::ir::{AttrValue, DType, Dim, Graph, Model};
use crate::knowledge::{self, OpSpec};
use crate::profile::model::{OpAggregate, Profile, Sym};

/// The node attribute GE uses to list the original ops a fused node replaced.
pub const ORIGINAL_NAMES_ATTR: &str = "_datadump_original_op_names";

/// How a profiled op was tied to the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Exact,
    /// Through a `fusion_op` row: the fused op's original ops.
    Fused,
    ScopeStripped,
}

impl MatchKind {
    pub fn id(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Fused => "fused",
            MatchKind::ScopeStripped => "scope_stripped",
        }
    }
}

/// A profiled op matched to one or more nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct OpMatch {
    pub op: String,
    pub nodes: Vec<String>,
    pub kind: MatchKind,
    /// Original op names from the node's `_datadump_original_op_names`, when present.
    pub originals: Vec<String>,
    pub total_us: f64,
}

/// A profiled op that matched no node.
#[derive(Debug, Clone, PartialEq)]
pub struct UnmatchedOp {
    pub op: String,
    pub op_type: String,
    pub total_us: f64,
    pub reason: String,
}

/// An op GE inserted (format or dtype conversion), with the edge it sits on when found.
#[derive(Debug, Clone, PartialEq)]
pub struct InsertedOp {
    pub op: String,
    pub op_type: String,
    pub total_us: f64,
    pub count: u64,
    /// `(producer, consumer)`: the producing node (or `input <tensor>` for a graph input) and
    /// the consuming nodes joined by `, `.
    pub between: Option<(String, String)>,
    /// The tensor of that edge.
    pub tensor: Option<String>,
    /// How the placement was decided, or why it failed.
    pub note: String,
}

/// The profile joined to a model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Join {
    /// Matched ops, sorted by op name.
    pub matched: Vec<OpMatch>,
    pub unmatched: Vec<UnmatchedOp>,
    pub inserted: Vec<InsertedOp>,
    /// Profiled time matched to graph nodes.
    pub matched_us: f64,
    /// Time of inserted ops (placed or not); not part of `matched_us`.
    pub inserted_us: f64,
    pub total_us: f64,
    /// Time per node, a fused op's time split evenly over its nodes (the profile does not say
    /// how one kernel's time divides), sorted by time.
    pub node_time: Vec<(String, f64)>,
}

impl Join {
    /// Share of profiled time matched to graph nodes, 0 to 1.
    pub fn matched_share(&self) -> f64 {
        if self.total_us > 0.0 {
            (self.matched_us / self.total_us).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Nodes an op name was matched to (`matched` is sorted by op name).
    pub fn nodes_of(&self, op: &str) -> Option<&[String]> {
        self.matched
            .binary_search_by(|m| m.op.as_str().cmp(op))
            .ok()
            .and_then(|idx| self.matched.get(idx))
            .map(|m| m.nodes.as_slice())
    }
}

/// Graph names by lookup key.
struct NodeIndex<'m> {
    by_name: HashMap<&'m str, &'m crate::ir::Node>,
    /// Leaf name (after the last `/`) → node names; used only when unique.
    by_leaf: HashMap<&'m str, Vec<&'m str>>,
    by_type: HashMap<&'m str, usize>,
    graphs: Vec<&'m Graph>,
}

fn leaf(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

impl<'m> NodeIndex<'m> {
    fn new(model: &'m Model) -> NodeIndex<'m> {
        let mut index = NodeIndex {
            by_name: HashMap::new(),
            by_leaf: HashMap::new(),
            by_type: HashMap::new(),
            graphs: Vec::new(),
        };
        let mut stack = vec![&model.graph];
        while let Some(graph) = stack.pop() {
            index.graphs.push(graph);
            for node in &graph.nodes {
                *index.by_type.entry(node.op_type.as_str()).or_default() += 1;
                if node.name.is_empty() {
                    continue;
                }
                index.by_name.entry(node.name.as_str()).or_insert(node);
                index
                    .by_leaf
                    .entry(leaf(&node.name))
                    .or_default()
                    .push(node.name.as_str());
            }
            stack.extend(graph.subgraphs.iter().map(|s| &s.graph));
        }
        index
    }

    fn unique_leaf(&self, name: &str) -> Option<&'m str> {
        match self.by_leaf.get(leaf(name)).map(Vec::as_slice) {
            Some([only]) => Some(only),
            _ => None,
        }
    }
}

/// The prefix GE gives the ops it inserts between neighbours that disagree on format or dtype:
/// `trans_<OpType>_<n>` (ascend.md 4.1; samples: `trans_TransData_20`, `trans_Cast_19`).
pub const INSERTED_PREFIX: &str = "trans_";

/// The op type in the name of an op GE inserted (`trans_TransData_3` → `TransData`), when the
/// knowledge base knows that type.
pub fn inserted_op_type(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(INSERTED_PREFIX)?;
    let op_type = match rest.rsplit_once('_') {
        Some((head, counter))
            if !counter.is_empty() && counter.bytes().all(|b| b.is_ascii_digit()) =>
        {
            head
        }
        _ => rest,
    };
    knowledge::lookup_any(op_type).map(|_| op_type)
}

/// Whether an op name is one GE inserted (`trans_TransData_3`, `trans_Cast_12`).
pub fn is_inserted_name(name: &str) -> bool {
    inserted_op_type(name).is_some()
}

/// Whether an op type converts dtypes (Cast) rather than formats, by the knowledge base.
fn converts_dtype(op_type: &str) -> bool {
    knowledge::lookup_any(op_type).is_some_and(OpSpec::converts_dtype)
}

/// The op type a torch_npu / aclnn kernel name ends with (`aclnnMatmul_MatMulV3Common_MatMulV3`
/// → `MatMulV3`).
pub fn aclnn_op_type(name: &str) -> Option<&str> {
    if !name.starts_with("aclnn") {
        return None;
    }
    name.rsplit('_')
        .next()
        .filter(|t| !t.is_empty() && *t != name)
}

/// An op type implied by a kernel name, for sources without a type column (timeline,
/// task_time): the aclnn suffix, or the type in the name of an op GE inserted.
pub fn op_type_from_name(name: &str) -> Option<&str> {
    aclnn_op_type(name).or_else(|| inserted_op_type(name))
}

/// Joins the profile's ops to the model's nodes.
pub fn join(profile: &Profile, model: &Model) -> Join {
    let index = NodeIndex::new(model);
    let ops = profile.ops();
    let mut out = Join {
        total_us: profile.total_us(),
        ..Join::default()
    };
    if profile.ops_are_types() {
        for op in ops {
            out.unmatched.push(UnmatchedOp {
                reason: "only per-type statistics (op_statistic) were given; give op_summary or kernel_details to match nodes".to_string(),
                op: op.op,
                op_type: op.op_type,
                total_us: op.total_us,
            });
        }
        return out;
    }
    let fusions: HashMap<&str, &[String]> = profile
        .fusions
        .iter()
        .map(|f| (f.fused.as_str(), f.originals.as_slice()))
        .collect();
    let first_task: HashMap<Sym, usize> = profile
        .tasks
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| (t.name, i))
        .collect();
    let mut node_time: HashMap<String, f64> = HashMap::new();
    for op in ops {
        if let Some(node) = index.by_name.get(op.op.as_str()) {
            let originals = match node.attr(ORIGINAL_NAMES_ATTR) {
                Some(AttrValue::Strings(names)) => names.clone(),
                _ => Vec::new(),
            };
            out.add_match(
                &mut node_time,
                op,
                vec![node.name.clone()],
                MatchKind::Exact,
                originals,
            );
            continue;
        }
        if let Some(originals) = fusions.get(op.op.as_str()) {
            let nodes: Vec<String> = originals
                .iter()
                .filter(|name| index.by_name.contains_key(name.as_str()))
                .cloned()
                .collect();
            if !nodes.is_empty() {
                let all = originals.to_vec();
                out.add_match(&mut node_time, op, nodes, MatchKind::Fused, all);
                continue;
            }
        }
        if let Some(name) = index.unique_leaf(&op.op) {
            out.add_match(
                &mut node_time,
                op,
                vec![name.to_string()],
                MatchKind::ScopeStripped,
                Vec::new(),
            );
            continue;
        }
        let task = profile
            .find_sym(&op.op)
            .and_then(|sym| first_task.get(&sym))
            .and_then(|&i| profile.tasks.get(i));
        // GE's prefix with a type the knowledge base knows, from the name or the type column.
        let inserted = is_inserted_name(&op.op)
            || (op.op.starts_with(INSERTED_PREFIX) && knowledge::lookup_any(&op.op_type).is_some());
        if inserted {
            let placed = task.map(|t| place(profile, &index, &op.op_type, t));
            let (between, tensor, note) = placed.unwrap_or((None, None, "no task row".to_string()));
            out.inserted_us += op.total_us;
            out.inserted.push(InsertedOp {
                op: op.op,
                op_type: op.op_type,
                total_us: op.total_us,
                count: op.count,
                between,
                tensor,
                note,
            });
            continue;
        }
        let reason = unmatched_reason(&index, &op);
        out.unmatched.push(UnmatchedOp {
            op: op.op,
            op_type: op.op_type,
            total_us: op.total_us,
            reason,
        });
    }
    let mut node_time: Vec<(String, f64)> = node_time.into_iter().collect();
    node_time.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out.node_time = node_time;
    // Sorted by op name so `nodes_of` is a binary search: reports look up every hotspot.
    out.matched.sort_by(|a, b| a.op.cmp(&b.op));
    out
}

impl Join {
    fn add_match(
        &mut self,
        node_time: &mut HashMap<String, f64>,
        op: OpAggregate,
        nodes: Vec<String>,
        kind: MatchKind,
        originals: Vec<String>,
    ) {
        let share = op.total_us / nodes.len().max(1) as f64;
        for node in &nodes {
            *node_time.entry(node.clone()).or_default() += share;
        }
        self.matched_us += op.total_us;
        self.matched.push(OpMatch {
            op: op.op,
            nodes,
            kind,
            originals,
            total_us: op.total_us,
        });
    }
}

impl Profile {
    /// Handle of an interned string, if present.
    pub fn find_sym(&self, text: &str) -> Option<Sym> {
        self.strings.find(text)
    }
}

fn unmatched_reason(index: &NodeIndex, op: &OpAggregate) -> String {
    if let Some(op_type) = aclnn_op_type(&op.op) {
        let n = index.by_type.get(op_type).copied().unwrap_or(0);
        return format!(
            "a torch_npu kernel name: only the op type `{op_type}` is known ({n} nodes of that type in the model); a type never claims a node"
        );
    }
    let n = index.by_type.get(op.op_type.as_str()).copied().unwrap_or(0);
    if n > 0 {
        format!(
            "no node named `{}`; {n} nodes have its type `{}` but a type never claims a node",
            op.op, op.op_type
        )
    } else {
        format!("no node named `{}`", op.op)
    }
}

/// First tensor of a `;`-separated shape list (`"32,3,224,224;64"` → `[32,3,224,224]`).
pub fn first_shape(shapes: &str) -> Option<Vec<i64>> {
    let first = shapes.split(';').map(str::trim).find(|s| !s.is_empty())?;
    first
        .trim_matches('"')
        .split(',')
        .map(|d| d.trim().parse::<i64>().ok())
        .collect()
}

fn first_item(list: &str) -> &str {
    list.split(';')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("")
}

/// Maps a profiling dtype string (`FLOAT`, `FLOAT16`, `DT_BF16`, `INT64`, `DOUBLE`) to the IR's.
pub fn profile_dtype(text: &str) -> Option<DType> {
    let upper = text.trim().to_ascii_uppercase();
    let name = upper.strip_prefix("DT_").unwrap_or(&upper);
    Some(match name {
        "FLOAT" | "FLOAT32" => DType::F32,
        "FLOAT16" | "HALF" => DType::F16,
        "BF16" | "BFLOAT16" => DType::BF16,
        "DOUBLE" | "FLOAT64" => DType::F64,
        "INT8" => DType::I8,
        "INT16" => DType::I16,
        "INT32" => DType::I32,
        "INT64" => DType::I64,
        "UINT8" => DType::U8,
        "UINT16" => DType::U16,
        "UINT32" => DType::U32,
        "UINT64" => DType::U64,
        "BOOL" => DType::Bool,
        "COMPLEX64" => DType::Complex64,
        "COMPLEX128" => DType::Complex128,
        _ => return None,
    })
}

/// Formats whose shapes are the logical (graph) shape.
fn is_logical_format(format: &str) -> bool {
    let format = format.trim().trim_start_matches("FORMAT_");
    matches!(
        format,
        "NCHW" | "NHWC" | "ND" | "NCDHW" | "NDHWC" | "HWCN" | "CHWN" | "NC" | "NCL" | ""
    )
}

type Placement = (Option<(String, String)>, Option<String>, String);

/// Finds the edge an inserted conversion sits on from its logical shape (and dtype for Cast).
fn place(
    profile: &Profile,
    index: &NodeIndex,
    op_type: &str,
    task: &crate::profile::Task,
) -> Placement {
    let in_format = first_item(profile.str(task.input_formats));
    let out_format = first_item(profile.str(task.output_formats));
    // The logical side of a TransData is the one in NCHW/ND...; a Cast keeps its shape.
    let dtype_conversion = converts_dtype(op_type);
    let (shapes, dtype) = if is_logical_format(in_format) || dtype_conversion {
        (
            profile.str(task.input_shapes),
            first_item(profile.str(task.input_dtypes)),
        )
    } else if is_logical_format(out_format) {
        (
            profile.str(task.output_shapes),
            first_item(profile.str(task.output_dtypes)),
        )
    } else {
        return (
            None,
            None,
            format!("neither side is a plain layout ({in_format} → {out_format}); not placed"),
        );
    };
    let Some(shape) = first_shape(shapes) else {
        return (
            None,
            None,
            "no shape in the profile; not placed".to_string(),
        );
    };
    let want_dtype = if dtype_conversion {
        profile_dtype(dtype)
    } else {
        None
    };
    let mut candidates = Vec::new();
    for graph in &index.graphs {
        for tensor in &graph.tensors {
            if tensor.consumers.is_empty() || tensor.is_weight() {
                continue;
            }
            let Some(tshape) = &tensor.shape else {
                continue;
            };
            let fits = tshape.rank() == shape.len()
                && tshape.0.iter().zip(&shape).all(|(dim, want)| match dim {
                    Dim::Known(value) => value == want,
                    Dim::Symbolic(_) | Dim::Unknown => true,
                });
            let dtype_fits = want_dtype
                .is_none_or(|want| tensor.dtype == want || tensor.dtype == DType::Unknown);
            if fits && dtype_fits {
                candidates.push((graph, tensor));
            }
        }
    }
    let shape_text = shape
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    match candidates.as_slice() {
        [(graph, tensor)] => {
            let producer = match tensor.producer.and_then(|p| graph.nodes.get(p)) {
                Some(node) => node.display_name().to_string(),
                None => format!("input {}", tensor.name),
            };
            let consumers: Vec<&str> = tensor
                .consumers
                .iter()
                .filter_map(|&c| graph.nodes.get(c))
                .map(|n| n.display_name())
                .collect();
            (
                Some((producer, consumers.join(", "))),
                Some(tensor.name.clone()),
                format!("the only edge with shape [{shape_text}]"),
            )
        }
        [] => (
            None,
            None,
            format!("no edge with shape [{shape_text}]; not placed"),
        ),
        many => (
            None,
            None,
            format!("{} edges have shape [{shape_text}]; not placed", many.len()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_shapes_parse() {
        assert_eq!(
            aclnn_op_type("aclnnMatmul_MatMulV3Common_MatMulV3"),
            Some("MatMulV3")
        );
        assert_eq!(aclnn_op_type("Conv2D1"), None);
        assert!(is_inserted_name("trans_TransData_20"));
        assert!(is_inserted_name("trans_TransposeD_3"));
        assert!(!is_inserted_name("TransData_20"));
        assert!(!is_inserted_name("trans_layer_7"));
        assert_eq!(op_type_from_name("trans_Cast_19"), Some("Cast"));
        assert_eq!(op_type_from_name("trans_TransData"), Some("TransData"));
        assert_eq!(op_type_from_name("trans_"), None);
        assert!(converts_dtype("Cast") && !converts_dtype("TransData"));
        assert_eq!(
            first_shape("\"32,3,224,224;64,3\""),
            Some(vec![32, 3, 224, 224])
        );
        assert_eq!(first_shape("; ;"), None);
        assert_eq!(profile_dtype("DT_BF16"), Some(DType::BF16));
        assert_eq!(profile_dtype("DOUBLE"), Some(DType::F64));
        assert_eq!(leaf("a/b/conv1"), "conv1");
    }
}
