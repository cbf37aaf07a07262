//! The loaded profile as its panel shows it: the data from the worker, the tab shown, and the
//! sort and filter of its tables (see [`super::table`]).

use std::collections::HashMap;

use super::table::{hotspot_rows, op_stat_rows, HotspotColumn, OpStatColumn, Sort, TableView};
use super::Shared;
use crate::worker::protocol::{NodeStat, ProfileData};

/// The tabs of the profile panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileTab {
    Hotspots,
    OpStatistics,
    Findings,
    Unmatched,
}

impl ProfileTab {
    pub const ALL: [ProfileTab; 4] = [
        ProfileTab::Hotspots,
        ProfileTab::OpStatistics,
        ProfileTab::Findings,
        ProfileTab::Unmatched,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ProfileTab::Hotspots => "Hotspots",
            ProfileTab::OpStatistics => "Op statistics",
            ProfileTab::Findings => "Findings",
            ProfileTab::Unmatched => "Unmatched",
        }
    }
}

/// A loaded profile and how its panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileState {
    pub generation: u64,
    pub data: Shared<ProfileData>,
    /// Index into the join's `node_stats` by node name.
    node_index: Shared<HashMap<String, usize>>,
    pub tab: ProfileTab,
    pub collapsed: bool,
    pub hotspots: TableView<HotspotColumn>,
    pub op_stats: TableView<OpStatColumn>,
}

impl ProfileState {
    /// The panel for new profile data. When the same files come back (the profile joined to
    /// another model) the tab, sort and filters the user chose are kept.
    pub fn new(
        generation: u64,
        data: ProfileData,
        previous: Option<&ProfileState>,
    ) -> ProfileState {
        let node_index = data
            .join
            .as_ref()
            .map(|join| {
                join.node_stats
                    .iter()
                    .enumerate()
                    .map(|(idx, stat)| (stat.node.clone(), idx))
                    .collect()
            })
            .unwrap_or_default();
        let same_run = previous.filter(|p| p.data.files == data.files);
        let mut state = ProfileState {
            generation,
            data: Shared::new(data),
            node_index: Shared::new(node_index),
            tab: same_run.map_or(ProfileTab::Hotspots, |p| p.tab),
            collapsed: previous.is_some_and(|p| p.collapsed),
            hotspots: TableView::new(Sort {
                column: HotspotColumn::Total,
                descending: true,
            }),
            op_stats: TableView::new(Sort {
                column: OpStatColumn::Total,
                descending: true,
            }),
        };
        if let Some(previous) = same_run {
            state.hotspots.sort = previous.hotspots.sort;
            state.hotspots.filter = previous.hotspots.filter.clone();
            state.op_stats.sort = previous.op_stats.sort;
            state.op_stats.filter = previous.op_stats.filter.clone();
        }
        state.refresh_hotspots();
        state.refresh_op_stats();
        state
    }

    pub fn refresh_hotspots(&mut self) {
        self.hotspots.rows = hotspot_rows(&self.data, self.hotspots.sort, &self.hotspots.filter);
    }

    pub fn refresh_op_stats(&mut self) {
        self.op_stats.rows = op_stat_rows(&self.data, self.op_stats.sort, &self.op_stats.filter);
    }

    /// The measured time of the node of this name, when the profile is joined.
    pub fn node_stat(&self, node: &str) -> Option<&NodeStat> {
        let idx = *self.node_index.get(node)?;
        self.data.join.as_ref()?.node_stats.get(idx)
    }
}
