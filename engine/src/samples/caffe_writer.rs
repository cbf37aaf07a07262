//! A small Caffe net writer: layers are built as the prost types the importer's schema compiles
//! to, then written as a prototxt by an emitter of our own (V2 `layer` or V1 `layers`), or as a
//! binary `.caffemodel` whose layers carry their blobs' shapes (and, for benchmarks, zero-filled
//! payloads, as real caffemodels do). Fixtures, samples and benchmark inputs are made this way,
//! never committed as files.

use std::collections::HashMap;
use std::fmt::Write as _;

use prost::Message;
use prost_reflect::{DynamicMessage, Kind, Value};

use crate::formats::caffe::pb;
use crate::formats::text;

/// How the net declares its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaffeInput {
    /// `input: "data"` with four `input_dim`s (the classic deploy file).
    Dims,
    /// `input: "data"` with an `input_shape { dim ... }`.
    Shape,
    /// An `Input` layer with `input_param { shape { dim ... } }`.
    Layer,
}

/// What the blobs of a written caffemodel hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobData {
    /// Shapes only: small files for tests.
    ShapesOnly,
    /// Zero-filled packed `data` of the real size: the weight-heavy parse benchmark.
    Zeros,
}

/// A convolution's settings; `ConvSpec::new(out, kernel)` then the builder methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvSpec {
    pub out: i64,
    pub kernel: i64,
    pub stride: i64,
    pub pad: i64,
    pub group: i64,
    pub bias: bool,
}

impl ConvSpec {
    pub fn new(out: i64, kernel: i64) -> ConvSpec {
        ConvSpec {
            out,
            kernel,
            stride: 1,
            pad: 0,
            group: 1,
            bias: true,
        }
    }

    pub fn stride(self, stride: i64) -> ConvSpec {
        ConvSpec { stride, ..self }
    }

    pub fn pad(self, pad: i64) -> ConvSpec {
        ConvSpec { pad, ..self }
    }

    pub fn group(self, group: i64) -> ConvSpec {
        ConvSpec { group, ..self }
    }

    pub fn no_bias(self) -> ConvSpec {
        ConvSpec {
            bias: false,
            ..self
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolMethod {
    Max,
    Ave,
}

pub struct CaffeWriter {
    net: pb::NetParameter,
    /// Current NCHW (or N×features) shape of every blob name, to size the next layer's weights.
    shapes: HashMap<String, Vec<i64>>,
}

impl CaffeWriter {
    pub fn new(name: &str) -> CaffeWriter {
        CaffeWriter {
            net: pb::NetParameter {
                name: Some(name.to_string()),
                ..Default::default()
            },
            shapes: HashMap::new(),
        }
    }

    /// Shape the writer computed for a blob (empty when unknown).
    pub fn shape(&self, blob: &str) -> Vec<i64> {
        self.shapes.get(blob).cloned().unwrap_or_default()
    }

    pub fn layer_count(&self) -> usize {
        self.net.layer.len()
    }

    pub fn input(&mut self, name: &str, dims: &[i64], style: CaffeInput) -> String {
        let shape = pb::BlobShape { dim: dims.to_vec() };
        match style {
            CaffeInput::Dims => {
                self.net.input.push(name.to_string());
                self.net
                    .input_dim
                    .extend(dims.iter().map(|&d| i32::try_from(d).unwrap_or(0)));
            }
            CaffeInput::Shape => {
                self.net.input.push(name.to_string());
                self.net.input_shape.push(shape);
            }
            CaffeInput::Layer => {
                let layer = pb::LayerParameter {
                    input_param: Some(pb::InputParameter { shape: vec![shape] }),
                    ..layer(name, "Input", &[], &[name])
                };
                self.net.layer.push(layer);
            }
        }
        self.shapes.insert(name.to_string(), dims.to_vec());
        name.to_string()
    }

    /// Adds any layer; its (first) top gets `out_shape`. Returns the first top.
    pub fn layer(&mut self, layer: pb::LayerParameter, out_shape: Vec<i64>) -> String {
        let top = layer.top.first().cloned().unwrap_or_default();
        for top in &layer.top {
            self.shapes.insert(top.clone(), out_shape.clone());
        }
        self.net.layer.push(layer);
        top
    }

    pub fn conv(&mut self, name: &str, x: &str, spec: ConvSpec) -> String {
        let shape = self.shape(x);
        let channels = shape.get(1).copied().unwrap_or(0);
        let out_dim = |d: i64| (d + 2 * spec.pad - spec.kernel) / spec.stride.max(1) + 1;
        let out_shape = spatial(&shape, spec.out, out_dim);
        let mut blobs = vec![blob(&[
            spec.out,
            channels / spec.group.max(1),
            spec.kernel,
            spec.kernel,
        ])];
        if spec.bias {
            blobs.push(blob(&[spec.out]));
        }
        let param = pb::ConvolutionParameter {
            num_output: Some(spec.out as u32),
            bias_term: (!spec.bias).then_some(false),
            pad: if spec.pad != 0 {
                vec![spec.pad as u32]
            } else {
                Vec::new()
            },
            kernel_size: vec![spec.kernel as u32],
            stride: if spec.stride != 1 {
                vec![spec.stride as u32]
            } else {
                Vec::new()
            },
            group: (spec.group != 1).then_some(spec.group as u32),
            ..Default::default()
        };
        let layer = pb::LayerParameter {
            convolution_param: Some(param),
            blobs,
            ..layer(name, "Convolution", &[x], &[name])
        };
        self.layer(layer, out_shape)
    }

    /// BatchNorm with global statistics (three blobs: mean, variance, scale factor).
    pub fn batch_norm(&mut self, name: &str, x: &str, in_place: bool) -> String {
        let channels = self.channels(x);
        let top = if in_place { x } else { name };
        let layer = pb::LayerParameter {
            batch_norm_param: Some(pb::BatchNormParameter {
                use_global_stats: Some(true),
                ..Default::default()
            }),
            blobs: vec![blob(&[channels]), blob(&[channels]), blob(&[1])],
            ..layer(name, "BatchNorm", &[x], &[top])
        };
        let shape = self.shape(x);
        self.layer(layer, shape)
    }

    /// Scale with a bias (two blobs), as after every BatchNorm.
    pub fn scale(&mut self, name: &str, x: &str, in_place: bool) -> String {
        let channels = self.channels(x);
        let top = if in_place { x } else { name };
        let layer = pb::LayerParameter {
            scale_param: Some(pb::ScaleParameter {
                bias_term: Some(true),
                ..Default::default()
            }),
            blobs: vec![blob(&[channels]), blob(&[channels])],
            ..layer(name, "Scale", &[x], &[top])
        };
        let shape = self.shape(x);
        self.layer(layer, shape)
    }

    pub fn relu(&mut self, name: &str, x: &str, in_place: bool) -> String {
        let top = if in_place { x } else { name };
        let shape = self.shape(x);
        self.layer(layer(name, "ReLU", &[x], &[top]), shape)
    }

    pub fn dropout(&mut self, name: &str, x: &str, ratio: f32) -> String {
        let layer = pb::LayerParameter {
            dropout_param: Some(pb::DropoutParameter {
                dropout_ratio: Some(ratio),
                ..Default::default()
            }),
            ..layer(name, "Dropout", &[x], &[x])
        };
        let shape = self.shape(x);
        self.layer(layer, shape)
    }

    pub fn lrn(&mut self, name: &str, x: &str) -> String {
        let layer = pb::LayerParameter {
            lrn_param: Some(pb::LrnParameter {
                local_size: Some(5),
                alpha: Some(0.0001),
                beta: Some(0.75),
                ..Default::default()
            }),
            ..layer(name, "LRN", &[x], &[name])
        };
        let shape = self.shape(x);
        self.layer(layer, shape)
    }

    /// Pooling with Caffe's output size (rounded up, never starting in the padding); `kernel`
    /// 0 means global pooling.
    pub fn pool(
        &mut self,
        name: &str,
        x: &str,
        method: PoolMethod,
        kernel: i64,
        stride: i64,
    ) -> String {
        let shape = self.shape(x);
        let channels = shape.get(1).copied().unwrap_or(0);
        let global = kernel == 0;
        let out_shape = if global {
            spatial(&shape, channels, |_| 1)
        } else {
            spatial(&shape, channels, |d| {
                let stride = stride.max(1);
                (d - kernel + stride - 1).max(0) / stride + 1
            })
        };
        let param = pb::PoolingParameter {
            pool: Some(match method {
                PoolMethod::Max => pb::pooling_parameter::PoolMethod::Max as i32,
                PoolMethod::Ave => pb::pooling_parameter::PoolMethod::Ave as i32,
            }),
            kernel_size: (!global).then_some(kernel as u32),
            stride: (!global && stride != 1).then_some(stride as u32),
            global_pooling: global.then_some(true),
            ..Default::default()
        };
        let layer = pb::LayerParameter {
            pooling_param: Some(param),
            ..layer(name, "Pooling", &[x], &[name])
        };
        self.layer(layer, out_shape)
    }

    pub fn eltwise_sum(&mut self, name: &str, a: &str, b: &str) -> String {
        let shape = self.shape(a);
        self.layer(layer(name, "Eltwise", &[a, b], &[name]), shape)
    }

    pub fn concat(&mut self, name: &str, xs: &[&str]) -> String {
        let mut shape = xs.first().map(|x| self.shape(x)).unwrap_or_default();
        if shape.len() > 1 {
            shape[1] = xs.iter().map(|x| self.channels(x)).sum();
        }
        self.layer(layer(name, "Concat", xs, &[name]), shape)
    }

    pub fn inner_product(&mut self, name: &str, x: &str, out: i64) -> String {
        let shape = self.shape(x);
        let features: i64 = shape.iter().skip(1).product();
        let batch = shape.first().copied().unwrap_or(1);
        let layer = pb::LayerParameter {
            inner_product_param: Some(pb::InnerProductParameter {
                num_output: Some(out as u32),
                ..Default::default()
            }),
            blobs: vec![blob(&[out, features]), blob(&[out])],
            ..layer(name, "InnerProduct", &[x], &[name])
        };
        self.layer(layer, vec![batch, out])
    }

    pub fn softmax(&mut self, name: &str, x: &str) -> String {
        let shape = self.shape(x);
        self.layer(layer(name, "Softmax", &[x], &[name]), shape)
    }

    fn channels(&self, blob: &str) -> i64 {
        self.shape(blob).get(1).copied().unwrap_or(0)
    }

    /// The net as a prototxt with V2 `layer` blocks (blobs left out, as deploy files have).
    pub fn prototxt(&self) -> String {
        let mut net = self.net.clone();
        for layer in &mut net.layer {
            layer.blobs.clear();
        }
        emit_net(&net)
    }

    /// The net as a prototxt with V1 `layers` blocks (enum types). Panics on a layer type V1 has
    /// no enum value for: the writer is for fixtures, and the caller chose the layers.
    pub fn prototxt_v1(&self) -> String {
        let mut net = self.v1_net();
        for layer in &mut net.layers {
            layer.blobs.clear();
        }
        emit_net(&net)
    }

    /// The net as a binary caffemodel: every layer with its blobs' shapes.
    pub fn caffemodel(&self, data: BlobData) -> Vec<u8> {
        encode_with_blobs(&self.net, data)
    }

    /// The net as an old V1 caffemodel (`layers`, blobs with the legacy 4D num/channels/height/
    /// width instead of a shape).
    pub fn caffemodel_v1(&self) -> Vec<u8> {
        let mut net = self.v1_net();
        for layer in &mut net.layers {
            for blob in &mut layer.blobs {
                let dims = blob.shape.take().map(|s| s.dim).unwrap_or_default();
                let mut legacy = vec![1i64; 4usize.saturating_sub(dims.len())];
                legacy.extend(dims);
                let dim = |idx: usize| i32::try_from(legacy[idx]).unwrap_or(0);
                blob.num = Some(dim(0));
                blob.channels = Some(dim(1));
                blob.height = Some(dim(2));
                blob.width = Some(dim(3));
            }
        }
        net.encode_to_vec()
    }

    fn v1_net(&self) -> pb::NetParameter {
        let mut net = self.net.clone();
        net.layers = net.layer.drain(..).map(|l| to_v1(&l)).collect();
        net
    }
}

/// A layer with its name, type and wiring; parameters are set by the caller.
pub fn layer(name: &str, op_type: &str, bottoms: &[&str], tops: &[&str]) -> pb::LayerParameter {
    pb::LayerParameter {
        name: Some(name.to_string()),
        r#type: Some(op_type.to_string()),
        bottom: bottoms.iter().map(|s| s.to_string()).collect(),
        top: tops.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn blob(dims: &[i64]) -> pb::BlobProto {
    pb::BlobProto {
        shape: Some(pb::BlobShape { dim: dims.to_vec() }),
        ..Default::default()
    }
}

/// NCHW shape with `channels` and each spatial dim mapped by `dim`.
fn spatial(shape: &[i64], channels: i64, dim: impl Fn(i64) -> i64) -> Vec<i64> {
    let mut out = shape.to_vec();
    if out.len() > 1 {
        out[1] = channels;
    }
    for d in out.iter_mut().skip(2) {
        *d = dim(*d);
    }
    out
}

fn to_v1(layer: &pb::LayerParameter) -> pb::V1LayerParameter {
    use pb::v1_layer_parameter::LayerType as T;
    let layer_type = match layer.r#type() {
        "Convolution" => T::Convolution,
        "Pooling" => T::Pooling,
        "ReLU" => T::Relu,
        "LRN" => T::Lrn,
        "InnerProduct" => T::InnerProduct,
        "Dropout" => T::Dropout,
        "Softmax" => T::Softmax,
        "Eltwise" => T::Eltwise,
        "Concat" => T::Concat,
        other => panic!("V1 layers have no type for {other}"),
    };
    pb::V1LayerParameter {
        bottom: layer.bottom.clone(),
        top: layer.top.clone(),
        name: layer.name.clone(),
        r#type: Some(layer_type as i32),
        blobs: layer.blobs.clone(),
        convolution_param: layer.convolution_param.clone(),
        pooling_param: layer.pooling_param,
        lrn_param: layer.lrn_param,
        inner_product_param: layer.inner_product_param.clone(),
        dropout_param: layer.dropout_param,
        eltwise_param: layer.eltwise_param.clone(),
        concat_param: layer.concat_param,
        ..Default::default()
    }
}

/// Encodes the net with each blob's `data` (field 5, packed floats) written by hand, since our
/// schema does not declare it.
fn encode_with_blobs(net: &pb::NetParameter, data: BlobData) -> Vec<u8> {
    use prost::encoding::{encode_key, encode_varint, WireType};
    let mut head = net.clone();
    head.layer.clear();
    let mut out = head.encode_to_vec();
    for layer in &net.layer {
        let mut bare = layer.clone();
        bare.blobs.clear();
        let mut layer_bytes = bare.encode_to_vec();
        for blob in &layer.blobs {
            let mut blob_bytes = blob.encode_to_vec();
            if data == BlobData::Zeros {
                let count: i64 = blob.shape.as_ref().map_or(0, |s| s.dim.iter().product());
                let byte_len = (count.max(0) as u64) * 4;
                encode_key(5, WireType::LengthDelimited, &mut blob_bytes);
                encode_varint(byte_len, &mut blob_bytes);
                blob_bytes.resize(blob_bytes.len() + byte_len as usize, 0);
            }
            encode_key(7, WireType::LengthDelimited, &mut layer_bytes);
            encode_varint(blob_bytes.len() as u64, &mut layer_bytes);
            layer_bytes.extend_from_slice(&blob_bytes);
        }
        encode_key(100, WireType::LengthDelimited, &mut out);
        encode_varint(layer_bytes.len() as u64, &mut out);
        out.extend_from_slice(&layer_bytes);
    }
    out
}

// ---- the text emitter ----

/// A prototxt in the layout Caffe's own files use: name and inputs first, then the layers, two
/// spaces of indent, repeated values one per line.
fn emit_net(net: &pb::NetParameter) -> String {
    let Some(descriptor) = text::pool().get_message_by_name("caffe.NetParameter") else {
        return String::new();
    };
    let Ok(message) = DynamicMessage::decode(descriptor, net.encode_to_vec().as_slice()) else {
        return String::new();
    };
    let mut out = String::new();
    // Caffe's order: name, inputs, then everything else, the layers last.
    let first = ["name", "input", "input_shape", "input_dim"];
    let last = ["layers", "layer"];
    let fields: Vec<_> = message.fields().collect();
    for name in first {
        for (field, value) in fields.iter().filter(|(f, _)| f.name() == name) {
            emit_field(&mut out, field.name(), &field.kind(), value, 0);
        }
    }
    for (field, value) in fields
        .iter()
        .filter(|(f, _)| !first.contains(&f.name()) && !last.contains(&f.name()))
    {
        emit_field(&mut out, field.name(), &field.kind(), value, 0);
    }
    for name in last {
        for (field, value) in fields.iter().filter(|(f, _)| f.name() == name) {
            emit_field(&mut out, field.name(), &field.kind(), value, 0);
        }
    }
    out
}

fn emit_field(out: &mut String, name: &str, kind: &Kind, value: &Value, depth: usize) {
    if let Some(items) = value.as_list() {
        for item in items {
            emit_field(out, name, kind, item, depth);
        }
        return;
    }
    let indent = "  ".repeat(depth);
    if let Some(message) = value.as_message() {
        let _ = writeln!(out, "{indent}{name} {{");
        // Name and type first, as Caffe's files have them (V1 numbers them after the wiring).
        let fields: Vec<_> = message.fields().collect();
        let first = |f: &prost_reflect::FieldDescriptor| matches!(f.name(), "name" | "type");
        for (field, inner) in fields.iter().filter(|(f, _)| first(f)) {
            emit_field(out, field.name(), &field.kind(), inner, depth + 1);
        }
        for (field, inner) in fields.iter().filter(|(f, _)| !first(f)) {
            emit_field(out, field.name(), &field.kind(), inner, depth + 1);
        }
        let _ = writeln!(out, "{indent}}}");
        return;
    }
    let text = match value {
        Value::Bool(v) => v.to_string(),
        Value::I32(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        Value::U32(v) => v.to_string(),
        Value::U64(v) => v.to_string(),
        Value::F32(v) => v.to_string(),
        Value::F64(v) => v.to_string(),
        Value::String(v) => quote(v),
        Value::Bytes(v) => quote(&String::from_utf8_lossy(v)),
        Value::EnumNumber(number) => kind
            .as_enum()
            .and_then(|e| e.get_value(*number))
            .map_or_else(|| number.to_string(), |v| v.name().to_string()),
        _ => return,
    };
    let _ = writeln!(out, "{indent}{name}: {text}");
}

fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

// ---- sample nets ----

/// ResNet-50 as in Kaiming He's `ResNet-50-deploy.prototxt`: the same 228 layers and names
/// (`conv1`, `bn_conv1`, `scale_conv1`, `res2a_branch1` ... `fc1000`, `prob`), in-place
/// BatchNorm/Scale/ReLU, `input_dim` 1×3×224×224.
pub fn caffe_resnet50() -> CaffeWriter {
    let mut w = CaffeWriter::new("ResNet-50");
    let x = w.input("data", &[1, 3, 224, 224], CaffeInput::Dims);
    let x = w.conv("conv1", &x, ConvSpec::new(64, 7).stride(2).pad(3));
    w.batch_norm("bn_conv1", &x, true);
    w.scale("scale_conv1", &x, true);
    w.relu("conv1_relu", &x, true);
    let mut x = w.pool("pool1", &x, PoolMethod::Max, 3, 2);
    let stages = [
        (2, 64, 3, 1),
        (3, 128, 4, 2),
        (4, 256, 6, 2),
        (5, 512, 3, 2),
    ];
    for (stage, width, blocks, stride) in stages {
        for block_idx in 0..blocks {
            let block = format!("{stage}{}", (b'a' + block_idx as u8) as char);
            let stride = if block_idx == 0 { stride } else { 1 };
            let shortcut = if block_idx == 0 {
                let s = w.conv(
                    &format!("res{block}_branch1"),
                    &x,
                    ConvSpec::new(width * 4, 1).stride(stride).no_bias(),
                );
                w.batch_norm(&format!("bn{block}_branch1"), &s, true);
                w.scale(&format!("scale{block}_branch1"), &s, true);
                s
            } else {
                x.clone()
            };
            let mut y = x.clone();
            let branches = [
                ("2a", 1, stride, 0, width),
                ("2b", 3, 1, 1, width),
                ("2c", 1, 1, 0, width * 4),
            ];
            for (branch, kernel, branch_stride, pad, out) in branches {
                y = w.conv(
                    &format!("res{block}_branch{branch}"),
                    &y,
                    ConvSpec::new(out, kernel)
                        .stride(branch_stride)
                        .pad(pad)
                        .no_bias(),
                );
                w.batch_norm(&format!("bn{block}_branch{branch}"), &y, true);
                w.scale(&format!("scale{block}_branch{branch}"), &y, true);
                if branch != "2c" {
                    w.relu(&format!("res{block}_branch{branch}_relu"), &y, true);
                }
            }
            x = w.eltwise_sum(&format!("res{block}"), &shortcut, &y);
            w.relu(&format!("res{block}_relu"), &x, true);
        }
    }
    let x = w.pool("pool5", &x, PoolMethod::Ave, 7, 1);
    let x = w.inner_product("fc1000", &x, 1000);
    w.softmax("prob", &x);
    w
}

/// MobileNet v1 in the layout of shicai/MobileNet-Caffe (`conv2_1/dw`, `conv2_1/dw/bn`,
/// `relu2_1/dw`, `conv2_1/sep` ...; `fc7` is a 1×1 convolution), but with the input as an
/// `Input` layer: 112 layers.
pub fn caffe_mobilenet_v1() -> CaffeWriter {
    let mut w = CaffeWriter::new("MobileNet-v1");
    let x = w.input("data", &[1, 3, 224, 224], CaffeInput::Layer);
    let mut x = conv_bn_relu(
        &mut w,
        "conv1",
        "relu1",
        &x,
        ConvSpec::new(32, 3).stride(2).pad(1),
    );
    let blocks = [
        ("2_1", 64, 1),
        ("2_2", 128, 2),
        ("3_1", 128, 1),
        ("3_2", 256, 2),
        ("4_1", 256, 1),
        ("4_2", 512, 2),
        ("5_1", 512, 1),
        ("5_2", 512, 1),
        ("5_3", 512, 1),
        ("5_4", 512, 1),
        ("5_5", 512, 1),
        ("5_6", 1024, 2),
        ("6", 1024, 1),
    ];
    for (block, out, stride) in blocks {
        let channels = w.channels(&x);
        x = conv_bn_relu(
            &mut w,
            &format!("conv{block}/dw"),
            &format!("relu{block}/dw"),
            &x,
            ConvSpec::new(channels, 3)
                .stride(stride)
                .pad(1)
                .group(channels),
        );
        x = conv_bn_relu(
            &mut w,
            &format!("conv{block}/sep"),
            &format!("relu{block}/sep"),
            &x,
            ConvSpec::new(out, 1),
        );
    }
    let x = w.pool("pool6", &x, PoolMethod::Ave, 0, 1);
    let x = w.conv("fc7", &x, ConvSpec::new(1000, 1));
    w.softmax("prob", &x);
    w
}

fn conv_bn_relu(w: &mut CaffeWriter, name: &str, relu: &str, x: &str, spec: ConvSpec) -> String {
    let y = w.conv(name, x, spec.no_bias());
    w.batch_norm(&format!("{name}/bn"), &y, true);
    w.scale(&format!("{name}/scale"), &y, true);
    w.relu(relu, &y, true);
    y
}

/// An AlexNet-style net of the V1 era (conv, ReLU, LRN, pooling, inner products, dropout,
/// softmax), to be written with [`CaffeWriter::prototxt_v1`] / [`CaffeWriter::caffemodel_v1`].
pub fn caffe_alexnet() -> CaffeWriter {
    let mut w = CaffeWriter::new("AlexNet");
    let x = w.input("data", &[10, 3, 227, 227], CaffeInput::Dims);
    let x = w.conv("conv1", &x, ConvSpec::new(96, 11).stride(4));
    w.relu("relu1", &x, true);
    let x = w.lrn("norm1", &x);
    let x = w.pool("pool1", &x, PoolMethod::Max, 3, 2);
    let x = w.conv("conv2", &x, ConvSpec::new(256, 5).pad(2).group(2));
    w.relu("relu2", &x, true);
    let x = w.lrn("norm2", &x);
    let x = w.pool("pool2", &x, PoolMethod::Max, 3, 2);
    let x = w.conv("conv3", &x, ConvSpec::new(384, 3).pad(1));
    w.relu("relu3", &x, true);
    let x = w.conv("conv4", &x, ConvSpec::new(384, 3).pad(1).group(2));
    w.relu("relu4", &x, true);
    let x = w.conv("conv5", &x, ConvSpec::new(256, 3).pad(1).group(2));
    w.relu("relu5", &x, true);
    let x = w.pool("pool5", &x, PoolMethod::Max, 3, 2);
    let x = w.inner_product("fc6", &x, 4096);
    w.relu("relu6", &x, true);
    w.dropout("drop6", &x, 0.5);
    let x = w.inner_product("fc7", &x, 4096);
    w.relu("relu7", &x, true);
    w.dropout("drop7", &x, 0.5);
    let x = w.inner_product("fc8", &x, 1000);
    w.softmax("prob", &x);
    w
}

/// A ResNet-style chain of basic blocks (conv, BatchNorm, Scale, ReLU, conv, BatchNorm, Scale,
/// Eltwise, ReLU: 9 layers each) with about `target_layers` layers, for benchmarks.
pub fn caffe_residual_chain(target_layers: usize) -> CaffeWriter {
    let mut w = CaffeWriter::new("residual_chain");
    let mut x = w.input("data", &[1, 64, 56, 56], CaffeInput::Shape);
    let n_blocks = target_layers.div_ceil(9);
    for block_idx in 0..n_blocks {
        let name = |part: &str| format!("block{block_idx}/{part}");
        let y = w.conv(&name("conv1"), &x, ConvSpec::new(64, 3).pad(1).no_bias());
        w.batch_norm(&name("bn1"), &y, true);
        w.scale(&name("scale1"), &y, true);
        w.relu(&name("relu1"), &y, true);
        let y = w.conv(&name("conv2"), &y, ConvSpec::new(64, 3).pad(1).no_bias());
        w.batch_norm(&name("bn2"), &y, true);
        w.scale(&name("scale2"), &y, true);
        x = w.eltwise_sum(&name("sum"), &x, &y);
        w.relu(&name("relu2"), &x, true);
    }
    w
}
