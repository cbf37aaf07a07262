//! The minimap's geometry: the whole graph scaled into a small box in a corner of the graph
//! area, the part the canvas shows as a rectangle on it, and minimap points back to the world
//! (a click there centres the view on that point). Pure maths.

use super::viewport::{Bounds, Size, Viewport};

/// The largest minimap, in CSS pixels; the graph's aspect ratio decides its actual size.
pub const MINIMAP_MAX: Size = Size {
    width: 180.0,
    height: 150.0,
};
/// A very tall or very wide graph still gets a minimap at least this wide and high (the graph
/// centred in it).
pub const MINIMAP_MIN_SIDE: f64 = 32.0;

/// A graph's minimap: its size and the world → minimap transform.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MiniMap {
    /// Minimap pixels per world unit.
    pub scale: f64,
    /// Size of the minimap in CSS pixels.
    pub size: Size,
    /// Where the world point `(graph.x, graph.y)` lands in the minimap.
    pub origin: (f64, f64),
    graph: Bounds,
}

impl MiniMap {
    /// The minimap of a graph with these bounds, no larger than `max`; `None` for an empty graph.
    pub fn new(graph: Bounds, max: Size) -> Option<MiniMap> {
        if !(graph.width > 0.0 && graph.height > 0.0) || max.is_empty() {
            return None;
        }
        let scale = (max.width / graph.width).min(max.height / graph.height);
        let drawn = Size {
            width: graph.width * scale,
            height: graph.height * scale,
        };
        let size = Size {
            width: drawn.width.max(MINIMAP_MIN_SIDE.min(max.width)).round(),
            height: drawn.height.max(MINIMAP_MIN_SIDE.min(max.height)).round(),
        };
        Some(MiniMap {
            scale,
            size,
            origin: (
                (size.width - drawn.width) / 2.0,
                (size.height - drawn.height) / 2.0,
            ),
            graph,
        })
    }

    /// A world point in minimap pixels.
    pub fn to_mini(&self, wx: f64, wy: f64) -> (f64, f64) {
        (
            (wx - self.graph.x) * self.scale + self.origin.0,
            (wy - self.graph.y) * self.scale + self.origin.1,
        )
    }

    /// A minimap point in world coordinates.
    pub fn to_world(&self, mx: f64, my: f64) -> (f64, f64) {
        (
            (mx - self.origin.0) / self.scale + self.graph.x,
            (my - self.origin.1) / self.scale + self.graph.y,
        )
    }

    /// The part of the world the canvas (`viewport`, `canvas`) shows, in minimap pixels.
    pub fn view_rect(&self, viewport: Viewport, canvas: Size) -> Bounds {
        let visible = viewport.visible_world(canvas);
        let (x, y) = self.to_mini(visible.x, visible.y);
        Bounds {
            x,
            y,
            width: visible.width * self.scale,
            height: visible.height * self.scale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    const GRAPH: Bounds = Bounds {
        x: 0.0,
        y: 0.0,
        width: 600.0,
        height: 3000.0,
    };

    #[test]
    fn a_tall_graph_fills_the_height() {
        let map = MiniMap::new(GRAPH, MINIMAP_MAX).expect("a map");
        assert!(close(map.scale, 0.05));
        assert_eq!(
            map.size,
            Size {
                width: 32.0,
                height: 150.0
            }
        );
        // 30 px of graph, centred in the minimum width.
        assert_eq!(map.to_mini(0.0, 0.0), (1.0, 0.0));
        assert_eq!(map.to_world(16.0, 75.0), (300.0, 1500.0));
        assert!(MiniMap::new(
            Bounds {
                width: 0.0,
                ..GRAPH
            },
            MINIMAP_MAX
        )
        .is_none());
    }

    #[test]
    fn the_view_rectangle_is_what_the_canvas_shows() {
        let map = MiniMap::new(GRAPH, MINIMAP_MAX).expect("a map");
        let canvas = Size {
            width: 800.0,
            height: 600.0,
        };
        // At 100 %, the canvas's top left at world (100, 1000).
        let viewport = Viewport {
            scale: 1.0,
            x: -100.0,
            y: -1000.0,
        };
        let rect = map.view_rect(viewport, canvas);
        assert!(close(rect.x, 6.0) && close(rect.y, 50.0));
        assert!(close(rect.width, 40.0) && close(rect.height, 30.0));
        // A click at the rectangle's centre centres the view where it already is.
        let (wx, wy) = map.to_world(rect.x + rect.width / 2.0, rect.y + rect.height / 2.0);
        let centred = Viewport::centred_on(wx, wy, viewport.scale, canvas);
        assert!(close(centred.x, viewport.x) && close(centred.y, viewport.y));
    }
}
