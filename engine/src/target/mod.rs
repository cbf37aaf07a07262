//! Hardware targets as data: one table row per chip, every figure with its source and how sure
//! we are of it.
//!
//! Invariants:
//! - The figures live in [`TARGETS`] and nowhere else; analyses read them through [`Target`].
//! - A figure that `../shared/design/ascend.md` marks uncertain or that we derived from other
//!   figures says so in its [`Confidence`], and the source column names where it came from.
//! - A profile's `info.json` (chip, AI Core count, frequency) beats the table: [`Target::with_device`]
//!   applies it and records each override, so reports can say which numbers were measured.
//! - Nothing here knows about graphs, files or profiles beyond [`DeviceInfo`].

mod table;

use serde::Serialize;

use crate::profile::DeviceInfo;

pub use table::TARGETS;

/// The chips opscope can analyse for. The default is the Ascend 310 of the tuning guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetId {
    #[default]
    Ascend310,
    Ascend310P,
    Ascend910B,
}

impl TargetId {
    pub const ALL: [TargetId; 3] = [
        TargetId::Ascend310,
        TargetId::Ascend310P,
        TargetId::Ascend910B,
    ];

    /// The id of the CLI's `--target` and of JSON (`ascend310`).
    pub fn id(self) -> &'static str {
        match self {
            TargetId::Ascend310 => "ascend310",
            TargetId::Ascend310P => "ascend310p",
            TargetId::Ascend910B => "ascend910b",
        }
    }

    /// Parses `ascend310`, `Ascend310P`, `910b`, `310` (case-insensitive, with or without the
    /// `ascend` prefix).
    pub fn parse(text: &str) -> Option<TargetId> {
        let lower = text.trim().to_ascii_lowercase();
        let bare = lower.strip_prefix("ascend").unwrap_or(&lower);
        match bare.trim_start_matches(['-', '_', ' ']) {
            "310" => Some(TargetId::Ascend310),
            "310p" | "310p3" => Some(TargetId::Ascend310P),
            "910b" | "910b1" | "910b2" | "910b3" | "910b4" | "a2" => Some(TargetId::Ascend910B),
            _ => None,
        }
    }

    /// The target of a profile's chip name (`chip_name` of `platform_version`): the 910A has
    /// no row of its own and is closest to the 910B's single-core-type predecessor, so it maps
    /// to none; callers keep their target and note it.
    pub fn of_chip(chip: &str) -> Option<TargetId> {
        match chip {
            "Ascend310" => Some(TargetId::Ascend310),
            "Ascend310P" => Some(TargetId::Ascend310P),
            "Ascend910B" => Some(TargetId::Ascend910B),
            _ => None,
        }
    }
}

/// How far a figure can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Stated by a vendor document or a vendor configuration file.
    Documented,
    /// Computed from documented figures (the source says how).
    Derived,
    /// Third-party, a test stub, or otherwise not confirmed; use with care.
    Uncertain,
    /// Read from the profile of a real run (`info.json`); beats the table.
    Measured,
}

/// One number of a target, with its unit, source and confidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    pub value: f64,
    /// Unit of `value` (`count`, `bytes`, `TFLOPS`, `GB/s`, `MHz`, `elements`).
    pub unit: &'static str,
    pub source: &'static str,
    pub confidence: Confidence,
}

impl Figure {
    pub const fn documented(value: f64, unit: &'static str, source: &'static str) -> Figure {
        Figure {
            value,
            unit,
            source,
            confidence: Confidence::Documented,
        }
    }

    pub const fn derived(value: f64, unit: &'static str, source: &'static str) -> Figure {
        Figure {
            value,
            unit,
            source,
            confidence: Confidence::Derived,
        }
    }

    pub const fn uncertain(value: f64, unit: &'static str, source: &'static str) -> Figure {
        Figure {
            value,
            unit,
            source,
            confidence: Confidence::Uncertain,
        }
    }

    /// The value as a count (cores, elements); negative or fractional values round down to 0.
    pub fn count(&self) -> u64 {
        if self.value.is_finite() && self.value > 0.0 {
            self.value as u64
        } else {
            0
        }
    }
}

/// One row of the target table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TargetSpec {
    pub id: TargetId,
    /// Human name (`Ascend 310`).
    pub name: &'static str,
    /// The chip name msprof writes for this chip (`Ascend310`), see `profile::chip_name`.
    pub chip: &'static str,
    /// Whether the chip has separate vector cores (AIV) next to its cube cores (AIC): then
    /// vector ops run as `AI_VECTOR_CORE` tasks and cube ops as `AI_CORE` tasks. Without them
    /// (310, 310P, 910A) every AI Core task is `AI_CORE`.
    pub separate_vector_cores: bool,
    /// AI Cores (cube cores on chips with separate vector cores).
    pub ai_cores: Figure,
    /// Separate vector cores (0 when the vector unit is inside each AI Core).
    pub vector_cores: Figure,
    /// Cube shape M×K×N for fp16 (16×16×16: one fractal per cycle).
    pub cube_m: Figure,
    pub cube_k: Figure,
    pub cube_n: Figure,
    /// C0 (the channel block of the 5HD format and of the Cube's fractal) for 16- and 32-bit
    /// types, and for 8-bit types.
    pub c0_fp16: Figure,
    pub c0_int8: Figure,
    /// Per-core buffers and the shared L2, in bytes.
    pub ub_bytes: Figure,
    pub l1_bytes: Figure,
    pub l0a_bytes: Figure,
    pub l0b_bytes: Figure,
    pub l0c_bytes: Figure,
    pub l2_bytes: Figure,
    /// Peak Cube rate of the whole chip, fp16 (TFLOPS) and int8 (TOPS).
    pub cube_fp16_tflops: Figure,
    pub cube_int8_tops: Figure,
    /// Peak Vector rate of the whole chip, fp16 (TFLOPS).
    pub vector_fp16_tflops: Figure,
    /// Off-chip memory bandwidth (GB/s).
    pub memory_gbs: Figure,
    /// AI CPU cores.
    pub ai_cpu_cores: Figure,
    /// AI Core clock (MHz).
    pub clock_mhz: Figure,
    /// Fixed time of one AI Core kernel (launch, scalar set-up, first DMA round trip), µs: what
    /// fusing two kernels into one saves besides memory traffic.
    pub kernel_overhead_us: Figure,
}

/// A figure the profile replaced, for reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Override {
    /// Field name (`ai_cores`, `clock_mhz`).
    pub field: &'static str,
    pub table: f64,
    pub measured: f64,
    /// The file the measured value came from.
    pub file: String,
}

/// A target as the analysis uses it: a table row, possibly adjusted by a profile's device info.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    #[serde(flatten)]
    pub spec: TargetSpec,
    /// What the profile's `info.json` replaced, in field order.
    pub overrides: Vec<Override>,
    /// Remarks such as "the profile is from an Ascend910A; figures of ascend910b kept".
    pub notes: Vec<String>,
}

impl Default for Target {
    fn default() -> Target {
        Target::new(TargetId::default())
    }
}

impl Target {
    pub fn new(id: TargetId) -> Target {
        Target {
            spec: *spec_of(id),
            overrides: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn id(&self) -> TargetId {
        self.spec.id
    }

    /// C0 for an element of `bits` bits: 32 for 8-bit types, 16 otherwise (ascend.md 4.1).
    pub fn c0_for_bits(&self, bits: u64) -> u64 {
        if bits <= 8 {
            self.spec.c0_int8.count()
        } else {
            self.spec.c0_fp16.count()
        }
    }

    /// Peak Cube rate in MAC per microsecond for the whole chip (fp16, or int8 when `int8`).
    pub fn cube_macs_per_us(&self, int8: bool) -> f64 {
        let ops = if int8 {
            self.spec.cube_int8_tops.value
        } else {
            self.spec.cube_fp16_tflops.value
        };
        // 1 TFLOPS = 1e12 flop/s = 1e6 flop/us; one MAC is two flops.
        ops * 1e6 / 2.0
    }

    /// Peak Vector rate in element operations per microsecond for the whole chip (fp16).
    pub fn vector_ops_per_us(&self) -> f64 {
        self.spec.vector_fp16_tflops.value * 1e6
    }

    /// Off-chip bandwidth in bytes per microsecond.
    pub fn bytes_per_us(&self) -> f64 {
        self.spec.memory_gbs.value * 1e3
    }

    /// The target adjusted by a profile's device info: `info.json`'s AI Core count, vector core
    /// count and AI Core frequency replace the table's (peak rates scale with cores × clock), and
    /// each replacement is recorded. A profile from another chip than this target is noted.
    pub fn with_device(mut self, device: &DeviceInfo) -> Target {
        let file = device
            .file
            .clone()
            .unwrap_or_else(|| "info.json".to_string());
        if let Some(chip) = device.chip {
            if chip != self.spec.chip {
                self.notes.push(format!(
                    "the profile is from an {chip}; the figures of {} are kept where {file} does not give its own",
                    self.spec.name
                ));
            }
        }
        let old_cores = self.spec.ai_cores.value;
        let old_clock = self.spec.clock_mhz.value;
        if let Some(cores) = device.ai_core_num.filter(|n| *n > 0) {
            let cores = f64::from(cores);
            self.record("ai_cores", cores, &file);
            self.spec.ai_cores = measured(cores, "count");
        }
        if let Some(aiv) = device.aiv_num.filter(|n| *n > 0) {
            let aiv = f64::from(aiv);
            self.record("vector_cores", aiv, &file);
            self.spec.vector_cores = measured(aiv, "count");
        }
        if let Some(freq) = device.aic_frequency_mhz.filter(|f| *f > 0.0) {
            self.record("clock_mhz", freq, &file);
            self.spec.clock_mhz = measured(freq, "MHz");
        }
        let scale =
            (self.spec.ai_cores.value * self.spec.clock_mhz.value) / (old_cores * old_clock);
        if scale.is_finite() && scale > 0.0 && (scale - 1.0).abs() > 1e-9 {
            for figure in [
                &mut self.spec.cube_fp16_tflops,
                &mut self.spec.cube_int8_tops,
                &mut self.spec.vector_fp16_tflops,
            ] {
                figure.value *= scale;
                figure.confidence = Confidence::Derived;
                figure.source = "table peak scaled by info.json cores × frequency";
            }
        }
        self
    }

    fn record(&mut self, field: &'static str, measured: f64, file: &str) {
        let table = match field {
            "ai_cores" => self.spec.ai_cores.value,
            "vector_cores" => self.spec.vector_cores.value,
            "clock_mhz" => self.spec.clock_mhz.value,
            _ => f64::NAN,
        };
        if (table - measured).abs() > 1e-9 {
            self.overrides.push(Override {
                field,
                table,
                measured,
                file: file.to_string(),
            });
        }
    }
}

fn measured(value: f64, unit: &'static str) -> Figure {
    Figure {
        value,
        unit,
        source: "profile info.json",
        confidence: Confidence::Measured,
    }
}

/// The table row of a target.
pub fn spec_of(id: TargetId) -> &'static TargetSpec {
    TARGETS
        .iter()
        .find(|spec| spec.id == id)
        .unwrap_or(&TARGETS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_has_one_row_with_sources() {
        for id in TargetId::ALL {
            assert_eq!(TARGETS.iter().filter(|s| s.id == id).count(), 1, "{id:?}");
            let spec = spec_of(id);
            assert_eq!(spec.id, id);
            let value = serde_json::to_value(spec).unwrap_or_default();
            let object = value.as_object().cloned().unwrap_or_default();
            let mut figures = 0;
            for (key, field) in &object {
                if let Some(source) = field.get("source") {
                    figures += 1;
                    assert!(
                        source.as_str().is_some_and(|s| s.len() > 8),
                        "{id:?}.{key} has no source"
                    );
                    let value = field.get("value").and_then(|v| v.as_f64()).unwrap_or(-1.0);
                    assert!(value >= 0.0, "{id:?}.{key} = {value}");
                }
            }
            assert!(figures >= 18, "{id:?}: {figures} figures");
        }
    }

    #[test]
    fn ids_parse_in_every_spelling() {
        assert_eq!(TargetId::parse("ascend310"), Some(TargetId::Ascend310));
        assert_eq!(TargetId::parse("Ascend310P"), Some(TargetId::Ascend310P));
        assert_eq!(TargetId::parse("910b"), Some(TargetId::Ascend910B));
        assert_eq!(TargetId::parse("ascend910"), None);
        for id in TargetId::ALL {
            assert_eq!(TargetId::parse(id.id()), Some(id));
            assert_eq!(TargetId::of_chip(spec_of(id).chip), Some(id));
        }
    }

    #[test]
    fn c0_follows_the_element_size() {
        let target = Target::default();
        assert_eq!(target.c0_for_bits(16), 16);
        assert_eq!(target.c0_for_bits(32), 16);
        assert_eq!(target.c0_for_bits(8), 32);
    }

    #[test]
    fn info_json_overrides_cores_and_clock_and_scales_peaks() {
        let base = Target::new(TargetId::Ascend310);
        let device = DeviceInfo {
            platform_version: Some("0".into()),
            chip: Some("Ascend310"),
            ai_core_num: Some(2),
            aiv_num: None,
            aic_frequency_mhz: Some(base.spec.clock_mhz.value / 2.0),
            file: Some("info.json.0".into()),
            ..DeviceInfo::default()
        };
        let target = base.clone().with_device(&device);
        assert_eq!(target.overrides.len(), 1, "{:?}", target.overrides);
        assert_eq!(target.overrides[0].field, "clock_mhz");
        assert_eq!(target.spec.clock_mhz.confidence, Confidence::Measured);
        let ratio = target.spec.cube_fp16_tflops.value / base.spec.cube_fp16_tflops.value;
        assert!((ratio - 0.5).abs() < 1e-9, "{ratio}");
        assert!(target.notes.is_empty());

        let other = DeviceInfo {
            chip: Some("Ascend910A"),
            ai_core_num: Some(32),
            ..DeviceInfo::default()
        };
        let target = Target::new(TargetId::Ascend910B).with_device(&other);
        assert_eq!(target.spec.ai_cores.value, 32.0);
        assert!(target.notes[0].contains("Ascend910A"), "{:?}", target.notes);
    }

    #[test]
    fn rates_convert_to_per_microsecond() {
        let target = Target::new(TargetId::Ascend310);
        // 8 TFLOPS fp16 = 4e6 MAC per microsecond.
        assert!((target.cube_macs_per_us(false) - 4.0e6).abs() < 1.0);
        assert!(target.bytes_per_us() > 1.0e4);
    }
}
