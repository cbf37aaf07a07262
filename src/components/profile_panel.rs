//! The panel under the graph (`#profile`): the findings of the analysis, and the profile (a
//! measured run, or the cost model's estimate, labelled as such) with a summary, the charts of time
//! by unit and by op type, and the tabs Hotspots, Op statistics and Unmatched. It shows whenever a
//! model is analysed or a profile is loaded; `data-profile-state` says which: `loaded` (a
//! measured profile), `estimated` or `none` (findings only).

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::findings_panel::FindingsPanel;
use super::fusion_savings_chart::FusionSavingsChart;
use super::hotspot_table::HotspotTable;
use super::op_stats_table::OpStatsTable;
use super::op_type_chart::OpTypeChart;
use super::unit_chart::UnitChart;
use super::unit_compare_chart::UnitCompareChart;
use super::unmatched_table::UnmatchedTable;
use crate::state::{
    format_count, format_share, format_us, Action, FindingsView, GraphHandle, PanelTab,
    ProfileState, Shared,
};
use crate::worker::protocol::AnalysisData;

#[derive(Properties, PartialEq)]
pub struct ProfilePanelProps {
    pub profile: Option<ProfileState>,
    pub analysis: Option<Shared<AnalysisData>>,
    pub findings: Shared<FindingsView>,
    pub selected_finding: Option<usize>,
    /// The tab shown and the tabs that have something to show.
    pub tab: PanelTab,
    pub tabs: Vec<PanelTab>,
    pub collapsed: bool,
    /// `estimated (cost model, Ascend 310)` when the profile is the estimate.
    pub estimate: Option<AttrValue>,
    pub graph: Option<GraphHandle>,
    /// Name of the selected graph node.
    pub selected: Option<String>,
    pub on_action: Callback<Action>,
}

/// Smallest height the panel can be dragged to, and the least the graph keeps above it.
const MIN_HEIGHT: f64 = 160.0;
const MIN_GRAPH: f64 = 140.0;

/// A drag of the panel's top edge: where it started and the panel's height then.
#[derive(Clone, Copy)]
struct Resize {
    pointer_id: i32,
    start_y: f64,
    start_height: f64,
}

#[function_component(ProfilePanel)]
pub fn profile_panel(props: &ProfilePanelProps) -> Html {
    let panel_ref = use_node_ref();
    // The height the user dragged the panel to (CSS px); `None` keeps the stylesheet's.
    let height = use_state(|| None::<f64>);
    let resize = use_mut_ref(|| None::<Resize>);
    let on_resize_start = {
        let panel_ref = panel_ref.clone();
        let resize = resize.clone();
        Callback::from(move |event: PointerEvent| {
            if event.button() != 0 {
                return;
            }
            let Some(panel) = panel_ref.cast::<HtmlElement>() else {
                return;
            };
            if let Some(handle) = event.target_dyn_into::<Element>() {
                let _ = handle.set_pointer_capture(event.pointer_id());
            }
            event.prevent_default();
            *resize.borrow_mut() = Some(Resize {
                pointer_id: event.pointer_id(),
                start_y: f64::from(event.client_y()),
                start_height: panel.get_bounding_client_rect().height(),
            });
        })
    };
    let on_resize_move = {
        let resize = resize.clone();
        let height = height.clone();
        let panel_ref = panel_ref.clone();
        Callback::from(move |event: PointerEvent| {
            let Some(drag) = *resize.borrow() else {
                return;
            };
            if drag.pointer_id != event.pointer_id() {
                return;
            }
            // The panel and the graph above it share the workspace.
            let room = panel_ref
                .cast::<HtmlElement>()
                .and_then(|panel| panel.parent_element())
                .map_or(800.0, |workspace| {
                    workspace.get_bounding_client_rect().height()
                });
            let wanted = drag.start_height + drag.start_y - f64::from(event.client_y());
            let max = (room - MIN_GRAPH).max(MIN_HEIGHT);
            height.set(Some(wanted.clamp(MIN_HEIGHT, max)));
        })
    };
    let on_resize_end = {
        let resize = resize.clone();
        Callback::from(move |event: PointerEvent| {
            if let Some(handle) = event.target_dyn_into::<Element>() {
                let _ = handle.release_pointer_capture(event.pointer_id());
            }
            *resize.borrow_mut() = None;
        })
    };
    let collapsed = props.collapsed;
    let style = (*height)
        .filter(|_| props.graph.is_some() && !collapsed)
        .map(|h| format!("height:{h:.0}px"));
    let profile = props.profile.as_ref();
    let on_toggle = props.on_action.reform(|_: MouseEvent| Action::TogglePanel);
    let tab_count = |tab: PanelTab| -> Option<usize> {
        match tab {
            PanelTab::Findings => Some(props.findings.len()),
            PanelTab::Hotspots => profile.map(|p| p.data.hotspots.len()),
            PanelTab::OpStatistics => profile.map(|p| p.data.op_statistics.len()),
            PanelTab::Unmatched => {
                profile.and_then(|p| p.data.join.as_ref().map(|j| j.unmatched.len()))
            }
        }
    };
    let tabs = props.tabs.iter().map(|&tab| {
        let active = props.tab == tab;
        let onclick = props
            .on_action
            .reform(move |_: MouseEvent| Action::SetPanelTab(tab));
        html! {
            <button id={tab.element_id()} role="tab" aria-selected={active.to_string()}
                class={classes!("tab", active.then_some("active"),
                    (tab == PanelTab::Findings && !props.findings.is_empty()).then_some("tab-alert"))}
                {onclick}>
                { tab.label() }
                if let Some(count) = tab_count(tab) {
                    <span class="tab-count">{ format_count(count as u64) }</span>
                }
            </button>
        }
    });
    let body = match (props.tab, profile) {
        (PanelTab::Hotspots, Some(profile)) => html! {
            <HotspotTable profile={profile.clone()}
                joined={profile.data.join.is_some() && props.graph.is_some()}
                selected={props.selected.clone()} on_action={props.on_action.clone()} />
        },
        (PanelTab::OpStatistics, Some(profile)) => html! {
            <OpStatsTable profile={profile.clone()} on_action={props.on_action.clone()} />
        },
        (PanelTab::Unmatched, Some(profile)) => {
            html! { <UnmatchedTable data={profile.data.clone()} /> }
        }
        _ => html! {
            <FindingsPanel findings={props.findings.clone()} selected={props.selected_finding}
                graph={props.graph.clone()} analysis={props.analysis.clone()}
                on_action={props.on_action.clone()} />
        },
    };
    let (state, title) = match (profile, &props.estimate) {
        (Some(p), _) if p.data.estimated => ("estimated", "Estimated profile".to_string()),
        (Some(_), _) => ("loaded", "Profile".to_string()),
        (None, _) => (
            "none",
            match &props.analysis {
                Some(analysis) => format!("Analysis for the {}", analysis.target_name),
                None => "Analysis".to_string(),
            },
        ),
    };
    let facts = profile.map(|profile| view_facts(profile, props));
    let charts = profile.filter(|_| !collapsed).map(|profile| {
        html! {
            <div class="profile-charts">
                <UnitChart data={profile.data.clone()} estimate={props.estimate.clone()} />
                <OpTypeChart data={profile.data.clone()} estimate={props.estimate.clone()} />
                if let Some(analysis) = &props.analysis {
                    <UnitCompareChart analysis={analysis.clone()} />
                    <FusionSavingsChart analysis={analysis.clone()} />
                }
            </div>
        }
    });
    let label = if collapsed {
        "Show the panel"
    } else {
        "Hide the panel"
    };
    html! {
        <section id="profile" class={classes!("profile-panel", collapsed.then_some("collapsed"),
                profile.is_none().then_some("findings-only"))}
            data-profile-state={state} aria-label="Findings and profile" ref={panel_ref} {style}>
            if props.graph.is_some() && !collapsed {
                <div class="profile-resize" role="separator" aria-orientation="horizontal"
                    title="Drag to resize the panel"
                    onpointerdown={on_resize_start} onpointermove={on_resize_move}
                    onpointerup={on_resize_end.clone()} onpointercancel={on_resize_end}></div>
            }
            <header class="profile-header">
                <h2 class="profile-title">{ title }</h2>
                if let Some(label) = props.estimate.as_ref().filter(|_| profile.is_some()) {
                    <span class="estimate-label" title="Times from opscope's cost model, not a measurement; drop the profiling files of a run to measure">
                        { label.clone() }
                    </span>
                }
                { facts }
                <span class="toolbar-spacer"></span>
                <button class="btn-close profile-toggle" onclick={on_toggle}
                    title={label} aria-label={label} aria-expanded={(!collapsed).to_string()}>
                    { if collapsed { "▴" } else { "▾" } }
                </button>
            </header>
            if !collapsed {
                <div class="profile-body">
                    { charts }
                    <div class="profile-main">
                        <nav class="tabs" role="tablist" aria-label="Panel views">{ for tabs }</nav>
                        <div class="tab-body" role="tabpanel">{ body }</div>
                    </div>
                </div>
            }
        </section>
    }
}

/// Files, total, tasks, ops, chip, cores, the matched share and the import's warnings.
fn view_facts(profile: &ProfileState, props: &ProfilePanelProps) -> Html {
    let data = &profile.data;
    let files = data.files.join(", ");
    let matched = match (&data.join, &props.graph) {
        _ if data.estimated => html! {},
        (Some(join), Some(_)) => html! {
            <span class="fact fact-strong" title="Share of the profiled time matched to graph nodes">
                <span class="fact-label">{ "matched" }</span>{ format_share(join.matched_share) }
            </span>
        },
        _ => html! {
            <span class="fact fact-muted">{ "not joined to a model" }</span>
        },
    };
    let issues = data.warnings.len();
    html! {
        <>
            <span class="profile-files" title={files.clone()}>{ files }</span>
            <span class="profile-facts">
                <span class="fact"><span class="fact-label">{ "total" }</span>{ format_us(data.total_us) }</span>
                if data.rows > 0 {
                    <span class="fact"><span class="fact-label">{ if data.estimated { "kernels" } else { "tasks" } }</span>
                        { format_count(data.rows as u64) }</span>
                }
                <span class="fact"><span class="fact-label">{ if data.hotspots_by_type { "op types" } else { "ops" } }</span>
                    { format_count(data.hotspots_total as u64) }</span>
                if let Some(chip) = &data.chip {
                    <span class="fact"><span class="fact-label">{ "chip" }</span>{ chip }</span>
                }
                if let Some(cores) = data.ai_core_num {
                    <span class="fact" title={format!("from {}", data.ai_core_num_source)}>
                        <span class="fact-label">{ "AI Cores" }</span>{ cores }</span>
                }
                { matched }
            </span>
            if issues > 0 {
                <details class="profile-warnings">
                    <summary>{ format!("{issues} {}", if issues == 1 { "warning" } else { "warnings" }) }</summary>
                    <ul>
                        { for data.warnings.iter().map(|w| html! { <li>{ w }</li> }) }
                    </ul>
                </details>
            }
        </>
    }
}
