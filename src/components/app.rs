//! The root component: owns the state reducer and the worker, wires loading (file input, drag
//! and drop, samples) and keyboard shortcuts, and lays out the page.

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_worker::WorkerBridge;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::drop_zone::{DropOverlay, DropZone};
use super::error_banner::ErrorBanner;
use super::graph_canvas::GraphCanvas;
use super::model_panel::ModelPanel;
use super::properties_panel::PropertiesPanel;
use super::status_bar::StatusBar;
use super::toolbar::Toolbar;
use crate::inputs::{pick_model, sample_named, Sample};
use crate::platform;
use crate::state::{format_zoom, Action, AppState, LoadStage, ZOOM_STEP};
use crate::worker::agent::Agent;
use crate::worker::protocol::{FromWorker, ToWorker};

/// The engine worker, started on first use and again after a crash.
#[derive(Default)]
struct WorkerLink {
    bridge: Option<WorkerBridge<Agent>>,
    /// Set by the bridge's callback when the worker reported a crash (it closes itself).
    crashed: Rc<Cell<bool>>,
}

impl WorkerLink {
    fn send(&mut self, msg: ToWorker, dispatch: &Callback<Action>) -> Result<(), String> {
        if self.crashed.get() {
            self.bridge = None;
            self.crashed.set(false);
        }
        if self.bridge.is_none() {
            let crashed = self.crashed.clone();
            let dispatch = dispatch.clone();
            self.bridge = Some(platform::spawn_worker(move |msg: FromWorker| {
                if matches!(msg, FromWorker::Crashed { .. }) {
                    crashed.set(true);
                }
                dispatch.emit(Action::Worker {
                    msg,
                    now_ms: platform::now_ms(),
                });
            })?);
        }
        if let Some(bridge) = &self.bridge {
            bridge.send(msg);
        }
        Ok(())
    }
}

/// Where the bytes of a load come from.
enum Source {
    File(web_sys::File),
    Sample(Sample),
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);
    let worker = use_mut_ref(WorkerLink::default);
    let next_generation = use_mut_ref(|| 0u64);
    let file_input = use_node_ref();
    let dragging = use_state(|| false);

    // Stable across renders, so children whose data did not change are not re-rendered on every
    // pan or zoom.
    let dispatch: Callback<Action> = {
        let dispatcher = state.dispatcher();
        use_callback((), move |action, _| dispatcher.dispatch(action))
    };

    // Start the worker with the page, so its wasm is compiled before the first file arrives.
    {
        let worker = worker.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let _ = worker
                .borrow_mut()
                .send(ToWorker::Cancel { generation: 0 }, &dispatch);
        });
    }

    let load: Callback<Source> = {
        let worker = worker.clone();
        let next_generation = next_generation.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |source: Source| {
            let generation = {
                let mut next = next_generation.borrow_mut();
                *next += 1;
                *next
            };
            let (file_name, stage) = match &source {
                Source::File(file) => (file.name(), LoadStage::Reading),
                Source::Sample(sample) => (sample.file_name.to_string(), LoadStage::Fetching),
            };
            dispatch.emit(Action::LoadStarted {
                generation,
                file_name: file_name.clone(),
                stage,
                now_ms: platform::now_ms(),
            });
            // Older work in the worker is now useless.
            let _ = worker.borrow_mut().send(
                ToWorker::Cancel {
                    generation: generation - 1,
                },
                &dispatch,
            );
            let worker = worker.clone();
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let bytes = match &source {
                    Source::File(file) => platform::read_file(file).await,
                    Source::Sample(sample) => platform::fetch_bytes(&sample.path()).await,
                };
                let sent = bytes.and_then(|bytes| {
                    worker.borrow_mut().send(
                        ToWorker::Open {
                            generation,
                            name: file_name,
                            bytes,
                        },
                        &dispatch,
                    )
                });
                if let Err(message) = sent {
                    dispatch.emit(Action::LoadFailed {
                        generation,
                        message,
                    });
                }
            });
        })
    };

    let open_files: Callback<Vec<web_sys::File>> = {
        let load = load.clone();
        Callback::from(move |files: Vec<web_sys::File>| {
            let names: Vec<String> = files.iter().map(|f| f.name()).collect();
            if let Some(file) = pick_model(&names).and_then(|idx| files.get(idx)) {
                load.emit(Source::File(file.clone()));
            }
        })
    };
    let on_sample = load.reform(Source::Sample);

    // `?sample=resnet50` opens a bundled sample with the page (links, `scripts/serve`).
    {
        let load = load.clone();
        use_effect_with((), move |_| {
            if let Some(sample) = platform::query_param("sample").and_then(|n| sample_named(&n)) {
                load.emit(Source::Sample(sample));
            }
        });
    }
    let on_open = {
        let file_input = file_input.clone();
        Callback::from(move |_: ()| {
            if let Some(input) = file_input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_file_change = {
        let open_files = open_files.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let files = platform::file_list(input.files());
            // Clear it so choosing the same file again still fires `change`.
            input.set_value("");
            open_files.emit(files);
        })
    };

    use_keyboard_shortcuts(dispatch.clone(), on_open.clone());

    // Drag and drop anywhere on the page.
    let carries_files = |event: &DragEvent| {
        event
            .data_transfer()
            .is_some_and(|dt| dt.types().includes(&"Files".into(), 0))
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            if !carries_files(&event) {
                return;
            }
            event.prevent_default();
            if let Some(dt) = event.data_transfer() {
                dt.set_drop_effect("copy");
            }
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drop = {
        let dragging = dragging.clone();
        let open_files = open_files.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            let files = platform::file_list(event.data_transfer().and_then(|dt| dt.files()));
            open_files.emit(files);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: ()| dragging.set(false))
    };

    let graph_state = state.graph_state();
    let progress = state.progress();
    let zoom = AttrValue::from(format_zoom(state.viewport.scale));
    let on_drawn = {
        let dispatch = dispatch.clone();
        use_callback((), move |generation: u64, _| {
            dispatch.emit(Action::Drawn {
                generation,
                now_ms: platform::now_ms(),
            })
        })
    };
    let selected = state
        .graph
        .clone()
        .zip(state.selection)
        .filter(|(graph, idx)| *idx < graph.view.nodes.len());

    html! {
        <div class="app" ondragenter={on_drag_over.clone()} ondragover={on_drag_over} ondrop={on_drop}>
            <input id="file" type="file" multiple=true
                class="visually-hidden" ref={file_input} onchange={on_file_change}
                tabindex="-1" aria-label="Model file" />
            <Toolbar
                graph={state.graph.clone()}
                zoom={zoom.clone()}
                busy={state.loading.is_some()}
                model_panel={state.model_panel}
                on_open={on_open.clone()}
                on_sample={on_sample.clone()}
                on_action={dispatch.clone()} />
            if let Some(message) = state.error.clone() {
                <ErrorBanner {message} on_dismiss={dispatch.reform(|_| Action::DismissError)} />
            }
            <main class="workspace">
                <div id="graph" class="graph" data-graph-state={graph_state.as_str()}>
                    <GraphCanvas
                        graph={state.graph.clone()}
                        viewport={state.viewport}
                        selection={state.selection}
                        on_action={dispatch.clone()}
                        {on_drawn} />
                    if state.graph.is_none() {
                        <DropZone loading={progress.clone()} {on_open} {on_sample} />
                    }
                </div>
                if let Some((graph, node_idx)) = selected {
                    <PropertiesPanel {graph} {node_idx} on_action={dispatch.clone()} />
                } else if let Some(graph) = state.graph.clone().filter(|_| state.model_panel) {
                    <ModelPanel {graph} on_action={dispatch.clone()} />
                }
            </main>
            <StatusBar
                graph={state.graph.clone()}
                {progress}
                stats={state.stats}
                zoom={zoom.clone()} />
            if *dragging {
                <DropOverlay on_leave={on_drag_leave} />
            }
        </div>
    }
}

/// Keys: `f` fit, `+`/`-` zoom, `0` actual size, `Escape` clear the selection (then close the
/// model panel), `i` model panel, `/` or Ctrl+F
/// search, Ctrl+O open. Ignored while typing in a field.
#[hook]
fn use_keyboard_shortcuts(dispatch: Callback<Action>, on_open: Callback<()>) {
    let handler = use_mut_ref(|| (dispatch.clone(), on_open.clone()));
    *handler.borrow_mut() = (dispatch, on_open);
    use_effect_with((), move |_| {
        let listener = web_sys::window().map(|window| {
            EventListener::new_with_options(
                &window,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |event| {
                    let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    let (dispatch, on_open) = handler.borrow().clone();
                    handle_key(event, &dispatch, &on_open);
                },
            )
        });
        move || drop(listener)
    });
}

fn handle_key(event: &KeyboardEvent, dispatch: &Callback<Action>, on_open: &Callback<()>) {
    let typing = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    let command = event.ctrl_key() || event.meta_key();
    let key = event.key();
    if command {
        match key.as_str() {
            "o" | "O" => {
                event.prevent_default();
                on_open.emit(());
            }
            "f" | "F" => {
                event.prevent_default();
                focus_search();
            }
            _ => {}
        }
        return;
    }
    if typing || event.alt_key() {
        return;
    }
    let action = match key.as_str() {
        "f" | "F" => Action::Fit,
        "+" | "=" => Action::ZoomBy(ZOOM_STEP),
        "-" | "_" => Action::ZoomBy(1.0 / ZOOM_STEP),
        "0" => Action::ActualSize,
        "i" | "I" => Action::ToggleModelPanel,
        "Escape" => Action::Dismiss,
        "/" => {
            event.prevent_default();
            focus_search();
            return;
        }
        _ => return,
    };
    event.prevent_default();
    dispatch.emit(action);
}

fn focus_search() {
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("search"))
        .and_then(|el| el.dyn_into::<HtmlElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
    }
}
