//! The one entry point: bytes sniffed and read by whichever importer claims them, then shape
//! inference (`open_model`); and several files dropped together (`open_models`, which pairs
//! Caffe nets with their weights) when the input holds `FILE_BREAK`s.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscope_engine::{classify_file, open_model, open_models, InputFile};
use opscope_fuzz::{named, split_files, FILE_BREAK};

/// Names whose extensions each importer lists (sniffing breaks ties with them).
const NAMES: &[&str] = &[
    "model.onnx",
    "graph.pb",
    "graph.pbtxt",
    "saved_model.pb",
    "net.prototxt",
    "net.caffemodel",
    "ge_proto_Build.txt",
    "model.json",
    "model.om",
    "model",
];

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    let file = named(NAMES, data);
    let _ = classify_file(&file);
    let _ = open_model(&file);
    if data.windows(FILE_BREAK.len()).any(|w| w == FILE_BREAK) {
        let files: Vec<InputFile> = split_files(data, 4)
            .into_iter()
            .enumerate()
            .map(|(idx, part)| {
                InputFile::new(NAMES[(idx * 5 + part.len()) % NAMES.len()], part.to_vec())
            })
            .collect();
        let _ = open_models(&files);
    }
});
