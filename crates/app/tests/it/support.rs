//! Test helpers: a fresh database per test on the chosen backend, files to import, and
//! the real `donghanh` binary.

use std::path::{Path, PathBuf};
use store::{Backend, Db};
use testkit::scratch::Scratch;

pub fn backend() -> Backend {
    match std::env::var("DONGHANH_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("DONGHANH_TEST_BACKEND must be sqlite or postgres, not {other}"),
    }
}

/// A fresh, migrated database that disappears with the value.
pub struct TestDb {
    pub scratch: Scratch,
    pub db: Db,
}

impl TestDb {
    pub fn new() -> TestDb {
        let scratch = Scratch::new(backend()).expect("scratch database (is PostgreSQL up?)");
        let db = store::open(&scratch.url).expect("open and migrate");
        TestDb { scratch, db }
    }

    pub fn url(&self) -> &str {
        &self.scratch.url
    }

    pub fn dump(&mut self) -> String {
        testkit::dump(&mut self.db).expect("dump")
    }

    pub fn import(
        &mut self,
        paths: &[PathBuf],
    ) -> Result<importer::Summary, importer::ImportError> {
        importer::import_paths(&mut self.db, paths, &importer::Options::default())
    }

    /// Imports files given as (name, text), written to a folder of their own.
    pub fn import_texts(
        &mut self,
        files: &[(&str, &str)],
    ) -> Result<importer::Summary, importer::ImportError> {
        let f = Files::new();
        let paths: Vec<_> = files.iter().map(|(n, text)| f.write(n, text)).collect();
        self.import(&paths)
    }

    /// The rows a query reads, each as its values written out and joined by spaces.
    pub fn lines(&mut self, sql: &str) -> Vec<String> {
        let rows = self.db.query(sql, &[]).unwrap();
        rows.iter()
            .map(|r| {
                let cells: Vec<String> = r
                    .values
                    .iter()
                    .map(|v| match v {
                        store::Value::Null => String::new(),
                        store::Value::Int(n) => n.to_string(),
                        store::Value::Real(x) => x.to_string(),
                        store::Value::Text(t) => t.clone(),
                    })
                    .collect();
                cells.join(" ")
            })
            .collect()
    }

    pub fn graph(&mut self) -> domain::units::UnitGraph {
        store::units::load_graph(&mut self.db).expect("graph")
    }
}

/// A fresh database holding the demo data, built by the real binary.
///
/// The demo is built once per test run (by `donghanh demo --no-serve`, as a newcomer
/// would) into a template, and each test gets its own copy of it.
pub fn demo_db() -> TestDb {
    static TEMPLATE: std::sync::OnceLock<Scratch> = std::sync::OnceLock::new();
    // PostgreSQL copies a template for one CREATE DATABASE at a time.
    static COPYING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let template = TEMPLATE.get_or_init(|| {
        Scratch::sweep_stale(backend());
        let scratch = Scratch::new(backend()).expect("scratch database (is PostgreSQL up?)");
        donghanh()
            .args(["--db", &scratch.url, "demo", "--no-serve"])
            .succeeds();
        scratch
    });
    let scratch = {
        let _one_at_a_time = COPYING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Scratch::copy_of(template).expect("a copy of the demo")
    };
    let db = store::open(&scratch.url).expect("open and migrate");
    TestDb { scratch, db }
}

/// A temporary folder of files to import.
pub struct Files {
    pub dir: tempfile::TempDir,
}

impl Files {
    pub fn new() -> Files {
        Files {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// A small tree before and after a reform, in the contract's units file.
pub const UNITS_CSV: &str = "\
code,name,level,parent_code,valid_from,valid_to
VN,Trung ương,central,,,
01,Tỉnh Một,province,VN,,2025-06-30
01,Tỉnh Một,province,VN,2025-07-01,
02,Tỉnh Hai,province,VN,,30/06/2025
010,Huyện A,district,01,,2025-06-30
020,Huyện B,district,02,,2025-06-30
00100,Xã Một,commune,010,,2025-06-30
00101,Xã Hai,commune,010,,2025-06-30
00200,Xã Ba,commune,020,,2025-06-30
00100,Phường Một Mới,commune,01,2025-07-01,
00300,Xã Bốn Mới,commune,01,2025-07-01,
";

pub const LINEAGE_CSV: &str = "\
from_code,to_code,effective_date,share
02,01,2025-07-01,
00101,00100,2025-07-01,1
00200,00300,2025-07-01,0.6
00200,00100,2025-07-01,0.4
";

/// Converts `file` with headless LibreOffice (a profile of its own beside the file) to
/// `filter` (`fods`, or a CSV filter string), into the file's folder: the converted file.
pub fn libreoffice_convert(file: &Path, filter: &str, extension: &str) -> PathBuf {
    let dir = file.parent().expect("a file in a folder");
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.display());
    let converted = std::process::Command::new("soffice")
        .args([
            "--headless",
            "--norestore",
            &profile,
            "--convert-to",
            filter,
        ])
        .arg("--outdir")
        .arg(dir)
        .arg(file)
        .output()
        .expect("LibreOffice (soffice) is needed: apt-get install libreoffice-calc-nogui");
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );
    file.with_extension(extension)
}

pub fn donghanh() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_donghanh"))
}

pub fn date(s: &str) -> domain::Date {
    domain::Date::parse(s).expect("date")
}

/// A report's request: unit, period and (when not its last day) structure date.
pub fn request(unit: &str, from: &str, to: &str, structure: Option<&str>) -> reports::Request {
    reports::Request {
        unit: unit.into(),
        from: date(from),
        to: date(to),
        structure_date: structure.map(date),
    }
}

/// A column of a stored row as text (numbers written out, NULL empty): for building files
/// from stored rows and for comparing them.
pub fn cell(r: &store::Row, name: &str) -> String {
    match r.get::<Option<&str>>(name) {
        Ok(text) => text.unwrap_or_default().to_owned(),
        Err(_) => r
            .get::<Option<i64>>(name)
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|n| n.to_string())
            .unwrap_or_default(),
    }
}

/// A whole-number column of a stored row.
pub fn num(r: &store::Row, name: &str) -> i64 {
    r.get(name).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a command of the real binary to its end; a failure fails the test with what the
/// command printed.
pub trait Succeeds {
    fn succeeds(&mut self) -> std::process::Output;
    /// Runs it to its end and expects a refusal (a non-zero exit).
    fn fails(&mut self) -> std::process::Output;
}

impl Succeeds for std::process::Command {
    fn succeeds(&mut self) -> std::process::Output {
        let out = self.output().unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn fails(&mut self) -> std::process::Output {
        let out = self.output().unwrap();
        assert!(
            !out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        out
    }
}

/// Imports files that must be refused: returns every row error, and checks that the
/// refusal changed nothing stored.
pub fn refused(t: &mut TestDb, files: &[(&str, &str)]) -> Vec<importer::RowError> {
    let before = t.dump();
    let errors = match t.import_texts(files) {
        Err(importer::ImportError::Rejected(r)) => r.errors,
        other => panic!("expected a rejection, got {other:?}"),
    };
    assert_eq!(t.dump(), before);
    errors
}
