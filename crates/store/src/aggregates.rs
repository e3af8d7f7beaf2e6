//! Monthly aggregates behind the reports, kept in the same transaction as every write.
//!
//! Every write goes through [`crate::keyed::upsert`], which notes here what changed:
//! a record without a household (an activity, a micro-insurance row, a support to no
//! household) adds its own figures, minus those of the row it replaced; a household
//! whose records changed is recomputed whole, since its status events and distinct
//! counts do not add up record by record. Before the transaction commits, [`flush`]
//! writes the differences into `report_cells`, the keys counted in more than one cell of
//! a year into `report_shared`, and each household's part into
//! `household_contributions`, to be taken back when it changes again.
//!
//! The figures themselves come from `domain::contributions`, as in the report computed
//! straight from the records; the test suite checks that the two agree.

use crate::tables::TableDef;
use crate::{Db, StoreError, Value};
use domain::contributions::{self as contrib, Month, FOREVER};
use domain::vocab::SupportType;
use domain::poverty::Class;
use domain::status::{Assessed, AssessmentKind};
use domain::Date;
use std::collections::{BTreeMap, HashMap, HashSet};

mod figures;
pub use figures::{add_figures, encode_figures};
use figures::{decode, encode};

/// Bumped when what the aggregates hold changes: older ones are rebuilt on open.
const VERSION: i64 = 2;

/// Households recomputed per round of queries (more per round trip on PostgreSQL).
fn households_per_round(db: &Db) -> usize {
    match db.backend() {
        crate::Backend::Sqlite => 400,
        crate::Backend::Postgres => 2000,
    }
}

/// Where a figure is kept: see the `report_cells` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    pub month: Month,
    pub unit_id: i64,
    pub follow_id: i64,
    pub known_from: Month,
    pub known_until: Month,
}

impl Cell {
    /// A record dated in `month`: it counts in every report whose period holds its month.
    fn dated(month: Month, unit_id: i64, follow_id: i64) -> Cell {
        Cell {
            month,
            unit_id,
            follow_id,
            known_from: 0,
            known_until: FOREVER,
        }
    }
}

type Figures = Vec<i64>;

impl Cell {
    /// The cell in the year's total, which holds the year as known at its end (the end
    /// date of a calendar-year report): nothing when the figure is not known then.
    fn year_total(self) -> Option<Cell> {
        let year = self.month / 100;
        let end = year * 100 + 12;
        (self.known_from <= end && end < self.known_until).then_some(Cell {
            month: contrib::year_total(year),
            unit_id: self.unit_id,
            follow_id: self.follow_id,
            known_from: 0,
            known_until: FOREVER,
        })
    }
}

/// Adds a summed figure to its cell and to the year's total.
fn add(cells: &mut BTreeMap<Cell, Figures>, cell: Cell, code: &str, amount: i64) {
    add_to(cells, cell, code, amount);
    if let Some(total) = cell.year_total() {
        add_to(cells, total, code, amount);
    }
}

/// Adds to the one cell given (distinct counts: each grain has its own).
fn add_to(cells: &mut BTreeMap<Cell, Figures>, cell: Cell, code: &str, amount: i64) {
    let col = contrib::column_of(code).expect("an aggregate column");
    cells
        .entry(cell)
        .or_insert_with(|| vec![0; contrib::column_count()])[col] += amount;
}

/// The columns of a `report_shared` row, in the order its values are written.
pub const SHARED_COLUMNS: &[&str] = &[
    "household_code",
    "indicator",
    "item",
    "month",
    "unit_id",
    "follow_id",
    "known_from",
    "known_until",
];

/// What the current transaction changed and the aggregates do not show yet.
#[derive(Default)]
pub struct Pending {
    households: HashSet<String>,
    cells: BTreeMap<Cell, Figures>,
    /// Some record was written (any table: targets and stocks count too).
    written: bool,
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        !self.written && self.households.is_empty() && self.cells.is_empty()
    }
}

/// The count of committed writes of records (`meta.data_generation`): equal twice, nothing
/// a report reads has changed in between.
pub fn data_generation(db: &mut Db) -> Result<i64, StoreError> {
    Ok(db
        .query_opt("SELECT value FROM meta WHERE key = 'data_generation'", &[])?
        .map(|r| r.get("value"))
        .transpose()?
        .unwrap_or(0))
}

fn col(def: &TableDef, name: &str) -> usize {
    def.key
        .iter()
        .chain(def.data)
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("{}.{name}", def.table))
}

/// Notes a row written to `def.table`: `old` is the row it replaced (key then data).
pub(crate) fn note(
    p: &mut Pending,
    def: &TableDef,
    old: Option<&[Value]>,
    new: &[Value],
) -> Result<(), StoreError> {
    p.written = true;
    match def.table {
        "households" | "assessments" | "assignments" => {
            let c = col(def, "household_code");
            for row in old.into_iter().chain([new]) {
                if let Some(h) = row[c].as_text() {
                    p.households.insert(h.to_owned());
                }
            }
        }
        "supports" | "activities" | "microinsurance" => {
            for (row, sign) in old.map(|o| (o, -1)).into_iter().chain([(new, 1)]) {
                record(p, def, row, sign)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A row of a table without households (or a support to no household): its figures,
/// added (`sign` 1) or taken back (-1).
fn record(p: &mut Pending, def: &TableDef, row: &[Value], sign: i64) -> Result<(), StoreError> {
    let get = |name: &str| &row[col(def, name)];
    let int = |name: &str| get(name).as_int().unwrap_or(0);
    if def.table == "supports" {
        if let Some(h) = get("household_code").as_text() {
            p.households.insert(h.to_owned());
            return Ok(());
        }
    }
    let Some(date) = get("date").as_text().and_then(|d| Date::parse(d).ok()) else {
        return Err(StoreError::Corrupt(format!("{}: a record without a date", def.table)));
    };
    let cell = Cell::dated(contrib::month_of(date), int("unit_id"), 0);
    let (kind, a, b) = match def.table {
        "supports" => ("support_type", "quantity", "value_vnd"),
        "activities" => ("activity_type", "sessions", "participants"),
        _ => ("kind", "count", "amount_vnd"),
    };
    let kind = get(kind).as_text().unwrap_or("");
    add_record_figures(
        &mut p.cells,
        cell,
        def.table,
        kind,
        sign * int(a),
        sign * int(b),
        sign,
    )
}

/// Adds what `n` records of `table` (supports, activities or microinsurance) of one
/// `kind` add, given their summed amounts `a` and `b` (the mappings are linear, so one
/// row and a group of rows go the same way).
fn add_record_figures(
    cells: &mut BTreeMap<Cell, Figures>,
    cell: Cell,
    table: &str,
    kind: &str,
    a: i64,
    b: i64,
    n: i64,
) -> Result<(), StoreError> {
    let (figures, counter) = match table {
        "supports" => (contrib::support(vocab(kind)?, a, b), "n_supports"),
        "activities" => (contrib::activity(vocab(kind)?, a, b), "n_activities"),
        _ => (
            contrib::microinsurance(vocab(kind)?, a, b).to_vec(),
            "n_microinsurance",
        ),
    };
    for (code, v) in figures {
        add(cells, cell, code, v);
    }
    add(cells, cell, counter, n);
    Ok(())
}

/// A stored vocabulary code, or the loud error of a database that holds one no import
/// could have written.
fn vocab<V: domain::vocab::Vocabulary>(code: &str) -> Result<V, StoreError> {
    V::parse(code).ok_or_else(|| StoreError::Corrupt(format!("unknown code {code:?}")))
}

/// Writes what is pending. Runs inside the writer's transaction, before it commits.
impl crate::db::BeforeCommit for Pending {
    fn before_commit(self: Box<Self>, db: &mut Db) -> Result<(), StoreError> {
        flush(db, *self)
    }

    fn as_any(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Writes what the transaction's records changed into the aggregates.
fn flush(db: &mut Db, mut pending: Pending) -> Result<(), StoreError> {
    if pending.is_empty() {
        return Ok(());
    }
    db.execute(
        "UPDATE meta SET value = value + 1 WHERE key = 'data_generation'",
        &[],
    )?;
    let mut households: Vec<String> = pending.households.drain().collect();
    households.sort_unstable();
    for chunk in households.chunks(households_per_round(db)) {
        recompute_households(db, chunk, &mut pending.cells)?;
    }
    write_cells(db, &pending.cells)
}

/// One household's records, as read for its figures.
#[derive(Default)]
struct HouseholdRecords {
    unit_id: Option<i64>,
    assessments: Vec<Assessed>,
    /// (year, assigned_on, unit_id)
    assignments: Vec<(i32, Date, i64)>,
    /// (date, support_type, member_no, quantity, value_vnd, unit_id)
    supports: Vec<(Date, SupportType, Option<i64>, i64, i64, i64)>,
}

fn recompute_households(
    db: &mut Db,
    codes: &[String],
    delta: &mut BTreeMap<Cell, Figures>,
) -> Result<(), StoreError> {
    let params: Vec<Value> = codes.iter().map(Value::from).collect();
    let list = vec!["?"; codes.len()].join(",");
    let mut recs: HashMap<String, HouseholdRecords> = HashMap::new();
    for r in db.query(
        &format!("SELECT household_code, unit_id FROM households WHERE household_code IN ({list})"),
        &params,
    )? {
        recs.entry(r.get("household_code")?).or_default().unit_id = Some(r.get("unit_id")?);
    }
    for r in db.query(
        &format!("SELECT household_code, year, kind, assessed_on, status FROM assessments WHERE household_code IN ({list})"),
        &params,
    )? {
        recs.entry(r.get("household_code")?).or_default().assessments.push(Assessed {
            year: r.get("year")?,
            kind: r.code::<AssessmentKind>("kind")?,
            assessed_on: r.get("assessed_on")?,
            status: r.code::<Class>("status")?,
        });
    }
    for r in db.query(
        &format!("SELECT household_code, year, assigned_on, unit_id FROM assignments WHERE household_code IN ({list})"),
        &params,
    )? {
        recs.entry(r.get("household_code")?)
            .or_default()
            .assignments
            .push((r.get("year")?, r.get("assigned_on")?, r.get("unit_id")?));
    }
    for r in db.query(
        &format!("SELECT household_code, date, support_type, member_no, quantity, value_vnd, unit_id FROM supports WHERE household_code IN ({list})"),
        &params,
    )? {
        recs.entry(r.get("household_code")?).or_default().supports.push((
            r.get("date")?,
            r.code("support_type")?,
            r.get("member_no")?,
            r.get("quantity")?,
            r.get("value_vnd")?,
            r.get("unit_id")?,
        ));
    }
    // Take back what each household added before…
    for r in db.query(
        &format!("SELECT cells FROM household_contributions WHERE household_code IN ({list})"),
        &params,
    )? {
        for (cell, figures) in decode(r.get("cells")?)? {
            let slot = delta
                .entry(cell)
                .or_insert_with(|| vec![0; contrib::column_count()]);
            for (s, f) in slot.iter_mut().zip(figures) {
                *s -= f;
            }
        }
    }
    db.execute(
        &format!("DELETE FROM report_shared WHERE household_code IN ({list})"),
        &params,
    )?;
    db.execute(
        &format!("DELETE FROM household_contributions WHERE household_code IN ({list})"),
        &params,
    )?;
    // …and add what it adds now.
    let mut shared_rows = Vec::new();
    let mut memo_rows = Vec::new();
    for code in codes {
        let Some(rec) = recs.get(code) else { continue };
        let (cells, shared) = household_figures(code, rec);
        for (cell, figures) in &cells {
            let slot = delta
                .entry(*cell)
                .or_insert_with(|| vec![0; contrib::column_count()]);
            for (s, f) in slot.iter_mut().zip(figures) {
                *s += f;
            }
        }
        for (indicator, item, c) in shared {
            shared_rows.push(vec![
                Value::from(code.as_str()),
                Value::from(indicator),
                Value::from(item),
                Value::from(c.month),
                Value::from(c.unit_id),
                Value::from(c.follow_id),
                Value::from(c.known_from),
                Value::from(c.known_until),
            ]);
        }
        if !cells.is_empty() {
            memo_rows.push(vec![
                Value::from(code.as_str()),
                Value::Text(encode(&cells)),
            ]);
        }
    }
    db.insert_rows("report_shared", SHARED_COLUMNS, &shared_rows)?;
    db.insert_rows(
        "household_contributions",
        &["household_code", "cells"],
        &memo_rows,
    )?;
    Ok(())
}

/// A household's figures: the cells it adds to, and the keys of distinct counts that it
/// has in more than one cell of a year (those are read one by one).
/// (indicator, key, cell) of a distinct-count key met in several cells.
type SharedKey = (&'static str, String, Cell);

fn household_figures(
    code: &str,
    rec: &HouseholdRecords,
) -> (BTreeMap<Cell, Figures>, Vec<SharedKey>) {
    let mut cells = BTreeMap::new();
    // (indicator, key, year) → the cells where the key occurs
    let mut keys: BTreeMap<(&'static str, String, i32), Vec<Cell>> = BTreeMap::new();
    let mut occur = |indicator: &'static str, key: &str, cell: Cell| {
        let list = keys
            .entry((indicator, key.to_owned(), cell.month / 100))
            .or_default();
        if !list.contains(&cell) {
            list.push(cell);
        }
    };
    for &(year, assigned_on, unit_id) in &rec.assignments {
        let cell = Cell {
            month: contrib::year_bucket(year),
            unit_id,
            follow_id: 0,
            known_from: contrib::month_of(assigned_on),
            known_until: FOREVER,
        };
        occur("hh_assisted", code, cell);
        add(&mut cells, cell, "n_assignments", 1);
    }
    for k in contrib::known_events(&rec.assessments) {
        let month = contrib::month_of(k.event.date);
        let codes = contrib::event_codes(&k.event);
        if k.event.kind == domain::status::EventKind::Escaped {
            // Counted for every chapter that took the household on for the event's year,
            // from when the assignment is known.
            for &(_, assigned_on, unit_id) in rec.assignments.iter().filter(|a| a.0 == k.event.year)
            {
                let known_from = k.known_from.max(contrib::month_of(assigned_on));
                if known_from >= k.known_until {
                    continue;
                }
                let cell = Cell {
                    month,
                    unit_id,
                    follow_id: 0,
                    known_from,
                    known_until: k.known_until,
                };
                for c in codes {
                    occur(c, code, cell);
                }
            }
        } else if let Some(unit_id) = rec.unit_id {
            let cell = Cell {
                month,
                unit_id,
                follow_id: 0,
                known_from: k.known_from,
                known_until: k.known_until,
            };
            for c in codes {
                occur(c, code, cell);
            }
            add(&mut cells, cell, "n_households", 1);
        }
    }
    for (date, kind, member_no, quantity, value, unit_id) in &rec.supports {
        let follow_id = match rec.unit_id {
            Some(h) if h != *unit_id => h,
            _ => 0,
        };
        let cell = Cell::dated(contrib::month_of(*date), *unit_id, follow_id);
        for (c, v) in contrib::support(*kind, *quantity, *value) {
            add(&mut cells, cell, c, v);
        }
        add(&mut cells, cell, "n_supports", 1);
        if let Some(who) = contrib::livelihood_recipient(*kind, Some(code), *member_no) {
            occur("livelihood_recipients", &who, cell);
        }
    }
    // A key found in one cell of its grain (the months, or the year's total) is counted
    // there; found in several, it is kept as a key.
    let mut shared = Vec::new();
    for ((indicator, key, _), months) in keys {
        let mut year: Vec<Cell> = months.iter().filter_map(|c| c.year_total()).collect();
        year.sort_unstable();
        year.dedup();
        for list in [months, year] {
            if list.is_empty() {
                continue;
            }
            if let [one] = list.as_slice() {
                add_to(&mut cells, *one, indicator, 1);
            } else {
                shared.extend(list.into_iter().map(|c| (indicator, key.clone(), c)));
            }
        }
    }
    (cells, shared)
}

/// Unit ids per query when reading the cells about to change.
const UNITS_PER_READ: usize = 500;

/// Adds `delta` to `report_cells`: the stored figures of the cells concerned are read,
/// added to, and written back; a cell whose figures all come to zero is removed.
fn write_cells(db: &mut Db, delta: &BTreeMap<Cell, Figures>) -> Result<(), StoreError> {
    let mut merged: BTreeMap<Cell, Figures> = delta
        .iter()
        .filter(|(_, f)| f.iter().any(|v| *v != 0))
        .map(|(c, f)| (*c, f.clone()))
        .collect();
    if merged.is_empty() {
        return Ok(());
    }
    let mut months: BTreeMap<Month, Vec<i64>> = BTreeMap::new();
    for c in merged.keys() {
        months.entry(c.month).or_default().push(c.unit_id);
    }
    let mut stored: std::collections::HashSet<Cell> = std::collections::HashSet::new();
    for (month, mut units) in months {
        units.dedup();
        for chunk in units.chunks(UNITS_PER_READ) {
            let sql = format!(
                "SELECT unit_id, follow_id, known_from, known_until, figures FROM report_cells WHERE month = ? AND unit_id IN ({})",
                vec!["?"; chunk.len()].join(",")
            );
            let params: Vec<Value> = std::iter::once(Value::from(month))
                .chain(chunk.iter().map(|u| Value::Int(*u)))
                .collect();
            for r in db.query(&sql, &params)? {
                let cell = Cell {
                    month,
                    unit_id: r.get("unit_id")?,
                    follow_id: r.get("follow_id")?,
                    known_from: r.get("known_from")?,
                    known_until: r.get("known_until")?,
                };
                if let Some(f) = merged.get_mut(&cell) {
                    add_figures(r.get("figures")?, f)?;
                    stored.insert(cell);
                }
            }
        }
    }
    let mut rows = Vec::new();
    for (c, f) in &merged {
        let key = [
            c.month as i64,
            c.unit_id,
            c.follow_id,
            c.known_from as i64,
            c.known_until as i64,
        ]
        .map(Value::Int);
        if f.iter().all(|v| *v == 0) {
            if stored.contains(c) {
                db.execute(
                    "DELETE FROM report_cells WHERE month = ? AND unit_id = ? AND follow_id = ? AND known_from = ? AND known_until = ?",
                    &key,
                )?;
            }
            continue;
        }
        rows.push(
            key.into_iter()
                .chain([Value::Text(encode_figures(f))])
                .collect::<Vec<_>>(),
        );
    }
    let one = "(?,?,?,?,?,?)";
    const PER: usize = 500;
    for chunk in rows.chunks(PER) {
        let sql = format!(
            "INSERT INTO report_cells (month, unit_id, follow_id, known_from, known_until, figures) VALUES {} \
             ON CONFLICT (month, unit_id, follow_id, known_from, known_until) DO UPDATE SET figures = excluded.figures",
            vec![one; chunk.len()].join(",")
        );
        let flat: Vec<Value> = chunk.iter().flatten().cloned().collect();
        db.execute(&sql, &flat)?;
    }
    Ok(())
}

/// Rebuilds the aggregates from the records when they were made by an older version of
/// the program (or never).
pub fn ensure_current(db: &mut Db) -> Result<(), StoreError> {
    let v = db
        .query_opt(
            "SELECT value FROM meta WHERE key = 'aggregates_version'",
            &[],
        )?
        .map(|r| r.get::<i64>("value"))
        .transpose()?;
    if v == Some(VERSION) {
        return Ok(());
    }
    db.transaction(|tx| {
        rebuild(tx)?;
        tx.execute(
            "UPDATE meta SET value = ? WHERE key = 'aggregates_version'",
            &[Value::Int(VERSION)],
        )?;
        Ok(())
    })
}

/// Recomputes every aggregate from the records. Must run inside a transaction.
pub fn rebuild(db: &mut Db) -> Result<(), StoreError> {
    db.batch(
        "DELETE FROM report_cells; DELETE FROM report_shared; DELETE FROM household_contributions;",
    )?;
    let mut cells = BTreeMap::new();
    // Records without a household add up: summed per unit, month and kind, then mapped.
    let month = "CAST(substr(date, 1, 4) AS BIGINT) * 100 + CAST(substr(date, 6, 2) AS BIGINT)";
    let grouped: [(&str, &str, &str); 3] = [
        (
            "supports",
            "support_type AS kind, CAST(SUM(quantity) AS BIGINT) AS a, CAST(SUM(value_vnd) AS BIGINT) AS b",
            "household_code IS NULL",
        ),
        (
            "activities",
            "activity_type AS kind, CAST(SUM(sessions) AS BIGINT) AS a, CAST(SUM(participants) AS BIGINT) AS b",
            "1 = 1",
        ),
        (
            "microinsurance",
            "kind, CAST(SUM(count) AS BIGINT) AS a, CAST(SUM(amount_vnd) AS BIGINT) AS b",
            "1 = 1",
        ),
    ];
    for (table, what, filter) in grouped {
        for r in db.query(
            &format!("SELECT unit_id, {month} AS month, {what}, COUNT(*) AS n FROM {table} WHERE {filter} GROUP BY unit_id, {month}, 3"),
            &[],
        )? {
            let cell = Cell::dated(r.get("month")?, r.get("unit_id")?, 0);
            add_record_figures(
                &mut cells,
                cell,
                table,
                r.get("kind")?,
                r.get("a")?,
                r.get("b")?,
                r.get("n")?,
            )?;
        }
    }
    let households: Vec<String> = db
        .query(
            "SELECT household_code FROM households ORDER BY household_code",
            &[],
        )?
        .iter()
        .map(|r| r.get("household_code"))
        .collect::<Result<_, StoreError>>()?;
    for chunk in households.chunks(households_per_round(db)) {
        recompute_households(db, chunk, &mut cells)?;
    }
    write_cells(db, &cells)
}
