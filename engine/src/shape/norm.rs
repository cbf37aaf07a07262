//! Normalisations keep the shape of their input: ONNX BatchNormalization (training outputs are
//! per channel), LayerNormalization (mean and inverse deviation reduced from `axis`), Instance/
//! Group/LRN/MVN; TF FusedBatchNorm(V2/V3), LRN; Caffe BatchNorm, LRN, MVN, Normalize; GE
//! BatchNorm, BNInference(D), LayerNorm, LRN.

use super::ctx::{Ctx, Fact};
use super::dims;
use super::elementwise::same;
use super::rules::Rows;
use crate::ir::{DType, Dim, Shape};

pub(crate) const ONNX: Rows = &[
    (&["BatchNormalization"], per_channel_stats),
    (
        &["LayerNormalization", "SimplifiedLayerNormalization"],
        layer_norm,
    ),
    (
        &["SkipLayerNormalization", "SkipSimplifiedLayerNormalization"],
        skip_layer_norm,
    ),
    (
        &[
            "GroupNormalization",
            "InstanceNormalization",
            "LpNormalization",
            "LRN",
            "MeanVarianceNormalization",
        ],
        same,
    ),
];

pub(crate) const TF: Rows = &[
    (
        &["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"],
        per_channel_stats,
    ),
    (&["LRN"], same),
];

pub(crate) const CAFFE: Rows = &[(&["BatchNorm", "LRN", "MVN", "Normalize"], same)];

pub(crate) const GE: Rows = &[
    (&["BatchNorm"], per_channel_stats),
    (&["LayerNorm"], layer_norm),
    (
        &[
            "BNInference",
            "BNInferenceD",
            "InstanceNorm",
            "GroupNorm",
            "L2Normalize",
            "LRN",
        ],
        same,
    ),
];

/// Output 0 like the input; the rest (running/batch statistics, reserve spaces) shaped and
/// typed like the per-channel scale (input 1). TF V3's last reserve space has no fixed shape.
fn per_channel_stats(ctx: &Ctx) -> Vec<Fact> {
    let mut res = same(ctx);
    let stats = Fact::new(ctx.dtype(1), ctx.shape(1).cloned());
    let n_stats = match ctx.node.op_type.as_str() {
        "FusedBatchNormV3" => ctx.n_outputs().min(5),
        _ => ctx.n_outputs(),
    };
    for _ in 1..n_stats {
        res.push(stats.clone());
    }
    res
}

/// Y like X; Mean and InvStdDev keep the dims before `axis` (GE: `begin_norm_axis`) and have 1s
/// from there on.
fn layer_norm(ctx: &Ctx) -> Vec<Fact> {
    let mut res = same(ctx);
    let reduced = (|| {
        let x = ctx.dims(0)?;
        let axis = ctx
            .attr_int("axis")
            .or_else(|| ctx.attr_int("begin_norm_axis"))
            .unwrap_or(-1);
        let axis = dims::axis(axis, x.len())?;
        let mut out = x[..axis].to_vec();
        out.resize(x.len(), Dim::Known(1));
        Some(Shape(out))
    })();
    let dtype = match ctx.format {
        crate::ir::ModelFormat::Onnx => ctx.attr_dtype("stash_type").unwrap_or(DType::F32),
        _ => ctx.first_dtype(),
    };
    for _ in 1..ctx.n_outputs().min(3) {
        res.push(Fact::new(dtype, reduced.clone()));
    }
    res
}

/// Microsoft's SkipLayerNormalization: output 0 and the optional sum (output 3) like the input.
fn skip_layer_norm(ctx: &Ctx) -> Vec<Fact> {
    let mut res = same(ctx);
    if ctx.n_outputs() > 3 {
        res.push(Fact::default());
        res.push(Fact::default());
        res.push(Fact::new(ctx.first_dtype(), ctx.shape(0).cloned()));
    }
    res
}
