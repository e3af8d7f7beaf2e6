//! The programme ledger's file kinds. They share one shape: a natural key, a unit
//! resolved on the row's date, plain values with the contract's defaults for empty
//! numbers, and a few rules of their own. One generic kind serves them all.

use crate::refusal::Refusal;
use domain::vocab::{ActivityType, ClubKind, MicroinsuranceKind, SupportType};
use super::{household_refs, no_household, to_value, unit_on, Ctx, Fields, Kind, Spec};
use crate::report::RowError;
use crate::rules::{col, req, Ty, Val};
use domain::Date;
use std::collections::HashSet;
use store::keyed::{upsert, Counts, KeyedRow, TableDef};
use store::{Db, StoreError, Value};

/// How a row's unit is found.
#[derive(Clone, Copy)]
enum UnitRule {
    None,
    /// The version of `unit_col` valid on the date in `date_col`.
    OnDate {
        unit_col: usize,
        date_col: usize,
    },
    /// Targets: the version valid on 1 January of the year in `year_col`, or the first
    /// day of a version that starts within that year.
    OnYear {
        unit_col: usize,
        year_col: usize,
    },
}

/// A refusal of a kind's own rule, at the column it names.
type Problem = (usize, Refusal);

pub struct LedgerKind {
    spec: &'static Spec,
    table: &'static TableDef,
    unit: UnitRule,
    /// A `record_id` column that may be left empty (derived from the row's content).
    record_id: Option<usize>,
    /// A column that, when given, must name a stored household.
    household: Option<usize>,
    /// Values for empty cells (the contract's "Empty numbers").
    defaults: &'static [(usize, i64)],
    /// The kind's own rules on one row.
    check: fn(&Fields) -> Vec<Problem>,
}


static SUPPORTS_SPEC: Spec = Spec {
    kind: "supports",
    label_vi: "Hỗ trợ",
    cols: &[
        col("record_id", Ty::Code),
        req("date", Ty::Date),
        req("unit_code", Ty::Code),
        req("support_type", Ty::Enum(SupportType::ENTRIES)),
        col("household_code", Ty::Code),
        col("member_no", Ty::Count),
        col("quantity", Ty::Count),
        col("value_vnd", Ty::Money),
        col("programme", Ty::Text),
        col("funding", Ty::Text),
    ],
    key: &["record_id"],
};

fn check_support(r: &Fields) -> Vec<Problem> {
    let mut out = Vec::new();
    let has_household = r.text(4).is_some();
    if r.text(3) == Some(SupportType::Livelihood.as_str()) && !has_household {
        out.push((4, Refusal::LivelihoodNeedsHousehold));
    }
    if r.int(5).is_some() && !has_household {
        out.push((5, Refusal::MemberNeedsHousehold));
    }
    if r.int(5) == Some(0) {
        out.push((5, Refusal::MemberNoZero));
    }
    if r.int(6) == Some(0) {
        out.push((6, Refusal::QuantityZero));
    }
    out
}

pub static SUPPORTS: LedgerKind = LedgerKind {
    spec: &SUPPORTS_SPEC,
    table: &store::ledger::SUPPORTS,
    unit: UnitRule::OnDate {
        unit_col: 2,
        date_col: 1,
    },
    record_id: Some(0),
    household: Some(4),
    defaults: &[(6, 1), (7, 0)],
    check: check_support,
};

static ACTIVITIES_SPEC: Spec = Spec {
    kind: "activities",
    label_vi: "Hoạt động",
    cols: &[
        col("record_id", Ty::Code),
        req("date", Ty::Date),
        req("unit_code", Ty::Code),
        req("activity_type", Ty::Enum(ActivityType::ENTRIES)),
        col("sessions", Ty::Count),
        col("participants", Ty::Count),
    ],
    key: &["record_id"],
};

fn check_activity(r: &Fields) -> Vec<Problem> {
    if r.int(4) == Some(0) {
        vec![(4, Refusal::SessionsZero)]
    } else {
        Vec::new()
    }
}

pub static ACTIVITIES: LedgerKind = LedgerKind {
    spec: &ACTIVITIES_SPEC,
    table: &store::ledger::ACTIVITIES,
    unit: UnitRule::OnDate {
        unit_col: 2,
        date_col: 1,
    },
    record_id: Some(0),
    household: None,
    defaults: &[(4, 1), (5, 0)],
    check: check_activity,
};

static SAVINGS_SPEC: Spec = Spec {
    kind: "savings_groups",
    label_vi: "Tổ tiết kiệm và vay vốn",
    cols: &[
        req("as_of", Ty::Date),
        req("unit_code", Ty::Code),
        req("group_code", Ty::Code),
        req("clients", Ty::Count),
        req("outstanding_vnd", Ty::Money),
        col("overdue_vnd", Ty::Money),
    ],
    key: &["group_code", "as_of"],
};

fn no_check(_: &Fields) -> Vec<Problem> {
    Vec::new()
}

pub static SAVINGS_GROUPS: LedgerKind = LedgerKind {
    spec: &SAVINGS_SPEC,
    table: &store::ledger::SAVINGS_GROUPS,
    unit: UnitRule::OnDate {
        unit_col: 1,
        date_col: 0,
    },
    record_id: None,
    household: None,
    defaults: &[(5, 0)],
    check: no_check,
};

static ENTRUSTED_SPEC: Spec = Spec {
    kind: "entrusted_totals",
    label_vi: "Tổng dư nợ ủy thác",
    cols: &[
        req("as_of", Ty::Date),
        req("unit_code", Ty::Code),
        req("outstanding_vnd", Ty::Money),
    ],
    key: &["unit_code", "as_of"],
};

pub static ENTRUSTED_TOTALS: LedgerKind = LedgerKind {
    spec: &ENTRUSTED_SPEC,
    table: &store::ledger::ENTRUSTED_TOTALS,
    unit: UnitRule::OnDate {
        unit_col: 1,
        date_col: 0,
    },
    record_id: None,
    household: None,
    defaults: &[],
    check: no_check,
};

static COOPS_SPEC: Spec = Spec {
    kind: "cooperatives",
    label_vi: "Hợp tác xã",
    cols: &[
        req("coop_code", Ty::Code),
        req("unit_code", Ty::Code),
        req("name", Ty::Text),
        req("established_on", Ty::Date),
        col("dissolved_on", Ty::Date),
        col("union_supported", Ty::Bool),
        col("female_members", Ty::Count),
        col("female_workers", Ty::Count),
    ],
    key: &["coop_code"],
};

fn check_dissolved_after(established: usize, dissolved: usize) -> impl Fn(&Fields) -> Vec<Problem> {
    move |r: &Fields| match (r.date(established), r.date(dissolved)) {
        (Some(e), Some(d)) if d <= e => vec![(dissolved, Refusal::DissolvedBeforeEstablished)],
        _ => Vec::new(),
    }
}

fn check_coop(r: &Fields) -> Vec<Problem> {
    check_dissolved_after(3, 4)(r)
}

pub static COOPERATIVES: LedgerKind = LedgerKind {
    spec: &COOPS_SPEC,
    table: &store::ledger::COOPERATIVES,
    unit: UnitRule::OnDate {
        unit_col: 1,
        date_col: 3,
    },
    record_id: None,
    household: None,
    defaults: &[(5, 0), (6, 0), (7, 0)],
    check: check_coop,
};

static CLUBS_SPEC: Spec = Spec {
    kind: "clubs",
    label_vi: "Câu lạc bộ",
    cols: &[
        req("club_code", Ty::Code),
        req("unit_code", Ty::Code),
        req("kind", Ty::Enum(ClubKind::ENTRIES)),
        req("established_on", Ty::Date),
        col("dissolved_on", Ty::Date),
    ],
    key: &["club_code"],
};

fn check_club(r: &Fields) -> Vec<Problem> {
    check_dissolved_after(3, 4)(r)
}

pub static CLUBS: LedgerKind = LedgerKind {
    spec: &CLUBS_SPEC,
    table: &store::ledger::CLUBS,
    unit: UnitRule::OnDate {
        unit_col: 1,
        date_col: 3,
    },
    record_id: None,
    household: None,
    defaults: &[],
    check: check_club,
};

static MICRO_SPEC: Spec = Spec {
    kind: "microinsurance",
    label_vi: "Bảo hiểm vi mô",
    cols: &[
        col("record_id", Ty::Code),
        req("date", Ty::Date),
        req("unit_code", Ty::Code),
        req("kind", Ty::Enum(MicroinsuranceKind::ENTRIES)),
        col("count", Ty::Count),
        col("amount_vnd", Ty::Money),
    ],
    key: &["record_id"],
};

pub static MICROINSURANCE: LedgerKind = LedgerKind {
    spec: &MICRO_SPEC,
    table: &store::ledger::MICROINSURANCE,
    unit: UnitRule::OnDate {
        unit_col: 2,
        date_col: 1,
    },
    record_id: Some(0),
    household: None,
    defaults: &[(4, 0), (5, 0)],
    check: no_check,
};

static TARGETS_SPEC: Spec = Spec {
    kind: "targets",
    label_vi: "Chỉ tiêu",
    cols: &[
        req("year", Ty::Year),
        req("unit_code", Ty::Code),
        req("indicator", Ty::Code),
        req("value", Ty::Count),
    ],
    key: &["year", "unit_code", "indicator"],
};

fn check_target(r: &Fields) -> Vec<Problem> {
    match r.text(2) {
        Some(code) if domain::indicators::find(code).is_none() => {
            vec![(2, Refusal::UnknownIndicator)]
        }
        _ => Vec::new(),
    }
}

pub static TARGETS: LedgerKind = LedgerKind {
    spec: &TARGETS_SPEC,
    table: &store::ledger::TARGETS,
    unit: UnitRule::OnYear {
        unit_col: 1,
        year_col: 0,
    },
    record_id: None,
    household: None,
    defaults: &[],
    check: check_target,
};

static PROJECTS_SPEC: Spec = Spec {
    kind: "projects",
    label_vi: "Dự án",
    cols: &[
        req("project_code", Ty::Code),
        req("name", Ty::Text),
        req("unit_code", Ty::Code),
        req("start_on", Ty::Date),
        col("end_on", Ty::Date),
        col("budget_vnd", Ty::Money),
        col("planned_households", Ty::Count),
        col("min_disadvantaged_pct", Ty::Count),
    ],
    key: &["project_code"],
};

fn check_project(r: &Fields) -> Vec<Problem> {
    let mut out = Vec::new();
    if let (Some(s), Some(e)) = (r.date(3), r.date(4)) {
        if e < s {
            out.push((4, Refusal::ProjectEndsBeforeStart));
        }
    }
    if r.int(7).is_some_and(|p| p > 100) {
        out.push((7, Refusal::PercentOver100));
    }
    out
}

pub static PROJECTS: LedgerKind = LedgerKind {
    spec: &PROJECTS_SPEC,
    table: &store::ledger::PROJECTS,
    unit: UnitRule::OnDate {
        unit_col: 2,
        date_col: 3,
    },
    record_id: None,
    household: None,
    defaults: &[],
    check: check_project,
};

static PROJECT_MEMBERS_SPEC: Spec = Spec {
    kind: "project_members",
    label_vi: "Hộ tham gia dự án",
    cols: &[
        req("project_code", Ty::Code),
        req("household_code", Ty::Code),
        req("joined_on", Ty::Date),
        col("difficult", Ty::Bool),
    ],
    key: &["project_code", "household_code"],
};

pub static PROJECT_MEMBERS: LedgerKind = LedgerKind {
    spec: &PROJECT_MEMBERS_SPEC,
    table: &store::ledger::PROJECT_MEMBERS,
    unit: UnitRule::None,
    record_id: None,
    household: Some(1),
    defaults: &[(3, 0)],
    check: no_check,
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

fn unit_version(
    graph: &domain::units::UnitGraph,
    code: &str,
    year: i64,
) -> Result<usize, Refusal> {
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
    fn spec(&self) -> &'static Spec {
        self.spec
    }

    fn apply(
        &self,
        db: &mut Db,
        rows: Vec<Fields>,
        ctx: &mut Ctx,
        errors: &mut Vec<RowError>,
    ) -> Result<Counts, StoreError> {
        let spec = self.spec;
        let before = errors.len();
        let graph = ctx.graph(db)?;
        let households = match self.household {
            Some(c) => household_refs(db, &rows, c)?,
            None => Default::default(),
        };
        let members: HashSet<(String, i64)> = if spec.kind == "supports" {
            let codes: Vec<&str> = households.keys().map(String::as_str).collect();
            store::households::member_numbers(db, &codes)?
                .into_iter()
                .collect()
        } else {
            HashSet::new()
        };
        let projects: HashSet<String> = if spec.kind == "project_members" {
            store::records::project_codes(db)?
        } else {
            HashSet::new()
        };
        let key_cols: Vec<usize> = spec.key.iter().map(|k| spec.pos(k)).collect();
        let mut keyed = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut bad = false;
            for (c, refusal) in (self.check)(r) {
                errors.push(r.error(spec, c, refusal));
                bad = true;
            }
            if let Some(c) = self.household {
                if let Some(hh) = r.text(c) {
                    if !households.contains_key(hh) {
                        errors.push(r.error(spec, c, no_household(hh)));
                        bad = true;
                    } else if let Some(no) = (spec.kind == "supports").then(|| r.int(5)).flatten() {
                        if !members.contains(&(hh.to_owned(), no)) {
                            errors.push(r.error(
                                spec,
                                5,
                                Refusal::NoMember {
                                    household: hh.to_owned(),
                                    member_no: no,
                                },
                            ));
                            bad = true;
                        }
                    }
                }
            }
            if spec.kind == "project_members" {
                if let Some(p) = r.text(0).filter(|p| !projects.contains(*p)) {
                    errors.push(r.error(spec, 0, Refusal::NoProject { code: p.to_owned() }));
                    bad = true;
                }
            }
            let found = match self.unit {
                UnitRule::None => None,
                UnitRule::OnDate { unit_col, date_col } => {
                    match (r.text(unit_col), r.date(date_col)) {
                        (Some(code), Some(d)) => Some((unit_col, unit_on(&graph, code, d))),
                        _ => None,
                    }
                }
                UnitRule::OnYear { unit_col, year_col } => {
                    match (r.text(unit_col), r.int(year_col)) {
                        (Some(code), Some(y)) => Some((unit_col, unit_version(&graph, code, y))),
                        _ => None,
                    }
                }
            };
            let unit_id =
                match found.map(|(c, found)| (c, found.and_then(|ix| ctx.writable(&graph, ix)))) {
                    None => None,
                    Some((_, Ok(id))) => Some(id),
                    Some((c, Err(refusal))) => {
                        errors.push(r.error(spec, c, refusal));
                        bad = true;
                        None
                    }
                };
            if bad {
                continue;
            }
            let value_of = |i: usize| -> Value {
                match (r.val(i), self.defaults.iter().find(|(c, _)| *c == i)) {
                    (Val::Empty, Some((_, d))) => Value::Int(*d),
                    (Val::Empty, None) if Some(i) == self.record_id => Value::Text(derived_id(r)),
                    (v, _) => to_value(v),
                }
            };
            let key: Vec<Value> = key_cols.iter().map(|&i| value_of(i)).collect();
            let mut data: Vec<Value> = (0..spec.cols.len())
                .filter(|i| !key_cols.contains(i))
                .map(value_of)
                .collect();
            if let Some(id) = unit_id {
                data.push(Value::Int(id));
            }
            data.push(Value::from(r.extra_json()));
            keyed.push(KeyedRow { key, data });
        }
        if errors.len() > before {
            return Ok(Counts::default());
        }
        upsert(db, self.table, &keyed, &ctx.actor)
    }
}
