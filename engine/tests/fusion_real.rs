//! The fusion engine on real files and at scale: every model under `../shared/samples/models`
//! (skipped quietly when absent) without a panic and with the invariants held; the simulation on
//! source models against the real fused groups of compiled ones; the 50,000-node timing.

mod fusion_common;

use std::collections::HashMap;

use fusion_common::{cann, names, open, samples_dir, simulate, simulate_on};
use opscope_engine::analysis::fusion::{self, Fusion, FusionKind, FusionOptions, RealGroup};
use opscope_engine::analysis::units;
use opscope_engine::ir::{AttrValue, Model, NodeId};
use opscope_engine::knowledge;
use opscope_engine::profile::{FusionOp, Profile};
use opscope_engine::samples::{ge_resnet50, residual_chain, resnet50, WeightStorage};
use opscope_engine::target::{Target, TargetId};

/// Each node in at most one UB group, `group_of` agreeing; every member after the head reads
/// something an earlier member wrote (the group is connected, head first, in data-flow order);
/// the same for the nodes of every near miss.
fn check_invariants(model: &Model, fusion: &Fusion) {
    let graph = &model.graph;
    assert_eq!(fusion.group_of.len(), graph.nodes.len());
    let mut seen = vec![false; graph.nodes.len()];
    for (idx, group) in fusion.groups.iter().enumerate() {
        if group.kind == FusionKind::Ub {
            assert!(group.nodes.len() >= 2, "{}", group.pattern);
            for &node in &group.nodes {
                assert!(!seen[node], "node {node} is in two UB groups");
                seen[node] = true;
                assert_eq!(fusion.group_of[node], Some(idx));
            }
        }
        if group.kind == FusionKind::Ub {
            connected(model, &group.nodes, group.pattern);
        } else {
            kernels_connected(model, fusion, &group.nodes, group.pattern);
        }
    }
    assert_eq!(
        seen.iter().filter(|&&s| s).count(),
        fusion.group_of.iter().filter(|g| g.is_some()).count()
    );
    for near in &fusion.near_misses {
        connected(model, &near.nodes, near.pattern);
        assert!(near.blocker.is_some_and(|b| near.nodes.contains(&b)));
        assert!(!near.detail.is_empty() && !near.fix.is_empty());
    }
}

fn connected(model: &Model, nodes: &[NodeId], pattern: &str) {
    let graph = &model.graph;
    for (pos, &node) in nodes.iter().enumerate().skip(1) {
        let reads_earlier = graph.nodes[node].inputs.iter().flatten().any(|&t| {
            graph
                .tensors
                .get(t)
                .and_then(|t| t.producer)
                .is_some_and(|p| nodes[..pos].contains(&p))
        });
        assert!(
            reads_earlier,
            "{pattern}: {} reads nothing of {:?}",
            graph.nodes[node].display_name(),
            names(model, &nodes[..pos])
        );
    }
}

/// An L2/L1 candidate lists whole kernels (a UB group, or one node): every kernel after the
/// first reads something an earlier kernel wrote.
fn kernels_connected(model: &Model, fusion: &Fusion, nodes: &[NodeId], pattern: &str) {
    let graph = &model.graph;
    let kernel = |n: NodeId| fusion.group_of[n].map_or(usize::MAX - n, |g| g);
    let mut start = 0;
    while start < nodes.len() {
        let id = kernel(nodes[start]);
        let end = start
            + nodes[start..]
                .iter()
                .take_while(|&&n| kernel(n) == id)
                .count();
        if start > 0 {
            let reads_earlier = nodes[start..end].iter().any(|&node| {
                graph.nodes[node].inputs.iter().flatten().any(|&t| {
                    graph
                        .tensors
                        .get(t)
                        .and_then(|t| t.producer)
                        .is_some_and(|p| nodes[..start].contains(&p))
                })
            });
            assert!(
                reads_earlier,
                "{pattern}: kernel at {start} reads no earlier kernel"
            );
        }
        start = end;
    }
}

#[test]
fn every_real_model_simulates_with_the_invariants_held() {
    let mut checked = 0;
    for sub in ["models/onnx", "models/caffe", "models/ge"] {
        let Some(dir) = samples_dir(sub) else {
            eprintln!("{sub} absent: skipped");
            continue;
        };
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(model) =
                opscope_engine::open_model(&opscope_engine::InputFile::new(&name, bytes))
            else {
                continue;
            };
            for target in TargetId::ALL {
                for release in ["8.0.RC1", "8.0.0"] {
                    let fusion =
                        simulate_on(&model, target, cann(release), FusionOptions::default());
                    check_invariants(&model, &fusion);
                }
            }
            let fusion = simulate(&model, cann("8.0.RC1"));
            let ub = fusion
                .groups
                .iter()
                .filter(|g| g.kind == FusionKind::Ub)
                .count();
            eprintln!(
                "{name}: {} nodes, {ub} UB groups, {} near misses",
                model.graph.nodes.len(),
                fusion.near_misses.len()
            );
            checked += 1;
        }
    }
    eprintln!("{checked} real models simulated");
}

/// The real fused groups of a compiled model, as (fused op, original ops).
fn compiled_groups(model: &Model) -> Vec<RealGroup> {
    fusion::real_groups(model)
}

#[test]
fn the_real_ait_compare_model_against_its_om() {
    let Some(dir) = samples_dir("models/ge") else {
        eprintln!("samples absent: skipped");
        return;
    };
    let (Ok(onnx), Ok(om)) = (
        std::fs::read(dir.join("ait-compare-model.onnx")),
        std::fs::read(dir.join("ait-compare-model.om")),
    ) else {
        eprintln!("ait-compare-model files absent: skipped");
        return;
    };
    let source = open("ait-compare-model.onnx", onnx);
    let compiled = open("ait-compare-model.om", om);
    let real = compiled_groups(&compiled);
    // ATC compiled every op of this NMS sub-model alone: no real group has two ops.
    assert!(!real.is_empty());
    assert!(
        real.iter().all(|(_, originals)| originals.len() <= 1),
        "{real:?}"
    );
    let fusion = simulate(&source, cann("5.1.RC2"));
    let check = fusion::compare_with_real(&source, &fusion, &real);
    eprintln!(
        "ait-compare: {} real groups, {} simulated, agreement {}",
        check.real_groups, check.simulated_groups, check.agreement
    );
    assert_eq!(check.real_groups, 0);
    // The simulation agrees: it fuses nothing in this model either.
    assert_eq!(check.simulated_groups, 0, "{:?}", check.differences);
    assert_eq!(check.agreement, 1.0);
    // The compiled graph itself: sealed kernels, nothing new.
    let on_compiled = simulate(&compiled, cann("5.1.RC2"));
    assert!(fusion::compare(&compiled, None, &on_compiled).is_none());
    let check = fusion::compare_with_compiled(&source, &fusion, &compiled, "ait-compare-model.om");
    assert_eq!(check.source, "ait-compare-model.om");
    assert_eq!((check.real_groups, check.simulated_groups), (0, 0));
}

/// The GE sample's original op names translated to the ONNX sample's node names: the writers
/// name nodes differently (`layer1/0/conv1/Conv` vs `/layer1/0/Conv_4`), so the k-th original op
/// of each canonical type (file order) is matched with the k-th ONNX node of that type. Ops the
/// ONNX model does not have (its BatchNorms are folded) keep their GE names.
fn aligned(ge: &Model, onnx: &Model) -> Vec<RealGroup> {
    let mut onnx_by_type: HashMap<&str, Vec<&str>> = HashMap::new();
    for node in &onnx.graph.nodes {
        if let Some(spec) = knowledge::lookup(onnx.format, &node.op_type) {
            onnx_by_type
                .entry(spec.canonical)
                .or_default()
                .push(node.display_name());
        }
    }
    let mut taken: HashMap<&str, usize> = HashMap::new();
    let mut real = Vec::new();
    for node in &ge.graph.nodes {
        let (Some(AttrValue::Strings(originals)), Some(AttrValue::Strings(types))) = (
            node.attr(fusion::ORIGINAL_NAMES_ATTR),
            node.attr("_datadump_original_op_types"),
        ) else {
            continue;
        };
        let translated = originals
            .iter()
            .zip(types)
            .map(|(name, op_type)| {
                let canonical = knowledge::lookup_any(op_type).map_or("", |s| s.canonical);
                let next = taken.entry(canonical).or_insert(0);
                let hit = onnx_by_type.get(canonical).and_then(|v| v.get(*next));
                *next += 1;
                hit.map_or_else(|| name.clone(), |n| n.to_string())
            })
            .collect();
        real.push((node.name.clone(), translated));
    }
    real
}

#[test]
fn the_onnx_resnet50_simulation_against_the_ge_resnet50_groups() {
    let onnx = open("resnet50.onnx", resnet50());
    let ge = open(
        "resnet50.om",
        ge_resnet50().to_om(&opscope_engine::samples::OmOptions::atc()),
    );
    let fusion = simulate(&onnx, cann("8.0.RC1"));

    // By name: the writers share no node names, so every real group is absent.
    let by_name = fusion::compare_with_real(&onnx, &fusion, &compiled_groups(&ge));
    assert_eq!(
        by_name.real_groups, 69,
        "53 fused convolutions and 16 Add+ReLU"
    );
    assert_eq!(by_name.real_groups_absent, 69);
    assert_eq!(by_name.matched, 0);

    // Aligned by op type and order. Matched: the stem and the first two convolutions of every
    // bottleneck (Conv+BN+ReLU, the BN folded in the ONNX export: 33) and the four projection
    // shortcuts (Conv+BN, alone in both: 4). Partial: the third convolution of each bottleneck
    // and its Add+ReLU, which the GE sample compiles as two kernels (Conv+BN, Add+ReLU) and the
    // simulation as one (TbeConvDoubleInFusionPass): 16 + 16.
    let check = fusion::compare_with_real(&onnx, &fusion, &aligned(&ge, &onnx));
    eprintln!(
        "ONNX ResNet-50 vs GE ResNet-50 (aligned): {}/{} matched, agreement {:.3}",
        check.matched, check.real_groups, check.agreement
    );
    assert_eq!(check.real_groups_absent, 0);
    assert_eq!(check.matched, 37);
    let partial = check
        .differences
        .iter()
        .filter(|d| d.kind == "partial")
        .count();
    assert_eq!(partial, 32);
    assert!(check.differences.iter().all(|d| d.kind == "partial"));
    assert!((check.agreement - 37.0 / 69.0).abs() < 1e-9);
    let example = &check.differences[0];
    assert_eq!(example.simulated.len(), 3, "{example:?}");
}

/// A 50,000-node graph simulates whole: every block fused, invariants kept. Its speed is
/// measured by `cargo bench --bench analysis` (a timed test would fail on a loaded machine).
#[test]
fn fifty_thousand_nodes_simulate_whole() {
    let model = open(
        "chain.onnx",
        residual_chain(
            50_000,
            WeightStorage::External {
                location: "w.bin".into(),
            },
        ),
    );
    assert!(model.graph.nodes.len() >= 50_000);
    let target = Target::new(TargetId::Ascend310);
    let units = units::assign(&model, &target);
    let fusion = fusion::simulate(&model.graph, model.format, &units, &target, cann("8.0.RC1"));
    let ub = fusion
        .groups
        .iter()
        .filter(|g| g.kind == FusionKind::Ub)
        .count();
    // Every block is Conv+ReLU and Conv+Add (the Add has no activation after it).
    assert_eq!(ub, 2 * (model.graph.nodes.len() - 1) / 4);
    check_invariants(&model, &fusion);
}

#[test]
fn a_profile_fusion_op_table_is_compared_by_original_names() {
    let model = open("resnet50.onnx", resnet50());
    let fusion = simulate(&model, cann("8.0.RC1"));
    let ub: Vec<_> = fusion
        .groups
        .iter()
        .filter(|g| g.kind == FusionKind::Ub)
        .collect();
    // A run that fused the first three groups as simulated, the fourth only in part, fused two
    // ops the simulation leaves apart, and the names of another model's op.
    let as_names = |nodes: &[NodeId]| names(&model, nodes);
    let mut rows: Vec<FusionOp> = ub[..3]
        .iter()
        .map(|g| FusionOp {
            fused: format!("fused_{}", g.nodes[0]),
            originals: as_names(&g.nodes),
            model_name: "resnet50".into(),
        })
        .collect();
    rows.push(FusionOp {
        fused: "partly".into(),
        originals: as_names(&ub[3].nodes[..2]),
        model_name: "resnet50".into(),
    });
    let fc = model.graph.nodes.len() - 1;
    let pool = model.graph.nodes.len() - 3;
    rows.push(FusionOp {
        fused: "pool_fc".into(),
        originals: as_names(&[pool, fc]),
        model_name: "resnet50".into(),
    });
    rows.push(FusionOp {
        fused: "elsewhere".into(),
        originals: vec!["other/Conv".into(), "other/Relu".into()],
        model_name: "other".into(),
    });
    let profile = Profile {
        fusions: rows,
        ..Profile::default()
    };
    let check = fusion::compare(&model, Some(&profile), &fusion).unwrap_or_default();
    assert_eq!(check.source, "fusion_op");
    assert_eq!((check.real_groups, check.real_groups_absent), (6, 1));
    assert_eq!(check.matched, 3);
    assert!((check.agreement - 3.0 / 5.0).abs() < 1e-9);
    let kinds: Vec<&str> = check.differences.iter().map(|d| d.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "partial").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "missed").count(), 1);
    // Every simulated group but the four the run touched is extra.
    assert_eq!(
        kinds.iter().filter(|k| **k == "extra").count(),
        check.simulated_groups - 4
    );
    let missed = check.differences.iter().find(|d| d.kind == "missed");
    assert_eq!(missed.and_then(|d| d.fused_op.as_deref()), Some("pool_fc"));

    // Neither the model nor the profile names fused ops: nothing to compare.
    assert!(fusion::compare(&model, Some(&Profile::default()), &fusion).is_none());
    assert!(fusion::compare(&model, None, &fusion).is_none());
}
