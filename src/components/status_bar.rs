//! The status bar (`#status`): the loaded model (title, format, `N nodes`, the weights file of a
//! Caffe net, a button to the importer's warnings when there are any), the analysis (its target,
//! and `estimated (cost model, Ascend 310)` while its times are the estimate), the loaded profile
//! (`profile: N tasks, T ms`, `matched X%`), progress of a load, timings and the zoom.

use yew::prelude::*;

use crate::state::{
    estimate_label, format_count, format_ms, format_share, Action, GraphHandle, LoadStats, Shared,
};
use crate::worker::protocol::{AnalysisData, ProfileData};

#[derive(Properties, PartialEq)]
pub struct StatusBarProps {
    pub graph: Option<GraphHandle>,
    pub profile: Option<Shared<ProfileData>>,
    pub analysis: Option<Shared<AnalysisData>>,
    pub progress: Option<String>,
    pub stats: Option<LoadStats>,
    pub zoom: AttrValue,
    pub on_action: Callback<Action>,
    /// Files of dropped folders that were neither a model nor profiling data, with why.
    #[prop_or_default]
    pub skipped: Vec<(String, String)>,
}

#[function_component(StatusBar)]
pub fn status_bar(props: &StatusBarProps) -> Html {
    let model = match &props.graph {
        Some(graph) => {
            let view = &graph.view;
            let title = if view.title.is_empty() {
                graph.file_name.clone()
            } else {
                view.title.clone()
            };
            html! {
                <span class="status-model">
                    <span class="status-title" title={graph.file_name.clone()}>{ title }</span>
                    <span class="status-sep">{ "·" }</span>
                    <span>{ view.format.to_uppercase() }</span>
                    if let Some(inner) = graph.graphs.get(graph.graph_index).filter(|_| graph.is_inner_graph()) {
                        <span class="status-sep">{ "·" }</span>
                        <span class="status-graph" title={format!("A {} of the model; the graph picker goes back to the main graph", inner.kind)}>
                            { format!("graph: {}", inner.label) }
                        </span>
                    }
                    <span class="status-sep">{ "·" }</span>
                    <span class="status-count">{ format!("{} nodes", view.node_count) }</span>
                    <span class="status-sep">{ "·" }</span>
                    <span>{ format!("{} edges", view.edges.len()) }</span>
                    if let (Some(weights), Some(rule)) = (graph.files.get(1), &graph.pairing) {
                        <span class="status-sep">{ "·" }</span>
                        <span class="status-pairing" title={format!(
                            "{} was paired with {} ({rule})", weights, graph.file_name)}>
                            { format!("weights: {weights} ({rule})") }
                        </span>
                    }
                    if !view.warnings.is_empty() {
                        <span class="status-sep">{ "·" }</span>
                        <button class="link status-warnings"
                            title="What the importer read past; shown in the model panel"
                            onclick={props.on_action.reform(|_: MouseEvent| Action::ToggleModelPanel)}>
                            { format!("{} {}", view.warnings.len(),
                                if view.warnings.len() == 1 { "warning" } else { "warnings" }) }
                        </button>
                    }
                </span>
            }
        }
        None => html! { <span class="status-model status-muted">{ "No model loaded" }</span> },
    };
    let analysis = props.analysis.as_ref().map(|analysis| {
        let text = if analysis.estimated {
            html! {
                <span id="estimate-status" class="estimate-label"
                    title="Times from opscope's cost model, not a measurement; drop the profiling files of a run to measure">
                    { estimate_label(&analysis.target_name) }
                </span>
            }
        } else {
            html! {
                <span title={format!("analysed for the {} with the measured profile", analysis.target_name)}>
                    { analysis.target_name.clone() }
                </span>
            }
        };
        html! {
            <span class="status-analysis">
                <span class="status-sep">{ "|" }</span>
                { text }
            </span>
        }
    });
    let profile = props.profile.as_ref().filter(|data| !data.estimated).map(|data| {
        let tasks = if data.hotspots_by_type {
            format!("{} op types", format_count(data.op_statistics.len() as u64))
        } else {
            format!("{} tasks", format_count(data.rows as u64))
        };
        html! {
            <span class="status-profile" title={data.files.join(", ")}>
                <span class="status-sep">{ "|" }</span>
                <span>{ format!("profile: {tasks}, {}", format_ms(data.total_us)) }</span>
                if let Some(join) = &data.join {
                    <span class="status-sep">{ "·" }</span>
                    <span class="status-matched" title="Share of the profiled time matched to graph nodes">
                        { format!("matched {}", format_share(join.matched_share)) }
                    </span>
                }
            </span>
        }
    });
    let progress = props.progress.as_ref().map(|text| {
        html! {
            <span class="status-progress">
                <span class="spinner spinner-small" aria-hidden="true"></span>
                { text }
            </span>
        }
    });
    let timings = props
        .stats
        .filter(|_| props.progress.is_none())
        .map(|stats| {
            let timings = stats.timings;
            let mut parts = Vec::new();
            if stats.had_model {
                parts.push(format!("parsed in {:.0} ms", timings.parse_ms));
                parts.push(format!("laid out in {:.0} ms", timings.layout_ms));
            }
            if timings.profile_ms > 0.0 {
                parts.push(format!("profile read in {:.0} ms", timings.profile_ms));
            }
            if timings.analysis_ms > 0.0 {
                parts.push(format!("analysed in {:.0} ms", timings.analysis_ms));
            }
            match stats.drawn_ms {
                Some(drawn_ms) => parts.push(format!("shown {drawn_ms:.0} ms after opening")),
                None if !stats.had_model => parts.push(format!(
                    "received {:.0} ms after opening",
                    stats.received_ms
                )),
                None => {}
            }
            html! { <span class="status-timings">{ parts.join(", ") }</span> }
        });
    // Listed in a tooltip (and for screen readers in its label): not errors, the rest was read.
    let skipped = (!props.skipped.is_empty()).then(|| {
        let list: Vec<String> = props
            .skipped
            .iter()
            .map(|(file, reason)| format!("{file}: {reason}"))
            .collect();
        let n = props.skipped.len();
        html! {
            <span id="skipped" class="status-skipped" tabindex="0"
                title={format!("Not read (neither a model nor profiling data):\n{}", list.join("\n"))}
                aria-label={format!("{n} files skipped: {}", list.join("; "))}>
                <span class="status-sep">{ "|" }</span>
                { format!("{n} {} skipped", if n == 1 { "file" } else { "files" }) }
            </span>
        }
    });
    html! {
        <footer id="status" class="statusbar" aria-live="polite">
            { model }
            { analysis }
            { profile }
            { skipped }
            { progress }
            <span class="toolbar-spacer"></span>
            { timings }
            if props.graph.is_some() {
                <span class="status-zoom">{ props.zoom.clone() }</span>
            }
        </footer>
    }
}
