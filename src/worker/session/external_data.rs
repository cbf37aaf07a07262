//! ONNX external data files dropped with their model (`model.onnx` + `model.onnx.data`, or a
//! folder of weight files): each is listed as that model's weights and never read, neither as
//! a profile nor as a model. The model may come in the same drop or an earlier one.
//!
//! A large one was read only to its start ([`crate::worker::blob_source`]); a small one was read
//! whole, and is dropped here unparsed.

use opscope_engine::ir::{is_external_data_file, Model};

use super::Job;
use crate::worker::protocol::{FileKindId, FileOutcome};

impl Job {
    /// Remembers the external data files `model`, read from `model_file`, names.
    pub(super) fn note_external_data(&mut self, model_file: &str, model: &Model) {
        for location in model.external_data_files() {
            self.external_data
                .push((location.to_string(), model_file.to_string()));
        }
    }

    /// Takes the profiling files of this load that are external data of a known model out of
    /// the profile read, each listed as that model's weights.
    pub(super) fn set_aside_external_data(&mut self) {
        if self.external_data.is_empty() {
            return;
        }
        let files = std::mem::take(&mut self.profile_files);
        let tags = std::mem::take(&mut self.profile_tags);
        for (file, tag) in files.into_iter().zip(tags) {
            if !self.take_if_weights(file.name(), tag.0) {
                self.profile_files.push(file);
                self.profile_tags.push(tag);
            }
        }
    }

    /// Lists the file `name` (page id `id`) as the weights of the model naming it as external
    /// data; false when no known model does.
    pub(super) fn take_if_weights(&mut self, name: &str, id: u64) -> bool {
        let Some(model_file) = self
            .external_data
            .iter()
            .find(|(location, _)| is_external_data_file(name, location))
            .map(|(_, model_file)| model_file.clone())
        else {
            return false;
        };
        self.outcomes.push(FileOutcome {
            id,
            kind: FileKindId::Weights,
            detail: format!("external data of {model_file}"),
            error: Some(format!(
                "{name}: the weights of {model_file} (ONNX external data), not read: the \
                 analysis needs the model's structure only"
            )),
            skipped: true,
        });
        true
    }
}
