//! The browser's reading of a large ONNX model by pieces (`formats::onnx::skim`): walked with
//! its payloads skipped, then the structure imported by the ONNX importer (the worker skims only
//! what sniffs as ONNX; sniffing the skimmed bytes again can differ on inputs that are barely
//! binary, since the walk writes varints in their shortest form). No panic, and a file that
//! imports whole also imports skimmed, with the same nodes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscope_engine::formats::onnx::skim::skim;
use opscope_engine::formats::onnx::FORMAT;
use opscope_engine::InputFile;

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    let mut source: &[u8] = data;
    let Ok(skimmed) = skim(&mut source) else {
        return;
    };
    assert!(skimmed.bytes.len() <= data.len(), "the structure grew");
    let whole = (FORMAT.import)(&InputFile::new("model.onnx", data.to_vec()));
    let part = (FORMAT.import)(&InputFile::new("model.onnx", skimmed.bytes));
    if let (Ok(whole), Ok(part)) = (&whole, &part) {
        assert_eq!(whole.graph.nodes.len(), part.graph.nodes.len());
    }
    if whole.is_ok() && skimmed.skipped_payloads == 0 {
        assert!(part.is_ok(), "nothing skipped, yet the structure does not import");
    }
});
