//! Shape inference: a stage after import that fills the shapes and dtypes a file leaves out,
//! for every format, from one table of per-op rules keyed by `(format, op_type)`.
//!
//! Invariants:
//! - Never wrong, only unknown: an op without a rule, an input without a shape, an attribute
//!   the rule does not understand, or a cycle in a malformed file leaves outputs unknown.
//!   Symbolic dims pass through where the op keeps them (a batch `N` through Conv) and become
//!   unknown under arithmetic.
//! - Stated shapes win: a shape the file states (value_info, `_output_shapes`, GE descs) is
//!   kept; a contradiction is reported in [`ShapeReport::mismatches`] and `Model::warnings`.
//! - Linear: nodes are visited once in dependency order (Kahn); rules are O(rank) apart from
//!   folding small integer contents (at most `ConstValue::MAX_ELEMENTS` elements).
//! - The stage knows the IR only: no protobuf, no file, no importer internals. Importers map, this
//!   stage infers (tract's split); the conventions it reads are the ones the importers document
//!   (attribute names and types per framework).

mod blobs;
mod concat_split;
mod control;
mod conv;
mod ctx;
mod detection;
mod dims;
mod elementwise;
mod fc;
mod gather;
mod infer;
mod matmul;
mod norm;
mod pad;
mod pool;
mod reduce;
mod resize;
mod rnn;
mod rules;
mod shape_ops;
mod softmax;
mod source;

pub use infer::{infer_shapes, ShapeMismatch, ShapeReport};

#[cfg(test)]
mod tests;
