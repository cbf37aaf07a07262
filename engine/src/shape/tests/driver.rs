//! The driver: dependency order, cycles, stated shapes and mismatches, dtypes, subgraphs and
//! functions, repeated runs, malformed graphs.

use expect_test::expect;

use super::{check, model, render_graph};
use crate::ir::{DType, Dim, Graph, ModelFormat, Node, Shape, ShapeSource, Subgraph, Tensor};
use crate::shape::infer_shapes;

#[test]
fn nodes_out_of_file_order_are_visited_after_their_inputs() {
    check(
        ModelFormat::Onnx,
        r#"
        b = Relu(a)
        a = Relu(x)
        input x: f32[2,3]
        "#,
        expect![[r#"
            a: f32[2,3]
            b: f32[2,3]
            x: f32[2,3]
        "#]],
    );
}

#[test]
fn cycles_stay_unknown_and_do_not_block_the_rest() {
    check(
        ModelFormat::Onnx,
        r#"
        input x: f32[4]
        a = Add(x, b)
        b = Relu(a)
        self = Relu(self)
        after = Relu(b)
        fine = Relu(x)
        "#,
        expect![[r#"
            x: f32[4]
            b: unknown?
            a: unknown?
            self: unknown?
            after: unknown?
            fine: f32[4]
            unknown: Add×1, Relu×3
        "#]],
    );
}

#[test]
fn unknown_ops_leave_outputs_and_dtypes_unknown() {
    check(
        ModelFormat::Onnx,
        r#"
        input x: f32[1,3,8,8]
        y = MyCustomOp(x)
        z = Relu(y)
        w = Relu(x)
        "#,
        expect![[r#"
            x: f32[1,3,8,8]
            y: unknown?
            z: unknown?
            w: f32[1,3,8,8]
            unknown: MyCustomOp×1, Relu×1
        "#]],
    );
}

#[test]
fn stated_shapes_are_kept_completed_and_contradictions_reported() {
    let text = r#"
        input x: f32[N,3,8,8]
        stated y: f32[N,?,8,8]
        stated z: f32[N,3,8,9]
        stated s: f32[?,?]
        y = Relu(x)
        z = Relu(x)
        s = Relu(x)
    "#;
    check(
        ModelFormat::Onnx,
        text,
        expect![[r#"
            x: f32[N,3,8,8]
            y: f32[N,3,8,8]
            z: f32[N,3,8,9]
            s: f32[?,?]
            mismatch: z (Relu) z: stated [N,3,8,9], inferred [N,3,8,8]
            mismatch: s (Relu) s: stated [?,?], inferred [N,3,8,8]
        "#]],
    );
    let mut model = model(ModelFormat::Onnx, text);
    let report = infer_shapes(&mut model);
    assert_eq!(report.tensors, 4);
    assert_eq!(report.shaped_before, 4);
    assert_eq!(report.shaped_after, 4);
    assert_eq!(
        model.warnings,
        vec![
            "shape inference: graph \"main\", node \"z\" (Relu): tensor \"z\" is stated as [N,3,8,9] but inferred as [N,3,8,8]; kept the stated shape".to_string(),
            "shape inference: graph \"main\", node \"s\" (Relu): tensor \"s\" is stated as [?,?] but inferred as [N,3,8,8]; kept the stated shape".to_string(),
        ]
    );
    let source = |name: &str| {
        let id = model.graph.tensor_by_name(name).unwrap();
        model.graph.tensors[id].shape_source
    };
    assert_eq!(source("x"), ShapeSource::Stated);
    assert_eq!(source("y"), ShapeSource::Stated);
    assert_eq!(source("z"), ShapeSource::Stated);
}

#[test]
fn a_second_run_changes_nothing() {
    let text = r#"
        input x: f32[N,3,8,8]
        weight w: f32[4,3,3,3]
        stated z: f32[N,4,7,7]
        y = Conv(x, w) pads=[1,1,1,1]
        z = Relu(y)
        unknown = Foo(z)
    "#;
    let mut model = model(ModelFormat::Onnx, text);
    let first = infer_shapes(&mut model);
    let rendered = render_graph(&model.graph, "");
    let second = infer_shapes(&mut model);
    assert_eq!(render_graph(&model.graph, ""), rendered);
    assert_eq!(first.mismatches.len(), 1);
    assert_eq!(second.mismatches, first.mismatches);
    assert_eq!(second.shaped_before, first.shaped_after);
    let id = model.graph.tensor_by_name("y").unwrap();
    assert_eq!(model.graph.tensors[id].shape_source, ShapeSource::Inferred);
    let id = model.graph.tensor_by_name("unknown").unwrap();
    assert_eq!(model.graph.tensors[id].shape_source, ShapeSource::Unknown);
}

#[test]
fn subgraphs_see_outer_values_and_functions_are_inferred() {
    let mut model = model(
        ModelFormat::Onnx,
        r#"
        input x: f32[2,5]
        outer = Relu(x)
        input cond: bool[]
        subgraph body {
        inner = Transpose(outer)
        output inner
        }
        subgraph other {
        inner = Transpose(outer)
        output inner
        }
        y = If(cond) then_branch=graph(body) else_branch=graph(other)
        "#,
    );
    let function = super::model(
        ModelFormat::Onnx,
        r#"
        input a: f32[3,4]
        input b: f32[4,6]
        c = MatMul(a, b)
        "#,
    );
    model.functions.push(function.graph.clone());
    // A body without an owner node is inferred too, after the graph.
    model.graph.subgraphs.push(Subgraph {
        owner: None,
        attr: "library".to_string(),
        graph: function.graph,
    });
    infer_shapes(&mut model);
    expect![[r#"
        a: f32[3,4]
        b: f32[4,6]
        c: f32[3,6]
    "#]]
    .assert_eq(&render_graph(&model.graph.subgraphs[2].graph, ""));
    let rendered = |g: &Graph| render_graph(g, "");
    expect![[r#"
        x: f32[2,5]
        outer: f32[2,5]
        cond: bool[]
        y: f32[5,2]
    "#]]
    .assert_eq(&rendered(&model.graph));
    expect![[r#"
        outer: f32[2,5]
        inner: f32[5,2]
    "#]]
    .assert_eq(&rendered(&model.graph.subgraphs[0].graph));
    expect![[r#"
        a: f32[3,4]
        b: f32[4,6]
        c: f32[3,6]
    "#]]
    .assert_eq(&rendered(&model.functions[0]));
}

#[test]
fn malformed_graphs_do_not_panic() {
    // Ids past the end, a node writing a tensor another node already writes, and attributes of
    // the wrong type or with absurd values.
    let mut model = model(
        ModelFormat::Onnx,
        r#"
        input x: f32[1,3,9223372036854775807,4]
        weight w: f32[8,3,3,3]
        big = Conv(x, w) pads=[9223372036854775807,0,9223372036854775807,0]
        const huge: i64[2] = [-9223372036854775808,-1]
        r = Reshape(x, huge)
        stride0 = MaxPool(x) kernel_shape=[2,2] strides=[0,0]
        wrong_type = Transpose(x) perm="0,1"
        const bad_axis: i64[1] = [-9223372036854775808]
        sq = Unsqueeze(x, bad_axis)
        const k: i64[1] = [9223372036854775807]
        v, i = TopK(x, k) axis=99
        "#,
    );
    let graph = &mut model.graph;
    graph.nodes.push(Node {
        op_type: "Relu".into(),
        inputs: vec![Some(999), None],
        outputs: vec![1000, 0],
        ..Node::default()
    });
    graph.nodes.push(Node {
        op_type: "Relu".into(),
        inputs: vec![Some(0)],
        outputs: vec![graph.tensors.len() - 1],
        ..Node::default()
    });
    graph.tensors.push(Tensor {
        name: "orphan".into(),
        dtype: DType::F32,
        shape: Some(Shape(vec![Dim::Known(-5)])),
        ..Tensor::default()
    });
    let report = infer_shapes(&mut model);
    assert_eq!(report.tensors, model.graph.tensors.len());
    expect![[r#"
        x: f32[1,3,9223372036854775807,4]
        w: f32[8,3,3,3]
        big: f32?
        huge: i64[2] = [-9223372036854775808, -1]
        r: f32?
        stride0: f32[1,3,?,?]
        wrong_type: f32?
        bad_axis: i64[1] = [-9223372036854775808]
        sq: f32?
        k: i64[1] = [9223372036854775807]
        v: f32?
        i: i64?
        orphan: f32[-5]
    "#]]
    .assert_eq(&render_graph(&model.graph, ""));
}

#[test]
fn weights_without_dims_are_only_sized_in_caffe() {
    // ONNX initializers always state dims; a shapeless weight there stays as it is.
    check(
        ModelFormat::Onnx,
        r#"
        input x: f32[1,3,8,8]
        weight w: f32?
        y = Conv(x, w) kernel_shape=[3,3]
        "#,
        expect![[r#"
            x: f32[1,3,8,8]
            w: f32?
            y: f32[1,?,6,6]
        "#]],
    );
}
