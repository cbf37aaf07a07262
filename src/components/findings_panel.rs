//! The findings panel (`#findings`): every finding of the analysis (model rules and profile rules
//! alike; without a model, the profile's), grouped by rule, the groups and the findings in them
//! largest gain first. Each finding shows its severity, what was seen, the fix, the numbers
//! behind it and the time the fix can save; a click selects all its nodes and frames them. Below
//! the list: what the analysis compared with the measurement (unit check, fusion check).

use yew::prelude::*;

use crate::state::{
    format_count, format_share, format_us, Action, FindingsView, GraphHandle, Shared,
};
use crate::worker::protocol::{AnalysisData, EvidenceValue, FindingRow, UnitCheckSummary};

#[derive(Properties, PartialEq)]
pub struct FindingsPanelProps {
    pub findings: Shared<FindingsView>,
    /// The finding whose nodes are selected.
    pub selected: Option<usize>,
    pub graph: Option<GraphHandle>,
    pub analysis: Option<Shared<AnalysisData>>,
    pub on_action: Callback<Action>,
}

#[function_component(FindingsPanel)]
pub fn findings_panel(props: &FindingsPanelProps) -> Html {
    let view = &props.findings;
    let summary = props.analysis.as_ref().map(|a| view_summary(a));
    let extra = html! {
        <>
            if !view.skipped.is_empty() || !view.notes.is_empty() {
                <div class="findings-notes">
                    { for view.skipped.iter().map(|(rule, reason)| html! {
                        <p><span class="rule-badge rule-badge-muted">{ rule }</span>
                            { format!(" not checked: {reason}") }</p>
                    }) }
                    { for view.notes.iter().map(|note| html! { <p class="muted">{ note }</p> }) }
                </div>
            }
            { view_unit_check(view.unit_check.as_ref()) }
            if let Some(analysis) = &props.analysis {
                { view_fusion_check(analysis) }
            }
        </>
    };
    if view.is_empty() {
        let what = if props.analysis.is_some() {
            "model"
        } else {
            "profile"
        };
        return html! {
            <div id="findings" class="findings-pane" data-findings="0">
                { summary }
                <p class="tab-empty">{ format!("No rule flagged anything in this {what}.") }</p>
                { extra }
            </div>
        };
    }
    html! {
        <div id="findings" class="findings-pane" data-findings={view.len().to_string()}>
            { summary }
            { for view.groups.iter().map(|group| html! {
                <section class="finding-group" data-rule={group.rule.clone()}>
                    <header class="finding-group-head">
                        <span class="rule-badge">{ &group.rule }</span>
                        <span class="finding-group-title">{ &group.title }</span>
                        <span class="finding-group-count">{ match group.findings.len() {
                            1 => "1 finding".to_string(),
                            n => format!("{} findings", format_count(n as u64)),
                        } }</span>
                        if group.total_gain_us > 0.0 {
                            <span class="finding-gain" title="Sum of the time the fixes can save">
                                { format!("up to {} to gain", format_us(group.total_gain_us)) }
                            </span>
                        }
                    </header>
                    <ol class="findings">
                        { for group.findings.iter().filter_map(|&idx| {
                            view.rows.get(idx).map(|row| view_finding(idx, row, props))
                        }) }
                    </ol>
                </section>
            }) }
            { extra }
        </div>
    }
}

/// Target, CANN release, fusion groups, near misses, and whether the times are measured.
fn view_summary(analysis: &AnalysisData) -> Html {
    let ub = analysis
        .groups
        .iter()
        .filter(|g| g.kind == crate::worker::protocol::FusionKindId::Ub)
        .count();
    let candidates = analysis.groups.len() - ub;
    html! {
        <p class="analysis-summary">
            <span class="fact"><span class="fact-label">{ "target" }</span>{ &analysis.target_name }</span>
            <span class="fact"><span class="fact-label">{ "CANN" }</span>{ &analysis.cann }</span>
            <span class="fact"><span class="fact-label">{ "fusion groups" }</span>{ format_count(ub as u64) }
                if candidates > 0 {
                    <span class="muted">{ format!(" + {candidates} L2/L1 candidates") }</span>
                }
            </span>
            <span class="fact"><span class="fact-label">{ "near misses" }</span>
                { format_count(analysis.near_misses.len() as u64) }</span>
            if analysis.estimated {
                <span class="estimate-label">{ "times: cost model estimate" }</span>
            } else {
                <span class="fact fact-strong">{ "times: measured" }</span>
            }
        </p>
    }
}

fn view_finding(idx: usize, finding: &FindingRow, props: &FindingsPanelProps) -> Html {
    let selected = props.selected == Some(idx);
    let n_in_graph = props.graph.as_ref().map_or(0, |graph| {
        finding
            .nodes
            .iter()
            .filter(|name| graph.node_named(name).is_some())
            .count()
    });
    let select = props
        .on_action
        .reform(move |_: MouseEvent| Action::SelectFinding(idx));
    let nodes = finding.nodes.iter().map(|name| {
        let in_graph = props
            .graph
            .as_ref()
            .and_then(|graph| graph.node_named(name));
        match in_graph {
            Some(_) => {
                let target = name.clone();
                let on_action = props.on_action.clone();
                let onclick = Callback::from(move |event: MouseEvent| {
                    // The node alone, not the whole finding.
                    event.stop_propagation();
                    on_action.emit(Action::RevealNamed(target.clone()));
                });
                html! {
                    <button class="link node-link" {onclick} title="Show this node in the graph">{ name }</button>
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
        <li class={classes!("finding", selected.then_some("selected"))}
            data-rule={finding.rule.clone()} data-severity={finding.severity.clone()}
            data-finding={idx.to_string()} onclick={select.clone()}>
            <div class="finding-head">
                <span class={classes!("severity", format!("severity-{}", finding.severity))}>
                    { &finding.severity }
                </span>
                if let Some(gain) = finding.gain_us {
                    <span class="finding-gain" title="Upper bound of the time the fix can save">
                        { format!("up to {} to gain", format_us(gain)) }
                    </span>
                }
                <span class="toolbar-spacer"></span>
                if n_in_graph > 0 {
                    <button class="btn btn-small finding-show" onclick={select}
                        title="Select these nodes and frame them in the graph">
                        { if n_in_graph == 1 { "Show node".to_string() } else { format!("Show {n_in_graph} nodes") } }
                    </button>
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
                    <span class="finding-label">{ match (props.findings.names_are_nodes, finding.nodes.len()) {
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

/// The knowledge base's units against the measured task types (the analysis's, or a profile's
/// alone).
fn view_unit_check(check: Option<&UnitCheckSummary>) -> Html {
    let Some(check) = check else {
        return Html::default();
    };
    html! {
        <details class="analysis-check" id="unit-check">
            <summary>
                { "Predicted units against the profile: " }
                <strong>{ format_share(check.agree_share) }</strong>
                { format!(" of the profiled time agrees ({} of {} op types)", check.agree_ops, check.total_ops) }
            </summary>
            if check.disagreements.is_empty() {
                <p class="muted">{ "Every profiled op type ran where the knowledge base predicts." }</p>
            } else {
                <table class="props-table check-table">
                    <tr><th>{ "op type" }</th><th>{ "predicted" }</th><th>{ "measured" }</th><th>{ "time" }</th></tr>
                    { for check.disagreements.iter().map(|d| html! {
                        <tr>
                            <td><code>{ &d.op_type }</code></td>
                            <td>{ &d.predicted }</td>
                            <td>{ &d.measured }</td>
                            <td class="num">{ format_us(d.total_us) }</td>
                        </tr>
                    }) }
                </table>
            }
        </details>
    }
}

/// The simulated fusion groups against the real ones.
fn view_fusion_check(analysis: &AnalysisData) -> Html {
    let fusion_check = analysis.fusion_check.as_ref().map(|check| {
        html! {
            <details class="analysis-check" id="fusion-check">
                <summary>
                    { "Simulated fusion against the real groups: " }
                    <strong>{ format_share(check.agreement) }</strong>
                    { format!(" ({} of {} real groups found; {} simulated; from {})",
                        check.matched, check.real_groups, check.simulated_groups, check.source) }
                </summary>
                if check.differences.is_empty() {
                    <p class="muted">{ "No difference." }</p>
                } else {
                    <ul class="check-list">
                        { for check.differences.iter().map(|d| html! {
                            <li>
                                <span class="rule-badge rule-badge-muted">{ &d.kind }</span>
                                if let Some(op) = &d.fused_op {
                                    <code>{ op }</code>{ ": " }
                                }
                                if !d.real.is_empty() {
                                    { format!("real {}", d.real.join(", ")) }
                                }
                                if !d.simulated.is_empty() {
                                    { format!("; simulated {}", d.simulated.join(", ")) }
                                }
                            </li>
                        }) }
                    </ul>
                }
            </details>
        }
    });
    html! { <>{ fusion_check }</> }
}

pub fn evidence_text(value: &EvidenceValue) -> String {
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
pub fn with_code(text: &str) -> Html {
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
