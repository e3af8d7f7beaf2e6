//! A person's decisions on the 2025 lineage that `units load-vn` could not settle: a
//! guessed link confirmed, or an old unit linked to a new commune by hand. Each decision
//! is checked with the lineage rules (shares, cycles, dates) over the whole lineage,
//! audited, and applied again after every run of the loader.

use super::{Plan, REFORM_DAY};
use crate::refusal::Refusal;
use domain::units::LineageLink;
use store::lineage_review::{self as lr, Decision, Question};
use store::{Db, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The decision breaks a rule of the lineage: nothing was changed.
    #[error("{}", .0.vi())]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Keeps a run's open questions (the names left for a person).
pub fn keep_questions(db: &mut Db, plan: &Plan) -> Result<(), StoreError> {
    let questions: Vec<Question> = plan
        .unmatched
        .iter()
        .map(|u| Question {
            id: 0,
            new_code: u.new_code.clone(),
            new_name: u.new_name.clone(),
            province: u.province.clone(),
            written: u.written.clone(),
            reason: u.reason.clone(),
            note: u.note.clone(),
        })
        .collect();
    db.transaction(|tx| lr::replace_questions(tx, &questions))
}

/// Takes a person's decisions into a run's lineage before it is imported: the guesses of
/// an old unit she linked by hand give way to her links, the guesses she confirmed are
/// marked so. The run then writes what she decided, and nothing undoes it.
pub fn adjust(plan: &mut Plan, decisions: &[Decision]) {
    let Some(lineage) = plan.tables.iter_mut().find(|t| t.kind == "unit_lineage") else {
        return;
    };
    let text = |r: &crate::source::RawRow, i: usize| {
        r.cells.get(i).map(|c| c.text.clone()).unwrap_or_default()
    };
    let linked: std::collections::HashSet<&str> = decisions
        .iter()
        .filter(|d| d.action == lr::BY_PERSON)
        .map(|d| d.from_code.as_str())
        .collect();
    let decided: std::collections::HashSet<(&str, &str)> = decisions
        .iter()
        .map(|d| (d.from_code.as_str(), d.to_code.as_str()))
        .collect();
    lineage.rows.retain(|r| {
        let (from, to, method) = (text(r, 0), text(r, 1), text(r, 4));
        let replaced = method == lr::GUESSED && linked.contains(from.as_str());
        !replaced && !decided.contains(&(from.as_str(), to.as_str()))
    });
    let next = lineage.rows.iter().map(|r| r.line).max().unwrap_or(1);
    for (i, d) in decisions.iter().enumerate() {
        lineage.rows.push(crate::source::RawRow {
            line: next + 1 + i,
            cells: [
                d.from_code.clone(),
                d.to_code.clone(),
                REFORM_DAY.to_owned(),
                super::format_share(d.share),
                d.action.clone(),
            ]
            .into_iter()
            .map(crate::source::Cell::text)
            .collect(),
        });
    }
}

/// Applies every stored decision again (after a run of the loader rewrote the lineage).
pub fn reapply(db: &mut Db) -> Result<usize, StoreError> {
    db.transaction(|tx| {
        let all = lr::decisions(tx)?;
        for d in &all {
            lr::apply(tx, d, REFORM_DAY)?;
        }
        Ok(all.len())
    })
}

/// Takes a decision: recorded, applied, checked over the whole lineage and audited, in
/// one transaction; a decision that breaks a rule changes nothing.
pub fn decide(db: &mut Db, d: &Decision) -> Result<(), ReviewError> {
    db.transaction(|tx| {
        lr::record(tx, d)?;
        lr::apply(tx, d, REFORM_DAY)?;
        let graph = store::units::load_graph(tx)?;
        let links = store::units::load_lineage(tx)?;
        let ours = |l: &LineageLink| l.from_code == d.from_code && l.to_code == d.to_code;
        let mine = links.iter().find(|l| ours(l)).cloned();
        let Some(link) = mine else {
            return Err(ReviewError::Refused(Refusal::NothingToDelete));
        };
        let problem = domain::units::check_link(&graph, &link).or_else(|| {
            domain::units::check_links(&graph, &links)
                .into_iter()
                .find(|(i, _)| links[*i].from_code == d.from_code)
                .map(|(_, p)| p)
        });
        if let Some(p) = problem {
            return Err(ReviewError::Refused(
                crate::kinds::lineage::message(&p, &link).1,
            ));
        }
        store::audit::record(
            tx,
            &store::audit::Entry {
                actor: &d.decided_by,
                action: &d.action,
                entity: "unit_lineage",
                key: &serde_json::json!({"from_code": d.from_code, "to_code": d.to_code})
                    .to_string(),
                old: None,
                new: Some(
                    &serde_json::json!({"share": d.share, "resolves": d.resolves}).to_string(),
                ),
                reason: None,
            },
        )?;
        Ok(())
    })
}
