//! Targets: enter a unit's plan for a year, see how plans roll up the tree.

use crate::auth::Authed;
use crate::error::Page;
use crate::html::csrf;
use crate::AppState;
use axum::extract::{Form, Query, State};
use domain::access::{Reach, Subject};
use domain::Date;
use maud::html;
use reports::render::{count, decimal};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

async fn render(st: &AppState, who: &Authed, year: i32, message: Option<(bool, String)>) -> Page {
    let report = st
        .scoped(who, move |db, acc| {
            let req = reports::Request {
                unit: acc.root_code(),
                from: Date::from_ymd(year, 1, 1).unwrap_or(acc.today),
                to: Date::from_ymd(year, 12, 31).unwrap_or(acc.today),
                structure_date: Some(acc.today),
            };
            Ok(reports::run(db, &req, true)?)
        })
        .await?;
    // Who sets whose plan: `domain::access::RIGHTS` (never one's own unit, but for the
    // administrator).
    let reach = who.user.role.reach(Subject::Targets);
    let with_target: Vec<&reports::IndicatorValue> = report
        .indicators
        .iter()
        .filter(|i| i.target.is_some())
        .collect();
    let body = html! {
        h1 { "Chỉ tiêu năm " (year) ": " (report.unit.name) }
        @if let Some((ok, m)) = &message { p class=(if *ok { "notice" } else { "alert" }) { (m) } }
        @if reach != Reach::Nothing {
            form.stack.card method="post" action="/targets" {
                (csrf(who))
                input type="hidden" name="year" value=(year);
                p.muted { "Kế hoạch của một đơn vị do cấp trên giao: chọn một đơn vị trực thuộc." }
                label for="unit_code" { "Đơn vị" }
                select id="unit_code" name="unit_code" {
                    @if reach == Reach::Everywhere { option value=(report.unit.code) { (report.unit.name) } }
                    @for c in report.children.iter().flatten().filter(|c| !c.own) { option value=(c.unit.code) { (c.unit.name) } }
                }
                label for="indicator" { "Chỉ tiêu" }
                select id="indicator" name="indicator" { @for d in domain::indicators::ALL { option value=(d.code) { (d.label_vi) } } }
                label for="value" { "Kế hoạch" } input id="value" name="value" type="number" inputmode="numeric";
                p { button type="submit" { "Lưu chỉ tiêu" } }
            }
        }
        h2 { "Kế hoạch và kết quả (cộng dồn từ đơn vị trực thuộc)" }
        @if with_target.is_empty() { p.muted { "Chưa có chỉ tiêu nào cho năm này." } }
        div.scroll { table {
            tr { th { "Chỉ tiêu" } th.n { "Kế hoạch" } th.n { "Kết quả" } th.n { "Đạt %" } }
            @for i in &with_target {
                tr { td { (i.label) } td.n { (i.target.map(count).unwrap_or_default()) } td.n { (i.value) } td.n { (i.achievement_pct.map(decimal).unwrap_or_default()) } }
            }
        } }
    };
    Ok(who.page("Chỉ tiêu", body))
}

pub async fn show(State(st): State<AppState>, who: Authed, Query(q): Query<YearQuery>) -> Page {
    render(&st, &who, q.year.unwrap_or(crate::today().year()), None).await
}

#[derive(Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    _csrf: String,
    year: String,
    unit_code: String,
    indicator: String,
    value: String,
}

pub async fn save(State(st): State<AppState>, who: Authed, Form(f): Form<TargetForm>) -> Page {
    let year: i32 = f.year.parse().unwrap_or(crate::today().year());
    let header = ["year", "unit_code", "indicator", "value"]
        .map(str::to_owned)
        .to_vec();
    let cells = vec![f.year, f.unit_code, f.indicator, f.value];
    let how = super::forms::How {
        guard: None,
        create_only: false,
        reason: None,
    };
    let outcome = match super::forms::import_row(&st, &who, "targets", (header, cells), how).await?
    {
        Ok(()) => (true, "Đã lưu chỉ tiêu.".to_owned()),
        Err(errors) => {
            let mut said: Vec<String> = errors.iter().map(|(c, e)| format!("{c}: {e}")).collect();
            said.sort();
            (false, said.join("; "))
        }
    };
    render(&st, &who, year, Some(outcome)).await
}
