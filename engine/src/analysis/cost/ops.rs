//! Work per node: multiply-accumulates on the Cube (with C0 and tile padding), element operations
//! on the Vector, and bytes per input and output, counted from the graph's shapes, dtypes and
//! attributes.
//!
//! Ops are told apart only through the knowledge base (`OpSpec`): [`WORK`] is the one table from
//! a canonical op, fusion class or category to a work formula; no op-type string of any framework
//! appears here.
//!
//! Conventions the counts rely on (crude where said):
//! - Unknown dims (symbolic batch, `?`, TF `-1`) count as 1; the caller notes it.
//! - AI Core ops count float32 as float16: ATC's default precision mode is `force_fp16` (hiascend
//!   ATC `--precision_mode`, "参数默认值: force_fp16", CANN 6.0.1 atctool_0090; `--precision_mode_v2`
//!   default `fp16`, CANN 8.0.RC2 atlasatc_16_0099). The Cube has no fp32 mode on the 310; on the
//!   910B a model kept in fp32 (`must_keep_origin_dtype`) runs slower than estimated.
//! - Feature maps of ops that support 5HD (`Constraint::Supports5hd`) are stored as NC1HWC0 with C
//!   padded to C0 (`ascend.md` 4.1), so their bytes count padded channels.
//! - Stride, dilation and padding need no formula: the inferred output shape already holds them.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::ir::fx_hash::FxBuild;
use crate::ir::{AttrValue, DType, Graph, Node, NodeId, OpCategory, Shape, Tensor, TensorId};
use crate::knowledge::{Constraint, ExecUnit, FusionClass, OpSpec, OPS};
use crate::target::Target;

use super::super::units::NodeUnit;
use super::views::{
    attr_int, attr_window_area, bytes_of, dim_value, element_bits, feature_map,
    layout_channels_last, matrix_view, round_up, shape_elements, weight_layout, weight_window_area,
};

/// A work formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Work {
    /// No kernel.
    Nothing,
    /// Convolution: `batch × out pixels × Cout × Cin/group × kernel area` MACs.
    Conv,
    /// Convolution with one group per input channel.
    DepthwiseConv,
    /// Transposed convolution: every input pixel scatters `Cout/group × kernel area` MACs.
    ConvTranspose,
    /// Matrix product `batch × M × K × N` (MatMul, Gemm, fully connected, batched).
    MatMul,
    /// LSTM / GRU / RNN: every (step, batch) row multiplies the input and recurrent weights.
    Recurrent,
    /// Attention: Q·Kᵀ and P·V, plus the softmax in between.
    Attention,
    /// Pooling: `output elements × window area` vector operations.
    Pool,
    /// A reduction: one vector operation per input element.
    Reduce,
    /// `n` vector operations per output element.
    PerElement(u32),
    /// Resize / interpolation: `n` vector operations per output element.
    Resize(u32),
    /// Data movement (Transpose, Concat, Gather, TransData, Pad, Slice): bytes only; a kernel
    /// reads as much as it writes, or its whole input when that is smaller.
    Movement,
    /// Control flow (If, Loop, Switch): a task, no data of its own; bodies are not costed.
    Control,
}

/// What a [`WORK`] row matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Canonical(&'static str),
    Fusion(FusionClass),
    Category(OpCategory),
}

/// Ops per element of activations whose kernels are a few vector instructions (exp, add, div for
/// Sigmoid, Tanh, Gelu, Swish, ...). Assumed.
const TRANSCENDENTAL_OPS: u32 = 4;
/// Ops per element of normalisations over an axis (mean, subtract, square, mean, rsqrt, scale,
/// shift). Assumed from the arithmetic of LayerNorm.
const NORMALIZE_OPS: u32 = 8;

/// The work formula of every op, first matching row wins; rows go from the most specific key
/// (canonical op) to the least (category), and a test checks that order and that every canonical
/// name is a row of the knowledge base. Operation counts per element are assumed from each op's
/// arithmetic (one vector instruction per arithmetic step); they matter little, since
/// element-wise ops are memory-bound on every target (0.25 Top/s of Vector against 68 GB/s on the
/// 310: an fp16 op moving 4 bytes per element needs 15 operations per element to be
/// compute-bound).
pub(crate) const WORK: &[(Key, Work)] = &[
    (Key::Canonical("Conv2D"), Work::Conv),
    (Key::Canonical("Conv3D"), Work::Conv),
    (Key::Canonical("DepthwiseConv2D"), Work::DepthwiseConv),
    (Key::Canonical("Conv2DTranspose"), Work::ConvTranspose),
    (Key::Canonical("MatMulV2"), Work::MatMul),
    (Key::Canonical("BatchMatMulV2"), Work::MatMul),
    // Most einsums of real models are batched matrix products; others are miscounted.
    (Key::Canonical("Einsum"), Work::MatMul),
    (Key::Canonical("DynamicRNN"), Work::Recurrent),
    (Key::Canonical("DynamicGRUV2"), Work::Recurrent),
    (Key::Canonical("RNN"), Work::Recurrent),
    (Key::Canonical("Attention"), Work::Attention),
    (Key::Canonical("FlashAttentionScore"), Work::Attention),
    (Key::Canonical("Relu"), Work::PerElement(1)),
    (Key::Canonical("Relu6"), Work::PerElement(2)),
    (Key::Canonical("ClipByValue"), Work::PerElement(2)),
    (Key::Canonical("LeakyRelu"), Work::PerElement(2)),
    (Key::Canonical("PRelu"), Work::PerElement(2)),
    // Softmax: max, subtract, exp, sum, divide.
    (Key::Canonical("SoftmaxV2"), Work::PerElement(5)),
    (Key::Canonical("LogSoftmaxV2"), Work::PerElement(6)),
    // Inference BatchNorm and Scale: one multiply and one add per element.
    (Key::Canonical("BatchNorm"), Work::PerElement(2)),
    (Key::Canonical("Scale"), Work::PerElement(2)),
    // Bilinear: four taps, three interpolations.
    (Key::Canonical("Interp"), Work::Resize(8)),
    // Nearest (1) to bilinear (8): the mode is not read.
    (Key::Canonical("Resize"), Work::Resize(4)),
    (Key::Canonical("TransData"), Work::Movement),
    (Key::Fusion(FusionClass::NoKernel), Work::Nothing),
    (Key::Fusion(FusionClass::Pool), Work::Pool),
    (Key::Fusion(FusionClass::Reduce), Work::Reduce),
    (Key::Fusion(FusionClass::Segment), Work::Reduce),
    (Key::Category(OpCategory::Constant), Work::Nothing),
    (Key::Category(OpCategory::Shape), Work::Nothing),
    (Key::Category(OpCategory::Control), Work::Control),
    (Key::Category(OpCategory::Layer), Work::MatMul),
    (Key::Category(OpCategory::Pool), Work::Pool),
    (Key::Category(OpCategory::Reduce), Work::Reduce),
    (
        Key::Category(OpCategory::Activation),
        Work::PerElement(TRANSCENDENTAL_OPS),
    ),
    (
        Key::Category(OpCategory::Normalization),
        Work::PerElement(NORMALIZE_OPS),
    ),
    (Key::Category(OpCategory::Elementwise), Work::PerElement(1)),
    // Cast and quantisation: one conversion per element.
    (Key::Category(OpCategory::Conversion), Work::PerElement(1)),
    (Key::Category(OpCategory::Tensor), Work::Movement),
    (Key::Category(OpCategory::Other), Work::PerElement(1)),
];

/// Ops missing from the knowledge base: one vector operation per output element (they are
/// assumed to run on the Vector, see `units::assign`).
pub(crate) const UNKNOWN_OP_WORK: Work = Work::PerElement(1);

fn row_matches(key: Key, spec: &OpSpec) -> bool {
    match key {
        Key::Canonical(name) => spec.canonical == name,
        Key::Fusion(class) => spec.fusion == class,
        Key::Category(category) => spec.category == category,
    }
}

/// The formula of an op: the first [`WORK`] row that matches its spec, memoised per spec.
pub(crate) fn work_of(spec: Option<&OpSpec>) -> Work {
    static BY_SPEC: OnceLock<HashMap<usize, Work, FxBuild>> = OnceLock::new();
    let Some(spec) = spec else {
        return UNKNOWN_OP_WORK;
    };
    let by_spec = BY_SPEC.get_or_init(|| {
        OPS.iter()
            .map(|spec| (spec as *const OpSpec as usize, lookup_work(spec)))
            .collect()
    });
    by_spec
        .get(&(spec as *const OpSpec as usize))
        .copied()
        .unwrap_or_else(|| lookup_work(spec))
}

fn lookup_work(spec: &OpSpec) -> Work {
    WORK.iter()
        .find(|(key, _)| row_matches(*key, spec))
        .map(|&(_, work)| work)
        .unwrap_or(UNKNOWN_OP_WORK)
}

/// Slots kept inline: nearly every node has at most this many inputs (or outputs), so counting
/// 50,000 nodes allocates nothing per node.
const INLINE_SLOTS: usize = 6;

/// Bytes per input or output slot of a node.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SlotBytes {
    inline: [u64; INLINE_SLOTS],
    len: usize,
    spill: Vec<u64>,
}

impl SlotBytes {
    fn push(&mut self, bytes: u64) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = bytes,
            None => self.spill.push(bytes),
        }
        self.len += 1;
    }

    pub fn get(&self, idx: usize) -> Option<u64> {
        if idx < self.len.min(INLINE_SLOTS) {
            self.inline.get(idx).copied()
        } else {
            self.spill.get(idx.checked_sub(INLINE_SLOTS)?).copied()
        }
    }

    pub fn get_mut(&mut self, idx: usize) -> Option<&mut u64> {
        if idx < self.len.min(INLINE_SLOTS) {
            self.inline.get_mut(idx)
        } else {
            self.spill.get_mut(idx.checked_sub(INLINE_SLOTS)?)
        }
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut u64> {
        let inline = self.len.min(INLINE_SLOTS);
        self.inline[..inline]
            .iter_mut()
            .chain(self.spill.iter_mut())
    }

    pub fn sum(&self) -> u64 {
        let inline = self.len.min(INLINE_SLOTS);
        self.inline[..inline]
            .iter()
            .chain(&self.spill)
            .fold(0u64, |acc, b| acc.saturating_add(*b))
    }
}

/// What one node does, before rates turn it into time.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NodeWork {
    /// Cube MACs with C0 and tile padding.
    pub macs: u64,
    /// Cube MACs the op needs without padding.
    pub unpadded_macs: u64,
    /// AI Cores the Cube work can occupy: one per 16×16 output tile (GE splits a Cube op over
    /// its output tiles).
    pub cube_tiles: u64,
    pub int8: bool,
    pub vector_ops: u64,
    /// Element width of the vector work, bits.
    pub vector_bits: u64,
    /// Bytes read per input slot (0 for an omitted input).
    pub input_bytes: SlotBytes,
    /// Bytes written per output.
    pub output_bytes: SlotBytes,
    /// A dim was unknown and counted as 1.
    pub symbolic: bool,
    /// A tensor had no shape: its part of the work is not counted.
    pub shapeless: bool,
}

impl NodeWork {
    pub fn bytes(&self) -> u64 {
        self.input_bytes
            .sum()
            .saturating_add(self.output_bytes.sum())
    }

    /// Element operations when the work runs without a Cube (Vector, Scalar, AI CPU): one per
    /// MAC plus the vector work.
    pub fn element_ops(&self) -> u64 {
        self.unpadded_macs.saturating_add(self.vector_ops)
    }
}

/// Channel counts to cost a node with instead of its own (`channel-alignment` gains).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Channels {
    pub input: u64,
    pub output: u64,
}

/// What counting reads of a tensor's shape. [`Counter::with_sizes`] gathers it for every tensor
/// in one pass, so costing a whole graph chases each tensor's shape once rather than once per
/// node that reads or writes it (the heap-scattered shapes, not the arithmetic, are what a
/// 50,000-node graph spends its time on).
#[derive(Debug, Clone, Copy)]
struct TensorSize {
    /// Elements, unknown dims counted as 1.
    elements: u64,
    /// Dims 1 and 3 of a rank-4 shape (where a feature map keeps its channels, NCHW or NHWC);
    /// `None` for other ranks.
    channel_dims: Option<[u64; 2]>,
    dtype: DType,
    /// The tensor has a shape (a rank).
    shaped: bool,
    /// A dim was unknown and counted as 1.
    symbolic: bool,
}

impl TensorSize {
    fn of(tensor: &Tensor) -> TensorSize {
        let mut symbolic = false;
        let (elements, channel_dims) = match &tensor.shape {
            Some(shape) => {
                let elements = shape_elements(shape, &mut symbolic);
                let channel_dims = match shape.0.as_slice() {
                    [_, c1, _, c3] => Some([
                        dim_value(c1, &mut symbolic).max(1),
                        dim_value(c3, &mut symbolic).max(1),
                    ]),
                    _ => None,
                };
                (elements, channel_dims)
            }
            None => (0, None),
        };
        TensorSize {
            elements,
            channel_dims,
            dtype: tensor.dtype,
            shaped: tensor.shape.is_some(),
            symbolic,
        }
    }
}

/// What counting needs besides the node.
pub(crate) struct Counter<'a> {
    pub graph: &'a Graph,
    pub units: &'a [NodeUnit],
    pub target: &'a Target,
    /// Graph-wide channels-last default, decided on first need.
    channels_last: OnceCell<bool>,
    /// Per tensor, when gathered ([`Counter::with_sizes`]); else read from the tensor.
    sizes: Vec<TensorSize>,
}

impl<'a> Counter<'a> {
    pub fn new(graph: &'a Graph, units: &'a [NodeUnit], target: &'a Target) -> Counter<'a> {
        Counter {
            graph,
            units,
            target,
            channels_last: OnceCell::new(),
            sizes: Vec::new(),
        }
    }

    /// A counter for costing every node of the graph: the shapes of all tensors are read once,
    /// up front.
    pub fn with_sizes(graph: &'a Graph, units: &'a [NodeUnit], target: &'a Target) -> Counter<'a> {
        Counter {
            sizes: graph.tensors.iter().map(TensorSize::of).collect(),
            ..Counter::new(graph, units, target)
        }
    }

    fn size(&self, id: TensorId) -> Option<TensorSize> {
        match self.sizes.get(id) {
            Some(size) => Some(*size),
            None => self.graph.tensors.get(id).map(TensorSize::of),
        }
    }

    pub fn spec(&self, node_id: NodeId) -> Option<&'static OpSpec> {
        self.units.get(node_id).and_then(|u| u.spec)
    }

    pub fn unit(&self, node_id: NodeId) -> ExecUnit {
        self.units
            .get(node_id)
            .map(|u| u.unit)
            .unwrap_or(ExecUnit::Vector)
    }

    fn tensor(&self, id: Option<TensorId>) -> Option<&'a Tensor> {
        id.and_then(|id| self.graph.tensors.get(id))
    }

    /// A weight, a constant, or something computed from constants by ops without a kernel (TF
    /// `Const → Identity`, the ONNX light models' `ConstantOfShape`): never a data input.
    pub fn is_constant_like(&self, tensor_id: TensorId) -> bool {
        let mut current = tensor_id;
        for _ in 0..8 {
            let Some(tensor) = self.graph.tensors.get(current) else {
                return false;
            };
            if tensor.is_weight() || tensor.value.is_some() {
                return true;
            }
            let Some(producer) = tensor.producer else {
                return false;
            };
            match self.spec(producer) {
                Some(spec) if spec.category == OpCategory::Constant => return true,
                Some(spec) if spec.fusion == FusionClass::NoKernel => {
                    let node = self.graph.nodes.get(producer);
                    match node.and_then(|n| n.inputs.iter().flatten().next()) {
                        Some(&input) => current = input,
                        None => return true,
                    }
                }
                _ => return false,
            }
        }
        false
    }

    /// The graph's default layout for nodes that do not state theirs: the first convolution whose
    /// layout is clear (stated, or told by its weight's dims); without one, channels last when
    /// more nodes say `data_format = NHWC` than `NCHW` (TensorFlow graphs). Decided once, from
    /// the first convolution in almost every graph, so the scan stays short.
    fn default_channels_last(&self) -> bool {
        *self.channels_last.get_or_init(|| {
            for (node_id, node) in self.graph.nodes.iter().enumerate() {
                let work = work_of(self.spec(node_id));
                if matches!(work, Work::Conv | Work::DepthwiseConv | Work::ConvTranspose) {
                    if let Some(found) = self.conv_layout(node, work == Work::DepthwiseConv) {
                        return found;
                    }
                }
            }
            let mut last = 0usize;
            let mut first = 0usize;
            for node in &self.graph.nodes {
                if let Some(format) = node.attr("data_format").and_then(AttrValue::as_str) {
                    match layout_channels_last(format) {
                        Some(true) => last += 1,
                        Some(false) => first += 1,
                        None => {}
                    }
                }
            }
            last > first
        })
    }

    /// A convolution's layout when it is clear: stated by the node, else told by its weight.
    fn conv_layout(&self, node: &Node, depthwise: bool) -> Option<bool> {
        if let Some(found) = self.stated_layout(node) {
            return Some(found);
        }
        let data = self.data_slot(node)?;
        let shape_at = |slot: usize| {
            self.tensor(node.inputs.get(slot).copied().flatten())
                .and_then(|t| t.shape.as_ref())
        };
        let x = shape_at(data)?;
        let w = shape_at(self.weight_slot(node, data)?)?;
        let y = self
            .tensor(node.outputs.first().copied())
            .and_then(|t| t.shape.as_ref())?;
        weight_layout(x, y, w, depthwise)
    }

    /// A layout the node states: its `data_format`, else its first input's layout.
    fn stated_layout(&self, node: &Node) -> Option<bool> {
        node.attr("data_format")
            .and_then(AttrValue::as_str)
            .and_then(layout_channels_last)
            .or_else(|| {
                self.tensor(node.inputs.first().copied().flatten())
                    .and_then(|t| t.layout.as_deref())
                    .and_then(layout_channels_last)
            })
    }

    /// Where a node keeps its channels: its `data_format`, else its first input's layout, else
    /// the graph default.
    fn channels_last(&self, node: &Node) -> bool {
        self.stated_layout(node)
            .unwrap_or_else(|| self.default_channels_last())
    }

    /// Bytes of a tensor as `on_ai_core` stores it (0 for an id out of range); with `pad_c0`, a
    /// rank-4 feature map counts its channels (dim 1, or dim 3 channels last) padded to C0.
    /// Adds its elements to `elements`.
    fn tensor_bytes(
        &self,
        id: TensorId,
        on_ai_core: bool,
        pad_c0: Option<usize>,
        work: &mut NodeWork,
        elements: &mut u64,
    ) -> u64 {
        let Some(size) = self.size(id) else {
            return 0;
        };
        if !size.shaped {
            work.shapeless = true;
            return 0;
        }
        work.symbolic |= size.symbolic;
        *elements = elements.saturating_add(size.elements);
        let bits = element_bits(size.dtype, on_ai_core);
        let mut stored = size.elements;
        let channels = match (pad_c0, size.channel_dims) {
            (Some(1), Some([c1, _])) => Some(c1),
            (Some(3), Some([_, c3])) => Some(c3),
            _ => None,
        };
        if let Some(channels) = channels {
            let padded = round_up(channels, self.target.c0_for_bits(bits));
            stored = (stored / channels).saturating_mul(padded);
        }
        bytes_of(stored, bits)
    }

    /// Counts the work of `node_id` as if it ran on `unit`, with its channel counts replaced by
    /// `channels` (Cube ops only).
    pub fn count(&self, node_id: NodeId, unit: ExecUnit, channels: Option<Channels>) -> NodeWork {
        let Some(node) = self.graph.nodes.get(node_id) else {
            return NodeWork::default();
        };
        let spec = self.spec(node_id);
        let work = work_of(spec);
        let on_ai_core = unit.is_ai_core();
        let mut out = NodeWork {
            vector_bits: 16,
            ..NodeWork::default()
        };
        if unit == ExecUnit::None || work == Work::Nothing {
            return out;
        }
        // The convolution family computes its own 5HD bytes from its channel counts.
        let conv_family = matches!(work, Work::Conv | Work::DepthwiseConv | Work::ConvTranspose);
        let five_hd = on_ai_core
            && !conv_family
            && spec.is_some_and(|s| s.has(|c| matches!(c, Constraint::Supports5hd)));
        let pad_axis = five_hd.then(|| if self.channels_last(node) { 3 } else { 1 });
        let mut in_elements = 0;
        for &id in &node.inputs {
            let bytes = id.map_or(0, |id| {
                self.tensor_bytes(id, on_ai_core, pad_axis, &mut out, &mut in_elements)
            });
            out.input_bytes.push(bytes);
        }
        let mut out_elements = 0;
        for &id in &node.outputs {
            let bytes = self.tensor_bytes(id, on_ai_core, pad_axis, &mut out, &mut out_elements);
            out.output_bytes.push(bytes);
        }
        let first_input = node.inputs.first().copied().flatten();
        out.vector_bits = first_input
            .and_then(|id| self.size(id))
            .map(|size| element_bits(size.dtype, on_ai_core))
            .unwrap_or(16);
        match work {
            Work::Nothing => {}
            Work::Conv | Work::DepthwiseConv | Work::ConvTranspose => {
                if !self.count_conv(node, work, on_ai_core, channels, &mut out) {
                    out.vector_ops = out_elements;
                }
            }
            Work::MatMul => {
                if !self.count_matmul(node, on_ai_core, channels, &mut out) {
                    out.vector_ops = out_elements;
                }
            }
            Work::Recurrent => self.count_recurrent(node, &mut out),
            Work::Attention => self.count_attention(node, &mut out),
            Work::Pool => {
                let input = self.data_input_elements(node, &mut out);
                let n_spatial = self
                    .first_data_tensor(node)
                    .and_then(|t| t.shape.as_ref())
                    .map(|s| s.rank().saturating_sub(2))
                    .unwrap_or(2);
                let area = attr_window_area(node, n_spatial)
                    .unwrap_or_else(|| (input / out_elements.max(1)).max(1));
                out.vector_ops = out_elements.saturating_mul(area);
            }
            Work::Reduce => out.vector_ops = self.data_input_elements(node, &mut out),
            Work::PerElement(n) | Work::Resize(n) => {
                out.vector_ops = out_elements.saturating_mul(u64::from(n));
            }
            Work::Movement => {
                let read = out.input_bytes.sum();
                let written = out.output_bytes.sum();
                if read > written && read > 0 {
                    // Reads what it writes (Slice, Gather): scale every input down alike.
                    for bytes in out.input_bytes.iter_mut() {
                        *bytes = ((*bytes as f64) * (written as f64 / read as f64)) as u64;
                    }
                }
            }
            Work::Control => {
                out.input_bytes.iter_mut().for_each(|b| *b = 0);
                out.output_bytes.iter_mut().for_each(|b| *b = 0);
            }
        }
        out
    }

    fn output_elements(&self, node: &Node, work: &mut NodeWork) -> u64 {
        node.outputs
            .iter()
            .filter_map(|&id| self.graph.tensors.get(id))
            .map(|t| match &t.shape {
                Some(shape) => shape_elements(shape, &mut work.symbolic),
                None => {
                    work.shapeless = true;
                    0
                }
            })
            .fold(0u64, u64::saturating_add)
    }

    fn first_data_tensor(&self, node: &Node) -> Option<&'a Tensor> {
        let slot = self.data_slot(node)?;
        self.tensor(node.inputs.get(slot).copied().flatten())
    }

    fn data_input_elements(&self, node: &Node, work: &mut NodeWork) -> u64 {
        match self.first_data_tensor(node).map(|t| &t.shape) {
            Some(Some(shape)) => shape_elements(shape, &mut work.symbolic),
            _ => {
                work.shapeless = true;
                0
            }
        }
    }

    /// The first input that is not constant-like (TF `Conv2DBackpropInput` has its data in slot
    /// 2, after the output sizes and the filter).
    fn data_slot(&self, node: &Node) -> Option<usize> {
        node.inputs
            .iter()
            .position(|id| id.is_some_and(|id| !self.is_constant_like(id)))
            .or_else(|| node.inputs.iter().position(Option::is_some))
    }

    /// The convolution's weight: the first constant-like input of rank 3 or more, else slot 1.
    fn weight_slot(&self, node: &Node, data: usize) -> Option<usize> {
        node.inputs
            .iter()
            .enumerate()
            .position(|(slot, id)| {
                slot != data
                    && id.is_some_and(|id| {
                        self.is_constant_like(id)
                            && self
                                .graph
                                .tensors
                                .get(id)
                                .and_then(|t| t.shape.as_ref())
                                .is_some_and(|s| s.rank() >= 3)
                    })
            })
            .or_else(|| (data != 1 && node.inputs.len() > 1).then_some(1))
    }

    /// Convolution family. Returns false when the shapes do not allow counting.
    fn count_conv(
        &self,
        node: &Node,
        work: Work,
        on_ai_core: bool,
        channels: Option<Channels>,
        out: &mut NodeWork,
    ) -> bool {
        let Some(data) = self.data_slot(node) else {
            return false;
        };
        let x_tensor = self.tensor(node.inputs.get(data).copied().flatten());
        let y_tensor = self.tensor(node.outputs.first().copied());
        let (Some(x_tensor), Some(y_tensor)) = (x_tensor, y_tensor) else {
            return false;
        };
        let (Some(x), Some(y)) = (&x_tensor.shape, &y_tensor.shape) else {
            out.shapeless = true;
            return false;
        };
        let weight_slot = self.weight_slot(node, data);
        let weight_tensor =
            weight_slot.and_then(|slot| self.tensor(node.inputs.get(slot).copied().flatten()));
        let weight = weight_tensor.and_then(|t| t.shape.as_ref());
        let depthwise = work == Work::DepthwiseConv;
        let channels_last = self.conv_channels_last(node, x, y, weight, depthwise);
        let sym = &mut out.symbolic;
        let x_view = feature_map(x, x_tensor.layout.as_deref(), channels_last, sym);
        let y_view = feature_map(y, y_tensor.layout.as_deref(), channels_last, sym);
        let (Some(x_view), Some(y_view)) = (x_view, y_view) else {
            return false;
        };
        let (batch, cin, in_pixels) = x_view;
        let (_, cout, out_pixels) = y_view;
        let group_of = |cin: u64| -> u64 {
            if depthwise {
                cin
            } else {
                attr_int(node, "group")
                    .or_else(|| attr_int(node, "groups"))
                    .filter(|g| *g > 0)
                    .map(|g| g as u64)
                    .unwrap_or(1)
                    .min(cin)
            }
        };
        let group = group_of(cin).max(1);
        // Weight elements = Cout × Cin/group × area for OIHW, HWIO, FRACTAL_Z and the
        // transposed [Cin, Cout/group, ...] alike; layouts that say where the window is win.
        let area = match weight {
            Some(w) => weight_window_area(w, weight_tensor.and_then(|t| t.layout.as_deref()))
                .unwrap_or_else(|| {
                    let elements = shape_elements(w, &mut out.symbolic);
                    (elements.saturating_mul(group) / cin.saturating_mul(cout).max(1)).max(1)
                }),
            None => attr_window_area(node, x.rank().saturating_sub(2)).unwrap_or(1),
        };
        let (cin, cout) = match channels {
            Some(ch) => (ch.input.max(1), ch.output.max(1)),
            None => (cin, cout),
        };
        let group = if channels.is_some() {
            group_of(cin).max(1)
        } else {
            group
        };
        let (cin_g, cout_g) = ((cin / group).max(1), (cout / group).max(1));
        let pixels = batch.saturating_mul(if work == Work::ConvTranspose {
            in_pixels
        } else {
            out_pixels
        });
        let spec = &self.target.spec;
        let (tile_m, tile_n) = (spec.cube_m.count().max(1), spec.cube_n.count().max(1));
        let bits = element_bits(x_tensor.dtype, on_ai_core);
        let c0 = self.target.c0_for_bits(bits).max(1);
        // GE packs groups block-diagonally until a packed group fills one C0 block (assumed:
        // depthwise kernels then use one diagonal fractal per C0 channels, wasting up to C0×).
        let pack = (c0 / cin_g).clamp(1, group);
        let packed_groups = group.div_ceil(pack);
        let k_padded = round_up(pack * cin_g, c0).saturating_mul(area);
        let n_padded = round_up(pack * cout_g, tile_n);
        let m_padded = round_up(pixels, tile_m);
        out.unpadded_macs = pixels
            .saturating_mul(cin_g)
            .saturating_mul(cout_g)
            .saturating_mul(group)
            .saturating_mul(area);
        out.macs = packed_groups
            .saturating_mul(m_padded)
            .saturating_mul(k_padded)
            .saturating_mul(n_padded);
        out.cube_tiles = packed_groups
            .saturating_mul(m_padded / tile_m)
            .saturating_mul(n_padded / tile_n);
        out.int8 = bits <= 8;
        // Bytes in the layouts the Cube reads: 5HD feature maps, FRACTAL_Z weights.
        let x_bits = bits;
        let y_bits = element_bits(y_tensor.dtype, on_ai_core);
        if let Some(slot) = out.input_bytes.get_mut(data) {
            *slot = bytes_of(
                batch
                    .saturating_mul(in_pixels)
                    .saturating_mul(round_up(cin, c0)),
                x_bits,
            );
        }
        if let Some(slot) = weight_slot {
            let w_bits = self
                .tensor(node.inputs.get(slot).copied().flatten())
                .map(|t| element_bits(t.dtype, on_ai_core))
                .unwrap_or(bits);
            if let Some(bytes) = out.input_bytes.get_mut(slot) {
                *bytes = bytes_of(
                    packed_groups
                        .saturating_mul(k_padded)
                        .saturating_mul(n_padded),
                    w_bits,
                );
            }
        }
        if let Some(slot) = out.output_bytes.get_mut(0) {
            *slot = bytes_of(
                batch
                    .saturating_mul(out_pixels)
                    .saturating_mul(round_up(cout, self.target.c0_for_bits(y_bits))),
                y_bits,
            );
        }
        true
    }

    /// Channels last when the node says so (`data_format`, its input's layout); else when the
    /// weight's dims fit HWIO and not OIHW; else the graph default.
    fn conv_channels_last(
        &self,
        node: &Node,
        x: &Shape,
        y: &Shape,
        weight: Option<&Shape>,
        depthwise: bool,
    ) -> bool {
        self.stated_layout(node)
            .or_else(|| weight.and_then(|w| weight_layout(x, y, w, depthwise)))
            .unwrap_or_else(|| self.default_channels_last())
    }

    /// MatMul, Gemm, fully connected, batched products: M and N from the output, K from the
    /// first operand (whatever its transpose flag, its last two dims hold M × K), else from the
    /// second. Returns false when the shapes do not allow counting.
    fn count_matmul(
        &self,
        node: &Node,
        on_ai_core: bool,
        channels: Option<Channels>,
        out: &mut NodeWork,
    ) -> bool {
        let y_tensor = self.tensor(node.outputs.first().copied());
        let Some(y) = y_tensor.and_then(|t| t.shape.as_ref()) else {
            out.shapeless = true;
            return false;
        };
        let y_layout = y_tensor.and_then(|t| t.layout.as_deref());
        let sym = &mut out.symbolic;
        let Some((batch, m, n)) = matrix_view(y, y_layout, sym) else {
            return false;
        };
        let (batch, m, n) = (batch.max(1), m.max(1), n.max(1));
        let operand = |slot: usize| {
            self.tensor(node.inputs.get(slot).copied().flatten())
                .and_then(|t| t.shape.as_ref().map(|s| (t, s)))
        };
        // Whatever the transpose flags, an operand's matrix holds M × K (A) or K × N (B). An
        // unbatched product (Gemm, fully connected) flattens all of A but M into K (Caffe
        // InnerProduct takes [N, C, H, W]).
        let k_of = |(tensor, shape): (&Tensor, &Shape), other: u64, sym: &mut bool| -> u64 {
            if batch == 1 {
                shape_elements(shape, sym) / other
            } else {
                matrix_view(shape, tensor.layout.as_deref(), sym)
                    .map(|(_, rows, cols)| rows.saturating_mul(cols) / other)
                    .unwrap_or(1)
            }
        };
        let k = if let Some(a) = operand(0) {
            k_of(a, m, sym)
        } else if let Some(b) = operand(1) {
            k_of(b, n, sym)
        } else {
            out.shapeless = true;
            return false;
        }
        .max(1);
        let (k_new, n_new) = match channels {
            Some(ch) => (ch.input.max(1), ch.output.max(1)),
            None => (k, n),
        };
        let a_bits = operand(0)
            .map(|(t, _)| element_bits(t.dtype, on_ai_core))
            .unwrap_or(16);
        let spec = &self.target.spec;
        let (tile_m, tile_n) = (spec.cube_m.count().max(1), spec.cube_n.count().max(1));
        let tile_k = self.target.c0_for_bits(a_bits).max(1);
        let m_padded = round_up(m, tile_m);
        let n_padded = round_up(n_new, tile_n);
        out.unpadded_macs = batch
            .saturating_mul(m)
            .saturating_mul(k_new)
            .saturating_mul(n_new);
        out.macs = batch
            .saturating_mul(m_padded)
            .saturating_mul(round_up(k_new, tile_k))
            .saturating_mul(n_padded);
        out.cube_tiles = batch
            .saturating_mul(m_padded / tile_m)
            .saturating_mul(n_padded / tile_n);
        out.int8 = a_bits <= 8;
        if channels.is_some() {
            let scale = |bytes: &mut u64, ratio: f64| *bytes = (*bytes as f64 * ratio) as u64;
            let k_ratio = k_new as f64 / k as f64;
            let n_ratio = n_new as f64 / n as f64;
            if let Some(a) = out.input_bytes.get_mut(0) {
                scale(a, k_ratio);
            }
            if let Some(b) = out.input_bytes.get_mut(1) {
                scale(b, k_ratio * n_ratio);
            }
            for extra in out.input_bytes.iter_mut().skip(2) {
                scale(extra, n_ratio);
            }
            for y in out.output_bytes.iter_mut() {
                scale(y, n_ratio);
            }
        }
        true
    }

    /// Every (step, batch) row multiplies the input weights (slot 1) and the recurrent weights
    /// (slot 2), of every direction; the gates add about 10 vector operations per output
    /// element (assumed). No padding is counted: crude.
    fn count_recurrent(&self, node: &Node, out: &mut NodeWork) {
        let elements = |slot: usize, work: &mut NodeWork| -> Option<(u64, u64)> {
            let shape = self
                .tensor(node.inputs.get(slot).copied().flatten())?
                .shape
                .as_ref()?;
            let last = shape.0.last().map(|d| dim_value(d, &mut work.symbolic))?;
            Some((shape_elements(shape, &mut work.symbolic), last.max(1)))
        };
        let Some((x_elements, input_size)) = elements(0, out) else {
            out.shapeless = true;
            return;
        };
        let rows = x_elements / input_size;
        let weights = [1, 2]
            .into_iter()
            .filter_map(|slot| elements(slot, out))
            .fold(0u64, |acc, (e, _)| acc.saturating_add(e));
        out.unpadded_macs = rows.saturating_mul(weights);
        out.macs = out.unpadded_macs;
        out.cube_tiles = (rows / 16).max(1);
        let outputs = self.output_elements(node, out);
        out.vector_ops = outputs.saturating_mul(10);
    }

    /// Q (slot 0, `[..., S, D]`) against K (slot 1): Q·Kᵀ and P·V are `2 × S × elements(K)` MACs;
    /// the softmax between them about 5 vector operations per score. Layouts other than
    /// BNSD / BSH are miscounted: crude.
    fn count_attention(&self, node: &Node, out: &mut NodeWork) {
        let shape = |slot: usize| {
            self.tensor(node.inputs.get(slot).copied().flatten())
                .and_then(|t| t.shape.as_ref())
        };
        let (Some(q), Some(k)) = (shape(0), shape(1)) else {
            out.shapeless = true;
            return;
        };
        let rank = q.rank();
        if rank < 2 {
            return;
        }
        let sym = &mut out.symbolic;
        let seq = dim_value(&q.0[rank - 2], sym).max(1);
        let depth = dim_value(&q.0[rank - 1], sym).max(1);
        let macs = 2u64
            .saturating_mul(seq)
            .saturating_mul(shape_elements(k, sym));
        out.unpadded_macs = macs;
        out.macs = macs;
        out.cube_tiles = (seq / 16).max(1);
        out.vector_ops = (macs / 2 / depth).saturating_mul(5);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_from_canonical_to_category_and_name_real_ops() {
        let rank = |key: Key| match key {
            Key::Canonical(_) => 0,
            Key::Fusion(_) => 1,
            Key::Category(_) => 2,
        };
        for pair in WORK.windows(2) {
            assert!(rank(pair[0].0) <= rank(pair[1].0), "{pair:?}");
        }
        for (key, _) in WORK {
            if let Key::Canonical(name) = key {
                assert!(
                    OPS.iter().any(|spec| spec.canonical == *name),
                    "{name} is not a canonical op of the knowledge base"
                );
            }
        }
    }

    #[test]
    fn every_op_of_the_knowledge_base_has_a_formula() {
        let lookup = |name: &str| work_of(OPS.iter().find(|s| s.canonical == name));
        assert_eq!(lookup("Conv2D"), Work::Conv);
        assert_eq!(lookup("DepthwiseConv2D"), Work::DepthwiseConv);
        assert_eq!(lookup("MatMulV2"), Work::MatMul);
        assert_eq!(lookup("Relu"), Work::PerElement(1));
        assert_eq!(lookup("SoftmaxV2"), Work::PerElement(5));
        assert_eq!(lookup("Reshape"), Work::Nothing);
        assert_eq!(lookup("Transpose"), Work::Movement);
        assert_eq!(lookup("TransData"), Work::Movement);
        assert_eq!(lookup("MaxPool"), Work::Pool);
        assert_eq!(lookup("ReduceSum"), Work::Reduce);
        assert_eq!(lookup("UnsortedSegmentSum"), Work::Reduce);
        assert_eq!(work_of(None), UNKNOWN_OP_WORK);
        // Every row of the knowledge base resolves through a row of the table, not the default.
        for spec in OPS {
            assert!(
                WORK.iter().any(|(key, _)| row_matches(*key, spec)),
                "{} has no row",
                spec.canonical
            );
        }
    }
}
