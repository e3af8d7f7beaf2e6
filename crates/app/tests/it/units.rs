//! Units and lineage through the importer, and the tree queries over them.

use crate::support::*;
use domain::units::Fate;
use importer::refusal::Refusal;

fn loaded() -> (TestDb, Files) {
    let mut t = TestDb::new();
    let f = Files::new();
    f.write("units.csv", UNITS_CSV);
    f.write("unit_lineage.csv", LINEAGE_CSV);
    // unit_lineage.csv sorts before units.csv: the directory import must still take
    // units first.
    let s = t.import(&[f.root().to_path_buf()]).expect("import");
    assert_eq!(s.total().inserted, 15);
    (t, f)
}

/// The codes of unit versions.
fn codes<'g>(g: &'g domain::units::UnitGraph, ixs: &[usize]) -> Vec<&'g str> {
    ixs.iter().map(|&i| g.version(i).code.as_str()).collect()
}

#[test]
fn tree_on_dates_and_where_records_go() {
    let (mut t, _f) = loaded();
    let g = t.graph();
    let before = g.structure_on(date("2024-05-01"));
    let p1 = g.version_on("01", date("2024-05-01")).unwrap();
    assert_eq!(
        codes(&g, &before.subtree(p1)),
        ["01", "010", "00100", "00101"]
    );

    let after = g.structure_on(date("2025-07-01"));
    let p1 = g.version_on("01", date("2025-07-01")).unwrap();
    assert_eq!(codes(&g, after.children(p1)), ["00100", "00300"]);

    let s = date("2025-07-01");
    let old = |code: &str| g.version_on(code, date("2024-01-01")).unwrap();
    let code_at = |ix| g.resolve(ix, s).map(|r| g.version(r).name.clone());
    assert_eq!(code_at(old("00101")).as_deref(), Some("Phường Một Mới"));
    assert_eq!(code_at(old("00200")).as_deref(), Some("Xã Bốn Mới")); // larger share
    assert_eq!(code_at(old("020")).as_deref(), Some("Tỉnh Một")); // abolished district → ancestor → lineage
    match g.fate("02", s) {
        Fate::EndedInto { into, on, .. } => {
            assert_eq!(g.version(into).code, "01");
            assert_eq!(on, s);
        }
        other => panic!("{other:?}"),
    }
    let new = g.version_on("00100", s).unwrap();
    let mut preds: Vec<String> = g
        .predecessors(new)
        .iter()
        .map(|p| g.version(p.ix).name.clone())
        .collect();
    preds.sort();
    assert_eq!(preds, ["Xã Ba", "Xã Hai", "Xã Một"]);
}

#[test]
fn reimport_changes_nothing_and_a_changed_row_is_audited() {
    let (mut t, f) = loaded();
    let before = t.dump();
    let s = t.import(&[f.root().to_path_buf()]).expect("again");
    assert_eq!(s.total().inserted + s.total().updated, 0);
    assert_eq!(t.dump(), before, "a repeated import must change nothing");

    let renamed = UNITS_CSV.replace("Xã Hai,commune", "Xã Hai Đổi Tên,commune");
    let g = Files::new();
    g.write("units.csv", &renamed);
    let s = t.import(&[g.path("units.csv")]).expect("rename");
    assert_eq!(s.total().updated, 1);
    let audit = store::audit::recent(&mut t.db, 1).unwrap();
    let a = &audit[0];
    assert_eq!((a.action.as_str(), a.entity.as_str()), ("update", "units"));
    assert!(a.old.as_deref().unwrap().contains("\"Xã Hai\""));
    assert!(a.new.as_deref().unwrap().contains("Xã Hai Đổi Tên"));
    assert!(a.key.contains("00101"));
}

#[test]
fn nfd_input_is_stored_as_nfc_and_x_columns_are_kept() {
    let mut t = TestDb::new();
    let f = Files::new();
    let nfd: String = unicode_nfd("Xã Hòa Liên");
    f.write(
        "units.csv",
        &format!("\u{feff}code,name,level,parent_code,valid_from,valid_to,x_note\nP,Tỉnh,province,,,,\n00001,{nfd},commune,P,01/01/2020,,ghi chú\n"),
    );
    t.import(&[f.path("units.csv")]).expect("import");
    let row =
        t.db.query_one(
            "SELECT name, extra FROM units WHERE code = ?",
            store::params!["00001"],
        )
        .unwrap();
    assert_eq!(cell(&row, "name"), "Xã Hòa Liên");
    assert_eq!(cell(&row, "extra"), r#"{"x_note":"ghi chú"}"#);
}

fn unicode_nfd(s: &str) -> String {
    // Decompose by hand for the letters used: enough to prove NFD input is folded.
    s.replace('à', "a\u{300}")
        .replace('ò', "o\u{300}")
        .replace('ê', "e\u{302}")
}

#[test]
fn xlsx_workbook_imports_like_csv() {
    let mut t = TestDb::new();
    let f = Files::new();
    let path = f.path("donvi.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("units").unwrap();
    let rows = [
        [
            "code",
            "name",
            "level",
            "parent_code",
            "valid_from",
            "valid_to",
        ],
        ["01", "Tỉnh Một", "province", "", "", ""],
        ["00100", "Xã Một", "commune", "01", "2020-01-01", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    // A real date cell, as Excel users type them.
    let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 6, 30).unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_datetime_with_format(2, 5, &d, &fmt).unwrap();
    book.save(&path).unwrap();
    t.import(&[path]).expect("xlsx import");
    let g = t.graph();
    let c = g.version_on("00100", date("2021-01-01")).unwrap();
    assert_eq!(g.version(c).valid_to, date("2025-06-30"));
    assert_eq!(g.version(c).parent_code.as_deref(), Some("01"));
}

#[test]
fn a_numeric_code_cell_in_xlsx_is_refused() {
    let mut t = TestDb::new();
    let f = Files::new();
    let path = f.path("book.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("units").unwrap();
    for (c, h) in ["code", "name", "level"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 1.0).unwrap(); // "01" typed into a General cell
    sheet.write_string(1, 1, "Tỉnh Một").unwrap();
    sheet.write_string(1, 2, "province").unwrap();
    book.save(&path).unwrap();
    let before = t.dump();
    match t.import(&[path]) {
        Err(importer::ImportError::Rejected(r)) => {
            assert_eq!(r.errors.len(), 1);
            assert_eq!((r.errors[0].row, r.errors[0].column.as_str()), (2, "code"));
            assert_eq!(r.errors[0].refusal, Refusal::CodeStoredAsNumber);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(t.dump(), before);
}
