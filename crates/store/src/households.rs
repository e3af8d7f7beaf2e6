//! Households, members, assessments and assignments as stored.

use crate::tables::TableDef;
use crate::{Db, Row, StoreError, Value};
use domain::contract;
use domain::poverty::Class;
use domain::status::Assessed;
use domain::vocab::{Area, Gender};
use std::sync::LazyLock;

pub static HOUSEHOLDS: LazyLock<TableDef> = LazyLock::new(|| {
    TableDef::of(
        &contract::HOUSEHOLDS,
        &["unit_id", "head_name_folded"],
        "household_code",
    )
});

pub static MEMBERS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::MEMBERS, &["name_folded"], "household_code"));

pub static ASSESSMENTS: LazyLock<TableDef> = LazyLock::new(|| {
    TableDef::of(
        &contract::ASSESSMENTS,
        &["status_given", "computed_status", "standard_code"],
        "household_code",
    )
});

pub static ASSIGNMENTS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::ASSIGNMENTS, &["unit_id"], "household_code"));

/// What checks of dependent rows need to know about a household.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdRef {
    pub code: String,
    pub unit_id: i64,
    pub area: Area,
    pub registered_on: domain::Date,
}

const CHUNK: usize = 500;

/// Runs `sql` (whose `{}` stands for the list of keys) for `keys`, in chunks that keep
/// every statement's parameters few, and decodes each row with `decode`.
fn query_in<T>(
    db: &mut Db,
    sql: &str,
    keys: &[&str],
    mut decode: impl FnMut(&crate::Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        let sql = sql.replace("{}", &vec!["?"; chunk.len()].join(","));
        let params: Vec<Value> = chunk.iter().map(|c| Value::from(*c)).collect();
        for r in db.query(&sql, &params)? {
            out.push(decode(&r)?);
        }
    }
    Ok(out)
}

/// The stored households among `codes`.
pub fn find_refs(db: &mut Db, codes: &[&str]) -> Result<Vec<HouseholdRef>, StoreError> {
    query_in(
        db,
        "SELECT household_code, unit_id, area, registered_on FROM households WHERE household_code IN ({})",
        codes,
        |r| {
            Ok(HouseholdRef {
                code: r.get("household_code")?,
                unit_id: r.get("unit_id")?,
                area: r.code("area")?,
                registered_on: r.get("registered_on")?,
            })
        },
    )
}

/// A stored member holding a citizen ID, and the unit version of her household (so that
/// a refusal can name her only to someone who may read her).
pub struct CitizenIdOwner {
    pub citizen_id: String,
    pub household_code: String,
    pub member_no: i64,
    pub unit_id: i64,
}

/// Stored members holding any of `ids`.
pub fn citizen_id_owners(db: &mut Db, ids: &[&str]) -> Result<Vec<CitizenIdOwner>, StoreError> {
    query_in(
        db,
        "SELECT m.citizen_id, m.household_code, m.member_no, h.unit_id \
         FROM members m JOIN households h ON h.household_code = m.household_code \
         WHERE m.citizen_id IN ({})",
        ids,
        |r| {
            Ok(CitizenIdOwner {
                citizen_id: r.get("citizen_id")?,
                household_code: r.get("household_code")?,
                member_no: r.get("member_no")?,
                unit_id: r.get("unit_id")?,
            })
        },
    )
}

/// Member numbers stored for households among `codes`.
pub fn member_numbers(db: &mut Db, codes: &[&str]) -> Result<Vec<(String, i64)>, StoreError> {
    query_in(
        db,
        "SELECT household_code, member_no FROM members WHERE household_code IN ({})",
        codes,
        |r| Ok((r.get("household_code")?, r.get("member_no")?)),
    )
}

#[derive(Clone, Debug, PartialEq)]
pub struct Household {
    pub code: String,
    pub unit_code: String,
    pub unit_id: i64,
    pub registered_on: domain::Date,
    pub head_name: String,
    pub head_gender: Gender,
    pub area: Area,
    pub ethnic_minority: bool,
    pub size: i64,
}

fn household_of(r: &Row) -> Result<Household, StoreError> {
    Ok(Household {
        code: r.get("household_code")?,
        unit_code: r.get("unit_code")?,
        unit_id: r.get("unit_id")?,
        registered_on: r.get("registered_on")?,
        head_name: r.get("head_name")?,
        head_gender: r.code("head_gender")?,
        area: r.code("area")?,
        ethnic_minority: r.get("ethnic_minority")?,
        size: r.get("size")?,
    })
}

const HOUSEHOLD_COLS: &str =
    "household_code, unit_code, unit_id, registered_on, head_name, head_gender, area, ethnic_minority, size";

pub fn get(db: &mut Db, code: &str) -> Result<Option<Household>, StoreError> {
    db.query_opt(
        &format!("SELECT {HOUSEHOLD_COLS} FROM households WHERE household_code = ?"),
        crate::params![code],
    )?
    .map(|r| household_of(&r))
    .transpose()
}

/// The household as stored, its row locked until the transaction ends (PostgreSQL:
/// `FOR UPDATE`; an SQLite write transaction already holds the whole database): an edit
/// compares the version its form was based on with this, and no other edit can slip in
/// between the comparison and the write.
pub fn get_for_update(db: &mut Db, code: &str) -> Result<Option<Household>, StoreError> {
    let lock = match db.backend() {
        crate::Backend::Postgres => " FOR UPDATE",
        crate::Backend::Sqlite => "",
    };
    db.query_opt(
        &format!("SELECT {HOUSEHOLD_COLS} FROM households WHERE household_code = ?{lock}"),
        crate::params![code],
    )?
    .map(|r| household_of(&r))
    .transpose()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub household_code: String,
    pub member_no: i64,
    pub full_name: String,
    pub gender: Gender,
    pub birth_year: Option<i64>,
    pub citizen_id: Option<String>,
    pub union_member: Option<bool>,
    pub phone: Option<String>,
}

pub fn members_of(db: &mut Db, code: &str) -> Result<Vec<Member>, StoreError> {
    db
        .query(
            "SELECT household_code, member_no, full_name, gender, birth_year, citizen_id, union_member, phone \
             FROM members WHERE household_code = ? ORDER BY member_no",
            crate::params![code],
        )?
        .iter()
        .map(|r| {
            Ok(Member {
                household_code: r.get("household_code")?,
                member_no: r.get("member_no")?,
                full_name: r.get("full_name")?,
                gender: r.code("gender")?,
                birth_year: r.get("birth_year")?,
                citizen_id: r.get("citizen_id")?,
                union_member: r.get("union_member")?,
                phone: r.get("phone")?,
            })
        })
        .collect::<Result<_, StoreError>>()
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredAssessment {
    pub assessed: Assessed,
    pub income: Option<i64>,
    pub deprivations: Vec<String>,
    pub status_given: bool,
    pub computed: Option<Class>,
    pub standard_code: Option<String>,
}

pub fn assessments_of(db: &mut Db, code: &str) -> Result<Vec<StoredAssessment>, StoreError> {
    db.query(
        "SELECT year, kind, assessed_on, status, income_per_capita_vnd, deprivations, status_given, \
         computed_status, standard_code FROM assessments WHERE household_code = ? ORDER BY assessed_on, year",
        crate::params![code],
    )?
    .iter()
    .map(|r| {
        Ok(StoredAssessment {
            assessed: Assessed {
                year: r.get("year")?,
                kind: r.code("kind")?,
                assessed_on: r.get("assessed_on")?,
                status: r.code("status")?,
            },
            income: r.get("income_per_capita_vnd")?,
            deprivations: domain::poverty::split_codes(r.get("deprivations")?),
            status_given: r.get("status_given")?,
            computed: r
                .get::<Option<&str>>("computed_status")?
                .map(|c| {
                    Class::parse(c)
                        .ok_or_else(|| StoreError::Corrupt(format!("computed_status {c:?}")))
                })
                .transpose()?,
            standard_code: r.get("standard_code")?,
        })
    })
    .collect()
}

/// (unit_code, year, assigned_on) of a household's assignments.
pub fn assignments_of(
    db: &mut Db,
    code: &str,
) -> Result<Vec<(String, i64, domain::Date)>, StoreError> {
    db
        .query(
            "SELECT unit_code, year, assigned_on FROM assignments WHERE household_code = ? ORDER BY year, unit_code",
            crate::params![code],
        )?
        .iter()
        .map(|r| Ok((r.get("unit_code")?, r.get("year")?, r.get("assigned_on")?)))
        .collect::<Result<_, StoreError>>()
}

/// A hit of a search: the household and, when a member matched, which one.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub household: Household,
    pub member: Option<(i64, String)>,
}

/// Finds households by name without diacritics ("nguyen thi hoa"), by citizen ID or by
/// phone. `folded` is the query in [`domain::text::fold`] form.
pub fn search(
    db: &mut Db,
    folded: &str,
    citizen_id: Option<&str>,
    phone: Option<&str>,
    limit: i64,
) -> Result<Vec<Hit>, StoreError> {
    search_in(db, folded, citizen_id, phone, limit, None)
}

/// The same, limited to households of the unit versions `units` (in the query itself,
/// so that a limit counts only what may be shown).
fn search_in(
    db: &mut Db,
    folded: &str,
    citizen_id: Option<&str>,
    phone: Option<&str>,
    limit: i64,
    units: Option<&[i64]>,
) -> Result<Vec<Hit>, StoreError> {
    let like = format!("%{}%", folded.replace(['%', '_'], ""));
    let cols: String = HOUSEHOLD_COLS
        .split(", ")
        .map(|c| format!("h.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let scope = match units {
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!(
            " AND h.unit_id IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        ),
        None => String::new(),
    };
    let rows = db.query(
        &format!(
            "SELECT {cols}, NULL AS member_no, NULL AS member_name FROM households h WHERE h.head_name_folded LIKE ?{scope} \
             UNION ALL \
             SELECT {cols}, m.member_no, m.full_name FROM households h JOIN members m ON m.household_code = h.household_code \
             WHERE (m.name_folded LIKE ? OR m.citizen_id = ? OR m.phone = ?){scope} \
             ORDER BY 1 LIMIT ?"
        ),
        crate::params![like.clone(), like, citizen_id, phone, limit],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Hit {
                household: household_of(r)?,
                member: match r.get::<Option<i64>>("member_no")? {
                    Some(n) => Some((n, r.get("member_name")?)),
                    None => None,
                },
            })
        })
        .collect::<Result<_, StoreError>>()
}

// Scoped reads: what a signed-in user may see.

use crate::access::Access;

/// A household, if it exists and lies within the user's units; `None` otherwise, the
/// same answer for a code outside her units as for one that does not exist (guessing
/// codes in a URL tells nothing).
pub fn get_scoped(db: &mut Db, acc: &Access, code: &str) -> Result<Option<Household>, StoreError> {
    Ok(get(db, code)?.filter(|h| acc.can_read_unit(h.unit_id)))
}

/// A household the user may change.
pub fn get_writable(
    db: &mut Db,
    acc: &Access,
    code: &str,
) -> Result<Option<Household>, StoreError> {
    match get_scoped(db, acc, code)? {
        Some(h) if acc.can_write_unit(h.unit_id) => Ok(Some(h)),
        Some(_) => Err(StoreError::Forbidden),
        None => Ok(None),
    }
}

pub fn search_scoped(
    db: &mut Db,
    acc: &Access,
    folded: &str,
    citizen_id: Option<&str>,
    phone: Option<&str>,
    limit: i64,
) -> Result<Vec<Hit>, StoreError> {
    let ids = acc.readable_ids();
    search_in(db, folded, citizen_id, phone, limit, ids.as_deref())
}

/// Households of the user's units whose latest effective status is `status`.
pub fn list_by_status(
    db: &mut Db,
    acc: &Access,
    status: Class,
    limit: usize,
) -> Result<Vec<Household>, StoreError> {
    let cols: String = HOUSEHOLD_COLS
        .split(", ")
        .map(|c| format!("h.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = db.query(
        &format!(
            "SELECT {cols}, a.year, a.kind, a.assessed_on, a.status FROM households h \
             JOIN assessments a ON a.household_code = h.household_code ORDER BY h.household_code"
        ),
        &[],
    )?;
    let mut out: Vec<Household> = Vec::new();
    let mut i = 0;
    while i < rows.len() && out.len() < limit {
        let code: &str = rows[i].get("household_code")?;
        let mut records = Vec::new();
        let first = i;
        while i < rows.len() && rows[i].get::<&str>("household_code")? == code {
            let r = &rows[i];
            records.push(Assessed {
                year: r.get("year")?,
                kind: r.code("kind")?,
                assessed_on: r.get("assessed_on")?,
                status: r.code("status")?,
            });
            i += 1;
        }
        let h = household_of(&rows[first])?;
        if !acc.can_read_unit(h.unit_id) {
            continue;
        }
        let history = domain::status::effective_history(&records, acc.today);
        if history.last().is_some_and(|a| a.status == status) {
            out.push(h);
        }
    }
    Ok(out)
}
