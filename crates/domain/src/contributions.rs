//! What each record adds to the report's figures: one definition shared by the report
//! computed from the records and by the aggregates kept beside them, so that the two
//! cannot drift apart.
//!
//! Aggregates are kept per month. A figure that depends on what is known on the report's
//! end date (a household's status history, an assignment made late) carries a window of
//! months `[known_from, known_until)`: it counts in a report whose period ends on the last
//! day of a month M when `known_from ≤ M < known_until`.

use crate::indicators::Indicator;
use crate::indicators::Indicator as I;
use crate::status::{effective_history, events, Assessed, EventKind, StatusEvent};
use crate::vocab::{ActivityType, MicroinsuranceKind, SupportType};
use crate::Date;

/// A month as `yyyymm`; `yyyy00` is the whole year (hh_assisted is dated by its year).
pub type Month = i32;

/// `known_until` of a figure that stays known for ever.
pub const FOREVER: Month = 999_999;

pub fn month_of(d: Date) -> Month {
    let (y, m, _) = d.ymd();
    y * 100 + m as i32
}

/// What is dated by its year only (an assignment): counted in every period of the year.
pub fn year_bucket(year: i32) -> Month {
    year * 100
}

/// The whole year's total as known on 31 December: everything of the year's months and
/// its year bucket that a report ending that day sees, so that a report of a calendar
/// year reads one cell per unit instead of thirteen, each in several windows.
pub fn year_total(year: i32) -> Month {
    year * 100 + 99
}

/// The indicators aggregates carry, in column order: sums of the flows, then the
/// distinct counts (households, recipients) whose keys occur once in a year.
pub const SUMMED: &[Indicator] = &[
    I::JobsPlaced,
    I::LaborExportCounselled,
    I::UnionLoans,
    I::StartupIdeasSupported,
    I::WomenEntrepreneursTrained,
    I::Gifts,
    I::HousesBuilt,
    I::HousesRepaired,
    I::SanitationWorks,
    I::CleanWaterWorks,
    I::InsuranceCards,
    I::SavingsBooks,
    I::LivelihoodValueVnd,
    I::UnionLoansValueVnd,
    I::CharityValueVnd,
    I::VocationalClasses,
    I::VocationalTrainees,
    I::CreditCommunicationClasses,
    I::StartupTrainingClasses,
    I::StartupCommunicationSessions,
    I::StartupParticipants,
    I::MicroinsuranceContracts,
    I::MicroinsurancePremiumVnd,
    I::MicroinsuranceClaims,
    I::MicroinsuranceClaimsVnd,
];

/// Indicators counting distinct keys.
pub const DISTINCT: &[Indicator] = &[
    I::LivelihoodRecipients,
    I::HhAssisted,
    I::HhEscaped,
    I::HhEscapedPoor,
    I::HhFellBack,
    I::HhNewlyPoor,
];

/// How many records of each table stand behind a cell (for records that land on no unit
/// on the structure date: the report lists them).
pub const RECORD_COUNTS: &[(&str, &str)] = &[
    ("n_supports", "supports"),
    ("n_activities", "activities"),
    ("n_microinsurance", "microinsurance"),
    ("n_assignments", "assignments"),
    ("n_households", "households"),
];

/// Every aggregate column, in order.
pub fn columns() -> impl Iterator<Item = &'static str> {
    SUMMED
        .iter()
        .chain(DISTINCT)
        .map(|i| i.code())
        .chain(RECORD_COUNTS.iter().map(|(c, _)| *c))
}

pub fn column_count() -> usize {
    SUMMED.len() + DISTINCT.len() + RECORD_COUNTS.len()
}

pub fn column_of(code: &str) -> Option<usize> {
    columns().position(|c| c == code)
}

/// The sums a support adds (its livelihood recipient is counted apart, by key).
pub fn support(kind: SupportType, quantity: i64, value: i64) -> Vec<(Indicator, i64)> {
    use SupportType as S;
    let count: Option<Indicator> = match kind {
        S::JobPlacement => Some(I::JobsPlaced),
        S::LaborExportCounselling => Some(I::LaborExportCounselled),
        S::UnionLoan => Some(I::UnionLoans),
        S::StartupIdea => Some(I::StartupIdeasSupported),
        S::CapacityBuilding => Some(I::WomenEntrepreneursTrained),
        S::Gift => Some(I::Gifts),
        S::HouseBuilt => Some(I::HousesBuilt),
        S::HouseRepaired => Some(I::HousesRepaired),
        S::SanitationWork => Some(I::SanitationWorks),
        S::CleanWaterWork => Some(I::CleanWaterWorks),
        S::InsuranceCard => Some(I::InsuranceCards),
        S::SavingsBook => Some(I::SavingsBooks),
        S::Livelihood => None,
    };
    let mut out: Vec<(Indicator, i64)> = count.map(|c| (c, quantity)).into_iter().collect();
    let worth: Option<Indicator> = match kind {
        S::Livelihood => Some(I::LivelihoodValueVnd),
        S::UnionLoan => Some(I::UnionLoansValueVnd),
        S::Gift
        | S::HouseBuilt
        | S::HouseRepaired
        | S::SanitationWork
        | S::CleanWaterWork
        | S::InsuranceCard
        | S::SavingsBook => Some(I::CharityValueVnd),
        S::JobPlacement | S::LaborExportCounselling | S::StartupIdea | S::CapacityBuilding => None,
    };
    out.extend(worth.map(|c| (c, value)));
    out
}

/// The recipient a livelihood support counts once: the member, or the household as a
/// whole when no member is named.
pub fn livelihood_recipient(
    kind: SupportType,
    household: Option<&str>,
    member_no: Option<i64>,
) -> Option<String> {
    (kind == SupportType::Livelihood).then(|| {
        format!(
            "{}#{}",
            household.unwrap_or(""),
            member_no.map(|n| n.to_string()).unwrap_or_default()
        )
    })
}

/// The sums an activity adds.
pub fn activity(kind: ActivityType, sessions: i64, participants: i64) -> Vec<(Indicator, i64)> {
    use ActivityType as A;
    let (s, p): (Option<Indicator>, Option<Indicator>) = match kind {
        A::VocationalClass => (Some(I::VocationalClasses), Some(I::VocationalTrainees)),
        A::CreditCommunication => (Some(I::CreditCommunicationClasses), None),
        A::StartupTraining => (
            Some(I::StartupTrainingClasses),
            Some(I::StartupParticipants),
        ),
        A::StartupCommunication => (
            Some(I::StartupCommunicationSessions),
            Some(I::StartupParticipants),
        ),
        A::Other => (None, None),
    };
    s.map(|c| (c, sessions))
        .into_iter()
        .chain(p.map(|c| (c, participants)))
        .collect()
}

/// The sums a micro-insurance row adds.
pub fn microinsurance(kind: MicroinsuranceKind, count: i64, amount: i64) -> [(Indicator, i64); 2] {
    match kind {
        MicroinsuranceKind::Contract => [
            (I::MicroinsuranceContracts, count),
            (I::MicroinsurancePremiumVnd, amount),
        ],
        MicroinsuranceKind::Claim => [
            (I::MicroinsuranceClaims, count),
            (I::MicroinsuranceClaimsVnd, amount),
        ],
    }
}

/// The household indicators an event counts for.
pub fn event_codes(e: &StatusEvent) -> &'static [Indicator] {
    match e.kind {
        EventKind::Escaped if e.escaped_from_poor() => &[I::HhEscaped, I::HhEscapedPoor],
        EventKind::Escaped => &[I::HhEscaped],
        EventKind::FellBack => &[I::HhFellBack],
        EventKind::NewlyPoor => &[I::HhNewlyPoor],
    }
}

/// An event of a household's history with the months of report end dates that see it.
#[derive(Clone, Debug, PartialEq)]
pub struct KnownEvent {
    pub event: StatusEvent,
    pub known_from: Month,
    pub known_until: Month,
}

/// Every event a report ending on the last day of some month can see, with the months
/// for which it is seen. A report's history holds what was assessed by its end date, so
/// the events change only at assessment dates; between two of them they stand still.
pub fn known_events(records: &[Assessed]) -> Vec<KnownEvent> {
    let mut dates: Vec<Date> = records.iter().map(|r| r.assessed_on).collect();
    dates.sort_unstable();
    dates.dedup();
    let mut out: Vec<KnownEvent> = Vec::new();
    for (i, &d) in dates.iter().enumerate() {
        let from = month_of(d);
        let until = dates.get(i + 1).map_or(FOREVER, |&n| month_of(n));
        if from >= until {
            continue; // superseded within the month: no month's end sees it
        }
        for e in events(&effective_history(records, d)) {
            // The same event seen over consecutive stretches is one window.
            match out
                .iter_mut()
                .find(|k| k.event == e && k.known_until == from)
            {
                Some(k) => k.known_until = until,
                None => out.push(KnownEvent {
                    event: e,
                    known_from: from,
                    known_until: until,
                }),
            }
        }
    }
    out
}

/// True when the period is one whole calendar year.
pub fn whole_year(from: Date, to: Date) -> bool {
    let (fy, fm, fd) = from.ymd();
    let (ty, tm, td) = to.ymd();
    fy == ty && (fm, fd) == (1, 1) && (tm, td) == (12, 31)
}

/// True when a report period can be answered from monthly aggregates: whole months of
/// one calendar year.
pub fn whole_months_of_one_year(from: Date, to: Date) -> bool {
    let (fy, _, fd) = from.ymd();
    let (ty, tm, td) = to.ymd();
    fy == ty && fd == 1 && td == crate::date::days_in_month(ty, tm) && from <= to
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poverty::Class;
    use crate::status::tests::a;
    use crate::status::AssessmentKind;

    /// The windows agree with computing the history at every month's end.
    #[test]
    fn known_events_match_the_history_at_each_month_end() {
        use AssessmentKind::{Official, Provisional};
        let records = vec![
            a(2022, Official, "2022-11-20", Class::Poor),
            a(2023, Provisional, "2023-09-10", Class::NotPoor),
            a(2023, Official, "2023-12-05", Class::Poor),
            a(2024, Official, "2024-10-01", Class::NearPoor),
            a(2025, Official, "2025-10-01", Class::NotPoor),
        ];
        let known = known_events(&records);
        for y in 2022..=2026 {
            for m in 1..=12u32 {
                let end = Date::from_ymd(y, m, crate::date::days_in_month(y, m)).unwrap();
                let direct = events(&effective_history(&records, end));
                let month = y * 100 + m as i32;
                let mut seen: Vec<StatusEvent> = known
                    .iter()
                    .filter(|k| k.known_from <= month && month < k.known_until)
                    .map(|k| k.event.clone())
                    .collect();
                seen.sort_by_key(|e| e.date);
                assert_eq!(seen, direct, "at {end}");
            }
        }
        // The provisional escape of 2023 was seen from September to November only.
        let first = &known[0];
        assert_eq!(first.event.kind, EventKind::Escaped);
        assert_eq!((first.known_from, first.known_until), (202309, 202312));
    }

    #[test]
    fn mappings_cover_every_summed_column() {
        let mut seen: Vec<Indicator> = Vec::new();
        for k in SupportType::ALL {
            seen.extend(support(k, 1, 1).iter().map(|p| p.0));
        }
        for k in ActivityType::ALL {
            seen.extend(activity(k, 1, 1).iter().map(|p| p.0));
        }
        for k in MicroinsuranceKind::ALL {
            seen.extend(microinsurance(k, 1, 1).iter().map(|p| p.0));
        }
        for c in SUMMED {
            assert!(seen.contains(c), "{c} comes from no record");
        }
        // Every column of the aggregates is an indicator or a count of records.
        for c in columns() {
            assert!(
                Indicator::parse(c).is_some() || RECORD_COUNTS.iter().any(|(n, _)| *n == c),
                "{c}"
            );
        }
    }

    #[test]
    fn whole_months() {
        let d = |s| Date::parse(s).unwrap();
        assert!(whole_months_of_one_year(d("2023-01-01"), d("2023-10-31")));
        assert!(whole_months_of_one_year(d("2024-02-01"), d("2024-02-29")));
        assert!(!whole_months_of_one_year(d("2023-01-01"), d("2023-10-30")));
        assert!(!whole_months_of_one_year(d("2023-01-02"), d("2023-10-31")));
        assert!(!whole_months_of_one_year(d("2023-01-01"), d("2024-12-31")));
    }
}
