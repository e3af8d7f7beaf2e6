//! Signing in and out, and changing one's password.

use crate::auth::{self, Authed, SignedIn, LOGIN_COOKIE, SESSION_COOKIE, SESSION_SECONDS};
use crate::error::{AppError, Reply};
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
        form.stack.card method="post" action="/login" novalidate {
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

pub async fn form(State(st): State<AppState>) -> Reply {
    Ok(login_page(
        &auth::login_token(&st.login_key().await?),
        "",
        None,
    ))
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

/// The client's address: the connection's, or, when the connection comes from a reverse
/// proxy on this machine (deploy/nginx.conf), the address the proxy puts in
/// `X-Forwarded-For` (the last one: the one the proxy itself saw). Without this every
/// officer behind the proxy would share one address and one limit.
fn client_of(extensions: &axum::http::Extensions, headers: &HeaderMap) -> String {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
    match (peer, forwarded) {
        (Some(p), Some(f)) if p.is_loopback() => f.to_string(),
        (Some(p), _) => p.to_string(),
        (None, _) => "unknown".to_owned(),
    }
}

const TOO_MANY: &str = "Đăng nhập sai quá nhiều lần. Hãy đợi 15 phút rồi thử lại.";
const TOO_MANY_GUESSES: &str =
    "Nhập sai mật khẩu hiện tại quá nhiều lần. Hãy đợi 15 phút rồi thử lại.";
const WRONG: &str = "Tên đăng nhập hoặc mật khẩu không đúng.";
const BUSY: &str = "Hệ thống đang bận xử lý nhiều lượt đăng nhập; hãy thử lại sau ít giây.";

pub async fn submit(
    State(st): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(f): Form<LoginForm>,
) -> Reply {
    let key = st.login_key().await?;
    let again = |msg: &'static str| -> Reply {
        Ok(login_page(&auth::login_token(&key), &f.username, Some(msg)))
    };
    // The token must be one this server issued (a bot cannot make one up) and match the
    // form's cookie (a cross-site page cannot read it to copy it into the form).
    let cookie = auth::cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if !auth::login_token_valid(&key, &f._login) || !auth::same_token(&cookie, &f._login) {
        return again("Phiên đăng nhập đã hết hạn; hãy thử lại.");
    }
    let username = f.username.trim().to_owned();
    let client = client_of(&extensions, &headers);
    // Counted before the password is checked, so parallel guesses cannot slip past.
    let (u, c) = (username.to_lowercase(), client.clone());
    let attempts = st
        .run(move |db| {
            let since = store::utc_in(-auth::ATTEMPT_WINDOW_SECONDS);
            Ok(store::accounts::record_attempt(db, &u, &c, &since)?)
        })
        .await?;
    // A device she signed in from before (its cookie is signed for her name) is held
    // only to the per-address limit of her name: a stranger's guesses from elsewhere
    // cannot lock her out of her own phone.
    let known = auth::cookie(&headers, auth::DEVICE_COOKIE)
        .is_some_and(|c| auth::same_token(&c, &auth::device_token(&key, &username)));
    if attempts.pair > auth::MAX_ATTEMPTS_PAIR
        || (!known
            && (attempts.client > auth::MAX_ATTEMPTS_CLIENT
                || attempts.user > auth::MAX_ATTEMPTS_USER))
    {
        tracing::warn!(client = %client, "sign-in throttled");
        return again(TOO_MANY);
    }
    let name = username.clone();
    let found = st
        .run(move |db| Ok(store::accounts::by_username(db, &name)?))
        .await?;
    let password = f.password.clone();
    let hash = found.as_ref().map(|(_, h)| h.clone());
    let Ok(verified) = auth::hashing(move || match hash {
        Some(h) => auth::verify_password(&password, &h),
        None => {
            // Spend the same time as a real check, so that timing does not tell which
            // usernames exist.
            auth::verify_password(&password, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$0000000000000000000000000000000000000000000");
            false
        }
    })
    .await
    else {
        return again(BUSY);
    };
    let user = match found {
        Some((u, _)) if verified && u.active => u,
        _ => return again(WRONG),
    };
    let must_change = user.must_change_password;
    let (u, c) = (username.to_lowercase(), client);
    let token = st
        .run(move |db| {
            store::accounts::clear_attempts(
                db,
                &u,
                &c,
                &store::utc_in(-auth::ATTEMPT_WINDOW_SECONDS),
            )?;
            store::accounts::sessions_delete_expired(db, &store::now_utc())?;
            // A fresh session id at every login: a planted session id is never adopted.
            let token = auth::random_token();
            store::accounts::session_create(
                db,
                &auth::token_hash(&token),
                user.id,
                &auth::random_token(),
                &store::utc_in(SESSION_SECONDS),
            )?;
            Ok(token)
        })
        .await?;
    let device = auth::device_token(&key, &username);
    Ok((
        StatusCode::SEE_OTHER,
        axum::response::AppendHeaders([
            (
                header::SET_COOKIE,
                auth::set_cookie(SESSION_COOKIE, &token, SESSION_SECONDS),
            ),
            (
                header::SET_COOKIE,
                auth::set_cookie(auth::DEVICE_COOKIE, &device, auth::DEVICE_SECONDS),
            ),
            (
                header::LOCATION,
                if must_change { "/password" } else { "/" }.to_owned(),
            ),
        ]),
    )
        .into_response())
}

pub async fn logout(State(st): State<AppState>, SignedIn(who): SignedIn) -> Reply {
    let h = who.token_hash.clone();
    st.run(move |db| Ok(store::accounts::session_delete(db, &h)?))
        .await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, auth::set_cookie(SESSION_COOKIE, "", 0)),
            (header::LOCATION, "/login".to_owned()),
            // What the phone kept to work offline (pages, households, the entries'
            // queue) goes with the session: another person may use the phone next.
            (
                header::HeaderName::from_static("clear-site-data"),
                "\"cache\", \"storage\"".to_owned(),
            ),
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
        form.stack.card method="post" action="/password" novalidate {
            (csrf(who))
            (field("Mật khẩu hiện tại", "current", "", "password", None))
            (field("Mật khẩu mới (ít nhất 10 ký tự)", "new", "", "password", None))
            (field("Nhập lại mật khẩu mới", "confirm", "", "password", None))
            p { button type="submit" { "Đổi mật khẩu" } }
        }
    };
    who.page("Đổi mật khẩu", body).into_response()
}

pub async fn password_form(SignedIn(who): SignedIn) -> Response {
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
    SignedIn(who): SignedIn,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(f): Form<PasswordForm>,
) -> Reply {
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
    let (id, actor, keep) = (who.user.id, who.actor(), who.token_hash.clone());
    // Guesses of the current password are counted like sign-ins, before it is checked
    // (one who took over a session cannot try it at the hashing's speed), under a name
    // of their own so that they do not lock her sign-in.
    let guessed = format!("password-change:{}", who.user.username.to_lowercase());
    let client = client_of(&extensions, &headers);
    let (g, c) = (guessed.clone(), client.clone());
    let (stored, attempts) = st
        .run(move |db| {
            let since = store::utc_in(-auth::ATTEMPT_WINDOW_SECONDS);
            let attempts = store::accounts::record_attempt(db, &g, &c, &since)?;
            Ok((
                store::accounts::password_hash(db, id)?.unwrap_or_default(),
                attempts,
            ))
        })
        .await?;
    if attempts.user > auth::MAX_ATTEMPTS_PAIR {
        tracing::warn!(client = %client, "password change throttled");
        return Ok(password_page(&who, Some(TOO_MANY_GUESSES), false));
    }
    let (current, new) = (f.current.clone(), f.new.clone());
    let hashed = auth::hashing(move || {
        auth::verify_password(&current, &stored).then(|| auth::hash_password(&new))
    })
    .await
    .map_err(|_| AppError::Unavailable(BUSY.into()))?;
    let ok = hashed.is_some();
    if let Some(hash) = hashed {
        st.run(move |db| {
            db.transaction(|tx| {
                store::accounts::set_password(tx, id, &hash, false, &actor)?;
                // Whoever knew the old password is signed out everywhere else.
                store::accounts::sessions_end_for_user(tx, id, Some(&keep))
            })?;
            let before = store::utc_in(-auth::ATTEMPT_WINDOW_SECONDS);
            store::accounts::clear_attempts(db, &guessed, &client, &before)?;
            Ok(())
        })
        .await?;
    }
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
