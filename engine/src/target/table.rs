//! The target table: one row per chip. Sources are abbreviated as in
//! `../shared/design/ascend.md` (section 5 unless said otherwise); "ini" means the CANN
//! `platform_config/<chip>.ini` as quoted in public repositories (not read from a CANN install).

use super::{Figure, TargetId, TargetSpec};

const KIB: f64 = 1024.0;
const MIB: f64 = 1024.0 * 1024.0;

const DAVINCI_CUBE: &str =
    "DaVinci cube 16×16×16 fp16 = 4096 MAC/cycle (Hot Chips 2019, ascend.md 5)";
const C0_16: &str = "C0 = 16 for 16/32-bit types (hiascend TransDataTo5HD, ascend.md 4.1)";
const C0_8: &str = "C0 = 32 for int8/uint8 (hiascend TransDataTo5HD, ascend.md 4.1)";

/// Every target. The first row is the default (the tuning guide's Ascend 310).
pub const TARGETS: &[TargetSpec] = &[
    TargetSpec {
        id: TargetId::Ascend310,
        name: "Ascend 310",
        chip: "Ascend310",
        separate_vector_cores: false,
        ai_cores: Figure::documented(2.0, "count", "Atlas 500 dev guide: two AI Cores (ascend.md 5)"),
        vector_cores: Figure::documented(0.0, "count", "vector unit inside each AI Core; msprof masks aiv_* columns on chip 0 (ascend.md 1.2)"),
        cube_m: Figure::documented(16.0, "elements", DAVINCI_CUBE),
        cube_k: Figure::documented(16.0, "elements", DAVINCI_CUBE),
        cube_n: Figure::documented(16.0, "elements", DAVINCI_CUBE),
        c0_fp16: Figure::documented(16.0, "elements", C0_16),
        c0_int8: Figure::documented(32.0, "elements", C0_8),
        ub_bytes: Figure::uncertain(256.0 * KIB, "bytes", "hicann/ge test stub EVB1910 (a unit-test stub, not a spec); 248 KB usable is also quoted"),
        l1_bytes: Figure::uncertain(MIB, "bytes", "hicann/ge test stub EVB1910"),
        l0a_bytes: Figure::uncertain(64.0 * KIB, "bytes", "hicann/ge test stub EVB1910"),
        l0b_bytes: Figure::uncertain(64.0 * KIB, "bytes", "hicann/ge test stub EVB1910"),
        l0c_bytes: Figure::uncertain(256.0 * KIB, "bytes", "hicann/ge test stub EVB1910"),
        l2_bytes: Figure::uncertain(8.0 * MIB, "bytes", "hicann/ge test stub EVB1910"),
        cube_fp16_tflops: Figure::documented(8.0, "TFLOPS", "HiSilicon Ascend 310 launch (2018): 8 TFLOPS FP16 at 8 W; Hot Chips 2019"),
        cube_int8_tops: Figure::documented(16.0, "TOPS", "HiSilicon Ascend 310 launch (2018): 16 TOPS INT8"),
        vector_fp16_tflops: Figure::derived(0.25, "TFLOPS", "vector 256 B/cycle = 128 fp16 lanes (test stub) × 2 cores × 0.98 GHz (derived clock)"),
        memory_gbs: Figure::uncertain(68.0, "GB/s", "LPDDR4X 128-bit (Atlas 500 guide); speed grade not documented: 4266 MT/s assumed; test stub says DDR 67"),
        ai_cpu_cores: Figure::uncertain(4.0, "count", "8 Cortex-A55 shared by control CPU and AI CPU (ascend.md 5); the split is configurable, 4 assumed"),
        clock_mhz: Figure::uncertain(980.0, "MHz", "derived: 8 TFLOPS / (2 cores × 4096 MAC × 2); a real Atlas 200 DK export ran at 680 MHz (samples SOURCES.md); info.json overrides"),
        kernel_overhead_us: Figure::derived(7.9, "us", "real Atlas 200 DK export (samples mindstudio-310-derain timeline_ts_0.json): the smallest of 12,532 AI Core tasks takes 7.9 us, an upper bound of the fixed cost"),
    },
    TargetSpec {
        id: TargetId::Ascend310P,
        name: "Ascend 310P",
        chip: "Ascend310P",
        separate_vector_cores: false,
        ai_cores: Figure::documented(8.0, "count", "ini Ascend310P3: ai_core_cnt=8"),
        vector_cores: Figure::documented(7.0, "count", "ini Ascend310P3: vector_core_cnt=7 (msprof still reports AI_CORE tasks on chip 4, ascend.md 1.2)"),
        cube_m: Figure::documented(16.0, "elements", DAVINCI_CUBE),
        cube_k: Figure::documented(16.0, "elements", DAVINCI_CUBE),
        cube_n: Figure::documented(16.0, "elements", DAVINCI_CUBE),
        c0_fp16: Figure::documented(16.0, "elements", C0_16),
        c0_int8: Figure::documented(32.0, "elements", C0_8),
        ub_bytes: Figure::documented(256.0 * KIB, "bytes", "ini Ascend310P3: UB 256 KiB"),
        l1_bytes: Figure::documented(MIB, "bytes", "ini Ascend310P3: L1 1 MiB"),
        l0a_bytes: Figure::documented(64.0 * KIB, "bytes", "ini Ascend310P3: L0A 64 KiB"),
        l0b_bytes: Figure::documented(64.0 * KIB, "bytes", "ini Ascend310P3: L0B 64 KiB"),
        l0c_bytes: Figure::documented(256.0 * KIB, "bytes", "ini Ascend310P3: L0C 256 KiB"),
        l2_bytes: Figure::documented(16.0 * MIB, "bytes", "ini Ascend310P3: L2 16 MiB"),
        cube_fp16_tflops: Figure::uncertain(70.0, "TFLOPS", "Atlas 300I Pro (one 310P3): 70 TFLOPS FP16 as marketed; third-party pages, not in ascend.md"),
        cube_int8_tops: Figure::uncertain(140.0, "TOPS", "Atlas 300I Pro: 140 TOPS INT8; Atlas 300I Duo (two chips): 280 TOPS (third-party pages)"),
        vector_fp16_tflops: Figure::derived(1.1, "TFLOPS", "128 fp16 lanes × 8 AI Cores × 1.08 GHz (derived clock); the 7 vector cores are not counted"),
        memory_gbs: Figure::uncertain(204.0, "GB/s", "Atlas 300I Duo: 408 GB/s for two chips (third-party pages)"),
        ai_cpu_cores: Figure::uncertain(4.0, "count", "8 CPU cores shared by control CPU and AI CPU; the split is configurable, 4 assumed"),
        clock_mhz: Figure::derived(1080.0, "MHz", "derived: 70 TFLOPS / (8 cores × 4096 MAC × 2); info.json overrides"),
        kernel_overhead_us: Figure::uncertain(3.0, "us", "not measured: between the 310's 7.9 us and the 910B's 1 us (no public 310P profile)"),
    },
    TargetSpec {
        id: TargetId::Ascend910B,
        name: "Ascend 910B",
        chip: "Ascend910B",
        separate_vector_cores: true,
        ai_cores: Figure::documented(24.0, "count", "ini Ascend910B1/B2: 24 cube cores (catlass AtlasA2); 20-core parts exist (910B3/B4)"),
        vector_cores: Figure::documented(48.0, "count", "ini Ascend910B1/B2: 48 vector cores (two per cube core)"),
        cube_m: Figure::documented(16.0, "elements", "ini Ascend910B DtypeMKN default 16,16,16"),
        cube_k: Figure::documented(16.0, "elements", "ini Ascend910B DtypeMKN default 16,16,16 (int8: 16,32,16)"),
        cube_n: Figure::documented(16.0, "elements", "ini Ascend910B DtypeMKN default 16,16,16"),
        c0_fp16: Figure::documented(16.0, "elements", C0_16),
        c0_int8: Figure::documented(32.0, "elements", C0_8),
        ub_bytes: Figure::documented(192.0 * KIB, "bytes", "ini Ascend910B: UB 196608 bytes per vector core"),
        l1_bytes: Figure::documented(512.0 * KIB, "bytes", "ini Ascend910B: L1 512 KiB"),
        l0a_bytes: Figure::documented(64.0 * KIB, "bytes", "ini Ascend910B: L0A 64 KiB"),
        l0b_bytes: Figure::documented(64.0 * KIB, "bytes", "ini Ascend910B: L0B 64 KiB"),
        l0c_bytes: Figure::documented(128.0 * KIB, "bytes", "ini Ascend910B: L0C 128 KiB"),
        l2_bytes: Figure::documented(192.0 * MIB, "bytes", "ini Ascend910B: L2 192 MiB"),
        cube_fp16_tflops: Figure::derived(354.0, "TFLOPS", "24 cube cores × 4096 MAC × 2 × 1.8 GHz (ini cube_freq)"),
        cube_int8_tops: Figure::derived(708.0, "TOPS", "twice the fp16 rate (ini DtypeMKN int8 16,32,16)"),
        vector_fp16_tflops: Figure::derived(11.0, "TFLOPS", "128 fp16 lanes × 48 vector cores × 1.8 GHz"),
        memory_gbs: Figure::uncertain(1600.0, "GB/s", "HBM2e, about 1.6 TB/s per third-party pages; not in ascend.md"),
        ai_cpu_cores: Figure::uncertain(6.0, "count", "not found in primary sources; 6 assumed"),
        clock_mhz: Figure::documented(1800.0, "MHz", "ini Ascend910B: cube_freq 1800–1850 MHz"),
        kernel_overhead_us: Figure::derived(1.0, "us", "A2 samples: the smallest AI_VECTOR_CORE tasks take 0.92 us (torchnpu-a2-kernel_details-arith-metrics.csv) to 1.26 us (torchnpu-a2-convnet-kernel_details.csv)"),
    },
];
