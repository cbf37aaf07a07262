//! Where the public samples (`shared/samples`) are: beside the checkout (CI, the main clone) or
//! beside the folder of worktrees. Tests over them pass quietly when they are absent.

use std::path::PathBuf;

/// `shared/samples/<sub>` when it is on this machine.
pub fn samples_dir(sub: &str) -> Option<PathBuf> {
    let engine = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["../../shared/samples", "../../../shared/samples"]
        .into_iter()
        .map(|rel| engine.join(rel).join(sub))
        .find(|dir| dir.is_dir())
}
