//! The "Unmatched" tab: profiled ops that matched no graph node (with the reason), and the
//! conversions GE inserted (with the edge they were placed on). Needs a model.

use std::rc::Rc;

use yew::prelude::*;

use super::data_table::{ColumnSpec, DataTable};
use crate::state::table::Rows;
use crate::state::{format_count, format_share, format_us, format_us_cell, Shared};
use crate::worker::protocol::ProfileData;

#[derive(Properties, PartialEq)]
pub struct UnmatchedTableProps {
    pub data: Shared<ProfileData>,
}

fn columns() -> Rc<Vec<ColumnSpec>> {
    let column = |label, title, numeric, width| ColumnSpec {
        label,
        title,
        numeric,
        width,
    };
    Rc::new(vec![
        column("op", "Op name as profiled", false, "28%"),
        column("type", "Op type", false, "12%"),
        column("total (us)", "Total time of the op's tasks", true, "10%"),
        column("why it matched no node", "", false, ""),
    ])
}

#[function_component(UnmatchedTable)]
pub fn unmatched_table(props: &UnmatchedTableProps) -> Html {
    let columns = (*use_memo((), |_| columns())).clone();
    let rows = {
        let n_rows = props
            .data
            .join
            .as_ref()
            .map_or(0, |join| join.unmatched.len());
        use_memo((props.data.clone(), n_rows), |(_, n_rows)| {
            Rows(Rc::new((0..*n_rows).collect()))
        })
    };
    let Some(join) = props.data.join.as_ref() else {
        return html! {
            <div class="tab-empty">
                <p>{ "No model is loaded. Drop the model of this run to match the profiled ops to its nodes;" }</p>
                <p class="muted">{ "ops that match no node are listed here, with the reason." }</p>
            </div>
        };
    };
    let unmatched_us: f64 = join.unmatched.iter().map(|u| u.total_us).sum();
    let render_row = {
        let data = props.data.clone();
        Callback::from(move |(data_idx, position): (usize, usize)| {
            let Some(row) = data.join.as_ref().and_then(|j| j.unmatched.get(data_idx)) else {
                return html! {};
            };
            html! {
                <tr key={data_idx} data-unmatched={row.op.clone()}
                    class={if position % 2 == 1 { "odd" } else { "even" }}>
                    <td class="cell-op"><code>{ &row.op }</code></td>
                    <td class="cell-text">{ &row.op_type }</td>
                    <td class="num strong">{ format_us_cell(row.total_us) }</td>
                    <td class="cell-text" title={row.reason.clone()}>{ &row.reason }</td>
                </tr>
            }
        })
    };
    let share = if props.data.total_us > 0.0 {
        unmatched_us / props.data.total_us
    } else {
        0.0
    };
    html! {
        <div class="table-pane">
            <div class="table-tools">
                <span class="table-count">
                    { format!("{} ops, {} ({} of the profile) matched no node",
                        format_count(join.unmatched.len() as u64), format_us(unmatched_us), format_share(share)) }
                </span>
                if !join.inserted.is_empty() {
                    <span class="table-note">
                        { format!("{} conversions GE inserted: {} (listed below the table)",
                            join.inserted.len(), format_us(join.inserted_us)) }
                    </span>
                }
            </div>
            <DataTable caption="Profiled ops that matched no graph node" id="unmatched" {columns} rows={(*rows).clone()} sorted={None::<(usize, bool)>}
                on_sort={Callback::noop()} {render_row}
                empty_text="Every profiled op matched a graph node." />
            if !join.inserted.is_empty() {
                <details class="inserted">
                    <summary>{ format!("Inserted conversions ({})", join.inserted.len()) }</summary>
                    <ul>
                        { for join.inserted.iter().take(500).map(|row| html! {
                            <li>
                                <code>{ &row.op }</code>
                                { format!(" {} · {} · ", row.op_type, format_us(row.total_us)) }
                                { match &row.between {
                                    Some((from, to)) => format!("between {from} and {to}"),
                                    None => row.note.clone(),
                                } }
                            </li>
                        }) }
                    </ul>
                </details>
            }
        </div>
    }
}
