//! A household's own history, for the officers who keep it: who changed which of its
//! records, what and why, in words (the audit log's entries about it), and its records
//! deleted, each restorable from its tombstone through the importer (her rights, the
//! locked periods, the audit), once.

use super::audit::{action_vi, entity_vi, Names};
use super::forms::{import_row, How};
use super::saved::Saved;
use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::html::{csrf, household_path};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{html, Markup};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// Entries of the history a household page shows (the audit page has the rest).
const SHOWN: i64 = 50;

/// The history part of the household page: its changes, and its deleted records with a
/// form each to restore it when she may write the household.
pub(super) fn section(
    db: &mut store::Db,
    acc: &store::access::Access,
    h: &store::households::Household,
    writable: Option<&Authed>,
) -> Result<Markup, AppError> {
    let changes = store::audit::of_household(db, &h.code, SHOWN)?;
    let deleted: Vec<_> = store::audit::tombstones_of_household(db, &h.code, SHOWN)?
        .into_iter()
        .filter(|t| t.restored_at.is_none())
        .collect();
    let names = Names::load(db, acc)?;
    Ok(html! {
        h2 #lich-su { "Lịch sử thay đổi" }
        @if changes.is_empty() { p.muted { "Chưa có thay đổi nào được ghi từ biểu mẫu (dữ liệu nhập bằng tệp lớn được ghi theo từng lần nhập, ở trang Nhật ký)." } }
        (changes_list(&names, &changes))
        @if !deleted.is_empty() {
            h3 { "Bản ghi đã xóa" }
            @for t in &deleted {
                @let (key, what) = names.described(&as_entry(t));
                div.card {
                    p { strong { (entity_vi(&t.entity)) } @if !key.is_empty() { " (" (key) ")" } " — xóa lúc " (crate::vietnam_time(&t.deleted_at)) " bởi " (names.actor(&t.deleted_by)) ". Lý do: " (t.reason) }
                    p.muted { (what) }
                    @if let Some(who) = writable {
                        form.stack method="post" action={(household_path(&h.code)) "/restore"} novalidate {
                            (csrf(who))
                            input type="hidden" name="id" value=(t.id);
                            label for={"restore-" (t.id)} { "Lý do khôi phục *" }
                            input id={"restore-" (t.id)} name="reason" type="text";
                            p { button.secondary type="submit" { "Khôi phục" } }
                        }
                    }
                }
            }
        }
    })
}

/// A record's own changes, in words: who, when, what, why (on its correction form).
pub(super) fn of_record(
    db: &mut store::Db,
    acc: &store::access::Access,
    entity: &str,
    key: &str,
) -> Result<Markup, AppError> {
    let changes = store::audit::of_record(db, entity, key, SHOWN)?;
    let names = Names::load(db, acc)?;
    Ok(changes_list(&names, &changes))
}

/// Changes as a list a person reads.
fn changes_list(names: &Names<'_>, changes: &[store::audit::AuditRow]) -> Markup {
    html! {
        ul.history { @for a in changes {
            @let (key, what) = names.described(a);
            li { span.muted { (crate::vietnam_time(&a.at)) } " · " strong { (names.actor(&a.actor)) } " · "
                (action_vi(&a.action)) " " (entity_vi(&a.entity).to_lowercase())
                @if !key.is_empty() { " (" (key) ")" }
                @if !what.is_empty() { br; span { (what) } }
                @if let Some(r) = a.reason.as_deref().filter(|r| !r.is_empty()) { br; em { "Lý do: " (r) } } }
        } }
    }
}

/// A tombstone read as the audit entry of its deletion (its key and its last content).
fn as_entry(t: &store::audit::Tombstone) -> store::audit::AuditRow {
    store::audit::AuditRow {
        at: t.deleted_at.clone(),
        actor: t.deleted_by.clone(),
        action: "delete".into(),
        entity: t.entity.clone(),
        key: t.key.clone(),
        old: Some(t.content.clone()),
        new: None,
        reason: Some(t.reason.clone()),
    }
}

/// A stored JSON value as a file's cell holds it.
fn cell_text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        Json::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        other => other.to_string(),
    }
}

/// The row of the contract a tombstone held: (kind, header, cells), its `x_` columns
/// kept; an assessment whose class the standard computed is restored computed.
fn row_of(t: &store::audit::Tombstone) -> Option<(&'static str, Vec<String>, Vec<String>)> {
    let kind = importer::kinds::find(&t.entity).filter(|k| k.spec().deletable)?;
    let spec = kind.spec();
    let parse = |j: &str| serde_json::from_str::<Map<String, Json>>(j).ok();
    let (key, content) = (parse(&t.key)?, parse(&t.content)?);
    let computed = content.get("status_given").and_then(Json::as_i64) == Some(0);
    let mut header: Vec<String> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    for c in spec.cols {
        let v = key.get(c.name).or_else(|| content.get(c.name));
        header.push(c.name.to_owned());
        cells.push(match (c.name, v) {
            ("status", _) if computed => String::new(),
            (_, Some(v)) => cell_text(v),
            (_, None) => String::new(),
        });
    }
    if let Some(extra) = content.get("extra").and_then(Json::as_str).and_then(parse) {
        for (name, v) in extra {
            header.push(name);
            cells.push(cell_text(&v));
        }
    }
    Some((spec.kind, header, cells))
}

/// Restores a deleted record of household `code` from its tombstone, with a reason: a
/// new row through the importer (her rights, the locks), the tombstone marked restored
/// in the same transaction so that it is restored once.
pub async fn restore(
    State(st): State<AppState>,
    who: Authed,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Reply {
    who.must_write()?;
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let id: i64 = field("id")
        .parse()
        .map_err(|_| AppError::BadRequest("Không rõ bản ghi cần khôi phục.".into()))?;
    let reason = field("reason");
    let back = format!("{}#lich-su", household_path(&code));
    let c = code.clone();
    let (kind, header, cells) = st
        .scoped(&who, move |db, acc| {
            store::households::get_writable(db, acc, &c)?.ok_or(AppError::NotFound)?;
            let t = store::audit::tombstone(db, id)?
                .filter(|t| t.household_code.as_deref() == Some(c.as_str()))
                .ok_or(AppError::NotFound)?;
            if t.restored_at.is_some() {
                return Err(AppError::Conflict("Bản ghi này đã được khôi phục.".into()));
            }
            row_of(&t).ok_or(AppError::NotFound)
        })
        .await?;
    let errors = if reason.is_empty() {
        vec![super::forms::REASON_NEEDED.to_owned()]
    } else {
        let actor = who.actor();
        let guard: importer::Guard =
            Arc::new(
                move |db: &mut store::Db| match store::audit::mark_restored(db, id, &actor) {
                    Ok(true) => Ok(()),
                    _ => Err(importer::refusal::Refusal::ChangedMeanwhile),
                },
            );
        let how = How {
            guard: Some(guard),
            create_only: true,
            reason: Some(format!("Khôi phục bản ghi đã xóa: {reason}")),
        };
        match import_row(&st, &who, kind, (header, cells), how).await? {
            Ok(()) => return Ok(Redirect::to(&Saved::Restored.on(&back)).into_response()),
            Err(errors) => errors.into_values().collect(),
        }
    };
    let body = html! {
        h1 { "Chưa khôi phục được" }
        @for e in &errors { p.alert role="alert" { (e) } }
        p { a href=(back) { "← Về hộ " (code) } }
    };
    Ok(who.page("Khôi phục bản ghi", body).into_response())
}
