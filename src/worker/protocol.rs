//! The messages between the page and the Web Worker: the one serde surface of the app.
//!
//! Every message carries the generation of the load it belongs to. The page bumps the generation
//! for every new file, so a result that arrives after a newer request is recognised and dropped.

use opscope_engine::report::GraphView;
use serde::{Deserialize, Serialize};

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Import one model file and lay out its graph.
    Open {
        generation: u64,
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// Drop any unfinished work of generations up to this one.
    Cancel { generation: u64 },
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// A stage of the load has started.
    Progress { generation: u64, stage: Stage },
    /// The graph is ready to draw.
    Loaded {
        generation: u64,
        view: Box<GraphView>,
        timings: Timings,
    },
    /// The file could not be read; `message` is the engine's user-ready text.
    Failed { generation: u64, message: String },
    /// The engine panicked. The worker closes itself after sending this; the page starts a new
    /// one for the next file.
    Crashed { generation: u64, message: String },
}

impl FromWorker {
    pub fn generation(&self) -> u64 {
        match self {
            FromWorker::Progress { generation, .. }
            | FromWorker::Loaded { generation, .. }
            | FromWorker::Failed { generation, .. }
            | FromWorker::Crashed { generation, .. } => *generation,
        }
    }
}

/// What the worker is doing, for the status bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Stage {
    Parsing { file_name: String, n_bytes: u64 },
    Layout { n_nodes: usize },
}

/// Wall time of the worker's stages, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    pub parse_ms: f64,
    pub layout_ms: f64,
}
