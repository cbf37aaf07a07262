//! The files panel (`#files`, left of the graph): every file dropped in this page session with
//! its detected kind, size, status and error and a remove button; the profile runs held, one
//! active (radio buttons); and the progress of a load as a bar with its stage and a Cancel
//! button.

use yew::prelude::*;

use crate::state::loading::read_percent;
use crate::state::shown::shown_name;
use crate::state::{format_bytes, FileStatus, FilesAction, FilesState, LoadStage, Loading};
use crate::worker::protocol::Stage;

#[derive(Properties, PartialEq)]
pub struct FilesPanelProps {
    pub files: FilesState,
    pub loading: Option<Loading>,
    /// The generation of the analysis the worker runs after sending the graph.
    pub analysing: Option<u64>,
    /// The shown model's files (their rows say `shown`).
    pub shown_files: Vec<String>,
    /// The active profile is joined to the shown model.
    pub joined: bool,
    pub on_remove: Callback<u64>,
    pub on_select_profile: Callback<u64>,
    pub on_cancel: Callback<u64>,
    pub on_files: Callback<FilesAction>,
}

/// The stages of a load in order, for the bar: its position among them and its name.
fn stage_step(stage: &LoadStage) -> (u32, &'static str) {
    match stage {
        LoadStage::Reading | LoadStage::Fetching | LoadStage::Handed { .. } => (0, "read"),
        LoadStage::Worker(Stage::Parsing { .. }) => (1, "parse"),
        LoadStage::Worker(Stage::ReadingProfile { .. }) => (2, "profile"),
        LoadStage::Worker(Stage::Layout { .. }) => (3, "layout"),
        LoadStage::Worker(Stage::Analysing { .. }) => (4, "analysis"),
    }
}

const N_STAGES: u32 = 5;

#[function_component(FilesPanel)]
pub fn files_panel(props: &FilesPanelProps) -> Html {
    let files = &props.files;
    let progress = match (&props.loading, props.analysing) {
        (Some(loading), _) => {
            let (step, stage) = stage_step(&loading.stage);
            Some((loading.generation, step, stage, loading.describe()))
        }
        (None, Some(generation)) => Some((
            generation,
            4,
            "analysis",
            "Analysing the model drawn…".to_string(),
        )),
        (None, None) => None,
    };
    let within = match props.loading.as_ref().map(|l| &l.stage) {
        Some(LoadStage::Worker(Stage::ReadingProfile {
            n_bytes,
            done_bytes,
            ..
        })) => read_percent(*done_bytes, *n_bytes),
        _ => None,
    };
    let progress = progress.map(|(generation, step, stage, describe)| {
        // Each stage is 100; a streamed profile fills its stage as its bytes are read.
        let value = u64::from(step) * 100 + within.unwrap_or(100);
        let on_cancel = props.on_cancel.reform(move |_: MouseEvent| generation);
        html! {
            <div class="files-progress" role="status" data-stage={stage}>
                <div class="files-progress-text">
                    <span class="files-stage">{ stage }</span>
                    <span class="files-describe">{ describe }</span>
                </div>
                <progress max={(N_STAGES * 100).to_string()} value={value.to_string()}
                    aria-label={format!("Load progress: {stage}")} />
                <button id="cancel-load" type="button" class="files-cancel" onclick={on_cancel}>
                    { "Cancel" }
                </button>
            </div>
        }
    });
    let restoring = files.restoring.map(|_| {
        html! {
            <p class="files-restoring" role="status">
                { "Restarting the engine: reading the kept files again…" }
            </p>
        }
    });
    let rows = files.rows(&props.shown_files, props.joined);
    let list = rows.iter().map(|(entry, status)| {
        let id = entry.id;
        let on_remove = props.on_remove.reform(move |_: MouseEvent| id);
        let kind = match (entry.kind, entry.detail.is_empty()) {
            (Some(kind), true) => kind.label().to_string(),
            (Some(kind), false) => format!("{} · {}", kind.label(), entry.detail),
            (None, _) => "…".to_string(),
        };
        // Why a file was not read: red for an error or a file left unread, muted for a file
        // skipped on purpose (a folder's logs, a model's external weights).
        let message = match &entry.status {
            FileStatus::Error(m) | FileStatus::NotRead(m) => Some((shown_name(m), "file-error")),
            FileStatus::Skipped(m) => Some((shown_name(m), "file-skip-reason")),
            _ => None,
        };
        // The browser's file name, as the page shows any text from outside (hidden characters
        // escaped).
        let name = shown_name(&entry.name);
        html! {
            <li class="file-row" data-status={status.id()} data-file-id={id.to_string()}
                data-kind={entry.kind.map(|k| k.label()).unwrap_or("")}>
                <div class="file-line">
                    <span class="file-name" title={name.clone()}>{ name.clone() }</span>
                    <button type="button" class="file-remove" onclick={on_remove}
                        aria-label={format!("Remove {name}")} title="Remove this file">
                        { "×" }
                    </button>
                </div>
                <div class="file-meta">
                    <span class="file-kind">{ kind }</span>
                    <span class="file-size">{ format_bytes(entry.size) }</span>
                    <span class={classes!("file-status", format!("file-status-{}", status.id()))}>
                        { status.label() }
                    </span>
                </div>
                if let Some((message, class)) = message {
                    <p class={class}>{ message }</p>
                }
            </li>
        }
    });
    let runs = (!files.profiles.entries.is_empty()).then(|| {
        let options = files.profiles.entries.iter().enumerate().map(|(n, run)| {
            let group = run.group;
            let on_change = props.on_select_profile.reform(move |_: Event| group);
            let checked = files.profiles.active == Some(group);
            html! {
                <label class="profile-run" title={run.files.join("\n")}>
                    <input type="radio" name="profile-run" value={group.to_string()}
                        {checked} onchange={on_change} />
                    <span class="profile-run-label">{ format!("Run {}: {}", n + 1, run.label) }</span>
                    <span class="profile-run-rows">{ format!("{} tasks", run.rows) }</span>
                </label>
            }
        });
        html! {
            <fieldset id="profile-runs" class="profile-runs">
                <legend>{ "Profile runs" }</legend>
                { for options }
            </fieldset>
        }
    });
    let collapsed = files.collapsed;
    let on_toggle = props
        .on_files
        .reform(|_: MouseEvent| FilesAction::ToggleCollapsed);
    html! {
        <aside id="files" class={classes!("files-panel", collapsed.then_some("collapsed"))}
            aria-label="Files">
            <h2 class="files-heading">
                <button type="button" class="files-toggle" onclick={on_toggle}
                    aria-expanded={(!collapsed).to_string()} aria-controls="files-body">
                    { format!("Files ({})", files.entries.len()) }
                </button>
            </h2>
            { for progress }
            { for restoring }
            if !collapsed {
                <div id="files-body" class="files-body">
                    <ul class="file-list" aria-label="Dropped files">
                        { for list }
                    </ul>
                    { for runs }
                </div>
            }
        </aside>
    }
}
