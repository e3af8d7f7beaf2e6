//! The view layer: how a person reads a stored record of the data contract, on every
//! surface (a list's page and its download, the correction and deletion forms). Derived
//! from `domain::contract`: each column's Vietnamese label and type say how its value is
//! read (a vocabulary's name, Có/Không, DD/MM/YYYY, thousands dots, a unit's name with its
//! code and what an ended unit became) and how a spreadsheet holds it (numbers as
//! numbers, dates as dates, codes as text). Identifiers go through
//! `store::disclosure`: whole for who may write the household, masked for the others,
//! and every view in full on record.

use crate::sheet::Cell;
use domain::contract::{Spec, Ty};
use domain::units::VersionId;
use domain::vocab::capitalized;
use std::collections::HashMap;
use store::access::Access;
use store::disclosure::{is_identifier, Disclosure, Surface};
use store::Value;

/// A stored row by column name (key, data and derived columns).
pub type Stored = HashMap<&'static str, Value>;

/// A stored value as text, as a form's input holds it.
pub fn raw_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => s.clone(),
    }
}

/// A value of a column of type `ty` as a cell: read by a person on the page, typed for
/// a spreadsheet.
pub fn cell(ty: Ty, v: &Value) -> Cell {
    let t = raw_text(v);
    if t.is_empty() {
        return Cell::default();
    }
    match ty {
        Ty::Enum(entries) => entries
            .iter()
            .find(|(code, _)| *code == t)
            .map_or(t.clone(), |(_, label)| capitalized(label))
            .into(),
        Ty::Bool => match t.as_str() {
            "1" | "true" => "Có".into(),
            "0" | "false" => "Không".into(),
            _ => t.into(),
        },
        Ty::Date => domain::Date::parse(&t).map_or_else(|_| t.clone().into(), Cell::date),
        Ty::Money | Ty::Count => match v.as_int() {
            Some(n) => Cell::number(reports::render::count(n)),
            None => t.into(),
        },
        // A year is a number without a thousands dot (2023, not 2.023).
        Ty::Year => Cell::number(t),
        Ty::Share => Cell::number(t.replace('.', ",")),
        Ty::Text | Ty::Code | Ty::CitizenId | Ty::Phone => t.into(),
    }
}

/// A unit as a person knows it: its name and code, and, for a unit that no longer
/// exists, what it became ("Xã Ch'ơm (20437), nay là Xã Hùng Sơn (20438)").
pub fn unit_name(acc: &Access, unit_id: Option<VersionId>, code: &str) -> String {
    let graph = &acc.graph;
    let Some(ix) = unit_id
        .and_then(|id| graph.find_id(id))
        .or_else(|| graph.versions_of(code).last().copied())
    else {
        return code.to_owned();
    };
    let v = graph.version(ix);
    let named = format!("{} ({})", v.name, v.code);
    match graph.fate(&v.code, acc.today) {
        domain::units::Fate::EndedInto { into, .. } => {
            let now = graph.version(into);
            format!("{named}, nay là {} ({})", now.name, now.code)
        }
        _ => named,
    }
}

/// The rows of one kind shown to one person on one surface: every cell derived from the
/// contract, identifiers through the disclosure rule.
pub struct Rows<'a> {
    pub spec: &'static Spec,
    acc: &'a Access,
    disclosure: Disclosure<'a>,
    /// Identifiers masked for everyone, whatever her rights (a download she asked masked).
    masked: bool,
}

impl<'a> Rows<'a> {
    pub fn new(spec: &'static Spec, acc: &'a Access) -> Rows<'a> {
        Rows {
            spec,
            acc,
            disclosure: Disclosure::new(acc),
            masked: false,
        }
    }

    /// Identifiers masked for everyone (a download asked for without them).
    pub fn masked(mut self) -> Rows<'a> {
        self.masked = true;
        self
    }

    /// For a surface that shares (a download): the identifiers of `withheld` members
    /// (consent to sharing withdrawn) are left out.
    pub fn sharing(mut self, withheld: std::collections::HashSet<(String, i64)>) -> Rows<'a> {
        self.disclosure = self.disclosure.sharing(withheld);
        self
    }

    /// Does the kind have identifier columns?
    pub fn has_identifiers(spec: &Spec) -> bool {
        spec.cols.iter().any(|c| is_identifier(c.ty))
    }

    /// The value of column `name` of a stored row as she may see it, as a cell; `unit`
    /// is the unit version whose records the row counts among (who may write it may see
    /// its identifiers whole).
    pub fn cell(&mut self, row: &Stored, name: &str, unit: Option<VersionId>) -> Cell {
        let Some(col) = self.spec.cols.iter().find(|c| c.name == name) else {
            return Cell::default();
        };
        let Some(v) = row.get(col.name) else {
            return Cell::default();
        };
        if is_identifier(col.ty) {
            let value = raw_text(v);
            if self.masked {
                return domain::ids::masked(&value).into();
            }
            let household = row
                .get("household_code")
                .and_then(Value::as_text)
                .unwrap_or_default();
            let member_no = row.get("member_no").and_then(Value::as_int).unwrap_or(0);
            return self
                .disclosure
                .identifier((household, member_no), unit, &value)
                .into();
        }
        if col.name == "unit_code" {
            let id = row.get("unit_id").and_then(Value::as_unit);
            return unit_name(self.acc, id, &raw_text(v)).into();
        }
        cell(col.ty, v)
    }

    /// Every column of the kind, in the contract's order.
    pub fn cells(&mut self, row: &Stored, unit: Option<VersionId>) -> Vec<Cell> {
        self.spec
            .cols
            .iter()
            .map(|c| self.cell(row, c.name, unit))
            .collect()
    }

    /// The value of column `name` as a form's input holds it: the stored text, but an
    /// identifier as she may see it.
    pub fn input_value(&mut self, row: &Stored, name: &str, unit: Option<VersionId>) -> String {
        match self.spec.cols.iter().find(|c| c.name == name) {
            Some(c) if is_identifier(c.ty) => self.cell(row, name, unit).text,
            _ => row.get(name).map(raw_text).unwrap_or_default(),
        }
    }

    /// How many households' identifiers these rows showed whole.
    pub fn households_in_full(&self) -> usize {
        self.disclosure.households_in_full()
    }

    /// Puts the views in full on record (`store::disclosure`).
    pub fn log(
        self,
        db: &mut store::Db,
        surface: Surface,
        reason: Option<&str>,
    ) -> Result<(), store::StoreError> {
        let actor = self.acc.user.actor();
        self.disclosure.log(db, &actor, surface, reason)
    }
}
