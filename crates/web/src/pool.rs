//! A small pool of database connections shared by the request threads.

use std::sync::Mutex;
use store::{Db, StoreError};

pub struct Pool {
    target: String,
    idle: Mutex<Vec<Db>>,
    max_idle: usize,
}

impl Pool {
    pub fn new(target: &str) -> Pool {
        Pool {
            target: target.to_owned(),
            idle: Mutex::new(Vec::new()),
            max_idle: 8,
        }
    }

    pub fn target(&self) -> &str {
        &self.target
    }

    /// Runs `f` with a connection, returning it to the pool afterwards (a connection
    /// whose work failed is dropped: it may be in a broken transaction).
    pub fn with<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Db) -> Result<T, E>,
    ) -> Result<T, E> {
        let db = self.idle.lock().ok().and_then(|mut v| v.pop());
        let mut db = match db {
            Some(db) => db,
            None => Db::open(&self.target)?,
        };
        let out = f(&mut db);
        if out.is_ok() {
            if let Ok(mut idle) = self.idle.lock() {
                if idle.len() < self.max_idle {
                    idle.push(db);
                }
            }
        }
        out
    }
}

impl Drop for Pool {
    /// The PostgreSQL client blocks on a runtime of its own when it closes, which panics
    /// inside the server's runtime (where the app state is dropped at shutdown): idle
    /// connections are closed on a plain thread instead.
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|p| p.into_inner()));
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}
