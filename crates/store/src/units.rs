//! Units and lineage as stored, and the graph built from them.

use crate::{keyed::TableDef, Db, StoreError};
use domain::contract;
use domain::units::{Level, LineageLink, UnitGraph, UnitVersion};
use domain::Date;
use std::sync::LazyLock;

pub static UNITS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::UNITS, &[], "code"));

pub static LINEAGE: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::UNIT_LINEAGE, &[], "from_code"));

pub fn load_versions(db: &mut Db) -> Result<Vec<UnitVersion>, StoreError> {
    let rows = db.query(
        "SELECT id, code, name, level, parent_code, valid_from, valid_to FROM units ORDER BY id",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(UnitVersion {
                id: r.get("id")?,
                code: r.get("code")?,
                name: r.get("name")?,
                level: r.code::<Level>("level")?,
                parent_code: r.get("parent_code")?,
                valid_from: r.get("valid_from")?,
                valid_to: r.get::<Option<Date>>("valid_to")?.unwrap_or(Date::MAX),
            })
        })
        .collect()
}

pub fn load_lineage(db: &mut Db) -> Result<Vec<LineageLink>, StoreError> {
    let rows = db.query(
        "SELECT from_code, to_code, effective_date, share FROM unit_lineage \
         ORDER BY effective_date, from_code, to_code",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(LineageLink {
                from_code: r.get("from_code")?,
                to_code: r.get("to_code")?,
                effective: r.get("effective_date")?,
                share: r.get("share")?,
            })
        })
        .collect()
}

/// The whole unit graph (about 14,000 versions nationally: a few milliseconds).
pub fn load_graph(db: &mut Db) -> Result<UnitGraph, StoreError> {
    Ok(UnitGraph::new(load_versions(db)?, load_lineage(db)?))
}

/// Marks units or lineage as changed (inside the writing transaction).
/// How many unit versions are stored (0 on a new database).
pub fn count(db: &mut Db) -> Result<i64, StoreError> {
    db.query_one("SELECT COUNT(*) AS n FROM units", &[])?
        .get("n")
}

/// The code of the central unit (the root of the tree), when units are loaded.
pub fn central_code(db: &mut Db) -> Result<Option<String>, StoreError> {
    db.query_opt(
        "SELECT code FROM units WHERE level = 'central' ORDER BY valid_from LIMIT 1",
        &[],
    )?
    .map(|r| r.get("code"))
    .transpose()
}

pub fn bump_generation(db: &mut Db) -> Result<(), StoreError> {
    db.execute(
        "UPDATE meta SET value = value + 1 WHERE key = 'units_generation'",
        &[],
    )?;
    Ok(())
}

type GraphCache =
    std::sync::Mutex<std::collections::HashMap<String, (i64, std::sync::Arc<UnitGraph>)>>;

/// How many times units or lineage changed (`meta.units_generation`).
pub fn generation(db: &mut Db) -> Result<i64, StoreError> {
    db.query_one("SELECT value FROM meta WHERE key = 'units_generation'", &[])?
        .get("value")
}

/// The cached unit graph when it is the graph of the units as they stand in this
/// connection's view (inside a transaction that wrote units, it is not): never loads.
pub fn cached_graph(db: &mut Db) -> Result<Option<std::sync::Arc<UnitGraph>>, StoreError> {
    let generation = generation(db)?;
    let key = db.target().to_owned();
    Ok(graph_cache()
        .lock()
        .map_err(|_| StoreError::Corrupt("graph cache".into()))?
        .get(&key)
        .filter(|(g, _)| *g == generation)
        .map(|(_, graph)| graph.clone()))
}

fn graph_cache() -> &'static GraphCache {
    static CACHE: std::sync::OnceLock<GraphCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The unit graph, kept in memory per database while its units do not change: loading
/// it costs tens of milliseconds, a report's own work a few. Not for use inside a
/// transaction that writes units (the importer loads its own).
pub fn load_graph_cached(db: &mut Db) -> Result<std::sync::Arc<UnitGraph>, StoreError> {
    let generation = generation(db)?;
    let cache = graph_cache();
    let key = db.target().to_owned();
    if let Some((g, graph)) = cache
        .lock()
        .map_err(|_| StoreError::Corrupt("graph cache".into()))?
        .get(&key)
    {
        if *g == generation {
            return Ok(graph.clone());
        }
    }
    let graph = std::sync::Arc::new(load_graph(db)?);
    cache
        .lock()
        .map_err(|_| StoreError::Corrupt("graph cache".into()))?
        .insert(key, (generation, graph.clone()));
    Ok(graph)
}
