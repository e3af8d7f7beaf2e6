//! The periods units submit and units above approve (see `domain::review`): one row per
//! unit and period with where it stands; each step is audited with its comment.

use crate::{params, stored_row, Db, FromRow, StoreError, Value};
use domain::review::{Lock, Period, ReviewState};

stored_row! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct Review {
        id: i64, unit_code: String, period_from: domain::Date, period_to: domain::Date,
        state: ReviewState = code "state", submitted_by: Option<String>,
        submitted_at: Option<String>, decided_by: Option<String>, decided_at: Option<String>,
        comment: Option<String>,
    }
}

/// The person an audit actor names (`user:tinh` → `tinh`), as a message shows her.
pub fn person(actor: &str) -> &str {
    actor.strip_prefix("user:").unwrap_or(actor)
}

impl Review {
    pub fn period(&self) -> Period {
        Period {
            from: self.period_from,
            to: self.period_to,
        }
    }
}

/// Every approved period: what locks the records dated in it, and who approved it as a
/// message names her (her full name and user name).
pub fn locks(db: &mut Db) -> Result<Vec<Lock>, StoreError> {
    let rows: Vec<Review> = db.query_as(
        "SELECT {cols} FROM period_reviews WHERE state = 'approved'",
        &[],
    )?;
    let names: std::collections::HashMap<String, String> = if rows.is_empty() {
        Default::default()
    } else {
        crate::accounts::list(db)?
            .into_iter()
            .map(|u| (u.username, u.full_name))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let user = person(r.decided_by.as_deref().unwrap_or_default()).to_owned();
            Lock {
                period: r.period(),
                unit_code: r.unit_code,
                by: names
                    .get(&user)
                    .map_or_else(|| user.clone(), |full| format!("{full} ({user})")),
                at: r.decided_at.unwrap_or_default(),
            }
        })
        .collect())
}

/// The review of `unit_code` for exactly `period`, if any.
pub fn get(db: &mut Db, unit_code: &str, period: Period) -> Result<Option<Review>, StoreError> {
    let sql = "SELECT {cols} FROM period_reviews WHERE unit_code = ? AND period_from = ? AND period_to = ?";
    Ok(db
        .query_as(sql, params![unit_code, period.from, period.to])?
        .pop())
}

/// The reviews of these units for `period`.
pub fn of_units(db: &mut Db, codes: &[&str], period: Period) -> Result<Vec<Review>, StoreError> {
    in_units(db, "period_from = ? AND period_to = ?", codes, period)
}

/// The reviews of these units whose period holds `from..=to` (a report's period), the
/// most decided first: what a report says of its figures' sign-off.
pub fn covering(db: &mut Db, codes: &[&str], period: Period) -> Result<Vec<Review>, StoreError> {
    let mut out = in_units(db, "period_from <= ? AND period_to >= ?", codes, period)?;
    out.sort_by_key(|r| match r.state {
        ReviewState::Approved => 0,
        ReviewState::Submitted => 1,
        _ => 2,
    });
    Ok(out)
}

/// The reviews of units `codes` whose period meets `when` (two parameters: `period`'s
/// bounds).
fn in_units(
    db: &mut Db,
    when: &str,
    codes: &[&str],
    period: Period,
) -> Result<Vec<Review>, StoreError> {
    let sql = format!(
        "SELECT {} FROM period_reviews WHERE {when} AND unit_code IN ({{in}})",
        Review::select()
    );
    let head = [Value::from(period.from), Value::from(period.to)];
    let codes: Vec<Value> = codes.iter().map(|c| Value::from(*c)).collect();
    crate::records::query_in(db, &sql, &head, &codes, crate::records::CODES_PER_QUERY)?
        .iter()
        .map(Review::from_row)
        .collect()
}

/// The units whose approved period holds `period` (a report's period).
pub fn approved_codes(db: &mut Db, period: Period) -> Result<Vec<String>, StoreError> {
    db.query(
        "SELECT DISTINCT unit_code FROM period_reviews WHERE state = 'approved' AND period_from <= ? AND period_to >= ?",
        params![period.from, period.to],
    )?
    .iter()
    .map(|r| r.get("unit_code"))
    .collect()
}

/// Forgets every review of exactly `period` (a benchmark leaves the database as it
/// found it).
pub fn forget(db: &mut Db, period: Period) -> Result<(), StoreError> {
    db.execute(
        "DELETE FROM period_reviews WHERE period_from = ? AND period_to = ?",
        params![period.from, period.to],
    )?;
    Ok(())
}

/// Every submitted period, oldest first (what waits for a decision somewhere).
pub fn submitted(db: &mut Db) -> Result<Vec<Review>, StoreError> {
    db.query_as(
        "SELECT {cols} FROM period_reviews WHERE state = 'submitted' ORDER BY submitted_at",
        &[],
    )
}

/// A step of a review: the new state, who took it and her comment. `Submitted` creates
/// the row or moves a returned or reopened one back; the others decide on it. The caller
/// has checked that the step is allowed (`Review::state` and the user's rights).
pub fn step(
    db: &mut Db,
    unit_code: &str,
    period: Period,
    to: ReviewState,
    actor: &str,
    comment: Option<&str>,
) -> Result<(), StoreError> {
    let now = crate::now_utc();
    let old = get(db, unit_code, period)?;
    match (to, &old) {
        (ReviewState::Submitted, None) => {
            db.execute(
                "INSERT INTO period_reviews (unit_code, period_from, period_to, state, submitted_by, submitted_at, comment) \
                 VALUES (?, ?, ?, 'submitted', ?, ?, ?)",
                params![unit_code, period.from, period.to, actor, now.as_str(), comment],
            )?;
        }
        (ReviewState::Submitted, Some(r)) => {
            db.execute(
                "UPDATE period_reviews SET state = 'submitted', submitted_by = ?, submitted_at = ?, comment = ? WHERE id = ?",
                params![actor, now.as_str(), comment, r.id],
            )?;
        }
        (_, Some(r)) => {
            db.execute(
                "UPDATE period_reviews SET state = ?, decided_by = ?, decided_at = ?, comment = ? WHERE id = ?",
                params![to.as_str(), actor, now.as_str(), comment, r.id],
            )?;
        }
        (_, None) => {
            return Err(StoreError::Corrupt(format!(
                "no review of {unit_code} for {period:?} to decide on"
            )))
        }
    }
    // Locks changed: reports and caches see new data.
    db.execute(
        "UPDATE meta SET value = value + 1 WHERE key = 'data_generation'",
        &[],
    )?;
    crate::generations::bump_other(db)?;
    crate::audit::record(
        db,
        &crate::audit::Entry {
            actor,
            action: to.as_str(),
            entity: "period_reviews",
            key: &serde_json::json!({"unit_code": unit_code, "from": period.from.to_string(), "to": period.to.to_string()}).to_string(),
            old: old.as_ref().map(|r| r.state.as_str()),
            new: Some(to.as_str()),
            reason: comment,
        },
    )
}
