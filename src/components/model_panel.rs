//! The model panel: what the loaded file is (format, name, size of the graph), its inputs and
//! outputs, the metadata the file declares, and the importer's warnings (what it read past).

use opscope_engine::report::ViewNodeKind;
use yew::prelude::*;

use super::properties_panel::code_table;
use crate::state::{Action, GraphHandle};

#[derive(Properties, PartialEq)]
pub struct ModelPanelProps {
    pub graph: GraphHandle,
    pub on_action: Callback<Action>,
}

#[function_component(ModelPanel)]
pub fn model_panel(props: &ModelPanelProps) -> Html {
    let view = &props.graph.view;
    let on_close = props
        .on_action
        .reform(|_: MouseEvent| Action::ToggleModelPanel);
    let mut facts = vec![("file", props.graph.file_name.clone())];
    if let Some(weights) = props.graph.files.get(1) {
        facts.push(("weights", weights.clone()));
        if let Some(rule) = &props.graph.pairing {
            facts.push(("paired by", rule.clone()));
        }
    }
    facts.extend([
        ("format", view.format.to_uppercase()),
        ("name", view.title.clone()),
        ("nodes", view.node_count.to_string()),
        ("edges", view.edges.len().to_string()),
    ]);
    if view.folded_constants > 0 {
        // Drawn as lines in the boxes that read them ("Constants as nodes" draws them).
        facts.push(("constants folded", view.folded_constants.to_string()));
    }
    let io = |kind: ViewNodeKind| -> Html {
        let nodes: Vec<(usize, &opscope_engine::report::ViewNode)> = view
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == kind)
            .collect();
        if nodes.is_empty() {
            return html! { <p class="muted">{ "None" }</p> };
        }
        html! {
            <ul class="ports">
                { for nodes.into_iter().map(|(node_idx, node)| {
                    let onclick = props.on_action.reform(move |_: MouseEvent| Action::Reveal(node_idx));
                    let type_text = node
                        .outputs
                        .first()
                        .map(|p| format!("{} {}", p.dtype, p.shape))
                        .unwrap_or_default();
                    html! {
                        <li class="port">
                            <div class="port-head">
                                <button class="link port-name" {onclick}>{ &node.name }</button>
                            </div>
                            <div class="port-type"><code>{ type_text }</code></div>
                        </li>
                    }
                }) }
            </ul>
        }
    };
    html! {
        <aside id="model-properties" class="sidebar" aria-label="Model properties">
            <header class="sidebar-header">
                <div class="sidebar-title">
                    <h2>{ "Model" }</h2>
                    <div class="sidebar-subtitle">{ &props.graph.file_name }</div>
                </div>
                <button class="btn-close" onclick={on_close} title="Close (Esc)" aria-label="Close">
                    { "×" }
                </button>
            </header>
            <div class="sidebar-body">
                if !view.warnings.is_empty() {
                    <section id="model-warnings">
                        <h3>{ format!("Warnings ({})", view.warnings.len()) }</h3>
                        <ul class="warning-list">
                            { for view.warnings.iter().map(|w| html! { <li class="wrap">{ w }</li> }) }
                        </ul>
                    </section>
                }
                <section>
                    <h3>{ "Model" }</h3>
                    <table class="props-table">
                        { for facts.iter().map(|(label, value)| html! {
                            <tr><th scope="row">{ label }</th><td class="wrap">{ value }</td></tr>
                        }) }
                    </table>
                </section>
                <section>
                    <h3>{ "Inputs" }</h3>
                    { io(ViewNodeKind::Input) }
                </section>
                <section>
                    <h3>{ "Outputs" }</h3>
                    { io(ViewNodeKind::Output) }
                </section>
                if !view.metadata.is_empty() {
                    <section>
                        <h3>{ "Metadata" }</h3>
                        { code_table(&view.metadata) }
                    </section>
                }
            </div>
        </aside>
    }
}
