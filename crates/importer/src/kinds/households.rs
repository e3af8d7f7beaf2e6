//! `households`: a household, the unit (chapter) it belongs to, and its head.

use super::{cell_of, keyed_row, unit_on, Batch};
use crate::refusal::Refusal;
use domain::text::fold;
use store::keyed::Counts;
use store::{StoreError, Value};

/// The rules of the kind, applied to one batch of its rows.
pub(super) fn apply(mut batch: Batch<'_>) -> Result<Counts, StoreError> {
    let graph = batch.ctx.graph(batch.db)?;
    let table = &store::households::HOUSEHOLDS;
    batch.check_and_write(table, |r, ctx| {
        let (Some(code), Some(date)) = (r.text("unit_code"), r.date("registered_on")) else {
            return Err(Vec::new());
        };
        let unit = unit_on(&graph, code, date)
            .and_then(|ix| ctx.writable(&graph, ix))
            .map_err(|refusal| vec![r.error("unit_code", refusal)])?;
        if r.int("size") == Some(0) {
            return Err(vec![r.error("size", Refusal::HouseholdSizeZero)]);
        }
        let head = r.text("head_name").unwrap_or_default();
        Ok(keyed_row(table, r, |col| match col {
            "unit_id" => Some(Value::from(unit)),
            "head_name_folded" => Some(Value::from(fold(head))),
            "ethnic_minority" => Some(Value::Int(r.bool(col).unwrap_or(false).into())),
            _ => cell_of(r, col),
        }))
    })
}
