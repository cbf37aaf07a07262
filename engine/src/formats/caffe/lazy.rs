//! A binary NetParameter read in groups of whole top-level fields (about [`CHUNK_BYTES`] each,
//! so a few layers at a time): each group is decoded reflectively as a message of its own, read
//! into the [`Net`] and dropped, as the prototxt reader does with groups of text. The reflective
//! tree of the whole file, several times the size of the graph, never exists at once.
//!
//! The net is the whole-file reader's, by construction: when the file's top level is broken, a
//! group fails to decode, or a field that merges across groups (`state`) or whose order against
//! another matters (`layer` beside legacy `layers`) would read differently in groups, the answer
//! is `None` and the caller decodes the whole file, which also gives the error it reports.

use prost::Message;
use prost_reflect::DynamicMessage;

use super::net::{self, Net};
use crate::formats::{text, wire, InputFile};

/// Bytes of top-level fields decoded together; binary is denser than text, so this is a
/// quarter of the text reader's groups.
pub(super) const CHUNK_BYTES: usize = 16 * 1024;

/// NetParameter's (and NetCore's) `layers` (legacy V1), `state` and `layer` field numbers.
const V1_LAYERS: u32 = 2;
const STATE: u32 = 6;
const LAYER: u32 = 100;

/// The net in `file` read as `message_name` (`caffe.NetParameter` or `caffe.NetCore`) one
/// group of fields at a time; `None` when the whole-file reader must answer instead.
pub(super) fn read_net(file: &InputFile, message_name: &str) -> Option<Net> {
    let descriptor = text::pool().get_message_by_name(message_name)?;
    let data = &file.data;
    let mut net = Net::default();
    let (mut n_state, mut has_v1, mut has_v2) = (0usize, false, false);
    let mut start = 0usize;
    for field in wire::fields(data) {
        let field = field?;
        match field.number {
            STATE => n_state += 1,
            V1_LAYERS => has_v1 = true,
            LAYER => has_v2 = true,
            _ => {}
        }
        if n_state > 1 || (has_v1 && has_v2) {
            return None;
        }
        let end = field.payload.1;
        if end - start >= CHUNK_BYTES || end == data.len() {
            let mut part = data.slice(start..end);
            let mut message = DynamicMessage::new(descriptor.clone());
            message.merge(&mut part).ok()?;
            net::read_net_part(&mut net, &message);
            start = end;
        }
    }
    (start == data.len()).then_some(net)
}
