//! `assessments`: a household's yearly poverty assessment, classified by the standard in
//! force on its date (the province's own when it has one).

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
                errors.push(r.error(
                    &SPEC,
                    ON,
                    format!("không có chuẩn nghèo nào có hiệu lực ngày {}", on.dmy()),
                    format!("no poverty standard is in force on {on}"),
                ));
                continue;
            };
            let deprivations = split_codes(r.text(DEPRIVATIONS).unwrap_or_default());
            let area = hh.area;
            let given = r.text(STATUS).and_then(Class::parse);
            let computed = match r.int(INCOME) {
                Some(income) => match classify(std, income, &deprivations, area) {
                    Ok(c) => Some(c.class),
                    Err(unknown) => {
                        let known: Vec<&str> =
                            std.indicators.iter().map(|i| i.code.as_str()).collect();
                        errors.push(r.error(
                            &SPEC,
                            DEPRIVATIONS,
                            format!(
                                "chỉ số thiếu hụt không có trong chuẩn {}: {} (các chỉ số: {})",
                                std.code,
                                unknown.0.join(", "),
                                known.join(", ")
                            ),
                            format!(
                                "deprivation codes unknown to standard {}: {}",
                                std.code,
                                unknown.0.join(", ")
                            ),
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
                            format!("chỉ số thiếu hụt không có trong chuẩn {}", std.code),
                            format!("deprivation codes unknown to standard {}", std.code),
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
                        format!(
                            "đã ghi {} nhưng theo chuẩn {} là {}: giữ kết quả đã ghi",
                            g.label_vi(),
                            std.code,
                            c.label_vi()
                        ),
                        format!(
                            "given {} but the standard gives {}: the given status is kept",
                            g.as_str(),
                            c.as_str()
                        ),
                    ));
                    g
                }
                (Some(g), _) => g,
                (None, Some(c)) => c,
                (None, None) => {
                    errors.push(r.error(
                        &SPEC,
                        INCOME,
                        "cần thu nhập bình quân để tính phân loại khi không ghi status",
                        "income is needed to compute the class when status is empty",
                    ));
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
