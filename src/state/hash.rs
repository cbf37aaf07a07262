//! The view in the page's URL hash: the selected node, the overlay, the bottom panel's tab and
//! whether the model panel is open (`#node=/Conv_1&overlay=heat&tab=hotspots&info=1`), so a
//! reload or a shared link opens the same view. `#node=` stays first and spelled as before
//! ([`super::link`]), so links written by earlier versions still open their node. Pure encoding
//! and decoding; the page reads and writes the hash through [`crate::platform`].

use super::link::{node_from_hash, node_hash};
use super::overlay::Overlay;
use super::profile::PanelTab;

/// What the hash says about the view; `None` parts leave the page's own choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewHash {
    pub node: Option<String>,
    pub overlay: Option<Overlay>,
    pub tab: Option<PanelTab>,
    /// The model panel (key `i`) is open.
    pub model_panel: bool,
}

/// The name of a tab in the hash (`op-statistics`).
pub fn tab_id(tab: PanelTab) -> &'static str {
    match tab {
        PanelTab::Findings => "findings",
        PanelTab::Hotspots => "hotspots",
        PanelTab::OpStatistics => "op-statistics",
        PanelTab::Unmatched => "unmatched",
    }
}

fn parse_tab(text: &str) -> Option<PanelTab> {
    PanelTab::ALL
        .into_iter()
        .find(|t| tab_id(*t).eq_ignore_ascii_case(text))
}

impl ViewHash {
    /// Reads a hash (with or without its `#`); parts it does not know are ignored.
    pub fn parse(hash: &str) -> ViewHash {
        let body = hash.strip_prefix('#').unwrap_or(hash);
        let part = |key: &str| {
            body.split('&')
                .find_map(|p| p.strip_prefix(key)?.strip_prefix('='))
        };
        ViewHash {
            node: node_from_hash(body),
            overlay: part("overlay").and_then(Overlay::parse),
            tab: part("tab").and_then(parse_tab),
            model_panel: part("info") == Some("1"),
        }
    }

    /// The hash for this view, `#node=...` first; `None` when it says nothing (no hash then).
    /// The findings tab and the plain overlay are left out only when nothing else is said, so
    /// an empty view leaves the URL clean.
    pub fn to_hash(&self) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        if let Some(node) = self.node.as_deref().filter(|n| !n.is_empty()) {
            parts.push(node_hash(node).trim_start_matches('#').to_string());
        }
        if let Some(overlay) = self.overlay {
            parts.push(format!("overlay={}", overlay.id()));
        }
        if let Some(tab) = self.tab {
            parts.push(format!("tab={}", tab_id(tab)));
        }
        if self.model_panel {
            parts.push("info=1".to_string());
        }
        (!parts.is_empty()).then(|| format!("#{}", parts.join("&")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_round_trips_through_the_hash() {
        for overlay in Overlay::ALL {
            for tab in PanelTab::ALL {
                for model_panel in [false, true] {
                    let view = ViewHash {
                        node: Some("/layer1/0/Conv 1&x".into()),
                        overlay: Some(overlay),
                        tab: Some(tab),
                        model_panel,
                    };
                    let hash = view.to_hash().expect("a hash");
                    assert_eq!(ViewHash::parse(&hash), view, "{hash}");
                }
            }
        }
        assert_eq!(ViewHash::default().to_hash(), None);
    }

    #[test]
    fn earlier_node_links_still_open_their_node() {
        // The hash this page wrote before it kept the overlay and tab.
        let old = node_hash("/Conv_1");
        let view = ViewHash::parse(&old);
        assert_eq!(view.node.as_deref(), Some("/Conv_1"));
        assert_eq!(
            (view.overlay, view.tab, view.model_panel),
            (None, None, false)
        );
        // A node-only view writes exactly the old form.
        let only_node = ViewHash {
            node: Some("/Conv_1".into()),
            ..ViewHash::default()
        };
        assert_eq!(only_node.to_hash(), Some(old));
        // The node's part comes first, so a reader of the old form finds it too.
        let full = ViewHash {
            node: Some("/Conv_1".into()),
            overlay: Some(Overlay::Heat),
            tab: Some(PanelTab::Hotspots),
            model_panel: false,
        };
        let hash = full.to_hash().expect("hash");
        assert_eq!(hash, "#node=/Conv_1&overlay=heat&tab=hotspots");
        assert_eq!(node_from_hash(&hash).as_deref(), Some("/Conv_1"));
    }

    #[test]
    fn unknown_parts_and_values_are_ignored() {
        let view = ViewHash::parse("#overlay=rainbow&tab=nope&info=yes&zz=1");
        assert_eq!(view, ViewHash::default());
        let view = ViewHash::parse("tab=OP-STATISTICS&overlay=Fusion");
        assert_eq!(view.tab, Some(PanelTab::OpStatistics));
        assert_eq!(view.overlay, Some(Overlay::Fusion));
    }
}
