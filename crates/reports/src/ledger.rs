//! The programme ledger's indicators: supports, activities, micro-insurance (flows);
//! cooperatives, clubs, savings groups and entrusted balances (stocks on `to`); targets.

use crate::households::{query_in, query_scoped};
use crate::scope::Scope;
use crate::tally::{Evidence, Tally};
use domain::contributions;
use domain::units::VersionIx;
use domain::Date;
use std::collections::HashMap;
use store::{Db, StoreError, Value};

fn ev(source: &'static str, record: &str, amount: i64, scope: &Scope, node: VersionIx) -> Evidence {
    Evidence {
        record: record.to_owned(),
        source,
        amount,
        unit_code: scope.graph.version(node).code.clone(),
    }
}

/// Every ledger indicator, read from the records.
pub fn tally(
    db: &mut Db,
    scope: &Scope,
    from: Date,
    to: Date,
    t: &mut Tally,
) -> Result<(), StoreError> {
    flows(db, scope, from, to, t)?;
    stocks(db, scope, from, to, t)
}

/// Supports, activities and micro-insurance of the period (what the aggregates also hold).
pub fn flows(
    db: &mut Db,
    scope: &Scope,
    from: Date,
    to: Date,
    t: &mut Tally,
) -> Result<(), StoreError> {
    let period = [Value::from(from), Value::from(to)];
    supports(db, scope, &period, t)?;

    for r in query_scoped(
        db,
        scope,
        "SELECT record_id, activity_type, sessions, participants, unit_id FROM activities WHERE date >= ? AND date <= ? AND {units}",
        &period,
        &[],
    )? {
        let Some(node) = t.node(scope, r.int(4), "activities") else { continue };
        let id = r.text(0);
        for (code, v) in contributions::activity(r.vocab(1)?, r.int(2), r.int(3)) {
            t.add(node, code, v, || ev("activities", id, v, scope, node));
        }
    }

    for r in query_scoped(
        db,
        scope,
        "SELECT record_id, kind, count, amount_vnd, unit_id FROM microinsurance WHERE date >= ? AND date <= ? AND {units}",
        &period,
        &[],
    )? {
        let Some(node) = t.node(scope, r.int(4), "microinsurance") else { continue };
        let id = r.text(0);
        for (code, v) in contributions::microinsurance(r.vocab(1)?, r.int(2), r.int(3)) {
            t.add(node, code, v, || ev("microinsurance", id, v, scope, node));
        }
    }
    Ok(())
}

/// Cooperatives, clubs, savings groups and entrusted balances as they stand on `to`;
/// new cooperatives; targets. Small tables, always read from the records.
pub fn stocks(
    db: &mut Db,
    scope: &Scope,
    from: Date,
    to: Date,
    t: &mut Tally,
) -> Result<(), StoreError> {
    let upto = [Value::from(to)];
    for r in query_scoped(
        db,
        scope,
        "SELECT coop_code, established_on, dissolved_on, union_supported, female_members, female_workers, unit_id \
         FROM cooperatives WHERE established_on <= ? AND {units}",
        &upto,
        &[],
    )? {
        let Some(node) = t.node(scope, r.int(6), "cooperatives") else { continue };
        let id = r.text(0);
        let established = r.date(1);
        if established >= from && r.int(3) != 0 {
            t.add(node, "coops_new", 1, || ev("cooperatives", id, 1, scope, node));
        }
        if r.opt_date(2).is_none_or(|d| d > to) {
            let (m, w) = (r.int(4), r.int(5));
            t.add(node, "coops_active", 1, || ev("cooperatives", id, 1, scope, node));
            t.add(node, "coops_female_members", m, || ev("cooperatives", id, m, scope, node));
            t.add(node, "coops_female_workers", w, || ev("cooperatives", id, w, scope, node));
        }
    }

    for r in query_scoped(
        db,
        scope,
        "SELECT club_code, dissolved_on, unit_id FROM clubs WHERE kind = 'startup' AND established_on <= ? AND {units}",
        &upto,
        &[],
    )? {
        let Some(node) = t.node(scope, r.int(2), "clubs") else { continue };
        if r.opt_date(1).is_none_or(|d| d > to) {
            let id = r.text(0);
            t.add(node, "startup_clubs_active", 1, || ev("clubs", id, 1, scope, node));
        }
    }

    // Savings groups: each group's latest row on or before `to`; clients = 0 is closed.
    let mut latest: HashMap<String, store::Row> = HashMap::new();
    for r in query_scoped(
        db,
        scope,
        "SELECT group_code, as_of, clients, outstanding_vnd, overdue_vnd, unit_id FROM savings_groups WHERE as_of <= ? AND {units}",
        &upto,
        &[],
    )? {
        match latest.get(r.text(0)) {
            Some(old) if old.text(1) >= r.text(1) => {}
            _ => {
                latest.insert(r.text(0).to_owned(), r);
            }
        }
    }
    for (group, r) in &latest {
        let Some(node) = t.node(scope, r.int(5), "savings_groups") else {
            continue;
        };
        let (clients, outstanding, overdue) = (r.int(2), r.int(3), r.int(4));
        if clients == 0 {
            continue;
        }
        t.add(node, "vbsp_groups", 1, || {
            ev("savings_groups", group, 1, scope, node)
        });
        t.add(node, "vbsp_clients", clients, || {
            ev("savings_groups", group, clients, scope, node)
        });
        t.add(node, "vbsp_outstanding_vnd", outstanding, || {
            ev("savings_groups", group, outstanding, scope, node)
        });
        t.add(node, "vbsp_overdue_vnd", overdue, || {
            ev("savings_groups", group, overdue, scope, node)
        });
    }

    // Entrusted totals: units that still exist on `to`, each one's latest row.
    let mut entrusted: HashMap<String, store::Row> = HashMap::new();
    for r in query_scoped(db, scope, "SELECT unit_code, as_of, outstanding_vnd, unit_id FROM entrusted_totals WHERE as_of <= ? AND {units}", &upto, &[])? {
        let alive = scope.version_of_id(r.int(3)).is_some_and(|ix| scope.graph.version(ix).valid_on(to));
        if !alive {
            continue;
        }
        match entrusted.get(r.text(0)) {
            Some(old) if old.text(1) >= r.text(1) => {}
            _ => {
                entrusted.insert(r.text(0).to_owned(), r);
            }
        }
    }
    for (unit, r) in &entrusted {
        if let Some(node) = t.node(scope, r.int(3), "entrusted_totals") {
            *t.entrusted.entry(node).or_insert(0) += r.int(2);
            if t_wants(t, "vbsp_share_pct") {
                let amount = r.int(2);
                t.evidence
                    .push((node, ev("entrusted_totals", unit, amount, scope, node)));
            }
        }
    }

    // Targets of the period's year (a period across years has none).
    if from.year() == to.year() {
        for r in query_scoped(
            db,
            scope,
            "SELECT indicator, value, unit_id, unit_code FROM targets WHERE year = ? AND {units}",
            &[Value::Int(from.year().into())],
            &[],
        )? {
            let (Some(node), Some(def)) =
                (scope.place(r.int(2)), domain::indicators::find(r.text(0)))
            else {
                continue;
            };
            *t.targets.entry((node, def.code)).or_insert(0) += r.int(1);
        }
    }
    Ok(())
}

fn t_wants(t: &Tally, code: &str) -> bool {
    t.wants(code)
}

fn supports(db: &mut Db, scope: &Scope, period: &[Value], t: &mut Tally) -> Result<(), StoreError> {
    let split = scope.split_ids();
    let rows = query_scoped(
        db,
        scope,
        "SELECT record_id, support_type, household_code, member_no, quantity, value_vnd, unit_id FROM supports \
         WHERE date >= ? AND date <= ? AND {units}",
        period,
        split,
    )?;
    // A support given by a unit that was split follows its household's unit.
    let follow: Vec<Value> = rows
        .iter()
        .filter(|r| r.opt_text(2).is_some() && split.contains(&r.int(6)))
        .map(|r| Value::from(r.text(2)))
        .collect();
    let household_units: HashMap<String, i64> = query_in(
        db,
        "SELECT household_code, unit_id FROM households WHERE household_code IN ({in})",
        &[],
        &follow,
        500,
    )?
    .into_iter()
    .map(|r| (r.text(0).to_owned(), r.int(1)))
    .collect();
    for r in &rows {
        let household = r.opt_text(2);
        let unit_id = match household {
            Some(h) if split.contains(&r.int(6)) => {
                household_units.get(h).copied().unwrap_or(r.int(6))
            }
            _ => r.int(6),
        };
        let Some(node) = t.node(scope, unit_id, "supports") else {
            continue;
        };
        let (id, kind) = (r.text(0), r.vocab(1)?);
        for (code, v) in contributions::support(kind, r.int(4), r.int(5)) {
            t.add(node, code, v, || ev("supports", id, v, scope, node));
        }
        if let Some(who) = contributions::livelihood_recipient(kind, household, r.opt_int(3)) {
            t.add_distinct(node, "livelihood_recipients", who.clone(), || {
                ev("supports", &who, 1, scope, node)
            });
        }
    }
    Ok(())
}
