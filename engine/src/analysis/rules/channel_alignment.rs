//! `channel-alignment`: Cube ops whose channel counts are not multiples of C0.
//!
//! ## What it flags
//! Nodes whose knowledge row carries `Constraint::ChannelsMultipleOfC0` (convolution, transposed
//! convolution, MatMul / fully connected) where a channel count is not a multiple of C0 for the
//! input's dtype (`Target::c0_for_bits`: 16 for fp16/fp32, 32 for int8), and the padding costs
//! at least [`MIN_WASTED_SHARE`] of the op's Cube work. Read per op (data, [`OPERANDS`]):
//! convolutions their input and output channels (a depthwise convolution, groups = channels,
//! its channel count; grouped convolutions are left alone), MatMul its K (input features) and
//! N (output features). Channels are read per layout: NCHW for ONNX and Caffe, NHWC for
//! TensorFlow unless `data_format` says otherwise, the tensor's `layout` for GE; a 5HD tensor's
//! real count comes from before its TransData, or from the bias for output channels.
//!
//! A first convolution (its input comes from a graph input through conversions only) with at
//! most [`SMALL_CHANNEL_MAX`] input channels gets the small-channel advice instead: images have
//! 3 channels, and the NC1HWC0_C04 format (C0 = 4) exists for them (ascend.md 4.1).
//!
//! ## Why it is slow on Ascend
//! The Cube multiplies 16×16 fractals and the 5HD format stores channels in blocks of C0; a
//! count that is not a multiple is padded with zeros (C1 = ceil(C / C0), ascend.md 4.1), and the
//! Cube computes the zeros too. The tuning guide: convolution channel counts that are multiples
//! of 16 run about 20% faster.
//!
//! ## What to do
//! Make the count a multiple of C0: fewer channels (less Cube work) or more (the padding becomes
//! real channels at no extra Cube time), then retrain or prune. For a first layer with 3 input
//! channels, convert with `atc --enable_small_channel=1` (NC1HWC0_C04).
//!
//! ## Evidence
//! `dtype`, `c0`, each checked count with its padded count (`input_channels`,
//! `padded_input_channels`, `output_channels`, ..., `k`, `n`), `wasted_share` (share of the Cube
//! work on padding: 1 − Π count / Π padded), `guide` (the tuning guide's 20%), `node_us`,
//! `time_source`, `gain_basis`; small-channel findings add `kernel_area` and `c04_share` (Cube
//! work the C04 format saves: 1 − ceil(kh·kw·4 / C0)·C0 / (kh·kw·C1·C0)). `gain_us` = node
//! time × the share saved (`gain::padding_gain`): the padded work, not the guide's 20%, which
//! the evidence quotes for comparison.

use std::collections::BTreeMap;

use super::gain::{self, NodeTime};
use super::layout::{known_dims, node_layout, tensor_layout, Layout};
use super::{fmt_pct, Evidence, Finding, ModelCtx, Needs, RuleCtx, RuleOutput, RuleSpec, Severity};
use crate::ir::{AttrValue, DType, ModelFormat, Node, NodeId, OpCategory, TensorId};
use crate::knowledge::{Constraint, ExecUnit, FusionClass};

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "channel-alignment",
    title: "Channel count not a multiple of C0",
    severity: Severity::Medium,
    needs: Needs::Model,
    threshold: "channels % C0 != 0 (16 fp16/fp32, 32 int8; ascend.md 4.1) and padding >= 5% of the Cube work (ours); first layers with <= 4 input channels: C04 advice",
    check,
};

/// Padding below this share of an op's Cube work is not reported (ours): a 1000-class
/// classifier padded to 1008 wastes 0.8%, well inside the cost model's error and far below the
/// guide's 20%.
pub const MIN_WASTED_SHARE: f64 = 0.05;

/// First layers with at most this many input channels get the small-channel advice (the C04
/// format holds 4 channels per block).
pub const SMALL_CHANNEL_MAX: i64 = 4;

/// C0 of the NC1HWC0_C04 / FRACTAL_Z_C04 formats (ascend.md 4.1, 3.3).
pub const SMALL_CHANNEL_C0: i64 = 4;

/// The tuning guide's figure, quoted in every finding.
const GUIDE: &str =
    "tuning guide: convolution channel counts that are multiples of 16 run about 20% faster";

/// Hops followed back from a convolution to decide whether it reads a graph input.
const MAX_HOPS: usize = 8;

/// How an op's operands hold its channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operands {
    /// Input and output channels (a depthwise one when groups = channels).
    Conv,
    /// Input and output channels; never a first layer.
    ConvTranspose,
    /// One channel count (groups = channels).
    Depthwise,
    /// K (the input's last dim, or the flattened input of a fully connected layer) and N.
    MatMul,
}

/// Canonical ops (knowledge base) and how to read their channels.
pub const OPERANDS: &[(&str, Operands)] = &[
    ("Conv2D", Operands::Conv),
    ("Conv2DTranspose", Operands::ConvTranspose),
    ("DepthwiseConv2D", Operands::Depthwise),
    ("MatMulV2", Operands::MatMul),
    ("BatchMatMulV2", Operands::MatMul),
];

/// Attributes that hold a convolution's group count.
const GROUP_ATTRS: &[&str] = &["group", "groups"];
/// Attributes that say a MatMul's first operand is transposed.
const TRANSPOSE_A_ATTRS: &[&str] = &["transA", "transpose_a", "adj_x", "transpose_x1"];
/// Attributes that hold a convolution's kernel size.
const KERNEL_ATTRS: &[&str] = &["kernel_shape", "kernel_size", "ksize"];

/// One checked count.
#[derive(Debug, Clone, Copy)]
struct Count {
    /// Evidence key (`input_channels`, `k`).
    key: &'static str,
    /// Words for messages.
    words: &'static str,
    value: i64,
    padded: i64,
}

impl Count {
    fn new(key: &'static str, words: &'static str, value: i64, c0: i64) -> Count {
        Count {
            key,
            words,
            value,
            padded: round_up(value, c0),
        }
    }

    fn aligned(&self) -> bool {
        self.value == self.padded
    }
}

/// The small-channel case of a first layer.
#[derive(Debug, Clone, Copy)]
struct SmallChannel {
    channels: i64,
    /// kh × kw, when known.
    kernel_area: Option<i64>,
    /// Share of the Cube work the C04 format saves.
    share: f64,
}

/// The data of one finding.
struct Misaligned {
    node: NodeId,
    op_type: String,
    dtype: DType,
    c0: i64,
    /// Counts checked for padding (the small input of a first layer excluded).
    counts: Vec<Count>,
    wasted_share: f64,
    small: Option<SmallChannel>,
    time: NodeTime,
    gain_us: f64,
}

fn round_up(value: i64, step: i64) -> i64 {
    if step <= 0 || value <= 0 {
        return value;
    }
    (value.saturating_add(step - 1) / step).saturating_mul(step)
}

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.model else {
        return;
    };
    let mut found: Vec<Misaligned> = (0..ctx.model.graph.nodes.len())
        .filter_map(|id| inspect(ctx, id))
        .collect();
    found.sort_by(|a, b| b.gain_us.total_cmp(&a.gain_us).then(a.node.cmp(&b.node)));
    let findings = found.into_iter().map(|m| finding(ctx, m)).collect();
    out.extend_capped(RULE.id, findings);
}

fn inspect(ctx: &ModelCtx, id: NodeId) -> Option<Misaligned> {
    let spec = ctx.units.get(id)?.spec?;
    if !spec.has(|c| matches!(c, Constraint::ChannelsMultipleOfC0)) {
        return None;
    }
    let operands = OPERANDS
        .iter()
        .find(|(canonical, _)| *canonical == spec.canonical)?
        .1;
    let graph = &ctx.model.graph;
    let node = graph.nodes.get(id)?;
    let data = node.inputs.first().copied().flatten()?;
    let dtype = graph.tensors.get(data)?.dtype;
    let bits = dtype
        .bits()
        .filter(|_| dtype.known().is_some())
        .unwrap_or(16);
    let c0 = i64::try_from(ctx.target.c0_for_bits(bits)).ok()?.max(1);
    let mut small = None;
    let counts = match operands {
        Operands::MatMul => matmul_counts(ctx, node, c0),
        Operands::Depthwise => {
            let channels = input_channels(ctx, node, data)?;
            vec![Count::new("channels", "channels", channels, c0)]
        }
        Operands::Conv | Operands::ConvTranspose => {
            let cin = input_channels(ctx, node, data);
            let cout = output_channels(ctx, node);
            // Both counts aligned: nothing to flag whatever the groups (the common case; the
            // attribute scan below is the costly part on large graphs).
            if let (Some(cin), Some(cout)) = (cin, cout) {
                if cin % c0 == 0 && cout % c0 == 0 {
                    return None;
                }
            }
            let groups = node
                .attrs
                .iter()
                .find(|a| GROUP_ATTRS.contains(&a.name.as_str()))
                .and_then(|a| a.value.as_int())
                .unwrap_or(1);
            if groups > 1 {
                // Depthwise when groups = channels; other grouped convolutions are left alone.
                let channels = cin.or(cout)?;
                if groups != channels {
                    return None;
                }
                vec![Count::new("channels", "channels", channels, c0)]
            } else {
                let mut counts = Vec::new();
                if let Some(cin) = cin {
                    let first = operands == Operands::Conv
                        && cin <= SMALL_CHANNEL_MAX
                        && reads_graph_input(ctx, data);
                    if first {
                        small = Some(small_channel(ctx, node, cin, c0));
                    } else {
                        counts.push(Count::new("input_channels", "input channels", cin, c0));
                    }
                }
                if let Some(cout) = cout {
                    counts.push(Count::new("output_channels", "output channels", cout, c0));
                }
                counts
            }
        }
    };
    let counts: Vec<Count> = counts.into_iter().filter(|c| c.value > 0).collect();
    let useful: f64 = counts.iter().map(|c| c.value as f64).product();
    let padded: f64 = counts.iter().map(|c| c.padded as f64).product();
    let wasted_share = if padded > 0.0 {
        1.0 - useful / padded
    } else {
        0.0
    };
    let small = small.filter(|s| s.share >= MIN_WASTED_SHARE);
    if small.is_none() && wasted_share < MIN_WASTED_SHARE {
        return None;
    }
    let time = gain::node_time(ctx, id);
    let share = gain::combined_share(&[wasted_share, small.map_or(0.0, |s| s.share)]);
    Some(Misaligned {
        node: id,
        op_type: node.op_type.clone(),
        dtype,
        c0,
        counts,
        wasted_share,
        small,
        time,
        gain_us: gain::padding_gain(time, share),
    })
}

/// The channel count of a convolution's data input. A 5HD tensor pads its channels, so they are
/// read before the conversion that made it, through ops that keep the channel count
/// (element-wise, broadcast), or from the bias of the Cube op that wrote it.
fn input_channels(ctx: &ModelCtx, node: &Node, tensor: TensorId) -> Option<i64> {
    let graph = &ctx.model.graph;
    let mut node = node;
    let mut tensor_id = tensor;
    let mut layout_of_node = node_layout(ctx.model, node);
    for _ in 0..MAX_HOPS {
        let tensor = graph.tensors.get(tensor_id)?;
        let layout = tensor_layout(tensor, layout_of_node);
        if layout != Layout::FiveHd {
            return layout.channels(tensor.shape.as_ref()?);
        }
        let producer = tensor.producer?;
        let spec = ctx.units.get(producer)?.spec?;
        node = graph.nodes.get(producer)?;
        layout_of_node = node_layout(ctx.model, node);
        let keeps_channels = spec.category == OpCategory::Conversion
            || matches!(
                spec.fusion,
                FusionClass::Elementwise | FusionClass::Broadcast
            );
        if !keeps_channels {
            return output_channels(ctx, node);
        }
        tensor_id = node.inputs.first().copied().flatten()?;
    }
    None
}

/// The output channel count of a convolution: its output, or for a 5HD output its bias.
fn output_channels(ctx: &ModelCtx, node: &Node) -> Option<i64> {
    let graph = &ctx.model.graph;
    let out = graph.tensors.get(*node.outputs.first()?)?;
    let layout = tensor_layout(out, node_layout(ctx.model, node));
    if layout != Layout::FiveHd {
        return layout.channels(out.shape.as_ref()?);
    }
    node.inputs
        .iter()
        .skip(2)
        .flatten()
        .filter_map(|&t| graph.tensors.get(t))
        .filter(|t| t.is_weight())
        .find_map(|t| match known_dims(t)?.as_slice() {
            [c] => Some(*c),
            _ => None,
        })
}

/// K and N of a MatMul / fully connected node.
fn matmul_counts(ctx: &ModelCtx, node: &Node, c0: i64) -> Vec<Count> {
    let graph = &ctx.model.graph;
    let dims_of = |slot: Option<&TensorId>| {
        slot.and_then(|&t| graph.tensors.get(t))
            .and_then(known_dims)
    };
    let a = dims_of(node.inputs.first().and_then(Option::as_ref));
    let out = dims_of(node.outputs.first());
    let transposed = TRANSPOSE_A_ATTRS
        .iter()
        .find_map(|attr| node.attr(attr).and_then(AttrValue::as_int))
        .unwrap_or(0)
        != 0;
    let mut counts = Vec::new();
    if let (Some(a), Some(out)) = (&a, &out) {
        let k = if a.len() > 2 && out.len() == 2 {
            // A fully connected layer flattens its input.
            a.iter().skip(1).fold(1i64, |k, &d| k.saturating_mul(d))
        } else if transposed && a.len() >= 2 {
            a[a.len() - 2]
        } else {
            a.last().copied().unwrap_or(0)
        };
        counts.push(Count::new("k", "input features (K)", k, c0));
    }
    if let Some(n) = out.as_ref().and_then(|o| o.last().copied()) {
        counts.push(Count::new("n", "output features (N)", n, c0));
    }
    counts
}

/// Whether a tensor comes from a graph input through conversions and shape-only ops.
fn reads_graph_input(ctx: &ModelCtx, tensor: TensorId) -> bool {
    let graph = &ctx.model.graph;
    let mut tensor = tensor;
    for _ in 0..MAX_HOPS {
        if graph.inputs.contains(&tensor) {
            return true;
        }
        let Some(producer) = graph.tensors.get(tensor).and_then(|t| t.producer) else {
            return false;
        };
        let Some(unit) = ctx.units.get(producer) else {
            return false;
        };
        let passes = unit.unit == ExecUnit::None
            || unit
                .spec
                .is_some_and(|s| s.category == OpCategory::Conversion);
        let data: Vec<TensorId> = graph
            .nodes
            .get(producer)
            .map(|n| {
                n.inputs
                    .iter()
                    .flatten()
                    .copied()
                    .filter(|&t| graph.tensors.get(t).is_some_and(|t| !t.is_weight()))
                    .collect()
            })
            .unwrap_or_default();
        match (passes, data.as_slice()) {
            (true, [only]) => tensor = *only,
            _ => return false,
        }
    }
    false
}

/// The C04 saving of a first layer with `channels` input channels.
fn small_channel(ctx: &ModelCtx, node: &Node, channels: i64, c0: i64) -> SmallChannel {
    let kernel_area = kernel_area(ctx, node, channels, c0);
    let padded = round_up(channels, c0) as f64;
    let share = match kernel_area {
        Some(area) => {
            let c04 = round_up(area.saturating_mul(SMALL_CHANNEL_C0), c0) as f64;
            1.0 - c04 / (area as f64 * padded)
        }
        // Unknown kernel: the bound for a large one.
        None => 1.0 - SMALL_CHANNEL_C0 as f64 / padded,
    };
    SmallChannel {
        channels,
        kernel_area,
        share: share.max(0.0),
    }
}

/// kh × kw of a convolution with `channels` input channels, from its weight (OIHW; HWIO in
/// TensorFlow; FRACTAL_Z `[C1·kh·kw, C1out, C0, C0]` after ATC) or its attributes.
fn kernel_area(ctx: &ModelCtx, node: &Node, channels: i64, c0: i64) -> Option<i64> {
    let graph = &ctx.model.graph;
    let weight = node
        .inputs
        .get(1)
        .copied()
        .flatten()
        .and_then(|t| graph.tensors.get(t));
    let from_weight = weight.and_then(|w| {
        let layout = w.layout.as_deref().unwrap_or("");
        let dims = known_dims(w)?;
        match (ctx.model.format, layout, dims.as_slice()) {
            (ModelFormat::Tensorflow, _, [kh, kw, _, _]) | (_, "HWCN", [kh, kw, _, _]) => {
                Some(kh.saturating_mul(*kw))
            }
            (_, "" | "NCHW" | "ND", [_, _, kh, kw]) => Some(kh.saturating_mul(*kw)),
            (_, "FRACTAL_Z", [rows, _, _, _]) => {
                let c1 = round_up(channels, c0) / c0.max(1);
                (c1 > 0 && rows % c1 == 0).then(|| rows / c1)
            }
            _ => None,
        }
    });
    from_weight
        .or_else(|| {
            KERNEL_ATTRS.iter().find_map(|attr| match node.attr(attr)? {
                AttrValue::Ints(k) if k.len() >= 2 => {
                    Some(k[k.len() - 2].saturating_mul(k[k.len() - 1]))
                }
                AttrValue::Ints(k) if k.len() == 1 => Some(k[0].saturating_mul(k[0])),
                AttrValue::Int(k) => Some(k.saturating_mul(*k)),
                _ => None,
            })
        })
        .filter(|&area| area > 0)
}

fn finding(ctx: &ModelCtx, m: Misaligned) -> Finding {
    let names = ctx.names(&[m.node]);
    let name = names.first().cloned().unwrap_or_default();
    let bad: Vec<&Count> = m.counts.iter().filter(|c| !c.aligned()).collect();
    let listed =
        |f: &dyn Fn(&Count) -> String| bad.iter().map(|c| f(c)).collect::<Vec<_>>().join(" and ");
    // "18 output channels" and ", not a multiple of C0 = 16 ...": the counts and the rest, so
    // the sentence can start either way.
    let counts_text = listed(&|c| format!("{} {}", c.value, c.words));
    let padding_rest = format!(
        "not {} of C0 = {} for {}: the Cube pads them to {}, so {} of its Cube work is padding",
        if bad.len() == 1 {
            "a multiple"
        } else {
            "multiples"
        },
        m.c0,
        m.dtype_name(),
        listed(&|c| c.padded.to_string()),
        fmt_pct(m.wasted_share)
    );
    let padding_fix = (!bad.is_empty()).then(|| {
        format!(
            "Make the counts multiples of {}: {}; retrain or prune the layer ({GUIDE}).",
            m.c0,
            listed(&|c| {
                let lower = c.padded - m.c0;
                if lower > 0 {
                    format!(
                        "{} {} → {lower} (less Cube work) or {} (the padding becomes real channels at no extra Cube time)",
                        c.words, c.value, c.padded
                    )
                } else {
                    format!("{} {} → {}", c.words, c.value, c.padded)
                }
            })
        )
    });
    let (message, fix) = match m.small {
        Some(small) => {
            let mut message = format!(
                "`{name}` ({}) is a first layer with {} input channels: 5HD pads them to C0 = {}, and the NC1HWC0_C04 format (C0 = {SMALL_CHANNEL_C0}) would save {} of its Cube work",
                m.op_type,
                small.channels,
                m.c0,
                fmt_pct(small.share)
            );
            if !bad.is_empty() {
                message.push_str(&format!("; its {counts_text} are {padding_rest}"));
            }
            let mut fix = format!(
                "Convert with `atc --enable_small_channel=1` so the first convolution reads its {} input channels in the NC1HWC0_C04 format instead of padding them to {} (ascend.md 4.1); keep the input's channel count.",
                small.channels, m.c0
            );
            if let Some(more) = &padding_fix {
                fix.push(' ');
                fix.push_str(more);
            }
            (message, fix)
        }
        None => (
            format!("`{name}` ({}) has {counts_text}, {padding_rest}", m.op_type),
            padding_fix.unwrap_or_default(),
        ),
    };
    let mut evidence = BTreeMap::new();
    evidence.insert("dtype", Evidence::from(m.dtype_name()));
    evidence.insert("c0", Evidence::from(m.c0));
    for count in &m.counts {
        evidence.insert(count.key, Evidence::from(count.value));
        evidence.insert(padded_key(count.key), Evidence::from(count.padded));
    }
    evidence.insert("wasted_share", Evidence::from(m.wasted_share));
    evidence.insert("guide", Evidence::from(GUIDE));
    evidence.insert("node_us", Evidence::from(m.time.us));
    evidence.insert("time_source", Evidence::from(m.time.source()));
    if let Some(small) = m.small {
        evidence.insert("input_channels", Evidence::from(small.channels));
        evidence.insert("c04_share", Evidence::from(small.share));
        if let Some(area) = small.kernel_area {
            evidence.insert("kernel_area", Evidence::from(area));
        }
    }
    evidence.insert(
        "gain_basis",
        Evidence::from(match m.small {
            Some(small) if small.kernel_area.is_none() => {
                "node time × Cube work saved by C04 (kernel size unknown: bound for a large kernel) and by alignment"
            }
            Some(_) => "node time × Cube work saved by C04 and by alignment",
            None => "node time × wasted share of the padded Cube work",
        }),
    );
    Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes: names,
        message,
        fix,
        evidence,
        gain_us: Some(super::round(m.gain_us, 3)),
    }
}

fn padded_key(key: &str) -> &'static str {
    match key {
        "input_channels" => "padded_input_channels",
        "output_channels" => "padded_output_channels",
        "channels" => "padded_channels",
        "k" => "padded_k",
        "n" => "padded_n",
        _ => "padded",
    }
}

impl Misaligned {
    fn dtype_name(&self) -> &'static str {
        match self.dtype.known() {
            Some(dtype) => dtype.name(),
            None => "fp16 (assumed)",
        }
    }
}
