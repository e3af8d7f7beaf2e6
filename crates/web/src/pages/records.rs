//! Every record kind's rows, listed for the user's units and a period, and each one
//! corrected or deleted with a reason. The forms derive from the data contract (its
//! columns, types and Vietnamese names) and post through the importer like a file's row,
//! so the same rules, rights and locked periods apply; the audit keeps the reason, and a
//! deletion leaves a tombstone.

use super::forms::{import_row, person_must_give, Errors, How};
use super::saved::{Saved, SavedQuery};
use crate::auth::Authed;
use crate::error::{AppError, Page, Reply};
use crate::html::csrf;
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use domain::contract::{column_label_vi, Spec, Ty, DELETE_COL, REASON_COL};
use domain::vocab::capitalized;
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use store::disclosure::Surface;
use store::Value;

/// Rows per page of a list.
const PER_PAGE: i64 = 100;
/// A list downloads whole, up to this many records (a province's year of supports).
const EXPORT_MAX: i64 = 50_000;

/// The kind `name` when its rows are records a person may correct (not the unit tree).
fn record_kind(name: &str) -> Result<&'static dyn importer::kinds::Kind, AppError> {
    importer::kinds::find(name)
        .filter(|k| k.spec().deletable && k.table().is_some())
        .ok_or(AppError::NotFound)
}

fn table_of(kind: &dyn importer::kinds::Kind) -> &'static store::tables::TableDef {
    kind.table().expect("record kinds have a table")
}

use crate::view::{raw_text as text, Rows, Stored};

/// The key of a row in a link: its values, as JSON.
fn key_param(table: &store::tables::TableDef, row: &Stored) -> String {
    let key: Vec<serde_json::Value> = table.key.iter().map(|k| row[k].to_json()).collect();
    serde_urlencoded::to_string([("k", serde_json::Value::Array(key).to_string())])
        .unwrap_or_default()
}

/// The links to correct and to delete the record of `kind` whose key is `key`.
pub(super) fn actions(kind: &str, key: &[Value]) -> Markup {
    html! {
        (edit_link(kind, key, "Sửa")) " · "
        a href={"/records/" (kind) "/delete?" (key_query(key))} { "Xóa" }
    }
}

/// The link to the correction form of the record of `kind` with `key`, named `text`.
pub(super) fn edit_link(kind: &str, key: &[Value], text: &str) -> Markup {
    html! { a href={"/records/" (kind) "/edit?" (key_query(key))} { (text) } }
}

/// A record's key as the correction and deletion forms take it (`k=[…]`).
fn key_query(key: &[Value]) -> String {
    let key: Vec<serde_json::Value> = key.iter().map(Value::to_json).collect();
    serde_urlencoded::to_string([("k", serde_json::Value::Array(key).to_string())])
        .unwrap_or_default()
}

fn parse_key(k: &str) -> Result<Vec<Value>, AppError> {
    let bad = || AppError::BadRequest("Đường dẫn không hợp lệ.".into());
    let items: Vec<serde_json::Value> = serde_json::from_str(k).map_err(|_| bad())?;
    items
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Ok(Value::Text(s)),
            serde_json::Value::Number(n) => n.as_i64().map(Value::Int).ok_or_else(bad),
            _ => Err(bad()),
        })
        .collect()
}

/// A stored row by column name, from its key and data values.
fn combined(table: &store::tables::TableDef, key: &[Value], data: &[Value]) -> Stored {
    table
        .key
        .iter()
        .zip(key)
        .chain(table.data.iter().zip(data))
        .map(|(c, v)| (*c, v.clone()))
        .collect()
}

/// A record she may read: its stored row and the unit version whose records it counts
/// among (its own, or its household's).
struct Found {
    row: Stored,
    unit: domain::units::VersionId,
}

/// The stored row of `kind` with key `key`, when she may read it (otherwise "not found",
/// whether it exists or not).
fn stored_row(
    db: &mut store::Db,
    acc: &store::access::Access,
    table: &'static store::tables::TableDef,
    key: Vec<Value>,
) -> Result<Found, AppError> {
    let probe = [store::keyed::KeyedRow {
        key,
        data: Vec::new(),
    }];
    let found = store::keyed::stored(db, table, &probe)?;
    let Some(data) = found.get(&probe[0].key) else {
        return Err(AppError::NotFound);
    };
    let row = combined(table, &probe[0].key, data);
    let unit = match row.get("unit_id") {
        Some(v) => v.as_unit(),
        None => match row.get("household_code").and_then(Value::as_text) {
            Some(h) => store::households::find_refs(db, &[h])?
                .first()
                .map(|r| r.unit_id),
            None => None,
        },
    };
    match unit {
        Some(u) if acc.can_read_unit(u) => Ok(Found { row, unit: u }),
        _ => Err(AppError::NotFound),
    }
}

/// The record kind `name`, its table, and the stored row that the link's key `k` names,
/// when she may correct it (a record she may only read is refused: its form would show
/// what only its writers see), shown through the view layer on `surface` (its
/// identifiers' view in full logged). The row comes back as stored, for the write, and
/// as she may see it, for the form.
async fn record_of(
    who: &Authed,
    named: &Named,
    surface: Option<Surface>,
) -> Result<
    (
        &'static Spec,
        &'static store::tables::TableDef,
        Stored,
        Shown,
    ),
    AppError,
> {
    let kind = record_kind(&named.kind)?;
    let (spec, table) = (kind.spec(), table_of(kind));
    let key = parse_key(&named.k)?;
    let (row, shown) = named
        .st
        .scoped(who, move |db, acc| {
            let found = stored_row(db, acc, table, key)?;
            if !acc.can_write_unit(found.unit) {
                return Err(AppError::Forbidden);
            }
            let mut rows = Rows::new(spec, acc);
            let shown = Shown {
                lock: None,
                cells: rows.cells(&found.row, Some(found.unit)),
                inputs: spec
                    .cols
                    .iter()
                    .map(|c| {
                        let v = rows.input_value(&found.row, c.name, Some(found.unit));
                        (c.name.to_owned(), v)
                    })
                    .collect(),
            };
            if let Some(surface) = surface {
                rows.log(db, surface, None)?;
            }
            let mut shown = shown;
            shown.lock = lock_on(db, acc, spec, &found)?;
            Ok((found.row, shown))
        })
        .await?;
    Ok((spec, table, row, shown))
}

/// A record as the view layer shows it to her: a list's cells, and a form's values.
struct Shown {
    cells: Vec<crate::sheet::Cell>,
    inputs: HashMap<String, String>,
    /// The approved period that locks the record, shown before anyone edits it.
    lock: Option<domain::review::Lock>,
}

/// The approval that locks a stored record (dated in an approved period of its unit or
/// a unit above), if any: the same rule the importer refuses a write by.
fn lock_on(
    db: &mut store::Db,
    acc: &store::access::Access,
    spec: &Spec,
    found: &Found,
) -> Result<Option<domain::review::Lock>, AppError> {
    let Some(date) = spec
        .dated_by
        .and_then(|c| found.row.get(c))
        .and_then(Value::as_text)
        .and_then(|t| domain::Date::parse(t).ok())
    else {
        return Ok(None);
    };
    let Some(ix) = acc.graph.find_id(found.unit) else {
        return Ok(None);
    };
    let locks = store::reviews::locks(db)?;
    Ok(domain::review::covering(&locks, &acc.graph, ix, date).cloned())
}

/// The notice of a locked record: who approved its period and when, and what to do.
pub(super) fn lock_notice(lock: &domain::review::Lock) -> maud::Markup {
    html! {
        p.alert.lock role="status" {
            "🔒 Bản ghi thuộc kỳ " (lock.period.dmy()) " của đơn vị " (lock.unit_code)
            ", đã được " (lock.by) " duyệt lúc " (lock.at) ". Muốn sửa hoặc xóa, cần cấp trên mở lại kỳ này trước."
        }
    }
}

/// A fingerprint of a stored row: a correction carries the one it was based on.
fn version_of(row: &Stored) -> String {
    let mut cols: Vec<_> = row.iter().collect();
    cols.sort_by_key(|(c, _)| **c);
    crate::auth::token_hash(&format!("{cols:?}"))[..16].to_owned()
}

pub async fn index(who: Authed) -> Page {
    let kinds: Vec<&Spec> = importer::kinds::all()
        .iter()
        .map(|k| k.spec())
        .filter(|s| s.deletable)
        .collect();
    let body = html! {
        h1 { "Hồ sơ và hoạt động" }
        p.muted { "Chọn loại để xem danh sách theo kỳ, sửa hoặc xóa từng bản ghi (có ghi lý do)." }
        ul { @for s in kinds { li { a href={"/records/" (s.kind)} { (s.label_vi) } } } }
    };
    Ok(who.page("Hồ sơ và hoạt động", body))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
    /// Only the records of this unit and the units below it (as the tree stands today).
    unit: Option<String>,
    /// `xlsx`: the whole list as a download.
    format: Option<String>,
    /// Why she downloads identifiers whole (asked first, kept in the access log).
    reason: Option<String>,
    /// `1`: a download with identifiers masked, for which no reason is asked.
    masked: Option<String>,
    /// What the page says was just saved (`saved::SavedQuery`).
    luu: Option<String>,
}

/// The unit versions whose records count for unit `code` today (its subtree, and the
/// versions that merged into it), among those she may read; `None` for every unit.
fn unit_ids(acc: &store::access::Access, code: Option<&str>) -> Result<Option<Vec<i64>>, AppError> {
    let readable = acc.readable_ids();
    let Some(code) = code
        .map(importer::template::unit_code_of)
        .filter(|c| !c.is_empty())
    else {
        return Ok(readable);
    };
    let graph = &acc.graph;
    let Some(root) = graph
        .version_on(code, acc.today)
        .filter(|_| acc.can_read_code(code, acc.today))
    else {
        return Err(AppError::BadRequest(format!(
            "Không có đơn vị {code} trong phạm vi của bạn."
        )));
    };
    let below: std::collections::HashSet<usize> = graph
        .structure_on(acc.today)
        .subtree(root)
        .into_iter()
        .collect();
    let ids: Vec<i64> = graph
        .versions()
        .iter()
        .enumerate()
        .filter(|(ix, v)| {
            readable
                .as_ref()
                .is_none_or(|r| r.binary_search(&v.id.0).is_ok())
                && graph
                    .resolve(*ix, acc.today)
                    .is_some_and(|to| below.contains(&to))
        })
        .map(|(_, v)| v.id.0)
        .collect();
    Ok(Some(ids))
}

/// What a list answers: its rows as she may see them, or, for a download that would
/// show several households' identifiers whole, the question of why.
enum Listing {
    Rows {
        total: i64,
        /// For consents: how many members of her units have none recorded.
        without_consent: Option<i64>,
        /// Each row's cells, and its key (for the links to correct and delete it).
        rows: Vec<(Vec<Cell>, Vec<Value>)>,
        units: super::form_fields::UnitChoices,
    },
    ReasonFirst(usize),
}

pub async fn list(
    State(st): State<AppState>,
    who: Authed,
    Path(kind): Path<String>,
    Query(q): Query<ListQuery>,
) -> Reply {
    let kind = record_kind(&kind)?;
    let (spec, table) = (kind.spec(), table_of(kind));
    let today = crate::today();
    let date = |s: &Option<String>, default| match s.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => domain::Date::parse(s)
            .map_err(|_| AppError::BadRequest(format!("Ngày không hợp lệ: {s}"))),
        None => Ok(default),
    };
    let from = date(
        &q.from,
        domain::Date::from_ymd(today.year(), 1, 1).unwrap_or(today),
    )?;
    let to = date(&q.to, today)?;
    let exporting = q.format.as_deref() == Some("xlsx");
    let page = if exporting {
        0
    } else {
        q.page.unwrap_or(0).max(0)
    };
    let unit = q.unit.clone().unwrap_or_default();
    let reason = q
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let masked = q.masked.as_deref() == Some("1");
    // A whole list as a file is made one at a time per user, a few at a time in all.
    let _heavy = if exporting {
        Some(st.heavy(&who).await?)
    } else {
        None
    };
    let wanted_unit = q.unit.clone();
    let answer = st
        .scoped(&who, move |db, acc| {
            let units = super::form_fields::readable_choices(acc);
            let ids = unit_ids(acc, wanted_unit.as_deref())?;
            let filter = store::listing::Filter {
                units: ids.as_deref(),
                dated_by: spec.dated_by,
                period: Some((from, to)),
                limit: if exporting { EXPORT_MAX } else { PER_PAGE },
                offset: page * PER_PAGE,
            };
            let listed = store::listing::list(db, table, &filter)?;
            let mut view = Rows::new(spec, acc);
            if masked {
                view = view.masked();
            } else if exporting && Rows::has_identifiers(spec) {
                // A file leaves the system: who withdrew her consent to sharing is left out.
                let codes: Vec<String> = listed
                    .rows
                    .iter()
                    .filter_map(|r| r.get::<Option<String>>("household_code").ok().flatten())
                    .collect();
                let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
                view = view.sharing(store::households::withheld(db, &codes, acc.today)?);
            }
            let mut rows = Vec::with_capacity(listed.rows.len());
            for values in &listed.rows {
                let r: Stored = table
                    .key
                    .iter()
                    .chain(table.data)
                    .zip(&values.values)
                    .map(|(c, v)| (*c, v.clone()))
                    .collect();
                let scope: Option<domain::units::VersionId> =
                    values.get(store::listing::SCOPE_UNIT)?;
                let key: Vec<Value> = table.key.iter().map(|k| r[k].clone()).collect();
                rows.push((view.cells(&r, scope), key));
            }
            let whole = view.households_in_full();
            if exporting && whole > 1 && reason.is_none() {
                return Ok(Listing::ReasonFirst(whole));
            }
            let surface = if exporting {
                Surface::RecordDownload
            } else {
                Surface::RecordList
            };
            view.log(db, surface, reason.as_deref())?;
            let without_consent = (spec.kind == "consents")
                .then(|| store::households::members_without_consent(db, ids.as_deref()))
                .transpose()?;
            Ok(Listing::Rows {
                without_consent,
                total: listed.total,
                rows,
                units,
            })
        })
        .await?;
    let address = |more: &[(&str, &str)]| {
        let mut q = vec![
            ("from", from.to_string()),
            ("to", to.to_string()),
            ("unit", unit.clone()),
        ];
        q.extend(more.iter().map(|(k, v)| (*k, (*v).to_owned())));
        format!(
            "/records/{}?{}",
            spec.kind,
            serde_urlencoded::to_string(q).unwrap_or_default()
        )
    };
    let (total, rows, units, without_consent) = match answer {
        Listing::Rows {
            total,
            rows,
            units,
            without_consent,
        } => (total, rows, units, without_consent),
        Listing::ReasonFirst(households) => {
            let body = html! {
                h1 { "Tải Excel: " (spec.label_vi) }
                p { "Tệp này có số CCCD và điện thoại đầy đủ của " (households) " hộ. "
                    "Theo Luật Bảo vệ dữ liệu cá nhân, mỗi lần xem đầy đủ được ghi vào nhật ký truy cập kèm lý do." }
                form.stack.card method="get" action={"/records/" (spec.kind)} novalidate {
                    input type="hidden" name="format" value="xlsx";
                    input type="hidden" name="from" value=(from.to_string());
                    input type="hidden" name="to" value=(to.to_string());
                    input type="hidden" name="unit" value=(unit);
                    label for="reason" { "Lý do cần số đầy đủ *" }
                    input #reason name="reason" maxlength="300";
                    p { button type="submit" { "Tải bản đầy đủ" } }
                }
                p { a href=(address(&[("format", "xlsx"), ("masked", "1")])) { "Tải bản đã che số CCCD, điện thoại (không cần lý do)" } }
            };
            return Ok(who.page(spec.label_vi, body).into_response());
        }
    };
    let writes = who.user.role.writes();
    let headings: Vec<&str> = spec.cols.iter().map(|c| column_label_vi(c.name)).collect();
    let mut sheet = Sheet::new(spec.label_vi, &headings);
    for (cells, key) in rows {
        if writes && !exporting {
            sheet.push_with(cells, actions(spec.kind, &key));
        } else {
            sheet.push(cells);
        }
    }
    if exporting {
        return sheet.download(&format!("{}-{from}-{to}", spec.kind));
    }
    let first = page * PER_PAGE;
    let shown_rows = sheet.rows.len() as i64;
    let saved_notice = SavedQuery::of(q.luu.as_deref()).notice();
    let body = html! {
        h1 { (spec.label_vi) }
        (saved_notice)
        @if writes { p { a.button href={"/records/" (spec.kind) "/new"} { "Thêm " (spec.label_vi.to_lowercase()) } } }
        form.inline method="get" action={"/records/" (spec.kind)} novalidate {
            label for="unit" { "Đơn vị" } input #unit name="unit" value=(unit) placeholder="tên hoặc mã; để trống: tất cả" list="unit-choices" autocomplete="off";
            (super::form_fields::unit_datalist("unit-choices", &units))
            @if spec.dated_by.is_some() {
                label for="from" { "Từ ngày" } (crate::html::date_input("from", "from", Some(from)))
                label for="to" { "đến ngày" } (crate::html::date_input("to", "to", Some(to)))
            }
            " " button type="submit" { "Xem" }
        }
        p { (total) " bản ghi"
            @if total > PER_PAGE { ", hiển thị " (first + 1) "–" (first + shown_rows) }
            ". " a href=(address(&[("format", "xlsx")])) { "Tải Excel" } }
        @if let Some(n) = without_consent {
            p.alert { (reports::render::count(n)) " thành viên trong phạm vi chưa có phiếu đồng ý xử lý dữ liệu cá nhân." }
        }
        (sheet.table())
        @if first + PER_PAGE < total {
            p { a href=(address(&[("page", &(page + 1).to_string())])) { "Trang sau →" } }
        }
    };
    Ok(who.page(spec.label_vi, body).into_response())
}

#[derive(Deserialize)]
pub struct KeyQuery {
    k: String,
}

/// The record a link names: its kind (in the path) and its key (`k`, in the query), with
/// the app's state to find it.
pub struct Named {
    st: AppState,
    kind: String,
    k: String,
}

impl axum::extract::FromRequestParts<AppState> for Named {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Named, AppError> {
        let Path(kind) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let Query(q) = Query::<KeyQuery>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::BadRequest("Đường dẫn không hợp lệ.".into()))?;
        Ok(Named {
            st: state.clone(),
            kind,
            k: q.k,
        })
    }
}

/// An input for a column of the contract, by its type.
fn input(name: &str, ty: Ty, value: &str) -> Markup {
    let yes_no: &[(&str, &str)] = &[("1", "có"), ("0", "không")];
    let choices = match ty {
        Ty::Enum(entries) => Some(entries),
        Ty::Bool => Some(yes_no),
        _ => None,
    };
    html! {
        @if let Some(entries) = choices {
            select id=(name) name=(name) {
                option value="" selected[value.is_empty()] { "—" }
                @for (code, label) in entries { option value=(code) selected[*code == value] { (capitalized(label)) } }
            }
        } @else if ty == Ty::Date {
            (crate::html::date_input(name, name, domain::Date::parse(value).ok()))
        } @else {
            input id=(name) name=(name) value=(value) type="text" inputmode=[matches!(ty, Ty::Count | Ty::Year | Ty::Money).then_some("numeric")];
        }
    }
}

fn correction_form(
    who: &Authed,
    spec: &Spec,
    action: &str,
    row: &Stored,
    values: &HashMap<String, String>,
    errors: &Errors,
) -> Markup {
    html! {
        @if !errors.is_empty() { p.alert { "Chưa lưu: " (errors.get("").cloned().unwrap_or_else(|| "hãy sửa các ô có thông báo lỗi.".into())) } }
        form.stack.card method="post" action=(action) novalidate {
            (csrf(who))
            input type="hidden" name="_version" value=(version_of(row));
            @for c in spec.cols {
                @let value = values.get(c.name).cloned().unwrap_or_default();
                @let fixed = spec.key.contains(&c.name);
                @if fixed {
                    // The record's key: shown, not edited.
                    input type="hidden" name=(c.name) value=(value);
                    p { (column_label_vi(c.name)) ": " strong #(c.name) { (value) } }
                } @else {
                    label for=(c.name) { (column_label_vi(c.name)) @if c.required { " *" } }
                    (input(c.name, c.ty, &value))
                }
                @if let Some(e) = errors.get(c.name) { p.error { (e) } }
            }
            label for="reason" { "Lý do sửa *" }
            input #reason name="reason" value=(values.get("reason").cloned().unwrap_or_default());
            @if let Some(e) = errors.get(REASON_COL) { p.error { (e) } }
            p { button type="submit" { "Lưu sửa đổi" } }
        }
    }
}

/// A form's values for a stored row: as the view layer shows it to her.
fn values_of(row: &Stored, shown: &Shown) -> HashMap<String, String> {
    let mut values = shown.inputs.clone();
    // An assessment's class that the standard computed is shown empty ("computed"), so
    // that a correction of its income keeps it computed rather than fixing it as given.
    if row.get("status_given").and_then(Value::as_int) == Some(0) {
        values.insert("status".into(), String::new());
    }
    values
}

pub async fn edit_form(who: Authed, named: Named) -> Reply {
    let (spec, table, row, shown) = record_of(&who, &named, Some(Surface::CorrectionForm)).await?;
    let action = format!("/records/{}/edit?{}", spec.kind, key_param(table, &row));
    // Its own changes, as the log keys them (the key's columns as a JSON object).
    let key: Vec<Value> = table.key.iter().map(|k| row[k].clone()).collect();
    let key_json = store::keyed::json_object(table.key, &key);
    let history = named
        .st
        .scoped(&who, move |db, acc| {
            super::history::of_record(db, acc, table.table, &key_json)
        })
        .await?;
    let body = html! {
        h1 { "Sửa: " (spec.label_vi) }
        @if let Some(lock) = &shown.lock { (lock_notice(lock)) }
        (correction_form(&who, spec, &action, &row, &values_of(&row, &shown), &Errors::new()))
        h2 { "Các lần thay đổi bản ghi này" }
        (history)
    };
    Ok(who.page("Sửa bản ghi", body).into_response())
}

/// The row's `x_` columns as stored, so that a correction keeps them.
fn extras(row: &Stored) -> Vec<(String, String)> {
    row.get("extra")
        .and_then(Value::as_text)
        .and_then(|j| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(j).ok())
        .map(|m| {
            m.into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect()
        })
        .unwrap_or_default()
}

pub async fn edit_save(
    who: Authed,
    named: Named,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    let (spec, table, row, _) = record_of(&who, &named, None).await?;
    let key: Vec<Value> = table.key.iter().map(|k| row[k].clone()).collect();
    let mut values: HashMap<String, String> = form.into_iter().collect();
    // The key is the record's identity: a correction never changes it.
    for c in spec.key {
        values.insert((*c).to_owned(), row.get(c).map(text).unwrap_or_default());
    }
    let action = format!("/records/{}/edit?{}", spec.kind, key_param(table, &row));
    let reason = values
        .get("reason")
        .map(|r| r.trim().to_owned())
        .unwrap_or_default();
    let mut missing = person_must_give(spec.kind, &values);
    if reason.is_empty() {
        missing.insert(
            REASON_COL.to_owned(),
            super::forms::REASON_NEEDED.to_owned(),
        );
    }
    let result = if !missing.is_empty() {
        Err(missing)
    } else {
        let based_on = values.get("_version").cloned().unwrap_or_default();
        let guard: importer::Guard = Arc::new(move |db: &mut store::Db| {
            let probe = [store::keyed::KeyedRow {
                key: key.clone(),
                data: Vec::new(),
            }];
            let now = store::keyed::stored(db, table, &probe)
                .map_err(|_| importer::refusal::Refusal::ChangedMeanwhile)?;
            let same = now
                .get(&probe[0].key)
                .is_some_and(|data| version_of(&combined(table, &probe[0].key, data)) == based_on);
            if same {
                Ok(())
            } else {
                Err(importer::refusal::Refusal::ChangedMeanwhile)
            }
        });
        let mut header: Vec<String> = spec.cols.iter().map(|c| c.name.to_owned()).collect();
        let mut cells: Vec<String> = header
            .iter()
            .map(|h| values.get(h).cloned().unwrap_or_default())
            .collect();
        for (name, value) in extras(&row) {
            header.push(name);
            cells.push(value);
        }
        let how = How {
            guard: Some(guard),
            create_only: false,
            reason: Some(reason),
        };
        import_row(&named.st, &who, spec.kind, (header, cells), how).await?
    };
    match result {
        Ok(()) => Ok(Redirect::to(&back_to(spec, &row, Saved::Corrected)).into_response()),
        Err(errors) => {
            let body = html! {
                h1 { "Sửa: " (spec.label_vi) }
                (correction_form(&who, spec, &action, &row, &values, &errors))
            };
            Ok(who.page("Sửa bản ghi", body).into_response())
        }
    }
}

/// Where a correction or deletion returns her: the household the record is about, at
/// the part that shows it, or the list of its kind.
fn back_to(spec: &Spec, row: &Stored, saved: Saved) -> String {
    let household = match spec.kind {
        "households" if saved == Saved::Deleted => None,
        _ => row.get("household_code").and_then(Value::as_text),
    };
    match household {
        Some(code) if !code.is_empty() => {
            let section = super::forms::section_of(spec.kind);
            saved.on(&format!("{}#{section}", crate::html::household_path(code)))
        }
        _ => saved.on(&format!("/records/{}", spec.kind)),
    }
}

fn deletion_form(
    who: &Authed,
    spec: &Spec,
    action: &str,
    shown: &Shown,
    errors: &Errors,
) -> Markup {
    html! {
        h1 { "Xóa: " (spec.label_vi) }
        @if let Some(e) = errors.values().next() { p.alert { "Chưa xóa: " (e) } }
        dl { @for (c, cell) in spec.cols.iter().zip(&shown.cells) { @if !cell.text.is_empty() {
            dt { (column_label_vi(c.name)) } dd { (cell.text) }
        } } }
        form.stack.card method="post" action=(action) novalidate {
            (csrf(who))
            label for="reason" { "Lý do xóa *" }
            input #reason name="reason";
            p { button.danger type="submit" { "Xóa bản ghi" } }
        }
        p.muted { "Bản ghi đã xóa không còn được tính trong báo cáo; nội dung, người xóa và lý do được lưu trong nhật ký." }
    }
}

pub async fn delete_form(who: Authed, named: Named) -> Reply {
    let (spec, table, row, shown) = record_of(&who, &named, Some(Surface::DeletionForm)).await?;
    let action = format!("/records/{}/delete?{}", spec.kind, key_param(table, &row));
    let body = html! {
        @if let Some(lock) = &shown.lock { (lock_notice(lock)) }
        (deletion_form(&who, spec, &action, &shown, &Errors::new()))
    };
    Ok(who.page("Xóa bản ghi", body).into_response())
}

pub async fn delete_save(
    who: Authed,
    named: Named,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    let (spec, table, row, shown) = record_of(&who, &named, None).await?;
    let reason = form
        .iter()
        .find(|(k, _)| k == "reason")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let mut header: Vec<String> = spec.key.iter().map(|k| (*k).to_owned()).collect();
    let mut cells: Vec<String> = spec
        .key
        .iter()
        .map(|k| row.get(k).map(text).unwrap_or_default())
        .collect();
    header.extend([DELETE_COL.to_owned(), REASON_COL.to_owned()]);
    cells.extend(["1".to_owned(), reason.clone()]);
    let how = How {
        guard: None,
        create_only: false,
        reason: None,
    };
    let result = if reason.is_empty() {
        let needed = super::forms::REASON_NEEDED.to_owned();
        Err(Errors::from([(REASON_COL.to_owned(), needed)]))
    } else {
        import_row(&named.st, &who, spec.kind, (header, cells), how).await?
    };
    match result {
        Ok(()) => Ok(Redirect::to(&back_to(spec, &row, Saved::Deleted)).into_response()),
        Err(errors) => {
            let action = format!("/records/{}/delete?{}", spec.kind, key_param(table, &row));
            Ok(who
                .page(
                    "Xóa bản ghi",
                    deletion_form(&who, spec, &action, &shown, &errors),
                )
                .into_response())
        }
    }
}

// A new record of any kind, its form derived from the contract: every record kind can be
// entered from a page, not only from a file.

/// The new-record form's fields of `spec`: every column as its type says, but a record
/// id, which the server makes, and a member by her number (no household is chosen yet).
fn new_fields(spec: &'static Spec) -> Vec<super::form_fields::Field> {
    use super::form_fields::Input;
    let left: &[&str] = if spec.key == ["record_id"] {
        &["record_id"]
    } else {
        &[]
    };
    super::form_fields::from_contract(spec, &[], left, &[])
        .into_iter()
        .map(|f| match f.input {
            Input::Member => super::form_fields::Field {
                input: Input::Number,
                ..f
            },
            _ => f,
        })
        .collect()
}

/// Where a kind's new records are entered: a household (with its family) and an
/// activity have forms of their own.
fn own_form(kind: &str) -> Option<&'static str> {
    match kind {
        "households" => Some("/households/new"),
        "activities" => Some("/activities/new"),
        _ => None,
    }
}

fn new_page(
    who: &Authed,
    spec: &'static Spec,
    values: &super::forms::Values,
    errors: &Errors,
    choices: &super::form_fields::Choices,
) -> axum::response::Response {
    let fields = new_fields(spec);
    let action = format!("/records/{}/new", spec.kind);
    let body = html! {
        h1 { "Thêm: " (spec.label_vi) }
        @if spec.cols.iter().any(|c| c.name == "household_code") {
            p.muted { "Mẹo: mở trang của hộ để nhập, hộ được điền sẵn." }
        }
        (super::forms::form_markup(who, &action, &fields, values, errors, &[], choices))
    };
    who.page(spec.label_vi, body).into_response()
}

pub async fn new_form(State(st): State<AppState>, who: Authed, Path(kind): Path<String>) -> Reply {
    let spec = record_kind(&kind)?.spec();
    if let Some(own) = own_form(spec.kind) {
        return Ok(Redirect::to(own).into_response());
    }
    let fields = new_fields(spec);
    let choices = super::form_fields::unit_choices(&st, &who, &fields).await?;
    let today = crate::today();
    let mut values = super::forms::Values::new();
    for c in spec.cols {
        let v = match (c.name, c.ty) {
            ("unit_code", _) => who.user.unit_code.clone(),
            (_, Ty::Date) if spec.dated_by == Some(c.name) => today.to_string(),
            (_, Ty::Year) => today.year().to_string(),
            _ => continue,
        };
        values.insert(c.name.to_owned(), v);
    }
    Ok(new_page(&who, spec, &values, &Errors::new(), &choices))
}

pub async fn new_save(
    State(st): State<AppState>,
    who: Authed,
    Path(kind): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    let spec = record_kind(&kind)?.spec();
    let fields = new_fields(spec);
    let choices = super::form_fields::unit_choices(&st, &who, &fields).await?;
    let mut values = super::forms::take(form);
    if spec.key == ["record_id"] {
        values.insert(
            "record_id".into(),
            format!("W-{}", &crate::auth::random_token()[..12]),
        );
    }
    let missing = person_must_give(spec.kind, &values);
    let result = if missing.is_empty() {
        let header: Vec<String> = spec.cols.iter().map(|c| c.name.to_owned()).collect();
        let cells = header
            .iter()
            .map(|h| values.get(h).cloned().unwrap_or_default())
            .collect();
        let how = How {
            guard: None,
            create_only: true,
            reason: None,
        };
        import_row(&st, &who, spec.kind, (header, cells), how).await?
    } else {
        Err(missing)
    };
    match result {
        Ok(()) => {
            let household = values
                .get("household_code")
                .filter(|c| !c.trim().is_empty());
            let back = match household {
                Some(code) => format!(
                    "{}#{}",
                    crate::html::household_path(code.trim()),
                    super::forms::section_of(spec.kind)
                ),
                None => format!("/records/{}", spec.kind),
            };
            Ok(Redirect::to(&Saved::of_kind(spec.kind).on(&back)).into_response())
        }
        Err(errors) => Ok(new_page(&who, spec, &values, &errors, &choices)),
    }
}
