//! Pooling: ONNX MaxPool/AveragePool/LpPool (`auto_pad`, `ceil_mode`, `dilations`) and the
//! global ones, TF MaxPool/AvgPool (`ksize`/`strides`/`padding`, NHWC or NCHW), Caffe Pooling
//! (rounds up by default, `round_mode`, `global_pooling`, `_h`/`_w` variants), GE MaxPool/AvgPool
//! and MaxPoolV3/AvgPoolV2.

use super::conv::{caffe_param, onnx_padding, per_dim, tf_padding, tf_per_dim, TfLayout};
use super::ctx::{Ctx, Fact};
use super::dims::{self, Padding};
use super::rules::Rows;
use crate::ir::{DType, Dim, Shape};

pub(crate) const ONNX: Rows = &[
    (&["MaxPool", "AveragePool", "LpPool"], onnx_pool),
    (
        &["GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"],
        global_pool,
    ),
];

pub(crate) const TF: Rows = &[(
    &[
        "MaxPool",
        "AvgPool",
        "MaxPool3D",
        "AvgPool3D",
        "MaxPoolV2",
        "MaxPoolWithArgmax",
    ],
    tf_pool,
)];

pub(crate) const CAFFE: Rows = &[(&["Pooling"], caffe_pool)];

pub(crate) const GE: Rows = &[
    (&["MaxPool", "AvgPool", "MaxPoolWithArgmax"], tf_pool),
    (&["MaxPoolV3", "AvgPoolV2"], ge_pool_v3),
    (&["GlobalAveragePool"], global_pool),
];

/// How a window count is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Round {
    Floor,
    Ceil,
    /// Ceil, then drop a last window that would start inside the end padding (Caffe with
    /// padding, ONNX from opset 22, PyTorch).
    CeilClipped,
}

/// One pooled dim with explicit pads.
fn pooled(
    input: &Dim,
    kernel: i64,
    stride: i64,
    dilation: i64,
    pads: (i64, i64),
    round: Round,
) -> Dim {
    let Some(total) = pads.0.checked_add(pads.1) else {
        return Dim::Unknown;
    };
    let out = dims::window(
        input,
        kernel,
        stride,
        dilation,
        Padding::Explicit(total),
        round != Round::Floor,
    );
    match (round, &out, input) {
        (Round::CeilClipped, Dim::Known(n), Dim::Known(size)) => {
            let start = (n - 1).checked_mul(stride);
            let limit = size.checked_add(pads.0);
            match (start, limit) {
                (Some(start), Some(limit)) if start >= limit && *n > 1 => Dim::Known(n - 1),
                (Some(_), Some(_)) => out,
                _ => Dim::Unknown,
            }
        }
        _ => out,
    }
}

fn onnx_pool(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let n_spatial = x.len().checked_sub(2).filter(|&n| n > 0)?;
        let kernel = ctx.attr_ints("kernel_shape")?;
        if kernel.len() != n_spatial {
            return None;
        }
        let strides = per_dim(ctx.attr_ints("strides"), n_spatial, 1)?;
        let dilations = per_dim(ctx.attr_ints("dilations"), n_spatial, 1)?;
        let ceil = ctx.attr_int("ceil_mode").unwrap_or(0) != 0;
        let round = match (ceil, ctx.opset >= 22) {
            (false, _) => Round::Floor,
            (true, false) => Round::Ceil,
            (true, true) => Round::CeilClipped,
        };
        let padding = onnx_padding(ctx, n_spatial)?;
        let pads = ctx
            .attr_ints("pads")
            .unwrap_or_else(|| vec![0; 2 * n_spatial]);
        let mut out = x[..2].to_vec();
        for i in 0..n_spatial {
            out.push(match padding[i] {
                Padding::Explicit(_) => pooled(
                    &x[i + 2],
                    kernel[i],
                    strides[i],
                    dilations[i],
                    (*pads.get(i)?, *pads.get(i + n_spatial)?),
                    round,
                ),
                mode => dims::window(&x[i + 2], kernel[i], strides[i], dilations[i], mode, ceil),
            });
        }
        Some(out)
    })();
    let mut res = ctx.out(shape.clone());
    if ctx.n_outputs() > 1 {
        res.push(Fact::new(DType::I64, shape.map(Shape)));
    }
    res
}

/// `[N, C, 1, 1, ...]`.
fn global_pool(ctx: &Ctx) -> Vec<Fact> {
    let shape = ctx.dims(0).filter(|x| x.len() >= 2).map(|x| {
        let mut out = x[..2].to_vec();
        out.resize(x.len(), Dim::Known(1));
        out
    });
    ctx.out(shape)
}

/// TF pools; `MaxPoolV2` takes `ksize` and `strides` as inputs 1 and 2.
fn tf_pool(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let rank = x.len();
        let n_spatial = rank.checked_sub(2).filter(|&n| n > 0)?;
        let layout = TfLayout::of(ctx.attr_str("data_format"));
        let from_input = |slot: usize, i: usize| -> Option<i64> {
            let values = ctx.value_ints(slot)?;
            match values.len() {
                n if n == rank => values.get(layout.spatial_axis(i)).copied(),
                _ => None,
            }
        };
        let mut out = x.to_vec();
        for i in 0..n_spatial {
            let (kernel, stride) = if ctx.node.op_type == "MaxPoolV2" {
                (from_input(1, i)?, from_input(2, i)?)
            } else {
                (
                    tf_per_dim(ctx, "ksize", &layout, rank, i, 1)?,
                    tf_per_dim(ctx, "strides", &layout, rank, i, 1)?,
                )
            };
            let padding = tf_padding(ctx, &layout, i)?;
            let axis = layout.spatial_axis(i);
            out[axis] = dims::window(&x[axis], kernel, stride, 1, padding, false);
        }
        Some(out)
    })();
    let mut res = ctx.out(shape.clone());
    if ctx.node.op_type == "MaxPoolWithArgmax" {
        let dtype = ctx.attr_dtype("Targmax").unwrap_or(DType::I64);
        res.push(Fact::new(dtype, shape.map(Shape)));
    }
    res
}

/// Caffe Pooling: `ceil((in + 2*pad - kernel) / stride) + 1`, minus one when the last window
/// would start in the padding (Caffe's own correction, applied only with padding);
/// `round_mode: FLOOR` rounds down; `global_pooling` gives 1×1.
fn caffe_pool(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let n_spatial = x.len().checked_sub(2).filter(|&n| n > 0)?;
        let mut out = x[..2].to_vec();
        if ctx.attr_bool("global_pooling").unwrap_or(false) {
            out.resize(x.len(), Dim::Known(1));
            return Some(out);
        }
        let kernel = caffe_param(ctx, "kernel", n_spatial, None)?;
        let pad = caffe_param(ctx, "pad", n_spatial, Some(0))?;
        let stride = caffe_param(ctx, "stride", n_spatial, Some(1))?;
        let floor = ctx.attr_str("round_mode") == Some("FLOOR");
        let padded = pad.iter().any(|&p| p != 0);
        let round = match (floor, padded) {
            (true, _) => Round::Floor,
            (false, true) => Round::CeilClipped,
            (false, false) => Round::Ceil,
        };
        for i in 0..n_spatial {
            out.push(pooled(
                &x[i + 2],
                kernel[i],
                stride[i],
                1,
                (pad[i], pad[i]),
                round,
            ));
        }
        Some(out)
    })();
    let mut res = ctx.out(shape.clone());
    if ctx.n_outputs() > 1 {
        res.push(Fact::new(ctx.first_dtype(), shape.map(Shape)));
    }
    res
}

/// GE MaxPoolV3/AvgPoolV2: `padding_mode` CALCULATED (explicit `pads` [top, bottom, left,
/// right] with `ceil_mode`), SAME or VALID; `global_pooling`.
fn ge_pool_v3(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        if x.len() != 4 {
            return None;
        }
        let layout = TfLayout::of(ctx.attr_str("data_format").or(ctx.layout(0)));
        let mut out = x.to_vec();
        let global = ctx.attr_bool("global_pooling").unwrap_or(false);
        let ceil = ctx.attr_bool("ceil_mode").unwrap_or(false);
        let mode = ctx.attr_str("padding_mode").unwrap_or("CALCULATED");
        let pads = ctx.attr_ints("pads").unwrap_or_else(|| vec![0; 4]);
        for i in 0..2 {
            let axis = layout.spatial_axis(i);
            if global {
                out[axis] = Dim::Known(1);
                continue;
            }
            let kernel = tf_per_dim(ctx, "ksize", &layout, 4, i, 1)?;
            let stride = tf_per_dim(ctx, "strides", &layout, 4, i, 1)?;
            out[axis] = match mode {
                "SAME" => dims::window(&x[axis], kernel, stride, 1, Padding::Same, false),
                "VALID" => dims::window(&x[axis], kernel, stride, 1, Padding::Valid, false),
                _ => {
                    let round = if ceil {
                        Round::CeilClipped
                    } else {
                        Round::Floor
                    };
                    pooled(
                        &x[axis],
                        kernel,
                        stride,
                        1,
                        (*pads.get(2 * i)?, *pads.get(2 * i + 1)?),
                        round,
                    )
                }
            };
        }
        Some(out)
    })();
    ctx.out(shape)
}
