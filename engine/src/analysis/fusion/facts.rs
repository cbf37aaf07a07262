//! What the fusion simulation needs to know about each node and tensor, computed once per graph
//! in linear time: the node's fusion class, canonical op and unit (from `units`), its data inputs
//! (inputs that are not constants), the outputs something reads, producers and readers rebuilt
//! from the node lists, a data-flow order and each node's depth.
//!
//! The graph is read once (one pass over nodes, one over tensors) into flat arrays: the chain
//! walks then never chase the graph's per-node vectors, which is what keeps 50,000 nodes fast.
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

/// What the simulation reads of a tensor, packed.
#[derive(Debug, Clone, Copy, Default)]
struct TensorFacts {
    /// Bytes from shape and dtype (see [`Facts::tensor_bytes`]).
    bytes: u64,
    /// First dim when known and above 1.
    batch: u32,
    /// Every dim known (a rank and no symbolic or unknown dim).
    is_static: bool,
    kind: TensorKind,
    graph_output: bool,
    constant: bool,
}

/// A list per item, as offsets into one flat vector.
#[derive(Debug, Default)]
struct Lists {
    start: Vec<u32>,
    items: Vec<usize>,
}

impl Lists {
    fn get(&self, idx: usize) -> &[usize] {
        match (self.start.get(idx), self.start.get(idx + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Builds `lists[key]` from `(key, item)` pairs given twice (count, then fill).
    fn from_pairs(n_keys: usize, pairs: impl Fn(&mut dyn FnMut(usize, usize))) -> Lists {
        let mut start = vec![0u32; n_keys + 1];
        pairs(&mut |key, _| start[key + 1] += 1);
        for idx in 0..n_keys {
            start[idx + 1] = start[idx + 1].saturating_add(start[idx]);
        }
        let mut fill: Vec<u32> = start.clone();
        let mut items = vec![0; start[n_keys] as usize];
        pairs(&mut |key, item| {
            items[fill[key] as usize] = item;
            fill[key] += 1;
        });
        Lists { start, items }
    }
}

/// The graph as the simulation reads it.
pub struct Facts<'g> {
    pub graph: &'g Graph,
    pub nodes: Vec<NodeFacts>,
    /// Per node: distinct valid inputs, slot order.
    inputs: Lists,
    /// Per node: valid outputs it produces (the first producer of a tensor owns it).
    outputs: Lists,
    /// Per node: outputs something reads (a node or the caller).
    used: Lists,
    /// Per node: distinct data inputs (not constants).
    data: Lists,
    /// Per tensor: nodes reading it, each once, node order.
    readers: Lists,
    /// Per tensor: the first node that lists it as an output.
    producer: Vec<Option<NodeId>>,
    tensors: Vec<TensorFacts>,
    /// Data-flow order: every node after its producers, nodes on cycles last in index order.
    pub order: Vec<NodeId>,
    /// Longest path from a graph input, in nodes (0 for sources and nodes on cycles).
    pub depth: Vec<u32>,
}

impl<'g> Facts<'g> {
    pub fn new(graph: &'g Graph, units: &[NodeUnit]) -> Facts<'g> {
        let n_nodes = graph.nodes.len();
        let n_tensors = graph.tensors.len();

        // One pass over the nodes: facts, inputs, outputs.
        let mut nodes = Vec::with_capacity(n_nodes);
        let mut inputs = Lists {
            start: Vec::with_capacity(n_nodes + 1),
            items: Vec::with_capacity(n_nodes * 2),
        };
        let mut outputs = Lists {
            start: Vec::with_capacity(n_nodes + 1),
            items: Vec::with_capacity(n_nodes),
        };
        let mut producer = vec![None; n_tensors];
        for (node_id, node) in graph.nodes.iter().enumerate() {
            nodes.push(NodeFacts::of(units.get(node_id), node));
            inputs.start.push(inputs.items.len() as u32);
            for (slot, input) in node.inputs.iter().enumerate() {
                let Some(tensor) = *input else { continue };
                if tensor < n_tensors && !node.inputs[..slot].contains(&Some(tensor)) {
                    inputs.items.push(tensor);
                }
            }
            outputs.start.push(outputs.items.len() as u32);
            for &tensor in &node.outputs {
                if let Some(slot @ None) = producer.get_mut(tensor) {
                    *slot = Some(node_id);
                    outputs.items.push(tensor);
                }
            }
        }
        inputs.start.push(inputs.items.len() as u32);
        outputs.start.push(outputs.items.len() as u32);

        // One pass over the tensors.
        let mut tensors: Vec<TensorFacts> = graph.tensors.iter().map(tensor_facts).collect();
        for &tensor in &graph.outputs {
            if let Some(t) = tensors.get_mut(tensor) {
                t.graph_output = true;
            }
        }

        let readers = Lists::from_pairs(n_tensors, |emit| {
            for node_id in 0..n_nodes {
                for &tensor in inputs.get(node_id) {
                    emit(tensor, node_id);
                }
            }
        });
        let used = Lists::from_pairs(n_nodes, |emit| {
            for node_id in 0..n_nodes {
                for &tensor in outputs.get(node_id) {
                    if !readers.get(tensor).is_empty() || tensors[tensor].graph_output {
                        emit(node_id, tensor);
                    }
                }
            }
        });

        let mut facts = Facts {
            graph,
            nodes,
            inputs,
            outputs,
            used,
            data: Lists::default(),
            readers,
            producer,
            tensors,
            order: Vec::new(),
            depth: vec![0; n_nodes],
        };
        facts.order = facts.data_flow_order();
        facts.mark_constants();
        facts.data = Lists::from_pairs(n_nodes, |emit| {
            for node_id in 0..n_nodes {
                for &tensor in facts.inputs.get(node_id) {
                    if !facts.tensors[tensor].constant {
                        emit(node_id, tensor);
                    }
                }
            }
        });
        facts.compute_depth();
        facts
    }

    pub fn producer(&self, tensor: TensorId) -> Option<NodeId> {
        self.producer.get(tensor).copied().flatten()
    }

    /// Nodes reading `tensor` (each once).
    pub fn readers(&self, tensor: TensorId) -> &[NodeId] {
        self.readers.get(tensor)
    }

    pub fn is_graph_output(&self, tensor: TensorId) -> bool {
        self.tensors.get(tensor).is_some_and(|t| t.graph_output)
    }

    pub fn is_constant(&self, tensor: TensorId) -> bool {
        self.tensors.get(tensor).is_some_and(|t| t.constant)
    }

    /// Distinct inputs that are not constants, in slot order.
    pub fn data_inputs(&self, node: NodeId) -> &[TensorId] {
        self.data.get(node)
    }

    /// Outputs something reads (a node or the caller).
    pub fn used_outputs(&self, node: NodeId) -> &[TensorId] {
        self.used.get(node)
    }

    /// The one output a chain continues through: `None` when no output or several are read.
    pub fn chain_output(&self, node: NodeId) -> Option<TensorId> {
        match self.used_outputs(node) {
            [only] => Some(*only),
            _ => None,
        }
    }

    /// Whether every data input and read output of `node` has a fully known shape. Symbolic and
    /// unknown dims, and unknown ranks, are dynamic: the patterns are for static shapes only.
    pub fn is_static(&self, node: NodeId) -> bool {
        let known = |&t: &TensorId| self.tensors.get(t).is_some_and(|t| t.is_static);
        self.data_inputs(node).iter().all(known) && self.used_outputs(node).iter().all(known)
    }

    /// Bytes of a tensor from its shape and dtype. Unknown or symbolic dims count as 1 (one
    /// sample), an unknown dtype as 2 bytes (fp16, what ATC runs float models in by default).
    pub fn tensor_bytes(&self, tensor: TensorId) -> u64 {
        self.tensors.get(tensor).map_or(0, |t| t.bytes)
    }

    /// The batch (first dim) of a tensor, when known and above 1.
    pub fn batch(&self, tensor: TensorId) -> Option<u64> {
        self.tensors
            .get(tensor)
            .map(|t| u64::from(t.batch))
            .filter(|&b| b > 1)
    }

    /// Kahn's algorithm over data edges, seeded in node order and run FIFO, so the order is the
    /// file's where the file is topological. Nodes on cycles come last, in index order.
    fn data_flow_order(&self) -> Vec<NodeId> {
        let n_nodes = self.nodes.len();
        let mut missing = vec![0u32; n_nodes];
        for (node_id, slot) in missing.iter_mut().enumerate() {
            *slot = self
                .inputs
                .get(node_id)
                .iter()
                .filter(|&&t| self.producer(t).is_some_and(|p| p != node_id))
                .count() as u32;
        }
        let mut order: Vec<NodeId> = (0..n_nodes).filter(|&n| missing[n] == 0).collect();
        let mut next = 0;
        while next < order.len() {
            let node_id = order[next];
            next += 1;
            for &tensor in self.outputs.get(node_id) {
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
        for tensor in &mut self.tensors {
            tensor.constant = tensor.kind == TensorKind::Weight;
        }
        for idx in 0..self.order.len() {
            let node_id = self.order[idx];
            if self.nodes[node_id].unit != ExecUnit::None {
                continue;
            }
            let from_constants = self
                .inputs
                .get(node_id)
                .iter()
                .all(|&t| self.tensors[t].constant);
            if !from_constants {
                continue;
            }
            for idx in 0..self.outputs.get(node_id).len() {
                let tensor = self.outputs.get(node_id)[idx];
                if self.tensors[tensor].kind != TensorKind::Input {
                    self.tensors[tensor].constant = true;
                }
            }
        }
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

fn tensor_facts(tensor: &crate::ir::Tensor) -> TensorFacts {
    // A weight never travels between fused ops: its shape is not read (one fewer pointer to
    // chase per weight, and most tensors of a model are weights).
    if tensor.kind == TensorKind::Weight {
        return TensorFacts {
            is_static: true,
            kind: tensor.kind,
            ..TensorFacts::default()
        };
    }
    let (elements, is_static, batch) = match &tensor.shape {
        None => (1u64, false, 0),
        Some(shape) => {
            let mut elements = 1u64;
            let mut is_static = true;
            for dim in &shape.0 {
                match dim {
                    Dim::Known(v) if *v >= 0 => elements = elements.saturating_mul(*v as u64),
                    _ => is_static = false,
                }
            }
            let batch = match shape.0.first() {
                Some(Dim::Known(v)) if *v > 1 => u32::try_from(*v).unwrap_or(u32::MAX),
                _ => 0,
            };
            (elements, is_static, batch)
        }
    };
    let bits = tensor.dtype.bits().unwrap_or(16);
    TensorFacts {
        bytes: elements.saturating_mul(bits).div_ceil(8),
        batch,
        is_static,
        kind: tensor.kind,
        graph_output: false,
        constant: false,
    }
}
