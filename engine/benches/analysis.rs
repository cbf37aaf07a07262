//! Analysis time on a 50,000-node ResNet-style chain (`samples::residual_chain`, opened with
//! `open_model`): each stage (unit assignment, fusion simulation, the cost model without and with
//! one Conv + Relu UB group per block, the estimated profile built from it) and the whole
//! `analysis::analyze` (units, fusion, cost, rules; target: under 100 ms). Then a GPT-2-sized
//! graph (`samples::gpt2_like`, about 12,000 nodes): the analysis alone, and end to end from the
//! file's bytes to the JSON report as `opscope analyze --format json` writes it (target: under
//! 1 s). Only the stage named is timed.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use opscope_engine::analysis::fusion::{Fusion, FusionGroup, FusionKind};
use opscope_engine::analysis::{self, cost, units, AnalyzeOptions, CannVersion};
use opscope_engine::ir::Model;
use opscope_engine::report::analysis as analysis_report;
use opscope_engine::samples::{gpt2_like, residual_chain, WeightStorage, GPT2_12K_BLOCKS};
use opscope_engine::target::{Target, TargetId};
use opscope_engine::{open_model, InputFile};

const NODES: usize = 50_000;

fn chain() -> Model {
    let bytes = residual_chain(
        NODES,
        WeightStorage::External {
            location: "weights.bin".to_string(),
        },
    );
    open_model(&InputFile::new("chain.onnx", bytes)).expect("generated model opens")
}

/// One UB group per Conv whose only consumer is a Relu, as the Conv + element-wise pattern
/// fuses them.
fn conv_relu_groups(model: &Model) -> Fusion {
    let graph = &model.graph;
    let mut fusion = Fusion {
        group_of: vec![None; graph.nodes.len()],
        ..Fusion::default()
    };
    for (node_id, node) in graph.nodes.iter().enumerate() {
        if node.op_type != "Conv" {
            continue;
        }
        let consumers = node
            .outputs
            .first()
            .and_then(|&t| graph.tensors.get(t))
            .map(|t| t.consumers.as_slice())
            .unwrap_or(&[]);
        if let [relu] = consumers {
            if graph.nodes[*relu].op_type == "Relu" {
                let idx = fusion.groups.len();
                fusion.groups.push(FusionGroup::new(
                    FusionKind::Ub,
                    "TbeConvElemwiseFusionPass",
                    vec![node_id, *relu],
                    0,
                ));
                fusion.group_of[node_id] = Some(idx);
                fusion.group_of[*relu] = Some(idx);
            }
        }
    }
    fusion
}

fn bench_analysis(c: &mut Criterion) {
    let model = chain();
    let target = Target::new(TargetId::Ascend310);
    let units = units::assign(&model, &target);
    let no_groups = Fusion {
        group_of: vec![None; model.graph.nodes.len()],
        ..Fusion::default()
    };
    let groups = conv_relu_groups(&model);
    let estimate = cost::estimate(&model.graph, &units, &groups, &target);

    let mut group = c.benchmark_group("analysis_50k_nodes");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("units", |b| b.iter(|| units::assign(&model, &target)));
    group.bench_function("fusion", |b| {
        b.iter(|| {
            analysis::fusion::simulate(
                &model.graph,
                model.format,
                &units,
                &target,
                CannVersion::DEFAULT,
            )
        })
    });
    group.bench_function("cost_estimate", |b| {
        b.iter(|| cost::estimate(&model.graph, &units, &no_groups, &target))
    });
    group.bench_function("cost_estimate_fused", |b| {
        b.iter(|| cost::estimate(&model.graph, &units, &groups, &target))
    });
    group.bench_function("estimated_profile", |b| {
        b.iter(|| cost::estimated_profile(&model, &units, &estimate))
    });
    let options = AnalyzeOptions {
        target: TargetId::Ascend310,
        cann: CannVersion::DEFAULT,
    };
    group.bench_function("analyze", |b| {
        b.iter(|| analysis::analyze(&model, None, &options))
    });
    group.finish();

    let gpt2_bytes = gpt2_like(GPT2_12K_BLOCKS);
    let gpt2 = open_model(&InputFile::new("gpt2_like.onnx", gpt2_bytes.clone()))
        .expect("generated model opens");
    let mut group = c.benchmark_group("analysis_gpt2_12k_nodes");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("analyze", |b| {
        b.iter(|| analysis::analyze(&gpt2, None, &options))
    });
    group.bench_function("bytes_to_json_report", |b| {
        b.iter(|| {
            let model = open_model(&InputFile::new("gpt2_like.onnx", gpt2_bytes.clone()))
                .expect("generated model opens");
            let analysis = analysis::analyze(&model, None, &options);
            let report = analysis_report::build(&model, &analysis, None);
            serde_json::to_string_pretty(&report).expect("serialises")
        })
    });
    group.finish();
}

criterion_group!(benches, bench_analysis);
criterion_main!(benches);
