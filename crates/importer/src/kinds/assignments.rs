//! `assignments`: a chapter takes on helping a household in a year.

use super::{cell_of, household_refs, keyed_row, unit_on, Batch};
use store::keyed::Counts;
use store::{StoreError, Value};

/// The rules of the kind, applied to one batch of its rows.
pub(super) fn apply(mut batch: Batch<'_>) -> Result<Counts, StoreError> {
    let graph = batch.ctx.graph(batch.db)?;
    let households = household_refs(batch.db, &batch.rows, "household_code")?;
    let table = &store::households::ASSIGNMENTS;
    batch.check_and_write(table, |r, ctx| {
        super::writable_household(&households, ctx, r, "household_code").map_err(|e| vec![*e])?;
        let (Some(code), Some(on)) = (r.text("unit_code"), r.date("assigned_on")) else {
            return Err(Vec::new());
        };
        let unit = unit_on(&graph, code, on)
            .and_then(|ix| ctx.writable(&graph, ix))
            .map_err(|refusal| vec![r.error("unit_code", refusal)])?;
        Ok(keyed_row(table, r, |col| match col {
            "unit_id" => Some(Value::from(unit)),
            _ => cell_of(r, col),
        }))
    })
}
