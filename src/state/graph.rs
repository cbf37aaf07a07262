//! The loaded graph as the page holds it: the laid-out view, the model's graph list, and the
//! lookups the panels need (a node by name, a view node by main-graph node index, which the
//! analysis uses).

use std::cell::OnceCell;
use std::rc::Rc;

use opscope_engine::ir::fx_hash::FxHashMap;

use opscope_engine::report::{GraphView, GraphViewOptions, ViewNodeKind};

use crate::worker::protocol::GraphChoice;

use super::shown::shown_name;
use super::viewport::{reading_start, Bounds, Size};

/// A loaded graph. Compared by identity, so passing it as a prop never walks 50,000 nodes.
#[derive(Debug, Clone)]
pub struct GraphHandle {
    pub generation: u64,
    pub file_name: String,
    /// The files the model came from, the main file first (a prototxt, then its caffemodel).
    pub files: Vec<String>,
    /// How a companion file was paired with the main one, if there was one.
    pub pairing: Option<String>,
    pub view: Rc<GraphView>,
    /// Every graph of the model (main graph, bodies, functions) and which one `view` draws.
    pub graphs: Rc<Vec<GraphChoice>>,
    pub graph_index: usize,
    /// How `view` was drawn (constants folded or as nodes).
    pub options: GraphViewOptions,
    /// View index by node name (op nodes win over inputs and outputs of the same name, and
    /// those over nodes hidden in a folded box, which name that box, and over a folded
    /// constant, which names the first box that draws it).
    /// Built on the first lookup: a 100,000-node graph's names take a tenth of a second to
    /// index, which the first drawing need not wait for.
    names: Rc<OnceCell<FxHashMap<String, usize>>>,
    /// View index by IR node index of the graph drawn (`ViewNode::graph_node`); a node in a
    /// folded scope or group maps to that box, a folded constant to the first box that draws it
    /// (its first reader).
    by_graph_node: Rc<Vec<Option<usize>>>,
}

impl PartialEq for GraphHandle {
    fn eq(&self, other: &GraphHandle) -> bool {
        self.generation == other.generation && Rc::ptr_eq(&self.view, &other.view)
    }
}

impl GraphHandle {
    /// The first nodes in reading order, where the opening view goes (see
    /// [`super::viewport::reading_start`]).
    pub fn reading_start(&self, size: Size) -> Option<Bounds> {
        let rects: Vec<Bounds> = self
            .view
            .nodes
            .iter()
            .map(|n| Bounds::of_rect(&n.rect))
            .collect();
        let inputs: Vec<usize> = (0..self.view.nodes.len())
            .filter(|&idx| self.view.nodes[idx].kind == ViewNodeKind::Input)
            .collect();
        let edges: Vec<(usize, usize)> = self.view.edges.iter().map(|e| (e.from, e.to)).collect();
        reading_start(&rects, &inputs, &edges, size)
    }

    pub fn new(
        generation: u64,
        file_name: String,
        files: Vec<String>,
        pairing: Option<String>,
        view: GraphView,
    ) -> GraphHandle {
        let n_graph_nodes = view
            .nodes
            .iter()
            .filter_map(|n| n.graph_node)
            .chain(view.folded.iter().map(|f| f.graph_node))
            .chain(view.folds.iter().flat_map(|f| f.members.iter().copied()))
            .max()
            .map_or(0, |max| max + 1);
        let mut by_graph_node = vec![None; n_graph_nodes];
        for (node_idx, node) in view.nodes.iter().enumerate() {
            if let Some(slot) = node.graph_node.and_then(|g| by_graph_node.get_mut(g)) {
                *slot = Some(node_idx);
            }
        }
        // A node inside a folded scope or group maps to that box.
        for fold in view.folds.iter().filter(|f| f.view < view.nodes.len()) {
            for &member in &fold.members {
                if let Some(slot) = by_graph_node.get_mut(member) {
                    slot.get_or_insert(fold.view);
                }
            }
        }
        for folded in &view.folded {
            let first = folded.into.first().filter(|&&v| v < view.nodes.len());
            if let (Some(slot), Some(&first)) = (by_graph_node.get_mut(folded.graph_node), first) {
                slot.get_or_insert(first);
            }
        }
        GraphHandle {
            generation,
            file_name,
            files,
            pairing,
            view: Rc::new(view),
            graphs: Rc::new(Vec::new()),
            graph_index: 0,
            options: GraphViewOptions::default(),
            names: Rc::default(),
            by_graph_node: Rc::new(by_graph_node),
        }
    }

    /// The model's graph list, with the index of the graph this handle draws.
    pub fn with_graphs(mut self, graph_index: usize, graphs: Vec<GraphChoice>) -> GraphHandle {
        self.graph_index = graph_index;
        self.graphs = Rc::new(graphs);
        self
    }

    /// How the view was drawn.
    pub fn with_options(mut self, options: GraphViewOptions) -> GraphHandle {
        self.options = options;
        self
    }

    /// The graph drawn is not the main graph (a body or a function): profile names may not
    /// match its nodes.
    pub fn is_inner_graph(&self) -> bool {
        self.graph_index != 0
    }

    /// The view index of the node of this name: as shown, or as read from the file (a link or an
    /// embedding page may name a node with characters the page shows escaped).
    pub fn node_named(&self, name: &str) -> Option<usize> {
        let names = self.names.get_or_init(|| name_index(&self.view));
        names
            .get(name)
            .or_else(|| names.get(shown_name(name).as_str()))
            .copied()
    }

    /// The main graph's node index of a view node, which indexes the analysis; `None` for graph
    /// inputs and outputs and whenever an inner graph is drawn (the analysis is of the main
    /// graph).
    pub fn analysis_node(&self, view_idx: usize) -> Option<usize> {
        if self.is_inner_graph() {
            return None;
        }
        self.view.nodes.get(view_idx)?.graph_node
    }

    /// The view index of the drawn graph's node `graph_node`: its box, or for a folded constant
    /// the first box that draws it.
    pub fn view_of_graph_node(&self, graph_node: usize) -> Option<usize> {
        self.by_graph_node.get(graph_node).copied().flatten()
    }

    /// The view index of the main graph's node `graph_node` (see [`GraphHandle::analysis_node`]).
    pub fn view_of_analysis_node(&self, graph_node: usize) -> Option<usize> {
        if self.is_inner_graph() {
            return None;
        }
        self.by_graph_node.get(graph_node).copied().flatten()
    }
}

/// View index by node name (see [`GraphHandle::names`]).
fn name_index(view: &GraphView) -> FxHashMap<String, usize> {
    // FxHash: 100,000 names hash several times faster than with SipHash in wasm.
    let mut names: FxHashMap<String, usize> =
        FxHashMap::with_capacity_and_hasher(view.nodes.len(), Default::default());
    for (node_idx, node) in view.nodes.iter().enumerate() {
        if node.name.is_empty() {
            continue;
        }
        let is_op = node.kind == ViewNodeKind::Op;
        match names.get(&node.name) {
            Some(&other) if !is_op || view.nodes[other].kind == ViewNodeKind::Op => {}
            _ => {
                names.insert(node.name.clone(), node_idx);
            }
        }
    }
    for fold in view.folds.iter().filter(|f| f.view < view.nodes.len()) {
        for name in fold.names.iter().filter(|n| !n.is_empty()) {
            names.entry(name.clone()).or_insert(fold.view);
        }
    }
    for folded in &view.folded {
        let first = folded.into.first().filter(|&&v| v < view.nodes.len());
        if let (false, Some(&first)) = (folded.name.is_empty(), first) {
            names.entry(folded.name.clone()).or_insert(first);
        }
    }
    names
}
