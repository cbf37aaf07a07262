//! ONNX importer: a binary `ModelProto` → IR [`Model`].
//!
//! Invariants:
//! - Weight payloads are never copied: `raw_data` is a zero-copy slice of the input, list-encoded
//!   float weights are not even declared in our schema subset, so they are skipped on the wire.
//! - The importer does not infer shapes; it records what the file states (`value_info`, graph
//!   inputs and outputs, initializer dims) and leaves the rest to shape inference.

mod convert;
pub(crate) mod pb;
pub mod skim;
mod text;

pub use text::TEXT_FORMAT;

use crate::formats::decode_error::decode_binary;

use super::{wire, Confidence, FormatSpec, InputFile};
use crate::error::ImportError;
use crate::ir::Model;

pub const FORMAT: FormatSpec = FormatSpec {
    id: "onnx",
    title: "ONNX",
    extensions: &[".onnx", ".onnx.data", ".pb", ".ort"],
    sniff,
    import,
};

/// Wire types ModelProto's known top-level fields must have; a file whose first fields fit this
/// table and that holds a graph is almost surely ONNX.
const MODEL_FIELDS: &[(u32, u8)] = &[
    (1, wire::VARINT), // ir_version
    (2, wire::LEN),    // producer_name
    (3, wire::LEN),    // producer_version
    (4, wire::LEN),    // domain
    (5, wire::VARINT), // model_version
    (6, wire::LEN),    // doc_string
    (7, wire::LEN),    // graph
    (8, wire::LEN),    // opset_import
    (14, wire::LEN),   // metadata_props
    (20, wire::LEN),   // training_info
    (25, wire::LEN),   // functions
];

/// Recognises a ModelProto by its top-level wire structure (not by name). Confidence is high
/// when every field is a known ModelProto field with the right wire type and a graph is present,
/// low when the top level is only partly readable (a truncated file the importer will explain).
fn sniff(data: &[u8]) -> Confidence {
    let mut has_graph = false;
    let mut has_ir_version = false;
    for field in wire::fields(data).take(64) {
        let Some(field) = field else {
            // Broken after a good start: still ours, so the user gets ONNX's precise error.
            return if has_graph || has_ir_version { 30 } else { 0 };
        };
        if !field.is_one_of(MODEL_FIELDS) {
            return 0;
        }
        has_graph |= field.number == 7;
        has_ir_version |= field.number == 1;
    }
    match (has_graph, has_ir_version) {
        (true, true) => 90,
        (true, false) => 70,
        (false, true) => 40,
        (false, false) => 0,
    }
}

/// Decodes the model's outer messages, then converts the graph's nodes one at a time (see
/// `LazyModelProto`); prost's errors become ones that say where and what.
fn import(file: &InputFile) -> Result<Model, ImportError> {
    let model: pb::LazyModelProto = decode_binary(file, "ONNX")?;
    convert::lazy_model(file, model)
}

#[cfg(test)]
mod tests;
