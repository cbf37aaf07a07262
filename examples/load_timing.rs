//! Native timing of what one load does, stage by stage, on a model file: the worker's steps
//! (parse with shape inference, layout with view building, analysis), the bincode round trip of
//! the result, and the page's graph handle and scene. A proxy for the browser (wasm runs these
//! 1.5–3× slower): `cargo run --release --example load_timing -- target/bench-models/chain_100k.onnx`.

use std::time::Instant;

use opscope_app::canvas::scene::Scene;
use opscope_app::state::GraphHandle;
use opscope_app::worker::protocol::{FilePayload, FromWorker, TargetKey};
use opscope_app::worker::session::Session;
use opscope_engine::report::GraphViewOptions;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: load_timing MODEL.onnx");
    let bytes = std::fs::read(&path).expect("readable model");
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    // The engine's parts one by one first (the session runs them again below).
    let input = opscope_engine::InputFile::new(name.clone(), bytes.clone());
    let started = Instant::now();
    let mut model = opscope_engine::import_model(&input).expect("a model");
    println!("  import: {:.1} ms", ms(started));
    let started = Instant::now();
    opscope_engine::shape::infer_shapes(&mut model);
    println!("  shape inference: {:.1} ms", ms(started));
    let started = Instant::now();
    let layout_input = opscope_engine::report::layout_input_of(&model, &model.graph);
    println!("  view nodes (unplaced): {:.1} ms", ms(started));
    let started = Instant::now();
    let placed = opscope_engine::layout::layout(
        &layout_input,
        &opscope_engine::layout::LayoutConfig::viewer(),
    );
    println!(
        "  layout: {:.1} ms ({} nodes)",
        ms(started),
        placed.nodes.len()
    );
    drop((model, placed));

    let total = Instant::now();
    let mut session = Session::default();
    let mut job = session.open(
        vec![FilePayload::of_bytes(name, bytes)],
        TargetKey::default(),
        GraphViewOptions::default(),
    );
    while session.next_stage(&mut job).is_some() {
        let started = Instant::now();
        let step = session.step(&mut job);
        println!("{step:?}: {:.1} ms", ms(started));
    }
    let result = session.finish(job);
    let msg = FromWorker::Loaded {
        generation: 1,
        result: Box::new(result),
    };
    let started = Instant::now();
    let encoded = bincode::serialize(&msg).expect("encodes");
    println!(
        "encode: {:.1} ms, {:.1} MB",
        ms(started),
        encoded.len() as f64 / 1e6
    );
    let started = Instant::now();
    let decoded: FromWorker = bincode::deserialize(&encoded).expect("decodes");
    println!("decode: {:.1} ms", ms(started));
    let FromWorker::Loaded { result, .. } = decoded else {
        panic!("not loaded");
    };
    let model = result.model.expect("a model");
    view_parts(&model.view);
    let started = Instant::now();
    let handle = GraphHandle::new(
        1,
        "m".into(),
        model.files,
        model.pairing,
        std::rc::Rc::unwrap_or_clone(model.view),
    );
    println!("graph handle: {:.1} ms", ms(started));
    let started = Instant::now();
    let scene = Scene::new(&handle.view);
    println!(
        "scene: {:.1} ms ({} nodes, {} edges)",
        ms(started),
        scene.nodes.len(),
        scene.edges.len()
    );
    println!("total: {:.1} ms", ms(total));
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1e3
}

/// Bytes of each part of the view, bincode-encoded.
#[allow(dead_code)]
pub fn view_parts(view: &opscope_engine::report::GraphView) {
    let mut parts: Vec<(&str, usize)> = Vec::new();
    let b = |x: &dyn Fn() -> usize| x();
    parts.push((
        "titles+names",
        b(&|| {
            view.nodes
                .iter()
                .map(|n| n.title.len() + n.name.len() + 16)
                .sum()
        }),
    ));
    parts.push((
        "lines",
        b(&|| {
            view.nodes
                .iter()
                .map(|n| bincode::serialized_size(&n.lines).unwrap() as usize)
                .sum()
        }),
    ));
    parts.push((
        "domain+scope",
        b(&|| {
            view.nodes
                .iter()
                .map(|n| n.domain.len() + n.scope.len() + 16)
                .sum()
        }),
    ));
    parts.push((
        "attrs",
        b(&|| {
            view.nodes
                .iter()
                .map(|n| bincode::serialized_size(&n.attrs).unwrap() as usize)
                .sum()
        }),
    ));
    parts.push((
        "inputs",
        b(&|| {
            view.nodes
                .iter()
                .map(|n| bincode::serialized_size(&n.inputs).unwrap() as usize)
                .sum()
        }),
    ));
    parts.push((
        "outputs",
        b(&|| {
            view.nodes
                .iter()
                .map(|n| bincode::serialized_size(&n.outputs).unwrap() as usize)
                .sum()
        }),
    ));
    parts.push((
        "edges tensor+label",
        b(&|| {
            view.edges
                .iter()
                .map(|e| e.tensor.len() + e.label.len() + 16)
                .sum()
        }),
    ));
    parts.push((
        "edges points",
        b(&|| {
            view.edges
                .iter()
                .map(|e| bincode::serialized_size(&e.points).unwrap() as usize)
                .sum()
        }),
    ));
    parts.push((
        "folded",
        bincode::serialized_size(&view.folded).unwrap() as usize,
    ));
    for (name, bytes) in parts {
        println!("  view {name}: {:.1} MB", bytes as f64 / 1e6);
    }
    let n = &view.nodes[view.nodes.len() / 2];
    println!("  sample node: {n:?}");
    let e = &view.edges[view.edges.len() / 2];
    println!("  sample edge: {e:?}");
}
