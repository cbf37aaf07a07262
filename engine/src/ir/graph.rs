//! Model, graph, node and tensor: the plain data that importers fill and later stages read.

use serde::{Deserialize, Serialize};

use super::{Attr, AttrValue, DType, Shape};

pub type NodeId = usize;
pub type TensorId = usize;

/// The family of the file a model came from; the CLI prints it as `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelFormat {
    Onnx,
    Tensorflow,
    Caffe,
    /// Ascend Graph Engine: GE dumps, their JSON, and `.om` files.
    Ge,
}

impl ModelFormat {
    pub fn name(self) -> &'static str {
        match self {
            ModelFormat::Onnx => "onnx",
            ModelFormat::Tensorflow => "tensorflow",
            ModelFormat::Caffe => "caffe",
            ModelFormat::Ge => "ge",
        }
    }
}

/// A whole imported model: its main graph plus descriptive metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub format: ModelFormat,
    /// Model name: the graph name, or the file name when the file has none.
    pub name: String,
    /// Free-form facts about the file (producer, IR version, opsets), in file order.
    pub metadata: Vec<(String, String)>,
    /// Operator sets the model declares, `(domain, version)`; the default domain is `""`.
    pub opsets: Vec<(String, i64)>,
    pub graph: Graph,
    /// Library functions (ONNX model-local functions, TF function library), each a graph of its
    /// own; not counted as subgraph nodes.
    pub functions: Vec<Graph>,
    /// Things the importer skipped or guessed, each naming the file and the place; the model
    /// still loaded.
    pub warnings: Vec<String>,
}

/// A data-flow graph. Node order is the file's order (usually topological, never relied on).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Graph {
    pub name: String,
    pub nodes: Vec<Node>,
    pub tensors: Vec<Tensor>,
    pub inputs: Vec<TensorId>,
    pub outputs: Vec<TensorId>,
    /// Bodies of control-flow nodes (If/Loop/Scan, TF functions); `AttrValue::Graph` indexes here.
    pub subgraphs: Vec<Subgraph>,
}

/// A graph owned by a node attribute (or by the model, for function libraries).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subgraph {
    /// The node whose attribute holds this body; `None` for library functions.
    pub owner: Option<NodeId>,
    pub attr: String,
    pub graph: Graph,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Name from the file; may be empty in ONNX (the viewer then shows the op type).
    pub name: String,
    pub op_type: String,
    /// ONNX domain, or the framework namespace; empty for the default domain.
    pub domain: String,
    pub attrs: Vec<Attr>,
    /// Data inputs in slot order; `None` marks an omitted optional input (ONNX `""`).
    pub inputs: Vec<Option<TensorId>>,
    pub outputs: Vec<TensorId>,
    /// Nodes that must run first without passing data (TF `^name`, GE index -1).
    pub control_inputs: Vec<NodeId>,
    /// Name-scope path (`a/b/c` → `["a", "b"]`), for folding in the viewer.
    pub scope: Vec<String>,
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&AttrValue> {
        self.attrs.iter().find(|a| a.name == name).map(|a| &a.value)
    }

    /// The label shown for the node: its name, or its op type when unnamed.
    pub fn display_name(&self) -> &str {
        if self.name.is_empty() {
            &self.op_type
        } else {
            &self.name
        }
    }
}

/// Role of a tensor in the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TensorKind {
    /// Produced by a node at run time.
    #[default]
    Activation,
    /// Fed by the caller (graph input that is not a weight).
    Input,
    /// Stored in the model: an initializer, a TF Const payload, a Caffe blob.
    Weight,
}

/// Where an ONNX external-data tensor lives; kept as metadata, never read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalData {
    pub location: String,
    pub offset: Option<u64>,
    pub length: Option<u64>,
}

/// Values of small constants, kept so shape inference can read Reshape targets and the like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "values", rename_all = "snake_case")]
pub enum ConstValue {
    Ints(Vec<i64>),
    Floats(Vec<f64>),
}

impl ConstValue {
    /// Largest constant whose values the IR keeps; anything bigger is a weight, not a parameter.
    pub const MAX_ELEMENTS: usize = 64;

    /// The values of a little-endian payload of `count` elements (ONNX `raw_data`, TensorFlow
    /// `tensor_content`, GE weight data): i32 and i64 as ints, f32 and f64 as floats; `None`
    /// for other dtypes or a payload whose length does not fit `count`.
    pub fn from_le_bytes(raw: &[u8], dtype: DType, count: usize) -> Option<ConstValue> {
        fn words<const N: usize>(raw: &[u8], count: usize) -> Option<Vec<[u8; N]>> {
            (raw.len() == count.checked_mul(N)?).then(|| {
                raw.chunks_exact(N)
                    .filter_map(|chunk| <[u8; N]>::try_from(chunk).ok())
                    .collect()
            })
        }
        Some(match dtype {
            DType::I32 => ConstValue::Ints(
                words::<4>(raw, count)?
                    .into_iter()
                    .map(|w| i64::from(i32::from_le_bytes(w)))
                    .collect(),
            ),
            DType::I64 => ConstValue::Ints(
                words::<8>(raw, count)?
                    .into_iter()
                    .map(i64::from_le_bytes)
                    .collect(),
            ),
            DType::F32 => ConstValue::Floats(
                words::<4>(raw, count)?
                    .into_iter()
                    .map(|w| f64::from(f32::from_le_bytes(w)))
                    .collect(),
            ),
            DType::F64 => ConstValue::Floats(
                words::<8>(raw, count)?
                    .into_iter()
                    .map(f64::from_le_bytes)
                    .collect(),
            ),
            _ => return None,
        })
    }

    pub fn display(&self) -> String {
        match self {
            ConstValue::Ints(values) => AttrValue::Ints(values.clone()).display(),
            ConstValue::Floats(values) => AttrValue::Floats(values.clone()).display(),
        }
    }
}

/// Where a tensor's shape came from: the file, shape inference, or nowhere yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShapeSource {
    #[default]
    Unknown,
    /// The file states it (value_info, `_output_shapes`, GE descs, weight dims).
    Stated,
    /// Computed by shape inference (`crate::shape`).
    Inferred,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tensor {
    pub name: String,
    pub dtype: DType,
    /// `None` when even the rank is unknown.
    pub shape: Option<Shape>,
    /// Memory layout when the format states it (`NCHW`, `NC1HWC0`, `FRACTAL_Z`, ...).
    pub layout: Option<String>,
    pub kind: TensorKind,
    pub producer: Option<NodeId>,
    /// Nodes reading this tensor, each once, in node order.
    pub consumers: Vec<NodeId>,
    /// Bytes the payload takes in the model (weights); computed from shape and dtype when the
    /// file does not say.
    pub byte_size: Option<u64>,
    pub external: Option<ExternalData>,
    pub value: Option<ConstValue>,
    /// Where `shape` came from; importers leave the default and shape inference fills it.
    #[serde(default)]
    pub shape_source: ShapeSource,
}

impl Tensor {
    pub fn is_weight(&self) -> bool {
        self.kind == TensorKind::Weight
    }

    /// Payload size derived from dtype and a fully known shape.
    pub fn computed_byte_size(dtype: DType, shape: &Shape) -> Option<u64> {
        let bits = dtype.bits()?;
        let count = shape.element_count()?;
        Some(count.saturating_mul(bits).div_ceil(8))
    }
}

impl Model {
    /// The files an ONNX model keeps its weights in (external data `location`s, as written, in
    /// first-use order, each once), from every graph, body and function. A page that is handed
    /// them with the model leaves them unread: the analysis needs the structure only.
    pub fn external_data_files(&self) -> Vec<&str> {
        let mut files: Vec<&str> = Vec::new();
        let mut pending: Vec<&Graph> = vec![&self.graph];
        pending.extend(&self.functions);
        while let Some(graph) = pending.pop() {
            for tensor in &graph.tensors {
                if let Some(external) = &tensor.external {
                    let location = external.location.as_str();
                    if !location.is_empty() && !files.contains(&location) {
                        files.push(location);
                    }
                }
            }
            pending.extend(graph.subgraphs.iter().map(|s| &s.graph));
        }
        files
    }
}

/// Whether a file dropped as `dropped` (a path inside a dropped folder, or a bare name) is the
/// external data file an ONNX model names `location` (relative to the model's folder, either
/// slash). Compared by the last part of each path: the page names a folder's files by their path
/// in the drop, and a user may drop the weight files without their folder.
pub fn is_external_data_file(dropped: &str, location: &str) -> bool {
    fn last(path: &str) -> &str {
        path.rsplit(['/', '\\']).next().unwrap_or("")
    }
    !last(location).is_empty() && last(dropped) == last(location)
}

impl Graph {
    pub fn tensor_by_name(&self, name: &str) -> Option<TensorId> {
        self.tensors.iter().position(|t| t.name == name)
    }

    /// Producer→consumer links: one per (tensor, consuming node) pair where the tensor has a
    /// producing node. Weights and graph inputs have no producer and do not count.
    pub fn edge_count(&self) -> usize {
        self.tensors
            .iter()
            .filter(|t| t.producer.is_some())
            .map(|t| t.consumers.len())
            .sum()
    }

    /// Nodes of all subgraphs, recursively (not counting this graph's own nodes).
    pub fn subgraph_node_count(&self) -> usize {
        self.subgraphs
            .iter()
            .map(|s| s.graph.nodes.len() + s.graph.subgraph_node_count())
            .sum()
    }

    /// Rebuilds `producer` and `consumers` of every tensor from the nodes.
    pub fn relink(&mut self) {
        for tensor in &mut self.tensors {
            tensor.producer = None;
            tensor.consumers.clear();
        }
        for (node_id, node) in self.nodes.iter().enumerate() {
            for &tensor_id in &node.outputs {
                if let Some(tensor) = self.tensors.get_mut(tensor_id) {
                    tensor.producer.get_or_insert(node_id);
                }
            }
            for &tensor_id in node.inputs.iter().flatten() {
                if let Some(tensor) = self.tensors.get_mut(tensor_id) {
                    if tensor.consumers.last() != Some(&node_id) {
                        tensor.consumers.push(node_id);
                    }
                }
            }
        }
    }

    /// Node-to-node data edges `(producer, consumer, tensor)`, deduplicated per tensor.
    pub fn data_edges(&self) -> impl Iterator<Item = (NodeId, NodeId, TensorId)> + '_ {
        self.tensors.iter().enumerate().flat_map(|(tensor_id, t)| {
            t.producer
                .into_iter()
                .flat_map(move |p| t.consumers.iter().map(move |&c| (p, c, tensor_id)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_with_external(locations: &[&str], subgraphs: Vec<Graph>) -> Graph {
        let tensor = |(i, location): (usize, &&str)| Tensor {
            name: format!("w{i}"),
            external: Some(ExternalData {
                location: location.to_string(),
                offset: None,
                length: None,
            }),
            ..Tensor::default()
        };
        Graph {
            tensors: locations.iter().enumerate().map(tensor).collect(),
            subgraphs: subgraphs
                .into_iter()
                .map(|graph| Subgraph {
                    owner: Some(0),
                    attr: "then_branch".to_string(),
                    graph,
                })
                .collect(),
            ..Graph::default()
        }
    }

    #[test]
    fn external_data_files_come_from_every_graph_once() {
        let body = graph_with_external(&["body.bin", "weights/main.data"], vec![]);
        let model = Model {
            format: ModelFormat::Onnx,
            name: "m".to_string(),
            metadata: vec![],
            opsets: vec![],
            graph: graph_with_external(&["weights/main.data", "", "weights/main.data"], vec![body]),
            functions: vec![graph_with_external(&["fn.bin"], vec![])],
            warnings: vec![],
        };
        let mut files = model.external_data_files();
        files.sort_unstable();
        assert_eq!(files, ["body.bin", "fn.bin", "weights/main.data"]);
    }

    #[test]
    fn an_external_data_file_is_matched_by_the_last_part_of_its_path() {
        assert!(is_external_data_file("model.onnx.data", "model.onnx.data"));
        assert!(is_external_data_file(
            "export/weights/w.bin",
            "weights/w.bin"
        ));
        assert!(is_external_data_file("w.bin", "weights\\w.bin"));
        assert!(is_external_data_file("export/w.bin", "./w.bin"));
        assert!(!is_external_data_file("w.bin.csv", "w.bin"));
        assert!(!is_external_data_file("weights", "weights/"));
        assert!(!is_external_data_file("x.bin", "w.bin"));
    }

    #[test]
    fn little_endian_payloads_become_values_only_when_they_fit() {
        let ints: Vec<u8> = [-1i32, 7].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(
            ConstValue::from_le_bytes(&ints, DType::I32, 2),
            Some(ConstValue::Ints(vec![-1, 7]))
        );
        // The same bytes as one i64, or as three i32s (too short), or as a dtype without values.
        assert_eq!(
            ConstValue::from_le_bytes(&ints, DType::I64, 1),
            Some(ConstValue::Ints(vec![0x0000_0007_ffff_ffff]))
        );
        assert_eq!(ConstValue::from_le_bytes(&ints, DType::I32, 3), None);
        assert_eq!(ConstValue::from_le_bytes(&ints, DType::U8, 8), None);
        let floats: Vec<u8> = [0.5f64].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(
            ConstValue::from_le_bytes(&floats, DType::F64, 1),
            Some(ConstValue::Floats(vec![0.5]))
        );
        assert_eq!(ConstValue::from_le_bytes(&[], DType::F32, usize::MAX), None);
    }
}
