//! Memory while streaming a large profiling table: the peak is the rows the profile keeps plus a
//! few MB (the kept window, the csv reader's buffer, the file's head), never the file; and the
//! rows cost what they cost today, so a regression in either shows. Measured with a counting
//! allocator, which is why this test has a binary of its own.

use std::sync::atomic::Ordering::Relaxed;

use opscope_engine::profile::{import_profile_inputs, ProfileInput, StreamedFile};
use opscope_engine::samples::write_a2_op_summary;

mod counting_alloc;

use counting_alloc::{CURRENT, PEAK};

#[global_allocator]
static ALLOCATOR: counting_alloc::Counting = counting_alloc::Counting;

#[test]
fn streaming_a_table_holds_its_rows_not_the_file() {
    // 24 MB in a real A2 run's 32 columns (with the bandwidth metrics, so every row has PMU
    // values), about 100,000 rows.
    let mut file = Vec::new();
    let rows = write_a2_op_summary(&mut file, 24 << 20).expect("in memory") as usize;
    let size = file.len() as u64;
    let mut reader: &[u8] = &file;
    let before = CURRENT.load(Relaxed);
    PEAK.store(before, Relaxed);
    let import = import_profile_inputs(vec![ProfileInput::Streamed(StreamedFile {
        name: "op_summary_0_1.csv".to_string(),
        limits: Default::default(),
        size,
        reader: &mut reader,
    })]);
    let held = CURRENT.load(Relaxed).saturating_sub(before);
    let peak = PEAK.load(Relaxed).saturating_sub(before);
    assert_eq!(import.profile.tasks.len(), rows);
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    let per_row = held as f64 / rows as f64;
    eprintln!(
        "{} MB file, {rows} rows: held {:.1} MB ({per_row:.0} B per row), peak {:.1} MB",
        size >> 20,
        held as f64 / 1e6,
        peak as f64 / 1e6
    );
    assert!(
        peak <= held + (4 << 20),
        "the peak ({peak} B) is more than the rows kept ({held} B) plus 4 MB"
    );
    // A task (128 B) and its PMU values (112 B), plus 3% of room reserved: 250 B per row today.
    assert!(per_row <= 260.0, "{per_row:.0} B per row kept (250 today)");
}
