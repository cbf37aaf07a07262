//! Op-level helpers the architecture writers lack, for fixtures of single ops with chosen
//! attributes and dtypes (the rule tests, `engine/tests/rules_*.rs`): any ONNX or TensorFlow op
//! with any attributes, a TensorFlow constant of any dtype and shape, a Caffe `Interp` sized by
//! `height`/`width`, the dtypes of an ONNX file's values, and small GE graphs built op by op.
//!
//! The writers' protobuf types stay private to the crate; these helpers take plain values
//! ([`FixtureAttr`], [`DType`]) so integration tests can use them.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use prost::Message;

use super::caffe_writer::layer as caffe_layer;
use super::{CaffeWriter, GeModel, OnnxWriter, TfWriter};
use crate::formats::{caffe, ge, onnx, tensorflow as tf};
use crate::ir::DType;

/// An attribute value, written in the form each format uses.
#[derive(Debug, Clone, PartialEq)]
pub enum FixtureAttr {
    Int(i64),
    Ints(Vec<i64>),
    Float(f32),
    Str(String),
    Bool(bool),
    /// An element type (TF `T`, ONNX `Cast.to`, GE `dst_type`).
    Type(DType),
}

impl FixtureAttr {
    pub fn str(value: &str) -> FixtureAttr {
        FixtureAttr::Str(value.to_string())
    }
}

// ---- ONNX ----

/// The ONNX `TensorProto.DataType` code of a dtype (0, UNDEFINED, for types ONNX lacks).
pub fn onnx_dtype_code(dtype: DType) -> i32 {
    match dtype {
        DType::F32 => 1,
        DType::U8 => 2,
        DType::I8 => 3,
        DType::U16 => 4,
        DType::I16 => 5,
        DType::I32 => 6,
        DType::I64 => 7,
        DType::String => 8,
        DType::Bool => 9,
        DType::F16 => 10,
        DType::F64 => 11,
        DType::U32 => 12,
        DType::U64 => 13,
        DType::BF16 => 16,
        _ => 0,
    }
}

fn onnx_attr(name: &str, value: &FixtureAttr) -> onnx::pb::AttributeProto {
    use onnx::pb::attribute_proto::AttributeType as T;
    let mut attr = onnx::pb::AttributeProto {
        name: Some(name.to_string()),
        ..Default::default()
    };
    let kind = match value {
        FixtureAttr::Int(v) => {
            attr.i = Some(*v);
            T::Int
        }
        FixtureAttr::Bool(v) => {
            attr.i = Some(i64::from(*v));
            T::Int
        }
        FixtureAttr::Type(dtype) => {
            attr.i = Some(i64::from(onnx_dtype_code(*dtype)));
            T::Int
        }
        FixtureAttr::Ints(v) => {
            attr.ints = v.clone();
            T::Ints
        }
        FixtureAttr::Float(v) => {
            attr.f = Some(*v);
            T::Float
        }
        FixtureAttr::Str(v) => {
            attr.s = Some(Bytes::copy_from_slice(v.as_bytes()));
            T::String
        }
    };
    attr.r#type = Some(kind as i32);
    attr
}

impl OnnxWriter {
    /// Adds one `op_type` node with `attrs` and one output of shape `out`; returns the output.
    /// An empty input name is an omitted optional input (Resize's `roi` and `scales`).
    pub fn op(
        &mut self,
        op_type: &str,
        inputs: &[&str],
        out: Vec<i64>,
        attrs: &[(&str, FixtureAttr)],
    ) -> String {
        let attrs = attrs
            .iter()
            .map(|(name, value)| onnx_attr(name, value))
            .collect();
        self.node(op_type, inputs, &[out], attrs)
            .pop()
            .unwrap_or_default()
    }
}

/// The ONNX file `model` with the element types of the named values changed: graph inputs,
/// outputs and value_info entries get `dtype` (the writer types every value float32).
/// Initializers keep theirs, so their payloads stay consistent. Unreadable bytes come back
/// unchanged.
pub fn onnx_with_dtypes(model: &[u8], dtypes: &[(&str, DType)]) -> Vec<u8> {
    let Ok(mut proto) = onnx::pb::ModelProto::decode(model) else {
        return model.to_vec();
    };
    let dtype_of = |name: &Option<String>| {
        dtypes
            .iter()
            .find(|(n, _)| Some(*n) == name.as_deref())
            .map(|&(_, dtype)| onnx_dtype_code(dtype))
    };
    if let Some(graph) = proto.graph.as_mut() {
        let values = graph
            .input
            .iter_mut()
            .chain(graph.output.iter_mut())
            .chain(graph.value_info.iter_mut());
        for value in values {
            let Some(code) = dtype_of(&value.name) else {
                continue;
            };
            if let Some(onnx::pb::type_proto::Value::TensorType(tensor)) =
                value.r#type.as_mut().and_then(|t| t.value.as_mut())
            {
                tensor.elem_type = Some(code);
            }
        }
    }
    proto.encode_to_vec()
}

// ---- TensorFlow ----

fn tf_dtype(dtype: DType) -> tf::pb::DataType {
    use tf::pb::DataType as T;
    match dtype {
        DType::F32 => T::DtFloat,
        DType::F64 => T::DtDouble,
        DType::F16 => T::DtHalf,
        DType::BF16 => T::DtBfloat16,
        DType::I8 => T::DtInt8,
        DType::U8 => T::DtUint8,
        DType::I16 => T::DtInt16,
        DType::I32 => T::DtInt32,
        DType::I64 => T::DtInt64,
        DType::Bool => T::DtBool,
        _ => T::DtInvalid,
    }
}

fn tf_attr(value: &FixtureAttr) -> tf::pb::AttrValue {
    use tf::pb::attr_value::Value as V;
    let value = match value {
        FixtureAttr::Int(v) => V::I(*v),
        FixtureAttr::Ints(v) => V::List(tf::pb::attr_value::ListValue {
            i: v.clone(),
            ..Default::default()
        }),
        FixtureAttr::Float(v) => V::F(*v),
        FixtureAttr::Str(v) => V::S(Bytes::copy_from_slice(v.as_bytes())),
        FixtureAttr::Bool(v) => V::B(*v),
        FixtureAttr::Type(dtype) => V::Type(tf_dtype(*dtype) as i32),
    };
    tf::pb::AttrValue { value: Some(value) }
}

impl TfWriter {
    /// Adds one `op` node named `base` (under the scope) with `attrs`; `shapes` are its outputs'
    /// shapes. Returns the node name.
    pub fn op(
        &mut self,
        op: &str,
        base: &str,
        inputs: &[&str],
        attrs: &[(&str, FixtureAttr)],
        shapes: &[Vec<i64>],
    ) -> String {
        let attrs = attrs
            .iter()
            .map(|(name, value)| (*name, tf_attr(value)))
            .collect();
        self.node(op, base, inputs, attrs, shapes)
    }

    /// A `Const` of `dtype` and shape `dims` holding `values` (float types take them as floats,
    /// integer types truncate them); a single value fills the shape, as TensorFlow's splats do.
    pub fn typed_constant(
        &mut self,
        base: &str,
        dtype: DType,
        dims: &[i64],
        values: &[f64],
    ) -> String {
        let mut tensor = tf::pb::TensorProto {
            dtype: tf_dtype(dtype) as i32,
            tensor_shape: Some(tf::pb::TensorShapeProto {
                dim: dims
                    .iter()
                    .map(|&size| tf::pb::tensor_shape_proto::Dim {
                        size,
                        name: String::new(),
                    })
                    .collect(),
                unknown_rank: false,
            }),
            ..Default::default()
        };
        match dtype {
            DType::F64 => tensor.double_val = values.to_vec(),
            DType::F32 | DType::F16 | DType::BF16 => {
                tensor.float_val = values.iter().map(|&v| v as f32).collect();
            }
            DType::I64 => tensor.int64_val = values.iter().map(|&v| v as i64).collect(),
            _ => tensor.int_val = values.iter().map(|&v| v as i32).collect(),
        }
        let value = tf::pb::AttrValue {
            value: Some(tf::pb::attr_value::Value::Tensor(tensor)),
        };
        let attrs = vec![
            ("dtype", tf_attr(&FixtureAttr::Type(dtype))),
            ("value", value),
        ];
        self.node("Const", base, &[], attrs, &[dims.to_vec()])
    }
}

// ---- Caffe ----

impl CaffeWriter {
    /// An `Interp` layer resizing `x` to `height`×`width` (`interp_param { height width }`).
    pub fn interp(&mut self, name: &str, x: &str, height: i64, width: i64) -> String {
        let mut shape = self.shape(x);
        if shape.len() == 4 {
            shape[2] = height;
            shape[3] = width;
        }
        let layer = caffe::pb::LayerParameter {
            interp_param: Some(caffe::pb::InterpParameter {
                height: i32::try_from(height).ok(),
                width: i32::try_from(width).ok(),
                ..Default::default()
            }),
            ..caffe_layer(name, "Interp", &[x], &[name])
        };
        self.layer(layer, shape)
    }
}

// ---- GE ----

fn ge_dtype(dtype: DType) -> ge::pb::DataType {
    use ge::pb::DataType as T;
    match dtype {
        DType::F32 => T::DtFloat,
        DType::F16 => T::DtFloat16,
        DType::BF16 => T::DtBf16,
        DType::F64 => T::DtDouble,
        DType::I8 => T::DtInt8,
        DType::U8 => T::DtUint8,
        DType::I16 => T::DtInt16,
        DType::U16 => T::DtUint16,
        DType::I32 => T::DtInt32,
        DType::U32 => T::DtUint32,
        DType::I64 => T::DtInt64,
        DType::U64 => T::DtUint64,
        DType::Bool => T::DtBool,
        _ => T::DtUndefined,
    }
}

/// The C++ `ge::DataType` number GE attributes of kind `dt` use (`DType::from_ge_code`'s inverse).
fn ge_cpp_dtype(dtype: DType) -> i64 {
    (0..64)
        .find(|&code| DType::from_ge_code(code) == dtype)
        .unwrap_or(28)
}

fn ge_attr(value: &FixtureAttr) -> ge::pb::AttrDef {
    use ge::pb::attr_def::Value as V;
    let value = match value {
        FixtureAttr::Int(v) => V::I(*v),
        FixtureAttr::Ints(v) => V::List(ge::pb::attr_def::ListValue {
            i: v.clone(),
            val_type: ge::pb::attr_def::list_value::ListValueType::VtListInt as i32,
            ..Default::default()
        }),
        FixtureAttr::Float(v) => V::F(*v),
        FixtureAttr::Str(v) => V::S(Bytes::copy_from_slice(v.as_bytes())),
        FixtureAttr::Bool(v) => V::B(*v),
        FixtureAttr::Type(dtype) => V::Dt(ge_cpp_dtype(*dtype)),
    };
    ge::pb::AttrDef { value: Some(value) }
}

/// A tensor as a GE desc states it: dtype, dims and layout (`NCHW`, `NC1HWC0`, `ND`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct GeDesc {
    pub dtype: DType,
    pub dims: Vec<i64>,
    pub layout: String,
}

impl GeDesc {
    pub fn new(dtype: DType, dims: &[i64], layout: &str) -> GeDesc {
        GeDesc {
            dtype,
            dims: dims.to_vec(),
            layout: layout.to_string(),
        }
    }

    fn proto(&self) -> ge::pb::TensorDescriptor {
        let bits = self.dtype.bits().unwrap_or(8);
        let count: i64 = self.dims.iter().product();
        let bytes = (count.max(0) as u64 * bits).div_ceil(8) as i64;
        ge::pb::TensorDescriptor {
            dtype: ge_dtype(self.dtype) as i32,
            shape: Some(ge::pb::ShapeDef {
                dim: self.dims.clone(),
            }),
            layout: self.layout.clone(),
            size: (bytes + 31) / 32 * 32 + 32,
            ..Default::default()
        }
    }
}

/// A GE graph written op by op, with every tensor's desc stated: what `DUMP_GE_GRAPH` shows
/// before (`NCHW` everywhere) or after ATC's format passes (`NC1HWC0`, `TransData` nodes).
pub struct GeGraphWriter {
    name: String,
    graph: ge::pb::GraphDef,
    descs: HashMap<String, ge::pb::TensorDescriptor>,
    next_id: i64,
    /// Graph inputs so far (`Data.index`).
    inputs: i64,
}

impl GeGraphWriter {
    pub fn new(name: &str) -> GeGraphWriter {
        GeGraphWriter {
            name: name.to_string(),
            graph: ge::pb::GraphDef {
                name: name.to_string(),
                ..Default::default()
            },
            descs: HashMap::new(),
            next_id: 0,
            inputs: 0,
        }
    }

    /// Adds an op; inputs are tensors `op:k` (their descs become the op's input descs). Returns
    /// the op's output tensors.
    pub fn op(
        &mut self,
        name: &str,
        op_type: &str,
        inputs: &[&str],
        outputs: &[GeDesc],
        attrs: &[(&str, FixtureAttr)],
    ) -> Vec<String> {
        let id = self.next_id;
        self.next_id += 1;
        let outputs: Vec<ge::pb::TensorDescriptor> = outputs.iter().map(GeDesc::proto).collect();
        let names: Vec<String> = (0..outputs.len()).map(|k| format!("{name}:{k}")).collect();
        for (tensor, desc) in names.iter().zip(&outputs) {
            self.descs.insert(tensor.clone(), desc.clone());
        }
        self.graph.op.push(ge::pb::OpDef {
            name: name.to_string(),
            r#type: op_type.to_string(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            attr: attrs
                .iter()
                .map(|(key, value)| (key.to_string(), ge_attr(value)))
                .collect(),
            id,
            input_desc: inputs
                .iter()
                .map(|t| self.descs.get(*t).cloned().unwrap_or_default())
                .collect(),
            output_desc: outputs,
            ..Default::default()
        });
        names
    }

    /// A graph input (`Data`).
    pub fn data(&mut self, name: &str, desc: GeDesc) -> String {
        let index = self.inputs;
        self.inputs += 1;
        self.op(
            name,
            "Data",
            &[],
            &[desc],
            &[("index", FixtureAttr::Int(index))],
        )
        .remove(0)
    }

    /// A `Const` weight whose `value` carries the desc (not the bytes), as ATC leaves them;
    /// `values` (small constants) are stored little-endian so the importer keeps them.
    pub fn constant(&mut self, name: &str, desc: GeDesc, values: &[f64]) -> String {
        let mut value_desc = desc.proto();
        let data: Vec<u8> = match desc.dtype {
            DType::F32 => values
                .iter()
                .flat_map(|&v| (v as f32).to_le_bytes())
                .collect(),
            DType::F64 => values.iter().flat_map(|&v| v.to_le_bytes()).collect(),
            DType::I64 => values
                .iter()
                .flat_map(|&v| (v as i64).to_le_bytes())
                .collect(),
            DType::I32 => values
                .iter()
                .flat_map(|&v| (v as i32).to_le_bytes())
                .collect(),
            _ => Vec::new(),
        };
        value_desc.weight_size = desc
            .dims
            .iter()
            .product::<i64>()
            .saturating_mul(desc.dtype.bits().unwrap_or(8) as i64)
            / 8;
        let value = ge::pb::AttrDef {
            value: Some(ge::pb::attr_def::Value::T(ge::pb::TensorDef {
                desc: Some(value_desc.clone()),
                data: Bytes::from(data),
            })),
        };
        let id = self.next_id;
        self.next_id += 1;
        let tensor = format!("{name}:0");
        self.descs.insert(tensor.clone(), value_desc.clone());
        self.graph.op.push(ge::pb::OpDef {
            name: name.to_string(),
            r#type: "Const".to_string(),
            attr: [("value".to_string(), value)].into_iter().collect(),
            id,
            output_desc: vec![value_desc],
            ..Default::default()
        });
        tensor
    }

    /// Ends the graph with a `NetOutput` reading `outputs`.
    pub fn finish(mut self, outputs: &[&str]) -> GeModel {
        self.op("NetOutput", "NetOutput", outputs, &[], &[]);
        let mut attr = BTreeMap::new();
        attr.insert(
            "soc_version".to_string(),
            ge_attr(&FixtureAttr::str("Ascend310")),
        );
        GeModel::from_def(ge::pb::ModelDef {
            name: self.name,
            version: 1,
            graph: vec![self.graph],
            attr,
            ..Default::default()
        })
    }
}
