//! The analysis of the shown model as the page holds it, and the findings list: findings grouped
//! by rule, the groups and the findings in them largest gain first. Pure.

use std::cmp::Ordering;

use super::{GraphHandle, Shared};
use crate::worker::protocol::{AnalysisData, FindingRow, ProfileData, UnitCheckSummary};

/// The analysis of the shown model, from the load that brought it.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisState {
    pub generation: u64,
    pub data: Shared<AnalysisData>,
}

/// How an estimate is labelled wherever it appears: `estimated (cost model, Ascend 310)`.
pub fn estimate_label(target_name: &str) -> String {
    if target_name.is_empty() {
        "estimated (cost model)".to_string()
    } else {
        format!("estimated (cost model, {target_name})")
    }
}

/// The findings of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingGroup {
    pub rule: String,
    pub title: String,
    /// Indexes into [`FindingsView::rows`], largest gain first.
    pub findings: Vec<usize>,
    /// Sum of the gains of its findings, us.
    pub total_gain_us: f64,
}

/// Everything the findings panel lists: the findings of the analysis when there is one (it runs
/// the profile rules too), else those of the profile alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingsView {
    pub rows: Vec<FindingRow>,
    /// Largest total gain first.
    pub groups: Vec<FindingGroup>,
    /// Rules that could not run: `(rule, reason)`.
    pub skipped: Vec<(String, String)>,
    pub notes: Vec<String>,
    /// The node names of `rows` belong to the model (the analysis, or a profile joined to it),
    /// not to profiled op names.
    pub names_are_nodes: bool,
    /// The knowledge base's units against the measured task types: the analysis's when a model
    /// is analysed with a profile, else the profile's own.
    pub unit_check: Option<UnitCheckSummary>,
}

impl FindingsView {
    /// Per view node of `graph`: how many findings name it (0 when the names are profiled op
    /// names rather than the model's nodes). Counts saturate.
    pub fn badges(&self, graph: &GraphHandle) -> Vec<u16> {
        let mut counts = vec![0u16; graph.view.nodes.len()];
        if !self.names_are_nodes {
            return counts;
        }
        for row in &self.rows {
            let mut named: Vec<usize> = row
                .nodes
                .iter()
                .filter_map(|name| graph.node_named(name))
                .collect();
            named.sort_unstable();
            named.dedup();
            for idx in named {
                if let Some(count) = counts.get_mut(idx) {
                    *count = count.saturating_add(1);
                }
            }
        }
        counts
    }

    /// The list for the current analysis, else the current profile.
    pub fn of(analysis: Option<&AnalysisData>, profile: Option<&ProfileData>) -> FindingsView {
        match (analysis, profile) {
            (Some(analysis), _) => FindingsView {
                unit_check: analysis
                    .unit_check
                    .clone()
                    .or_else(|| profile.and_then(|p| p.unit_check.clone())),
                ..FindingsView::new(
                    analysis.findings.clone(),
                    analysis.skipped_checks.clone(),
                    analysis.notes.clone(),
                    true,
                )
            },
            (None, Some(profile)) if !profile.estimated => FindingsView {
                unit_check: profile.unit_check.clone(),
                ..FindingsView::new(
                    profile.findings.clone(),
                    profile.skipped_checks.clone(),
                    profile.notes.clone(),
                    profile.join.is_some(),
                )
            },
            _ => FindingsView::default(),
        }
    }

    pub fn new(
        rows: Vec<FindingRow>,
        skipped: Vec<(String, String)>,
        notes: Vec<String>,
        names_are_nodes: bool,
    ) -> FindingsView {
        let mut groups: Vec<FindingGroup> = Vec::new();
        for (idx, row) in rows.iter().enumerate() {
            match groups.iter_mut().find(|g| g.rule == row.rule) {
                Some(group) => group.findings.push(idx),
                None => groups.push(FindingGroup {
                    rule: row.rule.clone(),
                    title: row.title.clone(),
                    findings: vec![idx],
                    total_gain_us: 0.0,
                }),
            }
        }
        let gain = |idx: usize| {
            rows.get(idx)
                .and_then(|r| r.gain_us)
                .filter(|g| g.is_finite())
        };
        for group in &mut groups {
            // Largest gain first; findings without a gain after those with one, in rule order.
            group
                .findings
                .sort_by(|&a, &b| by_gain(gain(a), gain(b)).then(a.cmp(&b)));
            group.total_gain_us = group.findings.iter().filter_map(|&i| gain(i)).sum();
        }
        groups.sort_by(|a, b| {
            b.total_gain_us
                .total_cmp(&a.total_gain_us)
                .then(b.findings.len().cmp(&a.findings.len()))
                .then(a.rule.cmp(&b.rule))
        });
        FindingsView {
            rows,
            groups,
            skipped,
            notes,
            names_are_nodes,
            unit_check: None,
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Descending by gain, a missing gain last.
fn by_gain(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A shared, empty findings list (the default of the state).
impl Default for Shared<FindingsView> {
    fn default() -> Shared<FindingsView> {
        Shared::new(FindingsView::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, gain_us: Option<f64>) -> FindingRow {
        FindingRow {
            rule: rule.into(),
            title: format!("title of {rule}"),
            severity: "low".into(),
            nodes: Vec::new(),
            message: String::new(),
            fix: String::new(),
            evidence: Vec::new(),
            gain_us,
        }
    }

    #[test]
    fn findings_group_by_rule_and_sort_by_gain() {
        let view = FindingsView::new(
            vec![
                finding("channel-alignment", Some(5.0)),
                finding("aicpu-replaceable", Some(40.0)),
                finding("channel-alignment", Some(30.0)),
                finding("channel-alignment", None),
                finding("dynamic-shape", None),
            ],
            Vec::new(),
            Vec::new(),
            true,
        );
        let groups: Vec<(&str, Vec<usize>, f64)> = view
            .groups
            .iter()
            .map(|g| (g.rule.as_str(), g.findings.clone(), g.total_gain_us))
            .collect();
        assert_eq!(
            groups,
            vec![
                ("aicpu-replaceable", vec![1], 40.0),
                ("channel-alignment", vec![2, 0, 3], 35.0),
                ("dynamic-shape", vec![4], 0.0),
            ]
        );
        assert_eq!(view.groups[0].title, "title of aicpu-replaceable");
        assert_eq!(view.len(), 5);
    }

    #[test]
    fn estimates_are_labelled_with_their_target() {
        assert_eq!(
            estimate_label("Ascend 310"),
            "estimated (cost model, Ascend 310)"
        );
        assert_eq!(estimate_label(""), "estimated (cost model)");
    }
}
