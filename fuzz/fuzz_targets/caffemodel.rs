//! Caffe caffemodel (binary NetParameter), read on its own (no sniffing), then as the weights of
//! a fixed prototxt (`caffe::import_pair`, what a drop of both files does).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use opscope_engine::formats::caffe;
use opscope_engine::formats::fuzzing::Reader;
use opscope_engine::{samples, shape, InputFile};

fn prototxt() -> &'static InputFile {
    static PROTOTXT: OnceLock<InputFile> = OnceLock::new();
    PROTOTXT.get_or_init(|| {
        let net = samples::caffe_residual_chain(4).prototxt();
        InputFile::new("net.prototxt", net.into_bytes())
    })
}

fuzz_target!(init: opscope_fuzz::warm_up(), |data: &[u8]| {
    opscope_fuzz::read_with(Reader::CaffeModel, "net.caffemodel", data);
    let weights = InputFile::new("net.caffemodel", data.to_vec());
    if let Ok(mut model) = caffe::import_pair(prototxt(), &weights) {
        shape::infer_shapes(&mut model);
    }
});
