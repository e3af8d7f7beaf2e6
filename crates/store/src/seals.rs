//! What a leader signed (issue 24, item 5): an approval keeps the report it approved (its
//! JSON and its printed document, as they were) and a fingerprint of every record dated
//! in the period in the unit's part of the tree, the records the approval locks. Later
//! the fingerprints taken afresh say which records changed after the signature; the kept
//! document reprints what she signed, whatever happened to the records or the units.

use crate::listing::{self, Filter};
use crate::tables::TableDef;
use crate::{params, stored_row, Db, StoreError, Value};
use domain::review::Period;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

stored_row! {
    /// A signed report as kept.
    #[derive(Clone, Debug)]
    pub struct Seal {
        id: i64, unit_code: String, period_from: domain::Date, period_to: domain::Date,
        structure_date: domain::Date, approved_by: String, approved_at: String,
        report: String, document: String, records: i64, fingerprints: String,
    }
}

impl Seal {
    pub fn period(&self) -> Period {
        Period {
            from: self.period_from,
            to: self.period_to,
        }
    }
}

/// A new seal: what to keep with an approval.
pub struct NewSeal<'a> {
    pub unit_code: &'a str,
    pub period: Period,
    pub structure_date: domain::Date,
    pub approved_by: &'a str,
    /// The report's JSON and its printed document's, as the approver saw them.
    pub report: &'a str,
    pub document: &'a str,
    pub fingerprints: &'a Fingerprints,
}

/// Each record's fingerprint, by "kind<TAB>key" (the key's columns joined by `|`).
pub type Fingerprints = BTreeMap<String, String>;

/// A record kind whose rows an approval fingerprints: its table and its date column.
pub struct Dated<'a> {
    pub table: &'a TableDef,
    pub dated_by: &'a str,
}

/// Every record of `kinds` dated in `period` whose unit (or household's unit) is one of
/// `units` (`None`: every unit), with its fingerprint: the first 16 hex digits of the
/// SHA-256 of its stored columns.
pub fn fingerprints(
    db: &mut Db,
    kinds: &[Dated<'_>],
    units: Option<&[i64]>,
    period: Period,
) -> Result<Fingerprints, StoreError> {
    let mut out = Fingerprints::new();
    for k in kinds {
        let filter = Filter {
            units,
            dated_by: Some(k.dated_by),
            period: Some((period.from, period.to)),
            limit: i64::MAX / 2,
            offset: 0,
        };
        let listed = listing::list(db, k.table, &filter)?;
        let width = k.table.key.len() + k.table.data.len();
        for r in &listed.rows {
            let values = &r.values[..width.min(r.values.len())];
            let key: Vec<String> = values[..k.table.key.len()].iter().map(text).collect();
            let mut hash = Sha256::new();
            for v in values {
                hash.update(text(v).as_bytes());
                hash.update([0x1f]);
            }
            let digest: String = hash.finalize()[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            out.insert(format!("{}\t{}", k.table.table, key.join("|")), digest);
        }
    }
    Ok(out)
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "\u{2205}".to_owned(),
        Value::Int(n) => n.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Text(t) => t.clone(),
    }
}

/// The fingerprints as kept: one "kind<TAB>key<TAB>hash" line per record, in order.
fn pack(f: &Fingerprints) -> String {
    let mut out = String::with_capacity(f.len() * 40);
    for (k, h) in f {
        out.push_str(k);
        out.push('\t');
        out.push_str(h);
        out.push('\n');
    }
    out
}

pub fn unpack(text: &str) -> Result<Fingerprints, StoreError> {
    text.lines()
        .map(|line| {
            line.rsplit_once('\t')
                .map(|(k, h)| (k.to_owned(), h.to_owned()))
                .ok_or_else(|| StoreError::Corrupt(format!("sealed_reports: {line}")))
        })
        .collect()
}

/// How a record stands against what was signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Stored when signed, different now.
    Changed,
    /// Not there when signed.
    Added,
    /// Gone since.
    Deleted,
}

impl Change {
    pub fn label_vi(self) -> &'static str {
        match self {
            Change::Changed => "đã sửa",
            Change::Added => "thêm sau khi ký",
            Change::Deleted => "đã xóa",
        }
    }
}

/// One record that differs from what was signed: its kind, its key, how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub kind: String,
    pub key: String,
    pub change: Change,
}

/// The records that differ between the signed fingerprints and today's.
pub fn differences(signed: &Fingerprints, now: &Fingerprints) -> Vec<Difference> {
    let split = |k: &str, change| {
        let (kind, key) = k.split_once('\t').unwrap_or((k, ""));
        Difference {
            kind: kind.to_owned(),
            key: key.to_owned(),
            change,
        }
    };
    let mut out = Vec::new();
    for (k, h) in signed {
        match now.get(k) {
            Some(n) if n == h => {}
            Some(_) => out.push(split(k, Change::Changed)),
            None => out.push(split(k, Change::Deleted)),
        }
    }
    for k in now.keys().filter(|k| !signed.contains_key(*k)) {
        out.push(split(k, Change::Added));
    }
    out.sort_by(|a, b| (a.change, &a.kind, &a.key).cmp(&(b.change, &b.kind, &b.key)));
    out
}

/// Keeps a seal (inside the approval's transaction); its id.
pub fn keep(db: &mut Db, s: &NewSeal<'_>) -> Result<i64, StoreError> {
    let now = crate::now_utc();
    let row = db.query_one(
        "INSERT INTO sealed_reports (unit_code, period_from, period_to, structure_date, approved_by, approved_at, report, document, records, fingerprints) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            s.unit_code,
            s.period.from,
            s.period.to,
            s.structure_date,
            s.approved_by,
            now.as_str(),
            s.report,
            s.document,
            s.fingerprints.len() as i64,
            pack(s.fingerprints).as_str()
        ],
    )?;
    row.get("id")
}

/// The seals of a unit's period, the latest first.
pub fn of(db: &mut Db, unit_code: &str, period: Period) -> Result<Vec<Seal>, StoreError> {
    db.query_as(
        "SELECT {cols} FROM sealed_reports WHERE unit_code = ? AND period_from = ? AND period_to = ? ORDER BY id DESC",
        params![unit_code, period.from, period.to],
    )
}

/// The seals of these units whose period holds `period` (a report's), the latest first.
pub fn covering(db: &mut Db, unit_code: &str, period: Period) -> Result<Vec<Seal>, StoreError> {
    db.query_as(
        "SELECT {cols} FROM sealed_reports WHERE unit_code = ? AND period_from <= ? AND period_to >= ? ORDER BY id DESC",
        params![unit_code, period.from, period.to],
    )
}

pub fn get(db: &mut Db, id: i64) -> Result<Option<Seal>, StoreError> {
    Ok(db
        .query_as(
            "SELECT {cols} FROM sealed_reports WHERE id = ?",
            params![id],
        )?
        .pop())
}

/// What the kept seals take: their number and the bytes of their text columns.
pub fn storage(db: &mut Db) -> Result<(i64, i64), StoreError> {
    let r = db.query_one(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(LENGTH(report) + LENGTH(document) + LENGTH(fingerprints)), 0) AS BIGINT) AS bytes FROM sealed_reports",
        &[],
    )?;
    Ok((r.get("n")?, r.get("bytes")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_changed_added_and_deleted_records() {
        let f = |pairs: &[(&str, &str)]| -> Fingerprints {
            pairs
                .iter()
                .map(|(k, h)| ((*k).to_owned(), (*h).to_owned()))
                .collect()
        };
        let signed = f(&[
            ("supports\tA", "1"),
            ("supports\tB", "2"),
            ("supports\tC", "3"),
        ]);
        let now = f(&[
            ("supports\tA", "1"),
            ("supports\tB", "9"),
            ("supports\tD", "4"),
        ]);
        let d = differences(&signed, &now);
        let seen: Vec<(&str, Change)> = d.iter().map(|d| (d.key.as_str(), d.change)).collect();
        assert_eq!(
            seen,
            vec![
                ("B", Change::Changed),
                ("D", Change::Added),
                ("C", Change::Deleted)
            ]
        );
        assert_eq!(unpack(&pack(&signed)).unwrap(), signed);
        assert!(differences(&signed, &signed).is_empty());
    }
}
