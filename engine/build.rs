//! Compiles our `.proto` subsets with protox (pure Rust, no protoc binary) into prost types, and
//! writes the descriptor set that the text-format parser reads at run time.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Every `.proto` in proto/ is compiled: adding a format's schema is adding a file.
    println!("cargo:rerun-if-changed=proto");
    let mut protos: Vec<PathBuf> = std::fs::read_dir("proto")?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "proto"))
        .collect();
    protos.sort();
    for proto in &protos {
        println!("cargo:rerun-if-changed={}", proto.display());
    }
    let descriptors = protox::compile(&protos, ["proto"])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("descriptors.bin"),
        prost::Message::encode_to_vec(&descriptors),
    )?;
    prost_build::Config::new()
        // Bytes fields become zero-copy slices of the input buffer: weights are never copied.
        .bytes(["."])
        // Ordered maps: encoding is deterministic (generated samples are byte-stable) and
        // decoding attribute maps skips HashMap rehashing.
        .btree_map(["."])
        .compile_fds(descriptors)?;
    Ok(())
}
