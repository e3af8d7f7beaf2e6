//! Counts of this process's imports, for the server's `/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};

static COMMITTED: AtomicU64 = AtomicU64::new(0);
static REJECTED: AtomicU64 = AtomicU64::new(0);
static FAILED: AtomicU64 = AtomicU64::new(0);
static ROWS: AtomicU64 = AtomicU64::new(0);

#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    pub committed: u64,
    pub rejected: u64,
    pub failed: u64,
    /// Rows read by committed imports.
    pub rows: u64,
}

pub fn snapshot() -> Snapshot {
    Snapshot {
        committed: COMMITTED.load(Ordering::Relaxed),
        rejected: REJECTED.load(Ordering::Relaxed),
        failed: FAILED.load(Ordering::Relaxed),
        rows: ROWS.load(Ordering::Relaxed),
    }
}

pub(crate) fn committed(rows: u64) {
    COMMITTED.fetch_add(1, Ordering::Relaxed);
    ROWS.fetch_add(rows, Ordering::Relaxed);
}

pub(crate) fn rejected() {
    REJECTED.fetch_add(1, Ordering::Relaxed);
}

pub(crate) fn failed() {
    FAILED.fetch_add(1, Ordering::Relaxed);
}
