//! The page's panel layout: the width of the files panel (left of the graph), the width of the
//! side panel (node or model properties, right of the graph), the height of the bottom panel
//! (findings and profile tables), and which of them the user collapsed. Sizes change by dragging a splitter or by the arrow keys on a focused one, are
//! clamped so the graph always keeps room, and are kept across reloads in `localStorage`
//! (`opscope.panels`), as the theme is. Pure: the page measures, stores and applies it.

/// The `localStorage` key of the layout.
pub const STORAGE_KEY: &str = "opscope.panels";

/// The files panel's least width, CSS px (its default is the style sheet's 260).
pub const LEFT_MIN: f64 = 180.0;
/// The side panel's width bounds and default, CSS px.
pub const SIDE_MIN: f64 = 220.0;
pub const SIDE_DEFAULT: f64 = 340.0;
/// The bottom panel's least height, CSS px (its default is the style sheet's 44 %).
pub const BOTTOM_MIN: f64 = 160.0;
/// What the graph keeps beside the side panel and above the bottom panel, CSS px.
pub const GRAPH_MIN_WIDTH: f64 = 240.0;
pub const GRAPH_MIN_HEIGHT: f64 = 140.0;
/// One arrow key press on a splitter, and one with Shift, CSS px.
pub const KEY_STEP: f64 = 16.0;
pub const KEY_STEP_LARGE: f64 = 64.0;

/// Which splitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Splitter {
    /// Between the files panel and the graph: drags left and right.
    Left,
    /// Between the graph and the side panel: drags left and right.
    Side,
    /// Above the bottom panel: drags up and down.
    Bottom,
}

impl Splitter {
    /// The least and greatest size in a workspace of `room` px along the splitter's axis.
    pub fn bounds(self, room: f64) -> (f64, f64) {
        let (min, graph) = match self {
            Splitter::Left => (LEFT_MIN, GRAPH_MIN_WIDTH),
            Splitter::Side => (SIDE_MIN, GRAPH_MIN_WIDTH),
            Splitter::Bottom => (BOTTOM_MIN, GRAPH_MIN_HEIGHT),
        };
        let room = if room.is_finite() { room } else { 0.0 };
        (min, (room - graph).max(min))
    }

    /// `size` kept within [`Splitter::bounds`]; a size that is not a number gives the least.
    pub fn clamp(self, size: f64, room: f64) -> f64 {
        let (min, max) = self.bounds(room);
        if size.is_finite() {
            size.clamp(min, max)
        } else {
            min
        }
    }

    /// The size after a key on the focused splitter (`ArrowLeft`, `Home`...), or `None` for a
    /// key it does not take. The panel grows toward the graph: right for the files panel, left
    /// for the side panel, up for the bottom one. Home and End go to the least and greatest size.
    pub fn key_step(self, key: &str, shift: bool, size: f64, room: f64) -> Option<f64> {
        let step = if shift { KEY_STEP_LARGE } else { KEY_STEP };
        let (min, max) = self.bounds(room);
        let next = match (self, key) {
            (Splitter::Left, "ArrowRight")
            | (Splitter::Side, "ArrowLeft")
            | (Splitter::Bottom, "ArrowUp") => size + step,
            (Splitter::Left, "ArrowLeft")
            | (Splitter::Side, "ArrowRight")
            | (Splitter::Bottom, "ArrowDown") => size - step,
            (_, "Home") => min,
            (_, "End") => max,
            _ => return None,
        };
        Some(self.clamp(next, room))
    }

    /// The size during a drag that started at `start` px with the panel `start_size` px and is
    /// now at `at` px (client x for the files and side panels, y for the bottom one). The files
    /// panel grows as its splitter moves right, the others as theirs moves left or up.
    pub fn drag(self, start: f64, start_size: f64, at: f64, room: f64) -> f64 {
        let grown = match self {
            Splitter::Left => at - start,
            Splitter::Side | Splitter::Bottom => start - at,
        };
        self.clamp(start_size + grown, room)
    }
}

/// The sizes and collapsed states of the panels; `None` sizes keep the style sheet's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PanelLayout {
    pub left_width: Option<f64>,
    pub side_width: Option<f64>,
    pub bottom_height: Option<f64>,
    pub side_collapsed: bool,
    pub bottom_collapsed: bool,
    /// The files panel folded to its heading.
    pub left_collapsed: bool,
}

impl PanelLayout {
    /// The layout as stored: `left=260;side=340;bottom=300;side_collapsed=1;bottom_collapsed=0;
    /// left_collapsed=0` (a layout stored before the files panel lacks its parts).
    pub fn to_storage(&self) -> String {
        let mut parts = Vec::new();
        if let Some(width) = self.left_width {
            parts.push(format!("left={width:.0}"));
        }
        if let Some(width) = self.side_width {
            parts.push(format!("side={width:.0}"));
        }
        if let Some(height) = self.bottom_height {
            parts.push(format!("bottom={height:.0}"));
        }
        parts.push(format!("side_collapsed={}", u8::from(self.side_collapsed)));
        parts.push(format!(
            "bottom_collapsed={}",
            u8::from(self.bottom_collapsed)
        ));
        parts.push(format!("left_collapsed={}", u8::from(self.left_collapsed)));
        parts.join(";")
    }

    /// A stored layout; parts that do not read (an older or edited value) are left at their
    /// defaults, and sizes below a panel's least are raised to it.
    pub fn from_storage(text: &str) -> PanelLayout {
        let mut layout = PanelLayout::default();
        for part in text.split(';') {
            let Some((key, value)) = part.split_once('=') else {
                continue;
            };
            let size = value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0);
            match key.trim() {
                "left" => layout.left_width = size.map(|w| w.max(LEFT_MIN)),
                "side" => layout.side_width = size.map(|w| w.max(SIDE_MIN)),
                "bottom" => layout.bottom_height = size.map(|h| h.max(BOTTOM_MIN)),
                "side_collapsed" => layout.side_collapsed = value.trim() == "1",
                "bottom_collapsed" => layout.bottom_collapsed = value.trim() == "1",
                "left_collapsed" => layout.left_collapsed = value.trim() == "1",
                _ => {}
            }
        }
        layout
    }

    pub fn size(&self, splitter: Splitter) -> Option<f64> {
        match splitter {
            Splitter::Left => self.left_width,
            Splitter::Side => self.side_width,
            Splitter::Bottom => self.bottom_height,
        }
    }

    /// The layout with `splitter`'s panel at `size`.
    pub fn with_size(mut self, splitter: Splitter, size: f64) -> PanelLayout {
        match splitter {
            Splitter::Left => self.left_width = Some(size),
            Splitter::Side => self.side_width = Some(size),
            Splitter::Bottom => self.bottom_height = Some(size),
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_stay_within_the_room_the_graph_leaves() {
        assert_eq!(Splitter::Side.clamp(100.0, 1200.0), SIDE_MIN);
        assert_eq!(
            Splitter::Side.clamp(2000.0, 1200.0),
            1200.0 - GRAPH_MIN_WIDTH
        );
        assert_eq!(
            Splitter::Bottom.clamp(500.0, 600.0),
            600.0 - GRAPH_MIN_HEIGHT
        );
        assert_eq!(Splitter::Bottom.clamp(f64::NAN, 600.0), BOTTOM_MIN);
        // A workspace too small for both keeps the panel's least size.
        assert_eq!(Splitter::Side.bounds(300.0), (SIDE_MIN, SIDE_MIN));
    }

    #[test]
    fn keys_grow_the_panel_toward_the_graph() {
        let side = Splitter::Side;
        assert_eq!(
            side.key_step("ArrowLeft", false, 300.0, 1200.0),
            Some(316.0)
        );
        assert_eq!(
            side.key_step("ArrowRight", true, 300.0, 1200.0),
            Some(236.0)
        );
        assert_eq!(side.key_step("ArrowUp", false, 300.0, 1200.0), None);
        assert_eq!(side.key_step("Home", false, 300.0, 1200.0), Some(SIDE_MIN));
        assert_eq!(side.key_step("End", false, 300.0, 1200.0), Some(960.0));
        let bottom = Splitter::Bottom;
        assert_eq!(bottom.key_step("ArrowUp", false, 300.0, 800.0), Some(316.0));
        assert_eq!(
            bottom.key_step("ArrowDown", false, 170.0, 800.0),
            Some(BOTTOM_MIN)
        );
        assert_eq!(bottom.key_step("ArrowLeft", false, 300.0, 800.0), None);
        // Dragging up 50 px grows the bottom panel by 50.
        assert_eq!(bottom.drag(500.0, 300.0, 450.0, 800.0), 350.0);
        assert_eq!(side.drag(900.0, 340.0, 940.0, 1200.0), 300.0);
        // The files panel, left of the graph, grows to the right.
        let left = Splitter::Left;
        assert_eq!(left.drag(260.0, 260.0, 300.0, 1200.0), 300.0);
        assert_eq!(
            left.key_step("ArrowRight", false, 260.0, 1200.0),
            Some(276.0)
        );
        assert_eq!(
            left.key_step("ArrowLeft", true, 200.0, 1200.0),
            Some(LEFT_MIN)
        );
        assert_eq!(left.key_step("ArrowUp", false, 260.0, 1200.0), None);
    }

    #[test]
    fn the_layout_round_trips_through_storage() {
        let layout = PanelLayout {
            left_width: Some(300.0),
            side_width: Some(412.0),
            bottom_height: Some(288.0),
            side_collapsed: true,
            bottom_collapsed: false,
            left_collapsed: true,
        };
        assert_eq!(PanelLayout::from_storage(&layout.to_storage()), layout);
        assert_eq!(
            PanelLayout::from_storage(&PanelLayout::default().to_storage()),
            PanelLayout::default()
        );
        // Damaged or hostile values fall back instead of breaking the page.
        let odd = PanelLayout::from_storage("side=abc;bottom=-5;x=1;side_collapsed=yes;bottom=12");
        assert_eq!(odd.side_width, None);
        assert_eq!(odd.bottom_height, Some(BOTTOM_MIN));
        assert!(!odd.side_collapsed);
        assert_eq!(PanelLayout::from_storage(""), PanelLayout::default());
    }
}
