//! The estimate in the shape of a measured profile, so the hotspot table, unit chart, op
//! statistics and heat map work on a model alone.
//!
//! Invariants: one task per kernel of the cost model, named after the node GE would name it after
//! (a fused group after its head, like `conv1` for `conv1 + relu1`), with the node's own op type;
//! a fused group is also listed as a `fusion_op` row (fused op → original node names); the
//! profile has exactly one source, of kind `SourceKind::Estimate`, so it is labelled as an
//! estimate wherever it appears (`Profile::is_estimate`). Shapes and dtypes are written as the
//! estimate counted them: unknown dims as 1, float32 on the AI Core as FLOAT16.

use std::collections::HashMap;

use crate::ir::fx_hash::FxBuild;
use crate::ir::{DType, Dim, Graph, Model, NodeId, Shape, TensorId};
use crate::knowledge::ExecUnit;
use crate::profile::{
    DeviceInfo, FusionOp, OpState, Profile, Source, SourceKind, Strings, Sym, Task, Unit,
};
use crate::target::spec_of;

use super::super::units::NodeUnit;
use super::views::element_bits;
use super::CostModel;

/// The task type msprof writes for a kernel on `unit` (`ascend.md` 1.3): cube and vector kernels
/// are `AI_CORE` on chips without separate vector cores, vector kernels `AI_VECTOR_CORE` on the
/// 910B. `None` for nodes without a kernel.
pub(crate) fn task_type(unit: ExecUnit, separate_vector_cores: bool) -> Option<&'static str> {
    Some(match unit {
        ExecUnit::Cube | ExecUnit::Scalar => "AI_CORE",
        ExecUnit::Vector if separate_vector_cores => "AI_VECTOR_CORE",
        ExecUnit::Vector => "AI_CORE",
        ExecUnit::Mix => "MIX_AIC",
        ExecUnit::AiCpu => "AI_CPU",
        ExecUnit::Communication => "HCCL",
        ExecUnit::Dsa => "DSA_SQE",
        ExecUnit::Dvpp => "DVPP",
        ExecUnit::None => return None,
    })
}

/// The dtype as msprof spells it in `Input Data Types` (the inverse of `profile::profile_dtype`).
fn profile_dtype_name(dtype: DType) -> &'static str {
    match dtype {
        DType::F32 => "FLOAT",
        DType::F16 => "FLOAT16",
        DType::BF16 => "DT_BF16",
        DType::F64 => "DOUBLE",
        DType::I8 => "INT8",
        DType::I16 => "INT16",
        DType::I32 => "INT32",
        DType::I64 => "INT64",
        DType::U8 => "UINT8",
        DType::U16 => "UINT16",
        DType::U32 => "UINT32",
        DType::U64 => "UINT64",
        DType::Bool => "BOOL",
        DType::Complex64 => "COMPLEX64",
        DType::Complex128 => "COMPLEX128",
        _ => "",
    }
}

/// What the task columns say about a list of tensors: shapes, dtypes and formats, `;`-separated.
/// Reused from task to task (the text is interned, the buffers kept).
#[derive(Default)]
struct TensorColumns {
    shapes: String,
    dtypes: String,
    formats: String,
    /// A dim was unknown (written as 1): the op would be dynamic-shape.
    dynamic: bool,
}

impl TensorColumns {
    fn fill(
        &mut self,
        graph: &Graph,
        tensors: impl Iterator<Item = Option<TensorId>>,
        on_ai_core: bool,
    ) {
        self.shapes.clear();
        self.dtypes.clear();
        self.formats.clear();
        self.dynamic = false;
        for (idx, id) in tensors.enumerate() {
            if idx > 0 {
                self.shapes.push(';');
                self.dtypes.push(';');
                self.formats.push(';');
            }
            let Some(tensor) = id.and_then(|id| graph.tensors.get(id)) else {
                continue;
            };
            if let Some(shape) = &tensor.shape {
                self.push_shape(shape);
            }
            let dtype = match tensor.dtype {
                DType::F32 if on_ai_core && element_bits(DType::F32, true) == 16 => DType::F16,
                other => other,
            };
            self.dtypes.push_str(profile_dtype_name(dtype));
            if let Some(layout) = &tensor.layout {
                self.formats.push_str(layout);
            }
        }
    }

    fn push_shape(&mut self, shape: &Shape) {
        for (idx, dim) in shape.0.iter().enumerate() {
            if idx > 0 {
                self.shapes.push(',');
            }
            match dim {
                Dim::Known(value) if *value >= 0 => push_decimal(&mut self.shapes, *value as u64),
                _ => {
                    self.dynamic = true;
                    self.shapes.push('1');
                }
            }
        }
    }
}

/// Appends `value` in decimal: `write!` costs more than the rest of a task on 50,000-node graphs.
fn push_decimal(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
}

/// Column texts (op types, shapes, dtypes) repeat from task to task: a small map in front of the
/// profile's interner keeps their lookups out of the big name table.
#[derive(Default)]
struct ColumnSyms {
    known: HashMap<String, Sym, FxBuild>,
}

impl ColumnSyms {
    fn intern(&mut self, strings: &mut Strings, text: &str) -> Sym {
        if let Some(&sym) = self.known.get(text) {
            return sym;
        }
        let sym = strings.intern(text);
        self.known.insert(text.to_string(), sym);
        sym
    }
}

/// The estimate in the shape of a measured profile: one task per kernel (a fused group is one
/// kernel), task types from the units, durations from the estimate.
pub fn estimated_profile(model: &Model, units: &[NodeUnit], cost: &CostModel) -> Profile {
    let graph = &model.graph;
    let spec = cost.target_spec.unwrap_or(*spec_of(cost.target));
    let mut profile = Profile::default();
    let mut start_us = 0.0;
    let mut inputs = TensorColumns::default();
    let mut outputs = TensorColumns::default();
    let mut written = Vec::new();
    let mut columns = ColumnSyms::default();
    // The task type, its symbol and its unit per execution unit, decided once
    // (`Unit::from_task_type` allocates).
    let kinds = ExecUnit::ALL.map(|unit| {
        task_type(unit, spec.separate_vector_cores)
            .map(|raw| (profile.strings.intern(raw), Unit::from_task_type(raw)))
    });
    profile.tasks.reserve(cost.kernels.len());
    for kernel in &cost.kernels {
        let Some(head) = graph.nodes.get(kernel.head) else {
            continue;
        };
        let kind = ExecUnit::ALL.iter().position(|u| *u == kernel.unit);
        let Some((task_type, unit)) = kind.and_then(|idx| kinds[idx]) else {
            continue;
        };
        let on_ai_core = kernel.unit.is_ai_core();
        inputs.fill(graph, head.inputs.iter().copied(), on_ai_core);
        kernel_outputs(graph, cost.kernel_nodes(kernel), &mut written);
        outputs.fill(graph, written.iter().map(|&id| Some(id)), on_ai_core);
        let duration_us = if kernel.estimated_us.is_finite() {
            kernel.estimated_us
        } else {
            0.0
        };
        let strings = &mut profile.strings;
        let mut column = |text: &str| columns.intern(strings, text);
        let op_type = column(&head.op_type);
        let input_shapes = column(&inputs.shapes);
        let input_dtypes = column(&inputs.dtypes);
        let input_formats = column(&inputs.formats);
        let output_shapes = column(&outputs.shapes);
        let output_dtypes = column(&outputs.dtypes);
        let output_formats = column(&outputs.formats);
        // An unnamed node (ONNX allows it) gets a generated `<op type>_<node index>` name, so
        // unnamed nodes do not merge into one hotspot row (the join cannot match them anyway).
        let name = if head.name.is_empty() {
            strings.intern(&format!("{}_{}", head.op_type, kernel.head))
        } else {
            strings.intern(&head.name)
        };
        let task = Task {
            name,
            op_type,
            task_type,
            unit,
            op_state: if inputs.dynamic || outputs.dynamic {
                OpState::Dynamic
            } else {
                OpState::Static
            },
            start_us: Some(start_us),
            duration_us,
            wait_us: Some(0.0),
            block_dim: None,
            mix_block_dim: None,
            stream_id: None,
            task_id: u32::try_from(profile.tasks.len()).ok(),
            input_shapes,
            input_dtypes,
            input_formats,
            output_shapes,
            output_dtypes,
            output_formats,
            pmu: None,
            source: 0,
            line: u32::try_from(profile.tasks.len() + 1).unwrap_or(u32::MAX),
        };
        start_us += duration_us;
        profile.tasks.push(task);
        let nodes = cost.kernel_nodes(kernel);
        if nodes.len() > 1 {
            profile.fusions.push(FusionOp {
                fused: head.name.clone(),
                originals: nodes
                    .iter()
                    .filter_map(|&id| graph.nodes.get(id))
                    .map(|n| n.name.clone())
                    .collect(),
                model_name: model.name.clone(),
            });
        }
    }
    // The kernels carry their units; `units` stays in the signature the façade calls.
    let _ = units;
    let file = format!("estimate (cost model, {})", spec.name);
    profile.device = DeviceInfo {
        platform_version: None,
        chip: Some(spec.chip),
        ai_core_num: Some(spec.ai_cores.count().min(u64::from(u32::MAX)) as u32),
        aiv_num: (spec.vector_cores.count() > 0)
            .then(|| spec.vector_cores.count().min(u64::from(u32::MAX)) as u32),
        aic_frequency_mhz: Some(spec.clock_mhz.value),
        file: Some(file.clone()),
        ..DeviceInfo::default()
    };
    let fused = profile.fusions.len();
    let mut note = format!(
        "not a measurement: the cost model's estimate for the {}, one task per kernel ({} tasks, {fused} fused groups), {:.1} µs in all",
        spec.name,
        profile.tasks.len(),
        cost.total_us
    );
    for remark in &cost.notes {
        note.push_str("; ");
        note.push_str(remark);
    }
    profile.sources.push(Source {
        file,
        kind: SourceKind::Estimate,
        rows: profile.tasks.len(),
        used: true,
        note,
    });
    profile
}

/// The tensors a kernel writes, into `out`: its nodes' outputs that a node outside the kernel
/// reads, that are graph outputs, or that nobody reads.
fn kernel_outputs(graph: &Graph, nodes: &[NodeId], out: &mut Vec<TensorId>) {
    out.clear();
    for node in nodes.iter().filter_map(|&id| graph.nodes.get(id)) {
        for &id in &node.outputs {
            let internal = nodes.len() > 1
                && graph.tensors.get(id).is_some_and(|t| {
                    !t.consumers.is_empty()
                        && t.consumers.iter().all(|c| nodes.contains(c))
                        && !graph.outputs.contains(&id)
                });
            if !internal {
                out.push(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_types_follow_the_chip() {
        assert_eq!(task_type(ExecUnit::Vector, false), Some("AI_CORE"));
        assert_eq!(task_type(ExecUnit::Vector, true), Some("AI_VECTOR_CORE"));
        assert_eq!(task_type(ExecUnit::Cube, true), Some("AI_CORE"));
        assert_eq!(task_type(ExecUnit::AiCpu, false), Some("AI_CPU"));
        assert_eq!(task_type(ExecUnit::None, false), None);
        for unit in ExecUnit::ALL {
            if let Some(raw) = task_type(unit, true) {
                let parsed = Unit::from_task_type(raw);
                assert_eq!(
                    parsed == Unit::Other,
                    matches!(unit, ExecUnit::Dvpp | ExecUnit::Dsa),
                    "{raw}"
                );
            }
        }
    }

    #[test]
    fn decimals_print() {
        for value in [0u64, 7, 10, 1234567, u64::MAX] {
            let mut out = String::from("x");
            push_decimal(&mut out, value);
            assert_eq!(out, format!("x{value}"));
        }
    }

    #[test]
    fn dtype_names_read_back() {
        for dtype in [
            DType::F32,
            DType::F16,
            DType::BF16,
            DType::I8,
            DType::I64,
            DType::Bool,
        ] {
            assert_eq!(
                crate::profile::join::profile_dtype(profile_dtype_name(dtype)),
                Some(dtype)
            );
        }
    }
}
