//! The findings list (`#findings`): each finding of the profile rules with its rule id, what was
//! seen, the fix, the numbers behind it, the time the fix can save, and its nodes as links into
//! the graph.

use yew::prelude::*;

use crate::state::{format_us, Action, GraphHandle, Shared};
use crate::worker::protocol::{EvidenceValue, FindingRow, ProfileData};

#[derive(Properties, PartialEq)]
pub struct FindingsListProps {
    pub data: Shared<ProfileData>,
    pub graph: Option<GraphHandle>,
    pub on_action: Callback<Action>,
}

#[function_component(FindingsList)]
pub fn findings_list(props: &FindingsListProps) -> Html {
    let data = &props.data;
    let extra = html! {
        <>
            if !data.skipped_checks.is_empty() || !data.notes.is_empty() {
                <div class="findings-notes">
                    { for data.skipped_checks.iter().map(|(rule, reason)| html! {
                        <p><span class="rule-badge rule-badge-muted">{ rule }</span>
                            { format!(" not checked: {reason}") }</p>
                    }) }
                    { for data.notes.iter().map(|note| html! { <p class="muted">{ note }</p> }) }
                </div>
            }
        </>
    };
    if data.findings.is_empty() {
        return html! {
            <div id="findings" class="findings-pane">
                <p class="tab-empty">{ "No rule flagged anything in this profile." }</p>
                { extra }
            </div>
        };
    }
    html! {
        <div class="findings-pane">
            <ol id="findings" class="findings">
                { for data.findings.iter().map(|finding| view_finding(finding, props)) }
            </ol>
            { extra }
        </div>
    }
}

fn view_finding(finding: &FindingRow, props: &FindingsListProps) -> Html {
    let nodes = finding.nodes.iter().map(|name| {
        let in_graph = props
            .graph
            .as_ref()
            .and_then(|graph| graph.node_named(name));
        match in_graph {
            Some(_) => {
                let target = name.clone();
                let onclick = props
                    .on_action
                    .reform(move |_: MouseEvent| Action::RevealNamed(target.clone()));
                html! {
                    <button class="link node-link" {onclick} title="Show in the graph">{ name }</button>
                }
            }
            None => html! {
                <code class="node-missing" title={if props.graph.is_some() {
                    "not in the model"
                } else {
                    "load the model to find it in the graph"
                }}>{ name }</code>
            },
        }
    });
    html! {
        <li class="finding" data-rule={finding.rule.clone()}>
            <div class="finding-head">
                <span class="rule-badge">{ &finding.rule }</span>
                <span class="finding-title">{ &finding.title }</span>
                if let Some(gain) = finding.gain_us {
                    <span class="finding-gain" title="Upper bound of the time the fix can save">
                        { format!("up to {} to gain", format_us(gain)) }
                    </span>
                }
            </div>
            <p class="finding-message">{ with_code(&finding.message) }</p>
            <p class="finding-fix"><span class="finding-label">{ "Fix" }</span>{ with_code(&finding.fix) }</p>
            if !finding.evidence.is_empty() {
                <div class="evidence">
                    { for finding.evidence.iter().map(|(key, value)| html! {
                        <span class="evidence-item">
                            <span class="evidence-key">{ key }</span>
                            <span class="evidence-value">{ evidence_text(value) }</span>
                        </span>
                    }) }
                </div>
            }
            if !finding.nodes.is_empty() {
                <div class="finding-nodes">
                    <span class="finding-label">{ match (props.data.join.is_some(), finding.nodes.len()) {
                        (true, 1) => "Node",
                        (true, _) => "Nodes",
                        (false, 1) => "Op",
                        (false, _) => "Ops",
                    } }</span>
                    { for nodes }
                </div>
            }
        </li>
    }
}

fn evidence_text(value: &EvidenceValue) -> String {
    match value {
        EvidenceValue::Int(v) => v.to_string(),
        EvidenceValue::Num(v) => {
            if v.fract() == 0.0 && v.abs() < 1e15 {
                format!("{v:.0}")
            } else {
                let text = format!("{v:.4}");
                text.trim_end_matches('0').trim_end_matches('.').to_string()
            }
        }
        EvidenceValue::Text(v) => v.clone(),
        EvidenceValue::List(items) => {
            if items.len() > 6 {
                format!("{}, … ({} in all)", items[..6].join(", "), items.len())
            } else {
                items.join(", ")
            }
        }
    }
}

/// Text with `backquoted` parts as code.
fn with_code(text: &str) -> Html {
    html! {
        { for text.split('`').enumerate().map(|(idx, part)| {
            if idx % 2 == 1 {
                html! { <code>{ part }</code> }
            } else {
                html! { { part } }
            }
        }) }
    }
}
