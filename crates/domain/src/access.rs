//! Who may do what: four roles, each bound to a unit and its subtree, and the one table
//! of what each role may write ([`RIGHTS`]). The store computes the units behind each
//! reach (`store::access::Access`); the importer asks it for every row it writes and for
//! every stored row a write would replace.

crate::vocabulary! {
    pub enum Role {
        /// Everything, everywhere.
        Admin = "admin", "Quản trị hệ thống";
        /// Reads and writes her subtree, manages users below her.
        Manager = "manager", "Quản lý đơn vị";
        /// Writes in her own unit, reads her subtree.
        Clerk = "clerk", "Cán bộ nhập liệu";
        /// Reads her subtree.
        Viewer = "viewer", "Người xem";
    }
}

impl Role {
    pub fn writes(self) -> bool {
        !matches!(self, Role::Viewer)
    }

    pub fn manages_users(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }

    /// Roles this role may give to a new user (never more than its own).
    pub fn may_grant(self, other: Role) -> bool {
        match self {
            Role::Admin => true,
            Role::Manager => other != Role::Admin,
            _ => false,
        }
    }

    /// How far this role's writes of `subject` reach: the row of [`RIGHTS`].
    pub fn reach(self, subject: Subject) -> Reach {
        RIGHTS
            .iter()
            .find(|r| r.role == self && r.subject == subject)
            .map_or(Reach::Nothing, |r| r.reach)
    }
}

crate::vocabulary! {
    /// What a write is about, as far as rights go: each file kind of the contract is one.
    pub enum Subject {
        /// The unit tree and its lineage.
        Units = "units", "cây đơn vị";
        /// Households, members, assessments, assignments and the ledger's records.
        Records = "records", "hồ sơ và hoạt động";
        /// A unit's plan for a year: set from above, never by the unit itself.
        Targets = "targets", "chỉ tiêu";
        /// Projects and the households taking part.
        Projects = "projects", "dự án";
    }
}

crate::vocabulary! {
    /// Which units' records a right covers, seen from the user's own unit as the tree
    /// stands today (a unit that merged into hers counts as hers).
    pub enum Reach {
        Nothing = "nothing", "không được ghi";
        /// Her own unit only.
        OwnUnit = "own_unit", "đơn vị của mình";
        /// Her unit and every unit below it.
        Subtree = "subtree", "đơn vị của mình và cấp dưới";
        /// The units below hers, not her own.
        Below = "below", "chỉ các đơn vị cấp dưới";
        Everywhere = "everywhere", "mọi đơn vị";
    }
}

/// One row of the rights table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Right {
    pub role: Role,
    pub subject: Subject,
    pub reach: Reach,
}

const fn right(role: Role, subject: Subject, reach: Reach) -> Right {
    Right {
        role,
        subject,
        reach,
    }
}

/// What each role may write, the one place it is decided (ARCHITECTURE.md shows this
/// table; a test keeps the two equal). Reading is the same for every role but the
/// administrator's: her unit's subtree.
pub const RIGHTS: &[Right] = {
    use Reach::*;
    use Role::*;
    use Subject::*;
    &[
        right(Admin, Units, Everywhere),
        right(Admin, Records, Everywhere),
        right(Admin, Targets, Everywhere),
        right(Admin, Projects, Everywhere),
        right(Manager, Units, Nothing),
        right(Manager, Records, Subtree),
        right(Manager, Targets, Below),
        right(Manager, Projects, Subtree),
        right(Clerk, Units, Nothing),
        right(Clerk, Records, OwnUnit),
        right(Clerk, Targets, Nothing),
        right(Clerk, Projects, Nothing),
        right(Viewer, Units, Nothing),
        right(Viewer, Records, Nothing),
        right(Viewer, Targets, Nothing),
        right(Viewer, Projects, Nothing),
    ]
};

/// The rights table as Markdown, as ARCHITECTURE.md shows it.
pub fn rights_markdown() -> String {
    let mut out = String::from("| role |");
    for s in Subject::ALL {
        out.push_str(&format!(" {} |", s.as_str()));
    }
    out.push_str("\n|---|");
    for _ in Subject::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for role in Role::ALL {
        out.push_str(&format!("| {} |", role.as_str()));
        for s in Subject::ALL {
            out.push_str(&format!(" {} |", role.reach(s).as_str()));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_one_right_per_subject() {
        for role in Role::ALL {
            for s in Subject::ALL {
                let n = RIGHTS
                    .iter()
                    .filter(|r| r.role == role && r.subject == s)
                    .count();
                assert_eq!(n, 1, "{role:?} × {s:?}");
            }
        }
    }

    #[test]
    fn every_file_kind_has_a_subject() {
        let units: Vec<&str> = crate::contract::ALL
            .iter()
            .filter(|s| s.subject == Subject::Units)
            .map(|s| s.kind)
            .collect();
        assert_eq!(units, ["units", "unit_lineage"]);
        assert_eq!(crate::contract::TARGETS.subject, Subject::Targets);
        assert_eq!(crate::contract::PROJECT_MEMBERS.subject, Subject::Projects);
    }

    #[test]
    fn no_role_but_the_administrator_changes_the_tree_and_a_viewer_writes_nothing() {
        for role in Role::ALL {
            if role != Role::Admin {
                assert_eq!(role.reach(Subject::Units), Reach::Nothing);
            }
            if role == Role::Viewer {
                assert!(Subject::ALL
                    .iter()
                    .all(|s| role.reach(*s) == Reach::Nothing));
            }
        }
    }

    #[test]
    fn architecture_md_shows_the_rights_table() {
        let doc = include_str!("../../../ARCHITECTURE.md");
        assert!(
            doc.contains(&rights_markdown()),
            "ARCHITECTURE.md must contain the rights table as generated:\n{}",
            rights_markdown()
        );
    }
}
