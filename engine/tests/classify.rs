//! Dropped files are sorted into models and profiling files by content: every real sample must
//! land on its own side.

use std::path::PathBuf;

use opscope_engine::{classify_file, read_by_no_importer, FileKind, InputFile};

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

/// The first 64 KB of a file: what the browser reads of a large file before deciding to read the
/// rest.
fn head(data: &[u8]) -> &[u8] {
    &data[..data.len().min(64 << 10)]
}

#[test]
fn no_reader_takes_weights_or_zeros_from_their_start() {
    let mut weights = Vec::new();
    opscope_engine::samples::write_external_weights(&mut weights, 256 << 10).unwrap();
    assert_eq!(weights.len(), 256 << 10);
    for (name, data) in [
        ("model.onnx.data", weights.as_slice()),
        ("weights.bin", &[0u8; 4096][..]),
    ] {
        assert!(read_by_no_importer(name, head(data)), "{name}");
    }
}

#[test]
fn every_model_profile_and_report_start_is_read() {
    use opscope_engine::samples::{self, BlobData};
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in ["models/onnx", "models/caffe", "models/ge", "profiling"] {
        files.extend(files_in(dir));
    }
    files.extend(
        samples::bundled()
            .into_iter()
            .map(|(n, d)| (n.to_string(), d)),
    );
    let graph = samples::tf_mobilenet_v2(samples::TfWeights::Splat, false);
    files.push(("graph".into(), graph.binary()));
    files.push(("saved".into(), graph.saved_model(false)));
    files.push((
        "net".into(),
        samples::caffe_alexnet().caffemodel(BlobData::Zeros),
    ));
    files.push(("inline".into(), samples::weight_heavy(4 << 20)));
    let mut table = Vec::new();
    samples::write_a2_op_summary(&mut table, 128 << 10).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            String::from_utf8_lossy(&table)
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    files.push(("op_summary.csv".into(), table));
    files.push(("op_summary_utf16.csv".into(), utf16));
    let report = br#"{"schema": "opscope.analyze/1", "model": {}}"#.to_vec();
    files.push(("report.json".into(), report));
    for (name, data) in &files {
        // Withheld names too: content alone must keep a file read.
        for shown_as in [name.as_str(), "dropped"] {
            assert!(!read_by_no_importer(shown_as, head(data)), "{name}");
        }
    }
    assert!(files.len() >= 12, "only {} files", files.len());
}
