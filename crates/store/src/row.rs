//! Typed decoding of result rows: a row is read by its columns' names, each value as the
//! type the caller asks for, and a value that is not of that type is an error.

use crate::{StoreError, Value};
use domain::Date;
use std::sync::Arc;

/// One result row: its values, and the names of its columns (shared by every row of a
/// query), by which it is read.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub values: Vec<Value>,
    columns: Arc<[String]>,
}

/// A value a row's column can be read as. `None` when the stored value is not of that
/// type (or NULL where none is allowed): reading then fails loudly.
pub trait Decode<'a>: Sized {
    /// What the value should have been, for the error.
    const WHAT: &'static str;
    fn decode(v: &'a Value) -> Option<Self>;
}

impl<'a> Decode<'a> for i64 {
    const WHAT: &'static str = "a whole number";
    fn decode(v: &'a Value) -> Option<i64> {
        match v {
            Value::Int(i) => Some(*i),
            Value::Text(s) => s.parse().ok(),
            _ => None,
        }
    }
}

impl<'a> Decode<'a> for domain::units::VersionId {
    const WHAT: &'static str = "a unit version's id";
    fn decode(v: &'a Value) -> Option<domain::units::VersionId> {
        i64::decode(v).map(domain::units::VersionId)
    }
}

impl<'a> Decode<'a> for i32 {
    const WHAT: &'static str = "a whole number";
    fn decode(v: &'a Value) -> Option<i32> {
        i64::decode(v).and_then(|i| i32::try_from(i).ok())
    }
}

impl<'a> Decode<'a> for f64 {
    const WHAT: &'static str = "a number";
    fn decode(v: &'a Value) -> Option<f64> {
        match v {
            Value::Int(i) => Some(*i as f64),
            Value::Real(f) => Some(*f),
            _ => None,
        }
    }
}

impl<'a> Decode<'a> for bool {
    const WHAT: &'static str = "0 or 1";
    fn decode(v: &'a Value) -> Option<bool> {
        match v {
            Value::Int(0) => Some(false),
            Value::Int(1) => Some(true),
            _ => None,
        }
    }
}

impl<'a> Decode<'a> for &'a str {
    const WHAT: &'static str = "text";
    fn decode(v: &'a Value) -> Option<&'a str> {
        v.as_text()
    }
}

impl<'a> Decode<'a> for String {
    const WHAT: &'static str = "text";
    fn decode(v: &'a Value) -> Option<String> {
        v.as_text().map(str::to_owned)
    }
}

impl<'a> Decode<'a> for Date {
    const WHAT: &'static str = "a date (YYYY-MM-DD)";
    fn decode(v: &'a Value) -> Option<Date> {
        v.as_text().and_then(|s| Date::parse(s).ok())
    }
}

impl<'a, T: Decode<'a>> Decode<'a> for Option<T> {
    const WHAT: &'static str = T::WHAT;
    fn decode(v: &'a Value) -> Option<Option<T>> {
        match v {
            Value::Null => Some(None),
            other => T::decode(other).map(Some),
        }
    }
}

impl Row {
    pub fn new(values: Vec<Value>, columns: Arc<[String]>) -> Row {
        Row { values, columns }
    }

    /// Column `name` read as `T`; a missing column or a value that is not a `T` is an
    /// error (`StoreError::Corrupt`), never a default.
    pub fn get<'a, T: Decode<'a>>(&'a self, name: &str) -> Result<T, StoreError> {
        let i = self
            .columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| StoreError::Corrupt(format!("no column {name} in the result")))?;
        T::decode(&self.values[i]).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "column {name}: {:?} is not {}",
                self.values[i],
                T::WHAT
            ))
        })
    }

    /// Column `name` as a vocabulary value (a support type, a class, …). A code that no
    /// import could have written is an error, never a default.
    pub fn code<V: domain::vocab::Vocabulary>(&self, name: &str) -> Result<V, StoreError> {
        let code: &str = self.get(name)?;
        V::parse(code)
            .ok_or_else(|| StoreError::Corrupt(format!("column {name}: unknown code {code:?}")))
    }
}

impl Row {
    /// Column `name` as a vocabulary value that may be absent (NULL); an unknown code is
    /// an error.
    pub fn code_opt<V: domain::vocab::Vocabulary>(
        &self,
        name: &str,
    ) -> Result<Option<V>, StoreError> {
        match self.get::<Option<&str>>(name)? {
            None => Ok(None),
            Some(code) => V::parse(code).map(Some).ok_or_else(|| {
                StoreError::Corrupt(format!("column {name}: unknown code {code:?}"))
            }),
        }
    }
}

/// A type read from one result row by its columns' names.
pub trait FromRow: Sized {
    /// The columns it reads, in the order of its fields.
    const COLUMNS: &'static [&'static str];
    fn from_row(r: &Row) -> Result<Self, StoreError>;

    /// The select list of its columns: `a, b, c`.
    fn select() -> String {
        Self::COLUMNS.join(", ")
    }
}

/// Declares structs read from stored rows, each one's fields, columns and decoding
/// written once.
/// A field `name: Type` is read from the column `name`; `name: Type = code "column"` reads
/// a vocabulary code (`Row::code`), `= code_opt "column"` one that may be NULL, `= col
/// "column"` a column of another name, and `= flag "column"` a 0/1 column where NULL
/// means false.
#[macro_export]
macro_rules! stored_row {
    ($($(#[$meta:meta])* pub struct $name:ident {
        $($field:ident: $ty:ty $(= $how:ident $col:literal)?),* $(,)?
    })+) => {$(
        $(#[$meta])*
        pub struct $name { $(pub $field: $ty),* }

        impl $crate::FromRow for $name {
            const COLUMNS: &'static [&'static str] =
                &[$($crate::stored_row!(@col $field $(, $col)?)),*];
            fn from_row(r: &$crate::Row) -> Result<Self, $crate::StoreError> {
                Ok($name { $($field: $crate::stored_row!(@read r, $field $(, $how $col)?)),* })
            }
        }
    )+};
    (@col $field:ident) => { stringify!($field) };
    (@col $field:ident, $col:literal) => { $col };
    (@read $r:ident, $field:ident) => { $r.get(stringify!($field))? };
    (@read $r:ident, $field:ident, col $col:literal) => { $r.get($col)? };
    (@read $r:ident, $field:ident, code $col:literal) => { $r.code($col)? };
    (@read $r:ident, $field:ident, code_opt $col:literal) => { $r.code_opt($col)? };
    (@read $r:ident, $field:ident, flag $col:literal) => {
        $r.get::<Option<bool>>($col)?.unwrap_or(false)
    };
}
