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

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
