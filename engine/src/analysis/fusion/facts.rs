//! What the fusion simulation needs to know about each node and tensor, computed once per graph
//! in linear time: the node's fusion class, canonical op and unit (from `units`), its data inputs
//! (inputs that are not constants), the outputs something reads, producers and readers rebuilt
//! from the node lists, a data-flow order and each node's depth.
//!
//! Invariants: nothing here trusts `Tensor::producer`/`consumers` or any id in the graph; ids out
//! of range are dropped, cycles put their nodes at the end of the order, self-loops are ignored.

use crate::ir::{Dim, Graph, Node, NodeId, TensorId, TensorKind};
use crate::knowledge::{Constraint, ExecUnit, FusionClass, OpSpec};

use super::super::units::NodeUnit;
use super::compare::ORIGINAL_NAMES_ATTR;

/// Facts of one node.
#[derive(Debug, Clone, Copy)]
pub struct NodeFacts {
    pub class: FusionClass,
    /// The knowledge base's canonical op, or `""` for op types it does not know.
    pub canonical: &'static str,
    pub unit: ExecUnit,
    /// `Constraint::NoUbFusion`'s reason, when the row has one.
    pub no_ub_fusion: Option<&'static str>,
    /// A format conversion GE inserts (TransData): it breaks chains and disappears when the
    /// formats agree.
    pub format_conversion: bool,
    /// Whether the op's knowledge row lacks 5HD support (GE moves data between formats around
    /// it).
    pub lacks_5hd: bool,
    /// A kernel GE already compiled: the node lists the original ops it was fused from
    /// (`_datadump_original_op_names`, a GE Build graph or `.om`). No pass fuses it again.
    pub sealed: bool,
}

impl NodeFacts {
    fn of(unit: Option<&NodeUnit>, node: &Node) -> NodeFacts {
        let spec: Option<&'static OpSpec> = unit.and_then(|u| u.spec);
        let has = |f: fn(&Constraint) -> bool| spec.is_some_and(|s| s.has(f));
        NodeFacts {
            class: spec.map_or(FusionClass::Opaque, |s| s.fusion),
            canonical: spec.map_or("", |s| s.canonical),
            unit: unit.map_or(ExecUnit::Vector, |u| u.unit),
            no_ub_fusion: spec.and_then(|s| {
                s.constraints.iter().find_map(|c| match c {
                    Constraint::NoUbFusion { why } => Some(*why),
                    _ => None,
                })
            }),
            format_conversion: has(|c| matches!(c, Constraint::FormatConversion)),
            lacks_5hd: spec.is_some() && !has(|c| matches!(c, Constraint::Supports5hd)),
            sealed: node.attr(ORIGINAL_NAMES_ATTR).is_some(),
        }
    }
}

/// The graph as the simulation reads it.
pub struct Facts<'g> {
    pub graph: &'g Graph,
    pub nodes: Vec<NodeFacts>,
    /// Per tensor: the first node that lists it as an output.
    producer: Vec<Option<NodeId>>,
    /// Per tensor: readers (distinct nodes, node order), as offsets into `readers`.
    reader_start: Vec<u32>,
    readers: Vec<NodeId>,
    /// Per tensor: a graph output (read outside the graph).
    graph_output: Vec<bool>,
    /// Per tensor: a constant (weight, or computed from constants by kernel-less nodes).
    constant: Vec<bool>,
    /// Per node: distinct data inputs (not constants), as offsets into `data_inputs`.
    data_input_start: Vec<u32>,
    data_inputs: Vec<TensorId>,
    /// Data-flow order: every node after its producers, nodes on cycles last in index order.
    pub order: Vec<NodeId>,
    /// Longest path from a graph input, in nodes (0 for sources and nodes on cycles).
    pub depth: Vec<u32>,
}

impl<'g> Facts<'g> {
    pub fn new(graph: &'g Graph, units: &[NodeUnit]) -> Facts<'g> {
        let n_nodes = graph.nodes.len();
        let n_tensors = graph.tensors.len();
        let nodes: Vec<NodeFacts> = graph
            .nodes
            .iter()
            .enumerate()
            .map(|(id, node)| NodeFacts::of(units.get(id), node))
            .collect();

        let mut producer = vec![None; n_tensors];
        for (node_id, node) in graph.nodes.iter().enumerate() {
            for &tensor in &node.outputs {
                if let Some(slot) = producer.get_mut(tensor) {
                    slot.get_or_insert(node_id);
                }
            }
        }

        // Readers as a compressed table: count, prefix-sum, fill (each node once per tensor).
        let mut counts = vec![0u32; n_tensors + 1];
        for_each_input(graph, |_, tensor| counts[tensor] += 1);
        let reader_start = prefix_sums(&counts);
        let mut fill = reader_start.clone();
        let mut readers = vec![0; *reader_start.last().unwrap_or(&0) as usize];
        for_each_input(graph, |node_id, tensor| {
            readers[fill[tensor] as usize] = node_id;
            fill[tensor] += 1;
        });

        let mut graph_output = vec![false; n_tensors];
        for &tensor in &graph.outputs {
            if let Some(flag) = graph_output.get_mut(tensor) {
                *flag = true;
            }
        }

        let mut facts = Facts {
            graph,
            nodes,
            producer,
            reader_start,
            readers,
            graph_output,
            constant: vec![false; n_tensors],
            data_input_start: Vec::new(),
            data_inputs: Vec::new(),
            order: Vec::new(),
            depth: vec![0; n_nodes],
        };
        facts.order = facts.data_flow_order();
        facts.mark_constants();
        facts.collect_data_inputs();
        facts.compute_depth();
        facts
    }

    pub fn producer(&self, tensor: TensorId) -> Option<NodeId> {
        self.producer.get(tensor).copied().flatten()
    }

    /// Nodes reading `tensor` (each once).
    pub fn readers(&self, tensor: TensorId) -> &[NodeId] {
        match (
            self.reader_start.get(tensor),
            self.reader_start.get(tensor + 1),
        ) {
            (Some(&start), Some(&end)) => &self.readers[start as usize..end as usize],
            _ => &[],
        }
    }

    pub fn is_graph_output(&self, tensor: TensorId) -> bool {
        self.graph_output.get(tensor).copied().unwrap_or(false)
    }

    pub fn is_constant(&self, tensor: TensorId) -> bool {
        self.constant.get(tensor).copied().unwrap_or(false)
    }

    /// Distinct inputs that are not constants, in slot order.
    pub fn data_inputs(&self, node: NodeId) -> &[TensorId] {
        match (
            self.data_input_start.get(node),
            self.data_input_start.get(node + 1),
        ) {
            (Some(&start), Some(&end)) => &self.data_inputs[start as usize..end as usize],
            _ => &[],
        }
    }

    /// Outputs something reads (a node or the caller).
    pub fn used_outputs(&self, node: NodeId) -> impl Iterator<Item = TensorId> + '_ {
        self.graph
            .nodes
            .get(node)
            .map_or(&[][..], |n| &n.outputs[..])
            .iter()
            .copied()
            .filter(move |&t| {
                t < self.graph.tensors.len()
                    && self.producer(t) == Some(node)
                    && (!self.readers(t).is_empty() || self.is_graph_output(t))
            })
    }

    /// The one output a chain continues through: `None` when no output or several are read.
    pub fn chain_output(&self, node: NodeId) -> Option<TensorId> {
        let mut used = self.used_outputs(node);
        let first = used.next()?;
        used.next().is_none().then_some(first)
    }

    /// Whether every data input and read output of `node` has a fully known shape. Symbolic and
    /// unknown dims, and unknown ranks, are dynamic: the patterns are for static shapes only.
    pub fn is_static(&self, node: NodeId) -> bool {
        let known = |tensor: TensorId| {
            self.graph
                .tensors
                .get(tensor)
                .and_then(|t| t.shape.as_ref())
                .is_some_and(|shape| shape.0.iter().all(|d| matches!(d, Dim::Known(v) if *v >= 0)))
        };
        self.data_inputs(node).iter().all(|&t| known(t)) && self.used_outputs(node).all(known)
    }

    /// Bytes of a tensor from its shape and dtype. Unknown or symbolic dims count as 1 (one
    /// sample), an unknown dtype as 2 bytes (fp16, what ATC runs float models in by default).
    pub fn tensor_bytes(&self, tensor: TensorId) -> u64 {
        let Some(t) = self.graph.tensors.get(tensor) else {
            return 0;
        };
        let elements = t.shape.as_ref().map_or(1u64, |shape| {
            shape.0.iter().fold(1u64, |acc, dim| match dim {
                Dim::Known(v) if *v >= 0 => acc.saturating_mul(*v as u64),
                _ => acc,
            })
        });
        let bits = t.dtype.bits().unwrap_or(16);
        elements.saturating_mul(bits).div_ceil(8)
    }

    /// The batch (first dim) of a tensor, when known and above 1.
    pub fn batch(&self, tensor: TensorId) -> Option<u64> {
        let shape = self.graph.tensors.get(tensor)?.shape.as_ref()?;
        match shape.0.first() {
            Some(Dim::Known(v)) if *v > 1 => Some(*v as u64),
            _ => None,
        }
    }

    /// Kahn's algorithm over data edges, seeded in node order and run FIFO, so the order is the
    /// file's where the file is topological. Nodes on cycles come last, in index order.
    fn data_flow_order(&self) -> Vec<NodeId> {
        let n_nodes = self.graph.nodes.len();
        let mut missing = vec![0u32; n_nodes];
        for (node_id, node) in self.graph.nodes.iter().enumerate() {
            for tensor in distinct_inputs(&node.inputs, self.graph.tensors.len()) {
                if self.producer(tensor).is_some_and(|p| p != node_id) {
                    missing[node_id] += 1;
                }
            }
        }
        let mut order: Vec<NodeId> = (0..n_nodes).filter(|&n| missing[n] == 0).collect();
        let mut next = 0;
        while next < order.len() {
            let node_id = order[next];
            next += 1;
            for &tensor in &self.graph.nodes[node_id].outputs {
                if self.producer(tensor) != Some(node_id) {
                    continue;
                }
                for &reader in self.readers(tensor) {
                    if reader != node_id && missing[reader] > 0 {
                        missing[reader] -= 1;
                        if missing[reader] == 0 {
                            order.push(reader);
                        }
                    }
                }
            }
        }
        if order.len() < n_nodes {
            let mut placed = vec![false; n_nodes];
            for &node_id in &order {
                placed[node_id] = true;
            }
            order.extend((0..n_nodes).filter(|&n| !placed[n]));
        }
        order
    }

    /// A tensor is constant when it is a weight, or when a node without a kernel (Const,
    /// ConstantOfShape, a Reshape of a weight) computes it from constants alone.
    fn mark_constants(&mut self) {
        for (tensor_id, tensor) in self.graph.tensors.iter().enumerate() {
            if tensor.kind == TensorKind::Weight {
                self.constant[tensor_id] = true;
            }
        }
        for idx in 0..self.order.len() {
            let node_id = self.order[idx];
            if self.nodes[node_id].unit != ExecUnit::None {
                continue;
            }
            let node = &self.graph.nodes[node_id];
            let from_constants = node
                .inputs
                .iter()
                .flatten()
                .all(|&t| self.is_constant(t));
            if !from_constants {
                continue;
            }
            for &tensor in &node.outputs {
                let is_input = self
                    .graph
                    .tensors
                    .get(tensor)
                    .is_some_and(|t| t.kind == TensorKind::Input);
                if !is_input && self.producer(tensor) == Some(node_id) {
                    self.constant[tensor] = true;
                }
            }
        }
    }

    fn collect_data_inputs(&mut self) {
        let mut start = Vec::with_capacity(self.graph.nodes.len() + 1);
        let mut inputs = Vec::new();
        for node in &self.graph.nodes {
            start.push(inputs.len() as u32);
            let valid = distinct_inputs(&node.inputs, self.graph.tensors.len());
            inputs.extend(valid.filter(|&t| !self.constant[t]));
        }
        start.push(inputs.len() as u32);
        self.data_input_start = start;
        self.data_inputs = inputs;
    }

    fn compute_depth(&mut self) {
        for idx in 0..self.order.len() {
            let node_id = self.order[idx];
            let depth = self
                .data_inputs(node_id)
                .iter()
                .filter_map(|&t| self.producer(t))
                .filter(|&p| p != node_id)
                .map(|p| self.depth[p] + 1)
                .max()
                .unwrap_or(0);
            self.depth[node_id] = depth;
        }
    }
}

/// Calls `visit(node, tensor)` once per distinct valid input tensor of every node.
fn for_each_input(graph: &Graph, mut visit: impl FnMut(NodeId, TensorId)) {
    for (node_id, node) in graph.nodes.iter().enumerate() {
        for tensor in distinct_inputs(&node.inputs, graph.tensors.len()) {
            visit(node_id, tensor);
        }
    }
}

/// The valid input tensors of a node, each once (`Mul(x, x)` reads `x` once), in slot order.
fn distinct_inputs(
    inputs: &[Option<TensorId>],
    n_tensors: usize,
) -> impl Iterator<Item = TensorId> + '_ {
    inputs.iter().enumerate().filter_map(move |(slot, input)| {
        let tensor = (*input)?;
        (tensor < n_tensors && !inputs[..slot].contains(&Some(tensor))).then_some(tensor)
    })
}

fn prefix_sums(counts: &[u32]) -> Vec<u32> {
    let mut start = Vec::with_capacity(counts.len());
    let mut total = 0u32;
    for &count in counts {
        start.push(total);
        total = total.saturating_add(count);
    }
    start
}
