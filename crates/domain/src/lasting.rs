//! The rules of the follow-up of escapes (data contract v1.2, "Follow-up of escapes,
//! comparison and value"), free of storage: whether an escape held a year later, the 95%
//! Wilson interval of a rate, and the difference between helped and other households
//! stratified by commune and prior class.

use crate::poverty::Class;
use crate::status::Assessed;

/// Whether class `c` is still out of what an escape that reached `reached` escaped: an
/// escape to near_poor holds while the class is near_poor or better; one to average or
/// not_poor while the class is average or not_poor.
pub fn still_out(reached: Class, c: Class) -> bool {
    if reached.is_poor_or_near() {
        c > Class::Poor
    } else {
        !c.is_poor_or_near()
    }
}

/// How an escape of year `year` that reached `reached` stood `k` years later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Followed {
    Held,
    Lost,
    /// No assessment of that year yet.
    Pending,
}

/// Judged on the effective assessment of year `year + k` in `history` (each year on its
/// own).
pub fn followed(history: &[Assessed], year: i32, reached: Class, k: i32) -> Followed {
    match history.iter().find(|a| a.year == year + k) {
        None => Followed::Pending,
        Some(a) if still_out(reached, a.status) => Followed::Held,
        Some(_) => Followed::Lost,
    }
}

/// z of a 95% interval.
pub const Z95: f64 = 1.96;

/// The 95% Wilson interval of `x` successes in `n` trials, as fractions; `None` for
/// `n = 0`.
pub fn wilson(x: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (x, n) = (x as f64, n as f64);
    let p = x / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// One stratum's two groups: households and those that escaped, assigned and others.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stratum {
    pub assigned: u64,
    pub assigned_escaped: u64,
    pub others: u64,
    pub others_escaped: u64,
}

/// The stratified difference of the escape rates, assigned minus others, in percentage
/// points, with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Difference {
    pub pp: f64,
    pub low_pp: f64,
    pub high_pp: f64,
}

/// The difference over the strata with households in both groups (weighted by their
/// assigned households), and the assigned households left out (in strata without
/// others). `None` when no stratum has both groups.
pub fn stratified<'a>(strata: impl IntoIterator<Item = &'a Stratum>) -> (Option<Difference>, u64) {
    let (mut sw, mut swd, mut sw2v, mut left_out) = (0.0, 0.0, 0.0, 0);
    for s in strata {
        if s.assigned == 0 {
            continue;
        }
        if s.others == 0 {
            left_out += s.assigned;
            continue;
        }
        let (na, no) = (s.assigned as f64, s.others as f64);
        let (pa, po) = (s.assigned_escaped as f64 / na, s.others_escaped as f64 / no);
        let w = na;
        let v = pa * (1.0 - pa) / na + po * (1.0 - po) / no;
        sw += w;
        swd += w * (pa - po);
        sw2v += w * w * v;
    }
    if sw == 0.0 {
        return (None, left_out);
    }
    let pp = 100.0 * swd / sw;
    let half = 100.0 * Z95 * sw2v.sqrt() / sw;
    (
        Some(Difference {
            pp,
            low_pp: pp - half,
            high_pp: pp + half,
        }),
        left_out,
    )
}

/// To one decimal, halves away from zero.
pub fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `num / den` to a whole number, halves away from zero; `None` for `den = 0`.
pub fn whole_ratio(num: i64, den: i64) -> Option<i64> {
    if den == 0 {
        return None;
    }
    let (n, d) = (i128::from(num), i128::from(den));
    let q = (2 * n.abs() + d.abs()) / (2 * d.abs());
    let sign = if (n < 0) != (d < 0) { -1 } else { 1 };
    i64::try_from(sign * q).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::tests::a;
    use crate::status::AssessmentKind::Official;
    use proptest::prelude::*;
    use Class::*;

    #[test]
    fn an_escape_holds_while_the_household_stays_out_of_what_it_escaped() {
        let h = vec![
            a(2023, Official, "2023-12-01", NearPoor),
            a(2024, Official, "2024-12-01", Poor),
            a(2025, Official, "2025-12-01", NearPoor),
        ];
        assert_eq!(followed(&h, 2023, NearPoor, 1), Followed::Lost);
        assert_eq!(followed(&h, 2023, NearPoor, 2), Followed::Held);
        assert_eq!(followed(&h, 2023, NearPoor, 3), Followed::Pending);
        // Reaching average, falling to near-poor is a loss.
        assert_eq!(followed(&h, 2022, Average, 3), Followed::Lost);
        assert!(still_out(Average, NotPoor) && !still_out(Average, NearPoor));
    }

    #[test]
    fn wilson_matches_a_hand_computation() {
        // 571 of 900: p = 0.6344, interval 0.6025–0.6653 (the contract's example).
        let (lo, hi) = wilson(571, 900).unwrap();
        assert_eq!(
            (one_decimal(100.0 * lo), one_decimal(100.0 * hi)),
            (60.2, 66.5)
        );
        assert_eq!(wilson(0, 0), None);
        let (lo, hi) = wilson(0, 10).unwrap();
        assert_eq!(lo, 0.0);
        assert!(hi > 0.27 && hi < 0.28);
    }

    #[test]
    fn a_stratum_with_one_group_is_left_out_and_counted() {
        let both = Stratum {
            assigned: 10,
            assigned_escaped: 6,
            others: 20,
            others_escaped: 4,
        };
        let alone = Stratum {
            assigned: 5,
            assigned_escaped: 5,
            others: 0,
            others_escaped: 0,
        };
        let (d, left) = stratified(&[both, alone]);
        let d = d.unwrap();
        assert!((d.pp - 40.0).abs() < 1e-9);
        assert_eq!(left, 5);
        let (none, left) = stratified(&[alone]);
        assert_eq!((none, left), (None, 5));
    }

    #[test]
    fn whole_ratio_rounds_halves_away_from_zero() {
        assert_eq!(whole_ratio(5, 2), Some(3));
        assert_eq!(whole_ratio(4_500_000_000, 571), Some(7_880_911));
        assert_eq!(whole_ratio(7, 0), None);
        assert_eq!(whole_ratio(-5, 2), Some(-3));
    }

    proptest! {
        #[test]
        fn the_interval_contains_the_rate(n in 1u64..5000, x_frac in 0.0f64..=1.0) {
            let x = ((n as f64) * x_frac).floor() as u64;
            let (lo, hi) = wilson(x, n).unwrap();
            let p = x as f64 / n as f64;
            prop_assert!(lo <= p + 1e-12 && p <= hi + 1e-12 && (0.0..=1.0).contains(&lo) && hi <= 1.0);
        }

        #[test]
        fn the_difference_lies_in_its_interval(
            strata in proptest::collection::vec((1u64..50, 0u64..50, 1u64..50, 0u64..50), 1..6)
        ) {
            let strata: Vec<Stratum> = strata.into_iter().map(|(a, ax, o, ox)| Stratum {
                assigned: a, assigned_escaped: ax.min(a), others: o, others_escaped: ox.min(o),
            }).collect();
            let (d, left) = stratified(&strata);
            let d = d.unwrap();
            prop_assert_eq!(left, 0);
            prop_assert!(d.low_pp <= d.pp && d.pp <= d.high_pp);
            prop_assert!((-100.0..=100.0).contains(&d.pp));
        }
    }
}
