//! Geometry of the profile charts (a donut of time by unit, bars of time by op type) as plain
//! numbers and SVG path text; the chart components only place what this computes. Pure: tested
//! natively.

use std::f64::consts::{FRAC_PI_2, TAU};

use crate::worker::protocol::{TypeTime, UnitId};

/// One slice of a donut, as angles in radians clockwise from 12 o'clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slice {
    pub start: f64,
    pub end: f64,
}

/// Slices in proportion to `values` (negative and non-finite values count as zero).
pub fn slices(values: &[f64]) -> Vec<Slice> {
    let clean = |v: f64| if v.is_finite() && v > 0.0 { v } else { 0.0 };
    let total: f64 = values.iter().map(|&v| clean(v)).sum();
    let mut at = 0.0;
    values
        .iter()
        .map(|&v| {
            let sweep = if total > 0.0 {
                clean(v) / total * TAU
            } else {
                0.0
            };
            let slice = Slice {
                start: at,
                end: at + sweep,
            };
            at += sweep;
            slice
        })
        .collect()
}

fn point(cx: f64, cy: f64, r: f64, angle: f64) -> (f64, f64) {
    let a = angle - FRAC_PI_2;
    (cx + r * a.cos(), cy + r * a.sin())
}

/// SVG path of a donut slice centred on `(cx, cy)` between radii `inner` and `outer`. A slice
/// of the whole circle is drawn as two halves (an arc cannot start and end at one point).
pub fn donut_path(cx: f64, cy: f64, outer: f64, inner: f64, slice: Slice) -> String {
    let sweep = slice.end - slice.start;
    if sweep <= 0.0 {
        return String::new();
    }
    if sweep >= TAU - 1e-9 {
        let half = Slice {
            start: slice.start,
            end: slice.start + TAU / 2.0,
        };
        let other = Slice {
            start: slice.start + TAU / 2.0,
            end: slice.start + TAU,
        };
        return format!(
            "{} {}",
            donut_path(cx, cy, outer, inner, half),
            donut_path(cx, cy, outer, inner, other)
        );
    }
    let large = if sweep > TAU / 2.0 { 1 } else { 0 };
    let (x0, y0) = point(cx, cy, outer, slice.start);
    let (x1, y1) = point(cx, cy, outer, slice.end);
    let (x2, y2) = point(cx, cy, inner, slice.end);
    let (x3, y3) = point(cx, cy, inner, slice.start);
    format!(
        "M{x0:.2} {y0:.2}A{outer} {outer} 0 {large} 1 {x1:.2} {y1:.2}L{x2:.2} {y2:.2}A{inner} {inner} 0 {large} 0 {x3:.2} {y3:.2}Z"
    )
}

/// One bar of the op-type chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeBar {
    pub label: String,
    pub total_us: f64,
    /// Of the chart's total, 0 to 1.
    pub share: f64,
    /// Length relative to the longest bar, 0 to 1.
    pub length: f64,
    /// The unit that ran most of the type's time; `None` for the "other" bar.
    pub unit: Option<UnitId>,
    /// Op types folded into this bar (the "other" bar), else 1.
    pub n_types: usize,
}

/// The `top` largest op types (the input is sorted largest first) and one "other" bar for the
/// rest.
pub fn type_bars(types: &[TypeTime], top: usize) -> Vec<TypeBar> {
    let total: f64 = types.iter().map(|t| t.total_us.max(0.0)).sum();
    let share = |us: f64| if total > 0.0 { us / total } else { 0.0 };
    let mut bars: Vec<TypeBar> = types
        .iter()
        .take(top)
        .map(|t| TypeBar {
            label: t.op_type.clone(),
            total_us: t.total_us,
            share: share(t.total_us),
            length: 0.0,
            unit: Some(t.unit),
            n_types: 1,
        })
        .collect();
    let rest = types.get(top..).unwrap_or(&[]);
    if !rest.is_empty() {
        let rest_us: f64 = rest.iter().map(|t| t.total_us.max(0.0)).sum();
        bars.push(TypeBar {
            label: format!("other ({} types)", rest.len()),
            total_us: rest_us,
            share: share(rest_us),
            length: 0.0,
            unit: None,
            n_types: rest.len(),
        });
    }
    let longest = bars.iter().map(|b| b.total_us).fold(0.0, f64::max);
    for bar in &mut bars {
        bar.length = if longest > 0.0 {
            (bar.total_us / longest).clamp(0.0, 1.0)
        } else {
            0.0
        };
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn slices_share_the_circle() {
        let parts = slices(&[1.0, 3.0, f64::NAN, -2.0]);
        assert!(close(parts[0].start, 0.0) && close(parts[0].end, TAU / 4.0));
        assert!(close(parts[1].end, TAU));
        assert!(close(parts[2].start, parts[2].end));
        assert!(slices(&[0.0]).iter().all(|s| s.start == s.end));
    }

    #[test]
    fn donut_paths_are_closed_arcs() {
        let quarter = Slice {
            start: 0.0,
            end: TAU / 4.0,
        };
        let path = donut_path(50.0, 50.0, 40.0, 25.0, quarter);
        assert!(
            path.starts_with("M50.00 10.00A40 40 0 0 1 90.00 50.00"),
            "{path}"
        );
        assert!(path.ends_with('Z'));
        let whole = donut_path(
            50.0,
            50.0,
            40.0,
            25.0,
            Slice {
                start: 0.0,
                end: TAU,
            },
        );
        assert_eq!(whole.matches('M').count(), 2);
        assert_eq!(
            donut_path(
                0.0,
                0.0,
                1.0,
                0.5,
                Slice {
                    start: 1.0,
                    end: 1.0
                }
            ),
            ""
        );
    }

    #[test]
    fn small_types_fold_into_other() {
        let types: Vec<TypeTime> = (0..5)
            .map(|i| TypeTime {
                op_type: format!("T{i}"),
                total_us: 50.0 - 10.0 * i as f64,
                unit: UnitId::AiCore,
            })
            .collect();
        let bars = type_bars(&types, 3);
        assert_eq!(bars.len(), 4);
        assert_eq!(bars[3].label, "other (2 types)");
        assert_eq!((bars[3].total_us, bars[3].unit), (30.0, None));
        assert!(close(bars[0].length, 1.0));
        assert!(close(bars[3].share, 30.0 / 150.0));
        assert_eq!(type_bars(&types, 10).len(), 5);
        assert!(type_bars(&[], 15).is_empty());
    }
}
