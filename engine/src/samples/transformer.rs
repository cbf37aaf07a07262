//! A GPT-2-style decoder written as PyTorch's ONNX exporter writes it: per block, LayerNorm
//! decomposed into ReduceMean/Sub/Pow/Sqrt/Div, the attention with its Shape → Gather →
//! Unsqueeze → Concat → Reshape arithmetic for every head split and merge, the tanh-GELU with
//! `Pow(x, 3)`, and scalar `Constant` nodes: about 128 nodes per block.

use super::onnx_writer::{int, ints};
use super::{OnnxWriter, WeightStorage};
use crate::formats::onnx::pb;

/// Hidden size, heads and sequence length of the generated model (GPT-2 small's widths).
const HIDDEN: i64 = 768;
const HEADS: i64 = 12;
const SEQ: i64 = 128;

/// Blocks that make a graph of about 12,000 nodes (GPT-2 exports reach that size with 48 blocks
/// because they add Cast/Constant nodes we leave out; the benchmarks need the node count).
pub const GPT2_12K_BLOCKS: usize = 94;

/// A GPT-2-style model of `n_blocks` decoder blocks, batch 1, sequence 128, weights external.
pub fn gpt2_like(n_blocks: usize) -> Vec<u8> {
    let mut w = OnnxWriter::new(
        "gpt2_like",
        WeightStorage::External {
            location: "gpt2_like.weights".to_string(),
        },
    );
    let mut x = w.input("hidden_states", &[1, SEQ, HIDDEN]);
    for block in 0..n_blocks {
        w.push_scope(&format!("h.{block}"));
        x = decoder_block(&mut w, &x, block);
        w.pop_scope();
    }
    w.push_scope("ln_f");
    let x = layer_norm(&mut w, &x, "ln_f");
    w.pop_scope();
    w.output(&x);
    w.finish()
}

fn shape3() -> Vec<i64> {
    vec![1, SEQ, HIDDEN]
}

/// A scalar `Constant` node, as the exporter writes every literal.
fn constant(w: &mut OnnxWriter, value: f32) -> String {
    let tensor = pb::TensorProto {
        dims: vec![],
        data_type: Some(pb::tensor_proto::DataType::Float as i32),
        raw_data: Some(bytes::Bytes::from(value.to_le_bytes().to_vec())),
        ..Default::default()
    };
    let attr = pb::AttributeProto {
        name: Some("value".to_string()),
        r#type: Some(pb::attribute_proto::AttributeType::Tensor as i32),
        t: Some(tensor),
        ..Default::default()
    };
    w.node("Constant", &[], &[vec![]], vec![attr])
        .pop()
        .unwrap_or_default()
}

/// An int64 `Constant` node (`dims` empty for a scalar), as the exporter writes indices and axes.
fn int_constant(w: &mut OnnxWriter, values: &[i64], scalar: bool) -> String {
    let shape = if scalar {
        vec![]
    } else {
        vec![values.len() as i64]
    };
    let tensor = pb::TensorProto {
        dims: shape.clone(),
        data_type: Some(pb::tensor_proto::DataType::Int64 as i32),
        raw_data: Some(bytes::Bytes::from(
            values
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<u8>>(),
        )),
        ..Default::default()
    };
    let attr = pb::AttributeProto {
        name: Some("value".to_string()),
        r#type: Some(pb::attribute_proto::AttributeType::Tensor as i32),
        t: Some(tensor),
        ..Default::default()
    };
    w.node("Constant", &[], &[shape], vec![attr])
        .pop()
        .unwrap_or_default()
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

fn layer_norm(w: &mut OnnxWriter, x: &str, name: &str) -> String {
    let mut stats = shape3();
    stats[2] = 1;
    let mean = one(
        w,
        "ReduceMean",
        &[x],
        stats.clone(),
        vec![ints("axes", &[-1])],
    );
    let centred = one(w, "Sub", &[x, &mean], shape3(), vec![]);
    let two = constant(w, 2.0);
    let squared = one(w, "Pow", &[&centred, &two], shape3(), vec![]);
    let var = one(
        w,
        "ReduceMean",
        &[&squared],
        stats.clone(),
        vec![ints("axes", &[-1])],
    );
    let eps = constant(w, 1e-5);
    let var_eps = one(w, "Add", &[&var, &eps], stats.clone(), vec![]);
    let std = one(w, "Sqrt", &[&var_eps], stats, vec![]);
    let normed = one(w, "Div", &[&centred, &std], shape3(), vec![]);
    let gamma = w.weight(&format!("{name}.weight"), &[HIDDEN]);
    let beta = w.weight(&format!("{name}.bias"), &[HIDDEN]);
    let scaled = one(w, "Mul", &[&normed, &gamma], shape3(), vec![]);
    one(w, "Add", &[&scaled, &beta], shape3(), vec![])
}

/// `x · W + b` on the last axis.
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

/// The exporter's dynamic reshape: `Shape → Gather → Unsqueeze` per kept dim, `Concat` with the
/// new dims, `Reshape`.
fn dynamic_reshape(w: &mut OnnxWriter, x: &str, target: &[i64], keep: usize) -> String {
    let mut parts = Vec::new();
    for dim in 0..keep {
        let shape = one(w, "Shape", &[x], vec![w.shape(x).len() as i64], vec![]);
        let index = int_constant(w, &[dim as i64], true);
        let gathered = one(w, "Gather", &[&shape, &index], vec![], vec![int("axis", 0)]);
        let axes = int_constant(w, &[0], false);
        let unsqueezed = one(w, "Unsqueeze", &[&gathered, &axes], vec![1], vec![]);
        parts.push(unsqueezed);
    }
    let rest = int_constant(w, &target[keep..], false);
    parts.push(rest);
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    let new_shape = one(
        w,
        "Concat",
        &refs,
        vec![target.len() as i64],
        vec![int("axis", 0)],
    );
    one(w, "Reshape", &[x, &new_shape], target.to_vec(), vec![])
}

fn attention(w: &mut OnnxWriter, x: &str, prefix: &str) -> String {
    let head_dim = HIDDEN / HEADS;
    let qkv = linear(w, x, 3 * HIDDEN, &format!("{prefix}attn.c_attn"));
    let outs = w.node(
        "Split",
        &[&qkv],
        &[shape3(), shape3(), shape3()],
        vec![int("axis", 2), ints("split", &[HIDDEN, HIDDEN, HIDDEN])],
    );
    let mut heads = Vec::new();
    for (idx, part) in outs.iter().enumerate() {
        let split = dynamic_reshape(w, part, &[1, SEQ, HEADS, head_dim], 2);
        let perm: &[i64] = if idx == 1 {
            &[0, 2, 3, 1]
        } else {
            &[0, 2, 1, 3]
        };
        let shape = if idx == 1 {
            vec![1, HEADS, head_dim, SEQ]
        } else {
            vec![1, HEADS, SEQ, head_dim]
        };
        heads.push(one(
            w,
            "Transpose",
            &[&split],
            shape,
            vec![ints("perm", perm)],
        ));
    }
    let scores = one(
        w,
        "MatMul",
        &[&heads[0], &heads[1]],
        vec![1, HEADS, SEQ, SEQ],
        vec![],
    );
    let scale = constant(w, (head_dim as f32).sqrt());
    let scaled = one(
        w,
        "Div",
        &[&scores, &scale],
        vec![1, HEADS, SEQ, SEQ],
        vec![],
    );
    let mask = causal_mask(w, &heads[0], &heads[1], prefix);
    let masked_fill = constant(w, -1e4);
    let masked = one(
        w,
        "Where",
        &[&mask, &scaled, &masked_fill],
        vec![1, HEADS, SEQ, SEQ],
        vec![],
    );
    let probs = one(
        w,
        "Softmax",
        &[&masked],
        vec![1, HEADS, SEQ, SEQ],
        vec![int("axis", -1)],
    );
    let context = one(
        w,
        "MatMul",
        &[&probs, &heads[2]],
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
    let flat = dynamic_reshape(w, &merged, &[1, SEQ, HIDDEN], 2);
    linear(w, &flat, HIDDEN, &format!("{prefix}attn.c_proj"))
}

/// GPT-2's `bias[:, :, key_len - query_len : key_len, :key_len]`: lengths read from the shapes,
/// two `Slice`s with `Constant` axes and steps, and a `Cast` to bool.
fn causal_mask(w: &mut OnnxWriter, query: &str, key: &str, prefix: &str) -> String {
    let bias = w.weight(&format!("{prefix}attn.bias"), &[1, 1, 1024, 1024]);
    let length = |w: &mut OnnxWriter, x: &str, axis: i64| {
        let shape = one(w, "Shape", &[x], vec![4], vec![]);
        let index = int_constant(w, &[axis], true);
        let gathered = one(w, "Gather", &[&shape, &index], vec![], vec![int("axis", 0)]);
        let axes = int_constant(w, &[0], false);
        one(w, "Unsqueeze", &[&gathered, &axes], vec![1], vec![])
    };
    let query_len = length(w, query, 2);
    let key_len = length(w, key, 3);
    let start = one(w, "Sub", &[&key_len, &query_len], vec![1], vec![]);
    let axis2 = int_constant(w, &[2], false);
    let step = int_constant(w, &[1], false);
    let rows = one(
        w,
        "Slice",
        &[&bias, &start, &key_len, &axis2, &step],
        vec![1, 1, SEQ, 1024],
        vec![],
    );
    let zero = int_constant(w, &[0], false);
    let axis3 = int_constant(w, &[3], false);
    let step3 = int_constant(w, &[1], false);
    let window = one(
        w,
        "Slice",
        &[&rows, &zero, &key_len, &axis3, &step3],
        vec![1, 1, SEQ, SEQ],
        vec![],
    );
    one(
        w,
        "Cast",
        &[&window],
        vec![1, 1, SEQ, SEQ],
        vec![int("to", 9)],
    )
}

/// tanh-GELU as the exporter writes it: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
fn gelu(w: &mut OnnxWriter, x: &str) -> String {
    let shape = w.shape(x);
    let three = constant(w, 3.0);
    let cubed = one(w, "Pow", &[x, &three], shape.clone(), vec![]);
    let coeff = constant(w, 0.044715);
    let scaled = one(w, "Mul", &[&cubed, &coeff], shape.clone(), vec![]);
    let inner = one(w, "Add", &[x, &scaled], shape.clone(), vec![]);
    let root = constant(w, (2.0f32 / std::f32::consts::PI).sqrt());
    let pre = one(w, "Mul", &[&inner, &root], shape.clone(), vec![]);
    let tanh = one(w, "Tanh", &[&pre], shape.clone(), vec![]);
    let one_c = constant(w, 1.0);
    let plus = one(w, "Add", &[&tanh, &one_c], shape.clone(), vec![]);
    let half = constant(w, 0.5);
    let half_x = one(w, "Mul", &[x, &half], shape.clone(), vec![]);
    one(w, "Mul", &[&half_x, &plus], shape, vec![])
}

fn decoder_block(w: &mut OnnxWriter, x: &str, block: usize) -> String {
    let prefix = format!("h.{block}.");
    w.push_scope("ln_1");
    let normed = layer_norm(w, x, &format!("{prefix}ln_1"));
    w.pop_scope();
    w.push_scope("attn");
    let attended = attention(w, &normed, &prefix);
    w.pop_scope();
    let residual = one(w, "Add", &[x, &attended], shape3(), vec![]);
    w.push_scope("ln_2");
    let normed = layer_norm(w, &residual, &format!("{prefix}ln_2"));
    w.pop_scope();
    w.push_scope("mlp");
    let up = linear(w, &normed, 4 * HIDDEN, &format!("{prefix}mlp.c_fc"));
    let act = gelu(w, &up);
    let down = linear(w, &act, HIDDEN, &format!("{prefix}mlp.c_proj"));
    w.pop_scope();
    one(w, "Add", &[&residual, &down], shape3(), vec![])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::InputFile;

    #[test]
    fn blocks_have_the_exporters_shape_arithmetic() {
        let bytes = gpt2_like(2);
        let model = crate::open_model(&InputFile::new("gpt2_like.onnx", bytes))
            .unwrap_or_else(|err| panic!("{err}"));
        let count = |op: &str| model.graph.nodes.iter().filter(|n| n.op_type == op).count();
        assert_eq!(
            count("Pow"),
            2 * 3 + 1,
            "two LayerNorms and a GELU per block, plus ln_f"
        );
        assert_eq!(count("Softmax"), 2);
        assert_eq!(count("Reshape"), 2 * 4);
        assert!(count("Shape") >= 2 * 8, "{}", count("Shape"));
        let per_block = model.graph.nodes.len() / 2;
        assert!(
            (80..400).contains(&per_block),
            "{per_block} nodes per block"
        );
    }
}
