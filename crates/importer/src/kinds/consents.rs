//! `consents`: a member's consent to the processing of her personal data, and its
//! withdrawal.

use super::{cell_of, household_refs, keyed_row, Batch};
use crate::refusal::Refusal;
use std::collections::HashSet;
use store::keyed::Counts;
use store::{StoreError, Value};

/// The rules of the kind, applied to one batch of its rows: the member exists in a
/// household she may write, and a withdrawal comes after the consent.
pub(super) fn apply(mut batch: Batch<'_>) -> Result<Counts, StoreError> {
    let households = household_refs(batch.db, &batch.rows, "household_code")?;
    let codes: Vec<&str> = households.keys().map(String::as_str).collect();
    let members: HashSet<(String, i64)> = store::households::member_numbers(batch.db, &codes)?
        .into_iter()
        .map(|m| (m.household_code, m.member_no))
        .collect();
    let table = &store::households::CONSENTS;
    batch.check_and_write(table, |r, ctx| {
        let hh = r.text("household_code").unwrap_or_default();
        super::writable_household(&households, ctx, r, "household_code").map_err(|e| vec![*e])?;
        let no = r.int("member_no").unwrap_or(0);
        if !members.contains(&(hh.to_owned(), no)) {
            return Err(vec![r.error(
                "member_no",
                Refusal::NoMember {
                    household: hh.to_owned(),
                    member_no: no,
                },
            )]);
        }
        if let (Some(given), Some(withdrawn)) = (r.date("given_on"), r.date("withdrawn_on")) {
            if withdrawn < given {
                return Err(vec![
                    r.error("withdrawn_on", Refusal::WithdrawnBeforeGiven { given })
                ]);
            }
        }
        Ok(keyed_row(table, r, |col| match col {
            "record_keeping" | "sharing" | "photos" => {
                Some(Value::Int(r.bool(col).unwrap_or(false).into()))
            }
            _ => cell_of(r, col),
        }))
    })
}
