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
    /// Why a person made the change (an edit or a deletion from a page asks for it).
    pub reason: Option<&'a str>,
}

pub fn record(db: &mut Db, e: &Entry<'_>) -> Result<(), StoreError> {
    // The household a change is about, kept beside it for the household's history; the
    // access log's views are not changes.
    let household = if e.action == VIEW_SENSITIVE {
        None
    } else {
        household_in(&[Some(e.key), e.new, e.old])
    };
    db.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_key, old_value, new_value, reason, household_code) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        crate::params![
            crate::now_utc(),
            e.actor,
            e.action,
            e.entity,
            e.key,
            e.old,
            e.new,
            e.reason,
            household.as_deref()
        ],
    )?;
    Ok(())
}

/// The `household_code` of the first of these JSON objects that has one.
pub(crate) fn household_in(objects: &[Option<&str>]) -> Option<String> {
    objects.iter().flatten().find_map(|text| {
        // Most entries are of other things: a cheap look before parsing.
        if !text.contains("\"household_code\"") {
            return None;
        }
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
            .ok()?
            .get("household_code")?
            .as_str()
            .map(str::to_owned)
    })
}

/// The changes of household `code`'s records (the household, its members, consents,
/// assessments, assignments, supports), newest first, at most `limit`.
pub fn of_household(db: &mut Db, code: &str, limit: i64) -> Result<Vec<AuditRow>, StoreError> {
    let sql = "SELECT {cols} FROM audit_log WHERE household_code = ? ORDER BY id DESC LIMIT ?";
    db.query_as(sql, crate::params![code, limit])
}

crate::stored_row! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct AuditRow {
        at: String, actor: String, action: String, entity: String, key: String = col "entity_key",
        old: Option<String> = col "old_value", new: Option<String> = col "new_value",
        reason: Option<String>,
    }
}

/// The newest entries first.
pub fn recent(db: &mut Db, limit: i64) -> Result<Vec<AuditRow>, StoreError> {
    let sql = "SELECT {cols} FROM audit_log ORDER BY id DESC LIMIT ?";
    db.query_as(sql, crate::params![limit])
}

/// Every entry about the members of household `code`, oldest first: the changes to
/// their rows and consents, and the views in full of their identifiers (what a woman's
/// request about her data lists).
pub fn about_household(db: &mut Db, code: &str) -> Result<Vec<AuditRow>, StoreError> {
    // The key is JSON: its text holds the code as JSON writes it. The match is checked
    // again on the parsed key by the caller (a `_` in a code matches any character).
    let pattern = format!("%\"household_code\":{}%", serde_json::json!(code));
    let sql = "SELECT {cols} FROM audit_log WHERE entity IN ('members', 'consents') \
               AND entity_key LIKE ? ORDER BY id";
    db.query_as(sql, crate::params![pattern])
}

/// Which entries a reader of the log asks for.
pub enum Showing<'a> {
    /// Changes (of one kind of record, or of all): the access log's views left out, so
    /// that a download's thousands of them do not hide what was changed.
    Changes(Option<&'a str>),
    /// The access log: who was shown identifiers whole, where and why.
    Views,
}

/// The newest entries first, of what `showing` asks for.
pub fn recent_of(
    db: &mut Db,
    showing: &Showing<'_>,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    match showing {
        Showing::Changes(None) => db.query_as(
            "SELECT {cols} FROM audit_log WHERE action <> ? ORDER BY id DESC LIMIT ?",
            crate::params![VIEW_SENSITIVE, limit],
        ),
        Showing::Changes(Some(entity)) => db.query_as(
            "SELECT {cols} FROM audit_log WHERE entity = ? AND action <> ? ORDER BY id DESC LIMIT ?",
            crate::params![*entity, VIEW_SENSITIVE, limit],
        ),
        Showing::Views => db.query_as(
            "SELECT {cols} FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT ?",
            crate::params![VIEW_SENSITIVE, limit],
        ),
    }
}

/// What one import changed, for the list of imports (one row per import that changed
/// something).
pub struct ImportRun<'a> {
    pub actor: &'a str,
    pub sources: &'a str,
    pub rows_read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

pub fn record_import_run(db: &mut Db, run: &ImportRun<'_>) -> Result<(), StoreError> {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    db.execute(
        "INSERT INTO import_runs (at, actor, sources, rows_read, inserted, updated, unchanged) VALUES (?, ?, ?, ?, ?, ?, ?)",
        crate::params![
            crate::now_utc(),
            run.actor,
            run.sources,
            n(run.rows_read),
            n(run.inserted),
            n(run.updated),
            n(run.unchanged)
        ],
    )?;
    Ok(())
}

/// The action of an access-log row: a person was shown a household's identifiers whole.
pub const VIEW_SENSITIVE: &str = "view_sensitive";

/// Logs that `actor` was shown the citizen IDs and phones of a household's members
/// whole, on `surface` (where, in Vietnamese): sensitive personal data (Law 91/2025),
/// whose every view is on record. Runs in its own transaction. (A surface showing many
/// households logs through `disclosure::Disclosure`.)
pub fn record_sensitive_view(
    db: &mut Db,
    actor: &str,
    household_code: &str,
    surface: crate::disclosure::Surface,
) -> Result<(), StoreError> {
    db.transaction(|tx| {
        record(
            tx,
            &Entry {
                actor,
                action: VIEW_SENSITIVE,
                entity: "members",
                key: &serde_json::json!({ "household_code": household_code, "surface": surface.label_vi() })
                    .to_string(),
                old: None,
                new: None,
                reason: None,
            },
        )
    })
}

crate::stored_row! {
    /// A deleted record: its kind, key and last content (JSON objects of the table's
    /// columns), who deleted it, when and why.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Tombstone {
        id: i64, entity: String, key: String = col "entity_key", content: String,
        deleted_at: String, deleted_by: String, reason: String,
        household_code: Option<String>,
        restored_at: Option<String>, restored_by: Option<String>,
    }
}

/// The records of household `code` deleted, newest first (restored ones included).
pub fn tombstones_of_household(
    db: &mut Db,
    code: &str,
    limit: i64,
) -> Result<Vec<Tombstone>, StoreError> {
    let sql = "SELECT {cols} FROM tombstones WHERE household_code = ? ORDER BY id DESC LIMIT ?";
    db.query_as(sql, crate::params![code, limit])
}

/// The deleted record `id`.
pub fn tombstone(db: &mut Db, id: i64) -> Result<Option<Tombstone>, StoreError> {
    let sql = "SELECT {cols} FROM tombstones WHERE id = ?";
    Ok(db.query_as(sql, crate::params![id])?.into_iter().next())
}

/// Marks the deleted record `id` restored by `actor`, in the restoring write's
/// transaction: false when it was restored already (by someone else meanwhile), so a
/// record is restored once.
pub fn mark_restored(db: &mut Db, id: i64, actor: &str) -> Result<bool, StoreError> {
    let n = db.execute(
        "UPDATE tombstones SET restored_at = ?, restored_by = ? WHERE id = ? AND restored_at IS NULL",
        crate::params![crate::now_utc(), actor, id],
    )?;
    Ok(n == 1)
}

/// The changes of one record (`entity`, its key as the log writes it), newest first.
pub fn of_record(
    db: &mut Db,
    entity: &str,
    key: &str,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let sql = "SELECT {cols} FROM audit_log WHERE entity = ? AND entity_key = ? \
               AND action <> ? ORDER BY id DESC LIMIT ?";
    db.query_as(sql, crate::params![entity, key, VIEW_SENSITIVE, limit])
}
