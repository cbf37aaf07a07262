//! The profiling importer on a drop of up to six files (split at `FILE_BREAK`, named by position
//! as msprof and torch_npu name them), then the profile report, the join to a small GE model and
//! the analysis calibrated by the profile.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscope_engine::profile::import_profile;
use opscope_engine::InputFile;
use opscope_fuzz::{exercise_profile, profile_model, split_files, PROFILE_NAMES};

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    let files: Vec<InputFile> = split_files(data, PROFILE_NAMES.len())
        .into_iter()
        .zip(PROFILE_NAMES)
        .map(|(part, name)| InputFile::new(*name, part.to_vec()))
        .collect();
    let import = import_profile(&files);
    exercise_profile(&import, profile_model());
});
