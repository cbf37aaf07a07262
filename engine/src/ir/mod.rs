//! The graph IR that every importer produces and every later stage reads.
//!
//! Invariants:
//! - The IR knows nothing about protobuf, files or the browser: importers translate into it.
//! - Weights are never copied: a constant tensor keeps its shape, dtype and byte size, plus the
//!   values of small integer constants (which shape inference needs for Reshape and friends).
//! - `Tensor::producer` and `Tensor::consumers` are kept consistent by [`GraphBuilder`]; code that
//!   mutates a finished [`Graph`] must call [`Graph::relink`].
//! - Node ids and tensor ids index `Graph::nodes` and `Graph::tensors` of the graph they belong to;
//!   a subgraph has its own id space.

mod attr;
mod builder;
mod category;
mod dtype;
mod dump;
pub mod fx_hash;
mod graph;
mod shape;

pub use attr::{Attr, AttrValue, TensorMeta};
pub use builder::GraphBuilder;
pub use category::OpCategory;
pub use dtype::DType;
pub use dump::{dump_graph, dump_model};
pub use graph::{
    is_external_data_file, ConstValue, ExternalData, Graph, Model, ModelFormat, Node, NodeId,
    ShapeSource, Subgraph, Tensor, TensorId, TensorKind,
};
pub use shape::{Dim, Shape};

/// Name-scope path from a `/`-separated node name (`/layer1/0/conv1/Conv` → `layer1/0/conv1`),
/// shared by every importer whose names carry scopes (TensorFlow, most ONNX exports).
pub fn scope_of(name: &str) -> Vec<String> {
    let mut parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
    parts.pop();
    parts.into_iter().map(str::to_string).collect()
}
