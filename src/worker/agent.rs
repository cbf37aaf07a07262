//! The Web Worker that runs the engine off the page's thread.
//!
//! A load is a few steps (import the models, read the profile, lay out the shown model, analyse
//! it and join the profile; see [`super::session`]), each run as its own task of the worker's event loop, so a
//! newer drop (or a cancel) that arrives during one step is seen before the next starts. The
//! engine must not panic, but if it does the page is told (`FromWorker::Crashed`) instead of
//! waiting forever: natively through `catch_unwind`, in the browser (where a panic aborts)
//! through a panic hook that reports the job in flight and closes the worker.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use gloo_worker::{HandlerId, Worker, WorkerScope};

use super::protocol::{FilePayload, FromWorker, ToWorker};
use super::session::{Job, Session, StreamSource};

/// The worker's state: the newest generation it has heard of, what it holds between loads, and
/// the load in progress.
#[derive(Default)]
pub struct Agent {
    latest: u64,
    session: Session,
    job: Option<Running>,
    /// Requests that came during a restore: run after it, so that the files a new worker gets
    /// again are all held before anything else is asked of it.
    queued: Vec<(ToWorker, HandlerId)>,
}

struct Running {
    generation: u64,
    handler: HandlerId,
    job: Job,
    /// A restore ([`ToWorker::Restore`]): newer work and cancels wait for it.
    restoring: bool,
}

/// Internal messages of the worker (its own continuations).
pub enum AgentMsg {
    Continue {
        generation: u64,
    },
    /// Run a small load once the worker has started (see [`warm_up`]).
    WarmUp,
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

impl Agent {
    /// Announces the next step of the running load and schedules it, or sends the result when
    /// there is nothing left to do.
    fn advance(&mut self, scope: &WorkerScope<Self>) {
        let Some(mut running) = self.job.take() else {
            return;
        };
        match self.session.next_stage(&mut running.job) {
            Some(stage) => {
                // The graph goes to the page before the analysis runs, so it is drawn meanwhile.
                if let Some(shown) = self.session.take_shown(&mut running.job) {
                    scope.respond(
                        running.handler,
                        FromWorker::Loaded {
                            generation: running.generation,
                            result: Box::new(shown),
                        },
                    );
                }
                scope.respond(
                    running.handler,
                    FromWorker::Progress {
                        generation: running.generation,
                        stage,
                    },
                );
                let generation = running.generation;
                self.job = Some(running);
                schedule(scope, AgentMsg::Continue { generation });
            }
            None => {
                let result = self.session.finish(running.job);
                super::codec::trace("worker respond Loaded");
                scope.respond(
                    running.handler,
                    FromWorker::Loaded {
                        generation: running.generation,
                        result: Box::new(result),
                    },
                );
                for (msg, id) in std::mem::take(&mut self.queued) {
                    self.received(scope, msg, id);
                }
            }
        }
    }

    fn start(
        &mut self,
        scope: &WorkerScope<Self>,
        generation: u64,
        handler: HandlerId,
        mut job: Job,
    ) {
        // A long step (a large profile streamed) reports how far it is, which also tells the
        // page's watchdog that the worker is alive.
        let progress_to = scope.clone();
        job.report_progress_to(std::rc::Rc::new(move |stage| {
            progress_to.respond(handler, FromWorker::Progress { generation, stage })
        }));
        self.job = Some(Running {
            generation,
            handler,
            job,
            restoring: false,
        });
        self.advance(scope);
    }
}

impl Worker for Agent {
    type Message = AgentMsg;
    type Input = ToWorker;
    type Output = FromWorker;

    fn create(scope: &WorkerScope<Self>) -> Self {
        install_panic_reporter();
        schedule(scope, AgentMsg::WarmUp);
        Agent::default()
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Self::Message) {
        let generation = match msg {
            AgentMsg::Continue { generation } => generation,
            AgentMsg::WarmUp => {
                // Only while idle: a file chosen at once goes first.
                if self.job.is_none() && self.latest == 0 {
                    super::codec::trace("worker warm-up starts");
                    warm_up();
                    super::codec::trace("worker warm-up done");
                }
                return;
            }
        };
        let Some(running) = self.job.as_mut() else {
            return;
        };
        if running.generation != generation || (generation != self.latest && !running.restoring) {
            return;
        }
        let started = now_ms();
        super::codec::trace("worker step starts");
        set_job(Some((scope.clone(), running.handler, generation)));
        let session = &mut self.session;
        let job = &mut running.job;
        let outcome = catch_unwind(AssertUnwindSafe(|| session.step(job)));
        set_job(None);
        match outcome {
            Ok(Some(step)) => {
                super::codec::trace(&format!(
                    "worker step {step:?} {:.1} ms",
                    now_ms() - started
                ));
                running.job.add_time(step, now_ms() - started)
            }
            Ok(None) => {}
            Err(payload) => {
                let message = panic_text(payload.as_ref());
                let handler = running.handler;
                self.job = None;
                scope.respond(
                    handler,
                    FromWorker::Crashed {
                        generation,
                        message,
                    },
                );
                return;
            }
        }
        self.advance(scope);
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Self::Input, id: HandlerId) {
        let waits = !matches!(msg, ToWorker::Report { .. } | ToWorker::TestFaults);
        if waits && self.job.as_ref().is_some_and(|running| running.restoring) {
            self.queued.push((msg, id));
            return;
        }
        match msg {
            ToWorker::Cancel { generation } => {
                self.latest = self.latest.max(generation);
                if self
                    .job
                    .as_ref()
                    .is_some_and(|running| running.generation <= generation)
                {
                    self.job = None;
                }
            }
            ToWorker::Open {
                generation,
                files,
                target,
                view,
            } => {
                if generation < self.latest {
                    return;
                }
                self.latest = generation;
                super::codec::trace("worker received Open");
                self.session
                    .test_fault_on_arrival(files.iter().map(|f| f.name.as_str()));
                let session = &self.session;
                let job = job_of_attached(files, |files| session.open(files, target, view));
                super::codec::trace("worker read and sorted the files");
                self.start(scope, generation, id, job);
            }
            ToWorker::Remove {
                generation,
                ids,
                target,
                view,
            } => {
                if generation < self.latest {
                    return;
                }
                self.latest = generation;
                let job = self.session.remove(&ids, target, view);
                self.start(scope, generation, id, job);
            }
            ToWorker::SelectProfile {
                generation,
                group,
                target,
            } => {
                if generation < self.latest {
                    return;
                }
                self.latest = generation;
                match self.session.select_profile(group, target) {
                    Some(job) => self.start(scope, generation, id, job),
                    None => {
                        self.job = None;
                        scope.respond(
                            id,
                            FromWorker::Failed {
                                generation,
                                message: "that profile is no longer held; drop its files again"
                                    .to_string(),
                            },
                        );
                    }
                }
            }
            ToWorker::Restore {
                generation,
                files,
                show,
                active_profile,
                target,
                view,
            } => {
                if generation < self.latest {
                    return;
                }
                self.latest = generation;
                let session = &self.session;
                let job = job_of_attached(files, |files| {
                    session.restore(files, show, active_profile, target, view)
                });
                self.start(scope, generation, id, job);
                if let Some(running) = self.job.as_mut() {
                    running.restoring = true;
                }
            }
            ToWorker::TestFaults => self.session.test_faults = true,
            ToWorker::Analyse { generation, target } => {
                if generation < self.latest {
                    return;
                }
                self.latest = generation;
                match self.session.reanalyse(target) {
                    Some(job) => self.start(scope, generation, id, job),
                    None => {
                        self.job = None;
                        scope.respond(
                            id,
                            FromWorker::Failed {
                                generation,
                                message: "the model is no longer held (the engine restarted \
                                          after an internal error); drop the files again"
                                    .to_string(),
                            },
                        );
                    }
                }
            }
            ToWorker::Report {
                generation,
                kind,
                overlay,
                target,
            } => {
                // Synchronous and cancelling nothing: a load in flight goes on after it.
                let session = &self.session;
                let outcome =
                    catch_unwind(AssertUnwindSafe(|| session.report(kind, &overlay, target)))
                        .unwrap_or_else(|payload| {
                            Err(format!(
                                "opscope stopped while writing the report (internal error: {})",
                                panic_text(payload.as_ref())
                            ))
                        });
                scope.respond(
                    id,
                    FromWorker::Report {
                        generation,
                        outcome,
                    },
                );
            }
            ToWorker::ShowModel {
                generation,
                index,
                graph,
                target,
                view,
            } => {
                if generation < self.latest {
                    return;
                }
                self.latest = generation;
                match self.session.show(index, graph, target, view) {
                    Some(job) => self.start(scope, generation, id, job),
                    None => {
                        self.job = None;
                        scope.respond(
                            id,
                            FromWorker::Failed {
                                generation,
                                message: format!(
                                    "model {} of the last drop is no longer held (the engine \
                                     restarted after an internal error); drop the files again",
                                    index + 1
                                ),
                            },
                        );
                    }
                }
            }
        }
    }
}

/// Reads the files the page passed as browser `File`s (a drop, a chosen file): the page holds no
/// bytes; a worker may read a file synchronously. A large ONNX model is read as its structure
/// only ([`super::blob_source`]), listed in the third list with what was left unread. A file that
/// cannot be read (removed or changed since it was chosen) becomes an error naming it (by its
/// id), and the other files still load.
#[allow(clippy::type_complexity)]
/// Reads the `File`s a message attached and makes a job of them (`open`), with the files that
/// could not be read, or only in part, recorded on it.
fn job_of_attached(files: Vec<FilePayload>, open: impl FnOnce(Vec<FilePayload>) -> Job) -> Job {
    let mut read = Vec::with_capacity(files.len());
    let mut unreadable = Vec::new();
    let mut partly_read = Vec::new();
    for mut file in files {
        if let Some(blob) = file.file.0.take() {
            match read_blob(&blob, &file.name) {
                Ok((contents, stream)) => {
                    file.bytes = contents.bytes;
                    file.stream = stream;
                    if let Some(note) = contents.note {
                        partly_read.push((file.name.clone(), note));
                    }
                }
                Err(reason) => {
                    unreadable.push((
                        file.id,
                        format!(
                            "{}: the browser could not read the file ({reason})",
                            file.name
                        ),
                    ));
                    continue;
                }
            }
        }
        read.push(file);
    }
    let mut job = open(read);
    for (id, message) in unreadable {
        job.push_unreadable_file(id, message);
    }
    for (file, what_was_left) in partly_read {
        job.push_partly_read(file, what_was_left);
    }
    job
}

/// Reads a browser `File`: whole, skimmed, or, for a large profiling table, only its start with
/// the source to stream it from when the load reads it.
#[cfg(target_arch = "wasm32")]
fn read_blob(
    blob: &wasm_bindgen::JsValue,
    name: &str,
) -> Result<(super::blob_source::ReadFile, Option<StreamSource>), String> {
    use opscope_engine::formats::source::ByteSource;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;

    use super::blob_source::BlobSource;
    let blob: web_sys::Blob = blob.clone().unchecked_into();
    let mut source = BlobSource::new(blob.clone())?;
    let read = super::blob_source::read_source(&mut source, name)?;
    let stream = read.head_only.then(|| {
        let open =
            move || BlobSource::new(blob.clone()).map(|s| Box::new(s) as Box<dyn ByteSource>);
        StreamSource::new(source.size(), Rc::new(open))
    });
    Ok((read, stream))
}

#[cfg(not(target_arch = "wasm32"))]
fn read_blob(
    _blob: &wasm_bindgen::JsValue,
    _name: &str,
) -> Result<(super::blob_source::ReadFile, Option<StreamSource>), String> {
    Err("files are only read in a browser".to_string())
}

/// A whole load of a small generated model (import, layout, analysis, the message encoded),
/// result dropped, run when the worker starts. The browser compiles wasm functions when first
/// called and optimises those that run hot, so the first file the user opens would otherwise
/// pay for compiling the engine (tens of milliseconds for its largest functions) and run partly
/// unoptimised; the page is still starting and the user still choosing a file meanwhile.
fn warm_up() {
    use opscope_engine::report::GraphViewOptions;
    use opscope_engine::samples::{residual_chain, WeightStorage};

    let bytes = residual_chain(
        600,
        WeightStorage::External {
            location: "weights.bin".to_string(),
        },
    );
    let mut session = Session::default();
    let files = vec![super::protocol::FilePayload::of_bytes(
        "warm-up.onnx",
        bytes,
    )];
    let mut job = session.open(files, Default::default(), GraphViewOptions::default());
    while session.next_stage(&mut job).is_some() {
        if let Some(shown) = session.take_shown(&mut job) {
            let _ = bincode::serialize(&shown);
        }
        session.step(&mut job);
    }
    let _ = bincode::serialize(&session.finish(job));
}

type InFlight = (WorkerScope<Agent>, HandlerId, u64);

thread_local! {
    /// The job the engine is working on, for the panic reporter.
    static CURRENT_JOB: RefCell<Option<InFlight>> = const { RefCell::new(None) };
}

fn set_job(job: Option<InFlight>) {
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
    super::codec::clock()
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
    fn the_warm_up_runs_a_whole_load() {
        warm_up();
    }

    #[test]
    fn panics_become_crashes() {
        let err = catch_unwind(AssertUnwindSafe(|| -> u32 { panic!("boom") })).unwrap_err();
        assert_eq!(panic_text(err.as_ref()), "boom");
    }
}
