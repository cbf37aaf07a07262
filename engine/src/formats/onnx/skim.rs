//! Reads the structure of a binary ONNX model from a source read by pieces (a browser `File`
//! through `Blob.slice`, a file on disk), seeking over tensor payloads instead of reading them:
//! the output is the same `ModelProto` with every large payload left out, small enough to hold
//! whatever the size of the weights (a 2 GB model with its weights inline is a few hundred KB
//! of structure).
//!
//! Invariants:
//! - The output is a valid `ModelProto` whose import gives the same model as the whole file's:
//!   only payload fields of `TensorProto` (`raw_data`, the packed number lists, `string_data`)
//!   longer than [`SKIM_ABOVE`] bytes are dropped. The importer keeps no weight values past
//!   `ConstValue::MAX_ELEMENTS` (64 elements, at most 512 bytes) and sizes a tensor by its dims
//!   and dtype when it has no `raw_data`, so nothing it shows changes.
//! - A skipped payload is never read: the source is asked only for the bytes of the structure.
//! - Messages are walked by a table of which fields hold which message ([`child_kind`]); any
//!   other field is copied as it is, so fields our schema does not know survive.

use thiserror::Error;

use crate::formats::wire;

/// Payloads longer than this (bytes) are skipped; shorter ones are kept (scales, shapes, the
/// small values the viewer shows).
pub const SKIM_ABOVE: u64 = 4096;

/// How many bytes the reader asks the source for at a time: small, because after each skipped
/// payload the next read starts inside the next payload more often than not.
const CHUNK: usize = 64 << 10;

/// Deepest message nesting followed (graphs in attributes in graphs...), as prost's limit.
const MAX_DEPTH: usize = 100;

pub use crate::formats::source::ByteSource;

/// The structure of a model and what was left out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skimmed {
    /// A `ModelProto` without its large payloads.
    pub bytes: Vec<u8>,
    /// Payload fields skipped, and their bytes.
    pub skipped_payloads: usize,
    pub skipped_bytes: u64,
    /// Bytes read from the source: the structure, plus at most one chunk of read-ahead per skip.
    pub read_bytes: u64,
}

/// Why a model could not be skimmed; the offset is in the source.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SkimError {
    #[error("the file could not be read at byte {offset}: {reason}")]
    Read { offset: u64, reason: String },
    #[error("not a well-formed ONNX model at byte {offset}: {what}")]
    Malformed { offset: u64, what: String },
}

/// The ONNX messages whose fields are walked; every other message is copied whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Model,
    Graph,
    Node,
    Attribute,
    Function,
    TrainingInfo,
    Tensor,
    SparseTensor,
}

/// The message a length-delimited field of `parent` holds, when it is one that can hold tensors
/// (field numbers from `onnx/onnx.proto`).
fn child_kind(parent: Kind, field: u32) -> Option<Kind> {
    use Kind::*;
    Some(match (parent, field) {
        (Model, 7) => Graph,
        (Model, 20) => TrainingInfo,
        (Model, 25) => Function,
        (TrainingInfo, 1 | 2) => Graph,
        (Graph, 1) => Node,
        (Graph, 5) => Tensor,
        (Graph, 15) => SparseTensor,
        (Node, 5) => Attribute,
        (Function, 7) => Node,
        (Function, 11) => Attribute,
        (Attribute, 5 | 10) => Tensor,
        (Attribute, 6 | 11) => Graph,
        (Attribute, 22 | 23) => SparseTensor,
        (SparseTensor, 1 | 2) => Tensor,
        _ => return None,
    })
}

/// `TensorProto`'s payload fields: float_data 4, int32_data 5, string_data 6, int64_data 7,
/// raw_data 9, double_data 10, uint64_data 11.
fn is_payload(kind: Kind, field: u32) -> bool {
    kind == Kind::Tensor && matches!(field, 4..=7 | 9..=11)
}

/// The model's structure, its large tensor payloads skipped unread.
pub fn skim(source: &mut dyn ByteSource) -> Result<Skimmed, SkimError> {
    let size = source.size();
    let mut reader = Reader {
        source,
        pos: 0,
        buffer: Vec::new(),
        buffer_start: 0,
        read_bytes: 0,
    };
    let mut counts = (0usize, 0u64);
    let bytes = walk(&mut reader, Kind::Model, size, 0, &mut counts)?;
    Ok(Skimmed {
        bytes,
        skipped_payloads: counts.0,
        skipped_bytes: counts.1,
        read_bytes: reader.read_bytes,
    })
}

/// Copies the fields of one `kind` message ending at `end`, walking into the messages that can
/// hold tensors and leaving out large payloads.
fn walk(
    reader: &mut Reader<'_>,
    kind: Kind,
    end: u64,
    depth: usize,
    counts: &mut (usize, u64),
) -> Result<Vec<u8>, SkimError> {
    if depth > MAX_DEPTH {
        return Err(reader.malformed(format!("messages nested deeper than {MAX_DEPTH}")));
    }
    let mut out = Vec::new();
    while reader.pos < end {
        let tag = reader.varint(end)?;
        let field =
            u32::try_from(tag >> 3).map_err(|_| reader.malformed("a field number past 32 bits"))?;
        let wire_type = (tag & 7) as u8;
        match wire_type {
            wire::VARINT => {
                let value = reader.varint(end)?;
                put_varint(&mut out, tag);
                put_varint(&mut out, value);
            }
            wire::FIXED64 | wire::FIXED32 => {
                let len = if wire_type == wire::FIXED64 { 8 } else { 4 };
                put_varint(&mut out, tag);
                out.extend_from_slice(&reader.take(len, end)?);
            }
            wire::LEN => {
                let len = reader.varint(end)?;
                let payload_end = reader.pos.checked_add(len).filter(|&e| e <= end).ok_or_else(|| {
                    reader.malformed(format!("field {field} declares {len} bytes, past the end of its message at byte {end}"))
                })?;
                if is_payload(kind, field) && len > SKIM_ABOVE {
                    reader.skip_to(payload_end);
                    counts.0 += 1;
                    counts.1 += len;
                    continue;
                }
                let inner = match child_kind(kind, field) {
                    Some(child) => walk(reader, child, payload_end, depth + 1, counts)?,
                    None => reader.take(len as usize, end)?,
                };
                put_varint(&mut out, tag);
                put_varint(&mut out, inner.len() as u64);
                out.extend_from_slice(&inner);
            }
            other => {
                return Err(reader.malformed(format!(
                    "field {field} has wire type {other}, which ONNX does not use"
                )));
            }
        }
    }
    Ok(out)
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads a source forward through a one-chunk buffer; a skip past the buffer reads nothing.
struct Reader<'a> {
    source: &'a mut dyn ByteSource,
    pos: u64,
    buffer: Vec<u8>,
    buffer_start: u64,
    read_bytes: u64,
}

impl Reader<'_> {
    fn malformed(&self, what: impl Into<String>) -> SkimError {
        SkimError::Malformed {
            offset: self.pos,
            what: what.into(),
        }
    }

    /// The byte at `pos`, filling the buffer from the source when `pos` is outside it.
    fn byte(&mut self, end: u64) -> Result<u8, SkimError> {
        if self.pos >= end {
            return Err(self.malformed("a field runs past the end of its message"));
        }
        let in_buffer = self
            .pos
            .checked_sub(self.buffer_start)
            .map(|at| at as usize);
        if let Some(&byte) = in_buffer.and_then(|at| self.buffer.get(at)) {
            self.pos += 1;
            return Ok(byte);
        }
        self.fill()?;
        match self.buffer.first() {
            Some(&byte) => {
                self.pos += 1;
                Ok(byte)
            }
            None => Err(self.malformed("the file ends inside a field")),
        }
    }

    fn fill(&mut self) -> Result<(), SkimError> {
        let chunk = self
            .source
            .read_at(self.pos, CHUNK)
            .map_err(|reason| SkimError::Read {
                offset: self.pos,
                reason,
            })?;
        self.read_bytes += chunk.len() as u64;
        self.buffer = chunk;
        self.buffer_start = self.pos;
        Ok(())
    }

    fn varint(&mut self, end: u64) -> Result<u64, SkimError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte(end)?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.malformed("a varint longer than 10 bytes"))
    }

    /// The next `len` bytes, which end at or before `end`.
    fn take(&mut self, len: usize, end: u64) -> Result<Vec<u8>, SkimError> {
        if self.pos.saturating_add(len as u64) > end {
            return Err(self.malformed("a field runs past the end of its message"));
        }
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            let at = self
                .pos
                .checked_sub(self.buffer_start)
                .map_or(usize::MAX, |at| at as usize);
            if at >= self.buffer.len() {
                self.fill()?;
                if self.buffer.is_empty() {
                    return Err(self.malformed("the file ends inside a field"));
                }
                continue;
            }
            let n = (len - out.len()).min(self.buffer.len() - at);
            out.extend_from_slice(&self.buffer[at..at + n]);
            self.pos += n as u64;
        }
        Ok(out)
    }

    fn skip_to(&mut self, to: u64) {
        self.pos = to;
    }
}

#[cfg(test)]
mod tests;
