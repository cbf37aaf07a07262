//! Writes the generated benchmark models to a folder (default `target/bench-models`), so the
//! end-to-end timings of `opscope analyze` and the browser benchmark (`scripts/browser-bench`) can
//! be measured on them:
//! `cargo run --release -p opscope-engine --example write_bench_models [DIR]`.

use opscope_engine::samples::{
    bert_like, detector_like, gpt2_like, residual_chain, WeightStorage, GPT2_12K_BLOCKS,
};

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/bench-models".to_string());
    std::fs::create_dir_all(&dir)?;
    let external = || WeightStorage::External {
        location: "weights.bin".to_string(),
    };
    let models = [
        ("gpt2_like_12k.onnx", gpt2_like(GPT2_12K_BLOCKS)),
        (
            "residual_chain_50k.onnx",
            residual_chain(50_000, external()),
        ),
        // The browser benchmark's sizes (`scripts/browser-bench`).
        ("chain_1k.onnx", residual_chain(1_000, external())),
        ("chain_10k.onnx", residual_chain(10_000, external())),
        ("chain_100k.onnx", residual_chain(100_000, external())),
        // The shapes that once opened on an empty canvas (the browser benchmark runs them too).
        ("bert_like.onnx", bert_like(24)),
        ("detector_like.onnx", detector_like()),
    ];
    for (name, bytes) in models {
        let path = format!("{dir}/{name}");
        std::fs::write(&path, &bytes)?;
        println!("{path} ({} bytes)", bytes.len());
    }
    Ok(())
}
