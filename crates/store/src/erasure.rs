//! Erasure of a woman's personal data (Law 91/2025, right to erasure; Decree 356/2025):
//! her name, birth year, citizen ID, phone and free columns are replaced by a tombstone
//! that holds no personal data, in her row, in the audit's copies of it and in the
//! tombstones of her deleted rows. What the figures count (that she is a member, her
//! gender, whether she is a union member, her ethnic group, and every record of her
//! household) stays as it was, so every report is the same before and after.
//!
//! Erasure is refused while a legal duty to keep applies: a record of her household dated
//! inside an approved period (`domain::review`) is part of figures a leader signed, and
//! the refusal says which period, who approved it and when.

use crate::{params, Db, StoreError};
use domain::review::Lock;

/// What an erased name reads as, everywhere it was shown.
pub const ERASED_NAME: &str = "(đã xóa theo yêu cầu)";

/// The personal columns of a member's row that erasure empties (besides her name).
const MEMBER_PERSONAL: [&str; 4] = ["birth_year", "citizen_id", "phone", "extra"];

/// Keys of the audit's and tombstones' JSON copies whose values are personal.
const PERSONAL_KEYS: [&str; 8] = [
    "full_name",
    "name_folded",
    "head_name_folded",
    "birth_year",
    "citizen_id",
    "phone",
    "head_name",
    "extra",
];

/// Why an erasure is refused: the duty to keep the records of an approved period.
#[derive(Clone, Debug, PartialEq)]
pub struct Kept {
    /// The record that falls in the period ("rà soát năm 2023", "hỗ trợ ngày …").
    pub record: String,
    pub lock: Lock,
}

impl Kept {
    /// The refusal as the officer reads it.
    pub fn message_vi(&self) -> String {
        format!(
            "Không thể xóa: {} thuộc kỳ báo cáo {} của đơn vị {} đã được {} duyệt ngày {}. \
             Số liệu đã ký phải được lưu giữ; có thể xóa sau khi kỳ được mở lại hoặc hết thời hạn lưu trữ.",
            self.record,
            self.lock.period.dmy(),
            self.lock.unit_code,
            self.lock.by,
            self.lock.at.get(..10).unwrap_or(&self.lock.at)
        )
    }
}

/// Who asks for an erasure, and why (kept in the audit, without personal data).
pub struct Request<'a> {
    pub actor: &'a str,
    pub reason: &'a str,
}

crate::stored_row! {
    pub struct Dated { what: String, on_date: domain::Date, unit_id: i64, year: Option<i64> }
}

/// The first record of household `code` that an approved period keeps, if any.
pub fn kept_by(db: &mut Db, code: &str) -> Result<Option<Kept>, StoreError> {
    let locks = crate::reviews::locks(db)?;
    if locks.is_empty() {
        return Ok(None);
    }
    let graph = crate::units::load_graph_cached(db)?;
    let sql = "SELECT 'household' AS what, registered_on AS on_date, unit_id, NULL AS year FROM households WHERE household_code = ? \
         UNION ALL SELECT 'assessment', a.assessed_on, h.unit_id, a.year FROM assessments a \
           JOIN households h ON h.household_code = a.household_code WHERE a.household_code = ? \
         UNION ALL SELECT 'support', date, unit_id, NULL FROM supports WHERE household_code = ? \
         UNION ALL SELECT 'assignment', assigned_on, unit_id, year FROM assignments WHERE household_code = ? \
         UNION ALL SELECT 'consent', c.given_on, h.unit_id, NULL FROM consents c \
           JOIN households h ON h.household_code = c.household_code WHERE c.household_code = ?";
    let dated: Vec<Dated> = db.query_as(sql, params![code, code, code, code, code])?;
    for d in dated {
        let Some(ix) = graph.find_id(domain::units::VersionId(d.unit_id)) else {
            continue;
        };
        if let Some(lock) = domain::review::covering(&locks, &graph, ix, d.on_date) {
            let record = match (d.what.as_str(), d.year) {
                ("household", _) => format!("hồ sơ hộ đăng ký ngày {}", d.on_date.dmy()),
                ("assessment", Some(y)) => {
                    format!("kết quả rà soát năm {y} (ngày {})", d.on_date.dmy())
                }
                ("assignment", Some(y)) => format!("phân công giúp đỡ năm {y}"),
                ("consent", _) => format!("phiếu đồng ý ngày {}", d.on_date.dmy()),
                _ => format!("hỗ trợ ngày {}", d.on_date.dmy()),
            };
            return Ok(Some(Kept {
                record,
                lock: lock.clone(),
            }));
        }
    }
    Ok(None)
}

/// Whether this member's data has been erased.
pub fn is_erased(full_name: &str) -> bool {
    full_name == ERASED_NAME
}

/// The outcome of an erasure.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Erased,
    /// Already erased: nothing to do.
    AlreadyErased,
    NotFound,
    Kept(Kept),
}

/// Erases member `member_no` of household `code` (and the household's head name when she
/// is its head), in one transaction with its audit entry, unless a duty to keep applies.
pub fn erase_member(
    db: &mut Db,
    code: &str,
    member_no: i64,
    req: &Request<'_>,
) -> Result<Outcome, StoreError> {
    db.transaction(|tx| {
        let Some(m) = crate::households::members_of(tx, code)?
            .into_iter()
            .find(|m| m.member_no == member_no)
        else {
            return Ok(Outcome::NotFound);
        };
        if is_erased(&m.full_name) {
            return Ok(Outcome::AlreadyErased);
        }
        if let Some(kept) = kept_by(tx, code)? {
            return Ok(Outcome::Kept(kept));
        }
        let head = crate::households::get(tx, code)?
            .is_some_and(|h| domain::text::fold(&h.head_name) == domain::text::fold(&m.full_name));
        scrub_member(tx, code, member_no)?;
        if head {
            scrub_head(tx, code)?;
        }
        record(tx, req, code, Some(member_no), head)?;
        Ok(Outcome::Erased)
    })
}

/// Erases every member of household `code` and its head's name (a household past its
/// retention time, anonymised by an administrator). The duty to keep is the retention
/// time itself, checked by the caller (`retention`).
pub fn anonymise_household(db: &mut Db, code: &str, req: &Request<'_>) -> Result<u64, StoreError> {
    db.transaction(|tx| {
        let members = crate::households::members_of(tx, code)?;
        for m in &members {
            scrub_member(tx, code, m.member_no)?;
        }
        let n = scrub_head(tx, code)?;
        if n > 0 {
            record(tx, req, code, None, true)?;
        }
        Ok(n)
    })
}

fn scrub_member(db: &mut Db, code: &str, member_no: i64) -> Result<(), StoreError> {
    let set: Vec<String> = MEMBER_PERSONAL
        .iter()
        .map(|c| format!("{c} = NULL"))
        .collect();
    db.execute(
        &format!(
            "UPDATE members SET full_name = ?, name_folded = ?, {} WHERE household_code = ? AND member_no = ?",
            set.join(", ")
        ),
        params![ERASED_NAME, domain::text::fold(ERASED_NAME), code, member_no],
    )?;
    let key = |k: &serde_json::Value| k["household_code"] == code && k["member_no"] == member_no;
    scrub_copies(db, "members", code, key)
}

fn scrub_head(db: &mut Db, code: &str) -> Result<u64, StoreError> {
    let n = db.execute(
        "UPDATE households SET head_name = ?, head_name_folded = ?, extra = NULL WHERE household_code = ?",
        params![ERASED_NAME, domain::text::fold(ERASED_NAME), code],
    )?;
    scrub_copies(db, "households", code, |k| k["household_code"] == code)?;
    Ok(n)
}

/// Replaces the personal values in the audit's and the tombstones' copies of the rows of
/// `entity` about household `code` whose key `mine` accepts.
fn scrub_copies(
    db: &mut Db,
    entity: &str,
    code: &str,
    mine: impl Fn(&serde_json::Value) -> bool,
) -> Result<(), StoreError> {
    // The key is JSON: its text holds the code as JSON writes it; `mine` checks the
    // parsed key (a `_` in a code matches any character in LIKE).
    let pattern = format!("%\"household_code\":{}%", serde_json::json!(code));
    // Each table that keeps copies of rows, and the columns that hold them.
    let copies: [(&str, &[&str]); 2] = [
        ("audit_log", &["old_value", "new_value"]),
        ("tombstones", &["content"]),
    ];
    for (table, columns) in copies {
        let rows = db.query(
            &format!(
                "SELECT id, entity_key, {} FROM {table} WHERE entity = ? AND entity_key LIKE ?",
                columns.join(", ")
            ),
            params![entity, pattern.as_str()],
        )?;
        let set: Vec<String> = columns.iter().map(|c| format!("{c} = ?")).collect();
        let update = format!("UPDATE {table} SET {} WHERE id = ?", set.join(", "));
        for r in rows {
            let key: String = r.get("entity_key")?;
            if !serde_json::from_str(&key).is_ok_and(|k: serde_json::Value| mine(&k)) {
                continue;
            }
            let mut values = Vec::with_capacity(columns.len() + 1);
            for c in columns {
                let copy: Option<String> = r.get(c)?;
                values.push(crate::Value::from(copy.as_deref().map(scrubbed)));
            }
            values.push(crate::Value::from(r.get::<i64>("id")?));
            db.execute(&update, &values)?;
        }
    }
    Ok(())
}

/// A stored JSON copy of a row with its personal values replaced (a value that is not a
/// JSON object is replaced whole: it cannot be told apart).
fn scrubbed(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(mut o)) => {
            for k in PERSONAL_KEYS {
                if let Some(v) = o.get_mut(k) {
                    if !v.is_null() {
                        *v = serde_json::Value::String(ERASED_NAME.to_owned());
                    }
                }
            }
            serde_json::Value::Object(o).to_string()
        }
        _ => serde_json::json!(ERASED_NAME).to_string(),
    }
}

fn record(
    db: &mut Db,
    req: &Request<'_>,
    code: &str,
    member_no: Option<i64>,
    head: bool,
) -> Result<(), StoreError> {
    let key = match member_no {
        Some(no) => serde_json::json!({"household_code": code, "member_no": no}),
        None => serde_json::json!({"household_code": code}),
    };
    let new = serde_json::json!({"erased": true, "head_name_erased": head}).to_string();
    crate::audit::record(
        db,
        &crate::audit::Entry {
            actor: req.actor,
            action: ERASE,
            entity: if member_no.is_some() {
                "members"
            } else {
                "households"
            },
            key: &key.to_string(),
            old: None,
            new: Some(&new),
            reason: Some(req.reason),
        },
    )
}

/// The audit's action of an erasure.
pub const ERASE: &str = "erase";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_replaces_personal_values_only() {
        let s = scrubbed(
            r#"{"full_name":"Nguyễn Thị Hoa","gender":"F","citizen_id":"012345678901","phone":null}"#,
        );
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["full_name"], ERASED_NAME);
        assert_eq!(v["citizen_id"], ERASED_NAME);
        assert_eq!(v["gender"], "F");
        assert!(v["phone"].is_null());
        assert!(!s.contains("Hoa") && !s.contains("0123"));
        assert_eq!(
            scrubbed("not json"),
            serde_json::json!(ERASED_NAME).to_string()
        );
    }
}
