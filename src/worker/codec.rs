//! How messages cross between the page and the worker (gloo-worker's [`Codec`]): bincode, as
//! gloo-worker's default, plus [`Attachment`]s (JS values passed beside the bincode, as the
//! browser's `File`s are) and the optional timing traces of a load.
//!
//! Tracing: with `?trace` in the page's URL, the page and the worker log `opscope-timing <ms>
//! <what>` lines to the console (`console.debug`), on one clock (epoch milliseconds), for each
//! stage of a load: the encoding and decoding of large messages, the worker's steps, the page's
//! graph handle, scene and draws. `tests/bench/stages.mjs` reads them.

use std::cell::{OnceCell, RefCell};

use gloo_worker::Codec;
use js_sys::{Array, Uint8Array};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wasm_bindgen::JsValue;

/// The global the worker's loader script sets (see `platform::spawn_worker`) and the page sets
/// from its URL's `?trace`.
pub const TRACE_FLAG: &str = "opscopeTrace";

/// Messages larger than this (bytes) are traced.
const TRACED_BYTES: usize = 100_000;

thread_local! {
    static TRACING: OnceCell<bool> = const { OnceCell::new() };
    /// The attachments of the message being encoded, in the order they were serialised.
    static OUTBOX: RefCell<Vec<JsValue>> = const { RefCell::new(Vec::new()) };
    /// The attachments of the message being decoded.
    static INBOX: RefCell<Vec<JsValue>> = const { RefCell::new(Vec::new()) };
}

/// A JS value that crosses to the other side as itself (by structured clone: a `File` is passed
/// by reference, never read), beside the message's bincode, which holds only its index. Outside
/// a browser it is always empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attachment(pub Option<JsValue>);

/// The index bincode holds for an empty attachment.
const NO_ATTACHMENT: u32 = u32::MAX;

impl Serialize for Attachment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let index = match &self.0 {
            Some(value) => OUTBOX.with(|outbox| {
                let mut outbox = outbox.borrow_mut();
                outbox.push(value.clone());
                (outbox.len() - 1) as u32
            }),
            None => NO_ATTACHMENT,
        };
        serializer.serialize_u32(index)
    }
}

impl<'de> Deserialize<'de> for Attachment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let index = u32::deserialize(deserializer)?;
        if index == NO_ATTACHMENT {
            return Ok(Attachment(None));
        }
        INBOX.with(|inbox| match inbox.borrow().get(index as usize) {
            Some(value) => Ok(Attachment(Some(value.clone()))),
            None => Err(serde::de::Error::custom(format!(
                "attachment {index} is missing from the message"
            ))),
        })
    }
}

/// Whether this thread (the page or the worker) traces.
pub fn tracing() -> bool {
    if !cfg!(target_arch = "wasm32") {
        return false;
    }
    TRACING.with(|flag| {
        *flag.get_or_init(|| {
            js_sys::Reflect::get(&js_sys::global(), &TRACE_FLAG.into())
                .is_ok_and(|value| value.is_truthy())
        })
    })
}

/// Epoch milliseconds with sub-millisecond precision: `performance.timeOrigin +
/// performance.now()`, one clock for the page and the worker.
pub fn clock() -> f64 {
    let global = js_sys::global();
    let Some(perf) = js_sys::Reflect::get(&global, &"performance".into())
        .ok()
        .filter(|p| p.is_object())
    else {
        return js_sys::Date::now();
    };
    let perf: web_sys::Performance = wasm_bindgen::JsCast::unchecked_into(perf);
    perf.time_origin() + perf.now()
}

/// Logs `opscope-timing <clock> <what>` when tracing.
pub fn trace(what: &str) {
    if tracing() {
        web_sys::console::debug_2(
            &"opscope-timing".into(),
            &format!("{:.1} {what}", clock()).into(),
        );
    }
}

/// bincode, as gloo-worker's own codec, traced.
#[derive(Debug)]
pub struct Bincode;

impl Codec for Bincode {
    fn encode<I>(input: I) -> JsValue
    where
        I: Serialize,
    {
        let started = tracing().then(clock);
        OUTBOX.with(|outbox| outbox.borrow_mut().clear());
        let bytes = bincode::serialize(&input).expect("a worker message serializes");
        let attachments = OUTBOX.with(|outbox| std::mem::take(&mut *outbox.borrow_mut()));
        let serialized = started.map(|_| clock());
        let mut array: JsValue = Uint8Array::from(bytes.as_slice()).into();
        // With attachments the message is `[bincode, attachment 0, attachment 1, …]`.
        if !attachments.is_empty() {
            let parts = Array::new();
            parts.push(&array);
            for attachment in &attachments {
                parts.push(attachment);
            }
            array = parts.into();
        }
        if let (Some(started), Some(serialized)) = (started, serialized) {
            if bytes.len() > TRACED_BYTES {
                trace(&format!(
                    "encoded {} bytes: serialize {:.1} ms, copy {:.1} ms",
                    bytes.len(),
                    serialized - started,
                    clock() - serialized
                ));
            }
        }
        array
    }

    fn decode<O>(input: JsValue) -> O
    where
        O: for<'de> Deserialize<'de>,
    {
        let started = tracing().then(clock);
        let input = if Array::is_array(&input) {
            let parts = Array::from(&input);
            INBOX.with(|inbox| *inbox.borrow_mut() = parts.iter().skip(1).collect());
            parts.get(0)
        } else {
            input
        };
        let bytes = Uint8Array::from(input).to_vec();
        let copied = started.map(|_| clock());
        let output = bincode::deserialize(&bytes).expect("a worker message deserializes");
        INBOX.with(|inbox| inbox.borrow_mut().clear());
        if let (Some(started), Some(copied)) = (started, copied) {
            if bytes.len() > TRACED_BYTES {
                trace(&format!(
                    "decoded {} bytes: copy {:.1} ms, deserialize {:.1} ms",
                    bytes.len(),
                    copied - started,
                    clock() - copied
                ));
            }
        }
        output
    }
}
