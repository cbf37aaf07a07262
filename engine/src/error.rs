//! The one error type of the import layer: it always names the file, where in it, and what was
//! expected, because that is what a person needs to fix or report a bad file.

use thiserror::Error;

/// Where in a file a problem was found. Binary formats give a byte offset and a field path, text
/// formats a line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub byte: Option<u64>,
    pub line_col: Option<(u32, u32)>,
    /// Field path such as `ModelProto.graph.node[3].attribute`.
    pub path: Option<String>,
}

impl Location {
    pub fn byte(offset: u64) -> Location {
        Location {
            byte: Some(offset),
            ..Location::default()
        }
    }

    pub fn line_col(line: u32, col: u32) -> Location {
        Location {
            line_col: Some((line, col)),
            ..Location::default()
        }
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Location {
        self.path = Some(path.into());
        self
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some((line, col)) = self.line_col {
            parts.push(format!("line {line}, column {col}"));
        }
        if let Some(byte) = self.byte {
            parts.push(format!("byte {byte}"));
        }
        if let Some(path) = &self.path {
            parts.push(format!("in {path}"));
        }
        if parts.is_empty() {
            f.write_str("start of file")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("{file}: the file is empty")]
    Empty { file: String },

    /// No importer recognised the content.
    #[error("{file}: {detail}")]
    UnknownFormat { file: String, detail: String },

    /// The content was recognised as a format but breaks its structure.
    #[error("{file}: invalid {format} file at {location}: {expected}")]
    Malformed {
        file: String,
        format: &'static str,
        location: Location,
        expected: String,
    },

    /// The file is well formed but goes past one of the bounds of [`crate::limits`].
    #[error("{file}: {format} file past a limit in {place}: {detail}")]
    OverLimit {
        file: String,
        format: &'static str,
        /// Path of the graph, node or attribute that went over (`graph.node[3] (conv1)`).
        place: String,
        detail: String,
    },
}

impl ImportError {
    pub fn file(&self) -> &str {
        match self {
            ImportError::Empty { file }
            | ImportError::UnknownFormat { file, .. }
            | ImportError::Malformed { file, .. }
            | ImportError::OverLimit { file, .. } => file,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_file_place_and_expectation() {
        let err = ImportError::Malformed {
            file: "m.onnx".into(),
            format: "ONNX",
            location: Location::byte(12).with_path("ModelProto.graph"),
            expected: "a length that fits in the file".into(),
        };
        assert_eq!(
            err.to_string(),
            "m.onnx: invalid ONNX file at byte 12, in ModelProto.graph: a length that fits in the file"
        );
        let err = ImportError::Malformed {
            file: "a.prototxt".into(),
            format: "Caffe",
            location: Location::line_col(3, 7),
            expected: "`}`".into(),
        };
        assert_eq!(
            err.to_string(),
            "a.prototxt: invalid Caffe file at line 3, column 7: `}`"
        );
    }
}
