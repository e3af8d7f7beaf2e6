//! Throw-away databases for tests and benchmarks: an SQLite file in a temporary folder,
//! or a fresh PostgreSQL database dropped when the guard goes.

use std::sync::atomic::{AtomicU32, Ordering};
use store::{Backend, Db, StoreError};

/// The server that scratch PostgreSQL databases are made on.
pub fn pg_admin_url() -> String {
    std::env::var("DONGHANH_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

pub struct Scratch {
    pub url: String,
    backend: Backend,
    pg_name: Option<String>,
    _dir: Option<TempDir>,
}

impl Scratch {
    pub fn new(backend: Backend) -> Result<Scratch, StoreError> {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        match backend {
            Backend::Sqlite => {
                let dir = TempDir::new(&format!("donghanh-{}-{n}-{nanos}", std::process::id()))?;
                let url = dir.0.join("donghanh.sqlite").to_string_lossy().into_owned();
                Ok(Scratch {
                    url,
                    backend,
                    pg_name: None,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let name = format!("dh_t_{}_{n}_{nanos}", std::process::id());
                let admin = pg_admin_url();
                let mut db = Db::open(&admin)?;
                db.batch(&format!("CREATE DATABASE {name}"))?;
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                Ok(Scratch {
                    url: format!("{base}/{name}"),
                    backend,
                    pg_name: Some(name),
                    _dir: None,
                })
            }
        }
    }

    /// A new scratch database holding a copy of `template`'s data (a file copy on
    /// SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL): a fixture built once serves
    /// every test that needs it. Nothing may be connected to `template` meanwhile.
    pub fn copy_of(template: &Scratch) -> Result<Scratch, StoreError> {
        let copy = Scratch::new(template.backend)?;
        match (&template.pg_name, &copy.pg_name) {
            (Some(from), Some(to)) => {
                let mut db = Db::open(&pg_admin_url())?;
                db.batch(&format!("DROP DATABASE {to}"))?;
                db.batch(&format!("CREATE DATABASE {to} TEMPLATE {from}"))?;
            }
            _ => {
                for suffix in ["", "-wal", "-shm"] {
                    let from = format!("{}{suffix}", template.url);
                    if std::path::Path::new(&from).exists() {
                        std::fs::copy(&from, format!("{}{suffix}", copy.url))
                            .map_err(|e| StoreError::Connect(from.clone(), e.to_string()))?;
                    }
                }
            }
        }
        Ok(copy)
    }

    /// Removes scratch databases and folders left by test processes that are gone (a
    /// fixture kept for a whole run, or a run that was killed, is never dropped).
    pub fn sweep_stale(backend: Backend) {
        let alive = |pid: &str| std::path::Path::new(&format!("/proc/{pid}")).exists();
        match backend {
            Backend::Postgres => {
                let Ok(mut db) = Db::open(&pg_admin_url()) else {
                    return;
                };
                let names: Vec<String> = db
                    .query(
                        "SELECT datname AS name FROM pg_database WHERE datname LIKE 'dh_t_%'",
                        &[],
                    )
                    .map(|rows| rows.iter().filter_map(|r| r.get("name").ok()).collect())
                    .unwrap_or_default();
                for name in names {
                    let pid = name.split('_').nth(2).unwrap_or_default();
                    if !pid.is_empty() && !alive(pid) {
                        let _ = db.batch(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                    }
                }
            }
            Backend::Sqlite => {
                let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else {
                    return;
                };
                for entry in dir.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if let Some(rest) = name.strip_prefix("donghanh-") {
                        let pid = rest.split('-').next().unwrap_or_default();
                        if pid.bytes().all(|b| b.is_ascii_digit()) && !alive(pid) {
                            let _ = std::fs::remove_dir_all(entry.path());
                        }
                    }
                }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn open(&self) -> Result<Db, StoreError> {
        Db::open(&self.url)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut db) = Db::open(&pg_admin_url()) {
                let _ = db.batch(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// A folder removed on drop (std has none, and one small type beats a dependency).
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> Result<TempDir, StoreError> {
        let p = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&p)
            .map_err(|e| StoreError::Connect(p.display().to_string(), e.to_string()))?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
