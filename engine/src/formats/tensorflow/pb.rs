//! Prost types generated at build time from `engine/proto/tensorflow.proto`, our subset of the
//! TensorFlow GraphDef schema. Only this folder and the sample writer use them.

#![allow(clippy::all, missing_docs, dead_code)]

include!(concat!(env!("OUT_DIR"), "/tensorflow.rs"));
