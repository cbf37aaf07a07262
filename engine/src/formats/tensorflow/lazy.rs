//! Binary GraphDef read one node at a time: the nodes stay undecoded slices of the file
//! (`LazyGraphDef`), their names and inputs are read off the wire format first (borrowed from
//! the file, no copy), then each NodeDef is decoded, converted and dropped in turn. The whole
//! decoded GraphDef is never held beside the graph being built (that peaked at 4.7 times the
//! graph's size).
//!
//! The GraphDef inside a binary SavedModel is a slice of the file read the same way
//! ([`import_part`]); the SavedModel's other GraphDefs are only counted ([`count_nodes`]).
//!
//! A text GraphDef goes the same way: the text reader's groups of nodes are encoded to binary
//! as they are parsed ([`text::transcode_text`]), and that binary is read as above.
//!
//! The result is the eager reader's, by construction: when a node's names are not plain on the
//! wire, or anything fails to decode, the file is read again by the eager reader, whose model
//! or error (the first one in file order) is the answer.

use bytes::Bytes;

use super::convert::{self, Header, MainNames};
use super::pb;
use crate::error::ImportError;
use crate::formats::decode_error::{decode_binary, decode_part};
use crate::formats::{text, wire, InputFile};
use crate::ir::Model;

/// NodeDef's `name` and `input` field numbers.
const NAME: u32 = 1;
const INPUT: u32 = 3;

/// The model of a binary GraphDef, or `None` when the lazy reading gave up (malformed file, or
/// names the wire walk does not take as they are): the caller then reads the file eagerly.
pub(super) fn import(file: &InputFile) -> Option<Model> {
    import_encoding(file, "binary")
}

/// The model of a text GraphDef with the text reader's warnings, or `None` as for [`import`].
pub(super) fn import_text(file: &InputFile) -> Option<(Model, Vec<String>)> {
    let (encoded, warnings) =
        text::transcode_text(file, super::TITLE, "tensorflow.GraphDef").ok()?;
    let binary = InputFile {
        name: file.name.clone(),
        data: encoded.into(),
        limits: file.limits,
    };
    Some((import_encoding(&binary, "text")?, warnings))
}

/// The model of the binary GraphDef in `part`, a zero-copy slice of `file.data` (the GraphDef
/// inside a SavedModel, which holds the binary encoding of an `encoding` file), or `None` as
/// for [`import`]. The model is named after `file`, as the eager reading of the container
/// names it.
pub(super) fn import_part(file: &InputFile, part: &Bytes, encoding: &str) -> Option<Model> {
    let proto: pb::LazyGraphDef = decode_part(file, super::TITLE, part, &[]).ok()?;
    import_proto(file, proto, encoding)
}

/// [`import`] of `file`, which holds the binary encoding of an `encoding` file.
fn import_encoding(file: &InputFile, encoding: &str) -> Option<Model> {
    let proto: pb::LazyGraphDef = decode_binary(file, super::TITLE).ok()?;
    import_proto(file, proto, encoding)
}

/// Converts the GraphDef whose nodes are still undecoded in `proto`, one node at a time.
fn import_proto(file: &InputFile, proto: pb::LazyGraphDef, encoding: &str) -> Option<Model> {
    if proto.library.as_ref().is_some_and(library_nests_deeply) {
        return None;
    }
    let names = main_names(&proto.node)?;
    let header = Header {
        versions: proto.versions,
        version: proto.version,
        library: proto.library,
    };
    let n_nodes = proto.node.len();
    let nodes = proto
        .node
        .iter()
        .map(|part| decode_node(file, part, &[("GraphDef", "node")]));
    convert::model_of_parts::<_, ImportError>(file, header, encoding, names, n_nodes, nodes).ok()
}

/// Attribute values nested in attribute values (functions, lists of functions) more deeply
/// than this are left to the eager reader. A node decoded on its own starts at a shallower
/// level of prost's recursion limit (100) than inside its GraphDef (one level) or SavedModel
/// (three), so near the limit only the eager reader knows whether it is passed; each nesting
/// costs at most four levels, and 20 of them inside a SavedModel's library stay below 91.
const MAX_LAZY_ATTR_NESTING: usize = 20;

/// Decodes the NodeDef in `part`; an error when it does not decode, or when its attributes
/// nest too deeply to be read on their own ([`MAX_LAZY_ATTR_NESTING`]).
fn decode_node(
    file: &InputFile,
    part: &Bytes,
    outer: &[(&'static str, &'static str)],
) -> Result<pb::NodeDef, ImportError> {
    let node: pb::NodeDef = decode_part(file, super::TITLE, part, outer)?;
    if attrs_nest_deeply(node.attr.values()) {
        return Err(ImportError::Malformed {
            file: file.name.clone(),
            format: super::TITLE,
            location: Default::default(),
            expected: "attribute values nested less deeply (left to the eager reader)".to_string(),
        });
    }
    Ok(node)
}

/// Whether a function of the library has attributes nested too deeply to be read lazily.
fn library_nests_deeply(library: &pb::FunctionDefLibrary) -> bool {
    library.function.iter().any(|function| {
        let op_attrs = function.signature.iter().flat_map(|op| {
            op.attr
                .iter()
                .flat_map(|def| def.default_value.iter().chain(&def.allowed_values))
        });
        attrs_nest_deeply(function.attr.values())
            || attrs_nest_deeply(function.arg_attr.values().flat_map(|arg| arg.attr.values()))
            || attrs_nest_deeply(function.node_def.iter().flat_map(|node| node.attr.values()))
            || attrs_nest_deeply(op_attrs)
    })
}

fn attrs_nest_deeply<'a>(values: impl IntoIterator<Item = &'a pb::AttrValue>) -> bool {
    values
        .into_iter()
        .any(|value| attr_nesting(value) > MAX_LAZY_ATTR_NESTING)
}

/// How many attribute values are nested inside `value`, on its deepest path.
fn attr_nesting(value: &pb::AttrValue) -> usize {
    use pb::attr_value::Value;
    let of_func = |func: &pb::NameAttrList| {
        func.attr
            .values()
            .map(|inner| attr_nesting(inner) + 1)
            .max()
            .unwrap_or(0)
    };
    match &value.value {
        Some(Value::Func(func)) => of_func(func),
        Some(Value::List(list)) => list.func.iter().map(of_func).max().unwrap_or(0),
        _ => 0,
    }
}

/// The names and inputs of every node, borrowed from the file; `None` when a node's wire
/// format is broken or a name or input is not UTF-8 (the decoder's error explains those).
fn main_names(parts: &[Bytes]) -> Option<MainNames<&str>> {
    let mut names = Vec::with_capacity(parts.len());
    for part in parts {
        // proto3: the last `name` wins, a missing one is empty.
        let mut name = "";
        for_each_ref(part, |number, text| {
            if number == NAME {
                name = text;
            }
        })?;
        names.push(name);
    }
    let mut main = MainNames::with_names(names, parts.len());
    for part in parts {
        for_each_ref(part, |number, text| {
            if number == INPUT {
                main.read_by(text);
            }
        })?;
    }
    Some(main)
}

/// Calls `found` with the field number and text of every `name` and `input` of the NodeDef in
/// `part`, in file order; `None` when the node does not read as the decoder would take it.
fn for_each_ref<'a>(part: &'a [u8], mut found: impl FnMut(u32, &'a str)) -> Option<()> {
    for field in wire::fields(part) {
        let field = field?;
        if field.number != NAME && field.number != INPUT {
            continue;
        }
        if field.wire_type != wire::LEN {
            return None;
        }
        let text = std::str::from_utf8(part.get(field.payload.0..field.payload.1)?).ok()?;
        found(field.number, text);
    }
    Some(())
}

/// The number of nodes of the binary GraphDef in `part` (a zero-copy slice of `file.data`),
/// each decoded and dropped in turn so that a broken one is found as the eager reading finds
/// it; `None` when anything fails to decode.
pub(super) fn count_nodes(file: &InputFile, part: &Bytes) -> Option<usize> {
    let proto: pb::LazyGraphDef = decode_part(file, super::TITLE, part, &[]).ok()?;
    if proto.library.as_ref().is_some_and(library_nests_deeply) {
        return None;
    }
    for node in &proto.node {
        decode_node(file, node, &[]).ok()?;
    }
    Some(proto.node.len())
}
