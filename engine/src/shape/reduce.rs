//! Reductions: ONNX Reduce* (`axes` attribute, or input 1 for ReduceSum from opset 13 and all
//! from opset 18; `keepdims`; `noop_with_empty_axes`), ArgMax/ArgMin, TopK; TF Mean/Sum/Max/...
//! (`reduction_indices` input, `keep_dims`), ArgMax/ArgMin, TopKV2; Caffe Reduction (everything
//! from `axis` on) and ArgMax; GE Reduce*D (attribute axes) and Reduce* (input axes), ArgMax,
//! TopK. Sums and products of small integer contents are folded.

use super::ctx::{Ctx, Fact};
use super::dims::{self, Product};
use super::elementwise::is_integer;
use super::rules::Rows;
use crate::ir::{DType, Dim, Shape};

const ONNX_REDUCE: &[&str] = &[
    "ReduceL1",
    "ReduceL2",
    "ReduceLogSum",
    "ReduceLogSumExp",
    "ReduceMax",
    "ReduceMean",
    "ReduceMin",
    "ReduceProd",
    "ReduceSum",
    "ReduceSumSquare",
];
const TF_REDUCE: &[&str] = &[
    "All",
    "Any",
    "EuclideanNorm",
    "Max",
    "Mean",
    "Min",
    "Prod",
    "Sum",
];
const GE_REDUCE_D: &[&str] = &[
    "ReduceAllD",
    "ReduceAnyD",
    "ReduceMaxD",
    "ReduceMeanD",
    "ReduceMinD",
    "ReduceProdD",
    "ReduceSumD",
];
const GE_REDUCE: &[&str] = &[
    "ReduceAll",
    "ReduceAny",
    "ReduceMax",
    "ReduceMean",
    "ReduceMin",
    "ReduceProd",
    "ReduceSum",
];

pub(crate) const ONNX: Rows = &[
    (ONNX_REDUCE, onnx_reduce),
    (&["ArgMax", "ArgMin"], onnx_arg),
    (&["TopK"], onnx_top_k),
];

pub(crate) const TF: Rows = &[
    (TF_REDUCE, tf_reduce),
    (&["ArgMax", "ArgMin"], tf_arg),
    (&["TopKV2", "TopK"], tf_top_k),
];

pub(crate) const CAFFE: Rows = &[
    (&["Reduction"], caffe_reduction),
    (&["ArgMax"], caffe_arg_max),
];

pub(crate) const GE: Rows = &[
    (GE_REDUCE_D, ge_reduce_d),
    (GE_REDUCE, tf_reduce),
    (&["ArgMaxD", "ArgMinD"], ge_arg_d),
    (&["ArgMaxV2", "ArgMinV2", "ArgMax", "ArgMin"], tf_arg),
    (&["TopKD"], ge_top_k_d),
    (&["TopK", "TopKV2"], tf_top_k),
];

/// `x` reduced over `axes` (all dims when `None`), keeping 1s when `keep`.
fn reduced(x: &[Dim], axes: Option<&[i64]>, keep: bool) -> Option<Vec<Dim>> {
    let axes = match axes {
        Some(axes) => dims::axes(axes, x.len())?,
        None => (0..x.len()).collect(),
    };
    Some(
        x.iter()
            .enumerate()
            .filter_map(|(idx, d)| match (axes.contains(&idx), keep) {
                (false, _) => Some(d.clone()),
                (true, true) => Some(Dim::Known(1)),
                (true, false) => None,
            })
            .collect(),
    )
}

/// Sum or product of 1-D integer contents reduced to one element.
fn fold(ctx: &Ctx, out: &[Dim]) -> Option<Vec<Dim>> {
    if !is_integer(ctx.first_dtype()) || out.len() > 1 || ctx.rank(0) != Some(1) {
        return None;
    }
    let values = ctx.value(0)?;
    let op = ctx.node.op_type.trim_end_matches('D');
    let res = match op {
        "ReduceProd" | "Prod" => Product::of(&values).dim(),
        "ReduceSum" | "Sum" => dims::sum(&values),
        "ReduceMax" | "Max" => Dim::Known(
            values
                .iter()
                .map(Dim::known)
                .collect::<Option<Vec<_>>>()?
                .into_iter()
                .max()?,
        ),
        "ReduceMin" | "Min" => Dim::Known(
            values
                .iter()
                .map(Dim::known)
                .collect::<Option<Vec<_>>>()?
                .into_iter()
                .min()?,
        ),
        _ => return None,
    };
    Some(vec![res])
}

fn reduce_fact(ctx: &Ctx, axes: Option<Option<Vec<i64>>>, keep: bool) -> Vec<Fact> {
    // `Some(None)`: all axes; `None`: the axes are not known.
    let shape = (|| reduced(ctx.dims(0)?, axes?.as_deref(), keep))();
    let value = shape.as_deref().and_then(|out| fold(ctx, out));
    vec![Fact {
        dtype: ctx.first_dtype(),
        shape: shape.map(Shape),
        value,
    }]
}

fn onnx_reduce(ctx: &Ctx) -> Vec<Fact> {
    let keep = ctx.attr_int("keepdims").unwrap_or(1) != 0;
    let axes = match ctx.attr_ints("axes") {
        Some(axes) => axes,
        None if ctx.tensor(1).is_some() => match ctx.value_ints(1) {
            Some(axes) => axes,
            None => return reduce_fact(ctx, None, keep),
        },
        None => Vec::new(),
    };
    if !axes.is_empty() {
        return reduce_fact(ctx, Some(Some(axes)), keep);
    }
    if ctx.attr_int("noop_with_empty_axes").unwrap_or(0) != 0 {
        return super::elementwise::same(ctx);
    }
    reduce_fact(ctx, Some(None), keep)
}

/// TF reductions (and GE's with axes as input 1): `reduction_indices` scalar or vector.
fn tf_reduce(ctx: &Ctx) -> Vec<Fact> {
    let keep = ctx
        .attr_bool("keep_dims")
        .or_else(|| ctx.attr_bool("keepdims"))
        .unwrap_or(false);
    let axes = match ctx.value_ints(1) {
        Some(axes) if axes.is_empty() => Some(Some(Vec::new())),
        Some(axes) => Some(Some(axes)),
        None => None,
    };
    reduce_fact(ctx, axes, keep)
}

fn ge_reduce_d(ctx: &Ctx) -> Vec<Fact> {
    let keep = ctx.attr_bool("keep_dims").unwrap_or(false);
    let axes = match ctx.attr_ints("axes") {
        Some(axes) if axes.is_empty() => Some(None),
        Some(axes) => Some(Some(axes)),
        None => None,
    };
    reduce_fact(ctx, axes, keep)
}

fn onnx_arg(ctx: &Ctx) -> Vec<Fact> {
    let keep = ctx.attr_int("keepdims").unwrap_or(1) != 0;
    let axis = ctx.attr_int("axis").unwrap_or(0);
    let shape = (|| reduced(ctx.dims(0)?, Some(&[axis]), keep))();
    vec![Fact::new(DType::I64, shape.map(Shape))]
}

/// TF ArgMax/ArgMin (`dimension` input, `output_type`), GE ArgMaxV2.
fn tf_arg(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| reduced(ctx.dims(0)?, Some(&[ctx.value_int(1)?]), false))();
    let dtype = ctx
        .attr_dtype("output_type")
        .or_else(|| ctx.attr_dtype("dtype"))
        .unwrap_or(if ctx.format == crate::ir::ModelFormat::Ge {
            DType::I32
        } else {
            DType::I64
        });
    vec![Fact::new(dtype, shape.map(Shape))]
}

fn ge_arg_d(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let axis = ctx.attr_int("dimension").or_else(|| ctx.attr_int("axis"))?;
        reduced(ctx.dims(0)?, Some(&[axis]), false)
    })();
    let dtype = ctx.attr_dtype("dtype").unwrap_or(DType::I32);
    vec![Fact::new(dtype, shape.map(Shape))]
}

/// Values and indices with dim `axis` replaced by `k`.
fn top_k(ctx: &Ctx, k: Option<i64>, axis: i64, index_type: DType) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let axis = dims::axis(axis, x.len())?;
        let mut out = x.to_vec();
        out[axis] = dims::known(k);
        Some(Shape(out))
    })();
    vec![
        Fact::new(ctx.first_dtype(), shape.clone()),
        Fact::new(index_type, shape),
    ]
}

fn onnx_top_k(ctx: &Ctx) -> Vec<Fact> {
    let k = ctx.attr_int("k").or_else(|| ctx.value_int(1));
    top_k(ctx, k, ctx.attr_int("axis").unwrap_or(-1), DType::I64)
}

/// TF TopKV2 (and GE TopK): `k` input, last axis, int32 indices.
fn tf_top_k(ctx: &Ctx) -> Vec<Fact> {
    let k = ctx.value_int(1).or_else(|| ctx.attr_int("k"));
    top_k(ctx, k, ctx.attr_int("dim").unwrap_or(-1), DType::I32)
}

fn ge_top_k_d(ctx: &Ctx) -> Vec<Fact> {
    top_k(
        ctx,
        ctx.attr_int("k"),
        ctx.attr_int("dim").unwrap_or(-1),
        DType::I32,
    )
}

/// Caffe Reduction: every dim from `axis` (default 0) on is reduced away.
fn caffe_reduction(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let axis = ctx.attr_int("axis").unwrap_or(0);
        let axis = if axis == 0 && x.is_empty() {
            0
        } else {
            dims::axis(axis, x.len())?
        };
        Some(x[..axis].to_vec())
    })();
    ctx.out(shape)
}

/// Caffe ArgMax: with `axis`, that dim becomes `top_k`; without, `[N, 1 or 2, top_k]` (2 with
/// `out_max_val`).
fn caffe_arg_max(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let top_k = ctx.attr_int("top_k").unwrap_or(1);
        match ctx.attr_int("axis") {
            Some(axis) => {
                let axis = dims::axis(axis, x.len())?;
                let mut out = x.to_vec();
                out[axis] = dims::known(Some(top_k));
                Some(out)
            }
            None => {
                let with_values = ctx.attr_bool("out_max_val").unwrap_or(false);
                Some(vec![
                    x.first()?.clone(),
                    Dim::Known(if with_values { 2 } else { 1 }),
                    dims::known(Some(top_k)),
                ])
            }
        }
    })();
    ctx.out(shape)
}
