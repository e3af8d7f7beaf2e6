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
