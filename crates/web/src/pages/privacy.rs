//! The personal-data law's duties (Law 91/2025, Decree 356/2025) that are not a record's
//! own page: whom the officers still have to ask for consent, the register of breaches
//! with their 72-hour clock (administrators), and the retention review (administrators).

use crate::auth::Authed;
use crate::error::{AppError, Page, Reply};
use crate::html::{csrf, household_path};
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use serde::Deserialize;
use store::breaches::{Breach, Milestone};

/// Members listed at most on the list of consents to collect.
const LISTED: i64 = 5_000;

#[derive(Deserialize)]
pub struct ListQuery {
    format: Option<String>,
}

/// The members of her units with no recorded consent: whom to ask on the next visit.
pub async fn consents(
    State(st): State<AppState>,
    who: Authed,
    Query(q): Query<ListQuery>,
) -> Reply {
    let (rows, total) = st
        .scoped(&who, |db, acc| {
            let ids = acc.readable_ids();
            let total = store::households::members_without_consent(db, ids.as_deref())?;
            let rows = store::households::without_consent(db, ids.as_deref(), LISTED)?
                .into_iter()
                .map(|m| {
                    let unit = crate::view::unit_name(acc, Some(m.unit_id), &m.unit_code);
                    (m, unit)
                })
                .collect::<Vec<_>>();
            Ok((rows, total))
        })
        .await?;
    let mut sheet = Sheet::new(
        "Chua co phieu dong y",
        &["Mã hộ", "Chủ hộ", "Thành viên số", "Họ tên", "Đơn vị"],
    );
    for (m, unit) in &rows {
        sheet.push(vec![
            Cell::link(m.household_code.clone(), household_path(&m.household_code)),
            m.head_name.as_str().into(),
            Cell::number(m.member_no),
            m.full_name.as_str().into(),
            unit.as_str().into(),
        ]);
    }
    if q.format.as_deref() == Some("xlsx") {
        let _heavy = st.heavy(&who).await?;
        return sheet.download("chua-co-phieu-dong-y");
    }
    let body = html! {
        h1 { "Thành viên chưa có phiếu đồng ý xử lý dữ liệu" }
        p { (reports::render::count(total)) " thành viên của các đơn vị bạn xem được chưa có phiếu đồng ý. "
            "Khi thăm hộ, hãy xin phiếu và ghi vào hồ sơ thành viên (nút “Ghi đồng ý” trên trang hộ)." }
        @if total > LISTED { p.muted { "Danh sách hiện " (reports::render::count(LISTED)) " thành viên đầu tiên." } }
        p { a href="/privacy/consents?format=xlsx" { "Tải Excel" } }
        (sheet.table())
    };
    Ok(who.page("Chưa có phiếu đồng ý", body).into_response())
}

fn must_admin(who: &Authed) -> Result<(), AppError> {
    if who.user.role == domain::access::Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A stored time as she reads it, or a dash.
fn when(t: Option<&str>) -> String {
    t.map_or_else(|| "—".to_owned(), crate::vietnam_time)
}

/// Where a breach stands against its 72 hours, in words.
fn clock_vi(b: &Breach, now: &str) -> String {
    let (Some(deadline), Some(now_s)) = (b.deadline(), store::breaches::seconds(now)) else {
        return String::new();
    };
    let due = store::breaches::seconds(&deadline).unwrap_or(0);
    match b.authority_notified_at.as_deref() {
        Some(at) => {
            let late = store::breaches::seconds(at).unwrap_or(0) > due;
            format!(
                "Đã thông báo lúc {}{}",
                crate::vietnam_time(at),
                if late {
                    " — quá hạn 72 giờ"
                } else {
                    " — trong hạn 72 giờ"
                }
            )
        }
        None if now_s <= due => format!(
            "Hạn thông báo {} — còn {} giờ",
            crate::vietnam_time(&deadline),
            (due - now_s) / 3600
        ),
        None => format!(
            "Hạn thông báo {} — ĐÃ QUÁ HẠN {} giờ",
            crate::vietnam_time(&deadline),
            (now_s - due) / 3600
        ),
    }
}

pub async fn breaches(State(st): State<AppState>, who: Authed) -> Reply {
    must_admin(&who)?;
    let list = st.run_as(&who, |db| Ok(store::breaches::list(db)?)).await?;
    let now = store::now_utc();
    let body = html! {
        h1 { "Sự cố dữ liệu cá nhân" }
        p.muted { "Nghị định 356/2025/NĐ-CP: khi phát hiện vi phạm dữ liệu cá nhân, phải thông báo cơ quan chuyên trách "
            "(Bộ Công an – A05) trong vòng 72 giờ. Ghi sự cố ngay khi nghi ngờ; trang sự cố tính hạn, ước tính người bị ảnh hưởng "
            "từ nhật ký truy cập và ghi từng bước xử lý." }
        @if list.is_empty() { p { "Chưa có sự cố nào được ghi." } }
        @for b in &list {
            div.card {
                strong { a href={"/privacy/breaches/" (b.id)} { "Sự cố số " (b.id) } } " — phát hiện " (crate::vietnam_time(&b.found_at))
                p { (b.what) }
                p class=(if b.authority_notified_at.is_none() { "alert" } else { "notice" }) { (clock_vi(b, &now)) }
                @if let Some(c) = &b.closed_at { p.muted { "Kết thúc " (crate::vietnam_time(c)) } }
            }
        }
        h2 { "Ghi sự cố mới" }
        form.stack.card method="post" action="/privacy/breaches" novalidate {
            (csrf(&who))
            label for="found_at" { "Thời điểm phát hiện (giờ Việt Nam)" }
            input id="found_at" name="found_at" type="datetime-local";
            label for="what" { "Sự việc (dữ liệu nào, xảy ra thế nào)" }
            textarea id="what" name="what" rows="3" {}
            label for="found_by" { "Người phát hiện / báo tin" }
            input id="found_by" name="found_by";
            label for="account" { "Tài khoản liên quan (nếu có; để ước tính từ nhật ký truy cập)" }
            input id="account" name="account";
            label for="window_from" { "Khoảng thời gian nghi bị lộ: từ (để trống: 30 ngày trước khi phát hiện)" }
            input id="window_from" name="window_from" type="datetime-local";
            label for="window_to" { "đến (để trống: đến khi kết thúc xử lý)" }
            input id="window_to" name="window_to" type="datetime-local";
            p { button type="submit" { "Ghi sự cố" } }
        }
    };
    Ok(who.page("Sự cố dữ liệu", body).into_response())
}

#[derive(Deserialize)]
pub struct NewBreach {
    #[serde(default)]
    _csrf: String,
    found_at: String,
    what: String,
    found_by: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    window_from: String,
    #[serde(default)]
    window_to: String,
}

/// The longest text a breach's fields take.
const TEXT_MAX: usize = 4_000;

pub async fn breach_create(
    State(st): State<AppState>,
    who: Authed,
    Form(f): Form<NewBreach>,
) -> Reply {
    must_admin(&who)?;
    let time = |s: &str, name: &str| -> Result<Option<String>, AppError> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        store::breaches::utc_from_vietnam(s)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(format!("“{name}” không phải ngày giờ hợp lệ.")))
    };
    let found_at = time(&f.found_at, "Thời điểm phát hiện")?
        .ok_or_else(|| AppError::BadRequest("Cần nhập thời điểm phát hiện.".into()))?;
    let (from, to) = (time(&f.window_from, "từ")?, time(&f.window_to, "đến")?);
    let (what, found_by) = (f.what.trim().to_owned(), f.found_by.trim().to_owned());
    if what.is_empty() || found_by.is_empty() {
        return Err(AppError::BadRequest(
            "Cần ghi sự việc và người phát hiện.".into(),
        ));
    }
    if what.len() > TEXT_MAX || found_by.len() > TEXT_MAX || f.account.len() > 200 {
        return Err(AppError::BadRequest("Nội dung quá dài.".into()));
    }
    if found_at > store::now_utc() {
        return Err(AppError::BadRequest(
            "Thời điểm phát hiện ở tương lai.".into(),
        ));
    }
    let actor = who.actor();
    let account = f.account.trim().to_owned();
    let id = st
        .run_as(&who, move |db| {
            Ok(store::breaches::record(
                db,
                &actor,
                &store::breaches::New {
                    found_at: &found_at,
                    what: &what,
                    found_by: &found_by,
                    account: (!account.is_empty()).then_some(account.as_str()),
                    window: (from.as_deref(), to.as_deref()),
                },
            )?)
        })
        .await?;
    Ok(Redirect::to(&format!("/privacy/breaches/{id}")).into_response())
}

pub async fn breach_show(State(st): State<AppState>, who: Authed, Path(id): Path<i64>) -> Reply {
    must_admin(&who)?;
    let now = store::now_utc();
    let at = now.clone();
    let (b, steps, affected) = st
        .run_as(&who, move |db| {
            let b = store::breaches::get(db, id)?.ok_or(AppError::NotFound)?;
            let steps = store::breaches::steps(db, id)?;
            let affected = store::breaches::affected(db, &b, &at)?;
            Ok((b, steps, affected))
        })
        .await?;
    let (from, to) = b.window(&now);
    let body = html! {
        h1 { "Sự cố số " (b.id) }
        p class=(if b.authority_notified_at.is_none() { "alert" } else { "notice" }) { (clock_vi(&b, &now)) }
        dl {
            dt { "Phát hiện" } dd { (crate::vietnam_time(&b.found_at)) " — " (b.found_by) }
            dt { "Sự việc" } dd { (b.what) }
            dt { "Tài khoản liên quan" } dd { (b.account.clone().unwrap_or_else(|| "—".into())) }
            dt { "Ghi bởi" } dd { (store::reviews::person(&b.recorded_by)) ", " (crate::vietnam_time(&b.recorded_at)) }
        }
        h2 { "Người có thể bị ảnh hưởng (ước tính)" }
        p { "Theo nhật ký truy cập từ " (crate::vietnam_time(&from)) " đến " (crate::vietnam_time(&to))
            @if let Some(a) = &b.account { " của tài khoản " (a) } ": "
            strong { (reports::render::count(affected.households)) " hộ, " (reports::render::count(affected.members)) " thành viên" }
            " có số CCCD/điện thoại được hiển thị đầy đủ (" (reports::render::count(affected.views)) " lượt)." }
        p.muted { "Ước tính chỉ gồm những lần xem được ghi trong nhật ký; dữ liệu lộ theo đường khác (tệp đã tải về, máy bị mất) cần đánh giá thêm." }
        h2 { "Các mốc" }
        ul {
            @for m in Milestone::ALL {
                @let at = match m { Milestone::AuthorityNotified => b.authority_notified_at.as_deref(), Milestone::PeopleNotified => b.people_notified_at.as_deref(), Milestone::Closed => b.closed_at.as_deref() };
                li { (m.label_vi()) ": " (when(at))
                    @if at.is_none() {
                        form.inline method="post" action={"/privacy/breaches/" (b.id)} novalidate {
                            (csrf(&who))
                            input type="hidden" name="milestone" value=(m.as_str());
                            " " button.secondary type="submit" { "Ghi lúc này" }
                        }
                    }
                }
            }
        }
        h2 { "Các bước xử lý" }
        @if steps.is_empty() { p.muted { "Chưa ghi bước nào." } }
        ol { @for s in &steps { li { (crate::vietnam_time(&s.at)) " — " (store::reviews::person(&s.by_actor)) ": " (s.what) } } }
        form.stack.card method="post" action={"/privacy/breaches/" (b.id)} novalidate {
            (csrf(&who))
            label for="step" { "Bước đã làm (khóa tài khoản, đổi mật khẩu, thu hồi tệp…)" }
            textarea id="step" name="step" rows="2" {}
            p { button type="submit" { "Ghi bước" } }
        }
        p { a href="/privacy/breaches" { "← Các sự cố" } }
    };
    Ok(who.page("Sự cố dữ liệu", body).into_response())
}

#[derive(Deserialize)]
pub struct BreachStep {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    milestone: String,
}

pub async fn breach_step(
    State(st): State<AppState>,
    who: Authed,
    Path(id): Path<i64>,
    Form(f): Form<BreachStep>,
) -> Reply {
    must_admin(&who)?;
    let actor = who.actor();
    let step = f.step.trim().to_owned();
    let milestone = Milestone::parse(&f.milestone);
    if step.is_empty() && milestone.is_none() {
        return Err(AppError::BadRequest("Cần ghi bước đã làm.".into()));
    }
    if step.len() > TEXT_MAX {
        return Err(AppError::BadRequest("Nội dung quá dài.".into()));
    }
    st.run_as(&who, move |db| {
        store::breaches::get(db, id)?.ok_or(AppError::NotFound)?;
        if let Some(m) = milestone {
            store::breaches::reach(db, &actor, id, m, &store::now_utc())?;
        } else {
            store::breaches::add_step(db, &actor, id, &step)?;
        }
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&format!("/privacy/breaches/{id}")).into_response())
}

/// Households listed at most on the retention review.
const REVIEWED: i64 = 2_000;

pub async fn retention(State(st): State<AppState>, who: Authed) -> Page {
    must_admin(&who)?;
    let today = crate::today();
    let (years, due) = st
        .scoped(&who, move |db, acc| {
            let years = store::retention::years(db)?;
            let before = retention_cut(today, years);
            let due = store::retention::due(db, None, before, REVIEWED)?
                .into_iter()
                .map(|d| {
                    let unit = crate::view::unit_name(
                        acc,
                        Some(domain::units::VersionId(d.unit_id)),
                        &d.unit_code,
                    );
                    (d, unit)
                })
                .collect::<Vec<_>>();
            Ok((years, due))
        })
        .await?;
    let mut sheet = Sheet::new("Luu tru", &["Mã hộ", "Đơn vị", "Hồ sơ gần nhất"]);
    for (d, unit) in &due {
        let actions = html! {
            form.inline method="post" action="/privacy/retention" novalidate {
                (csrf(&who))
                input type="hidden" name="household" value=(d.code);
                button.secondary type="submit" { "Ẩn danh hóa" }
            }
        };
        sheet.push_with(
            vec![
                Cell::link(d.code.clone(), household_path(&d.code)),
                unit.as_str().into(),
                Cell::date(d.last_on),
            ],
            actions,
        );
    }
    let body = html! {
        h1 { "Thời hạn lưu trữ dữ liệu cá nhân" }
        p { "Hộ không có hồ sơ mới nào trong " strong { (years) " năm" } " (trước " (retention_cut(today, years).dmy()) ") được liệt kê để xem xét. "
            "Ẩn danh hóa xóa họ tên, năm sinh, CCCD, điện thoại của mọi thành viên và tên chủ hộ; số liệu các báo cáo giữ nguyên." }
        form.inline.card method="post" action="/privacy/retention" novalidate {
            (csrf(&who))
            label for="years" { "Số năm lưu trữ " }
            input id="years" name="years" type="number" min=(store::retention::YEARS_ALLOWED.start()) max=(store::retention::YEARS_ALLOWED.end()) value=(years);
            " " button.secondary type="submit" { "Lưu" }
        }
        @if due.is_empty() { p { "Không có hộ nào quá thời hạn." } } @else { (sheet.table()) }
    };
    Ok(who.page("Thời hạn lưu trữ", body))
}

/// The first day a record keeps a household off the review.
fn retention_cut(today: domain::Date, years: i64) -> domain::Date {
    today.add_months(-i32::try_from(years * 12).unwrap_or(i32::MAX))
}

#[derive(Deserialize)]
pub struct RetentionStep {
    #[serde(default)]
    _csrf: String,
    years: Option<String>,
    household: Option<String>,
}

pub async fn retention_step(
    State(st): State<AppState>,
    who: Authed,
    Form(f): Form<RetentionStep>,
) -> Reply {
    must_admin(&who)?;
    let actor = who.actor();
    let today = crate::today();
    if let Some(years) = f.years.as_deref() {
        let years: i64 = years
            .trim()
            .parse()
            .ok()
            .filter(|y| store::retention::YEARS_ALLOWED.contains(y))
            .ok_or_else(|| AppError::BadRequest("Số năm lưu trữ phải từ 1 đến 50.".into()))?;
        st.run_as(&who, move |db| {
            Ok(store::retention::set_years(db, &actor, years)?)
        })
        .await?;
    } else if let Some(code) = f.household {
        st.run_as(&who, move |db| {
            let before = retention_cut(today, store::retention::years(db)?);
            if !store::retention::is_due(db, &code, before)? {
                return Err(AppError::BadRequest(
                    "Hộ này chưa quá thời hạn lưu trữ (hoặc đã được ẩn danh hóa).".into(),
                ));
            }
            let req = store::erasure::Request {
                actor: &actor,
                reason: "Hết thời hạn lưu trữ",
            };
            store::erasure::anonymise_household(db, &code, &req)?;
            Ok(())
        })
        .await?;
    }
    Ok(Redirect::to("/privacy/retention").into_response())
}
