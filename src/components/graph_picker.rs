//! The graph picker (`#graph-picker`): shown when the model holds more graphs than its main one
//! (control-flow bodies, library functions), so each can be drawn on its own, as Netron does.

use yew::prelude::*;

use super::model_picker::on_select_index;
use crate::worker::protocol::GraphChoice;

#[derive(Properties, PartialEq)]
pub struct GraphPickerProps {
    pub graphs: Vec<GraphChoice>,
    pub shown: usize,
    pub busy: bool,
    pub on_pick: Callback<usize>,
}

#[function_component(GraphPicker)]
pub fn graph_picker(props: &GraphPickerProps) -> Html {
    if props.graphs.len() < 2 {
        return html! {};
    }
    let on_change = on_select_index(&props.on_pick, Some(props.shown));
    let n_inner = props.graphs.len() - 1;
    html! {
        <label class="model-picker graph-picker"
            title="The model holds further graphs (control-flow bodies, functions): choose the one to draw">
            <span class="model-picker-label">{ format!("{} graphs", props.graphs.len()) }</span>
            <select id="graph-picker" onchange={on_change} disabled={props.busy}
                aria-label={format!("Graph to show ({n_inner} besides the main graph)")}>
                { for props.graphs.iter().enumerate().map(|(index, graph)| {
                    // Non-breaking spaces indent nested bodies; a select shows no padding.
                    let indent = "\u{a0}\u{a0}".repeat(graph.depth);
                    let kind = match graph.kind.as_str() {
                        "function" => "ƒ ",
                        _ => "",
                    };
                    html! {
                        <option value={index.to_string()} selected={props.shown == index}
                            title={format!("{} ({}, {} nodes)", graph.label, graph.kind, graph.n_nodes)}>
                            { format!("{indent}{kind}{} · {} nodes", graph.label, graph.n_nodes) }
                        </option>
                    }
                }) }
            </select>
        </label>
    }
}
