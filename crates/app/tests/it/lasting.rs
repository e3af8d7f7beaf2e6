//! `report lasting` (data contract v1.2) against values computed by hand for a small tree
//! whose two communes merged on 1 July 2025: the follow-up, the comparison with its
//! Wilson intervals and stratified difference, the value, the households at risk; on the
//! CLI as JSON and in the API.

use crate::support::{date, donghanh, TestDb};

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
            {"household_code": "H3", "signs": ["near_the_line", "no_recent_support"]},
            {"household_code": "H5", "signs": ["no_recent_support"]}
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
    // The old commune as it stood: only its own households.
    let c1 = reports::lasting::compute(
        &mut t.db,
        "C1",
        date("2024-12-31"),
        Some(date("2024-12-31")),
    )
    .unwrap();
    assert_eq!(c1.behind["cohort:2023"], ["H1", "H2"]);
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
