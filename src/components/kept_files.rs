//! The files the page hands the worker, kept by id so that a new worker (after a cancel, a crash
//! or a hang) gets them again: the browser's `File` handles (a reference, cheap to send again)
//! or the bytes of a sample or a fetched URL.

use std::collections::HashMap;
use std::rc::Rc;

use crate::worker::protocol::FilePayload;

#[derive(Clone)]
enum Kept {
    File(web_sys::File),
    Bytes(Rc<Vec<u8>>),
}

/// The kept files, and the next id to give.
#[derive(Default)]
pub struct KeptFiles {
    files: HashMap<u64, (String, Kept)>,
    next_id: u64,
}

impl KeptFiles {
    /// Tags the payloads of a load (`group`: its generation) with new ids, keeps them, and
    /// returns them with the files panel's rows `(id, name, size)`.
    pub fn register(
        &mut self,
        group: u64,
        payloads: Vec<FilePayload>,
    ) -> (Vec<FilePayload>, Vec<(u64, String, u64)>) {
        let mut rows = Vec::with_capacity(payloads.len());
        let mut tagged = Vec::with_capacity(payloads.len());
        for payload in payloads {
            self.next_id += 1;
            let id = self.next_id;
            let file =
                payload.file.0.as_ref().and_then(|value| {
                    wasm_bindgen::JsCast::dyn_ref::<web_sys::File>(value).cloned()
                });
            let (kept, size) = match file {
                Some(file) => {
                    let size = file.size() as u64;
                    (Kept::File(file), size)
                }
                None => (
                    Kept::Bytes(Rc::new(payload.bytes.clone())),
                    payload.bytes.len() as u64,
                ),
            };
            self.files.insert(id, (payload.name.clone(), kept));
            rows.push((id, payload.name.clone(), size));
            tagged.push(payload.tagged(id, group));
        }
        (tagged, rows)
    }

    /// The payloads of the files `(id, group)` still kept, in that order.
    pub fn payloads(&self, held: &[(u64, u64)]) -> Vec<FilePayload> {
        held.iter()
            .filter_map(|&(id, group)| {
                let (name, kept) = self.files.get(&id)?;
                let payload = match kept {
                    Kept::File(file) => {
                        FilePayload::of_file(name.clone(), file.clone().into()).tagged(id, group)
                    }
                    Kept::Bytes(bytes) => {
                        FilePayload::of_bytes(name.clone(), bytes.to_vec()).tagged(id, group)
                    }
                };
                Some(payload)
            })
            .collect()
    }

    pub fn forget(&mut self, ids: &[u64]) {
        for id in ids {
            self.files.remove(id);
        }
    }
}
