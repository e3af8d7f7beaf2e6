//! Households: search without diacritics (live, with htmx), lists by status, one
//! household in full.

use crate::auth::Authed;
use crate::error::{AppError, Page, Reply};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use domain::poverty::{classify, national::service_label_vi, standard_for, Class};
use domain::status::{effective_history, events};
use maud::{html, Markup};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: i64,
}

/// A search of more words than it takes: said, not answered with an error of the system.
pub(crate) fn too_many_words() -> AppError {
    AppError::BadRequest(format!(
        "Tìm theo tối đa {} từ; hãy bớt từ rồi tìm lại.",
        store::households::MAX_WORDS
    ))
}

/// Households per page of a list.
const PER_PAGE: i64 = 50;

/// One line of a list: code, head, unit, and the member a search found.
type Line = (String, String, String, Option<String>);

/// A page of a list and how many households the list holds in all.
struct Found {
    total: i64,
    lines: Vec<Line>,
    page: i64,
}

fn hits_table(found: &Found, q: &ListQuery) -> Markup {
    let hits = &found.lines;
    let first = found.page * PER_PAGE;
    let more = |page: i64| {
        serde_urlencoded::to_string([
            ("q", q.q.as_str()),
            ("status", q.status.as_str()),
            ("page", &page.to_string()),
        ])
        .unwrap_or_default()
    };
    html! {
        @if hits.is_empty() && q.q.trim().is_empty() && q.status.is_empty() {
            p.muted { "Gõ tên chủ hộ hoặc thành viên, mã hộ, số CCCD hoặc số điện thoại để tìm hộ." }
        } @else if hits.is_empty() { p.muted { "Không tìm thấy hộ nào. Thử bớt một từ, hoặc tìm theo mã hộ." } }
        @else {
            p { strong { (found.total) " hộ" }
                @if found.total > PER_PAGE { ", hiển thị " (first + 1) "–" (first + hits.len() as i64) } }
            div.scroll { table {
                tr { th { "Mã hộ" } th { "Chủ hộ" } th { "Đơn vị" } }
                @for (code, head, unit, member) in hits {
                    tr {
                        td { a href=(crate::html::household_path(code)) { (code) } }
                        td { (head) @if let Some(m) = member { br; span.muted { "thành viên: " (m) } } }
                        td { (unit) }
                    }
                }
            } }
            p { a href={"/households/export?" (more(0))} { "Tải danh sách (Excel)" } }
            p {
                @if found.page > 0 { a href={"/households?" (more(found.page - 1))} { "← Trang trước" } " " }
                @if first + PER_PAGE < found.total { a href={"/households?" (more(found.page + 1))} { "Trang sau →" } }
            }
        }
    }
}

/// The list a query asks for: a page of `per` households.
async fn find(st: &AppState, who: &Authed, q: &ListQuery, per: i64) -> Result<Found, AppError> {
    let w = who.clone();
    let (q_trim, status, page) = (q.q.trim().to_owned(), q.status.clone(), q.page.max(0));
    let (offset, limit) = (page * per, per);
    st.run(move |db| {
        let acc = w.access(db)?;
        if let Some(status) = Class::parse(&status) {
            let all = store::households::list_by_status(db, &acc, status)?;
            let lines = all
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .map(|h| {
                    (
                        h.code.clone(),
                        h.head_name.clone(),
                        crate::view::unit_name(&acc, Some(h.unit_id), &h.unit_code),
                        None,
                    )
                })
                .collect();
            return Ok(Found {
                total: all.len() as i64,
                lines,
                page,
            });
        }
        if q_trim.is_empty() {
            return Ok(Found {
                total: 0,
                lines: Vec::new(),
                page,
            });
        }
        let wanted = store::households::Wanted::from_query(&q_trim);
        if wanted.too_many_words() {
            return Err(too_many_words());
        }
        let (total, hits) = store::households::search_page(db, &acc, &wanted, (limit, offset))?;
        let lines = hits
            .into_iter()
            .map(|h| {
                (
                    h.household.code,
                    h.household.head_name,
                    crate::view::unit_name(&acc, Some(h.household.unit_id), &h.household.unit_code),
                    h.member.map(|m| m.1),
                )
            })
            .collect();
        Ok(Found { total, lines, page })
    })
    .await
}

pub async fn list(State(st): State<AppState>, who: Authed, Query(q): Query<ListQuery>) -> Page {
    let (query, status) = (q.q.clone(), q.status.clone());
    let hits = find(&st, &who, &q, PER_PAGE).await?;
    let body = html! {
        h1 { "Hộ gia đình" }
        form.stack method="get" action="/households" novalidate {
            label for="q" { "Tìm theo mã hộ, tên (không cần dấu, từ theo thứ tự nào cũng được), số CCCD hoặc số điện thoại" }
            input id="q" name="q" type="search" value=(query) autocomplete="off"
                data-hx-get="/households/results" data-hx-trigger="keyup changed delay:400ms" data-hx-target="#hits";
            p { button type="submit" { "Tìm" } }
        }
        p { "Danh sách theo tình trạng: "
            @for c in Class::ALL { a href={"/households?status=" (c.as_str())} { (c.label_vi()) } " · " } }
        @if let Some(c) = Class::parse(&status) { h2 { (c.label_vi()) " (theo kết quả rà soát gần nhất)" } }
        div #hits { (hits_table(&hits, &q)) }
    };
    Ok(who.page_with_htmx("Hộ gia đình", body))
}

/// Rows an exported list holds at most.
const EXPORTED: i64 = 50_000;

/// The whole list (up to `EXPORTED` households) as an XLSX workbook.
pub async fn export(State(st): State<AppState>, who: Authed, Query(q): Query<ListQuery>) -> Reply {
    let all = ListQuery { page: 0, ..q };
    let _heavy = st.heavy(&who).await?;
    let found = find(&st, &who, &all, EXPORTED).await?;
    let mut sheet = crate::sheet::Sheet::new(
        "Danh sach ho",
        &["Mã hộ", "Chủ hộ", "Đơn vị", "Thành viên tìm thấy"],
    );
    for (code, head, unit, member) in found.lines {
        sheet.push(vec![
            code.into(),
            head.into(),
            unit.into(),
            member.unwrap_or_default().into(),
        ]);
    }
    sheet.download("danh-sach-ho")
}

/// The hits alone, for htmx to swap in as the officer types.
pub async fn results(State(st): State<AppState>, who: Authed, Query(q): Query<ListQuery>) -> Page {
    let hits = find(&st, &who, &q, PER_PAGE).await?;
    Ok(Html(hits_table(&hits, &q).into_string()))
}

pub async fn show(
    State(st): State<AppState>,
    who: Authed,
    Path(code): Path<String>,
    Query(saved): Query<super::saved::SavedQuery>,
) -> Page {
    let w = who.clone();
    let body = st
        .scoped(&who, move |db, acc| {
            let h = store::households::get_scoped(db, acc, &code)?.ok_or(AppError::NotFound)?;
            let surface = store::disclosure::Surface::HouseholdPage;
            let members = store::households::members_shown(db, acc, &h, surface)?;
            let assessments = store::households::assessments_of(db, &code)?;
            let consents = store::households::consents_of(db, &code)?;
            let consent_of = |no: i64| match consents.iter().find(|c| c.member_no == no) {
                None => "Chưa có phiếu".to_owned(),
                Some(c) => match c.withdrawn_on {
                    Some(w) => format!("Đã rút lại {}", w.dmy()),
                    None => format!("Đồng ý {}", c.given_on.dmy()),
                },
            };
            let standards = store::standards::load_all(db)?;
            let supports = store::records::supports_of_household(db, &code)?;
            let assignments = store::households::assignments_of(db, &code)?;
            let area = h.area;
            let history = effective_history(&assessments.iter().map(|a| a.assessed.clone()).collect::<Vec<_>>(), domain::Date::MAX);
            let evs = events(&history);
            let writable = acc.can_write_unit(h.unit_id);
            let may_erase = writable && acc.user.role.manages_users();
            let changes = super::history::section(db, acc, &h, writable.then_some(&w))?;
            let path = crate::html::household_path(&h.code);
            Ok(html! {
                (saved.notice())
                h1 #ho { "Hộ " (h.code) ": " (h.head_name) }
                p { (h.size) " nhân khẩu · " (area.label_vi()) @if h.ethnic_minority { " · dân tộc thiểu số" } " · đơn vị " a href={"/units/" (h.unit_code)} { (crate::view::unit_name(acc, Some(h.unit_id), &h.unit_code)) } " · đăng ký " (h.registered_on.dmy()) }
                // Where the chapter's assessment and the commune's decision of a year differ,
                // both are said up front (the year's figures count the one, the commune
                // the other).
                @for (p, o) in readings_differ(&assessments) {
                    p.notice { "Năm " (p.year) ": Hội đánh giá “" (p.status.label_vi()) "” (" (p.assessed_on.dmy()) "), xã công nhận “" (o.status.label_vi()) "” (" (o.assessed_on.dmy()) ")." }
                }
                @if writable {
                    p.actions { a.button href={(path) "/members"} { "Thêm thành viên" } " "
                        a.button href={(path) "/assessments"} { "Ghi rà soát" } " "
                        a.button href={(path) "/supports"} { "Ghi hỗ trợ" } " "
                        a.button href={(path) "/assignments"} { "Phân công giúp đỡ" } " "
                        a.button.secondary href={(path) "/edit"} { "Sửa hộ" } }
                }
                p.actions { a href={(path) "/card"} { "Phiếu hộ (in, PDF)" } " · " a href="#lich-su" { "Lịch sử thay đổi" } }
                h2 #thanh-vien { "Thành viên" }
                // On a phone each member is a card, each value under its heading.
                table.cards {
                    thead { tr { th { "#" } th { "Họ tên" } th { "Năm sinh" } th { "Dân tộc" } th { "CCCD" } th { "Điện thoại" } th { "Đồng ý xử lý dữ liệu" } @if writable { th {} } } }
                    tbody { @for m in &members {
                        tr { td data-label="#" { (m.member_no) }
                             td data-label="Họ tên" { (m.full_name) @if m.union_member == Some(true) { " (hội viên)" } }
                             td data-label="Năm sinh" { (m.birth_year.map(|y| y.to_string()).unwrap_or_default()) }
                             td data-label="Dân tộc" { (m.ethnicity.map(domain::vocab::Ethnicity::label_vi).unwrap_or_default()) }
                             td data-label="CCCD" { (m.citizen_id.clone().unwrap_or_default()) }
                             td data-label="Điện thoại" { (m.phone.clone().unwrap_or_default()) }
                             td data-label="Đồng ý xử lý dữ liệu" { (consent_of(m.member_no)) }
                             @if writable { td { (super::records::actions("members", &[h.code.as_str().into(), m.member_no.into()]))
                                 @let base = format!("{}/members/{}", crate::html::household_path(&h.code), m.member_no);
                                 @match consents.iter().find(|c| c.member_no == m.member_no) {
                                     None => { " · " a href={(crate::html::household_path(&h.code)) "/consents?member=" (m.member_no)} { "Ghi đồng ý" } }
                                     Some(_) => { " · " (super::records::edit_link("consents", &[h.code.as_str().into(), m.member_no.into()], "Sửa/rút đồng ý")) }
                                 }
                                 " · Dữ liệu của bà: " a href={(base) "/data?format=pdf"} title="Mọi dữ liệu Hội lưu về bà, khi bà yêu cầu" { "PDF" }
                                 " " a href={(base) "/data"} { "JSON" }
                                 @if may_erase && !store::erasure::is_erased(&m.full_name) { " · " a href={(base) "/erase"} { "Xóa dữ liệu cá nhân" } } } } }
                    } }
                }
                h2 #ra-soat { "Rà soát và phân loại" }
                @for a in &assessments {
                    @let std = a.standard_code.as_deref().and_then(|c| standards.iter().find(|s| s.code == c)).or_else(|| standard_for(&standards, a.assessed.assessed_on, None));
                    div.card {
                        strong { "Năm " (a.assessed.year) ": " (a.assessed.status.label_vi()) }
                        " — " (a.assessed.kind.label_vi()) ", " (a.assessed.assessed_on.dmy())
                        @if writable { " · " (super::records::actions("assessments", &[h.code.as_str().into(), i64::from(a.assessed.year).into(), a.assessed.kind.as_str().into()])) }
                        @if let (Some(income), Some(s)) = (a.income, std) {
                            @if let Ok(c) = classify(s, income, &a.deprivations, area) {
                                p.muted { "Theo " (s.name) ": " (c.reason_vi) }
                                @for (svc, codes) in &c.deprived {
                                    div.muted { "Thiếu hụt " (service_label_vi(svc)) ": "
                                        (codes.iter().map(|c| s.indicator(c).map_or(c.clone(), |i| i.label_vi.clone())).collect::<Vec<_>>().join(", ")) }
                                }
                            }
                        }
                    }
                }
                h2 #dien-bien { "Diễn biến" }
                @if evs.is_empty() { p.muted { "Chưa có thay đổi so với mốc ban đầu." } }
                ul { @for e in &evs { li { (e.date.dmy()) " (năm " (e.year) "): " (e.kind.label_vi()) " — " (e.from.label_vi()) " → " (e.to.label_vi())
                    @if e.kind == domain::status::EventKind::Escaped { (held_vi(&history, e)) } } } }
                h2 #giup-do { "Được giúp đỡ" }
                ul {
                    @for (unit, year, on) in &assignments { li { "Năm " (year) ": " (crate::view::unit_name(acc, None, unit)) " nhận giúp từ " (on.dmy())
                        @if writable { " · " (super::records::actions("assignments", &[h.code.as_str().into(), unit.as_str().into(), (*year).into()])) } } }
                    @for s in &supports { li { (s.date.dmy()) ": " (s.kind.label_vi()) @if let Some(item) = &s.item { " — " (item) } " × " (s.quantity) ", " (reports::render::count(s.value_vnd)) " đồng (" (crate::view::unit_name(acc, Some(s.unit_id), &s.unit_code)) ")"
                        @if writable { " · " (super::records::actions("supports", &[s.record_id.as_str().into()])) } } }
                }
                (changes)
            })
        })
        .await?;
    Ok(who.page("Hộ gia đình", body))
}

/// The years whose provisional assessment and official decision classify differently.
fn readings_differ(
    list: &[store::households::StoredAssessment],
) -> Vec<(&domain::status::Assessed, &domain::status::Assessed)> {
    use domain::status::AssessmentKind as K;
    list.iter()
        .filter(|p| p.assessed.kind == K::Provisional)
        .filter_map(|p| {
            let o = list
                .iter()
                .find(|o| o.assessed.kind == K::Official && o.assessed.year == p.assessed.year)?;
            (o.assessed.status != p.assessed.status).then_some((&p.assessed, &o.assessed))
        })
        .collect()
}

/// Whether an escape held one and two years later, as the household's history says it.
fn held_vi(history: &[domain::status::Assessed], e: &domain::status::StatusEvent) -> String {
    let s = domain::status::sustained(history, e);
    let say = |k: i32, held: Option<bool>| match held {
        Some(true) => format!("giữ được sau {k} năm"),
        Some(false) => format!("tái nghèo sau {k} năm"),
        None => format!("chưa rà soát sau {k} năm"),
    };
    format!(" ({}; {})", say(1, s.one_year), say(2, s.two_years))
}
