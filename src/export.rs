//! Export of the graph drawn: the current view or the whole graph, as SVG or PNG, with the overlay
//! shown. SVG comes from the engine's [`graph_svg`] with the overlay mapped onto an [`SvgStyle`]
//! by the same [`node_look`] the canvas draws with, so the file matches the screen; PNG is the
//! canvas drawing itself, made on an offscreen canvas. Both are downloaded from the page (a Blob
//! and an object URL); nothing goes over the network.
//!
//! The mapping, the file names and the PNG size cap are pure and tested natively; [`export`] is
//! the browser part.

use opscope_engine::ir::OpCategory;
use opscope_engine::layout::Rect;
use opscope_engine::report::render::{
    graph_svg, SvgLegendEntry, SvgNodeStyle, SvgOutline, SvgOutlineKind, SvgPalette, SvgStyle,
    SvgSwatch,
};
use opscope_engine::report::{GraphView, ViewNodeKind};

use crate::canvas::draw::{node_look, Overlays};
use crate::canvas::heat::colour_at;
use crate::canvas::palette::{self, Palette};
use crate::state::{format_us, AppState, Bounds, Overlay, Size, Viewport};
use crate::worker::protocol::{ExecUnitId, FusionKindId, ReportKind};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    SvgView,
    SvgGraph,
    PngView,
    PngGraph,
    /// The analysis report, written by the worker (see `components::report_export`).
    ReportHtml,
    ReportMarkdown,
    ReportJson,
}

impl ExportKind {
    pub const ALL: [ExportKind; 7] = [
        ExportKind::SvgView,
        ExportKind::SvgGraph,
        ExportKind::PngView,
        ExportKind::PngGraph,
        ExportKind::ReportHtml,
        ExportKind::ReportMarkdown,
        ExportKind::ReportJson,
    ];

    /// The value of its option in the toolbar's export menu.
    pub fn id(self) -> &'static str {
        match self {
            ExportKind::SvgView => "svg-view",
            ExportKind::SvgGraph => "svg-graph",
            ExportKind::PngView => "png-view",
            ExportKind::PngGraph => "png-graph",
            ExportKind::ReportHtml => "report-html",
            ExportKind::ReportMarkdown => "report-md",
            ExportKind::ReportJson => "report-json",
        }
    }

    pub fn parse(id: &str) -> Option<ExportKind> {
        ExportKind::ALL.into_iter().find(|k| k.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            ExportKind::SvgView => "SVG of the current view",
            ExportKind::SvgGraph => "SVG of the whole graph",
            ExportKind::PngView => "PNG of the current view",
            ExportKind::PngGraph => "PNG of the whole graph",
            ExportKind::ReportHtml => "Report (HTML)",
            ExportKind::ReportMarkdown => "Report (Markdown)",
            ExportKind::ReportJson => "Report (JSON)",
        }
    }

    /// The report file this kind asks the worker for; `None` for a picture of the graph.
    pub fn report(self) -> Option<ReportKind> {
        match self {
            ExportKind::ReportHtml => Some(ReportKind::Html),
            ExportKind::ReportMarkdown => Some(ReportKind::Markdown),
            ExportKind::ReportJson => Some(ReportKind::Json),
            _ => None,
        }
    }

    pub fn is_png(self) -> bool {
        matches!(self, ExportKind::PngView | ExportKind::PngGraph)
    }

    pub fn whole_graph(self) -> bool {
        matches!(self, ExportKind::SvgGraph | ExportKind::PngGraph)
    }
}

/// A side of an exported PNG never exceeds this many pixels, nor its area [`MAX_PNG_PIXELS`]
/// (browsers refuse bigger canvases: Chrome at 16,384 px per side and Firefox at about 125 M
/// pixels); a bigger graph is drawn smaller and its file name says by how much.
pub const MAX_PNG_SIDE: f64 = 16_000.0;
pub const MAX_PNG_PIXELS: f64 = 120_000_000.0;
/// Space around the whole graph in a PNG, in world units (room for outlines and their labels).
const PNG_MARGIN: f64 = 32.0;

/// Pixels per world unit for a PNG of a `width` × `height` world box: `preferred` (the screen's
/// pixel ratio) unless that would break the size cap.
pub fn png_ratio(width: f64, height: f64, preferred: f64) -> f64 {
    let preferred = if preferred.is_finite() && preferred > 0.0 {
        preferred
    } else {
        1.0
    };
    let (width, height) = (width.max(1.0), height.max(1.0));
    let by_side = MAX_PNG_SIDE / width.max(height);
    let by_area = (MAX_PNG_PIXELS / (width * height)).sqrt();
    preferred.min(by_side).min(by_area)
}

/// `resnet50-unit.svg`, `resnet50-unit-view.png`, `bert-heat-12pct.png` (a whole graph drawn at
/// 12 % to stay under the size cap). The model's file name loses its extension and any
/// character a file system may refuse.
pub fn file_name(
    model: &str,
    overlay: Overlay,
    kind: ExportKind,
    scaled_pct: Option<u32>,
) -> String {
    let safe = safe_stem(model, "graph");
    let part = if kind.whole_graph() { "" } else { "-view" };
    let scaled = scaled_pct
        .map(|pct| format!("-{pct}pct"))
        .unwrap_or_default();
    let ext = if kind.is_png() { "png" } else { "svg" };
    format!("{safe}-{}{part}{scaled}.{ext}", overlay.id())
}

/// The file name's stem without its folders and extensions, with every character a file system
/// may refuse replaced by `_` and at most 80 long; `fallback` when nothing is left.
pub fn safe_stem(file_name: &str, fallback: &str) -> String {
    let stem = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .split('.')
        .next()
        .unwrap_or("");
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if safe.trim_matches('_').is_empty() {
        fallback.to_string()
    } else {
        safe
    }
}

/// What an export reads from the state.
pub struct ExportSource<'a> {
    pub view: &'a GraphView,
    /// The model's file name (`resnet50.onnx`).
    pub file_name: &'a str,
    pub overlay: Overlay,
    pub overlays: Overlays<'a>,
    pub badges: Option<&'a [u16]>,
    pub viewport: Viewport,
    pub canvas: Size,
    /// The chip of the analysis (`Ascend 310`), when there is one.
    pub target: Option<&'a str>,
    /// `estimated (cost model, Ascend 310)` when the times are the estimate.
    pub estimate: Option<String>,
}

impl<'a> ExportSource<'a> {
    /// What the page shows, or `None` without a graph.
    pub fn of(state: &'a AppState) -> Option<ExportSource<'a>> {
        let graph = state.graph.as_ref()?;
        let overlay = state.overlay_shown();
        Some(ExportSource {
            view: &graph.view,
            file_name: &graph.file_name,
            overlay,
            overlays: Overlays {
                heat: state.heat_shown().map(|h| &**h),
                units: state.units_shown().map(|u| &**u),
                outlines: state.outlines_shown().map(|o| &**o),
                fusion_view: overlay == Overlay::Fusion,
                palette: Palette::of(state.scheme()),
            },
            badges: state.badges.as_ref().map(|b| b.as_slice()),
            viewport: state.viewport,
            canvas: state.canvas,
            target: state.analysis.as_ref().map(|a| a.data.target_name.as_str()),
            estimate: state.estimate(),
        })
    }

    /// The world box the canvas shows.
    pub fn view_area(&self) -> Bounds {
        self.viewport.visible_world(self.canvas)
    }
}

fn rect(b: Bounds) -> Rect {
    Rect {
        x: b.x,
        y: b.y,
        width: b.width,
        height: b.height,
    }
}

/// The viewer's palette for the SVG file, in the theme drawn.
pub fn svg_palette(colours: &Palette) -> SvgPalette {
    let colour = |c: &str| c.to_string();
    SvgPalette {
        background: colour(colours.background),
        node_body: colour(colours.node_body),
        node_border: colour(colours.node_border),
        body_text: colour(colours.body_text),
        name_text: colour(colours.name_text),
        io_fill: colour(colours.io_fill),
        io_border: colour(colours.io_border),
        edge: colour(colours.edge),
        outline: colour(colours.fusion_outline),
        near_miss: colour(colours.near_miss),
        badge_fill: colour(colours.badge_fill),
        badge_text: colour(colours.badge_text),
        title_text: colour(colours.body_text),
        default_header: colour(palette::category_fill(OpCategory::Other)),
        default_header_text: colour(palette::HEADER_TEXT),
    }
}

/// The overlay mapped onto the SVG's style: each node's look as the canvas draws it, the
/// outlines and badges drawn, the title and the legend.
pub fn svg_style(src: &ExportSource) -> SvgStyle {
    let overlays = &src.overlays;
    let nodes = src
        .view
        .nodes
        .iter()
        .enumerate()
        .map(|(idx, node)| {
            let look = node_look(node, idx, overlays);
            SvgNodeStyle {
                header: look.header.to_string(),
                header_text: look.header_text.to_string(),
                glyph: look.glyph.map(str::to_string),
                dimmed: look.dimmed,
                stripe: look.unit_stripe.map(str::to_string),
            }
        })
        .collect();
    let mut outlines = Vec::new();
    if let Some(fusion) = overlays.outlines {
        if overlays.fusion_view {
            outlines.extend(fusion.near_misses.iter().map(|miss| SvgOutline {
                kind: SvgOutlineKind::NearMiss,
                bounds: rect(miss.bounds),
                label: format!("near miss: {}", miss.pattern),
                tooltip: Some(miss.reason.clone()),
            }));
        }
        outlines.extend(fusion.outlines.iter().map(|group| SvgOutline {
            kind: outline_kind(group.kind),
            bounds: rect(group.bounds),
            label: group.pattern.clone(),
            tooltip: Some(format!("{}: {}", group.kind.label(), group.pattern)),
        }));
    }
    let model = src
        .file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(src.file_name);
    let what = match src.overlay {
        Overlay::None => "coloured by op category",
        Overlay::Unit => "coloured by execution unit",
        Overlay::Fusion => "fusion groups",
        Overlay::Heat => "coloured by time per node",
    };
    let mut subtitle = vec![format!("{} · {} ops", src.view.format, src.view.node_count)];
    if src.overlay != Overlay::None {
        if let Some(target) = src.target {
            subtitle.push(target.to_string());
        }
    }
    if src.overlay == Overlay::Heat {
        subtitle.push(
            src.estimate
                .clone()
                .unwrap_or_else(|| "measured".to_string()),
        );
    }
    SvgStyle {
        title: format!("{model} — {what}"),
        subtitle: subtitle.join(" · "),
        nodes,
        outlines,
        badges: src.badges.map(<[u16]>::to_vec).unwrap_or_default(),
        legend: legend(src),
        palette: svg_palette(src.overlays.palette),
    }
}

fn outline_kind(kind: FusionKindId) -> SvgOutlineKind {
    match kind {
        FusionKindId::Ub => SvgOutlineKind::Ub,
        FusionKindId::L2 => SvgOutlineKind::L2,
        FusionKindId::L1 => SvgOutlineKind::L1,
    }
}

fn fill(fill: &str, glyph: Option<&str>, glyph_colour: &str, label: String) -> SvgLegendEntry {
    SvgLegendEntry {
        swatch: SvgSwatch::Fill {
            fill: fill.to_string(),
            glyph: glyph.map(str::to_string),
            glyph_colour: glyph_colour.to_string(),
        },
        label,
    }
}

/// What the colours mean, as the page's legend says: the categories of the graph, the units
/// with their node counts, or the heat scale's ticks; then the outlines drawn.
pub fn legend(src: &ExportSource) -> Vec<SvgLegendEntry> {
    let overlays = &src.overlays;
    let mut entries = Vec::new();
    if let Some(heat) = overlays.heat {
        if let Some(scale) = heat.scale {
            for tick in scale.ticks() {
                let colour = colour_at(scale.position(tick));
                entries.push(fill(&colour, None, "", format_us(tick)));
            }
        }
        let none = if src.estimate.is_some() {
            "no estimated time"
        } else {
            "no measured time"
        };
        entries.push(fill(
            src.overlays.palette.heat_none_fill,
            None,
            "",
            none.to_string(),
        ));
    } else if let Some(units) = overlays.units {
        for &(unit, count) in units.counts.iter().filter(|(_, n)| *n > 0) {
            let (header, text) = palette::exec_unit_fill(unit);
            let glyph = (unit != ExecUnitId::None).then(|| palette::exec_unit_glyph(unit));
            entries.push(fill(
                header,
                glyph,
                text,
                format!("{} ({count})", unit.label()),
            ));
        }
    } else if src.overlay == Overlay::None {
        let mut categories: Vec<OpCategory> = Vec::new();
        for node in src.view.nodes.iter().filter(|n| n.kind == ViewNodeKind::Op) {
            if !categories.contains(&node.category) {
                categories.push(node.category);
            }
        }
        categories.sort_by_key(|c| palette::category_label(*c));
        for category in categories {
            entries.push(fill(
                palette::category_fill(category),
                None,
                "",
                palette::category_label(category).to_string(),
            ));
        }
    }
    if let Some(fusion) = overlays.outlines {
        let has = |kinds: &[FusionKindId]| fusion.outlines.iter().any(|o| kinds.contains(&o.kind));
        let outline = |kind, label: &str| SvgLegendEntry {
            swatch: SvgSwatch::Outline(kind),
            label: label.to_string(),
        };
        if has(&[FusionKindId::Ub]) {
            entries.push(outline(SvgOutlineKind::Ub, "UB group (one kernel)"));
        }
        if has(&[FusionKindId::L2, FusionKindId::L1]) {
            entries.push(outline(SvgOutlineKind::L2, "L2 / L1 candidate"));
        }
        if overlays.fusion_view && !fusion.near_misses.is_empty() {
            entries.push(outline(SvgOutlineKind::NearMiss, "near miss"));
        }
    }
    if src.badges.is_some_and(|b| b.iter().any(|&n| n > 0)) {
        entries.push(fill(
            src.overlays.palette.badge_fill,
            Some("1"),
            src.overlays.palette.badge_text,
            "findings on the node".to_string(),
        ));
    }
    entries
}

/// The SVG file of `kind` (an SVG kind): the whole graph or the current view.
pub fn svg_file(src: &ExportSource, whole_graph: bool) -> String {
    let area = (!whole_graph && !src.canvas.is_empty()).then(|| rect(src.view_area()));
    graph_svg(src.view, &svg_style(src), area)
}

/// How a PNG is drawn: the canvas's viewport and size (CSS pixels) and its pixel ratio, and the
/// scale against 1:1 when the cap made it smaller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PngPlan {
    pub viewport: Viewport,
    pub size: Size,
    pub pixel_ratio: f64,
    pub scaled_pct: Option<u32>,
}

/// The PNG of the current view is the canvas as it is, at the screen's pixel ratio; the whole
/// graph's is drawn at 1:1 (text readable) times the screen's ratio, smaller when it would pass
/// the size cap. Below 1:1 the zoom itself shrinks, so the drawing drops what it drops on the
/// screen at that zoom (text first) instead of drawing unreadable text.
pub fn png_plan(src: &ExportSource, whole_graph: bool, screen_ratio: f64) -> PngPlan {
    let screen_ratio = if screen_ratio.is_finite() && screen_ratio > 0.0 {
        screen_ratio
    } else {
        1.0
    };
    if !whole_graph && !src.canvas.is_empty() {
        let ratio = png_ratio(src.canvas.width, src.canvas.height, screen_ratio);
        return PngPlan {
            viewport: src.viewport,
            size: src.canvas,
            pixel_ratio: ratio,
            scaled_pct: None,
        };
    }
    let width = src.view.width.max(0.0) + 2.0 * PNG_MARGIN;
    let height = src.view.height.max(0.0) + 2.0 * PNG_MARGIN;
    let preferred = screen_ratio.max(1.0);
    let ratio = png_ratio(width, height, preferred);
    let scale = ratio.min(1.0);
    PngPlan {
        viewport: Viewport {
            scale,
            x: PNG_MARGIN * scale,
            y: PNG_MARGIN * scale,
        },
        size: Size {
            width: width * scale,
            height: height * scale,
        },
        pixel_ratio: ratio / scale,
        scaled_pct: (ratio < 1.0).then(|| ((ratio * 100.0).round() as u32).max(1)),
    }
}

/// Exports what `kind` says and starts the download; returns the file name. A PNG is encoded
/// asynchronously: a failure then goes to `on_error`.
pub fn export(
    kind: ExportKind,
    src: &ExportSource,
    on_error: impl FnOnce(String) + 'static,
) -> Result<String, String> {
    if kind.report().is_some() {
        return Err("reports are written by the worker (report_export)".to_string());
    }
    if kind.is_png() {
        let ratio = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0);
        let plan = png_plan(src, kind.whole_graph(), ratio);
        let name = file_name(src.file_name, src.overlay, kind, plan.scaled_pct);
        png::export(src, &plan, name.clone(), on_error)?;
        Ok(name)
    } else {
        let name = file_name(src.file_name, src.overlay, kind, None);
        let svg = svg_file(src, kind.whole_graph());
        crate::platform::download_text(&svg, "image/svg+xml", &name)?;
        Ok(name)
    }
}

mod png {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

    use super::{ExportSource, PngPlan};
    use crate::canvas::draw::{self, Frame, Highlight};
    use crate::canvas::scene::Scene;
    use crate::canvas::text::TextCache;
    use crate::platform;

    /// Draws the plan on an offscreen canvas with the page's draw function and downloads it.
    pub(super) fn export(
        src: &ExportSource,
        plan: &PngPlan,
        name: String,
        on_error: impl FnOnce(String) + 'static,
    ) -> Result<(), String> {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        let canvas: HtmlCanvasElement = document
            .create_element("canvas")
            .map_err(|e| platform::js_text(&e))?
            .dyn_into()
            .map_err(|_| "not a canvas")?;
        canvas.set_width((plan.size.width * plan.pixel_ratio).round().max(1.0) as u32);
        canvas.set_height((plan.size.height * plan.pixel_ratio).round().max(1.0) as u32);
        let context = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
            .ok_or("the browser gave no canvas this big to draw the PNG on")?;
        let scene = Scene::new(src.view);
        let mut texts = TextCache::default();
        texts.reset(src.view.nodes.len());
        let frame = Frame {
            view: src.view,
            scene: &scene,
            viewport: plan.viewport,
            size: plan.size,
            device_pixel_ratio: plan.pixel_ratio,
            highlight: Highlight::default(),
            related: &[],
            heat: src.overlays.heat,
            units: src.overlays.units,
            outlines: src.overlays.outlines,
            fusion_view: src.overlays.fusion_view,
            badges: src.badges,
            palette: src.overlays.palette,
        };
        draw::draw(&context, &frame, &mut texts);
        let on_blob = Closure::once_into_js(move |blob: JsValue| {
            let result = match blob.dyn_into::<web_sys::Blob>() {
                Ok(blob) => platform::download_blob(&blob, &name),
                Err(_) => Err(format!("{name}: the browser could not encode the PNG")),
            };
            if let Err(message) = result {
                on_error(message);
            }
        });
        canvas.to_blob(on_blob.unchecked_ref()).map_err(|e| {
            format!(
                "the browser could not encode the PNG ({})",
                platform::js_text(&e)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::fusion::{FusionOutlines, GroupOutline, NearMissOutline};
    use crate::canvas::heat::HeatMap;
    use crate::canvas::units::tests::analysis_of;
    use crate::canvas::units::UnitMap;
    use crate::state::fixtures::column_view;

    fn source<'a>(
        view: &'a GraphView,
        overlay: Overlay,
        overlays: Overlays<'a>,
    ) -> ExportSource<'a> {
        ExportSource {
            view,
            file_name: "models/res<net>50.onnx",
            overlay,
            overlays,
            badges: None,
            viewport: Viewport {
                scale: 1.0,
                x: 0.0,
                y: 0.0,
            },
            canvas: Size {
                width: 200.0,
                height: 100.0,
            },
            target: Some("Ascend 310"),
            estimate: Some("estimated (cost model, Ascend 310)".into()),
        }
    }

    #[test]
    fn unit_colours_map_onto_the_headers_with_their_letters() {
        let view = column_view(3);
        let analysis = analysis_of(&[ExecUnitId::Cube, ExecUnitId::AiCpu]);
        let units = UnitMap::new(&view, &analysis);
        let overlays = Overlays {
            units: Some(&units),
            ..Overlays::default()
        };
        let style = svg_style(&source(&view, Overlay::Unit, overlays));
        let headers: Vec<(&str, Option<&str>, bool)> = style
            .nodes
            .iter()
            .map(|n| (n.header.as_str(), n.glyph.as_deref(), n.dimmed))
            .collect();
        assert_eq!(
            headers,
            vec![
                ("#1864ab", Some("C"), false),
                ("#c2255c", Some("A"), false),
                // Past the analysis: its category colour, dimmed, as on the canvas.
                (palette::category_fill(OpCategory::Activation), None, true),
            ]
        );
        assert_eq!(style.title, "res<net>50.onnx — coloured by execution unit");
        assert_eq!(style.subtitle, "onnx · 3 ops · Ascend 310");
        let labels: Vec<&str> = style.legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, vec!["Cube (1)", "AI CPU (1)"]);
        assert_eq!(
            style.legend[0].swatch,
            SvgSwatch::Fill {
                fill: "#1864ab".into(),
                glyph: Some("C".into()),
                glyph_colour: "#ffffff".into()
            }
        );
        // The file has the unit colours and the names as text.
        let svg = graph_svg(&view, &style, None);
        assert!(svg.contains(r##"fill="#1864ab""##) && svg.contains(">relu_1</text>"));
    }

    #[test]
    fn plain_overlay_uses_category_colours_and_lists_the_categories() {
        let view = column_view(2);
        let style = svg_style(&source(&view, Overlay::None, Overlays::default()));
        assert!(style
            .nodes
            .iter()
            .all(|n| n.header == palette::category_fill(OpCategory::Activation) && !n.dimmed));
        let labels: Vec<&str> = style.legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, vec!["Activation"]);
        assert_eq!(style.title, "res<net>50.onnx — coloured by op category");
    }

    #[test]
    fn heat_fills_stripes_and_ticks_follow_the_heat_map() {
        let view = column_view(3);
        let stats = [
            crate::worker::protocol::NodeStat {
                node: "relu_0".into(),
                total_us: 10.0,
                count: 1,
                unit: crate::worker::protocol::UnitId::AiCore,
                share: 0.0,
                ops: Vec::new(),
            },
            crate::worker::protocol::NodeStat {
                node: "relu_2".into(),
                total_us: 1000.0,
                count: 1,
                unit: crate::worker::protocol::UnitId::AiCore,
                share: 0.0,
                ops: Vec::new(),
            },
        ];
        let heat = HeatMap::new(&view, &stats);
        let overlays = Overlays {
            heat: Some(&heat),
            ..Overlays::default()
        };
        let style = svg_style(&source(&view, Overlay::Heat, overlays));
        assert_eq!(style.nodes[0].header, "#ffffcc");
        assert_eq!(style.nodes[0].stripe.as_deref(), Some("#1c7ed6"));
        assert_eq!(style.nodes[1].header, Palette::LIGHT.heat_none_fill);
        assert!(style.nodes[1].dimmed);
        assert_eq!(style.nodes[2].header, "#800026");
        assert_eq!(style.nodes[2].header_text, palette::HEADER_TEXT);
        let labels: Vec<&str> = style.legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels.first(), Some(&"10.0 us"));
        assert_eq!(labels.last(), Some(&"no estimated time"));
        assert!(style
            .subtitle
            .ends_with("estimated (cost model, Ascend 310)"));
    }

    #[test]
    fn fusion_outlines_near_misses_and_badges_are_carried_over() {
        let view = column_view(3);
        let bounds = Bounds {
            x: -8.0,
            y: -8.0,
            width: 116.0,
            height: 116.0,
        };
        let outlines = FusionOutlines {
            outlines: vec![GroupOutline {
                group: 0,
                kind: FusionKindId::Ub,
                pattern: "ConvRelu".into(),
                bounds,
                members: 2,
            }],
            near_misses: vec![NearMissOutline {
                pattern: "ReluAdd".into(),
                reason: "output too big".into(),
                bounds: Bounds { y: 100.0, ..bounds },
            }],
            in_ub_group: vec![true, true, false],
            near_miss_of: vec![None, None, Some(0)],
        };
        let badges = [0u16, 2, 0];
        let mut src = source(
            &view,
            Overlay::Fusion,
            Overlays {
                outlines: Some(&outlines),
                fusion_view: true,
                ..Overlays::default()
            },
        );
        src.badges = Some(&badges);
        let style = svg_style(&src);
        let kinds: Vec<SvgOutlineKind> = style.outlines.iter().map(|o| o.kind).collect();
        assert_eq!(kinds, vec![SvgOutlineKind::NearMiss, SvgOutlineKind::Ub]);
        assert_eq!(style.outlines[0].label, "near miss: ReluAdd");
        assert_eq!(style.outlines[0].tooltip.as_deref(), Some("output too big"));
        assert_eq!(style.badges, vec![0, 2, 0]);
        // Members and near-miss members in colour, nobody dimmed here.
        assert!(style.nodes.iter().all(|n| !n.dimmed));
        let labels: Vec<&str> = style.legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(
            labels,
            vec!["UB group (one kernel)", "near miss", "findings on the node"]
        );
        // Outlines on another overlay: no near misses.
        src.overlay = Overlay::None;
        src.overlays.fusion_view = false;
        assert_eq!(svg_style(&src).outlines.len(), 1);
    }

    #[test]
    fn the_current_view_cuts_the_svg_to_the_canvas() {
        let view = column_view(10);
        let src = source(&view, Overlay::None, Overlays::default());
        // The canvas shows world 0..200 × 0..100: nodes 0 and 1.
        let svg = svg_file(&src, false);
        assert_eq!(svg.matches(r#"<g class="node""#).count(), 2);
        assert_eq!(
            svg_file(&src, true).matches(r#"<g class="node""#).count(),
            10
        );
    }

    #[test]
    fn file_names_say_model_overlay_part_and_scale() {
        assert_eq!(
            file_name("resnet50.onnx", Overlay::Unit, ExportKind::SvgGraph, None),
            "resnet50-unit.svg"
        );
        assert_eq!(
            file_name("a/b/yolo v5.pb", Overlay::None, ExportKind::PngView, None),
            "yolo_v5-none-view.png"
        );
        assert_eq!(
            file_name("bert.onnx", Overlay::Heat, ExportKind::PngGraph, Some(12)),
            "bert-heat-12pct.png"
        );
        assert_eq!(
            file_name("<>.onnx", Overlay::Fusion, ExportKind::SvgView, None),
            "graph-fusion-view.svg"
        );
        for kind in ExportKind::ALL {
            assert_eq!(ExportKind::parse(kind.id()), Some(kind));
        }
    }

    #[test]
    fn big_graphs_are_scaled_under_the_png_cap() {
        assert_eq!(png_ratio(1000.0, 2000.0, 2.0), 2.0);
        assert_eq!(png_ratio(1000.0, 32_000.0, 1.0), 0.5);
        let area = png_ratio(15_000.0, 15_000.0, 1.0);
        assert!((15_000.0 * area).powi(2) <= MAX_PNG_PIXELS + 1.0 && area < 1.0);
        assert_eq!(png_ratio(10.0, 10.0, f64::NAN), 1.0);

        let mut view = column_view(2);
        view.width = 1000.0;
        view.height = 64_000.0 - 2.0 * PNG_MARGIN;
        let src = source(&view, Overlay::None, Overlays::default());
        let plan = png_plan(&src, true, 2.0);
        assert_eq!(plan.scaled_pct, Some(25));
        assert_eq!(plan.viewport.scale, 0.25);
        assert_eq!(plan.pixel_ratio, 1.0);
        assert!((plan.size.height - 16_000.0).abs() < 1e-6);
        // A small graph: 1:1 at the screen's ratio, not scaled.
        let small = column_view(2);
        let plan = png_plan(
            &source(&small, Overlay::None, Overlays::default()),
            true,
            2.0,
        );
        assert_eq!(
            (plan.viewport.scale, plan.pixel_ratio, plan.scaled_pct),
            (1.0, 2.0, None)
        );
        assert_eq!(plan.viewport.x, PNG_MARGIN);
        // The current view: the canvas as it is.
        let plan = png_plan(
            &source(&small, Overlay::None, Overlays::default()),
            false,
            2.0,
        );
        assert_eq!((plan.size.width, plan.pixel_ratio), (200.0, 2.0));
    }
}
