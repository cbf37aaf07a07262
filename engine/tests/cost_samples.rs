//! The cost model on real and bundled models: every model of `../shared/samples/models` (skipped
//! quietly when the folder is absent) and every bundled sample costs on every target without a
//! panic, with finite times and a positive total, and its estimated profile joins back to it.
//! ResNet-50 on the Ascend 310 lands where a hand computation puts it.

use std::path::PathBuf;

use opscope_engine::analysis::cost;
use opscope_engine::analysis::fusion::Fusion;
use opscope_engine::analysis::units;
use opscope_engine::ir::Model;
use opscope_engine::profile::join;
use opscope_engine::samples::{bundled, resnet50};
use opscope_engine::target::{Target, TargetId};
use opscope_engine::{open_model, InputFile};

/// `shared/` next to the repository (a clone), or next to the folder of worktrees.
fn models_dir() -> Option<PathBuf> {
    let engine = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        "../../shared/samples/models",
        "../../../shared/samples/models",
    ]
    .into_iter()
    .map(|relative| engine.join(relative))
    .find(|dir| dir.is_dir())
}

/// Costs `model` on every target and checks what must hold for any model.
fn check(name: &str, model: &Model) {
    for id in TargetId::ALL {
        let target = Target::new(id);
        let units = units::assign(model, &target);
        let fusion = Fusion {
            group_of: vec![None; model.graph.nodes.len()],
            ..Fusion::default()
        };
        let cost = cost::estimate(&model.graph, &units, &fusion, &target);
        assert_eq!(cost.per_node.len(), model.graph.nodes.len(), "{name}");
        for (node, c) in model.graph.nodes.iter().zip(&cost.per_node) {
            for value in [c.estimated_us, c.compute_us, c.memory_us, c.overhead_us] {
                assert!(
                    value.is_finite() && value >= 0.0,
                    "{name} {id:?} {}: {c:?}",
                    node.name
                );
            }
        }
        assert!(
            cost.total_us > 0.0,
            "{name} {id:?}: total {}",
            cost.total_us
        );
        let sum: f64 = cost.per_node.iter().map(|c| c.estimated_us).sum();
        assert!((sum - cost.total_us).abs() <= 1e-9 * sum.max(1.0));
        let profile = cost::estimated_profile(model, &units, &cost);
        assert!(profile.is_estimate(), "{name}");
        assert_eq!(profile.tasks.len(), cost.kernels.len(), "{name}");
        // Nodes without a name cannot be joined by name (ONNX allows them); the others must.
        let named = model.graph.nodes.iter().all(|n| !n.name.is_empty());
        let joined = join(&profile, model);
        if named {
            assert!(
                joined.matched_share() >= 0.99,
                "{name} {id:?}: {} matched; {:?}",
                joined.matched_share(),
                joined.unmatched.first()
            );
        }
    }
}

#[test]
fn real_models_cost_on_every_target() {
    let Some(dir) = models_dir() else {
        return;
    };
    let mut opened = 0;
    for folder in ["onnx", "caffe", "ge"] {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let data = std::fs::read(&path).unwrap_or_else(|err| panic!("{name}: {err}"));
            // The GE ONNX-text dump (`ge_onnx_*.pbtxt`) is not a format opscope reads; what
            // does not open is not the cost model's business.
            let Ok(model) = open_model(&InputFile::new(&name, data)) else {
                continue;
            };
            check(&name, &model);
            opened += 1;
        }
    }
    assert!(opened >= 12, "{opened} models");
}

#[test]
fn bundled_samples_cost_on_every_target() {
    for (name, bytes) in bundled() {
        let model =
            open_model(&InputFile::new(name, bytes)).unwrap_or_else(|err| panic!("{name}: {err}"));
        check(name, &model);
    }
}

/// ResNet-50 (ONNX, batch 1, 224×224) on the Ascend 310, by hand:
/// - Cube: 4.09 GMAC, 4.94 GMAC with C0 padding (the stem's 3 channels count as 16). At 8
///   TFLOPS fp16 = 4.0e6 MAC/µs that is 1.23 ms if every layer were compute-bound.
/// - Memory: 25.5 M parameters as fp16 = 51 MB, read once = 0.75 ms at 68 GB/s; activations
///   (about 11 M values per pass, written once and read once or twice, fp16) add about 1 ms.
/// - 121 kernels × 7.9 µs fixed cost (the smallest AI Core task of the real 310 export) = 0.96 ms.
///
/// Each layer costs the larger of its compute and memory time plus its fixed cost, so the whole
/// lies between the larger sum plus launches (about 2.8 ms) and the sum of all (about 3.9 ms);
/// without fusion most element-wise layers are pure memory traffic, which puts it near the top:
/// 2.7–4.3 ms. Real Ascend 310
/// ResNet-50 runs are in the low milliseconds at batch 1, consistent with this.
#[test]
fn resnet50_on_the_310_lands_where_the_hand_computation_puts_it() {
    let model = open_model(&InputFile::new("resnet50.onnx", resnet50())).expect("opens");
    let target = Target::new(TargetId::Ascend310);
    let units = units::assign(&model, &target);
    let fusion = Fusion {
        group_of: vec![None; model.graph.nodes.len()],
        ..Fusion::default()
    };
    let cost = cost::estimate(&model.graph, &units, &fusion, &target);
    let padded: u64 = cost.per_node.iter().map(|c| c.macs).sum();
    let compute_floor_us = cost::cube_us(&target, padded, false);
    assert!(
        (1200.0..1250.0).contains(&compute_floor_us),
        "{compute_floor_us}"
    );
    assert_eq!(cost.kernels.len(), 121);
    assert!(
        (2700.0..4300.0).contains(&cost.total_us),
        "ResNet-50 on the 310: {} µs",
        cost.total_us
    );
}
