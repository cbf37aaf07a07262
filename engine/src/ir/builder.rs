//! Incremental graph construction by tensor name, shared by the importers.
//!
//! Importers see names (ONNX value names, TF `node:1`, Caffe blob names) before they know which
//! node produces a value; the builder interns names into tensor ids and links producers and
//! consumers when the graph is finished.

use super::fx_hash::FxHashMap;
use super::{Graph, Node, NodeId, Tensor, TensorId};

#[derive(Debug, Default)]
pub struct GraphBuilder {
    graph: Graph,
    by_name: FxHashMap<String, TensorId>,
}

impl GraphBuilder {
    pub fn new(name: impl Into<String>) -> GraphBuilder {
        GraphBuilder {
            graph: Graph {
                name: name.into(),
                ..Graph::default()
            },
            by_name: FxHashMap::default(),
        }
    }

    /// Id of the tensor called `name`, creating an empty one on first use.
    pub fn tensor(&mut self, name: &str) -> TensorId {
        if let Some(&id) = self.by_name.get(name) {
            return id;
        }
        let id = self.graph.tensors.len();
        self.graph.tensors.push(Tensor {
            name: name.to_string(),
            ..Tensor::default()
        });
        self.by_name.insert(name.to_string(), id);
        id
    }

    /// A tensor that no other name can reach (an output whose name collides with an earlier one,
    /// an unnamed value); keeps the graph acyclic when files reuse names.
    pub fn fresh_tensor(&mut self, name: &str) -> TensorId {
        let id = self.graph.tensors.len();
        self.graph.tensors.push(Tensor {
            name: name.to_string(),
            ..Tensor::default()
        });
        id
    }

    /// Points `name` at a different tensor from now on (in-place layers such as Caffe ReLU).
    pub fn rebind(&mut self, name: &str, id: TensorId) {
        self.by_name.insert(name.to_string(), id);
    }

    pub fn lookup(&self, name: &str) -> Option<TensorId> {
        self.by_name.get(name).copied()
    }

    pub fn tensor_mut(&mut self, id: TensorId) -> &mut Tensor {
        &mut self.graph.tensors[id]
    }

    pub fn graph_mut(&mut self) -> &mut Graph {
        &mut self.graph
    }

    pub fn add_node(&mut self, node: Node) -> NodeId {
        self.graph.nodes.push(node);
        self.graph.nodes.len() - 1
    }

    pub fn node_count(&self) -> usize {
        self.graph.nodes.len()
    }

    /// Links producers and consumers and returns the graph.
    pub fn finish(mut self) -> Graph {
        self.graph.relink();
        self.graph
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_producers_and_consumers() {
        let mut builder = GraphBuilder::new("g");
        let x = builder.tensor("x");
        let y = builder.tensor("y");
        let z = builder.tensor("z");
        builder.add_node(Node {
            op_type: "Relu".into(),
            inputs: vec![Some(x)],
            outputs: vec![y],
            ..Node::default()
        });
        builder.add_node(Node {
            op_type: "Add".into(),
            inputs: vec![Some(y), Some(y)],
            outputs: vec![z],
            ..Node::default()
        });
        let graph = builder.finish();
        assert_eq!(graph.tensors[y].producer, Some(0));
        assert_eq!(graph.tensors[y].consumers, vec![1]);
        assert_eq!(graph.tensors[x].producer, None);
        assert_eq!(graph.edge_count(), 1);
        assert_eq!(graph.data_edges().collect::<Vec<_>>(), vec![(0, 1, y)]);
    }
}
