//! Approved periods lock the records dated in them (`domain::review`): a write is
//! refused when the new row or the stored row it replaces (or deletes) is dated in an
//! approved period of its unit or a unit above. Two questions again, as for rights: may
//! the new row be written, and may the stored one be replaced?

use super::{Batch, Ctx};
use crate::refusal::Refusal;
use domain::review::Lock;
use std::collections::HashMap;
use std::rc::Rc;
use store::keyed::KeyedRow;
use store::tables::TableDef;
use store::{Db, StoreError, Value};

impl Ctx {
    /// Every approved period, read once per import.
    pub fn locks(&mut self, db: &mut Db) -> Result<Rc<Vec<Lock>>, StoreError> {
        if self.locks.is_none() {
            self.locks = Some(Rc::new(store::reviews::locks(db)?));
        }
        Ok(self.locks.clone().expect("just loaded"))
    }
}

/// A stored-form row's column by name (key or data).
fn column<'a>(
    table: &TableDef,
    key: &'a [Value],
    data: &'a [Value],
    name: &str,
) -> Option<&'a Value> {
    if let Some(i) = table.key.iter().position(|c| *c == name) {
        return key.get(i);
    }
    table
        .data
        .iter()
        .position(|c| *c == name)
        .and_then(|i| data.get(i))
}

/// The lock, if any, on each of these stored-form rows (key, data) of `table`: `None` per
/// row that may be written. Rows without a unit of their own take their household's.
pub fn locked_rows(
    batch: &mut Batch<'_>,
    table: &TableDef,
    dated_by: Option<&str>,
    rows: &[(&[Value], &[Value])],
) -> Result<Vec<Option<Refusal>>, StoreError> {
    let none = || vec![None; rows.len()];
    let Some(date_col) = dated_by else {
        return Ok(none());
    };
    let locks = batch.ctx.locks(batch.db)?;
    if locks.is_empty() {
        return Ok(none());
    }
    let graph = batch.ctx.graph(batch.db)?;
    // Members and assessments belong to their household's unit.
    let household_units: HashMap<String, domain::units::VersionId> =
        if table.data.contains(&"unit_id") {
            HashMap::new()
        } else {
            let mut codes: Vec<&str> = rows
                .iter()
                .filter_map(|(k, d)| column(table, k, d, "household_code").and_then(Value::as_text))
                .collect();
            codes.sort_unstable();
            codes.dedup();
            store::households::find_refs(batch.db, &codes)?
                .into_iter()
                .map(|h| (h.code, h.unit_id))
                .collect()
        };
    Ok(rows
        .iter()
        .map(|(k, d)| {
            let date = column(table, k, d, date_col)
                .and_then(Value::as_text)
                .and_then(|t| domain::Date::parse(t).ok())?;
            let unit = match column(table, k, d, "unit_id") {
                Some(v) => v.as_unit(),
                None => column(table, k, d, "household_code")
                    .and_then(Value::as_text)
                    .and_then(|h| household_units.get(h).copied()),
            }?;
            let ix = graph.find_id(unit)?;
            domain::review::covering(&locks, &graph, ix, date).map(|l| Refusal::PeriodLocked {
                unit_code: l.unit_code.clone(),
                period: l.period,
                by: l.by.clone(),
                at: l.at.clone(),
            })
        })
        .collect())
}

/// The locks on rows about to be written and on the stored rows they replace, both read
/// in one pass (one look-up of the households for the rows without a unit of their own).
pub fn locked_writes(
    batch: &mut Batch<'_>,
    table: &TableDef,
    dated_by: Option<&str>,
    keyed: &[KeyedRow],
    stored: &store::keyed::Stored,
) -> Result<Vec<Option<Refusal>>, StoreError> {
    let new = keyed.iter().map(|k| (&k.key[..], &k.data[..]));
    let old = keyed
        .iter()
        .filter_map(|k| stored.get(&k.key).map(|d| (&k.key[..], &d[..])));
    let rows: Vec<(&[Value], &[Value])> = new.chain(old).collect();
    let mut locks = locked_rows(batch, table, dated_by, &rows)?;
    let mut old_locks = locks.split_off(keyed.len()).into_iter();
    for (k, slot) in keyed.iter().zip(locks.iter_mut()) {
        if stored.contains_key(&k.key) {
            let lock = old_locks.next().flatten();
            if slot.is_none() {
                *slot = lock;
            }
        }
    }
    Ok(locks)
}
