//! The leader's view of her unit: each headline indicator against its target and against
//! the same months of last year, each linking to its records; a yearly trend; the child
//! units lagging furthest behind their plan, and those with nothing recorded for the year.

use crate::auth::Authed;
use crate::error::{AppError, Page};
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Query, State};
use domain::indicators::Indicator;
use domain::Date;
use maud::{html, Markup, PreEscaped};
use reports::render::{count, decimal, money};
use serde::Deserialize;
use std::sync::Arc;

pub(super) const KEY: &[Indicator] = &[
    Indicator::HhEscaped,
    Indicator::HhAssisted,
    Indicator::LivelihoodRecipients,
    Indicator::VocationalTrainees,
    Indicator::JobsPlaced,
    Indicator::WomenEntrepreneursTrained,
    Indicator::VbspClients,
    Indicator::Gifts,
];

/// Dashboards computed while the data stood still (see `crate::cache`), keyed by (unit,
/// year asked, today).
pub type Cache = crate::cache::GenerationCache<(String, Option<i32>, Date), Cached>;

#[derive(Clone)]
pub struct Cached {
    report: reports::Report,
    /// The same months of the year before, for the comparison on each tile.
    last_year: Arc<reports::Report>,
    trend: Vec<(i32, i64)>,
    year: i32,
    /// The last year with any record (offered when `year` has none).
    latest: i32,
    /// Whether the escapes lasted, followed up to the dashboard's last day (the
    /// `lasting` page's report of that day, kept with it).
    lasting: Arc<reports::lasting::Lasting>,
}

/// Lagging units listed at most.
const LAGGING: usize = 5;

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// The last year with records: offered when the year shown has none yet.
fn latest_year(db: &mut store::Db, today: Date) -> Result<i32, AppError> {
    Ok(store::records::latest_record_date(db, today)?.map_or(today.year(), Date::year))
}

fn shown(i: &reports::IndicatorValue) -> String {
    let v = i.value.as_i64().unwrap_or(0);
    if i.code.ends_with("_vnd") {
        money(v)
    } else {
        count(v)
    }
}

fn trend_svg(points: &[(i32, i64)]) -> Markup {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    let (w, h, bw) = (300, 120, 300 / points.len().max(1) as i64);
    let mut svg = format!("<svg viewBox=\"0 0 {w} {}\" width=\"100%\" role=\"img\" aria-label=\"Số hộ thoát nghèo theo năm\">", h + 20);
    for (i, (year, v)) in points.iter().enumerate() {
        let bh = v * h / max;
        let x = i as i64 * bw + 8;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{bh}\" fill=\"#a3195b\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{year}: {v}</text>",
            h - bh,
            bw - 16,
            x,
            h + 14
        ));
    }
    svg.push_str("</svg>");
    PreEscaped(svg)
}

pub async fn show(State(st): State<AppState>, who: Authed, Query(q): Query<YearQuery>) -> Page {
    let w = who.clone();
    let cache = st.dashboards.clone();
    let state = st.clone();
    let figures = st.figures().await?;
    let (c, waiting) = figures
        .run(move |db| {
            let acc = w.access(db)?;
            let today = crate::today();
            // Computed in today's units: kept while her province's records stand.
            let generations = crate::cache::generations_in(db, &acc, &acc.root_code(), today)?;
            let key = (acc.root_code(), q.year, today);
            let c = cache.get_or_compute(&key, generations, || -> Result<Cached, AppError> {
                // The current year unless she chose another: a test entry made in
                // December does not turn a leader's screen to the new year, nor does an
                // empty January hide that the year has begun.
                let year = q.year.unwrap_or(today.year());
                let latest = latest_year(db, today)?;
                // The current year runs to the end of this month: whole months are read
                // from the monthly aggregates (nothing is recorded ahead of today anyway).
                let (ty, tm, _) = today.ymd();
                let month_end =
                    Date::from_ymd(ty, tm, domain::date::days_in_month(ty, tm)).unwrap_or(today);
                let period = |y: i32| {
                    let from = Date::from_ymd(y, 1, 1).unwrap_or(today);
                    let to = Date::from_ymd(y, 12, 31).unwrap_or(today).min(month_end);
                    reports::Request {
                        unit: acc.root_code(),
                        from,
                        to: to.max(from),
                        structure_date: Some(today),
                    }
                };
                let report = reports::run(db, &period(year), true)?;
                let this = period(year);
                let same_months = |d: Date| {
                    let (_, m, day) = d.ymd();
                    Date::from_ymd(
                        d.year() - 1,
                        m,
                        day.min(domain::date::days_in_month(d.year() - 1, m)),
                    )
                    .unwrap_or(d)
                };
                // The years before this one are kept by their own counts (`plain`): a
                // save dated today leaves them as they were.
                let last_year = super::reports::plain(
                    &state,
                    db,
                    &acc,
                    &reports::Request {
                        from: same_months(this.from),
                        to: same_months(this.to),
                        ..this.clone()
                    },
                )?;
                let mut trend = Vec::new();
                for y in year - 3..year {
                    let escaped = super::reports::plain(&state, db, &acc, &period(y))?
                        .int(Indicator::HhEscaped.code());
                    trend.push((y, escaped));
                }
                trend.push((year, report.int(Indicator::HhEscaped.code())));
                // Followed up to the dashboard's last day, the end of this month: its
                // forecast's year so far is then whole months, read from the
                // aggregates. (Followed up to today, as the report page is, it would
                // share that page's report but read the records after every save:
                // measured, a month end's reads went from 32.5 to 20.7 a second.)
                let lasting = super::lasting::report(
                    &state,
                    db,
                    &acc,
                    &(acc.root_code(), this.to, Some(today)),
                )?;
                Ok(Cached {
                    report,
                    last_year,
                    trend,
                    year,
                    latest,
                    lasting,
                })
            })?;
            // What waits for her decision is read afresh, not cached with the figures.
            let waiting: Vec<(store::reviews::Review, String)> = super::periods::waiting(db, &acc)?
                .into_iter()
                .map(|r| {
                    let name = crate::view::unit_name(&acc, None, &r.unit_code);
                    (r, name)
                })
                .collect();
            Ok((c, waiting))
        })
        .await?;
    let Cached {
        report,
        last_year,
        trend,
        year,
        latest,
        lasting,
    } = c;
    let this_year = crate::today().year();
    let children: Vec<&reports::ChildRow> = report
        .children
        .iter()
        .flatten()
        .filter(|c| !c.own)
        .collect();
    let (lagging, silent) = lagging_and_silent(&children);
    let link = |u: &str| {
        format!(
            "/reports?unit={u}&from={}&to={}",
            report.period.from, report.period.to
        )
    };
    let mut behind = Sheet::new(
        "Cham tien do",
        &["Đơn vị", "Thoát nghèo, cận nghèo", "Kế hoạch", "Đạt %"],
    );
    for (c, e) in &lagging {
        behind.push(vec![
            Cell::link(&c.unit.name, link(&c.unit.code)),
            Cell::number(e.value.as_i64().unwrap_or(0)),
            Cell::number(e.target.map(count).unwrap_or_default()),
            Cell::number(e.achievement_pct.map(decimal).unwrap_or_default()),
        ]);
    }
    let body = html! {
        h1 { "Tổng quan: " (report.unit.name) }
        @if !waiting.is_empty() {
            div.card.alert {
                strong { "Chờ bạn duyệt: " (waiting.len()) " kỳ" }
                ul { @for (r, name) in &waiting {
                    @let p = r.period();
                    li { (name) ", kỳ " (p.dmy()) ", gửi bởi " (store::reviews::person(r.submitted_by.as_deref().unwrap_or_default()))
                        " — " a href={"/periods?" (serde_urlencoded::to_string([("p", format!("{}..{}", p.from, p.to))]).unwrap_or_default())} { "Xem và duyệt" } }
                } }
            }
        }
        p.muted { "Năm " (year) " (đến " (domain::date::dmy_text(&report.period.to)) "), theo cơ cấu đơn vị hôm nay. "
            a href={"/?year=" (year - 1)} { "← năm " (year - 1) } " · "
            @if year < this_year { a href={"/?year=" (year + 1)} { "năm " (year + 1) " →" } " · " }
            a href={"/reports?unit=" (report.unit.code) "&from=" (report.period.from) "&to=" (report.period.to)} { "Báo cáo đầy đủ" } }
        @if latest < year {
            p.notice { "Năm " (year) " chưa có bản ghi nào. " a href={"/?year=" (latest)} { "Xem năm " (latest) } }
        }
        div.grid {
            @for indicator in KEY {
                @if let Some(i) = report.get(indicator.code()) {
                    a.card.tile href={"/reports/explain?" (serde_urlencoded::to_string([("unit", report.unit.code.as_str()), ("from", &report.period.from), ("to", &report.period.to), ("indicator", i.code)]).unwrap_or_default())} {
                        div.muted { (i.label) }
                        div style="font-size:1.4rem;font-weight:700" { (shown(i)) }
                        @if let (Some(t), Some(p)) = (i.target, i.achievement_pct) {
                            div.bar { span style={"width:" (p.clamp(0.0, 100.0)) "%"} {} }
                            div.muted { "Kế hoạch " (count(t)) " — đạt " (decimal(p)) "%" }
                        }
                        @if let Some(before) = last_year.get(indicator.code()) {
                            div.muted { "Cùng kỳ năm trước: " (shown(before)) " " (change(i, before)) }
                        }
                    }
                }
            }
        }
        h2 { "Thoát nghèo bền vững" }
        (lasting_tiles(&lasting))
        h2 { "Hộ thoát nghèo, cận nghèo qua các năm" }
        div.card { (trend_svg(&trend)) }
        @if !behind.rows.is_empty() {
            h2 { "Đơn vị chậm tiến độ (tỷ lệ đạt kế hoạch thấp nhất)" }
            (behind.table())
        }
        @if !silent.is_empty() {
            h2 { "Đơn vị chưa có số liệu năm " (year) " (" (silent.len()) ")" }
            p { @for (n, c) in silent.iter().enumerate() {
                @if n > 0 { ", " }
                a href=(link(&c.unit.code)) { (c.unit.name) }
            } }
        }
    };
    Ok(who.page("Tổng quan", body))
}

/// The headline tiles of whether escapes lasted: the share held, the cost per lasting
/// escape, the households to visit, and where the year's escapes will end.
fn lasting_tiles(l: &reports::lasting::Lasting) -> Markup {
    let q = serde_urlencoded::to_string([
        ("unit", l.unit.code.as_str()),
        ("as_of", &l.as_of),
        ("s", &l.structure_date),
    ])
    .unwrap_or_default();
    let page = format!("/reports/lasting?{q}");
    let headline = reports::lasting::headline(l);
    let escapes = l
        .forecast
        .iter()
        .find(|f| f.indicator == Indicator::HhEscaped.code());
    html! {
        div.grid {
            @if let Some((c, f)) = headline {
                a.card.tile href=(page) {
                    div.muted { "Hộ thoát nghèo năm " (c.year) " giữ được sau " (f.years) " năm" }
                    div style="font-size:1.4rem;font-weight:700" { (reports::lasting::pct_vi(f.held_pct)) }
                    div.muted { (count(f.held as i64)) " / " (count((f.held + f.lost) as i64)) " hộ đã rà soát" }
                }
                @if let Some(v) = c.value.cost_per_lasting_escape_vnd {
                    a.card.tile href=(page) {
                        div.muted { "Chi mỗi hộ thoát bền vững (năm " (c.year) ")" }
                        div style="font-size:1.4rem;font-weight:700" { (money(v)) }
                    }
                }
            } @else {
                a.card.tile href=(page) { div.muted { "Chưa có lớp hộ thoát nghèo nào được theo dõi đủ một năm." } }
            }
            a.card.tile href={"/follow-up?" (q)} {
                div.muted { "Hộ cần theo dõi" }
                div style="font-size:1.4rem;font-weight:700" { (count(l.at_risk.len() as i64)) }
                div.muted { "mới thoát nghèo, có dấu hiệu tái nghèo" }
            }
            @if let Some(f) = escapes.filter(|f| f.forecast.is_some()) {
                a.card.tile href=(page) {
                    div.muted { "Dự báo hộ thoát nghèo, cận nghèo cả năm" }
                    div style="font-size:1.4rem;font-weight:700" { (f.forecast.map(count).unwrap_or_default()) }
                    @if let (Some(t), Some(p)) = (f.target, f.forecast_achievement_pct) {
                        div.muted { "Kế hoạch " (count(t)) " — dự báo đạt " (decimal(p)) "%" }
                    }
                }
            }
        }
    }
}

/// The change from last year's figure, with its sign ("(+12)", "(−3)").
fn change(now: &reports::IndicatorValue, before: &reports::IndicatorValue) -> String {
    let (a, b) = (
        now.value.as_i64().unwrap_or(0),
        before.value.as_i64().unwrap_or(0),
    );
    match a - b {
        0 => "(không đổi)".to_owned(),
        d if d > 0 => format!("(+{})", count(d)),
        d => format!("(−{})", count(-d)),
    }
}

/// The child units with a plan for households escaping poverty, lowest achievement first
/// (at most [`LAGGING`]), and the child units with nothing recorded in the period (every
/// indicator zero).
fn lagging_and_silent<'a>(
    children: &[&'a reports::ChildRow],
) -> (
    Vec<(&'a reports::ChildRow, &'a reports::IndicatorValue)>,
    Vec<&'a reports::ChildRow>,
) {
    let mut lagging: Vec<(&reports::ChildRow, &reports::IndicatorValue)> = children
        .iter()
        .filter_map(|c| {
            let e = c
                .indicators
                .iter()
                .find(|i| i.code == Indicator::HhEscaped.code())?;
            e.achievement_pct.map(|_| (*c, e))
        })
        .collect();
    lagging.sort_by(|a, b| {
        let pct = |e: &reports::IndicatorValue| e.achievement_pct.unwrap_or(0.0);
        pct(a.1).total_cmp(&pct(b.1))
    });
    lagging.truncate(LAGGING);
    let silent = children
        .iter()
        .copied()
        .filter(|c| {
            c.indicators
                .iter()
                .all(|i| i.value.as_f64().is_none_or(|v| v == 0.0))
        })
        .collect();
    (lagging, silent)
}
