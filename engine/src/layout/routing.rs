//! Edge routes: one polyline per DAG edge, top to bottom, from the bottom side of the upper box
//! through every virtual node (entering and leaving each crossed row vertically, so the line
//! never cuts a corner of the boxes beside it) to the top side of the lower box.
//!
//! An end sits on its side where the route goes on from (the side's point nearest the next
//! point, kept [`END_INSET`] from the corners), as dagre clips its lines at the box border: an
//! edge between boxes one above the other is then a vertical line, and a long edge leaves towards
//! its lane instead of crossing half the box first (about an eighth of the total edge length of
//! a residual network).

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
                x: 0.0,
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
                x: 0.0,
                y: lower_rect.y,
            });
            let last = points.len() - 1;
            let (upper_x, lower_x) = if last == 1 {
                direct_ends(&upper_rect, &lower_rect)
            } else {
                (
                    side_point(&upper_rect, points[1].x),
                    side_point(&lower_rect, points[last - 1].x),
                )
            };
            points[0].x = upper_x;
            points[last].x = lower_x;
            points
        })
        .collect()
}

/// How far an edge's end stays from its box's corners.
const END_INSET: f64 = 12.0;

/// The range of x an end may take on a side of `rect`: the side less [`END_INSET`] at each end
/// (the centre alone for a box narrower than two insets).
fn end_range(rect: &Rect) -> (f64, f64) {
    let inset = END_INSET.min(rect.width / 2.0).max(0.0);
    let lo = rect.x + inset;
    // `max`: for a box narrower than two insets both ends are its centre, up to rounding.
    (lo, (rect.x + rect.width - inset).max(lo))
}

/// The point of `rect`'s end range nearest `toward`.
fn side_point(rect: &Rect, toward: f64) -> f64 {
    let (lo, hi) = end_range(rect);
    toward.clamp(lo, hi)
}

/// Both ends of an edge with no virtual node: one vertical line in the middle of the boxes'
/// shared range when they overlap, else each end as near the other box's centre as it can be.
fn direct_ends(upper: &Rect, lower: &Rect) -> (f64, f64) {
    let (upper_lo, upper_hi) = end_range(upper);
    let (lower_lo, lower_hi) = end_range(lower);
    let (lo, hi) = (upper_lo.max(lower_lo), upper_hi.min(lower_hi));
    if lo <= hi {
        // Nearest the upper box's centre within the shared range: a chain of boxes of one
        // centre stays one straight line through their centres.
        let x = (upper.x + upper.width / 2.0).clamp(lo, hi);
        return (x, x);
    }
    (
        side_point(upper, lower.x + lower.width / 2.0),
        side_point(lower, upper.x + upper.width / 2.0),
    )
}
