//! Entry without a network (issue 16): the page a phone keeps (`/offline`, cached by the
//! service worker with the style sheet and its script), the data it keeps (her units'
//! households, the contract's rules to check entries with), and `/api/sync`, where each
//! entry made offline arrives once it can. An entry carries an id made on the phone: its
//! receipt is stored with it, so a retry is answered "already stored" and nothing is
//! stored twice. Every entry is written through the importer with her rights, as a form's
//! row would be (scope, roles, locked periods); an edit carries the version it was made
//! on, and a change made meanwhile on the server comes back as a conflict, field by field.

use super::form_fields::{
    unit_choices, unit_datalist, Field, Input, ACTIVITY, ASSESSMENT, ASSIGNMENT, CONSENT,
    HOUSEHOLD, MEMBER, SUPPORT,
};
use super::household_forms::{family_field_vi, member_fields, Family, FamilyAnswer, DUPLICATE_OK};
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
fn kinds() -> [(&'static str, &'static str, &'static [Field]); 7] {
    [
        (
            "households",
            "Sửa hộ / hộ mới (không kèm thành viên)",
            HOUSEHOLD,
        ),
        ("members", "Thành viên", MEMBER.as_slice()),
        ("assessments", "Kết quả rà soát", ASSESSMENT),
        ("supports", "Hỗ trợ", SUPPORT.as_slice()),
        ("assignments", "Phân công giúp đỡ", ASSIGNMENT.as_slice()),
        ("activities", "Hoạt động", ACTIVITY),
        ("consents", "Phiếu đồng ý", CONSENT.as_slice()),
    ]
}

/// A family entered on the phone: the family form's fields (`m{i}.`, `a.`, `g.`), sent as
/// one entry and written as the online form writes it.
const FAMILIES: &str = "families";

/// Households a phone keeps at most (her own units': a commune has hundreds).
const KEPT_HOUSEHOLDS: i64 = 3000;

fn fields_markup(kind: &str, prefix: &str, fields: &[Field]) -> Markup {
    html! {
        @for fd in fields {
            @let name = format!("{prefix}{}", fd.name);
            @let id = format!("{kind}-{}", name.replace('.', "-"));
            @match fd.input {
                Input::Hidden => {
                    // A household picked among hers (and those entered here, not yet
                    // sent), searched by name or code.
                    label for=(id) { "Hộ" }
                    input.pick type="search" id={(id) "-search"} placeholder="Tìm hộ theo tên hoặc mã" autocomplete="off" aria-label="Tìm hộ";
                    select id=(id) name=(name) .households {}
                }
                Input::Choice(opts) | Input::ChoiceOrAuto(opts, _) => {
                    label for=(id) { (fd.label) }
                    select id=(id) name=(name) {
                        @if let Input::ChoiceOrAuto(_, auto) = fd.input { option value="" { (auto) } }
                        @for (val, text) in opts { option value=(val) { (capitalized(text)) } }
                    }
                }
                Input::Deprivations => {
                    @let (standard, offered) = super::form_fields::deprivation_choices(crate::today());
                    fieldset { legend { (fd.label) " (" (standard) ")" }
                        @for (code, label) in offered {
                            label.check { input type="checkbox" name=(name) value=(code); " " (label) }
                        }
                    }
                }
                Input::Unit => {
                    label for=(id) { (fd.label) }
                    input id=(id) name=(name) type="text" list="unit-choices" autocomplete="off" data-default="unit";
                }
                Input::Date => {
                    label for=(id) { (fd.label) " (ngày/tháng/năm)" }
                    input id=(id) name=(name) type="text" inputmode="numeric" placeholder="DD/MM/YYYY" autocomplete="off" data-default="today";
                }
                _ => {
                    label for=(id) { (fd.label) }
                    input id=(id) name=(name) type="text"
                        inputmode=[matches!(fd.input, Input::Number | Input::Member).then_some("numeric")]
                        data-default=[(fd.name == "year").then_some("year")];
                }
            }
            p.error data-for=(name) {}
        }
    }
}

/// Member rows of the family form a phone offers (the head, and three more: a family
/// of more adds them afterwards, as members of the household it entered).
const FAMILY_ROWS: usize = 4;

/// The family form of the phone: the online form's fields, named as it names them.
fn family_markup() -> Markup {
    let without_household = |fields: &[Field]| -> Vec<Field> {
        fields
            .iter()
            .filter(|f| f.name != "household_code")
            .copied()
            .collect()
    };
    html! {
        form.stack.card.entry id={"f-" (FAMILIES)} data-kind=(FAMILIES) novalidate {
            h2 { "Hộ mới cả gia đình" }
            p.muted { "Thông tin hộ, các thành viên (chủ hộ là thành viên 1), kết quả rà soát và phân công giúp đỡ: gửi một lần, lưu cùng nhau." }
            input type="hidden" name="_client_id";
            input type="hidden" name="_base_version";
            (fields_markup(FAMILIES, "", HOUSEHOLD))
            @for i in 1..=FAMILY_ROWS {
                fieldset { legend { "Thành viên " (i) @if i == 1 { " — chủ hộ" } }
                    (fields_markup(FAMILIES, &format!("m{i}."), &member_fields(i))) }
            }
            fieldset { legend { "Kết quả rà soát (không bắt buộc)" }
                (fields_markup(FAMILIES, "a.", &without_household(ASSESSMENT))) }
            fieldset { legend { "Phân công giúp đỡ" }
                label.check { input type="checkbox" name="g.on" value="1"; " Đơn vị nhận giúp đỡ hộ này" }
                (fields_markup(FAMILIES, "g.", &without_household(&ASSIGNMENT))) }
            label.check { input type="checkbox" name=(DUPLICATE_OK) value="1"; " Đây là hộ khác (khi được báo có thể trùng)" }
            p.error data-for=(DUPLICATE_OK) {}
            p { button type="submit" { "Lưu vào máy" } }
        }
    }
}

/// The page a phone keeps: the entry forms, the list of entries waiting to be sent, and
/// the households of her units to pick from; the script does the rest.
pub async fn page(State(st): State<AppState>, who: Authed) -> Page {
    let units = unit_choices(&st, &who, HOUSEHOLD).await?;
    let unit = who.user.unit_code.clone();
    let body = html! {
        h1 { "Nhập khi không có mạng" }
        // What a new entry starts with: her unit (today's date and year are the phone's).
        div #defaults hidden data-unit=(unit) {}
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
            a href={"#f-" (FAMILIES)} { "Hộ mới cả gia đình" } " "
            @for (kind, title, _) in kinds() { a href={"#f-" (kind)} { (title) } " " }
        }
        (family_markup())
        @for (kind, title, fields) in kinds() {
            form.stack.card.entry id={"f-" (kind)} data-kind=(kind) novalidate {
                h2 { (title) }
                input type="hidden" name="_client_id";
                input type="hidden" name="_base_version";
                (fields_markup(kind, "", fields))
                p { button type="submit" { "Lưu vào máy" } }
            }
        }
        p { a href="/follow-up" { "Hộ cần theo dõi" } " — danh sách đi thăm, xem được cả khi mất mạng nếu đã mở một lần khi có mạng." }
        h2 { "Hộ của đơn vị (" span #hh-count { "0" } ")" }
        label for="hh-search" { "Tìm hộ để sửa" }
        input #hh-search type="search" placeholder="Tên chủ hộ hoặc mã hộ" autocomplete="off";
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
    /// Not written yet: it names a household entered on the phone that is not stored
    /// (refused, or not sent); sent again once it is.
    Waiting,
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
        .write_as(&who.clone(), move |db| {
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
                    let known = kinds()
                        .iter()
                        .map(|(k, _, _)| *k)
                        .chain([FAMILIES])
                        .find(|k| *k == e.kind);
                    let answer = match known {
                        Some(kind) if id_ok => sync_one(db, &who, &acc, kind, e)?,
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
    let mut row = e.row;
    // A record of a household entered on the phone and not stored when it was made
    // names it by that entry's id (`@id`): the household it became, once stored.
    let named = cell(&row, "household_code");
    if let Some(made) = named.strip_prefix('@') {
        match store::sync::receipt(db, made)?.filter(mine) {
            Some(r) => {
                row.insert("household_code".into(), Value::String(r.record_key));
            }
            None => return Ok(SyncAnswer::of(Outcome::Waiting)),
        }
    }
    if kind == FAMILIES {
        return sync_family(db, who, acc, &e.client_id, &row);
    }
    let spec = importer::kinds::find(kind)
        .ok_or(AppError::NotFound)?
        .spec();
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

/// A family entered on the phone, written as the online form writes it (one import: the
/// household, its members, its assessment and assignment), the receipt kept in its
/// transaction; the households it may duplicate named first, unless she said it is
/// another.
fn sync_family(
    db: &mut store::Db,
    who: &Authed,
    acc: &Arc<store::access::Access>,
    client_id: &str,
    row: &Map<String, Value>,
) -> Result<SyncAnswer, AppError> {
    let mut values: Values = row.keys().map(|k| (k.clone(), cell(row, k))).collect();
    // The code first (proposed from the unit when left empty): the receipt carries it,
    // so that a member entered later for this family finds it.
    let code = match cell(row, "household_code").trim() {
        "" => {
            let unit = importer::template::unit_code_of(&cell(row, "unit_code")).to_owned();
            store::households::proposed_code(db, &unit)?
        }
        given => given.to_owned(),
    };
    values.insert("household_code".into(), code.clone());
    let kept = store::sync::Receipt {
        client_id: client_id.to_owned(),
        user_id: who.user.id,
        kind: FAMILIES.to_owned(),
        record_key: code,
    };
    let guard: importer::Guard = Arc::new(move |db: &mut store::Db| {
        store::sync::keep(db, &kept).map_err(|_| importer::refusal::Refusal::WrittenMeanwhile)
    });
    let answer = Family::of(values).write(db, acc, &who.actor(), Some(guard))?;
    Ok(match answer {
        FamilyAnswer::Stored(code) => SyncAnswer::stored(Outcome::Stored, code),
        FamilyAnswer::Duplicates(dups) => {
            let named: Vec<String> = dups
                .iter()
                .map(|(h, why)| format!("{} {} ({})", h.code, h.head_name, why.label_vi()))
                .collect();
            refused(&[(
                DUPLICATE_OK,
                format!(
                    "Có thể hộ này đã có: {}. Nếu đúng là hộ khác, bấm Sửa, đánh dấu “Đây là hộ khác” rồi lưu lại.",
                    named.join("; ")
                ),
            )])
        }
        FamilyAnswer::Refused(errors) => {
            if let Some(r) =
                store::sync::receipt(db, client_id)?.filter(|r| r.user_id == who.user.id)
            {
                return Ok(SyncAnswer::stored(Outcome::Already, r.record_key));
            }
            let mut reasons: Vec<(String, String)> = errors.into_iter().collect();
            reasons.sort();
            SyncAnswer {
                errors: reasons
                    .into_iter()
                    .map(|(column, message)| SyncError {
                        label: family_field_vi(&column),
                        column,
                        message,
                    })
                    .collect(),
                ..SyncAnswer::of(Outcome::Refused)
            }
        }
    })
}

type Values = std::collections::HashMap<String, String>;

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
