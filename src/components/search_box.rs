//! Search nodes by name or op type; Enter or a click reveals the node.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::canvas::palette;
use crate::search::{search_nodes, SearchHit};
use crate::state::{Action, GraphHandle};

/// Results listed at most.
const MAX_RESULTS: usize = 50;

#[derive(Properties, PartialEq)]
pub struct SearchBoxProps {
    pub graph: Option<GraphHandle>,
    pub on_action: Callback<Action>,
}

#[function_component(SearchBox)]
pub fn search_box(props: &SearchBoxProps) -> Html {
    let query = use_state(String::new);
    let active = use_state(|| 0usize);
    let open = use_state(|| false);

    // Memoised: a search walks every node, and the toolbar re-renders on every zoom step.
    let results: Vec<SearchHit> = {
        let key = (props.graph.clone(), (*query).clone());
        (*use_memo(key, |(graph, query)| match graph {
            Some(graph) => search_nodes(&graph.view, query, MAX_RESULTS),
            None => Vec::new(),
        }))
        .clone()
    };
    let reveal = {
        let on_action = props.on_action.clone();
        let open = open.clone();
        Callback::from(move |node_idx: usize| {
            on_action.emit(Action::Reveal(node_idx));
            open.set(false);
        })
    };
    let on_input = {
        let query = query.clone();
        let active = active.clone();
        let open = open.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                query.set(input.value());
                active.set(0);
                open.set(true);
            }
        })
    };
    let on_keydown = {
        let results = results.clone();
        let active = active.clone();
        let open = open.clone();
        let reveal = reveal.clone();
        Callback::from(move |event: KeyboardEvent| match event.key().as_str() {
            "ArrowDown" => {
                event.prevent_default();
                open.set(true);
                if !results.is_empty() {
                    active.set((*active + 1).min(results.len() - 1));
                }
            }
            "ArrowUp" => {
                event.prevent_default();
                active.set(active.saturating_sub(1));
            }
            "Enter" => {
                if let Some(hit) = results.get(*active) {
                    reveal.emit(hit.node);
                }
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

    let list = if *open && !query.trim().is_empty() {
        let graph = props.graph.as_ref();
        let items = results.iter().enumerate().filter_map(|(pos, hit)| {
            let view = &graph?.view;
            let node_idx = hit.node;
            let node = view.nodes.get(node_idx)?;
            // A folded constant: its type and name, and the box that draws it.
            let (category, title, name) = match hit.folded.and_then(|f| view.folded.get(f)) {
                Some(constant) => (
                    opscope_engine::ir::OpCategory::Constant,
                    constant.op_type.clone(),
                    format!("{} (in {})", constant.name, node.name),
                ),
                None => (node.category, node.title.clone(), node.name.clone()),
            };
            let reveal = reveal.clone();
            // `mousedown` rather than `click`: it fires before the input's blur closes the list.
            let on_pick = Callback::from(move |event: MouseEvent| {
                event.prevent_default();
                reveal.emit(node_idx);
            });
            let swatch = format!("background:{}", palette::category_fill(category));
            Some(html! {
                <li class={classes!("search-result", (pos == *active).then_some("active"))}
                    onmousedown={on_pick} role="option">
                    <span class="swatch" style={swatch}></span>
                    <span class="search-type">{ title }</span>
                    <span class="search-name">{ name }</span>
                </li>
            })
        });
        html! {
            <ul class="search-results" role="listbox">
                { for items }
                if results.is_empty() {
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
                aria-label="Search nodes by name or type" autocomplete="off"
                disabled={props.graph.is_none()}
                value={(*query).clone()}
                oninput={on_input} onkeydown={on_keydown} onfocus={on_focus} onblur={on_blur} />
            { list }
        </div>
    }
}
