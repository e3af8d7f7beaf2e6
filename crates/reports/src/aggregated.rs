//! The flows and household figures of a period of whole months within one year, read
//! from the monthly aggregates (`store::aggregates`) instead of the records: a national
//! report reads one row per unit and month, whatever the number of records.

use crate::households::query_scoped;
use crate::scope::Scope;
use crate::tally::{Evidence, Tally};
use domain::contributions::{self as contrib, Month};
use domain::Date;
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
    let sums = columns
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect::<Vec<_>>()
        .join(", ");
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

    for r in query_scoped(
        db,
        scope,
        &format!("SELECT unit_id, follow_id, {sums} FROM report_cells WHERE {filter} AND {{units}} GROUP BY unit_id, follow_id"),
        &window,
        &split,
    )? {
        let id = placing(r.int(0), r.int(1));
        let node = scope.place(id);
        for (i, &code) in columns.iter().enumerate() {
            let v = r.opt_int(2 + i).unwrap_or(0);
            if v == 0 || !wanted(code) {
                continue;
            }
            if let Some(&(_, source)) = contrib::RECORD_COUNTS.iter().find(|(c, _)| *c == code) {
                if node.is_none() {
                    t.unmapped_records(scope, id, source, v);
                }
                continue;
            }
            if let Some(node) = node {
                t.add(node, code, v, no_evidence);
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
