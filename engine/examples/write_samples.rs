//! Writes the web app's bundled sample models into a folder (default `www/samples`).
//! The files are committed; a test checks they still equal what this code writes.
//!
//! `cargo run -p opscope-engine --example write_samples [-- DIR]`

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../www/samples")));
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in opscope_engine::samples::bundled() {
        let path = dir.join(name);
        std::fs::write(&path, &bytes)?;
        println!("{} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}
