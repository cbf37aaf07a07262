//! Numbers as people read them: times, shares, counts, sizes and the zoom. Pure.

/// The zoom as people read it: `100%`, `7%`, `0.4%`, `0.04%`.
pub fn format_zoom(scale: f64) -> String {
    let percent = scale * 100.0;
    if percent >= 1.0 {
        format!("{percent:.0}%")
    } else if percent >= 0.1 {
        format!("{percent:.1}%")
    } else {
        format!("{percent:.2}%")
    }
}

/// `1.2 MB`, `36 kB`, `512 B`.
pub fn format_bytes(n_bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n_bytes < 1000 {
        return format!("{n_bytes} B");
    }
    let mut value = n_bytes as f64;
    let mut unit = "B";
    for candidate in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = candidate;
    }
    if value < 10.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// `1,234,567`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let head = digits.len() % 3;
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    out.push_str(&digits[..head]);
    for group in digits.as_bytes()[head..].chunks(3) {
        if !out.is_empty() {
            out.push(',');
        }
        out.extend(group.iter().map(|&b| char::from(b)));
    }
    out
}

/// A duration given in microseconds, in the unit people read best: `850 us`, `12.4 ms`,
/// `3.21 s`.
pub fn format_us(us: f64) -> String {
    if !us.is_finite() {
        return "–".to_string();
    }
    let abs = us.abs();
    if abs >= 1e6 {
        format!("{:.2} s", us / 1e6)
    } else if abs >= 1e4 {
        format!("{:.1} ms", us / 1e3)
    } else if abs >= 1e3 {
        format!("{:.2} ms", us / 1e3)
    } else if abs >= 100.0 {
        format!("{us:.0} us")
    } else if abs >= 1.0 {
        format!("{us:.1} us")
    } else {
        format!("{us:.2} us")
    }
}

/// A duration given in microseconds, in milliseconds: `1.36 ms`, `9,381.2 ms`, `0.012 ms`.
pub fn format_ms(us: f64) -> String {
    let ms = us / 1000.0;
    let decimals = if ms.abs() >= 10.0 {
        1
    } else if ms.abs() >= 0.1 {
        2
    } else {
        3
    };
    format!("{} ms", group_thousands(ms, decimals))
}

/// `value` with `decimals` decimals and its integer part grouped by thousands.
fn group_thousands(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let int = format_count(int.parse().unwrap_or(0));
    let sign = if value < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// A number of microseconds for a table cell: two decimals (three below 1 us), thousands
/// grouped, so a column lines up.
pub fn format_us_cell(us: f64) -> String {
    let decimals = if us.abs() < 1.0 && us != 0.0 { 3 } else { 2 };
    group_thousands(us, decimals)
}

/// A share (0 to 1) as a percentage: `45.6%`, `0.12%`, `<0.01%`.
pub fn format_share(share: f64) -> String {
    let pct = share * 100.0;
    if !pct.is_finite() {
        "–".to_string()
    } else if pct == 0.0 {
        "0%".to_string()
    } else if pct < 0.01 {
        "<0.01%".to_string()
    } else if pct < 10.0 {
        format!("{pct:.2}%")
    } else {
        format!("{pct:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_is_formatted_for_people() {
        assert_eq!(format_zoom(1.0), "100%");
        assert_eq!(format_zoom(0.0712), "7%");
        assert_eq!(format_zoom(0.0042), "0.4%");
        assert_eq!(format_zoom(0.00042), "0.04%");
    }

    #[test]
    fn bytes_are_formatted_for_people() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(36088), "36 kB");
        assert_eq!(format_bytes(1_234_567), "1.2 MB");
    }

    #[test]
    fn times_and_shares_are_formatted_for_people() {
        assert_eq!(format_us(850.0), "850 us");
        assert_eq!(format_us(12_400.0), "12.4 ms");
        assert_eq!(format_us(3_210_000.0), "3.21 s");
        assert_eq!(format_us(1.25), "1.2 us");
        assert_eq!(format_us_cell(1234.5678), "1,234.57");
        assert_eq!(format_us_cell(53.741), "53.74");
        assert_eq!(format_us_cell(6.5), "6.50");
        assert_eq!(format_us_cell(0.25), "0.250");
        assert_eq!(format_share(0.4567), "45.7%");
        assert_eq!(format_share(0.012), "1.20%");
        assert_eq!(format_share(0.00001), "<0.01%");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_ms(1360.0), "1.36 ms");
        assert_eq!(format_ms(9_381_234.0), "9,381.2 ms");
        assert_eq!(format_ms(12.0), "0.012 ms");
        assert_eq!(format_ms(45_600.0), "45.6 ms");
        assert_eq!(format_count(12), "12");
    }
}
