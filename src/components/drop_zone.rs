//! The start screen (what to do when nothing is loaded) and the overlay shown while files are
//! dragged over the page.

use yew::prelude::*;

use crate::inputs::{Sample, SAMPLES};

#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    /// Progress text while the first model loads.
    pub loading: Option<String>,
    /// A profile is shown below: say the graph needs its model.
    pub profile_loaded: bool,
    pub on_open: Callback<()>,
    pub on_sample: Callback<Sample>,
}

#[function_component(DropZone)]
pub fn drop_zone(props: &DropZoneProps) -> Html {
    let on_open = props.on_open.reform(|_: MouseEvent| ());
    let body = match &props.loading {
        Some(progress) => html! {
            <div class="drop-loading" aria-live="polite">
                <span class="spinner" aria-hidden="true"></span>
                <span>{ progress }</span>
            </div>
        },
        None => html! {
            <>
                <p class="drop-lead">
                    if props.profile_loaded {
                        { "Drop the model of this run to see its time on the graph, or" }
                    } else {
                        { "Drop a model and/or the profiling files of a run here, or" }
                    }
                </p>
                <div class="drop-actions">
                    <button class="btn btn-primary btn-large" onclick={on_open}>
                        { "Open files…" }
                    </button>
                    { for SAMPLES.iter().take(2).map(|sample| sample_button(sample, &props.on_sample, "btn btn-large")) }
                </div>
                <p class="drop-more-samples">
                    { "Other formats: " }
                    { for SAMPLES.iter().skip(2).map(|sample| sample_button(sample, &props.on_sample, "btn btn-small")) }
                </p>
                <p class="drop-note">
                    { "Everything is read in this tab: nothing is uploaded." }
                    <br />
                    { "Models: ONNX, TensorFlow (.pb, .pbtxt), Caffe (.prototxt with its .caffemodel), \
                       Ascend GE dumps, om JSON and .om." }
                    <br />
                    { "Profiles: msprof op_summary, op_statistic, task_time, timeline JSON; \
                       torch_npu kernel_details." }
                </p>
            </>
        },
    };
    let heading = if props.profile_loaded {
        "No model loaded"
    } else {
        "See your model's graph and where its time goes"
    };
    html! {
        <div class={classes!("drop-zone", props.profile_loaded.then_some("drop-zone-compact"))}>
            <div class="drop-card">
                <div class="drop-icon" aria-hidden="true"></div>
                <h1>{ heading }</h1>
                { body }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct DropOverlayProps {
    pub on_leave: Callback<()>,
}

/// Covers the page while files are dragged over it; leaving it (out of the window) hides it.
#[function_component(DropOverlay)]
pub fn drop_overlay(props: &DropOverlayProps) -> Html {
    let on_leave = props.on_leave.reform(|_: DragEvent| ());
    html! {
        <div class="drop-overlay" ondragleave={on_leave}>
            <div class="drop-overlay-card">{ "Drop the model and profiling files to open them" }</div>
        </div>
    }
}

fn sample_button(sample: &Sample, on_sample: &Callback<Sample>, class: &'static str) -> Html {
    let on_sample = on_sample.clone();
    let sample = *sample;
    let onclick = Callback::from(move |_: MouseEvent| on_sample.emit(sample));
    html! {
        <button {class} {onclick}>{ format!("Try {}", sample.label) }</button>
    }
}
