//! The web app as a server to operate: security headers, compression and slow clients,
//! graceful shutdown, readiness and metrics, two servers on one database.

use crate::web_support::*;

#[test]
fn security_headers_compression_and_a_half_sent_request() {
    let server = demo_server();
    let base = &server.base;
    let mut c = Http::signed_in(base, "tinh");
    let page = c.get_with(
        &format!("{base}/households/QN000001"),
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-encoding"), Some("gzip"));
    assert_eq!(
        page.header("cache-control"),
        Some("no-store"),
        "a page with citizen IDs"
    );
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let css = c.get(&format!("{base}/static/app.css"));
    assert!(css.header("cache-control").unwrap().contains("public"));

    // A client that sends half its headers and waits is cut off, not served for ever.
    let host = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    use std::io::{Read, Write};
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(25),
        "the connection was closed by the server"
    );
    assert_eq!(c.get(&format!("{base}/health")).status, 200);
}

/// SIGTERM (what systemd sends) stops accepting and lets the request in flight finish.
#[test]
fn sigterm_finishes_the_request_in_flight() {
    use std::io::{Read, Write};
    let mut server = demo_server_binary();
    let host = server.base.trim_start_matches("http://").to_owned();
    let body = "username=xa&password=x&_login=y";
    let mut s = std::net::TcpStream::connect(&host).unwrap();
    write!(
        s,
        "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = server.pid().unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(std::time::Duration::from_millis(300));
    // No new connection is taken any more; the one in flight is answered.
    assert!(
        std::net::TcpStream::connect(&host).is_err(),
        "still accepting"
    );
    s.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(server.wait(), Some(0));
    assert!(server.log().contains("finishing the requests in flight"));
}

#[test]
fn ready_and_metrics_by_route_pattern() {
    let server = demo_server();
    let base = &server.base;
    let mut c = Http::default();
    let ready: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/ready")).body).unwrap();
    assert_eq!(ready["status"], "ready");
    assert!(ready["units"].as_i64().unwrap() > 0);
    c.login(base, "tinh", DEMO_PASSWORD);
    assert_eq!(c.get(&format!("{base}/households/QN000001")).status, 200);
    let csrf = c.csrf(base);
    let row = serde_json::json!([{"record_id": "M-1", "date": "2026-03-03", "unit_code": "48", "activity_type": "other", "sessions": 1, "participants": 5}]);
    let r = c.post_json(
        &format!("{base}/api/import/activities"),
        &row.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let m = c.get(&format!("{base}/metrics"));
    assert_eq!(m.status, 200);
    for wanted in [
        "donghanh_http_requests_total{route=\"/households/{code}\",status=\"200\"} 1",
        "donghanh_http_request_duration_seconds_count{route=\"/login\"}",
        "donghanh_db_connections{state=\"open\"}",
        "donghanh_imports_total{outcome=\"committed\"}",
    ] {
        assert!(m.body.contains(wanted), "{wanted}\n{}", m.body);
    }
    assert!(!m.body.contains("QN000001"), "patterns, never paths");
    // Through a proxy, the counters are not for everyone.
    let proxied = c.get_with(
        &format!("{base}/metrics"),
        &[("X-Forwarded-For", "203.0.113.9")],
    );
    assert_eq!(proxied.status, 403);
}

/// Two app servers on one database (a province behind a load balancer): a session and a
/// login form of one are good on the other, and a write on one is seen at once on the
/// other.
#[test]
fn two_servers_share_sessions_and_data() {
    let a = demo_server();
    let b = second_server(&a);
    let mut c = Http::default();
    // The form comes from one server, the sign-in goes to the other.
    let page = c.get(&format!("{}/login", a.base));
    let token = between(&page.body, "name=\"_login\" value=\"", "\"");
    let r = c.post_form(
        &format!("{}/login", b.base),
        &[
            ("_login", &token),
            ("username", "xa"),
            ("password", DEMO_PASSWORD),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        c.get(&format!("{}/api/me", a.base)).status,
        200,
        "B's session on A"
    );
    let csrf = c.csrf(&a.base);
    let me: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{}/api/me", b.base)).body).unwrap();
    let unit = me["unit_code"].as_str().unwrap();
    let body = serde_json::json!({"household_code": "HAI-MAY-1", "unit_code": unit, "registered_on": "2026-02-01", "head_name": "Phan Thị Hai Máy", "head_gender": "F", "area": "rural", "size": 2});
    let r = c.post_json(
        &format!("{}/api/households", a.base),
        &body.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let seen = c.get(&format!("{}/api/households/HAI-MAY-1", b.base));
    assert_eq!(seen.status, 200, "A's write on B");
    // Signing out on B ends the session on A too.
    let page = c.get(&format!("{}/", b.base)).body;
    let csrf_form = between(&page, "name=\"_csrf\" value=\"", "\"");
    c.post_form(&format!("{}/logout", b.base), &[("_csrf", &csrf_form)]);
    assert_eq!(c.get(&format!("{}/api/me", a.base)).status, 401);
}
