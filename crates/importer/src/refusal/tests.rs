use super::*;

/// Every refusal speaks both languages, and the classes callers act on are the ones
/// the access and concurrency rules name.
#[test]
fn every_refusal_has_both_messages_and_its_class() {
    let d = Date::from_ymd(2025, 7, 1).expect("day");
    let samples = vec![
        Refusal::Required,
        Refusal::NotInVocabulary {
            allowed: domain::vocab::Gender::ENTRIES,
        },
        Refusal::KeyRepeated {
            key: &["record_id"],
            source: "supports.csv".into(),
            line: 2,
        },
        Refusal::UnitEndedInto {
            code: "49".into(),
            name: "Quảng Nam".into(),
            date: d,
            on: d,
            into_code: "48".into(),
            into_name: "Đà Nẵng".into(),
        },
        Refusal::ParentMissing {
            parent: "1".into(),
            on: d,
            zero_hint: Some("01".into()),
        },
        Refusal::OutsideScope,
        Refusal::StoredOutsideScope,
        Refusal::CitizenIdElsewhere,
        Refusal::ChangedMeanwhile,
        Refusal::RecordExists,
        Refusal::WrittenMeanwhile,
        Refusal::NothingToDelete,
        Refusal::ReasonRequired,
        Refusal::HouseholdHasRecords { code: "H1".into() },
        Refusal::MemberHasSupports {
            household: "H1".into(),
            member_no: 1,
        },
        Refusal::PeriodLocked {
            unit_code: "48".into(),
            period: domain::review::Period::parse("2026-03").expect("month"),
            by: "tinh".into(),
            at: "2026-04-02T08:00:00Z".into(),
        },
        Refusal::StatusDiffers {
            given: domain::poverty::Class::Poor,
            standard: "QD-2021".into(),
            computed: domain::poverty::Class::NearPoor,
        },
    ];
    for r in &samples {
        assert!(!r.vi().is_empty() && !r.en().is_empty(), "{r:?}");
        assert_ne!(r.vi(), r.en(), "{r:?}");
    }
    assert_eq!(Refusal::OutsideScope.class(), RefusalClass::Forbidden);
    assert_eq!(
        Refusal::OnlyAdminChangesUnits.class(),
        RefusalClass::Forbidden
    );
    assert_eq!(Refusal::ChangedMeanwhile.class(), RefusalClass::Conflict);
    assert_eq!(Refusal::StoredOutsideScope.class(), RefusalClass::Forbidden);
    assert_eq!(Refusal::WrittenMeanwhile.class(), RefusalClass::Conflict);
    assert_eq!(Refusal::RecordExists.class(), RefusalClass::Conflict);
    assert!(matches!(
        samples[samples.len() - 2].class(),
        RefusalClass::Conflict
    ));
    // Said of a record outside her units: nothing names it.
    assert!(!Refusal::CitizenIdElsewhere
        .vi()
        .chars()
        .any(|c| c.is_ascii_digit()));
    assert_eq!(Refusal::Required.class(), RefusalClass::Invalid);
    assert!(Refusal::NotInVocabulary {
        allowed: domain::vocab::Gender::ENTRIES
    }
    .vi()
    .contains("chỉ nhận một trong: Nữ, Nam"));
    assert!(samples[4].vi().contains("có phải mã 01?"));
}
