//! The programme ledger's indicators: supports, activities, micro-insurance (flows);
//! cooperatives, clubs, savings groups and entrusted balances (stocks on `to`); targets.

use crate::scope::Scope;
use crate::tally::{Evidence, Tally};
use crate::Reading;
use domain::contributions;
use domain::indicators::Indicator as I;
use domain::units::VersionIx;
use std::collections::HashMap;
use store::{records, Db, StoreError};

fn ev(source: &'static str, record: &str, amount: i64, scope: &Scope, node: VersionIx) -> Evidence {
    Evidence {
        record: record.to_owned(),
        source,
        amount,
        unit_code: scope.graph.version(node).code.clone(),
    }
}

/// Adds a record's contributions (`parts`) to the node of its unit, each with the record
/// as evidence; a record whose unit reaches no node is counted as unmapped. Returns the
/// node.
fn credit(
    t: &mut Tally,
    scope: &Scope,
    (source, record): (&'static str, &str),
    unit_id: i64,
    parts: impl IntoIterator<Item = (I, i64)>,
) -> Option<VersionIx> {
    let node = t.node(scope, unit_id, source)?;
    for (code, v) in parts {
        t.add(node, code, v, || ev(source, record, v, scope, node));
    }
    Some(node)
}

/// Supports, activities and micro-insurance of the period (what the aggregates also hold).
pub fn flows(db: &mut Db, r: Reading<'_>, t: &mut Tally) -> Result<(), StoreError> {
    let rows = supports_of(db, r)?;
    flows_with(db, r, &rows, t)
}

/// [`flows`], the period's supports (`supports_of`) read already.
pub(crate) fn flows_with(
    db: &mut Db,
    r: Reading<'_>,
    supports: &[records::Support],
    t: &mut Tally,
) -> Result<(), StoreError> {
    let Reading {
        scope, from, to, ..
    } = r;
    credit_supports(db, r, supports, t)?;
    let units = scope.units(&[]);
    for a in records::dated::<records::Activity>(db, &units, from, to)? {
        let parts = contributions::activity(a.kind, a.sessions, a.participants);
        credit(t, scope, ("activities", &a.record_id), a.unit_id, parts);
    }
    for m in records::dated::<records::Microinsurance>(db, &units, from, to)? {
        let parts = contributions::microinsurance(m.kind, m.count, m.amount_vnd);
        credit(t, scope, ("microinsurance", &m.record_id), m.unit_id, parts);
    }
    Ok(())
}

/// Cooperatives, clubs, savings groups and entrusted balances as they stand on `to`;
/// targets of the period's year.
pub fn stocks(db: &mut Db, r: Reading<'_>, t: &mut Tally) -> Result<(), StoreError> {
    let Reading {
        scope, from, to, ..
    } = r;
    let units = scope.units(&[]);
    for c in records::cooperatives(db, &units, to)? {
        let mut parts = Vec::new();
        if c.established_on >= from && c.union_supported {
            parts.push((I::CoopsNew, 1));
        }
        if c.dissolved_on.is_none_or(|d| d > to) {
            parts.push((I::CoopsActive, 1));
            parts.push((I::CoopsFemaleMembers, c.female_members));
            parts.push((I::CoopsFemaleWorkers, c.female_workers));
        }
        credit(t, scope, ("cooperatives", &c.code), c.unit_id, parts);
    }

    for c in records::startup_clubs(db, &units, to)? {
        let alive = c.dissolved_on.is_none_or(|d| d > to);
        let parts = alive.then_some((I::StartupClubsActive, 1));
        credit(t, scope, ("clubs", &c.code), c.unit_id, parts);
    }

    // Savings groups: each group's latest row on or before `to`; clients = 0 is closed.
    for g in records::savings_groups(db, &units, to)? {
        let parts = [
            (I::VbspGroups, 1),
            (I::VbspClients, g.clients),
            (I::VbspOutstandingVnd, g.outstanding_vnd),
            (I::VbspOverdueVnd, g.overdue_vnd),
        ];
        let open = (g.clients != 0).then_some(parts).into_iter().flatten();
        credit(t, scope, ("savings_groups", &g.group_code), g.unit_id, open);
    }

    // Entrusted totals: units that still exist on `to`, each one's latest row.
    let mut entrusted: HashMap<String, records::Entrusted> = HashMap::new();
    for e in records::entrusted_totals(db, &units, to)? {
        let alive = scope
            .version_of_id(e.unit_id)
            .is_some_and(|ix| scope.graph.version(ix).valid_on(to));
        if alive
            && entrusted
                .get(&e.unit_code)
                .is_none_or(|old| old.as_of < e.as_of)
        {
            entrusted.insert(e.unit_code.clone(), e);
        }
    }
    for (unit, e) in &entrusted {
        if let Some(node) = t.node(scope, e.unit_id, "entrusted_totals") {
            *t.entrusted.entry(node).or_insert(0) += e.outstanding_vnd;
            if t.wants(I::VbspSharePct) {
                t.evidence.push((
                    node,
                    ev("entrusted_totals", unit, e.outstanding_vnd, scope, node),
                ));
            }
        }
    }

    // Targets of the period's year (a period across years has none).
    if from.year() == to.year() {
        for target in records::targets(db, &units, from.year())? {
            let (Some(node), Some(def)) = (
                scope.place(target.unit_id),
                domain::indicators::find(&target.indicator),
            ) else {
                continue;
            };
            let kept = if scope.falls(target.unit_id) {
                &mut t.fallen_targets
            } else {
                &mut t.targets
            };
            *kept.entry((node, def.indicator)).or_insert(0) += target.value;
        }
    }
    Ok(())
}

/// The supports of the period; with `r.only`, those given to one of these households.
pub fn supports(db: &mut Db, r: Reading<'_>, t: &mut Tally) -> Result<(), StoreError> {
    let rows = supports_of(db, r)?;
    credit_supports(db, r, &rows, t)
}

/// The supports [`supports`] counts, as stored.
pub(crate) fn supports_of(
    db: &mut Db,
    r: Reading<'_>,
) -> Result<Vec<records::Support>, StoreError> {
    let Reading {
        scope,
        from,
        to,
        only,
    } = r;
    let units = scope.units(scope.split_ids());
    let mut rows: Vec<records::Support> = match only {
        // A few households' supports are read by their codes, the rest by their units.
        Some(set) if set.len() <= crate::FEW_HOUSEHOLDS => {
            let codes: Vec<String> = set.iter().cloned().collect();
            records::dated_of_households(db, &codes, from, to)?
        }
        _ => records::dated(db, &units, from, to)?,
    };
    if let Some(set) = only {
        rows.retain(|s| {
            crate::holds(&units, s.unit_id)
                && s.household_code.as_ref().is_some_and(|h| set.contains(h))
        });
    }
    Ok(rows)
}

/// Adds supports `rows` (read by [`supports_of`]) to `t`.
fn credit_supports(
    db: &mut Db,
    r: Reading<'_>,
    rows: &[records::Support],
    t: &mut Tally,
) -> Result<(), StoreError> {
    let scope = r.scope;
    let split = scope.split_ids();
    let is_split = |id: &i64| split.binary_search(id).is_ok(); // sorted
                                                               // A support given by a unit that was split follows its household's unit.
    let follow: Vec<String> = rows
        .iter()
        .filter(|s| is_split(&s.unit_id))
        .filter_map(|s| s.household_code.clone())
        .collect();
    let household_units = records::household_units(db, &follow)?;
    for s in rows {
        let household = s.household_code.as_deref();
        let unit_id = match household {
            Some(h) if is_split(&s.unit_id) => household_units.get(h).copied().unwrap_or(s.unit_id),
            _ => s.unit_id,
        };
        let parts = contributions::support(s.kind, s.quantity, s.value_vnd);
        let Some(node) = credit(t, scope, ("supports", &s.record_id), unit_id, parts) else {
            continue;
        };
        if let Some(who) = contributions::livelihood_recipient(s.kind, household, s.member_no) {
            t.add_distinct(node, I::LivelihoodRecipients, who.clone(), || {
                ev("supports", &who, 1, scope, node)
            });
        }
    }
    Ok(())
}
