//! Draws a laid-out graph on a 2D canvas: plain functions over the view, the precomputed
//! [`Scene`], the viewport and the context. Only what is visible is drawn, at the level of
//! detail the zoom allows (see [`Detail`]).

use opscope_engine::layout::Rect;
use opscope_engine::report::render::outline_titles::{place_titles, TitleRequest};
use opscope_engine::report::{GraphView, ViewNode, ViewNodeKind};
use web_sys::CanvasRenderingContext2d;

use super::fusion::FusionOutlines;
use super::heat::HeatMap;
use super::mask::PixelMask;
use super::palette::{self, Palette};
use super::scene::{Detail, Scene};
use super::text::{fit_text, FittedText, TextCache};
use crate::state::{Bounds, Size, Viewport};
use crate::worker::protocol::FusionKindId;

pub const FONT_FAMILY: &str =
    "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif";
/// Every weight and size the drawing sets: [`warm_up_fonts`] measures a text in each.
const FONT_STYLES: [&str; 6] = [
    "10px", "600 12px", "700 9px", "11px", "600 10px", "700 10px",
];

/// Measures a text in each canvas font once, before any graph is drawn. The browser's first
/// text in a font family resolves the system fonts (fontconfig on Linux): over 100 ms on a busy
/// machine, which the first graph would otherwise wait for.
pub fn warm_up_fonts(ctx: &CanvasRenderingContext2d) {
    for style in FONT_STYLES {
        ctx.set_font(&format!("{style} {FONT_FAMILY}"));
        let _ = ctx.measure_text("Conv2D ⟨64×3×7×7⟩ …");
    }
}
/// Box geometry shared with the engine's box sizes (`report::graph_view`).
const TITLE_HEIGHT: f64 = 22.0;
const LINE_HEIGHT: f64 = 15.0;
const PADDING_X: f64 = 8.0;
const CORNER: f64 = 4.0;
/// Room the unit glyph's disc takes at the header's left (and the title leaves at its right, to
/// stay centred).
const GLYPH_SPACE: f64 = 18.0;
/// How far the second box of a folded scope or group sits behind its box, down and right.
const FOLD_OFFSET: f64 = 4.0;

/// What is highlighted: the selected node (and its edges) and whatever is under the pointer.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Highlight {
    pub selected: Option<usize>,
    pub hovered_node: Option<usize>,
    pub hovered_edge: Option<usize>,
}

/// What each node box looks like: its header fill and text, whether it is dimmed, and the unit
/// stripe of the heat map. The heat map wins over the unit colours (the state shows one at a
/// time), and either over the category colours. The export draws the same looks.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLook<'a> {
    pub header: &'a str,
    pub header_text: &'a str,
    pub dimmed: bool,
    pub unit_stripe: Option<&'static str>,
    /// The unit's letter, drawn at the left of the header under the unit overlay.
    pub glyph: Option<&'static str>,
}

/// The overlays that decide how nodes look (see [`node_look`]), and the theme's colours.
#[derive(Debug, Clone, Copy)]
pub struct Overlays<'a> {
    pub heat: Option<&'a HeatMap>,
    pub units: Option<&'a super::units::UnitMap>,
    pub outlines: Option<&'a FusionOutlines>,
    /// The fusion overlay is on: non-members dimmed.
    pub fusion_view: bool,
    /// The heat map's untimed nodes take the theme's colours.
    pub palette: &'a Palette,
}

/// No overlay, in the light theme.
impl Default for Overlays<'_> {
    fn default() -> Self {
        Overlays {
            heat: None,
            units: None,
            outlines: None,
            fusion_view: false,
            palette: &Palette::LIGHT,
        }
    }
}

pub fn node_look<'a>(node: &'a ViewNode, node_idx: usize, overlays: &Overlays<'a>) -> NodeLook<'a> {
    // Folded boxes take the overlays as the operators they hold do.
    let is_op = matches!(node.kind, ViewNodeKind::Op | ViewNodeKind::Folded);
    let Some(heat) = overlays.heat.filter(|_| is_op) else {
        let unit = overlays
            .units
            .filter(|_| is_op)
            .and_then(|units| units.units.get(node_idx).copied().flatten());
        let (header, header_text) = match unit {
            Some(unit) => palette::exec_unit_fill(unit),
            None => (palette::category_fill(node.category), palette::HEADER_TEXT),
        };
        // The fusion overlay keeps the members of UB groups in colour and dims the rest.
        let outside_groups = overlays.fusion_view
            && is_op
            && overlays.outlines.is_some_and(|o| {
                !o.in_ub_group.get(node_idx).copied().unwrap_or(false)
                    && o.near_miss_of.get(node_idx).copied().flatten().is_none()
            });
        return NodeLook {
            header,
            header_text,
            dimmed: (overlays.units.is_some() && is_op && unit.is_none()) || outside_groups,
            unit_stripe: None,
            glyph: unit.map(palette::exec_unit_glyph),
        };
    };
    match heat.fills.get(node_idx).and_then(Option::as_deref) {
        Some(fill) => NodeLook {
            header: fill,
            header_text: if heat.dark.get(node_idx).copied().unwrap_or(false) {
                palette::HEADER_TEXT
            } else {
                overlays.palette.heat_light_text
            },
            dimmed: false,
            unit_stripe: heat
                .units
                .get(node_idx)
                .copied()
                .flatten()
                .map(palette::unit_colour),
            glyph: None,
        },
        None => NodeLook {
            header: overlays.palette.heat_none_fill,
            header_text: overlays.palette.heat_none_text,
            dimmed: true,
            unit_stripe: None,
            glyph: None,
        },
    }
}

/// Everything one frame depends on.
pub struct Frame<'a> {
    pub view: &'a GraphView,
    pub scene: &'a Scene,
    pub viewport: Viewport,
    /// Canvas size in CSS pixels.
    pub size: Size,
    pub device_pixel_ratio: f64,
    pub highlight: Highlight,
    /// Other nodes of the selected profiled op, outlined with it.
    pub related: &'a [usize],
    /// The heat-map overlay, when shown.
    pub heat: Option<&'a HeatMap>,
    /// The colour-by-unit overlay, when shown.
    pub units: Option<&'a super::units::UnitMap>,
    /// Fusion-group outlines, when shown.
    pub outlines: Option<&'a FusionOutlines>,
    /// The fusion overlay is on: non-members dimmed, near misses drawn.
    pub fusion_view: bool,
    /// Per view node: how many findings name it (a badge on its corner).
    pub badges: Option<&'a [u16]>,
    /// The colours of the theme drawn.
    pub palette: &'a Palette,
}

impl<'a> Frame<'a> {
    pub fn overlays(&self) -> Overlays<'a> {
        Overlays {
            heat: self.heat,
            units: self.units,
            outlines: self.outlines,
            fusion_view: self.fusion_view,
            palette: self.palette,
        }
    }
}

/// Fills the canvas with the background colour.
pub fn clear(
    ctx: &CanvasRenderingContext2d,
    size: Size,
    device_pixel_ratio: f64,
    colours: &Palette,
) {
    let _ = ctx.set_transform(device_pixel_ratio, 0.0, 0.0, device_pixel_ratio, 0.0, 0.0);
    ctx.set_fill_style_str(colours.background);
    ctx.fill_rect(0.0, 0.0, size.width, size.height);
}

/// Draws one frame; returns how many nodes were drawn.
pub fn draw(ctx: &CanvasRenderingContext2d, frame: &Frame, texts: &mut TextCache) -> usize {
    clear(ctx, frame.size, frame.device_pixel_ratio, frame.palette);
    let Viewport { scale, x, y } = frame.viewport;
    let dpr = frame.device_pixel_ratio;
    let _ = ctx.set_transform(dpr * scale, 0.0, 0.0, dpr * scale, dpr * x, dpr * y);
    let detail = Detail::at(scale);
    // A margin so strokes and arrowheads at the edge of the view are not cut.
    let area = frame
        .viewport
        .visible_world(frame.size)
        .inflate(8.0 / scale);
    let px = 1.0 / scale;

    let visible_edges: Vec<usize> = frame.scene.edges_in(&area).collect();
    draw_edges(ctx, frame, &visible_edges, detail, px);
    draw_highlighted_edges(ctx, frame, px, detail);
    if scale >= EDGE_LABEL_SCALE {
        draw_edge_labels(ctx, frame, &visible_edges);
    }

    let visible_nodes: Vec<usize> = frame.scene.nodes_in(&area).collect();
    if detail.plain_boxes {
        draw_plain_boxes(ctx, frame, &visible_nodes, px);
    } else {
        for &node_idx in &visible_nodes {
            if let Some(node) = frame.view.nodes.get(node_idx) {
                let look = node_look(node, node_idx, &frame.overlays());
                draw_node(ctx, node, node_idx, &look, detail, px, texts, frame.palette);
            }
        }
    }
    if let Some(outlines) = frame.outlines {
        if frame.fusion_view {
            draw_near_misses(ctx, outlines, &area, detail, px, frame.palette);
        }
        draw_outlines(ctx, outlines, &area, detail, px, frame.palette);
    }
    if let Some(badges) = frame.badges.filter(|_| detail.titles) {
        draw_badges(ctx, frame, badges, &visible_nodes);
    }
    let highlight = frame.highlight;
    for &node_idx in frame.related {
        outline(
            ctx,
            frame.scene,
            node_idx,
            frame.palette.related,
            2.5 * px,
            px,
        );
    }
    if let Some(node_idx) = highlight
        .hovered_node
        .filter(|&n| Some(n) != highlight.selected)
    {
        outline(
            ctx,
            frame.scene,
            node_idx,
            frame.palette.hover,
            2.0 * px,
            px,
        );
    }
    if let Some(node_idx) = highlight.selected {
        outline(
            ctx,
            frame.scene,
            node_idx,
            frame.palette.accent,
            3.0 * px,
            px,
        );
    }
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    visible_nodes.len()
}

fn draw_edges(
    ctx: &CanvasRenderingContext2d,
    frame: &Frame,
    edges: &[usize],
    detail: Detail,
    px: f64,
) {
    ctx.begin_path();
    // Far out, an edge shorter than a couple of pixels is hidden by its nodes anyway.
    let min_extent = 2.0 * px;
    for &edge_idx in edges {
        if detail.plain_edges {
            if let Some(Some(shape)) = frame.scene.edges.get(edge_idx) {
                if shape.bounds.width < min_extent && shape.bounds.height < min_extent {
                    continue;
                }
            }
        }
        trace_edge(ctx, frame, edge_idx, detail);
    }
    ctx.set_line_width(if detail.plain_edges {
        px
    } else {
        (1.1_f64).max(0.8 * px)
    });
    ctx.set_stroke_style_str(if detail.plain_edges {
        frame.palette.edge_far
    } else {
        frame.palette.edge
    });
    ctx.stroke();
    if !detail.plain_edges {
        ctx.begin_path();
        for &edge_idx in edges {
            trace_arrow(ctx, frame.scene, edge_idx);
        }
        ctx.set_fill_style_str(frame.palette.edge);
        ctx.fill();
    }
}

/// Zoom from which edges carry their tensor's type and shape (`f32 [1,64,56,56]`).
const EDGE_LABEL_SCALE: f64 = 0.95;
/// More labels than this in one view would only cover each other.
const MAX_EDGE_LABELS: usize = 400;

/// The tensor's type and shape beside the middle of each edge, on a halo of the background so it
/// reads over other edges. Drawn before the nodes, which cover it where they overlap.
fn draw_edge_labels(ctx: &CanvasRenderingContext2d, frame: &Frame, edges: &[usize]) {
    ctx.set_font(&format!("10px {FONT_FAMILY}"));
    ctx.set_text_align("left");
    ctx.set_text_baseline("middle");
    ctx.set_line_width(3.0);
    ctx.set_line_join("round");
    ctx.set_stroke_style_str(frame.palette.background);
    ctx.set_fill_style_str(frame.palette.edge_label);
    for &edge_idx in edges.iter().take(MAX_EDGE_LABELS) {
        let Some(edge) = frame.view.edges.get(edge_idx) else {
            continue;
        };
        if edge.label.is_empty() || edge.points.len() < 2 {
            continue;
        }
        // The middle point of the route, or the middle of its two middle points.
        let n = edge.points.len();
        let (a, b) = (edge.points[(n - 1) / 2], edge.points[n / 2]);
        let (x, y) = ((a.x + b.x) / 2.0 + 4.0, (a.y + b.y) / 2.0);
        let _ = ctx.stroke_text(&edge.label, x, y);
        let _ = ctx.fill_text(&edge.label, x, y);
    }
}

/// The selected node's edges and the hovered edge, drawn over the others.
fn draw_highlighted_edges(ctx: &CanvasRenderingContext2d, frame: &Frame, px: f64, detail: Detail) {
    let highlight = frame.highlight;
    let selected_edges = highlight
        .selected
        .and_then(|n| frame.scene.node_edges.get(n))
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let groups: [(&[usize], &str); 2] = [
        (selected_edges, frame.palette.accent),
        (highlight.hovered_edge.as_slice(), frame.palette.hover),
    ];
    for (edges, colour) in groups {
        if edges.is_empty() {
            continue;
        }
        let curved = Detail {
            plain_edges: false,
            ..detail
        };
        ctx.begin_path();
        for &edge_idx in edges {
            trace_edge(ctx, frame, edge_idx, curved);
        }
        ctx.set_line_width((2.0_f64).max(2.0 * px));
        ctx.set_stroke_style_str(colour);
        ctx.stroke();
        ctx.begin_path();
        for &edge_idx in edges {
            trace_arrow(ctx, frame.scene, edge_idx);
        }
        ctx.set_fill_style_str(colour);
        ctx.fill();
    }
}

fn trace_edge(ctx: &CanvasRenderingContext2d, frame: &Frame, edge_idx: usize, detail: Detail) {
    let Some(Some(shape)) = frame.scene.edges.get(edge_idx) else {
        return;
    };
    if detail.plain_edges {
        let Some(points) = frame.view.edges.get(edge_idx).map(|e| &e.points) else {
            return;
        };
        let mut points = points.iter();
        if let Some(first) = points.next() {
            ctx.move_to(first.x, first.y);
            for p in points {
                ctx.line_to(p.x, p.y);
            }
        }
        return;
    }
    ctx.move_to(shape.start.x, shape.start.y);
    for piece in &shape.pieces {
        ctx.bezier_curve_to(
            piece.c1.x,
            piece.c1.y,
            piece.c2.x,
            piece.c2.y,
            piece.end.x,
            piece.end.y,
        );
    }
}

fn trace_arrow(ctx: &CanvasRenderingContext2d, scene: &Scene, edge_idx: usize) {
    let Some(Some(shape)) = scene.edges.get(edge_idx) else {
        return;
    };
    let [tip, left, right] = shape.arrow;
    ctx.move_to(tip.x, tip.y);
    ctx.line_to(left.x, left.y);
    ctx.line_to(right.x, right.y);
    ctx.close_path();
}

/// Far zoom: one filled path per colour, boxes at least one pixel big.
fn draw_plain_boxes(ctx: &CanvasRenderingContext2d, frame: &Frame, nodes: &[usize], px: f64) {
    let mut by_fill: Vec<(&str, Vec<usize>)> = Vec::new();
    for &node_idx in nodes {
        let Some(node) = frame.view.nodes.get(node_idx) else {
            continue;
        };
        let fill = match node.kind {
            ViewNodeKind::Op | ViewNodeKind::Folded => {
                node_look(node, node_idx, &frame.overlays()).header
            }
            ViewNodeKind::Input | ViewNodeKind::Output => frame.palette.io_border,
        };
        match by_fill.iter_mut().find(|(f, _)| *f == fill) {
            Some((_, list)) => list.push(node_idx),
            None => by_fill.push((fill, vec![node_idx])),
        }
    }
    let scale = frame.viewport.scale;
    let mut mask = PixelMask::new(frame.size.width, frame.size.height);
    for (fill, list) in by_fill {
        ctx.begin_path();
        for node_idx in list {
            let Some(b) = frame.scene.nodes.get(node_idx) else {
                continue;
            };
            if b.width * scale < 2.0 && b.height * scale < 2.0 {
                let (sx, sy) = frame
                    .viewport
                    .to_screen(b.x + b.width / 2.0, b.y + b.height / 2.0);
                if !mask.claim(sx, sy) {
                    continue;
                }
            }
            ctx.rect(b.x, b.y, b.width.max(px), b.height.max(px));
        }
        ctx.set_fill_style_str(fill);
        ctx.fill();
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_node(
    ctx: &CanvasRenderingContext2d,
    node: &ViewNode,
    node_idx: usize,
    look: &NodeLook,
    detail: Detail,
    px: f64,
    texts: &mut TextCache,
    colours: &Palette,
) {
    let r = Bounds {
        x: node.rect.x,
        y: node.rect.y,
        width: node.rect.width,
        height: node.rect.height,
    };
    let is_io = matches!(node.kind, ViewNodeKind::Input | ViewNodeKind::Output);
    let has_body = !node.name.is_empty() || !node.lines.is_empty();
    let header_height = if has_body {
        TITLE_HEIGHT.min(r.height)
    } else {
        r.height
    };

    if look.dimmed {
        ctx.set_global_alpha(0.55);
    }
    if node.kind == ViewNodeKind::Folded {
        // A folded scope or group: a second box behind, as a stack of the boxes it holds.
        let behind = Bounds {
            x: r.x + FOLD_OFFSET,
            y: r.y + FOLD_OFFSET,
            ..r
        };
        round_rect(ctx, behind, CORNER);
        ctx.set_fill_style_str(colours.node_body);
        ctx.fill();
        ctx.set_line_width(px.max(1.0));
        ctx.set_stroke_style_str(colours.node_border);
        ctx.stroke();
    }
    if is_io {
        round_rect(ctx, r, r.height.min(12.0));
        ctx.set_fill_style_str(colours.io_fill);
        ctx.fill();
        ctx.set_line_width(px.max(1.0));
        ctx.set_stroke_style_str(colours.io_border);
        ctx.stroke();
    } else {
        if has_body {
            round_rect(ctx, r, CORNER);
            ctx.set_fill_style_str(colours.node_body);
            ctx.fill();
        }
        top_round_rect(ctx, r, header_height, CORNER, !has_body);
        ctx.set_fill_style_str(look.header);
        ctx.fill();
        if let Some(stripe) = look.unit_stripe {
            // The unit that ran the node, as a band down the left edge of the header.
            ctx.set_fill_style_str(stripe);
            ctx.fill_rect(r.x + 1.0, r.y + 1.0, 5.0, header_height - 1.0);
        }
        round_rect(ctx, r, CORNER);
        ctx.set_line_width(px.max(1.0));
        ctx.set_stroke_style_str(colours.node_border);
        ctx.stroke();
    }

    if !detail.body_text {
        draw_text_placeholders(ctx, node, r, header_height, colours.placeholder);
    }
    if !detail.titles {
        ctx.set_global_alpha(1.0);
        return;
    }
    let text = texts.get_or_fit(node_idx, || fitted_text(ctx, node, r.width));
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    ctx.set_font(&format!("600 12px {FONT_FAMILY}"));
    ctx.set_fill_style_str(if is_io {
        colours.name_text
    } else {
        look.header_text
    });
    let title = match look.glyph {
        Some(_) => &text.title_beside_glyph,
        None => &text.title,
    };
    let _ = ctx.fill_text(title, r.x + r.width / 2.0, r.y + header_height / 2.0 + 0.5);
    if let Some(glyph) = look.glyph {
        // The unit's letter in a light disc at the header's left: readable without colour.
        let (cx, cy) = (r.x + 10.0, r.y + header_height / 2.0);
        ctx.begin_path();
        let _ = ctx.arc(cx, cy, 6.5, 0.0, std::f64::consts::TAU);
        ctx.set_fill_style_str(palette::HEADER_TEXT);
        ctx.fill();
        ctx.set_font(&format!("700 9px {FONT_FAMILY}"));
        ctx.set_fill_style_str(look.header);
        let _ = ctx.fill_text(glyph, cx, cy + 0.5);
    }
    if !detail.body_text || !has_body {
        ctx.set_global_alpha(1.0);
        return;
    }
    ctx.set_text_align("left");
    let mut line_y = r.y + header_height + LINE_HEIGHT / 2.0 + 1.0;
    if !text.name.is_empty() {
        ctx.set_font(&format!("11px {FONT_FAMILY}"));
        ctx.set_fill_style_str(if is_io {
            colours.body_text
        } else {
            colours.name_text
        });
        let _ = ctx.fill_text(&text.name, r.x + PADDING_X, line_y);
        line_y += LINE_HEIGHT;
    }
    if !text.lines.is_empty() {
        ctx.set_font(&format!("11px {FONT_FAMILY}"));
        ctx.set_fill_style_str(colours.body_text);
        for line in &text.lines {
            if line_y > r.y + r.height {
                break;
            }
            let _ = ctx.fill_text(line, r.x + PADDING_X, line_y);
            line_y += LINE_HEIGHT;
        }
    }
    ctx.set_global_alpha(1.0);
}

/// Grey bars where the body text would be, when it is too small to read: the boxes keep their
/// look without the cost of text.
fn draw_text_placeholders(
    ctx: &CanvasRenderingContext2d,
    node: &ViewNode,
    r: Bounds,
    header_height: f64,
    fill: &str,
) {
    let texts = std::iter::once(&node.name)
        .filter(|name| !name.is_empty())
        .chain(node.lines.iter());
    let max_width = (r.width - 2.0 * PADDING_X).max(0.0);
    let mut line_y = r.y + header_height + LINE_HEIGHT / 2.0 - 2.5;
    ctx.begin_path();
    for text in texts {
        if line_y + 5.0 > r.y + r.height {
            break;
        }
        let width = (text.chars().count() as f64 * 5.8).min(max_width);
        ctx.rect(r.x + PADDING_X, line_y, width, 5.0);
        line_y += LINE_HEIGHT;
    }
    ctx.set_fill_style_str(fill);
    ctx.fill();
}

/// The node's texts cut to its box width (measured with the fonts they are drawn in).
fn fitted_text(ctx: &CanvasRenderingContext2d, node: &ViewNode, width: f64) -> FittedText {
    let measure = |text: &str| {
        ctx.measure_text(text)
            .map(|m| m.width())
            .unwrap_or(text.chars().count() as f64 * 7.0)
    };
    let inner = (width - 2.0 * PADDING_X).max(8.0);
    ctx.set_font(&format!("600 12px {FONT_FAMILY}"));
    let title = fit_text(&node.title, width - 8.0, measure);
    let title_beside_glyph = fit_text(&node.title, width - 2.0 * GLYPH_SPACE, measure);
    ctx.set_font(&format!("11px {FONT_FAMILY}"));
    let name = fit_text(&node.name, inner, measure);
    let lines = node
        .lines
        .iter()
        .map(|line| fit_text(line, inner, measure))
        .collect();
    FittedText {
        title,
        title_beside_glyph,
        name,
        lines,
    }
}

/// Fusion groups: a rounded box around each group's members, solid for UB groups and dashed
/// for L2 / L1 candidates, named by its pattern where titles are readable. Groups smaller than a
/// few pixels are skipped: far out they would only blur the boxes.
fn draw_outlines(
    ctx: &CanvasRenderingContext2d,
    outlines: &FusionOutlines,
    area: &Bounds,
    detail: Detail,
    px: f64,
    colours: &Palette,
) {
    let min_side = 6.0 * px;
    let visible: Vec<_> = outlines
        .in_area(area)
        .filter(|o| o.bounds.width >= min_side || o.bounds.height >= min_side)
        .collect();
    if visible.is_empty() {
        return;
    }
    ctx.set_stroke_style_str(colours.fusion_outline);
    ctx.set_line_width((1.5_f64).max(1.5 * px));
    for kind in [FusionKindId::Ub, FusionKindId::L2, FusionKindId::L1] {
        let dash = match kind {
            FusionKindId::Ub => Vec::new(),
            FusionKindId::L2 => vec![8.0 * px.max(0.5), 5.0 * px.max(0.5)],
            FusionKindId::L1 => vec![3.0 * px.max(0.5), 4.0 * px.max(0.5)],
        };
        set_dash(ctx, &dash);
        for outline in visible.iter().filter(|o| o.kind == kind) {
            round_rect(ctx, outline.bounds, 10.0);
            ctx.stroke();
        }
    }
    set_dash(ctx, &[]);
    if !detail.titles {
        return;
    }
    // UB groups above their top edge, candidates below their bottom edge, never two names over
    // each other (`outline_titles`, as the SVG pictures place them).
    ctx.set_font(&format!("600 10px {FONT_FAMILY}"));
    ctx.set_text_align("left");
    ctx.set_text_baseline("top");
    ctx.set_fill_style_str(colours.fusion_outline);
    let requests: Vec<TitleRequest> = visible
        .iter()
        .map(|outline| TitleRequest {
            above: outline.kind == FusionKindId::Ub,
            pattern: &outline.pattern,
            bounds: Rect {
                x: outline.bounds.x,
                y: outline.bounds.y,
                width: outline.bounds.width,
                height: outline.bounds.height,
            },
        })
        .collect();
    let measure = |text: &str| {
        ctx.measure_text(text)
            .map(|m| m.width())
            .unwrap_or(text.chars().count() as f64 * 6.0)
    };
    for title in place_titles(&requests, measure) {
        let _ = ctx.fill_text(&title.text, title.x, title.y + 1.0);
    }
}

/// Near misses: a dashed box in the warning colour around the chain a pattern almost fused,
/// named by its pattern below its bottom edge where titles are readable.
fn draw_near_misses(
    ctx: &CanvasRenderingContext2d,
    outlines: &FusionOutlines,
    area: &Bounds,
    detail: Detail,
    px: f64,
    colours: &Palette,
) {
    let visible: Vec<_> = outlines.near_misses_in(area).collect();
    if visible.is_empty() {
        return;
    }
    set_dash(ctx, &[6.0 * px.max(0.5), 4.0 * px.max(0.5)]);
    ctx.set_stroke_style_str(colours.near_miss);
    ctx.set_line_width((2.0_f64).max(2.0 * px));
    for miss in &visible {
        round_rect(ctx, miss.bounds, 10.0);
        ctx.stroke();
    }
    set_dash(ctx, &[]);
    if !detail.titles {
        return;
    }
    ctx.set_font(&format!("600 10px {FONT_FAMILY}"));
    ctx.set_text_align("right");
    ctx.set_text_baseline("top");
    ctx.set_fill_style_str(colours.near_miss);
    for miss in &visible {
        let b = miss.bounds;
        let _ = ctx.fill_text(
            &format!("near miss: {}", miss.pattern),
            b.x + b.width - 6.0,
            b.y + b.height + 2.0,
        );
    }
}

/// A red disc with the number of findings on the top-right corner of each node they name.
fn draw_badges(
    ctx: &CanvasRenderingContext2d,
    frame: &Frame,
    badges: &[u16],
    visible_nodes: &[usize],
) {
    ctx.set_font(&format!("700 10px {FONT_FAMILY}"));
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    for &node_idx in visible_nodes {
        let count = badges.get(node_idx).copied().unwrap_or(0);
        let Some(b) = frame.scene.nodes.get(node_idx).filter(|_| count > 0) else {
            continue;
        };
        let (cx, cy) = (b.x + b.width - 2.0, b.y + 2.0);
        ctx.begin_path();
        let _ = ctx.arc(cx, cy, 8.0, 0.0, std::f64::consts::TAU);
        ctx.set_fill_style_str(frame.palette.badge_fill);
        ctx.fill();
        ctx.set_fill_style_str(frame.palette.badge_text);
        let label = if count > 9 {
            "9+".to_string()
        } else {
            count.to_string()
        };
        let _ = ctx.fill_text(&label, cx, cy + 0.5);
    }
}

fn outline(
    ctx: &CanvasRenderingContext2d,
    scene: &Scene,
    node_idx: usize,
    colour: &str,
    width: f64,
    px: f64,
) {
    let Some(b) = scene.nodes.get(node_idx) else {
        return;
    };
    // Far out a box may be smaller than a pixel: keep the outline visible.
    let min_side = 6.0 * px;
    let grow_x = ((min_side - b.width) / 2.0).max(0.0);
    let grow_y = ((min_side - b.height) / 2.0).max(0.0);
    let r = Bounds {
        x: b.x - grow_x - width / 2.0,
        y: b.y - grow_y - width / 2.0,
        width: b.width + 2.0 * grow_x + width,
        height: b.height + 2.0 * grow_y + width,
    };
    round_rect(ctx, r, CORNER + width / 2.0);
    ctx.set_line_width(width);
    ctx.set_stroke_style_str(colour);
    ctx.stroke();
}

/// Sets the line dash pattern (empty: solid).
fn set_dash(ctx: &CanvasRenderingContext2d, lengths: &[f64]) {
    let dash = js_sys::Array::new();
    for &length in lengths {
        dash.push(&wasm_bindgen::JsValue::from_f64(length));
    }
    let _ = ctx.set_line_dash(&dash);
}

fn round_rect(ctx: &CanvasRenderingContext2d, r: Bounds, radius: f64) {
    let radius = radius.min(r.width / 2.0).min(r.height / 2.0).max(0.0);
    ctx.begin_path();
    ctx.move_to(r.x + radius, r.y);
    let _ = ctx.arc_to(r.x + r.width, r.y, r.x + r.width, r.y + r.height, radius);
    let _ = ctx.arc_to(r.x + r.width, r.y + r.height, r.x, r.y + r.height, radius);
    let _ = ctx.arc_to(r.x, r.y + r.height, r.x, r.y, radius);
    let _ = ctx.arc_to(r.x, r.y, r.x + r.width, r.y, radius);
    ctx.close_path();
}

/// The header band: rounded at the top, and at the bottom too when it is the whole box.
fn top_round_rect(
    ctx: &CanvasRenderingContext2d,
    r: Bounds,
    height: f64,
    radius: f64,
    round_bottom: bool,
) {
    let radius = radius.min(r.width / 2.0).min(height / 2.0).max(0.0);
    let bottom = r.y + height;
    let bottom_radius = if round_bottom { radius } else { 0.0 };
    ctx.begin_path();
    ctx.move_to(r.x + radius, r.y);
    let _ = ctx.arc_to(r.x + r.width, r.y, r.x + r.width, bottom, radius);
    let _ = ctx.arc_to(r.x + r.width, bottom, r.x, bottom, bottom_radius);
    let _ = ctx.arc_to(r.x, bottom, r.x, r.y, bottom_radius);
    let _ = ctx.arc_to(r.x, r.y, r.x + r.width, r.y, radius);
    ctx.close_path();
}
