//! The tree of units on a date, and a unit's history through the 2025 reform.

use crate::auth::Authed;
use crate::error::{AppError, Page, Reply};
use crate::sheet::Sheet;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use domain::units::Via;
use maud::html;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct TreeQuery {
    root: Option<String>,
    date: Option<String>,
    /// `xlsx`: the whole subtree as a download.
    format: Option<String>,
}

/// The subtree of `root` on `date`, every unit under its parent, as a list.
fn subtree_sheet(
    graph: &domain::units::UnitGraph,
    root: domain::units::VersionIx,
    date: domain::Date,
) -> Sheet {
    let s = graph.structure_on(date);
    let mut sheet = Sheet::new(
        "Don vi",
        &["Mã", "Tên", "Cấp", "Đơn vị cấp trên", "Hiệu lực từ"],
    );
    for ix in s.subtree(root) {
        let v = graph.version(ix);
        let parent = graph
            .parent_on(ix, date)
            .map(|p| graph.version(p).code.clone())
            .unwrap_or_default();
        let from = if v.valid_from.is_open_start() {
            String::new()
        } else {
            v.valid_from.dmy()
        };
        sheet.push(vec![
            v.code.as_str().into(),
            v.name.as_str().into(),
            v.level.label_vi().into(),
            parent.into(),
            from.into(),
        ]);
    }
    sheet
}

pub async fn tree(State(st): State<AppState>, who: Authed, Query(q): Query<TreeQuery>) -> Reply {
    if q.format.as_deref() == Some("xlsx") {
        let _heavy = st.heavy(&who).await?;
        let sheet = st
            .scoped(&who, move |_db, acc| {
                let date = q
                    .date
                    .as_deref()
                    .and_then(|d| domain::Date::parse(d).ok())
                    .unwrap_or(acc.today);
                let root = q.root.clone().unwrap_or_else(|| acc.root_code());
                if !acc.can_read_code(&root, date) && !acc.is_admin() {
                    return Err(AppError::Forbidden);
                }
                let ix = acc
                    .graph
                    .version_on(&root, date)
                    .ok_or(AppError::NotFound)?;
                Ok(subtree_sheet(&acc.graph, ix, date))
            })
            .await?;
        return sheet.download("don-vi");
    }
    let body = st
        .scoped(&who, move |_db, acc| {
            let date = q.date.as_deref().and_then(|d| domain::Date::parse(d).ok()).unwrap_or(acc.today);
            let root = q.root.clone().unwrap_or_else(|| acc.root_code());
            if !acc.can_read_code(&root, date) && !(acc.is_admin()) {
                return Err(AppError::Forbidden);
            }
            let graph = acc.graph.clone();
            let s = graph.structure_on(date);
            let Some(r) = graph.version_on(&root, date) else {
                return Ok(html! { p.alert { "Đơn vị " (root) " không tồn tại ngày " (date.dmy()) "." } });
            };
            let v = graph.version(r);
            Ok(html! {
                h1 { (v.name) }
                p.muted { "Cơ cấu ngày " (date.dmy()) "." }
                form.inline method="get" action="/units" novalidate { input type="hidden" name="root" value=(root);
                    label for="date" { "Xem cơ cấu ngày" } " " (crate::html::date_input("date", "date", Some(date))) " " button type="submit" { "Xem" } }
                p { a href={"/units/" (v.code)} { "Lịch sử đơn vị qua các lần sắp xếp" } " · "
                    a href={"/units?format=xlsx&root=" (v.code) "&date=" (date.to_string())} { "Tải Excel toàn bộ đơn vị trực thuộc" } }
                ul {
                    @for &c in s.children(r) {
                        @let cv = graph.version(c);
                        li { a href={"/units?root=" (cv.code) "&date=" (date.to_string())} { (cv.code) " " (cv.name) }
                             " " span.muted { "(" (s.children(c).len()) ")" } }
                    }
                }
            })
        })
        .await?;
    Ok(who.page("Đơn vị", body).into_response())
}

pub async fn history(State(st): State<AppState>, who: Authed, Path(code): Path<String>) -> Page {
    let body = st
        .scoped(&who, move |_db, acc| {
            let graph = acc.graph.clone();
            let versions = graph.versions_of(&code);
            if versions.is_empty() {
                return Err(AppError::NotFound);
            }
            let span = |d: domain::Date| if d.is_open_start() || d.is_open_end() { "…".to_owned() } else { d.dmy() };
            Ok(html! {
                h1 { "Lịch sử đơn vị " (code) }
                @for &ix in versions {
                    @let v = graph.version(ix);
                    div.card {
                        strong { (v.name) } " (" (v.level.label_vi()) "), " (span(v.valid_from)) " – " (span(v.valid_to))
                        ul {
                            @for p in graph.predecessors(ix) { @if p.via == Via::Lineage {
                                li { "Nhận từ " (graph.version(p.ix).code) " " (graph.version(p.ix).name) " (" (p.effective.dmy()) ")" } } }
                            @for s in graph.successors(ix) {
                                li { (if s.via == Via::Continuation { "Tiếp tục là " } else { "Chuyển vào " }) a href={"/units/" (graph.version(s.ix).code)} { (graph.version(s.ix).code) " " (graph.version(s.ix).name) } }
                            }
                        }
                    }
                }
            })
        })
        .await?;
    Ok(who.page("Lịch sử đơn vị", body))
}
