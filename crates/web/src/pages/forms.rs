//! Entry forms: household, member, assessment, support, activity. Each form posts one
//! row through the importer, so a form is checked exactly like a file (same rules, same
//! Vietnamese messages, same audit), and the messages land next to their fields with the
//! officer's input kept.

use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::html::{csrf, household_path};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::vocab::capitalized;
use maud::{html, Markup};
use std::collections::HashMap;
use std::sync::Arc;

pub(super) use super::form_fields::person_must_give;
use super::form_fields::{
    child_defaults, child_spec, deprivation_choices, in_series, unit_choices, unit_datalist,
    writable_choices, Field, Input, UnitChoices, ACTIVITY, ACTIVITY_WITH_ID, SUPPORT_WITH_ID,
};

pub(super) type Values = HashMap<String, String>;
pub(super) type Errors = HashMap<String, String>;

pub(super) fn form_markup(
    who: &Authed,
    action: &str,
    fields: &[Field],
    values: &Values,
    errors: &Errors,
    extra_hidden: &[(&str, &str)],
    units: &UnitChoices,
) -> Markup {
    let v = |n: &str| values.get(n).cloned().unwrap_or_default();
    html! {
        @if let Some(e) = errors.get("") { p.alert { (e) } }
        @if !errors.is_empty() && !errors.contains_key("") { p.alert { "Chưa lưu: hãy sửa các ô có thông báo lỗi." } }
        form.stack.card method="post" action=(action) {
            (csrf(who))
            @for (k, val) in extra_hidden { input type="hidden" name=(k) value=(val); }
            @for fd in fields {
                @match fd.input {
                    Input::Hidden => { input type="hidden" name=(fd.name) value=(v(fd.name)); }
                    Input::Choice(opts) => {
                        label for=(fd.name) { (fd.label) }
                        select id=(fd.name) name=(fd.name) { @for (val, text) in opts { option value=(val) selected[*val == v(fd.name)] { (capitalized(text)) } } }
                    }
                    Input::Deprivations => {
                        @let chosen: Vec<String> = v(fd.name).split(';').map(|c| c.trim().to_owned()).collect();
                        fieldset { legend { (fd.label) }
                            @for (code, label) in deprivation_choices() {
                                label.check { input type="checkbox" name=(fd.name) value=(code) checked[chosen.contains(code)]; " " (label) }
                            }
                        }
                    }
                    Input::Unit => {
                        label for=(fd.name) { (fd.label) }
                        input id=(fd.name) name=(fd.name) value=(v(fd.name)) type="text" list="unit-choices" autocomplete="off";
                        (unit_datalist("unit-choices", units))
                    }
                    Input::ChoiceOrAuto(opts, auto) => {
                        label for=(fd.name) { (fd.label) }
                        select id=(fd.name) name=(fd.name) {
                            option value="" selected[v(fd.name).is_empty()] { (auto) }
                            @for (val, text) in opts { option value=(val) selected[*val == v(fd.name)] { (capitalized(text)) } }
                        }
                    }
                    _ => {
                        label for=(fd.name) { (fd.label) }
                        input id=(fd.name) name=(fd.name) value=(v(fd.name)) type=(match fd.input { Input::Date => "date", Input::Number => "number", _ => "text" }) inputmode=[matches!(fd.input, Input::Number).then_some("numeric")];
                    }
                }
                @if let Some(e) = errors.get(fd.name) { p.error { (e) } }
            }
            p { button type="submit" { "Lưu" }
                @if in_series(fields) { " " button.secondary type="submit" name="_again" value="1" { "Lưu và thêm tiếp" } } }
        }
    }
}

/// How a form's row is written.
pub(super) enum Write {
    /// A new record: a stored key is refused, never replaced.
    Create,
    /// The row replaces the stored one of its key, as a file's would (a year's
    /// assessment recorded again).
    Upsert,
    /// An edit of the record whose stored version the guard compares, inside the write's
    /// transaction with the row locked.
    Edit(importer::Guard),
}

/// Saves one row of `kind` through the importer with the user's rights; field errors on
/// refusal.
pub(super) async fn save_row(
    st: &AppState,
    who: &Authed,
    kind: &'static str,
    fields: &'static [Field],
    values: Values,
    write: Write,
) -> Result<Result<(), Errors>, AppError> {
    let header: Vec<String> = fields.iter().map(|f| f.name.to_owned()).collect();
    let cells = fields
        .iter()
        .map(|f| values.get(f.name).cloned().unwrap_or_default())
        .collect();
    let (guard, create_only) = match write {
        Write::Create => (None, true),
        Write::Upsert => (None, false),
        Write::Edit(guard) => (Some(guard), false),
    };
    let how = How {
        guard,
        create_only,
        reason: None,
    };
    import_row(st, who, kind, (header, cells), how).await
}

/// How a page's row is written: a guard checked inside the write's transaction, whether
/// a stored key is refused, and the reason a person gave.
pub(super) struct How {
    pub guard: Option<importer::Guard>,
    pub create_only: bool,
    pub reason: Option<String>,
}

/// Writes one row (header, cells) of file kind `kind` through the importer with the
/// user's rights, as a file's row would be; the refusals by column on failure.
pub(super) async fn import_row(
    st: &AppState,
    who: &Authed,
    kind: &str,
    (header, cells): (Vec<String>, Vec<String>),
    how: How,
) -> Result<Result<(), Errors>, AppError> {
    Ok(import_rows(st, who, kind, header, vec![cells], how)
        .await?
        .map_err(|errors| {
            errors
                .into_iter()
                .map(|e| match e.refusal {
                    // A lock is about the period, not a cell: said over the whole form.
                    importer::refusal::Refusal::PeriodLocked { .. } => {
                        (String::new(), format!("🔒 {}", e.reason_vi()))
                    }
                    _ => (e.column.clone(), e.reason_vi()),
                })
                .collect()
        }))
}

/// Writes rows of file kind `kind` (a page's grid, each row numbered from 2 as in a file)
/// through the importer with the user's rights, all or nothing; every refusal on failure.
pub(super) async fn import_rows(
    st: &AppState,
    who: &Authed,
    kind: &str,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    how: How,
) -> Result<Result<(), Vec<importer::RowError>>, AppError> {
    let w = who.clone();
    let kind = kind.to_owned();
    st.run(move |db| {
        let acc = Arc::new(w.access(db)?);
        let table = importer::source::Table::of_texts(kind, "biểu mẫu".into(), header, rows);
        let opts = importer::Options {
            actor: w.actor(),
            access: Some(acc),
            guard: how.guard,
            create_only: how.create_only,
            reason: how.reason,
            ..importer::Options::default()
        };
        match importer::import_tables(db, vec![table], Vec::new(), &opts) {
            Ok(_) | Err(importer::ImportError::DryRun) => Ok(Ok(())),
            Err(importer::ImportError::Rejected(r)) => Ok(Err(r.errors)),
            Err(importer::ImportError::Store(e)) => Err(e.into()),
        }
    })
    .await
}

/// A posted form's values (its CSRF token was checked by the session layer).
/// A posted form's values; a field sent several times (the deprivations' checkboxes) is
/// one value, its parts joined by `;` as in a file.
pub(super) fn take(form: Vec<(String, String)>) -> Values {
    let mut values = Values::new();
    for (k, v) in form {
        values
            .entry(k)
            .and_modify(|old: &mut String| {
                old.push(';');
                old.push_str(&v);
            })
            .or_insert(v);
    }
    values
}

pub(super) fn render(
    who: &Authed,
    title: &str,
    intro: impl maud::Render,
    body: impl maud::Render,
) -> Response {
    who.page(title, html! { h1 { (title) } (intro) (body) })
        .into_response()
}

/// A new record's form (its action and fields), filled with its defaults.
/// A new record's form, filled with `defaults` (given her own unit's code and today).
pub(super) async fn new_form(
    st: &AppState,
    who: &Authed,
    (title, action, fields): NewForm,
    defaults: fn(String, domain::Date) -> Vec<(&'static str, String)>,
) -> Reply {
    who.must_write()?;
    let (units, unit) = st
        .scoped(who, |_db, acc| Ok((writable_choices(acc), acc.root_code())))
        .await?;
    let values: Values = defaults(unit, crate::today())
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let form = form_markup(who, action, fields, &values, &Errors::new(), &[], &units);
    Ok(render(who, title, html! {}, form))
}

/// A new record's form: its title, where it posts, its fields.
pub(super) type NewForm = (&'static str, &'static str, &'static [Field]);

const NEW_ACTIVITY: NewForm = ("Ghi hoạt động", "/activities/new", ACTIVITY);

// Rows that hang on a household: member, assessment, support.

async fn writable_household(
    st: &AppState,
    who: &Authed,
    code: &str,
) -> Result<store::households::Household, AppError> {
    let (w, c) = (who.clone(), code.to_owned());
    st.run(move |db| {
        let acc = w.access(db)?;
        store::households::get_writable(db, &acc, &c)?.ok_or(AppError::NotFound)
    })
    .await
}

/// A household's child form (`kind`): filled with `values` and their `errors`, or with
/// its defaults when `values` is `None`; `saved` says the last one was saved.
fn child_page(
    who: &Authed,
    (kind, h): (&str, &store::households::Household),
    values: Option<(&Values, &Errors)>,
    units: &UnitChoices,
    saved: bool,
) -> Response {
    let (_, title, fields) = child_spec(kind);
    let action = format!("{}/{kind}", household_path(&h.code));
    let intro = html! {
        @if saved { p.notice { "Đã lưu. Nhập tiếp." } }
        p { "Hộ " a href=(household_path(&h.code)) { (h.code) } ": " (h.head_name) }
    };
    let mut defaults = child_defaults(kind, h);
    if kind == "consents" {
        defaults.insert("collected_by".into(), who.user.full_name.clone());
    }
    let none = Errors::new();
    let (values, errors) = values.unwrap_or((&defaults, &none));
    let form = form_markup(who, &action, fields, values, errors, &[], units);
    render(who, title, intro, form)
}

async fn child_form(
    st: AppState,
    who: Authed,
    code: String,
    kind: &str,
    member: Option<i64>,
) -> Reply {
    let units = unit_choices(&st, &who, child_spec(kind).2).await?;
    let h = writable_household(&st, &who, &code).await?;
    let Some(no) = member else {
        return Ok(child_page(&who, (kind, &h), None, &units, false));
    };
    // A form about one member (her consent), opened from her row.
    let mut values = child_defaults(kind, &h);
    values.insert("member_no".into(), no.to_string());
    if kind == "consents" {
        values.insert("collected_by".into(), who.user.full_name.clone());
    }
    Ok(child_page(
        &who,
        (kind, &h),
        Some((&values, &Errors::new())),
        &units,
        false,
    ))
}

async fn child_save(
    st: AppState,
    who: Authed,
    code: String,
    kind: &str,
    form: Vec<(String, String)>,
) -> Reply {
    let units = unit_choices(&st, &who, child_spec(kind).2).await?;
    let h = writable_household(&st, &who, &code).await?;
    let mut values = take(form);
    values.insert("household_code".into(), h.code.clone());
    let (table, _, fields) = child_spec(kind);
    // A support gets a record id of its own (the contract's natural key for supports).
    let sent = if table == "supports" {
        values.insert(
            "record_id".into(),
            format!("W-{}", &crate::auth::random_token()[..12]),
        );
        SUPPORT_WITH_ID.as_slice()
    } else {
        fields
    };
    // A member or a support is new; an assessment of a year and kind replaces the
    // stored one, as in a file.
    let write = if table == "assessments" {
        Write::Upsert
    } else {
        Write::Create
    };
    let missing = person_must_give(table, &values);
    let result = if missing.is_empty() {
        save_row(&st, &who, table, sent, values.clone(), write).await?
    } else {
        Err(missing)
    };
    match result {
        // "Lưu và thêm tiếp": the same form again, empty.
        Ok(()) if values.contains_key("_again") => {
            Ok(child_page(&who, (kind, &h), None, &units, true))
        }
        Ok(()) => Ok(Redirect::to(&household_path(&code)).into_response()),
        Err(errors) => Ok(child_page(
            &who,
            (kind, &h),
            Some((&values, &errors)),
            &units,
            false,
        )),
    }
}

/// The forms that hang on a household: `kind` is members, assessments or supports.
#[derive(serde::Deserialize)]
pub struct ChildQuery {
    /// The member the form is about (a consent opened from her row).
    member: Option<i64>,
}

pub async fn child_get(
    State(st): State<AppState>,
    who: Authed,
    Path((code, kind)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<ChildQuery>,
) -> Reply {
    who.must_write()?;
    child_form(st, who, code, child_kind(&kind)?, q.member).await
}

pub async fn child_post(
    State(st): State<AppState>,
    who: Authed,
    Path((code, kind)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    who.must_write()?;
    child_save(st, who, code, child_kind(&kind)?, form).await
}

fn child_kind(kind: &str) -> Result<&'static str, AppError> {
    ["members", "assessments", "supports", "consents"]
        .into_iter()
        .find(|k| *k == kind)
        .ok_or(AppError::NotFound)
}

// Activities (not tied to a household).

pub async fn activity_form(State(st): State<AppState>, who: Authed) -> Reply {
    new_form(&st, &who, NEW_ACTIVITY, |unit, today| {
        vec![
            ("date", today.to_string()),
            ("unit_code", unit),
            ("sessions", "1".into()),
        ]
    })
    .await
}

pub async fn activity_save(
    State(st): State<AppState>,
    who: Authed,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    let (units, mut values) = (unit_choices(&st, &who, ACTIVITY).await?, take(form));
    values.insert(
        "record_id".into(),
        format!("W-{}", &crate::auth::random_token()[..12]),
    );
    let missing = person_must_give("activities", &values);
    let result = if missing.is_empty() {
        save_row(
            &st,
            &who,
            "activities",
            ACTIVITY_WITH_ID,
            values.clone(),
            Write::Create,
        )
        .await?
    } else {
        Err(missing)
    };
    match result {
        // "Lưu và thêm tiếp": the next activity of the same day, unit and type.
        Ok(()) if values.contains_key("_again") => {
            let kept: Values = ["date", "unit_code", "activity_type"]
                .into_iter()
                .filter_map(|k| Some((k.to_owned(), values.get(k)?.clone())))
                .chain([("sessions".to_owned(), "1".to_owned())])
                .collect();
            let form = form_markup(
                &who,
                "/activities/new",
                ACTIVITY,
                &kept,
                &Errors::new(),
                &[],
                &units,
            );
            let saved = html! { p.notice { "Đã lưu. Nhập tiếp." } };
            Ok(render(&who, "Ghi hoạt động", saved, form))
        }
        Ok(()) => Ok(Redirect::to("/reports").into_response()),
        Err(errors) => Ok(render(
            &who,
            "Ghi hoạt động",
            html! {},
            form_markup(
                &who,
                "/activities/new",
                ACTIVITY,
                &values,
                &errors,
                &[],
                &units,
            ),
        )),
    }
}
