//! Indexing: Gather (ONNX `axis`, TF GatherV2 axis input with `batch_dims`, GE GatherV2D),
//! GatherElements, GatherND, Caffe Embed, OneHot, and the data-dependent NonZero/Where (count
//! unknown, rank known). Gathering from small integer contents is folded (`shape[0]`).

use super::ctx::{Ctx, Fact};
use super::dims;
use super::rules::Rows;
use crate::ir::{DType, Dim, Shape};

pub(crate) const ONNX: Rows = &[
    (&["Gather"], onnx_gather),
    (&["GatherElements"], gather_elements),
    (&["GatherND"], gather_nd),
    (&["NonZero"], non_zero),
    (&["OneHot"], one_hot),
];

pub(crate) const TF: Rows = &[
    (&["GatherV2"], tf_gather_v2),
    (&["Gather"], tf_gather),
    (&["GatherNd"], gather_nd),
    (&["Where"], tf_where),
    (&["OneHot"], one_hot),
];

pub(crate) const CAFFE: Rows = &[(&["Embed"], caffe_embed)];

pub(crate) const GE: Rows = &[
    (&["GatherV2D"], ge_gather_v2_d),
    (&["GatherV2"], tf_gather_v2),
    (&["Gather"], tf_gather),
    (&["GatherNd"], gather_nd),
    (&["GatherElements"], gather_elements),
    (&["OneHot", "OneHotD"], one_hot),
];

/// `data[..axis] + indices[batch_dims..] + data[axis+1..]`, and the gathered elements when
/// `data` is a small 1-D integer tensor with known indices.
fn gather(ctx: &Ctx, axis: Option<i64>, batch_dims: i64) -> Vec<Fact> {
    let dtype = ctx.first_dtype();
    let Some(axis) = axis else {
        return vec![Fact::new(dtype, None)];
    };
    let shape = (|| {
        let data = ctx.dims(0)?;
        let indices = ctx.dims(1)?;
        let axis = dims::axis(axis, data.len())?;
        let batch = usize::try_from(batch_dims)
            .ok()
            .filter(|&b| b <= axis && b <= indices.len())?;
        let mut out = data[..axis].to_vec();
        out.extend_from_slice(&indices[batch..]);
        out.extend_from_slice(&data[axis + 1..]);
        Some(out)
    })();
    let value = (|| {
        let data = ctx.value(0).filter(|_| ctx.rank(0) == Some(1))?;
        let indices = ctx.value_ints(1)?;
        if shape.as_ref()?.len() > 1 {
            return None;
        }
        let n = i64::try_from(data.len()).ok()?;
        indices
            .iter()
            .map(|&i| {
                let i = if i < 0 { i.checked_add(n)? } else { i };
                data.get(usize::try_from(i).ok()?).cloned()
            })
            .collect::<Option<Vec<_>>>()
    })();
    vec![Fact {
        dtype,
        shape: shape.map(Shape),
        value,
    }]
}

fn onnx_gather(ctx: &Ctx) -> Vec<Fact> {
    gather(ctx, Some(ctx.attr_int("axis").unwrap_or(0)), 0)
}

/// TF GatherV2: params, indices, axis (input 2), `batch_dims`.
fn tf_gather_v2(ctx: &Ctx) -> Vec<Fact> {
    let axis = ctx.value_int(2).or_else(|| ctx.attr_int("axis"));
    let batch_dims = ctx.attr_int("batch_dims").unwrap_or(0);
    let batch_dims = if batch_dims < 0 {
        match ctx.rank(1) {
            Some(rank) => batch_dims.saturating_add(rank as i64),
            None => return vec![Fact::new(ctx.first_dtype(), None)],
        }
    } else {
        batch_dims
    };
    gather(ctx, axis, batch_dims)
}

/// TF Gather (v1): along axis 0.
fn tf_gather(ctx: &Ctx) -> Vec<Fact> {
    gather(ctx, Some(0), 0)
}

fn ge_gather_v2_d(ctx: &Ctx) -> Vec<Fact> {
    gather(ctx, Some(ctx.attr_int("axis").unwrap_or(0)), 0)
}

/// Shaped like the indices, typed like the data.
fn gather_elements(ctx: &Ctx) -> Vec<Fact> {
    vec![Fact::new(ctx.first_dtype(), ctx.shape(1).cloned())]
}

/// `indices[..-1] + data[batch_dims + k..]` where `k` is the last dim of the indices.
fn gather_nd(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let data = ctx.dims(0)?;
        let indices = ctx.dims(1)?;
        let batch = usize::try_from(ctx.attr_int("batch_dims").unwrap_or(0)).ok()?;
        let (last, lead) = indices.split_last()?;
        let k = usize::try_from(last.known()?).ok()?;
        let mut out = lead.to_vec();
        out.extend_from_slice(data.get(batch.checked_add(k)?..)?);
        Some(out)
    })();
    ctx.out(shape)
}

/// ONNX NonZero: `[rank, count]` int64, the count unknown until run time.
fn non_zero(ctx: &Ctx) -> Vec<Fact> {
    let shape = ctx
        .rank(0)
        .map(|r| Shape(vec![Dim::Known(r as i64), Dim::Unknown]));
    vec![Fact::new(DType::I64, shape)]
}

/// TF Where with one input: `[count, rank]` int64 coordinates; with three, a select.
fn tf_where(ctx: &Ctx) -> Vec<Fact> {
    if ctx.n_inputs() > 1 {
        let shape = (|| dims::broadcast(&[ctx.dims(0)?, ctx.dims(1)?, ctx.dims(2)?]))();
        return vec![Fact::new(ctx.dtype(1), shape.map(Shape))];
    }
    let shape = ctx
        .rank(0)
        .map(|r| Shape(vec![Dim::Unknown, Dim::Known(r as i64)]));
    vec![Fact::new(DType::I64, shape)]
}

/// OneHot: the indices' shape with `depth` (input 1, or a `depth` attribute) inserted at `axis`
/// (default -1, counted on the output); typed like the on/off values.
fn one_hot(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let indices = ctx.dims(0)?;
        let depth = match ctx.attr_int("depth") {
            Some(depth) => Some(depth),
            None => ctx.value_int(1),
        };
        let axis = dims::axis(ctx.attr_int("axis").unwrap_or(-1), indices.len() + 1)?;
        let mut out = indices.to_vec();
        out.insert(axis, dims::known(depth));
        Some(out)
    })();
    // GE OneHotD takes `depth` as an attribute, so its on-value is input 1.
    let values_slot = if ctx.node.op_type == "OneHotD" { 1 } else { 2 };
    let dtype = match ctx.dtype(values_slot) {
        DType::Unknown => ctx.attr_dtype("dtype").unwrap_or_default(),
        dtype => dtype,
    };
    vec![Fact::new(dtype, shape.map(Shape))]
}

/// Caffe Embed: the bottom's shape plus `num_output`.
fn caffe_embed(ctx: &Ctx) -> Vec<Fact> {
    let shape = ctx.dims(0).map(|x| {
        let mut out = x.to_vec();
        out.push(dims::known(ctx.attr_int("num_output")));
        out
    });
    vec![Fact::new(DType::F32, shape.map(Shape))]
}
