//! Detection heads, only where the framework fixes the output shape: Caffe (SSD) PriorBox,
//! DetectionOutput, Proposal, ROIPooling, PSROIPooling; ONNX RoiAlign, MaxRoiPool and
//! NonMaxSuppression (count unknown).

use super::ctx::{Ctx, Fact};
use super::dims;
use super::rules::Rows;
use crate::ir::{DType, Dim, Shape};

pub(crate) const ONNX: Rows = &[
    (&["RoiAlign"], onnx_roi_align),
    (&["MaxRoiPool"], onnx_max_roi_pool),
    (&["NonMaxSuppression"], non_max_suppression),
];

pub(crate) const CAFFE: Rows = &[
    (&["PriorBox"], prior_box),
    (&["DetectionOutput"], detection_output),
    (&["Proposal"], proposal),
    (&["ROIPooling"], roi_pooling),
    (&["PSROIPooling"], psroi_pooling),
];

/// Priors per feature-map cell as SSD's `prior_box_layer.cpp` counts them: aspect ratios start
/// as {1}, each new ratio (not within 1e-6 of one already there) is added with its inverse
/// when `flip` (default true); times the number of `min_size`s, plus one per `max_size`.
pub(crate) fn num_priors(ctx: &Ctx) -> Option<i64> {
    let min_sizes = ctx.attr_floats("min_size").unwrap_or_default();
    let max_sizes = ctx.attr_floats("max_size").unwrap_or_default();
    if min_sizes.is_empty() || (!max_sizes.is_empty() && max_sizes.len() != min_sizes.len()) {
        return None;
    }
    let flip = ctx.attr_bool("flip").unwrap_or(true);
    let mut ratios = vec![1.0f64];
    for ratio in ctx.attr_floats("aspect_ratio").unwrap_or_default() {
        if ratios.iter().any(|r| (r - ratio).abs() < 1e-6) {
            continue;
        }
        ratios.push(ratio);
        if flip {
            ratios.push(1.0 / ratio);
        }
    }
    let n = i64::try_from(ratios.len() * min_sizes.len() + max_sizes.len()).ok()?;
    Some(n)
}

/// `[1, 2, H * W * num_priors * 4]`: boxes and variances for every cell of the feature map
/// (bottom 0).
fn prior_box(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        if x.len() != 4 {
            return None;
        }
        let (h, w) = (x[2].known()?, x[3].known()?);
        let n = h
            .checked_mul(w)?
            .checked_mul(num_priors(ctx)?)?
            .checked_mul(4)?;
        Some(vec![Dim::Known(1), Dim::Known(2), Dim::Known(n)])
    })();
    vec![Fact::new(DType::F32, shape.map(Shape))]
}

/// `[1, 1, keep_top_k, 7]`: the static upper bound Ascend's converter uses (Caffe itself resizes
/// the output to the detections found at run time); only for batch 1.
fn detection_output(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let batch = ctx.dims(0)?.first()?.known()?;
        let keep = ctx.attr_int("keep_top_k").filter(|&k| k > 0)?;
        (batch == 1).then(|| {
            vec![
                Dim::Known(1),
                Dim::Known(1),
                Dim::Known(keep),
                Dim::Known(7),
            ]
        })
    })();
    vec![Fact::new(DType::F32, shape.map(Shape))]
}

/// `[post_nms_topn, 5]` rois (batch index + box) for batch 1.
fn proposal(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let batch = ctx.dims(0)?.first()?.known()?;
        let top = ctx
            .attr_int("post_nms_topn")
            .or_else(|| ctx.attr_int("post_nms_top_n"))
            .filter(|&k| k > 0)?;
        (batch == 1).then(|| vec![Dim::Known(top), Dim::Known(5)])
    })();
    vec![Fact::new(DType::F32, shape.map(Shape))]
}

/// `[rois, C, pooled_h, pooled_w]`: rois from bottom 1, channels from bottom 0.
fn roi_pooling(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let bottoms = ctx.data_inputs();
        let features = ctx.dims(*bottoms.first()?)?;
        let rois = ctx.dims(*bottoms.get(1)?)?;
        Some(vec![
            rois.first()?.clone(),
            features.get(1)?.clone(),
            dims::known(ctx.attr_int("pooled_h")),
            dims::known(ctx.attr_int("pooled_w")),
        ])
    })();
    ctx.out(shape)
}

/// `[rois, output_dim, group_size, group_size]`.
fn psroi_pooling(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let bottoms = ctx.data_inputs();
        let rois = ctx.dims(*bottoms.get(1)?)?;
        let group = dims::known(ctx.attr_int("group_size"));
        Some(vec![
            rois.first()?.clone(),
            dims::known(ctx.attr_int("output_dim")),
            group.clone(),
            group,
        ])
    })();
    ctx.out(shape)
}

/// `[num_rois, C, output_height, output_width]` (defaults 1).
fn onnx_roi_align(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let rois = ctx.dims(1)?;
        Some(vec![
            rois.first()?.clone(),
            x.get(1)?.clone(),
            dims::known(Some(ctx.attr_int("output_height").unwrap_or(1))),
            dims::known(Some(ctx.attr_int("output_width").unwrap_or(1))),
        ])
    })();
    ctx.out(shape)
}

/// `[num_rois, C, pooled_shape...]`.
fn onnx_max_roi_pool(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let rois = ctx.dims(1)?;
        let pooled = ctx.attr_ints("pooled_shape")?;
        let mut out = vec![rois.first()?.clone(), x.get(1)?.clone()];
        out.extend(pooled.into_iter().map(|d| dims::known(Some(d))));
        Some(out)
    })();
    ctx.out(shape)
}

/// `[selected, 3]` int64; the count is known only at run time.
fn non_max_suppression(_ctx: &Ctx) -> Vec<Fact> {
    vec![Fact::new(
        DType::I64,
        Some(Shape(vec![Dim::Unknown, Dim::Known(3)])),
    )]
}
