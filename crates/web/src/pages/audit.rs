//! The audit log, newest first, filterable; a unit manager sees what the users of her
//! subtree did. Shown in Vietnamese: what was done, to which kind of record, and the
//! columns that changed by their names, old → new; downloadable as XLSX.

use crate::auth::Authed;
use crate::error::{AppError, Reply};
use crate::sheet::{Cell, Sheet};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use domain::contract::{column_label_vi, Ty};
use maud::html;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use store::Value;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    entity: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    format: String,
}

/// The filter's value for the access log (who was shown identifiers whole).
const VIEWS: &str = "views";

/// The kinds of record the log names, beside the file kinds (whose tables bear their
/// names).
const OTHER_ENTITIES: &[(&str, &str)] = &[
    ("users", "Người dùng"),
    ("period_reviews", "Duyệt kỳ"),
    ("poverty_standards", "Chuẩn nghèo"),
    ("breaches", "Sự cố dữ liệu cá nhân"),
    ("settings", "Thiết lập"),
];

pub(super) fn entity_vi(entity: &str) -> &str {
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
pub(super) fn action_vi(action: &str) -> String {
    let verb = match action {
        "insert" => "Thêm",
        "update" => "Sửa",
        "move" => "Chuyển đơn vị",
        "delete" => "Xóa",
        "import" => "Nhập tệp",
        "password" => "Đổi mật khẩu",
        store::audit::VIEW_SENSITIVE => "Xem số CCCD, điện thoại",
        store::erasure::ERASE => "Xóa dữ liệu cá nhân",
        "step" => "Ghi bước xử lý",
        other => {
            return domain::review::ReviewState::parse(other).map_or_else(
                || other.to_owned(),
                |s| domain::vocab::capitalized(s.label_vi()),
            )
        }
    };
    verb.to_owned()
}

/// What an officer reads of the log: people by their names, units by theirs, each
/// column by its Vietnamese name and each value as the view layer shows it.
pub(super) struct Names<'a> {
    acc: &'a store::access::Access,
    /// user name → full name; user id → (user name, full name).
    by_username: HashMap<String, String>,
    by_id: HashMap<i64, (String, String)>,
    /// standard code → its name ("Nghị định 07/2021/NĐ-CP …").
    standards: HashMap<String, String>,
}

impl<'a> Names<'a> {
    /// The names the log's entries need: every user's, the standards'.
    pub(super) fn load(
        db: &mut store::Db,
        acc: &'a store::access::Access,
    ) -> Result<Names<'a>, store::StoreError> {
        let users = store::accounts::list(db)?;
        Ok(Names {
            acc,
            by_username: users
                .iter()
                .map(|u| (u.username.clone(), u.full_name.clone()))
                .collect(),
            by_id: users
                .iter()
                .map(|u| (u.id, (u.username.clone(), u.full_name.clone())))
                .collect(),
            standards: store::standards::load_all(db)?
                .into_iter()
                .map(|s| (s.code, s.name))
                .collect(),
        })
    }

    /// Who did it: a person by her full name (and user name), the command line as
    /// "Hệ thống".
    pub(super) fn actor(&self, actor: &str) -> String {
        match actor.strip_prefix("user:") {
            Some(name) => match self.by_username.get(name) {
                Some(full) => format!("{full} ({name})"),
                None => name.to_owned(),
            },
            None if actor == "system" => "Hệ thống".to_owned(),
            None => actor.to_owned(),
        }
    }

    /// A field of an entry about `entity` as a person reads it: (its name, its value), or
    /// `None` for what a person never reads (the columns the importer derives, a unit
    /// version's id, a standard's table of indicators).
    fn field(&self, entity: &str, col: &str, v: &serde_json::Value) -> Option<(String, String)> {
        let stored = match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Int(i64::from(*b)),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map_or_else(|| Value::Text(n.to_string()), Value::Int),
            serde_json::Value::String(s) => Value::Text(s.clone()),
            _ => return None,
        };
        let text = crate::view::raw_text(&stored);
        if col == "unit_code" {
            return Some((
                "Đơn vị".into(),
                crate::view::unit_name(self.acc, None, &text),
            ));
        }
        if col == "surface" {
            return Some(("Nơi xem".into(), text));
        }
        if let Some(spec) = domain::contract::ALL.iter().find(|s| s.kind == entity) {
            let c = spec.cols.iter().find(|c| c.name == col)?;
            let shown = if store::disclosure::is_identifier(c.ty) && !text.is_empty() {
                domain::ids::masked(&text)
            } else {
                crate::view::cell(c.ty, &stored).text
            };
            return Some((column_label_vi(col).to_owned(), shown));
        }
        let yes_no = |t: &str| if t == "1" { "Có" } else { "Không" }.to_owned();
        let day = |t: &str| domain::date::dmy_text(t);
        Some(match (entity, col) {
            ("users", "id") => {
                let (user, full) = self.by_id.get(&stored.as_int()?)?;
                ("Người dùng".into(), format!("{full} ({user})"))
            }
            ("users", "username") => ("Tên đăng nhập".into(), text),
            ("users", "full_name") => ("Họ tên".into(), text),
            ("users", "role") => (
                "Vai trò".into(),
                domain::access::Role::parse(&text).map_or(text, |r| r.label_vi().to_owned()),
            ),
            ("users", "active") => ("Đang hoạt động".into(), yes_no(&text)),
            ("period_reviews", "from") => ("Từ ngày".into(), day(&text)),
            ("period_reviews", "to") => ("Đến ngày".into(), day(&text)),
            ("poverty_standards", "code") => (
                "Chuẩn nghèo".into(),
                self.standards.get(&text).cloned().unwrap_or(text),
            ),
            ("poverty_standards", "name") => ("Tên".into(), text),
            ("poverty_standards", "valid_from") => ("Hiệu lực từ".into(), day(&text)),
            ("poverty_standards", "valid_to") => ("Hiệu lực đến".into(), day(&text)),
            ("poverty_standards", "poverty_line_rural") => (
                "Chuẩn nghèo nông thôn (đồng)".into(),
                crate::view::cell(Ty::Money, &stored).text,
            ),
            ("poverty_standards", "poverty_line_urban") => (
                "Chuẩn nghèo thành thị (đồng)".into(),
                crate::view::cell(Ty::Money, &stored).text,
            ),
            _ => return None,
        })
    }

    /// A JSON object's fields as a person reads them.
    fn fields(&self, entity: &str, json: Option<&str>) -> Vec<(String, String)> {
        let Some(serde_json::Value::Object(map)) = json.and_then(|j| serde_json::from_str(j).ok())
        else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, v)| self.field(entity, k, v))
            .collect()
    }

    /// The record's key and what changed, each column by its Vietnamese name: old → new
    /// for a change, the values for an addition or a deletion.
    pub(super) fn described(&self, a: &store::audit::AuditRow) -> (String, String) {
        let key: Vec<String> = self
            .fields(&a.entity, Some(&a.key))
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        let (old, new) = (
            self.fields(&a.entity, a.old.as_deref()),
            self.fields(&a.entity, a.new.as_deref()),
        );
        let what: Vec<String> = if old.is_empty() || new.is_empty() {
            old.iter()
                .chain(&new)
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}: {v}"))
                .collect()
        } else {
            new.iter()
                .filter_map(|(k, v)| {
                    let before = old.iter().find(|(o, _)| o == k).map_or("", |(_, w)| w);
                    (before != v).then(|| format!("{k}: {before} → {v}"))
                })
                .collect()
        };
        (key.join(" / "), what.join("; "))
    }
}

pub async fn list(State(st): State<AppState>, who: Authed, Query(q): Query<AuditQuery>) -> Reply {
    if !who.user.role.manages_users() {
        return Err(AppError::Forbidden);
    }
    let w = who.clone();
    let (entity, actor) = (q.entity.clone(), q.actor.clone());
    let sheet = st
        .run(move |db| {
            let acc = w.access(db)?;
            let users = store::accounts::list(db)?;
            let mine: HashSet<String> = users
                .iter()
                .filter(|u| acc.is_admin() || acc.can_read_code(&u.unit_code, acc.today))
                .map(|u| format!("user:{}", u.username))
                .collect();
            let showing = match q.entity.as_str() {
                "" => store::audit::Showing::Changes(None),
                VIEWS => store::audit::Showing::Views,
                entity => store::audit::Showing::Changes(Some(entity)),
            };
            let rows: Vec<store::audit::AuditRow> = store::audit::recent_of(db, &showing, 2000)?
                .into_iter()
                .filter(|a| acc.is_admin() || mine.contains(&a.actor))
                .filter(|a| q.actor.is_empty() || a.actor.contains(&q.actor))
                .take(300)
                .collect();
            let names = Names::load(db, &acc)?;
            let mut sheet = Sheet::new(
                "Nhat ky",
                &["Lúc", "Ai", "Việc", "Dữ liệu", "Mã", "Thay đổi", "Lý do"],
            );
            for a in &rows {
                let (key, what) = names.described(a);
                sheet.push(vec![
                    crate::vietnam_moment(&a.at).map_or_else(
                        || Cell::from(a.at.clone()),
                        |(d, h, m)| Cell::moment(d, h, m),
                    ),
                    names.actor(&a.actor).into(),
                    action_vi(&a.action).into(),
                    entity_vi(&a.entity).into(),
                    key.into(),
                    what.into(),
                    Cell::from(a.reason.clone().unwrap_or_default()),
                ]);
            }
            Ok(sheet)
        })
        .await?;
    if q.format == "xlsx" {
        return sheet.download("nhat-ky");
    }
    let entities: Vec<(&str, &str)> = domain::contract::ALL
        .iter()
        .map(|s| (s.kind, s.label_vi))
        .chain(OTHER_ENTITIES.iter().copied())
        .chain([(VIEWS, "Lượt xem số CCCD, điện thoại (nhật ký truy cập)")])
        .collect();
    let download = serde_urlencoded::to_string([
        ("format", "xlsx"),
        ("entity", entity.as_str()),
        ("actor", actor.as_str()),
    ])
    .unwrap_or_default();
    let body = html! {
        h1 { "Nhật ký thay đổi" }
        form.stack method="get" action="/audit" novalidate {
            label for="entity" { "Loại dữ liệu" }
            select id="entity" name="entity" {
                option value="" selected[entity.is_empty()] { "Tất cả" }
                @for (code, label) in &entities { option value=(code) selected[*code == entity] { (label) } }
            }
            label for="actor" { "Người thực hiện (tên đăng nhập)" } input id="actor" name="actor" value=(actor);
            p { button type="submit" { "Lọc" } }
        }
        p { (sheet.rows.len()) " mục gần nhất. "
            a href={"/audit?" (download)} { "Tải Excel" } }
        (sheet.table())
    };
    Ok(who.page("Nhật ký", body).into_response())
}
