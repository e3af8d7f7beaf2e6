//! Scaffolding for tests and benchmarks. The product binary never links this crate: it
//! creates and drops whole databases, which no officer's command should be able to do.

pub mod scratch;

use store::{Backend, Db, StoreError};

/// Every row of every table, sorted, as text: two dumps are equal exactly when the
/// databases hold the same data. Tests compare a dump before and after a rejected import.
pub fn dump(db: &mut Db) -> Result<String, StoreError> {
    let tables_sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Backend::Postgres => "SELECT tablename::text AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    };
    let tables: Vec<String> = db
        .query(tables_sql, &[])?
        .iter()
        .map(|r| r.get("t"))
        .collect::<Result<_, StoreError>>()?;
    let mut out = String::new();
    for t in tables {
        if t == "schema_migrations" {
            continue;
        }
        let mut lines: Vec<String> = db
            .query(&format!("SELECT * FROM {t}"), &[])?
            .iter()
            .map(|r| format!("{:?}", r.values))
            .collect();
        lines.sort();
        out.push_str(&format!("## {t} ({})\n", lines.len()));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    Ok(out)
}
