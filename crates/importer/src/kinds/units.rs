//! `units`: versions of union units (code, name, level, parent, validity).

use super::{cell_of, keyed_row, Batch, Fields};
use crate::refusal::Refusal;
use domain::units::{check_versions, Level, UnitGraph, UnitProblem, UnitVersion};
use domain::Date;
use std::collections::HashMap;
use store::keyed::{Counts, KeyedRow};
use store::{StoreError, Value};

fn version_of(r: &Fields, id: i64) -> UnitVersion {
    UnitVersion {
        id: domain::units::VersionId(id),
        code: r.text("code").unwrap_or_default().to_owned(),
        name: r.text("name").unwrap_or_default().to_owned(),
        level: r
            .text("level")
            .and_then(Level::parse)
            .unwrap_or(Level::Branch),
        parent_code: r.text("parent_code").map(str::to_owned),
        valid_from: r.date("valid_from").unwrap_or(Date::MIN),
        valid_to: r.date("valid_to").unwrap_or(Date::MAX),
    }
}

/// The rules of the kind, applied to one batch of its rows.
pub(super) fn apply(mut batch: Batch<'_>) -> Result<Counts, StoreError> {
    let before = batch.errors.len();
    if !batch.units_may_change("code") {
        return Ok(Counts::default());
    }
    let mut bad = vec![false; batch.rows.len()];
    for (i, r) in batch.rows.iter().enumerate() {
        let v = version_of(r, 0);
        if v.valid_from > v.valid_to {
            bad[i] = true;
            batch
                .errors
                .push(r.error("valid_to", Refusal::UnitEndsBeforeStart));
        }
        if v.parent_code.as_deref() == Some(v.code.as_str()) {
            bad[i] = true;
            batch
                .errors
                .push(r.error("parent_code", Refusal::OwnParent));
        }
    }
    // The units as they will stand: stored versions, replaced or joined by the file's
    // (file batch.rows get negative ids so that problems can be traced back to their row).
    let mut merged: HashMap<(String, Date), UnitVersion> = HashMap::new();
    for v in store::units::load_versions(batch.db)? {
        merged.insert((v.code.clone(), v.valid_from), v);
    }
    for (i, r) in batch.rows.iter().enumerate() {
        if !bad[i] {
            let v = version_of(r, -(i as i64) - 1);
            merged.insert((v.code.clone(), v.valid_from), v);
        }
    }
    let graph = UnitGraph::new(
        merged.into_values().collect(),
        store::units::load_lineage(batch.db)?,
    );
    let row_of = |ix: usize| {
        let id = graph.version(ix).id.0;
        (id < 0).then(|| (-id - 1) as usize)
    };
    for p in check_versions(&graph) {
        match p {
            UnitProblem::Overlap { a, b, code } => {
                for (me, other) in [(a, b), (b, a)] {
                    if let Some(i) = row_of(me) {
                        let o = graph.version(other);
                        batch.errors.push(batch.rows[i].error(
                            "valid_from",
                            Refusal::ValidityOverlaps {
                                code: code.clone(),
                                from: o.valid_from,
                                to: o.valid_to,
                            },
                        ));
                    }
                }
            }
            UnitProblem::ParentMissing { ix } => {
                if let Some(i) = row_of(ix) {
                    let v = graph.version(ix);
                    let parent = v.parent_code.clone().unwrap_or_default();
                    let zero_hint = zero_hint(&graph, &parent, v.valid_from);
                    batch.errors.push(batch.rows[i].error(
                        "parent_code",
                        Refusal::ParentMissing {
                            parent,
                            on: v.valid_from,
                            zero_hint,
                        },
                    ));
                }
            }
            UnitProblem::ParentLevel { ix, parent } => {
                if let Some(i) = row_of(ix) {
                    let (v, p) = (graph.version(ix), graph.version(parent));
                    batch.errors.push(batch.rows[i].error(
                        "parent_code",
                        Refusal::ParentNotAbove {
                            parent: p.code.clone(),
                            parent_level: p.level,
                            code: v.code.clone(),
                            level: v.level,
                        },
                    ));
                }
            }
        }
    }
    if batch.errors.len() > before {
        return Ok(Counts::default());
    }
    let keyed: Vec<KeyedRow> = batch
        .rows
        .iter()
        .map(|r| {
            let v = version_of(r, 0);
            keyed_row(&store::units::UNITS, r, |col| match col {
                // Open ends are stored as the far dates (every range test is a text
                // comparison).
                "valid_from" => Some(Value::from(v.valid_from)),
                "valid_to" => Some(Value::from(v.valid_to)),
                _ => cell_of(r, col),
            })
        })
        .collect();
    super::write_tree(&mut batch, &store::units::UNITS, &keyed)
}

/// "Did Excel eat a leading zero?": the code that exists once zeros are put back.
pub fn zero_hint(graph: &UnitGraph, code: &str, on: Date) -> Option<String> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (1..=3)
        .map(|pad| format!("{}{code}", "0".repeat(pad)))
        .find(|padded| graph.version_on(padded, on).is_some())
}
