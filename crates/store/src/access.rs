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
    /// Which unit versions' records she may read and which land on her unit itself.
    scope: Arc<Scope>,
}

/// The unit versions a unit's users may read on a day: every version whose records land
/// in its subtree that day (`None`: everything, for an administrator), and of those the
/// ones that land on the unit itself. The same for every user of the unit and role
/// class, so it is computed once per unit, day and graph (`scope_of`).
struct Scope {
    root: Option<VersionIx>,
    read: Option<HashSet<VersionId>>,
    own: HashSet<VersionId>,
}

impl Scope {
    fn compute(graph: &UnitGraph, unit_code: &str, admin: bool, today: Date) -> Scope {
        let root = match graph.fate(unit_code, today) {
            Fate::Exists(ix) => Some(ix),
            Fate::EndedInto { into, .. } => Some(into),
            _ => None,
        };
        let mut own = HashSet::new();
        let read = if admin {
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
        Scope { root, read, own }
    }
}

/// Scopes computed, by (unit code, administrator, day), with the graph each was
/// computed on (kept alive here, so that a new graph is never mistaken for it).
type ScopeCache =
    std::sync::Mutex<std::collections::HashMap<(String, bool, Date), (Arc<UnitGraph>, Arc<Scope>)>>;

/// Scopes kept at most; past it the cache starts again (a nation has 3,321 communes).
const SCOPES_KEPT: usize = 8_192;

/// The scope of a user of `unit_code` on `today` over `graph`: resolving every one of
/// the nation's unit versions costs milliseconds, so it is done once per unit and day
/// while the graph stands, not on every request.
fn scope_of(graph: &Arc<UnitGraph>, unit_code: &str, admin: bool, today: Date) -> Arc<Scope> {
    static CACHE: std::sync::OnceLock<ScopeCache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (unit_code.to_owned(), admin, today);
    if let Ok(kept) = cache.lock() {
        if let Some((g, scope)) = kept.get(&key) {
            if Arc::ptr_eq(g, graph) {
                return scope.clone();
            }
        }
    }
    let scope = Arc::new(Scope::compute(graph, unit_code, admin, today));
    if let Ok(mut kept) = cache.lock() {
        // Scopes of a graph the units have moved on from go (and that graph with them).
        kept.retain(|_, (g, _)| Arc::ptr_eq(g, graph));
        if kept.len() >= SCOPES_KEPT {
            kept.clear();
        }
        kept.insert(key, (graph.clone(), scope.clone()));
    }
    scope
}

#[derive(Debug, thiserror::Error)]
#[error("không có quyền / forbidden")]
pub struct Forbidden;

impl Access {
    pub fn new(db: &mut Db, user: User, today: Date) -> Result<Access, StoreError> {
        let graph = crate::units::load_graph_cached(db)?;
        let scope = scope_of(&graph, &user.unit_code, user.role == Role::Admin, today);
        Ok(Access {
            user,
            graph,
            today,
            root: scope.root,
            scope,
        })
    }

    /// May she write `subject` for the records of unit version `unit_id`? The role's
    /// reach (`domain::access::RIGHTS`) over the units seen from hers.
    pub fn may_write(&self, subject: Subject, unit_id: VersionId) -> bool {
        let in_subtree = self.can_read_unit(unit_id);
        match self.user.role.reach(subject) {
            Reach::Nothing => false,
            Reach::Everywhere => true,
            Reach::OwnUnit => self.scope.own.contains(&unit_id),
            Reach::Subtree => in_subtree,
            Reach::Below => in_subtree && !self.scope.own.contains(&unit_id),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.scope.read.is_none()
    }

    pub fn can_read_unit(&self, unit_id: VersionId) -> bool {
        self.scope
            .read
            .as_ref()
            .is_none_or(|r| r.contains(&unit_id))
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
        self.scope.read.as_ref().map(|r| {
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
