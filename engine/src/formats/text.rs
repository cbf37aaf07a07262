//! The one protobuf text-format reader of every text model format (Caffe prototxt, TensorFlow
//! pbtxt, GE dumps): prost-reflect parses the text against the descriptors of our own `.proto`
//! subsets, and the result is transcoded into the same prost types the binary readers use.
//!
//! Two things are added around prost-reflect:
//! - errors carry a line and column, computed from the parser's byte span;
//! - fields our schema subset does not declare (custom Caffe layers, newer TF attrs) are skipped
//!   with a warning instead of failing the whole file: a pre-pass walks the text with the
//!   descriptors and blanks unknown fields out (spaces, newlines kept, so positions stay true).

use std::sync::OnceLock;

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MessageDescriptor};

use super::InputFile;
use crate::error::{ImportError, Location};

/// Descriptors of every `.proto` in `engine/proto`, written by build.rs.
fn pool() -> &'static DescriptorPool {
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

/// Parses `file` as the text format of `message_name` (full name, e.g. `caffe.NetParameter`).
pub(crate) fn parse_text<M: Message + Default>(
    file: &InputFile,
    format: &'static str,
    message_name: &str,
) -> Result<ParsedText<M>, ImportError> {
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
    let descriptor = pool()
        .get_message_by_name(message_name)
        .ok_or_else(|| malformed(Location::default(), format!("schema {message_name} (internal: not compiled in)")))?;

    let unknown = find_unknown_fields(text, &descriptor);
    let mut warnings = Vec::new();
    let cleaned;
    let text = if unknown.is_empty() {
        text
    } else {
        let mut bytes = text.as_bytes().to_vec();
        for field in &unknown {
            for byte in &mut bytes[field.start..field.end] {
                if *byte != b'\n' {
                    *byte = b' ';
                }
            }
            let (line, col) = line_col(text.as_bytes(), field.start);
            warnings.push(format!(
                "{}: line {line}, column {col}: field `{}` is not part of {} and was skipped",
                file.name, field.name, field.message
            ));
        }
        // Only ASCII bytes were replaced by ASCII spaces, so the text is still UTF-8.
        cleaned = String::from_utf8_lossy(&bytes).into_owned();
        &cleaned
    };

    let dynamic = DynamicMessage::parse_text_format(descriptor, text).map_err(|err| {
        // Errors at the end of input carry no span: point at the end.
        let offset = error_offset(&err).unwrap_or(text.len()).min(text.len());
        let (line, col) = line_col(text.as_bytes(), offset);
        malformed(Location::line_col(line, col), err.to_string())
    })?;
    let message = dynamic.transcode_to::<M>().map_err(|err| {
        malformed(Location::default(), format!("a message that fits the schema ({err})"))
    })?;
    Ok(ParsedText { message, warnings })
}

fn error_offset(err: &prost_reflect::text_format::ParseError) -> Option<usize> {
    use miette::Diagnostic;
    err.labels()?.map(|label| label.offset()).min()
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub(crate) fn line_col(text: &[u8], offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line as u32, col as u32)
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
    Message { descriptor: MessageDescriptor, closer: u8 },
    /// A `[ ... ]` list of messages of this type.
    MessageList { descriptor: MessageDescriptor },
}

/// Walks the text with the descriptors and returns the fields they do not declare. Syntax errors
/// are not reported here: the walker stops, and prost-reflect reports them with a position.
fn find_unknown_fields(text: &str, root: &MessageDescriptor) -> Vec<UnknownField> {
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    let mut stack = vec![Frame::Message {
        descriptor: root.clone(),
        closer: 0,
    }];
    let mut unknown = Vec::new();
    loop {
        pos = skip_space(bytes, pos);
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
                    pos += 1;
                }
                _ => break,
            },
            Frame::Message { descriptor, closer } => {
                if byte == *closer {
                    stack.pop();
                    pos += 1;
                    continue;
                }
                if byte == b',' || byte == b';' {
                    pos += 1;
                    continue;
                }
                let name_start = pos;
                let Some(name_end) = field_name_end(bytes, pos) else {
                    break;
                };
                let name = &text[name_start..name_end];
                let field = if name.starts_with('[') {
                    None
                } else {
                    descriptor.get_field_by_name(name).or_else(|| {
                        // Group fields are named by their type in text format.
                        descriptor
                            .fields()
                            .find(|f| f.is_group() && f.kind().as_message().is_some_and(|m| m.name() == name))
                    })
                };
                let message_name = descriptor.full_name().to_string();
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
                        unknown.push(UnknownField {
                            start: name_start,
                            end,
                            name: name.to_string(),
                            message: message_name,
                        });
                        pos = end;
                    }
                    Some(field) => match (field.kind(), value_start) {
                        (Kind::Message(inner), b'{' | b'<') => {
                            stack.push(Frame::Message {
                                descriptor: inner,
                                closer: closer_of(value_start),
                            });
                            pos += 1;
                        }
                        (Kind::Message(inner), b'[') => {
                            stack.push(Frame::MessageList { descriptor: inner });
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
    unknown
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
        parse_text(&InputFile::new("m.pbtxt", text.as_bytes().to_vec()), "test", "onnx.ModelProto")
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
        let err = parse("ir_version: 8\ngraph {\n  name: \"unterminated\n}\n").err().unwrap();
        let text = err.to_string();
        assert_eq!(text, "m.pbtxt: invalid test file at line 3, column 22: invalid string character");
        let err = parse("graph {\n  node { op_type: \"Relu\" }\n").err().unwrap();
        assert!(err.to_string().contains("line 3, column 1"), "{err}");
        let err = parse("ir_version: \"eight\"").err().unwrap();
        assert!(err.to_string().contains("line 1, column 13"), "{err}");
    }

    #[test]
    fn binary_bytes_are_not_text() {
        let file = InputFile::new("b.prototxt", vec![b'a', b'\n', 0xff, 0xfe]);
        let err = parse_text::<pb::ModelProto>(&file, "Caffe", "onnx.ModelProto").err().unwrap();
        assert_eq!(
            err.to_string(),
            "b.prototxt: invalid Caffe file at line 2, column 1, in byte 2: UTF-8 text (the file holds bytes that are not UTF-8; is it binary?)"
        );
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx".as_bytes(), 2), (1, 2));
        assert_eq!(line_col(b"", 10), (1, 1));
    }
}
