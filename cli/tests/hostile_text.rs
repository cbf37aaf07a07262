//! Names and cells that hold HTML, script, `javascript:` links, bidi overrides or control
//! characters, in models of every text-capable format and in a profiling CSV, come out of every
//! report as text: escaped in HTML and Markdown, visible escapes for hidden characters, exact in
//! JSON.

mod common;

use common::{opscope, temp_file};

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))\u{202E}evil\u{0007}";

fn quoted() -> String {
    // The same text inside a protobuf text-format string.
    HOSTILE.replace('"', "\\\"").replace('\u{0007}', "\\a")
}

fn models() -> Vec<(&'static str, Vec<u8>)> {
    let name = quoted();
    let tf = format!(
        "node {{ name: \"x\" op: \"Placeholder\" attr {{ key: \"dtype\" value {{ type: DT_FLOAT }} }} }}\n\
         node {{ name: \"{name}\" op: \"Relu\" input: \"x\" }}\n\
         node {{ name: \"pow\" op: \"Pow\" input: \"{name}\" input: \"x\" attr {{ key: \"note\" value {{ s: \"{name}\" }} }} }}\n"
    );
    let caffe = format!(
        "name: \"{name}\"\ninput: \"data\"\ninput_shape {{ dim: 1 dim: 3 dim: 8 dim: 8 }}\n\
         layer {{ name: \"{name}\" type: \"ReLU\" bottom: \"data\" top: \"r\" }}\n\
         layer {{ name: \"pool\" type: \"Pooling\" bottom: \"r\" top: \"p\" pooling_param {{ pool: MAX kernel_size: 2 stride: 2 }} }}\n"
    );
    vec![
        ("hostile.pbtxt", tf.into_bytes()),
        ("hostile.prototxt", caffe.into_bytes()),
    ]
}

fn profile() -> std::path::PathBuf {
    let cell = HOSTILE.replace('"', "\"\"");
    let csv = format!(
        "Op Name,OP Type,Task Type,Task Duration(us)\n\"{cell}\",\"{cell}\",AI_CPU,50.0\npool,Pooling,AI_CORE,10.0\n"
    );
    temp_file("op_summary_0.csv", csv.as_bytes())
}

fn assert_inert_html(html: &str, what: &str) {
    // `javascript:` as text is harmless; it must never become a link.
    for raw in ["<script", "<img", "<a ", "href=", "\u{202E}", "\u{0007}"] {
        assert!(!html.contains(raw), "{what}: {raw:?} came through raw");
    }
    assert!(
        html.contains("&lt;script&gt;"),
        "{what}: the name is shown as text"
    );
    assert!(
        html.contains("\\u{202e}"),
        "{what}: the bidi override is shown as an escape"
    );
}

fn assert_inert_markdown(md: &str, what: &str) {
    for (at, _) in md.match_indices("<script") {
        assert!(
            at > 0 && md.as_bytes()[at - 1] == b'\\',
            "{what}: unescaped <script at {at}"
        );
    }
    for (at, _) in md.match_indices("](javascript:") {
        assert!(
            at > 0 && md.as_bytes()[at - 1] == b'\\',
            "{what}: a live javascript: link at {at}"
        );
    }
    assert!(
        !md.contains('\u{202E}') && !md.contains('\u{0007}'),
        "{what}: hidden characters"
    );
    assert!(
        md.contains("\\<script\\>"),
        "{what}: the name is shown as text"
    );
}

#[test]
fn hostile_names_are_text_in_every_report_format() {
    let profile = profile();
    let profile = profile.to_str().unwrap_or_default();
    for (file, bytes) in models() {
        let model = temp_file(file, &bytes);
        let model = model.to_str().unwrap_or_default();
        for with_profile in [false, true] {
            let run = |format: &str| {
                let mut args = vec!["analyze", model, "--format", format];
                if with_profile {
                    args.extend(["--profile", profile]);
                }
                let (code, stdout, stderr) = opscope(&args);
                assert_eq!(code, 0, "{file} {format}: {stderr}");
                stdout
            };
            let what = format!("{file} (profile: {with_profile})");
            assert_inert_html(&run("html"), &format!("{what} html"));
            assert_inert_markdown(&run("md"), &format!("{what} md"));
            let json: serde_json::Value =
                serde_json::from_str(&run("json")).expect("the JSON report parses");
            let text = json.to_string();
            let exact = serde_json::to_string(HOSTILE).expect("a string encodes");
            assert!(
                text.contains(exact.trim_matches('"')),
                "{what} json: the name is kept exactly"
            );
        }
    }
}

#[test]
fn inspect_json_keeps_hostile_names_exactly_and_parses() {
    for (file, bytes) in models() {
        let model = temp_file(file, &bytes);
        let (code, stdout, stderr) = opscope(&[
            "inspect",
            model.to_str().unwrap_or_default(),
            "--json",
            "--shapes",
        ]);
        assert_eq!(code, 0, "{file}: {stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("inspect JSON parses");
        assert!(json.to_string().contains("\\u0007") || json.to_string().contains('\u{0007}'));
    }
}
