//! Translation of a decoded `GraphDef` into the IR. Total: every decoded message converts; odd
//! content (inputs naming no node, duplicate names, absurd output indices) becomes a best-effort
//! IR value plus a warning that names the file and the node.

use std::borrow::{Borrow, Cow};
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::hash::Hash;

use super::pb;
use crate::formats::InputFile;
use crate::ir::{
    scope_of, Attr, AttrValue, ConstValue, DType, Dim, Graph, GraphBuilder, Model, ModelFormat,
    Node, NodeId, Shape, Tensor, TensorKind, TensorMeta,
};

/// Highest output slot a node may get. Slots come from input references (`n:7`) and
/// `_output_shapes`, both read from the file, so they are capped: a reference past the cap stays
/// an unlinked tensor instead of making the importer allocate millions of outputs.
const MAX_OUTPUTS: usize = 1024;

/// Ops that produce nothing (so no output tensor unless something reads one).
const NO_OUTPUT_OPS: &[&str] = &["NoOp", "Assert"];

/// Ops whose unread outputs are not graph outputs: constants, feeds, variables, side effects.
const NOT_GRAPH_OUTPUTS: &[&str] = &[
    "Const",
    "NoOp",
    "Assert",
    "Placeholder",
    "VariableV2",
    "Variable",
    "VarHandleOp",
];

/// Comparison and logic ops: their `T` is the input type, the output is bool.
const BOOL_OUTPUT_OPS: &[&str] = &[
    "Equal",
    "NotEqual",
    "Less",
    "LessEqual",
    "Greater",
    "GreaterEqual",
    "IsNan",
    "IsInf",
    "IsFinite",
    "LogicalAnd",
    "LogicalOr",
    "LogicalNot",
];

/// Attrs that state the output dtype, most specific first.
const OUTPUT_DTYPE_ATTRS: &[&str] = &["dtype", "out_type", "output_type", "DstT", "T"];

/// Ops whose every output has the dtype of `T` (the others state it for slot 0 only).
const ALL_OUTPUTS_T_OPS: &[&str] = &["Split", "SplitV", "Unpack", "Switch", "RefSwitch"];

/// The fields of GraphDef beside its nodes, as both the eager and the lazy decoding give them.
pub(super) struct Header {
    pub versions: Option<pb::VersionDef>,
    pub version: i32,
    pub library: Option<pb::FunctionDefLibrary>,
}

/// The model of a decoded GraphDef; `encoding` (`binary` or `text`) goes into the metadata.
pub(super) fn model(file: &InputFile, proto: pb::GraphDef, encoding: &str) -> Model {
    let mut names = MainNames::with_names(
        proto.node.iter().map(|node| node.name.clone()),
        proto.node.len(),
    );
    for text in proto.node.iter().flat_map(|node| &node.input) {
        names.read_by(text);
    }
    let header = Header {
        versions: proto.versions,
        version: proto.version,
        library: proto.library,
    };
    let n_nodes = proto.node.len();
    infallible(model_of_parts(
        file,
        header,
        encoding,
        names,
        n_nodes,
        proto.node.into_iter().map(Ok),
    ))
}

/// [`model`] from the main graph's nodes given one at a time (`nodes`, `n_nodes` of them, each
/// may fail to decode with `E`), resolved against `names`, which are made from all of them
/// beforehand: a lazy reader decodes, converts and drops each node in turn.
pub(super) fn model_of_parts<K: Borrow<str> + Hash + Eq, E>(
    file: &InputFile,
    proto: Header,
    encoding: &str,
    mut names: MainNames<K>,
    n_nodes: usize,
    nodes: impl Iterator<Item = Result<pb::NodeDef, E>>,
) -> Result<Model, E> {
    let mut warnings = Vec::new();
    let mut metadata = vec![("encoding".to_string(), encoding.to_string())];
    if let Some(versions) = &proto.versions {
        metadata.push(("producer".to_string(), versions.producer.to_string()));
        if versions.min_consumer != 0 {
            metadata.push((
                "min_consumer".to_string(),
                versions.min_consumer.to_string(),
            ));
        }
    }
    if proto.version != 0 {
        metadata.push(("version".to_string(), proto.version.to_string()));
    }
    let name = file_stem(&file.name);
    let mut ctx = Ctx {
        file: &file.name,
        warnings: &mut warnings,
    };
    let graph = build(&mut ctx, &name, n_nodes, nodes, &mut names, &[], &[])?;
    let mut functions = Vec::new();
    if let Some(library) = proto.library {
        if !library.gradient.is_empty() {
            metadata.push(("gradients".to_string(), library.gradient.len().to_string()));
        }
        for function_proto in library.function {
            functions.push(function(&mut ctx, function_proto));
        }
    }
    Ok(Model {
        format: ModelFormat::Tensorflow,
        name,
        metadata,
        opsets: Vec::new(),
        graph,
        functions,
        warnings,
    })
}

fn infallible<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

struct Ctx<'a> {
    file: &'a str,
    warnings: &'a mut Vec<String>,
}

impl Ctx<'_> {
    fn warn(&mut self, place: &str, what: String) {
        self.warnings
            .push(format!("{}: {place}: {what}", self.file));
    }
}

fn file_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let base = base.strip_suffix(".pb.txt").unwrap_or(base);
    match base.rfind('.') {
        Some(dot) if dot > 0 => base[..dot].to_string(),
        _ => base.to_string(),
    }
}

/// One entry of `NodeDef.input`, resolved against the names of its graph.
enum InputRef<'t> {
    /// A data input: the name of the tensor it reads (`n` or `n:k`, borrowed from the input
    /// text when it can be), and whether a node of the graph produces it.
    Data {
        tensor: Cow<'t, str>,
        linked: bool,
    },
    Control(Option<NodeId>),
}

/// How a graph's names work: what an input string reads and which outputs a node has.
trait Names {
    fn input<'t>(&mut self, text: &'t str) -> InputRef<'t>;
    /// Output tensor names of node `idx`, in slot order.
    fn outputs<'n>(&self, idx: NodeId, node: &'n pb::NodeDef) -> Vec<Cow<'n, str>>;
    fn first_index(&self, name: &str) -> Option<NodeId>;
}

/// Splits `n:k` into `("n", Some(k))`; `n` and names with a non-numeric suffix give `None`.
fn split_slot(text: &str) -> (&str, Option<usize>) {
    match text.rsplit_once(':') {
        Some((node, idx)) if !idx.is_empty() && idx.bytes().all(|b| b.is_ascii_digit()) => {
            // Digits too many for usize are far past MAX_OUTPUTS anyway.
            (node, Some(idx.parse().unwrap_or(usize::MAX)))
        }
        _ => (text, None),
    }
}

fn first_index_by_name(nodes: &[pb::NodeDef]) -> HashMap<String, NodeId> {
    let mut first_index = HashMap::with_capacity(nodes.len());
    for (idx, node) in nodes.iter().enumerate() {
        first_index.entry(node.name.clone()).or_insert(idx);
    }
    first_index
}

/// Names of the main graph: `n`, `n:k` and `^n`; slot 0 of node `n` is the tensor `n`. The
/// names are `String`s when read from decoded nodes, or `&str`s borrowed from the file when the
/// nodes are decoded one at a time.
pub(super) struct MainNames<K> {
    first_index: HashMap<K, NodeId>,
    /// Highest slot of each node that some input reads.
    max_read: Vec<Option<usize>>,
}

impl<K: Borrow<str> + Hash + Eq> MainNames<K> {
    /// The names of the graph's `n_nodes` nodes, in node order; a repeated name keeps its first
    /// node. Inputs are added with [`MainNames::read_by`] once every name is in.
    pub(super) fn with_names(names: impl IntoIterator<Item = K>, n_nodes: usize) -> Self {
        let mut first_index = HashMap::with_capacity(n_nodes);
        for (idx, name) in names.into_iter().enumerate() {
            first_index.entry(name).or_insert(idx);
        }
        MainNames {
            first_index,
            max_read: vec![None; n_nodes],
        }
    }

    /// Notes the input `text` of some node: the slot it reads gets an output.
    pub(super) fn read_by(&mut self, text: &str) {
        if text.starts_with('^') {
            return;
        }
        let (node, slot) = split_slot(text);
        let slot = slot.unwrap_or(0);
        if let Some(&idx) = self.first_index.get(node) {
            if let Some(max_read) = self.max_read.get_mut(idx).filter(|_| slot < MAX_OUTPUTS) {
                *max_read = (*max_read).max(Some(slot));
            }
        }
    }
}

impl<K: Borrow<str> + Hash + Eq> Names for MainNames<K> {
    fn input<'t>(&mut self, text: &'t str) -> InputRef<'t> {
        if let Some(node) = text.strip_prefix('^') {
            return InputRef::Control(self.first_index.get(node).copied());
        }
        let (node, slot) = split_slot(text);
        let linked = self.first_index.contains_key(node) && slot.unwrap_or(0) < MAX_OUTPUTS;
        // `n:0` is the tensor `n`; anything else is named as written.
        let tensor = match slot {
            Some(0) => node,
            _ => text,
        };
        InputRef::Data {
            tensor: Cow::Borrowed(tensor),
            linked,
        }
    }

    fn outputs<'n>(&self, idx: NodeId, node: &'n pb::NodeDef) -> Vec<Cow<'n, str>> {
        let max_read = self.max_read.get(idx).copied().flatten();
        let n_outputs = output_count(node, max_read);
        (0..n_outputs)
            .map(|slot| match slot {
                0 => Cow::Borrowed(node.name.as_str()),
                _ => Cow::Owned(format!("{}:{slot}", node.name)),
            })
            .collect()
    }

    fn first_index(&self, name: &str) -> Option<NodeId> {
        self.first_index.get(name).copied()
    }
}

/// Outputs a node gets: slot 0 (unless the op produces nothing), every slot something reads,
/// and as many as `_output_shapes` states.
fn output_count(node: &pb::NodeDef, max_read: Option<usize>) -> usize {
    let stated = match node
        .attr
        .get("_output_shapes")
        .and_then(|a| a.value.as_ref())
    {
        Some(pb::attr_value::Value::List(list)) => list.shape.len(),
        _ => 0,
    };
    let base = usize::from(!NO_OUTPUT_OPS.contains(&node.op.as_str()));
    base.max(max_read.map_or(0, |slot| slot + 1))
        .max(stated)
        .min(MAX_OUTPUTS)
}

/// Builds one graph from its `n_nodes` nodes; `graph_inputs` are function arguments,
/// `graph_outputs` function results (the main graph has neither: its inputs are Placeholders
/// and its outputs the sinks). Stops at the first node that fails to decode.
fn build<E>(
    ctx: &mut Ctx,
    name: &str,
    n_nodes: usize,
    nodes: impl Iterator<Item = Result<pb::NodeDef, E>>,
    names: &mut dyn Names,
    graph_inputs: &[(String, DType)],
    graph_outputs: &[String],
) -> Result<Graph, E> {
    let mut builder = GraphBuilder::new(name);
    // One node per NodeDef and about one tensor each: sized once, not grown by doubling.
    builder.graph_mut().nodes.reserve_exact(n_nodes);
    builder
        .graph_mut()
        .tensors
        .reserve(n_nodes + graph_inputs.len());
    let mut input_ids = Vec::new();
    for (arg, dtype) in graph_inputs {
        let id = builder.tensor(arg);
        let tensor = builder.tensor_mut(id);
        tensor.kind = TensorKind::Input;
        tensor.dtype = *dtype;
        input_ids.push(id);
    }
    let mut control_sources = HashSet::new();
    for (node_idx, proto) in nodes.enumerate() {
        let proto = proto?;
        let place = || format!("node `{}`", proto.name);
        let is_duplicate = names.first_index(&proto.name) != Some(node_idx);
        if is_duplicate {
            ctx.warn(
                &place(),
                format!(
                    "another node has the same name; this one (#{node_idx}) is kept apart, and \
                     inputs naming `{}` read the first",
                    proto.name
                ),
            );
        }
        let outputs: Vec<_> = names
            .outputs(node_idx, &proto)
            .iter()
            .map(|name| {
                if is_duplicate {
                    builder.fresh_tensor(name)
                } else {
                    builder.tensor(name)
                }
            })
            .collect();
        let mut data_inputs = Vec::with_capacity(proto.input.len());
        let mut control_inputs = Vec::new();
        for text in &proto.input {
            match names.input(text) {
                InputRef::Data { tensor, linked } => {
                    if text.is_empty() {
                        ctx.warn(&place(), "an input is empty".to_string());
                        data_inputs.push(None);
                        continue;
                    }
                    let is_argument = graph_inputs.iter().any(|(arg, _)| *arg == tensor);
                    if !linked && !is_argument {
                        ctx.warn(
                            &place(),
                            format!("input `{text}` names no node output of the graph"),
                        );
                    }
                    data_inputs.push(Some(builder.tensor(&tensor)));
                }
                InputRef::Control(Some(source)) => {
                    control_sources.insert(source);
                    control_inputs.push(source);
                }
                InputRef::Control(None) => ctx.warn(
                    &place(),
                    format!("control input `{text}` names no node of the graph"),
                ),
            }
        }

        let pb::NodeDef {
            name: node_name,
            op,
            attr,
            device,
            experimental_debug_info,
            ..
        } = proto;
        let stated_shapes = match attr.get("_output_shapes").and_then(|a| a.value.as_ref()) {
            Some(pb::attr_value::Value::List(list)) => list.shape.iter().map(shape_of).collect(),
            _ => Vec::new(),
        };
        let mut attrs: Vec<Attr> = attr
            .into_iter()
            .map(|(name, value)| Attr {
                value: attr_value(&value),
                name,
            })
            .collect();
        attrs.sort_by(|a, b| a.name.cmp(&b.name));
        if !device.is_empty() {
            attrs.push(Attr {
                name: "device".to_string(),
                value: AttrValue::String(device),
            });
        }
        if let Some(info) = experimental_debug_info {
            if !info.original_node_names.is_empty() {
                attrs.push(Attr {
                    name: "original_node_names".to_string(),
                    value: AttrValue::Strings(info.original_node_names),
                });
            }
        }

        describe_outputs(&mut builder, &op, &outputs, &attrs, stated_shapes);
        if op == "Placeholder" {
            if let Some(&id) = outputs.first() {
                builder.tensor_mut(id).kind = TensorKind::Input;
                input_ids.push(id);
            }
        }

        builder.add_node(Node {
            scope: scope_of(&node_name),
            name: node_name,
            op_type: op,
            domain: String::new(),
            attrs,
            inputs: data_inputs,
            outputs,
            control_inputs,
        });
    }
    let output_ids: Vec<_> = graph_outputs
        .iter()
        .map(|name| builder.tensor(name))
        .collect();
    let mut graph = builder.finish();
    graph.inputs = input_ids;
    graph.outputs = if graph_outputs.is_empty() {
        sink_outputs(&graph, &control_sources)
    } else {
        output_ids
    };
    Ok(graph)
}

/// Dtypes, shapes, kinds and values the file states for a node's outputs: the output dtype
/// from `dtype` / `out_type` / `output_type` / `DstT` / `T`, Placeholder `shape`, Const `value`,
/// and `_output_shapes` (`stated_shapes`, slot order; `None` for an unknown rank).
fn describe_outputs(
    builder: &mut GraphBuilder,
    op: &str,
    outputs: &[usize],
    attrs: &[Attr],
    stated_shapes: Vec<Option<Shape>>,
) {
    let find = |name: &str| attrs.iter().find(|a| a.name == name).map(|a| &a.value);
    let dtype = if BOOL_OUTPUT_OPS.contains(&op) {
        Some(DType::Bool)
    } else {
        OUTPUT_DTYPE_ATTRS.iter().find_map(|key| match find(key) {
            Some(AttrValue::DType(dtype)) => Some(*dtype),
            _ => None,
        })
    };
    if let Some(dtype) = dtype {
        let n_typed = if ALL_OUTPUTS_T_OPS.contains(&op) {
            outputs.len()
        } else {
            1
        };
        for &id in outputs.iter().take(n_typed) {
            builder.tensor_mut(id).dtype = dtype;
        }
    }
    // FusedBatchNorm's statistics outputs have the type `U` (V2, V3) or `T` (V1).
    if op.starts_with("FusedBatchNorm") {
        if let Some(AttrValue::DType(dtype)) = find("U").or_else(|| find("T")) {
            for &id in outputs.iter().skip(1) {
                builder.tensor_mut(id).dtype = *dtype;
            }
        }
    }
    let Some(&first) = outputs.first() else {
        return;
    };
    match (op, find("shape"), find("value")) {
        ("Placeholder", Some(AttrValue::Shape(shape)), _) => {
            builder.tensor_mut(first).shape = Some(shape.clone());
        }
        ("Const", _, Some(AttrValue::Tensor(meta))) => {
            let tensor = builder.tensor_mut(first);
            tensor.kind = TensorKind::Weight;
            if meta.dtype != DType::Unknown {
                tensor.dtype = meta.dtype;
            }
            tensor.shape = Some(meta.shape.clone());
            tensor.byte_size = meta.byte_size;
            tensor.value = meta.value.clone();
        }
        _ => {}
    }
    for (&id, shape) in outputs.iter().zip(stated_shapes) {
        let tensor = builder.tensor_mut(id);
        if tensor.shape.is_none() {
            tensor.shape = shape;
        }
    }
}

/// Graph outputs when the file names none (a GraphDef never does): every output of a node
/// whose outputs nobody reads, that no node waits for (control input), and that is not a
/// constant, feed, variable or side effect (`NOT_GRAPH_OUTPUTS`).
fn sink_outputs(graph: &Graph, control_sources: &HashSet<NodeId>) -> Vec<usize> {
    graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(idx, node)| {
            !control_sources.contains(idx)
                && !NOT_GRAPH_OUTPUTS.contains(&node.op_type.as_str())
                && node.outputs.iter().all(|&id| {
                    graph
                        .tensors
                        .get(id)
                        .is_some_and(|t| t.consumers.is_empty())
                })
        })
        .flat_map(|(_, node)| node.outputs.iter().copied())
        .collect()
}

/// Names inside a library function. Body inputs use `arg`, `arg:k`, `node:out_arg` and
/// `node:out_arg:k`; the op's output args are not in the file, so a node output is named by the
/// reference (`node:out_arg:k`) and gets its slot in order of first use (inputs, then `ret`).
struct FunctionNames {
    first_index: HashMap<String, NodeId>,
    args: HashSet<String>,
    /// Output references of each node (`out_arg:k`, or `""` for a bare `node`), slot order.
    refs_of: Vec<Vec<String>>,
}

impl FunctionNames {
    /// Resolves a reference, giving the referenced node a slot for it when it has none yet.
    fn resolve(&mut self, text: &str) -> InputRef<'static> {
        if let Some(node) = text.strip_prefix('^') {
            return InputRef::Control(self.first_index.get(node).copied());
        }
        let (head, tail) = match text.split_once(':') {
            Some((head, tail)) => (head, Some(tail)),
            None => (text, None),
        };
        let unlinked = |tensor: &str| InputRef::Data {
            tensor: Cow::Owned(tensor.to_string()),
            linked: false,
        };
        if self.args.contains(head) {
            // An argument is one tensor: `arg` and `arg:0` name it, other indices do not exist.
            return match tail {
                None | Some("0") => unlinked(head),
                Some(_) => unlinked(text),
            };
        }
        let Some(&idx) = self.first_index.get(head) else {
            return unlinked(text);
        };
        let reference = match tail {
            None => String::new(),
            Some(tail) if tail.contains(':') => tail.to_string(),
            Some(tail) => format!("{tail}:0"),
        };
        let Some(refs) = self.refs_of.get_mut(idx) else {
            return unlinked(text);
        };
        if !refs.contains(&reference) {
            if refs.len() >= MAX_OUTPUTS {
                return unlinked(text);
            }
            refs.push(reference.clone());
        }
        let tensor = if reference.is_empty() {
            head.to_string()
        } else {
            format!("{head}:{reference}")
        };
        InputRef::Data {
            tensor: Cow::Owned(tensor),
            linked: true,
        }
    }
}

impl Names for FunctionNames {
    fn input<'t>(&mut self, text: &'t str) -> InputRef<'t> {
        self.resolve(text)
    }

    fn outputs<'n>(&self, idx: NodeId, node: &'n pb::NodeDef) -> Vec<Cow<'n, str>> {
        let refs = self.refs_of.get(idx).map(Vec::as_slice).unwrap_or_default();
        if refs.is_empty() {
            if NO_OUTPUT_OPS.contains(&node.op.as_str()) {
                return Vec::new();
            }
            return vec![Cow::Borrowed(node.name.as_str())];
        }
        refs.iter()
            .map(|reference| {
                if reference.is_empty() {
                    Cow::Borrowed(node.name.as_str())
                } else {
                    Cow::Owned(format!("{}:{reference}", node.name))
                }
            })
            .collect()
    }

    fn first_index(&self, name: &str) -> Option<NodeId> {
        self.first_index.get(name).copied()
    }
}

/// A library function: inputs are the signature's input args, outputs its `ret` values.
fn function(ctx: &mut Ctx, proto: pb::FunctionDef) -> Graph {
    let signature = proto.signature.unwrap_or_default();
    let args: Vec<(String, DType)> = signature
        .input_arg
        .iter()
        .map(|arg| (arg.name.clone(), dtype(arg.r#type)))
        .collect();
    let nodes = proto.node_def;
    let mut names = FunctionNames {
        first_index: first_index_by_name(&nodes),
        args: args.iter().map(|(name, _)| name.clone()).collect(),
        refs_of: vec![Vec::new(); nodes.len()],
    };
    // Slots are handed out in order of first use, so every reference is resolved before the
    // nodes are built (which resolves them again, finding the same slots).
    for text in nodes.iter().flat_map(|node| &node.input) {
        names.resolve(text);
    }
    let mut outputs = Vec::new();
    for arg in &signature.output_arg {
        match proto.ret.get(&arg.name).map(|text| names.resolve(text)) {
            Some(InputRef::Data { tensor, .. }) => outputs.push(tensor.into_owned()),
            Some(InputRef::Control(_)) | None => ctx.warn(
                &format!("function `{}`", signature.name),
                format!("output `{}` has no `ret` entry naming a tensor", arg.name),
            ),
        }
    }
    let n_nodes = nodes.len();
    infallible(build(
        ctx,
        &signature.name,
        n_nodes,
        nodes.into_iter().map(Ok),
        &mut names,
        &args,
        &outputs,
    ))
}

pub(super) fn dtype(code: i32) -> DType {
    use pb::DataType as D;
    // Reference types (`DT_FLOAT_REF` = 101) hold values of the base type.
    let code = if code > 100 { code - 100 } else { code };
    match D::try_from(code) {
        Ok(D::DtFloat) => DType::F32,
        Ok(D::DtDouble) => DType::F64,
        Ok(D::DtInt32) => DType::I32,
        Ok(D::DtUint8) => DType::U8,
        Ok(D::DtInt16) => DType::I16,
        Ok(D::DtInt8) => DType::I8,
        Ok(D::DtString) => DType::String,
        Ok(D::DtComplex64) => DType::Complex64,
        Ok(D::DtInt64) => DType::I64,
        Ok(D::DtBool) => DType::Bool,
        Ok(D::DtBfloat16) => DType::BF16,
        Ok(D::DtUint16) => DType::U16,
        Ok(D::DtComplex128) => DType::Complex128,
        Ok(D::DtHalf) => DType::F16,
        Ok(D::DtUint32) => DType::U32,
        Ok(D::DtUint64) => DType::U64,
        Ok(D::DtFloat8E5m2 | D::DtFloat8E5m2fnuz) => DType::F8E5M2,
        Ok(D::DtFloat8E4m3fn | D::DtFloat8E4m3fnuz | D::DtFloat8E4m3b11fnuz) => DType::F8E4M3,
        Ok(D::DtInt4) => DType::I4,
        Ok(D::DtUint4) => DType::U4,
        Ok(D::DtInvalid) => DType::Unknown,
        _ => DType::Other,
    }
}

/// A stated shape: `None` for unknown rank, `-1` (or any negative size) is an unknown dim, and
/// a named unknown dim keeps its name.
pub(super) fn shape_of(proto: &pb::TensorShapeProto) -> Option<Shape> {
    if proto.unknown_rank {
        return None;
    }
    Some(Shape(
        proto
            .dim
            .iter()
            .map(|dim| match dim.size {
                size if size >= 0 => Dim::Known(size),
                _ if !dim.name.is_empty() => Dim::Symbolic(dim.name.clone()),
                _ => Dim::Unknown,
            })
            .collect(),
    ))
}

fn attr_value(proto: &pb::AttrValue) -> AttrValue {
    use pb::attr_value::Value;
    match &proto.value {
        Some(Value::S(bytes)) => AttrValue::String(String::from_utf8_lossy(bytes).into_owned()),
        Some(Value::I(value)) => AttrValue::Int(*value),
        Some(Value::F(value)) => AttrValue::Float(f64::from(*value)),
        Some(Value::B(value)) => AttrValue::Bool(*value),
        Some(Value::Type(code)) => AttrValue::DType(dtype(*code)),
        Some(Value::Shape(shape)) => match shape_of(shape) {
            Some(shape) => AttrValue::Shape(shape),
            None => AttrValue::Other("unknown rank".to_string()),
        },
        Some(Value::Tensor(tensor)) => AttrValue::Tensor(tensor_meta(tensor)),
        Some(Value::List(list)) => list_value(list),
        Some(Value::Func(func)) => AttrValue::String(func.name.clone()),
        Some(Value::Placeholder(name)) => {
            AttrValue::Other(format!("bound at instantiation from `{name}`"))
        }
        None => AttrValue::Other("unset".to_string()),
    }
}

/// A `list(...)` attr takes the type of its populated field; an empty list is `Ints([])`, as
/// the file does not say what it would hold.
fn list_value(list: &pb::attr_value::ListValue) -> AttrValue {
    if !list.s.is_empty() {
        AttrValue::Strings(
            list.s
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect(),
        )
    } else if !list.f.is_empty() {
        AttrValue::Floats(list.f.iter().map(|&f| f64::from(f)).collect())
    } else if !list.b.is_empty() {
        AttrValue::Bools(list.b.clone())
    } else if !list.r#type.is_empty() {
        AttrValue::DTypes(list.r#type.iter().map(|&t| dtype(t)).collect())
    } else if !list.shape.is_empty() {
        let shapes: Option<Vec<Shape>> = list.shape.iter().map(shape_of).collect();
        match shapes {
            Some(shapes) => AttrValue::Shapes(shapes),
            None => AttrValue::Other(format!(
                "[{}]",
                list.shape
                    .iter()
                    .map(|s| shape_of(s).map_or("unknown rank".to_string(), |s| s.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    } else if !list.tensor.is_empty() {
        AttrValue::Tensors(list.tensor.iter().map(tensor_meta).collect())
    } else if !list.func.is_empty() {
        AttrValue::Strings(list.func.iter().map(|f| f.name.clone()).collect())
    } else {
        AttrValue::Ints(list.i.clone())
    }
}

/// Dtype, shape, stored size and (for small int and float tensors) values of a TensorProto.
fn tensor_meta(proto: &pb::TensorProto) -> TensorMeta {
    let dtype = dtype(proto.dtype);
    let shape = proto
        .tensor_shape
        .as_ref()
        .and_then(shape_of)
        .unwrap_or_default();
    let byte_size = if !proto.tensor_content.is_empty() {
        Some(proto.tensor_content.len() as u64)
    } else if dtype == DType::String {
        Some(proto.string_val.iter().map(|s| s.len() as u64).sum())
    } else {
        Tensor::computed_byte_size(dtype, &shape)
    };
    TensorMeta {
        value: small_value(proto, dtype, &shape),
        dtype,
        shape,
        byte_size,
    }
}

/// Values of tensors of at most [`ConstValue::MAX_ELEMENTS`] elements, from `tensor_content`
/// (little-endian) or from the typed list, whose last value repeats to fill the shape (a splat).
fn small_value(proto: &pb::TensorProto, dtype: DType, shape: &Shape) -> Option<ConstValue> {
    let count = shape.element_count()?;
    if count > ConstValue::MAX_ELEMENTS as u64 {
        return None;
    }
    let count = count as usize;
    let content = &proto.tensor_content[..];
    if !content.is_empty() {
        return ConstValue::from_le_bytes(content, dtype, count);
    }
    match dtype {
        DType::I32 | DType::I16 | DType::I8 | DType::U8 | DType::U16 => {
            splat(&proto.int_val, count)
                .map(|v| ConstValue::Ints(v.into_iter().map(i64::from).collect()))
        }
        DType::I64 => splat(&proto.int64_val, count).map(ConstValue::Ints),
        DType::F32 => splat(&proto.float_val, count)
            .map(|v| ConstValue::Floats(v.into_iter().map(f64::from).collect())),
        DType::F64 => splat(&proto.double_val, count).map(ConstValue::Floats),
        _ => None,
    }
}

/// `count` values from a list that may hold fewer (the last repeats; none means zeros).
fn splat<T: Copy + Default>(values: &[T], count: usize) -> Option<Vec<T>> {
    if values.len() > count {
        return None;
    }
    let fill = values.last().copied().unwrap_or_default();
    let mut out = values.to_vec();
    out.resize(count, fill);
    Some(out)
}
