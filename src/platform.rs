//! Thin wrappers over the browser APIs the app needs (clock, files, downloads, the worker, the
//! URL's hash, the theme).
//! Kept in one place so components stay readable; natively these are never called.

use gloo_worker::{Spawnable, WorkerBridge};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::state::{Scheme, Theme};
use crate::worker::agent::Agent;
use crate::worker::protocol::FromWorker;

/// File name of the worker's script, as Trunk writes it (no hash for workers); resolved against
/// the page's base URI so the app also works when served under a sub-path.
pub const WORKER_SCRIPT: &str = "worker.js";
pub const WORKER_WASM: &str = "worker_bg.wasm";

/// The worker's entry script (run from a blob URL, so the URLs are absolute). `IMPORT_GLUE` is
/// the import of Trunk's glue, or nothing where the glue is put before the script (the offline
/// build). An uncaught error in the worker, such as a wasm trap (out of memory, an abort), is
/// reported to the page through the worker's own export, so the page is not left waiting for an
/// answer that never comes. Before that export exists (the glue or the wasm failed to load or
/// compile) the failure is thrown again from a fresh task, marked with [`WORKER_START_FAILED`]:
/// an uncaught error reaches the page as an `error` event on its `Worker`.
const WORKER_LOADER: &str = r#"self.opscopeTrace = TRACE_ON;
function opscopeStartFailed(reason) {
  const text = String((reason && reason.message) || reason);
  setTimeout(() => { throw new Error("START_FAILED " + text); });
}
let opscopeGlue = true;
try {
IMPORT_GLUE
} catch (error) { opscopeGlue = false; opscopeStartFailed(error); }
function opscopeCrashed(reason) {
  try { wasm_bindgen.opscope_worker_crashed(String(reason)); } catch (_) {}
}
self.addEventListener("error", (event) => opscopeCrashed(event.message || event.error));
self.addEventListener("unhandledrejection", (event) => opscopeCrashed(event.reason));
if (opscopeGlue) {
  try {
    wasm_bindgen({ module_or_path: WASM_URL }).catch(opscopeStartFailed);
  } catch (error) { opscopeStartFailed(error); }
}
"#;

/// Marks the error a worker that could not start throws to the page (see [`WORKER_LOADER`]).
pub const WORKER_START_FAILED: &str = "opscope-worker-start-failed:";

/// The reason of a worker's start failure, from the message of an `error` event on its `Worker`;
/// `None` for any other error (a crash after the start is reported by the worker itself).
pub fn worker_start_failure(event_message: &str) -> Option<String> {
    let (_, reason) = event_message.split_once(WORKER_START_FAILED)?;
    let reason = reason.trim();
    Some(if reason.is_empty() {
        "no reason given".to_string()
    } else {
        reason.to_string()
    })
}

/// Milliseconds on the page's monotonic clock.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Value of the page URL's query parameter `name` (`?sample=resnet50`).
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// `relative` resolved against `document.baseURI`.
pub fn resolve_url(relative: &str) -> Option<String> {
    let base = web_sys::window()?.document()?.base_uri().ok()??;
    web_sys::Url::new_with_base(relative, &base)
        .ok()
        .map(|url| url.href())
}

/// Turns the timing traces of loads on for the page when its URL asks (`?trace`); the worker
/// started after it traces too (see [`crate::worker::codec`]). Whether they are on.
pub fn enable_tracing() -> bool {
    let on = query_param("trace").is_some();
    if on {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::set(
                &window,
                &crate::worker::codec::TRACE_FLAG.into(),
                &JsValue::TRUE,
            );
        }
    }
    on
}

/// A file the one-file offline build (`scripts/offline`) carries inside the page, by its path
/// relative to the page (`worker.js`, `samples/resnet50.onnx`): the page's boot script puts them in
/// `window.opscopeOffline.files` before the app starts. `None` when served, where they are files.
pub fn offline_file(path: &str) -> Option<web_sys::Blob> {
    let window: JsValue = web_sys::window()?.into();
    let offline = js_sys::Reflect::get(&window, &"opscopeOffline".into()).ok()?;
    let files = js_sys::Reflect::get(&offline, &"files".into())
        .ok()
        .filter(JsValue::is_object)?;
    js_sys::Reflect::get(&files, &path.into())
        .ok()?
        .dyn_into::<web_sys::Blob>()
        .ok()
}

/// Where the offline build's `worker.js` leaves the worker's wasm (a `Response`): a worker
/// started from a `file://` page can fetch no URL, not even a blob URL the page made.
const OFFLINE_WORKER_WASM: &str = "self.opscopeWorkerWasm";

/// Starts the engine worker. The worker is loaded by a small blob script that imports Trunk's
/// no-modules glue and starts it with the wasm file next to it; in the one-file offline build
/// the page's `worker.js` (the glue, and the worker's wasm) is put in the blob itself.
pub fn spawn_worker(
    on_message: impl Fn(FromWorker) + 'static,
) -> Result<WorkerBridge<Agent>, String> {
    let inline_glue = offline_file(WORKER_SCRIPT);
    let (import, wasm) = match &inline_glue {
        Some(_) => (String::new(), OFFLINE_WORKER_WASM.to_string()),
        None => {
            let url = |name| resolve_url(name).ok_or("cannot resolve the worker's URL");
            let (script, wasm) = (url(WORKER_SCRIPT)?, url(WORKER_WASM)?);
            (format!("importScripts({script:?});"), format!("{wasm:?}"))
        }
    };
    // Test-only (`?test_faults=1&worker_start=fail`): the worker's wasm is a file that is not
    // there, so the start failure path can be tested.
    let wasm = if crate::components::worker_link::test_faults()
        && query_param("worker_start").as_deref() == Some("fail")
    {
        let missing = resolve_url("test-missing-worker.wasm").ok_or("cannot resolve a URL")?;
        format!("{missing:?}")
    } else {
        wasm
    };
    let loader = WORKER_LOADER
        .replace("START_FAILED", WORKER_START_FAILED)
        .replace("IMPORT_GLUE", &import)
        .replace("WASM_URL", &wasm)
        .replace("TRACE_ON", if enable_tracing() { "true" } else { "false" });
    let parts = js_sys::Array::new();
    if let Some(glue) = inline_glue {
        parts.push(&glue);
        parts.push(&JsValue::from_str("\n"));
    }
    parts.push(&JsValue::from_str(&loader));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| format!("cannot create the worker loader: {e:?}"))?;
    let loader_url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|e| format!("cannot create the worker loader: {e:?}"))?;
    Ok(Agent::spawner()
        .callback(on_message)
        .encoding::<crate::worker::codec::Bincode>()
        .spawn_with_loader(&loader_url))
}

/// Downloads a file of the app (a bundled sample), relative to the page; the one-file offline
/// build reads it from the page itself ([`offline_file`]).
pub async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    if let Some(blob) = offline_file(path) {
        let buffer = JsFuture::from(blob.array_buffer())
            .await
            .map_err(|e| format!("{path}: could not read the sample ({})", js_text(&e)))?;
        return Ok(js_sys::Uint8Array::new(&buffer).to_vec());
    }
    let response = gloo_net::http::Request::get(path)
        .send()
        .await
        .map_err(|e| format!("{path}: could not download the sample ({e})"))?;
    if !response.ok() {
        return Err(format!(
            "{path}: could not download the sample (the server answered {} {})",
            response.status(),
            response.status_text()
        ));
    }
    response
        .binary()
        .await
        .map_err(|e| format!("{path}: could not download the sample ({e})"))
}

/// Downloads a file an embedding page named (`?model=`, `?profile=`), already checked to be of
/// the app's own origin; the error names the URL as the page wrote it.
pub async fn fetch_url(url: &str) -> Result<Vec<u8>, String> {
    let response = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: could not download the file ({e})"))?;
    if !response.ok() {
        return Err(format!(
            "{url}: could not download the file (the server answered {} {})",
            response.status(),
            response.status_text()
        ));
    }
    response
        .binary()
        .await
        .map_err(|e| format!("{url}: could not download the file ({e})"))
}

/// The origin the page was served from (`http://127.0.0.1:8080`; `null` from disk).
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_else(|| "null".to_string())
}

/// A readable text for a JS error value.
pub fn js_text(value: &JsValue) -> String {
    if let Some(err) = value.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

/// Logs panics of the page to the console (the default hook prints nothing in the browser).
pub fn install_panic_logger() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("opscope: {info}").into());
    }));
}

/// The files of a drop or a file input, in order.
pub fn file_list(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|idx| list.get(idx)).collect()
}

/// What a drop holds, taken while the drop event lasts (the browser forgets it after): each
/// item's file-system entry, so folders can be walked, or its file where the browser gives no
/// entry.
pub enum DropItem {
    Entry(web_sys::FileSystemEntry),
    File(web_sys::File),
}

/// The items of a drop, in order.
pub fn drop_items(transfer: &web_sys::DataTransfer) -> Vec<DropItem> {
    let items = transfer.items();
    let mut found = Vec::new();
    for idx in 0..items.length() {
        let Some(item) = items.get(idx).filter(|i| i.kind() == "file") else {
            continue;
        };
        match item.webkit_get_as_entry().ok().flatten() {
            Some(entry) => found.push(DropItem::Entry(entry)),
            None => found.extend(item.get_as_file().ok().flatten().map(DropItem::File)),
        }
    }
    if found.is_empty() {
        // No items list (an old browser): the plain file list.
        found = file_list(transfer.files())
            .into_iter()
            .map(DropItem::File)
            .collect();
    }
    found
}

/// Most files read from dropped folders; a drop of a whole disk stops there.
const MAX_DROPPED_FILES: usize = 10_000;

/// The files of a drop: dropped files as they are, and every file inside each dropped folder
/// (recursively, hidden ones left out) named by its path in the drop (`device_0/start_info.0`),
/// in path order per folder, so the engine can tell a folder's files from files chosen one by
/// one.
pub async fn files_of_drop(items: Vec<DropItem>) -> Vec<web_sys::File> {
    let mut files = Vec::new();
    for item in items {
        match item {
            DropItem::File(file) => files.push(file),
            DropItem::Entry(entry) if entry.is_directory() => {
                let mut found = Vec::new();
                walk_folder(entry, &mut found).await;
                found.sort_by_key(|(path, _)| path.clone());
                files.extend(found.into_iter().map(|(_, file)| file));
            }
            DropItem::Entry(entry) => {
                if let Some(file) = entry_file(&entry).await {
                    files.push(file);
                }
            }
        }
        if files.len() >= MAX_DROPPED_FILES {
            files.truncate(MAX_DROPPED_FILES);
            break;
        }
    }
    files
}

/// Every file under a dropped folder, depth first, as (path, file named by that path).
async fn walk_folder(root: web_sys::FileSystemEntry, found: &mut Vec<(String, web_sys::File)>) {
    let mut pending = vec![root];
    while let Some(folder) = pending.pop() {
        let Some(folder) = folder.dyn_ref::<web_sys::FileSystemDirectoryEntry>() else {
            continue;
        };
        let reader = folder.create_reader();
        // `readEntries` gives a batch at a time, and an empty batch at the end.
        loop {
            let batch = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
                let _ = reader.read_entries_with_callback_and_callback(&resolve, &reject);
            }))
            .await;
            let Ok(batch) = batch.map(|value| js_sys::Array::from(&value)) else {
                break;
            };
            if batch.length() == 0 {
                break;
            }
            for entry in batch.iter() {
                let Ok(entry) = entry.dyn_into::<web_sys::FileSystemEntry>() else {
                    continue;
                };
                if entry.name().starts_with('.') {
                    continue;
                }
                if entry.is_directory() {
                    pending.push(entry);
                } else if let Some(file) = entry_file(&entry).await {
                    found.push((entry.full_path(), file));
                    if found.len() >= MAX_DROPPED_FILES {
                        return;
                    }
                }
            }
        }
    }
}

/// The file of a file entry, renamed to its path in the drop when it is inside a folder.
async fn entry_file(entry: &web_sys::FileSystemEntry) -> Option<web_sys::File> {
    let file_entry = entry.dyn_ref::<web_sys::FileSystemFileEntry>()?;
    let file = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
        file_entry.file_with_callback_and_callback(&resolve, &reject);
    }))
    .await
    .ok()?
    .dyn_into::<web_sys::File>()
    .ok()?;
    let path = entry.full_path();
    let path = path.trim_start_matches('/');
    if !path.contains('/') {
        return Some(file);
    }
    let parts = js_sys::Array::of1(&file);
    let options = web_sys::FilePropertyBag::new();
    options.set_type(&file.type_());
    web_sys::File::new_with_blob_sequence_and_options(&parts, path, &options).ok()
}

/// The media query of the system's dark preference.
const DARK_QUERY: &str = "(prefers-color-scheme: dark)";
/// The `localStorage` key of the theme the user chose.
pub const THEME_KEY: &str = "opscope.theme";

fn dark_query() -> Option<web_sys::MediaQueryList> {
    web_sys::window()?.match_media(DARK_QUERY).ok()?
}

fn scheme_of(query: Option<&web_sys::MediaQueryList>) -> Scheme {
    if query.is_some_and(|q| q.matches()) {
        Scheme::Dark
    } else {
        Scheme::Light
    }
}

/// The system's colour scheme now (light where the browser does not say).
pub fn system_scheme() -> Scheme {
    scheme_of(dark_query().as_ref())
}

/// Calls `on_change` with the system's scheme whenever it changes, for as long as the returned
/// listener lives.
pub fn watch_system_scheme(
    on_change: impl Fn(Scheme) + 'static,
) -> Option<gloo_events::EventListener> {
    let query = dark_query()?;
    let target: web_sys::EventTarget = query.clone().into();
    Some(gloo_events::EventListener::new(
        &target,
        "change",
        move |_| on_change(scheme_of(Some(&query))),
    ))
}

fn local_storage() -> Option<web_sys::Storage> {
    // Storage can be refused (private windows, sandboxed frames): the theme is then not kept.
    web_sys::window()?.local_storage().ok()?
}

/// The theme the user chose on an earlier visit.
pub fn stored_theme() -> Option<Theme> {
    let value = local_storage()?.get_item(THEME_KEY).ok()??;
    Theme::parse(&value)
}

/// Remembers the theme the user chose ("System" is remembered by forgetting the others).
pub fn store_theme(theme: Theme) {
    let Some(storage) = local_storage() else {
        return;
    };
    let _ = match theme {
        Theme::System => storage.remove_item(THEME_KEY),
        Theme::Light | Theme::Dark => storage.set_item(THEME_KEY, theme.id()),
    };
}

/// A text the page stored under `key` on an earlier visit (the panel layout).
pub fn stored_text(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

/// Stores `value` under `key`; refused storage (a private window) only means it is not kept.
pub fn store_text(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
}

/// Sets `data-theme` on `<html>` for a forced theme; "System" removes it, so the style sheet's
/// `prefers-color-scheme` query decides.
pub fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme.attribute() {
        Some(value) => root.set_attribute("data-theme", value),
        None => root.remove_attribute("data-theme"),
    };
}

/// The page URL's hash (`#node=...`), empty when it has none.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the page URL's hash (`None` removes it) with `history.replaceState`: no navigation,
/// no request, no history entry, no `hashchange`.
pub fn replace_hash(hash: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(path), Ok(search)) = (location.pathname(), location.search()) else {
        return;
    };
    let url = format!("{path}{search}{}", hash.unwrap_or(""));
    let Ok(history) = js_sys::Reflect::get(&window, &"history".into()) else {
        return;
    };
    let replace = js_sys::Reflect::get(&history, &"replaceState".into()).ok();
    if let Some(replace) = replace
        .as_ref()
        .and_then(|f| f.dyn_ref::<js_sys::Function>())
    {
        let _ = replace.call3(
            &history,
            &JsValue::NULL,
            &JsValue::from_str(""),
            &JsValue::from_str(&url),
        );
    }
}

/// Calls `on_change` with the new hash whenever the page URL's hash changes (a link followed,
/// the address bar edited); the listener lasts as long as the value returned.
pub fn on_hash_change(on_change: impl Fn(String) + 'static) -> Option<gloo_events::EventListener> {
    let window = web_sys::window()?;
    Some(gloo_events::EventListener::new(
        &window,
        "hashchange",
        move |_| on_change(location_hash()),
    ))
}

/// Saves `blob` as a file named `file_name`: a link to an object URL, clicked. The URL is
/// revoked a minute later, once the browser has surely read it.
pub fn download_blob(blob: &web_sys::Blob, file_name: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let url = web_sys::Url::create_object_url_with_blob(blob)
        .map_err(|e| format!("{file_name}: cannot save the file ({})", js_text(&e)))?;
    let link: web_sys::HtmlElement = document
        .create_element("a")
        .map_err(|e| js_text(&e))?
        .dyn_into()
        .map_err(|_| "not a link")?;
    let _ = link.set_attribute("href", &url);
    let _ = link.set_attribute("download", file_name);
    link.set_hidden(true);
    let body = document.body().ok_or("no body")?;
    let _ = body.append_child(&link);
    link.click();
    let _ = body.remove_child(&link);
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Ok(())
}

/// Saves `text` as a file of type `mime` named `file_name`.
pub fn download_text(text: &str, mime: &str, file_name: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| format!("{file_name}: cannot save the file ({})", js_text(&e)))?;
    download_blob(&blob, file_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_failure_is_told_from_other_worker_errors() {
        let thrown = format!("Uncaught Error: {WORKER_START_FAILED} TypeError: Failed to fetch");
        assert_eq!(
            worker_start_failure(&thrown).as_deref(),
            Some("TypeError: Failed to fetch")
        );
        assert_eq!(
            worker_start_failure(&format!("Uncaught Error: {WORKER_START_FAILED}")).as_deref(),
            Some("no reason given")
        );
        assert_eq!(
            worker_start_failure("Uncaught RuntimeError: unreachable"),
            None
        );
        assert!(
            WORKER_LOADER.contains("START_FAILED \" + text"),
            "the loader throws the marker"
        );
    }
}
