//! TensorFlow SavedModel, read as binary and as text (no sniffing), then shape inference.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscope_engine::formats::fuzzing::Reader;

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    opscope_fuzz::read_with(Reader::SavedModelBinary, "saved_model.pb", data);
    opscope_fuzz::read_with(Reader::SavedModelText, "saved_model.pbtxt", data);
});
