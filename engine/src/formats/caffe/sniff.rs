//! Recognising Caffe files by content: a prototxt is text whose first top-level fields are
//! `NetParameter` fields; a caffemodel is a binary `NetParameter` whose first field is a printable
//! net name or a layer. Both look at a few hundred bytes, never parse the file.

use crate::formats::{text, wire, Confidence};

/// Which of Caffe's two files some bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// The net in protobuf text format (`.prototxt`).
    Prototxt,
    /// The net in binary protobuf, with weight blobs (`.caffemodel`).
    CaffeModel,
}

pub(super) fn sniff(data: &[u8]) -> Confidence {
    kind(data).map_or(0, |(_, confidence)| confidence)
}

/// The kind of Caffe file `data` holds and how sure we are, or `None` when it is not Caffe.
pub(crate) fn kind(data: &[u8]) -> Option<(FileKind, Confidence)> {
    if looks_like_text(data) {
        let confidence = sniff_prototxt(data);
        (confidence > 0).then_some((FileKind::Prototxt, confidence))
    } else {
        let confidence = sniff_caffemodel(data);
        (confidence > 0).then_some((FileKind::CaffeModel, confidence))
    }
}

/// Text if the head holds no control bytes other than whitespace (UTF-8 multibyte is fine).
fn looks_like_text(data: &[u8]) -> bool {
    let head = &data[..data.len().min(1024)];
    !head.is_empty()
        && head
            .iter()
            .all(|&b| b >= 0x20 || b == b'\n' || b == b'\r' || b == b'\t' || b == 0x0c)
}

/// `NetParameter` field names; a layer makes the guess sure (a net without layers is no model).
const NET_FIELDS: &[&str] = &[
    "name",
    "input",
    "input_shape",
    "input_dim",
    "force_backward",
    "state",
    "debug_info",
    "layer",
    "layers",
];
const STRONG_FIELDS: &[&str] = &["layer", "layers"];

/// How far into a text the sniffer reads: a net declares its first layer long before this.
const TEXT_SNIFF_LIMIT: usize = 64 * 1024;
/// Top-level fields allowed before the first layer (many inputs take five fields each).
const MAX_FIELDS_BEFORE_LAYER: usize = 256;

/// Sure when the first layer comes after net fields only (name, inputs); less sure when fields
/// we do not know come before it (a fork's top-level extension). A text without a layer among
/// its first top-level fields (a solver, a TensorFlow graph, a GE dump) is not a net.
fn sniff_prototxt(data: &[u8]) -> Confidence {
    let mut n_fields = 0;
    let mut n_foreign = 0;
    text::scan_fields(data, TEXT_SNIFF_LIMIT, 0, |field| {
        n_fields += 1;
        if n_fields > MAX_FIELDS_BEFORE_LAYER {
            return Some(0);
        }
        let is = |names: &[&str]| names.iter().any(|n| n.as_bytes() == field.name);
        if is(STRONG_FIELDS) {
            return Some(if n_foreign == 0 { 80 } else { 50 });
        }
        if !is(NET_FIELDS) {
            n_foreign += 1;
        }
        None
    })
    .unwrap_or(0)
}

/// Top-level `NetParameter` fields with their wire types (`input_dim` may be packed or not).
const NET_WIRE_FIELDS: &[(u32, u8)] = &[
    (1, wire::LEN),    // name
    (2, wire::LEN),    // layers (V1)
    (3, wire::LEN),    // input
    (4, wire::VARINT), // input_dim
    (4, wire::LEN),    // input_dim, packed
    (5, wire::VARINT), // force_backward
    (6, wire::LEN),    // state
    (7, wire::VARINT), // debug_info
    (8, wire::LEN),    // input_shape
    (100, wire::LEN),  // layer
];

/// A binary `NetParameter`: every top-level field is a known one with the right wire type, the
/// name (field 1, at most once) is printable text, and the first layer starts like a layer.
/// ONNX (field 1 is a varint) and TensorFlow GraphDefs (field 1 is a binary NodeDef, repeated)
/// fail the first test. A file that breaks after a good start is still ours, with low confidence,
/// so the user gets Caffe's located error.
fn sniff_caffemodel(data: &[u8]) -> Confidence {
    let mut n_fields = 0usize;
    let mut has_name = false;
    let mut has_layer = false;
    for field in wire::fields(data).take(64) {
        let Some(field) = field else {
            return if has_name || has_layer { 30 } else { 0 };
        };
        if !field.is_one_of(NET_WIRE_FIELDS) {
            return 0;
        }
        let payload = &data[field.payload.0..field.payload.1];
        match field.number {
            1 => {
                if has_name || !is_printable(payload) {
                    return 0;
                }
                has_name = true;
            }
            2 | 100 if !has_layer => {
                if !layer_looks_right(payload, field.number == 2) {
                    return 0;
                }
                has_layer = true;
            }
            _ => {}
        }
        n_fields += 1;
    }
    match (has_layer, has_name) {
        (true, _) => 85,
        (false, true) if n_fields > 1 => 40,
        _ => 0,
    }
}

fn is_printable(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|s| s.chars().all(|c| !c.is_control()))
}

/// The first layer has a printable name or type where its schema puts them: `LayerParameter`
/// name 1 / type 2 (strings); `V1LayerParameter` name 4 (string) / type 5 (enum).
fn layer_looks_right(payload: &[u8], v1: bool) -> bool {
    wire::fields(payload).take(16).flatten().any(|field| {
        let bytes = &payload[field.payload.0..field.payload.1];
        match (v1, field.number, field.wire_type) {
            (false, 1 | 2, wire::LEN) => is_printable(bytes),
            (true, 4, wire::LEN) => is_printable(bytes),
            (true, 5, wire::VARINT) => true,
            _ => false,
        }
    })
}
