//! The 2025 lineage under a person's review: the names `units load-vn` could not match
//! (questions), the old communes it linked by a neighbour guess, and the decisions an
//! administrator takes on them. Decisions are kept apart from the lineage they change so
//! that they are applied again after every run of the loader.

use crate::{params, stored_row, Db, StoreError, Value};

/// How `units load-vn` marks a link it guessed from the nearest named neighbour.
pub const GUESSED: &str = "neighbour";
/// How a link a person confirmed or made is marked.
pub const CONFIRMED: &str = "confirmed";
pub const BY_PERSON: &str = "person";

stored_row! {
    /// A name in a 2025 commune's note that matched no old unit.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Question {
        id: i64, new_code: String, new_name: String, province: String, written: String,
        reason: String, note: String,
    }
}

impl Question {
    /// Its columns but the id, in the table's order.
    fn content(&self) -> [String; 6] {
        [
            &self.new_code,
            &self.new_name,
            &self.province,
            &self.written,
            &self.reason,
            &self.note,
        ]
        .map(String::clone)
    }

    /// What a decision resolving it records: the new commune and the name as written.
    pub fn key(&self) -> String {
        format!("{}|{}", self.new_code, self.written)
    }
}

/// Replaces the questions with a run's (their decisions stay); the same questions again
/// leave the table as it was.
pub fn replace_questions(db: &mut Db, questions: &[Question]) -> Result<(), StoreError> {
    let mut stored: Vec<[String; 6]> = db
        .query_as::<Question>("SELECT {cols} FROM lineage_questions", &[])?
        .iter()
        .map(Question::content)
        .collect();
    let mut given: Vec<[String; 6]> = questions.iter().map(Question::content).collect();
    stored.sort();
    given.sort();
    if stored == given {
        return Ok(());
    }
    db.execute("DELETE FROM lineage_questions", &[])?;
    let rows: Vec<Vec<Value>> = given
        .iter()
        .map(|c| c.iter().map(|v| Value::from(v.as_str())).collect())
        .collect();
    let cols = [
        "new_code", "new_name", "province", "written", "reason", "note",
    ];
    db.insert_rows("lineage_questions", &cols, &rows)
}

/// The questions no decision has resolved.
const OPEN_QUESTIONS: &str = "FROM lineage_questions q WHERE NOT EXISTS \
     (SELECT 1 FROM lineage_decisions d WHERE d.resolves = q.new_code || '|' || q.written)";

/// The questions no decision has resolved, by province and commune.
pub fn open_questions(db: &mut Db, limit: i64) -> Result<Vec<Question>, StoreError> {
    let sql =
        format!("SELECT {{cols}} {OPEN_QUESTIONS} ORDER BY province, new_code, written LIMIT ?");
    db.query_as(&sql, params![limit])
}

stored_row! {
    /// A link `units load-vn` guessed and no person has decided on yet.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Guess { from_code: String, from_name: String, to_code: String, to_name: String }
}

/// The guessed links still to confirm, by the old commune's code.
pub fn open_guesses(db: &mut Db, limit: i64) -> Result<Vec<Guess>, StoreError> {
    db.query_as(
        "SELECT l.from_code, f.name AS from_name, l.to_code, t.name AS to_name FROM unit_lineage l \
         JOIN units f ON f.code = l.from_code AND f.valid_to < l.effective_date \
         JOIN units t ON t.code = l.to_code AND t.valid_from <= l.effective_date AND t.valid_to >= l.effective_date \
         WHERE l.extra LIKE ? ORDER BY l.from_code LIMIT ?",
        params![format!("%\"x_method\":\"{GUESSED}\"%"), limit],
    )
}

/// How many questions and guesses are still open.
pub fn remaining(db: &mut Db) -> Result<(i64, i64), StoreError> {
    let q: i64 = db
        .query_one(&format!("SELECT COUNT(*) AS n {OPEN_QUESTIONS}"), &[])?
        .get("n")?;
    let g: i64 = db
        .query_one(
            "SELECT COUNT(*) AS n FROM unit_lineage WHERE extra LIKE ?",
            params![format!("%\"x_method\":\"{GUESSED}\"%")],
        )?
        .get("n")?;
    Ok((q, g))
}

stored_row! {
    /// A person's decision: confirm a guessed link, or link an old unit to a new one.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Decision {
        from_code: String, to_code: String, share: f64, action: String,
        resolves: Option<String>, decided_by: String,
    }
}

/// Records a decision (replacing an earlier one of the same link).
pub fn record(db: &mut Db, d: &Decision) -> Result<(), StoreError> {
    db.execute(
        "DELETE FROM lineage_decisions WHERE from_code = ? AND to_code = ?",
        params![d.from_code.as_str(), d.to_code.as_str()],
    )?;
    db.execute(
        "INSERT INTO lineage_decisions (from_code, to_code, share, action, resolves, decided_by, decided_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        params![
            d.from_code.as_str(),
            d.to_code.as_str(),
            d.share,
            d.action.as_str(),
            d.resolves.as_deref(),
            d.decided_by.as_str(),
            crate::now_utc()
        ],
    )?;
    Ok(())
}

pub fn decisions(db: &mut Db) -> Result<Vec<Decision>, StoreError> {
    db.query_as("SELECT {cols} FROM lineage_decisions ORDER BY id", &[])
}

/// Writes a decision into the lineage: a confirmed guess is marked so; a person's link
/// replaces the guesses of its old unit and is written with its share.
pub fn apply(db: &mut Db, d: &Decision, effective: &str) -> Result<(), StoreError> {
    let guessed = format!("%\"x_method\":\"{GUESSED}\"%");
    if d.action == CONFIRMED {
        db.execute(
            "UPDATE unit_lineage SET extra = ? WHERE from_code = ? AND to_code = ?",
            params![method(CONFIRMED), d.from_code.as_str(), d.to_code.as_str()],
        )?;
    } else {
        db.execute(
            "DELETE FROM unit_lineage WHERE from_code = ? AND extra LIKE ?",
            params![d.from_code.as_str(), guessed],
        )?;
        db.execute(
            "DELETE FROM unit_lineage WHERE from_code = ? AND to_code = ? AND effective_date = ?",
            params![d.from_code.as_str(), d.to_code.as_str(), effective],
        )?;
        db.execute(
            "INSERT INTO unit_lineage (from_code, to_code, effective_date, share, extra) VALUES (?, ?, ?, ?, ?)",
            params![d.from_code.as_str(), d.to_code.as_str(), effective, d.share, method(BY_PERSON)],
        )?;
    }
    crate::units::bump_generation(db)
}

fn method(m: &str) -> String {
    serde_json::json!({ "x_method": m }).to_string()
}
