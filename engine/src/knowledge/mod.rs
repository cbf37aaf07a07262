//! The op knowledge base: every op type of ONNX, TensorFlow, Caffe and GE/CANN mapped to one
//! canonical op, and per canonical op the facts the analysis needs (execution unit per target,
//! dtypes of its AI Core kernel, fusion class, constraints, AI Core replacement).
//!
//! Invariants:
//! - One table ([`table::OPS`]), one row per canonical op; no other module keeps a list of op
//!   types for what the ops are or do (units, classes, constraints, conversions, replacements):
//!   the analysis and profile layers ask this table. `ir::OpCategory::of` is a view of it.
//! - Lookups are case-insensitive and go through one index built once; a name may be scoped to a
//!   framework (`caffe:Split`) where the same spelling means different ops in two frameworks.
//! - The knowledge base predicts; it never reads a graph or a profile. Unit assignment
//!   (`analysis::units`) applies a row to a node, and measurements override predictions there.
//!
//! Deliberate exceptions, tables of how one format spells and wires an op rather than of what
//! the op is (tract keeps such tables per format too): shape inference's per-format rule rows
//! (`shape::rules::FAMILIES` and the `ONNX` / `TF` / `CAFFE` / `GE` slices of each family file,
//! e.g. `shape/elementwise.rs`, `shape/reduce.rs`); the importers' format-level lists (GE's
//! `DATA_OPS`, `CONST_OPS`, `VARIABLE_OPS` and `NetOutput` in `formats/ge/convert.rs`,
//! TensorFlow's `NO_OUTPUT_OPS`, `NOT_GRAPH_OUTPUTS` and `BOOL_OUTPUT_OPS` in
//! `formats/tensorflow/convert.rs`, the Caffe layer dispatch in `formats/caffe/convert.rs`); and
//! the input slot names and key attribute spellings the graph view prints
//! (`report/graph_view.rs`; which ops it folds as constants is asked here, `OpCategory::Constant`).
//! A fact about an op that the analysis uses belongs here, not there.

mod table;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::ir::{DType, ModelFormat, OpCategory};
use crate::target::TargetId;

pub use table::OPS;

/// Where an op's kernel runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecUnit {
    /// The AI Core's Cube (matrix) unit: convolution, MatMul, fully connected.
    Cube,
    /// The AI Core's Vector unit: element-wise, pooling, normalisation, data movement kernels.
    Vector,
    /// One kernel on the Cube and the Vector together (`MIX_AIC` / `MIX_AIV`, e.g.
    /// FlashAttention on the 910B).
    Mix,
    /// The AI Core's Scalar unit (control-heavy kernels with little data).
    Scalar,
    /// The AI CPU: a fallback with no AI Core kernel, or one whose constraints are not met.
    AiCpu,
    /// The media pre-processing unit (AIPP / DVPP colour conversion, resize).
    Dvpp,
    /// Collective communication (HCCL).
    Communication,
    /// The 910B's DSA engine (random bit masks for dropout).
    Dsa,
    /// No kernel: GE folds the op away (shape arithmetic, Const, Data, Identity) or runs it on
    /// the host.
    None,
}

impl ExecUnit {
    pub const ALL: [ExecUnit; 9] = [
        ExecUnit::Cube,
        ExecUnit::Vector,
        ExecUnit::Mix,
        ExecUnit::Scalar,
        ExecUnit::AiCpu,
        ExecUnit::Dvpp,
        ExecUnit::Communication,
        ExecUnit::Dsa,
        ExecUnit::None,
    ];

    /// Stable id used in JSON (`cube`, `ai_cpu`, `none`).
    pub fn id(self) -> &'static str {
        match self {
            ExecUnit::Cube => "cube",
            ExecUnit::Vector => "vector",
            ExecUnit::Mix => "mix",
            ExecUnit::Scalar => "scalar",
            ExecUnit::AiCpu => "ai_cpu",
            ExecUnit::Dvpp => "dvpp",
            ExecUnit::Communication => "communication",
            ExecUnit::Dsa => "dsa",
            ExecUnit::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExecUnit::Cube => "AI Core · Cube",
            ExecUnit::Vector => "AI Core · Vector",
            ExecUnit::Mix => "AI Core · Cube+Vector",
            ExecUnit::Scalar => "AI Core · Scalar",
            ExecUnit::AiCpu => "AI CPU",
            ExecUnit::Dvpp => "DVPP",
            ExecUnit::Communication => "communication",
            ExecUnit::Dsa => "DSA",
            ExecUnit::None => "no kernel",
        }
    }

    pub fn parse(id: &str) -> Option<ExecUnit> {
        ExecUnit::ALL.into_iter().find(|unit| unit.id() == id)
    }

    /// Whether the op runs on the AI Core (any of its units).
    pub fn is_ai_core(self) -> bool {
        matches!(
            self,
            ExecUnit::Cube | ExecUnit::Vector | ExecUnit::Mix | ExecUnit::Scalar
        )
    }
}

/// How an op takes part in UB fusion (the tuning guide's classes, `ascend.md` 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FusionClass {
    /// A Cube op that can head a fusion group (convolution, MatMul, fully connected).
    CubeHead,
    /// Element-wise: same shape in and out (activations, arithmetic, Cast).
    Elementwise,
    /// Element-wise with broadcasting inputs (a bias, a per-channel scale).
    Broadcast,
    /// A reduction (ReduceSum, ReduceMean); heads a Reduce + element-wise group.
    Reduce,
    /// A segment op (SegmentSum, UnsortedSegmentSum); heads a Segment + element-wise group.
    Segment,
    /// Pooling: joins the AIPP Conv + activation + pooling pattern.
    Pool,
    /// A kernel that does not take part in UB fusion.
    Opaque,
    /// No kernel at all (see [`ExecUnit::None`]).
    NoKernel,
}

impl FusionClass {
    pub fn id(self) -> &'static str {
        match self {
            FusionClass::CubeHead => "cube_head",
            FusionClass::Elementwise => "elementwise",
            FusionClass::Broadcast => "broadcast",
            FusionClass::Reduce => "reduce",
            FusionClass::Segment => "segment",
            FusionClass::Pool => "pool",
            FusionClass::Opaque => "opaque",
            FusionClass::NoKernel => "no_kernel",
        }
    }
}

/// A set of dtypes, as a bit set over [`DType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DTypeSet(u32);

impl DTypeSet {
    pub const EMPTY: DTypeSet = DTypeSet(0);
    /// Every dtype: the row does not restrict dtypes.
    pub const ANY: DTypeSet = DTypeSet(u32::MAX);

    pub const fn of(dtypes: &[DType]) -> DTypeSet {
        let mut bits = 0u32;
        let mut idx = 0;
        while idx < dtypes.len() {
            bits |= 1 << (dtypes[idx] as u32);
            idx += 1;
        }
        DTypeSet(bits)
    }

    pub const fn union(self, other: DTypeSet) -> DTypeSet {
        DTypeSet(self.0 | other.0)
    }

    /// The set without the members of `other`.
    pub const fn without(self, other: DTypeSet) -> DTypeSet {
        DTypeSet(self.0 & !other.0)
    }

    /// Whether `dtype` is in the set; unknown dtypes are never held against an op.
    pub fn allows(self, dtype: DType) -> bool {
        matches!(dtype, DType::Unknown | DType::Other) || self.0 & (1 << (dtype as u32)) != 0
    }

    pub fn is_any(self) -> bool {
        self == DTypeSet::ANY
    }
}

/// A known restriction of an op's AI Core kernel or of its fusion, as data. Unit assignment
/// turns the first one that a node breaks into its unit reason; rules read the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// The AI Core kernel needs static shapes: with unknown dims the op falls back to `unit`.
    StaticShape { fallback: ExecUnit },
    /// The output shape depends on the input values (NonZero, Unique): never static.
    DataDependentShape,
    /// The output shape depends on the values of these inputs (TopK's k, Range's bounds, Tile's
    /// multiples): data-dependent when one of them is computed at run time instead of being a
    /// constant. `analysis::units::is_data_dependent` decides it for a node.
    DataDependentOperands { inputs: &'static [usize] },
    /// A string attribute whose value the AI Core kernel does not take (e.g. Resize
    /// `mode = "cubic"`): with one of `values` the op falls back to the AI CPU.
    AttrStrNotIn {
        attr: &'static str,
        values: &'static [&'static str],
    },
    /// An integer attribute value the AI Core kernel does not take.
    AttrIntNotIn {
        attr: &'static str,
        values: &'static [i64],
    },
    /// The op cannot join a UB fusion group (`why` is the reason shown in near misses, e.g. the
    /// guide's "a Caffe reduce cannot fuse").
    NoUbFusion { why: &'static str },
    /// Channel counts should be multiples of C0 (Cube ops; `channel-alignment`).
    ChannelsMultipleOfC0,
    /// With align-corners, (dst - 1) / (src - 1) should be whole (`interp-divisibility`).
    AlignCornersDivisible,
    /// The op is a format conversion GE inserts between formats (TransData).
    FormatConversion,
    /// The op only changes the dtype (Cast); GE inserts it between ops that disagree on dtypes.
    DtypeConversion,
    /// The op supports the 5HD format (NC1HWC0); ops without it force TransData around them.
    Supports5hd,
}

/// How to move an op that falls back to the AI CPU onto the AI Core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    /// What to use instead (`Mul chain`, `Cast to float32`).
    pub with: &'static str,
    /// When the replacement applies (`the exponent is a constant integer`).
    pub when: &'static str,
    /// The concrete rewrite (`tf.pow(x, 2) → x * x`).
    pub how: &'static str,
}

/// One canonical op.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpSpec {
    /// The canonical name: the GE/CANN op type where one exists (`Conv2D`, `MatMulV2`).
    pub canonical: &'static str,
    /// Every spelling in every framework, matched case-insensitively. A `caffe:`, `onnx:`, `tf:`
    /// or `ge:` prefix limits a spelling to one framework (GE names also match profiles).
    pub names: &'static [&'static str],
    pub category: OpCategory,
    /// The unit its kernel runs on when its constraints hold.
    pub unit: ExecUnit,
    /// Targets where the unit differs from `unit`.
    pub unit_on: &'static [(TargetId, ExecUnit)],
    /// Input dtypes its AI Core kernel takes ([`DTypeSet::ANY`] when not restricted).
    pub dtypes: DTypeSet,
    /// Output dtypes its AI Core kernel produces ([`DTypeSet::ANY`] when not restricted); what
    /// decides a Cast to a type the kernel cannot write.
    pub out_dtypes: DTypeSet,
    /// Targets whose AI Core kernel takes other dtypes: `(target, inputs, outputs)`.
    pub dtypes_on: &'static [(TargetId, DTypeSet, DTypeSet)],
    pub fusion: FusionClass,
    pub constraints: &'static [Constraint],
    /// Its AI Core replacement, for ops that run on (or fall back to) the AI CPU.
    pub replacement: Option<Replacement>,
    /// Where the facts of the row come from.
    pub source: &'static str,
}

impl OpSpec {
    /// The unit on `target` when the constraints hold.
    pub fn unit_on(&self, target: TargetId) -> ExecUnit {
        self.unit_on
            .iter()
            .find(|(id, _)| *id == target)
            .map(|&(_, unit)| unit)
            .unwrap_or(self.unit)
    }

    /// The input and output dtypes the AI Core kernel takes on `target`.
    pub fn dtypes_for(&self, target: TargetId) -> (DTypeSet, DTypeSet) {
        self.dtypes_on
            .iter()
            .find(|(id, _, _)| *id == target)
            .map(|&(_, inputs, outputs)| (inputs, outputs))
            .unwrap_or((self.dtypes, self.out_dtypes))
    }

    pub fn has(&self, constraint: fn(&Constraint) -> bool) -> bool {
        self.constraints.iter().any(constraint)
    }

    /// Whether the op converts formats or dtypes and computes nothing (TransData, Cast): what
    /// GE inserts between neighbours that disagree, and what profiles count as conversion time.
    pub fn is_conversion(&self) -> bool {
        self.has(|c| {
            matches!(
                c,
                Constraint::FormatConversion | Constraint::DtypeConversion
            )
        })
    }

    /// Whether the op converts dtypes (Cast) rather than formats.
    pub fn converts_dtype(&self) -> bool {
        self.has(|c| matches!(c, Constraint::DtypeConversion))
    }

    /// Whether the op's AI Core kernel takes the 5HD format (NC1HWC0, or NDC1HWC0 for 3D ops).
    pub fn supports_5hd(&self) -> bool {
        self.has(|c| matches!(c, Constraint::Supports5hd))
    }
}

/// The framework a name is scoped to in [`OpSpec::names`].
fn scope_of(format: ModelFormat) -> Scope {
    match format {
        ModelFormat::Onnx => Scope::Onnx,
        ModelFormat::Tensorflow => Scope::Tf,
        ModelFormat::Caffe => Scope::Caffe,
        ModelFormat::Ge => Scope::Ge,
    }
}

/// A framework prefix of a scoped spelling, in the order [`lookup_any`] tries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Ge,
    Onnx,
    Tf,
    Caffe,
}

impl Scope {
    const ALL: [Scope; 4] = [Scope::Ge, Scope::Onnx, Scope::Tf, Scope::Caffe];

    fn prefix(self) -> &'static str {
        match self {
            Scope::Ge => "ge",
            Scope::Onnx => "onnx",
            Scope::Tf => "tf",
            Scope::Caffe => "caffe",
        }
    }

    fn parse(prefix: &str) -> Option<Scope> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.prefix() == prefix)
    }
}

/// The rows a lowercase spelling names: unscoped, and per framework scope.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    any: Option<usize>,
    scoped: [Option<usize>; 4],
}

/// `lowercase name` → rows. Built once; a lookup lowercases into a stack buffer, so it does not
/// allocate for names up to [`NAME_BUFFER`] bytes.
fn index() -> &'static HashMap<String, Entry> {
    static INDEX: OnceLock<HashMap<String, Entry>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<String, Entry> = HashMap::new();
        for (row, spec) in OPS.iter().enumerate() {
            let canonical = index
                .entry(spec.canonical.to_ascii_lowercase())
                .or_default();
            canonical.any.get_or_insert(row);
            for name in spec.names {
                let lower = name.to_ascii_lowercase();
                match lower
                    .split_once(':')
                    .and_then(|(p, n)| Some((Scope::parse(p)?, n)))
                {
                    Some((scope, bare)) => {
                        let entry = index.entry(bare.to_string()).or_default();
                        entry.scoped[scope as usize].get_or_insert(row);
                    }
                    None => {
                        index.entry(lower).or_default().any.get_or_insert(row);
                    }
                }
            }
        }
        index
    })
}

/// Longest op type lowercased on the stack; longer ones allocate once.
const NAME_BUFFER: usize = 96;

/// Runs `find` on the index entry of `op_type`, lowercased without allocating where possible.
fn with_entry<T>(op_type: &str, find: impl FnOnce(&Entry) -> Option<T>) -> Option<T> {
    let index = index();
    let bytes = op_type.as_bytes();
    if bytes.len() <= NAME_BUFFER {
        let mut buffer = [0u8; NAME_BUFFER];
        let lower = &mut buffer[..bytes.len()];
        lower.copy_from_slice(bytes);
        lower.make_ascii_lowercase();
        let key = std::str::from_utf8(lower).ok()?;
        index.get(key).and_then(find)
    } else {
        index.get(&op_type.to_ascii_lowercase()).and_then(find)
    }
}

/// The row of an op type as a model of `format` spells it: a spelling scoped to the framework
/// first, then any unscoped spelling.
pub fn lookup(format: ModelFormat, op_type: &str) -> Option<&'static OpSpec> {
    let scope = scope_of(format);
    with_entry(op_type, |entry| entry.scoped[scope as usize].or(entry.any))
        .and_then(|row| OPS.get(row))
}

/// The row of an op type of unknown framework (a profile's `OP Type`, a viewer label): any
/// unscoped spelling, then a GE-scoped one, then any other scoped one.
pub fn lookup_any(op_type: &str) -> Option<&'static OpSpec> {
    with_entry(op_type, |entry| {
        entry
            .any
            .or_else(|| entry.scoped.iter().find_map(|row| *row))
    })
    .and_then(|row| OPS.get(row))
}

/// The canonical op of graph inputs: GE `Data`, TensorFlow `Placeholder`, Caffe `Input` and data
/// layers, which the category files with the constants (no kernel, no data input).
const FEED: &str = "Data";

/// Whether an op of a `format` model feeds the graph (a graph input the caller fills) rather than
/// holding a constant, though both are [`OpCategory::Constant`]: the graph view folds constants
/// into their readers and must keep the feeds.
pub fn is_feed(format: ModelFormat, op_type: &str) -> bool {
    lookup(format, op_type).is_some_and(|spec| spec.canonical == FEED)
}

/// The category of an op type in any framework's spelling (`ir::OpCategory::of`).
pub fn category_of(op_type: &str) -> OpCategory {
    lookup_any(op_type)
        .map(|spec| spec.category)
        .unwrap_or(OpCategory::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_belongs_to_one_row() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for spec in OPS {
            let mut names: Vec<String> =
                spec.names.iter().map(|n| n.to_ascii_lowercase()).collect();
            names.push(spec.canonical.to_ascii_lowercase());
            names.sort();
            names.dedup();
            for name in names {
                if let Some(other) = seen.insert(name.clone(), spec.canonical) {
                    panic!("{name} is listed under {other} and {}", spec.canonical);
                }
            }
        }
    }

    #[test]
    fn lookups_are_case_insensitive_and_scoped() {
        let conv = lookup(ModelFormat::Onnx, "conv").map(|s| s.canonical);
        assert_eq!(conv, Some("Conv2D"));
        assert_eq!(lookup_any("CONV2D").map(|s| s.canonical), Some("Conv2D"));
        assert_eq!(
            lookup(ModelFormat::Caffe, "Convolution").map(|s| s.canonical),
            Some("Conv2D")
        );
        assert_eq!(lookup_any("NoSuchOp"), None);
        assert_eq!(category_of("Relu"), OpCategory::Activation);
    }

    #[test]
    fn framework_scopes_pick_the_meaning() {
        let canonical = |format, op| lookup(format, op).map(|s| s.canonical);
        assert_eq!(canonical(ModelFormat::Caffe, "Slice"), Some("SplitV"));
        assert_eq!(canonical(ModelFormat::Onnx, "Slice"), Some("Slice"));
        assert_eq!(canonical(ModelFormat::Caffe, "Split"), Some("Identity"));
        assert_eq!(canonical(ModelFormat::Tensorflow, "Max"), Some("ReduceMax"));
        assert_eq!(canonical(ModelFormat::Onnx, "Max"), Some("Maximum"));
        assert_eq!(canonical(ModelFormat::Onnx, "Where"), Some("Select"));
        assert_eq!(canonical(ModelFormat::Tensorflow, "Where"), Some("Where"));
        // A profile's op type has no framework: unscoped spellings first, then GE, ONNX, TF.
        assert_eq!(lookup_any("Sum").map(|s| s.canonical), Some("AddN"));
        assert_eq!(
            lookup_any("hcom_allReduce_").map(|s| s.canonical),
            Some("HcomAllReduce")
        );
        assert_eq!(
            lookup_any("ReduceSumD").map(|s| s.canonical),
            Some("ReduceSum")
        );
    }

    #[test]
    fn odd_names_are_looked_up_without_panicking() {
        let long = "X".repeat(NAME_BUFFER + 10);
        assert_eq!(lookup_any(&long), None);
        assert_eq!(lookup_any(""), None);
        assert_eq!(lookup_any("Ünïcode"), None);
        assert_eq!(lookup(ModelFormat::Ge, "caffe:Slice"), None);
    }

    #[test]
    fn the_fixed_canonicals_exist_and_every_row_has_a_source() {
        for canonical in [
            "Conv2D",
            "DepthwiseConv2D",
            "Conv2DTranspose",
            "MatMulV2",
            "BatchMatMulV2",
            "BatchNorm",
            "Scale",
            "Pow",
            "Power",
            "Cast",
            "TransData",
            "MirrorPad",
            "Interp",
            "Resize",
            "ReduceSum",
            "ReduceMean",
            "Reduction",
            "UnsortedSegmentSum",
            "Relu",
            "Add",
            "Mul",
            "Sub",
        ] {
            let spec = lookup_any(canonical).unwrap_or_else(|| panic!("{canonical}"));
            assert_eq!(spec.canonical, canonical);
        }
        for spec in OPS {
            assert!(!spec.source.trim().is_empty(), "{}", spec.canonical);
            assert!(!spec.canonical.contains(':'), "{}", spec.canonical);
        }
    }

    #[test]
    fn per_target_dtypes_and_units() {
        let cast = lookup_any("Cast").expect("Cast row");
        let (_, out_310) = cast.dtypes_for(TargetId::Ascend310);
        let (_, out_910b) = cast.dtypes_for(TargetId::Ascend910B);
        assert!(!out_310.allows(DType::I64));
        assert!(out_910b.allows(DType::I64));
        assert!(!out_910b.allows(DType::U64));
        let pow = lookup_any("Pow").expect("Pow row");
        assert_eq!(pow.unit_on(TargetId::Ascend310), ExecUnit::AiCpu);
        assert_eq!(pow.unit_on(TargetId::Ascend910B), ExecUnit::Vector);
        assert!(pow.replacement.is_some());
    }

    fn row(name: &str) -> &'static OpSpec {
        lookup_any(name).unwrap_or_else(|| panic!("no row for {name}"))
    }

    /// `transdata-avoidable` flags AI Core ops without 5HD between 5HD Cube ops: a missing mark
    /// on a pooling or concat row makes it fire on every CNN (it did on ResNet-50 / DenseNet).
    #[test]
    fn pooling_concat_convolutions_and_elementwise_ops_take_5hd() {
        for name in [
            "MaxPool",
            "AvgPool",
            "AveragePool",
            "GlobalAveragePool",
            "GlobalMaxPool",
            "MaxPoolWithArgmax",
            "Concat",
            "ConcatV2",
            "ConcatD",
            "Conv2D",
            "DepthwiseConv2D",
            "Conv2DTranspose",
            "Conv3D",
            "BatchNorm",
            "Scale",
            "Relu",
            "Add",
            "Mul",
            "Cast",
            "AscendQuant",
            "AscendDequant",
            "Resize",
            "Interp",
            "Crop",
        ] {
            assert!(row(name).supports_5hd(), "{name} should take 5HD");
        }
        let caffe_pooling = lookup(ModelFormat::Caffe, "Pooling").expect("Caffe Pooling");
        assert!(caffe_pooling.supports_5hd());
        for name in [
            "MirrorPad",
            "Pad",
            "PadV3",
            "Transpose",
            "GatherV2",
            "StridedSlice",
            "SplitD",
            "MatMulV2",
            "BatchMatMulV2",
            "TransData",
            "Normalize",
        ] {
            assert!(!row(name).supports_5hd(), "{name} runs in ND");
        }
    }

    #[test]
    fn constraints_follow_the_op_class() {
        for spec in OPS {
            let on_ai_core = TargetId::ALL
                .into_iter()
                .any(|target| spec.unit_on(target).is_ai_core());
            if on_ai_core
                && matches!(
                    spec.fusion,
                    FusionClass::Elementwise | FusionClass::Broadcast
                )
            {
                assert!(
                    spec.supports_5hd(),
                    "{}: element-wise ops take 5HD",
                    spec.canonical
                );
            }
            if spec.unit == ExecUnit::Cube {
                assert!(
                    spec.has(|c| matches!(c, Constraint::ChannelsMultipleOfC0)),
                    "{}: Cube ops want channels in blocks of C0",
                    spec.canonical
                );
            }
            if spec.has(|c| matches!(c, Constraint::FormatConversion)) {
                assert!(!spec.supports_5hd(), "{}", spec.canonical);
            }
            if spec.category == OpCategory::Shape && spec.unit == ExecUnit::None {
                assert!(
                    !spec.supports_5hd(),
                    "{}: views have no kernel",
                    spec.canonical
                );
            }
        }
        assert!(row("TransData").is_conversion() && !row("TransData").converts_dtype());
        assert!(row("Cast").is_conversion() && row("Cast").converts_dtype());
        assert!(!row("AscendQuant").is_conversion());
    }

    #[test]
    fn data_dependent_shapes_and_replacements() {
        for name in ["NonZero", "Unique", "NonMaxSuppression", "Bincount"] {
            assert!(
                row(name).has(|c| matches!(c, Constraint::DataDependentShape)),
                "{name}"
            );
        }
        let tf_where = lookup(ModelFormat::Tensorflow, "Where").expect("TF Where");
        assert!(tf_where.has(|c| matches!(c, Constraint::DataDependentShape)));
        // ONNX Where has three inputs and is a Select: nothing data-dependent.
        let onnx_where = lookup(ModelFormat::Onnx, "Where").expect("ONNX Where");
        assert!(!onnx_where.has(|c| matches!(c, Constraint::DataDependentShape)));
        let top_k = row("TopK");
        assert!(top_k.has(|c| matches!(c, Constraint::DataDependentOperands { inputs: &[1] })));
        // The msprof-analyze advisor's replacement samples, and the tuning guide's Pow.
        for name in [
            "Equal",
            "TensorEqual",
            "Mul",
            "IndexPut",
            "Index",
            "NonZero",
            "ArgMin",
            "Cast",
            "Pow",
        ] {
            assert!(row(name).replacement.is_some(), "{name}");
        }
        // TensorEqual is not Equal: its AI Core kernel takes float64 but not int64.
        let (tensor_equal, _) = row("TensorEqual").dtypes_for(TargetId::Ascend910B);
        assert!(tensor_equal.allows(DType::F64) && !tensor_equal.allows(DType::I64));
        let (equal, _) = row("Equal").dtypes_for(TargetId::Ascend910B);
        assert!(!equal.allows(DType::F64) && equal.allows(DType::I64));
        let (mul, _) = row("Mul").dtypes_for(TargetId::Ascend910B);
        assert!(!mul.allows(DType::I16) && mul.allows(DType::Complex64));
    }

    #[test]
    fn dtype_sets_hold_their_members() {
        let set = DTypeSet::of(&[DType::F16, DType::F32]);
        assert!(set.allows(DType::F16));
        assert!(!set.allows(DType::F64));
        assert!(set.allows(DType::Unknown));
        assert!(DTypeSet::ANY.allows(DType::F64));
        let no_f32 = set.without(DTypeSet::of(&[DType::F32]));
        assert!(no_f32.allows(DType::F16) && !no_f32.allows(DType::F32));
    }
}
