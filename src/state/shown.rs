//! What the worker sends, as the page shows it: every string that came from a file (names, op
//! types, cells, messages naming files) with its hidden characters (bidi overrides, controls)
//! as visible `\u{..}` escapes, the engine's [`visible`] that the reports and the graph view use.
//! The markup in such text is already inert (Yew writes text as text); this keeps a name such as
//! `a\u{202E}cba` from being shown as `aabc`, or a control character from hiding.
//!
//! Applied once, where a worker message enters the state, so no component has to remember it.
//! Names stay comparable: the graph view's names went through the same function in the engine,
//! and it is idempotent. A report file the worker wrote is left exactly as written.

use opscope_engine::report::render::{make_visible, visible};

use crate::worker::protocol::{
    AnalysisData, EvidenceValue, FindingRow, FromWorker, LoadResult, ProfileData, Stage,
};

/// Shows the text of `msg` (see the module doc).
pub fn show_message(msg: &mut FromWorker) {
    match msg {
        FromWorker::Progress { stage, .. } => show_stage(stage),
        FromWorker::Loaded { result, .. } => show_result(result),
        FromWorker::Failed { message, .. } | FromWorker::Crashed { message, .. } => {
            show(message);
        }
        FromWorker::Report { outcome, .. } => {
            if let Err(message) = outcome {
                show(message);
            }
        }
    }
}

fn show(text: &mut String) {
    make_visible(text);
}

fn show_all<'a>(texts: impl IntoIterator<Item = &'a mut String>) {
    texts.into_iter().for_each(show);
}

fn show_stage(stage: &mut Stage) {
    match stage {
        Stage::Parsing { file_name, .. } => show(file_name),
        Stage::Analysing { target, .. } => show(target),
        Stage::ReadingProfile { .. } | Stage::Layout { .. } => {}
    }
}

fn show_result(result: &mut LoadResult) {
    if let Some(model) = &mut result.model {
        show_all(&mut model.files);
        show_all(&mut model.pairing);
        for graph in &mut model.graphs {
            show(&mut graph.label);
            show(&mut graph.kind);
        }
    }
    for choice in result.models.iter_mut().flatten() {
        show_all(&mut choice.files);
        show_all(&mut choice.pairing);
        show(&mut choice.format);
    }
    if let Some(profile) = &mut result.profile {
        show_profile(profile);
    }
    if let Some(analysis) = &mut result.analysis {
        show_analysis(analysis);
    }
    show_all(&mut result.errors);
    for (file, why) in &mut result.skipped {
        show(file);
        show(why);
    }
    for outcome in &mut result.files {
        show(&mut outcome.detail);
        show_all(&mut outcome.error);
    }
    for run in result
        .profiles
        .iter_mut()
        .flat_map(|list| &mut list.entries)
    {
        show(&mut run.label);
        show_all(&mut run.files);
    }
}

fn show_profile(profile: &mut ProfileData) {
    show_all(&mut profile.files);
    for source in &mut profile.sources {
        show_all([&mut source.file, &mut source.kind, &mut source.note]);
    }
    show_all(&mut profile.chip);
    show(&mut profile.ai_core_num_source);
    for row in &mut profile.hotspots {
        show_all([&mut row.op, &mut row.op_type]);
        show_all(&mut row.nodes);
    }
    for row in &mut profile.op_types {
        show(&mut row.op_type);
    }
    for row in &mut profile.op_statistics {
        show_all([&mut row.op, &mut row.op_type, &mut row.core_type]);
    }
    profile.findings.iter_mut().for_each(show_finding);
    for (id, why) in &mut profile.skipped_checks {
        show_all([id, why]);
    }
    show_all(&mut profile.notes);
    show_all(&mut profile.warnings);
    if let Some(join) = &mut profile.join {
        for row in &mut join.unmatched {
            show_all([&mut row.op, &mut row.op_type, &mut row.reason]);
        }
        for row in &mut join.inserted {
            show_all([&mut row.op, &mut row.op_type, &mut row.note]);
            if let Some((before, after)) = &mut row.between {
                show_all([before, after]);
            }
        }
        for stat in &mut join.node_stats {
            show(&mut stat.node);
            show_all(&mut stat.ops);
        }
    }
    if let Some(check) = &mut profile.unit_check {
        for row in &mut check.disagreements {
            show_all([&mut row.op_type, &mut row.predicted, &mut row.measured]);
        }
    }
}

fn show_analysis(analysis: &mut AnalysisData) {
    show_all([&mut analysis.target_name, &mut analysis.cann]);
    show_all(&mut analysis.reasons);
    for group in &mut analysis.groups {
        show(&mut group.pattern);
    }
    for miss in &mut analysis.near_misses {
        show_all([&mut miss.pattern, &mut miss.reason, &mut miss.fix]);
    }
    analysis.findings.iter_mut().for_each(show_finding);
    for (id, why) in &mut analysis.skipped_checks {
        show_all([id, why]);
    }
    show_all(&mut analysis.notes);
    if let Some(check) = &mut analysis.unit_check {
        for row in &mut check.disagreements {
            show_all([&mut row.op_type, &mut row.predicted, &mut row.measured]);
        }
    }
    if let Some(check) = &mut analysis.fusion_check {
        show(&mut check.source);
        for row in &mut check.differences {
            show(&mut row.kind);
            show_all(&mut row.fused_op);
            show_all(&mut row.real);
            show_all(&mut row.simulated);
        }
    }
}

fn show_finding(finding: &mut FindingRow) {
    show_all([
        &mut finding.rule,
        &mut finding.title,
        &mut finding.severity,
        &mut finding.message,
        &mut finding.fix,
    ]);
    show_all(&mut finding.nodes);
    for (key, value) in &mut finding.evidence {
        show(key);
        match value {
            EvidenceValue::Text(text) => show(text),
            EvidenceValue::List(items) => show_all(items),
            EvidenceValue::Int(_) | EvidenceValue::Num(_) => {}
        }
    }
}

/// Text that reaches the state outside the worker's messages (a file name the page read, an
/// error naming one, a `#node=` link, an embedding page's `node=` or `select`), in the form the
/// page shows text in.
pub fn shown_name(name: &str) -> String {
    visible(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::protocol::{FilePayload, TargetKey};
    use crate::worker::session::Session;
    use opscope_engine::report::GraphViewOptions;

    const HOSTILE: &str = "<script>alert(1)</script>[x](javascript:alert(3))\u{202E}evil\u{0007}";
    const SHOWN: &str = "<script>alert(1)</script>[x](javascript:alert(3))\\u{202e}evil\\u{0007}";

    /// What the worker sends for a TensorFlow text graph and a profiling CSV whose names, an
    /// attribute and the model's file name hold hidden characters, as it enters the state.
    fn hostile_load() -> FromWorker {
        let quoted = HOSTILE.replace('\u{0007}', "\\a");
        let graph = format!(
            "node {{ name: \"x\" op: \"Placeholder\" attr {{ key: \"dtype\" value {{ type: DT_FLOAT }} }} }}\n\
             node {{ name: \"{quoted}\" op: \"Relu\" input: \"x\" }}\n\
             node {{ name: \"pow\" op: \"Pow\" input: \"{quoted}\" input: \"x\" attr {{ key: \"note\" value {{ s: \"{quoted}\" }} }} }}\n"
        );
        let csv = format!(
            "Op Name,OP Type,Task Type,Task Duration(us)\n\"{HOSTILE}\",\"{HOSTILE}\",AI_CPU,50.0\npow,Pow,AI_CORE,10.0\n"
        );
        let files = vec![
            FilePayload::of_bytes(format!("{HOSTILE}.pbtxt"), graph.into_bytes()),
            FilePayload::of_bytes("op_summary_0.csv", csv.into_bytes()),
            FilePayload::of_bytes(format!("{HOSTILE}.onnx"), b"not a model".to_vec()),
        ];
        let mut session = Session::default();
        let mut job = session.open(files, TargetKey::default(), GraphViewOptions::default());
        while session.step(&mut job).is_some() {}
        FromWorker::Loaded {
            generation: 1,
            result: Box::new(session.finish(job)),
        }
    }

    #[test]
    fn nothing_hidden_reaches_the_state_and_the_names_still_match() {
        let mut msg = hostile_load();
        let before = serde_json::to_string(&msg).expect("serialisable");
        assert!(
            before.contains('\u{202E}'),
            "the fixture carries the override"
        );
        show_message(&mut msg);
        // Every string of the message, whichever field it sits in (a field added later too).
        let after = serde_json::to_string(&msg).expect("serialisable");
        assert!(!after.contains('\u{202E}'), "a raw bidi override is left");
        assert!(
            !after.contains("\\u0007"),
            "a raw control character is left"
        );
        let FromWorker::Loaded { result, .. } = &msg else {
            unreachable!("built as Loaded");
        };
        let model = result.model.as_ref().expect("the graph loads");
        let node = model
            .view
            .nodes
            .iter()
            .find(|n| n.title == "Relu")
            .expect("the Relu node");
        assert_eq!(node.name, SHOWN, "the graph shows the name escaped");
        let profile = result.profile.as_ref().expect("the profile loads");
        let hotspot = profile
            .hotspots
            .iter()
            .find(|h| h.op.contains("evil"))
            .expect("the op's hotspot");
        assert_eq!(hotspot.op, SHOWN, "the table shows the cell escaped");
        assert!(
            result.errors.iter().any(|e| e.contains("\\u{202e}evil")),
            "the unreadable file is named escaped: {:?}",
            result.errors
        );
    }

    #[test]
    fn showing_twice_changes_nothing_more() {
        let mut once = hostile_load();
        show_message(&mut once);
        let mut twice = once.clone();
        show_message(&mut twice);
        assert_eq!(once, twice);
        assert_eq!(shown_name(SHOWN), SHOWN);
        assert_eq!(shown_name(HOSTILE), SHOWN);
    }
}
