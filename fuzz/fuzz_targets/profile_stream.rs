//! A profiling file streamed by pieces (`import_profile_inputs` with a `StreamedFile`, as the
//! browser and the command line read a large table) against the same bytes read whole: the same
//! profile, issues and errors, whatever the bytes and however the reads are cut. The first byte
//! picks a header row (`CSV_HEADERS`) or, past them, none (the input is the whole file: JSON,
//! UTF-16, binary); the second sets the sizes of the reads.
#![no_main]

use std::io::{self, Read};

use libfuzzer_sys::fuzz_target;
use opscope_engine::profile::{import_profile, import_profile_inputs, ProfileInput, StreamedFile};
use opscope_engine::InputFile;
use opscope_fuzz::CSV_HEADERS;

/// Gives the bytes in reads of 1 to `step` bytes, varying.
struct Pieces<'a> {
    data: &'a [u8],
    step: usize,
    turn: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.turn += 1;
        let n = (self.turn * 7 % self.step + 1).min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    let [pick, step, rest @ ..] = data else {
        return;
    };
    let (name, text) = match CSV_HEADERS.get(usize::from(*pick) % (CSV_HEADERS.len() + 1)) {
        Some((name, header)) => {
            let mut text = Vec::with_capacity(header.len() + 1 + rest.len());
            text.extend_from_slice(header.as_bytes());
            text.push(b'\n');
            text.extend_from_slice(rest);
            (*name, text)
        }
        None => ("trace_view.json", rest.to_vec()),
    };
    let whole = import_profile(&[InputFile::new(name, text.clone())]);
    let mut reader = Pieces {
        data: &text,
        step: usize::from(*step) * 64 + 1,
        turn: 0,
    };
    let streamed = import_profile_inputs(vec![ProfileInput::Streamed(StreamedFile {
        name: name.to_string(),
        limits: Default::default(),
        size: text.len() as u64,
        reader: &mut reader,
    })]);
    assert_eq!(format!("{:?}", whole.profile), format!("{:?}", streamed.profile));
    assert_eq!(format!("{:?}", whole.issues), format!("{:?}", streamed.issues));
    assert_eq!(format!("{:?}", whole.errors), format!("{:?}", streamed.errors));
});
