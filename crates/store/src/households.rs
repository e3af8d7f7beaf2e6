//! Households, members, assessments and assignments as stored.

use crate::tables::TableDef;
use crate::{stored_row, Db, FromRow, StoreError, Value};
use domain::contract;
use domain::poverty::Class;
use domain::status::Assessed;
use domain::units::VersionId;
use domain::vocab::{Area, Ethnicity, Gender};
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

pub static CONSENTS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::CONSENTS, &[], "household_code"));

pub static ASSIGNMENTS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::ASSIGNMENTS, &["unit_id"], "household_code"));

stored_row! {
    /// What checks of dependent rows need to know about a household.
    #[derive(Clone, Debug, PartialEq)]
    pub struct HouseholdRef {
        code: String = col "household_code", unit_id: VersionId, area: Area = code "area",
        registered_on: domain::Date,
    }
}

/// Household codes or citizen IDs per statement.
const CHUNK: usize = 500;

/// Rows of `sql` for `keys` (`{in}` stands for their placeholders, `{cols}` for `T`'s
/// columns), in chunks that keep every statement's parameters few.
fn read_in<T: FromRow>(db: &mut Db, sql: &str, keys: &[&str]) -> Result<Vec<T>, StoreError> {
    let keys: Vec<Value> = keys.iter().map(|k| Value::from(*k)).collect();
    let sql = sql.replace("{cols}", &T::select());
    let rows = crate::records::query_in(db, &sql, &[], &keys, CHUNK)?;
    rows.iter().map(T::from_row).collect()
}

/// The stored households among `codes`.
pub fn find_refs(db: &mut Db, codes: &[&str]) -> Result<Vec<HouseholdRef>, StoreError> {
    read_in(
        db,
        "SELECT {cols} FROM households WHERE household_code IN ({in})",
        codes,
    )
}

stored_row! {
    /// A stored member holding a citizen ID, and the unit version of her household (so
    /// that a refusal can name her only to someone who may read her).
    pub struct CitizenIdOwner { citizen_id: String, household_code: String, member_no: i64, unit_id: VersionId }
}

/// Stored members holding any of `ids`.
pub fn citizen_id_owners(db: &mut Db, ids: &[&str]) -> Result<Vec<CitizenIdOwner>, StoreError> {
    read_in(
        db,
        "SELECT m.citizen_id, m.household_code, m.member_no, h.unit_id \
         FROM members m JOIN households h ON h.household_code = m.household_code \
         WHERE m.citizen_id IN ({in})",
        ids,
    )
}

stored_row! {
    pub struct MemberNumber { household_code: String, member_no: i64 }
}

/// Member numbers stored for households among `codes`.
pub fn member_numbers(db: &mut Db, codes: &[&str]) -> Result<Vec<MemberNumber>, StoreError> {
    read_in(
        db,
        "SELECT {cols} FROM members WHERE household_code IN ({in})",
        codes,
    )
}

/// The members of households `codes` whose identifiers are not to be shared on `on`:
/// their consent withdrawn on or before that day, or given without sharing.
pub fn withheld(
    db: &mut Db,
    codes: &[&str],
    on: domain::Date,
) -> Result<std::collections::HashSet<(String, i64)>, StoreError> {
    let rows: Vec<ConsentState> = read_in(
        db,
        "SELECT {cols} FROM consents WHERE household_code IN ({in})",
        codes,
    )?;
    Ok(rows
        .into_iter()
        .filter(|c| c.sharing == Some(false) || c.withdrawn_on.is_some_and(|d| d <= on))
        .map(|c| (c.household_code, c.member_no))
        .collect())
}

stored_row! {
    /// A member's consent as her household's page shows it.
    pub struct ConsentOf {
        member_no: i64, given_on: domain::Date, withdrawn_on: Option<domain::Date>,
    }
}

/// The condition ` AND h.unit_id IN (…)` limiting a statement over households `h` to
/// unit versions `units` (`None`: every unit, no condition); `None` when `units` is empty
/// (nothing to read).
pub(crate) fn unit_scope(units: Option<&[i64]>) -> Option<String> {
    match units {
        Some([]) => None,
        // Whole numbers only: written into the statement.
        Some(ids) => Some(format!(
            " AND h.unit_id IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        )),
        None => Some(String::new()),
    }
}

/// How many members of the households of unit versions `units` (`None`: all) have no
/// recorded consent.
pub fn members_without_consent(db: &mut Db, units: Option<&[i64]>) -> Result<i64, StoreError> {
    let Some(scope) = unit_scope(units) else {
        return Ok(0);
    };
    db.query_one(
        &format!(
            "SELECT COUNT(*) AS n FROM members m JOIN households h ON h.household_code = m.household_code \
             WHERE NOT EXISTS (SELECT 1 FROM consents c WHERE c.household_code = m.household_code \
             AND c.member_no = m.member_no){scope}"
        ),
        &[],
    )?
    .get("n")
}

stored_row! {
    /// A household as a list names it: its head and its unit.
    pub struct HouseholdLabel {
        household_code: String, head_name: String, unit_code: String, unit_id: VersionId,
    }
}

/// The stored households among `codes`, as lists name them.
pub fn labels(db: &mut Db, codes: &[&str]) -> Result<Vec<HouseholdLabel>, StoreError> {
    read_in(
        db,
        "SELECT {cols} FROM households WHERE household_code IN ({in})",
        codes,
    )
}

stored_row! {
    /// A member with no recorded consent, as the list of whom to ask shows her.
    pub struct WithoutConsent {
        household_code: String, member_no: i64, full_name: String, unit_code: String,
        unit_id: VersionId, head_name: String,
    }
}

/// The members of the households of unit versions `units` (`None`: all) with no
/// recorded consent, by household, at most `limit` (whom the officers still have to ask).
pub fn without_consent(
    db: &mut Db,
    units: Option<&[i64]>,
    limit: i64,
) -> Result<Vec<WithoutConsent>, StoreError> {
    let Some(scope) = unit_scope(units) else {
        return Ok(Vec::new());
    };
    db.query_as(
        &format!(
            "SELECT m.household_code, m.member_no, m.full_name, h.unit_code, h.unit_id, h.head_name \
             FROM members m JOIN households h ON h.household_code = m.household_code \
             WHERE NOT EXISTS (SELECT 1 FROM consents c WHERE c.household_code = m.household_code \
             AND c.member_no = m.member_no){scope} ORDER BY h.unit_code, m.household_code, m.member_no LIMIT ?"
        ),
        crate::params![limit],
    )
}

/// The consents recorded for the members of household `code`.
pub fn consents_of(db: &mut Db, code: &str) -> Result<Vec<ConsentOf>, StoreError> {
    let sql = "SELECT {cols} FROM consents WHERE household_code = ? ORDER BY member_no";
    db.query_as(sql, crate::params![code])
}

stored_row! {
    /// What a consent says of sharing.
    pub struct ConsentState {
        household_code: String, member_no: i64, sharing: Option<bool>,
        withdrawn_on: Option<domain::Date>,
    }
}

stored_row! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct Household {
        code: String = col "household_code", unit_code: String, unit_id: VersionId,
        registered_on: domain::Date, head_name: String, head_gender: Gender = code "head_gender",
        area: Area = code "area", ethnic_minority: bool, size: i64,
    }
}

/// A code for a new household of `unit_code` when the officer leaves it empty: the unit's
/// code and the next free number (`20443-0007`).
pub fn proposed_code(db: &mut Db, unit_code: &str) -> Result<String, StoreError> {
    let prefix = format!("{unit_code}-");
    let taken: i64 = db
        .query_one(
            "SELECT COUNT(*) AS n FROM households WHERE household_code LIKE ?",
            crate::params![format!("{prefix}%")],
        )?
        .get("n")?;
    let mut next = taken + 1;
    loop {
        let code = format!("{prefix}{next:04}");
        if get(db, &code)?.is_none() {
            return Ok(code);
        }
        next += 1;
    }
}

/// What a breakdown reads of a household (`domain::breakdown::Profile`), as SQL over
/// `households h`: its own columns and its head's ethnic group, that of the member
/// named as the head (the first by number when two are).
pub const PROFILE_COLUMNS: &str = "h.household_code, h.ethnic_minority, h.area, h.head_gender, \
     (SELECT m.ethnicity FROM members m WHERE m.household_code = h.household_code \
      AND m.name_folded = h.head_name_folded AND m.ethnicity IS NOT NULL \
      ORDER BY m.member_no LIMIT 1) AS head_ethnicity";

/// A household's profile from a row selected with [`PROFILE_COLUMNS`].
pub fn profile_of(r: &crate::Row) -> Result<domain::breakdown::Profile, StoreError> {
    Ok(domain::breakdown::Profile {
        ethnic_minority: r.get::<i64>("ethnic_minority")? != 0,
        area: r.code("area")?,
        head_gender: r.code("head_gender")?,
        head_ethnicity: r.code_opt("head_ethnicity")?,
    })
}

/// The profiles of these households.
pub fn profiles_by_codes(
    db: &mut Db,
    codes: &[String],
) -> Result<Vec<(String, domain::breakdown::Profile)>, StoreError> {
    let codes: Vec<Value> = codes.iter().map(Value::from).collect();
    let sql =
        format!("SELECT {PROFILE_COLUMNS} FROM households h WHERE h.household_code IN ({{in}})");
    crate::records::query_in(db, &sql, &[], &codes, 500)?
        .iter()
        .map(|r| Ok((r.get("household_code")?, profile_of(r)?)))
        .collect()
}

pub fn get(db: &mut Db, code: &str) -> Result<Option<Household>, StoreError> {
    let sql = "SELECT {cols} FROM households WHERE household_code = ?";
    Ok(db.query_as(sql, crate::params![code])?.pop())
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
    let sql = format!("SELECT {{cols}} FROM households WHERE household_code = ?{lock}");
    Ok(db.query_as(&sql, crate::params![code])?.pop())
}

/// The households of these unit versions, by code, at most `limit` (what a phone keeps
/// of its officer's units to work offline).
pub fn of_units(db: &mut Db, unit_ids: &[i64], limit: i64) -> Result<Vec<Household>, StoreError> {
    // The first `limit` of each statement the ids are sent in, then of them all.
    let sql = format!(
        "SELECT {} FROM households WHERE unit_id IN ({{in}}) ORDER BY household_code LIMIT {limit}",
        Household::select()
    );
    let ids: Vec<Value> = unit_ids.iter().copied().map(Value::Int).collect();
    let mut out = crate::records::query_in(db, &sql, &[], &ids, 500)?
        .iter()
        .map(Household::from_row)
        .collect::<Result<Vec<Household>, StoreError>>()?;
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}

/// How many stored records hang on household `code` (members, assessments,
/// assignments, supports, project places): a household goes only when none does.
pub fn dependents(db: &mut Db, code: &str) -> Result<i64, StoreError> {
    db.query_one(
        "SELECT (SELECT COUNT(*) FROM members WHERE household_code = ?) \
         + (SELECT COUNT(*) FROM assessments WHERE household_code = ?) \
         + (SELECT COUNT(*) FROM assignments WHERE household_code = ?) \
         + (SELECT COUNT(*) FROM supports WHERE household_code = ?) \
         + (SELECT COUNT(*) FROM project_members WHERE household_code = ?) \
         + (SELECT COUNT(*) FROM consents WHERE household_code = ?) AS n",
        crate::params![code, code, code, code, code, code],
    )?
    .get("n")
}

/// Whether member `member_no` of household `code` has a recorded consent (kept as the
/// evidence it is: the member is not deleted while it stands).
pub fn has_consent(db: &mut Db, code: &str, member_no: i64) -> Result<bool, StoreError> {
    let n: i64 = db
        .query_one(
            "SELECT COUNT(*) AS n FROM consents WHERE household_code = ? AND member_no = ?",
            crate::params![code, member_no],
        )?
        .get("n")?;
    Ok(n > 0)
}

/// How many supports name member `member_no` of household `code` as their recipient.
pub fn supports_to(db: &mut Db, code: &str, member_no: i64) -> Result<i64, StoreError> {
    db.query_one(
        "SELECT COUNT(*) AS n FROM supports WHERE household_code = ? AND member_no = ?",
        crate::params![code, member_no],
    )?
    .get("n")
}

stored_row! {
    #[derive(Clone, Debug, PartialEq)]
    pub struct Member {
        household_code: String, member_no: i64, full_name: String, gender: Gender = code "gender",
        birth_year: Option<i64>, citizen_id: Option<String>, union_member: Option<bool>,
        phone: Option<String>, ethnicity: Option<Ethnicity> = code_opt "ethnicity",
    }
}

/// The members of household `h` as she may see them (`disclosure`): citizen IDs and
/// phones whole for who may write the household's records (a view logged as seen on
/// `surface`), masked for the others.
pub fn members_shown(
    db: &mut Db,
    acc: &Access,
    h: &Household,
    surface: crate::disclosure::Surface,
) -> Result<Vec<Member>, StoreError> {
    let mut members = members_of(db, &h.code)?;
    let mut shown = crate::disclosure::Disclosure::new(acc);
    if surface.shares() {
        shown = shown.sharing(withheld(db, &[h.code.as_str()], acc.today)?);
    }
    for m in &mut members {
        for v in [&mut m.citizen_id, &mut m.phone] {
            if let Some(value) = v.as_deref() {
                let seen = shown.identifier((&h.code, m.member_no), Some(h.unit_id), value);
                *v = (!seen.is_empty()).then_some(seen);
            }
        }
    }
    shown.log(db, &acc.user.actor(), surface, None)?;
    Ok(members)
}

pub fn members_of(db: &mut Db, code: &str) -> Result<Vec<Member>, StoreError> {
    let sql = "SELECT {cols} FROM members WHERE household_code = ? ORDER BY member_no";
    db.query_as(sql, crate::params![code])
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
pub fn search(db: &mut Db, w: &Wanted, limit: i64) -> Result<Vec<Hit>, StoreError> {
    Ok(search_in(db, w, (limit, 0), None)?.1)
}

/// What a search asks: the query folded ([`domain::text::fold`]), and the citizen ID and
/// phone it may be.
pub struct Wanted {
    pub folded: String,
    pub citizen_id: Option<String>,
    pub phone: Option<String>,
}

/// Words a search takes at most: a name has a handful; hundreds would build a query the
/// database refuses ("Expression tree is too large") for nothing a person needs.
pub const MAX_WORDS: usize = 8;

/// `text` for a `LIKE … ESCAPE '\'` pattern: `%`, `_` and `\` match themselves.
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Wanted {
    /// Does the query hold more words than a search takes ([`MAX_WORDS`])?
    pub fn too_many_words(&self) -> bool {
        self.folded.split_whitespace().count() > MAX_WORDS
    }

    /// What a person typed: words of a name or a code, a citizen ID, a phone number.
    pub fn from_query(q: &str) -> Wanted {
        let q = q.trim();
        Wanted {
            folded: domain::text::fold(q),
            citizen_id: domain::ids::CitizenId::parse(q)
                .ok()
                .map(|c| c.as_str().to_owned()),
            phone: domain::ids::Phone::parse(q).map(domain::ids::Phone::into_string),
        }
    }
}

/// The same, limited to households of the unit versions `units` (in the query itself,
/// so that a limit counts only what may be shown), a page at a time: one row per
/// household, found by its code, by every word of its head's or a member's name in any
/// order, or by a member's citizen ID or phone; with the number of households found.
fn search_in(
    db: &mut Db,
    w: &Wanted,
    (limit, offset): (i64, i64),
    units: Option<&[i64]>,
) -> Result<(i64, Vec<Hit>), StoreError> {
    let words: Vec<String> = w
        .folded
        .split_whitespace()
        .take(MAX_WORDS)
        .map(|word| format!("%{}%", like_literal(word)))
        .collect();
    if words.is_empty() && w.citizen_id.is_none() && w.phone.is_none() {
        return Ok((0, Vec::new()));
    }
    let cols: String = Household::COLUMNS
        .iter()
        .map(|c| format!("h.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let scope = match units {
        Some([]) => return Ok((0, Vec::new())),
        Some(ids) => format!(
            " AND h.unit_id IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        ),
        None => String::new(),
    };
    // Every word in the name, in any order; an empty query names nobody.
    let all_words = |col: &str| {
        if words.is_empty() {
            "1 = 0".to_owned()
        } else {
            vec![format!("{col} LIKE ? ESCAPE '\\'"); words.len()].join(" AND ")
        }
    };
    let member = format!(
        "m.household_code = h.household_code AND (({}) OR m.citizen_id = ? OR m.phone = ?)",
        all_words("m.name_folded")
    );
    let matched = format!(
        "(LOWER(h.household_code) LIKE ? ESCAPE '\\' OR ({}) OR EXISTS (SELECT 1 FROM members m WHERE {member})){scope}",
        all_words("h.head_name_folded")
    );
    let word_params = || words.iter().map(|x| Value::from(x.as_str()));
    let member_params = || {
        word_params()
            .chain([
                Value::from(w.citizen_id.as_deref()),
                Value::from(w.phone.as_deref()),
            ])
            .collect::<Vec<_>>()
    };
    let code = Value::from(format!("{}%", like_literal(w.folded.trim())));
    let matched_params: Vec<Value> = std::iter::once(code)
        .chain(word_params())
        .chain(member_params())
        .collect();
    let total: i64 = db
        .query_one(
            &format!("SELECT COUNT(*) AS n FROM households h WHERE {matched}"),
            &matched_params,
        )?
        .get("n")?;
    let first_member = |what: &str| {
        format!("(SELECT {what} FROM members m WHERE {member} ORDER BY m.member_no LIMIT 1)")
    };
    let sql = format!(
        "SELECT {cols}, {} AS member_no, {} AS member_name FROM households h WHERE {matched} \
         ORDER BY h.household_code LIMIT ? OFFSET ?",
        first_member("m.member_no"),
        first_member("m.full_name")
    );
    let params: Vec<Value> = member_params()
        .into_iter()
        .chain(member_params())
        .chain(matched_params)
        .chain([Value::Int(limit), Value::Int(offset)])
        .collect();
    let hits = db
        .query(&sql, &params)?
        .iter()
        .map(|r| {
            Ok(Hit {
                household: Household::from_row(r)?,
                member: match r.get::<Option<i64>>("member_no")? {
                    Some(n) => Some((n, r.get("member_name")?)),
                    None => None,
                },
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((total, hits))
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
    w: &Wanted,
    limit: i64,
) -> Result<Vec<Hit>, StoreError> {
    Ok(search_page(db, acc, w, (limit, 0))?.1)
}

/// A page (limit, offset) of the households of the user's units a search finds, and how
/// many it finds in all.
pub fn search_page(
    db: &mut Db,
    acc: &Access,
    w: &Wanted,
    page: (i64, i64),
) -> Result<(i64, Vec<Hit>), StoreError> {
    let ids = acc.readable_ids();
    search_in(db, w, page, ids.as_deref())
}

/// Households of the user's units whose latest effective status is `status`.
pub fn list_by_status(
    db: &mut Db,
    acc: &Access,
    status: Class,
) -> Result<Vec<Household>, StoreError> {
    let cols: String = Household::COLUMNS
        .iter()
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
    while i < rows.len() {
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
        let h = Household::from_row(&rows[first])?;
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

/// Why a stored household may be the one a person is about to create again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Likeness {
    /// Its head, or one of its members, has the same name in the same unit.
    SameName,
    /// A member has one of the citizen IDs given.
    SameCitizenId,
    /// A member has one of the phones given.
    SamePhone,
}

impl Likeness {
    pub fn label_vi(self) -> &'static str {
        match self {
            Likeness::SameName => "cùng họ tên trong cùng đơn vị",
            Likeness::SameCitizenId => "trùng số CCCD",
            Likeness::SamePhone => "trùng số điện thoại",
        }
    }
}

/// The households of her units that a new one may duplicate: the same name (`folded`,
/// [`domain::text::fold`]) as head or member in unit version `unit_id`, or a member with
/// one of `citizen_ids` or `phones`. Households outside her units are never named (a
/// citizen ID held there is refused by the import as registered elsewhere).
pub fn likely_duplicates(
    db: &mut Db,
    acc: &Access,
    (unit_id, folded): (VersionId, &str),
    citizen_ids: &[String],
    phones: &[String],
) -> Result<Vec<(Household, Likeness)>, StoreError> {
    let cols: String = Household::COLUMNS
        .iter()
        .map(|c| format!("h.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut found: Vec<(Household, Likeness)> = Vec::new();
    let mut add = |rows: Vec<Household>, why: Likeness| {
        for h in rows {
            if acc.can_read_unit(h.unit_id) && !found.iter().any(|(f, _)| f.code == h.code) {
                found.push((h, why));
            }
        }
    };
    if !folded.trim().is_empty() {
        let sql = format!(
            "SELECT {cols} FROM households h WHERE h.unit_id = ? AND (h.head_name_folded = ? \
             OR EXISTS (SELECT 1 FROM members m WHERE m.household_code = h.household_code \
             AND m.name_folded = ?)) ORDER BY h.household_code LIMIT 20"
        );
        let rows = db
            .query(&sql, crate::params![unit_id.0, folded, folded])?
            .iter()
            .map(Household::from_row)
            .collect::<Result<_, _>>()?;
        add(rows, Likeness::SameName);
    }
    for (col, values, why) in [
        ("citizen_id", citizen_ids, Likeness::SameCitizenId),
        ("phone", phones, Likeness::SamePhone),
    ] {
        let values: Vec<&String> = values.iter().filter(|v| !v.is_empty()).take(50).collect();
        if values.is_empty() {
            continue;
        }
        let marks = vec!["?"; values.len()].join(", ");
        let sql = format!(
            "SELECT DISTINCT {cols} FROM households h JOIN members m \
             ON m.household_code = h.household_code WHERE m.{col} IN ({marks}) \
             ORDER BY h.household_code LIMIT 20"
        );
        let params: Vec<Value> = values.iter().map(|v| Value::from(v.as_str())).collect();
        let rows = db
            .query(&sql, &params)?
            .iter()
            .map(Household::from_row)
            .collect::<Result<_, _>>()?;
        add(rows, why);
    }
    Ok(found)
}
