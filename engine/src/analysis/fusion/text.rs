//! The words of a near miss: why the pattern stopped (with the numbers) and the change that lets
//! it fuse, one template per reason. Node names are the names in the model file.

use crate::ir::NodeId;

use super::super::CannVersion;
use super::facts::Facts;
use super::patterns::{Pattern, Trick};
use super::NearMissReason;

/// What a near miss's text is made of.
pub(super) struct NearMissText<'a, 'g> {
    pub facts: &'a Facts<'g>,
    pub pattern: &'a Pattern,
    pub stop_reason: NearMissReason,
    pub blocker: NodeId,
    /// The last member before the blocker.
    pub tail: NodeId,
    pub head: NodeId,
    pub outside: &'a [NodeId],
    pub why: Option<&'static str>,
    pub cann: CannVersion,
}

/// `` `name` `` of a node, or its op type when unnamed.
pub(super) fn name(facts: &Facts, node: NodeId) -> String {
    facts
        .graph
        .nodes
        .get(node)
        .map_or_else(|| format!("#{node}"), |n| format!("`{}`", n.display_name()))
}

/// The op as the knowledge base calls it, or as the file does when the base does not know it.
fn op(facts: &Facts, node: NodeId) -> String {
    match facts.nodes.get(node).map(|n| n.canonical) {
        Some(canonical) if !canonical.is_empty() => canonical.to_string(),
        _ => facts
            .graph
            .nodes
            .get(node)
            .map_or_else(String::new, |n| n.op_type.clone()),
    }
}

fn names(facts: &Facts, nodes: &[NodeId]) -> String {
    nodes
        .iter()
        .map(|&n| name(facts, n))
        .collect::<Vec<_>>()
        .join(", ")
}

impl NearMissText<'_, '_> {
    pub fn detail(&self, limit: Option<u32>, found: Option<u32>) -> String {
        let facts = self.facts;
        let pattern = self.pattern.name;
        let blocker = name(facts, self.blocker);
        let blocker_op = op(facts, self.blocker);
        let head = name(facts, self.head);
        let head_op = op(facts, self.head);
        let tail = name(facts, self.tail);
        match self.stop_reason {
            NearMissReason::TooManyElementwise => {
                let (found, limit) = (found.unwrap_or(0), limit.unwrap_or(0));
                if self.pattern.limit_counts_head {
                    format!(
                        "too many element-wise ops: {found} in a row from {head}, {pattern} takes at most {limit} (CANN {})",
                        self.cann
                    )
                } else {
                    format!(
                        "too many element-wise ops: {found} follow the {head_op} {head}, {pattern} takes at most {limit}"
                    )
                }
            }
            NearMissReason::MultiInputInMiddle => {
                let n_inputs = facts.data_inputs(self.blocker).len();
                format!(
                    "a multi-input op in the middle: {blocker} ({blocker_op}) has {n_inputs} data inputs after {tail}; {pattern} takes only single-input ops there"
                )
            }
            NearMissReason::CaffeReduce => format!(
                "Caffe reduce: {blocker} ({blocker_op}) cannot UB-fuse ({}); {pattern} would take it and what follows",
                self.why.unwrap_or("Caffe Reduction")
            ),
            NearMissReason::DynamicShape => {
                let shapes = self.dynamic_shapes();
                format!(
                    "dynamic shape: {blocker} ({blocker_op}) has unknown or symbolic dims ({shapes}); {pattern} needs static shapes"
                )
            }
            NearMissReason::OutsideConsumer => {
                let outside = if self.outside.is_empty() {
                    "the graph's output".to_string()
                } else {
                    names(facts, self.outside)
                };
                format!(
                    "an outside consumer: the output of {tail} is also read by {outside}, so {blocker} ({blocker_op}) cannot join {pattern}"
                )
            }
            NearMissReason::FormatConversion => format!(
                "a format conversion in between: {blocker} ({blocker_op}) moves data between formats after {tail}, so {pattern} stops there"
            ),
            NearMissReason::AiCpuInBetween => format!(
                "an AI CPU op in between: {blocker} ({blocker_op}) runs on the AI CPU, which never fuses; {pattern} stops at it"
            ),
            NearMissReason::TooManyReduces => format!(
                "too many reduces: {blocker} ({blocker_op}) is a second reduce; {pattern} takes exactly one"
            ),
            NearMissReason::NoFusionHead | NearMissReason::Other => format!(
                "{blocker} ({blocker_op}) cannot UB-fuse{}; {pattern} stops at it",
                self.why.map(|w| format!(" ({w})")).unwrap_or_default()
            ),
        }
    }

    pub fn fix(&self, limit: Option<u32>, later: Option<(CannVersion, u32)>) -> String {
        let facts = self.facts;
        let pattern = self.pattern.name;
        let blocker = name(facts, self.blocker);
        let head = name(facts, self.head);
        let tail = name(facts, self.tail);
        match self.stop_reason {
            NearMissReason::TooManyElementwise => {
                let limit = limit.unwrap_or(0);
                let mut fix = if self.pattern.limit_counts_head {
                    format!(
                        "Shorten the chain to at most {limit} element-wise ops (merge adjacent ones, e.g. two constant multiplications into one, or drop identity-like ops) so {blocker} runs in the same kernel"
                    )
                } else {
                    format!(
                        "Fold constant scales and shifts into {head}'s weights and bias, or merge adjacent element-wise ops, so at most {limit} follow it and {blocker} runs in the same kernel"
                    )
                };
                if let Some((release, larger)) = later {
                    fix.push_str(&format!(
                        "; or build with CANN {release} or later, where {pattern} takes {larger}"
                    ));
                }
                fix
            }
            NearMissReason::MultiInputInMiddle => format!(
                "Move {blocker} to the start of a chain (right after the convolution, where TbeConvDoubleInFusionPass takes a two-input Add, or as the head of an element-wise chain), or make its other inputs constants, so it fuses with {tail}"
            ),
            NearMissReason::CaffeReduce => format!(
                "Replace the Caffe Reduction {blocker} by an op that fuses: a TensorFlow/ONNX ReduceSum or ReduceMean fuses with the element-wise ops after it (TbeReduceElemwiseFusionPass), or express the sum as a Pooling or 1×1 Convolution layer"
            ),
            NearMissReason::DynamicShape => format!(
                "Give the model static shapes (fixed batch and sizes: ATC --input_shape without -1, or export with fixed dims) so {head} and the ops after it fuse ({pattern})"
            ),
            NearMissReason::OutsideConsumer => {
                let outside = if self.outside.is_empty() {
                    "the graph output".to_string()
                } else {
                    names(facts, self.outside)
                };
                format!(
                    "Let only the chain read {tail}'s output: have {outside} read the chain's final output or its input instead (or recompute the op for it), so {blocker} joins {pattern}"
                )
            }
            NearMissReason::FormatConversion => format!(
                "Keep {tail} and the op after {blocker} in the same format (5HD): replace or move the op that forces the format change so GE inserts no TransData, and they fuse ({pattern})"
            ),
            NearMissReason::AiCpuInBetween => format!(
                "Move {blocker} to the AI Core (a dtype and attributes its AI Core kernel takes, or an AI Core replacement such as Pow with an integer exponent → Mul chain); then it fuses with {head} ({pattern})"
            ),
            NearMissReason::TooManyReduces => format!(
                "Split the work so each group has one reduce; {blocker} then heads its own group"
            ),
            NearMissReason::NoFusionHead | NearMissReason::Other => format!(
                "Replace {blocker} by an op that can UB-fuse, so {pattern} takes the chain"
            ),
        }
    }

    /// The shapes of the blocker's dynamic tensors, for the detail.
    fn dynamic_shapes(&self) -> String {
        let facts = self.facts;
        let mut shapes: Vec<String> = Vec::new();
        let inputs = facts.data_inputs(self.blocker).iter();
        for &tensor in inputs.chain(facts.used_outputs(self.blocker)) {
            let text = facts
                .graph
                .tensors
                .get(tensor)
                .map(|t| match &t.shape {
                    Some(shape) => shape.to_string(),
                    None => "unknown rank".to_string(),
                })
                .unwrap_or_default();
            if !shapes.contains(&text) {
                shapes.push(text);
            }
        }
        shapes.join(", ")
    }
}

/// Detail and fix of a trick's near miss.
pub(super) fn trick_text(
    facts: &Facts,
    trick: &Trick,
    producer: NodeId,
    member: NodeId,
) -> (String, String) {
    let producer_name = name(facts, producer);
    let member_name = name(facts, member);
    let detail = format!(
        "no op to fuse into: {member_name} ({}) follows {producer_name} ({}), which has no UB fusion pattern and no 5HD support; GE moves the data {} times between formats (TransData) around it",
        op(facts, member),
        op(facts, producer),
        trick.transdata_moves
    );
    let fix = trick
        .fix
        .replace("`{producer}`", &producer_name)
        .replace("`{member}`", &member_name);
    (detail, fix)
}
