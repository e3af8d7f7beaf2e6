//! Entry without a network (issue 16): the page a phone keeps (`/offline`, cached by the
//! service worker with the style sheet and its script), the data it keeps (her units'
//! households, the contract's rules to check entries with), and `/api/sync`, where each
//! entry made offline arrives once it can. An entry carries an id made on the phone: its
//! receipt is stored with it, so a retry is answered "already stored" and nothing is
//! stored twice. Every entry is written through the importer with her rights, as a form's
//! row would be (scope, roles, locked periods); an edit carries the version it was made
//! on, and a change made meanwhile on the server comes back as a conflict, field by field.

use super::form_fields::{
    unit_choices, unit_datalist, Field, Input, ACTIVITY, ASSESSMENT, CONSENT, HOUSEHOLD, MEMBER,
    SUPPORT,
};
use super::household_forms::{household_values, version_of};
use crate::api::ApiUser;
use crate::auth::Authed;
use crate::error::{AppError, Page};
use crate::html::csrf;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::vocab::capitalized;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::ToSchema;

/// The kinds a phone may enter offline, with their forms' fields and headings.
fn kinds() -> [(&'static str, &'static str, &'static [Field]); 6] {
    [
        ("households", "Hộ mới / sửa hộ", HOUSEHOLD),
        ("members", "Thành viên", MEMBER.as_slice()),
        ("assessments", "Kết quả rà soát", ASSESSMENT),
        ("supports", "Hỗ trợ", SUPPORT.as_slice()),
        ("activities", "Hoạt động", ACTIVITY),
        ("consents", "Phiếu đồng ý", CONSENT.as_slice()),
    ]
}

/// Households a phone keeps at most (her own units': a commune has hundreds).
const KEPT_HOUSEHOLDS: i64 = 3000;

fn fields_markup(kind: &str, fields: &[Field]) -> Markup {
    html! {
        @for fd in fields {
            @let id = format!("{kind}-{}", fd.name);
            @match fd.input {
                Input::Hidden => {
                    label for=(id) { "Hộ" }
                    select id=(id) name=(fd.name) .households required {}
                }
                Input::Choice(opts) | Input::ChoiceOrAuto(opts, _) => {
                    label for=(id) { (fd.label) }
                    select id=(id) name=(fd.name) {
                        @if let Input::ChoiceOrAuto(_, auto) = fd.input { option value="" { (auto) } }
                        @for (val, text) in opts { option value=(val) { (capitalized(text)) } }
                    }
                }
                Input::Deprivations => {
                    fieldset { legend { (fd.label) }
                        @for (code, label) in &super::form_fields::deprivation_choices(crate::today()).1 {
                            label.check { input type="checkbox" name=(fd.name) value=(code); " " (label) }
                        }
                    }
                }
                Input::Unit => {
                    label for=(id) { (fd.label) }
                    input id=(id) name=(fd.name) type="text" list="unit-choices" autocomplete="off";
                }
                _ => {
                    label for=(id) { (fd.label) }
                    input id=(id) name=(fd.name) type=(match fd.input { Input::Date => "date", Input::Number | Input::Member => "number", _ => "text" })
                        inputmode=[matches!(fd.input, Input::Number | Input::Member).then_some("numeric")];
                }
            }
            p.error data-for=(fd.name) {}
        }
    }
}

/// The page a phone keeps: the entry forms, the list of entries waiting to be sent, and
/// the households of her units to pick from; the script does the rest.
pub async fn page(State(st): State<AppState>, who: Authed) -> Page {
    let units = unit_choices(&st, &who, HOUSEHOLD).await?;
    let body = html! {
        h1 { "Nhập khi không có mạng" }
        p #net.muted { "Đang kiểm tra kết nối…" }
        div.card {
            strong { "Chờ gửi: " span #pending { "0" } }
            " " button #send.secondary type="button" { "Gửi ngay" }
            p #sync-note.muted {}
            ul #queue {}
        }
        p.muted { "Trang này dùng được cả khi mất mạng sau một lần mở khi có mạng. Mục nhập được giữ trên máy, kiểm tra như trên máy chủ, và tự gửi khi có mạng lại." }
        (unit_datalist("unit-choices", &units.units))
        nav.tabs {
            @for (kind, title, _) in kinds() { a href={"#f-" (kind)} { (title) } " " }
        }
        @for (kind, title, fields) in kinds() {
            form.stack.card.entry id={"f-" (kind)} data-kind=(kind) {
                h2 { (title) }
                input type="hidden" name="_client_id";
                input type="hidden" name="_base_version";
                (fields_markup(kind, fields))
                p { button type="submit" { "Lưu vào máy" } }
            }
        }
        p { a href="/follow-up" { "Hộ cần theo dõi" } " — danh sách đi thăm, xem được cả khi mất mạng nếu đã mở một lần khi có mạng." }
        h2 { "Hộ của đơn vị (" span #hh-count { "0" } ")" }
        ul #households {}
        (csrf(&who))
        script src="/static/offline.js" defer {}
    };
    Ok(who.page("Nhập không cần mạng", body))
}

/// Her units' households as a phone keeps them.
#[derive(Serialize, ToSchema)]
pub struct OfflineHouseholds {
    /// Each household's columns of the contract (as text), and `_version`, the version
    /// an edit made offline is based on.
    households: Vec<BTreeMap<String, String>>,
}

/// Các hộ thuộc đơn vị của người dùng, để điện thoại giữ khi không có mạng.
#[utoipa::path(get, path = "/offline/households",
    responses((status = 200, body = OfflineHouseholds), (status = 401, body = crate::error::ApiError)))]
pub async fn households(
    State(st): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<OfflineHouseholds>, Response> {
    st.scoped(&who, move |db, acc| {
        // Every unit version whose records she may write (a commune merged into hers
        // brings its households).
        let ids: Vec<i64> = acc
            .graph
            .versions()
            .iter()
            .map(|v| v.id)
            .filter(|&id| acc.can_write_unit(id))
            .map(|id| id.0)
            .collect();
        let list = store::households::of_units(db, &ids, KEPT_HOUSEHOLDS)?;
        let households = list
            .iter()
            .map(|h| {
                let mut v: BTreeMap<String, String> = household_values(h).into_iter().collect();
                v.insert("_version".into(), version_of(h));
                v
            })
            .collect();
        Ok(Json(OfflineHouseholds { households }))
    })
    .await
    .map_err(AppError::json)
}

/// The data contract as the phone checks entries with it (`importer::formats::json`):
/// `kinds`, each kind's columns (name, type, required, pattern, vocabulary), and
/// `indicators`, each indicator's code and Vietnamese name.
#[derive(Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct Contract(Value);

/// Các quy tắc của hợp đồng dữ liệu để điện thoại kiểm tra trước khi gửi.
///
/// Every kind's columns, types, required columns and vocabularies, as the importer checks
/// them (`importer::formats`).
#[utoipa::path(get, path = "/offline/contract",
    responses((status = 200, body = Contract), (status = 401, body = crate::error::ApiError)))]
pub async fn contract(ApiUser(_who): ApiUser) -> Json<Contract> {
    Json(Contract(importer::formats::json()))
}

/// An entry made on a phone.
#[derive(Deserialize, ToSchema)]
pub struct Entry {
    /// The id the phone made (8–64 letters, digits or `-`): a second send of it stores
    /// nothing.
    client_id: String,
    /// `households`, `members`, `assessments`, `supports` or `activities`.
    kind: String,
    /// The columns of the contract's kind.
    #[schema(value_type = Object)]
    row: Map<String, Value>,
    /// For an edit: the version of the record the phone changed.
    #[serde(default)]
    base_version: Option<String>,
}

fn cell(row: &Map<String, Value>, k: &str) -> String {
    match row.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(";"),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// Entries sent at once at most: a phone on a slow line sends its queue in a few
/// requests, each entry written and answered on its own.
const PER_REQUEST: usize = 100;

/// What became of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Written.
    Stored,
    /// A retry of an entry stored before: nothing written again.
    Already,
    /// Not written, for the reasons given; it stays on the phone to be corrected.
    Refused,
    /// The record changed on the server since the phone's copy: its values now, to decide.
    Conflict,
}

/// One entry's answer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SyncAnswer {
    /// The phone's id of the entry.
    client_id: String,
    outcome: Outcome,
    /// The stored record's key, as files write it (`QN000123 / 2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    /// Why it was refused, column by column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<SyncError>,
    /// For a conflict: the household's columns as stored now.
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<BTreeMap<String, String>>,
    /// For a conflict: the version to base the decided edit on.
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
}

/// A reason an entry was refused.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SyncError {
    /// The column's code (`""`: the whole entry).
    column: String,
    /// The column's Vietnamese name.
    label: String,
    /// Why, in Vietnamese.
    message: String,
}

impl SyncAnswer {
    fn of(outcome: Outcome) -> SyncAnswer {
        SyncAnswer {
            client_id: String::new(),
            outcome,
            key: None,
            errors: Vec::new(),
            current: None,
            version: None,
        }
    }

    fn stored(outcome: Outcome, key: String) -> SyncAnswer {
        SyncAnswer {
            key: Some(key),
            ..SyncAnswer::of(outcome)
        }
    }
}

/// Entries sent to `/api/sync`: one, or an array of them.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Sent {
    Many(Vec<Value>),
    One(Value),
}

/// Gửi các mục đã nhập khi không có mạng; mỗi mục được trả lời riêng.
///
/// Entries from a phone (one, or an array of up to 100), each answered with its outcome:
/// `stored`, `already` (a retry of one stored before), `refused` (with each reason in
/// Vietnamese; it stays on the phone), or `conflict` (the record changed on the server
/// since: its values now, to decide). Each entry is its own transaction: one refused
/// entry does not hold back the others. One entry sent alone is answered alone.
#[utoipa::path(post, path = "/sync",
    request_body(content = Vec<Entry>, description = "Một mục, hoặc một mảng tối đa 100 mục"),
    responses((status = 200, body = Vec<SyncAnswer>, description = "Kết quả từng mục (một mục gửi riêng: một kết quả)"),
              (status = 400, body = crate::error::ApiError, description = "Quá 100 mục, hoặc mục không đọc được"),
              (status = 401, body = crate::error::ApiError), (status = 403, body = crate::error::ApiError, description = "Vai trò chỉ được xem")))]
pub async fn sync(
    State(st): State<AppState>,
    ApiUser(who): ApiUser,
    Json(body): Json<Sent>,
) -> Response {
    let (entries, one) = match body {
        Sent::Many(items) => (items, false),
        Sent::One(single) => (vec![single], true),
    };
    if entries.len() > PER_REQUEST {
        return AppError::BadRequest(format!("Gửi tối đa {PER_REQUEST} mục một lần.")).json();
    }
    let entries: Result<Vec<Entry>, _> = entries.into_iter().map(serde_json::from_value).collect();
    let Ok(entries) = entries else {
        return AppError::BadRequest("Mục gửi lên không hợp lệ.".into()).json();
    };
    if !who.user.role.writes() {
        return AppError::Forbidden.json();
    }
    let answer = st
        .run_as(&who.clone(), move |db| {
            // Her rights, computed once for the whole batch: a refused entry costs its
            // checks, not the access computation again.
            let acc = Arc::new(who.access(db)?);
            entries
                .into_iter()
                .map(|e| {
                    let id_ok = (8..=64).contains(&e.client_id.len())
                        && e.client_id
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
                    let id = e.client_id.clone();
                    let answer = match kinds().iter().find(|(k, _, _)| *k == e.kind) {
                        Some((kind, _, _)) if id_ok => sync_one(db, &who, &acc, kind, e)?,
                        _ => refused(&[("", "Mục gửi lên không hợp lệ.".into())]),
                    };
                    Ok(SyncAnswer {
                        client_id: id,
                        ..answer
                    })
                })
                .collect::<Result<Vec<SyncAnswer>, AppError>>()
        })
        .await;
    match answer {
        Ok(mut v) if one => match v.pop() {
            Some(a) => Json(a).into_response(),
            None => AppError::BadRequest("Mục gửi lên không hợp lệ.".into()).json(),
        },
        Ok(v) => Json(v).into_response(),
        Err(e) => e.json(),
    }
}

fn sync_one(
    db: &mut store::Db,
    who: &Authed,
    acc: &Arc<store::access::Access>,
    kind: &'static str,
    e: Entry,
) -> Result<SyncAnswer, AppError> {
    let mine = |r: &store::sync::Receipt| r.user_id == who.user.id;
    if let Some(r) = store::sync::receipt(db, &e.client_id)? {
        if mine(&r) {
            return Ok(SyncAnswer::stored(Outcome::Already, r.record_key));
        }
        return Ok(refused(&[(
            "",
            "Mã mục trùng với mục của người khác; hãy nhập lại.".into(),
        )]));
    }
    let spec = importer::kinds::find(kind)
        .ok_or(AppError::NotFound)?
        .spec();
    let mut row = e.row;
    // A support or an activity is keyed by the phone's id: a record of its own.
    if matches!(kind, "supports" | "activities") {
        row.insert(
            "record_id".into(),
            Value::String(format!("M-{}", e.client_id)),
        );
    }
    if kind == "households" && cell(&row, "household_code").trim().is_empty() {
        let unit = importer::template::unit_code_of(&cell(&row, "unit_code")).to_owned();
        let code = store::households::proposed_code(db, &unit)?;
        row.insert("household_code".into(), Value::String(code));
    }
    let header: Vec<String> = spec.cols.iter().map(|c| c.name.to_owned()).collect();
    let cells: Vec<String> = header.iter().map(|h| cell(&row, h)).collect();
    let key: Vec<String> = spec.key.iter().map(|k| cell(&row, k)).collect();
    let receipt = store::sync::Receipt {
        client_id: e.client_id.clone(),
        user_id: who.user.id,
        kind: kind.to_owned(),
        record_key: key.join(" / "),
    };
    // Only a household is edited offline (the phone keeps households, not their records).
    let edit = e
        .base_version
        .clone()
        .filter(|v| !v.is_empty() && kind == "households");
    let code = cell(&row, "household_code");
    // Inside the write's transaction: the version still the one edited, and the receipt
    // kept with the entry (a second send of the same entry fails on its key).
    let guard: importer::Guard = {
        let (edit, code, receipt) = (edit.clone(), code.clone(), receipt.clone());
        Arc::new(move |db: &mut store::Db| {
            if let Some(base) = &edit {
                match store::households::get_for_update(db, &code) {
                    Ok(Some(h)) if version_of(&h) == *base => {}
                    _ => return Err(importer::refusal::Refusal::ChangedMeanwhile),
                }
            }
            store::sync::keep(db, &receipt)
                .map_err(|_| importer::refusal::Refusal::WrittenMeanwhile)
        })
    };
    let table = importer::source::Table::of_texts(
        kind.to_owned(),
        "điện thoại".into(),
        header,
        vec![cells],
    );
    let opts = importer::Options {
        actor: who.actor(),
        access: Some(acc.clone()),
        guard: Some(guard),
        // A new record never replaces a stored one; an assessment of a year is replaced.
        create_only: edit.is_none() && kind != "assessments",
        ..importer::Options::default()
    };
    match importer::import_tables(db, vec![table], Vec::new(), &opts) {
        Ok(_) => Ok(SyncAnswer::stored(Outcome::Stored, receipt.record_key)),
        Err(importer::ImportError::Rejected(r)) => {
            use importer::refusal::Refusal;
            if r.errors
                .iter()
                .any(|x| x.refusal == Refusal::WrittenMeanwhile)
            {
                if let Some(r) = store::sync::receipt(db, &e.client_id)?.filter(mine) {
                    return Ok(SyncAnswer::stored(Outcome::Already, r.record_key));
                }
            }
            if r.errors
                .iter()
                .any(|x| x.refusal == Refusal::ChangedMeanwhile)
            {
                let now = store::households::get_writable(db, acc, &code)?;
                return Ok(match now {
                    Some(h) => SyncAnswer {
                        current: Some(household_values(&h).into_iter().collect()),
                        version: Some(version_of(&h)),
                        ..SyncAnswer::of(Outcome::Conflict)
                    },
                    None => refused(&[("", "Hộ này không còn trong phạm vi của bạn.".into())]),
                });
            }
            let reasons: Vec<(&str, String)> = r
                .errors
                .iter()
                .map(|x| (x.column.as_str(), x.reason_vi()))
                .collect();
            Ok(refused(&reasons))
        }
        Err(importer::ImportError::Store(e)) => Err(e.into()),
        Err(importer::ImportError::DryRun) => Err(AppError::Internal("dry run".into())),
    }
}

fn refused(reasons: &[(&str, String)]) -> SyncAnswer {
    SyncAnswer {
        errors: reasons
            .iter()
            .map(|(c, m)| SyncError {
                column: (*c).to_owned(),
                label: domain::contract::column_label_vi(c).to_owned(),
                message: m.clone(),
            })
            .collect(),
        ..SyncAnswer::of(Outcome::Refused)
    }
}

/// The web app's manifest: installable, opening on the page that works offline.
pub async fn manifest() -> Response {
    let body = json!({
        "name": "Đồng Hành — Hội LHPN",
        "short_name": "Đồng Hành",
        "lang": "vi",
        "start_url": "/offline",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#a3195b",
        "icons": [{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml"}]
    });
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/manifest+json",
        )],
        body.to_string(),
    )
        .into_response()
}
