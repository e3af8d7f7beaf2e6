//! "Thoát nghèo bền vững" (issue 26): for a leader, whether the escapes of the households
//! the union took on lasted one, two and three years, how they compare with the other
//! eligible households, what a lasting escape cost, where the year will end, and which
//! child units' escapes last; for an officer, the visit list of newly escaped households
//! showing signs of falling back. Every figure lists its households
//! (`/reports/lasting/households`). The rules are `reports::lasting`'s.

use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::sheet::{paged, Cell, Sheet};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use domain::Date;
use maud::{html, Markup, PreEscaped};
use reports::lasting::{figure_vi, pct_vi, AtRisk, ChildLasting, Cohort, Lasting};
use reports::render::{count, decimal};
use serde::Deserialize;
use std::sync::Arc;

/// What the pages are asked: the unit, the as-of date, the structure date, and how.
#[derive(Deserialize, Clone, Default)]
pub struct Asked {
    unit: Option<String>,
    as_of: Option<String>,
    s: Option<String>,
    format: Option<String>,
    figure: Option<String>,
    sort: Option<String>,
    /// The page of a list (from 0).
    page: Option<usize>,
}

/// A `lasting` report's key: unit, as-of date, structure date (as asked).
type Key = (String, Date, Option<Date>);

/// The reports and the child units' cohorts computed while the data stood still (see
/// `crate::cache`). Access is checked before a cache is asked.
#[derive(Default)]
pub struct Caches {
    reports: crate::cache::GenerationCache<Key, Arc<Lasting>>,
    children: crate::cache::GenerationCache<Key, Arc<Vec<ChildLasting>>>,
    /// The visit lists: the at-risk households alone (no cohorts, no forecast).
    at_risk: crate::cache::GenerationCache<Key, Arc<Vec<AtRisk>>>,
}

/// The report a query asks for, checked against what the user may read (as a report of
/// the year up to the as-of date).
fn key(acc: &store::access::Access, q: &Asked) -> Result<Key, AppError> {
    let asked = super::reports::Asked::of(q.unit.clone(), None, q.as_of.clone(), q.s.clone());
    let req = super::reports::request(acc, &asked)?;
    Ok((req.unit, req.to, req.structure_date))
}

/// The value of `key` kept in `cache`, or computed by `compute` (unit, as-of date,
/// structure date as asked): kept while its province's records and the rest stand when
/// it is in today's tree, else while nothing changed.
fn kept<V>(
    cache: &crate::cache::GenerationCache<Key, Arc<V>>,
    db: &mut store::Db,
    acc: &store::access::Access,
    key: &Key,
    compute: impl FnOnce(&mut store::Db, &str, Date, Option<Date>) -> Result<V, AppError>,
) -> Result<Arc<V>, AppError> {
    let structure = key.2.unwrap_or(key.1);
    let generations = crate::cache::generations_in(db, acc, &key.0, structure)?;
    cache.get_or_compute(key, generations, || -> Result<_, AppError> {
        Ok(Arc::new(compute(db, &key.0, key.1, key.2)?))
    })
}

/// The report of `key`, kept or computed; its forecast's reports are the kept ones
/// (`super::reports::plain`).
pub(crate) fn report(
    st: &AppState,
    db: &mut store::Db,
    acc: &store::access::Access,
    key: &Key,
) -> Result<Arc<Lasting>, AppError> {
    kept(&st.lasting.reports, db, acc, key, |db, unit, as_of, s| {
        let mut plain =
            |db: &mut store::Db, req: &reports::Request| super::reports::plain(st, db, acc, req);
        reports::lasting::compute_with(db, unit, as_of, s, &mut plain)
    })
}

fn children(
    st: &AppState,
    db: &mut store::Db,
    acc: &store::access::Access,
    key: &Key,
) -> Result<Arc<Vec<ChildLasting>>, AppError> {
    kept(&st.lasting.children, db, acc, key, |db, unit, as_of, s| {
        Ok(reports::lasting::by_children(db, unit, as_of, s)?)
    })
}

fn at_risk(
    st: &AppState,
    db: &mut store::Db,
    acc: &store::access::Access,
    key: &Key,
) -> Result<Arc<Vec<AtRisk>>, AppError> {
    kept(&st.lasting.at_risk, db, acc, key, |db, unit, as_of, s| {
        Ok(reports::lasting::at_risk_of(db, unit, as_of, s)?)
    })
}

/// The query of the report of `key` (for links and downloads).
fn query(key: &Key) -> String {
    let mut q = vec![("unit", key.0.clone()), ("as_of", key.1.to_string())];
    if let Some(s) = key.2 {
        q.push(("s", s.to_string()));
    }
    serde_urlencoded::to_string(q).unwrap_or_default()
}

/// The link to the households behind figure `figure` of the report of `key`.
fn behind(key: &Key, figure: &str) -> String {
    format!(
        "/reports/lasting/households?{}&{}",
        query(key),
        serde_urlencoded::to_string([("figure", figure)]).unwrap_or_default()
    )
}

/// A cohort's follow-up after `k` years: (held, lost, held %).
fn after(c: &Cohort, k: i32) -> Option<&reports::lasting::Followup> {
    c.followup.iter().find(|f| f.years == k)
}

/// The cohorts' shares held after one, two and three years, as grouped bars.
fn chart(l: &Lasting) -> Markup {
    const COLOURS: [&str; 3] = ["#a3195b", "#d46a9a", "#f0b7cf"];
    let cohorts: Vec<&Cohort> = l.cohorts.iter().filter(|c| c.escaped > 0).collect();
    let (h, group) = (120_i64, 96_i64);
    let w = group * cohorts.len().max(1) as i64 + 10;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {}\" width=\"100%\" role=\"img\" aria-label=\"Tỷ lệ hộ giữ được sau 1, 2, 3 năm theo năm thoát nghèo\">",
        h + 52
    );
    for (i, c) in cohorts.iter().enumerate() {
        let x0 = i as i64 * group + 8;
        for (j, k) in [1, 2, 3].into_iter().enumerate() {
            let x = x0 + j as i64 * 26;
            match after(c, k).and_then(|f| f.held_pct) {
                Some(p) => {
                    let bh = (p * h as f64 / 100.0).round() as i64;
                    svg.push_str(&format!(
                        "<rect x=\"{x}\" y=\"{}\" width=\"22\" height=\"{bh}\" fill=\"{}\"><title>Năm {}, sau {k} năm: {}</title></rect>\
                         <text x=\"{x}\" y=\"{}\" font-size=\"9\">{}</text>",
                        h - bh + 12,
                        COLOURS[j],
                        c.year,
                        pct_vi(Some(p)),
                        h - bh + 9,
                        p.round()
                    ));
                }
                None => svg.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" font-size=\"9\">–</text>",
                    x + 8,
                    h + 8
                )),
            }
        }
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
            x0 + 20,
            h + 28,
            c.year
        ));
    }
    for (j, k) in [1, 2, 3].into_iter().enumerate() {
        let x = 8 + j as i64 * 90;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"10\">sau {k} năm</text>",
            h + 38,
            COLOURS[j],
            x + 14,
            h + 47
        ));
    }
    svg.push_str("</svg>");
    PreEscaped(svg)
}

/// "480 (90,4%)", or a dash before anyone could be followed up.
fn held_text(f: Option<&reports::lasting::Followup>) -> String {
    match f {
        Some(f) if f.held + f.lost > 0 => {
            format!("{} ({})", count(f.held as i64), pct_vi(f.held_pct))
        }
        _ => "—".to_owned(),
    }
}

fn money(v: Option<i64>) -> Cell {
    Cell::number(v.map_or_else(|| "—".to_owned(), count))
}

/// The cohorts and their follow-up, each count listing its households.
fn cohorts_sheet(l: &Lasting, key: &Key) -> Sheet {
    let mut sheet = Sheet::new(
        "Theo nam thoat ngheo",
        &[
            "Năm thoát nghèo",
            "Hộ thoát nghèo, cận nghèo",
            "Giữ được sau 1 năm",
            "Tái nghèo sau 1 năm",
            "Giữ được sau 2 năm",
            "Tái nghèo sau 2 năm",
            "Giữ được sau 3 năm",
            "Tái nghèo sau 3 năm",
        ],
    );
    for c in &l.cohorts {
        let y = c.year;
        let mut row = vec![
            Cell::from(y.to_string()),
            Cell {
                number: true,
                ..Cell::link(count(c.escaped as i64), behind(key, &format!("cohort:{y}")))
            },
        ];
        for k in [1, 2, 3] {
            let f = after(c, k);
            let lost = f.map_or(0, |f| f.lost);
            row.push(Cell {
                number: true,
                ..Cell::link(held_text(f), behind(key, &format!("held:{y}:{k}")))
            });
            row.push(Cell {
                number: true,
                ..Cell::link(count(lost as i64), behind(key, &format!("lost:{y}:{k}")))
            });
        }
        sheet.push(row);
    }
    sheet
}

/// "63,4% (60,2–66,5)" of a group.
fn rate_text(g: &reports::lasting::Group) -> String {
    match (g.rate_pct, g.ci_low_pct, g.ci_high_pct) {
        (Some(r), Some(lo), Some(hi)) => format!(
            "{}/{} = {} ({}–{})",
            count(g.escaped as i64),
            count(g.households as i64),
            pct_vi(Some(r)),
            decimal(lo),
            decimal(hi)
        ),
        _ => "—".to_owned(),
    }
}

fn comparison_sheet(l: &Lasting, key: &Key) -> Sheet {
    let mut sheet = Sheet::new(
        "So sanh",
        &[
            "Năm",
            "Hộ được Hội nhận giúp: thoát/số hộ (KTC 95%)",
            "Hộ khác cùng diện: thoát/số hộ (KTC 95%)",
            "Chênh lệch cùng xã, cùng mức (điểm %)",
            "Hộ nhận giúp không có hộ so sánh",
        ],
    );
    for c in l
        .cohorts
        .iter()
        .filter(|c| c.comparison.assigned.households + c.comparison.others.households > 0)
    {
        let cmp = &c.comparison;
        let y = c.year;
        let difference = match (cmp.difference_pp, cmp.ci_low_pp, cmp.ci_high_pp) {
            (Some(d), Some(lo), Some(hi)) => {
                format!("{} ({} đến {})", decimal(d), decimal(lo), decimal(hi))
            }
            _ => "—".to_owned(),
        };
        sheet.push(vec![
            Cell::from(y.to_string()),
            Cell::link(
                rate_text(&cmp.assigned),
                behind(key, &format!("assigned_escaped:{y}")),
            ),
            Cell::link(
                rate_text(&cmp.others),
                behind(key, &format!("others_escaped:{y}")),
            ),
            difference.into(),
            Cell::number(count(cmp.assigned_left_out as i64)),
        ]);
    }
    sheet
}

fn value_sheet(l: &Lasting) -> Sheet {
    let mut sheet = Sheet::new(
        "Chi phi",
        &[
            "Năm",
            "Chi hỗ trợ hộ được nhận giúp (đồng)",
            "Chi mỗi hộ thoát nghèo",
            "Chi mỗi hộ thoát bền vững (giữ được sau 2 năm)",
        ],
    );
    for c in l
        .cohorts
        .iter()
        .filter(|c| c.value.spend_vnd > 0 || c.escaped > 0)
    {
        sheet.push(vec![
            Cell::from(c.year.to_string()),
            Cell::number(count(c.value.spend_vnd)),
            money(c.value.cost_per_escape_vnd),
            money(c.value.cost_per_lasting_escape_vnd),
        ]);
    }
    sheet
}

fn forecast_sheet(l: &Lasting) -> Sheet {
    let mut sheet = Sheet::new(
        "Du bao",
        &[
            "Chỉ tiêu",
            "Đến nay",
            "Dự báo cả năm",
            "Kế hoạch",
            "Dự báo đạt % kế hoạch",
        ],
    );
    for f in l
        .forecast
        .iter()
        .filter(|f| f.so_far != 0 || f.target.is_some())
    {
        let label = domain::indicators::ALL
            .iter()
            .find(|d| d.code == f.indicator)
            .map_or(f.indicator, |d| d.label_vi);
        sheet.push(vec![
            label.into(),
            Cell::number(count(f.so_far)),
            money(f.forecast),
            money(f.target),
            Cell::number(f.forecast_achievement_pct.map(decimal).unwrap_or_default()),
        ]);
    }
    sheet
}

/// Each child unit's headline cohort (the parent's), linking to its own page.
fn children_sheet(children: &[ChildLasting], year: Option<i32>, key: &Key) -> Sheet {
    let y = year.map_or_else(String::new, |y| format!(" năm {y}"));
    let mut sheet = Sheet::new(
        "Theo don vi",
        &[
            "Đơn vị",
            &format!("Hộ thoát nghèo, cận nghèo{y}"),
            "Giữ được sau 1 năm",
            "Giữ được sau 2 năm",
            "Chi mỗi hộ thoát bền vững",
        ],
    );
    for child in children {
        let c = year.and_then(|y| child.cohorts.iter().find(|c| c.year == y));
        let link = format!(
            "/reports/lasting?{}",
            query(&(child.unit.code.clone(), key.1, key.2))
        );
        sheet.push(vec![
            Cell::link(&child.unit.name, link),
            Cell::number(count(c.map_or(0, |c| c.escaped) as i64)),
            Cell::number(held_text(c.and_then(|c| after(c, 1)))),
            Cell::number(held_text(c.and_then(|c| after(c, 2)))),
            money(c.and_then(|c| c.value.cost_per_lasting_escape_vnd)),
        ]);
    }
    sheet
}

/// The leader's page; `format=xlsx` or `json` downloads the report.
pub async fn show(State(st): State<AppState>, who: Authed, Query(q): Query<Asked>) -> Reply {
    let format = q.format.clone();
    let _heavy = match format {
        Some(_) => Some(st.heavy(&who).await?),
        None => None,
    };
    let state = st.clone();
    let figures = st.figures().await?;
    let (key, l, children, units) = figures
        .scoped(&who, move |db, acc| {
            let key = key(acc, &q)?;
            let l = report(&state, db, acc, &key)?;
            let children = match q.format {
                Some(_) => Arc::default(),
                None => children(&state, db, acc, &key)?,
            };
            Ok((key, l, children, super::form_fields::readable_choices(acc)))
        })
        .await?;
    let file = format!("ben-vung-{}-{}", l.unit.code, l.as_of);
    match format.as_deref() {
        Some("xlsx") => {
            let bytes =
                reports::lasting::xlsx(&l).map_err(|e| AppError::Internal(e.to_string()))?;
            return Ok(crate::sheet::xlsx_download(&format!("{file}.xlsx"), bytes));
        }
        Some("json") => {
            let bytes =
                serde_json::to_vec_pretty(&*l).map_err(|e| AppError::Internal(e.to_string()))?;
            return Ok(crate::sheet::attachment(
                "application/json",
                &format!("{file}.json"),
                bytes,
            ));
        }
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "Không có định dạng “{other}” (chọn xlsx hoặc json)."
            )))
        }
        None => {}
    }
    let headline = reports::lasting::headline(&l).map(|(c, _)| c.year);
    let comparison = l
        .cohorts
        .iter()
        .rev()
        .find_map(reports::lasting::comparison_sentence);
    let body = html! {
        h1 { "Thoát nghèo bền vững: " (l.unit.name) }
        form.stack.card method="get" action="/reports/lasting" novalidate {
            label for="unit" { "Đơn vị (gõ tên hoặc mã)" } input id="unit" name="unit" value=(key.0) list="unit-choices" autocomplete="off";
            (super::form_fields::unit_datalist("unit-choices", &units))
            label for="as_of" { "Số liệu đến ngày" } (crate::html::date_input("as_of", "as_of", Some(key.1)))
            label for="s" { "Cơ cấu đơn vị theo ngày (để trống: ngày số liệu)" }
            (crate::html::date_input("s", "s", key.2))
            p { button type="submit" { "Xem" } }
        }
        p.noprint { "Tải về: "
            a href={"/reports/lasting?" (query(&key)) "&format=xlsx"} { "Excel" } " · "
            a href={"/reports/lasting?" (query(&key)) "&format=json"} { "JSON" } }
        div.card {
            @match reports::lasting::sentence(&l) {
                Some(s) => p { strong { (s) } },
                None => p { "Chưa có lớp hộ thoát nghèo nào được theo dõi đủ một năm." },
            }
            p.muted { "Hộ thoát nghèo, cận nghèo có Hội nhận giúp đỡ, theo năm thoát. Giữ được: kết quả rà soát 1, 2, 3 năm sau vẫn không nghèo hơn lúc thoát; tỷ lệ tính trên các hộ đã được rà soát." }
        }
        h2 { "Các năm thoát nghèo và sau đó" }
        div.card { (chart(&l)) }
        (cohorts_sheet(&l, &key).table())
        h2 { "So với hộ khác cùng diện" }
        p.notice { "Đây là so sánh giữa các hộ, không phải bằng chứng hỗ trợ là nguyên nhân: hộ được nhận giúp có thể khác hộ khác ở những điều không được ghi lại." }
        @if let Some(s) = &comparison { p { (s) } }
        (comparison_sheet(&l, &key).table())
        h2 { "Chi phí cho mỗi hộ thoát nghèo bền vững" }
        (value_sheet(&l).table())
        h2 { "Dự báo cả năm " (key.1.year()) }
        p.muted { "Kết quả đến nay nhân với mức tăng từ cùng ngày đến cuối năm của ba năm trước." }
        (forecast_sheet(&l).table())
        h2 { "Hộ cần theo dõi" }
        p { (count(l.at_risk.len() as i64)) " hộ mới thoát nghèo có dấu hiệu tái nghèo. "
            a href={"/follow-up?" (query(&key))} { "Xem danh sách đi thăm" } }
        @if !children.is_empty() {
            h2 { "Theo đơn vị trực thuộc" }
            (children_sheet(&children, headline, &key).table())
        }
    };
    Ok(who.page("Thoát nghèo bền vững", body).into_response())
}

/// Household rows: the code linking to the household's page (its history), its head and
/// its unit.
fn household_rows(
    db: &mut store::Db,
    acc: &store::access::Access,
    codes: &[&str],
) -> Result<std::collections::HashMap<String, (String, String)>, AppError> {
    Ok(store::households::labels(db, codes)?
        .into_iter()
        .map(|h| {
            let unit = crate::view::unit_name(acc, Some(h.unit_id), &h.unit_code);
            (h.household_code, (h.head_name, unit))
        })
        .collect())
}

/// The households behind one figure of the report; `format=xlsx` downloads them.
pub async fn households(State(st): State<AppState>, who: Authed, Query(q): Query<Asked>) -> Reply {
    let figure = q.figure.clone().unwrap_or_default();
    let page = q.page.unwrap_or(0);
    let Some(title) = figure_vi(&figure) else {
        return Err(AppError::BadRequest(format!(
            "Không có con số “{figure}” trong báo cáo thoát nghèo bền vững."
        )));
    };
    let exporting = q.format.as_deref() == Some("xlsx");
    let _heavy = match exporting {
        true => Some(st.heavy(&who).await?),
        false => None,
    };
    let state = st.clone();
    let figures = st.figures().await?;
    let fig = figure.clone();
    let (key, name, rows) = figures
        .scoped(&who, move |db, acc| {
            let key = key(acc, &q)?;
            let l = report(&state, db, acc, &key)?;
            let codes: Vec<&str> = l
                .behind
                .get(&fig)
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let mut labels = household_rows(db, acc, &codes)?;
            let rows: Vec<(String, String, String)> = codes
                .iter()
                .map(|c| {
                    let (head, unit) = labels.remove(*c).unwrap_or_default();
                    ((*c).to_owned(), head, unit)
                })
                .collect();
            Ok((key, l.unit.name.clone(), rows))
        })
        .await?;
    let (shown, footing) = if exporting {
        (rows.as_slice(), html! {})
    } else {
        paged(&rows, page, |p| {
            format!("{}&page={p}", behind(&key, &figure))
        })
    };
    let mut sheet = Sheet::new("Ho", &["Mã hộ", "Chủ hộ", "Đơn vị"]);
    for (code, head, unit) in shown {
        sheet.push(vec![
            Cell::link(
                code,
                format!("{}#dien-bien", crate::html::household_path(code)),
            ),
            head.as_str().into(),
            unit.as_str().into(),
        ]);
    }
    if exporting {
        return sheet.download(&format!("ho-{}", figure.replace(':', "-")));
    }
    let body = html! {
        h1 { (title) }
        p { (name) ", số liệu đến " (key.1.dmy()) ": " strong { (count(rows.len() as i64)) " hộ" } ". "
            a href={(behind(&key, &figure)) "&format=xlsx"} { "Tải Excel" } " · "
            a href={"/reports/lasting?" (query(&key))} { "Về báo cáo" } }
        (sheet.table())
        (footing)
    };
    Ok(who.page("Các hộ của con số", body).into_response())
}

/// The visit list "Hộ cần theo dõi": her units' newly escaped households with signs of
/// falling back, sortable, downloadable; kept on the phone for visits without a network.
pub async fn follow_up(State(st): State<AppState>, who: Authed, Query(q): Query<Asked>) -> Reply {
    let exporting = q.format.as_deref() == Some("xlsx");
    let _heavy = match exporting {
        true => Some(st.heavy(&who).await?),
        false => None,
    };
    let sort = Sort::parse(q.sort.as_deref());
    let page = q.page.unwrap_or(0);
    let state = st.clone();
    let figures = st.figures().await?;
    let (key, name, mut rows) = figures
        .scoped(&who, move |db, acc| {
            let key = key(acc, &q)?;
            let list = at_risk(&state, db, acc, &key)?;
            let codes: Vec<&str> = list.iter().map(|r| r.household_code.as_str()).collect();
            let mut labels = household_rows(db, acc, &codes)?;
            let rows: Vec<Visit> = list
                .iter()
                .map(|r| {
                    let (head, unit) = labels.remove(&r.household_code).unwrap_or_default();
                    Visit {
                        code: r.household_code.clone(),
                        head,
                        unit,
                        escaped_on: Date::parse(&r.escaped_on).ok(),
                        signs: r.signs.iter().map(|s| s.label_vi()).collect(),
                    }
                })
                .collect();
            let name = acc
                .graph
                .version_on(&key.0, key.2.unwrap_or(key.1))
                .map_or_else(|| key.0.clone(), |ix| acc.graph.version(ix).name.clone());
            Ok((key, name, rows))
        })
        .await?;
    sort.apply(&mut rows);
    let here = format!("/follow-up?{}&sort={}", query(&key), sort.as_str());
    let (shown, footing) = if exporting {
        (rows.as_slice(), html! {})
    } else {
        paged(&rows, page, |p| format!("{here}&page={p}"))
    };
    let mut sheet = Sheet::new(
        "Ho can theo doi",
        &[
            "Mã hộ",
            "Chủ hộ",
            "Đơn vị",
            "Thoát nghèo ngày",
            "Dấu hiệu",
            "Số dấu hiệu",
        ],
    );
    for v in shown {
        sheet.push(vec![
            Cell::link(
                &v.code,
                format!("{}#dien-bien", crate::html::household_path(&v.code)),
            ),
            v.head.as_str().into(),
            v.unit.as_str().into(),
            v.escaped_on.map_or_else(Cell::default, Cell::date),
            v.signs.join("; ").into(),
            Cell::number(v.signs.len()),
        ]);
    }
    if exporting {
        return sheet.download(&format!("ho-can-theo-doi-{}", key.0));
    }
    let body = html! {
        h1 { "Hộ cần theo dõi" }
        p { (name) ", đến " (key.1.dmy()) ": " strong { (count(rows.len() as i64)) " hộ" }
            " mới thoát nghèo trong 3 năm qua, vẫn chưa tái nghèo nhưng có dấu hiệu cần đến thăm. "
            a href={(here) "&format=xlsx"} { "Tải Excel" } }
        p.muted { "Dấu hiệu: " (reports::lasting::Sign::MoreDeprivations.label_vi()) "; "
            (reports::lasting::Sign::NearTheLine.label_vi()) "; " (reports::lasting::Sign::NoRecentSupport.label_vi()) "." }
        nav.noprint { "Sắp xếp: "
            @for (n, s) in Sort::ALL.iter().enumerate() {
                @if n > 0 { " · " }
                @if *s == sort { strong { (s.label_vi()) } }
                @else { a href={"/follow-up?" (query(&key)) "&sort=" (s.as_str())} { (s.label_vi()) } }
            } }
        (sheet.table())
        (footing)
    };
    Ok(who.page("Hộ cần theo dõi", body).into_response())
}

/// One household of the visit list.
struct Visit {
    code: String,
    head: String,
    unit: String,
    escaped_on: Option<Date>,
    signs: Vec<&'static str>,
}

/// How the visit list is ordered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    /// Most signs first (the report's order).
    Signs,
    /// Most recent escape first.
    Escaped,
    Unit,
    Code,
}

impl Sort {
    const ALL: [Sort; 4] = [Sort::Signs, Sort::Escaped, Sort::Unit, Sort::Code];

    fn as_str(self) -> &'static str {
        match self {
            Sort::Signs => "dau-hieu",
            Sort::Escaped => "ngay-thoat",
            Sort::Unit => "don-vi",
            Sort::Code => "ma-ho",
        }
    }

    fn label_vi(self) -> &'static str {
        match self {
            Sort::Signs => "nhiều dấu hiệu trước",
            Sort::Escaped => "mới thoát nghèo trước",
            Sort::Unit => "theo đơn vị",
            Sort::Code => "theo mã hộ",
        }
    }

    /// An unknown order reads as the default one.
    fn parse(s: Option<&str>) -> Sort {
        Sort::ALL
            .into_iter()
            .find(|o| Some(o.as_str()) == s)
            .unwrap_or(Sort::Signs)
    }

    fn apply(self, rows: &mut [Visit]) {
        match self {
            Sort::Signs => rows.sort_by(|a, b| {
                b.signs
                    .len()
                    .cmp(&a.signs.len())
                    .then_with(|| a.code.cmp(&b.code))
            }),
            Sort::Escaped => rows.sort_by(|a, b| {
                b.escaped_on
                    .cmp(&a.escaped_on)
                    .then_with(|| a.code.cmp(&b.code))
            }),
            Sort::Unit => {
                rows.sort_by(|a, b| a.unit.cmp(&b.unit).then_with(|| a.code.cmp(&b.code)));
            }
            Sort::Code => rows.sort_by(|a, b| a.code.cmp(&b.code)),
        }
    }
}
