//! Builds the page's view of a profile ([`ProfileData`]) from the engine's import, join and
//! report: the twins of the protocol, plus what the page draws and would otherwise have to compute
//! over every task (time per op type, per-type statistics, the measured time of each node).
//! Runs in the worker; knows nothing about the page.

use std::collections::HashMap;

use opscope_engine::profile::{Join, OpAggregate, ProfileImport, Unit};
use opscope_engine::report::profile::{self as report, ProfileOptions, ProfileReport};

use super::analysis_data::{finding_row, unit_check_summary};
use super::protocol::{
    HotspotRow, InsertedRow, JoinSummary, NodeStat, OpStatRow, ProfileData, SourceRow, TypeTime,
    UnitId, UnmatchedRow,
};

/// Rows of one table sent to the page at most (hotspots, unmatched ops). A run has this many
/// distinct ops only in extreme cases; the panel says when the list was cut.
pub const MAX_ROWS: usize = 100_000;

pub fn unit_id(unit: Unit) -> UnitId {
    match unit {
        Unit::AiCore => UnitId::AiCore,
        Unit::AiVector => UnitId::AiVector,
        Unit::Mix => UnitId::Mix,
        Unit::AiCpu => UnitId::AiCpu,
        Unit::Communication => UnitId::Communication,
        Unit::Dma => UnitId::Dma,
        Unit::Other => UnitId::Other,
    }
}

/// The unit of a report id (`ai_core`); unknown ids are `Other`.
pub fn unit_of_id(id: &str) -> UnitId {
    UnitId::ALL
        .into_iter()
        .find(|unit| unit.id() == id)
        .unwrap_or(UnitId::Other)
}

/// Everything the page shows about `import`, joined to the shown model when `join` is given.
pub fn profile_data(files: &[String], import: &ProfileImport, join: Option<&Join>) -> ProfileData {
    let options = ProfileOptions {
        top: MAX_ROWS,
        ai_core_num: None,
    };
    let report = report::build(import, join, &options);
    let hotspot_rows = hotspots(&report);
    let ops = import.profile.ops();
    let op_statistics_computed = import.profile.op_statistics.is_empty();
    let op_statistics = if op_statistics_computed {
        statistics_by_type(&ops, report.total_us)
    } else {
        import
            .profile
            .op_statistics
            .iter()
            .map(|stat| OpStatRow {
                op: stat.op.clone(),
                op_type: stat.op_type.clone(),
                core_type: stat.core_type.clone(),
                unit: unit_id(stat.unit),
                count: stat.count,
                total_us: stat.total_us,
                avg_us: stat.avg_us,
                min_us: stat.min_us,
                max_us: stat.max_us,
                ratio_pct: stat.ratio_pct,
            })
            .collect()
    };
    ProfileData {
        files: files.to_vec(),
        estimated: import.profile.is_estimate(),
        sources: report
            .sources
            .iter()
            .map(|s| SourceRow {
                file: s.file.clone(),
                kind: s.kind.to_string(),
                rows: s.rows,
                used: s.used,
                note: s.note.clone(),
            })
            .collect(),
        chip: report.chip.clone(),
        ran_on: report
            .ran_on
            .and_then(opscope_engine::target::TargetId::parse)
            .map(super::protocol::TargetKey::of),
        ai_core_num: report.ai_core_num,
        ai_core_num_source: report.ai_core_num_source.clone(),
        rows: report.rows,
        total_us: report.total_us,
        hotspots_by_type: report.hotspots_by == "type",
        hotspots: hotspot_rows,
        hotspots_total: report.ops,
        units: report
            .units
            .0
            .iter()
            .map(|(unit, us)| (unit_id(*unit), *us))
            .collect(),
        op_types: time_by_type(&ops),
        op_statistics,
        op_statistics_computed,
        findings: report.findings.iter().map(finding_row).collect(),
        skipped_checks: report
            .skipped_checks
            .iter()
            .map(|s| (s.rule.to_string(), s.reason.clone()))
            .collect(),
        notes: report.notes.clone(),
        // The unreadable files are errors of the load (the banner lists them), not warnings.
        warnings: import.issues.iter().map(ToString::to_string).collect(),
        join: join.map(|join| join_summary(join, &ops, report.total_us)),
        unit_check: report
            .unit_check
            .as_ref()
            .filter(|_| !import.profile.is_estimate())
            .map(unit_check_summary),
    }
}

fn hotspots(report: &ProfileReport) -> Vec<HotspotRow> {
    report.hotspots.iter().map(hotspot_row).collect()
}

/// One hotspot as the page's table shows it (a fresh profile's or a reopened report's).
pub fn hotspot_row(h: &report::Hotspot) -> HotspotRow {
    HotspotRow {
        op: h.op.clone(),
        op_type: h.op_type.clone(),
        unit: unit_of_id(h.unit),
        count: h.count,
        total_us: h.total_us,
        avg_us: h.avg_us,
        min_us: h.min_us,
        max_us: h.max_us,
        share: h.share,
        memory_bound: h.memory_bound,
        cube_utilization_pct: h.cube_utilization_pct,
        nodes: h.nodes.clone().unwrap_or_default(),
    }
}

/// Name shown for ops whose source gives no type.
const NO_TYPE: &str = "(no type)";

struct TypeAcc {
    count: u64,
    total_us: f64,
    min_us: f64,
    max_us: f64,
    by_unit: [f64; 7],
}

impl TypeAcc {
    fn unit(&self) -> UnitId {
        let best = (0..UnitId::ALL.len())
            .max_by(|&a, &b| self.by_unit[a].total_cmp(&self.by_unit[b]).then(b.cmp(&a)))
            .unwrap_or(UnitId::ALL.len() - 1);
        UnitId::ALL[best]
    }
}

/// Ops grouped by type, largest total first (ties by name).
fn group_by_type(ops: &[OpAggregate]) -> Vec<(String, TypeAcc)> {
    let mut by_type: HashMap<&str, TypeAcc> = HashMap::new();
    for op in ops {
        let key = if op.op_type.is_empty() {
            NO_TYPE
        } else {
            op.op_type.as_str()
        };
        let acc = by_type.entry(key).or_insert(TypeAcc {
            count: 0,
            total_us: 0.0,
            min_us: f64::INFINITY,
            max_us: 0.0,
            by_unit: [0.0; 7],
        });
        acc.count += op.count;
        acc.total_us += op.total_us;
        acc.min_us = acc.min_us.min(op.min_us);
        acc.max_us = acc.max_us.max(op.max_us);
        let unit_idx = UnitId::ALL
            .iter()
            .position(|u| *u == unit_id(op.unit))
            .unwrap_or(UnitId::ALL.len() - 1);
        acc.by_unit[unit_idx] += op.total_us;
    }
    let mut grouped: Vec<(String, TypeAcc)> = by_type
        .into_iter()
        .map(|(name, acc)| (name.to_string(), acc))
        .collect();
    grouped.sort_by(|a, b| b.1.total_us.total_cmp(&a.1.total_us).then(a.0.cmp(&b.0)));
    grouped
}

fn time_by_type(ops: &[OpAggregate]) -> Vec<TypeTime> {
    group_by_type(ops)
        .into_iter()
        .map(|(op_type, acc)| TypeTime {
            unit: acc.unit(),
            op_type,
            total_us: acc.total_us,
        })
        .collect()
}

/// Per-type rows in the op_statistic layout, for runs without an op_statistic file.
fn statistics_by_type(ops: &[OpAggregate], total_us: f64) -> Vec<OpStatRow> {
    group_by_type(ops)
        .into_iter()
        .map(|(op_type, acc)| {
            let unit = acc.unit();
            OpStatRow {
                op: op_type.clone(),
                op_type,
                core_type: unit.label().to_string(),
                unit,
                count: acc.count,
                total_us: Some(acc.total_us),
                avg_us: (acc.count > 0).then(|| acc.total_us / acc.count as f64),
                min_us: acc.min_us.is_finite().then_some(acc.min_us),
                max_us: Some(acc.max_us),
                ratio_pct: (total_us > 0.0).then(|| acc.total_us / total_us * 100.0),
            }
        })
        .collect()
}

fn join_summary(join: &Join, ops: &[OpAggregate], total_us: f64) -> JoinSummary {
    let by_name: HashMap<&str, &OpAggregate> = ops.iter().map(|op| (op.op.as_str(), op)).collect();
    struct NodeAcc {
        total_us: f64,
        count: u64,
        by_unit: Vec<(UnitId, f64)>,
        ops: Vec<String>,
    }
    let mut by_node: HashMap<&str, NodeAcc> = HashMap::new();
    for matched in &join.matched {
        let op = by_name.get(matched.op.as_str());
        let unit = op.map_or(UnitId::Other, |op| unit_id(op.unit));
        let count = op.map_or(0, |op| op.count);
        let share = matched.total_us / matched.nodes.len().max(1) as f64;
        for node in &matched.nodes {
            let acc = by_node.entry(node.as_str()).or_insert(NodeAcc {
                total_us: 0.0,
                count: 0,
                by_unit: Vec::new(),
                ops: Vec::new(),
            });
            acc.total_us += share;
            acc.count += count;
            match acc.by_unit.iter_mut().find(|(u, _)| *u == unit) {
                Some((_, us)) => *us += share,
                None => acc.by_unit.push((unit, share)),
            }
            acc.ops.push(matched.op.clone());
        }
    }
    let mut node_stats: Vec<NodeStat> = by_node
        .into_iter()
        .map(|(node, acc)| NodeStat {
            node: node.to_string(),
            total_us: acc.total_us,
            count: acc.count,
            unit: acc
                .by_unit
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(UnitId::Other, |(unit, _)| *unit),
            share: if total_us > 0.0 {
                acc.total_us / total_us
            } else {
                0.0
            },
            ops: acc.ops,
        })
        .collect();
    node_stats.sort_by(|a, b| b.total_us.total_cmp(&a.total_us).then(a.node.cmp(&b.node)));
    JoinSummary {
        matched_share: join.matched_share(),
        matched_us: join.matched_us,
        inserted_us: join.inserted_us,
        unmatched: join
            .unmatched
            .iter()
            .take(MAX_ROWS)
            .map(|u| UnmatchedRow {
                op: u.op.clone(),
                op_type: u.op_type.clone(),
                total_us: u.total_us,
                reason: u.reason.clone(),
            })
            .collect(),
        inserted: join
            .inserted
            .iter()
            .take(MAX_ROWS)
            .map(|i| InsertedRow {
                op: i.op.clone(),
                op_type: i.op_type.clone(),
                total_us: i.total_us,
                count: i.count,
                between: i.between.clone(),
                note: i.note.clone(),
            })
            .collect(),
        node_stats,
    }
}

#[cfg(test)]
mod tests {
    use opscope_engine::profile::{import_profile, join};
    use opscope_engine::{open_model, InputFile};

    use super::*;

    const SUMMARY: &str = "Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n\
        conv1,Conv2D,AI_CORE,0,30\n\
        conv1,Conv2D,AI_CORE,100,20\n\
        relu1,Relu,AI_VECTOR_CORE,200,10\n\
        argmax,ArgMaxV2,AI_CPU,300,40\n";

    fn data(csv: &str) -> ProfileData {
        let files = vec![InputFile::new("op_summary_1.csv", csv.as_bytes().to_vec())];
        let import = import_profile(&files);
        profile_data(&["op_summary_1.csv".to_string()], &import, None)
    }

    #[test]
    fn a_profile_alone_carries_its_unit_check() {
        let data = data(SUMMARY);
        let check = data.unit_check.expect("a unit check");
        // Conv2D and Relu ran where the knowledge base puts them; the ArgMaxV2 fell back to the
        // AI CPU (40 of the 100 us).
        assert_eq!((check.agree_ops, check.total_ops), (2, 3), "{check:?}");
        assert!((check.agree_share - 0.6).abs() < 1e-9, "{check:?}");
        assert_eq!(check.disagreements[0].op_type, "ArgMaxV2");
        assert_eq!(check.disagreements[0].measured, "AI_CPU");
        // The page lists it under the profile's findings when no model is analysed.
        let view = crate::state::FindingsView::of(None, Some(&data_with(&check)));
        assert_eq!(view.unit_check.as_ref(), Some(&check));
    }

    fn data_with(check: &super::super::protocol::UnitCheckSummary) -> ProfileData {
        ProfileData {
            unit_check: Some(check.clone()),
            ..data(SUMMARY)
        }
    }

    #[test]
    fn hotspots_units_and_types_come_from_the_report() {
        let data = data(SUMMARY);
        assert_eq!(data.rows, 4);
        assert_eq!(data.total_us, 100.0);
        let ops: Vec<(&str, UnitId, u64)> = data
            .hotspots
            .iter()
            .map(|h| (h.op.as_str(), h.unit, h.count))
            .collect();
        assert_eq!(
            ops,
            vec![
                ("conv1", UnitId::AiCore, 2),
                ("argmax", UnitId::AiCpu, 1),
                ("relu1", UnitId::AiVector, 1)
            ]
        );
        assert_eq!(
            data.units,
            vec![
                (UnitId::AiCore, 50.0),
                (UnitId::AiVector, 10.0),
                (UnitId::AiCpu, 40.0)
            ]
        );
        let types: Vec<&str> = data.op_types.iter().map(|t| t.op_type.as_str()).collect();
        assert_eq!(types, vec!["Conv2D", "ArgMaxV2", "Relu"]);
        assert!(data.join.is_none());
        assert!(data.findings.iter().any(|f| f.rule == "aicpu-op"));
        let aicpu = data.findings.iter().find(|f| f.rule == "aicpu-op");
        assert_eq!(
            aicpu.map(|f| f.title.as_str()),
            Some("Op ran on the AI CPU")
        );
    }

    #[test]
    fn op_statistics_are_computed_per_type_without_an_op_statistic_file() {
        let data = data(SUMMARY);
        assert!(data.op_statistics_computed);
        let conv = &data.op_statistics[0];
        assert_eq!(
            (
                conv.op_type.as_str(),
                conv.count,
                conv.total_us,
                conv.avg_us,
                conv.max_us
            ),
            ("Conv2D", 2, Some(50.0), Some(25.0), Some(30.0))
        );
        assert_eq!(conv.ratio_pct, Some(50.0));
        assert_eq!(conv.core_type, "AI Core");
    }

    #[test]
    fn joined_nodes_carry_their_time_count_and_unit() {
        let (_, bytes) = opscope_engine::samples::bundled().remove(0);
        let model = open_model(&InputFile::new("resnet50.onnx", bytes)).expect("sample");
        let first = model.graph.nodes[0].name.clone();
        let second = model.graph.nodes[1].name.clone();
        let csv = format!(
            "Op Name,OP Type,Task Type,Task Start Time(us),Task Duration(us)\n\
             {first},Conv2D,AI_CORE,0,30\n{first},Conv2D,AI_CORE,50,30\n\
             {second},Relu,AI_VECTOR_CORE,100,20\nghost,Cast,AI_CPU,200,20\n"
        );
        let files = vec![InputFile::new("op_summary_1.csv", csv.into_bytes())];
        let import = import_profile(&files);
        let joined = join(&import.profile, &model);
        let data = profile_data(&["op_summary_1.csv".into()], &import, Some(&joined));
        let summary = data.join.expect("joined");
        assert_eq!(summary.matched_share, 0.8);
        assert_eq!(summary.node_stats.len(), 2);
        let top = &summary.node_stats[0];
        assert_eq!(
            (top.node.as_str(), top.total_us, top.count, top.unit),
            (first.as_str(), 60.0, 2, UnitId::AiCore)
        );
        assert!((top.share - 0.6).abs() < 1e-9);
        assert_eq!(summary.unmatched.len(), 1);
        assert_eq!(summary.unmatched[0].op, "ghost");
        assert_eq!(data.hotspots[0].nodes, vec![first]);
        assert!(data
            .hotspots
            .iter()
            .any(|h| h.op == "ghost" && h.nodes.is_empty()));
    }

    #[test]
    fn unit_ids_round_trip() {
        for unit in UnitId::ALL {
            assert_eq!(unit_of_id(unit.id()), unit);
        }
        assert_eq!(unit_of_id("bogus"), UnitId::Other);
    }
}
