//! The household indicators: assisted, escaped (from poor, from near-poor), fell back,
//! newly poor, each the set of households behind it.

use crate::scope::Scope;
use domain::poverty::Class;
use domain::status::{effective_history, events, Assessed, AssessmentKind, EventKind};
use domain::Date;
use std::collections::{BTreeSet, HashMap, HashSet};
use store::{Db, StoreError, Value};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct HouseholdSets {
    pub assisted: BTreeSet<String>,
    pub escaped: BTreeSet<String>,
    pub escaped_poor: BTreeSet<String>,
    pub fell_back: BTreeSet<String>,
    pub newly_poor: BTreeSet<String>,
}

const IDS_PER_QUERY: usize = 900;
const CODES_PER_QUERY: usize = 500;

/// Runs `sql` (with `{in}` standing for a list of placeholders) once per chunk of
/// `values`, after the fixed leading parameters `head`.
fn query_in(
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

pub fn compute(
    db: &mut Db,
    scope: &Scope,
    from: Date,
    to: Date,
) -> Result<HouseholdSets, StoreError> {
    let everything = scope.is_everything();
    let ids: Vec<Value> = scope.unit_ids().into_iter().map(Value::Int).collect();
    let head = [Value::from(to)];

    // Assignments to units in scope, known on `to`: which years each household was helped.
    let rows = if everything {
        db.query(
            "SELECT household_code, year FROM assignments WHERE assigned_on <= ?",
            &head,
        )?
    } else {
        query_in(
            db,
            "SELECT household_code, year FROM assignments WHERE assigned_on <= ? AND unit_id IN ({in})",
            &head,
            &ids,
            IDS_PER_QUERY,
        )?
    };
    let mut assigned: HashMap<String, HashSet<i32>> = HashMap::new();
    for r in rows {
        assigned
            .entry(r.text(0).to_owned())
            .or_default()
            .insert(r.int(1) as i32);
    }
    let mut sets = HouseholdSets::default();
    for (hh, years) in &assigned {
        if years.iter().any(|y| (from.year()..=to.year()).contains(y)) {
            sets.assisted.insert(hh.clone());
        }
    }

    // Households of the subtree (by their own unit).
    let rows = if everything {
        db.query("SELECT household_code FROM households", &[])?
    } else {
        query_in(
            db,
            "SELECT household_code FROM households WHERE unit_id IN ({in})",
            &[],
            &ids,
            IDS_PER_QUERY,
        )?
    };
    let own: HashSet<String> = rows.into_iter().map(|r| r.text(0).to_owned()).collect();

    // Their assessments known on `to`, and the events in the period.
    let mut candidates: Vec<Value> = own
        .iter()
        .chain(assigned.keys())
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(Value::Text)
        .collect();
    candidates.dedup();
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
            match e.kind {
                EventKind::Escaped if assigned.get(&hh).is_some_and(|ys| ys.contains(&e.year)) => {
                    sets.escaped.insert(hh.clone());
                    if e.escaped_from_poor() {
                        sets.escaped_poor.insert(hh.clone());
                    }
                }
                EventKind::FellBack if own.contains(&hh) => {
                    sets.fell_back.insert(hh.clone());
                }
                EventKind::NewlyPoor if own.contains(&hh) => {
                    sets.newly_poor.insert(hh.clone());
                }
                _ => {}
            }
        }
    }
    Ok(sets)
}
