//! The root component: owns the state reducer and the worker, wires loading (file input, drag
//! and drop of several files, samples, the model picker, the target picker) and keyboard
//! shortcuts, and lays out the page.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::drop_zone::{DropOverlay, DropZone};
use super::embed_host::{url_names, use_embed, EmbedControls};
use super::error_banner::ErrorBanner;
use super::files_panel::FilesPanel;
use super::fusion_legend::FusionLegend;
use super::graph_canvas::GraphCanvas;
use super::heat_legend::HeatLegend;
use super::kept_files::KeptFiles;
use super::minimap::Minimap;
use super::model_panel::ModelPanel;
use super::panel_layout::use_panel_layout;
use super::profile_panel::ProfilePanel;
use super::properties_panel::PropertiesPanel;
use super::selection_summary::{summary_text, SelectionSummary};
use super::shortcuts_help::ShortcutsHelp;
use super::splitter::SplitterBar;
use super::status_bar::StatusBar;
use super::toolbar::Toolbar;
use super::unit_legend::UnitLegend;
use super::view_link::use_view_link;
use super::worker_link::{use_worker_recovery, WorkerLink};
use crate::export::{self, ExportKind, ExportSource};
use crate::inputs::{describe_files, order_files, sample_named, Sample};
use crate::platform;
use crate::report_export;
use crate::state::panels::Splitter;
use crate::state::shortcuts::{command_for, Command};
use crate::state::FilesAction;
use crate::state::{
    format_zoom, Action, AppState, Direction, FoldRequest, LoadStage, Overlay, Theme, ZOOM_STEP,
};
use crate::worker::protocol::{FilePayload, Stage, TargetKey, ToWorker};
use opscope_engine::report::GraphViewOptions;

/// What a load opens.
enum Source {
    /// Files dropped or chosen together, in the order they are handed to the worker.
    Files(Vec<web_sys::File>),
    Sample(Sample),
    /// Files an embedding page named by URL (`?model=`, `?profile=`), already checked to be
    /// of the app's origin; the model first.
    Urls(Vec<String>),
    /// A model of the last drop (the model picker), another graph of the shown model (the
    /// graph picker), or the shown graph drawn another way ("Constants as nodes").
    Model {
        index: usize,
        graph: usize,
        label: String,
        n_nodes: usize,
        view: GraphViewOptions,
    },
    /// The shown model analysed again for another chip.
    Analyse {
        target: TargetKey,
        n_nodes: usize,
    },
    /// Files the worker holds, removed (the files panel).
    Remove {
        ids: Vec<u64>,
        label: String,
    },
    /// Another profile run made active (the files panel).
    SelectProfile {
        group: u64,
        label: String,
    },
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let worker = use_mut_ref(WorkerLink::default);
    let kept = use_mut_ref(KeptFiles::default);
    let next_generation = use_mut_ref(|| 0u64);
    let file_input = use_node_ref();
    let dragging = use_state(|| false);

    // Stable across renders, so children whose data did not change are not re-rendered on every
    // pan or zoom.
    let dispatch: Callback<Action> = {
        let dispatcher = state.dispatcher();
        use_callback((), move |action, _| dispatcher.dispatch(action))
    };

    // Start the worker with the page, so its wasm is compiled before the first file arrives.
    {
        let worker = worker.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let _ = worker
                .borrow_mut()
                .send(ToWorker::Cancel { generation: 0 }, &dispatch);
        });
    }

    let load: Callback<Source> = {
        let worker = worker.clone();
        let kept = kept.clone();
        let next_generation = next_generation.clone();
        let dispatch = dispatch.clone();
        let target = state.target;
        let view = state.view_options();
        Callback::from(move |source: Source| {
            let generation = {
                let mut next = next_generation.borrow_mut();
                *next += 1;
                *next
            };
            let (file_name, stage) = match &source {
                Source::Files(files) => {
                    let names: Vec<String> = files.iter().map(|f| f.name()).collect();
                    (describe_files(&names), LoadStage::Reading)
                }
                Source::Sample(sample) => (sample.file_name.to_string(), LoadStage::Fetching),
                Source::Urls(urls) => (describe_files(&url_names(urls)), LoadStage::Fetching),
                Source::Model { label, n_nodes, .. } => (
                    label.clone(),
                    LoadStage::Worker(Stage::Layout { n_nodes: *n_nodes }),
                ),
                Source::Analyse { target, n_nodes } => (
                    target.name().to_string(),
                    LoadStage::Worker(Stage::Analysing {
                        n_nodes: *n_nodes,
                        n_tasks: 0,
                        target: target.name().to_string(),
                    }),
                ),
                Source::Remove { label, .. } | Source::SelectProfile { label, .. } => (
                    label.clone(),
                    LoadStage::Worker(Stage::Analysing {
                        n_nodes: 0,
                        n_tasks: 0,
                        target: target.name().to_string(),
                    }),
                ),
            };
            crate::worker::codec::trace("page load started");
            dispatch.emit(Action::LoadStarted {
                generation,
                file_name,
                stage,
                now_ms: platform::now_ms(),
            });
            // Older work in the worker is now useless.
            let _ = worker.borrow_mut().send(
                ToWorker::Cancel {
                    generation: generation - 1,
                },
                &dispatch,
            );
            let direct = match &source {
                Source::Model {
                    index, graph, view, ..
                } => Some(ToWorker::ShowModel {
                    generation,
                    index: *index,
                    graph: *graph,
                    target,
                    view: view.clone(),
                }),
                Source::Analyse { target, .. } => Some(ToWorker::Analyse {
                    generation,
                    target: *target,
                }),
                Source::Remove { ids, .. } => Some(ToWorker::Remove {
                    generation,
                    ids: ids.clone(),
                    target,
                    view: view.clone(),
                }),
                Source::SelectProfile { group, .. } => Some(ToWorker::SelectProfile {
                    generation,
                    group: *group,
                    target,
                }),
                Source::Files(_) | Source::Sample(_) | Source::Urls(_) => None,
            };
            if let Some(msg) = direct {
                let sent = worker.borrow_mut().send(msg, &dispatch);
                if let Err(message) = sent {
                    dispatch.emit(Action::LoadFailed {
                        generation,
                        message,
                    });
                }
                return;
            }
            let worker = worker.clone();
            let dispatch = dispatch.clone();
            let view = view.clone();
            let kept = kept.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let files = match &source {
                    Source::Files(files) => Ok(payloads_of(files)),
                    Source::Sample(sample) => platform::fetch_bytes(&sample.path())
                        .await
                        .map(|bytes| vec![FilePayload::of_bytes(sample.file_name, bytes)]),
                    // None fetched: the load has failed already, naming every URL.
                    Source::Urls(urls) => match fetch_all(urls, generation, &dispatch).await {
                        Some(files) => Ok(files),
                        None => return,
                    },
                    Source::Model { .. }
                    | Source::Analyse { .. }
                    | Source::Remove { .. }
                    | Source::SelectProfile { .. } => Ok(Vec::new()),
                };
                crate::worker::codec::trace("page files read");
                // Each file gets its id and row in the files panel; the page keeps it for a
                // new worker.
                let files = files.map(|files| {
                    let (tagged, rows) = kept.borrow_mut().register(generation, files);
                    dispatch.emit(Action::Files(FilesAction::Added {
                        group: generation,
                        files: rows,
                    }));
                    tagged
                });
                let sent = files.and_then(|files| {
                    worker.borrow_mut().send(
                        ToWorker::Open {
                            generation,
                            files,
                            target,
                            view,
                        },
                        &dispatch,
                    )
                });
                if let Err(message) = sent {
                    dispatch.emit(Action::LoadFailed {
                        generation,
                        message,
                    });
                }
            });
        })
    };

    let open_files: Callback<Vec<web_sys::File>> = {
        let load = load.clone();
        Callback::from(move |files: Vec<web_sys::File>| {
            if files.is_empty() {
                return;
            }
            let names: Vec<String> = files.iter().map(|f| f.name()).collect();
            let ordered = order_files(&names)
                .into_iter()
                .filter_map(|idx| files.get(idx).cloned())
                .collect();
            load.emit(Source::Files(ordered));
        })
    };
    let on_sample = load.reform(Source::Sample);
    let view_options = state.view_options();
    let on_pick_model = {
        let load = load.clone();
        let view_options = view_options.clone();
        let models = state.models.clone();
        Callback::from(move |index: usize| {
            let Some(model) = models.get(index) else {
                return;
            };
            load.emit(Source::Model {
                index,
                graph: 0,
                label: model.files.first().cloned().unwrap_or_default(),
                n_nodes: model.n_nodes,
                view: view_options.clone(),
            });
        })
    };
    let on_pick_graph = {
        let load = load.clone();
        let view_options = view_options.clone();
        let shown = state.shown_model;
        let graphs = state.graph.as_ref().map(|g| g.graphs.clone());
        Callback::from(move |graph: usize| {
            let (Some(index), Some(choice)) = (shown, graphs.as_ref().and_then(|g| g.get(graph)))
            else {
                return;
            };
            load.emit(Source::Model {
                index,
                graph,
                label: choice.label.clone(),
                n_nodes: choice.n_nodes,
                view: view_options.clone(),
            });
        })
    };
    // Constants as nodes, or folded again: the shown graph is laid out anew. Not while a load
    // runs (it would be cancelled for a graph of the models it replaces).
    let on_toggle_constants = {
        let load = load.clone();
        let dispatch = dispatch.clone();
        let busy = state.loading.is_some();
        // Scopes and groups stay folded as they are.
        let toggled = state
            .graph
            .as_ref()
            .map(|g| g.current_options(state.constants_as_nodes));
        let shown = shown_graph(&state).zip(toggled);
        Callback::from(move |_: ()| {
            if busy {
                return;
            }
            dispatch.emit(Action::ToggleConstants);
            if let Some(((index, graph, label, n_nodes), toggled)) = shown.clone() {
                load.emit(Source::Model {
                    index,
                    graph,
                    label,
                    n_nodes,
                    view: toggled,
                });
            }
        })
    };

    // Folding or opening a scope or a group: the shown graph is laid out anew and the box asked
    // for is selected once drawn. Not while a load runs, as for the constants.
    let on_fold = {
        let load = load.clone();
        let dispatch = dispatch.clone();
        let busy = state.loading.is_some();
        let shown = shown_graph(&state).zip(state.graph.clone());
        Callback::from(move |request: FoldRequest| {
            let Some(((index, graph, label, n_nodes), handle)) = shown.clone().filter(|_| !busy)
            else {
                return;
            };
            let Some(refold) = handle.refold(&request) else {
                return;
            };
            load.emit(Source::Model {
                index,
                graph,
                label,
                n_nodes,
                view: refold.options,
            });
            if let Some(name) = refold.select {
                dispatch.emit(Action::ShowNamed(name));
            }
        })
    };
    // `[` folds the selected node's scope, `]` opens the selected folded box.
    let on_fold_key = {
        let on_fold = on_fold.clone();
        let graph = state.graph.clone();
        let selection = state.selection;
        Callback::from(move |open: bool| {
            let (Some(graph), Some(selected)) = (graph.as_ref(), selection) else {
                return;
            };
            let request = if open {
                Some(FoldRequest::Open(selected))
            } else {
                graph.scope_to_fold(selected).map(FoldRequest::FoldScope)
            };
            if let Some(request) = request {
                on_fold.emit(request);
            }
        })
    };
    // A link, a finding or the URL named a node hidden in a folded box: open what hides it.
    {
        let on_fold = on_fold.clone();
        let dispatch = dispatch.clone();
        use_effect_with(state.open_for.clone(), move |name| {
            if let Some(name) = name {
                dispatch.emit(Action::OpenedFor);
                on_fold.emit(FoldRequest::Reveal(name.clone()));
            }
        });
    }

    let on_pick_target = {
        let load = load.clone();
        let dispatch = dispatch.clone();
        let n_nodes = state
            .graph
            .as_ref()
            .filter(|_| state.shown_model.is_some())
            .map(|g| g.view.node_count);
        Callback::from(move |target: TargetKey| {
            dispatch.emit(Action::SetTarget(target));
            if let Some(n_nodes) = n_nodes {
                load.emit(Source::Analyse { target, n_nodes });
            }
        })
    };

    // A profile changed the target to the chip it ran on (none was picked): the shown model is
    // analysed for it, as if picked.
    {
        let load = load.clone();
        let target = state.target;
        let n_nodes = state
            .graph
            .as_ref()
            .filter(|_| state.shown_model.is_some())
            .map(|g| g.view.node_count);
        use_effect_with(state.retargets, move |&retargets| {
            if let Some(n_nodes) = n_nodes.filter(|_| retargets > 0) {
                load.emit(Source::Analyse { target, n_nodes });
            }
        });
    }

    let (on_remove_file, on_select_profile) = files_callbacks(&state, &load, &dispatch, &kept);
    use_worker_recovery(&state, &worker, &kept, &next_generation, &dispatch);

    // `?sample=resnet50` opens a bundled sample with the page (links, `scripts/serve`).
    {
        let load = load.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            // `?overlay=unit|fusion|heat|none`: the overlay a linking page asks for, kept
            // through loads until the user picks another.
            if let Some(overlay) = platform::query_param("overlay").and_then(|v| Overlay::parse(&v))
            {
                dispatch.emit(Action::PinOverlay(overlay));
            }
            // The hash (`#node=<name>&overlay=...&tab=...`) is read by `use_view_link`.
            if let Some(sample) = platform::query_param("sample").and_then(|n| sample_named(&n)) {
                load.emit(Source::Sample(sample));
            }
        });
    }
    let compact = use_embed(
        &state,
        dispatch.clone(),
        open_files.clone(),
        load.reform(Source::Urls),
    );
    use_view_link(&state, dispatch.clone());
    let files_shown = !compact && (!state.files.entries.is_empty() || state.loading.is_some());
    let panels = use_panel_layout(
        state.panel_visible(),
        state.panel_collapsed,
        files_shown,
        state.files.collapsed,
        dispatch.clone(),
    );
    let help_open = use_state(|| false);
    let on_help = {
        let help_open = help_open.clone();
        Callback::from(move |_: ()| help_open.set(true))
    };
    let on_help_close = {
        let help_open = help_open.clone();
        Callback::from(move |_: ()| help_open.set(false))
    };
    let on_open = {
        let file_input = file_input.clone();
        Callback::from(move |_: ()| {
            if let Some(input) = file_input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_file_change = {
        let open_files = open_files.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let files = platform::file_list(input.files());
            // Clear it so choosing the same file again still fires `change`.
            input.set_value("");
            open_files.emit(files);
        })
    };

    use_theme(state.theme, state.theme_chosen, dispatch.clone());
    use_keyboard_shortcuts(
        dispatch.clone(),
        on_open.clone(),
        on_toggle_constants.clone(),
        on_fold_key,
        on_help.clone(),
    );

    let on_export = {
        let state = state.clone();
        let dispatch = dispatch.clone();
        let worker = worker.clone();
        Callback::from(move |kind: ExportKind| {
            if let Some(report) = kind.report() {
                let msg = report_export::request(report, &state);
                if let Err(message) = worker.borrow_mut().send(msg, &dispatch) {
                    dispatch.emit(Action::ExportFailed(message));
                }
                return;
            }
            let Some(source) = ExportSource::of(&state) else {
                return;
            };
            let failed = dispatch.reform(Action::ExportFailed);
            match export::export(kind, &source, move |message| failed.emit(message)) {
                Ok(name) => web_sys::console::info_1(&format!("opscope: saved {name}").into()),
                Err(message) => dispatch.emit(Action::ExportFailed(message)),
            }
        })
    };

    // Drag and drop anywhere on the page.
    let carries_files = |event: &DragEvent| {
        event
            .data_transfer()
            .is_some_and(|dt| dt.types().includes(&"Files".into(), 0))
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            if !carries_files(&event) {
                return;
            }
            event.prevent_default();
            if let Some(dt) = event.data_transfer() {
                dt.set_drop_effect("copy");
            }
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drop = {
        let dragging = dragging.clone();
        let open_files = open_files.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            // Folders are walked after the event, from the entries taken during it.
            let items = event
                .data_transfer()
                .map(|dt| platform::drop_items(&dt))
                .unwrap_or_default();
            let open_files = open_files.clone();
            wasm_bindgen_futures::spawn_local(async move {
                open_files.emit(platform::files_of_drop(items).await);
            });
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: ()| dragging.set(false))
    };

    let graph_state = state.graph_state();
    let progress = state.progress();
    let zoom = AttrValue::from(format_zoom(state.viewport.scale));
    let on_drawn = {
        let dispatch = dispatch.clone();
        use_callback((), move |scene: u64, _| {
            dispatch.emit(Action::Drawn {
                scene,
                now_ms: platform::now_ms(),
            })
        })
    };
    let selected = state
        .graph
        .clone()
        .zip(state.selection)
        .filter(|(graph, idx)| *idx < graph.view.nodes.len());
    let selected_name = state.selected_node().map(|n| n.name.clone());
    let selected_stat = state
        .selection
        .and_then(|idx| state.node_stat(idx))
        .cloned();
    let heat = state.heat_shown().cloned();
    let units = state.units_shown().cloned();
    let outlines = state.outlines_shown().cloned();
    let overlay_shown = state.overlay_shown();
    let profile_total = state.profile.as_ref().map(|p| p.data.total_us);
    let has_graph = state.graph.is_some();
    let analysis = state.analysis.as_ref().map(|a| a.data.clone());
    // The analysis is of the main graph: an inner graph's nodes have none.
    let graph_analysis = analysis
        .clone()
        .filter(|_| state.graph.as_ref().is_some_and(|g| !g.is_inner_graph()));
    let estimate = state.estimate().map(AttrValue::from);
    let target_name = AttrValue::from(analysis.as_ref().map_or_else(
        || state.target.name().to_string(),
        |a| a.target_name.clone(),
    ));
    let selection_count = state.selection.map_or(0, |_| 1 + state.related.len());
    let minimap = state.graph.clone().filter(|_| !state.minimap_hidden);

    let summary = state.selected_node().map(|node| {
        let analysis = graph_analysis
            .as_ref()
            .zip(node.graph_node)
            .and_then(|(a, g)| a.node(g).cloned());
        AttrValue::from(summary_text(node, analysis.as_ref(), &state.findings))
    });
    let side_open = selected.is_some() || (state.graph.is_some() && state.model_panel);
    let workspace_style = [
        panels
            .layout
            .left_width
            .map(|w| format!("--left-width:{w:.0}px")),
        panels
            .layout
            .side_width
            .map(|w| format!("--side-width:{w:.0}px")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(";");
    let workspace_style = (!workspace_style.is_empty()).then_some(workspace_style);
    html! {
        <div class={classes!("app", compact.then_some("compact"))} ondragenter={on_drag_over.clone()} ondragover={on_drag_over} ondrop={on_drop}>
            <input id="file" type="file" multiple=true
                class="visually-hidden" ref={file_input} onchange={on_file_change}
                tabindex="-1" aria-label="Model and profiling files" />
            <Toolbar
                graph={state.graph.clone()}
                zoom={zoom.clone()}
                busy={state.loading.is_some()}
                model_panel={state.model_panel}
                models={state.models.clone()}
                shown_model={state.shown_model}
                overlay={state.overlay_shown()}
                units_available={state.units.is_some()}
                heat_available={state.heat_available()}
                fusion_available={state.outlines.is_some()}
                fusion_on={!state.fusion_hidden}
                constants_as_nodes={state.constants_as_nodes}
                {on_toggle_constants}
                on_fold={on_fold.clone()}
                target={state.target}
                {on_pick_target}
                findings={state.panel_visible().then(|| state.findings.len())}
                on_open={on_open.clone()}
                on_sample={on_sample.clone()}
                {on_pick_model}
                {on_pick_graph}
                selection={state.selection.is_some()}
                {on_export}
                on_action={dispatch.clone()}
                theme={state.theme}
                on_help={on_help.clone()}
                scheme={state.scheme()} />
            if !state.errors.is_empty() {
                <ErrorBanner messages={state.errors.clone()}
                    on_dismiss={dispatch.reform(|_| Action::DismissError)} />
            }
            <main class={classes!("workspace",
                    (!has_graph && state.panel_visible() && !state.panel_collapsed)
                        .then_some("profile-only"))}>
                <div class="workspace-top" style={workspace_style}>
                    if files_shown {
                        <FilesPanel files={state.files.clone()} loading={state.loading.clone()}
                            analysing={state.analysing.map(|p| p.generation)}
                            shown_files={state.graph.as_ref().map(|g| g.files.clone()).unwrap_or_default()}
                            joined={state.profile.as_ref().is_some_and(|p| p.data.join.is_some() && !p.data.estimated)}
                            on_remove={on_remove_file} {on_select_profile}
                            on_cancel={dispatch.reform(|generation| Action::Files(FilesAction::Cancel { generation }))}
                            on_files={dispatch.reform(Action::Files)} />
                        <SplitterBar which={Splitter::Left} size={panels.layout.left_width}
                            collapsed={state.files.collapsed} controls="files"
                            name="files panel"
                            on_resize={panels.on_resize.reform(|size| (Splitter::Left, size))}
                            on_toggle={dispatch.reform(|_| Action::Files(FilesAction::ToggleCollapsed))} />
                    }
                    <div id="graph" class="graph" data-graph-state={graph_state.as_str()}
                        data-analysis={if state.analysing.is_some() { "pending" } else { "done" }}
                        data-overlay={overlay_shown.id()}>
                        <GraphCanvas
                            graph={state.graph.clone()}
                            viewport={state.viewport}
                            selection={state.selection}
                            related={state.related.clone()}
                            heat={heat.clone()}
                            estimated={estimate.is_some()}
                            units={units.clone()}
                            outlines={outlines.clone()}
                            fusion_view={overlay_shown == Overlay::Fusion}
                            badges={state.badges.clone()}
                            scene={state.scene}
                            scheme={state.scheme()}
                            on_action={dispatch.clone()}
                            on_open_fold={on_fold.reform(FoldRequest::Open)}
                            {on_drawn} />
                        <SelectionSummary text={summary} />
                        if let Some(graph) = minimap {
                            <Minimap {graph} viewport={state.viewport} canvas={state.canvas}
                                selection={state.selection} on_action={dispatch.clone()}
                                scheme={state.scheme()} />
                        }
                        if compact && has_graph {
                            <EmbedControls on_action={dispatch.clone()} />
                        }
                        if !has_graph {
                            <DropZone loading={progress.clone()}
                                profile_loaded={state.profile.is_some()}
                                {on_open} {on_sample} />
                        }
                        if overlay_shown != Overlay::None {
                            <div id="legend" data-overlay={overlay_shown.id()}>
                                // Collapsible, so that a short graph area can show what the
                                // legend covers; the browser keeps the choice across overlays.
                                <details class="legend-box" open=true>
                                <summary class="legend-toggle" title="Show or hide the legend">
                                    { "Legend" }
                                </summary>
                                if let Some(heat) = heat {
                                    <HeatLegend {heat} estimate={estimate.clone()} />
                                }
                                if let Some(units) = units {
                                    <UnitLegend {units} target={target_name.clone()}
                                        outlines={outlines.is_some()} />
                                }
                                if let Some(outlines) = outlines.clone().filter(|_| overlay_shown == Overlay::Fusion) {
                                    <FusionLegend {outlines} />
                                }
                                </details>
                            </div>
                        }
                    </div>
                    if side_open {
                        <SplitterBar which={Splitter::Side} size={panels.layout.side_width}
                            collapsed={panels.layout.side_collapsed} controls="side-panel"
                            name="side panel"
                            on_resize={panels.on_resize.reform(|size| (Splitter::Side, size))}
                            on_toggle={panels.on_toggle_side.clone()} />
                    }
                    <div id="side-panel" class="side-panel">
                    if panels.layout.side_collapsed {
                    } else if let Some((graph, node_idx)) = selected {
                        <PropertiesPanel {graph} {node_idx} stat={selected_stat}
                            {profile_total} analysis={graph_analysis.clone()}
                            findings={state.findings.clone()} {selection_count}
                            estimate={estimate.clone()} on_action={dispatch.clone()}
                            on_fold={on_fold.clone()} />
                    } else if let Some(graph) = state.graph.clone().filter(|_| state.model_panel) {
                        <ModelPanel {graph} on_action={dispatch.clone()} />
                    }
                    </div>
                </div>
                if state.panel_visible() {
                    <ProfilePanel profile={state.profile.clone()}
                        analysis={analysis.clone()}
                        findings={state.findings.clone()}
                        selected_finding={state.selected_finding}
                        tab={state.panel_tab_shown()}
                        tabs={state.panel_tabs()}
                        collapsed={state.panel_collapsed}
                        estimate={estimate.clone()}
                        graph={state.graph.clone()}
                        selected={selected_name}
                        height={panels.layout.bottom_height}
                        on_resize={panels.on_resize.reform(|size| (Splitter::Bottom, size))}
                        on_action={dispatch.clone()} />
                }
            </main>
            <StatusBar
                graph={state.graph.clone()}
                profile={state.profile.as_ref().map(|p| p.data.clone())}
                analysis={analysis.clone()}
                {progress}
                stats={state.stats}
                zoom={zoom.clone()}
                skipped={state.skipped.clone()}
                on_action={dispatch.clone()} />
            if *dragging {
                <DropOverlay on_leave={on_drag_leave} />
            }
            if *help_open {
                <ShortcutsHelp on_close={on_help_close} />
            }
        </div>
    }
}

/// The state the page opens with: the theme the URL names (`?theme=dark|light|system`), else the
/// one chosen on an earlier visit, the system's scheme, and the analysis target the URL names
/// (`?target=ascend910b`, before any load starts).
fn initial_state() -> AppState {
    let theme = platform::query_param("theme")
        .and_then(|value| Theme::parse(&value))
        .or_else(platform::stored_theme)
        .unwrap_or_default();
    let state = AppState::default()
        .apply(Action::SystemScheme(platform::system_scheme()))
        .apply(Action::PinTheme(theme));
    match platform::query_param("target").and_then(|id| crate::embed::target_named(&id)) {
        Some(target) => state.apply(Action::SetTarget(target)),
        None => state,
    }
}

/// The files an embedding page named, fetched in order. A file that cannot be fetched is
/// listed as an error and the others still open; when none can, the load fails (`None`).
async fn fetch_all(
    urls: &[String],
    generation: u64,
    dispatch: &Callback<Action>,
) -> Option<Vec<FilePayload>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for url in urls {
        match platform::fetch_url(url).await {
            Ok(bytes) => files.push(FilePayload::of_bytes(
                crate::embed::file_name_of_url(url),
                bytes,
            )),
            Err(message) => errors.push(message),
        }
    }
    if files.is_empty() {
        let first = errors.first().cloned().unwrap_or_default();
        dispatch.emit(Action::LoadFailed {
            generation,
            message: first,
        });
        for message in errors.into_iter().skip(1) {
            dispatch.emit(Action::EmbedFailed(message));
        }
        return None;
    }
    for message in errors {
        dispatch.emit(Action::EmbedFailed(message));
    }
    Some(files)
}

/// The theme on the page: `data-theme` on `<html>` (a forced theme only), remembered when the
/// user chose it; the system's scheme followed as it changes.
#[hook]
fn use_theme(theme: Theme, chosen: bool, dispatch: Callback<Action>) {
    use_effect_with((theme, chosen), |&(theme, chosen)| {
        platform::apply_theme(theme);
        if chosen {
            platform::store_theme(theme);
        }
    });
    use_effect_with((), move |_| {
        let listener = platform::watch_system_scheme(move |scheme| {
            dispatch.emit(Action::SystemScheme(scheme));
        });
        move || drop(listener)
    });
}

/// The files of a drop as the worker gets them: the browser's `File`s themselves, which the
/// worker reads (the page never holds a model's bytes).
fn payloads_of(files: &[web_sys::File]) -> Vec<FilePayload> {
    files
        .iter()
        .map(|file| FilePayload::of_file(file.name(), file.clone().into()))
        .collect()
}

/// The page's keys: looked up in the one table of every key ([`crate::state::shortcuts`]), which
/// the shortcuts help (`?`) lists. Ignored while typing in a field (but Ctrl+F and Ctrl+O); the
/// arrows and Enter only act on the page itself (not on a focused list or button that uses
/// them).
#[hook]
fn use_keyboard_shortcuts(
    dispatch: Callback<Action>,
    on_open: Callback<()>,
    on_constants: Callback<()>,
    on_fold: Callback<bool>,
    on_help: Callback<()>,
) {
    let handler = use_mut_ref(|| KeyTargets {
        dispatch: dispatch.clone(),
        on_open: on_open.clone(),
        on_constants: on_constants.clone(),
        on_fold: on_fold.clone(),
        on_help: on_help.clone(),
    });
    *handler.borrow_mut() = KeyTargets {
        dispatch,
        on_open,
        on_constants,
        on_fold,
        on_help,
    };
    use_effect_with((), move |_| {
        let listener = web_sys::window().map(|window| {
            EventListener::new_with_options(
                &window,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |event| {
                    let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    let targets = handler.borrow().clone();
                    handle_key(event, &targets);
                },
            )
        });
        move || drop(listener)
    });
}

/// Where the page's keys go.
#[derive(Clone)]
struct KeyTargets {
    dispatch: Callback<Action>,
    on_open: Callback<()>,
    on_constants: Callback<()>,
    on_fold: Callback<bool>,
    on_help: Callback<()>,
}

/// The shown model's index, the graph drawn (index into its graph list), its label and node
/// count: what a new layout of the same graph needs.
fn shown_graph(state: &AppState) -> Option<(usize, usize, String, usize)> {
    state
        .shown_model
        .zip(state.graph.as_ref())
        .map(|(index, g)| {
            let label = g
                .graphs
                .get(g.graph_index)
                .map_or_else(|| g.file_name.clone(), |choice| choice.label.clone());
            (index, g.graph_index, label, g.view.node_count)
        })
}

fn handle_key(event: &KeyboardEvent, targets: &KeyTargets) {
    let typing = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    let command_key = event.ctrl_key() || event.meta_key();
    let key = event.key();
    if command_key {
        if let Some(command) = command_for(&key, true) {
            event.prevent_default();
            match command {
                Command::Open => targets.on_open.emit(()),
                _ => focus_search(),
            }
        }
        return;
    }
    if typing || event.alt_key() {
        return;
    }
    let Some(command) = command_for(&key, false) else {
        return;
    };
    // The element the arrows and Enter would otherwise act on.
    let focus = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .map(|el| el.tag_name())
        .unwrap_or_default();
    let on_page = matches!(focus.as_str(), "BODY" | "HTML" | "CANVAS" | "");
    let move_to =
        |direction: Direction| (on_page || focus == "BUTTON").then_some(Action::Move(direction));
    let movement = match command {
        Command::MoveConsumer => Some(move_to(Direction::Consumer)),
        Command::MoveProducer => Some(move_to(Direction::Producer)),
        Command::MoveLeft => Some(move_to(Direction::Left)),
        Command::MoveRight => Some(move_to(Direction::Right)),
        Command::RevealSelected => Some(on_page.then_some(Action::RevealSelected)),
        _ => None,
    };
    if let Some(action) = movement {
        if let Some(action) = action {
            if !event.shift_key() && !event.ctrl_key() {
                event.prevent_default();
                targets.dispatch.emit(action);
            }
        }
        return;
    }
    let action = match command {
        Command::Fit => Action::Fit,
        Command::ZoomToSelection => Action::ZoomToSelection,
        Command::Minimap => Action::ToggleMinimap,
        Command::ZoomIn => Action::ZoomBy(ZOOM_STEP),
        Command::ZoomOut => Action::ZoomBy(1.0 / ZOOM_STEP),
        Command::ActualSize => Action::ActualSize,
        Command::ModelPanel => Action::ToggleModelPanel,
        Command::Heat => Action::ToggleHeat,
        Command::Units => Action::ToggleUnits,
        Command::Fusion => Action::ToggleFusionOverlay,
        Command::Theme => Action::CycleTheme,
        Command::Dismiss => Action::Dismiss,
        Command::Constants => {
            event.prevent_default();
            targets.on_constants.emit(());
            return;
        }
        Command::FoldScope | Command::OpenFolded => {
            event.prevent_default();
            targets.on_fold.emit(command == Command::OpenFolded);
            return;
        }
        Command::Search => {
            event.prevent_default();
            focus_search();
            return;
        }
        Command::Help => {
            event.prevent_default();
            targets.on_help.emit(());
            return;
        }
        Command::Open
        | Command::MoveConsumer
        | Command::MoveProducer
        | Command::MoveLeft
        | Command::MoveRight
        | Command::RevealSelected => return,
    };
    event.prevent_default();
    targets.dispatch.emit(action);
}

fn focus_search() {
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("search"))
        .and_then(|el| el.dyn_into::<HtmlElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
    }
}

/// The files panel's remove buttons and profile radios. A file the worker holds is removed
/// there too (its profile run read again, its model dropped); any other row just goes.
fn files_callbacks(
    state: &AppState,
    load: &Callback<Source>,
    dispatch: &Callback<Action>,
    kept: &Rc<RefCell<KeptFiles>>,
) -> (Callback<u64>, Callback<u64>) {
    let on_remove = {
        let held = state.files.held();
        let names: Vec<(u64, String)> = state
            .files
            .entries
            .iter()
            .map(|e| (e.id, e.name.clone()))
            .collect();
        let load = load.clone();
        let dispatch = dispatch.clone();
        let kept = kept.clone();
        Callback::from(move |id: u64| {
            dispatch.emit(Action::Files(FilesAction::Removed(vec![id])));
            kept.borrow_mut().forget(&[id]);
            if held.iter().any(|&(held_id, _)| held_id == id) {
                let label = names
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map_or_else(String::new, |(_, name)| format!("removing {name}"));
                load.emit(Source::Remove {
                    ids: vec![id],
                    label,
                });
            }
        })
    };
    let on_select = {
        let load = load.clone();
        let runs = state.files.profiles.clone();
        Callback::from(move |group: u64| {
            if runs.active == Some(group) {
                return;
            }
            let label = runs
                .entries
                .iter()
                .find(|r| r.group == group)
                .map_or_else(String::new, |r| r.label.clone());
            load.emit(Source::SelectProfile { group, label });
        })
    };
    (on_remove, on_select)
}
