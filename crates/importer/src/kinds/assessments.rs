//! `assessments`: a household's yearly poverty assessment, classified by the standard in
//! force on its date (the province's own when it has one).

use crate::refusal::Refusal;
use super::{household_refs, to_value, Ctx, Fields, Kind, Spec};
use crate::report::RowError;
use crate::rules::{col, req, Ty};
use domain::poverty::{classify, split_codes, standard_for, Class};
use domain::units::Level;
use store::keyed::{upsert, Counts, KeyedRow};
use store::{Db, StoreError, Value};

pub struct Assessments;

static SPEC: Spec = Spec {
    kind: "assessments",
    label_vi: "Rà soát, đánh giá hộ",
    cols: &[
        req("household_code", Ty::Code),
        req("year", Ty::Year),
        req("kind", Ty::Enum(domain::status::AssessmentKind::ENTRIES)),
        req("assessed_on", Ty::Date),
        col("income_per_capita_vnd", Ty::Money),
        col("deprivations", Ty::Text),
        col(
            "status",
            Ty::Enum(domain::poverty::Class::ENTRIES),
        ),
    ],
    key: &["household_code", "year", "kind"],
};

const HH: usize = 0;
const YEAR: usize = 1;
const KIND: usize = 2;
const ON: usize = 3;
const INCOME: usize = 4;
const DEPRIVATIONS: usize = 5;
const STATUS: usize = 6;

impl Kind for Assessments {
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
        let standards = ctx.standards(db)?;
        let households = household_refs(db, &rows, HH)?;
        let mut keyed = Vec::with_capacity(rows.len());
        for r in &rows {
            let code = r.text(HH).unwrap_or_default();
            let hh = match super::writable_household(&households, ctx, r, &SPEC, HH) {
                Ok(h) => h,
                Err(e) => {
                    errors.push(*e);
                    continue;
                }
            };
            let Some(on) = r.date(ON) else { continue };
            let province = graph
                .find_id(hh.unit_id)
                .and_then(|ix| graph.ancestor_at_level(ix, on, Level::Province))
                .map(|p| graph.version(p).code.clone());
            let Some(std) = standard_for(&standards, on, province.as_deref()) else {
                errors.push(r.error(&SPEC, ON, Refusal::NoStandard { on }));
                continue;
            };
            let deprivations = split_codes(r.text(DEPRIVATIONS).unwrap_or_default());
            let area = hh.area;
            let given = r.text(STATUS).and_then(Class::parse);
            let computed = match r.int(INCOME) {
                Some(income) => match classify(std, income, &deprivations, area) {
                    Ok(c) => Some(c.class),
                    Err(unknown) => {
                        let known = std.indicators.iter().map(|i| i.code.clone()).collect();
                        errors.push(r.error(
                            &SPEC,
                            DEPRIVATIONS,
                            Refusal::DeprivationsUnknown {
                                standard: std.code.clone(),
                                unknown: unknown.0,
                                known,
                            },
                        ));
                        continue;
                    }
                },
                None => {
                    let unknown: Vec<&String> = deprivations
                        .iter()
                        .filter(|c| std.indicator(c).is_none())
                        .collect();
                    if !unknown.is_empty() {
                        errors.push(r.error(
                            &SPEC,
                            DEPRIVATIONS,
                            Refusal::DeprivationsUnknownToStandard {
                                standard: std.code.clone(),
                            },
                        ));
                        continue;
                    }
                    None
                }
            };
            let status = match (given, computed) {
                (Some(g), Some(c)) if g != c => {
                    ctx.warnings.push(r.error(
                        &SPEC,
                        STATUS,
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
                    errors.push(r.error(&SPEC, INCOME, Refusal::IncomeNeeded));
                    continue;
                }
            };
            keyed.push(KeyedRow {
                key: vec![
                    Value::from(code),
                    to_value(r.val(YEAR)),
                    to_value(r.val(KIND)),
                ],
                data: vec![
                    to_value(r.val(ON)),
                    to_value(r.val(INCOME)),
                    Value::from(deprivations.join(";")),
                    Value::from(status.as_str()),
                    Value::Int(given.is_some().into()),
                    Value::from(computed.map(Class::as_str)),
                    Value::from(std.code.as_str()),
                    Value::from(r.extra_json()),
                ],
            });
        }
        if errors.len() > before {
            return Ok(Counts::default());
        }
        upsert(db, &store::households::ASSESSMENTS, &keyed, &ctx.actor)
    }
}
