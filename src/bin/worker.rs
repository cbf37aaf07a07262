//! The Web Worker: registers the engine agent (see `opscope_app::worker::agent`).

use gloo_worker::Registrable;

fn main() {
    opscope_app::worker::agent::Agent::registrar()
        .encoding::<opscope_app::worker::codec::Bincode>()
        .register();
}

/// Called by the loader script (see `opscope_app::platform::spawn_worker`) when the worker hits
/// an uncaught error, such as a wasm trap, while a job is in flight.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn opscope_worker_crashed(message: String) {
    opscope_app::worker::agent::report_crash(message);
}
