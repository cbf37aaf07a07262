//! The page's components, one per file. Each takes `<Name>Props` (data plus callbacks) and
//! holds no graph algorithm; only [`app::App`] sees the reducer and the worker.

pub mod app;
pub mod drop_zone;
pub mod error_banner;
pub mod graph_canvas;
pub mod model_panel;
pub mod properties_panel;
pub mod search_box;
pub mod status_bar;
pub mod toolbar;
