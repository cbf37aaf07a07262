//! Colours of the graph drawing. Node headers follow Netron's palette (dark, saturated fills
//! with white text, one hue per kind of work) so users of Netron read the graph at a glance.

use opscope_engine::ir::OpCategory;

use crate::state::Scheme;
use crate::worker::protocol::{ExecUnitId, UnitId};

/// Fill of a node's header band (and of the whole box when zoomed far out).
pub fn category_fill(category: OpCategory) -> &'static str {
    match category {
        OpCategory::Layer => "#335588",
        OpCategory::Activation => "#702921",
        OpCategory::Pool => "#335533",
        OpCategory::Normalization => "#335544",
        OpCategory::Elementwise => "#3c3c44",
        OpCategory::Shape => "#6c4f47",
        OpCategory::Tensor => "#59423b",
        OpCategory::Reduce => "#454770",
        OpCategory::Control => "#7a5200",
        OpCategory::Constant => "#555555",
        OpCategory::Conversion => "#7a3a10",
        OpCategory::Other => "#6b6b6b",
    }
}

/// Human name of a category, for the properties panel and the legend.
pub fn category_label(category: OpCategory) -> &'static str {
    match category {
        OpCategory::Layer => "Layer",
        OpCategory::Activation => "Activation",
        OpCategory::Pool => "Pool",
        OpCategory::Normalization => "Normalization",
        OpCategory::Elementwise => "Element-wise",
        OpCategory::Shape => "Shape",
        OpCategory::Tensor => "Tensor",
        OpCategory::Reduce => "Reduce",
        OpCategory::Control => "Control",
        OpCategory::Constant => "Constant",
        OpCategory::Conversion => "Conversion",
        OpCategory::Other => "Other",
    }
}

/// White titles on the dark header fills above, in both themes.
pub const HEADER_TEXT: &str = "#ffffff";

/// The colours of the graph drawing that depend on the theme: the background, the node boxes
/// (everything but their header fills), edges, texts and highlights. The header fills (category,
/// unit, heat) are dark or saturated enough for their titles in both themes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub background: &'static str,
    pub node_body: &'static str,
    pub node_border: &'static str,
    pub body_text: &'static str,
    pub name_text: &'static str,
    /// Bars standing in for text too small to read.
    pub placeholder: &'static str,
    pub io_fill: &'static str,
    pub io_border: &'static str,
    pub edge: &'static str,
    /// Edges far out, drawn as thin polylines.
    pub edge_far: &'static str,
    /// Tensor type and shape on edges when zoomed in.
    pub edge_label: &'static str,
    /// Selection and everything tied to it (its edges).
    pub accent: &'static str,
    pub hover: &'static str,
    /// Other nodes of the selected fused op.
    pub related: &'static str,
    /// Heat-map overlay: header of a node without measured time, and its text.
    pub heat_none_fill: &'static str,
    pub heat_none_text: &'static str,
    /// Header text on the light end of the heat scale.
    pub heat_light_text: &'static str,
    /// Near misses (fusion overlay).
    pub near_miss: &'static str,
    /// Finding badges.
    pub badge_fill: &'static str,
    pub badge_text: &'static str,
    /// Outlines of fusion groups and their labels.
    pub fusion_outline: &'static str,
}

impl Palette {
    /// The canvas colours of a scheme.
    pub fn of(scheme: Scheme) -> &'static Palette {
        match scheme {
            Scheme::Light => &Palette::LIGHT,
            Scheme::Dark => &Palette::DARK,
        }
    }

    pub const LIGHT: Palette = Palette {
        background: "#f7f8fa",
        node_body: "#ffffff",
        node_border: "#2b2f36",
        body_text: "#1f2329",
        name_text: "#5b6470",
        placeholder: "#d3d8df",
        io_fill: "#e9eef5",
        io_border: "#7d8ba0",
        edge: "#7c8694",
        edge_far: "#a9b0ba",
        edge_label: "#5c6773",
        accent: "#e8590c",
        hover: "#1c7ed6",
        related: "#cc7a00",
        heat_none_fill: "#e6e9ed",
        heat_none_text: "#6f7883",
        heat_light_text: "#2b2f36",
        near_miss: "#e8590c",
        badge_fill: "#c92a2a",
        badge_text: "#ffffff",
        fusion_outline: "#343a40",
    };

    pub const DARK: Palette = Palette {
        background: "#1b1e23",
        node_body: "#272b31",
        node_border: "#6b7480",
        body_text: "#e3e6ea",
        name_text: "#a3acb8",
        placeholder: "#40464f",
        io_fill: "#263140",
        io_border: "#7d8ba0",
        edge: "#8a939e",
        edge_far: "#5c6570",
        edge_label: "#a3acb8",
        accent: "#ff922b",
        hover: "#4dabf7",
        related: "#fcc419",
        heat_none_fill: "#3a4048",
        heat_none_text: "#a3acb8",
        heat_light_text: "#2b2f36",
        near_miss: "#ff922b",
        badge_fill: "#e03131",
        badge_text: "#ffffff",
        fusion_outline: "#ced4da",
    };
}

/// The IO boxes' border, the same in both themes (the properties panel's swatch for inputs and
/// outputs).
pub const IO_BORDER: &str = Palette::LIGHT.io_border;

/// Colour of an execution unit: the graph's unit stripes, the unit badges of the tables and the
/// charts all use these. Chosen apart from the heat scale's yellows and reds, and from each
/// other; AI CPU (the slow fallback) is the one warm colour.
pub fn unit_colour(unit: UnitId) -> &'static str {
    match unit {
        UnitId::AiCore => "#1c7ed6",
        UnitId::AiVector => "#12b886",
        UnitId::Mix => "#7950f2",
        UnitId::AiCpu => "#e64980",
        UnitId::Communication => "#f59f00",
        UnitId::Dma => "#15aabf",
        UnitId::Other => "#868e96",
    }
}

/// Header fill and text of a node in the colour-by-unit overlay, also the legend's swatches:
/// Open Color's darkest shades, so white titles stay readable as on Netron's fills. The AI CPU
/// (the slow fallback) is the one warm red; "no kernel" is a light grey because those nodes cost
/// nothing.
pub fn exec_unit_fill(unit: ExecUnitId) -> (&'static str, &'static str) {
    match unit {
        ExecUnitId::Cube => ("#1864ab", HEADER_TEXT),
        ExecUnitId::Vector => ("#087f5b", HEADER_TEXT),
        ExecUnitId::Mix => ("#5f3dc4", HEADER_TEXT),
        ExecUnitId::Scalar => ("#4a7a0a", HEADER_TEXT),
        ExecUnitId::AiCpu => ("#c2255c", HEADER_TEXT),
        ExecUnitId::Dvpp => ("#0b7285", HEADER_TEXT),
        ExecUnitId::Communication => ("#a15c00", HEADER_TEXT),
        ExecUnitId::Dsa => ("#862e9c", HEADER_TEXT),
        ExecUnitId::None => ("#dee2e6", "#495057"),
    }
}

/// A letter drawn beside the unit colour (on the node and in the legend), so the overlay still
/// reads in greyscale and for people who do not tell the colours apart.
pub fn exec_unit_glyph(unit: ExecUnitId) -> &'static str {
    match unit {
        ExecUnitId::Cube => "C",
        ExecUnitId::Vector => "V",
        ExecUnitId::Mix => "M",
        ExecUnitId::Scalar => "S",
        ExecUnitId::AiCpu => "A",
        ExecUnitId::Dvpp => "D",
        ExecUnitId::Communication => "H",
        ExecUnitId::Dsa => "R",
        ExecUnitId::None => "·",
    }
}

/// Relative luminance of a `#rrggbb` colour (WCAG 2), `None` for anything else.
pub fn luminance(colour: &str) -> Option<f64> {
    let hex = colour.strip_prefix('#').filter(|h| h.len() == 6)?;
    let channel = |i: usize| -> Option<f64> {
        let value = f64::from(u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

/// WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21), `None` if either is not one.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (a, b) = (luminance(a)?, luminance(b)?);
    let (light, dark) = if a > b { (a, b) } else { (b, a) };
    Some((light + 0.05) / (dark + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATEGORIES: [OpCategory; 12] = [
        OpCategory::Layer,
        OpCategory::Activation,
        OpCategory::Pool,
        OpCategory::Normalization,
        OpCategory::Elementwise,
        OpCategory::Shape,
        OpCategory::Tensor,
        OpCategory::Reduce,
        OpCategory::Control,
        OpCategory::Constant,
        OpCategory::Conversion,
        OpCategory::Other,
    ];

    fn ratio(a: &str, b: &str) -> f64 {
        contrast_ratio(a, b).unwrap_or_else(|| panic!("not a colour: {a} or {b}"))
    }

    #[track_caller]
    fn at_least(min: f64, what: &str, text: &str, back: &str) {
        let r = ratio(text, back);
        assert!(
            r >= min,
            "{what}: {text} on {back} is {r:.2}:1, below {min}:1"
        );
    }

    #[test]
    fn contrast_ratios_follow_wcag() {
        assert!((ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((ratio("#ffffff", "#ffffff") - 1.0).abs() < 1e-9);
        // The reference grey of WCAG's examples: #767676 on white is 4.54:1.
        assert!((ratio("#767676", "#ffffff") - 4.54).abs() < 0.01);
        assert_eq!(contrast_ratio("red", "#ffffff"), None);
        assert_eq!(contrast_ratio("#fff", "#ffffff"), None);
    }

    /// Text reaches WCAG AA (4.5:1) on what it is drawn on, in both themes; lines and outlines
    /// (and the deliberately faint title of a node without time) reach 3:1 against the
    /// background, as WCAG asks of graphics.
    #[test]
    fn both_palettes_keep_text_readable() {
        for (name, p) in [("light", &Palette::LIGHT), ("dark", &Palette::DARK)] {
            let what = |pair: &str| format!("{name}: {pair}");
            at_least(4.5, &what("body text"), p.body_text, p.node_body);
            at_least(4.5, &what("node name"), p.name_text, p.node_body);
            at_least(4.5, &what("input title"), p.name_text, p.io_fill);
            at_least(4.5, &what("input name"), p.body_text, p.io_fill);
            at_least(4.5, &what("edge label"), p.edge_label, p.background);
            at_least(4.5, &what("fusion label"), p.fusion_outline, p.background);
            at_least(4.5, &what("badge"), p.badge_text, p.badge_fill);
            at_least(
                3.0,
                &what("untimed title"),
                p.heat_none_text,
                p.heat_none_fill,
            );
            at_least(3.0, &what("near-miss label"), p.near_miss, p.background);
            for (line, colour) in [
                ("edge", p.edge),
                ("node border", p.node_border),
                ("selection", p.accent),
                ("hover", p.hover),
                ("related", p.related),
            ] {
                at_least(3.0, &what(line), colour, p.background);
            }
            // Dark on light, or light on dark: the body and background differ from the text.
            assert!(
                (luminance(p.background) > luminance(p.body_text)) == (name == "light"),
                "{name}: the background is not {name}"
            );
        }
    }

    #[test]
    fn header_titles_are_readable_on_every_fill() {
        for category in CATEGORIES {
            at_least(4.5, "category", HEADER_TEXT, category_fill(category));
        }
        for unit in [
            ExecUnitId::Cube,
            ExecUnitId::Vector,
            ExecUnitId::Mix,
            ExecUnitId::Scalar,
            ExecUnitId::AiCpu,
            ExecUnitId::Dvpp,
            ExecUnitId::Communication,
            ExecUnitId::Dsa,
            ExecUnitId::None,
        ] {
            let (fill, text) = exec_unit_fill(unit);
            at_least(4.5, "unit", text, fill);
        }
    }
}
