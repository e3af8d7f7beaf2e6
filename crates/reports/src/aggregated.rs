//! The flows and household figures of a period of whole months within one year, read
//! from the monthly aggregates (`store::aggregates`) instead of the records: a national
//! report reads one row per unit and month, whatever the number of records.

use crate::households::query_scoped;
use crate::scope::Scope;
use crate::tally::{Evidence, Tally};
use domain::contributions::{self as contrib, Month};
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
    let window = [
        Value::from(contrib::year_bucket(from.year())),
        Value::from(first),
        Value::from(last),
        Value::from(last),
        Value::from(last),
    ];
    let filter =
        "(month = ? OR (month >= ? AND month <= ?)) AND known_from <= ? AND known_until > ?";
    let columns: Vec<&'static str> = contrib::columns().collect();
    let mut split = scope.split_ids();
    split.sort_unstable();
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

    // Cells are summed per place first (a national report reads a row per unit version
    // and month), then handed to the tally once per place.
    let mut placed: HashMap<Result<VersionIx, i64>, Vec<i64>> = HashMap::new();
    for r in query_scoped(
        db,
        scope,
        &format!(
            "SELECT unit_id, follow_id, figures FROM report_cells WHERE {filter} AND {{units}}"
        ),
        &window,
        &split,
    )? {
        let id = placing(r.int(0), r.int(1));
        let at = scope.place(id).ok_or(id);
        let figures = placed.entry(at).or_insert_with(|| vec![0; columns.len()]);
        store::aggregates::add_figures(r.text(2), figures)?;
    }
    for (at, figures) in placed {
        for (&code, &v) in columns.iter().zip(&figures) {
            if v == 0 || !wanted(code) {
                continue;
            }
            let counts = contrib::RECORD_COUNTS.iter().find(|(c, _)| *c == code);
            match (at, counts) {
                (Err(id), Some(&(_, source))) => t.unmapped_records(scope, id, source, v),
                (Ok(node), None) => t.add(node, code, v, no_evidence),
                _ => {}
            }
        }
    }

    for r in query_scoped(
        db,
        scope,
        &format!("SELECT indicator, item, unit_id, follow_id FROM report_shared WHERE {filter} AND {{units}}"),
        &window,
        &split,
    )? {
        let Some(code) = contrib::DISTINCT.iter().copied().find(|c| *c == r.text(0)) else {
            continue;
        };
        if !wanted(code) {
            continue;
        }
        if let Some(node) = scope.place(placing(r.int(2), r.int(3))) {
            t.add_distinct(node, code, r.text(1).to_owned(), no_evidence);
        }
    }
    Ok(())
}
