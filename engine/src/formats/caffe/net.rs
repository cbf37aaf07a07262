//! A decoded `NetParameter` (text or binary, full schema or the lenient `NetCore`), read
//! reflectively into plain structs: names, wiring, phase rules, blob shapes, and every field of
//! every `*_param` message as a typed attribute. Reading fields by name lets one reader serve
//! `layer` and V1 `layers` (same names, other numbers) and all the forks' parameter messages.

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, Value};

use crate::ir::{Attr, AttrValue};

/// A net with its layers in file order (V1 `layers` first when a file has both kinds).
#[derive(Debug, Clone, Default)]
pub(super) struct Net {
    pub name: String,
    /// Old-style `input:` declarations with their `input_shape`s or `input_dim`s.
    pub inputs: Vec<String>,
    pub input_shapes: Vec<Vec<i64>>,
    pub input_dims: Vec<i64>,
    /// `state { level stage }`, for the include / exclude rules (the phase is always TEST).
    pub state_level: i64,
    pub state_stages: Vec<String>,
    pub layers: Vec<Layer>,
    pub n_v1_layers: usize,
    pub n_v2_layers: usize,
    /// Oddities met while reading (unknown V1 type numbers), as messages without the file name.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Layer {
    pub name: String,
    /// The V2 type string (`Convolution`); V1 enum values are mapped to it.
    pub op_type: String,
    pub bottoms: Vec<String>,
    pub tops: Vec<String>,
    /// Shapes of the layer's stored blobs (weights), in blob order.
    pub blobs: Vec<Vec<i64>>,
    pub include: Vec<Rule>,
    pub exclude: Vec<Rule>,
    pub attrs: Vec<Attr>,
    /// `input_param.shape` of an `Input` layer.
    pub input_shapes: Vec<Vec<i64>>,
}

/// A `NetStateRule`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Rule {
    /// `Some(true)` for TEST, `Some(false)` for TRAIN.
    pub test_phase: Option<bool>,
    pub min_level: Option<i64>,
    pub max_level: Option<i64>,
    pub stages: Vec<String>,
    pub not_stages: Vec<String>,
}

impl Rule {
    /// Caffe's `Net::StateMeetsRule` for the TEST phase at `level` with `stages`.
    pub fn met_by(&self, level: i64, stages: &[String]) -> bool {
        self.test_phase != Some(false)
            && self.min_level.is_none_or(|min| level >= min)
            && self.max_level.is_none_or(|max| level <= max)
            && self.stages.iter().all(|s| stages.contains(s))
            && !self.not_stages.iter().any(|s| stages.contains(s))
    }
}

impl Layer {
    /// Caffe's `Net::FilterNet`: excluded if an exclude rule is met, unless an include rule is;
    /// a layer with include rules is in only when one of them is met.
    pub fn included(&self, level: i64, stages: &[String]) -> bool {
        let mut included = self.include.is_empty();
        if self.exclude.iter().any(|rule| rule.met_by(level, stages)) {
            included = false;
        }
        if self.include.iter().any(|rule| rule.met_by(level, stages)) {
            included = true;
        }
        included
    }
}

/// V1 `LayerType` enum names and the type strings Caffe's `UpgradeV1LayerType` gives them
/// (plus the forks' values our schema declares).
const V1_TYPES: &[(&str, &str)] = &[
    ("NONE", ""),
    ("ABSVAL", "AbsVal"),
    ("ACCURACY", "Accuracy"),
    ("ARGMAX", "ArgMax"),
    ("BNLL", "BNLL"),
    ("CONCAT", "Concat"),
    ("CONTRASTIVE_LOSS", "ContrastiveLoss"),
    ("CONVOLUTION", "Convolution"),
    ("DATA", "Data"),
    ("DECONVOLUTION", "Deconvolution"),
    ("DROPOUT", "Dropout"),
    ("DUMMY_DATA", "DummyData"),
    ("EUCLIDEAN_LOSS", "EuclideanLoss"),
    ("ELTWISE", "Eltwise"),
    ("EXP", "Exp"),
    ("FLATTEN", "Flatten"),
    ("HDF5_DATA", "HDF5Data"),
    ("HDF5_OUTPUT", "HDF5Output"),
    ("HINGE_LOSS", "HingeLoss"),
    ("IM2COL", "Im2col"),
    ("IMAGE_DATA", "ImageData"),
    ("INFOGAIN_LOSS", "InfogainLoss"),
    ("INNER_PRODUCT", "InnerProduct"),
    ("LRN", "LRN"),
    ("MEMORY_DATA", "MemoryData"),
    ("MULTINOMIAL_LOGISTIC_LOSS", "MultinomialLogisticLoss"),
    ("MVN", "MVN"),
    ("POOLING", "Pooling"),
    ("POWER", "Power"),
    ("RELU", "ReLU"),
    ("SIGMOID", "Sigmoid"),
    ("SIGMOID_CROSS_ENTROPY_LOSS", "SigmoidCrossEntropyLoss"),
    ("SILENCE", "Silence"),
    ("SOFTMAX", "Softmax"),
    ("SOFTMAX_LOSS", "SoftmaxWithLoss"),
    ("SPLIT", "Split"),
    ("SLICE", "Slice"),
    ("TANH", "TanH"),
    ("WINDOW_DATA", "WindowData"),
    ("THRESHOLD", "Threshold"),
    ("CROP", "Crop"),
    ("QUANT", "Quant"),
    ("DEQUANT", "Dequant"),
];

/// The V2 type string of a V1 enum value name, if it is one Caffe knows.
pub(super) fn v1_type_string(enum_name: &str) -> Option<&'static str> {
    V1_TYPES
        .iter()
        .find(|(name, _)| *name == enum_name)
        .map(|&(_, type_string)| type_string)
}

/// Reads a `caffe.NetParameter` or `caffe.NetCore` message. Every message is read in one pass
/// over its set fields, dispatching on the field name: no per-field lookups by name.
pub(super) fn read_net(message: &DynamicMessage) -> Net {
    let mut net = Net::default();
    read_net_part(&mut net, message);
    net
}

/// Adds a message holding some of a net's top-level fields to `net` (text files are parsed in
/// groups of top-level fields): lists grow, a later name or state replaces an earlier one.
pub(super) fn read_net_part(net: &mut Net, message: &DynamicMessage) {
    for (field, value) in message.fields() {
        match field.name() {
            "name" => net.name = string_of(value),
            "input" => net.inputs.extend(string_list(value)),
            "input_shape" => net.input_shapes.extend(message_list(value).map(blob_shape)),
            "input_dim" => net.input_dims.extend(int_list(value)),
            "state" => {
                let state_fields = value.as_message().into_iter().flat_map(|m| m.fields());
                for (state_field, state_value) in state_fields {
                    match state_field.name() {
                        "level" => net.state_level = int_of(state_value).unwrap_or(0),
                        "stage" => net.state_stages = string_list(state_value),
                        _ => {}
                    }
                }
            }
            "layers" => {
                for layer in message_list(value) {
                    let layer = read_layer(layer, true, &mut net.notes);
                    // V1 layers go before any `layer` (Caffe refuses nets with both).
                    net.layers.insert(net.n_v1_layers, layer);
                    net.n_v1_layers += 1;
                }
            }
            "layer" => {
                for layer in message_list(value) {
                    net.layers.push(read_layer(layer, false, &mut net.notes));
                    net.n_v2_layers += 1;
                }
            }
            _ => {}
        }
    }
}

fn read_layer(message: &DynamicMessage, v1: bool, notes: &mut Vec<String>) -> Layer {
    let mut layer = Layer::default();
    let mut v1_type_number = None;
    for (field, value) in message.fields() {
        let name = field.name();
        match name {
            "name" => layer.name = string_of(value),
            "type" if v1 => v1_type_number = Some((value.as_enum_number().unwrap_or(0), field)),
            "type" => layer.op_type = string_of(value),
            "bottom" => layer.bottoms = string_list(value),
            "top" => layer.tops = string_list(value),
            "blobs" => layer.blobs = message_list(value).map(blob_proto_shape).collect(),
            "include" => layer.include = message_list(value).map(rule).collect(),
            "exclude" => layer.exclude = message_list(value).map(rule).collect(),
            _ if name.ends_with("_param") && !field.is_list() => {
                let Some(param) = value.as_message() else {
                    continue;
                };
                for (param_field, param_value) in param.fields() {
                    if name == "input_param" && param_field.name() == "shape" {
                        layer.input_shapes = message_list(param_value).map(blob_shape).collect();
                    }
                    let Some(value) = attr_value(&param_field, param_value) else {
                        continue;
                    };
                    let attr_name = param_field.name();
                    if layer.attrs.iter().all(|a| a.name != attr_name) {
                        layer.attrs.push(Attr {
                            name: attr_name.to_string(),
                            value,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((number, field)) = v1_type_number {
        layer.op_type = v1_type(number, &field, &layer.name, notes);
    }
    layer
}

fn v1_type(
    number: i32,
    field: &FieldDescriptor,
    layer_name: &str,
    notes: &mut Vec<String>,
) -> String {
    let enum_name = field
        .kind()
        .as_enum()
        .and_then(|e| e.get_value(number))
        .map(|v| v.name().to_string());
    match enum_name.as_deref().and_then(v1_type_string) {
        Some(type_string) => type_string.to_string(),
        None => {
            notes.push(format!(
                "layer `{layer_name}` has V1 layer type number {number}, which Caffe does not define"
            ));
            format!("V1Type{number}")
        }
    }
}

/// The attribute for one field of a `*_param` message: numbers, bools, strings and enum names,
/// singly or as lists (always a list for a repeated field); a `BlobShape` as its dims (a list of
/// them as `IntLists`). Other nested messages (fillers, NMS settings) are not attributes.
fn attr_value(field: &FieldDescriptor, value: &Value) -> Option<AttrValue> {
    let kind = field.kind();
    if let Some(items) = value.as_list() {
        return Some(match kind {
            Kind::Float | Kind::Double => {
                AttrValue::Floats(items.iter().filter_map(float_of).collect())
            }
            Kind::Bool => AttrValue::Bools(items.iter().filter_map(Value::as_bool).collect()),
            Kind::String => AttrValue::Strings(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            Kind::Enum(_) => {
                AttrValue::Strings(items.iter().map(|v| enum_name(&kind, v)).collect())
            }
            Kind::Message(message) if message.full_name() == "caffe.BlobShape" => {
                AttrValue::IntLists(
                    items
                        .iter()
                        .filter_map(Value::as_message)
                        .map(blob_shape)
                        .collect(),
                )
            }
            Kind::Message(_) | Kind::Bytes => return None,
            _ => AttrValue::Ints(items.iter().filter_map(int_of).collect()),
        });
    }
    Some(match kind {
        Kind::Float | Kind::Double => AttrValue::Float(float_of(value)?),
        Kind::Bool => AttrValue::Bool(value.as_bool()?),
        Kind::String => AttrValue::String(value.as_str()?.to_string()),
        Kind::Enum(_) => AttrValue::String(enum_name(&kind, value)),
        Kind::Message(message) if message.full_name() == "caffe.BlobShape" => {
            AttrValue::Ints(blob_shape(value.as_message()?))
        }
        Kind::Message(_) | Kind::Bytes => return None,
        _ => AttrValue::Int(int_of(value)?),
    })
}

fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::I32(v) => Some(i64::from(*v)),
        Value::I64(v) => Some(*v),
        Value::U32(v) => Some(i64::from(*v)),
        Value::U64(v) => i64::try_from(*v).ok(),
        Value::EnumNumber(v) => Some(i64::from(*v)),
        _ => None,
    }
}

/// Floats as the file wrote them: `0.1f32` becomes `0.1`, not `0.10000000149011612`.
fn float_of(value: &Value) -> Option<f64> {
    match value {
        Value::F32(v) => Some(v.to_string().parse().unwrap_or(f64::from(*v))),
        Value::F64(v) => Some(*v),
        _ => None,
    }
}

fn enum_name(kind: &Kind, value: &Value) -> String {
    let number = value.as_enum_number().unwrap_or(0);
    kind.as_enum()
        .and_then(|e| e.get_value(number))
        .map_or_else(|| number.to_string(), |v| v.name().to_string())
}

fn blob_shape(message: &DynamicMessage) -> Vec<i64> {
    message
        .fields()
        .find(|(field, _)| field.name() == "dim")
        .map(|(_, value)| int_list(value))
        .unwrap_or_default()
}

/// A blob's shape as Caffe's `Blob::FromProto` reads it: the legacy 4D `num`, `channels`,
/// `height`, `width` when any of them is set, else `shape` (absent means a scalar).
fn blob_proto_shape(message: &DynamicMessage) -> Vec<i64> {
    let mut legacy: [Option<i64>; 4] = [None; 4];
    let mut shape = Vec::new();
    for (field, value) in message.fields() {
        match field.name() {
            "num" => legacy[0] = int_of(value),
            "channels" => legacy[1] = int_of(value),
            "height" => legacy[2] = int_of(value),
            "width" => legacy[3] = int_of(value),
            "shape" => shape = value.as_message().map(blob_shape).unwrap_or_default(),
            _ => {}
        }
    }
    if legacy.iter().any(Option::is_some) {
        legacy.iter().map(|d| d.unwrap_or(0)).collect()
    } else {
        shape
    }
}

fn rule(message: &DynamicMessage) -> Rule {
    let mut rule = Rule::default();
    for (field, value) in message.fields() {
        match field.name() {
            "phase" => rule.test_phase = Some(value.as_enum_number() == Some(1)),
            "min_level" => rule.min_level = int_of(value),
            "max_level" => rule.max_level = int_of(value),
            "stage" => rule.stages = string_list(value),
            "not_stage" => rule.not_stages = string_list(value),
            _ => {}
        }
    }
    rule
}

/// The messages of a repeated message field.
fn message_list(value: &Value) -> impl Iterator<Item = &DynamicMessage> {
    value
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_message)
}

fn string_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

fn string_list(value: &Value) -> Vec<String> {
    value
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn int_list(value: &Value) -> Vec<i64> {
    value
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(int_of)
        .collect()
}
