use prost::Message;

use super::*;
use crate::formats::onnx::pb;
use crate::formats::InputFile;
use crate::ir::Model;
use crate::open_model;
use crate::samples::{residual_chain, weight_heavy, OnnxWriter, WeightStorage};

/// A source that counts what is asked of it.
struct Counting<'a> {
    data: &'a [u8],
    asked: Vec<(u64, usize)>,
}

impl ByteSource for Counting<'_> {
    fn size(&self) -> u64 {
        self.data.len() as u64
    }

    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        self.asked.push((offset, len));
        let mut whole = self.data;
        whole.read_at(offset, len)
    }
}

fn import(name: &str, bytes: Vec<u8>) -> Model {
    open_model(&InputFile::new(name, bytes)).expect("imports")
}

/// A big float tensor with its payload in `raw_data`.
fn big_tensor(name: &str, elements: usize) -> pb::TensorProto {
    pb::TensorProto {
        name: Some(name.to_string()),
        dims: vec![elements as i64],
        data_type: Some(1),
        raw_data: Some(vec![7u8; elements * 4].into()),
        ..Default::default()
    }
}

/// A model with large payloads in every place ONNX keeps tensors: initializers, a Constant's
/// `value` attribute, and an initializer of an If branch (a graph inside an attribute).
fn tensors_everywhere() -> Vec<u8> {
    let mut w = OnnxWriter::new("everywhere", WeightStorage::Inline);
    let x = w.input("input", &[1, 64, 8, 8]);
    let y = w.conv(&x, 64, 3, 1, 1, 1);
    w.output(&y);
    let mut model = w.into_proto();
    let graph = model.graph.as_mut().expect("a graph");
    graph.node.push(pb::NodeProto {
        name: Some("big_constant".to_string()),
        op_type: Some("Constant".to_string()),
        output: vec!["c".to_string()],
        attribute: vec![pb::AttributeProto {
            name: Some("value".to_string()),
            r#type: Some(4),
            t: Some(big_tensor("c", 10_000)),
            ..Default::default()
        }],
        ..Default::default()
    });
    let branch = pb::GraphProto {
        name: Some("then".to_string()),
        initializer: vec![big_tensor("then_w", 20_000)],
        output: vec![pb::ValueInfoProto {
            name: Some("then_w".to_string()),
            ..Default::default()
        }],
        ..Default::default()
    };
    graph.node.push(pb::NodeProto {
        name: Some("branch".to_string()),
        op_type: Some("If".to_string()),
        input: vec!["c".to_string()],
        output: vec!["b".to_string()],
        attribute: vec![pb::AttributeProto {
            name: Some("then_branch".to_string()),
            r#type: Some(5),
            g: Some(branch),
            ..Default::default()
        }],
        ..Default::default()
    });
    model.encode_to_vec()
}

#[test]
fn the_skimmed_model_imports_as_the_whole_file_does() {
    for (name, bytes) in [
        ("chain.onnx", residual_chain(200, WeightStorage::Inline)),
        ("heavy.onnx", weight_heavy(64 << 20)),
        ("everywhere.onnx", tensors_everywhere()),
    ] {
        let mut source: &[u8] = &bytes;
        let skimmed = skim(&mut source).expect("skims");
        assert!(skimmed.skipped_payloads > 0, "{name}: nothing skipped");
        assert!(
            (skimmed.bytes.len() as u64) + skimmed.skipped_bytes <= bytes.len() as u64,
            "{name}: the structure and the skipped payloads add up to at most the file"
        );
        assert_eq!(
            import(name, skimmed.bytes),
            import(name, bytes),
            "{name}: the skimmed model differs"
        );
    }
}

#[test]
fn payloads_are_skipped_unread() {
    let bytes = weight_heavy(256 << 20);
    let mut source = Counting {
        data: &bytes,
        asked: Vec::new(),
    };
    let skimmed = skim(&mut source).expect("skims");
    let weights = skimmed.skipped_bytes;
    assert!(weights >= 256 << 20, "{weights} bytes skipped");
    // The structure, plus at most one chunk of read-ahead after each skipped payload.
    let ceiling = skimmed.bytes.len() as u64 + (skimmed.skipped_payloads as u64 + 1) * CHUNK as u64;
    assert!(
        skimmed.read_bytes <= ceiling,
        "read {} bytes of a {} byte file (ceiling {ceiling})",
        skimmed.read_bytes,
        bytes.len()
    );
    assert!(
        skimmed.read_bytes * 100 < bytes.len() as u64,
        "read over 1 % of the file"
    );
    assert_eq!(
        source.asked.iter().map(|&(_, len)| len as u64).max(),
        Some(CHUNK as u64),
        "the source is read by chunks"
    );
}

#[test]
fn small_payloads_are_kept() {
    // Shapes, scales and the small values the viewer shows stay in the structure.
    let mut w = OnnxWriter::new("small", WeightStorage::Inline);
    let x = w.input("input", &[1, 8]);
    let shape = w.int64_constant("shape", &[1, 2, 4]);
    let y = w.node("Reshape", &[&x, &shape], &[vec![1, 2, 4]], Vec::new());
    w.output(&y[0]);
    let bytes = w.finish();
    let mut source: &[u8] = &bytes;
    let skimmed = skim(&mut source).expect("skims");
    assert_eq!(skimmed.skipped_payloads, 0);
    assert_eq!(skimmed.bytes, bytes, "nothing to skip: the same bytes");
}

#[test]
fn broken_files_give_errors_with_offsets_never_panics() {
    let bytes = tensors_everywhere();
    for cut in [1, 2, 10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
        let mut source: &[u8] = &bytes[..cut];
        match skim(&mut source) {
            Err(SkimError::Malformed { offset, what }) => {
                assert!(offset <= cut as u64, "offset {offset} past the cut {cut}");
                assert!(!what.is_empty());
            }
            Ok(skimmed) => {
                // A cut between two top-level fields is a shorter valid message.
                assert!(skimmed.bytes.len() <= cut);
            }
            Err(other) => panic!("cut at {cut}: {other}"),
        }
    }
    let mut groups: &[u8] = &[0x0b, 0x0c];
    assert!(matches!(
        skim(&mut groups),
        Err(SkimError::Malformed { offset: 1, .. })
    ));
}

#[test]
fn a_source_that_fails_is_named_with_its_offset() {
    struct Failing;
    impl ByteSource for Failing {
        fn size(&self) -> u64 {
            100
        }
        fn read_at(&mut self, _offset: u64, _len: usize) -> Result<Vec<u8>, String> {
            Err("NotReadableError".to_string())
        }
    }
    assert_eq!(
        skim(&mut Failing),
        Err(SkimError::Read {
            offset: 0,
            reason: "NotReadableError".to_string()
        })
    );
}
