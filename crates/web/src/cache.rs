//! Figures computed while the data stood still: every officer of a province opens the
//! same dashboard and the same report all day. Each entry is kept with the data and
//! unit generations it was computed on (`store::generations`, `store::units::generation`);
//! every committed write moves them in its own transaction, so a stale figure is never
//! shown, whichever app server made the write. A figure of one province in today's
//! units is kept while that province's records and everything not a province's records
//! stand: a save in one province leaves the others' figures as they were; a figure of a
//! period that ended in one of the years before this one, while that year's records of
//! the province stand (a save dated today leaves last year's report as it was).

use std::collections::HashMap;
use std::hash::Hash;

/// The generations a value was computed on: the scope of its records' count (a province
/// in today's units, or everything; one year of the province's records, or all), that
/// count, the rest's, the units'.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generations {
    province: Option<String>,
    year: Option<i32>,
    /// The count of the households' own records alone (`of_households`).
    households: bool,
    records: i64,
    other: i64,
    units: i64,
}

/// The generations now of a figure of `province` in today's units (of its records of
/// `year` alone, when given), or (`None`) of any other figure.
fn generations(
    db: &mut store::Db,
    province: Option<&str>,
    year: Option<i32>,
) -> Result<Generations, store::StoreError> {
    let year = year.filter(|_| province.is_some());
    let (records, other) = store::generations::of_scope(db, province, year)?;
    Ok(Generations {
        province: province.map(str::to_owned),
        year,
        households: false,
        records,
        other,
        units: store::units::generation(db)?,
    })
}

/// The generations now of a figure of unit `unit` in the tree of `structure`: kept
/// while its province's records stand when that tree is today's, else while nothing
/// stands changed.
pub fn generations_in(
    db: &mut store::Db,
    acc: &store::access::Access,
    unit: &str,
    structure: domain::Date,
) -> Result<Generations, store::StoreError> {
    of_unit(db, acc, unit, structure, None)
}

/// The generations now of a report of unit `unit` in the tree of `structure` for a
/// period that ends on `to`: as [`generations_in`], kept by the count of `to`'s year
/// alone when that is one of the past years kept (`store::generations::year_kept`). A
/// report counts no record dated after its period, whatever the figure (a check in the
/// tests writes such records and compares).
pub fn generations_of_period(
    db: &mut store::Db,
    acc: &store::access::Access,
    unit: &str,
    structure: domain::Date,
    to: domain::Date,
) -> Result<Generations, store::StoreError> {
    let year = store::generations::year_kept(to.year(), crate::today()).then_some(to.year());
    of_unit(db, acc, unit, structure, year)
}

/// The generations now of a figure of unit `unit` in the tree of `structure`: its
/// province's count (of `year` alone, when given) when that tree is today's.
fn of_unit(
    db: &mut store::Db,
    acc: &store::access::Access,
    unit: &str,
    structure: domain::Date,
    year: Option<i32>,
) -> Result<Generations, store::StoreError> {
    generations(db, province_of(acc, unit, structure).as_deref(), year)
}

/// The province whose counts a figure of unit `unit` in the tree of `structure` is kept
/// by: its province today, when that tree is today's; else none (every write's count).
fn province_of(acc: &store::access::Access, unit: &str, structure: domain::Date) -> Option<String> {
    (structure == crate::today())
        .then(|| province_today(acc, unit))
        .flatten()
}

/// The generations now of the households' own figures of unit `unit` in the tree of
/// `structure` (`reports::KeepsHouseholdFigures`): as [`generations_in`], counting the
/// writes of the households' records alone.
pub fn households_generations_in(
    db: &mut store::Db,
    acc: &store::access::Access,
    unit: &str,
    structure: domain::Date,
) -> Result<Generations, store::StoreError> {
    let province = province_of(acc, unit, structure);
    let (records, other) = store::generations::of_households(db, province.as_deref())?;
    Ok(Generations {
        province,
        year: None,
        households: true,
        records,
        other,
        units: store::units::generation(db)?,
    })
}

/// The households' own figures of reports, kept in `cache` while their records stand
/// (a report page after a save of a support computes its ledger's figures alone).
pub struct HouseholdFigures<'a> {
    pub cache: &'a GenerationCache<reports::Request, std::sync::Arc<reports::tally::Tally>>,
    /// Whose reports: the unit of each was checked against her rights before.
    pub acc: &'a store::access::Access,
}

impl reports::KeepsHouseholdFigures for HouseholdFigures<'_> {
    fn households(
        &self,
        db: &mut store::Db,
        req: &reports::Request,
        compute: &mut dyn FnMut(&mut store::Db) -> Result<reports::tally::Tally, store::StoreError>,
    ) -> Result<std::sync::Arc<reports::tally::Tally>, store::StoreError> {
        let structure = req.structure_date.unwrap_or(req.to);
        let now = households_generations_in(db, self.acc, &req.unit, structure)?;
        self.cache
            .get_or_compute(req, now, || compute(db).map(std::sync::Arc::new))
    }
}

/// Whether a value computed on the generations `computed_on` is as fresh as one
/// asked on `asked`: counts of the same scope, and every count only grows, so a value
/// computed since (by a request that started later and finished first) stands too. A
/// count of another scope says nothing (a figure whose structure date became today
/// moves from the nation's count to its province's).
fn fresh_for(computed_on: &Generations, asked: &Generations) -> bool {
    computed_on.province == asked.province
        && computed_on.year == asked.year
        && computed_on.households == asked.households
        && computed_on.records >= asked.records
        && computed_on.other >= asked.other
        && computed_on.units >= asked.units
}

/// The province of unit `code` in today's units (`None` for the nation, or a unit that
/// does not exist today): the scope of its figures in today's units.
pub fn province_today(acc: &store::access::Access, code: &str) -> Option<String> {
    let today = crate::today();
    let ix = acc.graph.version_on(code, today)?;
    let p = acc
        .graph
        .ancestor_at_level(ix, today, domain::units::Level::Province)?;
    Some(acc.graph.version(p).code.clone())
}

/// Entries kept at most; past it the cache starts again.
const ENTRIES: usize = 512;

/// One key's value and the generations it was computed on. Its own lock: while one
/// request computes a figure, the others asking for the same one wait for it instead of
/// computing it again side by side (after every write, fifty officers would otherwise
/// each recompute the province's report).
type Slot<V> = std::sync::Arc<std::sync::Mutex<Option<(Generations, V)>>>;

pub struct GenerationCache<K, V>(std::sync::Mutex<HashMap<K, Slot<V>>>);

impl<K, V> Default for GenerationCache<K, V> {
    fn default() -> Self {
        GenerationCache(std::sync::Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash + Clone, V: Clone> GenerationCache<K, V> {
    /// The value of `key` as computed on the generations `now`: kept, or computed once
    /// by `compute` (a request that finds another computing it waits for its result).
    pub fn get_or_compute<E>(
        &self,
        key: &K,
        now: Generations,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        let slot = {
            let mut map = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if map.len() >= ENTRIES && !map.contains_key(key) {
                map.clear();
            }
            map.entry(key.clone()).or_default().clone()
        };
        let mut kept = slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((computed_on, v)) = kept.as_ref() {
            if fresh_for(computed_on, &now) {
                return Ok(v.clone());
            }
        }
        let v = compute()?;
        *kept = Some((now, v.clone()));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(province: Option<&str>, records: i64) -> Generations {
        Generations {
            province: province.map(str::to_owned),
            year: None,
            households: false,
            records,
            other: 1,
            units: 1,
        }
    }

    /// The value and whether it was computed by this ask.
    fn ask(cache: &GenerationCache<u8, i64>, now: Generations, value: i64) -> (i64, bool) {
        let mut computed = false;
        let v = cache
            .get_or_compute(&0, now, || -> Result<i64, ()> {
                computed = true;
                Ok(value)
            })
            .unwrap();
        (v, computed)
    }

    #[test]
    fn a_value_serves_asks_of_its_scope_up_to_its_counts() {
        let cache = GenerationCache::default();
        assert_eq!(ask(&cache, counts(Some("01"), 5), 10), (10, true));
        assert_eq!(ask(&cache, counts(Some("01"), 5), 11), (10, false));
        // Asked on older counts (a request that read them before the value was made).
        assert_eq!(ask(&cache, counts(Some("01"), 4), 12), (10, false));
        assert_eq!(ask(&cache, counts(Some("01"), 6), 13), (13, true));
        // The nation's count is of another scope, whatever its size.
        assert_eq!(ask(&cache, counts(None, 1_000), 14), (14, true));
        assert_eq!(ask(&cache, counts(Some("01"), 7), 15), (15, true));
        // One year's count is of another scope than the province's.
        let last_year = Generations {
            year: Some(2025),
            ..counts(Some("01"), 100)
        };
        assert_eq!(ask(&cache, last_year.clone(), 16), (16, true));
        assert_eq!(ask(&cache, last_year, 17), (16, false));
        // So is the count of the households' records alone, whatever its size.
        let households = Generations {
            households: true,
            ..counts(Some("01"), 1_000)
        };
        assert_eq!(ask(&cache, households.clone(), 18), (18, true));
        assert_eq!(ask(&cache, households, 19), (18, false));
        assert_eq!(ask(&cache, counts(Some("01"), 1_000), 20), (20, true));
    }
}
