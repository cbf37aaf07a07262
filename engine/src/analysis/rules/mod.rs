//! The rule registry: every rule of the analysis, model rules and profile rules alike, one file
//! each, one row each in [`RULES`].

use crate::ir::Model;
use crate::profile::findings;
use crate::profile::Profile;
use crate::target::Target;

use super::cost::CostModel;
use super::fusion::Fusion;
use super::units::NodeUnit;
use super::{CannVersion, Measured};

pub use crate::profile::findings::{Evidence, Finding, RuleOutput, SkippedCheck};

/// What the rules read: the model's analysis, and the profile when there is one.
pub struct RuleCtx<'a> {
    pub model: &'a Model,
    pub target: &'a Target,
    pub cann: CannVersion,
    pub units: &'a [NodeUnit],
    pub fusion: &'a Fusion,
    pub cost: &'a CostModel,
    pub profile: Option<&'a Profile>,
    pub measured: Option<&'a Measured>,
}

/// Runs every rule.
pub fn check(ctx: &RuleCtx) -> RuleOutput {
    match ctx.profile {
        Some(profile) => findings::check(
            profile,
            ctx.measured.map(|m| &m.join),
            profile.ai_core_count(),
        ),
        None => RuleOutput::default(),
    }
}
