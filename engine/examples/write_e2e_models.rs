//! Writes the generated models the end-to-end browser tests open (default `target/e2e-models`):
//! the graph shapes that once opened on an empty canvas (a BERT-like encoder whose mask fans out
//! to every block, a detector with its post-processing tail) and a GPT-2-like decoder of over
//! 5,000 nodes, which opens with its name scopes folded; a 128 MB model with its weights inline, a
//! model with 128 MB of weights in an ONNX external data file (dropped with it, left unread) and
//! a 48 MB op_summary (read by slices in the browser):
//! `cargo run -p opscope-engine --example write_e2e_models [DIR]`.

use opscope_engine::samples::{
    bert_like, detector_like, gpt2_like, weight_heavy, weight_heavy_external, write_a2_op_summary,
    write_external_weights,
};

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/e2e-models".to_string());
    std::fs::create_dir_all(&dir)?;
    let models = [
        ("bert_like.onnx", bert_like(12)),
        ("detector_like.onnx", detector_like()),
        ("gpt2_like_60.onnx", gpt2_like(60)),
        // Past the worker's 64 MB threshold: opened by slices, its weights left unread.
        ("weights_inline_128m.onnx", weight_heavy(128 << 20)),
    ];
    for (name, bytes) in models {
        let path = format!("{dir}/{name}");
        std::fs::write(&path, &bytes)?;
        println!("{path} ({} bytes)", bytes.len());
    }
    // Its data file is past the 64 MB the worker reads whole: with the model it is named by, it
    // is listed as the model's weights and never read.
    let data_name = "weights_external_128m.onnx.data";
    let (model, data_bytes) = weight_heavy_external(128 << 20, data_name);
    std::fs::write(format!("{dir}/weights_external_128m.onnx"), &model)?;
    let path = format!("{dir}/{data_name}");
    let mut data = std::io::BufWriter::new(std::fs::File::create(&path)?);
    write_external_weights(&mut data, data_bytes)?;
    std::io::Write::flush(&mut data)?;
    println!("{path} ({data_bytes} bytes)");
    // Past the worker's 16 MB threshold for tables: streamed by slices with its progress shown.
    let path = format!("{dir}/op_summary_48m.csv");
    let mut file = std::fs::File::create(&path)?;
    let rows = write_a2_op_summary(&mut file, 48 << 20)?;
    println!("{path} ({rows} rows)");
    Ok(())
}
