//! The simulated UB groups against the real ones: fused ops of a compiled GE graph
//! (`_datadump_original_op_names` on a node lists the original ops it replaced) or a profile's
//! `fusion_op` rows.
//!
//! Groups are compared as sets of original op names. The simulation predicts kernels: each UB
//! group, and each other node alone (a node of a compiled graph stands for the ops GE fused into
//! it). Real names the simulated model does not have (an op the exporter already folded, such as
//! a BatchNorm an ONNX export merged into its convolution) are left out of the real group first;
//! a real group none of whose names is in the model is counted as absent, not as missed. A real
//! group matches when one predicted kernel holds exactly its remaining names.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::ir::{AttrValue, Model};
use crate::profile::Profile;

use super::{Fusion, FusionCheck, FusionDifference, FusionKind};

/// The node attribute in which GE lists the original ops a node was fused from (`ascend.md` 1.9).
pub const ORIGINAL_NAMES_ATTR: &str = "_datadump_original_op_names";

/// A real fused op: its name and the original ops it replaced.
pub type RealGroup = (String, Vec<String>);

/// Every node of `model` that names its original ops, with those names (singletons included).
pub fn real_groups(model: &Model) -> Vec<RealGroup> {
    model
        .graph
        .nodes
        .iter()
        .filter_map(|node| match node.attr(ORIGINAL_NAMES_ATTR) {
            Some(AttrValue::Strings(names)) => Some((node.name.clone(), names.clone())),
            _ => None,
        })
        .collect()
}

/// See [`super::compare`]. The real groups come from the profile's `fusion_op` rows; a model
/// that is itself compiled (its fused nodes name their originals) is not compared with itself:
/// the simulation keeps those nodes as they are, so every group would trivially "match". Compare
/// a source model with its compiled model through [`compare_with_compiled`] instead.
pub(super) fn compare(
    model: &Model,
    profile: Option<&Profile>,
    fusion: &Fusion,
) -> Option<FusionCheck> {
    let fusions = &profile?.fusions;
    if fusions.is_empty() {
        return None;
    }
    let real: Vec<RealGroup> = fusions
        .iter()
        .map(|f| (f.fused.clone(), f.originals.clone()))
        .collect();
    Some(check(model, fusion, &real, "fusion_op"))
}

/// Compares the simulation on `model` (usually the source model: ONNX, TensorFlow, Caffe) with
/// real groups taken from elsewhere (the compiled `.om` of the same model, a `fusion_op` file).
pub fn compare_with_real(model: &Model, fusion: &Fusion, real: &[RealGroup]) -> FusionCheck {
    check(model, fusion, real, "given real groups")
}

/// [`compare_with_real`] with the real groups of a compiled model of the same network (a GE
/// dump, om JSON or `.om` whose fused nodes name their original ops); `source` names it in the
/// check (a file name).
pub fn compare_with_compiled(
    model: &Model,
    fusion: &Fusion,
    compiled: &Model,
    source: &str,
) -> FusionCheck {
    check(model, fusion, &real_groups(compiled), source)
}

fn check(model: &Model, fusion: &Fusion, real: &[RealGroup], source: &str) -> FusionCheck {
    // What each node stands for: its original ops when it names them, else itself.
    let originals: HashMap<&str, Vec<&str>> = real_groups_ref(model);
    let stands_for = |node_name: &str| -> Vec<String> {
        match originals.get(node_name) {
            Some(names) if !names.is_empty() => names.iter().map(|s| s.to_string()).collect(),
            _ => vec![node_name.to_string()],
        }
    };
    let mut universe: HashSet<String> = HashSet::new();
    for node in &model.graph.nodes {
        universe.extend(stands_for(node.display_name()));
    }
    // The kernels the simulation predicts, as name sets: each UB group, and each other node
    // alone (a compiled node stands for the ops GE fused into it).
    let mut kernels: Vec<BTreeSet<String>> = Vec::new();
    let mut is_group: Vec<bool> = Vec::new();
    let mut grouped = vec![false; model.graph.nodes.len()];
    for group in fusion.groups.iter().filter(|g| g.kind == FusionKind::Ub) {
        let mut names = BTreeSet::new();
        for &node in &group.nodes {
            if let Some(n) = model.graph.nodes.get(node) {
                names.extend(stands_for(n.display_name()));
                grouped[node] = true;
            }
        }
        kernels.push(names);
        is_group.push(true);
    }
    for (node_id, node) in model.graph.nodes.iter().enumerate() {
        if !grouped[node_id] {
            kernels.push(stands_for(node.display_name()).into_iter().collect());
            is_group.push(false);
        }
    }
    let mut kernel_of: HashMap<&str, usize> = HashMap::new();
    for (idx, kernel) in kernels.iter().enumerate() {
        for name in kernel {
            kernel_of.entry(name.as_str()).or_insert(idx);
        }
    }

    let mut real_groups = 0;
    let mut absent = 0;
    let mut matched = 0;
    let mut touched = vec![false; kernels.len()];
    let mut differences = Vec::new();
    for (fused, names) in real {
        let distinct: BTreeSet<&String> = names.iter().collect();
        if distinct.len() < 2 {
            // A real op fused from itself alone: any simulated group holding it is extra.
            continue;
        }
        real_groups += 1;
        let present: BTreeSet<String> = distinct
            .into_iter()
            .filter(|n| universe.contains(n.as_str()))
            .cloned()
            .collect();
        if present.is_empty() {
            absent += 1;
            continue;
        }
        let hits: BTreeSet<usize> = present
            .iter()
            .filter_map(|n| kernel_of.get(n.as_str()).copied())
            .collect();
        for &idx in &hits {
            touched[idx] = true;
        }
        let exact = hits.len() == 1 && hits.first().is_some_and(|&idx| kernels[idx] == present);
        if exact {
            matched += 1;
            continue;
        }
        let simulated: Vec<String> = hits
            .iter()
            .filter(|&&idx| is_group[idx])
            .flat_map(|&idx| kernels[idx].iter().cloned())
            .collect();
        differences.push(FusionDifference {
            kind: if simulated.is_empty() {
                "missed"
            } else {
                "partial"
            },
            fused_op: Some(fused.clone()),
            real: present.into_iter().collect(),
            simulated,
        });
    }
    for (idx, kernel) in kernels.iter().enumerate() {
        if is_group[idx] && !touched[idx] {
            differences.push(FusionDifference {
                kind: "extra",
                fused_op: None,
                real: Vec::new(),
                simulated: kernel.iter().cloned().collect(),
            });
        }
    }
    let simulated_groups = is_group.iter().filter(|&&g| g).count();
    let considered = real_groups - absent;
    let agreement = if considered > 0 {
        matched as f64 / considered as f64
    } else if differences.is_empty() {
        1.0
    } else {
        0.0
    };
    FusionCheck {
        source: source.to_string(),
        real_groups,
        simulated_groups,
        matched,
        agreement,
        differences,
        real_groups_absent: absent,
    }
}

fn real_groups_ref(model: &Model) -> HashMap<&str, Vec<&str>> {
    model
        .graph
        .nodes
        .iter()
        .filter_map(|node| match node.attr(ORIGINAL_NAMES_ATTR) {
            Some(AttrValue::Strings(names)) => Some((
                node.display_name(),
                names.iter().map(String::as_str).collect(),
            )),
            _ => None,
        })
        .collect()
}
