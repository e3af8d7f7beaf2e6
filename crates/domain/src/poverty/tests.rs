use super::national::{decree_07_2021, decree_351_2025};
use super::*;
use proptest::prelude::*;

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

const FOUR: &[&str] = &["employment", "nutrition", "water", "telecom"];

#[test]
fn the_rule_table_of_decree_07() {
    let s = decree_07_2021();
    use Area::*;
    let c = |income, deps: &[&str], area| classify(&s, income, &codes(deps), area).unwrap().class;
    // At the line exactly: income-poor.
    assert_eq!(c(1_500_000, &FOUR[..3], Rural), Class::Poor);
    assert_eq!(c(1_500_000, &FOUR[..2], Rural), Class::NearPoor);
    assert_eq!(c(1_500_001, &FOUR[..3], Rural), Class::Average);
    assert_eq!(c(2_250_000, &[], Rural), Class::Average);
    assert_eq!(c(2_250_001, &[], Rural), Class::NotPoor);
    assert_eq!(c(2_000_000, &FOUR[..3], Urban), Class::Poor);
    assert_eq!(c(2_000_000, &[], Urban), Class::NearPoor);
    assert_eq!(c(2_000_001, FOUR, Urban), Class::Average);
    assert_eq!(c(3_000_000, &[], Urban), Class::Average);
    assert_eq!(c(3_000_001, &[], Urban), Class::NotPoor);
}

#[test]
fn the_rule_table_of_decree_351() {
    let s = decree_351_2025();
    use Area::*;
    let c = |income, deps: &[&str], area| classify(&s, income, &codes(deps), area).unwrap().class;
    assert_eq!(
        c(2_200_000, &["waste", "digital_services", "water"], Rural),
        Class::Poor
    );
    assert_eq!(
        c(2_200_000, &["waste", "digital_services"], Rural),
        Class::NearPoor
    );
    assert_eq!(
        c(2_800_000, &["waste", "digital_services", "water"], Urban),
        Class::Poor
    );
    // Above the line: the average-standard line is unpublished, so no "average" class.
    assert_eq!(c(2_200_001, &[], Rural), Class::NotPoor);
    assert!(classify(&s, 2_200_001, &[], Rural)
        .unwrap()
        .reason_vi
        .contains("chưa có ngưỡng"));
    // info_access left the list in 2027.
    assert_eq!(
        classify(&s, 1, &codes(&["info_access"]), Rural),
        Err(UnknownIndicators(codes(&["info_access"])))
    );
}

#[test]
fn explanation_reads_as_the_officers_write_it() {
    let s = decree_07_2021();
    let c = classify(&s, 1_320_000, &codes(FOUR), Area::Rural).unwrap();
    assert_eq!(
        c.reason_vi,
        "thu nhập 1.320.000 ≤ 1.500.000 và thiếu hụt 4 chỉ số ≥ 3 → hộ nghèo"
    );
    assert_eq!(c.deprivation_count, 4);
    let services: Vec<&str> = c.deprived.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        services,
        ["employment", "health", "water_hygiene", "information"]
    );
}

#[test]
fn the_standard_in_force_on_a_day() {
    let all = national::all();
    let d = |s: &str| Date::parse(s).unwrap();
    assert_eq!(
        standard_for(&all, d("2022-01-01"), None).unwrap().code,
        "ND07-2021"
    );
    assert_eq!(
        standard_for(&all, d("2026-12-31"), Some("49"))
            .unwrap()
            .code,
        "ND07-2021"
    );
    assert_eq!(
        standard_for(&all, d("2027-01-01"), None).unwrap().code,
        "ND351-2025"
    );
    assert!(standard_for(&all, d("2021-12-31"), None).is_none());
    let mut local = decree_07_2021();
    local.code = "QN-2023".into();
    local.unit_code = Some("49".into());
    local.poverty_line_rural = 1_800_000;
    let mut with_local = all.clone();
    with_local.push(local);
    assert_eq!(
        standard_for(&with_local, d("2023-05-01"), Some("49"))
            .unwrap()
            .code,
        "QN-2023"
    );
    assert_eq!(
        standard_for(&with_local, d("2023-05-01"), Some("48"))
            .unwrap()
            .code,
        "ND07-2021"
    );
}

#[test]
fn money_is_written_with_dots() {
    assert_eq!(vnd(0), "0");
    assert_eq!(vnd(999), "999");
    assert_eq!(vnd(1_000), "1.000");
    assert_eq!(vnd(4_500_000_000), "4.500.000.000");
}

proptest! {
    /// Classes are ordered by income: more income never makes a household worse off, and
    /// more deprivations never make it better off.
    #[test]
    fn monotone(income in 0i64..5_000_000, extra in 0i64..1_000_000, n in 0usize..12, urban: bool) {
        let s = decree_07_2021();
        let area = if urban { Area::Urban } else { Area::Rural };
        let all: Vec<String> = s.indicators.iter().map(|i| i.code.clone()).collect();
        let some = &all[..n];
        let a = classify(&s, income, some, area).unwrap().class;
        let b = classify(&s, income + extra, some, area).unwrap().class;
        prop_assert!(b >= a);
        let more = &all[..(n + 1).min(all.len())];
        let c = classify(&s, income, more, area).unwrap().class;
        prop_assert!(c <= a);
        // Poor exactly when income-poor with at least three deprivations.
        prop_assert_eq!(a == Class::Poor, income <= s.poverty_line(area) && n >= 3);
    }
}
