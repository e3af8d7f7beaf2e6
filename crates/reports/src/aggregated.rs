//! The flows and household figures of a period of whole months within one year, read
//! from the monthly aggregates (`store::aggregates`) instead of the records: a national
//! report reads one row per unit and month, whatever the number of records.

use crate::scope::Scope;
use crate::tally::{Evidence, Tally};
use domain::breakdown::{Dimension, Group, Profile};
use domain::contributions::{self as contrib, Month};
use domain::indicators::Indicator;
use domain::units::VersionIx;
use domain::Date;
use std::collections::HashMap;
use store::records::CellTable as Table;
use store::{Db, StoreError, Value};

pub(crate) fn no_evidence() -> Evidence {
    unreachable!("a report from aggregates keeps no records; drill-downs read the records")
}

/// Which of a report's figures to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figures {
    All,
    /// The households' figures (`hh_*`) and their unplaced records.
    Households,
    /// The programme ledger's: supports, activities, micro-insurance.
    Ledger,
}

impl Figures {
    /// Whether aggregate column `code` holds one of these figures.
    fn hold(self, code: &str) -> bool {
        let of_households =
            code.starts_with("hh_") || code == "n_assignments" || code == "n_households";
        match self {
            Figures::All => true,
            Figures::Households => of_households,
            Figures::Ledger => !of_households,
        }
    }
}

/// Adds the aggregated `figures` of `from..=to` (whole months of one year) to `t`.
pub fn tally(
    db: &mut Db,
    scope: &Scope,
    from: Date,
    to: Date,
    figures: Figures,
    t: &mut Tally,
) -> Result<(), StoreError> {
    let mut one = HashMap::from([((), std::mem::take(t))]);
    let read = Read {
        table: Table::Cells,
        figures,
    };
    tally_keyed(db, scope, (from, to), read, |_| Some(()), &mut one)?;
    *t = one.remove(&()).unwrap_or_default();
    Ok(())
}

/// The households' figures of `from..=to` (whole months of one year) split by
/// `dimension`: one tally per group that has any (`report_slices`).
pub fn tally_groups(
    db: &mut Db,
    scope: &Scope,
    from: Date,
    to: Date,
    dimension: Dimension,
) -> Result<HashMap<Group, Tally>, StoreError> {
    let mut groups = HashMap::new();
    let read = Read {
        table: Table::Slices,
        figures: Figures::All,
    };
    let group_of = |slice: i64| Profile::unpack(slice).map(|p| p.group(dimension));
    tally_keyed(db, scope, (from, to), read, group_of, &mut groups)?;
    Ok(groups)
}

#[derive(Clone, Copy)]
struct Read {
    table: Table,
    figures: Figures,
}

/// Adds the cells of the period to the tally of the key each cell's profile has
/// (`key_of`; every cell of `report_cells` has profile 0).
fn tally_keyed<K: std::hash::Hash + Eq + Copy>(
    db: &mut Db,
    scope: &Scope,
    (from, to): (Date, Date),
    read: Read,
    key_of: impl Fn(i64) -> Option<K>,
    tallies: &mut HashMap<K, Tally>,
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
    let wanted = |code: &str| read.figures.hold(code);

    // A report adds figures up for the root, for each of its children and for the root
    // itself, nothing finer: cells are summed straight into the child of the root they
    // fall under (a national report reads a row per unit version, tens of thousands).
    let group = |node: VersionIx| scope.top_child(node).unwrap_or(node);
    let mut placed: HashMap<(K, VersionIx), Vec<i64>> = HashMap::new();
    let mut unmapped: HashMap<(K, i64), Vec<i64>> = HashMap::new();
    let mut last_unit = None;
    let units = scope.units(split);
    let mut visit = |cell: store::records::CellRef<'_>| {
        let Some(key) = key_of(cell.slice) else {
            return Err(StoreError::Corrupt(format!(
                "report_slices: profile {}",
                cell.slice
            )));
        };
        let id = placing(cell.unit_id, cell.follow_id);
        // Rows of one unit mostly come together (the table's order): its place is
        // looked up once for each run of them.
        let at = match last_unit {
            Some((u, at)) if u == id => at,
            _ => {
                let at = scope.place(id).map(group);
                last_unit = Some((id, at));
                at
            }
        };
        let fresh = || vec![0; columns.len()];
        let sums = match at {
            Some(node) => placed.entry((key, node)).or_insert_with(fresh),
            None => unmapped.entry((key, id)).or_insert_with(fresh),
        };
        store::aggregates::add_figures(cell.figures, sums)
    };
    let rollups = match (read.table, scope.rollups()) {
        (Table::Cells, Some(tops)) if store::aggregates::rollups::in_step(db)? => Some(tops),
        _ => None,
    };
    match rollups {
        // The whole tree: a row per province and month, and the cells left out of
        // them (of units whose records land nowhere) one by one.
        Some(tops) => {
            let all = store::records::Units::All;
            store::records::each_cell(db, Table::Rollups, &all, (&filter, &window), &mut visit)?;
            let left_out = store::records::Units::Ids(tops.left_out_units().to_vec());
            store::records::each_cell(db, Table::Cells, &left_out, (&filter, &window), |c| {
                match tops.top_of(c.unit_id, c.follow_id) {
                    Some(_) => Ok(()),
                    None => visit(c),
                }
            })?;
        }
        None => store::records::each_cell(db, read.table, &units, (&filter, &window), visit)?,
    }
    let counted = |code: &str| contrib::RECORD_COUNTS.iter().find(|(c, _)| *c == code);
    for ((key, node), figures) in placed {
        let t = tallies.entry(key).or_default();
        for (&code, &v) in columns.iter().zip(&figures) {
            if let (true, Some(indicator)) = (v != 0 && wanted(code), Indicator::parse(code)) {
                t.add(node, indicator, v, no_evidence);
            }
        }
    }
    for ((key, id), figures) in unmapped {
        let t = tallies.entry(key).or_default();
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
        let Some(key) = key_of(r.slice) else {
            return Err(StoreError::Corrupt(format!(
                "report_shared: profile {}",
                r.slice
            )));
        };
        if let Some(node) = scope.place(placing(r.unit_id, r.follow_id)) {
            tallies
                .entry(key)
                .or_default()
                .add_distinct(group(node), code, r.item, no_evidence);
        }
    }
    Ok(())
}
