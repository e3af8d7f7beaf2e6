//! The personal-data law's duties beyond masking (issue 23): erasure that leaves every
//! figure as it was and is refused while an approved period keeps the records, the
//! data request as a PDF, the breach register's clock and estimate, the retention
//! review, and consent collected on a form and listed where it is missing.

use crate::support::date;
use crate::web_support::{demo_with_csrf, enc, says_all, Http};

/// Every report the demo's figures appear in that the test compares: Đà Nẵng (which
/// absorbed Quảng Nam), Quảng Nam as it stood, and a commune, by year, with children.
fn all_reports(db: &mut store::Db) -> Vec<String> {
    let mut out = Vec::new();
    for unit in ["48", "49", "20443", "VN"] {
        for year in 2022..=2026 {
            for structure in [None, Some("2026-12-01")] {
                let req = reports::Request {
                    unit: unit.into(),
                    from: date(&format!("{year}-01-01")),
                    to: date(&format!("{year}-12-31")),
                    structure_date: structure.map(date),
                };
                if let Ok(r) = reports::run(db, &req, true) {
                    out.push(serde_json::to_string(&r).unwrap());
                }
            }
        }
    }
    out
}

/// A member who heads her household and has a citizen ID: (household, member no, name,
/// citizen ID).
fn a_head(db: &mut store::Db, unit: Option<&str>) -> (String, i64, String, String) {
    let scope = unit.map_or(String::new(), |u| format!(" AND h.unit_code = '{u}'"));
    let r = db
        .query_one(
            &format!(
                "SELECT m.household_code, m.member_no, m.full_name, m.citizen_id FROM members m \
                 JOIN households h ON h.household_code = m.household_code AND h.head_name_folded = m.name_folded \
                 WHERE m.citizen_id IS NOT NULL{scope} ORDER BY m.household_code LIMIT 1"
            ),
            &[],
        )
        .unwrap();
    (
        r.get("household_code").unwrap(),
        r.get("member_no").unwrap(),
        r.get("full_name").unwrap(),
        r.get("citizen_id").unwrap(),
    )
}

fn count(db: &mut store::Db, sql: &str, p: &[store::Value]) -> i64 {
    db.query_one(sql, p).unwrap().get("n").unwrap()
}

#[test]
fn erasure_replaces_her_data_and_leaves_every_figure_as_it_was() {
    let (server, mut tinh, csrf) = demo_with_csrf("tinh");
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    let (hh, no, name, id) = a_head(&mut db, None);
    // Her record was corrected once, so the audit holds copies of it.
    let r = tinh.post_json(
        &format!("{base}/api/import/members"),
        &format!(r#"[{{"household_code":"{hh}","member_no":"{no}","full_name":"{name}","gender":"F","citizen_id":"{id}","phone":"0912345678"}}]"#),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(tinh
        .get(&format!("{base}/households/{hh}"))
        .body
        .contains(&name));
    let before = all_reports(&mut db);
    assert!(before.len() >= 30, "only {} reports compared", before.len());
    let erase = format!("{base}/households/{hh}/members/{no}/erase");

    // A clerk may not decide it; a reason is needed.
    let (mut xa, xa_csrf) = {
        let mut c = Http::signed_in(base, "xa");
        let t = c.csrf(base);
        (c, t)
    };
    assert_eq!(
        xa.post_form(&erase, &[("_csrf", &xa_csrf), ("reason", "x")])
            .status,
        403
    );
    let page = tinh.get(&erase);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("không hoàn tác được"));
    assert_eq!(
        tinh.post_form(&erase, &[("_csrf", &csrf), ("reason", " ")])
            .status,
        400
    );
    let r = tinh.post_form(
        &erase,
        &[("_csrf", &csrf), ("reason", "Bà yêu cầu ngày 01/12/2026")],
    );
    assert_eq!(r.status, 303, "{}", r.body);

    // Gone everywhere: her row, the head's name, the audit's copies, the pages.
    let erased = store::erasure::ERASED_NAME;
    let members = store::households::members_of(&mut db, &hh).unwrap();
    let m = members.iter().find(|m| m.member_no == no).unwrap();
    assert_eq!(
        (
            m.full_name.as_str(),
            m.citizen_id.as_deref(),
            m.phone.as_deref(),
            m.birth_year
        ),
        (erased, None, None, None)
    );
    assert_eq!(
        store::households::get(&mut db, &hh)
            .unwrap()
            .unwrap()
            .head_name,
        erased
    );
    let like = |s: &str| store::Value::from(format!("%{s}%"));
    for needle in [name.as_str(), id.as_str(), "0912345678"] {
        let n = count(
            &mut db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE old_value LIKE ? OR new_value LIKE ?",
            &[like(needle), like(needle)],
        );
        assert_eq!(n, 0, "the audit still holds {needle}");
    }
    let page = tinh.get(&format!("{base}/households/{hh}")).body;
    assert!(!page.contains(&name) && page.contains(erased));
    let found = tinh.get(&format!("{base}/households?q={}", enc(&id))).body;
    assert!(!found.contains(&hh), "a search by her ID still finds her");
    let audit = tinh.get(&format!("{base}/audit?entity=members")).body;
    says_all(
        &audit,
        &["Xóa dữ liệu cá nhân", "Bà yêu cầu ngày 01/12/2026"],
        "audit",
    );

    // The figures: every report equal, byte for byte.
    let after = all_reports(&mut db);
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "a report changed with the erasure");
    }
    // Once is enough.
    let again = tinh.post_form(&erase, &[("_csrf", &csrf), ("reason", "lần hai")]);
    assert_eq!(again.status, 303);
    assert_eq!(
        count(
            &mut db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'erase'",
            &[]
        ),
        1
    );
}

#[test]
fn erasure_is_refused_while_an_approved_period_keeps_the_records() {
    let (server, mut tinh, csrf) = demo_with_csrf("tinh");
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    let (hh, no, name, _) = a_head(&mut db, Some("20443"));
    // A support in March 2026, then March approved for the commune.
    let r = tinh.post_json(
        &format!("{base}/api/import/supports"),
        &format!(r#"[{{"record_id":"T-ERASE-1","date":"2026-03-10","unit_code":"20443","support_type":"livelihood","household_code":"{hh}","quantity":"1","value_vnd":"1000000"}}]"#),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
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
    assert_eq!(step(&mut tinh, &csrf, "submitted").status, 303);
    let mut admin = Http::signed_in(base, "quantri");
    let admin_csrf = admin.csrf(base);
    assert_eq!(step(&mut admin, &admin_csrf, "approved").status, 303);

    let erase = format!("{base}/households/{hh}/members/{no}/erase");
    assert!(tinh.get(&erase).body.contains("thuộc kỳ báo cáo"));
    let r = tinh.post_form(&erase, &[("_csrf", &csrf), ("reason", "Bà yêu cầu")]);
    assert_eq!(r.status, 409);
    says_all(
        &r.body,
        &[
            "Không thể xóa",
            "hỗ trợ ngày 10/03/2026",
            "20443",
            "đã được",
        ],
        "refusal",
    );
    let members = store::households::members_of(&mut db, &hh).unwrap();
    assert_eq!(
        members
            .iter()
            .find(|m| m.member_no == no)
            .unwrap()
            .full_name,
        name
    );
    assert_eq!(
        count(
            &mut db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'erase'",
            &[]
        ),
        0
    );
}

#[test]
fn her_data_as_a_letter_of_the_union() {
    let (server, mut tinh, _) = demo_with_csrf("tinh");
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    let (hh, no, name, id) = a_head(&mut db, None);
    let r = tinh.get(&format!(
        "{base}/households/{hh}/members/{no}/data?format=pdf"
    ));
    assert_eq!(r.status, 200);
    assert!(r.bytes.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("du-lieu.pdf");
    std::fs::write(&pdf, &r.bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils): scripts/test installs it");
    let text = String::from_utf8_lossy(&out.stdout);
    says_all(
        &text,
        &[
            &name,
            &id,
            "THÔNG BÁO",
            "91/2025/QH15",
            "Kết quả rà soát nghèo",
            "Hỗ trợ đã nhận",
            "Các lần số CCCD",
        ],
        "the letter",
    );
    // Preparing it is itself a view of her identifiers, on record.
    let views = count(
        &mut db,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'view_sensitive' AND entity_key LIKE ?",
        &[store::Value::from(format!(
            "%{hh}%Yêu cầu của chủ thể dữ liệu%"
        ))],
    );
    assert!(views >= 1);
}

#[test]
fn a_breach_has_its_clock_its_estimate_and_its_steps() {
    let (server, mut admin, csrf) = demo_with_csrf("quantri");
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    // The account concerned looked at three households in full.
    let mut tinh = Http::signed_in(base, "tinh");
    let codes: Vec<String> = db
        .query("SELECT household_code FROM households WHERE unit_code = '20443' ORDER BY household_code LIMIT 3", &[])
        .unwrap()
        .iter()
        .map(|r| r.get("household_code").unwrap())
        .collect();
    for c in &codes {
        assert_eq!(tinh.get(&format!("{base}/households/{c}")).status, 200);
    }
    let members = count(
        &mut db,
        &format!(
            "SELECT COUNT(*) AS n FROM members WHERE household_code IN ({})",
            codes
                .iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(",")
        ),
        &[],
    );
    // Found now (Vietnam's time), about tinh's account.
    let (day, h, m) = web::vietnam_moment(&store::now_utc()).unwrap();
    let found = format!("{day}T{h:02}:{m:02}");
    let later = format!("{}T23:59", day.add_days(1));
    let r = admin.post_form(
        &format!("{base}/privacy/breaches"),
        &[
            ("_csrf", &csrf),
            ("found_at", &later),
            ("what", "x"),
            ("found_by", "y"),
        ],
    );
    assert_eq!(r.status, 400, "a discovery in the future is refused");
    let r = admin.post_form(
        &format!("{base}/privacy/breaches"),
        &[
            ("_csrf", &csrf),
            ("found_at", &found),
            ("what", "Máy tính bảng của cán bộ bị mất"),
            ("found_by", "Chủ tịch Hội xã"),
            ("account", "tinh"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let at = r.header("location").unwrap().to_owned();
    let page = admin.get(&format!("{base}{at}")).body;
    // 72 hours less the seconds since the minute it was found: 71 whole hours
    // left, or 72 when the page is read in the very second of that minute.
    assert!(
        page.contains("còn 71 giờ") || page.contains("còn 72 giờ"),
        "breach page: no clock of 71 or 72 hours left"
    );
    says_all(
        &page,
        &[
            "Hạn thông báo",
            &format!("{} hộ, {members} thành viên", codes.len()),
        ],
        "breach page",
    );
    let r = admin.post_form(
        &format!("{base}{at}"),
        &[("_csrf", &csrf), ("step", "Khóa tài khoản tinh")],
    );
    assert_eq!(r.status, 303);
    let r = admin.post_form(
        &format!("{base}{at}"),
        &[("_csrf", &csrf), ("milestone", "authority")],
    );
    assert_eq!(r.status, 303);
    let page = admin.get(&format!("{base}{at}")).body;
    says_all(
        &page,
        &["Khóa tài khoản tinh", "trong hạn 72 giờ"],
        "after the steps",
    );
    // Administrators only; audited.
    assert_eq!(tinh.get(&format!("{base}{at}")).status, 403);
    assert_eq!(tinh.get(&format!("{base}/privacy/breaches")).status, 403);
    assert_eq!(
        count(
            &mut db,
            "SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'breaches'",
            &[]
        ),
        3
    );
}

#[test]
fn households_past_retention_are_listed_and_anonymised_without_changing_figures() {
    let (server, mut admin, csrf) = demo_with_csrf("quantri");
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    // The demo's records are from 2022 on: with a five-year retention nothing is due,
    // until a household registered in 2019 with nothing since.
    let page = admin.get(&format!("{base}/privacy/retention")).body;
    assert!(page.contains("Không có hộ nào quá thời hạn"), "{page}");
    let r = admin.post_json(
        &format!("{base}/api/import/households"),
        r#"[{"household_code":"RT-2019","unit_code":"20443","registered_on":"2019-06-01","head_name":"Lê Thị Cũ","head_gender":"F","area":"rural","ethnic_minority":"0","size":"1"}]"#,
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = admin.post_form(
        &format!("{base}/privacy/retention"),
        &[("_csrf", &csrf), ("years", "0")],
    );
    assert_eq!(r.status, 400);
    let r = admin.post_form(
        &format!("{base}/privacy/retention"),
        &[("_csrf", &csrf), ("years", "6")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(store::retention::years(&mut db).unwrap(), 6);
    let cut = web::today().add_months(-72);
    let due = store::retention::due(&mut db, None, cut, 10_000).unwrap();
    assert_eq!(
        due.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        ["RT-2019"]
    );
    let page = admin.get(&format!("{base}/privacy/retention")).body;
    assert!(page.contains("RT-2019") && page.contains("01/06/2019"));
    // A household with a recent record is not due and is not anonymised.
    let recent: String = db
        .query_one("SELECT household_code FROM assessments WHERE assessed_on >= ? ORDER BY household_code LIMIT 1", &[store::Value::from(cut.to_string())])
        .unwrap()
        .get("household_code")
        .unwrap();
    let r = admin.post_form(
        &format!("{base}/privacy/retention"),
        &[("_csrf", &csrf), ("household", &recent)],
    );
    assert_eq!(r.status, 400);
    let before = all_reports(&mut db);
    let r = admin.post_form(
        &format!("{base}/privacy/retention"),
        &[("_csrf", &csrf), ("household", &due[0].code)],
    );
    assert_eq!(r.status, 303);
    let erased = store::erasure::ERASED_NAME;
    assert_eq!(
        store::households::get(&mut db, &due[0].code)
            .unwrap()
            .unwrap()
            .head_name,
        erased
    );
    assert!(store::households::members_of(&mut db, &due[0].code)
        .unwrap()
        .iter()
        .all(|m| m.full_name == erased && m.citizen_id.is_none()));
    assert_eq!(
        before,
        all_reports(&mut db),
        "anonymisation changed a figure"
    );
    // Off the list, and a manager may not do it.
    assert!(!store::retention::due(&mut db, None, cut, 10_000)
        .unwrap()
        .iter()
        .any(|d| d.code == due[0].code));
    let mut tinh = Http::signed_in(base, "tinh");
    assert_eq!(tinh.get(&format!("{base}/privacy/retention")).status, 403);
}

#[test]
fn consent_is_collected_on_a_form_and_listed_where_missing() {
    let (server, mut xa, csrf) = demo_with_csrf("xa");
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    let (hh, no, name, _) = a_head(&mut db, Some("20443"));
    let list = xa.get(&format!("{base}/privacy/consents")).body;
    assert!(list.contains(&name) && list.contains(&hh));
    let missing =
        |db: &mut store::Db| store::households::members_without_consent(db, None).unwrap();
    let before = missing(&mut db);
    // Opened from her row: her number, today, the officer's name filled in.
    let form = xa
        .get(&format!("{base}/households/{hh}/consents?member={no}"))
        .body;
    assert!(form.contains("Người lấy phiếu") && form.contains(&web::today().dmy()));
    let r = xa.post_form(
        &format!("{base}/households/{hh}/consents"),
        &[
            ("_csrf", &csrf),
            ("member_no", &no.to_string()),
            ("given_on", &web::today().to_string()),
            ("record_keeping", "1"),
            ("sharing", "0"),
            ("photos", "0"),
            ("collected_by", "Cán bộ xã"),
            ("form_ref", "PDY-7"),
            ("withdrawn_on", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(missing(&mut db), before - 1);
    let page = xa.get(&format!("{base}/households/{hh}")).body;
    assert!(page.contains(&format!("Đồng ý {}", web::today().dmy())));
    // The phone's contract offers the consent form too.
    let offline = xa.get(&format!("{base}/offline")).body;
    assert!(offline.contains("data-kind=\"consents\""));
    // The list downloads.
    let r = xa.get(&format!("{base}/privacy/consents?format=xlsx"));
    assert!(r.bytes.starts_with(b"PK"));
}
