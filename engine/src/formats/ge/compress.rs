//! GE attribute compression ("enum attrs"), undone while a decoded `ModelDef` is converted.
//!
//! ATC (`--enable_attr_compression`, on by default) replaces op and tensor-desc attribute keys
//! by a NUL byte followed by base-127 digits (least significant first, each stored as digit + 1)
//! that index the model attribute `attr_name_enum`. For names flagged in `attrs_use_string_value`
//! a string value becomes an int index into `attr_value_enum` and a string list a list of such
//! ints. The marker is `om_compress_version` = 1 (shared/design/om-format.md 6.3, GE
//! `enum_attr_utils.cc` and `model_compress_manager.cc`). Netron shows such files with garbled
//! keys; restored through the [`Dictionary`], they read like uncompressed ones. Only op
//! attributes are restored: tensor-desc attributes are not read by the converter.

use bytes::Bytes;

use super::pb;

pub(crate) const VERSION_KEY: &str = "om_compress_version";
pub(crate) const NAMES_KEY: &str = "attr_name_enum";
pub(crate) const VALUES_KEY: &str = "attr_value_enum";
pub(crate) const USE_STRING_KEY: &str = "attrs_use_string_value";

/// Each digit holds one of 127 values (a byte of 1..=127, so no digit is NUL).
const BASE: u64 = 127;

/// The compressed key for name index `index`.
pub(crate) fn encode_key(index: usize) -> String {
    let mut key = String::from('\0');
    let mut rest = index as u64;
    loop {
        // Digits are 1..=127: ASCII, so the key stays valid UTF-8.
        key.push(char::from((rest % BASE) as u8 + 1));
        rest /= BASE;
        if rest == 0 {
            return key;
        }
    }
}

/// The name index of a compressed key; `None` for a plain key, `Some(None)` for a key that starts
/// like a compressed one but is not well formed.
fn decode_key(key: &str) -> Option<Option<usize>> {
    let digits = key.strip_prefix('\0')?;
    // Five digits already exceed any real dictionary (127^5 names).
    if digits.is_empty() || digits.len() > 5 {
        return Some(None);
    }
    let mut value = 0u64;
    let mut scale = 1u64;
    for byte in digits.bytes() {
        if !(1..=127).contains(&byte) {
            return Some(None);
        }
        value += u64::from(byte - 1) * scale;
        scale *= BASE;
    }
    Some(usize::try_from(value).ok())
}

/// The dictionary of a compressed model, consulted while its attributes are converted.
pub(super) struct Dictionary {
    names: Vec<String>,
    values: Vec<Bytes>,
    use_string: Vec<bool>,
}

/// What restoring one attribute key found.
pub(super) enum Restored {
    /// A plain key, left as it was.
    Plain(String),
    /// A compressed key, now its name.
    Name(String),
    /// A compressed key that does not index the dictionary: a placeholder name.
    Bad(String),
}

impl Dictionary {
    /// Takes the dictionary attributes out of `def`; `None` when the model is not compressed.
    pub(super) fn take_from(
        def: &mut pb::ModelDef,
        file: &str,
        warnings: &mut Vec<String>,
    ) -> Option<Dictionary> {
        let version = def.attr.remove(VERSION_KEY);
        let names = def.attr.remove(NAMES_KEY);
        let values = def.attr.remove(VALUES_KEY);
        let use_string = def.attr.remove(USE_STRING_KEY);
        if version.is_none() && names.is_none() {
            return None;
        }
        let list = |attr: Option<pb::AttrDef>| match attr.and_then(|a| a.value) {
            Some(pb::attr_def::Value::List(list)) => list,
            _ => pb::attr_def::ListValue::default(),
        };
        if let Some(pb::attr_def::Value::I(version)) = version.and_then(|v| v.value) {
            if version != 1 {
                warnings.push(format!(
                    "{file}: model attribute {VERSION_KEY} is {version}; only version 1 is known, decompressed as version 1"
                ));
            }
        }
        let dictionary = Dictionary {
            names: list(names)
                .s
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect(),
            values: list(values).s,
            use_string: list(use_string).b,
        };
        if dictionary.use_string.len() != dictionary.names.len() {
            warnings.push(format!(
                "{file}: model attribute {USE_STRING_KEY} has {} entries for {} names in {NAMES_KEY}; names without an entry keep their values as stored",
                dictionary.use_string.len(),
                dictionary.names.len()
            ));
        }
        Some(dictionary)
    }

    pub(super) fn summary(&self, keys_restored: usize) -> String {
        format!(
            "{} names, {} values, {keys_restored} keys restored",
            self.names.len(),
            self.values.len()
        )
    }

    /// The real name of `key`, with the string values of `value` restored when the dictionary
    /// says the name holds strings. Value indices outside the dictionary are left as numbers and
    /// reported in `problems`.
    pub(super) fn restore(
        &self,
        key: String,
        value: &mut pb::AttrDef,
        problems: &mut Vec<String>,
    ) -> Restored {
        let Some(index) = decode_key(&key) else {
            return Restored::Plain(key);
        };
        let Some(name) = index.and_then(|i| self.names.get(i)) else {
            return Restored::Bad(format!(
                "compressed_attr_{}",
                index.map_or(-1, |i| i as i64)
            ));
        };
        if index.and_then(|i| self.use_string.get(i)) == Some(&true) {
            self.restore_strings(value, name, problems);
        }
        Restored::Name(name.clone())
    }

    fn restore_strings(&self, value: &mut pb::AttrDef, name: &str, problems: &mut Vec<String>) {
        use pb::attr_def::list_value::ListValueType;
        use pb::attr_def::Value;
        let values = &self.values;
        match &mut value.value {
            Some(Value::I(index)) => match usize::try_from(*index).ok().and_then(|i| values.get(i)) {
                Some(text) => value.value = Some(Value::S(text.clone())),
                None => problems.push(format!(
                    "attribute `{name}`: value index {index} is not in {VALUES_KEY} ({} entries); kept as a number",
                    values.len()
                )),
            },
            Some(Value::List(list)) if list.s.is_empty() => {
                let restored: Option<Vec<Bytes>> = list
                    .i
                    .iter()
                    .map(|&i| usize::try_from(i).ok().and_then(|i| values.get(i)).cloned())
                    .collect();
                match restored {
                    Some(strings) => {
                        list.s = strings;
                        list.i.clear();
                        list.val_type = ListValueType::VtListString as i32;
                    }
                    None => problems.push(format!(
                        "attribute `{name}`: a value index is not in {VALUES_KEY} ({} entries); kept as numbers",
                        values.len()
                    )),
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_base_127() {
        for index in [0usize, 1, 126, 127, 128, 127 * 127, 1_000_000] {
            let key = encode_key(index);
            assert_eq!(decode_key(&key), Some(Some(index)), "{index}");
        }
        assert_eq!(encode_key(0), "\0\u{1}");
        assert_eq!(encode_key(127), "\0\u{1}\u{2}");
        assert_eq!(decode_key("strides"), None);
        assert_eq!(decode_key("\0"), Some(None));
        assert_eq!(decode_key("\0\u{1}\u{1}\u{1}\u{1}\u{1}\u{1}"), Some(None));
    }
}
