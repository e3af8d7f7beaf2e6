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
    writable_choices, Choices, Field, Input, ACTIVITY, ACTIVITY_WITH_ID, SUPPORT_WITH_ID,
};
use super::saved::Saved;

pub(super) type Values = HashMap<String, String>;
pub(super) type Errors = HashMap<String, String>;

pub(super) fn form_markup(
    who: &Authed,
    action: &str,
    fields: &[Field],
    values: &Values,
    errors: &Errors,
    extra_hidden: &[(&str, &str)],
    choices: &Choices,
) -> Markup {
    html! {
        @if let Some(e) = errors.get("") { p.alert role="alert" { (e) } }
        @if !errors.is_empty() && !errors.contains_key("") { p.alert role="alert" { "Chưa lưu: hãy sửa các ô có thông báo lỗi." } }
        // `novalidate`: every check is the server's, said in Vietnamese, never the
        // browser's own message in the phone's language.
        form.stack.card method="post" action=(action) novalidate {
            (csrf(who))
            @for (k, val) in extra_hidden { input type="hidden" name=(k) value=(val); }
            (fields_markup("", fields, values, errors, choices))
            @if fields.iter().any(|f| matches!(f.input, Input::Unit)) { (unit_datalist("unit-choices", &choices.units)) }
            p.actions { button type="submit" { "Lưu" }
                @if in_series(fields) { " " button.secondary type="submit" name="_again" value="1" { "Lưu và thêm tiếp" } } }
        }
    }
}

/// The inputs of `fields`, each named `prefix` + the column's name (a family form holds
/// several members' rows), filled with `values` and followed by its error.
pub(super) fn fields_markup(
    prefix: &str,
    fields: &[Field],
    values: &Values,
    errors: &Errors,
    choices: &Choices,
) -> Markup {
    let v = |n: &str| {
        values
            .get(&format!("{prefix}{n}"))
            .cloned()
            .unwrap_or_default()
    };
    html! {
        @for fd in fields {
            @let name = format!("{prefix}{}", fd.name);
            // An id a style sheet and a test can name: `m2-full_name` for `m2.full_name`.
            @let id = name.replace('.', "-");
            @let error = errors.get(&name);
            @let described = error.map(|_| format!("{id}-error"));
            @match fd.input {
                Input::Hidden => { input type="hidden" name=(name) value=(v(fd.name)); }
                Input::Choice(opts) => {
                    label for=(id) { (fd.label) }
                    select id=(id) name=(name) aria-describedby=[&described] { @for (val, text) in opts { option value=(val) selected[*val == v(fd.name)] { (capitalized(text)) } } }
                }
                Input::Member => {
                    label for=(id) { (fd.label) }
                    select id=(id) name=(name) aria-describedby=[&described] {
                        option value="" { "Cả hộ" }
                        @for (no, full_name) in &choices.members {
                            option value=(no) selected[no.to_string() == v(fd.name)] { (no) ". " (full_name) }
                        }
                    }
                }
                Input::Deprivations => {
                    @let chosen: Vec<String> = v(fd.name).split(';').map(|c| c.trim().to_owned()).collect();
                    @let on = domain::Date::parse(&v("assessed_on")).unwrap_or_else(|_| crate::today());
                    @let (standard, offered) = deprivation_choices(on);
                    fieldset { legend { (fd.label) " (" (standard) ")" }
                        @for (code, label) in offered {
                            label.check { input type="checkbox" name=(name) value=(code) checked[chosen.contains(code)]; " " (label) }
                        }
                    }
                }
                Input::Unit => {
                    label for=(id) { (fd.label) }
                    input id=(id) name=(name) value=(v(fd.name)) type="text" list="unit-choices" autocomplete="off" aria-describedby=[&described];
                }
                Input::ChoiceOrAuto(opts, auto) => {
                    label for=(id) { (fd.label) }
                    select id=(id) name=(name) aria-describedby=[&described] {
                        option value="" selected[v(fd.name).is_empty()] { (auto) }
                        @for (val, text) in opts { option value=(val) selected[*val == v(fd.name)] { (capitalized(text)) } }
                    }
                }
                Input::Date => {
                    label for=(id) { (fd.label) " (ngày/tháng/năm)" }
                    input id=(id) name=(name) value=(day_as_typed(&v(fd.name))) type="text" inputmode="numeric"
                        placeholder="DD/MM/YYYY" autocomplete="off" aria-describedby=[&described];
                }
                Input::Number => {
                    label for=(id) { (fd.label) }
                    input id=(id) name=(name) value=(v(fd.name)) type="text" inputmode="numeric" aria-describedby=[&described];
                }
                Input::Text => {
                    label for=(id) { (fd.label) }
                    input id=(id) name=(name) value=(v(fd.name)) type="text" aria-describedby=[&described];
                }
            }
            @if let Some(e) = error { p.error id={(id) "-error"} { (e) } }
        }
    }
}

/// A day as a person types it (DD/MM/YYYY); what she typed, if it is not a day.
fn day_as_typed(raw: &str) -> String {
    domain::date::dmy_text(raw)
}

/// What a correction, a deletion or a restore says when its reason is left empty (the
/// importer's own message names the file's column, which a form does not have).
pub(super) const REASON_NEEDED: &str =
    "Cần ghi lý do: người xem lại hồ sơ sẽ biết vì sao có thay đổi.";

/// How a form's row is written.
pub(super) enum Write {
    /// A new record: a stored key is refused, never replaced.
    Create,
    /// The row replaces the stored one of its key, as a file's would (a year's
    /// assessment recorded again).
    Upsert,
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
    let how = How {
        guard: None,
        create_only: matches!(write, Write::Create),
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
    let table = importer::source::Table::of_texts(kind.to_owned(), "biểu mẫu".into(), header, rows);
    import(st, who, vec![table], how).await
}

async fn import(
    st: &AppState,
    who: &Authed,
    tables: Vec<importer::source::Table>,
    how: How,
) -> Result<Result<(), Vec<importer::RowError>>, AppError> {
    let w = who.clone();
    st.write_as(who, move |db| {
        let acc = Arc::new(w.access(db)?);
        let opts = importer::Options {
            actor: w.actor(),
            access: Some(acc),
            guard: how.guard,
            create_only: how.create_only,
            reason: how.reason,
            ..importer::Options::default()
        };
        match importer::import_tables(db, tables, Vec::new(), &opts) {
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
    back: &str,
    defaults: fn(String, domain::Date) -> Vec<(&'static str, String)>,
) -> Reply {
    who.must_write()?;
    let (units, unit) = st
        .scoped(who, |_db, acc| Ok((writable_choices(acc), acc.root_code())))
        .await?;
    let choices = Choices {
        units,
        members: Vec::new(),
    };
    let values: Values = defaults(unit, crate::today())
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let hidden = [("_back", back)];
    let form = form_markup(
        who,
        action,
        fields,
        &values,
        &Errors::new(),
        &hidden,
        &choices,
    );
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
    choices: &Choices,
    saved: bool,
) -> Response {
    let (_, title, fields) = child_spec(kind);
    let action = format!("{}/{kind}", household_path(&h.code));
    let intro = html! {
        @if saved { p.notice role="status" { "✓ " (Saved::of_kind(kind).vi()) " Nhập tiếp." } }
        p { "Hộ " a href=(household_path(&h.code)) { (h.code) } ": " (h.head_name) }
    };
    let defaults = defaults_for(who, kind, h, choices);
    let none = Errors::new();
    let (values, errors) = values.unwrap_or((&defaults, &none));
    let form = form_markup(who, &action, fields, values, errors, &[], choices);
    render(who, title, intro, form)
}

/// A child form's values before she types: the kind's defaults, and what only the
/// person filling it knows (her name on a consent, her unit on an assignment).
fn defaults_for(
    who: &Authed,
    kind: &str,
    h: &store::households::Household,
    choices: &Choices,
) -> Values {
    let mut defaults = child_defaults(kind, h);
    match kind {
        // A new member takes the next number: nobody counts them by hand.
        "members" => {
            let next = choices.members.iter().map(|(no, _)| *no).max().unwrap_or(0) + 1;
            defaults.insert("member_no".into(), next.to_string());
        }
        "consents" => {
            defaults.insert("collected_by".into(), who.user.full_name.clone());
        }
        "assignments" => {
            defaults.insert("unit_code".into(), who.user.unit_code.clone());
        }
        _ => {}
    }
    defaults
}

/// What a household's child form offers: her units, and the household's members (a
/// support names its recipient by name).
async fn child_choices(
    st: &AppState,
    who: &Authed,
    kind: &str,
    h: &store::households::Household,
) -> Result<Choices, AppError> {
    let mut choices = unit_choices(st, who, child_spec(kind).2).await?;
    if ["supports", "members"].contains(&kind) {
        let code = h.code.clone();
        choices.members = st
            .run(move |db| Ok(store::households::members_of(db, &code)?))
            .await?
            .into_iter()
            .map(|m| (m.member_no, m.full_name))
            .collect();
    }
    Ok(choices)
}

async fn child_form(
    st: AppState,
    who: Authed,
    code: String,
    kind: &str,
    member: Option<i64>,
) -> Reply {
    let h = writable_household(&st, &who, &code).await?;
    let choices = child_choices(&st, &who, kind, &h).await?;
    let Some(no) = member else {
        return Ok(child_page(&who, (kind, &h), None, &choices, false));
    };
    // A form about one member (her consent), opened from her row.
    let mut values = defaults_for(&who, kind, &h, &choices);
    values.insert("member_no".into(), no.to_string());
    Ok(child_page(
        &who,
        (kind, &h),
        Some((&values, &Errors::new())),
        &choices,
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
    let h = writable_household(&st, &who, &code).await?;
    let choices = child_choices(&st, &who, kind, &h).await?;
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
            let choices = child_choices(&st, &who, kind, &h).await?;
            Ok(child_page(&who, (kind, &h), None, &choices, true))
        }
        Ok(()) => {
            let back = format!("{}#{}", household_path(&code), section_of(table));
            Ok(Redirect::to(&Saved::of_kind(table).on(&back)).into_response())
        }
        Err(errors) => Ok(child_page(
            &who,
            (kind, &h),
            Some((&values, &errors)),
            &choices,
            false,
        )),
    }
}

/// The part of the household page that shows records of `table`.
pub(super) fn section_of(table: &str) -> &'static str {
    match table {
        "members" | "consents" => "thanh-vien",
        "assessments" => "ra-soat",
        "households" => "ho",
        _ => "giup-do",
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
    [
        "members",
        "assessments",
        "supports",
        "consents",
        "assignments",
    ]
    .into_iter()
    .find(|k| *k == kind)
    .ok_or(AppError::NotFound)
}

// Activities (not tied to a household).

pub async fn activity_form(
    State(st): State<AppState>,
    who: Authed,
    headers: axum::http::HeaderMap,
) -> Reply {
    let back = super::saved::came_from(&headers).unwrap_or_else(|| ACTIVITIES_LIST.into());
    new_form(&st, &who, NEW_ACTIVITY, &back, |unit, today| {
        vec![
            ("date", today.to_string()),
            ("unit_code", unit),
            ("sessions", "1".into()),
        ]
    })
    .await
}

/// Where a saved activity returns her when the form was not opened from a page.
const ACTIVITIES_LIST: &str = "/records/activities";

pub async fn activity_save(
    State(st): State<AppState>,
    who: Authed,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    let (choices, mut values) = (unit_choices(&st, &who, ACTIVITY).await?, take(form));
    let back = values
        .get("_back")
        .and_then(|b| super::saved::local_path(b))
        .unwrap_or_else(|| ACTIVITIES_LIST.into());
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
    let hidden = [("_back", back.as_str())];
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
                &hidden,
                &choices,
            );
            let saved =
                html! { p.notice role="status" { "✓ " (Saved::Activity.vi()) " Nhập tiếp." } };
            Ok(render(&who, "Ghi hoạt động", saved, form))
        }
        Ok(()) => Ok(Redirect::to(&Saved::Activity.on(&back)).into_response()),
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
                &hidden,
                &choices,
            ),
        )),
    }
}
