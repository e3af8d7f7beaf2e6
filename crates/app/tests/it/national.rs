//! The national benchmark data set at a tiny scale: it imports, and a national report
//! over it finds the generator's own totals.

use crate::support::*;

#[test]
fn generated_national_files_import_and_report_their_totals() {
    let t = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let communes = importer::vn::Sources::embedded().communes_2025().unwrap();
    synth::national::generate(&communes, 0.0002, 2025, dir.path()).unwrap();
    let u = dir.path().join("unmatched.csv");
    assert!(donghanh()
        .args(["--db", t.url(), "units", "load-vn", "--unmatched"])
        .arg(&u)
        .output()
        .unwrap()
        .status
        .success());
    std::fs::remove_file(&u).unwrap();
    let imported = donghanh()
        .args(["--db", t.url(), "import"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        imported.status.success(),
        "{}{}",
        String::from_utf8_lossy(&imported.stdout),
        String::from_utf8_lossy(&imported.stderr)
    );
    let manifest = std::fs::read_to_string(dir.path().join("manifest.txt")).unwrap();
    let expected = |key: &str| -> i64 {
        manifest
            .lines()
            .find_map(|l| l.strip_prefix(&format!("expected {key} ")))
            .map_or(0, |v| v.parse().unwrap())
    };
    let mut t = t;
    assert!(
        store::aggregates::rollups::in_step(&mut t.db).unwrap(),
        "the import added the cells up by province"
    );
    for year in [2026, 2027] {
        let req = reports::Request {
            unit: "VN".into(),
            from: date(&format!("{year}-01-01")),
            to: date(&format!("{year}-12-31")),
            structure_date: None,
        };
        let r = reports::run(&mut t.db, &req, false).unwrap();
        for code in [
            "gifts",
            "jobs_placed",
            "union_loans",
            "vocational_trainees",
            "women_entrepreneurs_trained",
        ] {
            assert_eq!(
                r.int(code),
                expected(&format!("{code}@{year}")),
                "{code} in {year}"
            );
        }
        assert!(r.int("gifts") > 0);
        // Read by province (`report_rollups`) as from the records, province by province.
        let by_province = reports::run(&mut t.db, &req, true).unwrap();
        assert!(by_province.children.as_ref().is_some_and(|c| c.len() > 30));
        let from_records = reports::compute_from_records(&mut t.db, &req)
            .unwrap()
            .report(true);
        assert_eq!(by_province, from_records, "{year}");
    }
}
