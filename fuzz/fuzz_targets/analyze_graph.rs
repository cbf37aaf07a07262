//! Whatever graph an importer returns for the bytes (`open_model`: sniffing, import, shape
//! inference), through every later stage: analysis (units, fusion, cost, rules), reports, and
//! the views with their layout. No panic, and no endless loop in fusion or layout.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscope_engine::{open_model, InputFile};

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    let file = InputFile::new("model", data.to_vec());
    if let Ok(model) = open_model(&file) {
        // The input's length picks the target and the view options: seeds stay whole files.
        opscope_fuzz::exercise_model(&model, data.len() as u8);
    }
});
