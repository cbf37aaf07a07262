//! Writes the generated benchmark models to a folder (default `target/bench-models`), so the
//! end-to-end timings of `opscope analyze` and the browser benchmark (`scripts/browser-bench`) can
//! be measured on them:
//! `cargo run --release -p opscope-engine --example write_bench_models [DIR] [--big]`.
//! `--big` adds `weights_inline_2g.onnx`, an MLP with 2 GB of weights inline, and
//! `op_summary_1g.csv`, a 1 GB msprof op_summary in a real A2 run's columns (issue 12's large
//! files: the browser must open the model without reading its weights, and stream the table).

use opscope_engine::samples::{
    bert_like, detector_like, gpt2_like, residual_chain, weight_heavy, write_a2_op_summary,
    WeightStorage, GPT2_12K_BLOCKS,
};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let big = args.iter().any(|a| a == "--big");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
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
    if big {
        // Written alone, so at most this one model is in memory.
        let path = format!("{dir}/weights_inline_2g.onnx");
        let bytes = weight_heavy(2 << 30);
        std::fs::write(&path, &bytes)?;
        println!("{path} ({} bytes)", bytes.len());
        drop(bytes);
        let path = format!("{dir}/op_summary_1g.csv");
        let mut file = std::fs::File::create(&path)?;
        let rows = write_a2_op_summary(&mut file, 1 << 30)?;
        println!("{path} ({rows} rows)");
    }
    Ok(())
}
