//! TensorFlow importer: a frozen `GraphDef`, binary (`.pb`) or text (`.pbtxt`) → IR [`Model`];
//! [`saved_model`] opens the GraphDef inside a SavedModel.
//!
//! Invariants:
//! - One IR node per `NodeDef` of the main graph, `Const` and `Placeholder` included; function
//!   library bodies become [`Model::functions`], one graph per `FunctionDef`.
//! - Output slot 0 of node `n` is the tensor `n`, slot `k > 0` is `n:k`; `^n` inputs become
//!   control inputs, never data edges.
//! - Weight payloads (`tensor_content`) are zero-copy slices of the input during decoding and are
//!   never copied into the IR; only small integer and float constants keep their values.
//! - The importer does not infer shapes; it records what the file states (`Placeholder.shape`,
//!   `Const` values, `_output_shapes`) and leaves the rest to shape inference.
//! - The text form goes through the shared text-format reader ([`super::text`]), never a parser
//!   of its own.

mod convert;
mod lazy;
pub(crate) mod pb;
mod saved_model;

pub(super) use saved_model::import_encoded as import_saved_model_encoded;
pub use saved_model::FORMAT as SAVED_MODEL_FORMAT;

use crate::formats::decode_error::decode_binary;

use super::{text, wire, Confidence, FormatSpec, InputFile};
use crate::error::ImportError;
use crate::ir::Model;

pub const FORMAT: FormatSpec = FormatSpec {
    id: "tensorflow",
    title: "TensorFlow",
    extensions: &[".pb", ".pbtxt", ".graphdef", ".pb.txt"],
    sniff,
    import,
};

pub(super) const TITLE: &str = "TensorFlow";

/// How many warnings of one kind (the text reader's skipped fields, the converter's odd
/// references) are kept before the rest are summed up in one line.
const MAX_WARNINGS: usize = 20;

/// Recognises a GraphDef, binary or text, by content.
fn sniff(data: &[u8]) -> Confidence {
    match sniff_binary(data) {
        0 => sniff_text(data),
        confidence => confidence,
    }
}

/// Wire types of GraphDef's top-level fields: node, library, version (deprecated), versions,
/// debug_info.
const GRAPH_FIELDS: &[(u32, u8)] = &[
    (1, wire::LEN),
    (2, wire::LEN),
    (3, wire::VARINT),
    (4, wire::LEN),
    (5, wire::LEN),
];

/// A binary GraphDef: every top-level field is one of GraphDef's with the right wire type, and
/// the nodes look like NodeDefs (all fields length-delimited, `attr` entries are key/value
/// pairs). ONNX's ModelProto starts with a varint (`ir_version = 1`) and has a graph at field 7,
/// so neither format is taken for the other.
pub(super) fn sniff_binary(data: &[u8]) -> Confidence {
    let mut n_nodes = 0usize;
    let mut has_versions = false;
    for field in wire::fields(data).take(64) {
        let Some(field) = field else {
            // Broken after a good start (a truncated download): still ours, so the user gets
            // the precise error of the binary reader.
            return if n_nodes > 0 || truncated_first_node(data) {
                30
            } else {
                0
            };
        };
        if !field.is_one_of(GRAPH_FIELDS) {
            return 0;
        }
        let payload = &data[field.payload.0..field.payload.1];
        match field.number {
            1 => match looks_like_node(payload) {
                NodeLook::Node => n_nodes += 1,
                // A node whose first fields read well: ours, with an error the decoder explains.
                NodeLook::BrokenNode => return 30,
                NodeLook::Other => return 0,
            },
            2 if only_len_fields(payload, 1..=3) => {}
            4 if only_varint_fields(payload) => has_versions = true,
            2 | 4 => return 0,
            _ => {}
        }
    }
    match (n_nodes > 0, has_versions) {
        (true, true) => 90,
        (true, false) => 75,
        (false, true) => 20,
        (false, false) => 0,
    }
}

/// The file starts with a node field that is cut short, and what is there of it reads as a
/// NodeDef (a truncated single-node file, or a cut inside the first big Const).
fn truncated_first_node(data: &[u8]) -> bool {
    if data.first() != Some(&0x0a) {
        return false;
    }
    let mut pos = 1usize;
    let mut len = 0u64;
    let mut shift = 0u32;
    while let Some(&byte) = data.get(pos) {
        pos += 1;
        len |= u64::from(byte & 0x7f) << shift.min(63);
        shift += 7;
        if byte & 0x80 == 0 {
            break;
        }
    }
    let end = usize::try_from(len).map_or(data.len(), |len| pos.saturating_add(len));
    let partial = &data[pos.min(data.len())..end.min(data.len())];
    let mut n_complete = 0usize;
    for field in wire::fields(partial) {
        match field {
            Some(f) if (1..=7).contains(&f.number) && f.wire_type == wire::LEN => n_complete += 1,
            Some(_) => return false,
            None => break,
        }
    }
    n_complete > 0
}

enum NodeLook {
    Node,
    /// Starts like a NodeDef (a UTF-8 name or op first), then breaks.
    BrokenNode,
    Other,
}

/// NodeDef: name, op, input, device, attr, experimental_debug_info, experimental_type, all
/// length-delimited; name and op are UTF-8 and one of them is among the first two fields (TF
/// writes fields in number order); attr entries hold a key and a value only.
fn looks_like_node(payload: &[u8]) -> NodeLook {
    let mut has_name_or_op = false;
    let broken = |has_name_or_op: bool| {
        if has_name_or_op {
            NodeLook::BrokenNode
        } else {
            NodeLook::Other
        }
    };
    for (n_fields, field) in wire::fields(payload).enumerate() {
        let Some(field) = field else {
            return broken(has_name_or_op);
        };
        if field.wire_type != wire::LEN || !(1..=7).contains(&field.number) {
            return broken(has_name_or_op);
        }
        let inner = &payload[field.payload.0..field.payload.1];
        match field.number {
            1 | 2 => {
                if std::str::from_utf8(inner).is_err() {
                    return broken(has_name_or_op);
                }
                // Only a name or op that comes first makes a broken node still a node.
                has_name_or_op |= !inner.is_empty() && n_fields < 2;
            }
            5 if !only_len_fields(inner, 1..=2) => return broken(has_name_or_op),
            _ => {}
        }
    }
    if has_name_or_op {
        NodeLook::Node
    } else {
        NodeLook::Other
    }
}

fn only_len_fields(payload: &[u8], numbers: std::ops::RangeInclusive<u32>) -> bool {
    wire::fields(payload)
        .all(|field| field.is_some_and(|f| f.wire_type == wire::LEN && numbers.contains(&f.number)))
}

/// VersionDef: producer, min_consumer, bad_consumers (packed or not).
fn only_varint_fields(payload: &[u8]) -> bool {
    wire::fields(payload).all(|field| {
        field.is_some_and(|f| {
            (f.wire_type == wire::VARINT && (1..=3).contains(&f.number))
                || (f.wire_type == wire::LEN && f.number == 3)
        })
    })
}

/// A text GraphDef: the first field is `node {` whose body has an `op:` field (ONNX's text graphs
/// say `op_type:`), or `library {` / `versions {`.
fn sniff_text(data: &[u8]) -> Confidence {
    #[derive(PartialEq)]
    enum First {
        Unseen,
        Node,
    }
    let mut first = First::Unseen;
    let mut node_has_name = false;
    let node_without_op = |has_name: bool| if has_name { 50 } else { 20 };
    let answer = text::scan_fields(data, 64 * 1024, 1, |field| match field.parents {
        [] if first == First::Unseen => match field.name {
            b"node" if field.opens_message => {
                first = First::Node;
                None
            }
            b"library" | b"versions" if field.opens_message => Some(60),
            _ => Some(0),
        },
        // The first node closed without an `op`.
        [] => Some(node_without_op(node_has_name)),
        [_] => match field.name {
            b"op" => Some(90),
            b"op_type" | b"output" => Some(0),
            name => {
                node_has_name |= name == b"name";
                None
            }
        },
        _ => None,
    });
    match (answer, first) {
        (Some(confidence), _) => confidence,
        (None, First::Node) => node_without_op(node_has_name),
        (None, First::Unseen) => 0,
    }
}

/// The summing-up line of the text reader's capped warnings.
const SKIPPED_FIELDS: &str = "more fields that are not part of the schema were skipped";

fn import(file: &InputFile) -> Result<Model, ImportError> {
    import_encoded(file, sniff_binary(&file.data) > 0)
}

/// Reads `file` as a binary GraphDef when `binary`, else as text; the importer decides by
/// sniffing, the fuzz targets force either. Either is read one node at a time (see [`lazy`]);
/// the eager reading is what that falls back to.
pub(super) fn import_encoded(file: &InputFile, binary: bool) -> Result<Model, ImportError> {
    if binary {
        if let Some(model) = lazy::import(file) {
            return Ok(finish(file, model, Vec::new()));
        }
    } else if let Some((model, mut warnings)) = lazy::import_text(file) {
        cap_warnings(file, &mut warnings, SKIPPED_FIELDS);
        return Ok(finish(file, model, warnings));
    }
    import_eagerly(file, binary)
}

/// [`import_encoded`] with the whole GraphDef decoded before it is converted.
fn import_eagerly(file: &InputFile, binary: bool) -> Result<Model, ImportError> {
    let (graph, encoding, warnings) =
        read_message::<pb::GraphDef>(file, binary, TITLE, "tensorflow.GraphDef")?;
    Ok(convert_graph(file, graph, encoding, warnings))
}

/// Converts a GraphDef read from `file` into the IR; the reader's warnings come first, then the
/// converter's (capped).
pub(super) fn convert_graph(
    file: &InputFile,
    graph: pb::GraphDef,
    encoding: &str,
    warnings: Vec<String>,
) -> Model {
    finish(file, convert::model(file, graph, encoding), warnings)
}

/// The converted `model` with the converter's warnings capped, after the reader's `warnings`.
fn finish(file: &InputFile, mut model: Model, mut warnings: Vec<String>) -> Model {
    cap_warnings(
        file,
        &mut model.warnings,
        "more problems like these were found",
    );
    warnings.append(&mut model.warnings);
    model.warnings = warnings;
    model
}

/// Reads `file` as the message `M` (full name `message_name`), binary or text; returns it with
/// its encoding (`binary`, `text`) and the text reader's warnings, capped.
pub(super) fn read_message<M: prost::Message + Default>(
    file: &InputFile,
    binary: bool,
    title: &'static str,
    message_name: &str,
) -> Result<(M, &'static str, Vec<String>), ImportError> {
    let (message, encoding, mut warnings) = if binary {
        (decode_binary::<M>(file, title)?, "binary", Vec::new())
    } else {
        let parsed = text::parse_text::<M>(file, title, message_name)?;
        (parsed.message, "text", parsed.warnings)
    };
    cap_warnings(file, &mut warnings, SKIPPED_FIELDS);
    Ok((message, encoding, warnings))
}

/// Keeps the first [`MAX_WARNINGS`] warnings and sums the rest up in one line: a problem that
/// repeats on every node is said a few times, not 50,000.
fn cap_warnings(file: &InputFile, warnings: &mut Vec<String>, what: &str) {
    if warnings.len() > MAX_WARNINGS + 1 {
        let n_more = warnings.len() - MAX_WARNINGS;
        warnings.truncate(MAX_WARNINGS);
        warnings.push(format!("{}: {n_more} {what}", file.name));
    }
}

#[cfg(test)]
mod tests;
