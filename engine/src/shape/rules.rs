//! The rule table: `(format, op_type)` → rule. Each op family registers its own rows (one
//! `const` slice per format in its file); this module only joins them.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::ctx::{Ctx, Fact};
use super::{
    concat_split, control, conv, detection, elementwise, fc, gather, matmul, norm, pad, pool,
    reduce, resize, rnn, shape_ops, softmax, source,
};
use crate::ir::ModelFormat;

/// A shape rule: facts about the node's outputs, in output order. A shorter list (or an output
/// without a shape) leaves the rest unknown.
pub(crate) type Rule = fn(&Ctx) -> Vec<Fact>;

/// Rows of one family for one format: op types that share a rule, and the rule.
pub(crate) type Rows = &'static [(&'static [&'static str], Rule)];

/// Every family's rows, per format; the order does not matter (a test rejects duplicates).
pub(crate) const FAMILIES: &[(ModelFormat, &[Rows])] = &[
    (
        ModelFormat::Onnx,
        &[
            concat_split::ONNX,
            control::ONNX,
            conv::ONNX,
            detection::ONNX,
            elementwise::ONNX,
            gather::ONNX,
            matmul::ONNX,
            norm::ONNX,
            pad::ONNX,
            pool::ONNX,
            reduce::ONNX,
            resize::ONNX,
            rnn::ONNX,
            shape_ops::ONNX,
            softmax::ONNX,
            source::ONNX,
        ],
    ),
    (
        ModelFormat::Tensorflow,
        &[
            concat_split::TF,
            conv::TF,
            elementwise::TF,
            gather::TF,
            matmul::TF,
            norm::TF,
            pad::TF,
            pool::TF,
            reduce::TF,
            resize::TF,
            shape_ops::TF,
            softmax::TF,
            source::TF,
        ],
    ),
    (
        ModelFormat::Caffe,
        &[
            concat_split::CAFFE,
            conv::CAFFE,
            detection::CAFFE,
            elementwise::CAFFE,
            fc::CAFFE,
            gather::CAFFE,
            norm::CAFFE,
            pool::CAFFE,
            reduce::CAFFE,
            resize::CAFFE,
            shape_ops::CAFFE,
            softmax::CAFFE,
            source::CAFFE,
        ],
    ),
    (
        ModelFormat::Ge,
        &[
            concat_split::GE,
            conv::GE,
            elementwise::GE,
            fc::GE,
            gather::GE,
            matmul::GE,
            norm::GE,
            pad::GE,
            pool::GE,
            reduce::GE,
            resize::GE,
            shape_ops::GE,
            softmax::GE,
            source::GE,
        ],
    ),
];

/// ONNX domains whose op types mean the standard ops (Microsoft's contrib ops reuse the names
/// of the ones we know with the same shapes); other domains are custom ops: no rule.
const ONNX_DOMAINS: &[&str] = &["", "ai.onnx", "com.microsoft"];

pub(crate) fn rule_for(format: ModelFormat, domain: &str, op_type: &str) -> Option<Rule> {
    if format == ModelFormat::Onnx && !ONNX_DOMAINS.contains(&domain) {
        return None;
    }
    table(format).get(op_type).copied()
}

fn table(format: ModelFormat) -> &'static HashMap<&'static str, Rule> {
    static TABLES: OnceLock<Vec<(ModelFormat, HashMap<&'static str, Rule>)>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        FAMILIES
            .iter()
            .map(|&(format, families)| {
                let map = families
                    .iter()
                    .flat_map(|rows| rows.iter())
                    .flat_map(|&(ops, rule)| ops.iter().map(move |&op| (op, rule)))
                    .collect();
                (format, map)
            })
            .collect()
    });
    static EMPTY: OnceLock<HashMap<&'static str, Rule>> = OnceLock::new();
    tables
        .iter()
        .find(|(f, _)| *f == format)
        .map(|(_, map)| map)
        .unwrap_or_else(|| EMPTY.get_or_init(HashMap::new))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn no_op_is_registered_twice_per_format() {
        for (format, families) in FAMILIES {
            let mut seen = HashSet::new();
            for rows in *families {
                for (ops, _) in *rows {
                    for op in *ops {
                        assert!(seen.insert(*op), "{op} registered twice for {format:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn custom_onnx_domains_get_no_rule() {
        assert!(rule_for(ModelFormat::Onnx, "", "Relu").is_some());
        assert!(rule_for(ModelFormat::Onnx, "com.example", "Relu").is_none());
        assert!(rule_for(ModelFormat::Caffe, "", "ReLU").is_some());
        assert!(rule_for(ModelFormat::Caffe, "", "Relu").is_none());
    }
}
