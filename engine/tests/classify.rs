//! Dropped files are sorted into models and profiling files by content: every real sample must
//! land on its own side.

use std::path::PathBuf;

use opscope_engine::{classify_file, FileKind, InputFile};

fn shared(dir: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/samples")
        .join(dir)
}

fn files_in(dir: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(shared(dir)) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext != "md"))
        .filter_map(|p| {
            Some((
                p.file_name()?.to_string_lossy().into_owned(),
                std::fs::read(&p).ok()?,
            ))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn real_samples_are_classified_by_content() {
    let mut n_checked = 0;
    for dir in ["models/onnx", "models/caffe"] {
        for (name, data) in files_in(dir) {
            // The name is withheld: content alone must decide.
            assert_eq!(
                classify_file(&InputFile::new("dropped", data)),
                FileKind::Model,
                "{name}"
            );
            n_checked += 1;
        }
    }
    for (name, data) in files_in("profiling") {
        assert_eq!(
            classify_file(&InputFile::new("dropped", data)),
            FileKind::Profile,
            "{name}"
        );
        n_checked += 1;
    }
    if shared("").is_dir() {
        assert!(n_checked >= 20, "only {n_checked} samples found");
    }
}

#[test]
fn generated_models_are_models() {
    for (name, data) in opscope_engine::samples::bundled() {
        assert_eq!(
            classify_file(&InputFile::new("x", data)),
            FileKind::Model,
            "{name}"
        );
    }
    let graph =
        opscope_engine::samples::tf_mobilenet_v2(opscope_engine::samples::TfWeights::Splat, false);
    for saved_model in [
        graph.saved_model(false),
        graph.saved_model_text().into_bytes(),
    ] {
        assert_eq!(
            classify_file(&InputFile::new("x", saved_model)),
            FileKind::Model,
            "SavedModel"
        );
    }
    let csv = b"Op Name,OP Type,Task Type,Task Duration(us)\nconv1,Conv2D,AI_CORE,12.5\n".to_vec();
    assert_eq!(classify_file(&InputFile::new("x", csv)), FileKind::Profile);
}
