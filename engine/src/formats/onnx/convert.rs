//! Translation of decoded ONNX protobuf messages into the IR. Total: every decoded message
//! converts; odd content (unknown types, empty names) becomes a best-effort IR value.

use std::convert::Infallible;

use bytes::Bytes;

use super::pb;
use crate::error::ImportError;
use crate::formats::decode_error::decode_part;
use crate::formats::InputFile;
use crate::ir::{
    Attr, AttrValue, ConstValue, DType, Dim, ExternalData, Graph, GraphBuilder, Model, ModelFormat,
    Node, Shape, Subgraph, Tensor, TensorKind, TensorMeta,
};

/// The fields of ModelProto beside its graph, as both the eager and the lazy decoding give them.
struct Header {
    ir_version: Option<i64>,
    producer_name: Option<String>,
    producer_version: Option<String>,
    domain: Option<String>,
    model_version: Option<i64>,
    doc_string: Option<String>,
    opset_import: Vec<pb::OperatorSetIdProto>,
    metadata_props: Vec<pb::StringStringEntryProto>,
    functions: Vec<pb::FunctionProto>,
}

/// Splits a decoded message of ModelProto's shape into its [`Header`] and its graph.
macro_rules! split_model {
    ($proto:expr) => {{
        let proto = $proto;
        let header = Header {
            ir_version: proto.ir_version,
            producer_name: proto.producer_name,
            producer_version: proto.producer_version,
            domain: proto.domain,
            model_version: proto.model_version,
            doc_string: proto.doc_string,
            opset_import: proto.opset_import,
            metadata_props: proto.metadata_props,
            functions: proto.functions,
        };
        (header, proto.graph)
    }};
}

pub(super) fn model(file: &InputFile, proto: pb::ModelProto) -> Model {
    let (header, graph_proto) = split_model!(proto);
    assemble(file, header, graph_proto.map(graph).unwrap_or_default())
}

/// [`model`] from the lazy decoding of a binary file: the graph's nodes, initializers and
/// value_info are decoded one at a time as they are converted (see `LazyModelProto`).
pub(super) fn lazy_model(
    file: &InputFile,
    proto: pb::LazyModelProto,
) -> Result<Model, ImportError> {
    let (header, graph_proto) = split_model!(proto);
    let graph = match graph_proto {
        Some(proto) => lazy_graph(file, proto)?,
        None => Graph::default(),
    };
    Ok(assemble(file, header, graph))
}

fn assemble(file: &InputFile, header: Header, graph: Graph) -> Model {
    let mut metadata = Vec::new();
    if let Some(version) = header.ir_version {
        metadata.push(("ir_version".to_string(), version.to_string()));
    }
    let producer = format!(
        "{} {}",
        header.producer_name.as_deref().unwrap_or_default(),
        header.producer_version.as_deref().unwrap_or_default()
    );
    if !producer.trim().is_empty() {
        metadata.push(("producer".to_string(), producer.trim().to_string()));
    }
    if let Some(domain) = header.domain.filter(|d| !d.is_empty()) {
        metadata.push(("domain".to_string(), domain));
    }
    if let Some(version) = header.model_version {
        metadata.push(("model_version".to_string(), version.to_string()));
    }
    if let Some(doc) = header.doc_string.filter(|d| !d.is_empty()) {
        metadata.push(("doc_string".to_string(), doc));
    }
    let opsets: Vec<(String, i64)> = header
        .opset_import
        .iter()
        .map(|o| (o.domain().to_string(), o.version()))
        .collect();
    for (domain, version) in &opsets {
        let domain = if domain.is_empty() { "ai.onnx" } else { domain };
        metadata.push((format!("opset {domain}"), version.to_string()));
    }
    for entry in &header.metadata_props {
        metadata.push((entry.key().to_string(), entry.value().to_string()));
    }

    let functions = header.functions.into_iter().map(function).collect();
    let name = if graph.name.is_empty() {
        file_stem(&file.name)
    } else {
        graph.name.clone()
    };
    Model {
        format: ModelFormat::Onnx,
        name,
        metadata,
        opsets,
        graph,
        functions,
        warnings: Vec::new(),
    }
}

fn file_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rfind('.') {
        Some(dot) if dot > 0 => base[..dot].to_string(),
        _ => base.to_string(),
    }
}

pub(super) fn graph(proto: pb::GraphProto) -> Graph {
    let name = proto.name.unwrap_or_default();
    let parts = GraphParts {
        name: &name,
        initializer: proto.initializer.into_iter().map(Ok),
        sparse_initializer: proto.sparse_initializer,
        input: &proto.input,
        value_info: proto.value_info.into_iter().map(Ok),
        node: proto.node.into_iter().map(Ok),
        output: &proto.output,
    };
    match graph_of_parts::<Infallible>(parts) {
        Ok(graph) => graph,
        Err(never) => match never {},
    }
}

/// [`graph`] from a lazily decoded GraphProto: each node, initializer and value_info is decoded
/// when its turn comes and dropped once converted; an error names its offset in the file.
fn lazy_graph(file: &InputFile, proto: pb::LazyGraphProto) -> Result<Graph, ImportError> {
    let name = proto.name.unwrap_or_default();
    let parts = GraphParts {
        name: &name,
        initializer: proto
            .initializer
            .into_iter()
            .map(decoder(file, "initializer")),
        sparse_initializer: proto.sparse_initializer,
        input: &proto.input,
        value_info: proto
            .value_info
            .into_iter()
            .map(decoder(file, "value_info")),
        node: proto.node.into_iter().map(decoder(file, "node")),
        output: &proto.output,
    };
    graph_of_parts(parts)
}

/// Decodes a part of the file's top graph's `field` (a slice of the file).
fn decoder<'a, M: prost::Message + Default>(
    file: &'a InputFile,
    field: &'static str,
) -> impl Fn(Bytes) -> Result<M, ImportError> + 'a {
    move |part| {
        decode_part(
            file,
            "ONNX",
            &part,
            &[("ModelProto", "graph"), ("GraphProto", field)],
        )
    }
}

/// A GraphProto's fields, with the long lists as iterators of messages that may still fail to
/// decode (`E`), in the order the conversion takes them.
struct GraphParts<'a, I, V, N> {
    name: &'a str,
    initializer: I,
    sparse_initializer: Vec<pb::SparseTensorProto>,
    input: &'a [pb::ValueInfoProto],
    value_info: V,
    node: N,
    output: &'a [pb::ValueInfoProto],
}

fn graph_of_parts<E>(
    parts: GraphParts<
        '_,
        impl Iterator<Item = Result<pb::TensorProto, E>>,
        impl Iterator<Item = Result<pb::ValueInfoProto, E>>,
        impl Iterator<Item = Result<pb::NodeProto, E>>,
    >,
) -> Result<Graph, E> {
    let mut builder = GraphBuilder::new(parts.name);

    for init in parts.initializer {
        let init = init?;
        let id = builder.tensor(init.name());
        fill_weight(builder.tensor_mut(id), &init);
    }
    for sparse in parts.sparse_initializer {
        let Some(values) = sparse.values.as_ref() else {
            continue;
        };
        let id = builder.tensor(values.name());
        let tensor = builder.tensor_mut(id);
        tensor.kind = TensorKind::Weight;
        tensor.dtype = dtype(values.data_type());
        tensor.shape = Some(Shape::from_known(&sparse.dims));
        tensor.byte_size = Some(
            payload_size(values).unwrap_or(0)
                + sparse.indices.as_ref().and_then(payload_size).unwrap_or(0),
        );
    }

    let mut inputs = Vec::new();
    for info in parts.input {
        let id = builder.tensor(info.name());
        let tensor = builder.tensor_mut(id);
        apply_type(tensor, info.r#type.as_ref());
        // Before IR version 4 initializers were also listed as inputs; they are weights, not
        // inputs the caller feeds.
        if tensor.kind != TensorKind::Weight {
            tensor.kind = TensorKind::Input;
            inputs.push(id);
        }
    }
    for info in parts.value_info {
        let info = info?;
        let id = builder.tensor(info.name());
        apply_type(builder.tensor_mut(id), info.r#type.as_ref());
    }

    let mut subgraphs = Vec::new();
    for node_proto in parts.node {
        let node_id = builder.node_count();
        let node = node(&mut builder, node_proto?, node_id, &mut subgraphs);
        builder.add_node(node);
    }

    let mut outputs = Vec::new();
    for info in parts.output {
        let id = builder.tensor(info.name());
        apply_type(builder.tensor_mut(id), info.r#type.as_ref());
        outputs.push(id);
    }

    let graph = builder.graph_mut();
    graph.inputs = inputs;
    graph.outputs = outputs;
    graph.subgraphs = subgraphs;
    Ok(builder.finish())
}

fn function(proto: pb::FunctionProto) -> Graph {
    let mut builder = GraphBuilder::new(proto.name());
    let inputs: Vec<_> = proto
        .input
        .iter()
        .map(|name| builder.tensor(name))
        .collect();
    for &id in &inputs {
        builder.tensor_mut(id).kind = TensorKind::Input;
    }
    let mut subgraphs = Vec::new();
    for node_proto in proto.node {
        let node_id = builder.node_count();
        let node = node(&mut builder, node_proto, node_id, &mut subgraphs);
        builder.add_node(node);
    }
    let outputs = proto
        .output
        .iter()
        .map(|name| builder.tensor(name))
        .collect();
    let graph = builder.graph_mut();
    graph.inputs = inputs;
    graph.outputs = outputs;
    graph.subgraphs = subgraphs;
    builder.finish()
}

fn node(
    builder: &mut GraphBuilder,
    proto: pb::NodeProto,
    node_id: usize,
    subgraphs: &mut Vec<Subgraph>,
) -> Node {
    let inputs = proto
        .input
        .iter()
        .map(|name| (!name.is_empty()).then(|| builder.tensor(name)))
        .collect();
    let outputs = proto
        .output
        .iter()
        .map(|name| {
            // An empty name is an omitted optional output: it must not link to anything.
            if name.is_empty() {
                builder.fresh_tensor("")
            } else {
                builder.tensor(name)
            }
        })
        .collect::<Vec<_>>();

    let is_constant = proto.op_type() == "Constant";
    let mut attrs = Vec::with_capacity(proto.attribute.len());
    for attribute in proto.attribute {
        let name = attribute.name().to_string();
        let value = attr_value(attribute, node_id, &name, subgraphs);
        attrs.push(Attr { name, value });
    }

    // A Constant's value is known at import: give its output the shape, dtype and small values
    // so later stages treat it like an initializer.
    if is_constant {
        if let (Some(&out), Some(meta)) = (outputs.first(), constant_meta(&attrs)) {
            let tensor = builder.tensor_mut(out);
            tensor.dtype = meta.dtype;
            tensor.shape = Some(meta.shape.clone());
            tensor.value = meta.value.clone();
        }
    }

    let name = proto.name.unwrap_or_default();
    Node {
        scope: scope_of(&name),
        name,
        op_type: proto.op_type.unwrap_or_default(),
        domain: proto.domain.unwrap_or_default(),
        attrs,
        inputs,
        outputs,
        control_inputs: Vec::new(),
    }
}

fn constant_meta(attrs: &[Attr]) -> Option<TensorMeta> {
    attrs
        .iter()
        .find_map(|attr| match (&attr.name[..], &attr.value) {
            ("value", AttrValue::Tensor(meta)) => Some(meta.clone()),
            ("value_int", AttrValue::Int(v)) => Some(TensorMeta {
                dtype: DType::I64,
                shape: Shape::default(),
                byte_size: Some(8),
                value: Some(ConstValue::Ints(vec![*v])),
            }),
            ("value_ints", AttrValue::Ints(v)) => Some(TensorMeta {
                dtype: DType::I64,
                shape: Shape::from_known(&[v.len() as i64]),
                byte_size: Some(8 * v.len() as u64),
                value: Some(ConstValue::Ints(v.clone())),
            }),
            ("value_float", AttrValue::Float(v)) => Some(TensorMeta {
                dtype: DType::F32,
                shape: Shape::default(),
                byte_size: Some(4),
                value: Some(ConstValue::Floats(vec![*v])),
            }),
            ("value_floats", AttrValue::Floats(v)) => Some(TensorMeta {
                dtype: DType::F32,
                shape: Shape::from_known(&[v.len() as i64]),
                byte_size: Some(4 * v.len() as u64),
                value: Some(ConstValue::Floats(v.clone())),
            }),
            _ => None,
        })
}

/// Moved to the IR so every importer shares it.
pub(crate) use crate::ir::scope_of;

fn attr_value(
    proto: pb::AttributeProto,
    node_id: usize,
    name: &str,
    subgraphs: &mut Vec<Subgraph>,
) -> AttrValue {
    use pb::attribute_proto::AttributeType as T;
    if let Some(reference) = proto.ref_attr_name.as_ref().filter(|r| !r.is_empty()) {
        return AttrValue::Other(format!("reference to function attribute {reference}"));
    }
    let kind = match proto.r#type {
        Some(_) => proto.r#type(),
        None => guess_type(&proto),
    };
    let mut push_graph = |graph_proto: pb::GraphProto| {
        subgraphs.push(Subgraph {
            owner: Some(node_id),
            attr: name.to_string(),
            graph: graph(graph_proto),
        });
        subgraphs.len() - 1
    };
    match kind {
        T::Float => AttrValue::Float(f64::from(proto.f())),
        T::Int => AttrValue::Int(proto.i()),
        T::String => AttrValue::String(String::from_utf8_lossy(proto.s()).into_owned()),
        T::Tensor => match &proto.t {
            Some(t) => AttrValue::Tensor(tensor_meta(t)),
            None => AttrValue::Other("missing tensor".to_string()),
        },
        T::Graph => match proto.g {
            Some(g) => AttrValue::Graph(push_graph(g)),
            None => AttrValue::Other("missing graph".to_string()),
        },
        T::SparseTensor => match &proto.sparse_tensor {
            Some(sparse) => AttrValue::Tensor(sparse_meta(sparse)),
            None => AttrValue::Other("missing sparse tensor".to_string()),
        },
        T::TypeProto => AttrValue::Other(type_text(proto.tp.as_ref())),
        T::Floats => AttrValue::Floats(proto.floats.iter().map(|&f| f64::from(f)).collect()),
        T::Ints => AttrValue::Ints(proto.ints),
        T::Strings => AttrValue::Strings(
            proto
                .strings
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect(),
        ),
        T::Tensors => AttrValue::Tensors(proto.tensors.iter().map(tensor_meta).collect()),
        T::Graphs => AttrValue::Graphs(proto.graphs.into_iter().map(push_graph).collect()),
        T::SparseTensors => {
            AttrValue::Tensors(proto.sparse_tensors.iter().map(sparse_meta).collect())
        }
        T::TypeProtos => AttrValue::Strings(
            proto
                .type_protos
                .iter()
                .map(|tp| type_text(Some(tp)))
                .collect(),
        ),
        T::Undefined => AttrValue::Other("undefined".to_string()),
    }
}

/// Very old files (IR version 1) omit `type`; the populated field tells.
fn guess_type(proto: &pb::AttributeProto) -> pb::attribute_proto::AttributeType {
    use pb::attribute_proto::AttributeType as T;
    if proto.f.is_some() {
        T::Float
    } else if proto.i.is_some() {
        T::Int
    } else if proto.s.is_some() {
        T::String
    } else if proto.t.is_some() {
        T::Tensor
    } else if proto.g.is_some() {
        T::Graph
    } else if !proto.floats.is_empty() {
        T::Floats
    } else if !proto.ints.is_empty() {
        T::Ints
    } else if !proto.strings.is_empty() {
        T::Strings
    } else if !proto.tensors.is_empty() {
        T::Tensors
    } else if !proto.graphs.is_empty() {
        T::Graphs
    } else {
        T::Undefined
    }
}

pub(super) fn dtype(code: i32) -> DType {
    DType::from_onnx_code(i64::from(code))
}

fn apply_type(tensor: &mut Tensor, type_proto: Option<&pb::TypeProto>) {
    use pb::type_proto::Value;
    let Some(value) = type_proto.and_then(|tp| tp.value.as_ref()) else {
        return;
    };
    match value {
        Value::TensorType(t) => {
            tensor.dtype = dtype(t.elem_type());
            if let Some(shape) = &t.shape {
                tensor.shape = Some(shape_of(shape));
            }
        }
        Value::SparseTensorType(t) => {
            tensor.dtype = dtype(t.elem_type());
            if let Some(shape) = &t.shape {
                tensor.shape = Some(shape_of(shape));
            }
        }
        // Sequences, maps and optionals have no single shape; the dtype stays unknown.
        Value::SequenceType(_)
        | Value::MapType(_)
        | Value::OptionalType(_)
        | Value::OpaqueType(_) => {}
    }
}

fn shape_of(proto: &pb::TensorShapeProto) -> Shape {
    use pb::tensor_shape_proto::dimension::Value;
    Shape(
        proto
            .dim
            .iter()
            .map(|d| match &d.value {
                Some(Value::DimValue(v)) => Dim::Known(*v),
                Some(Value::DimParam(p)) if !p.is_empty() => Dim::Symbolic(p.clone()),
                _ => Dim::Unknown,
            })
            .collect(),
    )
}

fn type_text(type_proto: Option<&pb::TypeProto>) -> String {
    use pb::type_proto::Value;
    match type_proto.and_then(|tp| tp.value.as_ref()) {
        Some(Value::TensorType(t)) => format!(
            "tensor({}){}",
            dtype(t.elem_type()),
            t.shape
                .as_ref()
                .map(|s| shape_of(s).to_string())
                .unwrap_or_default()
        ),
        Some(Value::SequenceType(s)) => {
            format!("sequence({})", type_text(s.elem_type.as_deref()))
        }
        Some(Value::MapType(m)) => format!(
            "map({}, {})",
            dtype(m.key_type()),
            type_text(m.value_type.as_deref())
        ),
        Some(Value::OptionalType(o)) => {
            format!("optional({})", type_text(o.elem_type.as_deref()))
        }
        Some(Value::SparseTensorType(t)) => format!("sparse_tensor({})", dtype(t.elem_type())),
        Some(Value::OpaqueType(o)) => format!("opaque({}.{})", o.domain(), o.name()),
        None => "unknown type".to_string(),
    }
}

/// Payload bytes of a tensor as stored: raw bytes, packed ints, or what dims and dtype imply.
fn payload_size(proto: &pb::TensorProto) -> Option<u64> {
    if let Some(raw) = &proto.raw_data {
        return Some(raw.len() as u64);
    }
    Tensor::computed_byte_size(dtype(proto.data_type()), &Shape::from_known(&proto.dims))
}

fn tensor_meta(proto: &pb::TensorProto) -> TensorMeta {
    let dtype = dtype(proto.data_type());
    TensorMeta {
        dtype,
        shape: Shape::from_known(&proto.dims),
        byte_size: payload_size(proto),
        value: small_value(proto, dtype),
    }
}

fn sparse_meta(proto: &pb::SparseTensorProto) -> TensorMeta {
    let values = proto.values.as_ref();
    TensorMeta {
        dtype: values.map(|v| dtype(v.data_type())).unwrap_or_default(),
        shape: Shape::from_known(&proto.dims),
        byte_size: values.and_then(payload_size),
        value: None,
    }
}

fn fill_weight(tensor: &mut Tensor, proto: &pb::TensorProto) {
    let meta = tensor_meta(proto);
    tensor.kind = TensorKind::Weight;
    tensor.dtype = meta.dtype;
    tensor.shape = Some(meta.shape);
    tensor.value = meta.value;
    tensor.byte_size = meta.byte_size;
    if proto.data_location() == pb::tensor_proto::DataLocation::External {
        let entry = |key: &str| {
            proto
                .external_data
                .iter()
                .find(|e| e.key() == key)
                .map(|e| e.value().to_string())
        };
        let length = entry("length").and_then(|v| v.parse().ok());
        tensor.external = Some(ExternalData {
            location: entry("location").unwrap_or_default(),
            offset: entry("offset").and_then(|v| v.parse().ok()),
            length,
        });
        let computed = Tensor::computed_byte_size(
            meta.dtype,
            tensor.shape.as_ref().unwrap_or(&Shape::default()),
        );
        tensor.byte_size = length.or(computed);
    }
}

/// Values of small integer and float tensors (shape parameters, scales); bigger ones are weights
/// and stay in the file.
fn small_value(proto: &pb::TensorProto, dtype: DType) -> Option<ConstValue> {
    let count = Shape::from_known(&proto.dims).element_count()?;
    if count > ConstValue::MAX_ELEMENTS as u64 {
        return None;
    }
    let count = count as usize;
    if let Some(raw) = proto.raw_data.as_ref() {
        return ConstValue::from_le_bytes(raw, dtype, count);
    }
    match dtype {
        DType::I64 if proto.int64_data.len() == count => {
            Some(ConstValue::Ints(proto.int64_data.clone()))
        }
        DType::I32 if proto.int32_data.len() == count => Some(ConstValue::Ints(
            proto.int32_data.iter().map(|&v| i64::from(v)).collect(),
        )),
        _ => None,
    }
}
