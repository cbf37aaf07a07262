//! What the graph's nodes are coloured by: their category (no overlay), the execution unit the
//! analysis gives them, their fusion groups (members in colour, the rest dimmed, near misses
//! dashed), or their time (heat map, measured or estimated).

/// The overlay the user chose. It shows only while it is available for the graph drawn (see
/// `AppState::heat_shown` and `AppState::units_shown`): choosing stays, availability changes
/// with the graph, the profile and the analysis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Overlay {
    #[default]
    None,
    Unit,
    Fusion,
    Heat,
}

impl Overlay {
    pub const ALL: [Overlay; 4] = [Overlay::None, Overlay::Unit, Overlay::Fusion, Overlay::Heat];

    pub fn label(self) -> &'static str {
        match self {
            Overlay::None => "Plain",
            Overlay::Unit => "Unit",
            Overlay::Fusion => "Fusion",
            Overlay::Heat => "Heat",
        }
    }

    /// The name in URLs (`?overlay=unit`) and in the graph element's `data-overlay`.
    pub fn id(self) -> &'static str {
        match self {
            Overlay::None => "none",
            Overlay::Unit => "unit",
            Overlay::Fusion => "fusion",
            Overlay::Heat => "heat",
        }
    }

    /// The overlay named `text` (an [`Overlay::id`], any case); `None` for anything else.
    pub fn parse(text: &str) -> Option<Overlay> {
        let text = text.trim();
        Overlay::ALL
            .into_iter()
            .find(|o| o.id().eq_ignore_ascii_case(text))
    }

    /// The element id of its button (`overlay-heat`).
    pub fn element_id(self) -> &'static str {
        match self {
            Overlay::None => "overlay-none",
            Overlay::Unit => "overlay-unit",
            Overlay::Fusion => "overlay-fusion",
            Overlay::Heat => "overlay-heat",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlays_round_trip_through_their_url_names() {
        for overlay in Overlay::ALL {
            assert_eq!(Overlay::parse(overlay.id()), Some(overlay));
        }
        assert_eq!(Overlay::parse(" Fusion "), Some(Overlay::Fusion));
        assert_eq!(Overlay::parse("heatmap"), None);
    }
}
