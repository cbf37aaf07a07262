//! Finding nodes by name or op type, for the toolbar's search box.

use opscope_engine::report::GraphView;

/// Indexes of the nodes matching `query` (case-insensitive), best first: exact name, then name
/// prefix, then name substring, then op type; ties keep graph order. At most `limit` results.
pub fn search_nodes(view: &GraphView, query: &str, limit: usize) -> Vec<usize> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let mut ranked: Vec<(u8, usize)> = view
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(node_idx, node)| {
            let name = node.name.to_lowercase();
            let rank = if name == query {
                0
            } else if name.starts_with(&query) {
                1
            } else if name.contains(&query) {
                2
            } else if node.title.to_lowercase().contains(&query) {
                3
            } else {
                return None;
            };
            Some((rank, node_idx))
        })
        .collect();
    ranked.sort_unstable();
    ranked.truncate(limit);
    ranked.into_iter().map(|(_, node_idx)| node_idx).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures::column_view;

    #[test]
    fn exact_names_come_first() {
        let mut view = column_view(12);
        view.nodes[3].title = "Conv".into();
        assert_eq!(search_nodes(&view, "RELU_1", 10), vec![1, 10, 11]);
        assert_eq!(search_nodes(&view, "conv", 10), vec![3]);
        assert_eq!(search_nodes(&view, "relu", 2), vec![0, 1]);
        assert!(search_nodes(&view, "  ", 10).is_empty());
    }
}
