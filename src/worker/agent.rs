//! The Web Worker that runs the engine off the page's thread: import, then layout.
//!
//! The two stages run as separate tasks of the worker's event loop, so a newer file (or a
//! cancel) that arrives while a model is being parsed is seen before its layout starts. The
//! engine must not panic, but if it does the page is told (`FromWorker::Crashed`) instead of
//! waiting forever: natively through `catch_unwind`, in the browser (where a panic aborts)
//! through a panic hook that reports the job in flight and closes the worker.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use gloo_worker::{HandlerId, Worker, WorkerScope};
use opscope_engine::ir::Model;
use opscope_engine::report::{graph_view, GraphView};
use opscope_engine::{import_model, InputFile};

use super::protocol::{FromWorker, Stage, Timings, ToWorker};

/// The worker's state: the newest generation it has heard of and a parsed model waiting for its
/// layout.
#[derive(Default)]
pub struct Agent {
    latest: u64,
    pending: Option<PendingLayout>,
}

struct PendingLayout {
    generation: u64,
    handler: HandlerId,
    model: Model,
    parse_ms: f64,
}

/// Internal messages of the worker (its own continuations).
pub enum AgentMsg {
    Layout { generation: u64 },
}

/// Why a stage produced no value.
#[derive(Debug, Clone, PartialEq)]
pub enum StageError {
    /// Bad input: the engine's message for the user.
    Failed(String),
    /// The engine panicked; the panic message.
    Crashed(String),
}

/// Imports one model file; never panics (a panic in the engine becomes `Crashed`).
pub fn parse_stage(name: &str, bytes: Vec<u8>) -> Result<Model, StageError> {
    let file = InputFile::new(name, bytes);
    match catch_unwind(AssertUnwindSafe(|| import_model(&file))) {
        Ok(Ok(model)) => Ok(model),
        Ok(Err(err)) => Err(StageError::Failed(err.to_string())),
        Err(payload) => Err(StageError::Crashed(panic_text(payload.as_ref()))),
    }
}

/// Lays out the model's graph for the viewer; never panics.
pub fn layout_stage(model: &Model) -> Result<GraphView, StageError> {
    catch_unwind(AssertUnwindSafe(|| graph_view(model)))
        .map_err(|payload| StageError::Crashed(panic_text(payload.as_ref())))
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}

fn stage_error_message(generation: u64, err: StageError) -> FromWorker {
    match err {
        StageError::Failed(message) => FromWorker::Failed {
            generation,
            message,
        },
        StageError::Crashed(message) => FromWorker::Crashed {
            generation,
            message,
        },
    }
}

impl Worker for Agent {
    type Message = AgentMsg;
    type Input = ToWorker;
    type Output = FromWorker;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        install_panic_reporter();
        Agent::default()
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Self::Message) {
        let AgentMsg::Layout { generation } = msg;
        let Some(pending) = self.pending.take() else {
            return;
        };
        if pending.generation != generation || generation != self.latest {
            return;
        }
        let n_nodes = pending.model.graph.nodes.len();
        scope.respond(
            pending.handler,
            FromWorker::Progress {
                generation,
                stage: Stage::Layout { n_nodes },
            },
        );
        let started = now_ms();
        set_job(Some((scope.clone(), pending.handler, generation)));
        let result = layout_stage(&pending.model);
        set_job(None);
        let output = match result {
            Ok(view) => FromWorker::Loaded {
                generation,
                view: Box::new(view),
                timings: Timings {
                    parse_ms: pending.parse_ms,
                    layout_ms: now_ms() - started,
                },
            },
            Err(err) => stage_error_message(generation, err),
        };
        scope.respond(pending.handler, output);
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        match msg {
            ToWorker::Cancel { generation } => {
                self.latest = self.latest.max(generation);
                if self
                    .pending
                    .as_ref()
                    .is_some_and(|p| p.generation <= generation)
                {
                    self.pending = None;
                }
            }
            ToWorker::Open {
                generation,
                name,
                bytes,
            } => {
                if generation < self.latest {
                    return;
                }
                self.latest = generation;
                self.pending = None;
                scope.respond(
                    id,
                    FromWorker::Progress {
                        generation,
                        stage: Stage::Parsing {
                            file_name: name.clone(),
                            n_bytes: bytes.len() as u64,
                        },
                    },
                );
                let started = now_ms();
                set_job(Some((scope.clone(), id, generation)));
                let result = parse_stage(&name, bytes);
                set_job(None);
                match result {
                    Ok(model) => {
                        self.pending = Some(PendingLayout {
                            generation,
                            handler: id,
                            model,
                            parse_ms: now_ms() - started,
                        });
                        schedule(scope, AgentMsg::Layout { generation });
                    }
                    Err(err) => scope.respond(id, stage_error_message(generation, err)),
                }
            }
        }
    }
}

type Job = (WorkerScope<Agent>, HandlerId, u64);

thread_local! {
    /// The job the engine is working on, for the panic reporter.
    static CURRENT_JOB: RefCell<Option<Job>> = const { RefCell::new(None) };
}

fn set_job(job: Option<Job>) {
    CURRENT_JOB.with(|current| {
        if let Ok(mut current) = current.try_borrow_mut() {
            *current = job;
        }
    });
}

/// Runs `msg` as a new task of the worker's event loop, after the messages already queued.
#[cfg(target_arch = "wasm32")]
fn schedule(scope: &WorkerScope<Agent>, msg: AgentMsg) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let task_scope = scope.clone();
    let callback = Closure::once_into_js(move || task_scope.send_message(msg));
    let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    if let Err(err) =
        global.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0)
    {
        web_sys::console::error_2(&"opscope worker: setTimeout failed".into(), &err);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn schedule(scope: &WorkerScope<Agent>, msg: AgentMsg) {
    scope.send_message(msg);
}

/// In the browser a panic aborts the worker: report it for the job in flight, then close.
#[cfg(target_arch = "wasm32")]
fn install_panic_reporter() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("opscope worker: {message}").into());
        report_crash(message);
    }));
}

/// Tells the page that the job in flight died (a panic, or a trap such as running out of
/// memory, which the worker's loader script reports through `opscope_worker_crashed`), then
/// closes the worker; the page starts a new one for the next file. Best effort: the job is
/// reported once, and nothing happens when no job is in flight.
#[cfg(target_arch = "wasm32")]
pub fn report_crash(message: String) {
    use wasm_bindgen::JsCast;

    let job = CURRENT_JOB.with(|current| current.try_borrow_mut().ok().and_then(|mut j| j.take()));
    let Some((scope, handler, generation)) = job else {
        return;
    };
    scope.respond(
        handler,
        FromWorker::Crashed {
            generation,
            message,
        },
    );
    let global: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    global.close();
}

#[cfg(not(target_arch = "wasm32"))]
fn install_panic_reporter() {}

#[cfg(target_arch = "wasm32")]
fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[cfg(not(target_arch = "wasm32"))]
fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_fails_with_the_engines_message() {
        let err = parse_stage("notes.txt", b"hello world".to_vec()).unwrap_err();
        match err {
            StageError::Failed(message) => {
                assert!(message.starts_with("notes.txt: "), "{message}");
            }
            StageError::Crashed(message) => panic!("crashed: {message}"),
        }
    }

    #[test]
    fn empty_file_fails() {
        assert_eq!(
            parse_stage("x.onnx", Vec::new()).unwrap_err(),
            StageError::Failed("x.onnx: the file is empty".into())
        );
    }

    #[test]
    fn bundled_sample_parses() {
        let (name, bytes) = opscope_engine::samples::bundled().remove(0);
        let model = parse_stage(name, bytes).expect("sample parses");
        assert_eq!(model.graph.nodes.len(), 122);
    }

    #[test]
    fn panics_become_crashes() {
        let err = catch_unwind(AssertUnwindSafe(|| -> u32 { panic!("boom") })).unwrap_err();
        assert_eq!(panic_text(err.as_ref()), "boom");
    }
}
