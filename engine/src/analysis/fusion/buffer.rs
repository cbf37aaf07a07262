//! L2- and L1-fusion candidates: kernels that stay separate but could pass their intermediate
//! through an on-chip buffer instead of DDR.
//!
//! This is deliberately crude; the facts it rests on are thin:
//! - The tuning guide names two L2 cases, a TBE AI Core op with a TBE AI Core op (a reduce op
//!   and a segment op) and a TBE op with a CCE op, and says multi-batch work is split to fit
//!   (ResNet-50 batch 8 runs as 4 tasks of batch 2). ATC's `--buffer_optimize=l2_optimize` (the
//!   default) turns L2 use on (`ascend.md` 4.2). We model it as: consecutive AI Core kernels
//!   (a UB group counts as one) where one kernel's single external output feeds exactly one next
//!   kernel and fits the target's L2 (`Target::l2_bytes`), whole or split by batch. Which pairs
//!   GE really keeps in L2 is not documented; these are candidates.
//! - L1 fusion keeps a fused sub-graph's intermediate in the AI Core's L1 (graph attribute
//!   `_L1_fusion_sub_graph_no`); `l1_optimize` is documented as currently ineffective
//!   (`ascend.md` 4.2). We take chains whose intermediate fits L1 (`Target::l1_bytes`, per core,
//!   compared with the whole tensor) and whose receiving kernel uses the Cube, which L1 feeds.
//!
//! Invariants: candidates may overlap UB groups (they list whole groups) but not each other
//! within one kind; every walk visits a kernel once.

use crate::ir::{NodeId, TensorId};
use crate::knowledge::{ExecUnit, FusionClass};
use crate::target::Target;

use super::facts::Facts;
use super::{FusionGroup, FusionKind, Passes};

/// The kernels of the graph: UB groups and single AI Core nodes, as ranges of one flat node list
/// (one allocation for all, whatever the graph's size).
struct Kernels {
    /// Kernel `k`'s nodes are `nodes[start[k]..start[k + 1]]`.
    start: Vec<u32>,
    nodes: Vec<NodeId>,
    uses_cube: Vec<bool>,
    head_class: Vec<FusionClass>,
    /// Per graph node: its kernel.
    of: Vec<Option<u32>>,
    /// Kernels in data-flow order of their first node.
    order: Vec<u32>,
}

impl Kernels {
    fn new(facts: &Facts, group_of: &[Option<usize>], ub_groups: &[FusionGroup]) -> Kernels {
        let n_nodes = facts.nodes.len();
        let mut kernels = Kernels {
            start: Vec::with_capacity(ub_groups.len() + n_nodes / 2),
            nodes: Vec::with_capacity(n_nodes),
            uses_cube: Vec::new(),
            head_class: Vec::new(),
            of: vec![None; n_nodes],
            order: Vec::new(),
        };
        for group in ub_groups {
            kernels.push(facts, &group.nodes);
        }
        for node_id in 0..n_nodes {
            let in_group = group_of.get(node_id).copied().flatten().is_some();
            let node = &facts.nodes[node_id];
            if !in_group && node.unit.is_ai_core() && node.class != FusionClass::NoKernel {
                kernels.push(facts, &[node_id]);
            }
        }
        kernels.start.push(kernels.nodes.len() as u32);
        let mut seen = vec![false; kernels.len()];
        for &node in &facts.order {
            if let Some(k) = kernels.of[node] {
                if !seen[k as usize] {
                    seen[k as usize] = true;
                    kernels.order.push(k);
                }
            }
        }
        kernels
    }

    fn push(&mut self, facts: &Facts, nodes: &[NodeId]) {
        let k = self.start.len() as u32;
        self.start.push(self.nodes.len() as u32);
        for &node in nodes {
            if let Some(slot) = self.of.get_mut(node) {
                *slot = Some(k);
            }
        }
        self.nodes.extend_from_slice(nodes);
        self.uses_cube
            .push(nodes.iter().any(|&n| facts.nodes[n].unit == ExecUnit::Cube));
        self.head_class.push(
            nodes
                .first()
                .map_or(FusionClass::Opaque, |&n| facts.nodes[n].class),
        );
    }

    fn len(&self) -> usize {
        self.uses_cube.len()
    }

    fn members(&self, k: u32) -> &[NodeId] {
        let k = k as usize;
        match (self.start.get(k), self.start.get(k + 1)) {
            (Some(&a), Some(&b)) => &self.nodes[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The one kernel that reads kernel `k`'s one external output, with that tensor.
    fn next(&self, facts: &Facts, k: u32) -> Option<(u32, TensorId)> {
        let mut external: Option<(u32, TensorId)> = None;
        for &node in self.members(k) {
            for &tensor in facts.used_outputs(node) {
                let readers = facts.readers(tensor);
                let graph_output = facts.is_graph_output(tensor);
                if !graph_output && readers.iter().all(|&r| self.of[r] == Some(k)) {
                    continue;
                }
                if external.is_some() || graph_output {
                    return None;
                }
                let first = self.of[*readers.first()?]?;
                if first == k || readers.iter().any(|&r| self.of[r] != Some(first)) {
                    return None;
                }
                external = Some((first, tensor));
            }
        }
        external
    }
}

/// Which buffer, with its capacity and pattern name.
struct Buffer {
    kind: FusionKind,
    bytes: u64,
    name: &'static str,
    /// Whether the kernel receiving the intermediate must use the Cube.
    into_cube: bool,
}

/// The L2 and L1 candidate groups, L2 first, each in data-flow order.
pub(super) fn candidates(
    facts: &Facts,
    group_of: &[Option<usize>],
    ub_groups: &[FusionGroup],
    target: &Target,
) -> Vec<FusionGroup> {
    let kernels = Kernels::new(facts, group_of, ub_groups);
    let buffers = [
        Buffer {
            kind: FusionKind::L2,
            bytes: target.spec.l2_bytes.count(),
            name: "l2_optimize",
            into_cube: false,
        },
        Buffer {
            kind: FusionKind::L1,
            bytes: target.spec.l1_bytes.count(),
            name: "l1_optimize",
            into_cube: true,
        },
    ];
    let mut out = Vec::new();
    let mut chain: Vec<u32> = Vec::new();
    let mut moved: Vec<(TensorId, u64)> = Vec::new();
    for buffer in &buffers {
        if buffer.bytes == 0 {
            continue;
        }
        let mut in_chain = vec![false; kernels.len()];
        for &start in &kernels.order {
            if in_chain[start as usize] {
                continue;
            }
            chain.clear();
            moved.clear();
            chain.push(start);
            in_chain[start as usize] = true;
            let mut current = start;
            while let Some((next, tensor)) = kernels.next(facts, current) {
                if in_chain[next as usize] {
                    break;
                }
                if buffer.into_cube && !kernels.uses_cube[next as usize] {
                    break;
                }
                let Some(tasks) = fits(facts, tensor, buffer.bytes) else {
                    break;
                };
                chain.push(next);
                in_chain[next as usize] = true;
                moved.push((tensor, tasks));
                current = next;
            }
            if chain.len() >= 2 {
                out.push(group(facts, &kernels, &chain, &moved, buffer));
            }
        }
    }
    out
}

/// Whether `tensor` fits a buffer of `capacity` bytes: `Some(tasks)`, 1 when whole, else the
/// number of batch slices it takes (the guide's batch split), `None` when even one sample does
/// not fit.
fn fits(facts: &Facts, tensor: TensorId, capacity: u64) -> Option<u64> {
    let bytes = facts.tensor_bytes(tensor);
    if bytes <= capacity {
        return Some(1);
    }
    let batch = facts.batch(tensor)?;
    let tasks = bytes.div_ceil(capacity);
    (tasks <= batch && bytes / batch <= capacity).then_some(tasks)
}

fn group(
    facts: &Facts,
    kernels: &Kernels,
    chain: &[u32],
    moved: &[(TensorId, u64)],
    buffer: &Buffer,
) -> FusionGroup {
    let reduce_then_segment = chain.windows(2).any(|pair| {
        kernels.head_class[pair[0] as usize] == FusionClass::Reduce
            && kernels.head_class[pair[1] as usize] == FusionClass::Segment
    });
    let pattern = match (buffer.kind, reduce_then_segment) {
        (FusionKind::L2, true) => "l2_optimize (reduce + segment)",
        _ => buffer.name,
    };
    let mut nodes = Vec::with_capacity(chain.iter().map(|&k| kernels.members(k).len()).sum());
    for &k in chain {
        nodes.extend_from_slice(kernels.members(k));
    }
    let saved = moved.iter().fold(0u64, |acc, &(tensor, _)| {
        acc.saturating_add(facts.tensor_bytes(tensor).saturating_mul(2))
    });
    let slices = moved.iter().map(|&(_, tasks)| tasks).max().unwrap_or(1);
    FusionGroup {
        kind: buffer.kind,
        pattern,
        nodes,
        ddr_bytes_saved: saved,
        passes: Passes::default(),
        batch_slices: u32::try_from(slices).unwrap_or(u32::MAX),
    }
}
