//! The heat map's legend, over the graph's lower left corner: the colour scale with its
//! measured times (log scale), and the look of nodes without time.

use yew::prelude::*;

use crate::canvas::heat::{colour_at, HeatMap};
use crate::canvas::palette;
use crate::state::{format_us, Shared};

#[derive(Properties, PartialEq)]
pub struct HeatLegendProps {
    pub heat: Shared<HeatMap>,
}

#[function_component(HeatLegend)]
pub fn heat_legend(props: &HeatLegendProps) -> Html {
    let Some(scale) = props.heat.scale else {
        return html! {
            <div class="heat-legend" aria-label="Heat map legend">
                <div class="heat-legend-title">{ "Measured time" }</div>
                <div class="muted">{ "No node of this graph matched a profiled op." }</div>
            </div>
        };
    };
    let stops: Vec<String> = (0..=8)
        .map(|i| {
            let t = f64::from(i) / 8.0;
            format!("{} {:.1}%", colour_at(t), t * 100.0)
        })
        .collect();
    let gradient = format!("background:linear-gradient(to right, {})", stops.join(", "));
    let ticks = scale.ticks();
    let n_ticks = ticks.len();
    html! {
        <div class="heat-legend" aria-label="Heat map legend">
            <div class="heat-legend-title">
                { "Measured time per node" }
                <span class="muted">{ " (log scale)" }</span>
            </div>
            <div class="heat-bar" style={gradient}></div>
            <div class="heat-ticks">
                { for ticks.into_iter().enumerate().map(|(idx, value)| {
                    let pos = scale.position(value) * 100.0;
                    // The end labels hang inwards so they stay inside the legend.
                    let shift = if idx == 0 {
                        "0%"
                    } else if idx + 1 == n_ticks {
                        "-100%"
                    } else {
                        "-50%"
                    };
                    let style = format!("left:{pos:.1}%;transform:translateX({shift})");
                    html! { <span class="heat-tick" {style}>{ format_us(value) }</span> }
                }) }
            </div>
            <div class="heat-legend-foot">
                <span class="heat-none" style={format!("background:{}", palette::HEAT_NONE_FILL)}></span>
                <span>{ "no measured time" }</span>
                <span class="heat-count">{ format!("{} nodes timed", props.heat.n_timed) }</span>
            </div>
        </div>
    }
}
