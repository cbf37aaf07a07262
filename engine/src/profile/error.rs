//! Errors (a file that cannot be read at all) and issues (a row or value that was skipped while
//! the rest of the file was kept) of the profile importers.

use thiserror::Error;

/// A profiling file that could not be read. Always names the file, the place in it and what was
/// expected.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ProfileError {
    #[error("{file}: the file is empty")]
    Empty { file: String },

    /// No importer recognised the content.
    #[error("{file}: {detail}")]
    UnknownFormat { file: String, detail: String },

    /// A recognised table lacks a column it cannot do without.
    #[error("{file}: line {line}: the {format} header has no {column} column (expected one of {expected})")]
    MissingColumn {
        file: String,
        line: u64,
        format: &'static str,
        column: &'static str,
        expected: String,
    },

    /// The text is not in an encoding the importers read.
    #[error("{file}: {detail}")]
    Encoding { file: String, detail: String },

    /// JSON syntax error before any usable entry was read.
    #[error("{file}: invalid {format} JSON at line {line}, column {column}: {detail}")]
    Json {
        file: String,
        format: &'static str,
        line: u64,
        column: u64,
        detail: String,
    },

    /// CSV structure error before any usable row was read.
    #[error("{file}: invalid {format} CSV at line {line}: {detail}")]
    Csv {
        file: String,
        format: &'static str,
        line: u64,
        detail: String,
    },

    /// The bytes could not be read (a streamed file whose source failed before any row).
    #[error("{file}: the file could not be read ({detail})")]
    Read { file: String, detail: String },
}

impl ProfileError {
    pub fn file(&self) -> &str {
        match self {
            ProfileError::Empty { file }
            | ProfileError::UnknownFormat { file, .. }
            | ProfileError::MissingColumn { file, .. }
            | ProfileError::Encoding { file, .. }
            | ProfileError::Json { file, .. }
            | ProfileError::Csv { file, .. }
            | ProfileError::Read { file, .. } => file,
        }
    }
}

/// A recoverable problem: a row, value or whole file that was skipped or reinterpreted while the
/// rest was kept. Displayed as `file: line N, column `X`: message`.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{file}: {}{message}", place(*.line, .column.as_deref()))]
pub struct ProfileIssue {
    pub file: String,
    /// 1-based line (CSV), or event number (JSON, see the message); `None` for the whole file.
    pub line: Option<u64>,
    /// Header name of the column, when one column is at fault.
    pub column: Option<String>,
    pub message: String,
}

fn place(line: Option<u64>, column: Option<&str>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("line {line}, column `{column}`: "),
        (Some(line), None) => format!("line {line}: "),
        (None, Some(column)) => format!("column `{column}`: "),
        (None, None) => String::new(),
    }
}

impl ProfileIssue {
    pub fn file(file: &str, message: impl Into<String>) -> ProfileIssue {
        ProfileIssue {
            file: file.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(
        file: &str,
        line: u64,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> ProfileIssue {
        ProfileIssue {
            file: file.to_string(),
            line: Some(line),
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

/// Collects the issues of one file, keeping the first [`IssueSink::MAX_PER_FILE`] row issues and
/// counting the rest, so a huge broken file yields a readable list, not millions of lines.
#[derive(Debug)]
pub(crate) struct IssueSink<'a> {
    pub file: &'a str,
    pub issues: Vec<ProfileIssue>,
    row_issues: usize,
}

impl<'a> IssueSink<'a> {
    pub const MAX_PER_FILE: usize = 20;

    pub fn new(file: &'a str) -> IssueSink<'a> {
        IssueSink {
            file,
            issues: Vec::new(),
            row_issues: 0,
        }
    }

    /// A problem with one row or value; only the first few per file are kept.
    pub fn row(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        self.row_issues += 1;
        if self.row_issues <= Self::MAX_PER_FILE {
            self.issues
                .push(ProfileIssue::at(self.file, line, column, message));
        }
    }

    /// A problem with one entry of a JSON file, located by its path in the document
    /// (`data.table[3] `Time(ns)``); counted and capped like [`IssueSink::row`].
    pub fn entry(&mut self, path: &str, message: impl Into<String>) {
        self.row_issues += 1;
        if self.row_issues <= Self::MAX_PER_FILE {
            self.issues.push(ProfileIssue::file(
                self.file,
                format!("{path}: {}", message.into()),
            ));
        }
    }

    /// A note about the whole file; always kept.
    pub fn file_note(&mut self, message: impl Into<String>) {
        self.issues.push(ProfileIssue::file(self.file, message));
    }

    pub fn finish(mut self) -> Vec<ProfileIssue> {
        if self.row_issues > Self::MAX_PER_FILE {
            let more = self.row_issues - Self::MAX_PER_FILE;
            self.issues.push(ProfileIssue::file(
                self.file,
                format!("{more} more row problems not listed"),
            ));
        }
        self.issues
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_file_line_and_column() {
        let err = ProfileError::MissingColumn {
            file: "op_summary_1.csv".into(),
            line: 1,
            format: "op_summary",
            column: "duration",
            expected: "`Task Duration(us)`, `Duration(us)`".into(),
        };
        assert_eq!(
            err.to_string(),
            "op_summary_1.csv: line 1: the op_summary header has no duration column (expected one of `Task Duration(us)`, `Duration(us)`)"
        );
        let issue = ProfileIssue::at(
            "k.csv",
            7,
            Some("Duration(us)"),
            "expected a number, found `abc`",
        );
        assert_eq!(
            issue.to_string(),
            "k.csv: line 7, column `Duration(us)`: expected a number, found `abc`"
        );
        assert_eq!(
            ProfileIssue::file("k.csv", "no rows").to_string(),
            "k.csv: no rows"
        );
    }

    #[test]
    fn sink_caps_row_issues() {
        let mut sink = IssueSink::new("f.csv");
        for line in 0..25 {
            sink.row(line, None, "bad");
        }
        sink.file_note("note");
        let issues = sink.finish();
        assert_eq!(issues.len(), IssueSink::MAX_PER_FILE + 2);
        assert_eq!(
            issues.last().map(|i| i.message.as_str()),
            Some("5 more row problems not listed")
        );
    }
}
