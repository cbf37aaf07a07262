//! Moving the selection with the keyboard: along the edges (a consumer below, a producer above)
//! and across a layer of the layout (the node to the left or right in the same row). Pure: the
//! reducer calls it, the tests run natively.

use std::cmp::Ordering;

use opscope_engine::report::GraphView;

/// Which way the arrow keys move the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// ArrowDown: to a node that reads the selected node's output.
    Consumer,
    /// ArrowUp: to a node whose output the selected node reads.
    Producer,
    /// ArrowLeft: the nearest node to the left in the same row of the layout.
    Left,
    /// ArrowRight: the nearest node to the right in the same row.
    Right,
}

/// Rows of the layout are centre-aligned: nodes whose vertical centres are this close share one.
const ROW_TOLERANCE: f64 = 0.5;

/// The nodes `node_idx` feeds, the one straight below first (nearest horizontally, then
/// nearest vertically, then graph order); each once.
pub fn consumers(view: &GraphView, node_idx: usize) -> Vec<usize> {
    let ends = view
        .edges
        .iter()
        .filter(|e| e.from == node_idx && e.to != node_idx)
        .map(|e| e.to);
    nearest_first(view, node_idx, ends)
}

/// The nodes feeding `node_idx`, the one straight above first.
pub fn producers(view: &GraphView, node_idx: usize) -> Vec<usize> {
    let ends = view
        .edges
        .iter()
        .filter(|e| e.to == node_idx && e.from != node_idx)
        .map(|e| e.from);
    nearest_first(view, node_idx, ends)
}

fn nearest_first(
    view: &GraphView,
    node_idx: usize,
    ends: impl Iterator<Item = usize>,
) -> Vec<usize> {
    let Some(origin) = view.nodes.get(node_idx).map(|n| n.rect) else {
        return Vec::new();
    };
    let centre_x = origin.x + origin.width / 2.0;
    let centre_y = origin.y + origin.height / 2.0;
    let mut nodes: Vec<usize> = ends.filter(|&idx| idx < view.nodes.len()).collect();
    let key = |idx: usize| {
        let r = view.nodes[idx].rect;
        (
            (r.x + r.width / 2.0 - centre_x).abs(),
            (r.y + r.height / 2.0 - centre_y).abs(),
            idx,
        )
    };
    nodes.sort_by(|&a, &b| key(a).partial_cmp(&key(b)).unwrap_or(Ordering::Equal));
    nodes.dedup();
    // `dedup` only drops neighbours: a node reached by two edges sorts next to itself.
    nodes
}

/// The nearest node to the left (`right == false`) or right of `node_idx` in its row.
pub fn row_neighbour(view: &GraphView, node_idx: usize, right: bool) -> Option<usize> {
    let origin = view.nodes.get(node_idx)?.rect;
    let row = origin.y + origin.height / 2.0;
    let centre = origin.x + origin.width / 2.0;
    view.nodes
        .iter()
        .enumerate()
        .filter(|&(idx, node)| {
            let r = node.rect;
            let x = r.x + r.width / 2.0;
            idx != node_idx
                && (r.y + r.height / 2.0 - row).abs() <= ROW_TOLERANCE
                && if right { x > centre } else { x < centre }
        })
        .min_by(|(_, a), (_, b)| {
            let distance = |r: &opscope_engine::layout::Rect| (r.x + r.width / 2.0 - centre).abs();
            distance(&a.rect)
                .partial_cmp(&distance(&b.rect))
                .unwrap_or(Ordering::Equal)
        })
        .map(|(idx, _)| idx)
}

/// Where the selection goes from `node_idx`. `came_from` is the node the last move along an edge
/// left: going back the other way returns to it rather than to the nearest node, so Down then
/// Up is a round trip even where a node has several producers.
pub fn next_node(
    view: &GraphView,
    node_idx: usize,
    direction: Direction,
    came_from: Option<usize>,
) -> Option<usize> {
    match direction {
        Direction::Consumer | Direction::Producer => {
            let candidates = if direction == Direction::Consumer {
                consumers(view, node_idx)
            } else {
                producers(view, node_idx)
            };
            came_from
                .filter(|back| candidates.contains(back))
                .or_else(|| candidates.first().copied())
        }
        Direction::Left => row_neighbour(view, node_idx, false),
        Direction::Right => row_neighbour(view, node_idx, true),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use opscope_engine::layout::Rect;
    use opscope_engine::report::ViewEdge;

    use super::*;
    use crate::state::fixtures::column_view;

    fn edge(from: usize, to: usize) -> ViewEdge {
        ViewEdge {
            from,
            to,
            tensor: format!("t{from}_{to}"),
            label: String::new(),
            points: Vec::new(),
        }
    }

    /// A diamond: `0` on top feeds `1` (left, 1 high) and `2` (right, 2 high) which both feed
    /// `3` below, centred; `4` is alone in the top row, far right. The rows are centre-aligned
    /// as the layout aligns them (the boxes differ in height).
    pub(crate) fn diamond() -> GraphView {
        let mut view = column_view(5);
        let place = |x: f64, y: f64, height: f64| Rect {
            x,
            y,
            width: 100.0,
            height,
        };
        view.nodes[0].rect = place(100.0, 0.0, 40.0);
        view.nodes[1].rect = place(0.0, 100.0, 40.0);
        view.nodes[2].rect = place(240.0, 90.0, 60.0);
        view.nodes[3].rect = place(110.0, 200.0, 40.0);
        view.nodes[4].rect = place(600.0, 0.0, 40.0);
        view.edges = vec![edge(0, 2), edge(0, 1), edge(1, 3), edge(2, 3), edge(0, 1)];
        view
    }

    #[test]
    fn consumers_and_producers_come_nearest_first() {
        let view = diamond();
        // Node 1's centre is 100 left of node 0's, node 2's 140 right.
        assert_eq!(consumers(&view, 0), vec![1, 2]);
        assert_eq!(producers(&view, 3), vec![1, 2]);
        assert_eq!(producers(&view, 1), vec![0]);
        assert!(consumers(&view, 3).is_empty());
        assert!(consumers(&view, 99).is_empty());
    }

    #[test]
    fn left_and_right_stay_in_the_row() {
        let view = diamond();
        assert_eq!(row_neighbour(&view, 1, true), Some(2), "same centre line");
        assert_eq!(row_neighbour(&view, 2, false), Some(1));
        assert_eq!(row_neighbour(&view, 2, true), None);
        assert_eq!(row_neighbour(&view, 0, true), Some(4));
        assert_eq!(row_neighbour(&view, 3, false), None);
    }

    #[test]
    fn going_back_returns_where_the_walk_came_from() {
        let view = diamond();
        assert_eq!(next_node(&view, 0, Direction::Consumer, None), Some(1));
        // Down from 2 to 3, then up: back to 2, not to the nearest producer 1.
        assert_eq!(next_node(&view, 3, Direction::Producer, Some(2)), Some(2));
        assert_eq!(next_node(&view, 3, Direction::Producer, None), Some(1));
        // A node that is not a neighbour is ignored.
        assert_eq!(next_node(&view, 3, Direction::Producer, Some(4)), Some(1));
        assert_eq!(next_node(&view, 1, Direction::Right, None), Some(2));
        assert_eq!(next_node(&view, 4, Direction::Producer, None), None);
    }
}
