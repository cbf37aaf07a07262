//! Prost types generated at build time from `engine/proto/caffe.proto`, our subset of Caffe's
//! schema (upstream BVLC field numbers plus the SSD, GraphEngine and other forks' layer
//! parameters; the header of the `.proto` says where each number came from). The importer reads
//! files reflectively (`prost_reflect`) to turn every `*_param` field into an attribute; these
//! typed structs serve the sample writer and the tests. Only this folder and the writer use them.

#![allow(clippy::all, missing_docs, dead_code)]

include!(concat!(env!("OUT_DIR"), "/caffe.rs"));
