//! The graph canvas: owns the `<canvas>`, keeps it sized to its container at the device pixel
//! ratio, draws at most once per animation frame, and turns pointer input into actions (pan,
//! zoom about the cursor, select) and hover feedback (highlight, tooltip).
//!
//! It holds no graph algorithm: drawing and hit testing are the plain functions of
//! [`crate::canvas`].

use std::cell::RefCell;
use std::rc::Rc;

use gloo_render::{request_animation_frame, AnimationFrame};
use opscope_engine::report::{GraphView, ViewNodeKind};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement};
use yew::prelude::*;

use crate::canvas::draw::{self, Frame, Highlight};
use crate::canvas::fusion::FusionOutlines;
use crate::canvas::heat::HeatMap;
use crate::canvas::palette::Palette;
use crate::canvas::scene::{op_node_names, Detail, Scene};
use crate::canvas::text::TextCache;
use crate::canvas::units::UnitMap;
use crate::state::{format_us, Action, GraphHandle, Scheme, Shared, Size, Viewport};

#[derive(Properties, PartialEq)]
pub struct GraphCanvasProps {
    pub graph: Option<GraphHandle>,
    pub viewport: Viewport,
    pub selection: Option<usize>,
    /// Other nodes of the selected profiled op, outlined with it.
    pub related: Vec<usize>,
    /// The heat-map overlay, when shown.
    pub heat: Option<Shared<HeatMap>>,
    /// The heat map's times are the cost model's estimate, not a measurement.
    pub estimated: bool,
    /// The colour-by-unit overlay, when shown.
    pub units: Option<Shared<UnitMap>>,
    /// Fusion-group outlines, when shown.
    pub outlines: Option<Shared<FusionOutlines>>,
    /// The fusion overlay is on: non-members dimmed, near misses drawn and explained on hover.
    #[prop_or_default]
    pub fusion_view: bool,
    /// Per view node: how many findings name it.
    #[prop_or_default]
    pub badges: Option<Shared<Vec<u16>>>,
    /// Light or dark: the colours drawn with.
    #[prop_or_default]
    pub scheme: Scheme,
    /// Version of what is drawn (graph, overlay, scheme); reported back once drawn.
    pub scene: u64,
    pub on_action: Callback<Action>,
    /// Called with the scene version after its first complete draw.
    pub on_drawn: Callback<u64>,
    /// A double click on a folded scope or group: open it (view index).
    #[prop_or_default]
    pub on_open_fold: Callback<usize>,
}

pub enum Msg {
    Resized(Size),
    Frame,
    PointerDown(PointerEvent),
    PointerMove(PointerEvent),
    PointerUp(PointerEvent),
    PointerLeave,
    Wheel(WheelEvent),
    DoubleClick(MouseEvent),
}

/// Pointer travel (CSS px) below which a press and release is a click, not a drag.
const CLICK_SLOP: f64 = 4.0;
/// How close (CSS px) the pointer must be to an edge to hover it.
const EDGE_HOVER_DISTANCE: f64 = 5.0;

struct Drag {
    pointer_id: i32,
    last: (f64, f64),
    travelled: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Hover {
    node: Option<usize>,
    edge: Option<usize>,
    /// Pointer position in canvas CSS pixels.
    at: (f64, f64),
}

/// The container's `ResizeObserver` and the callback it calls (kept alive with it).
type SizeObserver = (web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);

/// What the test hook (`window.opscope`) reads; updated after every draw.
#[derive(Default)]
struct HookData {
    view: Option<Rc<GraphView>>,
    viewport: Viewport,
    size: Size,
    canvas: Option<HtmlCanvasElement>,
}

pub struct GraphCanvas {
    canvas_ref: NodeRef,
    container_ref: NodeRef,
    scene: Option<(u64, Rc<Scene>)>,
    texts: TextCache,
    /// The canvas fonts have been measured once (see [`draw::warm_up_fonts`]).
    fonts_warm: bool,
    size: Size,
    frame: Option<AnimationFrame>,
    drag: Option<Drag>,
    hover: Hover,
    reported_scene: Option<u64>,
    resize_observer: Option<SizeObserver>,
    hook_data: Rc<RefCell<HookData>>,
    hooks: Option<TestHooks>,
}

impl Component for GraphCanvas {
    type Message = Msg;
    type Properties = GraphCanvasProps;

    fn create(ctx: &Context<Self>) -> Self {
        let mut canvas = GraphCanvas {
            canvas_ref: NodeRef::default(),
            container_ref: NodeRef::default(),
            scene: None,
            texts: TextCache::default(),
            fonts_warm: false,
            size: Size::default(),
            frame: None,
            drag: None,
            hover: Hover::default(),
            reported_scene: None,
            resize_observer: None,
            hook_data: Rc::default(),
            hooks: None,
        };
        canvas.sync_scene(ctx.props());
        canvas
    }

    fn changed(&mut self, ctx: &Context<Self>, old_props: &Self::Properties) -> bool {
        let graph_changed = ctx.props().graph != old_props.graph;
        if graph_changed {
            self.sync_scene(ctx.props());
            self.hover = Hover::default();
        }
        if ctx.props().viewport != old_props.viewport {
            // The tooltip would point at the old place.
            self.hover = Hover::default();
        }
        self.schedule_frame(ctx);
        true
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Resized(size) => {
                if size != self.size {
                    self.size = size;
                    ctx.props().on_action.emit(Action::CanvasResized(size));
                    self.schedule_frame(ctx);
                }
                false
            }
            Msg::Frame => {
                self.frame = None;
                self.draw(ctx);
                false
            }
            Msg::PointerDown(event) => {
                if event.button() != 0 {
                    return false;
                }
                if let Some(canvas) = self.canvas_ref.cast::<HtmlCanvasElement>() {
                    let _ = canvas.set_pointer_capture(event.pointer_id());
                }
                self.drag = Some(Drag {
                    pointer_id: event.pointer_id(),
                    last: (event.client_x() as f64, event.client_y() as f64),
                    travelled: 0.0,
                });
                let had_hover = self.hover != Hover::default();
                self.hover = Hover::default();
                had_hover
            }
            Msg::PointerMove(event) => {
                let client = (event.client_x() as f64, event.client_y() as f64);
                if let Some(drag) = self.drag.as_mut() {
                    if drag.pointer_id == event.pointer_id() {
                        let (dx, dy) = (client.0 - drag.last.0, client.1 - drag.last.1);
                        drag.last = client;
                        drag.travelled += dx.abs() + dy.abs();
                        if drag.travelled >= CLICK_SLOP {
                            ctx.props().on_action.emit(Action::PanBy { dx, dy });
                        }
                        return false;
                    }
                }
                let at = self.to_canvas(client);
                let hover = self.hit(ctx.props(), at);
                let changed = hover.node != self.hover.node || hover.edge != self.hover.edge;
                let shows_tooltip = self.tooltip(ctx.props()).is_some();
                self.hover = hover;
                if changed {
                    self.schedule_frame(ctx);
                }
                changed || shows_tooltip
            }
            Msg::PointerUp(event) => {
                let Some(drag) = self.drag.take() else {
                    return false;
                };
                if let Some(canvas) = self.canvas_ref.cast::<HtmlCanvasElement>() {
                    let _ = canvas.release_pointer_capture(drag.pointer_id);
                }
                if drag.travelled < CLICK_SLOP {
                    let at = self.to_canvas((event.client_x() as f64, event.client_y() as f64));
                    let hit = self.hit(ctx.props(), at);
                    ctx.props().on_action.emit(Action::Select(hit.node));
                    self.hover = hit;
                    self.schedule_frame(ctx);
                    return true;
                }
                false
            }
            Msg::DoubleClick(event) => {
                let at = self.to_canvas((event.client_x() as f64, event.client_y() as f64));
                let props = ctx.props();
                let folded = self.hit(props, at).node.filter(|&idx| {
                    props.graph.as_ref().is_some_and(|g| {
                        g.view
                            .nodes
                            .get(idx)
                            .is_some_and(|n| n.kind == ViewNodeKind::Folded)
                    })
                });
                if let Some(idx) = folded {
                    props.on_open_fold.emit(idx);
                }
                false
            }
            Msg::PointerLeave => {
                if self.drag.is_some() || self.hover == Hover::default() {
                    return false;
                }
                self.hover = Hover::default();
                self.schedule_frame(ctx);
                true
            }
            Msg::Wheel(event) => {
                event.prevent_default();
                let unit = match event.delta_mode() {
                    1 => 16.0,
                    2 => 400.0,
                    _ => 1.0,
                };
                let delta = event.delta_y() * unit;
                let factor = (-delta * 0.0015).exp().clamp(0.5, 2.0);
                let (x, y) = self.to_canvas((event.client_x() as f64, event.client_y() as f64));
                ctx.props().on_action.emit(Action::ZoomAt { x, y, factor });
                false
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let cursor = if self
            .drag
            .as_ref()
            .is_some_and(|d| d.travelled >= CLICK_SLOP)
        {
            "grabbing"
        } else if self.hover.node.is_some() {
            "pointer"
        } else {
            "grab"
        };
        html! {
            <div class={classes!("graph-canvas", cursor)} ref={self.container_ref.clone()}>
                <canvas
                    ref={self.canvas_ref.clone()}
                    aria-label="Model graph. Arrow keys move the selection along the edges; press ? for every key."
                    role="img" tabindex="0" aria-describedby="selection-summary"
                    onpointerdown={link.callback(Msg::PointerDown)}
                    onpointermove={link.callback(Msg::PointerMove)}
                    onpointerup={link.callback(Msg::PointerUp)}
                    onpointercancel={link.callback(Msg::PointerUp)}
                    onpointerleave={link.callback(|_| Msg::PointerLeave)}
                    onwheel={link.callback(Msg::Wheel)}
                    ondblclick={link.callback(Msg::DoubleClick)}
                />
                { self.view_tooltip(ctx.props()) }
            </div>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if first_render {
            self.observe_size(ctx);
            self.hooks = TestHooks::install(self.hook_data.clone());
        }
        self.schedule_frame(ctx);
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        if let Some((observer, _)) = self.resize_observer.take() {
            observer.disconnect();
        }
        self.frame = None;
        if let Some(hooks) = self.hooks.take() {
            hooks.uninstall();
        }
    }
}

impl GraphCanvas {
    fn sync_scene(&mut self, props: &GraphCanvasProps) {
        match &props.graph {
            Some(graph) => {
                let is_current = self
                    .scene
                    .as_ref()
                    .is_some_and(|(generation, _)| *generation == graph.generation);
                if !is_current {
                    crate::worker::codec::trace("page scene start");
                    self.scene = Some((graph.generation, Rc::new(Scene::new(&graph.view))));
                    self.texts.reset(graph.view.nodes.len());
                    crate::worker::codec::trace("page scene done");
                }
            }
            None => self.scene = None,
        }
    }

    /// Asks for a frame unless one is already pending: many changes, one draw.
    fn schedule_frame(&mut self, ctx: &Context<Self>) {
        if self.frame.is_some() {
            return;
        }
        let link = ctx.link().clone();
        self.frame = Some(request_animation_frame(move |_| {
            link.send_message(Msg::Frame)
        }));
    }

    fn observe_size(&mut self, ctx: &Context<Self>) {
        let Some(container) = self.container_ref.cast::<HtmlElement>() else {
            return;
        };
        let rect = container.get_bounding_client_rect();
        ctx.link().send_message(Msg::Resized(Size {
            width: rect.width(),
            height: rect.height(),
        }));
        let link = ctx.link().clone();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let Some(entry) = entries
                .get(0)
                .dyn_into::<web_sys::ResizeObserverEntry>()
                .ok()
            else {
                return;
            };
            let rect = entry.content_rect();
            link.send_message(Msg::Resized(Size {
                width: rect.width(),
                height: rect.height(),
            }));
        });
        match web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            Ok(observer) => {
                observer.observe(&container);
                self.resize_observer = Some((observer, callback));
            }
            Err(err) => {
                web_sys::console::warn_2(&"opscope: no ResizeObserver".into(), &err);
            }
        }
    }

    /// Client (page) coordinates to canvas CSS pixels.
    fn to_canvas(&self, client: (f64, f64)) -> (f64, f64) {
        match self.canvas_ref.cast::<HtmlCanvasElement>() {
            Some(canvas) => {
                let rect = canvas.get_bounding_client_rect();
                (client.0 - rect.left(), client.1 - rect.top())
            }
            None => client,
        }
    }

    fn hit(&self, props: &GraphCanvasProps, at: (f64, f64)) -> Hover {
        let Some((_, scene)) = &self.scene else {
            return Hover::default();
        };
        let viewport = props.viewport;
        let (wx, wy) = viewport.to_world(at.0, at.1);
        let node = scene.node_at(wx, wy);
        let edge = match node {
            Some(_) => None,
            None => scene.edge_at(wx, wy, EDGE_HOVER_DISTANCE / viewport.scale),
        };
        Hover { node, edge, at }
    }

    fn draw(&mut self, ctx: &Context<Self>) {
        crate::worker::codec::trace("page draw start");
        let props = ctx.props();
        let Some(canvas) = self.canvas_ref.cast::<HtmlCanvasElement>() else {
            return;
        };
        let Some(context) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let dpr = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .filter(|r| *r > 0.0)
            .unwrap_or(1.0);
        let size = self.size;
        let backing_width = (size.width * dpr).round().max(1.0) as u32;
        let backing_height = (size.height * dpr).round().max(1.0) as u32;
        if canvas.width() != backing_width || canvas.height() != backing_height {
            canvas.set_width(backing_width);
            canvas.set_height(backing_height);
        }
        let (Some(graph), Some((_, scene))) = (&props.graph, &self.scene) else {
            draw::clear(&context, size, dpr, Palette::of(props.scheme));
            if !self.fonts_warm {
                draw::warm_up_fonts(&context);
                self.fonts_warm = true;
            }
            return;
        };
        let scene = scene.clone();
        let frame = Frame {
            view: &graph.view,
            scene: &scene,
            viewport: props.viewport,
            size,
            device_pixel_ratio: dpr,
            highlight: Highlight {
                selected: props.selection,
                hovered_node: self.hover.node,
                hovered_edge: self.hover.edge,
            },
            related: &props.related,
            heat: props.heat.as_deref(),
            units: props.units.as_deref(),
            outlines: props.outlines.as_deref(),
            fusion_view: props.fusion_view,
            badges: props.badges.as_deref().map(Vec::as_slice),
            palette: Palette::of(props.scheme),
        };
        let drawn = draw::draw(&context, &frame, &mut self.texts);
        crate::worker::codec::trace(&format!("page draw done ({drawn})"));

        {
            let mut hook_data = self.hook_data.borrow_mut();
            hook_data.view = Some(graph.view.clone());
            hook_data.viewport = props.viewport;
            hook_data.size = size;
            hook_data.canvas = Some(canvas);
        }
        if let Some(hooks) = &self.hooks {
            hooks.publish();
        }
        if !size.is_empty() && self.reported_scene != Some(props.scene) {
            self.reported_scene = Some(props.scene);
            props.on_drawn.emit(props.scene);
        }
    }

    /// Tooltip text: the tensor of the hovered edge, or the hovered node when its text is too
    /// small to read.
    fn tooltip(&self, props: &GraphCanvasProps) -> Option<(String, String)> {
        let graph = props.graph.as_ref()?;
        if let Some(edge) = self.hover.edge.and_then(|e| graph.view.edges.get(e)) {
            let from = graph.view.nodes.get(edge.from).map(node_label);
            let to = graph.view.nodes.get(edge.to).map(node_label);
            let route = match (from, to) {
                (Some(from), Some(to)) => format!("{from} → {to}"),
                _ => String::new(),
            };
            let detail = if route.is_empty() {
                edge.label.clone()
            } else {
                format!("{}\n{route}", edge.label)
            };
            return Some((edge.tensor.clone(), detail));
        }
        let node_idx = self.hover.node?;
        let node = graph.view.nodes.get(node_idx)?;
        // Under the fusion overlay a member of a near miss says why the pattern stopped.
        if let Some(miss) = props
            .outlines
            .as_ref()
            .filter(|_| props.fusion_view)
            .and_then(|o| o.near_miss(node_idx))
        {
            return Some((
                format!("Near miss: {}", miss.pattern),
                format!("{}\n{}", node_label(node), miss.reason),
            ));
        }
        // With the heat map on, the hovered node's time is always worth a tooltip; with the
        // unit colours, its unit.
        let how = if props.estimated {
            "estimated"
        } else {
            "measured"
        };
        let measured = props
            .heat
            .as_ref()
            .and_then(|heat| {
                let time = heat.times.get(node_idx).copied().flatten()?;
                let unit = heat.units.get(node_idx).copied().flatten();
                Some(match unit {
                    Some(unit) => format!("{how} {} on {}", format_us(time), unit.label()),
                    None => format!("{how} {}", format_us(time)),
                })
            })
            .or_else(|| {
                let unit = props
                    .units
                    .as_ref()?
                    .units
                    .get(node_idx)
                    .copied()
                    .flatten()?;
                Some(format!("unit: {}", unit.label()))
            });
        match measured {
            Some(measured) => Some((node.title.clone(), format!("{}\n{measured}", node.name))),
            None if Detail::at(props.viewport.scale).body_text => None,
            None => Some((node.title.clone(), node.name.clone())),
        }
    }

    fn view_tooltip(&self, props: &GraphCanvasProps) -> Html {
        let Some((heading, detail)) = self.tooltip(props) else {
            return html! {};
        };
        let (x, y) = self.hover.at;
        // Keep the tooltip inside the canvas: flip it left / up near the right / bottom edge.
        let flip_x = x > self.size.width - 260.0;
        let flip_y = y > self.size.height - 90.0;
        let style = format!(
            "left:{}px;top:{}px;transform:translate({},{});",
            x,
            y,
            if flip_x { "calc(-100% - 12px)" } else { "14px" },
            if flip_y { "calc(-100% - 12px)" } else { "14px" },
        );
        html! {
            <div class="graph-tooltip" role="tooltip" {style}>
                <div class="tooltip-heading">{ heading }</div>
                { for detail.lines().map(|line| html! { <div class="tooltip-line">{ line }</div> }) }
            </div>
        }
    }
}

fn node_label(node: &opscope_engine::report::ViewNode) -> String {
    if node.name.is_empty() {
        node.title.clone()
    } else {
        node.name.clone()
    }
}

/// `window.opscope`: `nodeCenter(name)` and `nodeNames()` for end-to-end tests and benchmarks.
struct TestHooks {
    object: js_sys::Object,
    _node_center: Closure<dyn Fn(String) -> JsValue>,
    _node_names: Closure<dyn Fn() -> JsValue>,
}

impl TestHooks {
    fn install(data: Rc<RefCell<HookData>>) -> Option<TestHooks> {
        let center_data = data.clone();
        let node_center = Closure::<dyn Fn(String) -> JsValue>::new(move |name: String| {
            node_center(&center_data.borrow(), &name).unwrap_or(JsValue::NULL)
        });
        let node_names = Closure::<dyn Fn() -> JsValue>::new(move || {
            let data = data.borrow();
            let names = js_sys::Array::new();
            if let Some(view) = &data.view {
                for name in op_node_names(view) {
                    names.push(&JsValue::from_str(name));
                }
            }
            names.into()
        });
        let object = js_sys::Object::new();
        js_sys::Reflect::set(&object, &"nodeCenter".into(), node_center.as_ref()).ok()?;
        js_sys::Reflect::set(&object, &"nodeNames".into(), node_names.as_ref()).ok()?;
        let hooks = TestHooks {
            object,
            _node_center: node_center,
            _node_names: node_names,
        };
        hooks.publish();
        Some(hooks)
    }

    fn publish(&self) {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::set(&window, &"opscope".into(), &self.object);
        }
    }

    fn uninstall(self) {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::delete_property(&window, &"opscope".into());
        }
    }
}

/// Centre of the named node in client coordinates (`x`, `y`; and its box: `left`, `top`, `width`,
/// `height`; and its `kind`: `op`, `input`, `output`, `folded`), or `None` if there is no such node or its centre is outside the canvas. Op nodes win over inputs and outputs of the same name.
fn node_center(data: &HookData, name: &str) -> Option<JsValue> {
    let view = data.view.as_ref()?;
    let canvas = data.canvas.as_ref()?;
    let node = view
        .nodes
        .iter()
        .find(|n| n.kind == ViewNodeKind::Op && n.name == name)
        .or_else(|| view.nodes.iter().find(|n| n.name == name))?;
    let (sx, sy) = data.viewport.to_screen(
        node.rect.x + node.rect.width / 2.0,
        node.rect.y + node.rect.height / 2.0,
    );
    if !(0.0..=data.size.width).contains(&sx) || !(0.0..=data.size.height).contains(&sy) {
        return None;
    }
    let rect = canvas.get_bounding_client_rect();
    let point = js_sys::Object::new();
    js_sys::Reflect::set(&point, &"x".into(), &JsValue::from_f64(rect.left() + sx)).ok()?;
    js_sys::Reflect::set(&point, &"y".into(), &JsValue::from_f64(rect.top() + sy)).ok()?;
    // The box itself in client pixels, for tests that read the canvas's pixels.
    let (left, top) = data.viewport.to_screen(node.rect.x, node.rect.y);
    let scale = data.viewport.scale;
    for (key, value) in [
        ("left", rect.left() + left),
        ("top", rect.top() + top),
        ("width", node.rect.width * scale),
        ("height", node.rect.height * scale),
        ("scale", scale),
    ] {
        js_sys::Reflect::set(&point, &key.into(), &JsValue::from_f64(value)).ok()?;
    }
    let kind = match node.kind {
        ViewNodeKind::Op => "op",
        ViewNodeKind::Input => "input",
        ViewNodeKind::Output => "output",
        ViewNodeKind::Folded => "folded",
    };
    js_sys::Reflect::set(&point, &"kind".into(), &JsValue::from_str(kind)).ok()?;
    Some(point.into())
}
