//! opscope web app: a Yew page that shows a model's graph and the profile of a run on it, with
//! the engine running in a Web Worker.
//!
//! - [`state`]: the app state and its reducer (pure, tested natively);
//! - [`worker`]: the worker (`agent`) and the messages it exchanges with the page (`protocol`);
//! - [`canvas`]: drawing and hit testing of the graph, the heat-map overlay (tested natively);
//! - [`charts`]: geometry of the profile charts (tested natively);
//! - [`components`]: the page, one component per file;
//! - [`export`]: the graph as SVG or PNG files, with the overlay shown;
//! - [`platform`]: the browser APIs used (clock, files, downloads, worker start).
//!
//! The crate compiles natively too (the workspace's tests run natively); only the two binaries
//! touch a browser at run time.

pub mod canvas;
pub mod charts;
pub mod components;
pub mod embed;
pub mod export;
pub mod inputs;
pub mod platform;
pub mod report_export;
pub mod search;
pub mod state;
pub mod worker;
