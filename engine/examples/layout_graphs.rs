//! Exports graphs and our layout of them for the layout quality benchmark
//! (`scripts/layout-quality`, which lays the same graphs out with dagre and ELK and measures all
//! three the same way):
//!
//! `cargo run --release -p opscope-engine --example layout_graphs -- OUT_DIR [MODEL_FILE_OR_DIR...]`
//!
//! Writes one `NAME.json` per graph to `OUT_DIR`: `{name, nodes: [{w, h}], edges: [[from, to]],
//! ours: {nodes: [{x, y}] (top-left corners), edges: [{from, to, points: [[x, y]...]}], width,
//! height, ms}}`. The graphs are generated ones (GPT-2-like decoders, a BERT-like encoder whose
//! mask feeds every block, a detector with a post-processing tail, a residual chain) and every
//! model file given (directories are searched recursively), laid out as the viewer lays them out
//! ([`opscope_engine::report::layout_input_of`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use opscope_engine::layout::{layout, Layout, LayoutConfig, LayoutInput};
use opscope_engine::report::layout_input_of;
use opscope_engine::samples::{
    bert_like, detector_like, gpt2_like, residual_chain, WeightStorage, GPT2_12K_BLOCKS,
};
use opscope_engine::{open_model, InputFile};
use serde_json::{json, Value};

/// Layouts are repeated until this much time has passed (or [`MAX_RUNS`]), for a median.
const MIN_TIMING: Duration = Duration::from_millis(300);
const MAX_RUNS: usize = 25;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out_dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: layout_graphs OUT_DIR [MODEL_FILE_OR_DIR...]");
        std::process::exit(2);
    };
    if let Err(err) = std::fs::create_dir_all(&out_dir) {
        eprintln!("cannot create {}: {err}", out_dir.display());
        std::process::exit(1);
    }

    let mut graphs: Vec<(String, LayoutInput)> = Vec::new();
    let generated: [(&str, Vec<u8>); 6] = [
        ("gen_gpt2_4_blocks", gpt2_like(4)),
        ("gen_gpt2_12k", gpt2_like(GPT2_12K_BLOCKS)),
        ("gen_bert_mask_fanout_24", bert_like(24)),
        ("gen_detector", detector_like()),
        (
            "gen_residual_chain_1k",
            residual_chain(1000, external("chain.weights")),
        ),
        (
            "gen_residual_chain_10k",
            residual_chain(10_000, external("chain.weights")),
        ),
    ];
    for (name, bytes) in generated {
        match open_model(&InputFile::new(format!("{name}.onnx"), bytes)) {
            Ok(model) => graphs.push((name.to_string(), layout_input_of(&model, &model.graph))),
            Err(err) => eprintln!("{name}: {err}"),
        }
    }
    let mut files = Vec::new();
    for arg in args {
        collect_files(Path::new(&arg), &mut files);
    }
    files.sort();
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        match open_model(&InputFile::new(file_name.clone(), bytes)) {
            Ok(model) if !model.graph.nodes.is_empty() => {
                graphs.push((sanitize(&file_name), layout_input_of(&model, &model.graph)));
            }
            Ok(_) => eprintln!("{}: no nodes, skipped", path.display()),
            Err(err) => eprintln!("{}: skipped ({err})", path.display()),
        }
    }

    let config = LayoutConfig::viewer();
    for (name, input) in &graphs {
        let (result, ms) = timed_layout(input, &config);
        let record = export(name, input, &result, ms);
        let path = out_dir.join(format!("{name}.json"));
        if let Err(err) = std::fs::write(&path, record.to_string()) {
            eprintln!("cannot write {}: {err}", path.display());
            std::process::exit(1);
        }
        println!(
            "{name}: {} nodes, {} edges, {ms:.2} ms",
            input.nodes.len(),
            input.edges.len()
        );
    }
}

fn external(location: &str) -> WeightStorage {
    WeightStorage::External {
        location: location.to_string(),
    }
}

fn collect_files(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            collect_files(&entry.path(), files);
        }
    } else if path.is_file() && path.extension().is_some_and(|ext| ext != "md") {
        files.push(path.to_path_buf());
    }
}

fn sanitize(file_name: &str) -> String {
    file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Median time of repeated layouts (at least one, more while under [`MIN_TIMING`]).
fn timed_layout(input: &LayoutInput, config: &LayoutConfig) -> (Layout, f64) {
    let mut times = Vec::new();
    let started = Instant::now();
    let mut result = Layout::default();
    while times.is_empty() || (started.elapsed() < MIN_TIMING && times.len() < MAX_RUNS) {
        let run_started = Instant::now();
        result = layout(input, config);
        times.push(run_started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (result, times[times.len() / 2])
}

fn export(name: &str, input: &LayoutInput, result: &Layout, ms: f64) -> Value {
    let round = |value: f64| (value * 100.0).round() / 100.0;
    json!({
        "name": name,
        "nodes": input.nodes.iter().map(|size| json!({"w": size.width, "h": size.height})).collect::<Vec<_>>(),
        "edges": input.edges.iter().map(|&(from, to)| json!([from, to])).collect::<Vec<_>>(),
        "ours": {
            "nodes": result.nodes.iter().map(|rect| json!({"x": round(rect.x), "y": round(rect.y)})).collect::<Vec<_>>(),
            "edges": result.edges.iter().map(|route| json!({
                "from": route.from,
                "to": route.to,
                "points": route.points.iter().map(|point| json!([round(point.x), round(point.y)])).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "width": round(result.width),
            "height": round(result.height),
            "ms": ms,
        },
    })
}
