//! One row of a file kind as the kinds read it: its cells parsed, by the contract's
//! column names.

use super::{to_value, Spec};
use crate::refusal::Refusal;
use crate::report::RowError;
use crate::rules::Val;
use std::sync::Arc;

/// `name -> Type = pattern => value;`: a reader of one column as `Option<Type>`, `None`
/// when the cell is empty or holds another kind of value.
macro_rules! fields_read {
    ($($name:ident -> $ty:ty = $pat:pat => $e:expr;)*) => {$(
        pub fn $name(&self, col: &str) -> Option<$ty> {
            match self.val(col) {
                $pat => Some($e),
                _ => None,
            }
        }
    )*};
}

/// One row of a file, its cells parsed by the general rules and read by the contract's
/// column names (a name the kind does not declare is a programming error, caught by the
/// tests). A cell that broke a rule reads as empty and marks the row `broken`.
#[derive(Clone, Debug)]
pub struct Fields {
    pub spec: &'static Spec,
    /// Shared by every row of a file.
    pub source: Arc<str>,
    pub line: usize,
    pub vals: Vec<Val>,
    /// The cells as written, for error messages.
    pub raw: Vec<String>,
    /// `x_` columns, kept as extra data.
    pub extra: Vec<(String, String)>,
    /// The row asks for the stored row of its key to be deleted (the `delete` column).
    pub delete: bool,
    /// The reason given with it (the `reason` column).
    pub reason: Option<String>,
    /// A cell of the row broke the general rules (its error is reported already; the
    /// cell reads as empty). The row is checked against the stored data all the same, so
    /// that a file's errors come in one round, but it is never written.
    pub broken: bool,
}

impl Fields {
    pub fn val(&self, col: &str) -> &Val {
        &self.vals[self.spec.pos(col)]
    }

    fields_read! {
        text -> &str = Val::Text(s) => s;
        date -> domain::Date = Val::Date(d) => *d;
        int -> i64 = Val::Int(n) => *n;
        citizen_id -> &domain::ids::CitizenId = Val::CitizenId(id) => id;
        money -> domain::ids::Vnd = Val::Money(v) => *v;
        bool -> bool = Val::Bool(b) => *b;
    }

    pub fn real(&self, col: &str) -> Option<f64> {
        match self.val(col) {
            Val::Real(f) => Some(*f),
            Val::Int(n) => Some(*n as f64),
            _ => None,
        }
    }

    /// The cell of `col` as the database stores it.
    pub fn value(&self, col: &str) -> store::Value {
        to_value(self.val(col))
    }

    /// Whether the row's cell of `col` was written and read (a broken row's other errors
    /// are told only of such cells: an error of an empty cell there would be the echo of
    /// the cell that broke).
    pub fn read_as_written(&self, col: &str) -> bool {
        let Some(i) = self.spec.cols.iter().position(|c| c.name == col) else {
            return false;
        };
        !self.raw[i].trim().is_empty() && self.vals[i] != Val::Empty
    }

    /// The row's error at column `col`.
    pub fn error(&self, col: &str, refusal: Refusal) -> RowError {
        let i = self.spec.pos(col);
        RowError {
            file: self.source.to_string(),
            row: self.line,
            column: self.spec.cols[i].name.to_owned(),
            value: crate::report::shown(&self.raw[i]),
            refusal,
        }
    }

    /// The `x_` columns as a JSON object, or `None` when there are none.
    pub fn extra_json(&self) -> Option<String> {
        if self.extra.is_empty() {
            return None;
        }
        let map: serde_json::Map<String, serde_json::Value> = self
            .extra
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        Some(serde_json::Value::Object(map).to_string())
    }
}
