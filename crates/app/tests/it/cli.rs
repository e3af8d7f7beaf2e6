//! The command line as a person uses it.

use crate::support::*;
use std::io::{BufReader, Read, Write};

#[test]
fn import_tree_json_and_error_report() {
    let t = TestDb::new();
    let f = Files::new();
    f.write("units.csv", UNITS_CSV);
    f.write("unit_lineage.csv", LINEAGE_CSV);
    let ok = donghanh()
        .args(["--db", t.url(), "import"])
        .arg(f.root())
        .succeeds();
    assert!(String::from_utf8_lossy(&ok.stdout).contains("thêm mới 15"));

    let tree = donghanh()
        .args(["--db", t.url(), "units", "tree"])
        .args(["--root", "01", "--date", "01/07/2025", "--format", "json"])
        .succeeds();
    let v: serde_json::Value = serde_json::from_slice(&tree.stdout).expect("json");
    assert_eq!(v["code"], "01");
    assert_eq!(v["level"], "province");
    let kids: Vec<&str> = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["00100", "00300"]);

    let gone = donghanh()
        .args(["--db", t.url(), "units", "tree"])
        .args(["--root", "02", "--date", "2025-07-01"])
        .fails();
    let msg = String::from_utf8_lossy(&gone.stderr);
    assert!(msg.contains("đã sáp nhập vào 01 (Tỉnh Một)"), "{msg}");

    let bad = f.write("bad.csv", "x");
    let g = Files::new();
    g.write("units.csv", "code,name,level\n00900,,commune\n");
    let report = g.path("errors.csv");
    let out = donghanh()
        .args(["--db", t.url(), "import", "--errors"])
        .arg(&report)
        .arg(g.path("units.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let csv = std::fs::read_to_string(&report).unwrap();
    assert!(
        csv.starts_with("file,row,column,value,reason_vi,reason_en"),
        "{csv}"
    );
    assert!(csv.contains("units.csv,2,name"), "{csv}");
    drop(bad);
}

#[test]
fn config_file_and_environment_pick_the_database() {
    let t = TestDb::new();
    let f = Files::new();
    let cfg = f.write("donghanh.toml", &format!("db = {:?}\n", t.url()));
    let out = donghanh()
        .arg("--config")
        .arg(&cfg)
        .arg("init")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(t.url()));
    let out = donghanh()
        .env("DONGHANH_DB", t.url())
        .arg("init")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(t.url()));
    let out = donghanh().arg("--help").output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("load"),
        "help lists the commands"
    );
}

#[test]
fn serve_answers_health() {
    let t = TestDb::new();
    let mut child = donghanh()
        .args(["--db", t.url(), "serve", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // First start with no user: the one-time administrator password is printed first.
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let (addr, printed) = crate::web_support::read_address(&mut reader);
    assert!(printed.contains("tên đăng nhập: admin"), "{printed}");
    let password = printed
        .split("mật khẩu dùng một lần: ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(password.len(), 16);
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    child.kill().ok();
    child.wait().ok();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(
        resp.contains(&format!("\"backend\":\"{}\"", backend().name())),
        "{resp}"
    );
}

#[test]
fn the_format_reference_in_docs_is_the_one_the_code_generates() {
    let out = donghanh().args(["formats", "--format", "md"]).succeeds();
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/formats.md");
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        generated == kept,
        "docs/formats.md is not what the code defines: run `cargo run -- formats --format md > docs/formats.md`"
    );
    // Every file kind and every vocabulary value is in it.
    for kind in importer::kinds::all() {
        assert!(generated.contains(&format!("## `{}`", kind.spec().kind)));
    }
    for (code, label) in domain::vocab::SupportType::ENTRIES {
        assert!(generated.contains(&format!("`{code}` ({label})")), "{code}");
    }
    let json: serde_json::Value = serde_json::from_slice(
        &donghanh()
            .args(["formats", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(
        json["kinds"].as_array().unwrap().len(),
        importer::kinds::all().len()
    );
    assert_eq!(json["indicators"].as_array().unwrap().len(), 42);
}

/// PostgreSQL over TLS as the URL's sslmode asks; a refused connection's message never
/// shows the password. (On the SQLite run there is no PostgreSQL URL to try.)
#[test]
fn postgres_follows_sslmode_and_hides_the_password() {
    if backend() != store::Backend::Postgres {
        println!("PostgreSQL only");
        return;
    }
    let t = TestDb::new();
    let url = t.url().to_owned();
    let with = |q: &str| format!("{url}?{q}");
    let encrypted = |db: &mut store::Db| -> bool {
        let r = db
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .unwrap();
        num(&r, "ssl") == 1
    };
    let mut plain = store::Db::open(&with("sslmode=disable")).unwrap();
    assert!(!encrypted(&mut plain));
    let server_ssl = cell(&plain.query_one("SHOW ssl", &[]).unwrap(), "ssl") == "on";
    match store::Db::open(&with("sslmode=require")) {
        Ok(mut db) => {
            assert!(server_ssl);
            assert!(encrypted(&mut db), "sslmode=require is encrypted");
        }
        Err(e) => assert!(!server_ssl, "the server offers TLS, yet: {e}"),
    }
    // Full verification against the system's roots: a self-signed server is refused,
    // and the message hides the password.
    if server_ssl {
        let secret = with("sslmode=verify-full").replacen("postgres@", "postgres:hemmelig@", 1);
        let err = store::Db::open(&secret)
            .err()
            .expect("an unverifiable certificate");
        let said = format!("{err} / {}", err.message_vi());
        assert!(!said.contains("hemmelig"), "{said}");
        assert!(said.contains("***"), "{said}");
    }
}

/// A backup taken while the database is in use holds every committed write (on SQLite
/// also one still in the write-ahead log), and restoring it gives the same database.
#[test]
fn backup_while_in_use_and_restore() {
    let (mut t, _f) = crate::households::with_households();
    let before = t.dump();
    if backend() == store::Backend::Sqlite {
        let wal = std::fs::metadata(format!("{}-wal", t.url())).map_or(0, |m| m.len());
        assert!(wal > 0, "the last writes are still in the WAL");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sao-luu.bak");
    donghanh()
        .args(["--db", t.url(), "backup", "--out"])
        .arg(&out)
        .succeeds();
    // A second backup to the same name is refused.
    donghanh()
        .args(["--db", t.url(), "backup", "--out"])
        .arg(&out)
        .fails();
    let fresh = TestDb::new();
    let target = match backend() {
        store::Backend::Sqlite => dir.path().join("khoi-phuc.sqlite").display().to_string(),
        store::Backend::Postgres => fresh.url().to_owned(),
    };
    donghanh()
        .args(["--db", &target, "restore", "--from"])
        .arg(&out)
        .succeeds();
    let mut db = store::open(&target).unwrap();
    assert_eq!(testkit::dump(&mut db).unwrap(), before);
}

/// The demo copied to the other backend and back: every copied table holds the same rows
/// as the original, and the command itself compared every year's national report.
#[test]
fn db_copy_round_trip_between_backends() {
    let mut original = crate::support::demo_db();
    let other = match backend() {
        store::Backend::Sqlite => store::Backend::Postgres,
        store::Backend::Postgres => store::Backend::Sqlite,
    };
    let middle = testkit::scratch::Scratch::new(other).unwrap();
    let back = TestDb::new();
    for (from, to) in [
        (original.url(), middle.url.as_str()),
        (middle.url.as_str(), back.url()),
    ] {
        let out = donghanh()
            .args(["db", "copy", "--from", from, "--to", to])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("khớp"), "{said}");
    }
    // A copy into a database that holds data is refused.
    donghanh()
        .args(["db", "copy", "--from", original.url(), "--to", back.url()])
        .fails();
    let copied = |dump: &str| -> String {
        dump.split("## ")
            .filter(|s| {
                let table = s.split_whitespace().next().unwrap_or("");
                store::copy::copied().contains(&table)
            })
            .collect::<Vec<_>>()
            .join("## ")
    };
    let mut back_db = store::open(back.url()).unwrap();
    let (a, b) = (original.dump(), testkit::dump(&mut back_db).unwrap());
    assert!(!copied(&a).is_empty());
    assert!(copied(&a) == copied(&b), "the round trip changed the data");
}
