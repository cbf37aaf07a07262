//! The app's state and every way it changes: a reducer with no browser in it, so selection,
//! viewport maths and the handling of stale worker results are tested natively.
//!
//! Components read [`AppState`] and send [`Action`]s; they never change state any other way.

use std::rc::Rc;

use opscope_engine::report::GraphView;
use yew::Reducible;

use crate::worker::protocol::{FromWorker, Stage, Timings};

/// A loaded graph. Compared by identity, so passing it as a prop never walks 50,000 nodes.
#[derive(Debug, Clone)]
pub struct GraphHandle {
    pub generation: u64,
    pub file_name: String,
    pub view: Rc<GraphView>,
}

impl PartialEq for GraphHandle {
    fn eq(&self, other: &GraphHandle) -> bool {
        self.generation == other.generation && Rc::ptr_eq(&self.view, &other.view)
    }
}

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

/// What the page is fetching or the worker is computing.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadStage {
    /// The page reads the file the user chose.
    Reading,
    /// The page downloads a bundled sample.
    Fetching,
    Parsing {
        n_bytes: u64,
    },
    Layout {
        n_nodes: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Loading {
    pub generation: u64,
    pub file_name: String,
    pub stage: LoadStage,
    pub started_ms: f64,
}

impl Loading {
    /// The status bar's progress text.
    pub fn describe(&self) -> String {
        match &self.stage {
            LoadStage::Reading => format!("Reading {}…", self.file_name),
            LoadStage::Fetching => format!("Fetching {}…", self.file_name),
            LoadStage::Parsing { n_bytes } => {
                format!("Parsing {} ({})…", self.file_name, format_bytes(*n_bytes))
            }
            LoadStage::Layout { n_nodes } => format!("Laying out {n_nodes} nodes…"),
        }
    }
}

/// Timing of the last successful load, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadStats {
    pub timings: Timings,
    /// Page clock (ms) of the user's action.
    pub started_ms: f64,
    /// From the user's action to the graph received by the page.
    pub received_ms: f64,
    /// From the user's action to the first complete draw.
    pub drawn_ms: Option<f64>,
}

/// The value of `#graph[data-graph-state]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphState {
    Empty,
    Loading,
    Drawn,
    Error,
}

impl GraphState {
    pub fn as_str(self) -> &'static str {
        match self {
            GraphState::Empty => "empty",
            GraphState::Loading => "loading",
            GraphState::Drawn => "drawn",
            GraphState::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    /// The newest load the user asked for; results of older ones are dropped.
    pub generation: u64,
    pub loading: Option<Loading>,
    pub graph: Option<GraphHandle>,
    /// The current graph has been drawn completely at least once.
    pub drawn: bool,
    pub error: Option<String>,
    /// Index into `GraphView::nodes`.
    pub selection: Option<usize>,
    pub viewport: Viewport,
    pub canvas: Size,
    /// Fit the graph as soon as the canvas has a size.
    pub fit_pending: bool,
    pub stats: Option<LoadStats>,
    /// The model panel (format, inputs, outputs, metadata) is open; a selected node's panel
    /// takes its place while there is a selection.
    pub model_panel: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The user chose a file or a sample; `generation` must be newer than any before.
    LoadStarted {
        generation: u64,
        file_name: String,
        stage: LoadStage,
        now_ms: f64,
    },
    /// The page could not get the bytes (read error, failed download).
    LoadFailed {
        generation: u64,
        message: String,
    },
    Worker {
        msg: FromWorker,
        now_ms: f64,
    },
    /// The canvas finished drawing the graph of this generation.
    Drawn {
        generation: u64,
        now_ms: f64,
    },
    Select(Option<usize>),
    /// Select a node and bring it into view at a readable zoom.
    Reveal(usize),
    CanvasResized(Size),
    PanBy {
        dx: f64,
        dy: f64,
    },
    /// Zoom by `factor` about the canvas point `(x, y)`.
    ZoomAt {
        x: f64,
        y: f64,
        factor: f64,
    },
    /// Zoom by `factor` about the canvas centre.
    ZoomBy(f64),
    /// Zoom to 100 % about the canvas centre.
    ActualSize,
    Fit,
    DismissError,
    ToggleModelPanel,
    /// Escape: clear the selection, else close the model panel.
    Dismiss,
}

/// Zoom at which `Reveal` shows a node.
const REVEAL_SCALE: f64 = 1.0;

impl AppState {
    pub fn graph_state(&self) -> GraphState {
        match (&self.graph, &self.loading) {
            (_, Some(_)) => GraphState::Loading,
            (Some(_), None) if self.drawn => GraphState::Drawn,
            (Some(_), None) => GraphState::Loading,
            (None, None) if self.error.is_some() => GraphState::Error,
            (None, None) => GraphState::Empty,
        }
    }

    /// What the page is busy with, for the status bar: a load, or drawing a new graph.
    pub fn progress(&self) -> Option<String> {
        match (&self.loading, &self.graph) {
            (Some(loading), _) => Some(loading.describe()),
            (None, Some(graph)) if !self.drawn => {
                Some(format!("Drawing {} nodes…", graph.view.node_count))
            }
            _ => None,
        }
    }

    pub fn graph_bounds(&self) -> Option<Bounds> {
        self.graph.as_ref().map(|g| Bounds {
            x: 0.0,
            y: 0.0,
            width: g.view.width,
            height: g.view.height,
        })
    }

    pub fn min_scale(&self) -> f64 {
        match self.graph_bounds() {
            Some(bounds) if !self.canvas.is_empty() => min_scale(bounds, self.canvas),
            _ => 0.01,
        }
    }

    pub fn selected_node(&self) -> Option<&opscope_engine::report::ViewNode> {
        let graph = self.graph.as_ref()?;
        graph.view.nodes.get(self.selection?)
    }

    fn fitted(&self) -> Option<Viewport> {
        let bounds = self.graph_bounds()?;
        if self.canvas.is_empty() {
            return None;
        }
        Some(Viewport::fit(bounds, self.canvas))
    }

    fn opening_view(&self) -> Option<Viewport> {
        let bounds = self.graph_bounds()?;
        if self.canvas.is_empty() {
            return None;
        }
        Some(Viewport::opening(bounds, self.canvas))
    }

    /// Applies one action; pure, so the same state and action always give the same result.
    pub fn apply(mut self, action: Action) -> AppState {
        match action {
            Action::LoadStarted {
                generation,
                file_name,
                stage,
                now_ms,
            } => {
                if generation <= self.generation {
                    return self;
                }
                self.generation = generation;
                self.error = None;
                self.loading = Some(Loading {
                    generation,
                    file_name,
                    stage,
                    started_ms: now_ms,
                });
            }
            Action::LoadFailed {
                generation,
                message,
            } => self.fail(generation, message),
            Action::Worker { msg, now_ms } => self = self.worker_said(msg, now_ms),
            Action::Drawn { generation, now_ms } => {
                let current = self.graph.as_ref().map(|g| g.generation);
                if current == Some(generation) && !self.drawn {
                    self.drawn = true;
                    if let Some(stats) = self.stats.as_mut() {
                        stats.drawn_ms = Some(now_ms - stats.started_ms);
                    }
                }
            }
            Action::Select(selection) => {
                let n_nodes = self.graph.as_ref().map_or(0, |g| g.view.nodes.len());
                self.selection = selection.filter(|&idx| idx < n_nodes);
            }
            Action::Reveal(node_idx) => {
                let rect = self
                    .graph
                    .as_ref()
                    .and_then(|g| g.view.nodes.get(node_idx))
                    .map(|n| n.rect);
                if let Some(rect) = rect {
                    self.selection = Some(node_idx);
                    if !self.canvas.is_empty() {
                        let scale = self.viewport.scale.max(REVEAL_SCALE);
                        self.viewport = Viewport::centred_on(
                            rect.x + rect.width / 2.0,
                            rect.y + rect.height / 2.0,
                            scale,
                            self.canvas,
                        );
                    }
                }
            }
            Action::CanvasResized(size) => {
                // Keep the world point at the centre where it is, so opening the properties
                // panel or the error banner does not push the graph off to one side.
                if !self.canvas.is_empty() && !size.is_empty() {
                    self.viewport = self.viewport.pan(
                        (size.width - self.canvas.width) / 2.0,
                        (size.height - self.canvas.height) / 2.0,
                    );
                }
                self.canvas = size;
                if self.fit_pending {
                    if let Some(viewport) = self.opening_view() {
                        self.viewport = viewport;
                        self.fit_pending = false;
                    }
                }
            }
            Action::PanBy { dx, dy } => {
                if dx.is_finite() && dy.is_finite() {
                    self.viewport = self.viewport.pan(dx, dy);
                }
            }
            Action::ZoomAt { x, y, factor } => {
                let min_scale = self.min_scale();
                self.viewport = self.viewport.zoom_at(x, y, factor, min_scale);
            }
            Action::ZoomBy(factor) => {
                let min_scale = self.min_scale();
                let (cx, cy) = (self.canvas.width / 2.0, self.canvas.height / 2.0);
                self.viewport = self.viewport.zoom_at(cx, cy, factor, min_scale);
            }
            Action::ActualSize => {
                let min_scale = self.min_scale();
                let (cx, cy) = (self.canvas.width / 2.0, self.canvas.height / 2.0);
                let factor = 1.0 / self.viewport.scale;
                self.viewport = self.viewport.zoom_at(cx, cy, factor, min_scale);
            }
            Action::Fit => match self.fitted() {
                Some(viewport) => self.viewport = viewport,
                None => self.fit_pending = self.graph.is_some(),
            },
            Action::DismissError => self.error = None,
            Action::ToggleModelPanel => {
                let showing = self.model_panel && self.selection.is_none();
                self.model_panel = self.graph.is_some() && !showing;
                self.selection = None;
            }
            Action::Dismiss => {
                if self.selection.is_some() {
                    self.selection = None;
                } else {
                    self.model_panel = false;
                }
            }
        }
        self
    }

    fn worker_said(mut self, msg: FromWorker, now_ms: f64) -> AppState {
        let generation = msg.generation();
        let is_current = self
            .loading
            .as_ref()
            .is_some_and(|l| l.generation == generation);
        if !is_current || generation != self.generation {
            return self;
        }
        match msg {
            FromWorker::Progress { stage, .. } => {
                if let Some(loading) = self.loading.as_mut() {
                    loading.stage = match stage {
                        Stage::Parsing { n_bytes, .. } => LoadStage::Parsing { n_bytes },
                        Stage::Layout { n_nodes } => LoadStage::Layout { n_nodes },
                    };
                }
            }
            FromWorker::Loaded { view, timings, .. } => {
                let Some(loading) = self.loading.take() else {
                    return self;
                };
                self.graph = Some(GraphHandle {
                    generation,
                    file_name: loading.file_name,
                    view: Rc::new(*view),
                });
                self.drawn = false;
                self.selection = None;
                self.error = None;
                self.stats = Some(LoadStats {
                    timings,
                    started_ms: loading.started_ms,
                    received_ms: now_ms - loading.started_ms,
                    drawn_ms: None,
                });
                match self.opening_view() {
                    Some(viewport) => {
                        self.viewport = viewport;
                        self.fit_pending = false;
                    }
                    None => self.fit_pending = true,
                }
            }
            FromWorker::Failed { message, .. } => self.fail(generation, message),
            FromWorker::Crashed { message, .. } => {
                let file_name = self
                    .loading
                    .as_ref()
                    .map(|l| l.file_name.clone())
                    .unwrap_or_default();
                let message = format!(
                    "{file_name}: opscope stopped while reading this model (internal error: \
                     {message}); the page still works, try another file"
                );
                self.fail(generation, message);
            }
        }
        self
    }

    fn fail(&mut self, generation: u64, message: String) {
        if generation != self.generation {
            return;
        }
        self.loading = None;
        self.error = Some(message);
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

/// The zoom as people read it: `100%`, `7%`, `0.4%`, `0.04%`.
pub fn format_zoom(scale: f64) -> String {
    let percent = scale * 100.0;
    if percent >= 1.0 {
        format!("{percent:.0}%")
    } else if percent >= 0.1 {
        format!("{percent:.1}%")
    } else {
        format!("{percent:.2}%")
    }
}

/// `1.2 MB`, `36 kB`, `512 B`.
pub fn format_bytes(n_bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n_bytes < 1000 {
        return format!("{n_bytes} B");
    }
    let mut value = n_bytes as f64;
    let mut unit = "B";
    for candidate in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = candidate;
    }
    if value < 10.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use opscope_engine::ir::OpCategory;
    use opscope_engine::layout::Rect;
    use opscope_engine::report::{ViewNode, ViewNodeKind};

    use super::*;

    /// A view with `n` op nodes in one column, 100×40 each, 60 apart.
    pub(crate) fn column_view(n: usize) -> GraphView {
        let nodes = (0..n)
            .map(|idx| ViewNode {
                kind: ViewNodeKind::Op,
                graph_node: Some(idx),
                title: "Relu".into(),
                name: format!("relu_{idx}"),
                category: OpCategory::Activation,
                lines: Vec::new(),
                rect: Rect {
                    x: 0.0,
                    y: idx as f64 * 60.0,
                    width: 100.0,
                    height: 40.0,
                },
                domain: String::new(),
                scope: String::new(),
                attrs: Vec::new(),
                inputs: Vec::new(),
                outputs: Vec::new(),
            })
            .collect();
        GraphView {
            title: "column".into(),
            format: "onnx".into(),
            node_count: n,
            nodes,
            edges: Vec::new(),
            width: 100.0,
            height: n as f64 * 60.0 - 20.0,
            metadata: Vec::new(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    const CANVAS: Size = Size {
        width: 800.0,
        height: 600.0,
    };

    fn started(state: AppState, generation: u64) -> AppState {
        state.apply(Action::LoadStarted {
            generation,
            file_name: format!("m{generation}.onnx"),
            stage: LoadStage::Reading,
            now_ms: 1000.0,
        })
    }

    fn loaded(generation: u64, n: usize) -> Action {
        Action::Worker {
            msg: FromWorker::Loaded {
                generation,
                view: Box::new(column_view(n)),
                timings: Timings::default(),
            },
            now_ms: 1250.0,
        }
    }

    fn with_graph(n: usize) -> AppState {
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        started(state, 1).apply(loaded(1, n))
    }

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
    fn graph_state_follows_the_load() {
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        assert_eq!(state.graph_state(), GraphState::Empty);
        let state = started(state, 1);
        assert_eq!(state.graph_state(), GraphState::Loading);
        let state = state.apply(loaded(1, 3));
        assert_eq!(state.graph_state(), GraphState::Loading, "not drawn yet");
        let state = state.apply(Action::Drawn {
            generation: 1,
            now_ms: 1300.0,
        });
        assert_eq!(state.graph_state(), GraphState::Drawn);
        assert_eq!(state.stats.and_then(|s| s.drawn_ms), Some(300.0));
    }

    #[test]
    fn a_failed_load_without_a_graph_is_an_error() {
        let state = started(AppState::default(), 1).apply(Action::Worker {
            msg: FromWorker::Failed {
                generation: 1,
                message: "m1.onnx: the file is empty".into(),
            },
            now_ms: 0.0,
        });
        assert_eq!(state.graph_state(), GraphState::Error);
        assert_eq!(state.error.as_deref(), Some("m1.onnx: the file is empty"));
    }

    #[test]
    fn a_failed_load_keeps_the_previous_graph() {
        let state = with_graph(3).apply(Action::Drawn {
            generation: 1,
            now_ms: 0.0,
        });
        let state = started(state, 2).apply(Action::LoadFailed {
            generation: 2,
            message: "bad".into(),
        });
        assert_eq!(state.graph_state(), GraphState::Drawn);
        assert_eq!(state.error.as_deref(), Some("bad"));
        assert_eq!(state.graph.as_ref().map(|g| g.generation), Some(1));
        // The next load clears the banner.
        let state = started(state, 3);
        assert_eq!(state.error, None);
    }

    #[test]
    fn crashes_name_the_file() {
        let state = started(AppState::default(), 1).apply(Action::Worker {
            msg: FromWorker::Crashed {
                generation: 1,
                message: "index out of bounds".into(),
            },
            now_ms: 0.0,
        });
        let error = state.error.unwrap_or_default();
        assert!(error.starts_with("m1.onnx: "), "{error}");
        assert!(error.contains("index out of bounds"), "{error}");
    }

    #[test]
    fn stale_results_are_dropped() {
        let state = started(AppState::default().apply(Action::CanvasResized(CANVAS)), 1);
        let state = started(state, 2);
        // Generation 1 finishes after generation 2 was asked for: ignored.
        let state = state.apply(loaded(1, 5));
        assert!(state.graph.is_none());
        let state = state.apply(Action::Worker {
            msg: FromWorker::Failed {
                generation: 1,
                message: "old".into(),
            },
            now_ms: 0.0,
        });
        assert_eq!(state.error, None);
        assert_eq!(state.loading.as_ref().map(|l| l.generation), Some(2));
        let state = state.apply(loaded(2, 4));
        assert_eq!(state.graph.as_ref().map(|g| g.view.nodes.len()), Some(4));
        // A draw report for an older graph does not count.
        let state = state.apply(Action::Drawn {
            generation: 1,
            now_ms: 0.0,
        });
        assert!(!state.drawn);
        // Older generations cannot restart.
        let state = started(state, 2);
        assert!(state.loading.is_none());
    }

    #[test]
    fn progress_updates_the_stage() {
        let state = started(AppState::default(), 1).apply(Action::Worker {
            msg: FromWorker::Progress {
                generation: 1,
                stage: Stage::Layout { n_nodes: 122 },
            },
            now_ms: 0.0,
        });
        let loading = state.loading.expect("still loading");
        assert_eq!(loading.describe(), "Laying out 122 nodes…");
        let parsing = Loading {
            stage: LoadStage::Parsing { n_bytes: 36088 },
            ..loading
        };
        assert_eq!(parsing.describe(), "Parsing m1.onnx (36 kB)…");
    }

    #[test]
    fn a_tall_graph_opens_at_its_top_at_a_readable_zoom() {
        let state = with_graph(100);
        let bounds = Bounds {
            x: 0.0,
            y: 0.0,
            width: 100.0,
            height: 5980.0,
        };
        assert!(Viewport::fit(bounds, CANVAS).scale < READABLE_SCALE);
        assert_eq!(state.viewport, Viewport::opening(bounds, CANVAS));
        assert!(close(state.viewport.scale, READABLE_SCALE));
        // The top of the graph sits just below the top edge, centred horizontally.
        let (_, top) = state.viewport.to_screen(0.0, 0.0);
        assert!(close(top, FIT_PADDING));
        let (centre_x, _) = state.viewport.to_screen(50.0, 0.0);
        assert!(close(centre_x, CANVAS.width / 2.0));
        assert!(!state.fit_pending);
    }

    #[test]
    fn a_small_graph_opens_fitted() {
        let bounds = Bounds {
            x: 0.0,
            y: 0.0,
            width: 300.0,
            height: 200.0,
        };
        assert_eq!(Viewport::opening(bounds, CANVAS), Viewport::fit(bounds, CANVAS));
    }

    #[test]
    fn fit_waits_for_a_canvas_size() {
        let state = started(AppState::default(), 1).apply(loaded(1, 5));
        assert!(state.fit_pending);
        let state = state.apply(Action::CanvasResized(CANVAS));
        assert!(!state.fit_pending);
        assert!(close(state.viewport.scale, FIT_MAX_SCALE));
    }

    #[test]
    fn selection_is_bounded_and_cleared_by_a_new_graph() {
        let state = with_graph(3).apply(Action::Select(Some(2)));
        assert_eq!(state.selection, Some(2));
        assert_eq!(
            state.selected_node().map(|n| n.name.as_str()),
            Some("relu_2")
        );
        let state = state.apply(Action::Select(Some(3)));
        assert_eq!(state.selection, None);
        let state = state.apply(Action::Select(Some(1)));
        let state = started(state, 2).apply(loaded(2, 3));
        assert_eq!(state.selection, None);
    }

    #[test]
    fn reveal_centres_the_node_at_a_readable_zoom() {
        let state = with_graph(100).apply(Action::Reveal(50));
        assert_eq!(state.selection, Some(50));
        assert!(close(state.viewport.scale, 1.0));
        let (x, y) = state.viewport.to_screen(50.0, 50.0 * 60.0 + 20.0);
        assert!(close(x, 400.0) && close(y, 300.0));
    }

    #[test]
    fn zoom_steps_and_actual_size_use_the_canvas_centre() {
        let state = with_graph(100);
        let centre_world = state.viewport.to_world(400.0, 300.0);
        let state = state.apply(Action::ZoomBy(ZOOM_STEP));
        let after = state.viewport.to_world(400.0, 300.0);
        assert!(close(centre_world.0, after.0) && close(centre_world.1, after.1));
        let state = state.apply(Action::ActualSize);
        assert!(close(state.viewport.scale, 1.0));
        // Zooming out stops at half the fitted scale.
        let mut state = state;
        for _ in 0..100 {
            state = state.apply(Action::ZoomBy(1.0 / ZOOM_STEP));
        }
        let fit = Viewport::fit(state.graph_bounds().unwrap(), CANVAS).scale;
        assert!(close(state.viewport.scale, fit * 0.5));
    }

    #[test]
    fn resizing_keeps_the_centre() {
        let state = with_graph(100);
        let centre = state.viewport.to_world(400.0, 300.0);
        let state = state.apply(Action::CanvasResized(Size {
            width: 460.0,
            height: 560.0,
        }));
        let after = state.viewport.to_world(230.0, 280.0);
        assert!(close(centre.0, after.0) && close(centre.1, after.1));
    }

    #[test]
    fn escape_clears_the_selection_then_the_model_panel() {
        let state = with_graph(3).apply(Action::ToggleModelPanel);
        assert!(state.model_panel);
        let state = state.apply(Action::Select(Some(1)));
        let state = state.apply(Action::Dismiss);
        assert_eq!((state.selection, state.model_panel), (None, true));
        let state = state.apply(Action::Dismiss);
        assert!(!state.model_panel);
        // With a node shown, the button brings the model panel back instead of closing it.
        let state = state
            .apply(Action::ToggleModelPanel)
            .apply(Action::Select(Some(0)))
            .apply(Action::ToggleModelPanel);
        assert_eq!((state.selection, state.model_panel), (None, true));
        // No graph, no panel.
        assert!(
            !AppState::default()
                .apply(Action::ToggleModelPanel)
                .model_panel
        );
    }

    #[test]
    fn progress_covers_the_first_draw() {
        let state = with_graph(3);
        assert_eq!(state.progress().as_deref(), Some("Drawing 3 nodes…"));
        let state = state.apply(Action::Drawn {
            generation: 1,
            now_ms: 0.0,
        });
        assert_eq!(state.progress(), None);
    }

    #[test]
    fn zoom_is_formatted_for_people() {
        assert_eq!(format_zoom(1.0), "100%");
        assert_eq!(format_zoom(0.0712), "7%");
        assert_eq!(format_zoom(0.0042), "0.4%");
        assert_eq!(format_zoom(0.00042), "0.04%");
    }

    #[test]
    fn bytes_are_formatted_for_people() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(36088), "36 kB");
        assert_eq!(format_bytes(1_234_567), "1.2 MB");
    }
}
