//! The fusion pattern table: every graph-fusion pre-pass and UB-fusion pattern the simulation
//! applies, as data rows (name as CANN names it, head, member steps, limits, CANN releases,
//! targets, source), plus the model rewrites ("tricks") that make a pattern match.
//!
//! Invariants:
//! - Rows pick ops by [`FusionClass`] from the knowledge base, or, where a pattern names specific
//!   ops, by the knowledge base's canonical names (`Conv2D`, `BatchNorm`); no op-type spelling of
//!   any framework appears here.
//! - Rows are tried in table order; when two rows fuse the same number of nodes the earlier one
//!   wins, so specific patterns come before the general ones they refine.
//! - Where a limit or a release boundary is not documented, the row's `source` says so; findings
//!   carry the source into their evidence.
//!
//! Sources: the tuning guide's four classes; the hiascend UB-fusion rule pages and the mstt
//! advisor's pattern file (`ascend.md` 4.3); and the pattern definitions of CANN's built-in
//! fusion passes (`ops/built-in/fusion_pass/buffer_fusion/ub_fusion/ai_core/...`, as published
//! in a public mirror of the Ascend ops repository, 2021–2022), "CANN ops source" below. Those
//! define most named passes with exactly one element-wise op (`TBE_PATTERN_NUM_DEFAULT = 1`) and
//! restrict it to a few op types, which the rows name.

use crate::knowledge::FusionClass;
use crate::target::TargetId;

use super::super::CannVersion;

/// Which GE stage applies a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Graph fusion: FE rewrites the graph before UB fusion, folding ops into the head (Conv +
    /// BatchNorm, Conv + BiasAdd); folded ops do not count against UB limits (`ascend.md` 4.2).
    Graph,
    /// UB fusion: consecutive TBE ops compiled into one kernel (`ascend.md` 4.2, 4.3).
    Ub,
}

/// How many data inputs (inputs that are not constants) a member may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// Exactly one: the guide's "single-input" element-wise ops.
    One,
    /// Exactly two, and the chain enters through the input of the longer branch (the other one
    /// is the residual shortcut): `TbeConvDoubleInFusionPass`'s Add.
    Two,
    /// Any number: heads of the element-wise pattern ("the head may have several inputs").
    Any,
}

/// Which ops a head or a step takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// Fusion classes of the knowledge base; used when `canonicals` is empty.
    pub classes: &'static [FusionClass],
    /// Canonical op names (knowledge base) where the pattern names specific ops; these decide
    /// alone, so a class change in the knowledge base does not silently drop a named pattern.
    pub canonicals: &'static [&'static str],
    pub inputs: Arity,
}

/// One run of members of a pattern: `min..=max` consecutive ops that `member` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub member: Member,
    pub min: u8,
    pub max: u8,
}

/// What the head's data input must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadInput {
    Any,
    /// Produced by an AIPP op (canonical `Aipp`), or a graph input when the caller says AIPP is
    /// configured (`FusionOptions::aipp`, ATC `--insert_op_conf`): AIPP is not in source models.
    AfterAipp,
}

/// CANN releases a row applies to: `from` inclusive, `until` exclusive; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Releases {
    pub from: Option<CannVersion>,
    pub until: Option<CannVersion>,
}

impl Releases {
    pub const ALL: Releases = Releases {
        from: None,
        until: None,
    };

    pub fn contains(self, cann: CannVersion) -> bool {
        self.from.is_none_or(|from| cann >= from) && self.until.is_none_or(|until| cann < until)
    }
}

/// One pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pattern {
    /// The name as CANN names it where known.
    pub name: &'static str,
    pub pass: Pass,
    pub head: Member,
    pub head_input: HeadInput,
    /// The members after the head, in data-flow order.
    pub steps: &'static [Step],
    /// Whether the limit of the last step counts the head too (the element-wise pattern's "at
    /// most 5" is of the whole chain; Conv + element-wise's "at most 3" is of the followers).
    pub limit_counts_head: bool,
    pub releases: Releases,
    /// Targets the row applies to; empty: every target.
    pub targets: &'static [TargetId],
    /// Where the row's facts come from, and what is uncertain about them.
    pub source: &'static str,
}

impl Pattern {
    pub fn applies(&self, target: TargetId, cann: CannVersion) -> bool {
        self.releases.contains(cann) && (self.targets.is_empty() || self.targets.contains(&target))
    }

    /// The largest number of members the last step takes, as the pattern's documents count it.
    pub fn limit(&self) -> u32 {
        let last = self.steps.last().map_or(0, |step| u32::from(step.max));
        last + u32::from(self.limit_counts_head)
    }
}

/// A model rewrite that lets a pattern match (the tuning guide's identity-conv trick).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trick {
    /// The op whose output cannot feed a fusion group (canonical names).
    pub producer: &'static [&'static str],
    /// The op left without a group.
    pub member: Member,
    /// The pattern the rewrite makes match.
    pub enables: &'static str,
    /// Format conversions (TransData) GE puts around the producer that the rewrite removes.
    pub transdata_moves: u32,
    /// The rewrite, with `{producer}` and `{member}` standing for the node names.
    pub fix: &'static str,
    pub source: &'static str,
}

/// 8.0.0, the first commercial 8.0 release: the element-wise limit becomes 6 (`ascend.md` 4.3).
pub const CANN_8_0_0: CannVersion = CannVersion {
    major: 8,
    minor: 0,
    stage: 2,
    number: 0,
};

const ELEMENTWISE: &[FusionClass] = &[FusionClass::Elementwise];
const ELEMENTWISE_OR_BROADCAST: &[FusionClass] =
    &[FusionClass::Elementwise, FusionClass::Broadcast];

const fn named(canonicals: &'static [&'static str], inputs: Arity) -> Member {
    Member {
        classes: &[],
        canonicals,
        inputs,
    }
}

const fn of_class(classes: &'static [FusionClass], inputs: Arity) -> Member {
    Member {
        classes,
        canonicals: &[],
        inputs,
    }
}

const fn step(member: Member, min: u8, max: u8) -> Step {
    Step { member, min, max }
}

const SINGLE_ELEMENTWISE: Member = of_class(ELEMENTWISE, Arity::One);
const CONVOLUTIONS: &[&str] = &["Conv2D", "DepthwiseConv2D", "Conv3D"];
/// The guide's "the head must be a convolution"; depthwise convolution, deconvolution and MatMul
/// heads have passes of their own with other limits.
const PLAIN_CONVOLUTIONS: &[&str] = &["Conv2D", "Conv3D"];
const BEFORE_8_0_0: Releases = Releases {
    from: None,
    until: Some(CANN_8_0_0),
};
const FROM_8_0_0: Releases = Releases {
    from: Some(CANN_8_0_0),
    until: None,
};

const fn row(
    name: &'static str,
    pass: Pass,
    head: Member,
    steps: &'static [Step],
    source: &'static str,
) -> Pattern {
    Pattern {
        name,
        pass,
        head,
        head_input: HeadInput::Any,
        steps,
        limit_counts_head: false,
        releases: Releases::ALL,
        targets: &[],
        source,
    }
}

/// Every pattern, graph pre-passes first, then UB patterns, specific before general.
pub const PATTERNS: &[Pattern] = &[
    // ---- Graph fusion: changes what UB fusion sees ----
    row(
        "ConvBatchnormFusionPass",
        Pass::Graph,
        named(CONVOLUTIONS, Arity::Any),
        &[
            step(named(&["BatchNorm"], Arity::One), 1, 1),
            step(named(&["Scale"], Arity::One), 0, 1),
        ],
        "mstt advisor op_fusion_pass.yaml: Conv2d/Conv3d/DepthwiseConv2d → Batchnorm (ascend.md 4.3); Caffe conv1 + bn_conv1 + scale_conv1 fold into one node (om JSON fixture, ascend.md 3.2)",
    ),
    row(
        "Conv2DTransposeBatchnormFusionPass",
        Pass::Graph,
        named(&["Conv2DTranspose"], Arity::Any),
        &[
            step(named(&["BatchNorm"], Arity::One), 1, 1),
            step(named(&["Scale"], Arity::One), 0, 1),
        ],
        "mstt advisor op_fusion_pass.yaml (ascend.md 4.3)",
    ),
    row(
        "AABiasaddConvFusion",
        Pass::Graph,
        named(CONVOLUTIONS, Arity::Any),
        &[step(named(&["BiasAdd"], Arity::One), 1, 1)],
        "graph-fusion pass the CANN 8.5 docs warn against disabling (hiascend atlasag_25_0078, ascend.md 4.3): the bias accumulates in L0C",
    ),
    row(
        "MatMulBiasAddFusionPass",
        Pass::Graph,
        named(&["MatMulV2", "BatchMatMulV2"], Arity::Any),
        &[step(named(&["BiasAdd"], Arity::One), 1, 1)],
        "mstt advisor op_fusion_pass.yaml: MatMul* → BiasAdd (ascend.md 4.3)",
    ),
    // ---- UB fusion: named patterns that go past the guide's wording ----
    row(
        "TbeConvDoubleInFusionPass",
        Pass::Ub,
        named(&["Conv2D"], Arity::Any),
        &[
            step(of_class(ELEMENTWISE, Arity::Two), 1, 1),
            step(SINGLE_ELEMENTWISE, 1, 1),
        ],
        "hiascend UB fusion rule list, mstt op_fusion_pass.yaml (ascend.md 4.3); CANN ops source tbe_conv_double_in_fusion_pass.cc: Conv2D → ElemWise with another input → ElemWise; when both inputs of the Add are convolutions CANN takes the one with more input channels, the simulation the longer branch",
    ),
    row(
        "TBEConvAddFusion",
        Pass::Ub,
        named(&["Conv2D"], Arity::Any),
        &[step(named(&["Add", "AddV2", "Eltwise"], Arity::Two), 1, 1)],
        "mstt op_fusion_pass.yaml: Conv → Add (ascend.md 4.3); a residual Add with no activation after it; a Caffe Eltwise is taken as its default SUM (its operation is not checked)",
    ),
    Pattern {
        head_input: HeadInput::AfterAipp,
        ..row(
            "TbeAippConvReluMaxpoolingFusion",
            Pass::Ub,
            named(&["Conv2D"], Arity::Any),
            &[
                step(named(&["Relu", "LeakyRelu"], Arity::One), 0, 1),
                step(named(&["MaxPool", "Pooling"], Arity::One), 1, 1),
            ],
            "hiascend UB fusion rule list, mstt op_fusion_pass.yaml (ascend.md 4.3); CANN ops source tbe_aipp_conv_relu_maxpooling_fusion_pass.cc: AIPP → Conv → optional Relu/LeakyRelu → MaxPool/Pooling; its checks on the conv (C04 weights: at most 4 input channels, 3/5/7 kernels, limited width) and on the pooling (max, 2×2 or 3×3, stride 2) are not simulated",
        )
    },
    row(
        "TbeDepthwiseConvElemwiseFusionPass",
        Pass::Ub,
        named(&["DepthwiseConv2D"], Arity::Any),
        &[step(named(&["LeakyRelu", "Relu6"], Arity::One), 1, 1)],
        "hiascend UB fusion rule list (ascend.md 4.3); CANN ops source tbe_depthwiseconv_elemwise_fusion_pass.cc: one LeakyRelu or Relu6 (then an optional quant)",
    ),
    row(
        "ATbeMatMulElemwiseFusionPass",
        Pass::Ub,
        named(&["MatMulV2"], Arity::Any),
        &[step(SINGLE_ELEMENTWISE, 1, 1)],
        "hiascend UB fusion rule list, mstt op_fusion_pass.yaml (ascend.md 4.3); CANN ops source tbe_matmul_elemwise.cc (registered as ATbeMatmulElemwiseFusionPass): one ElemWise with one output, static shapes only",
    ),
    row(
        "TbeBatchMatmulElementWiseFusionPass",
        Pass::Ub,
        named(&["BatchMatMulV2"], Arity::Any),
        &[
            step(named(&["Add", "AddV2", "Div", "RealDiv", "Relu"], Arity::Any), 1, 1),
            step(named(&["Add", "AddV2", "Relu"], Arity::Any), 0, 1),
        ],
        "hiascend UB fusion rule list, mstt op_fusion_pass.yaml (ascend.md 4.3); CANN ops source batch_matmul_elementwise_ub_fusion.cc: Add/Div/RealDiv/Relu (or FusedMulAdd), then optionally Add/Relu",
    ),
    row(
        "TbeDxElemwisePass",
        Pass::Ub,
        named(&["Conv2DTranspose"], Arity::Any),
        &[step(named(&["Relu", "LeakyRelu", "PRelu"], Arity::Any), 1, 1)],
        "hiascend UB fusion rule list, mstt op_fusion_pass.yaml (ascend.md 4.3); CANN ops source conv2d_bp_input_elemwise_pass.cc: deconvolution (Conv2DBackpropInput) + one Relu, LeakyRelu or PRelu",
    ),
    // ---- UB fusion: the guide's four classes ----
    row(
        "TbeConvElemwiseFusionPass",
        Pass::Ub,
        named(PLAIN_CONVOLUTIONS, Arity::Any),
        &[step(SINGLE_ELEMENTWISE, 1, 3)],
        "tuning guide: Conv + element-wise, the head a convolution, at most 3 single-input single-output element-wise ops; current CANN applies it as automatic UB fusion (AutomaticUbFusion in the hiascend list), the pass name is from older releases (ascend.md 4.3, not re-verified)",
    ),
    Pattern {
        limit_counts_head: true,
        releases: BEFORE_8_0_0,
        ..row(
            "TbeEltwiseFusionPass",
            Pass::Ub,
            of_class(ELEMENTWISE, Arity::Any),
            &[step(SINGLE_ELEMENTWISE, 1, 4)],
            "tuning guide: at most 5 element-wise ops, the head may have several inputs; CANN 8.0.RC3 docs: max 5, not for dynamic shape (hiascend atlasrr_30_0145, ascend.md 4.3)",
        )
    },
    Pattern {
        limit_counts_head: true,
        releases: FROM_8_0_0,
        ..row(
            "TbeEltwiseFusionPass",
            Pass::Ub,
            of_class(ELEMENTWISE_OR_BROADCAST, Arity::Any),
            &[step(of_class(ELEMENTWISE_OR_BROADCAST, Arity::One), 1, 5)],
            "CANN 8.0 commercial / 8.1 / 8.2 docs: max 6 nodes, ElemWise and Broadcast (hiascend canncommercial/800 atlasrr_30_0146, ascend.md 4.3); that Broadcast joins from 8.0.0 on is assumed",
        )
    },
    Pattern {
        releases: BEFORE_8_0_0,
        ..row(
            "TbeReduceElemwiseFusionPass",
            Pass::Ub,
            of_class(&[FusionClass::Reduce], Arity::Any),
            &[step(SINGLE_ELEMENTWISE, 1, 4)],
            "tuning guide: exactly one reduce and at most 4 element-wise ops; a Caffe reduce cannot fuse, a TF reduce can (mode 2 of the pass: reduce first)",
        )
    },
    Pattern {
        releases: FROM_8_0_0,
        ..row(
            "TbeReduceElemwiseFusionPass",
            Pass::Ub,
            of_class(&[FusionClass::Reduce], Arity::Any),
            &[step(SINGLE_ELEMENTWISE, 1, 5)],
            "hiascend atlasrr_30_0181/0185 (ascend.md 4.3): mode 2, a CommReduce followed by 1-5 single-input element-wise ops, static shape only; the release where 4 became 5 is not documented (8.0.0 assumed)",
        )
    },
    Pattern {
        releases: BEFORE_8_0_0,
        ..row(
            "TbeReduceElemwiseFusionPass",
            Pass::Ub,
            SINGLE_ELEMENTWISE,
            &[
                step(of_class(&[FusionClass::Reduce], Arity::One), 1, 1),
                step(SINGLE_ELEMENTWISE, 0, 3),
            ],
            "hiascend atlasrr_30_0181 (ascend.md 4.3): mode 1, exactly one element-wise op before the reduce; the guide's total of 4 element-wise ops kept before 8.0.0",
        )
    },
    Pattern {
        releases: FROM_8_0_0,
        ..row(
            "TbeReduceElemwiseFusionPass",
            Pass::Ub,
            SINGLE_ELEMENTWISE,
            &[
                step(of_class(&[FusionClass::Reduce], Arity::One), 1, 1),
                step(SINGLE_ELEMENTWISE, 0, 5),
            ],
            "hiascend atlasrr_30_0181 (ascend.md 4.3): mode 1, one element-wise op before one CommReduce, at most 5 after",
        )
    },
    row(
        "TbeSegmentElemwiseFusion",
        Pass::Ub,
        of_class(&[FusionClass::Segment], Arity::Any),
        &[step(SINGLE_ELEMENTWISE, 1, 4)],
        "tuning guide: Segment + element-wise, like Reduce + element-wise (at most 4); the pass name is from older documentation (ascend.md 4.3, not re-verified)",
    ),
];

/// Model rewrites that make a pattern match.
pub const TRICKS: &[Trick] = &[Trick {
    producer: &["MirrorPad"],
    member: of_class(ELEMENTWISE, Arity::Any),
    enables: "TbeConvElemwiseFusionPass",
    transdata_moves: 2,
    fix: "Insert an identity 1×1 convolution (weights = identity, no bias) after `{producer}`: `{member}` then fuses into the convolution's UB group (Conv + element-wise) and the two TransData format moves around the ND-only MirrorPad disappear",
    source: "tuning guide: an identity conv2d after MirrorPad lets the following Mul fuse into a Conv + element-wise group and removes two TransData copies",
}];

/// The canonical op that stands for AIPP (image pre-processing before the first convolution).
pub const AIPP: &str = "Aipp";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_well_formed() {
        for pattern in PATTERNS {
            assert!(!pattern.steps.is_empty(), "{}", pattern.name);
            assert!(pattern.source.len() > 20, "{}", pattern.name);
            let head = pattern.head;
            assert!(
                !head.classes.is_empty() || !head.canonicals.is_empty(),
                "{}",
                pattern.name
            );
            for step in pattern.steps {
                assert!(step.min <= step.max && step.max > 0, "{}", pattern.name);
                let member = step.member;
                assert!(
                    !member.classes.is_empty() || !member.canonicals.is_empty(),
                    "{}",
                    pattern.name
                );
            }
            // At least one step must be required, or a head alone would be a "group".
            assert!(pattern.steps.iter().any(|s| s.min > 0), "{}", pattern.name);
        }
        let first_ub = PATTERNS.iter().position(|p| p.pass == Pass::Ub);
        let last_graph = PATTERNS.iter().rposition(|p| p.pass == Pass::Graph);
        assert!(last_graph < first_ub, "graph pre-passes come first");
    }

    #[test]
    fn the_element_wise_limit_follows_the_release() {
        let rc1 = CannVersion::DEFAULT;
        let limits: Vec<u32> = [rc1, CANN_8_0_0]
            .iter()
            .map(|&cann| {
                PATTERNS
                    .iter()
                    .filter(|p| p.name == "TbeEltwiseFusionPass")
                    .filter(|p| p.applies(TargetId::Ascend310, cann))
                    .map(Pattern::limit)
                    .sum()
            })
            .collect();
        assert_eq!(limits, vec![5, 6]);
    }

    #[test]
    fn releases_and_targets_select_rows() {
        let only_910b = Pattern {
            targets: &[TargetId::Ascend910B],
            ..PATTERNS[0]
        };
        assert!(!only_910b.applies(TargetId::Ascend310, CannVersion::DEFAULT));
        assert!(only_910b.applies(TargetId::Ascend910B, CannVersion::DEFAULT));
        assert!(BEFORE_8_0_0.contains(CannVersion::DEFAULT));
        assert!(!BEFORE_8_0_0.contains(CANN_8_0_0));
        assert!(FROM_8_0_0.contains(CANN_8_0_0));
    }
}
