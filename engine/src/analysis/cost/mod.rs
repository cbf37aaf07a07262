//! The cost model: a time estimate per node for the target, so a model without a profile gets an
//! estimated profile (hotspots, unit chart, heat map) and every finding a gain in microseconds.
//!
//! The model, per kernel:
//! - work from the graph (`ops`, through `views` of its tensors): Cube MACs with C0 and tile padding, Vector element
//!   operations, bytes read and written (inputs, weights, outputs);
//! - time from the target (`rates`): compute at the unit's peak, bytes at the memory bandwidth,
//!   the larger of the two (roofline) plus a fixed launch cost per kernel;
//! - a UB fusion group (`fusion.groups`, kind `Ub`) is one kernel: its members' compute adds up,
//!   and only the bytes that cross the group's boundary go to DDR;
//! - an AI CPU op costs a task, its compute on the AI CPU cores and a copy of its data.
//!
//! Where it is crude: peak rates are assumed reachable (no pipeline stalls, no bank conflicts,
//! no L2 reuse between kernels; the 910B's 192 MB L2 makes its memory times pessimistic), the
//! Cube and Vector stages of a fused kernel are assumed not to overlap, Interp/Resize modes and
//! op-specific kernel quirks (the guide's Interp 175→350 case) are not modelled, control-flow
//! bodies are not costed, L2/L1 candidate groups are assumed to save nothing, and the format
//! conversions GE inserts around ops without 5HD support (`TransData`, `Cast`) are costed only
//! where the graph holds them (GE dumps, `.om`), not for framework models. [`calibrate`]
//! measures how far off each unit is when a profile exists.
//!
//! Invariants: one [`NodeCost`] per main-graph node; the per-node estimates add up to
//! [`CostModel::total_us`]; every kernel of [`CostModel::kernels`] is one task of the estimated
//! profile; estimates are never presented as measurements (the estimated profile's one source
//! is `SourceKind::Estimate`).

mod calibrate;
mod estimate_profile;
mod ops;
mod rates;
mod views;

use std::ops::Range;

use serde::Serialize;

use crate::ir::{DType, Graph, NodeId};
use crate::knowledge::ExecUnit;
use crate::profile::Join;
use crate::target::{Target, TargetId, TargetSpec};

use super::fusion::{Fusion, FusionKind};
use super::units::NodeUnit;

pub use calibrate::{calibrate, spearman};
pub use estimate_profile::estimated_profile;
pub use rates::{
    aicpu_compute_us, aicpu_copy_us, aicpu_us, cube_us, cube_us_on_cores, kernel_overhead_us,
    memory_us, scalar_us, vector_us, vector_us_bits, AICPU_COPY_FACTOR, AICPU_OPS_PER_US_PER_CORE,
    AICPU_TASK_US, SCALAR_OPS_PER_CYCLE, VECTOR_RATE_BITS,
};

use ops::{Channels, Counter, NodeWork};

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
    /// The MACs the op needs without padding: `macs - unpadded_macs` is Cube work spent on
    /// padding (channels not a multiple of C0, M/N not a multiple of the cube tile).
    pub unpadded_macs: u64,
    /// Element operations on the Vector.
    pub vector_ops: u64,
    /// Bytes moved to and from DDR (intermediates inside a fused group excluded).
    pub bytes: u64,
    pub compute_us: f64,
    pub memory_us: f64,
    /// Fixed costs in `estimated_us`: the kernel launch (carried by a fused group's head), or
    /// the AI CPU task.
    pub overhead_us: f64,
    /// The estimate: the larger of compute and memory time (roofline), plus fixed costs. In a
    /// fused group, the node's share of the group's kernel (by its own compute and memory time).
    pub estimated_us: f64,
    pub bound: Bound,
    /// The UB fusion group (index in `Fusion::groups`) whose kernel runs this node.
    pub group: Option<usize>,
}

impl NodeCost {
    const NONE: NodeCost = NodeCost {
        macs: 0,
        unpadded_macs: 0,
        vector_ops: 0,
        bytes: 0,
        compute_us: 0.0,
        memory_us: 0.0,
        overhead_us: 0.0,
        estimated_us: 0.0,
        bound: Bound::None,
        group: None,
    };

    /// Share of the Cube work spent on padding, 0 to 1 (0 without Cube work).
    pub fn padding_share(&self) -> f64 {
        if self.macs == 0 {
            0.0
        } else {
            1.0 - self.unpadded_macs.min(self.macs) as f64 / self.macs as f64
        }
    }
}

/// One kernel (one task of a run): a node, or a UB fusion group compiled into one kernel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kernel {
    /// The node the task is named after: the group's head (GE names a fused op after it).
    pub head: NodeId,
    /// The nodes of a fused kernel, head first, as a range of [`CostModel::fused_members`]; empty
    /// for a kernel of one node (one list for the whole graph instead of one allocation per
    /// kernel). [`CostModel::kernel_nodes`] gives both.
    pub fused_nodes: Range<usize>,
    pub unit: ExecUnit,
    pub estimated_us: f64,
    pub bound: Bound,
    /// Index in `Fusion::groups` for a fused kernel.
    pub group: Option<usize>,
}

/// The estimate of a graph.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CostModel {
    pub per_node: Vec<NodeCost>,
    pub total_us: f64,
    /// The kernels of a run, in node order of their heads; nodes without a kernel have none.
    pub kernels: Vec<Kernel>,
    /// The members of every fused kernel, one range per kernel (`Kernel::fused_nodes`).
    pub fused_members: Vec<NodeId>,
    /// What the estimate assumed about this graph (unknown dims counted as 1, unknown ops, ...).
    pub notes: Vec<String>,
    pub target: TargetId,
    /// The target's figures as estimated with (the table row, adjusted by a profile's
    /// `info.json`); `None` only for a default-constructed model.
    #[serde(skip)]
    pub target_spec: Option<TargetSpec>,
}

impl CostModel {
    /// The nodes `kernel` runs, head first.
    pub fn kernel_nodes<'a>(&'a self, kernel: &'a Kernel) -> &'a [NodeId] {
        match self.fused_members.get(kernel.fused_nodes.clone()) {
            Some(nodes) if !nodes.is_empty() => nodes,
            _ => std::slice::from_ref(&kernel.head),
        }
    }

    /// Estimated time and node count per unit, in `ExecUnit::ALL` order, units without nodes
    /// left out.
    pub fn unit_totals(&self, units: &[NodeUnit]) -> Vec<(ExecUnit, usize, f64)> {
        let mut totals = [(0usize, 0.0f64); ExecUnit::ALL.len()];
        for (node_id, cost) in self.per_node.iter().enumerate() {
            let unit = units
                .get(node_id)
                .map(|u| u.unit)
                .unwrap_or(ExecUnit::Vector);
            if let Some(slot) = ExecUnit::ALL.iter().position(|u| *u == unit) {
                totals[slot].0 += 1;
                totals[slot].1 += cost.estimated_us;
            }
        }
        ExecUnit::ALL
            .into_iter()
            .zip(totals)
            .filter(|(_, (nodes, _))| *nodes > 0)
            .map(|(unit, (nodes, us))| (unit, nodes, us))
            .collect()
    }
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
    /// What could not be fitted (a unit measured but estimated at zero) and how items were
    /// formed.
    pub notes: Vec<String>,
}

impl Calibration {
    /// The factor of `unit`, 1 when none was fitted: scales an estimate (a finding's gain) of an
    /// op on that unit to what the profile suggests it really takes.
    pub fn factor(&self, unit: ExecUnit) -> f64 {
        self.factors
            .iter()
            .find(|f| f.unit == unit.id())
            .map(|f| f.factor)
            .filter(|f| f.is_finite() && *f > 0.0)
            .unwrap_or(1.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitCalibration {
    pub unit: &'static str,
    pub factor: f64,
    pub predicted_us: f64,
    pub measured_us: f64,
    pub nodes: usize,
    /// Spearman rank correlation within the unit (`None` below two items).
    pub rank_correlation: Option<f64>,
}

/// How long a node's work takes on a unit.
struct Timing {
    compute_us: f64,
    memory_us: f64,
    overhead_us: f64,
}

impl Timing {
    fn estimated_us(&self, unit: ExecUnit) -> f64 {
        match unit {
            ExecUnit::None => 0.0,
            // The AI CPU's copy happens before and after its compute, not beside it.
            ExecUnit::AiCpu => self.compute_us + self.memory_us + self.overhead_us,
            _ => self.compute_us.max(self.memory_us) + self.overhead_us,
        }
    }
}

fn bound_of(unit: ExecUnit, compute_us: f64, memory_us: f64) -> Bound {
    match unit {
        ExecUnit::None => Bound::None,
        ExecUnit::AiCpu => Bound::AiCpu,
        _ if compute_us > memory_us => Bound::Compute,
        _ => Bound::Memory,
    }
}

/// The compute part of `work` on `unit` (fixed costs and memory apart).
fn compute_us(target: &Target, unit: ExecUnit, work: &NodeWork) -> f64 {
    match unit {
        ExecUnit::Cube | ExecUnit::Mix => {
            cube_us_on_cores(target, work.macs, work.int8, work.cube_tiles.max(1))
                + vector_us_bits(target, work.vector_ops, work.vector_bits)
        }
        ExecUnit::Vector => vector_us_bits(target, work.element_ops(), work.vector_bits),
        ExecUnit::Scalar => scalar_us(target, work.element_ops()),
        ExecUnit::AiCpu => aicpu_compute_us(target, work.element_ops()),
        ExecUnit::Dvpp | ExecUnit::Communication | ExecUnit::Dsa | ExecUnit::None => 0.0,
    }
}

fn timing(target: &Target, unit: ExecUnit, work: &NodeWork, bytes: u64) -> Timing {
    match unit {
        ExecUnit::None => Timing {
            compute_us: 0.0,
            memory_us: 0.0,
            overhead_us: 0.0,
        },
        ExecUnit::AiCpu => Timing {
            compute_us: compute_us(target, unit, work),
            memory_us: aicpu_copy_us(target, bytes),
            overhead_us: AICPU_TASK_US,
        },
        _ => Timing {
            compute_us: compute_us(target, unit, work),
            memory_us: memory_us(target, bytes),
            overhead_us: kernel_overhead_us(target),
        },
    }
}

fn node_cost(target: &Target, unit: ExecUnit, work: &NodeWork) -> NodeCost {
    let bytes = work.bytes();
    let timing = timing(target, unit, work, bytes);
    if unit == ExecUnit::None {
        return NodeCost::NONE;
    }
    NodeCost {
        macs: work.macs,
        unpadded_macs: work.unpadded_macs,
        vector_ops: work.vector_ops,
        bytes,
        compute_us: timing.compute_us,
        memory_us: timing.memory_us,
        overhead_us: timing.overhead_us,
        estimated_us: timing.estimated_us(unit),
        bound: bound_of(unit, timing.compute_us, timing.memory_us),
        group: None,
    }
}

/// What the notes count.
#[derive(Default)]
struct Tally {
    symbolic: usize,
    shapeless: usize,
    unknown_ops: usize,
    float32_on_core: usize,
    ai_cpu: usize,
    fused_groups: usize,
    saved_bytes: u64,
}

/// Estimates every node of the main graph on `target`.
pub fn estimate(graph: &Graph, units: &[NodeUnit], fusion: &Fusion, target: &Target) -> CostModel {
    let counter = Counter::with_sizes(graph, units, target);
    let n_nodes = graph.nodes.len();
    let fused = fused_kernels(&counter, fusion);
    let is_output = graph_outputs(graph, !fused.groups.is_empty());
    let mut tally = Tally::default();
    let mut per_node = Vec::with_capacity(n_nodes);
    // What each fused node brings to its kernel, at its place in `fused.members`, taken while
    // its tensors are at hand.
    let mut parts = vec![MemberPart::NONE; fused.members.len()];
    for (node_id, node) in graph.nodes.iter().enumerate() {
        let unit = counter.unit(node_id);
        let work = counter.count(node_id, unit, None);
        if unit != ExecUnit::None {
            tally.symbolic += usize::from(work.symbolic);
            tally.shapeless += usize::from(work.shapeless);
            tally.unknown_ops += usize::from(counter.spec(node_id).is_none());
            tally.ai_cpu += usize::from(unit == ExecUnit::AiCpu);
            let float32 = node
                .outputs
                .iter()
                .filter_map(|&id| graph.tensors.get(id))
                .any(|t| t.dtype == DType::F32);
            tally.float32_on_core += usize::from(unit.is_ai_core() && float32);
        }
        let cost = node_cost(target, unit, &work);
        if let Some(slot) = fused.of_node[node_id] {
            let boundary = boundary_bytes(graph, node_id, slot.group, &work, &fused, &is_output);
            if let Some(part) = parts.get_mut(slot.position) {
                *part = MemberPart {
                    cost,
                    boundary,
                    compute_us: compute_us(target, unit, &work),
                };
            }
        }
        per_node.push(cost);
    }
    let mut kernels = Vec::with_capacity(n_nodes);
    cost_fused_groups(
        &counter,
        &fused,
        &parts,
        &mut per_node,
        &mut kernels,
        &mut tally,
    );
    for (node_id, cost) in per_node.iter().enumerate() {
        let unit = counter.unit(node_id);
        if unit == ExecUnit::None || fused.of_node[node_id].is_some() {
            continue;
        }
        kernels.push(Kernel {
            head: node_id,
            fused_nodes: 0..0,
            unit,
            estimated_us: cost.estimated_us,
            bound: cost.bound,
            group: None,
        });
    }
    kernels.sort_by_key(|k| k.head);
    let total_us = per_node.iter().map(|c| c.estimated_us).sum();
    CostModel {
        per_node,
        total_us,
        kernels,
        fused_members: fused.members,
        notes: notes(graph, &tally),
        target: target.id(),
        target_spec: Some(target.spec),
    }
}

/// What a fused node brings to its group's kernel.
#[derive(Clone, Copy)]
struct MemberPart {
    /// Its standalone cost (work counts).
    cost: NodeCost,
    /// Bytes it moves across the group's boundary.
    boundary: u64,
    compute_us: f64,
}

impl MemberPart {
    const NONE: MemberPart = MemberPart {
        cost: NodeCost::NONE,
        boundary: 0,
        compute_us: 0.0,
    };
}

/// Per tensor, whether it is a graph output (written whatever reads it); empty when no group
/// needs it.
fn graph_outputs(graph: &Graph, needed: bool) -> Vec<bool> {
    if !needed {
        return Vec::new();
    }
    let mut flags = vec![false; graph.tensors.len()];
    for &id in &graph.outputs {
        if let Some(flag) = flags.get_mut(id) {
            *flag = true;
        }
    }
    flags
}

/// The bytes a member of `group` reads from outside the group and writes for outside it (or as
/// a graph output): its intermediates stay in the Unified Buffer.
fn boundary_bytes(
    graph: &Graph,
    node_id: NodeId,
    group: usize,
    work: &NodeWork,
    fused: &FusedKernels,
    is_output: &[bool],
) -> u64 {
    let Some(node) = graph.nodes.get(node_id) else {
        return 0;
    };
    let in_group = |id: NodeId| fused.group_of(id) == Some(group);
    let mut boundary = 0u64;
    for (slot, id) in node.inputs.iter().enumerate() {
        let inside = id
            .and_then(|id| graph.tensors.get(id))
            .and_then(|t| t.producer)
            .is_some_and(in_group);
        if !inside {
            boundary = boundary.saturating_add(work.input_bytes.get(slot).unwrap_or(0));
        }
    }
    for (idx, &id) in node.outputs.iter().enumerate() {
        let inside = graph.tensors.get(id).is_some_and(|t| {
            !t.consumers.is_empty()
                && t.consumers.iter().all(|&c| in_group(c))
                && !is_output.get(id).copied().unwrap_or(false)
        });
        if !inside {
            boundary = boundary.saturating_add(work.output_bytes.get(idx).unwrap_or(0));
        }
    }
    boundary
}

/// Where a fused node sits.
#[derive(Debug, Clone, Copy)]
struct MemberSlot {
    /// Its group's index in `Fusion::groups`.
    group: usize,
    /// Its place in [`FusedKernels::members`].
    position: usize,
}

/// The UB groups that run as one kernel, their members in one list (no allocation per group).
struct FusedKernels {
    /// Per fused kernel: its group's index in `Fusion::groups` and its range of `members`.
    groups: Vec<(usize, Range<usize>)>,
    /// The members of every fused kernel, head first per kernel.
    members: Vec<NodeId>,
    /// Per node: where it sits, for fused nodes.
    of_node: Vec<Option<MemberSlot>>,
}

impl FusedKernels {
    fn group_of(&self, node: NodeId) -> Option<usize> {
        self.of_node.get(node).copied().flatten().map(|s| s.group)
    }
}

/// The UB groups that run as one kernel, and the group of each node. A member must be an AI
/// Core op in no earlier group; a group left with fewer than two members is not a fused kernel.
fn fused_kernels(counter: &Counter, fusion: &Fusion) -> FusedKernels {
    let n_nodes = counter.graph.nodes.len();
    let mut fused = FusedKernels {
        groups: Vec::new(),
        members: Vec::new(),
        of_node: vec![None; n_nodes],
    };
    let ub_groups = fusion
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.kind == FusionKind::Ub);
    for (group_idx, group) in ub_groups {
        let start = fused.members.len();
        for &node_id in &group.nodes {
            let usable = node_id < n_nodes
                && counter.unit(node_id).is_ai_core()
                && fused.of_node[node_id].is_none()
                && !fused.members[start..].contains(&node_id);
            if usable {
                fused.members.push(node_id);
            }
        }
        if fused.members.len() - start < 2 {
            fused.members.truncate(start);
            continue;
        }
        for position in start..fused.members.len() {
            let node_id = fused.members[position];
            fused.of_node[node_id] = Some(MemberSlot {
                group: group_idx,
                position,
            });
        }
        fused.groups.push((group_idx, start..fused.members.len()));
    }
    fused
}

/// Costs each fused group as one kernel: compute adds up, only bytes crossing the group's
/// boundary move, one launch carried by the head. `parts` is aligned with `fused.members`.
fn cost_fused_groups(
    counter: &Counter,
    fused: &FusedKernels,
    parts: &[MemberPart],
    per_node: &mut [NodeCost],
    kernels: &mut Vec<Kernel>,
    tally: &mut Tally,
) {
    let target = counter.target;
    let overhead = kernel_overhead_us(target);
    let mut own: Vec<f64> = Vec::new();
    for (group_idx, range) in &fused.groups {
        let (Some(nodes), Some(parts)) =
            (fused.members.get(range.clone()), parts.get(range.clone()))
        else {
            continue;
        };
        let Some(&head) = nodes.first() else {
            continue;
        };
        let compute: f64 = parts.iter().map(|p| p.compute_us).sum();
        let bytes = parts
            .iter()
            .fold(0u64, |acc, p| acc.saturating_add(p.boundary));
        for part in parts {
            tally.saved_bytes = tally
                .saved_bytes
                .saturating_add(part.cost.bytes.saturating_sub(part.boundary));
        }
        let memory = memory_us(target, bytes);
        let body = compute.max(memory);
        let head_unit = counter.unit(head);
        let bound = bound_of(head_unit, compute, memory);
        own.clear();
        own.extend(
            parts
                .iter()
                .map(|p| p.compute_us + memory_us(target, p.boundary)),
        );
        let own_total: f64 = own.iter().sum();
        for (idx, (&node_id, part)) in nodes.iter().zip(parts).enumerate() {
            let is_head = idx == 0;
            let share = if own_total > 0.0 {
                own[idx] / own_total
            } else if is_head {
                1.0
            } else {
                0.0
            };
            let overhead_us = if is_head { overhead } else { 0.0 };
            if let Some(slot) = per_node.get_mut(node_id) {
                *slot = NodeCost {
                    bytes: part.boundary,
                    compute_us: part.compute_us,
                    memory_us: memory_us(target, part.boundary),
                    overhead_us,
                    estimated_us: body * share + overhead_us,
                    bound,
                    group: Some(*group_idx),
                    ..part.cost
                };
            }
        }
        tally.fused_groups += 1;
        kernels.push(Kernel {
            head,
            fused_nodes: range.clone(),
            unit: head_unit,
            estimated_us: body + overhead,
            bound,
            group: Some(*group_idx),
        });
    }
}

fn notes(graph: &Graph, tally: &Tally) -> Vec<String> {
    let mut notes = Vec::new();
    if tally.symbolic > 0 {
        notes.push(format!(
            "{} nodes have unknown dims (a symbolic batch, `?`); each unknown dim was counted as 1",
            tally.symbolic
        ));
    }
    if tally.shapeless > 0 {
        notes.push(format!(
            "{} nodes have tensors without a shape; only what is known of their work, and their fixed costs, are counted",
            tally.shapeless
        ));
    }
    if tally.unknown_ops > 0 {
        notes.push(format!(
            "{} nodes have op types the knowledge base does not know; each was costed as one vector operation per output element",
            tally.unknown_ops
        ));
    }
    if tally.float32_on_core > 0 {
        notes.push(format!(
            "{} AI Core nodes have float32 tensors, counted as float16: ATC's default precision mode is force_fp16",
            tally.float32_on_core
        ));
    }
    if tally.ai_cpu > 0 {
        notes.push(format!(
            "{} nodes run on the AI CPU: each costs a task of {AICPU_TASK_US} µs, its compute on the AI CPU cores and a copy of its data",
            tally.ai_cpu
        ));
    }
    if tally.fused_groups > 0 {
        notes.push(format!(
            "{} UB fusion groups were costed as one kernel each, without their intermediate DDR traffic ({} bytes)",
            tally.fused_groups, tally.saved_bytes
        ));
    }
    let bodies = graph.subgraphs.len();
    if bodies > 0 {
        notes.push(format!(
            "{bodies} control-flow bodies (subgraphs) are not costed; only their owners' tasks are"
        ));
    }
    notes
}

/// Standalone costs of single nodes under changed assumptions (another unit, other channel
/// counts), for the gains of findings. Build it once per graph and reuse it: it keeps the
/// graph-wide facts (the channels-last default) that counting each node needs.
pub struct Costing<'a> {
    counter: Counter<'a>,
}

impl<'a> Costing<'a> {
    pub fn new(graph: &'a Graph, units: &'a [NodeUnit], target: &'a Target) -> Costing<'a> {
        Costing {
            counter: Counter::new(graph, units, target),
        }
    }

    /// The standalone cost of `node` (not fused) as if it ran on `unit`: e.g. an AI CPU op on
    /// the Vector. Zero cost for a node id that is not in the graph.
    pub fn as_unit(&self, node: NodeId, unit: ExecUnit) -> NodeCost {
        if node >= self.counter.graph.nodes.len() {
            return NodeCost::NONE;
        }
        node_cost(
            self.counter.target,
            unit,
            &self.counter.count(node, unit, None),
        )
    }

    /// The AI Core unit a node would run on without its AI CPU fallback: the knowledge base's
    /// unit when that is an AI Core unit, else the Cube for ops with MACs and the Vector for the
    /// rest.
    pub fn ai_core_unit(&self, node: NodeId) -> ExecUnit {
        let target = self.counter.target;
        match self
            .counter
            .spec(node)
            .map(|spec| spec.unit_on(target.id()))
        {
            Some(unit) if unit.is_ai_core() => unit,
            _ => {
                let work = self.counter.count(node, ExecUnit::Vector, None);
                if work.unpadded_macs > 0 {
                    ExecUnit::Cube
                } else {
                    ExecUnit::Vector
                }
            }
        }
    }

    /// The standalone cost of `node` on the AI Core ([`Costing::ai_core_unit`]): what an op
    /// falling back to the AI CPU would cost once replaced (`aicpu-replaceable` gains: its
    /// estimate minus this).
    pub fn on_ai_core(&self, node: NodeId) -> NodeCost {
        self.as_unit(node, self.ai_core_unit(node))
    }

    /// The standalone cost of a Cube op (convolution family: input and output channels; MatMul:
    /// K and N) with other channel counts, on its own unit: `channel-alignment` gains compare it
    /// with the node's cost at its own counts. `None` for ops without Cube work or whose shapes
    /// do not allow counting.
    pub fn with_channels(
        &self,
        node: NodeId,
        in_channels: u64,
        out_channels: u64,
    ) -> Option<NodeCost> {
        let unit = self.counter.unit(node);
        let channels = Channels {
            input: in_channels,
            output: out_channels,
        };
        let work = self.counter.count(node, unit, Some(channels));
        (work.unpadded_macs > 0).then(|| node_cost(self.counter.target, unit, &work))
    }
}

/// [`Costing::as_unit`] for one node (builds the graph-wide facts each call: use a [`Costing`]
/// for many nodes).
pub fn node_cost_as(
    graph: &Graph,
    units: &[NodeUnit],
    node: NodeId,
    unit: ExecUnit,
    target: &Target,
) -> NodeCost {
    Costing::new(graph, units, target).as_unit(node, unit)
}

/// [`Costing::ai_core_unit`] for one node.
pub fn ai_core_unit(graph: &Graph, units: &[NodeUnit], node: NodeId, target: &Target) -> ExecUnit {
    Costing::new(graph, units, target).ai_core_unit(node)
}

/// [`Costing::on_ai_core`] for one node.
pub fn node_cost_on_ai_core(
    graph: &Graph,
    units: &[NodeUnit],
    node: NodeId,
    target: &Target,
) -> NodeCost {
    Costing::new(graph, units, target).on_ai_core(node)
}

/// [`Costing::with_channels`] for one node.
pub fn node_cost_with_channels(
    graph: &Graph,
    units: &[NodeUnit],
    node: NodeId,
    target: &Target,
    in_channels: u64,
    out_channels: u64,
) -> Option<NodeCost> {
    Costing::new(graph, units, target).with_channels(node, in_channels, out_channels)
}

/// `channels` rounded up to C0 for elements of `bits` bits: the count the Cube computes with.
pub fn padded_channels(target: &Target, channels: u64, bits: u64) -> u64 {
    let c0 = target.c0_for_bits(bits).max(1);
    channels.div_ceil(c0).saturating_mul(c0)
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
