//! Time by op type (`#chart-op-types`): horizontal bars of the 15 op types that took the most
//! time, and one bar for all the others; each bar in the colour of the unit that ran the type.

use yew::prelude::*;

use crate::canvas::palette;
use crate::charts::type_bars;
use crate::state::{format_share, format_us, Shared};
use crate::worker::protocol::ProfileData;

#[derive(Properties, PartialEq)]
pub struct OpTypeChartProps {
    pub data: Shared<ProfileData>,
    /// `estimated (cost model, Ascend 310)` when the data is the estimate.
    pub estimate: Option<AttrValue>,
}

/// Op types with a bar of their own.
const TOP: usize = 15;
const WIDTH: f64 = 350.0;
const ROW: f64 = 19.0;
const LABEL_WIDTH: f64 = 122.0;
const VALUE_WIDTH: f64 = 96.0;
/// Characters of a label that fit `LABEL_WIDTH` at the chart's font size.
const LABEL_CHARS: usize = 17;
const OTHER_FILL: &str = "#ced4da";

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[function_component(OpTypeChart)]
pub fn op_type_chart(props: &OpTypeChartProps) -> Html {
    let bars = type_bars(&props.data.op_types, TOP);
    let height = bars.len() as f64 * ROW + 2.0;
    let bar_space = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    html! {
        <figure id="chart-op-types" class="chart chart-op-types">
            <figcaption class="chart-title">
                { "Time by op type" }
                if let Some(label) = &props.estimate {
                    <span class="estimate-label chart-estimate">{ label.clone() }</span>
                }
                if props.data.op_types.len() > TOP {
                    <span class="muted">{ format!(" (top {TOP} of {})", props.data.op_types.len()) }</span>
                }
            </figcaption>
            if bars.is_empty() {
                <p class="muted">{ "No timed ops." }</p>
            } else {
                <svg viewBox={format!("0 0 {WIDTH} {height}")} width="100%" role="img"
                    preserveAspectRatio="xMinYMin meet"
                    aria-label="Profiled time per op type">
                    { for bars.iter().enumerate().map(|(idx, bar)| {
                        let y = idx as f64 * ROW + 1.0;
                        let fill = bar.unit.map_or(OTHER_FILL, palette::unit_colour);
                        let length = (bar.length * bar_space).max(1.5);
                        let unit = bar.unit.map(|u| format!(", mostly {}", u.label())).unwrap_or_default();
                        html! {
                            <g class="type-bar" data-op-type={bar.label.clone()}>
                                <title>{ format!("{}: {} ({}){unit}", bar.label, format_us(bar.total_us), format_share(bar.share)) }</title>
                                <text x={(LABEL_WIDTH - 6.0).to_string()} y={(y + ROW / 2.0 + 0.5).to_string()}
                                    class={classes!("bar-label", bar.unit.is_none().then_some("bar-label-other"))}
                                    text-anchor="end" dominant-baseline="middle">
                                    { cut(&bar.label, LABEL_CHARS) }
                                </text>
                                <rect x={LABEL_WIDTH.to_string()} y={(y + 3.0).to_string()}
                                    width={format!("{length:.1}")} height={(ROW - 6.0).to_string()}
                                    rx="2" fill={fill} />
                                <text x={format!("{:.1}", LABEL_WIDTH + length + 5.0)}
                                    y={(y + ROW / 2.0 + 0.5).to_string()}
                                    class="bar-value" dominant-baseline="middle">
                                    { format!("{} · {}", format_us(bar.total_us), format_share(bar.share)) }
                                </text>
                            </g>
                        }
                    }) }
                </svg>
            }
        </figure>
    }
}
