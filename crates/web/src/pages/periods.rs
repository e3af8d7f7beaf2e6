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
}

/// One line of the page: a unit, its review and what she may do with it.
struct Line {
    code: String,
    name: String,
    review: Option<Review>,
    rights: Rights,
}

pub async fn show(State(st): State<AppState>, who: Authed, Query(q): Query<PeriodQuery>) -> Reply {
    let exporting = q.format.as_deref() == Some("xlsx");
    let raw = q.p.unwrap_or_else(|| last_month(crate::today()));
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
            Ok(units
                .iter()
                .map(|&ix| {
                    let v = acc.graph.version(ix);
                    Line {
                        code: v.code.clone(),
                        name: v.name.clone(),
                        review: reviews.remove(&v.code),
                        rights: rights(acc, &v.code),
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
    let state = |l: &Line| {
        l.review.as_ref().map_or("chưa gửi".to_owned(), |r| {
            capitalized(r.state.label_vi())
        })
    };
    let step = |l: &Line, to: ReviewState, label: &str, comment: bool| {
        html! {
            form.inline method="post" action="/periods" {
                (csrf(&who))
                input type="hidden" name="unit" value=(l.code);
                input type="hidden" name="p" value=(raw);
                input type="hidden" name="to" value=(to.as_str());
                @if comment { input name="comment" placeholder="Ý kiến" aria-label="Ý kiến" style="width:auto"; " " }
                button.secondary type="submit" { (label) }
            }
        }
    };
    // The units below: where each stands, who sent and decided, what she may do.
    let mut sheet = Sheet::new(
        "Duyet ky",
        &["Đơn vị", "Trạng thái", "Ý kiến", "Gửi / duyệt"],
    );
    for l in children {
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
        let cells = vec![
            Cell::from(format!("{} ({})", l.name, l.code)),
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
        let actions = html! { @if l.rights.decide { @match l.review.as_ref().map(|r| r.state) {
            Some(ReviewState::Submitted) => {
                @if approves { (step(l, ReviewState::Approved, "Duyệt", false)) }
                @else { span.muted { "Chờ người khác duyệt " } }
                (step(l, ReviewState::Returned, "Trả lại", true))
            }
            Some(ReviewState::Approved) => { (step(l, ReviewState::Reopened, "Mở lại", true)) }
            _ => {}
        } } };
        if exporting {
            sheet.push(cells);
        } else {
            sheet.push_with(cells, actions);
        }
    }
    if exporting {
        return sheet.download(&format!("duyet-ky-{raw}"));
    }
    let body = html! {
        h1 { "Duyệt số liệu theo kỳ" }
        form.inline method="get" action="/periods" {
            label for="p" { "Kỳ" } " "
            input #p name="p" value=(raw) style="width:auto" aria-describedby="p-help"; " "
            button type="submit" { "Xem" }
        }
        p.muted #p-help { "Tháng (2026-03), quý (2026-Q1), năm (2026) hoặc đến ngày chốt (01/01/2026..31/10/2026). Kỳ " (period.dmy()) "." }
        @if let Some(o) = own {
            h2 { "Đơn vị của bạn: " (o.code) " " (o.name) }
            p { "Trạng thái: " strong { (state(o)) }
                @if let Some(c) = o.review.as_ref().and_then(|r| r.comment.as_deref()) { " — " em { (c) } } }
            @if o.rights.submit && o.review.as_ref().is_none_or(|r| matches!(r.state, ReviewState::Returned | ReviewState::Reopened)) {
                (step(o, ReviewState::Submitted, "Gửi duyệt", false))
            }
        }
        @if !children.is_empty() {
            h2 { "Đơn vị trực thuộc: đã duyệt " (approved) "/" (children.len()) }
            p { a href={"/periods?" (serde_urlencoded::to_string([("p", raw.as_str()), ("format", "xlsx")]).unwrap_or_default())} { "Tải Excel" } }
            (sheet.table())
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
pub async fn step(State(st): State<AppState>, who: Authed, Form(f): Form<StepForm>) -> Reply {
    let period =
        Period::parse(&f.p).ok_or_else(|| AppError::BadRequest("Kỳ không hợp lệ.".into()))?;
    let to = ReviewState::parse(&f.to)
        .ok_or_else(|| AppError::BadRequest("Bước không hợp lệ.".into()))?;
    let actor = who.actor();
    let (unit, comment) = (f.unit.clone(), f.comment.trim().to_owned());
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
        db.transaction(|tx| store::reviews::step(tx, &unit, period, to, &actor, comment))?;
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
