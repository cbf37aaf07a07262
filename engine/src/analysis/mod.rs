//! The Ascend analysis: steps two and three of the tuning guide (why is an op slow, and what can
//! be changed), on a model alone (predicted) and better with a profile (measured).
//!
//! Data flows one way, each stage a module with a plain-data output:
//! graph (shapes inferred) → [`units`] (execution unit per node, with the reason; measured units
//! override) → [`fusion`] (UB / L2 / L1 groups and near misses) → [`cost`] (time per node on the
//! target; calibrated by a profile) → [`rules`] (findings with fixes and gains) → the report
//! (`crate::report::analysis`). [`unit_check`] compares the knowledge base with a profile's
//! measured units.
//!
//! Invariants:
//! - Hardware figures come from [`crate::target`], op facts from [`crate::knowledge`]; no module
//!   here keeps its own list of op types or numbers.
//! - Per-node vectors (`units`, `cost.per_node`, `fusion.group_of`) index the main graph's nodes.
//! - Nothing here reads files, clocks or the browser; bad or odd graphs never panic (cycles,
//!   dangling ids, empty graphs are normal inputs).

pub mod cost;
pub mod fusion;
pub mod rules;
pub mod unit_check;
pub mod units;

use serde::Serialize;

use crate::ir::Model;
use crate::profile::{self, Join, Profile};
use crate::target::{Target, TargetId};

pub use cost::CostModel;
pub use fusion::{Fusion, FusionCheck};
pub use unit_check::UnitCheck;
pub use units::NodeUnit;

/// A CANN release: fusion limits and op support change between releases (`ascend.md` 4.3).
/// Ordered: `8.0.RC1 < 8.0.RC3 < 8.0.0 < 8.1.RC1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CannVersion {
    pub major: u16,
    pub minor: u16,
    /// 0 = alpha, 1 = release candidate, 2 = release.
    pub stage: u8,
    /// RC number, or patch number of a release.
    pub number: u16,
}

impl CannVersion {
    /// The version assumed when none is given: 8.0.RC1, the msprof-analyze advisor's default
    /// (`ascend.md` 6).
    pub const DEFAULT: CannVersion = CannVersion {
        major: 8,
        minor: 0,
        stage: 1,
        number: 1,
    };

    /// Parses `8.0.RC1`, `8.0.RC3.alpha003`, `7.0.0`, `8.0`, `5.1.RC2`, `6.3.RC2`.
    pub fn parse(text: &str) -> Option<CannVersion> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.trim().parse().ok()?;
        let minor = parts
            .next()
            .map(|p| p.trim().parse())
            .transpose()
            .ok()?
            .unwrap_or(0);
        let (stage, number) = match parts.next() {
            None => (2, 0),
            Some(part) => {
                let lower = part.trim().to_ascii_lowercase();
                if let Some(rc) = lower.strip_prefix("rc") {
                    (1, rc.parse().ok()?)
                } else if let Some(alpha) = lower.strip_prefix("alpha") {
                    (0, alpha.parse().unwrap_or(0))
                } else {
                    (2, lower.parse().ok()?)
                }
            }
        };
        // A trailing `.alpha003` on an RC makes it an alpha of that RC: it sorts before the RC.
        let stage = match parts.next() {
            Some(extra) if extra.to_ascii_lowercase().starts_with("alpha") => 0,
            _ => stage,
        };
        Some(CannVersion {
            major,
            minor,
            stage,
            number,
        })
    }

    pub fn at_least(self, major: u16, minor: u16) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl std::fmt::Display for CannVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.stage {
            0 => write!(f, "{}.{}.alpha{:03}", self.major, self.minor, self.number),
            1 => write!(f, "{}.{}.RC{}", self.major, self.minor, self.number),
            _ => write!(f, "{}.{}.{}", self.major, self.minor, self.number),
        }
    }
}

/// What to analyse for. No `Default`: callers say which target and CANN release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalyzeOptions {
    pub target: TargetId,
    pub cann: CannVersion,
}

/// What a profile adds to the analysis.
#[derive(Debug, Clone)]
pub struct Measured {
    pub join: Join,
    pub unit_check: UnitCheck,
    pub calibration: cost::Calibration,
    /// Measured time per main-graph node (a fused op's time split over its nodes), µs.
    pub node_us: Vec<Option<f64>>,
}

/// The whole analysis of one model, plain data.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub target: Target,
    pub cann: CannVersion,
    pub units: Vec<NodeUnit>,
    pub fusion: Fusion,
    /// The simulated fusion groups against the real ones, when the model (a GE dump or `.om`:
    /// `_datadump_original_op_names`) or the profile (`fusion_op`) names real fused ops.
    pub fusion_check: Option<FusionCheck>,
    pub cost: CostModel,
    pub rules: rules::RuleOutput,
    /// `None` without a profile: the analysis is then an estimate.
    pub measured: Option<Measured>,
}

impl Analysis {
    pub fn is_estimate(&self) -> bool {
        self.measured.is_none()
    }

    /// Without a profile, the cost model's estimate in the shape of a measured profile, so
    /// hotspot tables, unit charts and heat maps work on a model alone; always labelled as an
    /// estimate (its one source is `SourceKind::Estimate`). `None` when a profile was measured.
    /// Built on demand: it interns every kernel name, which costs more than the analysis itself
    /// on large graphs, and only views need it.
    pub fn estimated_profile(&self, model: &Model) -> Option<Profile> {
        self.is_estimate()
            .then(|| cost::estimated_profile(model, &self.units, &self.cost))
    }
}

/// Runs the whole analysis of `model` (shapes already inferred) for `options`, calibrated by
/// `profile` when given.
pub fn analyze(model: &Model, profile: Option<&Profile>, options: &AnalyzeOptions) -> Analysis {
    let mut target = Target::new(options.target);
    if let Some(profile) = profile {
        target = target.with_device(&profile.device);
    }
    let mut units = units::assign(model, &target);
    let join = profile.map(|p| profile::join(p, model));
    if let (Some(profile), Some(join)) = (profile, &join) {
        units::apply_measured(&mut units, model, profile, join);
    }
    let fusion = fusion::simulate(&model.graph, model.format, &units, &target, options.cann);
    let cost = cost::estimate(&model.graph, &units, &fusion, &target);
    let measured = match (profile, join) {
        (Some(profile), Some(join)) => {
            let node_us = cost::measured_node_us(&model.graph, &join);
            let calibration = cost::calibrate(&cost, &units, &node_us);
            Some(Measured {
                unit_check: unit_check::check(profile, &target),
                calibration,
                node_us,
                join,
            })
        }
        _ => None,
    };
    let rules = rules::check(&rules::RuleCtx {
        model: Some(rules::ModelCtx {
            model,
            target: &target,
            cann: options.cann,
            units: &units,
            fusion: &fusion,
            cost: &cost,
            measured: measured.as_ref(),
        }),
        profile: profile.map(|profile| rules::ProfileCtx {
            profile,
            join: measured.as_ref().map(|m| &m.join),
            ai_cores: profile.ai_core_count(),
            compute_us: profile.compute_us(),
        }),
    });
    let fusion_check = fusion::compare(model, profile, &fusion);
    Analysis {
        target,
        cann: options.cann,
        units,
        fusion,
        fusion_check,
        cost,
        rules,
        measured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cann_versions_parse_and_order() {
        let v = |text: &str| CannVersion::parse(text).unwrap_or_else(|| panic!("{text}"));
        assert!(v("8.0.RC1") < v("8.0.RC3"));
        assert!(v("8.0.RC3.alpha003") < v("8.0.RC3"));
        assert!(v("8.0.RC3") < v("8.0.0"));
        assert!(v("8.0.0") < v("8.1.RC1"));
        assert!(v("5.1.RC2") < v("6.3.RC2"));
        assert_eq!(v("8.0"), v("8.0.0"));
        assert_eq!(v("7.0.0").to_string(), "7.0.0");
        assert_eq!(v("8.0.rc1").to_string(), "8.0.RC1");
        assert_eq!(CannVersion::parse("eight"), None);
        assert!(CannVersion::DEFAULT.at_least(8, 0));
    }
}
