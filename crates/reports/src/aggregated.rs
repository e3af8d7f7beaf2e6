//! The flows and household figures of a period of whole months within one year, read
//! from the monthly aggregates (`store::aggregates`) instead of the records: a national
//! report reads one row per unit and month, whatever the number of records.

use crate::scope::Scope;
use crate::tally::{Evidence, Tally};
use domain::contributions::{self as contrib, Month};
use domain::indicators::Indicator;
use domain::units::VersionIx;
use domain::Date;
use std::collections::HashMap;
use store::{Db, StoreError, Value};

fn no_evidence() -> Evidence {
    unreachable!("a report from aggregates keeps no records; drill-downs read the records")
}

/// Adds the aggregated figures of `from..=to` (whole months of one year) to `t`;
/// `with_ledger` false keeps the household figures only.
pub fn tally(
    db: &mut Db,
    scope: &Scope,
    from: Date,
    to: Date,
    with_ledger: bool,
    t: &mut Tally,
) -> Result<(), StoreError> {
    debug_assert!(contrib::whole_months_of_one_year(from, to));
    let (first, last): (Month, Month) = (contrib::month_of(from), contrib::month_of(to));
    // A calendar year reads its totals; other periods the year bucket and their months,
    // each month named: the cells are keyed by month then unit, and a range of months
    // would be read whole for every unit (80 ms for one commune's half-year on
    // PostgreSQL at scale 0.1) where named months are a lookup per month and unit.
    let months: Vec<Month> = if contrib::whole_year(from, to) {
        vec![contrib::year_total(from.year())]
    } else {
        std::iter::once(contrib::year_bucket(from.year()))
            .chain(first..=last)
            .collect()
    };
    let filter = format!(
        "month IN ({}) AND known_from <= ? AND known_until > ?",
        vec!["?"; months.len()].join(",")
    );
    let window: Vec<Value> = months
        .iter()
        .map(|&m| Value::from(m))
        .chain([Value::from(last), Value::from(last)])
        .collect();
    let columns: Vec<&'static str> = contrib::columns().collect();
    let split = scope.split_ids(); // sorted
    let is_split = |id: i64| split.binary_search(&id).is_ok();
    // Where a cell's figures belong: its unit, or the household's when the unit was split.
    let placing = |unit_id: i64, follow_id: i64| {
        if follow_id != 0 && is_split(unit_id) {
            follow_id
        } else {
            unit_id
        }
    };
    let wanted = |code: &str| {
        with_ledger || code.starts_with("hh_") || code == "n_assignments" || code == "n_households"
    };

    // A report adds figures up for the root, for each of its children and for the root
    // itself, nothing finer: cells are summed straight into the child of the root they
    // fall under (a national report reads a row per unit version, tens of thousands).
    let group = |node: VersionIx| scope.top_child(node).unwrap_or(node);
    let mut placed: HashMap<VersionIx, Vec<i64>> = HashMap::new();
    let mut unmapped: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut last_unit = None;
    let units = scope.units(split);
    for r in store::records::report_cells(db, &units, &filter, &window)? {
        let id = placing(r.unit_id, r.follow_id);
        // Rows come by unit: its place is looked up once per unit.
        let at = match last_unit {
            Some((u, at)) if u == id => at,
            _ => {
                let at = scope.place(id).map(group);
                last_unit = Some((id, at));
                at
            }
        };
        let fresh = || vec![0; columns.len()];
        let figures = match at {
            Some(node) => placed.entry(node).or_insert_with(fresh),
            None => unmapped.entry(id).or_insert_with(fresh),
        };
        store::aggregates::add_figures(&r.figures, figures)?;
    }
    let counted = |code: &str| contrib::RECORD_COUNTS.iter().find(|(c, _)| *c == code);
    for (node, figures) in placed {
        for (&code, &v) in columns.iter().zip(&figures) {
            if let (true, Some(indicator)) = (v != 0 && wanted(code), Indicator::parse(code)) {
                t.add(node, indicator, v, no_evidence);
            }
        }
    }
    for (id, figures) in unmapped {
        for (&code, &v) in columns.iter().zip(&figures) {
            if let (true, Some(&(_, source))) = (v != 0 && wanted(code), counted(code)) {
                t.unmapped_records(scope, id, source, v);
            }
        }
    }

    for r in store::records::report_shared(db, &units, &filter, &window)? {
        let Some(code) = contrib::DISTINCT
            .iter()
            .copied()
            .find(|c| c.code() == r.indicator)
        else {
            continue;
        };
        if !wanted(code.code()) {
            continue;
        }
        if let Some(node) = scope.place(placing(r.unit_id, r.follow_id)) {
            t.add_distinct(group(node), code, r.item, no_evidence);
        }
    }
    Ok(())
}
