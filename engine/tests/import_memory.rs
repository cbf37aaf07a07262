//! Memory while importing: the ONNX importer decodes the graph's nodes one at a time, so the
//! peak stays close to the graph it builds instead of holding the whole decoded file beside it
//! (about four times the graph's size before). Measured with a counting allocator, which is why
//! this test has a binary of its own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use opscope_engine::samples::{residual_chain, WeightStorage};
use opscope_engine::{import_model, InputFile};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = System.realloc(ptr, layout, new_size);
        if !new.is_null() {
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn importing_onnx_peaks_near_the_size_of_the_graph_it_builds() {
    let bytes = residual_chain(
        20_000,
        WeightStorage::External {
            location: "weights.bin".to_string(),
        },
    );
    let file = InputFile::new("chain.onnx", bytes);
    let before = CURRENT.load(Relaxed);
    PEAK.store(before, Relaxed);
    let model = import_model(&file).expect("the generated chain imports");
    let graph = CURRENT.load(Relaxed) - before;
    let peak = PEAK.load(Relaxed) - before;
    assert!(model.graph.nodes.len() > 20_000);
    // Before the lazy decoding the peak was 4.4 times the graph; now about 1.1.
    assert!(
        peak * 2 <= graph * 3,
        "importing peaked at {peak} bytes for a graph of {graph} bytes"
    );
}
