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
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
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
    let odd_text = head
        .iter()
        .skip(1)
        .step_by(2)
        .all(|b| b.is_ascii() && *b != 0);
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

/// Exact fast path for plain decimals (`-12.345`): a mantissa below 2^53 and at most 22 decimal
/// places make `mantissa / 10^places` one correctly rounded division of two exact values
/// (Clinger's fast path), so the result equals `str::parse`. Anything else returns `None`.
#[inline]
fn fast_decimal(cell: &[u8]) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let (negative, digits) = match cell {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, cell),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut places: Option<usize> = None;
    for (idx, &byte) in digits.iter().enumerate() {
        match byte {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(byte - b'0'),
            b'.' if places.is_none() && idx > 0 && idx + 1 < digits.len() => {
                places = Some(digits.len() - idx - 1)
            }
            _ => return None,
        }
    }
    if mantissa >= 1 << 53 {
        return None;
    }
    let value = mantissa as f64 / POW10[places.unwrap_or(0)];
    Some(if negative { -value } else { value })
}

/// A finite number, `Ok(None)` for a missing cell.
pub(crate) fn parse_f64(raw: &[u8]) -> Result<Option<f64>, NotANumber> {
    let cell = trim_cell(raw);
    if let Some(value) = fast_decimal(cell) {
        return Ok(Some(value));
    }
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
        assert_eq!(
            trim_cell(b"1736408883704643.212\t"),
            b"1736408883704643.212"
        );
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
    fn fast_decimals_equal_the_standard_parser() {
        let cells = [
            "0",
            "-0",
            "1",
            "6.54",
            "0.8",
            "53.741",
            "79.295",
            "0.000001",
            "-4.5",
            "123456789.123456",
            "9007199254740991",
            "9007199254740993",
            "1736408883704643.212",
            "1e5",
            ".5",
            "5.",
            "1.2.3",
            "12345678901234567890",
            "0.1234567890123456789012",
        ];
        for cell in cells {
            let standard = cell.parse::<f64>().ok();
            assert_eq!(
                parse_f64(cell.as_bytes()).ok().flatten(),
                standard,
                "{cell}"
            );
        }
        assert_eq!(fast_decimal(b"1736408883704643.212"), None);
        assert_eq!(fast_decimal(b"6.54"), Some(6.54));
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
