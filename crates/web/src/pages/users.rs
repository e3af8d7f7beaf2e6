//! Users: an administrator manages everyone, a unit manager the users below her.

use crate::auth::{self, Authed};
use crate::error::{AppError, Page};
use crate::html::csrf;
use crate::AppState;
use axum::extract::{Form, State};
use domain::access::Role;
use maud::html;
use serde::Deserialize;

async fn render(st: &AppState, who: &Authed, message: Option<(bool, String)>) -> Page {
    if !who.user.role.manages_users() {
        return Err(AppError::Forbidden);
    }
    let users = st
        .scoped(who, move |db, acc| {
            let today = acc.today;
            Ok(store::accounts::list(db)?
                .into_iter()
                .filter(|u| acc.can_read_code(&u.unit_code, today))
                .collect::<Vec<_>>())
        })
        .await?;
    let body = html! {
        h1 { "Người dùng" }
        @if let Some((ok, m)) = &message { p class=(if *ok { "notice" } else { "alert" }) { (m) } }
        div.scroll { table {
            tr { th { "Tên đăng nhập" } th { "Họ tên" } th { "Vai trò" } th { "Đơn vị" } th { "Trạng thái" } }
            @for u in &users {
                tr { td { (u.username) } td { (u.full_name) } td { (u.role.label_vi()) } td { (u.unit_code) }
                     td {
                        (if u.active { "hoạt động" } else { "đã khóa" })
                        @if u.id != who.user.id && who.user.role.may_grant(u.role) {
                            form.inline method="post" action="/users/active" {
                                (csrf(who))
                                input type="hidden" name="id" value=(u.id);
                                input type="hidden" name="active" value=(if u.active { "0" } else { "1" });
                                " " button.secondary type="submit" style="padding:.1rem .5rem" { (if u.active { "Khóa" } else { "Mở khóa" }) }
                            }
                        }
                     } }
            }
        } }
        h2 { "Thêm người dùng" }
        form.stack.card method="post" action="/users" {
            (csrf(who))
            label for="username" { "Tên đăng nhập" } input id="username" name="username";
            label for="full_name" { "Họ tên" } input id="full_name" name="full_name";
            label for="role" { "Vai trò" }
            select id="role" name="role" { @for r in Role::ALL { @if who.user.role.may_grant(r) { option value=(r.as_str()) { (r.label_vi()) } } } }
            label for="unit_code" { "Mã đơn vị" } input id="unit_code" name="unit_code";
            label for="password" { "Mật khẩu ban đầu (ít nhất 10 ký tự; người dùng phải đổi khi đăng nhập)" } input id="password" name="password" type="password";
            p { button type="submit" { "Thêm" } }
        }
    };
    Ok(who.page("Người dùng", body))
}

pub async fn list(State(st): State<AppState>, who: Authed) -> Page {
    render(&st, &who, None).await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    _csrf: String,
    username: String,
    full_name: String,
    role: String,
    unit_code: String,
    password: String,
}

pub async fn create(State(st): State<AppState>, who: Authed, Form(f): Form<NewUserForm>) -> Page {
    if !who.user.role.manages_users() {
        return Err(AppError::Forbidden);
    }
    let Some(role) = Role::parse(&f.role).filter(|r| who.user.role.may_grant(*r)) else {
        return render(&st, &who, Some((false, "Vai trò không hợp lệ.".into()))).await;
    };
    if let Err(e) = auth::check_new_password(&f.password) {
        return render(&st, &who, Some((false, e))).await;
    }
    let username = f.username.trim().to_owned();
    if username.is_empty() || username.contains(char::is_whitespace) {
        return render(
            &st,
            &who,
            Some((
                false,
                "Tên đăng nhập không được trống hay có khoảng trắng.".into(),
            )),
        )
        .await;
    }
    // Hashed under the same bound as sign-ins (`auth::hashing`).
    let password = f.password.clone();
    let hash = auth::hashing(move || auth::hash_password(&password))
        .await
        .map_err(|_| AppError::Unavailable("Hệ thống đang bận; hãy thử lại sau ít giây.".into()))?;
    let w = who.clone();
    let message = st
        .scoped(&who, move |db, acc| {
            if !acc.can_read_code(&f.unit_code, acc.today)
                || (!acc.is_admin() && !acc.can_write_code(&f.unit_code, acc.today))
            {
                return Ok((
                    false,
                    format!(
                        "Đơn vị {} không thuộc phạm vi của bạn hoặc không tồn tại.",
                        f.unit_code
                    ),
                ));
            }
            if store::accounts::by_username(db, &username)?.is_some() {
                return Ok((false, format!("Tên đăng nhập {username} đã có.")));
            }
            db.transaction(|tx| {
                store::accounts::create(
                    tx,
                    &store::accounts::NewUser {
                        username: &username,
                        full_name: f.full_name.trim(),
                        password_hash: &hash,
                        role,
                        unit_code: &f.unit_code,
                        must_change_password: true,
                    },
                    &w.actor(),
                )
            })?;
            Ok((true, format!("Đã thêm {username}.")))
        })
        .await?;
    render(&st, &who, Some(message)).await
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    _csrf: String,
    id: i64,
    active: String,
}

/// Locks or unlocks a user below the manager (a locked user's sessions end at once).
pub async fn set_active(
    State(st): State<AppState>,
    who: Authed,
    Form(f): Form<ActiveForm>,
) -> Page {
    if !who.user.role.manages_users() || f.id == who.user.id {
        return Err(AppError::Forbidden);
    }
    let w = who.clone();
    let message = st
        .scoped(&who, move |db, acc| {
            let target = store::accounts::by_id(db, f.id)?.ok_or(AppError::NotFound)?;
            if !w.user.role.may_grant(target.role)
                || !acc.can_read_code(&target.unit_code, acc.today)
            {
                return Err(AppError::Forbidden);
            }
            let active = f.active == "1";
            db.transaction(|tx| store::accounts::set_active(tx, target.id, active, &w.actor()))?;
            Ok((
                true,
                format!(
                    "{} đã được {}.",
                    target.username,
                    if active { "mở khóa" } else { "khóa" }
                ),
            ))
        })
        .await?;
    render(&st, &who, Some(message)).await
}
