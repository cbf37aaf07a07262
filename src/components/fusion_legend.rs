//! The fusion overlay's legend, over the graph's lower left corner (where the unit and heat
//! legends go; one overlay shows at a time): what the outlines mean, with the number of UB groups,
//! L2 / L1 candidates and near misses in the graph drawn.

use yew::prelude::*;

use crate::canvas::fusion::FusionOutlines;
use crate::state::{format_count, Shared};
use crate::worker::protocol::FusionKindId;

#[derive(Properties, PartialEq)]
pub struct FusionLegendProps {
    pub outlines: Shared<FusionOutlines>,
}

#[function_component(FusionLegend)]
pub fn fusion_legend(props: &FusionLegendProps) -> Html {
    let outlines = &props.outlines;
    let count = |kind: FusionKindId| outlines.outlines.iter().filter(|o| o.kind == kind).count();
    let ub = count(FusionKindId::Ub);
    let candidates = count(FusionKindId::L2) + count(FusionKindId::L1);
    let near = outlines.near_misses.len();
    let row = |key: &'static str, label: &'static str, n: usize, id: &'static str| {
        html! {
            <li class="unit-legend-item" data-fusion={id}>
                <span class={classes!("fusion-key", key)} aria-hidden="true"></span>
                <span class="unit-legend-label">{ label }</span>
                <span class="unit-legend-count">{ format_count(n as u64) }</span>
            </li>
        }
    };
    html! {
        <div id="fusion-legend" class="unit-legend" aria-label="Fusion legend">
            <div class="unit-legend-title">{ "Fusion groups" }</div>
            <ul class="unit-legend-list fusion-legend-list">
                { row("fusion-key-ub", "UB group (one kernel)", ub, "ub") }
                { row("fusion-key-l2", "L2 / L1 candidate", candidates, "buffer") }
                { row("fusion-key-near", "Near miss", near, "near-miss") }
            </ul>
            <div class="unit-legend-foot">
                { "Members in colour, other ops dimmed; hover a near miss for why it stopped." }
            </div>
        </div>
    }
}
