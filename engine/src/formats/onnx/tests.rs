//! ONNX importer tests: models written by code, rendered with `dump_model` and compared with
//! inline goldens; then the bad-input suite.

use crate::samples::XorShift;
use bytes::Bytes;
use expect_test::{expect, Expect};
use prost::Message;

use super::*;
use crate::formats::import_model;
use crate::ir::{dump_model, AttrValue, ConstValue, Dim, TensorKind};
use crate::samples::{self, float, int, ints, OnnxWriter, WeightStorage};

fn import_bytes(bytes: Vec<u8>) -> Result<Model, ImportError> {
    import_model(&InputFile::new("test.onnx", bytes))
}

fn check(bytes: Vec<u8>, expected: Expect) {
    let model = import_bytes(bytes).unwrap();
    expected.assert_eq(&dump_model(&model));
}

fn external() -> WeightStorage {
    WeightStorage::External {
        location: "w.bin".to_string(),
    }
}

fn node(op: &str, name: &str, inputs: &[&str], outputs: &[&str]) -> pb::NodeProto {
    pb::NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        name: Some(name.to_string()),
        op_type: Some(op.to_string()),
        ..Default::default()
    }
}

fn value(name: &str, dims: &[i64]) -> pb::ValueInfoProto {
    pb::ValueInfoProto {
        name: Some(name.to_string()),
        r#type: Some(pb::TypeProto {
            value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                elem_type: Some(1),
                shape: Some(pb::TensorShapeProto {
                    dim: dims
                        .iter()
                        .map(|&d| pb::tensor_shape_proto::Dimension {
                            value: Some(pb::tensor_shape_proto::dimension::Value::DimValue(d)),
                            denotation: None,
                        })
                        .collect(),
                }),
            })),
            denotation: None,
        }),
        doc_string: None,
    }
}

fn model_of(graph: pb::GraphProto, opset: i64) -> Vec<u8> {
    pb::ModelProto {
        ir_version: Some(7),
        opset_import: vec![pb::OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(opset),
        }],
        graph: Some(graph),
        ..Default::default()
    }
    .encode_to_vec()
}

#[test]
fn conv_net_with_residual_branch() {
    let mut w = OnnxWriter::new("tiny", external());
    let x = w.input("x", &[1, 3, 8, 8]);
    let c1 = w.conv(&x, 4, 3, 1, 1, 1);
    let r1 = w.relu(&c1);
    let c2 = w.conv(&r1, 4, 3, 1, 1, 1);
    let sum = w.add(&c2, &r1);
    let pool = w.max_pool(&sum, 2, 2, 0);
    w.output(&pool);
    check(
        w.finish(),
        expect![[r#"
            onnx tiny
            inputs: x:f32[1,3,8,8]
            0 Conv "/Conv_1" (x:f32[1,3,8,8], conv1.weight=f32[4,3,3,3], conv1.bias=f32[4]) -> /Conv_1_output_0:f32[1,4,8,8]
            1 Relu "/Relu_2" (/Conv_1_output_0:f32[1,4,8,8]) -> /Relu_2_output_0:f32[1,4,8,8]
            2 Conv "/Conv_3" (/Relu_2_output_0:f32[1,4,8,8], conv3.weight=f32[4,4,3,3], conv3.bias=f32[4]) -> /Conv_3_output_0:f32[1,4,8,8]
            3 Add "/Add_4" (/Conv_3_output_0:f32[1,4,8,8], /Relu_2_output_0:f32[1,4,8,8]) -> /Add_4_output_0:f32[1,4,8,8]
            4 MaxPool "/MaxPool_5" (/Add_4_output_0:f32[1,4,8,8]) -> /MaxPool_5_output_0:f32[1,4,4,4]
            outputs: /MaxPool_5_output_0:f32[1,4,4,4]
        "#]],
    );
}

#[test]
fn branches_fan_out_and_join() {
    let mut w = OnnxWriter::new("inception", external());
    let x = w.input("x", &[1, 8, 16, 16]);
    w.push_scope("mixed");
    let a = w.conv(&x, 4, 1, 1, 0, 1);
    let b = w.conv(&x, 4, 3, 1, 1, 1);
    let c = w.max_pool(&x, 3, 1, 1);
    let joined = w.concat(&[&a, &b, &c], 1);
    w.pop_scope();
    w.output(&joined);
    let model = import_bytes(w.finish()).unwrap();
    let graph = &model.graph;
    assert_eq!(graph.nodes.len(), 4);
    // Three producer→consumer links into Concat; the graph input has no producer.
    assert_eq!(graph.edge_count(), 3);
    let x_id = graph.tensor_by_name("x").unwrap();
    assert_eq!(graph.tensors[x_id].consumers, vec![0, 1, 2]);
    assert_eq!(graph.tensors[x_id].kind, TensorKind::Input);
    assert_eq!(graph.nodes[3].scope, vec!["mixed".to_string()]);
    let out = &graph.tensors[graph.outputs[0]];
    assert_eq!(
        out.shape.as_ref().map(|s| s.to_string()).as_deref(),
        Some("[1,16,16,16]")
    );
    assert_eq!(graph.nodes[0].attr("group"), Some(&AttrValue::Int(1)));
    assert_eq!(
        graph.nodes[1].attr("pads"),
        Some(&AttrValue::Ints(vec![1, 1, 1, 1]))
    );
}

#[test]
fn symbolic_dims_are_kept_by_name() {
    let mut w = OnnxWriter::new("dyn", external()).symbolic_batch("N");
    let x = w.input("x", &[1, 3, 4, 4]);
    let y = w.relu(&x);
    w.output(&y);
    let model = import_bytes(w.finish()).unwrap();
    let input = &model.graph.tensors[model.graph.inputs[0]];
    let shape = input.shape.clone().unwrap();
    assert_eq!(shape.0[0], Dim::Symbolic("N".to_string()));
    assert_eq!(shape.to_string(), "[N,3,4,4]");
    assert_eq!(shape.element_count(), None);
}

#[test]
fn unknown_dims_and_missing_types_stay_unknown() {
    let mut input = value("x", &[1, 3]);
    if let Some(pb::type_proto::Value::TensorType(t)) =
        input.r#type.as_mut().and_then(|t| t.value.as_mut())
    {
        if let Some(shape) = t.shape.as_mut() {
            shape.dim[1].value = None;
        }
    }
    let graph = pb::GraphProto {
        name: Some("g".into()),
        node: vec![node("Relu", "r", &["x"], &["y"])],
        input: vec![input],
        output: vec![pb::ValueInfoProto {
            name: Some("y".into()),
            ..Default::default()
        }],
        ..Default::default()
    };
    check(
        model_of(graph, 13),
        expect![[r#"
            onnx g
            inputs: x:f32[1,?]
            0 Relu "r" (x:f32[1,?]) -> y:unknown?
            outputs: y:unknown?
        "#]],
    );
}

#[test]
fn empty_names_and_omitted_optional_values() {
    let graph = pb::GraphProto {
        node: vec![
            node("Relu", "", &["x"], &["a"]),
            // Clip with an omitted `min` and an explicit `max` name that nothing produces.
            node("Clip", "", &["a", "", "hi"], &["b"]),
            // Dropout with its optional mask output omitted.
            node("Dropout", "", &["b"], &["c", ""]),
            node("Dropout", "", &["c"], &["d", ""]),
        ],
        input: vec![value("x", &[2])],
        output: vec![value("d", &[2])],
        ..Default::default()
    };
    let model = import_bytes(model_of(graph, 13)).unwrap();
    let graph = &model.graph;
    // No graph name: the model is named after the file.
    assert_eq!(model.name, "test");
    assert_eq!(graph.nodes[1].inputs[1], None);
    assert_eq!(graph.nodes[0].display_name(), "Relu");
    // The two omitted outputs are distinct tensors that link to nothing.
    let mask_a = graph.nodes[2].outputs[1];
    let mask_b = graph.nodes[3].outputs[1];
    assert_ne!(mask_a, mask_b);
    assert!(graph.tensors[mask_a].consumers.is_empty());
    assert_eq!(graph.edge_count(), 3);
    check(
        model_of(
            pb::GraphProto {
                node: vec![node("Clip", "", &["x", "", "hi"], &["b"])],
                ..Default::default()
            },
            13,
        ),
        expect![[r#"
            onnx test
            inputs: 
            0 Clip "" (x:unknown?, ∅, hi:unknown?) -> b:unknown?
            outputs: 
        "#]],
    );
}

#[test]
fn subgraphs_of_if_and_loop_are_counted_separately() {
    let then_branch = pb::GraphProto {
        name: Some("then".into()),
        node: vec![node("Relu", "t0", &["x"], &["t_out"])],
        output: vec![value("t_out", &[2])],
        ..Default::default()
    };
    let else_branch = pb::GraphProto {
        name: Some("else".into()),
        node: vec![
            node("Neg", "e0", &["x"], &["e1"]),
            node("Abs", "e1", &["e1"], &["e_out"]),
        ],
        output: vec![value("e_out", &[2])],
        ..Default::default()
    };
    // A Loop whose body holds an If: nesting two levels deep.
    let inner_if = pb::NodeProto {
        attribute: vec![
            graph_attr("then_branch", then_branch.clone()),
            graph_attr("else_branch", else_branch.clone()),
        ],
        ..node("If", "inner_if", &["cond"], &["i_out"])
    };
    let body = pb::GraphProto {
        name: Some("body".into()),
        node: vec![inner_if],
        ..Default::default()
    };
    let graph = pb::GraphProto {
        name: Some("control".into()),
        node: vec![
            node("Greater", "cmp", &["x", "y"], &["cond"]),
            pb::NodeProto {
                attribute: vec![
                    graph_attr("then_branch", then_branch),
                    graph_attr("else_branch", else_branch),
                ],
                ..node("If", "if", &["cond"], &["z"])
            },
            pb::NodeProto {
                attribute: vec![graph_attr("body", body)],
                ..node("Loop", "loop", &["", "cond", "z"], &["w"])
            },
        ],
        input: vec![value("x", &[2]), value("y", &[2])],
        output: vec![value("w", &[2])],
        ..Default::default()
    };
    let model = import_bytes(model_of(graph, 16)).unwrap();
    let graph = &model.graph;
    assert_eq!(graph.nodes.len(), 3);
    // then (1) + else (2) of the outer If; body (1) + its If's then (1) + else (2).
    assert_eq!(graph.subgraph_node_count(), 7);
    assert_eq!(graph.subgraphs.len(), 3);
    assert_eq!(
        graph.nodes[1].attr("then_branch"),
        Some(&AttrValue::Graph(0))
    );
    assert_eq!(graph.subgraphs[2].owner, Some(2));
    assert_eq!(graph.subgraphs[2].graph.subgraphs.len(), 2);
    // cmp→If and cmp→Loop (cond), If→Loop (z); subgraph nodes add no main-graph edges.
    assert_eq!(graph.edge_count(), 3);
    let report = crate::report::inspect(
        &model,
        crate::report::InspectOptions {
            with_tensors: false,
        },
    );
    assert_eq!(
        (report.nodes, report.subgraph_nodes, report.edges),
        (3, 7, 3)
    );
    // The viewer lists every body, nested under its owner, and can draw each.
    let listed: Vec<String> = crate::report::graph_list(&model)
        .iter()
        .map(|g| format!("{}{} ({})", "  ".repeat(g.depth), g.label, g.n_nodes))
        .collect();
    expect![[r#"
        [
            "main (control) (3)",
            "  if.then_branch (1)",
            "  if.else_branch (2)",
            "  loop.body (1)",
            "    inner_if.then_branch (1)",
            "    inner_if.else_branch (2)",
        ]
    "#]]
    .assert_debug_eq(&listed);
    let entries = crate::report::graph_list(&model);
    let else_of_inner = crate::report::graph_at(&model, &entries[5].path).unwrap();
    let view = crate::report::graph_view_of(&model, else_of_inner);
    assert_eq!(view.node_count, 2);
    let titles: Vec<&str> = view.nodes.iter().map(|n| n.title.as_str()).collect();
    assert!(
        titles.contains(&"Neg") && titles.contains(&"Abs"),
        "{titles:?}"
    );
    let missing = crate::report::GraphPath {
        function: Some(0),
        bodies: Vec::new(),
    };
    assert!(crate::report::graph_at(&model, &missing).is_none());
}

fn graph_attr(name: &str, graph: pb::GraphProto) -> pb::AttributeProto {
    pb::AttributeProto {
        name: Some(name.to_string()),
        r#type: Some(pb::attribute_proto::AttributeType::Graph as i32),
        g: Some(graph),
        ..Default::default()
    }
}

#[test]
fn old_style_initializers_listed_as_inputs_are_weights() {
    let weight = pb::TensorProto {
        dims: vec![4, 2],
        data_type: Some(1),
        name: Some("W".into()),
        raw_data: Some(Bytes::from(vec![0u8; 32])),
        ..Default::default()
    };
    let graph = pb::GraphProto {
        node: vec![node("MatMul", "mm", &["x", "W"], &["y"])],
        initializer: vec![weight],
        input: vec![value("x", &[1, 4]), value("W", &[4, 2])],
        output: vec![value("y", &[1, 2])],
        ..Default::default()
    };
    let model = import_bytes(model_of(graph, 7)).unwrap();
    let graph = &model.graph;
    assert_eq!(graph.inputs.len(), 1);
    let w = &graph.tensors[graph.tensor_by_name("W").unwrap()];
    assert_eq!(w.kind, TensorKind::Weight);
    assert_eq!(w.byte_size, Some(32));
    assert_eq!(model.opsets, vec![(String::new(), 7)]);
}

#[test]
fn external_data_is_kept_as_metadata() {
    let mut w = OnnxWriter::new("ext", external());
    let x = w.input("x", &[1, 1000]);
    let y = w.gemm(&x, 10);
    w.output(&y);
    let model = import_bytes(w.finish()).unwrap();
    let weight = &model.graph.tensors[model.graph.tensor_by_name("fc1.weight").unwrap()];
    let external = weight.external.clone().unwrap();
    assert_eq!(external.location, "w.bin");
    assert_eq!(external.offset, Some(0));
    assert_eq!(external.length, Some(40_000));
    assert_eq!(weight.byte_size, Some(40_000));
    let bias = &model.graph.tensors[model.graph.tensor_by_name("fc1.bias").unwrap()];
    assert_eq!(bias.external.as_ref().and_then(|e| e.offset), Some(40_000));
}

#[test]
fn small_constants_keep_their_values() {
    let mut w = OnnxWriter::new("consts", external());
    let x = w.input("x", &[2, 3, 4]);
    let shape = w.int64_constant("target", &[6, 4]);
    let y = w
        .node("Reshape", &[&x, &shape], &[vec![6, 4]], vec![])
        .remove(0);
    let c = w
        .node("Constant", &[], &[vec![]], vec![float("value_float", 0.5)])
        .remove(0);
    let z = w.node("Mul", &[&y, &c], &[vec![6, 4]], vec![]).remove(0);
    w.output(&z);
    let model = import_bytes(w.finish()).unwrap();
    let graph = &model.graph;
    let target = &graph.tensors[graph.tensor_by_name("target").unwrap()];
    assert_eq!(target.value, Some(ConstValue::Ints(vec![6, 4])));
    let constant_out = &graph.tensors[graph.nodes[1].outputs[0]];
    assert_eq!(constant_out.value, Some(ConstValue::Floats(vec![0.5])));
    assert_eq!(constant_out.dtype, crate::ir::DType::F32);
}

#[test]
fn opsets_from_7_to_21_import() {
    for opset in [7, 9, 11, 13, 17, 21] {
        let mut w = OnnxWriter::new("op", external()).opset(opset);
        let x = w.input("x", &[1, 3, 8, 8]);
        let y = w.conv(&x, 8, 3, 2, 1, 1);
        let y = w.node(
            "Resize",
            &[&y],
            &[vec![1, 8, 8, 8]],
            vec![ints("axes", &[2, 3]), int("antialias", 0)],
        );
        w.output(&y[0]);
        let model = import_bytes(w.finish()).unwrap();
        assert_eq!(model.opsets, vec![(String::new(), opset)]);
        assert_eq!(model.graph.nodes.len(), 2);
    }
}

#[test]
fn attributes_of_every_type_convert() {
    let tensor = pb::TensorProto {
        dims: vec![2],
        data_type: Some(7),
        int64_data: vec![3, 4],
        ..Default::default()
    };
    let attrs = vec![
        float("f", 1.5),
        int("i", 7),
        pb::AttributeProto {
            name: Some("s".into()),
            r#type: Some(3),
            s: Some(Bytes::from_static(b"same")),
            ..Default::default()
        },
        pb::AttributeProto {
            name: Some("t".into()),
            r#type: Some(4),
            t: Some(tensor),
            ..Default::default()
        },
        pb::AttributeProto {
            name: Some("floats".into()),
            r#type: Some(6),
            floats: vec![0.5, 0.25],
            ..Default::default()
        },
        pb::AttributeProto {
            name: Some("strings".into()),
            r#type: Some(8),
            strings: vec![Bytes::from_static(b"a"), Bytes::from_static(&[0xff])],
            ..Default::default()
        },
        // IR version 1 style: no `type`, guessed from the populated field.
        pb::AttributeProto {
            name: Some("untyped".into()),
            ints: vec![1, 2],
            ..Default::default()
        },
    ];
    let graph = pb::GraphProto {
        node: vec![pb::NodeProto {
            attribute: attrs,
            ..node("Custom", "c", &["x"], &["y"])
        }],
        ..Default::default()
    };
    let model = import_bytes(model_of(graph, 13)).unwrap();
    let rendered: Vec<String> = model.graph.nodes[0]
        .attrs
        .iter()
        .map(|a| format!("{}={}", a.name, a.value.display()))
        .collect();
    expect![[r#"
        [
            "f=1.5",
            "i=7",
            "s=\"same\"",
            "t=i64 [2] = [3, 4]",
            "floats=[0.5, 0.25]",
            "strings=[\"a\", \"�\"]",
            "untyped=[1, 2]",
        ]
    "#]]
    .assert_debug_eq(&rendered);
}

#[test]
fn sample_models_have_their_documented_structure() {
    let resnet = import_bytes(samples::resnet50()).unwrap();
    let report = crate::report::inspect(
        &resnet,
        crate::report::InspectOptions {
            with_tensors: false,
        },
    );
    assert_eq!(report.nodes, 122);
    assert_eq!(report.op_types.get("Conv"), Some(&53));
    assert_eq!(report.op_types.get("Add"), Some(&16));
    // torchvision's ResNet-50 has 25,557,032 parameters; with BatchNorm folded into the conv
    // biases (as inference exports do) 26,560 BN scales and shifts go away.
    assert_eq!(report.weights.bytes / 4, 25_557_032 - 26_560);
    let mobilenet = import_bytes(samples::mobilenet_v2()).unwrap();
    let report = crate::report::inspect(
        &mobilenet,
        crate::report::InspectOptions {
            with_tensors: false,
        },
    );
    assert_eq!(report.op_types.get("Add"), Some(&10));
    // torchvision's MobileNet v2 has 3,504,872 parameters; folding BatchNorm drops 17,056 and
    // the 35 ReLU6 (Clip) nodes add a min and a max scalar each.
    assert_eq!(report.weights.bytes / 4, 3_504_872 - 17_056 + 70);
}

#[test]
fn bundled_sample_files_match_the_generator() {
    for (name, bytes) in samples::bundled() {
        let path = format!("{}/../www/samples/{name}", env!("CARGO_MANIFEST_DIR"));
        let on_disk = std::fs::read(&path).unwrap_or_default();
        assert!(
            on_disk == bytes,
            "{path} is stale: run `cargo run -p opscope-engine --example write_samples`"
        );
    }
}

// ---- bad input: every case is an error that names the file and the place, never a panic ----

fn error_of(bytes: &[u8]) -> ImportError {
    match import_model(&InputFile::new("bad.onnx", bytes.to_vec())) {
        Ok(model) => panic!(
            "expected an error, got a model with {} nodes",
            model.graph.nodes.len()
        ),
        Err(err) => err,
    }
}

#[test]
fn empty_and_foreign_files() {
    expect!["bad.onnx: the file is empty"].assert_eq(&error_of(b"").to_string());
    expect![[r#"bad.onnx: not an ONNX model, TensorFlow graph (.pb/.pbtxt, SavedModel), Caffe net (.prototxt/.caffemodel), or Ascend GE graph (dump, JSON or .om); the file starts with the text "name: \"ResNet-50""#]]
        .assert_eq(&error_of(b"name: \"ResNet-50\"\ninput: \"data\"\n").to_string());
    expect!["bad.onnx: not an ONNX model, TensorFlow graph (.pb/.pbtxt, SavedModel), Caffe net (.prototxt/.caffemodel), or Ascend GE graph (dump, JSON or .om); the file starts with the bytes 89 50 4e 47 0d 0a 1a 0a"]
        .assert_eq(&error_of(b"\x89PNG\r\n\x1a\n").to_string());
}

#[test]
fn length_prefix_past_the_end() {
    // ir_version = 8, then graph (field 7) claiming 100 bytes but holding 3.
    let bytes = [0x08, 0x08, 0x3a, 100, 0x0a, 0x01, 0x00];
    expect!["bad.onnx: invalid ONNX file at byte 4, in ModelProto.graph: more bytes: the data ends inside a field, or a length prefix points past its end (truncated download?)"]
        .assert_eq(&error_of(&bytes).to_string());
}

#[test]
fn truncated_at_every_offset() {
    let bytes = samples::mobilenet_v2();
    let mut n_errors = 0;
    // Every offset of the first 2 KB, then every 97th byte: a truncated download must never
    // panic, and almost always fails with a located error.
    let offsets = (1..2048).chain((2048..bytes.len()).step_by(97));
    for len in offsets {
        match import_model(&InputFile::new("cut.onnx", bytes[..len].to_vec())) {
            Ok(_) => {}
            Err(err) => {
                n_errors += 1;
                let text = err.to_string();
                assert!(text.starts_with("cut.onnx: "), "{text}");
            }
        }
    }
    assert!(n_errors > 2000, "only {n_errors} truncations were reported");
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for len in [1usize, 2, 3, 7, 16, 100, 1000, 10_000] {
        for _ in 0..50 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = import_model(&InputFile::new("random.bin", bytes));
        }
    }
}

#[test]
fn mutated_models_never_panic() {
    let original = samples::resnet50();
    let mut rng = XorShift(42);
    let mut n_ok = 0;
    for _ in 0..3000 {
        let mut bytes = original.clone();
        for _ in 0..1 + rng.next() % 4 {
            let pos = (rng.next() as usize) % bytes.len();
            match rng.next() % 3 {
                0 => bytes[pos] = rng.next() as u8,
                1 => bytes[pos] ^= 1 << (rng.next() % 8),
                _ => {
                    bytes.insert(pos, rng.next() as u8);
                }
            }
        }
        if let Ok(model) = import_model(&InputFile::new("m.onnx", bytes)) {
            n_ok += 1;
            // Whatever loads must be a consistent graph the viewer can lay out.
            let _ = crate::report::graph_view(&model);
        }
    }
    assert!(
        n_ok > 0,
        "no mutation survived: the mutator is too harsh to test the converter"
    );
}

#[test]
fn deeply_nested_subgraphs_are_refused() {
    let mut graph = pb::GraphProto::default();
    for depth in 0..200 {
        graph = pb::GraphProto {
            node: vec![pb::NodeProto {
                attribute: vec![graph_attr("body", graph)],
                ..node("Loop", &format!("loop{depth}"), &[], &[])
            }],
            ..Default::default()
        };
    }
    let text = error_of(&model_of(graph, 13)).to_string();
    assert!(
        text.contains("at most 100 levels of nested messages"),
        "{text}"
    );
    assert!(
        text.contains(
            "in ModelProto.graph > GraphProto.node > NodeProto.attribute > AttributeProto.g > … "
        ),
        "{text}"
    );
}

#[test]
fn wrong_wire_type_names_the_field() {
    // ir_version 8, graph { node { name (field 3) sent as a varint } }.
    let bytes = [0x08, 0x08, 0x3a, 0x04, 0x0a, 0x02, 0x18, 0x05];
    expect!["bad.onnx: invalid ONNX file at byte 7, in ModelProto.graph > GraphProto.node > NodeProto.name: a field encoded as the schema says (invalid wire type: Varint (expected LengthDelimited))"]
        .assert_eq(&error_of(&bytes).to_string());
}

// ---- ONNX in protobuf text format, and GE's ONNX-text dumps ----

/// A binary ModelProto printed in protobuf text format (what `onnx` and GE write as `.pbtxt`).
fn to_text(bytes: &[u8]) -> String {
    let descriptor = crate::formats::text::pool()
        .get_message_by_name("onnx.ModelProto")
        .expect("the ONNX descriptor");
    prost_reflect::DynamicMessage::decode(descriptor, bytes)
        .expect("a ModelProto")
        .to_text_format()
}

#[test]
fn a_model_in_text_format_reads_as_the_same_model_in_binary() {
    let binary = samples::resnet50();
    let text = to_text(&binary);
    let file = InputFile::new("resnet50.pbtxt", text.into_bytes());
    assert_eq!(
        crate::formats::detect(&file).map(|s| s.id),
        Some("onnx_text")
    );
    let from_text = import_model(&file).unwrap();
    let from_binary = import_bytes(binary).unwrap();
    assert_eq!(from_text.format, crate::ir::ModelFormat::Onnx);
    assert_eq!(dump_model(&from_text), dump_model(&from_binary));
}

/// A GE dump in ONNX text form, as `DUMP_GE_GRAPH` writes it: `ge:` op types, output types and
/// shapes as `output_desc_*` attributes, a control input as `op:-1`, GE's engine attribute.
const GE_ONNX_TEXT: &str = r#"ir_version: 6
producer_name: "GE"
graph {
  node {
    input: ""
    output: "x:0"
    name: "x"
    op_type: "ge:Data"
    attribute { name: "output_desc_dtype:0" s: "DT_FLOAT16" type: STRING }
    attribute { name: "output_desc_shape:0" ints: 1 ints: 3 ints: 8 ints: 8 type: INTS }
  }
  node {
    input: "x:0"
    input: "x:-1"
    output: "relu:0"
    name: "conv1/Relu"
    op_type: "ge:Relu"
    attribute { name: "_ge_attr_op_kernel_lib_name" s: "AIcoreEngine" type: STRING }
    attribute { name: "output_desc_dtype:0" s: "DT_FLOAT16" type: STRING }
    attribute { name: "output_desc_shape:0" ints: 1 ints: 3 ints: 8 ints: 8 type: INTS }
  }
  node {
    input: "relu:0"
    input: "nowhere:-1"
    name: "out"
    op_type: "ge:NetOutput"
  }
  name: "ge_default_1"
}
"#;

#[test]
fn a_ge_onnx_text_dump_is_a_ge_model() {
    let file = InputFile::new(
        "ge_onnx_00000_graph_1_Build.pbtxt",
        GE_ONNX_TEXT.as_bytes().to_vec(),
    );
    assert_eq!(
        crate::formats::detect(&file).map(|s| s.id),
        Some("onnx_text")
    );
    let model = import_model(&file).unwrap();
    assert_eq!(model.format, crate::ir::ModelFormat::Ge);
    let ops: Vec<&str> = model
        .graph
        .nodes
        .iter()
        .map(|n| n.op_type.as_str())
        .collect();
    assert_eq!(ops, ["Data", "Relu", "NetOutput"]);
    let relu = &model.graph.nodes[1];
    // The type and shape the dump states, the control input, GE's engine attribute.
    let out = &model.graph.tensors[relu.outputs[0]];
    assert_eq!(out.dtype, crate::ir::DType::F16);
    assert_eq!(
        out.shape.as_ref().map(|s| s.to_string()).as_deref(),
        Some("[1,3,8,8]")
    );
    assert_eq!(relu.control_inputs, vec![0]);
    assert_eq!(relu.inputs.len(), 1);
    assert!(relu.attr("_ge_attr_op_kernel_lib_name").is_some());
    assert!(
        model.warnings.iter().any(|w| w.contains("`nowhere:-1`")),
        "{:?}",
        model.warnings
    );
}

#[test]
fn broken_onnx_text_gives_its_line_and_column() {
    let text = "ir_version: 7\ngraph {\n  node {\n    op_type: \"Relu\"\n    input: [\"x\"\n";
    let err = import_model(&InputFile::new("bad.pbtxt", text.as_bytes().to_vec())).unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("bad.pbtxt: "), "{message}");
    assert!(message.contains("line "), "{message}");
}

#[test]
fn other_text_formats_are_not_taken_for_onnx_text() {
    for (name, text) in [
        (
            "graph.pbtxt",
            "node { name: \"x\" op: \"Placeholder\" }\nversions { producer: 1 }\n",
        ),
        (
            "net.prototxt",
            "name: \"net\"\nlayer { name: \"data\" type: \"Input\" }\n",
        ),
        (
            "ge_proto.txt",
            "name: \"m\"\ngraph { name: \"g\" op { name: \"x\" type: \"Data\" } }\n",
        ),
    ] {
        let file = InputFile::new(name, text.as_bytes().to_vec());
        assert_ne!(
            crate::formats::detect(&file).map(|s| s.id),
            Some("onnx_text"),
            "{name}"
        );
    }
}
