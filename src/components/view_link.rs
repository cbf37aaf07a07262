//! The view in the URL hash ([`ViewHash`]): the page writes the selected node, the overlay, the
//! bottom panel's tab and the model panel there as they change (replacing the hash: no
//! navigation, no history entry), and restores them from the hash it opens with, or one changed
//! by hand or by a link. Parts that need data not loaded yet (a tab of the profile, the model
//! panel) wait for it.

use yew::prelude::*;

use crate::platform;
use crate::state::hash::ViewHash;
use crate::state::{Action, AppState, Overlay, PanelTab};

/// What the page opened with and could not apply yet.
#[derive(Default)]
struct Pending {
    tab: Option<PanelTab>,
    model_panel: bool,
}

#[hook]
pub fn use_view_link(state: &AppState, dispatch: Callback<Action>) {
    let pending = use_mut_ref(Pending::default);
    {
        let pending = pending.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let view = ViewHash::parse(&platform::location_hash());
            // `?overlay=` (an embedding page's choice) wins over the hash's.
            if let Some(overlay) = view
                .overlay
                .filter(|_| platform::query_param("overlay").is_none())
            {
                dispatch.emit(Action::PinOverlay(overlay));
            }
            if let Some(name) = view.node {
                dispatch.emit(Action::ShowNamed(name));
            }
            *pending.borrow_mut() = Pending {
                tab: view.tab,
                model_panel: view.model_panel,
            };
            let listener = platform::on_hash_change(move |hash| {
                let view = ViewHash::parse(&hash);
                if let Some(overlay) = view.overlay {
                    dispatch.emit(Action::SetOverlay(overlay));
                }
                if let Some(tab) = view.tab {
                    dispatch.emit(Action::SetPanelTab(tab));
                }
                if let Some(name) = view.node {
                    dispatch.emit(Action::ShowNamed(name));
                }
            });
            move || drop(listener)
        });
    }
    // Apply what waited, once there is something to apply it to.
    {
        let pending = pending.clone();
        let tabs = state.panel_tabs();
        let has_graph = state.graph.is_some();
        let model_panel = state.model_panel;
        use_effect_with((tabs, has_graph), move |(tabs, has_graph)| {
            let mut waiting = pending.borrow_mut();
            if let Some(tab) = waiting.tab.filter(|t| tabs.contains(t)) {
                waiting.tab = None;
                dispatch.emit(Action::SetPanelTab(tab));
            }
            if waiting.model_panel && *has_graph {
                waiting.model_panel = false;
                if !model_panel {
                    dispatch.emit(Action::ToggleModelPanel);
                }
            }
        });
    }
    let view = {
        let waiting = pending.borrow();
        // What the page shows by itself is left out, so a plain selection still writes the
        // `#node=<name>` of earlier versions: the heat map for a measured profile, else the
        // units; the hotspots tab for a measured profile, else the findings.
        let measured = state.profile.as_ref().is_some_and(|p| !p.data.estimated);
        let auto_overlay = if measured && state.heat.is_some() {
            Overlay::Heat
        } else if state.units.is_some() {
            Overlay::Unit
        } else {
            Overlay::None
        };
        let auto_tab = if measured {
            PanelTab::Hotspots
        } else {
            PanelTab::Findings
        };
        let settled = state.graph.is_some() && state.loading.is_none() && state.analysing.is_none();
        // A pinned overlay (from the URL) stands until the user picks another.
        let overlay = if state.overlay_pinned {
            Some(state.overlay)
        } else {
            settled.then(|| state.overlay_shown())
        };
        let tab = state.panel_visible().then(|| state.panel_tab_shown());
        ViewHash {
            node: state
                .selected_node()
                .map(|n| n.name.clone())
                .or_else(|| state.pending_node.clone()),
            overlay: overlay.filter(|o| *o != auto_overlay),
            tab: waiting.tab.or(tab.filter(|t| *t != auto_tab)),
            model_panel: state.model_panel || waiting.model_panel,
        }
    };
    // The hash is only cleared when this page wrote it: one it opened with stays until the view
    // says something.
    let wrote = use_mut_ref(|| false);
    use_effect_with(view, move |view| match view.to_hash() {
        Some(hash) => {
            platform::replace_hash(Some(&hash));
            *wrote.borrow_mut() = true;
        }
        None if *wrote.borrow() => {
            platform::replace_hash(None);
            *wrote.borrow_mut() = false;
        }
        None => {}
    });
}
