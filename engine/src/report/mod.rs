//! Plain-data outputs of the engine, the one place that derives `Serialize` for consumers
//! outside the crate (the CLI's JSON, the worker protocol of the web app).

pub mod analysis;
pub mod charts;
mod document;
mod graph_list;
mod graph_view;
mod inspect;
pub mod profile;
pub mod render;
pub mod saved;

pub use document::{analysis_report_file, render_report, ReportFormat};
pub use graph_list::{graph_at, graph_list, GraphEntry, GraphKind, GraphPath};
pub use graph_view::{
    graph_view, graph_view_of, graph_view_with, layout_input_of, FoldKind, FoldedBox,
    FoldedConstant, GraphView, GraphViewOptions, NodeGroup, ScopeFolding, ViewEdge, ViewNode,
    ViewNodeKind, ViewPort, AUTO_FOLD_BOXES, AUTO_FOLD_NODES,
};
pub use inspect::{
    inspect, GraphSummary, InspectOptions, InspectReport, TensorSummary, WeightSummary,
};
