//! Names the place of a decode error in a binary caffemodel: the reflective decoder only says
//! "buffer underflow", so the field path (`NetParameter.layer[3] > LayerParameter.blobs[1]`) is
//! rebuilt by walking the wire format with the descriptors down to the failing byte.

use prost_reflect::{Kind, MessageDescriptor};

use crate::formats::wire::{self, read_varint};

/// Deepest known message fields covering `offset`, from the outside in.
pub(super) fn path_at(data: &[u8], root: &MessageDescriptor, offset: usize) -> String {
    let mut parts = Vec::new();
    let mut descriptor = root.clone();
    let mut slice = data;
    let mut offset = offset;
    // Caffe's schema nests a handful of levels; the bound only guards against odd input.
    for _ in 0..16 {
        let Some(found) = field_covering(slice, offset) else {
            break;
        };
        let field = descriptor.get_field(found.number);
        let index = found.index;
        let name = field
            .as_ref()
            .map_or_else(|| format!("#{}", found.number), |f| f.name().to_string());
        let repeated = field.as_ref().is_some_and(|f| f.is_list());
        let message = display_name(&descriptor);
        parts.push(if repeated {
            format!("{message}.{name}[{index}]")
        } else {
            format!("{message}.{name}")
        });
        let inner = match field.as_ref().map(|f| f.kind()) {
            Some(Kind::Message(inner)) if found.wire_type == wire::LEN => inner,
            _ => break,
        };
        // A length that runs past the data is this field's own fault, not its contents'.
        let cut_short = found.claimed_end > slice.len();
        if offset < found.payload_start || (cut_short && offset == found.payload_start) {
            break;
        }
        let end = found.claimed_end.min(slice.len());
        slice = &slice[found.payload_start..end];
        offset -= found.payload_start;
        descriptor = inner;
    }
    parts.join(" > ")
}

/// The lenient views (`NetCore`, `LayerCore`, `V1LayerCore`) read the same bytes as the real
/// messages: name those, which is what people know.
fn display_name(descriptor: &MessageDescriptor) -> &str {
    match descriptor.name() {
        "NetCore" => "NetParameter",
        "LayerCore" => "LayerParameter",
        "V1LayerCore" => "V1LayerParameter",
        name => name,
    }
}

struct Covering {
    number: u32,
    wire_type: u8,
    /// How many earlier fields of the same number this message holds (the list index).
    index: usize,
    payload_start: usize,
    /// Where the payload ends by its length prefix; may lie past the data.
    claimed_end: usize,
}

/// The field of this message level whose bytes (header to claimed end) hold `offset`.
fn field_covering(data: &[u8], offset: usize) -> Option<Covering> {
    let mut pos = 0usize;
    let mut counts: Vec<(u32, usize)> = Vec::new();
    while pos < data.len() {
        let start = pos;
        let tag = read_varint(data, &mut pos)?;
        let number = u32::try_from(tag >> 3).ok()?;
        let wire_type = (tag & 7) as u8;
        let index = match counts.iter_mut().find(|(n, _)| *n == number) {
            Some((_, count)) => {
                *count += 1;
                *count - 1
            }
            None => {
                counts.push((number, 1));
                0
            }
        };
        let payload_start = pos;
        let claimed_end = match wire_type {
            wire::VARINT => {
                read_varint(data, &mut pos);
                pos
            }
            wire::FIXED64 => pos.saturating_add(8),
            wire::FIXED32 => pos.saturating_add(4),
            wire::LEN => {
                let len = read_varint(data, &mut pos).unwrap_or(u64::MAX);
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                pos.saturating_add(len)
            }
            _ => usize::MAX,
        };
        let payload_start = if wire_type == wire::LEN {
            pos
        } else {
            payload_start
        };
        if (start..claimed_end).contains(&offset) || claimed_end > data.len() {
            return Some(Covering {
                number,
                wire_type,
                index,
                payload_start,
                claimed_end,
            });
        }
        pos = claimed_end;
    }
    None
}
