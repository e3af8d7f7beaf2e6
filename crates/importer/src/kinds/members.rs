//! `members`: the women (and others) of a household, with citizen ID and phone.

use super::{cell_of, household_refs, keyed_row, Batch};
use crate::refusal::Refusal;
use domain::text::fold;
use std::collections::HashMap;
use store::keyed::Counts;
use store::{StoreError, Value};

/// The rules of the kind, applied to one batch of its rows.
pub(super) fn apply(mut batch: Batch<'_>) -> Result<Counts, StoreError> {
    let households = household_refs(batch.db, &batch.rows, "household_code")?;
    // Citizen IDs are unique across all members: within the file, and against the
    // stored members other than the row's own.
    let mut in_file: HashMap<String, (std::sync::Arc<str>, usize)> = HashMap::new();
    let ids: Vec<&str> = batch
        .rows
        .iter()
        .filter_map(|r| {
            r.citizen_id("citizen_id")
                .map(domain::ids::CitizenId::as_str)
        })
        .collect();
    let stored: HashMap<String, store::households::CitizenIdOwner> =
        store::households::citizen_id_owners(batch.db, &ids)?
            .into_iter()
            .map(|o| (o.citizen_id.clone(), o))
            .collect();
    let table = &store::households::MEMBERS;
    batch.check_and_write(table, |r, ctx| {
        let hh = r.text("household_code").unwrap_or_default();
        super::writable_household(&households, ctx, r, "household_code").map_err(|e| vec![*e])?;
        let no = r.int("member_no").unwrap_or(0);
        if no < 1 {
            return Err(vec![r.error("member_no", Refusal::MemberNoZero)]);
        }
        if let Some(id) = r
            .citizen_id("citizen_id")
            .map(domain::ids::CitizenId::as_str)
        {
            if let Some((source, line)) = in_file.insert(id.to_owned(), (r.source.clone(), r.line))
            {
                return Err(vec![r.error(
                    "citizen_id",
                    Refusal::CitizenIdRepeated {
                        source: source.to_string(),
                        line,
                    },
                )]);
            }
            if let Some(owner) = stored.get(id) {
                if (owner.household_code.as_str(), owner.member_no) != (hh, no) {
                    // Named only to someone who may read that household.
                    let refusal = if ctx.may_read(owner.unit_id) {
                        Refusal::CitizenIdTaken {
                            member_no: owner.member_no,
                            household: owner.household_code.clone(),
                        }
                    } else {
                        Refusal::CitizenIdElsewhere
                    };
                    return Err(vec![r.error("citizen_id", refusal)]);
                }
            }
        }
        Ok(keyed_row(table, r, |col| match col {
            "name_folded" => Some(Value::from(fold(r.text("full_name").unwrap_or_default()))),
            _ => cell_of(r, col),
        }))
    })
}
