//! The error banner (`#error`): the engine's message for a file that could not be opened.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    pub message: String,
    pub on_dismiss: Callback<()>,
}

#[function_component(ErrorBanner)]
pub fn error_banner(props: &ErrorBannerProps) -> Html {
    let on_dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div id="error" class="error-banner" role="alert">
            <span class="error-icon" aria-hidden="true">{ "!" }</span>
            <div class="error-text">
                <strong>{ "Could not open the file. " }</strong>
                <span class="error-message">{ &props.message }</span>
            </div>
            <button class="btn-close" onclick={on_dismiss} title="Dismiss" aria-label="Dismiss">
                { "×" }
            </button>
        </div>
    }
}
