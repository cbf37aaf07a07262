//! Unit assignment (`analysis::units::assign`) on 50,000-node graphs opened with `open_model`:
//! the ONNX residual chain (knowledge-base predictions only) and the GE chain as ATC leaves it
//! (every node also carries `_ge_attr_op_kernel_lib_name`). Only `assign` is timed. Units are one
//! of the five analysis stages, and the whole analysis of such a graph must stay under 100 ms.
//!
//! `UNITS_BENCH_ONCE=<id>` (`onnx_50k_nodes`, `ge_om_50k_ops`, or `all`) runs that assignment
//! once and exits without Criterion, so an instruction count
//! (`valgrind --tool=callgrind --toggle-collect='*units*assign*'`) covers exactly one call on a
//! loaded machine (the knowledge base's one-time name index is built before it).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use opscope_engine::analysis::units::assign;
use opscope_engine::ir::Model;
use opscope_engine::samples::{ge_chain, residual_chain, OmOptions, WeightStorage};
use opscope_engine::target::{Target, TargetId};
use opscope_engine::{open_model, InputFile};

const NODES: usize = 50_000;

fn models() -> [(&'static str, Model); 2] {
    let open = |name: &str, bytes: Vec<u8>| {
        open_model(&InputFile::new(name, bytes)).expect("generated model opens")
    };
    let external = WeightStorage::External {
        location: "weights.bin".to_string(),
    };
    [
        (
            "onnx_50k_nodes",
            open("chain.onnx", residual_chain(NODES, external)),
        ),
        (
            "ge_om_50k_ops",
            open("chain.om", ge_chain(NODES).to_om(&OmOptions::atc())),
        ),
    ]
}

fn bench_units(c: &mut Criterion) {
    let target = Target::new(TargetId::Ascend310);
    let models = models();
    if let Ok(once) = std::env::var("UNITS_BENCH_ONCE") {
        // Build the knowledge base's name index outside the counted call: it is built once per
        // process, not per analysis.
        black_box(opscope_engine::knowledge::lookup_any("Conv"));
        for (id, model) in models.iter().filter(|(id, _)| once == "all" || once == *id) {
            let units = assign(black_box(model), &target);
            eprintln!("{id}: {} nodes assigned", units.len());
        }
        return;
    }
    let mut group = c.benchmark_group("unit_assignment");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    for (id, model) in &models {
        group.bench_function(*id, |b| b.iter(|| assign(black_box(model), &target)));
    }
    group.finish();
}

criterion_group!(benches, bench_units);
criterion_main!(benches);
