//! The files the session holds, by the page's ids: the profile entries (one per run dropped)
//! and which is active, removing files, switching the active profile, restoring a new worker,
//! and what became of each file of a load (the files panel's rows).
//!
//! Removing and switching change the session at once (they are cheap); the analysis they need
//! runs as a load, like any other.

use opscope_engine::report::GraphViewOptions;
use opscope_engine::InputFile;

use super::{Job, Session};
use crate::worker::protocol::{
    FileKindId, FileOutcome, FilePayload, ModelChoice, ProfileChoice, ProfileList, TargetKey,
};

/// Test-only model names that make the parse step panic or never return, honoured when the page
/// asks (`?test_faults=1`), so the page's recovery from a crash or a hang can be tested.
pub const TEST_PANIC: &str = "__opscope_test_panic__.onnx";
pub const TEST_HANG: &str = "__opscope_test_hang__.onnx";
/// Test-only model name that makes the worker never return from the message that brought it,
/// before it reports any stage (as a worker stuck reading a file would).
pub const TEST_HANG_UNREAD: &str = "__opscope_test_hang_unread__.onnx";

impl Session {
    /// The active profile entry.
    pub(super) fn profile(&self) -> Option<&super::LoadedProfile> {
        let active = self.active?;
        self.profiles.iter().find(|p| p.group == active)
    }

    /// The profile entries and the active one, as the page lists them.
    pub fn profile_list(&self) -> ProfileList {
        ProfileList {
            entries: self
                .profiles
                .iter()
                .map(|p| ProfileChoice {
                    group: p.group,
                    label: run_label(&p.files),
                    files: p.files.clone(),
                    rows: p.import.profile.tasks.len(),
                })
                .collect(),
            active: self.active,
        }
    }

    /// Adds the entries a load read (an entry of the same group is replaced: read again after a
    /// removal) and makes the one it names active; the list goes to the page when it changed.
    pub(super) fn take_profiles(&mut self, job: &mut Job) {
        let changed = !job.new_profiles.is_empty() || job.profile_changed;
        for entry in job.new_profiles.drain(..) {
            match self.profiles.iter_mut().find(|p| p.group == entry.group) {
                Some(slot) => *slot = entry,
                None => self.profiles.push(entry),
            }
        }
        if let Some(active) = job.activate.take() {
            if self.profiles.iter().any(|p| p.group == active) {
                self.active = Some(active);
            }
        }
        if changed {
            job.result.profiles = Some(self.profile_list());
        }
    }

    /// Forgets the files with these ids. A profile entry loses them and is read again from its
    /// other files (an entry left empty goes; when it was active, the last entry left becomes
    /// active). A model any of whose files goes is dropped: when it was shown, the next model
    /// (or the one before) is shown, else the graph is cleared and the profile stays alone.
    pub fn remove(&mut self, ids: &[u64], target: TargetKey, view: GraphViewOptions) -> Job {
        let mut job = Job::new(target, view);
        let gone = |id: &u64| ids.contains(id);
        // Profiles.
        let active = self.active;
        for entry in &mut self.profiles {
            if !entry.ids.iter().any(gone) {
                continue;
            }
            let inputs = std::mem::take(&mut entry.inputs);
            let old_ids = std::mem::take(&mut entry.ids);
            entry.files.clear();
            for (input, id) in inputs.into_iter().zip(old_ids) {
                if gone(&id) {
                    continue;
                }
                entry.ids.push(id);
                entry.files.push(input.name().to_string());
                job.profile_files.push(input);
                job.profile_tags.push((id, entry.group));
            }
            if active == Some(entry.group) {
                job.profile_changed = true;
            }
        }
        self.profiles.retain(|p| !p.ids.is_empty());
        if let Some(active) = active {
            if !self.profiles.iter().any(|p| p.group == active) {
                self.active = self.profiles.last().map(|p| p.group);
                job.result.profile_cleared = self.active.is_none();
                job.profile_changed = true;
            }
        }
        job.activate = self.active;
        job.restoring = true;
        // Models.
        let removed: Vec<usize> = (0..self.models.len())
            .filter(|&i| self.models[i].ids.iter().any(gone))
            .collect();
        if !removed.is_empty() {
            let shown = self.shown;
            let before = |i: usize| removed.iter().filter(|&&r| r < i).count();
            for &index in removed.iter().rev() {
                self.models.remove(index);
            }
            job.result.models = Some(self.models.iter().map(model_choice).collect());
            match shown {
                Some(s) if !removed.contains(&s) => self.shown = Some(s - before(s)),
                Some(s) if !self.models.is_empty() => {
                    let next = (s - before(s)).min(self.models.len() - 1);
                    self.shown = None;
                    job.show = Some(next);
                    job.model_changed = true;
                }
                Some(_) => {
                    self.shown = None;
                    self.analysed = false;
                    job.result.model_cleared = true;
                    job.model_changed = true;
                }
                None => {}
            }
        }
        job
    }

    /// Makes the profile entry `group` the active one and analyses the shown model with it (no
    /// parsing); `None` when there is no such entry.
    pub fn select_profile(&mut self, group: u64, target: TargetKey) -> Option<Job> {
        if !self.profiles.iter().any(|p| p.group == group) {
            return None;
        }
        self.active = Some(group);
        let mut job = Job::new(target, GraphViewOptions::default());
        job.profile_changed = true;
        Some(job)
    }

    /// A load of everything an old worker held: the files of its models and profile entries
    /// (each tagged with its entry's group), the model and graph it showed, its active entry.
    pub fn restore(
        &self,
        files: Vec<FilePayload>,
        show: Option<(usize, usize)>,
        active: Option<u64>,
        target: TargetKey,
        view: GraphViewOptions,
    ) -> Job {
        let mut job = self.open(files, target, view);
        job.restoring = true;
        job.restore_show = show;
        job.activate = active;
        job
    }
}

/// `PROF_000001` for the files of a dropped folder, else the first file's name, with a count of
/// the others.
pub fn run_label(files: &[String]) -> String {
    let Some(first) = files.first() else {
        return String::new();
    };
    if let Some((folder, _)) = first.split_once('/') {
        return folder.to_string();
    }
    match files.len() {
        1 => first.clone(),
        n => format!("{first} + {}", n - 1),
    }
}

fn model_choice(m: &super::LoadedModel) -> ModelChoice {
    ModelChoice {
        files: m.files.clone(),
        pairing: m.pairing.map(|p| p.describe().to_string()),
        format: m.model.format.name().to_string(),
        n_nodes: m.model.graph.nodes.len(),
    }
}

/// The page's id of the file named `name` among `files` (0 when none: a file the engine named
/// otherwise).
pub fn id_of<'a>(name: &str, mut files: impl Iterator<Item = &'a str>, ids: &[u64]) -> u64 {
    files
        .position(|f| f == name)
        .and_then(|i| ids.get(i).copied())
        .unwrap_or(0)
}

pub fn read(id: u64, kind: FileKindId, detail: &str) -> FileOutcome {
    FileOutcome {
        id,
        kind,
        detail: detail.to_string(),
        error: None,
        skipped: false,
    }
}

pub fn failed(id: u64, kind: FileKindId, message: String) -> FileOutcome {
    FileOutcome {
        id,
        kind,
        detail: String::new(),
        error: Some(message),
        skipped: false,
    }
}

pub fn unreadable(id: u64, message: String) -> FileOutcome {
    failed(id, FileKindId::Unreadable, message)
}

/// A file of a dropped folder that is neither a model nor profiling data: skipped when the rest
/// of the drop was read, else an error.
pub fn foreign(id: u64, message: &str, skipped: bool) -> FileOutcome {
    FileOutcome {
        id,
        kind: FileKindId::Unreadable,
        detail: String::new(),
        error: Some(message.to_string()),
        skipped,
    }
}

/// Never returns when a file dropped is [`TEST_HANG_UNREAD`], when test faults are honoured.
pub fn test_fault_on_arrival<'a>(enabled: bool, mut names: impl Iterator<Item = &'a str>) {
    if enabled && names.any(|name| name.ends_with(TEST_HANG_UNREAD)) {
        loop {
            std::hint::spin_loop();
        }
    }
}

/// Panics or never returns on the test-only files, when they are honoured.
pub fn test_fault(enabled: bool, files: &[InputFile]) {
    if !enabled {
        return;
    }
    for file in files {
        if file.name.ends_with(TEST_PANIC) {
            panic!("{}: test fault: a panic while parsing", file.name);
        }
        if file.name.ends_with(TEST_HANG) {
            loop {
                std::hint::spin_loop();
            }
        }
    }
}

#[cfg(test)]
#[path = "entries_tests.rs"]
mod tests;
