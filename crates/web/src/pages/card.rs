//! "Phiếu hộ": one household on paper for a home visit, in the product's document
//! style (the union's heading, the national motto, tables): its members, its class year
//! by year with the standard's explanation, what the union gave it, and who took it on.
//! Printable from the browser on A4 and as a PDF. Citizen IDs and phones are left off:
//! a sheet of paper leaves the office.

use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse};
use domain::poverty::{classify, standard_for};
use reports::document::{Document, Table, MOTTO};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct CardQuery {
    /// `pdf`: the card as a PDF file; otherwise its print view.
    #[serde(default)]
    format: String,
}

fn table(headings: &[&str], widths: &[f32], numeric: &[bool], rows: Vec<Vec<String>>) -> Table {
    Table {
        headings: headings.iter().map(|h| (*h).to_owned()).collect(),
        rows,
        numeric: numeric.to_vec(),
        widths: widths.to_vec(),
    }
}

/// The card of household `code` as she may read it.
fn card(
    db: &mut store::Db,
    acc: &store::access::Access,
    code: &str,
    by: &str,
) -> Result<Document, AppError> {
    let h = store::households::get_scoped(db, acc, code)?.ok_or(AppError::NotFound)?;
    let members = store::households::members_of(db, code)?;
    let assessments = store::households::assessments_of(db, code)?;
    let standards = store::standards::load_all(db)?;
    let supports = store::records::supports_of_household(db, code)?;
    let assignments = store::households::assignments_of(db, code)?;
    let unit = crate::view::unit_name(acc, Some(h.unit_id), &h.unit_code);
    let member_rows = members
        .iter()
        .map(|m| {
            vec![
                m.member_no.to_string(),
                m.full_name.clone(),
                m.gender.label_vi().to_owned(),
                m.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                m.ethnicity
                    .map(domain::vocab::Ethnicity::label_vi)
                    .unwrap_or_default()
                    .to_owned(),
                match m.union_member {
                    Some(true) => "Có",
                    Some(false) => "Không",
                    None => "",
                }
                .to_owned(),
            ]
        })
        .collect();
    let class_rows = assessments
        .iter()
        .map(|a| {
            let s = a
                .standard_code
                .as_deref()
                .and_then(|c| standards.iter().find(|s| s.code == c))
                .or_else(|| standard_for(&standards, a.assessed.assessed_on, None));
            let why = match (a.income, s) {
                (Some(income), Some(s)) => classify(s, income, &a.deprivations, h.area)
                    .map(|c| c.reason_vi)
                    .unwrap_or_default(),
                _ => String::new(),
            };
            vec![
                a.assessed.year.to_string(),
                a.assessed.kind.label_vi().to_owned(),
                a.assessed.assessed_on.dmy(),
                a.assessed.status.label_vi().to_owned(),
                why,
            ]
        })
        .collect();
    let support_rows = supports
        .iter()
        .map(|s| {
            let to = s
                .member_no
                .and_then(|n| members.iter().find(|m| m.member_no == n))
                .map_or_else(|| "Cả hộ".to_owned(), |m| m.full_name.clone());
            vec![
                s.date.dmy(),
                format!(
                    "{}{}",
                    s.kind.label_vi(),
                    s.item
                        .as_deref()
                        .map(|i| format!(": {i}"))
                        .unwrap_or_default()
                ),
                to,
                reports::render::count(s.value_vnd),
                crate::view::unit_name(acc, Some(s.unit_id), &s.unit_code),
            ]
        })
        .collect();
    let assignment_rows = assignments
        .iter()
        .map(|(unit, year, on)| {
            vec![
                year.to_string(),
                crate::view::unit_name(acc, None, unit),
                on.dmy(),
            ]
        })
        .collect();
    let (issued, issuer) = super::data_request::issued_for(acc, &h);
    let latest = assessments.last().map_or_else(
        || "chưa có kết quả rà soát".to_owned(),
        |a| format!("{} (năm {})", a.assessed.status.label_vi(), a.assessed.year),
    );
    Ok(Document {
        issuer,
        motto: MOTTO,
        number: String::new(),
        place_date: issued.place_date(),
        title: "PHIẾU THÔNG TIN HỘ".to_owned(),
        subtitle: format!("Hộ {}: {}", h.code, h.head_name),
        paragraphs: vec![
            format!(
                "Đơn vị: {unit}. Đăng ký ngày {}. {} nhân khẩu, {}{}. Tình trạng: {latest}.",
                h.registered_on.dmy(),
                h.size,
                h.area.label_vi(),
                if h.ethnic_minority { ", dân tộc thiểu số" } else { "" }
            ),
            format!(
                "Phiếu lập lúc {}, bởi {by}, từ hồ sơ đang lưu; số CCCD và điện thoại không in trên phiếu.",
                crate::vietnam_time(&store::now_utc())
            ),
        ],
        tables: vec![
            (
                "1. Thành viên".to_owned(),
                table(
                    &["#", "Họ tên", "Giới tính", "Năm sinh", "Dân tộc", "Hội viên"],
                    &[0.06, 0.34, 0.12, 0.12, 0.2, 0.16],
                    &[true, false, false, true, false, false],
                    member_rows,
                ),
            ),
            (
                "2. Kết quả rà soát qua các năm".to_owned(),
                table(
                    &["Năm", "Loại", "Ngày", "Kết quả", "Giải thích theo chuẩn"],
                    &[0.08, 0.16, 0.13, 0.15, 0.48],
                    &[true, false, false, false, false],
                    class_rows,
                ),
            ),
            (
                "3. Hỗ trợ đã nhận".to_owned(),
                table(
                    &["Ngày", "Hỗ trợ", "Người nhận", "Trị giá (đồng)", "Đơn vị hỗ trợ"],
                    &[0.13, 0.3, 0.17, 0.14, 0.26],
                    &[false, false, false, true, false],
                    support_rows,
                ),
            ),
            (
                "4. Phân công giúp đỡ".to_owned(),
                table(
                    &["Năm", "Đơn vị nhận giúp đỡ", "Từ ngày"],
                    &[0.12, 0.64, 0.24],
                    &[true, false, false],
                    assignment_rows,
                ),
            ),
        ],
        recipients: vec!["- Cán bộ phụ trách hộ;".to_owned(), "- Lưu: hồ sơ hộ.".to_owned()],
        signature: ["NGƯỜI LẬP PHIẾU", "(ký, ghi rõ họ tên)"],
    })
}

pub async fn show(
    State(st): State<AppState>,
    who: Authed,
    Path(code): Path<String>,
    Query(q): Query<CardQuery>,
) -> Reply {
    let by = who.user.full_name.clone();
    let doc = st
        .scoped(&who, move |db, acc| card(db, acc, &code, &by))
        .await?;
    if q.format == "pdf" {
        return Ok(crate::sheet::attachment(
            "application/pdf",
            "phieu-ho.pdf",
            reports::pdf::render(&doc),
        ));
    }
    Ok(Html(reports::document::print_html(&doc)).into_response())
}
