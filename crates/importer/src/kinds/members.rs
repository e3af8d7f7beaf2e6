//! `members`: the women (and others) of a household, with citizen ID and phone.

use crate::refusal::Refusal;
use super::{household_refs, to_value, Ctx, Fields, Kind, Spec};
use crate::report::RowError;
use crate::rules::{col, req, Ty};
use domain::text::fold;
use domain::vocab::Gender;
use std::collections::HashMap;
use store::keyed::{upsert, Counts, KeyedRow};
use store::{Db, StoreError, Value};

pub struct Members;

static SPEC: Spec = Spec {
    kind: "members",
    label_vi: "Thành viên hộ",
    cols: &[
        req("household_code", Ty::Code),
        req("member_no", Ty::Count),
        req("full_name", Ty::Text),
        req("gender", Ty::Enum(Gender::ENTRIES)),
        col("birth_year", Ty::Year),
        col("citizen_id", Ty::CitizenId),
        col("union_member", Ty::Bool),
        col("phone", Ty::Phone),
    ],
    key: &["household_code", "member_no"],
};

const HH: usize = 0;
const NO: usize = 1;
const NAME: usize = 2;
const GENDER: usize = 3;
const BIRTH: usize = 4;
const CID: usize = 5;
const UNION: usize = 6;
const PHONE: usize = 7;

impl Kind for Members {
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
        let households = household_refs(db, &rows, HH)?;
        // Citizen IDs are unique across all members: within the file, and against the
        // stored members other than the row's own.
        let mut in_file: HashMap<&str, &Fields> = HashMap::new();
        let ids: Vec<&str> = rows.iter().filter_map(|r| r.text(CID)).collect();
        let stored: HashMap<String, (String, i64)> =
            store::households::citizen_id_owners(db, &ids)?
                .into_iter()
                .map(|(id, hh, no)| (id, (hh, no)))
                .collect();
        let mut keyed = Vec::with_capacity(rows.len());
        for r in &rows {
            let hh = r.text(HH).unwrap_or_default();
            if let Err(e) = super::writable_household(&households, ctx, r, &SPEC, HH) {
                errors.push(*e);
                continue;
            }
            let no = r.int(NO).unwrap_or(0);
            if no < 1 {
                errors.push(r.error(&SPEC, NO, Refusal::MemberNoZero));
                continue;
            }
            if let Some(id) = r.text(CID) {
                if let Some(first) = in_file.insert(id, r) {
                    errors.push(r.error(
                        &SPEC,
                        CID,
                        Refusal::CitizenIdRepeated {
                            source: first.source.to_string(),
                            line: first.line,
                        },
                    ));
                    continue;
                }
                if let Some((ohh, ono)) = stored.get(id) {
                    if (ohh.as_str(), *ono) != (hh, no) {
                        errors.push(r.error(
                            &SPEC,
                            CID,
                            Refusal::CitizenIdTaken {
                                member_no: *ono,
                                household: ohh.clone(),
                            },
                        ));
                        continue;
                    }
                }
            }
            let name = r.text(NAME).unwrap_or_default();
            keyed.push(KeyedRow {
                key: vec![Value::from(hh), Value::Int(no)],
                data: vec![
                    Value::from(name),
                    Value::from(fold(name)),
                    to_value(r.val(GENDER)),
                    to_value(r.val(BIRTH)),
                    to_value(r.val(CID)),
                    to_value(r.val(UNION)),
                    to_value(r.val(PHONE)),
                    Value::from(r.extra_json()),
                ],
            });
        }
        if errors.len() > before {
            return Ok(Counts::default());
        }
        upsert(db, &store::households::MEMBERS, &keyed, &ctx.actor)
    }
}
