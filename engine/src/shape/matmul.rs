//! Matrix products: ONNX MatMul (numpy semantics: 1-D operands, broadcast batch dims) and Gemm
//! (`transA`/`transB`), TF MatMul (`transpose_a`/`transpose_b`) and BatchMatMul(V2/V3)
//! (`adj_x`/`adj_y`), GE MatMul/MatMulV2 (`transpose_x1`/`transpose_x2`) and BatchMatMul(V2)
//! (`adj_x1`/`adj_x2`).

use super::ctx::{Ctx, Fact};
use super::dims;
use super::rules::Rows;
use crate::ir::{DType, Dim, Shape};

pub(crate) const ONNX: Rows = &[
    (&["MatMul", "MatMulInteger", "FusedMatMul"], onnx_matmul),
    (&["Gemm"], gemm),
];

pub(crate) const TF: Rows = &[
    (&["MatMul"], tf_matmul),
    (
        &["BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"],
        tf_batch_matmul,
    ),
];

pub(crate) const GE: Rows = &[
    (&["MatMul", "MatMulV2"], ge_matmul),
    (&["BatchMatMul", "BatchMatMulV2"], ge_batch_matmul),
];

/// Batched product of `a` and `b` (each at least 1-D), optionally transposing the last two dims
/// of either; 1-D operands follow numpy (promoted, then the added dim removed).
fn product(a: &[Dim], b: &[Dim], trans_a: bool, trans_b: bool) -> Option<Vec<Dim>> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    let a_vector = a.len() == 1;
    let b_vector = b.len() == 1;
    if a_vector {
        a.insert(0, Dim::Known(1));
    }
    if b_vector {
        b.push(Dim::Known(1));
    }
    let (ra, rb) = (a.len(), b.len());
    if trans_a {
        a.swap(ra - 2, ra - 1);
    }
    if trans_b {
        b.swap(rb - 2, rb - 1);
    }
    // The contracted dims must agree; a file where they do not gets no shape.
    if let (Dim::Known(k_a), Dim::Known(k_b)) = (&a[ra - 1], &b[rb - 2]) {
        if k_a != k_b {
            return None;
        }
    }
    let mut out = dims::broadcast(&[&a[..ra - 2], &b[..rb - 2]])?;
    if !a_vector {
        out.push(a[ra - 2].clone());
    }
    if !b_vector {
        out.push(b[rb - 1].clone());
    }
    Some(out)
}

fn onnx_matmul(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let trans_a = ctx.attr_int("transA").unwrap_or(0) != 0;
        let trans_b = ctx.attr_int("transB").unwrap_or(0) != 0;
        product(ctx.dims(0)?, ctx.dims(1)?, trans_a, trans_b)
    })();
    let dtype = match ctx.node.op_type.as_str() {
        "MatMulInteger" => DType::I32,
        _ => ctx.first_dtype(),
    };
    vec![Fact::new(dtype, shape.map(Shape))]
}

fn gemm(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let (a, b) = (ctx.dims(0)?, ctx.dims(1)?);
        if a.len() != 2 || b.len() != 2 {
            return None;
        }
        let trans_a = ctx.attr_int("transA").unwrap_or(0) != 0;
        let trans_b = ctx.attr_int("transB").unwrap_or(0) != 0;
        let (m, k_a) = if trans_a {
            (&a[1], &a[0])
        } else {
            (&a[0], &a[1])
        };
        let (k_b, n) = if trans_b {
            (&b[1], &b[0])
        } else {
            (&b[0], &b[1])
        };
        if let (Dim::Known(x), Dim::Known(y)) = (k_a, k_b) {
            if x != y {
                return None;
            }
        }
        Some(vec![m.clone(), n.clone()])
    })();
    ctx.out(shape)
}

/// `A × B` where the attributes `flag_a` / `flag_b` say whether an operand is transposed; plain
/// products take rank-2 operands only, batched ones rank 2 or more.
fn flagged_product(ctx: &Ctx, flag_a: &str, flag_b: &str, batched: bool) -> Option<Vec<Dim>> {
    let (a, b) = (ctx.dims(0)?, ctx.dims(1)?);
    let ranks_fit = if batched {
        a.len() >= 2 && b.len() >= 2
    } else {
        a.len() == 2 && b.len() == 2
    };
    if !ranks_fit {
        return None;
    }
    let flag = |name| ctx.attr_bool(name).unwrap_or(false);
    product(a, b, flag(flag_a), flag(flag_b))
}

fn tf_matmul(ctx: &Ctx) -> Vec<Fact> {
    ctx.out(flagged_product(ctx, "transpose_a", "transpose_b", false))
}

fn tf_batch_matmul(ctx: &Ctx) -> Vec<Fact> {
    let shape = flagged_product(ctx, "adj_x", "adj_y", true);
    let dtype = ctx.attr_dtype("Tout").unwrap_or(ctx.first_dtype());
    vec![Fact::new(dtype, shape.map(Shape))]
}

fn ge_matmul(ctx: &Ctx) -> Vec<Fact> {
    ctx.out(flagged_product(ctx, "transpose_x1", "transpose_x2", false))
}

fn ge_batch_matmul(ctx: &Ctx) -> Vec<Fact> {
    ctx.out(flagged_product(ctx, "adj_x1", "adj_x2", true))
}
