//! Tensor shapes with known, symbolic and unknown dimensions.

use serde::{Deserialize, Serialize};

/// One dimension. Symbolic dims (`batch`, `seq_len`) are kept by name so the viewer can show them
/// and shape inference can carry them through unchanged. In JSON a dim is a number, a name, or
/// `"?"` for unknown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dim {
    Known(i64),
    Symbolic(String),
    /// The format said "some size" without a value or name (ONNX dim with neither field, TF -1).
    Unknown,
}

impl Serialize for Dim {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Dim::Known(value) => s.serialize_i64(*value),
            Dim::Symbolic(name) => s.serialize_str(name),
            Dim::Unknown => s.serialize_str("?"),
        }
    }
}

impl<'de> Deserialize<'de> for Dim {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Dim, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Known(i64),
            Named(String),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Known(value) => Dim::Known(value),
            Raw::Named(name) if name == "?" => Dim::Unknown,
            Raw::Named(name) => Dim::Symbolic(name),
        })
    }
}

impl Dim {
    pub fn known(self: &Dim) -> Option<i64> {
        match self {
            Dim::Known(value) => Some(*value),
            _ => None,
        }
    }
}

impl std::fmt::Display for Dim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dim::Known(value) => write!(f, "{value}"),
            Dim::Symbolic(name) => f.write_str(name),
            Dim::Unknown => f.write_str("?"),
        }
    }
}

/// A shape of known rank. An unknown rank is `Option<Shape>::None` at the tensor.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Shape(pub Vec<Dim>);

impl Shape {
    pub fn from_known(dims: &[i64]) -> Shape {
        Shape(dims.iter().map(|&d| Dim::Known(d)).collect())
    }

    pub fn rank(&self) -> usize {
        self.0.len()
    }

    /// All dims as numbers when every one is known.
    pub fn known_dims(&self) -> Option<Vec<i64>> {
        self.0.iter().map(Dim::known).collect()
    }

    /// Number of elements when every dim is known and non-negative; saturates instead of
    /// overflowing because sizes come from untrusted files.
    pub fn element_count(&self) -> Option<u64> {
        self.0.iter().try_fold(1u64, |acc, dim| match dim {
            Dim::Known(value) if *value >= 0 => Some(acc.saturating_mul(*value as u64)),
            _ => None,
        })
    }
}

/// Writes `value` in decimal at the start of `out`; the length written, or `None` when it does not
/// fit.
fn write_decimal(value: i64, out: &mut [u8]) -> Option<usize> {
    let mut digits = [0u8; 20];
    let mut magnitude = value.unsigned_abs();
    let mut n = 0;
    loop {
        digits[n] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        n += 1;
        if magnitude == 0 {
            break;
        }
    }
    let sign = usize::from(value < 0);
    let out = out.get_mut(..n + sign)?;
    if sign == 1 {
        out[0] = b'-';
    }
    for (slot, digit) in out[sign..].iter_mut().zip(digits[..n].iter().rev()) {
        *slot = *digit;
    }
    Some(n + sign)
}

impl Shape {
    /// `[1,64,56,56]` built in a stack buffer, so the view of a 100,000-node graph (a shape per
    /// port and edge) does not go through the formatter dim by dim; `None` when it is too long.
    fn write_compact<'a>(&self, buf: &'a mut [u8; 96]) -> Option<&'a str> {
        let mut len = 0;
        let mut push = |bytes: &[u8], len: &mut usize| -> Option<()> {
            buf.get_mut(*len..*len + bytes.len())?
                .copy_from_slice(bytes);
            *len += bytes.len();
            Some(())
        };
        push(b"[", &mut len)?;
        for (idx, dim) in self.0.iter().enumerate() {
            if idx > 0 {
                push(b",", &mut len)?;
            }
            match dim {
                Dim::Known(value) => {
                    let mut digits = [0u8; 21];
                    let n = write_decimal(*value, &mut digits)?;
                    push(&digits[..n], &mut len)?;
                }
                Dim::Symbolic(name) => push(name.as_bytes(), &mut len)?,
                Dim::Unknown => push(b"?", &mut len)?,
            }
        }
        push(b"]", &mut len)?;
        std::str::from_utf8(&buf[..len]).ok()
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = [0u8; 96];
        if let Some(text) = self.write_compact(&mut buf) {
            return f.write_str(text);
        }
        f.write_str("[")?;
        for (idx, dim) in self.0.iter().enumerate() {
            if idx > 0 {
                f.write_str(",")?;
            }
            write!(f, "{dim}")?;
        }
        f.write_str("]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_count() {
        let shape = Shape(vec![Dim::Symbolic("N".into()), Dim::Known(3), Dim::Unknown]);
        assert_eq!(shape.to_string(), "[N,3,?]");
        assert_eq!(
            Shape::from_known(&[1, -1, 0, i64::MIN, i64::MAX]).to_string(),
            format!("[1,-1,0,{},{}]", i64::MIN, i64::MAX)
        );
        assert_eq!(Shape::from_known(&[]).to_string(), "[]");
        // Too long for the stack buffer: the formatter's way, same text.
        let long: Vec<i64> = (1_000_000_000..1_000_000_020).collect();
        let expected = format!(
            "[{}]",
            long.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(Shape::from_known(&long).to_string(), expected);
        assert_eq!(shape.element_count(), None);
        assert_eq!(Shape::from_known(&[2, 3, 4]).element_count(), Some(24));
        assert_eq!(Shape::from_known(&[]).element_count(), Some(1));
        assert_eq!(Shape::from_known(&[2, -1]).element_count(), None);
        assert_eq!(
            Shape::from_known(&[i64::MAX, i64::MAX]).element_count(),
            Some(u64::MAX)
        );
    }

    #[test]
    fn json_form_round_trips() {
        let shape = Shape(vec![Dim::Symbolic("N".into()), Dim::Known(3), Dim::Unknown]);
        let text = serde_json::to_string(&shape).unwrap();
        assert_eq!(text, r#"["N",3,"?"]"#);
        let back: Shape = serde_json::from_str(&text).unwrap();
        assert_eq!(back, shape);
    }
}
