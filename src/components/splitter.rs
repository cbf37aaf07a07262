//! A panel splitter (`role="separator"`): drag it to resize the panel beside it, or focus it
//! (Tab) and use the arrow keys (Shift: larger steps), Home and End; Enter or Space, or its
//! button, collapses and expands the panel. Sizes are clamped by [`Splitter`] against the
//! workspace measured at the time, so the graph always keeps room.

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::state::panels::Splitter;

#[derive(Properties, PartialEq)]
pub struct SplitterBarProps {
    pub which: Splitter,
    /// The panel's size now (CSS px), when the user set one; else it is measured.
    pub size: Option<f64>,
    pub collapsed: bool,
    /// The id of the panel it resizes (`aria-controls`).
    pub controls: AttrValue,
    /// What the panel is, for labels (`side panel`).
    pub name: AttrValue,
    pub on_resize: Callback<f64>,
    pub on_toggle: Callback<()>,
}

/// A drag in progress: the pointer, where it started and the panel's size then.
#[derive(Clone, Copy)]
struct Drag {
    pointer_id: i32,
    start: f64,
    start_size: f64,
}

/// The workspace length along the splitter's axis and the panel's size, measured from the
/// splitter's element.
fn measure(which: Splitter, handle: &Element) -> Option<(f64, f64)> {
    match which {
        Splitter::Left => {
            let top = handle.closest(".workspace-top").ok()??;
            let panel = top.query_selector(".files-panel").ok()??;
            Some((
                top.get_bounding_client_rect().width(),
                panel.get_bounding_client_rect().width(),
            ))
        }
        Splitter::Side => {
            let top = handle.closest(".workspace-top").ok()??;
            let panel = top.query_selector(".sidebar").ok()??;
            Some((
                top.get_bounding_client_rect().width(),
                panel.get_bounding_client_rect().width(),
            ))
        }
        Splitter::Bottom => {
            let workspace = handle.closest(".workspace").ok()??;
            let panel = handle.closest(".profile-panel").ok()??;
            Some((
                workspace.get_bounding_client_rect().height(),
                panel.get_bounding_client_rect().height(),
            ))
        }
    }
}

fn client_at(which: Splitter, event: &PointerEvent) -> f64 {
    match which {
        Splitter::Left | Splitter::Side => f64::from(event.client_x()),
        Splitter::Bottom => f64::from(event.client_y()),
    }
}

#[function_component(SplitterBar)]
pub fn splitter_bar(props: &SplitterBarProps) -> Html {
    let handle_ref = use_node_ref();
    let drag = use_mut_ref(|| None::<Drag>);
    let which = props.which;
    let on_down = {
        let drag = drag.clone();
        let collapsed = props.collapsed;
        Callback::from(move |event: PointerEvent| {
            if event.button() != 0 || collapsed {
                return;
            }
            let Some(handle) = event.target_dyn_into::<Element>() else {
                return;
            };
            let Some((_, size)) = measure(which, &handle) else {
                return;
            };
            let _ = handle.set_pointer_capture(event.pointer_id());
            event.prevent_default();
            *drag.borrow_mut() = Some(Drag {
                pointer_id: event.pointer_id(),
                start: client_at(which, &event),
                start_size: size,
            });
        })
    };
    let on_move = {
        let drag = drag.clone();
        let on_resize = props.on_resize.clone();
        Callback::from(move |event: PointerEvent| {
            let Some(state) = *drag.borrow() else {
                return;
            };
            if state.pointer_id != event.pointer_id() {
                return;
            }
            let Some(handle) = event.target_dyn_into::<Element>() else {
                return;
            };
            let Some((room, _)) = measure(which, &handle) else {
                return;
            };
            on_resize.emit(which.drag(
                state.start,
                state.start_size,
                client_at(which, &event),
                room,
            ));
        })
    };
    let on_up = {
        let drag = drag.clone();
        Callback::from(move |event: PointerEvent| {
            if let Some(handle) = event.target_dyn_into::<Element>() {
                let _ = handle.release_pointer_capture(event.pointer_id());
            }
            *drag.borrow_mut() = None;
        })
    };
    let on_key = {
        let on_resize = props.on_resize.clone();
        let on_toggle = props.on_toggle.clone();
        let handle_ref = handle_ref.clone();
        let collapsed = props.collapsed;
        Callback::from(move |event: KeyboardEvent| {
            let key = event.key();
            if key == "Enter" || key == " " {
                event.prevent_default();
                event.stop_propagation();
                on_toggle.emit(());
                return;
            }
            if collapsed {
                return;
            }
            let Some(handle) = handle_ref.cast::<Element>() else {
                return;
            };
            let Some((room, size)) = measure(which, &handle) else {
                return;
            };
            if let Some(next) = which.key_step(&key, event.shift_key(), size, room) {
                // The page's own arrow keys move the graph's selection: not from here.
                event.prevent_default();
                event.stop_propagation();
                on_resize.emit(next);
            }
        })
    };
    // A focused separator must say its value: one never resized takes its measured size, so
    // screen readers hear the real one (and the keys step from it).
    let on_focus = {
        let on_resize = props.on_resize.clone();
        let handle_ref = handle_ref.clone();
        let size = props.size;
        Callback::from(move |_: FocusEvent| {
            if size.is_some() {
                return;
            }
            let measured = handle_ref
                .cast::<Element>()
                .and_then(|handle| measure(which, &handle));
            if let Some((room, now)) = measured {
                on_resize.emit(which.clamp(now, room));
            }
        })
    };
    let on_toggle_click = {
        let on_toggle = props.on_toggle.clone();
        let handle_ref = handle_ref.clone();
        Callback::from(move |event: MouseEvent| {
            event.stop_propagation();
            on_toggle.emit(());
            // Keep the keyboard on the splitter, which stays when its panel goes.
            if let Some(handle) = handle_ref.cast::<HtmlElement>() {
                let _ = handle.focus();
            }
        })
    };
    let (orientation, class) = match which {
        Splitter::Left => ("vertical", "splitter-left"),
        Splitter::Side => ("vertical", "splitter-side"),
        Splitter::Bottom => ("horizontal", "splitter-bottom"),
    };
    let action = if props.collapsed {
        "Expand"
    } else {
        "Collapse"
    };
    let (expand_glyph, collapse_glyph) = match which {
        Splitter::Left => ("›", "‹"),
        Splitter::Side => ("‹", "›"),
        Splitter::Bottom => ("˄", "˅"),
    };
    let glyph = if props.collapsed {
        expand_glyph
    } else {
        collapse_glyph
    };
    let label = format!(
        "Resize the {} (arrow keys; Enter to {})",
        props.name,
        action.to_lowercase()
    );
    let (min, _) = which.bounds(0.0);
    html! {
        <div class={classes!("splitter", class, props.collapsed.then_some("collapsed"))}>
            <div ref={handle_ref} class="splitter-grip"
                role="separator" tabindex="0" aria-orientation={orientation}
                aria-controls={props.controls.clone()} aria-label={label}
                aria-valuenow={format!("{:.0}", props.size.unwrap_or(min))}
                aria-valuemin={format!("{min:.0}")}
                aria-valuetext={props.size.map_or_else(|| "default size".to_string(), |s| format!("{s:.0} px"))}
                data-size={props.size.map(|s| format!("{s:.0}"))}
                title={format!("Drag to resize the {}", props.name)}
                onpointerdown={on_down} onpointermove={on_move}
                onpointerup={on_up.clone()} onpointercancel={on_up} onkeydown={on_key}
                onfocus={on_focus}></div>
            <button type="button" class="splitter-toggle"
                aria-label={format!("{action} the {}", props.name)}
                aria-expanded={(!props.collapsed).to_string()}
                aria-controls={props.controls.clone()}
                title={format!("{action} the {}", props.name)}
                onclick={on_toggle_click}>{ glyph }</button>
        </div>
    }
}
