//! Compiles our `.proto` subsets with protox (pure Rust, no protoc binary) into prost types, and
//! writes the descriptor set that the text-format parser reads at run time.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = ["proto/onnx.proto"];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    let descriptors = protox::compile(protos, ["proto"])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("descriptors.bin"),
        prost::Message::encode_to_vec(&descriptors),
    )?;
    prost_build::Config::new()
        // Bytes fields become zero-copy slices of the input buffer: weights are never copied.
        .bytes(["."])
        .compile_fds(descriptors)?;
    Ok(())
}
