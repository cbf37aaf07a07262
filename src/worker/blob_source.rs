//! Reading a dropped file in the worker: small files whole, a large ONNX model by pieces of its
//! `File` (`Blob.slice`), its tensor payloads skipped unread (the engine's
//! [`skim`](opscope_engine::formats::onnx::skim)), so a 2 GB model with its weights inline opens
//! in a few hundred KB of memory instead of two copies of its weights.

use opscope_engine::formats::onnx::skim::{skim, ByteSource, Skimmed};
use opscope_engine::profile::STREAM_TABLES_FROM;

/// Files at least this large are checked for ONNX and skimmed; smaller ones are read whole
/// (one read is faster than the walk, and their weights fit anyway).
pub const SKIM_FILES_FROM: u64 = 64 << 20;

/// How much of a large file's start is read to recognise ONNX or a profiling table.
const HEAD_BYTES: usize = 64 << 10;

/// How sure the ONNX sniffer must be, on the file's start only, before the file is skimmed: 30
/// is "ModelProto's first fields, then a field running past what was read" (the graph, always,
/// in a large model).
const ONNX_CONFIDENCE: u8 = 30;

/// What was read of a file: its bytes (the whole file, the skimmed model, or only the start of a
/// table to stream) and, for a skimmed one, a note saying what was left unread.
pub struct ReadFile {
    pub bytes: Vec<u8>,
    pub note: Option<String>,
    /// `bytes` is only the file's start: a profiling table, streamed when a load reads it.
    pub head_only: bool,
}

/// Reads `source`, skimming it when it is a large ONNX model (the note says what was left), and
/// only its start when it is a large profiling table (`file_name` is a hint for which table) or
/// large binary data no importer takes (the session then lists it as a model's external weights,
/// or says what it is not, from that start).
pub fn read_source(source: &mut dyn ByteSource, file_name: &str) -> Result<ReadFile, String> {
    let size = source.size();
    if size >= STREAM_TABLES_FROM.min(SKIM_FILES_FROM) {
        let head = source.read_at(0, HEAD_BYTES)?;
        if size >= STREAM_TABLES_FROM
            && opscope_engine::profile::is_streamed_table(file_name, &head)
        {
            return Ok(ReadFile {
                bytes: head,
                note: None,
                head_only: true,
            });
        }
        if size >= SKIM_FILES_FROM
            && (opscope_engine::formats::onnx::FORMAT.sniff)(&head) >= ONNX_CONFIDENCE
        {
            // Not ONNX after all, or a broken one: read whole below, and the importers say what
            // it is or where it breaks, as for any file.
            if let Ok(skimmed) = skim(source) {
                return Ok(skimmed_file(skimmed));
            }
        }
        // Binary data no importer takes (an ONNX model's external weights, a video): its start
        // is all an importer would look at, so the rest is never read.
        if !crate::inputs::is_model_name(file_name)
            && opscope_engine::read_by_no_importer(file_name, &head)
        {
            return Ok(ReadFile {
                bytes: head,
                note: None,
                head_only: false,
            });
        }
    }
    let size = usize::try_from(size).map_err(|_| format!("{size} bytes is too large to read"))?;
    Ok(ReadFile {
        bytes: source.read_at(0, size)?,
        note: None,
        head_only: false,
    })
}

fn skimmed_file(skimmed: Skimmed) -> ReadFile {
    let note = format!(
        "read as structure only: {} tensor payloads ({}) left unread in the file",
        skimmed.skipped_payloads,
        crate::state::format::format_bytes(skimmed.skipped_bytes)
    );
    ReadFile {
        bytes: skimmed.bytes,
        note: Some(note),
        head_only: false,
    }
}

/// A browser `Blob` (a `File`) read synchronously by slices, as a worker may.
#[cfg(target_arch = "wasm32")]
pub struct BlobSource {
    blob: web_sys::Blob,
    reader: web_sys::FileReaderSync,
}

#[cfg(target_arch = "wasm32")]
impl BlobSource {
    pub fn new(blob: web_sys::Blob) -> Result<BlobSource, String> {
        let reader = web_sys::FileReaderSync::new().map_err(|e| js_error_text(&e))?;
        Ok(BlobSource { blob, reader })
    }
}

#[cfg(target_arch = "wasm32")]
impl ByteSource for BlobSource {
    fn size(&self) -> u64 {
        self.blob.size() as u64
    }

    fn read_at(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let end = offset.saturating_add(len as u64).min(self.size());
        let slice = self
            .blob
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(|e| js_error_text(&e))?;
        let buffer = self
            .reader
            .read_as_array_buffer(&slice)
            .map_err(|e| js_error_text(&e))?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }
}

/// The message of a JS exception (`NotReadableError: ...`).
#[cfg(target_arch = "wasm32")]
pub fn js_error_text(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use opscope_engine::samples::{
        residual_chain, weight_heavy, write_external_weights, WeightStorage,
    };

    #[test]
    fn a_large_onnx_model_is_skimmed_and_says_so() {
        let bytes = weight_heavy(SKIM_FILES_FROM + (16 << 20));
        let mut source: &[u8] = &bytes;
        let read = read_source(&mut source, "m.onnx").expect("reads");
        assert!(
            read.bytes.len() < 1 << 20,
            "{} bytes kept",
            read.bytes.len()
        );
        let note = read.note.expect("a note");
        assert!(
            note.starts_with("read as structure only: 4 tensor payloads"),
            "{note}"
        );
        assert!(note.contains("MB") || note.contains("GB"), "{note}");
    }

    #[test]
    fn small_files_and_other_formats_are_read_whole() {
        let bytes = residual_chain(50, WeightStorage::Inline);
        let mut source: &[u8] = &bytes;
        let read = read_source(&mut source, "m.onnx").expect("reads");
        assert_eq!(read.bytes, bytes);
        assert!(read.note.is_none());
        let csv = vec![b'a'; (SKIM_FILES_FROM + 1) as usize];
        let mut source: &[u8] = &csv;
        let read = read_source(&mut source, "m.onnx").expect("reads");
        assert_eq!(read.bytes.len(), csv.len(), "not ONNX: read whole");
        assert!(read.note.is_none());
    }

    fn op_summary(bytes: u64) -> Vec<u8> {
        let mut text = String::from("Op Name,OP Type,Task Type,Task Duration(us)\n");
        let mut i = 0;
        while (text.len() as u64) < bytes {
            text.push_str(&format!("conv_{i},Conv2D,AI_CORE,{}.5\n", i % 9));
            i += 1;
        }
        text.into_bytes()
    }

    #[test]
    fn a_large_profiling_table_is_left_to_stream_a_small_one_is_read() {
        let large = op_summary(STREAM_TABLES_FROM);
        let mut source: &[u8] = &large;
        let read = read_source(&mut source, "op_summary_0_1.csv").expect("reads");
        assert!(read.head_only);
        assert_eq!(read.bytes, large[..HEAD_BYTES]);
        let small = op_summary(STREAM_TABLES_FROM / 4);
        let mut source: &[u8] = &small;
        let read = read_source(&mut source, "op_summary_0_1.csv").expect("reads");
        assert!(!read.head_only);
        assert_eq!(read.bytes, small);
    }

    #[test]
    fn large_binary_data_no_importer_takes_is_read_to_its_start_only() {
        let mut weights = Vec::new();
        write_external_weights(&mut weights, STREAM_TABLES_FROM).expect("written");
        let mut source: &[u8] = &weights;
        let read = read_source(&mut source, "model.onnx.data").expect("reads");
        assert_eq!(read.bytes, weights[..HEAD_BYTES]);
        assert!(!read.head_only && read.note.is_none());
        // Named like a model, it is read whole: its importer's error is what the user needs.
        let mut source: &[u8] = &weights;
        let read = read_source(&mut source, "model.pb").expect("reads");
        assert_eq!(read.bytes.len(), weights.len());
        // Below the size whose start is read first, it is read whole as before.
        let small = &weights[..(STREAM_TABLES_FROM / 2) as usize];
        let mut source: &[u8] = small;
        let read = read_source(&mut source, "model.onnx.data").expect("reads");
        assert_eq!(read.bytes.len(), small.len());
    }
}
