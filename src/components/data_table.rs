//! A virtualised table: a sticky, sortable header and only the rows in view (plus a margin)
//! rendered, between two spacer rows that keep the scroll height of the whole list, so 100,000
//! rows scroll as smoothly as 100. Rows have a fixed height ([`ROW_HEIGHT`], matched by the CSS).
//! The caller renders each row and owns the sort; the table only reports header clicks. The row
//! renderer is a new callback on every render of the caller, so the table re-renders with it.

use std::rc::Rc;

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::state::table::Rows;

/// Height of one body row in CSS pixels (`.data-table tbody tr` in style.css).
pub const ROW_HEIGHT: f64 = 28.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 12;
/// Assumed height of the scroll area before it has been measured.
const DEFAULT_HEIGHT: f64 = 900.0;

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    pub label: &'static str,
    /// Header tooltip.
    pub title: &'static str,
    /// Right-aligned, tabular figures.
    pub numeric: bool,
    /// CSS width of the column (`8%`, `90px`); empty for the rest.
    pub width: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct DataTableProps {
    pub id: AttrValue,
    pub columns: Rc<Vec<ColumnSpec>>,
    /// Data indexes of the rows, in display order.
    pub rows: Rows,
    /// The sorted column and whether it is descending; `None` for a table without sorting.
    pub sorted: Option<(usize, bool)>,
    pub on_sort: Callback<usize>,
    /// Renders the `<tr>` of a data index; `position` is its display position.
    pub render_row: Callback<(usize, usize), Html>,
    /// Shown in place of the rows when there are none.
    pub empty_text: AttrValue,
    /// What the table lists, for screen readers (its caption, and the label of its scrolling
    /// region, which Tab reaches so the keyboard scrolls it).
    #[prop_or_default]
    pub caption: AttrValue,
    /// A display position to bring into view when it changes (the row of the selected node).
    #[prop_or_default]
    pub reveal: Option<usize>,
}

#[function_component(DataTable)]
pub fn data_table(props: &DataTableProps) -> Html {
    let scroll_ref = use_node_ref();
    // (scroll top, visible height) of the scroll area.
    let window = use_state(|| (0.0f64, DEFAULT_HEIGHT));
    let on_scroll = {
        let window = window.clone();
        Callback::from(move |event: Event| {
            if let Some(element) = event.target_dyn_into::<HtmlElement>() {
                window.set((
                    f64::from(element.scroll_top()),
                    f64::from(element.client_height()),
                ));
            }
        })
    };
    // Measure the real height once mounted (and whenever the panel was resized meanwhile).
    {
        let scroll_ref = scroll_ref.clone();
        let window = window.clone();
        use_effect(move || {
            if let Some(element) = scroll_ref.cast::<HtmlElement>() {
                let measured = (
                    f64::from(element.scroll_top()),
                    f64::from(element.client_height()),
                );
                if measured.1 > 0.0 && measured != *window {
                    window.set(measured);
                }
            }
        });
    }

    // Scroll the revealed row into view when it is outside the visible part.
    {
        let scroll_ref = scroll_ref.clone();
        use_effect_with(props.reveal, move |reveal| {
            if let (Some(position), Some(element)) = (reveal, scroll_ref.cast::<HtmlElement>()) {
                let top = f64::from(element.scroll_top());
                let height = f64::from(element.client_height());
                let row_top = *position as f64 * ROW_HEIGHT;
                // The sticky header covers the first row's height.
                if row_top < top || row_top + 2.0 * ROW_HEIGHT > top + height {
                    element.set_scroll_top((row_top - height / 3.0).max(0.0) as i32);
                }
            }
        });
    }

    let rows = &props.rows.0;
    let (scroll_top, height) = *window;
    let first = ((scroll_top / ROW_HEIGHT).floor().max(0.0) as usize).saturating_sub(OVERSCAN);
    let first = first.min(rows.len());
    let visible = (height / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
    let last = (first + visible).min(rows.len());
    let top_space = first as f64 * ROW_HEIGHT;
    let bottom_space = (rows.len() - last) as f64 * ROW_HEIGHT;
    let n_columns = props.columns.len().to_string();

    let header = props.columns.iter().enumerate().map(|(col_idx, column)| {
        let sorted_here = props.sorted.filter(|(sorted, _)| *sorted == col_idx);
        let sortable = props.sorted.is_some();
        let aria_sort = match sorted_here {
            Some((_, true)) => "descending",
            Some((_, false)) => "ascending",
            None => "none",
        };
        let indicator = match sorted_here {
            Some((_, true)) => "▼",
            Some((_, false)) => "▲",
            None => "",
        };
        let onclick = {
            let on_sort = props.on_sort.clone();
            Callback::from(move |_: MouseEvent| on_sort.emit(col_idx))
        };
        let style = (!column.width.is_empty()).then(|| format!("width:{}", column.width));
        html! {
            <th scope="col" {style} title={column.title}
                class={classes!(column.numeric.then_some("num"), sortable.then_some("sortable"),
                    sorted_here.is_some().then_some("sorted"))}
                aria-sort={aria_sort}
                onclick={sortable.then_some(onclick)}>
                if sortable {
                    // A button, so the keyboard sorts too (its click reaches the header's).
                    <button type="button" class="th-sort" title={column.title}>
                        <span class="th-label">{ column.label }</span>
                        <span class="sort-indicator" aria-hidden="true">{ indicator }</span>
                    </button>
                } else {
                    <span class="th-label">{ column.label }</span>
                    <span class="sort-indicator" aria-hidden="true">{ indicator }</span>
                }
            </th>
        }
    });

    html! {
        <div class="table-scroll" ref={scroll_ref} onscroll={on_scroll} tabindex="0"
            role="region" aria-label={props.caption.clone()}>
            <table id={props.id.clone()} class="data-table">
                <caption class="visually-hidden">{ props.caption.clone() }</caption>
                <thead><tr>{ for header }</tr></thead>
                <tbody>
                    if rows.is_empty() {
                        <tr class="empty-row">
                            <td colspan={n_columns.clone()}>{ props.empty_text.clone() }</td>
                        </tr>
                    } else {
                        <tr class="spacer" aria-hidden="true">
                            <td colspan={n_columns.clone()} style={format!("height:{top_space}px")}></td>
                        </tr>
                        { for (first..last).filter_map(|position| {
                            let data_idx = *rows.get(position)?;
                            Some(props.render_row.emit((data_idx, position)))
                        }) }
                        <tr class="spacer" aria-hidden="true">
                            <td colspan={n_columns.clone()} style={format!("height:{bottom_space}px")}></td>
                        </tr>
                    }
                </tbody>
            </table>
        </div>
    }
}
