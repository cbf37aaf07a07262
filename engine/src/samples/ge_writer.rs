//! Ascend GE models written by code, as they look after ATC: fused Conv+BN+ReLU nodes that list
//! the ops they were fused from (`_datadump_original_op_names`), TransData nodes moving between
//! NCHW and the 5HD layout NC1HWC0, weights in FRACTAL_Z, an engine per op
//! (`_ge_attr_op_kernel_lib_name`: `AIcoreEngine`, `aicpu_ascend_kernel`,
//! `DNN_VM_GE_LOCAL_OP_STORE`), stream ids.
//!
//! One [`GeModel`] can be written in the three forms users hold: a GE graph dump
//! (`ge_proto_*.txt`, our own text-format emitter), the `atc --mode=1` JSON (serde_json), and an
//! `.om` container (header 1.0 or 2.0, 32- or 64-bit partition tables, several models, dummy
//! weight and kernel partitions, optionally compressed attributes and a TASK_INFO partition).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use bytes::Bytes;
use prost::Message;
use serde_json::{json, Map, Value};

use super::{mobilenet_v2_blocks, resnet50_blocks};
use crate::formats::ge::{self, pb};

/// A GE model, ready to be written in any of the three forms.
#[derive(Debug, Clone, PartialEq)]
pub struct GeModel {
    def: pb::ModelDef,
}

/// How [`GeModel::to_json`] spells what proto JSON writers spell differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStyle {
    /// `"DT_FLOAT16"` instead of `2`, `"VT_LIST_INT"` instead of `2`.
    pub enums_as_names: bool,
    /// `"123"` instead of `123` for 64-bit integers (proto3 JSON mapping).
    pub int64_as_strings: bool,
    /// `{"name": value}` instead of ATC's `[{"key": name, "value": value}]`.
    pub attrs_as_object: bool,
}

impl JsonStyle {
    /// What `atc --mode=1` writes.
    pub const ATC: JsonStyle = JsonStyle {
        enums_as_names: false,
        int64_as_strings: false,
        attrs_as_object: false,
    };
    /// The proto3 JSON mapping (`MessageToJson`-like), but with maps as objects.
    pub const PROTO3: JsonStyle = JsonStyle {
        enums_as_names: true,
        int64_as_strings: true,
        attrs_as_object: true,
    };
}

/// Header layouts of the `.om` container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OmHeader {
    /// 1.0: no `model_num`, `platform_version` at byte 156, 32-bit partition tables.
    V1,
    /// 2.0 (GE 2023+): `model_num` at 156, `model_length` at 184.
    V2,
}

/// How [`GeModel::to_om`] lays the container out.
#[derive(Debug, Clone, PartialEq)]
pub struct OmOptions {
    pub header: OmHeader,
    /// 64-bit partition table. A 2.0 header then sets `model_length`, which tells readers; with
    /// a 1.0 header they must recognise the table by its content.
    pub wide_table: bool,
    /// Attribute compression as ATC's `--enable_attr_compression` does it.
    pub compress_attrs: bool,
    /// A TASK_INFO partition with one kernel task per compute op.
    pub task_info: bool,
    /// Partition alignment in bytes (0 or 1: none); offsets then include the padding.
    pub align: usize,
    /// Further models written after the first as a multi-model file (needs a 2.0 header).
    pub extra_models: Vec<GeModel>,
    /// Submodels of a flow model (`modeltype` 3, 64-bit table, 2.0 header): the model is then
    /// the root graph, followed by a FLOW_MODEL partition and one FLOW_SUBMODEL partition per
    /// submodel, each a `SubmodelDef` {1: name, 2: type, 3: the submodel as an ATC `.om`}.
    pub flow_submodels: Vec<(String, GeModel)>,
}

impl OmOptions {
    /// What current ATC writes for a static-shape model.
    pub fn atc() -> OmOptions {
        OmOptions {
            header: OmHeader::V2,
            wide_table: false,
            compress_attrs: true,
            task_info: true,
            align: 0,
            extra_models: Vec::new(),
            flow_submodels: Vec::new(),
        }
    }

    /// The plainest container: 1.0 header, 32-bit table, no compression, no tasks.
    pub fn plain() -> OmOptions {
        OmOptions {
            header: OmHeader::V1,
            wide_table: false,
            compress_attrs: false,
            task_info: false,
            align: 0,
            extra_models: Vec::new(),
            flow_submodels: Vec::new(),
        }
    }
}

impl GeModel {
    pub(crate) fn from_def(def: pb::ModelDef) -> GeModel {
        GeModel { def }
    }

    /// Ops of the main graph (graph[0]): what `opscope inspect` reports as `nodes`.
    pub fn op_count(&self) -> usize {
        self.def.graph.first().map_or(0, |g| g.op.len())
    }

    pub fn name(&self) -> &str {
        &self.def.name
    }

    /// The GE graph dump form: protobuf text format as `DUMP_GE_GRAPH` writes it (fields in
    /// number order, map entries sorted by key, enums by name, strings C-escaped).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        text::model(&mut out, &self.def);
        out
    }

    /// The JSON form (`atc --mode=1` for `JsonStyle::ATC`).
    pub fn to_json(&self, style: JsonStyle) -> String {
        let value = json_form::model(&self.def, style);
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    /// An `.om` container.
    pub fn to_om(&self, options: &OmOptions) -> Vec<u8> {
        om::write(self, options)
    }
}

// ---- Samples ----

/// ResNet-50 v1 after ATC for an Ascend 310: 53 fused convolutions with their weight and bias
/// Consts, 16 fused Add+ReLU, TransData and Cast at both ends, an AI CPU ArgMax. 188 ops.
pub fn ge_resnet50() -> GeModel {
    let mut net = Net::new("resnet50");
    let x = net.data("input", &[1, 3, 224, 224]);
    let x = net.cast(&x, pb::DataType::DtFloat16);
    let x = net.trans_data(&x, NC1HWC0);
    net.push_scope("conv1");
    let x = net.conv(&x, &Conv::new(64, 7, 2, 3), Fuse::BnRelu);
    net.pop_scope();
    net.push_scope("maxpool");
    let mut x = net.max_pool(&x, 3, 2);
    net.pop_scope();
    for (stage_idx, block_idx, width, stride) in resnet50_blocks() {
        net.push_scope(&format!("layer{}", stage_idx + 1));
        net.push_scope(&block_idx.to_string());
        x = bottleneck(&mut net, &x, width, stride);
        net.pop_scope();
        net.pop_scope();
    }
    let (x, index) = head(&mut net, &x, 1000);
    net.finish(&[&x, &index])
}

/// MobileNet v2 after ATC: fused Conv+BN+ReLU6, DepthwiseConv2D with C1HWNCoC0 filters, residual
/// Adds, the same head as [`ge_resnet50`]. 178 ops.
pub fn ge_mobilenet_v2() -> GeModel {
    let mut net = Net::new("mobilenet_v2");
    let x = net.data("input", &[1, 3, 224, 224]);
    let x = net.cast(&x, pb::DataType::DtFloat16);
    let x = net.trans_data(&x, NC1HWC0);
    net.push_scope("features.0");
    let mut x = net.conv(&x, &Conv::new(32, 3, 2, 1), Fuse::BnRelu6);
    net.pop_scope();
    let blocks = mobilenet_v2_blocks();
    for (idx, &(expand, channels, stride)) in blocks.iter().enumerate() {
        net.push_scope(&format!("features.{}", idx + 1));
        x = inverted_residual(&mut net, &x, expand, channels, stride);
        net.pop_scope();
    }
    net.push_scope(&format!("features.{}", blocks.len() + 1));
    let x = net.conv(&x, &Conv::new(1280, 1, 1, 0), Fuse::BnRelu6);
    net.pop_scope();
    let (x, index) = head(&mut net, &x, 1000);
    net.finish(&[&x, &index])
}

/// A small fused network for golden tests: Cast, TransData, two fused convolutions, a fused
/// residual Add+ReLU, TransData and Cast back, NetOutput. 13 ops.
pub fn ge_small() -> GeModel {
    let mut net = Net::new("small");
    let x = net.data("input", &[1, 3, 8, 8]);
    let x = net.cast(&x, pb::DataType::DtFloat16);
    let x = net.trans_data(&x, NC1HWC0);
    net.push_scope("block");
    let a = net.conv(&x, &Conv::new(16, 3, 1, 1), Fuse::BnRelu);
    let b = net.conv(&a, &Conv::new(16, 3, 1, 1), Fuse::Bn);
    let y = net.add_relu(&b, &a);
    net.pop_scope();
    let y = net.trans_data(&y, NCHW);
    let y = net.cast(&y, pb::DataType::DtFloat);
    net.finish(&[&y])
}

/// A chain of fused residual blocks (weight, bias, Conv2D+ReLU, Add: 4 ops each) with about
/// `target_ops` ops: the benchmark and scale-test input.
pub fn ge_chain(target_ops: usize) -> GeModel {
    let mut net = Net::new("chain");
    let x = net.data("input", &[1, 64, 56, 56]);
    let x = net.cast(&x, pb::DataType::DtFloat16);
    let mut x = net.trans_data(&x, NC1HWC0);
    let n_blocks = target_ops.saturating_sub(6).div_ceil(4);
    for block_idx in 0..n_blocks {
        net.push_scope(&format!("block{block_idx}"));
        let y = net.conv(&x, &Conv::new(64, 3, 1, 1), Fuse::Relu);
        x = net.add(&y, &x);
        net.pop_scope();
    }
    let x = net.trans_data(&x, NCHW);
    net.finish(&[&x])
}

fn bottleneck(net: &mut Net, x: &str, width: i64, stride: i64) -> String {
    let in_channels = net.logical(x).0;
    let out_channels = width * 4;
    let y = net.conv(
        x,
        &Conv::new(width, 1, 1, 0).named("conv1", "bn1"),
        Fuse::BnRelu,
    );
    let y = net.conv(
        &y,
        &Conv::new(width, 3, stride, 1).named("conv2", "bn2"),
        Fuse::BnRelu,
    );
    let y = net.conv(
        &y,
        &Conv::new(out_channels, 1, 1, 0).named("conv3", "bn3"),
        Fuse::Bn,
    );
    let shortcut = if stride != 1 || in_channels != out_channels {
        net.push_scope("downsample");
        let s = net.conv(
            x,
            &Conv::new(out_channels, 1, stride, 0).named("0", "1"),
            Fuse::Bn,
        );
        net.pop_scope();
        s
    } else {
        x.to_string()
    };
    net.add_relu(&y, &shortcut)
}

fn inverted_residual(
    net: &mut Net,
    x: &str,
    expand: i64,
    out_channels: i64,
    stride: i64,
) -> String {
    let in_channels = net.logical(x).0;
    let hidden = in_channels * expand;
    let mut y = x.to_string();
    if expand != 1 {
        y = net.conv(
            &y,
            &Conv::new(hidden, 1, 1, 0).named("expand", "expand_bn"),
            Fuse::BnRelu6,
        );
    }
    y = net.depthwise(&y, 3, stride);
    y = net.conv(
        &y,
        &Conv::new(out_channels, 1, 1, 0).named("project", "project_bn"),
        Fuse::Bn,
    );
    if stride == 1 && in_channels == out_channels {
        y = net.add(&y, x);
    }
    y
}

/// Global pooling, the classifier, back to NCHW fp32, and the class index: (logits, index).
fn head(net: &mut Net, x: &str, classes: i64) -> (String, String) {
    net.push_scope("avgpool");
    let x = net.global_avg_pool(x);
    net.pop_scope();
    net.push_scope("fc");
    let x = net.fully_connection(&x, classes);
    net.pop_scope();
    let x = net.trans_data(&x, NCHW);
    let x = net.cast(&x, pb::DataType::DtFloat);
    net.push_scope("argmax");
    let index = net.arg_max(&x);
    net.pop_scope();
    (x, index)
}

// ---- Building a graph the way ATC leaves it ----

const NCHW: &str = "NCHW";
const NC1HWC0: &str = "NC1HWC0";
const FRACTAL_Z: &str = "FRACTAL_Z";
const ND: &str = "ND";
const C1HWNCOC0: &str = "C1HWNCoC0";

const AICORE: &str = "AIcoreEngine";
const AICPU: &str = "aicpu_ascend_kernel";
const GE_LOCAL: &str = "DNN_VM_GE_LOCAL_OP_STORE";

/// Channels of one C0 block in fp16 (the Cube unit's 16).
const C0: i64 = 16;

fn c1(channels: i64) -> i64 {
    (channels + C0 - 1) / C0
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fuse {
    Bn,
    BnRelu,
    BnRelu6,
    Relu,
}

struct Conv {
    out_channels: i64,
    kernel: i64,
    stride: i64,
    pad: i64,
    conv_name: &'static str,
    bn_name: &'static str,
}

impl Conv {
    fn new(out_channels: i64, kernel: i64, stride: i64, pad: i64) -> Conv {
        Conv {
            out_channels,
            kernel,
            stride,
            pad,
            conv_name: "",
            bn_name: "",
        }
    }

    fn named(mut self, conv: &'static str, bn: &'static str) -> Conv {
        self.conv_name = conv;
        self.bn_name = bn;
        self
    }
}

struct Net {
    name: String,
    graph: pb::GraphDef,
    /// Output desc of every tensor `op:idx`.
    descs: HashMap<String, pb::TensorDescriptor>,
    /// Logical (channels, height, width) of activation tensors, whatever their layout.
    logical: HashMap<String, (i64, i64, i64)>,
    scope: Vec<String>,
    next_id: i64,
    n_trans: usize,
    n_unnamed: usize,
}

fn s(value: &str) -> pb::AttrDef {
    pb::AttrDef {
        value: Some(pb::attr_def::Value::S(Bytes::copy_from_slice(
            value.as_bytes(),
        ))),
    }
}

fn i(value: i64) -> pb::AttrDef {
    pb::AttrDef {
        value: Some(pb::attr_def::Value::I(value)),
    }
}

fn b(value: bool) -> pb::AttrDef {
    pb::AttrDef {
        value: Some(pb::attr_def::Value::B(value)),
    }
}

fn dt(value: i64) -> pb::AttrDef {
    pb::AttrDef {
        value: Some(pb::attr_def::Value::Dt(value)),
    }
}

fn ints(values: &[i64]) -> pb::AttrDef {
    pb::AttrDef {
        value: Some(pb::attr_def::Value::List(pb::attr_def::ListValue {
            i: values.to_vec(),
            val_type: pb::attr_def::list_value::ListValueType::VtListInt as i32,
            ..Default::default()
        })),
    }
}

fn strings(values: &[&str]) -> pb::AttrDef {
    pb::AttrDef {
        value: Some(pb::attr_def::Value::List(pb::attr_def::ListValue {
            s: values
                .iter()
                .map(|v| Bytes::copy_from_slice(v.as_bytes()))
                .collect(),
            val_type: pb::attr_def::list_value::ListValueType::VtListString as i32,
            ..Default::default()
        })),
    }
}

fn element_bytes(dtype: pb::DataType) -> i64 {
    match dtype {
        pb::DataType::DtFloat | pb::DataType::DtInt32 | pb::DataType::DtUint32 => 4,
        pb::DataType::DtFloat16 | pb::DataType::DtInt16 | pb::DataType::DtUint16 => 2,
        pb::DataType::DtInt64 | pb::DataType::DtUint64 | pb::DataType::DtDouble => 8,
        _ => 1,
    }
}

fn desc(dtype: pb::DataType, dims: &[i64], layout: &str) -> pb::TensorDescriptor {
    let bytes = dims.iter().product::<i64>() * element_bytes(dtype);
    pb::TensorDescriptor {
        dtype: dtype as i32,
        shape: Some(pb::ShapeDef { dim: dims.to_vec() }),
        layout: layout.to_string(),
        // GE rounds memory sizes up to 32 bytes and adds 32.
        size: (bytes + 31) / 32 * 32 + 32,
        ..Default::default()
    }
}

impl Net {
    fn new(name: &str) -> Net {
        Net {
            name: name.to_string(),
            graph: pb::GraphDef {
                name: name.to_string(),
                ..Default::default()
            },
            descs: HashMap::new(),
            logical: HashMap::new(),
            scope: Vec::new(),
            next_id: 0,
            n_trans: 0,
            n_unnamed: 0,
        }
    }

    fn push_scope(&mut self, name: &str) {
        self.scope.push(name.to_string());
    }

    fn pop_scope(&mut self) {
        self.scope.pop();
    }

    fn scoped(&self, name: &str) -> String {
        let mut parts = self.scope.clone();
        parts.push(name.to_string());
        parts.join("/")
    }

    fn logical(&self, tensor: &str) -> (i64, i64, i64) {
        self.logical.get(tensor).copied().unwrap_or((0, 0, 0))
    }

    fn desc_of(&self, tensor: &str) -> pb::TensorDescriptor {
        self.descs.get(tensor).cloned().unwrap_or_default()
    }

    /// Adds an op and returns its output tensors (`name:0`, `name:1`, ...).
    fn op(
        &mut self,
        name: &str,
        op_type: &str,
        inputs: &[&str],
        outputs: Vec<pb::TensorDescriptor>,
        mut attrs: Vec<(&str, pb::AttrDef)>,
        engine: &str,
    ) -> Vec<String> {
        let id = self.next_id;
        self.next_id += 1;
        attrs.push(("_ge_attr_op_kernel_lib_name", s(engine)));
        let stream_id = match engine {
            AICORE => 0,
            AICPU => 1,
            _ => -1,
        };
        if engine == AICORE {
            attrs.push((
                "_kernelname",
                s(&format!("te_{}_{id}", op_type.to_ascii_lowercase())),
            ));
            attrs.push(("tvm_blockdim", i(2)));
            attrs.push(("imply_type", i(1)));
        } else if engine == AICPU {
            attrs.push(("imply_type", i(3)));
        }
        let names: Vec<String> = (0..outputs.len()).map(|k| format!("{name}:{k}")).collect();
        for (tensor, out) in names.iter().zip(&outputs) {
            self.descs.insert(tensor.clone(), out.clone());
        }
        self.graph.op.push(pb::OpDef {
            name: name.to_string(),
            r#type: op_type.to_string(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            attr: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            id,
            stream_id,
            input_desc: inputs.iter().map(|t| self.desc_of(t)).collect(),
            output_desc: outputs,
            ..Default::default()
        });
        names
    }

    fn data(&mut self, name: &str, dims: &[i64]) -> String {
        let out = desc(pb::DataType::DtFloat, dims, NCHW);
        let tensor = self
            .op(
                name,
                "Data",
                &[],
                vec![out],
                vec![("index", i(0))],
                GE_LOCAL,
            )
            .remove(0);
        self.logical
            .insert(tensor.clone(), (dims[1], dims[2], dims[3]));
        tensor
    }

    /// A Const holding a weight: its `value` carries the desc and weight size, not the bytes
    /// (ATC moves those into the WEIGHTS_DATA partition).
    fn weight(&mut self, name: &str, dtype: pb::DataType, dims: &[i64], layout: &str) -> String {
        let mut value_desc = desc(dtype, dims, layout);
        value_desc.weight_size = dims.iter().product::<i64>() * element_bytes(dtype);
        value_desc.data_offset = 0;
        let value = pb::AttrDef {
            value: Some(pb::attr_def::Value::T(pb::TensorDef {
                desc: Some(value_desc.clone()),
                data: Bytes::new(),
            })),
        };
        self.op(
            name,
            "Const",
            &[],
            vec![value_desc],
            vec![("value", value)],
            GE_LOCAL,
        )
        .remove(0)
    }

    fn cast(&mut self, x: &str, to: pb::DataType) -> String {
        let mut out = self.desc_of(x);
        let dims = out.shape.clone().unwrap_or_default().dim;
        out = desc(to, &dims, &out.layout);
        let name = format!("trans_Cast_{}", self.n_trans);
        self.n_trans += 1;
        let dst_type = if to == pb::DataType::DtFloat16 { 1 } else { 0 };
        let y = self
            .op(
                &name,
                "Cast",
                &[x],
                vec![out],
                vec![("dst_type", i(dst_type)), ("truncate", b(false))],
                AICORE,
            )
            .remove(0);
        let logical = self.logical(x);
        self.logical.insert(y.clone(), logical);
        y
    }

    /// Format change between NCHW and NC1HWC0.
    fn trans_data(&mut self, x: &str, to: &str) -> String {
        let from = self.desc_of(x);
        let (c, h, w) = self.logical(x);
        let n = 1;
        let dims = if to == NC1HWC0 {
            vec![n, c1(c), h, w, C0]
        } else {
            vec![n, c, h, w]
        };
        let dtype = pb::DataType::try_from(from.dtype).unwrap_or(pb::DataType::DtFloat16);
        let name = format!("trans_TransData_{}", self.n_trans);
        self.n_trans += 1;
        let y = self
            .op(
                &name,
                "TransData",
                &[x],
                vec![desc(dtype, &dims, to)],
                vec![
                    ("src_format", s(&from.layout)),
                    ("dst_format", s(to)),
                    ("groups", i(1)),
                ],
                AICORE,
            )
            .remove(0);
        self.logical.insert(y.clone(), (c, h, w));
        y
    }

    fn five_hd(&self, c: i64, h: i64, w: i64) -> pb::TensorDescriptor {
        desc(pb::DataType::DtFloat16, &[1, c1(c), h, w, C0], NC1HWC0)
    }

    /// Conv2D with BatchNorm folded in and an activation fused by UB fusion: one node named
    /// after the convolution that lists every op it came from.
    fn conv(&mut self, x: &str, conv: &Conv, fuse: Fuse) -> String {
        let (cin, h, w) = self.logical(x);
        let (k, stride, pad) = (conv.kernel, conv.stride, conv.pad);
        let ho = (h + 2 * pad - k) / stride + 1;
        let wo = (w + 2 * pad - k) / stride + 1;
        let conv_name = if conv.conv_name.is_empty() {
            self.n_unnamed += 1;
            self.scoped(&format!("Conv_{}", self.n_unnamed))
        } else {
            self.scoped(&format!("{}/Conv", conv.conv_name))
        };
        let bn_name = if conv.bn_name.is_empty() {
            self.scoped(&format!("BatchNormalization_{}", self.n_unnamed))
        } else {
            self.scoped(&format!("{}/BatchNormalization", conv.bn_name))
        };
        let weight = self.weight(
            &format!("{conv_name}/weight"),
            pb::DataType::DtFloat16,
            &[c1(cin) * k * k, c1(conv.out_channels), C0, C0],
            FRACTAL_Z,
        );
        let bias = self.weight(
            &format!("{conv_name}/bias"),
            pb::DataType::DtFloat16,
            &[conv.out_channels],
            ND,
        );
        let (mut names, mut types) = (vec![conv_name.clone()], vec!["Conv2D"]);
        if fuse != Fuse::Relu {
            names.push(bn_name);
            types.push("BatchNorm");
        }
        match fuse {
            Fuse::BnRelu | Fuse::Relu => {
                names.push(self.scoped(&format!("Relu_{}", self.graph.op.len())));
                types.push("Relu");
            }
            Fuse::BnRelu6 => {
                names.push(self.scoped(&format!("Relu6_{}", self.graph.op.len())));
                types.push("Relu6");
            }
            Fuse::Bn => {}
        }
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let y = self
            .op(
                &conv_name,
                "Conv2D",
                &[x, &weight, &bias],
                vec![self.five_hd(conv.out_channels, ho, wo)],
                vec![
                    ("strides", ints(&[1, 1, stride, stride])),
                    ("pads", ints(&[pad, pad, pad, pad])),
                    ("dilations", ints(&[1, 1, 1, 1])),
                    ("groups", i(1)),
                    ("data_format", s(NCHW)),
                    ("offset_x", i(0)),
                    ("_datadump_original_op_names", strings(&names)),
                    ("_datadump_original_op_types", strings(&types)),
                ],
                AICORE,
            )
            .remove(0);
        self.logical.insert(y.clone(), (conv.out_channels, ho, wo));
        y
    }

    fn depthwise(&mut self, x: &str, k: i64, stride: i64) -> String {
        let (c, h, w) = self.logical(x);
        let pad = k / 2;
        let ho = (h + 2 * pad - k) / stride + 1;
        let wo = (w + 2 * pad - k) / stride + 1;
        let name = self.scoped("depthwise/Conv");
        let weight = self.weight(
            &format!("{name}/weight"),
            pb::DataType::DtFloat16,
            &[c1(c), k, k, 1, C0, C0],
            C1HWNCOC0,
        );
        let bias = self.weight(&format!("{name}/bias"), pb::DataType::DtFloat16, &[c], ND);
        let bn = self.scoped("depthwise_bn/BatchNormalization");
        let relu = self.scoped("depthwise_relu/Relu6");
        let y = self
            .op(
                &name,
                "DepthwiseConv2D",
                &[x, &weight, &bias],
                vec![self.five_hd(c, ho, wo)],
                vec![
                    ("strides", ints(&[1, 1, stride, stride])),
                    ("pads", ints(&[pad, pad, pad, pad])),
                    ("dilations", ints(&[1, 1, 1, 1])),
                    ("data_format", s(NCHW)),
                    ("offset_x", i(0)),
                    ("_datadump_original_op_names", strings(&[&name, &bn, &relu])),
                    (
                        "_datadump_original_op_types",
                        strings(&["Conv2D", "BatchNorm", "Relu6"]),
                    ),
                ],
                AICORE,
            )
            .remove(0);
        self.logical.insert(y.clone(), (c, ho, wo));
        y
    }

    fn max_pool(&mut self, x: &str, k: i64, stride: i64) -> String {
        let (c, h, w) = self.logical(x);
        let (ho, wo) = ((h + stride - 1) / stride, (w + stride - 1) / stride);
        let name = self.scoped("MaxPool");
        let y = self
            .op(
                &name,
                "MaxPool",
                &[x],
                vec![self.five_hd(c, ho, wo)],
                vec![
                    ("ksize", ints(&[1, 1, k, k])),
                    ("strides", ints(&[1, 1, stride, stride])),
                    ("padding", s("SAME")),
                    ("data_format", s(NCHW)),
                ],
                AICORE,
            )
            .remove(0);
        self.logical.insert(y.clone(), (c, ho, wo));
        y
    }

    fn global_avg_pool(&mut self, x: &str) -> String {
        let (c, h, w) = self.logical(x);
        let name = self.scoped("GlobalAveragePool");
        let y = self
            .op(
                &name,
                "AvgPool",
                &[x],
                vec![self.five_hd(c, 1, 1)],
                vec![
                    ("ksize", ints(&[1, 1, h, w])),
                    ("strides", ints(&[1, 1, 1, 1])),
                    ("padding", s("VALID")),
                    ("data_format", s(NCHW)),
                ],
                AICORE,
            )
            .remove(0);
        self.logical.insert(y.clone(), (c, 1, 1));
        y
    }

    fn fully_connection(&mut self, x: &str, classes: i64) -> String {
        let (c, _, _) = self.logical(x);
        let name = self.scoped("Gemm");
        let weight = self.weight(
            &format!("{name}/weight"),
            pb::DataType::DtFloat16,
            &[c1(c), c1(classes), C0, C0],
            FRACTAL_Z,
        );
        let bias = self.weight(
            &format!("{name}/bias"),
            pb::DataType::DtFloat16,
            &[classes],
            ND,
        );
        let y = self
            .op(
                &name,
                "FullyConnection",
                &[x, &weight, &bias],
                vec![self.five_hd(classes, 1, 1)],
                vec![
                    ("num_output", i(classes)),
                    ("transpose", b(false)),
                    ("axis", i(1)),
                    ("_datadump_original_op_names", strings(&[&name])),
                ],
                AICORE,
            )
            .remove(0);
        self.logical.insert(y.clone(), (classes, 1, 1));
        y
    }

    /// ArgMax over channels, which ATC places on the AI CPU.
    fn arg_max(&mut self, x: &str) -> String {
        let name = self.scoped("ArgMaxV2");
        let axis = self.weight(
            &format!("{name}/dimension"),
            pb::DataType::DtInt32,
            &[1],
            ND,
        );
        self.op(
            &name,
            "ArgMaxV2",
            &[x, &axis],
            vec![desc(pb::DataType::DtInt32, &[1, 1, 1], ND)],
            // The C++ ge::DataType number of int32.
            vec![("dtype", dt(3))],
            AICPU,
        )
        .remove(0)
    }

    fn add(&mut self, a: &str, b: &str) -> String {
        let (c, h, w) = self.logical(a);
        let name = self.scoped("Add");
        let y = self
            .op(
                &name,
                "Add",
                &[a, b],
                vec![self.five_hd(c, h, w)],
                vec![
                    ("_datadump_original_op_names", strings(&[&name])),
                    ("_datadump_original_op_types", strings(&["Add"])),
                ],
                AICORE,
            )
            .remove(0);
        self.logical.insert(y.clone(), (c, h, w));
        y
    }

    fn add_relu(&mut self, a: &str, b: &str) -> String {
        let (c, h, w) = self.logical(a);
        let name = self.scoped("Add");
        let relu = self.scoped("Relu");
        let y = self
            .op(
                &name,
                "Add",
                &[a, b],
                vec![self.five_hd(c, h, w)],
                vec![
                    ("_datadump_original_op_names", strings(&[&name, &relu])),
                    ("_datadump_original_op_types", strings(&["Add", "Relu"])),
                ],
                AICORE,
            )
            .remove(0);
        self.logical.insert(y.clone(), (c, h, w));
        y
    }

    fn finish(mut self, outputs: &[&str]) -> GeModel {
        self.op(
            "NetOutput",
            "NetOutput",
            outputs,
            Vec::new(),
            Vec::new(),
            GE_LOCAL,
        );
        let mut attr = BTreeMap::new();
        attr.insert("soc_version".to_string(), s("Ascend310"));
        attr.insert(
            "atc_cmdline".to_string(),
            s(&format!(
                "atc --model={0}.onnx --framework=5 --output={0} --soc_version=Ascend310",
                self.name
            )),
        );
        GeModel {
            def: pb::ModelDef {
                name: self.name,
                version: 1,
                graph: vec![self.graph],
                attr,
                ..Default::default()
            },
        }
    }
}

// ---- Text format (GE graph dump) ----

mod text {
    use super::*;

    fn indent(out: &mut String, depth: usize) {
        for _ in 0..depth {
            out.push_str("  ");
        }
    }

    fn open(out: &mut String, depth: usize, name: &str) {
        indent(out, depth);
        out.push_str(name);
        out.push_str(" {\n");
    }

    fn close(out: &mut String, depth: usize) {
        indent(out, depth);
        out.push_str("}\n");
    }

    fn scalar(out: &mut String, depth: usize, name: &str, value: impl std::fmt::Display) {
        indent(out, depth);
        let _ = writeln!(out, "{name}: {value}");
    }

    fn string(out: &mut String, depth: usize, name: &str, value: &[u8]) {
        indent(out, depth);
        let _ = writeln!(out, "{name}: \"{}\"", c_escape(value));
    }

    fn float(value: f32) -> String {
        if value.is_nan() {
            "nan".to_string()
        } else if value.is_infinite() {
            if value > 0.0 { "inf" } else { "-inf" }.to_string()
        } else {
            value.to_string()
        }
    }

    pub(super) fn model(out: &mut String, def: &pb::ModelDef) {
        if !def.name.is_empty() {
            string(out, 0, "name", def.name.as_bytes());
        }
        if def.version != 0 {
            scalar(out, 0, "version", def.version);
        }
        if !def.custom_version.is_empty() {
            string(out, 0, "custom_version", def.custom_version.as_bytes());
        }
        for graph in &def.graph {
            open(out, 0, "graph");
            self::graph(out, graph, 1);
            close(out, 0);
        }
        attrs(out, &def.attr, 0, "attr");
    }

    fn graph(out: &mut String, graph: &pb::GraphDef, depth: usize) {
        if !graph.name.is_empty() {
            string(out, depth, "name", graph.name.as_bytes());
        }
        for input in &graph.input {
            string(out, depth, "input", input.as_bytes());
        }
        for output in &graph.output {
            string(out, depth, "output", output.as_bytes());
        }
        for op in &graph.op {
            open(out, depth, "op");
            self::op(out, op, depth + 1);
            close(out, depth);
        }
        attrs(out, &graph.attr, depth, "attr");
    }

    fn op(out: &mut String, op: &pb::OpDef, depth: usize) {
        if !op.name.is_empty() {
            string(out, depth, "name", op.name.as_bytes());
        }
        if !op.r#type.is_empty() {
            string(out, depth, "type", op.r#type.as_bytes());
        }
        for input in &op.input {
            string(out, depth, "input", input.as_bytes());
        }
        attrs(out, &op.attr, depth, "attr");
        if op.id != 0 {
            scalar(out, depth, "id", op.id);
        }
        if op.stream_id != 0 {
            scalar(out, depth, "stream_id", op.stream_id);
        }
        for value in &op.workspace_bytes {
            scalar(out, depth, "workspace_bytes", value);
        }
        for desc in &op.input_desc {
            open(out, depth, "input_desc");
            self::desc(out, desc, depth + 1);
            close(out, depth);
        }
        for desc in &op.output_desc {
            open(out, depth, "output_desc");
            self::desc(out, desc, depth + 1);
            close(out, depth);
        }
        for name in &op.subgraph_name {
            string(out, depth, "subgraph_name", name.as_bytes());
        }
    }

    fn desc(out: &mut String, desc: &pb::TensorDescriptor, depth: usize) {
        if !desc.name.is_empty() {
            string(out, depth, "name", desc.name.as_bytes());
        }
        if desc.dtype != 0 {
            match pb::DataType::try_from(desc.dtype) {
                Ok(dtype) => scalar(out, depth, "dtype", dtype.as_str_name()),
                Err(_) => scalar(out, depth, "dtype", desc.dtype),
            }
        }
        if let Some(shape) = &desc.shape {
            open(out, depth, "shape");
            for dim in &shape.dim {
                scalar(out, depth + 1, "dim", dim);
            }
            close(out, depth);
        }
        if !desc.layout.is_empty() {
            string(out, depth, "layout", desc.layout.as_bytes());
        }
        attrs(out, &desc.attr, depth, "attr");
        for (name, value) in [
            ("size", desc.size),
            ("weight_size", desc.weight_size),
            ("real_dim_cnt", desc.real_dim_cnt),
            ("data_offset", desc.data_offset),
        ] {
            if value != 0 {
                scalar(out, depth, name, value);
            }
        }
    }

    fn attrs(out: &mut String, map: &BTreeMap<String, pb::AttrDef>, depth: usize, field: &str) {
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        for key in keys {
            open(out, depth, field);
            string(out, depth + 1, "key", key.as_bytes());
            open(out, depth + 1, "value");
            attr(out, &map[key], depth + 2);
            close(out, depth + 1);
            close(out, depth);
        }
    }

    fn attr(out: &mut String, attr: &pb::AttrDef, depth: usize) {
        use pb::attr_def::Value;
        match &attr.value {
            Some(Value::S(v)) => string(out, depth, "s", v),
            Some(Value::I(v)) => scalar(out, depth, "i", v),
            Some(Value::F(v)) => scalar(out, depth, "f", float(*v)),
            Some(Value::B(v)) => scalar(out, depth, "b", v),
            Some(Value::Bt(v)) => string(out, depth, "bt", v),
            Some(Value::Dt(v)) => scalar(out, depth, "dt", v),
            Some(Value::Expression(v)) => string(out, depth, "expression", v),
            Some(Value::List(list)) => {
                open(out, depth, "list");
                for v in &list.s {
                    string(out, depth + 1, "s", v);
                }
                for v in &list.i {
                    scalar(out, depth + 1, "i", v);
                }
                for v in &list.f {
                    scalar(out, depth + 1, "f", float(*v));
                }
                for v in &list.b {
                    scalar(out, depth + 1, "b", v);
                }
                for v in &list.t {
                    open(out, depth + 1, "t");
                    tensor(out, v, depth + 2);
                    close(out, depth + 1);
                }
                for v in &list.g {
                    open(out, depth + 1, "g");
                    graph(out, v, depth + 2);
                    close(out, depth + 1);
                }
                for v in &list.dt {
                    scalar(out, depth + 1, "dt", v);
                }
                if list.val_type != 0 {
                    let name = pb::attr_def::list_value::ListValueType::try_from(list.val_type)
                        .map(|v| v.as_str_name())
                        .unwrap_or("VT_LIST_NONE");
                    scalar(out, depth + 1, "val_type", name);
                }
                close(out, depth);
            }
            Some(Value::T(t)) => {
                open(out, depth, "t");
                tensor(out, t, depth + 1);
                close(out, depth);
            }
            Some(Value::G(g)) => {
                open(out, depth, "g");
                graph(out, g, depth + 1);
                close(out, depth);
            }
            Some(Value::Td(d)) => {
                open(out, depth, "td");
                desc(out, d, depth + 1);
                close(out, depth);
            }
            Some(Value::Func(named)) => {
                open(out, depth, "func");
                string(out, depth + 1, "name", named.name.as_bytes());
                attrs(out, &named.attr, depth + 1, "attr");
                close(out, depth);
            }
            Some(Value::ListListInt(lists)) => {
                open(out, depth, "list_list_int");
                for list in &lists.list_list_i {
                    open(out, depth + 1, "list_list_i");
                    for v in &list.list_i {
                        scalar(out, depth + 2, "list_i", v);
                    }
                    close(out, depth + 1);
                }
                close(out, depth);
            }
            Some(Value::ListListFloat(lists)) => {
                open(out, depth, "list_list_float");
                for list in &lists.list_list_f {
                    open(out, depth + 1, "list_list_f");
                    for v in &list.list_f {
                        scalar(out, depth + 2, "list_f", float(*v));
                    }
                    close(out, depth + 1);
                }
                close(out, depth);
            }
            None => {}
        }
    }

    fn tensor(out: &mut String, t: &pb::TensorDef, depth: usize) {
        if let Some(d) = &t.desc {
            open(out, depth, "desc");
            desc(out, d, depth + 1);
            close(out, depth);
        }
        if !t.data.is_empty() {
            string(out, depth, "data", &t.data);
        }
    }
}

/// C-style escaping as protobuf's `CEscape`: printable ASCII as is, quotes and backslashes
/// escaped, everything else as three octal digits.
fn c_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        match byte {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(byte as char),
            _ => {
                let _ = write!(out, "\\{byte:03o}");
            }
        }
    }
    out
}

// ---- JSON (atc --mode=1) ----

mod json_form {
    use super::*;

    fn int(value: i64, style: JsonStyle) -> Value {
        if style.int64_as_strings {
            Value::String(value.to_string())
        } else {
            json!(value)
        }
    }

    fn text(bytes: &[u8]) -> Value {
        Value::String(String::from_utf8_lossy(bytes).into_owned())
    }

    fn insert_nonempty(map: &mut Map<String, Value>, key: &str, value: Value) {
        let empty = match &value {
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Number(n) => n.as_i64() == Some(0),
            Value::Null => true,
            _ => false,
        };
        if !empty {
            map.insert(key.to_string(), value);
        }
    }

    pub(super) fn model(def: &pb::ModelDef, style: JsonStyle) -> Value {
        let mut map = Map::new();
        insert_nonempty(&mut map, "name", text(def.name.as_bytes()));
        if def.version != 0 {
            map.insert("version".into(), json!(def.version));
        }
        insert_nonempty(
            &mut map,
            "custom_version",
            text(def.custom_version.as_bytes()),
        );
        map.insert(
            "graph".into(),
            Value::Array(def.graph.iter().map(|g| graph(g, style)).collect()),
        );
        insert_attrs(&mut map, &def.attr, style);
        Value::Object(map)
    }

    fn insert_attrs(
        map: &mut Map<String, Value>,
        attrs: &BTreeMap<String, pb::AttrDef>,
        style: JsonStyle,
    ) {
        if attrs.is_empty() {
            return;
        }
        let mut keys: Vec<&String> = attrs.keys().collect();
        keys.sort();
        let value = if style.attrs_as_object {
            Value::Object(
                keys.iter()
                    .map(|k| (k.to_string(), attr(&attrs[*k], style)))
                    .collect(),
            )
        } else {
            Value::Array(
                keys.iter()
                    .map(|k| json!({"key": k, "value": attr(&attrs[*k], style)}))
                    .collect(),
            )
        };
        map.insert("attr".into(), value);
    }

    fn graph(graph: &pb::GraphDef, style: JsonStyle) -> Value {
        let mut map = Map::new();
        insert_nonempty(&mut map, "name", text(graph.name.as_bytes()));
        insert_nonempty(&mut map, "input", json!(graph.input));
        insert_nonempty(&mut map, "output", json!(graph.output));
        map.insert(
            "op".into(),
            Value::Array(graph.op.iter().map(|o| op(o, style)).collect()),
        );
        insert_attrs(&mut map, &graph.attr, style);
        Value::Object(map)
    }

    fn op(op: &pb::OpDef, style: JsonStyle) -> Value {
        let mut map = Map::new();
        insert_nonempty(&mut map, "name", text(op.name.as_bytes()));
        insert_nonempty(&mut map, "type", text(op.r#type.as_bytes()));
        insert_nonempty(&mut map, "input", json!(op.input));
        insert_attrs(&mut map, &op.attr, style);
        if op.id != 0 {
            map.insert("id".into(), int(op.id, style));
        }
        if op.stream_id != 0 {
            map.insert("stream_id".into(), int(op.stream_id, style));
        }
        insert_nonempty(
            &mut map,
            "workspace_bytes",
            Value::Array(op.workspace_bytes.iter().map(|&v| int(v, style)).collect()),
        );
        insert_nonempty(
            &mut map,
            "input_desc",
            Value::Array(op.input_desc.iter().map(|d| desc(d, style)).collect()),
        );
        insert_nonempty(
            &mut map,
            "output_desc",
            Value::Array(op.output_desc.iter().map(|d| desc(d, style)).collect()),
        );
        insert_nonempty(&mut map, "subgraph_name", json!(op.subgraph_name));
        Value::Object(map)
    }

    fn desc(desc: &pb::TensorDescriptor, style: JsonStyle) -> Value {
        let mut map = Map::new();
        insert_nonempty(&mut map, "name", text(desc.name.as_bytes()));
        if desc.dtype != 0 {
            let value = match (style.enums_as_names, pb::DataType::try_from(desc.dtype)) {
                (true, Ok(dtype)) => json!(dtype.as_str_name()),
                _ => json!(desc.dtype),
            };
            map.insert("dtype".into(), value);
        }
        if let Some(shape) = &desc.shape {
            let dims: Vec<Value> = shape.dim.iter().map(|&d| int(d, style)).collect();
            map.insert(
                "shape".into(),
                if dims.is_empty() {
                    json!({})
                } else {
                    json!({ "dim": dims })
                },
            );
        }
        insert_nonempty(&mut map, "layout", text(desc.layout.as_bytes()));
        insert_attrs(&mut map, &desc.attr, style);
        for (name, value) in [
            ("size", desc.size),
            ("weight_size", desc.weight_size),
            ("real_dim_cnt", desc.real_dim_cnt),
            ("data_offset", desc.data_offset),
        ] {
            if value != 0 {
                map.insert(name.into(), int(value, style));
            }
        }
        Value::Object(map)
    }

    fn tensor(t: &pb::TensorDef, style: JsonStyle) -> Value {
        let mut map = Map::new();
        if let Some(d) = &t.desc {
            map.insert("desc".into(), desc(d, style));
        }
        if !t.data.is_empty() {
            map.insert("data".into(), Value::String(c_escape(&t.data)));
        }
        Value::Object(map)
    }

    fn attr(attr: &pb::AttrDef, style: JsonStyle) -> Value {
        use pb::attr_def::Value as V;
        match &attr.value {
            // Singular bytes are C-escaped and singular floats printed into strings, as ATC does.
            Some(V::S(v)) => json!({ "s": c_escape(v) }),
            Some(V::I(v)) => json!({ "i": int(*v, style) }),
            Some(V::F(v)) => json!({ "f": v.to_string() }),
            Some(V::B(v)) => json!({ "b": v }),
            Some(V::Bt(v)) => json!({ "bt": c_escape(v) }),
            Some(V::Dt(v)) => json!({ "dt": int(*v, style) }),
            Some(V::Expression(v)) => json!({ "expression": c_escape(v) }),
            Some(V::List(list)) => {
                let mut map = Map::new();
                insert_nonempty(
                    &mut map,
                    "s",
                    Value::Array(list.s.iter().map(|v| text(v)).collect()),
                );
                insert_nonempty(
                    &mut map,
                    "i",
                    Value::Array(list.i.iter().map(|&v| int(v, style)).collect()),
                );
                insert_nonempty(
                    &mut map,
                    "f",
                    Value::Array(list.f.iter().map(|&v| json!(f64::from(v))).collect()),
                );
                insert_nonempty(&mut map, "b", json!(list.b));
                insert_nonempty(
                    &mut map,
                    "t",
                    Value::Array(list.t.iter().map(|t| tensor(t, style)).collect()),
                );
                insert_nonempty(
                    &mut map,
                    "g",
                    Value::Array(list.g.iter().map(|g| graph(g, style)).collect()),
                );
                insert_nonempty(
                    &mut map,
                    "dt",
                    Value::Array(list.dt.iter().map(|&v| int(v, style)).collect()),
                );
                if list.val_type != 0 {
                    let value = match (
                        style.enums_as_names,
                        pb::attr_def::list_value::ListValueType::try_from(list.val_type),
                    ) {
                        (true, Ok(kind)) => json!(kind.as_str_name()),
                        _ => json!(list.val_type),
                    };
                    map.insert("val_type".into(), value);
                }
                json!({ "list": Value::Object(map) })
            }
            Some(V::T(t)) => json!({ "t": tensor(t, style) }),
            Some(V::G(g)) => json!({ "g": graph(g, style) }),
            Some(V::Td(d)) => json!({ "td": desc(d, style) }),
            Some(V::Func(named)) => {
                let mut map = Map::new();
                map.insert("name".into(), text(named.name.as_bytes()));
                insert_attrs(&mut map, &named.attr, style);
                json!({ "func": Value::Object(map) })
            }
            Some(V::ListListInt(lists)) => json!({
                "list_list_int": {
                    "list_list_i": lists.list_list_i.iter()
                        .map(|l| json!({ "list_i": l.list_i.iter().map(|&v| int(v, style)).collect::<Vec<_>>() }))
                        .collect::<Vec<_>>()
                }
            }),
            Some(V::ListListFloat(lists)) => json!({
                "list_list_float": {
                    "list_list_f": lists.list_list_f.iter()
                        .map(|l| json!({ "list_f": l.list_f.iter().map(|&v| f64::from(v)).collect::<Vec<_>>() }))
                        .collect::<Vec<_>>()
                }
            }),
            None => json!({}),
        }
    }
}

// ---- The .om container ----

mod om {
    use super::*;

    const KERNEL_MAGIC: u32 = 0x5D77_6EFD;
    const MODEL_DEF: u32 = 0;
    const WEIGHTS_DATA: u32 = 1;
    const TASK_INFO: u32 = 2;
    const TBE_KERNELS: u32 = 3;
    /// Dummy weight bytes written per model: enough to be skipped, not the real size.
    const MAX_WEIGHT_BYTES: i64 = 64 * 1024;

    const FLOW_MODEL: u32 = 6;
    const FLOW_SUBMODEL: u32 = 7;

    pub(super) fn write(model: &GeModel, options: &OmOptions) -> Vec<u8> {
        if !options.flow_submodels.is_empty() {
            return write_flow(model, options);
        }
        let v2 = options.header == OmHeader::V2;
        let wide = options.wide_table;
        let mut models = vec![model];
        if v2 {
            models.extend(options.extra_models.iter());
        }
        let mut payload = Vec::new();
        for model in &models {
            let partitions = partitions(model, options);
            block(&mut payload, &partitions, wide, options.align);
        }
        let mut out = header(model, v2, wide, models.len(), payload.len() as u64);
        out.extend_from_slice(&payload);
        out
    }

    /// A flow model as GE's `FlowModelOmSaver` writes it: MODEL_DEF (the root graph),
    /// FLOW_MODEL, then a FLOW_SUBMODEL per submodel holding its whole `.om`.
    fn write_flow(model: &GeModel, options: &OmOptions) -> Vec<u8> {
        let field = |out: &mut Vec<u8>, number: u32, bytes: &[u8]| {
            prost::encoding::encode_varint(u64::from(number << 3 | 2), out);
            prost::encoding::encode_varint(bytes.len() as u64, out);
            out.extend_from_slice(bytes);
        };
        let mut flow_model = Vec::new();
        field(&mut flow_model, 1, model.name().as_bytes());
        let mut parts = vec![
            (MODEL_DEF, model.def.encode_to_vec()),
            (FLOW_MODEL, flow_model),
        ];
        for (name, submodel) in &options.flow_submodels {
            let mut def = Vec::new();
            field(&mut def, 1, name.as_bytes());
            field(&mut def, 2, b"npu");
            field(&mut def, 3, &submodel.to_om(&OmOptions::atc()));
            parts.push((FLOW_SUBMODEL, def));
        }
        let mut payload = Vec::new();
        block(&mut payload, &parts, true, options.align);
        let mut out = header(model, true, true, 1, payload.len() as u64);
        out[82] = 3; // modeltype: flow model
        out.extend_from_slice(&payload);
        out
    }

    fn partitions(model: &GeModel, options: &OmOptions) -> Vec<(u32, Vec<u8>)> {
        let mut def = model.def.clone();
        let graph = def.graph.first().cloned().unwrap_or_default();
        let weight_bytes: i64 = graph
            .op
            .iter()
            .filter(|op| op.r#type == "Const")
            .filter_map(|op| op.output_desc.first())
            .map(|d| d.weight_size)
            .sum();
        let weights = vec![0xa5u8; weight_bytes.clamp(0, MAX_WEIGHT_BYTES) as usize];
        let kernels = kernel_store(&graph);
        let tasks = if options.task_info {
            task_info(&graph).encode_to_vec()
        } else {
            Vec::new()
        };
        def.attr.insert(
            "om_info_list".to_string(),
            ints(&[
                weights.len() as i64,
                kernels.len() as i64,
                0,
                tasks.len() as i64,
                0,
            ]),
        );
        if options.compress_attrs {
            compress(&mut def);
        }
        let mut parts = vec![
            (MODEL_DEF, def.encode_to_vec()),
            (WEIGHTS_DATA, weights),
            (TBE_KERNELS, kernels),
        ];
        if options.task_info {
            parts.push((TASK_INFO, tasks));
        }
        parts
    }

    /// TBE kernel store items: {magic, name length, binary length, name, binary}.
    fn kernel_store(graph: &pb::GraphDef) -> Vec<u8> {
        let mut out = Vec::new();
        for op in &graph.op {
            let Some(pb::attr_def::Value::S(name)) =
                op.attr.get("_kernelname").and_then(|a| a.value.as_ref())
            else {
                continue;
            };
            let binary = [0x7fu8, b'E', b'L', b'F', 0, 0, 0, 0];
            out.extend_from_slice(&KERNEL_MAGIC.to_le_bytes());
            out.extend_from_slice(&(name.len() as u32).to_le_bytes());
            out.extend_from_slice(&(binary.len() as u32).to_le_bytes());
            out.extend_from_slice(name);
            out.extend_from_slice(&binary);
        }
        out
    }

    /// One kernel task per AI Core op (ccKernelType TE) and per AI CPU op (a KernelExDef).
    fn task_info(graph: &pb::GraphDef) -> pb::ModelTaskDef {
        let mut tasks = Vec::new();
        for op in &graph.op {
            let engine = match op
                .attr
                .get("_ge_attr_op_kernel_lib_name")
                .and_then(|a| a.value.as_ref())
            {
                Some(pb::attr_def::Value::S(engine)) => {
                    String::from_utf8_lossy(engine).into_owned()
                }
                _ => continue,
            };
            let id = tasks.len() as u32;
            let op_index = op.id as u32;
            if engine == AICORE {
                let block_dim = match op.attr.get("tvm_blockdim").and_then(|a| a.value.as_ref()) {
                    Some(pb::attr_def::Value::I(v)) => *v as u32,
                    _ => 1,
                };
                tasks.push(pb::TaskDef {
                    id,
                    r#type: 0,
                    stream_id: op.stream_id.max(0) as u32,
                    kernel: Some(pb::KernelDef {
                        context: Some(pb::KernelContext {
                            kernel_type: 2,
                            op_index,
                            ..Default::default()
                        }),
                        block_dim,
                        stub_func: format!("{}__kernel0", op.name),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
            } else if engine == AICPU {
                tasks.push(pb::TaskDef {
                    id,
                    r#type: 1,
                    stream_id: op.stream_id.max(0) as u32,
                    kernel_ex: Some(pb::KernelExDef {
                        op_index,
                        ..Default::default()
                    }),
                    ..Default::default()
                });
            }
        }
        pb::ModelTaskDef {
            version: "1.0".to_string(),
            task: tasks,
            stream_num: 2,
            ..Default::default()
        }
    }

    /// GE's attribute compression: op and op-desc attribute keys replaced by dictionary
    /// indices, string values by value indices.
    fn compress(def: &mut pb::ModelDef) {
        let mut names: Vec<String> = Vec::new();
        let mut name_index: HashMap<String, usize> = HashMap::new();
        let mut use_string: Vec<bool> = Vec::new();
        let mut values: Vec<Bytes> = Vec::new();
        let mut value_index: HashMap<Bytes, i64> = HashMap::new();
        let mut compress_map = |map: &mut BTreeMap<String, pb::AttrDef>| {
            let mut entries: Vec<(String, pb::AttrDef)> = std::mem::take(map).into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, mut value) in entries {
                let is_string = match &value.value {
                    Some(pb::attr_def::Value::S(_)) => true,
                    Some(pb::attr_def::Value::List(list)) => {
                        list.val_type
                            == pb::attr_def::list_value::ListValueType::VtListString as i32
                    }
                    _ => false,
                };
                let idx = *name_index.entry(key.clone()).or_insert_with(|| {
                    names.push(key.clone());
                    use_string.push(is_string);
                    names.len() - 1
                });
                if use_string[idx] && is_string {
                    let mut lookup = |text: &Bytes| {
                        let next = values.len() as i64;
                        *value_index.entry(text.clone()).or_insert_with(|| {
                            values.push(text.clone());
                            next
                        })
                    };
                    match &mut value.value {
                        Some(pb::attr_def::Value::S(text)) => {
                            let index = lookup(text);
                            value.value = Some(pb::attr_def::Value::I(index));
                        }
                        Some(pb::attr_def::Value::List(list)) => {
                            list.i = list.s.iter().map(&mut lookup).collect();
                            list.s.clear();
                            list.val_type =
                                pb::attr_def::list_value::ListValueType::VtListInt as i32;
                        }
                        _ => {}
                    }
                }
                map.insert(ge::encode_key(idx), value);
            }
        };
        for graph in &mut def.graph {
            for op in &mut graph.op {
                compress_map(&mut op.attr);
                for desc in op.input_desc.iter_mut().chain(op.output_desc.iter_mut()) {
                    compress_map(&mut desc.attr);
                }
            }
        }
        if names.is_empty() {
            return;
        }
        let strings = |items: Vec<Bytes>| pb::AttrDef {
            value: Some(pb::attr_def::Value::List(pb::attr_def::ListValue {
                s: items,
                val_type: pb::attr_def::list_value::ListValueType::VtListString as i32,
                ..Default::default()
            })),
        };
        def.attr.insert(ge::VERSION_KEY.to_string(), i(1));
        def.attr.insert(
            ge::NAMES_KEY.to_string(),
            strings(names.iter().map(|n| Bytes::from(n.clone())).collect()),
        );
        def.attr.insert(ge::VALUES_KEY.to_string(), strings(values));
        def.attr.insert(
            ge::USE_STRING_KEY.to_string(),
            pb::AttrDef {
                value: Some(pb::attr_def::Value::List(pb::attr_def::ListValue {
                    b: use_string,
                    val_type: pb::attr_def::list_value::ListValueType::VtListBool as i32,
                    ..Default::default()
                })),
            },
        );
    }

    /// A partition table followed by its partitions; offsets count from the end of the table.
    fn block(out: &mut Vec<u8>, partitions: &[(u32, Vec<u8>)], wide: bool, align: usize) {
        let align = align.max(1);
        let mut offsets = Vec::with_capacity(partitions.len());
        let mut offset = 0usize;
        for (_, bytes) in partitions {
            offset = offset.div_ceil(align) * align;
            offsets.push(offset);
            offset += bytes.len();
        }
        out.extend_from_slice(&(partitions.len() as u32).to_le_bytes());
        if wide {
            out.extend_from_slice(&[0; 4]);
        }
        for ((kind, bytes), &offset) in partitions.iter().zip(&offsets) {
            out.extend_from_slice(&kind.to_le_bytes());
            if wide {
                out.extend_from_slice(&[0; 4]);
                out.extend_from_slice(&(offset as u64).to_le_bytes());
                out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            } else {
                out.extend_from_slice(&(offset as u32).to_le_bytes());
                out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            }
        }
        let data_start = out.len();
        for ((_, bytes), &offset) in partitions.iter().zip(&offsets) {
            out.resize(data_start + offset, 0);
            out.extend_from_slice(bytes);
        }
    }

    fn header(model: &GeModel, v2: bool, wide: bool, n_models: usize, payload: u64) -> Vec<u8> {
        let mut h = vec![0u8; 256];
        let put32 =
            |h: &mut Vec<u8>, pos: usize, v: u32| h[pos..pos + 4].copy_from_slice(&v.to_le_bytes());
        let put_str = |h: &mut Vec<u8>, pos: usize, len: usize, text: &str| {
            let bytes = text.as_bytes();
            let n = bytes.len().min(len - 1);
            h[pos..pos + n].copy_from_slice(&bytes[..n]);
        };
        h[0..4].copy_from_slice(b"IMOD");
        put32(&mut h, 4, 256);
        put32(&mut h, 8, if v2 { 0x2000_0000 } else { 0x1000_0000 });
        put32(&mut h, 76, u32::try_from(payload).unwrap_or(0));
        h[81] = 1; // is_checksum: UNCHECK
        h[82] = 1; // modeltype: standard
        put_str(&mut h, 84, 32, model.name());
        put32(&mut h, 152, model.def.version);
        if v2 {
            put32(&mut h, 156, n_models as u32);
            put_str(&mut h, 160, 20, "7.0.0");
            h[180] = 1;
            if wide {
                h[184..192].copy_from_slice(&payload.to_le_bytes());
            }
            h[193] = u8::from(n_models > 1);
        } else {
            put_str(&mut h, 156, 20, "6.0.1");
            h[176] = 1;
        }
        h
    }
}
