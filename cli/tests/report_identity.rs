//! The app's Export → Report and `opscope analyze --format` write the same bytes: the worker
//! calls `report::analysis_report_file` on the files the user dropped, and the binary, given the
//! same files (by names relative to the working directory, as the browser names them), must
//! print exactly that.

mod common;

use std::process::Command;

use common::{sample, temp_dir, temp_file};
use opscope_engine::analysis::{AnalyzeOptions, CannVersion};
use opscope_engine::profile::import_profile;
use opscope_engine::report::render::ReportOverlay;
use opscope_engine::report::{analysis_report_file, ReportFormat};
use opscope_engine::target::TargetId;
use opscope_engine::{open_model, InputFile};

const PROFILE: &str = "Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n\
/Conv_1,Conv2D,AI_CORE,0,120.5\n/Relu_2,Relu,AI_CPU,130,45.0\n/MaxPool_3,MaxPool,AI_VECTOR_CORE,180,30.0\n";

/// Runs the binary in `dir`; `args` end with `-o NAME`, the file it returns.
fn cli_report(dir: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_opscope"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the opscope binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out_name = args.last().expect("-o NAME");
    std::fs::read(dir.join(out_name)).expect("report written")
}

#[test]
fn the_cli_writes_the_bytes_of_the_engine_function_the_app_calls() {
    let dir = temp_dir();
    let model_bytes = std::fs::read(sample("resnet50.onnx")).expect("sample");
    temp_file("resnet50.onnx", &model_bytes);
    temp_file("op_summary_0.csv", PROFILE.as_bytes());
    let model = open_model(&InputFile::new("resnet50.onnx", model_bytes)).expect("model");
    let profile = import_profile(&[InputFile::new(
        "op_summary_0.csv",
        PROFILE.as_bytes().to_vec(),
    )]);
    let formats = [
        (ReportFormat::Html, "html"),
        (ReportFormat::Markdown, "md"),
        (ReportFormat::Json, "json"),
    ];
    let mut compared = 0;
    for (target, target_id) in [
        (TargetId::Ascend310, "ascend310"),
        (TargetId::Ascend910B, "ascend910b"),
    ] {
        let options = AnalyzeOptions {
            target,
            cann: CannVersion::DEFAULT,
        };
        for with_profile in [false, true] {
            for (format, format_id) in formats {
                let overlays: &[ReportOverlay] = if format == ReportFormat::Html {
                    &ReportOverlay::ALL
                } else {
                    &[ReportOverlay::Unit]
                };
                for &overlay in overlays {
                    let mut args = vec!["analyze", "resnet50.onnx", "--target", target_id];
                    if with_profile {
                        args.extend(["--profile", "op_summary_0.csv"]);
                    }
                    args.extend([
                        "--format",
                        format_id,
                        "--overlay",
                        overlay.id(),
                        "-o",
                        "identity.out",
                    ]);
                    let cli = cli_report(&dir, &args);
                    let app = analysis_report_file(
                        &model,
                        with_profile.then_some(&profile),
                        &options,
                        format,
                        overlay,
                    )
                    .expect("report");
                    assert!(
                        cli == app.as_bytes(),
                        "{args:?}: the CLI's bytes differ from the app's ({} vs {} bytes)",
                        cli.len(),
                        app.len()
                    );
                    compared += 1;
                }
            }
        }
    }
    assert_eq!(compared, 2 * 2 * (4 + 2));
}

#[test]
fn the_overlay_changes_the_picture_and_nothing_else() {
    let dir = temp_dir().join("overlay");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::copy(sample("resnet50.onnx"), dir.join("resnet50.onnx")).expect("model");
    let page = |overlay: &str| {
        String::from_utf8(cli_report(
            &dir,
            &[
                "analyze",
                "resnet50.onnx",
                "--format",
                "html",
                "--overlay",
                overlay,
                "-o",
                "overlay.out",
            ],
        ))
        .expect("utf-8")
    };
    let unit = page("unit");
    let heat = page("heat");
    let none = page("none");
    assert!(unit.contains("<h2>Graph by execution unit</h2>"));
    assert!(heat.contains("<h2>Graph by time (heat map)</h2>"));
    assert!(none.contains("<h2>Graph</h2>"));
    // Unit colours (Cube orange) only in the unit picture's boxes; heat colours only in the heat one.
    let boxes = |page: &str, fill: &str| {
        page.matches(&format!("fill=\"{fill}\" stroke=\"#444\""))
            .count()
    };
    assert!(boxes(&unit, "#f4a259") > 10, "Cube boxes are orange");
    assert_eq!(boxes(&heat, "#f4a259"), 0);
    assert!(boxes(&heat, "#d02824") >= 1, "the slowest node is red");
    // Outside the picture the pages agree.
    let strip = |page: &str| {
        let start = page.find("<h2>Graph").expect("picture");
        let end = page.find("<h2>Hotspots").expect("hotspots");
        format!("{}{}", &page[..start], &page[end..])
    };
    assert_eq!(strip(&unit), strip(&heat));
    assert_eq!(strip(&unit), strip(&none));
    let (code, _, stderr) =
        common::opscope(&["analyze", &sample("resnet50.onnx"), "--overlay", "plain"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown overlay `plain`"), "{stderr}");
}
