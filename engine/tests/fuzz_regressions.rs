//! Inputs the fuzz targets (`fuzz/`, see docs/fuzzing.md) found that panicked, hung or ran out
//! of memory, each kept as the smallest case that showed it, with the fix's expected outcome.

use opscope_engine::analysis::{self, AnalyzeOptions, CannVersion};
use opscope_engine::ir::{DType, Graph, GraphBuilder, Model, ModelFormat, Node, Shape, TensorKind};
use opscope_engine::report::{self, InspectOptions};
use opscope_engine::target::TargetId;

/// A model of `graph` as an ONNX importer would return it, shapes inferred.
fn model_of(graph: Graph) -> Model {
    let mut model = Model {
        format: ModelFormat::Onnx,
        name: graph.name.clone(),
        metadata: Vec::new(),
        opsets: vec![(String::new(), 17)],
        graph,
        functions: Vec::new(),
        warnings: Vec::new(),
    };
    opscope_engine::shape::infer_shapes(&mut model);
    model
}

/// Every stage after the import, as the `analyze_graph` target runs them.
fn analyze_and_draw(model: &Model) {
    let options = AnalyzeOptions {
        target: TargetId::Ascend310,
        cann: CannVersion::DEFAULT,
    };
    let analysis = analysis::analyze(model, None, &options);
    let built = report::analysis::build(model, &analysis, None);
    let _ = report::render::text(&built);
    let _ = report::graph_view(model);
}

/// Two weights of 2^63 bytes each (`analyze_built`; a file may state such sizes, e.g. a GE
/// desc's `size`, or dims whose byte size saturates): the weight total of `inspect` overflowed.
/// It saturates.
#[test]
fn weight_bytes_past_u64_saturate_in_inspect() {
    let mut builder = GraphBuilder::new("huge");
    let x = builder.tensor("x");
    builder.tensor_mut(x).kind = TensorKind::Input;
    let mut weights = Vec::new();
    for name in ["a", "b"] {
        let id = builder.tensor(name);
        let tensor = builder.tensor_mut(id);
        tensor.kind = TensorKind::Weight;
        tensor.dtype = DType::F32;
        tensor.shape = Some(Shape::from_known(&[1 << 61]));
        tensor.byte_size = Some(1 << 63);
        weights.push(id);
    }
    let y = builder.tensor("y");
    builder.add_node(Node {
        name: "add".to_string(),
        op_type: "Add".to_string(),
        inputs: vec![Some(x), Some(weights[0])],
        outputs: vec![y],
        ..Node::default()
    });
    let mut graph = builder.finish();
    graph.inputs = vec![x];
    graph.outputs = vec![y];
    let model = model_of(graph);
    let summary = report::inspect(
        &model,
        InspectOptions {
            with_tensors: false,
        },
    );
    assert_eq!(summary.weights.count, 2);
    assert_eq!(summary.weights.bytes, u64::MAX);
    analyze_and_draw(&model);
}
