//! Shared by the model-rule tests (`rules_*.rs`): open a model made by the sample writers, run
//! the whole analysis, and pick and render one rule's findings; or run the rules on a context
//! whose units and per-node estimates the test sets, to check gains before the cost model
//! lands.

#![allow(dead_code)]

use std::path::PathBuf;

use opscope_engine::analysis::rules::{self, Finding, ModelCtx, RuleCtx, RuleOutput};
use opscope_engine::analysis::{
    analyze, cost, fusion, units, Analysis, AnalyzeOptions, CannVersion,
};
use opscope_engine::analysis::{Fusion, NodeUnit};
use opscope_engine::ir::Model;
use opscope_engine::target::{Target, TargetId};
use opscope_engine::{open_model, InputFile};

/// Imports `bytes` as the file `name` and infers shapes.
pub fn open(name: &str, bytes: Vec<u8>) -> Model {
    open_model(&InputFile::new(name, bytes)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

/// The whole analysis on `target` (no profile).
pub fn analyze_on(model: &Model, target: TargetId) -> Analysis {
    analyze(
        model,
        None,
        &AnalyzeOptions {
            target,
            cann: CannVersion::DEFAULT,
        },
    )
}

/// The findings of `rule` in an output.
pub fn of_rule<'a>(out: &'a RuleOutput, rule: &str) -> Vec<&'a Finding> {
    out.findings.iter().filter(|f| f.rule == rule).collect()
}

/// `rule`'s findings of `model` on the Ascend 310, after the whole pipeline.
pub fn findings(model: &Model, rule: &str) -> Vec<Finding> {
    findings_on(model, rule, TargetId::Ascend310)
}

pub fn findings_on(model: &Model, rule: &str, target: TargetId) -> Vec<Finding> {
    let analysis = analyze_on(model, target);
    of_rule(&analysis.rules, rule)
        .into_iter()
        .cloned()
        .collect()
}

/// Findings as text for goldens: rule, nodes, message, fix, evidence, gain.
pub fn render(findings: &[Finding]) -> String {
    let mut text = String::new();
    for f in findings {
        text.push_str(&format!(
            "{} {:?}\n  {}\n  fix: {}\n  evidence: {}\n  gain: {:?}\n",
            f.rule,
            f.nodes,
            f.message,
            f.fix,
            serde_json::to_string(&f.evidence).unwrap_or_default(),
            f.gain_us
        ));
    }
    text
}

/// A number from a finding's evidence.
pub fn num(finding: &Finding, key: &str) -> f64 {
    match serde_json::to_value(&finding.evidence)
        .ok()
        .and_then(|v| v.get(key).cloned())
    {
        Some(serde_json::Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        other => panic!("evidence {key} of {:?}: {other:?}", finding.nodes),
    }
}

/// The index of the node named `name`.
pub fn node(model: &Model, name: &str) -> usize {
    model
        .graph
        .nodes
        .iter()
        .position(|n| n.name == name)
        .unwrap_or_else(|| panic!("no node {name}"))
}

/// What a test sets in the context instead of the pipeline's stages.
pub struct Setup<'a> {
    pub target: TargetId,
    /// Per-node time estimates (µs) by node name; the others stay as the cost model left them.
    pub estimates: &'a [(&'a str, f64)],
    /// Edits the predicted units (to stand in for a unit assignment not merged yet).
    pub edit_units: &'a dyn Fn(&Model, &mut [NodeUnit]),
    /// The fusion simulation to use; the pipeline's when `None`.
    pub fusion: Option<Fusion>,
}

impl Default for Setup<'_> {
    fn default() -> Self {
        Setup {
            target: TargetId::Ascend310,
            estimates: &[],
            edit_units: &|_, _| {},
            fusion: None,
        }
    }
}

/// Runs the rules on `model` with the units, estimates and fusion of `setup`: the rules' own
/// contract (a `ModelCtx`), independent of how far the other stages are.
pub fn check_with(model: &Model, setup: Setup) -> RuleOutput {
    let target = Target::new(setup.target);
    let mut units = units::assign(model, &target);
    (setup.edit_units)(model, &mut units);
    let fusion = setup.fusion.unwrap_or_else(|| {
        fusion::simulate(
            &model.graph,
            model.format,
            &units,
            &target,
            CannVersion::DEFAULT,
        )
    });
    let mut cost = cost::estimate(&model.graph, &units, &fusion, &target);
    for &(name, us) in setup.estimates {
        let idx = node(model, name);
        cost.per_node[idx].estimated_us = us;
    }
    cost.total_us = cost.per_node.iter().map(|c| c.estimated_us).sum();
    rules::check(&RuleCtx {
        model: Some(ModelCtx {
            model,
            target: &target,
            cann: CannVersion::DEFAULT,
            units: &units,
            fusion: &fusion,
            cost: &cost,
            measured: None,
        }),
        profile: None,
    })
}

/// The folder of the real sample models, when this checkout has it (CI clones may not).
pub fn real_models_dir() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join("shared/samples/models"))
        .find(|dir| dir.is_dir())
}
