//! Ops whose outputs come from attributes or from their inputs' shapes rather than their
//! contents: constants (ONNX Constant, TF/GE Const), placeholders (TF Placeholder, Caffe Input),
//! ConstantOfShape/Fill, Shape/Size/Rank (contents known: the dims, symbols included), Range.

use super::ctx::{Ctx, Fact};
use super::dims::{self, Product};
use super::elementwise::is_integer;
use super::rules::Rows;
use crate::ir::{AttrValue, ConstValue, DType, Dim, Shape, TensorMeta};

pub(crate) const ONNX: Rows = &[
    (&["Constant"], onnx_constant),
    (&["ConstantOfShape"], constant_of_shape),
    (&["Shape"], shape_of),
    (&["Size"], size_of),
    (&["Range"], range),
    (
        &[
            "EyeLike",
            "RandomNormalLike",
            "RandomUniformLike",
            "Bernoulli",
        ],
        like,
    ),
    (&["RandomNormal", "RandomUniform"], random),
];

pub(crate) const TF: Rows = &[
    (&["Const", "HostConst"], tf_const),
    (&["Placeholder"], placeholder),
    (&["PlaceholderWithDefault"], placeholder_with_default),
    (&["Shape"], shape_of),
    (&["ShapeN"], shape_n),
    (&["Size"], size_of),
    (&["Rank"], rank_of),
    (&["Fill"], fill),
    (&["Range"], range),
];

pub(crate) const CAFFE: Rows = &[(&["Input", "DummyData"], caffe_input)];

pub(crate) const GE: Rows = &[
    (&["Const", "Constant"], tf_const),
    (&["Shape"], shape_of),
    (&["Size"], size_of),
    (&["Rank"], rank_of),
    (&["Fill"], fill),
    (&["Range"], range),
];

fn from_meta(meta: &TensorMeta) -> Fact {
    let value = match &meta.value {
        Some(ConstValue::Ints(values)) => Some(values.iter().map(|&v| Dim::Known(v)).collect()),
        _ => None,
    };
    Fact {
        dtype: meta.dtype,
        shape: Some(meta.shape.clone()),
        value,
    }
}

fn ints_fact(dtype: DType, values: &[i64], scalar: bool) -> Fact {
    Fact::ints(
        dtype,
        values.iter().map(|&v| Dim::Known(v)).collect(),
        scalar,
    )
}

fn floats_fact(count: usize, scalar: bool) -> Fact {
    let shape = if scalar {
        Shape::default()
    } else {
        Shape::from_known(&[count as i64])
    };
    Fact::new(DType::F32, Some(shape))
}

/// ONNX Constant: `value` (a tensor) or one of the `value_*` forms.
fn onnx_constant(ctx: &Ctx) -> Vec<Fact> {
    let fact = ctx.node.attrs.iter().find_map(|attr| {
        Some(match (attr.name.as_str(), &attr.value) {
            ("value", AttrValue::Tensor(meta)) => from_meta(meta),
            ("value_int", AttrValue::Int(v)) => ints_fact(DType::I64, &[*v], true),
            ("value_ints", AttrValue::Ints(v)) => ints_fact(DType::I64, v, false),
            ("value_float", AttrValue::Float(_)) => floats_fact(1, true),
            ("value_floats", AttrValue::Floats(v)) => floats_fact(v.len(), false),
            ("value_string", _) => Fact::new(DType::String, Some(Shape::default())),
            ("value_strings", AttrValue::Strings(v)) => {
                Fact::new(DType::String, Some(Shape::from_known(&[v.len() as i64])))
            }
            _ => return None,
        })
    });
    fact.into_iter().collect()
}

/// TF/GE Const: the `value` tensor's shape, dtype and small contents.
fn tf_const(ctx: &Ctx) -> Vec<Fact> {
    match ctx.attr("value") {
        Some(AttrValue::Tensor(meta)) => vec![from_meta(meta)],
        _ => vec![Fact::new(ctx.attr_dtype("dtype").unwrap_or_default(), None)],
    }
}

/// TF Placeholder: `shape` and `dtype` attributes.
fn placeholder(ctx: &Ctx) -> Vec<Fact> {
    let shape = match ctx.attr("shape") {
        Some(AttrValue::Shape(shape)) => Some(shape.clone()),
        _ => None,
    };
    vec![Fact::new(
        ctx.attr_dtype("dtype").unwrap_or_default(),
        shape,
    )]
}

fn placeholder_with_default(ctx: &Ctx) -> Vec<Fact> {
    let shape = match ctx.attr("shape") {
        Some(AttrValue::Shape(shape)) => Some(shape.clone()),
        _ => ctx.shape(0).cloned(),
    };
    vec![Fact::new(ctx.first_dtype(), shape)]
}

/// Caffe Input/DummyData: the i-th `shape` for the i-th top (one shape serves all).
fn caffe_input(ctx: &Ctx) -> Vec<Fact> {
    let shapes: Vec<Shape> = match ctx.attr("shape") {
        Some(AttrValue::Shapes(shapes)) => shapes.clone(),
        Some(AttrValue::Shape(shape)) => vec![shape.clone()],
        Some(AttrValue::Ints(dims)) => vec![Shape::from_known(dims)],
        Some(AttrValue::IntLists(lists)) => lists.iter().map(|d| Shape::from_known(d)).collect(),
        _ => Vec::new(),
    };
    (0..ctx.n_outputs())
        .map(|idx| {
            let shape = shapes.get(idx).or(if shapes.len() == 1 {
                shapes.first()
            } else {
                None
            });
            Fact::new(DType::F32, shape.cloned())
        })
        .collect()
}

/// ONNX ConstantOfShape: shape = contents of input 0; dtype (and fill) from `value`.
fn constant_of_shape(ctx: &Ctx) -> Vec<Fact> {
    let meta = match ctx.attr("value") {
        Some(AttrValue::Tensor(meta)) => Some(meta),
        _ => None,
    };
    let dtype = meta.map(|m| m.dtype).unwrap_or(DType::F32);
    let shape: Option<Vec<Dim>> = ctx.value(0).map(|v| v.iter().map(dims::size).collect());
    let value = (|| {
        let fill = match &meta?.value {
            Some(ConstValue::Ints(v)) if v.len() == 1 && is_integer(dtype) => v[0],
            _ => return None,
        };
        let count = match shape.as_deref()? {
            [] => 1,
            [Dim::Known(n)] if *n as usize <= ConstValue::MAX_ELEMENTS => *n as usize,
            _ => return None,
        };
        Some(vec![Dim::Known(fill); count])
    })();
    vec![Fact {
        dtype,
        shape: shape.map(Shape),
        value,
    }]
}

/// TF Fill: shape = contents of input 0, typed like the fill value.
fn fill(ctx: &Ctx) -> Vec<Fact> {
    let shape = ctx
        .value(0)
        .map(|v| Shape(v.iter().map(dims::size).collect()));
    vec![Fact::new(ctx.dtype(1), shape)]
}

/// The dtype of Shape/Size/Rank outputs: int64 in ONNX, `out_type` (default int32) in TF/GE.
fn index_dtype(ctx: &Ctx) -> DType {
    match ctx.format {
        crate::ir::ModelFormat::Onnx => DType::I64,
        _ => ctx
            .attr_dtype("out_type")
            .or_else(|| ctx.attr_dtype("dtype"))
            .unwrap_or(DType::I32),
    }
}

/// Shape: a vector of the input's dims (ONNX `start`/`end` take a slice), its contents known
/// as far as the dims are.
fn shape_of(ctx: &Ctx) -> Vec<Fact> {
    let dtype = index_dtype(ctx);
    let Some(x) = ctx.dims(0) else {
        return vec![Fact::new(dtype, None)];
    };
    let rank = x.len() as i64;
    let clamp = |v: i64| (if v < 0 { v + rank } else { v }).clamp(0, rank) as usize;
    let start = clamp(ctx.attr_int("start").unwrap_or(0));
    let end = clamp(ctx.attr_int("end").unwrap_or(rank));
    let dims = x.get(start..end.max(start)).unwrap_or_default().to_vec();
    vec![Fact::ints(dtype, dims, false)]
}

/// TF ShapeN: the shape of each input.
fn shape_n(ctx: &Ctx) -> Vec<Fact> {
    let dtype = index_dtype(ctx);
    (0..ctx.n_outputs())
        .map(|idx| match ctx.dims(idx) {
            Some(x) => Fact::ints(dtype, x.to_vec(), false),
            None => Fact::new(dtype, None),
        })
        .collect()
}

fn size_of(ctx: &Ctx) -> Vec<Fact> {
    let dtype = index_dtype(ctx);
    let value = ctx.dims(0).map(|x| vec![Product::of(x).dim()]);
    vec![Fact {
        dtype,
        shape: Some(Shape::default()),
        value,
    }]
}

fn rank_of(ctx: &Ctx) -> Vec<Fact> {
    let value = ctx.rank(0).map(|r| vec![Dim::Known(r as i64)]);
    vec![Fact {
        dtype: DType::I32,
        shape: Some(Shape::default()),
        value,
    }]
}

/// Range: `max(ceil((limit - start) / delta), 0)` elements, listed when small and integer.
fn range(ctx: &Ctx) -> Vec<Fact> {
    let dtype = ctx.first_dtype();
    let ints = (|| Some((ctx.value_int(0)?, ctx.value_int(1)?, ctx.value_int(2)?)))();
    let count = match ints {
        Some((start, limit, delta)) if delta != 0 => {
            let span = limit.checked_sub(start);
            span.map(|s| {
                let q = s / delta;
                let q = if s % delta != 0 && ((s < 0) == (delta < 0)) {
                    q + 1
                } else {
                    q
                };
                q.max(0)
            })
        }
        _ => (|| {
            let v = |slot| match ctx.value_floats(slot)?.as_slice() {
                [v] => Some(*v),
                _ => None,
            };
            let (start, limit, delta) = (v(0)?, v(1)?, v(2)?);
            let n = ((limit - start) / delta).ceil();
            (n.is_finite() && n < 9.0e15).then_some(n.max(0.0) as i64)
        })(),
    };
    let value = match (ints, count) {
        (Some((start, _, delta)), Some(n)) if n as usize <= ConstValue::MAX_ELEMENTS => (0..n)
            .map(|i| start.checked_add(i.checked_mul(delta)?).map(Dim::Known))
            .collect(),
        _ => None,
    };
    vec![Fact {
        dtype,
        shape: Some(Shape(vec![dims::known(count)])),
        value: value.filter(|_| is_integer(dtype) || dtype == DType::Unknown),
    }]
}

/// Shaped like input 0, typed by `dtype` when given.
fn like(ctx: &Ctx) -> Vec<Fact> {
    let dtype = ctx.attr_dtype("dtype").unwrap_or(ctx.first_dtype());
    vec![Fact::new(dtype, ctx.shape(0).cloned())]
}

fn random(ctx: &Ctx) -> Vec<Fact> {
    let dtype = ctx.attr_dtype("dtype").unwrap_or(DType::F32);
    vec![Fact::new(
        dtype,
        ctx.attr_ints("shape").map(|s| Shape::from_known(&s)),
    )]
}
