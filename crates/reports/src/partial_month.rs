//! A period that stops within a month whose later days already hold records (the year
//! so far, up to today, where records are entered ahead of their dates): its figures
//! are the aggregates of whole months to the month's end, less what the records dated
//! after the period's end change in them.
//!
//! A sum loses those records' amounts. A distinct count or a status event changes only
//! for the households those records belong to: their part, counted from their records
//! as the month's end knows them, is taken back, and counted again as the period's end
//! knows them. A household with no record after the period's end counts the same in
//! both, so the result is exactly the report from the records (the test suite compares
//! them), at the cost of reading a few households instead of a province's.

use crate::aggregated::no_evidence;
use crate::scope::Scope;
use crate::tally::Tally;
use crate::{aggregated, households, ledger, Reading};
use domain::contributions::{DISTINCT, SUMMED};
use domain::units::VersionIx;
use domain::vocab::SupportType;
use domain::Date;
use std::collections::HashSet;
use store::{records, Db, StoreError};

/// Tables whose unplaced records a sum over the later days counts.
const FLOW_SOURCES: &[&str] = &["supports", "activities", "microinsurance"];
/// Tables whose unplaced records a household's figures count.
const HOUSEHOLD_SOURCES: &[&str] = &["assignments", "households"];

/// Adds the figures of `from..=to` to `t`, where `from..=month_end` is whole months of
/// one year and `to` lies in `month_end`'s month. Returns false, having added nothing,
/// when more than [`crate::FEW_HOUSEHOLDS`] households have records after `to` in the
/// month (a month of the yearly review, entered ahead): reading them twice would cost
/// more than the records of the period (measured at scale 0.1, province 01 with every
/// household assessed later in the month: 219 ms against 40 ms); the caller reads the
/// records.
pub(crate) fn tally(
    db: &mut Db,
    scope: &Scope,
    (from, to, month_end): (Date, Date, Date),
    with_ledger: bool,
    t: &mut Tally,
) -> Result<bool, StoreError> {
    let later = to.add_days(1);
    let units = scope.units(&[]);
    // The households whose distinct counts and events the later days may change; the
    // assessments (the most, in a month of the yearly review) first, to give up early.
    let few = crate::FEW_HOUSEHOLDS;
    let mut changed: HashSet<String> =
        records::households_assessed_between(db, to, month_end, few + 1)?
            .into_iter()
            .collect();
    if changed.len() > few {
        return Ok(false);
    }
    if with_ledger {
        let split = scope.split_ids();
        for s in records::dated::<records::Support>(db, &scope.units(split), later, month_end)? {
            if s.kind != SupportType::Livelihood {
                continue; // sums only: taken away below
            }
            // Its recipient is counted by her household's key; the importer refuses a
            // livelihood support to no household.
            let household = s.household_code.ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "supports: {}: livelihood, no household",
                    s.record_id
                ))
            })?;
            changed.insert(household);
        }
    }
    changed.extend(records::households_assigned_between(
        db, &units, to, month_end,
    )?);
    if changed.len() > few {
        return Ok(false);
    }

    aggregated::tally(db, scope, from, month_end, with_ledger, t)?;
    let group = |node: VersionIx| scope.top_child(node).unwrap_or(node);

    // The sums of the later days, taken away.
    if with_ledger {
        let mut later_flows = Tally::new(None);
        let reading = Reading {
            scope,
            from: later,
            to: month_end,
            only: None,
        };
        ledger::flows(db, reading, &mut later_flows)?;
        for (node, indicator, v) in later_flows.sums() {
            if SUMMED.contains(&indicator) {
                t.add(group(node), indicator, -v, no_evidence);
            }
        }
        t.add_unmapped(&later_flows, FLOW_SOURCES, -1);
    }
    if changed.is_empty() {
        return Ok(true);
    }

    // The changed households' distinct keys as the month's end knows them, taken back;
    // as the period's end knows them, counted.
    let mut of_changed = |to: Date| -> Result<Tally, StoreError> {
        let mut part = Tally::new(None);
        let reading = Reading {
            scope,
            from,
            to,
            only: Some(&changed),
        };
        households::tally(db, reading, &mut part)?;
        if with_ledger {
            ledger::supports(db, reading, &mut part)?;
        }
        Ok(part)
    };
    let (at_month_end, at_end) = (of_changed(month_end)?, of_changed(to)?);
    let taken: HashSet<(VersionIx, _, &str)> = at_month_end
        .distinct_keys()
        .filter(|(_, indicator, _)| DISTINCT.contains(indicator))
        .map(|(node, indicator, key)| (group(node), indicator, key))
        .collect();
    for (node, indicator, key) in taken {
        t.take_back_distinct(node, indicator, key);
    }
    for (node, indicator, key) in at_end.distinct_keys() {
        if DISTINCT.contains(&indicator) {
            t.add_distinct(group(node), indicator, key.to_owned(), no_evidence);
        }
    }
    t.add_unmapped(&at_month_end, HOUSEHOLD_SOURCES, -1);
    t.add_unmapped(&at_end, HOUSEHOLD_SOURCES, 1);
    Ok(true)
}
