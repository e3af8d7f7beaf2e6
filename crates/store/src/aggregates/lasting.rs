//! What the follow-up of escapes (`reports::lasting`) reads of a household, kept on
//! write: for each household that was ever poor or near-poor in an assessment, or was
//! ever taken on, its assessments (with income, the number of deprivations and the
//! standard), its assignments and the supports that name it, packed in one row of
//! `household_lasting`. The row is rewritten with the household's aggregates whenever any
//! of its records changes, in the writer's transaction, so the report reads one row per
//! household that matters instead of every assessment and support of the country. The
//! report filters the packed records by what was known on its as-of date, as it would
//! the records themselves.

use crate::records::{query_in, query_units, Units, CODES_PER_QUERY};
use crate::{Db, StoreError, Value};
use domain::poverty::Class;
use domain::status::{Assessed, AssessmentKind};
use domain::vocab::Area;
use domain::Date;

/// An assessment as the follow-up reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct AssessmentFacts {
    pub assessed: Assessed,
    pub income: Option<i64>,
    /// How many deprivations it records.
    pub deprivations: usize,
    pub standard_code: Option<String>,
}

/// A household as the follow-up reads it.
#[derive(Clone, Debug, Default)]
pub struct HouseholdFacts {
    pub household_code: String,
    /// Its own unit version.
    pub unit_id: i64,
    pub area: Option<Area>,
    pub assessments: Vec<AssessmentFacts>,
    /// (year, assigned_on, unit_id)
    pub assignments: Vec<(i32, Date, i64)>,
    /// (year, unit_id, value_vnd): the supports that name it, summed per year and giving
    /// unit (what a cohort's spend adds up).
    pub support_sums: Vec<(i32, i64, i64)>,
    /// The supports themselves (`s|date|value|unit_id` lines) from byte `supports_from`
    /// on (a kept row is read whole and its supports left in place), read by
    /// [`HouseholdFacts::supports`] only where a report needs their days: most households
    /// are read for their history alone.
    supports_packed: String,
    supports_from: usize,
}

/// The same facts, however their supports' lines are held.
impl PartialEq for HouseholdFacts {
    fn eq(&self, other: &Self) -> bool {
        self.household_code == other.household_code
            && self.unit_id == other.unit_id
            && self.area == other.area
            && self.assessments == other.assessments
            && self.assignments == other.assignments
            && self.support_sums == other.support_sums
            && self.supports_lines() == other.supports_lines()
    }
}

/// How many deprivations an assessment's list records (`;`-separated codes).
pub(super) fn deprivation_count(list: Option<&str>) -> usize {
    list.unwrap_or_default()
        .split(';')
        .filter(|c| !c.trim().is_empty())
        .count()
}

impl HouseholdFacts {
    /// A household's facts from its records, in the order the kept row keeps them.
    pub(super) fn new<'a>(
        code: &str,
        unit_id: i64,
        area: Option<Area>,
        assessments: impl Iterator<Item = (&'a Assessed, &'a (Option<i64>, usize, Option<String>))>,
        assignments: &[(i32, Date, i64)],
        supports: impl Iterator<Item = (Date, i64, i64)>,
    ) -> HouseholdFacts {
        let mut h = HouseholdFacts {
            household_code: code.to_owned(),
            unit_id,
            area,
            assessments: assessments
                .map(|(a, (income, deprivations, standard))| AssessmentFacts {
                    assessed: a.clone(),
                    income: *income,
                    deprivations: *deprivations,
                    standard_code: standard.clone(),
                })
                .collect(),
            assignments: assignments.to_vec(),
            ..HouseholdFacts::default()
        };
        h.assessments.sort_by(|a, b| {
            (
                a.assessed.assessed_on,
                a.assessed.year,
                a.assessed.kind.as_str(),
            )
                .cmp(&(
                    b.assessed.assessed_on,
                    b.assessed.year,
                    b.assessed.kind.as_str(),
                ))
        });
        h.assignments.sort_unstable();
        let mut supports: Vec<(Date, i64, i64)> = supports.collect();
        supports.sort_unstable();
        let mut sums: std::collections::BTreeMap<(i32, i64), i64> =
            std::collections::BTreeMap::new();
        for (on, value, unit) in &supports {
            use std::fmt::Write;
            *sums.entry((on.year(), *unit)).or_default() += value;
            let _ = writeln!(h.supports_packed, "s|{}|{value}|{unit}", on.days());
        }
        h.support_sums = sums.into_iter().map(|((y, u), v)| (y, u, v)).collect();
        h
    }

    /// The supports that name it: (date, value_vnd, unit_id), by date.
    pub fn supports(&self) -> Result<Vec<(Date, i64, i64)>, StoreError> {
        let bad = || {
            StoreError::Corrupt(format!(
                "household_lasting {}: supports",
                self.household_code
            ))
        };
        let mut out = Vec::new();
        for line in self.supports_lines().lines() {
            let mut f = line.split('|').skip(1).map(|v| v.parse::<i64>().ok());
            match (f.next().flatten(), f.next().flatten(), f.next().flatten()) {
                (Some(day), Some(value), Some(unit)) => {
                    out.push((
                        Date::from_days(i32::try_from(day).map_err(|_| bad())?),
                        value,
                        unit,
                    ));
                }
                _ => return Err(bad()),
            }
        }
        Ok(out)
    }

    /// Whether the follow-up may ever judge it: poor or near-poor once, or taken on.
    fn matters(&self) -> bool {
        !self.assignments.is_empty()
            || self
                .assessments
                .iter()
                .any(|a| a.assessed.status.is_poor_or_near())
    }

    /// One line per record, dates as day numbers (`Date::days`): `h|area`,
    /// `a|year|kind|assessed_on|status|income|deprivations|standard`,
    /// `g|year|assigned_on|unit_id`, `y|year|unit_id|value` (supports summed), then
    /// `s|date|value|unit_id`.
    fn pack(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        if let Some(area) = self.area {
            let _ = writeln!(out, "h|{}", area.as_str());
        }
        for a in &self.assessments {
            let _ = writeln!(
                out,
                "a|{}|{}|{}|{}|{}|{}|{}",
                a.assessed.year,
                a.assessed.kind.as_str(),
                a.assessed.assessed_on.days(),
                a.assessed.status.as_str(),
                a.income.map(|i| i.to_string()).unwrap_or_default(),
                a.deprivations,
                a.standard_code.as_deref().unwrap_or_default()
            );
        }
        for (year, on, unit) in &self.assignments {
            let _ = writeln!(out, "g|{year}|{}|{unit}", on.days());
        }
        for (year, unit, value) in &self.support_sums {
            let _ = writeln!(out, "y|{year}|{unit}|{value}");
        }
        // The supports last: a reader stops before them.
        out.push_str(self.supports_lines());
        out
    }

    fn supports_lines(&self) -> &str {
        &self.supports_packed[self.supports_from..]
    }

    /// The household of a kept row. The report reads tens of thousands of these, so the
    /// fields are taken in place, without a list per line.
    fn unpack(household_code: String, unit_id: i64, packed: String) -> Result<Self, StoreError> {
        let bad = || StoreError::Corrupt(format!("household_lasting {household_code}: {packed:?}"));
        let mut h = HouseholdFacts {
            unit_id,
            ..HouseholdFacts::default()
        };
        let int = |s: Option<&str>| s.and_then(|s| s.parse::<i64>().ok()).ok_or_else(bad);
        let day = |s: Option<&str>| {
            s.and_then(|s| s.parse::<i32>().ok())
                .map(Date::from_days)
                .ok_or_else(bad)
        };
        // The supports' lines are kept as they are, read when asked for.
        let tail = if packed.starts_with("s|") {
            0
        } else {
            packed.find("\ns|").map_or(packed.len(), |i| i + 1)
        };
        for line in packed[..tail].lines() {
            let mut f = line.split('|');
            match f.next() {
                Some("a") => {
                    let year = int(f.next())? as i32;
                    let kind = f.next().and_then(AssessmentKind::parse).ok_or_else(bad)?;
                    let assessed_on = day(f.next())?;
                    let status = f.next().and_then(Class::parse).ok_or_else(bad)?;
                    let income = match f.next() {
                        Some("") => None,
                        other => Some(int(other)?),
                    };
                    let deprivations = int(f.next())? as usize;
                    let standard_code = f.next().filter(|s| !s.is_empty()).map(str::to_owned);
                    h.assessments.push(AssessmentFacts {
                        assessed: Assessed {
                            year,
                            kind,
                            assessed_on,
                            status,
                        },
                        income,
                        deprivations,
                        standard_code,
                    });
                }
                Some("g") => {
                    let year = int(f.next())? as i32;
                    h.assignments.push((year, day(f.next())?, int(f.next())?));
                }
                Some("y") => {
                    let year = int(f.next())? as i32;
                    h.support_sums.push((year, int(f.next())?, int(f.next())?));
                }
                Some("h") => h.area = Some(f.next().and_then(Area::parse).ok_or_else(bad)?),
                _ => return Err(bad()),
            }
        }
        h.household_code = household_code;
        h.supports_packed = packed;
        h.supports_from = tail;
        Ok(h)
    }
}

/// Reads the households `codes` as the follow-up reads them, straight from their
/// records: what the kept rows must equal (see [`stale`]).
fn from_records(db: &mut Db, codes: &[String]) -> Result<Vec<HouseholdFacts>, StoreError> {
    type Detail = (Option<i64>, usize, Option<String>);
    #[derive(Default)]
    struct Read {
        unit_id: Option<i64>,
        area: Option<Area>,
        assessments: Vec<(Assessed, Detail)>,
        assignments: Vec<(i32, Date, i64)>,
        supports: Vec<(Date, i64, i64)>,
    }
    let params: Vec<Value> = codes.iter().map(Value::from).collect();
    let mut by: std::collections::BTreeMap<String, Read> = std::collections::BTreeMap::new();
    for r in query_in(
        db,
        "SELECT household_code, unit_id, area FROM households WHERE household_code IN ({in})",
        &[],
        &params,
        CODES_PER_QUERY,
    )? {
        let h = by.entry(r.get("household_code")?).or_default();
        h.unit_id = Some(r.get("unit_id")?);
        h.area = Some(r.code::<Area>("area")?);
    }
    for r in query_in(
        db,
        "SELECT household_code, year, kind, assessed_on, status, income_per_capita_vnd, deprivations, standard_code \
         FROM assessments WHERE household_code IN ({in})",
        &[],
        &params,
        CODES_PER_QUERY,
    )? {
        by.entry(r.get("household_code")?).or_default().assessments.push((
            Assessed {
                year: r.get("year")?,
                kind: r.code::<AssessmentKind>("kind")?,
                assessed_on: r.get("assessed_on")?,
                status: r.code::<Class>("status")?,
            },
            (
                r.get("income_per_capita_vnd")?,
                deprivation_count(r.get::<Option<String>>("deprivations")?.as_deref()),
                r.get("standard_code")?,
            ),
        ));
    }
    for r in query_in(
        db,
        "SELECT household_code, year, assigned_on, unit_id FROM assignments WHERE household_code IN ({in})",
        &[],
        &params,
        CODES_PER_QUERY,
    )? {
        by.entry(r.get("household_code")?).or_default().assignments.push((
            r.get("year")?,
            r.get("assigned_on")?,
            r.get("unit_id")?,
        ));
    }
    for r in query_in(
        db,
        "SELECT household_code, date, value_vnd, unit_id FROM supports WHERE household_code IN ({in})",
        &[],
        &params,
        CODES_PER_QUERY,
    )? {
        by.entry(r.get("household_code")?).or_default().supports.push((
            r.get("date")?,
            r.get("value_vnd")?,
            r.get("unit_id")?,
        ));
    }
    Ok(by
        .into_iter()
        .filter_map(|(code, r)| {
            Some(HouseholdFacts::new(
                &code,
                r.unit_id?,
                r.area,
                r.assessments.iter().map(|(a, d)| (a, d)),
                &r.assignments,
                r.supports.into_iter(),
            ))
        })
        .collect())
}

/// Rewrites the kept rows of households `codes` (inside the writer's transaction, with
/// their aggregates): `facts` are their records now; a household that no longer matters,
/// or no longer exists, loses its row.
/// The columns of a `household_lasting` row, in the order [`kept_row`] gives them.
pub(super) const KEPT_COLUMNS: &[&str] = &["household_code", "unit_id", "records"];

/// A household's `household_lasting` row, when the follow-up may ever judge it.
pub(super) fn kept_row(h: &HouseholdFacts) -> Option<Vec<Value>> {
    h.matters().then(|| {
        vec![
            Value::from(h.household_code.as_str()),
            Value::Int(h.unit_id),
            Value::Text(h.pack()),
        ]
    })
}

/// The kept households whose own unit is one of `units`.
pub fn of_units(db: &mut Db, units: &Units) -> Result<Vec<HouseholdFacts>, StoreError> {
    let sql = "SELECT household_code, unit_id, records FROM household_lasting WHERE {units}";
    let rows = query_units(db, sql, &[], units)?;
    rows.iter()
        .map(|r| {
            HouseholdFacts::unpack(
                r.get("household_code")?,
                r.get("unit_id")?,
                r.get("records")?,
            )
        })
        .collect()
}

/// The kept households among `codes`.
pub fn of_codes(db: &mut Db, codes: &[String]) -> Result<Vec<HouseholdFacts>, StoreError> {
    let keys: Vec<Value> = codes.iter().map(Value::from).collect();
    query_in(
        db,
        "SELECT household_code, unit_id, records FROM household_lasting WHERE household_code IN ({in})",
        &[],
        &keys,
        500,
    )?
    .iter()
    .map(|r| HouseholdFacts::unpack(r.get("household_code")?, r.get("unit_id")?, r.get("records")?))
    .collect()
}

/// The households that units `units` took on (whatever their own unit).
pub fn taken_on_by(db: &mut Db, units: &Units) -> Result<Vec<String>, StoreError> {
    let sql = "SELECT DISTINCT household_code FROM assignments WHERE {units}";
    let rows = query_units(db, sql, &[], units)?;
    rows.iter().map(|r| r.get("household_code")).collect()
}

/// The kept row of each household among `codes` against the one its records make now:
/// the households whose kept row differs (a check for tests and operators).
pub fn stale(db: &mut Db, codes: &[String]) -> Result<Vec<String>, StoreError> {
    let kept: std::collections::HashMap<String, String> = of_codes(db, codes)?
        .into_iter()
        .map(|h| (h.household_code.clone(), h.pack()))
        .collect();
    let mut out = Vec::new();
    for chunk in codes.chunks(400) {
        let fresh: std::collections::HashMap<String, String> = from_records(db, chunk)?
            .into_iter()
            .filter(HouseholdFacts::matters)
            .map(|h| (h.household_code.clone(), h.pack()))
            .collect();
        for c in chunk {
            if kept.get(c) != fresh.get(c) {
                out.push(c.clone());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_rows_read_back_as_they_were() {
        let h = HouseholdFacts {
            household_code: "H1".into(),
            unit_id: 7,
            area: Some(Area::Rural),
            assessments: vec![AssessmentFacts {
                assessed: Assessed {
                    year: 2023,
                    kind: AssessmentKind::Official,
                    assessed_on: Date::parse("2023-12-01").unwrap(),
                    status: Class::NearPoor,
                },
                income: Some(1_500_000),
                deprivations: 2,
                standard_code: None,
            }],
            assignments: vec![(2023, Date::parse("2023-01-10").unwrap(), 3)],
            ..HouseholdFacts::default()
        };
        let supports = [
            (Date::parse("2023-04-01").unwrap(), 2_000_000, 3),
            (Date::parse("2023-09-01").unwrap(), 500_000, 3),
            (Date::parse("2024-01-05").unwrap(), 100_000, 4),
        ];
        let h = HouseholdFacts::new(
            "H1",
            7,
            h.area,
            h.assessments
                .iter()
                .map(|a| a.assessed.clone())
                .collect::<Vec<_>>()
                .iter()
                .zip(&[(Some(1_500_000), 2, None)]),
            &h.assignments,
            supports.into_iter().rev(),
        );
        assert_eq!(h.support_sums, [(2023, 3, 2_500_000), (2024, 4, 100_000)]);
        let back = HouseholdFacts::unpack("H1".into(), 7, h.pack()).unwrap();
        assert_eq!(back, h);
        assert_eq!(back.supports().unwrap(), supports);
        assert!(HouseholdFacts::unpack("H1".into(), 7, "x|1".into()).is_err());
    }
}
