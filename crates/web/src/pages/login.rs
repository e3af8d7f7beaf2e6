//! Signing in and out, and changing one's password.

use crate::auth::{self, Authed, LOGIN_COOKIE, SESSION_COOKIE, SESSION_SECONDS};
use crate::error::AppError;
use crate::html::{bare, csrf, field};
use crate::AppState;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

fn login_page(token: &str, username: &str, error: Option<&str>) -> Response {
    let body = html! {
        h1 { "Đăng nhập" }
        p.muted { "Hệ thống quản lý hỗ trợ phụ nữ giảm nghèo của Hội LHPN Việt Nam." }
        @if let Some(e) = error { p.alert { (e) } }
        form.stack.card method="post" action="/login" {
            input type="hidden" name="_login" value=(token);
            (field("Tên đăng nhập", "username", username, "text", None))
            (field("Mật khẩu", "password", "", "password", None))
            p { button type="submit" { "Đăng nhập" } }
        }
    };
    (
        [(
            header::SET_COOKIE,
            auth::set_cookie(LOGIN_COOKIE, token, 3600),
        )],
        bare("Đăng nhập", body),
    )
        .into_response()
}

pub async fn form() -> Response {
    login_page(&auth::random_token(), "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    _login: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    // The login form is protected by a double-submit token: a cross-site page cannot
    // read the cookie to copy it into the form.
    if auth::cookie(&headers, LOGIN_COOKIE).as_deref() != Some(f._login.as_str())
        || f._login.is_empty()
    {
        return Ok(login_page(
            &auth::random_token(),
            &f.username,
            Some("Phiên đăng nhập đã hết hạn; hãy thử lại."),
        ));
    }
    let username = f.username.trim().to_owned();
    let password = f.password.clone();
    let outcome = st
        .run(move |db| {
            let since = store::utc_in(-auth::FAILURE_WINDOW_SECONDS);
            if store::accounts::failures_since(db, &username, &since)? >= auth::MAX_FAILURES {
                return Ok(Err("Đăng nhập sai quá nhiều lần. Hãy đợi 15 phút rồi thử lại."));
            }
            let found = store::accounts::by_username(db, &username)?;
            let ok = match &found {
                Some((u, hash)) => u.active && auth::verify_password(&password, hash),
                None => {
                    // Spend the same time as a real check, so that timing does not tell
                    // which usernames exist.
                    auth::verify_password(&password, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$0000000000000000000000000000000000000000000");
                    false
                }
            };
            if !ok {
                store::accounts::record_failure(db, &username)?;
                return Ok(Err("Tên đăng nhập hoặc mật khẩu không đúng."));
            }
            let (user, _) = found.expect("checked above");
            store::accounts::clear_failures(db, &username)?;
            store::accounts::sessions_delete_expired(db, &store::now_utc())?;
            // A fresh session id at every login: a planted session id is never adopted.
            let token = auth::random_token();
            store::accounts::session_create(db, &auth::token_hash(&token), user.id, &auth::random_token(), &store::utc_in(SESSION_SECONDS))?;
            Ok(Ok((token, user.must_change_password)))
        })
        .await?;
    match outcome {
        Err(msg) => Ok(login_page(&auth::random_token(), &f.username, Some(msg))),
        Ok((token, must_change)) => Ok((
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    auth::set_cookie(SESSION_COOKIE, &token, SESSION_SECONDS),
                ),
                (
                    header::LOCATION,
                    if must_change {
                        "/password".to_owned()
                    } else {
                        "/".to_owned()
                    },
                ),
            ],
        )
            .into_response()),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    _csrf: String,
}

pub async fn logout(
    State(st): State<AppState>,
    who: Authed,
    Form(f): Form<CsrfForm>,
) -> Result<Response, AppError> {
    who.check_csrf(&f._csrf)?;
    let h = who.token_hash.clone();
    st.run(move |db| Ok(store::accounts::session_delete(db, &h)?))
        .await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, auth::set_cookie(SESSION_COOKIE, "", 0)),
            (header::LOCATION, "/login".to_owned()),
        ],
    )
        .into_response())
}

fn password_page(who: &Authed, error: Option<&str>, done: bool) -> Response {
    let body = html! {
        h1 { "Đổi mật khẩu" }
        @if who.user.must_change_password && !done { p.notice { "Đây là lần đăng nhập đầu: hãy đặt mật khẩu của riêng bạn." } }
        @if done { p.notice { "Đã đổi mật khẩu." } }
        @if let Some(e) = error { p.alert { (e) } }
        form.stack.card method="post" action="/password" {
            (csrf(who))
            (field("Mật khẩu hiện tại", "current", "", "password", None))
            (field("Mật khẩu mới (ít nhất 10 ký tự)", "new", "", "password", None))
            (field("Nhập lại mật khẩu mới", "confirm", "", "password", None))
            p { button type="submit" { "Đổi mật khẩu" } }
        }
    };
    who.page("Đổi mật khẩu", body).into_response()
}

pub async fn password_form(who: Authed) -> Response {
    password_page(&who, None, false)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn password_submit(
    State(st): State<AppState>,
    who: Authed,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    who.check_csrf(&f._csrf)?;
    if f.new != f.confirm {
        return Ok(password_page(
            &who,
            Some("Hai lần nhập mật khẩu mới không giống nhau."),
            false,
        ));
    }
    if let Err(e) = auth::check_new_password(&f.new) {
        return Ok(password_page(&who, Some(&e), false));
    }
    let (id, actor) = (who.user.id, who.actor());
    let ok = st
        .run(move |db| {
            let hash = store::accounts::password_hash(db, id)?.unwrap_or_default();
            if !auth::verify_password(&f.current, &hash) {
                return Ok(false);
            }
            db.transaction(|tx| {
                store::accounts::set_password(tx, id, &auth::hash_password(&f.new), false, &actor)
            })?;
            Ok(true)
        })
        .await?;
    if !ok {
        return Ok(password_page(
            &who,
            Some("Mật khẩu hiện tại không đúng."),
            false,
        ));
    }
    let mut who = who;
    who.user.must_change_password = false;
    Ok(password_page(&who, None, true))
}
