//! The programme ledger's file kinds. They share one shape: a natural key, a unit
//! resolved on the row's date, plain values with the contract's defaults for empty
//! numbers, and a few rules of their own. One generic kind serves them all.

use super::{cell_of, household_refs, keyed_row, no_household, unit_on, Batch, Fields, Kind, Spec};
use crate::refusal::Refusal;
use crate::report::RowError;
use domain::contract;
use domain::vocab::SupportType;
use domain::Date;
use std::collections::{HashMap, HashSet};
use store::keyed::{Counts, TableDef};
use store::{StoreError, Value};

/// The column that names a row's unit, in every kind that has one.
const UNIT_COL: &str = "unit_code";

/// How a row's unit is found.
#[derive(Clone, Copy)]
enum UnitRule {
    None,
    /// The version of `unit_code` valid on the date in this column.
    OnDate(&'static str),
    /// Targets: the version valid on 1 January of the year in this column, or the first
    /// day of a version that starts within that year.
    OnYear(&'static str),
}

/// A refusal of a kind's own rule, at the column it names.
type Problem = (&'static str, Refusal);

pub struct LedgerKind {
    spec: &'static Spec,
    table: &'static std::sync::LazyLock<TableDef>,
    unit: UnitRule,
    /// A `record_id` column that may be left empty (derived from the row's content).
    record_id: Option<&'static str>,
    /// A column that, when given, must name a stored household.
    household: Option<&'static str>,
    /// Values for empty cells (the contract's "Empty numbers").
    defaults: &'static [(&'static str, i64)],
    /// The kind's own rules on one row.
    check: fn(&Fields) -> Vec<Problem>,
}

impl LedgerKind {
    /// A kind of `spec` written to `table`: no record id to derive, no household, no
    /// defaults and no rules of its own until the static says otherwise.
    const fn of(
        spec: &'static Spec,
        table: &'static std::sync::LazyLock<TableDef>,
        unit: UnitRule,
    ) -> LedgerKind {
        LedgerKind {
            spec,
            table,
            unit,
            record_id: None,
            household: None,
            defaults: &[],
            check: no_check,
        }
    }
}

fn check_support(r: &Fields) -> Vec<Problem> {
    let mut out = Vec::new();
    let has_household = r.text("household_code").is_some();
    if r.text("support_type") == Some(SupportType::Livelihood.as_str()) && !has_household {
        out.push(("household_code", Refusal::LivelihoodNeedsHousehold));
    }
    if r.int("member_no").is_some() && !has_household {
        out.push(("member_no", Refusal::MemberNeedsHousehold));
    }
    if r.int("member_no") == Some(0) {
        out.push(("member_no", Refusal::MemberNoZero));
    }
    if r.int("quantity") == Some(0) {
        out.push(("quantity", Refusal::QuantityZero));
    }
    out
}

pub static SUPPORTS: LedgerKind = LedgerKind {
    record_id: Some("record_id"),
    household: Some("household_code"),
    defaults: &[("quantity", 1), ("value_vnd", 0)],
    check: check_support,
    ..LedgerKind::of(
        &contract::SUPPORTS,
        &store::ledger::SUPPORTS,
        UnitRule::OnDate("date"),
    )
};

fn check_activity(r: &Fields) -> Vec<Problem> {
    if r.int("sessions") == Some(0) {
        vec![("sessions", Refusal::SessionsZero)]
    } else {
        Vec::new()
    }
}

pub static ACTIVITIES: LedgerKind = LedgerKind {
    record_id: Some("record_id"),
    defaults: &[("sessions", 1), ("participants", 0)],
    check: check_activity,
    ..LedgerKind::of(
        &contract::ACTIVITIES,
        &store::ledger::ACTIVITIES,
        UnitRule::OnDate("date"),
    )
};

fn no_check(_: &Fields) -> Vec<Problem> {
    Vec::new()
}

pub static SAVINGS_GROUPS: LedgerKind = LedgerKind {
    defaults: &[("overdue_vnd", 0)],
    ..LedgerKind::of(
        &contract::SAVINGS_GROUPS,
        &store::ledger::SAVINGS_GROUPS,
        UnitRule::OnDate("as_of"),
    )
};

pub static ENTRUSTED_TOTALS: LedgerKind = LedgerKind::of(
    &contract::ENTRUSTED_TOTALS,
    &store::ledger::ENTRUSTED_TOTALS,
    UnitRule::OnDate("as_of"),
);

fn check_dissolved_after(
    established: &'static str,
    dissolved: &'static str,
) -> impl Fn(&Fields) -> Vec<Problem> {
    move |r: &Fields| match (r.date(established), r.date(dissolved)) {
        (Some(e), Some(d)) if d <= e => vec![(dissolved, Refusal::DissolvedBeforeEstablished)],
        _ => Vec::new(),
    }
}

/// Cooperatives and clubs: dissolved after they were established.
fn check_dissolved(r: &Fields) -> Vec<Problem> {
    check_dissolved_after("established_on", "dissolved_on")(r)
}

pub static COOPERATIVES: LedgerKind = LedgerKind {
    defaults: &[
        ("union_supported", 0),
        ("female_members", 0),
        ("female_workers", 0),
    ],
    check: check_dissolved,
    ..LedgerKind::of(
        &contract::COOPERATIVES,
        &store::ledger::COOPERATIVES,
        UnitRule::OnDate("established_on"),
    )
};

pub static CLUBS: LedgerKind = LedgerKind {
    check: check_dissolved,
    ..LedgerKind::of(
        &contract::CLUBS,
        &store::ledger::CLUBS,
        UnitRule::OnDate("established_on"),
    )
};

pub static MICROINSURANCE: LedgerKind = LedgerKind {
    record_id: Some("record_id"),
    defaults: &[("count", 0), ("amount_vnd", 0)],
    ..LedgerKind::of(
        &contract::MICROINSURANCE,
        &store::ledger::MICROINSURANCE,
        UnitRule::OnDate("date"),
    )
};

fn check_target(r: &Fields) -> Vec<Problem> {
    match r.text("indicator") {
        Some(code) if domain::indicators::find(code).is_none() => {
            vec![("indicator", Refusal::UnknownIndicator)]
        }
        _ => Vec::new(),
    }
}

pub static TARGETS: LedgerKind = LedgerKind {
    check: check_target,
    ..LedgerKind::of(
        &contract::TARGETS,
        &store::ledger::TARGETS,
        UnitRule::OnYear("year"),
    )
};

fn check_project(r: &Fields) -> Vec<Problem> {
    let mut out = Vec::new();
    if let (Some(s), Some(e)) = (r.date("start_on"), r.date("end_on")) {
        if e < s {
            out.push(("end_on", Refusal::ProjectEndsBeforeStart));
        }
    }
    if r.int("min_disadvantaged_pct").is_some_and(|p| p > 100) {
        out.push(("min_disadvantaged_pct", Refusal::PercentOver100));
    }
    out
}

pub static PROJECTS: LedgerKind = LedgerKind {
    check: check_project,
    ..LedgerKind::of(
        &contract::PROJECTS,
        &store::ledger::PROJECTS,
        UnitRule::OnDate("start_on"),
    )
};

pub static PROJECT_MEMBERS: LedgerKind = LedgerKind {
    household: Some("household_code"),
    defaults: &[("difficult", 0)],
    ..LedgerKind::of(
        &contract::PROJECT_MEMBERS,
        &store::ledger::PROJECT_MEMBERS,
        UnitRule::None,
    )
};

/// A stable id for a row that came without one: FNV-1a over its cells.
fn derived_id(r: &Fields) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for cell in &r.raw {
        for b in cell.as_bytes().iter().chain(std::iter::once(&0x1f)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("auto-{h:016x}")
}

fn unit_version(graph: &domain::units::UnitGraph, code: &str, year: i64) -> Result<usize, Refusal> {
    let jan1 = Date::from_ymd(year as i32, 1, 1).unwrap_or(Date::MIN);
    if let Ok(ix) = unit_on(graph, code, jan1) {
        return Ok(ix);
    }
    let dec31 = Date::from_ymd(year as i32, 12, 31).unwrap_or(Date::MAX);
    graph
        .versions_of(code)
        .iter()
        .copied()
        .find(|&ix| (jan1..=dec31).contains(&graph.version(ix).valid_from))
        .ok_or_else(|| Refusal::UnitNotInYear {
            code: code.to_owned(),
            year,
        })
}

impl Kind for LedgerKind {
    fn table(&self) -> Option<&'static TableDef> {
        Some(&**self.table)
    }

    fn spec(&self) -> &'static Spec {
        self.spec
    }

    fn apply(&self, mut batch: Batch<'_>) -> Result<Counts, StoreError> {
        let spec = self.spec;
        let graph = batch.ctx.graph(batch.db)?;
        let households = match self.household {
            Some(c) => household_refs(batch.db, &batch.rows, c)?,
            None => Default::default(),
        };
        let members: HashSet<(String, i64)> = if spec.kind == "supports" {
            let codes: Vec<&str> = households.keys().map(String::as_str).collect();
            store::households::member_numbers(batch.db, &codes)?
                .into_iter()
                .map(|m| (m.household_code, m.member_no))
                .collect()
        } else {
            HashSet::new()
        };
        let projects: HashMap<String, domain::units::VersionId> = if spec.kind == "project_members"
        {
            store::records::project_units(batch.db)?
        } else {
            HashMap::new()
        };
        let table: &TableDef = self.table;
        batch.check_and_write(table, |r, ctx| {
            let mut refused: Vec<RowError> = (self.check)(r)
                .into_iter()
                .map(|(c, refusal)| r.error(c, refusal))
                .collect();
            if let Some(c) = self.household {
                if let Some(hh) = r.text(c) {
                    // A household she may not read is answered as one that does not exist.
                    let reached = households
                        .get(hh)
                        .ok_or_else(|| no_household(hh))
                        .and_then(|h| ctx.reachable(h.unit_id, no_household(hh)));
                    if let Err(refusal) = reached {
                        refused.push(r.error(c, refusal));
                    } else if let Some(no) = (spec.kind == "supports")
                        .then(|| r.int("member_no"))
                        .flatten()
                    {
                        if !members.contains(&(hh.to_owned(), no)) {
                            refused.push(r.error(
                                "member_no",
                                Refusal::NoMember {
                                    household: hh.to_owned(),
                                    member_no: no,
                                },
                            ));
                        }
                    }
                }
            }
            if spec.kind == "project_members" {
                // A project's members are written by those who may write the project.
                if let Some(p) = r.text("project_code") {
                    let unknown = || Refusal::NoProject { code: p.to_owned() };
                    let reached = projects
                        .get(p)
                        .ok_or_else(unknown)
                        .and_then(|&unit| ctx.reachable(unit, unknown()));
                    if let Err(refusal) = reached {
                        refused.push(r.error("project_code", refusal));
                    }
                }
            }
            let found = match self.unit {
                UnitRule::None => None,
                UnitRule::OnDate(date_col) => match (r.text(UNIT_COL), r.date(date_col)) {
                    (Some(code), Some(d)) => Some((UNIT_COL, unit_on(&graph, code, d))),
                    _ => None,
                },
                UnitRule::OnYear(year_col) => match (r.text(UNIT_COL), r.int(year_col)) {
                    (Some(code), Some(y)) => Some((UNIT_COL, unit_version(&graph, code, y))),
                    _ => None,
                },
            };
            let unit_id =
                match found.map(|(c, found)| (c, found.and_then(|ix| ctx.writable(&graph, ix)))) {
                    None => None,
                    Some((_, Ok(id))) => Some(id),
                    Some((c, Err(refusal))) => {
                        refused.push(r.error(c, refusal));
                        None
                    }
                };
            if !refused.is_empty() {
                return Err(refused);
            }
            Ok(keyed_row(table, r, |col| {
                if col == "unit_id" {
                    return unit_id.map(Value::from);
                }
                let value = cell_of(r, col)?;
                Some(
                    match (value, self.defaults.iter().find(|(c, _)| *c == col)) {
                        // The contract's defaults for empty numbers.
                        (Value::Null, Some((_, d))) => Value::Int(*d),
                        (Value::Null, None) if Some(col) == self.record_id => {
                            Value::Text(derived_id(r))
                        }
                        (v, _) => v,
                    },
                )
            }))
        })
    }
}
