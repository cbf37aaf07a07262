//! The JSON form of a GE `ModelDef`, as `atc --mode=1` (om → json) and `--mode=5` (GE dump →
//! json) write it: the proto fields by name, maps as lists of `{"key", "value"}` entries.
//!
//! The reader is lenient where writers differ and strict about structure:
//! - `attr` may be a list of `{key, value}` entries or an object keyed by name;
//! - 64-bit integers may be numbers or strings, floats numbers or strings (ATC prints singular
//!   floats with `%g` into a string), enums numbers or names (`DT_FLOAT16`, `VT_LIST_INT`);
//! - singular `bytes` fields are C-escaped strings (ATC runs them through `CEscape`), repeated
//!   ones plain strings;
//! - `null` reads as the field's default, unknown fields are ignored;
//! - a value of the wrong JSON type is an error naming its line and column.

use bytes::Bytes;
use prost::Message;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::convert::{self, Extras};
use super::pb;
use crate::error::{ImportError, Location};
use crate::formats::{Confidence, InputFile};
use crate::ir::Model;

const TITLE: &str = "GE JSON";

pub(super) fn import(file: &InputFile) -> Result<Model, ImportError> {
    let data = file
        .data
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&file.data);
    let root: JModel = serde_json::from_slice(data).map_err(|err| {
        let text = err.to_string();
        // serde_json appends " at line L column C"; the location goes into the Location.
        let reason = match text.rfind(" at line ") {
            Some(cut) => text[..cut].to_string(),
            None => text,
        };
        let location = if err.line() == 0 {
            Location::default()
        } else {
            Location::line_col(err.line() as u32, err.column().max(1) as u32)
        };
        ImportError::Malformed {
            file: file.name.clone(),
            format: TITLE,
            location,
            expected: match err.classify() {
                serde_json::error::Category::Eof => {
                    format!("more JSON: the file ends early ({reason})")
                }
                serde_json::error::Category::Syntax => format!("JSON syntax ({reason})"),
                _ => format!("a GE ModelDef in JSON form ({reason})"),
            },
        }
    })?;
    let mut warnings = Vec::new();
    let def = root.into_lazy_pb(&mut warnings);
    let warnings = warnings
        .into_iter()
        .map(|w| format!("{}: {w}", file.name))
        .collect();
    let extras = Extras {
        warnings,
        ..Extras::default()
    };
    // The ops were encoded by `JOps` and decode; were one not to, say so rather than panic.
    convert::lazy_model(file, def, extras).ok_or_else(|| ImportError::Malformed {
        file: file.name.clone(),
        format: TITLE,
        location: Location::default(),
        expected: "ops that decode once converted (internal)".to_string(),
    })
}

/// How far into the file the sniffer looks for the keys of a GE graph.
const SNIFF_WINDOW: usize = 1 << 20;

/// A JSON object holding a `graph` list whose entries hold `op` lists. Keys may come in any order
/// (ATC's JSON library sorts them, so `attr` with its long lists can come first), hence the wide
/// window.
pub(super) fn sniff(data: &[u8]) -> Confidence {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let Some(first) = data.iter().find(|b| !b.is_ascii_whitespace()) else {
        return 0;
    };
    if *first != b'{' {
        return 0;
    }
    let window = &data[..data.len().min(SNIFF_WINDOW)];
    let has = |key: &[u8]| window.windows(key.len()).any(|w| w == key);
    let has_op = has(b"\"op\"");
    let has_graph = has(b"\"graph\"");
    let ge_words = [
        &b"\"input_desc\""[..],
        b"\"output_desc\"",
        b"\"val_type\"",
        b"\"stream_id\"",
        b"\"layout\"",
    ]
    .iter()
    .filter(|w| has(w))
    .count();
    match (has_graph, has_op) {
        (true, true) => 80,
        (false, true) if ge_words >= 2 && has(b"\"type\"") => 50,
        _ => 0,
    }
}

// ---- The JSON mirror of ge_ir.proto. Every field is optional: absent and null read alike. ----

#[derive(Deserialize, Default)]
#[serde(default)]
struct JModel {
    name: Option<Text>,
    version: Option<Int>,
    custom_version: Option<Text>,
    graph: Option<Vec<JGraph>>,
    attr: Option<AttrMap>,
    // A bare GraphDef (some tools dump one graph): these are its fields.
    op: Option<JOps>,
    input: Option<Vec<Text>>,
    output: Option<Vec<Text>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JGraph {
    name: Option<Text>,
    input: Option<Vec<Text>>,
    output: Option<Vec<Text>>,
    op: Option<JOps>,
    attr: Option<AttrMap>,
}

/// A graph's `op` list: each op is converted to its prost message and encoded as soon as it is
/// read, so that the JSON tree of a big model never exists whole (it was 4.6 times the graph);
/// with the conversion's warnings, in op order.
#[derive(Default)]
struct JOps {
    encoded: Vec<Bytes>,
    warnings: Vec<String>,
}

impl<'de> Deserialize<'de> for JOps {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<JOps, D::Error> {
        struct OpsVisitor;
        impl<'de> Visitor<'de> for OpsVisitor {
            type Value = JOps;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JOps, A::Error> {
                let mut ops = JOps::default();
                while let Some(op) = seq.next_element::<JOp>()? {
                    let op = op.into_pb(&mut ops.warnings);
                    ops.encoded.push(op.encode_to_vec().into());
                }
                Ok(ops)
            }
        }
        d.deserialize_seq(OpsVisitor)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JOp {
    name: Option<Text>,
    #[serde(rename = "type")]
    op_type: Option<Text>,
    input: Option<Vec<Text>>,
    attr: Option<AttrMap>,
    id: Option<Int>,
    stream_id: Option<Int>,
    workspace_bytes: Option<Vec<Int>>,
    input_desc: Option<Vec<JDesc>>,
    output_desc: Option<Vec<JDesc>>,
    subgraph_name: Option<Vec<Text>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JDesc {
    name: Option<Text>,
    dtype: Option<DataType>,
    shape: Option<JShape>,
    layout: Option<Text>,
    attr: Option<AttrMap>,
    size: Option<Int>,
    weight_size: Option<Int>,
    data_offset: Option<Int>,
    real_dim_cnt: Option<Int>,
    device_type: Option<Text>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JShape {
    dim: Option<Vec<Int>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JTensor {
    desc: Option<JDesc>,
    data: Option<Escaped>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JNamed {
    name: Option<Text>,
    attr: Option<AttrMap>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JAttr {
    s: Option<Escaped>,
    i: Option<Int>,
    f: Option<Float>,
    b: Option<Bool>,
    bt: Option<Escaped>,
    list: Option<JList>,
    func: Option<JNamed>,
    td: Option<JDesc>,
    t: Option<JTensor>,
    g: Option<JGraph>,
    list_list_int: Option<JListListInt>,
    dt: Option<Int>,
    list_list_float: Option<JListListFloat>,
    expression: Option<Escaped>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JList {
    s: Option<Vec<Text>>,
    i: Option<Vec<Int>>,
    f: Option<Vec<Float>>,
    b: Option<Vec<Bool>>,
    bt: Option<Vec<Text>>,
    td: Option<Vec<JDesc>>,
    t: Option<Vec<JTensor>>,
    g: Option<Vec<JGraph>>,
    na: Option<Vec<JNamed>>,
    dt: Option<Vec<Int>>,
    val_type: Option<ListType>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JListListInt {
    list_list_i: Option<Vec<JListInt>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JListInt {
    list_i: Option<Vec<Int>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JListListFloat {
    list_list_f: Option<Vec<JListFloat>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JListFloat {
    list_f: Option<Vec<Float>>,
}

// ---- Conversion into the prost types the other readers produce. ----

fn text(value: Option<Text>) -> String {
    value.map(|t| t.0).unwrap_or_default()
}

fn texts(values: Option<Vec<Text>>) -> Vec<String> {
    values
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.0)
        .collect()
}

fn int(value: Option<Int>) -> i64 {
    value.map(|i| i.0).unwrap_or_default()
}

fn ints(values: Option<Vec<Int>>) -> Vec<i64> {
    values
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.0)
        .collect()
}

fn floats(values: Option<Vec<Float>>) -> Vec<f32> {
    values
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.0)
        .collect()
}

fn attrs(
    map: Option<AttrMap>,
    warnings: &mut Vec<String>,
) -> std::collections::BTreeMap<String, pb::AttrDef> {
    let entries = map.map(|m| m.0).unwrap_or_default();
    let mut out = std::collections::BTreeMap::new();
    for (key, value) in entries {
        out.insert(key, value.into_pb(warnings));
    }
    out
}

impl JModel {
    /// The ModelDef with its graphs' ops left encoded, as the `.om` reader decodes it.
    fn into_lazy_pb(self, warnings: &mut Vec<String>) -> pb::LazyModelDef {
        let mut graphs: Vec<pb::LazyGraphDef> = self
            .graph
            .unwrap_or_default()
            .into_iter()
            .map(|g| g.into_lazy_pb(warnings))
            .collect();
        if graphs.is_empty() && self.op.is_some() {
            graphs.push(
                JGraph {
                    name: self.name.clone(),
                    input: self.input,
                    output: self.output,
                    op: self.op,
                    attr: None,
                }
                .into_lazy_pb(warnings),
            );
        }
        pb::LazyModelDef {
            name: text(self.name),
            version: u32::try_from(int(self.version)).unwrap_or_default(),
            custom_version: text(self.custom_version),
            graph: graphs,
            attr: attrs(self.attr, warnings),
            attr_groups: None,
        }
    }
}

impl JGraph {
    /// A graph held in an attribute, ops decoded.
    fn into_pb(self, warnings: &mut Vec<String>) -> pb::GraphDef {
        let graph = self.into_lazy_pb(warnings);
        pb::GraphDef {
            name: graph.name,
            input: graph.input,
            output: graph.output,
            // `JOps` encoded them: they decode.
            op: graph
                .op
                .into_iter()
                .map(|op| pb::OpDef::decode(op).unwrap_or_default())
                .collect(),
            attr: graph.attr,
            attr_groups: None,
        }
    }

    fn into_lazy_pb(self, warnings: &mut Vec<String>) -> pb::LazyGraphDef {
        let ops = self.op.unwrap_or_default();
        warnings.extend(ops.warnings);
        pb::LazyGraphDef {
            name: text(self.name),
            input: texts(self.input),
            output: texts(self.output),
            op: ops.encoded,
            attr: attrs(self.attr, warnings),
            attr_groups: None,
        }
    }
}

impl JOp {
    fn into_pb(self, warnings: &mut Vec<String>) -> pb::OpDef {
        let descs = |descs: Option<Vec<JDesc>>, warnings: &mut Vec<String>| {
            descs
                .unwrap_or_default()
                .into_iter()
                .map(|d| d.into_pb(warnings))
                .collect()
        };
        pb::OpDef {
            name: text(self.name),
            r#type: text(self.op_type),
            input: texts(self.input),
            attr: attrs(self.attr, warnings),
            id: int(self.id),
            stream_id: int(self.stream_id),
            workspace_bytes: ints(self.workspace_bytes),
            input_desc: descs(self.input_desc, warnings),
            output_desc: descs(self.output_desc, warnings),
            subgraph_name: texts(self.subgraph_name),
            ..pb::OpDef::default()
        }
    }
}

impl JDesc {
    fn into_pb(self, warnings: &mut Vec<String>) -> pb::TensorDescriptor {
        pb::TensorDescriptor {
            name: text(self.name),
            dtype: self.dtype.map(|d| d.0).unwrap_or_default(),
            shape: self.shape.map(|s| pb::ShapeDef { dim: ints(s.dim) }),
            layout: text(self.layout),
            attr: attrs(self.attr, warnings),
            size: int(self.size),
            weight_size: int(self.weight_size),
            data_offset: int(self.data_offset),
            real_dim_cnt: int(self.real_dim_cnt),
            device_type: text(self.device_type),
            ..pb::TensorDescriptor::default()
        }
    }
}

impl JTensor {
    fn into_pb(self, warnings: &mut Vec<String>) -> pb::TensorDef {
        pb::TensorDef {
            desc: self.desc.map(|d| d.into_pb(warnings)),
            data: self.data.map(|d| d.0).unwrap_or_default(),
        }
    }
}

impl JNamed {
    fn into_pb(self, warnings: &mut Vec<String>) -> pb::NamedAttrs {
        pb::NamedAttrs {
            name: text(self.name),
            attr: attrs(self.attr, warnings),
        }
    }
}

impl JAttr {
    fn into_pb(self, warnings: &mut Vec<String>) -> pb::AttrDef {
        use pb::attr_def::{list_list_float, list_list_int, ListListFloat, ListListInt, Value};
        let value = if let Some(list) = self.list {
            Some(Value::List(list.into_pb(warnings)))
        } else if let Some(s) = self.s {
            Some(Value::S(s.0))
        } else if let Some(i) = self.i {
            Some(Value::I(i.0))
        } else if let Some(f) = self.f {
            Some(Value::F(f.0))
        } else if let Some(b) = self.b {
            Some(Value::B(b.0))
        } else if let Some(bt) = self.bt {
            Some(Value::Bt(bt.0))
        } else if let Some(func) = self.func {
            Some(Value::Func(func.into_pb(warnings)))
        } else if let Some(td) = self.td {
            Some(Value::Td(td.into_pb(warnings)))
        } else if let Some(t) = self.t {
            Some(Value::T(t.into_pb(warnings)))
        } else if let Some(g) = self.g {
            Some(Value::G(g.into_pb(warnings)))
        } else if let Some(lists) = self.list_list_int {
            Some(Value::ListListInt(ListListInt {
                list_list_i: lists
                    .list_list_i
                    .unwrap_or_default()
                    .into_iter()
                    .map(|l| list_list_int::ListInt {
                        list_i: ints(l.list_i),
                    })
                    .collect(),
            }))
        } else if let Some(dt) = self.dt {
            Some(Value::Dt(dt.0))
        } else if let Some(lists) = self.list_list_float {
            Some(Value::ListListFloat(ListListFloat {
                list_list_f: lists
                    .list_list_f
                    .unwrap_or_default()
                    .into_iter()
                    .map(|l| list_list_float::ListFloat {
                        list_f: floats(l.list_f),
                    })
                    .collect(),
            }))
        } else {
            self.expression.map(|e| Value::Expression(e.0))
        };
        pb::AttrDef { value }
    }
}

impl JList {
    fn into_pb(self, warnings: &mut Vec<String>) -> pb::attr_def::ListValue {
        pb::attr_def::ListValue {
            s: texts(self.s).into_iter().map(Bytes::from).collect(),
            i: ints(self.i),
            f: floats(self.f),
            b: self
                .b
                .unwrap_or_default()
                .into_iter()
                .map(|b| b.0)
                .collect(),
            bt: texts(self.bt).into_iter().map(Bytes::from).collect(),
            td: self
                .td
                .unwrap_or_default()
                .into_iter()
                .map(|d| d.into_pb(warnings))
                .collect(),
            t: self
                .t
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.into_pb(warnings))
                .collect(),
            g: self
                .g
                .unwrap_or_default()
                .into_iter()
                .map(|g| g.into_pb(warnings))
                .collect(),
            na: self
                .na
                .unwrap_or_default()
                .into_iter()
                .map(|n| n.into_pb(warnings))
                .collect(),
            dt: ints(self.dt),
            val_type: self.val_type.map(|v| v.0).unwrap_or_default(),
        }
    }
}

// ---- Lenient scalar readers. ----

/// A string; numbers and booleans are taken as their text (a layout written as a Format number).
#[derive(Clone)]
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A 64-bit integer written as a number or a string (proto3 JSON writes int64 as strings).
struct Int(i64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Int, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an integer (a number or a string of digits)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                // uint64 fields past i64::MAX keep their bits, as protobuf does.
                Ok(Int(v as i64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
                if v.fract() == 0.0 && v.abs() < 9.2e18 {
                    Ok(Int(v as i64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
                v.trim()
                    .parse::<i64>()
                    .or_else(|_| v.trim().parse::<u64>().map(|u| u as i64))
                    .map(Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Int, E> {
                Ok(Int(0))
            }
        }
        d.deserialize_any(V)
    }
}

/// A float written as a number or a string (`"0.5"`, `"1e-05"`, `"inf"`, `"nan"`). Read as `f32`
/// first, the proto type, so JSON and binary give the same value.
struct Float(f32);

impl<'de> Deserialize<'de> for Float {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Float, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Float;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number (or a string holding one)")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Float, E> {
                Ok(Float(v as f32))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Float, E> {
                Ok(Float(v as f32))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Float, E> {
                Ok(Float(v as f32))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Float, E> {
                let t = v.trim();
                let parsed = match t.to_ascii_lowercase().as_str() {
                    "inf" | "infinity" | "+inf" => Ok(f32::INFINITY),
                    "-inf" | "-infinity" => Ok(f32::NEG_INFINITY),
                    "nan" | "-nan" => Ok(f32::NAN),
                    _ => t.parse::<f32>(),
                };
                parsed
                    .map(Float)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Float, E> {
                Ok(Float(0.0))
            }
        }
        d.deserialize_any(V)
    }
}

struct Bool(bool);

impl<'de> Deserialize<'de> for Bool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bool, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Bool;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true or false")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Bool, E> {
                Ok(Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Bool, E> {
                Ok(Bool(v != 0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Bool, E> {
                Ok(Bool(v != 0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Bool, E> {
                match v {
                    "true" => Ok(Bool(true)),
                    "false" => Ok(Bool(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Bool, E> {
                Ok(Bool(false))
            }
        }
        d.deserialize_any(V)
    }
}

/// A `DataType` given by number or by name; names this reader does not know become a number the
/// converter maps to the IR's `other` dtype.
struct DataType(i32);

/// Stands for data type names newer than our schema.
const UNKNOWN_DATA_TYPE: i32 = 0x7fff;

impl<'de> Deserialize<'de> for DataType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DataType, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DataType;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a data type (a number or a name such as \"DT_FLOAT16\")")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DataType, E> {
                Ok(DataType(i32::try_from(v).unwrap_or(UNKNOWN_DATA_TYPE)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DataType, E> {
                Ok(DataType(i32::try_from(v).unwrap_or(UNKNOWN_DATA_TYPE)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DataType, E> {
                if let Ok(code) = v.parse::<i32>() {
                    return Ok(DataType(code));
                }
                Ok(DataType(
                    pb::DataType::from_str_name(v).map_or(UNKNOWN_DATA_TYPE, |d| d as i32),
                ))
            }
            fn visit_unit<E: de::Error>(self) -> Result<DataType, E> {
                Ok(DataType(0))
            }
        }
        d.deserialize_any(V)
    }
}

/// A list's `val_type` by number or by name.
struct ListType(i32);

impl<'de> Deserialize<'de> for ListType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ListType, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ListType;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list value type (a number or a name such as \"VT_LIST_INT\")")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ListType, E> {
                Ok(ListType(i32::try_from(v).unwrap_or_default()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ListType, E> {
                Ok(ListType(i32::try_from(v).unwrap_or_default()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ListType, E> {
                use pb::attr_def::list_value::ListValueType;
                Ok(ListType(v.parse::<i32>().ok().unwrap_or_else(|| {
                    ListValueType::from_str_name(v).map_or(0, |t| t as i32)
                })))
            }
            fn visit_unit<E: de::Error>(self) -> Result<ListType, E> {
                Ok(ListType(0))
            }
        }
        d.deserialize_any(V)
    }
}

/// A singular `bytes` field: a C-escaped string (`\n`, `\"`, `\\`, octal `\123`, hex `\x41`).
struct Escaped(Bytes);

impl<'de> Deserialize<'de> for Escaped {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Escaped, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Escaped;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Escaped, E> {
                Ok(Escaped(Bytes::from(c_unescape(v))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Escaped, E> {
                Ok(Escaped(Bytes::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Undoes protobuf's `CEscape`; an unknown escape keeps its character.
fn c_unescape(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    if !bytes.contains(&b'\\') {
        return bytes.to_vec();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        let byte = bytes[idx];
        idx += 1;
        if byte != b'\\' || idx >= bytes.len() {
            out.push(byte);
            continue;
        }
        let escape = bytes[idx];
        idx += 1;
        match escape {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'0'..=b'7' => {
                let mut value = u32::from(escape - b'0');
                for _ in 0..2 {
                    match bytes.get(idx) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            idx += 1;
                        }
                        _ => break,
                    }
                }
                out.push(value as u8);
            }
            b'x' => {
                let mut value = 0u32;
                let mut n_digits = 0;
                while n_digits < 2 {
                    match bytes.get(idx).and_then(|&d| (d as char).to_digit(16)) {
                        Some(d) => {
                            value = value * 16 + d;
                            idx += 1;
                            n_digits += 1;
                        }
                        None => break,
                    }
                }
                if n_digits == 0 {
                    out.push(b'x');
                } else {
                    out.push(value as u8);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `attr`: a list of `{"key": .., "value": ..}` entries, or an object keyed by attribute name.
struct AttrMap(Vec<(String, JAttr)>);

impl<'de> Deserialize<'de> for AttrMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AttrMap, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Entry {
            key: Option<Text>,
            value: Option<JAttr>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttrMap;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("attributes: a list of {\"key\", \"value\"} entries or an object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttrMap, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element::<Entry>()? {
                    entries.push((text(entry.key), entry.value.unwrap_or_default()));
                }
                Ok(AttrMap(entries))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttrMap, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Option<JAttr>>()? {
                    entries.push((key, value.unwrap_or_default()));
                }
                Ok(AttrMap(entries))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AttrMap, E> {
                Ok(AttrMap(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_escapes_are_undone() {
        assert_eq!(c_unescape(r"plain"), b"plain");
        assert_eq!(c_unescape(r#"a\"b\\c\n"#), b"a\"b\\c\n");
        assert_eq!(c_unescape(r"\000\001x\177\x41"), b"\0\x01x\x7fA");
        assert_eq!(c_unescape(r"\q\"), b"q\\");
        assert_eq!(c_unescape("\\xZ"), b"xZ");
    }
}
