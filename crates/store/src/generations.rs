//! How a figure computed earlier is known to be still true: generations, counted in the
//! database (so that every app server sees every other's writes), moved in the writer's
//! transaction.
//!
//! `meta.data_generation` moves with every write of records: a figure computed on an
//! equal count is the same figure. For the figures of one province in today's units (a
//! province's dashboard, a commune's report), that is too much: at month's end every
//! save anywhere in the nation would have every province's figures computed again. So
//! a write of records also moves the count of each province its rows land in today
//! (`data_generation:P<code>`), and everything else that changes figures (a row with
//! neither unit nor household, a period approved, units changed, a copy) moves
//! `data_generation:other`. A figure of province P in today's units is the same while
//! P's count and the other count stand; any other figure reads `data_generation`.
//!
//! A save dated today does not change last year's figures, yet the forecast of a year's
//! end and the comparisons with the years before read them on every page. So each
//! province also keeps a count per year for this year and the [`PAST_YEARS_KEPT`] before
//! it (`data_generation:P<code>:<year>`): a write moves the counts of the years from the
//! earliest its rows (new and replaced) are dated in, and of every kept year when a row
//! stands for all years (a household, a member). A figure of a period that ends in one
//! of the kept past years is the same while that year's count and the other count stand.
//!
//! The households' own figures (escaped, fell back, newly poor, assisted) come from their
//! households, assessments and assignments alone, yet a month end's saves are mostly
//! supports and activities. So each province also counts the writes of those three
//! tables (`data_generation:P<code>:households`): the households' part of a figure of
//! the province is the same while that count and the other count stand.

use crate::{Db, StoreError, Value};
use std::collections::{BTreeSet, HashSet};

/// The count of changes that are not a province's records alone.
const OTHER: &str = "data_generation:other";

fn province_key(code: &str) -> String {
    format!("data_generation:P{code}")
}

fn province_year_key(code: &str, year: i32) -> String {
    format!("data_generation:P{code}:{year}")
}

fn province_households_key(code: &str) -> String {
    format!("data_generation:P{code}:households")
}

/// The tables the households' own figures are computed from.
pub const HOUSEHOLD_TABLES: &[&str] = &["households", "assessments", "assignments"];

/// The years before this one whose figures keep counts of their own.
pub const PAST_YEARS_KEPT: i32 = 3;

/// Whether a figure of a period ending in `year` may be kept by its year's count, asked
/// on `today`: one of the kept past years. (Every write since moved the counts of this
/// year and the kept ones before it, so that a year kept now was kept by each of them.)
pub fn year_kept(year: i32, today: domain::Date) -> bool {
    (today.year() - PAST_YEARS_KEPT..today.year()).contains(&year)
}

/// Today in Vietnam (UTC+7), the day a write places its rows in the units on.
pub fn vietnam_today() -> domain::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
        + 7 * 3600;
    domain::Date::from_days(secs.div_euclid(86_400) as i32)
}

fn increment(db: &mut Db, key: &str) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, 1) \
         ON CONFLICT (key) DO UPDATE SET value = meta.value + 1",
        crate::params![key],
    )?;
    Ok(())
}

/// What a transaction's writes of records touched, for [`bump`].
#[derive(Clone, Copy)]
pub(crate) struct Touched<'a> {
    /// The unit versions of the rows written.
    pub units: &'a HashSet<i64>,
    /// The households of rows that name no unit.
    pub households: &'a HashSet<String>,
    /// A row had neither.
    pub unscoped: bool,
    /// The earliest year the rows are dated in (`i32::MIN`: every year).
    pub earliest_year: i32,
    /// A row of one of [`HOUSEHOLD_TABLES`] was written.
    pub household_tables: bool,
}

/// Moves the counts a transaction's writes of records change: the provinces that unit
/// versions `units`, the units of `households` and of the chapters that took them on
/// land in today, their counts of the kept years from `earliest_year` on, and their
/// households' counts when a row of [`HOUSEHOLD_TABLES`] was written; the other count
/// when a row had neither (`unscoped`), a unit lands in no province today, or the
/// units were changed in this transaction (the graph to place them on is not the one
/// cached).
pub(crate) fn bump(db: &mut Db, touched: Touched<'_>) -> Result<(), StoreError> {
    let Touched {
        units,
        households,
        unscoped,
        earliest_year,
        household_tables,
    } = touched;
    let graph = crate::units::cached_graph(db)?;
    let Some(graph) = graph.filter(|_| !unscoped) else {
        return increment(db, OTHER);
    };
    let mut ids: HashSet<i64> = units.clone();
    let codes: Vec<&String> = households.iter().collect();
    for chunk in codes.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let params: Vec<Value> = chunk.iter().map(|c| Value::from(c.as_str())).collect();
        // A household's figures count where it lives and, for its escapes, at every
        // chapter that took it on, which may lie in another province.
        for r in db.query(
            &format!(
                "SELECT unit_id FROM households WHERE household_code IN ({marks}) \
                 UNION SELECT unit_id FROM assignments WHERE household_code IN ({marks})"
            ),
            &[params.clone(), params].concat(),
        )? {
            ids.insert(r.get("unit_id")?);
        }
    }
    let today = vietnam_today();
    let mut provinces = BTreeSet::new();
    for id in ids {
        let province = graph
            .find_id(domain::units::VersionId(id))
            .and_then(|ix| graph.resolve(ix, today))
            .and_then(|ix| graph.ancestor_at_level(ix, today, domain::units::Level::Province))
            .map(|ix| graph.version(ix).code.clone());
        match province {
            Some(code) => {
                provinces.insert(code);
            }
            None => return increment(db, OTHER),
        }
    }
    let this_year = today.year();
    let years = earliest_year.max(this_year - PAST_YEARS_KEPT)..=this_year;
    for code in provinces {
        increment(db, &province_key(&code))?;
        for year in years.clone() {
            increment(db, &province_year_key(&code, year))?;
        }
        if household_tables {
            increment(db, &province_households_key(&code))?;
        }
    }
    Ok(())
}

/// Moves the other count: a change that is not one province's records (a period's
/// approval, units, a copy).
pub fn bump_other(db: &mut Db) -> Result<(), StoreError> {
    increment(db, OTHER)
}

/// What a figure depends on, counted now: for a figure of province `province` in
/// today's units, (its records' count, the other count), its records' count being that
/// of year `year` when given (a period that ends in a kept past year, [`year_kept`]);
/// otherwise (`None`) the count of every write, and 0.
pub fn of_scope(
    db: &mut Db,
    province: Option<&str>,
    year: Option<i32>,
) -> Result<(i64, i64), StoreError> {
    let key = |p: &str| match year {
        Some(y) => province_year_key(p, y),
        None => province_key(p),
    };
    counted(db, province.map(key))
}

/// What the households' own figures of a report depend on, counted now: for a figure of
/// province `province` in today's units, (its households' count, the other count);
/// otherwise (`None`) the count of every write, and 0.
pub fn of_households(db: &mut Db, province: Option<&str>) -> Result<(i64, i64), StoreError> {
    counted(db, province.map(province_households_key))
}

/// (the count of `key`, the other count), or (every write's count, 0) for no key.
fn counted(db: &mut Db, key: Option<String>) -> Result<(i64, i64), StoreError> {
    let read = |db: &mut Db, key: &str| -> Result<i64, StoreError> {
        Ok(db
            .query_opt("SELECT value FROM meta WHERE key = ?", crate::params![key])?
            .map(|r| r.get("value"))
            .transpose()?
            .unwrap_or(0))
    };
    Ok(match key {
        Some(key) => (read(db, &key)?, read(db, OTHER)?),
        None => (crate::aggregates::data_generation(db)?, 0),
    })
}
