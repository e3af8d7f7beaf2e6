//! Upsert by natural key, the one write path of every import: a row whose key is new is
//! inserted; a row whose key is stored replaces it when its content differs (audited,
//! old → new, and as a move when its unit changes) and is left alone when it is the same,
//! so importing twice changes nothing. The importer reads the stored rows first
//! ([`stored`]) to decide whether the user may replace them, then [`write`]s.

use crate::{audit, Db, StoreError, Value};
use std::collections::HashMap;

pub use crate::tables::TableDef;

#[derive(Clone, Debug, PartialEq)]
pub struct KeyedRow {
    pub key: Vec<Value>,
    pub data: Vec<Value>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.deleted += o.deleted;
    }
}

/// Who writes, and why: the audit keeps both with every change.
#[derive(Clone, Copy, Debug)]
pub struct Author<'a> {
    pub actor: &'a str,
    /// The reason a person gave (required of an edit or a deletion on a page).
    pub reason: Option<&'a str>,
}

/// Up to this many new rows, each is audited with its content.
pub const ROW_AUDIT_LIMIT: usize = 50;

/// Keys looked up per statement on SQLite (PostgreSQL takes them as one array:
/// `records::query_in`).
const LOOKUP_CHUNK: usize = 400;

/// The stored data columns of the rows whose keys appear in `rows`, by key.
pub type Stored = HashMap<Vec<Value>, Vec<Value>>;

/// Writes `rows` into `def.table`. Must run inside the caller's transaction.
pub fn upsert(
    db: &mut Db,
    def: &TableDef,
    rows: &[KeyedRow],
    actor: &str,
) -> Result<Counts, StoreError> {
    let existing = stored(db, def, rows)?;
    let by = Author {
        actor,
        reason: None,
    };
    write(db, def, rows, &existing, by)
}

/// Writes `rows` into `def.table`, where `existing` is what [`stored`] found for them in
/// this same transaction.
pub fn write(
    db: &mut Db,
    def: &TableDef,
    rows: &[KeyedRow],
    existing: &Stored,
    by: Author<'_>,
) -> Result<Counts, StoreError> {
    let unit_col = def.data.iter().position(|c| *c == "unit_id");
    let mut counts = Counts::default();
    let mut inserts = Vec::new();
    let set = def
        .data
        .iter()
        .map(|c| format!("{c} = ?"))
        .collect::<Vec<_>>()
        .join(", ");
    let update_sql = format!("UPDATE {} SET {set} WHERE {}", def.table, key_match(def));
    for row in rows {
        match existing.get(&row.key) {
            None => inserts.push(row.key.iter().chain(&row.data).cloned().collect::<Vec<_>>()),
            Some(old) if same(old, &row.data) => counts.unchanged += 1,
            Some(old) => {
                let params: Vec<Value> = row.data.iter().chain(&row.key).cloned().collect();
                db.execute(&update_sql, &params)?;
                let before: Vec<Value> = row.key.iter().chain(old).cloned().collect();
                let after: Vec<Value> = row.key.iter().chain(&row.data).cloned().collect();
                crate::aggregates::note(db.pending(), def, Some(&before), Some(&after))?;
                // A record that changes unit is audited as a move, so that the log shows
                // where it went without comparing every field.
                let moved = unit_col.is_some_and(|c| old[c] != row.data[c]);
                audit::record(
                    db,
                    &audit::Entry {
                        actor: by.actor,
                        action: if moved { "move" } else { "update" },
                        entity: def.table,
                        key: &json_object(def.key, &row.key),
                        old: Some(&json_object(def.data, old)),
                        new: Some(&json_object(def.data, &row.data)),
                        reason: by.reason,
                    },
                )?;
                counts.updated += 1;
            }
        }
    }
    if !inserts.is_empty() {
        let cols: Vec<&str> = def.key.iter().chain(def.data).copied().collect();
        db.insert_rows(def.table, &cols, &inserts)?;
        counts.inserted = inserts.len() as u64;
        for row in &inserts {
            crate::aggregates::note(db.pending(), def, None, Some(row))?;
        }
        // A form or a short file: every new row in the log with its content. A bulk
        // import is logged as one entry with its count (the rows themselves are the record).
        if inserts.len() <= ROW_AUDIT_LIMIT {
            for row in &inserts {
                let (key, data) = row.split_at(def.key.len());
                audit::record(
                    db,
                    &audit::Entry {
                        actor: by.actor,
                        action: "insert",
                        entity: def.table,
                        key: &json_object(def.key, key),
                        old: None,
                        new: Some(&json_object(def.data, data)),
                        reason: by.reason,
                    },
                )?;
            }
        }
    }
    if !db.in_transaction() {
        db.run_before_commit()?;
    }
    Ok(counts)
}

/// Deletes the stored rows of `def.table` with these keys (each must be in `existing`,
/// read by [`stored`] in this transaction), each leaving a tombstone with its content and
/// the reason, audited as a deletion. The aggregates take the rows back.
pub fn delete(
    db: &mut Db,
    def: &TableDef,
    keys: &[Vec<Value>],
    existing: &Stored,
    by: Author<'_>,
) -> Result<u64, StoreError> {
    let unit_col = def.data.iter().position(|c| *c == "unit_id");
    let sql = format!("DELETE FROM {} WHERE {}", def.table, key_match(def));
    let reason = by.reason.unwrap_or_default();
    let mut deleted = 0;
    for key in keys {
        let Some(old) = existing.get(key) else {
            continue;
        };
        db.execute(&sql, key)?;
        let before: Vec<Value> = key.iter().chain(old).cloned().collect();
        crate::aggregates::note(db.pending(), def, Some(&before), None)?;
        let (key_json, content) = (json_object(def.key, key), json_object(def.data, old));
        let household = audit::household_in(&[Some(&key_json), Some(&content)]);
        db.execute(
            "INSERT INTO tombstones (entity, entity_key, unit_id, content, deleted_at, deleted_by, reason, household_code) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            crate::params![
                def.table,
                key_json.as_str(),
                unit_col.and_then(|c| old[c].as_int()),
                content.as_str(),
                crate::now_utc(),
                by.actor,
                reason,
                household.as_deref()
            ],
        )?;
        audit::record(
            db,
            &audit::Entry {
                actor: by.actor,
                action: "delete",
                entity: def.table,
                key: &key_json,
                old: Some(&content),
                new: None,
                reason: by.reason,
            },
        )?;
        deleted += 1;
    }
    if !db.in_transaction() {
        db.run_before_commit()?;
    }
    Ok(deleted)
}

fn same(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Value::Real(p), Value::Real(q)) => (p - q).abs() < 1e-12,
            (Value::Real(p), Value::Int(q)) | (Value::Int(q), Value::Real(p)) => {
                (p - *q as f64).abs() < 1e-12
            }
            _ => x == y,
        })
}

fn key_match(def: &TableDef) -> String {
    def.key
        .iter()
        .map(|c| format!("{c} = ?"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The stored data columns of the rows whose keys appear in `rows`.
pub fn stored(db: &mut Db, def: &TableDef, rows: &[KeyedRow]) -> Result<Stored, StoreError> {
    let probe = def
        .key
        .iter()
        .position(|k| *k == def.probe)
        .expect("the probe column is part of the key");
    let wanted: std::collections::HashSet<&Vec<Value>> = rows.iter().map(|r| &r.key).collect();
    let mut probes: Vec<&Value> = rows.iter().map(|r| &r.key[probe]).collect();
    probes.sort_by(|a, b| match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        _ => format!("{a:?}").cmp(&format!("{b:?}")),
    });
    probes.dedup();
    let cols: Vec<&str> = def.key.iter().chain(def.data).copied().collect();
    let mut out = HashMap::new();
    let sql = format!(
        "SELECT {} FROM {} WHERE {} IN ({{in}})",
        cols.join(", "),
        def.table,
        def.probe,
    );
    let probes: Vec<Value> = probes.into_iter().cloned().collect();
    for r in crate::records::query_in(db, &sql, &[], &probes, LOOKUP_CHUNK)? {
        let mut vals = r.values;
        let data = vals.split_off(def.key.len());
        if wanted.contains(&vals) {
            out.insert(vals, data);
        }
    }
    Ok(out)
}

pub fn json_object(names: &[&str], values: &[Value]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = names
        .iter()
        .zip(values)
        .map(|(n, v)| ((*n).to_owned(), v.to_json()))
        .collect();
    serde_json::Value::Object(map).to_string()
}

// Keys must hash: floats never appear in natural keys, so hashing their bits is enough.
impl Eq for Value {}
impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match self {
            Value::Null => 0u8.hash(h),
            Value::Int(i) => i.hash(h),
            Value::Real(f) => f.to_bits().hash(h),
            Value::Text(s) => s.hash(h),
        }
    }
}
