//! Broken input never panics, gives clear errors or warnings with line numbers, and never loses
//! the rows that did parse: random bytes, truncated files, header-only files, wrong encodings,
//! missing columns, non-numbers, ragged rows and a 1 GiB file, fed to every importer.

use opscope_engine::profile::{import_profile, ProfileError, ProfileImport};
use opscope_engine::InputFile;

fn import_one(name: &str, data: Vec<u8>) -> ProfileImport {
    import_profile(&[InputFile::new(name, data)])
}

fn issues(import: &ProfileImport) -> Vec<String> {
    import.issues.iter().map(|i| i.to_string()).collect()
}

/// Issues other than the expected note of a MindStudio Op Statistic given alone.
fn unexpected(import: &ProfileImport) -> Vec<String> {
    issues(import)
        .into_iter()
        .filter(|i| !i.contains("no AI Core Metrics table was given"))
        .collect()
}

/// What an import holds, for comparing encodings: task count, statistic count, fusions, total.
fn shape(import: &ProfileImport) -> (usize, usize, usize, String) {
    let profile = &import.profile;
    (
        profile.tasks.len(),
        profile.op_statistics.len(),
        profile.fusions.len(),
        format!("{:.3}", profile.total_us()),
    )
}

/// One valid file per importer, with its name, the number of rows it yields, and a name cell
/// to spell in Latin-1.
const FIXTURES: &[(&str, &str)] = &[
    (
        "op_summary_0_1.csv",
        "Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Num,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,aic_mac_ratio,aic_mte2_ratio\n\
0,1,1,2,conv_cafe,Conv2D,static,AI_CORE,\"100.5\t\",20.25,0,8,\"\"\"1,3,8,8\"\"\",FLOAT16,NCHW,\"\"\"1,8,8,8\"\"\",FLOAT16,NC1HWC0,0.5,0.3\n\
0,1,2,2,relu_1,Relu,static,AI_VECTOR_CORE,\"130\t\",5,9.25,16,\"\"\"1,8,8,8\"\"\",FLOAT16,NC1HWC0,\"\"\"1,8,8,8\"\"\",FLOAT16,NC1HWC0,0,0.6\n\
0,1,3,2,pow_2,Pow,static,AI_CPU,\"140\t\",30,5,1,\"\"\"1,8\"\"\",FLOAT,ND,\"\"\"1,8\"\"\",FLOAT,ND,N/A,N/A\n",
    ),
    (
        "kernel_details.csv",
        "Step Id,Model ID,Task ID,Stream ID,Name,Type,OP State,Accelerator Core,Start Time(us),Duration(us),Wait Time(us),Block Dim,Mix Block Dim\n\
1,4294967295,10,2,conv_cafe,Conv2D,dynamic,AI_CORE,1000.5\t,30.25,0,24,0\n\
1,4294967295,11,2,trans_Cast_0,Cast,dynamic,AI_CPU,1040\t,12,9.25,1,0\n",
    ),
    (
        "op_statistic_0_1.csv",
        "Device_id,OP Type,Core Type,Count,Total Time(us),Min Time(us),Avg Time(us),Max Time(us),Ratio(%)\n\
0,conv_cafe,AI_CORE,3,90,20,30,40,75\n\
0,Pow,AI_CPU,1,30,30,30,30,25\n",
    ),
    (
        "task_time_0.csv",
        "Device_id,kernel_name,kernel_type,stream_id,task_id,task_time(us),task_start(us),task_stop(us)\n\
0,conv_cafe,KERNEL_AICORE,2,10,55.5,100.0,155.5\n\
0,Pow,KERNEL_AICPU,2,12,20,160,180\n",
    ),
    (
        "fusion_op_0_1.csv",
        "Device_id,Model Name,Model ID,Fusion Op,Original Ops,Memory Input(KB),Memory Output(KB),Memory Weight(KB),Memory Workspace(KB),Memory Total(KB)\n\
0,m,1,conv_cafe,conv;bn;relu,1,2,3,0,6\n",
    ),
    (
        "msprof_0.json",
        "[{\"name\": \"conv_cafe\", \"pid\": 1, \"tid\": 2, \"ts\": \"1000.5\", \"dur\": 30.25, \"ph\": \"X\", \"args\": {\"Task Type\": \"AI_CORE\", \"Physic Stream Id\": 2, \"Task Id\": 10}},\n\
{\"name\": \"pow\", \"pid\": 1, \"tid\": 2, \"ts\": \"1040\", \"dur\": 12, \"ph\": \"X\", \"args\": {\"Task Type\": \"AI_CPU\", \"Physic Stream Id\": 2, \"Task Id\": 11}},\n\
{\"name\": \"process_name\", \"pid\": 1, \"ph\": \"M\", \"args\": {\"name\": \"Ascend Hardware\"}}]\n",
    ),
    (
        "info.json",
        "{\"DeviceInfo\": [{\"id\": 0, \"ai_core_num\": 2, \"aic_frequency\": \"1000\", \"name\": \"cafe\"}], \"platform_version\": \"0\"}",
    ),
    (
        "summary_op_statistic.csv",
        "Op Name,Op Type,Task IDs,Count,Total Time(us)\nconv_cafe,Conv2D,\"3 7\",2,120\npow1,Pow,4,1,900\n",
    ),
    (
        "ai_core_metrics.csv",
        "Task ID,Stream ID,aicore_time,total_cycles,mac_ratio\n3,1,50,10000,0.7\n7,1,51,10100,0.7\n",
    ),
];

/// Deterministic pseudo-random bytes (xorshift64*).
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

#[test]
fn every_fixture_reads_cleanly() {
    for (name, text) in FIXTURES {
        let import = import_one(name, text.as_bytes().to_vec());
        assert!(import.errors.is_empty(), "{name}: {:?}", import.errors);
        assert!(
            unexpected(&import).is_empty(),
            "{name}: {:?}",
            import.issues
        );
        assert_eq!(import.profile.sources.len(), 1, "{name}");
    }
}

#[test]
fn random_bytes_never_panic_and_name_the_file() {
    for seed in 0..200u64 {
        let data = random_bytes(seed, (seed as usize * 37) % 3000 + 1);
        for (name, _) in FIXTURES {
            let import = import_one(name, data.clone());
            for error in &import.errors {
                assert!(error.to_string().starts_with(name), "{error}");
            }
        }
    }
    // Random rows under every real header: each bad row is an issue, and nothing panics.
    for (name, text) in FIXTURES {
        let header = text.lines().next().unwrap_or_default();
        for seed in 0..50u64 {
            let mut data = format!("{header}\n").into_bytes();
            data.extend(
                random_bytes(seed, 2000)
                    .into_iter()
                    .map(|b| if b == 0 { b',' } else { b }),
            );
            let _ = import_one(name, data);
        }
    }
}

#[test]
fn truncated_files_keep_what_came_before_the_cut() {
    for (name, text) in FIXTURES {
        let full = shape(&import_one(name, text.as_bytes().to_vec()));
        for cut in 0..text.len() {
            let import = import_one(name, text.as_bytes()[..cut].to_vec());
            let part = shape(&import);
            assert!(
                part.0 <= full.0 && part.1 <= full.1 && part.2 <= full.2,
                "{name} cut at {cut}"
            );
        }
    }
    // Cut inside the last row of an op_summary: the complete rows stay, the broken one is named.
    let (name, text) = FIXTURES[0];
    let cut = text.len() - 20;
    let import = import_one(name, text.as_bytes()[..cut].to_vec());
    assert_eq!(import.profile.tasks.len(), 2);
    assert_eq!(
        issues(&import),
        ["op_summary_0_1.csv: line 4: row has 16 fields, the header has 20, so its cells cannot be matched to columns; row skipped"]
    );
    // Cut inside the trace: the events before the cut are kept, with a warning. Without the
    // closing process_name event every task-type event counts.
    let (name, text) = FIXTURES[5];
    let cut = text.find("{\"name\": \"pow\"").unwrap_or(0) + 30;
    let import = import_one(name, text.as_bytes()[..cut].to_vec());
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert_eq!(import.profile.tasks.len(), 1);
    assert_eq!(
        issues(&import),
        [
            "msprof_0.json: line 2: JSON stops being valid here (EOF while parsing a string at line 2 column 30); the 1 events before it were kept",
            "msprof_0.json: no `Ascend Hardware` process in the trace; every event with a `Task Type` argument is taken as a device task"
        ]
    );
    // Cut before any event: an error with line and column.
    let import = import_one(name, text.as_bytes()[..20].to_vec());
    assert_eq!(
        import.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["msprof_0.json: invalid trace JSON at line 1, column 20: EOF while parsing a string at line 1 column 20"]
    );
}

#[test]
fn header_only_and_empty_files() {
    for (name, text) in FIXTURES {
        let header = text.lines().next().unwrap_or_default();
        if name.ends_with(".json") {
            continue;
        }
        let import = import_one(name, format!("{header}\n").into_bytes());
        assert!(import.errors.is_empty(), "{name}: {:?}", import.errors);
        assert_eq!(
            shape(&import).0 + shape(&import).1 + shape(&import).2,
            0,
            "{name}"
        );
        assert!(
            issues(&import)
                .iter()
                .any(|i| i.contains("no data rows") || i.contains("no compute tasks")),
            "{name}: {:?}",
            issues(&import)
        );
    }
    let import = import_one("msprof_0.json", b"[]".to_vec());
    assert!(import.errors.is_empty());
    assert_eq!(
        issues(&import),
        ["msprof_0.json: no device tasks in this trace"]
    );
    let import = import_one("op_summary_0.csv", Vec::new());
    assert_eq!(
        import.errors,
        [ProfileError::Empty {
            file: "op_summary_0.csv".into()
        }]
    );
    let import = import_one("op_summary_0.csv", b" \n\r\n".to_vec());
    assert_eq!(
        import.errors,
        [ProfileError::Empty {
            file: "op_summary_0.csv".into()
        }]
    );
}

/// `text` re-encoded as UTF-16 with a byte-order mark.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

#[test]
fn encodings_utf8_bom_utf16_and_latin1() {
    for (name, text) in FIXTURES {
        let expected = shape(&import_one(name, text.as_bytes().to_vec()));
        // UTF-8 with a BOM: read silently.
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let import = import_one(name, bom);
        assert_eq!(shape(&import), expected, "{name} with a UTF-8 BOM");
        assert!(
            unexpected(&import).is_empty(),
            "{name}: {:?}",
            import.issues
        );
        // UTF-16 with a BOM, both byte orders: converted, with a note.
        for little in [true, false] {
            let import = import_one(name, utf16(text, little));
            assert_eq!(
                shape(&import),
                expected,
                "{name} in UTF-16 (little endian: {little})"
            );
            assert!(
                import.issues[0].message.starts_with("the file is UTF-16"),
                "{:?}",
                import.issues
            );
        }
        // Latin-1: `é` as the single byte 0xE9 in a name. CSV rows are kept with the byte
        // replaced, and the line is named; JSON must be UTF-8, so the file is an error there.
        let latin1: Vec<u8> = text
            .replace("cafe", "caf\u{e9}")
            .chars()
            .map(|c| c as u32 as u8)
            .collect();
        let import = import_one(name, latin1);
        if name.ends_with(".json") {
            assert_eq!(import.errors.len(), 1, "{name}");
            assert!(
                import.errors[0].to_string().contains("line 1"),
                "{}",
                import.errors[0]
            );
        } else {
            assert_eq!(shape(&import), expected, "{name} in Latin-1");
        }
    }
    let latin1: Vec<u8> = FIXTURES[0]
        .1
        .replace("cafe", "caf\u{e9}")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let import = import_one("op_summary_0_1.csv", latin1);
    assert_eq!(
        issues(&import),
        ["op_summary_0_1.csv: line 2: text is not UTF-8 (Latin-1 or another legacy encoding?); invalid bytes replaced by U+FFFD (later lines not reported)"]
    );
    assert_eq!(
        import.profile.str(import.profile.tasks[0].name),
        "conv_caf\u{fffd}"
    );
}

#[test]
fn missing_columns_are_errors_naming_the_file_line_and_column() {
    let import = import_one(
        "op_summary_1.csv",
        b"Op Name,OP Type,Task Type,Task Start Time(us)\nconv,Conv2D,AI_CORE,10\n".to_vec(),
    );
    assert_eq!(
        import.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["op_summary_1.csv: line 1: the op_summary header has no duration column (expected one of `Task Duration(us)`, `Duration(us)`, `Task Duration`)"]
    );
    let import = import_one(
        "op_statistic.csv",
        b"OP Type,Core Type,Count,Avg Time(us)\nConv2D,AI_CORE,1,3\n".to_vec(),
    );
    assert_eq!(import.errors.len(), 1);
    assert!(import.errors[0].to_string().starts_with("op_statistic.csv: a CSV whose header (`OP Type`, `Core Type`, `Count`, `Avg Time(us)`) matches no Ascend profiling table"), "{}", import.errors[0]);
    let import = import_one("notes.csv", b"a,b\n1,2\n".to_vec());
    assert!(import.errors[0]
        .to_string()
        .contains("matches no Ascend profiling table"));
    let import = import_one("config.json", br#"{"name": "x"}"#.to_vec());
    assert_eq!(
        import.errors[0].to_string(),
        "config.json: a JSON object with keys `name` is not an Ascend profiling file (expected a trace event array (msprof_*.json, trace_view.json, task_time_*.json), an info.json with `platform_version` and `DeviceInfo`, or a MindStudio export `{\"status\", \"info\", \"data\"}`)"
    );
    // One unreadable file does not stop the others.
    let import = import_profile(&[
        InputFile::new("notes.csv", b"a,b\n".to_vec()),
        InputFile::new(FIXTURES[0].0, FIXTURES[0].1.as_bytes().to_vec()),
    ]);
    assert_eq!(import.errors.len(), 1);
    assert_eq!(import.profile.tasks.len(), 3);
}

#[test]
fn non_numbers_and_ragged_rows_are_warnings_and_good_rows_stay() {
    let csv =
        "Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us),Block Dim,aic_mac_ratio\n\
a,Relu,AI_CORE,10,5,8,0.1\n\
b,Relu,AI_CORE,20,abc,8,0.1\n\
c,Relu,AI_CORE,30,-4,8,0.1\n\
d,Relu,AI_CORE,40,N/A,8,0.1\n\
e,Relu,AI_CORE,oops,6,x8,zero\n\
f,Relu,AI_CORE,60,7\n\
g,Relu,AI_CORE,70,8,8,0.1,extra\n\
h,Relu,AI_CORE,80,9,8,0.1,,\n";
    let import = import_one("op_summary_2.csv", csv.as_bytes().to_vec());
    let names: Vec<&str> = import
        .profile
        .tasks
        .iter()
        .map(|t| import.profile.str(t.name))
        .collect();
    assert_eq!(names, ["a", "e", "h"]);
    assert_eq!(import.profile.total_us(), 20.0);
    assert_eq!(
        issues(&import),
        [
            "op_summary_2.csv: line 3, column `Task Duration(us)`: expected a number, found `abc`; row skipped",
            "op_summary_2.csv: line 4, column `Task Duration(us)`: negative duration -4; row skipped",
            "op_summary_2.csv: line 5, column `Task Duration(us)`: no duration (`N/A` or empty); row skipped",
            "op_summary_2.csv: line 6, column `Task Start Time(us)`: expected a number, found `oops`; read as N/A",
            "op_summary_2.csv: line 6, column `Block Dim`: expected a whole number, found `x8`; read as N/A",
            "op_summary_2.csv: line 6, column `aic_mac_ratio`: expected a number, found `zero`; read as N/A",
            "op_summary_2.csv: line 7: row has 5 fields, the header has 7, so its cells cannot be matched to columns; row skipped",
            "op_summary_2.csv: line 8: row has 8 fields, the header has 7, so its cells cannot be matched to columns; row skipped",
        ]
    );
    // A file with many bad rows lists the first 20 and counts the rest.
    let mut many = String::from("Op Name,Task Duration(us)\n");
    for idx in 0..100 {
        many.push_str(&format!("op{idx},bad\n"));
    }
    many.push_str("good,1.5\n");
    let import = import_one("op_summary_3.csv", many.into_bytes());
    assert_eq!(import.profile.tasks.len(), 1);
    assert_eq!(import.issues.len(), 21);
    assert_eq!(
        import.issues[20].to_string(),
        "op_summary_3.csv: 80 more row problems not listed"
    );
}

#[test]
fn a_gibibyte_of_zeros_is_rejected_at_once() {
    // calloc'd, so building it costs nothing; detection reads only the head.
    let import = import_one("op_summary_big.csv", vec![0u8; 1 << 30]);
    assert_eq!(
        import.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["op_summary_big.csv: binary data, not an Ascend profiling CSV or JSON file (it starts with the bytes 00 00 00 00 00 00 00 00)"]
    );
}

#[test]
fn a_large_op_summary_streams_and_keeps_every_row() {
    // 1 GiB in release builds; 64 MiB in debug builds, where the same code runs ~20× slower
    // (`cargo test --release -p opscope-engine --test profile_malformed` runs the full size).
    let target: usize = if cfg!(debug_assertions) {
        64 << 20
    } else {
        1 << 30
    };
    let header = "Device_id,Model ID,Task ID,Stream ID,Op Name,OP Type,OP State,Task Type,Task Start Time(us),Task Duration(us),Task Wait Time(us),Block Num,Input Shapes,Input Data Types,Input Formats,Output Shapes,Output Data Types,Output Formats,aic_mac_ratio,aic_mte2_ratio\n";
    let rows = [
        "0,1,7,2,conv1,Conv2D,static,AI_CORE,\"100.5\t\",20.25,0,8,\"\"\"1,3,224,224\"\"\",FLOAT16,NCHW,\"\"\"1,8,224,224\"\"\",FLOAT16,NC1HWC0,0.5,0.3\n",
        "0,1,8,2,relu1,Relu,static,AI_VECTOR_CORE,\"130\t\",4.75,9.25,16,\"\"\"1,8,224,224\"\"\",FLOAT16,NC1HWC0,\"\"\"1,8,224,224\"\"\",FLOAT16,NC1HWC0,0,0.6\n",
    ];
    let pair = rows[0].len() + rows[1].len();
    let pairs = (target - header.len()) / pair;
    let mut data = Vec::with_capacity(header.len() + pairs * pair + 16);
    data.extend_from_slice(header.as_bytes());
    for _ in 0..pairs {
        data.extend_from_slice(rows[0].as_bytes());
        data.extend_from_slice(rows[1].as_bytes());
    }
    // A broken last line, as when a copy is cut short.
    data.extend_from_slice(b"0,1,9,2,cut");
    let import = import_one("op_summary_big.csv", data);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    let profile = &import.profile;
    assert_eq!(profile.tasks.len(), pairs * 2);
    assert_eq!(profile.total_us(), pairs as f64 * 25.0);
    // Two names, types and task types, a few shapes: the interner stays tiny.
    assert!(profile.strings.len() < 20, "{}", profile.strings.len());
    let last_line = pairs * 2 + 2;
    assert_eq!(
        issues(&import),
        [format!("op_summary_big.csv: line {last_line}: row has 5 fields, the header has 20, so its cells cannot be matched to columns; row skipped")]
    );
}
