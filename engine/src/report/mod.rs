//! Plain-data outputs of the engine, the one place that derives `Serialize` for consumers
//! outside the crate (the CLI's JSON, the worker protocol of the web app).

mod graph_view;
mod inspect;

pub use graph_view::{graph_view, GraphView, ViewEdge, ViewNode, ViewNodeKind, ViewPort};
pub use inspect::{inspect, InspectOptions, InspectReport, TensorSummary, WeightSummary};
