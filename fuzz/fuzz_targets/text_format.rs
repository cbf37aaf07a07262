//! The shared protobuf text-format reader alone (what every text importer parses with): the
//! first byte picks the schema, the rest is the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscope_engine::formats::fuzzing::read_text;
use opscope_engine::InputFile;

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    let Some((&schema, text)) = data.split_first() else {
        return;
    };
    let file = InputFile::new("model.pbtxt", text.to_vec());
    let _ = read_text(&file, usize::from(schema));
});
