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
    /// zoom, else the top of the graph at [`READABLE_SCALE`], centred horizontally (as Netron
    /// opens), so a tall network does not open as an unreadable strip. `f` still fits it all.
    pub fn opening(bounds: Bounds, size: Size) -> Viewport {
        let fit = Viewport::fit(bounds, size);
        if fit.scale >= READABLE_SCALE || size.is_empty() {
            return fit;
        }
        let scale = READABLE_SCALE;
        Viewport {
            scale,
            x: size.width / 2.0 - (bounds.x + bounds.width / 2.0) * scale,
            y: FIT_PADDING - bounds.y * scale,
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
            Viewport::opening(bounds, CANVAS),
            Viewport::fit(bounds, CANVAS)
        );
    }
}
