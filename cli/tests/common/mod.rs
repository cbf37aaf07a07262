//! What every CLI test needs: run the binary, write a temporary file, name a bundled sample.

use std::path::PathBuf;
use std::process::Command;

/// Runs `opscope` with `args`: exit code, stdout, stderr.
pub fn opscope(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_opscope"))
        .args(args)
        .output()
        .expect("the opscope binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A folder of this test process's own.
pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("opscope-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = temp_dir().join(name);
    std::fs::write(&path, bytes).expect("temp file");
    path
}

/// A bundled sample model (`www/samples/`).
#[allow(dead_code)] // each test binary compiles this module; not every one opens a sample
pub fn sample(name: &str) -> String {
    format!("{}/../www/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}
