//! The app's side of embedding ([`crate::embed`] holds the protocol): reads the URL parameters
//! once, opens the files they name, listens for the parent page's messages and posts the app's
//! events to it; and the small zoom control the compact view keeps.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::embed::{
    accepts, allowed_origin, file_name_of_url, read_message, same_origin_url, AppEvent,
    EmbedParams, LoadedModel, ParentMessage,
};
use crate::platform;
use crate::state::{Action, AppState, FindingsView, Shared, ZOOM_STEP};
use crate::worker::protocol::TargetKey;

/// What the page's URL asked for, read once.
struct Setup {
    params: EmbedParams,
    /// The origin allowed to drive the app, or why `embed_origin=` was refused (then only the
    /// app's own origin is).
    allowed: String,
    origin_error: Option<String>,
}

impl Setup {
    fn read() -> Setup {
        let pairs = query_pairs();
        let params = EmbedParams::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let page = platform::page_origin();
        let (allowed, origin_error) = match allowed_origin(&page, params.embed_origin.as_deref()) {
            Ok(origin) => (origin, None),
            Err(message) => (
                allowed_origin(&page, None).unwrap_or_else(|_| page.clone()),
                Some(message),
            ),
        };
        Setup {
            params,
            allowed,
            origin_error,
        }
    }
}

/// Every `(name, value)` of the page URL's query, in order.
fn query_pairs() -> Vec<(String, String)> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
        return Vec::new();
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    let Ok(Some(iter)) = js_sys::try_iter(&params) else {
        return pairs;
    };
    for entry in iter.flatten() {
        let entry = js_sys::Array::from(&entry);
        if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
            pairs.push((k, v));
        }
    }
    pairs
}

/// The parent window when the app is in a frame; `None` at the top.
fn parent_window() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    (!js_sys::Object::is(&parent, &window)).then_some(parent)
}

/// Posts an event to the parent page, at the allowed origin only.
fn post(event: &AppEvent, origin: &str) {
    let Some(parent) = parent_window() else {
        return;
    };
    let Ok(value) = js_sys::JSON::parse(&event.to_json().to_string()) else {
        return;
    };
    let _ = parent.post_message(&value, origin);
}

/// The text field `key` of a message (`None` when absent or not text).
fn text_field(data: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(data, &key.into()).ok()?.as_string()
}

/// The files of an `open` message as browser `File`s, or what is wrong with the message.
fn files_of(data: &JsValue) -> Result<Vec<web_sys::File>, String> {
    let files = js_sys::Reflect::get(data, &"files".into()).unwrap_or(JsValue::UNDEFINED);
    if !js_sys::Array::is_array(&files) {
        return Err("the open message needs files, an array of {name, bytes}".to_string());
    }
    js_sys::Array::from(&files)
        .iter()
        .enumerate()
        .map(|(idx, file)| {
            let name = text_field(&file, "name")
                .filter(|n| !n.is_empty())
                .ok_or_else(|| format!("the open message's files[{idx}] has no name"))?;
            let bytes = js_sys::Reflect::get(&file, &"bytes".into()).unwrap_or(JsValue::UNDEFINED);
            let readable = bytes.is_instance_of::<js_sys::ArrayBuffer>()
                || js_sys::ArrayBuffer::is_view(&bytes)
                || bytes.is_instance_of::<web_sys::Blob>();
            if !readable {
                return Err(format!(
                    "{name}: the open message gave no bytes (an ArrayBuffer, a typed array or a Blob)"
                ));
            }
            web_sys::File::new_with_buffer_source_sequence(&js_sys::Array::of1(&bytes), &name)
                .map_err(|e| format!("{name}: {}", platform::js_text(&e)))
        })
        .collect()
}

/// What a `findings` request is answered with: the latest findings and target, kept by the
/// component on every render for the message listener.
type Latest = Rc<RefCell<(TargetKey, Shared<FindingsView>)>>;

/// Wires embedding into the app: the URL parameters (`model=`, `profile=`, `node=`,
/// `embed_origin=`; `overlay=`, `target=` and `view=` are read where the app starts), the
/// parent page's messages and the events posted to it. Returns whether the compact view was
/// asked for.
#[hook]
pub fn use_embed(
    state: &AppState,
    dispatch: Callback<Action>,
    open_files: Callback<Vec<web_sys::File>>,
    open_urls: Callback<Vec<String>>,
) -> bool {
    let setup = use_memo((), |_| Setup::read());
    let latest: Latest = use_mut_ref(|| (state.target, state.findings.clone()));
    *latest.borrow_mut() = (state.target, state.findings.clone());

    {
        let setup = setup.clone();
        let dispatch = dispatch.clone();
        let latest = latest.clone();
        use_effect_with((), move |_| {
            let page = platform::page_origin();
            let mut urls = Vec::new();
            let mut errors: Vec<String> = setup.params.errors.clone();
            errors.extend(setup.origin_error.clone());
            for written in &setup.params.urls {
                let resolved = platform::resolve_url(written).unwrap_or_default();
                match same_origin_url(written, &resolved, &page) {
                    Ok(()) => urls.push(written.clone()),
                    Err(message) => errors.push(message),
                }
            }
            // The load first: its start clears the error list, and these belong with it.
            if !urls.is_empty() {
                open_urls.emit(urls);
            }
            for message in errors {
                dispatch.emit(Action::EmbedFailed(message));
            }
            if let Some(node) = setup.params.node.clone() {
                dispatch.emit(Action::ShowNamed(node));
            }
            let allowed = setup.allowed.clone();
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "message", move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
                        return;
                    };
                    let from_parent = event
                        .source()
                        .zip(parent_window())
                        .is_some_and(|(source, parent)| js_sys::Object::is(&source, &parent));
                    if !accepts(from_parent, &event.origin(), &allowed) {
                        return;
                    }
                    let data = event.data();
                    on_message(&data, &dispatch, &open_files, &latest, &allowed);
                })
            });
            post(&AppEvent::Ready, &setup.allowed);
            move || drop(listener)
        });
    }

    // `selected`: every change of the selection after the page opened.
    let selected = state.selected_node().map(|n| n.name.clone());
    {
        let allowed = setup.allowed.clone();
        let first = use_mut_ref(|| true);
        use_effect_with(selected, move |selected| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) || selected.is_some() {
                post(&AppEvent::Selected(selected.clone()), &allowed);
            }
        });
    }

    // `error`: each new line of the error list, once.
    {
        let allowed = setup.allowed.clone();
        let posted = use_mut_ref(Vec::<String>::new);
        use_effect_with(state.errors.clone(), move |errors| {
            let mut posted = posted.borrow_mut();
            for line in errors.iter().filter(|line| !posted.contains(line)) {
                post(&AppEvent::of_error_line(line), &allowed);
            }
            *posted = errors.clone();
        });
    }

    // `loaded`: a graph drawn with its analysis done, once per graph.
    let finished = state
        .graph
        .as_ref()
        .filter(|_| state.drawn && state.loading.is_none() && state.analysing.is_none())
        .map(|graph| {
            let key = (graph.generation, graph.graph_index);
            let model = LoadedModel {
                name: graph.view.title.clone(),
                format: graph.view.format.clone(),
                nodes: graph.view.node_count,
                files: graph.files.clone(),
                target: state.target,
            };
            (key, model)
        });
    {
        let allowed = setup.allowed.clone();
        let last = use_mut_ref(|| None::<(u64, usize)>);
        let key = finished.as_ref().map(|(key, _)| *key);
        use_effect_with(key, move |_| {
            if let Some((key, model)) = finished {
                if last.borrow().as_ref() != Some(&key) {
                    *last.borrow_mut() = Some(key);
                    post(&AppEvent::Loaded(model), &allowed);
                }
            }
        });
    }

    setup.params.compact
}

/// Acts on one accepted message from the parent page.
fn on_message(
    data: &JsValue,
    dispatch: &Callback<Action>,
    open_files: &Callback<Vec<web_sys::File>>,
    latest: &Latest,
    allowed: &str,
) {
    let message = read_message(
        text_field(data, "type").as_deref(),
        text_field(data, "overlay").as_deref(),
        text_field(data, "node").as_deref(),
    );
    // A message not understood names no file; a file of an `open` message is named.
    let failed = |message: String| {
        let event = AppEvent::Error {
            file: None,
            message,
        };
        post(&event, allowed)
    };
    match message {
        Ok(ParentMessage::Open) => match files_of(data) {
            Ok(files) if !files.is_empty() => open_files.emit(files),
            Ok(_) => failed("the open message has no files".to_string()),
            Err(message) => post(&AppEvent::of_error_line(&message), allowed),
        },
        Ok(ParentMessage::Overlay(overlay)) => dispatch.emit(Action::PinOverlay(overlay)),
        Ok(ParentMessage::Select(Some(node))) => dispatch.emit(Action::ShowNamed(node)),
        Ok(ParentMessage::Select(None)) => dispatch.emit(Action::Select(None)),
        Ok(ParentMessage::Fit) => dispatch.emit(Action::Fit),
        Ok(ParentMessage::Findings) => {
            let (target, findings) = latest.borrow().clone();
            let event = AppEvent::Findings {
                target,
                rows: findings.rows.clone(),
            };
            post(&event, allowed);
        }
        Err(message) => failed(message),
    }
}

/// The name a fetched file is opened under (for the status bar while it downloads).
pub fn url_names(urls: &[String]) -> Vec<String> {
    urls.iter().map(|url| file_name_of_url(url)).collect()
}

#[derive(Properties, PartialEq)]
pub struct EmbedControlsProps {
    pub on_action: Callback<Action>,
}

/// The compact view's only chrome: fit and zoom, in the graph's corner.
#[function_component(EmbedControls)]
pub fn embed_controls(props: &EmbedControlsProps) -> Html {
    let button = |id: &'static str, label: &'static str, title: &'static str, action: Action| {
        let on_action = props.on_action.clone();
        html! {
            <button {id} type="button" title={title} aria-label={title}
                onclick={Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))}>
                {label}
            </button>
        }
    };
    html! {
        <div id="embed-controls" class="embed-controls" role="toolbar" aria-label="Zoom">
            {button("embed-fit", "Fit", "Fit the graph (f)", Action::Fit)}
            {button("embed-zoom-in", "+", "Zoom in (+)", Action::ZoomBy(ZOOM_STEP))}
            {button("embed-zoom-out", "−", "Zoom out (-)", Action::ZoomBy(1.0 / ZOOM_STEP))}
        </div>
    }
}
