//! Findings from a profile: one file per rule, one row per rule in [`RULES`].
//!
//! Each rule file has a doc header (What it flags / Why it is slow on Ascend / What to do /
//! Evidence, including where its threshold comes from), one struct with the data of a finding,
//! and one `check` function. The driver [`check`] runs every rule; a rule that cannot run (no
//! core count, no PMU columns) says so in [`SkippedCheck`] instead of guessing.

mod aicpu_op;
mod block_dim;
mod dynamic_shape;
mod memory_bound;
mod no_bound;
mod transdata_overhead;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::ir::fx_hash::FxBuild;
use crate::profile::join::Join;
use crate::profile::model::{CoreCount, Profile, Sym, Task};

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

/// One finding: the rule, where (graph node names when a model is joined, else op names), what
/// was seen, what to do, and the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
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

/// One row of the rule table.
pub struct RuleSpec {
    /// Stable id (kebab-case), used in JSON and docs.
    pub id: &'static str,
    pub title: &'static str,
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
];

/// At most this many findings per rule (worst first); the rest are counted in a note.
pub const MAX_FINDINGS_PER_RULE: usize = 20;

/// What the rules read.
pub struct RuleCtx<'a> {
    pub profile: &'a Profile,
    pub join: Option<&'a Join>,
    pub ai_cores: CoreCount,
    /// Compute time ([`Profile::compute_us`]): shares in findings are of this, since
    /// communication and copies often overlap with compute and would dilute them.
    pub compute_us: f64,
}

impl RuleCtx<'_> {
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
    fn extend_capped(&mut self, rule: &'static str, findings: Vec<Finding>) {
        let more = findings.len().saturating_sub(MAX_FINDINGS_PER_RULE);
        self.findings
            .extend(findings.into_iter().take(MAX_FINDINGS_PER_RULE));
        if more > 0 {
            self.notes
                .push(format!("{rule}: {more} more ops flagged, not listed"));
        }
    }
}

/// Runs every rule.
pub fn check(profile: &Profile, join: Option<&Join>, ai_cores: CoreCount) -> RuleOutput {
    let ctx = RuleCtx {
        profile,
        join,
        ai_cores,
        compute_us: profile.compute_us(),
    };
    let mut out = RuleOutput::default();
    for rule in RULES {
        (rule.check)(&ctx, &mut out);
    }
    out
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
        assert_eq!(
            RULES.iter().map(|r| r.id).collect::<Vec<_>>(),
            [
                "aicpu-op",
                "block-dim",
                "no-bound",
                "memory-bound",
                "dynamic-shape",
                "transdata-overhead"
            ]
        );
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
        ];
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
}
