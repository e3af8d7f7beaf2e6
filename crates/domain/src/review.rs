//! Sign-off of a unit's figures for a period: a unit submits, a unit above approves or
//! sends back, and an approved period locks every record dated in it for the unit and the
//! units below it until it is reopened. The rule of what a lock covers lives here.

use crate::units::{UnitGraph, VersionIx};
use crate::Date;

crate::vocabulary! {
    /// Where a unit's period stands: sent up and waiting for a unit above, approved (and so
    /// locked), sent back with a comment, or opened again after an approval.
    pub enum ReviewState {
        Submitted = "submitted", "đã gửi, chờ duyệt"; Approved = "approved", "đã duyệt";
        Returned = "returned", "bị trả lại"; Reopened = "reopened", "đã mở lại";
    }
}

/// A period's bounds, both days included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// A month (`2026-03`), a quarter (`2026-Q1`), a year (`2026`), or a year up to a
    /// cut-off (`2026-01-01..2026-10-31`, a report's "đến 31/10").
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once("..") {
            let (from, to) = (Date::parse(a).ok()?, Date::parse(b).ok()?);
            return (from <= to).then_some(Period { from, to });
        }
        if let Some((y, q)) = s.split_once("-Q") {
            let (y, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
            if !(1..=4).contains(&q) {
                return None;
            }
            return Period::months(y, 3 * q - 2, 3 * q);
        }
        if let Some((y, m)) = s.split_once('-') {
            let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
            return Period::months(y, m, m);
        }
        let y: i32 = s.parse().ok()?;
        Period::months(y, 1, 12)
    }

    fn months(y: i32, first: u32, last: u32) -> Option<Period> {
        if !(1..=12).contains(&first) || !(1..=12).contains(&last) || !(1900..=2100).contains(&y) {
            return None;
        }
        Some(Period {
            from: Date::from_ymd(y, first, 1)?,
            to: Date::from_ymd(y, last, crate::date::days_in_month(y, last))?,
        })
    }

    /// The period before, to compare with: the month, quarter or year before a month,
    /// quarter or year; the same days a year earlier for any other period (a year to
    /// 31/10 against the year before to 31/10).
    pub fn previous(&self) -> Period {
        let (fy, fm, fd) = self.from.ymd();
        let (ty, tm, td) = self.to.ymd();
        let whole = fd == 1 && td == crate::date::days_in_month(ty, tm);
        let months = (ty - fy) * 12 + tm as i32 - fm as i32 + 1;
        let calendar = match months {
            1 | 12 => true,
            3 => fm % 3 == 1,
            _ => false,
        };
        if whole && calendar {
            let from = self.from.add_months(-months);
            Period {
                from,
                to: self.from.pred(),
            }
        } else {
            Period {
                from: self.from.add_months(-12),
                to: self.to.add_months(-12),
            }
        }
    }

    /// Whether the period has ended by `today` (a unit submits only what has ended).
    pub fn ended_by(&self, today: Date) -> bool {
        self.to < today
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }

    /// How a person reads it: `01/03/2026 – 31/03/2026`.
    pub fn dmy(&self) -> String {
        format!("{} – {}", self.from.dmy(), self.to.dmy())
    }
}

/// An approved period of a unit: what locks the records dated in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Lock {
    pub unit_code: String,
    pub period: Period,
    /// Who approved it, and when (as stored, UTC).
    pub by: String,
    pub at: String,
}

/// The lock that covers a record of unit version `unit` dated `date`: an approved period
/// containing the date, of the unit itself or of a unit above it as the tree stood that
/// day. `None`: the record may be written.
pub fn covering<'a>(
    locks: &'a [Lock],
    graph: &UnitGraph,
    unit: VersionIx,
    date: Date,
) -> Option<&'a Lock> {
    let dated: Vec<&Lock> = locks.iter().filter(|l| l.period.contains(date)).collect();
    if dated.is_empty() {
        return None;
    }
    let mut at = Some(unit);
    while let Some(ix) = at {
        let code = &graph.version(ix).code;
        if let Some(l) = dated.iter().find(|l| &l.unit_code == code) {
            return Some(l);
        }
        at = graph.parent_on(ix, date);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{Level, UnitVersion};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_previous_period_is_the_one_before_of_the_same_length() {
        let prev = |s: &str| {
            let p = Period::parse(s).unwrap().previous();
            format!("{}..{}", p.from, p.to)
        };
        assert_eq!(prev("2026-03"), "2026-02-01..2026-02-28");
        assert_eq!(prev("2026-01"), "2025-12-01..2025-12-31");
        assert_eq!(prev("2026-Q2"), "2026-01-01..2026-03-31");
        assert_eq!(prev("2026"), "2025-01-01..2025-12-31");
        assert_eq!(prev("2023-01-01..2023-10-31"), "2022-01-01..2022-10-31");
        assert_eq!(prev("2024-02-10..2024-02-29"), "2023-02-10..2023-02-28");
    }

    #[test]
    fn periods_are_read_as_officers_write_them() {
        let p = |s| Period::parse(s).map(|p| (p.from.to_string(), p.to.to_string()));
        let own = |a: &str, b: &str| Some((a.to_owned(), b.to_owned()));
        assert_eq!(p("2026-03"), own("2026-03-01", "2026-03-31"));
        assert_eq!(p("2024-02"), own("2024-02-01", "2024-02-29"));
        assert_eq!(p("2026-Q4"), own("2026-10-01", "2026-12-31"));
        assert_eq!(p("2026"), own("2026-01-01", "2026-12-31"));
        assert_eq!(p("2023-01-01..2023-10-31"), own("2023-01-01", "2023-10-31"));
        for bad in [
            "2026-13",
            "2026-Q5",
            "x",
            "2026-02-30..2026-03-01",
            "2026-05-01..2026-04-01",
        ] {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_lock_covers_its_unit_and_the_units_below_on_its_days() {
        let v = |id: i64, code: &str, level: Level, parent: Option<&str>| UnitVersion {
            id: crate::units::VersionId(id),
            code: code.into(),
            name: code.into(),
            level,
            parent_code: parent.map(Into::into),
            valid_from: Date::MIN,
            valid_to: Date::MAX,
        };
        let graph = UnitGraph::new(
            vec![
                v(1, "P", Level::Province, None),
                v(2, "C1", Level::Commune, Some("P")),
                v(3, "C2", Level::Commune, Some("P")),
            ],
            Vec::new(),
        );
        let lock = |unit: &str, period: &str| Lock {
            unit_code: unit.into(),
            period: Period::parse(period).unwrap(),
            by: "tinh".into(),
            at: "2026-04-02T08:00:00Z".into(),
        };
        let c1 = graph.find_id(crate::units::VersionId(2)).unwrap();
        let c2 = graph.find_id(crate::units::VersionId(3)).unwrap();
        let locks = vec![lock("C1", "2026-03")];
        assert!(covering(&locks, &graph, c1, d("2026-03-15")).is_some());
        assert!(covering(&locks, &graph, c1, d("2026-04-01")).is_none());
        assert!(covering(&locks, &graph, c2, d("2026-03-15")).is_none());
        let locks = vec![lock("P", "2026-Q1")];
        assert!(covering(&locks, &graph, c2, d("2026-02-01")).is_some());
        assert!(covering(&locks, &graph, c2, d("2025-12-31")).is_none());
    }
}
