//! What a rule sees of one node (its inputs' facts and its attributes) and what it returns.

use std::cell::Cell;

use crate::ir::{AttrValue, ConstValue, DType, Dim, Graph, ModelFormat, Node, Shape, Tensor};

/// What a rule learns about one output. `value` holds the contents of small integer tensors as
/// dims, so that a symbolic batch size can flow through `Shape → Gather → Concat → Reshape`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Fact {
    pub dtype: DType,
    pub shape: Option<Shape>,
    pub value: Option<Vec<Dim>>,
}

impl Fact {
    pub(crate) fn new(dtype: DType, shape: Option<Shape>) -> Fact {
        Fact {
            dtype,
            shape,
            value: None,
        }
    }

    /// A 1-D (or scalar, when `scalar`) integer tensor whose contents are known.
    pub(crate) fn ints(dtype: DType, value: Vec<Dim>, scalar: bool) -> Fact {
        let shape = if scalar {
            Shape::default()
        } else {
            Shape::from_known(&[value.len() as i64])
        };
        Fact {
            dtype,
            shape: Some(shape),
            value: Some(value),
        }
    }
}

/// The node under inference and everything known so far about its inputs.
pub(crate) struct Ctx<'a> {
    pub format: ModelFormat,
    /// Version of the default ONNX operator set (`i64::MAX` when the model declares none, so the
    /// newest behaviour applies); unused for other formats.
    pub opset: i64,
    pub node: &'a Node,
    pub(super) graph: &'a Graph,
    /// Integer contents inferred so far, by tensor id.
    pub(super) values: &'a [Option<Vec<Dim>>],
    /// Set when an attribute exists but has a type the rule cannot read: the rule would
    /// otherwise fall back to the default as if it were absent, so the driver drops its shapes.
    pub(super) confused: Cell<bool>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn n_inputs(&self) -> usize {
        self.node.inputs.len()
    }

    pub(crate) fn n_outputs(&self) -> usize {
        self.node.outputs.len()
    }

    pub(crate) fn tensor(&self, idx: usize) -> Option<&'a Tensor> {
        let id = (*self.node.inputs.get(idx)?)?;
        self.graph.tensors.get(id)
    }

    /// Slots of the inputs that are data, not stored weights (Caffe blobs ride along as extra
    /// inputs of their layer).
    pub(crate) fn data_inputs(&self) -> Vec<usize> {
        (0..self.n_inputs())
            .filter(|&idx| self.tensor(idx).is_some_and(|t| !t.is_weight()))
            .collect()
    }

    pub(crate) fn shape(&self, idx: usize) -> Option<&'a Shape> {
        self.tensor(idx)?.shape.as_ref()
    }

    pub(crate) fn dims(&self, idx: usize) -> Option<&'a [Dim]> {
        self.shape(idx).map(|s| s.0.as_slice())
    }

    pub(crate) fn rank(&self, idx: usize) -> Option<usize> {
        self.shape(idx).map(Shape::rank)
    }

    pub(crate) fn dtype(&self, idx: usize) -> DType {
        self.tensor(idx).map(|t| t.dtype).unwrap_or_default()
    }

    pub(crate) fn layout(&self, idx: usize) -> Option<&'a str> {
        self.tensor(idx)?.layout.as_deref()
    }

    /// Integer contents of input `idx` (inferred, or stated by the file), as dims.
    pub(crate) fn value(&self, idx: usize) -> Option<Vec<Dim>> {
        let id = (*self.node.inputs.get(idx)?)?;
        if let Some(Some(value)) = self.values.get(id) {
            return Some(value.clone());
        }
        match self.graph.tensors.get(id)?.value.as_ref()? {
            ConstValue::Ints(values) => Some(values.iter().map(|&v| Dim::Known(v)).collect()),
            ConstValue::Floats(_) => None,
        }
    }

    /// Integer contents of input `idx` when every element is known.
    pub(crate) fn value_ints(&self, idx: usize) -> Option<Vec<i64>> {
        self.value(idx)?.iter().map(Dim::known).collect()
    }

    /// One integer of input `idx` (a scalar or one-element tensor).
    pub(crate) fn value_int(&self, idx: usize) -> Option<i64> {
        match self.value_ints(idx)?.as_slice() {
            [v] => Some(*v),
            _ => None,
        }
    }

    /// Float contents of input `idx` (integers converted).
    pub(crate) fn value_floats(&self, idx: usize) -> Option<Vec<f64>> {
        match self.tensor(idx)?.value.as_ref() {
            Some(ConstValue::Floats(values)) => Some(values.clone()),
            _ => Some(self.value_ints(idx)?.iter().map(|&v| v as f64).collect()),
        }
    }

    pub(crate) fn attr(&self, name: &str) -> Option<&'a AttrValue> {
        self.node.attr(name)
    }

    /// `read` applied to attribute `name`; an attribute that is there but unreadable marks the
    /// node as confusing (see `confused`).
    fn typed<T>(&self, name: &str, read: impl FnOnce(&'a AttrValue) -> Option<T>) -> Option<T> {
        let value = self.attr(name)?;
        let res = read(value);
        if res.is_none() {
            self.confused.set(true);
        }
        res
    }

    /// An integer attribute: an int, a bool, or a one-element list.
    pub(crate) fn attr_int(&self, name: &str) -> Option<i64> {
        self.typed(name, |value| match value {
            AttrValue::Ints(values) if values.len() == 1 => Some(values[0]),
            AttrValue::Float(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Some(*v as i64),
            other => other.as_int(),
        })
    }

    /// A list of integers; a single int counts as a one-element list (Caffe writes repeated
    /// fields either way).
    pub(crate) fn attr_ints(&self, name: &str) -> Option<Vec<i64>> {
        self.typed(name, |value| match value {
            AttrValue::Ints(values) => Some(values.clone()),
            AttrValue::Int(value) => Some(vec![*value]),
            AttrValue::Shape(shape) => shape.known_dims(),
            AttrValue::Tensor(meta) => match &meta.value {
                Some(ConstValue::Ints(values)) => Some(values.clone()),
                _ => None,
            },
            _ => None,
        })
    }

    pub(crate) fn attr_floats(&self, name: &str) -> Option<Vec<f64>> {
        self.typed(name, |value| match value {
            AttrValue::Floats(values) => Some(values.clone()),
            AttrValue::Float(value) => Some(vec![*value]),
            AttrValue::Ints(values) => Some(values.iter().map(|&v| v as f64).collect()),
            AttrValue::Int(value) => Some(vec![*value as f64]),
            _ => None,
        })
    }

    pub(crate) fn attr_str(&self, name: &str) -> Option<&'a str> {
        self.typed(name, AttrValue::as_str)
    }

    /// A boolean attribute written as a bool, an int, or the text `true`/`false`.
    pub(crate) fn attr_bool(&self, name: &str) -> Option<bool> {
        self.typed(name, |value| match value {
            AttrValue::Bool(v) => Some(*v),
            AttrValue::Int(v) => Some(*v != 0),
            AttrValue::String(v) => match v.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        })
    }

    /// An element-type attribute: a dtype, or the format's integer code for one.
    pub(crate) fn attr_dtype(&self, name: &str) -> Option<DType> {
        self.typed(name, |value| match value {
            AttrValue::DType(dtype) => Some(*dtype),
            AttrValue::Int(code) => match self.format {
                ModelFormat::Onnx => DType::from_onnx_code(*code).known(),
                ModelFormat::Ge => DType::from_ge_code(*code).known(),
                ModelFormat::Tensorflow | ModelFormat::Caffe => None,
            },
            _ => None,
        })
    }

    /// The dtype outputs inherit: that of the first data input.
    pub(crate) fn first_dtype(&self) -> DType {
        self.dtype(0)
    }

    /// One output shaped `shape`, typed like the first input.
    pub(crate) fn out(&self, shape: Option<Vec<Dim>>) -> Vec<Fact> {
        vec![Fact::new(self.first_dtype(), shape.map(Shape))]
    }
}
