//! The audit log, newest first, filterable; a unit manager sees what the users of her
//! subtree did.

use crate::auth::Authed;
use crate::error::{AppError, Page};
use crate::AppState;
use axum::extract::{Query, State};
use maud::html;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    entity: String,
    #[serde(default)]
    actor: String,
}

pub async fn list(State(st): State<AppState>, who: Authed, Query(q): Query<AuditQuery>) -> Page {
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
    let body = html! {
        h1 { "Nhật ký thay đổi" }
        form.stack method="get" action="/audit" {
            label for="entity" { "Loại dữ liệu (households, members, supports…)" } input id="entity" name="entity" value=(entity);
            label for="actor" { "Người thực hiện" } input id="actor" name="actor" value=(actor);
            p { button type="submit" { "Lọc" } }
        }
        div.scroll { table {
            tr { th { "Lúc" } th { "Ai" } th { "Việc" } th { "Dữ liệu" } th { "Cũ → mới" } th { "Lý do" } }
            @for a in &rows {
                tr { td { (crate::vietnam_time(&a.at)) } td { (a.actor) } td { (a.action) } td { (a.entity) " " (a.key) }
                     td { (a.old.clone().unwrap_or_default()) " → " (a.new.clone().unwrap_or_default()) }
                     td { (a.reason.clone().unwrap_or_default()) } }
            }
        } }
    };
    Ok(who.page("Nhật ký", body))
}
