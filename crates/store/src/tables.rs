//! The tables the write path knows by their columns: shared by `keyed` (which writes
//! them) and `aggregates` (which reads what a write changed), so that neither depends on
//! the other for it.

/// A table written by natural key.
#[derive(Clone, Copy, Debug)]
pub struct TableDef {
    pub table: &'static str,
    pub key: &'static [&'static str],
    pub data: &'static [&'static str],
    /// The key column stored rows are looked up by: selective, and the first column of
    /// an index. (A row-value `IN` over the whole key plans badly on PostgreSQL.)
    pub probe: &'static str,
}
