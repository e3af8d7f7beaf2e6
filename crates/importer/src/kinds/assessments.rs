//! `assessments`: a household's yearly poverty assessment, classified by the standard in
//! force on its date (the province's own when it has one).

use super::{cell_of, household_refs, keyed_row, Batch};
use crate::refusal::Refusal;
use domain::poverty::{classify, split_codes, standard_for, Class};
use domain::units::Level;
use store::keyed::Counts;
use store::{StoreError, Value};

/// The rules of the kind, applied to one batch of its rows.
pub(super) fn apply(mut batch: Batch<'_>) -> Result<Counts, StoreError> {
    let graph = batch.ctx.graph(batch.db)?;
    let standards = batch.ctx.standards(batch.db)?;
    let households = household_refs(batch.db, &batch.rows, "household_code")?;
    let table = &store::households::ASSESSMENTS;
    let mut warnings = Vec::new();
    let counts = batch.check_and_write(table, |r, ctx| {
        let hh = super::writable_household(&households, ctx, r, "household_code")
            .map_err(|e| vec![*e])?;
        let Some(on) = r.date("assessed_on") else {
            return Err(Vec::new());
        };
        let province = graph
            .find_id(hh.unit_id)
            .and_then(|ix| graph.ancestor_at_level(ix, on, Level::Province))
            .map(|p| graph.version(p).code.clone());
        let Some(std) = standard_for(&standards, on, province.as_deref()) else {
            return Err(vec![r.error("assessed_on", Refusal::NoStandard { on })]);
        };
        let deprivations = split_codes(r.text("deprivations").unwrap_or_default());
        let given = r.text("status").and_then(Class::parse);
        let computed = match r.money("income_per_capita_vnd").map(|v| v.0) {
            Some(income) => match classify(std, income, &deprivations, hh.area) {
                Ok(c) => Some(c.class),
                Err(unknown) => {
                    let known = std.indicators.iter().map(|i| i.code.clone()).collect();
                    return Err(vec![r.error(
                        "deprivations",
                        Refusal::DeprivationsUnknown {
                            standard: std.code.clone(),
                            unknown: unknown.0,
                            known,
                        },
                    )]);
                }
            },
            None if deprivations.iter().any(|c| std.indicator(c).is_none()) => {
                return Err(vec![r.error(
                    "deprivations",
                    Refusal::DeprivationsUnknownToStandard {
                        standard: std.code.clone(),
                    },
                )]);
            }
            None => None,
        };
        let status = match (given, computed) {
            (Some(g), Some(c)) if g != c => {
                warnings.push(r.error(
                    "status",
                    Refusal::StatusDiffers {
                        given: g,
                        standard: std.code.clone(),
                        computed: c,
                    },
                ));
                g
            }
            (Some(g), _) => g,
            (None, Some(c)) => c,
            (None, None) => {
                return Err(vec![r.error("income_per_capita_vnd", Refusal::IncomeNeeded)]);
            }
        };
        Ok(keyed_row(table, r, |col| match col {
            "deprivations" => Some(Value::from(deprivations.join(";"))),
            "status" => Some(Value::from(status.as_str())),
            "status_given" => Some(Value::Int(given.is_some().into())),
            "computed_status" => Some(Value::from(computed.map(Class::as_str))),
            "standard_code" => Some(Value::from(std.code.as_str())),
            _ => cell_of(r, col),
        }))
    })?;
    batch.ctx.warnings.extend(warnings);
    Ok(counts)
}
