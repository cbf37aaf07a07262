//! A read [`Net`] (plus, optionally, the blob shapes of a paired caffemodel) → IR [`Model`].
//!
//! Caffe wires layers by blob name, and in-place layers (ReLU, BatchNorm, Scale, Dropout with
//! `top == bottom`) write the blob they read. Every top therefore gets a tensor of its own: a
//! top whose name is already bound gets a fresh tensor and the name is rebound to it, so later
//! bottoms read the newest value. Every node reads only tensors that existed before it, so the
//! graph is acyclic whatever the file says.

use std::borrow::Cow;
use std::collections::HashMap;

use super::net::{Layer, Net};
use crate::ir::{
    scope_of, DType, GraphBuilder, Model, ModelFormat, Node, Shape, Tensor, TensorId, TensorKind,
};

/// Blob shapes of a `.caffemodel` by layer name, to give a prototxt's layers their weights.
pub(super) struct Weights {
    pub file: String,
    pub by_layer: HashMap<String, Vec<Vec<i64>>>,
}

/// Where the layers' weight tensors come from.
pub(super) enum Blobs {
    /// The net's own blobs are all there is (a caffemodel read alone): a layer without blobs has
    /// no weights.
    InFile,
    /// A prototxt: its own blobs if it states any, else the blobs its layer type implies, as
    /// weight tensors of unknown shape (for shape inference to size).
    Implied,
    /// A prototxt with a caffemodel: the caffemodel's layer of the same name, else as `Implied`.
    Paired(Weights),
}

/// Converts `net` read from `file_name`; `warnings` are the reader's, already naming the file.
pub(super) fn model(file_name: &str, net: Net, blobs: Blobs, mut warnings: Vec<String>) -> Model {
    let implied = !matches!(blobs, Blobs::InFile);
    let weights = match blobs {
        Blobs::Paired(weights) => Some(weights),
        Blobs::InFile | Blobs::Implied => None,
    };
    let mut metadata = Vec::new();
    let layer_kind = match (net.n_v1_layers, net.n_v2_layers) {
        (0, _) => "layer",
        (_, 0) => "layers (V1)",
        _ => "layer and layers (V1)",
    };
    metadata.push(("layer format".to_string(), layer_kind.to_string()));
    if net.n_v1_layers > 0 && net.n_v2_layers > 0 {
        warnings.push(format!(
            "{file_name}: the net mixes V1 `layers` ({}) and `layer` ({}), which Caffe refuses; the V1 layers were read first",
            net.n_v1_layers, net.n_v2_layers
        ));
    }
    for note in &net.notes {
        warnings.push(format!("{file_name}: {note}"));
    }
    if let Some(weights) = &weights {
        metadata.push(("weights".to_string(), weights.file.clone()));
    }

    let name = if net.name.is_empty() {
        file_stem(file_name)
    } else {
        net.name.clone()
    };
    let mut builder = GraphBuilder::new(&name);
    let mut graph_inputs = Vec::new();
    declare_inputs(
        &mut builder,
        &net,
        file_name,
        &mut graph_inputs,
        &mut warnings,
    );

    let mut excluded = Vec::new();
    let (weights_file, mut by_layer) = match weights {
        Some(weights) => (Some(weights.file), weights.by_layer),
        None => (None, HashMap::new()),
    };
    let (level, stages) = (net.state_level, net.state_stages);
    for (layer_idx, mut layer) in net.layers.into_iter().enumerate() {
        if !layer.included(level, &stages) {
            excluded.push(layer.name);
            continue;
        }
        // Matched blobs leave the map, so what is left at the end matched no layer.
        let blobs = match by_layer.remove(&layer.name) {
            Some(blobs) => LayerBlobs::Shaped(blobs),
            None if !layer.blobs.is_empty() || !implied => {
                LayerBlobs::Shaped(std::mem::take(&mut layer.blobs))
            }
            None => LayerBlobs::Unshaped(implied_blob_count(&layer)),
        };
        let node = layer_node(
            &mut builder,
            layer,
            layer_idx,
            blobs,
            file_name,
            &mut graph_inputs,
            &mut warnings,
        );
        builder.add_node(node);
    }
    if !excluded.is_empty() {
        warnings.push(format!(
            "{file_name}: {} layers are not part of the TEST-phase (deploy) net and were left out by their include/exclude rules: {}",
            excluded.len(),
            name_list(&excluded)
        ));
    }
    if let Some(weights_file) = weights_file {
        let mut unused: Vec<String> = by_layer.into_keys().collect();
        unused.sort();
        if !unused.is_empty() {
            warnings.push(format!(
                "{weights_file}: {} layers with weights have no layer of that name in {file_name} and were ignored: {}",
                unused.len(),
                name_list(&unused)
            ));
        }
    }

    let mut graph = builder.finish();
    graph.inputs = graph_inputs;
    // Graph outputs: produced tensors that no layer reads, as Caffe's net outputs are.
    graph.outputs = graph
        .tensors
        .iter()
        .enumerate()
        .filter(|(_, t)| t.producer.is_some() && t.consumers.is_empty())
        .map(|(id, _)| id)
        .collect();
    Model {
        format: ModelFormat::Caffe,
        name,
        metadata,
        opsets: Vec::new(),
        graph,
        functions: Vec::new(),
        warnings,
    }
}

/// Old-style `input:` declarations become graph inputs (not nodes), shaped by the matching
/// `input_shape`, or by four `input_dim`s each.
fn declare_inputs(
    builder: &mut GraphBuilder,
    net: &Net,
    file_name: &str,
    graph_inputs: &mut Vec<TensorId>,
    warnings: &mut Vec<String>,
) {
    let n_inputs = net.inputs.len();
    if !net.input_shapes.is_empty() && net.input_shapes.len() != n_inputs {
        warnings.push(format!(
            "{file_name}: {} `input_shape`s for {n_inputs} inputs; shapes were given to inputs in order",
            net.input_shapes.len()
        ));
    }
    if !net.input_dims.is_empty() && net.input_dims.len() != 4 * n_inputs {
        warnings.push(format!(
            "{file_name}: {} `input_dim`s for {n_inputs} inputs (Caffe wants 4 each); dims were given to inputs in order",
            net.input_dims.len()
        ));
    }
    for (input_idx, input_name) in net.inputs.iter().enumerate() {
        let shape = net.input_shapes.get(input_idx).cloned().or_else(|| {
            let start = input_idx * 4;
            net.input_dims.get(start..start + 4).map(<[i64]>::to_vec)
        });
        if shape.is_none() {
            warnings.push(format!(
                "{file_name}: input `{input_name}` has no `input_shape` or `input_dim`; its shape is unknown"
            ));
        }
        let id = output_tensor(builder, input_name);
        let tensor = builder.tensor_mut(id);
        tensor.kind = TensorKind::Input;
        tensor.dtype = DType::F32;
        tensor.shape = shape.map(|dims| Shape::from_known(&dims));
        graph_inputs.push(id);
    }
}

/// The weights of one layer: stated shapes, or a number of blobs of unknown shape.
enum LayerBlobs {
    Shaped(Vec<Vec<i64>>),
    Unshaped(usize),
}

/// How many parameter blobs a layer of this type allocates in Caffe's `LayerSetUp` (0 for types
/// without learned parameters and for types we do not know).
fn implied_blob_count(layer: &Layer) -> usize {
    let flag = |name: &str, default: bool| match layer.attrs.iter().find(|a| a.name == name) {
        Some(attr) => attr.value.as_int().is_some_and(|v| v != 0),
        None => default,
    };
    let single_bottom = usize::from(layer.bottoms.len() < 2);
    match layer.op_type.as_str() {
        "Convolution"
        | "Deconvolution"
        | "ConvolutionDepthwise"
        | "DepthwiseConvolution"
        | "InnerProduct"
        | "Embed" => 1 + usize::from(flag("bias_term", true)),
        "BatchNorm" => 3,
        "Scale" => single_bottom + usize::from(flag("bias_term", false)),
        "Bias" => single_bottom,
        "PReLU" | "Normalize" => 1,
        _ => 0,
    }
}

fn layer_node(
    builder: &mut GraphBuilder,
    layer: Layer,
    layer_idx: usize,
    blobs: LayerBlobs,
    file_name: &str,
    graph_inputs: &mut Vec<TensorId>,
    warnings: &mut Vec<String>,
) -> Node {
    let label: Cow<str> = if layer.name.is_empty() {
        Cow::Owned(format!("#{layer_idx}"))
    } else {
        Cow::Borrowed(&layer.name)
    };
    let mut inputs = Vec::with_capacity(layer.bottoms.len() + 3);
    for bottom in &layer.bottoms {
        let id = match builder.lookup(bottom) {
            Some(id) => id,
            None => {
                warnings.push(format!(
                    "{file_name}: layer `{label}` reads blob `{bottom}`, which no earlier layer writes and no input declares"
                ));
                let id = builder.tensor(bottom);
                builder.tensor_mut(id).dtype = DType::F32;
                id
            }
        };
        inputs.push(Some(id));
    }
    let shapes: Vec<Option<Vec<i64>>> = match blobs {
        LayerBlobs::Shaped(shapes) => shapes.into_iter().map(Some).collect(),
        LayerBlobs::Unshaped(count) => vec![None; count],
    };
    for (blob_idx, dims) in shapes.into_iter().enumerate() {
        let id = builder.fresh_tensor(&format!("{label}/{blob_idx}"));
        let shape = dims.map(|dims| Shape::from_known(&dims));
        let tensor = builder.tensor_mut(id);
        tensor.kind = TensorKind::Weight;
        tensor.dtype = DType::F32;
        tensor.byte_size = shape
            .as_ref()
            .and_then(|shape| Tensor::computed_byte_size(DType::F32, shape));
        tensor.shape = shape;
        inputs.push(Some(id));
    }
    let mut outputs = Vec::with_capacity(layer.tops.len());
    for top in &layer.tops {
        let rebinds = builder.lookup(top).is_some();
        if rebinds && !layer.bottoms.contains(top) {
            warnings.push(format!(
                "{file_name}: layer `{label}` writes blob `{top}`, which an earlier layer or input already wrote; later layers read the new value"
            ));
        }
        let id = output_tensor(builder, top);
        builder.tensor_mut(id).dtype = DType::F32;
        outputs.push(id);
    }
    if layer.op_type == "Input" {
        if !layer.input_shapes.is_empty()
            && layer.input_shapes.len() != 1
            && layer.input_shapes.len() != layer.tops.len()
        {
            warnings.push(format!(
                "{file_name}: Input layer `{label}` has {} shapes for {} tops; shapes were given in order",
                layer.input_shapes.len(),
                layer.tops.len()
            ));
        }
        for (top_idx, &id) in outputs.iter().enumerate() {
            // One shape serves every top; otherwise one shape per top.
            let dims = if layer.input_shapes.len() == 1 {
                layer.input_shapes.first()
            } else {
                layer.input_shapes.get(top_idx)
            };
            let tensor = builder.tensor_mut(id);
            tensor.kind = TensorKind::Input;
            tensor.shape = dims.map(|d| Shape::from_known(d));
            graph_inputs.push(id);
        }
    }
    if layer.op_type.is_empty() {
        warnings.push(format!("{file_name}: layer `{label}` has no type"));
    }
    Node {
        scope: scope_of(&layer.name),
        name: layer.name,
        op_type: layer.op_type,
        domain: String::new(),
        attrs: layer.attrs,
        inputs,
        outputs,
        control_inputs: Vec::new(),
    }
}

/// A tensor for a value written under `name`: new, and bound to the name from now on.
fn output_tensor(builder: &mut GraphBuilder, name: &str) -> TensorId {
    if builder.lookup(name).is_some() {
        let id = builder.fresh_tensor(name);
        builder.rebind(name, id);
        id
    } else {
        builder.tensor(name)
    }
}

/// Up to ten names, then a count of the rest.
fn name_list(names: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

pub(super) fn file_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rfind('.') {
        Some(dot) if dot > 0 => base[..dot].to_string(),
        _ => base.to_string(),
    }
}
