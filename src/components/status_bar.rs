//! The status bar (`#status`): the loaded model (title, format, `N nodes`), progress of a load,
//! timings and the zoom.

use yew::prelude::*;

use crate::state::{GraphHandle, LoadStats};

#[derive(Properties, PartialEq)]
pub struct StatusBarProps {
    pub graph: Option<GraphHandle>,
    pub progress: Option<String>,
    pub stats: Option<LoadStats>,
    pub zoom: AttrValue,
}

#[function_component(StatusBar)]
pub fn status_bar(props: &StatusBarProps) -> Html {
    let model = match &props.graph {
        Some(graph) => {
            let view = &graph.view;
            let title = if view.title.is_empty() {
                graph.file_name.clone()
            } else {
                view.title.clone()
            };
            html! {
                <span class="status-model">
                    <span class="status-title" title={graph.file_name.clone()}>{ title }</span>
                    <span class="status-sep">{ "·" }</span>
                    <span>{ view.format.to_uppercase() }</span>
                    <span class="status-sep">{ "·" }</span>
                    <span class="status-count">{ format!("{} nodes", view.node_count) }</span>
                    <span class="status-sep">{ "·" }</span>
                    <span>{ format!("{} edges", view.edges.len()) }</span>
                </span>
            }
        }
        None => html! { <span class="status-model status-muted">{ "No model loaded" }</span> },
    };
    let progress = props.progress.as_ref().map(|text| {
        html! {
            <span class="status-progress">
                <span class="spinner spinner-small" aria-hidden="true"></span>
                { text }
            </span>
        }
    });
    let timings = props
        .stats
        .filter(|_| props.progress.is_none())
        .map(|stats| {
            let mut parts = vec![
                format!("parsed in {:.0} ms", stats.timings.parse_ms),
                format!("laid out in {:.0} ms", stats.timings.layout_ms),
            ];
            if let Some(drawn_ms) = stats.drawn_ms {
                parts.push(format!("shown {:.0} ms after opening", drawn_ms));
            }
            html! { <span class="status-timings">{ parts.join(", ") }</span> }
        });
    html! {
        <footer id="status" class="statusbar" aria-live="polite">
            { model }
            { progress }
            <span class="toolbar-spacer"></span>
            { timings }
            if props.graph.is_some() {
                <span class="status-zoom">{ props.zoom.clone() }</span>
            }
        </footer>
    }
}
