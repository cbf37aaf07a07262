//! opscope engine: from model and profiling bytes to plain-data reports.
//!
//! Data flows one way: bytes → [`formats`] (importers) → [`ir`] graph → [`layout`] → [`report`].
//! Each stage is a module with plain-data output, and no stage reaches back. Nothing here depends
//! on a browser, a file system or a clock: callers pass bytes in and get values out, so the same
//! code runs in the Web Worker, the CLI, the tests and the benchmarks.

pub mod error;
pub mod formats;
pub mod ir;
pub mod layout;
pub mod profile;
pub mod report;
pub mod samples;
pub mod shape;

pub use error::{ImportError, Location};
pub use formats::{import_model, InputFile};
pub use report::InspectOptions;
