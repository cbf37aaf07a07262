//! `fusion_op_*.csv` (graph mode only): a fused op and the original ops it replaced,
//! `;`-separated (ascend.md 1.8).

use super::header::{self, names as n};
use super::text;
use super::CsvInput;
use crate::profile::error::{IssueSink, ProfileError};
use crate::profile::model::FusionOp;

pub(crate) fn read(
    mut input: CsvInput,
    sink: &mut IssueSink,
) -> Result<Vec<FusionOp>, ProfileError> {
    let header = &input.header;
    let fused = header
        .find(n::FUSION_OP)
        .ok_or_else(|| ProfileError::MissingColumn {
            file: input.file.to_string(),
            line: 1,
            format: "fusion_op",
            column: "fusion op",
            expected: header::expected(&["Fusion Op"]),
        })?;
    let originals = header
        .find(n::ORIGINAL_OPS)
        .ok_or_else(|| ProfileError::MissingColumn {
            file: input.file.to_string(),
            line: 1,
            format: "fusion_op",
            column: "original ops",
            expected: header::expected(&["Original Ops"]),
        })?;
    let model = header.find(n::MODEL_NAME);
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while input.next(&mut record, sink) {
        let line = input.line(&record);
        let cell = |idx: usize| {
            String::from_utf8_lossy(text::trim_cell(record.get(idx).unwrap_or(b""))).into_owned()
        };
        let fused_name = cell(fused);
        if fused_name.is_empty() || record.get(originals).is_none() {
            sink.row(line, None, "no fused op name or original ops; row skipped");
            continue;
        }
        let list: Vec<String> = cell(originals)
            .split(';')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s != "N/A")
            .collect();
        out.push(FusionOp {
            fused: fused_name,
            originals: list,
            model_name: model.map(cell).unwrap_or_default(),
        });
    }
    if out.is_empty() {
        sink.file_note("no data rows in this fusion_op file");
    }
    Ok(out)
}
