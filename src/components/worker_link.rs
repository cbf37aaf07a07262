//! The page's link to the engine worker: started on first use, replaced after a crash, and
//! terminated on demand (a cancel, a hang), which a worker stuck in a step never answers to, so
//! the page keeps the browser's `Worker` object to end it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_worker::WorkerBridge;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

use crate::platform;
use crate::report_export;
use crate::state::Action;
use crate::worker::agent::Agent;
use crate::worker::protocol::{FromWorker, ToWorker};

/// How long a load may go without a word from the worker before it is taken for hung (a step
/// of a 2 GB model takes seconds, not minutes), plus [`MS_PER_MB_READ`] per MB the step reads.
pub const HANG_LIMIT_MS: f64 = 60_000.0;

/// Time allowed per MB a step reads, on top of [`HANG_LIMIT_MS`]: a profiling CSV is parsed in
/// one step at 10–20 MB/s in the worker, so a 1 GB one may take over a minute without a word;
/// 250 ms per MB (4 MB/s) leaves it room on a slow machine.
pub const MS_PER_MB_READ: f64 = 250.0;

/// The hang limit for a step reading `bytes`.
pub fn hang_limit_for(base_ms: f64, bytes: u64) -> f64 {
    base_ms + bytes as f64 / 1e6 * MS_PER_MB_READ
}

/// The engine worker.
#[derive(Default)]
pub struct WorkerLink {
    bridge: Option<WorkerBridge<Agent>>,
    /// The browser's worker behind `bridge`, to terminate it.
    native: Option<web_sys::Worker>,
    /// Set by the bridge's callback when the worker reported a crash (it closes itself).
    crashed: Rc<Cell<bool>>,
    /// Page clock of the last message from the worker, or of the last request to it.
    pub last_heard: Rc<Cell<f64>>,
    /// The `error` listener on `native`, which hears a worker that failed to start.
    on_error: Option<Closure<dyn FnMut(web_sys::ErrorEvent)>>,
}

impl WorkerLink {
    pub fn send(&mut self, msg: ToWorker, dispatch: &Callback<Action>) -> Result<(), String> {
        if self.crashed.get() {
            self.restart();
            self.crashed.set(false);
        }
        if self.bridge.is_none() {
            let (bridge, native) = spawn(self.crashed.clone(), self.last_heard.clone(), dispatch)?;
            self.on_error = native
                .as_ref()
                .map(|native| listen_for_start_failure(native, self.crashed.clone(), dispatch));
            self.bridge = Some(bridge);
            self.native = native;
            if test_faults() {
                if let Some(bridge) = &self.bridge {
                    bridge.send(ToWorker::TestFaults);
                }
            }
        }
        self.last_heard.set(platform::now_ms());
        if let Some(bridge) = &self.bridge {
            bridge.send(msg);
        }
        Ok(())
    }

    /// Ends the worker at once, whatever it is doing; the next request starts a new one.
    pub fn restart(&mut self) {
        let on_error = self.on_error.take();
        match self.native.take() {
            Some(native) => {
                // An error event of the ended worker may still be on its way: the listener is
                // removed before it is dropped, so it is never called after.
                if let Some(listener) = &on_error {
                    let _ = native.remove_event_listener_with_callback(
                        "error",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                native.terminate();
                web_sys::console::info_1(&"opscope: the engine worker was ended".into());
            }
            None if self.bridge.is_some() => {
                web_sys::console::warn_1(&"opscope: the engine worker could not be ended".into());
            }
            None => {}
        }
        self.bridge = None;
        drop(on_error);
    }
}

/// Listens for the error a worker throws to the page when its glue or wasm could not be loaded
/// or compiled (`platform::WORKER_START_FAILED`): the page is told, so a load does not wait for
/// an answer that never comes, and the next request starts another worker.
fn listen_for_start_failure(
    native: &web_sys::Worker,
    crashed: Rc<Cell<bool>>,
    dispatch: &Callback<Action>,
) -> Closure<dyn FnMut(web_sys::ErrorEvent)> {
    let dispatch = dispatch.clone();
    let listener =
        Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            let Some(reason) = platform::worker_start_failure(&event.message()) else {
                return;
            };
            event.prevent_default();
            web_sys::console::warn_1(
                &format!("opscope: the engine could not start: {reason}").into(),
            );
            crashed.set(true);
            dispatch.emit(Action::Files(crate::state::FilesAction::EngineFailed {
                reason,
            }));
        });
    let _ = native.add_event_listener_with_callback("error", listener.as_ref().unchecked_ref());
    listener
}

/// The test-only faults are honoured (`?test_faults=1`): the worker panics or hangs on the
/// files named in `session::entries`, and the hang limit may be shortened (`&hang_ms=`).
pub fn test_faults() -> bool {
    platform::query_param("test_faults").as_deref() == Some("1")
}

/// The hang limit: [`HANG_LIMIT_MS`], or `?hang_ms=` with the test faults on.
pub fn hang_limit_ms() -> f64 {
    platform::query_param("hang_ms")
        .filter(|_| test_faults())
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|ms| *ms >= 500.0)
        .unwrap_or(HANG_LIMIT_MS)
}

fn spawn(
    crashed: Rc<Cell<bool>>,
    last_heard: Rc<Cell<f64>>,
    dispatch: &Callback<Action>,
) -> Result<(WorkerBridge<Agent>, Option<web_sys::Worker>), String> {
    let dispatch = dispatch.clone();
    capture_worker(move || {
        platform::spawn_worker(move |msg: FromWorker| {
            last_heard.set(platform::now_ms());
            if matches!(msg, FromWorker::Crashed { .. }) {
                crashed.set(true);
            }
            match report_export::save(&msg) {
                Some(Ok(name)) => {
                    web_sys::console::info_1(&format!("opscope: saved {name}").into());
                    return;
                }
                Some(Err(message)) => return dispatch.emit(Action::ExportFailed(message)),
                None => {}
            }
            crate::worker::codec::trace("page message decoded");
            dispatch.emit(Action::Worker {
                msg,
                now_ms: platform::now_ms(),
            });
        })
    })
}

/// Runs `spawn` with the page's `Worker` constructor wrapped in a proxy that keeps the worker it
/// builds (the bridge hides it), then puts the constructor back. No script is evaluated, so the
/// page's Content-Security-Policy allows it.
fn capture_worker<T>(
    spawn: impl FnOnce() -> Result<T, String>,
) -> Result<(T, Option<web_sys::Worker>), String> {
    let Some(window) = web_sys::window() else {
        return spawn().map(|bridge| (bridge, None));
    };
    let key = JsValue::from_str("Worker");
    let original = js_sys::Reflect::get(&window, &key).ok();
    let Some(constructor) = original
        .clone()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
    else {
        return spawn().map(|bridge| (bridge, None));
    };
    let built: Rc<RefCell<Option<web_sys::Worker>>> = Rc::default();
    let keep = built.clone();
    let construct =
        Closure::<dyn FnMut(js_sys::Function, js_sys::Array) -> Result<JsValue, JsValue>>::new(
            move |target: js_sys::Function, args: js_sys::Array| {
                let worker = js_sys::Reflect::construct(&target, &args)?;
                *keep.borrow_mut() = Some(worker.clone().unchecked_into::<web_sys::Worker>());
                Ok(worker)
            },
        );
    let handler = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&handler, &"construct".into(), construct.as_ref());
    let proxy = js_sys::Proxy::new(&constructor, &handler);
    let _ = js_sys::Reflect::set(&window, &key, &proxy);
    let spawned = spawn();
    let _ = js_sys::Reflect::set(&window, &key, &constructor);
    drop(construct);
    let native = built.borrow_mut().take();
    spawned.map(|bridge| (bridge, native))
}

/// Replaces the worker when the state asks (`FilesState::restarts`: a cancel, a crash, a hang)
/// and gives the new one the files the old one held, the shown model and the active profile, so
/// the view and the selection stay; and watches a load for a worker that sends nothing for
/// [`hang_limit_ms`].
#[yew::hook]
pub fn use_worker_recovery(
    state: &crate::state::AppState,
    worker: &Rc<RefCell<WorkerLink>>,
    kept: &Rc<RefCell<super::kept_files::KeptFiles>>,
    next_generation: &Rc<RefCell<u64>>,
    dispatch: &Callback<Action>,
) {
    use crate::state::FilesAction;
    use yew::functional::{use_effect_with, use_mut_ref};

    {
        let worker = worker.clone();
        let kept = kept.clone();
        let next_generation = next_generation.clone();
        let dispatch = dispatch.clone();
        let held = state.files.held();
        let retry = state.files.retry.clone();
        let retry_names: Vec<String> = state
            .files
            .entries
            .iter()
            .filter(|e| retry.iter().any(|&(id, _)| id == e.id))
            .map(|e| e.name.clone())
            .collect();
        let show = state
            .shown_model
            .zip(state.graph.as_ref().map(|g| g.graph_index));
        let active_profile = state.files.profiles.active;
        let target = state.target;
        let view = state
            .graph
            .as_ref()
            .map(|g| g.options.clone())
            .unwrap_or_else(|| state.view_options());
        use_effect_with(state.files.restarts, move |&restarts| {
            if restarts == 0 {
                return;
            }
            worker.borrow_mut().restart();
            let next = || {
                let mut next = next_generation.borrow_mut();
                *next += 1;
                *next
            };
            let files = kept.borrow().payloads(&held);
            if !files.is_empty() {
                let generation = next();
                dispatch.emit(Action::Files(FilesAction::Restoring { generation }));
                let restore = ToWorker::Restore {
                    generation,
                    files,
                    show,
                    active_profile,
                    target,
                    view: view.clone(),
                };
                if let Err(message) = worker.borrow_mut().send(restore, &dispatch) {
                    dispatch.emit(Action::ExportFailed(message));
                }
            }
            // The other files of the load that stopped, read after the restore (the worker
            // queues them behind it).
            let files = kept.borrow().payloads(&retry);
            if !files.is_empty() {
                let generation = next();
                dispatch.emit(Action::Files(FilesAction::Retrying {
                    generation,
                    file_name: crate::inputs::describe_files(&retry_names),
                    now_ms: platform::now_ms(),
                }));
                let open = ToWorker::Open {
                    generation,
                    files,
                    target,
                    view,
                };
                if let Err(message) = worker.borrow_mut().send(open, &dispatch) {
                    dispatch.emit(Action::ExportFailed(message));
                }
            }
        });
    }

    // The watchdog: the generation of a load the worker is running, read every second.
    let watched = use_mut_ref(|| None::<(u64, u64)>);
    *watched.borrow_mut() = state.worker_watched().map(|g| (g, state.worker_bytes()));
    let last_heard = worker.borrow().last_heard.clone();
    let dispatch = dispatch.clone();
    use_effect_with((), move |_| {
        let base_ms = hang_limit_ms();
        let tick = Closure::<dyn FnMut()>::new(move || {
            let Some((generation, bytes)) = *watched.borrow() else {
                return;
            };
            let limit_ms = hang_limit_for(base_ms, bytes);
            let now = platform::now_ms();
            if now - last_heard.get() > limit_ms {
                last_heard.set(now);
                dispatch.emit(Action::Files(FilesAction::Hung {
                    generation,
                    limit_ms,
                }));
            }
        });
        let id = web_sys::window().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                500,
            )
            .ok()
        });
        move || {
            if let (Some(window), Some(id)) = (web_sys::window(), id) {
                window.clear_interval_with_handle(id);
            }
            drop(tick);
        }
    });
}
