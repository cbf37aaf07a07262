//! Calibration: how far the estimate is from a measured profile, per unit, and whether it at
//! least ranks the ops right.
//!
//! The factor of a unit is the **ratio of sums** (measured time of the unit's nodes over their
//! estimated time), not a least-squares fit in log space. Why: the report shows predicted
//! against measured per unit and the gains of findings are in µs, so the calibrated unit totals
//! should equal the measured ones, which the ratio of sums guarantees; it also weighs ops by
//! their time, so the few ops that dominate a run (where the gains are) set the factor, while a
//! log-space fit gives every 1 µs op the same say as a 10 ms convolution. The rank correlation
//! reports the other half: how well the per-op shape of the estimate holds.
//!
//! A fused kernel is compared as one item (its nodes' times summed on both sides): the profile
//! measures the kernel once, and how its time splits over its nodes is a guess on both sides.
//! Nodes without a measurement are left out.

use std::collections::HashMap;

use crate::knowledge::ExecUnit;

use super::super::units::NodeUnit;
use super::{Calibration, CostModel, UnitCalibration};

/// One compared item: a node, or a fused kernel.
struct Item {
    unit: ExecUnit,
    predicted: f64,
    measured: f64,
    nodes: usize,
}

/// Fits one factor per unit so the estimate matches the measurement, and reports the fit.
pub fn calibrate(cost: &CostModel, units: &[NodeUnit], node_us: &[Option<f64>]) -> Calibration {
    let mut items: Vec<Item> = Vec::new();
    let mut item_of_group: HashMap<usize, usize> = HashMap::new();
    for (node_id, measured) in node_us.iter().enumerate() {
        let Some(measured) = measured.filter(|m| m.is_finite() && *m >= 0.0) else {
            continue;
        };
        let Some(estimate) = cost.per_node.get(node_id) else {
            continue;
        };
        let unit = units
            .get(node_id)
            .map(|u| u.unit)
            .unwrap_or(ExecUnit::Vector);
        let predicted = if estimate.estimated_us.is_finite() {
            estimate.estimated_us
        } else {
            continue;
        };
        match estimate.group {
            Some(group) => {
                let idx = *item_of_group.entry(group).or_insert_with(|| {
                    items.push(Item {
                        unit,
                        predicted: 0.0,
                        measured: 0.0,
                        nodes: 0,
                    });
                    items.len() - 1
                });
                let item = &mut items[idx];
                item.predicted += predicted;
                item.measured += measured;
                item.nodes += 1;
            }
            None => items.push(Item {
                unit,
                predicted,
                measured,
                nodes: 1,
            }),
        }
    }
    let mut calibration = Calibration {
        nodes_compared: items.iter().map(|i| i.nodes).sum(),
        rank_correlation: rank_correlation(&items.iter().collect::<Vec<_>>()),
        ..Calibration::default()
    };
    if !item_of_group.is_empty() {
        calibration.notes.push(format!(
            "{} fused kernels were compared as one item each (their nodes' times summed)",
            item_of_group.len()
        ));
    }
    for unit in ExecUnit::ALL {
        let of_unit: Vec<&Item> = items.iter().filter(|i| i.unit == unit).collect();
        if of_unit.is_empty() {
            continue;
        }
        let predicted: f64 = of_unit.iter().map(|i| i.predicted).sum();
        let measured: f64 = of_unit.iter().map(|i| i.measured).sum();
        let nodes = of_unit.iter().map(|i| i.nodes).sum();
        if predicted <= 0.0 {
            if measured > 0.0 {
                calibration.notes.push(format!(
                    "{}: {nodes} nodes measured {measured:.1} µs but were estimated at 0 µs; no factor fitted",
                    unit.id()
                ));
            }
            continue;
        }
        calibration.factors.push(UnitCalibration {
            unit: unit.id(),
            factor: measured / predicted,
            predicted_us: predicted,
            measured_us: measured,
            nodes,
            rank_correlation: rank_correlation(&of_unit),
        });
    }
    calibration
}

fn rank_correlation(items: &[&Item]) -> Option<f64> {
    let predicted: Vec<f64> = items.iter().map(|i| i.predicted).collect();
    let measured: Vec<f64> = items.iter().map(|i| i.measured).collect();
    spearman(&predicted, &measured)
}

/// Spearman rank correlation of two equally long series, ties given their average rank;
/// `None` below two pairs, for different lengths, or when either series is constant.
pub fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    if xs.len() != ys.len() || xs.len() < 2 {
        return None;
    }
    let rx = average_ranks(xs);
    let ry = average_ranks(ys);
    let n = rx.len() as f64;
    let mean_x = rx.iter().sum::<f64>() / n;
    let mean_y = ry.iter().sum::<f64>() / n;
    let (mut cov, mut var_x, mut var_y) = (0.0, 0.0, 0.0);
    for (x, y) in rx.iter().zip(&ry) {
        cov += (x - mean_x) * (y - mean_y);
        var_x += (x - mean_x) * (x - mean_x);
        var_y += (y - mean_y) * (y - mean_y);
    }
    (var_x > 0.0 && var_y > 0.0).then(|| (cov / (var_x * var_y).sqrt()).clamp(-1.0, 1.0))
}

/// 1-based ranks, ties sharing the average of the ranks they span.
fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end hold ranks start+1..=end; their average is (start + 1 + end) / 2.
        let rank = (start + 1 + end) as f64 / 2.0;
        for &idx in &order[start..end] {
            ranks[idx] = rank;
        }
        start = end;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_their_average_rank() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 20.0, 5.0]),
            vec![2.0, 3.5, 3.5, 1.0]
        );
        assert_eq!(average_ranks(&[]), Vec::<f64>::new());
    }

    #[test]
    fn spearman_of_known_series() {
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-12);
        assert!(close(
            spearman(&[1.0, 2.0, 3.0], &[10.0, 100.0, 1000.0]),
            1.0
        ));
        assert!(close(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), -1.0));
        // Textbook case: d = (0, 0, 1, -1, 0) → 1 - 6·2 / (5·24) = 0.9.
        assert!(close(
            spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1.0, 2.0, 4.0, 3.0, 5.0]),
            0.9
        ));
        assert_eq!(spearman(&[1.0], &[2.0]), None);
        assert_eq!(spearman(&[1.0, 1.0], &[2.0, 3.0]), None);
        assert_eq!(spearman(&[1.0, 2.0], &[2.0]), None);
    }
}
