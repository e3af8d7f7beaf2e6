//! `report_rollups`: `report_cells` added up by the child of the tree's root that each
//! cell's figures land under once the tree stopped changing
//! (`UnitGraph::settled_from`): a province of the nation. A national report on a
//! structure date from then on reads a row per province and month instead of a row per
//! unit version. Every change of `report_cells` is added here in the same transaction;
//! when the unit tree changed since the rollups were added up (`rollups_units` is not
//! `units_generation`), they are added up again from `report_cells`, and until then no
//! report reads them.

use super::{add_figures, Cell, CellTable, Figures, SlicedCell};
use crate::{Db, StoreError, Value};
use domain::units::UnitGraph;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, Weak};

/// Cells of the rollups (their profile always 0, as in `report_cells`) and figures.
type Rolled = BTreeMap<SlicedCell, Figures>;

/// Where each cell's figures are added up, for one unit graph.
pub struct Tops {
    /// The graph they were worked out on (not kept alive by them).
    graph: Weak<UnitGraph>,
    /// The structure date the rollups stand for, and every later one.
    pub settled: domain::Date,
    /// By version id: the version id of the root's child its records land under (none:
    /// they land nowhere).
    top_id: HashMap<i64, i64>,
    /// The versions whose cells may be left out of the rollups, sorted: those whose
    /// records land nowhere, and the split ones (a cell may follow a household that
    /// does). Every other version's cells are all in them.
    left_out: Vec<i64>,
    /// Ids of the versions split among several successors, sorted: a cell of theirs
    /// that follows a household lands where the household's unit does.
    split: Vec<i64>,
}

impl Tops {
    /// The tops of `graph`, worked out once per graph (the last few graphs are kept: a
    /// process may serve several databases, as the tests do).
    pub fn of(graph: &Arc<UnitGraph>) -> Arc<Tops> {
        static RECENT: Mutex<Vec<Arc<Tops>>> = Mutex::new(Vec::new());
        const KEPT: usize = 8;
        let mut recent = RECENT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A graph no longer in use is gone (and another may take its address).
        recent.retain(|t| t.graph.strong_count() > 0);
        if let Some(t) = recent
            .iter()
            .find(|t| std::ptr::eq(t.graph.as_ptr(), Arc::as_ptr(graph)))
        {
            return t.clone();
        }
        let settled = graph.settled_from();
        let id = |ix: usize| graph.version(ix).id.0;
        let top_id: HashMap<i64, i64> = graph
            .tops_on(settled)
            .into_iter()
            .enumerate()
            .filter_map(|(ix, t)| Some((id(ix), id(t?))))
            .collect();

        let mut split: Vec<i64> = (0..graph.versions().len())
            .filter(|&ix| graph.successors(ix).len() > 1)
            .map(|ix| graph.version(ix).id.0)
            .collect();
        split.sort_unstable();
        let mut left_out: Vec<i64> = (0..graph.versions().len())
            .map(id)
            .filter(|id| !top_id.contains_key(id))
            .chain(split.iter().copied())
            .collect();
        left_out.sort_unstable();
        left_out.dedup();
        let tops = Arc::new(Tops {
            graph: Arc::downgrade(graph),
            settled,
            top_id,
            left_out,
            split,
        });
        if recent.len() >= KEPT {
            recent.remove(0);
        }
        recent.push(tops.clone());
        tops
    }

    /// The unit a cell's figures belong to: its own, or the household's when its unit
    /// was split (as a report places them).
    fn placing(&self, unit_id: i64, follow_id: i64) -> i64 {
        if follow_id != 0 && self.split.binary_search(&unit_id).is_ok() {
            follow_id
        } else {
            unit_id
        }
    }

    /// The version id of the top a cell of `unit_id` (following `follow_id`) is added
    /// up in; `None`: it is not in the rollups.
    pub fn top_of(&self, unit_id: i64, follow_id: i64) -> Option<i64> {
        self.top_id.get(&self.placing(unit_id, follow_id)).copied()
    }

    /// The unit versions whose cells may be left out of the rollups (see `left_out`).
    pub fn left_out_units(&self) -> &[i64] {
        &self.left_out
    }
}

/// The unit graph as this connection sees it: the cached one when it is that, else
/// read afresh and not cached (a transaction that wrote units may still roll back).
fn graph(db: &mut Db) -> Result<Arc<UnitGraph>, StoreError> {
    match crate::units::cached_graph(db)? {
        Some(g) => Ok(g),
        None => Ok(Arc::new(crate::units::load_graph(db)?)),
    }
}

/// Whether the rollups are added up in the unit tree as it stands now.
pub fn in_step(db: &mut Db) -> Result<bool, StoreError> {
    let rows = db.query(
        "SELECT key, value FROM meta WHERE key IN ('rollups_units', 'units_generation')",
        &[],
    )?;
    let mut values = (None, None);
    for r in rows {
        let v: i64 = r.get("value")?;
        match r.get::<String>("key")?.as_str() {
            "rollups_units" => values.0 = Some(v),
            _ => values.1 = Some(v),
        }
    }
    Ok(values.0.is_some() && values.0 == values.1)
}

/// The rollups' part of a change `delta` of `report_cells`, or `None` when the rollups
/// are not in step with the unit tree (they must be added up again instead).
pub(super) fn of_delta(
    db: &mut Db,
    delta: &BTreeMap<Cell, Figures>,
) -> Result<Option<Rolled>, StoreError> {
    if !in_step(db)? {
        return Ok(None);
    }
    if delta.is_empty() {
        return Ok(Some(Rolled::new()));
    }
    // In step: this transaction wrote no units, so the graph it sees may be cached.
    let tops = Tops::of(&crate::units::load_graph_cached(db)?);
    let mut rolled: Rolled = BTreeMap::new();
    for (c, f) in delta {
        add_rolled(&tops, &mut rolled, c, f);
    }
    Ok(Some(rolled))
}

fn add_rolled(tops: &Tops, rolled: &mut Rolled, c: &Cell, f: &[i64]) {
    let Some(top) = tops.top_of(c.unit_id, c.follow_id) else {
        return;
    };
    let cell = Cell {
        unit_id: top,
        follow_id: 0,
        ..*c
    };
    let sums = rolled.entry((0, cell)).or_insert_with(|| vec![0; f.len()]);
    for (s, v) in sums.iter_mut().zip(f) {
        *s += v;
    }
}

/// Adds the rollups up again from `report_cells`, in the unit tree as it stands in this
/// transaction, and marks them in step with it.
pub(super) fn rebuild(db: &mut Db) -> Result<(), StoreError> {
    let tops = Tops::of(&graph(db)?);
    db.batch("DELETE FROM report_rollups")?;
    let mut rolled: Rolled = BTreeMap::new();
    let columns = domain::contributions::column_count();
    let mut figures = vec![0; columns];
    // A month at a time: the whole table at once would hold every cell in memory.
    let months: Vec<i64> = db
        .query("SELECT DISTINCT month FROM report_cells", &[])?
        .iter()
        .map(|r| r.get("month"))
        .collect::<Result<_, StoreError>>()?;
    for month in months {
        for r in db.query(
            "SELECT unit_id, follow_id, known_from, known_until, figures FROM report_cells \
             WHERE month = ?",
            &[Value::Int(month)],
        )? {
            let cell = Cell {
                month: month as domain::contributions::Month,
                unit_id: r.get("unit_id")?,
                follow_id: r.get("follow_id")?,
                known_from: r.get("known_from")?,
                known_until: r.get("known_until")?,
            };
            figures.iter_mut().for_each(|v| *v = 0);
            add_figures(r.get("figures")?, &mut figures)?;
            add_rolled(&tops, &mut rolled, &cell, &figures);
        }
    }
    super::write_table(db, CellTable::Rollups, rolled)?;
    db.execute(
        "UPDATE meta SET value = (SELECT value FROM meta WHERE key = 'units_generation') \
         WHERE key = 'rollups_units'",
        &[],
    )?;
    Ok(())
}

/// Adds the rollups up again when they are not in step with the unit tree (after an
/// upgrade, a copy, or units changed by a path that wrote no records): run on open.
pub(super) fn ensure_in_step(db: &mut Db) -> Result<(), StoreError> {
    if in_step(db)? {
        return Ok(());
    }
    db.transaction(|tx| {
        // The writers' lock (see `flush`), without moving the count: no figure changes.
        tx.execute(
            "UPDATE meta SET value = value WHERE key = 'data_generation'",
            &[],
        )?;
        if !in_step(tx)? {
            rebuild(tx)?;
        }
        Ok(())
    })
}
