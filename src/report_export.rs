//! Export → Report (HTML, Markdown, JSON): the page asks the worker, which holds the model and
//! the profile, to write the report with the engine function `opscope analyze` uses, and saves
//! the file it answers. The overlay shown colours the HTML's graph picture, as `--overlay` does.

use crate::platform;
use crate::state::AppState;
use crate::worker::protocol::{FromWorker, ReportKind, ToWorker};

/// The worker's request for a report of what the page shows.
pub fn request(kind: ReportKind, state: &AppState) -> ToWorker {
    ToWorker::Report {
        generation: state.generation,
        kind,
        overlay: state.overlay_shown().id().to_string(),
        target: state.target,
    }
}

/// Saves the report of a [`FromWorker::Report`] answer: `None` for any other message, else the
/// saved file's name or why there is none.
pub fn save(msg: &FromWorker) -> Option<Result<String, String>> {
    let FromWorker::Report { outcome, .. } = msg else {
        return None;
    };
    Some(outcome.as_ref().map_err(Clone::clone).and_then(|file| {
        platform::download_text(&file.text, &file.mime, &file.name)?;
        Ok(file.name.clone())
    }))
}
