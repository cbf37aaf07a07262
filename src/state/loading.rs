//! A load in progress (what is being read or computed, for the status bar), the timings of the
//! last one, and the graph area's state as the tests read it.

use super::format::{format_bytes, format_count};
use crate::worker::protocol::{Stage, Timings};

/// What the page is fetching or the worker is computing.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadStage {
    /// The page reads the files the user chose.
    Reading,
    /// The page downloads a bundled sample.
    Fetching,
    /// The page handed the files to the worker, which has not reported a stage yet (it reads
    /// them first): watched for a hang like a stage it reported, or a worker stuck before its
    /// first word would leave the load "Reading" for ever.
    Handed {
        file_name: String,
        n_files: usize,
        n_bytes: u64,
    },
    /// A stage the worker reported (or the page expects it to start with).
    Worker(Stage),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Loading {
    pub generation: u64,
    /// What is loading: a file name, or `N files`.
    pub file_name: String,
    pub stage: LoadStage,
    pub started_ms: f64,
}

impl Loading {
    /// The status bar's progress text.
    pub fn describe(&self) -> String {
        match &self.stage {
            LoadStage::Reading | LoadStage::Handed { .. } => {
                format!("Reading {}…", self.file_name)
            }
            LoadStage::Fetching => format!("Fetching {}…", self.file_name),
            LoadStage::Worker(Stage::Parsing {
                file_name,
                n_files,
                n_bytes,
            }) => {
                if *n_files > 1 {
                    format!(
                        "Parsing {n_files} model files ({})…",
                        format_bytes(*n_bytes)
                    )
                } else {
                    format!("Parsing {file_name} ({})…", format_bytes(*n_bytes))
                }
            }
            LoadStage::Worker(Stage::ReadingProfile {
                n_files,
                n_bytes,
                done_bytes,
            }) => {
                let files = format!(
                    "{} {}, {}",
                    n_files,
                    if *n_files == 1 { "file" } else { "files" },
                    format_bytes(*n_bytes)
                );
                match read_percent(*done_bytes, *n_bytes) {
                    Some(percent) => format!("Reading the profile ({files}): {percent}%…"),
                    None => format!("Reading the profile ({files})…"),
                }
            }
            LoadStage::Worker(Stage::Layout { n_nodes }) => {
                format!("Laying out {n_nodes} nodes…")
            }
            LoadStage::Worker(Stage::Analysing {
                n_nodes,
                n_tasks,
                target,
            }) => match (*n_nodes, *n_tasks) {
                (0, n_tasks) => {
                    format!("Analysing {} profiled tasks…", format_count(n_tasks as u64))
                }
                (n_nodes, 0) => format!(
                    "Analysing {} nodes for the {target}…",
                    format_count(n_nodes as u64)
                ),
                (n_nodes, n_tasks) => format!(
                    "Analysing {} nodes for the {target} with {} profiled tasks…",
                    format_count(n_nodes as u64),
                    format_count(n_tasks as u64)
                ),
            },
        }
    }
}

/// The analysis the worker runs after sending the graph (`LoadResult::analysis_follows`): the
/// page draws the graph meanwhile and takes the analysis when it comes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PendingAnalysis {
    pub generation: u64,
    /// It is of a model newly shown (its overlay is picked when it comes).
    pub new_model: bool,
}

/// Timing of the last successful load, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadStats {
    pub timings: Timings,
    /// Page clock (ms) of the user's action.
    pub started_ms: f64,
    /// From the user's action to the result received by the page.
    pub received_ms: f64,
    /// From the user's action to the first complete draw of what it loaded.
    pub drawn_ms: Option<f64>,
    /// The load brought a model (the parse and layout timings mean something).
    pub had_model: bool,
}

/// The value of `#graph[data-graph-state]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphState {
    Empty,
    Loading,
    Drawn,
    Error,
}

impl GraphState {
    pub fn as_str(self) -> &'static str {
        match self {
            GraphState::Empty => "empty",
            GraphState::Loading => "loading",
            GraphState::Drawn => "drawn",
            GraphState::Error => "error",
        }
    }
}

/// The part of a streamed profile read so far, in whole percent; `None` before any is reported.
pub fn read_percent(done_bytes: u64, n_bytes: u64) -> Option<u64> {
    (done_bytes > 0 && n_bytes > 0).then(|| (done_bytes.min(n_bytes) * 100 / n_bytes).min(99))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loading_stages_are_described() {
        let loading = |stage| Loading {
            generation: 1,
            file_name: "3 files".into(),
            stage,
            started_ms: 0.0,
        };
        assert_eq!(
            loading(LoadStage::Worker(Stage::ReadingProfile {
                n_files: 2,
                n_bytes: 825_246,
                done_bytes: 0,
            }))
            .describe(),
            "Reading the profile (2 files, 825 kB)…"
        );
        assert_eq!(
            loading(LoadStage::Worker(Stage::ReadingProfile {
                n_files: 1,
                n_bytes: 1_000_000_000,
                done_bytes: 372_000_000,
            }))
            .describe(),
            "Reading the profile (1 file, 1.0 GB): 37%…"
        );
        let analysing = |n_nodes, n_tasks| {
            loading(LoadStage::Worker(Stage::Analysing {
                n_nodes,
                n_tasks,
                target: "Ascend 310".into(),
            }))
            .describe()
        };
        assert_eq!(analysing(0, 500_000), "Analysing 500,000 profiled tasks…");
        assert_eq!(
            analysing(12_000, 0),
            "Analysing 12,000 nodes for the Ascend 310…"
        );
        assert_eq!(
            analysing(122, 8),
            "Analysing 122 nodes for the Ascend 310 with 8 profiled tasks…"
        );
        assert_eq!(
            loading(LoadStage::Worker(Stage::Parsing {
                file_name: "a.prototxt".into(),
                n_files: 2,
                n_bytes: 2_000_000
            }))
            .describe(),
            "Parsing 2 model files (2.0 MB)…"
        );
    }
}
