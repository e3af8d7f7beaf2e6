//! Storage for donghanh: the same queries over an SQLite file (the default, embedded) and
//! PostgreSQL (for a province or the nation). Every write of the product goes through
//! this crate, inside a transaction, with its audit record.

pub mod access;
pub mod accounts;
pub mod aggregates;
pub mod audit;
pub mod backup;
pub mod breaches;
pub mod copy;
mod db;
pub mod disclosure;
pub mod erasure;
pub mod generations;
pub mod households;
pub mod keyed;
pub mod ledger;
pub mod lineage_review;
pub mod listing;
mod migrate;
pub mod records;
pub mod retention;
pub mod reviews;
mod row;
pub mod seals;
pub mod standards;
pub mod sync;
pub mod tables;
pub mod tls;
pub mod units;

pub use db::{numbered_placeholders, Backend, Db, Value};
pub use migrate::migrate;
pub use row::{Decode, FromRow, Row};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The target (shown with its password hidden) and why.
    #[error("cannot open database {target}: {1}", target = tls::redacted(.0))]
    Connect(String, String),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
    /// Rows streamed to PostgreSQL's `COPY` could not be sent.
    #[error("PostgreSQL COPY: {0}")]
    Copy(String),
    #[error("migration {0}")]
    Migration(String),
    #[error("no row for {0}")]
    NotFound(String),
    #[error("stored data is not as expected: {0}")]
    Corrupt(String),
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The record lies outside what the signed-in user may see or change.
    #[error("forbidden: outside the user's units")]
    Forbidden,
    /// No connection to the database could be had in time (all in use, or the server
    /// is unreachable).
    #[error("no database connection available in time")]
    Busy,
}

impl StoreError {
    /// A write that lost a race with another one committed first: a unique key or
    /// citizen ID taken meanwhile, or (PostgreSQL) a serialization failure or deadlock.
    /// The caller answers it as a conflict to retry, never as a system error.
    pub fn is_conflict(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::ConstraintViolation
                    && matches!(
                        e.extended_code,
                        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                            | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    )
            }
            StoreError::Postgres(e) => e.code().is_some_and(|c| {
                *c == postgres::error::SqlState::UNIQUE_VIOLATION
                    || *c == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == postgres::error::SqlState::T_R_DEADLOCK_DETECTED
            }),
            _ => false,
        }
    }

    /// A message for the officer in front of the screen.
    pub fn message_vi(&self) -> String {
        match self {
            StoreError::Connect(t, e) => {
                format!("Không mở được cơ sở dữ liệu {}: {e}", tls::redacted(t))
            }
            StoreError::Busy => {
                "Hệ thống đang bận hoặc không kết nối được cơ sở dữ liệu; hãy thử lại sau ít phút."
                    .into()
            }
            _ => format!("Lỗi cơ sở dữ liệu: {self}"),
        }
    }
}

/// Opens `target` and brings its schema up to date.
pub fn open(target: &str) -> Result<Db, StoreError> {
    let mut db = Db::open(target)?;
    migrate(&mut db)?;
    Ok(db)
}

/// The current time in UTC as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_utc() -> String {
    utc_in(0)
}

/// The time `offset` seconds from now in UTC, as `YYYY-MM-DDTHH:MM:SSZ` (these strings
/// compare in time order).
pub fn utc_in(offset: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
        + offset;
    let day = domain::Date::from_days(secs.div_euclid(86_400) as i32);
    let s = secs.rem_euclid(86_400);
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s % 3600 / 60, s % 60)
}
