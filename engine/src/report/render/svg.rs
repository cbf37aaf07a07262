//! SVG pictures: for the HTML report, the time-by-unit bar (the report's graph picture and
//! op-type chart are in `picture.rs`); for the viewer's export, [`graph_svg`], a standalone file of the whole
//! graph or a window of it with whatever overlay the caller maps onto an [`SvgStyle`]. No
//! scripts, no external references, every text from a file escaped.

use std::fmt::Write as _;

use super::{fmt_us, visible};
use crate::knowledge::ExecUnit;
use crate::layout::{Point, Rect};
use crate::report::analysis::AnalysisReport;
use crate::report::render::outline_titles::{place_titles, PlacedTitle, TitleRequest};
use crate::report::{GraphView, ViewNode, ViewNodeKind};

/// The colour of a unit, shared by every rendering (fill colours readable under black text).
pub fn unit_colour(unit: ExecUnit) -> &'static str {
    match unit {
        ExecUnit::Cube => "#f4a259",
        ExecUnit::Vector => "#7fb7e6",
        ExecUnit::Mix => "#c39bd3",
        ExecUnit::Scalar => "#a3d9a5",
        ExecUnit::AiCpu => "#e5534b",
        ExecUnit::Dvpp => "#f2d16b",
        ExecUnit::Communication => "#9aa5b1",
        ExecUnit::Dsa => "#b8c480",
        ExecUnit::None => "#e6e6e6",
    }
}

pub(crate) fn unit_colour_of(id: &str) -> &'static str {
    ExecUnit::parse(id).map(unit_colour).unwrap_or("#e6e6e6")
}

/// Text escaped for SVG/HTML content and attributes.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A horizontal stacked bar of time by unit, with a legend.
pub fn unit_bar(report: &AnalysisReport) -> String {
    let total: f64 = report.units.values().map(|u| u.time_us).sum();
    let mut out = String::new();
    let width = 720.0;
    let _ = write!(
        out,
        r#"<svg class="bar" viewBox="0 0 {width} 64" width="100%" role="img" aria-label="time by unit">"#
    );
    let mut x = 0.0;
    let mut legend_x = 0.0;
    for (unit, totals) in &report.units {
        let share = if total > 0.0 {
            totals.time_us / total
        } else {
            0.0
        };
        let w = share * width;
        if w > 0.0 {
            let _ = write!(
                out,
                r#"<rect x="{x:.2}" y="0" width="{w:.2}" height="28" fill="{}"><title>{} {} ({:.1}%)</title></rect>"#,
                unit_colour_of(unit),
                esc(unit),
                esc(&fmt_us(totals.time_us)),
                share * 100.0
            );
        }
        x += w;
        let _ = write!(
            out,
            r#"<rect x="{legend_x:.0}" y="40" width="12" height="12" fill="{}"/><text x="{:.0}" y="51" font-size="12">{} {:.1}%</text>"#,
            unit_colour_of(unit),
            legend_x + 16.0,
            esc(unit),
            share * 100.0
        );
        legend_x += 120.0;
    }
    out.push_str("</svg>");
    out
}

// ---- The viewer's export: the graph as a standalone SVG file ----

/// How one node's header looks: its fill and title colour, and what the overlay adds.
#[derive(Debug, Clone, PartialEq)]
pub struct SvgNodeStyle {
    pub header: String,
    pub header_text: String,
    /// A letter in a light disc at the header's left (the unit overlay's unit letter).
    pub glyph: Option<String>,
    /// Drawn faded (nodes the overlay has nothing for).
    pub dimmed: bool,
    /// A band down the header's left edge (the heat map's unit).
    pub stripe: Option<String>,
}

/// What an outline around nodes stands for, which sets its stroke and where its label goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SvgOutlineKind {
    /// A UB fusion group: solid, named above its top edge.
    Ub,
    /// L2 / L1 fusion candidates: dashed, named below their bottom edge.
    L2,
    L1,
    /// A chain a fusion pattern almost fused: dashed in the warning colour, named below.
    NearMiss,
}

/// An outline in world coordinates (the caller pads the members' bounding box).
#[derive(Debug, Clone, PartialEq)]
pub struct SvgOutline {
    pub kind: SvgOutlineKind,
    pub bounds: Rect,
    pub label: String,
    /// Shown on hover by SVG viewers (the near miss's reason).
    pub tooltip: Option<String>,
}

/// The swatch of a legend entry: a fill (with the node glyph in it, if any) or an outline.
#[derive(Debug, Clone, PartialEq)]
pub enum SvgSwatch {
    Fill {
        fill: String,
        glyph: Option<String>,
        glyph_colour: String,
    },
    Outline(SvgOutlineKind),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SvgLegendEntry {
    pub swatch: SvgSwatch,
    pub label: String,
}

/// The fixed colours of the picture. The defaults are the viewer's light theme; callers pass
/// their own palette so the file matches the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct SvgPalette {
    pub background: String,
    pub node_body: String,
    pub node_border: String,
    pub body_text: String,
    pub name_text: String,
    pub io_fill: String,
    pub io_border: String,
    pub edge: String,
    pub outline: String,
    pub near_miss: String,
    pub badge_fill: String,
    pub badge_text: String,
    pub title_text: String,
    /// The header of a node [`SvgStyle::nodes`] has no entry for.
    pub default_header: String,
    pub default_header_text: String,
}

impl Default for SvgPalette {
    fn default() -> SvgPalette {
        let colour = |c: &str| c.to_string();
        SvgPalette {
            background: colour("#f7f8fa"),
            node_body: colour("#ffffff"),
            node_border: colour("#2b2f36"),
            body_text: colour("#1f2329"),
            name_text: colour("#5b6470"),
            io_fill: colour("#e9eef5"),
            io_border: colour("#7d8ba0"),
            edge: colour("#7c8694"),
            outline: colour("#343a40"),
            near_miss: colour("#e8590c"),
            badge_fill: colour("#c92a2a"),
            badge_text: colour("#ffffff"),
            title_text: colour("#1f2329"),
            default_header: colour("#6b6b6b"),
            default_header_text: colour("#ffffff"),
        }
    }
}

/// Everything [`graph_svg`] draws besides the view: per-node looks (so any overlay maps onto
/// it), outlines, finding badges, the title and the legend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SvgStyle {
    /// The first line of the header (`resnet50 — colour: execution unit`).
    pub title: String,
    /// A smaller second line (the target, estimated or measured), left out when empty.
    pub subtitle: String,
    /// Per view node, in view order; nodes past its end get the palette's default header.
    pub nodes: Vec<SvgNodeStyle>,
    pub outlines: Vec<SvgOutline>,
    /// Per view node: how many findings name it (a numbered disc on its top-right corner).
    pub badges: Vec<u16>,
    pub legend: Vec<SvgLegendEntry>,
    pub palette: SvgPalette,
}

/// Box geometry and text metrics shared with the viewer's canvas and the layout's box sizes.
const TITLE_HEIGHT: f64 = 22.0;
const LINE_HEIGHT: f64 = 15.0;
const PADDING_X: f64 = 8.0;
const CORNER: f64 = 4.0;
/// How far the second box of a folded scope or group sits behind its box, down and right.
const FOLD_OFFSET: f64 = 4.0;
const TITLE_CHAR_WIDTH: f64 = 7.4;
const TEXT_CHAR_WIDTH: f64 = 6.2;
const ARROW_LENGTH: f64 = 7.0;
const ARROW_HALF_WIDTH: f64 = 3.5;
/// Space around the whole graph, room for the outlines' padding and labels.
const GRAPH_MARGIN: f64 = 32.0;
const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// The graph as a standalone SVG file: the whole graph, or only what intersects `area` (world
/// coordinates, clipped to it). Node boxes with their header as `style` says, op types in bold
/// and names and weight lines as real text (cut with `…` to their box, the full name on hover),
/// edges as curves with arrowheads, outlines and badges, under a header with the title and the
/// legend. Deterministic: the same arguments give the same bytes.
pub fn graph_svg(view: &GraphView, style: &SvgStyle, area: Option<Rect>) -> String {
    let whole = Rect {
        x: -GRAPH_MARGIN,
        y: -GRAPH_MARGIN,
        width: finite_or(view.width, 0.0).max(0.0) + 2.0 * GRAPH_MARGIN,
        height: finite_or(view.height, 0.0).max(0.0) + 2.0 * GRAPH_MARGIN,
    };
    let window = area
        .filter(|a| {
            [a.x, a.y, a.width, a.height].iter().all(|v| v.is_finite())
                && a.width > 0.0
                && a.height > 0.0
        })
        .unwrap_or(whole);
    let palette = &style.palette;
    let width = window.width.max(360.0);

    let mut header = String::new();
    let header_height = write_header(&mut header, style, width);
    let height = header_height + window.height;

    let mut out = String::with_capacity(512 + view.nodes.len() * 400);
    let _ = write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.1} {height:.1}" font-family="{FONT_FAMILY}">
<title>{}</title>
<style>
.e{{fill:none;stroke:{};stroke-width:1.1}}
.a{{fill:{}}}
.b{{stroke:{};stroke-width:1}}
.io{{fill:{};stroke:{};stroke-width:1}}
.t{{font-size:12px;font-weight:600}}
.n{{font-size:11px}}
.ol{{fill:none;stroke:{};stroke-width:1.5}}
.nm{{fill:none;stroke:{};stroke-width:2;stroke-dasharray:6 4}}
.l2{{stroke-dasharray:8 5}}
.l1{{stroke-dasharray:3 4}}
.lb{{font-size:10px;font-weight:600}}
.bd{{font-size:10px;font-weight:700}}
</style>
<rect width="100%" height="100%" fill="{}"/>
"#,
        esc(&style.title),
        esc(&palette.edge),
        esc(&palette.edge),
        esc(&palette.node_border),
        esc(&palette.io_fill),
        esc(&palette.io_border),
        esc(&palette.outline),
        esc(&palette.near_miss),
        esc(&palette.background),
    );
    out.push_str(&header);
    let _ = write!(
        out,
        r#"<clipPath id="graph-area"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/></clipPath>
<g transform="translate({:.1} {:.1})"><g clip-path="url(#graph-area)">
"#,
        window.x,
        window.y,
        window.width,
        window.height,
        -window.x,
        header_height - window.y
    );

    write_edges(&mut out, view, &window);
    for (idx, node) in view.nodes.iter().enumerate() {
        if intersects(&node.rect, &window) {
            write_node(&mut out, node, style.nodes.get(idx), palette);
        }
    }
    // Near misses under the groups, as the viewer draws them.
    let visible_outlines = |kind_is_miss: bool| {
        style
            .outlines
            .iter()
            .filter(move |o| (o.kind == SvgOutlineKind::NearMiss) == kind_is_miss)
            .filter(|o| intersects(&o.bounds, &window))
    };
    let outlines: Vec<&SvgOutline> = visible_outlines(true)
        .chain(visible_outlines(false))
        .collect();
    // Group names placed as the viewer places them: one line per edge, never over each other.
    let requests: Vec<(usize, TitleRequest)> = outlines
        .iter()
        .enumerate()
        .filter(|(_, o)| o.kind != SvgOutlineKind::NearMiss && !o.label.is_empty())
        .map(|(idx, o)| {
            let request = TitleRequest {
                above: o.kind == SvgOutlineKind::Ub,
                pattern: &o.label,
                bounds: o.bounds,
            };
            (idx, request)
        })
        .collect();
    let (indices, requests): (Vec<usize>, Vec<TitleRequest>) = requests.into_iter().unzip();
    let mut titles: Vec<Option<PlacedTitle>> = vec![None; outlines.len()];
    for title in place_titles(&requests, |text| {
        text.chars().count() as f64 * GROUP_TITLE_CHAR_WIDTH
    }) {
        let idx = indices[title.first];
        titles[idx] = Some(title);
    }
    for (outline, title) in outlines.iter().zip(&titles) {
        write_outline(&mut out, outline, title.as_ref(), palette);
    }
    for (idx, node) in view.nodes.iter().enumerate() {
        let count = style.badges.get(idx).copied().unwrap_or(0);
        if count > 0 && intersects(&node.rect, &window) {
            let (cx, cy) = (node.rect.x + node.rect.width - 2.0, node.rect.y + 2.0);
            let label = if count > 9 {
                "9+".to_string()
            } else {
                count.to_string()
            };
            let _ = writeln!(
                out,
                r#"<g><title>{count} finding{}</title><circle cx="{cx:.1}" cy="{cy:.1}" r="8" fill="{}"/><text class="bd" x="{cx:.1}" y="{:.1}" text-anchor="middle" fill="{}">{label}</text></g>"#,
                if count == 1 { "" } else { "s" },
                esc(&palette.badge_fill),
                cy + 3.5,
                esc(&palette.badge_text)
            );
        }
    }
    out.push_str("</g></g>\n</svg>\n");
    out
}

fn finite_or(value: f64, default: f64) -> f64 {
    if value.is_finite() {
        value
    } else {
        default
    }
}

fn intersects(a: &Rect, b: &Rect) -> bool {
    a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height
}

/// `text` cut to about `max_width` at `char_width` per character, with `…` when cut.
fn fit(text: &str, max_width: f64, char_width: f64) -> String {
    // The layout sized boxes with the same estimate: a text it sized for fits exactly, so
    // rounding must not cut its last character.
    let max_chars = (max_width / char_width + 1e-6).floor().max(1.0) as usize;
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The title, the subtitle and the legend (wrapped to `width`); returns the header's height.
fn write_header(out: &mut String, style: &SvgStyle, width: f64) -> f64 {
    let palette = &style.palette;
    let _ = writeln!(
        out,
        r#"<text x="12" y="24" font-size="16" font-weight="700" fill="{}">{}</text>"#,
        esc(&palette.title_text),
        esc(&style.title)
    );
    let mut y = 36.0;
    if !style.subtitle.is_empty() {
        let _ = writeln!(
            out,
            r#"<text x="12" y="{:.1}" font-size="11" fill="{}">{}</text>"#,
            y + 6.0,
            esc(&palette.name_text),
            esc(&style.subtitle)
        );
        y += 14.0;
    }
    if style.legend.is_empty() {
        return y + 8.0;
    }
    y += 6.0;
    let mut x = 12.0;
    for entry in &style.legend {
        let entry_width = 40.0 + entry.label.chars().count() as f64 * 6.2;
        if x > 12.0 && x + entry_width > width - 12.0 {
            x = 12.0;
            y += 20.0;
        }
        out.push_str("<g>");
        let swatch_width = match &entry.swatch {
            SvgSwatch::Fill {
                fill,
                glyph,
                glyph_colour,
            } => {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="14" height="14" rx="3" fill="{}"/>"#,
                    esc(fill)
                );
                if let Some(glyph) = glyph {
                    let _ = write!(
                        out,
                        r#"<text x="{:.1}" y="{:.1}" font-size="9" font-weight="700" text-anchor="middle" fill="{}">{}</text>"#,
                        x + 7.0,
                        y + 10.5,
                        esc(glyph_colour),
                        esc(glyph)
                    );
                }
                14.0
            }
            SvgSwatch::Outline(kind) => {
                let _ = write!(
                    out,
                    r#"<rect class="{}" x="{x:.1}" y="{:.1}" width="22" height="12" rx="3"/>"#,
                    outline_class(*kind),
                    y + 1.0
                );
                22.0
            }
        };
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" fill="{}">{}</text></g>"#,
            x + swatch_width + 5.0,
            y + 11.0,
            esc(&palette.body_text),
            esc(&entry.label)
        );
        x += entry_width + swatch_width - 14.0;
    }
    y + 14.0 + 10.0
}

fn outline_class(kind: SvgOutlineKind) -> &'static str {
    match kind {
        SvgOutlineKind::Ub => "ol",
        SvgOutlineKind::L2 => "ol l2",
        SvgOutlineKind::L1 => "ol l1",
        SvgOutlineKind::NearMiss => "nm",
    }
}

/// Edges as the viewer draws them: curves with vertical tangents through the route's points,
/// stopping at the base of an arrowhead. Routes with fewer than two finite points are skipped.
fn write_edges(out: &mut String, view: &GraphView, window: &Rect) {
    let mut curves = String::new();
    let mut arrows = String::new();
    for edge in &view.edges {
        let points = &edge.points;
        if points.len() < 2 || points.iter().any(|p| !p.x.is_finite() || !p.y.is_finite()) {
            continue;
        }
        let bounds = points_bounds(points).inflate_by(ARROW_HALF_WIDTH);
        if !intersects(&bounds, window) {
            continue;
        }
        let tip = points[points.len() - 1];
        let before = points[points.len() - 2];
        let (dx, dy) = if (tip.y - before.y).abs() > 1e-6 {
            (0.0, (tip.y - before.y).signum())
        } else {
            ((tip.x - before.x).signum(), 0.0)
        };
        let base = Point {
            x: tip.x - dx * ARROW_LENGTH,
            y: tip.y - dy * ARROW_LENGTH,
        };
        let _ = write!(curves, "M{:.1} {:.1}", points[0].x, points[0].y);
        for (idx, pair) in points.windows(2).enumerate() {
            let from = pair[0];
            let to = if idx == points.len() - 2 {
                base
            } else {
                pair[1]
            };
            let half = (to.y - from.y) / 2.0;
            let _ = write!(
                curves,
                "C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
                from.x,
                from.y + half,
                to.x,
                to.y - half,
                to.x,
                to.y
            );
        }
        let _ = write!(
            arrows,
            "M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z",
            tip.x,
            tip.y,
            base.x - dy * ARROW_HALF_WIDTH,
            base.y + dx * ARROW_HALF_WIDTH,
            base.x + dy * ARROW_HALF_WIDTH,
            base.y - dx * ARROW_HALF_WIDTH
        );
        // One path per edge keeps lines short for diff tools; arrows batch into one.
        let _ = writeln!(out, r#"<path class="e" d="{curves}"/>"#);
        curves.clear();
    }
    if !arrows.is_empty() {
        let _ = writeln!(out, r#"<path class="a" d="{arrows}"/>"#);
    }
}

fn points_bounds(points: &[Point]) -> Rect {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in points {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    Rect {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
    }
}

trait Inflate {
    fn inflate_by(self, by: f64) -> Rect;
}

impl Inflate for Rect {
    fn inflate_by(self, by: f64) -> Rect {
        Rect {
            x: self.x - by,
            y: self.y - by,
            width: self.width + 2.0 * by,
            height: self.height + 2.0 * by,
        }
    }
}

/// One node: its box (one `<rect>`), its header band, the overlay's stripe and glyph, and its
/// texts, in a group titled with its full name.
fn write_node(
    out: &mut String,
    node: &ViewNode,
    look: Option<&SvgNodeStyle>,
    palette: &SvgPalette,
) {
    let r = node.rect;
    if ![r.x, r.y, r.width, r.height].iter().all(|v| v.is_finite()) {
        return;
    }
    let is_io = matches!(node.kind, ViewNodeKind::Input | ViewNodeKind::Output);
    let has_body = !node.name.is_empty() || !node.lines.is_empty();
    let header_height = if has_body {
        TITLE_HEIGHT.min(r.height)
    } else {
        r.height
    };
    let dimmed = look.is_some_and(|l| l.dimmed) && !is_io;
    let _ = write!(
        out,
        r#"<g class="node"{}><title>{}</title>"#,
        if dimmed { r#" opacity="0.55""# } else { "" },
        esc(&if node.name.is_empty() {
            node.title.clone()
        } else {
            format!("{} ({})", node.name, node.title)
        })
    );
    let (header, header_text) = match look {
        Some(look) => (look.header.as_str(), look.header_text.as_str()),
        None => (
            palette.default_header.as_str(),
            palette.default_header_text.as_str(),
        ),
    };
    if is_io {
        let _ = write!(
            out,
            r#"<rect class="io" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{:.1}"/>"#,
            r.x,
            r.y,
            r.width,
            r.height,
            12.0_f64.min(r.height / 2.0).min(r.width / 2.0)
        );
    } else {
        if node.kind == ViewNodeKind::Folded {
            // A folded scope or group: a second box behind, as a stack of the boxes it holds.
            let _ = write!(
                out,
                r#"<rect class="b" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{CORNER}" fill="{}"/>"#,
                r.x + FOLD_OFFSET,
                r.y + FOLD_OFFSET,
                r.width,
                r.height,
                esc(&palette.node_body)
            );
        }
        let radius = CORNER.min(r.width / 2.0).min(header_height / 2.0).max(0.0);
        let _ = write!(
            out,
            r#"<rect class="b" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{CORNER}" fill="{}"/>"#,
            r.x,
            r.y,
            r.width,
            r.height,
            esc(if has_body { &palette.node_body } else { header })
        );
        if has_body {
            // The header band, rounded at the top only, stroked like the box so the border
            // stays whole over it.
            let _ = write!(
                out,
                r#"<path class="b" d="M{:.1} {:.1}H{:.1}A{radius} {radius} 0 0 1 {:.1} {:.1}V{:.1}H{:.1}V{:.1}A{radius} {radius} 0 0 1 {:.1} {:.1}Z" fill="{}"/>"#,
                r.x + radius,
                r.y,
                r.x + r.width - radius,
                r.x + r.width,
                r.y + radius,
                r.y + header_height,
                r.x,
                r.y + radius,
                r.x + radius,
                r.y,
                esc(header)
            );
        }
        if let Some(stripe) = look.and_then(|l| l.stripe.as_deref()) {
            let _ = write!(
                out,
                r#"<path d="M{:.1} {:.1}h5v{:.1}h-5Z" fill="{}"/>"#,
                r.x + 1.0,
                r.y + 1.0,
                header_height - 1.0,
                esc(stripe)
            );
        }
    }
    let title_colour = if is_io {
        palette.name_text.as_str()
    } else {
        header_text
    };
    // Beside the unit glyph's disc the title keeps as much room on the right, to stay centred.
    let has_glyph = look.is_some_and(|l| l.glyph.is_some()) && !is_io;
    let title_room = r.width - if has_glyph { 36.0 } else { 8.0 };
    let _ = write!(
        out,
        r#"<text class="t" x="{:.1}" y="{:.1}" text-anchor="middle" fill="{}">{}</text>"#,
        r.x + r.width / 2.0,
        r.y + header_height / 2.0 + 4.5,
        esc(title_colour),
        esc(&fit(&node.title, title_room, TITLE_CHAR_WIDTH))
    );
    if let Some(glyph) = look.and_then(|l| l.glyph.as_deref()).filter(|_| !is_io) {
        let (cx, cy) = (r.x + 10.0, r.y + header_height / 2.0);
        let _ = write!(
            out,
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="6.5" fill="{}"/><text x="{cx:.1}" y="{:.1}" font-size="9" font-weight="700" text-anchor="middle" fill="{}">{}</text>"#,
            esc(header_text),
            cy + 3.2,
            esc(header),
            esc(glyph)
        );
    }
    let inner = r.width - 2.0 * PADDING_X;
    let mut baseline = r.y + header_height + LINE_HEIGHT / 2.0 + 1.0 + 4.0;
    if !node.name.is_empty() {
        let _ = write!(
            out,
            r#"<text class="n" x="{:.1}" y="{baseline:.1}" fill="{}">{}</text>"#,
            r.x + PADDING_X,
            esc(if is_io {
                &palette.body_text
            } else {
                &palette.name_text
            }),
            esc(&fit(&node.name, inner, TEXT_CHAR_WIDTH))
        );
        baseline += LINE_HEIGHT;
    }
    for line in &node.lines {
        if baseline - 4.0 > r.y + r.height {
            break;
        }
        let _ = write!(
            out,
            r#"<text class="n" x="{:.1}" y="{baseline:.1}" fill="{}">{}</text>"#,
            r.x + PADDING_X,
            esc(&palette.body_text),
            esc(&fit(line, inner, TEXT_CHAR_WIDTH))
        );
        baseline += LINE_HEIGHT;
    }
    out.push_str("</g>\n");
}

/// Width of a character of a group title (10px, semibold), for placing titles.
const GROUP_TITLE_CHAR_WIDTH: f64 = 6.0;

/// An outline and its label: a group's `title` as placed (`None` when another outline's line
/// names it too), a near miss's reason below its right end.
fn write_outline(
    out: &mut String,
    outline: &SvgOutline,
    title: Option<&PlacedTitle>,
    palette: &SvgPalette,
) {
    let b = outline.bounds;
    if ![b.x, b.y, b.width, b.height].iter().all(|v| v.is_finite()) {
        return;
    }
    let _ = write!(
        out,
        r#"<g>{}<rect class="{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="10"/>"#,
        outline
            .tooltip
            .as_ref()
            .map(|t| format!("<title>{}</title>", esc(t)))
            .unwrap_or_default(),
        outline_class(outline.kind),
        b.x,
        b.y,
        b.width,
        b.height
    );
    let label = match (outline.kind, title) {
        (SvgOutlineKind::NearMiss, _) if !outline.label.is_empty() => Some((
            b.x + b.width - 6.0,
            b.y + b.height + 11.0,
            "end",
            &palette.near_miss,
            outline.label.as_str(),
        )),
        (SvgOutlineKind::NearMiss, _) => None,
        // The line's top plus the 10px text's ascent: its baseline.
        (_, Some(title)) => Some((
            title.x,
            title.y + 11.0,
            "start",
            &palette.outline,
            title.text.as_str(),
        )),
        (_, None) => None,
    };
    if let Some((x, y, anchor, colour, text)) = label {
        let _ = write!(
            out,
            r#"<text class="lb" x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{}">{}</text>"#,
            esc(colour),
            esc(text)
        );
    }
    out.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::OpCategory;
    use crate::report::ViewEdge;

    fn node(kind: ViewNodeKind, title: &str, name: &str, y: f64) -> ViewNode {
        ViewNode {
            kind,
            graph_node: (kind == ViewNodeKind::Op).then_some(0),
            title: title.into(),
            name: name.into(),
            category: OpCategory::Layer,
            lines: Vec::new(),
            rect: Rect {
                x: 0.0,
                y,
                width: 120.0,
                height: 40.0,
            },
            domain: String::new(),
            scope: String::new(),
            attrs: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// An input, two ops (one with a hostile name and a weight line) and an output in a column,
    /// 100 apart, joined by edges.
    fn small_view() -> GraphView {
        let mut conv = node(ViewNodeKind::Op, "Conv", "conv_1", 100.0);
        conv.lines = vec!["W ⟨64×3×7×7⟩".into()];
        conv.rect.height = 56.0;
        let nodes = vec![
            node(ViewNodeKind::Input, "input", "data", 0.0),
            conv,
            node(
                ViewNodeKind::Op,
                "Relu",
                "<script>alert(\"x&y\")</script>\u{202E}\u{0007}\u{FFFF}",
                200.0,
            ),
            node(ViewNodeKind::Output, "output", "prob", 300.0),
        ];
        let edge = |from: usize, to: usize| ViewEdge {
            from,
            to,
            tensor: format!("t{from}"),
            label: "f32 [1,3]".into(),
            points: vec![
                Point {
                    x: 60.0,
                    y: from as f64 * 100.0 + 40.0,
                },
                Point {
                    x: 60.0,
                    y: to as f64 * 100.0,
                },
            ],
        };
        GraphView {
            title: "small".into(),
            format: "onnx".into(),
            node_count: 2,
            nodes,
            edges: vec![edge(0, 1), edge(1, 2), edge(2, 3)],
            width: 120.0,
            height: 340.0,
            metadata: Vec::new(),
            warnings: Vec::new(),
            folded_constants: 0,
            folded: Vec::new(),
            folds: Vec::new(),
            folded_scopes: Vec::new(),
            has_scopes: false,
        }
    }

    fn look(header: &str) -> SvgNodeStyle {
        SvgNodeStyle {
            header: header.into(),
            header_text: "#ffffff".into(),
            glyph: None,
            dimmed: false,
            stripe: None,
        }
    }

    fn unit_style() -> SvgStyle {
        SvgStyle {
            title: "small — colour: execution unit".into(),
            subtitle: "estimated (cost model, Ascend 310)".into(),
            nodes: vec![
                look("#000000"),
                SvgNodeStyle {
                    glyph: Some("C".into()),
                    ..look("#1864ab")
                },
                SvgNodeStyle {
                    dimmed: true,
                    stripe: Some("#1c7ed6".into()),
                    ..look("#087f5b")
                },
                look("#000000"),
            ],
            outlines: vec![
                SvgOutline {
                    kind: SvgOutlineKind::Ub,
                    bounds: Rect {
                        x: -8.0,
                        y: 92.0,
                        width: 136.0,
                        height: 156.0,
                    },
                    label: "Conv+Relu".into(),
                    tooltip: None,
                },
                SvgOutline {
                    kind: SvgOutlineKind::NearMiss,
                    bounds: Rect {
                        x: -11.0,
                        y: 289.0,
                        width: 142.0,
                        height: 62.0,
                    },
                    label: "near miss: Relu+Output".into(),
                    tooltip: Some("too big: 2 > 1 <MiB>".into()),
                },
            ],
            badges: vec![0, 12, 1, 0],
            legend: vec![
                SvgLegendEntry {
                    swatch: SvgSwatch::Fill {
                        fill: "#1864ab".into(),
                        glyph: Some("C".into()),
                        glyph_colour: "#ffffff".into(),
                    },
                    label: "Cube (1)".into(),
                },
                SvgLegendEntry {
                    swatch: SvgSwatch::Outline(SvgOutlineKind::Ub),
                    label: "UB group".into(),
                },
            ],
            palette: SvgPalette::default(),
        }
    }

    /// Checks that tags nest and close, that no raw `<`, `&` or control character is left in
    /// text, and returns the element names in document order.
    fn check_xml(svg: &str) -> Vec<String> {
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut rest = svg
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .expect("xml declaration");
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            assert!(!text.contains('>'), "raw > in text {text:?}");
            for (idx, _) in text.match_indices('&') {
                let entity = &text[idx..text[idx..].find(';').map_or(text.len(), |e| idx + e + 1)];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(&entity),
                    "bad entity {entity:?}"
                );
            }
            assert!(
                !text
                    .chars()
                    .any(|c| (c.is_control() && c != '\n') || c == '\u{FFFF}'),
                "control character in {text:?}"
            );
            let close = rest[open..].find('>').expect("unclosed tag") + open;
            let tag = &rest[open + 1..close];
            assert!(!tag.contains('<'), "< inside tag {tag:?}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else {
                let name: String = tag.chars().take_while(|c| c.is_alphanumeric()).collect();
                assert!(tag.split('"').count() % 2 == 1, "odd quotes in {tag:?}");
                names.push(name.clone());
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
            rest = &rest[close + 1..];
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        names
    }

    fn count(names: &[String], name: &str) -> usize {
        names.iter().filter(|n| *n == name).count()
    }

    #[test]
    fn the_whole_graph_has_a_box_and_real_text_per_node() {
        let view = small_view();
        let svg = graph_svg(&view, &unit_style(), None);
        let names = check_xml(&svg);
        // Background, clip area, one per node, two legend swatches, two outlines.
        assert_eq!(count(&names, "rect"), 1 + 1 + 4 + 2 + 2);
        assert_eq!(svg.matches(r#"<g class="node""#).count(), 4);
        for text in [
            ">Conv</text>",
            ">conv_1</text>",
            ">W ⟨64×3×7×7⟩</text>",
            ">data</text>",
            ">prob</text>",
            ">Relu</text>",
            ">small — colour: execution unit</text>",
            ">estimated (cost model, Ascend 310)</text>",
            ">Cube (1)</text>",
            ">UB group</text>",
        ] {
            assert!(svg.contains(text), "{text} missing");
        }
        // Three edges with one arrowhead each.
        assert_eq!(svg.matches(r#"<path class="e""#).count(), 3);
        assert_eq!(svg.matches(r#"<path class="a""#).count(), 1);
        assert!(svg.contains(r#"<path class="a" d="M60.0 100.0L56.5 93.0L63.5 93.0ZM"#));
        assert!(svg.starts_with("<?xml"));
        assert!(svg.contains(r#"viewBox="0 0 360.0 "#), "{}", &svg[..300]);
    }

    #[test]
    fn the_style_sets_headers_glyphs_dimming_stripes_outlines_and_badges() {
        let svg = graph_svg(&small_view(), &unit_style(), None);
        // Conv's header band in its unit colour, under its title.
        assert!(svg.contains(r##"fill="#1864ab"/><text class="t""##));
        // The glyph: a light disc with the header colour's letter.
        assert!(svg.contains(r##"r="6.5" fill="#ffffff"/><text"##));
        assert!(svg.contains(r##"fill="#1864ab">C</text>"##));
        assert_eq!(svg.matches(r#"opacity="0.55""#).count(), 1);
        assert!(svg.contains(r##"h5v21.0h-5Z" fill="#1c7ed6""##));
        assert!(svg.contains(r#"<rect class="ol" x="-8.0" y="92.0""#));
        assert!(svg.contains(r#"<rect class="nm" x="-11.0""#));
        assert!(svg.contains(">near miss: Relu+Output</text>"));
        assert!(svg.contains("<title>too big: 2 &gt; 1 &lt;MiB&gt;</title>"));
        assert!(svg.contains(">9+</text>") && svg.contains(">1</text>"));
        assert!(svg.contains("<title>12 findings</title>"));
        // The same arguments, the same bytes.
        assert_eq!(svg, graph_svg(&small_view(), &unit_style(), None));
    }

    #[test]
    fn names_from_files_are_escaped_and_hidden_characters_shown() {
        let svg = graph_svg(&small_view(), &unit_style(), None);
        check_xml(&svg);
        assert!(!svg.contains("<script"));
        assert!(!svg.contains('\u{202E}') && !svg.contains('\u{7}') && !svg.contains('\u{FFFF}'));
        // Cut to the box, escaped, the full name on hover.
        assert!(svg.contains(">&lt;script&gt;alert(&quot;…</text>"), "{svg}");
        assert!(svg.contains(
            "<title>&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;\\u{202e}\\u{0007}\\u{ffff} (Relu)</title>"
        ));
        // Colours and titles from the caller are escaped too.
        let mut style = unit_style();
        style.title = "a\"b<c>".into();
        style.nodes[1].header = "red\" onload=\"x".into();
        let svg = graph_svg(&small_view(), &style, None);
        check_xml(&svg);
        assert!(!svg.contains("onload=\"x"));
        assert!(svg.contains(">a&quot;b&lt;c&gt;</text>"));
    }

    #[test]
    fn an_area_keeps_only_what_it_touches_and_clips_to_it() {
        let view = small_view();
        // The Conv box (y 100..140) and the edges into and out of it.
        let area = Rect {
            x: 0.0,
            y: 90.0,
            width: 200.0,
            height: 60.0,
        };
        let svg = graph_svg(&view, &unit_style(), Some(area));
        let names = check_xml(&svg);
        assert_eq!(svg.matches(r#"<g class="node""#).count(), 1);
        assert!(svg.contains(">conv_1</text>"));
        assert!(!svg.contains(">data</text>") && !svg.contains(">prob</text>"));
        assert_eq!(svg.matches(r#"<path class="e""#).count(), 2);
        // The UB group touches the area, the near miss does not; Conv's badge is drawn.
        assert!(svg.contains(r#"class="ol""#) && !svg.contains(r#"class="nm""#));
        assert!(svg.contains(">9+</text>") && !svg.contains(">1</text>"));
        assert_eq!(count(&names, "rect"), 1 + 1 + 1 + 2 + 1);
        assert!(svg.contains(
            r#"<clipPath id="graph-area"><rect x="0.0" y="90.0" width="200.0" height="60.0"/>"#
        ));
        assert!(svg.contains(r#"width="360" height="#));
        // A degenerate area is the whole graph.
        let empty = Rect { width: 0.0, ..area };
        assert_eq!(
            graph_svg(&view, &unit_style(), Some(empty)),
            graph_svg(&view, &unit_style(), None)
        );
    }

    #[test]
    fn texts_the_layout_sized_a_box_for_are_not_cut() {
        for n in 1..=36 {
            let name = "x".repeat(n);
            let width = (n as f64 * TEXT_CHAR_WIDTH + 16.0).max(72.0);
            assert_eq!(fit(&name, width - 2.0 * PADDING_X, TEXT_CHAR_WIDTH), name);
        }
        assert_eq!(fit("abcdef", 3.0 * TEXT_CHAR_WIDTH, TEXT_CHAR_WIDTH), "ab…");
    }

    #[test]
    fn an_empty_view_is_still_a_picture() {
        let view = GraphView {
            nodes: Vec::new(),
            edges: Vec::new(),
            width: f64::NAN,
            height: 0.0,
            ..small_view()
        };
        let svg = graph_svg(&view, &SvgStyle::default(), None);
        let names = check_xml(&svg);
        assert_eq!(count(&names, "rect"), 2);
        assert!(!svg.contains("NaN"));
    }
}
