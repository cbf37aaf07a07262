//! `opscope`: the engine on the command line, for people and CI pipelines.
//!
//! Exit codes: 0 success, 2 bad input or usage (one `error:` line on stderr), 1 a rule named by
//! `analyze --fail-on` fired.

mod analyze;
mod inspect;
mod profile;

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{Parser, Subcommand};
use opscope_engine::ir::Model;
use opscope_engine::limits::Limits;
use opscope_engine::profile::{
    is_streamed_table, ProfileInput, StreamedFile, STREAM_HEAD_BYTES, STREAM_TABLES_FROM,
};
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
    /// Raise (or lower) a bound the readers work within, as ID=N: nodes, subgraph_depth,
    /// name_bytes, string_bytes, repeated_items, csv_rows, csv_columns. Repeatable.
    #[arg(long = "limit", value_name = "ID=N", global = true)]
    limits: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Describe a model: format, node and edge counts, op types, inputs and outputs.
    Inspect(inspect::InspectArgs),
    /// Read the profiling files of an Ascend run: hotspots, time by unit, findings.
    Profile(profile::ProfileArgs),
    /// Analyse a model for an Ascend target: execution units, fusion groups, findings with fixes
    /// and gains, estimated (or, with --profile, measured) hotspots.
    Analyze(analyze::AnalyzeArgs),
}

/// A failure the user can fix (bad file, bad flag): printed as one `error:` line, exit code 2.
#[derive(Debug)]
pub struct UserError(pub String);

/// The limits every file is read under, set once from `--limit` before any file is read.
static LIMITS: OnceLock<Limits> = OnceLock::new();

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut limits = Limits::default();
    for setting in &cli.limits {
        if let Err(err) = limits.set_from(setting) {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    }
    let _ = LIMITS.set(limits);
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Profile(args) => profile::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Analyze(args) => analyze::run(&args),
    };
    match result {
        Ok(code) => code,
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
    let limits = LIMITS.get().copied().unwrap_or_default();
    Ok(InputFile::new(path.display().to_string(), data).with_limits(limits))
}

/// Opens a model for a subcommand: import and shape inference. `weights` is a Caffe
/// `.caffemodel` to pair with a `.prototxt` net (or any companion file the formats pair).
pub fn load_model(path: &Path, weights: Option<&Path>) -> Result<Model, UserError> {
    let mut files = vec![read_input(path)?];
    if let Some(weights) = weights {
        files.push(read_input(weights)?);
    }
    let mut models = opscope_engine::open_models(&files);
    if models.len() > 1 {
        let names: Vec<String> = models.iter().map(|m| m.files.join(" + ")).collect();
        return Err(UserError(format!(
            "{} and {} are separate models ({}); --weights takes the weights of the model",
            path.display(),
            weights.map(|w| w.display().to_string()).unwrap_or_default(),
            names.join(", ")
        )));
    }
    let imported = models
        .pop()
        .ok_or_else(|| UserError(format!("{}: no model in the file", path.display())))?;
    let model = imported.result.map_err(|err| UserError(err.to_string()))?;
    for warning in &model.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(model)
}

/// Reads the profiling files of one run named on the command line. A folder is refused with a
/// hint (name its files), and the first unreadable file is the error; recoverable issues are for
/// the caller to print.
pub fn read_profile(
    paths: &[std::path::PathBuf],
) -> Result<opscope_engine::profile::ProfileImport, UserError> {
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        if path.is_dir() {
            for file in files_under(path)? {
                files.push(open_run_file(&file)?);
            }
        } else {
            files.push(open_run_file(path)?);
        }
    }
    let inputs = files
        .iter_mut()
        .map(|file| match file {
            RunFile::Whole(input) => ProfileInput::Whole(input),
            RunFile::Streamed { name, size, file } => ProfileInput::Streamed(StreamedFile {
                name: name.clone(),
                limits: LIMITS.get().copied().unwrap_or_default(),
                size: *size,
                reader: file,
            }),
        })
        .collect();
    let import = opscope_engine::profile::import_profile_inputs(inputs);
    // Files that hold no profiling data are skipped; only a run with nothing readable fails.
    if !import.errors.is_empty() && import.errors.len() >= files.len() {
        let reasons: Vec<String> = import.errors.iter().map(ToString::to_string).collect();
        return Err(UserError(format!(
            "no profiling data in the {} file{} given:\n  {}",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            reasons.join("\n  ")
        )));
    }
    if files.is_empty() {
        return Err(UserError(
            "no files in the folders given (a PROF_* folder, a device_N folder, a *_ascend_pt folder or a MindStudio export)"
                .to_string(),
        ));
    }
    for skipped in opscope_engine::report::profile::skipped_files(&import) {
        eprintln!("skipped: {}: {}", skipped.file, skipped.reason);
    }
    Ok(import)
}

/// A profiling file of a run: read whole, or a large table streamed from disk.
enum RunFile {
    Whole(InputFile),
    Streamed {
        name: String,
        size: u64,
        file: std::io::BufReader<std::fs::File>,
    },
}

/// Opens a profiling file: a large CSV table is streamed (never held whole), anything else read.
fn open_run_file(path: &Path) -> Result<RunFile, UserError> {
    let cannot =
        |err: std::io::Error| UserError(format!("{}: cannot read the file: {err}", path.display()));
    let size = std::fs::metadata(path).map_err(cannot)?.len();
    if size >= STREAM_TABLES_FROM {
        let mut file = std::fs::File::open(path).map_err(cannot)?;
        let mut head = Vec::with_capacity(STREAM_HEAD_BYTES);
        (&mut file)
            .take(STREAM_HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(cannot)?;
        let name = path.display().to_string();
        if is_streamed_table(&name, &head) {
            file.seek(SeekFrom::Start(0)).map_err(cannot)?;
            return Ok(RunFile::Streamed {
                name,
                size,
                file: std::io::BufReader::with_capacity(1 << 20, file),
            });
        }
    }
    read_input(path).map(RunFile::Whole)
}

/// Every file under `dir`, recursively, in path order (so a run reads the same way on every
/// machine); hidden files and folders (`.DS_Store`, `.git`) are left out.
fn files_under(dir: &Path) -> Result<Vec<std::path::PathBuf>, UserError> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|err| {
            UserError(format!(
                "{}: cannot read the folder: {err}",
                folder.display()
            ))
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Prints a report as pretty JSON (`--json`) or as the subcommand's text rendering.
pub fn print_report<R: serde::Serialize>(
    report: &R,
    json: bool,
    render_text: impl FnOnce(&R) -> String,
) -> Result<(), UserError> {
    let text = if json {
        serde_json::to_string_pretty(report)
            .map_err(|err| UserError(format!("cannot write JSON: {err}")))?
    } else {
        render_text(report)
    };
    print_output(&text)
}

/// Prints a report to stdout; a closed pipe (`opscope ... | head`) ends quietly.
pub fn print_output(text: &str) -> Result<(), UserError> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}") {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(UserError(format!("cannot write the report: {err}")))
        }
        _ => Ok(()),
    }
}
