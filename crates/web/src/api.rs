//! The JSON API: the same reads and writes as the pages, the same scope rules, an
//! OpenAPI document at /api/openapi.json. Anonymous calls get 401; writes need the
//! session's CSRF token in `X-CSRF-Token`.

use crate::auth::Authed;
use crate::error::AppError;
use crate::AppState;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::contract::{DELETE_COL, REASON_COL};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// A signed-in caller of the API (401 JSON when not signed in).
pub struct ApiUser(pub Authed);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ApiUser, Response> {
        // A one-time password must be changed on the password page first: the API
        // answers 403 (JSON), not the pages' redirect.
        match crate::auth::SignedIn::from_request_parts(parts, state).await {
            Ok(crate::auth::SignedIn(a)) if a.user.must_change_password => {
                Err(AppError::Forbidden.json())
            }
            Ok(crate::auth::SignedIn(a)) => Ok(ApiUser(a)),
            Err(e) => Err(e.json()),
        }
    }
}

type ApiResult = Result<Json<Value>, Response>;

/// A signed-in caller of the API with the app's state: what a handler of the API needs.
pub struct Caller {
    st: AppState,
    who: Authed,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, Response> {
        let ApiUser(who) = ApiUser::from_request_parts(parts, state).await?;
        Ok(Caller {
            st: state.clone(),
            who,
        })
    }
}

impl Caller {
    /// Database work with the caller's rights, answered as JSON (errors as JSON too).
    async fn answer(
        &self,
        f: impl FnOnce(&mut store::Db, &store::access::Access) -> Result<Value, AppError>
            + Send
            + 'static,
    ) -> ApiResult {
        self.st.scoped(&self.who, f).await.map(Json).map_err(fail)
    }
}

fn fail(e: AppError) -> Response {
    e.json()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/units", get(units))
        .route("/households", get(search).post(create_household))
        .route("/households/{code}", get(household))
        .route("/reports", get(report))
        .route("/import/{kind}", axum::routing::post(import_rows))
        // Entries made on a phone without a network (pages/offline.rs).
        .route("/sync", axum::routing::post(crate::pages::offline::sync))
        .route(
            "/offline/households",
            get(crate::pages::offline::households),
        )
        .route("/offline/contract", get(crate::pages::offline::contract))
}

async fn openapi() -> impl IntoResponse {
    Json(json!({
        "openapi": "3.0.3",
        "info": {"title": "Đồng Hành API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Đọc và ghi dữ liệu trong phạm vi đơn vị của người dùng. Đăng nhập qua /login (cookie phiên); ghi cần header X-CSRF-Token."},
        "components": {"securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE}}},
        "security": [{"session": []}],
        "paths": {
            "/api/me": {"get": {"summary": "Người dùng hiện tại, đơn vị, vai trò, mã CSRF", "responses": {"200": {"description": "OK"}, "401": {"description": "Chưa đăng nhập"}}}},
            "/api/units": {"get": {"summary": "Cây đơn vị của người dùng vào một ngày", "parameters": [{"name": "date", "in": "query", "schema": {"type": "string", "format": "date"}}], "responses": {"200": {"description": "OK"}, "401": {"description": "Chưa đăng nhập"}}}},
            "/api/households": {
                "get": {"summary": "Tìm hộ (không dấu, CCCD, điện thoại) trong phạm vi", "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}], "responses": {"200": {"description": "OK"}, "401": {"description": "Chưa đăng nhập"}}},
                "post": {"summary": "Thêm hộ mới (các cột của tệp households); mã đã có bị từ chối (409)", "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}, "responses": {"200": {"description": "Đã lưu"}, "400": {"description": "Dữ liệu sai, kèm lỗi từng cột"}, "401": {"description": "Chưa đăng nhập"}, "403": {"description": "Ngoài phạm vi"}, "409": {"description": "Mã hộ đã có, hoặc người khác vừa ghi cùng lúc"}}}
            },
            "/api/households/{code}": {"get": {"summary": "Một hộ với thành viên và rà soát", "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "OK"}, "401": {"description": "Chưa đăng nhập"}, "403": {"description": "Ngoài phạm vi"}, "404": {"description": "Không có"}}}},
            "/api/import/{kind}": {"post": {"summary": "Ghi các dòng của một loại dữ liệu (households, members, assessments, supports, …) như một tệp: tất cả hoặc không gì. Dòng có \"delete\": 1 và \"reason\" xóa bản ghi cùng khóa (để lại bản lưu vết); reason trên đường dẫn là lý do sửa, ghi vào nhật ký. Kỳ đã duyệt bị khóa (409).", "parameters": [{"name": "kind", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "reason", "in": "query", "schema": {"type": "string"}}], "requestBody": {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}, "responses": {"200": {"description": "Đã ghi"}, "400": {"description": "Dữ liệu sai, kèm lỗi từng dòng"}, "401": {"description": "Chưa đăng nhập"}, "403": {"description": "Ngoài phạm vi"}, "409": {"description": "Kỳ đã duyệt, bị khóa; hoặc người khác vừa ghi"}}}},
            "/api/reports": {"get": {"summary": "Báo cáo theo hợp đồng dữ liệu (JSON)", "parameters": [
                {"name": "unit", "in": "query", "schema": {"type": "string"}}, {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}, {"name": "s", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "approved", "in": "query", "description": "1: chỉ số liệu của các đơn vị đã được duyệt cho kỳ", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "OK"}, "401": {"description": "Chưa đăng nhập"}, "403": {"description": "Ngoài phạm vi"}}}}
        }
    }))
}

async fn me(ApiUser(who): ApiUser) -> ApiResult {
    Ok(Json(json!({
        "id": who.user.id, "username": who.user.username, "full_name": who.user.full_name, "role": who.user.role.as_str(),
        "unit_code": who.user.unit_code, "csrf": who.csrf
    })))
}

#[derive(Deserialize)]
struct DateQuery {
    date: Option<String>,
}

async fn units(c: Caller, Query(q): Query<DateQuery>) -> ApiResult {
    c.answer(move |_db, acc| {
        let date = crate::pages::reports::parse(&q.date, "date")?.unwrap_or(acc.today);
        let graph = acc.graph.clone();
        let s = graph.structure_on(date);
        let root = graph.version_on(&acc.root_code(), date).ok_or(AppError::NotFound)?;
        fn node(s: &domain::units::Structure<'_>, ix: usize) -> Value {
            let v = s.graph.version(ix);
            json!({"code": v.code, "name": v.name, "level": v.level.as_str(), "children": s.children(ix).iter().map(|&c| node(s, c)).collect::<Vec<_>>()})
        }
        Ok(node(&s, root))
    })
    .await
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(c: Caller, Query(q): Query<SearchQuery>) -> ApiResult {
    c.answer(move |db, acc| {
        let wanted = store::households::Wanted::from_query(&q.q);
        let hits = store::households::search_scoped(db, acc, &wanted, 100)?;
        Ok(json!(hits
            .into_iter()
            .map(|h| json!({"household_code": h.household.code, "head_name": h.household.head_name, "unit_code": h.household.unit_code,
                            "member": h.member.map(|m| json!({"member_no": m.0, "full_name": m.1}))}))
            .collect::<Vec<_>>()))
    })
    .await
}

async fn household(c: Caller, Path(code): Path<String>) -> ApiResult {
    c.answer(move |db, acc| {
        let h = store::households::get_scoped(db, acc, &code)?.ok_or(AppError::NotFound)?;
        let members = store::households::members_shown(db, acc, &h, store::disclosure::Surface::Api)?;
        let assessments = store::households::assessments_of(db, &code)?;
        Ok(json!({
            "household_code": h.code, "unit_code": h.unit_code, "registered_on": h.registered_on, "head_name": h.head_name,
            "head_gender": h.head_gender, "area": h.area, "ethnic_minority": h.ethnic_minority, "size": h.size,
            "members": members.iter().map(|m| json!({"member_no": m.member_no, "full_name": m.full_name, "gender": m.gender, "birth_year": m.birth_year,
                "citizen_id": m.citizen_id, "union_member": m.union_member, "phone": m.phone,
                "ethnicity": m.ethnicity.map(domain::vocab::Ethnicity::as_str)})).collect::<Vec<_>>(),
            "assessments": assessments.iter().map(|a| json!({"year": a.assessed.year, "kind": a.assessed.kind.as_str(), "assessed_on": a.assessed.assessed_on,
                "status": a.assessed.status.as_str(), "income_per_capita_vnd": a.income, "deprivations": a.deprivations})).collect::<Vec<_>>(),
        }))
    })
    .await
}

/// A new household: an existing code is refused (409), never overwritten.
async fn create_household(c: Caller, Json(body): Json<Value>) -> ApiResult {
    let how = Writing {
        create_only: true,
        reason: None,
    };
    write_rows(c, "households", Value::Array(vec![body]), how).await
}

#[derive(Deserialize)]
struct ReportQuery {
    unit: Option<String>,
    from: Option<String>,
    to: Option<String>,
    s: Option<String>,
    /// `1`: the figures of units whose period is approved, only.
    approved: Option<String>,
}

async fn report(c: Caller, Query(q): Query<ReportQuery>) -> ApiResult {
    let approved = match q.approved.as_deref().map(str::trim) {
        None | Some("" | "0") => false,
        Some("1") => true,
        Some(other) => {
            return Err(fail(AppError::BadRequest(format!(
                "Tham số “approved”: “{other}” không hợp lệ (ghi 1 hoặc 0)."
            ))))
        }
    };
    c.answer(move |db, acc| {
        // The page's own reading of the query: a date that cannot be read is refused
        // with its field's name, never replaced.
        let asked = crate::pages::reports::Asked::of(q.unit, q.from, q.to, q.s);
        let req = crate::pages::reports::request(acc, &asked)?;
        let r = if approved {
            reports::run_approved(db, &req, false)?
        } else {
            reports::run(db, &req, false)?
        };
        serde_json::to_value(r).map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
}

/// Rows of any file kind as JSON objects (the contract's columns), written like a file.
/// Rows of any kind, written as a file's would be (a stored key is replaced); a row
/// with `"delete": 1` and a `"reason"` deletes the stored row of its key. `?reason=` is
/// the reason of a correction, kept in the audit.
async fn import_rows(
    c: Caller,
    Path(kind): Path<String>,
    Query(q): Query<ReasonQuery>,
    Json(body): Json<Value>,
) -> ApiResult {
    let how = Writing {
        create_only: false,
        reason: q.reason.filter(|r| !r.trim().is_empty()),
    };
    write_rows(c, &kind, body, how).await
}

#[derive(Deserialize)]
struct ReasonQuery {
    reason: Option<String>,
}

/// How the API's rows are written: only as new ones, and with which reason.
struct Writing {
    create_only: bool,
    reason: Option<String>,
}

async fn write_rows(
    Caller { st, who }: Caller,
    kind: &str,
    body: Value,
    how: Writing,
) -> ApiResult {
    let k = importer::kinds::find(kind).ok_or_else(|| fail(AppError::NotFound))?;
    let kind = k.spec().kind;
    let rows = body.as_array().cloned().ok_or_else(|| {
        fail(AppError::BadRequest(
            "Cần một mảng các dòng (JSON array).".into(),
        ))
    })?;
    let mut header: Vec<String> = k.spec().cols.iter().map(|c| c.name.to_owned()).collect();
    if k.spec().deletable {
        header.extend([DELETE_COL.to_owned(), REASON_COL.to_owned()]);
    }
    st.run(move |db| {
        let acc = Arc::new(who.access(db)?);
        let cell = |row: &Value, k: &str| match row.get(k) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        };
        let table = importer::source::Table {
            kind: kind.to_owned(),
            source: "api".into(),
            header: header.clone(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| importer::source::RawRow {
                    line: i + 1,
                    cells: header
                        .iter()
                        .map(|h| importer::source::Cell::text(cell(r, h)))
                        .collect(),
                })
                .collect(),
        };
        write(db, &who, acc, table, how)
    })
    .await
    .map_err(fail)
}

fn write(
    db: &mut store::Db,
    who: &Authed,
    acc: Arc<store::access::Access>,
    table: importer::source::Table,
    how: Writing,
) -> Result<Json<Value>, AppError> {
    let opts = importer::Options {
        actor: who.actor(),
        access: Some(acc),
        reason: how.reason,
        create_only: how.create_only,
        ..importer::Options::default()
    };
    match importer::import_tables(db, vec![table], Vec::new(), &opts) {
        Ok(s) => Ok(Json(
            json!({"saved": true, "inserted": s.total().inserted, "updated": s.total().updated, "unchanged": s.total().unchanged, "deleted": s.total().deleted}),
        )),
        Err(importer::ImportError::Rejected(r)) => {
            // The answer's status follows from the refusal's class, never from its words.
            if r.errors
                .iter()
                .any(|e| e.refusal.class() == importer::refusal::RefusalClass::Forbidden)
            {
                return Err(AppError::Forbidden);
            }
            let errors: Vec<crate::error::RowError> = r
                .errors
                .iter()
                .map(|e| crate::error::RowError {
                    row: e.row,
                    column: e.column.clone(),
                    column_vi: domain::contract::column_label_vi(&e.column).to_owned(),
                    value: e.value.clone(),
                    error: e.reason_vi(),
                })
                .collect();
            let conflict = r
                .errors
                .iter()
                .any(|e| e.refusal.class() == importer::refusal::RefusalClass::Conflict);
            Err(AppError::Refused {
                conflict,
                message: if conflict {
                    "Chưa lưu: dữ liệu đã thay đổi hoặc kỳ đã khóa.".into()
                } else {
                    "Chưa lưu: có ô không hợp lệ.".into()
                },
                errors,
            })
        }
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}
