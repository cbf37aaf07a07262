//! Graph shapes that are hard to lay out, written as real ONNX models for the layout quality
//! benchmark: an encoder whose attention mask feeds every block (one wide fan-out crossing the
//! whole graph), and a one-stage detector whose three heads meet in a post-processing tail.

use super::onnx_writer::{int, ints};
use super::{OnnxWriter, WeightStorage};
use crate::formats::onnx::pb;

const HIDDEN: i64 = 768;
const HEADS: i64 = 12;
const SEQ: i64 = 128;

/// A BERT-style encoder of `n_blocks` blocks: the attention mask is turned into an additive bias
/// once (Unsqueeze, Cast, Sub, Mul) and that one tensor is added to the scores of every block.
pub fn bert_like(n_blocks: usize) -> Vec<u8> {
    let mut w = OnnxWriter::new(
        "bert_like",
        WeightStorage::External {
            location: "bert_like.weights".to_string(),
        },
    );
    let ids = w.input("input_ids", &[1, SEQ]);
    let mask = w.input("attention_mask", &[1, SEQ]);
    w.push_scope("embeddings");
    let table = w.weight("embeddings.word", &[30522, HIDDEN]);
    let embedded = one(&mut w, "Gather", &[&table, &ids], shape3(), vec![]);
    let positions = w.weight("embeddings.position", &[1, SEQ, HIDDEN]);
    let summed = w.add(&embedded, &positions);
    let mut x = layer_norm(&mut w, &summed, "embeddings.norm");
    w.pop_scope();

    w.push_scope("mask");
    let axes = w.int64_constant("mask.axes", &[1, 2]);
    let unsqueezed = one(
        &mut w,
        "Unsqueeze",
        &[&mask, &axes],
        vec![1, 1, 1, SEQ],
        vec![],
    );
    let as_float = one(
        &mut w,
        "Cast",
        &[&unsqueezed],
        vec![1, 1, 1, SEQ],
        vec![int("to", 1)],
    );
    let one_value = w.float_scalar("mask.one", 1.0);
    let inverted = one(
        &mut w,
        "Sub",
        &[&one_value, &as_float],
        vec![1, 1, 1, SEQ],
        vec![],
    );
    let large = w.float_scalar("mask.large", -10000.0);
    let mask_bias = one(
        &mut w,
        "Mul",
        &[&inverted, &large],
        vec![1, 1, 1, SEQ],
        vec![],
    );
    w.pop_scope();

    for block in 0..n_blocks {
        w.push_scope(&format!("layer.{block}"));
        x = encoder_block(&mut w, &x, &mask_bias, &format!("layer.{block}."));
        w.pop_scope();
    }
    w.push_scope("pooler");
    let index = w.int64_constant("pooler.index", &[0]);
    let first = one(
        &mut w,
        "Gather",
        &[&x, &index],
        vec![1, 1, HIDDEN],
        vec![int("axis", 1)],
    );
    let pooled = linear(&mut w, &first, HIDDEN, "pooler.dense");
    let pooled = one(&mut w, "Tanh", &[&pooled], vec![1, 1, HIDDEN], vec![]);
    w.pop_scope();
    w.output(&x);
    w.output(&pooled);
    w.finish()
}

fn shape3() -> Vec<i64> {
    vec![1, SEQ, HIDDEN]
}

fn one(
    w: &mut OnnxWriter,
    op: &str,
    inputs: &[&str],
    shape: Vec<i64>,
    attrs: Vec<pb::AttributeProto>,
) -> String {
    w.node(op, inputs, &[shape], attrs)
        .pop()
        .unwrap_or_default()
}

/// The fused LayerNormalization op (opset 17), as recent exporters write it.
fn layer_norm(w: &mut OnnxWriter, x: &str, name: &str) -> String {
    let gamma = w.weight(&format!("{name}.weight"), &[HIDDEN]);
    let beta = w.weight(&format!("{name}.bias"), &[HIDDEN]);
    let shape = w.shape(x);
    one(
        w,
        "LayerNormalization",
        &[x, &gamma, &beta],
        shape,
        vec![int("axis", -1)],
    )
}

fn linear(w: &mut OnnxWriter, x: &str, out: i64, name: &str) -> String {
    let mut shape = w.shape(x);
    let inner = shape.last().copied().unwrap_or(HIDDEN);
    if let Some(last) = shape.last_mut() {
        *last = out;
    }
    let weight = w.weight(&format!("{name}.weight"), &[inner, out]);
    let bias = w.weight(&format!("{name}.bias"), &[out]);
    let product = one(w, "MatMul", &[x, &weight], shape.clone(), vec![]);
    one(w, "Add", &[&product, &bias], shape, vec![])
}

/// `[1, SEQ, HIDDEN]` to `[1, HEADS, SEQ, HEAD_DIM]` (or its transpose for keys).
fn split_heads(w: &mut OnnxWriter, x: &str, name: &str, keys: bool) -> String {
    let head_dim = HIDDEN / HEADS;
    let target = w.int64_constant(&format!("{name}.shape"), &[1, SEQ, HEADS, head_dim]);
    let reshaped = one(
        w,
        "Reshape",
        &[x, &target],
        vec![1, SEQ, HEADS, head_dim],
        vec![],
    );
    let (perm, shape): (&[i64], Vec<i64>) = if keys {
        (&[0, 2, 3, 1], vec![1, HEADS, head_dim, SEQ])
    } else {
        (&[0, 2, 1, 3], vec![1, HEADS, SEQ, head_dim])
    };
    one(
        w,
        "Transpose",
        &[&reshaped],
        shape,
        vec![ints("perm", perm)],
    )
}

fn encoder_block(w: &mut OnnxWriter, x: &str, mask_bias: &str, prefix: &str) -> String {
    let head_dim = HIDDEN / HEADS;
    let query = linear(w, x, HIDDEN, &format!("{prefix}query"));
    let key = linear(w, x, HIDDEN, &format!("{prefix}key"));
    let value = linear(w, x, HIDDEN, &format!("{prefix}value"));
    let query = split_heads(w, &query, &format!("{prefix}query"), false);
    let key = split_heads(w, &key, &format!("{prefix}key"), true);
    let value = split_heads(w, &value, &format!("{prefix}value"), false);
    let scores_shape = vec![1, HEADS, SEQ, SEQ];
    let scores = one(w, "MatMul", &[&query, &key], scores_shape.clone(), vec![]);
    let scale = w.float_scalar(&format!("{prefix}scale"), (head_dim as f32).sqrt());
    let scaled = one(w, "Div", &[&scores, &scale], scores_shape.clone(), vec![]);
    let masked = one(
        w,
        "Add",
        &[&scaled, mask_bias],
        scores_shape.clone(),
        vec![],
    );
    let probs = one(
        w,
        "Softmax",
        &[&masked],
        scores_shape,
        vec![int("axis", -1)],
    );
    let context = one(
        w,
        "MatMul",
        &[&probs, &value],
        vec![1, HEADS, SEQ, head_dim],
        vec![],
    );
    let merged = one(
        w,
        "Transpose",
        &[&context],
        vec![1, SEQ, HEADS, head_dim],
        vec![ints("perm", &[0, 2, 1, 3])],
    );
    let target = w.int64_constant(&format!("{prefix}merge.shape"), &[1, SEQ, HIDDEN]);
    let flat = one(w, "Reshape", &[&merged, &target], shape3(), vec![]);
    let attended = linear(w, &flat, HIDDEN, &format!("{prefix}attention.output"));
    let residual = w.add(&attended, x);
    let normed = layer_norm(w, &residual, &format!("{prefix}attention.norm"));
    let up = linear(w, &normed, 4 * HIDDEN, &format!("{prefix}intermediate"));
    let activated = one(w, "Gelu", &[&up], vec![1, SEQ, 4 * HIDDEN], vec![]);
    let down = linear(w, &activated, HIDDEN, &format!("{prefix}output"));
    let residual = w.add(&down, &normed);
    layer_norm(w, &residual, &format!("{prefix}output.norm"))
}

/// Anchor-free one-stage detector at 640×640: a strided conv backbone with residual stages, a
/// feature pyramid (top-down Resize + Add), a class and a box head per level, each flattened and
/// concatenated across levels, then the post-processing tail (sigmoid, box decoding, score
/// reduction, NonMaxSuppression and the Gathers that pick the kept boxes).
pub fn detector_like() -> Vec<u8> {
    const CLASSES: i64 = 80;
    let mut w = OnnxWriter::new(
        "detector_like",
        WeightStorage::External {
            location: "detector_like.weights".to_string(),
        },
    );
    let image = w.input("images", &[1, 3, 640, 640]);
    w.push_scope("backbone");
    let mut x = w.conv(&image, 32, 3, 2, 1, 1);
    x = w.relu(&x);
    let mut levels = Vec::new();
    for (stage, channels) in [64, 128, 256, 512, 512].into_iter().enumerate() {
        w.push_scope(&format!("stage{stage}"));
        x = w.conv(&x, channels, 3, 2, 1, 1);
        x = w.relu(&x);
        for _ in 0..2 {
            let y = w.conv(&x, channels, 1, 1, 0, 1);
            let y = w.relu(&y);
            let y = w.conv(&y, channels, 3, 1, 1, 1);
            x = w.add(&y, &x);
            x = w.relu(&x);
        }
        w.pop_scope();
        if stage >= 2 {
            levels.push(x.clone());
        }
    }
    w.pop_scope();

    w.push_scope("neck");
    let mut lateral: Vec<String> = levels
        .iter()
        .map(|level| w.conv(level, 128, 1, 1, 0, 1))
        .collect();
    for level_idx in (0..lateral.len() - 1).rev() {
        let coarse = lateral[level_idx + 1].clone();
        let mut shape = w.shape(&coarse);
        shape[2] *= 2;
        shape[3] *= 2;
        let scales = w.int64_constant(&format!("neck.scales{level_idx}"), &[1, 1, 2, 2]);
        let upsampled = one(&mut w, "Resize", &[&coarse, "", &scales], shape, vec![]);
        lateral[level_idx] = w.add(&lateral[level_idx], &upsampled);
    }
    w.pop_scope();

    w.push_scope("head");
    let mut class_parts = Vec::new();
    let mut box_parts = Vec::new();
    for (level_idx, feature) in lateral.iter().enumerate() {
        let smoothed = w.conv(feature, 128, 3, 1, 1, 1);
        let smoothed = w.relu(&smoothed);
        let cells = {
            let shape = w.shape(&smoothed);
            shape[2] * shape[3]
        };
        for (n_out, parts) in [(CLASSES, &mut class_parts), (4, &mut box_parts)] {
            let tower = w.conv(&smoothed, 128, 3, 1, 1, 1);
            let tower = w.relu(&tower);
            let raw = w.conv(&tower, n_out, 1, 1, 0, 1);
            let target = w.int64_constant(
                &format!("head.{level_idx}.{n_out}.shape"),
                &[1, n_out, cells],
            );
            let flat = one(
                &mut w,
                "Reshape",
                &[&raw, &target],
                vec![1, n_out, cells],
                vec![],
            );
            let moved = one(
                &mut w,
                "Transpose",
                &[&flat],
                vec![1, cells, n_out],
                vec![ints("perm", &[0, 2, 1])],
            );
            parts.push(moved);
        }
    }
    let class_refs: Vec<&str> = class_parts.iter().map(String::as_str).collect();
    let box_refs: Vec<&str> = box_parts.iter().map(String::as_str).collect();
    let logits = w.concat(&class_refs, 1);
    let distances = w.concat(&box_refs, 1);
    w.pop_scope();

    w.push_scope("postprocess");
    let n_cells = w.shape(&logits)[1];
    let scores = one(
        &mut w,
        "Sigmoid",
        &[&logits],
        vec![1, n_cells, CLASSES],
        vec![],
    );
    let parts = w.node(
        "Split",
        &[&distances],
        &[vec![1, n_cells, 2], vec![1, n_cells, 2]],
        vec![int("axis", 2)],
    );
    let strides = w.weight("postprocess.strides", &[1, n_cells, 1]);
    let anchors = w.weight("postprocess.anchor_points", &[1, n_cells, 2]);
    let mut corners = Vec::new();
    for (part_idx, part) in parts.iter().enumerate() {
        let positive = one(&mut w, "Exp", &[part], vec![1, n_cells, 2], vec![]);
        let scaled = one(
            &mut w,
            "Mul",
            &[&positive, &strides],
            vec![1, n_cells, 2],
            vec![],
        );
        let op = if part_idx == 0 { "Sub" } else { "Add" };
        corners.push(one(
            &mut w,
            op,
            &[&anchors, &scaled],
            vec![1, n_cells, 2],
            vec![],
        ));
    }
    let corner_refs: Vec<&str> = corners.iter().map(String::as_str).collect();
    let boxes = w.concat(&corner_refs, 2);
    let best = one(
        &mut w,
        "ReduceMax",
        &[&scores],
        vec![1, n_cells],
        vec![ints("axes", &[2]), int("keepdims", 0)],
    );
    let classes = one(
        &mut w,
        "ArgMax",
        &[&scores],
        vec![1, n_cells],
        vec![int("axis", 2), int("keepdims", 0)],
    );
    let nms_axes = w.int64_constant("postprocess.nms_axes", &[1]);
    let nms_scores = one(
        &mut w,
        "Unsqueeze",
        &[&best, &nms_axes],
        vec![1, 1, n_cells],
        vec![],
    );
    let max_boxes = w.int64_constant("postprocess.max_boxes", &[100]);
    let iou = w.float_scalar("postprocess.iou", 0.65);
    let threshold = w.float_scalar("postprocess.score_threshold", 0.25);
    let selected = one(
        &mut w,
        "NonMaxSuppression",
        &[&boxes, &nms_scores, &max_boxes, &iou, &threshold],
        vec![100, 3],
        vec![],
    );
    let column = w.int64_constant("postprocess.box_column", &[2]);
    let picked = one(
        &mut w,
        "Gather",
        &[&selected, &column],
        vec![100, 1],
        vec![int("axis", 1)],
    );
    let squeeze_axes = w.int64_constant("postprocess.squeeze_axes", &[1]);
    let flat_picked = one(
        &mut w,
        "Squeeze",
        &[&picked, &squeeze_axes],
        vec![100],
        vec![],
    );
    let mut outputs = Vec::new();
    for (source, shape) in [
        (&boxes, vec![1, 100, 4]),
        (&best, vec![1, 100]),
        (&classes, vec![1, 100]),
    ] {
        outputs.push(one(
            &mut w,
            "Gather",
            &[source, &flat_picked],
            shape,
            vec![int("axis", 1)],
        ));
    }
    w.pop_scope();
    for output in &outputs {
        w.output(output);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::InputFile;

    #[test]
    fn the_mask_feeds_every_block_and_the_detector_ends_in_nms() {
        let model = crate::open_model(&InputFile::new("bert_like.onnx", bert_like(3)))
            .unwrap_or_else(|err| panic!("{err}"));
        let mask_bias = model
            .graph
            .nodes
            .iter()
            .find(|node| node.op_type == "Mul" && node.name.contains("mask"))
            .map(|node| node.outputs[0]);
        let readers = mask_bias.map(|tensor_id| model.graph.tensors[tensor_id].consumers.len());
        assert_eq!(readers, Some(3));

        let model = crate::open_model(&InputFile::new("detector_like.onnx", detector_like()))
            .unwrap_or_else(|err| panic!("{err}"));
        let count = |op: &str| model.graph.nodes.iter().filter(|n| n.op_type == op).count();
        assert_eq!(count("NonMaxSuppression"), 1);
        assert_eq!(count("Resize"), 2);
        assert_eq!(model.graph.outputs.len(), 3);
    }
}
