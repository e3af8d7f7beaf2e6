//! Who may do what: four roles, each bound to a unit and its subtree.

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
}
