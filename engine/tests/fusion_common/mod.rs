//! Shared helpers of the fusion tests: opening models built by the sample writers, running the
//! analysis stages the fusion engine needs, and rendering the result as reviewable text.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::PathBuf;

use opscope_engine::analysis::fusion::{self, Fusion, FusionKind, FusionOptions};
use opscope_engine::analysis::{units, CannVersion};
use opscope_engine::ir::Model;
use opscope_engine::target::{Target, TargetId};
use opscope_engine::{open_model, InputFile};

pub fn open(name: &str, bytes: Vec<u8>) -> Model {
    open_model(&InputFile::new(name, bytes)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn cann(text: &str) -> CannVersion {
    CannVersion::parse(text).unwrap_or_else(|| panic!("{text}"))
}

/// The fusion simulation of a model on the Ascend 310 for `cann`.
pub fn simulate(model: &Model, cann: CannVersion) -> Fusion {
    simulate_on(model, TargetId::Ascend310, cann, FusionOptions::default())
}

pub fn simulate_on(
    model: &Model,
    target: TargetId,
    cann: CannVersion,
    options: FusionOptions,
) -> Fusion {
    let target = Target::new(target);
    let units = units::assign(model, &target);
    fusion::simulate_with(&model.graph, model.format, &units, &target, cann, options)
}

fn name(model: &Model, node: usize) -> String {
    model
        .graph
        .nodes
        .get(node)
        .map_or_else(|| format!("#{node}"), |n| n.display_name().to_string())
}

pub fn names(model: &Model, nodes: &[usize]) -> Vec<String> {
    nodes.iter().map(|&n| name(model, n)).collect()
}

/// One line per UB group (passes, then member names), a count of L2/L1 candidates, then one
/// line per near miss (reason, pattern, nodes, blocker).
pub fn render(model: &Model, fusion: &Fusion) -> String {
    let mut out = String::new();
    for group in fusion.groups.iter().filter(|g| g.kind == FusionKind::Ub) {
        let _ = writeln!(
            out,
            "{}: {}",
            group.passes.join("+"),
            names(model, &group.nodes).join(" ")
        );
    }
    for kind in [FusionKind::L2, FusionKind::L1] {
        let of_kind: Vec<_> = fusion.groups.iter().filter(|g| g.kind == kind).collect();
        let nodes: usize = of_kind.iter().map(|g| g.nodes.len()).sum();
        let _ = writeln!(
            out,
            "{} candidates: {} groups, {} nodes",
            kind.id(),
            of_kind.len(),
            nodes
        );
    }
    for near in &fusion.near_misses {
        let _ = writeln!(
            out,
            "near miss {} {}: {} (blocker {})",
            near.reason.id(),
            near.pattern,
            names(model, &near.nodes).join(" "),
            near.blocker
                .map_or_else(|| "-".to_string(), |b| name(model, b))
        );
    }
    out
}

/// Where the real sample files are: `OPSCOPE_SAMPLES` when set, else `../shared/samples` next to
/// the repository (absent in CI clones: callers skip quietly).
pub fn samples_dir(sub: &str) -> Option<PathBuf> {
    let base = std::env::var_os("OPSCOPE_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples"));
    let dir = base.join(sub);
    dir.is_dir().then_some(dir)
}
