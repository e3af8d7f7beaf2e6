//! File kinds: how the valid rows of each kind of `domain::contract` are checked against
//! the rest of the data (units on their dates, households, scope) and written.

mod assessments;
mod assignments;
mod consents;
pub mod delete;
mod fields;
mod households;
mod ledger;
pub(crate) mod lineage;
mod locks;
mod members;
mod parse;
mod units;

pub use fields::Fields;
pub(crate) use parse::heads_again;
pub use parse::{parse_table, parse_tables, Dedupe};

use crate::refusal::Refusal;
use crate::report::RowError;
use crate::rules::Val;
use domain::access::Subject;
use domain::contract;
use domain::poverty::Standard;
use domain::units::{Fate, UnitGraph, VersionId, VersionIx};
use std::collections::HashMap;
use std::rc::Rc;
use store::households as stored;
use store::keyed::{Counts, KeyedRow};
use store::{Db, StoreError};

pub use domain::contract::Spec;

/// What a kind needs while it checks and writes: the unit graph and the standards as
/// they stand inside this import's transaction (loaded once, reloaded after units change),
/// and the rights of whoever imports.
pub struct Ctx {
    pub actor: String,
    graph: Option<std::sync::Arc<UnitGraph>>,
    /// This import wrote units or lineage: its graph is read inside its own transaction,
    /// never from the cache shared by the server.
    units_written: bool,
    standards: Option<Rc<Vec<Standard>>>,
    /// Accepted rows that deserve a second look (a given status that differs from the
    /// computed one).
    pub warnings: Vec<RowError>,
    /// The signed-in user's rights, when a user (not the command line) imports.
    pub access: Option<std::sync::Arc<store::access::Access>>,
    /// What the kind being imported is, as far as rights go (set before each kind).
    pub subject: Subject,
    /// Rows must be new: a stored key is refused, not replaced (a "new household" form).
    pub create_only: bool,
    /// The reason a person gave for this change (a correction on a page), for the audit.
    pub reason: Option<String>,
    /// The approved periods, read once (see `locks`).
    locks: Option<Rc<Vec<domain::review::Lock>>>,
    /// What the import would change, kept for a dry run's preview.
    pub preview: crate::preview::Preview,
}

impl Ctx {
    pub fn new(actor: &str) -> Ctx {
        Ctx {
            actor: actor.to_owned(),
            graph: None,
            units_written: false,
            standards: None,
            warnings: Vec::new(),
            access: None,
            subject: Subject::Records,
            create_only: false,
            reason: None,
            locks: None,
            preview: crate::preview::Preview::default(),
        }
    }

    /// May this import write the current kind's records of unit version `unit_id`?
    pub fn may_write(&self, unit_id: VersionId) -> bool {
        self.access
            .as_ref()
            .is_none_or(|a| a.may_write(self.subject, unit_id))
    }

    /// May whoever imports read the records of unit version `unit_id`? A refusal names
    /// a record only to someone who may read it.
    pub fn may_read(&self, unit_id: VersionId) -> bool {
        self.access
            .as_ref()
            .is_none_or(|a| a.can_read_unit(unit_id))
    }

    /// The id of unit version `ix`, when this import may write records of it.
    pub fn writable(&self, graph: &UnitGraph, ix: VersionIx) -> Result<VersionId, Refusal> {
        let id = graph.version(ix).id;
        if self.may_write(id) {
            Ok(id)
        } else {
            Err(Refusal::OutsideScope)
        }
    }

    /// Whether a stored record of unit version `unit_id` may be referred to or replaced:
    /// one she may not read is answered as if it did not exist (`unknown`), one she may
    /// read but not write is outside her scope.
    pub fn reachable(&self, unit_id: VersionId, unknown: Refusal) -> Result<(), Refusal> {
        if !self.may_read(unit_id) {
            Err(unknown)
        } else if !self.may_write(unit_id) {
            Err(Refusal::OutsideScope)
        } else {
            Ok(())
        }
    }

    /// May this import change the unit tree itself (administrators and the command line)?
    pub fn may_change_units(&self) -> bool {
        self.access
            .as_ref()
            .is_none_or(|a| a.user.role.reach(Subject::Units) == domain::access::Reach::Everywhere)
    }

    /// The unit graph as this import sees it: the server's cached one (loading it costs
    /// tens of milliseconds on the national tree, a form's row a few), until the import
    /// writes units; then its own, read inside its transaction.
    pub fn graph(&mut self, db: &mut Db) -> Result<std::sync::Arc<UnitGraph>, StoreError> {
        if self.graph.is_none() {
            self.graph = Some(if self.units_written {
                std::sync::Arc::new(store::units::load_graph(db)?)
            } else {
                store::units::load_graph_cached(db)?
            });
        }
        Ok(self.graph.clone().expect("just loaded"))
    }

    /// Units or lineage were written: the next reader loads them afresh, from this
    /// transaction.
    pub fn units_changed(&mut self) {
        self.graph = None;
        self.units_written = true;
    }

    pub fn standards(&mut self, db: &mut Db) -> Result<Rc<Vec<Standard>>, StoreError> {
        if self.standards.is_none() {
            self.standards = Some(Rc::new(store::standards::load_all(db)?));
        }
        Ok(self.standards.clone().expect("just loaded"))
    }
}

/// The unit version a dated row refers to, or why there is none, said so that the
/// officer knows what to write instead ("… merged into 48 (Đà Nẵng) on 01/07/2025").
pub fn unit_on(graph: &UnitGraph, code: &str, date: domain::Date) -> Result<VersionIx, Refusal> {
    match graph.fate(code, date) {
        Fate::Exists(ix) => Ok(ix),
        Fate::EndedInto { ended, on, into } => {
            let (e, i) = (graph.version(ended), graph.version(into));
            Err(Refusal::UnitEndedInto {
                code: code.to_owned(),
                name: e.name.clone(),
                date,
                on,
                into_code: i.code.clone(),
                into_name: i.name.clone(),
            })
        }
        Fate::Unmapped { ended } => Err(Refusal::UnitEnded {
            code: code.to_owned(),
            name: graph.version(ended).name.clone(),
            ended: graph.version(ended).valid_to,
        }),
        Fate::Unknown => {
            let later = graph
                .versions_of(code)
                .first()
                .map(|&ix| graph.version(ix).valid_from);
            Err(match later {
                Some(from) => Refusal::UnitNotYet {
                    code: code.to_owned(),
                    date,
                    from,
                },
                None => Refusal::NoSuchUnit {
                    code: code.to_owned(),
                },
            })
        }
    }
}

/// The stored households that rows refer to in column `col`, by code.
pub fn household_refs(
    db: &mut Db,
    rows: &[Fields],
    col: &str,
) -> Result<HashMap<String, store::households::HouseholdRef>, StoreError> {
    let mut codes: Vec<&str> = rows.iter().filter_map(|r| r.text(col)).collect();
    codes.sort_unstable();
    codes.dedup();
    Ok(store::households::find_refs(db, &codes)?
        .into_iter()
        .map(|h| (h.code.clone(), h))
        .collect())
}

/// The stored household a row names, when it exists and this import may write it;
/// otherwise the row's error. A household she may not read gets the same answer as one
/// that does not exist.
pub fn writable_household<'a>(
    households: &'a HashMap<String, store::households::HouseholdRef>,
    ctx: &Ctx,
    r: &Fields,
    col: &str,
) -> Result<&'a store::households::HouseholdRef, Box<RowError>> {
    let code = r.text(col).unwrap_or_default();
    let found = households
        .get(code)
        .ok_or_else(|| no_household(code))
        .and_then(|h| ctx.reachable(h.unit_id, no_household(code)).map(|()| h));
    found.map_err(|refusal| Box::new(r.error(col, refusal)))
}

pub fn no_household(code: &str) -> Refusal {
    Refusal::NoHousehold {
        code: code.to_owned(),
    }
}

/// What one call of a kind works on: the rows of one chunk of its files, inside the
/// import's transaction.
pub struct Batch<'a> {
    pub db: &'a mut Db,
    pub rows: Vec<Fields>,
    pub ctx: &'a mut Ctx,
    /// Where refused rows go; a batch with any writes nothing.
    pub errors: &'a mut Vec<RowError>,
}

pub trait Kind: Sync {
    fn spec(&self) -> &'static Spec;
    /// The table its rows are stored in, when they may be deleted by key.
    fn table(&self) -> Option<&'static store::tables::TableDef>;
    /// Checks the rows against the stored data (and what earlier kinds of this import
    /// wrote), adds an error for each bad row, writes the rest.
    fn apply(&self, b: Batch<'_>) -> Result<Counts, StoreError>;
}

/// A kind whose rules are one function of its own (units, lineage, households, members,
/// assessments, assignments; the ledger's kinds share [`ledger::LedgerKind`]).
pub struct KindOf {
    pub spec: &'static Spec,
    /// `None` for the unit tree and its lineage, whose rows are not deleted.
    pub table: Option<&'static std::sync::LazyLock<store::tables::TableDef>>,
    pub apply: fn(Batch<'_>) -> Result<Counts, StoreError>,
}

impl KindOf {
    const fn new(
        spec: &'static Spec,
        table: Option<&'static std::sync::LazyLock<store::tables::TableDef>>,
        apply: fn(Batch<'_>) -> Result<Counts, StoreError>,
    ) -> KindOf {
        KindOf { spec, table, apply }
    }
}

impl Kind for KindOf {
    fn spec(&self) -> &'static Spec {
        self.spec
    }

    fn table(&self) -> Option<&'static store::tables::TableDef> {
        self.table.map(|t| &**t)
    }

    fn apply(&self, b: Batch<'_>) -> Result<Counts, StoreError> {
        (self.apply)(b)
    }
}

/// Every kind, in dependency order: a directory is imported in this order.
static KINDS: &[&dyn Kind] = &[
    &KindOf::new(&contract::UNITS, None, units::apply),
    &KindOf::new(&contract::UNIT_LINEAGE, None, lineage::apply),
    &KindOf::new(
        &contract::HOUSEHOLDS,
        Some(&stored::HOUSEHOLDS),
        households::apply,
    ),
    &KindOf::new(&contract::MEMBERS, Some(&stored::MEMBERS), members::apply),
    &KindOf::new(
        &contract::CONSENTS,
        Some(&stored::CONSENTS),
        consents::apply,
    ),
    &KindOf::new(
        &contract::ASSESSMENTS,
        Some(&stored::ASSESSMENTS),
        assessments::apply,
    ),
    &KindOf::new(
        &contract::ASSIGNMENTS,
        Some(&stored::ASSIGNMENTS),
        assignments::apply,
    ),
    &ledger::SUPPORTS,
    &ledger::ACTIVITIES,
    &ledger::SAVINGS_GROUPS,
    &ledger::ENTRUSTED_TOTALS,
    &ledger::COOPERATIVES,
    &ledger::CLUBS,
    &ledger::MICROINSURANCE,
    &ledger::TARGETS,
    &ledger::PROJECTS,
    &ledger::PROJECT_MEMBERS,
];

pub fn all() -> &'static [&'static dyn Kind] {
    KINDS
}

/// The kinds an approved period locks (those dated by a column), with their tables: what
/// an approval fingerprints (`store::seals`).
pub fn dated_tables() -> Vec<store::seals::Dated<'static>> {
    all()
        .iter()
        .filter_map(|k| {
            Some(store::seals::Dated {
                table: k.table()?,
                dated_by: k.spec().dated_by?,
            })
        })
        .collect()
}

pub fn find(kind: &str) -> Option<&'static dyn Kind> {
    all().iter().copied().find(|k| k.spec().kind == kind)
}

impl Batch<'_> {
    /// Units and lineage are the administrators' (and the command line's): anyone else's
    /// file of them is refused at its first row, column `col`. True when it may go on.
    pub fn units_may_change(&mut self, col: &str) -> bool {
        if self.ctx.may_change_units() {
            return true;
        }
        if let Some(r) = self.rows.first() {
            self.errors
                .push(r.error(col, Refusal::OnlyAdminChangesUnits));
        }
        false
    }

    /// The skeleton every row-by-row kind shares: `check` turns each row into its stored
    /// form or refuses it (it is given the import's context); then every stored row that
    /// a row would replace is checked too (see [`Ctx::may_replace`]); a batch with any
    /// refused row writes nothing (the import as a whole is then rejected).
    pub fn check_and_write(
        &mut self,
        table: &store::tables::TableDef,
        mut check: impl FnMut(&Fields, &Ctx) -> Result<KeyedRow, Vec<RowError>>,
    ) -> Result<Counts, StoreError> {
        let mut keyed = Vec::with_capacity(self.rows.len());
        let mut from = Vec::with_capacity(self.rows.len());
        for (i, r) in self.rows.iter().enumerate() {
            match check(r, self.ctx) {
                Ok(k) if !r.broken => {
                    keyed.push(k);
                    from.push(i);
                }
                Ok(_) => {}
                Err(refused) => self.errors.extend(
                    refused
                        .into_iter()
                        .filter(|e| !r.broken || r.read_as_written(&e.column)),
                ),
            }
        }
        // Every row that passed is checked further even when others were refused, so
        // that a file's errors come in one round.
        let stored = store::keyed::stored(self.db, table, &keyed)?;
        let mut refused = vec![false; keyed.len()];
        for (j, (k, &i)) in keyed.iter().zip(&from).enumerate() {
            if let Some(old) = stored.get(&k.key) {
                if let Err((col, refusal)) = self.ctx.may_replace(table, &self.rows[i], old) {
                    self.errors.push(self.rows[i].error(col, refusal));
                    refused[j] = true;
                }
            }
        }
        let Some(spec) = self.rows.first().map(|r| r.spec) else {
            return Ok(Counts::default());
        };
        let locked = locks::locked_writes(self, table, spec.dated_by, &keyed, &stored)?;
        for (j, (lock, &i)) in locked.into_iter().zip(&from).enumerate() {
            if let Some(refusal) = lock {
                let col = spec.dated_by.unwrap_or(spec.key[0]);
                self.errors.push(self.rows[i].error(col, refusal));
                refused[j] = true;
            }
        }
        // The rows that passed are written even when others were refused: the import is
        // then rolled back as a whole, but the kinds after this one meet these rows as
        // they would be (a member's household is there), so their errors are the real ones.
        let keyed: Vec<KeyedRow> = keyed
            .into_iter()
            .zip(refused)
            .filter_map(|(k, refused)| (!refused).then_some(k))
            .collect();
        self.ctx.preview.note_writes(spec, table, &keyed, &stored);
        let by = store::keyed::Author {
            actor: &self.ctx.actor,
            reason: self.ctx.reason.as_deref(),
        };
        store::keyed::write(self.db, table, &keyed, &stored, by)
    }
}

impl Ctx {
    /// May the row `r` replace the stored row `old` of `table`? The second question of
    /// every write: the new row's unit was checked by the kind; the stored row's unit
    /// must be writable too, or a file could take over another unit's record by reusing
    /// its key. (Members and assessments hang on their household, whose key they share:
    /// checking the household checked them.) Refused at the column to fix.
    fn may_replace(
        &self,
        table: &store::tables::TableDef,
        r: &Fields,
        old: &[store::Value],
    ) -> Result<(), (&'static str, Refusal)> {
        let key_col = r.spec.key[0];
        if self.create_only {
            let refusal = match r.spec.kind {
                "households" => Refusal::HouseholdCodeTaken {
                    code: r.text(key_col).unwrap_or_default().to_owned(),
                },
                _ => Refusal::RecordExists,
            };
            return Err((key_col, refusal));
        }
        let Some(unit) = table
            .data
            .iter()
            .position(|c| *c == "unit_id")
            .and_then(|i| old[i].as_unit())
        else {
            return Ok(());
        };
        if self.may_write(unit) {
            return Ok(());
        }
        let col = if r.spec.cols.iter().any(|c| c.name == "unit_code") {
            "unit_code"
        } else {
            key_col
        };
        Err((col, Refusal::StoredOutsideScope))
    }
}

/// Writes rows of the unit tree or its lineage: the graph is loaded afresh after, and a
/// change moves the units' generation (caches of the graph reload).
pub(super) fn write_tree(
    batch: &mut Batch<'_>,
    table: &store::tables::TableDef,
    keyed: &[KeyedRow],
) -> Result<Counts, StoreError> {
    batch.ctx.units_changed();
    let counts = store::keyed::upsert(batch.db, table, keyed, &batch.ctx.actor)?;
    if counts.inserted + counts.updated > 0 {
        store::units::bump_generation(batch.db)?;
    }
    Ok(counts)
}

/// The stored row of `table` for a row of a file: every key and data column of the
/// table by name, from `value` (its own columns: the file's cells, with what the kind
/// derived, such as `unit_id` or a folded name); `extra` is the file's `x_` columns.
pub fn keyed_row(
    table: &store::tables::TableDef,
    r: &Fields,
    mut value: impl FnMut(&str) -> Option<store::Value>,
) -> KeyedRow {
    let mut get = |col: &str| -> store::Value {
        if col == "extra" {
            return store::Value::from(r.extra_json());
        }
        value(col).unwrap_or_else(|| {
            // A row with a bad cell is checked, never written: what it lacks is empty.
            if r.broken {
                return store::Value::Null;
            }
            panic!(
                "file kind {} gives no value for column {col} of table {}",
                r.spec.kind, table.table
            )
        })
    };
    KeyedRow {
        key: table.key.iter().map(|c| get(c)).collect(),
        data: table.data.iter().map(|c| get(c)).collect(),
    }
}

/// The file's own cell for every column the kind declares (and `None` for the others):
/// the usual start of a kind's `value` for [`keyed_row`].
pub fn cell_of(r: &Fields, col: &str) -> Option<store::Value> {
    let i = r.spec.cols.iter().position(|c| c.name == col)?;
    Some(to_value(&r.vals[i]))
}

/// A JSON value of a parsed cell, for `extra`-free audit and keyed rows.
pub fn to_value(v: &Val) -> store::Value {
    match v {
        Val::Empty => store::Value::Null,
        Val::Text(s) => store::Value::Text(s.clone()),
        Val::Date(d) => store::Value::Text(d.to_string()),
        Val::Bool(b) => store::Value::Int((*b).into()),
        Val::Int(n) => store::Value::Int(*n),
        Val::Real(f) => store::Value::Real(*f),
        Val::CitizenId(id) => store::Value::from(id.as_str()),
        Val::Phone(p) => store::Value::from(p.as_str()),
        Val::Money(v) => store::Value::Int(v.0),
    }
}

#[cfg(test)]
mod tests {
    /// The importer takes every file kind of the contract, in the contract's order.
    #[test]
    fn every_kind_of_the_contract_in_its_order() {
        let kinds: Vec<&str> = super::all().iter().map(|k| k.spec().kind).collect();
        let contract: Vec<&str> = domain::contract::ALL.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, contract);
    }
}
