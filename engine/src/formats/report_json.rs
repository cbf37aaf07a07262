//! Recognises the JSON analysis report opscope writes (`opscope analyze --format json`, the
//! app's "Report (JSON)"), so a dropped report is reopened instead of read as a profile. By
//! content only: a JSON object whose head names `schema_version` and that holds the report's
//! `per_node`, `findings` and `hotspots` keys.

/// How far into the file `schema_version` must appear (opscope writes it as the first key).
const HEAD: usize = 64 * 1024;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether `data` is an opscope analysis report in JSON.
pub fn sniff(data: &[u8]) -> bool {
    let start = data.iter().position(|b| !b.is_ascii_whitespace());
    if start.and_then(|i| data.get(i)) != Some(&b'{') {
        return false;
    }
    let head = &data[..data.len().min(HEAD)];
    contains(head, b"\"schema_version\"")
        && [&b"\"per_node\""[..], b"\"findings\"", b"\"hotspots\""]
            .iter()
            .all(|key| contains(data, key))
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn a_report_is_told_from_other_json() {
        assert!(sniff(
            b" {\n \"schema_version\": 1, \"per_node\": [], \"findings\": [], \"hotspots\": []}"
        ));
        // A timeline, an om JSON, a profile summary: not reports.
        assert!(!sniff(b"[{\"name\": \"Conv\", \"ph\": \"X\"}]"));
        assert!(!sniff(b"{\"graph\": [{\"op\": []}], \"findings\": []}"));
        assert!(!sniff(b"{\"schema_version\": 1, \"hotspots\": []}"));
        assert!(!sniff(b""));
    }
}
