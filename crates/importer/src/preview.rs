//! What an import would change, row by row, for the officer to read before she confirms:
//! each row added, each stored row changed (column by column, old → new) and each row
//! deleted. Kept only for a dry run, and only the first [`LIMIT`]; the summary's counts
//! cover the rest.

use domain::contract::{column_label_vi, Spec, Ty};
use store::keyed::{KeyedRow, Stored, TableDef};
use store::Value;

/// Rows listed at most; a file of 100,000 new households is summed up, not listed.
pub const LIMIT: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Add,
    Change,
    Delete,
}

impl Action {
    pub fn label_vi(self) -> &'static str {
        match self {
            Action::Add => "Thêm",
            Action::Change => "Sửa",
            Action::Delete => "Xóa",
        }
    }
}

/// One column of a changed row, as the officer reads it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FieldChange {
    /// The column's Vietnamese name.
    pub column: String,
    pub old: String,
    pub new: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Change {
    /// The file kind's Vietnamese name.
    pub kind: String,
    /// The row's key as written in files ("DN001", "DN001 / 2").
    pub key: String,
    pub action: Action,
    /// For a change: the columns that differ; for an addition: the columns given.
    pub fields: Vec<FieldChange>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    /// Whether changes are kept at all (a dry run).
    pub enabled: bool,
    pub changes: Vec<Change>,
    /// Changes past [`LIMIT`], counted only.
    pub omitted: u64,
}

impl Preview {
    fn push(&mut self, change: Change) {
        if self.changes.len() < LIMIT {
            self.changes.push(change);
        } else {
            self.omitted += 1;
        }
    }

    /// Notes the rows about to be written in `table` against the stored rows they
    /// replace (`stored`, by key); rows whose content is the same are no change.
    pub fn note_writes(
        &mut self,
        spec: &Spec,
        table: &TableDef,
        rows: &[KeyedRow],
        stored: &Stored,
    ) {
        if !self.enabled {
            return;
        }
        for row in rows {
            let old = stored.get(&row.key);
            if old.is_some_and(|o| *o == row.data) {
                continue;
            }
            let fields = table
                .data
                .iter()
                .enumerate()
                .filter_map(|(i, col)| {
                    let new = shown(spec, col, &row.data[i])?;
                    let old = match old {
                        Some(o) => shown_old(spec, col, &o[i])?,
                        None => String::new(),
                    };
                    (old != new).then(|| FieldChange {
                        column: column_label_vi(col).to_owned(),
                        old,
                        new,
                    })
                })
                .collect();
            let action = if old.is_some() {
                Action::Change
            } else {
                Action::Add
            };
            self.push(Change {
                kind: spec.label_vi.to_owned(),
                key: key_text(&row.key),
                action,
                fields,
            });
        }
    }

    /// Notes stored rows about to be deleted, by key.
    pub fn note_deletions(&mut self, spec: &Spec, keys: &[Vec<Value>]) {
        if !self.enabled {
            return;
        }
        for key in keys {
            self.push(Change {
                kind: spec.label_vi.to_owned(),
                key: key_text(key),
                action: Action::Delete,
                fields: Vec::new(),
            });
        }
    }
}

fn key_text(key: &[Value]) -> String {
    key.iter().map(plain).collect::<Vec<_>>().join(" / ")
}

fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Int(n) => n.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => s.clone(),
    }
}

/// A stored cell about to be replaced: as [`shown`], but an identifier masked (the new
/// value is hers; the stored one is seen whole only where its view is logged, on the
/// household's page).
fn shown_old(spec: &Spec, col: &str, v: &Value) -> Option<String> {
    let ty = spec.cols.iter().find(|c| c.name == col)?.ty;
    if store::disclosure::is_identifier(ty) {
        return Some(domain::ids::masked(&plain(v)));
    }
    shown(spec, col, v)
}

/// A stored cell as the officer wrote it: a vocabulary by its Vietnamese name, yes/no in
/// words, a date DD/MM/YYYY. `None` for columns the files do not have (derived ones: the
/// unit version's id beside the unit's code, a folded name).
fn shown(spec: &Spec, col: &str, v: &Value) -> Option<String> {
    let ty = spec.cols.iter().find(|c| c.name == col)?.ty;
    let text = plain(v);
    Some(match ty {
        Ty::Bool => match v.as_int() {
            Some(0) => "Không".into(),
            Some(_) => "Có".into(),
            None => text,
        },
        Ty::Enum(vocab) => vocab
            .iter()
            .find(|(code, _)| *code == text)
            .map_or(text, |(_, label)| domain::vocab::capitalized(label)),
        Ty::Date => domain::date::dmy_text(&text),
        _ => text,
    })
}
