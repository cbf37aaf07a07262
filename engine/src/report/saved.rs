//! A JSON analysis report read back (the app reopens a dropped report without the model). Owned
//! twins of the keys of `docs/analyze-json.md` that the views need; keys a reader does not know
//! are ignored and the optional ones default, so reports of later versions (keys only added)
//! still open.

use std::collections::BTreeMap;

use serde::Deserialize;
use thiserror::Error;

use crate::formats::InputFile;

/// The report's `schema_version` this reader understands.
pub const READABLE_SCHEMA: u32 = super::analysis::SCHEMA_VERSION;

#[derive(Debug, Error, PartialEq)]
pub enum SavedReportError {
    #[error("{file}: not an opscope analysis report: {detail}")]
    Invalid { file: String, detail: String },
    #[error("{file}: report schema {found} is newer than this opscope reads ({readable}); open it with a newer opscope")]
    Schema {
        file: String,
        found: u32,
        readable: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedReport {
    pub schema_version: u32,
    pub model: SavedModel,
    pub target: SavedTarget,
    pub cann: String,
    pub estimated: bool,
    pub units: BTreeMap<String, SavedUnit>,
    pub per_node: Vec<SavedNode>,
    #[serde(default)]
    pub fusion_groups: Vec<SavedGroup>,
    #[serde(default)]
    pub near_misses: Vec<SavedNearMiss>,
    pub findings: Vec<SavedFinding>,
    #[serde(default)]
    pub skipped_checks: Vec<SavedSkipped>,
    #[serde(default)]
    pub notes: Vec<String>,
    pub hotspots: Vec<SavedHotspot>,
    pub total_us: f64,
    #[serde(default)]
    pub profile: Option<SavedProfile>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedModel {
    pub format: String,
    pub name: String,
    pub nodes: usize,
    #[serde(default)]
    pub edges: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedTarget {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct SavedUnit {
    pub nodes: usize,
    pub time_us: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedNode {
    pub name: String,
    pub op_type: String,
    pub unit: String,
    #[serde(default)]
    pub unit_reason: String,
    #[serde(default)]
    pub unit_source: String,
    #[serde(default)]
    pub predicted_unit: String,
    pub fusion_group: Option<usize>,
    pub estimated_us: f64,
    pub measured_us: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedGroup {
    pub kind: String,
    pub pattern: String,
    pub nodes: Vec<String>,
    #[serde(default)]
    pub ddr_bytes_saved: u64,
    /// Absent in reports written before the key was added: 0 then.
    #[serde(default)]
    pub gain_us: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedNearMiss {
    pub pattern: String,
    pub nodes: Vec<String>,
    pub reason: String,
    pub blocker: Option<String>,
    pub fix: String,
    #[serde(default)]
    pub ddr_bytes_saved: u64,
    /// Absent in reports written before the key was added: 0 then.
    #[serde(default)]
    pub gain_us: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedFinding {
    pub rule: String,
    pub title: String,
    pub severity: String,
    pub nodes: Vec<String>,
    pub message: String,
    pub fix: String,
    pub gain_us: Option<f64>,
    #[serde(default)]
    pub evidence: BTreeMap<String, serde_json::Value>,
}

/// One evidence value, as the report's writer had it (a number, a text, a list of texts).
#[derive(Debug, Clone, PartialEq)]
pub enum SavedEvidence {
    Int(i64),
    Num(f64),
    Text(String),
    List(Vec<String>),
}

impl SavedFinding {
    /// The evidence, key by key, in the report's order (keys sorted).
    pub fn evidence_items(&self) -> Vec<(String, SavedEvidence)> {
        use serde_json::Value;
        let text = |value: &Value| match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.evidence
            .iter()
            .map(|(key, value)| {
                let value = match value {
                    Value::Number(n) => match n.as_i64() {
                        Some(i) => SavedEvidence::Int(i),
                        None => SavedEvidence::Num(n.as_f64().unwrap_or(0.0)),
                    },
                    Value::Array(items) => SavedEvidence::List(items.iter().map(text).collect()),
                    other => SavedEvidence::Text(text(other)),
                };
                (key.clone(), value)
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedSkipped {
    pub rule: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedHotspot {
    pub op: String,
    #[serde(rename = "type")]
    pub op_type: String,
    pub unit: String,
    pub count: u64,
    pub total_us: f64,
    pub avg_us: f64,
    pub min_us: f64,
    pub max_us: f64,
    pub share: f64,
    #[serde(default)]
    pub memory_bound: Option<f64>,
    #[serde(default)]
    pub cube_utilization_pct: Option<f64>,
    #[serde(default)]
    pub nodes: Option<Vec<String>>,
}

impl SavedHotspot {
    /// The row as the profile report has it, so a reopened report and a fresh profile are shown
    /// by the same code; a unit id this opscope does not know reads as `other`.
    pub fn to_hotspot(&self) -> crate::report::profile::Hotspot {
        let unit = crate::profile::model::Unit::ALL
            .into_iter()
            .map(crate::profile::model::Unit::id)
            .find(|id| *id == self.unit)
            .unwrap_or("other");
        crate::report::profile::Hotspot {
            op: self.op.clone(),
            op_type: self.op_type.clone(),
            unit,
            count: self.count,
            total_us: self.total_us,
            avg_us: self.avg_us,
            min_us: self.min_us,
            max_us: self.max_us,
            share: self.share,
            memory_bound: self.memory_bound,
            cube_utilization_pct: self.cube_utilization_pct,
            nodes: self.nodes.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedProfile {
    pub files: Vec<String>,
    pub chip: Option<String>,
    pub rows: usize,
    pub total_us: f64,
    pub matched_share: f64,
}

/// Reads a report `file` (check it with [`crate::classify_file`] first); the error names the
/// file and, for malformed JSON, the line and column.
pub fn read_saved_report(file: &InputFile) -> Result<SavedReport, SavedReportError> {
    let report: SavedReport =
        serde_json::from_slice(&file.data).map_err(|err| SavedReportError::Invalid {
            file: file.name.clone(),
            detail: err.to_string(),
        })?;
    if report.schema_version > READABLE_SCHEMA {
        return Err(SavedReportError::Schema {
            file: file.name.clone(),
            found: report.schema_version,
            readable: READABLE_SCHEMA,
        });
    }
    Ok(report)
}
