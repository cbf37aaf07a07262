//! World (layout) coordinates against canvas pixels: zoom about a point, pan, fit a box, the
//! view a graph opens with. Pure maths, no state.

/// Size of the canvas in CSS pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

impl Size {
    pub fn is_empty(self) -> bool {
        !(self.width > 0.0 && self.height > 0.0)
    }
}

/// Axis-aligned box in world (layout) coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Bounds {
    /// A laid-out box.
    pub fn of_rect(rect: &opscope_engine::layout::Rect) -> Bounds {
        Bounds {
            x: rect.x,
            y: rect.y,
            width: rect.width,
            height: rect.height,
        }
    }
}

/// Maps world (layout) coordinates to canvas CSS pixels: `screen = world * scale + (x, y)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub scale: f64,
    pub x: f64,
    pub y: f64,
}

impl Default for Viewport {
    fn default() -> Viewport {
        Viewport {
            scale: 1.0,
            x: 0.0,
            y: 0.0,
        }
    }
}

/// Largest zoom; also the zoom "fit" never exceeds so small graphs are not blown up.
pub const MAX_SCALE: f64 = 8.0;
pub const FIT_MAX_SCALE: f64 = 1.0;
/// Space kept around the graph when fitting, in CSS pixels.
pub const FIT_PADDING: f64 = 24.0;
/// Zoom at which node text is still comfortable to read; a loaded graph opens at least this
/// close (see [`Viewport::opening`]).
pub const READABLE_SCALE: f64 = 0.8;
/// Zoom factor of one zoom-in / zoom-out step (buttons and keys).
pub const ZOOM_STEP: f64 = 1.25;

impl Viewport {
    pub fn to_screen(&self, world_x: f64, world_y: f64) -> (f64, f64) {
        (world_x * self.scale + self.x, world_y * self.scale + self.y)
    }

    pub fn to_world(&self, screen_x: f64, screen_y: f64) -> (f64, f64) {
        (
            (screen_x - self.x) / self.scale,
            (screen_y - self.y) / self.scale,
        )
    }

    /// The part of the world a canvas of `size` shows.
    pub fn visible_world(&self, size: Size) -> Bounds {
        let (x, y) = self.to_world(0.0, 0.0);
        Bounds {
            x,
            y,
            width: size.width / self.scale,
            height: size.height / self.scale,
        }
    }

    /// Zooms by `factor` keeping the world point under the screen point `(sx, sy)` in place;
    /// the resulting scale is clamped to `[min_scale, MAX_SCALE]`.
    pub fn zoom_at(&self, sx: f64, sy: f64, factor: f64, min_scale: f64) -> Viewport {
        if !factor.is_finite() || factor <= 0.0 {
            return *self;
        }
        let scale = (self.scale * factor).clamp(min_scale, MAX_SCALE);
        let (wx, wy) = self.to_world(sx, sy);
        Viewport {
            scale,
            x: sx - wx * scale,
            y: sy - wy * scale,
        }
    }

    pub fn pan(&self, dx: f64, dy: f64) -> Viewport {
        Viewport {
            scale: self.scale,
            x: self.x + dx,
            y: self.y + dy,
        }
    }

    /// The viewport that shows all of `bounds` centred in `size`, never zoomed in beyond
    /// [`FIT_MAX_SCALE`].
    pub fn fit(bounds: Bounds, size: Size) -> Viewport {
        if size.is_empty() {
            return Viewport::default();
        }
        let avail_w = (size.width - 2.0 * FIT_PADDING).max(1.0);
        let avail_h = (size.height - 2.0 * FIT_PADDING).max(1.0);
        let scale_w = if bounds.width > 0.0 {
            avail_w / bounds.width
        } else {
            FIT_MAX_SCALE
        };
        let scale_h = if bounds.height > 0.0 {
            avail_h / bounds.height
        } else {
            FIT_MAX_SCALE
        };
        let scale = scale_w.min(scale_h).min(FIT_MAX_SCALE);
        Viewport {
            scale,
            x: (size.width - bounds.width * scale) / 2.0 - bounds.x * scale,
            y: (size.height - bounds.height * scale) / 2.0 - bounds.y * scale,
        }
    }

    /// The view a freshly loaded graph opens with: the whole graph when it fits at a readable
    /// zoom, else the first nodes in reading order (`start`, see [`reading_start`]) at
    /// [`READABLE_SCALE`], their top just below the canvas's top edge and centred across (as
    /// Netron opens), so a tall network does not open as an unreadable strip and a staircase or
    /// a wide fan-out does not open on the empty middle of its bounding box. Without `start`, the
    /// top of the bounding box, centred. `f` still fits it all.
    pub fn opening(bounds: Bounds, start: Option<Bounds>, size: Size) -> Viewport {
        let fit = Viewport::fit(bounds, size);
        if fit.scale >= READABLE_SCALE || size.is_empty() {
            return fit;
        }
        let scale = READABLE_SCALE;
        let focus = start.unwrap_or(Bounds {
            height: 0.0,
            ..bounds
        });
        let centred = size.width / 2.0 - (focus.x + focus.width / 2.0) * scale;
        // Centring the start can leave part of the screen empty while the graph runs on past
        // the other edge (a start in the top left corner of a grid of small parts), or cut the
        // row at the screen's left edge through a node: a graph as wide as the screen is
        // centred whole; a wider one whose start is near its left edge is shown from that edge.
        let left_aligned = FIT_PADDING - bounds.x * scale;
        let fits_from_left =
            (focus.x + focus.width - bounds.x) * scale + 2.0 * FIT_PADDING <= size.width;
        let wider_than_screen = bounds.width * scale + 2.0 * FIT_PADDING > size.width;
        let x = if !wider_than_screen {
            // Only too tall: the whole width is shown, centred (the start is in it).
            (size.width - bounds.width * scale) / 2.0 - bounds.x * scale
        } else if fits_from_left {
            left_aligned
        } else {
            centred
        };
        Viewport {
            scale,
            x,
            y: FIT_PADDING - focus.y * scale,
        }
    }

    /// Centres the world point `(wx, wy)` in `size` at `scale`.
    pub fn centred_on(wx: f64, wy: f64, scale: f64, size: Size) -> Viewport {
        Viewport {
            scale,
            x: size.width / 2.0 - wx * scale,
            y: size.height / 2.0 - wy * scale,
        }
    }
}

/// The box of the first nodes in reading order, for the opening view: the first graph input
/// (top-most, then left-most; the first node when the graph has no inputs) and as many of the
/// nodes it feeds, nearest first, as fit across `size` at [`READABLE_SCALE`] together with it.
/// `rects` are node boxes in world coordinates, `inputs` the indices of input nodes, `edges`
/// `(from, to)` index pairs. `None` for an empty graph.
pub fn reading_start(
    rects: &[Bounds],
    inputs: &[usize],
    edges: &[(usize, usize)],
    size: Size,
) -> Option<Bounds> {
    let reading_key = |idx: &usize| {
        rects
            .get(*idx)
            .map_or((f64::INFINITY, f64::INFINITY), |r| (r.y, r.x))
    };
    let first = inputs
        .iter()
        .copied()
        .filter(|&idx| idx < rects.len())
        .min_by(|a, b| {
            reading_key(a)
                .partial_cmp(&reading_key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .or_else(|| {
            (0..rects.len()).min_by(|a, b| {
                reading_key(a)
                    .partial_cmp(&reading_key(b))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
        })?;
    let mut start = rects[first];
    let room = if size.is_empty() {
        f64::INFINITY
    } else {
        (size.width - 2.0 * FIT_PADDING).max(1.0) / READABLE_SCALE
    };
    let mut consumers: Vec<usize> = edges
        .iter()
        .filter(|&&(from, to)| from == first && to < rects.len() && to != first)
        .map(|&(_, to)| to)
        .collect();
    let anchor_x = start.x + start.width / 2.0;
    consumers.sort_by(|a, b| {
        let distance = |idx: &usize| {
            let r = rects[*idx];
            (r.y, (r.x + r.width / 2.0 - anchor_x).abs())
        };
        distance(a)
            .partial_cmp(&distance(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    consumers.dedup();
    for idx in consumers {
        let grown = union(start, rects[idx]);
        if grown.width > room {
            break;
        }
        start = grown;
    }
    Some(start)
}

fn union(a: Bounds, b: Bounds) -> Bounds {
    let x = a.x.min(b.x);
    let y = a.y.min(b.y);
    Bounds {
        x,
        y,
        width: (a.x + a.width).max(b.x + b.width) - x,
        height: (a.y + a.height).max(b.y + b.height) - y,
    }
}

/// The smallest zoom allowed for a graph: half of what fits it, and never more than 0.25 (so any
/// graph can be seen whole), never less than 1e-4.
pub fn min_scale(graph: Bounds, size: Size) -> f64 {
    let fit = Viewport::fit(graph, size).scale;
    (fit * 0.5).clamp(1e-4, 0.25)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    const CANVAS: Size = Size {
        width: 800.0,
        height: 600.0,
    };

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let viewport = Viewport {
            scale: 0.5,
            x: 30.0,
            y: -40.0,
        };
        let before = viewport.to_world(200.0, 150.0);
        let zoomed = viewport.zoom_at(200.0, 150.0, 1.7, 0.01);
        let after = zoomed.to_world(200.0, 150.0);
        assert!(close(zoomed.scale, 0.85));
        assert!(close(before.0, after.0) && close(before.1, after.1));
    }

    #[test]
    fn zoom_is_clamped_and_ignores_bad_factors() {
        let viewport = Viewport::default();
        assert!(close(viewport.zoom_at(0.0, 0.0, 1e6, 0.1).scale, MAX_SCALE));
        assert!(close(viewport.zoom_at(0.0, 0.0, 1e-6, 0.1).scale, 0.1));
        assert_eq!(viewport.zoom_at(5.0, 5.0, f64::NAN, 0.1), viewport);
        assert_eq!(viewport.zoom_at(5.0, 5.0, 0.0, 0.1), viewport);
    }

    #[test]
    fn fit_centres_the_graph_inside_the_padding() {
        let bounds = Bounds {
            x: 0.0,
            y: 0.0,
            width: 1000.0,
            height: 4000.0,
        };
        let viewport = Viewport::fit(bounds, CANVAS);
        // Height decides: (600 - 48) / 4000.
        assert!(close(viewport.scale, 552.0 / 4000.0));
        let (left, top) = viewport.to_screen(0.0, 0.0);
        let (right, bottom) = viewport.to_screen(1000.0, 4000.0);
        assert!(close(top, FIT_PADDING) && close(bottom, 600.0 - FIT_PADDING));
        assert!(close(left + right, 800.0));
    }

    #[test]
    fn fit_does_not_blow_up_small_graphs() {
        let bounds = Bounds {
            x: 10.0,
            y: 10.0,
            width: 100.0,
            height: 50.0,
        };
        let viewport = Viewport::fit(bounds, CANVAS);
        assert!(close(viewport.scale, FIT_MAX_SCALE));
        assert_eq!(viewport.to_screen(60.0, 35.0), (400.0, 300.0));
    }

    #[test]
    fn visible_world_inverts_the_transform() {
        let viewport = Viewport {
            scale: 2.0,
            x: 100.0,
            y: 50.0,
        };
        let visible = viewport.visible_world(CANVAS);
        assert_eq!(
            visible,
            Bounds {
                x: -50.0,
                y: -25.0,
                width: 400.0,
                height: 300.0
            }
        );
    }

    #[test]
    fn a_small_graph_opens_fitted() {
        let bounds = Bounds {
            x: 0.0,
            y: 0.0,
            width: 300.0,
            height: 200.0,
        };
        assert_eq!(
            Viewport::opening(bounds, None, CANVAS),
            Viewport::fit(bounds, CANVAS)
        );
    }

    fn node(x: f64, y: f64) -> Bounds {
        Bounds {
            x,
            y,
            width: 120.0,
            height: 40.0,
        }
    }

    fn bounds_of(rects: &[Bounds]) -> Bounds {
        rects.iter().copied().reduce(union).expect("nodes")
    }

    /// Whether the whole of `rect` is on the canvas.
    fn on_screen(viewport: Viewport, rect: Bounds, size: Size) -> bool {
        let (left, top) = viewport.to_screen(rect.x, rect.y);
        let (right, bottom) = viewport.to_screen(rect.x + rect.width, rect.y + rect.height);
        left >= 0.0 && top >= 0.0 && right <= size.width && bottom <= size.height
    }

    fn opening_of(rects: &[Bounds], inputs: &[usize], edges: &[(usize, usize)]) -> Viewport {
        let start = reading_start(rects, inputs, edges, CANVAS);
        Viewport::opening(bounds_of(rects), start, CANVAS)
    }

    #[test]
    fn a_staircase_opens_on_its_first_nodes_not_on_the_empty_middle() {
        // 48 blocks, each further right and down: the bounding box's top centre is empty.
        let rects: Vec<Bounds> = (0..48)
            .map(|i| node(f64::from(i) * 400.0, f64::from(i) * 300.0))
            .collect();
        let edges: Vec<(usize, usize)> = (1..48).map(|i| (i - 1, i)).collect();
        let viewport = opening_of(&rects, &[0], &edges);
        assert!(close(viewport.scale, READABLE_SCALE));
        assert!(on_screen(viewport, rects[0], CANVAS), "{viewport:?}");
        // The old opening (top centre of the bounding box) showed none of the nodes.
        let old = Viewport::opening(bounds_of(&rects), None, CANVAS);
        assert!(!rects.iter().any(|&r| on_screen(old, r, CANVAS)));
    }

    #[test]
    fn a_wide_fan_out_opens_on_the_input_and_its_nearest_readers() {
        // One input at the far left feeding 40 blocks spread across 16,000 units, each block a
        // column of 30 nodes below it.
        let mut rects = vec![node(0.0, 0.0)];
        let mut edges = Vec::new();
        for block in 0..40 {
            let x = f64::from(block) * 400.0;
            for row in 0..30 {
                let idx = rects.len();
                rects.push(node(x, 100.0 + f64::from(row) * 80.0));
                edges.push((if row == 0 { 0 } else { idx - 1 }, idx));
            }
        }
        let viewport = opening_of(&rects, &[0], &edges);
        assert!(on_screen(viewport, rects[0], CANVAS));
        assert!(
            on_screen(viewport, rects[1], CANVAS),
            "its first reader too"
        );
    }

    #[test]
    fn a_graph_without_inputs_opens_on_its_top_left_node() {
        let rects = vec![node(5000.0, 900.0), node(3000.0, 0.0), node(9000.0, 0.0)];
        let tall = [rects.clone(), vec![node(0.0, 20_000.0)]].concat();
        let viewport = opening_of(&tall, &[], &[]);
        assert!(on_screen(viewport, tall[1], CANVAS));
        assert_eq!(reading_start(&[], &[], &[], CANVAS), None);
    }

    #[test]
    fn a_wide_row_starting_near_its_left_edge_opens_from_that_edge_not_cut() {
        // A row of 100 unconnected nodes (a GE variables graph), the first input the fifth:
        // centred on it, the first nodes were off the screen's left edge, one of them cut.
        let rects: Vec<Bounds> = (0..100).map(|i| node(f64::from(i) * 190.0, 0.0)).collect();
        let viewport = opening_of(&rects, &[4], &[]);
        assert!(close(viewport.scale, READABLE_SCALE));
        for rect in &rects[..5] {
            assert!(
                on_screen(viewport, *rect, CANVAS),
                "{rect:?} cut: {viewport:?}"
            );
        }
        let (left, _) = viewport.to_screen(rects[0].x, 0.0);
        assert!(close(left, FIT_PADDING), "{left}");
    }

    #[test]
    fn a_wide_grid_starting_top_left_opens_from_its_left_edge_not_half_empty() {
        // Small parts packed in rows (a GE variables graph), the first at the top left: centred
        // on it, the left half of the screen was empty and the rows ran off the right edge.
        let rects: Vec<Bounds> = (0..120)
            .map(|i| node(f64::from(i % 20) * 250.0, f64::from(i / 20) * 300.0))
            .collect();
        let viewport = opening_of(&rects, &[0], &[]);
        assert!(close(viewport.scale, READABLE_SCALE));
        let (left, _) = viewport.to_screen(rects[0].x, 0.0);
        assert!(close(left, FIT_PADDING), "{left}");
        let shown = rects[..20]
            .iter()
            .filter(|r| on_screen(viewport, **r, CANVAS))
            .count();
        let old_x = CANVAS.width / 2.0 - (rects[0].x + rects[0].width / 2.0) * READABLE_SCALE;
        let old = Viewport {
            x: old_x,
            ..viewport
        };
        let shown_before = rects[..20]
            .iter()
            .filter(|r| on_screen(old, **r, CANVAS))
            .count();
        assert!(
            shown > shown_before,
            "{shown} nodes of the first row, {shown_before} before"
        );
    }

    #[test]
    fn a_tall_graph_as_wide_as_the_screen_opens_centred_whole_not_on_its_start() {
        // Rows of four parts (a packed GE graph), too tall to fit: centred on the first part,
        // the left of the screen was empty and the last column cut.
        let rects: Vec<Bounds> = (0..80)
            .map(|i| node(f64::from(i % 4) * 250.0, f64::from(i / 4) * 300.0))
            .collect();
        let viewport = opening_of(&rects, &[0], &[]);
        assert!(close(viewport.scale, READABLE_SCALE));
        for rect in &rects[..4] {
            assert!(
                on_screen(viewport, *rect, CANVAS),
                "{rect:?} cut: {viewport:?}"
            );
        }
        let (left, _) = viewport.to_screen(0.0, 0.0);
        let (right, _) = viewport.to_screen(bounds_of(&rects).width, 0.0);
        assert!(close(left, CANVAS.width - right), "centred: {left} {right}");
    }

    #[test]
    fn a_graph_that_fits_readably_opens_fitted() {
        let rects = vec![node(0.0, 0.0), node(0.0, 100.0)];
        let viewport = opening_of(&rects, &[0], &[(0, 1)]);
        assert_eq!(viewport, Viewport::fit(bounds_of(&rects), CANVAS));
    }
}
