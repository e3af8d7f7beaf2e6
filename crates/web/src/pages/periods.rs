//! Sign-off of a period (`domain::review`): a unit submits its figures, a manager of a
//! unit above approves them (which locks the records dated in the period for the unit
//! and every unit below) or sends them back with a comment, and reopens an approved
//! period when a correction is needed. Every step is audited.

use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::html::csrf;
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use domain::access::Subject;
use domain::review::{Period, ReviewState};
use domain::vocab::capitalized;
use maud::html;
use serde::Deserialize;
use std::collections::HashMap;
use store::reviews::Review;

/// The month before today's: what a unit usually sends up.
fn last_month(today: domain::Date) -> String {
    let (y, m, _) = today.ymd();
    if m == 1 {
        format!("{}-12", y - 1)
    } else {
        format!("{y}-{:02}", m - 1)
    }
}

/// What she may do with unit `code`'s review: submit (her own writable unit), decide on
/// it (a manager of a unit above, or an administrator).
struct Rights {
    submit: bool,
    decide: bool,
}

fn rights(acc: &store::access::Access, code: &str) -> Rights {
    let today = acc.today;
    let id = acc
        .graph
        .version_on(code, today)
        .map(|ix| acc.graph.version(ix).id);
    let submit = id.is_some_and(|id| acc.may_write(Subject::Records, id));
    let below = code != acc.root_code() && acc.can_read_code(code, today);
    let decide = acc.is_admin() || (acc.user.role.manages_users() && below);
    Rights { submit, decide }
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    p: Option<String>,
    /// `xlsx`: the units below and where each stands, as a download.
    format: Option<String>,
    /// `cho-duyet`: only what waits for her decision; `tat-ca`: every unit below.
    /// Absent: what waits for her when anything does, else every unit.
    loc: Option<String>,
    /// Part of a unit's name or code.
    q: Option<String>,
}

/// One line of the page: a unit, its review and what she may do with it.
struct Line {
    code: String,
    name: String,
    review: Option<Review>,
    rights: Rights,
    /// Its headline figures for the period, and for the period before.
    figures: Option<Headline>,
}

/// What the sign-off shows of a unit's figures.
#[derive(Clone, Copy, Default)]
struct Headline {
    assisted: i64,
    escaped: i64,
    escaped_pct: Option<f64>,
    before: i64,
}

/// The headline figures of each child of the root (and the root itself) for `period`,
/// in today's units, with the period before's escapes.
fn headlines(
    db: &mut store::Db,
    root: &str,
    period: Period,
    today: domain::Date,
) -> Result<HashMap<String, Headline>, AppError> {
    let req = |p: Period| reports::Request {
        unit: root.to_owned(),
        from: p.from,
        to: p.to,
        structure_date: Some(today),
    };
    let now = reports::run(db, &req(period), true)?;
    let before = reports::run(db, &req(period.previous()), true)?;
    let escaped = |list: &[reports::IndicatorValue]| {
        let pct = list
            .iter()
            .find(|v| v.code == "hh_escaped")
            .and_then(|v| v.achievement_pct);
        (reports::int_of(list, "hh_escaped"), pct)
    };
    let assisted = |list: &[reports::IndicatorValue]| reports::int_of(list, "hh_assisted");
    let mut out: HashMap<String, Headline> = HashMap::new();
    let (e, pct) = escaped(&now.indicators);
    out.insert(
        root.to_owned(),
        Headline {
            assisted: assisted(&now.indicators),
            escaped: e,
            escaped_pct: pct,
            before: escaped(&before.indicators).0,
        },
    );
    for c in now.children.iter().flatten().filter(|c| !c.own) {
        let (e, pct) = escaped(&c.indicators);
        out.insert(
            c.unit.code.clone(),
            Headline {
                assisted: assisted(&c.indicators),
                escaped: e,
                escaped_pct: pct,
                before: 0,
            },
        );
    }
    for c in before.children.iter().flatten().filter(|c| !c.own) {
        if let Some(h) = out.get_mut(&c.unit.code) {
            h.before = escaped(&c.indicators).0;
        }
    }
    Ok(out)
}

/// "+12" / "−3" / "0": the change since the period before.
fn change(now: i64, before: i64) -> String {
    let d = now - before;
    match d.cmp(&0) {
        std::cmp::Ordering::Greater => format!("+{}", reports::render::count(d)),
        std::cmp::Ordering::Less => format!("−{}", reports::render::count(-d)),
        std::cmp::Ordering::Equal => "0".into(),
    }
}

pub async fn show(State(st): State<AppState>, who: Authed, Query(q): Query<PeriodQuery>) -> Reply {
    let exporting = q.format.as_deref() == Some("xlsx");
    let raw = q.p.clone().unwrap_or_else(|| last_month(crate::today()));
    let Some(period) = Period::parse(&raw) else {
        return Err(AppError::BadRequest(format!(
            "Kỳ không hợp lệ: {raw}. Ghi tháng (2026-03), quý (2026-Q1), năm (2026) hoặc khoảng ngày (2026-01-01..2026-10-31)."
        )));
    };
    let lines = st
        .scoped(&who, move |db, acc| {
            let Some(root) = acc.root else {
                return Ok(Vec::new());
            };
            let s = acc.graph.structure_on(acc.today);
            let units: Vec<usize> = std::iter::once(root)
                .chain(s.children(root).iter().copied())
                .collect();
            let codes: Vec<&str> = units
                .iter()
                .map(|&ix| acc.graph.version(ix).code.as_str())
                .collect();
            let mut reviews: HashMap<String, Review> =
                store::reviews::of_units(db, &codes, period)?
                    .into_iter()
                    .map(|r| (r.unit_code.clone(), r))
                    .collect();
            let mut figures = headlines(db, &acc.root_code(), period, acc.today)?;
            Ok(units
                .iter()
                .map(|&ix| {
                    let v = acc.graph.version(ix);
                    Line {
                        code: v.code.clone(),
                        name: v.name.clone(),
                        review: reviews.remove(&v.code),
                        rights: rights(acc, &v.code),
                        figures: figures.remove(&v.code),
                    }
                })
                .collect::<Vec<_>>())
        })
        .await?;
    let (own, children) = lines
        .split_first()
        .map_or((None, &[][..]), |(o, c)| (Some(o), c));
    let approved = children
        .iter()
        .filter(|l| {
            l.review
                .as_ref()
                .is_some_and(|r| r.state == ReviewState::Approved)
        })
        .count();
    let waits = |l: &Line| {
        l.rights.decide
            && l.review
                .as_ref()
                .is_some_and(|r| r.state == ReviewState::Submitted)
    };
    let waiting = children.iter().filter(|l| waits(l)).count();
    let only_waiting = match q.loc.as_deref() {
        Some("cho-duyet") => true,
        Some(_) => false,
        None => waiting > 0,
    };
    let needle =
        q.q.as_deref()
            .map(domain::text::fold)
            .filter(|n| !n.is_empty());
    let shown: Vec<&Line> = children
        .iter()
        .filter(|l| !only_waiting || waits(l))
        .filter(|l| {
            needle.as_ref().is_none_or(|n| {
                domain::text::fold(&l.name).contains(n.as_str()) || l.code.contains(n.as_str())
            })
        })
        .collect();
    let state = |l: &Line| {
        l.review.as_ref().map_or("chưa gửi".to_owned(), |r| {
            capitalized(r.state.label_vi())
        })
    };
    let today = crate::today();
    // A step: approving is one button; sending back and reopening ask for the reason.
    let step = |l: &Line, to: ReviewState| {
        let (label, class, reason) = match to {
            ReviewState::Approved => ("Duyệt", "approve", None),
            ReviewState::Returned => ("Trả lại", "secondary", Some("Lý do trả lại")),
            ReviewState::Reopened => ("Mở lại", "danger", Some("Lý do mở lại")),
            _ => ("Gửi duyệt", "approve", None),
        };
        html! {
            form.inline method="post" action="/periods" novalidate {
                (csrf(&who))
                input type="hidden" name="unit" value=(l.code);
                input type="hidden" name="p" value=(raw);
                input type="hidden" name="to" value=(to.as_str());
                @if let Some(r) = reason { input name="comment" placeholder=(r) aria-label=(r) style="width:auto"; " " }
                button class=(class) type="submit" { (label) }
            }
        }
    };
    let report_link = |code: &str| {
        format!(
            "/reports?{}",
            serde_urlencoded::to_string([
                ("unit", code.to_owned()),
                ("from", period.from.to_string()),
                ("to", period.to.to_string()),
            ])
            .unwrap_or_default()
        )
    };
    let signed_link = |code: &str| {
        format!(
            "/periods/signed?{}",
            serde_urlencoded::to_string([("unit", code), ("p", raw.as_str())]).unwrap_or_default()
        )
    };
    // The units below: their figures, where each stands, who sent and decided.
    let mut sheet = Sheet::new(
        "Duyet ky",
        &[
            "Đơn vị",
            "Hộ được nhận giúp",
            "Thoát nghèo, cận nghèo",
            "Đạt % kế hoạch",
            "So với kỳ trước",
            "Trạng thái",
            "Ý kiến",
            "Gửi / duyệt",
        ],
    );
    for l in &shown {
        let people = l.review.as_ref().map_or(String::new(), |r| {
            let sent = store::reviews::person(r.submitted_by.as_deref().unwrap_or_default());
            match &r.decided_by {
                Some(d) => format!("{sent} / {}", store::reviews::person(d)),
                None => sent.to_owned(),
            }
        });
        let comment = l
            .review
            .as_ref()
            .and_then(|r| r.comment.clone())
            .unwrap_or_default();
        let f = l.figures.unwrap_or_default();
        let cells = vec![
            Cell::link(&l.name, report_link(&l.code)),
            Cell::number(f.assisted),
            Cell::number(f.escaped),
            f.escaped_pct
                .map(|p| Cell::number(reports::render::decimal(p)))
                .unwrap_or_default(),
            change(f.escaped, f.before).into(),
            state(l).into(),
            comment.into(),
            people.into(),
        ];
        // Who submitted it does not approve it (four eyes; the step refuses it too).
        let sent_by_her = l
            .review
            .as_ref()
            .is_some_and(|r| r.submitted_by.as_deref() == Some(who.actor().as_str()));
        let approves = !sent_by_her || who.user.role == domain::access::Role::Admin;
        let actions = html! {
            @if l.rights.decide { @match l.review.as_ref().map(|r| r.state) {
                Some(ReviewState::Submitted) => {
                    @if approves { (step(l, ReviewState::Approved)) }
                    @else { span.muted { "Chờ người khác duyệt " } }
                    (step(l, ReviewState::Returned))
                }
                Some(ReviewState::Approved) => {
                    a href=(signed_link(&l.code)) { "Bản đã ký" } " "
                    (step(l, ReviewState::Reopened))
                }
                _ => {}
            } }
        };
        if exporting {
            sheet.push(cells);
        } else {
            sheet.push_with(cells, actions);
        }
    }
    if exporting {
        return sheet.download(&format!("duyet-ky-{raw}"));
    }
    let filter_link = |loc: &str| {
        format!(
            "/periods?{}",
            serde_urlencoded::to_string([("p", raw.as_str()), ("loc", loc)]).unwrap_or_default()
        )
    };
    let body = html! {
        h1 { "Duyệt số liệu theo kỳ" }
        form.inline method="get" action="/periods" novalidate {
            label for="p" { "Kỳ" } " "
            input #p name="p" value=(raw) style="width:auto" aria-describedby="p-help"; " "
            label for="q" { "Đơn vị" } " "
            input #q name="q" value=(q.q.clone().unwrap_or_default()) placeholder="Tên hoặc mã" style="width:auto"; " "
            input type="hidden" name="loc" value=(if only_waiting { "cho-duyet" } else { "tat-ca" });
            button type="submit" { "Xem" }
        }
        p.muted #p-help { "Tháng (2026-03), quý (2026-Q1), năm (2026) hoặc đến ngày chốt (01/01/2026..31/10/2026). Kỳ " (period.dmy()) ", so với kỳ trước " (period.previous().dmy()) "." }
        @if let Some(o) = own {
            h2 { "Đơn vị của bạn: " (o.name) }
            p { "Trạng thái: " strong { (state(o)) }
                @if let Some(c) = o.review.as_ref().and_then(|r| r.comment.as_deref()) { " — " em { (c) } } }
            @if let Some(f) = o.figures {
                p { "Hộ được nhận giúp " strong { (reports::render::count(f.assisted)) } ", thoát nghèo, cận nghèo " strong { (reports::render::count(f.escaped)) }
                    @if let Some(p) = f.escaped_pct { " (" (reports::render::decimal(p)) "% kế hoạch)" }
                    ", kỳ trước " (reports::render::count(f.before)) ". " a href=(report_link(&o.code)) { "Xem báo cáo" } }
            }
            @if o.rights.submit && o.review.as_ref().is_none_or(|r| matches!(r.state, ReviewState::Returned | ReviewState::Reopened)) {
                @if period.ended_by(today) { (step(o, ReviewState::Submitted)) }
                @else { p.muted { "Kỳ chưa kết thúc: gửi duyệt được từ ngày " (period.to.succ().dmy()) "." } }
            }
            @if o.review.as_ref().is_some_and(|r| r.state == ReviewState::Approved) {
                p { a href=(signed_link(&o.code)) { "Xem bản đã ký" } }
            }
        }
        @if !children.is_empty() {
            h2 { "Đơn vị trực thuộc: đã duyệt " (approved) "/" (children.len()) }
            p { @if only_waiting { strong { "Chờ bạn duyệt (" (waiting) ")" } " · " a href=(filter_link("tat-ca")) { "Tất cả đơn vị (" (children.len()) ")" } }
                @else { a href=(filter_link("cho-duyet")) { "Chờ bạn duyệt (" (waiting) ")" } " · " strong { "Tất cả đơn vị (" (children.len()) ")" } }
                " · " a href={"/periods?" (serde_urlencoded::to_string([("p", raw.as_str()), ("format", "xlsx"), ("loc", if only_waiting { "cho-duyet" } else { "tat-ca" })]).unwrap_or_default())} { "Tải Excel" } }
            @if shown.is_empty() { p.muted { "Không có đơn vị nào." } }
            @else { (sheet.table()) }
        }
    };
    Ok(who.page("Duyệt số liệu", body).into_response())
}

#[derive(Deserialize)]
pub struct StepForm {
    unit: String,
    p: String,
    to: String,
    #[serde(default)]
    comment: String,
}

/// A step: the state it moves to must follow from the stored one, and be hers to take.
/// Sending back and reopening need a reason; a period is submitted once it has ended;
/// an approval keeps the report it approved (`store::seals`).
pub async fn step(State(st): State<AppState>, who: Authed, Form(f): Form<StepForm>) -> Reply {
    let period =
        Period::parse(&f.p).ok_or_else(|| AppError::BadRequest("Kỳ không hợp lệ.".into()))?;
    let to = ReviewState::parse(&f.to)
        .ok_or_else(|| AppError::BadRequest("Bước không hợp lệ.".into()))?;
    let comment = f.comment.trim().to_owned();
    if comment.is_empty() && matches!(to, ReviewState::Returned | ReviewState::Reopened) {
        let what = if to == ReviewState::Returned {
            "trả lại"
        } else {
            "mở lại"
        };
        return Err(AppError::BadRequest(format!(
            "Cần ghi lý do {what} để đơn vị biết phải sửa gì."
        )));
    }
    if comment.chars().count() > 1000 {
        return Err(AppError::BadRequest("Ý kiến dài quá 1.000 ký tự.".into()));
    }
    if to == ReviewState::Submitted && !period.ended_by(crate::today()) {
        return Err(AppError::Conflict(format!(
            "Kỳ {} chưa kết thúc: gửi duyệt được từ ngày {}.",
            period.dmy(),
            period.to.succ().dmy()
        )));
    }
    let actor = who.actor();
    let unit = f.unit.clone();
    st.scoped(&who, move |db, acc| {
        let r = rights(acc, &unit);
        let stored = store::reviews::get(db, &unit, period)?;
        // Four eyes: who submitted a period does not approve it herself; a second person
        // decides. An administrator may (a unit with one officer), and it is audited as
        // every step is.
        if to == ReviewState::Approved
            && !acc.is_admin()
            && stored
                .as_ref()
                .is_some_and(|s| s.submitted_by.as_deref() == Some(actor.as_str()))
        {
            return Err(AppError::Conflict(
                "Bạn đã gửi duyệt kỳ này nên không tự duyệt được: người khác có quyền duyệt sẽ quyết định (đơn vị chỉ có một cán bộ: nhờ quản trị hệ thống duyệt)."
                    .into(),
            ));
        }
        let now = stored.map(|r| r.state);
        let allowed = match (to, now) {
            (
                ReviewState::Submitted,
                None | Some(ReviewState::Returned | ReviewState::Reopened),
            ) => r.submit,
            (ReviewState::Approved | ReviewState::Returned, Some(ReviewState::Submitted)) => {
                r.decide
            }
            (ReviewState::Reopened, Some(ReviewState::Approved)) => r.decide,
            _ => false,
        };
        if !allowed {
            return Err(AppError::Conflict(
                "Không thể thực hiện bước này: trạng thái của kỳ đã đổi hoặc bạn không có quyền."
                    .into(),
            ));
        }
        let comment = (!comment.is_empty()).then_some(comment.as_str());
        db.transaction(|tx| {
            store::reviews::step(tx, &unit, period, to, &actor, comment)?;
            if to == ReviewState::Approved {
                // What she approves is kept as she saw it (`reports::seal`).
                let kinds = importer::kinds::dated_tables();
                let sealed =
                    reports::seal::make(tx, &acc.graph, &unit, period, acc.today, &kinds)?;
                reports::seal::keep(tx, &unit, period, &sealed, &actor)?;
            }
            Ok::<(), AppError>(())
        })?;
        Ok(())
    })
    .await?;
    let back = serde_urlencoded::to_string([("p", f.p.as_str())]).unwrap_or_default();
    Ok(Redirect::to(&format!("/periods?{back}")).into_response())
}

/// What waits for her decision: submitted periods of the units below hers (at any
/// depth) that she may approve.
pub fn waiting(db: &mut store::Db, acc: &store::access::Access) -> Result<Vec<Review>, AppError> {
    if !acc.user.role.manages_users() {
        return Ok(Vec::new());
    }
    let me = acc.user.actor();
    Ok(store::reviews::submitted(db)?
        .into_iter()
        .filter(|r| rights(acc, &r.unit_code).decide)
        .filter(|r| acc.is_admin() || r.submitted_by.as_deref() != Some(me.as_str()))
        .collect())
}

/// A seal against today's records (`reports::seal::since`).
pub(crate) fn since_signed(
    db: &mut store::Db,
    seal: &store::seals::Seal,
) -> Result<(Vec<store::seals::Difference>, reports::Report), AppError> {
    Ok(reports::seal::since(
        db,
        seal,
        &importer::kinds::dated_tables(),
    )?)
}

#[derive(Deserialize, Default)]
pub struct SignedQuery {
    unit: Option<String>,
    p: Option<String>,
    /// One seal by its number (an earlier approval of the same period).
    id: Option<i64>,
    /// `html` or `pdf`: the signed document, reprinted as it was.
    format: Option<String>,
}

/// What was signed for a unit's period: who approved it and when, the records changed
/// since, the figures then and now, and the signed document to reprint.
pub async fn signed(
    State(st): State<AppState>,
    who: Authed,
    Query(q): Query<SignedQuery>,
) -> Reply {
    let format = q.format.clone().unwrap_or_default();
    let _heavy = st.heavy(&who).await?;
    let (seal, others, diff, now, name) = st
        .scoped(&who, move |db, acc| {
            let seal = match (
                q.id,
                q.unit.as_deref(),
                q.p.as_deref().and_then(Period::parse),
            ) {
                (Some(id), _, _) => store::seals::get(db, id)?,
                (None, Some(unit), Some(p)) => store::seals::of(db, unit, p)?.into_iter().next(),
                _ => {
                    return Err(AppError::BadRequest(
                        "Cần chọn đơn vị và kỳ (hoặc số của bản đã ký).".into(),
                    ))
                }
            }
            .ok_or(AppError::NotFound)?;
            // Hers to read as the tree stands today (a unit merged into hers is hers);
            // otherwise the same answer as a seal that does not exist.
            if !(acc.is_admin() || acc.can_read_code(&seal.unit_code, acc.today)) {
                return Err(AppError::NotFound);
            }
            let others = store::seals::of(db, &seal.unit_code, seal.period())?;
            let (diff, now) = since_signed(db, &seal)?;
            let name = crate::view::unit_name(acc, None, &seal.unit_code);
            Ok((seal, others, diff, now, name))
        })
        .await?;
    if matches!(format.as_str(), "html" | "pdf") {
        let doc: reports::document::Document = serde_json::from_str(&seal.document)
            .map_err(|e| AppError::Internal(format!("sealed document {}: {e}", seal.id)))?;
        if format == "html" {
            return Ok(axum::response::Html(reports::document::print_html(&doc)).into_response());
        }
        let file = format!(
            "ban-da-ky-{}-{}-{}.pdf",
            seal.unit_code, seal.period_from, seal.period_to
        );
        return Ok(crate::sheet::attachment(
            "application/pdf",
            &file,
            reports::pdf::render(&doc),
        ));
    }
    let signed: serde_json::Value = serde_json::from_str(&seal.report)
        .map_err(|e| AppError::Internal(format!("sealed report {}: {e}", seal.id)))?;
    // The figures that moved since the signature.
    let mut moved = Sheet::new("Chi tieu da doi", &["Chỉ tiêu", "Khi ký", "Hiện nay"]);
    for v in &now.indicators {
        let then = signed["indicators"]
            .as_array()
            .and_then(|l| l.iter().find(|i| i["code"] == v.code))
            .map(|i| i["value"].clone())
            .unwrap_or(serde_json::Value::Null);
        if then != v.value {
            let shown = |x: &serde_json::Value| {
                x.as_i64()
                    .map(reports::render::count)
                    .or_else(|| x.as_f64().map(reports::render::decimal))
                    .unwrap_or_default()
            };
            moved.push(vec![
                v.label.into(),
                shown(&then).into(),
                shown(&v.value).into(),
            ]);
        }
    }
    let kind_vi = |kind: &str| {
        domain::contract::ALL
            .iter()
            .find(|s| s.kind == kind)
            .map_or_else(|| kind.to_owned(), |s| s.label_vi.to_owned())
    };
    let mut changed = Sheet::new("Ban ghi da doi", &["Loại", "Bản ghi", "Thay đổi"]);
    for d in &diff {
        changed.push(vec![
            kind_vi(&d.kind).into(),
            d.key.replace('|', " · ").into(),
            d.change.label_vi().into(),
        ]);
    }
    let print = |format: &str| format!("/periods/signed?id={}&format={format}", seal.id);
    let body = html! {
        h1 { "Bản đã ký: " (name) }
        p { "Kỳ " (seal.period().dmy()) ", duyệt bởi " (store::reviews::person(&seal.approved_by)) " lúc " (seal.approved_at)
            ", theo cơ cấu đơn vị ngày " (seal.structure_date.dmy()) ". Đã ghi dấu " (reports::render::count(seal.records)) " bản ghi của kỳ." }
        p { a.button href=(print("html")) { "In lại bản đã ký" } " " a href=(print("pdf")) { "PDF" } }
        @if diff.is_empty() {
            p.notice { "Không bản ghi nào thay đổi sau khi ký." }
        } @else {
            p.alert { strong { (reports::render::count(diff.len() as i64)) " bản ghi đã thay đổi sau khi ký" } "." }
            (changed.table())
        }
        @if moved.rows.is_empty() { p.muted { "Số liệu hiện nay giống bản đã ký." } }
        @else {
            h2 { "Số liệu đã khác bản đã ký" }
            (moved.table())
        }
        @if others.len() > 1 {
            h2 { "Các lần ký của kỳ này" }
            ul { @for o in &others { li {
                @if o.id == seal.id { strong { (o.approved_at) " — " (store::reviews::person(&o.approved_by)) " (đang xem)" } }
                @else { a href={"/periods/signed?id=" (o.id)} { (o.approved_at) " — " (store::reviews::person(&o.approved_by)) } }
            } } }
        }
    };
    Ok(who.page("Bản đã ký", body).into_response())
}
