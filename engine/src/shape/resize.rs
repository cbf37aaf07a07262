//! Resizing: ONNX Resize (scales or sizes inputs, by opset; `axes`) and Upsample (scales as
//! attribute or input), TF ResizeBilinear/NearestNeighbor/Bicubic/Area (`size` input, NHWC), GE
//! ResizeBilinearV2(D)/ResizeNearestNeighborV2(D), Caffe Interp (PSPNet semantics).

use super::ctx::{Ctx, Fact};
use super::dims;
use super::rules::Rows;
use crate::ir::Dim;

pub(crate) const ONNX: Rows = &[(&["Resize"], onnx_resize), (&["Upsample"], onnx_upsample)];

pub(crate) const TF: Rows = &[(
    &[
        "ResizeBilinear",
        "ResizeNearestNeighbor",
        "ResizeBicubic",
        "ResizeArea",
    ],
    tf_resize,
)];

pub(crate) const CAFFE: Rows = &[(&["Interp"], caffe_interp), (&["Upsample"], caffe_upsample)];

pub(crate) const GE: Rows = &[
    (
        &[
            "ResizeBilinearV2",
            "ResizeNearestNeighborV2",
            "ResizeBilinear",
            "ResizeNearestNeighbor",
        ],
        tf_resize,
    ),
    (
        &["ResizeBilinearV2D", "ResizeNearestNeighborV2D"],
        ge_resize_d,
    ),
];

/// `floor(dim * scale)`, as ONNX computes it.
fn scaled(dim: &Dim, scale: f64) -> Dim {
    if scale == 1.0 {
        return dim.clone();
    }
    dims::map(dim, |v| {
        let out = (v as f64 * scale).floor();
        (0.0..9.0e15).contains(&out).then_some(out as i64)
    })
}

/// Input `slot` when it is present and not an empty placeholder.
fn given(ctx: &Ctx, slot: usize) -> bool {
    ctx.tensor(slot).is_some() && !matches!(ctx.dims(slot), Some([Dim::Known(0)]))
}

fn onnx_resize(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let (scales_slot, sizes_slot) = if ctx.opset <= 10 {
            (1, usize::MAX)
        } else {
            (2, 3)
        };
        let axes = match ctx.attr_ints("axes") {
            Some(axes) => dims::axes(&axes, x.len())?,
            None => (0..x.len()).collect(),
        };
        let mut out = x.to_vec();
        if given(ctx, sizes_slot) {
            let policy = ctx
                .attr_str("keep_aspect_ratio_policy")
                .unwrap_or("stretch");
            let sizes = ctx.value(sizes_slot)?;
            if policy != "stretch" || sizes.len() != axes.len() {
                return None;
            }
            for (&axis, size) in axes.iter().zip(&sizes) {
                out[axis] = dims::size(size);
            }
        } else if given(ctx, scales_slot) {
            let scales = ctx.value_floats(scales_slot)?;
            if scales.len() != axes.len() {
                return None;
            }
            for (&axis, &scale) in axes.iter().zip(&scales) {
                out[axis] = scaled(&x[axis], scale);
            }
        } else {
            return None;
        }
        Some(out)
    })();
    ctx.out(shape)
}

fn onnx_upsample(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let scales = match ctx.attr_floats("scales") {
            Some(scales) => scales,
            None => ctx.value_floats(1)?,
        };
        if scales.len() != x.len() {
            return None;
        }
        Some(x.iter().zip(&scales).map(|(d, &s)| scaled(d, s)).collect())
    })();
    ctx.out(shape)
}

/// `[N, h, w, C]` in TF; in GE the input's layout (or `data_format`) says NHWC or NCHW, and
/// without either the result is unknown.
fn resized(ctx: &Ctx, size: &[Dim]) -> Option<Vec<Dim>> {
    let x = ctx.dims(0)?;
    if x.len() != 4 || size.len() != 2 {
        return None;
    }
    let format = ctx.attr_str("data_format").or(ctx.layout(0));
    let channels_first = match (ctx.format, format) {
        (_, Some("NCHW")) => true,
        (_, Some("NHWC")) => false,
        (crate::ir::ModelFormat::Tensorflow, None) => false,
        _ => return None,
    };
    let first = if channels_first { 2 } else { 1 };
    let mut out = x.to_vec();
    out[first] = dims::size(&size[0]);
    out[first + 1] = dims::size(&size[1]);
    Some(out)
}

fn tf_resize(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| resized(ctx, &ctx.value(1)?))();
    ctx.out(shape)
}

fn ge_resize_d(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let size: Vec<Dim> = ctx.attr_ints("size")?.into_iter().map(Dim::Known).collect();
        resized(ctx, &size)
    })();
    ctx.out(shape)
}

/// Caffe Interp as in PSPNet's `interp_layer.cpp`: the effective input is `in + pad_beg +
/// pad_end`; then `shrink_factor` alone gives `(in - 1) / shrink + 1`, `zoom_factor` alone
/// `in + (in - 1) * (zoom - 1)`, `height` and `width` are taken as they are, both factors
/// shrink then zoom; with none of these, a second bottom lends its height and width.
fn caffe_interp(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        if x.len() != 4 {
            return None;
        }
        let pads = ctx
            .attr_int("pad_beg")
            .unwrap_or(0)
            .checked_add(ctx.attr_int("pad_end").unwrap_or(0))?;
        let zoom = ctx.attr_int("zoom_factor");
        let shrink = ctx.attr_int("shrink_factor");
        let size = (ctx.attr_int("height"), ctx.attr_int("width"));
        let shrunk = |d: i64, s: i64| (s >= 1).then(|| (d - 1) / s + 1);
        let zoomed = |d: i64, z: i64| {
            (z >= 1)
                .then_some(())
                .and_then(|_| d.checked_add((d - 1).checked_mul(z - 1)?))
        };
        let one = |d: &Dim| -> Dim {
            dims::map(d, |d| {
                let d = d.checked_add(pads).filter(|&d| d > 0)?;
                match (zoom, shrink) {
                    (None, Some(s)) => shrunk(d, s),
                    (Some(z), None) => zoomed(d, z),
                    (Some(z), Some(s)) => zoomed(shrunk(d, s)?, z),
                    (None, None) => None,
                }
            })
        };
        let mut out = x.to_vec();
        match (zoom, shrink, size) {
            (None, None, (Some(h), Some(w))) => {
                out[2] = dims::known(Some(h));
                out[3] = dims::known(Some(w));
            }
            (None, None, _) => {
                let bottoms = ctx.data_inputs();
                let other = ctx.dims(*bottoms.get(1)?)?;
                out[2] = other.get(2)?.clone();
                out[3] = other.get(3)?.clone();
            }
            _ => {
                out[2] = one(&x[2]);
                out[3] = one(&x[3]);
            }
        }
        Some(out)
    })();
    ctx.out(shape)
}

/// Caffe Upsample, whose parameter message differs by fork: SegNet's explicit `upsample_h`/
/// `upsample_w`, or `scale_h`/`scale_w` (minus one with `pad_out_h`/`pad_out_w`); GE's
/// `stride_h`/`stride_w` (or `stride`). A lone `scale` means a size factor in some forks and a
/// value factor in GE's, so it gives no shape.
fn caffe_upsample(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        if x.len() != 4 {
            return None;
        }
        let mut out = x.to_vec();
        let sides = [("h", 2), ("w", 3)];
        for (side, axis) in sides {
            out[axis] = if let Some(size) = ctx.attr_int(&format!("upsample_{side}")) {
                dims::known(Some(size))
            } else if let Some(scale) = ctx.attr_int(&format!("scale_{side}")) {
                let pad_out = i64::from(ctx.attr_bool(&format!("pad_out_{side}")).unwrap_or(false));
                dims::map(&x[axis], |d| d.checked_mul(scale)?.checked_sub(pad_out))
            } else if let Some(stride) = ctx
                .attr_int(&format!("stride_{side}"))
                .or_else(|| ctx.attr_int("stride"))
            {
                dims::scale(&x[axis], stride)
            } else {
                return None;
            };
        }
        Some(out)
    })();
    ctx.out(shape)
}
