//! The loaded profile (measured, or the cost model's estimate) as the panel shows it: the data
//! from the worker and the sort and filter of its tables (see [`super::table`]); and the tabs of
//! the panel.

use std::collections::HashMap;

use super::table::{hotspot_rows, op_stat_rows, HotspotColumn, OpStatColumn, Sort, TableView};
use super::Shared;
use crate::worker::protocol::{NodeStat, ProfileData};

/// The tabs of the panel under the graph. Findings is there whenever the panel is (an analysis
/// or a profile); the others need a profile, Unmatched a measured one joined to the model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PanelTab {
    #[default]
    Findings,
    Hotspots,
    OpStatistics,
    Unmatched,
}

impl PanelTab {
    pub const ALL: [PanelTab; 4] = [
        PanelTab::Findings,
        PanelTab::Hotspots,
        PanelTab::OpStatistics,
        PanelTab::Unmatched,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PanelTab::Hotspots => "Hotspots",
            PanelTab::OpStatistics => "Op statistics",
            PanelTab::Findings => "Findings",
            PanelTab::Unmatched => "Unmatched",
        }
    }

    /// The element id of its tab button (`tab-findings`).
    pub fn element_id(self) -> &'static str {
        match self {
            PanelTab::Hotspots => "tab-hotspots",
            PanelTab::OpStatistics => "tab-op-statistics",
            PanelTab::Findings => "tab-findings",
            PanelTab::Unmatched => "tab-unmatched",
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
    pub hotspots: TableView<HotspotColumn>,
    pub op_stats: TableView<OpStatColumn>,
}

impl ProfileState {
    /// The tables for new profile data. When the same run comes back ([`ProfileState::same_run`]:
    /// the profile joined to another model) the sort and filters the user chose are kept.
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
        let same_run = previous.filter(|p| p.same_run(&data));
        let mut state = ProfileState {
            generation,
            data: Shared::new(data),
            node_index: Shared::new(node_index),
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

    /// `data` is this profile again (the same files, or both the estimate), perhaps joined to
    /// another model.
    pub fn same_run(&self, data: &ProfileData) -> bool {
        self.data.files == data.files && self.data.estimated == data.estimated
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
