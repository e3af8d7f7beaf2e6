//! Users, sessions and failed logins as stored. Hashing lives with the web layer; this
//! module only keeps what it is given.

use crate::{params, stored_row, Db, FromRow, Row, StoreError, Value};
use domain::access::Role;

stored_row! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct User {
        id: i64, username: String, full_name: String, role: Role = code "role",
        unit_code: String, active: bool, must_change_password: bool,
    }
}

impl User {
    /// How the audit log names her (`user:` and her user name).
    pub fn actor(&self) -> String {
        format!("user:{}", self.username)
    }
}

/// A user and one more column of the same row (her password hash, a session's token).
fn user_and(r: &Row, column: &str) -> Result<(User, String), StoreError> {
    Ok((User::from_row(r)?, r.get(column)?))
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub unit_code: &'a str,
    pub must_change_password: bool,
}

pub fn create(db: &mut Db, u: &NewUser<'_>, actor: &str) -> Result<i64, StoreError> {
    db.execute(
        "INSERT INTO users (username, full_name, password_hash, role, unit_code, active, must_change_password, created_at, created_by) \
         VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
        params![u.username, u.full_name, u.password_hash, u.role.as_str(), u.unit_code, u.must_change_password, crate::now_utc(), actor],
    )?;
    let id = db
        .query_one(
            "SELECT id FROM users WHERE username = ?",
            params![u.username],
        )?
        .get("id")?;
    let new = serde_json::json!({"role": u.role.as_str(), "unit_code": u.unit_code, "full_name": u.full_name});
    audited(
        db,
        actor,
        "insert",
        &serde_json::json!({"username": u.username}),
        None,
        Some(new),
    )?;
    Ok(id)
}

pub fn count(db: &mut Db) -> Result<i64, StoreError> {
    db.query_one("SELECT COUNT(*) AS n FROM users", &[])?
        .get("n")
}

pub fn by_username(db: &mut Db, username: &str) -> Result<Option<(User, String)>, StoreError> {
    db.query_opt(
        &format!(
            "SELECT {}, password_hash FROM users WHERE username = ?",
            User::select()
        ),
        params![username],
    )?
    .map(|r| user_and(&r, "password_hash"))
    .transpose()
}

pub fn by_id(db: &mut Db, id: i64) -> Result<Option<User>, StoreError> {
    Ok(db
        .query_as("SELECT {cols} FROM users WHERE id = ?", params![id])?
        .pop())
}

pub fn list(db: &mut Db) -> Result<Vec<User>, StoreError> {
    db.query_as("SELECT {cols} FROM users ORDER BY unit_code, username", &[])
}

pub fn password_hash(db: &mut Db, id: i64) -> Result<Option<String>, StoreError> {
    db.query_opt("SELECT password_hash FROM users WHERE id = ?", params![id])?
        .map(|r| r.get("password_hash"))
        .transpose()
}

pub fn set_password(
    db: &mut Db,
    id: i64,
    hash: &str,
    must_change: bool,
    actor: &str,
) -> Result<(), StoreError> {
    db.execute(
        "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?",
        params![hash, must_change, id],
    )?;
    audited(
        db,
        actor,
        "password",
        &serde_json::json!({"id": id}),
        None,
        None,
    )
}

pub fn set_active(db: &mut Db, id: i64, active: bool, actor: &str) -> Result<(), StoreError> {
    db.execute(
        "UPDATE users SET active = ? WHERE id = ?",
        params![active, id],
    )?;
    db.execute("DELETE FROM sessions WHERE user_id = ?", params![id])?;
    let (old, new) = (
        serde_json::json!({"active": !active}),
        serde_json::json!({"active": active}),
    );
    audited(
        db,
        actor,
        "update",
        &serde_json::json!({"id": id}),
        Some(old),
        Some(new),
    )
}

/// The audit entry of a change to a user (never her password's hash).
fn audited(
    db: &mut Db,
    actor: &str,
    action: &str,
    key: &serde_json::Value,
    old: Option<serde_json::Value>,
    new: Option<serde_json::Value>,
) -> Result<(), StoreError> {
    let (old, new) = (old.map(|v| v.to_string()), new.map(|v| v.to_string()));
    crate::audit::record(
        db,
        &crate::audit::Entry {
            actor,
            action,
            entity: "users",
            key: &key.to_string(),
            old: old.as_deref(),
            new: new.as_deref(),
            reason: None,
        },
    )
}

// Sessions.

pub fn session_create(
    db: &mut Db,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    expires_at: &str,
) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        params![token_hash, user_id, csrf, crate::now_utc(), expires_at],
    )?;
    Ok(())
}

/// The session's user, CSRF token and her unit's name on `today`, if the session exists,
/// has not expired and its user is active: one query for every signed-in request.
pub fn session_get(
    db: &mut Db,
    token_hash: &str,
    now: &str,
    today: domain::Date,
) -> Result<Option<(User, String, String)>, StoreError> {
    let cols: String = User::COLUMNS
        .iter()
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(r) = db.query_opt(
        &format!(
            "SELECT {cols}, s.csrf, COALESCE((SELECT n.name FROM units n WHERE n.code = u.unit_code \
                 AND n.valid_from <= ? AND n.valid_to >= ? ORDER BY n.valid_from DESC LIMIT 1), '') AS unit_name \
             FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1"
        ),
        params![today, today, token_hash, now],
    )?
    else {
        return Ok(None);
    };
    let (user, csrf) = user_and(&r, "csrf")?;
    Ok(Some((user, csrf, r.get("unit_name")?)))
}

pub fn session_delete(db: &mut Db, token_hash: &str) -> Result<(), StoreError> {
    db.execute(
        "DELETE FROM sessions WHERE token_hash = ?",
        params![token_hash],
    )?;
    Ok(())
}

pub fn sessions_delete_expired(db: &mut Db, now: &str) -> Result<(), StoreError> {
    db.execute("DELETE FROM sessions WHERE expires_at <= ?", params![now])?;
    Ok(())
}

// Failed logins, for throttling.

/// Login attempts within the throttling window, each counting the one just recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts {
    /// By this user name from this client.
    pub pair: i64,
    /// From this client, whatever the user name.
    pub client: i64,
    /// For this user name, from anywhere.
    pub user: i64,
}

/// Records a login attempt before its password is checked (committed at once, outside
/// any transaction) and counts the attempts since `since`. Parallel attempts each see
/// at least as many rows as came before them, so no more than the limit ever reach the
/// password check.
pub fn record_attempt(
    db: &mut Db,
    username: &str,
    client: &str,
    since: &str,
) -> Result<Attempts, StoreError> {
    db.execute(
        "INSERT INTO login_attempts (username, client, at) VALUES (?, ?, ?)",
        params![username, client, crate::now_utc()],
    )?;
    let count = |db: &mut Db, sql: &str, params: &[Value]| -> Result<i64, StoreError> {
        db.query_one(sql, params)?.get("n")
    };
    Ok(Attempts {
        pair: count(
            db,
            "SELECT COUNT(*) AS n FROM login_attempts WHERE username = ? AND client = ? AND at > ?",
            params![username, client, since],
        )?,
        client: count(
            db,
            "SELECT COUNT(*) AS n FROM login_attempts WHERE client = ? AND at > ?",
            params![client, since],
        )?,
        user: count(
            db,
            "SELECT COUNT(*) AS n FROM login_attempts WHERE username = ? AND at > ?",
            params![username, since],
        )?,
    })
}

/// A successful sign-in forgets the pair's attempts (the others' stay counted), and
/// attempts older than `before` are swept.
pub fn clear_attempts(
    db: &mut Db,
    username: &str,
    client: &str,
    before: &str,
) -> Result<(), StoreError> {
    db.execute(
        "DELETE FROM login_attempts WHERE (username = ? AND client = ?) OR at < ?",
        params![username, client, before],
    )?;
    Ok(())
}

/// Ends every session of user `id` but the one whose token hash is `keep` (a changed
/// password signs out the other devices; a reset signs out all).
pub fn sessions_end_for_user(db: &mut Db, id: i64, keep: Option<&str>) -> Result<(), StoreError> {
    db.execute(
        "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
        params![id, keep.unwrap_or("")],
    )?;
    Ok(())
}

/// The secret named `name`, made from `fresh` by the first server that asks and shared
/// by every server on the database since.
pub fn shared_secret(db: &mut Db, name: &str, fresh: &str) -> Result<String, StoreError> {
    db.execute(
        "INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        params![name, fresh],
    )?;
    db.query_one(
        "SELECT value FROM server_secrets WHERE name = ?",
        params![name],
    )?
    .get("value")
}
