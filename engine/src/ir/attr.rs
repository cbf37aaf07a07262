//! Typed node attributes, one enum for every source format.

use serde::{Deserialize, Serialize};

use super::{ConstValue, DType, Shape};

/// A named attribute of a node. Kept as a list (not a map) so the source order is preserved for
/// display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attr {
    pub name: String,
    pub value: AttrValue,
}

/// Shape, type and size of a tensor held in an attribute (ONNX `Constant.value`, TF `Const`),
/// never its payload, apart from small integer values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorMeta {
    pub dtype: DType,
    pub shape: Shape,
    pub byte_size: Option<u64>,
    pub value: Option<ConstValue>,
}

/// Attribute values. `Graph` holds an index into the owning graph's `subgraphs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AttrValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    String(String),
    Ints(Vec<i64>),
    Floats(Vec<f64>),
    Strings(Vec<String>),
    Bools(Vec<bool>),
    DType(DType),
    DTypes(Vec<DType>),
    Shape(Shape),
    Shapes(Vec<Shape>),
    Tensor(TensorMeta),
    Tensors(Vec<TensorMeta>),
    Graph(usize),
    Graphs(Vec<usize>),
    IntLists(Vec<Vec<i64>>),
    /// A value the IR does not model, described in words (e.g. an ONNX type proto).
    Other(String),
}

impl AttrValue {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            AttrValue::Int(value) => Some(*value),
            AttrValue::Bool(value) => Some(*value as i64),
            _ => None,
        }
    }

    pub fn as_ints(&self) -> Option<&[i64]> {
        match self {
            AttrValue::Ints(values) => Some(values),
            _ => None,
        }
    }

    pub fn as_float(&self) -> Option<f64> {
        match self {
            AttrValue::Float(value) => Some(*value),
            AttrValue::Int(value) => Some(*value as f64),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::String(value) => Some(value),
            _ => None,
        }
    }

    /// Short human-readable form for tables and tooltips; long lists are elided.
    pub fn display(&self) -> String {
        const MAX_ITEMS: usize = 16;
        fn list<T: std::fmt::Display>(items: &[T]) -> String {
            let mut text = String::from("[");
            for (idx, item) in items.iter().take(MAX_ITEMS).enumerate() {
                if idx > 0 {
                    text.push_str(", ");
                }
                text.push_str(&item.to_string());
            }
            if items.len() > MAX_ITEMS {
                text.push_str(&format!(", … ({} items)", items.len()));
            }
            text.push(']');
            text
        }
        fn tensor(meta: &TensorMeta) -> String {
            match &meta.value {
                Some(value) => format!("{} {} = {}", meta.dtype, meta.shape, value.display()),
                None => format!("{} {}", meta.dtype, meta.shape),
            }
        }
        match self {
            AttrValue::Int(value) => value.to_string(),
            AttrValue::Float(value) => value.to_string(),
            AttrValue::Bool(value) => value.to_string(),
            AttrValue::String(value) => format!("\"{value}\""),
            AttrValue::Ints(values) => list(values),
            AttrValue::Floats(values) => list(values),
            AttrValue::Strings(values) => list(
                &values
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>(),
            ),
            AttrValue::Bools(values) => list(values),
            AttrValue::DType(value) => value.to_string(),
            AttrValue::DTypes(values) => list(values),
            AttrValue::Shape(shape) => shape.to_string(),
            AttrValue::Shapes(shapes) => list(shapes),
            AttrValue::Tensor(meta) => tensor(meta),
            AttrValue::Tensors(metas) => list(&metas.iter().map(tensor).collect::<Vec<_>>()),
            AttrValue::Graph(idx) => format!("subgraph #{idx}"),
            AttrValue::Graphs(idxs) => {
                list(&idxs.iter().map(|i| format!("#{i}")).collect::<Vec<_>>())
            }
            AttrValue::IntLists(lists) => list(&lists.iter().map(|l| list(l)).collect::<Vec<_>>()),
            AttrValue::Other(text) => text.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_elides_long_lists() {
        let value = AttrValue::Ints((0..20).collect());
        let text = value.display();
        assert!(text.starts_with("[0, 1, 2"), "{text}");
        assert!(text.ends_with(", … (20 items)]"), "{text}");
        assert_eq!(AttrValue::Strings(vec!["a".into()]).display(), "[\"a\"]");
    }
}
