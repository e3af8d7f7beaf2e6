//! A woman's requests about her data (Law 91/2025, Decree 356/2025).
//!
//! - What the union holds: for one member, everything held about her and her household,
//!   as a JSON file or as a PDF letter in the union's document style, which the officer
//!   hands over or reads to her: her record (identifiers whole), her household, its
//!   assessments and assignments, the supports she and her household received, her
//!   consent, every change to her record and consent, and who was shown her household's
//!   identifiers, when, where and why. Only who keeps her records (may write her
//!   household) prepares it, and doing so is itself on the access log.
//! - Erasure: her personal fields replaced by a tombstone (`store::erasure`), the figures
//!   untouched; refused, with the reason, while an approved period keeps her household's
//!   records. A manager or an administrator of her household's unit decides it, with a
//!   reason, audited.

use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::html::{csrf, household_path};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use maud::html;
use serde::Deserialize;
use serde_json::{json, Value};

/// What the log's entry says, for her: when (Vietnam's time), who (by name), what, in
/// words.
fn entry(a: &store::audit::AuditRow, names: &std::collections::HashMap<String, String>) -> Value {
    let who = a.actor.strip_prefix("user:").map_or_else(
        || a.actor.clone(),
        |u| names.get(u).map_or(u.to_owned(), |n| format!("{n} ({u})")),
    );
    let parse = |t: Option<&str>| {
        t.and_then(|j| serde_json::from_str::<Value>(j).ok())
            .unwrap_or(Value::Null)
    };
    let key = parse(Some(&a.key));
    json!({
        "at": crate::vietnam_time(&a.at),
        "who": who,
        "action": a.action,
        "action_vi": super::audit::action_vi(&a.action),
        "record": a.entity,
        "record_vi": super::audit::entity_vi(&a.entity),
        "where": key.get("surface").cloned().unwrap_or(Value::Null),
        "key": key,
        "old": parse(a.old.as_deref()),
        "new": parse(a.new.as_deref()),
        "reason": a.reason,
    })
}

#[derive(Deserialize)]
pub struct Format {
    format: Option<String>,
}

/// Everything held about member `member_no` of household `code`, with what heads a
/// letter of her household's unit.
struct Held {
    data: Value,
    issued: reports::document::Issued,
    issuer: [String; 2],
}

fn held(
    db: &mut store::Db,
    acc: &store::access::Access,
    code: &str,
    member_no: i64,
    actor: &str,
) -> Result<Held, AppError> {
    let h = store::households::get_writable(db, acc, code)?.ok_or(AppError::NotFound)?;
    let surface = store::disclosure::Surface::DataRequest;
    let members = store::households::members_shown(db, acc, &h, surface)?;
    let m = members
        .into_iter()
        .find(|m| m.member_no == member_no)
        .ok_or(AppError::NotFound)?;
    let names: std::collections::HashMap<String, String> = store::accounts::list(db)?
        .into_iter()
        .map(|u| (u.username, u.full_name))
        .collect();
    let mine = |key: &str| {
        serde_json::from_str::<Value>(key).is_ok_and(|k| {
            k["household_code"] == code
                && (k.get("member_no").is_none() || k["member_no"] == member_no)
        })
    };
    let (mut views, mut changes) = (Vec::new(), Vec::new());
    for a in store::audit::about_household(db, code)? {
        if !mine(&a.key) {
            continue;
        }
        if a.action == store::audit::VIEW_SENSITIVE {
            views.push(entry(&a, &names));
        } else {
            changes.push(entry(&a, &names));
        }
    }
    let consent = store::households::consents_of(db, code)?
        .into_iter()
        .find(|c| c.member_no == member_no)
        .map(|c| json!({"given_on": c.given_on.to_string(), "withdrawn_on": c.withdrawn_on.map(|d| d.to_string())}));
    let unit_of = |id, code: &str| crate::view::unit_name(acc, Some(id), code);
    let supports: Vec<Value> = store::records::supports_of_household(db, code)?
        .into_iter()
        .filter(|s| s.member_no.is_none_or(|n| n == member_no))
        .map(|s| json!({"date": s.date.to_string(), "type": s.kind.label_vi(), "item": s.item,
            "quantity": s.quantity, "value_vnd": s.value_vnd, "unit": unit_of(s.unit_id, &s.unit_code),
            "programme": s.programme, "to": if s.member_no.is_some() { "bà" } else { "hộ" }}))
        .collect();
    let assessments: Vec<Value> = store::households::assessments_of(db, code)?
        .into_iter()
        .map(|a| json!({"year": a.assessed.year, "kind": a.assessed.kind.label_vi(),
            "assessed_on": a.assessed.assessed_on.to_string(), "status": a.assessed.status.label_vi(),
            "income_per_capita_vnd": a.income, "deprivations": a.deprivations}))
        .collect();
    let assignments: Vec<Value> = store::households::assignments_of(db, code)?
        .into_iter()
        .map(|(unit, year, on)| json!({"unit": crate::view::unit_name(acc, None, &unit), "year": year, "assigned_on": on.to_string()}))
        .collect();
    let data = json!({
        "prepared_at": crate::vietnam_time(&store::now_utc()),
        "prepared_by": names.get(store::reviews::person(actor)).cloned().unwrap_or_else(|| store::reviews::person(actor).to_owned()),
        "about": "Dữ liệu Hội LHPN lưu về một thành viên hộ và hộ của bà (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15)",
        "member": {"household_code": m.household_code, "member_no": m.member_no, "full_name": m.full_name,
            "gender": m.gender.label_vi(), "birth_year": m.birth_year, "citizen_id": m.citizen_id,
            "phone": m.phone, "union_member": m.union_member,
            "ethnicity": m.ethnicity.map(domain::vocab::Ethnicity::label_vi)},
        "household": {"household_code": h.code, "unit": unit_of(h.unit_id, &h.unit_code), "registered_on": h.registered_on.to_string(),
            "head_name": h.head_name, "area": h.area.label_vi(), "ethnic_minority": h.ethnic_minority, "size": h.size},
        "consent": consent,
        "assessments": assessments,
        "assignments": assignments,
        "supports": supports,
        "changes": changes,
        "identifier_views": views,
    });
    let (issued, issuer) = issued_for(acc, &h);
    Ok(Held {
        data,
        issued,
        issuer,
    })
}

pub async fn export(
    State(st): State<AppState>,
    who: Authed,
    Path((code, member_no)): Path<(String, i64)>,
    Query(q): Query<Format>,
) -> Reply {
    let _heavy = st.heavy(&who).await?;
    let actor = who.actor();
    let pdf = q.format.as_deref() == Some("pdf");
    let held = st
        .scoped(&who, move |db, acc| held(db, acc, &code, member_no, &actor))
        .await?;
    let (kind, name, body) = if pdf {
        (
            "application/pdf",
            "du-lieu-ca-nhan.pdf",
            reports::pdf::render(&letter(&held)),
        )
    } else {
        let body =
            serde_json::to_vec_pretty(&held.data).map_err(|e| AppError::Internal(e.to_string()))?;
        (
            "application/json; charset=utf-8",
            "du-lieu-ca-nhan.json",
            body,
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// A value of the JSON as a cell of the letter.
fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "Có" } else { "Không" }.to_owned(),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| n.to_string(), reports::render::count),
        // Dates are ISO in the file, DD/MM/YYYY on paper.
        Value::String(s) => domain::Date::parse(s).map_or_else(|_| s.clone(), domain::Date::dmy),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
        Value::Object(_) => String::new(),
    }
}

/// A table of the letter from `items`: each column's heading, key in the JSON, share of
/// the width and whether it holds numbers.
fn table(items: &Value, cols: &[(&str, &str, f32, bool)]) -> reports::document::Table {
    let mut rows: Vec<Vec<String>> = items
        .as_array()
        .map(|a| {
            a.iter()
                .map(|it| cols.iter().map(|(_, k, _, _)| text(&it[*k])).collect())
                .collect()
        })
        .unwrap_or_default();
    if rows.is_empty() {
        let mut none = vec![String::new(); cols.len()];
        none[0] = "Không có".to_owned();
        rows.push(none);
    }
    reports::document::Table {
        headings: cols.iter().map(|c| c.0.to_owned()).collect(),
        rows,
        numeric: cols.iter().map(|c| c.3).collect(),
        widths: cols.iter().map(|c| c.2).collect(),
    }
}

/// The answer as a letter of her household's union, in the union's document style.
fn letter(held: &Held) -> reports::document::Document {
    let d = &held.data;
    let (m, h) = (&d["member"], &d["household"]);
    let fields = |obj: &Value, labels: &[(&str, &str)]| {
        let rows = labels
            .iter()
            .map(|(label, key)| json!({"label": label, "value": text(&obj[*key])}))
            .collect::<Vec<_>>();
        table(
            &Value::Array(rows),
            &[
                ("Mục", "label", 0.35, false),
                ("Nội dung", "value", 0.65, false),
            ],
        )
    };
    let consent = match &d["consent"] {
        Value::Null => "Hội chưa có phiếu đồng ý xử lý dữ liệu của bà.".to_owned(),
        c => match c["withdrawn_on"].as_str() {
            Some(w) => format!(
                "Bà đã đồng ý ngày {} và rút lại sự đồng ý ngày {}.",
                text(&c["given_on"]),
                text(&json!(w))
            ),
            None => format!(
                "Bà đã đồng ý cho Hội xử lý dữ liệu ngày {}.",
                text(&c["given_on"])
            ),
        },
    };
    let tables = vec![
        (
            "1. Thông tin của bà".to_owned(),
            fields(
                m,
                &[
                    ("Họ tên", "full_name"),
                    ("Giới tính", "gender"),
                    ("Năm sinh", "birth_year"),
                    ("Dân tộc", "ethnicity"),
                    ("Số CCCD", "citizen_id"),
                    ("Điện thoại", "phone"),
                    ("Hội viên", "union_member"),
                ],
            ),
        ),
        (
            "2. Hộ gia đình".to_owned(),
            fields(
                h,
                &[
                    ("Mã hộ", "household_code"),
                    ("Chủ hộ", "head_name"),
                    ("Đơn vị", "unit"),
                    ("Ngày đăng ký", "registered_on"),
                    ("Khu vực", "area"),
                    ("Dân tộc thiểu số", "ethnic_minority"),
                    ("Số nhân khẩu", "size"),
                ],
            ),
        ),
        (
            "3. Kết quả rà soát nghèo".to_owned(),
            table(
                &d["assessments"],
                &[
                    ("Năm", "year", 0.1, false),
                    ("Loại", "kind", 0.22, false),
                    ("Ngày", "assessed_on", 0.14, false),
                    ("Kết quả", "status", 0.16, false),
                    ("Thu nhập/người/tháng", "income_per_capita_vnd", 0.16, true),
                    ("Thiếu hụt", "deprivations", 0.22, false),
                ],
            ),
        ),
        (
            "4. Phân công giúp đỡ".to_owned(),
            table(
                &d["assignments"],
                &[
                    ("Năm", "year", 0.15, false),
                    ("Đơn vị nhận giúp", "unit", 0.6, false),
                    ("Từ ngày", "assigned_on", 0.25, false),
                ],
            ),
        ),
        (
            "5. Hỗ trợ đã nhận".to_owned(),
            table(
                &d["supports"],
                &[
                    ("Ngày", "date", 0.13, false),
                    ("Loại", "type", 0.2, false),
                    ("Nội dung", "item", 0.2, false),
                    ("Trị giá (đồng)", "value_vnd", 0.15, true),
                    ("Đơn vị", "unit", 0.24, false),
                    ("Cho", "to", 0.08, false),
                ],
            ),
        ),
        (
            "6. Các lần thay đổi hồ sơ của bà".to_owned(),
            table(
                &d["changes"],
                &[
                    ("Thời gian", "at", 0.2, false),
                    ("Người thực hiện", "who", 0.3, false),
                    ("Việc", "action_vi", 0.15, false),
                    ("Hồ sơ", "record_vi", 0.15, false),
                    ("Lý do", "reason", 0.2, false),
                ],
            ),
        ),
        (
            "7. Các lần số CCCD, điện thoại được hiển thị đầy đủ".to_owned(),
            table(
                &d["identifier_views"],
                &[
                    ("Thời gian", "at", 0.2, false),
                    ("Người xem", "who", 0.35, false),
                    ("Nơi xem", "where", 0.25, false),
                    ("Lý do", "reason", 0.2, false),
                ],
            ),
        ),
    ];
    let name = text(&m["full_name"]);
    reports::document::Document {
        issuer: held.issuer.clone(),
        motto: reports::document::MOTTO,
        number: "Số:        /TB-HPN".to_owned(),
        place_date: held.issued.place_date(),
        title: "THÔNG BÁO".to_owned(),
        subtitle: format!("Dữ liệu cá nhân Hội đang lưu giữ về bà {name}"),
        paragraphs: vec![
            format!("Theo yêu cầu của bà {name} (hộ {}), căn cứ Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 356/2025/NĐ-CP, \
                Hội Liên hiệp Phụ nữ thông báo toàn bộ dữ liệu cá nhân Hội đang lưu giữ về bà và hộ gia đình bà, \
                những lần hồ sơ được thay đổi và những lần số định danh của bà được hiển thị, như sau.", text(&h["household_code"])),
            consent,
            "Bà có quyền yêu cầu sửa dữ liệu chưa đúng, rút lại sự đồng ý, và yêu cầu xóa dữ liệu cá nhân \
             (trừ dữ liệu thuộc kỳ báo cáo đã duyệt mà Hội phải lưu giữ). Số liệu tổng hợp không có tên người không phải dữ liệu cá nhân."
                .to_owned(),
            format!("Lập lúc {}, bởi {}.", text(&d["prepared_at"]), text(&d["prepared_by"])),
        ],
        tables,
        recipients: vec![format!("- Bà {name};"), "- Lưu: VT.".to_owned()],
        signature: ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"],
    }
}

/// Where a document about household `h` is issued today, and its heading: her
/// household's unit as it stands today (as it stood, if it has ended).
pub(super) fn issued_for(
    acc: &store::access::Access,
    h: &store::households::Household,
) -> (reports::document::Issued, [String; 2]) {
    let today = acc.today;
    let issued = reports::document::Issued::at(&acc.graph, &h.unit_code, today, today);
    let issuer = acc
        .graph
        .version_on(&h.unit_code, today)
        .or_else(|| acc.graph.find_id(h.unit_id))
        .map(|ix| acc.graph.version(ix))
        .map(|v| issued.issuer(&v.name, v.level.as_str()))
        .unwrap_or_default();
    (issued, issuer)
}

/// A manager or an administrator who may write the household's unit decides an erasure.
fn may_erase(who: &Authed) -> Result<(), AppError> {
    if who.user.role.manages_users() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The erasure's page: what will go, what stays, and, when a duty to keep applies, why
/// it cannot be done now.
pub async fn erase_form(
    State(st): State<AppState>,
    who: Authed,
    Path((code, member_no)): Path<(String, i64)>,
) -> Reply {
    may_erase(&who)?;
    let (m, kept) = st
        .scoped(&who, move |db, acc| {
            store::households::get_writable(db, acc, &code)?.ok_or(AppError::NotFound)?;
            let m = store::households::members_of(db, &code)?
                .into_iter()
                .find(|m| m.member_no == member_no)
                .ok_or(AppError::NotFound)?;
            Ok((m, store::erasure::kept_by(db, &code)?))
        })
        .await?;
    Ok(who
        .page(
            "Xóa dữ liệu cá nhân",
            erase_page(&who, &m, kept.as_ref(), None),
        )
        .into_response())
}

fn erase_page(
    who: &Authed,
    m: &store::households::Member,
    kept: Option<&store::erasure::Kept>,
    message: Option<&str>,
) -> maud::Markup {
    let back = household_path(&m.household_code);
    html! {
        h1 { "Xóa dữ liệu cá nhân của thành viên số " (m.member_no) ", hộ " (m.household_code) }
        @if let Some(msg) = message { p.alert { (msg) } }
        @if store::erasure::is_erased(&m.full_name) {
            p.notice { "Dữ liệu cá nhân của thành viên này đã được xóa." }
        } @else if let Some(k) = kept {
            p.alert { (k.message_vi()) }
        } @else {
            p { "Theo yêu cầu của bà, họ tên, năm sinh, số CCCD, điện thoại của bà (và tên chủ hộ nếu bà là chủ hộ) sẽ được thay bằng “"
                (store::erasure::ERASED_NAME) "”, cả trong nhật ký và các bản ghi đã xóa. "
                "Giới tính, hội viên, dân tộc và mọi hồ sơ của hộ vẫn giữ nên số liệu các báo cáo không đổi. Việc này không hoàn tác được." }
            form.stack.card method="post" action={(back) "/members/" (m.member_no) "/erase"} novalidate {
                (csrf(who))
                label for="reason" { "Lý do (ví dụ: bà yêu cầu ngày …, đơn số …)" }
                textarea id="reason" name="reason" rows="2" {}
                p { button.danger type="submit" { "Xóa dữ liệu cá nhân" } }
            }
        }
        p { a href=(back) { "← Về trang hộ" } }
    }
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn erase(
    State(st): State<AppState>,
    who: Authed,
    Path((code, member_no)): Path<(String, i64)>,
    Form(f): Form<EraseForm>,
) -> Reply {
    may_erase(&who)?;
    let reason = f.reason.trim().to_owned();
    let actor = who.actor();
    let (m, outcome) = st
        .scoped(&who, move |db, acc| {
            store::households::get_writable(db, acc, &code)?.ok_or(AppError::NotFound)?;
            let outcome = if reason.is_empty() || reason.len() > 2_000 {
                None
            } else {
                let req = store::erasure::Request {
                    actor: &actor,
                    reason: &reason,
                };
                Some(store::erasure::erase_member(db, &code, member_no, &req)?)
            };
            let m = store::households::members_of(db, &code)?
                .into_iter()
                .find(|m| m.member_no == member_no)
                .ok_or(AppError::NotFound)?;
            Ok((m, outcome))
        })
        .await?;
    use store::erasure::Outcome;
    let page = |kept: Option<&store::erasure::Kept>, msg: Option<&str>| {
        let mut r = who
            .page("Xóa dữ liệu cá nhân", erase_page(&who, &m, kept, msg))
            .into_response();
        *r.status_mut() = axum::http::StatusCode::CONFLICT;
        r
    };
    Ok(match outcome {
        None => {
            let mut r = page(None, Some("Cần ghi lý do (tối đa 2.000 ký tự)."));
            *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            r
        }
        Some(Outcome::Kept(k)) => page(Some(&k), None),
        Some(Outcome::NotFound) => return Err(AppError::NotFound),
        Some(Outcome::Erased | Outcome::AlreadyErased) => {
            Redirect::to(&household_path(&m.household_code)).into_response()
        }
    })
}
