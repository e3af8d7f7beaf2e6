//! The household's own forms: a new household (its code proposed when left empty) and
//! the correction of one, guarded by the version the form was based on.

use super::form_fields::{unit_choices, HOUSEHOLD};
use super::forms::{form_markup, new_form, render, save_row, take, Errors, NewForm, Values, Write};
use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::html::household_path;
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use std::sync::Arc;

pub async fn household_create(
    State(st): State<AppState>,
    who: Authed,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    let (units, mut values) = (unit_choices(&st, &who, HOUSEHOLD).await?, take(form));
    if values
        .get("household_code")
        .is_none_or(|c| c.trim().is_empty())
    {
        let unit = values.get("unit_code").cloned().unwrap_or_default();
        let proposed = st
            .run(move |db| Ok(store::households::proposed_code(db, &unit)?))
            .await?;
        values.insert("household_code".into(), proposed);
    }
    let code = values.get("household_code").cloned().unwrap_or_default();
    // A new household must not overwrite one that exists.
    match save_row(
        &st,
        &who,
        "households",
        HOUSEHOLD,
        values.clone(),
        Write::Create,
    )
    .await?
    {
        Ok(()) => Ok(Redirect::to(&household_path(&code)).into_response()),
        Err(errors) => Ok(render(
            &who,
            "Thêm hộ",
            html! {},
            form_markup(
                &who,
                "/households/new",
                HOUSEHOLD,
                &values,
                &errors,
                &[],
                &units,
            ),
        )),
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

pub async fn household_edit(
    State(st): State<AppState>,
    who: Authed,
    Path(code): Path<String>,
) -> Reply {
    let units = unit_choices(&st, &who, HOUSEHOLD).await?;
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
            HOUSEHOLD,
            &household_values(&h),
            &Errors::new(),
            &[("_version", &version)],
            &units,
        ),
    ))
}

pub async fn household_update(
    State(st): State<AppState>,
    who: Authed,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    let units = unit_choices(&st, &who, HOUSEHOLD).await?;
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
    let write = Write::Edit(guard);
    match save_row(&st, &who, "households", HOUSEHOLD, values.clone(), write).await? {
        Ok(()) => Ok(Redirect::to(&household_path(&code)).into_response()),
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
                HOUSEHOLD,
                &values,
                &errors,
                &[("_version", version)],
                &units,
            );
            Ok((status, render(&who, "Sửa hộ", html! {}, form)).into_response())
        }
    }
}

const NEW_HOUSEHOLD: NewForm = ("Thêm hộ", "/households/new", HOUSEHOLD);

pub async fn household_new(State(st): State<AppState>, who: Authed) -> Reply {
    new_form(&st, &who, NEW_HOUSEHOLD, |unit, today| {
        let fixed = [
            ("head_gender", "F"),
            ("area", "rural"),
            ("ethnic_minority", "0"),
            ("size", "1"),
        ];
        let mut v = vec![("unit_code", unit), ("registered_on", today.to_string())];
        v.extend(fixed.map(|(k, d)| (k, d.to_owned())));
        v
    })
    .await
}
