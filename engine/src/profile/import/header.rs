//! CSV headers: columns are found by name (normalised), never by position.
//!
//! Normalising lowercases a name and keeps only letters, digits and `(`, `)`, `%`, so `Block Dim`,
//! `block_dim` and ` BLOCK DIM` are one name, and `Task Start Time(us)` differs from
//! `Task Start Time` (whose unit changed between CANN releases).

use crate::profile::model::{CoreSide, Pipe};

/// A header row: original names (for messages) and normalised names (for lookup).
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    pub names: Vec<String>,
    norm: Vec<String>,
}

pub(crate) fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '(' | ')' | '%'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Header {
    pub fn new<'a>(cells: impl IntoIterator<Item = &'a [u8]>) -> Header {
        let names: Vec<String> = cells
            .into_iter()
            .map(|cell| {
                let text = String::from_utf8_lossy(cell);
                text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '"')
                    .to_string()
            })
            .collect();
        let norm = names.iter().map(|n| normalise(n)).collect();
        Header { names, norm }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Index of the first alias present (aliases in normalised form, most specific first).
    pub fn find(&self, aliases: &[&str]) -> Option<usize> {
        aliases
            .iter()
            .find_map(|alias| self.norm.iter().position(|n| n == alias))
    }

    pub fn has(&self, aliases: &[&str]) -> bool {
        self.find(aliases).is_some()
    }

    pub fn name(&self, idx: usize) -> &str {
        self.names.get(idx).map(String::as_str).unwrap_or("?")
    }

    pub fn norm(&self, idx: usize) -> &str {
        self.norm.get(idx).map(String::as_str).unwrap_or("")
    }

    /// Header names for a message, shortened.
    pub fn describe(&self) -> String {
        const MAX: usize = 8;
        let mut text: Vec<String> = self
            .names
            .iter()
            .take(MAX)
            .map(|n| format!("`{n}`"))
            .collect();
        if self.names.len() > MAX {
            text.push(format!("… ({} columns)", self.names.len()));
        }
        text.join(", ")
    }
}

/// Aliases for a human message: "`Task Duration(us)`, `Duration(us)`".
pub(crate) fn expected(display: &[&str]) -> String {
    display
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Column aliases, normalised, with the display names used in messages.
pub(crate) mod names {
    pub const OP_NAME: &[&str] = &["opname", "name", "opnames", "nodename"];
    pub const OP_NAME_SHOWN: &[&str] = &["Op Name", "Name"];
    pub const OP_TYPE: &[&str] = &["optype", "type"];
    pub const OP_STATE: &[&str] = &["opstate"];
    pub const TASK_TYPE: &[&str] = &["tasktype", "acceleratorcore", "coretype"];
    pub const DURATION: &[&str] = &[
        "taskduration(us)",
        "duration(us)",
        "taskduration",
        "duration",
        "taskduration(ns)",
        "duration(ns)",
    ];
    pub const DURATION_SHOWN: &[&str] = &["Task Duration(us)", "Duration(us)", "Task Duration"];
    pub const WAIT: &[&str] = &[
        "taskwaittime(us)",
        "waittime(us)",
        "taskwaittime",
        "waittime",
    ];
    pub const START: &[&str] = &[
        "taskstarttime(us)",
        "starttime(us)",
        "taskstarttime(ns)",
        "starttime(ns)",
        "starttime(ms)",
        "taskstarttime",
        "starttime",
    ];
    pub const BLOCK: &[&str] = &["blocknum", "blockdim"];
    pub const MIX_BLOCK: &[&str] = &["mixblocknum", "mixblockdim"];
    pub const STREAM_ID: &[&str] = &["streamid", "physicstreamid"];
    pub const TASK_ID: &[&str] = &["taskid"];
    pub const TASK_IDS: &[&str] = &["taskids"];
    pub const INPUT_SHAPES: &[&str] = &["inputshapes"];
    pub const INPUT_DTYPES: &[&str] = &["inputdatatypes"];
    pub const INPUT_FORMATS: &[&str] = &["inputformats"];
    pub const OUTPUT_SHAPES: &[&str] = &["outputshapes"];
    pub const OUTPUT_DTYPES: &[&str] = &["outputdatatypes"];
    pub const OUTPUT_FORMATS: &[&str] = &["outputformats"];
    pub const CUBE_UTILIZATION: &[&str] = &["cubeutilization(%)", "cubeutilization"];
    pub const MEMORY_BOUND: &[&str] = &["memorybound"];
    pub const TOTAL_CYCLES: &[&str] = &["aictotalcycles", "totalcycles"];

    pub const COUNT: &[&str] = &["count", "calls", "opcount"];
    pub const TOTAL_TIME: &[&str] = &["totaltime(us)", "totaltime", "tasktime(us)"];
    pub const TOTAL_TIME_SHOWN: &[&str] = &["Total Time(us)", "Total Time"];
    pub const MIN_TIME: &[&str] = &["mintime(us)", "mintime", "min(us)"];
    pub const AVG_TIME: &[&str] = &["avgtime(us)", "avgtime", "avg(us)"];
    pub const MAX_TIME: &[&str] = &["maxtime(us)", "maxtime", "max(us)"];
    pub const RATIO: &[&str] = &["ratio(%)", "ratio"];

    pub const KERNEL_NAME: &[&str] = &["kernelname"];
    pub const KERNEL_TYPE: &[&str] = &["kerneltype"];
    pub const TASK_TIME: &[&str] = &["tasktime(us)", "tasktime"];
    pub const TASK_TIME_SHOWN: &[&str] = &["task_time(us)"];
    pub const TASK_START: &[&str] = &["taskstart(us)", "taskstart"];

    pub const FUSION_OP: &[&str] = &["fusionop"];
    pub const ORIGINAL_OPS: &[&str] = &["originalops"];
    pub const MODEL_NAME: &[&str] = &["modelname"];

    pub const HIT_RATE: &[&str] = &["hitrate"];
    pub const VICTIM_RATE: &[&str] = &["victimrate"];
}

/// A PMU ratio column: `[aic_|aiv_]<pipe>_ratio` or `<pipe>_exe_ratio` (normalised).
pub(crate) fn ratio_column(norm: &str) -> Option<(CoreSide, Pipe)> {
    let (side, rest) = if let Some(rest) = norm.strip_prefix("aic") {
        (CoreSide::Cube, rest)
    } else if let Some(rest) = norm.strip_prefix("aiv") {
        (CoreSide::Vector, rest)
    } else {
        (CoreSide::Whole, norm)
    };
    let pipe = rest
        .strip_suffix("exeratio")
        .or_else(|| rest.strip_suffix("ratio"))?;
    let pipe = match pipe {
        "mac" => Pipe::Mac,
        "vec" => Pipe::Vec,
        "scalar" => Pipe::Scalar,
        "mte1" => Pipe::Mte1,
        "mte2" => Pipe::Mte2,
        "mte3" => Pipe::Mte3,
        "fixpipe" => Pipe::Fixpipe,
        _ => return None,
    };
    Some((side, pipe))
}

/// Whether a normalised name is an AI Core metric column (any `--aic-metrics` group).
pub(crate) fn is_metric_column(norm: &str) -> bool {
    ratio_column(norm).is_some()
        || norm.contains("ratio")
        || norm.contains("totalcycles")
        || norm.contains("aicoretime")
        || norm.contains("bw(gb/s)")
        || norm.contains("fops")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_and_ratio_columns_parse() {
        assert_eq!(normalise(" Block Dim"), "blockdim");
        assert_eq!(normalise("Task Start Time(us)"), "taskstarttime(us)");
        assert_eq!(normalise("cube_utilization(%)"), "cubeutilization(%)");
        assert_eq!(
            ratio_column("aicmacratio"),
            Some((CoreSide::Cube, Pipe::Mac))
        );
        assert_eq!(
            ratio_column("aivmte2ratio"),
            Some((CoreSide::Vector, Pipe::Mte2))
        );
        assert_eq!(
            ratio_column("vecexeratio"),
            Some((CoreSide::Whole, Pipe::Vec))
        );
        assert_eq!(ratio_column("aicmacfp16ratio"), None);
        assert_eq!(ratio_column("icachemissrate"), None);
        let header = Header::new([&b"\xEF\xBB\xBFOp Name"[..], b"Block Num", b"Block Dim"]);
        assert_eq!(header.find(names::BLOCK), Some(1));
        assert_eq!(header.find(names::OP_NAME), Some(0));
    }
}
