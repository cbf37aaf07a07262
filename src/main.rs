//! The page: renders the app into `<body>`.

fn main() {
    opscope_app::platform::install_panic_logger();
    yew::Renderer::<opscope_app::components::app::App>::new().render();
}
