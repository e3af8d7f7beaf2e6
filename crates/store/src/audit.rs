//! The audit log: append-only, written in the same transaction as the change it records.

use crate::{Db, StoreError};

pub struct Entry<'a> {
    pub actor: &'a str,
    /// `insert`, `update`, `delete`, `import`.
    pub action: &'a str,
    pub entity: &'a str,
    /// The natural key as a JSON object.
    pub key: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

pub fn record(db: &mut Db, e: &Entry<'_>) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_key, old_value, new_value) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        crate::params![
            crate::now_utc(),
            e.actor,
            e.action,
            e.entity,
            e.key,
            e.old,
            e.new
        ],
    )?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The newest entries first.
pub fn recent(db: &mut Db, limit: i64) -> Result<Vec<AuditRow>, StoreError> {
    Ok(db
        .query(
            "SELECT at, actor, action, entity, entity_key, old_value, new_value \
             FROM audit_log ORDER BY id DESC LIMIT ?",
            crate::params![limit],
        )?
        .into_iter()
        .map(|r| AuditRow {
            at: r.text(0).to_owned(),
            actor: r.text(1).to_owned(),
            action: r.text(2).to_owned(),
            entity: r.text(3).to_owned(),
            key: r.text(4).to_owned(),
            old: r.opt_text(5).map(str::to_owned),
            new: r.opt_text(6).map(str::to_owned),
        })
        .collect())
}
