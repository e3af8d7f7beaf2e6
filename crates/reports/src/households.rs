//! The household indicators: assisted, escaped (from poor, from near-poor), fell back,
//! newly poor, each counting distinct households.

use crate::scope::Scope;
use crate::tally::{Evidence, Tally};
use domain::contributions;
use domain::poverty::Class;
use domain::status::{effective_history, events, Assessed, AssessmentKind, EventKind};
use domain::units::VersionIx;
use domain::Date;
use std::collections::{BTreeSet, HashMap};
use store::{Db, StoreError, Value};

const IDS_PER_QUERY: usize = 900;
const CODES_PER_QUERY: usize = 500;

/// Runs `sql` (with `{in}` standing for a list of placeholders) once per chunk of
/// `values`, after the fixed leading parameters `head`.
pub fn query_in(
    db: &mut Db,
    sql: &str,
    head: &[Value],
    values: &[Value],
    per: usize,
) -> Result<Vec<store::Row>, StoreError> {
    let mut out = Vec::new();
    for chunk in values.chunks(per) {
        let q = sql.replace("{in}", &vec!["?"; chunk.len()].join(","));
        let params: Vec<Value> = head.iter().chain(chunk).cloned().collect();
        out.extend(db.query(&q, &params)?);
    }
    Ok(out)
}

/// Rows of `sql` restricted to the scope's units: `{units}` is replaced by a filter on
/// `unit_id` (nothing at all for a national report).
pub fn query_scoped(
    db: &mut Db,
    scope: &Scope,
    sql: &str,
    head: &[Value],
    extra_ids: &[i64],
) -> Result<Vec<store::Row>, StoreError> {
    if scope.is_everything() {
        return db.query(&sql.replace("{units}", "1 = 1"), head);
    }
    let mut ids = scope.unit_ids();
    ids.extend_from_slice(extra_ids);
    ids.sort_unstable();
    ids.dedup();
    let ids: Vec<Value> = ids.into_iter().map(Value::Int).collect();
    query_in(
        db,
        &sql.replace("{units}", "unit_id IN ({in})"),
        head,
        &ids,
        IDS_PER_QUERY,
    )
}

fn ev(record: &str, unit_code: &str) -> Evidence {
    Evidence {
        record: record.to_owned(),
        source: "households",
        amount: 1,
        unit_code: unit_code.to_owned(),
    }
}

pub fn tally(
    db: &mut Db,
    scope: &Scope,
    from: Date,
    to: Date,
    t: &mut Tally,
) -> Result<(), StoreError> {
    let head = [Value::from(to)];
    let code_of = |ix: VersionIx| scope.graph.version(ix).code.clone();

    // Assignments known on `to`, placed where their chapter belongs on the structure date.
    let years = from.year()..=to.year();
    let mut assigned: HashMap<String, Vec<(i32, VersionIx)>> = HashMap::new();
    for r in query_scoped(
        db,
        scope,
        "SELECT household_code, year, unit_id FROM assignments WHERE assigned_on <= ? AND {units}",
        &head,
        &[],
    )? {
        let (year, unit_id) = (r.int(1) as i32, r.int(2));
        match scope.place(unit_id) {
            Some(node) => assigned
                .entry(r.text(0).to_owned())
                .or_default()
                .push((year, node)),
            None if years.contains(&year) => t.unmapped_records(scope, unit_id, "assignments", 1),
            None => {}
        }
    }
    for (hh, list) in &assigned {
        for &(_, node) in list.iter().filter(|(y, _)| years.contains(y)) {
            t.add_distinct(node, "hh_assisted", hh.clone(), || ev(hh, &code_of(node)));
        }
    }

    // Households of the subtree, placed by their own unit; those of a unit that reaches
    // no unit on the structure date are listed when they have an event to count.
    let mut own: HashMap<String, Result<VersionIx, i64>> = HashMap::new();
    for r in query_scoped(
        db,
        scope,
        "SELECT household_code, unit_id FROM households WHERE {units}",
        &[],
        &[],
    )? {
        let unit_id = r.int(1);
        match scope.place(unit_id) {
            Some(node) => own.insert(r.text(0).to_owned(), Ok(node)),
            None => own.insert(r.text(0).to_owned(), Err(unit_id)),
        };
    }

    let candidates: Vec<Value> = own
        .keys()
        .chain(assigned.keys())
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(Value::Text)
        .collect();
    let rows = query_in(
        db,
        "SELECT household_code, year, kind, assessed_on, status FROM assessments WHERE assessed_on <= ? AND household_code IN ({in})",
        &head,
        &candidates,
        CODES_PER_QUERY,
    )?;
    let mut by_household: HashMap<String, Vec<Assessed>> = HashMap::new();
    for r in rows {
        let (Some(kind), Some(status)) =
            (AssessmentKind::parse(r.text(2)), Class::parse(r.text(4)))
        else {
            continue;
        };
        by_household
            .entry(r.text(0).to_owned())
            .or_default()
            .push(Assessed {
                year: r.int(1) as i32,
                kind,
                assessed_on: r.date(3),
                status,
            });
    }
    for (hh, records) in by_household {
        let history = effective_history(&records, to);
        for e in events(&history)
            .into_iter()
            .filter(|e| from <= e.date && e.date <= to)
        {
            let codes = contributions::event_codes(&e);
            if e.kind == EventKind::Escaped {
                // Counted for every chapter that took the household on for that year.
                let helpers = assigned.get(&hh).into_iter().flatten();
                for &(_, node) in helpers.filter(|(y, _)| *y == e.year) {
                    for &code in codes {
                        t.add_distinct(node, code, hh.clone(), || ev(&hh, &code_of(node)));
                    }
                }
                continue;
            }
            match own.get(&hh) {
                Some(Ok(node)) => {
                    for &code in codes {
                        t.add_distinct(*node, code, hh.clone(), || ev(&hh, &code_of(*node)));
                    }
                }
                Some(Err(unit_id)) => t.unmapped_records(scope, *unit_id, "households", 1),
                None => {}
            }
        }
    }
    Ok(())
}
