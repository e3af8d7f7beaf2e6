//! The database connections of the request threads: an r2d2 pool with a maximum, a wait
//! timeout and a health check of each connection before it is lent.

use store::{Db, StoreError};

/// How long a request waits for a free connection before it is told the server is busy.
const WAIT: std::time::Duration = std::time::Duration::from_secs(30);
/// A connection unused this long is closed.
const IDLE: std::time::Duration = std::time::Duration::from_secs(600);
/// SQLite page cache of a pooled connection, in KiB: the command line's import keeps
/// 64 MB for itself; a server of many connections keeps less each (measured at month
/// end at scale 0.1: 16 MB each read no faster than 4 MB, and held 40 MB more).
const SQLITE_CACHE_KIB: i64 = 4 * 1024;

struct Manager {
    target: String,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Db;
    type Error = StoreError;

    fn connect(&self) -> Result<Db, StoreError> {
        let mut db = Db::open(&self.target)?;
        db.set_cache_kib(SQLITE_CACHE_KIB)?;
        Ok(db)
    }

    fn is_valid(&self, db: &mut Db) -> Result<(), StoreError> {
        db.ping()
    }

    fn has_broken(&self, _: &mut Db) -> bool {
        false
    }
}

pub struct Pool {
    target: String,
    /// `None` only while being dropped (see `Drop`).
    inner: Option<r2d2::Pool<Manager>>,
}

impl Pool {
    /// A pool of at most `size` connections to `target`, opened as they are needed.
    pub fn new(target: &str, size: u32) -> Pool {
        let inner = r2d2::Pool::builder()
            .max_size(size.max(1))
            .min_idle(Some(0))
            .connection_timeout(WAIT)
            .idle_timeout(Some(IDLE))
            .test_on_check_out(true)
            .build_unchecked(Manager {
                target: target.to_owned(),
            });
        Pool {
            target: target.to_owned(),
            inner: Some(inner),
        }
    }

    pub fn target(&self) -> &str {
        &self.target
    }

    /// Connections open now and how many of them are lent (for /metrics).
    pub fn usage(&self) -> (u32, u32) {
        self.inner.as_ref().map_or((0, 0), |p| {
            let s = p.state();
            (s.connections, s.connections - s.idle_connections)
        })
    }

    /// Runs `f` with a connection, returned to the pool afterwards (a failed transaction
    /// has been rolled back by then). No connection within the wait: `StoreError::Busy`.
    pub fn with<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Db) -> Result<T, E>,
    ) -> Result<T, E> {
        let pool = self.inner.as_ref().ok_or(StoreError::Busy)?;
        let mut db = pool.get().map_err(|e| {
            // r2d2 says why it timed out (the last connect error); never the URL.
            tracing::warn!(cause = %e, "no database connection within the wait");
            StoreError::Busy
        })?;
        f(&mut db)
    }
}

impl Drop for Pool {
    /// The PostgreSQL client blocks on a runtime of its own when it closes, which panics
    /// inside the server's runtime (where the app state is dropped at shutdown): the
    /// connections are closed on a plain thread instead.
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let _ = std::thread::spawn(move || drop(inner)).join();
        }
    }
}
