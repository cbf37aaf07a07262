//! Control flow whose bodies are subgraphs: ONNX If gives what both branches agree on (the
//! driver infers a node's subgraphs before the node itself).

use super::ctx::{Ctx, Fact};
use super::rules::Rows;
use crate::ir::{AttrValue, Dim, Graph, Shape};

pub(crate) const ONNX: Rows = &[(&["If"], onnx_if)];

fn branch<'a>(ctx: &Ctx<'a>, name: &str) -> Option<&'a Graph> {
    match ctx.attr(name)? {
        AttrValue::Graph(idx) => ctx.graph.subgraphs.get(*idx).map(|s| &s.graph),
        _ => None,
    }
}

/// Dims both shapes agree on; a disagreement becomes unknown, a rank disagreement no shape.
fn agree(a: &Shape, b: &Shape) -> Option<Shape> {
    if a.rank() != b.rank() {
        return None;
    }
    Some(Shape(
        a.0.iter()
            .zip(&b.0)
            .map(|(x, y)| if x == y { x.clone() } else { Dim::Unknown })
            .collect(),
    ))
}

fn onnx_if(ctx: &Ctx) -> Vec<Fact> {
    let (Some(then_branch), Some(else_branch)) =
        (branch(ctx, "then_branch"), branch(ctx, "else_branch"))
    else {
        return Vec::new();
    };
    fn output(graph: &Graph, idx: usize) -> Option<&crate::ir::Tensor> {
        graph.tensors.get(*graph.outputs.get(idx)?)
    }
    (0..ctx.n_outputs())
        .map(
            |idx| match (output(then_branch, idx), output(else_branch, idx)) {
                (Some(a), Some(b)) => {
                    let shape = match (&a.shape, &b.shape) {
                        (Some(x), Some(y)) => agree(x, y),
                        _ => None,
                    };
                    Fact::new(a.dtype, shape)
                }
                _ => Fact::default(),
            },
        )
        .collect()
}
