//! opscope engine: from model and profiling bytes to plain-data reports.
//!
//! Data flows one way: bytes → [`formats`] (importers) → [`ir`] graph → [`shape`] inference →
//! [`layout`] → [`report`]; profiling bytes → [`profile`] (import, join to the graph, findings).
//! Each stage is a module with plain-data output, and no stage reaches back. Nothing here depends
//! on a browser, a file system or a clock: callers pass bytes in and get values out, so the same
//! code runs in the Web Worker, the CLI, the tests and the benchmarks.

pub mod analysis;
pub mod error;
pub mod formats;
pub mod ir;
pub mod knowledge;
pub mod layout;
pub mod limits;
pub mod profile;
pub mod report;
pub mod samples;
pub mod shape;
pub mod target;

pub use error::{ImportError, Location};
pub use formats::{import_model, import_models, ImportedModel, InputFile, Pairing};
pub use report::InspectOptions;

use ir::Model;

/// Reads one model file and runs the stages that need nothing but the model: import, then shape
/// inference. What the CLI and the viewer open.
pub fn open_model(file: &InputFile) -> Result<Model, ImportError> {
    let mut model = formats::import_model(file)?;
    shape::infer_shapes(&mut model);
    Ok(model)
}

/// [`open_model`] for several files dropped together: Caffe nets are paired with their weights
/// (see [`formats::import_models`]), and one unreadable file never loses the others.
pub fn open_models(files: &[InputFile]) -> Vec<ImportedModel> {
    let mut models = formats::import_models(files);
    for imported in &mut models {
        if let Ok(model) = &mut imported.result {
            shape::infer_shapes(model);
        }
    }
    models
}

/// What a dropped file is, decided by content: an analysis report opscope wrote (JSON, reopened
/// by [`report::saved`]), a model one of the importers recognises, or else a profiling file (the
/// profile importer then says whether it can read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Model,
    Profile,
    Report,
}

/// Whether no reader takes a file named `file_name` whose first bytes are `head` (64 KB): no
/// model importer recognises them and the profile importers refuse them as binary. Both verdicts
/// come from a file's start, so the rest of such a file need not be read at all: the browser
/// leaves a large one unread (an ONNX model's external weights, a video dropped by mistake).
pub fn read_by_no_importer(file_name: &str, head: &[u8]) -> bool {
    let file = InputFile::new(file_name, head.to_vec());
    !formats::report_json::sniff(head)
        && formats::detect(&file).is_none()
        && profile::refuses_as_binary(head)
}

pub fn classify_file(file: &InputFile) -> FileKind {
    if formats::report_json::sniff(&file.data) {
        FileKind::Report
    } else if formats::detect(file).is_some() {
        FileKind::Model
    } else {
        FileKind::Profile
    }
}
