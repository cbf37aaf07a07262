//! Text decoding and cell parsing shared by the CSV importers.

use std::borrow::Cow;

use crate::profile::error::{IssueSink, ProfileError};

/// The file's bytes as UTF-8-compatible text: a UTF-8 BOM is skipped (no copy); UTF-16 with a
/// BOM, or without one when the head is unmistakably UTF-16LE/BE ASCII, is converted (a copy, with
/// a note). Other non-UTF-8 bytes (e.g. Latin-1) stay as they are; the importers replace them per
/// cell and warn with the line number.
pub(crate) fn decode<'a>(
    file: &str,
    data: &'a [u8],
    sink: &mut IssueSink,
) -> Result<Cow<'a, [u8]>, ProfileError> {
    if let Some(rest) = data.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok(Cow::Borrowed(rest));
    }
    if data.starts_with(&[0xFF, 0xFE, 0, 0]) || data.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(ProfileError::Encoding {
            file: file.to_string(),
            detail: "the file is UTF-32 text; save it as UTF-8".to_string(),
        });
    }
    let utf16 = if let Some(rest) = data.strip_prefix(&[0xFF, 0xFE]) {
        Some((rest, true, "UTF-16LE with a byte-order mark"))
    } else if let Some(rest) = data.strip_prefix(&[0xFE, 0xFF]) {
        Some((rest, false, "UTF-16BE with a byte-order mark"))
    } else {
        match utf16_without_bom(data) {
            Some(true) => Some((data, true, "UTF-16LE without a byte-order mark")),
            Some(false) => Some((data, false, "UTF-16BE without a byte-order mark")),
            None => None,
        }
    };
    let Some((body, little, what)) = utf16 else {
        return Ok(Cow::Borrowed(data));
    };
    let units = body.chunks_exact(2).map(|pair| {
        if little {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut bad = 0usize;
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(ch) => text.push(ch),
            Err(_) => {
                bad += 1;
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    let mut note = format!("the file is {what}; converted to UTF-8");
    if bad > 0 {
        note.push_str(&format!(" ({bad} invalid code units replaced)"));
    }
    if body.len() % 2 == 1 {
        note.push_str(" (odd trailing byte dropped)");
    }
    sink.file_note(note);
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    Ok(Cow::Owned(text.into_bytes()))
}

/// `Some(little_endian)` when the first bytes look like ASCII text in UTF-16 (every other byte
/// zero), which no CSV or JSON in UTF-8 does.
fn utf16_without_bom(data: &[u8]) -> Option<bool> {
    let head = &data[..data.len().min(64) & !1];
    if head.len() < 8 {
        return None;
    }
    let even_zero = head.iter().step_by(2).all(|b| *b == 0);
    let odd_zero = head.iter().skip(1).step_by(2).all(|b| *b == 0);
    let even_text = head.iter().step_by(2).all(|b| b.is_ascii() && *b != 0);
    let odd_text = head.iter().skip(1).step_by(2).all(|b| b.is_ascii() && *b != 0);
    if odd_zero && even_text {
        Some(true)
    } else if even_zero && odd_text {
        Some(false)
    } else {
        None
    }
}

/// Whether the head of the data looks binary (NUL or most bytes non-text).
pub(crate) fn looks_binary(data: &[u8]) -> bool {
    let head = &data[..data.len().min(4096)];
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    control * 10 > head.len()
}

/// A cell with surrounding whitespace (the trailing TAB msprof writes after start times) and
/// stray quotes removed.
pub(crate) fn trim_cell(cell: &[u8]) -> &[u8] {
    let mut cell = cell.trim_ascii();
    while let [b'"', rest @ ..] = cell {
        cell = rest;
    }
    while let [rest @ .., b'"'] = cell {
        cell = rest;
    }
    cell.trim_ascii()
}

/// msprof writes `N/A` for missing values; other tools leave the cell empty.
pub(crate) fn is_missing(cell: &[u8]) -> bool {
    matches!(
        cell,
        b"" | b"N/A" | b"n/a" | b"NA" | b"NaN" | b"nan" | b"None" | b"null" | b"-"
    )
}

/// Why a cell did not parse as a number: the cell text for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotANumber(pub String);

/// A finite number, `Ok(None)` for a missing cell.
pub(crate) fn parse_f64(raw: &[u8]) -> Result<Option<f64>, NotANumber> {
    let cell = trim_cell(raw);
    if is_missing(cell) {
        return Ok(None);
    }
    let parsed = std::str::from_utf8(cell)
        .ok()
        .and_then(|text| text.parse::<f64>().ok())
        .filter(|value| value.is_finite());
    match parsed {
        Some(value) => Ok(Some(value)),
        None => Err(NotANumber(shorten(&String::from_utf8_lossy(cell)))),
    }
}

/// A non-negative integer that fits in `u32` (ids, block dims); `4294967295` (msprof's "none"
/// model id) fits. Accepts `48.0`.
pub(crate) fn parse_u32(raw: &[u8]) -> Result<Option<u32>, NotANumber> {
    let cell = trim_cell(raw);
    if is_missing(cell) {
        return Ok(None);
    }
    let text = std::str::from_utf8(cell).ok();
    if let Some(value) = text.and_then(|t| t.parse::<u32>().ok()) {
        return Ok(Some(value));
    }
    let as_float = text
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0 && v.fract() == 0.0 && *v <= f64::from(u32::MAX));
    match as_float {
        Some(value) => Ok(Some(value as u32)),
        None => Err(NotANumber(shorten(&String::from_utf8_lossy(cell)))),
    }
}

/// Cell text for messages, cut to a readable length.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_trim_tabs_quotes_and_na() {
        assert_eq!(trim_cell(b"1736408883704643.212\t"), b"1736408883704643.212");
        assert_eq!(trim_cell(b"\"32,3,224,224\""), b"32,3,224,224");
        assert_eq!(parse_f64(b"N/A"), Ok(None));
        assert_eq!(parse_f64(b" 6.54 "), Ok(Some(6.54)));
        assert_eq!(parse_f64(b"abc"), Err(NotANumber("abc".into())));
        assert_eq!(parse_f64(b"inf"), Err(NotANumber("inf".into())));
        assert_eq!(parse_u32(b"4294967295"), Ok(Some(u32::MAX)));
        assert_eq!(parse_u32(b"48.0"), Ok(Some(48)));
        assert_eq!(parse_u32(b"-1"), Err(NotANumber("-1".into())));
    }

    #[test]
    fn utf16_is_converted_and_utf8_bom_skipped() {
        let mut sink = IssueSink::new("f.csv");
        let decoded = decode("f.csv", b"\xEF\xBB\xBFa,b\n", &mut sink).unwrap_or_default();
        assert_eq!(&*decoded, b"a,b\n");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "Op Name,x\n".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode("f.csv", &utf16, &mut sink).unwrap_or_default();
        assert_eq!(&*decoded, b"Op Name,x\n");
        let issues = sink.finish();
        assert_eq!(issues.len(), 1);
        assert!(issues[0].message.contains("UTF-16LE"), "{issues:?}");
    }
}
