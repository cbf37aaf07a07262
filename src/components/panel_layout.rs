//! The panel layout as the page keeps it: read from `localStorage` on load, written back on
//! every change, and the bottom and files panels' collapsed states (the reducer's, toggled by
//! their own header buttons too) kept in step with it.

use yew::prelude::*;

use crate::platform;
use crate::state::panels::{PanelLayout, Splitter, STORAGE_KEY};
use crate::state::{Action, FilesAction};

/// What the page needs of the layout: the layout, a resize of one splitter's panel, and the
/// side panel's collapse toggle.
pub struct PanelLayoutHandle {
    pub layout: PanelLayout,
    pub on_resize: Callback<(Splitter, f64)>,
    pub on_toggle_side: Callback<()>,
}

#[hook]
pub fn use_panel_layout(
    panel_visible: bool,
    panel_collapsed: bool,
    files_visible: bool,
    files_collapsed: bool,
    dispatch: Callback<Action>,
) -> PanelLayoutHandle {
    let layout = use_state(|| {
        platform::stored_text(STORAGE_KEY)
            .map(|text| PanelLayout::from_storage(&text))
            .unwrap_or_default()
    });
    // Whether the bottom panel has shown since the page opened (its stored state applied).
    let restored = use_mut_ref(|| false);
    // The same for the files panel.
    let files_restored = use_mut_ref(|| false);
    use_effect_with(*layout, |layout| {
        platform::store_text(STORAGE_KEY, &layout.to_storage());
    });
    {
        let layout = layout.clone();
        let dispatch = dispatch.clone();
        use_effect_with(
            (files_visible, files_collapsed),
            move |&(visible, collapsed)| {
                if !visible {
                    return;
                }
                let first = !*files_restored.borrow();
                *files_restored.borrow_mut() = true;
                if first && layout.left_collapsed && !collapsed {
                    dispatch.emit(Action::Files(FilesAction::ToggleCollapsed));
                } else if layout.left_collapsed != collapsed {
                    layout.set(PanelLayout {
                        left_collapsed: collapsed,
                        ..*layout
                    });
                }
            },
        );
    }
    {
        let layout = layout.clone();
        use_effect_with(
            (panel_visible, panel_collapsed),
            move |&(visible, collapsed)| {
                if !visible {
                    return;
                }
                let first = !*restored.borrow();
                *restored.borrow_mut() = true;
                if first && layout.bottom_collapsed && !collapsed {
                    dispatch.emit(Action::TogglePanel);
                } else if layout.bottom_collapsed != collapsed {
                    layout.set(PanelLayout {
                        bottom_collapsed: collapsed,
                        ..*layout
                    });
                }
            },
        );
    }
    let on_resize = {
        let layout = layout.clone();
        Callback::from(move |(splitter, size): (Splitter, f64)| {
            layout.set(layout.with_size(splitter, size));
        })
    };
    let on_toggle_side = {
        let layout = layout.clone();
        Callback::from(move |_| {
            layout.set(PanelLayout {
                side_collapsed: !layout.side_collapsed,
                ..*layout
            });
        })
    };
    PanelLayoutHandle {
        layout: *layout,
        on_resize,
        on_toggle_side,
    }
}
