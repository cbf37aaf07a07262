//! Writes the model seeds of the fuzz targets (`fuzz/seeds/<target>/gen_*`) from the sample
//! writers, small versions of the models the tests build, and the dictionaries of the model
//! formats (`fuzz/dict/*.dict`) from the schemas: every field's binary tag, every field and enum
//! value name, and the op type names of the knowledge base. The files are committed; the seeds
//! named `test_*` beside them are copies of the tests' inline fixtures, and
//! `fuzz/dict/profile.dict` is written by hand.
//!
//! `cargo run -p opscope-engine --example fuzz_seeds [-- FUZZ_DIR]` (default `fuzz`)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use opscope_engine::formats::fuzzing::{binary_to_text, descriptor_pool, TEXT_SCHEMAS};
use opscope_engine::knowledge::OPS;
use opscope_engine::samples::{
    self, caffe_alexnet, caffe_residual_chain, ge_chain, ge_small, tf_residual_chain, BlobData,
    JsonStyle, OmHeader, OmOptions, OnnxWriter, TfWeights, WeightStorage,
};
use prost_reflect::{Cardinality, Kind};

fn main() -> std::io::Result<()> {
    let fuzz_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz")));
    write_dictionaries(&fuzz_dir.join("dict"))?;
    let dir = fuzz_dir.join("seeds");
    let seeds = seeds();
    for (target, name, bytes) in &seeds {
        write(&dir, target, name, bytes)?;
    }
    // The entry points take every format; a few small ones of each are enough.
    let any: Vec<&(&str, String, Vec<u8>)> = seeds
        .iter()
        .filter(|(target, _, bytes)| *target != "text_format" && bytes.len() <= 16 * 1024)
        .collect();
    for (_, name, bytes) in &any {
        write(&dir, "import_any", name, bytes)?;
        write(&dir, "analyze_graph", name, bytes)?;
    }
    Ok(())
}

/// Seeds above this size are left out: libFuzzer mutates small inputs faster, and the committed
/// corpus stays small.
const MAX_SEED_BYTES: usize = 32 * 1024;

fn write(dir: &Path, target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    if bytes.len() > MAX_SEED_BYTES {
        println!("skipped {target}/{name} ({} bytes)", bytes.len());
        return Ok(());
    }
    let folder = dir.join(target);
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(format!("gen_{name}"));
    std::fs::write(&path, bytes)?;
    println!("{} ({} bytes)", path.display(), bytes.len());
    Ok(())
}

/// `(target, file name, bytes)` of every generated seed.
fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    let mut add = |target: &'static str, name: &str, bytes: Vec<u8>| {
        out.push((target, name.to_string(), bytes));
    };
    let external = || WeightStorage::External {
        location: "w.bin".to_string(),
    };

    // ONNX, binary and text.
    let onnx = vec![
        ("chain.onnx", samples::residual_chain(9, external())),
        ("bert1.onnx", samples::bert_like(1)),
        ("gpt2_1.onnx", samples::gpt2_like(1)),
        (
            "symbolic.onnx",
            small_onnx(WeightStorage::External {
                location: "w.bin".to_string(),
            }),
        ),
        ("inline.onnx", small_onnx(WeightStorage::Inline)),
    ];
    for (name, bytes) in onnx {
        if let Some(text) = binary_to_text("onnx.ModelProto", &bytes) {
            add(
                "onnx_text",
                &format!("{name}.txt"),
                text.clone().into_bytes(),
            );
            add(
                "text_format",
                &format!("{name}.txt"),
                schema_prefixed(0, &text),
            );
        }
        add("onnx", name, bytes);
    }

    // TensorFlow GraphDef, binary and text, and SavedModel.
    for (suffix, graph) in [
        ("splat", tf_residual_chain(12, TfWeights::Splat, true)),
        ("no_shapes", tf_residual_chain(12, TfWeights::Splat, false)),
    ] {
        add("tf_graphdef", &format!("chain_{suffix}.pb"), graph.binary());
        add(
            "tf_text",
            &format!("chain_{suffix}.pbtxt"),
            graph.text().into_bytes(),
        );
        add(
            "text_format",
            &format!("graphdef_{suffix}.pbtxt"),
            schema_prefixed(1, &graph.text()),
        );
    }
    let graph = tf_residual_chain(12, TfWeights::Splat, true);
    add("saved_model", "saved_model.pb", graph.saved_model(false));
    add(
        "saved_model",
        "saved_model_train.pb",
        graph.saved_model(true),
    );
    add(
        "saved_model",
        "saved_model.pbtxt",
        graph.saved_model_text().into_bytes(),
    );
    add(
        "text_format",
        "saved_model.pbtxt",
        schema_prefixed(2, &graph.saved_model_text()),
    );

    // Caffe, both files and both layer generations.
    let alexnet = caffe_alexnet();
    // V1 layers have no BatchNorm, which the residual chain uses.
    add(
        "caffe_text",
        "alexnet_v1.prototxt",
        alexnet.prototxt_v1().into_bytes(),
    );
    add(
        "caffemodel",
        "alexnet_v1.caffemodel",
        alexnet.caffemodel_v1(),
    );
    for (name, net) in [("alexnet", alexnet), ("chain", caffe_residual_chain(12))] {
        add(
            "caffe_text",
            &format!("{name}.prototxt"),
            net.prototxt().into_bytes(),
        );
        add(
            "caffemodel",
            &format!("{name}.caffemodel"),
            net.caffemodel(BlobData::ShapesOnly),
        );
        add(
            "text_format",
            &format!("{name}.prototxt"),
            schema_prefixed(3, &net.prototxt()),
        );
    }

    // GE: dump, JSON in both styles, .om in several container layouts.
    for (name, model) in [("small", ge_small()), ("chain", ge_chain(6))] {
        add(
            "ge_dump",
            &format!("ge_proto_{name}.txt"),
            model.to_text().into_bytes(),
        );
        add(
            "text_format",
            &format!("ge_proto_{name}.txt"),
            schema_prefixed(4, &model.to_text()),
        );
        add(
            "om_json",
            &format!("{name}_atc.json"),
            model.to_json(JsonStyle::ATC).into_bytes(),
        );
        add(
            "om_json",
            &format!("{name}_proto3.json"),
            model.to_json(JsonStyle::PROTO3).into_bytes(),
        );
        add(
            "om",
            &format!("{name}_atc.om"),
            model.to_om(&OmOptions::atc()),
        );
        add(
            "om",
            &format!("{name}_plain.om"),
            model.to_om(&OmOptions::plain()),
        );
    }
    let small = ge_small();
    let wide = OmOptions {
        wide_table: true,
        align: 16,
        ..OmOptions::atc()
    };
    add("om", "small_wide.om", small.to_om(&wide));
    let multi = OmOptions {
        header: OmHeader::V2,
        extra_models: vec![ge_chain(4)],
        ..OmOptions::plain()
    };
    add("om", "multi.om", small.to_om(&multi));
    let flow = OmOptions {
        wide_table: true,
        flow_submodels: vec![("sub".to_string(), ge_chain(4))],
        ..OmOptions::atc()
    };
    add("om", "flow.om", small.to_om(&flow));
    debug_assert_eq!(TEXT_SCHEMAS.len(), 5);
    out
}

/// A `text_format` seed: the schema's index in [`TEXT_SCHEMAS`], then the text.
fn schema_prefixed(schema_idx: u8, text: &str) -> Vec<u8> {
    let mut bytes = vec![schema_idx];
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// A small ONNX model with a symbolic batch and an older opset; few channels, so that inline
/// weights stay small.
fn small_onnx(storage: WeightStorage) -> Vec<u8> {
    let mut w = OnnxWriter::new("small", storage)
        .symbolic_batch("N")
        .opset(11);
    let x = w.input("x", &[1, 3, 32, 32]);
    let y = w.conv(&x, 8, 3, 2, 1, 1);
    let y = w.batch_norm(&y);
    let y = w.relu(&y);
    let y = w.max_pool(&y, 2, 2, 0);
    let y = w.global_average_pool(&y);
    let y = w.flatten(&y);
    let y = w.gemm(&y, 10);
    let y = w.softmax(&y);
    w.output(&y);
    w.finish()
}

/// The dictionaries: per schema package one of binary tags and one of text keywords, and the
/// union the entry-point targets use.
fn write_dictionaries(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut all = BTreeSet::new();
    for (file, package) in [
        ("onnx", "onnx"),
        ("tensorflow", "tensorflow"),
        ("caffe", "caffe"),
        ("ge", "ge.proto"),
    ] {
        let (binary, text) = schema_tokens(package);
        let mut binary_dict = binary.clone();
        binary_dict.extend(op_names(false));
        let mut text_dict = text.clone();
        text_dict.extend(op_names(true));
        all.extend(binary);
        all.extend(text);
        write_dict(&dir.join(format!("{file}_binary.dict")), &binary_dict)?;
        write_dict(&dir.join(format!("{file}_text.dict")), &text_dict)?;
    }
    // The `.om` container's magic, and the break between files of a multi-file input.
    all.insert(b"IMOD".to_vec());
    all.insert(b"\n--opscope-file--\n".to_vec());
    all.extend(op_names(true));
    write_dict(&dir.join("models.dict"), &all)
}

/// Binary tags (field key varints) and text keywords (`name:`, `name {`, enum values) of every
/// message of `package`.
fn schema_tokens(package: &str) -> (BTreeSet<Vec<u8>>, BTreeSet<Vec<u8>>) {
    let mut binary = BTreeSet::new();
    let mut text = BTreeSet::new();
    let prefix = format!("{package}.");
    let pool = descriptor_pool();
    for message in pool.all_messages() {
        if !message.full_name().starts_with(&prefix) {
            continue;
        }
        for field in message.fields() {
            let wire_type = match field.kind() {
                Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => 1,
                Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => 5,
                Kind::String | Kind::Bytes | Kind::Message(_) => 2,
                _ => 0,
            };
            binary.insert(field_key(field.number(), wire_type));
            if field.cardinality() == Cardinality::Repeated && wire_type != 2 {
                // Packed repeated scalars are length-delimited.
                binary.insert(field_key(field.number(), 2));
            }
            let name = field.name();
            if matches!(field.kind(), Kind::Message(_)) {
                text.insert(format!("{name} {{").into_bytes());
            } else {
                text.insert(format!("{name}: ").into_bytes());
            }
            // JSON forms (GE JSON, proto3 JSON mapping).
            text.insert(format!("\"{name}\":").into_bytes());
            text.insert(format!("\"{}\":", field.json_name()).into_bytes());
        }
    }
    for enumeration in pool.all_enums() {
        if enumeration.full_name().starts_with(&prefix) {
            for value in enumeration.values() {
                text.insert(value.name().as_bytes().to_vec());
            }
        }
    }
    (binary, text)
}

/// The varint key of a field: its number and wire type.
fn field_key(number: u32, wire_type: u64) -> Vec<u8> {
    let mut tag = Vec::new();
    let mut key = u64::from(number) << 3 | wire_type;
    loop {
        let byte = (key & 0x7f) as u8;
        key >>= 7;
        if key == 0 {
            tag.push(byte);
            return tag;
        }
        tag.push(byte | 0x80);
    }
}

/// The canonical op types of the knowledge base (the aliases would outnumber the schema tokens
/// many times over), bare for binary files and quoted for text ones.
fn op_names(quoted: bool) -> BTreeSet<Vec<u8>> {
    OPS.iter()
        .map(|spec| match quoted {
            true => format!("\"{}\"", spec.canonical).into_bytes(),
            false => spec.canonical.as_bytes().to_vec(),
        })
        .collect()
}

/// A libFuzzer dictionary: one quoted token a line, bytes outside printable ASCII escaped.
fn write_dict(path: &Path, tokens: &BTreeSet<Vec<u8>>) -> std::io::Result<()> {
    let mut out =
        String::from("# Written by `cargo run -p opscope-engine --example fuzz_seeds`.\n");
    for token in tokens {
        out.push('"');
        for &byte in token {
            match byte {
                b'"' | b'\\' => out.push_str(&format!("\\{}", byte as char)),
                0x20..=0x7e => out.push(byte as char),
                _ => out.push_str(&format!("\\x{byte:02X}")),
            }
        }
        out.push_str("\"\n");
    }
    std::fs::write(path, out)?;
    println!("{} ({} tokens)", path.display(), tokens.len());
    Ok(())
}
