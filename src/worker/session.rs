//! What the worker remembers between loads (the models of the last drop, the loaded profile) and
//! the steps of one load. Pure and synchronous, so whole loads are tested natively; the agent
//! ([`super::agent`]) runs one step per task of the worker's event loop, so a newer drop or a
//! cancel is seen between steps.
//!
//! A load changes the session only when it finishes ([`Session::finish`]): a load cancelled half
//! way leaves what the page shows and what the worker holds in step.
//!
//! Rules of a drop:
//! - every file is sorted into models and profiling files by content;
//! - readable models replace the models of the previous drop, and the first is shown;
//! - the profiling files of a drop are one profile entry (one drop is one run), added to the
//!   entries already held and made the active one, unless none of them gave any data; a drop
//!   without profiling files keeps the active profile and joins it to the newly shown model (a
//!   model replaced keeps its profiles);
//! - removing files, switching the active profile and restoring a new worker are in
//!   [`entries`]; they change the session when asked (cheap), the work they start runs as a
//!   load;
//! - a file that cannot be read is one line of [`LoadResult::errors`]; the others still load;
//! - any graph of a model (a control-flow body, a library function) can be shown in place of its
//!   main graph; the profile stays joined to the model;
//! - the shown model is analysed for the chosen target whenever it changes, a profile arrives or
//!   the target changes ([`Step::Analyse`]). With a profile the analysis is measured; without
//!   one its cost model's estimate is sent as the profile ([`ProfileData::estimated`]), so the
//!   page's hotspots, charts and heat map work on a model alone. The estimate is never held as
//!   the session's profile: a measured profile dropped later replaces it.

use opscope_engine::analysis::{analyze, AnalyzeOptions, CannVersion};
use opscope_engine::ir::Model;
use opscope_engine::profile::{join, ProfileError, ProfileImport};
use opscope_engine::report::render::ReportOverlay;
use opscope_engine::report::saved::{read_saved_report, SavedReport};
use opscope_engine::report::{analysis_report_file, ReportFormat};
use opscope_engine::report::{
    graph_at, graph_list, graph_view_with, GraphEntry, GraphKind, GraphView, GraphViewOptions,
};
use opscope_engine::{classify_file, open_model, open_models, FileKind, InputFile, Pairing};
use std::collections::BTreeMap;
use std::rc::Rc;

use super::analysis_data::analysis_data;
use super::profile_data::profile_data;
use super::protocol::{
    AnalysisData, FileKindId, FilePayload, GraphChoice, LoadResult, ModelChoice, ModelLoad,
    ProfileData, ReportFile, ReportKind, Stage, TargetKey, Timings,
};
use super::reopen::{analysis_of_report, fits_model, profile_of_report};
use crate::inputs::{is_model_name, is_profile_name};

mod entries;
mod external_data;
mod streamed;

pub use streamed::{ProfileFile, StreamSource};

/// Drawings kept per model (graphs of the pickers, constants folded or not, scopes folded
/// this way or that) before the cache starts again.
const MAX_KEPT_VIEWS: usize = 8;

/// What the worker holds between loads.
#[derive(Default)]
pub struct Session {
    models: Vec<LoadedModel>,
    shown: Option<usize>,
    /// The page has the analysis of the shown model (it comes after the graph; a load that
    /// stopped between the two leaves it missing, and the next load of the model runs it).
    analysed: bool,
    /// One entry per run dropped, in the order they came; `active` is the `group` of the one
    /// joined to the shown model.
    profiles: Vec<LoadedProfile>,
    active: Option<u64>,
    /// Honour the test-only files that make a step panic or hang (`?test_faults=1`).
    pub test_faults: bool,
}

struct LoadedModel {
    files: Vec<String>,
    /// The page's ids of `files`.
    ids: Vec<u64>,
    pairing: Option<Pairing>,
    model: Model,
    /// Views laid out so far, by index into the model's graph list and the options they were
    /// drawn with; kept for the pickers and the "Constants as nodes" toggle.
    views: BTreeMap<(usize, GraphViewOptions), Rc<GraphView>>,
}

struct LoadedProfile {
    /// The page's drop group: the entry's id.
    group: u64,
    files: Vec<String>,
    /// The page's ids of every file of the entry that was read (`inputs`).
    ids: Vec<u64>,
    /// The files themselves (a streamed one as its source), kept so that removing one reads the
    /// others again without the page.
    inputs: Vec<ProfileFile>,
    import: ProfileImport,
}

/// The steps of a load, in the order they run; a step with nothing to do is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    ParseModels,
    ReadReport,
    ReadProfile,
    Layout,
    Analyse,
}

const STEPS: [Step; 5] = [
    Step::ParseModels,
    Step::ReadReport,
    Step::ReadProfile,
    Step::Layout,
    Step::Analyse,
];

/// One load in progress.
pub struct Job {
    model_files: Vec<InputFile>,
    /// The page's ids of `model_files`.
    model_ids: Vec<u64>,
    profile_files: Vec<ProfileFile>,
    /// `(id, group)` of each of `profile_files`.
    profile_tags: Vec<(u64, u64)>,
    /// Analysis reports (JSON) dropped to be reopened.
    report_files: Vec<InputFile>,
    report_ids: Vec<u64>,
    /// The report read from them, with its file name: shown instead of a new analysis.
    reopened: Option<(String, SavedReport)>,
    /// Index of the next step in [`STEPS`].
    next: usize,
    /// Models read by this load (they replace the session's when it finishes).
    new_models: Option<Vec<LoadedModel>>,
    /// Profile entries read by this load (added to the session's, or replacing the entry of
    /// the same group, when it finishes).
    new_profiles: Vec<LoadedProfile>,
    /// The entry to make active when the load finishes (`None`: the session's stays).
    activate: Option<u64>,
    /// The active profile changed (switched, removed, read again): analyse again and send it.
    profile_changed: bool,
    /// The model and graph a restore shows instead of the first.
    restore_show: Option<(usize, usize)>,
    /// A new worker reads what the old one held ([`Session::restore`]).
    restoring: bool,
    /// What became of each file given, for the files panel.
    outcomes: Vec<super::protocol::FileOutcome>,
    /// The model to lay out and show (in `new_models` when set, else in the session's).
    show: Option<usize>,
    /// Which graph of that model (index into its graph list; 0 = the main graph).
    show_graph: usize,
    /// How to draw it.
    view: GraphViewOptions,
    /// The shown model changed, so it is analysed and a loaded profile joined again.
    model_changed: bool,
    /// The target changed: analyse the shown model again.
    reanalyse: bool,
    /// Files of dropped folders that neither importer read and that are not named like a model
    /// (metadata, logs): `(file, reason, the whole message)`. Skipped when the rest of the drop
    /// gave a model or a profile, else errors ([`Session::finish`]).
    foreign: Vec<(String, String, String)>,
    /// Files the page read only in part, and what was left unread: a warning of their model.
    partly_read: Vec<(String, String)>,
    /// The page's ids of the foreign files, by name.
    foreign_ids: Vec<(String, u64)>,
    /// `(location, model file)` of the ONNX external data files the known models name
    /// ([`external_data`]).
    external_data: Vec<(String, String)>,
    /// This load read at least one model.
    models_read: bool,
    target: TargetKey,
    result: LoadResult,
    /// Told the progress of a long step (a streamed profile's bytes read).
    progress: Rc<dyn Fn(Stage)>,
}

impl Job {
    fn new(target: TargetKey, view: GraphViewOptions) -> Job {
        Job {
            model_files: Vec::new(),
            model_ids: Vec::new(),
            profile_files: Vec::new(),
            profile_tags: Vec::new(),
            report_files: Vec::new(),
            report_ids: Vec::new(),
            reopened: None,
            next: 0,
            new_models: None,
            new_profiles: Vec::new(),
            activate: None,
            profile_changed: false,
            restore_show: None,
            restoring: false,
            outcomes: Vec::new(),
            show: None,
            show_graph: 0,
            view,
            model_changed: false,
            reanalyse: false,
            foreign: Vec::new(),
            partly_read: Vec::new(),
            foreign_ids: Vec::new(),
            external_data: Vec::new(),
            models_read: false,
            target,
            result: LoadResult {
                timings: Timings::default(),
                ..LoadResult::default()
            },
            progress: Rc::new(|_| {}),
        }
    }

    /// Where the progress of a long step goes (the agent sends it to the page).
    pub fn report_progress_to(&mut self, progress: Rc<dyn Fn(Stage)>) {
        self.progress = progress;
    }

    /// Adds the wall time of a step to the load's timings.
    pub fn add_time(&mut self, step: Step, ms: f64) {
        let timings = &mut self.result.timings;
        match step {
            Step::ParseModels | Step::ReadReport => timings.parse_ms += ms,
            Step::ReadProfile => timings.profile_ms += ms,
            Step::Layout => timings.layout_ms += ms,
            Step::Analyse => timings.analysis_ms += ms,
        }
    }

    /// Records a file of the drop that could not be read; the others still load.
    pub fn push_unreadable(&mut self, message: String) {
        self.result.errors.push(message);
    }

    /// A file the page read only in part (a large model's structure, its weights left unread):
    /// what was left becomes a warning of the model it belongs to.
    pub fn push_partly_read(&mut self, file: String, what_was_left: String) {
        self.partly_read.push((file, what_was_left));
    }

    /// Records a file the page gave (`id`) that could not be read; the others still load.
    pub fn push_unreadable_file(&mut self, id: u64, message: String) {
        self.outcomes.push(entries::unreadable(id, message.clone()));
        self.result.errors.push(message);
    }

    /// Records an error that stops the load (an engine crash caught natively).
    pub fn push_error(&mut self, message: String) {
        self.result.errors.push(message);
        self.next = STEPS.len();
    }
}

impl Session {
    /// The test fault of a file that stops the worker as it arrives (`?test_faults=1` only).
    pub fn test_fault_on_arrival<'a>(&self, names: impl Iterator<Item = &'a str>) {
        entries::test_fault_on_arrival(self.test_faults, names);
    }

    /// Starts loading the files of one drop; the shown model is drawn as `view` says and
    /// analysed for `target`.
    pub fn open(&self, files: Vec<FilePayload>, target: TargetKey, view: GraphViewOptions) -> Job {
        let mut job = Job::new(target, view);
        for file in files {
            let (id, group) = (file.id, file.group);
            let input = InputFile::new(file.name, file.bytes);
            if let Some(stream) = file.stream {
                // Only a profiling table is streamed; `input` holds its first bytes.
                job.profile_files.push(ProfileFile {
                    input,
                    stream: Some(stream),
                });
                job.profile_tags.push((id, group));
                continue;
            }
            match classify_file(&input) {
                FileKind::Model => {
                    job.model_files.push(input);
                    job.model_ids.push(id);
                }
                FileKind::Profile => {
                    job.profile_files.push(ProfileFile {
                        input,
                        stream: None,
                    });
                    job.profile_tags.push((id, group));
                }
                FileKind::Report => {
                    job.report_files.push(input);
                    job.report_ids.push(id);
                }
            }
        }
        // Weights dropped after their model (the models are walked only when the drop holds a
        // file that may be some).
        if !job.profile_files.is_empty() {
            for model in &self.models {
                if let Some(model_file) = model.files.first() {
                    job.note_external_data(model_file, &model.model);
                }
            }
            job.set_aside_external_data();
        }
        job
    }

    /// Starts showing a graph of a model of the last drop; `None` when there is no such model.
    /// A graph that does not exist falls back to the main graph. Only another model needs the
    /// profile joined again: the join is to the model, whichever of its graphs is drawn (or
    /// however: the same graph with other `view` options is only laid out again).
    pub fn show(
        &self,
        index: usize,
        graph: usize,
        target: TargetKey,
        view: GraphViewOptions,
    ) -> Option<Job> {
        if index >= self.models.len() {
            return None;
        }
        let mut job = Job::new(target, view);
        job.show = Some(index);
        job.show_graph = graph;
        job.model_changed = self.shown != Some(index) || !self.analysed;
        Some(job)
    }

    /// Starts analysing the shown model again for `target`; `None` when no model is shown.
    pub fn reanalyse(&self, target: TargetKey) -> Option<Job> {
        self.shown.filter(|&shown| shown < self.models.len())?;
        let mut job = Job::new(target, GraphViewOptions::default());
        job.reanalyse = true;
        Some(job)
    }

    /// What the next step will do, for the status bar; `None` when the load is complete.
    pub fn next_stage(&self, job: &mut Job) -> Option<Stage> {
        while let Some(&step) = STEPS.get(job.next) {
            if let Some(stage) = self.stage_of(job, step) {
                return Some(stage);
            }
            job.next += 1;
        }
        None
    }

    fn stage_of(&self, job: &Job, step: Step) -> Option<Stage> {
        let n_bytes = |files: &[InputFile]| files.iter().map(|f| f.data.len() as u64).sum();
        match step {
            Step::ParseModels => {
                let first = job.model_files.first()?;
                Some(Stage::Parsing {
                    file_name: first.name.clone(),
                    n_files: job.model_files.len(),
                    n_bytes: n_bytes(&job.model_files),
                })
            }
            Step::ReadReport => {
                let first = job.report_files.first()?;
                Some(Stage::Parsing {
                    file_name: first.name.clone(),
                    n_files: job.report_files.len(),
                    n_bytes: n_bytes(&job.report_files),
                })
            }
            Step::ReadProfile => {
                if job.profile_files.is_empty() {
                    return None;
                }
                Some(Stage::ReadingProfile {
                    n_files: job.profile_files.len(),
                    n_bytes: job.profile_files.iter().map(ProfileFile::size).sum(),
                    done_bytes: 0,
                })
            }
            Step::Layout => {
                let model = self.models_of(job).get(job.show?)?;
                Some(Stage::Layout {
                    n_nodes: model.model.graph.nodes.len(),
                })
            }
            Step::Analyse => {
                if let Some((_, report)) = &job.reopened {
                    return Some(Stage::Analysing {
                        n_nodes: report.per_node.len(),
                        n_tasks: 0,
                        target: report.target.name.clone(),
                    });
                }
                if job.new_profiles.is_empty()
                    && !job.model_changed
                    && !job.reanalyse
                    && !job.profile_changed
                {
                    return None;
                }
                let profile = self.profile_of(job);
                let model = self.analysed_model(job);
                if profile.is_none() && model.is_none() {
                    return None;
                }
                Some(Stage::Analysing {
                    n_nodes: model.map_or(0, |m| m.model.graph.nodes.len()),
                    n_tasks: profile.map_or(0, |p| p.import.profile.tasks.len()),
                    target: job.target.name().to_string(),
                })
            }
        }
    }

    /// The profile the load joins: the entry it makes active (new or held), else the
    /// session's active one.
    fn profile_of<'a>(&'a self, job: &'a Job) -> Option<&'a LoadedProfile> {
        let active = job.activate.or(self.active)?;
        job.new_profiles
            .iter()
            .chain(self.profiles.iter())
            .find(|p| p.group == active)
    }

    fn models_of<'a>(&'a self, job: &'a Job) -> &'a [LoadedModel] {
        job.new_models.as_deref().unwrap_or(&self.models)
    }

    /// The model the load shows (or keeps showing), which the analysis is of.
    fn analysed_model<'a>(&'a self, job: &'a Job) -> Option<&'a LoadedModel> {
        match job.show {
            Some(show) => self.models_of(job).get(show),
            None => self.shown.and_then(|show| self.models.get(show)),
        }
    }

    /// Runs the next step; returns the step it ran, or `None` when the load is complete.
    pub fn step(&mut self, job: &mut Job) -> Option<Step> {
        self.next_stage(job)?;
        let step = STEPS[job.next];
        job.next += 1;
        match step {
            Step::ParseModels => {
                entries::test_fault(self.test_faults, &job.model_files);
                parse_models(job);
                if let Some((index, graph)) = job.restore_show {
                    if job.show.is_some() {
                        let n_models = job.new_models.as_ref().map_or(0, Vec::len);
                        job.show = Some(index.min(n_models.saturating_sub(1)));
                        job.show_graph = graph;
                    }
                }
            }
            Step::ReadReport => read_report(job),
            Step::ReadProfile => read_profile(job),
            Step::Layout => self.layout(job),
            Step::Analyse => self.analyse(job),
        }
        Some(step)
    }

    fn layout(&mut self, job: &mut Job) {
        let Some(show) = job.show else {
            return;
        };
        let models = match job.new_models.as_mut() {
            Some(models) => models,
            None => &mut self.models,
        };
        let Some(loaded) = models.get_mut(show) else {
            return;
        };
        let entries = graph_list(&loaded.model);
        let (graph, path) = match entries.get(job.show_graph) {
            Some(entry) => (job.show_graph, &entry.path),
            None => (0, &entries[0].path),
        };
        let model = &loaded.model;
        let key = (graph, job.view.clone());
        // Every fold and unfold is another drawing; keep a few, not one per click.
        if !loaded.views.contains_key(&key) && loaded.views.len() >= MAX_KEPT_VIEWS {
            loaded.views.clear();
        }
        let view = loaded
            .views
            .entry(key)
            .or_insert_with(|| {
                let shown = graph_at(model, path).unwrap_or(&model.graph);
                Rc::new(graph_view_with(model, shown, &job.view))
            })
            .clone();
        job.result.model = Some(ModelLoad {
            index: show,
            view,
            files: loaded.files.clone(),
            pairing: loaded.pairing.map(|p| p.describe().to_string()),
            graph,
            options: job.view.clone(),
            graphs: entries.iter().map(graph_choice).collect(),
        });
    }

    fn analyse(&mut self, job: &mut Job) {
        if let Some((file, report)) = job.reopened.take() {
            match self.analysed_model(job) {
                Some(loaded) if !fits_model(&report, &loaded.model) => {
                    job.result.errors.push(format!(
                        "{file}: this report is of the {} model `{}` ({} nodes), not of {} ({} nodes); showing the analysis of the model instead",
                        report.model.format,
                        report.model.name,
                        report.per_node.len(),
                        loaded.files.first().map_or("the model shown", String::as_str),
                        loaded.model.graph.nodes.len()
                    ));
                }
                shown => {
                    let mut analysis = analysis_of_report(&report, &file);
                    if shown.is_none() {
                        analysis.notes.insert(
                            0,
                            format!(
                                "The graph needs the model: drop {} ({}) with the report to see it.",
                                report.model.name, report.model.format
                            ),
                        );
                    }
                    job.result.analysis = Some(analysis);
                    job.result.profile = Some(profile_of_report(&report, &file));
                    return;
                }
            }
        }
        let (profile, analysis) = self.analysis_of(job);
        job.result.profile = profile;
        job.result.analysis = analysis;
    }

    /// The profile as the page should now show it (`None`: unchanged) and the analysis of the
    /// shown model.
    fn analysis_of(&self, job: &Job) -> (Option<ProfileData>, Option<AnalysisData>) {
        let profile = self.profile_of(job);
        let Some(loaded) = self.analysed_model(job) else {
            // A profile without a model: its report alone.
            let data = profile.map(|p| profile_data(&p.files, &p.import, None));
            return (data, None);
        };
        let options = AnalyzeOptions {
            target: job.target.engine_id(),
            cann: CannVersion::DEFAULT,
        };
        let analysis = analyze(&loaded.model, profile.map(|p| &p.import.profile), &options);
        let data = analysis_data(&loaded.model, &analysis, job.target);
        // A new target alone leaves a measured profile's tables as they are.
        let profile_unchanged =
            job.new_profiles.is_empty() && !job.model_changed && !job.profile_changed;
        let profile_data = match (profile, analysis.measured.as_ref()) {
            (Some(_), _) if profile_unchanged => None,
            (Some(profile), measured) => Some(profile_data(
                &profile.files,
                &profile.import,
                measured.map(|m| &m.join),
            )),
            (None, _) => analysis
                .estimated_profile(&loaded.model)
                .and_then(|estimate| estimated_data(&loaded.model, estimate)),
        };
        (profile_data, Some(data))
    }

    /// The analysis report of the shown model, analysed for `target` with the loaded profile, as
    /// `opscope analyze MODEL --profile ... --target ... --format ... --overlay ...` writes it
    /// (the same engine function, so the same bytes).
    pub fn report(
        &self,
        kind: ReportKind,
        overlay: &str,
        target: TargetKey,
    ) -> Result<ReportFile, String> {
        let loaded = self
            .shown
            .and_then(|shown| self.models.get(shown))
            .ok_or("no model is loaded: the report needs the model (drop it, with the profiling files of a run if you have them)")?;
        let options = AnalyzeOptions {
            target: target.engine_id(),
            cann: CannVersion::DEFAULT,
        };
        let format = kind.format();
        let text = analysis_report_file(
            &loaded.model,
            self.profile().map(|p| &p.import),
            &options,
            format,
            ReportOverlay::parse(overlay).unwrap_or_default(),
        )
        .map_err(|err| format!("cannot write the report: {err}"))?;
        let model_file = loaded.files.first().map_or("model", String::as_str);
        Ok(ReportFile {
            name: report_file_name(model_file, format),
            mime: format.mime().to_string(),
            text,
        })
    }

    /// The shown graph, as soon as it is laid out, when an analysis is still to run: the load's
    /// result so far (the models, the graph, the errors), marked as followed by the analysis,
    /// which [`Session::finish`] then returns alone. The session holds the new models from now
    /// on, as the page shows them; the profile stays with the job, as its join comes with the
    /// analysis. `None` when the next step is not the analysis or there is no graph to send.
    pub fn take_shown(&mut self, job: &mut Job) -> Option<LoadResult> {
        if job.result.model.is_none() || STEPS.get(job.next) != Some(&Step::Analyse) {
            return None;
        }
        self.next_stage(job)?;
        if STEPS.get(job.next) != Some(&Step::Analyse) {
            return None;
        }
        if let Some(models) = job.new_models.take() {
            self.models = models;
        }
        self.shown = job.show;
        self.analysed = false;
        let mut shown = Job::new(job.target, job.view.clone()).result;
        std::mem::swap(&mut shown, &mut job.result);
        shown.analysis_follows = true;
        // The files read so far, so the page holds the shown model's files as the session does.
        shown.files = job.outcomes.clone();
        Some(shown)
    }

    /// Ends the load: the session now holds what the page will show.
    pub fn finish(&mut self, mut job: Job) -> LoadResult {
        // The models may already be with the session ([`Session::take_shown`]).
        let read_something =
            job.models_read || !job.new_profiles.is_empty() || job.result.analysis.is_some();
        for (file, reason, message) in std::mem::take(&mut job.foreign) {
            let id = job
                .foreign_ids
                .iter()
                .find(|(name, _)| *name == file)
                .map(|(_, id)| *id);
            if let Some(id) = id {
                job.outcomes
                    .push(entries::foreign(id, &message, read_something));
            }
            if read_something {
                job.result.skipped.push((file, reason));
            } else {
                job.result.errors.push(message);
            }
        }
        if let Some(models) = job.new_models.take() {
            self.models = models;
            self.shown = None;
        }
        if job.result.model.is_some() {
            self.shown = job.show;
        }
        self.take_profiles(&mut job);
        job.result.files = std::mem::take(&mut job.outcomes);
        if job.result.analysis.is_some() {
            self.analysed = true;
        }
        job.result
    }
}

/// The cost model's estimate as the page's profile, joined to the model it estimates; `None`
/// when the estimate has no task (nothing to chart). Its findings are dropped: the profile rules
/// judge measurements, and the analysis's own findings are the list the page shows.
fn estimated_data(
    model: &Model,
    estimate: opscope_engine::profile::Profile,
) -> Option<ProfileData> {
    if estimate.tasks.is_empty() {
        return None;
    }
    let joined = join(&estimate, model);
    let import = ProfileImport {
        profile: estimate,
        issues: Vec::new(),
        errors: Vec::new(),
    };
    let mut data = profile_data(&[], &import, Some(&joined));
    data.estimated = true;
    data.findings.clear();
    data.skipped_checks.clear();
    Some(data)
}

/// `resnet50-report.html` for `models/resnet50.onnx`.
fn report_file_name(model_file: &str, format: ReportFormat) -> String {
    let safe = crate::export::safe_stem(model_file, "model");
    format!("{safe}-report.{}", format.extension())
}

/// Reads the dropped report (one at a time: a second is an error naming it).
fn read_report(job: &mut Job) {
    let ids = std::mem::take(&mut job.report_ids);
    let mut files = std::mem::take(&mut job.report_files).into_iter().zip(ids);
    let Some((first, first_id)) = files.next() else {
        return;
    };
    match read_saved_report(&first) {
        Ok(report) => {
            job.outcomes
                .push(entries::read(first_id, FileKindId::Report, "report"));
            job.reopened = Some((first.name.clone(), report));
        }
        Err(err) => {
            job.outcomes
                .push(entries::unreadable(first_id, err.to_string()));
            job.result.errors.push(err.to_string());
        }
    }
    for (extra, id) in files {
        let message = format!(
            "{}: only one report is reopened at a time; {} is shown",
            extra.name, first.name
        );
        job.outcomes
            .push(entries::failed(id, FileKindId::Report, message.clone()));
        job.result.errors.push(message);
    }
}

fn parse_models(job: &mut Job) {
    let imported = open_models(&job.model_files);
    for model in &imported {
        if let (Some(model_file), Ok(loaded)) = (model.files.first(), &model.result) {
            job.note_external_data(model_file, loaded);
        }
    }
    let mut models = Vec::new();
    for model in imported {
        match model.result {
            Ok(mut loaded) => {
                for (file, what_was_left) in &job.partly_read {
                    if model.files.contains(file) {
                        loaded.warnings.push(format!("{file}: {what_was_left}"));
                    }
                }
                let ids: Vec<u64> = model
                    .files
                    .iter()
                    .map(|name| {
                        entries::id_of(
                            name,
                            job.model_files.iter().map(|f| f.name.as_str()),
                            &job.model_ids,
                        )
                    })
                    .collect();
                for &id in &ids {
                    job.outcomes
                        .push(entries::read(id, FileKindId::Model, loaded.format.name()));
                }
                models.push(LoadedModel {
                    files: model.files,
                    ids,
                    pairing: model.pairing,
                    model: loaded,
                    views: BTreeMap::new(),
                })
            }
            Err(err) => {
                let id = entries::id_of(
                    err.file(),
                    job.model_files.iter().map(|f| f.name.as_str()),
                    &job.model_ids,
                );
                // Weights some model sniffer half-recognised.
                if job.take_if_weights(err.file(), id) {
                    continue;
                }
                // A folder's file some model sniffer half-recognised (a log that looks like a
                // prototxt) is foreign too, unless it is named like a model.
                if is_folder_file(err.file()) {
                    job.foreign_ids.push((err.file().to_string(), id));
                    job.foreign
                        .push(foreign_entry(err.file(), &err.to_string()));
                } else {
                    job.outcomes.push(entries::unreadable(id, err.to_string()));
                    job.result.errors.push(err.to_string());
                }
            }
        }
    }
    // Weights dropped with their model.
    job.set_aside_external_data();
    if models.is_empty() {
        return;
    }
    job.result.models = Some(
        models
            .iter()
            .map(|m| ModelChoice {
                files: m.files.clone(),
                pairing: m.pairing.map(|p| p.describe().to_string()),
                format: m.model.format.name().to_string(),
                n_nodes: m.model.graph.nodes.len(),
            })
            .collect(),
    );
    job.models_read = !models.is_empty();
    job.new_models = Some(models);
    job.show = Some(0);
    job.model_changed = true;
}

fn graph_choice(entry: &GraphEntry) -> GraphChoice {
    GraphChoice {
        label: entry.label.clone(),
        kind: match entry.kind {
            GraphKind::Main => "main",
            GraphKind::Body => "body",
            GraphKind::Function => "function",
        }
        .to_string(),
        depth: entry.depth,
        n_nodes: entry.n_nodes,
    }
}

/// Reads the profiling files of the load, one profile entry per drop group (a drop is one run;
/// a restore brings several).
fn read_profile(job: &mut Job) {
    let files = std::mem::take(&mut job.profile_files);
    let tags = std::mem::take(&mut job.profile_tags);
    let mut groups: Vec<(u64, Vec<ProfileFile>, Vec<u64>)> = Vec::new();
    for (file, (id, group)) in files.into_iter().zip(tags) {
        match groups.iter_mut().find(|(g, _, _)| *g == group) {
            Some((_, inputs, ids)) => {
                inputs.push(file);
                ids.push(id);
            }
            None => groups.push((group, vec![file], vec![id])),
        }
    }
    for (group, inputs, ids) in groups {
        read_profile_group(job, group, inputs, ids);
    }
}

fn read_profile_group(job: &mut Job, group: u64, inputs: Vec<ProfileFile>, ids: Vec<u64>) {
    let import = streamed::import_run(&inputs, &job.progress);
    let has_data = !import.profile.tasks.is_empty() || !import.profile.op_statistics.is_empty();
    let id_of = |name: &str| entries::id_of(name, inputs.iter().map(ProfileFile::name), &ids);
    for err in &import.errors {
        // A file of a dropped folder that is no profiling data at all, or that a reader
        // half-recognised though it is not named like a table (a log starting with `[`), may be
        // skipped ([`Session::finish`]); a broken `.csv` or `.json` stays an error.
        let foreign = matches!(
            err,
            ProfileError::UnknownFormat { .. } | ProfileError::Empty { .. }
        ) || !is_profile_name(err.file());
        if foreign && is_folder_file(err.file()) {
            job.foreign_ids
                .push((err.file().to_string(), id_of(err.file())));
            job.foreign
                .push(foreign_entry(err.file(), &err.to_string()));
            continue;
        }
        let message = profile_error_text(err, &inputs);
        let kind = match err {
            ProfileError::UnknownFormat { .. } | ProfileError::Empty { .. } => {
                FileKindId::Unreadable
            }
            _ => FileKindId::Profile,
        };
        job.outcomes
            .push(entries::failed(id_of(err.file()), kind, message.clone()));
        job.result.errors.push(message);
    }
    let failed: Vec<&str> = import.errors.iter().map(ProfileError::file).collect();
    let files: Vec<String> = inputs
        .iter()
        .map(|f| f.name().to_string())
        .filter(|name| !failed.contains(&name.as_str()))
        .collect();
    if has_data {
        for name in &files {
            let detail = import
                .profile
                .sources
                .iter()
                .find(|source| source.file == *name)
                .map_or_else(String::new, |source| source.kind.id().to_string());
            job.outcomes
                .push(entries::read(id_of(name), FileKindId::Profile, &detail));
        }
        let kept: Vec<(ProfileFile, u64)> = inputs
            .into_iter()
            .zip(ids)
            .filter(|(input, _)| files.iter().any(|name| name == input.name()))
            .collect();
        let (inputs, ids) = kept.into_iter().unzip();
        if !job.restoring && job.activate.is_none() {
            job.activate = Some(group);
        }
        job.new_profiles.push(LoadedProfile {
            group,
            files,
            ids,
            inputs,
            import,
        });
    } else if !files.is_empty() {
        let message = format!(
            "{}: no task rows or op statistics in {}; drop the op_summary, kernel_details, \
             task_time, op_statistic or timeline files of the run with {}",
            files.join(", "),
            if files.len() == 1 {
                "this file"
            } else {
                "these files"
            },
            if files.len() == 1 { "it" } else { "them" },
        );
        for name in &files {
            job.outcomes.push(entries::failed(
                id_of(name),
                FileKindId::Profile,
                message.clone(),
            ));
        }
        job.result.errors.push(message);
    }
}

/// A file of a dropped folder: the page names those by their path in the drop. A file named
/// like a model is never merely foreign: its importer's error is what the user needs.
fn is_folder_file(name: &str) -> bool {
    name.contains('/') && !is_model_name(name)
}

/// `(file, reason, message)` of a foreign file, the reason being the message without the file.
fn foreign_entry(file: &str, message: &str) -> (String, String, String) {
    let reason = message
        .strip_prefix(&format!("{file}: "))
        .unwrap_or(message)
        .to_string();
    (file.to_string(), reason, message.to_string())
}

/// The message for a file neither importer could read. A file named like a model (`x.onnx`) gets
/// the model importer's explanation, which says what a model file should look like.
fn profile_error_text(err: &ProfileError, files: &[ProfileFile]) -> String {
    if matches!(err, ProfileError::UnknownFormat { .. }) && is_model_name(err.file()) {
        if let Some(file) = files.iter().find(|f| f.name() == err.file()) {
            if let Err(model_err) = open_model(&file.input) {
                return model_err.to_string();
            }
        }
    }
    err.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(name: &str, bytes: impl Into<Vec<u8>>) -> FilePayload {
        FilePayload::of_bytes(name, bytes.into())
    }

    fn run(session: &mut Session, mut job: Job) -> (LoadResult, Vec<Step>) {
        let mut steps = Vec::new();
        while let Some(step) = session.step(&mut job) {
            steps.push(step);
        }
        (session.finish(job), steps)
    }

    fn load(session: &mut Session, files: Vec<FilePayload>) -> (LoadResult, Vec<Step>) {
        let job = session.open(files, TargetKey::default(), GraphViewOptions::default());
        run(session, job)
    }

    fn resnet() -> FilePayload {
        let (_, bytes) = opscope_engine::samples::bundled().remove(0);
        payload("resnet50.onnx", bytes)
    }

    /// An op_summary whose first two ops are the first two nodes of the ResNet sample, plus an
    /// op that is in no model and runs on the AI CPU.
    fn resnet_profile() -> FilePayload {
        let (_, bytes) = opscope_engine::samples::bundled().remove(0);
        let model = open_model(&InputFile::new("r.onnx", bytes)).expect("sample");
        let nodes = &model.graph.nodes;
        let csv = format!(
            "Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n\
             {},Conv2D,AI_CORE,0,300\n{},Relu,AI_VECTOR_CORE,400,20\nghost,ArgMaxV2,AI_CPU,500,60\n",
            nodes[0].name, nodes[1].name
        );
        payload("op_summary_0.csv", csv)
    }

    #[test]
    fn what_a_dropped_folder_holds_besides_models_and_profiles_is_skipped_not_an_error() {
        let mut session = Session::default();
        let mut profile = resnet_profile();
        profile.name = "PROF_1/device_0/summary/op_summary_0.csv".into();
        let (result, _) = load(
            &mut session,
            vec![
                resnet(),
                profile,
                payload(
                    "PROF_1/device_0/start_info.0",
                    "{\"collectionDateTime\": 1}",
                ),
                payload("PROF_1/msprof.log", "[INFO] started\n"),
                // Chosen on its own (no folder in its name): still an error.
                payload("notes.txt", "hello\n"),
            ],
        );
        assert!(result.profile.is_some() && result.model.is_some());
        let skipped: Vec<&str> = result.skipped.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            skipped,
            ["PROF_1/device_0/start_info.0", "PROF_1/msprof.log"]
        );
        assert!(result.skipped.iter().all(|(_, reason)| !reason.is_empty()));
        assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
        assert!(
            result.errors[0].starts_with("notes.txt"),
            "{:?}",
            result.errors
        );
        // A folder with nothing readable: its files are errors, so the page says why.
        let mut session = Session::default();
        let (result, _) = load(
            &mut session,
            vec![payload("PROF_2/start_info.0", "{\"a\": 1}")],
        );
        assert!(result.skipped.is_empty());
        assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
    }

    #[test]
    fn what_the_page_left_unread_is_a_warning_of_its_model() {
        let mut session = Session::default();
        let mut job = session.open(
            vec![resnet()],
            TargetKey::default(),
            GraphViewOptions::default(),
        );
        job.push_partly_read(
            "resnet50.onnx".to_string(),
            "read as structure only: 3 tensor payloads (2.1 GB) left unread in the file".into(),
        );
        let (result, _) = run(&mut session, job);
        let view = &result.model.expect("the model loads").view;
        assert!(view.warnings.iter().any(|w| w
            == "resnet50.onnx: read as structure only: 3 tensor payloads (2.1 GB) left unread in the file"));
        assert!(result.errors.is_empty() && result.skipped.is_empty());
    }

    #[test]
    fn model_and_profile_of_one_drop_are_joined() {
        let mut session = Session::default();
        let (result, steps) = load(&mut session, vec![resnet(), resnet_profile()]);
        assert_eq!(
            steps,
            vec![
                Step::ParseModels,
                Step::ReadProfile,
                Step::Layout,
                Step::Analyse
            ]
        );
        assert!(result.errors.is_empty(), "{:?}", result.errors);
        let model = result.model.expect("a model");
        assert_eq!(model.view.node_count, 122);
        assert_eq!(result.models.map(|m| m.len()), Some(1));
        let profile = result.profile.expect("a profile");
        assert!(!profile.estimated);
        let join = profile.join.expect("joined");
        assert_eq!(join.node_stats.len(), 2);
        assert_eq!(join.unmatched.len(), 1);
        assert!(profile.findings.iter().any(|f| f.rule == "aicpu-op"));
        // The analysis is measured, and its findings include the profile rules'.
        let analysis = result.analysis.expect("an analysis");
        assert!(!analysis.estimated);
        assert_eq!(analysis.nodes.len(), 122);
        assert!(analysis.findings.iter().any(|f| f.rule == "aicpu-op"));
        let first = &analysis.nodes[0];
        assert!(first.measured_us.is_some(), "the first conv was profiled");
    }

    #[test]
    fn the_graph_can_go_before_its_analysis() {
        let mut whole = Session::default();
        let (together, _) = load(&mut whole, vec![resnet(), resnet_profile()]);
        let mut session = Session::default();
        let mut job = session.open(
            vec![resnet(), resnet_profile()],
            TargetKey::default(),
            GraphViewOptions::default(),
        );
        let mut shown = None;
        while session.next_stage(&mut job).is_some() {
            if let Some(result) = session.take_shown(&mut job) {
                assert!(shown.is_none(), "sent once");
                shown = Some(result);
            }
            session.step(&mut job);
        }
        let shown = shown.expect("the graph before the analysis");
        let analysed = session.finish(job);
        assert!(shown.analysis_follows && !analysed.analysis_follows);
        assert!(shown.analysis.is_none() && shown.profile.is_none());
        assert_eq!(shown.model, together.model);
        assert_eq!(shown.models, together.models);
        assert!(analysed.model.is_none() && analysed.models.is_none());
        assert_eq!(analysed.analysis, together.analysis);
        assert_eq!(analysed.profile, together.profile);
        // Nothing to analyse after a layout alone: nothing goes early.
        let mut job = session
            .show(0, 0, TargetKey::default(), GraphViewOptions::default())
            .expect("the model");
        while session.next_stage(&mut job).is_some() {
            assert!(session.take_shown(&mut job).is_none());
            session.step(&mut job);
        }
        assert!(session.finish(job).model.is_some());
    }

    #[test]
    fn an_analysis_that_never_reached_the_page_runs_with_the_next_layout() {
        let mut session = Session::default();
        let mut job = session.open(
            vec![resnet()],
            TargetKey::default(),
            GraphViewOptions::default(),
        );
        while session.next_stage(&mut job).is_some() && session.take_shown(&mut job).is_none() {
            session.step(&mut job);
        }
        // The job is dropped (a newer request) before its analysis ran.
        drop(job);
        let job = session
            .show(0, 0, TargetKey::default(), GraphViewOptions::default())
            .expect("the model is held");
        let (result, steps) = run(&mut session, job);
        assert_eq!(steps, vec![Step::Layout, Step::Analyse]);
        assert!(result.analysis.is_some());
    }

    #[test]
    fn a_model_alone_is_analysed_as_an_estimate() {
        let mut session = Session::default();
        let (result, steps) = load(&mut session, vec![resnet()]);
        assert_eq!(steps, vec![Step::ParseModels, Step::Layout, Step::Analyse]);
        let analysis = result.analysis.expect("an analysis");
        assert!(analysis.estimated);
        assert_eq!(analysis.target, TargetKey::Ascend310);
        assert_eq!(analysis.nodes.len(), 122);
        // An estimate, when the cost model gives one, is labelled and carries no profile finding.
        if let Some(profile) = result.profile {
            assert!(profile.estimated && profile.files.is_empty());
            assert!(profile.findings.is_empty());
        }
        assert!(
            session.profile().is_none(),
            "the estimate is not held as the profile"
        );
    }

    #[test]
    fn another_target_analyses_the_shown_model_again_without_parsing() {
        let mut session = Session::default();
        assert!(
            session.reanalyse(TargetKey::Ascend910B).is_none(),
            "no model yet"
        );
        load(&mut session, vec![resnet(), resnet_profile()]);
        let job = session.reanalyse(TargetKey::Ascend910B).expect("a model");
        let (result, steps) = run(&mut session, job);
        assert_eq!(steps, vec![Step::Analyse]);
        assert!(result.model.is_none() && result.models.is_none());
        assert!(
            result.profile.is_none(),
            "the measured profile's tables are unchanged"
        );
        let analysis = result.analysis.expect("an analysis");
        assert_eq!(analysis.target, TargetKey::Ascend910B);
        assert_eq!(analysis.target_name, "Ascend 910B");
        assert!(!analysis.estimated);
        match session.next_stage(&mut session.reanalyse(TargetKey::Ascend310P).expect("job")) {
            Some(Stage::Analysing {
                n_nodes, target, ..
            }) => assert_eq!((n_nodes, target.as_str()), (122, "Ascend 310P")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_estimate_with_tasks_becomes_a_labelled_joined_profile() {
        use opscope_engine::profile::{Profile, Source, SourceKind, Sym, Task, Unit};
        let (_, bytes) = opscope_engine::samples::bundled().remove(0);
        let model = open_model(&InputFile::new("r.onnx", bytes)).expect("sample");
        assert!(
            estimated_data(&model, Profile::default()).is_none(),
            "nothing to chart"
        );
        let mut estimate = Profile::default();
        estimate.sources.push(Source {
            file: "cost model".into(),
            kind: SourceKind::Estimate,
            rows: 2,
            used: true,
            note: String::new(),
        });
        for (node, unit, us) in [(0, Unit::AiCore, 120.0), (1, Unit::AiVector, 8.0)] {
            let name = estimate.strings.intern(&model.graph.nodes[node].name);
            let op_type = estimate.strings.intern(&model.graph.nodes[node].op_type);
            let task_type = estimate.strings.intern("AI_CORE");
            estimate.tasks.push(Task {
                name,
                op_type,
                task_type,
                unit,
                op_state: Default::default(),
                start_us: None,
                duration_us: us,
                wait_us: None,
                block_dim: None,
                mix_block_dim: None,
                stream_id: None,
                task_id: None,
                input_shapes: Sym::EMPTY,
                input_dtypes: Sym::EMPTY,
                input_formats: Sym::EMPTY,
                output_shapes: Sym::EMPTY,
                output_dtypes: Sym::EMPTY,
                output_formats: Sym::EMPTY,
                pmu: None,
                source: 0,
                line: (node + 1) as u32,
            });
        }
        let data = estimated_data(&model, estimate).expect("an estimate");
        assert!(data.estimated);
        assert!(data.files.is_empty());
        assert!(
            data.findings.is_empty(),
            "profile rules judge measurements only"
        );
        assert_eq!(data.total_us, 128.0);
        let join = data.join.expect("joined to the model it estimates");
        assert_eq!(join.node_stats.len(), 2);
        assert_eq!(join.node_stats[0].node, model.graph.nodes[0].name);
    }

    #[test]
    fn a_profile_alone_loads_without_a_model_and_joins_the_next_model() {
        let mut session = Session::default();
        let (result, steps) = load(&mut session, vec![resnet_profile()]);
        assert_eq!(steps, vec![Step::ReadProfile, Step::Analyse]);
        assert!(result.model.is_none());
        let profile = result.profile.expect("a profile");
        assert!(profile.join.is_none());
        assert_eq!(profile.files, vec!["op_summary_0.csv".to_string()]);
        // A model dropped next is joined to the loaded profile.
        let (result, steps) = load(&mut session, vec![resnet()]);
        assert_eq!(steps, vec![Step::ParseModels, Step::Layout, Step::Analyse]);
        let profile = result.profile.expect("the profile, joined again");
        assert_eq!(profile.join.map(|j| j.node_stats.len()), Some(2));
    }

    #[test]
    fn a_profile_dropped_on_a_model_is_joined_to_it() {
        let mut session = Session::default();
        load(&mut session, vec![resnet()]);
        let (result, steps) = load(&mut session, vec![resnet_profile()]);
        assert_eq!(steps, vec![Step::ReadProfile, Step::Analyse]);
        assert!(result.model.is_none(), "the model is kept, not sent again");
        assert!(result.models.is_none());
        assert!(result.profile.and_then(|p| p.join).is_some());
    }

    #[test]
    fn bad_files_are_listed_and_the_good_ones_load() {
        let mut session = Session::default();
        let (result, _) = load(
            &mut session,
            vec![
                resnet(),
                payload("broken.onnx", "this is not a model at all"),
                payload("cut.onnx", resnet().bytes[..5000].to_vec()),
                payload("empty.csv", Vec::new()),
            ],
        );
        assert!(result.model.is_some());
        assert_eq!(result.errors.len(), 3, "{:?}", result.errors);
        assert!(
            result.errors[0].starts_with("cut.onnx: "),
            "{:?}",
            result.errors
        );
        assert!(result.errors[0].contains("byte"), "{:?}", result.errors);
        // A text file named like a model gets the model importer's explanation.
        assert!(
            result.errors[1].starts_with("broken.onnx: not an ONNX model"),
            "{:?}",
            result.errors
        );
        assert_eq!(result.errors[2], "empty.csv: the file is empty");
    }

    #[test]
    fn a_failed_profile_keeps_the_loaded_one() {
        let mut session = Session::default();
        load(&mut session, vec![resnet_profile()]);
        let (result, steps) = load(
            &mut session,
            vec![payload("junk.csv", "a,b\n1,2\n"), resnet()],
        );
        assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
        assert!(result.errors[0].starts_with("junk.csv: "));
        assert!(steps.contains(&Step::Analyse));
        let profile = result
            .profile
            .expect("the old profile, joined to the new model");
        assert_eq!(profile.files, vec!["op_summary_0.csv".to_string()]);
    }

    #[test]
    fn a_recognised_file_without_tasks_is_reported() {
        let mut session = Session::default();
        let info = r#"{"platform_version": "5", "DeviceInfo": [{"ai_core_num": 24}]}"#;
        let (result, _) = load(&mut session, vec![payload("info.json", info)]);
        assert!(result.profile.is_none());
        assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
        assert!(
            result.errors[0].starts_with("info.json: no task rows"),
            "{:?}",
            result.errors
        );
    }

    #[test]
    fn caffe_net_and_weights_become_one_model_and_the_picker_shows_the_rest() {
        let writer = opscope_engine::samples::caffe_alexnet();
        let prototxt = writer.prototxt();
        let weights = writer.caffemodel(opscope_engine::samples::BlobData::ShapesOnly);
        let mut session = Session::default();
        let (result, _) = load(
            &mut session,
            vec![
                payload("alexnet.prototxt", prototxt),
                payload("alexnet.caffemodel", weights),
                resnet(),
            ],
        );
        assert!(result.errors.is_empty(), "{:?}", result.errors);
        let models = result.models.expect("the picker");
        assert_eq!(models.len(), 2);
        assert_eq!(
            models[0].files,
            vec!["alexnet.prototxt".to_string(), "alexnet.caffemodel".into()]
        );
        assert!(models[0].pairing.is_some());
        assert!(models[0].describe().contains("paired: "));
        assert_eq!(models[1].format, "onnx");
        let shown = result.model.expect("the first model");
        assert_eq!(shown.view.format, "caffe");
        // Switching shows the other one, analysed.
        let job = session
            .show(1, 0, TargetKey::default(), GraphViewOptions::default())
            .expect("a second model");
        let (result, steps) = run(&mut session, job);
        assert_eq!(steps, vec![Step::Layout, Step::Analyse]);
        assert_eq!(result.model.map(|m| m.view.node_count), Some(122));
        assert_eq!(result.analysis.map(|a| a.nodes.len()), Some(122));
        assert!(session
            .show(2, 0, TargetKey::default(), GraphViewOptions::default())
            .is_none());
    }

    #[test]
    fn a_function_of_the_shown_model_is_drawn_without_joining_again() {
        use opscope_engine::samples::{TfWeights, TfWriter};
        let mut writer = TfWriter::new(TfWeights::Splat);
        let a = writer.placeholder("a", &[2]);
        writer.unary("MyAdd", &a);
        writer.function("MyAdd", "AddV2", &["x", "y"]);
        let graph = writer.finish().binary();
        let mut session = Session::default();
        let (result, _) = load(&mut session, vec![payload("f.pb", graph), resnet_profile()]);
        let shown = result.model.expect("the model");
        let listed: Vec<(&str, &str, usize)> = shown
            .graphs
            .iter()
            .map(|g| (g.label.as_str(), g.kind.as_str(), g.n_nodes))
            .collect();
        assert_eq!(
            listed,
            vec![("main (f)", "main", 2), ("MyAdd", "function", 2)]
        );
        assert_eq!(shown.graph, 0);
        assert!(result.profile.is_some(), "the drop's profile is joined");
        // The function: laid out, the profile left as it is (it is joined to the model).
        let job = session
            .show(0, 1, TargetKey::default(), GraphViewOptions::default())
            .expect("the same model");
        let (result, steps) = run(&mut session, job);
        assert_eq!(steps, vec![Step::Layout]);
        let shown = result.model.expect("the function");
        assert_eq!((shown.graph, shown.view.node_count), (1, 2));
        assert!(result.profile.is_none());
        // A graph that is not there falls back to the main graph.
        let job = session
            .show(0, 9, TargetKey::default(), GraphViewOptions::default())
            .expect("the same model");
        let (result, _) = run(&mut session, job);
        assert_eq!(result.model.map(|m| m.graph), Some(0));
    }

    #[test]
    fn constants_as_nodes_lays_the_shown_graph_out_again() {
        let graph = opscope_engine::samples::tf_mobilenet_v2(
            opscope_engine::samples::TfWeights::Splat,
            false,
        );
        let mut session = Session::default();
        let (result, _) = load(&mut session, vec![payload("net.pb", graph.binary())]);
        let folded = result.model.expect("the model").view;
        assert!(folded.folded_constants > 0);
        let as_nodes = GraphViewOptions {
            fold_constants: false,
            ..GraphViewOptions::default()
        };
        let job = session
            .show(0, 0, TargetKey::default(), as_nodes)
            .expect("the same model");
        let (result, steps) = run(&mut session, job);
        // A layout alone: the analysis and the profile are of the model, which did not change.
        assert_eq!(steps, vec![Step::Layout]);
        assert!(result.analysis.is_none() && result.profile.is_none());
        let unfolded = result.model.expect("the graph again").view;
        assert_eq!(unfolded.node_count, folded.node_count);
        assert_eq!(unfolded.folded_constants, 0);
        assert_eq!(
            unfolded.nodes.len(),
            folded.nodes.len() + folded.folded_constants
        );
        // Back to folded: the first layout, kept.
        let job = session
            .show(0, 0, TargetKey::default(), GraphViewOptions::default())
            .expect("the same model");
        let (result, _) = run(&mut session, job);
        assert_eq!(result.model.map(|m| m.view), Some(folded));
    }

    fn shared_sample(path: &str) -> Option<FilePayload> {
        let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/samples")
            .join(path);
        let bytes = std::fs::read(&full).ok()?;
        let name = full.file_name()?.to_string_lossy().into_owned();
        Some(payload(&name, bytes))
    }

    #[test]
    fn real_samples_load_when_present() {
        let mut session = Session::default();
        if let Some(net) = shared_sample("models/caffe/ResNet-50-deploy.prototxt") {
            let (result, _) = load(&mut session, vec![net]);
            assert!(result.errors.is_empty(), "{:?}", result.errors);
            assert_eq!(result.model.map(|m| m.view.node_count), Some(228));
        }
        if let Some(details) =
            shared_sample("profiling/torchnpu-a2-llm-kernel_details-pipeutil.csv")
        {
            let (result, _) = load(&mut session, vec![details]);
            assert!(result.errors.is_empty(), "{:?}", result.errors);
            let profile = result.profile.expect("a profile");
            assert_eq!(profile.rows, 2463);
            // Joined to the Caffe net loaded before: aclnn kernel names match no node.
            let join = profile.join.expect("joined to the loaded model");
            assert!(join.node_stats.is_empty());
            assert_eq!(join.unmatched.len(), profile.hotspots_total);
        }
    }

    #[test]
    fn stages_describe_the_work() {
        let session = Session::default();
        let mut job = session.open(
            vec![resnet(), resnet_profile()],
            TargetKey::default(),
            GraphViewOptions::default(),
        );
        match session.next_stage(&mut job) {
            Some(Stage::Parsing {
                file_name, n_files, ..
            }) => assert_eq!((file_name.as_str(), n_files), ("resnet50.onnx", 1)),
            other => panic!("{other:?}"),
        }
    }
}
