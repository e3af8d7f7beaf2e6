//! Who may do what: four roles, each bound to a unit and its subtree.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, everywhere.
    Admin,
    /// Reads and writes her subtree, manages users below her.
    Manager,
    /// Writes in her own unit, reads her subtree.
    Clerk,
    /// Reads her subtree.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Clerk, Role::Viewer];

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Clerk => "clerk",
            Role::Viewer => "viewer",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Manager => "Quản lý đơn vị",
            Role::Clerk => "Cán bộ nhập liệu",
            Role::Viewer => "Người xem",
        }
    }

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
}
