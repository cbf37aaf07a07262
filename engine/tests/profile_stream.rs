//! A profiling file streamed by pieces ([`import_profile_inputs`] with a [`StreamedFile`]) gives
//! exactly what the same bytes in memory give: the profile, every issue with its line, every
//! error. Checked on the real samples (when present) and on generated tables built to hit the
//! stream's edges: CRLF, blank lines, quoted line breaks, a row longer than the kept window,
//! bad cells far into a large file, the row limit; and the read failures only a stream has.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use opscope_engine::limits::{LimitId, Limits};
use opscope_engine::profile::{
    import_profile, import_profile_inputs, ProfileError, ProfileImport, ProfileInput, StreamedFile,
};
use opscope_engine::InputFile;

/// Hands out the bytes a few at a time (1 to 97, varying) and every third read as many as asked
/// (the csv reader asks for 64 KB), and fails once `fail_at` bytes are given.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    turn: usize,
    fail_at: Option<usize>,
}

impl Trickle {
    fn new(data: Vec<u8>) -> Self {
        Trickle {
            data,
            at: 0,
            turn: 0,
            fail_at: None,
        }
    }
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.fail_at.is_some_and(|end| self.at >= end) {
            return Err(io::Error::other("NotReadableError: the file changed"));
        }
        self.turn += 1;
        let mut n = if self.turn.is_multiple_of(3) {
            buf.len()
        } else {
            (self.turn * 37 % 97 + 1).min(buf.len())
        };
        n = n.min(self.data.len() - self.at);
        if let Some(end) = self.fail_at {
            n = n.min(end - self.at);
        }
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn whole(name: &str, data: &[u8], limits: Limits) -> ProfileImport {
    import_profile(&[InputFile::new(name, data.to_vec()).with_limits(limits)])
}

fn streamed(name: &str, mut source: Trickle, limits: Limits) -> ProfileImport {
    let size = source.data.len() as u64;
    import_profile_inputs(vec![ProfileInput::Streamed(StreamedFile {
        name: name.to_string(),
        limits,
        size,
        reader: &mut source,
    })])
}

/// Everything an import holds, as text.
fn all_of(import: &ProfileImport) -> String {
    format!(
        "{:?}\n{:?}\n{:?}",
        import.profile, import.issues, import.errors
    )
}

fn check_same(name: &str, data: &[u8], limits: Limits) -> ProfileImport {
    let expected = whole(name, data, limits);
    let got = streamed(name, Trickle::new(data.to_vec()), limits);
    assert!(
        all_of(&expected) == all_of(&got),
        "{name}: streamed differs from whole\n--- whole\n{}\n--- streamed\n{}",
        all_of(&expected),
        all_of(&got)
    );
    got
}

const SUMMARY_HEADER: &str = "Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Dim,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,aic_mac_ratio,aic_mte2_ratio";

/// An op_summary of `rows` rows (about 170 bytes each) with what a stream must get right:
/// `eol` line ends, a blank line every 500 rows, a bad duration every 97, a quoted cell
/// holding a line break every 1,009, and one row with a `long`-byte shape cell near the end.
fn op_summary(rows: usize, eol: &str, long: usize) -> Vec<u8> {
    let mut text = String::with_capacity(rows * 180 + long);
    text.push_str(SUMMARY_HEADER);
    text.push_str(eol);
    for i in 0..rows {
        if i % 500 == 499 {
            text.push_str(eol);
        }
        let duration = if i % 97 == 96 || i == rows.saturating_sub(2) {
            "fast".to_string()
        } else {
            format!("{}.{}", 3 + i % 40, i % 10)
        };
        let name = if i % 1009 == 1008 {
            format!("\"conv_{i}{eol}split\"")
        } else {
            format!("conv_{}", i % 300)
        };
        let shape = if i == rows.saturating_sub(3) {
            format!("\"\"\"{}\"\"\"", "7,".repeat(long / 2))
        } else {
            "\"\"\"1,64,56,56\"\"\"".to_string()
        };
        text.push_str(&format!(
            "0,1,{},2,{name},Conv2D,AI_CORE,{}.5,{duration},0.25,8,{shape},FLOAT16,NCHW,\"\"\"1,64,56,56\"\"\",FLOAT16,NC1HWC0,0.5,0.25{eol}",
            i % 65000,
            1000 + i * 20,
        ));
    }
    text.into_bytes()
}

#[test]
fn a_large_table_streamed_gives_the_same_rows_issues_and_lines() {
    // About 3.5 MB: the kept window (1 MB) is cut several times; the long row is 300 KB, longer
    // than what is kept before the reader's position.
    for eol in ["\n", "\r\n"] {
        let data = op_summary(20_000, eol, 300 << 10);
        let import = check_same("op_summary_0_1.csv", &data, Limits::default());
        assert!(import.profile.tasks.len() > 19_000, "{eol:?}");
        // Every task keeps the line of its row (compared above); the last ones are past the
        // blank lines and quoted breaks.
        let last_line = import.profile.tasks.iter().map(|t| t.line).max();
        assert!(last_line > Some(20_000), "{last_line:?}");
    }
}

#[test]
fn the_row_limit_applies_to_a_stream_as_to_a_file() {
    let data = op_summary(3_000, "\n", 10);
    let limits = Limits::default().with(LimitId::CsvRows, 1_000);
    let import = check_same("op_summary_0_1.csv", &data, limits);
    assert!(import.profile.tasks.len() <= 1_000);
    assert!(
        import.issues.iter().any(|i| i.message.contains("csv_rows")),
        "{:?}",
        import.issues
    );
}

#[test]
fn what_cannot_be_streamed_is_read_whole_with_the_same_outcome() {
    let csv = op_summary(50, "\n", 10);
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in String::from_utf8_lossy(&csv).encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(&csv);
    let timeline = br#"[{"name":"conv_1","ph":"X","ts":"100","dur":20,"pid":1,"tid":2,"args":{"Task Type":"AI_CORE"}},{"name":"process_name","ph":"M","pid":1,"args":{"name":"Ascend Hardware"}}]"#;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("op_summary_utf16.csv", utf16),
        ("op_summary_bom.csv", bom),
        ("msprof_0.json", timeline.to_vec()),
        ("empty.csv", Vec::new()),
        ("blank.csv", b" \n\n  \r\n".to_vec()),
        ("binary.csv", vec![0, 1, 2, 3, 0xFF, 0x7F, 0, 0]),
        ("notes.csv", b"a,b,c\n1,2,3\n".to_vec()),
    ];
    for (name, data) in cases {
        check_same(name, &data, Limits::default());
    }
}

#[test]
fn a_stream_that_fails_midway_keeps_the_rows_read_and_says_where() {
    let data = op_summary(2_000, "\n", 10);
    let mut source = Trickle::new(data.clone());
    source.fail_at = Some(data.len() / 2);
    let import = streamed("op_summary_0_1.csv", source, Limits::default());
    let rows = import.profile.tasks.len();
    assert!((900..1_100).contains(&rows), "{rows} rows kept");
    let note = import
        .issues
        .iter()
        .find(|issue| issue.message.contains("could not be read past line"))
        .unwrap_or_else(|| panic!("no note of the failure: {:?}", import.issues));
    assert!(note.message.contains("NotReadableError"), "{note}");
    assert!(import.errors.is_empty(), "{:?}", import.errors);
}

#[test]
fn a_stream_that_fails_at_once_is_an_error_naming_the_file() {
    let mut source = Trickle::new(op_summary(10, "\n", 10));
    source.fail_at = Some(0);
    let import = streamed("op_summary_0_1.csv", source, Limits::default());
    assert!(import.profile.tasks.is_empty());
    match import.errors.as_slice() {
        [err @ ProfileError::Read { .. }] => assert_eq!(
            err.to_string(),
            "op_summary_0_1.csv: the file could not be read (NotReadableError: the file changed)"
        ),
        other => panic!("{other:?}"),
    }
}

fn sample_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sample_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "csv" || ext == "json")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_real_sample_streamed_gives_what_it_gives_whole() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples/profiling");
    let mut files = Vec::new();
    sample_files(&dir, &mut files);
    for path in files {
        let data = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        check_same(&name, &data, Limits::default());
    }
}

#[test]
fn a_table_is_told_from_its_head() {
    use opscope_engine::profile::is_streamed_table;
    let table = op_summary(100, "\r\n", 10);
    assert!(is_streamed_table("op_summary_0_1.csv", &table[..4096]));
    assert!(
        is_streamed_table("anything.txt", &table[..4096]),
        "by content"
    );
    // The header cut short, JSON, text that is not a known table, UTF-16: read whole instead.
    assert!(!is_streamed_table("op_summary_0_1.csv", &table[..40]));
    assert!(!is_streamed_table(
        "trace_view.json",
        br#"[{"name":"x","ph":"X"}]"#
    ));
    assert!(!is_streamed_table("notes.csv", b"a,b,c\n1,2,3\n"));
    assert!(!is_streamed_table(
        "op_summary.csv",
        &[0xFF, 0xFE, b'D', 0, b'e', 0]
    ));
}
