//! A household's status history and its events, exactly as the data contract defines
//! them: per year the official assessment beats the provisional one; the first effective
//! assessment is the baseline; each later one that differs may be an event.

use crate::poverty::Class;
use crate::Date;
use serde::Serialize;

crate::vocabulary! {
    /// Who made an assessment.
    pub enum AssessmentKind {
        /// The union's own assessment during the year.
        Provisional = "provisional", "Hội đánh giá (tạm thời)";
        /// The commune's decision at the annual review.
        Official = "official", "xã công nhận (chính thức)";
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessed {
    pub year: i32,
    pub kind: AssessmentKind,
    pub assessed_on: Date,
    pub status: Class,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Escaped,
    FellBack,
    NewlyPoor,
}

impl EventKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            EventKind::Escaped => "thoát nghèo/cận nghèo",
            EventKind::FellBack => "tái nghèo/tái cận nghèo",
            EventKind::NewlyPoor => "nghèo/cận nghèo phát sinh",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatusEvent {
    pub kind: EventKind,
    /// The assessment's year: an event belongs to it.
    pub year: i32,
    pub date: Date,
    pub from: Class,
    pub to: Class,
}

impl StatusEvent {
    pub fn escaped_from_poor(&self) -> bool {
        self.kind == EventKind::Escaped && self.from == Class::Poor
    }
}

/// The effective assessments known on `as_of` (a report knows nothing dated after its
/// end), one per year, official over provisional, in date order.
pub fn effective_history(records: &[Assessed], as_of: Date) -> Vec<Assessed> {
    let mut by_year: std::collections::BTreeMap<i32, &Assessed> = std::collections::BTreeMap::new();
    for r in records.iter().filter(|r| r.assessed_on <= as_of) {
        match by_year.get(&r.year) {
            Some(cur) if cur.kind >= r.kind => {}
            _ => {
                by_year.insert(r.year, r);
            }
        }
    }
    let mut out: Vec<Assessed> = by_year.into_values().cloned().collect();
    out.sort_by_key(|a| (a.assessed_on, a.year));
    out
}

/// The events of an effective history.
pub fn events(history: &[Assessed]) -> Vec<StatusEvent> {
    let mut out = Vec::new();
    let mut was_poor_or_near = history.first().is_some_and(|a| a.status.is_poor_or_near());
    for pair in history.windows(2) {
        let (prev, cur) = (pair[0].status, pair[1].status);
        let kind = match (prev, cur) {
            (Class::Poor, c) if c != Class::Poor => Some(EventKind::Escaped),
            (Class::NearPoor, Class::Average | Class::NotPoor) => Some(EventKind::Escaped),
            (Class::Average | Class::NotPoor, Class::Poor | Class::NearPoor) => {
                Some(if was_poor_or_near {
                    EventKind::FellBack
                } else {
                    EventKind::NewlyPoor
                })
            }
            _ => None, // near_poor → poor, average ↔ not_poor, unchanged: no event
        };
        if let Some(kind) = kind {
            out.push(StatusEvent {
                kind,
                year: pair[1].year,
                date: pair[1].assessed_on,
                from: prev,
                to: cur,
            });
        }
        was_poor_or_near |= cur.is_poor_or_near();
    }
    out
}

/// "Hộ mới thoát nghèo": escaped within the 36 months up to `on`.
pub fn newly_escaped_on(events: &[StatusEvent], on: Date) -> bool {
    events
        .iter()
        .any(|e| e.kind == EventKind::Escaped && e.date <= on && on < e.date.add_months(36))
}

/// Whether an escape lasted: one and two years later the household is still out of what
/// it escaped: out of poverty and near-poverty when it reached average or better, out of
/// poverty when it reached near-poor. `None` while that year has no assessment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Sustained {
    pub one_year: Option<bool>,
    pub two_years: Option<bool>,
}

pub fn sustained(history: &[Assessed], escape: &StatusEvent) -> Sustained {
    let still_out = |c: Class| crate::lasting::still_out(escape.to, c);
    let later = |k: i32| {
        history
            .iter()
            .find(|a| a.year == escape.year + k)
            .map(|a| still_out(a.status))
    };
    Sustained {
        one_year: later(1),
        two_years: later(2),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use AssessmentKind::*;
    use Class::*;

    pub(crate) fn a(year: i32, kind: AssessmentKind, on: &str, status: Class) -> Assessed {
        Assessed {
            year,
            kind,
            assessed_on: Date::parse(on).unwrap(),
            status,
        }
    }

    fn kinds(h: &[Assessed]) -> Vec<(EventKind, i32)> {
        events(h).iter().map(|e| (e.kind, e.year)).collect()
    }

    #[test]
    fn escape_fall_back_escape_again() {
        let recs = vec![
            a(2022, Official, "2022-12-10", Poor),
            a(2023, Official, "2023-12-10", NearPoor),
            a(2024, Official, "2024-12-10", Average),
            a(2025, Official, "2025-12-10", Poor),
            a(2026, Official, "2026-12-10", NotPoor),
        ];
        let h = effective_history(&recs, Date::MAX);
        use EventKind::*;
        assert_eq!(
            kinds(&h),
            [
                (Escaped, 2023),
                (Escaped, 2024),
                (FellBack, 2025),
                (Escaped, 2026)
            ]
        );
        let e = events(&h);
        assert!(e[0].escaped_from_poor() && !e[1].escaped_from_poor());
        assert_eq!(
            sustained(&h, &e[0]),
            Sustained {
                one_year: Some(true),
                two_years: Some(false)
            }
        );
        assert_eq!(
            sustained(&h, &e[3]),
            Sustained {
                one_year: None,
                two_years: None
            }
        );
    }

    #[test]
    fn newly_poor_only_without_an_earlier_poor_status() {
        let h = effective_history(
            &[
                a(2022, Official, "2022-12-10", NotPoor),
                a(2023, Official, "2023-12-10", NearPoor),
                a(2024, Official, "2024-12-10", Poor),
            ],
            Date::MAX,
        );
        // near_poor → poor is no event.
        assert_eq!(kinds(&h), [(EventKind::NewlyPoor, 2023)]);
        // Average ↔ not_poor is no event; a baseline poor counts as "poor before".
        let h = effective_history(
            &[
                a(2022, Official, "2022-12-10", NearPoor),
                a(2023, Official, "2023-12-10", NotPoor),
                a(2024, Official, "2024-12-10", Average),
                a(2025, Official, "2025-12-10", NearPoor),
            ],
            Date::MAX,
        );
        assert_eq!(
            kinds(&h),
            [(EventKind::Escaped, 2023), (EventKind::FellBack, 2025)]
        );
    }

    #[test]
    fn official_beats_provisional_but_not_after_the_report_end() {
        let recs = vec![
            a(2022, Official, "2022-12-10", Poor),
            a(2023, Provisional, "2023-09-15", NearPoor),
            a(2023, Official, "2023-12-05", Poor),
        ];
        // A report to 31/10/2023 knows only the chapter's provisional assessment.
        let h = effective_history(&recs, Date::parse("2023-10-31").unwrap());
        assert_eq!(kinds(&h), [(EventKind::Escaped, 2023)]);
        // At year end the commune's decision overrides it: no escape.
        let h = effective_history(&recs, Date::parse("2023-12-31").unwrap());
        assert!(kinds(&h).is_empty());
        assert_eq!(h[1].kind, Official);
    }

    #[test]
    fn newly_escaped_lasts_36_months() {
        let h = effective_history(
            &[
                a(2022, Official, "2022-12-10", Poor),
                a(2023, Official, "2023-12-10", Average),
            ],
            Date::MAX,
        );
        let e = events(&h);
        let d = |s| Date::parse(s).unwrap();
        assert!(!newly_escaped_on(&e, d("2023-12-09")));
        assert!(newly_escaped_on(&e, d("2023-12-10")));
        assert!(newly_escaped_on(&e, d("2026-12-09")));
        assert!(!newly_escaped_on(&e, d("2026-12-10")));
    }
}
