//! The profile panel (`#profile`) under the graph: a summary of the run, the charts of time by
//! unit and by op type, and the tabs Hotspots, Op statistics, Findings and Unmatched.

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::findings_list::FindingsList;
use super::hotspot_table::HotspotTable;
use super::op_stats_table::OpStatsTable;
use super::op_type_chart::OpTypeChart;
use super::unit_chart::UnitChart;
use super::unmatched_table::UnmatchedTable;
use crate::state::{
    format_count, format_share, format_us, Action, GraphHandle, ProfileState, ProfileTab,
};

#[derive(Properties, PartialEq)]
pub struct ProfilePanelProps {
    pub profile: ProfileState,
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
    let style = (*height)
        .filter(|_| props.graph.is_some() && !props.profile.collapsed)
        .map(|h| format!("height:{h:.0}px"));
    let profile = &props.profile;
    let data = &profile.data;
    let joined = data.join.is_some() && props.graph.is_some();
    let on_toggle = props
        .on_action
        .reform(|_: MouseEvent| Action::ToggleProfilePanel);
    let tab_count = |tab: ProfileTab| -> Option<usize> {
        match tab {
            ProfileTab::Hotspots => Some(data.hotspots.len()),
            ProfileTab::OpStatistics => Some(data.op_statistics.len()),
            ProfileTab::Findings => Some(data.findings.len()),
            ProfileTab::Unmatched => data.join.as_ref().map(|j| j.unmatched.len()),
        }
    };
    let tabs = ProfileTab::ALL.iter().map(|&tab| {
        let active = profile.tab == tab;
        let onclick = props
            .on_action
            .reform(move |_: MouseEvent| Action::SetProfileTab(tab));
        let id = match tab {
            ProfileTab::Hotspots => "tab-hotspots",
            ProfileTab::OpStatistics => "tab-op-statistics",
            ProfileTab::Findings => "tab-findings",
            ProfileTab::Unmatched => "tab-unmatched",
        };
        html! {
            <button {id} role="tab" aria-selected={active.to_string()}
                class={classes!("tab", active.then_some("active"),
                    (tab == ProfileTab::Findings && !data.findings.is_empty()).then_some("tab-alert"))}
                {onclick}>
                { tab.label() }
                if let Some(count) = tab_count(tab) {
                    <span class="tab-count">{ format_count(count as u64) }</span>
                }
            </button>
        }
    });
    let body = match profile.tab {
        ProfileTab::Hotspots => html! {
            <HotspotTable profile={profile.clone()} {joined} selected={props.selected.clone()}
                on_action={props.on_action.clone()} />
        },
        ProfileTab::OpStatistics => html! {
            <OpStatsTable profile={profile.clone()} on_action={props.on_action.clone()} />
        },
        ProfileTab::Findings => html! {
            <FindingsList data={data.clone()} graph={props.graph.clone()}
                on_action={props.on_action.clone()} />
        },
        ProfileTab::Unmatched => html! { <UnmatchedTable data={data.clone()} /> },
    };
    let files = data.files.join(", ");
    let matched = match (&data.join, &props.graph) {
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
        <section id="profile" class={classes!("profile-panel", profile.collapsed.then_some("collapsed"))}
            data-profile-state="loaded" aria-label="Profile" ref={panel_ref} {style}>
            if props.graph.is_some() && !profile.collapsed {
                <div class="profile-resize" role="separator" aria-orientation="horizontal"
                    title="Drag to resize the profile panel"
                    onpointerdown={on_resize_start} onpointermove={on_resize_move}
                    onpointerup={on_resize_end.clone()} onpointercancel={on_resize_end}></div>
            }
            <header class="profile-header">
                <h2 class="profile-title">{ "Profile" }</h2>
                <span class="profile-files" title={files.clone()}>{ files }</span>
                <span class="profile-facts">
                    <span class="fact"><span class="fact-label">{ "total" }</span>{ format_us(data.total_us) }</span>
                    if data.rows > 0 {
                        <span class="fact"><span class="fact-label">{ "tasks" }</span>{ format_count(data.rows as u64) }</span>
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
                <span class="toolbar-spacer"></span>
                <button class="btn-close profile-toggle" onclick={on_toggle}
                    title={if profile.collapsed { "Show the profile" } else { "Hide the profile" }}
                    aria-label={if profile.collapsed { "Show the profile" } else { "Hide the profile" }}
                    aria-expanded={(!profile.collapsed).to_string()}>
                    { if profile.collapsed { "▴" } else { "▾" } }
                </button>
            </header>
            if !profile.collapsed {
                <div class="profile-body">
                    <div class="profile-charts">
                        <UnitChart data={data.clone()} />
                        <OpTypeChart data={data.clone()} />
                    </div>
                    <div class="profile-main">
                        <nav class="tabs" role="tablist" aria-label="Profile views">{ for tabs }</nav>
                        <div class="tab-body" role="tabpanel">{ body }</div>
                    </div>
                </div>
            }
        </section>
    }
}
