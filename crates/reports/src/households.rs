//! The household indicators: assisted, escaped (from poor, from near-poor), fell back,
//! newly poor, each counting distinct households.

use crate::tally::{Evidence, Tally};
use crate::Reading;
use domain::contributions;
use domain::indicators::Indicator as I;
use domain::status::{effective_history, events, EventKind};
use domain::units::VersionIx;
use std::collections::{BTreeSet, HashMap};
use store::{Db, StoreError};

fn ev(record: &str, unit_code: &str) -> Evidence {
    Evidence {
        record: record.to_owned(),
        source: "households",
        amount: 1,
        unit_code: unit_code.to_owned(),
    }
}

pub fn tally(db: &mut Db, r: Reading<'_>, t: &mut Tally) -> Result<(), StoreError> {
    let Reading {
        scope,
        from,
        to,
        only,
    } = r;
    let counted = |hh: &str| only.is_none_or(|set| set.contains(hh));
    let code_of = |ix: VersionIx| scope.graph.version(ix).code.clone();
    let units = scope.units(&[]);

    // Assignments known on `to`, placed where their chapter belongs on the structure date.
    let years = from.year()..=to.year();
    let mut assigned: HashMap<String, Vec<(i32, VersionIx)>> = HashMap::new();
    // A few households are read by their codes, the rest by their units.
    let few: Option<Vec<String>> = only
        .filter(|set| set.len() <= crate::FEW_HOUSEHOLDS)
        .map(|set| set.iter().cloned().collect());
    let rows = match &few {
        Some(codes) => store::records::assignments_of_households(db, codes, to)?,
        None => store::records::assignments(db, &units, Some(to))?,
    };
    for a in rows {
        if !counted(&a.household_code) || !crate::holds(&units, a.unit_id) {
            continue;
        }
        match scope.place(a.unit_id) {
            Some(node) => assigned
                .entry(a.household_code)
                .or_default()
                .push((a.year, node)),
            None if years.contains(&a.year) => {
                t.unmapped_records(scope, a.unit_id, "assignments", 1);
            }
            None => {}
        }
    }
    for (hh, list) in &assigned {
        for &(_, node) in list.iter().filter(|(y, _)| years.contains(y)) {
            t.add_distinct(node, I::HhAssisted, hh.clone(), || ev(hh, &code_of(node)));
        }
    }

    // Households of the subtree, placed by their own unit; those of a unit that reaches
    // no unit on the structure date are listed when they have an event to count.
    let mut own: HashMap<String, Result<VersionIx, i64>> = HashMap::new();
    let rows = match &few {
        Some(codes) => store::records::household_units(db, codes)?
            .into_iter()
            .collect(),
        None => store::records::households_of(db, &units)?,
    };
    for (code, unit_id) in rows {
        if !counted(&code) || !crate::holds(&units, unit_id) {
            continue;
        }
        own.insert(code, scope.place(unit_id).ok_or(unit_id));
    }

    let candidates: Vec<String> = own
        .keys()
        .chain(assigned.keys())
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let by_household = store::records::assessments_by(db, &candidates, to)?;
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
