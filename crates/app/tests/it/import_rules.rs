//! Bad input: each general rule of the contract with a bad value gives a row-level
//! message and leaves the database exactly as it was.

use crate::support::*;
use importer::refusal::Refusal;
use importer::RowError;

/// Loads the small tree, then imports `files` (name, text) expecting a rejection; checks
/// the dump is unchanged and returns the errors.
fn rejected(files: &[(&str, &str)]) -> Vec<RowError> {
    let mut t = TestDb::new();
    let base = Files::new();
    base.write("units.csv", UNITS_CSV);
    base.write("unit_lineage.csv", LINEAGE_CSV);
    t.import(&[base.root().to_path_buf()]).expect("base import");
    refused(&mut t, files)
}

/// The one error of a file that must be refused.
fn one_refusal(name: &str, text: &str) -> RowError {
    one(&rejected(&[(name, text)])).clone()
}

/// The one error of a units file holding these rows.
fn unit_refusal(rows: &str) -> RowError {
    one_refusal("units.csv", &format!("{HEAD}{rows}"))
}

/// Every error is of the kind `is` tells.
fn all_are(errors: &[RowError], is: impl Fn(&Refusal) -> bool) {
    assert!(errors.iter().all(|e| is(&e.refusal)), "{errors:#?}");
}

fn one(errors: &[RowError]) -> &RowError {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    &errors[0]
}

const HEAD: &str = "code,name,level,parent_code,valid_from,valid_to\n";

#[test]
fn impossible_date() {
    let e = unit_refusal("00500,Xã Năm,commune,010,31/02/2024,\n");
    assert_eq!(
        (e.row, e.column.as_str(), e.value.as_str()),
        (2, "valid_from", "31/02/2024")
    );
    assert_eq!(
        e.refusal,
        Refusal::NoSuchDay {
            raw: "31/02/2024".into()
        }
    );
}

#[test]
fn unknown_column_is_refused_but_x_columns_pass() {
    let e = rejected(&[(
        "units.csv",
        "code,name,level,ghichu,x_ok\n00500,Xã Năm,commune,a,b\n",
    )]);
    let e = one(&e);
    assert_eq!(e.column, "ghichu");
    assert!(matches!(&e.refusal, Refusal::UnknownColumn { column, .. } if column == "ghichu"));
}

#[test]
fn code_that_excel_made_a_number() {
    // Lost leading zero: parent "10" stands for "010".
    let e = unit_refusal("00500,Xã Năm,commune,10,2020-01-01,\n");
    assert_eq!(e.column, "parent_code");
    assert!(
        matches!(&e.refusal, Refusal::ParentMissing { zero_hint: Some(z), .. } if z == "010"),
        "{e:?}"
    );
    let reason = e.reason_vi();
    assert!(reason.contains("có phải mã 010?"), "{reason}");
    // Scientific notation.
    let e = unit_refusal("4.9E+4,Xã Năm,commune,010,2020-01-01,\n");
    assert_eq!((e.column.as_str(), e.value.as_str()), ("code", "4.9E+4"));
}

#[test]
fn duplicate_key_within_a_file() {
    let e = unit_refusal(
        "00500,Xã Năm,commune,010,2020-01-01,\n00500,Xã Năm Khác,commune,010,01/01/2020,\n",
    );
    assert_eq!(e.row, 3);
    assert!(
        matches!(e.refusal, Refusal::KeyRepeated { line: 2, .. }),
        "{e:?}"
    );
}

#[test]
fn identical_duplicate_rows_are_one_row() {
    let mut t = TestDb::new();
    let twice = format!("{HEAD}P,Tỉnh,province,,,\nP,Tỉnh,province,,,\n");
    let s = t
        .import_texts(&[("units.csv", &twice)])
        .expect("identical rows are fine");
    assert_eq!(s.total().inserted, 1);
}

#[test]
fn parent_missing_on_that_date() {
    // 02 ended on 2025-06-30: a commune starting after that cannot hang under it.
    let e = unit_refusal("00600,Xã Sáu,commune,02,2025-08-01,\n");
    assert_eq!(e.column, "parent_code");
    assert!(
        matches!(&e.refusal, Refusal::ParentMissing { on, .. } if on.to_string() == "2025-08-01"),
        "{e:?}"
    );
}

#[test]
fn overlapping_versions_of_one_code() {
    let e = rejected(&[(
        "units.csv",
        &format!("{HEAD}00100,Xã Một Khác,commune,01,2025-06-01,\n"),
    )]);
    assert!(!e.is_empty());
    all_are(&e, |r| matches!(r, Refusal::ValidityOverlaps { .. }));
}

#[test]
fn lineage_cycle() {
    let units =
        format!("{HEAD}00700,Xã Bảy,commune,01,2025-07-01,\n00800,Xã Tám,commune,01,2025-07-01,\n");
    let e = rejected(&[
        ("units.csv", &units),
        ("unit_lineage.csv", "from_code,to_code,effective_date,share\n00700,00800,2025-08-01,\n00800,00700,2025-08-01,\n"),
    ]);
    assert_eq!(e.len(), 2, "{e:#?}");
    all_are(&e, |r| matches!(r, Refusal::LineageCycle { .. }));
}

#[test]
fn lineage_rules() {
    let e = rejected(&[(
        "unit_lineage.csv",
        "from_code,to_code,effective_date,share\nVN,00300,2025-07-01,\n00100,ZZ,2025-07-01,\n00101,00300,2025-07-01,1.5\n",
    )]);
    assert_eq!(e.len(), 3, "{e:#?}");
    // VN continues: not an ended unit.
    assert!(
        matches!(e[0].refusal, Refusal::LineageFromNotEnded { .. }),
        "{e:?}"
    );
    assert!(
        matches!(&e[1].refusal, Refusal::LineageToMissing { code, .. } if code == "ZZ"),
        "{e:?}"
    );
    assert_eq!(
        (e[2].column.as_str(), &e[2].refusal),
        ("share", &Refusal::ShareOutOfRange)
    );
}

#[test]
fn every_bad_row_of_every_file_is_reported_at_once() {
    let e = rejected(&[
        ("units.csv", &format!("{HEAD}00500,Xã Năm,commune,010,31/02/2024,\n00501,,commune,010,,\n00502,Xã,hamlet,010,,\n")),
        ("ho_gia_dinh.csv", "household_code\nH1\n"),
    ]);
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(e
        .iter()
        .any(|e| e.file == "ho_gia_dinh.csv" && matches!(e.refusal, Refusal::UnknownKind { .. })));
    assert!(e
        .iter()
        .any(|e| e.column == "name" && e.refusal == Refusal::Required));
    assert!(e.iter().any(|e| e.column == "level" && e.value == "hamlet"));
}

#[test]
fn unknown_boolean_is_refused_by_the_general_rules() {
    // No units column is a yes/no; the rule is exercised through the importer's parser
    // with a yes/no column of the kind later file kinds declare.
    use importer::kinds::{parse_tables, Spec};
    use importer::rules::{req, Ty};
    static SPEC: Spec = Spec {
        kind: "flags",
        label_vi: "thử",
        cols: &[req("id", Ty::Code), req("union_member", Ty::Bool)],
        key: &["id"],
        dated_by: None,
        deletable: false,
        subject: domain::access::Subject::Records,
    };
    let table = importer::source::parse_csv(
        b"id,union_member\nA,c\xc3\xb3\nB,yes\nC,0\n",
        "flags".into(),
        "flags.csv".into(),
    )
    .unwrap();
    let mut errors = Vec::new();
    let rows = parse_tables(&SPEC, &[table], &mut errors);
    // The row with the bad cell is kept, marked, to be checked further but never written.
    assert_eq!(rows.iter().filter(|r| !r.broken).count(), 2);
    assert_eq!(rows.iter().filter(|r| r.broken).count(), 1);
    let e = one(&errors);
    assert_eq!(
        (e.row, e.column.as_str(), e.value.as_str()),
        (3, "union_member", "yes")
    );
    assert_eq!(e.refusal, Refusal::BoolFormat);
}

/// Every table the write path knows is derived from its file kind (`domain::contract`):
/// its columns in the migrated database are exactly the kind's columns, the derived ones
/// and `extra` (plus `id` where the table numbers its rows), on both backends. A column
/// added to the contract without a migration, or the other way round, fails here.
#[test]
fn every_written_table_has_exactly_the_columns_its_file_kind_defines() {
    use store::{households as h, ledger as l, units as u};
    let mut t = TestDb::new();
    let tables: [&store::tables::TableDef; 17] = [
        &h::HOUSEHOLDS,
        &h::MEMBERS,
        &h::CONSENTS,
        &h::ASSESSMENTS,
        &h::ASSIGNMENTS,
        &l::SUPPORTS,
        &l::ACTIVITIES,
        &l::SAVINGS_GROUPS,
        &l::ENTRUSTED_TOTALS,
        &l::COOPERATIVES,
        &l::CLUBS,
        &l::MICROINSURANCE,
        &l::TARGETS,
        &l::PROJECTS,
        &l::PROJECT_MEMBERS,
        &u::UNITS,
        &u::LINEAGE,
    ];
    assert_eq!(tables.len(), domain::contract::ALL.len());
    for def in tables {
        let sql = match backend() {
            store::Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{}')", def.table),
            store::Backend::Postgres => format!(
                "SELECT column_name::text AS name FROM information_schema.columns WHERE table_name = '{}'",
                def.table
            ),
        };
        let mut stored: Vec<String> =
            t.db.query(&sql, &[])
                .unwrap()
                .iter()
                .map(|r| cell(r, "name"))
                .filter(|c| c != "id")
                .collect();
        let mut defined: Vec<String> = def
            .key
            .iter()
            .chain(def.data)
            .map(|c| (*c).to_owned())
            .collect();
        stored.sort();
        defined.sort();
        assert_eq!(stored, defined, "table {}", def.table);
    }
}
