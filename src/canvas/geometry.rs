//! Pure geometry of the drawing: edge curves and arrowheads, distances for hit testing.
//! Everything is in world (layout) coordinates; nothing here knows about the browser.

use opscope_engine::layout::Point;

use crate::state::Bounds;

/// Length and half width of an arrowhead, in world units.
pub const ARROW_LENGTH: f64 = 7.0;
pub const ARROW_HALF_WIDTH: f64 = 3.5;
/// Straight pieces a cubic segment is cut into for hit testing.
const FLATTEN_STEPS: usize = 8;

/// One cubic Bézier piece of an edge, from the end of the previous piece (or the start).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cubic {
    pub c1: Point,
    pub c2: Point,
    pub end: Point,
}

/// How an edge is drawn: a smooth curve that stops at the base of its arrowhead.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeShape {
    pub start: Point,
    pub pieces: Vec<Cubic>,
    /// Tip, left and right corner of the arrowhead.
    pub arrow: [Point; 3],
    /// The curve as a polyline (for hit testing), ending at the arrow tip.
    pub flat: Vec<Point>,
    pub bounds: Bounds,
}

fn point(x: f64, y: f64) -> Point {
    Point { x, y }
}

/// Builds the curve through the layout's polyline. Every vertex gets a vertical tangent, as in a
/// layered drawing every piece crosses one layer gap downwards: long edges stay straight and
/// short ones become gentle S-curves. `None` for fewer than two points or non-finite ones.
pub fn edge_shape(points: &[Point]) -> Option<EdgeShape> {
    if points.len() < 2 || points.iter().any(|p| !p.x.is_finite() || !p.y.is_finite()) {
        return None;
    }
    let tip = points[points.len() - 1];
    let before_tip = points[points.len() - 2];
    // The arrow points along the final tangent: vertical unless the last piece is flat.
    let (dir_x, dir_y) = {
        let dy = tip.y - before_tip.y;
        if dy.abs() > 1e-6 {
            (0.0, dy.signum())
        } else {
            let dx = tip.x - before_tip.x;
            let len = dx.abs().max(1e-9);
            (dx / len, 0.0)
        }
    };
    let base = point(tip.x - dir_x * ARROW_LENGTH, tip.y - dir_y * ARROW_LENGTH);
    let arrow = [
        tip,
        point(
            base.x - dir_y * ARROW_HALF_WIDTH,
            base.y + dir_x * ARROW_HALF_WIDTH,
        ),
        point(
            base.x + dir_y * ARROW_HALF_WIDTH,
            base.y - dir_x * ARROW_HALF_WIDTH,
        ),
    ];

    let mut pieces = Vec::with_capacity(points.len() - 1);
    for (idx, pair) in points.windows(2).enumerate() {
        let from = pair[0];
        let is_last = idx == points.len() - 2;
        let to = if is_last { base } else { pair[1] };
        let half = (to.y - from.y) / 2.0;
        pieces.push(Cubic {
            c1: point(from.x, from.y + half),
            c2: point(to.x, to.y - half),
            end: to,
        });
    }

    let mut flat = Vec::with_capacity(pieces.len() * FLATTEN_STEPS + 2);
    flat.push(points[0]);
    let mut from = points[0];
    for piece in &pieces {
        for step in 1..=FLATTEN_STEPS {
            flat.push(cubic_at(from, piece, step as f64 / FLATTEN_STEPS as f64));
        }
        from = piece.end;
    }
    flat.push(tip);
    let bounds = bounds_of(flat.iter().chain(arrow.iter()).copied());
    Some(EdgeShape {
        start: points[0],
        pieces,
        arrow,
        flat,
        bounds,
    })
}

fn cubic_at(from: Point, piece: &Cubic, t: f64) -> Point {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    point(
        a * from.x + b * piece.c1.x + c * piece.c2.x + d * piece.end.x,
        a * from.y + b * piece.c1.y + c * piece.c2.y + d * piece.end.y,
    )
}

pub fn bounds_of(points: impl Iterator<Item = Point>) -> Bounds {
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for p in points {
        min_x = min_x.min(p.x);
        min_y = min_y.min(p.y);
        max_x = max_x.max(p.x);
        max_y = max_y.max(p.y);
    }
    if min_x > max_x {
        return Bounds {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: 0.0,
        };
    }
    Bounds {
        x: min_x,
        y: min_y,
        width: max_x - min_x,
        height: max_y - min_y,
    }
}

impl Bounds {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.x + self.width && y >= self.y && y <= self.y + self.height
    }

    pub fn intersects(&self, other: &Bounds) -> bool {
        self.x <= other.x + other.width
            && other.x <= self.x + self.width
            && self.y <= other.y + other.height
            && other.y <= self.y + self.height
    }

    pub fn inflate(&self, by: f64) -> Bounds {
        Bounds {
            x: self.x - by,
            y: self.y - by,
            width: self.width + 2.0 * by,
            height: self.height + 2.0 * by,
        }
    }
}

/// Distance from `(x, y)` to the segment `a`–`b`.
pub fn distance_to_segment(x: f64, y: f64, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len_sq = dx * dx + dy * dy;
    let t = if len_sq > 0.0 {
        (((x - a.x) * dx + (y - a.y) * dy) / len_sq).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (px, py) = (a.x + t * dx, a.y + t * dy);
    ((x - px).powi(2) + (y - py).powi(2)).sqrt()
}

/// Distance from `(x, y)` to a polyline.
pub fn distance_to_polyline(x: f64, y: f64, points: &[Point]) -> f64 {
    match points {
        [] => f64::INFINITY,
        [only] => ((x - only.x).powi(2) + (y - only.y).powi(2)).sqrt(),
        _ => points
            .windows(2)
            .map(|pair| distance_to_segment(x, y, pair[0], pair[1]))
            .fold(f64::INFINITY, f64::min),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_edge_stops_at_the_arrow_base() {
        let shape = edge_shape(&[point(50.0, 40.0), point(50.0, 100.0)]).unwrap();
        assert_eq!(shape.pieces.len(), 1);
        assert_eq!(shape.pieces[0].end, point(50.0, 100.0 - ARROW_LENGTH));
        assert_eq!(shape.arrow[0], point(50.0, 100.0));
        assert_eq!(
            [shape.arrow[1], shape.arrow[2]],
            [
                point(50.0 - ARROW_HALF_WIDTH, 93.0),
                point(50.0 + ARROW_HALF_WIDTH, 93.0)
            ]
        );
        assert_eq!(shape.flat.last(), Some(&point(50.0, 100.0)));
        assert_eq!(shape.bounds.y, 40.0);
        assert_eq!(shape.bounds.height, 60.0);
    }

    #[test]
    fn offset_edge_is_an_s_curve_with_vertical_ends() {
        let shape = edge_shape(&[point(0.0, 0.0), point(100.0, 100.0)]).unwrap();
        let piece = shape.pieces[0];
        assert_eq!(piece.c1.x, 0.0);
        assert_eq!(piece.c2.x, 100.0);
        // Half way down the curve is half way across.
        let mid = cubic_at(point(0.0, 0.0), &piece, 0.5);
        assert!((mid.x - 50.0).abs() < 1e-9);
    }

    #[test]
    fn long_edges_pass_through_every_point() {
        let points = [
            point(0.0, 0.0),
            point(10.0, 50.0),
            point(10.0, 100.0),
            point(0.0, 150.0),
        ];
        let shape = edge_shape(&points).unwrap();
        assert_eq!(shape.pieces.len(), 3);
        assert_eq!(shape.pieces[0].end, points[1]);
        assert_eq!(shape.pieces[1].end, points[2]);
        for p in &points {
            assert!(distance_to_polyline(p.x, p.y, &shape.flat) < 1e-9);
        }
    }

    #[test]
    fn flat_last_piece_points_the_arrow_sideways() {
        let shape = edge_shape(&[point(0.0, 0.0), point(40.0, 0.0)]).unwrap();
        assert_eq!(shape.arrow[0], point(40.0, 0.0));
        assert_eq!(shape.pieces[0].end, point(40.0 - ARROW_LENGTH, 0.0));
    }

    #[test]
    fn degenerate_routes_have_no_shape() {
        assert_eq!(edge_shape(&[]), None);
        assert_eq!(edge_shape(&[point(1.0, 1.0)]), None);
        assert_eq!(edge_shape(&[point(f64::NAN, 1.0), point(1.0, 2.0)]), None);
    }

    #[test]
    fn distances() {
        let a = point(0.0, 0.0);
        let b = point(10.0, 0.0);
        assert_eq!(distance_to_segment(5.0, 3.0, a, b), 3.0);
        assert_eq!(distance_to_segment(-3.0, 4.0, a, b), 5.0);
        assert_eq!(distance_to_segment(1.0, 1.0, a, a), 2f64.sqrt());
        assert_eq!(distance_to_polyline(0.0, 0.0, &[]), f64::INFINITY);
    }

    #[test]
    fn bounds_tests() {
        let bounds = Bounds {
            x: 0.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
        };
        assert!(bounds.contains(10.0, 0.0));
        assert!(!bounds.contains(10.1, 0.0));
        assert!(bounds.intersects(&bounds.inflate(-4.0)));
        let far = Bounds { x: 11.0, ..bounds };
        assert!(!bounds.intersects(&far));
        assert!(bounds.inflate(1.0).intersects(&far));
    }
}
