//! The Web Worker side of the app and the messages it exchanges with the page.

pub mod agent;
pub mod analysis_data;
pub mod blob_source;
pub mod codec;
pub mod profile_data;
pub mod protocol;
pub mod reopen;
#[cfg(test)]
mod reopen_tests;
pub mod session;
