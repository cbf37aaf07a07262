//! The properties panel (`#properties`) of the selected node: what it is; what the analysis says
//! of it (its unit and why, its fusion group, its estimated and measured time, the findings that
//! name it); its time from the profile (measured, or the estimate, labelled); its attributes;
//! and its inputs and outputs with shape, dtype and weight size. Neighbours and fellow group
//! members are links.

use opscope_engine::report::render::visible;
use opscope_engine::report::{FoldKind, GraphView, NodeGroup, ViewNodeKind, ViewPort};
use yew::prelude::*;

use super::findings_panel::with_code;
use crate::canvas::palette;
use crate::state::{
    format_bytes, format_count, format_share, format_us, Action, FindingsView, FoldRequest,
    GraphHandle, Shared,
};
use crate::worker::protocol::{AnalysisData, NodeStat, UnitSourceId};

#[derive(Properties, PartialEq)]
pub struct PropertiesPanelProps {
    pub graph: GraphHandle,
    pub node_idx: usize,
    /// The node's measured time, when a profile is joined and the node ran.
    pub stat: Option<NodeStat>,
    /// Total profiled time (us), when a profile is loaded.
    pub profile_total: Option<f64>,
    /// The analysis, when it is of the graph drawn.
    pub analysis: Option<Shared<AnalysisData>>,
    pub findings: Shared<FindingsView>,
    /// Nodes selected together (a finding's or a fused op's), this one included.
    pub selection_count: usize,
    /// `estimated (cost model, Ascend 310)` when the profile's times are the estimate.
    pub estimate: Option<AttrValue>,
    pub on_action: Callback<Action>,
    /// Fold a scope or a fusion group, open a folded box, or open what hides a node.
    #[prop_or_default]
    pub on_fold: Callback<FoldRequest>,
}

#[function_component(PropertiesPanel)]
pub fn properties_panel(props: &PropertiesPanelProps) -> Html {
    let view = &props.graph.view;
    let Some(node) = view.nodes.get(props.node_idx) else {
        return html! {};
    };
    let on_close = props.on_action.reform(|_: MouseEvent| Action::Select(None));
    let fold = view.folds.iter().find(|f| f.view == props.node_idx);
    let kind = match (node.kind, fold.map(|f| f.kind)) {
        (ViewNodeKind::Op, _) => "Operator",
        (ViewNodeKind::Input, _) => "Graph input",
        (ViewNodeKind::Output, _) => "Graph output",
        (ViewNodeKind::Folded, Some(FoldKind::Group)) => "Folded group",
        (ViewNodeKind::Folded, _) => "Folded scope",
    };
    let swatch = match node.kind {
        ViewNodeKind::Op | ViewNodeKind::Folded => palette::category_fill(node.category),
        _ => palette::IO_BORDER,
    };
    let mut facts: Vec<(&str, Html)> = vec![
        ("kind", html! { kind }),
        ("type", html! { <code>{ &node.title }</code> }),
        (
            "name",
            if node.name.is_empty() {
                html! { <span class="muted">{ "(unnamed)" }</span> }
            } else {
                html! { <code class="wrap">{ &node.name }</code> }
            },
        ),
    ];
    if node.kind == ViewNodeKind::Op {
        facts.push(("category", html! { palette::category_label(node.category) }));
        facts.push((
            "domain",
            if node.domain.is_empty() {
                html! { <span class="muted">{ "ai.onnx (default)" }</span> }
            } else {
                html! { <code>{ visible(&node.domain) }</code> }
            },
        ));
    }
    if !node.scope.is_empty() {
        facts.push(("scope", scope_path(&node.scope, &props.on_fold)));
    }

    let attributes = if node.attrs.is_empty() {
        html! { <p class="muted">{ "No attributes" }</p> }
    } else {
        code_table(&node.attrs)
    };

    let port_list = |ports: &[ViewPort], is_input: bool| -> Html {
        if ports.is_empty() {
            return html! { <p class="muted">{ "None" }</p> };
        }
        html! {
            <ul class="ports">
                { for ports.iter().map(|port| view_port(view, props, port, is_input)) }
            </ul>
        }
    };

    html! {
        <aside id="properties" class="sidebar" aria-label="Node properties">
            <header class="sidebar-header">
                <span class="swatch swatch-large" style={format!("background:{swatch}")}></span>
                <div class="sidebar-title">
                    <h2>{ &node.title }</h2>
                    <div class="sidebar-subtitle">{ &node.name }</div>
                    if props.selection_count > 1 {
                        <div id="selection-count" class="selection-count"
                            title="The other selected nodes are outlined in the graph">
                            { format!("1 of {} selected nodes", props.selection_count) }
                        </div>
                    }
                </div>
                <button class="btn-close" onclick={on_close} title="Close (Esc)" aria-label="Close">
                    { "×" }
                </button>
            </header>
            <div class="sidebar-body">
                <section>
                    <h3>{ "Node" }</h3>
                    <table class="props-table">
                        { for facts.into_iter().map(|(label, value)| html! {
                            <tr><th scope="row">{ label }</th><td>{ value }</td></tr>
                        }) }
                    </table>
                </section>
                if let Some(fold) = fold {
                    { view_folded(fold, node.lines.get(1), &props.on_fold) }
                }
                if node.kind == ViewNodeKind::Op {
                    { view_analysis(props) }
                    { view_node_findings(props, &node.name) }
                }
                if node.kind == ViewNodeKind::Op && props.profile_total.is_some() {
                    { view_measured(props.stat.as_ref(), &node.name, props.estimate.as_ref()) }
                }
                if node.kind == ViewNodeKind::Op {
                    <section>
                        <h3>{ format!("Attributes ({})", node.attrs.len()) }</h3>
                        { attributes }
                    </section>
                }
                if node.kind != ViewNodeKind::Input {
                    <section>
                        <h3>{ format!("Inputs ({})", node.inputs.len()) }</h3>
                        { port_list(&node.inputs, true) }
                    </section>
                }
                <section>
                    <h3>{ format!("Outputs ({})", node.outputs.len()) }</h3>
                    { port_list(&node.outputs, false) }
                </section>
            </div>
        </aside>
    }
}

/// The "Analysis" section: the unit and why, the fusion group and its other members, near
/// misses through this node, and the estimated and measured time.
fn view_analysis(props: &PropertiesPanelProps) -> Html {
    let Some(analysis) = &props.analysis else {
        return html! {};
    };
    let graph_node = props.graph.analysis_node(props.node_idx);
    let Some((graph_node, node)) = graph_node.and_then(|g| Some((g, analysis.node(g)?))) else {
        return html! {};
    };
    let (fill, _) = palette::exec_unit_fill(node.unit);
    let source_title = match node.source {
        UnitSourceId::Predicted => format!(
            "predicted by the knowledge base for the {}",
            analysis.target_name
        ),
        UnitSourceId::Graph => {
            "recorded by the compiled graph (_ge_attr_op_kernel_lib_name)".to_string()
        }
        UnitSourceId::Measured => "the profile's task type".to_string(),
    };
    let member_link = |member: usize| -> Html {
        let Some(view_idx) = props.graph.view_of_analysis_node(member) else {
            return html! {};
        };
        let Some(other) = props.graph.view.nodes.get(view_idx) else {
            return html! {};
        };
        let label = if other.name.is_empty() {
            other.title.clone()
        } else {
            other.name.clone()
        };
        let onclick = props
            .on_action
            .reform(move |_: MouseEvent| Action::Reveal(view_idx));
        html! {
            <button class="link" {onclick} title={format!("{} {}", other.title, other.name)}>{ label }</button>
        }
    };
    let group = node.group.and_then(|g| analysis.groups.get(g));
    let near_misses: Vec<_> = analysis
        .near_misses
        .iter()
        .filter(|miss| miss.nodes.contains(&graph_node))
        .collect();
    html! {
        <section id="node-analysis" class="node-analysis">
            <h3>{ format!("Analysis · {}", analysis.target_name) }</h3>
            <table class="props-table">
                <tr>
                    <th scope="row">{ "unit" }</th>
                    <td>
                        <span class="unit-badge"><span class="swatch" style={format!("background:{fill}")}></span>
                            { node.unit.label() }</span>
                        <span class={classes!("unit-source", format!("unit-source-{}", node.source.label().replace(' ', "-")))}
                            title={source_title}>{ node.source.label() }</span>
                        if node.source == UnitSourceId::Measured && node.predicted != node.unit {
                            <div class="muted">{ format!("predicted: {}", node.predicted.label()) }</div>
                        }
                    </td>
                </tr>
                <tr><th scope="row">{ "why" }</th><td class="unit-reason">{ analysis.reason(node) }</td></tr>
                <tr>
                    <th scope="row">{ "estimated" }</th>
                    <td title={format!("cost model, {}", analysis.target_name)}>{ format_us(node.estimated_us) }</td>
                </tr>
                <tr>
                    <th scope="row">{ "measured" }</th>
                    <td>{ match node.measured_us {
                        Some(us) => html! { format_us(us) },
                        None if analysis.estimated => html! { <span class="muted">{ "no profile loaded" }</span> },
                        None => html! { <span class="muted">{ "not in the profile" }</span> },
                    } }</td>
                </tr>
                <tr>
                    <th scope="row">{ "fusion" }</th>
                    <td>{ match group {
                        Some(group) => html! {
                            <>
                                <code class="wrap">{ &group.pattern }</code>
                                <div class="muted">{ group.kind.label() }
                                    if group.ddr_bytes_saved > 0 {
                                        { format!(" · saves {} of DDR traffic", format_bytes(group.ddr_bytes_saved)) }
                                    }
                                </div>
                                if group.nodes.len() > 1 {
                                    <button id="fold-group" class="btn btn-small"
                                        title="Draw the group as one box (] or a double click opens it)"
                                        onclick={
                                            let fold = NodeGroup {
                                                label: format!("{} #{}", group.pattern, node.group.unwrap_or_default() + 1),
                                                nodes: group.nodes.clone(),
                                            };
                                            props.on_fold.reform(move |_: MouseEvent| FoldRequest::FoldGroup(fold.clone()))
                                        }>
                                        { "Fold group" }
                                    </button>
                                }
                                if group.nodes.len() > 1 {
                                    <div class="fusion-members">
                                        <span class="muted">{ "with " }</span>
                                        { for group.nodes.iter().filter(|&&m| m != graph_node).map(|&m| member_link(m)) }
                                    </div>
                                }
                            </>
                        },
                        None => html! { <span class="muted">{ "not in a fusion group" }</span> },
                    } }</td>
                </tr>
            </table>
            { for near_misses.iter().map(|miss| html! {
                <div class="near-miss">
                    <div><span class="rule-badge rule-badge-muted">{ "near miss" }</span>
                        <code class="wrap">{ &miss.pattern }</code></div>
                    <p>{ with_code(&miss.reason) }</p>
                    if !miss.fix.is_empty() {
                        <p class="finding-fix"><span class="finding-label">{ "Fix" }</span>{ with_code(&miss.fix) }</p>
                    }
                </div>
            }) }
        </section>
    }
}

/// The findings that name this node; a click selects all of a finding's nodes.
fn view_node_findings(props: &PropertiesPanelProps, node_name: &str) -> Html {
    if node_name.is_empty() {
        return html! {};
    }
    let view = &props.findings;
    let mine: Vec<usize> = view
        .groups
        .iter()
        .flat_map(|g| g.findings.iter().copied())
        .filter(|&idx| {
            view.rows
                .get(idx)
                .is_some_and(|row| row.nodes.iter().any(|n| n == node_name))
        })
        .collect();
    if mine.is_empty() {
        return html! {};
    }
    html! {
        <section id="node-findings">
            <h3>{ format!("Findings ({})", mine.len()) }</h3>
            <ul class="node-findings">
                { for mine.iter().filter_map(|&idx| view.rows.get(idx).map(|row| (idx, row))).map(|(idx, row)| {
                    let onclick = props.on_action.reform(move |_: MouseEvent| Action::SelectFinding(idx));
                    html! {
                        <li class="node-finding" data-rule={row.rule.clone()}>
                            <button class="link node-finding-link" {onclick}
                                title="Select all the nodes of this finding">
                                <span class={classes!("severity", format!("severity-{}", row.severity))}>{ &row.severity }</span>
                                <span class="rule-badge">{ &row.rule }</span>
                                if let Some(gain) = row.gain_us {
                                    <span class="finding-gain">{ format!("up to {}", format_us(gain)) }</span>
                                }
                            </button>
                            <p class="finding-message">{ with_code(&row.message) }</p>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// The "Measured" section: time, tasks, unit and share from the joined profile; "Estimated" when
/// the profile is the cost model's estimate.
fn view_measured(stat: Option<&NodeStat>, node_name: &str, estimate: Option<&AttrValue>) -> Html {
    let heading = if estimate.is_some() {
        "Estimated"
    } else {
        "Measured"
    };
    let label = estimate.map(|label| html! { <div class="estimate-label">{ label.clone() }</div> });
    let Some(stat) = stat else {
        return html! {
            <section class="measured">
                <h3>{ heading }</h3>
                { label }
                <p class="muted">{ if estimate.is_some() {
                    "The cost model gives this node no time (no kernel)."
                } else {
                    "No profiled task matched this node."
                } }</p>
            </section>
        };
    };
    let avg = if stat.count > 0 {
        stat.total_us / stat.count as f64
    } else {
        0.0
    };
    let unit_style = format!("background:{}", palette::unit_colour(stat.unit));
    let other_ops: Vec<&String> = stat.ops.iter().filter(|op| *op != node_name).collect();
    html! {
        <section class="measured">
            <h3>{ heading }</h3>
            { label }
            <div class="measured-headline">
                <span class="measured-time">{ format_us(stat.total_us) }</span>
                <span class="measured-share">{ format!("{} of the {}", format_share(stat.share),
                    if estimate.is_some() { "estimate" } else { "profile" }) }</span>
            </div>
            <table class="props-table">
                <tr><th scope="row">{ "time" }</th><td>{ format!("{:.3} us", stat.total_us) }</td></tr>
                <tr><th scope="row">{ "tasks" }</th><td>{ format_count(stat.count) }</td></tr>
                <tr><th scope="row">{ "avg per task" }</th><td>{ format_us(avg) }</td></tr>
                <tr>
                    <th scope="row">{ "unit" }</th>
                    <td><span class="unit-badge"><span class="swatch" style={unit_style}></span>
                        { stat.unit.label() }</span></td>
                </tr>
                <tr><th scope="row">{ "share" }</th><td>{ format_share(stat.share) }</td></tr>
                if !other_ops.is_empty() {
                    <tr>
                        <th scope="row">{ "profiled as" }</th>
                        <td>{ for other_ops.iter().map(|op| html! {
                            <code class="wrap measured-op">{ op }</code>
                        }) }</td>
                    </tr>
                }
            </table>
        </section>
    }
}

fn view_port(
    view: &GraphView,
    props: &PropertiesPanelProps,
    port: &ViewPort,
    is_input: bool,
) -> Html {
    // The nodes at the other end of this tensor: its producer for an input, its consumers for an
    // output.
    let neighbours: Vec<usize> = view
        .edges
        .iter()
        .filter(|e| e.tensor == port.name)
        .filter_map(|e| {
            if is_input && e.to == props.node_idx {
                Some(e.from)
            } else if !is_input && e.from == props.node_idx {
                Some(e.to)
            } else {
                None
            }
        })
        .collect();
    let links = neighbours.iter().filter_map(|&other| {
        let node = view.nodes.get(other)?;
        let label = if node.name.is_empty() {
            node.title.clone()
        } else {
            node.name.clone()
        };
        let onclick = props
            .on_action
            .reform(move |_: MouseEvent| Action::Reveal(other));
        Some(html! {
            <button class="link" {onclick} title={format!("{} {}", node.title, node.name)}>
                { label }
            </button>
        })
    });
    let type_known = port.dtype != "unknown" || port.shape != "?";
    let mut type_text = format!("{} {}", port.dtype, port.shape);
    if let Some(layout) = &port.layout {
        type_text.push_str(&format!(" ({layout})"));
    }
    html! {
        <li class="port">
            <div class="port-head">
                if !port.slot.is_empty() {
                    <span class="port-slot">{ &port.slot }</span>
                }
                <code class="port-name wrap">{ &port.name }</code>
            </div>
            if type_known {
                <div class="port-type"><code>{ type_text }</code></div>
            } else {
                <div class="port-type muted">{ "type and shape unknown" }</div>
            }
            if port.weight {
                <div class="port-meta">
                    { "weight" }
                    if let Some(n_bytes) = port.byte_size {
                        { format!(" · {}", format_bytes(n_bytes)) }
                    }
                </div>
            }
            if let Some(constant) = &port.folded_from {
                <div class="port-meta" title="Drawn in this box; \"Constants as nodes\" (C) draws it as a node">
                    { format!("from {constant} (folded)") }
                </div>
            }
            if !neighbours.is_empty() {
                <div class="port-links">
                    <span class="muted">{ if is_input { "from " } else { "to " } }</span>
                    { for links }
                </div>
            }
        </li>
    }
}

/// A two-column table of names and code-set values (node attributes, model metadata).
pub fn code_table(rows: &[(String, String)]) -> Html {
    html! {
        <table class="props-table attrs">
            { for rows.iter().map(|(name, value)| html! {
                <tr>
                    <th scope="row">{ name }</th>
                    <td><code class="wrap">{ value }</code></td>
                </tr>
            }) }
        </table>
    }
}

/// The scope path of a node as buttons, one per level: a click folds that scope into one box.
fn scope_path(scope: &str, on_fold: &Callback<FoldRequest>) -> Html {
    let mut path = String::new();
    let levels: Vec<(String, String)> = scope
        .split('/')
        .map(|segment| {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(segment);
            (segment.to_string(), path.clone())
        })
        .collect();
    html! {
        <span class="scope-path">
            { for levels.into_iter().enumerate().map(|(level, (segment, path))| {
                let title = format!("Fold {} into one box ([ folds the innermost)", visible(&path));
                let onclick = on_fold.reform(move |_: MouseEvent| FoldRequest::FoldScope(path.clone()));
                html! {
                    <>
                        if level > 0 { <span class="muted">{ "/" }</span> }
                        <button class="link scope-fold" {onclick} {title}>{ visible(&segment) }</button>
                    </>
                }
            }) }
        </span>
    }
}

/// Most member names a folded box lists; the rest are counted.
const MAX_MEMBERS_LISTED: usize = 40;

/// The "Folded" section of a folded scope or group: what it holds, a button that opens it, and
/// its members, each a link that opens the box and selects it.
fn view_folded(
    fold: &opscope_engine::report::FoldedBox,
    op_summary: Option<&String>,
    on_fold: &Callback<FoldRequest>,
) -> Html {
    let view_idx = fold.view;
    let hidden = fold.members.len().saturating_sub(MAX_MEMBERS_LISTED);
    html! {
        <section id="folded" class="folded">
            <h3>{ format!("Holds {} nodes", format_count(fold.members.len() as u64)) }</h3>
            if let Some(summary) = op_summary {
                <p class="muted">{ summary }</p>
            }
            <button id="open-fold" class="btn"
                onclick={on_fold.reform(move |_: MouseEvent| FoldRequest::Open(view_idx))}
                title="Draw its nodes (] or a double click on the box)">
                { "Open" }
            </button>
            <ul class="fold-members">
                { for fold.names.iter().zip(&fold.op_types).take(MAX_MEMBERS_LISTED).map(|(name, op)| {
                    let target = name.clone();
                    let onclick = on_fold.reform(move |_: MouseEvent| FoldRequest::Reveal(target.clone()));
                    html! {
                        <li><span class="muted">{ op }</span>{ " " }
                            <button class="link" {onclick} title="Open the box and select this node">{ name }</button></li>
                    }
                }) }
                if hidden > 0 {
                    <li class="muted">{ format!("and {} more", format_count(hidden as u64)) }</li>
                }
            </ul>
        </section>
    }
}
