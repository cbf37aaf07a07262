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
//! Cost: one knowledge lookup per distinct op type and one engine mapping per distinct kernel
//! library name (cached), then a pass over each node's tensors. No allocation per node beyond the
//! output vector: reasons borrow `'static` names (canonical ops, dtype names, the kernel
//! libraries and task types of [`KNOWN_LIBRARIES`] and [`KNOWN_TASK_TYPES`]); only a fallback by
//! attribute value or an engine or task type outside those tables keeps an owned string.

use std::borrow::Cow;
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
        dtype: &'static str,
    },
    /// An attribute value the AI Core kernel does not take.
    AttrNotSupported {
        canonical: &'static str,
        attr: &'static str,
        value: String,
    },
    /// Unknown dims where the AI Core kernel needs static shapes, or an output shape that
    /// depends on the input values.
    DynamicShape { canonical: &'static str },
    /// The op type is not in the knowledge base; assumed to run where most ops do.
    UnknownOp,
    /// The graph's kernel library attribute (borrowed from [`KNOWN_LIBRARIES`] when listed).
    GraphAttr { engine: Cow<'static, str> },
    /// The profile's task type (borrowed from [`KNOWN_TASK_TYPES`] when listed).
    Measured { task_type: Cow<'static, str> },
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
    // Kernel library names repeat on every node of a GE graph and a graph has a handful: a
    // short list beats hashing each node's name.
    let mut engines: Vec<(&str, Engine)> = Vec::new();
    graph
        .nodes
        .iter()
        .map(|node| {
            let op_type = node.op_type.as_str();
            let spec = match specs.get(op_type) {
                Some(&spec) => spec,
                None => *specs
                    .entry(op_type)
                    .or_insert_with(|| knowledge::lookup(model.format, op_type)),
            };
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
            let name = match model.format {
                ModelFormat::Ge => kernel_lib(node),
                _ => None,
            };
            let Some(name) = name else {
                return assigned;
            };
            let engine = match engines.iter().find(|(known, _)| *known == name) {
                Some((_, engine)) => engine.clone(),
                None => {
                    let engine = Engine::of(name);
                    engines.push((name, engine.clone()));
                    engine
                }
            };
            if let Some(library) = engine.unit {
                // The row's own AI Core unit says whether the AI Core library means Cube or
                // Vector, even when a dtype check predicted the AI CPU.
                let refine = spec
                    .map(|spec| spec.unit_on(target_id))
                    .filter(|unit| unit.is_ai_core())
                    .unwrap_or(assigned.unit);
                assigned.unit = library.unwrap_or(if refine.is_ai_core() {
                    refine
                } else {
                    ExecUnit::Vector
                });
                assigned.source = UnitSource::Graph;
                assigned.reason = UnitReason::GraphAttr {
                    engine: engine.name,
                };
            }
            assigned
        })
        .collect()
}

/// A kernel library name, mapped once per graph: its name for reasons and its unit.
#[derive(Clone)]
struct Engine {
    name: Cow<'static, str>,
    /// See [`engine_unit`].
    unit: Option<Option<ExecUnit>>,
}

impl Engine {
    fn of(name: &str) -> Engine {
        Engine {
            name: static_or_owned(KNOWN_LIBRARIES, name),
            unit: engine_unit(name),
        }
    }
}

/// Kernel library names as GE writes them (the ds-cnn dump, the 310 `.om` and its JSON in
/// `shared/samples/models/ge`; GE's engine names): a reason naming one borrows it from here.
/// Names not listed still map through [`ENGINES`].
pub const KNOWN_LIBRARIES: &[&str] = &[
    "AIcoreEngine",
    "aicpu_ascend_kernel",
    "aicpu_tf_kernel",
    "aicpu_kernel",
    "DNN_VM_GE_LOCAL_OP_STORE",
    "DNN_VM_RTS_OP_STORE",
    "DNN_VM_AICPU",
    "DNN_VM_HCCL",
];

/// Task types as profiles write them (op_summary `Task Type`, kernel_details `Accelerator Core`;
/// `shared/samples/profiling`): a measured reason borrows its task type from here.
pub const KNOWN_TASK_TYPES: &[&str] = &[
    "AI_CORE",
    "AI_VECTOR_CORE",
    "AI_CPU",
    "MIX_AIC",
    "MIX_AIV",
    "HCCL",
    "COMMUNICATION",
    "DSA_SQE",
    "SDMA_SQE",
];

/// `text` borrowed from `known` when listed there (exact spelling, so the JSON shows what the
/// file said), else owned.
fn static_or_owned(known: &'static [&'static str], text: &str) -> Cow<'static, str> {
    match known.iter().find(|&&k| k == text) {
        Some(&k) => Cow::Borrowed(k),
        None => Cow::Owned(text.to_string()),
    }
}

/// The kernel library a GE node records, under either attribute name (one pass over the
/// attributes).
fn kernel_lib(node: &Node) -> Option<&str> {
    node.attrs
        .iter()
        .find(|attr| attr.name == KERNEL_LIB_ATTR || attr.name == LX_KERNEL_LIB_ATTR)
        .and_then(|attr| attr.value.as_str())
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
    if !inputs_ok.is_any() {
        let mut dtypes = node.inputs.iter().flatten().map(|&id| dtype_of(graph, id));
        if let Some(dtype) = dtypes.find(|&d| !inputs_ok.allows(d)) {
            return dtype_fallback(canonical, dtype);
        }
    }
    // Only rows that restrict outputs (Cast) pay for this: the `to` / `DstT` / `dst_type`
    // attribute is the truth where a file's stated output type disagrees.
    if !outputs_ok.is_any() {
        let mut dtypes = node
            .outputs
            .iter()
            .map(|&id| dtype_of(graph, id))
            .chain(target_dtype_attr(node, format));
        if let Some(dtype) = dtypes.find(|&d| !outputs_ok.allows(d)) {
            return dtype_fallback(canonical, dtype);
        }
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
            Constraint::DataDependentOperands { inputs } if computed_shape(node, graph, inputs) => {
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
            dtype: dtype.name(),
        },
    )
}

fn attr_fallback(
    canonical: &'static str,
    attr: &'static str,
    value: String,
) -> (ExecUnit, UnitReason) {
    (
        ExecUnit::AiCpu,
        UnitReason::AttrNotSupported {
            canonical,
            attr,
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

/// Whether a node's output shape depends on input values: its row says so outright
/// (`DataDependentShape`: NonZero, Unique), or names operands that fix the shape
/// (`DataDependentOperands`: TopK's k) and one of them is computed at run time while an output
/// is left unknown. Dims that are merely symbolic come from dynamic input shapes, not values,
/// and do not count. For the rules (`dynamic-shape`) and the unit reasons.
pub fn is_data_dependent(spec: &OpSpec, node: &Node, graph: &Graph) -> bool {
    spec.constraints.iter().any(|constraint| match *constraint {
        Constraint::DataDependentShape => true,
        Constraint::DataDependentOperands { inputs } => computed_shape(node, graph, inputs),
        _ => false,
    })
}

/// Whether one of `operands` is a run-time value (neither a weight nor a constant that shape
/// inference could read) and an output has a dim nobody could work out.
fn computed_shape(node: &Node, graph: &Graph, operands: &[usize]) -> bool {
    let computed = operands.iter().any(|&slot| {
        let Some(tensor) = node
            .inputs
            .get(slot)
            .copied()
            .flatten()
            .and_then(|id| graph.tensors.get(id))
        else {
            return false;
        };
        !tensor.is_weight() && tensor.value.is_none()
    });
    computed
        && node
            .outputs
            .iter()
            .filter_map(|&id| graph.tensors.get(id))
            .any(|tensor| {
                tensor
                    .shape
                    .as_ref()
                    .is_none_or(|shape| shape.0.iter().any(|dim| matches!(dim, Dim::Unknown)))
            })
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

/// The [`ENGINES`] row of a kernel library name: `None` when no row matches, `Some(None)` for
/// an AI Core library.
fn engine_unit(engine: &str) -> Option<Option<ExecUnit>> {
    let lower = engine.to_ascii_lowercase();
    ENGINES
        .iter()
        .find(|(text, _)| lower.contains(text))
        .map(|&(_, unit)| unit)
}

/// The unit a GE kernel library name stands for; `predicted` refines the AI Core (cube or
/// vector).
pub fn unit_of_engine(engine: &str, predicted: ExecUnit) -> Option<ExecUnit> {
    Some(engine_unit(engine)?.unwrap_or(if predicted.is_ai_core() {
        predicted
    } else {
        ExecUnit::Vector
    }))
}

/// The unit a measured task type stands for, given the unit assigned so far: the AI Core task
/// types keep a Cube / Vector prediction (the task type cannot tell them apart on chips without
/// separate vector cores), DMA and unknown task types say nothing about the op's kernel.
fn unit_of_task(raw: &str, measured: Unit, current: ExecUnit) -> Option<ExecUnit> {
    match measured {
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
        let measured = Unit::from_task_type(raw);
        let task_type = static_or_owned(KNOWN_TASK_TYPES, raw);
        for node in &matched.nodes {
            let Some(assigned) = node_index
                .get(node.as_str())
                .and_then(|&i| units.get_mut(i))
            else {
                continue;
            };
            if let Some(unit) = unit_of_task(raw, measured, assigned.unit) {
                assigned.unit = unit;
                assigned.source = UnitSource::Measured;
                assigned.reason = UnitReason::Measured {
                    task_type: task_type.clone(),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{caffe, tensorflow};
    use crate::samples::{
        self, caffe_layer, CaffeInput, CaffeWriter, OnnxWriter, TfWeights, TfWriter,
    };
    use crate::{open_model, InputFile};

    fn open(name: &str, bytes: Vec<u8>) -> Model {
        open_model(&InputFile::new(name, bytes)).unwrap_or_else(|err| panic!("{err}"))
    }

    /// The unit and reason of the first node of `op_type`.
    fn unit_of(model: &Model, target: TargetId, op_type: &str) -> NodeUnit {
        let units = assign(model, &Target::new(target));
        assert_eq!(units.len(), model.graph.nodes.len());
        let idx = model
            .graph
            .nodes
            .iter()
            .position(|n| n.op_type == op_type)
            .unwrap_or_else(|| panic!("no {op_type} node"));
        units[idx].clone()
    }

    /// ONNX: `x → Pow(x, 2) → Cast(to = code)`, batch symbolic when `symbolic`, plus a Tile.
    fn onnx_model(cast_to: i64, symbolic: bool) -> Model {
        let storage = samples::WeightStorage::External {
            location: "w.bin".into(),
        };
        let mut w = OnnxWriter::new("units", storage);
        if symbolic {
            w = w.symbolic_batch("N");
        }
        let x = w.input("x", &[1, 16, 8, 8]);
        let two = w.float_scalar("two", 2.0);
        let shape = vec![1, 16, 8, 8];
        let y = w
            .node("Pow", &[&x, &two], std::slice::from_ref(&shape), vec![])
            .remove(0);
        let y = w
            .node("Cast", &[&y], &[shape], vec![samples::int("to", cast_to)])
            .remove(0);
        let reps = w.int64_constant("reps", &[1, 1, 2, 2]);
        let y = w
            .node("Tile", &[&y, &reps], &[vec![1, 16, 16, 16]], vec![])
            .remove(0);
        w.output(&y);
        open("units.onnx", w.finish())
    }

    const ONNX_FLOAT16: i64 = 10;
    const ONNX_DOUBLE: i64 = 11;

    #[test]
    fn onnx_pow_runs_on_the_ai_cpu_of_the_310_only() {
        let model = onnx_model(ONNX_FLOAT16, false);
        let on_310 = unit_of(&model, TargetId::Ascend310, "Pow");
        assert_eq!(on_310.unit, ExecUnit::AiCpu);
        assert_eq!(on_310.reason, UnitReason::Table { canonical: "Pow" });
        assert_eq!(on_310.source, UnitSource::Predicted);
        let on_910b = unit_of(&model, TargetId::Ascend910B, "Pow");
        assert_eq!(on_910b.unit, ExecUnit::Vector);
        let cast = unit_of(&model, TargetId::Ascend310, "Cast");
        assert_eq!(cast.unit, ExecUnit::Vector, "{cast:?}");
    }

    #[test]
    fn onnx_cast_to_float64_falls_back_by_dtype() {
        let model = onnx_model(ONNX_DOUBLE, false);
        let cast = unit_of(&model, TargetId::Ascend310, "Cast");
        assert_eq!(cast.unit, ExecUnit::AiCpu);
        assert_eq!(
            cast.reason,
            UnitReason::DtypeNotSupported {
                canonical: "Cast",
                dtype: "f64"
            }
        );
        assert!(cast.reason.describe(cast.unit).contains("f64"));
    }

    #[test]
    fn symbolic_dims_send_static_only_kernels_to_the_ai_cpu() {
        let dynamic = onnx_model(ONNX_FLOAT16, true);
        let tile = unit_of(&dynamic, TargetId::Ascend310, "Tile");
        assert_eq!(tile.unit, ExecUnit::AiCpu);
        assert_eq!(tile.reason, UnitReason::DynamicShape { canonical: "Tile" });
        let fixed = onnx_model(ONNX_FLOAT16, false);
        let tile = unit_of(&fixed, TargetId::Ascend310, "Tile");
        assert_eq!(tile.unit, ExecUnit::Vector);
        assert_eq!(tile.reason, UnitReason::Table { canonical: "Tile" });
    }

    #[test]
    fn tensorflow_pow_and_double_cast() {
        let mut w = TfWriter::new(TfWeights::Splat);
        let x = w.placeholder("x", &[1, 8, 8, 16]);
        let two = w.weight("two", &[]);
        let float = tensorflow::pb::AttrValue {
            value: Some(tensorflow::pb::attr_value::Value::Type(
                tensorflow::pb::DataType::DtFloat as i32,
            )),
        };
        let double = tensorflow::pb::AttrValue {
            value: Some(tensorflow::pb::attr_value::Value::Type(
                tensorflow::pb::DataType::DtDouble as i32,
            )),
        };
        let shape = vec![1, 8, 8, 16];
        let y = w.node(
            "Pow",
            "pow",
            &[&x, &two],
            vec![("T", float.clone())],
            std::slice::from_ref(&shape),
        );
        let y = w.node(
            "Cast",
            "cast",
            &[&y],
            vec![("SrcT", float), ("DstT", double)],
            &[shape],
        );
        let _ = y;
        let model = open("units.pbtxt", w.finish().text().into_bytes());
        let pow = unit_of(&model, TargetId::Ascend310, "Pow");
        assert_eq!(
            (pow.unit, pow.reason),
            (ExecUnit::AiCpu, UnitReason::Table { canonical: "Pow" })
        );
        let cast = unit_of(&model, TargetId::Ascend310, "Cast");
        assert_eq!(cast.unit, ExecUnit::AiCpu, "{cast:?}");
        assert!(matches!(
            cast.reason,
            UnitReason::DtypeNotSupported {
                canonical: "Cast",
                ..
            }
        ));
    }

    #[test]
    fn caffe_stochastic_pooling_and_unknown_layers() {
        let mut w = CaffeWriter::new("units");
        let x = w.input("data", &[1, 16, 8, 8], CaffeInput::Layer);
        let param = caffe::pb::PoolingParameter {
            pool: Some(caffe::pb::pooling_parameter::PoolMethod::Stochastic as i32),
            kernel_size: Some(2),
            stride: Some(2),
            ..Default::default()
        };
        let stochastic = caffe::pb::LayerParameter {
            pooling_param: Some(param),
            ..caffe_layer("pool", "Pooling", &[&x], &["pool"])
        };
        let y = w.layer(stochastic, vec![1, 16, 4, 4]);
        let y = w.layer(
            caffe_layer("odd", "MyLayer", &[&y], &["odd"]),
            vec![1, 16, 4, 4],
        );
        let y = w.layer(
            caffe_layer("power", "Power", &[&y], &["power"]),
            vec![1, 16, 4, 4],
        );
        let _ = y;
        let model = open("units.prototxt", w.prototxt().into_bytes());
        let pool = unit_of(&model, TargetId::Ascend310, "Pooling");
        assert_eq!(pool.unit, ExecUnit::AiCpu, "{pool:?}");
        assert_eq!(
            pool.reason,
            UnitReason::AttrNotSupported {
                canonical: "Pooling",
                attr: "pool",
                value: "STOCHASTIC".into()
            }
        );
        let odd = unit_of(&model, TargetId::Ascend310, "MyLayer");
        assert_eq!(
            (odd.unit, odd.reason, odd.spec),
            (ExecUnit::Vector, UnitReason::UnknownOp, None)
        );
        let power = unit_of(&model, TargetId::Ascend310, "Power");
        assert_eq!(power.reason, UnitReason::Table { canonical: "Power" });
        assert_eq!(power.unit, ExecUnit::Vector);
    }

    #[test]
    fn ge_kernel_library_overrides_the_prediction() {
        let model = open(
            "resnet50_atc.om",
            samples::ge_resnet50().to_om(&samples::OmOptions::atc()),
        );
        let arg_max = unit_of(&model, TargetId::Ascend310, "ArgMaxV2");
        assert_eq!(arg_max.unit, ExecUnit::AiCpu);
        assert_eq!(arg_max.source, UnitSource::Graph);
        assert_eq!(arg_max.predicted, ExecUnit::Vector);
        assert_eq!(
            arg_max.reason,
            UnitReason::GraphAttr {
                engine: "aicpu_ascend_kernel".into()
            }
        );
        // Known library names are borrowed, not copied per node; the JSON is the file's name.
        assert!(matches!(
            &arg_max.reason,
            UnitReason::GraphAttr {
                engine: Cow::Borrowed("aicpu_ascend_kernel")
            }
        ));
        assert_eq!(
            serde_json::to_string(&arg_max.reason).unwrap_or_default(),
            r#"{"kind":"graph_attr","engine":"aicpu_ascend_kernel"}"#
        );
        // AIcoreEngine on a convolution keeps the Cube.
        let conv = unit_of(&model, TargetId::Ascend310, "Conv2D");
        assert_eq!(
            (conv.unit, conv.source),
            (ExecUnit::Cube, UnitSource::Graph)
        );
        let data = unit_of(&model, TargetId::Ascend310, "Data");
        assert_eq!(data.unit, ExecUnit::None);
    }

    #[test]
    fn listed_names_are_borrowed_and_others_kept() {
        assert!(matches!(
            static_or_owned(KNOWN_LIBRARIES, "DNN_VM_GE_LOCAL_OP_STORE"),
            Cow::Borrowed("DNN_VM_GE_LOCAL_OP_STORE")
        ));
        let other = static_or_owned(KNOWN_LIBRARIES, "my_aicore_lib");
        assert!(matches!(&other, Cow::Owned(name) if name == "my_aicore_lib"));
        // An unlisted name still maps through the substring table.
        assert_eq!(Engine::of("my_aicore_lib").unit, Some(None));
        assert!(matches!(
            static_or_owned(KNOWN_TASK_TYPES, "AI_VECTOR_CORE"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn engines_map_by_table() {
        assert_eq!(
            unit_of_engine("AIcoreEngine", ExecUnit::Cube),
            Some(ExecUnit::Cube)
        );
        assert_eq!(
            unit_of_engine("AIcoreEngine", ExecUnit::AiCpu),
            Some(ExecUnit::Vector)
        );
        assert_eq!(
            unit_of_engine("aicpu_ascend_kernel", ExecUnit::Cube),
            Some(ExecUnit::AiCpu)
        );
        assert_eq!(
            unit_of_engine("DNN_VM_AICPU", ExecUnit::Vector),
            Some(ExecUnit::AiCpu)
        );
        assert_eq!(
            unit_of_engine("DNN_VM_GE_LOCAL_OP_STORE", ExecUnit::Vector),
            Some(ExecUnit::None)
        );
        assert_eq!(
            unit_of_engine("DNN_VM_RTS_OP_STORE", ExecUnit::Vector),
            Some(ExecUnit::None)
        );
        assert_eq!(
            unit_of_engine("DNN_VM_HCCL", ExecUnit::Vector),
            Some(ExecUnit::Communication)
        );
        assert_eq!(unit_of_engine("SomethingElse", ExecUnit::Vector), None);
    }

    #[test]
    fn measured_units_override_joined_nodes() {
        let model = onnx_model(ONNX_FLOAT16, false);
        let name_of = |op: &str| {
            model
                .graph
                .nodes
                .iter()
                .find(|n| n.op_type == op)
                .map(|n| n.name.clone())
                .unwrap_or_default()
        };
        let header = "Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us),Input Data Types,Output Data Types";
        let csv = format!(
            "{header}\n{},Pow,AI_CPU,1,30,FLOAT,FLOAT\n{},Cast,AI_VECTOR_CORE,40,5,FLOAT,FLOAT16\nunrelated,Relu,AI_CORE,50,5,FLOAT16,FLOAT16\n",
            name_of("Pow"),
            name_of("Cast")
        );
        let import = crate::profile::import_profile(&[InputFile::new(
            "op_summary_0_1.csv",
            csv.into_bytes(),
        )]);
        assert!(import.errors.is_empty(), "{:?}", import.errors);
        let join = crate::profile::join(&import.profile, &model);
        let mut units = assign(&model, &Target::new(TargetId::Ascend910B));
        apply_measured(&mut units, &model, &import.profile, &join);
        let at = |op: &str| {
            let idx = model
                .graph
                .nodes
                .iter()
                .position(|n| n.op_type == op)
                .unwrap_or(0);
            units[idx].clone()
        };
        let pow = at("Pow");
        assert_eq!(
            (pow.unit, pow.predicted, pow.source),
            (ExecUnit::AiCpu, ExecUnit::Vector, UnitSource::Measured)
        );
        assert!(matches!(
            pow.reason,
            UnitReason::Measured {
                task_type: Cow::Borrowed("AI_CPU")
            }
        ));
        let cast = at("Cast");
        assert_eq!(
            (cast.unit, cast.source),
            (ExecUnit::Vector, UnitSource::Measured)
        );
        let tile = at("Tile");
        assert_eq!(tile.source, UnitSource::Predicted);
    }

    /// ONNX `x → TopK(x, k)` with `k` a constant or a graph input, the outputs' shapes left for
    /// inference (as an exporter that cannot know them leaves them).
    fn onnx_top_k(k_is_input: bool) -> Model {
        use prost::Message;
        let storage = samples::WeightStorage::External {
            location: "w.bin".into(),
        };
        let mut w = OnnxWriter::new("top_k", storage);
        let x = w.input("x", &[1, 64]);
        let k = if k_is_input {
            w.input("k", &[1])
        } else {
            w.int64_constant("k", &[5])
        };
        let outputs = w.node("TopK", &[&x, &k], &[vec![1, 5], vec![1, 5]], vec![]);
        w.output(&outputs[0]);
        let mut proto = w.into_proto();
        if let Some(graph) = proto.graph.as_mut() {
            graph.value_info.clear();
            graph
                .output
                .iter_mut()
                .for_each(|value| value.r#type = None);
        }
        open("top_k.onnx", proto.encode_to_vec())
    }

    #[test]
    fn a_computed_top_k_is_data_dependent_and_a_constant_one_is_not() {
        for (k_is_input, dependent) in [(true, true), (false, false)] {
            let model = onnx_top_k(k_is_input);
            let idx = model
                .graph
                .nodes
                .iter()
                .position(|n| n.op_type == "TopK")
                .unwrap_or_else(|| panic!("no TopK"));
            let node = &model.graph.nodes[idx];
            let spec = knowledge::lookup(model.format, "TopK").expect("TopK row");
            assert_eq!(
                is_data_dependent(spec, node, &model.graph),
                dependent,
                "k from an input: {k_is_input}"
            );
            let unit = unit_of(&model, TargetId::Ascend310, "TopK");
            let reason = if dependent {
                UnitReason::DynamicShape {
                    canonical: "TopKV2",
                }
            } else {
                UnitReason::Table {
                    canonical: "TopKV2",
                }
            };
            assert_eq!(unit.reason, reason);
        }
        // NonZero is data-dependent whatever its inputs.
        let nonzero = knowledge::lookup_any("NonZero").expect("NonZero row");
        assert!(is_data_dependent(
            nonzero,
            &Node::default(),
            &Graph::default()
        ));
    }

    #[test]
    fn empty_and_odd_graphs_do_not_panic() {
        let model = Model {
            format: ModelFormat::Onnx,
            name: "empty".into(),
            metadata: Vec::new(),
            opsets: Vec::new(),
            graph: Graph::default(),
            functions: Vec::new(),
            warnings: Vec::new(),
        };
        assert!(assign(&model, &Target::default()).is_empty());
        let mut odd = model.clone();
        odd.graph.nodes.push(Node {
            name: "dangling".into(),
            op_type: "Tile".into(),
            inputs: vec![Some(99), None],
            outputs: vec![42],
            ..Default::default()
        });
        let units = assign(&odd, &Target::default());
        assert_eq!(units[0].unit, ExecUnit::Vector);
    }
}
