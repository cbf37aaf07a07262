//! Shapes of Caffe parameter blobs when the prototxt comes without a caffemodel: the importer
//! creates the weight tensors (`<layer>/<idx>`, extra inputs of the layer) but cannot know their
//! dims; the layer type and its bottom do. Only fills weights that exist and have no shape.

use super::conv::caffe_param;
use super::ctx::Ctx;
use super::dims::Product;
use crate::ir::{Dim, Shape};

/// `(input slot, shape)` for each shapeless weight input of the node, in blob order.
pub(crate) fn shapes(ctx: &Ctx) -> Vec<(usize, Shape)> {
    let weight_slots: Vec<usize> = (0..ctx.n_inputs())
        .filter(|&idx| ctx.tensor(idx).is_some_and(|t| t.is_weight()))
        .collect();
    if weight_slots.iter().all(|&idx| ctx.shape(idx).is_some()) {
        return Vec::new();
    }
    let Some(blobs) = blob_shapes(ctx) else {
        return Vec::new();
    };
    weight_slots
        .into_iter()
        .zip(blobs)
        .filter(|&(idx, _)| ctx.shape(idx).is_none())
        .map(|(idx, dims)| (idx, Shape::from_known(&dims)))
        .collect()
}

/// Blob dims by layer type, as each Caffe layer's `LayerSetUp` allocates them.
fn blob_shapes(ctx: &Ctx) -> Option<Vec<Vec<i64>>> {
    let x = ctx.dims(*ctx.data_inputs().first()?)?;
    let channels = || x.get(1)?.known();
    let num_output = || ctx.attr_int("num_output");
    let with_bias = |mut blobs: Vec<Vec<i64>>, n: i64| {
        if ctx.attr_bool("bias_term").unwrap_or(true) {
            blobs.push(vec![n]);
        }
        blobs
    };
    Some(match ctx.node.op_type.as_str() {
        "Convolution" | "ConvolutionDepthwise" | "DepthwiseConvolution" | "Deconvolution" => {
            let n_spatial = x.len().checked_sub(2)?;
            let kernel = caffe_param(ctx, "kernel", n_spatial, None)?;
            let group = ctx.attr_int("group").unwrap_or(1);
            let (out, c) = (num_output()?, channels()?);
            if group <= 0 {
                return None;
            }
            let mut weight = if ctx.node.op_type == "Deconvolution" {
                vec![c, out / group]
            } else {
                vec![out, c / group]
            };
            weight.extend(kernel);
            with_bias(vec![weight], out)
        }
        "InnerProduct" => {
            let axis = super::dims::axis(ctx.attr_int("axis").unwrap_or(1), x.len())?;
            let k = Product::of(&x[axis..]).dim().known()?;
            let out = num_output()?;
            let weight = if ctx.attr_bool("transpose").unwrap_or(false) {
                vec![k, out]
            } else {
                vec![out, k]
            };
            with_bias(vec![weight], out)
        }
        "BatchNorm" => {
            let c = channels()?;
            vec![vec![c], vec![c], vec![1]]
        }
        "Scale" | "Bias" => {
            let axis = super::dims::axis(ctx.attr_int("axis").unwrap_or(1), x.len())?;
            let num_axes = ctx.attr_int("num_axes").unwrap_or(1);
            let end = if num_axes < 0 {
                x.len()
            } else {
                axis.checked_add(num_axes as usize)?
            };
            let dims = x
                .get(axis..end)?
                .iter()
                .map(Dim::known)
                .collect::<Option<Vec<_>>>()?;
            let bias = ctx.node.op_type == "Bias" || ctx.attr_bool("bias_term").unwrap_or(false);
            // With a second bottom the scale comes from data and only the bias is a blob.
            let scale_blob = ctx.node.op_type == "Scale" && ctx.data_inputs().len() < 2;
            let mut blobs = Vec::new();
            if scale_blob {
                blobs.push(dims.clone());
            }
            if bias {
                blobs.push(dims);
            }
            blobs
        }
        "PReLU" => match ctx.attr_bool("channel_shared").unwrap_or(false) {
            true => vec![vec![]],
            false => vec![vec![channels()?]],
        },
        "Normalize" => match ctx.attr_bool("channel_shared").unwrap_or(true) {
            true => vec![vec![1]],
            false => vec![vec![channels()?]],
        },
        "Embed" => {
            let out = num_output()?;
            with_bias(vec![vec![ctx.attr_int("input_dim")?, out]], out)
        }
        _ => return None,
    })
}
