//! Counting records into the units they belong to on the structure date, then adding
//! them up for any part of the tree: the whole subtree, one child's, or the unit itself.

use domain::indicators::Indicator;
use domain::units::VersionIx;
use std::collections::{HashMap, HashSet};

/// One record behind a figure, for drill-down.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Evidence {
    /// What the record is: a record id, a household code, a group code…
    pub record: String,
    /// Its table.
    pub source: &'static str,
    /// What it adds to the figure (1 for a distinct household or person).
    pub amount: i64,
    pub unit_code: String,
}

#[derive(Clone, Default)]
struct Acc {
    sums: HashMap<Indicator, i64>,
    sets: HashMap<Indicator, HashSet<String>>,
}

#[derive(Clone, Default)]
pub struct Tally {
    per_node: HashMap<VersionIx, Acc>,
    /// Entrusted balances placed exactly at a node (the vbsp_share_pct rule).
    pub entrusted: HashMap<VersionIx, i64>,
    /// Targets of a node's own versions and of units that continue into it (through
    /// lineage), by indicator.
    pub targets: HashMap<(VersionIx, Indicator), i64>,
    /// Targets of units that reach a node only by falling to it, their nearest ancestor
    /// (data-contract.md, "Targets"): they add to the children's, never hide them.
    pub fallen_targets: HashMap<(VersionIx, Indicator), i64>,
    want: Option<Indicator>,
    pub evidence: Vec<(VersionIx, Evidence)>,
    /// Records whose unit reaches no unit on the structure date: (table, unit version) → count.
    pub unmapped: std::collections::BTreeMap<(&'static str, VersionIx), i64>,
}

impl Tally {
    /// A tally that also keeps the records behind `want`.
    pub fn new(want: Option<Indicator>) -> Tally {
        Tally {
            want,
            ..Tally::default()
        }
    }

    /// Where a record of unit version `unit_id` is counted; a record that lands nowhere on
    /// the structure date is kept in `unmapped` (never silently dropped).
    pub fn node(
        &mut self,
        scope: &crate::scope::Scope,
        unit_id: i64,
        source: &'static str,
    ) -> Option<VersionIx> {
        let placed = scope.place(unit_id);
        if placed.is_none() {
            self.unmapped_records(scope, unit_id, source, 1);
        }
        placed
    }

    /// Counts `n` records of `source` at unit `unit_id` that reach no unit on the
    /// structure date (nothing when the unit does reach one, outside the scope).
    pub fn unmapped_records(
        &mut self,
        scope: &crate::scope::Scope,
        unit_id: i64,
        source: &'static str,
        n: i64,
    ) {
        if n != 0 && scope.is_unmapped(unit_id) {
            if let Some(ix) = scope.version_of_id(unit_id) {
                *self.unmapped.entry((source, ix)).or_insert(0) += n;
            }
        }
    }

    pub fn wants(&self, indicator: Indicator) -> bool {
        self.want == Some(indicator)
    }

    fn keep(&mut self, node: VersionIx, code: Indicator, ev: impl FnOnce() -> Evidence) {
        if self.want == Some(code) {
            self.evidence.push((node, ev()));
        }
    }

    pub fn add(
        &mut self,
        node: VersionIx,
        code: Indicator,
        amount: i64,
        ev: impl FnOnce() -> Evidence,
    ) {
        *self
            .per_node
            .entry(node)
            .or_default()
            .sums
            .entry(code)
            .or_insert(0) += amount;
        self.keep(node, code, ev);
    }

    /// Counts `key` once per node (and once in any sum of nodes).
    pub fn add_distinct(
        &mut self,
        node: VersionIx,
        code: Indicator,
        key: String,
        ev: impl FnOnce() -> Evidence,
    ) {
        let fresh = self
            .per_node
            .entry(node)
            .or_default()
            .sets
            .entry(code)
            .or_default()
            .insert(key);
        if fresh {
            self.keep(node, code, ev);
        }
    }

    /// Takes `key` back from what `node` counts for `code`: the key itself where it is
    /// kept, else one from the number counted there (the aggregates count a key found in
    /// one cell of its year as a number, `aggregated::tally`).
    pub fn take_back_distinct(&mut self, node: VersionIx, code: Indicator, key: &str) {
        let acc = self.per_node.entry(node).or_default();
        if acc.sets.get_mut(&code).is_some_and(|set| set.remove(key)) {
            return;
        }
        *acc.sums.entry(code).or_insert(0) -= 1;
    }

    /// Every sum kept: (node, indicator, amount).
    pub fn sums(&self) -> impl Iterator<Item = (VersionIx, Indicator, i64)> + '_ {
        self.per_node
            .iter()
            .flat_map(|(&n, acc)| acc.sums.iter().map(move |(&i, &v)| (n, i, v)))
    }

    /// Every key counted distinctly: (node, indicator, key).
    pub fn distinct_keys(&self) -> impl Iterator<Item = (VersionIx, Indicator, &str)> + '_ {
        self.per_node.iter().flat_map(|(&n, acc)| {
            acc.sets
                .iter()
                .flat_map(move |(&i, set)| set.iter().map(move |k| (n, i, k.as_str())))
        })
    }

    /// Adds what `other` counts (kept apart: the households' figures a caller kept,
    /// `crate::KeepsHouseholdFigures`): its sums, its keys and its unplaced records; a
    /// tally of the records behind a figure is never kept apart.
    pub fn add_tally(&mut self, other: &Tally) {
        debug_assert!(self.want.is_none() && other.evidence.is_empty());
        for (&node, acc) in &other.per_node {
            let mine = self.per_node.entry(node).or_default();
            for (&code, &v) in &acc.sums {
                *mine.sums.entry(code).or_insert(0) += v;
            }
            for (&code, set) in &acc.sets {
                mine.sets
                    .entry(code)
                    .or_default()
                    .extend(set.iter().cloned());
            }
        }
        let sources: Vec<&str> = other.unmapped.keys().map(|(s, _)| *s).collect();
        self.add_unmapped(other, &sources, 1);
    }

    /// Adds `sign` × the unplaced records of `other` from these tables to this tally's,
    /// leaving no table at zero (a report lists none).
    pub fn add_unmapped(&mut self, other: &Tally, sources: &[&str], sign: i64) {
        for (&(source, ix), &n) in &other.unmapped {
            if sources.contains(&source) {
                *self.unmapped.entry((source, ix)).or_insert(0) += sign * n;
            }
        }
        self.unmapped.retain(|_, n| *n != 0);
    }

    /// The figures of the nodes for which `include` holds: sums added, distinct sets
    /// joined.
    pub fn values(&self, include: impl Fn(VersionIx) -> bool) -> HashMap<Indicator, i64> {
        let mut sums: HashMap<Indicator, i64> = HashMap::new();
        let mut sets: HashMap<Indicator, HashSet<&str>> = HashMap::new();
        for (node, acc) in self.per_node.iter().filter(|(n, _)| include(**n)) {
            let _ = node;
            for (&k, v) in &acc.sums {
                *sums.entry(k).or_insert(0) += v;
            }
            for (&k, set) in &acc.sets {
                sets.entry(k)
                    .or_default()
                    .extend(set.iter().map(String::as_str));
            }
        }
        // A distinct count may come partly as a number (keys counted once already, from
        // the aggregates) and partly as keys.
        for (k, set) in sets {
            *sums.entry(k).or_insert(0) += set.len() as i64;
        }
        sums
    }
}
