//! A woman's request about her data (Law 91/2025, Decree 356/2025): for one member,
//! everything the union holds about her and her household, as a JSON file the officer
//! hands over or reads to her: her record (identifiers whole), her household, its
//! assessments and assignments, the supports she and her household received, her
//! consent, every change to her record and consent, and who was shown her household's
//! identifiers, when, where and why. Only who keeps her records (may write her
//! household) prepares it, and doing so is itself on the access log.

use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{json, Value};

/// What the log's entry says, for her: when (Vietnam's time), who (by name), what.
fn entry(a: &store::audit::AuditRow, names: &std::collections::HashMap<String, String>) -> Value {
    let who = a.actor.strip_prefix("user:").map_or_else(
        || a.actor.clone(),
        |u| names.get(u).map_or(u.to_owned(), |n| format!("{n} ({u})")),
    );
    let parse = |t: &Option<String>| {
        t.as_deref()
            .and_then(|j| serde_json::from_str::<Value>(j).ok())
            .unwrap_or(Value::Null)
    };
    json!({
        "at": crate::vietnam_time(&a.at),
        "who": who,
        "action": a.action,
        "record": a.entity,
        "key": parse(&Some(a.key.clone())),
        "old": parse(&a.old),
        "new": parse(&a.new),
        "reason": a.reason,
    })
}

pub async fn export(
    State(st): State<AppState>,
    who: Authed,
    Path((code, member_no)): Path<(String, i64)>,
) -> Reply {
    let _heavy = st.heavy(&who).await?;
    let actor = who.actor();
    let data = st
        .scoped(&who, move |db, acc| {
            let h = store::households::get_writable(db, acc, &code)?.ok_or(AppError::NotFound)?;
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
                    k["household_code"] == code.as_str()
                        && (k.get("member_no").is_none() || k["member_no"] == member_no)
                })
            };
            let (mut views, mut changes) = (Vec::new(), Vec::new());
            for a in store::audit::about_household(db, &code)? {
                if !mine(&a.key) {
                    continue;
                }
                if a.action == store::audit::VIEW_SENSITIVE {
                    views.push(entry(&a, &names));
                } else {
                    changes.push(entry(&a, &names));
                }
            }
            let consent = store::households::consents_of(db, &code)?
                .into_iter()
                .find(|c| c.member_no == member_no)
                .map(|c| json!({"given_on": c.given_on.to_string(), "withdrawn_on": c.withdrawn_on.map(|d| d.to_string())}));
            let supports: Vec<Value> = store::records::supports_of_household(db, &code)?
                .into_iter()
                .filter(|s| s.member_no.is_none_or(|n| n == member_no))
                .map(|s| json!({"date": s.date.to_string(), "type": s.kind.label_vi(), "item": s.item,
                    "quantity": s.quantity, "value_vnd": s.value_vnd, "unit_code": s.unit_code,
                    "programme": s.programme, "to": if s.member_no.is_some() { "bà" } else { "hộ" }}))
                .collect();
            let assessments: Vec<Value> = store::households::assessments_of(db, &code)?
                .into_iter()
                .map(|a| json!({"year": a.assessed.year, "kind": a.assessed.kind.label_vi(),
                    "assessed_on": a.assessed.assessed_on.to_string(), "status": a.assessed.status.label_vi(),
                    "income_per_capita_vnd": a.income, "deprivations": a.deprivations}))
                .collect();
            let assignments: Vec<Value> = store::households::assignments_of(db, &code)?
                .into_iter()
                .map(|(unit, year, on)| json!({"unit_code": unit, "year": year, "assigned_on": on.to_string()}))
                .collect();
            Ok(json!({
                "prepared_at": crate::vietnam_time(&store::now_utc()),
                "prepared_by": actor,
                "about": "Dữ liệu Hội LHPN lưu về một thành viên hộ và hộ của bà (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15)",
                "member": {"household_code": m.household_code, "member_no": m.member_no, "full_name": m.full_name,
                    "gender": m.gender.label_vi(), "birth_year": m.birth_year, "citizen_id": m.citizen_id,
                    "phone": m.phone, "union_member": m.union_member,
                    "ethnicity": m.ethnicity.map(domain::vocab::Ethnicity::label_vi)},
                "household": {"household_code": h.code, "unit_code": h.unit_code, "registered_on": h.registered_on.to_string(),
                    "head_name": h.head_name, "area": h.area.label_vi(), "ethnic_minority": h.ethnic_minority, "size": h.size},
                "consent": consent,
                "assessments": assessments,
                "assignments": assignments,
                "supports": supports,
                "changes": changes,
                "identifier_views": views,
            }))
        })
        .await?;
    let body =
        serde_json::to_string_pretty(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"du-lieu-ca-nhan.json\"".to_owned(),
            ),
        ],
        body,
    )
        .into_response())
}
