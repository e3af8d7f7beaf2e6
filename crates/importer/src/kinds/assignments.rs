//! `assignments`: a chapter takes on helping a household in a year.

use super::{household_refs, no_household, to_value, unit_on, Ctx, Fields, Kind, Spec};
use crate::report::RowError;
use crate::rules::{req, Ty};
use store::keyed::{upsert, Counts, KeyedRow};
use store::{Db, StoreError, Value};

pub struct Assignments;

static SPEC: Spec = Spec {
    kind: "assignments",
    label_vi: "Phân công giúp đỡ hộ",
    cols: &[
        req("household_code", Ty::Code),
        req("unit_code", Ty::Code),
        req("year", Ty::Year),
        req("assigned_on", Ty::Date),
    ],
    key: &["household_code", "unit_code", "year"],
};

const HH: usize = 0;
const UNIT: usize = 1;
const YEAR: usize = 2;
const ON: usize = 3;

impl Kind for Assignments {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn apply(
        &self,
        db: &mut Db,
        rows: Vec<Fields>,
        ctx: &mut Ctx,
        errors: &mut Vec<RowError>,
    ) -> Result<Counts, StoreError> {
        let before = errors.len();
        let graph = ctx.graph(db)?;
        let households = household_refs(db, &rows, HH)?;
        let mut keyed = Vec::with_capacity(rows.len());
        for r in &rows {
            let hh = r.text(HH).unwrap_or_default();
            if !households.contains_key(hh) {
                errors.push(r.error(&SPEC, HH, no_household(hh)));
                continue;
            }
            let (Some(code), Some(on)) = (r.text(UNIT), r.date(ON)) else {
                continue;
            };
            let unit = match unit_on(&graph, code, on).and_then(|ix| ctx.writable(&graph, ix)) {
                Ok(id) => id,
                Err(refusal) => {
                    errors.push(r.error(&SPEC, UNIT, refusal));
                    continue;
                }
            };
            keyed.push(KeyedRow {
                key: vec![
                    Value::from(hh),
                    to_value(r.val(UNIT)),
                    to_value(r.val(YEAR)),
                ],
                data: vec![
                    to_value(r.val(ON)),
                    Value::Int(unit),
                    Value::from(r.extra_json()),
                ],
            });
        }
        if errors.len() > before {
            return Ok(Counts::default());
        }
        upsert(db, &store::households::ASSIGNMENTS, &keyed, &ctx.actor)
    }
}
