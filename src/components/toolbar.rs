//! The top bar: open files, try a sample, pick among the models of a drop and the graphs of a
//! model, zoom controls, the model panel and heat-map toggles, and the node search.

use yew::prelude::*;

use super::graph_picker::GraphPicker;
use super::model_picker::ModelPicker;
use super::search_box::SearchBox;
use crate::inputs::{Sample, SAMPLES};
use crate::state::{Action, GraphHandle, ZOOM_STEP};
use crate::worker::protocol::ModelChoice;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub graph: Option<GraphHandle>,
    /// The zoom, formatted (`7%`).
    pub zoom: AttrValue,
    pub busy: bool,
    /// The model panel is open.
    pub model_panel: bool,
    /// The models of the last drop and the one shown.
    pub models: Vec<ModelChoice>,
    pub shown_model: Option<usize>,
    /// A profile is joined to the graph, so the heat map can be shown.
    pub heat_available: bool,
    pub heat_on: bool,
    pub on_open: Callback<()>,
    pub on_sample: Callback<Sample>,
    pub on_pick_model: Callback<usize>,
    /// Another graph of the shown model (index into its graph list).
    pub on_pick_graph: Callback<usize>,
    pub on_action: Callback<Action>,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let has_graph = props.graph.is_some();
    let on_open = props.on_open.reform(|_: MouseEvent| ());
    let on_try = {
        let on_sample = props.on_sample.clone();
        Callback::from(move |_: MouseEvent| on_sample.emit(SAMPLES[0]))
    };
    let on_pick = {
        let on_sample = props.on_sample.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let chosen = SAMPLES.iter().find(|s| s.file_name == select.value());
            select.set_value("");
            if let Some(sample) = chosen {
                on_sample.emit(*sample);
            }
        })
    };
    let act = |action: Action| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))
    };
    html! {
        <header class="toolbar">
            <div class="brand" title="opscope: performance advisor for Ascend NPUs">
                <span class="brand-mark" aria-hidden="true"></span>
                <span class="brand-name">{ "opscope" }</span>
            </div>
            <div class="toolbar-group">
                <button class="btn btn-primary" onclick={on_open}
                    title="Open a model and/or the profiling files of a run; several files at once (Ctrl+O)">
                    { "Open files…" }
                </button>
                <button id="sample" class="btn" onclick={on_try} disabled={props.busy}
                    title={format!("Open the bundled {} sample", SAMPLES[0].label)}>
                    { "Try the sample" }
                </button>
                <select class="sample-picker" aria-label="Other samples" onchange={on_pick}
                    disabled={props.busy}>
                    <option value="" selected=true>{ "More samples…" }</option>
                    { for SAMPLES.iter().map(|s| html! {
                        <option value={s.file_name}>{ s.label }</option>
                    }) }
                </select>
            </div>
            <div class="toolbar-group zoom-controls" aria-label="Zoom">
                <button class="btn btn-icon" onclick={act(Action::ZoomBy(1.0 / ZOOM_STEP))}
                    disabled={!has_graph} title="Zoom out (−)" aria-label="Zoom out">{ "−" }</button>
                <button class="btn btn-zoom" onclick={act(Action::ActualSize)}
                    disabled={!has_graph} title="Actual size (0)">
                    { props.zoom.clone() }
                </button>
                <button class="btn btn-icon" onclick={act(Action::ZoomBy(ZOOM_STEP))}
                    disabled={!has_graph} title="Zoom in (+)" aria-label="Zoom in">{ "+" }</button>
                <button id="fit" class="btn" onclick={act(Action::Fit)} disabled={!has_graph}
                    title="Fit the graph to the window (F)">{ "Fit" }</button>
            </div>
            <ModelPicker models={props.models.clone()} shown={props.shown_model}
                busy={props.busy} on_pick={props.on_pick_model.clone()} />
            if let Some(graph) = &props.graph {
                <GraphPicker graphs={(*graph.graphs).clone()} shown={graph.graph_index}
                    busy={props.busy} on_pick={props.on_pick_graph.clone()} />
            }
            <button class={classes!("btn", props.model_panel.then_some("btn-active"))}
                onclick={act(Action::ToggleModelPanel)} disabled={!has_graph}
                aria-pressed={props.model_panel.to_string()}
                title="Model properties: format, inputs, outputs, metadata (I)">
                { "Model" }
            </button>
            <button id="overlay-heat"
                class={classes!("btn", "btn-heat", (props.heat_on && props.heat_available).then_some("btn-active"))}
                onclick={act(Action::ToggleHeat)} disabled={!props.heat_available}
                aria-pressed={(props.heat_on && props.heat_available).to_string()}
                title={if props.heat_available {
                    "Colour nodes by measured time (H)"
                } else {
                    "Heat map: load a model and the profiling files of its run"
                }}>
                <span class="heat-icon" aria-hidden="true"></span>
                { "Heat map" }
            </button>
            <div class="toolbar-spacer"></div>
            <SearchBox graph={props.graph.clone()} on_action={props.on_action.clone()} />
        </header>
    }
}
