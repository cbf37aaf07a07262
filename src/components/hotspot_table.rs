//! The hotspot table (`#hotspots`, one `tr[data-op]` per profiled op) with its filter box
//! (`#hotspot-filter`). A click on a row whose op matched graph nodes selects the node; rows
//! without a node are greyed and say why.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::data_table::{ColumnSpec, DataTable};
use crate::canvas::palette;
use crate::state::table::{Column, HotspotColumn};
use crate::state::{format_count, format_share, format_us_cell, Action, ProfileState};
use crate::worker::protocol::HotspotRow;

#[derive(Properties, PartialEq)]
pub struct HotspotTableProps {
    pub profile: ProfileState,
    /// A model is loaded and the profile is joined to it.
    pub joined: bool,
    /// Name of the selected graph node, to mark its row.
    pub selected: Option<String>,
    pub on_action: Callback<Action>,
}

fn columns() -> Rc<Vec<ColumnSpec>> {
    Rc::new(
        HotspotColumn::ALL
            .iter()
            .map(|&column| ColumnSpec {
                label: column.label(),
                title: column.title(),
                numeric: column.numeric() && column != HotspotColumn::Nodes,
                width: match column {
                    HotspotColumn::Op => "",
                    HotspotColumn::Type => "9%",
                    HotspotColumn::Unit => "138px",
                    HotspotColumn::Count => "56px",
                    HotspotColumn::Total => "92px",
                    HotspotColumn::Share => "106px",
                    HotspotColumn::Avg => "80px",
                    HotspotColumn::Max => "80px",
                    HotspotColumn::MemoryBound => "120px",
                    HotspotColumn::Nodes => "12%",
                },
            })
            .collect(),
    )
}

#[function_component(HotspotTable)]
pub fn hotspot_table(props: &HotspotTableProps) -> Html {
    let columns = (*use_memo((), |_| columns())).clone();
    let data = props.profile.data.clone();
    let view = &props.profile.hotspots;
    let sorted = HotspotColumn::ALL
        .iter()
        .position(|&c| c == view.sort.column)
        .map(|idx| (idx, view.sort.descending));
    let on_sort = props.on_action.reform(|col_idx: usize| {
        Action::SortHotspots(
            HotspotColumn::ALL
                .get(col_idx)
                .copied()
                .unwrap_or(HotspotColumn::Total),
        )
    });
    let on_filter = props.on_action.reform(|event: InputEvent| {
        let text = event
            .target_dyn_into::<HtmlInputElement>()
            .map(|input| input.value())
            .unwrap_or_default();
        Action::FilterHotspots(text)
    });
    let render_row = {
        let data = data.clone();
        let on_action = props.on_action.clone();
        let joined = props.joined;
        let selected = props.selected.clone();
        Callback::from(move |(data_idx, position): (usize, usize)| {
            match data.hotspots.get(data_idx) {
                Some(row) => view_row(row, position, joined, selected.as_deref(), &on_action),
                None => html! {},
            }
        })
    };
    // The display position of the selected node's row, to scroll it into view.
    let reveal = {
        let key = (view.rows.clone(), props.selected.clone());
        let data = data.clone();
        *use_memo(key, move |(rows, selected)| {
            let name = selected.as_deref()?;
            rows.0.iter().position(|&idx| {
                data.hotspots
                    .get(idx)
                    .is_some_and(|row| row.nodes.iter().any(|n| n == name))
            })
        })
    };
    let shown = view.rows.0.len();
    let total = data.hotspots.len();
    let count_text = if shown == total {
        format!("{} ops", format_count(total as u64))
    } else {
        format!(
            "{} of {} ops",
            format_count(shown as u64),
            format_count(total as u64)
        )
    };
    let what = if data.hotspots_by_type {
        "op types (only op_statistic was given)"
    } else {
        "ops"
    };
    html! {
        <div class="table-pane">
            <div class="table-tools">
                <input id="hotspot-filter" type="search" class="filter-input"
                    placeholder="Filter by op, type or unit"
                    aria-label="Filter hotspots by op name, op type or unit"
                    autocomplete="off"
                    value={view.filter.clone()} oninput={on_filter} />
                <span class="table-count">{ count_text }</span>
                if data.hotspots_total > total {
                    <span class="table-note" title="The worker sends at most this many rows to the page">
                        { format!("the {} largest of {} {what} are listed",
                            format_count(total as u64), format_count(data.hotspots_total as u64)) }
                    </span>
                } else if data.hotspots_by_type {
                    <span class="table-note">{ format!("rows are {what}") }</span>
                }
            </div>
            <DataTable caption="Hotspots: profiled ops by total time" id="hotspots" {columns} rows={view.rows.clone()} {sorted} {on_sort}
                {render_row} {reveal}
                empty_text={if total == 0 { "The profile holds no ops." } else { "No op matches the filter." }} />
        </div>
    }
}

fn view_row(
    row: &HotspotRow,
    position: usize,
    joined: bool,
    selected: Option<&str>,
    on_action: &Callback<Action>,
) -> Html {
    let has_node = !row.nodes.is_empty();
    let is_selected = selected.is_some_and(|name| row.nodes.iter().any(|n| n == name));
    let title = if has_node {
        format!("{}: click to show it in the graph", row.nodes.join(", "))
    } else if joined {
        "not in the model".to_string()
    } else {
        "load the model of this run to find the op in the graph".to_string()
    };
    let onclick = has_node.then(|| {
        let op = row.op.clone();
        on_action.reform(move |_: MouseEvent| Action::SelectOp(op.clone()))
    });
    let unit_style = format!("background:{}", palette::unit_colour(row.unit));
    let share_width = format!("width:{:.1}%", (row.share * 100.0).clamp(0.0, 100.0));
    let nodes = match row.nodes.as_slice() {
        [] if joined => html! { <span class="muted">{ "not in the model" }</span> },
        [] => html! { <span class="muted">{ "–" }</span> },
        [only] => html! { <code>{ only }</code> },
        [first, rest @ ..] => html! {
            <><code>{ first }</code><span class="muted">{ format!(" +{}", rest.len()) }</span></>
        },
    };
    html! {
        <tr key={row.op.clone()} data-op={row.op.clone()} {title} {onclick}
            class={classes!(
                if position % 2 == 1 { "odd" } else { "even" },
                has_node.then_some("clickable"),
                (joined && !has_node).then_some("no-node"),
                is_selected.then_some("selected"),
            )}>
            <td class="cell-op"><code title={row.op.clone()}>{ &row.op }</code></td>
            <td class="cell-text" title={row.op_type.clone()}>{ &row.op_type }</td>
            <td class="cell-text"><span class="unit-badge"><span class="swatch" style={unit_style}></span>
                { row.unit.label() }</span></td>
            <td class="num">{ format_count(row.count) }</td>
            <td class="num strong">{ format_us_cell(row.total_us) }</td>
            <td class="cell-share">
                <span class="share-bar"><span class="share-fill" style={share_width}></span></span>
                <span class="share-text">{ format_share(row.share) }</span>
            </td>
            <td class="num">{ format_us_cell(row.avg_us) }</td>
            <td class="num">{ format_us_cell(row.max_us) }</td>
            <td class={classes!("num", row.memory_bound.is_some_and(|b| b > 1.0).then_some("warn"))}>
                { row.memory_bound.map_or_else(|| "–".to_string(), |b| format!("{b:.2}")) }
            </td>
            <td class="cell-nodes">{ nodes }</td>
        </tr>
    }
}
