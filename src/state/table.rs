//! Sorting and filtering of the profile tables: which rows show, in which order. Pure; the
//! tables render the index list ([`TableView::rows`]) and never sort themselves.

use std::cmp::Ordering;
use std::rc::Rc;

use crate::worker::protocol::{HotspotRow, OpStatRow, ProfileData};

/// A column the user can sort by.
pub trait Column: Copy + PartialEq + std::fmt::Debug {
    /// Numbers sort largest first on the first click, text A to Z.
    fn numeric(self) -> bool;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<C> {
    pub column: C,
    pub descending: bool,
}

impl<C: Column> Sort<C> {
    /// The sort after a click on `column`: the other direction on the sorted column, else the
    /// column's natural direction.
    pub fn clicked(self, column: C) -> Sort<C> {
        if self.column == column {
            Sort {
                column,
                descending: !self.descending,
            }
        } else {
            Sort {
                column,
                descending: column.numeric(),
            }
        }
    }
}

/// Row indexes compared by identity, so a 100,000-row table is not compared row by row on every
/// render.
#[derive(Debug, Clone, Default)]
pub struct Rows(pub Rc<Vec<usize>>);

impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// One table's sort, filter and the rows they select, in display order.
#[derive(Debug, Clone, PartialEq)]
pub struct TableView<C> {
    pub sort: Sort<C>,
    pub filter: String,
    pub rows: Rows,
}

impl<C: Column> TableView<C> {
    pub fn new(sort: Sort<C>) -> TableView<C> {
        TableView {
            sort,
            filter: String::new(),
            rows: Rows::default(),
        }
    }
}

/// Lower-cased words of a filter; a row must contain every one (in any of its text columns).
pub fn filter_terms(filter: &str) -> Vec<String> {
    filter.split_whitespace().map(str::to_lowercase).collect()
}

fn matches(terms: &[String], fields: &[&str]) -> bool {
    terms.iter().all(|term| {
        fields
            .iter()
            .any(|field| field.to_lowercase().contains(term.as_str()))
    })
}

/// Missing numbers sort last in both directions.
fn cmp_opt(a: Option<f64>, b: Option<f64>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => {
            let ord = a.total_cmp(&b);
            if descending {
                ord.reverse()
            } else {
                ord
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Case-insensitive (ASCII) without allocating: a 100,000-row sort compares 1.7 million times.
fn cmp_text(a: &str, b: &str, descending: bool) -> Ordering {
    let ord = a
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.chars().map(|c| c.to_ascii_lowercase()));
    if descending {
        ord.reverse()
    } else {
        ord
    }
}

/// Sorted, filtered row indexes; ties keep the data's order (largest total first).
fn select<T>(
    items: &[T],
    filter: &str,
    fields: impl Fn(&T) -> Vec<&str>,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> Rows {
    let terms = filter_terms(filter);
    let mut rows: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| terms.is_empty() || matches(&terms, &fields(item)))
        .map(|(idx, _)| idx)
        .collect();
    rows.sort_by(|&a, &b| cmp(&items[a], &items[b]).then(a.cmp(&b)));
    Rows(Rc::new(rows))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HotspotColumn {
    Op,
    Type,
    Unit,
    Count,
    Total,
    Share,
    Avg,
    Max,
    MemoryBound,
    Nodes,
}

impl HotspotColumn {
    pub const ALL: [HotspotColumn; 10] = [
        HotspotColumn::Op,
        HotspotColumn::Type,
        HotspotColumn::Unit,
        HotspotColumn::Count,
        HotspotColumn::Total,
        HotspotColumn::Share,
        HotspotColumn::Avg,
        HotspotColumn::Max,
        HotspotColumn::MemoryBound,
        HotspotColumn::Nodes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            HotspotColumn::Op => "op",
            HotspotColumn::Type => "type",
            HotspotColumn::Unit => "unit",
            HotspotColumn::Count => "count",
            HotspotColumn::Total => "total (us)",
            HotspotColumn::Share => "share",
            HotspotColumn::Avg => "avg (us)",
            HotspotColumn::Max => "max (us)",
            HotspotColumn::MemoryBound => "memory-bound",
            HotspotColumn::Nodes => "nodes",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            HotspotColumn::Op => "Op name as profiled",
            HotspotColumn::Type => "Op type",
            HotspotColumn::Unit => "The unit that ran most of the op's time",
            HotspotColumn::Count => "Tasks (kernel launches)",
            HotspotColumn::Total => "Total time of the op's tasks",
            HotspotColumn::Share => "Share of the total profiled time",
            HotspotColumn::Avg => "Average task time",
            HotspotColumn::Max => "Longest task",
            HotspotColumn::MemoryBound => {
                "Time-weighted mte2 / max(mac, vec); above 1 the op waits on global memory"
            }
            HotspotColumn::Nodes => "Graph nodes the op matched",
        }
    }
}

impl Column for HotspotColumn {
    fn numeric(self) -> bool {
        !matches!(
            self,
            HotspotColumn::Op | HotspotColumn::Type | HotspotColumn::Unit
        )
    }
}

/// The hotspot rows to show: filtered by op, type and unit, sorted by `sort`.
pub fn hotspot_rows(data: &ProfileData, sort: Sort<HotspotColumn>, filter: &str) -> Rows {
    let descending = sort.descending;
    select(
        &data.hotspots,
        filter,
        |h: &HotspotRow| vec![&h.op, &h.op_type, h.unit.label(), h.unit.id()],
        |a: &HotspotRow, b: &HotspotRow| match sort.column {
            HotspotColumn::Op => cmp_text(&a.op, &b.op, descending),
            HotspotColumn::Type => cmp_text(&a.op_type, &b.op_type, descending),
            HotspotColumn::Unit => cmp_text(a.unit.label(), b.unit.label(), descending),
            HotspotColumn::Count => cmp_opt(Some(a.count as f64), Some(b.count as f64), descending),
            HotspotColumn::Total | HotspotColumn::Share => {
                cmp_opt(Some(a.total_us), Some(b.total_us), descending)
            }
            HotspotColumn::Avg => cmp_opt(Some(a.avg_us), Some(b.avg_us), descending),
            HotspotColumn::Max => cmp_opt(Some(a.max_us), Some(b.max_us), descending),
            HotspotColumn::MemoryBound => cmp_opt(a.memory_bound, b.memory_bound, descending),
            HotspotColumn::Nodes => cmp_opt(
                Some(a.nodes.len() as f64),
                Some(b.nodes.len() as f64),
                descending,
            ),
        },
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpStatColumn {
    Type,
    Unit,
    Count,
    Total,
    Ratio,
    Avg,
    Min,
    Max,
}

impl OpStatColumn {
    pub const ALL: [OpStatColumn; 8] = [
        OpStatColumn::Type,
        OpStatColumn::Unit,
        OpStatColumn::Count,
        OpStatColumn::Total,
        OpStatColumn::Ratio,
        OpStatColumn::Avg,
        OpStatColumn::Min,
        OpStatColumn::Max,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OpStatColumn::Type => "op type",
            OpStatColumn::Unit => "core type",
            OpStatColumn::Count => "count",
            OpStatColumn::Total => "total (us)",
            OpStatColumn::Ratio => "ratio",
            OpStatColumn::Avg => "avg (us)",
            OpStatColumn::Min => "min (us)",
            OpStatColumn::Max => "max (us)",
        }
    }
}

impl Column for OpStatColumn {
    fn numeric(self) -> bool {
        !matches!(self, OpStatColumn::Type | OpStatColumn::Unit)
    }
}

/// The op-statistics rows to show: filtered by op, type and core type, sorted by `sort`.
pub fn op_stat_rows(data: &ProfileData, sort: Sort<OpStatColumn>, filter: &str) -> Rows {
    let descending = sort.descending;
    select(
        &data.op_statistics,
        filter,
        |s: &OpStatRow| vec![&s.op, &s.op_type, &s.core_type, s.unit.label()],
        |a: &OpStatRow, b: &OpStatRow| match sort.column {
            OpStatColumn::Type => cmp_text(&a.op_type, &b.op_type, descending),
            OpStatColumn::Unit => cmp_text(&a.core_type, &b.core_type, descending),
            OpStatColumn::Count => cmp_opt(Some(a.count as f64), Some(b.count as f64), descending),
            OpStatColumn::Total => cmp_opt(a.total_us, b.total_us, descending),
            OpStatColumn::Ratio => cmp_opt(a.ratio_pct, b.ratio_pct, descending),
            OpStatColumn::Avg => cmp_opt(a.avg_us, b.avg_us, descending),
            OpStatColumn::Min => cmp_opt(a.min_us, b.min_us, descending),
            OpStatColumn::Max => cmp_opt(a.max_us, b.max_us, descending),
        },
    )
}
