//! Users: an administrator manages everyone, a unit manager the users below her.

use crate::auth::{self, Authed};
use crate::error::{AppError, Page, Reply};
use crate::html::csrf;
use crate::sheet::Sheet;
use crate::AppState;
use axum::extract::{Form, Query, State};
use axum::response::IntoResponse;
use domain::access::Role;
use maud::html;
use serde::Deserialize;

/// The users as a list: on the page with what she may do to each, or to download.
fn users_sheet(who: &Authed, users: &[Listed], exporting: bool) -> Sheet {
    let mut sheet = Sheet::new(
        "Nguoi dung",
        &["Tên đăng nhập", "Họ tên", "Vai trò", "Đơn vị", "Trạng thái"],
    );
    for Listed {
        user: u,
        unit,
        manageable,
    } in users
    {
        let cells = vec![
            u.username.as_str().into(),
            u.full_name.as_str().into(),
            u.role.label_vi().into(),
            unit.as_str().into(),
            (if u.active {
                "hoạt động"
            } else {
                "đã khóa"
            })
            .into(),
        ];
        if exporting || u.id == who.user.id || !who.user.role.may_grant(u.role) || !manageable {
            sheet.push(cells);
            continue;
        }
        let actions = html! {
            form.inline method="post" action="/users/active" novalidate {
                (csrf(who))
                input type="hidden" name="id" value=(u.id);
                input type="hidden" name="active" value=(if u.active { "0" } else { "1" });
                button.secondary type="submit" style="padding:.1rem .5rem" { (if u.active { "Khóa" } else { "Mở khóa" }) }
            }
            " "
            form.inline method="post" action="/users/reset" novalidate {
                (csrf(who))
                input type="hidden" name="id" value=(u.id);
                button.secondary type="submit" style="padding:.1rem .5rem" { "Đặt lại mật khẩu" }
            }
        };
        sheet.push_with(cells, actions);
    }
    sheet
}

/// A user on the list: her unit as a person reads it, and whether the manager may
/// manage her (`Access::manages_users_of`).
struct Listed {
    user: store::accounts::User,
    unit: String,
    manageable: bool,
}

/// The users of the units she may read; she manages those of the units strictly below
/// hers.
async fn users_of(st: &AppState, who: &Authed) -> Result<Vec<Listed>, AppError> {
    if !who.user.role.manages_users() {
        return Err(AppError::Forbidden);
    }
    st.scoped(who, move |db, acc| {
        let today = acc.today;
        Ok(store::accounts::list(db)?
            .into_iter()
            .filter(|u| acc.can_read_code(&u.unit_code, today))
            .map(|u| Listed {
                unit: crate::view::unit_name(acc, None, &u.unit_code),
                manageable: acc.manages_users_of(&u.unit_code),
                user: u,
            })
            .collect::<Vec<_>>())
    })
    .await
}

/// The users page: `message` says how the last step went; `kept` is the new user's form
/// as sent, shown again after a refusal (never its password).
async fn render(
    st: &AppState,
    who: &Authed,
    message: Option<(bool, String)>,
    kept: Option<&NewUserForm>,
) -> Page {
    let users = users_of(st, who).await?;
    let sheet = users_sheet(who, &users, false);
    let body = html! {
        h1 { "Người dùng" }
        @if let Some((ok, m)) = &message { p class=(if *ok { "notice" } else { "alert" }) { (m) } }
        p { a href="/users?format=xlsx" { "Tải Excel" } }
        (sheet.table())
        h2 { "Thêm người dùng" }
        form.stack.card method="post" action="/users" novalidate {
            (csrf(who))
            label for="username" { "Tên đăng nhập" } input id="username" name="username" value=(kept.map_or("", |k| &k.username));
            label for="full_name" { "Họ tên" } input id="full_name" name="full_name" value=(kept.map_or("", |k| &k.full_name));
            label for="role" { "Vai trò" }
            // The least role first chosen: a user gets more only when someone says so.
            @let chosen = kept.map_or(Role::Viewer.as_str(), |k| k.role.as_str());
            select id="role" name="role" { @for r in Role::ALL { @if who.user.role.may_grant(r) { option value=(r.as_str()) selected[r.as_str() == chosen] { (r.label_vi()) } } } }
            label for="unit_code" { "Mã đơn vị" } input id="unit_code" name="unit_code" value=(kept.map_or("", |k| &k.unit_code));
            label for="password" { "Mật khẩu ban đầu (ít nhất 10 ký tự; người dùng phải đổi khi đăng nhập)" } input id="password" name="password" type="password";
            p { button type="submit" { "Thêm" } }
        }
    };
    Ok(who.page("Người dùng", body))
}

#[derive(Deserialize)]
pub struct ListQuery {
    format: Option<String>,
}

pub async fn list(State(st): State<AppState>, who: Authed, Query(q): Query<ListQuery>) -> Reply {
    if q.format.as_deref() == Some("xlsx") {
        let users = users_of(&st, &who).await?;
        return users_sheet(&who, &users, true).download("nguoi-dung");
    }
    Ok(render(&st, &who, None, None).await?.into_response())
}

#[derive(Deserialize, Clone)]
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
        return render(
            &st,
            &who,
            Some((false, "Vai trò không hợp lệ.".into())),
            Some(&f),
        )
        .await;
    };
    if let Err(e) = auth::check_new_password(&f.password) {
        return render(&st, &who, Some((false, e)), Some(&f)).await;
    }
    let username = f.username.trim().to_owned();
    if username.is_empty() || username.contains(char::is_whitespace) {
        let refusal = "Tên đăng nhập không được trống hay có khoảng trắng.";
        return render(&st, &who, Some((false, refusal.into())), Some(&f)).await;
    }
    // Hashed under the same bound as sign-ins (`auth::hashing`).
    let password = f.password.clone();
    let hash = auth::hashing(move || auth::hash_password(&password))
        .await
        .map_err(|_| AppError::Unavailable("Hệ thống đang bận; hãy thử lại sau ít giây.".into()))?;
    let w = who.clone();
    let sent = NewUserForm {
        password: String::new(),
        ..f.clone()
    };
    let message = st
        .scoped(&who, move |db, acc| {
            if !acc.is_admin() && !acc.can_write_code(&f.unit_code, acc.today) {
                return Ok((
                    false,
                    format!(
                        "Đơn vị {} không thuộc phạm vi của bạn hoặc không tồn tại.",
                        f.unit_code
                    ),
                ));
            }
            if !acc.manages_users_of(&f.unit_code) {
                return Ok((
                    false,
                    "Bạn chỉ thêm được người dùng cho các đơn vị cấp dưới; người dùng của đơn vị mình do cấp trên hoặc quản trị hệ thống thêm.".into(),
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
    let kept = (!message.0).then_some(&sent);
    render(&st, &who, Some(message), kept).await
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    _csrf: String,
    id: i64,
    active: String,
}

/// A step a manager takes on a user below her (never herself): `step` does it inside a
/// transaction and says what was done; the page shows it.
async fn on_user_below(
    st: &AppState,
    who: &Authed,
    id: i64,
    step: impl FnOnce(&mut store::Db, &store::accounts::User, &str) -> Result<String, AppError>
        + Send
        + 'static,
) -> Page {
    if !who.user.role.manages_users() || id == who.user.id {
        return Err(AppError::Forbidden);
    }
    let w = who.clone();
    let said = st
        .scoped(who, move |db, acc| {
            let target = store::accounts::by_id(db, id)?.ok_or(AppError::NotFound)?;
            if !w.user.role.may_grant(target.role) || !acc.manages_users_of(&target.unit_code) {
                return Err(AppError::Forbidden);
            }
            step(db, &target, &w.actor())
        })
        .await?;
    render(st, who, Some((true, said)), None).await
}

/// Locks or unlocks a user below the manager (a locked user's sessions end at once).
pub async fn set_active(
    State(st): State<AppState>,
    who: Authed,
    Form(f): Form<ActiveForm>,
) -> Page {
    let active = f.active == "1";
    on_user_below(&st, &who, f.id, move |db, target, actor| {
        db.transaction(|tx| store::accounts::set_active(tx, target.id, active, actor))?;
        let done = if active { "mở khóa" } else { "khóa" };
        Ok(format!("{} đã được {done}.", target.username))
    })
    .await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    _csrf: String,
    id: i64,
}

/// A manager gives a user below her a new one-time password (shown to her once): the
/// user's sessions end, and she must change it at her next sign-in.
pub async fn reset_password(
    State(st): State<AppState>,
    who: Authed,
    Form(f): Form<ResetForm>,
) -> Page {
    let password = auth::random_token()[..16].to_owned();
    let p = password.clone();
    let hash = auth::hashing(move || auth::hash_password(&p))
        .await
        .map_err(|_| AppError::Unavailable("Hệ thống đang bận; hãy thử lại sau ít giây.".into()))?;
    on_user_below(&st, &who, f.id, move |db, target, actor| {
        db.transaction(|tx| {
            store::accounts::set_password(tx, target.id, &hash, true, actor)?;
            store::accounts::sessions_end_for_user(tx, target.id, None)
        })?;
        Ok(format!(
            "Mật khẩu dùng một lần của {}: {password} — hãy báo riêng cho người dùng; họ phải đổi khi đăng nhập.",
            target.username
        ))
    })
    .await
}
