//! The UB-fusion simulation: grows chains from every head in data-flow order, pattern by
//! pattern, and keeps for each head the longest chain a pattern accepts, plus the longest chain
//! a fixable obstacle stopped (a near miss).
//!
//! How a chain grows: graph-fusion pre-passes first fold ops into the head (Conv + BatchNorm +
//! Scale, Conv + BiasAdd); then each UB pattern walks the head's output forward step by step.
//! A node joins when the step's member takes it and nothing stops it. What stops a chain is
//! either final (the next op is of a class the pattern never takes: no near miss) or fixable:
//! too many members, a multi-input op in the middle, a Caffe reduce, a dynamic shape, a reader
//! outside the chain, a format conversion or an AI CPU op in between. For a fixable stop the
//! chain is grown again with that one obstacle ignored; what it then reaches is the near miss.
//!
//! Invariants: a node is in at most one UB group; every walk is bounded ([`SHADOW_CAP`], the
//! pattern's limits, and nodes never repeat in a chain), so cycles and self-loops end it.

use std::collections::HashSet;

use crate::ir::{NodeId, TensorId, TensorKind};
use crate::knowledge::{ExecUnit, FusionClass};
use crate::target::TargetId;

use super::super::CannVersion;
use super::facts::Facts;
use super::patterns::{Arity, HeadInput, Member, Pass, Pattern, Step, AIPP, PATTERNS, TRICKS};
use super::{FusionGroup, FusionKind, FusionOptions, NearMiss, NearMissReason, Passes};

/// The longest walk past a pattern's limit when counting how many members would follow.
pub const SHADOW_CAP: u32 = 64;

/// What stopped a chain, fixably.
#[derive(Debug, Clone)]
struct Stop {
    reason: NearMissReason,
    blocker: NodeId,
    /// The last member before the blocker.
    tail: NodeId,
    /// Readers outside the chain (`OutsideConsumer`).
    outside: Vec<NodeId>,
    /// `Constraint::NoUbFusion`'s reason.
    why: Option<&'static str>,
}

/// A chain a pattern grew from a (folded) head.
#[derive(Debug, Clone)]
struct Growth {
    /// The members after the folded head, in data-flow order; in a relaxed walk also the format
    /// conversions it stepped through. Empty (no allocation) when the pattern took nothing.
    added: Members,
    /// Every step's minimum is met.
    valid: bool,
    stop: Option<Stop>,
    /// Members taken by the last step.
    last_count: u32,
}

/// The members a pattern added, stored inline while short: most chains are a few ops long and
/// the simulation grows several per head, so this saves an allocation per walk. Only shadow walks
/// past a limit spill to the heap.
#[derive(Debug, Clone, Default)]
struct Members {
    inline: [NodeId; Members::INLINE],
    len: usize,
    spill: Vec<NodeId>,
}

impl Members {
    const INLINE: usize = 8;

    fn push(&mut self, node: NodeId) {
        if self.len < Members::INLINE {
            self.inline[self.len] = node;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline);
            }
            self.spill.push(node);
        }
        self.len += 1;
    }

    fn as_slice(&self) -> &[NodeId] {
        if self.len > Members::INLINE {
            &self.spill
        } else {
            &self.inline[..self.len]
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn clear(&mut self) {
        self.len = 0;
        self.spill.clear();
    }
}

/// The nodes a chain holds so far: the folded head and what a pattern added.
#[derive(Clone, Copy)]
struct Chain<'a> {
    fold: &'a [NodeId],
    added: &'a [NodeId],
}

impl Chain<'_> {
    fn contains(&self, node: NodeId) -> bool {
        self.fold.contains(&node) || self.added.contains(&node)
    }
}

/// How a reader fits the current step.
enum Fit {
    Member,
    /// A member but for a fixable obstacle.
    Soft(NearMissReason, Option<&'static str>),
    /// A format conversion or AI CPU op between the tail and a member behind it.
    Through(NearMissReason, NodeId),
    No,
}

pub(super) struct Simulation<'f, 'g> {
    facts: &'f Facts<'g>,
    patterns: Vec<&'static Pattern>,
    cann: CannVersion,
    options: FusionOptions,
    /// Per node: its UB group.
    pub group_of: Vec<Option<usize>>,
    pub groups: Vec<FusionGroup>,
    pub near_misses: Vec<NearMiss>,
    /// Rows that stopped at a fixable obstacle for the current head (reused: one allocation
    /// for the whole graph).
    misses: Vec<(&'static Pattern, Growth)>,
}

impl<'f, 'g> Simulation<'f, 'g> {
    pub fn new(
        facts: &'f Facts<'g>,
        target: TargetId,
        cann: CannVersion,
        options: FusionOptions,
    ) -> Simulation<'f, 'g> {
        Simulation {
            facts,
            patterns: PATTERNS
                .iter()
                .filter(|p| p.applies(target, cann))
                .collect(),
            cann,
            options,
            group_of: vec![None; facts.graph.nodes.len()],
            groups: Vec::new(),
            near_misses: Vec::new(),
            misses: Vec::new(),
        }
    }

    /// Forms the UB groups and near misses of the whole graph.
    pub fn run(&mut self) {
        // Groups are at most half the nodes; reserving avoids copying them as the list grows.
        self.groups.reserve(self.facts.order.len() / 4);
        for idx in 0..self.facts.order.len() {
            let head = self.facts.order[idx];
            if self.group_of[head].is_none() {
                self.try_head(head);
            }
        }
        self.apply_tricks();
        self.finish_near_misses();
    }

    fn try_head(&mut self, head: NodeId) {
        if !self.patterns.iter().any(|p| self.head_matches(head, p)) {
            return;
        }
        let (fold, passes) = self.fold(head);
        let mut best: Option<(&'static Pattern, Growth)> = None;
        let mut misses = std::mem::take(&mut self.misses);
        misses.clear();
        for &pattern in &self.patterns {
            if pattern.pass != Pass::Ub || !self.head_matches(head, pattern) {
                continue;
            }
            let growth = self.grow(&fold, pattern, None);
            if growth.stop.is_some() {
                misses.push((pattern, growth.clone()));
            }
            if growth.valid
                && !growth.added.is_empty()
                && best
                    .as_ref()
                    .is_none_or(|(_, b)| growth.added.len() > b.added.len())
            {
                best = Some((pattern, growth));
            }
        }
        let added: &[NodeId] = best.as_ref().map_or(&[], |(_, g)| g.added.as_slice());
        if fold.len() + added.len() < 2 && misses.is_empty() {
            self.misses = misses;
            return;
        }
        // The group is the folded head plus the best pattern's members; the fold stays its prefix.
        let fold_len = fold.len();
        let mut formed = fold;
        formed.extend_from_slice(added);
        let fold = &formed[..fold_len];
        let formed_bytes = self.saved_bytes(&formed);
        let mut near: Option<NearMiss> = None;
        for (pattern, growth) in misses.drain(..) {
            let Some(stop) = growth.stop.clone() else {
                continue;
            };
            // A two-input op right after the head is the business of the two-input patterns
            // (TbeConvDoubleInFusionPass, TBEConvAddFusion), not a chain stopped "in the middle".
            if stop.reason == NearMissReason::MultiInputInMiddle && fold.last() == Some(&stop.tail)
            {
                continue;
            }
            let potential = self.grow(fold, pattern, Some(stop.reason));
            let reach = fold.len() + potential.added.len();
            if !potential.valid || reach <= formed.len() {
                continue;
            }
            if near.as_ref().is_some_and(|n| n.nodes.len() >= reach) {
                continue;
            }
            let mut nodes = fold.to_vec();
            nodes.extend_from_slice(potential.added.as_slice());
            let saved = self.saved_bytes(&nodes).saturating_sub(formed_bytes);
            near =
                Some(self.near_miss(pattern, &growth, &stop, nodes, potential.last_count, saved));
        }
        self.misses = misses;
        if let Some(near) = near {
            self.near_misses.push(near);
        }
        if formed.len() >= 2 {
            let mut all_passes = passes;
            let pattern = match &best {
                Some((pattern, _)) => {
                    all_passes.push(pattern.name);
                    pattern.name
                }
                None => all_passes.first().copied().unwrap_or("graph fusion"),
            };
            self.claim(FusionGroup {
                kind: FusionKind::Ub,
                pattern,
                ddr_bytes_saved: formed_bytes,
                nodes: formed,
                passes: all_passes,
                batch_slices: 0,
            });
        }
    }

    fn claim(&mut self, group: FusionGroup) {
        let idx = self.groups.len();
        for &node in &group.nodes {
            if let Some(slot) = self.group_of.get_mut(node) {
                *slot = Some(idx);
            }
        }
        self.groups.push(group);
    }

    /// Applies the graph-fusion pre-passes to `head` until none adds an op: the folded chain and
    /// the passes applied.
    fn fold(&self, head: NodeId) -> (Vec<NodeId>, Passes) {
        // Room for the UB members too: the fold becomes the group's node list.
        let mut fold = Vec::with_capacity(8);
        fold.push(head);
        let mut passes = Passes::default();
        for _ in 0..PATTERNS.len() {
            let mut progressed = false;
            for &pattern in &self.patterns {
                if pattern.pass != Pass::Graph || !self.head_matches(head, pattern) {
                    continue;
                }
                let growth = self.grow(&fold, pattern, None);
                if growth.valid && !growth.added.is_empty() {
                    fold.extend_from_slice(growth.added.as_slice());
                    passes.push(pattern.name);
                    progressed = true;
                }
            }
            if !progressed {
                break;
            }
        }
        (fold, passes)
    }

    fn head_matches(&self, head: NodeId, pattern: &Pattern) -> bool {
        let facts = self.facts;
        if facts.nodes[head].sealed || !self.member_matches(pattern.head, head) {
            return false;
        }
        let n_inputs = facts.data_inputs(head).len();
        let arity_ok = match pattern.head.inputs {
            Arity::One => n_inputs == 1,
            Arity::Two => n_inputs == 2,
            Arity::Any => true,
        };
        arity_ok
            && match pattern.head_input {
                HeadInput::Any => true,
                HeadInput::AfterAipp => {
                    facts
                        .data_inputs(head)
                        .iter()
                        .any(|&t| match facts.producer(t) {
                            Some(p) => facts.nodes[p].canonical == AIPP,
                            None => {
                                self.options.aipp
                                    && facts
                                        .graph
                                        .tensors
                                        .get(t)
                                        .is_some_and(|t| t.kind == TensorKind::Input)
                            }
                        })
                }
            }
    }

    fn member_matches(&self, member: Member, node: NodeId) -> bool {
        let facts = &self.facts.nodes[node];
        if member.canonicals.is_empty() {
            member.classes.contains(&facts.class)
        } else {
            member.canonicals.contains(&facts.canonical)
        }
    }

    /// Grows `fold` by `pattern`'s steps. `relax` names the one fixable obstacle to ignore
    /// (a shadow walk for a near miss); graph pre-passes stop at any obstacle.
    fn grow(&self, fold: &[NodeId], pattern: &Pattern, relax: Option<NearMissReason>) -> Growth {
        let mut growth = Growth {
            added: Members::default(),
            valid: false,
            stop: None,
            last_count: 0,
        };
        let Some(&head) = fold.first() else {
            return growth;
        };
        if pattern.pass == Pass::Ub {
            if let Some(stop) = self.head_obstacle(fold, relax) {
                growth.stop = Some(stop);
                return growth;
            }
        }
        let steps = pattern.steps;
        let last = steps.len().saturating_sub(1);
        let mut tail = *fold.last().unwrap_or(&head);
        let mut step_idx = 0;
        let mut count = 0u32;
        while let Some(step) = steps.get(step_idx) {
            let chain = Chain {
                fold,
                added: growth.added.as_slice(),
            };
            let relaxed_limit =
                step_idx == last && relax == Some(NearMissReason::TooManyElementwise);
            let max = if relaxed_limit {
                u32::from(step.max) + SHADOW_CAP
            } else {
                u32::from(step.max)
            };
            if count >= max {
                if step_idx == last && !relaxed_limit && pattern.pass == Pass::Ub {
                    if let Ok(Some((blocker, None))) =
                        self.next_or_stop(tail, step, pattern, relax, chain)
                    {
                        growth.stop = Some(Stop {
                            reason: NearMissReason::TooManyElementwise,
                            blocker,
                            tail,
                            outside: Vec::new(),
                            why: None,
                        });
                    }
                }
                if step_idx == last {
                    break;
                }
                step_idx += 1;
                count = 0;
                continue;
            }
            match self.next_or_stop(tail, step, pattern, relax, chain) {
                Ok(Some((member, through))) => {
                    if let Some(through) = through {
                        growth.added.push(through);
                    }
                    growth.added.push(member);
                    tail = member;
                    count += 1;
                }
                Ok(None) => {
                    if count >= u32::from(step.min) && step_idx < last {
                        step_idx += 1;
                        count = 0;
                        continue;
                    }
                    break;
                }
                Err(found) => {
                    growth.stop = Some(found);
                    break;
                }
            }
        }
        growth.valid = match steps.get(step_idx) {
            None => true,
            Some(step) => {
                count >= u32::from(step.min) && steps[step_idx + 1..].iter().all(|s| s.min == 0)
            }
        };
        growth.last_count = if step_idx == last { count } else { 0 };
        if !growth.valid {
            growth.added.clear();
        }
        growth
    }

    /// An obstacle at the head itself (or an op folded into it): the head runs on the AI CPU,
    /// cannot UB-fuse at all, or has dynamic shapes.
    fn head_obstacle(&self, fold: &[NodeId], relax: Option<NearMissReason>) -> Option<Stop> {
        let facts = self.facts;
        let head = *fold.first()?;
        let stop = |reason, blocker, why| Stop {
            reason,
            blocker,
            tail: head,
            outside: Vec::new(),
            why,
        };
        let node = &facts.nodes[head];
        if node.unit == ExecUnit::AiCpu && relax != Some(NearMissReason::AiCpuInBetween) {
            return Some(stop(NearMissReason::AiCpuInBetween, head, None));
        }
        if let Some(why) = node.no_ub_fusion {
            let reason = no_ub_reason(node.class);
            if relax != Some(reason) {
                return Some(stop(reason, head, Some(why)));
            }
        }
        if relax != Some(NearMissReason::DynamicShape) {
            if let Some(&dynamic) = fold.iter().find(|&&n| !facts.is_static(n)) {
                return Some(stop(NearMissReason::DynamicShape, dynamic, None));
            }
        }
        None
    }

    /// The next member after `tail` for `step`, with the nodes stepped through to reach it
    /// (`Ok(None)`: the chain ends here; `Err`: a fixable obstacle).
    fn next_or_stop(
        &self,
        tail: NodeId,
        step: &Step,
        pattern: &Pattern,
        relax: Option<NearMissReason>,
        chain: Chain,
    ) -> Result<Option<(NodeId, Option<NodeId>)>, Stop> {
        let facts = self.facts;
        let Some(tensor) = facts.chain_output(tail) else {
            return Ok(None);
        };
        let readers = facts.readers(tensor);
        let mut chosen: Option<(u8, NodeId, Fit)> = None;
        for &reader in readers {
            let fit = self.fit(reader, step, pattern, tensor, relax, chain);
            let rank = match fit {
                Fit::Member => 0,
                Fit::Soft(..) => 1,
                Fit::Through(..) => 2,
                Fit::No => continue,
            };
            if chosen.as_ref().is_none_or(|(best, ..)| rank < *best) {
                chosen = Some((rank, reader, fit));
            }
        }
        let Some((_, reader, fit)) = chosen else {
            return Ok(None);
        };
        let soft_stop = |reason, blocker, why| Stop {
            reason,
            blocker,
            tail,
            outside: Vec::new(),
            why,
        };
        let (member, through) = match fit {
            Fit::Member => (reader, None),
            Fit::Soft(reason, why) => {
                if pattern.pass == Pass::Graph {
                    return Ok(None);
                }
                return Err(soft_stop(reason, reader, why));
            }
            Fit::Through(reason, behind) => {
                if pattern.pass == Pass::Graph {
                    return Ok(None);
                }
                if relax != Some(reason) {
                    return Err(soft_stop(reason, reader, None));
                }
                (behind, Some(reader))
            }
            Fit::No => return Ok(None),
        };
        let outside: Vec<NodeId> = readers.iter().copied().filter(|&r| r != reader).collect();
        if !outside.is_empty() || facts.is_graph_output(tensor) {
            if pattern.pass == Pass::Graph {
                return Ok(None);
            }
            if relax != Some(NearMissReason::OutsideConsumer) {
                return Err(Stop {
                    outside,
                    ..soft_stop(NearMissReason::OutsideConsumer, member, None)
                });
            }
        }
        Ok(Some((member, through)))
    }

    /// How `reader`, reached through `tensor`, fits `step`.
    fn fit(
        &self,
        reader: NodeId,
        step: &Step,
        pattern: &Pattern,
        tensor: TensorId,
        relax: Option<NearMissReason>,
        chain: Chain,
    ) -> Fit {
        let facts = self.facts;
        let node = &facts.nodes[reader];
        if node.sealed || self.group_of[reader].is_some() || chain.contains(reader) {
            return Fit::No;
        }
        let beyond = |reason| {
            // A format conversion or AI CPU op with one reader behind it that fits the step.
            let out = facts.chain_output(reader)?;
            match (facts.readers(out), facts.is_graph_output(out)) {
                ([behind], false) if !chain.contains(*behind) => {
                    let behind_node = &facts.nodes[*behind];
                    let plain =
                        !behind_node.format_conversion && behind_node.unit != ExecUnit::AiCpu;
                    (plain
                        && matches!(
                            self.fit(*behind, step, pattern, out, relax, chain),
                            Fit::Member
                        ))
                    .then_some(Fit::Through(reason, *behind))
                }
                _ => None,
            }
        };
        if node.format_conversion {
            return beyond(NearMissReason::FormatConversion).unwrap_or(Fit::No);
        }
        if !self.member_matches(step.member, reader) {
            if node.unit == ExecUnit::AiCpu {
                return beyond(NearMissReason::AiCpuInBetween).unwrap_or(Fit::No);
            }
            return Fit::No;
        }
        let inputs = facts.data_inputs(reader);
        let main = self.is_main_input(reader, tensor);
        match step.member.inputs {
            Arity::One if inputs.len() != 1 => {
                if !(inputs.len() >= 2 && main) {
                    return Fit::No;
                }
                if relax != Some(NearMissReason::MultiInputInMiddle) {
                    return Fit::Soft(NearMissReason::MultiInputInMiddle, None);
                }
            }
            Arity::Two if inputs.len() != 2 || !main => return Fit::No,
            Arity::Any if !main => return Fit::No,
            _ => {}
        }
        if node.unit == ExecUnit::AiCpu && relax != Some(NearMissReason::AiCpuInBetween) {
            return Fit::Soft(NearMissReason::AiCpuInBetween, None);
        }
        if let Some(why) = node.no_ub_fusion {
            let reason = no_ub_reason(node.class);
            if relax != Some(reason) {
                return Fit::Soft(reason, Some(why));
            }
        }
        if pattern.pass == Pass::Ub
            && relax != Some(NearMissReason::DynamicShape)
            && !facts.is_static(reader)
        {
            return Fit::Soft(NearMissReason::DynamicShape, None);
        }
        Fit::Member
    }

    /// Whether `tensor` is `node`'s input from the longest branch (the deepest producer; ties go
    /// to the later node): a two-input op joins the chain of its main branch, never the
    /// shortcut's.
    fn is_main_input(&self, node: NodeId, tensor: TensorId) -> bool {
        let facts = self.facts;
        let key = |t: TensorId| match facts.producer(t) {
            Some(p) => (facts.depth[p] + 1, p + 1),
            None => (0, 0),
        };
        let own = key(tensor);
        facts
            .data_inputs(node)
            .iter()
            .filter(|&&t| t != tensor)
            .all(|&t| key(t) <= own)
    }

    /// DDR bytes a chain keeps in the buffer: every tensor a member passes to the next one,
    /// written once and read once.
    fn saved_bytes(&self, nodes: &[NodeId]) -> u64 {
        let facts = self.facts;
        let mut total = 0u64;
        for &node in nodes {
            for &tensor in facts.used_outputs(node) {
                let readers = facts.readers(tensor);
                if !readers.is_empty()
                    && !facts.is_graph_output(tensor)
                    && readers.iter().all(|r| nodes.contains(r))
                {
                    total = total.saturating_add(facts.tensor_bytes(tensor).saturating_mul(2));
                }
            }
        }
        total
    }

    fn near_miss(
        &self,
        pattern: &'static Pattern,
        growth: &Growth,
        stop: &Stop,
        nodes: Vec<NodeId>,
        reached_last_count: u32,
        saved: u64,
    ) -> NearMiss {
        let text = super::text::NearMissText {
            facts: self.facts,
            pattern,
            stop_reason: stop.reason,
            blocker: stop.blocker,
            tail: stop.tail,
            head: nodes.first().copied().unwrap_or(stop.blocker),
            outside: &stop.outside,
            why: stop.why,
            cann: self.cann,
        };
        let (limit, found) = if stop.reason == NearMissReason::TooManyElementwise {
            let found = reached_last_count.max(growth.last_count + 1)
                + u32::from(pattern.limit_counts_head);
            (Some(pattern.limit()), Some(found))
        } else {
            (None, None)
        };
        let detail = text.detail(limit, found);
        let fix = text.fix(limit, self.larger_limit_later(pattern));
        NearMiss {
            pattern: pattern.name,
            nodes,
            blocker: Some(stop.blocker),
            reason: stop.reason,
            detail,
            fix,
            ddr_bytes_saved: saved,
            limit,
            found,
            outside: stop.outside.clone(),
            kernels_merged: 0,
            source: pattern.source,
        }
    }

    /// A later release of the same pattern with a larger limit: `(release, limit)`.
    fn larger_limit_later(&self, pattern: &Pattern) -> Option<(CannVersion, u32)> {
        PATTERNS
            .iter()
            .filter(|p| p.name == pattern.name && p.limit() > pattern.limit())
            .filter(|p| {
                p.steps.len() == pattern.steps.len()
                    && p.limit_counts_head == pattern.limit_counts_head
            })
            .filter_map(|p| p.releases.from.map(|from| (from, p.limit())))
            .filter(|(from, _)| *from > self.cann)
            .min()
    }

    /// The tuning guide's rewrites: an element-wise op left without a group behind an op that
    /// has no 5HD support (MirrorPad) fuses once an identity convolution sits between them.
    fn apply_tricks(&mut self) {
        let facts = self.facts;
        for trick in TRICKS {
            for idx in 0..facts.order.len() {
                let member = facts.order[idx];
                let heads_own_group = match self.group_of[member] {
                    None => true,
                    Some(group) => self.groups[group].nodes.first() == Some(&member),
                };
                if !heads_own_group
                    || facts.nodes[member].unit == ExecUnit::AiCpu
                    || !self.member_matches(trick.member, member)
                {
                    continue;
                }
                let Some(producer) = self.trick_producer(member, trick.producer) else {
                    continue;
                };
                let moved = facts
                    .chain_output(producer)
                    .map_or(0, |t| facts.tensor_bytes(t));
                let saved = moved
                    .saturating_mul(2)
                    .saturating_mul(u64::from(trick.transdata_moves));
                let text = super::text::trick_text(facts, trick, producer, member);
                self.near_misses.push(NearMiss {
                    pattern: trick.enables,
                    nodes: vec![producer, member],
                    blocker: Some(producer),
                    reason: NearMissReason::NoFusionHead,
                    detail: text.0,
                    fix: text.1,
                    ddr_bytes_saved: saved,
                    limit: None,
                    found: None,
                    outside: Vec::new(),
                    kernels_merged: trick.transdata_moves,
                    source: trick.source,
                });
            }
        }
    }

    /// The trick's producer op feeding `member`'s main input, stepping back over at most two
    /// format conversions (a compiled graph shows the TransData GE put there).
    fn trick_producer(&self, member: NodeId, canonicals: &[&str]) -> Option<NodeId> {
        let facts = self.facts;
        let main = facts
            .data_inputs(member)
            .iter()
            .copied()
            .find(|&t| self.is_main_input(member, t))?;
        let mut producer = facts.producer(main)?;
        for _ in 0..2 {
            if !facts.nodes[producer].format_conversion {
                break;
            }
            let input = *facts.data_inputs(producer).first()?;
            producer = facts.producer(input)?;
        }
        let node = &facts.nodes[producer];
        (canonicals.contains(&node.canonical) && node.lacks_5hd).then_some(producer)
    }

    /// Drops repeated near misses (one blocker, one reason) and counts the kernels each would
    /// merge, now that every group is known.
    fn finish_near_misses(&mut self) {
        let mut seen: HashSet<(Option<NodeId>, NearMissReason)> = HashSet::new();
        self.near_misses
            .retain(|near| seen.insert((near.blocker, near.reason)));
        for idx in 0..self.near_misses.len() {
            if self.near_misses[idx].reason == NearMissReason::NoFusionHead {
                continue;
            }
            let merged = self
                .kernels_among(&self.near_misses[idx].nodes)
                .saturating_sub(1);
            self.near_misses[idx].kernels_merged = merged;
        }
    }

    /// Kernels the nodes run as now: one per UB group, one per other node with a kernel.
    fn kernels_among(&self, nodes: &[NodeId]) -> u32 {
        let mut groups: Vec<usize> = Vec::new();
        let mut singles = 0u32;
        for &node in nodes {
            match self.group_of.get(node).copied().flatten() {
                Some(group) => {
                    if !groups.contains(&group) {
                        groups.push(group);
                    }
                }
                None => {
                    let facts = &self.facts.nodes[node];
                    if facts.unit != ExecUnit::None && facts.class != FusionClass::NoKernel {
                        singles += 1;
                    }
                }
            }
        }
        singles + groups.len() as u32
    }
}

/// The near-miss reason for an op whose knowledge row forbids UB fusion.
fn no_ub_reason(class: FusionClass) -> NearMissReason {
    if class == FusionClass::Reduce {
        NearMissReason::CaffeReduce
    } else {
        NearMissReason::Other
    }
}
