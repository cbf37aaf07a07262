//! Profiling files the worker reads by pieces when a load needs them, never whole: a CSV table
//! of hundreds of MB is parsed as its bytes come from the browser's `File`, with the progress
//! reported, and is held afterwards as the `File` (a reference), not as a copy of its bytes.

use std::fmt;
use std::rc::Rc;

use opscope_engine::formats::source::{ByteSource, SourceReader};
use opscope_engine::profile::{
    import_profile_inputs, ProfileError, ProfileImport, ProfileInput, StreamedFile,
};
use opscope_engine::InputFile;

use super::super::protocol::Stage;

/// Opens a new reader of a file from its start (the `File` read again by slices).
type Open = dyn Fn() -> Result<Box<dyn ByteSource>, String>;

/// A file read by pieces: its size, and how to read it again from the start.
#[derive(Clone)]
pub struct StreamSource {
    size: u64,
    open: Rc<Open>,
}

impl StreamSource {
    pub fn new(size: u64, open: Rc<Open>) -> StreamSource {
        StreamSource { size, open }
    }

    pub fn size(&self) -> u64 {
        self.size
    }
}

impl fmt::Debug for StreamSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StreamSource({} bytes)", self.size)
    }
}

/// Two handles are equal when they read the same file (the same handle cloned).
impl PartialEq for StreamSource {
    fn eq(&self, other: &StreamSource) -> bool {
        self.size == other.size && Rc::ptr_eq(&self.open, &other.open)
    }
}

/// One profiling file of a run: its bytes, or, for a streamed one, its first bytes (what it was
/// recognised by) and the source to read it from.
#[derive(Clone)]
pub struct ProfileFile {
    pub input: InputFile,
    pub stream: Option<StreamSource>,
}

impl ProfileFile {
    pub fn name(&self) -> &str {
        &self.input.name
    }

    /// The file's size, whether it is held or streamed.
    pub fn size(&self) -> u64 {
        self.stream
            .as_ref()
            .map_or(self.input.data.len() as u64, StreamSource::size)
    }
}

/// Reports progress at most this often (in parts of the run's bytes)...
const PROGRESS_STEPS: u64 = 100;
/// ...and never for less than this many bytes read.
const PROGRESS_MIN_BYTES: u64 = 4 << 20;

/// Reads the files of one run, streaming those that have a source; `report` is told the bytes
/// read so far while a streamed file is read.
pub fn import_run(files: &[ProfileFile], report: &Rc<dyn Fn(Stage)>) -> ProfileImport {
    let n_bytes: u64 = files.iter().map(ProfileFile::size).sum();
    let n_files = files.len();
    let step = (n_bytes / PROGRESS_STEPS).max(PROGRESS_MIN_BYTES);
    let mut failed = Vec::new();
    // One reader per streamed file, each reporting the bytes of the run read so far.
    let mut readers: Vec<Option<SourceReader<'static>>> = Vec::with_capacity(files.len());
    let mut before = 0u64;
    for file in files {
        let reader = file
            .stream
            .as_ref()
            .and_then(|stream| match (stream.open)() {
                Ok(source) => {
                    let report = Rc::clone(report);
                    let mut last = 0u64;
                    let progress = move |done: u64| {
                        if done >= last + step {
                            last = done;
                            report(Stage::ReadingProfile {
                                n_files,
                                n_bytes,
                                done_bytes: before + done,
                            });
                        }
                    };
                    Some(SourceReader::new(source, Box::new(progress)))
                }
                Err(detail) => {
                    failed.push(ProfileError::Read {
                        file: file.input.name.clone(),
                        detail,
                    });
                    None
                }
            });
        before += file.size();
        readers.push(reader);
    }
    let inputs = files
        .iter()
        .zip(readers.iter_mut())
        .filter_map(|(file, reader)| match (&file.stream, reader) {
            (None, _) => Some(ProfileInput::Whole(&file.input)),
            (Some(stream), Some(reader)) => Some(ProfileInput::Streamed(StreamedFile {
                name: file.input.name.clone(),
                limits: file.input.limits,
                size: stream.size,
                reader,
            })),
            (Some(_), None) => None,
        })
        .collect();
    let mut import = import_profile_inputs(inputs);
    import.errors.extend(failed);
    import
}

/// A streamed file over bytes in memory, as the browser's `File` would be read; `opened`
/// counts the reads from its start.
#[cfg(test)]
pub fn stream_of(bytes: Vec<u8>, opened: Rc<std::cell::Cell<usize>>) -> StreamSource {
    struct Shared(Rc<Vec<u8>>);
    impl ByteSource for Shared {
        fn size(&self) -> u64 {
            self.0.len() as u64
        }
        fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
            self.0.as_slice().read_at(offset, len)
        }
    }
    let bytes = Rc::new(bytes);
    let size = bytes.len() as u64;
    StreamSource::new(
        size,
        Rc::new(move || {
            opened.set(opened.get() + 1);
            Ok(Box::new(Shared(Rc::clone(&bytes))) as Box<dyn ByteSource>)
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn table(rows: usize) -> Vec<u8> {
        let mut text =
            String::from("Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n");
        for i in 0..rows {
            text.push_str(&format!(
                "conv_{},Conv2D,AI_CORE,{},{}.5\n",
                i % 50,
                i * 10,
                i % 7 + 1
            ));
        }
        text.into_bytes()
    }

    #[test]
    fn a_streamed_file_gives_the_rows_of_the_file_in_memory_and_reports_progress() {
        let bytes = table(400_000);
        let whole = ProfileFile {
            input: InputFile::new("op_summary_0_1.csv", bytes.clone()),
            stream: None,
        };
        let streamed = ProfileFile {
            input: InputFile::new("op_summary_0_1.csv", bytes[..4096].to_vec()),
            stream: Some(stream_of(bytes.clone(), Rc::default())),
        };
        let stages = Rc::new(RefCell::new(Vec::new()));
        let seen = Rc::clone(&stages);
        let report: Rc<dyn Fn(Stage)> = Rc::new(move |stage| seen.borrow_mut().push(stage));
        let silent: Rc<dyn Fn(Stage)> = Rc::new(|_| {});
        let expected = import_run(&[whole], &silent);
        let got = import_run(&[streamed], &report);
        assert_eq!(got.profile.tasks.len(), 400_000);
        assert_eq!(
            format!("{:?}", got.profile),
            format!("{:?}", expected.profile)
        );
        let done: Vec<u64> = stages
            .borrow()
            .iter()
            .map(|stage| match stage {
                Stage::ReadingProfile {
                    done_bytes,
                    n_bytes,
                    n_files: 1,
                } if *n_bytes == bytes.len() as u64 => *done_bytes,
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(done.len() >= 2, "{done:?}");
        assert!(done.windows(2).all(|w| w[0] < w[1]), "{done:?}");
    }

    #[test]
    fn a_file_that_cannot_be_opened_again_is_an_error_naming_it() {
        let gone = ProfileFile {
            input: InputFile::new("op_summary_0_1.csv", table(3)),
            stream: Some(StreamSource::new(
                100,
                Rc::new(|| Err("NotFoundError: the file was moved".to_string())),
            )),
        };
        let silent: Rc<dyn Fn(Stage)> = Rc::new(|_| {});
        let import = import_run(&[gone], &silent);
        assert!(import.profile.tasks.is_empty());
        assert_eq!(
            import.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["op_summary_0_1.csv: the file could not be read (NotFoundError: the file was moved)"]
        );
    }
}
