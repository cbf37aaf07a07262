//! What the graph's nodes are coloured by: their category (no overlay), the execution unit the
//! analysis gives them, or their time (heat map, measured or estimated).

/// The overlay the user chose. It shows only while it is available for the graph drawn (see
/// `AppState::heat_shown` and `AppState::units_shown`): choosing stays, availability changes
/// with the graph, the profile and the analysis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Overlay {
    #[default]
    None,
    Unit,
    Heat,
}

impl Overlay {
    pub const ALL: [Overlay; 3] = [Overlay::None, Overlay::Unit, Overlay::Heat];

    pub fn label(self) -> &'static str {
        match self {
            Overlay::None => "Plain",
            Overlay::Unit => "Unit",
            Overlay::Heat => "Heat",
        }
    }

    /// The element id of its button (`overlay-heat`).
    pub fn element_id(self) -> &'static str {
        match self {
            Overlay::None => "overlay-none",
            Overlay::Unit => "overlay-unit",
            Overlay::Heat => "overlay-heat",
        }
    }
}
