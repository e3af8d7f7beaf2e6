//! Monthly aggregates behind the reports, kept in the same transaction as every write.
//!
//! Every write goes through [`crate::keyed::upsert`], which notes here what changed:
//! a record without a household (an activity, a micro-insurance row, a support to no
//! household) adds its own figures, minus those of the row it replaced; a household
//! whose records changed is recomputed whole, since its status events and distinct
//! counts do not add up record by record. Before the transaction commits, [`flush`]
//! writes the differences into `report_cells`, the keys counted in more than one cell of
//! a year into `report_shared`, and each household's part into
//! `household_contributions`, to be taken back when it changes again.
//!
//! The figures themselves come from `domain::contributions`, as in the report computed
//! straight from the records; the test suite checks that the two agree.

use crate::tables::TableDef;
use crate::{Db, StoreError, Value};
use domain::contributions::{self as contrib, Month, FOREVER};
use domain::Date;
use std::collections::{BTreeMap, HashSet};

mod figures;
mod households;
pub mod lasting;
pub mod rollups;
pub use figures::{add_figures, encode_figures};

/// Bumped when what the aggregates hold changes: older ones are rebuilt on open.
const VERSION: i64 = 4;

/// Households recomputed per round of queries (more per round trip on PostgreSQL).
fn households_per_round(db: &Db) -> usize {
    match db.backend() {
        crate::Backend::Sqlite => 400,
        crate::Backend::Postgres => 2000,
    }
}

/// Where a figure is kept: see the `report_cells` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    pub month: Month,
    pub unit_id: i64,
    pub follow_id: i64,
    pub known_from: Month,
    pub known_until: Month,
}

impl Cell {
    /// A record dated in `month`: it counts in every report whose period holds its month.
    fn dated(month: Month, unit_id: i64, follow_id: i64) -> Cell {
        Cell {
            month,
            unit_id,
            follow_id,
            known_from: 0,
            known_until: FOREVER,
        }
    }
}

type Figures = Vec<i64>;

impl Cell {
    /// The cell in the year's total, which holds the year as known at its end (the end
    /// date of a calendar-year report): nothing when the figure is not known then.
    fn year_total(self) -> Option<Cell> {
        let year = self.month / 100;
        let end = year * 100 + 12;
        (self.known_from <= end && end < self.known_until).then_some(Cell {
            month: contrib::year_total(year),
            unit_id: self.unit_id,
            follow_id: self.follow_id,
            known_from: 0,
            known_until: FOREVER,
        })
    }
}

/// Adds a summed figure to its cell and to the year's total.
fn add(cells: &mut BTreeMap<Cell, Figures>, cell: Cell, code: &str, amount: i64) {
    add_to(cells, cell, code, amount);
    if let Some(total) = cell.year_total() {
        add_to(cells, total, code, amount);
    }
}

/// Adds to the one cell given (distinct counts: each grain has its own).
fn add_to(cells: &mut BTreeMap<Cell, Figures>, cell: Cell, code: &str, amount: i64) {
    let col = contrib::column_of(code).expect("an aggregate column");
    cells
        .entry(cell)
        .or_insert_with(|| vec![0; contrib::column_count()])[col] += amount;
}

/// The columns of a `report_shared` row, in the order its values are written.
pub const SHARED_COLUMNS: &[&str] = &[
    "household_code",
    "indicator",
    "item",
    "month",
    "unit_id",
    "follow_id",
    "known_from",
    "known_until",
    "slice",
];

/// What the current transaction changed and the aggregates do not show yet.
pub struct Pending {
    households: HashSet<String>,
    cells: BTreeMap<Cell, Figures>,
    /// The same households' part again, by profile (`report_slices`).
    slices: BTreeMap<SlicedCell, Figures>,
    /// Some record was written (any table: targets and stocks count too).
    written: bool,
    /// The unit versions of the rows written, and the households whose unit stands for
    /// theirs: whose province's figures changed (`generations`).
    units: HashSet<i64>,
    households_of_rows: HashSet<String>,
    /// A row written with neither a unit nor a household: every figure may have changed.
    unscoped: bool,
    /// The earliest year the rows written (new and replaced) are dated in: the first
    /// year whose figures may have changed (`generations`). `i32::MIN` for a row that
    /// stands for every year (a household, a member); `i32::MAX` while none is noted.
    earliest_year: i32,
    /// A row of `generations::HOUSEHOLD_TABLES` was written.
    household_tables: bool,
}

impl Default for Pending {
    fn default() -> Self {
        Pending {
            households: HashSet::new(),
            cells: BTreeMap::new(),
            slices: BTreeMap::new(),
            written: false,
            units: HashSet::new(),
            households_of_rows: HashSet::new(),
            unscoped: false,
            earliest_year: i32::MAX,
            household_tables: false,
        }
    }
}

/// The tables whose rows are events or states of their dates: no figure of a period
/// that ends before a row's earliest date counts it. Every other table (households,
/// members, consents: where a household lives, who its head is) may change the figures
/// of any year.
const DATED_TABLES: &[&str] = &[
    "assessments",
    "assignments",
    "supports",
    "activities",
    "savings_groups",
    "entrusted_totals",
    "cooperatives",
    "clubs",
    "microinsurance",
    "targets",
    "projects",
    "project_members",
];

/// The earliest year of a row's dates and years (`i32::MIN`: of every year).
fn earliest_year(def: &TableDef, row: &[Value]) -> i32 {
    if !DATED_TABLES.contains(&def.table) {
        return i32::MIN;
    }
    let years = def.dates.iter().filter_map(|&c| match &row[c] {
        Value::Int(y) => i32::try_from(*y).ok(),
        Value::Text(d) => d.get(..4).and_then(|y| y.parse().ok()),
        _ => None,
    });
    years.min().unwrap_or(i32::MIN)
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        !self.written && self.households.is_empty() && self.cells.is_empty()
    }
}

/// PostgreSQL, after a large import committed: the statistics of the tables it wrote
/// (`written`: each table and its rows inserted or changed) and of the aggregates,
/// refreshed at once. The planner judges the aggregates by them, and autovacuum (off on
/// some provinces' servers) may come much later: measured, the first reports after an
/// import ran three times slower than after an ANALYZE (issue 27). A table is analysed
/// when the import wrote a tenth of its rows or more (autovacuum's own rule); the
/// aggregates, when some table was: 100,000 supports into a national database had
/// spent 1.1 s analysing tables they changed by 6%.
pub fn refresh_statistics(db: &mut Db, written: &[(&str, u64)]) -> Result<(), StoreError> {
    if db.backend() != crate::Backend::Postgres {
        return Ok(());
    }
    let mut tables: Vec<&str> = Vec::new();
    for (table, rows) in written {
        if rows * 10 >= db.planned_rows(table)? {
            tables.push(table);
        }
    }
    if tables.is_empty() {
        return Ok(());
    }
    tables.extend([
        "report_cells",
        "report_rollups",
        "report_shared",
        "report_slices",
        "household_lasting",
    ]);
    tables.sort_unstable();
    tables.dedup();
    db.batch(&format!("ANALYZE {}", tables.join(", ")))
}

/// The count of committed writes of records (`meta.data_generation`): equal twice, nothing
/// a report reads has changed in between.
pub fn data_generation(db: &mut Db) -> Result<i64, StoreError> {
    Ok(db
        .query_opt("SELECT value FROM meta WHERE key = 'data_generation'", &[])?
        .map(|r| r.get("value"))
        .transpose()?
        .unwrap_or(0))
}

fn col(def: &TableDef, name: &str) -> usize {
    def.key
        .iter()
        .chain(def.data)
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("{}.{name}", def.table))
}

/// Notes a row written to `def.table`: `old` is the row it replaced (key then data).
pub(crate) fn note(
    p: &mut Pending,
    def: &TableDef,
    old: Option<&[Value]>,
    new: Option<&[Value]>,
) -> Result<(), StoreError> {
    p.written = true;
    p.household_tables |= crate::generations::HOUSEHOLD_TABLES.contains(&def.table);
    let unit_col = def.key.iter().chain(def.data).position(|c| *c == "unit_id");
    let household_col = def
        .key
        .iter()
        .chain(def.data)
        .position(|c| *c == "household_code");
    for row in old.into_iter().chain(new) {
        p.earliest_year = p.earliest_year.min(earliest_year(def, row));
        match (unit_col, household_col) {
            (Some(c), _) if row[c].as_int().is_some() => {
                p.units.extend(row[c].as_int());
            }
            (_, Some(c)) if row[c].as_text().is_some() => {
                p.households_of_rows
                    .extend(row[c].as_text().map(str::to_owned));
            }
            _ => p.unscoped = true,
        }
    }
    match def.table {
        // A member's ethnic group may be the head's, which breakdowns split by.
        "households" | "assessments" | "assignments" | "members" => {
            let c = col(def, "household_code");
            for row in old.into_iter().chain(new) {
                if let Some(h) = row[c].as_text() {
                    p.households.insert(h.to_owned());
                }
            }
        }
        "supports" | "activities" | "microinsurance" => {
            for (row, sign) in old.map(|o| (o, -1)).into_iter().chain(new.map(|n| (n, 1))) {
                record(p, def, row, sign)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A row of a table without households (or a support to no household): its figures,
/// added (`sign` 1) or taken back (-1).
fn record(p: &mut Pending, def: &TableDef, row: &[Value], sign: i64) -> Result<(), StoreError> {
    let get = |name: &str| &row[col(def, name)];
    let int = |name: &str| get(name).as_int().unwrap_or(0);
    if def.table == "supports" {
        if let Some(h) = get("household_code").as_text() {
            p.households.insert(h.to_owned());
            return Ok(());
        }
    }
    let Some(date) = get("date").as_text().and_then(|d| Date::parse(d).ok()) else {
        return Err(StoreError::Corrupt(format!(
            "{}: a record without a date",
            def.table
        )));
    };
    let cell = Cell::dated(contrib::month_of(date), int("unit_id"), 0);
    let (kind, a, b) = match def.table {
        "supports" => ("support_type", "quantity", "value_vnd"),
        "activities" => ("activity_type", "sessions", "participants"),
        _ => ("kind", "count", "amount_vnd"),
    };
    let kind = get(kind).as_text().unwrap_or("");
    add_record_figures(
        &mut p.cells,
        cell,
        def.table,
        kind,
        sign * int(a),
        sign * int(b),
        sign,
    )
}

/// Adds what `n` records of `table` (supports, activities or microinsurance) of one
/// `kind` add, given their summed amounts `a` and `b` (the mappings are linear, so one
/// row and a group of rows go the same way).
fn add_record_figures(
    cells: &mut BTreeMap<Cell, Figures>,
    cell: Cell,
    table: &str,
    kind: &str,
    a: i64,
    b: i64,
    n: i64,
) -> Result<(), StoreError> {
    let (figures, counter) = match table {
        "supports" => (contrib::support(vocab(kind)?, a, b), "n_supports"),
        "activities" => (contrib::activity(vocab(kind)?, a, b), "n_activities"),
        _ => (
            contrib::microinsurance(vocab(kind)?, a, b).to_vec(),
            "n_microinsurance",
        ),
    };
    for (indicator, v) in figures {
        add(cells, cell, indicator.code(), v);
    }
    add(cells, cell, counter, n);
    Ok(())
}

/// A stored vocabulary code, or the loud error of a database that holds one no import
/// could have written.
fn vocab<V: domain::vocab::Vocabulary>(code: &str) -> Result<V, StoreError> {
    V::parse(code).ok_or_else(|| StoreError::Corrupt(format!("unknown code {code:?}")))
}

/// Writes what is pending. Runs inside the writer's transaction, before it commits.
impl crate::db::BeforeCommit for Pending {
    fn before_commit(self: Box<Self>, db: &mut Db) -> Result<(), StoreError> {
        flush(db, *self)
    }

    fn as_any(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// Writes what the transaction's records changed into the aggregates.
fn flush(db: &mut Db, mut pending: Pending) -> Result<(), StoreError> {
    if pending.is_empty() {
        return Ok(());
    }
    // First: this row's lock, held to the commit, keeps the writers' flushes one at a
    // time, so that the cells each reads are still the stored ones when it writes them.
    db.execute(
        "UPDATE meta SET value = value + 1 WHERE key = 'data_generation'",
        &[],
    )?;
    let touched = crate::generations::Touched {
        units: &pending.units,
        households: &pending.households_of_rows,
        unscoped: pending.unscoped,
        earliest_year: pending.earliest_year,
        household_tables: pending.household_tables,
    };
    crate::generations::bump(db, touched)?;
    let mut households: Vec<String> = pending.households.drain().collect();
    households.sort_unstable();
    let per_round = households_per_round(db);
    households::recompute(
        db,
        &households,
        per_round,
        &mut pending.cells,
        &mut pending.slices,
    )?;
    write_cells(db, pending.cells)?;
    write_table(db, CellTable::Slices, pending.slices)
}

/// Unit ids per query when reading the cells about to change.
const UNITS_PER_READ: usize = 500;

/// Cells about to change that are read in one query, whatever their months.
const FEW_CELLS: usize = 16;

/// The two tables of cells: the reports' (`report_cells`) and the breakdowns'
/// (`report_slices`: the households' part alone, each cell also keyed by the packed
/// `domain::breakdown::Profile` of the households in it).
/// And `report_rollups`, `report_cells` added up by province (`rollups`).
#[derive(Clone, Copy)]
enum CellTable {
    Cells,
    Slices,
    Rollups,
}

impl CellTable {
    fn name(self) -> &'static str {
        match self {
            CellTable::Cells => "report_cells",
            CellTable::Slices => "report_slices",
            CellTable::Rollups => "report_rollups",
        }
    }

    /// The key columns, in order.
    fn key_columns(self) -> Vec<&'static str> {
        ["month", "unit_id"]
            .into_iter()
            .chain(self.rest_of_key().iter().copied())
            .collect()
    }

    /// `month = ? AND unit_id = ? AND …`: one cell, its key given in `key_columns` order.
    fn key_filter(self) -> String {
        let filter: Vec<String> = self
            .key_columns()
            .iter()
            .map(|c| format!("{c} = ?"))
            .collect();
        filter.join(" AND ")
    }

    /// The key columns after month and unit, in order.
    fn rest_of_key(self) -> &'static [&'static str] {
        match self {
            CellTable::Cells | CellTable::Rollups => &["follow_id", "known_from", "known_until"],
            CellTable::Slices => &["follow_id", "known_from", "known_until", "slice"],
        }
    }
}

/// A cell of either table: its profile (0 in `report_cells`) and its place.
type SlicedCell = (i64, Cell);

/// Adds `delta` to `report_cells` (whose cells all have profile 0) and to their rollups
/// (added up again instead when the unit tree changed since they were).
fn write_cells(db: &mut Db, delta: BTreeMap<Cell, Figures>) -> Result<(), StoreError> {
    let rolled = rollups::of_delta(db, &delta)?;
    let keyed = delta.into_iter().map(|(c, f)| ((0, c), f)).collect();
    write_table(db, CellTable::Cells, keyed)?;
    match rolled {
        Some(rolled) => write_table(db, CellTable::Rollups, rolled),
        None => rollups::rebuild(db),
    }
}

/// Adds `delta` to a table of cells; a cell whose figures all come to zero is removed.
fn write_table(
    db: &mut Db,
    table: CellTable,
    delta: BTreeMap<SlicedCell, Figures>,
) -> Result<(), StoreError> {
    let merged: BTreeMap<SlicedCell, Figures> = delta
        .into_iter()
        .filter(|(_, f)| f.iter().any(|v| *v != 0))
        .collect();
    if merged.is_empty() {
        return Ok(());
    }
    match db.backend() {
        crate::Backend::Sqlite => add_where_stored(db, table, &merged),
        crate::Backend::Postgres => read_add_write(db, table, merged),
    }
}

/// A cell's key, in `CellTable::key_columns` order.
fn key_of(table: CellTable, (slice, c): &SlicedCell) -> Vec<Value> {
    let mut key: Vec<Value> = [
        c.month as i64,
        c.unit_id,
        c.follow_id,
        c.known_from as i64,
        c.known_until as i64,
    ]
    .map(Value::Int)
    .to_vec();
    if matches!(table, CellTable::Slices) {
        key.push(Value::Int(*slice));
    }
    key
}

/// SQLite: each cell's figures added where they are stored, by an update that sums them
/// itself (`figures_sum`); the cells not stored yet inserted in bulk. Reading the stored
/// cells first took half of importing 100,000 supports into the national database
/// (scale 0.1): an import's cells were read month by month for whole lists of units,
/// nearly all of the table. (An upsert a cell was slower still: SQLite keeps a
/// statement journal for each, and buffers what `RETURNING` returns.)
fn add_where_stored(
    db: &mut Db,
    table: CellTable,
    merged: &BTreeMap<SlicedCell, Figures>,
) -> Result<(), StoreError> {
    db.sqlite_text_function("figures_sum", figures::sum_texts)?;
    let name = table.name();
    let filter = table.key_filter();
    let update = format!("UPDATE {name} SET figures = figures_sum(figures, ?) WHERE {filter}");
    // A month with no cell stored yet (an import into a new database, a year's first
    // records) takes its cells in bulk, without an update tried for each first.
    let stored_months = months_stored(db, table, merged)?;
    let mut added = Vec::new();
    let mut may_be_empty = Vec::new();
    for (cell, f) in merged {
        let mut key = key_of(table, cell);
        let figures = Value::Text(encode_figures(f));
        let updated = stored_months.contains(&cell.1.month) && {
            let params: Vec<Value> = std::iter::once(figures.clone())
                .chain(key.iter().cloned())
                .collect();
            db.execute(&update, &params)? > 0
        };
        if !updated {
            key.push(figures);
            added.push(key);
        } else if f.iter().any(|v| *v < 0) {
            // Every figure is a sum of counts and amounts, none below zero (the
            // importer refuses them): only a cell that something was taken from can
            // come to zero.
            may_be_empty.push(key);
        }
    }
    let columns: Vec<&str> = table.key_columns().into_iter().chain(["figures"]).collect();
    db.insert_rows(name, &columns, &added)?;
    let gone = format!("DELETE FROM {name} WHERE {filter} AND figures = ''");
    for key in &may_be_empty {
        db.execute(&gone, key)?;
    }
    Ok(())
}

/// The months of `cells` of which `table` holds any cell.
fn months_stored(
    db: &mut Db,
    table: CellTable,
    cells: &BTreeMap<SlicedCell, Figures>,
) -> Result<std::collections::BTreeSet<Month>, StoreError> {
    let mut months: Vec<Month> = cells.keys().map(|(_, c)| c.month).collect();
    months.sort_unstable();
    months.dedup();
    let sql = format!(
        "SELECT 1 AS found FROM {} WHERE month = ? LIMIT 1",
        table.name()
    );
    let mut stored = std::collections::BTreeSet::new();
    for month in months {
        if db.query_opt(&sql, &[Value::from(month)])?.is_some() {
            stored.insert(month);
        }
    }
    Ok(stored)
}

/// Removes the cells of `keys` (each in `CellTable::key_columns` order).
fn delete_cells(db: &mut Db, table: CellTable, keys: &[Vec<Value>]) -> Result<(), StoreError> {
    let sql = format!("DELETE FROM {} WHERE {}", table.name(), table.key_filter());
    for key in keys {
        db.execute(&sql, key)?;
    }
    Ok(())
}

/// PostgreSQL: the stored figures of the cells concerned are read, added to, and written
/// back (a round trip a statement: reading in bulk and writing in bulk beats a
/// statement a cell).
fn read_add_write(
    db: &mut Db,
    table: CellTable,
    mut merged: BTreeMap<SlicedCell, Figures>,
) -> Result<(), StoreError> {
    let name = table.name();
    let rest = table.rest_of_key();
    let sliced = matches!(table, CellTable::Slices);
    // An import's months with nothing stored have nothing to read (a form's save reads
    // its few cells in one round trip, not one a month).
    let few = merged.len() <= FEW_CELLS;
    let stored_months = if few {
        merged.keys().map(|(_, c)| c.month).collect()
    } else {
        months_stored(db, table, &merged)?
    };
    let mut months: BTreeMap<Month, Vec<i64>> = BTreeMap::new();
    for (_, c) in merged
        .keys()
        .filter(|(_, c)| stored_months.contains(&c.month))
    {
        months.entry(c.month).or_default().push(c.unit_id);
    }
    // What to read: a form's save changes a few cells (its month and its year's total)
    // and reads them in one query; an import's cells are read month by month.
    let mut reads: Vec<(Vec<Month>, Vec<i64>)> = Vec::new();
    if few {
        let mut units: Vec<i64> = months.values().flatten().copied().collect();
        units.sort_unstable();
        units.dedup();
        reads.push((months.into_keys().collect(), units));
    } else {
        for (month, mut units) in months {
            units.sort_unstable();
            units.dedup();
            reads.push((vec![month], units));
        }
    }
    let mut stored: std::collections::HashSet<SlicedCell> = std::collections::HashSet::new();
    for (months, units) in reads {
        let sql = format!(
            "SELECT month, unit_id, {}, figures FROM {name} WHERE month IN ({}) AND unit_id IN ({{in}})",
            rest.join(", "),
            vec!["?"; months.len()].join(","),
        );
        let months: Vec<Value> = months.iter().map(|m| Value::from(*m)).collect();
        let units: Vec<Value> = units.iter().map(|u| Value::Int(*u)).collect();
        for r in crate::records::query_in(db, &sql, &months, &units, UNITS_PER_READ)? {
            let cell = Cell {
                month: r.get("month")?,
                unit_id: r.get("unit_id")?,
                follow_id: r.get("follow_id")?,
                known_from: r.get("known_from")?,
                known_until: r.get("known_until")?,
            };
            let slice = if sliced { r.get("slice")? } else { 0 };
            // Months and units read together may pair into cells that did not change.
            if let Some(f) = merged.get_mut(&(slice, cell)) {
                add_figures(r.get("figures")?, f)?;
                stored.insert((slice, cell));
            }
        }
    }
    // Cells already stored get their new figures; the others are inserted in bulk
    // (`COPY`: in an import into a new database nearly every cell is new, and 1,000-row
    // upserts took a sixth of the server's time). Which cells are stored is exact:
    // `flush` holds the `data_generation` row's lock from before it read them, so no
    // other writer's flush runs in between.
    let mut changed = Vec::new();
    let mut added = Vec::new();
    let mut emptied = Vec::new();
    for (cell, f) in &merged {
        let mut key = key_of(table, cell);
        let is_stored = stored.contains(cell);
        if f.iter().all(|v| *v == 0) {
            if is_stored {
                emptied.push(key);
            }
            continue;
        }
        key.push(Value::Text(encode_figures(f)));
        if is_stored {
            changed.push(key);
        } else {
            added.push(key);
        }
    }
    delete_cells(db, table, &emptied)?;
    let key_columns = table.key_columns();
    let columns: Vec<&str> = key_columns.iter().copied().chain(["figures"]).collect();
    db.insert_rows(name, &columns, &added)?;
    update_figures(db, name, &key_columns, &changed)
}

/// PostgreSQL: stored cells given new figures; `rows` are each key (in `key_columns`'
/// order) then the figures.
fn update_figures(
    db: &mut Db,
    name: &str,
    key_columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let keys = key_columns.join(", ");
    // Many rows (an import over stored data): copied into a table of the transaction
    // and applied in one statement; a few (a form's save): upserted.
    if rows.len() > 2000 {
        // Dropped below; rolled back with the transaction on an error.
        db.batch(&format!("CREATE TEMPORARY TABLE new_figures (LIKE {name})"))?;
        let columns: Vec<&str> = key_columns.iter().copied().chain(["figures"]).collect();
        db.insert_transient_rows("new_figures", &columns, rows)?;
        // Told how many rows it holds, the planner finds each cell by its key; guessing,
        // it hashed the whole of the cells' table (1,489,523 rows at scale 0.1).
        db.batch("ANALYZE new_figures")?;
        let matched: Vec<String> = key_columns
            .iter()
            .map(|c| format!("t.{c} = n.{c}"))
            .collect();
        db.execute(
            &format!(
                "UPDATE {name} t SET figures = n.figures FROM new_figures n WHERE {}",
                matched.join(" AND ")
            ),
            &[],
        )?;
        db.batch("DROP TABLE new_figures")?;
        return Ok(());
    }
    let one = format!("({})", vec!["?"; key_columns.len() + 1].join(","));
    const PER: usize = 500;
    for chunk in rows.chunks(PER) {
        let sql = format!(
            "INSERT INTO {name} ({keys}, figures) VALUES {} \
             ON CONFLICT ({keys}) DO UPDATE SET figures = excluded.figures",
            vec![one.as_str(); chunk.len()].join(","),
        );
        let flat: Vec<Value> = chunk.iter().flatten().cloned().collect();
        db.execute(&sql, &flat)?;
    }
    Ok(())
}

/// Rebuilds the aggregates from the records when they were made by an older version of
/// the program (or never).
pub fn ensure_current(db: &mut Db) -> Result<(), StoreError> {
    let v = db
        .query_opt(
            "SELECT value FROM meta WHERE key = 'aggregates_version'",
            &[],
        )?
        .map(|r| r.get::<i64>("value"))
        .transpose()?;
    if v == Some(VERSION) {
        return rollups::ensure_in_step(db);
    }
    db.transaction(|tx| {
        rebuild(tx)?;
        tx.execute(
            "UPDATE meta SET value = ? WHERE key = 'aggregates_version'",
            &[Value::Int(VERSION)],
        )?;
        Ok(())
    })
}

/// Recomputes every aggregate from the records. Must run inside a transaction.
pub fn rebuild(db: &mut Db) -> Result<(), StoreError> {
    // The writers' lock (see `flush`): no write's cells land between the rebuild's.
    db.execute(
        "UPDATE meta SET value = value + 1 WHERE key = 'data_generation'",
        &[],
    )?;
    db.batch(
        "DELETE FROM report_cells; DELETE FROM report_rollups; DELETE FROM report_slices; DELETE FROM report_shared; DELETE FROM household_contributions; DELETE FROM household_lasting;",
    )?;
    let mut cells = BTreeMap::new();
    let mut slices = BTreeMap::new();
    // Records without a household add up: summed per unit, month and kind, then mapped.
    let month = "CAST(substr(date, 1, 4) AS BIGINT) * 100 + CAST(substr(date, 6, 2) AS BIGINT)";
    let grouped: [(&str, &str, &str); 3] = [
        (
            "supports",
            "support_type AS kind, CAST(SUM(quantity) AS BIGINT) AS a, CAST(SUM(value_vnd) AS BIGINT) AS b",
            "household_code IS NULL",
        ),
        (
            "activities",
            "activity_type AS kind, CAST(SUM(sessions) AS BIGINT) AS a, CAST(SUM(participants) AS BIGINT) AS b",
            "1 = 1",
        ),
        (
            "microinsurance",
            "kind, CAST(SUM(count) AS BIGINT) AS a, CAST(SUM(amount_vnd) AS BIGINT) AS b",
            "1 = 1",
        ),
    ];
    for (table, what, filter) in grouped {
        for r in db.query(
            &format!("SELECT unit_id, {month} AS month, {what}, COUNT(*) AS n FROM {table} WHERE {filter} GROUP BY unit_id, {month}, 3"),
            &[],
        )? {
            let cell = Cell::dated(r.get("month")?, r.get("unit_id")?, 0);
            add_record_figures(
                &mut cells,
                cell,
                table,
                r.get("kind")?,
                r.get("a")?,
                r.get("b")?,
                r.get("n")?,
            )?;
        }
    }
    let households: Vec<String> = db
        .query(
            "SELECT household_code FROM households ORDER BY household_code",
            &[],
        )?
        .iter()
        .map(|r| r.get("household_code"))
        .collect::<Result<_, StoreError>>()?;
    let per_round = households_per_round(db);
    households::recompute(db, &households, per_round, &mut cells, &mut slices)?;
    write_cells(db, cells)?;
    write_table(db, CellTable::Slices, slices)
}
