//! The reads reports make: each record kind of a period, of a set of unit versions, as a
//! typed row. Reports say what they need; the SQL, the chunking of long id lists and the
//! decoding live here (and fail loudly on a value that no import could have written).

use crate::{stored_row, Backend, Db, FromRow, Row, StoreError, Value};
use domain::poverty::Class;
use domain::status::{Assessed, AssessmentKind};
use domain::vocab::{ActivityType, MicroinsuranceKind, SupportType};
use domain::Date;
use std::collections::HashMap;

/// What a read of typed rows answers.
pub type Rows<T> = Result<Vec<T>, StoreError>;

/// Unit ids per statement (SQLite allows 999 parameters by default).
const IDS_PER_QUERY: usize = 900;
/// Household codes per statement.
pub(crate) const CODES_PER_QUERY: usize = 500;

/// Whose records to read: every unit's (a national report), or those of these unit
/// version ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Units {
    All,
    Ids(Vec<i64>),
}

/// Values per statement on PostgreSQL, sent as one array: the planner still estimates
/// each value of a list it is given, so a list of a nation's households is split.
const PG_ARRAY_VALUES: usize = 10_000;

/// Runs `sql`, in which `IN ({in})` tests membership of `values`, after the fixed leading
/// parameters `head`: on SQLite once per chunk of `per` values, as a list of
/// placeholders; on PostgreSQL as `= ANY(?)` with the values in one array (see
/// [`Db::query_pg_array`]).
pub(crate) fn query_in(
    db: &mut Db,
    sql: &str,
    head: &[Value],
    values: &[Value],
    per: usize,
) -> Rows<Row> {
    let mut out = Vec::new();
    if db.backend() == Backend::Postgres {
        debug_assert!(sql.contains("IN ({in})"), "{sql}");
        let q = sql.replace("IN ({in})", "= ANY(?)");
        for chunk in values.chunks(PG_ARRAY_VALUES) {
            out.extend(db.query_pg_array(&q, head, chunk)?);
        }
        return Ok(out);
    }
    for chunk in values.chunks(per) {
        // Lists of a few lengths only, the last value repeated up to the next one (an IN
        // list means the same): each length is a statement of its own, prepared once per
        // connection and kept; lists of every length filled each connection's cache
        // with statements of hundreds of placeholders (measured at month end: a server
        // of 16 connections at 383 MB, at 276 MB keeping an eighth as many).
        let len = padded(chunk.len()).min(per);
        let q = sql.replace("{in}", &vec!["?"; len].join(","));
        let last = chunk.last().into_iter().cycle().take(len - chunk.len());
        let params: Vec<Value> = head.iter().chain(chunk).chain(last).cloned().collect();
        out.extend(db.query(&q, &params)?);
    }
    Ok(out)
}

/// Runs the statement `sql`, in which `IN ({in})` tests membership of `values`, as
/// [`query_in`] reads; the count of rows it changed.
pub(crate) fn execute_in(
    db: &mut Db,
    sql: &str,
    values: &[Value],
    per: usize,
) -> Result<u64, StoreError> {
    let mut changed = 0;
    if db.backend() == Backend::Postgres {
        debug_assert!(sql.contains("IN ({in})"), "{sql}");
        let q = sql.replace("IN ({in})", "= ANY(?)");
        for chunk in values.chunks(PG_ARRAY_VALUES) {
            changed += db.execute_pg_array(&q, &[], chunk)?;
        }
        return Ok(changed);
    }
    for chunk in values.chunks(per) {
        let q = sql.replace("{in}", &vec!["?"; chunk.len()].join(","));
        changed += db.execute(&q, chunk)?;
    }
    Ok(changed)
}

/// The length a list of `n` values is sent as: the next power of two.
fn padded(n: usize) -> usize {
    n.next_power_of_two()
}

/// Rows of `sql` restricted to `units`: `{units}` is replaced by a filter on `unit_id`
/// (nothing at all for every unit).
pub(crate) fn query_units(db: &mut Db, sql: &str, head: &[Value], units: &Units) -> Rows<Row> {
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

/// Rows of `sql` for `units` read as `T`s: `{cols}` stands for `T`'s columns, `{units}`
/// for the filter on the unit (see [`query_units`]).
fn read<T: FromRow>(db: &mut Db, sql: &str, head: &[Value], units: &Units) -> Rows<T> {
    let rows = query_units(db, &sql.replace("{cols}", &T::select()), head, units)?;
    rows.iter().map(T::from_row).collect()
}

/// A ledger record with a `date`: supports, activities, micro-insurance.
pub trait Dated: FromRow {
    const TABLE: &str;
}

/// The `T` records of `units` dated `from`…`to`.
pub fn dated<T: Dated>(db: &mut Db, units: &Units, from: Date, to: Date) -> Rows<T> {
    let sql = format!(
        "SELECT {{cols}} FROM {} WHERE date >= ? AND date <= ? AND {{units}}",
        T::TABLE
    );
    read(db, &sql, &[Value::from(from), Value::from(to)], units)
}

stored_row! {
    pub struct Support {
        record_id: String, kind: SupportType = code "support_type",
        household_code: Option<String>, member_no: Option<i64>,
        quantity: i64, value_vnd: i64, unit_id: i64,
    }
    pub struct Activity {
        record_id: String, kind: ActivityType = code "activity_type",
        sessions: i64, participants: i64, unit_id: i64,
    }
    pub struct Microinsurance {
        record_id: String, kind: MicroinsuranceKind = code "kind",
        count: i64, amount_vnd: i64, unit_id: i64,
    }
}

/// `Type: "table"`: the table of each dated ledger record.
macro_rules! dated {
    ($($ty:ident: $table:literal),*) => {$(
        impl Dated for $ty {
            const TABLE: &str = $table;
        }
    )*};
}

dated!(Support: "supports", Activity: "activities", Microinsurance: "microinsurance");

/// The `T` records dated `from`…`to` of these households (by their household index; the
/// caller keeps those of its units).
pub fn dated_of_households<T: Dated>(
    db: &mut Db,
    codes: &[String],
    from: Date,
    to: Date,
) -> Rows<T> {
    let sql = format!(
        "SELECT {} FROM {} WHERE date >= ? AND date <= ? AND household_code IN ({{in}})",
        T::select(),
        T::TABLE
    );
    let codes: Vec<Value> = codes.iter().map(Value::from).collect();
    let head = [Value::from(from), Value::from(to)];
    let rows = query_in(db, &sql, &head, &codes, CODES_PER_QUERY)?;
    rows.iter().map(T::from_row).collect()
}

/// The households with an assessment dated after `after` and on or before `until`
/// (assessments name no unit: every unit's); `None` when there are more than `limit`
/// assessments (counted in the database first, on the index of their dates: a month of
/// the yearly review holds every household's, and only the count is needed then).
pub fn households_assessed_between(
    db: &mut Db,
    after: Date,
    until: Date,
    limit: usize,
) -> Result<Option<Vec<String>>, StoreError> {
    let params = crate::params![after, until, limit as i64 + 1];
    let more: i64 = db
        .query_one(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM assessments \
             WHERE assessed_on > ? AND assessed_on <= ? LIMIT ?) x",
            params,
        )?
        .get("n")?;
    if more > limit as i64 {
        return Ok(None);
    }
    let rows = db.query(
        "SELECT DISTINCT household_code FROM assessments WHERE assessed_on > ? AND assessed_on <= ?",
        crate::params![after, until],
    )?;
    let codes = rows.iter().map(|r| r.get("household_code"));
    Ok(Some(codes.collect::<Result<Vec<String>, _>>()?))
}

/// The households that `units` took on by an assignment dated after `after` and on or
/// before `until`.
pub fn households_assigned_between(
    db: &mut Db,
    units: &Units,
    after: Date,
    until: Date,
) -> Result<Vec<String>, StoreError> {
    let rows = query_units(
        db,
        "SELECT household_code FROM assignments WHERE assigned_on > ? AND assigned_on <= ? AND {units}",
        &[Value::from(after), Value::from(until)],
        units,
    )?;
    rows.iter().map(|r| r.get("household_code")).collect()
}

stored_row! {
    pub struct Cooperative {
        code: String = col "coop_code", established_on: Date, dissolved_on: Option<Date>,
        union_supported: bool = flag "union_supported",
        female_members: i64, female_workers: i64, unit_id: i64,
    }
}

/// Cooperatives established by `to`.
pub fn cooperatives(db: &mut Db, units: &Units, to: Date) -> Rows<Cooperative> {
    let sql = "SELECT {cols} FROM cooperatives WHERE established_on <= ? AND {units}";
    read(db, sql, &[Value::from(to)], units)
}

stored_row! {
    pub struct Club { code: String = col "club_code", dissolved_on: Option<Date>, unit_id: i64 }
}

/// Start-up clubs established by `to`.
pub fn startup_clubs(db: &mut Db, units: &Units, to: Date) -> Rows<Club> {
    let sql = "SELECT {cols} FROM clubs WHERE kind = 'startup' AND established_on <= ? AND {units}";
    read(db, sql, &[Value::from(to)], units)
}

stored_row! {
    pub struct SavingsGroup {
        group_code: String, as_of: Date, clients: i64,
        outstanding_vnd: i64, overdue_vnd: i64, unit_id: i64,
    }
}

/// Each savings group's latest row on or before `to`.
pub fn savings_groups(db: &mut Db, units: &Units, to: Date) -> Rows<SavingsGroup> {
    let sql = "SELECT {cols} FROM savings_groups WHERE as_of <= ? AND {units}";
    let rows: Vec<SavingsGroup> = read(db, sql, &[Value::from(to)], units)?;
    let mut latest: HashMap<String, SavingsGroup> = HashMap::new();
    for g in rows {
        if latest
            .get(&g.group_code)
            .is_none_or(|old| old.as_of < g.as_of)
        {
            latest.insert(g.group_code.clone(), g);
        }
    }
    Ok(latest.into_values().collect())
}

stored_row! {
    pub struct Entrusted { unit_code: String, as_of: Date, outstanding_vnd: i64, unit_id: i64 }
}

/// Entrusted balances reported on or before `to`, every row (the caller keeps each live
/// unit's latest).
pub fn entrusted_totals(db: &mut Db, units: &Units, to: Date) -> Rows<Entrusted> {
    let sql = "SELECT {cols} FROM entrusted_totals WHERE as_of <= ? AND {units}";
    read(db, sql, &[Value::from(to)], units)
}

stored_row! {
    pub struct Target { indicator: String, value: i64, unit_id: i64 }
}

pub fn targets(db: &mut Db, units: &Units, year: i32) -> Rows<Target> {
    let sql = "SELECT {cols} FROM targets WHERE year = ? AND {units}";
    read(db, sql, &[Value::Int(year.into())], units)
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
    rows.iter()
        .map(|r| Ok((r.get("household_code")?, r.get("unit_id")?)))
        .collect()
}

stored_row! {
    pub struct Assignment { household_code: String, year: i32, unit_code: String, unit_id: i64 }
}

/// Assignments of `units` known on `by` (every one when `by` is `None`).
pub fn assignments(db: &mut Db, units: &Units, by: Option<Date>) -> Rows<Assignment> {
    let sql = "SELECT {cols} FROM assignments WHERE assigned_on <= ? AND {units}";
    read(db, sql, &[Value::from(by.unwrap_or(Date::MAX))], units)
}

/// The assignments of these households known on `by` (the caller keeps those of its
/// units).
pub fn assignments_of_households(db: &mut Db, codes: &[String], by: Date) -> Rows<Assignment> {
    let sql = format!(
        "SELECT {} FROM assignments WHERE assigned_on <= ? AND household_code IN ({{in}})",
        Assignment::select()
    );
    let codes: Vec<Value> = codes.iter().map(Value::from).collect();
    let rows = query_in(db, &sql, &[Value::from(by)], &codes, CODES_PER_QUERY)?;
    rows.iter().map(Assignment::from_row).collect()
}

/// Assessment rows by household.
fn by_household(rows: &[Row]) -> Result<HashMap<String, Vec<Assessed>>, StoreError> {
    let mut out: HashMap<String, Vec<Assessed>> = HashMap::new();
    for r in rows {
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
    by_household(&rows)
}

stored_row! {
    pub struct MemberIdentity {
        household_code: String, citizen_id: Option<String>, name_folded: String,
        full_name: String, birth_year: Option<i64>,
    }
}

/// Every member's identifying fields (for the likely-duplicates check).
pub fn member_identities(db: &mut Db) -> Rows<MemberIdentity> {
    db.query_as("SELECT {cols} FROM members", &[])
}

/// One of the tables of aggregate cells a report reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CellTable {
    /// `report_cells`: a unit version's packed figures (`slice` is 0).
    Cells,
    /// `report_slices`: the packed figures of a unit version's households of one
    /// profile (`domain::breakdown::Profile::pack`).
    Slices,
    /// `report_rollups`: `report_cells` added up by province, `unit_id` the province's
    /// version id (`store::aggregates::rollups`).
    Rollups,
}

/// One cell as `each_cell` lends it: its unit version, the unit its households followed
/// (0: none), its profile (0 in `report_cells`) and its packed figures.
pub struct CellRef<'a> {
    pub unit_id: i64,
    pub follow_id: i64,
    pub slice: i64,
    pub figures: &'a str,
}

/// Calls `f` with each aggregate cell of `table` matching `filter` (an SQL condition over
/// the table's own columns written by `reports::aggregated`, with `window`'s
/// parameters), in no set order: sorting a national report's 33,210 cells by unit
/// spilled to disk on PostgreSQL's default `work_mem` and took half of the query's
/// 27 ms. The figures are lent, not copied: a national report reads 2.6 MB of them.
pub fn each_cell(
    db: &mut Db,
    table: CellTable,
    units: &Units,
    (filter, window): (&str, &[Value]),
    mut f: impl FnMut(CellRef<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let (name, slice) = match table {
        CellTable::Cells => ("report_cells", "0"),
        CellTable::Slices => ("report_slices", "slice"),
        CellTable::Rollups => ("report_rollups", "0"),
    };
    let sql = format!(
        "SELECT unit_id, follow_id, {slice} AS slice, figures FROM {name} WHERE {filter} AND {{units}}"
    );
    for r in &query_units(db, &sql, window, units)? {
        f(CellRef {
            unit_id: r.get("unit_id")?,
            follow_id: r.get("follow_id")?,
            slice: r.get("slice")?,
            figures: r.get("figures")?,
        })?;
    }
    Ok(())
}

stored_row! {
    /// A distinct-count key kept in `report_shared`, with the profile of its household.
    pub struct SharedRow {
        indicator: String, item: String, unit_id: i64, follow_id: i64, slice: i64,
    }
}

pub fn report_shared(
    db: &mut Db,
    units: &Units,
    filter: &str,
    window: &[Value],
) -> Rows<SharedRow> {
    let sql = format!("SELECT {{cols}} FROM report_shared WHERE {filter} AND {{units}}");
    read(db, &sql, window, units)
}

stored_row! {
    pub struct Project {
        name: String, unit_code: String, start_on: String, end_on: Option<String>,
        budget_vnd: Option<i64>, planned_households: Option<i64>,
        min_disadvantaged_pct: Option<i64>,
    }
}

pub fn project(db: &mut Db, code: &str) -> Result<Option<Project>, StoreError> {
    let sql = "SELECT {cols} FROM projects WHERE project_code = ?";
    Ok(db.query_as(sql, crate::params![code])?.pop())
}

stored_row! {
    pub struct Enrolment {
        household_code: String, joined_on: Date, difficult: bool = flag "difficult",
        head_name: String, unit_id: domain::units::VersionId,
    }
}

pub fn project_members(db: &mut Db, code: &str) -> Rows<Enrolment> {
    db.query_as(
        "SELECT pm.household_code, pm.joined_on, pm.difficult, h.head_name, h.unit_id FROM project_members pm \
         JOIN households h ON h.household_code = pm.household_code WHERE pm.project_code = ? ORDER BY pm.household_code",
        crate::params![code],
    )
}

/// The value of the supports recorded under a programme (a project's code).
pub fn programme_value(db: &mut Db, programme: &str) -> Result<i64, StoreError> {
    db.query_one(
        "SELECT CAST(COALESCE(SUM(value_vnd), 0) AS BIGINT) AS total FROM supports WHERE programme = ?",
        crate::params![programme],
    )?
    .get("total")
}

stored_row! {
    /// A support as a household's page lists it.
    pub struct HouseholdSupport {
        record_id: String, date: Date, kind: SupportType = code "support_type", quantity: i64, value_vnd: i64,
        unit_code: String, unit_id: domain::units::VersionId, programme: Option<String>, item: Option<String>,
        member_no: Option<i64>,
    }
}

/// The supports a household received, oldest first.
pub fn supports_of_household(db: &mut Db, code: &str) -> Rows<HouseholdSupport> {
    let sql = "SELECT {cols} FROM supports WHERE household_code = ? ORDER BY date";
    db.query_as(sql, crate::params![code])
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

/// The dates that place a record in a report's flows and household figures: a record
/// counts in a period by one of these, and a report knows only what they date up to
/// its end (each is indexed).
const REPORT_DATES: &[(&str, &str)] = &[
    ("supports", "date"),
    ("activities", "date"),
    ("microinsurance", "date"),
    ("assessments", "assessed_on"),
    ("assignments", "assigned_on"),
];

/// Whether any record is dated after `after` and on or before `until` by one of the
/// dates a report's flows and household figures read. When none is, a report ending
/// on `after` counts exactly what one ending on `until` counts.
pub fn any_dated_between(db: &mut Db, after: Date, until: Date) -> Result<bool, StoreError> {
    for (table, column) in REPORT_DATES {
        let sql =
            format!("SELECT 1 AS one FROM {table} WHERE {column} > ? AND {column} <= ? LIMIT 1");
        if db.query_opt(&sql, crate::params![after, until])?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Every stored project's code and the unit version it belongs to.
pub fn project_units(
    db: &mut Db,
) -> Result<std::collections::HashMap<String, domain::units::VersionId>, StoreError> {
    let rows = db.query("SELECT project_code, unit_id FROM projects", &[])?;
    rows.iter()
        .map(|r| Ok((r.get("project_code")?, r.get("unit_id")?)))
        .collect()
}

stored_row! {
    /// A household whose chapter assessment of a year differs from the commune's decision
    /// of the same year (see `reports::reconcile`).
    pub struct ProvisionalDifference {
        household_code: String, head_name: String, unit_id: i64, unit_code: String, year: i32,
        provisional_on: Date, provisional: Class = code "provisional_status",
        provisional_deprivations: Option<String>,
        official_on: Date, official: Class = code "official_status",
        official_deprivations: Option<String>,
    }
}

/// The households of `units` whose provisional assessment dated `from`…`to` differs in
/// class from the official one of the same year, whenever that was made.
pub fn provisional_differences(
    db: &mut Db,
    units: &Units,
    from: Date,
    to: Date,
) -> Rows<ProvisionalDifference> {
    read(
        db,
        "SELECT {cols} FROM (SELECT p.household_code AS household_code, h.head_name AS head_name, \
         h.unit_id AS unit_id, h.unit_code AS unit_code, p.year AS year, \
         p.assessed_on AS provisional_on, p.status AS provisional_status, p.deprivations AS provisional_deprivations, \
         o.assessed_on AS official_on, o.status AS official_status, o.deprivations AS official_deprivations \
         FROM assessments p \
         JOIN assessments o ON o.household_code = p.household_code AND o.year = p.year AND o.kind = 'official' \
         JOIN households h ON h.household_code = p.household_code \
         WHERE p.kind = 'provisional' AND p.assessed_on >= ? AND p.assessed_on <= ? AND p.status <> o.status) d \
         WHERE {units} ORDER BY household_code, year",
        &[Value::from(from), Value::from(to)],
        units,
    )
}
