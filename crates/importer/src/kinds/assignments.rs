//! `assignments`: a chapter takes on helping a household in a year.

use super::{
    cell_of, check_and_write, household_refs, keyed_row, no_household, unit_on, Batch, Kind, Spec,
};
use domain::contract;
use store::keyed::Counts;
use store::{StoreError, Value};

pub struct Assignments;

impl Kind for Assignments {
    fn spec(&self) -> &'static Spec {
        &contract::ASSIGNMENTS
    }

    fn apply(&self, b: Batch<'_>) -> Result<Counts, StoreError> {
        let Batch {
            db,
            rows,
            ctx,
            errors,
        } = b;
        let graph = ctx.graph(db)?;
        let households = household_refs(db, &rows, "household_code")?;
        let table = &store::households::ASSIGNMENTS;
        check_and_write(db, table, &rows, &ctx.actor.clone(), errors, |r| {
            let hh = r.text("household_code").unwrap_or_default();
            if !households.contains_key(hh) {
                return Err(vec![r.error("household_code", no_household(hh))]);
            }
            let (Some(code), Some(on)) = (r.text("unit_code"), r.date("assigned_on")) else {
                return Err(Vec::new());
            };
            let unit = unit_on(&graph, code, on)
                .and_then(|ix| ctx.writable(&graph, ix))
                .map_err(|refusal| vec![r.error("unit_code", refusal)])?;
            Ok(keyed_row(table, r, |col| match col {
                "unit_id" => Some(Value::Int(unit)),
                _ => cell_of(r, col),
            }))
        })
    }
}
