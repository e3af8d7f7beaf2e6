//! Figures that explain their differences (issue 24, item 2): the households whose
//! chapter assessment of a year (provisional) differs from the commune's decision of the
//! same year (official). A report of January–October counts escapes on the chapters'
//! assessments; the commune's December review may not confirm them, and the year's
//! figures then differ. This list says which households, and how.

use crate::scope::Scope;
use crate::{ReportError, Request};
use domain::poverty::Class;
use domain::Date;
use store::Db;

/// One household whose two readings of a year differ.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub household_code: String,
    pub head_name: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub year: i32,
    pub provisional: Class,
    pub provisional_on: Date,
    pub official: Class,
    pub official_on: Date,
    /// Deprivations the chapter recorded and the commune did not (codes).
    pub only_provisional: Vec<String>,
    /// Deprivations the commune recorded and the chapter did not (codes).
    pub only_official: Vec<String>,
}

/// A class's rank from poorest (0) to not poor.
fn rank(c: Class) -> u8 {
    match c {
        Class::Poor => 0,
        Class::NearPoor => 1,
        Class::Average => 2,
        Class::NotPoor => 3,
    }
}

impl Difference {
    /// The chapter found the household out of poverty (or of near-poverty) and the
    /// commune did not confirm it.
    pub fn escape_unconfirmed(&self) -> bool {
        self.official.is_poor_or_near() && rank(self.provisional) > rank(self.official)
    }
}

fn codes(list: Option<&str>) -> Vec<String> {
    let mut v: Vec<String> = list
        .unwrap_or_default()
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The households of `req`'s unit (by their own unit, in its structure) whose chapter
/// assessment dated in the period differs from the commune's decision of the same year,
/// whenever that decision was made.
pub fn of(db: &mut Db, req: &Request) -> Result<Vec<Difference>, ReportError> {
    let graph = store::units::load_graph_cached(db)?;
    let scope = Scope::shared(graph, &req.unit, req.structure_date.unwrap_or(req.to))?;
    let rows = store::records::provisional_differences(db, &scope.units(&[]), req.from, req.to)?;
    Ok(rows
        .into_iter()
        .filter(|r| scope.place(r.unit_id).is_some())
        .map(|r| {
            let (p, o) = (
                codes(r.provisional_deprivations.as_deref()),
                codes(r.official_deprivations.as_deref()),
            );
            Difference {
                only_provisional: p.iter().filter(|c| !o.contains(c)).cloned().collect(),
                only_official: o.iter().filter(|c| !p.contains(c)).cloned().collect(),
                household_code: r.household_code,
                head_name: r.head_name,
                unit_id: r.unit_id,
                unit_code: r.unit_code,
                year: r.year,
                provisional: r.provisional,
                provisional_on: r.provisional_on,
                official: r.official,
                official_on: r.official_on,
            }
        })
        .collect())
}

/// The differences behind a period's report (its unit, period and structure).
pub fn of_report(db: &mut Db, r: &crate::Report) -> Result<Vec<Difference>, ReportError> {
    let (Ok(from), Ok(to)) = (Date::parse(&r.period.from), Date::parse(&r.period.to)) else {
        return Ok(Vec::new());
    };
    of(
        db,
        &Request {
            unit: r.unit.code.clone(),
            from,
            to,
            structure_date: Date::parse(&r.structure_date).ok(),
        },
    )
}

/// The narrative's sentence: "Có 34 hộ Hội đánh giá khác kết quả xã công nhận cùng năm,
/// trong đó 34 hộ Hội đánh giá đã thoát nghèo, cận nghèo chưa được xã công nhận.", or
/// nothing when the two readings agree.
pub fn sentence(list: &[Difference]) -> Option<String> {
    if list.is_empty() {
        return None;
    }
    let unconfirmed = list.iter().filter(|d| d.escape_unconfirmed()).count();
    let mut out = format!(
        "Có {} hộ Hội đánh giá khác kết quả xã công nhận cùng năm",
        crate::render::count(list.len() as i64)
    );
    if unconfirmed > 0 {
        out.push_str(&format!(
            ", trong đó {} hộ Hội đánh giá đã thoát nghèo, cận nghèo chưa được xã công nhận",
            crate::render::count(unconfirmed as i64)
        ));
    }
    out.push('.');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_is_unconfirmed_when_the_commune_keeps_the_household_poorer() {
        let d = |p: Class, o: Class| Difference {
            household_code: "H".into(),
            head_name: String::new(),
            unit_id: 1,
            unit_code: "C".into(),
            year: 2023,
            provisional: p,
            provisional_on: Date::parse("2023-09-06").unwrap(),
            official: o,
            official_on: Date::parse("2023-12-08").unwrap(),
            only_provisional: Vec::new(),
            only_official: Vec::new(),
        };
        assert!(d(Class::Average, Class::NearPoor).escape_unconfirmed());
        assert!(d(Class::NearPoor, Class::Poor).escape_unconfirmed());
        assert!(!d(Class::NearPoor, Class::Average).escape_unconfirmed());
        assert!(!d(Class::NotPoor, Class::Average).escape_unconfirmed());
        assert_eq!(codes(Some("b; a;;a")), ["a", "b"]);
        let list = [
            d(Class::Average, Class::NearPoor),
            d(Class::Poor, Class::NearPoor),
        ];
        assert_eq!(
            sentence(&list).unwrap(),
            "Có 2 hộ Hội đánh giá khác kết quả xã công nhận cùng năm, trong đó 1 hộ Hội đánh giá đã thoát nghèo, cận nghèo chưa được xã công nhận."
        );
        assert_eq!(sentence(&[]), None);
    }
}
