//! Which nodes the view draws as one box: folded name scopes (`a/b` of `a/b/MatMul`) and
//! folded node groups (fusion groups), resolved per IR node before any box is made.
//!
//! Invariants: a node is drawn by at most one folded box; a scope is folded only when it holds
//! two or more drawn nodes (a box standing for one node hides nothing); the outermost folded scope
//! wins over an inner one and over a group; the result depends only on the graph and the options,
//! not on any earlier drawing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ir::{Graph, OpCategory};

/// Graphs with more drawn nodes than this open with their scopes folded
/// ([`ScopeFolding::Auto`]), when they have scopes.
pub const AUTO_FOLD_NODES: usize = 5_000;

/// The most boxes an automatically folded graph is drawn with: the deepest scope level whose
/// folding stays within it is chosen.
pub const AUTO_FOLD_BOXES: usize = 1_000;

/// How name scopes are drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ScopeFolding {
    /// Every scope open up to [`AUTO_FOLD_NODES`] drawn nodes; above it, as [`Self::Overview`].
    #[default]
    Auto,
    /// The deepest scope level that leaves at most [`AUTO_FOLD_BOXES`] boxes is folded (level 1
    /// when none does), whatever the graph's size.
    Overview,
    /// Exactly these scope paths (`h.3/attn`) are folded; empty: every scope open.
    Folded(Vec<String>),
}

/// Nodes drawn as one box whatever their scopes (a fusion group): a label and IR node indexes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeGroup {
    pub label: String,
    pub nodes: Vec<usize>,
}

/// What a folded box stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FoldKind {
    Scope,
    Group,
}

/// A folded box of the view: which IR nodes it draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldedBox {
    /// View index of the box.
    pub view: usize,
    pub kind: FoldKind,
    /// The scope path (`h.3/attn`) or the group's label.
    pub key: String,
    /// IR node indexes drawn by the box, in node order (folded constants are not members: they
    /// are drawn inside their readers, whichever boxes those are).
    pub members: Vec<usize>,
    /// The members' names and op types, in `members` order, so the page finds hidden nodes.
    pub names: Vec<String>,
    pub op_types: Vec<String>,
}

/// A folded box before it has a view index.
#[derive(Debug, Clone)]
pub(super) struct FoldSpec {
    pub kind: FoldKind,
    pub key: String,
    pub members: Vec<usize>,
}

/// Per IR node, the folded box drawing it, and the boxes.
#[derive(Debug, Clone, Default)]
pub(super) struct Folding {
    /// Index into `boxes` per IR node; `None` for nodes drawn on their own (or not at all).
    pub box_of: Vec<Option<usize>>,
    pub boxes: Vec<FoldSpec>,
    /// The scope paths folded, sorted ([`ScopeFolding::Auto`] resolved).
    pub folded_scopes: Vec<String>,
    /// Whether some scope holds two or more drawn nodes, so folding means something.
    pub has_scopes: bool,
}

/// The scopes of a graph as a tree: scope 0 is the root (no scope).
struct ScopeTree {
    parent: Vec<usize>,
    path: Vec<String>,
    depth: Vec<usize>,
    /// Drawn nodes anywhere under the scope.
    total: Vec<usize>,
    /// Drawn nodes directly in the scope.
    direct: Vec<usize>,
    /// The deepest scope of each IR node.
    of_node: Vec<usize>,
}

impl ScopeTree {
    /// `drawn[n]`: node `n` gets a box when nothing is folded (folded constants do not).
    fn new(graph: &Graph, drawn: &[bool]) -> ScopeTree {
        let mut tree = ScopeTree {
            parent: vec![0],
            path: vec![String::new()],
            depth: vec![0],
            total: vec![0],
            direct: vec![0],
            of_node: Vec::with_capacity(graph.nodes.len()),
        };
        let mut child: HashMap<(usize, &str), usize> = HashMap::new();
        for (node_id, node) in graph.nodes.iter().enumerate() {
            let mut scope = 0;
            for segment in &node.scope {
                scope = match child.get(&(scope, segment.as_str())) {
                    Some(&known) => known,
                    None => {
                        let id = tree.parent.len();
                        let path = if scope == 0 {
                            segment.clone()
                        } else {
                            format!("{}/{segment}", tree.path[scope])
                        };
                        tree.parent.push(scope);
                        tree.path.push(path);
                        tree.depth.push(tree.depth[scope] + 1);
                        tree.total.push(0);
                        tree.direct.push(0);
                        child.insert((scope, segment.as_str()), id);
                        id
                    }
                };
            }
            tree.of_node.push(scope);
            if drawn.get(node_id).copied().unwrap_or(false) {
                tree.direct[scope] += 1;
            }
        }
        // Children come after their parents, so one backward pass sums the subtrees.
        tree.total.clone_from(&tree.direct);
        for scope in (1..tree.parent.len()).rev() {
            let parent = tree.parent[scope];
            tree.total[parent] += tree.total[scope];
        }
        tree
    }

    fn foldable(&self, scope: usize) -> bool {
        scope != 0 && self.total[scope] >= 2
    }

    /// The folded scopes of [`ScopeFolding::Overview`]: every foldable scope of the deepest level
    /// `d` at which the boxes left (nodes in scopes shallower than `d`, plus one per non-empty
    /// scope at depth `d`) number at most [`AUTO_FOLD_BOXES`], or of level 1 when none does.
    fn overview(&self, extra_boxes: usize) -> Vec<usize> {
        let max_depth = self.depth.iter().copied().max().unwrap_or(0);
        // direct_above[d]: drawn nodes in scopes shallower than d; scopes_at[d]: non-empty
        // scopes at depth d.
        let mut direct_at = vec![0usize; max_depth + 2];
        let mut scopes_at = vec![0usize; max_depth + 2];
        for scope in 0..self.parent.len() {
            direct_at[self.depth[scope]] += self.direct[scope];
            if self.total[scope] > 0 {
                scopes_at[self.depth[scope]] += 1;
            }
        }
        let mut level = 1;
        let mut above = direct_at[0];
        for depth in 1..=max_depth {
            if above + scopes_at[depth] + extra_boxes > AUTO_FOLD_BOXES && depth > 1 {
                break;
            }
            level = depth;
            above += direct_at[depth];
        }
        (1..self.parent.len())
            .filter(|&s| self.depth[s] == level && self.foldable(s))
            .collect()
    }
}

/// Resolves which node each folded box draws. `drawn[n]`: node `n` gets a box of its own when
/// nothing is folded; `extra_boxes`: graph inputs and outputs, which are never folded.
pub(super) fn resolve(
    graph: &Graph,
    drawn: &[bool],
    scopes: &ScopeFolding,
    groups: &[NodeGroup],
    extra_boxes: usize,
) -> Folding {
    let tree = ScopeTree::new(graph, drawn);
    let has_scopes = (1..tree.parent.len()).any(|s| tree.foldable(s));
    let mut folded_scope = vec![false; tree.parent.len()];
    match scopes {
        ScopeFolding::Auto if tree.total[0] <= AUTO_FOLD_NODES => {}
        ScopeFolding::Auto | ScopeFolding::Overview => {
            for scope in tree.overview(extra_boxes) {
                folded_scope[scope] = true;
            }
        }
        ScopeFolding::Folded(paths) => {
            let by_path: HashMap<&str, usize> = tree
                .path
                .iter()
                .enumerate()
                .skip(1)
                .map(|(id, p)| (p.as_str(), id))
                .collect();
            for path in paths {
                if let Some(&scope) = by_path.get(path.as_str()) {
                    folded_scope[scope] = tree.foldable(scope);
                }
            }
        }
    }
    // The outermost folded scope of each scope (parents come first, so one forward pass).
    let mut outermost: Vec<Option<usize>> = vec![None; tree.parent.len()];
    for scope in 1..tree.parent.len() {
        outermost[scope] = outermost[tree.parent[scope]].or(folded_scope[scope].then_some(scope));
    }
    let mut folding = Folding {
        box_of: vec![None; graph.nodes.len()],
        has_scopes,
        ..Folding::default()
    };
    let mut box_of_scope: HashMap<usize, usize> = HashMap::new();
    for (node_id, &scope) in tree.of_node.iter().enumerate() {
        // Folded constants stay drawn inside their readers, whichever box those are.
        let (true, Some(folded)) = (drawn[node_id], outermost[scope]) else {
            continue;
        };
        let next = folding.boxes.len();
        let idx = *box_of_scope.entry(folded).or_insert(next);
        if idx == next {
            folding.boxes.push(FoldSpec {
                kind: FoldKind::Scope,
                key: tree.path[folded].clone(),
                members: Vec::new(),
            });
        }
        folding.boxes[idx].members.push(node_id);
        folding.box_of[node_id] = Some(idx);
    }
    for group in groups {
        // Members already inside a folded scope stay there; the rest make the group's box, if
        // two or more of them are drawn.
        let free: Vec<usize> = group
            .nodes
            .iter()
            .copied()
            .filter(|&n| n < graph.nodes.len() && drawn[n] && folding.box_of[n].is_none())
            .collect();
        if free.len() < 2 {
            continue;
        }
        let idx = folding.boxes.len();
        let mut members = free;
        members.sort_unstable();
        members.dedup();
        for &n in &members {
            folding.box_of[n] = Some(idx);
        }
        folding.boxes.push(FoldSpec {
            kind: FoldKind::Group,
            key: group.label.clone(),
            members,
        });
    }
    folding.folded_scopes = (1..tree.parent.len())
        .filter(|&s| folded_scope[s])
        .map(|s| tree.path[s].clone())
        .collect();
    folding.folded_scopes.sort();
    folding
}

/// The lines of a folded box: how many nodes it holds and its most common op types
/// (`12 nodes`, `MatMul ×4 · Add ×3 · Gather ×2`).
pub(super) fn summary_lines(graph: &Graph, members: &[usize]) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for node in members.iter().filter_map(|&m| graph.nodes.get(m)) {
        *counts.entry(node.op_type.as_str()).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let top: Vec<String> = ranked
        .iter()
        .take(3)
        .map(|(op, n)| format!("{op} ×{n}"))
        .collect();
    let n = members.len();
    let mut lines = vec![format!("{n} node{}", if n == 1 { "" } else { "s" })];
    if !top.is_empty() {
        lines.push(top.join(" · "));
    }
    lines
}

/// The category a folded box is coloured by: the most common among its members that is not a
/// constant (ties to the first met in node order; [`OpCategory::Other`] when all are constants).
pub(super) fn dominant_category(graph: &Graph, members: &[usize]) -> OpCategory {
    let mut counts: Vec<(OpCategory, usize)> = Vec::new();
    for node in members.iter().filter_map(|&m| graph.nodes.get(m)) {
        let category = OpCategory::of(&node.op_type);
        if category == OpCategory::Constant {
            continue;
        }
        match counts.iter_mut().find(|(c, _)| *c == category) {
            Some((_, n)) => *n += 1,
            None => counts.push((category, 1)),
        }
    }
    // `max_by_key` keeps the last of equals; reversed, that is the first met.
    counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map_or(OpCategory::Other, |(c, _)| *c)
}
