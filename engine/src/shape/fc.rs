//! Fully connected layers: Caffe InnerProduct and GE FullyConnection keep the dims before
//! `axis` (default 1) and replace the rest by `num_output`.

use super::ctx::{Ctx, Fact};
use super::dims;
use super::rules::Rows;

pub(crate) const CAFFE: Rows = &[(&["InnerProduct"], inner_product)];

pub(crate) const GE: Rows = &[(&["FullyConnection", "InnerProduct"], inner_product)];

fn inner_product(ctx: &Ctx) -> Vec<Fact> {
    let shape = (|| {
        let x = ctx.dims(0)?;
        let axis = dims::axis(ctx.attr_int("axis").unwrap_or(1), x.len())?;
        let mut out = x[..axis].to_vec();
        out.push(dims::known(ctx.attr_int("num_output")));
        Some(out)
    })();
    ctx.out(shape)
}
