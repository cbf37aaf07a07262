//! Binary protobuf decoding with errors a person can act on (byte offset, field path, what was
//! expected), shared by every binary protobuf reader.

use bytes::Buf;
use prost::Message;

use crate::error::{ImportError, Location};
use crate::formats::InputFile;

/// Decodes the whole file as `M`. The buffer is the file's own `Bytes`, so `bytes` fields are
/// zero-copy slices of it; on failure the offset is where the decoder stopped.
pub(crate) fn decode_binary<M: Message + Default>(
    file: &InputFile,
    format: &'static str,
) -> Result<M, ImportError> {
    decode_part(file, format, &file.data, &[])
}

/// Decodes one part of a file left undecoded by its container (`part`, a zero-copy slice of
/// `file.data`, as lazy `bytes` fields are; the whole file for [`decode_binary`]). An error says
/// where: the offset in the file, and the field path with the containers' fields (`outer`,
/// outermost first, as prost names them: `("ModelProto", "graph")`) in front.
pub(crate) fn decode_part<M: Message + Default>(
    file: &InputFile,
    format: &'static str,
    part: &bytes::Bytes,
    outer: &[(&'static str, &'static str)],
) -> Result<M, ImportError> {
    let mut buf = part.clone();
    M::decode(&mut buf).map_err(|err| {
        // Where the part starts in the file: it is a slice of the file's buffer.
        let start = (part.as_ptr() as usize)
            .checked_sub(file.data.as_ptr() as usize)
            .filter(|start| *start <= file.data.len())
            .unwrap_or(0);
        let offset = (start + part.len() - buf.remaining()) as u64;
        let (path, expected) = explain_decode_error_within(&err, outer);
        let mut location = Location::byte(offset);
        if !path.is_empty() {
            location = location.with_path(path);
        }
        ImportError::Malformed {
            file: file.name.clone(),
            format,
            location,
            expected,
        }
    })
}

/// Splits prost's "failed to decode Protobuf message: A.b: C.d: reason" into the field path
/// `C.d > A.b` (outermost first, long paths elided in the middle) and what the reader expected.
/// The path is empty when the decoder gives none (reflective decoding).
pub(crate) fn explain_decode_error(err: &prost::DecodeError) -> (String, String) {
    explain_decode_error_within(err, &[])
}

/// [`explain_decode_error`] for a message decoded on its own from inside `outer` (the fields
/// that hold it, outermost first), whose path then starts with them.
fn explain_decode_error_within(
    err: &prost::DecodeError,
    outer: &[(&'static str, &'static str)],
) -> (String, String) {
    let text = err.to_string();
    let text = text
        .strip_prefix("failed to decode Protobuf message: ")
        .unwrap_or(&text);
    // Field names (`Message.field`) come first, innermost first; the rest is the reason, which
    // may itself hold ": " ("invalid wire type: Varint (expected LengthDelimited)").
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some((head, tail)) = rest.split_once(": ") {
        if head.contains(' ') || !head.contains('.') {
            break;
        }
        // Our lazily decoded twins (`LazyModelProto`) are the schema's messages to the user.
        parts.push(head.strip_prefix("Lazy").unwrap_or(head));
        rest = tail;
    }
    parts.reverse();
    let outer: Vec<String> = outer
        .iter()
        .map(|(message, field)| format!("{message}.{field}"))
        .collect();
    let parts: Vec<&str> = outer
        .iter()
        .map(String::as_str)
        .chain(parts.iter().copied())
        .collect();
    const KEEP_EACH_END: usize = 4;
    let path = if parts.len() > 2 * KEEP_EACH_END + 1 {
        let hidden = parts.len() - 2 * KEEP_EACH_END;
        format!(
            "{} > … {hidden} more … > {}",
            parts[..KEEP_EACH_END].join(" > "),
            parts[parts.len() - KEEP_EACH_END..].join(" > ")
        )
    } else {
        parts.join(" > ")
    };
    let expected = match rest {
        "buffer underflow" => {
            "more bytes: the data ends inside a field, or a length prefix points \
                               past its end (truncated download?)"
                .to_string()
        }
        "recursion limit reached" => {
            "at most 100 levels of nested messages (graphs or values nested too deeply)".to_string()
        }
        "invalid varint" => "a valid variable-length integer".to_string(),
        reason if reason.starts_with("invalid wire type") => {
            format!("a field encoded as the schema says ({reason})")
        }
        reason if reason.starts_with("invalid tag value") => {
            format!("a valid field tag ({reason})")
        }
        reason if reason.contains("UTF-8") || reason.starts_with("invalid string value") => {
            format!("UTF-8 text ({reason})")
        }
        reason => reason.to_string(),
    };
    (path, expected)
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;

    #[derive(Clone, PartialEq, prost::Message)]
    struct Inner {
        #[prost(string, optional, tag = "3")]
        name: Option<String>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    struct Outer {
        #[prost(message, repeated, tag = "1")]
        inner: Vec<Inner>,
    }

    #[test]
    fn path_outermost_first_and_reason_with_colons() {
        // inner { name (field 3) sent as a varint }
        let err = Outer::decode(&[0x0a, 0x02, 0x18, 0x05][..]).err().unwrap();
        let (path, expected) = explain_decode_error(&err);
        assert_eq!(path, "Outer.inner > Inner.name");
        assert_eq!(
            expected,
            "a field encoded as the schema says (invalid wire type: Varint (expected LengthDelimited))"
        );
        let err = Outer::decode(&[0x0a, 0x09, 0x18][..]).err().unwrap();
        let (path, expected) = explain_decode_error(&err);
        assert_eq!(path, "Outer.inner");
        assert!(expected.starts_with("more bytes"), "{expected}");
    }
}
