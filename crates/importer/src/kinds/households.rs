//! `households`: a household, the unit (chapter) it belongs to, and its head.

use crate::refusal::Refusal;
use domain::vocab::{Area, Gender};
use super::{to_value, unit_on, Ctx, Fields, Kind, Spec};
use crate::report::RowError;
use crate::rules::{col, req, Ty};
use domain::text::fold;
use store::keyed::{upsert, Counts, KeyedRow};
use store::{Db, StoreError, Value};

pub struct Households;

static SPEC: Spec = Spec {
    kind: "households",
    label_vi: "Hộ gia đình",
    cols: &[
        req("household_code", Ty::Code),
        req("unit_code", Ty::Code),
        req("registered_on", Ty::Date),
        req("head_name", Ty::Text),
        req("head_gender", Ty::Enum(Gender::ENTRIES)),
        req("area", Ty::Enum(Area::ENTRIES)),
        col("ethnic_minority", Ty::Bool),
        req("size", Ty::Count),
    ],
    key: &["household_code"],
};

const CODE: usize = 0;
const UNIT: usize = 1;
const REGISTERED: usize = 2;
const HEAD: usize = 3;
const GENDER: usize = 4;
const AREA: usize = 5;
const ETHNIC: usize = 6;
const SIZE: usize = 7;

impl Kind for Households {
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
        let graph = ctx.graph(db)?;
        let before = errors.len();
        let mut keyed = Vec::with_capacity(rows.len());
        for r in &rows {
            let (Some(code), Some(date)) = (r.text(UNIT), r.date(REGISTERED)) else {
                continue;
            };
            let unit = match unit_on(&graph, code, date).and_then(|ix| ctx.writable(&graph, ix)) {
                Ok(id) => id,
                Err(refusal) => {
                    errors.push(r.error(&SPEC, UNIT, refusal));
                    continue;
                }
            };
            if r.int(SIZE) == Some(0) {
                errors.push(r.error(&SPEC, SIZE, Refusal::HouseholdSizeZero));
                continue;
            }
            let head = r.text(HEAD).unwrap_or_default();
            keyed.push(KeyedRow {
                key: vec![to_value(r.val(CODE))],
                data: vec![
                    to_value(r.val(UNIT)),
                    Value::Int(unit),
                    to_value(r.val(REGISTERED)),
                    Value::from(head),
                    Value::from(fold(head)),
                    to_value(r.val(GENDER)),
                    to_value(r.val(AREA)),
                    Value::Int(r.bool(ETHNIC).unwrap_or(false).into()),
                    to_value(r.val(SIZE)),
                    Value::from(r.extra_json()),
                ],
            });
        }
        if errors.len() > before {
            return Ok(Counts::default());
        }
        upsert(db, &store::households::HOUSEHOLDS, &keyed, &ctx.actor)
    }
}
