//! GE graph dumps (`ge_proto_*.txt`): the protobuf text format of `ge.proto.ModelDef`, read by
//! the shared text-format reader (line and column in errors, unknown fields skipped with a
//! warning).

use bytes::Bytes;
use prost::Message;

use super::convert::{self, Extras};
use super::pb;
use crate::error::ImportError;
use crate::formats::text::{self, parse_text};
use crate::formats::{Confidence, InputFile};
use crate::ir::Model;

const TITLE: &str = "GE graph dump";

/// A dump is parsed a few ops at a time and encoded to binary as it goes, then its ops are
/// decoded one at a time as they are converted ([`read_lazily`]); when that fails anywhere, the
/// text is parsed whole, which gives the error (or the model): the answer is the same.
pub(super) fn import(file: &InputFile) -> Result<Model, ImportError> {
    match read_lazily(file) {
        Some(model) => Ok(model),
        None => import_whole(file),
    }
}

/// The model of the dump with its graphs parsed in groups of ops; `None` when that fails.
pub(super) fn read_lazily(file: &InputFile) -> Option<Model> {
    let (encoded, warnings) = text::transcode_text_split(file, TITLE, "ge.proto.ModelDef")?;
    let def = pb::LazyModelDef::decode(Bytes::from(encoded)).ok()?;
    convert::lazy_model(
        file,
        def,
        Extras {
            warnings,
            ..Extras::default()
        },
    )
}

/// [`import`] with the text parsed into one ModelDef.
pub(super) fn import_whole(file: &InputFile) -> Result<Model, ImportError> {
    let parsed = parse_text::<pb::ModelDef>(file, TITLE, "ge.proto.ModelDef")?;
    Ok(convert::model(
        file,
        parsed.message,
        Extras {
            warnings: parsed.warnings,
            ..Extras::default()
        },
    ))
}

/// Top-level fields of a text `ModelDef`.
const MODEL_FIELDS: &[&str] = &[
    "name",
    "version",
    "custom_version",
    "graph",
    "attr",
    "attr_groups",
];

/// How much of the file sniffing looks at.
const SNIFF_WINDOW: usize = 64 * 1024;

/// Recognises a text `ModelDef` by its field names: only ModelDef fields at the top level, a
/// `graph` block among them, and `op` blocks inside it (TensorFlow pbtxt has `node` at the top,
/// Caffe `layer`, ONNX text `ir_version` and `node` inside its graph).
pub(super) fn sniff(data: &[u8]) -> Confidence {
    let window = &data[..data.len().min(SNIFF_WINDOW)];
    if window.contains(&0) {
        return 0;
    }
    let mut has_graph = false;
    let mut has_op = false;
    let refused = text::scan_fields(window, SNIFF_WINDOW, 1, |field| {
        match field.parents {
            [] => {
                if !MODEL_FIELDS.iter().any(|f| f.as_bytes() == field.name) {
                    return Some(());
                }
                has_graph |= field.name == b"graph";
            }
            [b"graph"] => {
                if field.name == b"node" || field.name == b"initializer" {
                    return Some(());
                }
                has_op |= field.name == b"op";
            }
            _ => {}
        }
        None
    });
    match (refused, has_graph, has_op) {
        (Some(()), _, _) => 0,
        (None, true, true) => 85,
        (None, true, false) => 60,
        _ => 0,
    }
}
