//! Unit assignment on the real Ascend 310 `.om` sample in ../shared/samples/models/ge (ATC,
//! CANN 5.1.RC2): GE put `Cast_1206` (float16 → int64) on the AI CPU (`aicpu_ascend_kernel`).
//! The knowledge base must predict the same from the dtypes alone, in the `.om`, its JSON and the
//! ONNX source. Skipped quietly when the samples folder is absent.

use std::path::PathBuf;

use opscope_engine::analysis::units::{assign, NodeUnit, UnitReason, UnitSource};
use opscope_engine::ir::Model;
use opscope_engine::knowledge::ExecUnit;
use opscope_engine::target::{Target, TargetId};
use opscope_engine::{open_model, InputFile};

fn open(name: &str) -> Option<Model> {
    let engine = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = [
        "../../shared/samples/models/ge",
        "../../../shared/samples/models/ge",
    ]
    .into_iter()
    .map(|rel| engine.join(rel))
    .find(|dir| dir.is_dir())?;
    let data = std::fs::read(dir.join(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
    Some(open_model(&InputFile::new(name, data)).unwrap_or_else(|err| panic!("{name}: {err}")))
}

fn unit_named<'u>(model: &Model, units: &'u [NodeUnit], name: &str) -> &'u NodeUnit {
    let idx = model
        .graph
        .nodes
        .iter()
        .position(|n| n.name == name)
        .unwrap_or_else(|| panic!("no node {name}"));
    &units[idx]
}

#[test]
fn om_cast_to_int64_is_on_the_ai_cpu() {
    for file in ["ait-compare-model.om", "ait-compare-model.om.json"] {
        let Some(model) = open(file) else {
            return;
        };
        let units = assign(&model, &Target::new(TargetId::Ascend310));
        assert_eq!(units.len(), model.graph.nodes.len());
        let cast = unit_named(&model, &units, "Cast_1206");
        assert_eq!(cast.unit, ExecUnit::AiCpu, "{file}");
        assert_eq!(cast.source, UnitSource::Graph, "{file}");
        assert_eq!(
            cast.reason,
            UnitReason::GraphAttr {
                engine: "aicpu_ascend_kernel".into()
            },
            "{file}"
        );
        // The knowledge base alone says the same: the 310's Cast writes no int64.
        assert_eq!(cast.predicted, ExecUnit::AiCpu, "{file}");
        // The format-changing Casts GE inserted stay on the AI Core, predicted and recorded.
        let inserted = unit_named(&model, &units, "trans_Cast_0");
        assert_eq!(
            (inserted.unit, inserted.predicted),
            (ExecUnit::Vector, ExecUnit::Vector)
        );
    }
}

#[test]
fn onnx_source_predicts_the_same_ai_cpu_cast() {
    let Some(model) = open("ait-compare-model.onnx") else {
        return;
    };
    let units = assign(&model, &Target::new(TargetId::Ascend310));
    let casts: Vec<(&str, &NodeUnit)> = model
        .graph
        .nodes
        .iter()
        .zip(&units)
        .filter(|(node, _)| node.op_type == "Cast")
        .map(|(node, unit)| (node.name.as_str(), unit))
        .collect();
    let on_cpu: Vec<&str> = casts
        .iter()
        .filter(|(_, unit)| unit.unit == ExecUnit::AiCpu)
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(on_cpu, vec!["Cast_1206"], "{casts:?}");
    let cast = casts
        .iter()
        .find(|(name, _)| *name == "Cast_1206")
        .map(|(_, u)| *u);
    assert!(
        matches!(
            cast.map(|u| &u.reason),
            Some(UnitReason::DtypeNotSupported { canonical: "Cast", dtype }) if *dtype == "i64"
        ),
        "{cast:?}"
    );
    // On the 910B the same Cast has an AI Core kernel.
    let units = assign(&model, &Target::new(TargetId::Ascend910B));
    assert!(units.iter().all(|u| u.unit != ExecUnit::AiCpu));
}
