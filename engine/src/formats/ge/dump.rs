//! GE graph dumps (`ge_proto_*.txt`): the protobuf text format of `ge.proto.ModelDef`, read by
//! the shared text-format reader (line and column in errors, unknown fields skipped with a
//! warning).

use super::convert::{self, Extras};
use super::pb;
use crate::error::ImportError;
use crate::formats::text::{self, parse_text};
use crate::formats::{Confidence, InputFile};
use crate::ir::Model;

pub(super) fn import(file: &InputFile) -> Result<Model, ImportError> {
    let parsed = parse_text::<pb::ModelDef>(file, "GE graph dump", "ge.proto.ModelDef")?;
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
