//! Files read by pieces instead of whole: a browser `File` through `Blob.slice`, a file on disk.
//! The ONNX skimmer seeks over tensor payloads with it ([`super::onnx::skim`]); the profile
//! importer streams a large CSV through [`SourceReader`], so neither holds the whole file.

use std::io::{self, Read};

/// Bytes read by position.
pub trait ByteSource {
    /// The source's size in bytes.
    fn size(&self) -> u64;
    /// The bytes from `offset`, `len` of them (fewer only at the end of the source).
    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, String>;
}

/// A source already in memory (tests, small files).
impl ByteSource for &[u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let start = usize::try_from(offset)
            .map_err(|e| e.to_string())?
            .min(self.len());
        let end = start.saturating_add(len).min(self.len());
        Ok(self[start..end].to_vec())
    }
}

/// How much [`SourceReader`] asks its source for at a time: large enough that a slice of a
/// browser `File` costs little per byte, small enough to be nothing beside the data read.
pub const READ_CHUNK: usize = 1 << 20;

/// A [`ByteSource`] read from start to end as a [`Read`], telling `progress` the bytes read so
/// far after each chunk (the worker turns it into the progress bar of a large profile).
pub struct SourceReader<'a> {
    source: Box<dyn ByteSource + 'a>,
    progress: Box<dyn FnMut(u64) + 'a>,
    chunk: Vec<u8>,
    /// Bytes of `chunk` already handed out.
    used: usize,
    /// Offset of the next chunk in the source.
    next: u64,
}

impl<'a> SourceReader<'a> {
    pub fn new(source: Box<dyn ByteSource + 'a>, progress: Box<dyn FnMut(u64) + 'a>) -> Self {
        SourceReader {
            source,
            progress,
            chunk: Vec::new(),
            used: 0,
            next: 0,
        }
    }
}

impl Read for SourceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.used == self.chunk.len() {
            if self.next >= self.source.size() {
                return Ok(0);
            }
            self.chunk = self
                .source
                .read_at(self.next, READ_CHUNK)
                .map_err(|reason| io::Error::other(format!("at byte {}: {reason}", self.next)))?;
            self.used = 0;
            if self.chunk.is_empty() {
                // The source ended before its stated size (a file changed while read).
                return Ok(0);
            }
            self.next += self.chunk.len() as u64;
            (self.progress)(self.next);
        }
        let n = buf.len().min(self.chunk.len() - self.used);
        buf[..n].copy_from_slice(&self.chunk[self.used..self.used + n]);
        self.used += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that fails past a given offset, as a `File` removed from disk would.
    struct Failing<'a>(&'a [u8], u64);

    impl ByteSource for Failing<'_> {
        fn size(&self) -> u64 {
            self.0.len() as u64
        }

        fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
            if offset >= self.1 {
                return Err("NotReadableError".to_string());
            }
            self.0.read_at(offset, len)
        }
    }

    #[test]
    fn a_reader_gives_every_byte_once_and_reports_progress_per_chunk() {
        let data: Vec<u8> = (0..(READ_CHUNK * 2 + 17))
            .map(|i| (i % 251) as u8)
            .collect();
        let source: &[u8] = &data;
        let mut seen = Vec::new();
        let mut out = Vec::new();
        SourceReader::new(Box::new(source), Box::new(|n: u64| seen.push(n)))
            .read_to_end(&mut out)
            .expect("in memory");
        assert_eq!(out, data);
        let chunk = READ_CHUNK as u64;
        assert_eq!(seen, vec![chunk, 2 * chunk, data.len() as u64]);
    }

    #[test]
    fn a_failing_source_is_an_io_error_naming_the_offset() {
        let data = vec![b'x'; READ_CHUNK + 10];
        let source = Failing(&data, READ_CHUNK as u64);
        let mut out = Vec::new();
        let err = SourceReader::new(Box::new(source), Box::new(|_: u64| {}))
            .read_to_end(&mut out)
            .expect_err("fails past the first chunk");
        assert_eq!(out.len(), READ_CHUNK);
        assert!(
            err.to_string()
                .contains(&format!("at byte {READ_CHUNK}: NotReadableError")),
            "{err}"
        );
    }
}
