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

use crate::aggregated::{no_evidence, Figures};
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

/// What [`tally`] added of a period's figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Covered {
    /// Every figure asked for.
    All,
    /// The programme ledger's figures; the households' are still to be read from the
    /// records (a month of the yearly review, with most households assessed after the
    /// period's end).
    Ledger,
    /// Nothing: the records are to be read.
    Nothing,
}

/// Adds the figures of `from..=to` to `t`, where `from..=month_end` is whole months of
/// one year and `to` lies in `month_end`'s month: every figure, or the ledger's alone
/// when more than [`crate::FEW_HOUSEHOLDS`] assessments are dated after `to` in the
/// month (a month of the yearly review, entered ahead: reading them twice would cost
/// more than their units' records; measured at scale 0.1, province 01 with every
/// household assessed later in the month: 219 ms against 40 ms), or nothing when as
/// many households have other records there.
pub(crate) fn tally(
    db: &mut Db,
    scope: &Scope,
    (from, to, month_end): (Date, Date, Date),
    with_ledger: bool,
    t: &mut Tally,
) -> Result<Covered, StoreError> {
    let later = to.add_days(1);
    let units = scope.units(&[]);
    // The households whose distinct counts and events the later days may change; the
    // assessments (the most, in a month of the yearly review) first, to give up early.
    let few = crate::FEW_HOUSEHOLDS;
    let assessed = records::households_assessed_between(db, to, month_end, few)?;
    let households_too = assessed.is_some();
    if !households_too && !with_ledger {
        return Ok(Covered::Nothing);
    }
    let mut changed: HashSet<String> = assessed.into_iter().flatten().collect();
    let later_days = Reading {
        scope,
        from: later,
        to: month_end,
        only: None,
    };
    let later_supports = if with_ledger {
        ledger::supports_of(db, later_days)?
    } else {
        Vec::new()
    };
    for s in later_supports
        .iter()
        .filter(|s| s.kind == SupportType::Livelihood)
    {
        // Its recipient is counted by her household's key (the others' supports count
        // in sums only, taken away below); the importer refuses a livelihood support to
        // no household.
        let household = s.household_code.clone().ok_or_else(|| {
            StoreError::Corrupt(format!(
                "supports: {}: livelihood, no household",
                s.record_id
            ))
        })?;
        changed.insert(household);
    }
    if households_too {
        changed.extend(records::households_assigned_between(
            db, &units, to, month_end,
        )?);
    }
    if changed.len() > few {
        return Ok(Covered::Nothing);
    }
    let (figures, covered) = match (households_too, with_ledger) {
        (true, true) => (Figures::All, Covered::All),
        (true, false) => (Figures::Households, Covered::All),
        (false, _) => (Figures::Ledger, Covered::Ledger),
    };

    aggregated::tally(db, scope, from, month_end, figures, t)?;
    let group = |node: VersionIx| scope.top_child(node).unwrap_or(node);

    // The sums of the later days, taken away.
    if with_ledger {
        let mut later_flows = Tally::new(None);
        ledger::flows_with(db, later_days, &later_supports, &mut later_flows)?;
        for (node, indicator, v) in later_flows.sums() {
            if SUMMED.contains(&indicator) {
                t.add(group(node), indicator, -v, no_evidence);
            }
        }
        t.add_unmapped(&later_flows, FLOW_SOURCES, -1);
    }
    if changed.is_empty() {
        return Ok(covered);
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
        if households_too {
            households::tally(db, reading, &mut part)?;
        }
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
    if households_too {
        t.add_unmapped(&at_month_end, HOUSEHOLD_SOURCES, -1);
        t.add_unmapped(&at_end, HOUSEHOLD_SOURCES, 1);
    }
    Ok(covered)
}
