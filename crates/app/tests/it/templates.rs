//! Made for officers who live in Excel (issue 15): a template filled with Vietnamese
//! names imports as it is, a bad file shows every error in one round, and a dry run lists
//! what it would add and change, old → new.

use crate::households::with_households;
use crate::support::*;
use importer::preview::Action;
use importer::refusal::Refusal;
use importer::template::{self, UnitChoice};

/// A row of `spec` with these cells by column name, the others empty, in the template's
/// column order.
fn row(spec: &domain::contract::Spec, cells: &[(&str, &str)]) -> Vec<String> {
    spec.cols
        .iter()
        .map(|c| {
            cells
                .iter()
                .find(|(name, _)| *name == c.name)
                .map_or_else(String::new, |(_, v)| (*v).to_owned())
        })
        .collect()
}

fn xa_hai() -> Vec<UnitChoice> {
    vec![UnitChoice {
        code: "00101".into(),
        name: "Xã Hai".into(),
    }]
}

fn dry_run(t: &mut TestDb, paths: &[std::path::PathBuf]) -> importer::Summary {
    let opts = importer::Options {
        dry_run: true,
        ..importer::Options::default()
    };
    importer::import_paths(&mut t.db, paths, &opts).unwrap()
}

#[test]
fn a_template_filled_with_vietnamese_names_imports_as_it_is() {
    let (mut t, _f) = with_households();
    let spec = &domain::contract::HOUSEHOLDS;
    let today = date("2026-12-02");
    let files = Files::new();

    // The template as downloaded: its titles, codes row, guide and lists are no data.
    let empty = template::workbook(spec, &xa_hai(), today, &[]).unwrap();
    let path = files.path("mau-ho.xlsx");
    std::fs::write(&path, empty).unwrap();
    let s = t.import(std::slice::from_ref(&path)).unwrap();
    assert_eq!((s.rows_read, s.total().inserted), (0, 0));

    // Filled as an officer does: the unit from the drop-down, Vietnamese names, a date
    // written DD/MM/YYYY; and H1's head renamed.
    let rows = [
        row(
            spec,
            &[
                ("household_code", "H9"),
                ("unit_code", "00101 — Xã Hai"),
                ("registered_on", "15/03/2022"),
                ("head_name", "Phạm Thị Thu"),
                ("head_gender", "Nữ"),
                ("area", "Nông thôn"),
                ("ethnic_minority", "Có"),
                ("size", "3"),
            ],
        ),
        row(
            spec,
            &[
                ("household_code", "H1"),
                ("unit_code", "00101"),
                ("registered_on", "10/01/2022"),
                ("head_name", "Nguyễn Thị Hoà Bình"),
                ("head_gender", "nữ"),
                ("area", "nong thon"),
                ("ethnic_minority", "có"),
                ("size", "4"),
            ],
        ),
    ];
    let filled = template::workbook(spec, &xa_hai(), today, &rows).unwrap();
    std::fs::write(&path, filled).unwrap();

    // The preview says what would be added and what would change, old → new.
    let before = t.dump();
    let preview = dry_run(&mut t, std::slice::from_ref(&path)).preview;
    assert_eq!(t.dump(), before, "a dry run writes nothing");
    let shown: Vec<(Action, &str, Vec<String>)> = preview
        .changes
        .iter()
        .map(|c| {
            let fields = c
                .fields
                .iter()
                .map(|f| format!("{}: {} → {}", f.column, f.old, f.new))
                .collect();
            (c.action, c.key.as_str(), fields)
        })
        .collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert_eq!(shown[0].0, Action::Add);
    assert_eq!(shown[0].1, "H9");
    assert!(
        shown[0].2.contains(&"Giới tính chủ hộ:  → Nữ".to_owned()),
        "{shown:?}"
    );
    assert!(
        shown[0].2.contains(&"Mã đơn vị:  → 00101".to_owned()),
        "{shown:?}"
    );
    assert_eq!(
        shown[1],
        (
            Action::Change,
            "H1",
            vec!["Họ tên chủ hộ: Nguyễn Thị Hoa → Nguyễn Thị Hoà Bình".to_owned()]
        )
    );

    let s = t.import(std::slice::from_ref(&path)).unwrap();
    assert_eq!((s.total().inserted, s.total().updated), (1, 1));
    assert_eq!(
        t.lines("SELECT head_gender, area, ethnic_minority, registered_on FROM households WHERE household_code = 'H9'"),
        ["F rural 1 2022-03-15"]
    );
}

#[test]
fn a_bad_file_shows_every_error_in_one_round() {
    let (mut t, _f) = with_households();
    // Row 2: a bad gender and an unknown unit on one row (the unit used to show only
    // once the gender was fixed); row 3 is good, and its member (below) must not be
    // refused for want of it.
    let households =
        "household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size\n\
        H7,99999,2022-01-10,Lò Thị Sáu,X,rural,,3\n\
        H8,00101,2022-01-10,Hà Thị Bảy,F,rural,,2\n";
    // Row 2: good, on the new H8; row 3: a bad year on a household that does not exist.
    let members =
        "household_code,member_no,full_name,gender,birth_year,citizen_id,union_member,phone\n\
        H8,1,Hà Thị Bảy,F,1990,,1,\n\
        H6,1,Vi Thị Tám,F,19x0,,1,\n";
    let errors = refused(
        &mut t,
        &[("households.csv", households), ("members.csv", members)],
    );
    let found: Vec<(String, usize, String)> = errors
        .iter()
        .map(|e| (e.file.clone(), e.row, e.column.clone()))
        .collect();
    let want = [
        ("households.csv", 2, "head_gender"),
        ("households.csv", 2, "unit_code"),
        ("members.csv", 3, "household_code"),
        ("members.csv", 3, "birth_year"),
    ];
    for (file, row, column) in want {
        assert!(
            found.contains(&(file.to_owned(), row, column.to_owned())),
            "missing {file} {row} {column} in {found:?}"
        );
    }
    assert_eq!(errors.len(), want.len(), "{errors:?}");
    assert!(errors
        .iter()
        .any(|e| matches!(&e.refusal, Refusal::NoSuchUnit { code } if code == "99999")));
}

#[test]
fn a_file_headed_in_vietnamese_with_semicolons_and_a_codes_row() {
    let (mut t, _f) = with_households();
    // As Excel saves a filled template to CSV in a Vietnamese locale.
    let text = "Mã hộ *;Mã đơn vị *;Ngày đăng ký *;Họ tên chủ hộ *;Giới tính chủ hộ *;Khu vực *;Dân tộc thiểu số;Số nhân khẩu *\n\
        household_code;unit_code;registered_on;head_name;head_gender;area;ethnic_minority;size\n\
        H9;00101 — Xã Hai;15/03/2022;Phạm Thị Thu;Nữ;Thành thị;Không;2\n";
    let s = t.import_texts(&[("households.csv", text)]).unwrap();
    assert_eq!(s.total().inserted, 1);
    assert_eq!(
        t.lines("SELECT area, size FROM households WHERE household_code = 'H9'"),
        ["urban 2"]
    );
}
