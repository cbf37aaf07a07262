//! The bounds every importer works within, in one table: a file past one of them is refused (or,
//! for profiling tables, read up to it) with a message that names the limit, its value and how to
//! raise it, instead of exhausting the tab's memory or the stack.
//!
//! Invariants:
//! - every limit has a stable id (`nodes`, `csv_rows`...), the name the CLI's `--limit ID=N`
//!   takes and the messages quote; ids are never renamed;
//! - limits travel with the file ([`crate::InputFile::limits`]), so every importer sees the
//!   caller's values without a parameter on each function;
//! - the defaults are far above any real model or profile (the biggest public LLM exports have
//!   a few hundred thousand nodes), so they only stop hostile or broken files.

use std::fmt;

use crate::error::ImportError;
use crate::ir::{AttrValue, Graph, Model};

/// One bound: its id, default and what it counts.
#[derive(Debug, Clone, Copy)]
pub struct LimitSpec {
    pub id: LimitId,
    /// Stable name, used by `--limit ID=N` and in messages.
    pub name: &'static str,
    pub default: u64,
    /// What is counted, for messages ("nodes in the model").
    pub counts: &'static str,
    /// `false` for bounds fixed by the decoders themselves (raising ours would not help).
    pub adjustable: bool,
}

/// The limits, in [`LIMITS`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitId {
    Nodes,
    SubgraphDepth,
    NestingDepth,
    NameBytes,
    StringBytes,
    RepeatedItems,
    CsvRows,
    CsvColumns,
}

/// Every limit with its default: the one place they are set.
pub const LIMITS: &[LimitSpec] = &[
    LimitSpec {
        id: LimitId::Nodes,
        name: "nodes",
        default: 5_000_000,
        counts: "nodes in the model (bodies and library functions included)",
        adjustable: true,
    },
    LimitSpec {
        id: LimitId::SubgraphDepth,
        name: "subgraph_depth",
        default: 32,
        counts: "levels of control-flow bodies nested in bodies",
        adjustable: true,
    },
    LimitSpec {
        id: LimitId::NestingDepth,
        name: "nesting_depth",
        default: 100,
        counts: "levels of nested protobuf messages (binary and text)",
        adjustable: false,
    },
    LimitSpec {
        id: LimitId::NameBytes,
        name: "name_bytes",
        default: 64 * 1024,
        counts: "bytes in one node, tensor or graph name",
        adjustable: true,
    },
    LimitSpec {
        id: LimitId::StringBytes,
        name: "string_bytes",
        default: 16 * 1024 * 1024,
        counts: "bytes in one attribute string",
        adjustable: true,
    },
    LimitSpec {
        id: LimitId::RepeatedItems,
        name: "repeated_items",
        default: 16 * 1024 * 1024,
        counts:
            "items in one list (a node's inputs or outputs, an attribute's values, a shape's dims)",
        adjustable: true,
    },
    LimitSpec {
        id: LimitId::CsvRows,
        name: "csv_rows",
        default: 50_000_000,
        counts: "rows of one profiling CSV",
        adjustable: true,
    },
    LimitSpec {
        id: LimitId::CsvColumns,
        name: "csv_columns",
        default: 4_096,
        counts: "columns of a profiling CSV header",
        adjustable: true,
    },
];

impl LimitId {
    pub fn spec(self) -> &'static LimitSpec {
        // LIMITS lists every id in declaration order (checked by a test).
        &LIMITS[self as usize]
    }
}

/// The values in force for one file; [`Limits::default`] is the table's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    values: [u64; 8],
}

impl Default for Limits {
    fn default() -> Limits {
        let mut values = [0; 8];
        for (value, spec) in values.iter_mut().zip(LIMITS) {
            *value = spec.default;
        }
        Limits { values }
    }
}

/// A `--limit` argument that names no limit, a fixed one, or no number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LimitParseError(String);

impl Limits {
    pub fn get(&self, id: LimitId) -> u64 {
        self.values[id as usize]
    }

    pub fn with(mut self, id: LimitId, value: u64) -> Limits {
        self.values[id as usize] = value;
        self
    }

    /// Applies one `ID=N` setting (`nodes=20000000`; `_` in the number allowed).
    pub fn set_from(&mut self, setting: &str) -> Result<(), LimitParseError> {
        let names = || {
            LIMITS
                .iter()
                .filter(|spec| spec.adjustable)
                .map(|spec| spec.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (name, value) = setting.split_once('=').ok_or_else(|| {
            LimitParseError(format!(
                "--limit takes ID=N (one of {}), not `{setting}`",
                names()
            ))
        })?;
        let spec = LIMITS
            .iter()
            .find(|spec| spec.name == name.trim())
            .ok_or_else(|| {
                LimitParseError(format!(
                    "no limit named `{name}`; the limits are {}",
                    names()
                ))
            })?;
        if !spec.adjustable {
            return Err(LimitParseError(format!(
                "the limit `{}` is fixed by the decoders and cannot be changed",
                spec.name
            )));
        }
        let value: u64 = value.trim().replace('_', "").parse().map_err(|_| {
            LimitParseError(format!(
                "--limit {}= takes a whole number, not `{value}`",
                spec.name
            ))
        })?;
        self.values[spec.id as usize] = value;
        Ok(())
    }
}

/// What a file went over: named in the message with the way to raise it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverLimit {
    pub id: LimitId,
    pub found: u64,
    pub limit: u64,
}

impl fmt::Display for OverLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec = self.id.spec();
        write!(
            f,
            "{} {}: over the limit of {} (limit `{}`",
            self.found, spec.counts, self.limit, spec.name
        )?;
        if spec.adjustable {
            write!(
                f,
                "; the command line's `--limit {}=N` raises it)",
                spec.name
            )
        } else {
            f.write_str(", fixed)")
        }
    }
}

/// Checks a model an importer built against `limits`: node count, body nesting, name, string and
/// list sizes. The first bound crossed is the error, with the path of the graph, node or
/// attribute that crossed it.
pub fn check_model(
    file: &str,
    format: &'static str,
    model: &Model,
    limits: &Limits,
) -> Result<(), ImportError> {
    let over = |id: LimitId, found: u64, place: String| ImportError::OverLimit {
        file: file.to_string(),
        format,
        place,
        detail: OverLimit {
            id,
            found,
            limit: limits.get(id),
        }
        .to_string(),
    };
    let mut nodes = 0u64;
    let mut pending: Vec<(&Graph, usize, String)> = vec![(&model.graph, 0, "graph".to_string())];
    for (index, function) in model.functions.iter().enumerate() {
        pending.push((function, 0, format!("functions[{index}]")));
    }
    while let Some((graph, depth, path)) = pending.pop() {
        if depth as u64 > limits.get(LimitId::SubgraphDepth) {
            return Err(over(LimitId::SubgraphDepth, depth as u64, path));
        }
        nodes += graph.nodes.len() as u64;
        if nodes > limits.get(LimitId::Nodes) {
            return Err(over(LimitId::Nodes, nodes, path));
        }
        check_name(&graph.name, limits).map_err(|(id, n)| over(id, n, format!("{path}.name")))?;
        for (index, node) in graph.nodes.iter().enumerate() {
            let place = || format!("{path}.node[{index}] ({})", shorten(&node.name));
            check_name(&node.name, limits).map_err(|(id, n)| over(id, n, place()))?;
            check_name(&node.op_type, limits).map_err(|(id, n)| over(id, n, place()))?;
            for count in [
                node.inputs.len(),
                node.outputs.len(),
                node.control_inputs.len(),
            ] {
                check_items(count, limits).map_err(|(id, n)| over(id, n, place()))?;
            }
            for attr in &node.attrs {
                check_attr(&attr.value, limits).map_err(|(id, n)| {
                    over(id, n, format!("{}.{}", place(), shorten(&attr.name)))
                })?;
            }
        }
        for (index, tensor) in graph.tensors.iter().enumerate() {
            let place = || format!("{path}.tensor[{index}]");
            check_name(&tensor.name, limits).map_err(|(id, n)| over(id, n, place()))?;
            if let Some(shape) = &tensor.shape {
                check_items(shape.0.len(), limits).map_err(|(id, n)| over(id, n, place()))?;
            }
        }
        for (index, body) in graph.subgraphs.iter().enumerate() {
            pending.push((&body.graph, depth + 1, format!("{path}.body[{index}]")));
        }
    }
    Ok(())
}

fn check_name(name: &str, limits: &Limits) -> Result<(), (LimitId, u64)> {
    let bytes = name.len() as u64;
    if bytes > limits.get(LimitId::NameBytes) {
        return Err((LimitId::NameBytes, bytes));
    }
    Ok(())
}

fn check_items(count: usize, limits: &Limits) -> Result<(), (LimitId, u64)> {
    if count as u64 > limits.get(LimitId::RepeatedItems) {
        return Err((LimitId::RepeatedItems, count as u64));
    }
    Ok(())
}

fn check_string(text: &str, limits: &Limits) -> Result<(), (LimitId, u64)> {
    if text.len() as u64 > limits.get(LimitId::StringBytes) {
        return Err((LimitId::StringBytes, text.len() as u64));
    }
    Ok(())
}

fn check_attr(value: &AttrValue, limits: &Limits) -> Result<(), (LimitId, u64)> {
    match value {
        AttrValue::String(text) | AttrValue::Other(text) => check_string(text, limits),
        AttrValue::Strings(items) => {
            check_items(items.len(), limits)?;
            items.iter().try_for_each(|text| check_string(text, limits))
        }
        AttrValue::Ints(items) => check_items(items.len(), limits),
        AttrValue::Floats(items) => check_items(items.len(), limits),
        AttrValue::Bools(items) => check_items(items.len(), limits),
        AttrValue::DTypes(items) => check_items(items.len(), limits),
        AttrValue::Shape(shape) => check_items(shape.0.len(), limits),
        AttrValue::Shapes(shapes) => {
            check_items(shapes.len(), limits)?;
            shapes
                .iter()
                .try_for_each(|s| check_items(s.0.len(), limits))
        }
        AttrValue::Tensors(items) => check_items(items.len(), limits),
        AttrValue::Graphs(items) => check_items(items.len(), limits),
        AttrValue::IntLists(lists) => {
            check_items(lists.len(), limits)?;
            lists.iter().try_for_each(|l| check_items(l.len(), limits))
        }
        AttrValue::Int(_)
        | AttrValue::Float(_)
        | AttrValue::Bool(_)
        | AttrValue::DType(_)
        | AttrValue::Tensor(_)
        | AttrValue::Graph(_) => Ok(()),
    }
}

/// A name quoted in a path, cut so that an over-long name does not make an over-long message.
fn shorten(name: &str) -> String {
    const KEEP: usize = 60;
    match name.char_indices().nth(KEEP) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_id_in_order_with_distinct_names() {
        let ids = [
            LimitId::Nodes,
            LimitId::SubgraphDepth,
            LimitId::NestingDepth,
            LimitId::NameBytes,
            LimitId::StringBytes,
            LimitId::RepeatedItems,
            LimitId::CsvRows,
            LimitId::CsvColumns,
        ];
        assert_eq!(LIMITS.len(), ids.len());
        for (index, id) in ids.into_iter().enumerate() {
            assert_eq!(LIMITS[index].id, id);
            assert_eq!(id.spec().id, id);
        }
        let mut names: Vec<_> = LIMITS.iter().map(|spec| spec.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LIMITS.len());
    }

    #[test]
    fn settings_parse_and_refuse_what_they_cannot_set() {
        let mut limits = Limits::default();
        limits
            .set_from("nodes=20_000_000")
            .expect("a valid setting");
        assert_eq!(limits.get(LimitId::Nodes), 20_000_000);
        assert_eq!(limits.get(LimitId::CsvRows), 50_000_000);
        let err = limits.set_from("nesting_depth=500").unwrap_err();
        assert!(err.to_string().contains("fixed"), "{err}");
        let err = limits.set_from("node=5").unwrap_err();
        assert!(err.to_string().contains("no limit named `node`"), "{err}");
        assert!(limits.set_from("nodes").is_err());
        assert!(limits.set_from("nodes=many").is_err());
    }

    #[test]
    fn the_message_names_what_the_limit_and_how_to_raise_it() {
        let over = OverLimit {
            id: LimitId::Nodes,
            found: 7,
            limit: 5,
        };
        assert_eq!(
            over.to_string(),
            "7 nodes in the model (bodies and library functions included): over the limit of 5 \
             (limit `nodes`; the command line's `--limit nodes=N` raises it)"
        );
    }

    fn nested(depth: usize) -> Model {
        let mut graph = Graph::default();
        for _ in 0..depth {
            graph = Graph {
                subgraphs: vec![crate::ir::Subgraph {
                    owner: None,
                    attr: "then_branch".to_string(),
                    graph,
                }],
                ..Graph::default()
            };
        }
        Model {
            format: crate::ir::ModelFormat::Onnx,
            name: "nested".to_string(),
            metadata: Vec::new(),
            opsets: Vec::new(),
            graph,
            functions: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn bodies_nested_past_the_depth_limit_are_refused_with_their_path() {
        let limits = Limits::default();
        check_model("m.onnx", "ONNX", &nested(32), &limits).expect("32 levels are allowed");
        let err = check_model("m.onnx", "ONNX", &nested(33), &limits).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("graph.body[0].body[0]"), "{message}");
        assert!(
            message.contains(
                "33 levels of control-flow bodies nested in bodies: over the limit of 32"
            ),
            "{message}"
        );
    }
}
