//! `report lasting` (data contract v1.2) against values computed by hand for a small tree
//! whose two communes merged on 1 July 2025: the follow-up, the comparison with its
//! Wilson intervals and stratified difference, the value, the households at risk; on the
//! CLI as JSON and in the API. Then the demo in the browser's pages: the leader's page
//! with every figure listing its households, the visit list, the dashboard's tiles and
//! the printed section, each equal to the report computed from the same database.

use crate::support::{date, donghanh, TestDb};
use crate::web_support::*;

const UNITS: &str = "code,name,level,parent_code,valid_from,valid_to\n\
    P,Tỉnh Thử,province,,,\n\
    C1,Xã Một,commune,P,,2025-06-30\n\
    C2,Xã Hai,commune,P,,2025-06-30\n\
    N1,Xã Mới,commune,P,2025-07-01,\n";
const LINEAGE: &str =
    "from_code,to_code,effective_date,share\nC1,N1,2025-07-01,\nC2,N1,2025-07-01,\n";

/// Seven households (see the expected values in the test for what each stands for).
fn tree() -> TestDb {
    let mut t = TestDb::new();
    let hh =
        |code: &str, unit: &str| format!("{code},{unit},2022-01-01,Chủ hộ {code},F,rural,0,3\n");
    let households: String = [
        ("H1", "C1"),
        ("H2", "C1"),
        ("H3", "C2"),
        ("H4", "C2"),
        ("H5", "C1"),
        ("H6", "C1"),
        ("H7", "C2"),
    ]
    .iter()
    .map(|(c, u)| hh(c, u))
    .collect();
    let a = |code: &str, year: i32, income: &str, status: &str| {
        format!("{code},{year},official,{year}-12-01,{income},,{status}\n")
    };
    let mut assessments = String::new();
    for (code, classes) in [
        ("H1", ["poor", "near_poor", "near_poor", "poor"]),
        ("H2", ["poor", "average", "near_poor", "average"]),
        ("H3", ["near_poor", "not_poor", "not_poor", ""]),
        ("H4", ["poor", "poor", "", ""]),
        ("H5", ["poor", "near_poor", "", ""]),
        ("H6", ["near_poor", "near_poor", "", ""]),
        ("H7", ["poor", "poor", "", ""]),
    ] {
        for (i, class) in classes.iter().enumerate() {
            let year = 2022 + i as i32;
            if class.is_empty() {
                continue;
            }
            let income = match (code, year) {
                ("H3", 2024) => "1600000",
                ("H2", 2025) => "2000000",
                _ => "",
            };
            assessments.push_str(&a(code, year, income, class));
        }
    }
    t.import_texts(&[
        ("units.csv", UNITS),
        ("unit_lineage.csv", LINEAGE),
        (
            "households.csv",
            &format!("household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size\n{households}"),
        ),
        (
            "assessments.csv",
            &format!("household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\n{assessments}"),
        ),
        (
            "assignments.csv",
            "household_code,unit_code,year,assigned_on\nH1,C1,2023,2023-01-10\nH2,C1,2023,2023-01-10\nH3,C2,2023,2023-01-10\nH4,C2,2023,2023-01-10\n",
        ),
        (
            "supports.csv",
            "record_id,date,unit_code,support_type,household_code,member_no,quantity,value_vnd,programme,funding\n\
             S1,2023-03-01,C1,livelihood,H1,,1,1000000,,\n\
             S2,2023-04-01,C2,livelihood,H3,,1,2000000,,\n\
             S3,2023-05-01,C1,livelihood,H5,,1,500000,,\n\
             S4,2024-05-01,C1,livelihood,H1,,1,700000,,\n\
             S5,2025-03-01,C1,livelihood,H2,,1,300000,,\n",
        ),
    ])
    .unwrap();
    t
}

#[test]
fn lasting_matches_the_values_computed_by_hand() {
    let mut t = tree();
    let l = reports::lasting::compute(&mut t.db, "P", date("2025-12-31"), None).unwrap();
    let v = serde_json::to_value(&l).unwrap();
    assert_eq!(v["structure_date"], "2025-12-31");
    let cohorts = v["cohorts"].as_array().unwrap();
    assert_eq!(
        cohorts
            .iter()
            .map(|c| (c["year"].as_i64().unwrap(), c["escaped"].as_i64().unwrap()))
            .collect::<Vec<_>>(),
        [(2023, 3), (2024, 0), (2025, 0)]
    );
    let c = &cohorts[0];
    // +1: H1 (near-poor, reached near-poor) and H3 held, H2 (near-poor, reached average)
    // lost; +2: H2 held, H1 lost (poor), H3 not assessed; +3: nothing yet.
    let f = |k: usize| {
        let f = &c["followup"][k];
        (
            f["held"].as_i64().unwrap(),
            f["lost"].as_i64().unwrap(),
            f["pending"].as_i64().unwrap(),
            f["held_pct"].clone(),
        )
    };
    assert_eq!(f(0), (2, 1, 0, serde_json::json!(66.7)));
    assert_eq!(f(1), (1, 1, 1, serde_json::json!(50.0)));
    assert_eq!(f(2), (0, 0, 3, serde_json::Value::Null));
    // Eligible in 2023: all seven (poor or near-poor in 2022). Taken on: H1–H4, 3 escaped;
    // the others H5–H7, 1 escaped. Both communes are one on the structure date (N1).
    let cmp = &c["comparison"];
    assert_eq!(
        cmp["assigned"],
        serde_json::json!({"households": 4, "escaped": 3, "rate_pct": 75.0, "ci_low_pct": 30.1, "ci_high_pct": 95.4})
    );
    assert_eq!(
        cmp["others"],
        serde_json::json!({"households": 3, "escaped": 1, "rate_pct": 33.3, "ci_low_pct": 6.1, "ci_high_pct": 79.2})
    );
    // Strata (N1, poor): 2/3 against 1/2, weight 3; (N1, near-poor): 1/1 against 0/1,
    // weight 1. d = (3 × 1/6 + 1 × 1) / 4 = 37.5 pp; half-width 100 × 1.96 × √(9 × 0.19907) / 4.
    assert_eq!(cmp["difference_pp"], 37.5);
    assert_eq!(cmp["ci_low_pp"], -28.1);
    assert_eq!(cmp["ci_high_pp"], 103.1);
    assert_eq!(cmp["assigned_left_out"], 0);
    // 2023 supports to households taken on for 2023: S1 + S2 (S3's household was not).
    assert_eq!(
        c["value"],
        serde_json::json!({"spend_vnd": 3000000, "cost_per_escape_vnd": 1000000, "cost_per_lasting_escape_vnd": 3000000})
    );
    // At risk on D: H3 (income within 110% of 1,500,000, no support in the last year),
    // H5 (no support); H2 was supported in 2025 and earns 2,000,000; H1 fell back.
    assert_eq!(
        v["at_risk"],
        serde_json::json!([
            {"household_code": "H3", "signs": ["near_the_line", "no_recent_support"], "escaped_on": "2023-12-01"},
            {"household_code": "H5", "signs": ["no_recent_support"], "escaped_on": "2023-12-01"}
        ])
    );
    // The households behind the figures.
    assert_eq!(l.behind["cohort:2023"], ["H1", "H2", "H3"]);
    assert_eq!(l.behind["lost:2023:1"], ["H2"]);
    assert_eq!(l.behind["others_escaped:2023"], ["H5"]);
    let hh = v["forecast"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"] == "hh_escaped")
        .unwrap();
    assert_eq!(hh["so_far"], 0);

    // As of the end of 2024 nothing of 2025 is known: +2 is pending for everyone.
    let earlier = reports::lasting::compute(&mut t.db, "P", date("2024-12-31"), None).unwrap();
    let f2 = &earlier.cohorts[0].followup[1];
    assert_eq!((f2.held, f2.lost, f2.pending), (0, 0, 3));
    // Within the year: the spend counts the supports known by D, S1 (1,000,000 to H1,
    // taken on) and not S2 (dated after D).
    let march = reports::lasting::compute(&mut t.db, "P", date("2023-03-15"), None).unwrap();
    assert_eq!(march.cohorts.len(), 0, "no escape yet on 15/03/2023");
    let april = reports::lasting::at_risk_of(&mut t.db, "P", date("2023-04-15"), None).unwrap();
    assert!(april.is_empty());
    let l23 = reports::lasting::compute(&mut t.db, "P", date("2023-12-15"), None).unwrap();
    assert_eq!(
        l23.cohorts[0].value.spend_vnd, 3_000_000,
        "S1 and S2, whole"
    );
    // The old commune as it stood: only its own households.
    let c1 = reports::lasting::compute(
        &mut t.db,
        "C1",
        date("2024-12-31"),
        Some(date("2024-12-31")),
    )
    .unwrap();
    assert_eq!(c1.behind["cohort:2023"], ["H1", "H2"]);

    // The report reads rows kept on write; a correction rewrites them with the records.
    let codes: Vec<String> = (1..=7).map(|n| format!("H{n}")).collect();
    let stale = |t: &mut TestDb| store::aggregates::lasting::stale(&mut t.db, &codes).unwrap();
    assert!(stale(&mut t).is_empty());
    // H2 is found still out in 2025 after all: its escape of 2023 held at +2.
    t.import_texts(&[(
        "assessments.csv",
        "household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\n\
         H2,2024,official,2024-12-01,,,average\n",
    )])
    .unwrap();
    assert!(stale(&mut t).is_empty());
    let after = reports::lasting::compute(&mut t.db, "P", date("2025-12-31"), None).unwrap();
    assert!(after.behind["held:2023:1"].contains(&"H2".to_owned()));
    assert!(!after.behind["lost:2023:1"].contains(&"H2".to_owned()));
}

#[test]
fn the_cli_prints_the_contract_json_and_lists_the_households_behind_a_figure() {
    let t = tree();
    let out = donghanh()
        .args([
            "--db",
            t.url(),
            "report",
            "lasting",
            "--unit",
            "P",
            "--as-of",
            "2025-12-31",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "unit",
        "as_of",
        "structure_date",
        "cohorts",
        "at_risk",
        "forecast",
    ] {
        assert!(v.get(key).is_some(), "no {key}");
    }
    assert_eq!(v["cohorts"][0]["followup"].as_array().unwrap().len(), 3);
    let out = donghanh()
        .args([
            "--db",
            t.url(),
            "report",
            "lasting",
            "--unit",
            "P",
            "--as-of",
            "2025-12-31",
            "--figure",
            "held:2023:1",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "held:2023:1 = 2\nH1\nH3\n"
    );
    let out = donghanh()
        .args([
            "--db",
            t.url(),
            "report",
            "lasting",
            "--unit",
            "P",
            "--as-of",
            "2025-12-31",
            "--format",
            "text",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Sau 2 năm: 1 hộ giữ được") && text.contains("không phải bằng chứng"),
        "{text}"
    );
}

/// The households a page lists: the codes of its links to household pages.
fn listed_households(page: &str) -> Vec<String> {
    page.split("href=\"/households/")
        .skip(1)
        .filter_map(|rest| rest.split(['#', '"']).next())
        .filter(|c| c.starts_with("QN"))
        .map(str::to_owned)
        .collect()
}

/// Every page of a paged list (100 rows a page), joined.
fn every_page(c: &mut Http, url: &str) -> String {
    let mut all = String::new();
    for n in 0.. {
        let body = c.get(&format!("{url}&page={n}")).body;
        all.push_str(&body);
        if !body.contains("Trang sau →") {
            break;
        }
    }
    all
}

#[test]
fn the_leaders_page_lists_the_households_behind_each_figure_and_prints_its_section() {
    let (server, mut tinh) = demo_as("tinh");
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    let l = reports::lasting::compute(&mut db, "48", date("2025-12-31"), None).unwrap();
    // The demo tells the story: the 2023 cohort followed up at +1 and +2, the helped
    // households escaping more often than the others.
    let c2023 = l.cohorts.iter().find(|c| c.year == 2023).unwrap();
    assert!(c2023.escaped > 400, "{c2023:?}");
    for k in [1, 2] {
        let f = &c2023.followup[k - 1];
        assert_eq!((f.pending, f.held + f.lost), (0, c2023.escaped), "+{k}");
    }
    for c in &l.cohorts {
        let d = c.comparison.ci_low_pp.unwrap();
        assert!(
            d > 0.0,
            "{}: the helped escape more often in the demo",
            c.year
        );
        assert!(c.comparison.others.escaped > 0, "{}", c.year);
    }

    let page = tinh
        .get(&format!("{base}/reports/lasting?unit=48&as_of=2025-12-31"))
        .body;
    let sentence = reports::lasting::sentence(&l).unwrap();
    says_all(
        &page,
        &[
            "Thoát nghèo bền vững: Đà Nẵng",
            &sentence,
            "không phải bằng chứng hỗ trợ là nguyên nhân",
            "<svg",
            "Theo đơn vị trực thuộc",
            "Dự báo cả năm 2025",
        ],
        "leader's page",
    );
    // Every child unit of the structure date is a row linking to its own page.
    let children = reports::lasting::by_children(&mut db, "48", date("2025-12-31"), None).unwrap();
    assert!(children.len() > 50);
    for c in &children {
        assert!(
            page.contains(&format!("/reports/lasting?unit={}&amp;", c.unit.code)),
            "{} has no row",
            c.unit.code
        );
    }
    // Every figure of the page lists exactly its households.
    for figure in [
        "cohort:2023",
        "held:2023:2",
        "lost:2023:1",
        "assigned_escaped:2024",
        "others_escaped:2024",
    ] {
        let link = format!("figure={}", enc(figure));
        assert!(page.contains(&link), "the page has no link to {figure}");
        let list = every_page(
            &mut tinh,
            &format!("{base}/reports/lasting/households?unit=48&as_of=2025-12-31&{link}"),
        );
        let mut shown = listed_households(&list);
        shown.sort();
        let mut want = l.behind[figure].clone();
        want.sort();
        assert_eq!(shown, want, "{figure}");
        let xlsx = tinh.get(&format!(
            "{base}/reports/lasting/households?unit=48&as_of=2025-12-31&{link}&format=xlsx"
        ));
        let text = xlsx_text(&xlsx.bytes);
        assert!(
            want.iter().all(|c| text.contains(c.as_str())),
            "{figure} xlsx"
        );
    }
    let r = tinh.get(&format!(
        "{base}/reports/lasting/households?unit=48&as_of=2025-12-31&figure=khong-co"
    ));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Không có con số"), "{}", r.body);
    let r = tinh.get(&format!("{base}/reports/lasting?unit=01&as_of=2025-12-31"));
    assert_eq!(r.status, 403, "Hà Nội is outside the province");

    // The report's downloads hold the same figures.
    let json = tinh.get(&format!(
        "{base}/reports/lasting?unit=48&as_of=2025-12-31&format=json"
    ));
    let v: serde_json::Value = serde_json::from_slice(&json.bytes).unwrap();
    assert_eq!(v, serde_json::to_value(&l).unwrap());
    // Another as-of date in the same tree is its own report, and a save (of a support,
    // which counts in the value) is in the next one the server gives.
    let json_of = |c: &mut Http, as_of: &str| -> serde_json::Value {
        let url = format!("{base}/reports/lasting?unit=48&as_of={as_of}&s=2025-12-31&format=json");
        serde_json::from_slice(&c.get(&url).bytes).unwrap()
    };
    let june = |db: &mut store::Db| {
        let l = reports::lasting::compute(db, "48", date("2025-06-30"), Some(date("2025-12-31")));
        serde_json::to_value(l.unwrap()).unwrap()
    };
    assert_eq!(json_of(&mut tinh, "2025-06-30"), june(&mut db));
    let before = june(&mut db);
    let mut admin = Http::signed_in(base, "quantri");
    let csrf = admin.csrf(base);
    let helped = &l.behind["held:2023:2"][0];
    let support = serde_json::json!([{"record_id": "LASTING-1", "date": "2025-03-01",
        "unit_code": "48", "support_type": "livelihood", "household_code": helped,
        "quantity": 1, "value_vnd": 90_000_000}]);
    let r = admin.post_json(
        &format!("{base}/api/import/supports"),
        &support.to_string(),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let after = june(&mut db);
    assert_ne!(
        after, before,
        "the support counts in the value of a lasting escape"
    );
    assert_eq!(json_of(&mut tinh, "2025-06-30"), after);

    // The printed report of 2025 has the section and the sentence in its narrative.
    let printed = tinh
        .get(&format!(
            "{base}/reports/download?unit=48&from=2025-01-01&to=2025-12-31&format=html"
        ))
        .body;
    says_all(
        &printed,
        &[
            "Thoát nghèo bền vững (hộ được Hội nhận giúp đỡ)",
            &sentence,
            "không phải bằng chứng",
        ],
        "printed report",
    );

    // The dashboard's tiles (as of the dashboard's own last day).
    let dash = tinh.get(&format!("{base}/?year=2025")).body;
    says_all(
        &dash,
        &[
            "Thoát nghèo bền vững",
            "giữ được sau 2 năm",
            "Hộ cần theo dõi",
            "Chi mỗi hộ thoát bền vững",
        ],
        "dashboard",
    );

    // The household page says whether its escape held.
    let held = &l.behind["held:2023:2"][0];
    let page = tinh.get(&format!("{base}/households/{held}")).body;
    says_all(
        &page,
        &["id=\"dien-bien\"", "giữ được sau 2 năm"],
        "household page",
    );
}

#[test]
fn the_visit_list_is_her_units_at_risk_households_sortable_and_downloadable() {
    let (server, mut xa) = demo_as("xa");
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    let today = web::today();
    let (user, _) = store::accounts::by_username(&mut db, "xa")
        .unwrap()
        .unwrap();
    let acc = store::access::Access::new(&mut db, user, today).unwrap();
    let l = reports::lasting::compute(&mut db, &acc.root_code(), today, None).unwrap();
    assert!(!l.at_risk.is_empty());

    let page = every_page(&mut xa, &format!("{base}/follow-up?sort=dau-hieu"));
    let shown = listed_households(&page);
    let want: Vec<String> = l.at_risk.iter().map(|r| r.household_code.clone()).collect();
    assert_eq!(shown, want, "most signs first, as the report orders them");
    // Signs in words, never their codes.
    let first = &l.at_risk[0];
    for s in &first.signs {
        assert!(page.contains(s.label_vi()));
    }
    assert!(!page.contains("no_recent_support") && !page.contains("near_the_line"));

    // Most recent escape first.
    let page = every_page(&mut xa, &format!("{base}/follow-up?sort=ngay-thoat"));
    let mut by_date = l.at_risk.clone();
    by_date.sort_by(|a, b| {
        b.escaped_on
            .cmp(&a.escaped_on)
            .then_with(|| a.household_code.cmp(&b.household_code))
    });
    let want: Vec<String> = by_date.iter().map(|r| r.household_code.clone()).collect();
    assert_eq!(listed_households(&page), want);

    // The download has every row, the date as a date.
    let file = xa.get(&format!("{base}/follow-up?format=xlsx"));
    assert!(file.bytes.starts_with(b"PK"));
    let text = xlsx_text(&file.bytes);
    assert!(want.iter().all(|c| text.contains(c.as_str())));
    assert!(text.contains("Số dấu hiệu"));

    // Her commune only: the province is not hers to list.
    assert_eq!(xa.get(&format!("{base}/follow-up?unit=48")).status, 403);
    // Kept on the phone: the service worker keeps the visit list.
    let sw = xa.get(&format!("{base}/sw.js")).body;
    assert!(sw.contains("path === \"/follow-up\""), "{sw}");
}
