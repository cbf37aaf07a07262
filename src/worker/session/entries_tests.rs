//! The files panel's operations on the session: outcomes per file, profile entries, removing
//! files, switching profiles, restoring a new worker, and the test-only faults.

use std::panic::{catch_unwind, AssertUnwindSafe};

use opscope_engine::report::GraphViewOptions;
use opscope_engine::{open_model, InputFile};

use super::*;
use crate::worker::protocol::{FileKindId, FilePayload, LoadResult, TargetKey};
use crate::worker::session::{Job, Session, Step};

fn run(session: &mut Session, mut job: Job) -> (LoadResult, Vec<Step>) {
    let mut steps = Vec::new();
    while let Some(step) = session.step(&mut job) {
        steps.push(step);
    }
    (session.finish(job), steps)
}

/// One drop: every file tagged with its id and the drop's group.
fn drop_files(session: &mut Session, group: u64, files: Vec<(u64, FilePayload)>) -> LoadResult {
    let files = files
        .into_iter()
        .map(|(id, file)| file.tagged(id, group))
        .collect();
    let job = session.open(files, TargetKey::default(), GraphViewOptions::default());
    run(session, job).0
}

fn resnet_bytes() -> Vec<u8> {
    opscope_engine::samples::bundled().remove(0).1
}

fn resnet(name: &str) -> FilePayload {
    FilePayload::of_bytes(name, resnet_bytes())
}

/// An op_summary of the ResNet sample's first two nodes, `scale` times slower per run.
fn run_csv(name: &str, scale: f64) -> FilePayload {
    let model = open_model(&InputFile::new("r.onnx", resnet_bytes())).expect("sample");
    let nodes = &model.graph.nodes;
    let csv = format!(
        "Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n\
         {},Conv2D,AI_CORE,0,{}\n{},Relu,AI_VECTOR_CORE,400,{}\n",
        nodes[0].name,
        300.0 * scale,
        nodes[1].name,
        20.0 * scale
    );
    FilePayload::of_bytes(name, csv.into_bytes())
}

#[test]
fn every_file_of_a_drop_gets_its_outcome_and_a_broken_one_drops_nothing() {
    let mut session = Session::default();
    let result = drop_files(
        &mut session,
        1,
        vec![
            (1, resnet("resnet50.onnx")),
            (
                2,
                FilePayload::of_bytes("broken.onnx", b"not a model".to_vec()),
            ),
            (3, run_csv("op_summary_0.csv", 1.0)),
            (4, FilePayload::of_bytes("empty.csv", Vec::new())),
        ],
    );
    assert!(result.model.is_some() && result.profile.is_some());
    let outcome = |id: u64| {
        result
            .files
            .iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("no outcome for {id}: {:?}", result.files))
    };
    assert_eq!(
        (outcome(1).kind, outcome(1).detail.as_str()),
        (FileKindId::Model, "onnx")
    );
    assert!(outcome(1).error.is_none());
    assert!(outcome(2)
        .error
        .as_deref()
        .is_some_and(|e| e.starts_with("broken.onnx: ")));
    assert_eq!(
        (outcome(3).kind, outcome(3).detail.as_str()),
        (FileKindId::Profile, "op_summary")
    );
    assert_eq!(
        outcome(4).error.as_deref(),
        Some("empty.csv: the file is empty")
    );
    assert_eq!(outcome(4).kind, FileKindId::Unreadable);
    assert_eq!(result.files.len(), 4);
    let list = result.profiles.expect("the profile entries");
    assert_eq!(list.entries.len(), 1);
    assert_eq!(list.entries[0].label, "op_summary_0.csv");
    assert_eq!(list.active, Some(1));
}

/// The outcome reported for the file with page id `id`.
fn outcome_of(result: &LoadResult, id: u64) -> &crate::worker::protocol::FileOutcome {
    result
        .files
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no outcome for {id}: {:?}", result.files))
}

fn assert_weights_of(result: &LoadResult, id: u64, model_file: &str) {
    let outcome = outcome_of(result, id);
    assert_eq!(outcome.kind, FileKindId::Weights, "{outcome:?}");
    assert_eq!(outcome.detail, format!("external data of {model_file}"));
    assert!(outcome.skipped, "{outcome:?}");
    let message = outcome.error.as_deref().unwrap_or_default();
    assert!(
        message.contains(&format!("the weights of {model_file}")) && message.contains("not read"),
        "{message}"
    );
}

#[test]
fn a_models_external_weights_are_listed_unread_with_it_or_dropped_later() {
    // The bundled ResNet names `resnet50.weights` as the external data of its initializers.
    let mut weights = Vec::new();
    opscope_engine::samples::write_external_weights(&mut weights, 64 << 10).expect("written");
    let mut session = Session::default();
    let result = drop_files(
        &mut session,
        1,
        vec![
            (1, resnet("export/resnet50.onnx")),
            (
                2,
                FilePayload::of_bytes("export/resnet50.weights", weights.clone()),
            ),
            (3, run_csv("op_summary_0.csv", 1.0)),
        ],
    );
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    assert!(result.model.is_some() && result.profile.is_some());
    assert_weights_of(&result, 2, "export/resnet50.onnx");
    let runs = session.profile_list();
    assert_eq!(runs.entries.len(), 1);
    assert_eq!(
        runs.entries[0].files,
        ["op_summary_0.csv"],
        "not a profile file"
    );
    // Dropped after the model, alone, with only its start read (as the worker reads a large
    // one): listed the same, and the run is not touched.
    let result = drop_files(
        &mut session,
        2,
        vec![(
            4,
            FilePayload::of_bytes("resnet50.weights", weights[..4096].to_vec()),
        )],
    );
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    assert_weights_of(&result, 4, "export/resnet50.onnx");
    assert_eq!(session.profile_list().entries.len(), 1);
    // Named by no model: an error naming the file, saying it is binary.
    let result = drop_files(
        &mut Session::default(),
        1,
        vec![(1, FilePayload::of_bytes("resnet50.weights", weights))],
    );
    let error = outcome_of(&result, 1).error.as_deref().unwrap_or_default();
    assert!(
        error.starts_with("resnet50.weights: ") && error.contains("binary"),
        "{error}"
    );
    assert!(!outcome_of(&result, 1).skipped);
}

#[test]
fn each_profile_drop_is_an_entry_and_switching_analyses_without_parsing() {
    let mut session = Session::default();
    drop_files(&mut session, 1, vec![(1, resnet("resnet50.onnx"))]);
    let first = drop_files(&mut session, 2, vec![(2, run_csv("op_summary_0.csv", 1.0))]);
    assert_eq!(first.profile.as_ref().map(|p| p.total_us), Some(320.0));
    let second = drop_files(&mut session, 3, vec![(3, run_csv("op_summary_0.csv", 2.0))]);
    assert_eq!(second.profile.as_ref().map(|p| p.total_us), Some(640.0));
    let list = second.profiles.expect("two entries");
    assert_eq!(
        list.entries.iter().map(|e| e.group).collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(list.active, Some(3), "the newest run is active");
    // Back to the first run: an analysis only, joined to the model.
    let job = session
        .select_profile(2, TargetKey::default())
        .expect("entry 2");
    let (result, steps) = run(&mut session, job);
    assert_eq!(steps, vec![Step::Analyse]);
    let profile = result.profile.expect("the first run");
    assert_eq!(profile.total_us, 320.0);
    assert!(profile.join.is_some_and(|j| j.node_stats.len() == 2));
    assert!(result.analysis.is_some_and(|a| !a.estimated));
    assert_eq!(result.profiles.and_then(|l| l.active), Some(2));
    assert!(session.select_profile(9, TargetKey::default()).is_none());
    // A new model keeps both runs, the active one joined to it.
    let result = drop_files(&mut session, 4, vec![(4, resnet("other.onnx"))]);
    assert_eq!(result.profile.map(|p| p.total_us), Some(320.0));
    assert_eq!(session.profile_list().entries.len(), 2);
}

#[test]
fn removing_a_profile_file_reads_the_run_again_from_the_others() {
    let mut session = Session::default();
    drop_files(&mut session, 1, vec![(1, resnet("resnet50.onnx"))]);
    drop_files(
        &mut session,
        2,
        vec![
            (2, run_csv("PROF_1/op_summary_0.csv", 1.0)),
            (3, run_csv("PROF_1/op_summary_1.csv", 2.0)),
        ],
    );
    assert_eq!(session.profile_list().entries[0].label, "PROF_1");
    assert_eq!(session.profile_list().entries[0].rows, 4);
    let job = session.remove(&[3], TargetKey::default(), GraphViewOptions::default());
    let (result, steps) = run(&mut session, job);
    assert_eq!(steps, vec![Step::ReadProfile, Step::Analyse]);
    let profile = result.profile.expect("the run read again");
    assert_eq!(profile.files, vec!["PROF_1/op_summary_0.csv".to_string()]);
    assert_eq!(profile.rows, 2);
    let list = result.profiles.expect("the entries");
    assert_eq!(list.entries[0].files.len(), 1);
    assert_eq!(list.active, Some(2));
}

#[test]
fn a_streamed_table_is_held_as_its_source_and_streamed_again_when_its_run_changes() {
    let mut session = Session::default();
    drop_files(&mut session, 1, vec![(1, resnet("resnet50.onnx"))]);
    let big = run_csv("PROF_1/op_summary_1.csv", 2.0);
    let opened = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut streamed = FilePayload::of_bytes(big.name.clone(), big.bytes[..20].to_vec());
    streamed.stream = Some(super::super::streamed::stream_of(
        big.bytes.clone(),
        opened.clone(),
    ));
    drop_files(
        &mut session,
        2,
        vec![(2, run_csv("PROF_1/op_summary_0.csv", 1.0)), (3, streamed)],
    );
    assert_eq!(opened.get(), 1);
    assert_eq!(session.profile_list().entries[0].rows, 4, "both files read");
    let held = &session.profiles[0].inputs[1];
    assert_eq!(held.input.data.len(), 20, "its start only, not a copy");
    assert_eq!(held.size(), big.bytes.len() as u64);
    let job = session.remove(&[2], TargetKey::default(), GraphViewOptions::default());
    let (result, _) = run(&mut session, job);
    assert_eq!(opened.get(), 2, "read again from the File");
    let profile = result.profile.expect("the run read again");
    assert_eq!(profile.files, vec!["PROF_1/op_summary_1.csv".to_string()]);
    assert_eq!(profile.rows, 2);
}

#[test]
fn removing_the_active_run_activates_the_last_left_then_clears() {
    let mut session = Session::default();
    drop_files(&mut session, 1, vec![(1, resnet("resnet50.onnx"))]);
    drop_files(&mut session, 2, vec![(2, run_csv("a.csv", 1.0))]);
    drop_files(&mut session, 3, vec![(3, run_csv("b.csv", 2.0))]);
    let job = session.remove(&[3], TargetKey::default(), GraphViewOptions::default());
    let (result, steps) = run(&mut session, job);
    assert_eq!(steps, vec![Step::Analyse]);
    assert_eq!(result.profile.map(|p| p.total_us), Some(320.0));
    assert!(!result.profile_cleared);
    assert_eq!(result.profiles.map(|l| l.active), Some(Some(2)));
    let job = session.remove(&[2], TargetKey::default(), GraphViewOptions::default());
    let (result, _) = run(&mut session, job);
    assert!(result.profile_cleared);
    assert!(result.profiles.is_some_and(|l| l.entries.is_empty()));
    // The model stays, analysed as an estimate.
    assert!(result.analysis.is_some_and(|a| a.estimated));
    assert!(result.model.is_none() && !result.model_cleared);
}

#[test]
fn removing_the_shown_model_shows_the_next_then_clears_and_keeps_the_profile() {
    let mut session = Session::default();
    let result = drop_files(
        &mut session,
        1,
        vec![
            (1, resnet("a.onnx")),
            (2, resnet("b.onnx")),
            (3, run_csv("op_summary_0.csv", 1.0)),
        ],
    );
    assert_eq!(result.models.map(|m| m.len()), Some(2));
    let job = session.remove(&[1], TargetKey::default(), GraphViewOptions::default());
    let (result, steps) = run(&mut session, job);
    assert_eq!(steps, vec![Step::Layout, Step::Analyse]);
    let shown = result.model.expect("the next model");
    assert_eq!((shown.index, shown.files[0].as_str()), (0, "b.onnx"));
    assert_eq!(result.models.map(|m| m.len()), Some(1));
    assert!(result.profile.and_then(|p| p.join).is_some());
    let job = session.remove(&[2], TargetKey::default(), GraphViewOptions::default());
    let (result, _) = run(&mut session, job);
    assert!(result.model_cleared);
    assert!(result.models.is_some_and(|m| m.is_empty()));
    let profile = result.profile.expect("the profile alone");
    assert!(profile.join.is_none() && !profile.estimated);
    assert!(result.analysis.is_none());
}

#[test]
fn a_restore_holds_what_the_old_worker_held() {
    let files = vec![
        resnet("a.onnx").tagged(1, 1),
        resnet("b.onnx").tagged(2, 1),
        run_csv("a.csv", 1.0).tagged(3, 1),
        run_csv("b.csv", 2.0).tagged(4, 2),
    ];
    let mut session = Session::default();
    let job = session.restore(
        files,
        Some((1, 0)),
        Some(1),
        TargetKey::default(),
        GraphViewOptions::default(),
    );
    let (result, _) = run(&mut session, job);
    assert_eq!(
        result.model.map(|m| m.files[0].clone()),
        Some("b.onnx".into())
    );
    assert_eq!(result.profile.map(|p| p.total_us), Some(320.0));
    let list = session.profile_list();
    assert_eq!(list.entries.len(), 2);
    assert_eq!(list.active, Some(1));
}

#[test]
fn test_faults_fire_only_when_asked() {
    let mut session = Session::default();
    let result = drop_files(&mut session, 1, vec![(1, resnet(TEST_PANIC))]);
    assert!(
        result.model.is_some(),
        "an ordinary model without the switch"
    );
    session.test_faults = true;
    let crashed = catch_unwind(AssertUnwindSafe(|| {
        drop_files(&mut session, 2, vec![(2, resnet(TEST_PANIC))])
    }));
    let message = crashed.expect_err("a panic");
    let text = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(text.starts_with(TEST_PANIC), "{text}");
    // The hang on arrival returns at once without the switch (with it, it never returns).
    Session::default().test_fault_on_arrival([TEST_HANG_UNREAD].into_iter());
}

#[test]
fn runs_are_labelled_by_folder_or_first_file() {
    assert_eq!(
        run_label(&["PROF_1/a.csv".into(), "PROF_1/b.csv".into()]),
        "PROF_1"
    );
    assert_eq!(run_label(&["a.csv".into(), "b.csv".into()]), "a.csv + 1");
    assert_eq!(run_label(&["a.csv".into()]), "a.csv");
}
