//! Finding nodes by name or op type, for the toolbar's search box.

use opscope_engine::report::GraphView;

/// One result: a box of the view, and the folded constant that matched when the box is found
/// through a constant it draws (index into `GraphView::folded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchHit {
    pub node: usize,
    pub folded: Option<usize>,
}

/// The nodes matching `query` (case-insensitive), best first: exact name, then name prefix, then
/// name substring, then op type; ties keep graph order, a box's own match before a constant it
/// draws. A folded constant (drawn inside its readers' boxes) is found by its name or type and
/// gives its first reader; each box is listed once. At most `limit` results.
pub fn search_nodes(view: &GraphView, query: &str, limit: usize) -> Vec<SearchHit> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let rank = |name: &str, title: &str| {
        let name = name.to_lowercase();
        if name == query {
            Some(0u8)
        } else if name.starts_with(&query) {
            Some(1)
        } else if name.contains(&query) {
            Some(2)
        } else if title.to_lowercase().contains(&query) {
            Some(3)
        } else {
            None
        }
    };
    let boxes = view
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(node_idx, node)| {
            let hit = SearchHit {
                node: node_idx,
                folded: None,
            };
            Some((rank(&node.name, &node.title)?, hit))
        });
    let folded = view
        .folded
        .iter()
        .enumerate()
        .filter_map(|(idx, constant)| {
            let node = *constant.into.first().filter(|&&v| v < view.nodes.len())?;
            let hit = SearchHit {
                node,
                folded: Some(idx),
            };
            Some((rank(&constant.name, &constant.op_type)?, hit))
        });
    let mut ranked: Vec<(u8, SearchHit)> = boxes.chain(folded).collect();
    ranked.sort_unstable_by_key(|(rank, hit)| (*rank, hit.node, hit.folded.is_some(), hit.folded));
    let mut seen = vec![false; view.nodes.len()];
    ranked
        .into_iter()
        .filter(|(_, hit)| !std::mem::replace(&mut seen[hit.node], true))
        .take(limit)
        .map(|(_, hit)| hit)
        .collect()
}

#[cfg(test)]
mod tests {
    use opscope_engine::report::FoldedConstant;

    use super::*;
    use crate::state::fixtures::column_view;

    fn nodes(hits: Vec<SearchHit>) -> Vec<usize> {
        hits.into_iter().map(|hit| hit.node).collect()
    }

    #[test]
    fn exact_names_come_first() {
        let mut view = column_view(12);
        view.nodes[3].title = "Conv".into();
        assert_eq!(nodes(search_nodes(&view, "RELU_1", 10)), vec![1, 10, 11]);
        assert_eq!(nodes(search_nodes(&view, "conv", 10)), vec![3]);
        assert_eq!(nodes(search_nodes(&view, "relu", 2)), vec![0, 1]);
        assert!(search_nodes(&view, "  ", 10).is_empty());
    }

    #[test]
    fn a_folded_constant_is_found_in_its_first_reader() {
        let mut view = column_view(4);
        view.folded = vec![
            FoldedConstant {
                graph_node: 10,
                name: "conv/weights".into(),
                op_type: "Const".into(),
                into: vec![2, 3],
            },
            FoldedConstant {
                graph_node: 11,
                name: "relu_1/alpha".into(),
                op_type: "Const".into(),
                into: vec![1],
            },
            // A folded constant whose box index is out of range is never a result.
            FoldedConstant {
                graph_node: 12,
                name: "stray".into(),
                op_type: "Const".into(),
                into: vec![40],
            },
        ];
        view.folded_constants = view.folded.len();
        assert_eq!(
            search_nodes(&view, "conv/weights", 10),
            vec![SearchHit {
                node: 2,
                folded: Some(0)
            }]
        );
        // By type: each reader once.
        assert_eq!(nodes(search_nodes(&view, "const", 10)), vec![1, 2]);
        // `relu_1` itself before the constant it draws; the box is listed once.
        assert_eq!(
            search_nodes(&view, "relu_1", 10),
            vec![SearchHit {
                node: 1,
                folded: None
            }]
        );
        assert!(search_nodes(&view, "stray", 10).is_empty());
    }
}
