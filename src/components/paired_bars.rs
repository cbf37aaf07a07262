//! A chart of labelled rows with two horizontal bars each (the estimate and the measurement of
//! a unit; what fusion saves and what it would save for a pattern). Each bar says in words what
//! it is and its value, so the chart reads without colour; the second bar of a pair can be drawn
//! hollow (dashed outline, pale fill). Every row is focusable: Tab walks the rows, and the
//! hovered or focused row's full text shows in the readout under the chart (and in an SVG
//! `<title>` tooltip).

use yew::prelude::*;

/// One bar of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct PairBar {
    pub us: f64,
    /// What is drawn after the bar (`estimated 1.20 ms`).
    pub text: String,
    pub fill: &'static str,
    /// Dashed outline and pale fill instead of a solid bar.
    pub hollow: bool,
}

/// One row: its label and up to two bars.
#[derive(Debug, Clone, PartialEq)]
pub struct PairRow {
    pub label: String,
    pub bars: Vec<PairBar>,
    /// The row's whole story, for the tooltip, the readout and screen readers.
    pub summary: String,
}

/// A legend entry: the bar's look and what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct PairLegend {
    pub fill: &'static str,
    pub hollow: bool,
    pub text: String,
}

#[derive(Properties, PartialEq)]
pub struct PairedBarsProps {
    /// The figure's id (`chart-unit-compare`).
    pub id: AttrValue,
    pub title: AttrValue,
    /// An estimate label shown beside the title.
    #[prop_or_default]
    pub estimate: Option<AttrValue>,
    /// What the chart shows, for screen readers.
    pub aria_label: AttrValue,
    pub legend: Vec<PairLegend>,
    pub rows: Vec<PairRow>,
    /// Shown instead of the chart when there are no rows.
    pub empty: AttrValue,
}

const WIDTH: f64 = 350.0;
const VALUE_WIDTH: f64 = 150.0;
const LABEL_H: f64 = 14.0;
const BAR_H: f64 = 11.0;
const ROW_H: f64 = LABEL_H + 2.0 * BAR_H + 9.0;

/// A bar's length in the chart's units; at least a sliver so a zero still shows where it is.
fn bar_length(us: f64, longest: f64) -> f64 {
    let space = WIDTH - VALUE_WIDTH;
    if longest > 0.0 && us.is_finite() && us > 0.0 {
        (us / longest).clamp(0.0, 1.0) * space
    } else {
        1.5
    }
}

fn swatch(fill: &'static str, hollow: bool) -> Html {
    let style = if hollow {
        format!("background:{fill}59;border:1.5px dashed {fill}")
    } else {
        format!("background:{fill}")
    };
    html! { <span class="swatch" {style}></span> }
}

#[function_component(PairedBars)]
pub fn paired_bars(props: &PairedBarsProps) -> Html {
    // The row under the pointer or the keyboard focus.
    let active = use_state(|| None::<usize>);
    let longest = props
        .rows
        .iter()
        .flat_map(|r| r.bars.iter().map(|b| b.us))
        .filter(|us| us.is_finite())
        .fold(0.0, f64::max);
    let height = props.rows.len() as f64 * ROW_H;
    let readout = (*active)
        .and_then(|idx| props.rows.get(idx))
        .map(|row| row.summary.clone());
    let leave = {
        let active = active.clone();
        Callback::from(move |_: PointerEvent| active.set(None))
    };
    let blur = {
        let active = active.clone();
        Callback::from(move |_: FocusEvent| active.set(None))
    };
    html! {
        <figure id={props.id.clone()} class="chart chart-pairs">
            <figcaption class="chart-title">{ props.title.clone() }
                if let Some(label) = &props.estimate {
                    <span class="estimate-label chart-estimate">{ label.clone() }</span>
                }</figcaption>
            if props.rows.is_empty() {
                <p class="muted">{ props.empty.clone() }</p>
            } else {
                <ul class="pair-legend">
                    { for props.legend.iter().map(|entry| html! {
                        <li>{ swatch(entry.fill, entry.hollow) }{ entry.text.clone() }</li>
                    }) }
                </ul>
                <svg viewBox={format!("0 0 {WIDTH} {height}")} width="100%" role="group"
                    preserveAspectRatio="xMinYMin meet" aria-label={props.aria_label.clone()}
                    onpointerleave={leave}>
                    { for props.rows.iter().enumerate().map(|(idx, row)| {
                        let y = idx as f64 * ROW_H;
                        let on_enter = {
                            let active = active.clone();
                            Callback::from(move |_| active.set(Some(idx)))
                        };
                        let on_focus = {
                            let active = active.clone();
                            Callback::from(move |_| active.set(Some(idx)))
                        };
                        html! {
                            <g class={classes!("pair-row", (*active == Some(idx)).then_some("active"))}
                                tabindex="0" role="img" aria-label={row.summary.clone()}
                                onpointerenter={on_enter} onfocus={on_focus} onblur={blur.clone()}>
                                <title>{ row.summary.clone() }</title>
                                <rect class="pair-hit" x="0" y={y.to_string()} width={WIDTH.to_string()}
                                    height={(ROW_H - 2.0).to_string()} rx="3" />
                                <text x="0" y={(y + LABEL_H - 3.0).to_string()} class="pair-label">
                                    { row.label.clone() }
                                </text>
                                { for row.bars.iter().enumerate().map(|(slot, bar)| {
                                    let top = y + LABEL_H + slot as f64 * (BAR_H + 1.0);
                                    let length = bar_length(bar.us, longest);
                                    let (opacity, dash) = if bar.hollow { ("0.35", "4 2") } else { ("1", "none") };
                                    html! {
                                        <>
                                            <rect x="0.5" y={top.to_string()} width={format!("{length:.1}")}
                                                height={BAR_H.to_string()} rx="2" fill={bar.fill}
                                                fill-opacity={opacity} stroke={bar.fill}
                                                stroke-dasharray={dash} />
                                            <text x={format!("{:.1}", length + 5.0)} y={(top + BAR_H - 2.0).to_string()}
                                                class="bar-value">{ bar.text.clone() }</text>
                                        </>
                                    }
                                }) }
                            </g>
                        }
                    }) }
                </svg>
                <p class="chart-readout" aria-live="polite">
                    { readout.unwrap_or_else(|| "Hover or focus a row for its figures.".to_string()) }
                </p>
            }
        </figure>
    }
}
