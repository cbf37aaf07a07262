//! Folded name scopes and groups in the graph view, on generated models with scopes (a GPT-2-style
//! decoder: `h.N/attn/...`) and on the bundled ResNet-50, whose names have none.

use std::collections::BTreeSet;

use opscope_engine::formats::import_model;
use opscope_engine::ir::Model;
use opscope_engine::report::{
    graph_view, graph_view_with, FoldKind, GraphView, GraphViewOptions, NodeGroup, ScopeFolding,
    ViewNodeKind, AUTO_FOLD_BOXES, AUTO_FOLD_NODES,
};
use opscope_engine::samples::{gpt2_like, resnet50, OnnxWriter, WeightStorage};
use opscope_engine::InputFile;

fn import(name: &str, bytes: Vec<u8>) -> Model {
    import_model(&InputFile::new(name, bytes)).unwrap_or_else(|e| panic!("{e}"))
}

fn folded(paths: &[&str]) -> GraphViewOptions {
    GraphViewOptions {
        scopes: ScopeFolding::Folded(paths.iter().map(|p| p.to_string()).collect()),
        ..GraphViewOptions::default()
    }
}

fn with_options(model: &Model, options: &GraphViewOptions) -> GraphView {
    graph_view_with(model, &model.graph, options)
}

/// The view index of the folded box named `key`.
fn fold_box(view: &GraphView, key: &str) -> usize {
    view.folds
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("no folded box {key}"))
        .view
}

/// Every IR node is drawn by exactly one box (its own, a folded box, or inside its readers as a
/// folded constant); folded boxes list their members in node order; no edge joins a box to
/// itself, and no two edges join the same pair of boxes when one of them is folded.
fn assert_partition(model: &Model, view: &GraphView) {
    let mut drawn_by = vec![0usize; model.graph.nodes.len()];
    for node in &view.nodes {
        if let Some(g) = node.graph_node {
            drawn_by[g] += 1;
        }
    }
    for constant in &view.folded {
        drawn_by[constant.graph_node] += 1;
    }
    for fold in &view.folds {
        assert_eq!(view.nodes[fold.view].kind, ViewNodeKind::Folded);
        assert!(fold.members.len() >= 2, "{} folds one node", fold.key);
        assert!(fold.members.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(fold.names.len(), fold.members.len());
        assert_eq!(fold.op_types.len(), fold.members.len());
        for &m in &fold.members {
            drawn_by[m] += 1;
        }
    }
    assert!(drawn_by.iter().all(|&n| n == 1), "{drawn_by:?}");
    let mut pairs = BTreeSet::new();
    for edge in &view.edges {
        let folded_end = [edge.from, edge.to]
            .iter()
            .any(|&v| view.nodes[v].kind == ViewNodeKind::Folded);
        if folded_end {
            assert_ne!(edge.from, edge.to);
            assert!(pairs.insert((edge.from, edge.to)), "edge drawn twice");
        }
    }
}

#[test]
fn a_small_graph_with_scopes_opens_with_every_scope_open() {
    let model = import("gpt2.onnx", gpt2_like(3));
    let view = graph_view(&model);
    assert!(view.has_scopes);
    assert!(view.folds.is_empty() && view.folded_scopes.is_empty());
    assert!(view.nodes.iter().all(|n| n.kind != ViewNodeKind::Folded));
}

#[test]
fn a_folded_scope_is_one_box_with_the_edges_across_its_border() {
    let model = import("gpt2.onnx", gpt2_like(3));
    let open = graph_view(&model);
    let view = with_options(&model, &folded(&["h.1"]));
    assert_partition(&model, &view);
    assert_eq!(view.folded_scopes, vec!["h.1".to_string()]);
    let fold = &view.folds[0];
    assert_eq!((fold.kind, fold.key.as_str()), (FoldKind::Scope, "h.1"));
    let node = &view.nodes[fold.view];
    assert_eq!((node.title.as_str(), node.name.as_str()), ("h.1", "h.1"));
    assert_eq!(node.lines[0], format!("{} nodes", fold.members.len()));
    assert!(node.lines[1].contains('×'), "{:?}", node.lines);
    // Every member is a box of the open view in scope h.1, and every such box is a member.
    let in_scope: Vec<usize> = open
        .nodes
        .iter()
        .filter(|n| n.scope == "h.1" || n.scope.starts_with("h.1/"))
        .filter_map(|n| n.graph_node)
        .collect();
    assert_eq!(fold.members, in_scope);
    assert_eq!(view.nodes.len(), open.nodes.len() - fold.members.len() + 1);
    // Block 0 feeds the folded block, which feeds block 2; nothing inside it is drawn.
    let box_idx = fold.view;
    let scope_of = |v: usize| view.nodes[v].scope.clone();
    let into: Vec<String> = view
        .edges
        .iter()
        .filter(|e| e.to == box_idx)
        .map(|e| scope_of(e.from))
        .collect();
    let out: Vec<String> = view
        .edges
        .iter()
        .filter(|e| e.from == box_idx)
        .map(|e| scope_of(e.to))
        .collect();
    assert!(into.iter().any(|s| s.starts_with("h.0")), "{into:?}");
    assert!(out.iter().any(|s| s.starts_with("h.2")), "{out:?}");
    assert!(into.iter().chain(&out).all(|s| !s.starts_with("h.1")));
    // Its border: the hidden states come in, and go out to block 2.
    assert!(!node.inputs.is_empty() && !node.outputs.is_empty());
    // Laid out like any box: edges have routes, the box has its place.
    assert!(view.edges.iter().all(|e| e.points.len() >= 2));
    assert!(node.rect.width > 0.0 && node.rect.height > 0.0);
}

#[test]
fn the_outermost_folded_scope_wins_and_unknown_or_single_node_scopes_fold_nothing() {
    let model = import("gpt2.onnx", gpt2_like(2));
    let view = with_options(&model, &folded(&["h.0/attn", "h.0", "no/such/scope"]));
    assert_partition(&model, &view);
    assert_eq!(view.folds.len(), 1);
    assert_eq!(view.folds[0].key, "h.0");
    assert_eq!(
        view.folded_scopes,
        vec!["h.0".to_string(), "h.0/attn".to_string()]
    );
    // Opening the outer scope shows the inner one folded.
    let view = with_options(&model, &folded(&["h.0/attn"]));
    assert_partition(&model, &view);
    assert_eq!(view.folds.len(), 1);
    assert_eq!(view.nodes[view.folds[0].view].title, "attn");
    assert_eq!(view.nodes[view.folds[0].view].scope, "h.0");
}

#[test]
fn a_graph_over_the_threshold_opens_folded_within_the_box_budget() {
    let model = import("gpt2.onnx", gpt2_like(60));
    let open = with_options(&model, &folded(&[]));
    let drawn_ops = open.nodes.iter().filter(|n| n.graph_node.is_some()).count();
    assert!(drawn_ops > AUTO_FOLD_NODES, "{drawn_ops} boxes");
    let view = graph_view(&model);
    assert_partition(&model, &view);
    assert!(!view.folds.is_empty());
    assert!(
        view.nodes.len() <= AUTO_FOLD_BOXES,
        "{} boxes",
        view.nodes.len()
    );
    // The deepest level that fits: each block shows its four parts folded.
    assert!(view.folded_scopes.contains(&"h.0/attn".to_string()));
    assert!(view.folded_scopes.contains(&"h.59/mlp".to_string()));
    assert!(!view.folded_scopes.contains(&"h.0".to_string()));
    // The same drawing when the page asks for exactly those scopes.
    let again = with_options(
        &model,
        &folded(
            &view
                .folded_scopes
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ),
    );
    assert_eq!(again.nodes, view.nodes);
    assert_eq!(again.edges, view.edges);
}

#[test]
fn overview_folds_a_small_graph_at_its_top_level() {
    let model = import("gpt2.onnx", gpt2_like(3));
    let view = with_options(
        &model,
        &GraphViewOptions {
            scopes: ScopeFolding::Overview,
            ..GraphViewOptions::default()
        },
    );
    assert_partition(&model, &view);
    // Three blocks of four parts plus ln_f fit the budget: the second level is folded.
    assert!(view
        .folded_scopes
        .iter()
        .all(|p| p.contains('/') || p == "ln_f"));
    assert!(view.folds.len() >= 12);
}

#[test]
fn a_graph_without_scopes_has_nothing_to_fold() {
    // Names with no `/` (the scopes of a writer are only pushed on request).
    let mut w = OnnxWriter::new("flat", WeightStorage::Inline);
    let mut x = w.input("x", &[1, 8, 4, 4]);
    for _ in 0..6 {
        x = w.relu(&x);
    }
    w.output(&x);
    let model = import("flat.onnx", w.finish());
    // Scoped names fold (the bundled ResNet-50: `layer1/0/...`), flat ones do not.
    assert!(graph_view(&import("resnet50.onnx", resnet50())).has_scopes);
    let view = with_options(
        &model,
        &GraphViewOptions {
            scopes: ScopeFolding::Overview,
            ..GraphViewOptions::default()
        },
    );
    assert!(!view.has_scopes);
    assert!(view.folds.is_empty());
}

#[test]
fn a_group_folds_into_one_box_outside_folded_scopes() {
    let model = import("gpt2.onnx", gpt2_like(2));
    let open = graph_view(&model);
    // Two boxes of block 1 and two of block 0: with h.0 folded, the group keeps block 1's.
    let ids = |scope: &str| -> Vec<usize> {
        open.nodes
            .iter()
            .filter(|n| n.scope.starts_with(scope))
            .filter_map(|n| n.graph_node)
            .take(2)
            .collect()
    };
    let mut members = ids("h.1/mlp");
    members.extend(ids("h.0/mlp"));
    let options = GraphViewOptions {
        groups: vec![NodeGroup {
            label: "MatMulAdd #1".to_string(),
            nodes: members.clone(),
        }],
        ..folded(&["h.0"])
    };
    let view = with_options(&model, &options);
    assert_partition(&model, &view);
    let group = view
        .folds
        .iter()
        .find(|f| f.kind == FoldKind::Group)
        .expect("a group box");
    assert_eq!(group.members, ids("h.1/mlp"));
    let node = &view.nodes[fold_box(&view, "MatMulAdd #1")];
    assert_eq!(
        (node.title.as_str(), node.name.as_str()),
        ("fused", "MatMulAdd #1")
    );
}

#[test]
fn folding_is_the_same_whatever_the_order_of_the_requested_scopes() {
    let model = import("gpt2.onnx", gpt2_like(3));
    let a = with_options(&model, &folded(&["h.2", "h.0"]));
    let b = with_options(&model, &folded(&["h.0", "h.2", "h.0"]));
    assert_eq!(a, b);
}
