//! Ascend Graph Engine importer: the three forms a GE graph reaches users in, each → IR
//! [`Model`] with `format` = `ge`:
//! - GE graph dumps `ge_proto_*.txt` (`DUMP_GE_GRAPH`), the protobuf text format of
//!   `ge.proto.ModelDef`, read with the shared text-format reader ([`dump`]);
//! - the JSON that `atc --mode=1` (om → json) and `--mode=5` (dump → json) write ([`json`]);
//! - offline models `.om` as ATC writes them: the `IMOD` container whose MODEL_DEF partition is
//!   the same `ModelDef` in binary ([`om`]).
//!
//! Invariants:
//! - All three forms decode into one prost `ModelDef` and go through one converter
//!   ([`convert`]), so the same graph gives the same IR whatever the form. A `.om` file's ops
//!   are decoded one at a time as they are converted ([`graph_src`]), never held all at once.
//! - Attribute compression (`om_compress_version`) is undone during the conversion
//!   ([`compress`]); names and values then read as in an uncompressed model.
//! - Weights and kernel partitions of `.om` files are bounds-checked and skipped, never read or
//!   copied; Const payloads in dumps are zero-copy slices that only give a byte size.

mod compress;
mod convert;
mod dump;
mod graph_src;
mod json;
mod om;
pub(crate) mod pb;

#[cfg(test)]
mod tests;

use super::FormatSpec;

pub(crate) use compress::{encode_key, NAMES_KEY, USE_STRING_KEY, VALUES_KEY, VERSION_KEY};

/// GE graph dumps: text-format `ModelDef`.
pub const DUMP_FORMAT: FormatSpec = FormatSpec {
    id: "ge_dump",
    title: "GE graph dump",
    extensions: &[".txt", ".pbtxt"],
    sniff: dump::sniff,
    import: dump::import,
};

/// `atc --mode=1` / `--mode=5` JSON.
pub const JSON_FORMAT: FormatSpec = FormatSpec {
    id: "ge_json",
    title: "GE JSON",
    extensions: &[".json"],
    sniff: json::sniff,
    import: json::import,
};

/// Ascend offline models.
pub const OM_FORMAT: FormatSpec = FormatSpec {
    id: "om",
    title: "Ascend OM",
    extensions: &[".om"],
    sniff: om::sniff,
    import: om::import,
};
