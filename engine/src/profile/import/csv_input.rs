//! The CSV reader the table importers read from, over a text in memory or a stream (a large file
//! read by slices, never held whole), with the line number of each record for messages.
//!
//! Invariants:
//! - The two forms give the same rows, issues and line numbers, except for a record that starts
//!   more than [`WINDOW_KEEP`] bytes before the end of what was read (one longer than that): a
//!   stream no longer holds its start, and its line is the line where the kept text starts.

use std::io::{self, Read};

use crate::limits::{LimitId, OverLimit};
use crate::profile::error::IssueSink;

use super::header::Header;

/// A stream keeps at least this much of the text before what the csv reader has read, to find
/// line breaks in (the reader's buffer is 64 KB, so a record starts within it)...
const WINDOW_KEEP: usize = 256 << 10;
/// ...and drops the older text once it holds this much.
const WINDOW_MAX: usize = 1 << 20;

/// The text the csv reader reads, and the line count up to a position in it.
pub(crate) struct TrackedText<'a> {
    from: From<'a>,
    /// Size of the whole text in bytes (for a stream, the size its source stated).
    size: u64,
    /// A position at or after the start of what is kept, and its 1-based line.
    pos: u64,
    line: u64,
}

enum From<'a> {
    /// The whole text in memory; `read` bytes of it handed to the csv reader.
    Whole { text: &'a [u8], read: usize },
    /// A stream; `window` holds its bytes from offset `window_start` to what was last read.
    Stream {
        reader: &'a mut dyn Read,
        window: Vec<u8>,
        window_start: u64,
    },
}

impl<'a> TrackedText<'a> {
    pub fn whole(text: &'a [u8]) -> Self {
        TrackedText {
            from: From::Whole { text, read: 0 },
            size: text.len() as u64,
            pos: 0,
            line: 1,
        }
    }

    pub fn stream(reader: &'a mut dyn Read, size: u64) -> Self {
        TrackedText {
            from: From::Stream {
                reader,
                window: Vec::new(),
                window_start: 0,
            },
            size,
            pos: 0,
            line: 1,
        }
    }

    /// The kept text and its offset in the whole.
    fn kept(&self) -> (&[u8], u64) {
        match &self.from {
            From::Whole { text, .. } => (text, 0),
            From::Stream {
                window,
                window_start,
                ..
            } => (window, *window_start),
        }
    }

    /// The 1-based line of the record starting at `byte`.
    fn line_at(&mut self, byte: u64) -> u64 {
        let (text, start) = self.kept();
        if byte < start {
            return self.line;
        }
        let mut rel = usize::try_from(byte - start)
            .unwrap_or(usize::MAX)
            .min(text.len());
        // A record's start may point at the line break that ends the previous record (the csv
        // crate's own line count is one short for CRLF files for that reason).
        while rel < text.len() && matches!(text[rel], b'\r' | b'\n') {
            rel += 1;
        }
        let pos_rel = usize::try_from(self.pos - start).unwrap_or(usize::MAX);
        if rel < pos_rel {
            match self.from {
                // Back to the start of the text: count again from there.
                From::Whole { .. } => {
                    self.pos = 0;
                    self.line = 1;
                    return self.line_at(byte);
                }
                From::Stream { .. } => return self.line,
            }
        }
        self.line += count_lines(&text[pos_rel..rel]);
        self.pos = start + rel as u64;
        self.line
    }
}

fn count_lines(text: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', text).count() as u64
}

impl Read for TrackedText<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.from {
            From::Whole { text, read } => {
                let n = buf.len().min(text.len() - *read);
                buf[..n].copy_from_slice(&text[*read..*read + n]);
                *read += n;
                Ok(n)
            }
            From::Stream {
                reader,
                window,
                window_start,
            } => {
                let n = reader.read(buf)?;
                window.extend_from_slice(&buf[..n]);
                if window.len() > WINDOW_MAX {
                    let cut = window.len() - WINDOW_KEEP;
                    let cut_at = *window_start + cut as u64;
                    if self.pos < cut_at {
                        let from = usize::try_from(self.pos - *window_start).unwrap_or(cut);
                        self.line += count_lines(&window[from.min(cut)..cut]);
                        self.pos = cut_at;
                    }
                    window.drain(..cut);
                    *window_start = cut_at;
                }
                Ok(n)
            }
        }
    }
}

/// A CSV reader positioned after the header row.
pub(crate) struct CsvInput<'a> {
    pub file: &'a str,
    pub reader: csv::Reader<TrackedText<'a>>,
    pub header: Header,
    /// Rows read so far and the most to read (limit `csv_rows`): past it the table is kept up to
    /// the limit with a note saying so.
    rows: u64,
    max_rows: u64,
}

impl<'a> CsvInput<'a> {
    pub fn new(
        file: &'a str,
        reader: csv::Reader<TrackedText<'a>>,
        header: Header,
        max_rows: u64,
    ) -> Self {
        CsvInput {
            file,
            reader,
            header,
            rows: 0,
            max_rows,
        }
    }

    /// Size of the text in bytes.
    pub fn len(&self) -> u64 {
        self.reader.get_ref().size
    }

    /// Line number of a record for messages.
    pub fn line(&mut self, record: &csv::ByteRecord) -> u64 {
        match record.position() {
            Some(pos) => self.reader.get_mut().line_at(pos.byte()),
            None => 0,
        }
    }

    /// Reads the next record; a CSV error becomes an issue and the reading goes on. Returns
    /// `false` at the end, or when the file itself could not be read further (an issue says
    /// where; the rows before are kept).
    pub fn next(&mut self, record: &mut csv::ByteRecord, sink: &mut IssueSink) -> bool {
        if self.rows >= self.max_rows {
            if self.reader.read_byte_record(record).unwrap_or(false) {
                let over = OverLimit {
                    id: LimitId::CsvRows,
                    found: self.rows + 1,
                    limit: self.max_rows,
                };
                sink.file_note(format!(
                    "read the first {} rows only: {over}",
                    self.max_rows
                ));
            }
            return false;
        }
        self.rows += 1;
        loop {
            let before = self.reader.position().byte();
            match self.reader.read_byte_record(record) {
                Ok(more) => return more,
                Err(err) => {
                    if let csv::ErrorKind::Io(io_err) = err.kind() {
                        sink.file_note(format!(
                            "the file could not be read past line {} ({io_err}); the rows before it are kept",
                            self.reader.position().line()
                        ));
                        return false;
                    }
                    let line = err.position().map(|p| p.line()).unwrap_or(0);
                    sink.row(line, None, format!("unreadable CSV row: {err}"));
                    if self.reader.position().byte() == before {
                        return false;
                    }
                }
            }
        }
    }
}
