//! The JSON API: the same reads and writes as the pages, the same scope rules, the
//! same reading of a query (a value that cannot be read is a 400 with its reason). Every
//! answer is a Rust type, and the OpenAPI document at /api/openapi.json is generated
//! from those types and from the routes as they are registered (utoipa). Anonymous calls
//! get 401; writes need the session's CSRF token in `X-CSRF-Token`; errors are
//! `error::ApiError`.

use crate::auth::Authed;
use crate::error::AppError;
use crate::AppState;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use domain::contract::{DELETE_COL, REASON_COL};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

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

/// An answer of the API: its type, or an error as JSON.
type ApiResult<T> = Result<Json<T>, Response>;

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
    async fn answer<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut store::Db, &store::access::Access) -> Result<T, AppError> + Send + 'static,
    ) -> ApiResult<T> {
        self.st.scoped(&self.who, f).await.map(Json).map_err(fail)
    }
}

fn fail(e: AppError) -> Response {
    e.json()
}

/// A query string that cannot be read (a number where a word is due): a 400 with the
/// reason, in JSON, as every other error of the API.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(q)) => Ok(ApiQuery(q)),
            Err(e) => Err(fail(AppError::BadRequest(format!(
                "Tham số trên đường dẫn không hợp lệ: {}",
                e.body_text()
            )))),
        }
    }
}

/// The API's routes and its OpenAPI document, made together: each route is registered
/// with its handler's documentation (parameters, body, responses and their types), so a
/// served route cannot be missing from the document.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let inner = OpenApiRouter::<AppState>::new()
        .routes(routes!(openapi))
        .routes(routes!(me))
        .routes(routes!(units))
        .routes(routes!(search, create_household))
        .routes(routes!(household))
        .routes(routes!(report))
        .routes(routes!(lasting))
        .routes(routes!(breakdown))
        .routes(routes!(import_rows))
        // Entries made on a phone without a network (pages/offline.rs).
        .routes(routes!(crate::pages::offline::sync))
        .routes(routes!(crate::pages::offline::households))
        .routes(routes!(crate::pages::offline::contract));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api", inner)
        .split_for_parts()
}

/// The API's routes (under `/api`).
pub fn routes() -> Router<AppState> {
    api().0
}

/// The API's OpenAPI document, as served at `/api/openapi.json`.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::LazyLock<utoipa::openapi::OpenApi> =
        std::sync::LazyLock::new(|| api().1);
    &DOC
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Đồng Hành API",
        description = "Đọc và ghi dữ liệu trong phạm vi đơn vị của người dùng. Đăng nhập qua /login (cookie phiên); ghi cần header X-CSRF-Token. Lỗi trả về JSON có mã lỗi (code), thông báo tiếng Việt (error) và, với dòng bị từ chối, lỗi từng dòng, từng cột (errors)."
    ),
    modifiers(&SessionCookie),
    security(("session" = []))
)]
struct ApiDoc;

/// The session cookie the API is called with (signed in through /login).
struct SessionCookie;

impl utoipa::Modify for SessionCookie {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// Tài liệu OpenAPI này.
#[utoipa::path(get, path = "/openapi.json", security(()),
    responses((status = 200, description = "Tài liệu OpenAPI 3.1 của API", content_type = "application/json")))]
async fn openapi() -> Response {
    Json(document()).into_response()
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
struct Me {
    id: i64,
    username: String,
    full_name: String,
    /// The role's code (`admin`, `manager`, `clerk`, `viewer`).
    role: &'static str,
    /// The role as a person reads it.
    role_vi: &'static str,
    unit_code: String,
    /// The token every write sends in `X-CSRF-Token`.
    csrf: String,
}

/// Người dùng hiện tại, đơn vị, vai trò, mã CSRF.
#[utoipa::path(get, path = "/me",
    responses((status = 200, body = Me), (status = 401, body = crate::error::ApiError, description = "Chưa đăng nhập")))]
async fn me(ApiUser(who): ApiUser) -> Json<Me> {
    Json(Me {
        id: who.user.id,
        username: who.user.username.clone(),
        full_name: who.user.full_name.clone(),
        role: who.user.role.as_str(),
        role_vi: who.user.role.label_vi(),
        unit_code: who.user.unit_code.clone(),
        csrf: who.csrf.clone(),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DateQuery {
    /// The day the tree is read on (YYYY-MM-DD or DD/MM/YYYY); today when absent.
    date: Option<String>,
}

/// A unit and the units under it on a day.
#[derive(Serialize, ToSchema)]
#[schema(no_recursion)]
struct UnitNode {
    code: String,
    name: String,
    /// `central`, `province`, `district`, `commune`, `branch`.
    level: &'static str,
    level_vi: &'static str,
    children: Vec<UnitNode>,
}

/// Cây đơn vị của người dùng vào một ngày.
#[utoipa::path(get, path = "/units", params(DateQuery),
    responses((status = 200, body = UnitNode), (status = 400, body = crate::error::ApiError, description = "Ngày không đọc được"),
              (status = 401, body = crate::error::ApiError)))]
async fn units(c: Caller, ApiQuery(q): ApiQuery<DateQuery>) -> ApiResult<UnitNode> {
    c.answer(move |_db, acc| {
        let date = crate::pages::reports::parse(&q.date, "date")?.unwrap_or(acc.today);
        let graph = acc.graph.clone();
        let s = graph.structure_on(date);
        let root = graph
            .version_on(&acc.root_code(), date)
            .ok_or(AppError::NotFound)?;
        fn node(s: &domain::units::Structure<'_>, ix: usize) -> UnitNode {
            let v = s.graph.version(ix);
            UnitNode {
                code: v.code.clone(),
                name: v.name.clone(),
                level: v.level.as_str(),
                level_vi: v.level.label_vi(),
                children: s.children(ix).iter().map(|&c| node(s, c)).collect(),
            }
        }
        Ok(node(&s, root))
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Words of a name (any order, tone marks optional), a household code, a citizen ID
    /// or a phone.
    #[serde(default)]
    q: String,
}

/// A household a search found.
#[derive(Serialize, ToSchema)]
struct HouseholdHit {
    household_code: String,
    head_name: String,
    unit_code: String,
    /// The member whose name, citizen ID or phone matched, if not the head.
    member: Option<FoundMember>,
}

#[derive(Serialize, ToSchema)]
struct FoundMember {
    member_no: i64,
    full_name: String,
}

/// Tìm hộ (không dấu, CCCD, điện thoại) trong phạm vi; tối đa 100 hộ.
#[utoipa::path(get, path = "/households", params(SearchQuery),
    responses((status = 200, body = Vec<HouseholdHit>), (status = 401, body = crate::error::ApiError)))]
async fn search(c: Caller, ApiQuery(q): ApiQuery<SearchQuery>) -> ApiResult<Vec<HouseholdHit>> {
    c.answer(move |db, acc| {
        let wanted = store::households::Wanted::from_query(&q.q);
        if wanted.too_many_words() {
            return Err(crate::pages::households::too_many_words());
        }
        let hits = store::households::search_scoped(db, acc, &wanted, 100)?;
        Ok(hits
            .into_iter()
            .map(|h| HouseholdHit {
                household_code: h.household.code,
                head_name: h.household.head_name,
                unit_code: h.household.unit_code,
                member: h.member.map(|(member_no, full_name)| FoundMember {
                    member_no,
                    full_name,
                }),
            })
            .collect())
    })
    .await
}

/// A household with its members and assessments. Citizen IDs and phones are whole for
/// who may write the household (the view logged), masked for the others.
#[derive(Serialize, ToSchema)]
struct HouseholdDetail {
    household_code: String,
    unit_code: String,
    /// YYYY-MM-DD.
    registered_on: String,
    head_name: String,
    /// `F` or `M`.
    head_gender: &'static str,
    /// `rural` or `urban`.
    area: &'static str,
    ethnic_minority: bool,
    size: i64,
    members: Vec<MemberOut>,
    assessments: Vec<AssessmentOut>,
}

#[derive(Serialize, ToSchema)]
struct MemberOut {
    member_no: i64,
    full_name: String,
    gender: &'static str,
    birth_year: Option<i64>,
    /// Whole, or masked (`••••••••3456`) for who may not write the household.
    citizen_id: Option<String>,
    union_member: Option<bool>,
    /// Whole, or masked for who may not write the household.
    phone: Option<String>,
    /// The statistics office's code of her ethnic group (`01`–`54`).
    ethnicity: Option<&'static str>,
}

#[derive(Serialize, ToSchema)]
struct AssessmentOut {
    year: i32,
    /// `provisional` or `official`.
    kind: &'static str,
    /// YYYY-MM-DD.
    assessed_on: String,
    /// `poor`, `near_poor`, `average`, `not_poor`.
    status: &'static str,
    income_per_capita_vnd: Option<i64>,
    deprivations: Vec<String>,
}

/// Một hộ với thành viên và rà soát.
#[utoipa::path(get, path = "/households/{code}", params(("code" = String, Path, description = "Mã hộ")),
    responses((status = 200, body = HouseholdDetail), (status = 401, body = crate::error::ApiError),
              (status = 404, body = crate::error::ApiError, description = "Không có, hoặc ngoài phạm vi")))]
async fn household(c: Caller, Path(code): Path<String>) -> ApiResult<HouseholdDetail> {
    c.answer(move |db, acc| {
        let h = store::households::get_scoped(db, acc, &code)?.ok_or(AppError::NotFound)?;
        let surface = store::disclosure::Surface::Api;
        let members = store::households::members_shown(db, acc, &h, surface)?;
        let assessments = store::households::assessments_of(db, &code)?;
        Ok(HouseholdDetail {
            household_code: h.code,
            unit_code: h.unit_code,
            registered_on: h.registered_on.to_string(),
            head_name: h.head_name,
            head_gender: h.head_gender.as_str(),
            area: h.area.as_str(),
            ethnic_minority: h.ethnic_minority,
            size: h.size,
            members: members
                .into_iter()
                .map(|m| MemberOut {
                    member_no: m.member_no,
                    full_name: m.full_name,
                    gender: m.gender.as_str(),
                    birth_year: m.birth_year,
                    citizen_id: m.citizen_id,
                    union_member: m.union_member,
                    phone: m.phone,
                    ethnicity: m.ethnicity.map(domain::vocab::Ethnicity::as_str),
                })
                .collect(),
            assessments: assessments
                .into_iter()
                .map(|a| AssessmentOut {
                    year: a.assessed.year,
                    kind: a.assessed.kind.as_str(),
                    assessed_on: a.assessed.assessed_on.to_string(),
                    status: a.assessed.status.as_str(),
                    income_per_capita_vnd: a.income,
                    deprivations: a.deprivations,
                })
                .collect(),
        })
    })
    .await
}

/// What a write stored.
#[derive(Serialize, ToSchema)]
struct Saved {
    saved: bool,
    inserted: u64,
    updated: u64,
    unchanged: u64,
    deleted: u64,
}

/// Thêm hộ mới (các cột của tệp households); mã đã có bị từ chối (409).
#[utoipa::path(post, path = "/households",
    request_body(content = Object, description = "Một hộ: các cột của tệp households"),
    responses((status = 200, body = Saved), (status = 400, body = crate::error::ApiError, description = "Dữ liệu sai, kèm lỗi từng cột"),
              (status = 401, body = crate::error::ApiError), (status = 403, body = crate::error::ApiError, description = "Ngoài phạm vi"),
              (status = 409, body = crate::error::ApiError, description = "Mã hộ đã có, hoặc người khác vừa ghi")))]
async fn create_household(c: Caller, Json(body): Json<Value>) -> ApiResult<Saved> {
    let how = Writing {
        create_only: true,
        reason: None,
    };
    write_rows(c, "households", Value::Array(vec![body]), how).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// The unit's code (her own unit when absent).
    unit: Option<String>,
    /// First day of the period (YYYY-MM-DD or DD/MM/YYYY); 1 January of `to`'s year when absent.
    from: Option<String>,
    /// Last day of the period; today when absent.
    to: Option<String>,
    /// The structure date; the period's end when absent.
    s: Option<String>,
    /// `1`: only the figures of units whose period is approved.
    approved: Option<String>,
}

/// Báo cáo theo hợp đồng dữ liệu (JSON).
#[utoipa::path(get, path = "/reports", params(ReportQuery),
    responses((status = 200, body = reports::Report), (status = 400, body = crate::error::ApiError, description = "Tham số không đọc được"),
              (status = 401, body = crate::error::ApiError), (status = 403, body = crate::error::ApiError, description = "Ngoài phạm vi")))]
async fn report(c: Caller, ApiQuery(q): ApiQuery<ReportQuery>) -> ApiResult<reports::Report> {
    let approved = match q.approved.as_deref().map(str::trim) {
        None | Some("" | "0") => false,
        Some("1") => true,
        Some(other) => {
            return Err(fail(AppError::BadRequest(format!(
                "Tham số “approved”: “{other}” không hợp lệ (ghi 1 hoặc 0)."
            ))))
        }
    };
    let _figures = c.st.figures().await.map_err(fail)?;
    c.answer(move |db, acc| {
        // The page's own reading of the query: a date that cannot be read is refused
        // with its field's name, never replaced.
        let asked = crate::pages::reports::Asked::of(q.unit, q.from, q.to, q.s);
        let req = crate::pages::reports::request(acc, &asked)?;
        Ok(if approved {
            reports::run_approved(db, &req, false)?
        } else {
            reports::run(db, &req, false)?
        })
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LastingQuery {
    /// The unit's code (her own unit when absent).
    unit: Option<String>,
    /// What the report knows: nothing dated after this day (YYYY-MM-DD or DD/MM/YYYY); today when absent.
    as_of: Option<String>,
    /// The structure date; the as-of date when absent.
    s: Option<String>,
}

/// Thoát nghèo bền vững: các lớp hộ thoát nghèo theo năm và sau 1, 2, 3 năm, so sánh hộ
/// được nhận giúp với hộ khác, chi phí, hộ cần theo dõi, dự báo (hợp đồng dữ liệu v1.2).
#[utoipa::path(get, path = "/reports/lasting", params(LastingQuery),
    responses((status = 200, body = reports::lasting::Lasting), (status = 400, body = crate::error::ApiError, description = "Tham số không đọc được"),
              (status = 401, body = crate::error::ApiError), (status = 403, body = crate::error::ApiError, description = "Ngoài phạm vi")))]
async fn lasting(
    c: Caller,
    ApiQuery(q): ApiQuery<LastingQuery>,
) -> ApiResult<reports::lasting::Lasting> {
    c.answer(move |db, acc| {
        // Read and checked as a report of the year up to the as-of date.
        let asked = crate::pages::reports::Asked::of(q.unit, None, q.as_of, q.s);
        let req = crate::pages::reports::request(acc, &asked)?;
        Ok(reports::lasting::compute(
            db,
            &req.unit,
            req.to,
            req.structure_date,
        )?)
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BreakdownQuery {
    /// The unit's code (her own unit when absent).
    unit: Option<String>,
    /// First day of the period (YYYY-MM-DD or DD/MM/YYYY); 1 January of `to`'s year when absent.
    from: Option<String>,
    /// Last day of the period; today when absent.
    to: Option<String>,
    /// The structure date; the period's end when absent.
    s: Option<String>,
    /// What to split by: `ethnic_minority` (default), `area`, `head_gender`, `ethnicity` (the head's).
    by: Option<String>,
}

/// Báo cáo chia theo nhóm hộ: dân tộc thiểu số, khu vực, giới tính chủ hộ, dân tộc của chủ hộ.
///
/// The households' indicators and the supports given to a household, for the unit and
/// each child unit, per group; `not_linked` holds what no household stands behind, so that
/// the groups and it add up to `total`.
#[utoipa::path(get, path = "/reports/breakdown", params(BreakdownQuery),
    responses((status = 200, body = reports::breakdown::Breakdown), (status = 400, body = crate::error::ApiError, description = "Tham số không đọc được"),
              (status = 401, body = crate::error::ApiError), (status = 403, body = crate::error::ApiError, description = "Ngoài phạm vi")))]
async fn breakdown(
    c: Caller,
    ApiQuery(q): ApiQuery<BreakdownQuery>,
) -> ApiResult<reports::breakdown::Breakdown> {
    let dimension = crate::pages::breakdown::dimension(q.by.as_deref()).map_err(fail)?;
    c.answer(move |db, acc| {
        let asked = crate::pages::reports::Asked::of(q.unit, q.from, q.to, q.s);
        let req = crate::pages::reports::request(acc, &asked)?;
        Ok(reports::breakdown::compute(db, &req, dimension, true)?)
    })
    .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReasonQuery {
    /// Why the stored rows are corrected (kept in the audit).
    reason: Option<String>,
}

/// Ghi các dòng của một loại dữ liệu như một tệp: tất cả hoặc không gì.
///
/// Rows of any kind of the data contract (households, members, assessments, supports, …)
/// as JSON objects of its columns; a stored key is replaced. A row with `"delete": 1`
/// and a `"reason"` deletes the stored row of its key (a tombstone stays). An approved
/// period is locked (409).
#[utoipa::path(post, path = "/import/{kind}",
    params(("kind" = String, Path, description = "Loại dữ liệu của hợp đồng dữ liệu (households, members, supports, …)"), ReasonQuery),
    request_body(content = Vec<Object>, description = "Các dòng, mỗi dòng một đối tượng JSON theo các cột của loại dữ liệu"),
    responses((status = 200, body = Saved), (status = 400, body = crate::error::ApiError, description = "Dữ liệu sai, kèm lỗi từng dòng"),
              (status = 401, body = crate::error::ApiError), (status = 403, body = crate::error::ApiError, description = "Ngoài phạm vi"),
              (status = 404, body = crate::error::ApiError, description = "Không có loại dữ liệu này"),
              (status = 409, body = crate::error::ApiError, description = "Kỳ đã duyệt, bị khóa; hoặc người khác vừa ghi")))]
async fn import_rows(
    c: Caller,
    Path(kind): Path<String>,
    ApiQuery(q): ApiQuery<ReasonQuery>,
    Json(body): Json<Value>,
) -> ApiResult<Saved> {
    let how = Writing {
        create_only: false,
        reason: q.reason.filter(|r| !r.trim().is_empty()),
    };
    write_rows(c, &kind, body, how).await
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
) -> ApiResult<Saved> {
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
    st.write_as(&who.clone(), move |db| {
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
) -> Result<Json<Saved>, AppError> {
    let opts = importer::Options {
        actor: who.actor(),
        access: Some(acc),
        reason: how.reason,
        create_only: how.create_only,
        ..importer::Options::default()
    };
    match importer::import_tables(db, vec![table], Vec::new(), &opts) {
        Ok(s) => Ok(Json(Saved {
            saved: true,
            inserted: s.total().inserted,
            updated: s.total().updated,
            unchanged: s.total().unchanged,
            deleted: s.total().deleted,
        })),
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
