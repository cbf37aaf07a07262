//! The bounds of `opscope_engine::limits` on real files of each kind: a file past one is refused
//! (models, CSV headers) or read up to it (CSV rows) with a message naming the limit, and the
//! same file reads with the limit raised.

use opscope_engine::limits::{LimitId, Limits};
use opscope_engine::profile::import_profile;
use opscope_engine::samples::{residual_chain, WeightStorage};
use opscope_engine::{import_model, InputFile};

#[test]
fn a_model_over_the_node_limit_is_refused_and_reads_with_it_raised() {
    let bytes = residual_chain(200, WeightStorage::Inline);
    let tight = Limits::default().with(LimitId::Nodes, 50);
    let err = import_model(&InputFile::new("chain.onnx", bytes.clone()).with_limits(tight))
        .expect_err("200 nodes are over a limit of 50");
    let message = err.to_string();
    assert!(message.starts_with("chain.onnx: "), "{message}");
    assert!(message.contains("over the limit of 50"), "{message}");
    assert!(message.contains("`--limit nodes=N`"), "{message}");
    let model = import_model(&InputFile::new("chain.onnx", bytes)).expect("reads by default");
    assert!(model.graph.nodes.len() > 50);
}

#[test]
fn an_over_long_name_is_refused_with_the_node_it_belongs_to() {
    let name = "n".repeat(70 * 1024);
    let text = format!(
        "node {{ name: \"x\" op: \"Placeholder\" }}\nnode {{ name: \"{name}\" op: \"Relu\" input: \"x\" }}\n"
    );
    let err = import_model(&InputFile::new("long.pbtxt", text.clone().into_bytes()))
        .expect_err("a 70 KiB name is over the 64 KiB default");
    let message = err.to_string();
    assert!(message.contains("graph.node[1]"), "{message}");
    assert!(
        message.contains("71680 bytes in one node, tensor or graph name"),
        "{message}"
    );
    assert!(
        message.len() < 600,
        "the message quotes the name shortened: {message}"
    );
    let raised = Limits::default().with(LimitId::NameBytes, 1 << 20);
    let model = import_model(&InputFile::new("long.pbtxt", text.into_bytes()).with_limits(raised))
        .expect("reads with the limit raised");
    assert_eq!(model.graph.nodes.len(), 2);
}

fn op_summary(rows: usize) -> Vec<u8> {
    let mut csv = String::from("Op Name,OP Type,Task Type,Task Duration(us)\n");
    for row in 0..rows {
        csv.push_str(&format!("conv{row},Conv2D,AI_CORE,{}.5\n", 10 + row));
    }
    csv.into_bytes()
}

#[test]
fn a_csv_over_the_row_limit_is_kept_up_to_it_with_a_note() {
    let tight = Limits::default().with(LimitId::CsvRows, 5);
    let file = InputFile::new("op_summary_0.csv", op_summary(12)).with_limits(tight);
    let import = import_profile(&[file]);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert_eq!(import.profile.tasks.len(), 5);
    let notes: Vec<String> = import.issues.iter().map(ToString::to_string).collect();
    assert!(
        notes.iter().any(|n| n.contains("read the first 5 rows only")
            && n.contains("`--limit csv_rows=N`")),
        "{notes:?}"
    );
    let all = import_profile(&[InputFile::new("op_summary_0.csv", op_summary(12))]);
    assert_eq!(all.profile.tasks.len(), 12);
    assert!(all.issues.is_empty(), "{:?}", all.issues);
}

#[test]
fn a_csv_header_over_the_column_limit_is_refused() {
    let mut header = String::from("Op Name,OP Type,Task Type,Task Duration(us)");
    for extra in 0..5_000 {
        header.push_str(&format!(",extra{extra}"));
    }
    header.push('\n');
    let import = import_profile(&[InputFile::new("op_summary_0.csv", header.into_bytes())]);
    let errors: Vec<String> = import.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("5004 columns of a profiling CSV header"),
        "{errors:?}"
    );
    assert!(errors[0].contains("line 1"), "{errors:?}");
}
