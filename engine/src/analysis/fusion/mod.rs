//! The fusion engine: simulates on the graph what GE's fusion passes would do for a target and a
//! CANN release, so a person without the board sees which ops will run as one kernel, and why a
//! chain that almost fused did not.
//!
//! The stages, one file each: [`facts`] (per-node facts from the knowledge base and the graph),
//! [`patterns`] (the pattern table), `simulate` (chains, groups, near misses), `buffer` (L2 and
//! L1 candidates), [`compare`] (simulated against real groups), `text` (the words of near
//! misses).
//!
//! Invariants:
//! - Patterns are data rows (name, head class, member classes, limits, CANN versions), not code
//!   per pattern.
//! - A node is in at most one UB group; L2/L1 candidate groups may overlap UB groups.
//! - Group and near-miss node lists index the main graph and are in data-flow order, head first.
//! - Deterministic and linear in the graph for bounded chains; any graph (cycles, self-loops,
//!   dangling ids, empty) is simulated without panicking.

mod buffer;
pub mod compare;
pub mod facts;
pub mod patterns;
mod simulate;
#[cfg(test)]
mod tests;
mod text;

use serde::Serialize;

use crate::ir::{Graph, Model, ModelFormat, NodeId};
use crate::profile::Profile;
use crate::target::Target;

use super::units::NodeUnit;
use super::CannVersion;

pub use compare::{
    compare_with_compiled, compare_with_real, real_groups, RealGroup, ORIGINAL_NAMES_ATTR,
};

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

/// A simulated fusion group. `Ub` groups are the ops that compile into one kernel: UB fusion,
/// and graph-fusion folds (Conv + BatchNorm) that UB fusion then extends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FusionGroup {
    pub kind: FusionKind,
    /// The pattern as CANN names it where known (`TbeConvElemwiseFusionPass`); for a group that
    /// only graph fusion formed, that pass (`ConvBatchnormFusionPass`); for L2/L1 candidates the
    /// ATC buffer optimisation (`l2_optimize`).
    pub pattern: &'static str,
    /// Member nodes, head first.
    pub nodes: Vec<NodeId>,
    /// DDR traffic the group saves: the intermediate tensors written and read back.
    pub ddr_bytes_saved: u64,
    /// Every pass that formed a UB group, graph-fusion pre-passes first, then the UB pattern
    /// (empty for L2/L1 candidates).
    pub passes: Passes,
    /// For L2/L1 candidates: into how many batch slices the largest intermediate must be split
    /// to fit the buffer (the guide's "batch 8 runs as 4 tasks of batch 2"); 1 when it fits
    /// whole, 0 for UB groups.
    pub batch_slices: u32,
}

impl FusionGroup {
    /// A group formed by one pattern (for callers building groups by hand, e.g. in tests).
    pub fn new(
        kind: FusionKind,
        pattern: &'static str,
        nodes: Vec<NodeId>,
        ddr_bytes_saved: u64,
    ) -> FusionGroup {
        FusionGroup {
            kind,
            pattern,
            nodes,
            ddr_bytes_saved,
            passes: Passes::of(pattern),
            batch_slices: 0,
        }
    }
}

/// The passes that formed a group, kept inline: a chain meets few passes (the graph pre-passes
/// and one UB pattern), and a list per group would be one allocation per group on graphs with
/// tens of thousands of groups. Serialised as a list of names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Passes {
    names: [&'static str; Passes::CAPACITY],
    len: u8,
}

impl Passes {
    /// More than any chain meets: the pattern table has a handful of graph pre-passes.
    pub const CAPACITY: usize = 8;

    pub fn of(name: &'static str) -> Passes {
        let mut passes = Passes::default();
        passes.push(name);
        passes
    }

    /// Adds a pass; beyond [`Passes::CAPACITY`] the name is dropped (the group still forms).
    pub fn push(&mut self, name: &'static str) {
        if let Some(slot) = self.names.get_mut(usize::from(self.len)) {
            *slot = name;
            self.len += 1;
        }
    }

    pub fn as_slice(&self) -> &[&'static str] {
        &self.names[..usize::from(self.len).min(Passes::CAPACITY)]
    }
}

impl std::ops::Deref for Passes {
    type Target = [&'static str];

    fn deref(&self) -> &[&'static str] {
        self.as_slice()
    }
}

impl Serialize for Passes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice())
    }
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
    /// DDR traffic the fusion would save, bytes (beyond what the group formed saves).
    pub ddr_bytes_saved: u64,
    /// The pattern's limit, for `TooManyElementwise` (as the pattern's documents count it).
    pub limit: Option<u32>,
    /// How many the chain had, for `TooManyElementwise`.
    pub found: Option<u32>,
    /// Readers outside the chain, for `OutsideConsumer` (empty: the graph's output).
    pub outside: Vec<NodeId>,
    /// Kernel launches the fusion would save: separate kernels among `nodes` now, minus one (or
    /// the format conversions a rewrite removes).
    pub kernels_merged: u32,
    /// Where the pattern's facts come from and what is uncertain about them.
    pub source: &'static str,
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
    /// Reserved: the simulation does not report it, since a second reduce simply heads a group
    /// of its own and there is nothing to change.
    TooManyReduces,
    /// An element-wise op left without an op to fuse into behind a producer without a fusion
    /// pattern or 5HD support (the tuning guide's MirrorPad → Mul).
    NoFusionHead,
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
            NearMissReason::NoFusionHead => "no_fusion_head",
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
    /// Share of real groups found exactly, 0 to 1, over the real groups with at least one op
    /// in the model (1 when there are none and the simulation fused nothing either).
    pub agreement: f64,
    /// Real groups the simulation missed or got partly, and simulated groups with no real one.
    pub differences: Vec<FusionDifference>,
    /// Real groups none of whose original ops is in the model (another graph's names).
    pub real_groups_absent: usize,
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

/// What the caller knows that the graph does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FusionOptions {
    /// AIPP (image pre-processing, ATC `--insert_op_conf`) runs before the graph inputs: the
    /// first convolution can then take `TbeAippConvReluMaxpoolingFusion`.
    pub aipp: bool,
}

/// Simulates the fusion passes of `cann` for `target` on the main graph. Op facts come through
/// `units` (the knowledge base's rows, with measured units applied), so `format` is not needed.
pub fn simulate(
    graph: &Graph,
    format: ModelFormat,
    units: &[NodeUnit],
    target: &Target,
    cann: CannVersion,
) -> Fusion {
    simulate_with(graph, format, units, target, cann, FusionOptions::default())
}

/// [`simulate`] with options.
pub fn simulate_with(
    graph: &Graph,
    format: ModelFormat,
    units: &[NodeUnit],
    target: &Target,
    cann: CannVersion,
    options: FusionOptions,
) -> Fusion {
    let _ = format;
    let facts = facts::Facts::new(graph, units);
    let mut simulation = simulate::Simulation::new(&facts, target.id(), cann, options);
    simulation.run();
    let mut groups = std::mem::take(&mut simulation.groups);
    let candidates = buffer::candidates(&facts, &simulation.group_of, &groups, target);
    groups.extend(candidates);
    Fusion {
        groups,
        near_misses: std::mem::take(&mut simulation.near_misses),
        group_of: std::mem::take(&mut simulation.group_of),
    }
}

/// Compares the simulation with the real fused ops the model (GE dump, `.om`:
/// `_datadump_original_op_names`) or the profile (`fusion_op`) names; `None` when neither names
/// any. Meaningful when the simulated model is the pre-fusion graph and the real groups come
/// from its compiled form; on a compiled graph itself, each node stands for its original ops.
pub fn compare(model: &Model, profile: Option<&Profile>, fusion: &Fusion) -> Option<FusionCheck> {
    compare::compare(model, profile, fusion)
}
