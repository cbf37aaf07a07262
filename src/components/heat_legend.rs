//! The heat map's legend, over the graph's lower left corner: the colour scale with its times
//! (log scale), measured or labelled as the cost model's estimate, and the look of nodes without
//! time.

use yew::prelude::*;

use crate::canvas::heat::{colour_at, HeatMap};
use crate::state::{format_us, Shared};

#[derive(Properties, PartialEq)]
pub struct HeatLegendProps {
    pub heat: Shared<HeatMap>,
    /// `estimated (cost model, Ascend 310)` when the times are the estimate.
    pub estimate: Option<AttrValue>,
}

#[function_component(HeatLegend)]
pub fn heat_legend(props: &HeatLegendProps) -> Html {
    let what = if props.estimate.is_some() {
        "Estimated"
    } else {
        "Measured"
    };
    let estimate = props.estimate.as_ref().map(|label| {
        html! { <div class="estimate-label heat-legend-estimate">{ label.clone() }</div> }
    });
    let Some(scale) = props.heat.scale else {
        return html! {
            <div class="heat-legend" aria-label="Heat map legend">
                <div class="heat-legend-title">{ format!("{what} time") }</div>
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
                { format!("{what} time per node") }
                <span class="muted">{ " (log scale)" }</span>
            </div>
            { estimate }
            <div class="heat-bar" style={gradient}></div>
            <div class="heat-ticks">
                { for ticks.into_iter().enumerate().map(|(idx, value)| {
                    let pos = scale.position(value) * 100.0;
                    // The end labels hang inwards so they stay inside the legend; one time alone
                    // (a single timed node) sits under the middle of the bar.
                    let (pos, shift) = if n_ticks == 1 {
                        (50.0, "-50%")
                    } else if idx == 0 {
                        (pos, "0%")
                    } else if idx + 1 == n_ticks {
                        (pos, "-100%")
                    } else {
                        (pos, "-50%")
                    };
                    let style = format!("left:{pos:.1}%;transform:translateX({shift})");
                    html! { <span class="heat-tick" {style}>{ format_us(value) }</span> }
                }) }
            </div>
            <div class="heat-legend-foot">
                <span class="heat-none"></span>
                <span>{ if props.estimate.is_some() { "no estimated time" } else { "no measured time" } }</span>
                <span class="heat-count">{ format!("{} nodes timed", props.heat.n_timed) }</span>
            </div>
        </div>
    }
}
