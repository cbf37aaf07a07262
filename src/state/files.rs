//! The files panel's state: every file dropped in this page session with its kind, size,
//! status and error, the profile runs the worker holds (one per drop of profiling files) and the
//! active one, and the worker restarts (cancel, crash, hang) with the restore that follows.
//!
//! The worker owns the data; this list only mirrors what it reported per file
//! (`LoadResult::files`), by the page's file ids.

use super::loading::LoadStage;
use super::reducer::AppState;
use crate::worker::protocol::{FileKindId, FromWorker, LoadResult, ProfileList, Stage};

/// The files panel's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilesState {
    /// In the order they were dropped.
    pub entries: Vec<FileEntry>,
    /// The profile runs the worker holds, and the active one.
    pub profiles: ProfileList,
    /// Bumped whenever the worker must be replaced (a cancel, a crash, a hang): the page
    /// terminates it, starts another and restores the files held.
    pub restarts: u64,
    /// The generation of the restore in flight: its results only update this list (the page
    /// already shows what it restores).
    pub restoring: Option<u64>,
    /// The panel is collapsed to its heading.
    pub collapsed: bool,
    /// `(id, group)` of the files a crash or a hang stopped before they were read (not the
    /// file it names): the page reads them again once the new worker has the kept files.
    pub retry: Vec<(u64, u64)>,
    /// The load reading [`Self::retry`]'s files again and their ids (their rows keep the group
    /// of the drop they came with); a file that stops a second time is not read again.
    pub retried: Option<(u64, Vec<u64>)>,
    /// Why the engine worker could not start (its script or wasm failed to load or compile),
    /// while no worker has started since: nothing can be read until one does.
    pub engine_failed: Option<String>,
}

/// One dropped file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileEntry {
    /// The page's id, sent to the worker with the file.
    pub id: u64,
    /// The drop it came with (the load's generation): a profile run's id.
    pub group: u64,
    pub name: String,
    pub size: u64,
    /// As the worker detected it by content; `None` until it has read the file.
    pub kind: Option<FileKindId>,
    /// The model format (`onnx`) or the profiling table (`op_summary`).
    pub detail: String,
    pub status: FileStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FileStatus {
    Reading,
    /// Read and held by the worker.
    Parsed,
    /// Could not be read; the message names the file.
    Error(String),
    /// Listed, not read, and not an error: a file of a dropped folder that is neither a model
    /// nor profiling data, or a model's external weights.
    Skipped(String),
    /// A model of an earlier drop, replaced by the models of a newer one.
    Replaced,
    /// Its load was cancelled, or stopped by another file's crash: not held.
    NotRead(String),
}

/// How a file's row reads: the status shown, as a stable id (`data-status`) and a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    Reading,
    Parsed,
    /// A profiling file of the active run, joined to the shown model; or the shown model's file.
    Joined,
    Shown,
    Error,
    Skipped,
    Replaced,
    NotRead,
}

impl RowStatus {
    pub fn id(self) -> &'static str {
        match self {
            RowStatus::Reading => "reading",
            RowStatus::Parsed => "parsed",
            RowStatus::Joined => "joined",
            RowStatus::Shown => "shown",
            RowStatus::Error => "error",
            RowStatus::Skipped => "skipped",
            RowStatus::Replaced => "replaced",
            RowStatus::NotRead => "not-read",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RowStatus::Reading => "reading…",
            RowStatus::Parsed => "parsed",
            RowStatus::Joined => "joined",
            RowStatus::Shown => "shown",
            RowStatus::Error => "error",
            RowStatus::Skipped => "skipped",
            RowStatus::Replaced => "replaced",
            RowStatus::NotRead => "not read",
        }
    }
}

/// What the files panel asks of the state.
#[derive(Debug, Clone, PartialEq)]
pub enum FilesAction {
    /// Files handed to the worker by the load of `group` (its generation): `(id, name, size)`.
    Added {
        group: u64,
        files: Vec<(u64, String, u64)>,
    },
    /// The remove buttons: the rows go (the page tells the worker when it held them).
    Removed(Vec<u64>),
    /// The user cancelled the load in progress: the worker is replaced.
    Cancel {
        generation: u64,
    },
    /// The worker sent nothing for too long during a load: it is replaced and the file it was
    /// reading is named.
    Hung {
        generation: u64,
        limit_ms: f64,
    },
    /// A restore of the files held was sent to a new worker.
    Restoring {
        generation: u64,
    },
    /// The engine worker failed to start: its script or its wasm could not be loaded or
    /// compiled (a missing file, a Content-Security-Policy without `'wasm-unsafe-eval'`, no
    /// memory). `reason` is the browser's message.
    EngineFailed {
        reason: String,
    },

    /// The files of [`FilesState::retry`] were sent again to the new worker, as the load
    /// `generation` (it keeps the error that named the culprit).
    Retrying {
        generation: u64,
        file_name: String,
        now_ms: f64,
    },
    ToggleCollapsed,
}

impl FilesState {
    /// Files the worker holds: `(id, group)` of the shown models' files and every profile run's
    /// files, in drop order: what a new worker is given again.
    pub fn held(&self) -> Vec<(u64, u64)> {
        self.entries
            .iter()
            .filter(|e| e.status == FileStatus::Parsed)
            .filter(|e| match e.kind {
                Some(FileKindId::Profile) => {
                    self.profiles.entries.iter().any(|p| p.group == e.group)
                }
                Some(FileKindId::Model) => true,
                _ => false,
            })
            .map(|e| (e.id, e.group))
            .collect()
    }

    /// Each entry with the status its row shows: `shown_files` are the shown model's files,
    /// `joined` says the active profile is joined to it.
    pub fn rows(&self, shown_files: &[String], joined: bool) -> Vec<(&FileEntry, RowStatus)> {
        self.entries
            .iter()
            .map(|entry| {
                let status = match &entry.status {
                    FileStatus::Reading => RowStatus::Reading,
                    FileStatus::Error(_) => RowStatus::Error,
                    FileStatus::Skipped(_) => RowStatus::Skipped,
                    FileStatus::Replaced => RowStatus::Replaced,
                    FileStatus::NotRead(_) => RowStatus::NotRead,
                    FileStatus::Parsed => match entry.kind {
                        Some(FileKindId::Model) if shown_files.contains(&entry.name) => {
                            RowStatus::Shown
                        }
                        Some(FileKindId::Profile)
                            if joined && self.profiles.active == Some(entry.group) =>
                        {
                            RowStatus::Joined
                        }
                        _ => RowStatus::Parsed,
                    },
                };
                (entry, status)
            })
            .collect()
    }

    /// Takes what a load reported per file, and the profile runs when they changed.
    fn took(&mut self, result: &LoadResult) {
        let new_models = result.files.iter().any(|o| {
            o.kind == FileKindId::Model
                && o.error.is_none()
                && self
                    .entries
                    .iter()
                    .any(|e| e.id == o.id && e.status == FileStatus::Reading)
        });
        if new_models {
            // A drop with readable models replaces the models of the drops before it.
            let fresh: Vec<u64> = result.files.iter().map(|o| o.id).collect();
            for entry in &mut self.entries {
                if entry.kind == Some(FileKindId::Model)
                    && entry.status == FileStatus::Parsed
                    && !fresh.contains(&entry.id)
                {
                    entry.status = FileStatus::Replaced;
                }
            }
        }
        for outcome in &result.files {
            let Some(entry) = self.entries.iter_mut().find(|e| e.id == outcome.id) else {
                continue;
            };
            entry.kind = Some(outcome.kind);
            entry.detail = outcome.detail.clone();
            entry.status = match (&outcome.error, outcome.skipped) {
                (Some(message), true) => FileStatus::Skipped(message.clone()),
                (Some(message), false) => FileStatus::Error(message.clone()),
                (None, _) => FileStatus::Parsed,
            };
        }
        if let Some(list) = &result.profiles {
            self.profiles = list.clone();
        }
    }

    /// The files a restore was giving a new worker, after it failed: they are no longer held,
    /// so the next worker is not given them again; each row says `message`.
    fn lost_in_restore(&mut self, message: &str) {
        let held = self.held();
        for entry in &mut self.entries {
            if held.iter().any(|&(id, _)| id == entry.id) {
                entry.status = FileStatus::NotRead(format!("{}: {message}", entry.name));
            }
        }
    }

    /// The files of a load that stopped (`generation`) and were not read: `culprit` (when
    /// known) gets `message` as its error, the others are not read (and are read again after
    /// the restart, once: a file read again that stops again gets the error).
    fn stopped(&mut self, generation: u64, culprit: Option<&str>, message: &str) {
        let again = match self.retried.take() {
            Some((retry_load, ids)) if retry_load == generation => ids,
            other => {
                self.retried = other;
                Vec::new()
            }
        };
        for entry in &mut self.entries {
            let read_again = again.contains(&entry.id);
            if !(entry.group == generation || read_again) || entry.status != FileStatus::Reading {
                continue;
            }
            entry.status = match culprit {
                Some(name) if name != entry.name && !read_again => {
                    self.retry.push((entry.id, entry.group));
                    FileStatus::NotRead(format!(
                        "{}: not read yet, the load stopped on {name}; read again after the restart",
                        entry.name
                    ))
                }
                _ => FileStatus::Error(format!("{}: {message}", entry.name)),
            };
        }
    }
}

impl AppState {
    /// Applies a files panel action.
    pub(super) fn files_action(&mut self, action: FilesAction) {
        match action {
            FilesAction::Added { group, files } => {
                // The page sends these files to the worker in the same step.
                let n_bytes = files.iter().map(|(_, _, size)| size).sum();
                let n_files = files.len();
                if let Some(loading) = self.loading.as_mut().filter(|l| {
                    l.generation == group
                        && matches!(l.stage, LoadStage::Reading | LoadStage::Fetching)
                }) {
                    loading.stage = LoadStage::Handed {
                        file_name: files
                            .first()
                            .map(|(_, name, _)| name.clone())
                            .unwrap_or_default(),
                        n_files,
                        n_bytes,
                    };
                }
                self.files
                    .entries
                    .extend(files.into_iter().map(|(id, name, size)| FileEntry {
                        id,
                        group,
                        name,
                        size,
                        kind: None,
                        detail: String::new(),
                        status: FileStatus::Reading,
                    }));
            }
            FilesAction::Removed(ids) => self.files.entries.retain(|e| !ids.contains(&e.id)),
            FilesAction::Cancel { generation } => {
                let pending = self.analysing.is_some_and(|p| p.generation == generation);
                if self.loading.as_ref().map(|l| l.generation) != Some(generation) && !pending {
                    return;
                }
                self.loading = None;
                self.analysing = None;
                self.files.stopped(generation, None, "cancelled");
                for entry in &mut self.files.entries {
                    if let FileStatus::Error(message) = &entry.status {
                        if message.ends_with(": cancelled") {
                            entry.status = FileStatus::NotRead(format!(
                                "{}: not read, its load was cancelled",
                                entry.name
                            ));
                        }
                    }
                }
                self.files.restarts += 1;
            }
            FilesAction::Hung {
                generation,
                limit_ms,
            } if self.files.restoring == Some(generation) => {
                self.files.restoring = None;
                self.files.lost_in_restore(&format!(
                    "not read again: the engine made no progress for {:.0} s while it read the \
                     kept files after a restart; drop it again",
                    limit_ms / 1000.0
                ));
                self.errors.push(format!(
                    "the engine could not read the kept files again (no progress for {:.0} s); \
                     drop them again",
                    limit_ms / 1000.0
                ));
                // A new worker, given nothing: the files it hung on are no longer held.
                self.files.restarts += 1;
            }
            FilesAction::Hung {
                generation,
                limit_ms,
            } => {
                let loading = self.loading.as_ref().filter(|l| l.generation == generation);
                let analysed = self
                    .graph
                    .as_ref()
                    .filter(|_| self.analysing.is_some_and(|p| p.generation == generation))
                    .map(|g| g.file_name.as_str());
                let Some(culprit) = loading
                    .map(|l| culprit(&l.stage).unwrap_or(&l.file_name))
                    .or(analysed)
                else {
                    return;
                };
                let reason = format!(
                    "opscope stopped reading this after {:.0} s without progress (the engine \
                     was restarted; the other files are kept)",
                    limit_ms / 1000.0
                );
                let culprit = culprit.to_string();
                self.loading = None;
                self.analysing = None;
                self.files.stopped(generation, Some(&culprit), &reason);
                self.errors = vec![format!("{culprit}: {reason}")];
                self.files.restarts += 1;
            }
            FilesAction::Restoring { generation } => self.files.restoring = Some(generation),
            FilesAction::EngineFailed { reason } => {
                let message = format!(
                    "the engine could not start in this browser ({reason}); no file can be read \
                     until it does (reload the page to try again)"
                );
                if let Some(generation) = self.worker_busy().or(self.loading_generation()) {
                    self.files.stopped(generation, None, &message);
                }
                self.loading = None;
                self.analysing = None;
                self.files.restoring = None;
                self.files.retry.clear();
                if !self.errors.contains(&message) {
                    self.errors.push(message);
                }
                self.files.engine_failed = Some(reason);
            }

            FilesAction::Retrying {
                generation,
                file_name,
                now_ms,
            } => {
                if generation <= self.generation {
                    return;
                }
                let retry = std::mem::take(&mut self.files.retry);
                self.files.retried = Some((generation, retry.iter().map(|&(id, _)| id).collect()));
                let mut handed = (String::new(), 0, 0);
                for entry in &mut self.files.entries {
                    if retry.iter().any(|&(id, _)| id == entry.id) {
                        entry.status = FileStatus::Reading;
                        handed.0.clone_from(&entry.name);
                        handed.1 += 1;
                        handed.2 += entry.size;
                    }
                }
                self.generation = generation;
                // The page sends them to the worker in the same step (queued behind the restore).
                let (first_name, n_files, n_bytes) = handed;
                self.loading = Some(super::loading::Loading {
                    generation,
                    file_name,
                    stage: LoadStage::Handed {
                        file_name: first_name,
                        n_files,
                        n_bytes,
                    },
                    started_ms: now_ms,
                });
            }
            FilesAction::ToggleCollapsed => self.files.collapsed = !self.files.collapsed,
        }
    }

    /// A message of the restore in flight: it updates the list only. `None` when `msg` is not
    /// of the restore.
    pub(super) fn restore_said(&mut self, msg: &FromWorker) -> Option<()> {
        let restoring = self.files.restoring?;
        if msg.generation() != restoring {
            return None;
        }
        match msg {
            FromWorker::Loaded { result, .. } => {
                self.files.took(result);
                if !result.analysis_follows {
                    self.files.restoring = None;
                }
            }
            FromWorker::Failed { message, .. } | FromWorker::Crashed { message, .. } => {
                self.files.restoring = None;
                self.files.lost_in_restore(
                    "not read again after the engine restarted (see the error above); drop it again",
                );
                self.errors.push(format!(
                    "the engine could not read the kept files again ({message}); drop them again"
                ));
            }
            FromWorker::Progress { .. } | FromWorker::Report { .. } => {}
        }
        Some(())
    }

    /// Takes the per-file outcomes of a load of the current generation, and what it cleared (a
    /// removed model or profile), before the rest of the result is applied.
    pub(super) fn files_took(&mut self, result: &LoadResult) {
        self.files.took(result);
        if result.model_cleared {
            self.graph = None;
            self.shown_model = None;
            self.analysis = None;
            self.selection = None;
            self.related.clear();
            self.heat = None;
            self.units = None;
            self.outlines = None;
            self.badges = None;
        }
        if result.profile_cleared {
            self.profile = None;
        }
        // Another model removed: the shown one may have moved in the list.
        if let (Some(models), None, Some(graph)) = (&result.models, &result.model, &self.graph) {
            self.shown_model = models.iter().position(|m| m.files == graph.files);
        }
    }

    /// A crash of the worker during the current load (or the analysis that follows its graph):
    /// the file it was reading gets the error, the load's other files are not read, and the
    /// worker is replaced. The file it names, when the stage read one file.
    pub(super) fn files_crashed(&mut self, generation: u64) -> Option<String> {
        let loading = self.loading.as_ref().filter(|l| l.generation == generation);
        let pending = self.analysing.is_some_and(|p| p.generation == generation);
        if loading.is_none() && !pending {
            return None;
        }
        let culprit = loading.and_then(|l| culprit(&l.stage)).map(str::to_string);
        self.files.stopped(
            generation,
            culprit.as_deref(),
            "opscope stopped while reading this (internal error); the other files are kept",
        );
        self.files.restarts += 1;
        culprit
    }

    /// The generation of the work the worker is doing for the page: a load past the page's
    /// own reading, or the analysis that follows a graph (what the watchdog and Cancel act on).
    pub fn worker_busy(&self) -> Option<u64> {
        self.loading
            .as_ref()
            .filter(|l| matches!(l.stage, LoadStage::Worker(_) | LoadStage::Handed { .. }))
            .map(|l| l.generation)
            .or(self.analysing.map(|p| p.generation))
    }

    /// The generation of any load in progress, whatever its stage.
    fn loading_generation(&self) -> Option<u64> {
        self.loading.as_ref().map(|l| l.generation)
    }

    /// What the hang watchdog watches: the worker's work for the page ([`Self::worker_busy`]),
    /// or else a restore of the kept files in flight (which the Cancel button does not stop).
    pub fn worker_watched(&self) -> Option<u64> {
        self.worker_busy().or(self.files.restoring)
    }

    /// The bytes the worker's current stage reads (its `Parsing` or `ReadingProfile` report,
    /// or the files just handed to it), 0 for other stages: a long step over a large file is
    /// not a hang. A restore reads every kept file again, with no stage reported to the page,
    /// before any load queued behind it: their sizes are added.
    pub fn worker_bytes(&self) -> u64 {
        let stage = match self.loading.as_ref().map(|l| &l.stage) {
            Some(
                LoadStage::Worker(
                    Stage::Parsing { n_bytes, .. } | Stage::ReadingProfile { n_bytes, .. },
                )
                | LoadStage::Handed { n_bytes, .. },
            ) => *n_bytes,
            _ => 0,
        };
        let restore = if self.files.restoring.is_some() {
            let held = self.files.held();
            self.files
                .entries
                .iter()
                .filter(|e| held.iter().any(|&(id, _)| id == e.id))
                .map(|e| e.size)
                .sum()
        } else {
            0
        };
        stage + restore
    }
}

/// The file a stage is reading, when it reads one file.
fn culprit(stage: &LoadStage) -> Option<&str> {
    match stage {
        LoadStage::Worker(Stage::Parsing {
            file_name,
            n_files: 1,
            ..
        })
        | LoadStage::Handed {
            file_name,
            n_files: 1,
            ..
        } => Some(file_name),
        _ => None,
    }
}

#[cfg(test)]
#[path = "files_tests.rs"]
mod tests;
