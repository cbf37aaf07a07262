//! `dynamic-shape`: dynamic shapes, seen in the model (unknown or symbolic dims) or in a
//! profile (no op ran with a static shape). Two halves, each one finding at most.
//!
//! ## What it flags
//! Model half: a model whose graph inputs have unknown or symbolic dims (ONNX `dim_param`,
//! TensorFlow `-1`, GE `-1`), or that holds ops whose output shape depends on the input values
//! (knowledge rows with `Constraint::DataDependentShape`, e.g. NonZero, or with
//! `DataDependentOperands` fed at run time, e.g. TopK with a computed k: `units::is_data_dependent`). One finding per model
//! listing these entry points and counting the kernel nodes whose shapes are not static.
//!
//! Profile half: a run where the `OP State` column is present and no task is `static`. As
//! msprof-analyze advisor's Operator Dynamic Shape check (ascend.md 6: `dynamic_shape_checker.py`:
//! "if no op has OP State `static`"). Without an `OP State` column the check is skipped.
//!
//! ## Why it is slow on Ascend
//! Dynamic-shape kernels are compiled for a range of shapes and pick their tiling at run time:
//! each launch pays for tiling on the host, the kernels are less specialised than static ones,
//! and graph-level fusion and memory planning are limited (UB fusion patterns such as
//! TbeEltwiseFusionPass and TbeReduceElemwiseFusionPass are static-shape only, ascend.md 4.3).
//!
//! ## What to do
//! Offline models: convert with fixed input shapes (ATC `--input_shape` without -1 dims), or,
//! when the model must take several sizes, with gears (`--dynamic_batch_size`, `--dynamic_dims`):
//! one static model per gear. torch_npu: `torch_npu.npu.set_compile_mode(jit_compile=False)` and
//! `torch_npu.npu.config.allow_internal_format = False` (the advisor's advice).
//!
//! ## Evidence
//! Model half: `dynamic_inputs` (`name: shape`), `data_dependent_ops`, `dynamic_nodes` and
//! `kernel_nodes`, `fusion_blocked` (the fusion simulation's near misses for dynamic shape) and
//! their `fusion_ddr_bytes`. `gain_us` is the DDR traffic those fusions would save at the
//! target's bandwidth (`gain::ddr_us`), absent when the simulation found none: the speed of
//! static kernels is not in the model.
//!
//! Profile half: `dynamic_ops` (distinct op names), `dynamic_tasks`, `total_us`, `share`. The
//! nodes are the ten ops with the most time. No gain: static kernels' speed is not in the
//! profile.

use std::collections::BTreeMap;

use super::gain;
use super::{
    fmt_pct, fmt_us, group_tasks, Evidence, Finding, ModelCtx, Needs, RuleCtx, RuleOutput,
    RuleSpec, Severity,
};
use crate::analysis::fusion::NearMissReason;
use crate::analysis::units;
use crate::ir::{Dim, NodeId, Shape};
use crate::knowledge::ExecUnit;
use crate::profile::model::{OpState, Unit};

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "dynamic-shape",
    title: "Dynamic shapes",
    severity: Severity::High,
    needs: Needs::Either,
    threshold: "model: a graph input with unknown or symbolic dims, or a data-dependent-shape op; profile: OP State present and no task `static` (msprof-analyze advisor dynamic_shape_checker)",
    check,
};

const LISTED_OPS: usize = 10;

/// Entry points listed by name in the message (all are in the evidence).
const LISTED_ENTRIES: usize = 5;

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    if let Some(model) = &ctx.model {
        check_model(model, out);
    }
    check_profile(ctx, out);
}

fn is_static(shape: Option<&Shape>) -> bool {
    shape.is_some_and(|s| s.0.iter().all(|d| matches!(d, Dim::Known(_))))
}

/// The model half: unknown or symbolic input dims and data-dependent shapes.
fn check_model(ctx: &ModelCtx, out: &mut RuleOutput) {
    let graph = &ctx.model.graph;
    let dynamic_inputs: Vec<(usize, String)> = graph
        .inputs
        .iter()
        .filter_map(|&t| graph.tensors.get(t).map(|tensor| (t, tensor)))
        .filter(|(_, t)| !t.is_weight() && t.shape.is_some() && !is_static(t.shape.as_ref()))
        .map(|(id, t)| {
            let shape = t.shape.as_ref().map(|s| s.to_string()).unwrap_or_default();
            (id, format!("{}: {shape}", t.name))
        })
        .collect();
    let data_dependent: Vec<NodeId> = ctx
        .units
        .iter()
        .enumerate()
        .filter(|&(id, u)| match (u.spec, graph.nodes.get(id)) {
            (Some(spec), Some(node)) => units::is_data_dependent(spec, node, graph),
            _ => false,
        })
        .map(|(id, _)| id)
        .collect();
    if dynamic_inputs.is_empty() && data_dependent.is_empty() {
        return;
    }
    let kernels: Vec<NodeId> = (0..graph.nodes.len())
        .filter(|&id| ctx.units.get(id).is_some_and(|u| u.unit != ExecUnit::None))
        .collect();
    let dynamic_nodes = kernels
        .iter()
        .filter(|&&id| {
            graph.nodes[id].outputs.iter().any(|&t| {
                graph
                    .tensors
                    .get(t)
                    .is_some_and(|t| !is_static(t.shape.as_ref()))
            })
        })
        .count();
    let blocked: Vec<_> = ctx
        .fusion
        .near_misses
        .iter()
        .filter(|m| m.reason == NearMissReason::DynamicShape)
        .collect();
    let blocked_bytes: u64 = blocked
        .iter()
        .fold(0u64, |sum, m| sum.saturating_add(m.ddr_bytes_saved));
    // The entry points as nodes: the node that produces a dynamic input (Data, Placeholder)
    // or, for ONNX inputs that no node produces, the nodes that read it; then the
    // data-dependent ops.
    let mut entry_nodes: Vec<NodeId> = Vec::new();
    for &(tensor, _) in &dynamic_inputs {
        let Some(t) = graph.tensors.get(tensor) else {
            continue;
        };
        let nodes: Vec<NodeId> = match t.producer {
            Some(producer) => vec![producer],
            None => t.consumers.clone(),
        };
        for node in nodes {
            if !entry_nodes.contains(&node) {
                entry_nodes.push(node);
            }
        }
    }
    for &node in &data_dependent {
        if !entry_nodes.contains(&node) {
            entry_nodes.push(node);
        }
    }
    let input_texts: Vec<String> = dynamic_inputs.iter().map(|(_, t)| t.clone()).collect();
    let data_dependent_names = ctx.names(&data_dependent);
    let mut entries: Vec<String> = input_texts
        .iter()
        .map(|t| format!("input {t}"))
        .chain(
            data_dependent_names
                .iter()
                .map(|n| format!("`{n}` (data-dependent shape)")),
        )
        .collect();
    let more = entries.len().saturating_sub(LISTED_ENTRIES);
    entries.truncate(LISTED_ENTRIES);
    if more > 0 {
        entries.push(format!("{more} more"));
    }
    let mut message = format!(
        "Dynamic shapes enter at {}; {} of {} kernel nodes have shapes that are not static, so GE compiles dynamic-shape kernels that pick their tiling at run time and leaves them out of static-shape UB fusion",
        entries.join(", "),
        dynamic_nodes,
        kernels.len()
    );
    if !blocked.is_empty() {
        message.push_str(&format!(
            "; the fusion simulation stopped {} {} for dynamic shape",
            blocked.len(),
            if blocked.len() == 1 {
                "group"
            } else {
                "groups"
            }
        ));
    }
    let example = dynamic_inputs
        .first()
        .and_then(|&(t, _)| graph.tensors.get(t))
        .map(|t| {
            let dims: Vec<String> = t
                .shape
                .as_ref()
                .map(|s| {
                    s.0.iter()
                        .map(|d| match d {
                            Dim::Known(v) => v.to_string(),
                            _ => "1".to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("\"{}:{}\"", t.name, dims.join(","))
        });
    let fix = match example {
        Some(example) => format!(
            "Fix the input shapes when converting: `atc --input_shape={example}` (your real sizes in place of the unknown dims); if the model must take several sizes, convert with gears instead (`--dynamic_batch_size=\"1,2,4,8\"` for the batch, `--dynamic_dims` for other dims): one static model per gear."
        ),
        None => "Avoid data-dependent shapes in the hot path (bound the output with a fixed size and a mask), or convert with gears (`--dynamic_dims`) so each gear compiles static kernels.".to_string(),
    };
    let mut evidence = BTreeMap::new();
    evidence.insert("dynamic_inputs", Evidence::from(input_texts));
    evidence.insert("data_dependent_ops", Evidence::from(data_dependent_names));
    evidence.insert("dynamic_nodes", Evidence::from(dynamic_nodes));
    evidence.insert("kernel_nodes", Evidence::from(kernels.len()));
    evidence.insert("fusion_blocked", Evidence::from(blocked.len()));
    evidence.insert("fusion_ddr_bytes", Evidence::from(blocked_bytes));
    let gain_us =
        (!blocked.is_empty()).then(|| super::round(gain::ddr_us(ctx.target, blocked_bytes), 3));
    out.findings.push(Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes: ctx.names(&entry_nodes),
        message,
        fix,
        evidence,
        gain_us,
    });
}

/// The profile half (unchanged output).
fn check_profile(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.profile else {
        return;
    };
    let profile = ctx.profile;
    if profile.tasks.is_empty() {
        return;
    }
    let with_state = profile
        .tasks
        .iter()
        .filter(|t| t.op_state != OpState::Unknown)
        .count();
    if with_state == 0 {
        out.skip(
            RULE.id,
            "no OP State column in the profile (op_summary of CANN 8.0+ or kernel_details has it)",
        );
        return;
    }
    if profile.tasks.iter().any(|t| t.op_state == OpState::Static) {
        return;
    }
    let groups = group_tasks(profile, |t| {
        t.op_state == OpState::Dynamic && (t.unit.is_ai_core() || t.unit == Unit::AiCpu)
    });
    let total: f64 = groups.iter().map(|g| g.total_us).sum();
    let tasks: u64 = groups.iter().map(|g| g.count).fold(0, u64::saturating_add);
    let share = ctx.share(total);
    let mut nodes = Vec::new();
    for group in groups.iter().take(LISTED_OPS) {
        for node in ctx.nodes_of(group.name) {
            if !nodes.contains(&node) {
                nodes.push(node);
            }
        }
    }
    let mut evidence = std::collections::BTreeMap::new();
    evidence.insert("dynamic_ops", Evidence::from(groups.len()));
    evidence.insert("dynamic_tasks", Evidence::from(tasks));
    evidence.insert("total_us", Evidence::from(total));
    evidence.insert("share", Evidence::from(share));
    out.findings.push(Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes,
        message: format!(
            "No op ran with a static shape: all {} ops ({} tasks, {}, {} of compute time) are `dynamic`, so every kernel picks its tiling at run time",
            groups.len(),
            tasks,
            fmt_us(total),
            fmt_pct(share)
        ),
        fix: "torch_npu: call torch_npu.npu.set_compile_mode(jit_compile=False) and set torch_npu.npu.config.allow_internal_format = False; offline models: convert with fixed input shapes (ATC --input_shape without -1).".to_string(),
        evidence,
        gain_us: None,
    });
}
