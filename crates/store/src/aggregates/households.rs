//! A household's part of the aggregates: its status events (what was assessed by each
//! report end date), its assignments and its supports, recomputed whole from its records
//! whenever any of them changed, its previous part taken back.

use super::figures::{decode, encode};
use super::{add, add_to, Cell, Figures, SlicedCell, SHARED_COLUMNS};
use crate::records::{execute_in, query_in, CODES_PER_QUERY};
use crate::{Db, StoreError, Value};
use domain::contributions::{self as contrib, FOREVER};
use domain::indicators::Indicator;
use domain::poverty::Class;
use domain::status::{Assessed, AssessmentKind};
use domain::vocab::SupportType;
use domain::Date;
use std::collections::{BTreeMap, HashMap};

/// One household's records, as read for its figures.
#[derive(Default)]
struct HouseholdRecords {
    unit_id: Option<i64>,
    area: Option<domain::vocab::Area>,
    /// What breakdowns split it by, packed (`domain::breakdown::Profile::pack`).
    profile: i64,
    assessments: Vec<Assessed>,
    /// Each assessment's income, number of deprivations and standard (for the follow-up
    /// of escapes, `super::lasting`), in the order of `assessments`.
    details: Vec<(Option<i64>, usize, Option<String>)>,
    /// (year, assigned_on, unit_id)
    assignments: Vec<(i32, Date, i64)>,
    /// (date, support_type, member_no, quantity, value_vnd, unit_id)
    supports: Vec<(Date, SupportType, Option<i64>, i64, i64, i64)>,
}

/// Recomputes the households `codes` (sorted, each once), `per_round` at a time: their
/// part of the aggregates is taken back from `delta` and `slices` and added again from
/// their records. Reading and writing need the writer's connection; working the figures
/// out does not, so with more than one round a second thread does it for one round
/// while this one reads the next and writes the last (profiled on the national data set
/// at scale 0.1: about half the aggregates' time at an import's commit).
pub(super) fn recompute(
    db: &mut Db,
    codes: &[String],
    per_round: usize,
    delta: &mut BTreeMap<Cell, Figures>,
    slices: &mut BTreeMap<SlicedCell, Figures>,
) -> Result<(), StoreError> {
    if codes.is_empty() {
        return Ok(());
    }
    if codes.len() <= per_round {
        let read = read(db, codes)?;
        let rows = work_out(codes, read, delta, slices);
        return write(db, rows);
    }
    let mut moved = (std::mem::take(delta), std::mem::take(slices));
    let result = std::thread::scope(|scope| -> Result<(), StoreError> {
        let (to_worker, work) = std::sync::mpsc::sync_channel::<(&[String], Read)>(1);
        let (to_writer, worked) = std::sync::mpsc::sync_channel::<Result<Rows, StoreError>>(1);
        let sums = &mut moved;
        let worker = scope.spawn(move || {
            for (chunk, read) in work {
                let rows = work_out(chunk, read, &mut sums.0, &mut sums.1);
                if to_writer.send(rows).is_err() {
                    break;
                }
            }
        });
        // One round at most is with the worker: it works out round k while this thread
        // reads round k + 1.
        let mut in_flight = false;
        for chunk in codes.chunks(per_round) {
            let read = read(db, chunk)?;
            if in_flight {
                write(db, worked.recv().map_err(|_| worker_stopped())?)?;
            }
            to_worker
                .send((chunk, read))
                .map_err(|_| worker_stopped())?;
            in_flight = true;
        }
        drop(to_worker);
        if in_flight {
            write(db, worked.recv().map_err(|_| worker_stopped())?)?;
        }
        // A panic in the worker is this thread's.
        worker
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        Ok(())
    });
    (*delta, *slices) = moved;
    result
}

fn worker_stopped() -> StoreError {
    StoreError::Corrupt("the aggregates' worker thread stopped".into())
}

/// A round's households as read: their records, and the part each added before.
struct Read {
    recs: HashMap<String, HouseholdRecords>,
    /// (profile, encoded cells) of each household's stored part.
    before: Vec<(i64, String)>,
}

/// A round's rows to write: `report_shared`, `household_contributions`,
/// `household_lasting`.
struct Rows {
    shared: Vec<Vec<Value>>,
    memo: Vec<Vec<Value>>,
    lasting: Vec<Vec<Value>>,
}

/// Reads the households' records and their stored part, and removes that part's rows
/// (the round's new ones are written by [`write`]).
fn read(db: &mut Db, codes: &[String]) -> Result<Read, StoreError> {
    let params: Vec<Value> = codes.iter().map(Value::from).collect();
    let mut recs: HashMap<String, HouseholdRecords> = HashMap::new();
    for r in query_in(
        db,
        &format!(
            "SELECT {}, unit_id FROM households h WHERE household_code IN ({{in}})",
            crate::households::PROFILE_COLUMNS
        ),
        &[],
        &params,
        CODES_PER_QUERY,
    )? {
        let rec = recs.entry(r.get("household_code")?).or_default();
        rec.unit_id = Some(r.get("unit_id")?);
        let profile = crate::households::profile_of(&r)?;
        rec.area = Some(profile.area);
        rec.profile = profile.pack();
    }
    for r in query_in(
        db,
        "SELECT household_code, year, kind, assessed_on, status, income_per_capita_vnd, deprivations, standard_code FROM assessments WHERE household_code IN ({in})",
        &[],
        &params,
        CODES_PER_QUERY,
    )? {
        let rec = recs.entry(r.get("household_code")?).or_default();
        rec.assessments.push(Assessed {
            year: r.get("year")?,
            kind: r.code::<AssessmentKind>("kind")?,
            assessed_on: r.get("assessed_on")?,
            status: r.code::<Class>("status")?,
        });
        rec.details.push((
            r.get("income_per_capita_vnd")?,
            super::lasting::deprivation_count(r.get::<Option<String>>("deprivations")?.as_deref()),
            r.get("standard_code")?,
        ));
    }
    for r in query_in(
        db,
        "SELECT household_code, year, assigned_on, unit_id FROM assignments WHERE household_code IN ({in})",
        &[],
        &params,
        CODES_PER_QUERY,
    )? {
        recs.entry(r.get("household_code")?)
            .or_default()
            .assignments
            .push((r.get("year")?, r.get("assigned_on")?, r.get("unit_id")?));
    }
    for r in query_in(
        db,
        "SELECT household_code, date, support_type, member_no, quantity, value_vnd, unit_id FROM supports WHERE household_code IN ({in})",
        &[],
        &params,
        CODES_PER_QUERY,
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
    let mut before = Vec::new();
    for r in query_in(
        db,
        "SELECT cells, slice FROM household_contributions WHERE household_code IN ({in})",
        &[],
        &params,
        CODES_PER_QUERY,
    )? {
        before.push((r.get("slice")?, r.get("cells")?));
    }
    for table in [
        "report_shared",
        "household_contributions",
        "household_lasting",
    ] {
        execute_in(
            db,
            &format!("DELETE FROM {table} WHERE household_code IN ({{in}})"),
            &params,
            CODES_PER_QUERY,
        )?;
    }
    Ok(Read { recs, before })
}

/// Takes back what each household added before, adds what it adds now, and returns the
/// rows that keep its part. No database: this runs on the worker thread.
fn work_out(
    codes: &[String],
    read: Read,
    delta: &mut BTreeMap<Cell, Figures>,
    slices: &mut BTreeMap<SlicedCell, Figures>,
) -> Result<Rows, StoreError> {
    let Read { recs, before } = read;
    for (slice, cells) in &before {
        for (cell, figures) in decode(cells)? {
            add_into(delta, cell, &figures, -1);
            add_into(slices, (*slice, cell), &figures, -1);
        }
    }
    let mut shared = Vec::new();
    let mut memo = Vec::new();
    let mut lasting = Vec::new();
    for code in codes {
        let Some(rec) = recs.get(code) else { continue };
        let (cells, keys) = household_figures(code, rec);
        for (cell, figures) in &cells {
            add_into(delta, *cell, figures, 1);
            add_into(slices, (rec.profile, *cell), figures, 1);
        }
        for (indicator, item, c) in keys {
            shared.push(vec![
                Value::from(code.as_str()),
                Value::from(indicator),
                Value::from(item),
                Value::from(c.month),
                Value::from(c.unit_id),
                Value::from(c.follow_id),
                Value::from(c.known_from),
                Value::from(c.known_until),
                Value::from(rec.profile),
            ]);
        }
        if !cells.is_empty() {
            memo.push(vec![
                Value::from(code.as_str()),
                Value::Text(encode(&cells)),
                Value::from(rec.profile),
            ]);
        }
        // The follow-up of escapes reads the same records, packed per household.
        if let Some(unit_id) = rec.unit_id {
            let facts = super::lasting::HouseholdFacts::new(
                code,
                unit_id,
                rec.area,
                rec.assessments.iter().zip(&rec.details),
                &rec.assignments,
                rec.supports.iter().map(|s| (s.0, s.4, s.5)),
            );
            lasting.extend(super::lasting::kept_row(&facts));
        }
    }
    Ok(Rows {
        shared,
        memo,
        lasting,
    })
}

/// Writes a round's rows (its households' old rows were removed by [`read`]).
fn write(db: &mut Db, rows: Result<Rows, StoreError>) -> Result<(), StoreError> {
    let rows = rows?;
    db.insert_rows("report_shared", SHARED_COLUMNS, &rows.shared)?;
    db.insert_rows(
        "household_contributions",
        &["household_code", "cells", "slice"],
        &rows.memo,
    )?;
    db.insert_rows(
        "household_lasting",
        super::lasting::KEPT_COLUMNS,
        &rows.lasting,
    )
}

/// Adds `sign` × `figures` to the cell `key` of `into`.
fn add_into<K: Ord>(into: &mut BTreeMap<K, Figures>, key: K, figures: &[i64], sign: i64) {
    let slot = into
        .entry(key)
        .or_insert_with(|| vec![0; contrib::column_count()]);
    for (s, f) in slot.iter_mut().zip(figures) {
        *s += sign * f;
    }
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
        occur(Indicator::HhAssisted.code(), code, cell);
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
                    occur(c.code(), code, cell);
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
                occur(c.code(), code, cell);
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
            add(&mut cells, cell, c.code(), v);
        }
        add(&mut cells, cell, "n_supports", 1);
        if let Some(who) = contrib::livelihood_recipient(*kind, Some(code), *member_no) {
            occur(Indicator::LivelihoodRecipients.code(), &who, cell);
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
