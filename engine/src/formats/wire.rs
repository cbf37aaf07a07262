//! Minimal protobuf wire-format reader for sniffing: walks the top-level fields of a message
//! without decoding them, so detection costs a few dozen bytes of work, not a parse.

/// Wire types of the protobuf encoding.
pub(crate) const VARINT: u8 = 0;
pub(crate) const FIXED64: u8 = 1;
pub(crate) const LEN: u8 = 2;
pub(crate) const FIXED32: u8 = 5;

/// One top-level field: number, wire type, and the byte range of a LEN payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WireField {
    pub number: u32,
    pub wire_type: u8,
    pub payload: (usize, usize),
}

impl WireField {
    /// The field is one of `declared`, a message's `(field number, wire type)` table: what the
    /// sniffers check before trusting a prefix as their format.
    pub(crate) fn is_one_of(&self, declared: &[(u32, u8)]) -> bool {
        declared
            .iter()
            .any(|&(number, wire_type)| number == self.number && wire_type == self.wire_type)
    }
}

/// Reads the varint at `pos` and moves past it; `None` when it runs off the end or past 64 bits.
pub(crate) fn read_varint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *data.get(*pos)?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Iterates the top-level fields of `data`, stopping at the first malformed one (then yields
/// `None` as a final item so callers can tell a clean end from a broken one).
pub(crate) fn fields(data: &[u8]) -> impl Iterator<Item = Option<WireField>> + '_ {
    let mut pos = 0usize;
    let mut broken = false;
    std::iter::from_fn(move || {
        if broken || pos >= data.len() {
            return None;
        }
        let field = next_field(data, &mut pos);
        if field.is_none() {
            broken = true;
        }
        Some(field)
    })
}

/// The field starting at `at` when it is length-delimited and its payload runs past the end of
/// `data` (a truncated download): its number and the part of the payload that is there.
pub(crate) fn cut_len_field(data: &[u8], at: usize) -> Option<(u32, &[u8])> {
    let mut pos = at;
    let tag = read_varint(data, &mut pos)?;
    let number = u32::try_from(tag >> 3).ok().filter(|&n| n > 0)?;
    if (tag & 7) as u8 != LEN {
        return None;
    }
    let len = usize::try_from(read_varint(data, &mut pos)?).ok()?;
    let end = pos.saturating_add(len);
    (end > data.len()).then(|| (number, &data[pos.min(data.len())..]))
}

fn next_field(data: &[u8], pos: &mut usize) -> Option<WireField> {
    let tag = read_varint(data, pos)?;
    let number = u32::try_from(tag >> 3).ok().filter(|&n| n > 0)?;
    let wire_type = (tag & 7) as u8;
    let start = *pos;
    match wire_type {
        VARINT => {
            read_varint(data, pos)?;
        }
        FIXED64 => *pos = pos.checked_add(8).filter(|&p| p <= data.len())?,
        FIXED32 => *pos = pos.checked_add(4).filter(|&p| p <= data.len())?,
        LEN => {
            let len = usize::try_from(read_varint(data, pos)?).ok()?;
            let end = pos.checked_add(len).filter(|&p| p <= data.len())?;
            *pos = end;
            return Some(WireField {
                number,
                wire_type,
                payload: (end - len, end),
            });
        }
        _ => return None,
    }
    Some(WireField {
        number,
        wire_type,
        payload: (start, *pos),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_len_field_gives_what_is_there() {
        // field 1 varint 1, then field 2 claiming 5 bytes with 2 present.
        let data = [0x08, 0x01, 0x12, 0x05, b'a', b'b'];
        assert_eq!(cut_len_field(&data, 2), Some((2, &b"ab"[..])));
        // A whole field is not cut; a varint is not length-delimited.
        assert_eq!(cut_len_field(&[0x12, 0x01, b'a'], 0), None);
        assert_eq!(cut_len_field(&data, 0), None);
    }

    #[test]
    fn walks_fields_and_flags_breakage() {
        // field 1 varint 3, field 7 len 2 "ab"
        let data = [0x08, 0x03, 0x3a, 0x02, b'a', b'b'];
        let got: Vec<_> = fields(&data).collect();
        assert_eq!(
            got,
            vec![
                Some(WireField {
                    number: 1,
                    wire_type: VARINT,
                    payload: (1, 2)
                }),
                Some(WireField {
                    number: 7,
                    wire_type: LEN,
                    payload: (4, 6)
                }),
            ]
        );
        // length prefix past the end
        let data = [0x3a, 0x09, b'a'];
        assert_eq!(fields(&data).collect::<Vec<_>>(), vec![None]);
        // field number 0 is invalid
        assert_eq!(fields(&[0x00, 0x01]).collect::<Vec<_>>(), vec![None]);
    }
}
