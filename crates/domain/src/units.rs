//! The union's units as an effective-dated tree.
//!
//! A unit *version* has a code, a name, a parent code and a validity. Codes are reused
//! (the 2025 reform gave old commune codes to new communes), so a code alone names
//! nothing; code + date does. Two versions of one code that touch are one unit
//! continuing (renamed or moved). Lineage links say where an ended unit's records went.
//!
//! [`UnitGraph`] answers the questions every report asks: what the tree looks like on a
//! structure date, and where the records of any unit version, current or historical,
//! belong on that date.

use crate::Date;
use serde::Serialize;
use std::collections::HashMap;

crate::vocabulary! {
    /// A unit's level in the union's tree.
    pub enum Level {
        Central = "central", "Trung ương";
        Province = "province", "Tỉnh/Thành phố";
        District = "district", "Huyện/Quận";
        Commune = "commune", "Xã/Phường";
        Branch = "branch", "Chi hội";
    }
}

/// A unit *version*'s storage id: one (code, valid_from) of the tree, which records name
/// through their `unit_id` column. Not a unit's code (`20437`, text, shared by all its
/// versions), and not a position in a graph (`VersionIx`): the three are kept apart by
/// type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct VersionId(pub i64);

impl std::fmt::Display for VersionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitVersion {
    /// Storage id; stable across re-imports of the same (code, valid_from).
    pub id: VersionId,
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<String>,
    /// First day of the version; [`Date::MIN`] when open.
    pub valid_from: Date,
    /// Last day of the version; [`Date::MAX`] when open.
    pub valid_to: Date,
}

impl UnitVersion {
    pub fn valid_on(&self, d: Date) -> bool {
        self.valid_from <= d && d <= self.valid_to
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineageLink {
    pub from_code: String,
    pub to_code: String,
    /// From this day `to_code` holds what `from_code` (its version of the day before) held.
    pub effective: Date,
    /// Share of the old unit in (0, 1]; 1 for a whole unit.
    pub share: f64,
}

pub type VersionIx = usize;

/// Unit versions by database id. Ids come from a sequence, so they are nearly dense: a
/// vector indexed by id finds a version without hashing (a national report asks once
/// per unit version, tens of thousands of times). Sparse ids fall back to a map.
#[derive(Clone, Debug)]
enum IdIndex {
    Dense {
        first: i64,
        ix: Vec<Option<VersionIx>>,
    },
    Sparse(HashMap<i64, VersionIx>),
}

impl IdIndex {
    fn new(versions: &[UnitVersion]) -> IdIndex {
        let (Some(first), Some(last)) = (
            versions.iter().map(|v| v.id.0).min(),
            versions.iter().map(|v| v.id.0).max(),
        ) else {
            return IdIndex::Sparse(HashMap::new());
        };
        let span = last.saturating_sub(first).saturating_add(1);
        if span > 4 * versions.len() as i64 + 1024 {
            return IdIndex::Sparse(
                versions
                    .iter()
                    .enumerate()
                    .map(|(ix, v)| (v.id.0, ix))
                    .collect(),
            );
        }
        let mut ix = vec![None; span as usize];
        for (i, v) in versions.iter().enumerate() {
            ix[(v.id.0 - first) as usize] = Some(i);
        }
        IdIndex::Dense { first, ix }
    }

    fn get(&self, id: i64) -> Option<VersionIx> {
        match self {
            IdIndex::Dense { first, ix } => usize::try_from(id.checked_sub(*first)?)
                .ok()
                .and_then(|at| ix.get(at).copied().flatten()),
            IdIndex::Sparse(map) => map.get(&id).copied(),
        }
    }
}

/// How many steps a resolution may take before it is called a cycle.
const MAX_STEPS: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Via {
    /// Same code, the next version starts the day after this one ends.
    Continuation,
    Lineage,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Successor {
    pub ix: VersionIx,
    pub share: f64,
    pub via: Via,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Predecessor {
    pub ix: VersionIx,
    pub share: f64,
    pub effective: Date,
    pub via: Via,
}

/// What became of a code on a date.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fate {
    Exists(VersionIx),
    /// The code has no version on or before the date.
    Unknown,
    /// Its last version ended before the date; from `on` its records belong to `into`.
    EndedInto {
        ended: VersionIx,
        on: Date,
        into: VersionIx,
    },
    /// Its last version ended and no successor or ancestor reaches the date.
    Unmapped {
        ended: VersionIx,
    },
}

pub struct UnitGraph {
    versions: Vec<UnitVersion>,
    by_code: HashMap<String, Vec<VersionIx>>,
    by_id: IdIndex,
    /// Links leaving each code: (effective day, to code, share).
    lineage_out: HashMap<String, Vec<(Date, String, f64)>>,
    lineage_in: HashMap<String, Vec<(String, Date, f64)>>,
    /// Per version, where an ended version's records go next (its main successor, or its
    /// parent when it has none): precomputed so that resolving is a short walk.
    next: Vec<Option<VersionIx>>,
    /// Per version, whether `next` is its parent (it ended with no successor).
    next_is_parent: Vec<bool>,
    /// Per version, its parent version on its first day.
    parent_at_start: Vec<Option<VersionIx>>,
}

impl UnitGraph {
    pub fn new(versions: Vec<UnitVersion>, lineage: Vec<LineageLink>) -> UnitGraph {
        let mut by_code: HashMap<String, Vec<VersionIx>> = HashMap::new();
        for (ix, v) in versions.iter().enumerate() {
            by_code.entry(v.code.clone()).or_default().push(ix);
        }
        for list in by_code.values_mut() {
            list.sort_by_key(|&ix| versions[ix].valid_from);
        }
        let mut lineage_out: HashMap<String, Vec<(Date, String, f64)>> = HashMap::new();
        let mut lineage_in: HashMap<String, Vec<(String, Date, f64)>> = HashMap::new();
        for l in lineage {
            lineage_in.entry(l.to_code.clone()).or_default().push((
                l.from_code.clone(),
                l.effective,
                l.share,
            ));
            lineage_out
                .entry(l.from_code)
                .or_default()
                .push((l.effective, l.to_code, l.share));
        }
        let by_id = IdIndex::new(&versions);
        let mut graph = UnitGraph {
            versions,
            by_code,
            by_id,
            lineage_out,
            lineage_in,
            next: Vec::new(),
            next_is_parent: Vec::new(),
            parent_at_start: Vec::new(),
        };
        graph.parent_at_start = (0..graph.versions.len())
            .map(|ix| {
                let v = &graph.versions[ix];
                let code = v.parent_code.as_deref()?;
                graph
                    .version_on(code, v.valid_from)
                    .or_else(|| graph.version_on(code, v.valid_to))
            })
            .collect();
        let successors: Vec<Option<VersionIx>> = (0..graph.versions.len())
            .map(|ix| graph.main_successor(ix))
            .collect();
        graph.next_is_parent = successors
            .iter()
            .zip(&graph.parent_at_start)
            .map(|(s, p)| s.is_none() && p.is_some())
            .collect();
        graph.next = successors
            .into_iter()
            .zip(&graph.parent_at_start)
            .map(|(s, p)| s.or(*p))
            .collect();
        graph
    }

    pub fn versions(&self) -> &[UnitVersion] {
        &self.versions
    }

    pub fn version(&self, ix: VersionIx) -> &UnitVersion {
        &self.versions[ix]
    }

    pub fn versions_of(&self, code: &str) -> &[VersionIx] {
        self.by_code.get(code).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn version_on(&self, code: &str, date: Date) -> Option<VersionIx> {
        self.versions_of(code)
            .iter()
            .copied()
            .find(|&ix| self.versions[ix].valid_on(date))
    }

    pub fn find_id(&self, id: VersionId) -> Option<VersionIx> {
        self.by_id.get(id.0)
    }

    /// The unit at `level` above (or at) version `ix` as the tree stands on `date`:
    /// "which province is this commune in on that day".
    pub fn ancestor_at_level(&self, ix: VersionIx, date: Date, level: Level) -> Option<VersionIx> {
        let mut cur = self.resolve(ix, date)?;
        for _ in 0..16 {
            if self.versions[cur].level == level {
                return Some(cur);
            }
            cur = self.parent_on(cur, date)?;
        }
        None
    }

    /// The next version of the same code when it starts the day after `ix` ends.
    pub fn continuation(&self, ix: VersionIx) -> Option<VersionIx> {
        let v = &self.versions[ix];
        if v.valid_to == Date::MAX {
            return None;
        }
        let next = v.valid_to.succ();
        self.versions_of(&v.code)
            .iter()
            .copied()
            .find(|&j| self.versions[j].valid_from == next)
    }

    /// Where the unit goes when version `ix` ends, with shares. The continuing version
    /// (if any) takes whatever share the lineage links do not give to other codes.
    pub fn successors(&self, ix: VersionIx) -> Vec<Successor> {
        let v = &self.versions[ix];
        if v.valid_to == Date::MAX {
            return Vec::new();
        }
        let day = v.valid_to.succ();
        let mut out = Vec::new();
        let mut given_away = 0.0;
        let mut self_share = None;
        if let Some(links) = self.lineage_out.get(v.code.as_str()) {
            for (_, to, share) in links.iter().filter(|(eff, _, _)| *eff == day) {
                if *to == v.code {
                    self_share = Some(*share);
                    continue;
                }
                if let Some(t) = self.version_on(to, day) {
                    out.push(Successor {
                        ix: t,
                        share: *share,
                        via: Via::Lineage,
                    });
                    given_away += share;
                }
            }
        }
        if let Some(c) = self.continuation(ix) {
            let share = self_share.unwrap_or(1.0 - given_away);
            if share > 1e-9 {
                out.insert(
                    0,
                    Successor {
                        ix: c,
                        share,
                        via: Via::Continuation,
                    },
                );
            }
        }
        out
    }

    /// The successor that receives the records of an ended version that are not tied to
    /// a household: the largest share; on a tie the continuing version, then the lower code.
    pub fn main_successor(&self, ix: VersionIx) -> Option<VersionIx> {
        let mut best: Option<Successor> = None;
        for s in self.successors(ix) {
            best = match best {
                None => Some(s),
                Some(b) if s.share > b.share + 1e-9 => Some(s),
                Some(b)
                    if (s.share - b.share).abs() <= 1e-9
                        && b.via != Via::Continuation
                        && self.versions[s.ix].code < self.versions[b.ix].code =>
                {
                    Some(s)
                }
                Some(b) => Some(b),
            };
        }
        best.map(|s| s.ix)
    }

    /// The parent of version `ix` as the tree stands on `date`: the parent version valid
    /// on the child's first day, followed to `date` like any record.
    pub fn parent_on(&self, ix: VersionIx, date: Date) -> Option<VersionIx> {
        match self.parent_at_start[ix] {
            Some(p) => self.resolve(p, date),
            None => {
                let code = self.versions[ix].parent_code.as_deref()?;
                self.version_on(code, date)
            }
        }
    }

    /// Where the records of version `ix` belong on structure date `date`: the version
    /// valid then that it continues into, or its successor through lineage, or (ended
    /// with no successor) its nearest ancestor that reaches the date. `None`: unmapped,
    /// including a unit that did not exist yet on `date`.
    pub fn resolve(&self, mut ix: VersionIx, date: Date) -> Option<VersionIx> {
        // Every step moves to a later version or up the tree, so a real chain is short;
        // the bound only guards against a cycle that validation should have refused.
        for _ in 0..MAX_STEPS {
            let v = &self.versions[ix];
            if v.valid_on(date) {
                return Some(ix);
            }
            if date < v.valid_from {
                return None;
            }
            ix = self.next[ix]?;
        }
        None
    }

    /// Whether the records of version `ix` reach `date` only by falling to an ancestor
    /// somewhere on the way (a unit that vanished with no successor), rather than by
    /// continuing or through lineage. Targets follow the difference: a fallen unit's plan
    /// adds to its ancestor's children instead of standing for the ancestor's own.
    pub fn falls(&self, mut ix: VersionIx, date: Date) -> bool {
        for _ in 0..MAX_STEPS {
            let v = &self.versions[ix];
            if v.valid_on(date) || date < v.valid_from {
                return false;
            }
            if self.next_is_parent[ix] {
                return true;
            }
            let Some(n) = self.next[ix] else {
                return false;
            };
            ix = n;
        }
        false
    }

    /// Resolution of every version on `date` at once (index = version).
    pub fn resolve_all(&self, date: Date) -> Vec<Option<VersionIx>> {
        (0..self.versions.len())
            .map(|ix| self.resolve(ix, date))
            .collect()
    }

    pub fn fate(&self, code: &str, date: Date) -> Fate {
        if let Some(ix) = self.version_on(code, date) {
            return Fate::Exists(ix);
        }
        let last = self
            .versions_of(code)
            .iter()
            .copied()
            .filter(|&ix| self.versions[ix].valid_to < date)
            .max_by_key(|&ix| self.versions[ix].valid_to);
        match last {
            None => Fate::Unknown,
            Some(ended) => match self.resolve(ended, date) {
                Some(into) => Fate::EndedInto {
                    ended,
                    on: self.versions[ended].valid_to.succ(),
                    into,
                },
                None => Fate::Unmapped { ended },
            },
        }
    }

    /// The versions whose records flowed into version `ix`: the version it continues and
    /// every lineage link pointing at its code while it is valid.
    pub fn predecessors(&self, ix: VersionIx) -> Vec<Predecessor> {
        let v = &self.versions[ix];
        let mut out = Vec::new();
        if v.valid_from != Date::MIN {
            let before = v.valid_from.pred();
            if let Some(p) = self.version_on(&v.code, before) {
                out.push(Predecessor {
                    ix: p,
                    share: 1.0,
                    effective: v.valid_from,
                    via: Via::Continuation,
                });
            }
        }
        for (from, eff, share) in self.lineage_in.get(&v.code).into_iter().flatten() {
            if !v.valid_on(*eff) || from == &v.code {
                continue;
            }
            if let Some(p) = self.version_on(from, eff.pred()) {
                out.push(Predecessor {
                    ix: p,
                    share: *share,
                    effective: *eff,
                    via: Via::Lineage,
                });
            }
        }
        out
    }

    /// The first day from which the tree never changes again: every version valid then
    /// stays valid, every other stays ended, so the structure and where every version's
    /// records land are the same on any later date.
    pub fn settled_from(&self) -> Date {
        self.versions
            .iter()
            .flat_map(|v| {
                let start = (v.valid_from != Date::MIN).then_some(v.valid_from);
                let after = (v.valid_to != Date::MAX).then(|| v.valid_to.succ());
                start.into_iter().chain(after)
            })
            .max()
            .unwrap_or(Date::MIN)
    }

    /// For every version (by index): on `date`, the child of a root of the tree that
    /// its records land under, the root itself for a root's own records (`None`: they
    /// land nowhere). The rows of a report of a whole tree by its root's children.
    pub fn tops_on(&self, date: Date) -> Vec<Option<VersionIx>> {
        let structure = self.structure_on(date);
        let mut top_of_node = vec![None; self.versions.len()];
        for &root in &structure.roots {
            top_of_node[root] = Some(root);
            for &child in structure.children(root) {
                for n in structure.subtree(child) {
                    top_of_node[n] = Some(child);
                }
            }
        }
        (0..self.versions.len())
            .map(|ix| self.resolve(ix, date).and_then(|node| top_of_node[node]))
            .collect()
    }

    /// The tree as it stands on `date`.
    pub fn structure_on(&self, date: Date) -> Structure<'_> {
        let mut children: HashMap<VersionIx, Vec<VersionIx>> = HashMap::new();
        let mut roots = Vec::new();
        for (ix, v) in self.versions.iter().enumerate() {
            if !v.valid_on(date) {
                continue;
            }
            match self.parent_on(ix, date) {
                Some(p) if p != ix => children.entry(p).or_default().push(ix),
                _ => roots.push(ix),
            }
        }
        let by_code =
            |a: &VersionIx, b: &VersionIx| self.versions[*a].code.cmp(&self.versions[*b].code);
        roots.sort_by(by_code);
        for list in children.values_mut() {
            list.sort_by(by_code);
        }
        Structure {
            graph: self,
            date,
            roots,
            children,
        }
    }
}

/// The tree on one structure date.
pub struct Structure<'g> {
    pub graph: &'g UnitGraph,
    pub date: Date,
    pub roots: Vec<VersionIx>,
    children: HashMap<VersionIx, Vec<VersionIx>>,
}

impl Structure<'_> {
    pub fn children(&self, ix: VersionIx) -> &[VersionIx] {
        self.children.get(&ix).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The children of every node that has any, owned (to be kept apart from the graph).
    pub fn into_children(self) -> HashMap<VersionIx, Vec<VersionIx>> {
        self.children
    }

    /// `ix` and every version below it, depth first.
    pub fn subtree(&self, ix: VersionIx) -> Vec<VersionIx> {
        let mut out = Vec::new();
        let mut stack = vec![ix];
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(self.children(n).iter().rev());
        }
        out
    }

    pub fn count_by_level(&self, ix: VersionIx) -> HashMap<Level, usize> {
        let mut counts = HashMap::new();
        for n in self.subtree(ix) {
            *counts.entry(self.graph.version(n).level).or_insert(0) += 1;
        }
        counts
    }
}

mod checks;
pub use checks::{check_link, check_links, check_versions, LineageProblem, UnitProblem};

#[cfg(test)]
mod tests;
