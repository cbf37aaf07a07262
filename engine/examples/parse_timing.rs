//! Times one import of a generated residual chain: `cargo run --release -p opscope-engine
//! --example parse_timing -- 50000` (for profiling with callgrind or perf).

use std::time::Instant;

use opscope_engine::samples::{residual_chain, WeightStorage};
use opscope_engine::{import_model, InputFile};

fn main() {
    let n_nodes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let bytes = residual_chain(
        n_nodes,
        WeightStorage::External {
            location: "w.bin".into(),
        },
    );
    let started = Instant::now();
    let model = import_model(&InputFile::new("chain.onnx", bytes.clone()));
    let elapsed = started.elapsed();
    let n = model.map(|m| m.graph.nodes.len()).unwrap_or(0);
    println!(
        "{n} nodes, {} bytes, {elapsed:?}, {:.1} MB/s",
        bytes.len(),
        bytes.len() as f64 / elapsed.as_secs_f64() / 1e6
    );
}
