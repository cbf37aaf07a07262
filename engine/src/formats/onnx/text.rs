//! ONNX in protobuf text format (`.pbtxt`, `.onnxtxt`, `.txt`): a `ModelProto` read by the shared
//! text-format reader (line and column in errors, unknown fields skipped with a warning), then
//! converted as a binary model is.
//!
//! GE writes every graph it dumps this way too (`DUMP_GE_GRAPH`: `ge_onnx_*.pbtxt` beside
//! `ge_proto_*.txt`), with `producer_name: "GE"`. Those become GE models: op types lose their
//! `ge:` domain prefix, each output's type and shape come from the op's `output_desc_dtype:N` and
//! `output_desc_shape:N` attributes (the dump has no `value_info`), and GE's own attributes (the
//! kernel library, the original op names of a fused op) stay on the nodes under their GE names,
//! where the analysis reads them as it does for `ge_proto` dumps.

use std::collections::HashSet;

use bytes::Bytes;

use super::{convert, pb};
use crate::error::ImportError;
use crate::formats::text::{self, parse_text};
use crate::formats::{Confidence, FormatSpec, InputFile};
use crate::ir::{Model, ModelFormat};

pub const TEXT_FORMAT: FormatSpec = FormatSpec {
    id: "onnx_text",
    title: "ONNX (text format)",
    extensions: &[".pbtxt", ".onnxtxt", ".onnx.txt", ".txt"],
    sniff,
    import,
};

/// Top-level fields of a text `ModelProto`.
const MODEL_FIELDS: &[&str] = &[
    "ir_version",
    "producer_name",
    "producer_version",
    "domain",
    "model_version",
    "doc_string",
    "graph",
    "opset_import",
    "metadata_props",
    "training_info",
    "functions",
];

/// How much of the file sniffing looks at.
const SNIFF_WINDOW: usize = 64 * 1024;

/// The producer name GE writes into its ONNX dumps.
const GE_PRODUCER: &str = "GE";

/// Recognises a text `ModelProto` by its field names: only ModelProto fields at the top level and
/// `node` blocks inside its `graph` (a GE `ModelDef` dump has `op` there and `name`/`version` at
/// the top, a TensorFlow pbtxt has `node` at the top, Caffe `layer`).
fn sniff(data: &[u8]) -> Confidence {
    let window = &data[..data.len().min(SNIFF_WINDOW)];
    if window.contains(&0) {
        return 0;
    }
    let mut has_graph = false;
    let mut has_node = false;
    let mut has_ir_version = false;
    let refused = text::scan_fields(window, SNIFF_WINDOW, 1, |field| {
        match field.parents {
            [] => {
                if !MODEL_FIELDS.iter().any(|f| f.as_bytes() == field.name) {
                    return Some(());
                }
                has_graph |= field.name == b"graph";
                has_ir_version |= field.name == b"ir_version";
            }
            [b"graph"] => {
                if field.name == b"op" {
                    return Some(());
                }
                has_node |= field.name == b"node";
            }
            _ => {}
        }
        None
    });
    match (refused, has_graph && has_node, has_ir_version) {
        (Some(()), _, _) => 0,
        (None, true, true) => 88,
        (None, true, false) => 75,
        // The top of a model cut short before its graph: still ours, for the reader's error.
        (None, false, true) => 35,
        (None, false, false) => 0,
    }
}

fn import(file: &InputFile) -> Result<Model, ImportError> {
    let parsed = parse_text::<pb::ModelProto>(file, "ONNX text", "onnx.ModelProto")?;
    let mut proto = parsed.message;
    let from_ge = proto.producer_name() == GE_PRODUCER;
    let controls = match proto.graph.as_mut().filter(|_| from_ge) {
        Some(graph) => ge_graph(graph),
        None => Vec::new(),
    };
    let mut model = convert::model(file, proto);
    if from_ge {
        model.format = ModelFormat::Ge;
        add_control_inputs(&mut model, controls);
        model
            .metadata
            .push(("dump".to_string(), "GE graph as ONNX text".to_string()));
    }
    model.warnings.extend(parsed.warnings);
    Ok(model)
}

/// A GE dump's graph as plain ONNX: op types without `ge:`, a `value_info` per output that the
/// op's `output_desc_*` attributes describe (outputs already described are left alone), and its
/// control inputs (`op:-1`, as GE writes them) taken out of the data inputs: returned per node
/// index as the names of the ops they wait for.
fn ge_graph(graph: &mut pb::GraphProto) -> Vec<(usize, Vec<String>)> {
    let mut controls = Vec::new();
    for (node_idx, node) in graph.node.iter_mut().enumerate() {
        let waits: Vec<String> = node
            .input
            .iter()
            .filter_map(|input| input.strip_suffix(":-1").map(str::to_string))
            .collect();
        if !waits.is_empty() {
            node.input.retain(|input| !input.ends_with(":-1"));
            controls.push((node_idx, waits));
        }
    }
    let mut described: HashSet<String> = graph
        .value_info
        .iter()
        .chain(&graph.input)
        .chain(&graph.output)
        .filter_map(|v| v.name.clone())
        .collect();
    let mut infos = Vec::new();
    for node in &mut graph.node {
        if let Some(op) = node.op_type.as_deref().and_then(|t| t.strip_prefix("ge:")) {
            node.op_type = Some(op.to_string());
        }
        for (slot, output) in node.output.iter().enumerate() {
            if output.is_empty() || described.contains(output) {
                continue;
            }
            let attr = |kind: &str| {
                let key = format!("output_desc_{kind}:{slot}");
                node.attribute.iter().find(|a| a.name() == key)
            };
            let elem_type = attr("dtype")
                .and_then(|a| a.s.as_ref())
                .and_then(onnx_code_of_ge_dtype);
            // An empty list is a scalar only when the attribute is there: GE writes `[]` for
            // scalars and unknown shapes alike, so a dtype without a shape gets no shape.
            let shape = attr("shape").map(|a| pb::TensorShapeProto {
                dim: a
                    .ints
                    .iter()
                    .map(|&d| pb::tensor_shape_proto::Dimension {
                        value: (d >= 0)
                            .then_some(pb::tensor_shape_proto::dimension::Value::DimValue(d)),
                        denotation: None,
                    })
                    .collect(),
            });
            if elem_type.is_none() && shape.is_none() {
                continue;
            }
            described.insert(output.clone());
            infos.push(pb::ValueInfoProto {
                name: Some(output.clone()),
                r#type: Some(pb::TypeProto {
                    value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                        elem_type,
                        shape,
                    })),
                    denotation: None,
                }),
                doc_string: None,
            });
        }
    }
    graph.value_info.extend(infos);
    controls
}

/// Control inputs by op name onto the IR nodes (the converter keeps the dump's node order); a
/// name no op has is a warning, as for `ge_proto` dumps.
fn add_control_inputs(model: &mut Model, controls: Vec<(usize, Vec<String>)>) {
    let by_name: std::collections::HashMap<String, usize> = model
        .graph
        .nodes
        .iter()
        .enumerate()
        .map(|(id, node)| (node.name.clone(), id))
        .collect();
    for (node_idx, waits) in controls {
        for wait in waits {
            match by_name.get(&wait) {
                Some(&source) => {
                    if let Some(node) = model.graph.nodes.get_mut(node_idx) {
                        if !node.control_inputs.contains(&source) {
                            node.control_inputs.push(source);
                        }
                    }
                }
                None => model.warnings.push(format!(
                    "control input `{wait}:-1` names no op of the graph"
                )),
            }
        }
    }
}

/// The ONNX element type of a GE dtype name (`DT_FLOAT16` → 10); `None` for `DT_UNDEFINED` and
/// names the IR does not model.
fn onnx_code_of_ge_dtype(name: &Bytes) -> Option<i32> {
    const CODES: &[(&[u8], i32)] = &[
        (b"DT_FLOAT", 1),
        (b"DT_UINT8", 2),
        (b"DT_INT8", 3),
        (b"DT_UINT16", 4),
        (b"DT_INT16", 5),
        (b"DT_INT32", 6),
        (b"DT_INT64", 7),
        (b"DT_STRING", 8),
        (b"DT_BOOL", 9),
        (b"DT_FLOAT16", 10),
        (b"DT_DOUBLE", 11),
        (b"DT_UINT32", 12),
        (b"DT_UINT64", 13),
        (b"DT_COMPLEX64", 14),
        (b"DT_COMPLEX128", 15),
        (b"DT_BF16", 16),
        (b"DT_BFLOAT16", 16),
    ];
    CODES
        .iter()
        .find(|(ge, _)| *ge == name.as_ref())
        .map(|(_, code)| *code)
}
