//! Search nodes by name, op type or attribute value (`attr=value`). The count of matches shows
//! beside the field (`3 / 17`); Enter, Shift+Enter and the next and previous buttons step
//! through all of them, revealing each; a click on a listed result reveals it.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::canvas::palette;
use crate::search::{all_matches, count_label, step, window_start};
use crate::state::{Action, GraphHandle};

/// Results listed at most (all are counted and stepped through).
const MAX_RESULTS: usize = 50;

#[derive(Properties, PartialEq)]
pub struct SearchBoxProps {
    pub graph: Option<GraphHandle>,
    pub on_action: Callback<Action>,
}

/// Which match is active, and whether it has been revealed (then stepping moves on).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Cursor {
    active: usize,
    shown: bool,
}

#[function_component(SearchBox)]
pub fn search_box(props: &SearchBoxProps) -> Html {
    let query = use_state(String::new);
    let cursor = use_state(Cursor::default);
    let open = use_state(|| false);

    // Memoised: a search walks every node, and the toolbar re-renders on every zoom step.
    let matches: std::rc::Rc<Vec<usize>> = {
        let key = (props.graph.clone(), (*query).clone());
        use_memo(key, |(graph, query)| match graph {
            Some(graph) => all_matches(&graph.view, query),
            None => Vec::new(),
        })
    };
    // Another graph: start again from its first match.
    {
        let cursor = cursor.clone();
        use_effect_with(props.graph.clone(), move |_| cursor.set(Cursor::default()));
    }
    let total = matches.len();
    let active = cursor.active.min(total.saturating_sub(1));

    let reveal_at = {
        let on_action = props.on_action.clone();
        let matches = matches.clone();
        let cursor = cursor.clone();
        Callback::from(move |pos: usize| {
            if let Some(&node_idx) = matches.get(pos) {
                on_action.emit(Action::Reveal(node_idx));
                cursor.set(Cursor {
                    active: pos,
                    shown: true,
                });
            }
        })
    };
    let step_by = {
        let reveal_at = reveal_at.clone();
        let cursor = cursor.clone();
        Callback::from(move |forward: bool| {
            if let Some(pos) = step(cursor.active, cursor.shown, total, forward) {
                reveal_at.emit(pos);
            }
        })
    };
    let on_input = {
        let query = query.clone();
        let cursor = cursor.clone();
        let open = open.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                query.set(input.value());
                cursor.set(Cursor::default());
                open.set(true);
            }
        })
    };
    let on_keydown = {
        let cursor = cursor.clone();
        let open = open.clone();
        let step_by = step_by.clone();
        Callback::from(move |event: KeyboardEvent| match event.key().as_str() {
            "ArrowDown" => {
                event.prevent_default();
                open.set(true);
                if total > 0 {
                    cursor.set(Cursor {
                        active: (active + 1).min(total - 1),
                        shown: false,
                    });
                }
            }
            "ArrowUp" => {
                event.prevent_default();
                cursor.set(Cursor {
                    active: active.saturating_sub(1),
                    shown: false,
                });
            }
            "Enter" => {
                event.prevent_default();
                open.set(false);
                step_by.emit(!event.shift_key());
            }
            "Escape" => {
                open.set(false);
                if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                    let _ = input.blur();
                }
            }
            _ => {}
        })
    };
    let on_focus = {
        let open = open.clone();
        Callback::from(move |_: FocusEvent| open.set(true))
    };
    let on_blur = {
        let open = open.clone();
        Callback::from(move |_: FocusEvent| open.set(false))
    };
    let on_previous = step_by.reform(|_: MouseEvent| false);
    let on_next = step_by.reform(|_: MouseEvent| true);

    let has_query = !query.trim().is_empty();
    let list = if *open && has_query {
        let graph = props.graph.as_ref();
        let start = window_start(active, total, MAX_RESULTS);
        let items = matches
            .iter()
            .enumerate()
            .skip(start)
            .take(MAX_RESULTS)
            .filter_map(|(pos, &node_idx)| {
                let node = graph?.view.nodes.get(node_idx)?;
                let reveal_at = reveal_at.clone();
                let open = open.clone();
                // `mousedown` rather than `click`: it fires before the input's blur closes the
                // list.
                let on_pick = Callback::from(move |event: MouseEvent| {
                    event.prevent_default();
                    open.set(false);
                    reveal_at.emit(pos);
                });
                let swatch = format!("background:{}", palette::category_fill(node.category));
                Some(html! {
                    <li class={classes!("search-result", (pos == active).then_some("active"))}
                        onmousedown={on_pick} role="option"
                        aria-selected={(pos == active).to_string()}>
                        <span class="swatch" style={swatch}></span>
                        <span class="search-type">{ &node.title }</span>
                        <span class="search-name">{ &node.name }</span>
                    </li>
                })
            });
        html! {
            <ul class="search-results" role="listbox">
                { for items }
                if total == 0 {
                    <li class="search-empty">{ "No node matches" }</li>
                }
            </ul>
        }
    } else {
        html! {}
    };

    html! {
        <div class="search">
            <input id="search" type="search" placeholder="Search nodes  ( / )"
                aria-label="Search nodes by name, type or attribute value (attr=value)"
                title="Name, op type, or attribute value (strides=2,2); Enter: next match, Shift+Enter: previous"
                autocomplete="off"
                disabled={props.graph.is_none()}
                value={(*query).clone()}
                oninput={on_input} onkeydown={on_keydown} onfocus={on_focus} onblur={on_blur} />
            if has_query {
                <div class="search-nav">
                    <span id="search-count" class="search-count" aria-live="polite"
                        title="The match shown, of all matches">
                        { count_label(active, total) }
                    </span>
                    <button id="search-prev" class="btn btn-icon search-step" onclick={on_previous}
                        disabled={total == 0} title="Previous match (Shift+Enter)"
                        aria-label="Previous match">{ "‹" }</button>
                    <button id="search-next" class="btn btn-icon search-step" onclick={on_next}
                        disabled={total == 0} title="Next match (Enter)"
                        aria-label="Next match">{ "›" }</button>
                </div>
            }
            { list }
        </div>
    }
}
