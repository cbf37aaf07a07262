//! Importers: bytes of a model file → [`crate::ir::Model`].
//!
//! Invariants:
//! - The format is chosen by content, never by file name: every importer offers a `sniff` that
//!   returns a confidence, and the most confident one wins. The name is only a tie-breaker hint.
//! - Protobuf types never leave their format's folder; everything outside sees the IR.
//! - No panic on any input: unreadable bytes give an [`ImportError`] that names the file, the
//!   place in it and what was expected.

pub mod caffe;
pub(crate) mod decode_error;
#[doc(hidden)]
pub mod fuzzing;
pub mod ge;
pub mod onnx;
pub mod report_json;
pub mod source;
pub mod tensorflow;
pub(crate) mod text;
pub(crate) mod wire;

use bytes::Bytes;

use crate::error::ImportError;
use crate::ir::Model;
use crate::limits::{self, Limits};

/// A file handed to the engine: its name (for messages and hints), its bytes and the bounds it is
/// read within. `Bytes` lets the importers slice weights out of the buffer without copying them.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub name: String,
    pub data: Bytes,
    /// The limits in force for this file (the defaults unless the caller raised some).
    pub limits: Limits,
}

impl InputFile {
    pub fn new(name: impl Into<String>, data: impl Into<Bytes>) -> InputFile {
        InputFile {
            name: name.into(),
            data: data.into(),
            limits: Limits::default(),
        }
    }

    /// The same file read under other limits (the CLI's `--limit`).
    pub fn with_limits(mut self, limits: Limits) -> InputFile {
        self.limits = limits;
        self
    }
}

/// How sure an importer is that bytes are its format (0 = not this format).
pub type Confidence = u8;

/// One importer: how to recognise its files and how to read them.
pub struct FormatSpec {
    pub id: &'static str,
    /// Human name used in messages ("ONNX").
    pub title: &'static str,
    /// File-name endings this format usually has; only a hint when sniffing ties.
    pub extensions: &'static [&'static str],
    pub sniff: fn(&[u8]) -> Confidence,
    pub import: fn(&InputFile) -> Result<Model, ImportError>,
}

/// Every importer, in no particular order (sniffing decides).
pub const FORMATS: &[FormatSpec] = &[
    onnx::FORMAT,
    onnx::TEXT_FORMAT,
    tensorflow::FORMAT,
    tensorflow::SAVED_MODEL_FORMAT,
    caffe::FORMAT,
    ge::DUMP_FORMAT,
    ge::JSON_FORMAT,
    ge::OM_FORMAT,
];

/// Reads one model file of any supported format.
pub fn import_model(file: &InputFile) -> Result<Model, ImportError> {
    if file.data.is_empty() {
        return Err(ImportError::Empty {
            file: file.name.clone(),
        });
    }
    let spec = detect(file).ok_or_else(|| ImportError::UnknownFormat {
        file: file.name.clone(),
        detail: describe_unknown(&file.data),
    })?;
    let model = (spec.import)(file)?;
    limits::check_model(&file.name, spec.title, &model, &file.limits)?;
    Ok(model)
}

/// One model of a multi-file import, with the files it was read from.
#[derive(Debug, Clone)]
pub struct ImportedModel {
    /// Names of the files the model came from, the main file first (a Caffe prototxt, then the
    /// caffemodel that gave it its weights).
    pub files: Vec<String>,
    /// How the companion file was matched to the main one; `None` for a model from one file.
    pub pairing: Option<Pairing>,
    pub result: Result<Model, ImportError>,
}

/// The rule that paired a Caffe caffemodel with a prototxt, for the UI to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// Both files declare the same net `name`.
    NetName,
    /// Both files have the same name up to the extension (`resnet.prototxt`, `resnet.caffemodel`).
    FileStem,
    /// Exactly one prototxt and one caffemodel were left unpaired, so they go together.
    OnlyPair,
}

impl Pairing {
    pub fn describe(self) -> &'static str {
        match self {
            Pairing::NetName => "same net name",
            Pairing::FileStem => "same file name",
            Pairing::OnlyPair => "the only prototxt and caffemodel",
        }
    }
}

/// Reads several files dropped together, one result per model, in the order of each model's
/// main file; an unreadable file gives its own error and never loses the others.
///
/// Most files are models of their own. Caffe splits a model in two, the net (`.prototxt`) and
/// its weights (`.caffemodel`), so each caffemodel is paired with a prototxt that read without
/// error, by the first rule that finds exactly one partner:
/// 1. the same net `name` in both files (if several prototxts share it, the one with the same
///    file stem);
/// 2. the same file stem;
/// 3. when exactly one prototxt and one caffemodel are left unpaired, each other.
///
/// A caffemodel left over is a model of its own (it holds the whole net); a prototxt left over
/// is read without weights. [`caffe::import_pair`] pairs two files the user chose.
pub fn import_models(files: &[InputFile]) -> Vec<ImportedModel> {
    let mut models = Vec::new();
    let mut caffe_files = Vec::new();
    for (order, file) in files.iter().enumerate() {
        let caffe_kind = detect(file)
            .filter(|spec| spec.id == caffe::FORMAT.id)
            .and_then(|_| caffe::file_kind(&file.data));
        match caffe_kind {
            Some(kind) => caffe_files.push((order, file, kind)),
            None => models.push((
                order,
                ImportedModel {
                    files: vec![file.name.clone()],
                    pairing: None,
                    result: import_model(file),
                },
            )),
        }
    }
    models.extend(caffe::import_group(&caffe_files));
    models.sort_by_key(|(order, _)| *order);
    models.into_iter().map(|(_, model)| model).collect()
}

/// The importer most confident about `file`, if any.
pub fn detect(file: &InputFile) -> Option<&'static FormatSpec> {
    let lower_name = file.name.to_ascii_lowercase();
    FORMATS
        .iter()
        .map(|spec| {
            let name_hint = spec.extensions.iter().any(|ext| lower_name.ends_with(ext));
            ((spec.sniff)(&file.data), name_hint, spec)
        })
        .filter(|(confidence, _, _)| *confidence > 0)
        .max_by_key(|(confidence, name_hint, _)| (*confidence, *name_hint))
        .map(|(_, _, spec)| spec)
}

/// A short description of unrecognised content, so the message says what the file looked like.
fn describe_unknown(data: &[u8]) -> String {
    const EXPECTED: &str =
        "not an ONNX model, TensorFlow graph (.pb/.pbtxt, SavedModel), Caffe net \
                            (.prototxt/.caffemodel), or Ascend GE graph (dump, JSON or .om)";
    let head = &data[..data.len().min(16)];
    let printable = head
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if printable {
        let text = String::from_utf8_lossy(head);
        format!(
            "{EXPECTED}; the file starts with the text {:?}",
            text.trim_end()
        )
    } else {
        let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{EXPECTED}; the file starts with the bytes {}",
            hex.join(" ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_unknown_files_are_named() {
        let err = import_model(&InputFile::new("x.onnx", Vec::new())).unwrap_err();
        assert_eq!(err.to_string(), "x.onnx: the file is empty");
        let err = import_model(&InputFile::new("notes.txt", b"hello world".to_vec())).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "notes.txt: not an ONNX model, TensorFlow graph (.pb/.pbtxt, SavedModel), Caffe net"
            ),
            "{err}"
        );
        assert!(err.to_string().contains("\"hello world\""), "{err}");
    }
}
