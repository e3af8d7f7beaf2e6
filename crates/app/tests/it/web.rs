//! The web app over HTTP: sessions, CSRF, throttling, scope on every API route, the
//! audit of changes, refusals of lost updates, page weights.

use crate::support::Succeeds;
use crate::web_support::*;

#[test]
fn api_refuses_anonymous_and_out_of_scope_calls() {
    let server = demo_server();
    let base = &server.base;
    let mut anon = Http::default();
    for path in [
        "/api/me",
        "/api/units",
        "/api/households?q=hoa",
        "/api/households/QN000001",
        "/api/reports?unit=48",
    ] {
        assert_eq!(anon.get(&format!("{base}{path}")).status, 401, "{path}");
    }
    assert_eq!(
        anon.request(
            "POST",
            &format!("{base}/api/households"),
            "application/json",
            "{}",
            &[]
        )
        .status,
        401
    );
    let doc: serde_json::Value =
        serde_json::from_str(&anon.get(&format!("{base}/api/openapi.json")).body).unwrap();
    assert!(doc["paths"].as_object().unwrap().len() >= 5);

    let mut clerk = Http::default();
    assert_eq!(clerk.login(base, "xa", DEMO_PASSWORD).status, 303);
    let me: serde_json::Value =
        serde_json::from_str(&clerk.get(&format!("{base}/api/me")).body).unwrap();
    let unit = me["unit_code"].as_str().unwrap().to_owned();
    // Reads outside her commune: the same answer as for a code that does not exist.
    assert_eq!(
        clerk.get(&format!("{base}/api/households/QN000001")).status,
        404
    );
    assert_eq!(
        clerk.get(&format!("{base}/api/households/KHONG-CO")).status,
        404
    );
    assert_eq!(
        clerk
            .get(&format!(
                "{base}/api/reports?unit=48&from=2023-01-01&to=2023-10-31"
            ))
            .status,
        403
    );
    let tree: serde_json::Value =
        serde_json::from_str(&clerk.get(&format!("{base}/api/units")).body).unwrap();
    assert_eq!(tree["code"], unit.as_str());
    let hits: serde_json::Value =
        serde_json::from_str(&clerk.get(&format!("{base}/api/households?q=thi")).body).unwrap();
    assert!(!hits.as_array().unwrap().is_empty());
    for h in hits.as_array().unwrap() {
        let code = h["household_code"].as_str().unwrap();
        assert_eq!(
            clerk.get(&format!("{base}/api/households/{code}")).status,
            200,
            "{code} found by her search is hers"
        );
    }
    // Writes outside her commune, and without the CSRF token.
    let csrf = clerk.csrf(base);
    let body = serde_json::json!({"household_code": "API-1", "unit_code": "48", "registered_on": "2026-02-01", "head_name": "Ngô Thị Bé", "head_gender": "F", "area": "rural", "size": 2}).to_string();
    assert_eq!(
        clerk
            .post_json(&format!("{base}/api/households"), &body, &csrf)
            .status,
        403
    );
    let mine = body.replace("\"48\"", &format!("\"{unit}\""));
    assert_eq!(
        clerk
            .request(
                "POST",
                &format!("{base}/api/households"),
                "application/json",
                &mine,
                &[]
            )
            .status,
        400,
        "no CSRF token"
    );
    let ok = clerk.post_json(&format!("{base}/api/households"), &mine, &csrf);
    assert_eq!(ok.status, 200, "{}", ok.body);
    // A stored household of another province cannot be taken over by reusing its code
    // with her unit, through the API's import or its create.
    let steal = serde_json::json!([{"household_code": "QN000001", "unit_code": unit, "registered_on": "2026-02-01", "head_name": "Ngô Thị Bé", "head_gender": "F", "area": "rural", "size": 2}]).to_string();
    let r = clerk.post_json(&format!("{base}/api/import/households"), &steal, &csrf);
    assert_eq!(r.status, 403, "{}", r.body);
    let one = steal
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let r = clerk.post_json(&format!("{base}/api/households"), &one, &csrf);
    assert_eq!(r.status, 409, "{}", r.body);
    let mut manager = Http::signed_in(base, "tinh");
    let kept: serde_json::Value =
        serde_json::from_str(&manager.get(&format!("{base}/api/households/QN000001")).body)
            .unwrap();
    assert_ne!(kept["unit_code"], unit.as_str(), "still where it was");
    // Pages too: another commune's household (as unknown), the users and audit pages.
    assert_eq!(
        clerk.get(&format!("{base}/households/QN000001")).status,
        404
    );
    assert_eq!(clerk.get(&format!("{base}/users")).status, 403);
    assert_eq!(clerk.get(&format!("{base}/audit")).status, 403);
    assert_eq!(clerk.get(&format!("{base}/reports?unit=48")).status, 403);

    // The viewer reads Đà Nẵng's report but writes nothing.
    let mut viewer = Http::signed_in(base, "xem");
    assert_eq!(
        viewer
            .get(&format!(
                "{base}/api/reports?unit=48&from=2023-01-01&to=2023-10-31"
            ))
            .status,
        200
    );
    let csrf = viewer.csrf(base);
    let theirs = body.replace("API-1", "API-2");
    assert_eq!(
        viewer
            .post_json(&format!("{base}/api/households"), &theirs, &csrf)
            .status,
        403
    );
}

/// The fields of a household's edit form as the page filled them in, with a new head
/// name: what an officer's browser would post.
fn household_form(page: &str, name: &str) -> Vec<(String, String)> {
    let mut fields = vec![
        (
            "_csrf".to_owned(),
            between(page, "name=\"_csrf\" value=\"", "\""),
        ),
        (
            "_version".to_owned(),
            between(page, "name=\"_version\" value=\"", "\""),
        ),
    ];
    for f in [
        "unit_code",
        "registered_on",
        "head_gender",
        "area",
        "ethnic_minority",
        "size",
    ] {
        let at = &page[page.find(&format!("id=\"{f}\"")).unwrap()..];
        let v = if page.contains(&format!("<select id=\"{f}\"")) {
            let options = &at[..at.find("</select>").unwrap()];
            let chosen = options
                .split("<option")
                .find(|o| o.contains(" selected"))
                .unwrap();
            between(chosen, "value=\"", "\"")
        } else {
            between(at, "value=\"", "\"")
        };
        fields.push((f.to_owned(), v));
    }
    fields.push(("head_name".into(), name.into()));
    fields.push(("reason".into(), "sửa tên theo sổ hộ khẩu".into()));
    fields
}

#[test]
fn sessions_csrf_throttling_audit_and_lost_updates() {
    let server = demo_server();
    let base = &server.base;
    let mut c = Http::default();
    // A cross-site post without the login token is refused.
    let r = c.post_form(
        &format!("{base}/login"),
        &[("username", "xa"), ("password", DEMO_PASSWORD)],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("hết hạn"));
    // Throttling after repeated failures.
    let mut t = Http::default();
    for _ in 0..5 {
        assert!(t
            .login(base, "xem", "sai-mat-khau")
            .body
            .contains("không đúng"));
    }
    assert!(t
        .login(base, "xem", DEMO_PASSWORD)
        .body
        .contains("quá nhiều lần"));
    // A session id is new at every login, and its cookie is HttpOnly, Secure, SameSite.
    let first = c.login(base, "xa", DEMO_PASSWORD);
    let cookie = first.header("set-cookie").unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let mut again = Http::default();
    let second = again.login(base, "xa", DEMO_PASSWORD);
    assert_ne!(
        cookie.split(';').next(),
        second.header("set-cookie").unwrap().split(';').next()
    );

    // Two officers open the same household; the second save is refused.
    let me: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/me")).body).unwrap();
    let unit = me["unit_code"].as_str().unwrap().to_owned();
    let hits: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/households?q=thi")).body).unwrap();
    let code = hits[0]["household_code"].as_str().unwrap().to_owned();
    let edit_a = c.get(&format!("{base}/households/{code}/edit")).body;
    let edit_b = again.get(&format!("{base}/households/{code}/edit")).body;
    let fa = household_form(&edit_a, "Tên do cán bộ A sửa");
    let fb = household_form(&edit_b, "Tên do cán bộ B sửa");
    let post = |h: &mut Http, fields: &[(String, String)]| {
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        h.post_form(&format!("{base}/households/{code}/edit"), &f)
    };
    let ra = post(&mut c, &fa);
    assert_eq!(ra.status, 303, "{}", ra.body);
    let rb = post(&mut again, &fb);
    assert_eq!(rb.status, 409);
    assert!(rb.body.contains("vừa được người khác sửa"));
    assert!(
        rb.body.contains("Tên do cán bộ B sửa"),
        "the second officer's input is kept"
    );
    let _ = unit;

    // The change is in the audit log (who, old → new), visible to the province manager.
    let mut m = Http::signed_in(base, "tinh");
    let audit = m.get(&format!("{base}/audit?entity=households"));
    assert_eq!(audit.status, 200);
    // In Vietnamese: the person by her name, the verb, the column's name, old → new.
    assert!(
        audit.body.contains(">Cán bộ cơ sở Hội (demo) (xa)<")
            && audit.body.contains(">Sửa<")
            && audit.body.contains("Họ tên chủ hộ: ")
            && audit.body.contains("→ Tên do cán bộ A sửa"),
        "{}",
        &audit.body[..audit.body.len().min(3000)]
    );
    assert!(!audit.body.contains("user:xa") && !audit.body.contains(">update<"));
    let xlsx = m.get_with(&format!("{base}/audit?format=xlsx&entity=households"), &[]);
    assert_eq!(xlsx.status, 200);
    // Viewing a member's citizen ID is logged as access to sensitive data, shown apart
    // from the changes (the access log), with where it was seen.
    c.get(&format!("{base}/households/{code}"));
    let log = m.get(&format!("{base}/audit?entity=views")).body;
    assert!(log.contains("Xem số CCCD, điện thoại") && log.contains("Trang hộ"));
    let changes = m.get(&format!("{base}/audit?entity=members")).body;
    assert!(!changes.contains("Xem số CCCD, điện thoại"));

    // The manager locks the clerk: her sessions end at once.
    let users = m.get(&format!("{base}/users")).body;
    let row = &users[users
        .find("<td data-label=\"Tên đăng nhập\">xa</td>")
        .unwrap()..];
    let id = between(row, "name=\"id\" value=\"", "\"");
    let mcsrf = between(&users, "name=\"_csrf\" value=\"", "\"");
    assert!(m
        .post_form(
            &format!("{base}/users/active"),
            &[("_csrf", &mcsrf), ("id", &id), ("active", "0")]
        )
        .body
        .contains("đã được khóa"));
    assert_eq!(again.get(&format!("{base}/api/me")).status, 401);
    assert!(m
        .post_form(
            &format!("{base}/users/active"),
            &[("_csrf", &mcsrf), ("id", &id), ("active", "1")]
        )
        .body
        .contains("mở khóa"));
    assert_eq!(c.login(base, "xa", DEMO_PASSWORD).status, 303);

    // Logging out ends the session.
    let csrf = between(
        &c.get(&format!("{base}/")).body,
        "name=\"_csrf\" value=\"",
        "\"",
    );
    assert_eq!(
        c.post_form(&format!("{base}/logout"), &[("_csrf", &csrf)])
            .status,
        303
    );
    assert_eq!(c.get(&format!("{base}/api/me")).status, 401);
}

#[test]
fn pages_weigh_under_100_kb() {
    let server = demo_server();
    let base = &server.base;
    let mut c = Http::signed_in(base, "tinh");
    let css = c.get(&format!("{base}/static/app.css")).body.len();
    let js = c.get(&format!("{base}/static/htmx.min.js")).body.len();
    let mut report = String::new();
    for &path in PROVINCE_PAGES {
        let r = c.get(&format!("{base}{path}"));
        let want = if path == "/no-such-page" { 404 } else { 200 };
        assert_eq!(r.status, want, "{path}");
        let uses_js = r.body.contains("htmx.min.js");
        let weight = r.body.len() + css + if uses_js { js } else { 0 };
        assert!(weight < 100 * 1024, "{path}: {weight} bytes");
        assert!(r.body.contains("<html lang=\"vi\""));
        report.push_str(&format!(
            "{path}: {} B html + {css} B css{} = {weight} B\n",
            r.body.len(),
            if uses_js {
                format!(" + {js} B js")
            } else {
                String::new()
            }
        ));
    }
    if let Ok(path) = std::env::var("DONGHANH_PAGE_WEIGHTS") {
        std::fs::write(path, report).unwrap();
    }
}

#[test]
fn api_writes_any_kind_all_or_nothing_and_audits_each_row() {
    let server = demo_server();
    let base = &server.base;
    let mut c = Http::signed_in(base, "xa");
    let csrf = c.csrf(base);
    let me: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/me")).body).unwrap();
    let unit = me["unit_code"].as_str().unwrap();
    let hh = serde_json::json!([{"household_code": "API-9", "unit_code": unit, "registered_on": "2026-03-01", "head_name": "Đinh Thị Nở", "head_gender": "F", "area": "rural", "size": 3}]);
    let r = c.post_json(
        &format!("{base}/api/import/households"),
        &hh.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // One good and one bad member: nothing is written, every error is returned.
    let members = serde_json::json!([
        {"household_code": "API-9", "member_no": 1, "full_name": "Đinh Thị Nở", "gender": "F", "birth_year": 1979},
        {"household_code": "API-9", "member_no": 2, "full_name": "Đinh Văn Tám", "gender": "X"}
    ]);
    let r = c.post_json(
        &format!("{base}/api/import/members"),
        &members.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("gender"), "{}", r.body);
    let detail: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/households/API-9")).body).unwrap();
    assert_eq!(detail["members"].as_array().unwrap().len(), 0);
    // A ledger row for a unit outside her commune is refused too.
    let gift = serde_json::json!([{"record_id": "API-G1", "date": "2026-03-02", "unit_code": "48", "support_type": "gift", "quantity": 5}]);
    let r = c.post_json(
        &format!("{base}/api/import/supports"),
        &gift.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 403, "{}", r.body);
    // The dashboard, kept in memory while nothing changes, shows the gifts at once.
    let gifts = |c: &mut Http| {
        let page = c.get(&format!("{base}/?year=2026")).body;
        between(
            &page,
            "Suất quà tặng</div><div style=\"font-size:1.4rem;font-weight:700\">",
            "<",
        )
        .replace('.', "")
        .parse::<i64>()
        .unwrap()
    };
    let before = gifts(&mut c);
    assert_eq!(gifts(&mut c), before);
    let mine = gift.to_string().replace("\"48\"", &format!("\"{unit}\""));
    let r = c.post_json(&format!("{base}/api/import/supports"), &mine, &csrf);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(gifts(&mut c), before + 5);
    // The new household is in the log with its content, under the clerk's name.
    let mut m = Http::signed_in(base, "tinh");
    let log = m
        .get(&format!("{base}/audit?entity=households&actor=xa"))
        .body;
    assert!(
        log.contains("API-9") && log.contains("Đinh Thị Nở"),
        "{}",
        &log[..log.len().min(2000)]
    );
}

#[test]
fn the_request_log_names_route_status_and_user_but_no_personal_data() {
    let server = demo_server_binary();
    let base = &server.base;
    let mut clerk = Http::default();
    assert_eq!(clerk.login(base, "xa", DEMO_PASSWORD).status, 303);
    let me: serde_json::Value =
        serde_json::from_str(&clerk.get(&format!("{base}/api/me")).body).unwrap();
    let user_id = me["id"].as_i64().expect("the user's id");
    // A household of her own, with members whose names, IDs and phones the page shows.
    let hits: serde_json::Value =
        serde_json::from_str(&clerk.get(&format!("{base}/api/households?q=thi")).body).unwrap();
    let code = hits[0]["household_code"]
        .as_str()
        .expect("a household")
        .to_owned();
    let page = clerk.get(&format!("{base}/households/{code}"));
    assert_eq!(page.status, 200);
    let detail: serde_json::Value =
        serde_json::from_str(&clerk.get(&format!("{base}/api/households/{code}")).body).unwrap();
    let head = detail["head_name"].as_str().unwrap().to_owned();
    assert_eq!(clerk.get(&format!("{base}/no-such-page")).status, 404);
    std::thread::sleep(std::time::Duration::from_millis(200));

    let log = server.log();
    let line = log
        .lines()
        .find(|l| l.contains(r#"route="/households/{code}""#) && l.contains("status=200"))
        .unwrap_or_else(|| panic!("no request line for the household page in:\n{log}"));
    assert!(line.contains(&format!("user_id={user_id}")), "{line}");
    assert!(line.contains("latency_ms="), "{line}");
    assert!(log.contains("status=404"), "{log}");
    // The pattern is logged, never the path or the query (they hold codes and names).
    assert!(!log.contains(&code), "household code in the log:\n{log}");
    assert!(!log.contains("q=thi"), "query string in the log:\n{log}");
    assert!(!log.contains(&head), "a name in the log:\n{log}");
    for m in detail["members"].as_array().unwrap() {
        for field in ["citizen_id", "phone", "full_name"] {
            if let Some(v) = m[field].as_str().filter(|v| !v.is_empty()) {
                assert!(!log.contains(v), "{field} in the log:\n{log}");
            }
        }
    }
}

#[test]
fn sign_in_holds_under_attack() {
    let server = demo_server();
    let base = &server.base;
    // A made-up form token is refused even when the cookie repeats it.
    let mut bot = Http::default();
    let r = bot.request(
        "POST",
        &format!("{base}/login"),
        "application/x-www-form-urlencoded",
        &format!("_login=made-up&username=xa&password={DEMO_PASSWORD}"),
        &[("Cookie", "dh_login=made-up")],
    );
    assert!(r.body.contains("hết hạn"), "{}", r.body);

    // Parallel guesses from one address: the attempts are counted before the password
    // is checked, so no more than the limit are ever checked.
    let guesses: Vec<_> = (0..12)
        .map(|i| {
            let base = base.clone();
            std::thread::spawn(move || {
                Http::default()
                    .login(&base, "xem", &format!("doan-sai-{i}"))
                    .body
            })
        })
        .collect();
    let answers: Vec<String> = guesses.into_iter().map(|t| t.join().unwrap()).collect();
    let checked = answers.iter().filter(|b| b.contains("không đúng")).count();
    let throttled = answers.iter().filter(|b| b.contains("quá nhiều")).count();
    assert!(checked <= 5, "{checked} checked");
    assert_eq!(checked + throttled, 12);

    // Changing a password signs the user out everywhere else.
    let (mut here, mut there) = (Http::default(), Http::default());
    assert_eq!(here.login(base, "tinh", DEMO_PASSWORD).status, 303);
    assert_eq!(there.login(base, "tinh", DEMO_PASSWORD).status, 303);
    let page = here.get(&format!("{base}/password")).body;
    let csrf = between(&page, "name=\"_csrf\" value=\"", "\"");
    let r = here.post_form(
        &format!("{base}/password"),
        &[
            ("_csrf", &csrf),
            ("current", DEMO_PASSWORD),
            ("new", "mat-khau-moi-rat-dai"),
            ("confirm", "mat-khau-moi-rat-dai"),
        ],
    );
    assert!(r.body.contains("Đã đổi mật khẩu"), "{}", r.body);
    assert_eq!(here.get(&format!("{base}/api/me")).status, 200);
    assert_eq!(there.get(&format!("{base}/api/me")).status, 401);
    // Signing in again with a session still open works (the login form has its token).
    assert_eq!(here.login(base, "xa", DEMO_PASSWORD).status, 303);

    // A form posted without the session's token is refused wherever it goes.
    for path in ["/targets", "/activities/new", "/households/new", "/logout"] {
        let r = here.post_form(&format!("{base}{path}"), &[("x", "1")]);
        assert_eq!(r.status, 400, "{path}");
    }
    assert_eq!(
        here.get(&format!("{base}/api/me")).status,
        200,
        "still signed in"
    );
}

/// A one-time password opens nothing but the password page, on every route: the gate is
/// the extractor every handler takes.
#[test]
fn a_one_time_password_opens_only_the_password_page() {
    let server = demo_server();
    let base = &server.base;
    let out = crate::support::donghanh()
        .args([
            "--db",
            server.db_url(),
            "user",
            "add",
            "moi",
            "--role",
            "manager",
            "--unit",
            "48",
        ])
        .succeeds();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let once = word_after(&stdout, "one-time password: ");
    let mut new = Http::default();
    assert_eq!(new.login(base, "moi", &once).status, 303);
    for path in [
        "/",
        "/households",
        "/reports",
        "/targets",
        "/import",
        "/units",
        "/audit",
        "/users",
    ] {
        let r = new.get(&format!("{base}{path}"));
        assert_eq!(
            (r.status, r.header("location")),
            (303, Some("/password")),
            "{path}"
        );
    }
    assert_eq!(new.get(&format!("{base}/api/me")).status, 403);
    assert_eq!(new.get(&format!("{base}/password")).status, 200);
}

/// The report's CSV opens in Excel in Vietnam (a BOM, Vietnamese headers, semicolons,
/// decimal commas); `codes=1` keeps the contract's codes for programs.
#[test]
fn the_report_csv_is_for_excel_in_vietnam_unless_asked_for_codes() {
    let server = demo_server();
    let base = &server.base;
    let mut c = Http::signed_in(base, "tinh");
    let csv = |c: &mut Http, extra: &str| {
        c.get(&format!(
            "{base}/reports/download?unit=48&from=2023-01-01&to=2023-10-31&format=csv{extra}"
        ))
        .body
    };
    let vi = csv(&mut c, "");
    assert!(
        vi.starts_with("\u{feff}Mã đơn vị;Đơn vị;Mã chỉ tiêu;Chỉ tiêu;Kết quả;Kế hoạch;Đạt %\n"),
        "{vi}"
    );
    assert!(
        vi.lines().any(|l| l.ends_with(",5") || l.contains(",")),
        "decimal commas: {vi}"
    );
    let codes = csv(&mut c, "&codes=1");
    assert!(
        codes.starts_with("unit_code,unit_name,indicator,label,value,target,achievement_pct\n"),
        "{codes}"
    );
    assert_eq!(vi.lines().count(), codes.lines().count());
}
