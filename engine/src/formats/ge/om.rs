//! Ascend offline models (`.om`): the container ATC writes, read byte by byte as
//! shared/design/om-format.md describes it.
//!
//! Layout (little-endian): a 256-byte header (`IMOD` magic; header version 1.0 or 2.0), then one
//! partition table per model (32-bit entries `{type, offset, size}` or, when the 2.0 header's
//! `model_length` is set, 64-bit ones), each followed by its partitions. Offsets count from the
//! end of their table. Multi-model files (2.0 headers with `model_num` > 1) put the blocks back
//! to back.
//!
//! Invariants:
//! - Every length and offset is checked against the file size before anything is sliced, so a
//!   header that claims 4 GB gives an error, never an allocation.
//! - Only MODEL_DEF (the graph) and TASK_INFO (kernel types) are decoded; weights, kernels and
//!   the other partitions are checked for bounds and skipped, never copied.

use crate::formats::decode_error::explain_decode_error;
use std::collections::HashMap;

use bytes::Buf;
use prost::Message;

use super::convert::{self, Extras, TaskFacts};
use super::pb;
use crate::error::{ImportError, Location};
use crate::formats::{wire, Confidence, InputFile};
use crate::ir::Model;

const TITLE: &str = "Ascend OM";
const MAGIC: &[u8; 4] = b"IMOD";
const HEADER_LEN: usize = 256;
const VERSION_2: u32 = 0x2000_0000;

/// Partition types (GE `ModelPartitionType`).
const MODEL_DEF: u32 = 0;
const TASK_INFO: u32 = 2;
/// Netron's bound on partition types: anything above is not a partition table.
const MAX_PARTITION_TYPE: u32 = 32;
/// Generous bounds: GE itself allows up to 4096 partitions (flow models).
const MAX_PARTITIONS: u64 = 4096;
const MAX_MODELS: u32 = 4096;

fn partition_name(kind: u32) -> String {
    let name = match kind {
        0 => "MODEL_DEF",
        1 => "WEIGHTS_DATA",
        2 => "TASK_INFO",
        3 => "TBE_KERNELS",
        4 => "CUST_AICPU_KERNELS",
        5 => "SO_BINS",
        6 => "FLOW_MODEL",
        7 => "FLOW_SUBMODEL",
        8 => "MODEL_INOUT_INFO",
        9 => "STATIC_TASK_DESC",
        10 => "DYNAMIC_TASK_DESC",
        11 => "TASK_PARAM",
        12 => "TILING_DATA",
        20 => "PRE_MODEL_DESC",
        21 => "PRE_MODEL_SQE",
        22 => "PRE_KERNEL_ARGS",
        23 => "PRE_MODEL_DESC_EXTEND",
        24 => "BUNDLE_MODEL_INFO",
        25 => "BUNDLE_MODEL_VAR_INFO",
        26 => "CUSTOM_OPS",
        other => return format!("type {other}"),
    };
    name.to_string()
}

/// `IMOD` is the standard container; `PICO` (SVP) and OM2 zips are claimed too so that their
/// users get a message saying what the file is instead of "unknown format".
pub(super) fn sniff(data: &[u8]) -> Confidence {
    match data.get(..4) {
        Some(b"IMOD") => 100,
        Some(b"PICO") => 100,
        Some(b"CUST") if cust_base(data).is_some() => 95,
        Some(b"PK\x03\x04") => {
            let head = &data[..data.len().min(64 * 1024)];
            let has = |key: &[u8]| head.windows(key.len()).any(|w| w == key);
            if has(b"manifest.json") && (has(b"om2") || has(b"data/model_")) {
                60
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// Where the `IMOD` container starts inside a `CUST` wrapper (a HiAI variant: the u32 at byte 4
/// plus 16).
fn cust_base(data: &[u8]) -> Option<usize> {
    let offset = usize::try_from(u32_at(data, 4)?).ok()?.checked_add(16)?;
    (data.get(offset..offset.checked_add(4)?)? == MAGIC).then_some(offset)
}

fn u8_at(data: &[u8], pos: usize) -> Option<u8> {
    data.get(pos).copied()
}

fn u32_at(data: &[u8], pos: usize) -> Option<u32> {
    let bytes = data.get(pos..pos.checked_add(4)?)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

fn u64_at(data: &[u8], pos: usize) -> Option<u64> {
    let bytes = data.get(pos..pos.checked_add(8)?)?;
    let mut word = [0u8; 8];
    word.copy_from_slice(bytes);
    Some(u64::from_le_bytes(word))
}

/// A NUL-terminated string in a fixed-size header field.
fn c_string(data: &[u8], pos: usize, len: usize) -> String {
    let field = data.get(pos..pos + len).unwrap_or_default();
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).trim().to_string()
}

#[derive(Debug, PartialEq, Eq)]
pub(super) struct Failure {
    byte: u64,
    path: String,
    expected: String,
}

fn failure(byte: usize, path: impl Into<String>, expected: impl Into<String>) -> Failure {
    Failure {
        byte: byte as u64,
        path: path.into(),
        expected: expected.into(),
    }
}

/// One partition of a block, with absolute byte positions.
#[derive(Debug, Clone, Copy)]
struct Partition {
    entry: usize,
    kind: u32,
    start: usize,
    end: usize,
}

pub(super) fn import(file: &InputFile) -> Result<Model, ImportError> {
    read(file).map_err(|f| ImportError::Malformed {
        file: file.name.clone(),
        format: TITLE,
        location: if f.path.is_empty() {
            Location::byte(f.byte)
        } else {
            Location::byte(f.byte).with_path(f.path)
        },
        expected: f.expected,
    })
}

/// Reads the main ModelDef's ops one at a time (`LazyModelDef`); when that fails anywhere, the
/// whole ModelDef is decoded at once, which gives the error (or, should the lazy reading have
/// been stricter, the model): the answer is the same either way.
pub(super) fn read(file: &InputFile) -> Result<Model, Failure> {
    match read_lazily(file) {
        Some(model) => Ok(model),
        None => read_whole(file),
    }
}

/// The model with the main ModelDef's ops decoded one at a time; `None` when that fails.
pub(super) fn read_lazily(file: &InputFile) -> Option<Model> {
    let (def, extras) = read_parts::<pb::LazyModelDef>(file, 0).ok()?;
    convert::lazy_model(file, def, extras)
}

/// [`read`] with the main ModelDef decoded whole.
pub(super) fn read_whole(file: &InputFile) -> Result<Model, Failure> {
    let (def, extras) = read_parts::<pb::ModelDef>(file, 0)?;
    Ok(convert::model(file, def, extras))
}

/// Flow models nest whole OM files in their `FLOW_SUBMODEL` partitions; GE flattens them to one
/// level, and a file nesting deeper than this is refused rather than followed.
const MAX_FLOW_DEPTH: usize = 2;
const FLOW_SUBMODEL: u32 = 7;
/// The `modeltype` of a flow model.
const FLOW_MODEL_TYPE: u8 = 3;

/// Everything of an OM file but the conversion: the main ModelDef, and the other models, the
/// metadata, warnings and task facts the conversion takes. `depth` counts flow-model nesting;
/// `D` is how the main ModelDef is decoded (whole, or lazily).
fn read_parts<D: Message + Default>(
    file: &InputFile,
    depth: usize,
) -> Result<(D, Extras), Failure> {
    let data = &file.data[..];
    let mut metadata = Vec::new();
    let mut warnings = Vec::new();
    let base = match data.get(..4) {
        Some(b"IMOD") => 0,
        Some(b"CUST") => match cust_base(data) {
            Some(base) => {
                metadata.push(("om_wrapper".to_string(), format!("CUST, model at byte {base}")));
                base
            }
            None => return Err(failure(4, "CUST wrapper", "the offset of an IMOD model")),
        },
        Some(b"PICO") => {
            let size = u32_at(data, 8).map_or("?".to_string(), |s| s.to_string());
            return Err(failure(
                0,
                "header",
                format!("an IMOD offline model; this is a DaVinci SVP model (`PICO` magic, header total size {size} bytes), a HiSilicon deployment format that opscope does not read"),
            ));
        }
        Some(b"PK\x03\x04") => {
            return Err(failure(
                0,
                "header",
                "an IMOD offline model; this is an OM2 package (a zip with manifest.json), which opscope does not read yet: open the GE dump or `atc --mode=1` JSON of the model instead",
            ))
        }
        _ => {
            let head: Vec<String> = data.iter().take(4).map(|b| format!("{b:02x}")).collect();
            return Err(failure(
                0,
                "header.magic",
                format!("the magic `IMOD` (49 4d 4f 44); the file starts with {}", head.join(" ")),
            ));
        }
    };

    // ---- Header ----
    if data.len() < base + HEADER_LEN {
        return Err(failure(
            data.len(),
            "header",
            format!(
                "a {HEADER_LEN}-byte model header; the file ends after {} bytes of it (truncated?)",
                data.len() - base
            ),
        ));
    }
    let at = |offset: usize| base + offset;
    let head_size = u32_at(data, at(4)).unwrap_or_default() as usize;
    let version = u32_at(data, at(8)).unwrap_or_default();
    let length = u32_at(data, at(76)).unwrap_or_default();
    let is_encrypt = u8_at(data, at(80)).unwrap_or_default();
    let model_type = u8_at(data, at(82)).unwrap_or_default();
    let name = c_string(data, at(84), 32);
    let om_ir_version = u32_at(data, at(152)).unwrap_or_default();
    let is_v2 = version >= VERSION_2;
    let (model_num, platform_version, model_length, is_unknown) = if is_v2 {
        (
            u32_at(data, at(156)).unwrap_or_default(),
            c_string(data, at(160), 20),
            u64_at(data, at(184)).unwrap_or_default(),
            u8_at(data, at(193)).unwrap_or_default(),
        )
    } else {
        (1, c_string(data, at(156), 20), 0, 0)
    };

    if is_encrypt == 1 {
        return Err(failure(
            at(80),
            "header.is_encrypt",
            "an unencrypted model: the header marks this model as encrypted, so its graph cannot be read; open the unencrypted model or its GE dump",
        ));
    }
    if model_type == 5 {
        return Err(failure(
            at(82),
            "header.modeltype",
            "a single or multi-model OM; this is a bundle (model type 5, nested OM buffers), which opscope does not read yet",
        ));
    }
    let file_len = data.len() - base;
    if head_size < HEADER_LEN || head_size > file_len {
        return Err(failure(
            at(4),
            "header.headsize",
            format!("a header size of {HEADER_LEN} to {file_len} bytes (the file size); the header says {head_size}"),
        ));
    }
    if head_size != HEADER_LEN {
        warnings.push(format!(
            "{}: header size is {head_size} bytes, not {HEADER_LEN}; the partition table is read at byte {head_size}",
            file.name
        ));
    }
    let available = (file_len - head_size) as u64;
    let (payload, length_field) = if model_length != 0 {
        (model_length, ("header.model_length", 184))
    } else {
        (u64::from(length), ("header.length", 76))
    };
    let end = if payload == 0 {
        warnings.push(format!(
            "{}: the header gives no payload length; the whole file after the header is read",
            file.name
        ));
        data.len()
    } else if payload > available {
        return Err(failure(
            at(length_field.1),
            length_field.0,
            format!("a payload that fits in the file: the header says {payload} bytes follow it, but only {available} do (truncated download?)"),
        ));
    } else {
        if payload < available {
            warnings.push(format!(
                "{}: {} bytes after the payload the header declares ({payload} bytes) were ignored",
                file.name,
                available - payload
            ));
        }
        base + head_size + payload as usize
    };

    metadata.push((
        "om_header_version".to_string(),
        match version {
            0x1000_0000 => "1.0".to_string(),
            VERSION_2 => "2.0".to_string(),
            other => format!("{other:#010x}"),
        },
    ));
    if !name.is_empty() {
        metadata.push(("om_name".to_string(), name.clone()));
    }
    if !platform_version.is_empty() {
        metadata.push(("om_platform_version".to_string(), platform_version));
    }
    metadata.push(("om_ir_version".to_string(), om_ir_version.to_string()));
    metadata.push(("om_model_type".to_string(), model_type_name(model_type)));
    if is_unknown == 1 {
        metadata.push(("om_dynamic_shape".to_string(), "true".to_string()));
    }

    // ---- Partition tables, one block per model ----
    let n_models = if is_v2 && (model_num > 1 || is_unknown == 1) {
        model_num.max(1)
    } else {
        1
    };
    if n_models > MAX_MODELS {
        return Err(failure(
            at(156),
            "header.model_num",
            format!("at most {MAX_MODELS} models; the header says {n_models}"),
        ));
    }
    let prefer_wide = model_length != 0 || model_type == 3;
    let mut pos = base + head_size;
    let mut blocks: Vec<Vec<Partition>> = Vec::new();
    let mut wide_used = prefer_wide;
    for model_idx in 0..n_models {
        let prefix = if n_models > 1 {
            format!("model {} of {n_models} > ", model_idx + 1)
        } else {
            String::new()
        };
        let repeats = model_type == FLOW_MODEL_TYPE;
        let (partitions, block_end, wide) =
            match read_table(data, pos, end, prefer_wide, repeats, &prefix) {
                Ok(found) => found,
                Err(first) => match read_table(data, pos, end, !prefer_wide, repeats, &prefix) {
                    Ok(found) => found,
                    Err(_) => return Err(first),
                },
            };
        if model_idx == 0 {
            wide_used = wide;
        }
        blocks.push(partitions);
        pos = block_end;
    }
    if pos < end && n_models > 1 {
        warnings.push(format!(
            "{}: {} bytes after the last of {n_models} models were ignored",
            file.name,
            end - pos
        ));
    }
    metadata.push((
        "om_partition_table".to_string(),
        if wide_used { "64-bit" } else { "32-bit" }.to_string(),
    ));
    let first = &blocks[0];
    metadata.push((
        "om_partitions".to_string(),
        first
            .iter()
            .map(|p| format!("{} {} B", partition_name(p.kind), p.end - p.start))
            .collect::<Vec<_>>()
            .join(", "),
    ));

    // ---- MODEL_DEF of every block, TASK_INFO of the first ----
    let Some(model_def) = first.iter().find(|p| p.kind == MODEL_DEF) else {
        return Err(failure(
            base + head_size,
            "partition table",
            format!(
                "a MODEL_DEF partition (type 0) holding the graph; the table lists {}",
                first
                    .iter()
                    .map(|p| partition_name(p.kind))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let def = decode_model_def(file, *model_def, "")?;
    let mut other_models = Vec::new();
    for (block_idx, block) in blocks.iter().enumerate().skip(1) {
        let label = format!("model {} of {n_models}", block_idx + 1);
        match block.iter().find(|p| p.kind == MODEL_DEF) {
            Some(part) => {
                let other = decode_model_def::<pb::ModelDef>(file, *part, &format!("{label} > "))?;
                other_models.push((label, other));
            }
            None => warnings.push(format!(
                "{}: {label} has no MODEL_DEF partition and was skipped",
                file.name
            )),
        }
    }
    if n_models > 1 {
        metadata.push(("om_models".to_string(), n_models.to_string()));
        let names: Vec<String> = other_models
            .iter()
            .map(|(label, def)| {
                format!(
                    "{label}: {}",
                    if def.name.is_empty() {
                        "(unnamed)"
                    } else {
                        &def.name
                    }
                )
            })
            .collect();
        if !names.is_empty() {
            metadata.push(("om_submodels".to_string(), names.join("; ")));
        }
    }
    // A flow model's submodels: each a whole OM file inside a `SubmodelDef`, drawn as further
    // graphs of this model.
    for part in first.iter().filter(|p| p.kind == FLOW_SUBMODEL) {
        let submodel = flow_submodel(file, *part, depth)?;
        let label = format!("submodel {}", submodel.name);
        other_models.push((label.clone(), submodel.def));
        for (inner, def) in submodel.extras.other_models {
            other_models.push((format!("{label} > {inner}"), def));
        }
        warnings.extend(submodel.extras.warnings);
        if let Some(kind) = submodel.kind.filter(|k| !k.is_empty()) {
            metadata.push((format!("om_submodel {}", submodel.name), kind));
        }
    }
    let mut tasks = HashMap::new();
    if let Some(part) = first.iter().find(|p| p.kind == TASK_INFO) {
        match pb::ModelTaskDef::decode(file.data.slice(part.start..part.end)) {
            Ok(task_def) => {
                metadata.push((
                    "om_tasks".to_string(),
                    format!("{} tasks on {} streams", task_def.task.len(), task_def.stream_num),
                ));
                tasks = task_facts(&task_def);
            }
            Err(err) => warnings.push(format!(
                "{}: the TASK_INFO partition (byte {}) does not decode ({err}); kernel types from it are missing",
                file.name, part.start
            )),
        }
    }

    Ok((
        def,
        Extras {
            metadata,
            warnings,
            other_models,
            tasks,
            name: (!name.is_empty()).then_some(name),
        },
    ))
}

/// One submodel of a flow model, read from its partition.
struct FlowSubmodel {
    name: String,
    /// `model_type` of the `SubmodelDef` (`npu`, `cpu`, `udf`, ...), when it states one.
    kind: Option<String>,
    def: pb::ModelDef,
    extras: Extras,
}

/// Reads a `FLOW_SUBMODEL` partition: a `flow_model.proto` `SubmodelDef` whose first string
/// fields are the submodel's name and type and whose `om_data` bytes are a whole OM file. The
/// fields are found by what they hold (a text, an OM file's magic), not by number: the schema is
/// not public. A submodel without OM data (a UDF kept as a file beside the model) is refused
/// with its name.
fn flow_submodel(file: &InputFile, part: Partition, depth: usize) -> Result<FlowSubmodel, Failure> {
    let here = format!("FLOW_SUBMODEL partition (entry {})", part.entry);
    let payload = &file.data[part.start..part.end];
    let mut texts: Vec<String> = Vec::new();
    let mut om: Option<(usize, usize)> = None;
    for field in wire::fields(payload) {
        let Some(field) = field else {
            return Err(failure(
                part.start,
                here,
                "a SubmodelDef message (protobuf); its fields do not decode",
            ));
        };
        if field.wire_type != wire::LEN {
            continue;
        }
        let (start, stop) = field.payload;
        let bytes = &payload[start..stop];
        if om.is_none() && (bytes.starts_with(MAGIC) || bytes.starts_with(b"CUST")) {
            om = Some((part.start + start, part.start + stop));
        } else if texts.len() < 2 && bytes.len() <= 256 {
            if let Ok(text) = std::str::from_utf8(bytes) {
                if !text.is_empty() && !text.chars().any(char::is_control) {
                    texts.push(text.to_string());
                }
            }
        }
    }
    let name = texts
        .first()
        .cloned()
        .unwrap_or_else(|| format!("{}", part.entry));
    let Some((start, stop)) = om else {
        return Err(failure(
            part.start,
            format!("{here} `{name}`"),
            "the submodel's OM data inside the partition; it has none (a UDF or a submodel saved to a separate file), so its graph cannot be read",
        ));
    };
    if depth + 1 >= MAX_FLOW_DEPTH {
        return Err(failure(
            start,
            format!("{here} `{name}`"),
            format!("flow models nested at most {MAX_FLOW_DEPTH} deep (GE flattens them)"),
        ));
    }
    let nested = InputFile {
        name: format!("{} > {name}", file.name),
        data: file.data.slice(start..stop),
        limits: file.limits,
    };
    let (def, extras) =
        read_parts::<pb::ModelDef>(&nested, depth + 1).map_err(|inner| Failure {
            byte: inner.byte + start as u64,
            path: format!("{here} `{name}` > {}", inner.path)
                .trim_end_matches(" > ")
                .to_string(),
            expected: inner.expected,
        })?;
    Ok(FlowSubmodel {
        name,
        kind: texts.get(1).cloned(),
        def,
        extras,
    })
}

fn model_type_name(kind: u8) -> String {
    match kind {
        0 => "IR model".to_string(),
        1 => "standard".to_string(),
        2 => "OM tiny".to_string(),
        3 => "flow model".to_string(),
        4 => "lite".to_string(),
        5 => "bundle".to_string(),
        other => format!("type {other}"),
    }
}

/// Reads the partition table at `pos` and validates every entry against `end`. Returns the
/// partitions, where the block ends and whether the table was the 64-bit kind.
/// `repeats`: a partition type may appear more than once (a flow model's table); a
/// `FLOW_SUBMODEL` may always repeat.
fn read_table(
    data: &[u8],
    pos: usize,
    end: usize,
    wide: bool,
    repeats: bool,
    prefix: &str,
) -> Result<(Vec<Partition>, usize, bool), Failure> {
    let kind_name = if wide { "64-bit" } else { "32-bit" };
    let Some(num) = u32_at(data, pos).filter(|_| pos + 4 <= end) else {
        return Err(failure(
            pos,
            format!("{prefix}partition table"),
            "a partition table after the header; the file ends there (truncated?)",
        ));
    };
    let (head, entry_len) = if wide { (8u64, 24u64) } else { (4u64, 12u64) };
    let room = (end - pos) as u64;
    let table_len = head + u64::from(num) * entry_len;
    if num == 0 || u64::from(num) > MAX_PARTITIONS {
        return Err(failure(
            pos,
            format!("{prefix}partition table"),
            format!("1 to {MAX_PARTITIONS} partitions; the {kind_name} table says {num}"),
        ));
    }
    if table_len > room {
        return Err(failure(
            pos,
            format!("{prefix}partition table"),
            format!("{num} {kind_name} table entries ({table_len} bytes) within the {room} bytes left in the file"),
        ));
    }
    let table_end = pos + table_len as usize;
    let mut partitions: Vec<Partition> = Vec::with_capacity(num as usize);
    for entry in 0..num as usize {
        let entry_pos = pos + head as usize + entry * entry_len as usize;
        let (kind, offset, size) = if wide {
            (
                u32_at(data, entry_pos).unwrap_or_default(),
                u64_at(data, entry_pos + 8).unwrap_or_default(),
                u64_at(data, entry_pos + 16).unwrap_or_default(),
            )
        } else {
            (
                u32_at(data, entry_pos).unwrap_or_default(),
                u64::from(u32_at(data, entry_pos + 4).unwrap_or_default()),
                u64::from(u32_at(data, entry_pos + 8).unwrap_or_default()),
            )
        };
        let path = format!("{prefix}partition table entry {entry}");
        if kind >= MAX_PARTITION_TYPE {
            return Err(failure(
                entry_pos,
                path,
                format!(
                    "a partition type below {MAX_PARTITION_TYPE} ({kind_name} table); found {kind}"
                ),
            ));
        }
        let may_repeat = repeats || kind == FLOW_SUBMODEL;
        if let Some(earlier) = partitions
            .iter()
            .find(|p| p.kind == kind)
            .filter(|_| !may_repeat)
        {
            return Err(failure(
                entry_pos,
                path,
                format!(
                    "each partition type once; {} is also entry {}",
                    partition_name(kind),
                    earlier.entry
                ),
            ));
        }
        let start = (table_end as u64).checked_add(offset);
        let stop = start.and_then(|s| s.checked_add(size));
        match (start, stop) {
            (Some(start), Some(stop)) if stop <= end as u64 => partitions.push(Partition {
                entry,
                kind,
                start: start as usize,
                end: stop as usize,
            }),
            _ => {
                return Err(failure(
                    entry_pos,
                    path,
                    format!(
                        "a {} partition inside the file: offset {offset} + size {size} after the table (byte {table_end}) runs past its end (byte {end})",
                        partition_name(kind)
                    ),
                ))
            }
        }
    }
    let mut by_start: Vec<&Partition> = partitions.iter().filter(|p| p.end > p.start).collect();
    by_start.sort_by_key(|p| (p.start, p.entry));
    for pair in by_start.windows(2) {
        if pair[0].end > pair[1].start {
            let (a, b) = if pair[0].entry < pair[1].entry {
                (pair[0], pair[1])
            } else {
                (pair[1], pair[0])
            };
            return Err(failure(
                pos + head as usize + b.entry * entry_len as usize,
                format!("{prefix}partition table entry {}", b.entry),
                format!(
                    "partitions that do not overlap; {} (bytes {}..{}) overlaps entry {} {} (bytes {}..{})",
                    partition_name(b.kind),
                    b.start,
                    b.end,
                    a.entry,
                    partition_name(a.kind),
                    a.start,
                    a.end
                ),
            ));
        }
    }
    let block_end = partitions
        .iter()
        .map(|p| p.end)
        .max()
        .unwrap_or(table_end)
        .max(table_end);
    Ok((partitions, block_end, wide))
}

fn decode_model_def<D: Message + Default>(
    file: &InputFile,
    part: Partition,
    prefix: &str,
) -> Result<D, Failure> {
    let slice = file.data.slice(part.start..part.end);
    let total = slice.len();
    let mut buf = slice;
    let mut def = D::default();
    match def.merge(&mut buf) {
        Ok(()) => Ok(def),
        Err(err) => {
            let offset = part.start + (total - buf.remaining());
            let (path, expected) = explain_decode_error(&err);
            Err(failure(
                offset,
                format!(
                    "{prefix}MODEL_DEF partition (entry {}) > {path}",
                    part.entry
                )
                .trim_end_matches(" > ")
                .to_string(),
                expected,
            ))
        }
    }
}

/// ccKernelType names (GE `taskdown_common.h`).
fn kernel_type_name(code: u32) -> String {
    let name = match code {
        0 => "CCE_AI_CORE",
        1 => "CCE_AI_CPU",
        2 => "TE",
        3 => "CUSTOMIZED",
        4 => "TE_AI_CORE",
        5 => "TE_AI_CPU",
        6 => "AI_CPU",
        7 => "CUST_AI_CPU",
        8 => "HOST_CPU",
        9 => "DVPP",
        10 => "AI_CPU_KFC",
        11 => "MIX_AICORE",
        12 => "MIX_VECTOR_CORE",
        other => return format!("kernel type {other}"),
    };
    name.to_string()
}

/// Kernel type and block dim per op id, from the tasks that name an op.
fn task_facts(def: &pb::ModelTaskDef) -> HashMap<i64, TaskFacts> {
    let mut facts = HashMap::new();
    for task in &def.task {
        let found = if let Some(kernel) = &task.kernel {
            kernel.context.as_ref().map(|c| {
                (
                    c.op_index,
                    TaskFacts {
                        kernel_type: kernel_type_name(c.kernel_type),
                        block_dim: Some(kernel.block_dim),
                    },
                )
            })
        } else if let Some(kernel) = &task.kernel_with_handle {
            kernel.context.as_ref().map(|c| {
                (
                    c.op_index,
                    TaskFacts {
                        kernel_type: kernel_type_name(c.kernel_type),
                        block_dim: Some(kernel.block_dim),
                    },
                )
            })
        } else if let Some(kernel) = &task.kernel_ex {
            Some((
                kernel.op_index,
                TaskFacts {
                    kernel_type: "AI_CPU".to_string(),
                    block_dim: None,
                },
            ))
        } else {
            task.kernel_hccl.as_ref().map(|k| {
                (
                    k.op_index,
                    TaskFacts {
                        kernel_type: format!("HCCL {}", k.hccl_type).trim_end().to_string(),
                        block_dim: None,
                    },
                )
            })
        };
        if let Some((op_index, fact)) = found {
            // The first task of an op names its kernel; later ones (atomic clean) do not.
            facts.entry(i64::from(op_index)).or_insert(fact);
        }
    }
    facts
}
