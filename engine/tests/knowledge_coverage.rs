//! Every op type that opscope's bundled samples, the real models in ../shared/samples/models and
//! the real profiles in ../shared/samples/profiling contain has a row in the knowledge base.
//! The real files are skipped quietly when the folder is absent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use opscope_engine::ir::{Graph, Model};
use opscope_engine::knowledge::{lookup, lookup_any};
use opscope_engine::profile::import_profile;
use opscope_engine::{open_model, InputFile};

/// `shared/` beside the checkout (CI, the main clone) or beside the folder of worktrees.
fn shared_dir(sub: &str) -> Option<PathBuf> {
    let engine = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["../../shared", "../../../shared"]
        .into_iter()
        .map(|rel| engine.join(rel).join(sub))
        .find(|dir| dir.is_dir())
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn input(path: &Path) -> InputFile {
    let data = std::fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    InputFile::new(name, data)
}

/// Op types of the model (all graphs) that the knowledge base does not know, as `file: type`.
fn unknown_in_model(file: &str, model: &Model) -> BTreeSet<String> {
    fn walk(graph: &Graph, model: &Model, file: &str, out: &mut BTreeSet<String>) {
        for node in &graph.nodes {
            if lookup(model.format, &node.op_type).is_none() {
                out.insert(format!("{file}: {}", node.op_type));
            }
        }
        for sub in &graph.subgraphs {
            walk(&sub.graph, model, file, out);
        }
    }
    let mut out = BTreeSet::new();
    walk(&model.graph, model, file, &mut out);
    out
}

#[test]
fn bundled_samples_are_covered() {
    let mut unknown = BTreeSet::new();
    for (name, bytes) in opscope_engine::samples::bundled() {
        let model = open_model(&InputFile::new(name, bytes)).unwrap_or_else(|e| panic!("{e}"));
        assert!(!model.graph.nodes.is_empty(), "{name}");
        unknown.extend(unknown_in_model(name, &model));
    }
    assert!(unknown.is_empty(), "{unknown:?}");
}

#[test]
fn real_models_are_covered() {
    let Some(dir) = shared_dir("samples/models") else {
        return;
    };
    let mut unknown = BTreeSet::new();
    let mut opened = 0;
    for path in files_under(&dir) {
        // Files that do not import (SOURCES.md, the GE dump in ONNX text form) have no graph.
        let Ok(model) = open_model(&input(&path)) else {
            continue;
        };
        opened += 1;
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        unknown.extend(unknown_in_model(file, &model));
    }
    assert!(opened >= 12, "only {opened} models opened");
    assert!(unknown.is_empty(), "{unknown:?}");
}

/// msprof writes `0` as the type of some helper tasks (`NonZero_MemSet` in the l0bw sample):
/// a value without a letter is not an op type.
fn is_op_type(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_alphabetic())
}

#[test]
fn real_profile_op_types_are_covered() {
    let Some(dir) = shared_dir("samples/profiling") else {
        return;
    };
    let mut unknown = BTreeSet::new();
    let mut seen = 0;
    for path in files_under(&dir) {
        let import = import_profile(&[input(&path)]);
        let profile = &import.profile;
        let task_types = profile.tasks.iter().map(|t| profile.str(t.op_type));
        let stat_types = profile.op_statistics.iter().map(|s| s.op_type.as_str());
        for op_type in task_types.chain(stat_types).filter(|t| is_op_type(t)) {
            seen += 1;
            if lookup_any(op_type).is_none() {
                unknown.insert(format!("{}: {op_type}", path.display()));
            }
        }
    }
    assert!(seen > 1000, "only {seen} typed rows read");
    assert!(unknown.is_empty(), "{unknown:?}");
}
