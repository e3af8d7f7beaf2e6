//! The checks a set of unit versions and lineage links must pass before anything is
//! written: no overlapping versions, parents that exist and sit above, links that join
//! an ended unit to one that exists, shares that add up, no cycles.

use super::{LineageLink, UnitGraph, VersionIx};
use crate::Date;
use std::collections::HashMap;

/// A problem with a set of versions or links, found before anything is written.
#[derive(Clone, Debug, PartialEq)]
pub enum UnitProblem {
    /// Two versions of `code` share days.
    Overlap {
        code: String,
        a: VersionIx,
        b: VersionIx,
    },
    ParentMissing {
        ix: VersionIx,
    },
    /// The parent is not at a higher level than the child.
    ParentLevel {
        ix: VersionIx,
        parent: VersionIx,
    },
}

/// Checks the versions of a graph: no overlapping versions of one code; every parent
/// exists on the child's first day and sits above it.
pub fn check_versions(graph: &UnitGraph) -> Vec<UnitProblem> {
    let mut problems = Vec::new();
    for (code, list) in &graph.by_code {
        for pair in list.windows(2) {
            let (a, b) = (&graph.versions[pair[0]], &graph.versions[pair[1]]);
            if a.valid_to >= b.valid_from {
                problems.push(UnitProblem::Overlap {
                    code: code.clone(),
                    a: pair[0],
                    b: pair[1],
                });
            }
        }
    }
    for (ix, v) in graph.versions.iter().enumerate() {
        let Some(pc) = v.parent_code.as_deref() else {
            continue;
        };
        match graph.version_on(pc, v.valid_from) {
            None => problems.push(UnitProblem::ParentMissing { ix }),
            Some(p) if graph.versions[p].level >= v.level => {
                problems.push(UnitProblem::ParentLevel { ix, parent: p });
            }
            Some(_) => {}
        }
    }
    problems
}

#[derive(Clone, Debug, PartialEq)]
pub enum LineageProblem {
    SelfLink,
    ShareOutOfRange,
    /// `from_code` has no version valid the day before the effective date.
    FromMissing,
    /// `from_code`'s version goes on past the effective date: lineage says where an
    /// ended unit went.
    FromNotEnded,
    ToMissing,
    /// The shares leaving one unit on one day add up to more than 1.
    SharesOverOne,
    /// The links of one day lead back to where they started.
    Cycle(Vec<String>),
}

/// Checks one link against the graph (the graph already holds every version, old and new).
pub fn check_link(graph: &UnitGraph, link: &LineageLink) -> Option<LineageProblem> {
    if link.from_code == link.to_code {
        return Some(LineageProblem::SelfLink);
    }
    if !(link.share > 0.0 && link.share <= 1.0) {
        return Some(LineageProblem::ShareOutOfRange);
    }
    let Some(from) = graph.version_on(&link.from_code, link.effective.pred()) else {
        return Some(LineageProblem::FromMissing);
    };
    if graph.versions[from].valid_to != link.effective.pred() {
        return Some(LineageProblem::FromNotEnded);
    }
    if graph.version_on(&link.to_code, link.effective).is_none() {
        return Some(LineageProblem::ToMissing);
    }
    None
}

/// Checks the links as a whole: shares per (from, day), and cycles. A cycle is looked
/// for among unit *versions* (a link joins the version valid the day before to the one
/// valid on the day), not codes: the 2025 reform swapped reused codes between new
/// communes, which is no cycle. Returns the offending links' indexes with their problem.
pub fn check_links(graph: &UnitGraph, links: &[LineageLink]) -> Vec<(usize, LineageProblem)> {
    let mut problems = Vec::new();
    let mut sums: HashMap<(&str, Date), f64> = HashMap::new();
    for l in links {
        *sums.entry((&l.from_code, l.effective)).or_insert(0.0) += l.share;
    }
    for (i, l) in links.iter().enumerate() {
        if sums[&(l.from_code.as_str(), l.effective)] > 1.0 + 1e-6 {
            problems.push((i, LineageProblem::SharesOverOne));
        }
    }
    let mut edges: HashMap<VersionIx, Vec<(VersionIx, usize)>> = HashMap::new();
    for (i, l) in links.iter().enumerate() {
        let from = graph.version_on(&l.from_code, l.effective.pred());
        let to = graph.version_on(&l.to_code, l.effective);
        if let (Some(f), Some(t)) = (from, to) {
            edges.entry(f).or_default().push((t, i));
        }
    }
    for cycle in version_cycles(&edges) {
        let codes: Vec<String> = cycle.iter().map(|&i| links[i].from_code.clone()).collect();
        for &i in &cycle {
            problems.push((i, LineageProblem::Cycle(codes.clone())));
        }
    }
    problems
}

/// The link indexes of each cycle found by a depth-first search (iterative, so a long
/// chain cannot overflow the stack).
fn version_cycles(edges: &HashMap<VersionIx, Vec<(VersionIx, usize)>>) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut mark: HashMap<VersionIx, Mark> = HashMap::new();
    let mut cycles = Vec::new();
    let mut starts: Vec<VersionIx> = edges.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        if mark.contains_key(&start) {
            continue;
        }
        // (node, next edge to try); `via` holds the link used to enter each open node.
        let mut stack: Vec<(VersionIx, usize)> = vec![(start, 0)];
        let mut via: Vec<usize> = Vec::new();
        mark.insert(start, Mark::Open);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let out = edges.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&(to, link)) = out.get(*next) {
                *next += 1;
                match mark.get(&to) {
                    None => {
                        mark.insert(to, Mark::Open);
                        stack.push((to, 0));
                        via.push(link);
                    }
                    Some(Mark::Open) => {
                        let pos = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let mut cycle: Vec<usize> = via[pos..].to_vec();
                        cycle.push(link);
                        cycles.push(cycle);
                    }
                    Some(Mark::Done) => {}
                }
            } else {
                mark.insert(node, Mark::Done);
                stack.pop();
                via.pop();
            }
        }
    }
    cycles
}
