//! The minimap (`#minimap`): the whole graph at a tiny scale in a corner of the graph area, the
//! part the canvas shows as a rectangle on it; a click or a drag on it centres the view there.
//! `m` hides and shows it.
//!
//! The nodes are drawn once per graph into an offscreen canvas (one path per colour, so 100,000
//! nodes cost a few milliseconds once); a pan or a zoom only copies that image and strokes the
//! rectangle.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::canvas::palette::{self, Palette};
use crate::state::minimap::MINIMAP_MAX;
use crate::state::{Action, Bounds, GraphHandle, MiniMap, Scheme, Size, Viewport};

#[derive(Properties, PartialEq)]
pub struct MinimapProps {
    pub graph: GraphHandle,
    pub viewport: Viewport,
    /// Size of the graph canvas.
    pub canvas: Size,
    pub selection: Option<usize>,
    pub on_action: Callback<Action>,
    /// Light or dark: the selection's and the view's colours.
    #[prop_or_default]
    pub scheme: Scheme,
}

/// The graph's nodes drawn at the minimap's scale, kept while the graph is the same.
struct Cached {
    graph: GraphHandle,
    dpr: f64,
    image: HtmlCanvasElement,
}

#[function_component(Minimap)]
pub fn minimap(props: &MinimapProps) -> Html {
    let canvas_ref = use_node_ref();
    let cache: Rc<RefCell<Option<Cached>>> = use_mut_ref(|| None);
    let dragging = use_mut_ref(|| None::<i32>);
    let view = &props.graph.view;
    let map = MiniMap::new(
        Bounds {
            x: 0.0,
            y: 0.0,
            width: view.width,
            height: view.height,
        },
        MINIMAP_MAX,
    );

    {
        let canvas_ref = canvas_ref.clone();
        let deps = (
            props.graph.clone(),
            props.viewport,
            props.canvas,
            props.selection,
            props.scheme,
        );
        use_effect_with(deps, move |(graph, viewport, size, selection, scheme)| {
            if let (Some(map), Some(canvas)) = (map, canvas_ref.cast::<HtmlCanvasElement>()) {
                let colours = Palette::of(*scheme);
                draw(
                    &canvas, &cache, graph, map, *viewport, *size, *selection, colours,
                );
            }
        });
    }

    let centre_at = {
        let on_action = props.on_action.clone();
        let canvas_ref = canvas_ref.clone();
        move |event: &PointerEvent| {
            let (Some(map), Some(canvas)) = (map, canvas_ref.cast::<HtmlCanvasElement>()) else {
                return;
            };
            let rect = canvas.get_bounding_client_rect();
            let (x, y) = map.to_world(
                f64::from(event.client_x()) - rect.left(),
                f64::from(event.client_y()) - rect.top(),
            );
            on_action.emit(Action::CentreOn { x, y });
        }
    };
    let on_down = {
        let dragging = dragging.clone();
        let centre_at = centre_at.clone();
        let canvas_ref = canvas_ref.clone();
        Callback::from(move |event: PointerEvent| {
            if event.button() != 0 {
                return;
            }
            event.prevent_default();
            if let Some(canvas) = canvas_ref.cast::<HtmlCanvasElement>() {
                let _ = canvas.set_pointer_capture(event.pointer_id());
            }
            *dragging.borrow_mut() = Some(event.pointer_id());
            centre_at(&event);
        })
    };
    let on_move = {
        let dragging = dragging.clone();
        Callback::from(move |event: PointerEvent| {
            if *dragging.borrow() == Some(event.pointer_id()) {
                centre_at(&event);
            }
        })
    };
    let on_up = Callback::from(move |_: PointerEvent| *dragging.borrow_mut() = None);
    // Zooming over the minimap must not scroll or zoom the page.
    let on_wheel = Callback::from(|event: WheelEvent| event.prevent_default());

    let Some(map) = map else {
        return html! {};
    };
    let style = format!("width:{}px;height:{}px", map.size.width, map.size.height);
    html! {
        <div id="minimap" class="minimap" title="Minimap: click or drag to move the view (M hides it)">
            <canvas ref={canvas_ref} {style} role="img"
                aria-label="Minimap of the whole graph; the rectangle is the part shown"
                onpointerdown={on_down} onpointermove={on_move}
                onpointerup={on_up.clone()} onpointercancel={on_up}
                onwheel={on_wheel} />
        </div>
    }
}

#[allow(clippy::too_many_arguments)]
fn draw(
    canvas: &HtmlCanvasElement,
    cache: &RefCell<Option<Cached>>,
    graph: &GraphHandle,
    map: MiniMap,
    viewport: Viewport,
    size: Size,
    selection: Option<usize>,
    colours: &Palette,
) {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| *r > 0.0)
        .unwrap_or(1.0);
    let backing = (
        (map.size.width * dpr).round().max(1.0) as u32,
        (map.size.height * dpr).round().max(1.0) as u32,
    );
    if canvas.width() != backing.0 || canvas.height() != backing.1 {
        canvas.set_width(backing.0);
        canvas.set_height(backing.1);
    }
    let Some(ctx) = context_of(canvas) else {
        return;
    };
    let stale = cache
        .borrow()
        .as_ref()
        .is_none_or(|c| c.graph != *graph || c.dpr != dpr);
    if stale {
        crate::worker::codec::trace("page minimap nodes start");
        *cache.borrow_mut() = draw_nodes(graph, map, dpr, backing).map(|image| Cached {
            graph: graph.clone(),
            dpr,
            image,
        });
        crate::worker::codec::trace("page minimap nodes done");
    }
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, f64::from(backing.0), f64::from(backing.1));
    if let Some(cached) = cache.borrow().as_ref() {
        let _ = ctx.draw_image_with_html_canvas_element(&cached.image, 0.0, 0.0);
    }
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    // The selected node, as a dot big enough to find.
    if let Some(rect) = selection
        .and_then(|idx| graph.view.nodes.get(idx))
        .map(|n| n.rect)
    {
        let (x, y) = map.to_mini(rect.x + rect.width / 2.0, rect.y + rect.height / 2.0);
        ctx.begin_path();
        let _ = ctx.arc(x, y, 3.0, 0.0, std::f64::consts::TAU);
        ctx.set_fill_style_str(colours.accent);
        ctx.fill();
    }
    if size.is_empty() {
        return;
    }
    // The part shown, kept inside the minimap so it stays visible when zoomed far out.
    let shown = map.view_rect(viewport, size);
    let x0 = shown.x.clamp(0.0, map.size.width - 1.0);
    let y0 = shown.y.clamp(0.0, map.size.height - 1.0);
    let x1 = (shown.x + shown.width).clamp(x0 + 1.0, map.size.width);
    let y1 = (shown.y + shown.height).clamp(y0 + 1.0, map.size.height);
    ctx.set_fill_style_str("rgba(28, 126, 214, 0.12)");
    ctx.fill_rect(x0, y0, x1 - x0, y1 - y0);
    ctx.set_stroke_style_str(colours.hover);
    ctx.set_line_width(1.5);
    ctx.stroke_rect(
        x0 + 0.75,
        y0 + 0.75,
        (x1 - x0 - 1.5).max(0.5),
        (y1 - y0 - 1.5).max(0.5),
    );
}

/// The nodes at the minimap's scale on an offscreen canvas of `backing` pixels: one path per
/// colour, every box at least a pixel so thin graphs still show.
fn draw_nodes(
    graph: &GraphHandle,
    map: MiniMap,
    dpr: f64,
    backing: (u32, u32),
) -> Option<HtmlCanvasElement> {
    let image = web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into::<HtmlCanvasElement>()
        .ok()?;
    image.set_width(backing.0);
    image.set_height(backing.1);
    let ctx = context_of(&image)?;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    let min_side = 1.0 / dpr;
    let mut by_colour: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    for (idx, node) in graph.view.nodes.iter().enumerate() {
        by_colour
            .entry(palette::category_fill(node.category))
            .or_default()
            .push(idx);
    }
    for (colour, nodes) in by_colour {
        ctx.begin_path();
        for idx in nodes {
            let rect = graph.view.nodes[idx].rect;
            let (x, y) = map.to_mini(rect.x, rect.y);
            ctx.rect(
                x,
                y,
                (rect.width * map.scale).max(min_side),
                (rect.height * map.scale).max(min_side),
            );
        }
        ctx.set_fill_style_str(colour);
        ctx.fill();
    }
    Some(image)
}

fn context_of(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}
