//! A report's household figures split by a dimension of the households
//! (`reports::breakdown`): ethnic minority, area, the head's gender, the head's ethnic
//! group. The page shows the unit's figures by group and one indicator's by child unit
//! and group; `format=xlsx` downloads every indicator of the unit and each child by group
//! (numbers as numbers), `format=json` the contract-style object the API also gives.

use super::reports::{request_in, Asked, DefaultStructure};
use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use domain::breakdown::Dimension;
use domain::indicators::Indicator;
use maud::html;
use reports::breakdown::Breakdown;
use reports::int_of;
use reports::render::count;

fn label(i: Indicator) -> &'static str {
    i.def().label_vi
}

/// The dimension a query names (`by`), by its code; ethnic minority when absent.
pub(crate) fn dimension(by: Option<&str>) -> Result<Dimension, AppError> {
    match by.map(str::trim).filter(|b| !b.is_empty()) {
        None => Ok(Dimension::EthnicMinority),
        Some(code) => Dimension::parse(code).ok_or_else(|| {
            let known: Vec<String> = Dimension::ALL
                .iter()
                .map(|d| format!("{} ({})", d.as_str(), d.label_vi()))
                .collect();
            AppError::BadRequest(format!(
                "Không chia được theo “{code}”: chọn một trong {}.",
                known.join(", ")
            ))
        }),
    }
}

/// Whether anything stands apart from the groups (supports to no household).
fn has_apart(b: &Breakdown) -> bool {
    b.not_linked
        .iter()
        .any(|v| v.value.as_i64().unwrap_or(0) != 0)
}

/// The column headings: the groups, what no household stands behind, the total.
fn headings(first: &[&str], b: &Breakdown) -> Vec<String> {
    let mut out: Vec<String> = first.iter().map(|s| (*s).to_owned()).collect();
    out.extend(b.groups.iter().map(|g| g.label.to_owned()));
    if has_apart(b) {
        out.push("Không gắn với hộ".into());
    }
    out.push("Tổng".into());
    out
}

/// Every split indicator of the unit (then of each child unit) by group: the download.
fn full_sheet(b: &Breakdown) -> Sheet {
    let heads = headings(&["Đơn vị", "Chỉ tiêu"], b);
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    let mut sheet = Sheet::new("Chia theo nhom ho", &heads);
    let apart = has_apart(b);
    let indicators = reports::breakdown::split_indicators();
    let mut units: Vec<(String, Option<usize>)> = vec![(b.unit.name.clone(), None)];
    if let Some(children) = b.groups.first().and_then(|g| g.children.as_ref()) {
        units.extend(children.iter().enumerate().map(|(i, c)| {
            let name = if c.own {
                format!("{} (trực tiếp)", c.unit.name)
            } else {
                c.unit.name.clone()
            };
            (name, Some(i))
        }));
    }
    for (name, child) in &units {
        for i in &indicators {
            let code = i.code();
            let of_group = |g: &reports::breakdown::GroupFigures| match child {
                None => int_of(&g.indicators, code),
                Some(ix) => g
                    .children
                    .as_ref()
                    .and_then(|c| c.get(*ix))
                    .map_or(0, |row| int_of(&row.indicators, code)),
            };
            let values: Vec<i64> = b.groups.iter().map(of_group).collect();
            let mut row = vec![Cell::from(name.as_str()), label(*i).into()];
            row.extend(values.iter().map(Cell::number));
            match child {
                None => {
                    if apart {
                        row.push(Cell::number(int_of(&b.not_linked, code)));
                    }
                    row.push(Cell::number(b.total(code)));
                }
                Some(_) => {
                    // A child's supports to no household are not split per child.
                    if apart {
                        row.push(Cell::from(""));
                    }
                    row.push(Cell::number(values.iter().sum::<i64>()));
                }
            }
            sheet.push(row);
        }
    }
    sheet
}

#[derive(serde::Deserialize, Default)]
pub struct BreakdownQuery {
    by: Option<String>,
}

pub async fn show(
    State(st): State<AppState>,
    who: Authed,
    Query(q): Query<Asked>,
    Query(b): Query<BreakdownQuery>,
) -> Reply {
    let dimension = dimension(b.by.as_deref())?;
    let format = q.format.clone().unwrap_or_default();
    let exporting = matches!(format.as_str(), "xlsx" | "json");
    let _heavy = match exporting {
        true => Some(st.heavy(&who).await?),
        false => None,
    };
    let chosen = q
        .indicator
        .as_deref()
        .and_then(Indicator::parse)
        .filter(|i| reports::breakdown::split_indicators().contains(i))
        .unwrap_or(Indicator::HhEscaped);
    let (req, breakdown) = st
        .scoped(&who, move |db, acc| {
            let req = request_in(acc, &q, DefaultStructure::Today)?;
            let breakdown = reports::breakdown::compute(db, &req, dimension, true)?;
            Ok((req, breakdown))
        })
        .await?;
    let file = format!(
        "chia-theo-{}-{}-{}-{}",
        dimension.as_str(),
        req.unit,
        req.from,
        req.to
    );
    match format.as_str() {
        "xlsx" => return full_sheet(&breakdown).download(&file),
        "json" => {
            let body = serde_json::to_vec_pretty(&breakdown)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            return Ok((
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/json".to_owned(),
                    ),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{file}.json\""),
                    ),
                ],
                body,
            )
                .into_response());
        }
        _ => {}
    }
    let apart = has_apart(&breakdown);
    // The unit's figures: one row per indicator, one column per group.
    let heads = headings(&["Chỉ tiêu"], &breakdown);
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    let mut unit_sheet = Sheet::new("Chia theo nhom ho", &heads);
    for i in reports::breakdown::split_indicators() {
        let code = i.code();
        if breakdown.total(code) == 0 {
            continue;
        }
        let mut row = vec![Cell::from(label(i))];
        row.extend(
            breakdown
                .groups
                .iter()
                .map(|g| Cell::number(int_of(&g.indicators, code))),
        );
        if apart {
            row.push(Cell::number(int_of(&breakdown.not_linked, code)));
        }
        row.push(Cell::number(breakdown.total(code)));
        unit_sheet.push(row);
    }
    // One indicator by child unit and group.
    let heads: Vec<String> = std::iter::once("Đơn vị".to_owned())
        .chain(breakdown.groups.iter().map(|g| g.label.to_owned()))
        .chain(["Cộng các nhóm".to_owned()])
        .collect();
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    let mut child_sheet = Sheet::new("Theo don vi", &heads);
    if let Some(children) = breakdown.groups.first().and_then(|g| g.children.as_ref()) {
        for (ix, c) in children.iter().enumerate() {
            let values: Vec<i64> = breakdown
                .groups
                .iter()
                .map(|g| {
                    g.children
                        .as_ref()
                        .and_then(|rows| rows.get(ix))
                        .map_or(0, |row| int_of(&row.indicators, chosen.code()))
                })
                .collect();
            let name = if c.own {
                format!("{} (trực tiếp)", c.unit.name)
            } else {
                c.unit.name.clone()
            };
            let mut row = vec![Cell::from(name)];
            row.extend(values.iter().map(Cell::number));
            row.push(Cell::number(values.iter().sum::<i64>()));
            child_sheet.push(row);
        }
    }
    let query = |extra: &[(&str, &str)]| {
        let mut pairs: Vec<(&str, String)> = vec![
            ("unit", req.unit.clone()),
            ("from", req.from.to_string()),
            ("to", req.to.to_string()),
        ];
        if let Some(s) = req.structure_date {
            pairs.push(("s", s.to_string()));
        }
        pairs.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    };
    let by = dimension.as_str();
    let structure = match req.structure_date {
        Some(s) => format!("Theo cơ cấu đơn vị ngày {}", s.dmy()),
        None => format!("Theo cơ cấu đơn vị ngày {}", req.to.dmy()),
    };
    let body = html! {
        h1 { "Chia theo nhóm hộ: " (breakdown.unit.name) }
        p.muted { "Từ " (req.from.dmy()) " đến " (req.to.dmy()) ". " (structure) ". "
            a href={"/reports?" (query(&[]))} { "Về báo cáo" } }
        form.stack.card method="get" action="/reports/breakdown" novalidate {
            input type="hidden" name="unit" value=(req.unit);
            input type="hidden" name="from" value=(req.from.to_string());
            input type="hidden" name="to" value=(req.to.to_string());
            @if let Some(s) = req.structure_date { input type="hidden" name="s" value=(s.to_string()); }
            label for="by" { "Chia theo" }
            select #by name="by" {
                @for d in Dimension::ALL { option value=(d.as_str()) selected[d == dimension] { (d.label_vi()) } }
            }
            label for="indicator" { "Chỉ tiêu theo đơn vị trực thuộc" }
            select #indicator name="indicator" {
                @for i in reports::breakdown::split_indicators() { option value=(i.code()) selected[i == chosen] { (label(i)) } }
            }
            p { button type="submit" { "Xem" } }
        }
        p.noprint { "Tải về: "
            a href={"/reports/breakdown?" (query(&[("by", by), ("format", "xlsx")]))} { "Excel" } " · "
            a href={"/reports/breakdown?" (query(&[("by", by), ("format", "json")]))} { "JSON" } }
        p { (breakdown.dimension_label) ": " (count(breakdown.total(chosen.code()))) " " (label(chosen).to_lowercase()) ", trong đó "
            @for (n, g) in breakdown.groups.iter().enumerate() {
                @if n > 0 { ", " }
                (g.label.to_lowercase()) " " strong { (count(int_of(&g.indicators, chosen.code()))) }
            }
            "." }
        @if apart { p.muted { "“Không gắn với hộ”: hỗ trợ ghi không kèm mã hộ, không chia được theo nhóm hộ." } }
        @if breakdown.dimension == Dimension::Ethnicity.as_str() {
            p.muted { "Dân tộc của chủ hộ: dân tộc ghi ở thành viên trùng tên chủ hộ (cột dân tộc của thành viên, có từ hợp đồng dữ liệu v1.2)." }
        }
        h2 { "Các chỉ tiêu theo nhóm" }
        (unit_sheet.table())
        h2 { (label(chosen)) " theo đơn vị trực thuộc" }
        (child_sheet.table())
    };
    Ok(who.page("Chia theo nhóm hộ", body).into_response())
}
