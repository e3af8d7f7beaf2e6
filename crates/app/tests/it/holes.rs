//! The holes a hostile or careless user found (issue 23, item 5), closed on both
//! backends: a manager manages only the users of units below hers; no one approves a
//! period she submitted; guesses of the current password are throttled; a search bounds
//! its words and matches `%` and `_` literally; a staged upload is confirmed only by who
//! sent it; a file that names no kind is refused.

use crate::web_support::*;

/// The id on the users page of user `name` (empty when the page offers no step on her).
fn user_id(page: &str, name: &str) -> String {
    page.split("<tr>")
        .find(|r| r.contains(&format!("<td data-label=\"Tên đăng nhập\">{name}</td>")))
        .map(|row| {
            if row.contains("name=\"id\" value=\"") {
                between(row, "name=\"id\" value=\"", "\"")
            } else {
                String::new()
            }
        })
        .unwrap_or_default()
}

#[test]
fn a_manager_manages_only_the_users_below_her_unit() {
    let server = demo_server();
    let base = &server.base;
    let mut tinh = Http::signed_in(base, "tinh");
    let csrf = tinh.csrf(base);
    let page = tinh.get(&format!("{base}/users")).body;
    // `xem` works in her own unit (48): a peer, managed from above.
    assert_eq!(user_id(&page, "xem"), "", "the page offers steps on a peer");
    assert!(
        !user_id(&page, "xa").is_empty(),
        "no step on a commune's clerk"
    );
    // The steps themselves refuse a peer, whatever the form says.
    let mut admin = Http::signed_in(base, "quantri");
    let admin_page = admin.get(&format!("{base}/users")).body;
    let xem = user_id(&admin_page, "xem");
    for path in ["/users/reset", "/users/active"] {
        let r = tinh.post_form(
            &format!("{base}{path}"),
            &[("_csrf", &csrf), ("id", &xem), ("active", "0")],
        );
        assert_eq!(r.status, 403, "{path}: {}", r.body);
        assert!(!r.body.contains("Mật khẩu dùng một lần"));
    }
    // Nor may she add a user to her own unit; a commune below is hers to staff.
    let own = tinh.post_form(
        &format!("{base}/users"),
        &[
            ("_csrf", &csrf),
            ("username", "ban-cung-cap"),
            ("full_name", "Bạn cùng cấp"),
            ("role", "manager"),
            ("unit_code", "48"),
            ("password", "mat-khau-du-dai-1"),
        ],
    );
    assert!(own
        .body
        .contains("chỉ thêm được người dùng cho các đơn vị cấp dưới"));
    let below = tinh.post_form(
        &format!("{base}/users"),
        &[
            ("_csrf", &csrf),
            ("username", "can-bo-xa-moi"),
            ("full_name", "Cán bộ xã mới"),
            ("role", "clerk"),
            ("unit_code", "20443"),
            ("password", "mat-khau-du-dai-1"),
        ],
    );
    assert!(below.body.contains("can-bo-xa-moi"), "{}", below.body);
    // The administrator manages everyone.
    let admin_csrf = admin.csrf(base);
    let r = admin.post_form(
        &format!("{base}/users/reset"),
        &[("_csrf", &admin_csrf), ("id", &xem)],
    );
    assert!(
        r.body.contains("Mật khẩu dùng một lần của xem"),
        "{}",
        r.body
    );
}

#[test]
fn who_submitted_a_period_does_not_approve_it() {
    let server = demo_server();
    let base = &server.base;
    let step = |c: &mut Http, csrf: &str, to: &str| {
        c.post_form(
            &format!("{base}/periods"),
            &[
                ("_csrf", csrf),
                ("unit", "20443"),
                ("p", "2026-03"),
                ("to", to),
                ("comment", ""),
            ],
        )
    };
    let mut tinh = Http::signed_in(base, "tinh");
    let csrf = tinh.csrf(base);
    assert_eq!(step(&mut tinh, &csrf, "submitted").status, 303);
    let page = tinh.get(&format!("{base}/periods?p=2026-03")).body;
    assert!(
        page.contains("Chờ người khác duyệt"),
        "the page offers her own approval"
    );
    let own = step(&mut tinh, &csrf, "approved");
    assert_eq!(own.status, 409);
    assert!(own.body.contains("không tự duyệt được"), "{}", own.body);
    // A second person decides: the administrator here.
    let mut admin = Http::signed_in(base, "quantri");
    let admin_csrf = admin.csrf(base);
    assert_eq!(step(&mut admin, &admin_csrf, "approved").status, 303);
}

#[test]
fn guesses_of_the_current_password_are_throttled() {
    let (server, mut c, csrf) = demo_with_csrf("xa");
    let base = &server.base;
    let change = |c: &mut Http, current: &str| {
        c.post_form(
            &format!("{base}/password"),
            &[
                ("_csrf", &csrf),
                ("current", current),
                ("new", "mot-mat-khau-moi-dai"),
                ("confirm", "mot-mat-khau-moi-dai"),
            ],
        )
        .body
    };
    for n in 0..5 {
        assert!(
            change(&mut c, &format!("doan-sai-{n}")).contains("Mật khẩu hiện tại không đúng"),
            "guess {n}"
        );
    }
    // The sixth guess is refused before it is checked, and so is the right password.
    assert!(change(&mut c, "doan-sai-6").contains("quá nhiều lần"));
    assert!(change(&mut c, DEMO_PASSWORD).contains("quá nhiều lần"));
    // Her sign-in is not locked by it.
    let mut again = Http::default();
    assert_eq!(again.login(base, "xa", DEMO_PASSWORD).status, 303);
}

#[test]
fn a_search_bounds_its_words_and_matches_wildcards_literally() {
    let (server, mut c) = demo_as("tinh");
    let base = &server.base;
    let words = vec!["thi"; 500].join(" ");
    for path in ["/households", "/api/households"] {
        let r = c.get(&format!("{base}{path}?q={}", enc(&words)));
        assert_eq!(r.status, 400, "{path}: {}", r.status);
        assert!(r.body.contains("tối đa 8 từ"), "{path}");
    }
    for wild in ["%", "_", "%%", "\\"] {
        let r = c.get(&format!("{base}/api/households?q={}", enc(wild)));
        assert_eq!(r.status, 200);
        let hits: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            hits.as_array().unwrap().len(),
            0,
            "q={wild} found households"
        );
    }
    let r = c.get(&format!("{base}/api/households?q=thi"));
    let hits: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(!hits.as_array().unwrap().is_empty());
}

#[test]
fn an_upload_is_confirmed_only_by_who_sent_it_and_must_name_a_kind() {
    let server = demo_server();
    let base = &server.base;
    let mut xa = Http::signed_in(base, "xa");
    let xa_csrf = xa.csrf(base);
    let file = "record_id,date,unit_code,support_type,household_code,quantity,value_vnd\n\
                UP-1,2026-03-02,20443,gift,,1,100000\n";
    let page = xa
        .upload(base, &xa_csrf, "supports.csv", file.as_bytes())
        .body;
    let token = between(&page, "name=\"token\" value=\"", "\"");
    // Another user with the right to import cannot confirm it with its token.
    let mut tinh = Http::signed_in(base, "tinh");
    let tinh_csrf = tinh.csrf(base);
    let other = tinh.post_form(
        &format!("{base}/import/confirm"),
        &[("_csrf", &tinh_csrf), ("token", &token)],
    );
    assert_eq!(other.status, 400);
    assert!(other.body.contains("Không tìm thấy tệp đã kiểm tra"));
    let own = xa.post_form(
        &format!("{base}/import/confirm"),
        &[("_csrf", &xa_csrf), ("token", &token)],
    );
    assert!(own.body.contains("thêm mới 1"), "{}", own.body);
    // A file that names no kind is refused, with what to do; never "valid, 0 rows".
    for (name, said) in [
        ("passwd", "không mang loại dữ liệu nào"),
        ("households.txt", "không mang loại dữ liệu nào"),
        (
            "ghi-chu.csv",
            "tên tệp/trang phải là tên một loại dữ liệu: Đơn vị Hội",
        ),
    ] {
        let r = xa.upload(base, &xa_csrf, name, b"a,b\n1,2\n");
        assert!(r.body.contains(said), "{name}: {}", r.body);
        assert!(
            !r.body.contains("name=\"token\""),
            "{name} offers a confirmation"
        );
    }
}

/// A user with `id`, for the server's budgets (nothing of her is read from the database).
fn someone(id: i64) -> web::auth::Authed {
    web::auth::Authed {
        user: store::accounts::User {
            id,
            username: format!("u{id}"),
            full_name: format!("Người {id}"),
            role: domain::access::Role::Clerk,
            unit_code: "VN".into(),
            active: true,
            must_change_password: false,
        },
        csrf: String::new(),
        token_hash: String::new(),
        unit_name: String::new(),
    }
}

/// A fair server (issue 23, item 4), with real threads on the backend under test: one
/// user's flood holds at most her share of the database slots (a quarter: 2 of 8 here),
/// and a heavy download waits for her previous one, while another user's work goes
/// through at once.
#[test]
fn one_user_holds_at_most_her_share_of_the_slots_and_one_heavy_download() {
    let t = crate::support::TestDb::new();
    let state = web::AppState::with_connections(t.url(), 8);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let busy = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let flood: Vec<_> = (0..10)
            .map(|_| {
                let (st, busy, most, done) =
                    (state.clone(), busy.clone(), most.clone(), done.clone());
                tokio::spawn(async move {
                    st.run_as(&someone(1), move |db| {
                        let now = busy.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                        most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                        db.ping()?;
                        std::thread::sleep(std::time::Duration::from_millis(150));
                        busy.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                        done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        Ok(())
                    })
                    .await
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        // Another user is served while the flood waits on its own share: before any of
        // the flood's work is done (without the share, after eight of the ten).
        let d = done.clone();
        let finished_first = state
            .run_as(&someone(2), move |db| {
                db.ping()?;
                Ok(d.load(std::sync::atomic::Ordering::SeqCst))
            })
            .await
            .unwrap();
        assert!(
            finished_first < 2,
            "the other user waited behind {finished_first} of the flood's requests"
        );
        for f in flood {
            f.await.unwrap().unwrap();
        }
        assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 2);
        // Heavy downloads: her second waits for her first; another user's does not.
        let first = state.heavy(&someone(1)).await.unwrap();
        let second = tokio::time::timeout(
            std::time::Duration::from_millis(100),
            state.heavy(&someone(1)),
        )
        .await;
        assert!(second.is_err(), "her second heavy download did not wait");
        let other = tokio::time::timeout(
            std::time::Duration::from_millis(100),
            state.heavy(&someone(2)),
        )
        .await;
        assert!(other.is_ok(), "another user's download waited");
        drop(first);
    });
}
