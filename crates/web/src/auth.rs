//! Passwords (Argon2id, a bounded number at a time), sessions stored in the database,
//! the session layer that checks every unsafe request's CSRF token and hands handlers
//! their signed-in user, signed login-form tokens, and throttling of failed logins.

use crate::error::AppError;
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use store::accounts::User;

pub const SESSION_COOKIE: &str = "dh_session";
pub const LOGIN_COOKIE: &str = "dh_login";
/// Marks a device its user signed in from (signed for her name), for a year.
pub const DEVICE_COOKIE: &str = "dh_device";
pub const DEVICE_SECONDS: i64 = 365 * 24 * 3600;
/// A session lasts a working day.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// Login attempts allowed within the window: by one user name from one client, from one
/// client whatever the names, and for one user name from anywhere (a guess spread over
/// many addresses). A stranger cannot lock an officer out from her own device unless
/// she guesses from a hundred places at once.
pub const MAX_ATTEMPTS_PAIR: i64 = 5;
pub const MAX_ATTEMPTS_CLIENT: i64 = 30;
pub const MAX_ATTEMPTS_USER: i64 = 100;
pub const ATTEMPT_WINDOW_SECONDS: i64 = 15 * 60;
/// A login form is good for an hour.
const LOGIN_TOKEN_SECONDS: i64 = 3600;

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id with default parameters")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Argon2 takes 19 MiB and a core's worth of time per hash. Hashes run on a few threads
/// of their own, one per core (so the allocator keeps at most that many 19 MiB blocks,
/// where any of tokio's hundreds of blocking threads would each keep one), and at most
/// `HASH_QUEUE` more wait: a flood of logins costs a bounded amount of memory and leaves
/// the other requests their threads.
type Job = Box<dyn FnOnce() + Send>;
static HASHERS: std::sync::LazyLock<std::sync::mpsc::SyncSender<Job>> =
    std::sync::LazyLock::new(|| {
        let (send, jobs) = std::sync::mpsc::sync_channel::<Job>(HASH_QUEUE);
        let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
        let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        for i in 0..threads {
            let jobs = jobs.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match jobs.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(cause = %e, "cannot start a password hashing thread");
            }
        }
        send
    });
const HASH_QUEUE: usize = 32;

/// The hashing was refused because too many are waiting already.
#[derive(Debug)]
pub struct Busy;

/// Runs password hashing work `f` under the bound, off the async threads.
pub async fn hashing<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(f());
    });
    HASHERS.try_send(job).map_err(|_| Busy)?;
    result.await.map_err(|_| Busy)
}

/// Equal, in time that does not depend on where two tokens differ.
pub fn same_token(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn login_mac(key: &str, expires: i64, nonce: &str) -> hmac::Hmac<Sha256> {
    use hmac::Mac;
    let mut mac = <hmac::Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(format!("login|{expires}|{nonce}").as_bytes());
    mac
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A login form's token, issued by the server: its expiry, a nonce and their HMAC under
/// the servers' shared key. A bot cannot make one up; it must ask for the form.
pub fn login_token(key: &str) -> String {
    use hmac::Mac;
    let expires = unix_now() + LOGIN_TOKEN_SECONDS;
    let nonce = random_token()[..24].to_owned();
    let tag = hex(&login_mac(key, expires, &nonce).finalize().into_bytes());
    format!("{expires}.{nonce}.{tag}")
}

/// The device cookie of user name `username`: an HMAC of the name under the servers'
/// key (names compared case-insensitively, as the attempts are counted).
pub fn device_token(key: &str, username: &str) -> String {
    use hmac::Mac;
    let mut mac = <hmac::Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(format!("device|{}", username.trim().to_lowercase()).as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Whether `token` is one that [`login_token`] issued under `key` and still good.
pub fn login_token_valid(key: &str, token: &str) -> bool {
    use hmac::Mac;
    let mut parts = token.splitn(3, '.');
    let (Some(expires), Some(nonce), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Ok(expires) = expires.parse::<i64>() else {
        return false;
    };
    let Some(tag) = (0..tag.len())
        .step_by(2)
        .map(|i| {
            tag.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    expires > unix_now() && login_mac(key, expires, nonce).verify_slice(&tag).is_ok()
}

/// A password good enough to set: 10 characters or more.
pub fn check_new_password(p: &str) -> Result<(), String> {
    if p.chars().count() < 10 {
        return Err("Mật khẩu mới cần ít nhất 10 ký tự.".into());
    }
    Ok(())
}

pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A cookie the browser keeps only for this site, never shows to scripts, and sends
/// only over HTTPS (browsers treat localhost as secure too).
pub fn set_cookie(name: &str, value: &str, max_age: i64) -> String {
    format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age={max_age}")
}

/// A signed-in user, read from the session cookie.
#[derive(Clone, Debug)]
pub struct Authed {
    pub user: User,
    pub csrf: String,
    pub token_hash: String,
    /// Her unit's name as the tree stands today, for the page's heading.
    pub unit_name: String,
}

impl Authed {
    /// Refuses at once a page that only serves to write records when her role writes
    /// none (a viewer): she is not shown a form that every save would refuse.
    pub fn must_write(&self) -> Result<(), AppError> {
        if self.user.role.writes() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// What this user may see and change, as the tree stands today.
    pub fn access(&self, db: &mut store::Db) -> Result<store::access::Access, AppError> {
        Ok(store::access::Access::new(
            db,
            self.user.clone(),
            crate::today(),
        )?)
    }

    pub fn actor(&self) -> String {
        self.user.actor()
    }
}

impl Authed {
    /// A page of the app for this user: the frame (menu by role, sign-out) around `body`.
    pub fn page(&self, title: &str, body: impl maud::Render) -> axum::response::Html<String> {
        self.framed(title, false, body)
    }

    /// The same, for a page that swaps parts of itself in with htmx.
    pub fn page_with_htmx(
        &self,
        title: &str,
        body: impl maud::Render,
    ) -> axum::response::Html<String> {
        self.framed(title, true, body)
    }

    fn framed(
        &self,
        title: &str,
        htmx: bool,
        body: impl maud::Render,
    ) -> axum::response::Html<String> {
        crate::html::page(
            &crate::html::Page {
                title,
                who: self,
                htmx,
            },
            body,
        )
    }
}

impl crate::html::Viewer for Authed {
    fn full_name(&self) -> &str {
        &self.user.full_name
    }
    fn unit_code(&self) -> &str {
        &self.user.unit_code
    }
    fn unit_name(&self) -> &str {
        &self.unit_name
    }
    fn role(&self) -> domain::access::Role {
        self.user.role
    }
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The signed-in user of a request, found once by [`session_layer`].
#[derive(Clone)]
struct Session(Authed);

/// A signed-in user whose one-time password may still be unchanged: only the password
/// page and signing out take it. Every other handler takes [`Authed`], which sends such
/// a user to the password page first, so no route can forget the gate.
pub struct SignedIn(pub Authed);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<SignedIn, AppError> {
        let Session(who) = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or(AppError::Unauthorized)?;
        Ok(SignedIn(who))
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Authed, AppError> {
        let SignedIn(who) = SignedIn::from_request_parts(parts, state).await?;
        if who.user.must_change_password {
            return Err(AppError::Redirect("/password".into()));
        }
        Ok(who)
    }
}

const BAD_CSRF: &str = "Phiên làm việc đã thay đổi; hãy tải lại trang và gửi lại.";
/// A form body is read whole to find its token: no form of the app comes near this.
const FORM_LIMIT: usize = 1024 * 1024;

/// Finds the session of every request that carries one and hands it to the handlers;
/// refuses any unsafe request (POST, …) of a session whose CSRF token is missing or
/// wrong, wherever the handler is. The token comes in the `X-CSRF-Token` header (the
/// API), the form's `_csrf` field, or (a file upload, whose body is not read here) the
/// `_csrf` query parameter.
pub async fn session_layer(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    // The style sheet, the script and the probes need no session: no database work.
    let path = req.uri().path();
    if path.starts_with("/static/") || path == "/health" {
        return next.run(req).await;
    }
    let Some(token) = cookie(req.headers(), SESSION_COOKIE) else {
        return next.run(req).await;
    };
    let hash = token_hash(&token);
    let h = hash.clone();
    let found = state
        .run(move |db| {
            Ok(store::accounts::session_get(
                db,
                &h,
                &store::now_utc(),
                crate::today(),
            )?)
        })
        .await;
    let (user, csrf, unit_name) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return next.run(req).await,
        Err(e) => return e.into_response(),
    };
    // The request log names who asked, by id only.
    tracing::Span::current().record("user_id", user.id);
    let who = Authed {
        user,
        csrf,
        token_hash: hash,
        unit_name,
    };
    // Signing in has its own token (the login form's, checked by the handler): a user
    // whose session is still open may sign in again, as herself or someone else.
    let unsafe_method = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    ) && req.uri().path() != "/login";
    let is_api = req.uri().path().starts_with("/api/");
    let mut req = req;
    if unsafe_method {
        let (ok, checked) = csrf_of(req, &who.csrf).await;
        let Some(checked) = checked.filter(|_| ok) else {
            let refused = AppError::BadRequest(BAD_CSRF.into());
            return if is_api {
                refused.json()
            } else {
                refused.into_response()
            };
        };
        req = checked;
    }
    let menu_for = who.clone();
    req.extensions_mut().insert(Session(who));
    let response = next.run(req).await;
    // An error page of a signed-in user keeps her menu (the API answers JSON: unchanged).
    match response
        .extensions()
        .get::<crate::error::ErrorPage>()
        .cloned()
    {
        Some(shown) if !is_api => {
            let status = response.status();
            let page = menu_for.page(shown.title, shown.body());
            (status, page).into_response()
        }
        _ => response,
    }
}

/// Whether the request carries `expected`, and the request to go on with (its body read
/// and put back when the token was in a form); `None` when the body could not be read.
async fn csrf_of(
    req: axum::extract::Request,
    expected: &str,
) -> (bool, Option<axum::extract::Request>) {
    let header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok());
    if header.is_some_and(|t| same_token(t, expected)) {
        return (true, Some(req));
    }
    let in_query = req.uri().query().is_some_and(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .any(|(k, v)| k == "_csrf" && same_token(v, expected))
    });
    if in_query {
        return (true, Some(req));
    }
    let is_form = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (false, Some(req));
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
        return (false, None);
    };
    let ok = form_urlencoded_pairs(&bytes).any(|(k, v)| k == "_csrf" && same_token(&v, expected));
    let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
    (ok, Some(req))
}

fn form_urlencoded_pairs(bytes: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .unwrap_or_default()
        .into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens() {
        let h = hash_password("mật khẩu dài đủ");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu dài đủ", &h));
        assert!(!verify_password("sai", &h));
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 64);
        assert!(check_new_password("ngắn").is_err());
    }
}
