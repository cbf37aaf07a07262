//! The top bar: open files, try a sample, pick among the models of a drop and the graphs of a
//! model, zoom controls, the model panel, what the nodes are coloured by (category, unit, heat
//! map), the fusion outlines, constants as nodes or folded, the export menu (SVG or PNG of the
//! view or the whole graph), the target chip of the analysis, the findings, the node search, and
//! the theme.

use yew::prelude::*;

use super::graph_picker::GraphPicker;
use super::model_picker::ModelPicker;
use super::search_box::SearchBox;
use crate::export::ExportKind;
use crate::inputs::{Sample, SAMPLES};
use crate::state::{
    format_count, Action, FoldRequest, GraphHandle, Overlay, PanelTab, Scheme, Theme, ZOOM_STEP,
};
use crate::worker::protocol::{ModelChoice, TargetKey};

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub graph: Option<GraphHandle>,
    /// The zoom, formatted (`7%`).
    pub zoom: AttrValue,
    pub busy: bool,
    /// The model panel is open.
    pub model_panel: bool,
    /// The models of the last drop and the one shown.
    pub models: Vec<ModelChoice>,
    pub shown_model: Option<usize>,
    /// The overlay drawn, and which overlays the graph has.
    pub overlay: Overlay,
    pub units_available: bool,
    /// A profile (or the estimate) is joined to the graph, so the heat map can be shown.
    pub heat_available: bool,
    /// The analysis found fusion groups in the graph drawn, and they are drawn.
    pub fusion_available: bool,
    pub fusion_on: bool,
    /// Constants are drawn as boxes of their own (else folded into their readers' boxes).
    pub constants_as_nodes: bool,
    pub on_toggle_constants: Callback<()>,
    /// Fold the graph's name scopes to an overview, or open every folded box.
    #[prop_or_default]
    pub on_fold: Callback<FoldRequest>,
    /// The chip of the analysis.
    pub target: TargetKey,
    pub on_pick_target: Callback<TargetKey>,
    /// Findings listed, when the findings panel can open.
    pub findings: Option<usize>,
    pub on_open: Callback<()>,
    pub on_sample: Callback<Sample>,
    pub on_pick_model: Callback<usize>,
    /// Another graph of the shown model (index into its graph list).
    pub on_pick_graph: Callback<usize>,
    pub on_action: Callback<Action>,
    /// A node is selected (zoom to the selection).
    #[prop_or_default]
    pub selection: bool,
    /// The export menu: what to save.
    pub on_export: Callback<ExportKind>,
    /// The theme chosen, and the scheme it gives (the system's, for "System").
    #[prop_or_default]
    pub theme: Theme,
    /// Opens the keyboard shortcuts help.
    #[prop_or_default]
    pub on_help: Callback<()>,
    #[prop_or_default]
    pub scheme: Scheme,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let has_graph = props.graph.is_some();
    let on_open = props.on_open.reform(|_: MouseEvent| ());
    let on_try = {
        let on_sample = props.on_sample.clone();
        Callback::from(move |_: MouseEvent| on_sample.emit(SAMPLES[0]))
    };
    let on_pick = {
        let on_sample = props.on_sample.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let chosen = SAMPLES.iter().find(|s| s.file_name == select.value());
            select.set_value("");
            if let Some(sample) = chosen {
                on_sample.emit(*sample);
            }
        })
    };
    let act = |action: Action| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))
    };
    let on_target = {
        let on_pick_target = props.on_pick_target.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            if let Some(target) = TargetKey::ALL
                .into_iter()
                .find(|t| t.id() == select.value())
            {
                on_pick_target.emit(target);
            }
        })
    };
    let on_export = {
        let on_export = props.on_export.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let chosen = ExportKind::parse(&select.value());
            select.set_value("");
            if let Some(kind) = chosen {
                on_export.emit(kind);
            }
        })
    };
    let overlay_button = |overlay: Overlay| {
        let (available, title) = match overlay {
            Overlay::None => (has_graph, "Colour nodes by op category".to_string()),
            Overlay::Unit => (
                props.units_available,
                if props.units_available {
                    "Colour nodes by the execution unit they run on (U)".to_string()
                } else {
                    "Units: load a model (the main graph is analysed)".to_string()
                },
            ),
            Overlay::Fusion => (
                props.fusion_available,
                if props.fusion_available {
                    "Show the fusion groups: members in colour, near misses dashed (G)".to_string()
                } else {
                    "Fusion: load a model (the main graph is analysed)".to_string()
                },
            ),
            Overlay::Heat => (
                props.heat_available,
                if props.heat_available {
                    "Colour nodes by their time, measured or estimated (H)".to_string()
                } else {
                    "Heat map: load a model and the profiling files of its run".to_string()
                },
            ),
        };
        let active = available && props.overlay == overlay;
        let action = match overlay {
            Overlay::Heat => Action::ToggleHeat,
            Overlay::Unit => Action::ToggleUnits,
            Overlay::Fusion => Action::ToggleFusionOverlay,
            Overlay::None => Action::SetOverlay(Overlay::None),
        };
        html! {
            <button id={overlay.element_id()}
                class={classes!("btn", "btn-segment", (overlay == Overlay::Heat).then_some("btn-heat"),
                    active.then_some("btn-active"))}
                onclick={act(action)} disabled={!available}
                aria-pressed={active.to_string()} {title}>
                if overlay == Overlay::Heat {
                    <span class="heat-icon" aria-hidden="true"></span>
                }
                if overlay == Overlay::Unit {
                    <span class="unit-icon" aria-hidden="true"></span>
                }
                { overlay.label() }
            </button>
        }
    };
    html! {
        <header class="toolbar">
            <div class="brand" title="opscope: performance advisor for Ascend NPUs">
                <span class="brand-mark" aria-hidden="true"></span>
                <span class="brand-name">{ "opscope" }</span>
            </div>
            <div class="toolbar-group">
                <button class="btn btn-primary" onclick={on_open}
                    title="Open a model and/or the profiling files of a run; several files at once (Ctrl+O)">
                    { "Open files…" }
                </button>
                <button id="sample" class="btn" onclick={on_try} disabled={props.busy}
                    title={format!("Open the bundled {} sample", SAMPLES[0].label)}>
                    { "Try the sample" }
                </button>
                <select class="sample-picker" aria-label="Other samples" onchange={on_pick}
                    disabled={props.busy}>
                    <option value="" selected=true>{ "More samples…" }</option>
                    { for SAMPLES.iter().map(|s| html! {
                        <option value={s.file_name}>{ s.label }</option>
                    }) }
                </select>
            </div>
            <div class="toolbar-group zoom-controls" aria-label="Zoom">
                <button class="btn btn-icon" onclick={act(Action::ZoomBy(1.0 / ZOOM_STEP))}
                    disabled={!has_graph} title="Zoom out (−)" aria-label="Zoom out">{ "−" }</button>
                <button class="btn btn-zoom" onclick={act(Action::ActualSize)}
                    disabled={!has_graph} title="Actual size (0)">
                    { props.zoom.clone() }
                </button>
                <button class="btn btn-icon" onclick={act(Action::ZoomBy(ZOOM_STEP))}
                    disabled={!has_graph} title="Zoom in (+)" aria-label="Zoom in">{ "+" }</button>
                <button id="fit" class="btn" onclick={act(Action::Fit)} disabled={!has_graph}
                    title="Fit the graph to the window (F)">{ "Fit" }</button>
                <button id="zoom-selection" class="btn btn-icon" onclick={act(Action::ZoomToSelection)}
                    disabled={!props.selection} aria-label="Zoom to the selection"
                    title="Zoom to the selected node and the nodes highlighted with it (Z)">
                    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="none"
                        stroke="currentColor" stroke-width="1.6">
                        <path d="M1.5 5V1.5H5M11 1.5h3.5V5M14.5 11v3.5H11M5 14.5H1.5V11" />
                        <rect x="5.5" y="5.5" width="5" height="5" rx="1" fill="currentColor" stroke="none" />
                    </svg>
                </button>
            </div>
            <ModelPicker models={props.models.clone()} shown={props.shown_model}
                busy={props.busy} on_pick={props.on_pick_model.clone()} />
            if let Some(graph) = &props.graph {
                <GraphPicker graphs={(*graph.graphs).clone()} shown={graph.graph_index}
                    busy={props.busy} on_pick={props.on_pick_graph.clone()} />
            }
            <button class={classes!("btn", props.model_panel.then_some("btn-active"))}
                onclick={act(Action::ToggleModelPanel)} disabled={!has_graph}
                aria-pressed={props.model_panel.to_string()}
                title="Model properties: format, inputs, outputs, metadata (I)">
                { "Model" }
            </button>
            <div class="toolbar-group segmented" role="group" aria-label="Colour nodes by">
                { for Overlay::ALL.into_iter().map(overlay_button) }
            </div>
            <button id="fusion-outlines"
                class={classes!("btn", (props.fusion_on && props.fusion_available).then_some("btn-active"))}
                onclick={act(Action::ToggleFusion)} disabled={!props.fusion_available}
                aria-pressed={(props.fusion_on && props.fusion_available).to_string()}
                title={if props.fusion_available {
                    "Outline the fusion groups on the other overlays too (solid: UB, dashed: L2/L1 candidates)"
                } else {
                    "Fusion groups: none found in the graph drawn"
                }}>
                { "Outlines" }
            </button>
            <button id="constants-as-nodes"
                class={classes!("btn", (has_graph && props.constants_as_nodes).then_some("btn-active"))}
                onclick={props.on_toggle_constants.reform(|_: MouseEvent| ())}
                disabled={!has_graph || props.busy}
                aria-pressed={props.constants_as_nodes.to_string()}
                title={if props.constants_as_nodes {
                    "Constants are drawn as nodes; fold them into the boxes that read them (C)"
                } else {
                    "Constants are lines in the boxes that read them; draw them as nodes with their edges (C)"
                }}>
                { "Constants as nodes" }
            </button>
            if let Some(graph) = props.graph.as_ref().filter(|g| g.view.has_scopes || !g.view.folds.is_empty()) {
                if graph.view.folds.is_empty() {
                    <button id="scopes" class="btn" disabled={props.busy}
                        onclick={props.on_fold.reform(|_: MouseEvent| FoldRequest::Overview)}
                        title="Fold the name scopes into one box each, at the level that shows the whole model ([ folds the selected node's scope)">
                        { "Fold scopes" }
                    </button>
                } else {
                    <button id="scopes" class="btn btn-active" disabled={props.busy}
                        onclick={props.on_fold.reform(|_: MouseEvent| FoldRequest::OpenAll)}
                        title={format!("{} folded boxes: open them all (] or a double click opens one)", graph.view.folds.len())}>
                        { "Open all" }
                    </button>
                }
            }
            <select id="export" class="export-picker" aria-label="Export the graph"
                onchange={on_export} disabled={!has_graph || props.busy}
                title="Save the current view or the whole graph as SVG (text stays text) or PNG, with the overlay shown; or the analysis as a report (HTML, Markdown, JSON)">
                <option value="" selected=true>{ "Export…" }</option>
                { for ExportKind::ALL.into_iter().map(|kind| html! {
                    <option value={kind.id()}>{ kind.label() }</option>
                }) }
            </select>
            <label class="target-picker-label" title="The Ascend chip the analysis is for">
                <span class="visually-hidden">{ "Target chip" }</span>
                <select id="target-picker" class="target-picker" onchange={on_target}
                    disabled={props.busy}>
                    { for TargetKey::ALL.into_iter().map(|target| html! {
                        <option value={target.id()} selected={target == props.target}>{ target.name() }</option>
                    }) }
                </select>
            </label>
            if let Some(count) = props.findings {
                <button id="open-findings" class={classes!("btn", (count > 0).then_some("btn-findings"))}
                    onclick={act(Action::SetPanelTab(PanelTab::Findings))}
                    title="Show the findings: what to change, and the time it can save">
                    { "Findings" }
                    <span class="tab-count">{ format_count(count as u64) }</span>
                </button>
            }
            <div class="toolbar-spacer"></div>
            <SearchBox graph={props.graph.clone()} on_action={props.on_action.clone()} />
            { theme_button(props.theme, props.scheme, act(Action::CycleTheme)) }
            <button id="shortcuts-button" class="btn btn-icon" aria-haspopup="dialog"
                aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)"
                onclick={props.on_help.reform(|_: MouseEvent| ())}>
                <span aria-hidden="true">{ "?" }</span>
            </button>
        </header>
    }
}

/// The theme button: shows the theme chosen, and cycles System → Light → Dark (key `T`).
fn theme_button(theme: Theme, scheme: Scheme, onclick: Callback<MouseEvent>) -> Html {
    let icon = match theme {
        Theme::System => "◐",
        Theme::Light => "☀",
        Theme::Dark => "☾",
    };
    let now = match theme {
        Theme::System => format!("System ({})", scheme.id()),
        other => other.label().to_string(),
    };
    let label = format!("Theme: {now}; switch to {}", theme.next().label());
    html! {
        <button id="theme" class="btn btn-icon btn-theme" {onclick} data-theme-choice={theme.id()}
            aria-label={label.clone()} title={format!("{label} (T)")}>
            <span aria-hidden="true">{ icon }</span>
        </button>
    }
}
