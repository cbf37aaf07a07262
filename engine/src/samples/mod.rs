//! Real-architecture models written by code: the bundled samples of the web app, the fixtures of
//! the tests and the inputs of the benchmarks. Deterministic: the same call gives the same bytes.

mod caffe_writer;
mod fixture_ops;
mod ge_writer;
mod layout_shapes;
mod onnx_writer;
mod op_summary;
mod rng;
mod tf_writer;
mod transformer;

pub use caffe_writer::{
    caffe_alexnet, caffe_mobilenet_v1, caffe_residual_chain, caffe_resnet50, layer as caffe_layer,
    BlobData, CaffeInput, CaffeWriter, ConvSpec, PoolMethod,
};
pub use fixture_ops::{onnx_dtype_code, onnx_with_dtypes, FixtureAttr, GeDesc, GeGraphWriter};
pub use ge_writer::{
    ge_chain, ge_mobilenet_v2, ge_resnet50, ge_small, GeModel, JsonStyle, OmHeader, OmOptions,
};
pub use layout_shapes::{bert_like, detector_like};
pub use onnx_writer::{OnnxWriter, WeightStorage};
pub use op_summary::{write_a2_op_summary, A2_OP_SUMMARY_HEADER};
pub use rng::XorShift;
pub use tf_writer::{
    tf_mobilenet_v2, tf_residual_chain, tf_resnet50, TfGraph, TfWeights, TfWriter,
};
pub use transformer::{gpt2_like, GPT2_12K_BLOCKS};

#[cfg(test)]
pub(crate) use onnx_writer::{float, int, ints};

/// The models bundled with the web app, by file name (under `www/samples/`).
/// One of each format the importers read, so the gallery shows them all offline.
pub fn bundled() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("resnet50.onnx", resnet50()),
        ("mobilenet_v2.onnx", mobilenet_v2()),
        (
            "mobilenet_v2_tf.pbtxt",
            tf_mobilenet_v2(TfWeights::Splat, true).text().into_bytes(),
        ),
        (
            "mobilenet_v1.prototxt",
            caffe_mobilenet_v1().prototxt().into_bytes(),
        ),
        ("resnet50_atc.om", ge_resnet50().to_om(&OmOptions::atc())),
    ]
}

/// ResNet-50 v1 (bottleneck blocks 3-4-6-3, ImageNet head), batch 1, 224×224, weights stored
/// externally. 122 nodes: Conv, Relu, Add, MaxPool, GlobalAveragePool, Flatten, Gemm.
pub fn resnet50() -> Vec<u8> {
    let mut w = OnnxWriter::new("resnet50", external("resnet50.weights"));
    let x = w.input("input", &[1, 3, 224, 224]);
    let mut x = stem(&mut w, &x);
    for (stage_idx, block_idx, width, stride) in resnet50_blocks() {
        w.push_scope(&format!("layer{}", stage_idx + 1));
        w.push_scope(&format!("{block_idx}"));
        x = bottleneck(&mut w, &x, width, stride);
        w.pop_scope();
        w.pop_scope();
    }
    let x = head(&mut w, &x, 1000);
    w.output(&x);
    w.finish()
}

/// MobileNet v2 (inverted residuals with depthwise convolutions and ReLU6), batch 1, 224×224,
/// weights stored externally.
pub fn mobilenet_v2() -> Vec<u8> {
    let mut w = OnnxWriter::new("mobilenet_v2", external("mobilenet_v2.weights"));
    let x = w.input("input", &[1, 3, 224, 224]);
    w.push_scope("features.0");
    let x = w.conv(&x, 32, 3, 2, 1, 1);
    let mut x = w.relu6(&x);
    w.pop_scope();
    let blocks = mobilenet_v2_blocks();
    for (idx, &(expand, channels, stride)) in blocks.iter().enumerate() {
        w.push_scope(&format!("features.{}", idx + 1));
        x = inverted_residual(&mut w, &x, expand, channels, stride);
        w.pop_scope();
    }
    w.push_scope(&format!("features.{}", blocks.len() + 1));
    let x = w.conv(&x, 1280, 1, 1, 0, 1);
    let x = w.relu6(&x);
    w.pop_scope();
    let x = head(&mut w, &x, 1000);
    w.output(&x);
    w.finish()
}

/// A ResNet-style chain of basic residual blocks with about `target_nodes` nodes (4 per block),
/// for benchmarks and scale tests. Weights as `storage` says.
pub fn residual_chain(target_nodes: usize, storage: WeightStorage) -> Vec<u8> {
    let mut w = OnnxWriter::new("residual_chain", storage);
    let x = w.input("input", &[1, 64, 56, 56]);
    let mut x = w.relu(&x);
    let n_blocks = target_nodes.saturating_sub(1).div_ceil(4);
    for block_idx in 0..n_blocks {
        w.push_scope(&format!("block{block_idx}"));
        let y = w.conv(&x, 64, 3, 1, 1, 1);
        let y = w.relu(&y);
        let y = w.conv(&y, 64, 3, 1, 1, 1);
        x = w.add(&y, &x);
        w.pop_scope();
    }
    w.output(&x);
    w.finish()
}

/// An MLP whose inline float weights add up to about `weight_bytes`: the weight-heavy parse
/// benchmark (weights must be skipped, not copied).
pub fn weight_heavy(weight_bytes: u64) -> Vec<u8> {
    weight_heavy_net("weight_heavy", weight_bytes, WeightStorage::Inline).finish()
}

/// [`weight_heavy`]'s net with its weights in an ONNX external data file named `location`:
/// returns the model and the size its data file must have (what
/// [`write_external_weights`] then writes).
pub fn weight_heavy_external(weight_bytes: u64, location: &str) -> (Vec<u8>, u64) {
    let net = weight_heavy_net("weight_heavy_external", weight_bytes, external(location));
    let data_bytes = net.external_bytes();
    (net.finish(), data_bytes)
}

/// Gemm + Relu layers of 4096 × 4096 floats, enough of them for `weight_bytes` of weights.
fn weight_heavy_net(name: &str, weight_bytes: u64, storage: WeightStorage) -> OnnxWriter {
    const WIDTH: i64 = 4096;
    let layer_bytes = (WIDTH * WIDTH * 4) as u64;
    let n_layers = weight_bytes.div_ceil(layer_bytes).max(1);
    let mut w = OnnxWriter::new(name, storage);
    let mut x = w.input("input", &[1, WIDTH]);
    for layer_idx in 0..n_layers {
        w.push_scope(&format!("fc{layer_idx}"));
        x = w.gemm(&x, WIDTH);
        x = w.relu(&x);
        w.pop_scope();
    }
    w.output(&x);
    w
}

/// Writes `bytes` of weight-like data, as an external data file holds: little-endian `f32`s in
/// -1..1 from a fixed seed (binary: no importer recognises it, as no importer recognises a real
/// one).
pub fn write_external_weights(out: &mut impl std::io::Write, bytes: u64) -> std::io::Result<()> {
    let mut rng = XorShift(0x5eed_0f3e_1ec7_ed00);
    let mut block = Vec::with_capacity(1 << 20);
    let mut left = bytes;
    while left > 0 {
        block.clear();
        while block.len() < (1 << 20) {
            let value = (rng.below(2_000_001) as f32 - 1_000_000.0) / 1_000_000.0;
            block.extend_from_slice(&value.to_le_bytes());
        }
        let take = left.min(block.len() as u64) as usize;
        out.write_all(&block[..take])?;
        left -= take as u64;
    }
    Ok(())
}

fn external(location: &str) -> WeightStorage {
    WeightStorage::External {
        location: location.to_string(),
    }
}

fn stem(w: &mut OnnxWriter, x: &str) -> String {
    let x = w.conv(x, 64, 7, 2, 3, 1);
    let x = w.relu(&x);
    w.max_pool(&x, 3, 2, 1)
}

fn bottleneck(w: &mut OnnxWriter, x: &str, width: i64, stride: i64) -> String {
    let in_channels = w.shape(x).get(1).copied().unwrap_or(0);
    let out_channels = width * 4;
    let y = w.conv(x, width, 1, 1, 0, 1);
    let y = w.relu(&y);
    let y = w.conv(&y, width, 3, stride, 1, 1);
    let y = w.relu(&y);
    let y = w.conv(&y, out_channels, 1, 1, 0, 1);
    let shortcut = if stride != 1 || in_channels != out_channels {
        w.push_scope("downsample");
        let s = w.conv(x, out_channels, 1, stride, 0, 1);
        w.pop_scope();
        s
    } else {
        x.to_string()
    };
    let y = w.add(&y, &shortcut);
    w.relu(&y)
}

/// ResNet-50's bottleneck blocks in order, as `(stage, block within the stage, width, stride)`
/// (0-based): four stages of 3, 4, 6 and 3 blocks, the first block of stages 2–4 striding.
/// Every format's ResNet sample is built from this one table.
pub(crate) fn resnet50_blocks() -> Vec<(usize, usize, i64, i64)> {
    const STAGES: [(i64, usize, i64); 4] = [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)];
    STAGES
        .iter()
        .enumerate()
        .flat_map(|(stage, &(width, blocks, stride))| {
            (0..blocks).map(move |block| (stage, block, width, if block == 0 { stride } else { 1 }))
        })
        .collect()
}

/// MobileNet v2's inverted-residual blocks in order, as `(expansion, output channels, stride)`:
/// its seven stages `(t, c, n, s)` of the paper, unrolled (only a stage's first block strides).
/// Every format's MobileNet sample is built from this one table.
pub(crate) fn mobilenet_v2_blocks() -> Vec<(i64, i64, i64)> {
    const STAGES: [(i64, i64, usize, i64); 7] = [
        (1, 16, 1, 1),
        (6, 24, 2, 2),
        (6, 32, 3, 2),
        (6, 64, 4, 2),
        (6, 96, 3, 1),
        (6, 160, 3, 2),
        (6, 320, 1, 1),
    ];
    STAGES
        .iter()
        .flat_map(|&(expand, channels, repeats, stride)| {
            (0..repeats).map(move |idx| (expand, channels, if idx == 0 { stride } else { 1 }))
        })
        .collect()
}

fn inverted_residual(
    w: &mut OnnxWriter,
    x: &str,
    expand: i64,
    out_channels: i64,
    stride: i64,
) -> String {
    let in_channels = w.shape(x).get(1).copied().unwrap_or(0);
    let hidden = in_channels * expand;
    let mut y = x.to_string();
    if expand != 1 {
        y = w.conv(&y, hidden, 1, 1, 0, 1);
        y = w.relu6(&y);
    }
    y = w.conv(&y, hidden, 3, stride, 1, hidden);
    y = w.relu6(&y);
    y = w.conv(&y, out_channels, 1, 1, 0, 1);
    if stride == 1 && in_channels == out_channels {
        y = w.add(&y, x);
    }
    y
}

fn head(w: &mut OnnxWriter, x: &str, classes: i64) -> String {
    let x = w.global_average_pool(x);
    let x = w.flatten(&x);
    w.push_scope("fc");
    let x = w.gemm(&x, classes);
    w.pop_scope();
    x
}
