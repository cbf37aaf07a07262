//! Edge routes: one polyline per DAG edge, top to bottom, from the bottom centre of the upper box
//! through every virtual node (entering and leaving each crossed row vertically, so the line
//! never cuts a corner of the boxes beside it) to the top centre of the lower box.

use super::coordinates::Rows;
use super::virtual_nodes::{EdgeChain, ProperGraph};
use super::{Point, Rect};

/// Route of every DAG edge of `graph`, same order as `graph.edge_ends`. `centre_x` holds the final
/// centres of all proper-graph nodes and `rects` the final boxes of the real ones.
pub(super) fn route_dag_edges(
    graph: &ProperGraph,
    centre_x: &[f64],
    rects: &[Rect],
    rows: &Rows,
) -> Vec<Vec<Point>> {
    graph
        .edge_ends
        .iter()
        .zip(&graph.chains)
        .map(|(&(upper, lower), chain)| {
            let upper_rect = rects[upper];
            let lower_rect = rects[lower];
            let mut points = Vec::with_capacity(2);
            points.push(Point {
                x: upper_rect.x + upper_rect.width / 2.0,
                y: upper_rect.y + upper_rect.height,
            });
            if let EdgeChain::Routed { first, count } = *chain {
                points.reserve(2 * count);
                let chain = first..first + count;
                for (&layer_idx, &x) in graph.layer_of[chain.clone()].iter().zip(&centre_x[chain]) {
                    let row_top = rows.top[layer_idx];
                    let row_height = rows.height[layer_idx];
                    points.push(Point { x, y: row_top });
                    if row_height > 0.0 {
                        points.push(Point {
                            x,
                            y: row_top + row_height,
                        });
                    }
                }
            }
            points.push(Point {
                x: lower_rect.x + lower_rect.width / 2.0,
                y: lower_rect.y,
            });
            points
        })
        .collect()
}
