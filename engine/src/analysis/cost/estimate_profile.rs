//! The estimate in the shape of a measured profile, so the hotspot table, unit chart, op
//! statistics and heat map work on a model alone.
//!
//! Invariants: one task per kernel of the cost model, named after the node GE would name it after
//! (a fused group after its head, like `conv1` for `conv1 + relu1`), with the node's own op type;
//! a fused group is also listed as a `fusion_op` row (fused op → original node names); the
//! profile has exactly one source, of kind `SourceKind::Estimate`, so it is labelled as an
//! estimate wherever it appears (`Profile::is_estimate`). Shapes and dtypes are written as the
//! estimate counted them: unknown dims as 1, float32 on the AI Core as FLOAT16.

use crate::ir::{DType, Dim, Graph, Model, NodeId, Shape, TensorId};
use crate::knowledge::ExecUnit;
use crate::profile::{DeviceInfo, FusionOp, OpState, Profile, Source, SourceKind, Task, Unit};
use crate::target::spec_of;

use super::super::units::NodeUnit;
use super::ops::element_bits;
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
struct TensorColumns {
    shapes: String,
    dtypes: String,
    formats: String,
    /// A dim was unknown (written as 1): the op would be dynamic-shape.
    dynamic: bool,
}

fn shape_text(shape: &Shape, dynamic: &mut bool) -> String {
    let dims: Vec<String> = shape
        .0
        .iter()
        .map(|dim| match dim {
            Dim::Known(value) if *value >= 0 => value.to_string(),
            _ => {
                *dynamic = true;
                "1".to_string()
            }
        })
        .collect();
    dims.join(",")
}

fn tensor_columns(graph: &Graph, tensors: &[Option<TensorId>], on_ai_core: bool) -> TensorColumns {
    let mut columns = TensorColumns {
        shapes: String::new(),
        dtypes: String::new(),
        formats: String::new(),
        dynamic: false,
    };
    for (idx, id) in tensors.iter().enumerate() {
        if idx > 0 {
            columns.shapes.push(';');
            columns.dtypes.push(';');
            columns.formats.push(';');
        }
        let Some(tensor) = id.and_then(|id| graph.tensors.get(id)) else {
            continue;
        };
        if let Some(shape) = &tensor.shape {
            columns
                .shapes
                .push_str(&shape_text(shape, &mut columns.dynamic));
        }
        let dtype = if on_ai_core && element_bits(tensor.dtype, true) == 16 {
            match tensor.dtype {
                DType::BF16 => DType::BF16,
                DType::F32 | DType::F16 => DType::F16,
                other => other,
            }
        } else {
            tensor.dtype
        };
        columns.dtypes.push_str(profile_dtype_name(dtype));
        if let Some(layout) = &tensor.layout {
            columns.formats.push_str(layout);
        }
    }
    columns
}

/// The estimate in the shape of a measured profile: one task per kernel (a fused group is one
/// kernel), task types from the units, durations from the estimate.
pub fn estimated_profile(model: &Model, units: &[NodeUnit], cost: &CostModel) -> Profile {
    let graph = &model.graph;
    let spec = cost.target_spec.unwrap_or(*spec_of(cost.target));
    let mut profile = Profile::default();
    let mut start_us = 0.0;
    for kernel in &cost.kernels {
        let Some(head) = graph.nodes.get(kernel.head) else {
            continue;
        };
        let Some(task_type) = task_type(kernel.unit, spec.separate_vector_cores) else {
            continue;
        };
        let on_ai_core = kernel.unit.is_ai_core();
        let inputs = tensor_columns(graph, &head.inputs, on_ai_core);
        let outputs = tensor_columns(graph, &kernel_outputs(graph, &kernel.nodes), on_ai_core);
        let duration_us = if kernel.estimated_us.is_finite() {
            kernel.estimated_us
        } else {
            0.0
        };
        let strings = &mut profile.strings;
        let task = Task {
            name: strings.intern(&head.name),
            op_type: strings.intern(&head.op_type),
            task_type: strings.intern(task_type),
            unit: Unit::from_task_type(task_type),
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
            input_shapes: strings.intern(&inputs.shapes),
            input_dtypes: strings.intern(&inputs.dtypes),
            input_formats: strings.intern(&inputs.formats),
            output_shapes: strings.intern(&outputs.shapes),
            output_dtypes: strings.intern(&outputs.dtypes),
            output_formats: strings.intern(&outputs.formats),
            pmu: None,
            source: 0,
            line: u32::try_from(profile.tasks.len() + 1).unwrap_or(u32::MAX),
        };
        start_us += duration_us;
        profile.tasks.push(task);
        if kernel.nodes.len() > 1 {
            profile.fusions.push(FusionOp {
                fused: head.name.clone(),
                originals: kernel
                    .nodes
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

/// The tensors a kernel writes: its nodes' outputs that a node outside the kernel reads, that
/// are graph outputs, or that nobody reads.
fn kernel_outputs(graph: &Graph, nodes: &[NodeId]) -> Vec<Option<TensorId>> {
    let mut outputs = Vec::new();
    for node in nodes.iter().filter_map(|&id| graph.nodes.get(id)) {
        for &id in &node.outputs {
            let internal = graph.tensors.get(id).is_some_and(|t| {
                !t.consumers.is_empty()
                    && t.consumers.iter().all(|c| nodes.contains(c))
                    && !graph.outputs.contains(&id)
            });
            if !internal {
                outputs.push(Some(id));
            }
        }
    }
    outputs
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
