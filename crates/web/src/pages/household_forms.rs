//! The household's own forms: a new family in one form (the household, its members with
//! the head as member 1, this year's assessment and its assignment, written in one
//! import; its code proposed when left empty; the households it may duplicate shown
//! first) and the correction of a household, with a reason, guarded by the version the
//! form was based on.

use super::form_fields::{
    unit_choices, Choices, Field, ASSESSMENT, ASSIGNMENT, HOUSEHOLD, MEMBER, UNION_MEMBER_DEFAULT,
};
use super::forms::{fields_markup, form_markup, import_row, render, take, Errors, How, Values};
use super::saved::Saved;
use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::html::{csrf, household_path};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use domain::contract;
use maud::{html, Markup};
use std::sync::Arc;
use store::households::Likeness;

/// Members a family form holds at most (a household of 30 is already rare).
const FAMILY_MAX: usize = 30;

/// The family form's box by which she says it is another household than those shown.
pub(super) const DUPLICATE_OK: &str = "dup_ok";

/// A family form as she filled it: the household's fields (no prefix), member `i`'s as
/// `m{i}.`, the assessment's as `a.`, the assignment's as `g.`.
pub(super) struct Family {
    values: Values,
    /// Member rows on the form (member 1 is the head).
    members: usize,
}

impl Family {
    pub(super) fn of(values: Values) -> Family {
        // The rows the form had; a phone's entry (no `_members`) has as many as it names.
        let named = values
            .keys()
            .filter_map(|k| {
                k.strip_prefix('m')?
                    .split_once('.')?
                    .0
                    .parse::<usize>()
                    .ok()
            })
            .max()
            .unwrap_or(2);
        let members = values
            .get("_members")
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(named)
            .clamp(1, FAMILY_MAX);
        Family { values, members }
    }

    fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", |v| v.trim())
    }

    /// The member rows she filled, as (prefix on the form, cells of the contract's
    /// `members` row), numbered 1, 2, … in their order; the head is member 1.
    fn member_rows(&self, code: &str) -> Vec<(String, Vec<String>)> {
        let mut rows = Vec::new();
        for i in 1..=self.members {
            let prefix = format!("m{i}.");
            let cell = |col: &str| -> String {
                match (i, col) {
                    (_, "household_code") => code.to_owned(),
                    (1, "full_name") => self.get("head_name").to_owned(),
                    (1, "gender") => self.get("head_gender").to_owned(),
                    _ => self.get(&format!("{prefix}{col}")).to_owned(),
                }
            };
            // A row beyond the head with nothing typed in it is not a member.
            let typed = i == 1
                || ["full_name", "birth_year", "citizen_id", "phone"]
                    .iter()
                    .any(|c| !cell(c).is_empty());
            if !typed {
                continue;
            }
            let no = (rows.len() + 1).to_string();
            let cells = contract::MEMBERS
                .cols
                .iter()
                .map(|c| {
                    if c.name == "member_no" {
                        no.clone()
                    } else {
                        cell(c.name)
                    }
                })
                .collect();
            rows.push((prefix, cells));
        }
        rows
    }

    /// The assessment's cells, when she gave one (an income, a deprivation or a class).
    fn assessment_row(&self, code: &str) -> Option<Vec<String>> {
        let given = ["income_per_capita_vnd", "deprivations", "status"]
            .iter()
            .any(|c| !self.get(&format!("a.{c}")).is_empty());
        given.then(|| {
            ASSESSMENT
                .iter()
                .map(|f| match f.name {
                    "household_code" => code.to_owned(),
                    n => self.get(&format!("a.{n}")).to_owned(),
                })
                .collect()
        })
    }

    /// The assignment's cells, when she ticked it.
    fn assignment_row(&self, code: &str) -> Option<Vec<String>> {
        (self.get("g.on") == "1").then(|| {
            contract::ASSIGNMENTS
                .cols
                .iter()
                .map(|c| match c.name {
                    "household_code" => code.to_owned(),
                    n => self.get(&format!("g.{n}")).to_owned(),
                })
                .collect()
        })
    }
}

/// The fields of member `i` on a family form: the head (member 1) takes her name and
/// gender from the household's; every member's number is given by the form.
pub(super) fn member_fields(i: usize) -> Vec<Field> {
    let left: &[&str] = if i == 1 {
        &["household_code", "member_no", "full_name", "gender"]
    } else {
        &["household_code", "member_no"]
    };
    MEMBER
        .iter()
        .filter(|f| !left.contains(&f.name))
        .copied()
        .collect()
}

fn family_defaults(unit: String, her_unit: &str) -> Values {
    let today = crate::today();
    let mut v: Values = [
        ("unit_code", unit),
        ("registered_on", today.to_string()),
        ("head_gender", "F".into()),
        ("area", "rural".into()),
        ("ethnic_minority", "0".into()),
        ("a.year", today.year().to_string()),
        ("a.kind", "provisional".into()),
        ("a.assessed_on", today.to_string()),
        ("g.unit_code", her_unit.to_owned()),
        ("g.year", today.year().to_string()),
        ("g.assigned_on", today.to_string()),
        ("_members", "2".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for i in 1..=FAMILY_MAX {
        v.insert(format!("m{i}.gender"), "F".into());
        v.insert(format!("m{i}.union_member"), UNION_MEMBER_DEFAULT.into());
    }
    v
}

/// The family form: the household, its members, this year's assessment and the
/// assignment to her unit, saved together or not at all.
fn family_form(
    who: &Authed,
    family: &Family,
    errors: &Errors,
    choices: &Choices,
    duplicates: &[(store::households::Household, Likeness)],
) -> Markup {
    let values = &family.values;
    let household_fields: Vec<Field> = HOUSEHOLD
        .iter()
        .map(|f| match f.name {
            "size" => Field {
                label: "Số nhân khẩu (để trống: bằng số thành viên ghi dưới đây)",
                ..*f
            },
            _ => *f,
        })
        .collect();
    let assessment_fields: Vec<Field> = ASSESSMENT
        .iter()
        .filter(|f| f.name != "household_code")
        .copied()
        .collect();
    let assignment_fields: Vec<Field> = ASSIGNMENT
        .iter()
        .filter(|f| f.name != "household_code")
        .copied()
        .collect();
    let assign_on = family.get("g.on") == "1";
    html! {
        @if let Some(e) = errors.get("") { p.alert role="alert" { (e) } }
        @if !errors.is_empty() && !errors.contains_key("") { p.alert role="alert" { "Chưa lưu: hãy sửa các ô có thông báo lỗi." } }
        @if !duplicates.is_empty() {
            div.alert role="alert" #trung {
                p { strong { "Có thể hộ này đã có:" } }
                ul { @for (h, why) in duplicates {
                    li { a href=(household_path(&h.code)) { (h.code) ": " (h.head_name) } " — " (why.label_vi()) }
                } }
                p { "Nếu đúng là hộ khác, đánh dấu ô dưới đây rồi bấm Lưu lần nữa." }
            }
        }
        form.stack.card method="post" action="/households/new" novalidate {
            (csrf(who))
            input type="hidden" name="_members" value=(family.members);
            @if !duplicates.is_empty() || family.get(DUPLICATE_OK) == "1" {
                label.check { input type="checkbox" name=(DUPLICATE_OK) value="1" checked[family.get(DUPLICATE_OK) == "1"]; " Đây là hộ khác, vẫn tạo hộ mới" }
            }
            fieldset { legend { "Hộ" }
                (fields_markup("", &household_fields, values, errors, choices)) }
            @for i in 1..=family.members {
                fieldset #{"tv" (i)} {
                    legend { "Thành viên " (i) @if i == 1 { " — chủ hộ (họ tên, giới tính như trên)" } }
                    (fields_markup(&format!("m{i}."), &member_fields(i), values, errors, &Choices::default()))
                }
            }
            @if family.members < FAMILY_MAX {
                p { button.secondary type="submit" name="_more" value="1" { "+ Thêm thành viên" } }
            }
            fieldset { legend { "Kết quả rà soát (không bắt buộc)" }
                p.muted { "Để trống thu nhập, thiếu hụt và kết quả nếu chưa rà soát." }
                (fields_markup("a.", &assessment_fields, values, errors, choices)) }
            fieldset { legend { "Phân công giúp đỡ" }
                label.check { input type="checkbox" name="g.on" value="1" checked[assign_on]; " Đơn vị nhận giúp đỡ hộ này" }
                (fields_markup("g.", &assignment_fields, values, errors, choices)) }
            (super::form_fields::unit_datalist("unit-choices", &choices.units))
            p.actions { button type="submit" { "Lưu hộ và thành viên" } }
        }
    }
}

pub async fn household_new(State(st): State<AppState>, who: Authed) -> Reply {
    let choices = unit_choices(&st, &who, HOUSEHOLD).await?;
    let unit = st.scoped(&who, |_db, acc| Ok(acc.root_code())).await?;
    let family = Family::of(family_defaults(unit, &who.user.unit_code));
    let form = family_form(&who, &family, &Errors::new(), &choices, &[]);
    Ok(render(&who, "Thêm hộ", family_intro(), form))
}

fn family_intro() -> Markup {
    html! { p.muted { "Một lần lưu cho cả hộ: thông tin hộ, các thành viên (chủ hộ là thành viên 1, số thứ tự tự đánh), kết quả rà soát và phân công giúp đỡ." } }
}

pub async fn household_create(
    State(st): State<AppState>,
    who: Authed,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    let choices = unit_choices(&st, &who, HOUSEHOLD).await?;
    let mut family = Family::of(take(form));
    let again = |family: &Family, errors: &Errors, dups: &[_]| {
        let form = family_form(&who, family, errors, &choices, dups);
        Ok(render(&who, "Thêm hộ", family_intro(), form))
    };
    // "+ Thêm thành viên": the same form with one more member row, nothing saved.
    if family.get("_more") == "1" {
        family.values.remove("_more");
        family.members = (family.members + 1).min(FAMILY_MAX);
        family
            .values
            .insert("_members".into(), family.members.to_string());
        return again(&family, &Errors::new(), &[]);
    }
    let w = who.clone();
    let (family, answer) = st
        .write_as(&who, move |db| {
            let acc = Arc::new(w.access(db)?);
            let answer = family.write(db, &acc, &w.actor(), None)?;
            Ok((family, answer))
        })
        .await?;
    match answer {
        FamilyAnswer::Stored(code) => {
            Ok(Redirect::to(&Saved::Family.on(&household_path(&code))).into_response())
        }
        FamilyAnswer::Duplicates(dups) => again(&family, &Errors::new(), &dups),
        FamilyAnswer::Refused(errors) => again(&family, &errors, &[]),
    }
}

/// What became of a family sent to be written.
pub(super) enum FamilyAnswer {
    /// Written, under this household code.
    Stored(String),
    /// Not written: households of her units it may be (she has not said it is another).
    Duplicates(Vec<(store::households::Household, Likeness)>),
    /// Not written: each refusal by the form's field (`""`: the whole form).
    Refused(Errors),
}

impl Family {
    /// Writes the family in one import with her rights (`acc`, as `actor`), `guard`
    /// checked inside its transaction: its code proposed when left empty, its size the
    /// number of members when left empty; first, unless she said it is another
    /// household (`dup_ok`), the households of her units it may duplicate.
    pub(super) fn write(
        &mut self,
        db: &mut store::Db,
        acc: &Arc<store::access::Access>,
        actor: &str,
        guard: Option<importer::Guard>,
    ) -> Result<FamilyAnswer, AppError> {
        if self.get("household_code").is_empty() {
            let unit = importer::template::unit_code_of(self.get("unit_code")).to_owned();
            let proposed = store::households::proposed_code(db, &unit)?;
            self.values.insert("household_code".into(), proposed);
        }
        let code = self.get("household_code").to_owned();
        let members = self.member_rows(&code);
        if self.get("size").is_empty() {
            self.values.insert("size".into(), members.len().to_string());
        }
        if self.get(DUPLICATE_OK) != "1" {
            let dups = self.likely_duplicates(db, acc, &members)?;
            if !dups.is_empty() {
                return Ok(FamilyAnswer::Duplicates(dups));
            }
        }
        let table = |kind: &str, header: Vec<String>, rows: Vec<Vec<String>>| {
            importer::source::Table::of_texts(kind.to_owned(), kind.to_owned(), header, rows)
        };
        let names = |spec: &contract::Spec| spec.cols.iter().map(|c| c.name.to_owned()).collect();
        let household = HOUSEHOLD
            .iter()
            .map(|f| self.get(f.name).to_owned())
            .collect();
        let mut tables = vec![
            table(
                "households",
                HOUSEHOLD.iter().map(|f| f.name.to_owned()).collect(),
                vec![household],
            ),
            table(
                "members",
                names(&contract::MEMBERS),
                members.iter().map(|(_, cells)| cells.clone()).collect(),
            ),
        ];
        if let Some(row) = self.assessment_row(&code) {
            let header = ASSESSMENT.iter().map(|f| f.name.to_owned()).collect();
            tables.push(table("assessments", header, vec![row]));
        }
        if let Some(row) = self.assignment_row(&code) {
            tables.push(table(
                "assignments",
                names(&contract::ASSIGNMENTS),
                vec![row],
            ));
        }
        let opts = importer::Options {
            actor: actor.to_owned(),
            access: Some(acc.clone()),
            guard,
            create_only: true,
            ..importer::Options::default()
        };
        match importer::import_tables(db, tables, Vec::new(), &opts) {
            Ok(_) | Err(importer::ImportError::DryRun) => Ok(FamilyAnswer::Stored(code)),
            Err(importer::ImportError::Rejected(r)) => {
                let mut errors = Errors::new();
                for e in r.errors {
                    let said = match e.refusal {
                        importer::refusal::Refusal::PeriodLocked { .. } => {
                            format!("🔒 {}", e.reason_vi())
                        }
                        _ => e.reason_vi(),
                    };
                    errors.entry(field_of(&e, &members)).or_insert(said);
                }
                Ok(FamilyAnswer::Refused(errors))
            }
            Err(importer::ImportError::Store(e)) => Err(e.into()),
        }
    }

    /// The households of her units the family may already be: the head's name in the
    /// same unit, or a member's citizen ID or phone.
    fn likely_duplicates(
        &self,
        db: &mut store::Db,
        acc: &store::access::Access,
        members: &[(String, Vec<String>)],
    ) -> Result<Vec<(store::households::Household, Likeness)>, AppError> {
        let col = |name: &str| {
            contract::MEMBERS
                .cols
                .iter()
                .position(|c| c.name == name)
                .unwrap_or(0)
        };
        let ids: Vec<String> = members
            .iter()
            .filter_map(|(_, cells)| domain::ids::CitizenId::parse(&cells[col("citizen_id")]).ok())
            .map(|c| c.as_str().to_owned())
            .collect();
        let phones: Vec<String> = members
            .iter()
            .filter_map(|(_, cells)| domain::ids::Phone::parse(&cells[col("phone")]))
            .map(domain::ids::Phone::into_string)
            .collect();
        let folded = domain::text::fold(self.get("head_name"));
        let registered =
            domain::Date::parse(self.get("registered_on")).unwrap_or_else(|_| crate::today());
        // The unit as typed ("code — name" or a code), on the household's date.
        let unit = importer::template::unit_code_of(self.get("unit_code"));
        let Some(ix) = acc.graph.version_on(unit, registered) else {
            return Ok(Vec::new());
        };
        let unit_id = acc.graph.version(ix).id;
        Ok(store::households::likely_duplicates(
            db,
            acc,
            (unit_id, &folded),
            &ids,
            &phones,
        )?)
    }
}

/// The field of the family form a refusal is about: the household's (no prefix), member
/// row r's (`m{i}.`), the assessment's (`a.`), the assignment's (`g.`); the head's name
/// and gender are the household's fields.
fn field_of(e: &importer::RowError, members: &[(String, Vec<String>)]) -> String {
    let prefix = match e.file.as_str() {
        "members" => members
            .get(e.row.saturating_sub(2))
            .map_or("", |(p, _)| p.as_str()),
        "assessments" => "a.",
        "assignments" => "g.",
        _ => "",
    };
    match (prefix, e.column.as_str()) {
        ("m1.", "full_name") => "head_name".to_owned(),
        ("m1.", "gender") => "head_gender".to_owned(),
        (_, "") => String::new(),
        (p, c) => format!("{p}{c}"),
    }
}

/// A family form's field in words: "Thành viên 2: Năm sinh", "Rà soát: Thu nhập…".
pub(super) fn family_field_vi(field: &str) -> String {
    let column = |c: &str| contract::column_label_vi(c).to_owned();
    match field.split_once('.') {
        Some((m, c)) if m.starts_with('m') => format!("Thành viên {}: {}", &m[1..], column(c)),
        Some(("a", c)) => format!("Rà soát: {}", column(c)),
        Some(("g", c)) => format!("Phân công: {}", column(c)),
        _ => column(field),
    }
}

/// A fingerprint of the household as stored: a form carries the one it was based on.
pub(super) fn version_of(h: &store::households::Household) -> String {
    crate::auth::token_hash(&format!("{h:?}"))[..16].to_owned()
}

pub(super) fn household_values(h: &store::households::Household) -> Values {
    [
        ("household_code", h.code.clone()),
        ("unit_code", h.unit_code.clone()),
        ("registered_on", h.registered_on.to_string()),
        ("head_name", h.head_name.clone()),
        ("head_gender", h.head_gender.as_str().to_owned()),
        ("area", h.area.as_str().to_owned()),
        (
            "ethnic_minority",
            if h.ethnic_minority { "1" } else { "0" }.to_owned(),
        ),
        ("size", h.size.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The household's fields and the reason for the correction, which every correction asks.
fn edit_fields() -> Vec<Field> {
    let mut fields = HOUSEHOLD.to_vec();
    fields.push(Field {
        name: contract::REASON_COL,
        label: "Lý do sửa *",
        input: super::form_fields::Input::Text,
    });
    fields
}

pub async fn household_edit(
    State(st): State<AppState>,
    who: Authed,
    Path(code): Path<String>,
) -> Reply {
    let choices = unit_choices(&st, &who, HOUSEHOLD).await?;
    let h = st
        .scoped(&who, move |db, acc| {
            store::households::get_writable(db, acc, &code)?.ok_or(AppError::NotFound)
        })
        .await?;
    let action = format!("{}/edit", household_path(&h.code));
    let version = version_of(&h);
    Ok(render(
        &who,
        "Sửa hộ",
        html! {},
        form_markup(
            &who,
            &action,
            &edit_fields(),
            &household_values(&h),
            &Errors::new(),
            &[("_version", &version)],
            &choices,
        ),
    ))
}

pub async fn household_update(
    State(st): State<AppState>,
    who: Authed,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    let choices = unit_choices(&st, &who, HOUSEHOLD).await?;
    let mut values = take(form);
    values.insert("household_code".into(), code.clone());
    let based_on = values.get("_version").cloned().unwrap_or_default();
    let w = who.clone();
    let c = code.clone();
    st.run(move |db| {
        let acc = w.access(db)?;
        store::households::get_writable(db, &acc, &c)?
            .ok_or(AppError::NotFound)
            .map(|_| ())
    })
    .await?;
    let c = code.clone();
    let guard: importer::Guard =
        Arc::new(
            move |db: &mut store::Db| match store::households::get_for_update(db, &c) {
                Ok(Some(h)) if version_of(&h) == based_on => Ok(()),
                _ => Err(importer::refusal::Refusal::ChangedMeanwhile),
            },
        );
    let action = format!("{}/edit", household_path(&code));
    let reason = values
        .get(contract::REASON_COL)
        .map_or("", |r| r.trim())
        .to_owned();
    let result = if reason.is_empty() {
        Err(Errors::from([(
            contract::REASON_COL.to_owned(),
            super::forms::REASON_NEEDED.to_owned(),
        )]))
    } else {
        let header = HOUSEHOLD.iter().map(|f| f.name.to_owned()).collect();
        let cells = HOUSEHOLD
            .iter()
            .map(|f| values.get(f.name).cloned().unwrap_or_default())
            .collect();
        let how = How {
            guard: Some(guard),
            create_only: false,
            reason: Some(reason),
        };
        import_row(&st, &who, "households", (header, cells), how).await?
    };
    match result {
        Ok(()) => Ok(Redirect::to(&Saved::Household.on(&household_path(&code))).into_response()),
        Err(errors) => {
            // Someone else saved first (the error without a field): 409, the form again.
            let status = if errors.contains_key("") {
                axum::http::StatusCode::CONFLICT
            } else {
                axum::http::StatusCode::OK
            };
            let version = values.get("_version").map(String::as_str).unwrap_or("");
            let form = form_markup(
                &who,
                &action,
                &edit_fields(),
                &values,
                &errors,
                &[("_version", version)],
                &choices,
            );
            Ok((status, render(&who, "Sửa hộ", html! {}, form)).into_response())
        }
    }
}
