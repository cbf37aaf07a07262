//! Fusion savings per pattern (`#chart-fusion-savings`): per fusion pattern, a solid bar of what
//! the groups it formed save and a dashed bar of what its near misses would save if fused (the
//! cost model's gains, as the report's `gain_us`), from the engine's
//! `report::charts::fusion_savings`, so the app and the report chart the same sums.

use opscope_engine::report::charts::{fusion_savings, TOP_PATTERNS};
use yew::prelude::*;

use super::paired_bars::{PairBar, PairLegend, PairRow, PairedBars};
use crate::state::{format_us, Shared};
use crate::worker::protocol::AnalysisData;

#[derive(Properties, PartialEq)]
pub struct FusionSavingsChartProps {
    pub analysis: Shared<AnalysisData>,
}

/// The formed groups' green and the near misses' orange (the graph's near-miss outline).
const FORMED: &str = "#2f9e44";
const MISSED: &str = "#e8590c";

/// One row per pattern (the most gain first, the rest folded into `other`).
pub fn saving_rows(analysis: &AnalysisData) -> Vec<PairRow> {
    let rows = fusion_savings(
        analysis
            .groups
            .iter()
            .map(|g| (g.pattern.as_str(), g.gain_us)),
        analysis
            .near_misses
            .iter()
            .map(|m| (m.pattern.as_str(), m.gain_us)),
        TOP_PATTERNS,
    );
    rows.into_iter()
        .map(|row| PairRow {
            summary: format!(
                "{}: {} group{} formed save {}; {} near miss{} would save up to {}",
                row.pattern,
                row.formed,
                if row.formed == 1 { "" } else { "s" },
                format_us(row.formed_us),
                row.missed,
                if row.missed == 1 { "" } else { "es" },
                format_us(row.missed_us)
            ),
            // A pattern that only formed groups, or only missed, gets one bar.
            bars: [
                (row.formed > 0).then(|| PairBar {
                    us: row.formed_us,
                    text: format!("{} formed: {}", row.formed, format_us(row.formed_us)),
                    fill: FORMED,
                    hollow: false,
                }),
                (row.missed > 0).then(|| PairBar {
                    us: row.missed_us,
                    text: format!("{} missed: up to {}", row.missed, format_us(row.missed_us)),
                    fill: MISSED,
                    hollow: true,
                }),
            ]
            .into_iter()
            .flatten()
            .collect(),
            label: row.pattern,
        })
        .collect()
}

#[function_component(FusionSavingsChart)]
pub fn fusion_savings_chart(props: &FusionSavingsChartProps) -> Html {
    let legend = vec![
        PairLegend {
            fill: FORMED,
            hollow: false,
            text: "saved by the groups formed".to_string(),
        },
        PairLegend {
            fill: MISSED,
            hollow: true,
            text: "near misses: would save if fused".to_string(),
        },
    ];
    html! {
        <PairedBars id="chart-fusion-savings" title="Fusion savings per pattern"
            estimate={Some(AttrValue::from("estimated (cost model)"))}
            aria_label="Time the fusion groups formed save and the near misses would save, per fusion pattern"
            legend={legend} rows={saving_rows(&props.analysis)}
            empty="No fusion group formed and no near miss." />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures;

    #[test]
    fn every_group_and_near_miss_is_counted_under_its_pattern() {
        let analysis = fixtures::resnet_analysis(false);
        assert!(!analysis.groups.is_empty());
        let rows = saving_rows(&analysis);
        let sum = |hollow: bool| -> f64 {
            rows.iter()
                .flat_map(|r| r.bars.iter())
                .filter(|b| b.hollow == hollow)
                .map(|b| b.us)
                .sum()
        };
        let formed = sum(false);
        let groups: f64 = analysis.groups.iter().map(|g| g.gain_us).sum();
        assert!(groups > 0.0 && (formed - groups).abs() < 1e-6 * groups);
        let missed = sum(true);
        let misses: f64 = analysis.near_misses.iter().map(|m| m.gain_us).sum();
        assert!((missed - misses).abs() < 1e-6 * misses.max(1.0));
        // No bar for what a pattern did not do.
        for row in &rows {
            assert!(!row.bars.is_empty());
            assert!(
                row.bars.iter().all(|b| !b.text.starts_with("0 ")),
                "{:?}",
                row.bars
            );
        }
        let first = &analysis.groups[0].pattern;
        let row = rows.iter().find(|r| &r.label == first).expect("its row");
        let n = analysis
            .groups
            .iter()
            .filter(|g| &g.pattern == first)
            .count();
        assert!(
            row.bars[0].text.starts_with(&format!("{n} formed: ")),
            "{}",
            row.bars[0].text
        );
    }
}
