//! The general rules applied to every row of a file kind: known columns, typed cells,
//! required values, and no natural key twice with different content (across the chunks
//! of a streamed file too).

use super::{Fields, Spec};
use crate::refusal::Refusal;
use crate::report::RowError;
use crate::rules::{self, Val};
use crate::source::Table;
use domain::contract::{DELETE_COL, REASON_COL};
use std::collections::HashMap;
use std::sync::Arc;

/// Applies the general rules to every cell of `tables` (all of one kind): known columns,
/// typed values, required values, and no natural key twice with different content.
pub fn parse_tables(
    spec: &'static Spec,
    tables: &[Table],
    errors: &mut Vec<RowError>,
) -> Vec<Fields> {
    let mut out = Vec::new();
    for t in tables {
        out.extend(parse_table(spec, t, errors));
    }
    Dedupe::default().pass(spec, out, errors)
}

pub fn parse_table(spec: &'static Spec, t: &Table, errors: &mut Vec<RowError>) -> Vec<Fields> {
    let file_error = |column: &str, refusal: Refusal| RowError {
        file: t.source.clone(),
        row: 1,
        column: column.to_owned(),
        value: column.to_owned(),
        refusal,
    };
    let mut positions: Vec<Option<usize>> = vec![None; spec.cols.len()];
    let mut extra_cols = Vec::new();
    // The marker of deletions and their reason, for the kinds whose rows may be deleted.
    let (mut delete_at, mut reason_at) = (None, None);
    let before = errors.len();
    for (i, h) in t.header.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        let marker = code_named(spec, h).filter(|c| [DELETE_COL, REASON_COL].contains(c));
        if let Some(c) = column_named(spec, h) {
            if positions[c].is_some() {
                errors.push(file_error(h, Refusal::ColumnTwice { column: h.clone() }));
            }
            positions[c] = Some(i);
        } else if h.starts_with("x_") {
            extra_cols.push((h.clone(), i));
        } else if spec.deletable && marker == Some(DELETE_COL) {
            delete_at = Some(i);
        } else if spec.deletable && marker == Some(REASON_COL) {
            reason_at = Some(i);
        } else {
            let known: Vec<&'static str> = spec.cols.iter().map(|c| c.name).collect();
            errors.push(file_error(
                h,
                Refusal::UnknownColumn {
                    column: h.clone(),
                    kind: spec.kind,
                    known,
                },
            ));
        }
    }
    for (c, col) in spec.cols.iter().enumerate() {
        // A file of deletions may hold only the key (a row that is not a deletion then
        // misses the value, row by row).
        let needed = col.required && (delete_at.is_none() || spec.key.contains(&col.name));
        if needed && positions[c].is_none() {
            errors.push(file_error(
                col.name,
                Refusal::MissingColumn { column: col.name },
            ));
        }
    }
    if errors.len() > before {
        return Vec::new();
    }
    let empty = crate::source::Cell::default();
    let source: Arc<str> = Arc::from(t.source.as_str());
    let mut rows = Vec::with_capacity(t.rows.len());
    for r in &t.rows {
        let mut vals = Vec::with_capacity(spec.cols.len());
        let mut raw = Vec::with_capacity(spec.cols.len());
        let mut ok = true;
        let cell_at = |at: Option<usize>| at.and_then(|p| r.cells.get(p)).unwrap_or(&empty);
        let (delete, reason) = match marks(cell_at(delete_at), cell_at(reason_at)) {
            Ok(marked) => marked,
            Err((column, refusal)) => {
                errors.push(RowError {
                    file: t.source.clone(),
                    row: r.line,
                    column: column.to_owned(),
                    value: crate::report::shown(&cell_at(delete_at).text),
                    refusal,
                });
                continue;
            }
        };
        for (c, col) in spec.cols.iter().enumerate() {
            let mut cell = positions[c].and_then(|p| r.cells.get(p)).unwrap_or(&empty);
            let picked;
            if col.name == "unit_code" && cell.text.contains(" — ") {
                // A template's drop-down writes "code — name".
                picked = crate::source::Cell::text(crate::template::unit_code_of(&cell.text));
                cell = &picked;
            }
            raw.push(cell.text.clone());
            let mut reject = |refusal: Refusal| {
                ok = false;
                errors.push(RowError {
                    file: t.source.clone(),
                    row: r.line,
                    column: col.name.to_owned(),
                    value: crate::report::shown(&cell.text),
                    refusal,
                });
            };
            // A deletion is read by its key alone.
            let required = col.required && (!delete || spec.key.contains(&col.name));
            match rules::parse(cell, col.ty) {
                Ok(Val::Empty) if required => {
                    reject(Refusal::Required);
                    vals.push(Val::Empty);
                }
                Ok(v) => vals.push(v),
                Err(refusal) => {
                    reject(refusal);
                    vals.push(Val::Empty);
                }
            }
        }
        // A row with a bad cell is still checked against the stored data, with that cell
        // empty, so that one round shows every error of a file (it is never written).
        let extra = extra_cols
            .iter()
            .filter_map(|(name, p)| {
                let v = domain::text::clean(&r.cells.get(*p)?.text);
                (!v.is_empty()).then(|| (name.clone(), v))
            })
            .collect();
        rows.push(Fields {
            spec,
            source: source.clone(),
            line: r.line,
            vals,
            raw,
            extra,
            delete,
            reason: reason.clone(),
            broken: !ok,
        });
    }
    rows
}

/// The column a file's header names, by the contract's code or by its Vietnamese name
/// (as a template heads it, in any case, with or without tone marks).
fn column_named(spec: &Spec, header: &str) -> Option<usize> {
    spec.cols.iter().position(|c| c.name == header).or_else(|| {
        // A template marks the required columns' titles with " *".
        let folded = domain::text::fold(header.trim_end_matches('*').trim());
        spec.cols
            .iter()
            .position(|c| domain::text::fold(domain::contract::column_label_vi(c.name)) == folded)
    })
}

/// The contract's code a header names: a column's, or the deletion marker's or its
/// reason's (by code or Vietnamese name).
fn code_named(spec: &Spec, header: &str) -> Option<&'static str> {
    if let Some(c) = column_named(spec, header) {
        return Some(spec.cols[c].name);
    }
    let folded = domain::text::fold(header);
    [DELETE_COL, REASON_COL].into_iter().find(|m| {
        header == *m || domain::text::fold(domain::contract::column_label_vi(m)) == folded
    })
}

/// Whether a row repeats the header: each of its cells names the same column as the
/// header's cell above it (the codes under a template's Vietnamese titles, or the
/// reverse).
pub(crate) fn heads_again(spec: &Spec, header: &[String], r: &crate::source::RawRow) -> bool {
    let mut any = false;
    for (cell, h) in r.cells.iter().zip(header) {
        let text = cell.text.trim();
        if text.is_empty() {
            continue;
        }
        any = true;
        let same = text == h
            || matches!(code_named(spec, text), Some(c) if Some(c) == code_named(spec, h));
        if !same {
            return false;
        }
    }
    any
}

/// A row's deletion marker and reason: a deletion must say why.
fn marks(
    delete: &crate::source::Cell,
    reason: &crate::source::Cell,
) -> Result<(bool, Option<String>), (&'static str, Refusal)> {
    let delete = match rules::parse(delete, domain::contract::Ty::Bool) {
        Ok(Val::Bool(b)) => b,
        Ok(_) => false,
        Err(refusal) => return Err((DELETE_COL, refusal)),
    };
    let reason = match rules::parse(reason, domain::contract::Ty::Text) {
        Ok(Val::Text(t)) => Some(t),
        Ok(_) => None,
        Err(refusal) => return Err((REASON_COL, refusal)),
    };
    if delete && reason.is_none() {
        return Err((REASON_COL, Refusal::ReasonRequired));
    }
    Ok((delete, reason))
}

/// Rows of one kind already seen in this import, by a hash of their natural key: a key
/// met again is dropped when its content is the same and refused when it differs. It
/// spans the chunks of a streamed file, so it holds hashes, not rows.
#[derive(Default)]
pub struct Dedupe {
    seen: HashMap<u64, (u64, Arc<str>, usize)>,
}

fn hash_vals<'a>(vals: impl Iterator<Item = &'a Val>, extra: &[(String, String)]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for v in vals {
        match v {
            Val::Empty => 0u8.hash(&mut h),
            Val::Text(s) => (1u8, s).hash(&mut h),
            Val::Date(d) => (2u8, d.days()).hash(&mut h),
            Val::Bool(b) => (3u8, b).hash(&mut h),
            Val::Int(i) => (4u8, i).hash(&mut h),
            Val::Real(f) => (5u8, f.to_bits()).hash(&mut h),
            Val::CitizenId(id) => (6u8, id.as_str()).hash(&mut h),
            Val::Phone(p) => (7u8, p.as_str()).hash(&mut h),
            Val::Money(v) => (8u8, v.0).hash(&mut h),
        }
    }
    extra.hash(&mut h);
    h.finish()
}

impl Dedupe {
    pub fn pass(
        &mut self,
        spec: &Spec,
        rows: Vec<Fields>,
        errors: &mut Vec<RowError>,
    ) -> Vec<Fields> {
        let key_pos: Vec<usize> = spec.key.iter().map(|k| spec.pos(k)).collect();
        let mut out: Vec<Fields> = Vec::with_capacity(rows.len());
        for r in rows {
            if r.broken {
                out.push(r);
                continue;
            }
            let key = hash_vals(key_pos.iter().map(|&p| &r.vals[p]), &[]);
            let content = hash_vals(r.vals.iter(), &r.extra);
            match self.seen.get(&key) {
                None => {
                    self.seen.insert(key, (content, r.source.clone(), r.line));
                    out.push(r);
                }
                Some((first, _, _)) if *first == content => {}
                Some((_, source, line)) => {
                    errors.push(r.error(
                        spec.key[0],
                        Refusal::KeyRepeated {
                            key: spec.key,
                            source: source.to_string(),
                            line: *line,
                        },
                    ));
                }
            }
        }
        out
    }
}
