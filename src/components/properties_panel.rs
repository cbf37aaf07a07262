//! The properties panel (`#properties`) of the selected node: what it is, its measured time when
//! a profile is joined, its attributes, and its inputs and outputs with shape, dtype and weight
//! size; neighbours are links.

use opscope_engine::report::{GraphView, ViewNodeKind, ViewPort};
use yew::prelude::*;

use crate::canvas::palette;
use crate::state::{format_bytes, format_count, format_share, format_us, Action, GraphHandle};
use crate::worker::protocol::NodeStat;

#[derive(Properties, PartialEq)]
pub struct PropertiesPanelProps {
    pub graph: GraphHandle,
    pub node_idx: usize,
    /// The node's measured time, when a profile is joined and the node ran.
    pub stat: Option<NodeStat>,
    /// Total profiled time (us), when a profile is loaded.
    pub profile_total: Option<f64>,
    pub on_action: Callback<Action>,
}

#[function_component(PropertiesPanel)]
pub fn properties_panel(props: &PropertiesPanelProps) -> Html {
    let view = &props.graph.view;
    let Some(node) = view.nodes.get(props.node_idx) else {
        return html! {};
    };
    let on_close = props.on_action.reform(|_: MouseEvent| Action::Select(None));
    let kind = match node.kind {
        ViewNodeKind::Op => "Operator",
        ViewNodeKind::Input => "Graph input",
        ViewNodeKind::Output => "Graph output",
    };
    let swatch = match node.kind {
        ViewNodeKind::Op => palette::category_fill(node.category),
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
                html! { <code>{ &node.domain }</code> }
            },
        ));
    }
    if !node.scope.is_empty() {
        facts.push(("scope", html! { <code class="wrap">{ &node.scope }</code> }));
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
                if node.kind == ViewNodeKind::Op && props.profile_total.is_some() {
                    { view_measured(props.stat.as_ref(), &node.name) }
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

/// The "Measured" section: time, tasks, unit and share from the joined profile.
fn view_measured(stat: Option<&NodeStat>, node_name: &str) -> Html {
    let Some(stat) = stat else {
        return html! {
            <section class="measured">
                <h3>{ "Measured" }</h3>
                <p class="muted">{ "No profiled task matched this node." }</p>
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
            <h3>{ "Measured" }</h3>
            <div class="measured-headline">
                <span class="measured-time">{ format_us(stat.total_us) }</span>
                <span class="measured-share">{ format!("{} of the profile", format_share(stat.share)) }</span>
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
