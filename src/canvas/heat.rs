//! The heat-map overlay: each node's measured time mapped to a colour of a perceptual sequential
//! scale (ColorBrewer YlOrRd, light yellow → dark red), on a log scale because op times span
//! several orders of magnitude. Pure: tested natively.

use std::collections::HashMap;

use opscope_engine::report::{GraphView, ViewNodeKind};

use crate::worker::protocol::{NodeStat, UnitId};

/// ColorBrewer YlOrRd, 9 classes.
const STOPS: [(u8, u8, u8); 9] = [
    (0xff, 0xff, 0xcc),
    (0xff, 0xed, 0xa0),
    (0xfe, 0xd9, 0x76),
    (0xfe, 0xb2, 0x4c),
    (0xfd, 0x8d, 0x3c),
    (0xfc, 0x4e, 0x2a),
    (0xe3, 0x1a, 0x1c),
    (0xbd, 0x00, 0x26),
    (0x80, 0x00, 0x26),
];

/// Distinct colours of the overlay, less one.
const LEVELS: f64 = 48.0;

/// Above this position on the scale the fill is dark enough for white text.
const DARK_FROM: f64 = 0.62;

/// The colour at `t` (0 to 1, clamped) as `#rrggbb`.
pub fn colour_at(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let lo = (pos.floor() as usize).min(STOPS.len() - 1);
    let hi = (lo + 1).min(STOPS.len() - 1);
    let frac = pos - lo as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * frac).round() as u8;
    let (a, b) = (STOPS[lo], STOPS[hi]);
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// The range of measured node times and its log mapping to 0..1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatScale {
    pub min_us: f64,
    pub max_us: f64,
}

impl HeatScale {
    /// Position of `us` on the scale: 0 at the fastest node, 1 at the slowest.
    pub fn position(&self, us: f64) -> f64 {
        let valid = us > 0.0 && self.max_us > self.min_us;
        if !valid {
            return 1.0;
        }
        let span = (self.max_us / self.min_us).ln();
        ((us / self.min_us).ln() / span).clamp(0.0, 1.0)
    }

    /// Values for the legend's ticks: the ends and up to three round numbers between them.
    pub fn ticks(&self) -> Vec<f64> {
        let mut ticks = vec![self.min_us];
        if self.max_us > self.min_us {
            let first = self.min_us.log10().floor() as i32 + 1;
            let last = self.max_us.log10().ceil() as i32 - 1;
            let decades: Vec<f64> = (first..=last).map(|e| 10f64.powi(e)).collect();
            let step = decades.len().div_ceil(3).max(1);
            for value in decades.into_iter().step_by(step) {
                // Keep ticks apart from the ends so labels do not collide.
                let pos = self.position(value);
                if pos > 0.12 && pos < 0.88 {
                    ticks.push(value);
                }
            }
            ticks.push(self.max_us);
        }
        ticks
    }
}

/// What the overlay draws for each node of a view.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatMap {
    /// Per view node: the fill, `None` for a node without measured time.
    pub fills: Vec<Option<String>>,
    /// Per view node: the fill is dark, so its text is white.
    pub dark: Vec<bool>,
    /// Per view node: the unit that ran most of its time.
    pub units: Vec<Option<UnitId>>,
    /// Per view node: the measured time in us.
    pub times: Vec<Option<f64>>,
    /// `None` when no node has time.
    pub scale: Option<HeatScale>,
    /// Nodes with time.
    pub n_timed: usize,
}

impl HeatMap {
    pub fn new(view: &GraphView, stats: &[NodeStat]) -> HeatMap {
        let by_name: HashMap<&str, &NodeStat> = stats
            .iter()
            .filter(|s| s.total_us > 0.0 && s.total_us.is_finite())
            .map(|s| (s.node.as_str(), s))
            .collect();
        // A folded box's time is its members' together, run mostly on the unit that took most.
        let folds: HashMap<usize, &opscope_engine::report::FoldedBox> =
            view.folds.iter().map(|f| (f.view, f)).collect();
        let stat_at = |idx: usize| -> Option<(f64, UnitId)> {
            let node = view.nodes.get(idx)?;
            match node.kind {
                ViewNodeKind::Op => by_name
                    .get(node.name.as_str())
                    .map(|s| (s.total_us, s.unit)),
                ViewNodeKind::Folded => {
                    let mut per_unit: Vec<(UnitId, f64)> = Vec::new();
                    for stat in folds
                        .get(&idx)?
                        .names
                        .iter()
                        .filter_map(|n| by_name.get(n.as_str()))
                    {
                        match per_unit.iter_mut().find(|(u, _)| *u == stat.unit) {
                            Some((_, us)) => *us += stat.total_us,
                            None => per_unit.push((stat.unit, stat.total_us)),
                        }
                    }
                    let total: f64 = per_unit.iter().map(|(_, us)| us).sum();
                    let unit = per_unit
                        .iter()
                        .rev()
                        .max_by(|a, b| a.1.total_cmp(&b.1))
                        .map(|(u, _)| *u)?;
                    Some((total, unit))
                }
                ViewNodeKind::Input | ViewNodeKind::Output => None,
            }
        };
        let stats: Vec<Option<(f64, UnitId)>> = (0..view.nodes.len()).map(stat_at).collect();
        let times: Vec<f64> = stats.iter().flatten().map(|(us, _)| *us).collect();
        let scale = (!times.is_empty()).then(|| HeatScale {
            min_us: times.iter().copied().fold(f64::INFINITY, f64::min),
            max_us: times.iter().copied().fold(0.0, f64::max),
        });
        let mut map = HeatMap {
            fills: Vec::with_capacity(view.nodes.len()),
            dark: Vec::with_capacity(view.nodes.len()),
            units: Vec::with_capacity(view.nodes.len()),
            times: Vec::with_capacity(view.nodes.len()),
            scale,
            n_timed: times.len(),
        };
        for stat in stats {
            match (stat, scale) {
                (Some((total_us, unit)), Some(scale)) => {
                    // Quantised, so far-zoom drawing batches boxes into a few fill colours.
                    let t = (scale.position(total_us) * LEVELS).round() / LEVELS;
                    map.fills.push(Some(colour_at(t)));
                    map.dark.push(t >= DARK_FROM);
                    map.units.push(Some(unit));
                    map.times.push(Some(total_us));
                }
                _ => {
                    map.fills.push(None);
                    map.dark.push(false);
                    map.units.push(None);
                    map.times.push(None);
                }
            }
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures::column_view;

    fn stat(node: &str, total_us: f64) -> NodeStat {
        NodeStat {
            node: node.into(),
            total_us,
            count: 1,
            unit: UnitId::AiCore,
            share: 0.0,
            ops: vec![node.into()],
        }
    }

    #[test]
    fn the_scale_runs_from_light_yellow_to_dark_red() {
        assert_eq!(colour_at(0.0), "#ffffcc");
        assert_eq!(colour_at(1.0), "#800026");
        assert_eq!(colour_at(2.0), "#800026");
        assert_eq!(colour_at(f64::NAN), "#ffffcc");
        assert_eq!(colour_at(0.5), "#fd8d3c");
    }

    #[test]
    fn positions_are_logarithmic() {
        let scale = HeatScale {
            min_us: 1.0,
            max_us: 100.0,
        };
        assert!((scale.position(10.0) - 0.5).abs() < 1e-12);
        assert_eq!(scale.position(1000.0), 1.0);
        assert_eq!(scale.position(0.0), 1.0);
        let flat = HeatScale {
            min_us: 5.0,
            max_us: 5.0,
        };
        assert_eq!(flat.position(5.0), 1.0);
        assert_eq!(flat.ticks(), vec![5.0]);
        assert_eq!(scale.ticks(), vec![1.0, 10.0, 100.0]);
    }

    #[test]
    fn a_folded_box_takes_its_members_time_together() {
        let mut view = column_view(3);
        view.nodes[2].kind = ViewNodeKind::Folded;
        view.nodes[2].name = "block".into();
        view.folds = vec![opscope_engine::report::FoldedBox {
            view: 2,
            kind: opscope_engine::report::FoldKind::Scope,
            key: "block".into(),
            members: vec![7, 8, 9],
            names: vec!["block/a".into(), "block/b".into(), "block/c".into()],
            op_types: vec!["Relu".into(); 3],
        }];
        let mut cpu = stat("block/b", 300.0);
        cpu.unit = UnitId::AiCpu;
        let map = HeatMap::new(&view, &[stat("relu_0", 10.0), stat("block/a", 100.0), cpu]);
        assert_eq!(map.times[2], Some(400.0));
        // The unit that took most of its time.
        assert_eq!(map.units[2], Some(UnitId::AiCpu));
        assert_eq!(map.scale.map(|s| s.max_us), Some(400.0));
        assert_eq!(map.n_timed, 2);
    }

    #[test]
    fn nodes_without_time_stay_neutral() {
        let view = column_view(3);
        let map = HeatMap::new(&view, &[stat("relu_0", 10.0), stat("relu_2", 1000.0)]);
        assert_eq!(map.n_timed, 2);
        assert_eq!(map.fills[0].as_deref(), Some("#ffffcc"));
        assert_eq!(map.fills[1], None);
        assert_eq!(map.fills[2].as_deref(), Some("#800026"));
        assert_eq!(map.dark, vec![false, false, true]);
        assert_eq!(map.units[2], Some(UnitId::AiCore));
        assert_eq!(
            map.scale,
            Some(HeatScale {
                min_us: 10.0,
                max_us: 1000.0
            })
        );
        let empty = HeatMap::new(&view, &[]);
        assert_eq!((empty.n_timed, empty.scale), (0, None));
    }
}
