//! `transdata-overhead`: time spent converting formats and dtypes.
//!
//! ## What it flags
//! Format conversions (`TransData`, `TransDataRNN`) and dtype conversions (`Cast`): the
//! knowledge base's rows with `Constraint::FormatConversion` or `Constraint::DtypeConversion`,
//! and every op GE inserted (`trans_TransData_*`, `trans_Cast_*`), grouped by conversion (op type,
//! from → to),
//! when all conversions together take at least 5% of the compute time (AI Core, vector, mix and
//! AI CPU tasks). The 5% floor is ours: no public threshold exists; the tuning guide shows
//! removing two TransData copies as a win.
//!
//! ## Why it is slow on Ascend
//! The cube unit wants 5HD / fractal layouts (NC1HWC0, FRACTAL_Z) and GE inserts a conversion
//! wherever neighbouring ops disagree on format or dtype (ascend.md 4.1). Each conversion reads
//! and writes the whole tensor through global memory and computes nothing.
//!
//! ## What to do
//! Keep tensors in one format and dtype across a segment: export the model so neighbours agree
//! (one layout, one precision), fuse the op that forces the round trip (tuning guide: an identity
//! conv after MirrorPad lets the Mul fuse and removes two TransData), and with torch_npu keep
//! `allow_internal_format` consistent.
//!
//! ## Evidence
//! Per conversion: `count`, `total_us`, `share`, `from`, `to`, the first `ops` names and, with a
//! model, `placements` ("A → B" edges). `gain_us` is the conversion time: an upper bound of what
//! removing them saves.

use std::collections::{BTreeMap, HashMap};

use super::{
    fmt_pct, fmt_us, Evidence, Finding, Needs, ProfileCtx, RuleCtx, RuleOutput, RuleSpec, Severity,
};
use crate::ir::fx_hash::FxBuild;
use crate::knowledge::{self, OpSpec};
use crate::profile::join::{inserted_op_type, is_inserted_name};
use crate::profile::model::{Sym, Task};

pub(super) const RULE: RuleSpec = RuleSpec {
    id: "transdata-overhead",
    title: "Time in format and dtype conversions",
    severity: Severity::Medium,
    needs: Needs::Profile,
    threshold: "TransData/Cast time >= 5% of compute time (ours; no public threshold)",
    check,
};

pub const MIN_SHARE: f64 = 0.05;
const LISTED_OPS: usize = 10;

/// Whether a task converts format or dtype: its type is a conversion in the knowledge base, or
/// GE inserted it.
pub fn is_conversion(op_type: &str, name: &str) -> bool {
    knowledge::lookup_any(op_type).is_some_and(OpSpec::is_conversion) || is_inserted_name(name)
}

/// Whether an op type converts dtypes (Cast) rather than formats.
fn converts_dtype(op_type: &str) -> bool {
    knowledge::lookup_any(op_type).is_some_and(OpSpec::converts_dtype)
}

fn first(list: &str) -> &str {
    list.split(';')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("?")
}

#[derive(Default)]
struct Conversion {
    count: u64,
    total_us: f64,
    ops: Vec<String>,
}

fn check(ctx: &RuleCtx, out: &mut RuleOutput) {
    let Some(ctx) = &ctx.profile else {
        return;
    };
    let profile = ctx.profile;
    if profile.tasks.is_empty() {
        return;
    }
    // Profiles repeat a few names and types over many tasks: decide each pair once.
    let mut decided: HashMap<(Sym, Sym), bool, FxBuild> = HashMap::default();
    let conversions: Vec<&Task> = profile
        .tasks
        .iter()
        .filter(|t| {
            *decided
                .entry((t.op_type, t.name))
                .or_insert_with(|| is_conversion(profile.str(t.op_type), profile.str(t.name)))
        })
        .collect();
    let total: f64 = conversions.iter().map(|t| t.duration_us).sum();
    if conversions.is_empty() || ctx.share(total) < MIN_SHARE {
        return;
    }
    let mut groups: BTreeMap<(String, String, String), Conversion> = BTreeMap::new();
    for task in conversions {
        let op_type = profile.str(task.op_type);
        // A conversion without a type column is one GE inserted: its name carries the type.
        let op_type = if op_type.is_empty() {
            inserted_op_type(profile.str(task.name)).unwrap_or("?")
        } else {
            op_type
        };
        let (from, to) = if converts_dtype(op_type) {
            (
                first(profile.str(task.input_dtypes)),
                first(profile.str(task.output_dtypes)),
            )
        } else {
            (
                first(profile.str(task.input_formats)),
                first(profile.str(task.output_formats)),
            )
        };
        let group = groups
            .entry((op_type.to_string(), from.to_string(), to.to_string()))
            .or_default();
        group.count += 1;
        group.total_us += task.duration_us;
        let name = profile.str(task.name);
        if !group.ops.iter().any(|o| o == name) {
            group.ops.push(name.to_string());
        }
    }
    let mut findings: Vec<Finding> = groups
        .into_iter()
        .map(|((op_type, from, to), group)| finding(ctx, &op_type, &from, &to, group))
        .collect();
    findings.sort_by(|a, b| {
        b.gain_us
            .unwrap_or(0.0)
            .total_cmp(&a.gain_us.unwrap_or(0.0))
    });
    out.extend_capped(RULE.id, findings);
}

fn finding(ctx: &ProfileCtx, op_type: &str, from: &str, to: &str, group: Conversion) -> Finding {
    let share = ctx.share(group.total_us);
    let mut placements = Vec::new();
    let mut nodes = Vec::new();
    if let Some(join) = ctx.join {
        for op in &group.ops {
            if let Some(inserted) = join.inserted.iter().find(|i| &i.op == op) {
                if let Some((a, b)) = &inserted.between {
                    placements.push(format!("{op}: {a} → {b}"));
                    for node in [a, b] {
                        if !nodes.contains(node) {
                            nodes.push(node.clone());
                        }
                    }
                }
            }
        }
    }
    if nodes.is_empty() {
        for op in group.ops.iter().take(LISTED_OPS) {
            for node in ctx.nodes_of(op) {
                if !nodes.contains(&node) {
                    nodes.push(node);
                }
            }
        }
    }
    let mut message = format!(
        "{op_type} {from} → {to}: {} kernels, {} ({} of compute time)",
        group.count,
        fmt_us(group.total_us),
        fmt_pct(share)
    );
    if !placements.is_empty() {
        message.push_str(&format!("; placed on {} edges", placements.len()));
    }
    let fix = if converts_dtype(op_type) {
        "Run the segment in one dtype so GE need not insert casts: export the model in the precision the device uses, or keep the ops around the cast in the same dtype.".to_string()
    } else {
        "Keep tensors in one layout so GE need not convert formats: make neighbouring ops agree on the format, or fuse the op that forces the round trip (tuning guide: an identity conv after MirrorPad removed two TransData).".to_string()
    };
    let mut evidence = BTreeMap::new();
    evidence.insert("count", Evidence::from(group.count));
    evidence.insert("total_us", Evidence::from(group.total_us));
    evidence.insert("share", Evidence::from(share));
    evidence.insert("from", Evidence::from(from));
    evidence.insert("to", Evidence::from(to));
    evidence.insert(
        "ops",
        Evidence::from(
            group
                .ops
                .iter()
                .take(LISTED_OPS)
                .cloned()
                .collect::<Vec<_>>(),
        ),
    );
    if !placements.is_empty() {
        evidence.insert("placements", Evidence::from(placements));
    }
    Finding {
        rule: RULE.id,
        severity: RULE.severity,
        nodes,
        message,
        fix,
        evidence,
        gain_us: Some(super::round(group.total_us, 3)),
    }
}
