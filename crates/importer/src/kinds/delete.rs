//! Deletions: a row marked `delete` (in a file, or sent by a page or the API) deletes the
//! stored row of its key, which leaves a tombstone with its reason. The same questions as
//! a write: the stored row must exist and be one she may read (or nothing is said of it),
//! its unit one she may write, its date outside approved periods; a household goes only
//! once nothing hangs on it.

use super::{locks, Batch, Fields, Kind};
use crate::refusal::Refusal;
use domain::units::VersionId;
use store::keyed::{Counts, KeyedRow};
use store::{StoreError, Value};

/// Deletes the stored rows that `batch.rows` (all marked `delete`, of `kind`) name.
pub fn delete_rows(kind: &dyn Kind, mut batch: Batch<'_>) -> Result<Counts, StoreError> {
    let before = batch.errors.len();
    let spec = kind.spec();
    let Some(table) = kind.table() else {
        return Ok(Counts::default());
    };
    let keys: Vec<KeyedRow> = batch
        .rows
        .iter()
        .map(|r| KeyedRow {
            key: table.key.iter().map(|k| r.value(k)).collect(),
            data: Vec::new(),
        })
        .collect();
    let stored = store::keyed::stored(batch.db, table, &keys)?;
    let unit_of = unit_finder(&mut batch, table, &keys, &stored)?;
    let key_col = spec.key[0];
    for (r, k) in batch.rows.iter().zip(&keys) {
        let refusal = match (stored.get(&k.key), unit_of(&k.key, stored.get(&k.key))) {
            (None, _) | (_, None) => Some(Refusal::NothingToDelete),
            (Some(_), Some(unit)) => batch.ctx.reachable(unit, Refusal::NothingToDelete).err(),
        };
        if let Some(refusal) = refusal {
            batch.errors.push(r.error(key_col, refusal));
        }
    }
    if batch.errors.len() > before {
        return Ok(Counts::default());
    }
    let old: Vec<(&[Value], &[Value])> = keys
        .iter()
        .filter_map(|k| stored.get(&k.key).map(|d| (&k.key[..], &d[..])))
        .collect();
    let locked = locks::locked_rows(&mut batch, table, spec.dated_by, &old)?;
    for (lock, r) in locked.into_iter().zip(&batch.rows) {
        if let Some(refusal) = lock {
            batch
                .errors
                .push(r.error(spec.dated_by.unwrap_or(key_col), refusal));
        }
    }
    // What hangs on the row goes first: a household's records, a member's supports.
    for r in &batch.rows {
        let code = || r.text("household_code").unwrap_or_default();
        let refusal = match spec.kind {
            "households" if store::households::dependents(batch.db, code())? > 0 => {
                Refusal::HouseholdHasRecords {
                    code: code().to_owned(),
                }
            }
            "members" => {
                let n = r.int("member_no").unwrap_or_default();
                if store::households::supports_to(batch.db, code(), n)? > 0 {
                    Refusal::MemberHasSupports {
                        household: code().to_owned(),
                        member_no: n,
                    }
                } else if store::households::has_consent(batch.db, code(), n)? {
                    Refusal::MemberHasConsent {
                        household: code().to_owned(),
                        member_no: n,
                    }
                } else {
                    continue;
                }
            }
            _ => continue,
        };
        batch.errors.push(r.error(key_col, refusal));
    }
    if batch.errors.len() > before {
        return Ok(Counts::default());
    }
    let doomed: Vec<Vec<Value>> = keys.iter().map(|k| k.key.clone()).collect();
    batch.ctx.preview.note_deletions(spec, &doomed);
    let mut counts = Counts::default();
    for (r, k) in batch.rows.iter().zip(&keys) {
        let by = store::keyed::Author {
            actor: &batch.ctx.actor,
            reason: r.reason.as_deref().or(batch.ctx.reason.as_deref()),
        };
        counts.deleted +=
            store::keyed::delete(batch.db, table, std::slice::from_ref(&k.key), &stored, by)?;
    }
    Ok(counts)
}

/// The unit version a stored row belongs to: its own `unit_id`, or its household's.
#[allow(clippy::type_complexity)]
fn unit_finder(
    batch: &mut Batch<'_>,
    table: &store::tables::TableDef,
    keys: &[KeyedRow],
    stored: &store::keyed::Stored,
) -> Result<Box<dyn Fn(&[Value], Option<&Vec<Value>>) -> Option<VersionId>>, StoreError> {
    if let Some(i) = table.data.iter().position(|c| *c == "unit_id") {
        return Ok(Box::new(move |_, data| data.and_then(|d| d[i].as_unit())));
    }
    let Some(h) = table.key.iter().position(|c| *c == "household_code") else {
        return Ok(Box::new(|_, _| None));
    };
    let mut codes: Vec<&str> = keys
        .iter()
        .filter(|k| stored.contains_key(&k.key))
        .filter_map(|k| k.key[h].as_text())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let units: std::collections::HashMap<String, VersionId> =
        store::households::find_refs(batch.db, &codes)?
            .into_iter()
            .map(|r| (r.code, r.unit_id))
            .collect();
    Ok(Box::new(move |key, _| {
        key[h].as_text().and_then(|c| units.get(c).copied())
    }))
}

/// Splits rows marked for deletion from the others (a row with a bad cell goes with the
/// writes, which check it without writing it).
pub fn split(rows: Vec<Fields>) -> (Vec<Fields>, Vec<Fields>) {
    rows.into_iter().partition(|r| !r.delete || r.broken)
}
