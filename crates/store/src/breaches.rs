//! The register of personal-data breaches (Decree 356/2025): a suspected breach recorded
//! when it is found, the 72 hours the authority must be told within, the people it may
//! concern estimated from the access log, and each step taken. Every change is audited.

use crate::{params, stored_row, Db, StoreError};

/// Hours between a breach's discovery and the deadline to tell the authority.
pub const NOTIFY_WITHIN_HOURS: i64 = 72;

/// Days before the discovery the estimate looks back when no span is given.
pub const DEFAULT_LOOKBACK_DAYS: i32 = 30;

stored_row! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct Breach {
        id: i64, found_at: String, what: String, found_by: String, account: Option<String>,
        window_from: Option<String>, window_to: Option<String>, recorded_by: String,
        recorded_at: String, authority_notified_at: Option<String>,
        people_notified_at: Option<String>, closed_at: Option<String>,
    }

    #[derive(Clone, Debug, PartialEq)]
    pub struct Step { at: String, by_actor: String, what: String }
}

/// Seconds since 1970 of a stored time (`2026-12-04T03:30:00Z`).
pub fn seconds(utc: &str) -> Option<i64> {
    let day = domain::Date::parse(utc.get(..10)?).ok()?;
    let h: i64 = utc.get(11..13)?.parse().ok()?;
    let m: i64 = utc.get(14..16)?.parse().ok()?;
    let s: i64 = utc.get(17..19).and_then(|s| s.parse().ok()).unwrap_or(0);
    Some(i64::from(day.days()) * 86_400 + h * 3600 + m * 60 + s)
}

/// A stored time from seconds since 1970.
pub fn utc_of(secs: i64) -> String {
    let day = domain::Date::from_days(i32::try_from(secs.div_euclid(86_400)).unwrap_or(0));
    let rest = secs.rem_euclid(86_400);
    format!(
        "{day}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// A time entered in Vietnam (UTC+7; a date-and-time field's `2026-12-04T10:30`) as
/// stored (UTC); `None` when it is not one.
pub fn utc_from_vietnam(local: &str) -> Option<String> {
    let local = local.trim();
    if local.len() < 16 || local.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let h: i64 = local.get(11..13)?.parse().ok()?;
    let m: i64 = local.get(14..16)?.parse().ok()?;
    if h > 23 || m > 59 {
        return None;
    }
    Some(utc_of(seconds(&format!("{}Z", &local[..16]))? - 7 * 3600))
}

impl Breach {
    /// When the authority must have been told: 72 hours after the discovery.
    pub fn deadline(&self) -> Option<String> {
        seconds(&self.found_at).map(|s| utc_of(s + NOTIFY_WITHIN_HOURS * 3600))
    }

    /// The span of the access log the estimate reads: the one given, or from the
    /// [`DEFAULT_LOOKBACK_DAYS`] before the discovery until the breach was closed (`now`
    /// while it is open: a leak may go on after it is found).
    pub fn window(&self, now: &str) -> (String, String) {
        let found = seconds(&self.found_at).unwrap_or(0);
        (
            self.window_from
                .clone()
                .unwrap_or_else(|| utc_of(found - i64::from(DEFAULT_LOOKBACK_DAYS) * 86_400)),
            self.window_to
                .clone()
                .or_else(|| self.closed_at.clone())
                .unwrap_or_else(|| now.to_owned()),
        )
    }
}

/// What a new breach says.
pub struct New<'a> {
    pub found_at: &'a str,
    pub what: &'a str,
    pub found_by: &'a str,
    pub account: Option<&'a str>,
    pub window: (Option<&'a str>, Option<&'a str>),
}

fn audit(
    db: &mut Db,
    actor: &str,
    action: &str,
    id: i64,
    new: &serde_json::Value,
) -> Result<(), StoreError> {
    crate::audit::record(
        db,
        &crate::audit::Entry {
            actor,
            action,
            entity: "breaches",
            key: &serde_json::json!({ "id": id }).to_string(),
            old: None,
            new: Some(&new.to_string()),
            reason: None,
        },
    )
}

/// Records a breach; its id.
pub fn record(db: &mut Db, actor: &str, b: &New<'_>) -> Result<i64, StoreError> {
    db.transaction(|tx| {
        tx.execute(
            "INSERT INTO breaches (found_at, what, found_by, account, window_from, window_to, recorded_by, recorded_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            params![b.found_at, b.what, b.found_by, b.account, b.window.0, b.window.1, actor, crate::now_utc()],
        )?;
        let id: i64 = tx
            .query_one("SELECT MAX(id) AS id FROM breaches", &[])?
            .get("id")?;
        audit(
            tx,
            actor,
            "insert",
            id,
            &serde_json::json!({"found_at": b.found_at, "what": b.what, "found_by": b.found_by,
                "account": b.account, "window_from": b.window.0, "window_to": b.window.1}),
        )?;
        Ok(id)
    })
}

/// Every breach, the newest discovery first.
pub fn list(db: &mut Db) -> Result<Vec<Breach>, StoreError> {
    db.query_as(
        "SELECT {cols} FROM breaches ORDER BY found_at DESC, id DESC",
        &[],
    )
}

pub fn get(db: &mut Db, id: i64) -> Result<Option<Breach>, StoreError> {
    Ok(db
        .query_as("SELECT {cols} FROM breaches WHERE id = ?", params![id])?
        .pop())
}

pub fn steps(db: &mut Db, id: i64) -> Result<Vec<Step>, StoreError> {
    db.query_as(
        "SELECT {cols} FROM breach_steps WHERE breach_id = ? ORDER BY id",
        params![id],
    )
}

/// A step taken about breach `id` (what was done, in words).
pub fn add_step(db: &mut Db, actor: &str, id: i64, what: &str) -> Result<(), StoreError> {
    db.transaction(|tx| {
        tx.execute(
            "INSERT INTO breach_steps (breach_id, at, by_actor, what) VALUES (?, ?, ?, ?)",
            params![id, crate::now_utc(), actor, what],
        )?;
        audit(tx, actor, "step", id, &serde_json::json!({ "step": what }))
    })
}

/// A milestone of a breach.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Milestone {
    /// The authority (the Ministry of Public Security's A05) was told.
    AuthorityNotified,
    /// The people concerned were told.
    PeopleNotified,
    Closed,
}

impl Milestone {
    pub const ALL: [Milestone; 3] = [
        Milestone::AuthorityNotified,
        Milestone::PeopleNotified,
        Milestone::Closed,
    ];

    fn column(self) -> &'static str {
        match self {
            Milestone::AuthorityNotified => "authority_notified_at",
            Milestone::PeopleNotified => "people_notified_at",
            Milestone::Closed => "closed_at",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::AuthorityNotified => "authority",
            Milestone::PeopleNotified => "people",
            Milestone::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Milestone> {
        Milestone::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Milestone::AuthorityNotified => "Đã thông báo cơ quan chuyên trách (Bộ Công an – A05)",
            Milestone::PeopleNotified => "Đã thông báo người bị ảnh hưởng",
            Milestone::Closed => "Đã kết thúc xử lý",
        }
    }
}

/// Records that breach `id` reached `milestone` at `at` (stored time); once only: a
/// milestone already recorded keeps its time. Whether it was recorded now.
pub fn reach(
    db: &mut Db,
    actor: &str,
    id: i64,
    milestone: Milestone,
    at: &str,
) -> Result<bool, StoreError> {
    db.transaction(|tx| {
        let col = milestone.column();
        let n = tx.execute(
            &format!("UPDATE breaches SET {col} = ? WHERE id = ? AND {col} IS NULL"),
            params![at, id],
        )?;
        if n > 0 {
            audit(tx, actor, "update", id, &serde_json::json!({ col: at }))?;
        }
        Ok(n > 0)
    })
}

/// The people a breach may concern, estimated from the access log: the households whose
/// identifiers were shown whole in its span (to its account, when one is named), and
/// their members.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Affected {
    pub views: i64,
    pub households: i64,
    pub members: i64,
}

pub fn affected(db: &mut Db, b: &Breach, now: &str) -> Result<Affected, StoreError> {
    let (from, to) = b.window(now);
    let mut sql =
        "SELECT entity_key FROM audit_log WHERE action = ? AND at >= ? AND at <= ?".to_owned();
    let mut p = params![crate::audit::VIEW_SENSITIVE, from.as_str(), to.as_str()].to_vec();
    if let Some(account) = b.account.as_deref().filter(|a| !a.is_empty()) {
        sql.push_str(" AND actor = ?");
        p.push(crate::Value::from(format!("user:{account}")));
    }
    let rows = db.query(&sql, &p)?;
    let mut households = std::collections::BTreeSet::new();
    for r in &rows {
        let key: String = r.get("entity_key")?;
        if let Some(code) = serde_json::from_str::<serde_json::Value>(&key)
            .ok()
            .and_then(|k| k["household_code"].as_str().map(str::to_owned))
        {
            households.insert(code);
        }
    }
    let codes: Vec<crate::Value> = households.iter().map(crate::Value::from).collect();
    let mut members = 0;
    // One count per statement the list is sent in.
    for r in crate::records::query_in(
        db,
        "SELECT COUNT(*) AS n FROM members WHERE household_code IN ({in})",
        &[],
        &codes,
        crate::records::CODES_PER_QUERY,
    )? {
        members += r.get::<i64>("n")?;
    }
    Ok(Affected {
        views: i64::try_from(rows.len()).unwrap_or(i64::MAX),
        households: i64::try_from(households.len()).unwrap_or(i64::MAX),
        members,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_vietnam_are_stored_in_utc() {
        assert_eq!(
            utc_from_vietnam("2026-12-04T03:30").as_deref(),
            Some("2026-12-03T20:30:00Z")
        );
        assert_eq!(utc_from_vietnam("2026-12-04"), None);
        assert_eq!(utc_from_vietnam("2026-12-04T25:00"), None);
        let b = Breach {
            id: 1,
            found_at: "2026-12-30T20:30:00Z".into(),
            what: String::new(),
            found_by: String::new(),
            account: None,
            window_from: None,
            window_to: None,
            recorded_by: String::new(),
            recorded_at: String::new(),
            authority_notified_at: None,
            people_notified_at: None,
            closed_at: None,
        };
        assert_eq!(b.deadline().as_deref(), Some("2027-01-02T20:30:00Z"));
        assert_eq!(
            b.window("2027-01-01T00:00:00Z"),
            ("2026-11-30T20:30:00Z".into(), "2027-01-01T00:00:00Z".into())
        );
    }
}
