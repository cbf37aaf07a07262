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
    let total = file.data.len();
    let mut buf = file.data.clone();
    let mut message = M::default();
    message.merge(&mut buf).map_err(|err| {
        let offset = (total - buf.remaining()) as u64;
        let (path, expected) = explain_decode_error(&err);
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
    })?;
    Ok(message)
}

/// Splits prost's "failed to decode Protobuf message: A.b: C.d: reason" into the field path
/// `C.d > A.b` (outermost first, long paths elided in the middle) and what the reader expected.
/// The path is empty when the decoder gives none (reflective decoding).
pub(crate) fn explain_decode_error(err: &prost::DecodeError) -> (String, String) {
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
        parts.push(head);
        rest = tail;
    }
    parts.reverse();
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
