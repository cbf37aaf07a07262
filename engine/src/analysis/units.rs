//! Execution unit of every node: predicted from the knowledge base, overridden by what the graph
//! itself records (GE's `_ge_attr_op_kernel_lib_name`) and by a profile's measured task types.
//!
//! Invariants: one [`NodeUnit`] per main-graph node, in node order; every one has a reason a
//! person can read. The prediction applies the node's knowledge-base row, then the first of its
//! constraints the node breaks, in this order: an input or output dtype outside the AI Core
//! kernel's set (dtypes from shape inference; for Cast also the `to` / `DstT` / `dst_type`
//! attribute), an attribute value the kernel does not take, unknown or symbolic dims where the
//! kernel needs static shapes, a data-dependent output shape. Only AI Core predictions are
//! checked: an op already on the AI CPU or without a kernel has nothing to fall back from.
//!
//! Cost: one knowledge lookup per distinct op type (cached), then a pass over each node's
//! tensors; no allocation per node beyond the output vector.

use std::collections::HashMap;

use serde::Serialize;

use crate::ir::fx_hash::FxBuild;
use crate::ir::{AttrValue, DType, Dim, Graph, Model, ModelFormat, Node, Shape, TensorId};
use crate::knowledge::{self, Constraint, ExecUnit, OpSpec};
use crate::profile::{Join, Profile, Sym, Unit};
use crate::target::{Target, TargetId};

/// The node attribute in which GE records which kernel library runs a node (`ascend.md` 3.2).
pub const KERNEL_LIB_ATTR: &str = "_ge_attr_op_kernel_lib_name";

/// The attribute older GE dumps use for the same (the ds-cnn `ge_proto_*_Build.txt` sample).
pub const LX_KERNEL_LIB_ATTR: &str = "_lxfusion_op_kernel_lib_name";

/// Where a node's unit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitSource {
    /// The knowledge base's prediction.
    Predicted,
    /// The compiled graph says so (`_ge_attr_op_kernel_lib_name`).
    Graph,
    /// A profile measured it (`Task Type`).
    Measured,
}

/// Why a node got its unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnitReason {
    /// The table row of the canonical op.
    Table { canonical: &'static str },
    /// An input (or, for Cast, output) dtype the AI Core kernel does not take.
    DtypeNotSupported {
        canonical: &'static str,
        dtype: String,
    },
    /// An attribute value the AI Core kernel does not take.
    AttrNotSupported {
        canonical: &'static str,
        attr: String,
        value: String,
    },
    /// Unknown dims where the AI Core kernel needs static shapes, or an output shape that
    /// depends on the input values.
    DynamicShape { canonical: &'static str },
    /// The op type is not in the knowledge base; assumed to run where most ops do.
    UnknownOp,
    /// The graph's kernel library attribute.
    GraphAttr { engine: String },
    /// The profile's task type.
    Measured { task_type: String },
}

impl UnitReason {
    /// One line for tables and the node panel.
    pub fn describe(&self, unit: ExecUnit) -> String {
        match self {
            UnitReason::Table { canonical } => {
                format!("{canonical} runs on the {} (knowledge base)", unit.label())
            }
            UnitReason::DtypeNotSupported { canonical, dtype } => format!(
                "{canonical}'s AI Core kernel does not handle {dtype}: falls back to the {}",
                unit.label()
            ),
            UnitReason::AttrNotSupported {
                canonical,
                attr,
                value,
            } => format!(
                "{canonical}'s AI Core kernel does not support {attr} = {value}: falls back to the {}",
                unit.label()
            ),
            UnitReason::DynamicShape { canonical } => format!(
                "{canonical} has unknown or data-dependent dims (its static AI Core kernel does not apply): {}",
                unit.label()
            ),
            UnitReason::UnknownOp => format!(
                "op type not in the knowledge base; assumed {}",
                unit.label()
            ),
            UnitReason::GraphAttr { engine } => {
                format!("the compiled graph assigns it to {engine}")
            }
            UnitReason::Measured { task_type } => format!("measured: {task_type} tasks"),
        }
    }
}

/// The unit of one node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeUnit {
    pub unit: ExecUnit,
    pub source: UnitSource,
    pub reason: UnitReason,
    /// The knowledge base's unit, kept when a measurement overrides it.
    pub predicted: ExecUnit,
    /// The canonical op, when the op type is in the knowledge base.
    #[serde(skip)]
    pub spec: Option<&'static OpSpec>,
}

/// Predicts the unit of every node of the main graph.
pub fn assign(model: &Model, target: &Target) -> Vec<NodeUnit> {
    let graph = &model.graph;
    let target_id = target.id();
    let mut specs: HashMap<&str, Option<&'static OpSpec>, FxBuild> = HashMap::default();
    graph
        .nodes
        .iter()
        .map(|node| {
            let spec = *specs
                .entry(node.op_type.as_str())
                .or_insert_with(|| knowledge::lookup(model.format, &node.op_type));
            let (unit, reason) = match spec {
                Some(spec) => predict(spec, node, graph, model.format, target_id),
                None => (ExecUnit::Vector, UnitReason::UnknownOp),
            };
            let mut assigned = NodeUnit {
                unit,
                source: UnitSource::Predicted,
                reason,
                predicted: unit,
                spec,
            };
            if let Some(engine) = kernel_lib(node) {
                // The row's own AI Core unit says whether the AI Core library means Cube or
                // Vector, even when a dtype check predicted the AI CPU.
                let refine = spec
                    .map(|spec| spec.unit_on(target_id))
                    .filter(|unit| unit.is_ai_core())
                    .unwrap_or(assigned.unit);
                if let Some(unit) = unit_of_engine(engine, refine) {
                    assigned.unit = unit;
                    assigned.source = UnitSource::Graph;
                    assigned.reason = UnitReason::GraphAttr {
                        engine: engine.to_string(),
                    };
                }
            }
            assigned
        })
        .collect()
}

/// The kernel library a GE node records, under either attribute name.
fn kernel_lib(node: &Node) -> Option<&str> {
    [KERNEL_LIB_ATTR, LX_KERNEL_LIB_ATTR]
        .into_iter()
        .find_map(|name| node.attr(name).and_then(AttrValue::as_str))
}

/// The unit of `spec` for `node` on `target`, with the first constraint the node breaks.
fn predict(
    spec: &'static OpSpec,
    node: &Node,
    graph: &Graph,
    format: ModelFormat,
    target: TargetId,
) -> (ExecUnit, UnitReason) {
    let canonical = spec.canonical;
    let unit = spec.unit_on(target);
    if !unit.is_ai_core() {
        return (unit, UnitReason::Table { canonical });
    }
    let (inputs_ok, outputs_ok) = spec.dtypes_for(target);
    let input_dtypes = node.inputs.iter().flatten().map(|&id| dtype_of(graph, id));
    if let Some(dtype) = input_dtypes.into_iter().find(|&d| !inputs_ok.allows(d)) {
        return dtype_fallback(canonical, dtype);
    }
    let output_dtypes = node
        .outputs
        .iter()
        .map(|&id| dtype_of(graph, id))
        .chain(target_dtype_attr(node, format));
    if let Some(dtype) = output_dtypes.into_iter().find(|&d| !outputs_ok.allows(d)) {
        return dtype_fallback(canonical, dtype);
    }
    for constraint in spec.constraints {
        match *constraint {
            Constraint::AttrStrNotIn { attr, values } => {
                if let Some(value) = node.attr(attr).and_then(AttrValue::as_str) {
                    if values.iter().any(|v| v.eq_ignore_ascii_case(value)) {
                        return attr_fallback(canonical, attr, value.to_string());
                    }
                }
            }
            Constraint::AttrIntNotIn { attr, values } => {
                if let Some(value) = node.attr(attr).and_then(AttrValue::as_int) {
                    if values.contains(&value) {
                        return attr_fallback(canonical, attr, value.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    for constraint in spec.constraints {
        match *constraint {
            Constraint::StaticShape { fallback } if has_dynamic_dims(node, graph) => {
                return (fallback, UnitReason::DynamicShape { canonical });
            }
            Constraint::DataDependentShape if outputs_unknown(node, graph) => {
                return (unit, UnitReason::DynamicShape { canonical });
            }
            _ => {}
        }
    }
    (unit, UnitReason::Table { canonical })
}

fn dtype_fallback(canonical: &'static str, dtype: DType) -> (ExecUnit, UnitReason) {
    (
        ExecUnit::AiCpu,
        UnitReason::DtypeNotSupported {
            canonical,
            dtype: dtype.name().to_string(),
        },
    )
}

fn attr_fallback(canonical: &'static str, attr: &str, value: String) -> (ExecUnit, UnitReason) {
    (
        ExecUnit::AiCpu,
        UnitReason::AttrNotSupported {
            canonical,
            attr: attr.to_string(),
            value,
        },
    )
}

fn dtype_of(graph: &Graph, id: TensorId) -> DType {
    graph.tensors.get(id).map(|t| t.dtype).unwrap_or_default()
}

/// The dtype a Cast converts to, from its attribute: ONNX `to` (a `TensorProto` code), TF `DstT`
/// (a dtype), GE `dst_type` / `DstT` (`ge::DataType` numbers).
fn target_dtype_attr(node: &Node, format: ModelFormat) -> Option<DType> {
    ["to", "DstT", "dst_type"]
        .into_iter()
        .find_map(|name| match node.attr(name)? {
            AttrValue::DType(dtype) => Some(*dtype),
            AttrValue::Int(code) if format == ModelFormat::Onnx => {
                Some(DType::from_onnx_code(*code))
            }
            AttrValue::Int(code) => Some(DType::from_ge_code(*code)),
            _ => None,
        })
}

/// A dim the compiler cannot fix: unknown or named. A shape of unknown rank is no evidence
/// either way (shape inference may simply not know the op).
fn is_dynamic(shape: &Shape) -> bool {
    shape.0.iter().any(|dim| !matches!(dim, Dim::Known(_)))
}

fn has_dynamic_dims(node: &Node, graph: &Graph) -> bool {
    node.inputs
        .iter()
        .flatten()
        .chain(node.outputs.iter())
        .filter_map(|&id| graph.tensors.get(id))
        .filter_map(|tensor| tensor.shape.as_ref())
        .any(is_dynamic)
}

/// Whether an output of a data-dependent op has no static shape (unknown rank counts here: the
/// op's output size is never known before it runs).
fn outputs_unknown(node: &Node, graph: &Graph) -> bool {
    node.outputs
        .iter()
        .filter_map(|&id| graph.tensors.get(id))
        .any(|tensor| tensor.shape.as_ref().is_none_or(is_dynamic))
}

/// How a GE kernel library name maps to a unit: the first row whose text the name contains
/// (case-insensitive). `None` in the unit column means an AI Core library (the prediction says
/// Cube or Vector).
const ENGINES: &[(&str, Option<ExecUnit>)] = &[
    ("aicpu", Some(ExecUnit::AiCpu)),
    ("aicore", None),
    ("tbe", None),
    ("aiv", None),
    ("ffts", None),
    ("hccl", Some(ExecUnit::Communication)),
    ("dsa", Some(ExecUnit::Dsa)),
    ("dvpp", Some(ExecUnit::Dvpp)),
    ("ge_local", Some(ExecUnit::None)),
    ("rts", Some(ExecUnit::None)),
    ("host", Some(ExecUnit::None)),
];

/// The unit a GE kernel library name stands for; `predicted` refines the AI Core (cube or
/// vector).
pub fn unit_of_engine(engine: &str, predicted: ExecUnit) -> Option<ExecUnit> {
    let lower = engine.to_ascii_lowercase();
    let &(_, unit) = ENGINES.iter().find(|(text, _)| lower.contains(text))?;
    Some(unit.unwrap_or(if predicted.is_ai_core() {
        predicted
    } else {
        ExecUnit::Vector
    }))
}

/// The unit a measured task type stands for, given the unit assigned so far: the AI Core task
/// types keep a Cube / Vector prediction (the task type cannot tell them apart on chips without
/// separate vector cores), DMA and unknown task types say nothing about the op's kernel.
fn unit_of_task(raw: &str, current: ExecUnit) -> Option<ExecUnit> {
    match Unit::from_task_type(raw) {
        Unit::AiCpu => Some(ExecUnit::AiCpu),
        Unit::AiCore | Unit::AiVector if current.is_ai_core() => Some(current),
        Unit::AiCore | Unit::AiVector => Some(ExecUnit::Vector),
        Unit::Mix => Some(ExecUnit::Mix),
        Unit::Communication => Some(ExecUnit::Communication),
        Unit::Dma | Unit::Other => raw
            .to_ascii_uppercase()
            .contains("DSA")
            .then_some(ExecUnit::Dsa),
    }
}

/// Overrides predictions with the units a profile measured for the nodes it was joined to. An
/// op whose tasks ran on several units counts with the task type of most of its time.
pub fn apply_measured(units: &mut [NodeUnit], model: &Model, profile: &Profile, join: &Join) {
    if join.matched.is_empty() {
        return;
    }
    let mut time: HashMap<(Sym, Sym), f64, FxBuild> = HashMap::default();
    for task in &profile.tasks {
        *time.entry((task.name, task.task_type)).or_default() += task.duration_us;
    }
    let mut dominant: HashMap<Sym, (Sym, f64), FxBuild> = HashMap::default();
    for (&(name, task_type), &us) in &time {
        let best = dominant.entry(name).or_insert((task_type, us));
        if us > best.1 || (us == best.1 && profile.str(task_type) < profile.str(best.0)) {
            *best = (task_type, us);
        }
    }
    let node_index: HashMap<&str, usize, FxBuild> = model
        .graph
        .nodes
        .iter()
        .enumerate()
        .map(|(idx, node)| (node.name.as_str(), idx))
        .collect();
    for matched in &join.matched {
        let Some(&(task_type, _)) = profile
            .strings
            .find(&matched.op)
            .and_then(|name| dominant.get(&name))
        else {
            continue;
        };
        let raw = profile.str(task_type);
        for node in &matched.nodes {
            let Some(assigned) = node_index.get(node.as_str()).and_then(|&i| units.get_mut(i))
            else {
                continue;
            };
            if let Some(unit) = unit_of_task(raw, assigned.unit) {
                assigned.unit = unit;
                assigned.source = UnitSource::Measured;
                assigned.reason = UnitReason::Measured {
                    task_type: raw.to_string(),
                };
            }
        }
    }
}
