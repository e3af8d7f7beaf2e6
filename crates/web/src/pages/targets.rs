//! Targets as a grid (issue 15): a year, one row per child unit and one column per
//! indicator, entered in one form; "chia đều" gives every child the same plan, or shares
//! the unit's own plan out evenly; the children's sum is shown against that plan. Saved
//! through the importer as a file of targets would be: all or nothing, with the rights of
//! `domain::access::RIGHTS` (a unit's plan is set by the level above).

use super::forms::{import_rows, How};
use crate::auth::Authed;
use crate::error::Page;
use crate::html::csrf;
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Form, Query, State};
use domain::access::{Reach, Subject};
use domain::indicators::ALL as INDICATORS;
use domain::Date;
use maud::html;
use reports::render::{count, decimal};
use std::collections::HashMap;

/// A unit's stored plans of the year, by (unit code, indicator code).
type Plans = HashMap<(String, String), i64>;

/// What the grid shows: the unit, its children, the indicators in columns, the stored
/// plans, and the report of the year (results, and the unit's own plan).
struct Grid {
    report: reports::Report,
    children: Vec<(String, String)>,
    columns: Vec<&'static domain::indicators::Def>,
    plans: Plans,
}

/// The indicators in columns: those she chose, or else the first two headlines and those
/// with a plan this year (the unit's own or a child's). A province has a hundred
/// communes: a column per indicator would not fit a phone's page.
fn columns(
    chosen: &[String],
    plans: &Plans,
    own: &reports::Report,
) -> Vec<&'static domain::indicators::Def> {
    let planned = |d: &domain::indicators::Def| {
        plans.keys().any(|(_, i)| i == d.code)
            || own.get(d.code).is_some_and(|i| i.target.is_some())
    };
    let pick = |keep: &dyn Fn(&domain::indicators::Def) -> bool| -> Vec<_> {
        INDICATORS.iter().filter(|d| keep(d)).collect()
    };
    let by_choice = pick(&|d| chosen.iter().any(|c| c == d.code));
    if !by_choice.is_empty() {
        return by_choice;
    }
    pick(&|d| super::dashboard::KEY[..2].contains(&d.indicator) || planned(d))
}

/// The year and the indicators asked for (`col`, repeated), from a query or a form.
fn asked(pairs: &[(String, String)]) -> (i32, Vec<String>) {
    let year = pairs
        .iter()
        .find(|(k, _)| k == "year")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(crate::today().year());
    let cols = pairs
        .iter()
        .filter(|(k, _)| k == "col")
        .map(|(_, v)| v.clone())
        .collect();
    (year, cols)
}

async fn grid(
    st: &AppState,
    who: &Authed,
    year: i32,
    chosen: Vec<String>,
) -> Result<Grid, crate::error::AppError> {
    st.scoped(who, move |db, acc| {
        let req = reports::Request {
            unit: acc.root_code(),
            from: Date::from_ymd(year, 1, 1).unwrap_or(acc.today),
            to: Date::from_ymd(year, 12, 31).unwrap_or(acc.today),
            structure_date: Some(acc.today),
        };
        let report = reports::run(db, &req, true)?;
        let children: Vec<(String, String)> = report
            .children
            .iter()
            .flatten()
            .filter(|c| !c.own)
            .map(|c| (c.unit.code.clone(), c.unit.name.clone()))
            .collect();
        let graph = &acc.graph;
        let ids: Vec<i64> = children
            .iter()
            .chain(std::iter::once(&(report.unit.code.clone(), String::new())))
            .filter_map(|(code, _)| {
                graph
                    .version_on(code, acc.today)
                    .map(|ix| graph.version(ix).id.0)
            })
            .collect();
        let code_of: HashMap<i64, String> = ids
            .iter()
            .filter_map(|&id| {
                graph
                    .find_id(domain::units::VersionId(id))
                    .map(|ix| (id, graph.version(ix).code.clone()))
            })
            .collect();
        let plans: Plans = store::records::targets(db, &store::records::Units::Ids(ids), year)?
            .into_iter()
            .filter_map(|t| Some(((code_of.get(&t.unit_id)?.clone(), t.indicator), t.value)))
            .collect();
        let columns = columns(&chosen, &plans, &report);
        Ok(Grid {
            report,
            children,
            columns,
            plans,
        })
    })
    .await
}

fn cell_name(unit: &str, indicator: &str) -> String {
    format!("t|{unit}|{indicator}")
}

async fn render(
    st: &AppState,
    who: &Authed,
    (year, chosen): (i32, Vec<String>),
    message: Option<(bool, String)>,
) -> Page {
    let g = grid(st, who, year, chosen).await?;
    let report = &g.report;
    // Who sets whose plan: `domain::access::RIGHTS` (never one's own unit, but for the
    // administrator).
    let reach = who.user.role.reach(Subject::Targets);
    let editable = matches!(reach, Reach::Below | Reach::Subtree | Reach::Everywhere);
    let plan = |u: &str, i: &str| g.plans.get(&(u.to_owned(), i.to_owned())).copied();
    let own = |d: &domain::indicators::Def| report.get(d.code).and_then(|i| i.target);
    let sum = |d: &domain::indicators::Def| -> i64 {
        g.children.iter().filter_map(|(u, _)| plan(u, d.code)).sum()
    };
    let mut results = Sheet::new("Chi tieu", &["Chỉ tiêu", "Kế hoạch", "Kết quả", "Đạt %"]);
    for i in report.indicators.iter().filter(|i| i.target.is_some()) {
        results.push(vec![
            i.label.into(),
            Cell::number(i.target.map(count).unwrap_or_default()),
            Cell::number(i.value.to_string()),
            Cell::number(i.achievement_pct.map(decimal).unwrap_or_default()),
        ]);
    }
    let body = html! {
        h1 { "Chỉ tiêu năm " (year) ": " (report.unit.name) }
        form.inline method="get" action="/targets" novalidate {
            a href={"/targets?year=" (year - 1)} { "← " (year - 1) } " "
            label for="year" { "Năm" } " "
            select #year name="year" style="width:auto" {
                @for y in (year - 3)..=(year + 2) { option value=(y) selected[y == year] { (y) } }
            }
            " " button type="submit" { "Xem" } " "
            a href={"/targets?year=" (year + 1)} { (year + 1) " →" }
        }
        details {
            summary { "Chọn chỉ tiêu hiện trên bảng" }
            form.stack method="get" action="/targets" novalidate {
                input type="hidden" name="year" value=(year);
                @for d in INDICATORS {
                    label.check { input type="checkbox" name="col" value=(d.code) checked[g.columns.iter().any(|c| c.code == d.code)]; " " (d.label_vi) }
                }
                p { button type="submit" { "Hiện các chỉ tiêu đã chọn" } }
            }
        }
        @if let Some((ok, m)) = &message { p class=(if *ok { "notice" } else { "alert" }) { (m) } }
        @if g.children.is_empty() {
            p.muted { "Đơn vị không có đơn vị trực thuộc để giao chỉ tiêu." }
        } @else {
            h2 { "Giao chỉ tiêu cho đơn vị trực thuộc" }
            @if !editable { p.muted { "Bạn chỉ được xem; kế hoạch do cấp trên giao." } }
            form method="post" action="/targets" novalidate {
                (csrf(who))
                input type="hidden" name="year" value=(year);
                @for d in &g.columns { input type="hidden" name="col" value=(d.code); }
                table.cards.grid-form {
                    thead { tr { th { "Đơn vị" } @for d in &g.columns { th { (d.label_vi) } } } }
                    tbody {
                        @for (code, name) in &g.children {
                            tr {
                                td data-label="Đơn vị" { strong { (name) } " (" (code) ")" }
                                @for d in &g.columns {
                                    td data-label=(d.label_vi) {
                                        input name=(cell_name(code, d.code)) type="number" min="0" inputmode="numeric"
                                            aria-label={(name) ": " (d.label_vi)}
                                            value=[plan(code, d.code)] disabled[!editable];
                                    }
                                }
                            }
                        }
                        tr.sum {
                            td data-label="" { strong { "Cộng các đơn vị" } }
                            @for d in &g.columns {
                                td data-label=(d.label_vi) {
                                    strong { (count(sum(d))) }
                                    @if let Some(p) = own(d) {
                                        " / kế hoạch " (count(p))
                                        @if sum(d) < p { br; span.error { "còn thiếu " (count(p - sum(d))) } }
                                    }
                                }
                            }
                        }
                        @if editable {
                            tr {
                                td data-label="" { "Chia đều (mỗi đơn vị; để trống: chia kế hoạch của " (report.unit.name) ")" }
                                @for d in &g.columns {
                                    td data-label=(d.label_vi) {
                                        input name={"even|" (d.code)} type="number" min="0" inputmode="numeric" placeholder="mỗi đơn vị"
                                            aria-label={"Chia đều " (d.label_vi) ": mỗi đơn vị"};
                                        button.secondary type="submit" name="_even" value=(d.code) { "Chia đều" }
                                    }
                                }
                            }
                        }
                    }
                }
                @if editable { p { button type="submit" { "Lưu bảng chỉ tiêu" } } }
            }
        }
        h2 { "Kế hoạch và kết quả (cộng dồn từ đơn vị trực thuộc)" }
        @if results.rows.is_empty() { p.muted { "Chưa có chỉ tiêu nào cho năm này." } }
        (results.table())
    };
    Ok(who.page("Chỉ tiêu", body))
}

pub async fn show(
    State(st): State<AppState>,
    who: Authed,
    Query(q): Query<Vec<(String, String)>>,
) -> Page {
    render(&st, &who, asked(&q), None).await
}

/// `total` shared out over `n` units as evenly as whole numbers allow (the first units
/// take the remainder).
fn shared_out(total: i64, n: usize) -> Vec<i64> {
    let n = n.max(1) as i64;
    (0..n)
        .map(|i| total / n + i64::from(i < total % n))
        .collect()
}

/// The grid's rows to write: every filled cell, and a deletion for every stored plan
/// whose cell was emptied; "chia đều" first fills its column.
fn rows_to_write(g: &Grid, year: i32, form: &HashMap<String, String>) -> Vec<Vec<String>> {
    let mut cells: HashMap<(String, String), String> = HashMap::new();
    for (code, _) in &g.children {
        for d in &g.columns {
            if let Some(v) = form.get(&cell_name(code, d.code)) {
                cells.insert((code.clone(), d.code.to_owned()), v.trim().to_owned());
            }
        }
    }
    if let Some(indicator) = form.get("_even") {
        if let Some(d) = g.columns.iter().find(|d| d.code == indicator) {
            let each = form
                .get(&format!("even|{}", d.code))
                .and_then(|v| v.trim().parse::<i64>().ok());
            let own = g.report.get(d.code).and_then(|i| i.target).unwrap_or(0);
            let values = match each {
                Some(n) => vec![n; g.children.len()],
                None => shared_out(own, g.children.len()),
            };
            for ((code, _), v) in g.children.iter().zip(values) {
                cells.insert((code.clone(), d.code.to_owned()), v.to_string());
            }
        }
    }
    let mut rows = Vec::new();
    for (code, _) in &g.children {
        for d in &g.columns {
            let key = (code.clone(), d.code.to_owned());
            let stored = g.plans.get(&key);
            match cells.get(&key).map(String::as_str) {
                Some("") if stored.is_some() => rows.push(vec![
                    year.to_string(),
                    code.clone(),
                    d.code.to_owned(),
                    String::new(),
                    "1".into(),
                    "xóa trên bảng chỉ tiêu".into(),
                ]),
                Some(v) if !v.is_empty() && stored.map(i64::to_string).as_deref() != Some(v) => {
                    rows.push(vec![
                        year.to_string(),
                        code.clone(),
                        d.code.to_owned(),
                        v.to_owned(),
                        String::new(),
                        String::new(),
                    ]);
                }
                _ => {}
            }
        }
    }
    rows
}

pub async fn save(
    State(st): State<AppState>,
    who: Authed,
    Form(form): Form<Vec<(String, String)>>,
) -> Page {
    let (year, chosen) = asked(&form);
    let form: HashMap<String, String> = form.into_iter().collect();
    let g = grid(&st, &who, year, chosen.clone()).await?;
    let rows = rows_to_write(&g, year, &form);
    let n = rows.len();
    let header = [
        "year",
        "unit_code",
        "indicator",
        "value",
        "delete",
        "reason",
    ]
    .map(str::to_owned)
    .to_vec();
    let how = How {
        guard: None,
        create_only: false,
        reason: None,
    };
    let outcome = if n == 0 {
        (true, "Không có thay đổi.".to_owned())
    } else {
        match import_rows(&st, &who, "targets", header, rows.clone(), how).await? {
            Ok(()) => (true, format!("Đã lưu {n} chỉ tiêu.")),
            Err(errors) => {
                let said: Vec<String> = errors
                    .iter()
                    .map(|e| {
                        let at = rows.get(e.row.saturating_sub(2));
                        let unit = at.map_or("", |r| r[1].as_str());
                        let indicator = at
                            .and_then(|r| INDICATORS.iter().find(|d| d.code == r[2]))
                            .map_or("", |d| d.label_vi);
                        format!("{unit} — {indicator}: {}", e.reason_vi())
                    })
                    .collect();
                (false, format!("Chưa lưu gì: {}", said.join("; ")))
            }
        }
    };
    render(&st, &who, (year, chosen), Some(outcome)).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_plan_shared_out_evenly_adds_up() {
        assert_eq!(super::shared_out(10, 4), [3, 3, 2, 2]);
        assert_eq!(super::shared_out(0, 3), [0, 0, 0]);
        assert_eq!(super::shared_out(7, 7).iter().sum::<i64>(), 7);
    }
}
