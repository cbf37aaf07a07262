//! `opscope inspect MODEL [--json] [--shapes]`.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use opscope_engine::report::{inspect, InspectOptions, InspectReport, TensorSummary};

use crate::{load_model, print_report, UserError};

#[derive(Args)]
pub struct InspectArgs {
    /// Model file (format detected by content): ONNX, TensorFlow .pb/.pbtxt, Caffe .prototxt or
    /// .caffemodel, Ascend GE dump (.txt), its JSON, or an .om offline model.
    model: PathBuf,
    /// Weights of the model when they are a separate file (a Caffe `.caffemodel` for a
    /// `.prototxt`): gives the weight tensors their shapes and sizes.
    #[arg(long)]
    weights: Option<PathBuf>,
    /// Print the report as JSON (stable keys, see the README).
    #[arg(long)]
    json: bool,
    /// Also list every tensor of the main graph with its dtype and shape.
    #[arg(long)]
    shapes: bool,
}

pub fn run(args: &InspectArgs) -> Result<(), UserError> {
    let model = load_model(&args.model, args.weights.as_deref())?;
    let report = inspect(
        &model,
        InspectOptions {
            with_tensors: args.shapes,
        },
    );
    print_report(&report, args.json, render_text)
}

fn render_text(report: &InspectReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", report.name, report.format);
    let _ = writeln!(
        out,
        "nodes: {}  edges: {}  subgraph nodes: {}  function nodes: {}",
        report.nodes, report.edges, report.subgraph_nodes, report.function_nodes
    );
    let _ = writeln!(
        out,
        "weights: {} tensors, {}",
        report.weights.count,
        human_bytes(report.weights.bytes)
    );
    for (domain, version) in &report.opsets {
        let _ = writeln!(out, "opset {domain}: {version}");
    }
    let _ = writeln!(out, "inputs:");
    write_tensors(&mut out, &report.inputs);
    let _ = writeln!(out, "outputs:");
    write_tensors(&mut out, &report.outputs);
    let _ = writeln!(out, "op types:");
    let mut ops: Vec<_> = report.op_types.iter().collect();
    ops.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (op, count) in ops {
        let _ = writeln!(out, "  {count:>6}  {op}");
    }
    if report.graphs.len() > 1 {
        let _ = writeln!(out, "graphs:");
        for graph in &report.graphs {
            let indent = "  ".repeat(graph.depth + 1);
            let _ = writeln!(out, "{indent}{}  ({} nodes)", graph.label, graph.nodes);
        }
    }
    if let Some(tensors) = &report.tensors {
        let _ = writeln!(out, "tensors:");
        write_tensors(&mut out, tensors);
    }
    out.trim_end().to_string()
}

fn write_tensors(out: &mut String, tensors: &[TensorSummary]) {
    for t in tensors {
        let shape = t
            .shape
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "unknown".to_string());
        let _ = writeln!(out, "  {}  {} {}", t.name, t.dtype, shape);
    }
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
