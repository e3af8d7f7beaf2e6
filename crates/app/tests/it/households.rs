//! Households, members, assessments, assignments: hand-made histories through the
//! importer, and the household indicators through lineage.

use crate::support::*;
use importer::refusal::Refusal;

pub const HOUSEHOLDS_CSV: &str = "\
household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size
H1,00101,2022-01-10,Nguyễn Thị Hoa,F,rural,có,4
H2,00200,2022-01-10,Đặng Thị Mai,F,rural,0,3
H3,00100,2022-01-10,Lê Thị Lan,F,urban,không,2
H4,00101,2022-01-10,Nguyễn Thị Hoa,F,rural,,5
";

pub const MEMBERS_CSV: &str = "\
household_code,member_no,full_name,gender,birth_year,citizen_id,union_member,phone
H1,1,Nguyễn Thị Hoa,F,1985,049185000123,1,+84 912 345 678
H1,2,Trần Văn Nam,M,1983,,0,
H2,1,Đặng Thị Mai,F,1990,049190000456,true,0987.654.321
H4,1,Nguyễn Thị Hoa,F,1985,,1,
";

/// H1: poor 2022; the chapter's provisional 2023 says near-poor (September), the
/// commune's official 2023 decision says poor again (December).
/// H2: escape (2023), fall back (2024), escape again (2025).
/// H3: not poor, then near-poor: newly poor (2023).
pub const ASSESSMENTS_CSV: &str = "\
household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status
H1,2022,official,2022-12-10,1.320.000,employment;nutrition;water;telecom,
H1,2023,provisional,15/09/2023,1400000,employment,
H1,2023,official,2023-12-05,1200000,employment;nutrition;water,
H2,2022,official,2022-12-10,900000,employment;nutrition;water,
H2,2023,official,2023-12-10,2000000,,
H2,2024,official,2024-12-10,1000000,employment,
H2,2025,official,2025-12-10,2600000,,
H3,2022,official,2022-12-10,3500000,,
H3,2023,official,2023-12-10,1900000,housing_area,
";

pub const ASSIGNMENTS_CSV: &str = "\
household_code,unit_code,year,assigned_on
H1,00101,2023,2023-02-01
H2,00200,2023,2023-02-01
H2,00200,2025,2025-03-01
";

pub fn with_households() -> (TestDb, Files) {
    let mut t = TestDb::new();
    let f = Files::new();
    f.write("units.csv", UNITS_CSV);
    f.write("unit_lineage.csv", LINEAGE_CSV);
    f.write("households.csv", HOUSEHOLDS_CSV);
    f.write("members.csv", MEMBERS_CSV);
    f.write("assessments.csv", ASSESSMENTS_CSV);
    f.write("assignments.csv", ASSIGNMENTS_CSV);
    let s = t.import(&[f.root().to_path_buf()]).expect("import");
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    (t, f)
}

/// A report's request, to ask for the households behind each figure.
struct Ask<'a> {
    req: reports::Request,
    t: &'a mut TestDb,
}

fn report<'a>(t: &'a mut TestDb, unit: &str, from: &str, to: &str, s: Option<&str>) -> Ask<'a> {
    let req = request(unit, from, to, s);
    Ask { req, t }
}

fn codes(a: &mut Ask<'_>, ind: &str) -> Vec<String> {
    let c = reports::compute(&mut a.t.db, &a.req, Some(ind)).expect("report");
    let mut v: Vec<String> = c.evidence().into_iter().map(|e| e.record).collect();
    v.sort();
    v.dedup();
    let shown = c.report(false).int(ind) as usize;
    assert_eq!(
        shown,
        v.len(),
        "the figure is the number of households behind it"
    );
    v
}

#[test]
fn provisional_counts_until_the_official_decision() {
    let (mut t, _f) = with_households();
    let mut oct = report(&mut t, "01", "2023-01-01", "2023-10-31", None);
    assert_eq!(codes(&mut oct, "hh_assisted"), ["H1"]);
    assert_eq!(codes(&mut oct, "hh_escaped"), ["H1"]);
    assert_eq!(codes(&mut oct, "hh_escaped_poor"), ["H1"]);
    let mut year = report(&mut t, "01", "2023-01-01", "2023-12-31", None);
    assert!(
        codes(&mut year, "hh_escaped").is_empty(),
        "the commune's decision overrides the chapter's"
    );
    assert_eq!(codes(&mut year, "hh_newly_poor"), ["H3"]);
}

#[test]
fn escape_fall_back_escape_again_through_a_merged_unit() {
    let (mut t, _f) = with_households();
    let mut p2 = report(&mut t, "02", "2023-01-01", "2023-12-31", None);
    assert_eq!(codes(&mut p2, "hh_escaped"), ["H2"]);
    assert_eq!(codes(&mut p2, "hh_escaped_poor"), ["H2"]);
    let mut fell = report(&mut t, "02", "2024-01-01", "2024-12-31", None);
    assert_eq!(codes(&mut fell, "hh_fell_back"), ["H2"]);
    assert!(codes(&mut fell, "hh_escaped").is_empty());
    // After the reform province 02 is part of 01: the same 2023 figures show under 01.
    let mut merged = report(&mut t, "01", "2023-01-01", "2023-12-31", Some("2025-07-01"));
    assert_eq!(codes(&mut merged, "hh_escaped"), ["H2"]);
    assert_eq!(codes(&mut merged, "hh_assisted"), ["H1", "H2"]);
    // Commune 00200 was split; its records follow the larger share, 00300.
    let mut again = report(&mut t, "00300", "2025-01-01", "2025-12-31", None);
    assert_eq!(codes(&mut again, "hh_escaped"), ["H2"]);
    assert_eq!(codes(&mut again, "hh_assisted"), ["H2"]);
    let mut other = report(&mut t, "00100", "2025-01-01", "2025-12-31", None);
    assert!(codes(&mut other, "hh_escaped").is_empty());
}

#[test]
fn report_json_and_refusals() {
    let (mut t, _f) = with_households();
    let req = request("01", "2023-01-01", "2023-10-31", None);
    let r = reports::run(&mut t.db, &req, false).unwrap();
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["unit"]["code"], "01");
    assert_eq!(json["period"]["to"], "2023-10-31");
    assert_eq!(json["structure_date"], "2023-10-31");
    let esc = json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "hh_escaped")
        .unwrap();
    assert_eq!(esc["value"], 1);
    assert_eq!(esc["label"], "Hộ có phụ nữ thoát nghèo, cận nghèo");
    assert!(esc["target"].is_null() && esc["achievement_pct"].is_null());

    let gone = request("02", "2023-01-01", "2023-12-31", Some("2025-07-01"));
    match reports::run(&mut t.db, &gone, false) {
        Err(reports::ReportError::UnitMissing(m)) => {
            assert!(m.contains("đã sáp nhập vào 01"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    let reversed = request("01", "2023-12-31", "2023-01-01", None);
    assert!(matches!(
        reports::run(&mut t.db, &reversed, false),
        Err(reports::ReportError::PeriodReversed(..))
    ));

    let out = donghanh()
        .args([
            "--db",
            t.url(),
            "report",
            "--unit",
            "01",
            "--from",
            "2023-01-01",
            "--to",
            "31/10/2023",
            "--format",
            "json",
        ])
        .succeeds();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, json);
    let explain = donghanh()
        .args([
            "--db",
            t.url(),
            "report",
            "explain",
            "--indicator",
            "hh_escaped",
            "--unit",
            "01",
            "--from",
            "2023-01-01",
            "--to",
            "2023-10-31",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&explain.stdout);
    assert!(
        text.contains("hh_escaped) = 1") && text.contains("\thouseholds\tH1\t1"),
        "{text}"
    );
}

/// What `donghanh household show` prints of a household.
fn shown(t: &TestDb, code: &str) -> String {
    let out = donghanh()
        .args(["--db", t.url(), "household", "show", code])
        .succeeds();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn classification_is_stored_and_explained() {
    let (mut t, _f) = with_households();
    let got = t.lines(
        "SELECT household_code, year, kind, status, standard_code FROM assessments ORDER BY 1, 2, 3",
    );
    assert_eq!(got[0], "H1 2022 official poor ND07-2021");
    assert_eq!(got[1], "H1 2023 official poor ND07-2021");
    assert_eq!(got[2], "H1 2023 provisional near_poor ND07-2021");
    assert!(
        got.contains(&"H3 2023 official near_poor ND07-2021".to_owned()),
        "urban line 2.000.000: {got:?}"
    );
    let text = shown(&t, "H1");
    assert!(
        text.contains("thu nhập 1.320.000 ≤ 1.500.000 và thiếu hụt 4 chỉ số ≥ 3 → hộ nghèo"),
        "{text}"
    );
    assert!(text.contains("việc làm: employment"), "{text}");
    assert!(
        text.contains("••••••••0123"),
        "citizen IDs are masked by default: {text}"
    );
    let text = shown(&t, "H2");
    assert!(text.contains("tái nghèo"), "{text}");
    assert!(text.contains("sau 1 năm: không giữ được"), "{text}");
}

#[test]
fn search_without_diacritics_by_id_and_by_phone() {
    let (mut t, _f) = with_households();
    let find = |t: &mut TestDb, q: &str| -> Vec<String> {
        let wanted = store::households::Wanted::from_query(q);
        let mut v: Vec<String> = store::households::search(&mut t.db, &wanted, 50)
            .unwrap()
            .into_iter()
            .map(|h| h.household.code)
            .collect();
        v.dedup();
        v
    };
    assert_eq!(find(&mut t, "nguyen thi hoa"), ["H1", "H4"]);
    let nfd = "Đặng Thi\u{0323} Mai"; // NFD dot below
    assert_eq!(find(&mut t, nfd), ["H2"]);
    assert_eq!(find(&mut t, "dang thi"), ["H2"]);
    assert_eq!(find(&mut t, "049190000456"), ["H2"]);
    assert_eq!(find(&mut t, "0912 345 678"), ["H1"]);
    assert_eq!(find(&mut t, "tran van nam"), ["H1"]);
}

#[test]
fn duplicates_report() {
    let (mut t, f) = with_households();
    f.write(
        "assignments.csv",
        "household_code,unit_code,year,assigned_on\nH1,00100,2023,2023-03-01\n",
    );
    t.import(&[f.path("assignments.csv")]).unwrap();
    let graph = t.graph();
    let scope =
        reports::scope::Scope::new(std::sync::Arc::new(graph), "VN", date("2024-01-01")).unwrap();
    let found = reports::duplicates::find(&mut t.db, &scope).unwrap();
    let text: Vec<String> = found
        .iter()
        .map(reports::duplicates::Finding::describe_vi)
        .collect();
    assert_eq!(text.len(), 2, "{text:?}");
    assert!(
        text.iter()
            .any(|l| l.contains("Nguyễn Thị Hoa (sinh 1985)") && l.contains("H1, H4")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|l| l.contains("Hộ H1") && l.contains("00100, 00101")),
        "{text:?}"
    );
}

#[test]
fn household_edit_is_checked_and_audited() {
    let (t, _f) = with_households();
    donghanh()
        .args([
            "--db",
            t.url(),
            "household",
            "set",
            "H3",
            "head_name=Lê Thị Lan Anh",
            "area=rural",
        ])
        .succeeds();
    let mut t = t;
    let a = &store::audit::recent(&mut t.db, 1).unwrap()[0];
    assert_eq!(a.action, "update");
    assert!(
        a.old.as_deref().unwrap().contains("\"Lê Thị Lan\"")
            && a.new.as_deref().unwrap().contains("Lê Thị Lan Anh")
    );
    let bad = donghanh()
        .args(["--db", t.url(), "household", "set", "H3", "area=city"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("rural, urban"));
}

#[test]
fn a_province_standard_applies_to_its_households() {
    let (t, f) = with_households();
    let toml = f.write(
        "std.toml",
        "code = \"T01-2023\"\nname = \"Chuẩn riêng Tỉnh Một\"\nunit_code = \"01\"\nvalid_from = \"2023-01-01\"\nvalid_to = \"2025-06-30\"\npoverty_line_rural = 2100000\npoverty_line_urban = 2600000\naverage_line_rural = 3000000\naverage_line_urban = 3500000\n",
    );
    donghanh()
        .args(["--db", t.url(), "standard", "add"])
        .arg(&toml)
        .succeeds();
    // Same income, re-imported: in province 01 the higher line makes H3 (urban, 2.5M) near-poor,
    // while H2 in province 02 keeps the national line.
    let g = Files::new();
    g.write(
        "assessments.csv",
        "household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\nH3,2024,official,2024-12-10,2500000,,\nH2,2024,provisional,2024-09-10,2050000,,\n",
    );
    let mut t = t;
    t.import(&[g.path("assessments.csv")]).unwrap();
    let got = t.lines(
        "SELECT household_code, kind, status, standard_code FROM assessments WHERE year = 2024 ORDER BY 1, 2",
    );
    assert_eq!(
        got,
        [
            "H2 official near_poor ND07-2021",
            "H2 provisional average ND07-2021",
            "H3 official near_poor T01-2023"
        ]
    );
    let low = f.write("low.toml", "code = \"LOW\"\nname = \"thấp\"\nunit_code = \"01\"\nvalid_from = \"2023-01-01\"\nvalid_to = \"2023-12-31\"\npoverty_line_rural = 1000000\npoverty_line_urban = 1000000\n");
    donghanh()
        .args(["--db", t.url(), "standard", "add"])
        .arg(&low)
        .fails();
}

#[test]
fn a_given_status_that_differs_is_kept_with_a_warning() {
    let (mut t, f) = with_households();
    f.write(
        "assessments.csv",
        "household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\nH3,2024,official,2024-12-10,1000000,,average\n",
    );
    let s = t.import(&[f.path("assessments.csv")]).unwrap();
    assert_eq!(s.warnings.len(), 1);
    assert!(matches!(
        s.warnings[0].refusal,
        Refusal::StatusDiffers { .. }
    ));
    let r = t.db.query_one("SELECT status, computed_status FROM assessments WHERE household_code = 'H3' AND year = 2024", &[]).unwrap();
    assert_eq!(
        (cell(&r, "status"), cell(&r, "computed_status")),
        ("average".into(), "near_poor".into())
    );
}

/// Bad input of this issue: each is a row-level error and nothing is written.
fn rejected(name: &str, text: &str) -> Vec<importer::RowError> {
    let (mut t, _f) = with_households();
    refused(&mut t, &[(name, text)])
}

const MEMBER_HEAD: &str =
    "household_code,member_no,full_name,gender,birth_year,citizen_id,union_member,phone\n";
const ASSESS_HEAD: &str =
    "household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\n";

#[test]
fn bad_citizen_ids_and_phones() {
    let e = rejected(
        "members.csv",
        &format!("{MEMBER_HEAD}H3,1,Lê Thị Lan,F,1970,49185000999,1,\n"),
    );
    assert_eq!(e[0].refusal, Refusal::CitizenIdElevenDigits, "{e:?}");
    let e = rejected(
        "members.csv",
        &format!("{MEMBER_HEAD}H3,1,Lê Thị Lan,F,1970,049185000123,1,\n"),
    );
    assert!(
        e[0].refusal
            == Refusal::CitizenIdTaken {
                member_no: 1,
                household: "H1".into()
            },
        "{e:?}"
    );
    let e = rejected(
        "members.csv",
        &format!("{MEMBER_HEAD}H3,1,Lê Thị Lan,F,1970,,1,gọi sau\n"),
    );
    assert_eq!(e[0].column, "phone");
    let e = rejected(
        "members.csv",
        &format!("{MEMBER_HEAD}H9,1,Ai Đó,F,1970,,1,\n"),
    );
    assert_eq!(e[0].refusal, Refusal::NoHousehold { code: "H9".into() });
}

#[test]
fn bad_assessments() {
    let e = rejected(
        "assessments.csv",
        &format!("{ASSESS_HEAD}H3,2024,official,2024-12-10,1000000,employment;info_acess,\n"),
    );
    assert!(
        matches!(&e[0].refusal, Refusal::DeprivationsUnknown { unknown, .. } if unknown == &["info_acess"]),
        "{e:?}"
    );
    let e = rejected(
        "assessments.csv",
        &format!("{ASSESS_HEAD}H3,2021,official,2021-12-10,1000000,,\n"),
    );
    assert!(matches!(e[0].refusal, Refusal::NoStandard { .. }), "{e:?}");
    let e = rejected(
        "assessments.csv",
        &format!("{ASSESS_HEAD}H3,2024,official,2024-12-10,1000000,,\nH3,2024,official,2024-12-20,900000,,\n"),
    );
    assert!(matches!(e[0].refusal, Refusal::KeyRepeated { .. }), "{e:?}");
    let e = rejected(
        "assessments.csv",
        &format!("{ASSESS_HEAD}H3,2024,official,2024-12-10,,,\n"),
    );
    assert_eq!(e[0].refusal, Refusal::IncomeNeeded, "{e:?}");
}

#[test]
fn a_household_in_a_unit_that_did_not_exist_yet() {
    let e = rejected(
        "households.csv",
        "household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size\nH9,00300,2024-01-01,Vũ Thị Thu,F,rural,0,2\nH8,02,2025-08-01,Vũ Thị Thu,F,rural,0,0\n",
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e.iter()
            .any(|e| matches!(&e.refusal, Refusal::UnitNotYet { from, .. } if from.to_string() == "2025-07-01")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|e| matches!(&e.refusal, Refusal::UnitEndedInto { into_code, on, .. } if into_code == "01" && on.to_string() == "2025-07-01")),
        "{e:?}"
    );
}

/// A file as Excel writes it in a Vietnamese locale: semicolons, the vocabularies'
/// Vietnamese names, dates as officers write them.
#[test]
fn a_semicolon_file_with_vietnamese_names_imports() {
    let (mut t, _f) = with_households();
    let file =
        "household_code;unit_code;registered_on;head_name;head_gender;area;ethnic_minority;size\n\
                HV1;00101;15/03/2024;Lê Thị Hoa;Nữ;Nông thôn;Không;3\n\
                HV2;00101;16/03/2024;Hồ Văn Tư;nam;Thanh thi;có;2\n";
    t.import_texts(&[("households.csv", file)]).unwrap();
    assert_eq!(
        t.lines("SELECT household_code, head_gender, area, ethnic_minority FROM households WHERE household_code LIKE 'HV%' ORDER BY 1"),
        ["HV1 F rural 0", "HV2 M urban 1"]
    );
    let bad = "household_code;unit_code;registered_on;head_name;head_gender;area;size\n\
               HV3;00101;2024-03-17;Lê Thị Ba;Phụ nữ;Nông thôn;2\n";
    let e = rejected("households.csv", bad);
    assert_eq!((e.len(), e[0].column.as_str()), (1, "head_gender"), "{e:?}");
}

/// A workbook whose one sheet was renamed, or named in Vietnamese, is read as the kind of
/// its file's name or of the sheet's Vietnamese name.
#[test]
fn a_renamed_sheet_is_read_by_its_file_or_vietnamese_name() {
    let (mut t, f) = with_households();
    let rows = [
        [
            "household_code",
            "unit_code",
            "registered_on",
            "head_name",
            "head_gender",
            "area",
            "size",
        ],
        [
            "HX1",
            "00101",
            "2024-03-15",
            "Lê Thị Hoa",
            "Nữ",
            "Nông thôn",
            "3",
        ],
    ];
    let write = |file: &str, sheet: &str| {
        let path = f.path(file);
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet().set_name(sheet).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        book.save(&path).unwrap();
        path
    };
    t.import(&[write("households.xlsx", "Sheet1")]).unwrap();
    t.import(&[write("ho-moi.xlsx", "Hộ gia đình")]).unwrap();
    assert_eq!(
        t.lines("SELECT household_code FROM households WHERE household_code = 'HX1'"),
        ["HX1"]
    );
}

/// A second import of more households than one statement's list holds (SQLite sends
/// 400 keys a statement, PostgreSQL up to 10,000 in one array): each stored household
/// is found, none is taken for new, and the one that changed is found among them.
#[test]
fn a_second_import_of_ten_thousand_households_finds_each_one() {
    const N: usize = 10_050;
    let households = |changed: usize| {
        let mut csv = String::from(
            "household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size\n",
        );
        for i in 0..N {
            let size = if i == changed { 4 } else { 3 };
            csv += &format!("K{i:05},00100,2022-01-10,Hộ {i},F,rural,0,{size}\n");
        }
        csv
    };
    let counts = |s: &importer::Summary| {
        s.per_kind
            .iter()
            .find(|(kind, _)| kind == "households")
            .map(|(_, c)| (c.inserted, c.updated, c.unchanged, c.deleted))
            .expect("households counted")
    };
    let mut t = TestDb::new();
    let first = t
        .import_texts(&[("units.csv", UNITS_CSV), ("households.csv", &households(N))])
        .expect("first import");
    assert_eq!(counts(&first), (N as u64, 0, 0, 0));
    let again = t
        .import_texts(&[("households.csv", &households(7_777))])
        .expect("second import");
    assert_eq!(counts(&again), (0, 1, N as u64 - 1, 0));
    assert_eq!(
        t.lines("SELECT size FROM households WHERE household_code = 'K07777'"),
        ["4"]
    );
}
