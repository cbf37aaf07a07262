//! A GE graph as the converter takes it: its ops decoded (text dump, JSON), or left as slices of
//! the file and decoded one at a time (`.om`, through `LazyModelDef`), so that a big model is
//! never held decoded whole beside the graph being built. The converter's first pass reads what
//! it needs of every op (name, type, inputs, number of output descs) off the wire format.

use bytes::Bytes;
use prost::Message;

use super::pb;
use crate::formats::wire;

/// A graph of the model, before conversion.
pub(super) struct GraphSrc {
    pub name: String,
    pub input: Vec<String>,
    pub output: Vec<String>,
    pub ops: Ops,
}

pub(super) enum Ops {
    Decoded(Vec<pb::OpDef>),
    /// Undecoded `OpDef`s, zero-copy slices of the file.
    Lazy(Vec<Bytes>),
}

/// What the converter's first pass needs of an op.
pub(super) struct OpHead {
    pub name: String,
    pub op_type: String,
    pub n_inputs: usize,
    pub n_output_descs: usize,
}

/// OpDef's field numbers read by the first pass.
const NAME: u32 = 1;
const TYPE: u32 = 2;
const INPUT: u32 = 5;
const OUTPUT_DESC: u32 = 34;

impl From<pb::GraphDef> for GraphSrc {
    fn from(graph: pb::GraphDef) -> GraphSrc {
        GraphSrc {
            name: graph.name,
            input: graph.input,
            output: graph.output,
            ops: Ops::Decoded(graph.op),
        }
    }
}

impl From<pb::LazyGraphDef> for GraphSrc {
    fn from(graph: pb::LazyGraphDef) -> GraphSrc {
        GraphSrc {
            name: graph.name,
            input: graph.input,
            output: graph.output,
            ops: Ops::Lazy(graph.op),
        }
    }
}

impl Ops {
    pub(super) fn len(&self) -> usize {
        match self {
            Ops::Decoded(ops) => ops.len(),
            Ops::Lazy(parts) => parts.len(),
        }
    }

    /// Every op's head, in order (a decoded op gives up its name); `None` when a lazy op's
    /// fields do not read as the decoder would take them.
    pub(super) fn heads(&mut self) -> Option<Vec<OpHead>> {
        match self {
            Ops::Decoded(ops) => Some(
                ops.iter_mut()
                    .map(|op| OpHead {
                        name: std::mem::take(&mut op.name),
                        op_type: op.r#type.clone(),
                        n_inputs: op.input.len(),
                        n_output_descs: op.output_desc.len(),
                    })
                    .collect(),
            ),
            Ops::Lazy(parts) => parts.iter().map(|part| lazy_head(part)).collect(),
        }
    }

    /// Calls `found` with the index of the op and each of its inputs, ops in order.
    pub(super) fn for_each_input(&self, mut found: impl FnMut(usize, &str)) -> Option<()> {
        match self {
            Ops::Decoded(ops) => {
                for (idx, op) in ops.iter().enumerate() {
                    for input in &op.input {
                        found(idx, input);
                    }
                }
            }
            Ops::Lazy(parts) => {
                for (idx, part) in parts.iter().enumerate() {
                    for_each_text(part, |number, text| {
                        if number == INPUT {
                            found(idx, text);
                        }
                    })?;
                }
            }
        }
        Some(())
    }

    /// The ops, each decoded when its turn comes; `None` for one that does not decode.
    pub(super) fn into_ops(self) -> Box<dyn Iterator<Item = Option<pb::OpDef>>> {
        match self {
            Ops::Decoded(ops) => Box::new(ops.into_iter().map(Some)),
            Ops::Lazy(parts) => {
                Box::new(parts.into_iter().map(|part| pb::OpDef::decode(part).ok()))
            }
        }
    }
}

/// The head of an undecoded op: proto3 keeps the last `name` and `type`.
fn lazy_head(part: &[u8]) -> Option<OpHead> {
    let mut head = OpHead {
        name: String::new(),
        op_type: String::new(),
        n_inputs: 0,
        n_output_descs: 0,
    };
    let (mut name, mut op_type) = ("", "");
    for_each_text(part, |number, text| match number {
        NAME => name = text,
        TYPE => op_type = text,
        INPUT => head.n_inputs += 1,
        _ => head.n_output_descs += 1,
    })?;
    head.name = name.to_string();
    head.op_type = op_type.to_string();
    Some(head)
}

/// Calls `found` with the field number and payload of every `name`, `type`, `input` and
/// `output_desc` of the OpDef in `part`, in file order (an output desc's payload is not text
/// and is given as ""); `None` when one is not length-delimited or not UTF-8 where text is due,
/// or the wire format breaks.
fn for_each_text<'a>(part: &'a [u8], mut found: impl FnMut(u32, &'a str)) -> Option<()> {
    for field in wire::fields(part) {
        let field = field?;
        if ![NAME, TYPE, INPUT, OUTPUT_DESC].contains(&field.number) {
            continue;
        }
        if field.wire_type != wire::LEN {
            return None;
        }
        if field.number == OUTPUT_DESC {
            found(field.number, "");
            continue;
        }
        let text = std::str::from_utf8(part.get(field.payload.0..field.payload.1)?).ok()?;
        found(field.number, text);
    }
    Some(())
}
