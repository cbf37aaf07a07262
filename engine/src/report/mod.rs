//! Plain-data outputs of the engine, the one place that derives `Serialize` for consumers
//! outside the crate (the CLI's JSON, the worker protocol of the web app).

mod inspect;

pub use inspect::{inspect, InspectOptions, InspectReport, TensorSummary, WeightSummary};
