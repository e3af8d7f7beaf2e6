//! The scope of a report: a unit on a structure date and every unit version, current or
//! historical, whose records belong in its subtree.

use crate::ReportError;
use domain::units::{Fate, UnitGraph, VersionIx};
use domain::Date;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Clone)]
pub struct Scope {
    pub graph: Arc<UnitGraph>,
    pub structure_date: Date,
    pub root: VersionIx,
    /// Versions valid on the structure date in the root's subtree.
    pub subtree: HashSet<VersionIx>,
    /// The whole tree on the structure date, shared by every scope of that date.
    on_date: Arc<OnDate>,
    /// Children of every node of the subtree on the structure date.
    pub children: HashMap<VersionIx, Vec<VersionIx>>,
    /// Every version lands in the subtree (a national report).
    everything: bool,
    /// By node: records that reach it are counted (the subtree; `limited_to` narrows it).
    counted: Vec<bool>,
    /// By node of the subtree: the index of the root's child it lies under (the root
    /// maps to itself); `NOT_UNDER` elsewhere.
    top: Vec<u32>,
    /// The ids of the versions whose records the scope reads, sorted (`unit_ids`).
    ids: Vec<i64>,
    /// Only some units' records are kept (`limited_to`).
    limited: bool,
    /// The subtree holds every node any version's records land on (the root is the
    /// tree's; some versions' records may land nowhere).
    whole_tree: bool,
}

const NOT_UNDER: u32 = u32::MAX;

/// What a structure date makes of the whole tree, whatever the report's unit: where
/// every version's records belong, which versions were split, each node's children.
/// Resolving every version there ever was is most of a scope's cost.
struct OnDate {
    graph: Arc<UnitGraph>,
    date: Date,
    /// For every version: where its records belong on the date.
    mapped: Vec<Option<VersionIx>>,
    /// Ids of the versions split among several successors, sorted.
    split: Vec<i64>,
    children: HashMap<VersionIx, Vec<VersionIx>>,
}

/// Trees of recent structure dates, newest last.
static DATES: std::sync::Mutex<Vec<Arc<OnDate>>> = std::sync::Mutex::new(Vec::new());
const DATES_KEPT: usize = 8;

impl OnDate {
    fn shared(graph: &Arc<UnitGraph>, date: Date) -> Arc<OnDate> {
        let lock = || {
            DATES
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(d) = lock()
            .iter()
            .find(|d| Arc::ptr_eq(&d.graph, graph) && d.date == date)
        {
            return d.clone();
        }
        let mut split: Vec<i64> = (0..graph.versions().len())
            .filter(|&ix| graph.successors(ix).len() > 1)
            .map(|ix| graph.version(ix).id.0)
            .collect();
        split.sort_unstable();
        let made = Arc::new(OnDate {
            graph: graph.clone(),
            date,
            mapped: graph.resolve_all(date),
            split,
            children: graph.structure_on(date).into_children(),
        });
        let mut recent = lock();
        recent.retain(|d| Arc::ptr_eq(&d.graph, graph));
        if recent.len() >= DATES_KEPT {
            recent.remove(0);
        }
        recent.push(made.clone());
        made
    }
}

/// Scopes recently built, newest last: every manager of a province opens her
/// province's reports of today and of the month's end, and at month end, with eight
/// kept, building scopes and listing their units took a fifth of a server's processor
/// (scale 0.1, twenty provinces read at once).
/// Keyed by the graph itself, so a changed tree (a new graph) never meets an old scope.
static RECENT: std::sync::Mutex<Vec<Arc<Scope>>> = std::sync::Mutex::new(Vec::new());
const RECENT_KEPT: usize = 64;

impl Scope {
    /// The scope of `code` on `structure_date` in `graph`, built once and shared while
    /// it stays among the recent ones.
    pub fn shared(
        graph: Arc<UnitGraph>,
        code: &str,
        structure_date: Date,
    ) -> Result<Arc<Scope>, ReportError> {
        let same = |s: &Scope| {
            Arc::ptr_eq(&s.graph, &graph)
                && s.structure_date == structure_date
                && s.graph.version(s.root).code == code
        };
        {
            let recent = RECENT
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(s) = recent.iter().find(|s| same(s)) {
                return Ok(s.clone());
            }
        }
        let scope = Arc::new(Scope::new(graph, code, structure_date)?);
        let mut recent = RECENT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Scopes of a graph that was replaced can no longer be asked for.
        recent.retain(|s| Arc::ptr_eq(&s.graph, &scope.graph));
        if recent.len() >= RECENT_KEPT {
            recent.remove(0);
        }
        recent.push(scope.clone());
        Ok(scope)
    }

    pub fn new(
        graph: Arc<UnitGraph>,
        code: &str,
        structure_date: Date,
    ) -> Result<Scope, ReportError> {
        let root = match graph.fate(code, structure_date) {
            Fate::Exists(ix) => ix,
            Fate::EndedInto { ended, on, into } => {
                let (e, i) = (graph.version(ended), graph.version(into));
                return Err(ReportError::UnitMissing(format!(
                    "Đơn vị {code} ({}) không tồn tại vào ngày cơ cấu {}: từ {} đã sáp nhập vào {} ({}). Hãy lập báo cáo cho {}. \
                     / Unit {code} does not exist on the structure date {structure_date}; from {on} it belongs to {}.",
                    e.name,
                    structure_date.dmy(),
                    on.dmy(),
                    i.code,
                    i.name,
                    i.code,
                    i.code
                )));
            }
            Fate::Unmapped { ended } => {
                return Err(ReportError::UnitMissing(format!(
                    "Đơn vị {code} đã kết thúc ngày {} / unit {code} ended on {}",
                    graph.version(ended).valid_to.dmy(),
                    graph.version(ended).valid_to
                )))
            }
            Fate::Unknown => {
                return Err(ReportError::UnitMissing(format!(
                    "Không có đơn vị mã {code} vào ngày {} / no unit {code} on {structure_date}",
                    structure_date.dmy()
                )))
            }
        };
        let on_date = OnDate::shared(&graph, structure_date);
        let children_all =
            |n: VersionIx| on_date.children.get(&n).map(Vec::as_slice).unwrap_or(&[]);
        let mut children = HashMap::new();
        let mut subtree = HashSet::new();
        let mut counted = vec![false; graph.versions().len()];
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            subtree.insert(n);
            counted[n] = true;
            let below = children_all(n);
            stack.extend(below);
            children.insert(n, below.to_vec());
        }
        let mapped = &on_date.mapped;
        let everything = mapped.iter().all(|m| m.is_some_and(|m| counted[m]));
        let whole_tree = mapped.iter().all(|m| m.is_none_or(|m| counted[m]));
        // Records of versions that land in the subtree, and of those that land nowhere
        // (listed as unmapped).
        let mut ids: Vec<i64> = mapped
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_none_or(|m| counted[m]))
            .map(|(ix, _)| graph.version(ix).id.0)
            .collect();
        ids.sort_unstable();
        let mut scope = Scope {
            graph,
            structure_date,
            root,
            subtree,
            on_date,
            children,
            everything,
            counted,
            top: Vec::new(),
            ids,
            limited: false,
            whole_tree,
        };
        scope.top = scope.find_top_children();
        Ok(scope)
    }

    /// The same scope keeping only the records that land on a node at or below a unit
    /// whose code is in `kept` (the units whose figures were approved); the others are
    /// left out, neither counted nor listed as unplaced.
    pub fn limited_to(&self, kept: &HashSet<String>) -> Scope {
        let mut allowed: HashSet<VersionIx> = HashSet::new();
        let mut stack = vec![(self.root, false)];
        while let Some((node, above)) = stack.pop() {
            let here = above || kept.contains(&self.graph.version(node).code);
            if here {
                allowed.insert(node);
            }
            for &c in self.children.get(&node).map(Vec::as_slice).unwrap_or(&[]) {
                stack.push((c, here));
            }
        }
        let mut limited = self.clone();
        limited.limited = true;
        for (node, counted) in limited.counted.iter_mut().enumerate() {
            *counted = *counted && allowed.contains(&node);
        }
        limited
    }

    /// Where the records of unit version `id` belong on the structure date, if in scope.
    pub fn place(&self, unit_id: i64) -> Option<VersionIx> {
        let ix = self.graph.find_id(domain::units::VersionId(unit_id))?;
        self.on_date.mapped[ix].filter(|&n| self.counted[n])
    }

    /// Whether the records of unit version `unit_id` reach their node only by falling to
    /// an ancestor (`UnitGraph::falls`).
    pub fn falls(&self, unit_id: i64) -> bool {
        self.graph
            .find_id(domain::units::VersionId(unit_id))
            .is_some_and(|ix| self.graph.falls(ix, self.structure_date))
    }

    pub fn contains(&self, unit_id: i64) -> bool {
        self.place(unit_id).is_some()
    }

    /// The ids of every version whose records a report reads: those that land in the
    /// subtree, and those that land nowhere on the structure date (listed as unmapped).
    pub fn unit_ids(&self) -> Vec<i64> {
        self.ids.clone()
    }

    /// Records of this version reach no unit on the structure date (it started later,
    /// or ended with no successor and no ancestor that reaches the date).
    pub fn is_unmapped(&self, unit_id: i64) -> bool {
        self.graph
            .find_id(domain::units::VersionId(unit_id))
            .is_some_and(|ix| self.on_date.mapped[ix].is_none())
    }

    /// True when the scope is every unit there is (a national report): queries then
    /// need no unit filter at all.
    pub fn is_everything(&self) -> bool {
        self.everything
    }

    /// Where the whole tree's cells are added up by the root's children
    /// (`report_rollups`), when this scope's figures may be read from there: every
    /// unit's records, none left out, on a structure date from when the tree stopped
    /// changing (the rollups' tree is then this one).
    pub fn rollups(&self) -> Option<Arc<store::aggregates::rollups::Tops>> {
        if !self.whole_tree || self.limited {
            return None;
        }
        let tops = store::aggregates::rollups::Tops::of(&self.graph);
        (self.structure_date >= tops.settled).then_some(tops)
    }

    /// Whose records a report of this scope reads from the store: every unit version
    /// that lands in the subtree, and `extra` ids besides.
    pub fn units(&self, extra: &[i64]) -> store::records::Units {
        if self.everything {
            return store::records::Units::All;
        }
        let mut ids = self.ids.clone();
        if !extra.is_empty() {
            ids.extend_from_slice(extra);
            ids.sort_unstable();
            ids.dedup();
        }
        store::records::Units::Ids(ids)
    }
}

impl Scope {
    pub fn children_of(&self, ix: VersionIx) -> &[VersionIx] {
        self.children.get(&ix).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The root's child that node `n` of the subtree lies under (the root itself maps
    /// to itself): the rows of a report "by children".
    pub fn top_child(&self, n: VersionIx) -> Option<VersionIx> {
        match self.top.get(n) {
            Some(&t) if t != NOT_UNDER => Some(t as VersionIx),
            _ => None,
        }
    }

    fn find_top_children(&self) -> Vec<u32> {
        let ix = |n: VersionIx| u32::try_from(n).expect("fewer unit versions than 2^32 - 1");
        let mut out = vec![NOT_UNDER; self.counted.len()];
        out[self.root] = ix(self.root);
        for &c in self.children_of(self.root) {
            let mut stack = vec![c];
            while let Some(n) = stack.pop() {
                out[n] = ix(c);
                stack.extend(self.children_of(n));
            }
        }
        out
    }

    /// Versions that were split among several successors: their records tied to a
    /// household follow the household, so they are read even when their larger share
    /// lies outside the scope.
    pub fn split_ids(&self) -> &[i64] {
        &self.on_date.split
    }

    /// The version a placed record's own unit id stands for.
    pub fn version_of_id(&self, unit_id: i64) -> Option<VersionIx> {
        self.graph.find_id(domain::units::VersionId(unit_id))
    }
}
