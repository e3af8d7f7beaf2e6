//! The tables the write path knows by their columns: shared by `keyed` (which writes
//! them) and `aggregates` (which reads what a write changed), so that neither depends on
//! the other for it. Each is derived from its file kind in `domain::contract`: a column
//! added to the contract is a column of the table, with nothing else to list.

use domain::contract::Spec;

/// A table written by natural key.
#[derive(Clone, Copy, Debug)]
pub struct TableDef {
    pub table: &'static str,
    pub key: &'static [&'static str],
    pub data: &'static [&'static str],
    /// The key column stored rows are looked up by: selective, and the first column of
    /// an index. (A row-value `IN` over the whole key plans badly on PostgreSQL.)
    pub probe: &'static str,
    /// The positions (in key then data order) of the columns of a date or a year.
    pub dates: &'static [usize],
}

impl TableDef {
    /// The table of file kind `spec`: its natural key, then its other columns, the
    /// columns the importer derives (`derived`: a unit version id, a folded name, …) and
    /// `extra` (the file's `x_` columns). Built once per process (the lists live as long
    /// as the program).
    pub fn of(spec: &'static Spec, derived: &[&'static str], probe: &'static str) -> TableDef {
        let data: Vec<&'static str> = spec
            .cols
            .iter()
            .map(|c| c.name)
            .filter(|name| !spec.key.contains(name))
            .chain(derived.iter().copied())
            .chain(["extra"])
            .collect();
        let dates: Vec<usize> = spec
            .key
            .iter()
            .chain(&data)
            .enumerate()
            .filter(|(_, name)| {
                spec.cols.iter().any(|c| {
                    c.name == **name
                        && matches!(
                            c.ty,
                            domain::contract::Ty::Date | domain::contract::Ty::Year
                        )
                })
            })
            .map(|(i, _)| i)
            .collect();
        TableDef {
            table: spec.kind,
            key: spec.key,
            data: data.leak(),
            probe,
            dates: dates.leak(),
        }
    }
}
