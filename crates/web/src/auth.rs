//! Passwords (Argon2id), sessions stored in the database, CSRF tokens, and throttling of
//! failed logins.

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
/// A session lasts a working day.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// Failed logins allowed for one username within the window before it is throttled.
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;

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
}

impl Authed {
    /// Refuses a form post whose CSRF token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if token.is_empty() || token != self.csrf {
            return Err(AppError::BadRequest(
                "Phiên làm việc đã thay đổi; hãy tải lại trang và gửi lại.".into(),
            ));
        }
        Ok(())
    }

    /// Pages other than the password page wait until a one-time password is changed.
    pub fn ready(&self) -> Result<(), AppError> {
        if self.user.must_change_password {
            return Err(AppError::Redirect("/password".into()));
        }
        Ok(())
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
        format!("user:{}", self.user.username)
    }
}

impl Authed {
    /// A page of the app for this user: the frame (menu by role, sign-out) around `body`.
    pub fn page(&self, title: &str, body: impl maud::Render) -> axum::response::Html<String> {
        crate::html::page(
            &crate::html::Page {
                title,
                who: self,
                htmx: false,
            },
            body,
        )
    }

    /// The same, for a page that swaps parts of itself in with htmx.
    pub fn page_with_htmx(
        &self,
        title: &str,
        body: impl maud::Render,
    ) -> axum::response::Html<String> {
        crate::html::page(
            &crate::html::Page {
                title,
                who: self,
                htmx: true,
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
    fn role(&self) -> domain::access::Role {
        self.user.role
    }
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Authed, AppError> {
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::Unauthorized)?;
        let hash = token_hash(&token);
        let pool = state.pool.clone();
        let h = hash.clone();
        let found = tokio::task::spawn_blocking(move || {
            pool.with(|db| store::accounts::session_get(db, &h, &store::now_utc()))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
        let (user, csrf) = found.ok_or(AppError::Unauthorized)?;
        // The request log names who asked, by id only.
        tracing::Span::current().record("user_id", user.id);
        Ok(Authed {
            user,
            csrf,
            token_hash: hash,
        })
    }
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
