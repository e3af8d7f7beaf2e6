//! `donghanh backup` and `restore`: a consistent copy of the database while the app runs,
//! and putting one back. SQLite: the store's online copy, checked with SQLite's own
//! integrity check. PostgreSQL: `pg_dump` and `pg_restore`, PostgreSQL's own tools.

use super::Env;
use std::path::Path;
use std::process::{Command, ExitCode};
use store::Backend;

pub fn backup(env: &Env, out: &Path) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        !out.exists(),
        "{} đã có; hãy chọn tên khác / already exists",
        out.display()
    );
    match Backend::of(&env.db) {
        Backend::Sqlite => {
            let mut db = env.open()?;
            store::backup::sqlite_copy(&mut db, out)?;
            let mut copy = store::Db::open(&out.display().to_string())?;
            let check = store::backup::sqlite_integrity(&mut copy)?;
            anyhow::ensure!(check == "ok", "bản sao hỏng / the copy is damaged: {check}");
        }
        Backend::Postgres => {
            pg_tool(
                Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--file"])
                    .arg(out)
                    .arg(format!("--dbname={}", env.db)),
                "pg_dump",
            )?;
        }
    }
    println!(
        "Đã sao lưu / backed up: {} ({} KB)",
        out.display(),
        std::fs::metadata(out)?.len() / 1024
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(env: &Env, from: &Path, replace: bool) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        from.exists(),
        "không có tệp {} / no such file",
        from.display()
    );
    match Backend::of(&env.db) {
        Backend::Sqlite => {
            let target = Path::new(&env.db);
            // The backup is checked first: a damaged one replaces nothing.
            let mut backup = store::Db::open(&from.display().to_string())?;
            let check = store::backup::sqlite_integrity(&mut backup)?;
            anyhow::ensure!(
                check == "ok",
                "bản sao lưu hỏng / the backup is damaged: {check}"
            );
            drop(backup);
            if target.exists() {
                anyhow::ensure!(
                    replace,
                    "{} đã có: dừng ứng dụng rồi chạy lại với --replace / exists: stop the app, then use --replace",
                    target.display()
                );
                let kept = target.with_extension("before-restore");
                std::fs::rename(target, &kept)?;
                for side in ["-wal", "-shm"] {
                    let f = format!("{}{side}", target.display());
                    let _ = std::fs::remove_file(f);
                }
                println!("Tệp cũ giữ lại / the old file is kept: {}", kept.display());
            }
            // Copied beside, then renamed: a crash leaves either the old or the new.
            let partial = target.with_extension("restoring");
            std::fs::copy(from, &partial)?;
            std::fs::rename(&partial, target)?;
        }
        Backend::Postgres => {
            pg_tool(
                Command::new("pg_restore")
                    .args([
                        "--clean",
                        "--if-exists",
                        "--no-owner",
                        "--single-transaction",
                    ])
                    .arg(format!("--dbname={}", env.db))
                    .arg(from),
                "pg_restore",
            )?;
        }
    }
    // The restored database is brought to this version's schema.
    env.open()?;
    println!("Đã khôi phục / restored from {}", from.display());
    Ok(ExitCode::SUCCESS)
}

/// Runs one of PostgreSQL's tools; its error, with any password hidden.
fn pg_tool(cmd: &mut Command, name: &str) -> anyhow::Result<()> {
    let out = cmd.output().map_err(|e| {
        anyhow::anyhow!(
            "không chạy được {name} (cài gói postgresql-client) / cannot run {name}: {e}"
        )
    })?;
    anyhow::ensure!(
        out.status.success(),
        "{name}: {}",
        store::tls::redacted(&String::from_utf8_lossy(&out.stderr))
    );
    Ok(())
}
