//! Entry points for the fuzz targets in `fuzz/`, not part of the engine's API.
//!
//! [`super::import_model`] sniffs the bytes before it picks a reader, so a mutation that no
//! longer looks like the format (or looks like the other encoding of it) never reaches that
//! reader. Here each reader is called on its own, with the encoding forced, and the shared
//! text-format reader can be called without an importer around it.

use super::{caffe, ge, onnx, tensorflow, text, InputFile};
use crate::error::ImportError;
use crate::ir::Model;

/// One reader of one encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Onnx,
    OnnxText,
    TensorflowBinary,
    TensorflowText,
    SavedModelBinary,
    SavedModelText,
    CaffeText,
    CaffeModel,
    GeDump,
    GeJson,
    Om,
}

/// Reads `file` with `reader`, whatever the bytes look like.
pub fn read(reader: Reader, file: &InputFile) -> Result<Model, ImportError> {
    match reader {
        Reader::Onnx => (onnx::FORMAT.import)(file),
        Reader::OnnxText => (onnx::TEXT_FORMAT.import)(file),
        Reader::TensorflowBinary => tensorflow::import_encoded(file, true),
        Reader::TensorflowText => tensorflow::import_encoded(file, false),
        Reader::SavedModelBinary => tensorflow::import_saved_model_encoded(file, true),
        Reader::SavedModelText => tensorflow::import_saved_model_encoded(file, false),
        Reader::CaffeText => caffe::import_prototxt(file),
        Reader::CaffeModel => caffe::import_caffemodel(file),
        Reader::GeDump => (ge::DUMP_FORMAT.import)(file),
        Reader::GeJson => (ge::JSON_FORMAT.import)(file),
        Reader::Om => (ge::OM_FORMAT.import)(file),
    }
}

/// The schemas the text formats are read against, by full name.
pub const TEXT_SCHEMAS: &[&str] = &[
    "onnx.ModelProto",
    "tensorflow.GraphDef",
    "tensorflow.SavedModel",
    "caffe.NetParameter",
    "ge.proto.ModelDef",
];

/// The shared text-format reader alone: parses `file` against `TEXT_SCHEMAS[schema_idx]`
/// (reflectively, in the groups of top-level fields the importers use) and returns the number
/// of groups and the warnings. Also walks the head of the text as the sniffers do.
pub fn read_text(file: &InputFile, schema_idx: usize) -> Result<(usize, Vec<String>), ImportError> {
    let _ = text::scan_fields(&file.data, 64 * 1024, 3, |_| None::<()>);
    let schema = TEXT_SCHEMAS[schema_idx % TEXT_SCHEMAS.len()];
    let mut n_groups = 0usize;
    let warnings = text::parse_text_dynamic_chunks(file, "text", schema, |_| n_groups += 1)?;
    Ok((n_groups, warnings))
}

/// The descriptors of every schema the readers use, for the fuzz dictionaries (field tags and
/// names).
pub fn descriptor_pool() -> &'static prost_reflect::DescriptorPool {
    text::pool()
}

/// A binary message of schema `message_name` written as protobuf text, for seeds of the text
/// readers made from the binary sample writers; `None` when `data` does not decode.
pub fn binary_to_text(message_name: &str, data: &[u8]) -> Option<String> {
    let descriptor = text::pool().get_message_by_name(message_name)?;
    let message = prost_reflect::DynamicMessage::decode(descriptor, data).ok()?;
    Some(message.to_text_format_with_options(
        &prost_reflect::text_format::FormatOptions::new().pretty(true),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples;

    #[test]
    fn each_reader_reads_its_own_encoding() {
        let caffe = samples::caffe_alexnet();
        let ge = samples::ge_small();
        let tf = samples::tf_residual_chain(20, samples::TfWeights::Splat, true);
        let cases: Vec<(Reader, Vec<u8>)> = vec![
            (Reader::Onnx, samples::resnet50()),
            (Reader::TensorflowBinary, tf.binary()),
            (Reader::TensorflowText, tf.text().into_bytes()),
            (Reader::SavedModelBinary, tf.saved_model(false)),
            (Reader::SavedModelText, tf.saved_model_text().into_bytes()),
            (Reader::CaffeText, caffe.prototxt().into_bytes()),
            (
                Reader::CaffeModel,
                caffe.caffemodel(samples::BlobData::ShapesOnly),
            ),
            (Reader::GeDump, ge.to_text().into_bytes()),
            (
                Reader::GeJson,
                ge.to_json(samples::JsonStyle::ATC).into_bytes(),
            ),
            (Reader::Om, ge.to_om(&samples::OmOptions::atc())),
        ];
        for (reader, data) in cases {
            let file = InputFile::new("model", data);
            let model = read(reader, &file);
            assert!(model.is_ok(), "{reader:?}: {:?}", model.err());
        }
    }

    #[test]
    fn forced_encodings_give_errors_not_panics() {
        let file = InputFile::new("x", b"node { name: \"a\" op: \"Relu\" }".to_vec());
        assert!(read(Reader::TensorflowText, &file).is_ok());
        assert!(read(Reader::TensorflowBinary, &file).is_err());
        assert!(read(Reader::SavedModelBinary, &file).is_err());
        assert!(read(Reader::CaffeModel, &file).is_err());
    }

    #[test]
    fn binary_models_turn_into_text_the_text_reader_reads() {
        let text = binary_to_text(
            "onnx.ModelProto",
            &samples::residual_chain(
                5,
                samples::WeightStorage::External {
                    location: "w".into(),
                },
            ),
        );
        let file = InputFile::new("m.txt", text.expect("decodes").into_bytes());
        assert!(read(Reader::OnnxText, &file).is_ok());
        assert_eq!(binary_to_text("onnx.ModelProto", b"\xff"), None);
    }

    #[test]
    fn text_reader_runs_against_every_schema() {
        let file = InputFile::new("x", b"name: \"a\"\n".to_vec());
        for (schema_idx, schema) in TEXT_SCHEMAS.iter().enumerate() {
            let read = read_text(&file, schema_idx);
            // Every schema but GraphDef and SavedModel has a `name`; those skip it with a warning.
            assert!(read.is_ok(), "{schema}: {:?}", read.err());
        }
    }
}
