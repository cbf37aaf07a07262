//! Finding nodes by name, op type or attribute value, for the toolbar's search box, and stepping
//! through the matches.

use opscope_engine::report::{GraphView, ViewNode};

/// Indexes of the nodes matching `query` (case-insensitive), best first: exact name, then name
/// prefix, then name substring, then op type, then attribute value; ties keep graph order. At
/// most `limit` results.
pub fn search_nodes(view: &GraphView, query: &str, limit: usize) -> Vec<usize> {
    let mut matches = all_matches(view, query);
    matches.truncate(limit);
    matches
}

/// Every node matching `query`, ranked as [`search_nodes`] ranks them.
///
/// A node matches by its name (case-insensitive substring), its op type, or an attribute:
/// `attr=value` matches nodes whose attribute `attr` shows `value` (`strides=2,2`,
/// `data_format=NCHW`; an empty value matches any node having the attribute), and a bare query
/// matches nodes with an attribute whose shown value is exactly it (`nchw`, `[2, 2]`). Values
/// are compared without case, spaces, quotes or brackets.
pub fn all_matches(view: &GraphView, query: &str) -> Vec<usize> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let attr_query = AttrQuery::parse(&query);
    let boxes = view
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(node_idx, node)| Some((rank(node, &query, &attr_query)?, node_idx)));
    // A folded constant (drawn inside its readers' boxes) is found by its name or op type and
    // gives its first reader.
    let folded = view.folded.iter().filter_map(|constant| {
        let reader = *constant.into.first().filter(|&&v| v < view.nodes.len())?;
        Some((
            rank_name(&constant.name, &constant.op_type, &query)?,
            reader,
        ))
    });
    // A node hidden in a folded scope or group is found by its name or op type and gives
    // that box.
    let hidden = view
        .folds
        .iter()
        .filter(|fold| fold.view < view.nodes.len())
        .flat_map(|fold| {
            let query = &query;
            fold.names
                .iter()
                .zip(&fold.op_types)
                .filter_map(move |(name, op)| Some((rank_name(name, op, query)?, fold.view)))
        });
    let mut ranked: Vec<(u8, usize)> = boxes.chain(folded).chain(hidden).collect();
    ranked.sort_unstable();
    // Each box once, at its best rank.
    let mut seen = vec![false; view.nodes.len()];
    ranked
        .into_iter()
        .filter(|&(_, node_idx)| !std::mem::replace(&mut seen[node_idx], true))
        .map(|(_, node_idx)| node_idx)
        .collect()
}

/// The attribute a query asks for: `name=value`, or any attribute showing the bare value.
struct AttrQuery {
    name: Option<String>,
    value: String,
}

impl AttrQuery {
    fn parse(query: &str) -> AttrQuery {
        match query.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => AttrQuery {
                name: Some(name.trim().to_string()),
                value: normalise_value(value),
            },
            _ => AttrQuery {
                name: None,
                value: normalise_value(query),
            },
        }
    }

    fn matches(&self, node: &ViewNode) -> bool {
        node.attrs.iter().any(|(name, value)| {
            let value_matches = || normalise_value(value) == self.value;
            match &self.name {
                Some(wanted) => {
                    name.eq_ignore_ascii_case(wanted) && (self.value.is_empty() || value_matches())
                }
                None => !self.value.is_empty() && value_matches(),
            }
        })
    }
}

/// A value as compared by the search: lower case, without spaces, quotes or brackets, so
/// `[2, 2]` is `2,2` and `"NCHW"` is `nchw`.
fn normalise_value(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '[' | ']' | '(' | ')'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// 0 exact name, 1 name prefix, 2 name substring, 3 op type, 4 attribute; `None`: no match.
fn rank(node: &ViewNode, query: &str, attr_query: &AttrQuery) -> Option<u8> {
    rank_name(&node.name, &node.title, query).or_else(|| attr_query.matches(node).then_some(4))
}

/// Exact name 0, name prefix 1, name substring 2, op type 3.
fn rank_name(name: &str, op_type: &str, query: &str) -> Option<u8> {
    let name = name.to_lowercase();
    if name == query {
        Some(0)
    } else if name.starts_with(query) {
        Some(1)
    } else if name.contains(query) {
        Some(2)
    } else if op_type.to_lowercase().contains(query) {
        Some(3)
    } else {
        None
    }
}

/// Where stepping through `total` matches lands (Enter, Shift+Enter, the next and previous
/// buttons): the active match itself when it has not been shown yet, else the next one
/// (`forward`) or the previous one, wrapping around. `None` when there is no match.
pub fn step(active: usize, shown: bool, total: usize, forward: bool) -> Option<usize> {
    if total == 0 {
        return None;
    }
    let active = active.min(total - 1);
    Some(match (shown, forward) {
        (false, _) => active,
        (true, true) => (active + 1) % total,
        (true, false) => (active + total - 1) % total,
    })
}

/// The match counter: `3 / 17` (the active match, one-based, of all matches).
pub fn count_label(active: usize, total: usize) -> String {
    if total == 0 {
        return "0 / 0".to_string();
    }
    format!("{} / {}", active.min(total - 1) + 1, total)
}

/// The first of the `len` results a list of `window` rows shows so that `active` is among them.
pub fn window_start(active: usize, len: usize, window: usize) -> usize {
    if window == 0 || len <= window {
        return 0;
    }
    active.saturating_sub(window - 1).min(len - window)
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

    #[test]
    fn all_matches_are_counted_past_the_list_limit() {
        let view = column_view(120);
        assert_eq!(all_matches(&view, "relu").len(), 120);
        assert_eq!(search_nodes(&view, "relu", 50).len(), 50);
    }

    fn with_attrs() -> GraphView {
        let mut view = column_view(6);
        view.nodes[1].title = "Conv".into();
        view.nodes[1].attrs = vec![
            ("strides".into(), "[2, 2]".into()),
            ("data_format".into(), "\"NCHW\"".into()),
        ];
        view.nodes[2].title = "Conv".into();
        view.nodes[2].attrs = vec![("strides".into(), "[1, 1]".into())];
        view.nodes[4].attrs = vec![("axis".into(), "2".into())];
        // A node named like a value ranks before the attribute matches.
        view.nodes[5].name = "nchw_out".into();
        view
    }

    #[test]
    fn attribute_queries_match_the_shown_value() {
        let view = with_attrs();
        assert_eq!(all_matches(&view, "strides=2,2"), vec![1]);
        assert_eq!(all_matches(&view, "strides = [2, 2]"), vec![1]);
        assert_eq!(all_matches(&view, "Strides=[1,1]"), vec![2]);
        assert_eq!(all_matches(&view, "strides="), vec![1, 2]);
        assert_eq!(all_matches(&view, "data_format=nchw"), vec![1]);
        assert!(all_matches(&view, "strides=3").is_empty());
        assert!(all_matches(&view, "=2").is_empty(), "no attribute is `=2`");
    }

    #[test]
    fn a_bare_value_matches_attributes_after_names_and_types() {
        let view = with_attrs();
        assert_eq!(all_matches(&view, "NCHW"), vec![5, 1]);
        assert_eq!(all_matches(&view, "[2, 2]"), vec![1]);
        // `2` is in `relu_2` (a name) and is node 4's `axis`: names first.
        assert_eq!(all_matches(&view, "2"), vec![2, 4]);
        // A value is matched whole, not as a substring: `1` is not `[1, 1]`.
        assert_eq!(all_matches(&view, "1,1"), vec![2]);
    }

    #[test]
    fn stepping_shows_the_active_match_first_then_wraps() {
        assert_eq!(step(0, false, 0, true), None);
        assert_eq!(step(0, false, 3, true), Some(0));
        assert_eq!(step(0, true, 3, true), Some(1));
        assert_eq!(step(2, true, 3, true), Some(0));
        assert_eq!(step(0, true, 3, false), Some(2));
        assert_eq!(step(2, false, 3, false), Some(2));
        // A stale active position (the matches shrank) is clamped.
        assert_eq!(step(9, true, 3, true), Some(0));
    }

    #[test]
    fn the_counter_and_the_list_window_follow_the_active_match() {
        assert_eq!(count_label(2, 17), "3 / 17");
        assert_eq!(count_label(0, 0), "0 / 0");
        assert_eq!(window_start(3, 10, 50), 0);
        assert_eq!(window_start(49, 200, 50), 0);
        assert_eq!(window_start(50, 200, 50), 1);
        assert_eq!(window_start(199, 200, 50), 150);
    }

    #[test]
    fn a_node_hidden_in_a_folded_box_is_found_in_that_box() {
        use opscope_engine::report::{FoldKind, FoldedBox, ViewNodeKind};
        let mut view = column_view(3);
        view.nodes[2].kind = ViewNodeKind::Folded;
        view.nodes[2].name = "h.0/attn".into();
        view.folds = vec![FoldedBox {
            view: 2,
            kind: FoldKind::Scope,
            key: "h.0/attn".into(),
            members: vec![5, 6],
            names: vec!["h.0/attn/MatMul_4".into(), "h.0/attn/Softmax_5".into()],
            op_types: vec!["MatMul".into(), "Softmax".into()],
        }];
        // By name, by op type, and the box by its own name; each box once.
        assert_eq!(all_matches(&view, "matmul_4"), vec![2]);
        assert_eq!(all_matches(&view, "softmax"), vec![2]);
        assert_eq!(all_matches(&view, "attn"), vec![2]);
        assert_eq!(all_matches(&view, "nothing"), Vec::<usize>::new());
    }

    #[test]
    fn a_folded_constant_is_found_in_its_first_reader() {
        use opscope_engine::report::FoldedConstant;
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
        assert_eq!(search_nodes(&view, "conv/weights", 10), vec![2]);
        // By type: each reader once.
        assert_eq!(search_nodes(&view, "const", 10), vec![1, 2]);
        // `relu_1` itself and the constant it draws: the box is listed once.
        assert_eq!(search_nodes(&view, "relu_1", 10), vec![1]);
        assert!(search_nodes(&view, "stray", 10).is_empty());
    }
}
