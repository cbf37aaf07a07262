//! Ops that rearrange dims without computing: Reshape (0 and -1 per framework), Flatten,
//! Squeeze/Unsqueeze/ExpandDims (axes as attribute or input, by ONNX opset), Transpose/Permute,
//! DepthToSpace/SpaceToDepth, Expand/BroadcastTo/Tile, Caffe Crop. Small integer contents pass
//! through the ops that only regroup elements.

use super::ctx::{Ctx, Fact};
use super::dims::{self, Product};
use super::rules::Rows;
use crate::ir::{Dim, Shape};

pub(crate) const ONNX: Rows = &[
    (&["Reshape"], onnx_reshape),
    (&["Flatten"], onnx_flatten),
    (&["Squeeze"], onnx_squeeze),
    (&["Unsqueeze"], onnx_unsqueeze),
    (&["Transpose"], onnx_transpose),
    (&["DepthToSpace"], depth_to_space),
    (&["SpaceToDepth"], space_to_depth),
    (&["Expand"], expand),
    (&["Tile"], tile_input),
];

pub(crate) const TF: Rows = &[
    (&["Reshape"], tf_reshape),
    (&["Squeeze"], tf_squeeze),
    (&["ExpandDims"], expand_dims),
    (&["Transpose"], transpose_input),
    (&["DepthToSpace"], depth_to_space),
    (&["SpaceToDepth"], space_to_depth),
    (&["BroadcastTo"], expand),
    (&["Tile"], tile_input),
    (&["SpaceToBatchND"], space_to_batch),
    (&["BatchToSpaceND"], batch_to_space),
];

pub(crate) const CAFFE: Rows = &[
    (&["Reshape"], caffe_reshape),
    (&["Flatten"], caffe_flatten),
    (&["Permute"], caffe_permute),
    (&["Crop"], caffe_crop),
    (&["Tile"], caffe_tile),
];

pub(crate) const GE: Rows = &[
    (&["Reshape"], ge_reshape),
    (&["Flatten"], onnx_flatten),
    (&["FlattenV2"], caffe_flatten),
    (&["Squeeze"], tf_squeeze),
    (&["Unsqueeze"], onnx_unsqueeze),
    (&["ExpandDims"], expand_dims),
    (&["TransposeD"], transpose_attr),
    (&["Transpose"], transpose_input),
    (&["DepthToSpace"], depth_to_space),
    (&["SpaceToDepth"], space_to_depth),
    (&["BroadcastTo", "Expand"], expand),
    (&["TileD"], tile_attr),
    (&["Tile"], tile_input),
];

/// The output of an op that keeps the elements in order: the new shape, and input 0's
/// contents when the result is at most 1-D.
fn regrouped(ctx: &Ctx, shape: Option<Vec<Dim>>) -> Vec<Fact> {
    let value = match &shape {
        Some(dims) if dims.len() <= 1 => ctx.value(0),
        _ => None,
    };
    vec![Fact {
        dtype: ctx.first_dtype(),
        shape: shape.map(Shape),
        value,
    }]
}

/// Reshape `input` to `target`: `-1` takes what is left, and `0` copies the input dim at the same
/// position when `zero_copies` (ONNX, Caffe); otherwise `0` is a real zero-sized dim (TF).
pub(crate) fn reshape(input: &[Dim], target: &[Dim], zero_copies: bool) -> Option<Vec<Dim>> {
    let mut out = Vec::with_capacity(target.len());
    let mut inferred = None;
    for (idx, dim) in target.iter().enumerate() {
        out.push(match dim {
            Dim::Known(0) if zero_copies => input.get(idx)?.clone(),
            Dim::Known(-1) if inferred.is_none() => {
                inferred = Some(idx);
                Dim::Unknown
            }
            Dim::Known(v) if *v < 0 => return None,
            other => other.clone(),
        });
    }
    if let Some(idx) = inferred {
        let others = Product::of(
            out.iter()
                .enumerate()
                .filter(|&(i, _)| i != idx)
                .map(|(_, d)| d),
        );
        out[idx] = Product::of(input).divide(&others);
    }
    Some(out)
}

/// The target of a Reshape read from its shape input: known contents, or only the rank.
fn target_from_input(ctx: &Ctx, slot: usize) -> Option<Vec<Dim>> {
    if let Some(value) = ctx.value(slot) {
        return Some(value);
    }
    match ctx.dims(slot)? {
        [Dim::Known(n)] if *n >= 0 && *n <= 64 => Some(vec![Dim::Unknown; *n as usize]),
        _ => None,
    }
}

fn onnx_reshape(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let zero_copies = ctx.attr_int("allowzero").unwrap_or(0) == 0;
        let target = match ctx.attr_ints("shape") {
            Some(shape) if ctx.n_inputs() < 2 => shape.into_iter().map(Dim::Known).collect(),
            _ => target_from_input(ctx, 1)?,
        };
        reshape(x, &target, zero_copies)
    })();
    regrouped(ctx, shape)
}

fn tf_reshape(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| reshape(ctx.dims(0)?, &target_from_input(ctx, 1)?, false))();
    regrouped(ctx, shape)
}

/// GE Reshape: the shape input, or the `shape` attribute (GE's "D" form); a `0` in the target
/// is left unknown rather than guessed.
fn ge_reshape(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let target = match ctx.attr_ints("shape") {
            Some(shape) if ctx.tensor(1).is_none() => shape.into_iter().map(Dim::Known).collect(),
            _ => target_from_input(ctx, 1)?,
        };
        let target: Vec<Dim> = target
            .into_iter()
            .map(|d| if d == Dim::Known(0) { Dim::Unknown } else { d })
            .collect();
        reshape(x, &target, false)
    })();
    regrouped(ctx, shape)
}

/// Caffe Reshape: `shape { dim }` replaces dims `[axis, axis + num_axes)` of the bottom; `0`
/// copies, `-1` infers.
fn caffe_reshape(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let target = ctx.attr_ints("shape").or_else(|| ctx.attr_ints("dim"))?;
        let rank = i64::try_from(x.len()).ok()?;
        let axis = ctx.attr_int("axis").unwrap_or(0);
        let start = if axis < 0 {
            axis.checked_add(rank + 1)?
        } else {
            axis
        };
        let num_axes = ctx.attr_int("num_axes").unwrap_or(-1);
        let end = if num_axes == -1 {
            rank
        } else {
            start.checked_add(num_axes)?
        };
        if !(0 <= start && start <= end && end <= rank) {
            return None;
        }
        let (start, end) = (start as usize, end as usize);
        let mut middle = Vec::with_capacity(target.len());
        for (idx, &d) in target.iter().enumerate() {
            middle.push(match d {
                0 => x.get(start + idx)?.clone(),
                d => Dim::Known(d),
            });
        }
        let mut full: Vec<Dim> = x[..start].to_vec();
        full.extend(middle);
        full.extend_from_slice(&x[end..]);
        reshape(x, &full, false)
    })();
    regrouped(ctx, shape)
}

/// ONNX Flatten: `[prod(dims[..axis]), prod(dims[axis..])]`; `axis` may equal the rank.
fn onnx_flatten(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let axis = ctx.attr_int("axis").unwrap_or(1);
        let axis = if axis == x.len() as i64 {
            x.len()
        } else {
            dims::axis(axis, x.len())?
        };
        Some(vec![
            Product::of(&x[..axis]).dim(),
            Product::of(&x[axis..]).dim(),
        ])
    })();
    regrouped(ctx, shape)
}

/// Caffe Flatten (and GE FlattenV2): dims `axis..=end_axis` merged into one.
fn caffe_flatten(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let start = dims::axis(ctx.attr_int("axis").unwrap_or(1), x.len())?;
        let end = dims::axis(ctx.attr_int("end_axis").unwrap_or(-1), x.len())?;
        if end < start {
            return None;
        }
        let mut out = x[..start].to_vec();
        out.push(Product::of(&x[start..=end]).dim());
        out.extend_from_slice(&x[end + 1..]);
        Some(out)
    })();
    regrouped(ctx, shape)
}

/// Axes from the attribute (ONNX before opset 13, TF, GE) or from input 1 (ONNX 13+).
fn axes_attr_or_input(ctx: &Ctx, attr: &str) -> Option<Option<Vec<i64>>> {
    if let Some(axes) = ctx.attr_ints(attr) {
        return Some(Some(axes));
    }
    if ctx.tensor(1).is_some() {
        return ctx.value_ints(1).map(Some);
    }
    Some(None)
}

/// Removes `axes`, or every dim known to be 1 when none are given (unknown if a dim might be 1).
fn squeeze(x: &[Dim], axes: Option<Vec<i64>>) -> Option<Vec<Dim>> {
    match axes.filter(|a| !a.is_empty()) {
        Some(axes) => {
            let axes = dims::axes(&axes, x.len())?;
            Some(
                x.iter()
                    .enumerate()
                    .filter(|(idx, _)| !axes.contains(idx))
                    .map(|(_, d)| d.clone())
                    .collect(),
            )
        }
        None => {
            if x.iter().any(|d| d.known().is_none()) {
                return None;
            }
            Some(x.iter().filter(|d| **d != Dim::Known(1)).cloned().collect())
        }
    }
}

fn onnx_squeeze(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| squeeze(ctx.dims(0)?, axes_attr_or_input(ctx, "axes")?))();
    regrouped(ctx, shape)
}

/// TF Squeeze (`squeeze_dims`) and GE Squeeze (`axis`).
fn tf_squeeze(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let axes = ctx
            .attr_ints("squeeze_dims")
            .or_else(|| ctx.attr_ints("axis"));
        squeeze(ctx.dims(0)?, axes)
    })();
    regrouped(ctx, shape)
}

/// Inserts 1s at `axes` of the output (negative axes count from the output's end).
fn unsqueeze(x: &[Dim], axes: &[i64]) -> Option<Vec<Dim>> {
    let rank = x.len() + axes.len();
    let axes = dims::axes(axes, rank)?;
    let mut rest = x.iter();
    (0..rank)
        .map(|idx| {
            if axes.contains(&idx) {
                Some(Dim::Known(1))
            } else {
                rest.next().cloned()
            }
        })
        .collect()
}

fn onnx_unsqueeze(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| unsqueeze(ctx.dims(0)?, &axes_attr_or_input(ctx, "axes")??))();
    regrouped(ctx, shape)
}

/// TF/GE ExpandDims: one axis from input 1 (or a GE `axis` attribute), in `[-rank-1, rank]`.
fn expand_dims(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let axis = match ctx.value_int(1) {
            Some(axis) => axis,
            None => ctx.attr_int("axis")?,
        };
        unsqueeze(ctx.dims(0)?, &[axis])
    })();
    regrouped(ctx, shape)
}

fn permute(x: &[Dim], perm: &[i64]) -> Option<Vec<Dim>> {
    if perm.len() != x.len() {
        return None;
    }
    let axes = dims::axes(perm, x.len())?;
    if axes.len() != x.len() {
        return None;
    }
    perm.iter()
        .map(|&p| dims::axis(p, x.len()).map(|a| x[a].clone()))
        .collect()
}

/// ONNX Transpose: `perm`, or the dims reversed.
fn onnx_transpose(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        match ctx.attr_ints("perm") {
            Some(perm) => permute(x, &perm),
            None => Some(x.iter().rev().cloned().collect()),
        }
    })();
    ctx.out(shape)
}

/// TF/GE Transpose with `perm` as input 1.
fn transpose_input(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| permute(ctx.dims(0)?, &ctx.value_ints(1)?))();
    ctx.out(shape)
}

/// GE TransposeD with a `perm` attribute.
fn transpose_attr(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| permute(ctx.dims(0)?, &ctx.attr_ints("perm")?))();
    ctx.out(shape)
}

/// Caffe Permute: `order`, with the axes it leaves out appended in their order.
fn caffe_permute(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let mut order = ctx.attr_ints("order").unwrap_or_default();
        for axis in 0..x.len() as i64 {
            if !order.contains(&axis) {
                order.push(axis);
            }
        }
        permute(x, &order)
    })();
    ctx.out(shape)
}

/// `blocksize` (ONNX) or `block_size` (TF, GE), and where the channels are.
fn block(ctx: &Ctx) -> Option<(i64, bool)> {
    let size = ctx
        .attr_int("blocksize")
        .or_else(|| ctx.attr_int("block_size"))?;
    let channels_first = match ctx.format {
        crate::ir::ModelFormat::Onnx => true,
        _ => ctx
            .attr_str("data_format")
            .or(ctx.layout(0))
            .is_some_and(|f| f.starts_with("NC")),
    };
    (size > 0).then_some((size, channels_first))
}

fn rearrange(ctx: &Ctx, to_space: bool) -> Option<Vec<Dim>> {
    let x = ctx.dims(0)?;
    if x.len() != 4 {
        return None;
    }
    let (b, channels_first) = block(ctx)?;
    let area = b.checked_mul(b)?;
    let (c, h, w) = if channels_first { (1, 2, 3) } else { (3, 1, 2) };
    let mut out = x.to_vec();
    if to_space {
        out[c] = dims::map(&x[c], |v| (v % area == 0).then(|| v / area));
        out[h] = dims::scale(&x[h], b);
        out[w] = dims::scale(&x[w], b);
    } else {
        out[c] = dims::scale(&x[c], area);
        out[h] = dims::map(&x[h], |v| (v % b == 0).then(|| v / b));
        out[w] = dims::map(&x[w], |v| (v % b == 0).then(|| v / b));
    }
    Some(out)
}

fn depth_to_space(ctx: &Ctx) -> Vec<Fact> {
    ctx.out(rearrange(ctx, true))
}

fn space_to_depth(ctx: &Ctx) -> Vec<Fact> {
    ctx.out(rearrange(ctx, false))
}

/// ONNX Expand, TF/GE BroadcastTo: the input broadcast with the shape in input 1.
fn expand(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let target: Vec<Dim> = match ctx.value(1) {
            Some(v) => v.iter().map(dims::size).collect(),
            None => ctx
                .attr_ints("shape")?
                .into_iter()
                .map(Dim::Known)
                .collect(),
        };
        dims::broadcast(&[ctx.dims(0)?, &target])
    })();
    ctx.out(shape)
}

fn tile(x: &[Dim], repeats: &[i64]) -> Option<Vec<Dim>> {
    if repeats.len() != x.len() {
        return None;
    }
    Some(
        x.iter()
            .zip(repeats)
            .map(|(d, &r)| dims::scale(d, r))
            .collect(),
    )
}

/// ONNX Tile (`repeats` input), TF/GE Tile (`multiples` input).
fn tile_input(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| tile(ctx.dims(0)?, &ctx.value_ints(1)?))();
    ctx.out(shape)
}

/// GE TileD: `multiples` attribute.
fn tile_attr(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| tile(ctx.dims(0)?, &ctx.attr_ints("multiples")?))();
    ctx.out(shape)
}

/// Caffe Tile: dim `axis` (default 1) times `tiles`.
fn caffe_tile(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let axis = dims::axis(ctx.attr_int("axis").unwrap_or(1), x.len())?;
        let mut out = x.to_vec();
        out[axis] = dims::scale(&x[axis], ctx.attr_int("tiles")?);
        Some(out)
    })();
    ctx.out(shape)
}

/// Caffe Crop: the first bottom's dims before `axis` (default 2), the second's from there on.
fn caffe_crop(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let bottoms = ctx.data_inputs();
        let (a, b) = (ctx.dims(*bottoms.first()?)?, ctx.dims(*bottoms.get(1)?)?);
        if a.len() != b.len() {
            return None;
        }
        let axis = dims::axis(ctx.attr_int("axis").unwrap_or(2), a.len())?;
        let mut out = a[..axis].to_vec();
        out.extend_from_slice(&b[axis..]);
        Some(out)
    })();
    ctx.out(shape)
}

/// TF SpaceToBatchND (how TF 1 graphs spell dilated convolutions): the spatial dims after the
/// batch are padded by `paddings` and divided by `block_shape`, the batch multiplied by its
/// product.
fn space_to_batch(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let block = ctx.value_ints(1)?;
        let pads = ctx.value_ints(2)?;
        if pads.len() != 2 * block.len() || block.len() + 1 > x.len() {
            return None;
        }
        let mut out = x.to_vec();
        let mut factor = 1i64;
        for (i, &b) in block.iter().enumerate() {
            let padded = pads[2 * i].checked_add(pads[2 * i + 1])?;
            out[i + 1] = dims::map(&x[i + 1], |d| {
                let d = d.checked_add(padded)?;
                (b > 0 && d % b == 0).then(|| d / b)
            });
            factor = factor.checked_mul(b)?;
        }
        out[0] = dims::scale(&x[0], factor);
        Some(out)
    })();
    ctx.out(shape)
}

/// TF BatchToSpaceND: the inverse, with `crops`.
fn batch_to_space(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let block = ctx.value_ints(1)?;
        let crops = ctx.value_ints(2)?;
        if crops.len() != 2 * block.len() || block.len() + 1 > x.len() {
            return None;
        }
        let mut out = x.to_vec();
        let mut factor = 1i64;
        for (i, &b) in block.iter().enumerate() {
            let cropped = crops[2 * i].checked_add(crops[2 * i + 1])?;
            out[i + 1] = dims::map(&x[i + 1], |d| d.checked_mul(b)?.checked_sub(cropped));
            factor = factor.checked_mul(b)?;
        }
        out[0] = dims::map(&x[0], |n| {
            (factor > 0 && n % factor == 0).then(|| n / factor)
        });
        Some(out)
    })();
    ctx.out(shape)
}
