//! Each profiling JSON reader on its own: the first byte picks the file name (`JSON_NAMES`:
//! MindStudio exports are told apart by name), the rest is the JSON; then the profile report and
//! the join.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscope_engine::profile::import_profile;
use opscope_engine::InputFile;
use opscope_fuzz::{exercise_profile, profile_model, JSON_NAMES};

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    let name = JSON_NAMES[usize::from(pick) % JSON_NAMES.len()];
    let import = import_profile(&[InputFile::new(name, json.to_vec())]);
    exercise_profile(&import, profile_model());
});
