//! Folding and opening name scopes and groups: what the page asks the worker to draw next, from
//! the drawing it has. The worker resolves which nodes each folded box holds; the page only
//! edits the list of folded scope paths and groups the drawing came with.

use opscope_engine::ir::scope_of;
use opscope_engine::report::{FoldKind, GraphViewOptions, NodeGroup, ScopeFolding, ViewNodeKind};

use super::graph::GraphHandle;

/// A change of what is folded, from the keys, the properties panel or the toolbar.
#[derive(Debug, Clone, PartialEq)]
pub enum FoldRequest {
    /// Fold this scope path (`h.3/attn`) into one box.
    FoldScope(String),
    /// Open the folded box at this view index (a scope or a group).
    Open(usize),
    /// Draw these nodes as one box (a fusion group).
    FoldGroup(NodeGroup),
    /// Open every folded scope and group.
    OpenAll,
    /// Fold the scope level that gives an overview ([`ScopeFolding::Overview`]).
    Overview,
    /// Open whatever hides the node of this name, so it can be selected.
    Reveal(String),
}

/// The next drawing: the options to lay the shown graph out with, and the node name to select
/// once it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Refold {
    pub options: GraphViewOptions,
    pub select: Option<String>,
}

impl GraphHandle {
    /// The options that draw this graph as it is drawn now, with constants folded or not: the
    /// scopes it shows folded, by path, and its groups.
    pub fn current_options(&self, fold_constants: bool) -> GraphViewOptions {
        GraphViewOptions {
            fold_constants,
            scopes: ScopeFolding::Folded(self.view.folded_scopes.clone()),
            groups: self.options.groups.clone(),
        }
    }

    /// What to draw after `request`; `None` when it changes nothing (a scope already folded, a
    /// box that is not folded, a name nothing hides).
    pub fn refold(&self, request: &FoldRequest) -> Option<Refold> {
        let current = self.current_options(self.options.fold_constants);
        let mut scopes = self.view.folded_scopes.clone();
        let mut groups = current.groups.clone();
        let select = match request {
            FoldRequest::FoldScope(path) => {
                if path.is_empty() || scopes.contains(path) {
                    return None;
                }
                scopes.push(path.clone());
                Some(path.clone())
            }
            FoldRequest::Open(view_idx) => {
                let fold = self.view.folds.iter().find(|f| f.view == *view_idx)?;
                match fold.kind {
                    FoldKind::Scope => {
                        // Scopes inside it stay folded as they were.
                        scopes.retain(|p| p != &fold.key);
                    }
                    FoldKind::Group => groups.retain(|g| g.label != fold.key),
                }
                fold.names.first().cloned()
            }
            FoldRequest::FoldGroup(group) => {
                if group.nodes.len() < 2 || groups.iter().any(|g| g.label == group.label) {
                    return None;
                }
                groups.push(group.clone());
                Some(group.label.clone())
            }
            FoldRequest::OpenAll => {
                if scopes.is_empty() && groups.is_empty() {
                    return None;
                }
                scopes.clear();
                groups.clear();
                None
            }
            FoldRequest::Overview => {
                return Some(Refold {
                    options: GraphViewOptions {
                        scopes: ScopeFolding::Overview,
                        groups: Vec::new(),
                        ..current
                    },
                    select: None,
                });
            }
            FoldRequest::Reveal(name) => {
                let fold = self.hiding(name)?;
                match fold.kind {
                    // Every folded scope on the node's path opens, outer and inner.
                    FoldKind::Scope => {
                        let path = scope_of(name).join("/");
                        scopes.retain(|p| !(path == *p || path.starts_with(&format!("{p}/"))));
                    }
                    FoldKind::Group => groups.retain(|g| g.label != fold.key),
                }
                Some(name.clone())
            }
        };
        scopes.sort();
        scopes.dedup();
        Some(Refold {
            options: GraphViewOptions {
                scopes: ScopeFolding::Folded(scopes),
                groups,
                ..current
            },
            select,
        })
    }

    /// The folded box hiding the node of this name, if a folded box hides it (a box named so is
    /// not hidden).
    pub fn hiding(&self, name: &str) -> Option<&opscope_engine::report::FoldedBox> {
        let view_idx = self.node_named(name)?;
        let node = self.view.nodes.get(view_idx)?;
        if node.kind != ViewNodeKind::Folded || node.name == name {
            return None;
        }
        self.view.folds.iter().find(|f| f.view == view_idx)
    }

    /// The scope a fold key (`-`) folds for the selected box: an operator's own scope, or the
    /// scope around a folded one.
    pub fn scope_to_fold(&self, view_idx: usize) -> Option<String> {
        let node = self.view.nodes.get(view_idx)?;
        let scope = match node.kind {
            ViewNodeKind::Op | ViewNodeKind::Input => node.scope.clone(),
            ViewNodeKind::Folded => {
                let fold = self.view.folds.iter().find(|f| f.view == view_idx)?;
                match fold.kind {
                    FoldKind::Scope => node.scope.clone(),
                    FoldKind::Group => return None,
                }
            }
            ViewNodeKind::Output => return None,
        };
        (!scope.is_empty()).then_some(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures::column_view;
    use opscope_engine::report::{FoldedBox, GraphView};

    /// A column of `n` op boxes in scope `b/c`, the last one standing for the folded scope
    /// `a` (members 100 and 101, named `a/x/Relu` and `a/y`).
    fn folded_view(n: usize) -> GraphView {
        let mut view = column_view(n);
        for node in &mut view.nodes {
            node.scope = "b/c".to_string();
        }
        let last = n - 1;
        view.nodes[last].kind = ViewNodeKind::Folded;
        view.nodes[last].graph_node = None;
        view.nodes[last].name = "a".to_string();
        view.nodes[last].scope = String::new();
        view.folds = vec![FoldedBox {
            view: last,
            kind: FoldKind::Scope,
            key: "a".to_string(),
            members: vec![100, 101],
            names: vec!["a/x/Relu".to_string(), "a/y".to_string()],
            op_types: vec!["Relu".to_string(), "Add".to_string()],
        }];
        view.folded_scopes = vec!["a".to_string(), "a/x".to_string()];
        view
    }

    fn handle(view: GraphView) -> GraphHandle {
        GraphHandle::new(1, "m.onnx".into(), vec![], None, view)
    }

    fn folded_paths(refold: &Refold) -> Vec<String> {
        match &refold.options.scopes {
            ScopeFolding::Folded(paths) => paths.clone(),
            other => panic!("not a path list: {other:?}"),
        }
    }

    #[test]
    fn folding_a_scope_adds_it_and_selects_its_box() {
        let graph = handle(folded_view(4));
        let refold = graph
            .refold(&FoldRequest::FoldScope("b/c".into()))
            .expect("a change");
        assert_eq!(folded_paths(&refold), vec!["a", "a/x", "b/c"]);
        assert_eq!(refold.select.as_deref(), Some("b/c"));
        // Already folded: nothing to do.
        assert_eq!(graph.refold(&FoldRequest::FoldScope("a".into())), None);
        // The selected op's own scope is what `[` folds; a box outside any scope has none.
        assert_eq!(graph.scope_to_fold(0).as_deref(), Some("b/c"));
        assert_eq!(graph.scope_to_fold(3), None);
    }

    #[test]
    fn opening_a_box_keeps_inner_scopes_folded_and_selects_its_first_member() {
        let graph = handle(folded_view(4));
        let refold = graph.refold(&FoldRequest::Open(3)).expect("a change");
        assert_eq!(folded_paths(&refold), vec!["a/x"]);
        assert_eq!(refold.select.as_deref(), Some("a/x/Relu"));
        // An op box is not folded.
        assert_eq!(graph.refold(&FoldRequest::Open(0)), None);
    }

    #[test]
    fn revealing_a_hidden_node_opens_every_scope_on_its_path() {
        let graph = handle(folded_view(4));
        // Hidden members are found by name, in the box that draws them.
        assert_eq!(graph.node_named("a/x/Relu"), Some(3));
        assert!(graph.hiding("a/x/Relu").is_some());
        assert!(graph.hiding("a").is_none());
        let refold = graph
            .refold(&FoldRequest::Reveal("a/x/Relu".into()))
            .expect("a change");
        assert_eq!(folded_paths(&refold), Vec::<String>::new());
        assert_eq!(refold.select.as_deref(), Some("a/x/Relu"));
        // A node no box hides needs nothing.
        assert_eq!(graph.refold(&FoldRequest::Reveal("n0".into())), None);
    }

    #[test]
    fn groups_fold_and_open_all_clears_everything() {
        let graph = handle(folded_view(4));
        let group = NodeGroup {
            label: "ConvRelu #1".into(),
            nodes: vec![0, 1],
        };
        let refold = graph
            .refold(&FoldRequest::FoldGroup(group.clone()))
            .expect("a change");
        assert_eq!(refold.options.groups, vec![group]);
        assert_eq!(refold.select.as_deref(), Some("ConvRelu #1"));
        let refold = graph.refold(&FoldRequest::OpenAll).expect("a change");
        assert_eq!(folded_paths(&refold), Vec::<String>::new());
        assert!(refold.options.groups.is_empty());
        let overview = graph.refold(&FoldRequest::Overview).expect("a change");
        assert_eq!(overview.options.scopes, ScopeFolding::Overview);
    }
}
