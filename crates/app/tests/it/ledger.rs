//! The programme ledger's files: bad input is refused row by row and nothing is written;
//! the figures and the records behind them.

use crate::households::with_households;
use crate::support::*;
use importer::refusal::Refusal;

fn rejected(files: &[(&str, &str)]) -> Vec<importer::RowError> {
    let (mut t, _f) = with_households();
    refused(&mut t, files)
}

const SUPPORTS_HEAD: &str = "record_id,date,unit_code,support_type,household_code,member_no,quantity,value_vnd,programme,funding\n";

#[test]
fn bad_supports() {
    let e = rejected(&[(
        "supports.csv",
        &format!("{SUPPORTS_HEAD}S1,2023-05-01,00100,bicycle,,,1,100000,,\n"),
    )]);
    assert_eq!(
        (e.len(), e[0].column.as_str()),
        (1, "support_type"),
        "{e:?}"
    );
    let e = rejected(&[(
        "supports.csv",
        &format!("{SUPPORTS_HEAD}S1,2023-05-01,00100,livelihood,,,1,3.000.000,,\n"),
    )]);
    assert_eq!(e[0].refusal, Refusal::LivelihoodNeedsHousehold, "{e:?}");
    let e = rejected(&[(
        "supports.csv",
        &format!("{SUPPORTS_HEAD}S1,2023-05-01,00100,gift,,,-3,100000,,\n"),
    )]);
    assert!(
        e[0].column == "quantity" && e[0].refusal == Refusal::CountNegative,
        "{e:?}"
    );
    let e = rejected(&[(
        "supports.csv",
        &format!("{SUPPORTS_HEAD}S1,2023-05-01,00100,livelihood,H1,7,1,100000,,\n"),
    )]);
    assert_eq!(
        e[0].refusal,
        Refusal::NoMember {
            household: "H1".into(),
            member_no: 7
        },
        "{e:?}"
    );
}

#[test]
fn bad_savings_group_target_and_project_rows() {
    let e = rejected(&[(
        "savings_groups.csv",
        "as_of,unit_code,group_code,clients,outstanding_vnd,overdue_vnd\n2025-08-01,00101,G1,20,500.000.000,0\n",
    )]);
    assert!(
        matches!(&e[0].refusal, Refusal::UnitEndedInto { into_code, on, .. }
            if into_code == "00100" && on.to_string() == "2025-07-01"),
        "{e:?}"
    );
    let e = rejected(&[(
        "targets.csv",
        "year,unit_code,indicator,value\n2023,00100,hh_rescued,2\n",
    )]);
    assert_eq!(
        (e[0].column.as_str(), &e[0].refusal),
        ("indicator", &Refusal::UnknownIndicator)
    );
    let e = rejected(&[(
        "project_members.csv",
        "project_code,household_code,joined_on,difficult\nP9,H1,2024-01-01,0\n",
    )]);
    assert_eq!(
        e[0].refusal,
        Refusal::NoProject { code: "P9".into() },
        "{e:?}"
    );
}

#[test]
fn ledger_figures_with_explanations() {
    let (mut t, f) = with_households();
    f.write(
        "supports.csv",
        &format!(
            "{SUPPORTS_HEAD}\
S1,2023-03-01,00100,livelihood,H3,,1,2.000.000,,\n\
S2,2023-03-02,00101,livelihood,H1,1,1,3.000.000,,\n\
S3,2023-03-03,00101,livelihood,H1,1,1,1.000.000,,\n\
S4,2023-04-01,00100,gift,,,25,5.000.000,,\n\
,2023-04-02,00100,house_built,,,,60.000.000,,\n\
S6,2023-12-01,00100,gift,,,10,1.000.000,,\n"
        ),
    );
    f.write("targets.csv", "year,unit_code,indicator,value\n2023,00100,gifts,20\n2023,00101,gifts,10\n2023,01,livelihood_recipients,5\n");
    t.import(&[f.path("supports.csv"), f.path("targets.csv")])
        .unwrap();
    let req = request("01", "2023-01-01", "2023-10-31", None);
    let r = reports::run(&mut t.db, &req, true).unwrap();
    // H3 as a household (no member number) and H1's member 1 (twice): two recipients.
    assert_eq!(r.int("livelihood_recipients"), 2);
    assert_eq!(r.int("livelihood_value_vnd"), 6_000_000);
    assert_eq!(r.int("gifts"), 25, "the December gift is after the period");
    assert_eq!(r.int("houses_built"), 1, "an empty quantity counts as 1");
    assert_eq!(r.int("charity_value_vnd"), 65_000_000);
    let gifts = r.get("gifts").unwrap();
    assert_eq!(
        (gifts.target, gifts.achievement_pct),
        (Some(30), Some(83.3)),
        "children's targets add up"
    );
    let rec = r.get("livelihood_recipients").unwrap();
    assert_eq!(
        (rec.target, rec.achievement_pct),
        (Some(5), Some(40.0)),
        "the unit's own target wins"
    );
    // Across years no target applies.
    let two_years = reports::Request {
        to: date("2024-06-30"),
        ..req.clone()
    };
    assert_eq!(
        reports::run(&mut t.db, &two_years, false)
            .unwrap()
            .get("gifts")
            .unwrap()
            .target,
        None
    );
    // The records behind a sum.
    let c = reports::compute(&mut t.db, &req, Some("livelihood_value_vnd")).unwrap();
    let ev: Vec<(String, i64)> = c
        .evidence()
        .into_iter()
        .map(|e| (e.record, e.amount))
        .collect();
    assert_eq!(
        ev,
        [
            ("S1".to_owned(), 2_000_000),
            ("S2".into(), 3_000_000),
            ("S3".into(), 1_000_000)
        ]
    );
    // A row without record_id got a stable derived one: importing again changes nothing.
    let before = t.dump();
    t.import(&[f.path("supports.csv")]).unwrap();
    assert_eq!(t.dump(), before);
    // A record whose unit did not exist yet on the structure date is listed, not dropped.
    f.write(
        "supports.csv",
        &format!("{SUPPORTS_HEAD}S9,2025-08-01,00300,gift,,,4,400.000,,\n"),
    );
    t.import(&[f.path("supports.csv")]).unwrap();
    let early = request("01", "2025-01-01", "2025-12-31", Some("2024-12-31"));
    let r2 = reports::run(&mut t.db, &early, false).unwrap();
    assert_eq!(r2.int("gifts"), 0);
    assert_eq!(r2.unmapped.len(), 1, "{:?}", r2.unmapped);
    assert_eq!(
        (
            r2.unmapped[0].source,
            r2.unmapped[0].unit_code.as_str(),
            r2.unmapped[0].records
        ),
        ("supports", "00300", 1)
    );
    assert!(reports::render::narrative(&r2).contains("1 bản ghi"));
    // The narrative leaves out what is zero.
    let text = reports::render::narrative(&r);
    assert!(
        text.contains("tặng 25 suất quà") && !text.contains("đào tạo nghề"),
        "{text}"
    );
}
