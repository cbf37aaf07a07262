//! Time by unit (`#chart-units`): a donut in the units' colours (the same as the graph's unit
//! stripes and the tables' badges) with a legend of times and percentages.

use yew::prelude::*;

use crate::canvas::palette;
use crate::charts::{donut_path, slices};
use crate::state::{format_share, format_us, Shared};
use crate::worker::protocol::ProfileData;

#[derive(Properties, PartialEq)]
pub struct UnitChartProps {
    pub data: Shared<ProfileData>,
    /// `estimated (cost model, Ascend 310)` when the data is the estimate.
    pub estimate: Option<AttrValue>,
}

const SIZE: f64 = 112.0;
const OUTER: f64 = 54.0;
const INNER: f64 = 34.0;

#[function_component(UnitChart)]
pub fn unit_chart(props: &UnitChartProps) -> Html {
    let units = &props.data.units;
    let total: f64 = units.iter().map(|(_, us)| us.max(0.0)).sum();
    let parts = slices(&units.iter().map(|(_, us)| *us).collect::<Vec<_>>());
    let centre = SIZE / 2.0;
    html! {
        <figure id="chart-units" class="chart chart-units">
            <figcaption class="chart-title">{ "Time by unit" }
                if let Some(label) = &props.estimate {
                    <span class="estimate-label chart-estimate">{ label.clone() }</span>
                }</figcaption>
            if units.is_empty() {
                <p class="muted">{ "No timed tasks." }</p>
            } else {
                <div class="donut-row">
                    <svg class="donut" viewBox={format!("0 0 {SIZE} {SIZE}")} width={SIZE.to_string()}
                        height={SIZE.to_string()} role="img"
                        aria-label="Share of the profiled time per execution unit">
                        { for units.iter().zip(&parts).map(|((unit, us), slice)| {
                            let share = if total > 0.0 { us / total } else { 0.0 };
                            html! {
                                <path d={donut_path(centre, centre, OUTER, INNER, *slice)}
                                    fill={palette::unit_colour(*unit)} stroke-width="1">
                                    <title>{ format!("{}: {} ({})", unit.label(), format_us(*us), format_share(share)) }</title>
                                </path>
                            }
                        }) }
                        <text x={centre.to_string()} y={(centre - 3.0).to_string()} class="donut-total"
                            text-anchor="middle">{ format_us(total) }</text>
                        <text x={centre.to_string()} y={(centre + 12.0).to_string()} class="donut-caption"
                            text-anchor="middle">{ "total" }</text>
                    </svg>
                    <table class="chart-legend">
                        { for units.iter().map(|(unit, us)| {
                            let share = if total > 0.0 { us / total } else { 0.0 };
                            html! {
                                <tr data-unit={unit.id()}>
                                    <td><span class="swatch" style={format!("background:{}", palette::unit_colour(*unit))}></span></td>
                                    <td class="legend-label">{ unit.label() }</td>
                                    <td class="num">{ format_us(*us) }</td>
                                    <td class="num legend-share">{ format_share(share) }</td>
                                </tr>
                            }
                        }) }
                    </table>
                </div>
            }
        </figure>
    }
}
