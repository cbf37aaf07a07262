//! Prost types generated at build time from `engine/proto/onnx.proto`, our subset of the ONNX
//! schema written from the field numbers of `onnx/onnx.proto`. Only this folder uses them.

#![allow(clippy::all, missing_docs, dead_code)]

include!(concat!(env!("OUT_DIR"), "/onnx.rs"));
