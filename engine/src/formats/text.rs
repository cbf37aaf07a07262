//! The one protobuf text-format reader of every text model format (Caffe prototxt, TensorFlow
//! pbtxt, GE dumps): prost-reflect parses the text against the descriptors of our own `.proto`
//! subsets, and the result is transcoded into the same prost types the binary readers use.
//!
//! Around prost-reflect:
//! - errors carry a line and column, computed from the parser's byte span;
//! - fields our schema subset does not declare (custom Caffe layers, newer TF attrs) are skipped
//!   with a warning instead of failing the whole file: a pre-pass walks the text with the
//!   descriptors and blanks unknown fields out (spaces, newlines kept, so positions stay true);
//! - the same pre-pass refuses nesting deeper than [`MAX_DEPTH`] (prost-reflect's parser
//!   recurses per level, so a hostile file could otherwise overflow the stack), and records
//!   where each top-level field ends, so that [`parse_text`] parses and transcodes big files
//!   in chunks of whole top-level fields (see [`CHUNK_BYTES`]).

use std::sync::OnceLock;

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MessageDescriptor};

use super::InputFile;
use crate::error::{ImportError, Location};

/// Descriptors of every `.proto` in `engine/proto`, written by build.rs (also used by importers
/// that decode binary files reflectively).
pub(crate) fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        DescriptorPool::decode(&include_bytes!(concat!(env!("OUT_DIR"), "/descriptors.bin"))[..])
            .unwrap_or_else(|_| DescriptorPool::new())
    })
}

/// A text-format file read into a prost message, with warnings about skipped fields.
pub(crate) struct ParsedText<M> {
    pub message: M,
    pub warnings: Vec<String>,
}

/// Deepest nesting of messages the reader accepts (the root counts as one level); deeper text is
/// refused with its line and column. It matches prost's decoding recursion limit.
pub(crate) const MAX_DEPTH: usize = 100;

/// Size of the groups of whole top-level fields that [`parse_text`] parses and transcodes one at
/// a time. The reflective tree of a whole 20 MB file is many times its size; in groups it stays
/// in cache and is freed as it goes, which makes a 50,000-node TensorFlow graph import about a
/// third faster.
///
/// Fuzz builds (`cargo fuzz` sets `cfg(fuzzing)`) use groups of 256 bytes, so that the fuzzers'
/// small inputs go through the splitting and merging too, which the result must not depend on.
const CHUNK_BYTES: usize = if cfg!(fuzzing) { 256 } else { 64 * 1024 };

/// Parses `file` as the text format of `message_name` (full name, e.g. `caffe.NetParameter`).
///
/// Groups of top-level fields are parsed separately and merged into the message, which is what
/// one parse gives, except that a non-repeated top-level field set in two groups is merged
/// instead of refused.
pub(crate) fn parse_text<M: Message + Default>(
    file: &InputFile,
    format: &'static str,
    message_name: &str,
) -> Result<ParsedText<M>, ImportError> {
    let prepared = Prepared::new(file, format, message_name)?;
    let mut message = M::default();
    let mut encoded = Vec::new();
    for (start, end) in chunks(&prepared.field_ends, prepared.text.len()) {
        encoded.clear();
        prepared.encode(start, end, &mut encoded)?;
        if let Err(err) = message.merge(&encoded[..]) {
            return Err(prepared.does_not_fit(err));
        }
    }
    Ok(ParsedText {
        message,
        warnings: prepared.warnings,
    })
}

/// [`parse_text`] without the decoding: the binary encoding of the message, one group of
/// top-level fields after another (a decoder merges concatenated encodings as `parse_text`
/// merges the groups), for readers that decode the binary a part at a time. Returns it with the
/// warnings.
pub(crate) fn transcode_text(
    file: &InputFile,
    format: &'static str,
    message_name: &str,
) -> Result<(Vec<u8>, Vec<String>), ImportError> {
    let prepared = Prepared::new(file, format, message_name)?;
    let mut encoded = Vec::new();
    for (start, end) in chunks(&prepared.field_ends, prepared.text.len()) {
        prepared.encode(start, end, &mut encoded)?;
    }
    Ok((encoded, prepared.warnings))
}

/// [`parse_text`] without the transcoding, for importers that read fields reflectively (Caffe
/// turns every `*_param` field into an attribute): the groups of whole top-level fields
/// `parse_text` uses are each handed to `visit` as a message of their own, so a large file's
/// reflective tree never exists whole. Returns the warnings.
pub(crate) fn parse_text_dynamic_chunks(
    file: &InputFile,
    format: &'static str,
    message_name: &str,
    mut visit: impl FnMut(DynamicMessage),
) -> Result<Vec<String>, ImportError> {
    let prepared = Prepared::new(file, format, message_name)?;
    for (start, end) in chunks(&prepared.field_ends, prepared.text.len()) {
        visit(prepared.parse(start, end)?);
    }
    Ok(prepared.warnings)
}

/// A text file checked and walked: UTF-8, not too deep, unknown fields blanked out.
struct Prepared<'a> {
    file: &'a InputFile,
    format: &'static str,
    descriptor: MessageDescriptor,
    text: std::borrow::Cow<'a, str>,
    warnings: Vec<String>,
    /// Byte offsets just after each complete top-level field, in order.
    field_ends: Vec<usize>,
    bodies: Vec<Body>,
}

impl<'a> Prepared<'a> {
    fn new(
        file: &'a InputFile,
        format: &'static str,
        message_name: &str,
    ) -> Result<Prepared<'a>, ImportError> {
        let malformed = |location: Location, expected: String| ImportError::Malformed {
            file: file.name.clone(),
            format,
            location,
            expected,
        };
        let text = std::str::from_utf8(&file.data).map_err(|err| {
            let offset = err.valid_up_to();
            let (line, col) = line_col(&file.data[..offset], offset);
            malformed(
                Location::line_col(line, col).with_path(format!("byte {offset}")),
                "UTF-8 text (the file holds bytes that are not UTF-8; is it binary?)".to_string(),
            )
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let descriptor = pool().get_message_by_name(message_name).ok_or_else(|| {
            malformed(
                Location::default(),
                format!("schema {message_name} (internal: not compiled in)"),
            )
        })?;

        let walk = walk(text, &descriptor);
        if let Some(offset) = walk.too_deep_at {
            let (line, col) = line_col(text.as_bytes(), offset);
            return Err(malformed(
                Location::line_col(line, col),
                format!("at most {MAX_DEPTH} levels of nested messages"),
            ));
        }
        let mut warnings = Vec::new();
        let text = if walk.unknown.is_empty() {
            std::borrow::Cow::Borrowed(text)
        } else {
            let mut bytes = text.as_bytes().to_vec();
            // The walk found the fields in text order: one pass gives every line and column.
            let mut cursor = LineCursor::new(text.as_bytes());
            for field in &walk.unknown {
                for byte in &mut bytes[field.start..field.end] {
                    if *byte != b'\n' {
                        *byte = b' ';
                    }
                }
                let (line, col) = cursor.line_col(field.start);
                warnings.push(format!(
                    "{}: line {line}, column {col}: field `{}` is not part of {} and was skipped",
                    file.name, field.name, field.message
                ));
            }
            // Only ASCII bytes were replaced by ASCII spaces, so the text is still UTF-8.
            std::borrow::Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
        };
        Ok(Prepared {
            file,
            format,
            descriptor,
            text,
            warnings,
            field_ends: walk.field_ends,
            bodies: walk.bodies,
        })
    }

    fn malformed(&self, location: Location, expected: String) -> ImportError {
        ImportError::Malformed {
            file: self.file.name.clone(),
            format: self.format,
            location,
            expected,
        }
    }

    /// Parses the whole top-level fields in `start..end` and appends their binary encoding to
    /// `out`.
    fn encode(&self, start: usize, end: usize, out: &mut Vec<u8>) -> Result<(), ImportError> {
        self.parse(start, end)?
            .encode(out)
            .map_err(|err| self.does_not_fit(err))
    }

    fn does_not_fit(&self, err: impl std::fmt::Display) -> ImportError {
        self.malformed(
            Location::default(),
            format!("a message that fits the schema ({err})"),
        )
    }

    /// Parses the whole top-level fields in `start..end`; error positions are in the file.
    fn parse(&self, start: usize, end: usize) -> Result<DynamicMessage, ImportError> {
        self.parse_as(&self.descriptor, start, end)
    }

    /// Parses the whole fields of a `descriptor` message in `start..end`.
    fn parse_as(
        &self,
        descriptor: &MessageDescriptor,
        start: usize,
        end: usize,
    ) -> Result<DynamicMessage, ImportError> {
        let text: &str = &self.text;
        let Some(part) = text.get(start..end) else {
            return Err(self.malformed(
                Location::default(),
                "text split at a character boundary (internal)".to_string(),
            ));
        };
        DynamicMessage::parse_text_format(descriptor.clone(), part).map_err(|err| {
            // Errors at the end of input carry no span: point at the end.
            let offset = start + error_offset(&err).unwrap_or(part.len()).min(part.len());
            let (line, col) = line_col(text.as_bytes(), offset);
            self.malformed(Location::line_col(line, col), err.to_string())
        })
    }
}

/// [`transcode_text`] that also parses the body of each top-level message field (`graph { ...
/// }` of a GE dump, one field holding every op) in groups of its fields, each encoded on its
/// own: the body's encoding is their concatenation, under the field's one tag. `None` when the
/// text does not read, or a body sets a singular field twice (one parse refuses that; groups
/// would merge it): the caller then parses the text whole, which explains.
pub(crate) fn transcode_text_split(
    file: &InputFile,
    format: &'static str,
    message_name: &str,
) -> Option<(Vec<u8>, Vec<String>)> {
    let prepared = Prepared::new(file, format, message_name).ok()?;
    let len = prepared.text.len();
    let mut encoded = Vec::new();
    let mut body_encoded = Vec::new();
    let mut bodies = prepared.bodies.iter().peekable();
    // Start of the top-level fields not encoded yet.
    let mut pending = 0usize;
    for (index, &field_end) in prepared.field_ends.iter().enumerate() {
        let Some(body) = bodies.next_if(|body| body.field_index == index) else {
            continue;
        };
        if body.repeats_singular || body.end < body.start {
            return None;
        }
        let field_start = index
            .checked_sub(1)
            .and_then(|before| prepared.field_ends.get(before))
            .copied()
            .unwrap_or(0);
        if pending < field_start {
            prepared.encode(pending, field_start, &mut encoded).ok()?;
        }
        body_encoded.clear();
        let mut start = body.start;
        for &end in &body.field_ends {
            if end - start >= CHUNK_BYTES {
                let part = prepared.parse_as(&body.descriptor, start, end).ok()?;
                part.encode(&mut body_encoded).ok()?;
                start = end;
            }
        }
        let part = prepared.parse_as(&body.descriptor, start, body.end).ok()?;
        part.encode(&mut body_encoded).ok()?;
        prost::encoding::encode_key(
            body.number,
            prost::encoding::WireType::LengthDelimited,
            &mut encoded,
        );
        prost::encoding::encode_varint(body_encoded.len() as u64, &mut encoded);
        encoded.extend_from_slice(&body_encoded);
        pending = field_end;
    }
    if pending < len {
        prepared.encode(pending, len, &mut encoded).ok()?;
    }
    Some((encoded, prepared.warnings))
}

/// [`transcode_text`] that also splits the bodies of large message fields nested up to `levels`
/// deep (`meta_graphs { graph_def { node {…} … } }` of a text SavedModel is two levels): each
/// such body is encoded from groups of its own fields, under the field's one tag, so no parse
/// holds more than a group. `None` when the text does not read this way, or when a message sets
/// a singular field (or two members of a oneof) twice, which one parse refuses and groups would
/// merge: the caller then parses the text whole, which explains.
pub(crate) fn transcode_text_nested(
    file: &InputFile,
    format: &'static str,
    message_name: &str,
    levels: usize,
) -> Option<(Vec<u8>, Vec<String>)> {
    let prepared = Prepared::new(file, format, message_name).ok()?;
    let mut encoded = Vec::new();
    let descriptor = prepared.descriptor.clone();
    prepared.encode_split(&descriptor, 0, prepared.text.len(), levels, &mut encoded)?;
    Some((encoded, prepared.warnings))
}

impl Prepared<'_> {
    /// Appends the encoding of the fields of a `descriptor` message written in `start..end`:
    /// groups of whole fields of about [`CHUNK_BYTES`] parsed one at a time, and a message field
    /// of that size or more, while `levels` is above 0, split the same way inside.
    fn encode_split(
        &self,
        descriptor: &MessageDescriptor,
        start: usize,
        end: usize,
        levels: usize,
        out: &mut Vec<u8>,
    ) -> Option<()> {
        let text: &str = &self.text;
        let bytes = text.as_bytes();
        let mut singular_seen: Vec<u32> = Vec::new();
        let mut oneofs_seen: Vec<String> = Vec::new();
        let mut group_start = start;
        let mut pos = skip_space(bytes, start);
        while pos < end {
            let field_start = pos;
            let name_end = field_name_end(bytes, pos)?;
            let field = descriptor.get_field_by_name(text.get(pos..name_end)?)?;
            if let Some(oneof) = field.containing_oneof() {
                if oneofs_seen.iter().any(|seen| seen == oneof.name()) {
                    return None;
                }
                oneofs_seen.push(oneof.name().to_string());
            } else if !field.is_list() && !field.is_map() {
                if singular_seen.contains(&field.number()) {
                    return None;
                }
                singular_seen.push(field.number());
            }
            pos = skip_space(bytes, name_end);
            if bytes.get(pos) == Some(&b':') {
                pos = skip_space(bytes, pos + 1);
            }
            let value_start = pos;
            let value_end = skip_value(bytes, value_start)?;
            if value_end > end {
                return None;
            }
            // The separator after a field belongs to it.
            pos = skip_space(bytes, value_end);
            if pos < end && matches!(bytes.get(pos), Some(b',' | b';')) {
                pos = skip_space(bytes, pos + 1);
            }
            let split = match field.kind() {
                Kind::Message(inner)
                    if levels > 0
                        && !field.is_map()
                        && !field.is_group()
                        && matches!(bytes.get(value_start), Some(b'{' | b'<'))
                        && value_end - value_start >= CHUNK_BYTES =>
                {
                    Some(inner)
                }
                _ => None,
            };
            if let Some(inner) = split {
                if group_start < field_start {
                    self.parse_as(descriptor, group_start, field_start)
                        .ok()?
                        .encode(out)
                        .ok()?;
                }
                let mut body = Vec::new();
                self.encode_split(
                    &inner,
                    value_start + 1,
                    value_end - 1,
                    levels - 1,
                    &mut body,
                )?;
                prost::encoding::encode_key(
                    field.number(),
                    prost::encoding::WireType::LengthDelimited,
                    out,
                );
                prost::encoding::encode_varint(body.len() as u64, out);
                out.extend_from_slice(&body);
                group_start = pos;
            } else if pos - group_start >= CHUNK_BYTES {
                self.parse_as(descriptor, group_start, pos)
                    .ok()?
                    .encode(out)
                    .ok()?;
                group_start = pos;
            }
        }
        if group_start < end {
            self.parse_as(descriptor, group_start, end)
                .ok()?
                .encode(out)
                .ok()?;
        }
        Some(())
    }
}

/// Ranges of whole top-level fields of at least [`CHUNK_BYTES`] each; the last one runs to the
/// end of the text (and holds whatever the walker could not follow).
fn chunks(field_ends: &[usize], len: usize) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for &end in field_ends {
        if end - start >= CHUNK_BYTES && end < len {
            ranges.push((start, end));
            start = end;
        }
    }
    ranges.push((start, len));
    ranges
}

fn error_offset(err: &prost_reflect::text_format::ParseError) -> Option<usize> {
    use miette::Diagnostic;
    err.labels()?.map(|label| label.offset()).min()
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub(crate) fn line_col(text: &[u8], offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line as u32, col as u32)
}

/// [`line_col`] for ascending offsets in time linear in the text, not in the text times the
/// number of offsets (a fork's field on each of 50,000 layers gives 50,000 warnings).
struct LineCursor<'a> {
    text: &'a [u8],
    offset: usize,
    line: u32,
    col: u32,
}

impl<'a> LineCursor<'a> {
    fn new(text: &'a [u8]) -> LineCursor<'a> {
        LineCursor {
            text,
            offset: 0,
            line: 1,
            col: 1,
        }
    }

    fn line_col(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            return line_col(self.text, offset);
        }
        let segment = &self.text[self.offset..offset];
        // Characters, not bytes: UTF-8 continuation bytes do not start one.
        let chars = |bytes: &[u8]| bytes.iter().filter(|&&b| b & 0xc0 != 0x80).count() as u32;
        match segment.iter().rposition(|&b| b == b'\n') {
            Some(last_newline) => {
                self.line += segment.iter().filter(|&&b| b == b'\n').count() as u32;
                self.col = chars(&segment[last_newline + 1..]) + 1;
            }
            None => self.col += chars(segment),
        }
        self.offset = offset;
        (self.line, self.col)
    }
}

/// A field the schema does not know: its byte range (name through value) and names for the
/// warning.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UnknownField {
    start: usize,
    end: usize,
    name: String,
    message: String,
}

/// What the walker is inside of.
enum Frame {
    Message {
        descriptor: MessageDescriptor,
        closer: u8,
    },
    /// A `[ ... ]` list of messages of this type.
    MessageList { descriptor: MessageDescriptor },
}

/// The body of a top-level field whose value is one message (`graph { ... }`): where its
/// fields are, so that a reader can parse it in groups of fields too.
#[derive(Debug)]
struct Body {
    /// Index of the top-level field (into `Walk::field_ends`).
    field_index: usize,
    number: u32,
    descriptor: MessageDescriptor,
    /// Just after the opening brace, and at the closing one.
    start: usize,
    end: usize,
    /// Byte offsets just after each complete field of the body.
    field_ends: Vec<usize>,
    /// A non-repeated field of the body is set twice: one parse refuses that, groups would
    /// merge it, so the body is not split.
    repeats_singular: bool,
}

/// What the pre-pass found.
#[derive(Debug, Default)]
struct Walk {
    /// Bodies of top-level message fields, in order.
    bodies: Vec<Body>,
    /// Fields the descriptors do not declare.
    unknown: Vec<UnknownField>,
    /// Byte offsets just after each complete top-level field.
    field_ends: Vec<usize>,
    /// Where a message opens more than [`MAX_DEPTH`] levels deep.
    too_deep_at: Option<usize>,
}

/// Walks the text with the descriptors: the fields they do not declare, where top-level fields
/// end, and nesting past [`MAX_DEPTH`]. Syntax errors are not reported here: the walker stops,
/// and prost-reflect reports them with a position.
fn walk(text: &str, root: &MessageDescriptor) -> Walk {
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    let mut stack = vec![Frame::Message {
        descriptor: root.clone(),
        closer: 0,
    }];
    let mut walk = Walk::default();
    let mut in_top_level_field = false;
    // The body of a top-level message field being walked, whether a field of it is open, and
    // the numbers of its singular fields seen.
    let mut body: Option<Body> = None;
    let mut in_body_field = false;
    let mut singular_seen: Vec<u32> = Vec::new();
    // Where the innermost open message or list started.
    let mut last_open = 0usize;
    loop {
        pos = skip_space(bytes, pos);
        if stack.len() > MAX_DEPTH {
            walk.too_deep_at = Some(last_open);
            break;
        }
        if stack.len() == 2 && in_body_field {
            if matches!(bytes.get(pos), Some(b',' | b';')) {
                pos = skip_space(bytes, pos + 1);
            }
            if let Some(body) = &mut body {
                body.field_ends.push(pos);
            }
            in_body_field = false;
        }
        if stack.len() == 1 && in_top_level_field {
            // The separator after a field belongs to it.
            if matches!(bytes.get(pos), Some(b',' | b';')) {
                pos = skip_space(bytes, pos + 1);
            }
            walk.field_ends.push(pos);
            in_top_level_field = false;
        }
        let Some(&byte) = bytes.get(pos) else {
            break;
        };
        let Some(frame) = stack.last() else {
            break;
        };
        match frame {
            Frame::MessageList { descriptor } => match byte {
                b']' => {
                    stack.pop();
                    pos += 1;
                }
                b',' => pos += 1,
                b'{' | b'<' => {
                    let descriptor = descriptor.clone();
                    stack.push(Frame::Message {
                        descriptor,
                        closer: closer_of(byte),
                    });
                    last_open = pos;
                    pos += 1;
                }
                _ => break,
            },
            Frame::Message { descriptor, closer } => {
                if byte == *closer {
                    if stack.len() == 2 {
                        if let Some(mut done) = body.take() {
                            done.end = pos;
                            walk.bodies.push(done);
                        }
                    }
                    stack.pop();
                    pos += 1;
                    continue;
                }
                if byte == b',' || byte == b';' {
                    pos += 1;
                    continue;
                }
                let name_start = pos;
                in_top_level_field |= stack.len() == 1;
                in_body_field |= stack.len() == 2 && body.is_some();
                let Some(name_end) = field_name_end(bytes, pos) else {
                    break;
                };
                let name = &text[name_start..name_end];
                let field = if name.starts_with('[') {
                    None
                } else {
                    descriptor.get_field_by_name(name).or_else(|| {
                        // Group fields are named by their type in text format.
                        descriptor.fields().find(|f| {
                            f.is_group() && f.kind().as_message().is_some_and(|m| m.name() == name)
                        })
                    })
                };
                let message_name = field.is_none().then(|| descriptor.full_name().to_string());
                if let (2, Some(body), Some(field)) = (stack.len(), &mut body, &field) {
                    if !field.is_list() && !field.is_map() {
                        if singular_seen.contains(&field.number()) {
                            body.repeats_singular = true;
                        } else {
                            singular_seen.push(field.number());
                        }
                    }
                }
                pos = skip_space(bytes, name_end);
                if bytes.get(pos) == Some(&b':') {
                    pos = skip_space(bytes, pos + 1);
                }
                let Some(&value_start) = bytes.get(pos) else {
                    break;
                };
                match field {
                    None => {
                        let Some(end) = skip_value(bytes, pos) else {
                            break;
                        };
                        walk.unknown.push(UnknownField {
                            start: name_start,
                            end,
                            name: name.to_string(),
                            message: message_name.unwrap_or_default(),
                        });
                        pos = end;
                    }
                    Some(field) => match (field.kind(), value_start) {
                        (Kind::Message(inner), b'{' | b'<') => {
                            if stack.len() == 1 && !field.is_map() {
                                singular_seen.clear();
                                body = Some(Body {
                                    field_index: walk.field_ends.len(),
                                    number: field.number(),
                                    descriptor: inner.clone(),
                                    start: pos + 1,
                                    end: 0,
                                    field_ends: Vec::new(),
                                    repeats_singular: false,
                                });
                            }
                            stack.push(Frame::Message {
                                descriptor: inner,
                                closer: closer_of(value_start),
                            });
                            last_open = pos;
                            pos += 1;
                        }
                        (Kind::Message(inner), b'[') => {
                            stack.push(Frame::MessageList { descriptor: inner });
                            last_open = pos;
                            pos += 1;
                        }
                        _ => match skip_value(bytes, pos) {
                            Some(end) => pos = end,
                            None => break,
                        },
                    },
                }
            }
        }
    }
    walk
}

/// One field seen while [`scan_fields`] walks the head of a text-format file.
pub(crate) struct FieldSighting<'a, 'p> {
    /// Names of the enclosing message fields, outermost first (empty at the top level).
    pub parents: &'p [&'a [u8]],
    pub name: &'a [u8],
    /// The value is a message (`name {` or `name <`): the fields that follow are inside it.
    pub opens_message: bool,
}

/// Walks the field names of the first `limit` bytes of a text-format file without parsing the
/// values: the one tokenizer every text sniffer uses. Fields nested deeper than `max_depth`
/// (0 = top level only) are skipped whole. Calls `visit` for each field until it answers;
/// returns `None` when the walk ends first (end of the window, a stray closing brace, or text
/// that is not field syntax), so the caller decides from what it saw.
pub(crate) fn scan_fields<T>(
    data: &[u8],
    limit: usize,
    max_depth: usize,
    mut visit: impl FnMut(&FieldSighting<'_, '_>) -> Option<T>,
) -> Option<T> {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let bytes = &data[..data.len().min(limit)];
    let mut parents: Vec<&[u8]> = Vec::new();
    let mut pos = 0;
    loop {
        pos = skip_space(bytes, pos);
        match *bytes.get(pos)? {
            b'}' | b'>' => {
                parents.pop()?;
                pos += 1;
                continue;
            }
            b',' | b';' => {
                pos += 1;
                continue;
            }
            _ => {}
        }
        let name_end = field_name_end(bytes, pos)?;
        let name = &bytes[pos..name_end];
        pos = skip_space(bytes, name_end);
        if bytes.get(pos) == Some(&b':') {
            pos = skip_space(bytes, pos + 1);
        }
        let opens_message = matches!(bytes.get(pos), Some(b'{' | b'<'));
        let sighting = FieldSighting {
            parents: &parents,
            name,
            opens_message,
        };
        if let Some(answer) = visit(&sighting) {
            return Some(answer);
        }
        if opens_message && parents.len() < max_depth {
            parents.push(name);
            pos += 1;
        } else {
            pos = skip_value(bytes, pos)?;
        }
    }
}

fn closer_of(opener: u8) -> u8 {
    if opener == b'<' {
        b'>'
    } else {
        b'}'
    }
}

fn skip_space(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(&byte) = bytes.get(pos) {
        if byte.is_ascii_whitespace() {
            pos += 1;
        } else if byte == b'#' {
            while bytes.get(pos).is_some_and(|&b| b != b'\n') {
                pos += 1;
            }
        } else {
            break;
        }
    }
    pos
}

/// End of a field name: an identifier, or an extension / Any name in brackets.
fn field_name_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let first = *bytes.get(pos)?;
    if first == b'[' {
        let close = bytes[pos..].iter().position(|&b| b == b']')?;
        return Some(pos + close + 1);
    }
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let len = bytes[pos..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
        .count();
    Some(pos + len)
}

/// End of one value: a balanced message or list, adjacent strings, or one scalar token.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match *bytes.get(pos)? {
        b'{' | b'<' | b'[' => skip_balanced(bytes, pos),
        b'"' | b'\'' => {
            let mut end = skip_string(bytes, pos)?;
            // Adjacent strings concatenate: "a" "b".
            loop {
                let next = skip_space(bytes, end);
                match bytes.get(next) {
                    Some(b'"' | b'\'') => end = skip_string(bytes, next)?,
                    _ => return Some(end),
                }
            }
        }
        _ => {
            let len = bytes[pos..]
                .iter()
                .take_while(|&&b| !b.is_ascii_whitespace() && !b",;{}[]<>:#\"'".contains(&b))
                .count();
            (len > 0).then_some(pos + len)
        }
    }
}

fn skip_string(bytes: &[u8], pos: usize) -> Option<usize> {
    let quote = *bytes.get(pos)?;
    let mut idx = pos + 1;
    while let Some(&byte) = bytes.get(idx) {
        match byte {
            b'\\' => idx += 2,
            b'\n' => return None,
            _ if byte == quote => return Some(idx + 1),
            _ => idx += 1,
        }
    }
    None
}

/// Skips a `{...}`, `<...>` or `[...]` with nesting, strings and comments respected.
fn skip_balanced(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut idx = pos;
    while let Some(&byte) = bytes.get(idx) {
        match byte {
            b'{' | b'<' | b'[' => {
                depth += 1;
                idx += 1;
            }
            b'}' | b'>' | b']' => {
                depth = depth.checked_sub(1)?;
                idx += 1;
                if depth == 0 {
                    return Some(idx);
                }
            }
            b'"' | b'\'' => idx = skip_string(bytes, idx)?,
            b'#' => idx = skip_space(bytes, idx),
            _ => idx += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::onnx::pb;

    fn parse(text: &str) -> Result<ParsedText<pb::ModelProto>, ImportError> {
        parse_text(
            &InputFile::new("m.pbtxt", text.as_bytes().to_vec()),
            "test",
            "onnx.ModelProto",
        )
    }

    #[test]
    fn parses_into_prost_types() {
        let parsed = parse(
            "ir_version: 8\n# a comment\ngraph {\n  name: 'g'\n  node { op_type: \"Relu\" input: [\"x\"] output: \"y\" }\n  node < op_type: 'Add' >\n}\n",
        )
        .unwrap();
        let graph = parsed.message.graph.unwrap();
        assert_eq!(graph.name(), "g");
        assert_eq!(graph.node.len(), 2);
        assert_eq!(graph.node[0].input, vec!["x".to_string()]);
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn unknown_fields_are_skipped_with_a_warning() {
        let parsed = parse(
            "ir_version: 8\ngraph {\n  custom_param { a: 1 b: \"}\" nested { c: [1, 2] } }\n  name: \"g\"\n  flag: true\n  list_of: [{ x: 1 }, { x: 2 }]\n  node { op_type: \"Relu\" weird: 'x' 'y' }\n}\n[ext.thing]: 3\n",
        )
        .unwrap();
        let graph = parsed.message.graph.unwrap();
        assert_eq!(graph.name(), "g");
        assert_eq!(graph.node[0].op_type(), "Relu");
        expect_test::expect![[r#"
            [
                "m.pbtxt: line 3, column 3: field `custom_param` is not part of onnx.GraphProto and was skipped",
                "m.pbtxt: line 5, column 3: field `flag` is not part of onnx.GraphProto and was skipped",
                "m.pbtxt: line 6, column 3: field `list_of` is not part of onnx.GraphProto and was skipped",
                "m.pbtxt: line 7, column 26: field `weird` is not part of onnx.NodeProto and was skipped",
                "m.pbtxt: line 9, column 1: field `[ext.thing]` is not part of onnx.ModelProto and was skipped",
            ]
        "#]]
        .assert_debug_eq(&parsed.warnings);
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = parse("ir_version: 8\ngraph {\n  name: \"unterminated\n}\n")
            .err()
            .unwrap();
        let text = err.to_string();
        assert_eq!(
            text,
            "m.pbtxt: invalid test file at line 3, column 22: invalid string character"
        );
        let err = parse("graph {\n  node { op_type: \"Relu\" }\n")
            .err()
            .unwrap();
        assert!(err.to_string().contains("line 3, column 1"), "{err}");
        let err = parse("ir_version: \"eight\"").err().unwrap();
        assert!(err.to_string().contains("line 1, column 13"), "{err}");
    }

    #[test]
    fn big_files_are_read_in_chunks_with_true_positions() {
        // About 200 KB of top-level fields: several chunks, separators included.
        let mut text = String::new();
        for idx in 0..6000 {
            text.push_str(&format!(
                "opset_import {{ domain: \"d{idx}\" version: {idx} }},\n"
            ));
        }
        let parsed = parse(&format!("ir_version: 8;\n{text}graph {{ name: 'g' }}\n")).unwrap();
        assert_eq!(parsed.message.opset_import.len(), 6000);
        assert_eq!(parsed.message.opset_import[5999].version(), 5999);
        assert_eq!(parsed.message.graph.unwrap().name(), "g");
        let walk = walk(
            &text,
            &pool().get_message_by_name("onnx.ModelProto").unwrap(),
        );
        assert_eq!(walk.field_ends.len(), 6000);
        assert!(chunks(&walk.field_ends, text.len()).len() > 2);
        // An error far into the file still names its own line.
        let err = parse(&format!("{text}opset_import {{ version: x }}\n"))
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "m.pbtxt: invalid test file at line 6001, column 25: expected an integer, but found 'x'"
        );
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused() {
        let depth = MAX_DEPTH + 50;
        let text = format!(
            "graph {{\n{}{}}}\n",
            "node { attribute { g { node { attribute { g {\n".repeat(depth / 6 + 1),
            "} } } } } }\n".repeat(depth / 6 + 1)
        );
        // Six levels a line after `graph {`: level 101 opens on line 18, at its third brace.
        let err = parse(&text).err().unwrap();
        assert_eq!(
            err.to_string(),
            "m.pbtxt: invalid test file at line 18, column 22: at most 100 levels of nested messages"
        );
    }

    #[test]
    fn binary_bytes_are_not_text() {
        let file = InputFile::new("b.prototxt", vec![b'a', b'\n', 0xff, 0xfe]);
        let err = parse_text::<pb::ModelProto>(&file, "Caffe", "onnx.ModelProto")
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "b.prototxt: invalid Caffe file at line 2, column 1, in byte 2: UTF-8 text (the file holds bytes that are not UTF-8; is it binary?)"
        );
    }

    #[test]
    fn line_cursor_agrees_with_line_col() {
        let text = "ab\ncé\n\nxyz é\n";
        let mut cursor = LineCursor::new(text.as_bytes());
        for offset in [0, 1, 3, 5, 6, 7, 8, 9, 12, 14, 15, 40] {
            assert_eq!(
                cursor.line_col(offset),
                line_col(text.as_bytes(), offset),
                "{offset}"
            );
        }
        assert_eq!(cursor.line_col(2), (1, 3));
    }

    #[test]
    fn scan_fields_reports_names_with_their_parents() {
        let text = b"\xef\xbb\xbf# head\nname: 'n' graph { op { type: \"Conv\" } attr: [1, 2] }\nlast: 1 }";
        let mut seen = Vec::new();
        let answer: Option<()> = scan_fields(text, 1 << 20, 8, |f| {
            let path: Vec<String> = f
                .parents
                .iter()
                .chain([&f.name])
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            seen.push(format!(
                "{}{}",
                path.join("."),
                if f.opens_message { " {" } else { "" }
            ));
            None
        });
        assert_eq!(answer, None);
        // The stray `}` at the end stops the walk.
        assert_eq!(
            seen,
            [
                "name",
                "graph {",
                "graph.op {",
                "graph.op.type",
                "graph.attr",
                "last"
            ]
        );
        let first_op = scan_fields(text, 1 << 20, 8, |f| {
            (f.name == b"op").then_some(f.parents.len())
        });
        assert_eq!(first_op, Some(1));
        // Below `max_depth` messages are skipped whole, broken insides included.
        let top: Vec<Vec<u8>> = {
            let mut names = Vec::new();
            let _: Option<()> = scan_fields(b"a { b { c } } d: 1", 1 << 20, 0, |f| {
                names.push(f.name.to_vec());
                None
            });
            names
        };
        assert_eq!(top, [b"a".to_vec(), b"d".to_vec()]);
        // A window cut inside a value ends the walk quietly.
        assert_eq!(scan_fields(text, 12, 8, |_| Some(())), Some(()));
        assert_eq!(
            scan_fields(b"name: 'unterminated", 1 << 20, 8, |f| (f.name == b"x")
                .then_some(())),
            None
        );
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx".as_bytes(), 2), (1, 2));
        assert_eq!(line_col(b"", 10), (1, 1));
    }
}
