//! Padding: ONNX Pad (`pads` attribute before opset 11, then input 1, with optional `axes`),
//! TF Pad/PadV2/MirrorPad (`paddings` input of shape [rank, 2]), GE PadD (`paddings`
//! attribute) and Pad. Negative pads crop.

use super::ctx::{Ctx, Fact};
use super::dims;
use super::rules::Rows;
use crate::ir::{AttrValue, Dim};

pub(crate) const ONNX: Rows = &[(&["Pad"], onnx_pad)];

pub(crate) const TF: Rows = &[(&["Pad", "PadV2", "MirrorPad"], tf_pad)];

pub(crate) const GE: Rows = &[
    (&["PadD", "MirrorPadD"], ge_pad_d),
    (&["Pad", "PadV2", "MirrorPad"], tf_pad),
];

/// `x` padded by `before[i]` and `after[i]` on each dim.
fn padded(x: &[Dim], before: &[i64], after: &[i64]) -> Option<Vec<Dim>> {
    if before.len() != x.len() || after.len() != x.len() {
        return None;
    }
    Some(
        x.iter()
            .zip(before.iter().zip(after))
            .map(|(d, (&b, &a))| match b.checked_add(a) {
                Some(total) => dims::add(d, total),
                None => Dim::Unknown,
            })
            .collect(),
    )
}

/// ONNX layout of pads: all begins, then all ends; `axes` (opset 18) says which dims.
fn onnx_pad(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let pads = match ctx.attr_ints("pads").or_else(|| ctx.attr_ints("paddings")) {
            Some(pads) => pads,
            None => ctx.value_ints(1)?,
        };
        let axes = match ctx.tensor(3) {
            Some(_) => dims::axes(&ctx.value_ints(3)?, x.len())?,
            None => (0..x.len()).collect(),
        };
        let n = axes.len();
        if pads.len() != 2 * n {
            return None;
        }
        let mut before = vec![0; x.len()];
        let mut after = vec![0; x.len()];
        for (i, &axis) in axes.iter().enumerate() {
            before[axis] = pads[i];
            after[axis] = pads[i + n];
        }
        padded(x, &before, &after)
    })();
    ctx.out(shape)
}

/// Pairs `[begin, end]` per dim, flattened row by row.
fn pairs(flat: &[i64], rank: usize) -> Option<(Vec<i64>, Vec<i64>)> {
    if flat.len() != 2 * rank {
        return None;
    }
    Some((
        flat.iter().step_by(2).copied().collect(),
        flat.iter().skip(1).step_by(2).copied().collect(),
    ))
}

fn tf_pad(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let (before, after) = pairs(&ctx.value_ints(1)?, x.len())?;
        padded(x, &before, &after)
    })();
    ctx.out(shape)
}

fn ge_pad_d(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let flat = match ctx.attr("paddings")? {
            AttrValue::IntLists(lists) => lists.concat(),
            _ => ctx.attr_ints("paddings")?,
        };
        let (before, after) = pairs(&flat, x.len())?;
        padded(x, &before, &after)
    })();
    ctx.out(shape)
}
