//! The files panel's state: rows per file, replaced models, removed rows, runs, cancel, crash
//! and hang, and the restore's results kept apart.

use super::*;
use crate::state::reducer::Action;
use crate::worker::protocol::{FileOutcome, ProfileChoice};

/// `state` after the page started load `group` and handed its files (100 bytes each) to the
/// worker, in the app's order.
fn added(state: AppState, group: u64, files: &[(u64, &str)]) -> AppState {
    let files = files
        .iter()
        .map(|&(id, name)| (id, name.to_string(), 100))
        .collect();
    state
        .apply(Action::LoadStarted {
            generation: group,
            file_name: "files".into(),
            stage: LoadStage::Reading,
            now_ms: 0.0,
        })
        .apply(Action::Files(FilesAction::Added { group, files }))
}

fn outcome(id: u64, kind: FileKindId, error: Option<&str>) -> FileOutcome {
    FileOutcome {
        id,
        kind,
        detail: String::new(),
        error: error.map(str::to_string),
        skipped: false,
    }
}

fn loaded(generation: u64, result: LoadResult) -> Action {
    Action::Worker {
        msg: FromWorker::Loaded {
            generation,
            result: Box::new(result),
        },
        now_ms: 1.0,
    }
}

fn runs(groups: &[u64], active: u64) -> ProfileList {
    ProfileList {
        entries: groups
            .iter()
            .map(|&group| ProfileChoice {
                group,
                label: format!("run {group}"),
                files: Vec::new(),
                rows: 1,
            })
            .collect(),
        active: Some(active),
    }
}

fn status_of(state: &AppState, id: u64) -> FileStatus {
    state
        .files
        .entries
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.status.clone())
        .expect("a row")
}

/// `state` after load 1's worker said it is parsing `file_name`: the file a crash or hang names.
fn parsing(state: AppState, file_name: &str) -> AppState {
    state.apply(Action::Worker {
        msg: FromWorker::Progress {
            generation: 1,
            stage: Stage::Parsing {
                file_name: file_name.into(),
                n_files: 1,
                n_bytes: 10,
            },
        },
        now_ms: 1.0,
    })
}

/// `state` after load 1's worker crashed while parsing `file_name`.
fn crashed_parsing(state: AppState, file_name: &str) -> AppState {
    parsing(state, file_name).apply(Action::Worker {
        msg: FromWorker::Crashed {
            generation: 1,
            message: "boom".into(),
        },
        now_ms: 2.0,
    })
}

#[test]
fn a_broken_file_is_listed_with_its_error_and_the_others_are_read() {
    let state = added(
        AppState::default(),
        1,
        &[(1, "m.onnx"), (2, "bad.onnx"), (3, "op_summary.csv")],
    );
    assert_eq!(status_of(&state, 1), FileStatus::Reading);
    let state = state.apply(loaded(
        1,
        LoadResult {
            files: vec![
                outcome(1, FileKindId::Model, None),
                outcome(
                    2,
                    FileKindId::Unreadable,
                    Some("bad.onnx: not an ONNX model"),
                ),
                outcome(3, FileKindId::Profile, None),
            ],
            profiles: Some(runs(&[1], 1)),
            ..LoadResult::default()
        },
    ));
    assert_eq!(status_of(&state, 1), FileStatus::Parsed);
    assert_eq!(
        status_of(&state, 2),
        FileStatus::Error("bad.onnx: not an ONNX model".into())
    );
    let rows = state.files.rows(&["m.onnx".to_string()], true);
    let statuses: Vec<RowStatus> = rows.iter().map(|(_, s)| *s).collect();
    assert_eq!(
        statuses,
        [RowStatus::Shown, RowStatus::Error, RowStatus::Joined]
    );
    assert_eq!(state.files.held(), vec![(1, 1), (3, 1)]);
    // Not joined without a model: the profile file is only parsed.
    let rows = state.files.rows(&[], false);
    assert_eq!(rows[2].1, RowStatus::Parsed);
}

#[test]
fn a_new_model_replaces_the_old_ones_and_keeps_the_runs() {
    let state = added(AppState::default(), 1, &[(1, "a.onnx"), (2, "p.csv")]);
    let state = state.apply(loaded(
        1,
        LoadResult {
            files: vec![
                outcome(1, FileKindId::Model, None),
                outcome(2, FileKindId::Profile, None),
            ],
            profiles: Some(runs(&[1], 1)),
            ..LoadResult::default()
        },
    ));
    let state = added(state, 2, &[(3, "b.onnx")]);
    let state = state.apply(loaded(
        2,
        LoadResult {
            files: vec![outcome(3, FileKindId::Model, None)],
            ..LoadResult::default()
        },
    ));
    assert_eq!(status_of(&state, 1), FileStatus::Replaced);
    assert_eq!(status_of(&state, 3), FileStatus::Parsed);
    assert_eq!(state.files.held(), vec![(2, 1), (3, 2)]);
    let state = state.apply(Action::Files(FilesAction::Removed(vec![1])));
    assert_eq!(state.files.entries.len(), 2);
}

#[test]
fn a_removed_profile_run_leaves_the_held_list() {
    let state = added(AppState::default(), 1, &[(1, "a.csv")]);
    let state = state.apply(loaded(
        1,
        LoadResult {
            files: vec![outcome(1, FileKindId::Profile, None)],
            profiles: Some(runs(&[1], 1)),
            ..LoadResult::default()
        },
    ));
    assert_eq!(state.files.held(), vec![(1, 1)]);
    let state = state.apply(Action::Files(FilesAction::Removed(vec![1])));
    let state = state.apply(Action::LoadStarted {
        generation: 2,
        file_name: "a.csv".into(),
        stage: LoadStage::Reading,
        now_ms: 0.0,
    });
    let state = state.apply(loaded(
        2,
        LoadResult {
            profiles: Some(ProfileList::default()),
            profile_cleared: true,
            ..LoadResult::default()
        },
    ));
    assert!(state.profile.is_none());
    assert!(state.files.held().is_empty());
    assert!(state.files.profiles.entries.is_empty());
}

#[test]
fn cancel_marks_the_load_not_read_and_restarts_the_worker() {
    let state = added(AppState::default(), 1, &[(1, "big.onnx")]);
    let state = state.apply(Action::Files(FilesAction::Cancel { generation: 7 }));
    assert_eq!(state.files.restarts, 0, "not the load in progress");
    let state = state.apply(Action::Files(FilesAction::Cancel { generation: 1 }));
    assert!(state.loading.is_none());
    assert_eq!(state.files.restarts, 1);
    assert!(matches!(status_of(&state, 1), FileStatus::NotRead(_)));
    assert!(state.files.held().is_empty());
}

#[test]
fn a_hang_names_the_file_being_parsed_and_restarts_the_worker() {
    let state = added(AppState::default(), 1, &[(1, "hang.onnx"), (2, "p.csv")]);
    let state = parsing(state, "hang.onnx");
    let state = state.apply(Action::Files(FilesAction::Hung {
        generation: 1,
        limit_ms: 3000.0,
    }));
    assert_eq!(state.files.restarts, 1);
    assert!(state.loading.is_none());
    assert!(state.errors[0].starts_with("hang.onnx: opscope stopped reading this after 3 s"));
    assert!(
        matches!(status_of(&state, 1), FileStatus::Error(m) if m.starts_with("hang.onnx: opscope stopped reading this after 3 s"))
    );
    assert!(matches!(status_of(&state, 2), FileStatus::NotRead(m) if m.contains("hang.onnx")));
}

#[test]
fn a_crash_names_the_file_and_the_restore_only_updates_the_list() {
    let state = added(AppState::default(), 1, &[(1, "panic.onnx")]);
    let state = crashed_parsing(state, "panic.onnx");
    assert_eq!(state.files.restarts, 1);
    assert!(matches!(status_of(&state, 1), FileStatus::Error(m) if m.starts_with("panic.onnx: ")));
    assert!(state.errors[0].starts_with("panic.onnx: "));
    // The restore's result changes no view, only the list.
    let state = state.apply(Action::Files(FilesAction::Restoring { generation: 2 }));
    let restored = state.clone().apply(loaded(
        2,
        LoadResult {
            profiles: Some(runs(&[5], 5)),
            model_cleared: true,
            ..LoadResult::default()
        },
    ));
    assert_eq!(restored.files.restoring, None);
    assert_eq!(restored.files.profiles.active, Some(5));
    assert_eq!(restored.graph, state.graph);
    assert_eq!(restored.errors, state.errors);
}

#[test]
fn the_other_files_of_a_crashed_load_are_read_again_after_the_restore() {
    let state = added(AppState::default(), 1, &[(1, "panic.onnx"), (2, "p.csv")]);
    let state = crashed_parsing(state, "panic.onnx");
    assert_eq!(state.files.retry, vec![(2, 1)]);
    let banner = state.errors.clone();
    let state = state.apply(Action::Files(FilesAction::Retrying {
        generation: 3,
        file_name: "p.csv".into(),
        now_ms: 3.0,
    }));
    assert!(state.files.retry.is_empty());
    assert_eq!(status_of(&state, 2), FileStatus::Reading);
    assert!(matches!(status_of(&state, 1), FileStatus::Error(_)));
    assert_eq!(state.loading.as_ref().map(|l| l.generation), Some(3));
    assert_eq!(state.errors, banner, "the crash's error stays");
    let state = state.apply(loaded(
        3,
        LoadResult {
            files: vec![outcome(2, FileKindId::Profile, None)],
            profiles: Some(runs(&[1], 1)),
            ..LoadResult::default()
        },
    ));
    assert_eq!(status_of(&state, 2), FileStatus::Parsed);
    assert!(state.loading.is_none());
    // A cancel reads nothing again.
    let state = added(state, 4, &[(5, "big.onnx")]);
    let state = state.apply(Action::Files(FilesAction::Cancel { generation: 4 }));
    assert!(state.files.retry.is_empty());
}

#[test]
fn removing_the_last_model_clears_the_graph_and_its_selection() {
    use crate::state::fixtures::column_view;
    use crate::worker::protocol::ModelLoad;
    use opscope_engine::report::GraphViewOptions;
    use std::rc::Rc;

    let state = added(AppState::default(), 1, &[(1, "m.onnx")]);
    let state = state.apply(loaded(
        1,
        LoadResult {
            model: Some(ModelLoad {
                index: 0,
                view: Rc::new(column_view(3)),
                files: vec!["m.onnx".into()],
                pairing: None,
                graph: 0,
                options: GraphViewOptions::default(),
                graphs: Vec::new(),
            }),
            files: vec![outcome(1, FileKindId::Model, None)],
            ..LoadResult::default()
        },
    ));
    let state = state.apply(Action::Select(Some(1)));
    assert!(state.graph.is_some() && state.selection == Some(1));
    assert_eq!(
        state.files.rows(&["m.onnx".into()], false)[0].1,
        RowStatus::Shown
    );
    let state = state
        .apply(Action::Files(FilesAction::Removed(vec![1])))
        .apply(Action::LoadStarted {
            generation: 2,
            file_name: "removing m.onnx".into(),
            stage: LoadStage::Reading,
            now_ms: 0.0,
        })
        .apply(loaded(
            2,
            LoadResult {
                models: Some(Vec::new()),
                model_cleared: true,
                ..LoadResult::default()
            },
        ));
    assert!(state.graph.is_none() && state.selection.is_none());
    assert_eq!(state.shown_model, None);
    assert!(state.files.entries.is_empty());
}

#[test]
fn a_step_reading_a_large_file_is_given_time_in_proportion() {
    let state = added(AppState::default(), 1, &[(1, "op_summary_0.csv")]);
    assert_eq!(
        state.worker_bytes(),
        100,
        "the file handed, before any report"
    );
    let state = state.apply(Action::Worker {
        msg: FromWorker::Progress {
            generation: 1,
            stage: Stage::ReadingProfile {
                n_files: 1,
                n_bytes: 1_000_000_000,
                done_bytes: 0,
            },
        },
        now_ms: 1.0,
    });
    assert_eq!(state.worker_bytes(), 1_000_000_000);
    let limit = crate::components::worker_link::hang_limit_for(60_000.0, state.worker_bytes());
    assert_eq!(limit, 60_000.0 + 250_000.0, "a 1 GB CSV gets 250 s more");
    assert_eq!(
        crate::components::worker_link::hang_limit_for(60_000.0, 0),
        60_000.0
    );
}

/// A state holding a shown model and a profile run, as a restore would give a new worker.
fn holding_two_files() -> AppState {
    let state = added(
        AppState::default(),
        1,
        &[(1, "m.onnx"), (2, "op_summary.csv")],
    );
    state.apply(loaded(
        1,
        LoadResult {
            files: vec![
                outcome(1, FileKindId::Model, None),
                outcome(2, FileKindId::Profile, None),
            ],
            profiles: Some(runs(&[1], 1)),
            ..LoadResult::default()
        },
    ))
}

#[test]
fn a_restore_that_hangs_is_watched_and_gives_the_files_up() {
    let state = holding_two_files();
    assert_eq!(state.files.held(), vec![(1, 1), (2, 1)]);
    assert_eq!(state.worker_watched(), None, "nothing in flight");
    let state = state.apply(Action::Files(FilesAction::Restoring { generation: 2 }));
    assert_eq!(
        state.worker_busy(),
        None,
        "Cancel does not act on a restore"
    );
    assert_eq!(state.worker_watched(), Some(2));
    assert_eq!(state.worker_bytes(), 200, "the kept files are read again");
    let restarts = state.files.restarts;
    let state = state.apply(Action::Files(FilesAction::Hung {
        generation: 2,
        limit_ms: 60_000.0,
    }));
    assert_eq!(state.files.restoring, None);
    assert_eq!(
        state.files.restarts,
        restarts + 1,
        "the hung worker is replaced"
    );
    assert!(
        state.files.held().is_empty(),
        "the next worker is not given them again"
    );
    assert!(
        matches!(status_of(&state, 2), FileStatus::NotRead(m) if m.starts_with("op_summary.csv: not read again") && m.contains("60 s"))
    );
    assert!(state
        .errors
        .iter()
        .any(|e| e.contains("could not read the kept files again")));
    assert_eq!(state.worker_watched(), None);
}

#[test]
fn a_restore_that_fails_gives_the_files_up() {
    let state = holding_two_files().apply(Action::Files(FilesAction::Restoring { generation: 2 }));
    let state = state.apply(Action::Worker {
        msg: FromWorker::Crashed {
            generation: 2,
            message: "RuntimeError: unreachable".into(),
        },
        now_ms: 1.0,
    });
    assert_eq!(state.files.restoring, None);
    assert!(state.files.held().is_empty());
    assert!(matches!(status_of(&state, 1), FileStatus::NotRead(_)));
    assert!(state
        .errors
        .iter()
        .any(|e| e.contains("RuntimeError: unreachable")));
}

#[test]
fn an_engine_that_cannot_start_fails_the_load_instead_of_leaving_it_reading() {
    let reason = "CompileError: WebAssembly.instantiate(): expected magic word";
    // At the page's start, before any file: the banner says so.
    let state = AppState::default().apply(Action::Files(FilesAction::EngineFailed {
        reason: reason.into(),
    }));
    assert_eq!(state.files.engine_failed.as_deref(), Some(reason));
    assert_eq!(state.errors.len(), 1);
    assert!(state.errors[0].contains(reason));
    // A load sent to the next worker, which fails too: its files get the error.
    let state = added(state, 1, &[(1, "m.onnx"), (2, "p.csv")]);
    assert_eq!(state.worker_busy(), Some(1), "handed to the worker");
    let state = state.apply(Action::Files(FilesAction::EngineFailed {
        reason: reason.into(),
    }));
    assert!(state.loading.is_none());
    for id in [1, 2] {
        assert!(
            matches!(status_of(&state, id), FileStatus::Error(m) if m.contains("the engine could not start") && m.contains(reason))
        );
    }
    assert_eq!(
        state.errors.iter().filter(|e| e.contains(reason)).count(),
        1
    );
    // A worker that answers has started.
    let state = added(state, 3, &[(3, "m.onnx")]).apply(loaded(
        3,
        LoadResult {
            files: vec![outcome(3, FileKindId::Model, None)],
            ..LoadResult::default()
        },
    ));
    assert_eq!(state.files.engine_failed, None);
    assert_eq!(status_of(&state, 3), FileStatus::Parsed);
}

#[test]
fn a_load_is_watched_from_when_its_files_are_handed_to_the_worker() {
    let state = AppState::default().apply(Action::LoadStarted {
        generation: 1,
        file_name: "stuck.onnx".into(),
        stage: LoadStage::Reading,
        now_ms: 0.0,
    });
    assert_eq!(state.worker_watched(), None, "the page is still reading");
    let state = state.apply(Action::Files(FilesAction::Added {
        group: 1,
        files: vec![(1, "stuck.onnx".into(), 5_000_000)],
    }));
    assert_eq!(
        state.worker_watched(),
        Some(1),
        "a worker stuck before its first report is a hang too"
    );
    assert_eq!(state.worker_bytes(), 5_000_000);
    let loading = state.loading.as_ref().expect("loading");
    assert_eq!(loading.describe(), "Reading stuck.onnx…");
    let state = state.apply(Action::Files(FilesAction::Hung {
        generation: 1,
        limit_ms: 61_250.0,
    }));
    assert_eq!(state.files.restarts, 1);
    assert!(state.loading.is_none());
    assert!(
        matches!(status_of(&state, 1), FileStatus::Error(m) if m.starts_with("stuck.onnx: opscope stopped reading this after 61 s"))
    );
    // Files handed for an older load do not change the current one's stage.
    let state = state
        .apply(Action::LoadStarted {
            generation: 3,
            file_name: "next.onnx".into(),
            stage: LoadStage::Reading,
            now_ms: 0.0,
        })
        .apply(Action::Files(FilesAction::Added {
            group: 2,
            files: vec![(2, "late.onnx".into(), 10)],
        }));
    assert_eq!(state.worker_watched(), None);
}

#[test]
fn files_read_again_after_a_restart_are_watched_and_not_read_a_third_time() {
    let state = added(
        AppState::default(),
        1,
        &[(1, "panic.onnx"), (2, "p.csv"), (3, "q.csv")],
    );
    let state = crashed_parsing(state, "panic.onnx");
    assert_eq!(state.files.retry, vec![(2, 1), (3, 1)]);
    // The model shown before the crash is restored first; the retry queues behind it.
    let state = state
        .apply(Action::Files(FilesAction::Restoring { generation: 2 }))
        .apply(Action::Files(FilesAction::Retrying {
            generation: 3,
            file_name: "2 files".into(),
            now_ms: 3.0,
        }));
    assert_eq!(
        state.worker_watched(),
        Some(3),
        "the retry, not only the restore"
    );
    assert_eq!(state.worker_bytes(), 200, "the two files read again");
    let restarts = state.files.restarts;
    let state = state.apply(Action::Files(FilesAction::Hung {
        generation: 3,
        limit_ms: 60_000.0,
    }));
    assert_eq!(state.files.restarts, restarts + 1);
    assert!(
        state.files.retry.is_empty(),
        "a second stop does not read them a third time"
    );
    for id in [2, 3] {
        assert!(
            matches!(status_of(&state, id), FileStatus::Error(m) if m.contains("without progress")),
            "{:?}",
            status_of(&state, id)
        );
    }
}
