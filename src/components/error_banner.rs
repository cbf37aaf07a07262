//! The error banner (`#error`): one line per file that could not be opened, each the engine's
//! message naming the file. The files that did load stay loaded.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    pub messages: Vec<String>,
    pub on_dismiss: Callback<()>,
}

#[function_component(ErrorBanner)]
pub fn error_banner(props: &ErrorBannerProps) -> Html {
    let on_dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    let heading = match props.messages.len() {
        1 => "Could not open the file. ".to_string(),
        n => format!("Could not open {n} files; the others are loaded."),
    };
    html! {
        <div id="error" class="error-banner" role="alert">
            <span class="error-icon" aria-hidden="true">{ "!" }</span>
            <div class="error-text">
                <strong>{ heading }</strong>
                if let [only] = props.messages.as_slice() {
                    <span class="error-message">{ only }</span>
                } else {
                    <ul class="error-list">
                        { for props.messages.iter().map(|message| html! {
                            <li class="error-message">{ message }</li>
                        }) }
                    </ul>
                }
            </div>
            <button class="btn-close" onclick={on_dismiss} title="Dismiss" aria-label="Dismiss">
                { "×" }
            </button>
        </div>
    }
}
