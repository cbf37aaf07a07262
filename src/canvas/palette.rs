//! Colours of the graph drawing. Node headers follow Netron's palette (dark, saturated fills
//! with white text, one hue per kind of work) so users of Netron read the graph at a glance.

use opscope_engine::ir::OpCategory;

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

pub const BACKGROUND: &str = "#f7f8fa";
pub const NODE_BODY: &str = "#ffffff";
pub const NODE_BORDER: &str = "#2b2f36";
pub const HEADER_TEXT: &str = "#ffffff";
pub const BODY_TEXT: &str = "#1f2329";
pub const NAME_TEXT: &str = "#5b6470";
/// Bars standing in for text too small to read.
pub const PLACEHOLDER: &str = "#d3d8df";
pub const IO_FILL: &str = "#e9eef5";
pub const IO_BORDER: &str = "#7d8ba0";
pub const EDGE: &str = "#7c8694";
pub const EDGE_FAR: &str = "#a9b0ba";
/// Selection and everything tied to it (its edges).
pub const ACCENT: &str = "#e8590c";
pub const HOVER: &str = "#1c7ed6";

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

/// Heat-map overlay: header of a node without measured time, and its text.
pub const HEAT_NONE_FILL: &str = "#e6e9ed";
pub const HEAT_NONE_TEXT: &str = "#838c97";
/// Header text on the light end of the heat scale.
pub const HEAT_LIGHT_TEXT: &str = "#2b2f36";
/// Other nodes of the selected fused op.
pub const RELATED: &str = "#f08c00";

/// Header fill and text of a node in the colour-by-unit overlay, also the legend's swatches:
/// Open Color's darkest shades, so white titles stay readable as on Netron's fills. The AI CPU
/// (the slow fallback) is the one warm red; "no kernel" is a light grey because those nodes cost
/// nothing.
pub fn exec_unit_fill(unit: ExecUnitId) -> (&'static str, &'static str) {
    match unit {
        ExecUnitId::Cube => ("#1864ab", HEADER_TEXT),
        ExecUnitId::Vector => ("#087f5b", HEADER_TEXT),
        ExecUnitId::Mix => ("#5f3dc4", HEADER_TEXT),
        ExecUnitId::Scalar => ("#5c940d", HEADER_TEXT),
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

/// Tensor type and shape on edges when zoomed in.
pub const EDGE_LABEL: &str = "#5c6773";

/// Near misses (fusion overlay) and finding badges.
pub const NEAR_MISS: &str = "#e8590c";
pub const BADGE_FILL: &str = "#c92a2a";
pub const BADGE_TEXT: &str = "#ffffff";

/// Outlines of fusion groups and their labels.
pub const FUSION_OUTLINE: &str = "#343a40";
