//! The colour-by-unit overlay's legend (`#unit-legend`), over the graph's lower left corner: the
//! colour of each execution unit with its node count, where the units came from, and, when
//! fusion groups are drawn, what their outlines mean.

use yew::prelude::*;

use crate::canvas::palette;
use crate::canvas::units::UnitMap;
use crate::state::{format_count, Shared};
use crate::worker::protocol::ExecUnitId;

#[derive(Properties, PartialEq)]
pub struct UnitLegendProps {
    pub units: Shared<UnitMap>,
    /// `Ascend 310`.
    pub target: AttrValue,
    /// Fusion outlines are drawn.
    pub outlines: bool,
}

/// Units listed even when no node runs on them, so the legend reads the same on every model.
const ALWAYS: [ExecUnitId; 7] = [
    ExecUnitId::Cube,
    ExecUnitId::Vector,
    ExecUnitId::Mix,
    ExecUnitId::AiCpu,
    ExecUnitId::Dvpp,
    ExecUnitId::Communication,
    ExecUnitId::None,
];

#[function_component(UnitLegend)]
pub fn unit_legend(props: &UnitLegendProps) -> Html {
    let units = &props.units;
    let rows = ExecUnitId::ALL
        .into_iter()
        .filter(|unit| ALWAYS.contains(unit) || units.count(*unit) > 0)
        .map(|unit| {
            let count = units.count(unit);
            let (fill, _) = palette::exec_unit_fill(unit);
            html! {
                <li class={classes!("unit-legend-item", (count == 0).then_some("unit-legend-empty"))}
                    data-unit={unit.id()}>
                    <span class="swatch unit-swatch" style={format!("background:{fill}")}
                        aria-hidden="true">{ palette::exec_unit_glyph(unit) }</span>
                    <span class="unit-legend-label">{ unit.label() }</span>
                    <span class="unit-legend-count">{ format_count(count as u64) }</span>
                </li>
            }
        });
    let source = if units.n_measured > 0 {
        format!(
            "predicted for the {}; {} measured by the profile",
            props.target,
            format_count(units.n_measured as u64)
        )
    } else {
        format!("predicted for the {}", props.target)
    };
    html! {
        <div id="unit-legend" class="unit-legend" aria-label="Unit legend">
            <div class="unit-legend-title">{ "Execution unit" }</div>
            <ul class="unit-legend-list">{ for rows }</ul>
            <div class="unit-legend-foot">{ source }</div>
            if props.outlines {
                <div class="unit-legend-fusion">
                    <span class="fusion-key fusion-key-ub"></span>{ "UB fusion group" }
                    <span class="fusion-key fusion-key-l2"></span>{ "L2 / L1 candidate" }
                </div>
            }
        </div>
    }
}
