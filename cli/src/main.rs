//! `opscope`: the engine on the command line, for people and CI pipelines.
//!
//! Exit codes: 0 success, 2 bad input or usage (one `error:` line on stderr), 1 internal failure.

mod inspect;
mod profile;

use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use opscope_engine::InputFile;

#[derive(Parser)]
#[command(
    name = "opscope",
    version,
    about = "Performance advisor for neural-network models on Ascend NPUs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Describe a model: format, node and edge counts, op types, inputs and outputs.
    Inspect(inspect::InspectArgs),
    /// Read the profiling files of an Ascend run: hotspots, time by unit, findings.
    Profile(profile::ProfileArgs),
}

/// A failure the user can fix (bad file, bad flag): printed as one `error:` line, exit code 2.
#[derive(Debug)]
pub struct UserError(pub String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Profile(args) => profile::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(UserError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Reads a file named on the command line into an engine input.
pub fn read_input(path: &Path) -> Result<InputFile, UserError> {
    let data = std::fs::read(path)
        .map_err(|err| UserError(format!("{}: cannot read the file: {err}", path.display())))?;
    Ok(InputFile::new(path.display().to_string(), data))
}
