//! The rule registry: every rule of opscope, model rules and profile rules alike, ruff-style.
//!
//! A rule is one file with a doc header (What it flags / Why it is slow on Ascend / What to do /
//! Evidence, including where its thresholds come from), one struct with the data of a finding,
//! one `check` function, and one row in [`RULES`]. The driver [`check`] runs every row; a rule
//! reads the model half of [`RuleCtx`] (units, fusion, cost on the target), the profile half
//! (measured tasks, the join to the graph), or both, and returns quietly when its half is
//! missing. A rule that cannot run for want of data (no core count, no PMU columns) says so in
//! [`SkippedCheck`] instead of guessing.
//!
//! Invariants:
//! - Rule ids are stable kebab-case strings, used in JSON, `--fail-on` and docs; never renamed.
//! - Node names in findings are the names in the model file (or profiled op names without a
//!   model).
//! - Gains are in microseconds, from the cost model or the measurement, and are upper bounds.

mod aicpu_op;
mod aicpu_replaceable;
mod block_dim;
mod channel_alignment;
mod dynamic_shape;
mod gain;
mod interp_divisibility;
mod layout;
mod memory_bound;
mod missed_fusion;
mod no_bound;
mod transdata_avoidable;
mod transdata_overhead;

pub use missed_fusion::{group_gain_us, near_miss_gain_us};

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::ir::fx_hash::FxBuild;
use crate::ir::{Model, NodeId};
use crate::profile::join::Join;
use crate::profile::model::{CoreCount, Profile, Sym, Task};
use crate::target::Target;

use super::cost::CostModel;
use super::fusion::Fusion;
use super::units::NodeUnit;
use super::{CannVersion, Measured};

/// A value in a finding's evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Evidence {
    Int(i64),
    Num(f64),
    Text(String),
    List(Vec<String>),
}

impl From<f64> for Evidence {
    fn from(value: f64) -> Evidence {
        Evidence::Num(round(value, 4))
    }
}

impl From<u64> for Evidence {
    fn from(value: u64) -> Evidence {
        Evidence::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<i64> for Evidence {
    fn from(value: i64) -> Evidence {
        Evidence::Int(value)
    }
}

impl From<u32> for Evidence {
    fn from(value: u32) -> Evidence {
        Evidence::Int(i64::from(value))
    }
}

impl From<usize> for Evidence {
    fn from(value: usize) -> Evidence {
        Evidence::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<&str> for Evidence {
    fn from(value: &str) -> Evidence {
        Evidence::Text(value.to_string())
    }
}

impl From<String> for Evidence {
    fn from(value: String) -> Evidence {
        Evidence::Text(value)
    }
}

impl From<Vec<String>> for Evidence {
    fn from(value: Vec<String>) -> Evidence {
        Evidence::List(value)
    }
}

/// Rounds for display and JSON (profiling times have 3 decimals at best).
pub fn round(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// The severity of a gain: high from [`HIGH_SHARE`] of the run's time, medium from
    /// [`MEDIUM_SHARE`], low below.
    pub fn of_share(share: f64) -> Severity {
        if share >= HIGH_SHARE {
            Severity::High
        } else if share >= MEDIUM_SHARE {
            Severity::Medium
        } else {
            Severity::Low
        }
    }
}

/// A finding whose gain is at least this share of the run's time is `high` (the advisor colours
/// problems high/medium/low; the cut-offs are ours).
pub const HIGH_SHARE: f64 = 0.05;
/// ... and `medium` from this share.
pub const MEDIUM_SHARE: f64 = 0.01;

/// One finding: the rule, where (graph node names when a model is known, else op names), what
/// was seen, what to do, the numbers behind it, and what the fix would gain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub nodes: Vec<String>,
    pub message: String,
    pub fix: String,
    pub evidence: BTreeMap<&'static str, Evidence>,
    /// Upper bound of the time the fix can save, in us, where an honest one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gain_us: Option<f64>,
}

/// A rule that could not run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedCheck {
    pub rule: &'static str,
    pub reason: String,
}

/// Which half of the context a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Needs {
    /// The model's analysis (units, fusion, cost).
    Model,
    /// A measured profile.
    Profile,
    /// Either: it checks what it has.
    Either,
}

/// One row of the rule table.
pub struct RuleSpec {
    /// Stable id (kebab-case), used in JSON, `--fail-on` and docs.
    pub id: &'static str,
    pub title: &'static str,
    /// The severity when no gain is known.
    pub severity: Severity,
    pub needs: Needs,
    /// Where the threshold comes from.
    pub threshold: &'static str,
    pub check: fn(&RuleCtx, &mut RuleOutput),
}

/// Every rule, in report order.
pub const RULES: &[RuleSpec] = &[
    aicpu_op::RULE,
    block_dim::RULE,
    no_bound::RULE,
    memory_bound::RULE,
    dynamic_shape::RULE,
    transdata_overhead::RULE,
    aicpu_replaceable::RULE,
    channel_alignment::RULE,
    interp_divisibility::RULE,
    missed_fusion::RULE,
    transdata_avoidable::RULE,
];

/// The row of a rule id.
pub fn rule(id: &str) -> Option<&'static RuleSpec> {
    RULES.iter().find(|rule| rule.id == id)
}

/// At most this many findings per rule (worst first); the rest are counted in a note.
pub const MAX_FINDINGS_PER_RULE: usize = 20;

/// What the rules read: the model half, the profile half, or both.
pub struct RuleCtx<'a> {
    pub model: Option<ModelCtx<'a>>,
    pub profile: Option<ProfileCtx<'a>>,
}

/// The model's analysis on the target.
pub struct ModelCtx<'a> {
    pub model: &'a Model,
    pub target: &'a Target,
    pub cann: CannVersion,
    /// Per main-graph node.
    pub units: &'a [NodeUnit],
    pub fusion: &'a Fusion,
    pub cost: &'a CostModel,
    /// What a profile measured, when one was given.
    pub measured: Option<&'a Measured>,
}

impl ModelCtx<'_> {
    /// The names (as in the model file) of main-graph nodes; unnamed nodes show their op type.
    pub fn names(&self, nodes: &[NodeId]) -> Vec<String> {
        nodes
            .iter()
            .filter_map(|&id| self.model.graph.nodes.get(id))
            .map(|node| node.display_name().to_string())
            .collect()
    }

    /// The run's time: measured when a profile was joined, else the cost model's total.
    pub fn total_us(&self) -> f64 {
        match self.measured {
            Some(measured) => measured.join.total_us,
            None => self.cost.total_us,
        }
    }
}

/// A measured profile, joined to the model when there is one.
pub struct ProfileCtx<'a> {
    pub profile: &'a Profile,
    pub join: Option<&'a Join>,
    pub ai_cores: CoreCount,
    /// Compute time ([`Profile::compute_us`]): shares in findings are of this, since
    /// communication and copies often overlap with compute and would dilute them.
    pub compute_us: f64,
}

impl ProfileCtx<'_> {
    /// Graph nodes for an op name when a model is joined and the op matched, else the op name.
    pub fn nodes_of(&self, op: &str) -> Vec<String> {
        self.join
            .and_then(|join| join.nodes_of(op))
            .map(<[String]>::to_vec)
            .unwrap_or_else(|| vec![op.to_string()])
    }

    /// Share of compute time, 0 to 1.
    pub fn share(&self, us: f64) -> f64 {
        if self.compute_us > 0.0 {
            us / self.compute_us
        } else {
            0.0
        }
    }
}

/// Findings and skipped checks of all rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleOutput {
    pub findings: Vec<Finding>,
    pub skipped: Vec<SkippedCheck>,
    /// Remarks such as "12 more ops not listed".
    pub notes: Vec<String>,
}

impl RuleOutput {
    pub fn skip(&mut self, rule: &'static str, reason: impl Into<String>) {
        self.skipped.push(SkippedCheck {
            rule,
            reason: reason.into(),
        });
    }

    /// Adds a rule's findings, worst first, capped at [`MAX_FINDINGS_PER_RULE`].
    pub fn extend_capped(&mut self, rule: &'static str, findings: Vec<Finding>) {
        let more = findings.len().saturating_sub(MAX_FINDINGS_PER_RULE);
        self.findings
            .extend(findings.into_iter().take(MAX_FINDINGS_PER_RULE));
        if more > 0 {
            self.notes
                .push(format!("{rule}: {more} more ops flagged, not listed"));
        }
    }

    /// Findings of one rule.
    pub fn of_rule<'s>(&'s self, rule: &'s str) -> impl Iterator<Item = &'s Finding> + 's {
        self.findings.iter().filter(move |f| f.rule == rule)
    }

    /// Whether any of `rules` fired (`--fail-on`).
    pub fn fired_any(&self, rules: &[String]) -> Vec<&'static str> {
        let mut fired: Vec<&'static str> = self
            .findings
            .iter()
            .filter(|f| rules.iter().any(|r| r == f.rule))
            .map(|f| f.rule)
            .collect();
        fired.dedup();
        fired
    }
}

/// Runs every rule on what the context holds, then grades each finding by its gain's share of
/// `total_us` (the run's time; rules without a gain keep their table severity).
pub fn check(ctx: &RuleCtx) -> RuleOutput {
    let mut out = RuleOutput::default();
    for rule in RULES {
        (rule.check)(ctx, &mut out);
    }
    let total_us = match (&ctx.model, &ctx.profile) {
        (Some(model), _) => model.total_us(),
        (None, Some(profile)) => profile.compute_us,
        (None, None) => 0.0,
    };
    grade(&mut out.findings, total_us);
    out
}

/// The profile rules alone, for a profile without a model analysis (`opscope profile`).
pub fn check_profile(profile: &Profile, join: Option<&Join>, ai_cores: CoreCount) -> RuleOutput {
    check(&RuleCtx {
        model: None,
        profile: Some(ProfileCtx {
            profile,
            join,
            ai_cores,
            compute_us: profile.compute_us(),
        }),
    })
}

/// Sets each finding's severity from its gain's share of `total_us`.
fn grade(findings: &mut [Finding], total_us: f64) {
    for finding in findings {
        let spec_severity = rule(finding.rule).map(|r| r.severity);
        finding.severity = match finding.gain_us {
            Some(gain) if total_us > 0.0 => Severity::of_share(gain / total_us),
            _ => spec_severity.unwrap_or(finding.severity),
        };
    }
}

/// Tasks of one op name that a rule selected, aggregated.
pub(crate) struct TaskGroup<'p> {
    pub name: &'p str,
    pub count: u64,
    pub total_us: f64,
    /// The longest selected task.
    pub longest: &'p Task,
}

/// Groups the tasks `keep` selects by op name, largest total first.
pub(crate) fn group_tasks<'p>(
    profile: &'p Profile,
    keep: impl Fn(&Task) -> bool,
) -> Vec<TaskGroup<'p>> {
    let mut index: HashMap<Sym, usize, FxBuild> = HashMap::default();
    let mut groups: Vec<TaskGroup> = Vec::new();
    for task in profile.tasks.iter().filter(|t| keep(t)) {
        match index.get(&task.name) {
            Some(&idx) => {
                let group = &mut groups[idx];
                group.count += 1;
                group.total_us += task.duration_us;
                if task.duration_us > group.longest.duration_us {
                    group.longest = task;
                }
            }
            None => {
                index.insert(task.name, groups.len());
                groups.push(TaskGroup {
                    name: profile.str(task.name),
                    count: 1,
                    total_us: task.duration_us,
                    longest: task,
                });
            }
        }
    }
    groups.sort_by(|a, b| b.total_us.total_cmp(&a.total_us).then(a.name.cmp(b.name)));
    groups
}

/// `12.3 us`, `1.23 ms` for messages.
pub(crate) fn fmt_us(us: f64) -> String {
    if us >= 10_000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} us")
    }
}

pub(crate) fn fmt_pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_kebab_case_and_documented() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for rule in RULES {
            assert!(
                rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                rule.id
            );
            assert!(
                !rule.title.is_empty() && !rule.threshold.is_empty(),
                "{}",
                rule.id
            );
        }
        // The ids of the profile rules are a public interface: they never change.
        for id in [
            "aicpu-op",
            "block-dim",
            "no-bound",
            "memory-bound",
            "dynamic-shape",
            "transdata-overhead",
        ] {
            assert!(rule(id).is_some(), "{id} is gone");
        }
    }

    #[test]
    fn every_rule_file_has_the_doc_headings() {
        let files = [
            include_str!("aicpu_op.rs"),
            include_str!("block_dim.rs"),
            include_str!("no_bound.rs"),
            include_str!("memory_bound.rs"),
            include_str!("dynamic_shape.rs"),
            include_str!("transdata_overhead.rs"),
            include_str!("aicpu_replaceable.rs"),
            include_str!("channel_alignment.rs"),
            include_str!("interp_divisibility.rs"),
            include_str!("missed_fusion.rs"),
            include_str!("transdata_avoidable.rs"),
        ];
        assert_eq!(files.len(), RULES.len(), "a rule file is missing here");
        for text in files {
            for heading in [
                "## What it flags",
                "## Why it is slow on Ascend",
                "## What to do",
                "## Evidence",
            ] {
                assert!(text.contains(heading), "missing {heading}");
            }
        }
    }

    #[test]
    fn severity_follows_the_gain_share() {
        assert_eq!(Severity::of_share(0.2), Severity::High);
        assert_eq!(Severity::of_share(0.02), Severity::Medium);
        assert_eq!(Severity::of_share(0.001), Severity::Low);
    }
}
