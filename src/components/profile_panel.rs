//! The panel under the graph (`#profile`): the findings of the analysis, and the profile (a
//! measured run, or the cost model's estimate, labelled as such) with a summary, the charts of time
//! by unit and by op type, and the tabs Hotspots, Op statistics and Unmatched. It shows whenever a
//! model is analysed or a profile is loaded; `data-profile-state` says which: `loaded` (a
//! measured profile), `estimated` or `none` (findings only).

use yew::prelude::*;

use super::findings_panel::FindingsPanel;
use super::fusion_savings_chart::FusionSavingsChart;
use super::hotspot_table::HotspotTable;
use super::op_stats_table::OpStatsTable;
use super::op_type_chart::OpTypeChart;
use super::splitter::SplitterBar;
use super::unit_chart::UnitChart;
use super::unit_compare_chart::UnitCompareChart;
use super::unmatched_table::UnmatchedTable;
use crate::state::panels::Splitter;
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
    /// The height the user gave the panel (dragging or the keys on its splitter), CSS px;
    /// `None` keeps the style sheet's.
    #[prop_or_default]
    pub height: Option<f64>,
    #[prop_or_default]
    pub on_resize: Callback<f64>,
    pub on_action: Callback<Action>,
}

#[function_component(ProfilePanel)]
pub fn profile_panel(props: &ProfilePanelProps) -> Html {
    let collapsed = props.collapsed;
    let style = props
        .height
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
            data-profile-state={state} aria-label="Findings and profile" {style}>
            if props.graph.is_some() {
                <SplitterBar which={Splitter::Bottom} size={props.height} {collapsed}
                    controls="profile" name="bottom panel" on_resize={props.on_resize.clone()}
                    on_toggle={props.on_action.reform(|_| Action::TogglePanel)} />
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
