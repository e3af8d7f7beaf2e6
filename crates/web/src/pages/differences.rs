//! The households whose chapter assessment differs from the commune's decision of the
//! same year, for a report's unit, period and structure (`reports::reconcile`): why the
//! year's figures differ from the January–October ones. XLSX with `format=xlsx`.

use super::reports::{request_in, Asked, DefaultStructure};
use crate::auth::Authed;
use crate::error::Reply;
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use maud::html;

/// Deprivation codes in words.
fn deprivations_vi(codes: &[String]) -> String {
    let choices = super::form_fields::deprivation_names();
    codes
        .iter()
        .map(|c| {
            choices
                .iter()
                .find(|(code, _)| code == c)
                .map_or_else(|| c.clone(), |(_, label)| label.clone())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub async fn list(State(st): State<AppState>, who: Authed, Query(q): Query<Asked>) -> Reply {
    let exporting = q.format.as_deref() == Some("xlsx");
    let _heavy = match exporting {
        true => Some(st.heavy(&who).await?),
        false => None,
    };
    let (req, name, rows) = st
        .scoped(&who, move |db, acc| {
            let req = request_in(acc, &q, DefaultStructure::Today)?;
            let list = reports::reconcile::of(db, &req)?;
            let name = acc
                .graph
                .version_on(&req.unit, req.structure_date.unwrap_or(req.to))
                .map_or_else(|| req.unit.clone(), |ix| acc.graph.version(ix).name.clone());
            let rows: Vec<(reports::reconcile::Difference, String)> = list
                .into_iter()
                .map(|d| {
                    let unit = crate::view::unit_name(
                        acc,
                        Some(domain::units::VersionId(d.unit_id)),
                        &d.unit_code,
                    );
                    (d, unit)
                })
                .collect();
            Ok((req, name, rows))
        })
        .await?;
    let mut sheet = Sheet::new(
        "Hoi danh gia khac xa",
        &[
            "Mã hộ",
            "Chủ hộ",
            "Đơn vị",
            "Năm",
            "Hội đánh giá",
            "Ngày Hội đánh giá",
            "Xã công nhận",
            "Ngày xã công nhận",
            "Thiếu hụt chỉ Hội ghi",
            "Thiếu hụt chỉ xã ghi",
        ],
    );
    for (d, unit) in &rows {
        sheet.push(vec![
            Cell::link(
                &d.household_code,
                crate::html::household_path(&d.household_code),
            ),
            d.head_name.as_str().into(),
            unit.as_str().into(),
            Cell::number(d.year),
            d.provisional.label_vi().into(),
            Cell::date(d.provisional_on),
            d.official.label_vi().into(),
            Cell::date(d.official_on),
            deprivations_vi(&d.only_provisional).into(),
            deprivations_vi(&d.only_official).into(),
        ]);
    }
    if exporting {
        return sheet.download(&format!(
            "hoi-danh-gia-khac-xa-{}-{}-{}",
            req.unit, req.from, req.to
        ));
    }
    let list: Vec<reports::reconcile::Difference> = rows.into_iter().map(|(d, _)| d).collect();
    let query = serde_urlencoded::to_string([
        ("unit", req.unit.clone()),
        ("from", req.from.to_string()),
        ("to", req.to.to_string()),
        ("s", req.structure_date.unwrap_or(req.to).to_string()),
    ])
    .unwrap_or_default();
    let body = html! {
        h1 { "Hội đánh giá khác kết quả xã công nhận" }
        p { (name) ", Hội đánh giá từ " (req.from.dmy()) " đến " (req.to.dmy()) ": "
            strong { (reports::render::count(list.len() as i64)) " hộ" } ". "
            a href={"/reports/differences?" (query) "&format=xlsx"} { "Tải Excel" } " · "
            a href={"/reports?" (query)} { "Về báo cáo" } }
        @if let Some(s) = reports::reconcile::sentence(&list) { p.notice { (s) } }
        p.muted { "Báo cáo trong năm tính hộ thoát nghèo theo kết quả Hội đánh giá; kết quả rà soát chính thức của xã cuối năm có thể khác. Danh sách này cho biết hộ nào và khác thế nào." }
        (sheet.table())
    };
    Ok(who
        .page("Hội đánh giá khác kết quả xã", body)
        .into_response())
}
