//! A small ONNX model writer over the same prost types the importer reads, so samples, test
//! fixtures and benchmark inputs are real ONNX files made by code, not binary blobs in the repo.

use std::collections::HashMap;

use bytes::Bytes;
use prost::Message;

use crate::formats::onnx::pb;

/// How initializers carry their payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeightStorage {
    /// Payload in an external file (`location`), as large exports do: the model stays tiny but
    /// every initializer keeps its real dims and dtype.
    External { location: String },
    /// Zero-filled `raw_data` inside the model, to measure parsing of weight-heavy files.
    Inline,
}

pub struct OnnxWriter {
    graph: pb::GraphProto,
    shapes: HashMap<String, Vec<i64>>,
    symbolic_batch: Option<String>,
    storage: WeightStorage,
    external_offset: u64,
    scope: Vec<String>,
    counter: usize,
    opset: i64,
    inputs: Vec<String>,
    outputs: Vec<String>,
}

const FLOAT: i32 = pb::tensor_proto::DataType::Float as i32;
const INT64: i32 = pb::tensor_proto::DataType::Int64 as i32;

impl OnnxWriter {
    pub fn new(name: &str, storage: WeightStorage) -> OnnxWriter {
        OnnxWriter {
            graph: pb::GraphProto {
                name: Some(name.to_string()),
                ..Default::default()
            },
            shapes: HashMap::new(),
            symbolic_batch: None,
            storage,
            external_offset: 0,
            scope: Vec::new(),
            counter: 0,
            opset: 13,
            inputs: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// Writes the batch dimension of inputs and value_info as a named symbol (`N`).
    pub fn symbolic_batch(mut self, symbol: &str) -> OnnxWriter {
        self.symbolic_batch = Some(symbol.to_string());
        self
    }

    pub fn opset(mut self, version: i64) -> OnnxWriter {
        self.opset = version;
        self
    }

    pub fn push_scope(&mut self, name: &str) {
        self.scope.push(name.to_string());
    }

    pub fn pop_scope(&mut self) {
        self.scope.pop();
    }

    pub fn shape(&self, value: &str) -> Vec<i64> {
        self.shapes.get(value).cloned().unwrap_or_default()
    }

    pub fn input(&mut self, name: &str, dims: &[i64]) -> String {
        self.shapes.insert(name.to_string(), dims.to_vec());
        self.inputs.push(name.to_string());
        name.to_string()
    }

    pub fn output(&mut self, value: &str) {
        self.outputs.push(value.to_string());
    }

    /// Adds an initializer with the given dims (float unless `int64_values` is given).
    pub fn weight(&mut self, name: &str, dims: &[i64]) -> String {
        let count: i64 = dims.iter().product();
        let byte_len = (count.max(0) as u64) * 4;
        let mut tensor = pb::TensorProto {
            dims: dims.to_vec(),
            data_type: Some(FLOAT),
            name: Some(name.to_string()),
            ..Default::default()
        };
        match &self.storage {
            WeightStorage::External { location } => {
                let entry = |key: &str, value: String| pb::StringStringEntryProto {
                    key: Some(key.to_string()),
                    value: Some(value),
                };
                tensor.data_location = Some(pb::tensor_proto::DataLocation::External as i32);
                tensor.external_data = vec![
                    entry("location", location.clone()),
                    entry("offset", self.external_offset.to_string()),
                    entry("length", byte_len.to_string()),
                ];
                self.external_offset += byte_len;
            }
            WeightStorage::Inline => {
                tensor.raw_data = Some(Bytes::from(vec![0u8; byte_len as usize]));
            }
        }
        self.graph.initializer.push(tensor);
        self.shapes.insert(name.to_string(), dims.to_vec());
        name.to_string()
    }

    /// Adds a small int64 initializer whose values are stored inline (shape parameters).
    pub fn int64_constant(&mut self, name: &str, values: &[i64]) -> String {
        self.graph.initializer.push(pb::TensorProto {
            dims: vec![values.len() as i64],
            data_type: Some(INT64),
            name: Some(name.to_string()),
            raw_data: Some(Bytes::from(
                values
                    .iter()
                    .flat_map(|v| v.to_le_bytes())
                    .collect::<Vec<u8>>(),
            )),
            ..Default::default()
        });
        self.shapes
            .insert(name.to_string(), vec![values.len() as i64]);
        name.to_string()
    }

    /// Adds a float scalar initializer stored inline (Clip bounds and the like).
    pub fn float_scalar(&mut self, name: &str, value: f32) -> String {
        self.graph.initializer.push(pb::TensorProto {
            dims: vec![],
            data_type: Some(FLOAT),
            name: Some(name.to_string()),
            raw_data: Some(Bytes::from(value.to_le_bytes().to_vec())),
            ..Default::default()
        });
        self.shapes.insert(name.to_string(), vec![]);
        name.to_string()
    }

    /// Adds a node; returns its output value names. `out_shapes` become value_info entries.
    pub fn node(
        &mut self,
        op_type: &str,
        inputs: &[&str],
        out_shapes: &[Vec<i64>],
        attrs: Vec<pb::AttributeProto>,
    ) -> Vec<String> {
        self.counter += 1;
        let mut path = String::new();
        for part in &self.scope {
            path.push('/');
            path.push_str(part);
        }
        let name = format!("{path}/{op_type}_{}", self.counter);
        let outputs: Vec<String> = (0..out_shapes.len())
            .map(|idx| format!("{name}_output_{idx}"))
            .collect();
        for (out, shape) in outputs.iter().zip(out_shapes) {
            self.shapes.insert(out.clone(), shape.clone());
        }
        self.graph.node.push(pb::NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: outputs.clone(),
            name: Some(name),
            op_type: Some(op_type.to_string()),
            attribute: attrs,
            ..Default::default()
        });
        outputs
    }

    fn one(
        &mut self,
        op_type: &str,
        inputs: &[&str],
        shape: Vec<i64>,
        attrs: Vec<pb::AttributeProto>,
    ) -> String {
        let mut outputs = self.node(op_type, inputs, &[shape], attrs);
        outputs.pop().unwrap_or_default()
    }

    /// 2-D convolution with square kernel, symmetric padding, optional groups and bias.
    pub fn conv(
        &mut self,
        x: &str,
        out_channels: i64,
        kernel: i64,
        stride: i64,
        pad: i64,
        groups: i64,
    ) -> String {
        let shape = self.shape(x);
        let (n, c, h, w) = nchw(&shape);
        let oh = (h + 2 * pad - kernel) / stride + 1;
        let ow = (w + 2 * pad - kernel) / stride + 1;
        let idx = self.counter + 1;
        let weight_name = format!("{}conv{idx}.weight", self.scope_prefix());
        let bias_name = format!("{}conv{idx}.bias", self.scope_prefix());
        let weight = self.weight(
            &weight_name,
            &[out_channels, c / groups.max(1), kernel, kernel],
        );
        let bias = self.weight(&bias_name, &[out_channels]);
        let attrs = vec![
            ints("kernel_shape", &[kernel, kernel]),
            ints("strides", &[stride, stride]),
            ints("pads", &[pad, pad, pad, pad]),
            ints("dilations", &[1, 1]),
            int("group", groups),
        ];
        self.one(
            "Conv",
            &[x, &weight, &bias],
            vec![n, out_channels, oh, ow],
            attrs,
        )
    }

    pub fn relu(&mut self, x: &str) -> String {
        let shape = self.shape(x);
        self.one("Relu", &[x], shape, vec![])
    }

    /// ReLU6 as opset-11+ Clip with min/max inputs.
    pub fn relu6(&mut self, x: &str) -> String {
        let shape = self.shape(x);
        let low = self.float_scalar(&format!("clip_min_{}", self.counter + 1), 0.0);
        let high = self.float_scalar(&format!("clip_max_{}", self.counter + 1), 6.0);
        self.one("Clip", &[x, &low, &high], shape, vec![])
    }

    pub fn add(&mut self, a: &str, b: &str) -> String {
        let shape = self.shape(a);
        self.one("Add", &[a, b], shape, vec![])
    }

    pub fn batch_norm(&mut self, x: &str) -> String {
        let shape = self.shape(x);
        let channels = nchw(&shape).1;
        let idx = self.counter + 1;
        let prefix = self.scope_prefix();
        let names: Vec<String> = ["weight", "bias", "running_mean", "running_var"]
            .iter()
            .map(|p| self.weight(&format!("{prefix}bn{idx}.{p}"), &[channels]))
            .collect();
        let refs: Vec<&str> = std::iter::once(x)
            .chain(names.iter().map(String::as_str))
            .collect();
        self.one(
            "BatchNormalization",
            &refs,
            shape,
            vec![float("epsilon", 1e-5)],
        )
    }

    pub fn max_pool(&mut self, x: &str, kernel: i64, stride: i64, pad: i64) -> String {
        let shape = self.shape(x);
        let (n, c, h, w) = nchw(&shape);
        let oh = (h + 2 * pad - kernel) / stride + 1;
        let ow = (w + 2 * pad - kernel) / stride + 1;
        let attrs = vec![
            ints("kernel_shape", &[kernel, kernel]),
            ints("strides", &[stride, stride]),
            ints("pads", &[pad, pad, pad, pad]),
        ];
        self.one("MaxPool", &[x], vec![n, c, oh, ow], attrs)
    }

    pub fn global_average_pool(&mut self, x: &str) -> String {
        let (n, c, _, _) = nchw(&self.shape(x));
        self.one("GlobalAveragePool", &[x], vec![n, c, 1, 1], vec![])
    }

    pub fn flatten(&mut self, x: &str) -> String {
        let shape = self.shape(x);
        let rest: i64 = shape.iter().skip(1).product();
        let n = shape.first().copied().unwrap_or(1);
        self.one("Flatten", &[x], vec![n, rest], vec![int("axis", 1)])
    }

    /// Fully connected layer `x · Wᵀ + b`.
    pub fn gemm(&mut self, x: &str, out_features: i64) -> String {
        let shape = self.shape(x);
        let n = shape.first().copied().unwrap_or(1);
        let in_features = shape.get(1).copied().unwrap_or(1);
        let idx = self.counter + 1;
        let prefix = self.scope_prefix();
        let weight = self.weight(
            &format!("{prefix}fc{idx}.weight"),
            &[out_features, in_features],
        );
        let bias = self.weight(&format!("{prefix}fc{idx}.bias"), &[out_features]);
        self.one(
            "Gemm",
            &[x, &weight, &bias],
            vec![n, out_features],
            vec![float("alpha", 1.0), float("beta", 1.0), int("transB", 1)],
        )
    }

    pub fn concat(&mut self, xs: &[&str], axis: i64) -> String {
        let mut shape = self.shape(xs.first().copied().unwrap_or_default());
        let axis_idx = axis as usize;
        if axis_idx < shape.len() {
            shape[axis_idx] = xs
                .iter()
                .map(|x| self.shape(x).get(axis_idx).copied().unwrap_or(0))
                .sum();
        }
        self.one("Concat", xs, shape, vec![int("axis", axis)])
    }

    pub fn softmax(&mut self, x: &str) -> String {
        let shape = self.shape(x);
        self.one("Softmax", &[x], shape, vec![int("axis", -1)])
    }

    fn scope_prefix(&self) -> String {
        let mut prefix = String::new();
        for part in &self.scope {
            prefix.push_str(part);
            prefix.push('.');
        }
        prefix
    }

    fn value_info(&self, name: &str) -> pb::ValueInfoProto {
        let dims = self.shapes.get(name).cloned().unwrap_or_default();
        let dim = dims
            .iter()
            .enumerate()
            .map(|(idx, &d)| pb::tensor_shape_proto::Dimension {
                value: Some(match (&self.symbolic_batch, idx) {
                    (Some(symbol), 0) => {
                        pb::tensor_shape_proto::dimension::Value::DimParam(symbol.clone())
                    }
                    _ => pb::tensor_shape_proto::dimension::Value::DimValue(d),
                }),
                denotation: None,
            })
            .collect();
        pb::ValueInfoProto {
            name: Some(name.to_string()),
            r#type: Some(pb::TypeProto {
                value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                    elem_type: Some(FLOAT),
                    shape: Some(pb::TensorShapeProto { dim }),
                })),
                denotation: None,
            }),
            doc_string: None,
        }
    }

    /// The finished `ModelProto`, for callers that want to adjust it before encoding.
    pub fn into_proto(mut self) -> pb::ModelProto {
        self.graph.input = self.inputs.iter().map(|n| self.value_info(n)).collect();
        self.graph.output = self.outputs.iter().map(|n| self.value_info(n)).collect();
        let mut value_info = Vec::new();
        for node in &self.graph.node {
            for out in &node.output {
                if !self.outputs.contains(out) {
                    value_info.push(self.value_info(out));
                }
            }
        }
        self.graph.value_info = value_info;
        pb::ModelProto {
            ir_version: Some(8),
            opset_import: vec![pb::OperatorSetIdProto {
                domain: Some(String::new()),
                version: Some(self.opset),
            }],
            producer_name: Some("opscope-samples".to_string()),
            producer_version: Some(env!("CARGO_PKG_VERSION").to_string()),
            graph: Some(self.graph),
            ..Default::default()
        }
    }

    /// Bytes the weights written so far take in their external data file (0 when inline).
    pub fn external_bytes(&self) -> u64 {
        self.external_offset
    }

    pub fn finish(self) -> Vec<u8> {
        self.into_proto().encode_to_vec()
    }
}

fn nchw(shape: &[i64]) -> (i64, i64, i64, i64) {
    let get = |idx: usize| shape.get(idx).copied().unwrap_or(1);
    (get(0), get(1), get(2), get(3))
}

pub(crate) fn ints(name: &str, values: &[i64]) -> pb::AttributeProto {
    pb::AttributeProto {
        name: Some(name.to_string()),
        r#type: Some(pb::attribute_proto::AttributeType::Ints as i32),
        ints: values.to_vec(),
        ..Default::default()
    }
}

pub(crate) fn int(name: &str, value: i64) -> pb::AttributeProto {
    pb::AttributeProto {
        name: Some(name.to_string()),
        r#type: Some(pb::attribute_proto::AttributeType::Int as i32),
        i: Some(value),
        ..Default::default()
    }
}

pub(crate) fn float(name: &str, value: f32) -> pb::AttributeProto {
    pb::AttributeProto {
        name: Some(name.to_string()),
        r#type: Some(pb::attribute_proto::AttributeType::Float as i32),
        f: Some(value),
        ..Default::default()
    }
}
