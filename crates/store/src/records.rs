//! The reads reports make: each record kind of a period, of a set of unit versions, as a
//! typed row. Reports say what they need; the SQL, the chunking of long id lists and the
//! decoding live here (and fail loudly on a value that no import could have written).

use crate::{Db, Row, StoreError, Value};
use domain::poverty::Class;
use domain::status::{Assessed, AssessmentKind};
use domain::vocab::{ActivityType, MicroinsuranceKind, SupportType};
use domain::Date;
use std::collections::HashMap;

/// Unit ids per statement (SQLite allows 999 parameters by default).
const IDS_PER_QUERY: usize = 900;
/// Household codes per statement.
const CODES_PER_QUERY: usize = 500;

/// Whose records to read: every unit's (a national report), or those of these unit
/// version ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Units {
    All,
    Ids(Vec<i64>),
}

/// Runs `sql` (with `{in}` standing for a list of placeholders) once per chunk of
/// `values`, after the fixed leading parameters `head`.
fn query_in(
    db: &mut Db,
    sql: &str,
    head: &[Value],
    values: &[Value],
    per: usize,
) -> Result<Vec<Row>, StoreError> {
    let mut out = Vec::new();
    for chunk in values.chunks(per) {
        let q = sql.replace("{in}", &vec!["?"; chunk.len()].join(","));
        let params: Vec<Value> = head.iter().chain(chunk).cloned().collect();
        out.extend(db.query(&q, &params)?);
    }
    Ok(out)
}

/// Rows of `sql` restricted to `units`: `{units}` is replaced by a filter on `unit_id`
/// (nothing at all for every unit).
fn query_units(
    db: &mut Db,
    sql: &str,
    head: &[Value],
    units: &Units,
) -> Result<Vec<Row>, StoreError> {
    match units {
        Units::All => db.query(&sql.replace("{units}", "1 = 1"), head),
        Units::Ids(ids) => {
            let ids: Vec<Value> = ids.iter().copied().map(Value::Int).collect();
            query_in(
                db,
                &sql.replace("{units}", "unit_id IN ({in})"),
                head,
                &ids,
                IDS_PER_QUERY,
            )
        }
    }
}

fn each<T>(rows: &[Row], f: impl Fn(&Row) -> Result<T, StoreError>) -> Result<Vec<T>, StoreError> {
    rows.iter().map(f).collect()
}

pub struct Support {
    pub record_id: String,
    pub kind: SupportType,
    pub household_code: Option<String>,
    pub member_no: Option<i64>,
    pub quantity: i64,
    pub value_vnd: i64,
    pub unit_id: i64,
}

/// Supports dated `from`…`to` given by `units`.
pub fn supports(
    db: &mut Db,
    units: &Units,
    from: Date,
    to: Date,
) -> Result<Vec<Support>, StoreError> {
    let rows = query_units(
        db,
        "SELECT record_id, support_type, household_code, member_no, quantity, value_vnd, unit_id FROM supports \
         WHERE date >= ? AND date <= ? AND {units}",
        &[Value::from(from), Value::from(to)],
        units,
    )?;
    each(&rows, |r| {
        Ok(Support {
            record_id: r.get("record_id")?,
            kind: r.code("support_type")?,
            household_code: r.get("household_code")?,
            member_no: r.get("member_no")?,
            quantity: r.get("quantity")?,
            value_vnd: r.get("value_vnd")?,
            unit_id: r.get("unit_id")?,
        })
    })
}

pub struct Activity {
    pub record_id: String,
    pub kind: ActivityType,
    pub sessions: i64,
    pub participants: i64,
    pub unit_id: i64,
}

pub fn activities(
    db: &mut Db,
    units: &Units,
    from: Date,
    to: Date,
) -> Result<Vec<Activity>, StoreError> {
    let rows = query_units(
        db,
        "SELECT record_id, activity_type, sessions, participants, unit_id FROM activities WHERE date >= ? AND date <= ? AND {units}",
        &[Value::from(from), Value::from(to)],
        units,
    )?;
    each(&rows, |r| {
        Ok(Activity {
            record_id: r.get("record_id")?,
            kind: r.code("activity_type")?,
            sessions: r.get("sessions")?,
            participants: r.get("participants")?,
            unit_id: r.get("unit_id")?,
        })
    })
}

pub struct Microinsurance {
    pub record_id: String,
    pub kind: MicroinsuranceKind,
    pub count: i64,
    pub amount_vnd: i64,
    pub unit_id: i64,
}

pub fn microinsurance(
    db: &mut Db,
    units: &Units,
    from: Date,
    to: Date,
) -> Result<Vec<Microinsurance>, StoreError> {
    let rows = query_units(
        db,
        "SELECT record_id, kind, count, amount_vnd, unit_id FROM microinsurance WHERE date >= ? AND date <= ? AND {units}",
        &[Value::from(from), Value::from(to)],
        units,
    )?;
    each(&rows, |r| {
        Ok(Microinsurance {
            record_id: r.get("record_id")?,
            kind: r.code("kind")?,
            count: r.get("count")?,
            amount_vnd: r.get("amount_vnd")?,
            unit_id: r.get("unit_id")?,
        })
    })
}

pub struct Cooperative {
    pub code: String,
    pub established_on: Date,
    pub dissolved_on: Option<Date>,
    pub union_supported: bool,
    pub female_members: i64,
    pub female_workers: i64,
    pub unit_id: i64,
}

/// Cooperatives established by `to`.
pub fn cooperatives(db: &mut Db, units: &Units, to: Date) -> Result<Vec<Cooperative>, StoreError> {
    let rows = query_units(
        db,
        "SELECT coop_code, established_on, dissolved_on, union_supported, female_members, female_workers, unit_id \
         FROM cooperatives WHERE established_on <= ? AND {units}",
        &[Value::from(to)],
        units,
    )?;
    each(&rows, |r| {
        Ok(Cooperative {
            code: r.get("coop_code")?,
            established_on: r.get("established_on")?,
            dissolved_on: r.get("dissolved_on")?,
            union_supported: r.get::<Option<bool>>("union_supported")?.unwrap_or(false),
            female_members: r.get("female_members")?,
            female_workers: r.get("female_workers")?,
            unit_id: r.get("unit_id")?,
        })
    })
}

pub struct Club {
    pub code: String,
    pub dissolved_on: Option<Date>,
    pub unit_id: i64,
}

/// Start-up clubs established by `to`.
pub fn startup_clubs(db: &mut Db, units: &Units, to: Date) -> Result<Vec<Club>, StoreError> {
    let rows = query_units(
        db,
        "SELECT club_code, dissolved_on, unit_id FROM clubs WHERE kind = 'startup' AND established_on <= ? AND {units}",
        &[Value::from(to)],
        units,
    )?;
    each(&rows, |r| {
        Ok(Club {
            code: r.get("club_code")?,
            dissolved_on: r.get("dissolved_on")?,
            unit_id: r.get("unit_id")?,
        })
    })
}

pub struct SavingsGroup {
    pub group_code: String,
    pub as_of: Date,
    pub clients: i64,
    pub outstanding_vnd: i64,
    pub overdue_vnd: i64,
    pub unit_id: i64,
}

/// Each savings group's latest row on or before `to`.
pub fn savings_groups(
    db: &mut Db,
    units: &Units,
    to: Date,
) -> Result<Vec<SavingsGroup>, StoreError> {
    let rows = query_units(
        db,
        "SELECT group_code, as_of, clients, outstanding_vnd, overdue_vnd, unit_id FROM savings_groups WHERE as_of <= ? AND {units}",
        &[Value::from(to)],
        units,
    )?;
    let mut latest: HashMap<String, SavingsGroup> = HashMap::new();
    for r in &rows {
        let g = SavingsGroup {
            group_code: r.get("group_code")?,
            as_of: r.get("as_of")?,
            clients: r.get("clients")?,
            outstanding_vnd: r.get("outstanding_vnd")?,
            overdue_vnd: r.get("overdue_vnd")?,
            unit_id: r.get("unit_id")?,
        };
        if latest
            .get(&g.group_code)
            .is_none_or(|old| old.as_of < g.as_of)
        {
            latest.insert(g.group_code.clone(), g);
        }
    }
    Ok(latest.into_values().collect())
}

pub struct Entrusted {
    pub unit_code: String,
    pub as_of: Date,
    pub outstanding_vnd: i64,
    pub unit_id: i64,
}

/// Entrusted balances reported on or before `to`, every row (the caller keeps each live
/// unit's latest).
pub fn entrusted_totals(
    db: &mut Db,
    units: &Units,
    to: Date,
) -> Result<Vec<Entrusted>, StoreError> {
    let rows = query_units(
        db,
        "SELECT unit_code, as_of, outstanding_vnd, unit_id FROM entrusted_totals WHERE as_of <= ? AND {units}",
        &[Value::from(to)],
        units,
    )?;
    each(&rows, |r| {
        Ok(Entrusted {
            unit_code: r.get("unit_code")?,
            as_of: r.get("as_of")?,
            outstanding_vnd: r.get("outstanding_vnd")?,
            unit_id: r.get("unit_id")?,
        })
    })
}

pub struct Target {
    pub indicator: String,
    pub value: i64,
    pub unit_id: i64,
}

pub fn targets(db: &mut Db, units: &Units, year: i32) -> Result<Vec<Target>, StoreError> {
    let rows = query_units(
        db,
        "SELECT indicator, value, unit_id FROM targets WHERE year = ? AND {units}",
        &[Value::Int(year.into())],
        units,
    )?;
    each(&rows, |r| {
        Ok(Target {
            indicator: r.get("indicator")?,
            value: r.get("value")?,
            unit_id: r.get("unit_id")?,
        })
    })
}

/// The unit version id of each of these households.
pub fn household_units(db: &mut Db, codes: &[String]) -> Result<HashMap<String, i64>, StoreError> {
    let codes: Vec<Value> = codes.iter().map(Value::from).collect();
    let rows = query_in(
        db,
        "SELECT household_code, unit_id FROM households WHERE household_code IN ({in})",
        &[],
        &codes,
        CODES_PER_QUERY,
    )?;
    rows.iter()
        .map(|r| Ok((r.get("household_code")?, r.get("unit_id")?)))
        .collect()
}

/// Every household of `units` with its unit version id.
pub fn households_of(db: &mut Db, units: &Units) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = query_units(
        db,
        "SELECT household_code, unit_id FROM households WHERE {units}",
        &[],
        units,
    )?;
    each(&rows, |r| Ok((r.get("household_code")?, r.get("unit_id")?)))
}

pub struct Assignment {
    pub household_code: String,
    pub year: i32,
    pub unit_code: String,
    pub unit_id: i64,
}

/// Assignments of `units` known on `by` (every one when `by` is `None`).
pub fn assignments(
    db: &mut Db,
    units: &Units,
    by: Option<Date>,
) -> Result<Vec<Assignment>, StoreError> {
    let rows = query_units(
        db,
        "SELECT household_code, year, unit_code, unit_id FROM assignments WHERE assigned_on <= ? AND {units}",
        &[Value::from(by.unwrap_or(Date::MAX))],
        units,
    )?;
    each(&rows, |r| {
        Ok(Assignment {
            household_code: r.get("household_code")?,
            year: r.get("year")?,
            unit_code: r.get("unit_code")?,
            unit_id: r.get("unit_id")?,
        })
    })
}

/// The assessments made by `by` of these households, by household.
pub fn assessments_by(
    db: &mut Db,
    codes: &[String],
    by: Date,
) -> Result<HashMap<String, Vec<Assessed>>, StoreError> {
    let codes: Vec<Value> = codes.iter().map(Value::from).collect();
    let rows = query_in(
        db,
        "SELECT household_code, year, kind, assessed_on, status FROM assessments WHERE assessed_on <= ? AND household_code IN ({in})",
        &[Value::from(by)],
        &codes,
        CODES_PER_QUERY,
    )?;
    let mut out: HashMap<String, Vec<Assessed>> = HashMap::new();
    for r in &rows {
        out.entry(r.get("household_code")?)
            .or_default()
            .push(Assessed {
                year: r.get("year")?,
                kind: r.code::<AssessmentKind>("kind")?,
                assessed_on: r.get("assessed_on")?,
                status: r.code::<Class>("status")?,
            });
    }
    Ok(out)
}

pub struct MemberIdentity {
    pub household_code: String,
    pub citizen_id: Option<String>,
    pub name_folded: String,
    pub full_name: String,
    pub birth_year: Option<i64>,
}

/// Every member's identifying fields (for the likely-duplicates check).
pub fn member_identities(db: &mut Db) -> Result<Vec<MemberIdentity>, StoreError> {
    let rows = db.query(
        "SELECT household_code, citizen_id, name_folded, full_name, birth_year FROM members",
        &[],
    )?;
    each(&rows, |r| {
        Ok(MemberIdentity {
            household_code: r.get("household_code")?,
            citizen_id: r.get("citizen_id")?,
            name_folded: r.get("name_folded")?,
            full_name: r.get("full_name")?,
            birth_year: r.get("birth_year")?,
        })
    })
}

/// One row of `report_cells`: a unit version's packed figures.
pub struct CellRow {
    pub unit_id: i64,
    pub follow_id: i64,
    pub figures: String,
}

/// The aggregate cells matching `filter` (an SQL condition over `report_cells`' own
/// columns written by `reports::aggregated`, with `window`'s parameters), by unit.
pub fn report_cells(
    db: &mut Db,
    units: &Units,
    filter: &str,
    window: &[Value],
) -> Result<Vec<CellRow>, StoreError> {
    let rows = query_units(
        db,
        &format!("SELECT unit_id, follow_id, figures FROM report_cells WHERE {filter} AND {{units}} ORDER BY unit_id"),
        window,
        units,
    )?;
    each(&rows, |r| {
        Ok(CellRow {
            unit_id: r.get("unit_id")?,
            follow_id: r.get("follow_id")?,
            figures: r.get("figures")?,
        })
    })
}

/// A distinct-count key kept in `report_shared`.
pub struct SharedRow {
    pub indicator: String,
    pub item: String,
    pub unit_id: i64,
    pub follow_id: i64,
}

pub fn report_shared(
    db: &mut Db,
    units: &Units,
    filter: &str,
    window: &[Value],
) -> Result<Vec<SharedRow>, StoreError> {
    let rows = query_units(
        db,
        &format!("SELECT indicator, item, unit_id, follow_id FROM report_shared WHERE {filter} AND {{units}}"),
        window,
        units,
    )?;
    each(&rows, |r| {
        Ok(SharedRow {
            indicator: r.get("indicator")?,
            item: r.get("item")?,
            unit_id: r.get("unit_id")?,
            follow_id: r.get("follow_id")?,
        })
    })
}

pub struct Project {
    pub name: String,
    pub unit_code: String,
    pub start_on: String,
    pub end_on: Option<String>,
    pub budget_vnd: Option<i64>,
    pub planned_households: Option<i64>,
    pub min_disadvantaged_pct: Option<i64>,
}

pub fn project(db: &mut Db, code: &str) -> Result<Option<Project>, StoreError> {
    let Some(r) = db.query_opt(
        "SELECT name, unit_code, start_on, end_on, budget_vnd, planned_households, min_disadvantaged_pct FROM projects WHERE project_code = ?",
        crate::params![code],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(Project {
        name: r.get("name")?,
        unit_code: r.get("unit_code")?,
        start_on: r.get("start_on")?,
        end_on: r.get("end_on")?,
        budget_vnd: r.get("budget_vnd")?,
        planned_households: r.get("planned_households")?,
        min_disadvantaged_pct: r.get("min_disadvantaged_pct")?,
    }))
}

pub struct Enrolment {
    pub household_code: String,
    pub joined_on: Date,
    pub difficult: bool,
    pub head_name: String,
    pub unit_id: i64,
}

pub fn project_members(db: &mut Db, code: &str) -> Result<Vec<Enrolment>, StoreError> {
    let rows = db.query(
        "SELECT pm.household_code, pm.joined_on, pm.difficult, h.head_name, h.unit_id FROM project_members pm \
         JOIN households h ON h.household_code = pm.household_code WHERE pm.project_code = ? ORDER BY pm.household_code",
        crate::params![code],
    )?;
    each(&rows, |r| {
        Ok(Enrolment {
            household_code: r.get("household_code")?,
            joined_on: r.get("joined_on")?,
            difficult: r.get::<Option<bool>>("difficult")?.unwrap_or(false),
            head_name: r.get("head_name")?,
            unit_id: r.get("unit_id")?,
        })
    })
}

/// The value of the supports recorded under a programme (a project's code).
pub fn programme_value(db: &mut Db, programme: &str) -> Result<i64, StoreError> {
    db.query_one(
        "SELECT CAST(COALESCE(SUM(value_vnd), 0) AS BIGINT) AS total FROM supports WHERE programme = ?",
        crate::params![programme],
    )?
    .get("total")
}

/// A support as a household's page lists it.
pub struct HouseholdSupport {
    pub date: Date,
    pub kind: SupportType,
    pub quantity: i64,
    pub value_vnd: i64,
    pub unit_code: String,
    pub programme: Option<String>,
}

/// The supports a household received, oldest first.
pub fn supports_of_household(db: &mut Db, code: &str) -> Result<Vec<HouseholdSupport>, StoreError> {
    let rows = db.query(
        "SELECT date, support_type, quantity, value_vnd, unit_code, programme FROM supports WHERE household_code = ? ORDER BY date",
        crate::params![code],
    )?;
    each(&rows, |r| {
        Ok(HouseholdSupport {
            date: r.get("date")?,
            kind: r.code("support_type")?,
            quantity: r.get("quantity")?,
            value_vnd: r.get("value_vnd")?,
            unit_code: r.get("unit_code")?,
            programme: r.get("programme")?,
        })
    })
}

/// The last day on or before `on` with a support given or an assessment made.
pub fn latest_record_date(db: &mut Db, on: Date) -> Result<Option<Date>, StoreError> {
    db.query_one(
        "SELECT MAX(d) AS latest FROM (SELECT MAX(date) AS d FROM supports WHERE date <= ? \
         UNION ALL SELECT MAX(assessed_on) FROM assessments WHERE assessed_on <= ?) t",
        crate::params![on, on],
    )?
    .get("latest")
}

/// The codes of every stored project.
/// Every stored project's code and the unit version it belongs to.
pub fn project_units(db: &mut Db) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let rows = db.query("SELECT project_code, unit_id FROM projects", &[])?;
    rows.iter()
        .map(|r| Ok((r.get("project_code")?, r.get("unit_id")?)))
        .collect()
}
