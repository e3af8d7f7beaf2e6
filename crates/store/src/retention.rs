//! Retention (Law 91/2025: personal data kept no longer than its purpose needs): the
//! households with no record for a number of years an administrator sets are listed for
//! review, and may be anonymised (`erasure::anonymise_household`). Their figures stay.

use crate::{params, stored_row, Db, StoreError};

/// The years a household may go without a record before it is listed.
pub fn years(db: &mut Db) -> Result<i64, StoreError> {
    Ok(db
        .query_opt("SELECT value FROM meta WHERE key = 'retention_years'", &[])?
        .map(|r| r.get("value"))
        .transpose()?
        .unwrap_or(5))
}

/// The shortest and longest retention an administrator may set.
pub const YEARS_ALLOWED: std::ops::RangeInclusive<i64> = 1..=50;

/// Sets the retention (within [`YEARS_ALLOWED`]), audited.
pub fn set_years(db: &mut Db, actor: &str, years: i64) -> Result<(), StoreError> {
    let years = years.clamp(*YEARS_ALLOWED.start(), *YEARS_ALLOWED.end());
    db.transaction(|tx| {
        let old = self::years(tx)?;
        let n = tx.execute(
            "UPDATE meta SET value = ? WHERE key = 'retention_years'",
            params![years],
        )?;
        if n == 0 {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('retention_years', ?)",
                params![years],
            )?;
        }
        crate::audit::record(
            tx,
            &crate::audit::Entry {
                actor,
                action: "update",
                entity: "settings",
                key: r#"{"setting":"retention_years"}"#,
                old: Some(&old.to_string()),
                new: Some(&years.to_string()),
                reason: None,
            },
        )
    })
}

stored_row! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct Due {
        code: String = col "household_code", unit_code: String, unit_id: i64, last_on: domain::Date,
    }
}

/// The households of unit versions `units` (`None`: all) whose latest record (their
/// registration, an assessment, an assignment, a support, a project place, a consent) is
/// older than `before`, not yet anonymised: the oldest first, at most `limit`.
pub fn due(
    db: &mut Db,
    units: Option<&[i64]>,
    before: domain::Date,
    limit: i64,
) -> Result<Vec<Due>, StoreError> {
    let Some(scope) = crate::households::unit_scope(units) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT h.household_code, h.unit_code, h.unit_id, MAX(r.on_date) AS last_on FROM households h JOIN ( \
           SELECT household_code, registered_on AS on_date FROM households \
           UNION ALL SELECT household_code, assessed_on FROM assessments \
           UNION ALL SELECT household_code, assigned_on FROM assignments \
           UNION ALL SELECT household_code, date FROM supports WHERE household_code IS NOT NULL \
           UNION ALL SELECT household_code, joined_on FROM project_members \
           UNION ALL SELECT household_code, COALESCE(withdrawn_on, given_on) FROM consents \
         ) r ON r.household_code = h.household_code \
         WHERE h.head_name <> ?{scope} \
         GROUP BY h.household_code, h.unit_code, h.unit_id \
         HAVING MAX(r.on_date) < ? ORDER BY last_on, h.household_code LIMIT ?"
    );
    db.query_as(&sql, params![crate::erasure::ERASED_NAME, before, limit])
}

/// Whether household `code` is still due (checked again when it is anonymised).
pub fn is_due(db: &mut Db, code: &str, before: domain::Date) -> Result<bool, StoreError> {
    let h = crate::households::get(db, code)?;
    let Some(h) = h else { return Ok(false) };
    Ok(due(db, Some(&[h.unit_id.0]), before, i64::MAX)?
        .iter()
        .any(|d| d.code == code))
}
