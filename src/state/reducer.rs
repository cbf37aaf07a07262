//! [`AppState`] and every way it changes ([`Action`]): loads and their stale results, selection,
//! the viewport, overlays, the analysis and its findings, and the profile tables. [`AppState::apply`] is pure, so whole
//! sessions are tested natively.

use std::rc::Rc;

use yew::Reducible;

use super::analysis::{estimate_label, AnalysisState, FindingsView};
use super::files::{FilesAction, FilesState};
use super::graph::GraphHandle;
use super::loading::{GraphState, LoadStage, LoadStats, Loading, PendingAnalysis};
use super::navigate::{next_node, Direction};
use super::overlay::Overlay;
use super::profile::{PanelTab, ProfileState};
use super::shown::{show_message, shown_name};
use super::table::{HotspotColumn, OpStatColumn};
use super::theme::{Scheme, Theme};
use super::viewport::{min_scale, Bounds, Size, Viewport};
use super::Shared;
use crate::canvas::fusion::FusionOutlines;
use crate::canvas::heat::HeatMap;
use crate::canvas::units::UnitMap;
use crate::worker::protocol::{
    AnalysisData, FromWorker, LoadResult, ModelChoice, NodeAnalysis, NodeStat, ProfileData,
    TargetKey,
};
use opscope_engine::report::GraphViewOptions;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    /// The newest load the user asked for; results of older ones are dropped.
    pub generation: u64,
    pub loading: Option<Loading>,
    /// The analysis the worker still runs for the graph it sent first.
    pub analysing: Option<PendingAnalysis>,
    pub graph: Option<GraphHandle>,
    /// The readable models of the last drop that had any (the model picker), and which is shown.
    pub models: Vec<ModelChoice>,
    pub shown_model: Option<usize>,
    /// The profile: measured, or the analysis's estimate when no profile was loaded.
    pub profile: Option<ProfileState>,
    /// The analysis of the shown model (it runs with every model) for `target`.
    pub analysis: Option<AnalysisState>,
    /// The chip the analysis is for (the target picker).
    pub target: TargetKey,
    /// The target was picked (the picker, or `?target=`): a profile from another chip no longer
    /// changes it.
    pub target_pinned: bool,
    /// Bumped when a profile changed `target` to the chip it ran on: the page asks the worker
    /// to analyse the shown model again for it.
    pub retargets: u64,
    /// What the findings panel lists: the analysis's findings, else the profile's.
    pub findings: Shared<FindingsView>,
    /// The finding whose nodes are selected (index into `findings.rows`).
    pub selected_finding: Option<usize>,
    /// The overlay the user chose; it shows while available.
    pub overlay: Overlay,
    /// The overlay was named by the page's URL (`?overlay=`): loads keep it instead of picking
    /// one (a documentation page asked for it), until the user picks another.
    pub overlay_pinned: bool,
    /// The heat map for the current graph and profile, when the profile is joined to it.
    pub heat: Option<Shared<HeatMap>>,
    /// Units per node, when the analysis is of the graph drawn (its main graph).
    pub units: Option<Shared<UnitMap>>,
    /// Fusion-group outlines, when the analysis is of the graph drawn and found groups.
    pub outlines: Option<Shared<FusionOutlines>>,
    /// Per view node: how many findings name it; `None` when no node is named.
    pub badges: Option<Shared<Vec<u16>>>,
    /// The user hid the fusion outlines.
    pub fusion_hidden: bool,
    /// The tab of the panel under the graph, and whether it is collapsed.
    pub panel_tab: PanelTab,
    pub panel_collapsed: bool,
    /// Bumped whenever what the canvas draws changes (a graph, an overlay); `drawn` is about
    /// this version.
    pub scene: u64,
    /// The current scene has been drawn completely at least once.
    pub drawn: bool,
    /// One line per file that could not be read (the `#error` banner).
    pub errors: Vec<String>,
    /// Files of the last dropped folders that were neither a model nor profiling data, with why
    /// (the status bar lists them).
    pub skipped: Vec<(String, String)>,
    /// Index into `GraphView::nodes`.
    pub selection: Option<usize>,
    /// Other selected nodes (a fused op's nodes, a finding's nodes), highlighted with it.
    pub related: Vec<usize>,
    pub viewport: Viewport,
    pub canvas: Size,
    /// Fit the graph as soon as the canvas has a size.
    pub fit_pending: bool,
    /// The view is still the one the graph opened with (the user has not moved it), so a resize
    /// (the profile panel or the properties panel appearing with the graph) opens it again for
    /// the new size instead of shifting it.
    pub fresh_view: bool,
    pub stats: Option<LoadStats>,
    /// The model panel (format, inputs, outputs, metadata) is open; a selected node's panel
    /// takes its place while there is a selection.
    pub model_panel: bool,
    /// Draw constant nodes as boxes of their own instead of as lines in their readers' boxes
    /// (the toolbar's "Constants as nodes", key `C`); the page asks the worker to lay the shown
    /// graph out again when it changes.
    pub constants_as_nodes: bool,
    /// A node the page's URL names (`#node=`): selected and revealed once a graph is drawn.
    pub pending_node: Option<String>,
    /// A node a link named that a folded scope or group hides: the page asks for a drawing
    /// with it open ([`crate::state::FoldRequest::Reveal`]) and clears this
    /// ([`Action::OpenedFor`]).
    pub open_for: Option<String>,
    /// The last move along an edge (from, to): moving back from `to` returns to `from`.
    pub walked: Option<(usize, usize)>,
    /// The user hid the minimap (`m`).
    pub minimap_hidden: bool,
    /// The theme chosen (System, Light, Dark) and the system's scheme, which "System" follows.
    pub theme: Theme,
    pub system_scheme: Scheme,
    /// The user chose the theme (the button, key `T`), so the page remembers it; one named by
    /// the URL or restored from the last visit is not written again.
    pub theme_chosen: bool,
    /// The files panel: every dropped file, the profile runs, worker restarts.
    pub files: FilesState,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The user chose files, a sample or another model; `generation` must be newer than any
    /// before.
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
    /// The files panel (see [`super::files`]).
    Files(FilesAction),
    /// The canvas finished drawing this scene version.
    Drawn {
        scene: u64,
        now_ms: f64,
    },
    Select(Option<usize>),
    /// Select a node and bring it into view at a readable zoom.
    Reveal(usize),
    /// Select and reveal the node of this name (a link in the findings).
    RevealNamed(String),
    /// A hotspot row was clicked: select the first node the op matched, highlight the others.
    SelectOp(String),
    /// A finding was clicked (index into `findings.rows`): select its nodes and frame them.
    SelectFinding(usize),
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
    /// An export could not be made or saved.
    ExportFailed(String),
    /// A file or a URL parameter an embedding page named could not be used (a failed fetch, a
    /// URL of another origin): listed with the errors of the load it came with.
    EmbedFailed(String),
    ToggleModelPanel,
    /// Escape: clear the selection, else close the model panel.
    Dismiss,
    /// Heat map on, or off when it is on.
    ToggleHeat,
    /// Colour by unit on, or off when it is on.
    ToggleUnits,
    SetOverlay(Overlay),
    /// The overlay the page's URL names: chosen now and kept through loads.
    PinOverlay(Overlay),
    /// The fusion overlay on, or off when it is on.
    ToggleFusionOverlay,
    ToggleFusion,
    /// Constants as nodes on, or off when it is on.
    ToggleConstants,
    /// The page asked for the drawing that shows [`AppState::open_for`].
    OpenedFor,
    /// The chip to analyse for; the page asks the worker to analyse again.
    SetTarget(TargetKey),
    SetPanelTab(PanelTab),
    /// Collapse or expand the panel under the graph.
    TogglePanel,
    /// The user chose a theme; the page remembers it.
    SetTheme(Theme),
    /// The theme button and key `T`: System → Light → Dark → System.
    CycleTheme,
    /// The theme the URL names (`?theme=dark`) or the last visit chose: shown, not remembered
    /// again.
    PinTheme(Theme),
    /// The system's light or dark preference, at start and when it changes.
    SystemScheme(Scheme),
    SortHotspots(HotspotColumn),
    FilterHotspots(String),
    SortOpStats(OpStatColumn),
    FilterOpStats(String),
    /// Frame the selected node and the nodes highlighted with it (`z`).
    ZoomToSelection,
    /// Move the selection along an edge or across its row (the arrow keys), revealing it.
    Move(Direction),
    /// Bring the selected node into view (Enter); its properties show while it is selected.
    RevealSelected,
    /// The node the page's URL names: revealed now if a graph is drawn, else once one is.
    ShowNamed(String),
    /// Centre the view on this world point at the current zoom (a click on the minimap).
    CentreOn {
        x: f64,
        y: f64,
    },
    /// Minimap shown, or hidden when shown.
    ToggleMinimap,
}

/// Zoom at which `Reveal` shows a node.
const REVEAL_SCALE: f64 = 1.0;

impl AppState {
    pub fn graph_state(&self) -> GraphState {
        match (&self.graph, &self.loading) {
            (_, Some(_)) => GraphState::Loading,
            (Some(_), None) if self.drawn => GraphState::Drawn,
            (Some(_), None) => GraphState::Loading,
            (None, None) if !self.errors.is_empty() => GraphState::Error,
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
            (None, Some(graph)) if self.analysing.is_some() => Some(format!(
                "Analysing {} nodes for the {}…",
                super::format_count(graph.view.node_count as u64),
                self.target.name()
            )),
            _ => None,
        }
    }

    /// How the worker should draw a graph it has not drawn yet: constants folded unless shown
    /// as nodes, scopes folded only when the graph is large.
    pub fn view_options(&self) -> GraphViewOptions {
        GraphViewOptions {
            fold_constants: !self.constants_as_nodes,
            ..GraphViewOptions::default()
        }
    }

    /// The scheme drawn: the theme chosen, or the system's.
    pub fn scheme(&self) -> Scheme {
        self.theme.scheme(self.system_scheme)
    }

    /// The profile is joined to the shown graph, so the heat map can be drawn.
    pub fn heat_available(&self) -> bool {
        self.heat.is_some()
    }

    /// The heat map to draw, if it is available and chosen.
    pub fn heat_shown(&self) -> Option<&Shared<HeatMap>> {
        self.heat.as_ref().filter(|_| self.overlay == Overlay::Heat)
    }

    /// The unit colours to draw, if available and chosen.
    pub fn units_shown(&self) -> Option<&Shared<UnitMap>> {
        self.units
            .as_ref()
            .filter(|_| self.overlay == Overlay::Unit)
    }

    /// The overlay drawn (the choice, when available).
    pub fn overlay_shown(&self) -> Overlay {
        match self.overlay {
            Overlay::Heat if self.heat.is_some() => Overlay::Heat,
            Overlay::Unit if self.units.is_some() => Overlay::Unit,
            Overlay::Fusion if self.outlines.is_some() => Overlay::Fusion,
            _ => Overlay::None,
        }
    }

    pub fn overlay_available(&self, overlay: Overlay) -> bool {
        match overlay {
            Overlay::None => self.graph.is_some(),
            Overlay::Unit => self.units.is_some(),
            Overlay::Fusion => self.outlines.is_some(),
            Overlay::Heat => self.heat.is_some(),
        }
    }

    /// The fusion outlines to draw, unless hidden.
    pub fn outlines_shown(&self) -> Option<&Shared<FusionOutlines>> {
        self.outlines
            .as_ref()
            .filter(|_| !self.fusion_hidden || self.overlay_shown() == Overlay::Fusion)
    }

    /// The label of the times shown when they are the cost model's estimate
    /// (`estimated (cost model, Ascend 310)`), `None` when they are measured.
    pub fn estimate(&self) -> Option<String> {
        let analysis = self.analysis.as_ref().map(|a| &a.data);
        // The profile shown is the estimate, or there is none and the analysis is unmeasured.
        let estimated = match &self.profile {
            Some(profile) => profile.data.estimated,
            None => analysis.is_some_and(|a| a.estimated),
        };
        if !estimated {
            return None;
        }
        Some(estimate_label(
            analysis.map_or("", |a| a.target_name.as_str()),
        ))
    }

    /// The panel under the graph shows (a profile, or an analysis with its findings).
    pub fn panel_visible(&self) -> bool {
        self.profile.is_some() || self.analysis.is_some()
    }

    /// The panel's tabs that have something to show.
    pub fn panel_tabs(&self) -> Vec<PanelTab> {
        PanelTab::ALL
            .into_iter()
            .filter(|tab| match tab {
                PanelTab::Findings => self.panel_visible(),
                PanelTab::Hotspots | PanelTab::OpStatistics => self.profile.is_some(),
                PanelTab::Unmatched => self
                    .profile
                    .as_ref()
                    .is_some_and(|p| !p.data.estimated && p.data.join.is_some()),
            })
            .collect()
    }

    /// The tab shown: the one chosen, or Findings when it has nothing to show.
    pub fn panel_tab_shown(&self) -> PanelTab {
        if self.panel_tabs().contains(&self.panel_tab) {
            self.panel_tab
        } else {
            PanelTab::Findings
        }
    }

    /// The analysis of a view node, when the analysis is of the graph drawn.
    pub fn node_analysis(&self, node_idx: usize) -> Option<&NodeAnalysis> {
        let graph_node = self.graph.as_ref()?.analysis_node(node_idx)?;
        self.analysis.as_ref()?.data.node(graph_node)
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

    /// The measured time of a node, when a profile is joined to the graph.
    pub fn node_stat(&self, node_idx: usize) -> Option<&NodeStat> {
        let node = self.graph.as_ref()?.view.nodes.get(node_idx)?;
        self.profile.as_ref()?.node_stat(&node.name)
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
        let start = self
            .graph
            .as_ref()
            .and_then(|g| g.reading_start(self.canvas));
        Some(Viewport::opening(bounds, start, self.canvas))
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
                self.errors.clear();
                // The worker drops an analysis in progress for newer work.
                self.analysing = None;
                self.loading = Some(Loading {
                    generation,
                    file_name: shown_name(&file_name),
                    stage,
                    started_ms: now_ms,
                });
            }
            Action::LoadFailed {
                generation,
                message,
            } => self.fail(generation, shown_name(&message)),
            Action::Worker { mut msg, now_ms } => {
                show_message(&mut msg);
                self = self.worker_said(msg, now_ms);
            }
            Action::Files(action) => self.files_action(action),
            Action::Drawn { scene, now_ms } => {
                if scene == self.scene && self.graph.is_some() && !self.drawn {
                    crate::worker::codec::trace("page drawn action");
                    self.drawn = true;
                    if let Some(stats) = self.stats.as_mut() {
                        if stats.drawn_ms.is_none() {
                            stats.drawn_ms = Some(now_ms - stats.started_ms);
                        }
                    }
                    if let Some(name) = self.pending_node.take() {
                        self.reveal_named(&name);
                    }
                }
            }
            Action::Select(selection) => {
                // The user is working with the view now: a panel opening must not move it.
                self.fresh_view = false;
                let n_nodes = self.graph.as_ref().map_or(0, |g| g.view.nodes.len());
                self.selection = selection.filter(|&idx| idx < n_nodes);
                self.related.clear();
                self.selected_finding = None;
            }
            Action::Reveal(node_idx) => {
                self.related.clear();
                self.selected_finding = None;
                self.reveal(node_idx);
            }
            Action::RevealNamed(name) => self.reveal_named(&name),
            Action::SelectOp(op) => {
                let nodes = self.nodes_of_op(&op);
                if let Some((&first, rest)) = nodes.split_first() {
                    self.selected_finding = None;
                    self.reveal(first);
                    self.related = rest.to_vec();
                }
            }
            Action::SelectFinding(idx) => self.select_finding(idx),
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
                if self.fit_pending || self.fresh_view {
                    if let Some(viewport) = self.opening_view() {
                        self.viewport = viewport;
                        self.fit_pending = false;
                        self.fresh_view = true;
                    }
                }
            }
            Action::PanBy { dx, dy } => {
                self.fresh_view = false;
                if dx.is_finite() && dy.is_finite() {
                    self.viewport = self.viewport.pan(dx, dy);
                }
            }
            Action::ZoomAt { x, y, factor } => {
                self.fresh_view = false;
                let min_scale = self.min_scale();
                self.viewport = self.viewport.zoom_at(x, y, factor, min_scale);
            }
            Action::ZoomBy(factor) => {
                self.fresh_view = false;
                let min_scale = self.min_scale();
                let (cx, cy) = (self.canvas.width / 2.0, self.canvas.height / 2.0);
                self.viewport = self.viewport.zoom_at(cx, cy, factor, min_scale);
            }
            Action::ActualSize => {
                self.fresh_view = false;
                let min_scale = self.min_scale();
                let (cx, cy) = (self.canvas.width / 2.0, self.canvas.height / 2.0);
                let factor = 1.0 / self.viewport.scale;
                self.viewport = self.viewport.zoom_at(cx, cy, factor, min_scale);
            }
            Action::Fit => {
                self.fresh_view = false;
                match self.fitted() {
                    Some(viewport) => self.viewport = viewport,
                    None => self.fit_pending = self.graph.is_some(),
                }
            }
            Action::DismissError => self.errors.clear(),
            Action::ExportFailed(message) | Action::EmbedFailed(message) => {
                let message = shown_name(&message);
                if !self.errors.contains(&message) {
                    self.errors.push(message);
                }
            }
            Action::ToggleModelPanel => {
                self.fresh_view = false;
                let showing = self.model_panel && self.selection.is_none();
                self.model_panel = self.graph.is_some() && !showing;
                self.selection = None;
                self.related.clear();
                self.selected_finding = None;
            }
            Action::Dismiss => {
                if self.selection.is_some() {
                    self.selection = None;
                    self.related.clear();
                    self.selected_finding = None;
                } else {
                    self.model_panel = false;
                }
            }
            Action::ToggleHeat => self.toggle_overlay(Overlay::Heat),
            Action::ToggleUnits => self.toggle_overlay(Overlay::Unit),
            Action::SetOverlay(overlay) => {
                if self.overlay_available(overlay) && self.overlay_shown() != overlay {
                    self.overlay = overlay;
                    self.overlay_pinned = false;
                    self.new_scene();
                }
            }
            Action::PinOverlay(overlay) => {
                self.overlay = overlay;
                self.overlay_pinned = true;
                if self.graph.is_some() {
                    self.new_scene();
                }
            }
            Action::ToggleFusionOverlay => self.toggle_overlay(Overlay::Fusion),
            Action::ToggleFusion => {
                if self.outlines.is_some() {
                    self.fusion_hidden = !self.fusion_hidden;
                    self.new_scene();
                }
            }
            Action::ToggleConstants => self.constants_as_nodes = !self.constants_as_nodes,
            Action::OpenedFor => self.open_for = None,
            Action::SetTarget(target) => {
                self.target = target;
                self.target_pinned = true;
            }
            Action::SetPanelTab(tab) => {
                if self.panel_tabs().contains(&tab) {
                    self.panel_tab = tab;
                    self.panel_collapsed = false;
                }
            }
            Action::TogglePanel => {
                if self.panel_visible() {
                    self.panel_collapsed = !self.panel_collapsed;
                }
            }
            Action::SetTheme(theme) => {
                self.theme_chosen = true;
                self.set_theme(theme, self.system_scheme);
            }
            Action::CycleTheme => {
                self.theme_chosen = true;
                self.set_theme(self.theme.next(), self.system_scheme);
            }
            Action::PinTheme(theme) => {
                self.theme_chosen = false;
                self.set_theme(theme, self.system_scheme);
            }
            Action::SystemScheme(system) => self.set_theme(self.theme, system),
            Action::SortHotspots(column) => {
                if let Some(profile) = self.profile.as_mut() {
                    profile.hotspots.sort = profile.hotspots.sort.clicked(column);
                    profile.refresh_hotspots();
                }
            }
            Action::FilterHotspots(text) => {
                if let Some(profile) = self.profile.as_mut() {
                    profile.hotspots.filter = text;
                    profile.refresh_hotspots();
                }
            }
            Action::SortOpStats(column) => {
                if let Some(profile) = self.profile.as_mut() {
                    profile.op_stats.sort = profile.op_stats.sort.clicked(column);
                    profile.refresh_op_stats();
                }
            }
            Action::FilterOpStats(text) => {
                if let Some(profile) = self.profile.as_mut() {
                    profile.op_stats.filter = text;
                    profile.refresh_op_stats();
                }
            }
            Action::ZoomToSelection => {
                if let Some(first) = self.selection {
                    let nodes: Vec<usize> = std::iter::once(first)
                        .chain(self.related.iter().copied())
                        .collect();
                    self.fresh_view = false;
                    self.frame_nodes(&nodes);
                }
            }
            Action::Move(direction) => self.move_selection(direction),
            Action::RevealSelected => {
                if let Some(node_idx) = self.selection {
                    self.centre_on_node(node_idx);
                }
            }
            Action::ShowNamed(name) => {
                if self.graph.is_some() && self.drawn && self.loading.is_none() {
                    self.pending_node = None;
                    self.reveal_named(&name);
                } else {
                    self.pending_node = Some(name);
                }
            }
            Action::CentreOn { x, y } => {
                if x.is_finite() && y.is_finite() && !self.canvas.is_empty() {
                    self.fresh_view = false;
                    self.viewport = Viewport::centred_on(x, y, self.viewport.scale, self.canvas);
                }
            }
            Action::ToggleMinimap => self.minimap_hidden = !self.minimap_hidden,
        }
        self
    }

    /// Selects and reveals the node of this name, if the graph has one.
    fn reveal_named(&mut self, name: &str) {
        if let Some(node_idx) = self.graph.as_ref().and_then(|g| g.node_named(name)) {
            self.related.clear();
            self.selected_finding = None;
            self.reveal(node_idx);
            // Inside a folded box: that box is selected meanwhile, and the page opens it.
            if self
                .graph
                .as_ref()
                .is_some_and(|g| g.hiding(name).is_some())
            {
                self.open_for = Some(name.to_string());
            }
        }
    }

    /// The arrow keys: the selection moves to a consumer, a producer, or the neighbour in its
    /// row, and is revealed; without a move there (the last node, a graph input) it stays.
    fn move_selection(&mut self, direction: Direction) {
        let (Some(graph), Some(from)) = (&self.graph, self.selection) else {
            return;
        };
        // Back along the edge just walked: where the walk came from.
        let came_from = self
            .walked
            .filter(|&(_, to)| to == from)
            .map(|(back, _)| back);
        let Some(to) = next_node(&graph.view, from, direction, came_from) else {
            return;
        };
        self.related.clear();
        self.selected_finding = None;
        self.reveal(to);
        self.walked = match direction {
            Direction::Consumer | Direction::Producer => Some((from, to)),
            Direction::Left | Direction::Right => None,
        };
    }

    /// Centres the view on a node, keeping the zoom unless it is too far out to read.
    fn centre_on_node(&mut self, node_idx: usize) {
        let rect = self
            .graph
            .as_ref()
            .and_then(|g| g.view.nodes.get(node_idx))
            .map(|n| n.rect);
        if let (Some(rect), false) = (rect, self.canvas.is_empty()) {
            self.fresh_view = false;
            let scale = self.viewport.scale.max(REVEAL_SCALE);
            self.viewport = Viewport::centred_on(
                rect.x + rect.width / 2.0,
                rect.y + rect.height / 2.0,
                scale,
                self.canvas,
            );
        }
    }

    /// Selects a node and centres the view on it at a readable zoom.
    fn reveal(&mut self, node_idx: usize) {
        self.fresh_view = false;
        let exists = self
            .graph
            .as_ref()
            .is_some_and(|g| node_idx < g.view.nodes.len());
        if exists {
            self.selection = Some(node_idx);
            self.centre_on_node(node_idx);
        }
    }

    /// Selects a node and centres the view on it at the zoom the view has.
    fn centre_on(&mut self, node_idx: usize) {
        let Some(rect) = self
            .graph
            .as_ref()
            .and_then(|g| g.view.nodes.get(node_idx))
            .map(|n| n.rect)
        else {
            return;
        };
        self.selection = Some(node_idx);
        self.fresh_view = false;
        if self.canvas.is_empty() {
            self.fit_pending = true;
            return;
        }
        let scale = self.viewport.scale.max(self.min_scale());
        self.viewport = Viewport::centred_on(
            rect.x + rect.width / 2.0,
            rect.y + rect.height / 2.0,
            scale,
            self.canvas,
        );
    }

    /// Selects the nodes a finding names (the first as the selection, the others highlighted)
    /// and frames them: the view fits their bounding box, never zoomed in past 100 %.
    fn select_finding(&mut self, idx: usize) {
        let (Some(graph), Some(row)) = (&self.graph, self.findings.rows.get(idx)) else {
            return;
        };
        let mut nodes: Vec<usize> = Vec::with_capacity(row.nodes.len());
        for node_idx in row.nodes.iter().filter_map(|name| graph.node_named(name)) {
            if !nodes.contains(&node_idx) {
                nodes.push(node_idx);
            }
        }
        self.selected_finding = Some(idx);
        let Some((&first, rest)) = nodes.split_first() else {
            return;
        };
        self.fresh_view = false;
        self.selection = Some(first);
        self.related = rest.to_vec();
        self.frame_nodes(&nodes);
    }

    /// Fits the view to the bounding box of these nodes, never zoomed in past 100 %.
    fn frame_nodes(&mut self, nodes: &[usize]) {
        let Some(graph) = &self.graph else {
            return;
        };
        let rects: Vec<_> = nodes
            .iter()
            .filter_map(|&n| graph.view.nodes.get(n).map(|node| node.rect))
            .collect();
        let x0 = rects.iter().map(|r| r.x).fold(f64::INFINITY, f64::min);
        let y0 = rects.iter().map(|r| r.y).fold(f64::INFINITY, f64::min);
        let x1 = rects
            .iter()
            .map(|r| r.x + r.width)
            .fold(f64::NEG_INFINITY, f64::max);
        let y1 = rects
            .iter()
            .map(|r| r.y + r.height)
            .fold(f64::NEG_INFINITY, f64::max);
        let bounds = Bounds {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        };
        let finite = [x0, y0, x1, y1].iter().all(|v| v.is_finite());
        if finite && !self.canvas.is_empty() {
            let framed = Viewport::fit(bounds, self.canvas);
            let scale = framed.scale.max(self.min_scale());
            self.viewport = Viewport::centred_on(
                bounds.x + bounds.width / 2.0,
                bounds.y + bounds.height / 2.0,
                scale,
                self.canvas,
            );
        }
    }

    fn toggle_overlay(&mut self, overlay: Overlay) {
        if !self.overlay_available(overlay) {
            return;
        }
        self.overlay_pinned = false;
        self.overlay = if self.overlay_shown() == overlay {
            Overlay::None
        } else {
            overlay
        };
        self.new_scene();
    }

    /// View indexes of the nodes a profiled op matched (in the op's order).
    pub fn nodes_of_op(&self, op: &str) -> Vec<usize> {
        let (Some(graph), Some(profile)) = (&self.graph, &self.profile) else {
            return Vec::new();
        };
        let Some(row) = profile.data.hotspots.iter().find(|h| h.op == op) else {
            return Vec::new();
        };
        row.nodes
            .iter()
            .filter_map(|name| graph.node_named(name))
            .collect()
    }

    /// A theme or a system scheme; the canvas draws again when the scheme drawn changes.
    fn set_theme(&mut self, theme: Theme, system: Scheme) {
        let before = self.scheme();
        self.theme = theme;
        self.system_scheme = system;
        if self.scheme() != before && self.graph.is_some() {
            self.new_scene();
        }
    }

    /// Something the canvas draws changed: it must report a complete draw again.
    fn new_scene(&mut self) {
        self.scene += 1;
        self.drawn = false;
    }

    /// Recomputes the overlays and the findings list after the graph, the profile or the
    /// analysis changed.
    fn refresh_overlays(&mut self) {
        let joined = self
            .profile
            .as_ref()
            .and_then(|p| p.data.join.as_ref().map(|j| &j.node_stats));
        // No overlay when no node of this graph has measured time: it would only dim them all.
        self.heat = match (&self.graph, joined) {
            (Some(graph), Some(stats)) => Some(HeatMap::new(&graph.view, stats))
                .filter(|heat| heat.n_timed > 0)
                .map(Shared::new),
            _ => None,
        };
        // The analysis is of the main graph: an inner graph drawn gets neither.
        let analysed = match (&self.graph, &self.analysis) {
            (Some(graph), Some(analysis)) if !graph.is_inner_graph() => {
                Some((graph, &analysis.data))
            }
            _ => None,
        };
        self.units = analysed.map(|(graph, data)| Shared::new(UnitMap::new(&graph.view, data)));
        self.outlines = analysed
            .map(|(graph, data)| FusionOutlines::new(&graph.view, data))
            .filter(|outlines| !outlines.is_empty())
            .map(Shared::new);
        self.findings = Shared::new(FindingsView::of(
            self.analysis.as_ref().map(|a| &*a.data),
            self.profile.as_ref().map(|p| &*p.data),
        ));
        self.badges = self
            .graph
            .as_ref()
            .map(|graph| self.findings.badges(graph))
            .filter(|counts| counts.iter().any(|&c| c > 0))
            .map(Shared::new);
        self.selected_finding = None;
    }

    fn worker_said(mut self, msg: FromWorker, now_ms: f64) -> AppState {
        // A worker that speaks has started.
        self.files.engine_failed = None;
        if self.restore_said(&msg).is_some() {
            return self;
        }
        let generation = msg.generation();
        let is_current = self
            .loading
            .as_ref()
            .is_some_and(|l| l.generation == generation);
        // The analysis of a graph already received.
        let pending = self.analysing.filter(|p| p.generation == generation);
        if !(is_current || pending.is_some()) || generation != self.generation {
            return self;
        }
        if let FromWorker::Loaded { result, .. } = &msg {
            self.files_took(result);
        }
        match msg {
            FromWorker::Progress { stage, .. } => {
                if let Some(loading) = self.loading.as_mut() {
                    loading.stage = LoadStage::Worker(stage);
                }
            }
            FromWorker::Loaded { result, .. } => match (self.loading.take(), pending) {
                (Some(loading), _) => self.loaded(generation, loading, *result, now_ms),
                (None, Some(pending)) => {
                    self.analysing = None;
                    self.analysed(pending, *result);
                }
                (None, None) => {}
            },
            FromWorker::Failed { message, .. } => {
                self.analysing = None;
                self.fail(generation, message);
            }
            // Reports are saved by the page's worker link (`report_export`), never held here.
            FromWorker::Report { .. } => {}
            FromWorker::Crashed { message, .. } => {
                let culprit = self.files_crashed(generation);
                self.analysing = None;
                let file_name = culprit
                    .or_else(|| self.loading.as_ref().map(|l| l.file_name.clone()))
                    .or_else(|| self.graph.as_ref().map(|g| g.file_name.clone()))
                    .unwrap_or_default();
                let message = format!(
                    "{file_name}: opscope stopped while reading this (internal error: \
                     {message}); the page still works, try another file"
                );
                self.fail(generation, message);
            }
        }
        self
    }

    fn loaded(&mut self, generation: u64, loading: Loading, result: LoadResult, now_ms: f64) {
        let LoadResult {
            model,
            models,
            profile,
            analysis,
            errors,
            skipped,
            timings,
            analysis_follows,
            ..
        } = result;
        // Added to what the load's start left (it clears the list): files the page could not
        // fetch for this load stay listed.
        self.errors.extend(errors);
        // A new drop says what it skipped; another graph or target of the same files keeps it.
        if models.is_some() || profile.is_some() || !skipped.is_empty() {
            self.skipped = skipped;
        }
        // Another graph of the model already shown: the profile stays joined to the model.
        let same_model = models.is_none()
            && model.is_some()
            && model.as_ref().map(|m| m.index) == self.shown_model;
        if let Some(models) = models {
            self.models = models;
        }
        let had_model = model.is_some();
        let had_profile = profile.is_some();
        // The graph shown, drawn another way (constants as nodes or folded): the selection
        // follows its IR node, to the box that now draws it.
        let relayout = same_model
            && model.as_ref().map(|m| (m.graph, &m.options))
                != self.graph.as_ref().map(|g| (g.graph_index, &g.options))
            && model.as_ref().map(|m| m.graph) == self.graph.as_ref().map(|g| g.graph_index);
        let kept = self
            .graph
            .as_ref()
            .zip(self.selection)
            .and_then(|(graph, idx)| graph.view.nodes.get(idx))
            .and_then(|node| node.graph_node)
            .filter(|_| relayout);
        if let Some(model) = model {
            let file_name = model
                .files
                .first()
                .cloned()
                .unwrap_or_else(|| loading.file_name.clone());
            self.shown_model = Some(model.index);
            crate::worker::codec::trace("page reducer: graph handle start");
            self.graph = Some(
                GraphHandle::new(
                    generation,
                    file_name,
                    model.files,
                    model.pairing,
                    Rc::unwrap_or_clone(model.view),
                )
                .with_graphs(model.graph, model.graphs)
                .with_options(model.options),
            );
            crate::worker::codec::trace("page reducer: graph handle done");
            self.selection = None;
            self.related.clear();
            self.walked = None;
            let reselected = kept.and_then(|g| self.graph.as_ref()?.view_of_graph_node(g));
            match (reselected, self.opening_view()) {
                (Some(node_idx), _) => self.centre_on(node_idx),
                (None, Some(viewport)) => {
                    self.viewport = viewport;
                    self.fit_pending = false;
                    self.fresh_view = true;
                }
                (None, None) => self.fit_pending = true,
            }
        }
        let new_model = had_model && !same_model;
        self.analysing = analysis_follows.then_some(PendingAnalysis {
            generation,
            new_model,
        });
        let had_analysis = self.take_analysis(generation, profile, analysis, had_model, new_model);
        if had_model || had_profile || had_analysis {
            self.stats = Some(LoadStats {
                timings,
                started_ms: loading.started_ms,
                received_ms: now_ms - loading.started_ms,
                drawn_ms: None,
                had_model,
            });
        }
    }

    /// The analysis that follows the graph a load sent first (`LoadResult::analysis_follows`).
    fn analysed(&mut self, pending: PendingAnalysis, result: LoadResult) {
        self.errors.extend(result.errors);
        if let Some(stats) = self.stats.as_mut() {
            stats.timings.profile_ms += result.timings.profile_ms;
            stats.timings.analysis_ms += result.timings.analysis_ms;
        }
        self.take_analysis(
            pending.generation,
            result.profile,
            result.analysis,
            false,
            pending.new_model,
        );
    }

    /// Takes the analysis and the profile a load sent (`None`: unchanged; see
    /// [`AppState::take_profile`]) and picks the overlay they allow; `had_model`: a graph came
    /// with them, `new_model`: they are of a model newly shown. Whether there was an analysis.
    fn take_analysis(
        &mut self,
        generation: u64,
        profile: Option<ProfileData>,
        analysis: Option<AnalysisData>,
        had_model: bool,
        new_model: bool,
    ) -> bool {
        let had_profile = profile.is_some();
        let panel_was_visible = self.panel_visible();
        let had_analysis = analysis.is_some();
        match analysis {
            Some(data) => {
                self.analysis = Some(AnalysisState {
                    generation,
                    data: Shared::new(data),
                })
            }
            // Every new model is analysed; one without an analysis leaves none that fits it.
            None if new_model => self.analysis = None,
            None => {}
        }
        self.take_profile(generation, profile, new_model, had_analysis);
        if !panel_was_visible && self.panel_visible() {
            self.panel_collapsed = false;
            if self.panel_tab != PanelTab::Hotspots {
                self.panel_tab = PanelTab::Findings;
            }
        }
        if had_model || had_profile || had_analysis {
            crate::worker::codec::trace("page reducer: overlays start");
            self.refresh_overlays();
            crate::worker::codec::trace("page reducer: overlays done");
            // A measured profile newly joined shows as the heat map; a new model alone shows
            // its units. Another target or another graph of the model keeps the choice.
            let measured_heat =
                self.heat.is_some() && self.profile.as_ref().is_some_and(|p| !p.data.estimated);
            if self.overlay_pinned {
                // The URL's choice stands; it shows once available.
            } else if had_profile && measured_heat {
                self.overlay = Overlay::Heat;
            } else if new_model {
                if measured_heat {
                    self.overlay = Overlay::Heat;
                } else if self.units.is_some() {
                    self.overlay = Overlay::Unit;
                }
            }
            if self.graph.is_some() {
                self.new_scene();
            }
        }
        had_analysis
    }

    /// Takes the profile a load sent (`None`: unchanged). A measured run new to the panel opens
    /// its hotspots. An estimate never replaces a measured profile: the worker sends one only
    /// when it has lost the measured profile (it restarted after a crash), and then, as for a
    /// new model sent without its profile, the measured one stays, its join to the previous
    /// model dropped. An estimate belongs to its analysis: a new analysis without one, or a
    /// new model, clears it.
    fn take_profile(
        &mut self,
        generation: u64,
        profile: Option<ProfileData>,
        new_model: bool,
        had_analysis: bool,
    ) {
        let measured_shown = self.profile.as_ref().is_some_and(|p| !p.data.estimated);
        match profile {
            Some(data) if !(data.estimated && measured_shown) => {
                let previous = self.profile.take();
                let new_run =
                    !data.estimated && previous.as_ref().is_none_or(|p| !p.same_run(&data));
                self.follow_profile_chip(&data);
                self.profile = Some(ProfileState::new(generation, data, previous.as_ref()));
                if new_run {
                    self.panel_tab = PanelTab::Hotspots;
                }
            }
            _ if new_model => {
                if let Some(previous) = self.profile.take().filter(|p| !p.data.estimated) {
                    let mut data = (*previous.data).clone();
                    data.join = None;
                    for row in &mut data.hotspots {
                        row.nodes.clear();
                    }
                    self.profile = Some(ProfileState::new(generation, data, Some(&previous)));
                }
            }
            _ if had_analysis && !measured_shown => self.profile = None,
            _ => {}
        }
    }

    /// Until a target is picked, the analysis is for the chip the measured profile ran on.
    fn follow_profile_chip(&mut self, data: &ProfileData) {
        let Some(ran_on) = data
            .ran_on
            .filter(|_| !data.estimated && !self.target_pinned)
        else {
            return;
        };
        if ran_on != self.target {
            self.target = ran_on;
            self.retargets += 1;
        }
    }

    fn fail(&mut self, generation: u64, message: String) {
        if generation != self.generation {
            return;
        }
        self.loading = None;
        self.errors = vec![message];
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

#[cfg(test)]
mod tests {
    use opscope_engine::report::GraphView;

    use super::*;
    use crate::canvas::units::tests::analysis_of;
    use crate::state::fixtures::column_view;
    use crate::state::table::Sort;
    use crate::state::viewport::{FIT_MAX_SCALE, FIT_PADDING, READABLE_SCALE, ZOOM_STEP};
    use crate::worker::protocol::{
        AnalysisData, ExecUnitId, FindingRow, FusionGroupRow, FusionKindId, HotspotRow,
        JoinSummary, ModelChoice, ModelLoad, OpStatRow, ProfileData, Stage, Timings, UnitId,
    };

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

    fn result(model: Option<GraphView>, profile: Option<ProfileData>) -> LoadResult {
        LoadResult {
            model: model.map(|view| ModelLoad {
                index: 0,
                view: Rc::new(view),
                files: vec!["m.onnx".into()],
                pairing: None,
                graph: 0,
                options: GraphViewOptions::default(),
                graphs: Vec::new(),
            }),
            models: None,
            profile,
            analysis: None,
            errors: Vec::new(),
            skipped: Vec::new(),
            timings: Timings::default(),
            analysis_follows: false,
            ..LoadResult::default()
        }
    }

    fn finished(generation: u64, result: LoadResult) -> Action {
        Action::Worker {
            msg: FromWorker::Loaded {
                generation,
                result: Box::new(result),
            },
            now_ms: 1250.0,
        }
    }

    fn loaded(generation: u64, n: usize) -> Action {
        finished(generation, result(Some(column_view(n)), None))
    }

    fn drawn(state: AppState) -> AppState {
        let scene = state.scene;
        state.apply(Action::Drawn {
            scene,
            now_ms: 1300.0,
        })
    }

    fn with_graph(n: usize) -> AppState {
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        started(state, 1).apply(loaded(1, n))
    }

    #[test]
    fn graph_state_follows_the_load() {
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        assert_eq!(state.graph_state(), GraphState::Empty);
        let state = started(state, 1);
        assert_eq!(state.graph_state(), GraphState::Loading);
        let state = state.apply(loaded(1, 3));
        assert_eq!(state.graph_state(), GraphState::Loading, "not drawn yet");
        let state = drawn(state);
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
        assert_eq!(state.errors, vec!["m1.onnx: the file is empty".to_string()]);
    }

    #[test]
    fn a_failed_load_keeps_the_previous_graph() {
        let state = drawn(with_graph(3));
        let state = started(state, 2).apply(Action::LoadFailed {
            generation: 2,
            message: "bad".into(),
        });
        assert_eq!(state.graph_state(), GraphState::Drawn);
        assert_eq!(state.errors, vec!["bad".to_string()]);
        assert_eq!(state.graph.as_ref().map(|g| g.generation), Some(1));
        // The next load clears the banner.
        let state = started(state, 3);
        assert!(state.errors.is_empty());
    }

    #[test]
    fn a_failed_export_shows_once_and_keeps_the_graph() {
        let state = drawn(with_graph(3))
            .apply(Action::ExportFailed("x.png: too big".into()))
            .apply(Action::ExportFailed("x.png: too big".into()));
        assert_eq!(state.errors, vec!["x.png: too big".to_string()]);
        assert_eq!(state.graph_state(), GraphState::Drawn);
        assert!(state.apply(Action::DismissError).errors.is_empty());
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
        let error = state.errors.join("\n");
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
        assert!(state.errors.is_empty());
        assert_eq!(state.loading.as_ref().map(|l| l.generation), Some(2));
        let state = state.apply(loaded(2, 4));
        assert_eq!(state.graph.as_ref().map(|g| g.view.nodes.len()), Some(4));
        // A draw report for an older scene does not count.
        let old_scene = state.scene - 1;
        let state = state.apply(Action::Drawn {
            scene: old_scene,
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
            stage: LoadStage::Worker(Stage::Parsing {
                file_name: "m1.onnx".into(),
                n_files: 1,
                n_bytes: 36088,
            }),
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
        let start = state.graph.as_ref().and_then(|g| g.reading_start(CANVAS));
        assert_eq!(state.viewport, Viewport::opening(bounds, start, CANVAS));
        assert!(close(state.viewport.scale, READABLE_SCALE));
        // The top of the graph sits just below the top edge, centred horizontally.
        let (_, top) = state.viewport.to_screen(0.0, 0.0);
        assert!(close(top, FIT_PADDING));
        let (centre_x, _) = state.viewport.to_screen(50.0, 0.0);
        assert!(close(centre_x, CANVAS.width / 2.0));
        assert!(!state.fit_pending);
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
    fn constants_as_nodes_is_a_toggle_of_the_view_options() {
        let state = with_graph(3).apply(Action::Select(Some(1)));
        assert!(!state.constants_as_nodes);
        assert!(state.view_options().fold_constants);
        let state = state.apply(Action::ToggleConstants);
        assert!(state.constants_as_nodes);
        assert_eq!(
            state.view_options(),
            GraphViewOptions {
                fold_constants: false,
                ..GraphViewOptions::default()
            }
        );
        // The toggle alone changes nothing drawn: the worker's new layout will.
        assert_eq!(state.selection, Some(1));
        assert!(state.graph.is_some());
        let state = state.apply(Action::ToggleConstants);
        assert!(state.view_options().fold_constants);
    }

    /// `column_view(n)` with a constant (IR node `n`, named `k`) folded into box `into`.
    fn with_folded(n: usize, into: usize) -> GraphView {
        let mut view = column_view(n);
        view.folded = vec![opscope_engine::report::FoldedConstant {
            graph_node: n,
            name: "k".into(),
            op_type: "Const".into(),
            into: vec![into],
        }];
        view.folded_constants = 1;
        view
    }

    fn drawn_as(view: GraphView, fold_constants: bool) -> LoadResult {
        let mut load = result(Some(view), None);
        if let Some(model) = load.model.as_mut() {
            model.options = GraphViewOptions {
                fold_constants,
                ..GraphViewOptions::default()
            };
        }
        load
    }

    #[test]
    fn a_folded_constant_selects_the_box_that_draws_it() {
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        let state = started(state, 1).apply(finished(1, drawn_as(with_folded(3, 2), true)));
        let graph = state.graph.clone().expect("a graph");
        assert_eq!(graph.node_named("k"), Some(2));
        assert_eq!(graph.view_of_analysis_node(3), Some(2));
        assert_eq!(graph.view_of_analysis_node(4), None);
        let state = state.apply(Action::RevealNamed("k".into()));
        assert_eq!(state.selection, Some(2));
    }

    #[test]
    fn a_new_layout_of_the_shown_graph_keeps_the_selected_node() {
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        let state = started(state, 1).apply(finished(1, drawn_as(with_folded(3, 2), true)));
        // Relu 1 selected, then the constant drawn as a box of its own, first: every box moves
        // down one.
        let state = state
            .apply(Action::Select(Some(1)))
            .apply(Action::ToggleConstants);
        let mut unfolded = column_view(4);
        for (idx, node) in unfolded.nodes.iter_mut().enumerate() {
            node.graph_node = Some((idx + 3) % 4);
        }
        let state = started(state, 2).apply(finished(2, drawn_as(unfolded, false)));
        assert_eq!(state.selection, Some(2));
        let (x, y) = state.viewport.to_screen(50.0, 2.0 * 60.0 + 20.0);
        assert!(close(x, CANVAS.width / 2.0) && close(y, CANVAS.height / 2.0));
        // Folded again, with the constant selected: its reader is.
        let state = state.apply(Action::Select(Some(0)));
        let state = started(state, 3).apply(finished(3, drawn_as(with_folded(3, 2), true)));
        assert_eq!(state.selection, Some(2));
        // The same drawing again is a new graph: no selection kept.
        let state = started(state, 4).apply(finished(4, drawn_as(with_folded(3, 2), true)));
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
        let state = with_graph(100).apply(Action::PanBy { dx: 5.0, dy: -40.0 });
        let centre = state.viewport.to_world(400.0, 300.0);
        let state = state.apply(Action::CanvasResized(Size {
            width: 460.0,
            height: 560.0,
        }));
        let after = state.viewport.to_world(230.0, 280.0);
        assert!(close(centre.0, after.0) && close(centre.1, after.1));
    }

    #[test]
    fn a_panel_opening_with_the_graph_reopens_its_view() {
        // The profile panel appears with the graph and takes half the height: the graph still
        // opens at its top.
        let state = with_graph(100);
        assert!(state.fresh_view);
        let half = Size {
            width: 800.0,
            height: 300.0,
        };
        let state = state.apply(Action::CanvasResized(half));
        let (_, top) = state.viewport.to_screen(0.0, 0.0);
        assert!(close(top, FIT_PADDING), "{top}");
        // Once the user moved the view, a resize keeps what is at the centre instead.
        let state = state.apply(Action::ZoomBy(ZOOM_STEP));
        assert!(!state.fresh_view);
        let centre = state.viewport.to_world(400.0, 150.0);
        let state = state.apply(Action::CanvasResized(CANVAS));
        let after = state.viewport.to_world(400.0, 300.0);
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
        let state = drawn(state);
        assert_eq!(state.progress(), None);
    }

    fn hotspot(op: &str, op_type: &str, unit: UnitId, total_us: f64, nodes: &[&str]) -> HotspotRow {
        HotspotRow {
            op: op.into(),
            op_type: op_type.into(),
            unit,
            count: 1,
            total_us,
            avg_us: total_us,
            min_us: total_us,
            max_us: total_us,
            share: total_us / 100.0,
            memory_bound: None,
            cube_utilization_pct: None,
            nodes: nodes.iter().map(|n| n.to_string()).collect(),
        }
    }

    fn stat_row(op_type: &str, count: u64, total_us: Option<f64>) -> OpStatRow {
        OpStatRow {
            op: op_type.into(),
            op_type: op_type.into(),
            core_type: "AI_CORE".into(),
            unit: UnitId::AiCore,
            count,
            total_us,
            avg_us: None,
            min_us: None,
            max_us: None,
            ratio_pct: None,
        }
    }

    /// A profile of four ops over the nodes of [`column_view`]; joined when `joined`.
    fn profile_data(joined: bool) -> ProfileData {
        let nodes = |names: &[&'static str]| if joined { names.to_vec() } else { Vec::new() };
        let hotspots = vec![
            hotspot(
                "relu_3",
                "Relu",
                UnitId::AiVector,
                50.0,
                &nodes(&["relu_3"]),
            ),
            hotspot(
                "fused_1_2",
                "Conv2D",
                UnitId::AiCore,
                30.0,
                &nodes(&["relu_1", "relu_2"]),
            ),
            hotspot("argmax", "ArgMaxV2", UnitId::AiCpu, 15.0, &[]),
            hotspot("cast_0", "Cast", UnitId::AiCpu, 5.0, &nodes(&["relu_0"])),
        ];
        let stat = |node: &str, total_us: f64| NodeStat {
            node: node.into(),
            total_us,
            count: 1,
            unit: UnitId::AiCore,
            share: total_us / 100.0,
            ops: vec![node.into()],
        };
        ProfileData {
            files: vec!["op_summary_0.csv".into()],
            estimated: false,
            sources: Vec::new(),
            chip: None,
            ran_on: None,
            ai_core_num: None,
            ai_core_num_source: "unknown".into(),
            rows: 4,
            total_us: 100.0,
            hotspots_by_type: false,
            hotspots,
            hotspots_total: 4,
            units: vec![
                (UnitId::AiCore, 30.0),
                (UnitId::AiVector, 50.0),
                (UnitId::AiCpu, 20.0),
            ],
            op_types: Vec::new(),
            op_statistics: vec![
                stat_row("Relu", 1, Some(50.0)),
                stat_row("Conv2D", 3, Some(30.0)),
                stat_row("Pad", 9, None),
            ],
            op_statistics_computed: false,
            findings: Vec::new(),
            skipped_checks: Vec::new(),
            notes: Vec::new(),
            warnings: Vec::new(),
            unit_check: None,
            join: joined.then(|| JoinSummary {
                matched_share: 0.85,
                matched_us: 85.0,
                inserted_us: 0.0,
                unmatched: Vec::new(),
                inserted: Vec::new(),
                node_stats: vec![
                    stat("relu_3", 50.0),
                    stat("relu_1", 15.0),
                    stat("relu_2", 15.0),
                    stat("relu_0", 5.0),
                ],
            }),
        }
    }

    fn with_graph_and_profile() -> AppState {
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        drawn(started(state, 1).apply(finished(
            1,
            result(Some(column_view(6)), Some(profile_data(true))),
        )))
    }

    fn hotspot_ops(state: &AppState) -> Vec<String> {
        let profile = state.profile.as_ref().expect("a profile");
        profile
            .hotspots
            .rows
            .0
            .iter()
            .map(|&idx| profile.data.hotspots[idx].op.clone())
            .collect()
    }

    #[test]
    fn hotspots_sort_by_total_first_and_toggle_on_a_second_click() {
        let state = with_graph_and_profile();
        assert_eq!(
            hotspot_ops(&state),
            ["relu_3", "fused_1_2", "argmax", "cast_0"]
        );
        let state = state.apply(Action::SortHotspots(HotspotColumn::Total));
        assert_eq!(
            hotspot_ops(&state),
            ["cast_0", "argmax", "fused_1_2", "relu_3"]
        );
        // Text columns start A to Z, numbers largest first.
        let state = state.apply(Action::SortHotspots(HotspotColumn::Type));
        assert_eq!(
            hotspot_ops(&state),
            ["argmax", "cast_0", "fused_1_2", "relu_3"]
        );
        let state = state.apply(Action::SortHotspots(HotspotColumn::Nodes));
        let sort = state.profile.as_ref().map(|p| p.hotspots.sort);
        assert_eq!(
            sort,
            Some(Sort {
                column: HotspotColumn::Nodes,
                descending: true
            })
        );
        assert_eq!(hotspot_ops(&state)[0], "fused_1_2");
    }

    #[test]
    fn the_hotspot_filter_matches_op_type_and_unit() {
        let state = with_graph_and_profile();
        let filtered =
            |text: &str| hotspot_ops(&state.clone().apply(Action::FilterHotspots(text.into())));
        assert_eq!(filtered("RELU"), ["relu_3"]);
        assert_eq!(filtered("conv"), ["fused_1_2"]);
        assert_eq!(filtered("ai cpu"), ["argmax", "cast_0"]);
        assert_eq!(filtered("ai_cpu cast"), ["cast_0"]);
        assert_eq!(filtered("  "), ["relu_3", "fused_1_2", "argmax", "cast_0"]);
        assert!(filtered("nothing-like-this").is_empty());
    }

    #[test]
    fn op_statistics_sort_with_missing_numbers_last() {
        let state = with_graph_and_profile();
        let types = |state: &AppState| -> Vec<String> {
            let profile = state.profile.as_ref().expect("a profile");
            profile
                .op_stats
                .rows
                .0
                .iter()
                .map(|&idx| profile.data.op_statistics[idx].op_type.clone())
                .collect()
        };
        assert_eq!(types(&state), ["Relu", "Conv2D", "Pad"]);
        let state = state.apply(Action::SortOpStats(OpStatColumn::Total));
        assert_eq!(types(&state), ["Conv2D", "Relu", "Pad"]);
        let state = state.apply(Action::SortOpStats(OpStatColumn::Count));
        assert_eq!(types(&state), ["Pad", "Conv2D", "Relu"]);
        let state = state.apply(Action::FilterOpStats("core".into()));
        assert_eq!(types(&state).len(), 3, "core type is matched");
        let state = state.apply(Action::FilterOpStats("pad".into()));
        assert_eq!(types(&state), ["Pad"]);
    }

    #[test]
    fn a_hotspot_row_selects_its_first_node_and_highlights_the_rest() {
        let state = with_graph_and_profile().apply(Action::SelectOp("fused_1_2".into()));
        assert_eq!(state.selection, Some(1));
        assert_eq!(state.related, vec![2]);
        // The view is centred on the node.
        let (x, y) = state.viewport.to_screen(50.0, 60.0 + 20.0);
        assert!(close(x, 400.0) && close(y, 300.0));
        // A row without nodes changes nothing; a click on the graph clears the highlight.
        let state = state.apply(Action::SelectOp("argmax".into()));
        assert_eq!((state.selection, state.related.clone()), (Some(1), vec![2]));
        let state = state.apply(Action::Select(Some(4)));
        assert!(state.related.is_empty());
        // Finding links select by name.
        let state = state.apply(Action::RevealNamed("relu_5".into()));
        assert_eq!(state.selection, Some(5));
        assert_eq!(state.node_stat(3).map(|s| s.total_us), Some(50.0));
        assert_eq!(state.node_stat(4), None);
    }

    #[test]
    fn the_heat_map_is_on_when_a_profile_is_joined_and_toggles() {
        let state = with_graph_and_profile();
        assert!(state.heat_available());
        assert!(state.heat_shown().is_some());
        let heat = state.heat.clone().expect("an overlay");
        assert_eq!(heat.n_timed, 4);
        assert_eq!(heat.fills[3].as_deref(), Some("#800026"));
        assert_eq!(heat.fills[4], None);
        // Toggling redraws: the graph is "drawn" again only after the canvas says so.
        assert_eq!(state.overlay_shown(), Overlay::Heat);
        let state = state.apply(Action::ToggleHeat);
        assert!(state.overlay_shown() == Overlay::None && state.heat_shown().is_none());
        assert_eq!(state.graph_state(), GraphState::Loading);
        let state = drawn(state);
        assert_eq!(state.graph_state(), GraphState::Drawn);
        let state = state.apply(Action::ToggleHeat);
        assert_eq!(state.overlay_shown(), Overlay::Heat);
        // Without a join there is nothing to toggle.
        let state = started(AppState::default(), 1).apply(finished(
            1,
            result(Some(column_view(3)), Some(profile_data(false))),
        ));
        assert!(!state.heat_available());
        let state = state.apply(Action::ToggleHeat);
        assert_eq!(state.overlay_shown(), Overlay::None);
        // Joined, but no node of this graph ran: no overlay that would only dim every node.
        let mut elsewhere = profile_data(true);
        if let Some(join) = elsewhere.join.as_mut() {
            for stat in &mut join.node_stats {
                stat.node = format!("other/{}", stat.node);
            }
        }
        let state = started(AppState::default(), 1)
            .apply(finished(1, result(Some(column_view(3)), Some(elsewhere))));
        assert!(!state.heat_available());
    }

    #[test]
    fn the_target_follows_the_chip_a_profile_ran_on_until_one_is_picked() {
        let a2 = || ProfileData {
            ran_on: Some(TargetKey::Ascend910B),
            ..profile_data(false)
        };
        let state = started(AppState::default(), 1).apply(finished(1, result(None, Some(a2()))));
        assert_eq!(state.target, TargetKey::Ascend910B);
        assert_eq!(state.retargets, 1, "the shown model is analysed again");
        // The same chip again: nothing to do.
        let state = started(state, 2).apply(finished(2, result(None, Some(a2()))));
        assert_eq!(state.retargets, 1);
        // An estimate tells no chip.
        let estimate = ProfileData {
            ran_on: Some(TargetKey::Ascend310P),
            estimated: true,
            ..profile_data(false)
        };
        let state = AppState::default();
        let state = started(state, 1).apply(finished(1, result(None, Some(estimate))));
        assert_eq!(state.target, TargetKey::Ascend310);
        // A picked target stays, whatever the profile ran on.
        let state = AppState::default().apply(Action::SetTarget(TargetKey::Ascend310P));
        let state = started(state, 1).apply(finished(1, result(None, Some(a2()))));
        assert_eq!(state.target, TargetKey::Ascend310P);
        assert_eq!(state.retargets, 0);
    }

    #[test]
    fn a_profile_without_a_model_shows_and_a_model_dropped_later_is_overlaid() {
        let state = started(AppState::default().apply(Action::CanvasResized(CANVAS)), 1)
            .apply(finished(1, result(None, Some(profile_data(false)))));
        assert!(state.loading.is_none());
        assert!(state.profile.is_some());
        assert!(state.graph.is_none());
        assert_eq!(state.graph_state(), GraphState::Empty);
        assert!(state.heat.is_none());
        // The worker joins the loaded profile to the new model and sends both.
        let state = started(state, 2).apply(finished(
            2,
            result(Some(column_view(6)), Some(profile_data(true))),
        ));
        assert!(state.heat_shown().is_some());
        assert_eq!(state.graph_state(), GraphState::Loading);
        assert_eq!(drawn(state).graph_state(), GraphState::Drawn);
    }

    #[test]
    fn a_profile_dropped_on_a_drawn_graph_waits_for_the_overlay_draw() {
        let state = drawn(with_graph(6));
        assert_eq!(state.graph_state(), GraphState::Drawn);
        let state = started(state, 2).apply(finished(2, result(None, Some(profile_data(true)))));
        assert_eq!(
            state.graph.as_ref().map(|g| g.generation),
            Some(1),
            "graph kept"
        );
        assert_eq!(state.graph_state(), GraphState::Loading);
        let state = drawn(state);
        assert_eq!(state.graph_state(), GraphState::Drawn);
        assert!(state.stats.and_then(|s| s.drawn_ms).is_some());
    }

    #[test]
    fn a_model_without_its_profile_drops_the_stale_join() {
        // After a worker restart the model of a new drop comes without the profile joined to it.
        let state = with_graph_and_profile();
        let mut drop = result(Some(column_view(6)), None);
        drop.models = Some(Vec::new());
        let state = started(state, 2).apply(finished(2, drop));
        let profile = state.profile.clone().expect("the profile is kept");
        assert!(profile.data.join.is_none());
        assert!(profile.data.hotspots.iter().all(|h| h.nodes.is_empty()));
        assert!(state.heat.is_none());
    }

    #[test]
    fn another_graph_of_the_shown_model_keeps_the_join() {
        // The graph picker: the same model, another of its graphs, no profile sent back.
        let state = with_graph_and_profile();
        let mut function = result(Some(column_view(2)), None);
        if let Some(model) = function.model.as_mut() {
            model.graph = 1;
        }
        let state = started(state, 2).apply(finished(2, function));
        let graph = state.graph.clone().expect("the function is shown");
        assert!(graph.is_inner_graph());
        let profile = state.profile.clone().expect("the profile is kept");
        assert!(profile.data.join.is_some(), "still joined to the model");
        // Back on the main graph, the heat map has its nodes again.
        let state = drawn(started(state, 3).apply(loaded(3, 6)));
        assert!(state
            .profile
            .as_ref()
            .is_some_and(|p| p.data.join.is_some()));
        assert!(state.heat.is_some());
    }

    #[test]
    fn the_table_choices_survive_a_rejoin_but_not_a_new_run() {
        let state = with_graph_and_profile()
            .apply(Action::SetPanelTab(PanelTab::Findings))
            .apply(Action::FilterHotspots("relu".into()));
        // The same run joined to another model keeps the tab and filter.
        let state = started(state, 2).apply(finished(
            2,
            result(Some(column_view(6)), Some(profile_data(true))),
        ));
        assert_eq!(state.panel_tab_shown(), PanelTab::Findings);
        assert_eq!(hotspot_ops(&state), ["relu_3"]);
        // Another run starts afresh.
        let mut other = profile_data(true);
        other.files = vec!["kernel_details.csv".into()];
        let state = started(state, 3).apply(finished(3, result(None, Some(other))));
        assert_eq!(state.panel_tab_shown(), PanelTab::Hotspots);
        assert_eq!(hotspot_ops(&state).len(), 4);
    }

    #[test]
    fn fetch_errors_stay_listed_with_the_files_the_worker_could_not_read() {
        let state = started(AppState::default(), 1).apply(Action::EmbedFailed(
            "p/missing.csv: could not download (404)".into(),
        ));
        let mut partial = result(Some(column_view(3)), None);
        partial.errors = vec!["junk.csv: not a profile".into()];
        let state = state.apply(finished(1, partial));
        assert!(state.graph.is_some());
        assert_eq!(
            state.errors,
            vec![
                "p/missing.csv: could not download (404)".to_string(),
                "junk.csv: not a profile".to_string()
            ]
        );
        // The next load starts with a clean list.
        assert!(started(state, 2).errors.is_empty());
    }

    #[test]
    fn file_errors_of_a_drop_are_listed_and_the_rest_is_kept() {
        let state = drawn(with_graph(3));
        let mut partial = result(None, Some(profile_data(false)));
        partial.errors = vec![
            "broken.onnx: not an ONNX model".into(),
            "junk.csv: a CSV whose header matches no Ascend profiling table".into(),
        ];
        let state = started(state, 2).apply(finished(2, partial));
        assert_eq!(state.errors.len(), 2);
        assert!(state.profile.is_some());
        assert_eq!(state.graph.as_ref().map(|g| g.generation), Some(1));
        // A drop where nothing could be read keeps the graph and the profile.
        let mut nothing = result(None, None);
        nothing.errors = vec!["x.bin: not a model".into()];
        let state = drawn(state);
        let state = started(state, 3).apply(finished(3, nothing));
        assert_eq!(state.errors, vec!["x.bin: not a model".to_string()]);
        assert_eq!(state.graph_state(), GraphState::Drawn);
        assert!(state.profile.is_some());
        // Without a graph, a drop of unreadable files is an error state.
        let mut nothing = result(None, None);
        nothing.errors = vec!["x.bin: not a model".into()];
        let state = started(AppState::default(), 1).apply(finished(1, nothing));
        assert_eq!(state.graph_state(), GraphState::Error);
    }

    #[test]
    fn the_model_picker_lists_the_drop_and_follows_the_shown_model() {
        let mut both = result(Some(column_view(3)), None);
        both.models = Some(vec![
            ModelChoice {
                files: vec!["net.prototxt".into(), "net.caffemodel".into()],
                pairing: Some("same net name".into()),
                format: "caffe".into(),
                n_nodes: 3,
            },
            ModelChoice {
                files: vec!["m.onnx".into()],
                pairing: None,
                format: "onnx".into(),
                n_nodes: 5,
            },
        ]);
        let state = started(AppState::default(), 1).apply(finished(1, both));
        assert_eq!(state.models.len(), 2);
        assert_eq!(state.shown_model, Some(0));
        assert_eq!(
            state.models[0].describe(),
            "net.prototxt + net.caffemodel (paired: same net name)"
        );
        let mut switched = result(Some(column_view(5)), None);
        if let Some(model) = switched.model.as_mut() {
            model.index = 1;
        }
        let state = started(state, 2).apply(finished(2, switched));
        assert_eq!(state.models.len(), 2, "the picker keeps the drop's models");
        assert_eq!(state.shown_model, Some(1));
    }

    // ---- The analysis: units, fusion outlines, findings, estimates, targets ----

    fn finding(rule: &str, nodes: &[&str], gain_us: Option<f64>) -> FindingRow {
        FindingRow {
            rule: rule.into(),
            title: rule.into(),
            severity: "medium".into(),
            nodes: nodes.iter().map(|n| n.to_string()).collect(),
            message: format!("{rule} fired"),
            fix: "change it".into(),
            evidence: Vec::new(),
            gain_us,
        }
    }

    /// An analysis of [`column_view`]`(6)`: Cube, Vector, AI CPU nodes, one UB group of nodes 0
    /// and 1, and two findings.
    fn analysis6() -> AnalysisData {
        use ExecUnitId::{AiCpu, Cube, Vector};
        let mut analysis = analysis_of(&[Cube, Vector, Vector, AiCpu, Cube, Vector]);
        analysis.groups = vec![FusionGroupRow {
            kind: FusionKindId::Ub,
            pattern: "TbeConvElemwiseFusionPass".into(),
            nodes: vec![0, 1],
            ddr_bytes_saved: 1024,
            gain_us: 0.0,
        }];
        analysis.nodes[0].group = Some(0);
        analysis.nodes[1].group = Some(0);
        analysis.findings = vec![
            finding("channel-alignment", &["relu_0"], Some(3.0)),
            finding(
                "missed-fusion",
                &["relu_2", "relu_5", "relu_2", "ghost"],
                Some(9.0),
            ),
        ];
        analysis
    }

    fn analysed(generation: u64, analysis: AnalysisData) -> Action {
        let mut load = result(Some(column_view(6)), None);
        load.analysis = Some(analysis);
        finished(generation, load)
    }

    #[test]
    fn an_analysis_sent_after_the_graph_ends_as_one_sent_with_it() {
        let state = started(AppState::default().apply(Action::CanvasResized(CANVAS)), 1);
        let together = drawn(state.clone().apply(analysed(1, analysis6())));
        // The graph first, drawn while the worker analyses it.
        let mut first = result(Some(column_view(6)), None);
        first.analysis_follows = true;
        first.timings.layout_ms = 40.0;
        let state = state.apply(finished(1, first));
        assert!(state.loading.is_none() && state.analysis.is_none());
        assert_eq!(
            state.analysing,
            Some(PendingAnalysis {
                generation: 1,
                new_model: true
            })
        );
        let state = drawn(state);
        assert_eq!(state.graph_state(), GraphState::Drawn);
        assert_eq!(state.stats.and_then(|s| s.drawn_ms), Some(300.0));
        assert!(state
            .progress()
            .is_some_and(|p| p.starts_with("Analysing 6 nodes")));
        // Then the analysis, alone: overlay, findings and badges as if it had come with the graph.
        let mut second = result(None, None);
        second.analysis = Some(analysis6());
        second.timings.analysis_ms = 25.0;
        let scene = state.scene;
        let state = state.apply(finished(1, second));
        assert!(state.analysing.is_none());
        assert_ne!(state.scene, scene, "the overlay is drawn");
        assert_eq!(state.graph_state(), GraphState::Loading);
        let state = drawn(state);
        assert_eq!(state.overlay_shown(), together.overlay_shown());
        assert_eq!(state.overlay_shown(), Overlay::Unit);
        assert_eq!(state.findings.len(), together.findings.len());
        let badges = |s: &AppState| s.badges.as_ref().map(|b| b.to_vec());
        assert_eq!(badges(&state), badges(&together));
        assert!(state.units.is_some() && state.outlines.is_some());
        assert_eq!(state.progress(), None);
        let timings = state.stats.map(|s| s.timings).unwrap_or_default();
        assert_eq!((timings.layout_ms, timings.analysis_ms), (40.0, 25.0));
        assert_eq!(
            state.stats.and_then(|s| s.drawn_ms),
            Some(300.0),
            "first draw"
        );
    }

    #[test]
    fn an_analysis_of_an_older_load_is_dropped() {
        let mut first = result(Some(column_view(6)), None);
        first.analysis_follows = true;
        let state = drawn(started(AppState::default(), 1).apply(finished(1, first)));
        let state = started(state, 2);
        assert!(state.analysing.is_none());
        let state = state.apply(analysed(1, analysis6()));
        assert!(state.analysis.is_none());
        // A crash while analysing is reported, and the graph stays.
        let mut first = result(Some(column_view(6)), None);
        first.analysis_follows = true;
        let state = drawn(state.apply(finished(2, first)));
        let state = state.apply(Action::Worker {
            msg: FromWorker::Crashed {
                generation: 2,
                message: "boom".into(),
            },
            now_ms: 1400.0,
        });
        assert!(state.analysing.is_none());
        assert!(state.graph.is_some());
        assert!(state.errors[0].contains("boom"), "{:?}", state.errors);
    }

    fn with_analysis() -> AppState {
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        drawn(started(state, 1).apply(analysed(1, analysis6())))
    }

    #[test]
    fn the_fusion_overlay_shows_outlines_even_when_they_are_toggled_off() {
        let state = with_analysis().apply(Action::ToggleFusion);
        assert!(
            state.outlines_shown().is_none(),
            "outlines off on the unit overlay"
        );
        let scene = state.scene;
        let state = state.apply(Action::ToggleFusionOverlay);
        assert_eq!(state.overlay_shown(), Overlay::Fusion);
        assert!(state.scene > scene, "the canvas redraws");
        assert!(
            state.outlines_shown().is_some(),
            "the fusion overlay draws them"
        );
        assert!(state.units_shown().is_none() && state.heat_shown().is_none());
        let state = state.apply(Action::ToggleFusionOverlay);
        assert_eq!(state.overlay_shown(), Overlay::None);
    }

    #[test]
    fn an_overlay_named_by_the_url_is_kept_through_loads_until_the_user_picks_one() {
        let state = AppState::default()
            .apply(Action::CanvasResized(CANVAS))
            .apply(Action::PinOverlay(Overlay::Fusion));
        assert_eq!(state.overlay_shown(), Overlay::None, "nothing loaded yet");
        let state = drawn(started(state, 1).apply(analysed(1, analysis6())));
        // A model alone would open on its units; the URL asked for fusion.
        assert_eq!(state.overlay_shown(), Overlay::Fusion);
        let state = state.apply(Action::SetOverlay(Overlay::Unit));
        assert_eq!(state.overlay_shown(), Overlay::Unit);
        assert!(!state.overlay_pinned);
    }

    #[test]
    fn nodes_named_by_findings_carry_a_badge() {
        let state = with_analysis();
        let badges = state.badges.clone().expect("findings name nodes");
        let graph = state.graph.as_ref().expect("a graph");
        for row in &state.findings.rows {
            for name in &row.nodes {
                if let Some(idx) = graph.node_named(name) {
                    assert!(badges[idx] >= 1, "{name} has no badge");
                }
            }
        }
        let total: u32 = badges.iter().map(|&c| u32::from(c)).sum();
        assert!(total >= 2, "{badges:?}");
        assert!(badges
            .iter()
            .enumerate()
            .any(|(idx, &c)| c == 0 && idx < badges.len()));
    }

    #[test]
    fn a_model_alone_shows_its_units_outlines_and_findings_as_an_estimate() {
        let state = with_analysis();
        assert_eq!(state.overlay_shown(), Overlay::Unit);
        let units = state.units_shown().expect("the unit overlay");
        assert_eq!(units.count(ExecUnitId::Vector), 3);
        assert_eq!(units.units[3], Some(ExecUnitId::AiCpu));
        let outlines = state.outlines_shown().expect("fusion outlines");
        assert_eq!(outlines.outlines.len(), 1);
        assert!(
            state.heat.is_none(),
            "no profile, no estimate with tasks: no heat map"
        );
        // The panel opens on the findings, grouped and sorted by gain.
        assert!(state.panel_visible());
        assert_eq!(state.panel_tabs(), vec![PanelTab::Findings]);
        assert_eq!(state.panel_tab_shown(), PanelTab::Findings);
        let rules: Vec<&str> = state
            .findings
            .groups
            .iter()
            .map(|g| g.rule.as_str())
            .collect();
        assert_eq!(rules, ["missed-fusion", "channel-alignment"]);
        // Everything timed is labelled as the estimate.
        assert_eq!(
            state.estimate().as_deref(),
            Some("estimated (cost model, Ascend 310)")
        );
        assert_eq!(
            state.node_analysis(3).map(|n| n.unit),
            Some(ExecUnitId::AiCpu)
        );
        // Overlays switch and redraw.
        let state = state.apply(Action::ToggleUnits);
        assert_eq!(state.overlay_shown(), Overlay::None);
        assert_eq!(state.graph_state(), GraphState::Loading);
        let state = drawn(state).apply(Action::ToggleHeat);
        assert_eq!(state.overlay_shown(), Overlay::None, "no heat map to show");
        let state = state
            .apply(Action::SetOverlay(Overlay::Unit))
            .apply(Action::ToggleFusion);
        assert_eq!(state.overlay_shown(), Overlay::Unit);
        assert!(state.outlines_shown().is_none());
    }

    #[test]
    fn a_finding_selects_all_its_nodes_and_frames_them() {
        let state = with_analysis();
        // The missed-fusion finding: relu_2 and relu_5 (named twice, and a name not in the graph).
        let idx = state
            .findings
            .rows
            .iter()
            .position(|f| f.rule == "missed-fusion")
            .expect("the finding");
        let state = state.apply(Action::SelectFinding(idx));
        assert_eq!(state.selection, Some(2));
        assert_eq!(state.related, vec![5]);
        assert_eq!(state.selected_finding, Some(idx));
        // Both boxes (y 120 to 340) are in view, centred.
        let (_, top) = state.viewport.to_screen(0.0, 120.0);
        let (_, bottom) = state.viewport.to_screen(100.0, 340.0);
        assert!(top >= 0.0 && bottom <= CANVAS.height, "{top} {bottom}");
        assert!(close(top + bottom, CANVAS.height));
        // A click elsewhere ends the group selection.
        let state = state.apply(Action::Select(Some(1)));
        assert!(state.related.is_empty() && state.selected_finding.is_none());
        // An index past the list changes nothing.
        let after = state.clone().apply(Action::SelectFinding(99));
        assert_eq!(after, state);
    }

    #[test]
    fn a_measured_profile_replaces_the_estimate_and_shows_as_the_heat_map() {
        let mut estimate = profile_data(true);
        estimate.estimated = true;
        estimate.files.clear();
        let mut load = result(Some(column_view(6)), Some(estimate));
        load.analysis = Some(analysis6());
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        let state = drawn(started(state, 1).apply(finished(1, load)));
        assert!(state.profile.as_ref().is_some_and(|p| p.data.estimated));
        assert_eq!(
            state.overlay_shown(),
            Overlay::Unit,
            "a model alone shows its units"
        );
        assert!(state.heat_available(), "the estimate has a heat map too");
        assert!(state.panel_tabs().contains(&PanelTab::Hotspots));
        assert!(!state.panel_tabs().contains(&PanelTab::Unmatched));
        assert!(state.estimate().is_some());
        // The measured run arrives with its analysis.
        let mut measured = analysis6();
        measured.estimated = false;
        let mut load = result(None, Some(profile_data(true)));
        load.analysis = Some(measured);
        let state = drawn(started(state, 2).apply(finished(2, load)));
        assert!(state.profile.as_ref().is_some_and(|p| !p.data.estimated));
        assert_eq!(state.overlay_shown(), Overlay::Heat);
        assert_eq!(state.panel_tab_shown(), PanelTab::Hotspots);
        assert_eq!(state.estimate(), None);
        // The worker lost the profile (a restart) and sends a new model with an estimate: the
        // measured profile stays, unjoined.
        let mut estimate = profile_data(true);
        estimate.estimated = true;
        let mut load = result(Some(column_view(6)), Some(estimate));
        if let Some(model) = load.model.as_mut() {
            model.index = 1;
        }
        load.analysis = Some(analysis6());
        let state = started(state, 3).apply(finished(3, load));
        let profile = state.profile.clone().expect("the measured profile");
        assert!(!profile.data.estimated && profile.data.join.is_none());
    }

    #[test]
    fn an_analysis_without_an_estimate_clears_the_old_one() {
        let mut estimate = profile_data(true);
        estimate.estimated = true;
        let mut load = result(Some(column_view(6)), Some(estimate));
        load.analysis = Some(analysis6());
        let state = drawn(started(AppState::default(), 1).apply(finished(1, load)));
        assert!(state.profile.is_some());
        // Another target whose cost model gave no task.
        let state = state.apply(Action::SetTarget(TargetKey::Ascend910B));
        assert_eq!(state.target, TargetKey::Ascend910B);
        let mut again = result(None, None);
        let mut analysis = analysis6();
        analysis.target = TargetKey::Ascend910B;
        analysis.target_name = "Ascend 910B".into();
        again.analysis = Some(analysis);
        let state = started(state, 2).apply(finished(2, again));
        assert!(state.profile.is_none());
        assert!(state.panel_visible(), "the findings stay");
        assert_eq!(
            state.estimate().as_deref(),
            Some("estimated (cost model, Ascend 910B)")
        );
    }

    #[test]
    fn an_inner_graph_has_no_unit_overlay_and_a_new_model_no_stale_analysis() {
        let state = with_analysis();
        let mut function = result(Some(column_view(2)), None);
        if let Some(model) = function.model.as_mut() {
            model.graph = 1;
        }
        let state = started(state, 2).apply(finished(2, function));
        assert!(state.analysis.is_some(), "kept for the main graph");
        assert!(state.units.is_none() && state.outlines.is_none());
        assert_eq!(state.node_analysis(0), None);
        assert_eq!(state.overlay_shown(), Overlay::None);
        // Back on the main graph, the units show again.
        let state = started(state, 3).apply(analysed(3, analysis6()));
        assert_eq!(state.overlay_shown(), Overlay::Unit);
        // A new model without an analysis (never sent, but possible) drops the old one.
        let mut other = result(Some(column_view(3)), None);
        if let Some(model) = other.model.as_mut() {
            model.index = 1;
        }
        let state = started(state, 4).apply(finished(4, other));
        assert!(state.analysis.is_none() && state.units.is_none());
        assert!(!state.panel_visible());
    }

    #[test]
    fn the_analysis_findings_replace_the_profile_findings() {
        let mut data = profile_data(true);
        data.findings = vec![finding("aicpu-op", &["relu_0"], Some(5.0))];
        let state = started(AppState::default(), 1).apply(finished(
            1,
            result(Some(column_view(6)), Some(data.clone())),
        ));
        assert_eq!(
            state.findings.len(),
            1,
            "the profile's findings without an analysis"
        );
        let mut load = result(Some(column_view(6)), Some(data));
        let mut analysis = analysis6();
        analysis.estimated = false;
        load.analysis = Some(analysis);
        let state = started(state, 2).apply(finished(2, load));
        assert_eq!(state.findings.len(), 2, "one list: the analysis's");
        assert!(state.findings.names_are_nodes);
    }

    #[test]
    fn the_theme_cycles_system_light_dark_and_is_remembered_when_chosen() {
        let state = AppState::default();
        assert_eq!(state.theme, Theme::System);
        assert!(!state.theme_chosen);
        let state = state.apply(Action::CycleTheme);
        assert_eq!((state.theme, state.scheme()), (Theme::Light, Scheme::Light));
        assert!(
            state.theme_chosen,
            "the user chose it: the page remembers it"
        );
        let state = state.apply(Action::CycleTheme);
        assert_eq!((state.theme, state.scheme()), (Theme::Dark, Scheme::Dark));
        let state = state.apply(Action::CycleTheme);
        assert_eq!(state.theme, Theme::System);
        let state = state.apply(Action::SetTheme(Theme::Dark));
        assert_eq!(state.theme, Theme::Dark);
        // A theme from the URL shows, and is not written over the user's.
        let state = state.apply(Action::PinTheme(Theme::Light));
        assert_eq!(state.theme, Theme::Light);
        assert!(!state.theme_chosen);
    }

    #[test]
    fn the_system_scheme_applies_only_to_the_system_theme() {
        let state = AppState::default().apply(Action::SystemScheme(Scheme::Dark));
        assert_eq!(state.scheme(), Scheme::Dark, "System follows the system");
        let state = state.apply(Action::SetTheme(Theme::Light));
        assert_eq!(state.scheme(), Scheme::Light, "Light is forced");
        let state = state.apply(Action::SystemScheme(Scheme::Light));
        let state = state.apply(Action::SystemScheme(Scheme::Dark));
        assert_eq!(
            state.scheme(),
            Scheme::Light,
            "the system changing does not matter"
        );
        let state = state.apply(Action::SetTheme(Theme::System));
        assert_eq!(
            state.scheme(),
            Scheme::Dark,
            "System again: the system's, as it is now"
        );
        assert_eq!(state.system_scheme, Scheme::Dark);
    }

    #[test]
    fn the_graph_is_drawn_again_when_the_scheme_changes() {
        let state = drawn(with_graph(4));
        assert_eq!(state.graph_state(), GraphState::Drawn);
        let scene = state.scene;
        // Light is the scheme already: nothing to draw again.
        let state = state.apply(Action::SetTheme(Theme::Light));
        assert_eq!(state.scene, scene);
        assert!(state.drawn);
        let state = state.apply(Action::CycleTheme);
        assert_eq!(state.scheme(), Scheme::Dark);
        assert_eq!(state.scene, scene + 1, "a new scene version for the canvas");
        assert!(!state.drawn, "the dark drawing must be reported");
        let state = drawn(state);
        // The system turning light does not change a forced dark theme.
        let state = state.apply(Action::SystemScheme(Scheme::Light));
        assert_eq!(state.scene, scene + 1);
        // Back to System while the system is light: light again.
        let state = state.apply(Action::CycleTheme);
        assert_eq!(state.scheme(), Scheme::Light);
        assert_eq!(state.scene, scene + 2);
        // Without a graph no scene waits for a draw.
        let state = AppState::default().apply(Action::SetTheme(Theme::Dark));
        assert_eq!(state.scene, 0);
    }

    /// Whether the centre of node `idx` is on the canvas.
    fn in_view(state: &AppState, idx: usize) -> bool {
        let rect = state.graph.as_ref().expect("a graph").view.nodes[idx].rect;
        let (x, y) = state
            .viewport
            .to_screen(rect.x + rect.width / 2.0, rect.y + rect.height / 2.0);
        (0.0..=CANVAS.width).contains(&x) && (0.0..=CANVAS.height).contains(&y)
    }

    fn centred(state: &AppState, idx: usize) -> bool {
        let rect = state.graph.as_ref().expect("a graph").view.nodes[idx].rect;
        let (x, y) = state
            .viewport
            .to_screen(rect.x + rect.width / 2.0, rect.y + rect.height / 2.0);
        close(x, CANVAS.width / 2.0) && close(y, CANVAS.height / 2.0)
    }

    #[test]
    fn arrow_keys_walk_along_edges_and_across_rows() {
        use crate::state::navigate::tests::diamond;
        let state = AppState::default().apply(Action::CanvasResized(CANVAS));
        let state = started(state, 1).apply(finished(1, result(Some(diamond()), None)));
        // Nothing selected: nothing moves.
        let state = state.apply(Action::Move(Direction::Consumer));
        assert_eq!(state.selection, None);
        let state = state.apply(Action::Select(Some(0)));
        let state = state.apply(Action::Move(Direction::Consumer));
        assert_eq!(
            state.selection,
            Some(1),
            "the consumer straight below first"
        );
        assert!(centred(&state, 1));
        let state = state.apply(Action::Move(Direction::Right));
        assert_eq!(state.selection, Some(2));
        let state = state.apply(Action::Move(Direction::Consumer));
        assert_eq!(state.selection, Some(3));
        // Up goes back the way it came (2), not to the nearest producer (1).
        let state = state.apply(Action::Move(Direction::Producer));
        assert_eq!(state.selection, Some(2));
        let state = state.apply(Action::Move(Direction::Producer));
        assert_eq!(state.selection, Some(0));
        // The top: no producer, the selection stays.
        let state = state.apply(Action::Move(Direction::Producer));
        assert_eq!(state.selection, Some(0));
        let state = state.apply(Action::Move(Direction::Right));
        assert_eq!(state.selection, Some(4));
        assert!(centred(&state, 4));
        // A click elsewhere forgets the walk: up from 3 is its nearest producer again.
        let state = state
            .apply(Action::Select(Some(3)))
            .apply(Action::Move(Direction::Producer));
        assert_eq!(state.selection, Some(1));
    }

    #[test]
    fn zoom_to_selection_frames_the_selected_and_related_nodes() {
        let state = with_graph(100);
        // Nothing selected: the view stays.
        let before = state.viewport;
        assert_eq!(
            state.clone().apply(Action::ZoomToSelection).viewport,
            before
        );
        let mut state = state.apply(Action::Select(Some(10)));
        state.related = vec![40];
        let state = state.apply(Action::ZoomToSelection);
        assert!(in_view(&state, 10) && in_view(&state, 40));
        assert!(
            state.viewport.scale < READABLE_SCALE,
            "zoomed out to show both"
        );
        // One node alone: centred at 100 %.
        let state = state
            .apply(Action::Select(Some(70)))
            .apply(Action::ZoomToSelection);
        assert!(centred(&state, 70));
        assert!(close(state.viewport.scale, FIT_MAX_SCALE));
    }

    #[test]
    fn enter_brings_the_selected_node_into_view() {
        let state = with_graph(100).apply(Action::Select(Some(80)));
        assert!(!in_view(&state, 80));
        let state = state.apply(Action::RevealSelected);
        assert!(centred(&state, 80));
        assert_eq!(state.selection, Some(80));
    }

    #[test]
    fn a_node_named_by_the_url_is_revealed_once_the_graph_is_drawn() {
        let state = AppState::default()
            .apply(Action::CanvasResized(CANVAS))
            .apply(Action::ShowNamed("relu_70".into()));
        assert_eq!(state.pending_node.as_deref(), Some("relu_70"));
        let state = started(state, 1).apply(loaded(1, 100));
        assert_eq!(state.selection, None, "not before the graph is drawn");
        let state = drawn(state);
        assert_eq!(state.selection, Some(70));
        assert!(centred(&state, 70));
        assert_eq!(state.pending_node, None);
        // With the graph drawn (the hash changed), at once.
        let state = state.apply(Action::ShowNamed("relu_3".into()));
        assert_eq!(state.selection, Some(3));
        // A name the graph lacks changes nothing.
        let state = state.apply(Action::ShowNamed("conv_9".into()));
        assert_eq!(state.selection, Some(3));
        assert_eq!(state.pending_node, None);
    }

    #[test]
    fn the_minimap_centres_the_view_and_hides() {
        let state = with_graph(100);
        let scale = state.viewport.scale;
        let state = state.apply(Action::CentreOn { x: 50.0, y: 3000.0 });
        assert_eq!(state.viewport.to_screen(50.0, 3000.0), (400.0, 300.0));
        assert!(close(state.viewport.scale, scale), "the zoom is kept");
        assert!(!state.fresh_view);
        let state = state.apply(Action::CentreOn {
            x: f64::NAN,
            y: 0.0,
        });
        assert_eq!(state.viewport.to_screen(50.0, 3000.0), (400.0, 300.0));
        assert!(!state.minimap_hidden);
        let state = state.apply(Action::ToggleMinimap);
        assert!(state.minimap_hidden);
    }
}
