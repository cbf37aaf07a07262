//! The page's components, one per file. Each takes `<Name>Props` (data plus callbacks) and
//! holds no graph algorithm; only [`app::App`] sees the reducer and the worker.

pub mod app;
pub mod data_table;
pub mod drop_zone;
pub mod embed_host;
pub mod error_banner;
pub mod files_panel;
pub mod findings_panel;
pub mod fusion_legend;
pub mod fusion_savings_chart;
pub mod graph_canvas;
pub mod graph_picker;
pub mod heat_legend;
pub mod hotspot_table;
pub mod kept_files;
pub mod minimap;
pub mod model_panel;
pub mod model_picker;
pub mod op_stats_table;
pub mod op_type_chart;
pub mod paired_bars;
pub mod panel_layout;
pub mod profile_panel;
pub mod properties_panel;
pub mod search_box;
pub mod selection_summary;
pub mod shortcuts_help;
pub mod splitter;
pub mod status_bar;
pub mod toolbar;
pub mod unit_chart;
pub mod unit_compare_chart;
pub mod unit_legend;
pub mod unmatched_table;
pub mod view_link;
pub mod worker_link;
