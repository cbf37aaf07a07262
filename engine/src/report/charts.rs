//! The data of the two comparison charts, shared by the HTML and Markdown reports and the web
//! app (which draws the same figures from its own copy of the analysis): the cost model's
//! estimate against the measured time per execution unit, and the time fusion saves (formed
//! groups) or would save (near misses) per fusion pattern. Pure sums over rows the caller
//! hands in, so each caller keeps its own row type.

use std::collections::BTreeMap;

use super::analysis::AnalysisReport;

/// One unit of the predicted-vs-measured chart.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitComparison<K> {
    pub unit: K,
    /// Nodes assigned to the unit.
    pub nodes: usize,
    /// The cost model's estimate of those nodes, µs.
    pub estimated_us: f64,
    /// What the profile measured of them, µs; `None` without a profile.
    pub measured_us: Option<f64>,
}

impl<K> UnitComparison<K> {
    /// The longer of the two bars, µs.
    pub fn longest_us(&self) -> f64 {
        self.estimated_us.max(self.measured_us.unwrap_or(0.0))
    }

    /// Measured over estimated (how far off the cost model is), when both are there.
    pub fn ratio(&self) -> Option<f64> {
        let measured = self.measured_us?;
        (self.estimated_us > 0.0).then(|| measured / self.estimated_us)
    }
}

/// Per unit, the estimate of its nodes; when `measured` (a profile was joined), the estimate and
/// the measurement of the nodes the profile measured, so the two bars compare the same nodes (a
/// profile of part of the run does not make the estimate look high). `rows` are `(unit,
/// estimated µs, measured µs)` per node. Units with no time on either side are left out; the
/// rest come longest bar first (ties in unit order).
pub fn unit_comparison<K: Ord + Copy>(
    rows: impl IntoIterator<Item = (K, f64, Option<f64>)>,
    measured: bool,
) -> Vec<UnitComparison<K>> {
    let clean = |us: f64| if us.is_finite() && us > 0.0 { us } else { 0.0 };
    let mut by_unit: BTreeMap<K, UnitComparison<K>> = BTreeMap::new();
    for (unit, estimated_us, measured_us) in rows {
        if measured && measured_us.is_none() {
            continue;
        }
        let entry = by_unit.entry(unit).or_insert(UnitComparison {
            unit,
            nodes: 0,
            estimated_us: 0.0,
            measured_us: measured.then_some(0.0),
        });
        entry.nodes += 1;
        entry.estimated_us += clean(estimated_us);
        if let (Some(total), Some(us)) = (entry.measured_us.as_mut(), measured_us) {
            *total += clean(us);
        }
    }
    let mut units: Vec<UnitComparison<K>> = by_unit
        .into_values()
        .filter(|u| u.longest_us() > 0.0)
        .collect();
    units.sort_by(|a, b| b.longest_us().total_cmp(&a.longest_us()));
    units
}

/// One pattern of the fusion-savings chart.
#[derive(Debug, Clone, PartialEq)]
pub struct FusionSaving {
    /// The pattern as CANN names it, or `other (N patterns)` for the folded rest.
    pub pattern: String,
    /// Groups the simulation formed with it, and what they save, µs.
    pub formed: usize,
    pub formed_us: f64,
    /// Chains it almost matched, and what fusing them would save, µs.
    pub missed: usize,
    pub missed_us: f64,
}

impl FusionSaving {
    pub fn longest_us(&self) -> f64 {
        self.formed_us.max(self.missed_us)
    }
}

/// Per pattern, the gain of the groups formed and of the near misses; `formed` and `missed` are
/// `(pattern, gain µs)` per group and per near miss. The `top` patterns with the most gain come
/// first; the rest are summed into one `other` row.
pub fn fusion_savings<'a>(
    formed: impl IntoIterator<Item = (&'a str, f64)>,
    missed: impl IntoIterator<Item = (&'a str, f64)>,
    top: usize,
) -> Vec<FusionSaving> {
    let clean = |us: f64| if us.is_finite() && us > 0.0 { us } else { 0.0 };
    let mut by_pattern: BTreeMap<&str, FusionSaving> = BTreeMap::new();
    for (pattern, gain) in formed {
        let entry = by_pattern
            .entry(pattern)
            .or_insert_with(|| empty_saving(pattern));
        entry.formed += 1;
        entry.formed_us += clean(gain);
    }
    for (pattern, gain) in missed {
        let entry = by_pattern
            .entry(pattern)
            .or_insert_with(|| empty_saving(pattern));
        entry.missed += 1;
        entry.missed_us += clean(gain);
    }
    let mut rows: Vec<FusionSaving> = by_pattern.into_values().collect();
    let total = |r: &FusionSaving| r.formed_us + r.missed_us;
    rows.sort_by(|a, b| total(b).total_cmp(&total(a)));
    if rows.len() > top {
        let rest = rows.split_off(top);
        let mut other = empty_saving(&format!("other ({} patterns)", rest.len()));
        for row in rest {
            other.formed += row.formed;
            other.formed_us += row.formed_us;
            other.missed += row.missed;
            other.missed_us += row.missed_us;
        }
        rows.push(other);
    }
    rows
}

fn empty_saving(pattern: &str) -> FusionSaving {
    FusionSaving {
        pattern: pattern.to_string(),
        formed: 0,
        formed_us: 0.0,
        missed: 0,
        missed_us: 0.0,
    }
}

/// Patterns the fusion-savings chart shows; the rest are summed into one row.
pub const TOP_PATTERNS: usize = 10;

/// [`unit_comparison`] of a report's nodes (unit ids as the JSON spells them).
pub fn report_unit_comparison(report: &AnalysisReport) -> Vec<UnitComparison<&str>> {
    unit_comparison(
        report
            .per_node
            .iter()
            .map(|n| (n.unit, n.estimated_us, n.measured_us)),
        !report.estimated,
    )
}

/// [`fusion_savings`] of a report's fusion groups and near misses.
pub fn report_fusion_savings(report: &AnalysisReport) -> Vec<FusionSaving> {
    fusion_savings(
        report.fusion_groups.iter().map(|g| (g.pattern, g.gain_us)),
        report.near_misses.iter().map(|m| (m.pattern, m.gain_us)),
        TOP_PATTERNS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_sum_their_nodes_and_drop_empty_ones() {
        let rows = [
            ("cube", 10.0, Some(30.0)),
            ("vector", 4.0, None),
            ("cube", 5.0, Some(f64::NAN)),
            ("none", 0.0, None),
        ];
        // With a profile only the measured nodes are compared: the vector node is left out.
        let units = unit_comparison(rows, true);
        assert_eq!(units.len(), 1);
        let cube = &units[0];
        assert_eq!((cube.unit, cube.nodes), ("cube", 2));
        assert_eq!((cube.estimated_us, cube.measured_us), (15.0, Some(30.0)));
        assert_eq!(cube.ratio(), Some(2.0));
        let estimate = unit_comparison(rows, false);
        assert_eq!(estimate.len(), 2);
        assert_eq!(
            (estimate[1].unit, estimate[1].estimated_us),
            ("vector", 4.0)
        );
        assert!(estimate.iter().all(|u| u.measured_us.is_none()));
    }

    #[test]
    fn small_patterns_fold_into_other() {
        let formed = [("A", 5.0), ("B", 1.0), ("A", 2.0), ("C", 0.5)];
        let missed = [("B", 9.0), ("D", -1.0)];
        let rows = fusion_savings(formed, missed, 2);
        assert_eq!(rows[0].pattern, "B");
        assert_eq!(
            (rows[0].formed, rows[0].missed, rows[0].missed_us),
            (1, 1, 9.0)
        );
        assert_eq!((rows[1].pattern.as_str(), rows[1].formed_us), ("A", 7.0));
        assert_eq!(rows[2].pattern, "other (2 patterns)");
        assert_eq!(
            (rows[2].formed, rows[2].missed, rows[2].formed_us),
            (1, 1, 0.5)
        );
        assert_eq!(fusion_savings(formed, [], 10).len(), 3);
    }
}
