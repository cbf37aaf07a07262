//! The knowledge base against measurement: for every op type a profile ran, does the predicted
//! unit match the measured `Task Type`? `agree_share` is the share of profiled time whose op type
//! was predicted right.
//!
//! How it counts:
//! - Agreement is decided per task row: the row's op type is looked up in the knowledge base and
//!   predicted with the row's input and output dtypes (`Cast INT32→UINT64` → AI CPU), then the
//!   prediction is compared with the row's task type through [`AGREEMENT`].
//! - `agree_share` is time-weighted over the tasks compared; an op type counts in `agree_ops` when
//!   all of its compared time agreed, so an op type with mixed units (some Casts on the AI CPU)
//!   is one disagreeing op type whose agreeing tasks still count as agreeing time.
//! - Which knowledge-base column applies: the profile's chip (`info.json`) when it maps to a
//!   target ([`CHIP_COLUMNS`] for chips without a column of their own, e.g. the 910A), else the
//!   target the caller analyses for. Whether the chip has separate vector cores decides how AI
//!   Core task types read: from the chip's target row, and for an unknown chip also from the
//!   profile itself (an `AI_VECTOR_CORE` or `MIX_*` task only exists on such chips).
//! - Only compute and communication task types are compared (those in [`AGREEMENT`]); DMA,
//!   notify and unnamed tasks are left out and reported as `unchecked_us`.
//! - A task without an op type (older timelines, unnamed torch_npu kernels) takes one from its
//!   name when a spelling of the knowledge base can be read off it: the MindSpore leaf
//!   `Conv2D-op8`, a torch_npu kernel `aclnnMm_MatMulCommon_MemSet` or GE's `trans_TransData_3`
//!   (an `_`-separated part), a graph-mode name with a counter `Conv2D1`; a fused
//!   `FusionOp_BiasAdd_ReluV2` counts as its head op. Tasks with no readable op type are left
//!   out. An op type the knowledge base does not know is a disagreement (predicted `unknown`).

use std::collections::HashMap;

use serde::Serialize;

use crate::ir::fx_hash::FxBuild;
use crate::ir::DType;
use crate::knowledge::{self, DTypeSet, ExecUnit, OpSpec};
use crate::profile::{Profile, Sym};
use crate::target::{spec_of, Target, TargetId};

/// `unit_check` of the JSON reports (a public interface: keys are only added).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnitCheck {
    /// Share of profiled time (of the op types checked) whose unit was predicted right, 0 to 1.
    pub agree_share: f64,
    /// Op types predicted right (all of their compared time agreed).
    pub agree_ops: usize,
    /// Op types checked.
    pub total_ops: usize,
    /// The op types predicted wrong, one entry per predicted / measured pair, largest time first.
    pub disagreements: Vec<UnitDisagreement>,
    /// The knowledge-base column the predictions used (`ascend910b`).
    pub column: String,
    /// Whether task types were read as on a chip with separate vector cores.
    pub separate_vector_cores: bool,
    /// Profiled time of the tasks compared, µs.
    pub checked_us: f64,
    /// Profiled time not compared: DMA and notify tasks, tasks without a readable op type, µs.
    pub unchecked_us: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitDisagreement {
    pub op_type: String,
    /// Unit id of the knowledge base (`vector`, `ai_cpu`), or `unknown` for an op type the
    /// knowledge base lacks.
    pub predicted: String,
    /// The measured task type (`AI_CPU`).
    pub measured: String,
    /// Time of the disagreeing tasks, µs.
    pub total_us: f64,
}

/// A chip the profile names that has no knowledge-base column of its own: the column whose op
/// library it shares, and how its task types read.
struct ChipColumn {
    chip: &'static str,
    column: TargetId,
    separate_vector_cores: bool,
}

/// The 910A runs the training chips' TBE op library (the 910B column) on one core type: every
/// AI Core task is `AI_CORE` (`ascend.md` 1.2; the 910A sample's `info.json` has `aiv_num` 0).
const CHIP_COLUMNS: &[ChipColumn] = &[ChipColumn {
    chip: "Ascend910A",
    column: TargetId::Ascend910B,
    separate_vector_cores: false,
}];

/// Which measured task types agree with a predicted unit, per kind of chip:
/// `(separate vector cores, predicted unit, task types)`. Without separate vector cores every
/// AI Core kernel is an `AI_CORE` task; with them (910B) cube kernels are `AI_CORE`, vector
/// kernels `AI_VECTOR_CORE` (some still `AI_CORE` in torch_npu timelines), and kernels using both
/// `MIX_AIC` / `MIX_AIV` (msprof-doc op_summary; A2 samples).
pub const AGREEMENT: &[(bool, ExecUnit, &[&str])] = &[
    (false, ExecUnit::Cube, &["AI_CORE"]),
    (false, ExecUnit::Vector, &["AI_CORE"]),
    (false, ExecUnit::Mix, &["AI_CORE", "MIX_AIC", "MIX_AIV"]),
    (false, ExecUnit::Scalar, &["AI_CORE"]),
    (false, ExecUnit::AiCpu, &["AI_CPU"]),
    (false, ExecUnit::Communication, &["HCCL", "COMMUNICATION"]),
    (false, ExecUnit::Dsa, &["DSA_SQE"]),
    (true, ExecUnit::Cube, &["AI_CORE", "MIX_AIC", "MIX_AIV"]),
    (
        true,
        ExecUnit::Vector,
        &["AI_VECTOR_CORE", "MIX_AIV", "AI_CORE"],
    ),
    (true, ExecUnit::Mix, &["MIX_AIC", "MIX_AIV"]),
    (true, ExecUnit::Scalar, &["AI_CORE", "AI_VECTOR_CORE"]),
    (true, ExecUnit::AiCpu, &["AI_CPU"]),
    (true, ExecUnit::Communication, &["HCCL", "COMMUNICATION"]),
    (true, ExecUnit::Dsa, &["DSA_SQE"]),
];

/// Other spellings of the task types in [`AGREEMENT`] (after upper-casing and dropping a
/// `KERNEL_` prefix: task_time's `KERNEL_AICORE`, op_statistic's `Core Type`).
const TASK_TYPE_SPELLINGS: &[(&str, &str)] = &[
    ("AICORE", "AI_CORE"),
    ("AI CORE", "AI_CORE"),
    ("AIVEC", "AI_VECTOR_CORE"),
    ("AIV", "AI_VECTOR_CORE"),
    ("AI_VECTOR", "AI_VECTOR_CORE"),
    ("VECTOR_CORE", "AI_VECTOR_CORE"),
    ("AICPU", "AI_CPU"),
    ("AI CPU", "AI_CPU"),
    ("MIX_AICORE", "MIX_AIC"),
    ("MIX_AIVEC", "MIX_AIV"),
    ("FFTS_PLUS", "MIX_AIC"),
    ("HCCL_AI_CPU", "HCCL"),
    ("HCCL_AICPU", "HCCL"),
    ("DSA", "DSA_SQE"),
];

/// The task type as [`AGREEMENT`] spells it, or `None` for one that is not compared.
fn normalise_task_type(raw: &str) -> Option<&'static str> {
    let upper = raw.trim().to_ascii_uppercase();
    let bare = upper.strip_prefix("KERNEL_").unwrap_or(&upper);
    let known = |name: &str| {
        AGREEMENT
            .iter()
            .flat_map(|(_, _, types)| types.iter())
            .find(|t| **t == name)
            .copied()
    };
    known(bare).or_else(|| {
        TASK_TYPE_SPELLINGS
            .iter()
            .find(|(spelling, _)| *spelling == bare)
            .and_then(|(_, name)| known(name))
    })
}

fn agrees(separate_vector_cores: bool, predicted: ExecUnit, measured: &str) -> bool {
    AGREEMENT.iter().any(|(separate, unit, types)| {
        *separate == separate_vector_cores && *unit == predicted && types.contains(&measured)
    })
}

/// Dtype names of profiling files (`FLOAT16`, `DT_BF16`, `UINT64`), after dropping a `DT_`
/// prefix.
const PROFILE_DTYPES: &[(&str, DType)] = &[
    ("FLOAT16", DType::F16),
    ("FLOAT", DType::F32),
    ("FLOAT32", DType::F32),
    ("DOUBLE", DType::F64),
    ("FLOAT64", DType::F64),
    ("BF16", DType::BF16),
    ("BFLOAT16", DType::BF16),
    ("INT8", DType::I8),
    ("INT16", DType::I16),
    ("INT32", DType::I32),
    ("INT64", DType::I64),
    ("UINT8", DType::U8),
    ("UINT16", DType::U16),
    ("UINT32", DType::U32),
    ("UINT64", DType::U64),
    ("BOOL", DType::Bool),
    ("STRING", DType::String),
    ("COMPLEX64", DType::Complex64),
    ("COMPLEX128", DType::Complex128),
    ("INT4", DType::I4),
];

fn profile_dtype(name: &str) -> DType {
    let upper = name.trim().to_ascii_uppercase();
    let bare = upper.strip_prefix("DT_").unwrap_or(&upper);
    PROFILE_DTYPES
        .iter()
        .find(|(spelling, _)| *spelling == bare)
        .map(|&(_, dtype)| dtype)
        .unwrap_or(DType::Unknown)
}

/// Whether every dtype of a `;`-separated list (`INT32;FLOAT16`) is in `allowed`.
fn dtypes_allowed(list: &str, allowed: DTypeSet) -> bool {
    list.split(';')
        .all(|name| allowed.allows(profile_dtype(name)))
}

/// The knowledge base's unit for one task row: the row's unit in `column`, or the AI CPU when a
/// dtype of the row is outside the AI Core kernel's sets.
fn predict(spec: &OpSpec, column: TargetId, inputs: &str, outputs: &str) -> ExecUnit {
    let unit = spec.unit_on(column);
    if !unit.is_ai_core() {
        return unit;
    }
    let (inputs_ok, outputs_ok) = spec.dtypes_for(column);
    if dtypes_allowed(inputs, inputs_ok) && dtypes_allowed(outputs, outputs_ok) {
        unit
    } else {
        ExecUnit::AiCpu
    }
}

/// What the check decides for one kind of row: its op type, the unit the knowledge base
/// predicts (when it knows the op), the measured task type, and whether the two agree; `None`
/// when the row cannot be checked (an unknown task type, no op type to look up).
type Verdict = Option<(String, Option<ExecUnit>, &'static str, bool)>;

fn verdict(row: &Row, column: TargetId, separate_vector_cores: bool) -> Verdict {
    let measured = normalise_task_type(row.task_type)?;
    let (op_type, spec) = if row.op_type.trim().is_empty() {
        let (op_type, spec) = op_type_from_name(row.name)?;
        (op_type, Some(spec))
    } else {
        (row.op_type.to_string(), knowledge::lookup_any(row.op_type))
    };
    let predicted = spec.map(|spec| predict(spec, column, row.inputs, row.outputs));
    let agreed = predicted.is_some_and(|unit| agrees(separate_vector_cores, unit, measured));
    Some((op_type, predicted, measured, agreed))
}

/// The op type read off a task name (see the module doc), with its row.
fn op_type_from_name(name: &str) -> Option<(String, &'static OpSpec)> {
    let leaf = name.rsplit('/').next().unwrap_or(name);
    let leaf = match leaf.rsplit_once("-op") {
        Some((head, counter))
            if !counter.is_empty() && counter.bytes().all(|b| b.is_ascii_digit()) =>
        {
            head
        }
        _ => leaf,
    };
    let known = |candidate: &str| {
        knowledge::lookup_any(candidate).map(|spec| (candidate.to_string(), spec))
    };
    if let Some(found) = known(leaf) {
        return Some(found);
    }
    let without_counter = leaf.trim_end_matches(|c: char| c.is_ascii_digit());
    if without_counter.len() < leaf.len() && !without_counter.is_empty() {
        if let Some(found) = known(without_counter) {
            return Some(found);
        }
    }
    if let Some(members) = leaf.strip_prefix("FusionOp_") {
        return members.split('_').find_map(known);
    }
    leaf.rsplit('_').find_map(known)
}

/// Per op type: time compared, time agreed, and the disagreeing time per (predicted, measured).
#[derive(Default)]
struct OpTally {
    total_us: f64,
    agreed_us: f64,
    disagreed: Vec<(String, &'static str, f64)>,
}

impl OpTally {
    fn add(&mut self, predicted: Option<ExecUnit>, measured: &'static str, agreed: bool, us: f64) {
        self.total_us += us;
        if agreed {
            self.agreed_us += us;
            return;
        }
        let predicted = predicted.map_or("unknown", ExecUnit::id).to_string();
        match self
            .disagreed
            .iter_mut()
            .find(|(p, m, _)| *p == predicted && *m == measured)
        {
            Some(entry) => entry.2 += us,
            None => self.disagreed.push((predicted, measured, us)),
        }
    }
}

/// One row to compare: op type (given or read off the name), raw task type, dtypes, time.
struct Row<'p> {
    op_type: &'p str,
    name: &'p str,
    task_type: &'p str,
    inputs: &'p str,
    outputs: &'p str,
}

/// The column and the way task types read for this profile (see the module doc).
fn column_of(profile: &Profile, target: &Target) -> (TargetId, bool) {
    if let Some(chip) = profile.device.chip {
        if let Some(id) = TargetId::of_chip(chip) {
            return (id, spec_of(id).separate_vector_cores);
        }
        if let Some(known) = CHIP_COLUMNS.iter().find(|c| c.chip == chip) {
            return (known.column, known.separate_vector_cores);
        }
    }
    let vector_tasks = |raw: &str| {
        matches!(
            normalise_task_type(raw),
            Some("AI_VECTOR_CORE" | "MIX_AIC" | "MIX_AIV")
        )
    };
    let seen_in_profile = if profile.tasks.is_empty() {
        profile
            .op_statistics
            .iter()
            .any(|stat| vector_tasks(&stat.core_type))
    } else {
        let mut seen: Vec<Sym> = Vec::new();
        profile.tasks.iter().any(|task| {
            if seen.contains(&task.task_type) {
                return false;
            }
            seen.push(task.task_type);
            vector_tasks(profile.str(task.task_type))
        })
    };
    (
        target.id(),
        target.spec.separate_vector_cores || seen_in_profile,
    )
}

/// Compares the knowledge base's units with the profile's task types.
pub fn check(profile: &Profile, target: &Target) -> UnitCheck {
    let (column, separate_vector_cores) = column_of(profile, target);
    let mut tallies: HashMap<String, OpTally, FxBuild> = HashMap::default();
    let mut order: Vec<String> = Vec::new();
    let mut checked_us = 0.0;
    let mut unchecked_us = 0.0;
    let mut tally = |verdict: &Verdict, us: f64| {
        let Some((op_type, predicted, measured, agreed)) = verdict else {
            unchecked_us += us;
            return;
        };
        checked_us += us;
        if !tallies.contains_key(op_type) {
            order.push(op_type.clone());
        }
        tallies
            .entry(op_type.clone())
            .or_default()
            .add(*predicted, measured, *agreed, us);
    };
    if profile.tasks.is_empty() {
        for stat in &profile.op_statistics {
            let row = Row {
                op_type: &stat.op_type,
                name: &stat.op,
                task_type: &stat.core_type,
                inputs: "",
                outputs: "",
            };
            tally(
                &verdict(&row, column, separate_vector_cores),
                stat.total_us.unwrap_or(0.0),
            );
        }
    } else {
        // A run has millions of tasks but few kinds of them: the verdict is decided once per
        // kind (the name matters only when the op type is missing and read off it).
        let mut memo: HashMap<[Sym; 5], Verdict, FxBuild> = HashMap::default();
        for task in &profile.tasks {
            let op_type = profile.str(task.op_type);
            let name = if op_type.trim().is_empty() {
                task.name
            } else {
                Sym::EMPTY
            };
            let key = [
                name,
                task.op_type,
                task.task_type,
                task.input_dtypes,
                task.output_dtypes,
            ];
            let verdict = memo.entry(key).or_insert_with(|| {
                let row = Row {
                    op_type,
                    name: profile.str(task.name),
                    task_type: profile.str(task.task_type),
                    inputs: profile.str(task.input_dtypes),
                    outputs: profile.str(task.output_dtypes),
                };
                verdict(&row, column, separate_vector_cores)
            });
            tally(verdict, task.duration_us);
        }
    }
    let agreed_us: f64 = tallies.values().map(|t| t.agreed_us).sum();
    let agree_ops = tallies.values().filter(|t| t.disagreed.is_empty()).count();
    let mut disagreements: Vec<UnitDisagreement> = order
        .iter()
        .filter_map(|op_type| Some((op_type, tallies.get(op_type)?)))
        .flat_map(|(op_type, tally)| {
            tally
                .disagreed
                .iter()
                .map(move |(predicted, measured, us)| UnitDisagreement {
                    op_type: op_type.clone(),
                    predicted: predicted.clone(),
                    measured: (*measured).to_string(),
                    total_us: *us,
                })
        })
        .collect();
    disagreements.sort_by(|a, b| {
        b.total_us
            .total_cmp(&a.total_us)
            .then_with(|| a.op_type.cmp(&b.op_type))
    });
    UnitCheck {
        agree_share: if checked_us > 0.0 {
            (agreed_us / checked_us).clamp(0.0, 1.0)
        } else {
            0.0
        },
        agree_ops,
        total_ops: tallies.len(),
        disagreements,
        column: column.id().to_string(),
        separate_vector_cores,
        checked_us,
        unchecked_us,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_types_normalise_and_others_are_left_out() {
        assert_eq!(normalise_task_type("KERNEL_AICORE"), Some("AI_CORE"));
        assert_eq!(
            normalise_task_type("ai_vector_core"),
            Some("AI_VECTOR_CORE")
        );
        assert_eq!(normalise_task_type("KERNEL_MIX_AIV"), Some("MIX_AIV"));
        assert_eq!(normalise_task_type("AICPU"), Some("AI_CPU"));
        assert_eq!(normalise_task_type("DSA_SQE"), Some("DSA_SQE"));
        assert_eq!(normalise_task_type("SDMA"), None);
        assert_eq!(normalise_task_type("N/A"), None);
    }

    #[test]
    fn agreement_depends_on_vector_cores() {
        assert!(agrees(false, ExecUnit::Vector, "AI_CORE"));
        assert!(!agrees(false, ExecUnit::Vector, "AI_CPU"));
        assert!(agrees(true, ExecUnit::Vector, "AI_VECTOR_CORE"));
        assert!(agrees(true, ExecUnit::Cube, "MIX_AIC"));
        assert!(!agrees(true, ExecUnit::Cube, "AI_VECTOR_CORE"));
        assert!(!agrees(true, ExecUnit::Mix, "AI_CORE"));
        assert!(agrees(true, ExecUnit::Dsa, "DSA_SQE"));
    }

    #[test]
    fn op_types_are_read_off_names() {
        let read = |name: &str| op_type_from_name(name).map(|(op, spec)| (op, spec.canonical));
        assert_eq!(
            read("Default/network/conv1-Conv2d/Conv2D-op8"),
            Some(("Conv2D".into(), "Conv2D"))
        );
        assert_eq!(
            read("aclnnMm_MatMulCommon_MemSet"),
            Some(("MemSet".into(), "MemSet"))
        );
        assert_eq!(
            read("trans_TransData_12"),
            Some(("TransData".into(), "TransData"))
        );
        assert_eq!(read("ReduceSum7"), Some(("ReduceSum".into(), "ReduceSum")));
        assert_eq!(
            read("Default/FusionOp_MatMul_Relu-op525"),
            Some(("MatMul".into(), "MatMulV2"))
        );
        assert_eq!(read("SDMA"), None);
        assert_eq!(read("MEMCPY_ASYNC"), None);
    }

    #[test]
    fn dtypes_of_a_row_decide_the_ai_cpu() {
        let cast = knowledge::lookup_any("Cast").expect("Cast row");
        let on = |inputs, outputs| predict(cast, TargetId::Ascend910B, inputs, outputs);
        assert_eq!(on("INT32", "UINT64"), ExecUnit::AiCpu);
        assert_eq!(on("DOUBLE", "FLOAT"), ExecUnit::AiCpu);
        assert_eq!(on("INT64", "INT32"), ExecUnit::Vector);
        assert_eq!(on("", ""), ExecUnit::Vector);
        assert_eq!(profile_dtype("DT_BF16"), DType::BF16);
    }
}
