//! Embedding opscope in another page (documentation): the URL parameters and the `postMessage`
//! protocol between the app in an `<iframe>` and its parent page. Pure (no browser), so the
//! rules on origins and messages are tested natively; [`crate::components::embed_host`] wires
//! them to the window. docs/embedding.md documents the same protocol for page authors.
//!
//! # URL parameters (`index.html?...`)
//! - `model=URL`: a model to open with the page; `profile=URL` (may repeat): profiling files
//!   opened with it. Relative or same-origin URLs only ([`same_origin_url`]).
//! - `overlay=unit|fusion|heat|none`, `node=NAME` (also `#node=NAME`), `target=ascend310|
//!   ascend310p|ascend910b`, `view=compact` (the graph only, no chrome).
//! - `embed_origin=https://docs.example`: the one origin, besides the app's own, whose page may
//!   drive the app by messages and receives its events.
//!
//! # Messages from the parent page (each a plain object with a `type`)
//! - `{type: 'open', files: [{name, bytes}]}`: opens the files (bytes an `ArrayBuffer`, a typed
//!   array or a `Blob`) as a drop of those files would.
//! - `{type: 'overlay', overlay: 'unit'|'fusion'|'heat'|'none'}`: shows that overlay, kept
//!   through loads as `?overlay=` is.
//! - `{type: 'select', node: NAME}`: selects the node and brings it into view; `node: null`
//!   clears the selection.
//! - `{type: 'findings'}`: asks for the findings; answered by a `findings` event.
//! - `{type: 'fit'}`: fits the graph in the frame.
//!
//! # Events to the parent page
//! - `{type: 'ready'}`: the app listens for messages.
//! - `{type: 'loaded', model: {name, format, nodes, files, target}}`: a model is drawn and
//!   analysed.
//! - `{type: 'error', file, message}`: a file could not be fetched or read (`file` is the URL or
//!   the file name), or a message was not understood (`file` is null).
//! - `{type: 'selected', node}`: the selection changed (by the parent or the user); `node` is
//!   null when nothing is selected.
//! - `{type: 'findings', target, findings: [{rule, title, severity, nodes, message, fix,
//!   gain_us, evidence}]}`: the answer to `findings`.
//!
//! Messages are accepted only from the parent window and from the allowed origin; events are
//! posted only to that origin, never to `*`.

use serde_json::{json, Map, Value};

use crate::state::Overlay;
use crate::worker::protocol::{EvidenceValue, FindingRow, TargetKey};

/// What the page's URL asks of an embedded app.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmbedParams {
    /// `model=`, then every `profile=`, in that order, as written in the URL.
    pub urls: Vec<String>,
    pub node: Option<String>,
    pub target: Option<TargetKey>,
    /// `view=compact`: the graph only.
    pub compact: bool,
    /// `embed_origin=` as written (checked by [`allowed_origin`]).
    pub embed_origin: Option<String>,
    /// Parameters that name nothing the app knows, one line each.
    pub errors: Vec<String>,
}

impl EmbedParams {
    /// Reads the parameters from `(name, value)` pairs in URL order.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> EmbedParams {
        let mut params = EmbedParams::default();
        let mut model = None;
        let mut profiles = Vec::new();
        for (name, value) in pairs {
            let value = value.trim();
            match name {
                "model" if !value.is_empty() => {
                    if model.is_some() {
                        params.errors.push(format!(
                            "model={value}: only one model= is read; open more with a message"
                        ));
                    } else {
                        model = Some(value.to_string());
                    }
                }
                "profile" if !value.is_empty() => profiles.push(value.to_string()),
                "node" if !value.is_empty() => params.node = Some(value.to_string()),
                "target" => match target_named(value) {
                    Some(target) => params.target = Some(target),
                    None => params.errors.push(format!(
                        "target={value}: not a target (ascend310, ascend310p or ascend910b)"
                    )),
                },
                "view" => match value {
                    "compact" => params.compact = true,
                    "" | "full" => {}
                    _ => params
                        .errors
                        .push(format!("view={value}: not a view (compact or full)")),
                },
                "embed_origin" if !value.is_empty() => {
                    params.embed_origin = Some(value.to_string())
                }
                _ => {}
            }
        }
        params.urls = model.into_iter().chain(profiles).collect();
        params
    }
}

/// The analysis target an id names (`ascend310p`), as the CLI's `--target` spells it.
pub fn target_named(id: &str) -> Option<TargetKey> {
    TargetKey::ALL
        .into_iter()
        .find(|target| target.id().eq_ignore_ascii_case(id))
}

/// The origin (`scheme://host[:port]`) of an absolute http(s) URL, lower-cased; `None` for
/// anything else (`data:`, `blob:`, `javascript:`, `file:`), which has no origin to trust.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // User info (`user@host`) would let `https://docs.example@evil.test` pass for docs.example.
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let default_port = if scheme == "http" { ":80" } else { ":443" };
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    Some(format!("{scheme}://{authority}"))
}

/// Checks a `model=`/`profile=` URL, already resolved against the page (`resolved`), against
/// the page's origin: the app fetches only from where it was served, so an embedding page
/// cannot make it send requests elsewhere. The error names the URL as written.
pub fn same_origin_url(written: &str, resolved: &str, page_origin: &str) -> Result<(), String> {
    match origin_of(resolved) {
        Some(origin) if Some(&origin) == origin_of(page_origin).as_ref() => Ok(()),
        Some(origin) => Err(format!(
            "{written}: not opened: the app only fetches files from its own origin \
             ({page_origin}), not from {origin}; serve the file next to the app or send its \
             bytes with a message"
        )),
        None => Err(format!(
            "{written}: not opened: only http(s) URLs of the app's own origin ({page_origin}) \
             can be fetched"
        )),
    }
}

/// The origin whose messages the app accepts and to which it posts events: the app's own, or
/// the one `embed_origin=` names when it is a valid http(s) origin (nothing else: no path, no
/// `*`).
pub fn allowed_origin(page_origin: &str, embed_origin: Option<&str>) -> Result<String, String> {
    let own = origin_of(page_origin).unwrap_or_else(|| page_origin.to_string());
    let Some(asked) = embed_origin else {
        return Ok(own);
    };
    let bare = asked.trim().trim_end_matches('/');
    let no_path = bare
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.contains(['/', '?', '#']));
    match origin_of(bare).filter(|_| no_path) {
        Some(origin) => Ok(origin),
        None => Err(format!(
            "embed_origin={asked}: not an origin (write it as https://docs.example, with no \
             path); only the app's own origin ({own}) may send it messages"
        )),
    }
}

/// Whether a message event comes from the page allowed to drive the app: sent by the parent
/// window itself, from the allowed origin.
pub fn accepts(from_parent: bool, event_origin: &str, allowed: &str) -> bool {
    from_parent && origin_of(event_origin).is_some_and(|origin| origin == allowed)
}

/// A message from the parent page, once read. `Open` carries only the count: the files stay
/// JS objects, which the host turns into `File`s.
#[derive(Debug, Clone, PartialEq)]
pub enum ParentMessage {
    Open,
    Overlay(Overlay),
    Select(Option<String>),
    Findings,
    Fit,
}

/// Reads a message's `type` and its fields (`overlay`, `node`), given as text; the error is
/// what the `error` event says.
pub fn read_message(
    kind: Option<&str>,
    overlay: Option<&str>,
    node: Option<&str>,
) -> Result<ParentMessage, String> {
    match kind {
        Some("open") => Ok(ParentMessage::Open),
        Some("overlay") => overlay
            .and_then(Overlay::parse)
            .map(ParentMessage::Overlay)
            .ok_or_else(|| {
                format!(
                    "overlay message: overlay {:?} is not unit, fusion, heat or none",
                    overlay.unwrap_or_default()
                )
            }),
        Some("select") => Ok(ParentMessage::Select(
            node.filter(|n| !n.is_empty()).map(str::to_string),
        )),
        Some("findings") => Ok(ParentMessage::Findings),
        Some("fit") => Ok(ParentMessage::Fit),
        Some(other) => Err(format!(
            "message type {other:?} is not one of open, overlay, select, findings, fit"
        )),
        None => Err("message has no type".to_string()),
    }
}

/// What a loaded model is called in the `loaded` event.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedModel {
    pub name: String,
    pub format: String,
    pub nodes: usize,
    pub files: Vec<String>,
    pub target: TargetKey,
}

/// An event for the parent page.
#[derive(Debug, Clone, PartialEq)]
pub enum AppEvent {
    Ready,
    Loaded(LoadedModel),
    Error {
        file: Option<String>,
        message: String,
    },
    Selected(Option<String>),
    Findings {
        target: TargetKey,
        rows: Vec<FindingRow>,
    },
}

impl AppEvent {
    /// An error line of the app (`file: what went wrong`) as an `error` event.
    pub fn of_error_line(line: &str) -> AppEvent {
        // The file is what comes before the first ": " (URLs hold ':' but not ": ").
        match line.split_once(": ") {
            Some((file, message)) if !file.is_empty() => AppEvent::Error {
                file: Some(file.to_string()),
                message: message.to_string(),
            },
            _ => AppEvent::Error {
                file: None,
                message: line.to_string(),
            },
        }
    }

    /// The event as the plain data posted to the parent.
    pub fn to_json(&self) -> Value {
        match self {
            AppEvent::Ready => json!({ "type": "ready" }),
            AppEvent::Loaded(model) => json!({
                "type": "loaded",
                "model": {
                    "name": model.name,
                    "format": model.format,
                    "nodes": model.nodes,
                    "files": model.files,
                    "target": model.target.id(),
                },
            }),
            AppEvent::Error { file, message } => {
                json!({ "type": "error", "file": file, "message": message })
            }
            AppEvent::Selected(node) => json!({ "type": "selected", "node": node }),
            AppEvent::Findings { target, rows } => json!({
                "type": "findings",
                "target": target.id(),
                "findings": rows.iter().map(finding_json).collect::<Vec<_>>(),
            }),
        }
    }
}

fn finding_json(row: &FindingRow) -> Value {
    let evidence: Map<String, Value> = row
        .evidence
        .iter()
        .map(|(key, value)| {
            let value = match value {
                EvidenceValue::Int(v) => json!(v),
                EvidenceValue::Num(v) => json!(v),
                EvidenceValue::Text(v) => json!(v),
                EvidenceValue::List(v) => json!(v),
            };
            (key.clone(), value)
        })
        .collect();
    json!({
        "rule": row.rule,
        "title": row.title,
        "severity": row.severity,
        "nodes": row.nodes,
        "message": row.message,
        "fix": row.fix,
        "gain_us": row.gain_us,
        "evidence": evidence,
    })
}

/// The file name a fetched URL is opened under: its last path segment, without query or hash
/// (the engine reads names as hints, and a path would read as a folder of a drop).
pub fn file_name_of_url(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next().unwrap_or_default();
    if name.is_empty() {
        url.to_string()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "http://127.0.0.1:8080";

    #[test]
    fn url_parameters_are_read_in_order() {
        let params = EmbedParams::parse([
            ("profile", "p/op_summary_0.csv"),
            ("model", "samples/resnet50.onnx"),
            ("profile", "p/task_time_0.csv"),
            ("node", "/conv1/Conv"),
            ("target", "Ascend310P"),
            ("view", "compact"),
            ("overlay", "heat"),
            ("embed_origin", "https://docs.example"),
        ]);
        assert_eq!(
            params.urls,
            [
                "samples/resnet50.onnx",
                "p/op_summary_0.csv",
                "p/task_time_0.csv"
            ]
        );
        assert_eq!(params.node.as_deref(), Some("/conv1/Conv"));
        assert_eq!(params.target, Some(TargetKey::Ascend310P));
        assert!(params.compact);
        assert_eq!(params.embed_origin.as_deref(), Some("https://docs.example"));
        assert!(params.errors.is_empty(), "{:?}", params.errors);
    }

    #[test]
    fn unknown_values_are_reported_not_guessed() {
        let params = EmbedParams::parse([
            ("target", "ascend999"),
            ("view", "tiny"),
            ("model", "a.onnx"),
            ("model", "b.onnx"),
        ]);
        assert_eq!(params.target, None);
        assert!(!params.compact);
        assert_eq!(params.urls, ["a.onnx"]);
        assert_eq!(params.errors.len(), 3, "{:?}", params.errors);
        assert!(params.errors[0].starts_with("target=ascend999: "));
        assert!(params.errors[2].starts_with("model=b.onnx: "));
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/samples/a.onnx").as_deref(),
            Some(PAGE)
        );
        assert_eq!(
            origin_of("HTTPS://Docs.Example:443/x").as_deref(),
            Some("https://docs.example")
        );
        assert_eq!(
            origin_of("https://a.test?x").as_deref(),
            Some("https://a.test")
        );
        for bad in [
            "data:text/plain,abc",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "blob:http://127.0.0.1:8080/1",
            "samples/a.onnx",
            "https://127.0.0.1:8080@evil.test/",
            "http:///x",
        ] {
            assert_eq!(origin_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_same_origin_urls_are_fetched() {
        assert!(same_origin_url(
            "samples/a.onnx",
            "http://127.0.0.1:8080/samples/a.onnx",
            PAGE
        )
        .is_ok());
        let err = same_origin_url("https://evil.test/m.onnx", "https://evil.test/m.onnx", PAGE)
            .expect_err("another origin");
        assert!(
            err.starts_with("https://evil.test/m.onnx: not opened"),
            "{err}"
        );
        assert!(err.contains("https://evil.test"), "{err}");
        // Another port is another origin.
        assert!(same_origin_url("x", "http://127.0.0.1:9000/x", PAGE).is_err());
        assert!(same_origin_url("data:,x", "data:,x", PAGE).is_err());
    }

    #[test]
    fn the_allowed_origin_is_the_apps_unless_one_is_named() {
        assert_eq!(allowed_origin(PAGE, None).as_deref(), Ok(PAGE));
        assert_eq!(
            allowed_origin(PAGE, Some("https://docs.example")).as_deref(),
            Ok("https://docs.example")
        );
        assert_eq!(
            allowed_origin(PAGE, Some("https://docs.example/")).as_deref(),
            Ok("https://docs.example")
        );
        for bad in ["*", "https://docs.example/guide", "docs.example", "null"] {
            assert!(allowed_origin(PAGE, Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn messages_are_taken_from_the_parent_at_the_allowed_origin_only() {
        assert!(accepts(true, PAGE, PAGE));
        assert!(accepts(true, "http://127.0.0.1:8080/", PAGE));
        assert!(!accepts(false, PAGE, PAGE), "not the parent window");
        assert!(!accepts(true, "http://localhost:8080", PAGE));
        assert!(!accepts(true, "null", PAGE));
    }

    #[test]
    fn messages_are_read_by_type() {
        assert_eq!(
            read_message(Some("overlay"), Some("heat"), None),
            Ok(ParentMessage::Overlay(Overlay::Heat))
        );
        assert_eq!(
            read_message(Some("select"), None, Some("/conv1/Conv")),
            Ok(ParentMessage::Select(Some("/conv1/Conv".into())))
        );
        assert_eq!(
            read_message(Some("select"), None, None),
            Ok(ParentMessage::Select(None))
        );
        assert_eq!(
            read_message(Some("open"), None, None),
            Ok(ParentMessage::Open)
        );
        assert!(read_message(Some("overlay"), Some("rainbow"), None)
            .expect_err("bad overlay")
            .contains("rainbow"));
        assert!(read_message(Some("eval"), None, None).is_err());
        assert!(read_message(None, None, None).is_err());
    }

    #[test]
    fn events_are_plain_data() {
        let loaded = AppEvent::Loaded(LoadedModel {
            name: "resnet50".into(),
            format: "onnx".into(),
            nodes: 122,
            files: vec!["resnet50.onnx".into()],
            target: TargetKey::Ascend310,
        })
        .to_json();
        assert_eq!(loaded["type"], "loaded");
        assert_eq!(loaded["model"]["nodes"], 122);
        assert_eq!(loaded["model"]["target"], "ascend310");
        let row = FindingRow {
            rule: "aicpu-op".into(),
            title: "AI CPU op".into(),
            severity: "high".into(),
            nodes: vec!["argmax".into()],
            message: "runs on the AI CPU".into(),
            fix: "use ReduceMax".into(),
            evidence: vec![
                ("task_us".into(), EvidenceValue::Num(152.0)),
                ("op".into(), EvidenceValue::Text("ArgMaxV2".into())),
            ],
            gain_us: Some(140.0),
        };
        let findings = AppEvent::Findings {
            target: TargetKey::Ascend910B,
            rows: vec![row],
        }
        .to_json();
        assert_eq!(findings["target"], "ascend910b");
        assert_eq!(findings["findings"][0]["nodes"][0], "argmax");
        assert_eq!(findings["findings"][0]["evidence"]["task_us"], 152.0);
        assert_eq!(findings["findings"][0]["gain_us"], 140.0);
        assert_eq!(
            AppEvent::Selected(None).to_json(),
            json!({"type": "selected", "node": null})
        );
    }

    #[test]
    fn error_lines_name_their_file() {
        assert_eq!(
            AppEvent::of_error_line("http://127.0.0.1:1/m.onnx: could not download (404)"),
            AppEvent::Error {
                file: Some("http://127.0.0.1:1/m.onnx".into()),
                message: "could not download (404)".into()
            }
        );
        assert_eq!(
            AppEvent::of_error_line("no file here"),
            AppEvent::Error {
                file: None,
                message: "no file here".into()
            }
        );
    }

    #[test]
    fn fetched_files_are_named_by_their_last_segment() {
        assert_eq!(
            file_name_of_url("samples/resnet50.onnx?v=2#x"),
            "resnet50.onnx"
        );
        assert_eq!(
            file_name_of_url("http://h/p/op_summary_0.csv"),
            "op_summary_0.csv"
        );
        assert_eq!(file_name_of_url("http://h/"), "http://h/");
    }
}
