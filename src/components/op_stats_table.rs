//! The op-statistics table (`#op-statistics`): per op type, from the run's op_statistic file, or
//! computed from the tasks when the run had none. Sortable and filterable like the hotspots.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::data_table::{ColumnSpec, DataTable};
use crate::canvas::palette;
use crate::state::table::{Column, OpStatColumn};
use crate::state::{format_count, format_us_cell, Action, ProfileState};
use crate::worker::protocol::OpStatRow;

#[derive(Properties, PartialEq)]
pub struct OpStatsTableProps {
    pub profile: ProfileState,
    pub on_action: Callback<Action>,
}

fn columns() -> Rc<Vec<ColumnSpec>> {
    Rc::new(
        OpStatColumn::ALL
            .iter()
            .map(|&column| ColumnSpec {
                label: column.label(),
                title: match column {
                    OpStatColumn::Type => "Op type",
                    OpStatColumn::Unit => "Core type the op type ran on",
                    OpStatColumn::Count => "Tasks of the type",
                    OpStatColumn::Total => "Total time of the type's tasks",
                    OpStatColumn::Ratio => "Share of the total time",
                    OpStatColumn::Avg => "Average task time",
                    OpStatColumn::Min => "Shortest task",
                    OpStatColumn::Max => "Longest task",
                },
                numeric: column.numeric(),
                width: match column {
                    OpStatColumn::Type => "",
                    OpStatColumn::Unit => "150px",
                    OpStatColumn::Count => "80px",
                    _ => "104px",
                },
            })
            .collect(),
    )
}

fn cell(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), format_us_cell)
}

#[function_component(OpStatsTable)]
pub fn op_stats_table(props: &OpStatsTableProps) -> Html {
    let columns = (*use_memo((), |_| columns())).clone();
    let data = props.profile.data.clone();
    let view = &props.profile.op_stats;
    let sorted = OpStatColumn::ALL
        .iter()
        .position(|&c| c == view.sort.column)
        .map(|idx| (idx, view.sort.descending));
    let on_sort = props.on_action.reform(|col_idx: usize| {
        Action::SortOpStats(
            OpStatColumn::ALL
                .get(col_idx)
                .copied()
                .unwrap_or(OpStatColumn::Total),
        )
    });
    let on_filter = props.on_action.reform(|event: InputEvent| {
        let text = event
            .target_dyn_into::<HtmlInputElement>()
            .map(|input| input.value())
            .unwrap_or_default();
        Action::FilterOpStats(text)
    });
    let render_row = {
        let data = data.clone();
        Callback::from(move |(data_idx, position): (usize, usize)| {
            match data.op_statistics.get(data_idx) {
                Some(row) => view_row(row, data_idx, position),
                None => html! {},
            }
        })
    };
    let shown = view.rows.0.len();
    let total = data.op_statistics.len();
    html! {
        <div class="table-pane">
            <div class="table-tools">
                <input id="op-statistics-filter" type="search" class="filter-input"
                    placeholder="Filter by op type or core type"
                    aria-label="Filter op statistics by op type or core type"
                    autocomplete="off"
                    value={view.filter.clone()} oninput={on_filter} />
                <span class="table-count">
                    { if shown == total {
                        format!("{} op types", format_count(total as u64))
                    } else {
                        format!("{} of {} op types", format_count(shown as u64), format_count(total as u64))
                    } }
                </span>
                <span class="table-note">
                    { if data.op_statistics_computed {
                        "computed from the profiled tasks (the run had no op_statistic file)"
                    } else {
                        "from the run's op_statistic file"
                    } }
                </span>
            </div>
            <DataTable caption="Op statistics: time per op type" id="op-statistics" {columns} rows={view.rows.clone()} {sorted} {on_sort}
                {render_row}
                empty_text={if total == 0 { "No op statistics in this profile." } else { "No op type matches the filter." }} />
        </div>
    }
}

fn view_row(row: &OpStatRow, data_idx: usize, position: usize) -> Html {
    let unit_style = format!("background:{}", palette::unit_colour(row.unit));
    let title = (row.op != row.op_type && !row.op.is_empty()).then(|| row.op.clone());
    html! {
        <tr key={data_idx} data-op-type={row.op_type.clone()} {title}
            class={if position % 2 == 1 { "odd" } else { "even" }}>
            <td class="cell-op"><code>{ &row.op_type }</code></td>
            <td class="cell-text"><span class="unit-badge"><span class="swatch" style={unit_style}></span>
                { &row.core_type }</span></td>
            <td class="num">{ format_count(row.count) }</td>
            <td class="num strong">{ cell(row.total_us) }</td>
            <td class="num">{ row.ratio_pct.map_or_else(|| "–".to_string(), |r| format!("{r:.2}%")) }</td>
            <td class="num">{ cell(row.avg_us) }</td>
            <td class="num">{ cell(row.min_us) }</td>
            <td class="num">{ cell(row.max_us) }</td>
        </tr>
    }
}
