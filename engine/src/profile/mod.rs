//! Profiling data of real Ascend runs: import, hotspots, join to the graph.
//!
//! Data flows one way: files (bytes) → [`import_profile`] → [`Profile`] → [`join`] (with an
//! [`crate::ir::Model`]). The rules that read a profile live in `crate::analysis::rules`, and
//! the report the CLI prints and the web app shows in `crate::report::profile`.
//!
//! Invariants:
//! - Bytes in, plain data out: nothing here touches the file system or a clock.
//! - Files are recognised by content (CSV header, JSON keys); the name is only a hint.
//! - Several files of one run make one profile. Task rows come from the richest source present
//!   (op_summary / kernel_details, then task_time, then the timeline or a MindStudio
//!   `timeline_ts`); the others add what they have (info.json: chip, cores, frequency; fusion_op:
//!   original ops; op_statistic and the MindStudio summaries: per-op statistics, used only when
//!   there are no task rows; MindStudio AI Core metrics: PMU ratios joined by stream and task id),
//!   and no task is counted twice.
//! - A bad row is a [`ProfileIssue`] with its line; the rows that parsed are kept. Only a file
//!   that cannot be read at all is a [`ProfileError`]. No input panics.
//! - `profile` knows the IR only through node names, the `_datadump_original_op_names`
//!   attribute and tensor shapes; it never sees a format's protobuf types.

pub mod error;
mod import;
pub mod join;
pub mod model;

pub use error::{ProfileError, ProfileIssue};
pub use join::{join, InsertedOp, Join, MatchKind, OpMatch, UnmatchedOp};
pub use model::{
    chip_name, CoreCount, CoreSample, CoreSide, DeviceInfo, FusionOp, OpAggregate, OpState,
    OpStatistic, Pipe, Pmu, Profile, Source, SourceKind, Strings, Sym, Task, Unit,
};

use std::io::Read;

use crate::formats::InputFile;
use crate::limits::Limits;

/// The result of reading the files of one run: the profile, the recoverable issues (rows or values
/// skipped, reinterpretations), and the files that could not be read at all.
#[derive(Debug, Clone)]
pub struct ProfileImport {
    pub profile: Profile,
    pub issues: Vec<ProfileIssue>,
    pub errors: Vec<ProfileError>,
}

/// Reads the profiling files of one run into one [`Profile`].
pub fn import_profile(files: &[InputFile]) -> ProfileImport {
    import_profile_inputs(files.iter().map(ProfileInput::Whole).collect())
}

/// A profiling file read by pieces, so that a table of a gigabyte is never held whole: its rows
/// are parsed as the bytes come (see [`import_profile_inputs`]).
pub struct StreamedFile<'a> {
    pub name: String,
    pub limits: Limits,
    /// The file's size in bytes, for sizing the rows read (reading ends where `reader` ends).
    pub size: u64,
    pub reader: &'a mut dyn Read,
}

/// Profiling tables at least this large are best streamed ([`StreamedFile`]) by a caller that
/// can read a file by pieces (the browser's worker, the command line); smaller ones are read
/// whole, which is as fast and holds little.
pub const STREAM_TABLES_FROM: u64 = 16 << 20;

/// How much of a file's start [`is_streamed_table`] needs to tell a table from the rest.
pub const STREAM_HEAD_BYTES: usize = 64 << 10;

/// Whether a large file whose first bytes are `head` should be streamed as a profiling CSV table
/// (see [`StreamedFile`]) rather than read whole: UTF-8 text whose first row is the header of a
/// table opscope reads.
pub fn is_streamed_table(file_name: &str, head: &[u8]) -> bool {
    import::is_streamed_table(file_name, head)
}

/// Whether the profile importers refuse a file starting with `head` as binary data, which they
/// decide from its first 4 KB of text (after a UTF-16 file is converted): see
/// [`crate::read_by_no_importer`].
pub fn refuses_as_binary(head: &[u8]) -> bool {
    let mut sink = error::IssueSink::new("");
    match import::text::decode("", head, &mut sink) {
        Ok(text) => import::text::looks_binary(&text),
        Err(_) => false,
    }
}

/// One file of a run, in memory or streamed.
pub enum ProfileInput<'a> {
    Whole(&'a InputFile),
    Streamed(StreamedFile<'a>),
}

/// Reads the files of one run, some of them streamed, into one [`Profile`]: the same profile
/// as [`import_profile`] gives for the same bytes in memory.
pub fn import_profile_inputs(inputs: Vec<ProfileInput<'_>>) -> ProfileImport {
    let mut builder = import::Builder::default();
    for input in inputs {
        match input {
            ProfileInput::Whole(file) => builder.add_file(file),
            ProfileInput::Streamed(file) => builder.add_stream(file),
        }
    }
    let (profile, issues, errors) = builder.finish();
    ProfileImport {
        profile,
        issues,
        errors,
    }
}
