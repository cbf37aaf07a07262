//! Convolutions: ONNX Conv/ConvTranspose (explicit pads or `auto_pad`), TF Conv2D/Conv3D/
//! DepthwiseConv2dNative/Conv2DBackpropInput (SAME/VALID/EXPLICIT, NHWC or NCHW), Caffe
//! Convolution/Deconvolution (`kernel_size` or `kernel_h`/`kernel_w`, ...), GE Conv2D.

use super::ctx::{Ctx, Fact};
use super::dims::{self, Padding};
use super::rules::Rows;
use crate::ir::Dim;

pub(crate) const ONNX: Rows = &[
    (
        &["Conv", "ConvInteger", "QLinearConv", "FusedConv"],
        onnx_conv,
    ),
    (&["ConvTranspose"], onnx_conv_transpose),
];

pub(crate) const TF: Rows = &[
    (&["Conv2D", "Conv3D", "DepthwiseConv2dNative"], tf_conv),
    (&["Conv2DBackpropInput"], tf_conv_backprop_input),
];

pub(crate) const CAFFE: Rows = &[
    (
        &[
            "Convolution",
            "ConvolutionDepthwise",
            "DepthwiseConvolution",
        ],
        caffe_conv,
    ),
    (&["Deconvolution"], caffe_deconv),
];

pub(crate) const GE: Rows = &[(&["Conv2D", "DepthwiseConv2D"], ge_conv)];

/// Window parameters of one spatial dim.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axis {
    pub kernel: i64,
    pub stride: i64,
    pub dilation: i64,
    pub padding: Padding,
}

/// `values` for `n` spatial dims: one value for all, one per dim, or `default` when absent.
pub(crate) fn per_dim(values: Option<Vec<i64>>, n: usize, default: i64) -> Option<Vec<i64>> {
    match values {
        None => Some(vec![default; n]),
        Some(v) if v.is_empty() => Some(vec![default; n]),
        Some(v) if v.len() == 1 => Some(vec![v[0]; n]),
        Some(v) if v.len() == n => Some(v),
        Some(_) => None,
    }
}

/// ONNX `auto_pad` and `pads` ([begin..., end...]) as per-dim paddings.
pub(crate) fn onnx_padding(ctx: &Ctx, n: usize) -> Option<Vec<Padding>> {
    match ctx.attr_str("auto_pad").unwrap_or("NOTSET") {
        "SAME_UPPER" | "SAME_LOWER" => Some(vec![Padding::Same; n]),
        "VALID" => Some(vec![Padding::Valid; n]),
        _ => {
            let pads = ctx.attr_ints("pads").unwrap_or_else(|| vec![0; 2 * n]);
            if pads.len() != 2 * n {
                return None;
            }
            (0..n)
                .map(|i| pads[i].checked_add(pads[i + n]).map(Padding::Explicit))
                .collect()
        }
    }
}

/// The spatial kernel of an ONNX convolution: `kernel_shape`, else the weight's trailing dims;
/// `None` unless it has one entry per spatial dim.
fn onnx_kernel(ctx: &Ctx, weight: Option<&[Dim]>, n_spatial: usize) -> Option<Vec<i64>> {
    let kernel: Vec<i64> = match ctx.attr_ints("kernel_shape") {
        Some(k) => k,
        None => weight?
            .get(2..)?
            .iter()
            .map(Dim::known)
            .collect::<Option<_>>()?,
    };
    (kernel.len() == n_spatial).then_some(kernel)
}

fn onnx_conv(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let n_spatial = x.len().checked_sub(2).filter(|&n| n > 0)?;
        let weight = ctx.dims(1);
        let kernel = onnx_kernel(ctx, weight, n_spatial)?;
        let strides = per_dim(ctx.attr_ints("strides"), n_spatial, 1)?;
        let dilations = per_dim(ctx.attr_ints("dilations"), n_spatial, 1)?;
        let padding = onnx_padding(ctx, n_spatial)?;
        let mut out = vec![
            x[0].clone(),
            weight
                .and_then(|w| w.first())
                .cloned()
                .unwrap_or(Dim::Unknown),
        ];
        for i in 0..n_spatial {
            out.push(dims::window(
                &x[i + 2],
                kernel[i],
                strides[i],
                dilations[i],
                padding[i],
                false,
            ));
        }
        Some(out)
    })();
    // ConvInteger accumulates in i32; the others keep the input's type.
    if ctx.node.op_type == "ConvInteger" {
        return vec![Fact::new(
            crate::ir::DType::I32,
            shape.map(crate::ir::Shape),
        )];
    }
    ctx.out(shape)
}

fn onnx_conv_transpose(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let n_spatial = x.len().checked_sub(2).filter(|&n| n > 0)?;
        let weight = ctx.dims(1);
        let group = ctx.attr_int("group").unwrap_or(1);
        let channels = weight
            .and_then(|w| w.get(1))
            .map(|c| dims::scale(c, group))
            .unwrap_or(Dim::Unknown);
        let mut out = vec![x[0].clone(), channels];
        if let Some(output_shape) = ctx.attr_ints("output_shape") {
            let spatial = output_shape.get(output_shape.len().checked_sub(n_spatial)?..)?;
            out.extend(spatial.iter().map(|&d| dims::known(Some(d))));
            return Some(out);
        }
        let kernel = onnx_kernel(ctx, weight, n_spatial)?;
        let strides = per_dim(ctx.attr_ints("strides"), n_spatial, 1)?;
        let dilations = per_dim(ctx.attr_ints("dilations"), n_spatial, 1)?;
        let output_padding = per_dim(ctx.attr_ints("output_padding"), n_spatial, 0)?;
        let padding = onnx_padding(ctx, n_spatial)?;
        for i in 0..n_spatial {
            out.push(transposed(
                &x[i + 2],
                Axis {
                    kernel: kernel[i],
                    stride: strides[i],
                    dilation: dilations[i],
                    padding: padding[i],
                },
                output_padding[i],
            ));
        }
        Some(out)
    })();
    ctx.out(shape)
}

/// Output size of a transposed convolution: `stride*(in-1) + output_padding + dilation*(k-1) + 1
/// - pads`; `in * stride` for SAME.
pub(crate) fn transposed(input: &Dim, axis: Axis, output_padding: i64) -> Dim {
    dims::map(input, |size| {
        if axis.padding == Padding::Same {
            return size.checked_mul(axis.stride);
        }
        let pads = match axis.padding {
            Padding::Explicit(p) => p,
            _ => 0,
        };
        axis.stride
            .checked_mul(size.checked_sub(1)?)?
            .checked_add(output_padding)?
            .checked_add(axis.dilation.checked_mul(axis.kernel.checked_sub(1)?)?)?
            .checked_add(1)?
            .checked_sub(pads)
            .filter(|&v| v > 0)
    })
}

/// Where channels and spatial dims sit for a TF `data_format` (`NHWC`, `NCHW`, `NDHWC`, ...).
pub(crate) struct TfLayout {
    pub channels_first: bool,
}

impl TfLayout {
    pub(crate) fn of(data_format: Option<&str>) -> TfLayout {
        TfLayout {
            channels_first: data_format.is_some_and(|f| f.starts_with("NC")),
        }
    }

    pub(crate) fn channel_axis(&self, rank: usize) -> usize {
        if self.channels_first {
            1
        } else {
            rank - 1
        }
    }

    /// Index of spatial dim `i` in a tensor (or a per-dim attribute such as `strides`).
    pub(crate) fn spatial_axis(&self, i: usize) -> usize {
        if self.channels_first {
            i + 2
        } else {
            i + 1
        }
    }
}

/// TF `padding` (+ `explicit_paddings`) for spatial dim `i`.
pub(crate) fn tf_padding(ctx: &Ctx, layout: &TfLayout, i: usize) -> Option<Padding> {
    match ctx.attr_str("padding")? {
        "SAME" => Some(Padding::Same),
        "VALID" => Some(Padding::Valid),
        "EXPLICIT" => {
            let pads = ctx.attr_ints("explicit_paddings")?;
            let axis = layout.spatial_axis(i);
            let begin = *pads.get(2 * axis)?;
            let end = *pads.get(2 * axis + 1)?;
            begin.checked_add(end).map(Padding::Explicit)
        }
        _ => None,
    }
}

/// A TF per-dim attribute (`strides`, `dilations`, `ksize`) for spatial dim `i`: full-rank
/// lists in data_format order, or one value per spatial dim.
pub(crate) fn tf_per_dim(
    ctx: &Ctx,
    name: &str,
    layout: &TfLayout,
    rank: usize,
    i: usize,
    default: i64,
) -> Option<i64> {
    match ctx.attr_ints(name) {
        None => Some(default),
        Some(values) if values.len() == rank => values.get(layout.spatial_axis(i)).copied(),
        Some(values) if values.len() == rank - 2 => values.get(i).copied(),
        Some(values) if values.len() == 1 => Some(values[0]),
        Some(_) => None,
    }
}

fn tf_conv(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let rank = x.len();
        let n_spatial = rank.checked_sub(2).filter(|&n| n > 0)?;
        let layout = TfLayout::of(ctx.attr_str("data_format"));
        // Filters are [spatial..., in, out] (depthwise: [spatial..., in, multiplier]).
        let filter = ctx.dims(1)?;
        if filter.len() != n_spatial + 2 {
            return None;
        }
        let channels = if ctx.node.op_type == "DepthwiseConv2dNative" {
            match (&filter[n_spatial], &filter[n_spatial + 1]) {
                (Dim::Known(c), Dim::Known(m)) => dims::known(c.checked_mul(*m)),
                (c, Dim::Known(1)) => c.clone(),
                _ => Dim::Unknown,
            }
        } else {
            filter[n_spatial + 1].clone()
        };
        let mut out = x.to_vec();
        out[layout.channel_axis(rank)] = channels;
        for (i, kernel) in filter[..n_spatial].iter().enumerate() {
            let kernel = kernel.known()?;
            let stride = tf_per_dim(ctx, "strides", &layout, rank, i, 1)?;
            let dilation = tf_per_dim(ctx, "dilations", &layout, rank, i, 1)?;
            let padding = tf_padding(ctx, &layout, i)?;
            let axis = layout.spatial_axis(i);
            out[axis] = dims::window(&x[axis], kernel, stride, dilation, padding, false);
        }
        Some(out)
    })();
    ctx.out(shape)
}

/// TF Conv2DBackpropInput (the transposed convolution of TF graphs): the output shape is the
/// `input_sizes` input; its dtype is the filter's.
fn tf_conv_backprop_input(ctx: &Ctx) -> Vec<Fact> {
    let shape = ctx
        .value(0)
        .filter(|v| v.len() == 4)
        .map(|v| v.iter().map(dims::size).collect::<Vec<_>>());
    vec![Fact::new(ctx.dtype(1), shape.map(crate::ir::Shape))]
}

/// Caffe's `kernel_size`/`kernel_h`/`kernel_w`-style triple for `n` spatial dims: the repeated
/// field (one value for all dims or one per dim), or the `_h`/`_w` pair for 2-D.
pub(crate) fn caffe_param(
    ctx: &Ctx,
    name: &str,
    n: usize,
    default: Option<i64>,
) -> Option<Vec<i64>> {
    let h = ctx.attr_int(&format!("{name}_h"));
    let w = ctx.attr_int(&format!("{name}_w"));
    if n == 2 {
        if let (Some(h), Some(w)) = (h, w) {
            return Some(vec![h, w]);
        }
    }
    let plural = match name {
        "kernel" => "kernel_size",
        other => other,
    };
    match ctx.attr_ints(plural) {
        Some(values) if !values.is_empty() => per_dim(Some(values), n, 0),
        _ => default.map(|d| vec![d; n]),
    }
}

struct CaffeWindow {
    kernel: Vec<i64>,
    pad: Vec<i64>,
    stride: Vec<i64>,
    dilation: Vec<i64>,
}

fn caffe_window(ctx: &Ctx, n: usize) -> Option<CaffeWindow> {
    Some(CaffeWindow {
        kernel: caffe_param(ctx, "kernel", n, None)?,
        pad: caffe_param(ctx, "pad", n, Some(0))?,
        stride: caffe_param(ctx, "stride", n, Some(1))?,
        dilation: per_dim(ctx.attr_ints("dilation"), n, 1)?,
    })
}

fn caffe_conv(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let n_spatial = x.len().checked_sub(2).filter(|&n| n > 0)?;
        let window = caffe_window(ctx, n_spatial)?;
        let channels = dims::known(ctx.attr_int("num_output"));
        let mut out = vec![x[0].clone(), channels];
        for i in 0..n_spatial {
            let pads = window.pad[i].checked_mul(2)?;
            out.push(dims::window(
                &x[i + 2],
                window.kernel[i],
                window.stride[i],
                window.dilation[i],
                Padding::Explicit(pads),
                false,
            ));
        }
        Some(out)
    })();
    ctx.out(shape)
}

fn caffe_deconv(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let n_spatial = x.len().checked_sub(2).filter(|&n| n > 0)?;
        let window = caffe_window(ctx, n_spatial)?;
        let channels = dims::known(ctx.attr_int("num_output"));
        let mut out = vec![x[0].clone(), channels];
        for i in 0..n_spatial {
            let axis = Axis {
                kernel: window.kernel[i],
                stride: window.stride[i],
                dilation: window.dilation[i],
                padding: Padding::Explicit(window.pad[i].checked_mul(2)?),
            };
            out.push(transposed(&x[i + 2], axis, 0));
        }
        Some(out)
    })();
    ctx.out(shape)
}

/// GE Conv2D: `strides`/`dilations` in `data_format` order, `pads` = [top, bottom, left, right]
/// (or a TF-style `padding`), filter dims read by the filter's own layout.
fn ge_conv(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        if x.len() != 4 {
            return None;
        }
        let format = ctx.attr_str("data_format").or(ctx.layout(0))?;
        let layout = match format {
            "NCHW" | "NHWC" => TfLayout::of(Some(format)),
            _ => return None,
        };
        let filter = ctx.dims(1)?;
        let (kernel, out_channels) = match ctx.layout(1)? {
            "NCHW" => ([filter.get(2)?, filter.get(3)?], filter.first()?),
            "NHWC" => ([filter.get(1)?, filter.get(2)?], filter.first()?),
            "HWCN" => ([filter.first()?, filter.get(1)?], filter.get(3)?),
            _ => return None,
        };
        let mut out = x.to_vec();
        out[layout.channel_axis(4)] = if ctx.node.op_type == "DepthwiseConv2D" {
            // [H, W, C, multiplier] or [multiplier, C, H, W]: channels × multiplier.
            match (ctx.layout(1)?, filter) {
                ("HWCN", [_, _, c, m]) | ("NCHW", [m, c, _, _]) => match (c, m) {
                    (Dim::Known(c), Dim::Known(m)) => dims::known(c.checked_mul(*m)),
                    _ => Dim::Unknown,
                },
                _ => Dim::Unknown,
            }
        } else {
            out_channels.clone()
        };
        let pads = ctx.attr_ints("pads");
        for i in 0..2 {
            let kernel = kernel[i].known()?;
            let stride = tf_per_dim(ctx, "strides", &layout, 4, i, 1)?;
            let dilation = tf_per_dim(ctx, "dilations", &layout, 4, i, 1)?;
            let padding = match (ctx.attr_str("padding"), &pads) {
                (Some("SAME"), _) => Padding::Same,
                (Some("VALID"), _) => Padding::Valid,
                (_, Some(p)) if p.len() == 4 => {
                    Padding::Explicit(p[2 * i].checked_add(p[2 * i + 1])?)
                }
                (_, None) => Padding::Explicit(0),
                _ => return None,
            };
            let axis = layout.spatial_axis(i);
            out[axis] = dims::window(&x[axis], kernel, stride, dilation, padding, false);
        }
        Some(out)
    })();
    ctx.out(shape)
}
