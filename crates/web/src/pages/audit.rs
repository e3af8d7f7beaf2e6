//! The audit log, newest first, filterable; a unit manager sees what the users of her
//! subtree did. Shown in Vietnamese: what was done, to which kind of record, and the
//! columns that changed by their names, old → new; downloadable as XLSX.

use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use domain::contract::column_label_vi;
use maud::html;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    entity: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    format: String,
}

/// The kinds of record the log names, beside the file kinds (whose tables bear their
/// names).
const OTHER_ENTITIES: &[(&str, &str)] = &[
    ("users", "Người dùng"),
    ("period_reviews", "Duyệt kỳ"),
    ("poverty_standards", "Chuẩn nghèo"),
];

fn entity_vi(entity: &str) -> &str {
    domain::contract::ALL
        .iter()
        .find(|s| s.kind == entity)
        .map(|s| s.label_vi)
        .or_else(|| {
            OTHER_ENTITIES
                .iter()
                .find(|(e, _)| *e == entity)
                .map(|(_, l)| *l)
        })
        .unwrap_or(entity)
}

/// What was done, in Vietnamese: a write's verb, or a review's step.
fn action_vi(action: &str) -> String {
    let verb = match action {
        "insert" => "Thêm",
        "update" => "Sửa",
        "move" => "Chuyển đơn vị",
        "delete" => "Xóa",
        "import" => "Nhập tệp",
        "password" => "Đổi mật khẩu",
        "view_sensitive" => "Xem số CCCD, điện thoại",
        other => {
            return domain::review::ReviewState::parse(other).map_or_else(
                || other.to_owned(),
                |s| domain::vocab::capitalized(s.label_vi()),
            )
        }
    };
    verb.to_owned()
}

/// Who did it: a user by her user name, the command line as "Hệ thống".
fn actor_vi(actor: &str) -> String {
    match actor.strip_prefix("user:") {
        Some(name) => name.to_owned(),
        None if actor == "system" => "Hệ thống".to_owned(),
        None => actor.to_owned(),
    }
}

/// A JSON object's fields by name, each value as text; an identifier (citizen ID,
/// phone) masked: the log says that it changed, and its last digits, never the number
/// (a view in full is on the household's page, itself logged).
fn fields(json: Option<&str>) -> Vec<(String, String)> {
    let Some(serde_json::Value::Object(map)) = json.and_then(|j| serde_json::from_str(j).ok())
    else {
        return Vec::new();
    };
    map.into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            let text = if store::disclosure::is_identifier_column(&k) && !text.is_empty() {
                domain::ids::masked(&text)
            } else {
                text
            };
            (k, text)
        })
        .collect()
}

/// The record's key and what changed, each column by its Vietnamese name: old → new for
/// a change, the values for an addition or a deletion.
fn described(a: &store::audit::AuditRow) -> (String, String) {
    let key: Vec<String> = fields(Some(&a.key)).into_iter().map(|(_, v)| v).collect();
    let (old, new) = (fields(a.old.as_deref()), fields(a.new.as_deref()));
    let label = |k: &str| column_label_vi(k).to_owned();
    let what: Vec<String> = if old.is_empty() || new.is_empty() {
        old.iter()
            .chain(&new)
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{}: {v}", label(k)))
            .collect()
    } else {
        new.iter()
            .filter_map(|(k, v)| {
                let before = old.iter().find(|(o, _)| o == k).map_or("", |(_, w)| w);
                (before != v).then(|| format!("{}: {before} → {v}", label(k)))
            })
            .collect()
    };
    (key.join(" / "), what.join("; "))
}

pub async fn list(State(st): State<AppState>, who: Authed, Query(q): Query<AuditQuery>) -> Reply {
    if !who.user.role.manages_users() {
        return Err(AppError::Forbidden);
    }
    let w = who.clone();
    let (entity, actor) = (q.entity.clone(), q.actor.clone());
    let rows = st
        .run(move |db| {
            let acc = w.access(db)?;
            let mine: std::collections::HashSet<String> = store::accounts::list(db)?
                .into_iter()
                .filter(|u| acc.is_admin() || acc.can_read_code(&u.unit_code, acc.today))
                .map(|u| format!("user:{}", u.username))
                .collect();
            Ok(store::audit::recent(db, 2000)?
                .into_iter()
                .filter(|a| acc.is_admin() || mine.contains(&a.actor))
                .filter(|a| q.entity.is_empty() || a.entity == q.entity)
                .filter(|a| q.actor.is_empty() || a.actor.contains(&q.actor))
                .take(300)
                .collect::<Vec<_>>())
        })
        .await?;
    let mut sheet = Sheet::new(
        "Nhat ky",
        &["Lúc", "Ai", "Việc", "Dữ liệu", "Mã", "Thay đổi", "Lý do"],
    );
    for a in &rows {
        let (key, what) = described(a);
        sheet.push(vec![
            crate::vietnam_moment(&a.at).map_or_else(
                || Cell::from(a.at.clone()),
                |(d, h, m)| Cell::moment(d, h, m),
            ),
            actor_vi(&a.actor).into(),
            action_vi(&a.action).into(),
            entity_vi(&a.entity).into(),
            key.into(),
            what.into(),
            Cell::from(a.reason.clone().unwrap_or_default()),
        ]);
    }
    if q.format == "xlsx" {
        return sheet.download("nhat-ky");
    }
    let entities: Vec<(&str, &str)> = domain::contract::ALL
        .iter()
        .map(|s| (s.kind, s.label_vi))
        .chain(OTHER_ENTITIES.iter().copied())
        .collect();
    let download = serde_urlencoded::to_string([
        ("format", "xlsx"),
        ("entity", entity.as_str()),
        ("actor", actor.as_str()),
    ])
    .unwrap_or_default();
    let body = html! {
        h1 { "Nhật ký thay đổi" }
        form.stack method="get" action="/audit" {
            label for="entity" { "Loại dữ liệu" }
            select id="entity" name="entity" {
                option value="" selected[entity.is_empty()] { "Tất cả" }
                @for (code, label) in &entities { option value=(code) selected[*code == entity] { (label) } }
            }
            label for="actor" { "Người thực hiện (tên đăng nhập)" } input id="actor" name="actor" value=(actor);
            p { button type="submit" { "Lọc" } }
        }
        p { (rows.len()) " mục gần nhất. "
            a href={"/audit?" (download)} { "Tải Excel" } }
        (sheet.table())
    };
    Ok(who.page("Nhật ký", body).into_response())
}
