//! Copying everything a database holds to another, of either backend: the unit tree and
//! its lineage, standards, every record, users, the audit log, the tombstones of deleted
//! records, the periods' reviews and the breach register. Sessions, sign-in
//! attempts and the servers' secrets stay behind (they belong to a running server);
//! the report aggregates are rebuilt on the target from the copied records. The target
//! receives it all in one transaction: a failed copy leaves it as it was.

use crate::{Backend, Db, StoreError, Value};

/// The tables copied, in the order they are written: the standards, the table of every
/// file kind of the contract, then the accounts and the logs.
pub fn copied() -> Vec<&'static str> {
    ["poverty_standards", "standard_indicators"]
        .into_iter()
        .chain(domain::contract::ALL.iter().map(|s| s.kind))
        .chain([
            "users",
            "audit_log",
            "import_runs",
            "tombstones",
            "period_reviews",
            "sync_receipts",
            "breaches",
            "breach_steps",
        ])
        .collect()
}

/// Rows read from the source at a time.
const PAGE: i64 = 50_000;

/// The columns of `table`, in the schema's order.
pub fn columns(db: &mut Db, table: &str) -> Result<Vec<String>, StoreError> {
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT name FROM pragma_table_info(?) ORDER BY cid",
        Backend::Postgres => {
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
        }
    };
    db.query(sql, &[Value::from(table)])?
        .iter()
        .map(|r| r.get("name"))
        .collect()
}

pub fn count(db: &mut Db, table: &str) -> Result<i64, StoreError> {
    db.query_one(&format!("SELECT COUNT(*) AS n FROM {table}"), &[])?
        .get("n")
}

/// Whether `db` holds no unit, household or user yet (a copy's target must not).
pub fn is_blank(db: &mut Db) -> Result<bool, StoreError> {
    for t in ["units", "households", "users"] {
        if count(db, t)? > 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Copies every table of [`copied`] from `from` into `to`, then rebuilds the target's
/// aggregates; `progress` hears of each table and its rows. All in one transaction of
/// the target.
pub fn copy_all(
    from: &mut Db,
    to: &mut Db,
    mut progress: impl FnMut(&str, u64),
) -> Result<(), StoreError> {
    to.transaction(|tx| {
        // What the target's own start-up seeded (the national standards) is replaced
        // by the source's copy of it.
        let tables = copied();
        for table in tables.iter().rev() {
            tx.execute(&format!("DELETE FROM {table}"), &[])?;
        }
        for table in &tables {
            let n = copy_table(from, tx, table)?;
            progress(table, n);
        }
        if tx.backend() == Backend::Postgres {
            // Rows came with their ids: the next id is past them.
            for table in [
                "units",
                "audit_log",
                "import_runs",
                "users",
                "tombstones",
                "period_reviews",
                "lineage_questions",
                "lineage_decisions",
            ] {
                tx.query(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false) AS next"
                    ),
                    &[],
                )?;
            }
        }
        // The units changed first: the aggregates are added up by province in the
        // copied tree.
        tx.execute(
            "UPDATE meta SET value = value + 1 WHERE key IN ('units_generation', 'data_generation')",
            &[],
        )?;
        crate::aggregates::rebuild(tx)?;
        crate::generations::bump_other(tx)?;
        Ok(())
    })
}

/// One table, a page at a time in a fixed order (every column), so that memory does
/// not grow with the table.
fn copy_table(from: &mut Db, to: &mut Db, table: &str) -> Result<u64, StoreError> {
    let cols = columns(from, table)?;
    let names: Vec<&str> = cols.iter().map(String::as_str).collect();
    let list = names.join(", ");
    let mut offset = 0i64;
    let mut copied = 0u64;
    loop {
        let rows = from.query(
            &format!("SELECT {list} FROM {table} ORDER BY {list} LIMIT ? OFFSET ?"),
            &[Value::Int(PAGE), Value::Int(offset)],
        )?;
        if rows.is_empty() {
            return Ok(copied);
        }
        let values: Vec<Vec<Value>> = rows.into_iter().map(|r| r.values).collect();
        to.insert_rows(table, &names, &values)?;
        copied += values.len() as u64;
        offset += PAGE;
    }
}
