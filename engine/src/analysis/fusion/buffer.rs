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
use super::{FusionGroup, FusionKind};

/// One kernel: a UB group or a single AI Core node.
struct Kernel {
    nodes: Vec<NodeId>,
    uses_cube: bool,
    head_class: FusionClass,
}

/// Which buffer, with its capacity and pattern names.
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
    let (kernels, kernel_of, order) = kernels(facts, group_of, ub_groups);
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
    for buffer in &buffers {
        if buffer.bytes == 0 {
            continue;
        }
        let mut in_chain = vec![false; kernels.len()];
        for &start in &order {
            if in_chain[start] {
                continue;
            }
            let mut chain = vec![start];
            let mut moved: Vec<(TensorId, u64)> = Vec::new();
            let mut current = start;
            while let Some((next, tensor)) = next_kernel(facts, &kernels, &kernel_of, current) {
                if in_chain[next] || chain.contains(&next) {
                    break;
                }
                if buffer.into_cube && !kernels[next].uses_cube {
                    break;
                }
                let Some(tasks) = fits(facts, tensor, buffer.bytes) else {
                    break;
                };
                chain.push(next);
                moved.push((tensor, tasks));
                current = next;
            }
            if chain.len() < 2 {
                continue;
            }
            for &k in &chain {
                in_chain[k] = true;
            }
            out.push(group(facts, &kernels, &chain, &moved, buffer));
        }
    }
    out
}

/// Kernels, the kernel of each node, and kernels in data-flow order of their first node.
fn kernels(
    facts: &Facts,
    group_of: &[Option<usize>],
    ub_groups: &[FusionGroup],
) -> (Vec<Kernel>, Vec<Option<usize>>, Vec<usize>) {
    let mut kernels: Vec<Kernel> = ub_groups
        .iter()
        .map(|g| Kernel {
            nodes: g.nodes.clone(),
            uses_cube: g.nodes.iter().any(|&n| facts.nodes[n].unit == ExecUnit::Cube),
            head_class: g
                .nodes
                .first()
                .map_or(FusionClass::Opaque, |&n| facts.nodes[n].class),
        })
        .collect();
    let mut kernel_of: Vec<Option<usize>> = group_of.to_vec();
    kernel_of.resize(facts.nodes.len(), None);
    for (node_id, node) in facts.nodes.iter().enumerate() {
        if kernel_of[node_id].is_none() && node.unit.is_ai_core() && node.class != FusionClass::NoKernel
        {
            kernel_of[node_id] = Some(kernels.len());
            kernels.push(Kernel {
                nodes: vec![node_id],
                uses_cube: node.unit == ExecUnit::Cube,
                head_class: node.class,
            });
        }
    }
    let mut seen = vec![false; kernels.len()];
    let mut order = Vec::with_capacity(kernels.len());
    for &node in &facts.order {
        if let Some(k) = kernel_of[node] {
            if !seen[k] {
                seen[k] = true;
                order.push(k);
            }
        }
    }
    (kernels, kernel_of, order)
}

/// The one kernel that reads `kernel`'s one external output, with that tensor.
fn next_kernel(
    facts: &Facts,
    kernels: &[Kernel],
    kernel_of: &[Option<usize>],
    kernel: usize,
) -> Option<(usize, TensorId)> {
    let mut external: Option<(usize, TensorId)> = None;
    for &node in &kernels[kernel].nodes {
        for tensor in facts.used_outputs(node) {
            let readers = facts.readers(tensor);
            if readers.iter().all(|&r| kernel_of[r] == Some(kernel)) && !facts.is_graph_output(tensor)
            {
                continue;
            }
            if external.is_some() || facts.is_graph_output(tensor) {
                return None;
            }
            let first = kernel_of[*readers.first()?]?;
            if first == kernel || readers.iter().any(|&r| kernel_of[r] != Some(first)) {
                return None;
            }
            external = Some((first, tensor));
        }
    }
    external
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
    kernels: &[Kernel],
    chain: &[usize],
    moved: &[(TensorId, u64)],
    buffer: &Buffer,
) -> FusionGroup {
    let reduce_then_segment = chain.windows(2).any(|pair| {
        kernels[pair[0]].head_class == FusionClass::Reduce
            && kernels[pair[1]].head_class == FusionClass::Segment
    });
    let pattern = match (buffer.kind, reduce_then_segment) {
        (FusionKind::L2, true) => "l2_optimize (reduce + segment)",
        _ => buffer.name,
    };
    let nodes: Vec<NodeId> = chain
        .iter()
        .flat_map(|&k| kernels[k].nodes.iter().copied())
        .collect();
    let saved = moved.iter().fold(0u64, |acc, &(tensor, _)| {
        acc.saturating_add(facts.tensor_bytes(tensor).saturating_mul(2))
    });
    let sizes: Vec<String> = moved
        .iter()
        .map(|&(tensor, tasks)| {
            let size = mib(facts.tensor_bytes(tensor));
            if tasks > 1 {
                format!("{size} (as {tasks} batch slices)")
            } else {
                size
            }
        })
        .collect();
    FusionGroup {
        kind: buffer.kind,
        pattern,
        nodes,
        ddr_bytes_saved: saved,
        passes: vec![buffer.name],
        detail: Some(format!(
            "candidate: {} kernels pass {} through the {} {} instead of DDR",
            chain.len(),
            sizes.join(", "),
            mib(buffer.bytes),
            buffer.kind.id().to_ascii_uppercase()
        )),
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}
