//! Identifiers as a person may see them: the one place that decides whether a member's
//! citizen ID and phone are shown whole or masked, and that puts every view in full on
//! record (Law 91/2025: sensitive personal data, each view accountable). Every surface
//! that shows a member (the household page, record lists and their downloads, correction
//! and deletion forms, the API, the command line) takes its identifiers from here.
//!
//! The rule: whole for who may write the household's records (she keeps them up to
//! date), masked (`••••••••3456`) for everyone else, whatever the surface; and on a
//! surface that shares the data onwards (a download, the API), left out altogether for
//! a member whose consent is withdrawn or was given without sharing (`consents`).

use crate::access::Access;
use crate::{Db, StoreError};
use domain::contract::Ty;
use domain::units::VersionId;
use std::collections::BTreeSet;

/// Where a person saw identifiers whole, as the access log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    HouseholdPage,
    RecordList,
    RecordDownload,
    CorrectionForm,
    DeletionForm,
    Api,
    CommandLine,
    /// A woman's request about her data, prepared for her.
    DataRequest,
}

impl Surface {
    /// Does it share the data onwards (a file leaves the system, a program reads it)?
    /// A member who withdrew her consent to sharing is left out there.
    pub fn shares(self) -> bool {
        matches!(self, Surface::RecordDownload | Surface::Api)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Surface::HouseholdPage => "Trang hộ",
            Surface::RecordList => "Danh sách hồ sơ",
            Surface::RecordDownload => "Tệp Excel tải về",
            Surface::CorrectionForm => "Mẫu sửa bản ghi",
            Surface::DeletionForm => "Mẫu xóa bản ghi",
            Surface::Api => "API",
            Surface::CommandLine => "Dòng lệnh",
            Surface::DataRequest => "Yêu cầu của chủ thể dữ liệu",
        }
    }
}

/// Is a column of this type an identifier, masked for who may not write the record?
pub fn is_identifier(ty: Ty) -> bool {
    matches!(ty, Ty::CitizenId | Ty::Phone)
}

/// Is the contract's column `name` an identifier in any kind (for text that names its
/// columns, such as the audit log's old and new values)?
pub fn is_identifier_column(name: &str) -> bool {
    domain::contract::ALL
        .iter()
        .flat_map(|s| s.cols)
        .any(|c| c.name == name && is_identifier(c.ty))
}

/// The identifiers one answer shows, decided for one person, and the households whose
/// identifiers it showed whole (to be logged with [`Disclosure::log`]).
pub struct Disclosure<'a> {
    acc: &'a Access,
    in_full: BTreeSet<String>,
    /// On a surface that shares (a download, the API): the members whose consent was
    /// withdrawn or does not cover sharing, whose identifiers are left out altogether.
    withheld: Option<std::collections::HashSet<(String, i64)>>,
}

impl<'a> Disclosure<'a> {
    pub fn new(acc: &'a Access) -> Disclosure<'a> {
        Disclosure {
            acc,
            in_full: BTreeSet::new(),
            withheld: None,
        }
    }

    /// For a surface that shares the data onwards (a download, the API): `withheld`
    /// members' identifiers are left out for everyone (`households::withheld`).
    pub fn sharing(mut self, withheld: std::collections::HashSet<(String, i64)>) -> Self {
        self.withheld = Some(withheld);
        self
    }

    /// Are the identifiers of the records of unit version `unit_id` shown whole to her?
    /// `None` (a record of no known unit) is never shown whole but to the administrator.
    pub fn whole_for(&self, unit_id: Option<VersionId>) -> bool {
        match unit_id {
            Some(u) => self.acc.can_write_unit(u),
            None => self.acc.is_admin(),
        }
    }

    /// An identifier of member `member_no` of household `household` (of unit version
    /// `unit_id`) as she may see it; a value shown whole is noted for the log, and one
    /// whose sharing the member withdrew is left out of a surface that shares.
    pub fn identifier(
        &mut self,
        (household, member_no): (&str, i64),
        unit_id: Option<VersionId>,
        value: &str,
    ) -> String {
        if value.is_empty() {
            return String::new();
        }
        if self
            .withheld
            .as_ref()
            .is_some_and(|w| w.contains(&(household.to_owned(), member_no)))
        {
            return String::new();
        }
        if self.whole_for(unit_id) {
            self.in_full.insert(household.to_owned());
            value.to_owned()
        } else {
            domain::ids::masked(value)
        }
    }

    /// How many households' identifiers this answer shows whole.
    pub fn households_in_full(&self) -> usize {
        self.in_full.len()
    }

    /// Puts the views in full on record: one access-log row per household, naming where
    /// she saw them (`surface`, in Vietnamese) and the reason she gave, if any; all in one
    /// transaction of its own.
    pub fn log(
        self,
        db: &mut Db,
        actor: &str,
        surface: Surface,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        if self.in_full.is_empty() {
            return Ok(());
        }
        let at = crate::now_utc();
        let rows: Vec<Vec<crate::Value>> = self
            .in_full
            .iter()
            .map(|h| {
                let key = serde_json::json!({ "household_code": h, "surface": surface.label_vi() });
                crate::params![
                    at.as_str(),
                    actor,
                    crate::audit::VIEW_SENSITIVE,
                    "members",
                    key.to_string(),
                    reason
                ]
                .to_vec()
            })
            .collect();
        db.transaction(|tx| {
            tx.insert_rows(
                "audit_log",
                &["at", "actor", "action", "entity", "entity_key", "reason"],
                &rows,
            )
        })
    }
}
