//! Ascend offline model (.om), read on its own (no sniffing), then shape inference.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscope_engine::formats::fuzzing::Reader;

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    opscope_fuzz::read_with(Reader::Om, "model.om", data);
});
