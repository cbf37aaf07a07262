//! Element-wise ops: unary ops keep their input's shape; binary and variadic ops broadcast
//! (numpy/ONNX rules, also TF's and GE's); comparisons give bool; Caffe Eltwise keeps the shape
//! of its bottoms. Small integer contents are folded (shape arithmetic in exported graphs).

use super::ctx::{Ctx, Fact};
use super::dims;
use super::rules::Rows;
use crate::ir::{DType, Dim, Shape};

/// Ops whose single output has the shape and dtype of input 0 (activations, rounding,
/// normalisations that do not change shape, no-ops).
const SAME_ONNX: &[&str] = &[
    "Abs",
    "Acos",
    "Acosh",
    "Asin",
    "Asinh",
    "Atan",
    "Atanh",
    "BiasGelu",
    "Ceil",
    "Celu",
    "Clip",
    "Cos",
    "Cosh",
    "CumSum",
    "Elu",
    "Erf",
    "Exp",
    "FastGelu",
    "Floor",
    "Gelu",
    "HardSigmoid",
    "HardSwish",
    "LeakyRelu",
    "Log",
    "Mish",
    "Neg",
    "PRelu",
    "QuickGelu",
    "Reciprocal",
    "Relu",
    "Round",
    "Scatter",
    "ScatterElements",
    "ScatterND",
    "Selu",
    "Shrink",
    "Sigmoid",
    "Sign",
    "Sin",
    "Sinh",
    "Softplus",
    "Softsign",
    "Sqrt",
    "Tan",
    "Tanh",
    "ThresholdedRelu",
    "Trilu",
];
const SAME_TF: &[&str] = &[
    "Abs",
    "Acos",
    "Asin",
    "Atan",
    "BiasAdd",
    "BiasAddV1",
    "Ceil",
    "ClipByValue",
    "Cos",
    "Cosh",
    "Cumsum",
    "Elu",
    "Erf",
    "Erfc",
    "Exp",
    "Expm1",
    "FakeQuantWithMinMaxArgs",
    "FakeQuantWithMinMaxVars",
    "FakeQuantWithMinMaxVarsPerChannel",
    "Floor",
    "Gelu",
    "Inv",
    "LeakyRelu",
    "Log",
    "Log1p",
    "Mish",
    "Neg",
    "OnesLike",
    "Reciprocal",
    "Relu",
    "Relu6",
    "Rint",
    "Round",
    "Rsqrt",
    "Selu",
    "Sigmoid",
    "Sign",
    "Sin",
    "Sinh",
    "Softplus",
    "Softsign",
    "Sqrt",
    "Square",
    "Swish",
    "Tan",
    "Tanh",
    "ZerosLike",
];
const SAME_CAFFE: &[&str] = &[
    "AbsVal",
    "BNLL",
    "Bias",
    "Clip",
    "ELU",
    "Exp",
    "GELU",
    "HardSigmoid",
    "HardSwish",
    "Log",
    "Mish",
    "PReLU",
    "Power",
    "ReLU",
    "ReLU6",
    "Scale",
    "ShuffleChannel",
    "Sigmoid",
    "Swish",
    "TanH",
    "Threshold",
];
const SAME_GE: &[&str] = &[
    "Abs",
    "BiasAdd",
    "Ceil",
    "ClipByValue",
    "Cos",
    "Elu",
    "Erf",
    "Exp",
    "FastGelu",
    "Floor",
    "Gelu",
    "HardSwish",
    "LeakyRelu",
    "Log",
    "Mish",
    "Neg",
    "OnesLike",
    "PRelu",
    "Power",
    "Reciprocal",
    "Relu",
    "Relu6",
    "Relu6D",
    "Round",
    "Rsqrt",
    "Scale",
    "Selu",
    "Sigmoid",
    "Sign",
    "Sin",
    "Softplus",
    "Softsign",
    "Sqrt",
    "Square",
    "Swish",
    "Tanh",
    "ZerosLike",
];

/// Binary/variadic broadcasting ops whose output has input 0's dtype.
const ARITH_ONNX: &[&str] = &[
    "Add",
    "BitShift",
    "BitwiseAnd",
    "BitwiseOr",
    "BitwiseXor",
    "Div",
    "Max",
    "Mean",
    "Min",
    "Mod",
    "Mul",
    "Pow",
    "Sub",
    "Sum",
];
const ARITH_TF: &[&str] = &[
    "Add",
    "AddN",
    "AddV2",
    "Atan2",
    "Div",
    "DivNoNan",
    "FloorDiv",
    "FloorMod",
    "Maximum",
    "Minimum",
    "Mod",
    "Mul",
    "MulNoNan",
    "Pow",
    "RealDiv",
    "SquaredDifference",
    "Sub",
    "TruncateDiv",
    "TruncateMod",
];
const ARITH_GE: &[&str] = &[
    "Add",
    "AddN",
    "AddV2",
    "Div",
    "DivNoNan",
    "FloorDiv",
    "FloorMod",
    "Maximum",
    "Minimum",
    "Mul",
    "Pow",
    "RealDiv",
    "SquaredDifference",
    "Sub",
];

/// Broadcasting comparisons and logic: bool output.
const COMPARE_ONNX: &[&str] = &[
    "And",
    "Equal",
    "Greater",
    "GreaterOrEqual",
    "Less",
    "LessOrEqual",
    "Or",
    "Xor",
];
const COMPARE_TF: &[&str] = &[
    "Equal",
    "Greater",
    "GreaterEqual",
    "Less",
    "LessEqual",
    "LogicalAnd",
    "LogicalOr",
    "NotEqual",
];
const COMPARE_GE: &[&str] = COMPARE_TF;

/// Unary predicates: input's shape, bool output.
const PREDICATE_ONNX: &[&str] = &["IsInf", "IsNaN", "Not"];
const PREDICATE_TF: &[&str] = &["IsFinite", "IsInf", "IsNan", "LogicalNot"];
const PREDICATE_GE: &[&str] = &["IsFinite", "IsInf", "IsNan", "LogicalNot"];

pub(crate) const ONNX: Rows = &[
    (SAME_ONNX, same),
    (ARITH_ONNX, arith),
    (COMPARE_ONNX, compare),
    (PREDICATE_ONNX, predicate),
    (&["Identity"], identity),
    (&["Cast"], cast),
    (&["CastLike"], cast_like),
    (&["Dropout"], dropout),
    (&["Where"], select_v2),
    (&["QuantizeLinear"], quantize),
    (&["DequantizeLinear"], dequantize),
];

pub(crate) const TF: Rows = &[
    (SAME_TF, same),
    (ARITH_TF, arith),
    (COMPARE_TF, compare),
    (PREDICATE_TF, predicate),
    (
        &[
            "CheckNumerics",
            "EnsureShape",
            "Identity",
            "IdentityN",
            "PreventGradient",
            "Snapshot",
            "StopGradient",
        ],
        identity,
    ),
    (&["Cast"], cast),
    (&["SelectV2"], select_v2),
    (&["Select"], tf_select),
];

pub(crate) const CAFFE: Rows = &[
    (SAME_CAFFE, same),
    (&["Dropout"], dropout),
    (&["Eltwise", "Axpy"], eltwise),
];

pub(crate) const GE: Rows = &[
    (SAME_GE, same),
    (ARITH_GE, arith),
    (COMPARE_GE, compare),
    (PREDICATE_GE, predicate),
    (&["Identity", "IdentityN", "StopGradient"], identity),
    (&["Cast"], cast),
    (&["SelectV2"], select_v2),
    (&["Select"], tf_select),
    (&["Eltwise"], eltwise),
];

/// Output 0 shaped and typed like input 0.
pub(crate) fn same(ctx: &Ctx) -> Vec<Fact> {
    ctx.out(ctx.dims(0).map(<[Dim]>::to_vec))
}

/// Every output is its input, contents included (Identity, TF IdentityN).
fn identity(ctx: &Ctx) -> Vec<Fact> {
    (0..ctx.n_outputs().min(ctx.n_inputs().max(1)))
        .map(|idx| Fact {
            dtype: ctx.dtype(idx),
            shape: ctx.shape(idx).cloned(),
            value: ctx.value(idx),
        })
        .collect()
}

fn predicate(ctx: &Ctx) -> Vec<Fact> {
    vec![Fact::new(DType::Bool, ctx.shape(0).cloned())]
}

/// ONNX `to` (a `TensorProto.DataType` code), TF `DstT`, GE `dst_type`.
fn cast(ctx: &Ctx) -> Vec<Fact> {
    let dtype = ["to", "DstT", "dst_type"]
        .iter()
        .find_map(|name| ctx.attr_dtype(name))
        .unwrap_or_default();
    let value = ctx
        .value(0)
        .filter(|_| is_integer(dtype) || is_float(dtype));
    vec![Fact {
        dtype,
        shape: ctx.shape(0).cloned(),
        value,
    }]
}

fn cast_like(ctx: &Ctx) -> Vec<Fact> {
    vec![Fact {
        dtype: ctx.dtype(1),
        shape: ctx.shape(0).cloned(),
        value: ctx.value(0).filter(|_| !is_float(ctx.dtype(0))),
    }]
}

/// Output and, in ONNX, a mask of the same shape (bool from opset 10, the input's type before).
fn dropout(ctx: &Ctx) -> Vec<Fact> {
    let shape = ctx.shape(0).cloned();
    let mut res = vec![Fact::new(ctx.first_dtype(), shape.clone())];
    if ctx.n_outputs() > 1 {
        let mask = if ctx.opset < 10 {
            ctx.first_dtype()
        } else {
            DType::Bool
        };
        res.push(Fact::new(mask, shape));
    }
    res
}

/// Broadcast of every present input.
fn broadcast_inputs(ctx: &Ctx, slots: impl Iterator<Item = usize>) -> Option<Vec<Dim>> {
    let mut shapes = Vec::new();
    for idx in slots {
        if ctx.tensor(idx).is_some() {
            shapes.push(ctx.dims(idx)?);
        }
    }
    dims::broadcast(&shapes)
}

fn arith(ctx: &Ctx) -> Vec<Fact> {
    let shape = broadcast_inputs(ctx, 0..ctx.n_inputs());
    let value = shape.as_ref().and_then(|shape| fold(ctx, shape));
    vec![Fact {
        dtype: ctx.first_dtype(),
        shape: shape.map(Shape),
        value,
    }]
}

fn compare(ctx: &Ctx) -> Vec<Fact> {
    let shape = broadcast_inputs(ctx, 0..ctx.n_inputs());
    vec![Fact::new(DType::Bool, shape.map(Shape))]
}

/// ONNX Where, TF SelectV2: broadcast of condition and both branches, typed like the branches.
fn select_v2(ctx: &Ctx) -> Vec<Fact> {
    let shape = broadcast_inputs(ctx, 0..3);
    vec![Fact::new(ctx.dtype(1), shape.map(Shape))]
}

/// TF Select (v1): the condition may be a vector over the first dim; the output is shaped like
/// the branches.
fn tf_select(ctx: &Ctx) -> Vec<Fact> {
    let shape = broadcast_inputs(ctx, 1..3);
    vec![Fact::new(ctx.dtype(1), shape.map(Shape))]
}

/// Caffe Eltwise (every bottom has the same shape) and Axpy (shaped like its second bottom).
fn eltwise(ctx: &Ctx) -> Vec<Fact> {
    let bottoms = ctx.data_inputs();
    let preferred = if ctx.node.op_type == "Axpy" {
        bottoms.get(1).copied()
    } else {
        None
    };
    let shape = match preferred {
        Some(idx) => ctx.shape(idx).cloned(),
        None => bottoms.iter().find_map(|&idx| ctx.shape(idx).cloned()),
    };
    vec![Fact::new(ctx.first_dtype(), shape)]
}

/// ONNX QuantizeLinear: typed like the zero point (u8 when absent, or `output_dtype`).
fn quantize(ctx: &Ctx) -> Vec<Fact> {
    let dtype = ctx
        .attr("output_dtype")
        .and_then(|v| v.as_int())
        .filter(|&code| code != 0)
        .and_then(|code| DType::from_onnx_code(code).known())
        .or_else(|| ctx.tensor(2).map(|t| t.dtype))
        .unwrap_or(DType::U8);
    vec![Fact::new(dtype, ctx.shape(0).cloned())]
}

/// ONNX DequantizeLinear: typed like the scale.
fn dequantize(ctx: &Ctx) -> Vec<Fact> {
    let dtype = match ctx.dtype(1) {
        DType::Unknown => DType::F32,
        dtype => dtype,
    };
    vec![Fact::new(dtype, ctx.shape(0).cloned())]
}

pub(crate) fn is_float(dtype: DType) -> bool {
    matches!(
        dtype,
        DType::F32 | DType::F16 | DType::BF16 | DType::F64 | DType::F8E4M3 | DType::F8E5M2
    )
}

pub(crate) fn is_integer(dtype: DType) -> bool {
    matches!(
        dtype,
        DType::I8
            | DType::I16
            | DType::I32
            | DType::I64
            | DType::U8
            | DType::U16
            | DType::U32
            | DType::U64
    )
}

/// Integer contents of a 0-D/1-D result whose inputs' contents are known.
fn fold(ctx: &Ctx, out_shape: &[Dim]) -> Option<Vec<Dim>> {
    if !is_integer(ctx.first_dtype()) {
        return None;
    }
    let count = match out_shape {
        [] => 1,
        [Dim::Known(n)] => usize::try_from(*n).ok()?,
        _ => return None,
    };
    if count > crate::ir::ConstValue::MAX_ELEMENTS {
        return None;
    }
    let inputs = (0..ctx.n_inputs())
        .map(|idx| ctx.value(idx))
        .collect::<Option<Vec<_>>>()?;
    if inputs.iter().any(|v| v.len() != 1 && v.len() != count) {
        return None;
    }
    let pick = |values: &[Dim], idx: usize| values[if values.len() == 1 { 0 } else { idx }].clone();
    (0..count)
        .map(|idx| {
            let (first, rest) = inputs.split_first()?;
            rest.iter().try_fold(pick(first, idx), |acc, other| {
                apply(&ctx.node.op_type, &acc, &pick(other, idx))
            })
        })
        .collect()
}

/// One element of integer arithmetic; a symbolic operand survives only `+ 0`, `* 1`, `/ 1`.
fn apply(op: &str, a: &Dim, b: &Dim) -> Option<Dim> {
    let known = |f: fn(i64, i64) -> Option<i64>| match (a, b) {
        (Dim::Known(x), Dim::Known(y)) => f(*x, *y).map(Dim::Known),
        _ => None,
    };
    let is = |d: &Dim, v: i64| d == &Dim::Known(v);
    Some(match op {
        "Add" | "AddV2" | "AddN" | "Sum" => match known(i64::checked_add) {
            Some(d) => d,
            None if is(b, 0) => a.clone(),
            None if is(a, 0) => b.clone(),
            None => Dim::Unknown,
        },
        "Sub" => match known(i64::checked_sub) {
            Some(d) => d,
            None if is(b, 0) => a.clone(),
            None => Dim::Unknown,
        },
        "Mul" => match known(i64::checked_mul) {
            Some(d) => d,
            None if is(b, 1) => a.clone(),
            None if is(a, 1) => b.clone(),
            None => Dim::Unknown,
        },
        "Div" | "TruncateDiv" => match known(i64::checked_div) {
            Some(d) => d,
            None if is(b, 1) => a.clone(),
            None => Dim::Unknown,
        },
        "FloorDiv" => match known(|x, y| {
            let q = x.checked_div(y)?;
            Some(if (x % y != 0) && ((x < 0) != (y < 0)) {
                q - 1
            } else {
                q
            })
        }) {
            Some(d) => d,
            None if is(b, 1) => a.clone(),
            None => Dim::Unknown,
        },
        "Max" | "Maximum" => known(|x, y| Some(x.max(y))).unwrap_or(Dim::Unknown),
        "Min" | "Minimum" => known(|x, y| Some(x.min(y))).unwrap_or(Dim::Unknown),
        _ => return None,
    })
}
