//! A TensorFlow GraphDef writer over the importer's prost types, so TF fixtures, samples and
//! benchmark inputs are real frozen graphs made by code. It writes the binary form with prost and
//! the text form (`.pbtxt`) with a small emitter of its own, in the layout TensorFlow's
//! `write_graph(as_text=True)` uses, so the text reader is tested against text it did not write.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use bytes::Bytes;
use prost::encoding::{encode_key, encode_varint, WireType};
use prost::Message;

use super::{mobilenet_v2_blocks, resnet50_blocks};
use crate::formats::tensorflow::pb;

/// How `Const` weights carry their payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TfWeights {
    /// Zero-filled `tensor_content` of the real size, as frozen graphs store weights.
    Content,
    /// One `float_val` that fills the shape (a splat): a small file whose weights keep their
    /// real shapes, for big samples and benchmarks.
    Splat,
}

/// Builds a frozen graph node by node, NHWC like TensorFlow's defaults, tracking static shapes.
pub struct TfWriter {
    graph: pb::GraphDef,
    shapes: HashMap<String, Vec<i64>>,
    weights: TfWeights,
    output_shapes: bool,
    scope: Vec<String>,
    names: HashMap<String, usize>,
}

/// A finished GraphDef, written as binary or as text.
#[derive(Debug, Clone)]
pub struct TfGraph {
    graph: pb::GraphDef,
}

const FLOAT: pb::DataType = pb::DataType::DtFloat;
const INT32: pb::DataType = pb::DataType::DtInt32;

impl TfWriter {
    pub fn new(weights: TfWeights) -> TfWriter {
        TfWriter {
            graph: pb::GraphDef {
                versions: Some(pb::VersionDef {
                    producer: 1205,
                    ..Default::default()
                }),
                ..Default::default()
            },
            shapes: HashMap::new(),
            weights,
            output_shapes: false,
            scope: Vec::new(),
            names: HashMap::new(),
        }
    }

    /// Writes `_output_shapes` on every node, as graphs exported with `add_shapes=True` have.
    pub fn with_output_shapes(mut self) -> TfWriter {
        self.output_shapes = true;
        self
    }

    pub fn push_scope(&mut self, name: &str) {
        self.scope.push(name.to_string());
    }

    pub fn pop_scope(&mut self) {
        self.scope.pop();
    }

    /// Static shape of a tensor written so far (empty when unknown).
    pub fn shape(&self, tensor: &str) -> Vec<i64> {
        self.shapes.get(tensor).cloned().unwrap_or_default()
    }

    pub fn finish(self) -> TfGraph {
        TfGraph { graph: self.graph }
    }

    /// A node name under the current scope, made unique the way TensorFlow does (`_1`, `_2`).
    fn unique(&mut self, base: &str) -> String {
        let mut name = self.scope.join("/");
        if !name.is_empty() {
            name.push('/');
        }
        name.push_str(base);
        let count = self.names.entry(name.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            name = format!("{name}_{}", *count - 1);
        }
        name
    }

    /// Adds a node named `base` under the scope; `shapes` are its outputs' shapes (slot order).
    pub(crate) fn node(
        &mut self,
        op: &str,
        base: &str,
        inputs: &[&str],
        mut attrs: Vec<(&str, pb::AttrValue)>,
        shapes: &[Vec<i64>],
    ) -> String {
        let name = self.unique(base);
        if self.output_shapes && !shapes.is_empty() {
            attrs.push((
                "_output_shapes",
                list(pb::attr_value::ListValue {
                    shape: shapes.iter().map(|s| shape_proto(s)).collect(),
                    ..Default::default()
                }),
            ));
        }
        if let Some(shape) = shapes.first() {
            self.shapes.insert(name.clone(), shape.clone());
        }
        self.graph.node.push(pb::NodeDef {
            name: name.clone(),
            op: op.to_string(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            attr: attrs
                .into_iter()
                .map(|(key, value)| (key.to_string(), value))
                .collect(),
            ..Default::default()
        });
        name
    }

    pub fn placeholder(&mut self, name: &str, dims: &[i64]) -> String {
        self.node(
            "Placeholder",
            name,
            &[],
            vec![("dtype", dtype(FLOAT)), ("shape", shape(dims))],
            &[dims.to_vec()],
        )
    }

    /// A float weight `Const` of the given shape, stored as the writer's [`TfWeights`] say.
    pub fn weight(&mut self, base: &str, dims: &[i64]) -> String {
        let count: i64 = dims.iter().product();
        let mut tensor = pb::TensorProto {
            dtype: FLOAT as i32,
            tensor_shape: Some(shape_proto(dims)),
            ..Default::default()
        };
        match self.weights {
            TfWeights::Content => {
                tensor.tensor_content = Bytes::from(vec![0u8; count.max(0) as usize * 4]);
            }
            TfWeights::Splat => tensor.float_val = vec![0.0],
        }
        self.constant(base, tensor, dims)
    }

    /// A small int32 `Const` (shape parameters, reduction axes), values in `tensor_content` as
    /// TensorFlow writes them.
    pub fn int32_constant(&mut self, base: &str, values: &[i32]) -> String {
        let dims = [values.len() as i64];
        let tensor = pb::TensorProto {
            dtype: INT32 as i32,
            tensor_shape: Some(shape_proto(&dims)),
            tensor_content: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ..Default::default()
        };
        self.constant(base, tensor, &dims)
    }

    fn constant(&mut self, base: &str, tensor: pb::TensorProto, dims: &[i64]) -> String {
        let dtype_code = tensor.dtype;
        self.node(
            "Const",
            base,
            &[],
            vec![
                (
                    "dtype",
                    pb::AttrValue {
                        value: Some(pb::attr_value::Value::Type(dtype_code)),
                    },
                ),
                (
                    "value",
                    pb::AttrValue {
                        value: Some(pb::attr_value::Value::Tensor(tensor)),
                    },
                ),
            ],
            &[dims.to_vec()],
        )
    }

    /// `Conv2D` with a `[k, k, in, filters]` weight, NHWC, `SAME` or `VALID` padding.
    pub fn conv2d(&mut self, x: &str, filters: i64, k: i64, stride: i64, padding: &str) -> String {
        let in_shape = self.shape(x);
        let channels = in_shape.get(3).copied().unwrap_or(0);
        let w = self.weight("weights", &[k, k, channels, filters]);
        let out = spatial(&in_shape, k, stride, padding, filters);
        self.node(
            "Conv2D",
            "Conv2D",
            &[x, &w],
            vec![
                ("T", dtype(FLOAT)),
                ("data_format", string("NHWC")),
                ("dilations", ints(&[1, 1, 1, 1])),
                ("explicit_paddings", ints(&[])),
                ("padding", string(padding)),
                ("strides", ints(&[1, stride, stride, 1])),
                ("use_cudnn_on_gpu", boolean(true)),
            ],
            &[out],
        )
    }

    /// `DepthwiseConv2dNative` with a `[k, k, in, 1]` filter.
    pub fn depthwise(&mut self, x: &str, k: i64, stride: i64, padding: &str) -> String {
        let in_shape = self.shape(x);
        let channels = in_shape.get(3).copied().unwrap_or(0);
        let w = self.weight("depthwise_weights", &[k, k, channels, 1]);
        let out = spatial(&in_shape, k, stride, padding, channels);
        self.node(
            "DepthwiseConv2dNative",
            "depthwise",
            &[x, &w],
            vec![
                ("T", dtype(FLOAT)),
                ("data_format", string("NHWC")),
                ("dilations", ints(&[1, 1, 1, 1])),
                ("padding", string(padding)),
                ("strides", ints(&[1, stride, stride, 1])),
            ],
            &[out],
        )
    }

    /// Inference-mode `FusedBatchNormV3` with its four per-channel constants.
    pub fn batch_norm(&mut self, x: &str) -> String {
        let in_shape = self.shape(x);
        let channels = in_shape.last().copied().unwrap_or(0);
        let params: Vec<String> = ["gamma", "beta", "moving_mean", "moving_variance"]
            .iter()
            .map(|base| self.weight(base, &[channels]))
            .collect();
        let c = vec![channels];
        self.node(
            "FusedBatchNormV3",
            "FusedBatchNormV3",
            &[x, &params[0], &params[1], &params[2], &params[3]],
            vec![
                ("T", dtype(FLOAT)),
                ("U", dtype(FLOAT)),
                ("data_format", string("NHWC")),
                ("epsilon", float(0.001)),
                ("exponential_avg_factor", float(1.0)),
                ("is_training", boolean(false)),
            ],
            &[in_shape, c.clone(), c.clone(), c.clone(), c, vec![]],
        )
    }

    pub fn bias_add(&mut self, x: &str) -> String {
        let in_shape = self.shape(x);
        let channels = in_shape.last().copied().unwrap_or(0);
        let b = self.weight("biases", &[channels]);
        self.node(
            "BiasAdd",
            "BiasAdd",
            &[x, &b],
            vec![("T", dtype(FLOAT)), ("data_format", string("NHWC"))],
            &[in_shape],
        )
    }

    pub fn unary(&mut self, op: &str, x: &str) -> String {
        let in_shape = self.shape(x);
        self.node(op, op, &[x], vec![("T", dtype(FLOAT))], &[in_shape])
    }

    pub fn relu(&mut self, x: &str) -> String {
        self.unary("Relu", x)
    }

    pub fn relu6(&mut self, x: &str) -> String {
        self.unary("Relu6", x)
    }

    pub fn add(&mut self, a: &str, b: &str) -> String {
        let out = self.shape(a);
        self.node("AddV2", "add", &[a, b], vec![("T", dtype(FLOAT))], &[out])
    }

    pub fn max_pool(&mut self, x: &str, k: i64, stride: i64, padding: &str) -> String {
        self.pool("MaxPool", x, k, stride, padding)
    }

    pub fn avg_pool(&mut self, x: &str, k: i64, stride: i64, padding: &str) -> String {
        self.pool("AvgPool", x, k, stride, padding)
    }

    fn pool(&mut self, op: &str, x: &str, k: i64, stride: i64, padding: &str) -> String {
        let in_shape = self.shape(x);
        let channels = in_shape.get(3).copied().unwrap_or(0);
        let out = spatial(&in_shape, k, stride, padding, channels);
        self.node(
            op,
            op,
            &[x],
            vec![
                ("T", dtype(FLOAT)),
                ("data_format", string("NHWC")),
                ("ksize", ints(&[1, k, k, 1])),
                ("padding", string(padding)),
                ("strides", ints(&[1, stride, stride, 1])),
            ],
            &[out],
        )
    }

    /// `Mean` over the spatial axes (global average pooling), keeping the reduced dims.
    pub fn global_mean(&mut self, x: &str) -> String {
        let in_shape = self.shape(x);
        let axes = self.int32_constant("reduction_indices", &[1, 2]);
        let out = match in_shape.as_slice() {
            [n, _, _, c] => vec![*n, 1, 1, *c],
            _ => Vec::new(),
        };
        self.node(
            "Mean",
            "Mean",
            &[x, &axes],
            vec![
                ("T", dtype(FLOAT)),
                ("Tidx", dtype(INT32)),
                ("keep_dims", boolean(true)),
            ],
            &[out],
        )
    }

    /// `Reshape` to `dims` (one of them may be -1), with the target in an int32 `Const`.
    pub fn reshape(&mut self, x: &str, dims: &[i32]) -> String {
        let in_shape = self.shape(x);
        let target = self.int32_constant("shape", dims);
        let total: i64 = in_shape.iter().product();
        let known: i64 = dims
            .iter()
            .filter(|&&d| d >= 0)
            .map(|&d| i64::from(d))
            .product();
        let out = dims
            .iter()
            .map(|&d| {
                if d < 0 {
                    total / known.max(1)
                } else {
                    i64::from(d)
                }
            })
            .collect();
        self.node(
            "Reshape",
            "Reshape",
            &[x, &target],
            vec![("T", dtype(FLOAT)), ("Tshape", dtype(INT32))],
            &[out],
        )
    }

    pub fn matmul(&mut self, x: &str, units: i64) -> String {
        let in_shape = self.shape(x);
        let features = in_shape.last().copied().unwrap_or(0);
        let w = self.weight("weights", &[features, units]);
        let out = vec![in_shape.first().copied().unwrap_or(1), units];
        self.node(
            "MatMul",
            "MatMul",
            &[x, &w],
            vec![
                ("T", dtype(FLOAT)),
                ("transpose_a", boolean(false)),
                ("transpose_b", boolean(false)),
            ],
            &[out],
        )
    }

    pub fn softmax(&mut self, x: &str) -> String {
        self.unary("Softmax", x)
    }

    /// `ConcatV2` along `axis` (the axis is an int32 `Const` input, last).
    pub fn concat(&mut self, xs: &[&str], axis: i32) -> String {
        let axis_const = self.int32_constant("axis", &[axis]);
        let mut out = xs.first().map(|x| self.shape(x)).unwrap_or_default();
        let axis_idx = axis.rem_euclid(out.len().max(1) as i32) as usize;
        if let Some(dim) = out.get_mut(axis_idx) {
            *dim = xs
                .iter()
                .map(|x| self.shape(x).get(axis_idx).copied().unwrap_or(0))
                .sum();
        }
        let mut inputs: Vec<&str> = xs.to_vec();
        inputs.push(&axis_const);
        self.node(
            "ConcatV2",
            "concat",
            &inputs,
            vec![
                ("N", pb_int(xs.len() as i64)),
                ("T", dtype(FLOAT)),
                ("Tidx", dtype(INT32)),
            ],
            &[out],
        )
    }

    /// Adds a control input `^source` to node `name` (written after its data inputs).
    pub fn control(&mut self, name: &str, source: &str) {
        if let Some(node) = self.graph.node.iter_mut().find(|n| n.name == name) {
            node.input.push(format!("^{source}"));
        }
    }

    /// Adds a library function `name(args) = Relu(op(args))`, written the way TensorFlow writes
    /// function bodies (`body:z:0` references, a control edge from `body` to the Relu), for tests
    /// of the function library. `op` must name its output `z`, as `AddV2` and `Mul` do.
    pub fn function(&mut self, name: &str, op: &str, args: &[&str]) {
        let arg = |name: &str| pb::op_def::ArgDef {
            name: name.to_string(),
            r#type: FLOAT as i32,
            ..Default::default()
        };
        let body = pb::NodeDef {
            name: "body".to_string(),
            op: op.to_string(),
            input: args.iter().map(|a| a.to_string()).collect(),
            attr: [("T".to_string(), dtype(FLOAT))].into_iter().collect(),
            ..Default::default()
        };
        let scaled = pb::NodeDef {
            name: "scaled".to_string(),
            op: "Relu".to_string(),
            input: vec!["body:z:0".to_string(), "^body".to_string()],
            attr: [("T".to_string(), dtype(FLOAT))].into_iter().collect(),
            ..Default::default()
        };
        let library = self.graph.library.get_or_insert_with(Default::default);
        library.function.push(pb::FunctionDef {
            signature: Some(pb::OpDef {
                name: name.to_string(),
                input_arg: args.iter().map(|a| arg(a)).collect(),
                output_arg: vec![arg("out")],
                ..Default::default()
            }),
            node_def: vec![body, scaled],
            ret: [("out".to_string(), "scaled:activations:0".to_string())]
                .into_iter()
                .collect(),
            ..Default::default()
        });
    }
}

/// NHWC output shape of a window op.
fn spatial(in_shape: &[i64], k: i64, stride: i64, padding: &str, channels: i64) -> Vec<i64> {
    let [n, h, w, _] = in_shape else {
        return Vec::new();
    };
    let stride = stride.max(1);
    let out = |size: i64| {
        if padding == "VALID" {
            (size - k + stride).div_euclid(stride).max(0)
        } else {
            (size + stride - 1).div_euclid(stride)
        }
    };
    vec![*n, out(*h), out(*w), channels]
}

fn shape_proto(dims: &[i64]) -> pb::TensorShapeProto {
    pb::TensorShapeProto {
        dim: dims
            .iter()
            .map(|&size| pb::tensor_shape_proto::Dim {
                size,
                name: String::new(),
            })
            .collect(),
        unknown_rank: false,
    }
}

pub(crate) fn dtype(value: pb::DataType) -> pb::AttrValue {
    pb::AttrValue {
        value: Some(pb::attr_value::Value::Type(value as i32)),
    }
}

pub(crate) fn ints(values: &[i64]) -> pb::AttrValue {
    list(pb::attr_value::ListValue {
        i: values.to_vec(),
        ..Default::default()
    })
}

pub(crate) fn list(value: pb::attr_value::ListValue) -> pb::AttrValue {
    pb::AttrValue {
        value: Some(pb::attr_value::Value::List(value)),
    }
}

pub(crate) fn string(value: &str) -> pb::AttrValue {
    pb::AttrValue {
        value: Some(pb::attr_value::Value::S(Bytes::from(
            value.as_bytes().to_vec(),
        ))),
    }
}

pub(crate) fn boolean(value: bool) -> pb::AttrValue {
    pb::AttrValue {
        value: Some(pb::attr_value::Value::B(value)),
    }
}

pub(crate) fn float(value: f32) -> pb::AttrValue {
    pb::AttrValue {
        value: Some(pb::attr_value::Value::F(value)),
    }
}

pub(crate) fn pb_int(value: i64) -> pb::AttrValue {
    pb::AttrValue {
        value: Some(pb::attr_value::Value::I(value)),
    }
}

pub(crate) fn shape(dims: &[i64]) -> pb::AttrValue {
    pb::AttrValue {
        value: Some(pb::attr_value::Value::Shape(shape_proto(dims))),
    }
}

impl TfGraph {
    /// The graph as a binary `.pb`. Map entries (attrs, `ret`) are written sorted by key, so the
    /// same graph always gives the same bytes (prost would follow the hash map's order).
    pub fn binary(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for node in &self.graph.node {
            put_len(&mut out, 1, &encode_node(node));
        }
        if let Some(library) = &self.graph.library {
            let mut lib = Vec::new();
            for function in &library.function {
                put_len(&mut lib, 1, &encode_function(function));
            }
            put_len(&mut out, 2, &lib);
        }
        if self.graph.version != 0 {
            encode_key(3, WireType::Varint, &mut out);
            encode_varint(self.graph.version as u64, &mut out);
        }
        if let Some(versions) = &self.graph.versions {
            put_len(&mut out, 4, &versions.encode_to_vec());
        }
        out
    }

    /// The graph as a `.pbtxt`, in the layout of TensorFlow's own text output: fields in number
    /// order, map entries sorted by key, default scalars left out, bytes escaped as octal.
    pub fn text(&self) -> String {
        let mut out = TextOut::default();
        out.graph(&self.graph);
        out.text
    }

    pub fn node_count(&self) -> usize {
        self.graph.node.len()
    }

    /// The graph as the `saved_model.pb` of a SavedModel: one meta graph tagged `serve` with a
    /// `serving_default` signature (first placeholder in, last node out), and with `train_too`
    /// a second meta graph tagged `train` holding the same graph, listed first.
    pub fn saved_model(&self, train_too: bool) -> Vec<u8> {
        let mut out = Vec::new();
        encode_key(1, WireType::Varint, &mut out);
        encode_varint(1, &mut out);
        let graph = self.binary();
        let mut metas = Vec::new();
        if train_too {
            metas.push(self.meta_graph_head(&["train"]));
        }
        metas.push(self.meta_graph_head(&["serve"]));
        for head in metas {
            // Fields in number order, as TensorFlow writes them: meta_info_def, graph_def,
            // signature_def.
            let mut meta = Vec::new();
            put_len(
                &mut meta,
                1,
                &head.meta_info_def.unwrap_or_default().encode_to_vec(),
            );
            put_len(&mut meta, 2, &graph);
            for (key, signature) in &head.signature_def {
                let mut entry = Vec::new();
                put_len(&mut entry, 1, key.as_bytes());
                put_len(&mut entry, 2, &signature.encode_to_vec());
                put_len(&mut meta, 5, &entry);
            }
            put_len(&mut out, 2, &meta);
        }
        out
    }

    /// [`TfGraph::saved_model`] as a `saved_model.pbtxt` (one `serve` meta graph).
    pub fn saved_model_text(&self) -> String {
        let head = self.meta_graph_head(&["serve"]);
        let mut out = TextOut::default();
        out.scalar("saved_model_schema_version", 1);
        out.open("meta_graphs");
        if let Some(info) = &head.meta_info_def {
            out.open("meta_info_def");
            for tag in &info.tags {
                out.scalar("tags", format!("{tag:?}"));
            }
            out.scalar(
                "tensorflow_version",
                format!("{:?}", info.tensorflow_version),
            );
            out.close();
        }
        out.open("graph_def");
        out.graph(&self.graph);
        out.close();
        out.close();
        out.text
    }

    /// A meta graph without its GraphDef: tags, version and the `serving_default` signature.
    fn meta_graph_head(&self, tags: &[&str]) -> pb::MetaGraphDef {
        let input = self.graph.node.iter().find(|n| n.op == "Placeholder");
        let output = self.graph.node.last();
        let info = |node: Option<&pb::NodeDef>| pb::TensorInfo {
            name: node.map(|n| format!("{}:0", n.name)).unwrap_or_default(),
            dtype: FLOAT as i32,
            tensor_shape: None,
        };
        let signature = pb::SignatureDef {
            inputs: [("input".to_string(), info(input))].into_iter().collect(),
            outputs: [("output".to_string(), info(output))].into_iter().collect(),
            method_name: "tensorflow/serving/predict".to_string(),
        };
        pb::MetaGraphDef {
            meta_info_def: Some(pb::meta_graph_def::MetaInfoDef {
                tags: tags.iter().map(|t| t.to_string()).collect(),
                tensorflow_version: "2.15.0".to_string(),
                ..Default::default()
            }),
            graph_def: None,
            signature_def: [("serving_default".to_string(), signature)]
                .into_iter()
                .collect(),
        }
    }
}

fn put_len(out: &mut Vec<u8>, field: u32, payload: &[u8]) {
    encode_key(field, WireType::LengthDelimited, out);
    encode_varint(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

fn encode_node(node: &pb::NodeDef) -> Vec<u8> {
    let mut out = pb::NodeDef {
        name: node.name.clone(),
        op: node.op.clone(),
        input: node.input.clone(),
        device: node.device.clone(),
        attr: BTreeMap::new(),
        experimental_debug_info: node.experimental_debug_info.clone(),
    }
    .encode_to_vec();
    encode_attr_map(&mut out, 5, &node.attr);
    out
}

fn encode_attr_map(out: &mut Vec<u8>, field: u32, attrs: &BTreeMap<String, pb::AttrValue>) {
    let mut entries: Vec<_> = attrs.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (key, value) in entries {
        let mut entry = Vec::new();
        put_len(&mut entry, 1, key.as_bytes());
        put_len(&mut entry, 2, &encode_attr_value(value));
        put_len(out, field, &entry);
    }
}

fn encode_attr_value(value: &pb::AttrValue) -> Vec<u8> {
    match &value.value {
        Some(pb::attr_value::Value::Func(func)) => {
            let mut inner = Vec::new();
            put_len(&mut inner, 1, func.name.as_bytes());
            encode_attr_map(&mut inner, 2, &func.attr);
            let mut out = Vec::new();
            put_len(&mut out, 10, &inner);
            out
        }
        _ => value.encode_to_vec(),
    }
}

fn encode_function(function: &pb::FunctionDef) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(signature) = &function.signature {
        put_len(&mut out, 1, &signature.encode_to_vec());
    }
    for node in &function.node_def {
        put_len(&mut out, 3, &encode_node(node));
    }
    let mut rets: Vec<_> = function.ret.iter().collect();
    rets.sort();
    for (key, value) in rets {
        let mut entry = Vec::new();
        put_len(&mut entry, 1, key.as_bytes());
        put_len(&mut entry, 2, value.as_bytes());
        put_len(&mut out, 4, &entry);
    }
    encode_attr_map(&mut out, 5, &function.attr);
    out
}

/// The text emitter: one field per line, two spaces per nesting level.
#[derive(Default)]
struct TextOut {
    text: String,
    depth: usize,
}

impl TextOut {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.text.push_str("  ");
        }
    }

    fn open(&mut self, name: &str) {
        self.indent();
        self.text.push_str(name);
        self.text.push_str(" {\n");
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.text.push_str("}\n");
    }

    fn scalar(&mut self, name: &str, value: impl std::fmt::Display) {
        self.indent();
        let _ = writeln!(self.text, "{name}: {value}");
    }

    /// A float in its shortest form for its own width (`0.001`, not the f64 expansion of the
    /// f32 nearest to it), `nan` and `inf` as TensorFlow writes them.
    fn float<F: Into<f64> + std::fmt::Display + Copy>(&mut self, name: &str, value: F) {
        let wide: f64 = value.into();
        let text = if wide.is_nan() {
            "nan".to_string()
        } else if wide.is_infinite() {
            if wide > 0.0 { "inf" } else { "-inf" }.to_string()
        } else {
            value.to_string()
        };
        self.scalar(name, text);
    }

    fn bytes(&mut self, name: &str, value: &[u8]) {
        self.indent();
        self.text.push_str(name);
        self.text.push_str(": \"");
        for &byte in value {
            match byte {
                b'\n' => self.text.push_str("\\n"),
                b'\r' => self.text.push_str("\\r"),
                b'\t' => self.text.push_str("\\t"),
                b'"' => self.text.push_str("\\\""),
                b'\'' => self.text.push_str("\\'"),
                b'\\' => self.text.push_str("\\\\"),
                0x20..=0x7e => self.text.push(byte as char),
                _ => {
                    let _ = write!(self.text, "\\{byte:03o}");
                }
            }
        }
        self.text.push_str("\"\n");
    }

    fn data_type(&mut self, name: &str, code: i32) {
        match pb::DataType::try_from(code) {
            Ok(dtype) => self.scalar(name, dtype.as_str_name()),
            Err(_) => self.scalar(name, code),
        }
    }

    fn graph(&mut self, graph: &pb::GraphDef) {
        for node in &graph.node {
            self.open("node");
            self.node(node);
            self.close();
        }
        if let Some(library) = &graph.library {
            self.open("library");
            for function in &library.function {
                self.open("function");
                self.function(function);
                self.close();
            }
            self.close();
        }
        if graph.version != 0 {
            self.scalar("version", graph.version);
        }
        if let Some(versions) = &graph.versions {
            self.open("versions");
            if versions.producer != 0 {
                self.scalar("producer", versions.producer);
            }
            if versions.min_consumer != 0 {
                self.scalar("min_consumer", versions.min_consumer);
            }
            self.close();
        }
    }

    fn node(&mut self, node: &pb::NodeDef) {
        self.bytes("name", node.name.as_bytes());
        self.bytes("op", node.op.as_bytes());
        for input in &node.input {
            self.bytes("input", input.as_bytes());
        }
        if !node.device.is_empty() {
            self.bytes("device", node.device.as_bytes());
        }
        self.attr_map("attr", &node.attr);
    }

    fn attr_map(&mut self, field: &str, attrs: &BTreeMap<String, pb::AttrValue>) {
        let mut keys: Vec<&String> = attrs.keys().collect();
        keys.sort();
        for key in keys {
            self.open(field);
            self.bytes("key", key.as_bytes());
            self.open("value");
            if let Some(value) = attrs.get(key) {
                self.attr_value(value);
            }
            self.close();
            self.close();
        }
    }

    fn attr_value(&mut self, value: &pb::AttrValue) {
        use pb::attr_value::Value;
        match &value.value {
            Some(Value::List(list)) => {
                self.open("list");
                for s in &list.s {
                    self.bytes("s", s);
                }
                for i in &list.i {
                    self.scalar("i", i);
                }
                for f in &list.f {
                    self.float("f", *f);
                }
                for b in &list.b {
                    self.scalar("b", b);
                }
                for t in &list.r#type {
                    self.data_type("type", *t);
                }
                for shape in &list.shape {
                    self.open("shape");
                    self.shape(shape);
                    self.close();
                }
                for tensor in &list.tensor {
                    self.open("tensor");
                    self.tensor(tensor);
                    self.close();
                }
                for func in &list.func {
                    self.open("func");
                    self.name_attr_list(func);
                    self.close();
                }
                self.close();
            }
            Some(Value::S(s)) => self.bytes("s", s),
            Some(Value::I(i)) => self.scalar("i", i),
            Some(Value::F(f)) => self.float("f", *f),
            Some(Value::B(b)) => self.scalar("b", b),
            Some(Value::Type(t)) => self.data_type("type", *t),
            Some(Value::Shape(shape)) => {
                self.open("shape");
                self.shape(shape);
                self.close();
            }
            Some(Value::Tensor(tensor)) => {
                self.open("tensor");
                self.tensor(tensor);
                self.close();
            }
            Some(Value::Func(func)) => {
                self.open("func");
                self.name_attr_list(func);
                self.close();
            }
            Some(Value::Placeholder(name)) => self.bytes("placeholder", name.as_bytes()),
            None => {}
        }
    }

    fn name_attr_list(&mut self, func: &pb::NameAttrList) {
        self.bytes("name", func.name.as_bytes());
        self.attr_map("attr", &func.attr);
    }

    fn shape(&mut self, shape: &pb::TensorShapeProto) {
        for dim in &shape.dim {
            self.open("dim");
            if dim.size != 0 {
                self.scalar("size", dim.size);
            }
            if !dim.name.is_empty() {
                self.bytes("name", dim.name.as_bytes());
            }
            self.close();
        }
        if shape.unknown_rank {
            self.scalar("unknown_rank", true);
        }
    }

    fn tensor(&mut self, tensor: &pb::TensorProto) {
        self.data_type("dtype", tensor.dtype);
        if let Some(shape) = &tensor.tensor_shape {
            self.open("tensor_shape");
            self.shape(shape);
            self.close();
        }
        if tensor.version_number != 0 {
            self.scalar("version_number", tensor.version_number);
        }
        if !tensor.tensor_content.is_empty() {
            self.bytes("tensor_content", &tensor.tensor_content);
        }
        for value in &tensor.float_val {
            self.float("float_val", *value);
        }
        for value in &tensor.double_val {
            self.float("double_val", *value);
        }
        for value in &tensor.int_val {
            self.scalar("int_val", value);
        }
        for value in &tensor.string_val {
            self.bytes("string_val", value);
        }
        for value in &tensor.int64_val {
            self.scalar("int64_val", value);
        }
        for value in &tensor.bool_val {
            self.scalar("bool_val", value);
        }
    }

    fn function(&mut self, function: &pb::FunctionDef) {
        if let Some(signature) = &function.signature {
            self.open("signature");
            self.bytes("name", signature.name.as_bytes());
            for (field, args) in [
                ("input_arg", &signature.input_arg),
                ("output_arg", &signature.output_arg),
            ] {
                for arg in args {
                    self.open(field);
                    self.bytes("name", arg.name.as_bytes());
                    self.data_type("type", arg.r#type);
                    self.close();
                }
            }
            self.close();
        }
        for node in &function.node_def {
            self.open("node_def");
            self.node(node);
            self.close();
        }
        let mut rets: Vec<(&String, &String)> = function.ret.iter().collect();
        rets.sort();
        for (key, value) in rets {
            self.open("ret");
            self.bytes("key", key.as_bytes());
            self.bytes("value", value.as_bytes());
            self.close();
        }
        self.attr_map("attr", &function.attr);
    }
}

// ---- the sample graphs ----

/// ResNet-50 v1 as a frozen TF graph (NHWC 1×224×224×3, bottlenecks 3-4-6-3, unfolded
/// `FusedBatchNormV3`, head Mean → Reshape → MatMul → BiasAdd → Softmax): 447 nodes.
pub fn tf_resnet50(weights: TfWeights, output_shapes: bool) -> TfGraph {
    let mut w = writer(weights, output_shapes);
    w.push_scope("resnet_v1_50");
    let x = w.placeholder("input", &[1, 224, 224, 3]);
    w.push_scope("conv1");
    let x = w.conv2d(&x, 64, 7, 2, "SAME");
    let x = w.batch_norm(&x);
    let x = w.relu(&x);
    w.pop_scope();
    w.push_scope("pool1");
    let mut x = w.max_pool(&x, 3, 2, "SAME");
    w.pop_scope();
    for (stage_idx, unit_idx, width, stride) in resnet50_blocks() {
        w.push_scope(&format!("block{}", stage_idx + 1));
        w.push_scope(&format!("unit_{}", unit_idx + 1));
        x = tf_bottleneck(&mut w, &x, width, stride);
        w.pop_scope();
        w.pop_scope();
    }
    let x = tf_head(&mut w, &x, 1000);
    w.pop_scope();
    let _ = x;
    w.finish()
}

/// MobileNet v2 as a frozen TF graph (inverted residuals with `DepthwiseConv2dNative` and
/// `Relu6`, unfolded `FusedBatchNormV3`), NHWC 1×224×224×3.
pub fn tf_mobilenet_v2(weights: TfWeights, output_shapes: bool) -> TfGraph {
    let mut w = writer(weights, output_shapes);
    w.push_scope("MobilenetV2");
    let x = w.placeholder("input", &[1, 224, 224, 3]);
    w.push_scope("Conv");
    let x = w.conv2d(&x, 32, 3, 2, "SAME");
    let x = w.batch_norm(&x);
    let mut x = w.relu6(&x);
    w.pop_scope();
    for (block, &(expand, channels, stride)) in mobilenet_v2_blocks().iter().enumerate() {
        let scope = if block == 0 {
            "expanded_conv".to_string()
        } else {
            format!("expanded_conv_{block}")
        };
        w.push_scope(&scope);
        x = tf_inverted_residual(&mut w, &x, expand, channels, stride);
        w.pop_scope();
    }
    w.push_scope("Conv_1");
    let x = w.conv2d(&x, 1280, 1, 1, "SAME");
    let x = w.batch_norm(&x);
    let x = w.relu6(&x);
    w.pop_scope();
    let _ = tf_head(&mut w, &x, 1000);
    w.pop_scope();
    w.finish()
}

/// A ResNet-style chain of residual blocks with about `target_nodes` nodes (11 per block:
/// two Conv2D + BiasAdd with their weight and bias Consts, Relu, AddV2, Relu), for benchmarks.
pub fn tf_residual_chain(target_nodes: usize, weights: TfWeights, output_shapes: bool) -> TfGraph {
    let mut w = writer(weights, output_shapes);
    let mut x = w.placeholder("input", &[1, 56, 56, 64]);
    let n_blocks = target_nodes.saturating_sub(1).div_ceil(11);
    for block_idx in 0..n_blocks {
        w.push_scope(&format!("block{block_idx}"));
        w.push_scope("conv1");
        let y = w.conv2d(&x, 64, 3, 1, "SAME");
        let y = w.bias_add(&y);
        let y = w.relu(&y);
        w.pop_scope();
        w.push_scope("conv2");
        let y = w.conv2d(&y, 64, 3, 1, "SAME");
        let y = w.bias_add(&y);
        w.pop_scope();
        let y = w.add(&y, &x);
        x = w.relu(&y);
        w.pop_scope();
    }
    w.finish()
}

fn writer(weights: TfWeights, output_shapes: bool) -> TfWriter {
    let w = TfWriter::new(weights);
    if output_shapes {
        w.with_output_shapes()
    } else {
        w
    }
}

fn conv_bn(w: &mut TfWriter, scope: &str, x: &str, filters: i64, k: i64, stride: i64) -> String {
    w.push_scope(scope);
    let y = w.conv2d(x, filters, k, stride, "SAME");
    let y = w.batch_norm(&y);
    w.pop_scope();
    y
}

fn tf_bottleneck(w: &mut TfWriter, x: &str, width: i64, stride: i64) -> String {
    let in_channels = w.shape(x).get(3).copied().unwrap_or(0);
    let out_channels = width * 4;
    w.push_scope("bottleneck_v1");
    let shortcut = if stride != 1 || in_channels != out_channels {
        conv_bn(w, "shortcut", x, out_channels, 1, stride)
    } else {
        x.to_string()
    };
    let y = conv_bn(w, "conv1", x, width, 1, 1);
    let y = w.relu(&y);
    let y = conv_bn(w, "conv2", &y, width, 3, stride);
    let y = w.relu(&y);
    let y = conv_bn(w, "conv3", &y, out_channels, 1, 1);
    let y = w.add(&shortcut, &y);
    let y = w.relu(&y);
    w.pop_scope();
    y
}

fn tf_inverted_residual(
    w: &mut TfWriter,
    x: &str,
    expand: i64,
    out_channels: i64,
    stride: i64,
) -> String {
    let in_channels = w.shape(x).get(3).copied().unwrap_or(0);
    let mut y = x.to_string();
    if expand != 1 {
        y = conv_bn(w, "expand", &y, in_channels * expand, 1, 1);
        y = w.relu6(&y);
    }
    w.push_scope("depthwise");
    y = w.depthwise(&y, 3, stride, "SAME");
    y = w.batch_norm(&y);
    y = w.relu6(&y);
    w.pop_scope();
    y = conv_bn(w, "project", &y, out_channels, 1, 1);
    if stride == 1 && in_channels == out_channels {
        y = w.add(&y, x);
    }
    y
}

fn tf_head(w: &mut TfWriter, x: &str, classes: i64) -> String {
    let channels = w.shape(x).get(3).copied().unwrap_or(0);
    w.push_scope("pool");
    let x = w.global_mean(x);
    w.pop_scope();
    w.push_scope("logits");
    let x = w.reshape(&x, &[-1, channels as i32]);
    let x = w.matmul(&x, classes);
    let x = w.bias_add(&x);
    w.pop_scope();
    w.push_scope("predictions");
    let x = w.softmax(&x);
    w.pop_scope();
    x
}
