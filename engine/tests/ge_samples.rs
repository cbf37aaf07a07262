//! GE graphs through the public API: the generated ResNet-50 and MobileNet v2 (as ATC leaves
//! them) in every form a user holds, inspected like the CLI does; then any real GE dumps, JSON
//! files and `.om` models under `../shared/samples/models/ge` (none are public yet; the check
//! runs when some are dropped there).

use std::path::PathBuf;

use opscope_engine::report::{graph_view, inspect, InspectOptions};
use opscope_engine::samples::{
    ge_chain, ge_mobilenet_v2, ge_resnet50, GeModel, JsonStyle, OmOptions,
};
use opscope_engine::{import_model, InputFile};

fn forms(model: &GeModel) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("ge_proto_00042_Build.txt", model.to_text().into_bytes()),
        ("model.json", model.to_json(JsonStyle::ATC).into_bytes()),
        ("model.om", model.to_om(&OmOptions::atc())),
    ]
}

#[test]
fn generated_nets_inspect_alike_in_every_form() {
    for (model, nodes, convs) in [(ge_resnet50(), 188, 53), (ge_mobilenet_v2(), 178, 35)] {
        assert_eq!(model.op_count(), nodes);
        let mut reports = Vec::new();
        for (name, bytes) in forms(&model) {
            let imported =
                import_model(&InputFile::new(name, bytes)).unwrap_or_else(|e| panic!("{e}"));
            let report = inspect(&imported, InspectOptions { with_tensors: true });
            assert_eq!(report.format, "ge", "{name}");
            assert_eq!(report.nodes, nodes, "{name}");
            assert_eq!(report.op_types.get("Conv2D"), Some(&convs), "{name}");
            assert_eq!(report.subgraph_nodes, 0, "{name}");
            let input = &report.inputs[0];
            assert_eq!(
                input.shape.as_ref().map(|s| s.to_string()).as_deref(),
                Some("[1,3,224,224]")
            );
            // Every tensor of a static ATC graph states its shape.
            let tensors = report.tensors.clone().unwrap_or_default();
            assert!(tensors.iter().all(|t| t.shape.is_some()), "{name}");
            let view = graph_view(&imported);
            assert_eq!(view.node_count, nodes, "{name}");
            reports.push((report.edges, report.op_types, report.weights));
        }
        assert!(reports.windows(2).all(|w| w[0] == w[1]));
    }
}

#[test]
fn a_large_chain_imports_in_every_form() {
    let model = ge_chain(5_000);
    for (name, bytes) in forms(&model) {
        let imported = import_model(&InputFile::new(name, bytes)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported.graph.nodes.len(), model.op_count(), "{name}");
        assert!(
            imported.warnings.is_empty(),
            "{name}: {:?}",
            imported.warnings
        );
    }
}

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/models/ge")
}

#[test]
fn real_ge_files_import_when_present() {
    let dir = samples_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("{} is absent: real GE file checks skipped", dir.display());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dump = name.starts_with("ge_proto") || name.starts_with("ge_onnx");
        if !(name.ends_with(".om") || name.ends_with(".json") || dump) {
            continue;
        }
        let data = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let model =
            import_model(&InputFile::new(name.clone(), data)).unwrap_or_else(|e| panic!("{e}"));
        let report = inspect(
            &model,
            InspectOptions {
                with_tensors: false,
            },
        );
        assert_eq!(report.format, "ge", "{name}");
        assert!(report.nodes > 0, "{name}");
        let _ = graph_view(&model);
    }
}

/// GE's ONNX-text dump of the graph `ge_proto_00000_Build.txt` holds: the same ops, edges and
/// shapes, read as a GE model.
#[test]
fn the_ge_onnx_text_dump_matches_its_ge_proto_twin() {
    let dir = samples_dir();
    if !dir.join("ge_onnx_00000_graph_1_Build.pbtxt").is_file() {
        eprintln!("{} is absent: GE ONNX-text check skipped", dir.display());
        return;
    }
    let open = |name: &str| {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        import_model(&InputFile::new(name, bytes)).unwrap_or_else(|e| panic!("{e}"))
    };
    let onnx_text = open("ge_onnx_00000_graph_1_Build.pbtxt");
    let ge_proto = open("ge_proto_00000_Build.txt");
    assert_eq!(onnx_text.format.name(), "ge");
    assert_eq!(onnx_text.graph.nodes.len(), 102);
    let report = |m: &opscope_engine::ir::Model| {
        inspect(
            m,
            InspectOptions {
                with_tensors: false,
            },
        )
    };
    let (a, b) = (report(&onnx_text), report(&ge_proto));
    assert_eq!(a.edges, b.edges);
    assert_eq!(a.op_types, b.op_types);
    let controls = |m: &opscope_engine::ir::Model| {
        m.graph
            .nodes
            .iter()
            .map(|n| n.control_inputs.len())
            .sum::<usize>()
    };
    assert_eq!(controls(&onnx_text), controls(&ge_proto));
    assert_eq!(controls(&onnx_text), 41);
}
