//! The selected node in the page's URL (`#node=<name>`), so a link opens the same node. Pure
//! encoding and decoding; the page reads and writes the hash through [`crate::platform`].

/// The hash naming a node: `#node=` and the name, percent-encoded (letters, digits, `-._~/:`
/// stay as they are, so `/layer1/Conv` reads as itself).
pub fn node_hash(name: &str) -> String {
    let mut hash = String::with_capacity(name.len() + 6);
    hash.push_str("#node=");
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte) {
            hash.push(char::from(byte));
        } else {
            hash.push_str(&format!("%{byte:02X}"));
        }
    }
    hash
}

/// The node a hash names (`#node=...`, among other `&`-separated parts), decoded; `None` when
/// it names none or is not valid percent-encoded UTF-8.
pub fn node_from_hash(hash: &str) -> Option<String> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let encoded = hash
        .split('&')
        .find_map(|part| part.strip_prefix("node="))?;
    let name = percent_decode(encoded)?;
    (!name.is_empty()).then_some(name)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        if bytes[idx] == b'%' {
            let hex = std::str::from_utf8(bytes.get(idx + 1..idx + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            idx += 3;
        } else {
            out.push(bytes[idx]);
            idx += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_the_hash() {
        for name in [
            "/layer1/layer1.0/conv1/Conv",
            "conv 1 & relu=2 #3 %4",
            "節點_ß",
            "a+b?c",
        ] {
            let hash = node_hash(name);
            assert!(
                !hash[1..].contains(['#', '&', ' ', '?']),
                "{hash} is not one hash part"
            );
            assert_eq!(node_from_hash(&hash).as_deref(), Some(name), "{hash}");
        }
        assert_eq!(node_hash("/conv1/Conv"), "#node=/conv1/Conv");
        assert_eq!(node_hash("a b"), "#node=a%20b");
    }

    #[test]
    fn other_hashes_name_no_node() {
        assert_eq!(node_from_hash(""), None);
        assert_eq!(node_from_hash("#"), None);
        assert_eq!(node_from_hash("#node="), None);
        assert_eq!(node_from_hash("#top"), None);
        assert_eq!(node_from_hash("#node=%zz"), None);
        assert_eq!(node_from_hash("#node=%e2%82"), None, "cut UTF-8");
        assert_eq!(
            node_from_hash("#x=1&node=relu_1").as_deref(),
            Some("relu_1")
        );
        // Browsers may hand the hash back with characters encoded they need not have.
        assert_eq!(
            node_from_hash("#node=%2Fconv1%2FConv").as_deref(),
            Some("/conv1/Conv")
        );
    }
}
