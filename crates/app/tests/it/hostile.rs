//! Files from users are hostile (`synth::hostile`): each is refused with a message naming
//! the limit, through the command line and through the server, nothing is written, and
//! the server stays up; a workbook in the 1904 date system keeps its dates.

use crate::support::*;
use crate::web_support::*;
use synth::hostile::{header_row, text_cell, workbook, write_all as hostile_files};

fn units_db() -> TestDb {
    let mut t = TestDb::new();
    let f = Files::new();
    f.write("units.csv", UNITS_CSV);
    t.import(&[f.path("units.csv")]).unwrap();
    t
}

#[test]
fn hostile_files_are_refused_by_the_command_line_and_change_nothing() {
    let mut t = units_db();
    let before = t.dump();
    let dir = tempfile::tempdir().unwrap();
    for (file, words) in hostile_files(dir.path()).unwrap() {
        let out = donghanh()
            .args(["--db", t.url(), "import"])
            .arg(&file)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: rejected, not aborted: {said}",
            file.display()
        );
        assert!(
            said.contains(words),
            "{}: wanted «{words}» in {said}",
            file.display()
        );
        // The error report stays small whatever the file held.
        let report = std::fs::metadata(dir.path().join("import-errors.csv")).map_or(0, |m| m.len());
        assert!(
            report < 64 * 1024,
            "{}: a {report}-byte error report",
            file.display()
        );
    }
    assert_eq!(t.dump(), before, "nothing written");
}

/// A Mac workbook counts its days from 1904: 15/03/2024 is stored as 43904 there.
#[test]
fn a_1904_workbook_keeps_its_dates() {
    let mut t = units_db();
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("mac.xlsx");
    workbook(&book, "households", true, |w| {
        write!(w, "{}", header_row())?;
        write!(
            w,
            r#"<row r="2">{}{}<c r="C2" s="1"><v>43904</v></c>{}{}{}<c r="G2"><v>0</v></c><c r="H2"><v>3</v></c></row>"#,
            text_cell("A2", "MAC-1"),
            text_cell("B2", "00100"),
            text_cell("D2", "Lê Thị Hoa"),
            text_cell("E2", "F"),
            text_cell("F2", "rural"),
        )
    })
    .unwrap();
    t.import(&[book]).unwrap();
    let r =
        t.db.query_one(
            "SELECT registered_on FROM households WHERE household_code = 'MAC-1'",
            &[],
        )
        .unwrap();
    assert_eq!(cell(&r, "registered_on"), "2024-03-15");
}

#[test]
fn hostile_files_are_refused_by_the_server_which_stays_up() {
    let server = demo_server();
    let base = &server.base;
    // A viewer's upload is refused before it is read; a clerk's is read, and each
    // hostile file refused by its limit.
    let mut viewer = Http::signed_in(base, "xem");
    let viewer_csrf = viewer.csrf(base);
    let refused = viewer.upload(
        base,
        &viewer_csrf,
        "households.csv",
        b"household_code\nH1\n",
    );
    assert_eq!(refused.status, 403);
    let mut c = Http::signed_in(base, "xa");
    let csrf = c.csrf(base);
    let dir = tempfile::tempdir().unwrap();
    // Each file under its own name, then names no file should have.
    let mut uploads: Vec<(String, Vec<u8>, &str)> = hostile_files(dir.path())
        .unwrap()
        .into_iter()
        .map(|(file, words)| {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&file).unwrap(), words)
        })
        .collect();
    for odd in [".", "..", "../../etc/passwd.csv", "", "tệp có dấu.csv"] {
        uploads.push((odd.to_owned(), b"household_code\nH1\n".to_vec(), ""));
    }
    for (name, bytes, words) in &uploads {
        let r = c.upload(base, &csrf, name, bytes);
        assert!(
            r.status < 500,
            "{name}: HTTP {} {}",
            r.status,
            &r.body[..r.body.len().min(500)]
        );
        assert!(r.body.contains(words), "{name}: wanted «{words}»");
        assert!(
            r.body.len() < 256 * 1024,
            "{name}: a {}-byte page",
            r.body.len()
        );
        assert_eq!(
            c.get(&format!("{base}/health")).status,
            200,
            "up after {name}"
        );
    }
}
