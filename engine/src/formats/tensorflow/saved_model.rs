//! TensorFlow SavedModel: the `saved_model.pb` (or `.pbtxt`) of a SavedModel directory → IR.
//!
//! A SavedModel holds one or more MetaGraphDefs, each a GraphDef with tags (`serve`, `train`)
//! and signatures. Users hold these more often than frozen graphs, so opscope opens them too:
//! the meta graph tagged `serve` (else the first) is imported exactly as a frozen GraphDef is
//! (its function library included, where TF2 keeps the real ops), and the tags, TensorFlow
//! version and signatures become metadata. The variables directory is never needed: weights
//! live there, and opscope keeps no weights.
//!
//! Invariants:
//! - The model is `format: tensorflow`, like a frozen graph; the metadata says `container:
//!   SavedModel`.
//! - Other meta graphs are named in a warning, never silently dropped.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::pb::meta_graph_def::MetaInfoDef;
use super::{
    convert, convert_graph, finish, lazy, pb, read_message, sniff_binary as sniff_graph_def,
};
use crate::error::{ImportError, Location};
use crate::formats::decode_error::{decode_binary, decode_part};
use crate::formats::{text, wire, Confidence, FormatSpec, InputFile};
use crate::ir::Model;

/// How errors name the format.
const TITLE: &str = "TensorFlow SavedModel";

pub const FORMAT: FormatSpec = FormatSpec {
    id: "tensorflow",
    title: TITLE,
    extensions: &["saved_model.pb", "saved_model.pbtxt"],
    sniff,
    import,
};

/// The tag a serving loader asks for; its meta graph is the one to show.
const SERVE_TAG: &str = "serve";

fn sniff(data: &[u8]) -> Confidence {
    match sniff_binary(data) {
        0 => sniff_text(data),
        confidence => confidence,
    }
}

/// SavedModel's top level is `saved_model_schema_version` (varint 1) and `meta_graphs` (LEN 2).
/// ONNX's ModelProto starts the same way (`ir_version`, `producer_name`), so a meta graph must
/// also look like one: LEN fields 1..=7 only, and its `graph_def` (2) a GraphDef.
fn sniff_binary(data: &[u8]) -> Confidence {
    let mut has_version = false;
    let mut next_at = 0;
    for field in wire::fields(data).take(16) {
        let Some(field) = field else {
            // Cut inside the first meta graph (a truncated download) after a good start: still
            // ours, so the user gets the precise error of the binary reader.
            return match wire::cut_len_field(data, next_at) {
                Some((2, partial)) if has_version => match meta_graph_look(partial) {
                    MetaLook::WithGraph | MetaLook::Broken => 50,
                    MetaLook::Other => 0,
                },
                _ => 0,
            };
        };
        next_at = field.payload.1;
        match (field.number, field.wire_type) {
            (1, wire::VARINT) => has_version = true,
            (2, wire::LEN) => {
                return match meta_graph_look(&data[field.payload.0..field.payload.1]) {
                    MetaLook::WithGraph => 95,
                    // A meta graph broken after a good start: as above.
                    MetaLook::Broken if has_version => 50,
                    MetaLook::Broken | MetaLook::Other => 0,
                };
            }
            _ => return 0,
        }
    }
    0
}

enum MetaLook {
    WithGraph,
    Broken,
    Other,
}

fn meta_graph_look(payload: &[u8]) -> MetaLook {
    for field in wire::fields(payload).take(16) {
        let Some(field) = field else {
            return MetaLook::Broken;
        };
        if field.wire_type != wire::LEN || !(1..=7).contains(&field.number) {
            return MetaLook::Other;
        }
        if field.number == 2 {
            let graph = &payload[field.payload.0..field.payload.1];
            return if graph.is_empty() || sniff_graph_def(graph) > 0 {
                MetaLook::WithGraph
            } else {
                MetaLook::Other
            };
        }
    }
    // A truncated file whose cut falls before the graph: the prefix is all we could check.
    if payload.is_empty() {
        MetaLook::Other
    } else {
        MetaLook::Broken
    }
}

/// The text form starts with `saved_model_schema_version:` or `meta_graphs {`.
fn sniff_text(data: &[u8]) -> Confidence {
    text::scan_fields(data, 64 * 1024, 0, |field| match field.name {
        b"saved_model_schema_version" if !field.opens_message => Some(90),
        b"meta_graphs" if field.opens_message => Some(90),
        _ => Some(0),
    })
    .unwrap_or(0)
}

fn import(file: &InputFile) -> Result<Model, ImportError> {
    import_encoded(file, sniff_binary(&file.data) > 0)
}

/// Reads `file` as a binary SavedModel when `binary`, else as text.
///
/// Either form is read lazily ([`import_lazily`]; the text first encoded to binary in groups
/// of fields, [`import_text_lazily`]), and wholly only when that gives up, so the result or
/// error is the whole reader's.
pub(crate) fn import_encoded(file: &InputFile, binary: bool) -> Result<Model, ImportError> {
    let lazy = if binary {
        import_lazily(file, "binary", Vec::new())
    } else {
        import_text_lazily(file)
    };
    match lazy {
        Some(model) => Ok(model),
        None => import_whole(file, binary),
    }
}

/// SavedModel > `meta_graphs` > `graph_def`: the levels of message fields whose bodies the
/// text reader splits, so that the nodes are parsed a group at a time.
const TEXT_LEVELS: usize = 2;

/// The text SavedModel encoded to binary a group of fields at a time (the nodes of each graph
/// too: a SavedModel's top level is its meta graphs, each one field holding a whole graph),
/// then read lazily as a binary one is. Read whole, the text's reflective tree and the decoded
/// SavedModel were 4.7 times the graph built.
fn import_text_lazily(file: &InputFile) -> Option<Model> {
    let (encoded, mut warnings) =
        text::transcode_text_nested(file, TITLE, "tensorflow.SavedModel", TEXT_LEVELS)?;
    super::cap_warnings(file, &mut warnings, super::SKIPPED_FIELDS);
    let binary = InputFile {
        name: file.name.clone(),
        data: encoded.into(),
        limits: file.limits,
    };
    import_lazily(&binary, "text", warnings)
}

/// [`import_encoded`] with the whole SavedModel decoded, every GraphDef in it, before the
/// chosen one is converted.
fn import_whole(file: &InputFile, binary: bool) -> Result<Model, ImportError> {
    let (saved, encoding, mut warnings) =
        read_message::<pb::SavedModel>(file, binary, TITLE, "tensorflow.SavedModel")?;
    let n_meta_graphs = saved.meta_graphs.len();
    let mut meta_graphs = saved.meta_graphs;
    let chosen = serving_index(
        meta_graphs
            .iter()
            .map(|meta| tags(meta.meta_info_def.as_ref())),
    )
    .ok_or_else(|| no_meta_graph(file))?;
    let meta = meta_graphs.swap_remove(chosen);
    for other in &meta_graphs {
        let n_nodes = other.graph_def.as_ref().map_or(0, |g| g.node.len());
        warnings.push(other_meta_graph(
            file,
            other.meta_info_def.as_ref(),
            n_nodes,
            meta.meta_info_def.as_ref(),
        ));
    }
    let metadata = container_metadata(
        meta.meta_info_def.as_ref(),
        &meta.signature_def,
        n_meta_graphs,
    );
    let model = convert_graph(file, meta.graph_def.unwrap_or_default(), encoding, warnings);
    Ok(with_container(metadata, model))
}

/// The binary SavedModel with its meta graphs decoded but their GraphDefs left as slices of
/// the file: the other meta graphs' nodes are counted (each decoded and dropped, so a broken
/// one is still found), then the chosen GraphDef is read one node at a time as a frozen graph
/// is ([`lazy::import_part`]). `None` when anything is odd (a broken field, a GraphDef given in
/// two pieces that the whole reader would merge, no meta graph): the whole reader then gives
/// the answer. `file` holds the binary encoding of an `encoding` file, whose reader said
/// `warnings`.
fn import_lazily(file: &InputFile, encoding: &str, mut warnings: Vec<String>) -> Option<Model> {
    let saved: pb::LazySavedModel = decode_binary(file, TITLE).ok()?;
    let n_meta_graphs = saved.meta_graphs.len();
    let mut meta_graphs = saved
        .meta_graphs
        .iter()
        .map(|part| lazy_meta_graph(file, part))
        .collect::<Option<Vec<_>>>()?;
    let chosen = serving_index(
        meta_graphs
            .iter()
            .map(|meta| tags(meta.meta_info_def.as_ref())),
    )?;
    // The same order of the others as the whole reader's (`swap_remove` moves the last one).
    let meta = meta_graphs.swap_remove(chosen);
    for other in &meta_graphs {
        let n_nodes = lazy::count_nodes(file, &other.graph_def)?;
        warnings.push(other_meta_graph(
            file,
            other.meta_info_def.as_ref(),
            n_nodes,
            meta.meta_info_def.as_ref(),
        ));
    }
    let metadata = container_metadata(
        meta.meta_info_def.as_ref(),
        &meta.signature_def,
        n_meta_graphs,
    );
    let model = lazy::import_part(file, &meta.graph_def, encoding)?;
    Some(with_container(metadata, finish(file, model, warnings)))
}

/// MetaGraphDef's `graph_def` field number.
const GRAPH_DEF: u32 = 2;

/// One meta graph of `part` (a slice of the file) with its GraphDef undecoded; `None` when its
/// fields do not walk, or when it holds its GraphDef in more than one field (protobuf merges
/// those; the whole reader does it).
fn lazy_meta_graph(file: &InputFile, part: &Bytes) -> Option<pb::LazyMetaGraphDef> {
    let mut n_graphs = 0usize;
    for field in wire::fields(part) {
        n_graphs += usize::from(field?.number == GRAPH_DEF);
    }
    if n_graphs > 1 {
        return None;
    }
    decode_part(file, TITLE, part, &[]).ok()
}

/// The meta graph tagged `serve`, else the first; `None` when there is none.
fn serving_index<'a>(mut tags: impl ExactSizeIterator<Item = &'a [String]>) -> Option<usize> {
    let n = tags.len();
    let serving = tags.position(|tags| tags.iter().any(|tag| tag == SERVE_TAG));
    serving.or((n > 0).then_some(0))
}

fn no_meta_graph(file: &InputFile) -> ImportError {
    ImportError::Malformed {
        file: file.name.clone(),
        format: TITLE,
        location: Location::default(),
        expected: "at least one meta graph in `meta_graphs` (the SavedModel holds none)"
            .to_string(),
    }
}

/// The warning that names a meta graph not shown.
fn other_meta_graph(
    file: &InputFile,
    other: Option<&MetaInfoDef>,
    n_nodes: usize,
    shown: Option<&MetaInfoDef>,
) -> String {
    format!(
        "{}: the SavedModel also holds a meta graph tagged [{}] with {} nodes; showing the one tagged [{}]",
        file.name,
        tags(other).join(", "),
        n_nodes,
        tags(shown).join(", "),
    )
}

/// What the container says: tags, TensorFlow version, how many meta graphs, the signatures.
fn container_metadata(
    info: Option<&MetaInfoDef>,
    signatures: &BTreeMap<String, pb::SignatureDef>,
    n_meta_graphs: usize,
) -> Vec<(String, String)> {
    let mut metadata = vec![("container".to_string(), "SavedModel".to_string())];
    if let Some(info) = info {
        if !info.tags.is_empty() {
            metadata.push(("tags".to_string(), info.tags.join(", ")));
        }
        if !info.tensorflow_version.is_empty() {
            metadata.push((
                "tensorflow_version".to_string(),
                info.tensorflow_version.clone(),
            ));
        }
    }
    if n_meta_graphs > 1 {
        metadata.push(("meta_graphs".to_string(), n_meta_graphs.to_string()));
    }
    for (key, signature) in signatures {
        metadata.push((format!("signature {key}"), describe_signature(signature)));
    }
    metadata
}

/// The container first, then what the GraphDef itself says (encoding, producer).
fn with_container(mut metadata: Vec<(String, String)>, mut model: Model) -> Model {
    metadata.append(&mut model.metadata);
    model.metadata = metadata;
    model
}

fn tags(info: Option<&MetaInfoDef>) -> &[String] {
    info.map_or(&[][..], |info| info.tags.as_slice())
}

/// `x: serving_default_x:0 f32[?,224,224,3] → y: StatefulPartitionedCall:0 f32[?,1000]`.
fn describe_signature(signature: &pb::SignatureDef) -> String {
    let side = |map: &BTreeMap<String, pb::TensorInfo>| -> String {
        map.iter()
            .map(|(key, info)| format!("{key}: {}{}", info.name, tensor_type(info)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{} → {}", side(&signature.inputs), side(&signature.outputs))
}

fn tensor_type(info: &pb::TensorInfo) -> String {
    let shape = info.tensor_shape.as_ref().and_then(convert::shape_of);
    let shape = shape.map(|s| s.to_string()).unwrap_or_default();
    format!(" {}{shape}", convert::dtype(info.dtype))
}

#[cfg(test)]
#[path = "saved_model_tests.rs"]
mod tests;
