//! Predicted vs measured time per execution unit (`#chart-unit-compare`): per unit, a dashed bar
//! of the cost model's estimate and a solid bar of what the profile measured (only the estimate
//! without a profile), from the engine's `report::charts::unit_comparison` over the analysis'
//! nodes, so the app and the report chart the same sums.

use opscope_engine::report::charts::unit_comparison;
use yew::prelude::*;

use super::paired_bars::{PairBar, PairLegend, PairRow, PairedBars};
use crate::canvas::palette;
use crate::state::{format_us, Shared};
use crate::worker::protocol::AnalysisData;

#[derive(Properties, PartialEq)]
pub struct UnitCompareChartProps {
    pub analysis: Shared<AnalysisData>,
}

/// The estimate's legend colour (the bars take their unit's colour).
const NEUTRAL: &str = "#868e96";

/// One row per unit with time, longest bar first.
pub fn unit_rows(analysis: &AnalysisData) -> Vec<PairRow> {
    let units = unit_comparison(
        analysis
            .nodes
            .iter()
            .map(|n| (n.unit, n.estimated_us, n.measured_us)),
        !analysis.estimated,
    );
    units
        .iter()
        .map(|unit| {
            let fill = palette::exec_unit_fill(unit.unit).0;
            let label = unit.unit.label().to_string();
            let mut bars = vec![PairBar {
                us: unit.estimated_us,
                text: format!("estimated {}", format_us(unit.estimated_us)),
                fill,
                hollow: true,
            }];
            let mut summary = format!(
                "{label}: {} nodes, estimated {}",
                unit.nodes,
                format_us(unit.estimated_us)
            );
            if let Some(measured) = unit.measured_us {
                bars.push(PairBar {
                    us: measured,
                    text: format!("measured {}", format_us(measured)),
                    fill,
                    hollow: false,
                });
                summary.push_str(&format!(", measured {}", format_us(measured)));
                if let Some(ratio) = unit.ratio() {
                    summary.push_str(&format!(" ({ratio:.2}× the estimate)"));
                }
            }
            PairRow {
                label,
                bars,
                summary,
            }
        })
        .collect()
}

#[function_component(UnitCompareChart)]
pub fn unit_compare_chart(props: &UnitCompareChartProps) -> Html {
    let analysis = &props.analysis;
    let mut legend = vec![PairLegend {
        fill: NEUTRAL,
        hollow: true,
        text: if analysis.estimated {
            format!("estimated (cost model, {})", analysis.target_name)
        } else {
            format!(
                "estimated (cost model, {}), the measured nodes",
                analysis.target_name
            )
        },
    }];
    if !analysis.estimated {
        legend.push(PairLegend {
            fill: NEUTRAL,
            hollow: false,
            text: "measured (profile)".to_string(),
        });
    }
    let (title, estimate) = if analysis.estimated {
        (
            "Estimated time per unit",
            Some(AttrValue::from("no profile: nothing measured")),
        )
    } else {
        ("Predicted vs measured per unit", None)
    };
    html! {
        <PairedBars id="chart-unit-compare" title={title} {estimate}
            aria_label="The cost model's estimate and the measured time per execution unit"
            legend={legend} rows={unit_rows(analysis)} empty="No node has a time." />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures;
    use crate::worker::protocol::ExecUnitId;

    #[test]
    fn rows_carry_the_estimate_and_with_a_profile_the_measurement() {
        for with_profile in [false, true] {
            let analysis = fixtures::resnet_analysis(with_profile);
            assert_eq!(analysis.estimated, !with_profile);
            let rows = unit_rows(&analysis);
            assert!(!rows.is_empty());
            let total: f64 = rows.iter().map(|r| r.bars[0].us).sum();
            // With a profile, the estimate of the measured nodes (both bars, the same nodes).
            let nodes: f64 = analysis
                .nodes
                .iter()
                .filter(|n| !with_profile || n.measured_us.is_some())
                .map(|n| n.estimated_us)
                .sum();
            assert!(
                (total - nodes).abs() < 1e-6 * nodes.max(1.0),
                "{total} vs {nodes}"
            );
            for row in &rows {
                assert_eq!(row.bars.len(), if analysis.estimated { 1 } else { 2 });
                assert!(row.bars[0].hollow && row.bars[0].text.starts_with("estimated "));
                assert!(row.summary.starts_with(&row.label));
            }
            if with_profile {
                // The profile times the convolutions: the Cube row's measured bar is their sum.
                let cube = rows
                    .iter()
                    .find(|r| r.label == ExecUnitId::Cube.label())
                    .expect("cube");
                let measured: f64 = analysis
                    .nodes
                    .iter()
                    .filter(|n| n.unit == ExecUnitId::Cube)
                    .filter_map(|n| n.measured_us)
                    .sum();
                assert!(measured > 0.0 && (cube.bars[1].us - measured).abs() < 1e-6 * measured);
            }
        }
    }
}
