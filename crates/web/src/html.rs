//! The page frame: Vietnamese, phone first, one style sheet, htmx only where it is used.

use axum::response::Html;
use maud::{html, Markup, PreEscaped, DOCTYPE};

fn head(title: &str, htmx: bool) -> Markup {
    html! {
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        title { (title) " — Đồng Hành" }
        link rel="stylesheet" href="/static/app.css";
        link rel="manifest" href="/manifest.webmanifest";
        link rel="icon" href="/static/icon.svg" type="image/svg+xml";
        meta name="theme-color" content="#a3195b";
        @if htmx { script src="/static/htmx.min.js" defer {} }
    }
}

/// Who a page is for, as the frame shows her (the signed-in user, see `auth::Authed`).
pub trait Viewer {
    fn full_name(&self) -> &str;
    fn unit_code(&self) -> &str;
    fn unit_name(&self) -> &str;
    fn role(&self) -> domain::access::Role;
    /// The session's token every form sends back.
    fn csrf(&self) -> &str;
}

/// A page without navigation (login, errors).
pub fn bare(title: &str, body: impl maud::Render) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="vi" {
                head { (head(title, false)) }
                body {
                    header { a.brand href="/" { "Đồng Hành" } }
                    main { (body) }
                }
            }
        }
        .into_string(),
    )
}

/// The menu: where each entry goes, its name, and which roles see it.
type Shown = fn(domain::access::Role) -> bool;
const MENU: &[(&str, &str, Shown)] = &[
    ("/", "Tổng quan", |_| true),
    ("/households", "Hộ", |_| true),
    ("/records", "Hồ sơ", |_| true),
    ("/reports", "Báo cáo", |_| true),
    ("/reports/lasting", "Bền vững", |_| true),
    ("/follow-up", "Hộ cần theo dõi", |_| true),
    ("/households/new", "Thêm hộ", domain::access::Role::writes),
    (
        "/activities/new",
        "Ghi hoạt động",
        domain::access::Role::writes,
    ),
    ("/import", "Nhập tệp", domain::access::Role::writes),
    (
        "/offline",
        "Nhập khi mất mạng",
        domain::access::Role::writes,
    ),
    ("/periods", "Duyệt kỳ", |_| true),
    ("/targets", "Chỉ tiêu", |_| true),
    ("/units", "Đơn vị", |_| true),
    ("/users", "Người dùng", domain::access::Role::manages_users),
    ("/audit", "Nhật ký", domain::access::Role::manages_users),
    (
        "/privacy/consents",
        "Phiếu đồng ý",
        domain::access::Role::writes,
    ),
    ("/privacy/breaches", "Sự cố dữ liệu", |r| {
        r == domain::access::Role::Admin
    }),
    ("/privacy/retention", "Lưu trữ", |r| {
        r == domain::access::Role::Admin
    }),
    ("/lineage", "Kế thừa 2025", |r| {
        r == domain::access::Role::Admin
    }),
];

pub struct Page<'a> {
    pub title: &'a str,
    pub who: &'a dyn Viewer,
    pub htmx: bool,
}

pub fn page(p: &Page<'_>, body: impl maud::Render) -> Html<String> {
    let role = p.who.role();
    Html(
        html! {
            (DOCTYPE)
            html lang="vi" {
                head { (head(p.title, p.htmx)) }
                body {
                    // On a phone the menu is one line that opens: a checkbox and its label,
                    // no script.
                    input #menu-open type="checkbox";
                    header {
                        a.brand href="/" { "Đồng Hành" }
                        span.who style="color:#fde" { (p.who.full_name()) " · " (p.who.unit_name()) " (" (p.who.unit_code()) ")" }
                        label.menu-toggle for="menu-open" { "☰ Danh mục" }
                    }
                    nav.card.menu style="margin:0;border-radius:0" {
                        @for (href, label, shown) in MENU {
                            @if shown(role) { a href=(href) { (label) } }
                        }
                        a href="/password" { "Mật khẩu" }
                        form.inline method="post" action="/logout" novalidate {
                            input type="hidden" name="_csrf" value=(p.who.csrf());
                            button.secondary type="submit" style="padding:.2rem .6rem" { "Đăng xuất" }
                        }
                    }
                    main { (body) }
                    // Offline entry kept ready, and nothing waiting lost at sign-out.
                    @if role.writes() { script src="/static/keep.js" defer {} }
                }
            }
        }
        .into_string(),
    )
}

/// The address of a household's page. Its code goes in percent-encoded: a union may code
/// households `DN/2024/001`, and a bare slash would name another page.
pub fn household_path(code: &str) -> String {
    let mut out = String::from("/households/");
    for b in code.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A day typed as a person writes it (DD/MM/YYYY), whatever the phone's language: no
/// browser date picker, whose format follows the phone's language. The server reads
/// DD/MM/YYYY and YYYY-MM-DD alike.
pub fn date_input(id: &str, name: &str, value: Option<domain::Date>) -> Markup {
    html! {
        input id=(id) name=(name) type="text" inputmode="numeric" placeholder="DD/MM/YYYY"
            autocomplete="off" value=(value.map(domain::Date::dmy).unwrap_or_default());
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf(who: &dyn Viewer) -> Markup {
    html! { input type="hidden" name="_csrf" value=(who.csrf()); }
}

/// A labelled input with its error underneath, keeping what the user typed.
pub fn field(label: &str, name: &str, value: &str, kind: &str, error: Option<&str>) -> Markup {
    html! {
        label for=(name) { (label) }
        input id=(name) name=(name) type=(kind) value=(value);
        @if let Some(e) = error { p.error { (e) } }
    }
}

pub fn select(
    label: &str,
    name: &str,
    value: &str,
    options: &[(&str, &str)],
    error: Option<&str>,
) -> Markup {
    html! {
        label for=(name) { (label) }
        select id=(name) name=(name) {
            @for (v, text) in options {
                option value=(v) selected[*v == value] { (text) }
            }
        }
        @if let Some(e) = error { p.error { (e) } }
    }
}

pub fn raw(s: &str) -> PreEscaped<String> {
    PreEscaped(s.to_owned())
}
