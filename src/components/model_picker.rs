//! The model picker (`#model-picker`): shown when a drop held several models; says which files
//! make each model and how a Caffe net was paired with its weights.

use yew::prelude::*;

use crate::worker::protocol::ModelChoice;

#[derive(Properties, PartialEq)]
pub struct ModelPickerProps {
    pub models: Vec<ModelChoice>,
    pub shown: Option<usize>,
    pub busy: bool,
    pub on_pick: Callback<usize>,
}

#[function_component(ModelPicker)]
pub fn model_picker(props: &ModelPickerProps) -> Html {
    if props.models.len() < 2 {
        return html! {};
    }
    let on_change = on_select_index(&props.on_pick, props.shown);
    html! {
        <label class="model-picker" title="This drop held several models: choose the one to show">
            <span class="model-picker-label">{ format!("{} models", props.models.len()) }</span>
            <select id="model-picker" onchange={on_change} disabled={props.busy}
                aria-label="Model to show">
                { for props.models.iter().enumerate().map(|(index, model)| html! {
                    <option value={index.to_string()} selected={props.shown == Some(index)}
                        title={format!("{} ({})", model.describe(), model.format.to_uppercase())}>
                        { format!("{} · {} nodes", model.describe(), model.n_nodes) }
                    </option>
                }) }
            </select>
        </label>
    }
}

/// The `change` handler of a picker whose option values are indices: emits the chosen index
/// unless it is the one already shown.
pub fn on_select_index(on_pick: &Callback<usize>, shown: Option<usize>) -> Callback<Event> {
    let on_pick = on_pick.clone();
    Callback::from(move |event: Event| {
        let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
            return;
        };
        let Ok(index) = select.value().parse::<usize>() else {
            return;
        };
        if Some(index) != shown {
            on_pick.emit(index);
        }
    })
}
