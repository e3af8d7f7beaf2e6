//! `unit_lineage`: where an ended unit's records went (merges, splits with shares).

use super::{Ctx, Fields, Kind, Spec};
use crate::report::RowError;
use crate::rules::{col, req, Ty};
use domain::units::{check_link, check_links, LineageLink, LineageProblem};
use store::keyed::{upsert, Counts, KeyedRow};
use store::{Db, StoreError, Value};

pub struct Lineage;

static SPEC: Spec = Spec {
    kind: "unit_lineage",
    label_vi: "Kế thừa đơn vị",
    cols: &[
        req("from_code", Ty::Code),
        req("to_code", Ty::Code),
        req("effective_date", Ty::Date),
        col("share", Ty::Share),
    ],
    key: &["from_code", "to_code", "effective_date"],
};

const FROM: usize = 0;
const TO: usize = 1;
const EFFECTIVE: usize = 2;
const SHARE: usize = 3;

fn link_of(r: &Fields) -> LineageLink {
    LineageLink {
        from_code: r.text(FROM).unwrap_or_default().to_owned(),
        to_code: r.text(TO).unwrap_or_default().to_owned(),
        effective: r.date(EFFECTIVE).unwrap_or(domain::Date::MIN),
        share: r.real(SHARE).unwrap_or(1.0),
    }
}

fn message(p: &LineageProblem, l: &LineageLink) -> (usize, String, String) {
    let day = l.effective.dmy();
    let prev = l.effective.pred().dmy();
    match p {
        LineageProblem::SelfLink => (
            TO,
            "đơn vị không thể kế thừa chính nó".into(),
            "a unit cannot succeed itself".into(),
        ),
        LineageProblem::ShareOutOfRange => (
            SHARE,
            "tỷ lệ phải trong khoảng (0, 1]".into(),
            "share must be in (0, 1]".into(),
        ),
        LineageProblem::FromMissing => (
            FROM,
            format!(
                "đơn vị {} không tồn tại vào ngày {prev} (ngày trước ngày hiệu lực)",
                l.from_code
            ),
            format!(
                "{} does not exist on {prev}, the day before the effective date",
                l.from_code
            ),
        ),
        LineageProblem::FromNotEnded => (
            EFFECTIVE,
            format!(
                "đơn vị {} vẫn tồn tại sau ngày {prev}; kế thừa chỉ áp dụng cho đơn vị đã kết thúc",
                l.from_code
            ),
            format!(
                "{} goes on after {prev}; lineage applies to a unit that ended",
                l.from_code
            ),
        ),
        LineageProblem::ToMissing => (
            TO,
            format!("đơn vị {} không tồn tại vào ngày {day}", l.to_code),
            format!("{} does not exist on {day}", l.to_code),
        ),
        LineageProblem::SharesOverOne => (
            SHARE,
            format!("tổng tỷ lệ chuyển từ {} ngày {day} vượt quá 1", l.from_code),
            format!(
                "the shares leaving {} on {day} add up to more than 1",
                l.from_code
            ),
        ),
        LineageProblem::Cycle(codes) => (
            TO,
            format!(
                "kế thừa tạo vòng lặp: {} → {}",
                codes.join(" → "),
                l.from_code
            ),
            format!("lineage cycle: {} → {}", codes.join(" → "), l.from_code),
        ),
    }
}

impl Kind for Lineage {
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
        if !ctx.may_change_units() {
            if let Some(r) = rows.first() {
                errors.push(r.error(
                    self.spec(),
                    0,
                    "chỉ quản trị hệ thống được sửa cây đơn vị",
                    "only administrators may change the unit tree",
                ));
            }
            return Ok(Counts::default());
        }
        let graph = store::units::load_graph(db)?;
        let links: Vec<LineageLink> = rows.iter().map(link_of).collect();
        // Whole-set checks over the stored links (less those this file replaces) and the file's.
        let mut all = links.clone();
        let key = |l: &LineageLink| (l.from_code.clone(), l.to_code.clone(), l.effective);
        let replaced: std::collections::HashSet<_> = links.iter().map(key).collect();
        all.extend(
            store::units::load_lineage(db)?
                .into_iter()
                .filter(|l| !replaced.contains(&key(l))),
        );
        let mut in_cycle = vec![false; rows.len()];
        for (i, p) in check_links(&graph, &all) {
            if i < rows.len() {
                in_cycle[i] |= matches!(p, LineageProblem::Cycle(_));
                let (c, vi, en) = message(&p, &links[i]);
                errors.push(rows[i].error(&SPEC, c, vi, en));
            }
        }
        // A link in a cycle breaks the per-link rules too; its cycle is the clearer message.
        for ((r, l), cyc) in rows.iter().zip(&links).zip(in_cycle) {
            if let Some(p) = check_link(&graph, l).filter(|_| !cyc) {
                let (c, vi, en) = message(&p, l);
                errors.push(r.error(&SPEC, c, vi, en));
            }
        }
        if errors.len() > before {
            return Ok(Counts::default());
        }
        let keyed: Vec<KeyedRow> = rows
            .iter()
            .zip(&links)
            .map(|(r, l)| KeyedRow {
                key: vec![
                    Value::from(&l.from_code),
                    Value::from(&l.to_code),
                    Value::from(l.effective),
                ],
                data: vec![Value::Real(l.share), Value::from(r.extra_json())],
            })
            .collect();
        ctx.units_changed();
        let counts = upsert(db, &store::units::LINEAGE, &keyed, &ctx.actor)?;
        if counts.inserted + counts.updated > 0 {
            store::units::bump_generation(db)?;
        }
        Ok(counts)
    }
}
