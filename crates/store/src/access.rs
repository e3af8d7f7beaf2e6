//! What a signed-in user may read and write, computed once per request from her unit on
//! today's tree. Every scoped query of the store takes an [`Access`]: nobody sees or
//! changes a record outside her subtree, whatever the page or URL asked for; what she may
//! write follows her role's row of `domain::access::RIGHTS`.

use crate::accounts::User;
use crate::{Db, StoreError};
use domain::access::{Reach, Role, Subject};
use domain::units::{Fate, UnitGraph, VersionId, VersionIx};
use domain::Date;
use std::collections::HashSet;
use std::sync::Arc;

pub struct Access {
    pub user: User,
    pub graph: Arc<UnitGraph>,
    pub today: Date,
    /// The user's unit on `today` (her unit's successor if it merged).
    pub root: Option<VersionIx>,
    /// Unit version ids whose records she may read (they land in her subtree today);
    /// `None`: everything (administrator).
    read: Option<HashSet<VersionId>>,
    /// Of those, the ids that land on her unit itself.
    own: HashSet<VersionId>,
}

#[derive(Debug, thiserror::Error)]
#[error("không có quyền / forbidden")]
pub struct Forbidden;

impl Access {
    pub fn new(db: &mut Db, user: User, today: Date) -> Result<Access, StoreError> {
        let graph = crate::units::load_graph_cached(db)?;
        let root = match graph.fate(&user.unit_code, today) {
            Fate::Exists(ix) => Some(ix),
            Fate::EndedInto { into, .. } => Some(into),
            _ => None,
        };
        let mut own = HashSet::new();
        let read = if user.role == Role::Admin {
            None
        } else {
            let mut read = HashSet::new();
            if let Some(root) = root {
                let subtree: HashSet<VersionIx> = graph
                    .structure_on(today)
                    .subtree(root)
                    .into_iter()
                    .collect();
                for (ix, m) in graph.resolve_all(today).into_iter().enumerate() {
                    let Some(m) = m else { continue };
                    let id = graph.version(ix).id;
                    if subtree.contains(&m) {
                        read.insert(id);
                        if m == root {
                            own.insert(id);
                        }
                    }
                }
            }
            Some(read)
        };
        Ok(Access {
            user,
            graph,
            today,
            root,
            read,
            own,
        })
    }

    /// May she write `subject` for the records of unit version `unit_id`? The role's
    /// reach (`domain::access::RIGHTS`) over the units seen from hers.
    pub fn may_write(&self, subject: Subject, unit_id: VersionId) -> bool {
        let in_subtree = self.can_read_unit(unit_id);
        match self.user.role.reach(subject) {
            Reach::Nothing => false,
            Reach::Everywhere => true,
            Reach::OwnUnit => self.own.contains(&unit_id),
            Reach::Subtree => in_subtree,
            Reach::Below => in_subtree && !self.own.contains(&unit_id),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.read.is_none()
    }

    pub fn can_read_unit(&self, unit_id: VersionId) -> bool {
        self.read.as_ref().is_none_or(|r| r.contains(&unit_id))
    }

    /// May she write the records (households, members, supports, …) of this unit?
    pub fn can_write_unit(&self, unit_id: VersionId) -> bool {
        self.may_write(Subject::Records, unit_id)
    }

    /// May she read (report on) the unit with this code as it stands today?
    pub fn can_read_code(&self, code: &str, on: Date) -> bool {
        match self.graph.version_on(code, on) {
            Some(ix) => self.can_read_unit(self.graph.version(ix).id),
            None => self.is_admin(),
        }
    }

    pub fn can_write_code(&self, code: &str, on: Date) -> bool {
        match self.graph.version_on(code, on) {
            Some(ix) => self.can_write_unit(self.graph.version(ix).id),
            None => false,
        }
    }

    /// Unit version ids she may read, for SQL filters; `None` for everything.
    pub fn readable_ids(&self) -> Option<Vec<i64>> {
        self.read.as_ref().map(|r| {
            let mut v: Vec<i64> = r.iter().map(|id| id.0).collect();
            v.sort_unstable();
            v
        })
    }

    /// The units of today's tree whose `subject` she may write, ordered by code: what a
    /// template's or a form's unit picker offers her.
    pub fn writable_units(&self, subject: Subject) -> Vec<&domain::units::UnitVersion> {
        let mut units: Vec<&domain::units::UnitVersion> = self
            .graph
            .versions()
            .iter()
            .filter(|v| v.valid_on(self.today) && self.may_write(subject, v.id))
            .collect();
        units.sort_by(|a, b| a.code.cmp(&b.code));
        units
    }

    /// May she manage (create, lock, give a new password to) a user of unit `code`? The
    /// administrator any; a manager only the users of units strictly below hers (a peer
    /// of her own unit is managed from above, so no one takes over a colleague).
    pub fn manages_users_of(&self, code: &str) -> bool {
        if self.is_admin() {
            return true;
        }
        if !self.user.role.manages_users() {
            return false;
        }
        let (Some(root), Some(ix)) = (self.root, self.graph.version_on(code, self.today)) else {
            return false;
        };
        ix != root
            && self
                .graph
                .structure_on(self.today)
                .subtree(root)
                .contains(&ix)
    }

    pub fn root_code(&self) -> String {
        self.root
            .map(|r| self.graph.version(r).code.clone())
            .unwrap_or_else(|| self.user.unit_code.clone())
    }
}
