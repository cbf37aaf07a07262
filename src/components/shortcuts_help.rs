//! The keyboard shortcuts help (`#shortcuts-help`, key `?` or the toolbar's `?` button): a modal
//! dialog listing [`SHORTCUTS`], the table the page's key handler reads, so the list is always
//! what the keys do. Escape or the close button closes it; Tab stays inside while it is open, and
//! the focus goes back to where it was.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::state::shortcuts::{Scope, SHORTCUTS};

#[derive(Properties, PartialEq)]
pub struct ShortcutsHelpProps {
    pub on_close: Callback<()>,
}

/// The heading of a scope's rows in the help.
fn scope_heading(scope: Scope) -> &'static str {
    match scope {
        Scope::Page | Scope::Command => "On the page",
        Scope::SearchField => "In the search field",
        Scope::Splitter => "On a panel splitter",
        Scope::Dialog => "In a dialog",
    }
}

/// The rows of the help, grouped by where the keys act, in table order within a group.
fn groups() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let mut out: Vec<(&'static str, Vec<(&'static str, &'static str)>)> = Vec::new();
    for shortcut in SHORTCUTS {
        let heading = scope_heading(shortcut.scope);
        let row = (shortcut.shown, shortcut.does);
        match out.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, rows)) => rows.push(row),
            None => out.push((heading, vec![row])),
        }
    }
    out
}

/// The elements Tab can reach inside `root`.
fn focusable(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(
        "button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])",
    ) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|idx| list.item(idx))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .collect()
}

fn active_element() -> Option<HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<HtmlElement>()
        .ok()
}

#[function_component(ShortcutsHelp)]
pub fn shortcuts_help(props: &ShortcutsHelpProps) -> Html {
    let dialog_ref = use_node_ref();
    let close_ref = use_node_ref();
    // Focus the close button on open; give the focus back on close.
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            let before = active_element();
            if let Some(button) = close_ref.cast::<HtmlElement>() {
                let _ = button.focus();
            }
            move || {
                if let Some(element) = before {
                    let _ = element.focus();
                }
            }
        });
    }
    let on_key = {
        let on_close = props.on_close.clone();
        let dialog_ref = dialog_ref.clone();
        Callback::from(move |event: KeyboardEvent| {
            // The page's keys do not act behind the dialog.
            event.stop_propagation();
            match event.key().as_str() {
                "Escape" => {
                    event.prevent_default();
                    on_close.emit(());
                }
                "Tab" => {
                    let Some(dialog) = dialog_ref.cast::<Element>() else {
                        return;
                    };
                    let stops = focusable(&dialog);
                    let (Some(first), Some(last)) = (stops.first(), stops.last()) else {
                        event.prevent_default();
                        return;
                    };
                    let at = active_element();
                    let wrap = if event.shift_key() {
                        (at.as_ref() == Some(first) || at.is_none()).then_some(last)
                    } else {
                        (at.as_ref() == Some(last) || at.is_none()).then_some(first)
                    };
                    if let Some(target) = wrap {
                        event.prevent_default();
                        let _ = target.focus();
                    }
                }
                _ => {}
            }
        })
    };
    let on_backdrop = {
        let on_close = props.on_close.clone();
        Callback::from(move |event: MouseEvent| {
            let on_backdrop = event
                .target_dyn_into::<Element>()
                .is_some_and(|el| el.class_name() == "dialog-backdrop");
            if on_backdrop {
                on_close.emit(());
            }
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="dialog-backdrop" onclick={on_backdrop}>
            <div id="shortcuts-help" ref={dialog_ref} class="dialog" role="dialog"
                aria-modal="true" aria-labelledby="shortcuts-title" onkeydown={on_key}>
                <header class="dialog-header">
                    <h2 id="shortcuts-title">{ "Keyboard shortcuts" }</h2>
                    <button ref={close_ref} class="btn-close" aria-label="Close the shortcuts"
                        title="Close (Escape)" onclick={close}>{ "×" }</button>
                </header>
                <div class="dialog-body" tabindex="0" role="region" aria-label="Every key the page handles">
                    { for groups().into_iter().map(|(heading, rows)| html! {
                        <table class="shortcut-table">
                            <caption>{ heading }</caption>
                            <thead><tr><th scope="col">{ "Key" }</th><th scope="col">{ "Does" }</th></tr></thead>
                            <tbody>
                                { for rows.into_iter().map(|(keys, does)| html! {
                                    <tr><td><kbd>{ keys }</kbd></td><td>{ does }</td></tr>
                                }) }
                            </tbody>
                        </table>
                    }) }
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_lists_every_row_of_the_table_once() {
        let listed: Vec<(&str, &str)> = groups().into_iter().flat_map(|(_, rows)| rows).collect();
        assert_eq!(listed.len(), SHORTCUTS.len());
        for shortcut in SHORTCUTS {
            assert!(
                listed.contains(&(shortcut.shown, shortcut.does)),
                "{}",
                shortcut.shown
            );
        }
        let headings: Vec<&str> = groups().into_iter().map(|(h, _)| h).collect();
        assert_eq!(headings[0], "On the page");
    }
}
