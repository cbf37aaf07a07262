//! GE graph dumps (`ge_proto_*.txt`): the protobuf text format of `ge.proto.ModelDef`, read by
//! the shared text-format reader (line and column in errors, unknown fields skipped with a
//! warning).

use super::convert::{self, Extras};
use super::pb;
use crate::error::ImportError;
use crate::formats::text::parse_text;
use crate::formats::{Confidence, InputFile};
use crate::ir::Model;

pub(super) fn import(file: &InputFile) -> Result<Model, ImportError> {
    let parsed = parse_text::<pb::ModelDef>(file, "GE graph dump", "ge.proto.ModelDef")?;
    Ok(convert::model(
        file,
        parsed.message,
        Extras {
            warnings: parsed.warnings,
            ..Extras::default()
        },
    ))
}

/// Top-level fields of a text `ModelDef`.
const MODEL_FIELDS: &[&str] = &[
    "name",
    "version",
    "custom_version",
    "graph",
    "attr",
    "attr_groups",
];

/// How much of the file sniffing looks at.
const SNIFF_WINDOW: usize = 64 * 1024;

/// Recognises a text `ModelDef` by its field names: only ModelDef fields at the top level, a
/// `graph` block among them, and `op` blocks inside it (TensorFlow pbtxt has `node` at the top,
/// Caffe `layer`, ONNX text `ir_version` and `node` inside its graph).
pub(super) fn sniff(data: &[u8]) -> Confidence {
    let window = &data[..data.len().min(SNIFF_WINDOW)];
    if window.contains(&0) {
        return 0;
    }
    let mut scan = Scan {
        bytes: window,
        pos: 0,
    };
    // Names of the enclosing blocks, outermost first.
    let mut stack: Vec<&[u8]> = Vec::new();
    let mut has_graph = false;
    let mut has_op = false;
    while let Some(token) = scan.next_token() {
        match token {
            Token::Open => stack.push(b""),
            // One brace too many: broken, but still ours; the parser will say where.
            Token::Close => {
                if stack.pop().is_none() {
                    break;
                }
            }
            Token::Ident(name) => {
                let opens_block = scan.field_opens_block();
                if stack.is_empty() {
                    if !MODEL_FIELDS.iter().any(|f| f.as_bytes() == name) {
                        return 0;
                    }
                    has_graph |= name == b"graph";
                } else if stack.len() == 1 && stack[0] == b"graph" {
                    if name == b"node" || name == b"initializer" {
                        return 0;
                    }
                    has_op |= name == b"op";
                }
                if opens_block {
                    stack.push(name);
                }
            }
            Token::Other => {}
        }
    }
    match (has_graph, has_op) {
        (true, true) => 85,
        (true, false) => 60,
        _ => 0,
    }
}

enum Token<'a> {
    Ident(&'a [u8]),
    Open,
    Close,
    Other,
}

/// A forgiving tokenizer over a window of text: enough to tell field names from values.
struct Scan<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scan<'a> {
    fn skip_space(&mut self) {
        while let Some(&byte) = self.bytes.get(self.pos) {
            if byte.is_ascii_whitespace() {
                self.pos += 1;
            } else if byte == b'#' {
                while self.bytes.get(self.pos).is_some_and(|&b| b != b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        self.skip_space();
        let &byte = self.bytes.get(self.pos)?;
        if byte.is_ascii_alphabetic() || byte == b'_' {
            let start = self.pos;
            while self
                .bytes
                .get(self.pos)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                self.pos += 1;
            }
            return Some(Token::Ident(&self.bytes[start..self.pos]));
        }
        if byte.is_ascii_digit() || b"-+.".contains(&byte) {
            while self
                .bytes
                .get(self.pos)
                .is_some_and(|b| b.is_ascii_alphanumeric() || b"-+._".contains(b))
            {
                self.pos += 1;
            }
            return Some(Token::Other);
        }
        self.pos += 1;
        match byte {
            b'{' | b'<' => Some(Token::Open),
            b'}' | b'>' => Some(Token::Close),
            b'"' | b'\'' => {
                while let Some(&b) = self.bytes.get(self.pos) {
                    self.pos += 1;
                    if b == b'\\' {
                        self.pos += 1;
                    } else if b == byte || b == b'\n' {
                        break;
                    }
                }
                Some(Token::Other)
            }
            _ => Some(Token::Other),
        }
    }

    /// After a field name: consumes `:` and a scalar value, or the `{` of a message; true for a
    /// message.
    fn field_opens_block(&mut self) -> bool {
        self.skip_space();
        if self.bytes.get(self.pos) == Some(&b':') {
            self.pos += 1;
            self.skip_space();
        }
        match self.bytes.get(self.pos) {
            Some(b'{' | b'<') => {
                self.pos += 1;
                true
            }
            // A scalar value (an enum name, a number, a string) or a `[` list, walked by the
            // caller.
            Some(b'[') => false,
            Some(_) => {
                let _ = self.next_token();
                false
            }
            None => false,
        }
    }
}
