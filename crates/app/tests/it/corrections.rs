//! Corrections and sign-off (issue 14): deleting records by file with a reason (a
//! tombstone and the audit keep them), the refusals of a deletion, and approved periods
//! that lock the records dated in them until they are reopened.

use crate::households::with_households;
use crate::support::*;
use domain::review::{Period, ReviewState};
use importer::refusal::Refusal;
use Refusal::{NothingToDelete, ReasonRequired, Required};

const SUPPORTS_HEAD: &str =
    "record_id,date,unit_code,support_type,household_code,member_no,quantity,value_vnd,programme,funding\n";

/// The gifts a report counts, of every record or of the approved figures only.
fn gifts_of(t: &mut TestDb, (unit, from, to): (&str, &str, &str), approved: bool) -> i64 {
    let req = request(unit, from, to, None);
    let report = if approved {
        reports::run_approved(&mut t.db, &req, false)
    } else {
        reports::run(&mut t.db, &req, false)
    };
    report.unwrap().int("gifts")
}

/// The households' fixture with these supports rows (after the contract's header).
fn with_supports(rows: &str) -> TestDb {
    let (mut t, _f) = with_households();
    let supports = format!("{SUPPORTS_HEAD}{rows}");
    t.import_texts(&[("supports.csv", &supports)]).unwrap();
    t
}

fn gifts(t: &mut TestDb, unit: &str, from: &str, to: &str) -> i64 {
    gifts_of(t, (unit, from, to), false)
}

fn refusals(t: &mut TestDb, files: &[(&str, &str)]) -> Vec<Refusal> {
    refused(t, files).into_iter().map(|e| e.refusal).collect()
}

/// The refusals of one file.
fn refusals_of(t: &mut TestDb, name: &str, text: &str) -> Vec<Refusal> {
    refusals(t, &[(name, text)])
}

#[test]
fn a_deleted_record_leaves_a_tombstone_and_the_report_drops_it() {
    let mut t = with_supports("G1,2023-05-02,00100,gift,,,3,,,\nG2,2023-05-03,00100,gift,,,2,,,\n");
    assert_eq!(gifts(&mut t, "00100", "2023-01-01", "2023-12-31"), 5);

    // A deletion needs its reason, and a key that is stored.
    let no_reason = "record_id,delete\nG1,1\n";
    assert_eq!(
        refusals_of(&mut t, "supports.csv", no_reason),
        [ReasonRequired]
    );
    let unknown = "record_id,delete,reason\nG9,1,nhập nhầm\n";
    assert_eq!(
        refusals_of(&mut t, "supports.csv", unknown),
        [NothingToDelete]
    );

    let s = t
        .import_texts(&[(
            "supports.csv",
            "record_id,delete,reason\nG1,có,nhập trùng\n",
        )])
        .unwrap();
    assert_eq!(s.total().deleted, 1);
    assert_eq!(gifts(&mut t, "00100", "2023-01-01", "2023-12-31"), 2);
    assert_eq!(
        t.lines("SELECT entity, entity_key, deleted_by, reason FROM tombstones"),
        [r#"supports {"record_id":"G1"} system nhập trùng"#]
    );
    let audit = store::audit::recent(&mut t.db, 1).unwrap();
    assert_eq!(
        (audit[0].action.as_str(), audit[0].reason.as_deref()),
        ("delete", Some("nhập trùng"))
    );
    assert!(audit[0].old.as_deref().unwrap().contains("\"quantity\":3"));
    // Deleting it again: there is nothing to delete.
    let again = "record_id,delete,reason\nG1,1,lần hai\n";
    assert_eq!(
        refusals_of(&mut t, "supports.csv", again),
        [NothingToDelete]
    );
}

#[test]
fn a_household_goes_after_what_hangs_on_it() {
    let (mut t, _f) = with_households();
    let household = "household_code,delete,reason\nH4,1,hộ chuyển đi\n";
    assert_eq!(
        refusals_of(&mut t, "households.csv", household),
        [Refusal::HouseholdHasRecords { code: "H4".into() }]
    );
    // A member who received a support goes after the support.
    let support = format!("{SUPPORTS_HEAD}L1,2023-04-01,00101,livelihood,H4,1,1,3000000,,\n");
    t.import_texts(&[("supports.csv", &support)]).unwrap();
    let member = "household_code,member_no,delete,reason\nH4,1,1,hộ chuyển đi\n";
    let got = refusals_of(&mut t, "members.csv", member);
    assert!(
        matches!(got[..], [Refusal::MemberHasSupports { member_no: 1, .. }]),
        "{got:?}"
    );
    let support = "record_id,delete,reason\nL1,1,hộ chuyển đi\n";
    t.import_texts(&[("supports.csv", support)]).unwrap();
    // Its one member and the household in one import: the member goes first.
    let s = t
        .import_texts(&[("members.csv", member), ("households.csv", household)])
        .unwrap();
    assert_eq!(s.total().deleted, 2);
    assert!(t
        .lines("SELECT household_code FROM households WHERE household_code = 'H4'")
        .is_empty());
    // A row that is not a deletion in a file that has the column still needs its values.
    let mixed =
        "household_code,unit_code,registered_on,head_name,head_gender,area,size,delete,reason\n\
                 H9,00101,2023-01-10,,F,rural,2,0,\n";
    assert_eq!(refusals_of(&mut t, "households.csv", mixed), [Required]);
}

#[test]
fn an_approved_period_locks_its_records_until_it_is_reopened() {
    let mut t = with_supports("G1,2023-05-02,00100,gift,,,3,,,\n");
    let year = Period::parse("2023").unwrap();
    let step = |t: &mut TestDb, to: ReviewState, who: &str, comment: Option<&str>| {
        store::reviews::step(&mut t.db, "01", year, to, who, comment).unwrap();
    };
    // Submitted is not yet locked; approved by the province it is, for every unit below.
    step(&mut t, ReviewState::Submitted, "xa", None);
    let late = format!("{SUPPORTS_HEAD}G2,2023-06-01,00101,gift,,,1,,,\n");
    t.import_texts(&[("supports.csv", &late)]).unwrap();
    // A report of approved figures only has none yet; once the province's year is
    // approved it has them all.
    assert_eq!(
        gifts_of(&mut t, ("01", "2023-01-01", "2023-12-31"), true),
        0
    );
    step(&mut t, ReviewState::Approved, "tinh", Some("khớp"));
    assert_eq!(
        gifts_of(&mut t, ("01", "2023-01-01", "2023-12-31"), true),
        gifts(&mut t, "01", "2023-01-01", "2023-12-31")
    );

    let later = format!("{SUPPORTS_HEAD}G3,2023-07-01,00101,gift,,,1,,,\n");
    let got = refused(&mut t, &[("supports.csv", &later)]);
    assert_eq!((got.len(), got[0].column.as_str()), (1, "date"));
    match &got[0].refusal {
        Refusal::PeriodLocked {
            unit_code,
            period,
            by,
            ..
        } => {
            assert_eq!(
                (unit_code.as_str(), *period, by.as_str()),
                ("01", year, "tinh")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        got[0].reason_vi().contains("đã được tinh duyệt ngày "),
        "{}",
        got[0].reason_vi()
    );
    // A correction that moves a locked record out of the period is refused too (the
    // stored row is in it), and so is its deletion; an assessment of a household of a
    // commune below is locked by its household's unit.
    let moved = format!("{SUPPORTS_HEAD}G1,2024-01-05,00100,gift,,,3,,,\n");
    assert!(matches!(
        refusals_of(&mut t, "supports.csv", &moved)[..],
        [Refusal::PeriodLocked { .. }]
    ));
    let delete = "record_id,delete,reason\nG1,1,sai\n";
    assert!(matches!(
        refusals_of(&mut t, "supports.csv", delete)[..],
        [Refusal::PeriodLocked { .. }]
    ));
    let assessment =
        "household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\n\
                      H1,2023,official,2023-12-05,1100000,employment;nutrition;water,\n";
    assert!(matches!(
        refusals_of(&mut t, "assessments.csv", assessment)[..],
        [Refusal::PeriodLocked { .. }]
    ));
    // Outside the period, and in another province, writes go on.
    let next_year = format!(
        "{SUPPORTS_HEAD}G4,2024-02-01,00100,gift,,,1,,,\nG5,2023-07-01,00200,gift,,,1,,,\n"
    );
    t.import_texts(&[("supports.csv", &next_year)]).unwrap();

    step(&mut t, ReviewState::Reopened, "tinh", Some("bổ sung"));
    t.import_texts(&[("supports.csv", &later)]).unwrap();
    assert_eq!(gifts(&mut t, "01", "2023-01-01", "2023-12-31"), 5);
    let steps = t.lines(
        "SELECT action, actor, reason FROM audit_log WHERE entity = 'period_reviews' ORDER BY id",
    );
    assert_eq!(
        steps,
        [
            "submitted xa ",
            "approved tinh khớp",
            "reopened tinh bổ sung"
        ]
    );
}

#[test]
fn a_report_of_approved_figures_holds_the_approved_units_only() {
    let mut t = with_supports("G1,2023-05-02,00100,gift,,,3,,,\nG2,2023-06-01,00101,gift,,,1,,,\n");
    let year = Period::parse("2023").unwrap();
    for to in [ReviewState::Submitted, ReviewState::Approved] {
        store::reviews::step(&mut t.db, "00101", year, to, "huyen", None).unwrap();
    }
    let req = request("01", "2023-01-01", "2023-12-31", None);
    let all = reports::run(&mut t.db, &req, true).unwrap();
    let approved = reports::run_approved(&mut t.db, &req, true).unwrap();
    assert_eq!((all.int("gifts"), approved.int("gifts")), (4, 1));
    // Only the approved commune's row keeps its figures; nothing is listed as unplaced.
    assert!(approved.unmapped.is_empty());
    // A period inside the approved one is approved too; one that reaches past it is not.
    assert_eq!(
        gifts_of(&mut t, ("01", "2023-06-01", "2023-06-30"), true),
        1
    );
    assert_eq!(
        gifts_of(&mut t, ("01", "2023-06-01", "2024-01-31"), true),
        0
    );
}
