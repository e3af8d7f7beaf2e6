//! `unit_lineage`: where an ended unit's records went (merges, splits with shares).

use super::{cell_of, keyed_row, Batch, Fields};
use crate::refusal::Refusal;
use domain::units::{check_link, check_links, LineageLink, LineageProblem};
use store::keyed::{Counts, KeyedRow};
use store::{StoreError, Value};

fn link_of(r: &Fields) -> LineageLink {
    LineageLink {
        from_code: r.text("from_code").unwrap_or_default().to_owned(),
        to_code: r.text("to_code").unwrap_or_default().to_owned(),
        effective: r.date("effective_date").unwrap_or(domain::Date::MIN),
        share: r.real("share").unwrap_or(1.0),
    }
}

/// The column a lineage problem belongs to, and the refusal.
pub(crate) fn message(p: &LineageProblem, l: &LineageLink) -> (&'static str, Refusal) {
    let (day, day_before) = (l.effective, l.effective.pred());
    match p {
        LineageProblem::SelfLink => ("to_code", Refusal::LineageSelf),
        LineageProblem::ShareOutOfRange => ("share", Refusal::LineageShare),
        LineageProblem::FromMissing => (
            "from_code",
            Refusal::LineageFromMissing {
                code: l.from_code.clone(),
                day_before,
            },
        ),
        LineageProblem::FromNotEnded => (
            "effective_date",
            Refusal::LineageFromNotEnded {
                code: l.from_code.clone(),
                day_before,
            },
        ),
        LineageProblem::ToMissing => (
            "to_code",
            Refusal::LineageToMissing {
                code: l.to_code.clone(),
                on: day,
            },
        ),
        LineageProblem::SharesOverOne => (
            "share",
            Refusal::LineageSharesOverOne {
                code: l.from_code.clone(),
                on: day,
            },
        ),
        LineageProblem::Cycle(codes) => (
            "to_code",
            Refusal::LineageCycle {
                path: codes.clone(),
                back_to: l.from_code.clone(),
            },
        ),
    }
}

/// The rules of the kind, applied to one batch of its rows.
pub(super) fn apply(mut batch: Batch<'_>) -> Result<Counts, StoreError> {
    let before = batch.errors.len();
    if !batch.units_may_change("from_code") {
        return Ok(Counts::default());
    }
    let graph = store::units::load_graph(batch.db)?;
    let links: Vec<LineageLink> = batch.rows.iter().map(link_of).collect();
    // Whole-set checks over the stored links (less those this file replaces) and the file's.
    let mut all = links.clone();
    let key = |l: &LineageLink| (l.from_code.clone(), l.to_code.clone(), l.effective);
    let replaced: std::collections::HashSet<_> = links.iter().map(key).collect();
    all.extend(
        store::units::load_lineage(batch.db)?
            .into_iter()
            .filter(|l| !replaced.contains(&key(l))),
    );
    let mut in_cycle = vec![false; batch.rows.len()];
    for (i, p) in check_links(&graph, &all) {
        if i < batch.rows.len() {
            in_cycle[i] |= matches!(p, LineageProblem::Cycle(_));
            let (c, refusal) = message(&p, &links[i]);
            batch.errors.push(batch.rows[i].error(c, refusal));
        }
    }
    // A link in a cycle breaks the per-link rules too; its cycle is the clearer message.
    for ((r, l), cyc) in batch.rows.iter().zip(&links).zip(in_cycle) {
        if let Some(p) = check_link(&graph, l).filter(|_| !cyc) {
            let (c, refusal) = message(&p, l);
            batch.errors.push(r.error(c, refusal));
        }
    }
    if batch.errors.len() > before {
        return Ok(Counts::default());
    }
    let keyed: Vec<KeyedRow> = batch
        .rows
        .iter()
        .zip(&links)
        .map(|(r, l)| {
            keyed_row(&store::units::LINEAGE, r, |col| match col {
                // An empty share is the whole unit.
                "share" => Some(Value::Real(l.share)),
                _ => cell_of(r, col),
            })
        })
        .collect();
    super::write_tree(&mut batch, &store::units::LINEAGE, &keyed)
}
