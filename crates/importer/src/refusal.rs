//! Every reason the importer refuses a file, a row or a cell, one variant per rule of the
//! data contract and of access. The Vietnamese message (for the officer) and the English
//! one (for logs) are written here and nowhere else; code and tests speak of variants.

use domain::Date;

/// What kind of refusal it is: callers choose their answer from it (the API's HTTP
/// status, for one) instead of reading the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalClass {
    /// The input breaks a rule of the contract: fix the file.
    Invalid,
    /// The user may not write this: outside her units, or beyond her role.
    Forbidden,
    /// Someone else changed the data first.
    Conflict,
    /// Accepted, but worth a second look.
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Refusal {
    // --- The general rules of one cell.
    /// A value is required.
    Required,
    NoSuchDay {
        raw: String,
    },
    DateFormat,
    BoolFormat,
    CountNegative,
    CountNotWhole,
    ShareOutOfRange,
    YearOutOfRange,
    /// Not one of the vocabulary's codes: (code, Vietnamese label) of each.
    NotInVocabulary {
        allowed: &'static [(&'static str, &'static str)],
    },
    CodeStoredAsNumber,
    CodeScientific,
    CodeSeparators,
    CitizenIdStoredAsNumber,
    CitizenIdElevenDigits,
    CitizenIdLength,
    PhoneFormat,
    MoneyNegative,
    MoneyFormat,
    /// Longer than its type allows (`Ty::max_chars`).
    TextTooLong {
        max: usize,
    },
    /// NUL and other control characters have no place in a cell.
    ControlCharacter,

    // --- Files and their columns.
    CannotReadFile {
        detail: String,
    },
    CannotReadDirectory {
        detail: String,
    },
    NotCsvOrXlsx,
    EmptyFile,
    /// The file goes past one of `limits`: refused before it is read further.
    OverLimit {
        limit: crate::limits::Limit,
    },
    NotUtf8 {
        detail: String,
    },
    MalformedCsv {
        detail: String,
    },
    CannotOpenWorkbook {
        detail: String,
    },
    CannotReadSheet {
        sheet: String,
        detail: String,
    },
    UnknownKind {
        kind: String,
        known: Vec<&'static str>,
    },
    ColumnTwice {
        column: String,
    },
    UnknownColumn {
        column: String,
        kind: &'static str,
        known: Vec<&'static str>,
    },
    MissingColumn {
        column: &'static str,
    },
    /// The same natural key met earlier in the import with other content.
    KeyRepeated {
        key: &'static [&'static str],
        source: String,
        line: usize,
    },

    // --- References to units, households, projects.
    UnitEndedInto {
        code: String,
        name: String,
        date: Date,
        on: Date,
        into_code: String,
        into_name: String,
    },
    UnitEnded {
        code: String,
        name: String,
        ended: Date,
    },
    UnitNotYet {
        code: String,
        date: Date,
        from: Date,
    },
    NoSuchUnit {
        code: String,
    },
    UnitNotInYear {
        code: String,
        year: i64,
    },
    NoHousehold {
        code: String,
    },
    NoMember {
        household: String,
        member_no: i64,
    },
    /// A member whose consent is recorded: the consent is evidence, kept.
    MemberHasConsent {
        household: String,
        member_no: i64,
    },
    /// A consent withdrawn before the day it was given.
    WithdrawnBeforeGiven {
        given: domain::Date,
    },
    NoProject {
        code: String,
    },

    // --- Access.
    /// The row's unit is outside the units she may write.
    OutsideScope,
    /// The stored record the row would replace belongs to a unit she may not write.
    StoredOutsideScope,
    OnlyAdminChangesUnits,

    // --- Rules of one file kind.
    HouseholdSizeZero,
    MemberNoZero,
    CitizenIdRepeated {
        source: String,
        line: usize,
    },
    CitizenIdTaken {
        member_no: i64,
        household: String,
    },
    /// Held by a member she may not read: said without naming who.
    CitizenIdElsewhere,
    NoStandard {
        on: Date,
    },
    DeprivationsUnknown {
        standard: String,
        unknown: Vec<String>,
        known: Vec<String>,
    },
    DeprivationsUnknownToStandard {
        standard: String,
    },
    IncomeNeeded,
    SessionsZero,
    DissolvedBeforeEstablished,
    UnknownIndicator,
    LivelihoodNeedsHousehold,
    MemberNeedsHousehold,
    QuantityZero,
    UnitEndsBeforeStart,
    ProjectEndsBeforeStart,
    PercentOver100,
    OwnParent,
    ValidityOverlaps {
        code: String,
        from: Date,
        to: Date,
    },
    ParentMissing {
        parent: String,
        on: Date,
        zero_hint: Option<String>,
    },
    ParentNotAbove {
        parent: String,
        parent_level: domain::units::Level,
        code: String,
        level: domain::units::Level,
    },
    LineageSelf,
    LineageShare,
    LineageFromMissing {
        code: String,
        day_before: Date,
    },
    LineageFromNotEnded {
        code: String,
        day_before: Date,
    },
    LineageToMissing {
        code: String,
        on: Date,
    },
    LineageSharesOverOne {
        code: String,
        on: Date,
    },
    LineageCycle {
        path: Vec<String>,
        back_to: String,
    },

    // --- Forms.
    HouseholdCodeTaken {
        code: String,
    },
    ChangedMeanwhile,
    /// A "create" met a stored key.
    RecordExists,
    /// Another write committed the same key (or citizen ID) while this one ran.
    WrittenMeanwhile,

    // --- Corrections and locked periods.
    /// A deletion names a key that is not stored (or not one she may read).
    NothingToDelete,
    /// A deletion (or a correction from a page) without its reason.
    ReasonRequired,
    /// A household still holding members, assessments, assignments, supports or project
    /// places: they are deleted first.
    HouseholdHasRecords {
        code: String,
    },
    /// A member named by a support (its recipient): the support is corrected first.
    MemberHasSupports {
        household: String,
        member_no: i64,
    },
    /// The record is dated in an approved period of its unit or a unit above.
    PeriodLocked {
        unit_code: String,
        period: domain::review::Period,
        by: String,
        at: String,
    },

    // --- Warnings (the row is written).
    StatusDiffers {
        given: domain::poverty::Class,
        standard: String,
        computed: domain::poverty::Class,
    },
}

impl Refusal {
    pub fn class(&self) -> RefusalClass {
        match self {
            Refusal::OutsideScope
            | Refusal::StoredOutsideScope
            | Refusal::OnlyAdminChangesUnits => RefusalClass::Forbidden,
            Refusal::ChangedMeanwhile
            | Refusal::HouseholdCodeTaken { .. }
            | Refusal::RecordExists
            | Refusal::WrittenMeanwhile
            | Refusal::PeriodLocked { .. } => RefusalClass::Conflict,
            Refusal::StatusDiffers { .. } => RefusalClass::Warning,
            _ => RefusalClass::Invalid,
        }
    }

    /// The message for the officer.
    pub fn vi(&self) -> String {
        self.messages().0
    }

    /// The message for the log.
    pub fn en(&self) -> String {
        self.messages().1
    }
}

mod messages;

#[cfg(test)]
mod tests;
