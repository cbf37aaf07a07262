//! Translation of a decoded GE `ModelDef` into the IR, shared by the text dump, JSON and `.om`
//! readers. Total: every decoded message converts; odd content (unknown sources, duplicate
//! names, dangling subgraph references) becomes a warning and a best-effort graph.
//!
//! Conventions (what later stages may rely on):
//! - One node per `OpDef` of a graph, op types as GE spells them (`Conv2D`, `TransData`, ...).
//! - Output `k` of op `n` is the tensor `n:k`, exactly as consumers name it in `input`.
//! - `input_desc` / `output_desc` give tensors their dtype, shape and layout (`NC1HWC0`,
//!   `FRACTAL_Z`, ...); when a producer's output desc and a consumer's input desc disagree the
//!   producer wins.
//! - Attributes keep GE's names and sorted order; `id`, `stream_id` and (for `.om` files with a
//!   TASK_INFO partition) `task_kernel_type` / `task_block_dim` are added from the OpDef fields
//!   and the task list.

use std::collections::{BTreeMap, HashMap};

use crate::ir::fx_hash::FxBuild;

use super::compress::{self, Dictionary, Restored};
use super::graph_src::GraphSrc;
use super::pb;
use crate::formats::InputFile;
use crate::ir::{
    scope_of, Attr, AttrValue, ConstValue, DType, Dim, Graph, GraphBuilder, Model, ModelFormat,
    Node, Shape, Subgraph, Tensor, TensorId, TensorKind, TensorMeta,
};

/// What a container adds to the ModelDef: facts from its header, other models of a multi-model
/// file, and the task list.
#[derive(Default)]
pub(super) struct Extras {
    pub metadata: Vec<(String, String)>,
    pub warnings: Vec<String>,
    /// Further ModelDefs of a multi-model `.om` file, with a label for messages.
    pub other_models: Vec<(String, pb::ModelDef)>,
    /// Kernel facts from TASK_INFO, by `OpDef.id`.
    pub tasks: HashMap<i64, TaskFacts>,
    /// Fallback model name (the `.om` header's).
    pub name: Option<String>,
}

/// What TASK_INFO says about the op a task runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TaskFacts {
    pub kernel_type: String,
    pub block_dim: Option<u32>,
}

/// Ops whose output is a graph input the caller feeds.
const DATA_OPS: &[&str] = &["Data", "RefData", "AippData"];
/// Ops whose `value` attribute holds a stored tensor.
const CONST_OPS: &[&str] = &["Const", "Constant", "QuantizedConst"];
/// Ops holding state that lives in device memory between runs.
const VARIABLE_OPS: &[&str] = &["Variable", "VarHandleOp", "Variablev2"];
/// Graph outputs are the data inputs of this op when the GraphDef lists none.
const OUTPUT_OP: &str = "NetOutput";

/// Attributes that hold lists of names; kept as `Strings` even when empty or single.
const NAME_LIST_ATTRS: &[&str] = &[
    "_datadump_original_op_names",
    "_datadump_original_op_types",
    "original_op_names",
];

/// Output index above which a reference is treated as a typo, not as a reason to create that
/// many tensors (references past an op's descs also draw on a budget proportional to the file).
const MAX_OUTPUTS: i64 = 4096;
/// Subgraph nesting bound.
const MAX_DEPTH: usize = 64;
/// Warnings kept in the model; the rest are counted.
const MAX_WARNINGS: usize = 50;

pub(super) fn model(file: &InputFile, mut def: pb::ModelDef, extras: Extras) -> Model {
    let graphs = std::mem::take(&mut def.graph)
        .into_iter()
        .map(GraphSrc::from)
        .collect();
    model_of(file, def, graphs, extras).0
}

/// [`model`] from the `.om` reader's lazy decoding, whose ops are decoded one at a time as they
/// are converted; `None` when one does not read or decode (the caller then decodes the whole
/// ModelDef, whose model or error is the answer).
pub(super) fn lazy_model(file: &InputFile, def: pb::LazyModelDef, extras: Extras) -> Option<Model> {
    let pb::LazyModelDef {
        name,
        version,
        custom_version,
        graph,
        attr,
        attr_groups,
    } = def;
    let def = pb::ModelDef {
        name,
        version,
        custom_version,
        graph: Vec::new(),
        attr,
        attr_groups,
    };
    let graphs = graph.into_iter().map(GraphSrc::from).collect();
    let (model, complete) = model_of(file, def, graphs, extras);
    complete.then_some(model)
}

/// The model of `def`, whose own graphs are `graphs`; false beside it when a lazy op did not
/// read or decode (the model is then incomplete).
fn model_of(
    file: &InputFile,
    mut def: pb::ModelDef,
    graphs: Vec<GraphSrc>,
    extras: Extras,
) -> (Model, bool) {
    let mut warnings = extras.warnings;
    let mut metadata = Vec::new();

    // Every model of the file brings its graphs and, when compressed, its own dictionary.
    let mut dictionaries = vec![Dictionary::take_from(&mut def, &file.name, &mut warnings)];
    let mut pool = Vec::new();
    for graph in graphs {
        pool.push(PoolGraph {
            graph: Some(graph),
            model: 0,
        });
    }
    for (label, mut other) in extras.other_models {
        let context = format!("{} ({label})", file.name);
        dictionaries.push(Dictionary::take_from(&mut other, &context, &mut warnings));
        for graph in other.graph {
            pool.push(PoolGraph {
                graph: Some(graph.into()),
                model: dictionaries.len() - 1,
            });
        }
    }
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (idx, entry) in pool.iter().enumerate() {
        let Some(graph) = &entry.graph else {
            continue;
        };
        if graph.name.is_empty() {
            continue;
        }
        if by_name.contains_key(&graph.name) {
            warnings.push(format!(
                "{}: two graphs are named `{}`; subgraph references resolve to the first",
                file.name, graph.name
            ));
        } else {
            by_name.insert(graph.name.clone(), idx);
        }
    }

    let mut ctx = Ctx {
        file: &file.name,
        pool,
        by_name,
        tasks: extras.tasks,
        dictionaries,
        keys_restored: 0,
        bad_keys: 0,
        warnings,
        incomplete: false,
    };
    let main = ctx.pool.first_mut().and_then(|entry| entry.graph.take());
    let graph = match main {
        Some(main) => ctx.graph(main, 0, 0),
        None => {
            ctx.warnings
                .push(format!("{}: the model holds no graph", file.name));
            Graph::default()
        }
    };
    let mut functions = Vec::new();
    for idx in 0..ctx.pool.len() {
        if let Some(graph) = ctx.pool[idx].graph.take() {
            let model = ctx.pool[idx].model;
            functions.push(ctx.graph(graph, model, 1));
        }
    }
    if ctx.bad_keys > 0 {
        ctx.warnings.push(format!(
            "{}: {} compressed attribute keys do not index {} and were named `compressed_attr_<n>`",
            file.name,
            ctx.bad_keys,
            compress::NAMES_KEY
        ));
    }

    if def.version != 0 {
        metadata.push(("ir_version".to_string(), def.version.to_string()));
    }
    if !def.custom_version.is_empty() {
        metadata.push(("custom_version".to_string(), def.custom_version.clone()));
    }
    metadata.extend(extras.metadata);
    if let Some(Some(dictionary)) = ctx.dictionaries.first() {
        metadata.push((
            "attribute_compression".to_string(),
            dictionary.summary(ctx.keys_restored),
        ));
    }
    for (key, value) in sorted(&def.attr) {
        metadata.push((key.clone(), metadata_text(value)));
    }

    let name = [
        def.name.clone(),
        graph.name.clone(),
        extras.name.unwrap_or_default(),
    ]
    .into_iter()
    .find(|n| !n.is_empty())
    .unwrap_or_else(|| file_stem(&file.name));
    let complete = !ctx.incomplete;
    let mut warnings = ctx.warnings;
    if warnings.len() > MAX_WARNINGS {
        let hidden = warnings.len() - MAX_WARNINGS;
        warnings.truncate(MAX_WARNINGS);
        warnings.push(format!("{}: … and {hidden} more warnings", file.name));
    }
    let model = Model {
        format: ModelFormat::Ge,
        name,
        metadata,
        opsets: Vec::new(),
        graph,
        functions,
        warnings,
    };
    (model, complete)
}

struct PoolGraph {
    graph: Option<GraphSrc>,
    /// Which model of the file the graph belongs to (0: the first, whose op ids TASK_INFO
    /// names); its dictionary restores compressed attributes.
    model: usize,
}

struct Ctx<'a> {
    file: &'a str,
    pool: Vec<PoolGraph>,
    by_name: HashMap<String, usize>,
    tasks: HashMap<i64, TaskFacts>,
    dictionaries: Vec<Option<Dictionary>>,
    keys_restored: usize,
    bad_keys: usize,
    warnings: Vec<String>,
    /// A lazy op did not read or decode: the model is incomplete and is not used.
    incomplete: bool,
}

/// A parsed `input` entry.
enum InputRef<'a> {
    Empty,
    Control(&'a str),
    /// Source op and output index.
    Data(&'a str, i64),
}

/// Splits `node:index` at the last colon; a missing or non-numeric index means output 0 of a
/// node whose name is the whole string.
fn parse_input(text: &str) -> InputRef<'_> {
    if text.is_empty() {
        return InputRef::Empty;
    }
    match text.rsplit_once(':') {
        Some((node, index)) => match index.parse::<i64>() {
            Ok(-1) => InputRef::Control(node),
            Ok(slot) => InputRef::Data(node, slot),
            Err(_) => InputRef::Data(text, 0),
        },
        None => InputRef::Data(text, 0),
    }
}

fn tensor_name(node: &str, index: i64) -> String {
    format!("{node}:{index}")
}

impl Ctx<'_> {
    fn warn(&mut self, text: String) {
        self.warnings.push(format!("{}: {text}", self.file));
    }

    fn graph(&mut self, proto: GraphSrc, model: usize, depth: usize) -> Graph {
        let GraphSrc {
            name: graph_name,
            input: graph_inputs,
            output: graph_outputs,
            mut ops,
        } = proto;
        let mut builder = GraphBuilder::new(graph_name.clone());

        // Pass 1: op names and how many outputs each op has (its descs, or the highest index a
        // consumer reads).
        let Some(heads) = ops.heads() else {
            self.incomplete = true;
            return Graph::default();
        };
        let (names, heads): (Vec<String>, Vec<_>) = heads
            .into_iter()
            .map(|head| {
                let is_source = [DATA_OPS, CONST_OPS, VARIABLE_OPS]
                    .iter()
                    .any(|kinds| kinds.contains(&head.op_type.as_str()));
                (head.name, (is_source, head.n_inputs, head.n_output_descs))
            })
            .unzip();
        let mut index: HashMap<&str, usize, FxBuild> =
            HashMap::with_capacity_and_hasher(ops.len(), FxBuild::default());
        let mut duplicate = vec![false; ops.len()];
        for (op_idx, name) in names.iter().enumerate() {
            if index.contains_key(name.as_str()) {
                duplicate[op_idx] = true;
            } else {
                index.insert(name.as_str(), op_idx);
            }
        }
        let mut n_outputs: Vec<usize> = heads.iter().map(|head| head.2).collect();
        // Outputs that only references imply (ops without descs) cost memory the file did not
        // pay for: keep them proportional to the number of references.
        let n_references: usize = heads.iter().map(|head| head.1).sum();
        let mut implied_budget = 4096 + 16 * n_references;
        // A source op has an output before the inputs of later ops are read (ops in order).
        let mut next_source = 0usize;
        let mut sources_up_to = |n_outputs: &mut Vec<usize>, last: usize| {
            while next_source <= last && next_source < heads.len() {
                if heads[next_source].0 {
                    n_outputs[next_source] = n_outputs[next_source].max(1);
                }
                next_source += 1;
            }
        };
        let read = ops.for_each_input(|op_idx, input| {
            sources_up_to(&mut n_outputs, op_idx);
            if let InputRef::Data(source, slot) = parse_input(input) {
                if let (Some(&src), true) = (index.get(source), (0..MAX_OUTPUTS).contains(&slot)) {
                    let extra = (slot as usize + 1).saturating_sub(n_outputs[src]);
                    if extra <= implied_budget {
                        implied_budget -= extra;
                        n_outputs[src] += extra;
                    }
                }
            }
        });
        sources_up_to(&mut n_outputs, heads.len());
        if read.is_none() {
            self.incomplete = true;
            return Graph::default();
        }
        let mut messages = Vec::new();
        for (op_idx, name) in names.iter().enumerate() {
            if duplicate[op_idx] {
                messages.push(format!(
                    "graph `{graph_name}`: op name `{name}` is used twice; inputs naming it read the first"
                ));
            }
        }

        // Every output tensor up front, so that inputs resolve to ids without a name lookup,
        // whatever the op order.
        let mut first_output = Vec::with_capacity(ops.len());
        for (op_idx, name) in names.iter().enumerate() {
            first_output.push(builder.graph_mut().tensors.len());
            for slot in 0..n_outputs[op_idx] {
                builder.fresh_tensor(&tensor_name(name, slot as i64));
            }
        }

        // Pass 2: nodes in file order.
        let mut stated: Vec<bool> = Vec::new();
        // Consumers' input descs of tensors no producer has stated yet, applied once every
        // producer has stated its outputs (a desc of a tensor stated already is dropped).
        let mut pending: Vec<(TensorId, pb::TensorDescriptor)> = Vec::new();
        let mut inputs = Vec::new();
        let mut output_ops = Vec::new();
        let mut subgraphs = Vec::new();
        for (node_id, op) in ops.into_ops().enumerate() {
            let Some(op) = op else {
                self.incomplete = true;
                return Graph::default();
            };
            let name = names[node_id].clone();
            let pb::OpDef {
                r#type: op_type,
                input,
                attr,
                id,
                stream_id,
                workspace_bytes,
                mut input_desc,
                output_desc,
                subgraph_name,
                ..
            } = op;

            // Outputs.
            let outputs: Vec<TensorId> =
                (first_output[node_id]..first_output[node_id] + n_outputs[node_id]).collect();
            for (slot, desc) in output_desc.iter().enumerate() {
                if let Some(&tensor) = outputs.get(slot) {
                    if apply_desc(builder.tensor_mut(tensor), desc) {
                        mark(&mut stated, tensor);
                    }
                }
            }

            // Inputs and control edges.
            let mut node_inputs = Vec::with_capacity(input.len());
            let mut control_inputs = Vec::new();
            let mut data_slot = 0usize;
            for text in &input {
                match parse_input(text) {
                    InputRef::Empty => {
                        node_inputs.push(None);
                        data_slot += 1;
                    }
                    InputRef::Control(source) => match index.get(source) {
                        Some(&src) => {
                            if !control_inputs.contains(&src) {
                                control_inputs.push(src);
                            }
                        }
                        None => messages.push(format!(
                            "graph `{graph_name}`: control input `{text}` of op `{name}` names no op of the graph"
                        )),
                    },
                    InputRef::Data(source, slot) => {
                        let known = index
                            .get(source)
                            .filter(|&&src| slot >= 0 && (slot as usize) < n_outputs[src]);
                        let tensor = match known {
                            Some(&src) => first_output[src] + slot as usize,
                            None => {
                                messages.push(format!(
                                    "graph `{graph_name}`: input `{text}` of op `{name}` names no output of an op of the graph"
                                ));
                                builder.tensor(&tensor_name(source, slot))
                            }
                        };
                        if !stated.get(tensor).copied().unwrap_or(false) {
                            if let Some(desc) = input_desc.get_mut(data_slot) {
                                pending.push((tensor, std::mem::take(desc)));
                            }
                        }
                        node_inputs.push(Some(tensor));
                        data_slot += 1;
                    }
                }
            }

            // Attributes, with compressed names restored, sorted by name for a stable order
            // whatever the source form.
            let mut entries = self.restore_keys(attr, model);
            entries.sort_by(|a, b| a.0.cmp(&b.0));

            // The stored tensor of a Const, read before its attribute is converted.
            let stored = if CONST_OPS.contains(&op_type.as_str()) {
                entries
                    .iter()
                    .find(|(key, _)| key == "value")
                    .and_then(|(_, value)| stored_tensor(value))
            } else {
                None
            };
            let mut attrs = Vec::with_capacity(entries.len() + 4);
            for (key, value) in entries {
                let value = self.attr_value(value, &key, node_id, &mut subgraphs, model, depth);
                let value = if NAME_LIST_ATTRS.contains(&key.as_str()) {
                    name_list(value)
                } else {
                    value
                };
                attrs.push(Attr { name: key, value });
            }
            attrs.push(Attr {
                name: "id".to_string(),
                value: AttrValue::Int(id),
            });
            attrs.push(Attr {
                name: "stream_id".to_string(),
                value: AttrValue::Int(stream_id),
            });
            if !workspace_bytes.is_empty() {
                attrs.push(Attr {
                    name: "workspace_bytes".to_string(),
                    value: AttrValue::Ints(workspace_bytes),
                });
            }
            if model == 0 {
                if let Some(task) = self.tasks.get(&id) {
                    attrs.push(Attr {
                        name: "task_kernel_type".to_string(),
                        value: AttrValue::String(task.kernel_type.clone()),
                    });
                    if let Some(block_dim) = task.block_dim {
                        attrs.push(Attr {
                            name: "task_block_dim".to_string(),
                            value: AttrValue::Int(i64::from(block_dim)),
                        });
                    }
                }
            }

            // Subgraphs referenced by name.
            if !subgraph_name.is_empty() {
                for sub_name in &subgraph_name {
                    if sub_name.is_empty() {
                        continue;
                    }
                    match self.take_graph(sub_name) {
                        Some((body, body_model)) if depth < MAX_DEPTH => {
                            let body = self.graph(body, body_model, depth + 1);
                            subgraphs.push(Subgraph {
                                owner: Some(node_id),
                                attr: "subgraph_name".to_string(),
                                graph: body,
                            });
                        }
                        Some(_) => messages.push(format!(
                            "graph `{graph_name}`: subgraph `{sub_name}` of op `{name}` is nested more than {MAX_DEPTH} levels deep and was dropped"
                        )),
                        None => messages.push(format!(
                            "graph `{graph_name}`: subgraph `{sub_name}` of op `{name}` is not a graph of the model, or is already the body of another op"
                        )),
                    }
                }
                attrs.push(Attr {
                    name: "subgraph_name".to_string(),
                    value: AttrValue::Strings(subgraph_name),
                });
            }

            // Roles of the output tensors.
            if DATA_OPS.contains(&op_type.as_str()) {
                if let Some(&out) = outputs.first() {
                    builder.tensor_mut(out).kind = TensorKind::Input;
                    inputs.push(out);
                }
            } else if CONST_OPS.contains(&op_type.as_str()) {
                if let Some(&out) = outputs.first() {
                    let tensor = builder.tensor_mut(out);
                    tensor.kind = TensorKind::Weight;
                    if let Some(stored) = stored {
                        tensor.dtype = stored.dtype;
                        if let Some(shape) = stored.shape {
                            tensor.shape = Some(shape);
                        }
                        if stored.layout.is_some() {
                            tensor.layout = stored.layout;
                        }
                        tensor.byte_size = stored.byte_size;
                        tensor.value = stored.value;
                    }
                    if tensor.byte_size.is_none() {
                        tensor.byte_size = output_desc.first().and_then(desc_byte_size);
                    }
                    if tensor.byte_size.is_none() {
                        tensor.byte_size = tensor
                            .shape
                            .as_ref()
                            .and_then(|s| Tensor::computed_byte_size(tensor.dtype, s));
                    }
                    mark(&mut stated, out);
                }
            } else if VARIABLE_OPS.contains(&op_type.as_str()) {
                if let Some(&out) = outputs.first() {
                    let size = output_desc.first().and_then(desc_byte_size);
                    let tensor = builder.tensor_mut(out);
                    tensor.kind = TensorKind::Weight;
                    tensor.byte_size = size.or_else(|| {
                        tensor
                            .shape
                            .as_ref()
                            .and_then(|s| Tensor::computed_byte_size(tensor.dtype, s))
                    });
                }
            } else if op_type == OUTPUT_OP {
                output_ops.push(node_id);
            }

            builder.add_node(Node {
                scope: scope_of(&name),
                name,
                op_type,
                domain: String::new(),
                attrs,
                inputs: node_inputs,
                outputs,
                control_inputs,
            });
        }
        for message in messages {
            self.warn(message);
        }

        // Consumers' input descs fill in what no producer stated.
        for (tensor, desc) in pending {
            if stated.get(tensor).copied().unwrap_or(false) {
                continue;
            }
            if apply_desc(builder.tensor_mut(tensor), &desc) {
                mark(&mut stated, tensor);
            }
        }

        // Graph inputs and outputs the GraphDef lists by tensor name.
        let resolve = |builder: &mut GraphBuilder, source: &str, slot: i64| match index.get(source)
        {
            Some(&src) if slot >= 0 && (slot as usize) < n_outputs[src] => {
                first_output[src] + slot as usize
            }
            _ => builder.tensor(&tensor_name(source, slot)),
        };
        for text in &graph_inputs {
            if let InputRef::Data(source, slot) = parse_input(text) {
                let tensor = resolve(&mut builder, source, slot);
                // Data outputs are inputs already; a name no op produces is fed by the caller.
                if !index.contains_key(source) && !inputs.contains(&tensor) {
                    builder.tensor_mut(tensor).kind = TensorKind::Input;
                    inputs.push(tensor);
                }
            }
        }
        let mut outputs = Vec::new();
        for text in &graph_outputs {
            if let InputRef::Data(source, slot) = parse_input(text) {
                let tensor = resolve(&mut builder, source, slot);
                if !outputs.contains(&tensor) {
                    outputs.push(tensor);
                }
            }
        }
        if outputs.is_empty() {
            let nodes = &builder.graph_mut().nodes;
            for &node_id in &output_ops {
                for &tensor in nodes[node_id].inputs.iter().flatten() {
                    if !outputs.contains(&tensor) {
                        outputs.push(tensor);
                    }
                }
            }
        }

        let graph = builder.graph_mut();
        graph.inputs = inputs;
        graph.outputs = outputs;
        graph.subgraphs = subgraphs;
        builder.finish()
    }

    /// The attributes of an op with compressed keys (and their string values) restored.
    fn restore_keys(
        &mut self,
        attr: BTreeMap<String, pb::AttrDef>,
        model: usize,
    ) -> Vec<(String, pb::AttrDef)> {
        let Some(Some(dictionary)) = self.dictionaries.get(model) else {
            return attr.into_iter().collect();
        };
        let mut problems = Vec::new();
        let mut entries: Vec<(String, pb::AttrDef)> = Vec::with_capacity(attr.len());
        for (key, mut value) in attr {
            let name = match dictionary.restore(key, &mut value, &mut problems) {
                Restored::Plain(name) => name,
                Restored::Name(name) => {
                    self.keys_restored += 1;
                    name
                }
                Restored::Bad(name) => {
                    self.bad_keys += 1;
                    name
                }
            };
            entries.push((name, value));
        }
        for problem in problems {
            self.warn(problem);
        }
        entries
    }

    /// Takes the graph called `name` out of the pool so it is converted once.
    fn take_graph(&mut self, name: &str) -> Option<(GraphSrc, usize)> {
        let idx = *self.by_name.get(name)?;
        let entry = self.pool.get_mut(idx)?;
        Some((entry.graph.take()?, entry.model))
    }

    fn attr_value(
        &mut self,
        proto: pb::AttrDef,
        name: &str,
        node_id: usize,
        subgraphs: &mut Vec<Subgraph>,
        model: usize,
        depth: usize,
    ) -> AttrValue {
        use pb::attr_def::list_value::ListValueType as VT;
        use pb::attr_def::Value;
        let Some(value) = proto.value else {
            return AttrValue::Other("empty".to_string());
        };
        let mut push_graph = |ctx: &mut Ctx, graph: pb::GraphDef| {
            let body = if depth < MAX_DEPTH {
                ctx.graph(graph.into(), model, depth + 1)
            } else {
                Graph::default()
            };
            subgraphs.push(Subgraph {
                owner: Some(node_id),
                attr: name.to_string(),
                graph: body,
            });
            subgraphs.len() - 1
        };
        match value {
            Value::S(bytes) => AttrValue::String(text(&bytes)),
            Value::I(value) => AttrValue::Int(value),
            Value::F(value) => AttrValue::Float(f64::from(value)),
            Value::B(value) => AttrValue::Bool(value),
            Value::Bt(bytes) => AttrValue::Other(format!("{} bytes", bytes.len())),
            Value::Expression(bytes) => AttrValue::String(text(&bytes)),
            Value::Dt(code) => AttrValue::DType(DType::from_ge_code(code)),
            Value::Func(named) => AttrValue::Other(named_text(&named)),
            Value::Td(desc) => AttrValue::Other(desc_text(&desc)),
            Value::T(tensor) => AttrValue::Tensor(tensor_meta(&tensor)),
            Value::G(graph) => AttrValue::Graph(push_graph(self, graph)),
            Value::ListListInt(lists) => {
                AttrValue::IntLists(lists.list_list_i.into_iter().map(|l| l.list_i).collect())
            }
            Value::ListListFloat(lists) => AttrValue::Other(format!(
                "[{}]",
                lists
                    .list_list_f
                    .iter()
                    .map(|l| format!("{:?}", l.list_f))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Value::List(list) => {
                let kind = VT::try_from(list.val_type).unwrap_or(VT::VtListNone);
                let kind = match kind {
                    VT::VtListNone => guess_list_type(&list),
                    kind => kind,
                };
                match kind {
                    VT::VtListString => {
                        AttrValue::Strings(list.s.iter().map(|s| text(s)).collect())
                    }
                    VT::VtListInt => AttrValue::Ints(list.i),
                    VT::VtListFloat => {
                        AttrValue::Floats(list.f.iter().map(|&f| f64::from(f)).collect())
                    }
                    VT::VtListBool => AttrValue::Bools(list.b),
                    VT::VtListBytes => AttrValue::Other(format!(
                        "[{}]",
                        list.bt
                            .iter()
                            .map(|b| format!("{} bytes", b.len()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    VT::VtListTensorDesc => {
                        AttrValue::Strings(list.td.iter().map(desc_text).collect())
                    }
                    VT::VtListTensor => {
                        AttrValue::Tensors(list.t.iter().map(tensor_meta).collect())
                    }
                    VT::VtListGraph => {
                        let mut ids = Vec::with_capacity(list.g.len());
                        for graph in list.g {
                            ids.push(push_graph(self, graph));
                        }
                        AttrValue::Graphs(ids)
                    }
                    VT::VtListNamedAttrs => {
                        AttrValue::Strings(list.na.iter().map(named_text).collect())
                    }
                    VT::VtListDataType => AttrValue::DTypes(
                        list.dt
                            .iter()
                            .map(|&code| DType::from_ge_code(code))
                            .collect(),
                    ),
                    VT::VtListNone => AttrValue::Ints(Vec::new()),
                }
            }
        }
    }
}

/// The list kind from whichever field is populated (old writers leave `val_type` unset).
fn guess_list_type(list: &pb::attr_def::ListValue) -> pb::attr_def::list_value::ListValueType {
    use pb::attr_def::list_value::ListValueType as VT;
    if !list.s.is_empty() {
        VT::VtListString
    } else if !list.i.is_empty() {
        VT::VtListInt
    } else if !list.f.is_empty() {
        VT::VtListFloat
    } else if !list.b.is_empty() {
        VT::VtListBool
    } else if !list.dt.is_empty() {
        VT::VtListDataType
    } else if !list.t.is_empty() {
        VT::VtListTensor
    } else if !list.td.is_empty() {
        VT::VtListTensorDesc
    } else if !list.g.is_empty() {
        VT::VtListGraph
    } else if !list.na.is_empty() {
        VT::VtListNamedAttrs
    } else if !list.bt.is_empty() {
        VT::VtListBytes
    } else {
        VT::VtListNone
    }
}

/// Name lists stay lists of strings whatever the file stored (one string, an empty list).
fn name_list(value: AttrValue) -> AttrValue {
    match value {
        AttrValue::String(name) => AttrValue::Strings(vec![name]),
        AttrValue::Ints(values) if values.is_empty() => AttrValue::Strings(Vec::new()),
        other => other,
    }
}

fn mark(stated: &mut Vec<bool>, tensor: TensorId) {
    if stated.len() <= tensor {
        stated.resize(tensor + 1, false);
    }
    stated[tensor] = true;
}

/// Puts what a desc states on `tensor`; false when the desc states nothing (dumps made with
/// `DUMP_GE_GRAPH=3` leave descs empty).
fn apply_desc(tensor: &mut Tensor, desc: &pb::TensorDescriptor) -> bool {
    let layout = layout_name(&desc.layout);
    let shape = desc.shape.as_ref().map(shape_of);
    if desc.dtype == 0 && shape.is_none() && layout.is_none() {
        return false;
    }
    tensor.dtype = dtype(desc.dtype);
    tensor.shape = shape.flatten();
    tensor.layout = layout;
    true
}

/// GE marks an unknown dim with -1 and an unknown rank with the single dim -2.
fn shape_of(proto: &pb::ShapeDef) -> Option<Shape> {
    if proto.dim.as_slice() == [-2] {
        return None;
    }
    Some(Shape(
        proto
            .dim
            .iter()
            .map(|&d| if d >= 0 { Dim::Known(d) } else { Dim::Unknown })
            .collect(),
    ))
}

/// The layout string of a desc; a number is GE's Format enum (ascend.md 3.3), whose low byte is
/// the primary format.
fn layout_name(layout: &str) -> Option<String> {
    let layout = layout.trim();
    if layout.is_empty() {
        return None;
    }
    match layout.parse::<u32>() {
        Ok(code) => Some(format_name(code & 0xff)),
        Err(_) => Some(layout.to_string()),
    }
}

/// GE `Format` enum names by number.
fn format_name(code: u32) -> String {
    const NAMES: &[&str] = &[
        "NCHW",
        "NHWC",
        "ND",
        "NC1HWC0",
        "FRACTAL_Z",
        "NC1C0HWPAD",
        "NHWC1C0",
        "FSR_NCHW",
        "FRACTAL_DECONV",
        "C1HWNC0",
        "FRACTAL_DECONV_TRANSPOSE",
        "FRACTAL_DECONV_SP_STRIDE_TRANS",
        "NC1HWC0_C04",
        "FRACTAL_Z_C04",
        "CHWN",
        "FRACTAL_DECONV_SP_STRIDE8_TRANS",
        "HWCN",
        "NC1KHKWHWC0",
        "BN_WEIGHT",
        "FILTER_HWCK",
        "HASHTABLE_LOOKUP_LOOKUPS",
        "HASHTABLE_LOOKUP_KEYS",
        "HASHTABLE_LOOKUP_VALUE",
        "HASHTABLE_LOOKUP_OUTPUT",
        "HASHTABLE_LOOKUP_HITS",
        "C1HWNCoC0",
        "MD",
        "NDHWC",
        "FRACTAL_ZZ",
        "FRACTAL_NZ",
        "NCDHW",
        "DHWCN",
        "NDC1HWC0",
        "FRACTAL_Z_3D",
        "CN",
        "NC",
        "DHWNC",
        "FRACTAL_Z_3D_TRANSPOSE",
    ];
    match code {
        47 => "NCL".to_string(),
        code => NAMES
            .get(code as usize)
            .map_or_else(|| format!("FORMAT_{code}"), |name| name.to_string()),
    }
}

/// IR dtype of the proto `DataType` enum (the numbering of `ge_ir.proto`).
fn dtype(code: i32) -> DType {
    match code {
        0 => DType::Unknown,
        1 => DType::F32,
        2 => DType::F16,
        3 => DType::I8,
        4 => DType::U8,
        5 => DType::I16,
        6 => DType::U16,
        7 => DType::I32,
        8 => DType::I64,
        9 => DType::U32,
        10 => DType::U64,
        11 => DType::Bool,
        12 => DType::F64,
        13 => DType::String,
        16 => DType::Complex64,
        17 => DType::Complex128,
        27 => DType::BF16,
        28 => DType::I4,
        34 => DType::F8E5M2,
        35 => DType::F8E4M3,
        _ => DType::Other,
    }
}

/// Bytes a stored tensor takes: its weight size, else its memory size.
fn desc_byte_size(desc: &pb::TensorDescriptor) -> Option<u64> {
    [desc.weight_size, desc.size]
        .into_iter()
        .find(|&size| size > 0)
        .map(|size| size as u64)
}

fn tensor_meta(proto: &pb::TensorDef) -> TensorMeta {
    let desc = proto.desc.clone().unwrap_or_default();
    let dtype = dtype(desc.dtype);
    let shape = desc.shape.as_ref().and_then(shape_of).unwrap_or_default();
    let byte_size = if !proto.data.is_empty() {
        Some(proto.data.len() as u64)
    } else {
        desc_byte_size(&desc).or_else(|| Tensor::computed_byte_size(dtype, &shape))
    };
    TensorMeta {
        value: small_value(&proto.data, dtype, &shape),
        dtype,
        shape,
        byte_size,
    }
}

/// What a Const's `value` says about the tensor it stores.
struct Stored {
    dtype: DType,
    shape: Option<Shape>,
    layout: Option<String>,
    byte_size: Option<u64>,
    value: Option<ConstValue>,
}

fn stored_tensor(value: &pb::AttrDef) -> Option<Stored> {
    let Some(pb::attr_def::Value::T(tensor)) = value.value.as_ref() else {
        return None;
    };
    let meta = tensor_meta(tensor);
    let desc = tensor.desc.as_ref();
    Some(Stored {
        dtype: meta.dtype,
        shape: desc.and_then(|d| d.shape.as_ref()).and_then(shape_of),
        layout: desc.and_then(|d| layout_name(&d.layout)),
        byte_size: meta.byte_size,
        value: meta.value,
    })
}

/// Values of small integer and float constants (shape parameters, axes).
fn small_value(data: &[u8], dtype: DType, shape: &Shape) -> Option<ConstValue> {
    let count = shape.element_count()?;
    if data.is_empty() || count > ConstValue::MAX_ELEMENTS as u64 {
        return None;
    }
    ConstValue::from_le_bytes(data, dtype, count as usize)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn desc_text(desc: &pb::TensorDescriptor) -> String {
    let shape = desc
        .shape
        .as_ref()
        .and_then(shape_of)
        .map_or_else(|| "?".to_string(), |s| s.to_string());
    let layout = layout_name(&desc.layout).unwrap_or_default();
    format!("{} {shape} {layout}", dtype(desc.dtype))
        .trim_end()
        .to_string()
}

fn named_text(named: &pb::NamedAttrs) -> String {
    let mut keys: Vec<&String> = named.attr.keys().collect();
    keys.sort();
    format!(
        "{}({})",
        named.name,
        keys.iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn sorted(map: &BTreeMap<String, pb::AttrDef>) -> Vec<(&String, &pb::AttrDef)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// A model attribute as one metadata line: strings verbatim, the rest in display form.
fn metadata_text(value: &pb::AttrDef) -> String {
    use pb::attr_def::Value;
    match &value.value {
        Some(Value::S(bytes)) => text(bytes),
        Some(Value::I(v)) => v.to_string(),
        Some(Value::F(v)) => v.to_string(),
        Some(Value::B(v)) => v.to_string(),
        Some(Value::List(list)) => {
            if !list.s.is_empty() {
                AttrValue::Strings(list.s.iter().map(|s| text(s)).collect()).display()
            } else if !list.i.is_empty() {
                AttrValue::Ints(list.i.clone()).display()
            } else if !list.f.is_empty() {
                AttrValue::Floats(list.f.iter().map(|&f| f64::from(f)).collect()).display()
            } else if !list.b.is_empty() {
                AttrValue::Bools(list.b.clone()).display()
            } else {
                "[]".to_string()
            }
        }
        Some(Value::Bt(bytes)) => format!("{} bytes", bytes.len()),
        Some(Value::T(tensor)) => format!(
            "tensor {}",
            desc_text(&tensor.desc.clone().unwrap_or_default())
        ),
        Some(Value::G(graph)) => format!("graph {}", graph.name),
        Some(Value::Td(desc)) => desc_text(desc),
        Some(Value::Func(named)) => named_text(named),
        Some(Value::Dt(code)) => DType::from_ge_code(*code).to_string(),
        Some(Value::Expression(bytes)) => text(bytes),
        Some(Value::ListListInt(lists)) => {
            AttrValue::IntLists(lists.list_list_i.iter().map(|l| l.list_i.clone()).collect())
                .display()
        }
        Some(Value::ListListFloat(_)) => "list of float lists".to_string(),
        None => String::new(),
    }
}

fn file_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rfind('.') {
        Some(dot) if dot > 0 => base[..dot].to_string(),
        _ => base.to_string(),
    }
}
