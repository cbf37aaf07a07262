//! Edge routes: one polyline per DAG edge, top to bottom, from the bottom side of the upper box
//! through every virtual node (entering and leaving each crossed row vertically, so the line
//! never cuts a corner of the boxes beside it) to the top side of the lower box.
//!
//! An end sits on its side where the route goes on from (the side's point nearest the next
//! point, kept [`END_INSET`] from the corners), as dagre clips its lines at the box border: an
//! edge between boxes one above the other is then a vertical line, and a long edge leaves towards
//! its lane instead of crossing half the box first (about an eighth of the total edge length of
//! a residual network).
//!
//! A long edge turns into its lane inside the first row it crosses, as deep as the boxes beside
//! the lane allow, and out of it as high in the last, rather than at the row's edge.

use super::coordinates::Rows;
use super::ordering::Ordering;
use super::virtual_nodes::{EdgeChain, ProperGraph};
use super::{Point, Rect};

/// Route of every DAG edge of `graph`, same order as `graph.edge_ends`. `centre_x` holds the final
/// centres of all proper-graph nodes and `rects` the final boxes of the real ones.
pub(super) fn route_dag_edges(
    graph: &ProperGraph,
    ordering: &Ordering,
    centre_x: &[f64],
    rects: &[Rect],
    rows: &Rows,
) -> Vec<Vec<Point>> {
    let beside = Beside {
        graph,
        ordering,
        centre_x,
        rects,
    };
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
            if let EdgeChain::Routed { first, count } = *chain {
                if count > 0 {
                    beside.cut_corners(&mut points, first, first + count - 1, rows);
                }
            }
            points
        })
        .collect()
}

/// How far an edge's end stays from its box's corners: the viewer's corner radius (4) plus an
/// arrowhead's half width (3.5), rounded up, so an arrowhead always lands on the straight part of
/// the side. Any further in and a residual edge's two diagonals to its lane grow (12 made
/// MobileNet v2's edges 0.3 % longer than dagre's, which clips at the border itself).
pub(super) const END_INSET: f64 = 8.0;

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

/// What sits beside a long edge in the rows it crosses, for cutting the corners of its route.
struct Beside<'a> {
    graph: &'a ProperGraph,
    ordering: &'a Ordering,
    centre_x: &'a [f64],
    rects: &'a [Rect],
}

impl Beside<'_> {
    /// Lets a long edge's route leave its upper box straight into the first row it crosses and
    /// reach its lower box straight from the last, instead of turning at the row's top (bottom)
    /// edge: the turn moves down (up) as far as the boxes beside the lane in that row allow, so
    /// the diagonal to the lane is one segment and shorter. Only past boxes: where another lane
    /// runs between the end and this lane's line, the turn stays at the row's edge.
    fn cut_corners(&self, points: &mut Vec<Point>, first_idx: usize, last_idx: usize, rows: &Rows) {
        let last = points.len() - 1;
        if last < 2 {
            return;
        }
        // Entry: points[1] is at the top of the first crossed row, points[2] (when the row has a
        // height) at its bottom, on the same line.
        let (start, lane_x) = (points[0], points[1].x);
        let layer_idx = self.graph.layer_of[first_idx];
        let row_bottom = rows.top[layer_idx] + rows.height[layer_idx];
        let entry = self.deepest_turn(first_idx, start, lane_x, points[1].y, row_bottom, false);
        points[1].y = entry;
        // Exit: points[last - 1] is at the bottom of the last crossed row. Where a shared route
        // goes on below, the branch leaves from its end in that row, as every branch does.
        if self.graph.down.degree(last_idx) > 1 {
            points.dedup_by(|b, a| a.x == b.x && a.y == b.y);
            return;
        }
        let end = points[last];
        let layer_idx = self.graph.layer_of[last_idx];
        let row_top = rows.top[layer_idx];
        let lane_x = points[last - 1].x;
        let exit = self.deepest_turn(last_idx, end, lane_x, points[last - 1].y, row_top, true);
        points[last - 1].y = exit.max(points[1].y.min(points[last - 1].y));
        // A turn moved onto the next point of its line leaves a duplicate.
        points.dedup_by(|b, a| a.x == b.x && a.y == b.y);
    }

    /// How far into its row (from `row_edge` towards `far_edge`) the turn of virtual node
    /// `virtual_idx` may go so that the straight segment from `end` does not cut a box beside it;
    /// `upward` for the exit (y mirrored). `row_edge` when a lane lies between.
    fn deepest_turn(
        &self,
        virtual_idx: usize,
        end: Point,
        lane_x: f64,
        row_edge: f64,
        far_edge: f64,
        upward: bool,
    ) -> f64 {
        // Mirrored for the exit so the turn always goes "down" from `row_edge`.
        let depth = |y: f64| if upward { -y } else { y };
        let (end_y, edge, far) = (depth(end.y), depth(row_edge), depth(far_edge));
        if far <= edge || end_y >= edge {
            return row_edge;
        }
        let layer = self.ordering.layer(self.graph.layer_of[virtual_idx]);
        let slot = self.ordering.pos[virtual_idx];
        let toward_right = end.x > lane_x;
        let mut turn = far;
        let mut neighbour_slot = slot;
        loop {
            let next = if toward_right {
                neighbour_slot
                    .checked_add(1)
                    .filter(|&next| next < layer.len())
            } else {
                neighbour_slot.checked_sub(1)
            };
            let Some(next) = next else {
                break;
            };
            neighbour_slot = next;
            let node_idx = layer[neighbour_slot];
            let (lane_side_x, box_edge) = if self.graph.is_virtual(node_idx) {
                let x = self.centre_x[node_idx];
                if (toward_right && x < end.x) || (!toward_right && x > end.x) {
                    // Another line between the end and this lane: cross it where it always was.
                    return row_edge;
                }
                break;
            } else {
                let rect = &self.rects[node_idx];
                let (lo, hi) = (rect.x, rect.x + rect.width);
                let near_x = if toward_right { lo } else { hi };
                if (toward_right && near_x >= end.x) || (!toward_right && near_x <= end.x) {
                    break;
                }
                let box_edge = if upward {
                    -(rect.y + rect.height)
                } else {
                    rect.y
                };
                // The segment is deepest over the box at its side nearest the lane.
                (near_x, box_edge)
            };
            let run = (lane_side_x - end.x).abs();
            let full_run = (lane_x - end.x).abs();
            let limit = if run <= f64::EPSILON * full_run.max(1.0) {
                box_edge
            } else {
                end_y + (box_edge - end_y) * full_run / run
            };
            turn = turn.min(limit);
        }
        let turn = turn.max(edge);
        if upward {
            -turn
        } else {
            turn
        }
    }
}
