//! Each profiling CSV reader on its own: the first byte picks a header row (`CSV_HEADERS`), the
//! rest of the input is the rows under it; then the profile report and the join.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscope_engine::profile::import_profile;
use opscope_engine::InputFile;
use opscope_fuzz::{exercise_profile, profile_model, CSV_HEADERS};

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    let Some((&pick, rows)) = data.split_first() else {
        return;
    };
    let (name, header) = CSV_HEADERS[usize::from(pick) % CSV_HEADERS.len()];
    let mut text = Vec::with_capacity(header.len() + 1 + rows.len());
    text.extend_from_slice(header.as_bytes());
    text.push(b'\n');
    text.extend_from_slice(rows);
    let import = import_profile(&[InputFile::new(name, text)]);
    exercise_profile(&import, profile_model());
});
