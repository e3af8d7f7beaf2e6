//! A commune officer's day (issue 25) in the web app: a whole family in one form, every
//! record kind with a form that returns her where she started, her household's history
//! in words and a deleted record restored, and the household's card.

use crate::web_support::*;

use crate::web_support::demo_clerk as clerk;

use crate::web_support::reported as figure;

fn with_csrf<'a>(csrf: &'a str, fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    std::iter::once(("_csrf", csrf))
        .chain(fields.iter().copied())
        .collect()
}

#[test]
fn a_family_in_one_form_counted_corrected_with_reasons_and_restored() {
    let server = demo_server();
    let base = &server.base;
    let (mut c, unit, csrf) = clerk(base);
    let today = web::today();
    let year = today.year().to_string();
    let (from, to) = (format!("{year}-01-01"), today.to_string());
    let span = (from.as_str(), to.as_str());
    let assisted = figure(&mut c, base, &unit, span, "hh_assisted");

    // The form opens with her unit, today's date and the head as member 1.
    let form = c.get(&format!("{base}/households/new")).body;
    says_all(
        &form,
        &[
            &format!("value=\"{unit}\""),
            &format!("value=\"{}\"", today.dmy()),
            "Thành viên 1 — chủ hộ",
            "id=\"m2-full_name\"",
            "novalidate",
        ],
        "the family form",
    );
    let today_dmy = today.dmy();
    let family = |code: &'static str, m2_year: &'static str| {
        vec![
            ("household_code", code),
            ("unit_code", unit.as_str()),
            ("registered_on", today_dmy.as_str()),
            ("head_name", "Nguyễn Thị Gia"),
            ("head_gender", "F"),
            ("area", "rural"),
            ("ethnic_minority", "0"),
            ("size", ""),
            ("_members", "2"),
            ("m1.birth_year", "1980"),
            ("m1.citizen_id", "049180001234"),
            ("m1.union_member", "1"),
            ("m2.full_name", "Trần Thị Con"),
            ("m2.gender", "F"),
            ("m2.birth_year", m2_year),
            ("a.year", year.as_str()),
            ("a.kind", "provisional"),
            ("a.assessed_on", today_dmy.as_str()),
            ("a.income_per_capita_vnd", "900.000"),
            ("a.deprivations", "employment"),
            ("a.deprivations", "water"),
            ("a.deprivations", "sanitation"),
            ("a.status", ""),
            ("g.on", "1"),
            ("g.unit_code", unit.as_str()),
            ("g.year", year.as_str()),
            ("g.assigned_on", today_dmy.as_str()),
        ]
    };
    // A bad cell in the second member: nothing is written, the message is next to it.
    let bad = c.post_form(
        &format!("{base}/households/new"),
        &with_csrf(&csrf, &family("FAM-1", "19x5")),
    );
    assert_eq!(bad.status, 200);
    assert!(
        bad.body.contains("id=\"m2-birth_year-error\""),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains("value=\"Trần Thị Con\""),
        "her input is kept"
    );
    assert_eq!(c.get(&format!("{base}/api/households/FAM-1")).status, 404);
    // "+ Thêm thành viên" gives a third member's row and saves nothing.
    let mut more = family("FAM-1", "2005");
    more.push(("_more", "1"));
    let more = c.post_form(&format!("{base}/households/new"), &with_csrf(&csrf, &more));
    assert!(more.body.contains("id=\"m3-full_name\""), "{}", more.body);
    assert_eq!(c.get(&format!("{base}/api/households/FAM-1")).status, 404);

    // One save: the household, two members numbered for her, the assessment, the
    // assignment; back on the household's page, which says so.
    let saved = c.post_form(
        &format!("{base}/households/new"),
        &with_csrf(&csrf, &family("FAM-1", "2005")),
    );
    assert_eq!(
        saved.header("location"),
        Some("/households/FAM-1?luu=gia-dinh"),
        "{}",
        saved.body
    );
    let detail: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/households/FAM-1")).body).unwrap();
    assert_eq!(detail["size"], 2, "{detail}");
    assert_eq!(detail["members"][0]["member_no"], 1);
    assert_eq!(detail["members"][0]["full_name"], "Nguyễn Thị Gia");
    assert_eq!(detail["members"][1]["member_no"], 2);
    assert_eq!(detail["members"][1]["full_name"], "Trần Thị Con");
    assert_eq!(detail["assessments"][0]["status"], "poor", "{detail}");
    assert_eq!(
        figure(&mut c, base, &unit, span, "hh_assisted"),
        assisted + 1,
        "the assignment is counted"
    );
    let page = c.get(&format!("{base}/households/FAM-1?luu=gia-dinh")).body;
    says_all(
        &page,
        &[
            "Đã lưu hộ mới cùng các thành viên",
            "Lịch sử thay đổi",
            "/households/FAM-1/card",
        ],
        "the household page",
    );

    // The same citizen ID on another family: the household that has it is named first.
    let mut again = family("FAM-2", "2005");
    again[3] = ("head_name", "Lê Thị Khác");
    let asked = c.post_form(&format!("{base}/households/new"), &with_csrf(&csrf, &again));
    says_all(
        &asked.body,
        &["Có thể hộ này đã có", "FAM-1", "trùng số CCCD"],
        "the duplicate warning",
    );
    assert_eq!(c.get(&format!("{base}/api/households/FAM-2")).status, 404);

    // Every child form: the next member's number given, the recipient by name, the
    // standard in force on the day, the assignment with her unit.
    let member = c.get(&format!("{base}/households/FAM-1/members")).body;
    assert!(
        member.contains("name=\"member_no\" value=\"3\""),
        "{member}"
    );
    let support = c.get(&format!("{base}/households/FAM-1/supports")).body;
    assert!(support.contains(">2. Trần Thị Con</option>"), "{support}");
    assert!(
        support.contains("name=\"item\""),
        "the support says what was given"
    );
    let assessment = c.get(&format!("{base}/households/FAM-1/assessments")).body;
    assert!(assessment.contains("Nghị định 07/2021"), "{assessment}");
    let assignment = c.get(&format!("{base}/households/FAM-1/assignments")).body;
    assert!(
        assignment.contains(&format!("value=\"{unit}\"")),
        "{assignment}"
    );
    let next_year = (today.year() + 1).to_string();
    let assigned = c.post_form(
        &format!("{base}/households/FAM-1/assignments"),
        &with_csrf(
            &csrf,
            &[
                ("unit_code", unit.as_str()),
                ("year", next_year.as_str()),
                ("assigned_on", today_dmy.as_str()),
            ],
        ),
    );
    assert_eq!(
        assigned.header("location"),
        Some("/households/FAM-1?luu=phan-cong#giup-do"),
        "{}",
        assigned.body
    );

    // "Sửa hộ" asks a reason; the reason is in her history.
    let edit = |c: &mut Http, reason: &'static str| {
        let form = c.get(&format!("{base}/households/FAM-1/edit")).body;
        let version = between(&form, "name=\"_version\" value=\"", "\"");
        c.post_form(
            &format!("{base}/households/FAM-1/edit"),
            &with_csrf(
                &csrf,
                &[
                    ("_version", version.as_str()),
                    ("unit_code", unit.as_str()),
                    ("registered_on", today_dmy.as_str()),
                    ("head_name", "Nguyễn Thị Gia"),
                    ("head_gender", "F"),
                    ("area", "rural"),
                    ("ethnic_minority", "1"),
                    ("size", "3"),
                    ("reason", reason),
                ],
            ),
        )
    };
    let unreasoned = edit(&mut c, "");
    assert!(
        unreasoned.body.contains("id=\"reason-error\""),
        "{}",
        unreasoned.body
    );
    let reasoned = edit(&mut c, "hộ có thêm cháu");
    assert_eq!(
        reasoned.header("location"),
        Some("/households/FAM-1?luu=ho")
    );
    let page = c.get(&format!("{base}/households/FAM-1")).body;
    says_all(
        &page,
        &[
            "Sửa hộ gia đình",
            "Số nhân khẩu: 2 → 3",
            "Lý do: hộ có thêm cháu",
        ],
        "the history",
    );

    // A support deleted by mistake, then restored: counted again, restored once.
    let gifts = |c: &mut Http| figure(c, base, &unit, span, "gifts");
    let before = gifts(&mut c);
    let given = c.post_form(
        &format!("{base}/households/FAM-1/supports"),
        &with_csrf(
            &csrf,
            &[
                ("date", today_dmy.as_str()),
                ("unit_code", unit.as_str()),
                ("support_type", "gift"),
                ("member_no", "2"),
                ("quantity", "2"),
                ("item", "Chăn ấm"),
            ],
        ),
    );
    assert_eq!(
        given.header("location"),
        Some("/households/FAM-1?luu=ho-tro#giup-do")
    );
    assert_eq!(gifts(&mut c), before + 2);
    let page = c.get(&format!("{base}/households/FAM-1")).body;
    let delete = between(&page, "href=\"/records/supports/delete?", "\"").replace("&amp;", "&");
    let deleted = c.post_form(
        &format!("{base}/records/supports/delete?{delete}"),
        &with_csrf(&csrf, &[("reason", "bấm nhầm")]),
    );
    assert_eq!(
        deleted.header("location"),
        Some("/households/FAM-1?luu=xoa#giup-do"),
        "{}",
        deleted.body
    );
    assert_eq!(gifts(&mut c), before);
    let page = c.get(&format!("{base}/households/FAM-1")).body;
    assert!(
        page.contains("Bản ghi đã xóa") && page.contains("bấm nhầm"),
        "{page}"
    );
    let id = between(
        &page[page.find("Bản ghi đã xóa").unwrap()..],
        "name=\"id\" value=\"",
        "\"",
    );
    let restore = |c: &mut Http, reason: &'static str| {
        c.post_form(
            &format!("{base}/households/FAM-1/restore"),
            &with_csrf(&csrf, &[("id", id.as_str()), ("reason", reason)]),
        )
    };
    assert!(
        restore(&mut c, "").body.contains("lý do"),
        "a restore asks a reason"
    );
    assert_eq!(gifts(&mut c), before);
    let restored = restore(&mut c, "xóa nhầm");
    assert_eq!(
        restored.header("location"),
        Some("/households/FAM-1?luu=khoi-phuc#lich-su"),
        "{}",
        restored.body
    );
    assert_eq!(
        gifts(&mut c),
        before + 2,
        "the restored support is counted again"
    );
    assert_eq!(restore(&mut c, "lần nữa").status, 409, "restored once");
    assert_eq!(gifts(&mut c), before + 2);

    // The restored support's own history, on its correction form: deleted, restored.
    let page = c.get(&format!("{base}/households/FAM-1")).body;
    let edit = between(&page, "href=\"/records/supports/edit?", "\"").replace("&amp;", "&");
    let form = c.get(&format!("{base}/records/supports/edit?{edit}")).body;
    says_all(
        &form,
        &[
            "Các lần thay đổi bản ghi này",
            "Lý do: bấm nhầm",
            "Khôi phục bản ghi đã xóa: xóa nhầm",
        ],
        "the record's history",
    );

    // A kind with no form of its own (a micro-insurance sale) through the form derived
    // from the contract: its id made by the server, counted.
    let sold = figure(&mut c, base, &unit, span, "microinsurance_contracts");
    let new = c.get(&format!("{base}/records/microinsurance/new")).body;
    assert!(
        !new.contains("name=\"record_id\""),
        "the server makes the id"
    );
    let saved = c.post_form(
        &format!("{base}/records/microinsurance/new"),
        &with_csrf(
            &csrf,
            &[
                ("date", today_dmy.as_str()),
                ("unit_code", unit.as_str()),
                ("kind", "contract"),
                ("count", "3"),
                ("amount_vnd", "150.000"),
            ],
        ),
    );
    assert_eq!(
        saved.header("location"),
        Some("/records/microinsurance?luu=ban-ghi"),
        "{}",
        saved.body
    );
    assert_eq!(
        figure(&mut c, base, &unit, span, "microinsurance_contracts"),
        sold + 3
    );

    // Phiếu hộ: the card in print and as a PDF, without identifiers.
    let card = c.get(&format!("{base}/households/FAM-1/card"));
    says_all(
        &card.body,
        &["PHIẾU THÔNG TIN HỘ", "Trần Thị Con", "Chăn ấm", "hộ nghèo"],
        "the card",
    );
    assert!(
        !card.body.contains("049180001234"),
        "no citizen ID on paper"
    );
    let pdf = c.get(&format!("{base}/households/FAM-1/card?format=pdf"));
    assert!(pdf.bytes.starts_with(b"%PDF"));
    let text = String::from_utf8_lossy(&pdf.bytes);
    assert!(text.contains("/Lang (vi-VN)"), "the PDF names its language");
}

/// A province's figures in today's units are computed again after a write in that
/// province, or anything not one province's records (a period approved), never after a
/// save in another province (issue 27): what the counts of `store::generations` say,
/// and a report page that follows its own province's save at once.
#[test]
fn a_save_in_one_province_leaves_the_others_figures_kept() {
    let server = demo_server();
    let base = &server.base;
    let mut admin = Http::signed_in(base, "quantri");
    let csrf = admin.csrf(base);
    let mut db = store::open(server.db_url()).unwrap();
    // Đà Nẵng (48) holds the demo; Hà Nội (01) is another province.
    let counts = |db: &mut store::Db| {
        (
            store::generations::of_scope(db, Some("48"), None).unwrap(),
            store::generations::of_scope(db, Some("01"), None).unwrap(),
        )
    };
    let today = web::today();
    let activity = |unit: &str, n: u32| {
        serde_json::json!([{"record_id": format!("GEN-{unit}-{n}"), "date": today.to_string(), "unit_code": unit,
            "activity_type": "vocational_class", "sessions": 1, "participants": 7}])
        .to_string()
    };
    // The server has its unit graph (a page was served): a write is placed in its province.
    let mut tinh = Http::signed_in(base, "tinh");
    let report = format!(
        "{base}/reports?unit=48&from={}-01-01&to={today}",
        today.year()
    );
    let classes = |c: &mut Http| {
        let page = c.get(&report).body;
        between(&page, "indicator=vocational_classes\">", "<")
    };
    let before_page = classes(&mut tinh);
    let (da_nang, ha_noi) = counts(&mut db);
    let r = admin.post_json(
        &format!("{base}/api/import/activities"),
        &activity("01", 1),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let (da_nang_after, ha_noi_after) = counts(&mut db);
    assert_eq!(
        da_nang_after, da_nang,
        "a save in Hà Nội leaves Đà Nẵng's figures kept"
    );
    assert_eq!(
        ha_noi_after.0,
        ha_noi.0 + 1,
        "Hà Nội's figures are computed again"
    );
    let r = admin.post_json(
        &format!("{base}/api/import/activities"),
        &activity("48", 2),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let (da_nang_now, _) = counts(&mut db);
    assert_eq!(da_nang_now.0, da_nang.0 + 1);
    let after_page = classes(&mut tinh);
    assert_eq!(
        after_page.parse::<i64>().unwrap(),
        before_page.parse::<i64>().unwrap() + 1,
        "her report follows her province's save at once"
    );
    // A household of Đà Nẵng taken on by Hà Nội: her assessment, which counts her
    // escape for the unit that took her on, moves both provinces' counts.
    let household = crate::support::cell(
        &db.query_one(
            "SELECT household_code FROM households ORDER BY household_code LIMIT 1",
            &[],
        )
        .unwrap(),
        "household_code",
    );
    let y = today.year();
    let assignment = serde_json::json!([{"household_code": household, "unit_code": "01", "year": y,
        "assigned_on": today.to_string()}]);
    let r = admin.post_json(
        &format!("{base}/api/import/assignments"),
        &assignment.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let before = counts(&mut db);
    let assessment = serde_json::json!([{"household_code": household, "year": y, "kind": "provisional",
        "assessed_on": today.to_string(), "income_per_capita_vnd": 90000000, "status": "not_poor"}]);
    let r = admin.post_json(
        &format!("{base}/api/import/assessments"),
        &assessment.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let after = counts(&mut db);
    assert_eq!(
        (after.0 .0, after.1 .0),
        (before.0 .0 + 1, before.1 .0 + 1),
        "an assessment moves the province of her household and of the unit that took her on"
    );
    // An approval changes what every figure may say: the other count moves.
    let before = counts(&mut db);
    db.transaction(store::generations::bump_other).unwrap();
    let after = counts(&mut db);
    assert_eq!((after.0 .1, after.1 .1), (before.0 .1 + 1, before.1 .1 + 1));
}

/// The households' own figures of a report (assisted, escaped…) are kept through saves
/// of supports, most of a month end's, and computed again after a save of a household's
/// records (issue 27): what the households' counts of `store::generations` say, and a
/// report page that follows each save at once.
#[test]
fn a_support_leaves_the_households_figures_kept_an_assignment_does_not() {
    let server = demo_server();
    let base = &server.base;
    let mut admin = Http::signed_in(base, "quantri");
    let csrf = admin.csrf(base);
    let mut tinh = Http::signed_in(base, "tinh");
    let mut db = store::open(server.db_url()).unwrap();
    let today = web::today();
    let y = today.year();
    let report = format!("{base}/reports?unit=48&from={y}-01-01&to={today}");
    let shown = |c: &mut Http, code: &str| -> i64 {
        let page = c.get(&report).body;
        let cell = between(&page, &format!("indicator={code}\">"), "<");
        let digits: String = cell.chars().filter(char::is_ascii_digit).collect();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("{code}: {cell:?}"))
    };
    let counted = |db: &mut store::Db| store::generations::of_households(db, Some("48")).unwrap();
    let (gifts, assisted) = (shown(&mut tinh, "gifts"), shown(&mut tinh, "hh_assisted"));
    let before = counted(&mut db);

    let gift = serde_json::json!([{"record_id": "KEPT-1", "date": today.to_string(), "unit_code": "48",
        "support_type": "gift", "quantity": 4}]);
    let r = admin.post_json(
        &format!("{base}/api/import/supports"),
        &gift.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        counted(&mut db),
        before,
        "a support leaves the households' count"
    );
    assert_eq!(
        shown(&mut tinh, "gifts"),
        gifts + 4,
        "her report follows the save"
    );
    assert_eq!(shown(&mut tinh, "hh_assisted"), assisted);

    // A household no chapter took on this year, taken on by a commune of today.
    let first = |db: &mut store::Db, sql: &str| {
        crate::support::cell(&db.query_one(sql, &[]).unwrap(), "code")
    };
    let household = first(
        &mut db,
        &format!(
            "SELECT household_code AS code FROM households WHERE household_code NOT IN \
             (SELECT household_code FROM assignments WHERE year = {y}) ORDER BY household_code LIMIT 1"
        ),
    );
    let s = today.to_string();
    let commune = first(
        &mut db,
        &format!(
            "SELECT code FROM units WHERE level = 'commune' AND parent_code = '48' \
             AND valid_from <= '{s}' AND (valid_to IS NULL OR valid_to >= '{s}') ORDER BY code LIMIT 1"
        ),
    );
    let taken_on = serde_json::json!([{"household_code": household, "unit_code": commune, "year": y,
        "assigned_on": s}]);
    let r = admin.post_json(
        &format!("{base}/api/import/assignments"),
        &taken_on.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        counted(&mut db).0,
        before.0 + 1,
        "an assignment moves the households' count"
    );
    assert_eq!(
        shown(&mut tinh, "hh_assisted"),
        assisted + 1,
        "her report counts the household taken on at once"
    );
}
