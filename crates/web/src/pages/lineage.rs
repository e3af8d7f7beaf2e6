//! The 2025 lineage left for a person (administrators): names in the reform's notes that
//! no old unit matched, and old communes linked to a neighbour's successor by a guess.
//! She confirms a guess, or links an old unit found by its name; every decision is
//! checked with the lineage rules, audited, kept across reruns of `units load-vn`, and
//! used by reports at once.

use crate::auth::Authed;
use crate::error::{AppError, Page, Reply};
use crate::html::csrf;
use crate::AppState;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use importer::vn::review::{decide, ReviewError};
use maud::html;
use serde::Deserialize;
use store::lineage_review::{self as lr, Decision};

/// Items of each list a page shows.
const SHOWN: i64 = 50;

/// The lineage is the unit tree's: only who may change the tree reviews it.
fn administrator(who: &Authed) -> Result<(), AppError> {
    let reach = who.user.role.reach(domain::access::Subject::Units);
    if reach == domain::access::Reach::Everywhere {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    said: String,
}

pub async fn show(State(st): State<AppState>, who: Authed, Query(q): Query<SearchQuery>) -> Page {
    administrator(&who)?;
    let search = q.q.trim().to_owned();
    let (remaining, questions, guesses, found) = st
        .scoped(&who, move |db, acc| {
            let reform = domain::Date::parse(importer::vn::REFORM_DAY).unwrap_or(acc.today);
            let wanted = domain::text::fold(&search);
            // Old units (ended by the reform) whose name holds the words searched.
            let found: Vec<(String, String)> = if wanted.len() < 2 {
                Vec::new()
            } else {
                acc.graph
                    .versions()
                    .iter()
                    .filter(|v| {
                        v.valid_to < reform && domain::text::fold(&v.name).contains(&wanted)
                    })
                    .take(30)
                    .map(|v| (v.code.clone(), v.name.clone()))
                    .collect()
            };
            Ok((
                lr::remaining(db)?,
                lr::open_questions(db, SHOWN)?,
                lr::open_guesses(db, SHOWN)?,
                found,
            ))
        })
        .await?;
    let body = html! {
        h1 { "Rà soát kế thừa đơn vị 2025" }
        @if !q.said.is_empty() { p.alert { (q.said) } }
        p { "Còn " strong { (remaining.0) } " tên trong ghi chú sáp nhập chưa khớp với đơn vị cũ nào, và "
            strong { (remaining.1) } " xã cũ được gắn theo xã lân cận, cần xác nhận." }
        form.inline method="get" action="/lineage" novalidate {
            label for="q" { "Tìm đơn vị cũ theo tên" } " "
            input #q name="q" value=(q.q) style="width:auto"; " " button type="submit" { "Tìm" }
        }
        @if !found.is_empty() {
            ul { @for (code, name) in &found { li { strong { (code) } " " (name) } } }
        }
        h2 { "Tên chưa khớp" }
        // On a phone each row is a card, each value under its heading.
        table.cards {
            thead { tr { th { "Xã/phường mới" } th { "Tên ghi trong văn bản" } th { "Nối với đơn vị cũ" } } }
            tbody { @for item in &questions {
                tr {
                    td data-label="Xã/phường mới" { (item.new_code) " " (item.new_name) br; span.muted { (item.province) } }
                    td data-label="Tên ghi trong văn bản" { "“" (item.written) "”" br; span.muted { (item.reason) } }
                    td data-label="Nối với đơn vị cũ" { form.inline method="post" action="/lineage" novalidate {
                        (csrf(&who))
                        input type="hidden" name="to" value=(item.new_code);
                        input type="hidden" name="resolves" value=(item.key());
                        input name="from" placeholder="mã đơn vị cũ" aria-label="Mã đơn vị cũ" style="width:7rem"; " "
                        input name="share" placeholder="tỷ lệ (1)" aria-label="Tỷ lệ" style="width:5rem"; " "
                        button.secondary type="submit" { "Nối" }
                    } }
                }
            } }
        }
        h2 { "Gắn theo xã lân cận, cần xác nhận" }
        table.cards {
            thead { tr { th { "Xã cũ" } th { "Sang" } th { "Quyết định" } } }
            tbody { @for g in &guesses {
                tr {
                    td data-label="Xã cũ" { (g.from_code) " " (g.from_name) }
                    td data-label="Sang" { (g.to_code) " " (g.to_name) }
                    td data-label="Quyết định" {
                        form.inline method="post" action="/lineage" novalidate {
                            (csrf(&who))
                            input type="hidden" name="from" value=(g.from_code);
                            input type="hidden" name="to" value=(g.to_code);
                            input type="hidden" name="confirm" value="1";
                            button.secondary type="submit" { "Xác nhận" }
                        }
                        form.inline method="post" action="/lineage" novalidate {
                            (csrf(&who))
                            input type="hidden" name="from" value=(g.from_code);
                            input name="to" placeholder="mã xã mới đúng" aria-label="Mã xã mới đúng" style="width:7rem"; " "
                            button.secondary type="submit" { "Đổi" }
                        }
                    }
                }
            } }
        }
    };
    Ok(who.page("Rà soát kế thừa", body))
}

/// A decision as the page's forms post it.
#[derive(Deserialize)]
pub struct Decided {
    from: String,
    to: String,
    #[serde(default)]
    share: String,
    #[serde(default)]
    resolves: String,
    #[serde(default)]
    confirm: String,
}

pub async fn decide_one(State(st): State<AppState>, who: Authed, Form(f): Form<Decided>) -> Reply {
    administrator(&who)?;
    let share = match f.share.trim() {
        "" => 1.0,
        s => s
            .replace(',', ".")
            .parse::<f64>()
            .map_err(|_| AppError::BadRequest(format!("Tỷ lệ không hợp lệ: {s}")))?,
    };
    let d = Decision {
        from_code: f.from.trim().to_owned(),
        to_code: f.to.trim().to_owned(),
        share,
        action: if f.confirm.is_empty() {
            lr::BY_PERSON
        } else {
            lr::CONFIRMED
        }
        .into(),
        resolves: (!f.resolves.is_empty()).then(|| f.resolves.clone()),
        decided_by: who.actor(),
    };
    let said = st
        .run(move |db| match decide(db, &d) {
            Ok(()) => Ok(format!("Đã ghi: {} → {}.", d.from_code, d.to_code)),
            Err(ReviewError::Refused(r)) => Ok(format!("Chưa ghi: {}", r.vi())),
            Err(ReviewError::Store(e)) => Err(e.into()),
        })
        .await?;
    let back = serde_urlencoded::to_string([("said", said)]).unwrap_or_default();
    Ok(Redirect::to(&format!("/lineage?{back}")).into_response())
}
