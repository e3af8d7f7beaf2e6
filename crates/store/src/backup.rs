//! A consistent copy of an SQLite database while it is in use: `VACUUM INTO` reads one
//! snapshot inside a read transaction, so a write committed but still in the WAL is in
//! the copy (a plain file copy can miss it), and no writer is stopped. PostgreSQL is
//! backed up with its own tools (`pg_dump`), run by the command line.

use crate::{Backend, Db, StoreError};
use std::path::Path;

/// Writes a copy of the SQLite database `db` to `out` (which must not exist).
pub fn sqlite_copy(db: &mut Db, out: &Path) -> Result<(), StoreError> {
    if db.backend() != Backend::Sqlite {
        return Err(StoreError::Unsupported(
            "VACUUM INTO is SQLite's; use pg_dump for PostgreSQL".into(),
        ));
    }
    let out = out
        .to_str()
        .ok_or_else(|| StoreError::Unsupported("the backup's path is not UTF-8".into()))?;
    db.execute("VACUUM INTO ?", &[crate::Value::from(out)])?;
    Ok(())
}

/// SQLite's own check of a database file: `ok`, or what is wrong.
pub fn sqlite_integrity(db: &mut Db) -> Result<String, StoreError> {
    let rows = db.query("PRAGMA integrity_check", &[])?;
    let said: Vec<String> = rows
        .iter()
        .map(|r| r.get::<String>("integrity_check"))
        .collect::<Result<_, _>>()?;
    Ok(said.join("; "))
}
