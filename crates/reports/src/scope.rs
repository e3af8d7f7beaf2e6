//! The scope of a report: a unit on a structure date and every unit version, current or
//! historical, whose records belong in its subtree.

use crate::ReportError;
use domain::units::{Fate, UnitGraph, VersionIx};
use domain::Date;
use std::collections::HashSet;

pub struct Scope {
    pub graph: UnitGraph,
    pub structure_date: Date,
    pub root: VersionIx,
    /// Versions valid on the structure date in the root's subtree.
    pub subtree: HashSet<VersionIx>,
    /// For every version: where its records belong on the structure date.
    mapped: Vec<Option<VersionIx>>,
}

impl Scope {
    pub fn new(graph: UnitGraph, code: &str, structure_date: Date) -> Result<Scope, ReportError> {
        let root = match graph.fate(code, structure_date) {
            Fate::Exists(ix) => ix,
            Fate::EndedInto { ended, on, into } => {
                let (e, i) = (graph.version(ended), graph.version(into));
                return Err(ReportError::UnitMissing(format!(
                    "Đơn vị {code} ({}) không tồn tại vào ngày cơ cấu {}: từ {} đã sáp nhập vào {} ({}). Hãy lập báo cáo cho {}. \
                     / Unit {code} does not exist on the structure date {structure_date}; from {on} it belongs to {}.",
                    e.name,
                    structure_date.dmy(),
                    on.dmy(),
                    i.code,
                    i.name,
                    i.code,
                    i.code
                )));
            }
            Fate::Unmapped { ended } => {
                return Err(ReportError::UnitMissing(format!(
                    "Đơn vị {code} đã kết thúc ngày {} / unit {code} ended on {}",
                    graph.version(ended).valid_to.dmy(),
                    graph.version(ended).valid_to
                )))
            }
            Fate::Unknown => {
                return Err(ReportError::UnitMissing(format!(
                    "Không có đơn vị mã {code} vào ngày {} / no unit {code} on {structure_date}",
                    structure_date.dmy()
                )))
            }
        };
        let subtree: HashSet<VersionIx> = graph
            .structure_on(structure_date)
            .subtree(root)
            .into_iter()
            .collect();
        let mapped = graph.resolve_all(structure_date);
        Ok(Scope {
            graph,
            structure_date,
            root,
            subtree,
            mapped,
        })
    }

    /// Where the records of unit version `id` belong on the structure date, if in scope.
    pub fn place(&self, unit_id: i64) -> Option<VersionIx> {
        let ix = self.graph.find_id(unit_id)?;
        self.mapped[ix].filter(|m| self.subtree.contains(m))
    }

    pub fn contains(&self, unit_id: i64) -> bool {
        self.place(unit_id).is_some()
    }

    /// The ids of every version whose records land in the subtree.
    pub fn unit_ids(&self) -> Vec<i64> {
        self.mapped
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_some_and(|m| self.subtree.contains(&m)))
            .map(|(ix, _)| self.graph.version(ix).id)
            .collect()
    }

    /// True when the scope is every unit there is (a national report): queries then
    /// need no unit filter at all.
    pub fn is_everything(&self) -> bool {
        self.mapped
            .iter()
            .all(|m| m.is_some_and(|m| self.subtree.contains(&m)))
    }
}
