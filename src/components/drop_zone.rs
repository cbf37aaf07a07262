//! The start screen (what to do when nothing is loaded) and the overlay shown while files are
//! dragged over the page.

use yew::prelude::*;

use crate::inputs::{Sample, SAMPLES};

#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    /// Progress text while the first model loads.
    pub loading: Option<String>,
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
                <p class="drop-lead">{ "Drop an ONNX model here, or" }</p>
                <div class="drop-actions">
                    <button class="btn btn-primary btn-large" onclick={on_open}>
                        { "Open model…" }
                    </button>
                    { for SAMPLES.iter().map(|sample| {
                        let on_sample = props.on_sample.clone();
                        let sample = *sample;
                        let onclick = Callback::from(move |_: MouseEvent| on_sample.emit(sample));
                        html! {
                            <button class="btn btn-large" {onclick}>
                                { format!("Try {}", sample.label) }
                            </button>
                        }
                    }) }
                </div>
                <p class="drop-note">
                    { "The model is read in this tab: nothing is uploaded. Supported: ONNX (.onnx)." }
                </p>
            </>
        },
    };
    html! {
        <div class="drop-zone">
            <div class="drop-card">
                <div class="drop-icon" aria-hidden="true"></div>
                <h1>{ "See your model's graph" }</h1>
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
            <div class="drop-overlay-card">{ "Drop the model file to open it" }</div>
        </div>
    }
}
