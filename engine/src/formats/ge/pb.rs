//! Prost types generated at build time from `engine/proto/ge_ir.proto`, our subset of GE's
//! `ge_ir.proto` (plus the TASK_INFO messages of `task.proto`). Only the GE importer and the GE
//! sample writer use them.

#![allow(clippy::all, missing_docs, dead_code)]

include!(concat!(env!("OUT_DIR"), "/ge.proto.rs"));
