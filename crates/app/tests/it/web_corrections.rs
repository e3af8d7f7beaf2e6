//! Corrections and sign-off in the web app and the API (issue 14): a commune clerk
//! corrects and deletes a support with a reason, submits her month; the province
//! approves it, which locks the month against forms and the API until it is reopened.

use crate::web_support::*;
use serde_json::json;

use crate::web_support::demo_clerk as clerk;

fn gift(id: &str, date: &str, unit: &str, quantity: u32) -> String {
    json!([{"record_id": id, "date": date, "unit_code": unit, "support_type": "gift", "quantity": quantity}])
        .to_string()
}

/// The gifts of `unit` in March 2026, as the API's report gives them.
fn march_gifts(c: &mut Http, base: &str, unit: &str) -> i64 {
    gifts_reported(c, base, &format!("unit={unit}"))
}

/// The gifts of March 2026 in the API's report asked with `query`.
fn gifts_reported(c: &mut Http, base: &str, query: &str) -> i64 {
    let r = c.get(&format!(
        "{base}/api/reports?{query}&from=2026-03-01&to=2026-03-31"
    ));
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "gifts")
        .and_then(|i| i["value"].as_i64())
        .unwrap()
}

/// The correction form of the first of March's supports listed: its address, and the
/// version of the record it shows.
fn first_correction(c: &mut Http, base: &str) -> (String, String) {
    let list = c
        .get(&format!(
            "{base}/records/supports?from=2026-03-01&to=2026-03-31"
        ))
        .body;
    let edit = format!("{base}/records/supports/edit?{}", link(&list, "edit"));
    let form = c.get(&edit).body;
    let version = between(&form, "name=\"_version\" value=\"", "\"");
    (edit, version)
}

/// The query of the first link to `action` (edit or delete) on the supports list.
fn link(page: &str, action: &str) -> String {
    between(page, &format!("href=\"/records/supports/{action}?"), "\"")
}

#[test]
fn a_support_corrected_and_deleted_with_reasons_then_a_month_approved_and_locked() {
    let server = demo_server();
    let base = &server.base;
    let (mut c, unit, csrf) = clerk(base);
    let api = format!("{base}/api/import/supports");
    let before = march_gifts(&mut c, base, &unit);
    assert_eq!(
        c.post_json(&api, &gift("WC-1", "2026-03-05", &unit, 4), &csrf)
            .status,
        200
    );
    assert_eq!(march_gifts(&mut c, base, &unit), before + 4);

    // The list of the month's supports links to the correction of each.
    let list = c
        .get(&format!(
            "{base}/records/supports?from=2026-03-01&to=2026-03-31"
        ))
        .body;
    assert!(list.contains("WC-1"), "{list}");
    let (edit, version) = first_correction(&mut c, base);
    let six =
        format!("_version={version}&date=2026-03-05&unit_code={unit}&support_type=gift&quantity=6");
    let mut correction = fields(&csrf, &six);
    // Without a reason nothing is saved, and the form says why.
    let refused = c.post_form(&edit, &correction);
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("Cần ghi lý do"), "{}", refused.body);
    assert_eq!(march_gifts(&mut c, base, &unit), before + 4);
    correction.push(("reason", "đếm lại: 6 suất"));
    assert_eq!(c.post_form(&edit, &correction).status, 303);
    assert_eq!(march_gifts(&mut c, base, &unit), before + 6);

    // Deleted with its reason: the report drops it.
    let list = c
        .get(&format!(
            "{base}/records/supports?from=2026-03-01&to=2026-03-31"
        ))
        .body;
    let delete = format!("{base}/records/supports/delete?{}", link(&list, "delete"));
    assert!(c.get(&delete).body.contains("Lý do xóa"));
    let gone = c.post_form(
        &delete,
        &[("_csrf", &csrf), ("reason", "trùng với phiếu khác")],
    );
    assert_eq!(gone.status, 303);
    assert_eq!(march_gifts(&mut c, base, &unit), before);

    // The audit shows both with their reasons (the province manager reads it).
    let mut tinh = Http::signed_in(base, "tinh");
    let audit = tinh.get(&format!("{base}/audit?entity=supports")).body;
    for reason in ["đếm lại: 6 suất", "trùng với phiếu khác"] {
        assert!(audit.contains(reason), "{reason}: {audit}");
    }

    sign_off_locks_the_month(base, (&mut c, &csrf), &mut tinh, &unit);
}

/// The clerk submits March (she may not approve it herself); the province approves it
/// from her dashboard, which locks the month against the API and the correction form
/// until she reopens it.
fn sign_off_locks_the_month(base: &str, (c, csrf): (&mut Http, &str), tinh: &mut Http, unit: &str) {
    let api = format!("{base}/api/import/supports");
    assert_eq!(
        c.post_json(&api, &gift("WC-2", "2026-03-09", unit, 2), csrf)
            .status,
        200
    );
    // The province lists one commune's records; a clerk may not list the province's.
    let one = tinh
        .get(&format!(
            "{base}/records/supports?from=2026-03-01&to=2026-03-31&unit={unit}"
        ))
        .body;
    assert!(one.contains("WC-2"), "{one}");
    assert_eq!(
        c.get(&format!("{base}/records/supports?unit=48")).status,
        400
    );

    let step_with = |c: &mut Http, csrf: &str, to: &str, comment: &str| {
        c.post_form(
            &format!("{base}/periods"),
            &[
                ("_csrf", csrf),
                ("unit", unit),
                ("p", "2026-03"),
                ("to", to),
                ("comment", comment),
            ],
        )
        .status
    };
    // Sending back and reopening give their reason; the other steps need none.
    let step = |c: &mut Http, csrf: &str, to: &str| {
        let reason = match to {
            "returned" | "reopened" => "cần bổ sung hỗ trợ còn thiếu",
            _ => "",
        };
        step_with(c, csrf, to, reason)
    };
    assert_eq!(step(c, csrf, "submitted"), 303);
    let approved_only = format!("unit={unit}&approved=1");
    assert_eq!(
        gifts_reported(c, base, &approved_only),
        0,
        "submitted is not approved"
    );
    assert_eq!(step(c, csrf, "approved"), 409);
    // The province sees it waiting on her dashboard, and approves it.
    assert!(tinh
        .get(&format!("{base}/"))
        .body
        .contains("Chờ bạn duyệt: 1 kỳ"));
    let tinh_csrf = tinh.csrf(base);
    assert_eq!(step(tinh, &tinh_csrf, "approved"), 303);
    let page = tinh.get(&format!("{base}/periods?p=2026-03")).body;
    assert!(page.contains("đã duyệt 1/"), "{page}");
    let all = march_gifts(c, base, unit);
    assert_eq!(gifts_reported(c, base, &approved_only), all);
    // The province's report of the month says which communes' figures are approved.
    let report = tinh
        .get(&format!(
            "{base}/reports?unit=48&from=2026-03-01&to=2026-03-31&by_children=1"
        ))
        .body;
    assert!(
        report.contains("Duyệt số liệu của kỳ: đã duyệt 1/"),
        "{report}"
    );

    // Locked: the API (409) and the correction form refuse a write in March, naming
    // the approval; April is open.
    let locked = c.post_json(&api, &gift("WC-3", "2026-03-20", unit, 1), csrf);
    assert_eq!(locked.status, 409, "{}", locked.body);
    assert!(locked.body.contains("(tinh) duyệt ngày"), "{}", locked.body);
    let (edit, version) = first_correction(c, base);
    // The form says it is locked, and by whom, before she types anything.
    let form = c.get(&edit).body;
    assert!(
        form.contains("🔒 Bản ghi thuộc kỳ") && form.contains("(tinh) duyệt lúc"),
        "{form}"
    );
    let after = format!("_version={version}&date=2026-03-09&unit_code={unit}&support_type=gift&quantity=3&reason=sửa sau khi duyệt");
    let refused = c.post_form(&edit, &fields(csrf, &after));
    assert!(
        refused.body.contains("(tinh) duyệt ngày"),
        "{}",
        refused.body
    );
    assert_eq!(
        c.post_json(&api, &gift("WC-4", "2026-04-02", unit, 1), csrf)
            .status,
        200
    );

    // What the province signed: nothing changed yet; its document, reprinted.
    let signed_page = format!("{base}/periods/signed?unit={unit}&p=2026-03");
    let signed = tinh.get(&signed_page).body;
    says_all(
        &signed,
        &[
            "Bản đã ký",
            "Không bản ghi nào thay đổi sau khi ký",
            "In lại bản đã ký",
        ],
        "signed page",
    );
    let marker = "/periods/signed?id=";
    let at = signed.find(marker).expect("a link to the seal") + marker.len();
    let id: String = signed[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let print = format!("{base}{marker}{id}&format=html");
    let printed = tinh.get(&print).body;
    assert!(printed.contains("BÁO CÁO"), "{printed}");

    // Reopening asks for a reason; given one, March takes the write.
    assert_eq!(step_with(tinh, &tinh_csrf, "reopened", "  "), 400);
    assert_eq!(step(tinh, &tinh_csrf, "reopened"), 303);
    assert_eq!(
        c.post_json(&api, &gift("WC-3", "2026-03-20", unit, 1), csrf)
            .status,
        200
    );
    // The signed version says what changed since and reprints as it was.
    let signed = tinh.get(&signed_page).body;
    says_all(
        &signed,
        &[
            "1 bản ghi đã thay đổi sau khi ký",
            "WC-3",
            "thêm sau khi ký",
            "Số liệu đã khác bản đã ký",
        ],
        "signed page after a correction",
    );
    assert_eq!(tinh.get(&print).body, printed, "the reprint changed");
    let report = tinh
        .get(&format!(
            "{base}/reports?unit={unit}&from=2026-03-01&to=2026-03-31"
        ))
        .body;
    assert!(
        report.contains("1 bản ghi đã thay đổi sau khi ký"),
        "{report}"
    );

    // The API deletes too, with its reason.
    let delete =
        json!([{"record_id": "WC-3", "delete": 1, "reason": "thử xóa qua API"}]).to_string();
    let r = c.post_json(&api, &delete, csrf);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("\"deleted\":1"), "{}", r.body);
}

/// A form's fields written as `name=value&…`, after the session's CSRF token.
fn fields<'a>(csrf: &'a str, written: &'a str) -> Vec<(&'a str, &'a str)> {
    let pairs = written.split('&').filter_map(|p| p.split_once('='));
    std::iter::once(("_csrf", csrf)).chain(pairs).collect()
}

#[test]
fn forms_ask_for_what_a_person_must_give() {
    let server = demo_server();
    let base = &server.base;
    let (mut c, unit, csrf) = clerk(base);
    // A household of her own, with one member.
    let hh = json!([{"household_code": "WF-1", "unit_code": unit, "registered_on": "2026-02-01", "head_name": "Hồ Thị Mến", "head_gender": "F", "area": "rural", "size": 3}]);
    assert_eq!(
        c.post_json(
            &format!("{base}/api/import/households"),
            &hh.to_string(),
            &csrf
        )
        .status,
        200
    );
    let member = json!([{"household_code": "WF-1", "member_no": 1, "full_name": "Hồ Thị Mến", "gender": "F"}]);
    assert_eq!(
        c.post_json(
            &format!("{base}/api/import/members"),
            &member.to_string(),
            &csrf
        )
        .status,
        200
    );
    let supports = |c: &mut Http| {
        c.get(&format!(
            "{base}/records/supports?from=2026-01-01&to=2026-12-31"
        ))
        .body
    };
    let before = supports(&mut c);

    // A livelihood support with neither quantity nor value is not saved.
    let livelihood =
        format!("date=2026-03-02&unit_code={unit}&support_type=livelihood&member_no=1");
    let empty = c.post_form(
        &format!("{base}/households/WF-1/supports"),
        &fields(&csrf, &livelihood),
    );
    assert!(
        empty.body.contains("Cần nhập số lượng hoặc trị giá"),
        "{}",
        empty.body
    );
    assert_eq!(supports(&mut c), before);
    // A class of nobody is not saved either.
    let nobody = format!(
        "date=2026-03-02&unit_code={unit}&activity_type=vocational_class&sessions=1&participants="
    );
    let class = c.post_form(&format!("{base}/activities/new"), &fields(&csrf, &nobody));
    assert!(class.body.contains("Cần nhập ô này"), "{}", class.body);
    // Adding a member under a number she already has is refused: her data stays.
    let taken = "member_no=1&full_name=Người Khác&gender=F";
    let again = c.post_form(
        &format!("{base}/households/WF-1/members"),
        &fields(&csrf, taken),
    );
    assert!(
        again.body.contains("đã có bản ghi với mã này"),
        "{}",
        again.body
    );
    let detail: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/households/WF-1")).body).unwrap();
    assert_eq!(detail["members"][0]["full_name"], "Hồ Thị Mến");
    // "Lưu và thêm tiếp": saved, and the same form again.
    let gift = format!("date=2026-03-03&unit_code={unit}&support_type=gift&quantity=2&_again=1");
    let again = c.post_form(
        &format!("{base}/households/WF-1/supports"),
        &fields(&csrf, &gift),
    );
    assert!(
        again.body.contains("Đã lưu hỗ trợ. Nhập tiếp.") && again.body.contains("Lưu và thêm tiếp"),
        "{}",
        again.body
    );
    assert_ne!(supports(&mut c), before, "the support was saved");
    let class = format!("date=2026-03-04&unit_code={unit}&activity_type=vocational_class&sessions=1&participants=12&_again=1");
    let next = c.post_form(&format!("{base}/activities/new"), &fields(&csrf, &class));
    assert!(
        next.body.contains("Đã lưu hoạt động. Nhập tiếp.")
            && next.body.contains("value=\"04/03/2026\""),
        "{}",
        next.body
    );
    // A household left without a code gets one from its unit; a code with slashes works
    // in links.
    // The second has the first's head in the same unit: asked first, created once she
    // says it is another household.
    for (code, at, other) in [
        ("", format!("/households/{unit}-0001"), ""),
        (
            "DN/2026/001",
            "/households/DN%2F2026%2F001".into(),
            "&dup_ok=1",
        ),
    ] {
        let written = format!("household_code={code}&unit_code={unit}&registered_on=2026-02-01&head_name=Hồ Thị Lan&head_gender=F&area=rural&ethnic_minority=0&size=2");
        if !other.is_empty() {
            let asked = c.post_form(&format!("{base}/households/new"), &fields(&csrf, &written));
            assert!(
                asked.body.contains("Có thể hộ này đã có") && asked.body.contains("cùng họ tên"),
                "{}",
                asked.body
            );
        }
        let created = c.post_form(
            &format!("{base}/households/new"),
            &fields(&csrf, &format!("{written}{other}")),
        );
        assert_eq!(
            created.header("location"),
            Some(format!("{at}?luu=gia-dinh").as_str()),
            "{}",
            created.body
        );
        let page = c.get(&format!("{base}{at}?luu=gia-dinh"));
        assert!(page.body.contains("Đã lưu hộ mới"), "{}", page.body);
    }
    // Editing her is its own action, linked from the household's page.
    let page = c.get(&format!("{base}/households/WF-1")).body;
    let edit = between(&page, "href=\"/records/members/edit?", "\"");
    let form = c.get(&format!("{base}/records/members/edit?{edit}")).body;
    assert!(
        form.contains("Lý do sửa") && form.contains("Hồ Thị Mến"),
        "{form}"
    );
}

/// Search finds a household by its code and by the words of a name in any order,
/// without tone marks, once per household, and says how many it found (issue 15).
#[test]
fn search_finds_by_code_and_by_words_in_any_order_once_per_household() {
    let (server, mut c) = demo_as("tinh");
    let base = &server.base;
    let one = "href=\"/households/QN000001\"";
    let page = |c: &mut Http, q: &str| c.get(&format!("{base}/households?q={}", enc(q))).body;
    assert!(page(&mut c, "QN000001").contains(one));
    let detail: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/households/QN000001")).body).unwrap();
    let head = detail["head_name"].as_str().unwrap();
    // The words reversed, without tone marks.
    let reversed: Vec<String> = domain::text::fold(head)
        .split_whitespace()
        .rev()
        .map(str::to_owned)
        .collect();
    let found = page(&mut c, &reversed.join(" "));
    assert_eq!(found.matches(one).count(), 1, "{found}");
    assert!(found.contains(" hộ</strong>"), "{found}");
    // A long list says how many and pages.
    let poor = c.get(&format!("{base}/households?status=poor")).body;
    let total: i64 = between(&poor, "<strong>", " hộ</strong>").parse().unwrap();
    assert!(total > 50, "{total}");
    assert!(poor.contains("Trang sau"), "{poor}");
    let second = c
        .get(&format!("{base}/households?q=&status=poor&page=1"))
        .body;
    assert!(second.contains("hiển thị 51–"), "{second}");
}

/// Vietnamese where the app used to fall back on English or on a guess (issue 15): an
/// unknown address, a date that does not exist, the times of the audit.
#[test]
fn unknown_pages_impossible_dates_and_audit_times_in_vietnamese() {
    let (server, mut c) = demo_as("tinh");
    let base = &server.base;
    let missing = c.get(&format!("{base}/khong-co-trang-nay"));
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Không tìm thấy"), "{}", missing.body);
    let feb30 = c.get(&format!(
        "{base}/reports?unit=48&from=2023-02-30&to=2023-10-31"
    ));
    assert_eq!(feb30.status, 400);
    assert!(
        feb30.body.contains("Từ ngày") && feb30.body.contains("2023-02-30"),
        "{}",
        feb30.body
    );
    // The audit's times are Vietnam's, day first.
    let csrf = c.csrf(base);
    let api = format!("{base}/api/import/supports");
    assert_eq!(
        c.post_json(&api, &gift("WT-1", "2026-03-05", "48", 1), &csrf)
            .status,
        200
    );
    let audit = c.get(&format!("{base}/audit")).body;
    let first = between(&audit, "<td data-label=\"Lúc\">", "</td>");
    assert!(
        first.len() == 16 && first.as_bytes()[2] == b'/' && first.as_bytes()[5] == b'/',
        "{first}"
    );
}

/// Roles shown honestly (issue 15): a viewer sees citizen IDs masked through the API (the
/// page shows the same `members_shown`); who may write the household sees them whole.
#[test]
fn a_viewer_sees_citizen_ids_masked() {
    let server = demo_server();
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    let with_id = db
        .query(
            "SELECT household_code FROM members WHERE citizen_id IS NOT NULL ORDER BY 1 LIMIT 1",
            &[],
        )
        .unwrap();
    let code = crate::support::cell(&with_id[0], "household_code");
    let ids = |user: &str| -> Vec<String> {
        let mut c = Http::signed_in(base, user);
        let detail: serde_json::Value =
            serde_json::from_str(&c.get(&format!("{base}/api/households/{code}")).body).unwrap();
        detail["members"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["citizen_id"].as_str().map(str::to_owned))
            .collect()
    };
    let whole = ids("tinh");
    assert!(
        !whole.is_empty()
            && whole
                .iter()
                .all(|id| id.len() == 12 && id.chars().all(|c| c.is_ascii_digit())),
        "{whole:?}"
    );
    let masked = ids("xem");
    assert!(
        masked.iter().all(|id| id.starts_with("••••••••")),
        "{masked:?}"
    );
}

/// Users (issue 15): the form keeps what was typed after a refusal and starts from the
/// least role; a manager resets the password of a user below her, whose sessions end and
/// who must change it at her next sign-in.
#[test]
fn the_users_form_keeps_its_fields_and_a_manager_resets_a_password() {
    let (server, mut tinh, csrf) = demo_with_csrf("tinh");
    let base = &server.base;
    let users = tinh.get(&format!("{base}/users")).body;
    assert!(
        users.contains("<option value=\"viewer\" selected>"),
        "{users}"
    );
    let short = tinh.post_form(
        &format!("{base}/users"),
        &fields(
            &csrf,
            "username=can-bo-moi&full_name=Cán Bộ Mới&role=clerk&unit_code=48&password=ngan",
        ),
    );
    assert!(
        short.body.contains("value=\"can-bo-moi\"")
            && short.body.contains("<option value=\"clerk\" selected>"),
        "{}",
        short.body
    );

    let (mut clerk, _, _) = clerk(base);
    let xa_row = users
        .split("<tr>")
        .find(|r| r.contains("<td data-label=\"Tên đăng nhập\">xa</td>"))
        .unwrap();
    let xa_id = between(xa_row, "name=\"id\" value=\"", "\"");
    let reset = tinh.post_form(
        &format!("{base}/users/reset"),
        &[("_csrf", &csrf), ("id", &xa_id)],
    );
    let password = between(&reset.body, "Mật khẩu dùng một lần của xa: ", " ");
    assert_eq!(password.len(), 16, "{}", reset.body);
    // Her open session ended; the new password signs her in to the password page.
    assert_eq!(clerk.get(&format!("{base}/")).status, 303);
    let mut again = Http::default();
    let signed = again.login(base, "xa", &password);
    assert_eq!(
        signed.header("location"),
        Some("/password"),
        "{}",
        signed.body
    );
}

/// The sign-off shows each unit by name with its figures and the change since the period
/// before, lists what waits for her first, asks a reason to send back, and refuses a
/// period that has not ended.
#[test]
fn the_sign_off_shows_the_figures_it_approves_and_asks_reasons() {
    let server = demo_server();
    let base = &server.base;
    let (mut c, unit, csrf) = clerk(base);
    let step = |c: &mut Http, csrf: &str, p: &str, to: &str, comment: &str| {
        c.post_form(
            &format!("{base}/periods"),
            &[
                ("_csrf", csrf),
                ("unit", unit.as_str()),
                ("p", p),
                ("to", to),
                ("comment", comment),
            ],
        )
    };
    // This year has not ended: not yet to submit, and the page says from when.
    let year = crate::support::date(&chrono_today()).year();
    let refused = step(&mut c, &csrf, &year.to_string(), "submitted", "");
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("chưa kết thúc"), "{}", refused.body);
    let own = c.get(&format!("{base}/periods?p={year}")).body;
    assert!(
        own.contains("Kỳ chưa kết thúc: gửi duyệt được từ ngày 01/01/"),
        "{own}"
    );
    assert_eq!(step(&mut c, &csrf, "2025", "submitted", "").status, 303);

    let mut tinh = Http::signed_in(base, "tinh");
    let tinh_csrf = tinh.csrf(base);
    let page = tinh.get(&format!("{base}/periods?p=2025")).body;
    // Her commune's figures, as its report of the year in today's units gives them.
    let report: serde_json::Value = serde_json::from_str(
        &tinh
            .get(&format!(
                "{base}/api/reports?unit={unit}&from=2025-01-01&to=2025-12-31&s={}",
                chrono_today()
            ))
            .body,
    )
    .unwrap();
    let escaped = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == "hh_escaped")
        .unwrap()["value"]
        .as_i64()
        .unwrap();
    let name = report["unit"]["name"].as_str().unwrap();
    says_all(
        &page,
        &[
            "Chờ bạn duyệt (1)",
            name,
            "Thoát nghèo, cận nghèo",
            "So với kỳ trước",
            &format!(
                "data-label=\"Thoát nghèo, cận nghèo\">{}<",
                reports::render::count(escaped)
            ),
            "placeholder=\"Lý do trả lại\"",
            "class=\"approve\"",
        ],
        "the sign-off, waiting first",
    );
    let rows = |p: &str| p.matches("data-label=\"Trạng thái\"").count();
    assert_eq!(rows(&page), 1, "only what waits for her");
    let all = tinh.get(&format!("{base}/periods?p=2025&loc=tat-ca")).body;
    assert!(rows(&all) > 10, "every unit below");
    let found = tinh
        .get(&format!("{base}/periods?p=2025&loc=tat-ca&q={}", enc(name)))
        .body;
    assert_eq!(rows(&found), 1, "found by name");

    // Sending back needs a reason; with one it goes back to the commune.
    let back = |c: &mut Http, comment: &str| {
        c.post_form(
            &format!("{base}/periods"),
            &[
                ("_csrf", tinh_csrf.as_str()),
                ("unit", unit.as_str()),
                ("p", "2025"),
                ("to", "returned"),
                ("comment", comment),
            ],
        )
    };
    let refused = back(&mut tinh, "");
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("Cần ghi lý do trả lại"),
        "{}",
        refused.body
    );
    assert_eq!(back(&mut tinh, "thiếu hộ nhận giúp tháng 11").status, 303);
    let own = c.get(&format!("{base}/periods?p=2025")).body;
    assert!(own.contains("thiếu hộ nhận giúp tháng 11"), "{own}");
}

/// Today as the server sees it (YYYY-MM-DD, Vietnam's day).
fn chrono_today() -> String {
    web::today().to_string()
}
